/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Pod and namespace records: the few fields the agent needs, read straight
 * from the JSON tree and packed into one allocation. Each record is built
 * twice by the same code: a first pass measures, the second fills.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "meta.h"

struct builder {
	char *base; /* NULL while measuring */
	size_t used;
};

static void *take(struct builder *b, size_t n, size_t align)
{
	size_t at = (b->used + align - 1) & ~(align - 1);
	b->used = at + n;
	return b->base ? b->base + at : NULL;
}

/* A string (capped at SK_K8S_STR_MAX), "" for NULL. */
static const char *put(struct builder *b, const char *s)
{
	size_t n = s ? strlen(s) : 0;
	char *d;

	if (n > SK_K8S_STR_MAX)
		n = SK_K8S_STR_MAX;
	d = take(b, n + 1, 1);
	if (!d)
		return "";
	memcpy(d, s ? s : "", n);
	d[n] = '\0';
	return d;
}

static const char *jstr(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static bool jbool(const cJSON *o, const char *k)
{
	return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, k));
}

static const cJSON *jget(const cJSON *o, const char *k)
{
	return cJSON_GetObjectItemCaseSensitive(o, k);
}

static void build_meta(struct builder *b, struct sk_k8s_obj *o, const cJSON *obj)
{
	const cJSON *meta = jget(obj, "metadata"), *l;
	unsigned n = 0;
	const char **keys, **vals;

	o->name = put(b, jstr(meta, "name"));
	o->ns = put(b, jstr(meta, "namespace"));
	o->uid = put(b, jstr(meta, "uid"));
	cJSON_ArrayForEach(l, jget(meta, "labels")) if (cJSON_IsString(l) && n < SK_K8S_MAX_LABELS) n++;
	keys = take(b, n * sizeof(*keys), sizeof(void *));
	vals = take(b, n * sizeof(*vals), sizeof(void *));
	n = 0;
	cJSON_ArrayForEach(l, jget(meta, "labels"))
	{
		if (!cJSON_IsString(l) || n >= SK_K8S_MAX_LABELS)
			continue;
		const char *k = put(b, l->string), *v = put(b, l->valuestring);
		if (keys) {
			keys[n] = k;
			vals[n] = v;
		}
		n++;
	}
	o->label_keys = keys;
	o->label_values = vals;
	o->nlabels = n;
}

void sk_k8s_image_split(const char *image, char *buf, size_t cap, const char **repo,
			const char **tag, const char **digest)
{
	char *at, *slash, *colon;

	snprintf(buf, cap, "%s", image ? image : "");
	*tag = *digest = "";
	at = strchr(buf, '@');
	if (at) {
		*at = '\0';
		*digest = at + 1;
	}
	slash = strrchr(buf, '/');
	colon = strrchr(buf, ':');
	if (colon && (!slash || colon > slash)) {
		*colon = '\0';
		*tag = colon + 1;
	}
	*repo = buf;
}

/* "containerd://abc..." -> runtime "containerd", id "abc...". */
static void split_cid(const char *cid, char *runtime, size_t rcap, const char **id)
{
	const char *sep = cid ? strstr(cid, "://") : NULL;
	*id = "";
	runtime[0] = '\0';
	if (!sep)
		return;
	snprintf(runtime, rcap, "%.*s", (int)(sep - cid), cid);
	*id = sep + 3;
}

static const cJSON *find_named(const cJSON *arr, const char *name)
{
	const cJSON *e;
	cJSON_ArrayForEach(e, arr)
	{
		const char *n = jstr(e, "name");
		if (n && name && strcmp(n, name) == 0)
			return e;
	}
	return NULL;
}

/* Mount propagation as the runtime shows it. */
static const char *propagation(const char *p)
{
	if (p && strcmp(p, "Bidirectional") == 0)
		return "rshared";
	if (p && strcmp(p, "HostToContainer") == 0)
		return "rslave";
	return "rprivate";
}

/* The host path of a volume, else its name. */
static const char *volume_source(const cJSON *spec, const char *vol)
{
	const cJSON *v = find_named(jget(spec, "volumes"), vol);
	const char *hp = jstr(jget(v, "hostPath"), "path");
	return hp ? hp : vol;
}

static void build_mounts(struct builder *b, struct sk_k8s_container *c, const cJSON *pspec,
			 const cJSON *cspec)
{
	const cJSON *m;
	unsigned n = 0;
	struct sk_mount_view *mv;

	cJSON_ArrayForEach(m, jget(cspec, "volumeMounts")) if (n < SK_STATE_MAX_MOUNTS) n++;
	mv = take(b, n * sizeof(*mv), sizeof(void *));
	n = 0;
	cJSON_ArrayForEach(m, jget(cspec, "volumeMounts"))
	{
		if (n >= SK_STATE_MAX_MOUNTS)
			break;
		struct sk_mount_view v = {
		    .source = put(b, volume_source(pspec, jstr(m, "name"))),
		    .dest = put(b, jstr(m, "mountPath")),
		    .mode = put(b, ""),
		    .rdwr = !jbool(m, "readOnly"),
		    .propagation = propagation(jstr(m, "mountPropagation")),
		};
		if (mv)
			mv[n] = v;
		n++;
	}
	c->mounts = mv;
	c->nmounts = n;
}

static void build_container(struct builder *b, struct sk_k8s_container *c,
			    const struct sk_k8s_pod *pod, const cJSON *pspec, const cJSON *st,
			    const cJSON *cspec)
{
	char runtime[32], split[SK_K8S_STR_MAX];
	const char *full, *repo, *tag, *digest, *image = jstr(st, "image");
	const char *image_id = jstr(st, "imageID");

	split_cid(jstr(st, "containerID"), runtime, sizeof(runtime), &full);
	c->pod = pod;
	snprintf(c->id, sizeof(c->id), "%.12s", full);
	c->full_id = put(b, full);
	c->runtime = put(b, runtime);
	c->name = put(b, jstr(st, "name"));
	if (!image || !*image)
		image = jstr(cspec, "image");
	c->image = put(b, image);
	sk_k8s_image_split(image, split, sizeof(split), &repo, &tag, &digest);
	c->repository = put(b, repo);
	c->tag = put(b, tag);
	if (!*digest && image_id && strchr(image_id, '@'))
		digest = strchr(image_id, '@') + 1;
	c->digest = put(b, digest);
	/* the image id is the digest's hex */
	c->image_id = put(b, strchr(digest, ':') ? strchr(digest, ':') + 1 : digest);
	c->privileged = jbool(jget(cspec, "securityContext"), "privileged");
	build_mounts(b, c, pspec, cspec);
}

static const char *const status_lists[] = {"containerStatuses", "initContainerStatuses",
					   "ephemeralContainerStatuses"};
static const char *const spec_lists[] = {"containers", "initContainers", "ephemeralContainers"};

static void build_pod(struct builder *b, struct sk_k8s_pod *p, const cJSON *obj)
{
	const cJSON *spec = jget(obj, "spec"), *status = jget(obj, "status"), *st;
	unsigned n = 0;

	build_meta(b, &p->o, obj);
	p->node = put(b, jstr(spec, "nodeName"));
	p->ip = put(b, jstr(status, "podIP"));
	p->host_pid = jbool(spec, "hostPID");
	p->host_network = jbool(spec, "hostNetwork");
	p->host_ipc = jbool(spec, "hostIPC");
	{
		/* The pod's addresses as a CNI-style result: {"ips":["10.0.0.5",...]}. */
		char ips[1024];
		size_t len = (size_t)snprintf(ips, sizeof(ips), "{\"ips\":[");
		const cJSON *ip;
		unsigned k = 0;
		cJSON_ArrayForEach(ip, jget(status, "podIPs"))
		{
			const char *a = jstr(ip, "ip");
			if (a && len + strlen(a) + 8 < sizeof(ips))
				len += (size_t)snprintf(ips + len, sizeof(ips) - len, "%s\"%s\"",
							k++ ? "," : "", a);
		}
		/* (read from the JSON: p's strings are empty while measuring) */
		const char *ip1 = jstr(status, "podIP");
		if (k == 0 && ip1 && *ip1 && len + strlen(ip1) + 8 < sizeof(ips))
			len += (size_t)snprintf(ips + len, sizeof(ips) - len, "\"%s\"", ip1);
		snprintf(ips + len, sizeof(ips) - len, "]}");
		p->cni_json = put(b, ips);
	}
	for (unsigned l = 0; l < 3; l++)
		cJSON_ArrayForEach(st, jget(status, status_lists[l])) if (n < SK_K8S_MAX_CONTAINERS) n++;
	p->containers = take(b, n * sizeof(*p->containers), sizeof(void *));
	p->ncontainers = n;
	n = 0;
	for (unsigned l = 0; l < 3; l++) {
		cJSON_ArrayForEach(st, jget(status, status_lists[l]))
		{
			struct sk_k8s_container tmp, *c;
			if (n >= SK_K8S_MAX_CONTAINERS)
				break;
			c = p->containers ? &p->containers[n] : &tmp;
			memset(c, 0, sizeof(*c));
			build_container(b, c, p, spec, st,
					find_named(jget(spec, spec_lists[l]), jstr(st, "name")));
			n++;
		}
	}
}

struct sk_k8s_pod *sk_k8s_pod_decode(const cJSON *pod)
{
	struct builder b = {0};
	struct sk_k8s_pod tmp, *p;

	if (!jstr(jget(pod, "metadata"), "name"))
		return NULL;
	memset(&tmp, 0, sizeof(tmp));
	take(&b, sizeof(tmp), sizeof(void *));
	build_pod(&b, &tmp, pod);
	p = calloc(1, b.used);
	if (!p)
		return NULL;
	b.base = (char *)p;
	b.used = 0;
	take(&b, sizeof(*p), sizeof(void *));
	build_pod(&b, p, pod);
	p->o.bytes = b.used;
	atomic_init(&p->o.refs, 1);
	return p;
}

struct sk_k8s_obj *sk_k8s_ns_decode(const cJSON *ns)
{
	struct builder b = {0};
	struct sk_k8s_obj tmp, *o;

	if (!jstr(jget(ns, "metadata"), "name"))
		return NULL;
	memset(&tmp, 0, sizeof(tmp));
	take(&b, sizeof(tmp), sizeof(void *));
	build_meta(&b, &tmp, ns);
	o = calloc(1, b.used);
	if (!o)
		return NULL;
	b.base = (char *)o;
	b.used = 0;
	take(&b, sizeof(*o), sizeof(void *));
	build_meta(&b, o, ns);
	o->bytes = b.used;
	atomic_init(&o->refs, 1);
	return o;
}

void sk_k8s_obj_ref(struct sk_k8s_obj *o)
{
	atomic_fetch_add_explicit(&o->refs, 1, memory_order_relaxed);
}

void sk_k8s_obj_unref(struct sk_k8s_obj *o)
{
	if (o && atomic_fetch_sub_explicit(&o->refs, 1, memory_order_acq_rel) == 1)
		free(o);
}
