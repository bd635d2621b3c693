/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The transport: TLS and credentials on a libcurl handle, one request, and
 * the decoding of Status bodies. The bearer token of a token file is cached
 * for K8S_TOKEN_CACHE_S seconds (or until the file's mtime changes) and
 * re-read on a 401; an exec plugin's credential until its expiry or a 401.
 *
 * A kubeconfig's tls-server-name becomes the host of every request URL,
 * with CURLOPT_CONNECT_TO sending the connection to the server's real host:
 * libcurl then verifies the certificate against that name and sends it as
 * SNI. Its proxy-url is set on every handle and wins over the environment
 * (HTTPS_PROXY and NO_PROXY); without it libcurl reads the environment.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "k8s_priv.h"

struct k8s_client {
	struct k8s_config *cfg;
	char *base_url;                 /* server URL, its host replaced by tls-server-name */
	struct curl_slist *connect_to;  /* "NAME:PORT:HOST:PORT"; NULL without tls-server-name */
	char *host_header;              /* "Host: " the server's own authority; NULL likewise */
	unsigned timeout_s;
	pthread_mutex_t lock; /* guards the credential cache and stats */
	char *token;          /* current bearer token (file or exec) */
	time_t token_read;    /* when the token file was last read */
	struct timespec token_mtime;
	char *exec_cert, *exec_key; /* PEM from an exec plugin */
	int64_t exec_expiry;
	struct k8s_client_stats stats;
};

static pthread_once_t global_once = PTHREAD_ONCE_INIT;

static void global_init(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

unsigned k8s_rand_range(unsigned lo, unsigned hi)
{
	static __thread unsigned seed;
	if (!seed)
		seed = (unsigned)time(NULL) ^ (unsigned)(uintptr_t)&seed;
	return hi <= lo ? lo : lo + (unsigned)rand_r(&seed) % (hi - lo + 1);
}

static void free_endpoint(struct k8s_client *c)
{
	free(c->base_url);
	free(c->host_header);
	curl_slist_free_all(c->connect_to);
}

/*
 * The URL prefix requests go to. With a tls-server-name, its host is that
 * name and connect_to routes it to the server's host and port.
 */
static int prepare_endpoint(struct k8s_client *c, char *err, size_t errlen)
{
	const char *name = c->cfg->tls_server_name;
	char *host = NULL, *port = NULL, *url = NULL, *line = NULL;
	bool port_given;
	CURLU *u = NULL;
	size_t n;
	int rc = 0;

	if (!name || !*name) {
		c->base_url = strdup(c->cfg->server);
		return c->base_url ? 0 : -ENOMEM;
	}
	u = curl_url();
	if (!u)
		return -ENOMEM;
	if (curl_url_set(u, CURLUPART_URL, c->cfg->server, 0) ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) ||
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT)) {
		K8S_SET_ERR(err, errlen, "server URL '%.200s' does not parse", c->cfg->server);
		rc = -EINVAL;
		goto out;
	}
	port_given = curl_url_get(u, CURLUPART_PORT, &url, 0) == CURLUE_OK;
	curl_free(url);
	url = NULL;
	if (curl_url_set(u, CURLUPART_HOST, name, 0) || curl_url_get(u, CURLUPART_URL, &url, 0)) {
		K8S_SET_ERR(err, errlen, "tls-server-name '%.200s' is not a host name", name);
		rc = -EINVAL;
		goto out;
	}
	n = strlen(url);
	while (n > 0 && url[n - 1] == '/')
		url[--n] = '\0';
	if (asprintf(&line, "%s:%s:%s:%s", name, port, host, port) < 0) {
		line = NULL;
		rc = -ENOMEM;
		goto out;
	}
	if (asprintf(&c->host_header, "Host: %s%s%s", host, port_given ? ":" : "",
		     port_given ? port : "") < 0) {
		c->host_header = NULL;
		rc = -ENOMEM;
		goto out;
	}
	c->connect_to = curl_slist_append(NULL, line);
	c->base_url = strdup(url);
	if (!c->connect_to || !c->base_url)
		rc = -ENOMEM;
out:
	free(line);
	curl_free(url);
	curl_free(port);
	curl_free(host);
	curl_url_cleanup(u);
	return rc;
}

int k8s_client_new(struct k8s_client **out, const struct k8s_config *cfg, unsigned timeout_s,
		   char *err, size_t errlen)
{
	struct k8s_client *c;
	int rc;

	if (!cfg || !cfg->server) {
		K8S_SET_ERR(err, errlen, "no API server configured");
		return -EINVAL;
	}
	pthread_once(&global_once, global_init);
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	rc = k8s_config_dup(&c->cfg, cfg);
	if (rc) {
		free(c);
		return rc;
	}
	rc = prepare_endpoint(c, err, errlen);
	if (rc) {
		free_endpoint(c);
		k8s_config_free(c->cfg);
		free(c);
		return rc;
	}
	c->timeout_s = timeout_s ? timeout_s : 30;
	pthread_mutex_init(&c->lock, NULL);
	*out = c;
	return 0;
}

static void clear_secret(char **s)
{
	if (*s) {
		explicit_bzero(*s, strlen(*s));
		free(*s);
		*s = NULL;
	}
}

void k8s_client_free(struct k8s_client *c)
{
	if (!c)
		return;
	clear_secret(&c->token);
	clear_secret(&c->exec_cert);
	clear_secret(&c->exec_key);
	free_endpoint(c);
	k8s_config_free(c->cfg);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

const struct k8s_config *k8s_client_config(const struct k8s_client *c)
{
	return c->cfg;
}

void k8s_client_stats(struct k8s_client *c, struct k8s_client_stats *out)
{
	pthread_mutex_lock(&c->lock);
	*out = c->stats;
	pthread_mutex_unlock(&c->lock);
}

void k8s_client_note_401(struct k8s_client *c)
{
	pthread_mutex_lock(&c->lock);
	c->stats.unauthorized++;
	pthread_mutex_unlock(&c->lock);
}

/* Re-read the token file when forced, stale, or changed. Lock held. */
static int refresh_token_file(struct k8s_client *c, bool force, char *err, size_t errlen)
{
	struct stat st;
	time_t now = time(NULL);
	char *tok;
	size_t n;
	int rc;

	if (stat(c->cfg->token_file, &st) != 0) {
		K8S_SET_ERR(err, errlen, "token file %s: %s", c->cfg->token_file, strerror(errno));
		return c->token ? 0 : -errno; /* keep the last token while the file is replaced */
	}
	if (c->token && !force && now - c->token_read < K8S_TOKEN_CACHE_S &&
	    st.st_mtim.tv_sec == c->token_mtime.tv_sec &&
	    st.st_mtim.tv_nsec == c->token_mtime.tv_nsec)
		return 0;
	rc = k8s_read_file(c->cfg->token_file, K8S_TOKEN_MAX, &tok, &n, err, errlen);
	if (rc)
		return c->token ? 0 : rc;
	while (n && (tok[n - 1] == '\n' || tok[n - 1] == '\r' || tok[n - 1] == ' '))
		tok[--n] = '\0';
	clear_secret(&c->token);
	c->token = tok;
	c->token_read = now;
	c->token_mtime = st.st_mtim;
	c->stats.token_reloads++;
	return 0;
}

/* Run the exec plugin when forced or expired. Lock held. */
static int refresh_exec(struct k8s_client *c, bool force, char *err, size_t errlen)
{
	char *tok, *cert, *key;
	int64_t expiry;
	int rc;

	if (!force && (c->token || c->exec_cert) &&
	    (c->exec_expiry == 0 || (int64_t)time(NULL) + 10 < c->exec_expiry))
		return 0;
	rc = k8s_exec_run(c->cfg->exec, c->cfg->server, &tok, &cert, &key, &expiry, err, errlen);
	if (rc)
		return rc;
	clear_secret(&c->token);
	clear_secret(&c->exec_cert);
	clear_secret(&c->exec_key);
	c->token = tok;
	c->exec_cert = cert;
	c->exec_key = key;
	c->exec_expiry = expiry;
	c->stats.token_reloads++;
	return 0;
}

static int set_blob(CURL *h, CURLoption opt, const char *data, size_t len)
{
	struct curl_blob b = {.data = (void *)data, .len = len, .flags = CURL_BLOB_COPY};
	return curl_easy_setopt(h, opt, &b) == CURLE_OK ? 0 : -EINVAL;
}

static int apply_tls(struct k8s_client *c, CURL *h)
{
	const struct k8s_config *cfg = c->cfg;
	const char *cert = c->exec_cert ? c->exec_cert : cfg->cert_pem;
	const char *key = c->exec_key ? c->exec_key : cfg->key_pem;
	int rc = 0;

	if (cfg->ca_pem) {
		curl_easy_setopt(h, CURLOPT_CAINFO, NULL);
		curl_easy_setopt(h, CURLOPT_CAPATH, NULL);
		rc = set_blob(h, CURLOPT_CAINFO_BLOB, cfg->ca_pem, cfg->ca_len);
	}
	if (!rc && cert && key) {
		rc = set_blob(h, CURLOPT_SSLCERT_BLOB, cert, strlen(cert));
		if (!rc)
			rc = set_blob(h, CURLOPT_SSLKEY_BLOB, key, strlen(key));
		curl_easy_setopt(h, CURLOPT_SSLCERTTYPE, "PEM");
		curl_easy_setopt(h, CURLOPT_SSLKEYTYPE, "PEM");
		if (cfg->key_pass)
			curl_easy_setopt(h, CURLOPT_KEYPASSWD, cfg->key_pass);
	}
	if (cfg->insecure) {
		curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	return rc;
}

/* Where the connection goes: tls-server-name routing and the proxy. */
static void apply_route(struct k8s_client *c, CURL *h)
{
	if (c->connect_to)
		curl_easy_setopt(h, CURLOPT_CONNECT_TO, c->connect_to);
	if (c->cfg->proxy_url) {
		/* An explicit proxy-url beats the environment, its NO_PROXY included. */
		curl_easy_setopt(h, CURLOPT_PROXY, c->cfg->proxy_url);
		curl_easy_setopt(h, CURLOPT_NOPROXY, "");
	}
}

int k8s_client_easy(struct k8s_client *c, CURL *h, const char *path, bool force_creds,
		    struct curl_slist **headers, char *err, size_t errlen)
{
	char url[K8S_PATH_MAX + 512];
	struct curl_slist *hl = NULL;
	int rc = 0;

	if (snprintf(url, sizeof(url), "%s%s", c->base_url, path) >= (int)sizeof(url)) {
		K8S_SET_ERR(err, errlen, "request path longer than %u bytes", K8S_PATH_MAX);
		return -ENAMETOOLONG;
	}
	curl_easy_reset(h);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(h, CURLOPT_TCP_KEEPIDLE, 30L);
	curl_easy_setopt(h, CURLOPT_TCP_KEEPINTVL, 15L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_USERAGENT, "saker-k8s/0.1");
	apply_route(c, h);
	hl = curl_slist_append(hl, "Accept: application/json");
	if (c->host_header)
		hl = curl_slist_append(hl, c->host_header);
	pthread_mutex_lock(&c->lock);
	if (c->cfg->exec)
		rc = refresh_exec(c, force_creds, err, errlen);
	else if (c->cfg->token_file)
		rc = refresh_token_file(c, force_creds, err, errlen);
	if (!rc)
		rc = apply_tls(c, h);
	if (!rc) {
		const char *tok = c->token ? c->token : c->cfg->token;
		if (tok) {
			char *auth = NULL;
			if (asprintf(&auth, "Authorization: Bearer %s", tok) < 0)
				rc = -ENOMEM;
			else {
				hl = curl_slist_append(hl, auth);
				explicit_bzero(auth, strlen(auth));
				free(auth);
			}
		}
	}
	c->stats.requests++;
	pthread_mutex_unlock(&c->lock);
	if (rc) {
		curl_slist_free_all(hl);
		return rc;
	}
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hl);
	*headers = hl;
	return 0;
}

struct body_buf {
	char *data;
	size_t len, cap;
	bool too_big;
	long retry_after;
};

static size_t body_write(char *p, size_t sz, size_t nm, void *ud)
{
	struct body_buf *b = ud;
	size_t n = sz * nm;
	if (b->len + n > K8S_BODY_MAX) {
		b->too_big = true;
		return 0;
	}
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 16384;
		while (cap < b->len + n + 1)
			cap *= 2;
		char *d = realloc(b->data, cap);
		if (!d)
			return 0;
		b->data = d;
		b->cap = cap;
	}
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return n;
}

/* "Sun, 06 Nov 1994 08:49:37 GMT" (IMF-fixdate) into seconds since the epoch; -1 if not. */
static time_t http_date(const char *s)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	char wday[4], mon[4];
	const char *m;
	struct tm tm = {0};
	int used = 0;

	if (sscanf(s, "%3[A-Za-z], %2d %3[A-Za-z] %4d %2d:%2d:%2d GMT%n", wday, &tm.tm_mday, mon,
		   &tm.tm_year, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &used) != 7 ||
	    used == 0 || s[used] != '\0' || strlen(mon) != 3)
		return -1;
	m = strstr(months, mon);
	if (!m || (m - months) % 3 != 0 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 ||
	    tm.tm_min > 59 || tm.tm_sec > 60)
		return -1;
	tm.tm_mon = (int)(m - months) / 3;
	tm.tm_year -= 1900;
	return timegm(&tm);
}

long k8s_retry_after_parse(const char *v, size_t len)
{
	char buf[K8S_RETRY_AFTER_LEN];
	size_t i = 0;
	long s;

	while (len && (*v == ' ' || *v == '\t'))
		v++, len--;
	while (len && (v[len - 1] == '\r' || v[len - 1] == '\n' || v[len - 1] == ' ' ||
		       v[len - 1] == '\t'))
		len--;
	if (!len || len >= sizeof(buf))
		return 0;
	memcpy(buf, v, len);
	buf[len] = '\0';
	while (i < len && buf[i] >= '0' && buf[i] <= '9')
		i++;
	if (i == len) {
		s = i > 6 ? K8S_RETRY_AFTER_MAX_S : strtol(buf, NULL, 10);
	} else {
		time_t t = http_date(buf), now = time(NULL);
		if (t < 0 || t <= now)
			return 0;
		s = t - now > K8S_RETRY_AFTER_MAX_S ? K8S_RETRY_AFTER_MAX_S : (long)(t - now);
	}
	return s > K8S_RETRY_AFTER_MAX_S ? K8S_RETRY_AFTER_MAX_S : s;
}

static size_t header_cb(char *p, size_t sz, size_t nm, void *ud)
{
	struct body_buf *b = ud;
	size_t n = sz * nm;
	if (n > 5 && strncmp(p, "HTTP/", 5) == 0)
		b->retry_after = 0; /* a new response (after a proxy's or a 1xx) */
	else if (n > 12 && strncasecmp(p, "Retry-After:", 12) == 0)
		b->retry_after = k8s_retry_after_parse(p + 12, n - 12);
	return n;
}

static const char *status_field(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsString(v) ? v->valuestring : "";
}

int k8s_status_errno(long status, const char *body, size_t len, char *err, size_t errlen)
{
	cJSON *o;
	const char *reason, *msg, *cause = "";
	int rc;

	if (status >= 200 && status < 300)
		return 0;
	o = body && len ? cJSON_ParseWithLength(body, len) : NULL;
	reason = status_field(o, "reason");
	msg = status_field(o, "message");
	const cJSON *details = cJSON_GetObjectItemCaseSensitive(o, "details");
	const cJSON *causes = cJSON_GetObjectItemCaseSensitive(details, "causes");
	if (cJSON_GetArraySize(causes) > 0)
		cause = status_field(cJSON_GetArrayItem(causes, 0), "reason");
	switch (status) {
	case 400: case 422: rc = -EINVAL; break;
	case 401: case 403: rc = -EACCES; break;
	case 404: rc = -ENOENT; break;
	case 409: rc = strcmp(reason, "AlreadyExists") == 0 ? -EEXIST : -EBUSY; break;
	case 410: rc = -ESTALE; break;
	case 429: rc = -EAGAIN; break;
	case 504: rc = strcmp(cause, "ResourceVersionTooLarge") == 0 ? -ESTALE : -EIO; break;
	default: rc = -EIO; break;
	}
	if (*msg)
		K8S_SET_ERR(err, errlen, "HTTP %ld %s: %s", status, *reason ? reason : "", msg);
	else
		K8S_SET_ERR(err, errlen, "HTTP %ld%s", status,
			    status == 401 ? " Unauthorized" : status == 403 ? " Forbidden" : "");
	cJSON_Delete(o);
	return rc;
}

static int perform_once(struct k8s_client *c, const char *method, const char *path,
			const char *ctype, const char *body, size_t blen, bool force,
			struct k8s_response *resp, char *err, size_t errlen)
{
	CURL *h = curl_easy_init();
	struct curl_slist *hl = NULL;
	struct body_buf b = {0};
	char cerr[CURL_ERROR_SIZE] = "";
	CURLcode cc;
	int rc;

	if (!h)
		return -ENOMEM;
	rc = k8s_client_easy(c, h, path, force, &hl, err, errlen);
	if (rc)
		goto out;
	if (ctype) {
		char ct[128];
		snprintf(ct, sizeof(ct), "Content-Type: %s", ctype);
		hl = curl_slist_append(hl, ct);
		curl_easy_setopt(h, CURLOPT_HTTPHEADER, hl);
	}
	curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
	if (body) {
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)blen);
	}
	curl_easy_setopt(h, CURLOPT_TIMEOUT, (long)c->timeout_s);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, body_write);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, header_cb);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, &b);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, cerr);
	cc = curl_easy_perform(h);
	if (cc != CURLE_OK) {
		if (b.too_big)
			K8S_SET_ERR(err, errlen, "%s %s: response larger than %u bytes", method, path,
				    K8S_BODY_MAX);
		else
			K8S_SET_ERR(err, errlen, "%s%s: %s", c->cfg->server, path,
				    *cerr ? cerr : curl_easy_strerror(cc));
		rc = b.too_big ? -EFBIG
		     : (cc == CURLE_PEER_FAILED_VERIFICATION || cc == CURLE_SSL_CACERT_BADFILE ||
			cc == CURLE_SSL_CERTPROBLEM || cc == CURLE_SSL_CONNECT_ERROR)
			 ? -EPROTO
			 : -EIO;
		free(b.data);
		goto out;
	}
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &resp->status);
	resp->body = b.data ? b.data : strdup("");
	resp->len = b.len;
	resp->retry_after_s = b.retry_after;
	rc = k8s_status_errno(resp->status, resp->body, resp->len, err, errlen);
out:
	curl_slist_free_all(hl);
	curl_easy_cleanup(h);
	return rc;
}

int k8s_request(struct k8s_client *c, const char *method, const char *path,
		const char *content_type, const char *body, size_t body_len,
		struct k8s_response *resp, char *err, size_t errlen)
{
	int rc;
	bool renewable = c->cfg->token_file || c->cfg->exec;

	memset(resp, 0, sizeof(*resp));
	rc = perform_once(c, method, path, content_type, body, body_len, false, resp, err, errlen);
	if (resp->status == 401) {
		k8s_client_note_401(c);
		if (renewable) {
			free(resp->body);
			memset(resp, 0, sizeof(*resp));
			rc = perform_once(c, method, path, content_type, body, body_len, true, resp,
					  err, errlen);
			if (resp->status == 401)
				k8s_client_note_401(c);
		}
	}
	return rc;
}

int k8s_query_add(char *buf, size_t cap, const char *key, const char *value)
{
	size_t n = strlen(buf);
	char *enc = curl_easy_escape(NULL, value, 0);
	int w;

	if (!enc)
		return -ENOMEM;
	w = snprintf(buf + n, cap - n, "%c%s=%s", strchr(buf, '?') ? '&' : '?', key, enc);
	curl_free(enc);
	if (w < 0 || (size_t)w >= cap - n) {
		buf[n] = '\0';
		return -ENAMETOOLONG;
	}
	return 0;
}
