/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The store: two informers (this node's pods, the namespaces), the map from
 * short container ids to containers, and the state hook. Lock order: an
 * informer's lock (held around its callbacks), then m->lock.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "meta.h"
#include "../state/u64map.h"

struct sk_k8s_meta {
	struct k8s_client *client;
	struct k8s_informer *pods, *nss;
	struct sk_k8s_meta_opts o;
	char *fsel;
	pthread_mutex_t lock;     /* by_cid, counters, the log filter */
	struct sk_u64map by_cid;  /* short id as a 48-bit number -> struct sk_k8s_container * */
	size_t pod_bytes;
	uint64_t lookups, misses;
	char last_log[256];       /* repeated log lines are counted, not printed */
	unsigned repeats;
	/* the event thread's borrowed records, released round-robin */
	struct sk_k8s_obj *held[SK_K8S_HOLD];
	unsigned next_hold;
	struct sk_meta_provider provider;
};

/* "0123456789ab" -> 0x0123456789ab; false when not 12 hex digits. */
static bool cid_key(const char *id, uint64_t *key)
{
	uint64_t k = 0;
	for (unsigned i = 0; i < SK_STATE_CID_SHORT; i++) {
		char c = id[i];
		unsigned v;
		if (c >= '0' && c <= '9')
			v = (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v = (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v = (unsigned)(c - 'A' + 10);
		else
			return false;
		k = k << 4 | v;
	}
	*key = k | (1ull << 63); /* never 0 */
	return true;
}

static void meta_log(void *ctx, enum k8s_log_level level, const char *msg)
{
	struct sk_k8s_meta *m = ctx;
	char rep[320];
	bool same;

	if (!m->o.log)
		return;
	pthread_mutex_lock(&m->lock);
	same = strcmp(m->last_log, msg) == 0;
	if (same)
		m->repeats++;
	else {
		rep[0] = '\0';
		if (m->repeats)
			snprintf(rep, sizeof(rep), "%.200s (repeated %u times)", m->last_log,
				 m->repeats);
		snprintf(m->last_log, sizeof(m->last_log), "%s", msg);
		m->repeats = 0;
	}
	pthread_mutex_unlock(&m->lock);
	if (same)
		return;
	if (rep[0])
		m->o.log(m->o.log_ctx, level, rep);
	m->o.log(m->o.log_ctx, level, msg);
}

/* ---- informer callbacks (informer lock held) ---- */

static void *pod_decode(void *ctx, const cJSON *obj)
{
	(void)ctx;
	return sk_k8s_pod_decode(obj);
}

static void *ns_decode(void *ctx, const cJSON *obj)
{
	(void)ctx;
	return sk_k8s_ns_decode(obj);
}

static void obj_release(void *ctx, void *rec)
{
	(void)ctx;
	sk_k8s_obj_unref(rec);
}

static void map_pod(struct sk_k8s_meta *m, struct sk_k8s_pod *p)
{
	uint64_t key;
	for (unsigned i = 0; i < p->ncontainers; i++)
		if (cid_key(p->containers[i].id, &key))
			sk_u64map_put(&m->by_cid, key, &p->containers[i]);
	m->pod_bytes += p->o.bytes;
}

static void unmap_pod(struct sk_k8s_meta *m, struct sk_k8s_pod *p)
{
	uint64_t key;
	for (unsigned i = 0; i < p->ncontainers; i++) {
		if (!cid_key(p->containers[i].id, &key))
			continue;
		/* Only if the id still names this pod's container (ids are never reused, but be safe). */
		if (sk_u64map_get(&m->by_cid, key) == &p->containers[i])
			sk_u64map_del(&m->by_cid, key);
	}
	m->pod_bytes -= p->o.bytes;
}

static void pod_add(void *ctx, void *rec)
{
	struct sk_k8s_meta *m = ctx;
	pthread_mutex_lock(&m->lock);
	map_pod(m, rec);
	pthread_mutex_unlock(&m->lock);
}

static void pod_update(void *ctx, void *old, void *rec)
{
	struct sk_k8s_meta *m = ctx;
	pthread_mutex_lock(&m->lock);
	unmap_pod(m, old);
	map_pod(m, rec);
	pthread_mutex_unlock(&m->lock);
}

static void pod_delete(void *ctx, void *rec, bool unknown)
{
	struct sk_k8s_meta *m = ctx;
	(void)unknown;
	pthread_mutex_lock(&m->lock);
	unmap_pod(m, rec);
	pthread_mutex_unlock(&m->lock);
}

/* ---- lookups (event thread) ---- */

/* Keep a reference on o until SK_K8S_HOLD later borrows. */
static void hold(struct sk_k8s_meta *m, struct sk_k8s_obj *o)
{
	for (unsigned i = 0; i < SK_K8S_HOLD; i++)
		if (m->held[i] == o) {
			sk_k8s_obj_unref(o); /* already held */
			return;
		}
	sk_k8s_obj_unref(m->held[m->next_hold]);
	m->held[m->next_hold] = o;
	m->next_hold = (m->next_hold + 1) % SK_K8S_HOLD;
}

const struct sk_k8s_container *sk_k8s_meta_container(struct sk_k8s_meta *m, const char *id,
						     struct sk_k8s_pod **pod)
{
	const struct sk_k8s_container *c = NULL;
	uint64_t key;

	*pod = NULL;
	if (!id || strlen(id) < SK_STATE_CID_SHORT || !cid_key(id, &key))
		return NULL;
	pthread_mutex_lock(&m->lock);
	m->lookups++;
	c = sk_u64map_get(&m->by_cid, key);
	if (c) {
		*pod = (struct sk_k8s_pod *)c->pod;
		sk_k8s_obj_ref(&(*pod)->o);
	} else {
		m->misses++;
	}
	pthread_mutex_unlock(&m->lock);
	return c;
}

static bool op_container(void *ctx, const char *id, struct sk_container_view *out)
{
	struct sk_k8s_meta *m = ctx;
	struct sk_k8s_pod *p;
	const struct sk_k8s_container *c = sk_k8s_meta_container(m, id, &p);

	if (!c)
		return false;
	hold(m, &p->o);
	out->id = c->id;
	out->name = c->name;
	out->type = c->runtime;
	out->image = c->image;
	out->image_id = c->image_id;
	out->image_repository = c->repository;
	out->image_tag = c->tag;
	out->image_digest = c->digest;
	out->privileged = c->privileged;
	out->start_ts = 0;
	out->healthcheck = out->liveness_probe = out->readiness_probe = NULL;
	out->mounts = c->mounts;
	out->nmounts = c->nmounts;
	out->ip = p->ip;
	out->cni_json = p->cni_json;
	out->host_ns_known = true;
	out->host_pid = p->host_pid;
	out->host_network = p->host_network;
	out->host_ipc = p->host_ipc;
	return true;
}

static void obj_view(const struct sk_k8s_obj *o, struct sk_k8s_view *out)
{
	out->name = o->name;
	out->uid = o->uid;
	out->label_keys = o->label_keys;
	out->label_values = o->label_values;
	out->nlabels = o->nlabels;
}

static bool op_k8s(void *ctx, const char *container_id, enum sk_k8s_kind kind,
		   struct sk_k8s_view *out)
{
	struct sk_k8s_meta *m = ctx;
	struct sk_k8s_pod *p;
	struct sk_k8s_obj *ns;

	if (kind != SK_K8S_POD && kind != SK_K8S_NS)
		return false; /* rc, rs, svc, deployment: not watched */
	if (!sk_k8s_meta_container(m, container_id, &p))
		return false;
	hold(m, &p->o);
	if (kind == SK_K8S_POD) {
		obj_view(&p->o, out);
		return true;
	}
	k8s_informer_lock(m->nss);
	ns = k8s_informer_get(m->nss, NULL, p->o.ns);
	if (ns)
		sk_k8s_obj_ref(ns);
	k8s_informer_unlock(m->nss);
	if (ns) {
		hold(m, ns);
		obj_view(ns, out);
		return true;
	}
	/* The namespace object is not known (yet): its name still is. */
	out->name = p->o.ns;
	out->uid = "";
	out->nlabels = 0;
	return true;
}

/* ---- lifecycle ---- */

int sk_k8s_meta_new(struct sk_k8s_meta **out, struct k8s_client *client,
		    const struct sk_k8s_meta_opts *o, char *err, size_t errlen)
{
	struct sk_k8s_meta *m;
	int rc;

	if (!o || !o->node || !*o->node) {
		snprintf(err, errlen, "k8s: no node name: the agent watches only its node's pods");
		return -EINVAL;
	}
	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	m->client = client;
	m->o = *o;
	pthread_mutex_init(&m->lock, NULL);
	sk_u64map_init(&m->by_cid);
	if (asprintf(&m->fsel, "spec.nodeName=%s", o->node) < 0) {
		m->fsel = NULL;
		rc = -ENOMEM;
		goto fail;
	}
	struct k8s_informer_opts io = {
	    .path = "/api/v1/pods",
	    .field_selector = m->fsel,
	    .page_size = o->page_size,
	    .timeout_min_s = o->watch_timeout_s,
	    .timeout_max_s = o->watch_timeout_s ? o->watch_timeout_s * 2 : 0,
	    .idle_timeout_s = o->idle_timeout_s,
	    .backoff_initial_ms = o->backoff_initial_ms,
	    .max_line = SK_K8S_OBJECT_MAX,
	};
	struct k8s_informer_ops pops = {
	    .decode = pod_decode,
	    .release = obj_release,
	    .on_add = pod_add,
	    .on_update = pod_update,
	    .on_delete = pod_delete,
	    .log = meta_log,
	};
	rc = k8s_informer_new(&m->pods, client, &io, &pops, m, err, errlen);
	if (rc)
		goto fail;
	io.path = "/api/v1/namespaces";
	io.field_selector = NULL;
	struct k8s_informer_ops nops = {
	    .decode = ns_decode,
	    .release = obj_release,
	    .log = meta_log,
	};
	rc = k8s_informer_new(&m->nss, client, &io, &nops, m, err, errlen);
	if (rc)
		goto fail;
	m->provider = (struct sk_meta_provider){.ctx = m, .container = op_container, .k8s = op_k8s};
	*out = m;
	return 0;
fail:
	sk_k8s_meta_free(m);
	return rc;
}

int sk_k8s_meta_start(struct sk_k8s_meta *m)
{
	int rc = k8s_informer_start(m->pods);
	return rc ? rc : k8s_informer_start(m->nss);
}

bool sk_k8s_meta_wait_synced(struct sk_k8s_meta *m, unsigned timeout_ms)
{
	return k8s_informer_wait_synced(m->pods, timeout_ms) &&
	       k8s_informer_wait_synced(m->nss, timeout_ms);
}

void sk_k8s_meta_free(struct sk_k8s_meta *m)
{
	if (!m)
		return;
	if (m->pods)
		k8s_informer_stop(m->pods);
	if (m->nss)
		k8s_informer_stop(m->nss);
	k8s_informer_free(m->pods);
	k8s_informer_free(m->nss);
	for (unsigned i = 0; i < SK_K8S_HOLD; i++)
		sk_k8s_obj_unref(m->held[i]);
	sk_u64map_fini(&m->by_cid);
	pthread_mutex_destroy(&m->lock);
	k8s_client_free(m->client);
	free(m->fsel);
	free(m);
}

const struct sk_meta_provider *sk_k8s_meta_provider(struct sk_k8s_meta *m)
{
	return &m->provider;
}

struct k8s_informer *sk_k8s_meta_pods(struct sk_k8s_meta *m)
{
	return m->pods;
}

struct k8s_informer *sk_k8s_meta_namespaces(struct sk_k8s_meta *m)
{
	return m->nss;
}

void sk_k8s_meta_stats(struct sk_k8s_meta *m, struct sk_k8s_meta_stats *out)
{
	memset(out, 0, sizeof(*out));
	k8s_informer_stats(m->pods, &out->pods);
	k8s_informer_stats(m->nss, &out->namespaces);
	pthread_mutex_lock(&m->lock);
	out->containers = m->by_cid.len;
	out->pod_bytes = m->pod_bytes;
	out->lookups = m->lookups;
	out->misses = m->misses;
	pthread_mutex_unlock(&m->lock);
}
