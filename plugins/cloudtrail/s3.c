/* SPDX-License-Identifier: Apache-2.0 */
/*
 * S3 for cloudtrail: ListObjectsV2 and GetObject over HTTPS (libcurl), each
 * request signed with AWS Signature Version 4 (OpenSSL HMAC-SHA256).
 * Credentials, region and endpoint come from the usual AWS places: the
 * init config's aws.* keys, then AWS_* environment variables, then the
 * shared config and credentials files. AWS_ENDPOINT_URL(_S3) switches to
 * path-style requests against another endpoint (a local stand-in in tests);
 * AWS_CA_BUNDLE names extra trusted CAs.
 */
#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include "cloudtrail.h"

#define S3_RESPONSE_MAX CT_FILE_MAX /* bytes of one response */
#define S3_TIMEOUT_S 120
#define S3_MAX_PAGES 100000u
#define S3_MAX_WORKERS 64u /* s3DownloadConcurrency is capped here */

/* One download of the prefetch window. */
struct s3_download {
	char *data;
	size_t len;
	int rc; /* 0 or -errno once done */
	bool done;
	char err[256];
};

struct ct_s3 {
	CURL *curl; /* listing */
	/* downloads: s3DownloadConcurrency workers fetch files ahead of the reader */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	pthread_t workers[S3_MAX_WORKERS];
	unsigned nworkers, concurrency;
	const struct ct_file *files;
	size_t nfiles, claimed, consumed;
	struct s3_download *dl;
	bool stop;
	char bucket[256];
	char region[64];
	char akid[256], secret[256], token[2048];
	char endpoint[512]; /* "" = virtual-hosted AWS */
	char ca[1024];
};

/* ---- credentials ---------------------------------------------------------------- */

/* key=value of [section] in an ini file (AWS shared files) into out. */
static bool ini_get(const char *path, const char *section, const char *key, char *out, size_t cap)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return false;
	char line[2048];
	bool in = false, found = false;
	while (!found && fgets(line, sizeof(line), f)) {
		char *s = line;
		while (isspace((unsigned char)*s))
			s++;
		s[strcspn(s, "\r\n")] = '\0';
		if (*s == '[') {
			char *e = strchr(s, ']');
			if (e)
				*e = '\0';
			char *name = s + 1;
			while (*name == ' ')
				name++;
			in = !strcmp(name, section);
			continue;
		}
		char *eq = strchr(s, '=');
		if (!in || !eq)
			continue;
		char *k = s, *ke = eq;
		while (ke > k && isspace((unsigned char)ke[-1]))
			ke--;
		if ((size_t)(ke - k) != strlen(key) || strncmp(k, key, (size_t)(ke - k)))
			continue;
		char *v = eq + 1;
		while (isspace((unsigned char)*v))
			v++;
		size_t n = strlen(v);
		while (n && isspace((unsigned char)v[n - 1]))
			n--;
		snprintf(out, cap, "%.*s", (int)n, v);
		found = true;
	}
	fclose(f);
	return found;
}

static const char *env(const char *name)
{
	const char *v = getenv(name);
	return v && v[0] ? v : NULL;
}

static void home_file(char *out, size_t cap, const char *cfg, const char *envname, const char *name)
{
	const char *v = cfg[0] ? cfg : env(envname);
	if (v)
		snprintf(out, cap, "%s", v);
	else
		snprintf(out, cap, "%s/.aws/%s", env("HOME") ? env("HOME") : "", name);
}

static int load_credentials(struct ct_s3 *s, const struct ct_config *c, char *err)
{
	const char *profile = c->aws_profile[0]	   ? c->aws_profile
			      : env("AWS_PROFILE") ? env("AWS_PROFILE")
						   : "default";
	char creds[1024], conf[1024], section[256];
	home_file(creds, sizeof(creds), c->aws_credentials, "AWS_SHARED_CREDENTIALS_FILE",
		  "credentials");
	home_file(conf, sizeof(conf), c->aws_config, "AWS_CONFIG_FILE", "config");
	snprintf(section, sizeof(section), "%s%s", strcmp(profile, "default") ? "profile " : "",
		 profile);
	bool from_env =
	    !c->aws_profile[0] && env("AWS_ACCESS_KEY_ID") && env("AWS_SECRET_ACCESS_KEY");
	if (from_env) {
		snprintf(s->akid, sizeof(s->akid), "%s", env("AWS_ACCESS_KEY_ID"));
		snprintf(s->secret, sizeof(s->secret), "%s", env("AWS_SECRET_ACCESS_KEY"));
		if (env("AWS_SESSION_TOKEN"))
			snprintf(s->token, sizeof(s->token), "%s", env("AWS_SESSION_TOKEN"));
	} else if (!ini_get(creds, profile, "aws_access_key_id", s->akid, sizeof(s->akid)) ||
		   !ini_get(creds, profile, "aws_secret_access_key", s->secret,
			    sizeof(s->secret))) {
		skp_errorf(err,
			   "no AWS credentials: set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or "
			   "profile '%s' in %s",
			   profile, creds);
		return -EACCES;
	} else {
		ini_get(creds, profile, "aws_session_token", s->token, sizeof(s->token));
	}
	if (c->aws_region[0])
		snprintf(s->region, sizeof(s->region), "%s", c->aws_region);
	else if (env("AWS_REGION") || env("AWS_DEFAULT_REGION"))
		snprintf(s->region, sizeof(s->region), "%s",
			 env("AWS_REGION") ? env("AWS_REGION") : env("AWS_DEFAULT_REGION"));
	else if (!ini_get(conf, section, "region", s->region, sizeof(s->region)))
		snprintf(s->region, sizeof(s->region), "us-east-1");
	const char *ep =
	    env("AWS_ENDPOINT_URL_S3") ? env("AWS_ENDPOINT_URL_S3") : env("AWS_ENDPOINT_URL");
	if (ep) {
		snprintf(s->endpoint, sizeof(s->endpoint), "%s", ep);
		size_t n = strlen(s->endpoint);
		while (n && s->endpoint[n - 1] == '/')
			s->endpoint[--n] = '\0';
	}
	if (env("AWS_CA_BUNDLE"))
		snprintf(s->ca, sizeof(s->ca), "%s", env("AWS_CA_BUNDLE"));
	return 0;
}

/* ---- SigV4 ------------------------------------------------------------------------ */

static void hex(const unsigned char *d, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
}

static void sha256_hex(const char *s, size_t n, char out[65])
{
	unsigned char d[SHA256_DIGEST_LENGTH];
	SHA256((const unsigned char *)s, n, d);
	hex(d, sizeof(d), out);
}

static void hmac(const unsigned char *key, size_t klen, const char *msg, unsigned char out[32])
{
	unsigned int n = 32;
	HMAC(EVP_sha256(), key, (int)klen, (const unsigned char *)msg, strlen(msg), out, &n);
}

/* RFC 3986 encoding as SigV4 wants it; '/' kept when keep_slash. */
static void uri_encode(const char *s, bool keep_slash, char *out, size_t cap)
{
	size_t o = 0;
	for (; *s && o + 4 < cap; s++) {
		unsigned char c = (unsigned char)*s;
		if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' ||
		    (keep_slash && c == '/'))
			out[o++] = (char)c;
		else
			o += (size_t)snprintf(out + o, cap - o, "%%%02X", c);
	}
	out[o] = '\0';
}

struct qparam {
	const char *key, *value;
};

static int qcmp(const void *a, const void *b)
{
	return strcmp(((const struct qparam *)a)->key, ((const struct qparam *)b)->key);
}

struct buf {
	char *data;
	size_t len;
	bool too_big;
};

static size_t on_data(char *p, size_t size, size_t n, void *ctx)
{
	struct buf *b = ctx;
	size_t add = size * n;
	if (b->len + add > S3_RESPONSE_MAX) {
		b->too_big = true;
		return 0;
	}
	char *nd = realloc(b->data, b->len + add + 1);
	if (!nd)
		return 0;
	b->data = nd;
	memcpy(b->data + b->len, p, add);
	b->len += add;
	b->data[b->len] = '\0';
	return add;
}

/* Abort a transfer when the source is closing. */
static int on_progress(void *ctx, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
	const struct ct_s3 *s = ctx;
	return __atomic_load_n(&s->stop, __ATOMIC_RELAXED) ? 1 : 0;
}

/* GET path?query (params already sorted by the caller or not) signed; body into out. */
static int s3_request(struct ct_s3 *s, CURL *curl, const char *key, struct qparam *q, unsigned nq,
		      char **out, size_t *outlen, char *err)
{
	char host[512], base[600], curi[4096], cq[8192] = "", t1[2048], t2[2048];
	if (s->endpoint[0]) {
		const char *h = strstr(s->endpoint, "://");
		snprintf(host, sizeof(host), "%s", h ? h + 3 : s->endpoint);
		snprintf(base, sizeof(base), "%s", s->endpoint);
		uri_encode(key, true, t1, sizeof(t1));
		snprintf(curi, sizeof(curi), "/%s/%s", s->bucket, t1);
		if (!key[0])
			snprintf(curi, sizeof(curi), "/%s", s->bucket);
	} else {
		snprintf(host, sizeof(host), "%s.s3.%s.amazonaws.com", s->bucket, s->region);
		snprintf(base, sizeof(base), "https://%s", host);
		uri_encode(key, true, t1, sizeof(t1));
		snprintf(curi, sizeof(curi), "/%s", t1);
	}
	if (nq)
		qsort(q, nq, sizeof(*q), qcmp);
	for (unsigned i = 0; i < nq; i++) {
		uri_encode(q[i].key, false, t1, sizeof(t1));
		uri_encode(q[i].value, false, t2, sizeof(t2));
		size_t l = strlen(cq);
		snprintf(cq + l, sizeof(cq) - l, "%s%s=%s", i ? "&" : "", t1, t2);
	}
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	char amzdate[32], date[16], payload[65];
	strftime(amzdate, sizeof(amzdate), "%Y%m%dT%H%M%SZ", &tm);
	strftime(date, sizeof(date), "%Y%m%d", &tm);
	sha256_hex("", 0, payload);
	char canon[16384], sh[128];
	snprintf(sh, sizeof(sh), "host;x-amz-content-sha256;x-amz-date%s",
		 s->token[0] ? ";x-amz-security-token" : "");
	snprintf(canon, sizeof(canon),
		 "GET\n%s\n%s\nhost:%s\nx-amz-content-sha256:%s\nx-amz-date:%s\n%s%s%s\n%s\n%s",
		 curi, cq, host, payload, amzdate, s->token[0] ? "x-amz-security-token:" : "",
		 s->token, s->token[0] ? "\n" : "", sh, payload);
	char chash[65], scope[128], sts[512];
	sha256_hex(canon, strlen(canon), chash);
	snprintf(scope, sizeof(scope), "%s/%s/s3/aws4_request", date, s->region);
	snprintf(sts, sizeof(sts), "AWS4-HMAC-SHA256\n%s\n%s\n%s", amzdate, scope, chash);
	unsigned char k[32], k2[32];
	char kinit[300];
	snprintf(kinit, sizeof(kinit), "AWS4%s", s->secret);
	hmac((const unsigned char *)kinit, strlen(kinit), date, k);
	hmac(k, 32, s->region, k2);
	hmac(k2, 32, "s3", k);
	hmac(k, 32, "aws4_request", k2);
	unsigned char sig[32];
	char sighex[65];
	hmac(k2, 32, sts, sig);
	hex(sig, 32, sighex);

	char url[16384], h1[1024], h2[128], h3[128], h4[2200];
	snprintf(url, sizeof(url), "%s%s%s%s", base, curi, cq[0] ? "?" : "", cq);
	snprintf(h1, sizeof(h1),
		 "Authorization: AWS4-HMAC-SHA256 Credential=%s/%s, SignedHeaders=%s, Signature=%s",
		 s->akid, scope, sh, sighex);
	snprintf(h2, sizeof(h2), "x-amz-date: %s", amzdate);
	snprintf(h3, sizeof(h3), "x-amz-content-sha256: %s", payload);
	snprintf(h4, sizeof(h4), "x-amz-security-token: %s", s->token);
	struct curl_slist *hl = NULL;
	hl = curl_slist_append(hl, h1);
	hl = curl_slist_append(hl, h2);
	hl = curl_slist_append(hl, h3);
	if (s->token[0])
		hl = curl_slist_append(hl, h4);
	struct buf b = {0};
	curl_easy_reset(curl);
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, hl);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, (long)S3_TIMEOUT_S);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(curl, CURLOPT_XFERINFODATA, s);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "https,http");
	if (s->ca[0])
		curl_easy_setopt(curl, CURLOPT_CAINFO, s->ca);
	CURLcode cc = curl_easy_perform(curl);
	long status = 0;
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
	curl_slist_free_all(hl);
	if (cc != CURLE_OK || status != 200) {
		if (cc != CURLE_OK)
			skp_errorf(err, "s3://%s/%s: %s", s->bucket, key,
				   b.too_big ? "response too large" : curl_easy_strerror(cc));
		else
			skp_errorf(err, "s3://%s/%s: HTTP %ld: %.200s", s->bucket, key, status,
				   b.data ? b.data : "");
		free(b.data);
		return -EIO;
	}
	*out = b.data ? b.data : strdup("");
	*outlen = b.len;
	return *out ? 0 : -ENOMEM;
}

/* ---- listing ------------------------------------------------------------------------ */

/* Text of <tag>...</tag> at or after *p (XML entities decoded), advancing *p. */
static char *xml_next(const char **p, const char *tag)
{
	char open[64], close[64];
	snprintf(open, sizeof(open), "<%s>", tag);
	snprintf(close, sizeof(close), "</%s>", tag);
	const char *a = strstr(*p, open);
	if (!a)
		return NULL;
	a += strlen(open);
	const char *b = strstr(a, close);
	if (!b)
		return NULL;
	*p = b + strlen(close);
	char *out = malloc((size_t)(b - a) + 1), *o = out;
	if (!out)
		return NULL;
	static const struct {
		const char *ent;
		char c;
	} ents[] = {
	    {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
	while (a < b) {
		bool done = false;
		for (size_t i = 0; i < 5 && !done; i++) {
			size_t l = strlen(ents[i].ent);
			if ((size_t)(b - a) >= l && !strncmp(a, ents[i].ent, l)) {
				*o++ = ents[i].c;
				a += l;
				done = true;
			}
		}
		if (!done)
			*o++ = *a++;
	}
	*o = '\0';
	return out;
}

bool ct_key_in_interval(const char *key, int64_t from, int64_t to)
{
	const char *p = strstr(key, "_CloudTrail_");
	if (!p)
		return false;
	p = strchr(p + 12, '_'); /* after the region */
	if (!p || strlen(p + 1) < 14)
		return false;
	char ts[32];
	snprintf(ts, sizeof(ts), "%.4s-%.2s-%.2sT%.2s:%.2s:00Z", p + 1, p + 5, p + 7, p + 10,
		 p + 12);
	uint64_t ns;
	if (p[9] != 'T' || skp_parse_rfc3339(ts, &ns))
		return false;
	int64_t t = (int64_t)(ns / 1000000000u);
	return t >= from && t <= to;
}

static bool log_key(const char *k)
{
	size_t n = strlen(k);
	return (n > 5 && !strcmp(k + n - 5, ".json")) || (n > 8 && !strcmp(k + n - 8, ".json.gz"));
}

int ct_s3_open(struct ct_instance *in, const char *bucket, const char *prefix, char *err)
{
	const struct ct_config *c = &in->st->cfg;
	int64_t from, to;
	if (c->s3_concurrency < 1) {
		skp_errorf(err, "s3DownloadConcurrency must be at least 1");
		return -EINVAL;
	}
	if (ct_parse_interval(c->s3_interval, (int64_t)time(NULL), &from, &to)) {
		skp_errorf(err, "invalid s3Interval '%s'", c->s3_interval);
		return -EINVAL;
	}
	if (!bucket[0]) {
		skp_errorf(err, "s3:// needs a bucket name");
		return -EINVAL;
	}
	struct ct_s3 *s = calloc(1, sizeof(*s));
	if (!s) {
		skp_errorf(err, "out of memory");
		return -ENOMEM;
	}
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->cond, NULL);
	s->concurrency = c->s3_concurrency > S3_MAX_WORKERS ? S3_MAX_WORKERS : c->s3_concurrency;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	snprintf(s->bucket, sizeof(s->bucket), "%s", bucket);
	int rc = load_credentials(s, c, err);
	if (rc == 0 && !(s->curl = curl_easy_init())) {
		skp_errorf(err, "cannot initialise libcurl");
		rc = -ENOMEM;
	}
	in->s3 = s;
	size_t cap = 0;
	char *token = NULL;
	for (unsigned page = 0; rc == 0 && page < S3_MAX_PAGES; page++) {
		struct qparam q[3] = {
		    {"list-type", "2"}, {"prefix", prefix}, {"continuation-token", token}};
		char *body;
		size_t len;
		rc = s3_request(s, s->curl, "", q, token ? 3 : 2, &body, &len, err);
		free(token);
		token = NULL;
		if (rc)
			break;
		const char *p = body;
		char *contents;
		while (rc == 0 && (contents = xml_next(&p, "Contents"))) {
			const char *cp = contents;
			char *key = xml_next(&cp, "Key");
			if (key && log_key(key) &&
			    (!c->s3_interval[0] || ct_key_in_interval(key, from, to))) {
				if (in->nfiles == cap) {
					cap = cap ? cap * 2 : 64;
					struct ct_file *f = realloc(in->files, cap * sizeof(*f));
					if (!f)
						rc = -ENOMEM;
					else
						in->files = f;
				}
				if (rc == 0) {
					in->files[in->nfiles++].name = key;
					key = NULL;
				}
			}
			free(key);
			free(contents);
		}
		const char *tp = body;
		char *trunc = xml_next(&tp, "IsTruncated");
		bool more = trunc && !strcmp(trunc, "true");
		free(trunc);
		tp = body;
		token = more ? xml_next(&tp, "NextContinuationToken") : NULL;
		free(body);
		if (!token)
			break;
	}
	free(token);
	if (rc == 0 && !in->nfiles) {
		skp_errorf(err, "no .json or .json.gz object under s3://%s/%s", bucket, prefix);
		rc = -ENOENT;
	}
	if (rc == 0 && !(s->dl = calloc(in->nfiles, sizeof(*s->dl)))) {
		skp_errorf(err, "out of memory");
		rc = -ENOMEM;
	}
	s->files = in->files;
	s->nfiles = in->nfiles;
	if (rc) {
		ct_s3_close(s);
		in->s3 = NULL;
	}
	return rc;
}

/* A download worker: fetches the next unclaimed file within the window ahead of the reader. */
static void *worker_main(void *arg)
{
	struct ct_s3 *s = arg;
	CURL *curl = curl_easy_init();
	pthread_mutex_lock(&s->lock);
	while (!s->stop) {
		if (s->claimed >= s->nfiles)
			break;
		if (s->claimed >= s->consumed + s->concurrency) {
			pthread_cond_wait(&s->cond, &s->lock);
			continue;
		}
		size_t i = s->claimed++;
		pthread_mutex_unlock(&s->lock);
		struct s3_download d = {0};
		if (!curl) {
			d.rc = -ENOMEM;
			snprintf(d.err, sizeof(d.err), "cannot initialise libcurl");
		} else {
			char e[PLUGIN_MAX_ERRLEN];
			d.rc = s3_request(s, curl, s->files[i].name, NULL, 0, &d.data, &d.len, e);
			if (d.rc)
				snprintf(d.err, sizeof(d.err), "%.255s", e);
		}
		d.done = true;
		pthread_mutex_lock(&s->lock);
		s->dl[i] = d;
		pthread_cond_broadcast(&s->cond);
	}
	pthread_mutex_unlock(&s->lock);
	if (curl)
		curl_easy_cleanup(curl);
	return NULL;
}

int ct_s3_get(struct ct_s3 *s, size_t i, char **out, size_t *len, char *err)
{
	pthread_mutex_lock(&s->lock);
	if (!s->nworkers) {
		unsigned n = s->concurrency < s->nfiles ? s->concurrency : (unsigned)s->nfiles;
		for (unsigned k = 0; k < n; k++)
			if (pthread_create(&s->workers[s->nworkers], NULL, worker_main, s) == 0)
				s->nworkers++;
	}
	if (!s->nworkers) {
		pthread_mutex_unlock(&s->lock);
		skp_errorf(err, "cannot start the S3 download threads");
		return -EAGAIN;
	}
	s->consumed = i;
	pthread_cond_broadcast(&s->cond);
	while (!s->dl[i].done)
		pthread_cond_wait(&s->cond, &s->lock);
	struct s3_download d = s->dl[i];
	s->dl[i].data = NULL;
	s->consumed = i + 1;
	pthread_cond_broadcast(&s->cond);
	pthread_mutex_unlock(&s->lock);
	if (d.rc) {
		skp_errorf(err, "%s", d.err);
		return d.rc;
	}
	*out = d.data ? d.data : strdup("");
	*len = d.len;
	return *out ? 0 : -ENOMEM;
}

void ct_s3_close(struct ct_s3 *s3)
{
	pthread_mutex_lock(&s3->lock);
	__atomic_store_n(&s3->stop, true, __ATOMIC_RELAXED);
	pthread_cond_broadcast(&s3->cond);
	pthread_mutex_unlock(&s3->lock);
	for (unsigned k = 0; k < s3->nworkers; k++)
		pthread_join(s3->workers[k], NULL);
	for (size_t i = 0; s3->dl && i < s3->nfiles; i++)
		free(s3->dl[i].data);
	free(s3->dl);
	if (s3->curl)
		curl_easy_cleanup(s3->curl);
	pthread_mutex_destroy(&s3->lock);
	pthread_cond_destroy(&s3->cond);
	free(s3);
}
