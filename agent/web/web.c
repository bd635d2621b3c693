/* SPDX-License-Identifier: Apache-2.0 */
#include "web.h"

#include <errno.h>
#include <libwebsockets.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

struct sk_web {
	struct sk_web_opts opts;
	struct lws_context *ctx;
	pthread_t thread;
	atomic_bool stop;
};

/* One HTTP transaction: the response body waiting to be written. */
struct session {
	char *body; /* LWS_PRE bytes of headroom, then len bytes */
	size_t len, pos;
};

static int respond(struct lws *wsi, struct session *s, unsigned status, const char *ctype,
		   char *body, size_t len)
{
	uint8_t hdr[LWS_PRE + 1024], *start = &hdr[LWS_PRE], *p = start,
				     *end = &hdr[sizeof(hdr) - 1];
	s->body = body;
	s->len = len;
	s->pos = 0;
	if (lws_add_http_common_headers(wsi, status, ctype, len, &p, end))
		return -1;
	if (status == HTTP_STATUS_METHOD_NOT_ALLOWED &&
	    lws_add_http_header_by_name(wsi, (const uint8_t *)"allow:", (const uint8_t *)"GET, HEAD",
					9, &p, end))
		return -1;
	if (lws_finalize_write_http_header(wsi, start, &p, end))
		return -1;
	lws_callback_on_writable(wsi);
	return 0;
}

/* A body with LWS_PRE bytes of headroom, copied from text (or rendered by the caller). */
static char *with_headroom(const char *text, size_t len)
{
	char *b = malloc(LWS_PRE + len + 1);
	if (b)
		memcpy(b + LWS_PRE, text, len + 1);
	return b;
}

static int respond_text(struct lws *wsi, struct session *s, unsigned status, const char *ctype,
			const char *text)
{
	size_t len = strlen(text);
	char *b = with_headroom(text, len);
	if (!b)
		return -1;
	return respond(wsi, s, status, ctype, b, len);
}

static int error_json(struct lws *wsi, struct session *s, unsigned status, const char *msg)
{
	char body[256];
	snprintf(body, sizeof(body), "{\"error\": \"%s\"}\n", msg);
	return respond_text(wsi, s, status, "application/json", body);
}

static int serve_metrics(struct sk_web *w, struct lws *wsi, struct session *s)
{
	char *text;
	size_t len;
	if (sk_metrics_render(w->opts.metrics, &text, &len))
		return error_json(wsi, s, 500, "cannot render the metrics");
	char *b = with_headroom(text, len);
	free(text);
	if (!b)
		return -1;
	return respond(wsi, s, 200, "text/plain; version=0.0.4; charset=utf-8", b, len);
}

static int on_request(struct sk_web *w, struct lws *wsi, struct session *s, const char *uri)
{
	bool get = lws_hdr_total_length(wsi, WSI_TOKEN_GET_URI) > 0;
	bool head = lws_hdr_total_length(wsi, WSI_TOKEN_HEAD_URI) > 0;
	if (!get && !head)
		return error_json(wsi, s, HTTP_STATUS_METHOD_NOT_ALLOWED,
				  "method not allowed: only GET and HEAD");
	char cl[32];
	if (lws_hdr_copy(wsi, cl, sizeof(cl), WSI_TOKEN_HTTP_CONTENT_LENGTH) > 0 && atol(cl) > 0)
		return error_json(wsi, s, HTTP_STATUS_BAD_REQUEST, "a GET request has no body");
	if (!strcmp(uri, w->opts.healthz_endpoint))
		return respond_text(wsi, s, 200, "application/json", "{\"status\": \"ok\"}");
	if (!strcmp(uri, "/versions")) {
		char body[512];
		snprintf(body, sizeof(body),
			 "{\"saker_version\": \"%s\", \"engine_version\": \"%s\", "
			 "\"engine_version_semver\": \"%s\", \"event_schema_codes\": %u}",
			 w->opts.version, SK_ENGINE_VERSION, SK_ENGINE_VERSION,
			 (unsigned)SK_EVT_TABLE_SIZE);
		return respond_text(wsi, s, 200, "application/json", body);
	}
	if (!strcmp(uri, "/metrics") && w->opts.metrics_enabled)
		return serve_metrics(w, wsi, s);
	return error_json(wsi, s, HTTP_STATUS_NOT_FOUND, "not found");
}

static int on_writable(struct lws *wsi, struct session *s)
{
	if (!s->body)
		return 0;
	bool head = lws_hdr_total_length(wsi, WSI_TOKEN_HEAD_URI) > 0;
	size_t chunk = s->len - s->pos;
	if (chunk > 32768)
		chunk = 32768;
	bool last = s->pos + chunk == s->len;
	if (!head && chunk &&
	    lws_write(wsi, (uint8_t *)s->body + LWS_PRE + s->pos, chunk,
		      last ? LWS_WRITE_HTTP_FINAL : LWS_WRITE_HTTP) != (int)chunk)
		return -1;
	s->pos += chunk;
	if (!last && !head) {
		/* the next chunk needs LWS_PRE bytes before it: they are already sent data */
		lws_callback_on_writable(wsi);
		return 0;
	}
	free(s->body);
	s->body = NULL;
	return lws_http_transaction_completed(wsi) ? -1 : 0;
}

static int callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
		    size_t len)
{
	struct session *s = user;
	struct lws_context *ctx = lws_get_context(wsi);
	struct sk_web *w = ctx ? lws_context_user(ctx) : NULL;
	switch (reason) {
	case LWS_CALLBACK_HTTP:
		return on_request(w, wsi, s, in ? (const char *)in : "");
	case LWS_CALLBACK_HTTP_BODY:
		return -1; /* no endpoint takes a body; requests with one were refused */
	case LWS_CALLBACK_HTTP_WRITEABLE:
		return on_writable(wsi, s);
	case LWS_CALLBACK_CLOSED_HTTP:
	case LWS_CALLBACK_HTTP_DROP_PROTOCOL:
		if (s) {
			free(s->body);
			s->body = NULL;
		}
		break;
	default:
		break;
	}
	return lws_callback_http_dummy(wsi, reason, user, in, len);
}

static const struct lws_protocols protocols[] = {
	{"http", callback, sizeof(struct session), 0, 0, NULL, 0},
	{NULL, NULL, 0, 0, 0, NULL, 0},
};

static void *serve(void *arg)
{
	struct sk_web *w = arg;
	while (!atomic_load(&w->stop))
		if (lws_service(w->ctx, 0) < 0)
			break;
	return NULL;
}

int sk_web_start(struct sk_web **out, const struct sk_web_opts *opts, char *err, size_t errlen)
{
	struct sk_web *w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->opts = *opts;
	if (!w->opts.healthz_endpoint || !*w->opts.healthz_endpoint)
		w->opts.healthz_endpoint = "/healthz";
	lws_set_log_level(0, NULL);
	struct lws_context_creation_info info;
	memset(&info, 0, sizeof(info));
	info.port = (int)opts->port;
	info.iface = opts->listen_address && *opts->listen_address &&
				     strcmp(opts->listen_address, "0.0.0.0")
			     ? opts->listen_address
			     : NULL;
	info.protocols = protocols;
	info.user = w;
	info.max_http_header_data = SK_WEB_MAX_HEADER_BYTES;
	info.max_http_header_pool = 16;
	info.timeout_secs = SK_WEB_TIMEOUT_S;
	info.keepalive_timeout = SK_WEB_KEEPALIVE_S;
	info.fd_limit_per_thread = SK_WEB_MAX_CONNS;
	info.options = LWS_SERVER_OPTION_DISABLE_IPV6;
	info.server_string = "saker";
	if (opts->ssl_enabled) {
		info.options |= LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
		info.ssl_cert_filepath = opts->ssl_certificate;
		info.ssl_private_key_filepath = opts->ssl_certificate;
	}
	w->ctx = lws_create_context(&info);
	if (!w->ctx) {
		snprintf(err, errlen, "webserver: cannot listen on %s:%u%s%s",
			 info.iface ? info.iface : "0.0.0.0", opts->port,
			 opts->ssl_enabled ? " with TLS certificate " : "",
			 opts->ssl_enabled ? opts->ssl_certificate : "");
		free(w);
		return -EADDRNOTAVAIL;
	}
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	int rc = pthread_create(&w->thread, NULL, serve, w);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc) {
		lws_context_destroy(w->ctx);
		free(w);
		snprintf(err, errlen, "webserver: cannot start its thread: %s", strerror(rc));
		return -rc;
	}
	sk_logf(&opts->log, SK_LOG_INFO, "webserver: listening on %s:%u%s",
		info.iface ? info.iface : "0.0.0.0", opts->port, opts->ssl_enabled ? " (TLS)" : "");
	*out = w;
	return 0;
}

void sk_web_free(struct sk_web *w)
{
	if (!w)
		return;
	atomic_store(&w->stop, true);
	lws_cancel_service(w->ctx);
	pthread_join(w->thread, NULL);
	lws_context_destroy(w->ctx);
	free(w);
}
