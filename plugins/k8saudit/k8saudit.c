/* SPDX-License-Identifier: Apache-2.0 */
/*
 * k8saudit: the plugin's identity, configuration, the three open modes and
 * next_batch. Every body (a webhook request, a line of a file) may hold an
 * Event, an EventList or an array of them; each audit event becomes one
 * plugin event whose payload is the event re-serialized as compact JSON and
 * whose time is its stageTimestamp.
 */
#include "k8saudit.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

SKP_SOURCE_PLUGIN_IDENTITY(
    "k8saudit", K8SAUDIT_VERSION, K8SAUDIT_ID, K8SAUDIT_SOURCE,
    "Read Kubernetes Audit Events and monitor Kubernetes Clusters (Saker's C "
    "implementation)",
    k8s_fields_json())

SKP_EXPORT const char *plugin_get_init_schema(ss_plugin_schema_type *t)
{
	*t = SS_PLUGIN_SCHEMA_JSON;
	return "{\"$schema\":\"http://json-schema.org/draft-04/schema#\",\"type\":\"object\","
	       "\"additionalProperties\":true,\"properties\":{"
	       "\"sslCertificate\":{\"type\":\"string\",\"description\":\"The SSL Certificate to "
	       "be used with the HTTPS Webhook endpoint (Default: /etc/falco/falco.pem)\"},"
	       "\"maxEventSize\":{\"type\":\"integer\",\"description\":\"Maximum size of single "
	       "audit event (Default: 262144)\"},"
	       "\"webhookMaxBatchSize\":{\"type\":\"integer\",\"description\":\"Maximum size of "
	       "incoming webhook POST request bodies (Default: 12582912)\"},"
	       "\"useAsync\":{\"type\":\"boolean\",\"description\":\"If true then async "
	       "extraction optimization is enabled (Default: true)\"}}}";
}

SKP_EXPORT const char *plugin_list_open_params(ss_plugin_t *s, ss_plugin_rc *rc)
{
	*rc = SS_PLUGIN_SUCCESS;
	return "[{\"value\":\"http://:9765/k8s-audit\",\"desc\":\"webhook endpoint (HTTP)\"},"
	       "{\"value\":\"https://:9765/k8s-audit\",\"desc\":\"webhook endpoint (HTTPS)\"},"
	       "{\"value\":\"file:///var/log/k8s-audit.log\",\"desc\":\"follow a JSONL file\"},"
	       "{\"value\":\"/path/to/audit-events.jsonl\",\"desc\":\"replay a file or a "
	       "directory once\"}]";
}

static int parse_config(struct k8s_config *c, const char *text, char *err)
{
	snprintf(c->ssl_certificate, sizeof(c->ssl_certificate), "/etc/falco/falco.pem");
	c->max_event_size = K8S_DEFAULT_MAX_EVENT;
	c->max_batch_size = K8S_DEFAULT_MAX_BATCH;
	c->use_async = true;
	cJSON *j = cJSON_Parse(text ? text : "");
	if (!j || !cJSON_IsObject(j)) {
		cJSON_Delete(j);
		skp_errorf(err, "init config: expected a JSON object, got '%.64s'",
			   text ? text : "");
		return -EINVAL;
	}
	int rc = 0;
	const cJSON *v;
	if ((v = cJSON_GetObjectItemCaseSensitive(j, "sslCertificate"))) {
		if (cJSON_IsString(v))
			snprintf(c->ssl_certificate, sizeof(c->ssl_certificate), "%s",
				 v->valuestring);
		else
			rc = -EINVAL;
	}
	if ((v = cJSON_GetObjectItemCaseSensitive(j, "maxEventSize"))) {
		if (cJSON_IsNumber(v) && v->valuedouble >= 1)
			c->max_event_size = (uint64_t)v->valuedouble;
		else
			rc = -EINVAL;
	}
	if ((v = cJSON_GetObjectItemCaseSensitive(j, "webhookMaxBatchSize"))) {
		if (cJSON_IsNumber(v) && v->valuedouble >= 1)
			c->max_batch_size = (uint64_t)v->valuedouble;
		else
			rc = -EINVAL;
	}
	if ((v = cJSON_GetObjectItemCaseSensitive(j, "useAsync"))) {
		if (cJSON_IsBool(v))
			c->use_async = cJSON_IsTrue(v);
		else
			rc = -EINVAL;
	}
	if (rc)
		skp_errorf(err, "init config: a key has the wrong type (sslCertificate: string, "
				"maxEventSize/webhookMaxBatchSize: positive integers, useAsync: "
				"bool)");
	cJSON_Delete(j);
	return rc;
}

SKP_EXPORT ss_plugin_t *plugin_init(const ss_plugin_init_input *in, ss_plugin_rc *rc)
{
	struct k8s_state *st = calloc(1, sizeof(*st));
	if (!st) {
		*rc = SS_PLUGIN_FAILURE;
		return NULL;
	}
	/* Strict, as upstream: "" is not a JSON object (hosts send "{}"). */
	*rc = parse_config(&st->cfg, in->config, st->err) ? SS_PLUGIN_FAILURE : SS_PLUGIN_SUCCESS;
	return st;
}

SKP_EXPORT void plugin_destroy(ss_plugin_t *s)
{
	struct k8s_state *st = s;
	cJSON_Delete(st->doc);
	skp_arena_reset(&st->arena);
	free(st->arena.head);
	free(st->vals);
	free(st);
}

SKP_EXPORT const char *plugin_get_last_error(ss_plugin_t *s)
{
	return ((struct k8s_state *)s)->err;
}

SKP_EXPORT ss_plugin_rc plugin_set_config(ss_plugin_t *s, const ss_plugin_set_config_input *in)
{
	struct k8s_state *st = s;
	struct k8s_config c;
	if (parse_config(&c, in->config, st->err))
		return SS_PLUGIN_FAILURE;
	st->cfg = c;
	return SS_PLUGIN_SUCCESS;
}

SKP_EXPORT ss_plugin_metric *plugin_get_metrics(ss_plugin_t *s, uint32_t *n)
{
	struct k8s_state *st = s;
	static const char *const names[] = {"webhook_requests", "webhook_requests_bad",
					    "webhook_bytes",	"events",
					    "events_dropped",	"parse_errors"};
	const uint64_t *v = &st->m.requests;
	for (unsigned i = 0; i < 6; i++)
		st->metrics[i] = (ss_plugin_metric){
		    .name = names[i],
		    .type = SS_PLUGIN_METRIC_TYPE_MONOTONIC,
		    .value.u64 = __atomic_load_n(&v[i], __ATOMIC_RELAXED),
		    .value_type = SS_PLUGIN_METRIC_VALUE_TYPE_U64,
		};
	*n = 6;
	return st->metrics;
}

/* ---- bodies to events ------------------------------------------------------ */

static void pending_push(struct k8s_instance *in, char *payload, uint64_t ts)
{
	if (in->npending == in->pending_cap) {
		if (in->pending_head) { /* compact */
			memmove(in->pending, in->pending + in->pending_head,
				(in->npending - in->pending_head) * sizeof(*in->pending));
			memmove(in->pending_ts, in->pending_ts + in->pending_head,
				(in->npending - in->pending_head) * sizeof(*in->pending_ts));
			in->npending -= in->pending_head;
			in->pending_head = 0;
		}
		if (in->npending == in->pending_cap) {
			size_t cap = in->pending_cap ? in->pending_cap * 2 : 256;
			char **p = realloc(in->pending, cap * sizeof(*p));
			if (p)
				in->pending = p;
			uint64_t *t = realloc(in->pending_ts, cap * sizeof(*t));
			if (t)
				in->pending_ts = t;
			if (!p || !t) {
				free(payload);
				__atomic_add_fetch(&in->st->m.events_dropped, 1, __ATOMIC_RELAXED);
				return;
			}
			in->pending_cap = cap;
		}
	}
	in->pending[in->npending] = payload;
	in->pending_ts[in->npending++] = ts;
}

static void add_event(struct k8s_instance *in, const cJSON *ev)
{
	struct k8s_state *st = in->st;
	const cJSON *stamp = cJSON_GetObjectItemCaseSensitive(ev, "stageTimestamp");
	uint64_t ts;
	if (!cJSON_IsString(stamp) || skp_parse_rfc3339(stamp->valuestring, &ts)) {
		__atomic_add_fetch(&st->m.events_dropped, 1, __ATOMIC_RELAXED);
		return;
	}
	char *payload = cJSON_PrintUnformatted(ev);
	if (!payload || strlen(payload) > st->cfg.max_event_size) {
		free(payload);
		__atomic_add_fetch(&st->m.events_dropped, 1, __ATOMIC_RELAXED);
		return;
	}
	pending_push(in, payload, ts);
}

static void ingest_value(struct k8s_instance *in, const cJSON *v, unsigned depth)
{
	if (depth > K8S_JSON_MAX_DEPTH)
		return;
	if (cJSON_IsArray(v)) {
		const cJSON *it;
		cJSON_ArrayForEach(it, v) ingest_value(in, it, depth + 1);
		return;
	}
	const cJSON *kind = cJSON_GetObjectItemCaseSensitive(v, "kind");
	if (cJSON_IsObject(v) && cJSON_IsString(kind)) {
		if (!strcmp(kind->valuestring, "EventList")) {
			const cJSON *items = cJSON_GetObjectItemCaseSensitive(v, "items"), *it;
			cJSON_ArrayForEach(it, items) add_event(in, it);
			return;
		}
		if (!strcmp(kind->valuestring, "Event")) {
			add_event(in, v);
			return;
		}
	}
	__atomic_add_fetch(&in->st->m.parse_errors, 1, __ATOMIC_RELAXED);
}

void k8s_ingest(struct k8s_instance *in, const char *data, size_t len)
{
	while (len && (data[len - 1] == '\n' || data[len - 1] == '\r' || data[len - 1] == ' '))
		len--;
	if (!len)
		return;
	cJSON *j = cJSON_ParseWithLength(data, len);
	if (!j) {
		__atomic_add_fetch(&in->st->m.parse_errors, 1, __ATOMIC_RELAXED);
		return;
	}
	ingest_value(in, j, 0);
	cJSON_Delete(j);
}

/* ---- queue ---------------------------------------------------------------- */

void k8s_queue_init(struct k8s_queue *q)
{
	memset(q, 0, sizeof(*q));
	pthread_mutex_init(&q->lock, NULL);
	pthread_cond_init(&q->not_empty, NULL);
	pthread_cond_init(&q->not_full, NULL);
}

void k8s_queue_fini(struct k8s_queue *q)
{
	for (unsigned i = 0; i < q->n; i++)
		free(q->slots[(q->head + i) % K8S_QUEUE_SLOTS].data);
	pthread_mutex_destroy(&q->lock);
	pthread_cond_destroy(&q->not_empty);
	pthread_cond_destroy(&q->not_full);
}

int k8s_queue_push(struct k8s_queue *q, char *data, size_t len)
{
	pthread_mutex_lock(&q->lock);
	while (q->n == K8S_QUEUE_SLOTS && !q->closed)
		pthread_cond_wait(&q->not_full, &q->lock);
	if (q->closed) {
		pthread_mutex_unlock(&q->lock);
		free(data);
		return -EPIPE;
	}
	q->slots[(q->head + q->n++) % K8S_QUEUE_SLOTS] = (struct k8s_body){data, len};
	pthread_cond_signal(&q->not_empty);
	pthread_mutex_unlock(&q->lock);
	return 0;
}

int k8s_queue_pop(struct k8s_queue *q, struct k8s_body *out, int ms)
{
	struct timespec dl;
	clock_gettime(CLOCK_REALTIME, &dl);
	dl.tv_nsec += (long)ms * 1000000L;
	dl.tv_sec += dl.tv_nsec / 1000000000L;
	dl.tv_nsec %= 1000000000L;
	pthread_mutex_lock(&q->lock);
	while (q->n == 0 && !q->closed)
		if (pthread_cond_timedwait(&q->not_empty, &q->lock, &dl) == ETIMEDOUT)
			break;
	if (q->n == 0) {
		pthread_mutex_unlock(&q->lock);
		return -EAGAIN;
	}
	*out = q->slots[q->head];
	q->head = (q->head + 1) % K8S_QUEUE_SLOTS;
	q->n--;
	pthread_cond_signal(&q->not_full);
	pthread_mutex_unlock(&q->lock);
	return 0;
}

void k8s_queue_close(struct k8s_queue *q)
{
	pthread_mutex_lock(&q->lock);
	q->closed = true;
	pthread_cond_broadcast(&q->not_full);
	pthread_cond_broadcast(&q->not_empty);
	pthread_mutex_unlock(&q->lock);
}

/* ---- plain files and directories ------------------------------------------- */

struct mfile {
	char *path;
	struct timespec mtime;
};

static int by_mtime(const void *a, const void *b)
{
	const struct mfile *x = a, *y = b;
	if (x->mtime.tv_sec != y->mtime.tv_sec)
		return x->mtime.tv_sec < y->mtime.tv_sec ? -1 : 1;
	if (x->mtime.tv_nsec != y->mtime.tv_nsec)
		return x->mtime.tv_nsec < y->mtime.tv_nsec ? -1 : 1;
	return strcmp(x->path, y->path);
}

static int list_files(struct k8s_instance *in, const char *path, char *err)
{
	struct stat sb;
	if (stat(path, &sb)) {
		skp_errorf(err, "cannot open '%s': %s", path, strerror(errno));
		return -errno;
	}
	if (!S_ISDIR(sb.st_mode)) {
		in->files = calloc(1, sizeof(char *));
		if (!in->files || !(in->files[0] = strdup(path)))
			return -ENOMEM;
		in->nfiles = 1;
		return 0;
	}
	DIR *d = opendir(path);
	if (!d) {
		skp_errorf(err, "cannot open directory '%s': %s", path, strerror(errno));
		return -errno;
	}
	struct mfile *v = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		char *p;
		if (asprintf(&p, "%s/%s", path, de->d_name) < 0)
			continue;
		if (stat(p, &sb) || !S_ISREG(sb.st_mode)) {
			free(p);
			continue;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			struct mfile *nv = realloc(v, cap * sizeof(*v));
			if (!nv) {
				free(p);
				break;
			}
			v = nv;
		}
		v[n++] = (struct mfile){p, sb.st_mtim};
	}
	closedir(d);
	qsort(v, n, sizeof(*v), by_mtime);
	in->files = calloc(n ? n : 1, sizeof(char *));
	for (size_t i = 0; i < n; i++) {
		if (in->files)
			in->files[i] = v[i].path;
		else
			free(v[i].path);
	}
	free(v);
	if (!in->files)
		return -ENOMEM;
	in->nfiles = n;
	return 0;
}

/* Read lines into pending events until some are there or the files end. */
static int read_files(struct k8s_instance *in, char *err)
{
	size_t target = in->npending + SKP_BATCH_MAX;
	while (in->npending - in->pending_head < SKP_BATCH_MAX && in->npending < target) {
		if (!in->cur) {
			if (in->file_i >= in->nfiles) {
				in->eof = true;
				return 0;
			}
			const char *p = in->files[in->file_i++];
			in->cur = fopen(p, "r");
			if (!in->cur) {
				skp_errorf(err, "cannot open '%s': %s", p, strerror(errno));
				return -EIO;
			}
		}
		if (!fgets(in->line, K8S_LINE_MAX + 2, in->cur)) {
			fclose(in->cur);
			in->cur = NULL;
			continue;
		}
		size_t len = strlen(in->line);
		if (len > K8S_LINE_MAX && in->line[len - 1] != '\n') {
			skp_errorf(err, "'%s': a line is longer than %u bytes",
				   in->files[in->file_i - 1], K8S_LINE_MAX);
			return -E2BIG;
		}
		k8s_ingest(in, in->line, len);
	}
	return 0;
}

/* ---- open / next_batch / close --------------------------------------------- */

SKP_EXPORT ss_instance_t *plugin_open(ss_plugin_t *s, const char *params, ss_plugin_rc *rc)
{
	struct k8s_state *st = s;
	struct k8s_instance *in = calloc(1, sizeof(*in));
	*rc = SS_PLUGIN_FAILURE;
	if (!in) {
		skp_errorf(st->err, "out of memory");
		return NULL;
	}
	in->st = st;
	k8s_queue_init(&in->q);
	int r;
	if (!strncmp(params, "http://", 7) || !strncmp(params, "https://", 8)) {
		r = k8s_webhook_start(in, params, st->err);
	} else if (!strncmp(params, "file://", 7)) {
		r = k8s_tail_start(in, params + 7, st->err);
	} else if (strstr(params, "://")) {
		skp_errorf(st->err,
			   "unsupported open params '%s' (http://, https://, file:// or a "
			   "path)",
			   params);
		r = -EINVAL;
	} else if (!params[0]) {
		skp_errorf(st->err, "no open params: give a webhook URL, file:// or a path");
		r = -EINVAL;
	} else {
		in->line = malloc(K8S_LINE_MAX + 2);
		r = in->line ? list_files(in, params, st->err) : -ENOMEM;
	}
	if (r) {
		free(in->line);
		k8s_queue_fini(&in->q);
		free(in);
		return NULL;
	}
	*rc = SS_PLUGIN_SUCCESS;
	return in;
}

SKP_EXPORT void plugin_close(ss_plugin_t *s, ss_instance_t *h)
{
	struct k8s_instance *in = h;
	k8s_queue_close(&in->q);
	if (in->web)
		k8s_webhook_stop(in->web);
	if (in->tail)
		k8s_tail_stop(in->tail);
	if (in->cur)
		fclose(in->cur);
	for (size_t i = 0; i < in->nfiles; i++)
		free(in->files[i]);
	free(in->files);
	for (size_t i = in->pending_head; i < in->npending; i++)
		free(in->pending[i]);
	free(in->pending);
	free(in->pending_ts);
	free(in->line);
	skp_batch_free(&in->batch);
	k8s_queue_fini(&in->q);
	free(in);
}

/* Move pending events into the batch. */
static void fill_batch(struct k8s_instance *in)
{
	while (in->pending_head < in->npending && !skp_batch_full(&in->batch)) {
		char *p = in->pending[in->pending_head];
		if (skp_batch_add(&in->batch, p, (uint32_t)strlen(p),
				  in->pending_ts[in->pending_head]) == 0)
			__atomic_add_fetch(&in->st->m.events, 1, __ATOMIC_RELAXED);
		else
			__atomic_add_fetch(&in->st->m.events_dropped, 1, __ATOMIC_RELAXED);
		free(p);
		in->pending_head++;
	}
	if (in->pending_head == in->npending)
		in->pending_head = in->npending = 0;
}

SKP_EXPORT ss_plugin_rc plugin_next_batch(ss_plugin_t *s, ss_instance_t *h, uint32_t *nevts,
					  ss_plugin_event ***evts)
{
	struct k8s_state *st = s;
	struct k8s_instance *in = h;
	skp_batch_reset(&in->batch);
	*nevts = 0;
	ss_plugin_rc rc = SS_PLUGIN_TIMEOUT;
	if (in->files) {
		if (read_files(in, st->err))
			return SS_PLUGIN_FAILURE;
		fill_batch(in);
		if (in->eof && in->pending_head == in->npending)
			rc = SS_PLUGIN_EOF;
		else if (in->batch.n)
			rc = SS_PLUGIN_SUCCESS;
	} else {
		if (in->web && k8s_webhook_failed(in->web, st->err))
			return SS_PLUGIN_FAILURE;
		fill_batch(in);
		struct k8s_body b;
		int wait = in->batch.n ? 0 : K8S_WAIT_MS;
		while (!skp_batch_full(&in->batch) && k8s_queue_pop(&in->q, &b, wait) == 0) {
			k8s_ingest(in, b.data, b.len);
			free(b.data);
			fill_batch(in);
			wait = 0;
		}
		if (skp_batch_full(&in->batch))
			rc = SS_PLUGIN_SUCCESS;
	}
	*nevts = in->batch.n;
	*evts = skp_batch_events(&in->batch);
	/* With no event, SUCCESS is not allowed: TIMEOUT says "call again". */
	if (rc == SS_PLUGIN_SUCCESS && !in->batch.n)
		rc = SS_PLUGIN_TIMEOUT;
	return rc;
}

SKP_EXPORT const char *plugin_get_progress(ss_plugin_t *s, ss_instance_t *h, uint32_t *pct)
{
	struct k8s_instance *in = h;
	static __thread char buf[64];
	if (!in->files || !in->nfiles) {
		*pct = 0;
		return NULL;
	}
	size_t done = in->file_i ? in->file_i - (in->cur ? 1 : 0) : 0;
	*pct = (uint32_t)(done * 10000u / in->nfiles);
	snprintf(buf, sizeof(buf), "%.2f%% - %zu/%zu files", *pct / 100.0, done, in->nfiles);
	return buf;
}

SKP_EXPORT const char *plugin_event_to_string(ss_plugin_t *s, const ss_plugin_event_input *ev)
{
	struct k8s_state *st = s;
	uint32_t len;
	const uint8_t *p = skp_event_payload(ev->evt, &len);
	if (!p)
		return "";
	skp_arena_reset(&st->arena);
	char *out = skp_arena_alloc(&st->arena, len + 1);
	if (!out)
		return "";
	memcpy(out, p, len);
	out[len] = '\0';
	return out;
}

SKP_EXPORT ss_plugin_rc plugin_extract_fields(ss_plugin_t *s, const ss_plugin_event_input *ev,
					      const ss_plugin_field_extract_input *in)
{
	return k8s_extract(s, ev, in);
}
