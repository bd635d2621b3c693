/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The informer's thread: list, then watch; the cache and its diff. The
 * informer thread is the only writer of the cache, so it reads it without
 * the lock and takes the lock only to change it (readers always lock).
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "cache.h"
#include "k8s_priv.h"
#include "k8s/informer.h"

#define WATCH_ERRBODY_MAX (64u * 1024u) /* body of a non-200 watch answer */
#define WATCH_SHORT_MS 1000u            /* a watch closing sooner without events is an error */

enum watch_end { W_CLOSED, W_EXPIRED, W_ERROR, W_STOPPED };

struct k8s_informer {
	struct k8s_client *client;
	struct k8s_informer_opts o;
	char *path, *fsel, *lsel;
	struct k8s_informer_ops ops;
	void *ctx;
	pthread_mutex_t lock; /* the cache, stats */
	pthread_cond_t cond;  /* synced, stop */
	struct k8s_cache cache;
	struct k8s_informer_stats st;
	char rv[K8S_RV_MAX];
	uint64_t gen;        /* relist generation */
	pthread_t thread;
	bool running;
	volatile bool stop;
	bool force_creds;     /* the last watch got a 401 */
	/* the current watch */
	struct k8s_watch_parser parser;
	bool expired;         /* an in-stream 410 ERROR */
	bool got_event;
	long http_status;
	long retry_after_s;   /* Retry-After of the last non-200 answer (watch or list) */
	char *errbody;
	size_t errlen;
	/* the current list: records decoded but not yet applied */
	struct pending {
		struct k8s_entry *old; /* NULL: new object */
		void *rec;
		char rv[K8S_RV_MAX];
		char uid[K8S_UID_MAX];
		char *key;
	} *pend;
	size_t npend, cappend;
};

static void logf_(struct k8s_informer *inf, enum k8s_log_level lvl, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void logf_(struct k8s_informer *inf, enum k8s_log_level lvl, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	if (!inf->ops.log)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	inf->ops.log(inf->ctx, lvl, msg);
}

/* ---- records ---- */

static void *decode(struct k8s_informer *inf, const cJSON *obj)
{
	if (inf->ops.decode)
		return inf->ops.decode(inf->ctx, obj);
	return cJSON_Duplicate(obj, 1);
}

static void release(struct k8s_informer *inf, void *rec)
{
	if (!rec)
		return;
	if (inf->ops.release)
		inf->ops.release(inf->ctx, rec);
	else
		cJSON_Delete(rec);
}

static const char *meta_str(const cJSON *obj, const char *k)
{
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(obj, "metadata");
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(m, k);
	return cJSON_IsString(v) ? v->valuestring : "";
}

/* "namespace/name" (or "name" for cluster-scoped objects); false when too long or no name. */
static bool object_key(const cJSON *obj, char *key, size_t cap)
{
	const char *ns = meta_str(obj, "namespace"), *name = meta_str(obj, "name");
	int n;
	if (!*name)
		return false;
	n = *ns ? snprintf(key, cap, "%s/%s", ns, name) : snprintf(key, cap, "%s", name);
	return n > 0 && (size_t)n < cap;
}

/* ---- applying events (lock taken inside) ---- */

static void apply_upsert(struct k8s_informer *inf, const cJSON *obj, const char *rv)
{
	char key[K8S_KEY_MAX];
	const char *uid = meta_str(obj, "uid");
	struct k8s_entry *e;
	void *rec;

	if (!object_key(obj, key, sizeof(key)) || strlen(uid) >= K8S_UID_MAX) {
		inf->st.skipped++;
		return;
	}
	rec = decode(inf, obj);
	if (!rec) {
		inf->st.skipped++;
		return;
	}
	pthread_mutex_lock(&inf->lock);
	e = k8s_cache_get(&inf->cache, key);
	if (e) {
		void *old = e->rec;
		e->rec = rec;
		snprintf(e->rv, sizeof(e->rv), "%s", rv);
		k8s_cache_set_uid(&inf->cache, e, uid);
		inf->st.updates++;
		if (inf->ops.on_update)
			inf->ops.on_update(inf->ctx, old, rec);
		release(inf, old);
	} else if ((e = k8s_cache_insert(&inf->cache, key, uid))) {
		e->rec = rec;
		snprintf(e->rv, sizeof(e->rv), "%s", rv);
		inf->st.adds++;
		if (inf->ops.on_add)
			inf->ops.on_add(inf->ctx, rec);
	} else {
		release(inf, rec);
		inf->st.skipped++;
	}
	inf->st.objects = inf->cache.count;
	pthread_mutex_unlock(&inf->lock);
}

static void remove_entry(struct k8s_informer *inf, struct k8s_entry *e, bool unknown)
{
	void *rec = e->rec;
	k8s_cache_remove(&inf->cache, e);
	inf->st.deletes++;
	if (inf->ops.on_delete)
		inf->ops.on_delete(inf->ctx, rec, unknown);
	release(inf, rec);
}

static void apply_delete(struct k8s_informer *inf, const cJSON *obj)
{
	char key[K8S_KEY_MAX];
	struct k8s_entry *e;

	if (!object_key(obj, key, sizeof(key)))
		return;
	pthread_mutex_lock(&inf->lock);
	e = k8s_cache_get(&inf->cache, key);
	if (e)
		remove_entry(inf, e, false);
	inf->st.objects = inf->cache.count;
	pthread_mutex_unlock(&inf->lock);
}

static void set_rv(struct k8s_informer *inf, const char *rv)
{
	if (!*rv)
		return;
	snprintf(inf->rv, sizeof(inf->rv), "%s", rv);
	pthread_mutex_lock(&inf->lock);
	memcpy(inf->st.rv, inf->rv, sizeof(inf->rv));
	pthread_mutex_unlock(&inf->lock);
}

static bool is_expired(const struct k8s_watch_event *ev)
{
	return ev->code == 410 || strcmp(ev->reason, "Expired") == 0 ||
	       strcmp(ev->reason, "Gone") == 0 ||
	       (ev->code == 504 && strstr(ev->message, "too large resource version"));
}

/* Parser callback: one event. Returns 1 to stop the stream (expired or error). */
static int on_event(void *ctx, const struct k8s_watch_event *ev)
{
	struct k8s_informer *inf = ctx;

	inf->got_event = true;
	pthread_mutex_lock(&inf->lock);
	inf->st.events++;
	pthread_mutex_unlock(&inf->lock);
	switch (ev->type) {
	case K8S_EV_ADDED:
	case K8S_EV_MODIFIED:
		apply_upsert(inf, ev->object, ev->rv);
		break;
	case K8S_EV_DELETED:
		apply_delete(inf, ev->object);
		break;
	case K8S_EV_BOOKMARK:
		pthread_mutex_lock(&inf->lock);
		inf->st.bookmarks++;
		pthread_mutex_unlock(&inf->lock);
		break;
	case K8S_EV_ERROR:
		if (is_expired(ev)) {
			inf->expired = true;
			logf_(inf, K8S_LOG_INFO, "%s: watch expired (%s): relisting", inf->path,
			      ev->message);
		} else {
			logf_(inf, K8S_LOG_WARNING, "%s: watch error %d %s: %s", inf->path, ev->code,
			      ev->reason, ev->message);
		}
		return 1;
	}
	set_rv(inf, ev->rv);
	return 0;
}

static void count_parser(struct k8s_informer *inf, uint64_t malformed0, uint64_t oversized0)
{
	struct k8s_watch_parser *p = &inf->parser;
	if (p->malformed == malformed0 && p->oversized == oversized0)
		return;
	pthread_mutex_lock(&inf->lock);
	inf->st.malformed += p->malformed - malformed0;
	inf->st.oversized += p->oversized - oversized0;
	pthread_mutex_unlock(&inf->lock);
	logf_(inf, K8S_LOG_WARNING, "%s: watch line skipped: %s", inf->path, p->last_error);
}

/* Feed stream bytes; 1 when the stream must end (ERROR), -ENOMEM. */
static int feed(struct k8s_informer *inf, const char *data, size_t len)
{
	uint64_t m0 = inf->parser.malformed, o0 = inf->parser.oversized;
	int rc = k8s_watch_parser_feed(&inf->parser, data, len);
	count_parser(inf, m0, o0);
	return rc;
}

int k8s_informer_feed(struct k8s_informer *inf, const char *data, size_t len)
{
	int rc;
	inf->expired = false;
	rc = feed(inf, data, len);
	if (rc < 0)
		return rc;
	return inf->expired ? 1 : 0;
}

/* ---- relist ---- */

static void pend_clear(struct k8s_informer *inf)
{
	for (size_t i = 0; i < inf->npend; i++) {
		release(inf, inf->pend[i].rec);
		free(inf->pend[i].key);
	}
	inf->npend = 0;
}

static void list_restart(void *ctx)
{
	struct k8s_informer *inf = ctx;
	pend_clear(inf);
	inf->gen++;
	logf_(inf, K8S_LOG_INFO, "%s: continue token expired: listing again", inf->path);
}

/* One listed item: mark it seen when unchanged, else decode it for the diff. */
static int list_item(void *ctx, cJSON *obj)
{
	struct k8s_informer *inf = ctx;
	char key[K8S_KEY_MAX];
	const char *rv = meta_str(obj, "resourceVersion"), *uid = meta_str(obj, "uid");
	struct k8s_entry *e;
	struct pending *p;

	if (!object_key(obj, key, sizeof(key)) || strlen(rv) >= K8S_RV_MAX ||
	    strlen(uid) >= K8S_UID_MAX) {
		inf->st.skipped++;
		return 0;
	}
	e = k8s_cache_get(&inf->cache, key);
	if (e && strcmp(e->rv, rv) == 0 && strcmp(e->uid, uid) == 0) {
		e->seen = inf->gen;
		return 0;
	}
	if (inf->npend == inf->cappend) {
		size_t cap = inf->cappend ? inf->cappend * 2 : 256;
		struct pending *np = realloc(inf->pend, cap * sizeof(*np));
		if (!np)
			return -ENOMEM;
		inf->pend = np;
		inf->cappend = cap;
	}
	p = &inf->pend[inf->npend];
	p->old = e;
	p->rec = decode(inf, obj);
	if (!p->rec) {
		inf->st.skipped++;
		return 0;
	}
	p->key = strdup(key);
	if (!p->key) {
		release(inf, p->rec);
		return -ENOMEM;
	}
	snprintf(p->rv, sizeof(p->rv), "%s", rv);
	snprintf(p->uid, sizeof(p->uid), "%s", uid);
	if (e)
		e->seen = inf->gen;
	inf->npend++;
	return 0;
}

static int sweep_unseen(void *ctx, struct k8s_entry *e)
{
	struct k8s_informer *inf = ctx;
	if (e->seen != inf->gen)
		remove_entry(inf, e, true);
	return 0;
}

/* Apply the pending records and delete what the list no longer holds. Lock held. */
static void commit_list(struct k8s_informer *inf)
{
	for (size_t i = 0; i < inf->npend; i++) {
		struct pending *p = &inf->pend[i];
		struct k8s_entry *e = p->old ? p->old : k8s_cache_get(&inf->cache, p->key);
		if (e) {
			void *old = e->rec;
			e->rec = p->rec;
			snprintf(e->rv, sizeof(e->rv), "%s", p->rv);
			k8s_cache_set_uid(&inf->cache, e, p->uid);
			e->seen = inf->gen;
			inf->st.updates++;
			if (inf->ops.on_update)
				inf->ops.on_update(inf->ctx, old, p->rec);
			release(inf, old);
		} else if ((e = k8s_cache_insert(&inf->cache, p->key, p->uid))) {
			e->rec = p->rec;
			snprintf(e->rv, sizeof(e->rv), "%s", p->rv);
			e->seen = inf->gen;
			inf->st.adds++;
			if (inf->ops.on_add)
				inf->ops.on_add(inf->ctx, p->rec);
		} else {
			release(inf, p->rec);
			inf->st.skipped++;
		}
		p->rec = NULL;
		free(p->key);
	}
	inf->npend = 0;
	k8s_cache_foreach(&inf->cache, sweep_unseen, inf);
	inf->st.objects = inf->cache.count;
}

static void list_done(struct k8s_informer *inf, const char *rv)
{
	pthread_mutex_lock(&inf->lock);
	commit_list(inf);
	if (inf->st.synced)
		inf->st.relists++;
	inf->st.lists++;
	inf->st.synced = true;
	pthread_cond_broadcast(&inf->cond);
	pthread_mutex_unlock(&inf->lock);
	set_rv(inf, rv);
}

int k8s_informer_replace(struct k8s_informer *inf, const cJSON *items, const char *rv)
{
	const cJSON *it;
	int rc = 0;

	inf->gen++;
	cJSON_ArrayForEach(it, items)
	{
		rc = list_item(inf, (cJSON *)it);
		if (rc) {
			pend_clear(inf);
			return rc;
		}
	}
	list_done(inf, rv ? rv : "");
	return 0;
}

static int do_list(struct k8s_informer *inf)
{
	struct k8s_list_opts lo = {
	    .field_selector = inf->fsel,
	    .label_selector = inf->lsel,
	    .limit = inf->o.page_size,
	};
	char rv[K8S_RV_MAX] = "", err[256];
	int rc;

	inf->gen++;
	inf->retry_after_s = 0;
	rc = k8s_list_full(inf->client, inf->path, &lo, list_item, list_restart, inf, rv,
			   sizeof(rv), &inf->retry_after_s, err, sizeof(err));
	if (rc) {
		pend_clear(inf);
		pthread_mutex_lock(&inf->lock);
		inf->st.errors++;
		snprintf(inf->st.last_error, sizeof(inf->st.last_error), "list: %.240s", err);
		pthread_mutex_unlock(&inf->lock);
		logf_(inf, K8S_LOG_WARNING, "%s: list failed: %s", inf->path, err);
		return rc;
	}
	list_done(inf, rv);
	return 0;
}

/* ---- watch ---- */

static size_t watch_write(char *data, size_t sz, size_t nm, void *ud)
{
	struct k8s_informer *inf = ud;
	size_t n = sz * nm;
	if (inf->http_status == 200) {
		int rc = feed(inf, data, n);
		return rc ? 0 : n; /* 0 ends the transfer */
	}
	if (inf->errlen + n <= WATCH_ERRBODY_MAX) {
		char *b = realloc(inf->errbody, inf->errlen + n + 1);
		if (!b)
			return 0;
		memcpy(b + inf->errlen, data, n);
		inf->errbody = b;
		inf->errlen += n;
		b[inf->errlen] = '\0';
	}
	return n;
}

static size_t watch_header(char *p, size_t sz, size_t nm, void *ud)
{
	struct k8s_informer *inf = ud;
	size_t n = sz * nm;
	long code;
	if (n > 9 && strncmp(p, "HTTP/", 5) == 0 && sscanf(p, "HTTP/%*s %ld", &code) == 1) {
		inf->http_status = code; /* a new response: a proxy's or a 1xx came first */
		inf->retry_after_s = 0;
	} else if (n > 12 && strncasecmp(p, "Retry-After:", 12) == 0) {
		inf->retry_after_s = k8s_retry_after_parse(p + 12, n - 12);
	}
	return n;
}

static int watch_progress(void *ud, curl_off_t a, curl_off_t b, curl_off_t c, curl_off_t d)
{
	struct k8s_informer *inf = ud;
	(void)a, (void)b, (void)c, (void)d;
	return inf->stop ? 1 : 0;
}

static int watch_url(struct k8s_informer *inf, char *url, size_t cap, unsigned timeout)
{
	char t[16];
	int rc = 0;
	snprintf(url, cap, "%s", inf->path);
	rc |= k8s_query_add(url, cap, "watch", "1");
	if (*inf->rv)
		rc |= k8s_query_add(url, cap, "resourceVersion", inf->rv);
	rc |= k8s_query_add(url, cap, "allowWatchBookmarks", "true");
	snprintf(t, sizeof(t), "%u", timeout);
	rc |= k8s_query_add(url, cap, "timeoutSeconds", t);
	if (inf->fsel)
		rc |= k8s_query_add(url, cap, "fieldSelector", inf->fsel);
	if (inf->lsel)
		rc |= k8s_query_add(url, cap, "labelSelector", inf->lsel);
	return rc ? -ENAMETOOLONG : 0;
}

static void note_error(struct k8s_informer *inf, const char *what, const char *msg)
{
	pthread_mutex_lock(&inf->lock);
	inf->st.errors++;
	snprintf(inf->st.last_error, sizeof(inf->st.last_error), "%s: %.200s", what, msg);
	pthread_mutex_unlock(&inf->lock);
	logf_(inf, K8S_LOG_WARNING, "%s: %s: %s", inf->path, what, msg);
}

/* Classify a non-200 answer to a watch. */
static enum watch_end watch_status(struct k8s_informer *inf)
{
	char err[256];
	int rc = k8s_status_errno(inf->http_status, inf->errbody, inf->errlen, err, sizeof(err));
	if (rc == -ESTALE) {
		inf->expired = true;
		logf_(inf, K8S_LOG_INFO, "%s: watch: %s: relisting", inf->path, err);
		return W_EXPIRED;
	}
	if (inf->http_status != 429 && inf->http_status < 500)
		inf->retry_after_s = 0; /* honoured on 429 and 5xx only */
	if (inf->http_status == 401) {
		k8s_client_note_401(inf->client);
		inf->force_creds = true;
	}
	note_error(inf, "watch", err);
	return W_ERROR;
}

static enum watch_end do_watch(struct k8s_informer *inf, CURL *h)
{
	char url[K8S_PATH_MAX], err[256], cerr[CURL_ERROR_SIZE] = "";
	unsigned timeout = k8s_rand_range(inf->o.timeout_min_s, inf->o.timeout_max_s);
	struct curl_slist *hl = NULL;
	CURLcode cc;
	int rc;

	rc = watch_url(inf, url, sizeof(url), timeout);
	if (!rc)
		rc = k8s_client_easy(inf->client, h, url, inf->force_creds, &hl, err, sizeof(err));
	if (rc) {
		note_error(inf, "watch", rc == -ENAMETOOLONG ? "URL too long" : err);
		return W_ERROR;
	}
	inf->force_creds = false;
	inf->expired = inf->got_event = false;
	inf->http_status = 0;
	inf->retry_after_s = 0;
	inf->errlen = 0;
	k8s_watch_parser_reset(&inf->parser);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, watch_write);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, inf);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, watch_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, inf);
	curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, watch_progress);
	curl_easy_setopt(h, CURLOPT_XFERINFODATA, inf);
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, (long)inf->o.idle_timeout_s);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, cerr);
	pthread_mutex_lock(&inf->lock);
	inf->st.watches++;
	pthread_mutex_unlock(&inf->lock);
	cc = curl_easy_perform(h);
	curl_slist_free_all(hl);
	if (inf->stop)
		return W_STOPPED;
	if (inf->expired)
		return W_EXPIRED;
	if (inf->http_status != 200 && inf->http_status != 0)
		return watch_status(inf);
	if (cc == CURLE_WRITE_ERROR && !inf->expired)
		return W_ERROR; /* an in-stream ERROR that is not an expiry, or ENOMEM */
	if (cc != CURLE_OK) {
		/* Cut, stalled (low speed), reset: watch again from the last RV. */
		note_error(inf, "watch", *cerr ? cerr : curl_easy_strerror(cc));
		return W_ERROR;
	}
	if (inf->parser.len) {
		note_error(inf, "watch", "stream ended inside a line");
		return W_ERROR;
	}
	return W_CLOSED;
}

/* ---- the thread ---- */

static uint64_t now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000u + (uint64_t)t.tv_nsec / 1000000u;
}

/* Sleep ms unless stopped. */
static void nap(struct k8s_informer *inf, unsigned ms)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += ms / 1000;
	until.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&inf->lock);
	while (!inf->stop && pthread_cond_timedwait(&inf->cond, &inf->lock, &until) == 0)
		;
	pthread_mutex_unlock(&inf->lock);
}

/* Jittered exponential backoff: base * 2^n, plus up to as much again, capped. */
static unsigned backoff_ms(const struct k8s_informer *inf, unsigned failures)
{
	uint64_t d = inf->o.backoff_initial_ms;
	for (unsigned i = 1; i < failures && d < inf->o.backoff_max_ms; i++)
		d *= 2;
	d += k8s_rand_range(0, (unsigned)d);
	return d > inf->o.backoff_max_ms ? inf->o.backoff_max_ms : (unsigned)d;
}

/*
 * The wait before retrying after a failure: the backoff, or the server's
 * Retry-After (429/5xx) when longer, within the backoff cap.
 */
static unsigned retry_delay_ms(const struct k8s_informer *inf, unsigned failures)
{
	unsigned ms = backoff_ms(inf, failures);
	uint64_t ra = inf->retry_after_s > 0 ? (uint64_t)inf->retry_after_s * 1000u : 0;

	if (ra > ms)
		ms = ra < inf->o.backoff_max_ms ? (unsigned)ra : inf->o.backoff_max_ms;
	return ms;
}

static void *run(void *arg)
{
	struct k8s_informer *inf = arg;
	CURL *h = curl_easy_init();
	bool need_list = true;
	unsigned failures = 0;

	while (h && !inf->stop) {
		if (need_list) {
			if (do_list(inf)) {
				nap(inf, retry_delay_ms(inf, ++failures));
				continue;
			}
			need_list = false;
			failures = 0;
		}
		uint64_t t0 = now_ms();
		enum watch_end end = do_watch(inf, h);
		if (end == W_STOPPED)
			break;
		if (end == W_EXPIRED) {
			pthread_mutex_lock(&inf->lock);
			inf->st.expired++;
			pthread_mutex_unlock(&inf->lock);
			need_list = true;
			continue;
		}
		if (end == W_CLOSED && (inf->got_event || now_ms() - t0 >= WATCH_SHORT_MS)) {
			failures = 0;
			continue; /* a normal close: watch again at once */
		}
		if (end == W_CLOSED)
			note_error(inf, "watch", "closed at once without events");
		if (inf->got_event)
			failures = 0;
		nap(inf, retry_delay_ms(inf, ++failures));
	}
	if (h)
		curl_easy_cleanup(h);
	return NULL;
}

/* ---- lifecycle ---- */

int k8s_informer_new(struct k8s_informer **out, struct k8s_client *c,
		     const struct k8s_informer_opts *opts, const struct k8s_informer_ops *ops,
		     void *ctx, char *err, size_t errlen)
{
	struct k8s_informer *inf;

	if (!opts || !opts->path || opts->path[0] != '/') {
		K8S_SET_ERR(err, errlen, "informer: path must start with '/'");
		return -EINVAL;
	}
	inf = calloc(1, sizeof(*inf));
	if (!inf)
		return -ENOMEM;
	inf->client = c;
	inf->o = *opts;
	inf->o.page_size = opts->page_size ? opts->page_size : 500;
	inf->o.timeout_min_s = opts->timeout_min_s ? opts->timeout_min_s : 300;
	inf->o.timeout_max_s = opts->timeout_max_s ? opts->timeout_max_s : 600;
	if (inf->o.timeout_max_s < inf->o.timeout_min_s)
		inf->o.timeout_max_s = inf->o.timeout_min_s;
	inf->o.idle_timeout_s = opts->idle_timeout_s ? opts->idle_timeout_s : 180;
	inf->o.backoff_initial_ms = opts->backoff_initial_ms ? opts->backoff_initial_ms : 800;
	inf->o.backoff_max_ms = opts->backoff_max_ms ? opts->backoff_max_ms : 30000;
	inf->path = strdup(opts->path);
	inf->fsel = k8s_strdup(opts->field_selector);
	inf->lsel = k8s_strdup(opts->label_selector);
	if (ops)
		inf->ops = *ops;
	inf->ctx = ctx;
	if (!inf->path || (opts->field_selector && !inf->fsel) ||
	    (opts->label_selector && !inf->lsel) || k8s_cache_init(&inf->cache)) {
		free(inf->path);
		free(inf->fsel);
		free(inf->lsel);
		free(inf);
		return -ENOMEM;
	}
	inf->o.path = inf->path;
	inf->o.field_selector = inf->fsel;
	inf->o.label_selector = inf->lsel;
	k8s_watch_parser_init(&inf->parser, opts->max_line, on_event, inf);
	pthread_mutex_init(&inf->lock, NULL);
	pthread_cond_init(&inf->cond, NULL);
	*out = inf;
	return 0;
}

int k8s_informer_start(struct k8s_informer *inf)
{
	int rc;
	if (inf->running)
		return 0;
	inf->stop = false;
	rc = pthread_create(&inf->thread, NULL, run, inf);
	if (rc)
		return -rc;
	inf->running = true;
	return 0;
}

void k8s_informer_stop(struct k8s_informer *inf)
{
	if (!inf->running)
		return;
	pthread_mutex_lock(&inf->lock);
	inf->stop = true;
	pthread_cond_broadcast(&inf->cond);
	pthread_mutex_unlock(&inf->lock);
	pthread_join(inf->thread, NULL);
	inf->running = false;
}

static int release_entry(void *ctx, struct k8s_entry *e)
{
	release(ctx, e->rec);
	e->rec = NULL;
	return 0;
}

void k8s_informer_free(struct k8s_informer *inf)
{
	if (!inf)
		return;
	k8s_informer_stop(inf);
	pend_clear(inf);
	free(inf->pend);
	k8s_cache_foreach(&inf->cache, release_entry, inf);
	k8s_cache_fini(&inf->cache);
	k8s_watch_parser_fini(&inf->parser);
	free(inf->errbody);
	pthread_mutex_destroy(&inf->lock);
	pthread_cond_destroy(&inf->cond);
	free(inf->path);
	free(inf->fsel);
	free(inf->lsel);
	free(inf);
}

bool k8s_informer_wait_synced(struct k8s_informer *inf, unsigned timeout_ms)
{
	struct timespec until;
	bool ok;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += timeout_ms / 1000;
	until.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&inf->lock);
	while (!inf->st.synced && pthread_cond_timedwait(&inf->cond, &inf->lock, &until) == 0)
		;
	ok = inf->st.synced;
	pthread_mutex_unlock(&inf->lock);
	return ok;
}

void k8s_informer_lock(struct k8s_informer *inf)
{
	pthread_mutex_lock(&inf->lock);
}

void k8s_informer_unlock(struct k8s_informer *inf)
{
	pthread_mutex_unlock(&inf->lock);
}

void *k8s_informer_get(struct k8s_informer *inf, const char *ns, const char *name)
{
	char key[K8S_KEY_MAX];
	struct k8s_entry *e;
	if (ns && *ns)
		snprintf(key, sizeof(key), "%s/%s", ns, name);
	else
		snprintf(key, sizeof(key), "%s", name);
	e = k8s_cache_get(&inf->cache, key);
	return e ? e->rec : NULL;
}

void *k8s_informer_get_uid(struct k8s_informer *inf, const char *uid)
{
	struct k8s_entry *e = k8s_cache_get_uid(&inf->cache, uid);
	return e ? e->rec : NULL;
}

struct foreach_ctx {
	int (*fn)(void *, void *);
	void *ctx;
};

static int foreach_one(void *ctx, struct k8s_entry *e)
{
	struct foreach_ctx *f = ctx;
	return f->fn(f->ctx, e->rec);
}

int k8s_informer_foreach(struct k8s_informer *inf, int (*fn)(void *ctx, void *rec), void *ctx)
{
	struct foreach_ctx f = {fn, ctx};
	return k8s_cache_foreach(&inf->cache, foreach_one, &f);
}

void k8s_informer_stats(struct k8s_informer *inf, struct k8s_informer_stats *out)
{
	pthread_mutex_lock(&inf->lock);
	*out = inf->st;
	out->objects = inf->cache.count;
	pthread_mutex_unlock(&inf->lock);
}
