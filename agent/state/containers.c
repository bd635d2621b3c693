/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Containers: the id a thread's cgroups name, and the metadata a capture's
 * container events carry (JSON of codes 272/324, the fields of legacy 228).
 */
#include "state.h"
#include "state_priv.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool is_hex(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char c = p[i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return false;
	}
	return true;
}

/* Scope prefixes of systemd-managed runtimes and the runtime each names. */
static const struct {
	const char *prefix;
	enum sk_container_type type;
} scope_prefixes[] = {
    {"docker-", SK_CT_DOCKER},	       {"cri-containerd-", SK_CT_CONTAINERD},
    {"containerd-", SK_CT_CONTAINERD}, {"crio-", SK_CT_CRIO},
    {"libpod-", SK_CT_PODMAN},
};

/*
 * The container id in one cgroup path's last component: "<64 hex>"
 * (cgroupfs: /docker/<id>, /kubepods/.../pod<uid>/<id>, containerd's
 * /<namespace>/<id>) or "<runtime>-<64 hex>.scope" (systemd, v1 and v2).
 */
static enum sk_container_type id_in_path(const char *path, size_t len, char *full)
{
	const char *last = path;
	for (size_t i = 0; i < len; i++)
		if (path[i] == '/')
			last = path + i + 1;
	size_t n = len - (size_t)(last - path);
	if (n == SK_STATE_CID_FULL && is_hex(last, n)) {
		memcpy(full, last, n);
		full[n] = '\0';
		if (memmem(path, len, "/crio", 5))
			return SK_CT_CRIO;
		if (memmem(path, len, "kubepods", 8))
			return SK_CT_CRI;
		return SK_CT_DOCKER;
	}
	static const char scope[] = ".scope";
	if (n < sizeof(scope) - 1 ||
	    memcmp(last + n - (sizeof(scope) - 1), scope, sizeof(scope) - 1))
		return SK_CT_NONE;
	n -= sizeof(scope) - 1;
	for (size_t i = 0; i < sizeof(scope_prefixes) / sizeof(scope_prefixes[0]); i++) {
		size_t pl = strlen(scope_prefixes[i].prefix);
		if (n == pl + SK_STATE_CID_FULL && !memcmp(last, scope_prefixes[i].prefix, pl) &&
		    is_hex(last + pl, SK_STATE_CID_FULL)) {
			memcpy(full, last + pl, SK_STATE_CID_FULL);
			full[SK_STATE_CID_FULL] = '\0';
			return scope_prefixes[i].type;
		}
	}
	return SK_CT_NONE;
}

enum sk_container_type sk_container_id_from_cgroups(const char *cgroups, uint32_t len, char *full)
{
	uint32_t i = 0;
	full[0] = '\0';
	while (cgroups && i < len) {
		size_t n = strnlen(cgroups + i, len - i);
		const char *eq = memchr(cgroups + i, '=', n);
		/* v1 "cpu=/docker/<id>", v2 "=/system.slice/docker-<id>.scope" or a bare path */
		const char *path = eq ? eq + 1 : cgroups + i;
		size_t plen = n - (size_t)(path - (cgroups + i));
		enum sk_container_type t = id_in_path(path, plen, full);
		if (t != SK_CT_NONE)
			return t;
		i += (uint32_t)n + 1;
	}
	return SK_CT_NONE;
}

/* FNV-1a of a short id: the container table's key. */
static uint64_t id_key(const char *id)
{
	uint64_t h = 1469598103934665603ull;
	for (; *id; id++)
		h = (h ^ (uint8_t)*id) * 1099511628211ull;
	return h;
}

const struct sk_container *sk_state_container(const struct sk_state *s, const char *id)
{
	const struct sk_container *c = sk_u64map_get(&s->containers, id_key(id));
	return c && !strcmp(c->id, id) ? c : NULL;
}

void sk_container_free(struct sk_container *c)
{
	if (!c)
		return;
	free(c->name);
	free(c->image);
	free(c->image_id);
	free(c->image_repository);
	free(c->image_tag);
	free(c->image_digest);
	free(c->ip);
	free(c->healthcheck);
	free(c->liveness_probe);
	free(c->readiness_probe);
	for (unsigned i = 0; i < c->nmounts; i++) {
		free(c->mounts[i].source);
		free(c->mounts[i].dest);
		free(c->mounts[i].mode);
		free(c->mounts[i].propagation);
	}
	free(c);
}

/* A capped copy of a JSON string member, or NULL when absent. */
static char *json_str(const cJSON *o, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
	if (!cJSON_IsString(v) || !v->valuestring)
		return NULL;
	return strndup(v->valuestring, SK_STATE_STR_MAX);
}

/* "exe arg1 arg2" of a probe object {"exe": ..., "args": [...]}, or NULL. */
static char *json_probe(const cJSON *o, const char *name)
{
	const cJSON *p = cJSON_GetObjectItemCaseSensitive(o, name);
	const cJSON *exe = cJSON_GetObjectItemCaseSensitive(p, "exe");
	if (!cJSON_IsString(exe))
		return NULL;
	char buf[SK_STATE_STR_MAX];
	size_t n = (size_t)snprintf(buf, sizeof(buf), "%s", exe->valuestring);
	const cJSON *a;
	cJSON_ArrayForEach(a, cJSON_GetObjectItemCaseSensitive(p, "args"))
	{
		if (cJSON_IsString(a) && n < sizeof(buf))
			n += (size_t)snprintf(buf + n, sizeof(buf) - n, " %s", a->valuestring);
	}
	return strdup(buf);
}

static void json_mounts(struct sk_container *c, const cJSON *o)
{
	const cJSON *m;
	cJSON_ArrayForEach(m, cJSON_GetObjectItemCaseSensitive(o, "Mounts"))
	{
		if (c->nmounts >= SK_STATE_MAX_MOUNTS)
			break;
		struct sk_container_mount *x = &c->mounts[c->nmounts++];
		x->source = json_str(m, "Source");
		x->dest = json_str(m, "Destination");
		x->mode = json_str(m, "Mode");
		x->propagation = json_str(m, "Propagation");
		x->rdwr = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(m, "RW"));
	}
}

/* Insert c (owned) in place of any container with its id. */
static int container_put(struct sk_state *s, struct sk_container *c)
{
	uint64_t key = id_key(c->id);
	struct sk_container *old = sk_u64map_get(&s->containers, key);
	if (!old && s->containers.len >= SK_STATE_MAX_CONTAINERS) {
		sk_state_count(&s->containers_dropped, 1);
		sk_container_free(c);
		return -ENOSPC;
	}
	if (sk_u64map_put(&s->containers, key, c)) {
		sk_container_free(c);
		return -ENOMEM;
	}
	sk_container_free(old);
	return 0;
}

int sk_state_apply_container_json(struct sk_state *s, const char *json, size_t len)
{
	cJSON *root = cJSON_ParseWithLength(json, len);
	const cJSON *o = cJSON_GetObjectItemCaseSensitive(root, "container");
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(o, "id");
	int rc = -EINVAL;
	if (!cJSON_IsString(id) || !id->valuestring[0]) {
		sk_state_count(&s->containers_dropped, 1);
		goto out;
	}
	struct sk_container *c = calloc(1, sizeof(*c));
	if (!c) {
		rc = -ENOMEM;
		goto out;
	}
	snprintf(c->id, sizeof(c->id), "%s", id->valuestring);
	const cJSON *type = cJSON_GetObjectItemCaseSensitive(o, "type");
	c->type = cJSON_IsNumber(type) ? (uint8_t)type->valueint : SK_CT_DOCKER;
	c->name = json_str(o, "name");
	c->image = json_str(o, "image");
	c->image_id = json_str(o, "imageid");
	c->image_repository = json_str(o, "imagerepo");
	c->image_tag = json_str(o, "imagetag");
	c->image_digest = json_str(o, "imagedigest");
	c->ip = json_str(o, "ip");
	c->healthcheck = json_probe(o, "Healthcheck");
	c->liveness_probe = json_probe(o, "LivenessProbe");
	c->readiness_probe = json_probe(o, "ReadinessProbe");
	c->privileged = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "privileged"));
	const cJSON *created = cJSON_GetObjectItemCaseSensitive(o, "created_time");
	if (cJSON_IsNumber(created) && created->valuedouble > 0)
		c->start_ts = (uint64_t)created->valuedouble * 1000000000ull;
	json_mounts(c, o);
	rc = container_put(s, c);
out:
	cJSON_Delete(root);
	return rc;
}

/* Legacy container event (228): id, type, name, image. */
static int apply_container_228(struct sk_state *s, const struct sk_evt *e)
{
	const char *id = sk_evt_get_str(e, 0);
	uint32_t type = SK_CT_DOCKER;
	if (!id || !id[0])
		return -EINVAL;
	struct sk_container *c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	snprintf(c->id, sizeof(c->id), "%s", id);
	sk_evt_get_u32(e, 1, &type);
	c->type = (uint8_t)type;
	const char *name = sk_evt_get_str(e, 2), *image = sk_evt_get_str(e, 3);
	c->name = name ? strndup(name, SK_STATE_STR_MAX) : NULL;
	c->image = image ? strndup(image, SK_STATE_STR_MAX) : NULL;
	return container_put(s, c);
}

int sk_state_apply_container_event(struct sk_state *s, const struct sk_evt *e)
{
	if (e->hdr->type == 228)
		return apply_container_228(s, e);
	if (e->nparams < 1 || e->param_len[0] == 0)
		return -EINVAL;
	size_t len = e->param_len[0];
	/* the string parameter ends in its NUL */
	if (e->param[0][len - 1] == '\0')
		len--;
	return sk_state_apply_container_json(s, (const char *)e->param[0], len);
}

/* Recompute t's container from its cgroups. */
void sk_thread_set_container(struct sk_thread *t)
{
	enum sk_container_type ct =
	    sk_container_id_from_cgroups(t->cgroups, t->cgroups_len, t->container_full_id);
	t->container_type = (uint8_t)ct;
	snprintf(t->container_id, sizeof(t->container_id), "%.*s", (int)SK_STATE_CID_SHORT,
		 t->container_full_id);
}
