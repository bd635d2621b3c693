/* SPDX-License-Identifier: Apache-2.0 */
/*
 * HTTP(S) output: POST each alert (the JSON object falcosidekick accepts,
 * or the text line) with libcurl. Retries with exponential backoff on
 * transport errors, 429 and 5xx; counts the alert as an error after
 * SK_OUTPUTS_HTTP_TRIES attempts.
 */
#include <curl/curl.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "output_int.h"

struct http_state {
	CURL *curl;
	struct curl_slist *headers;
	char curl_err[CURL_ERROR_SIZE];
	size_t echoed;
};

static size_t on_reply(char *data, size_t size, size_t nmemb, void *ctx)
{
	struct sk_output *out = ctx;
	struct http_state *h = out->priv;
	size_t n = size * nmemb;
	if (out->opts->http->echo && h->echoed < SK_OUTPUTS_HTTP_REPLY_MAX) {
		size_t k = n < SK_OUTPUTS_HTTP_REPLY_MAX - h->echoed ? n
								      : SK_OUTPUTS_HTTP_REPLY_MAX - h->echoed;
		fwrite(data, 1, k, stdout);
		h->echoed += k;
	}
	return n;
}

static bool nonempty(const char *s)
{
	return s && *s;
}

static int setup(struct sk_output *out, struct http_state *h)
{
	const struct sk_http_output_config *c = out->opts->http;
	CURL *cu = h->curl;
	curl_easy_setopt(cu, CURLOPT_URL, c->url);
	curl_easy_setopt(cu, CURLOPT_POST, 1L);
	curl_easy_setopt(cu, CURLOPT_HTTPHEADER, h->headers);
	curl_easy_setopt(cu, CURLOPT_USERAGENT,
			 nonempty(c->user_agent) ? c->user_agent : out->opts->default_user_agent);
	curl_easy_setopt(cu, CURLOPT_ERRORBUFFER, h->curl_err);
	curl_easy_setopt(cu, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(cu, CURLOPT_TIMEOUT_MS, (long)(out->opts->timeout_ms ? out->opts->timeout_ms
									      : 2000));
	curl_easy_setopt(cu, CURLOPT_WRITEFUNCTION, on_reply);
	curl_easy_setopt(cu, CURLOPT_WRITEDATA, out);
	curl_easy_setopt(cu, CURLOPT_PROTOCOLS_STR, "http,https");
	if (c->insecure) {
		curl_easy_setopt(cu, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(cu, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	if (nonempty(c->ca_cert))
		curl_easy_setopt(cu, CURLOPT_CAINFO, c->ca_cert);
	else if (nonempty(c->ca_bundle))
		curl_easy_setopt(cu, CURLOPT_CAINFO, c->ca_bundle);
	if (nonempty(c->ca_path))
		curl_easy_setopt(cu, CURLOPT_CAPATH, c->ca_path);
	if (c->mtls) {
		curl_easy_setopt(cu, CURLOPT_SSLCERT, c->client_cert);
		curl_easy_setopt(cu, CURLOPT_SSLKEY, c->client_key);
	}
	if (c->compress_uploads)
		curl_easy_setopt(cu, CURLOPT_ACCEPT_ENCODING, "");
	if (!c->keep_alive)
		curl_easy_setopt(cu, CURLOPT_FORBID_REUSE, 1L);
	return 0;
}

static int http_open(struct sk_output *out, char *err, size_t errlen)
{
	const struct sk_http_output_config *c = out->opts->http;
	if (!nonempty(c->url) ||
	    (strncmp(c->url, "http://", 7) && strncmp(c->url, "https://", 8))) {
		snprintf(err, errlen, "http output: http_output.url '%s' is not an http(s) URL",
			 c->url ? c->url : "");
		return -EINVAL;
	}
	struct http_state *h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	h->curl = curl_easy_init();
	h->headers = curl_slist_append(NULL, out->opts->json ? "Content-Type: application/json"
							      : "Content-Type: text/plain");
	h->headers = curl_slist_append(h->headers, "Expect:");
	if (!h->curl || !h->headers) {
		if (h->curl)
			curl_easy_cleanup(h->curl);
		curl_slist_free_all(h->headers);
		free(h);
		return -ENOMEM;
	}
	out->priv = h;
	setup(out, h);
	return 0;
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

/* POST one alert; true when the server took it (2xx). */
static bool post(struct sk_output *out, struct http_state *h, const struct sk_alert_msg *m)
{
	unsigned delay = SK_OUTPUTS_HTTP_BACKOFF_MS;
	bool was_failing = out->logged_error; /* the previous alert failed every try */
	for (unsigned attempt = 1;; attempt++) {
		curl_easy_setopt(h->curl, CURLOPT_POSTFIELDS, (const char *)&m->text[0]);
		curl_easy_setopt(h->curl, CURLOPT_POSTFIELDSIZE, (long)m->len);
		h->curl_err[0] = '\0';
		CURLcode rc = curl_easy_perform(h->curl);
		long status = 0;
		curl_easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE, &status);
		if (rc == CURLE_OK && status >= 200 && status < 300) {
			sk_output_ok(out);
			return true;
		}
		bool retry = rc != CURLE_OK || status == 429 || status >= 500;
		if (rc != CURLE_OK)
			sk_output_fail(out, "POST %s: %s", out->opts->http->url,
				       h->curl_err[0] ? h->curl_err : curl_easy_strerror(rc));
		else
			sk_output_fail(out, "POST %s: HTTP status %ld", out->opts->http->url,
				       status);
		/*
		 * While shutting down, a sink that already failed an alert gets one
		 * attempt per alert: the queue must drain in bounded time.
		 */
		if (!retry || attempt >= SK_OUTPUTS_HTTP_TRIES ||
		    (was_failing && sk_output_stopping(out)))
			return false;
		sleep_ms(delay);
		delay *= 2;
	}
}

static unsigned http_write(struct sk_output *out, struct sk_alert_msg *const *msgs, unsigned n)
{
	struct http_state *h = out->priv;
	unsigned failed = 0;
	for (unsigned i = 0; i < n; i++)
		failed += !post(out, h, msgs[i]);
	return failed;
}

static void http_close(struct sk_output *out)
{
	struct http_state *h = out->priv;
	if (!h)
		return;
	curl_easy_cleanup(h->curl);
	curl_slist_free_all(h->headers);
	free(h);
	out->priv = NULL;
}

const struct sk_output_ops sk_output_http_ops = {"http", http_open, http_write, http_close};
