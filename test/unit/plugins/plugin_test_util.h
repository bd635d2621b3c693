/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Shared by the plugin tests: load bundled plugins (from $SAKER_BUILD/plugins,
 * default build/plugins) through the real host, register their fields, build
 * plugin events (code 322) and extract fields the way the engine does:
 * registry lookup, the class's prepare with the argument, then extract.
 */
#ifndef SAKER_TEST_PLUGIN_UTIL_H
#define SAKER_TEST_PLUGIN_UTIL_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../../agent/engine/field.h"
#include "../../../agent/plugin/plugin.h"
#include "saker/event.h"

#define PT_EVENT_MAX (1u << 20)
#define PT_VALUES 64u
#define PT_VALUE_LEN 4096u

struct ptest {
	struct sk_plugin_host *h;
	struct sk_field_registry *reg;
	uint8_t *evt;
	struct sk_evt e;
	struct sk_plugin_event_ctx pc;
	struct sk_eval_ctx ctx;
	char *scratch;
	char err[2048];
	char v[PT_VALUES][PT_VALUE_LEN]; /* rendered values of the last extraction */
};

static inline const char *pt_build_dir(void)
{
	const char *b = getenv("SAKER_BUILD");
	return b && b[0] ? b : "build";
}

static inline int pt_init(struct ptest *t)
{
	memset(t, 0, sizeof(*t));
	t->evt = calloc(1, PT_EVENT_MAX);
	t->scratch = malloc(256u * 1024u);
	if (!t->evt || !t->scratch || sk_plugin_host_new(&t->h, NULL) || sk_field_registry_new(&t->reg))
		return -1;
	return sk_field_registry_add_builtin(t->reg);
}

static inline void pt_fini(struct ptest *t)
{
	sk_field_registry_free(t->reg);
	sk_plugin_host_free(t->h);
	free(t->evt);
	free(t->scratch);
}

/* Load bundled plugin name (libNAME.so) with init config (NULL = ""). */
static inline int pt_load(struct ptest *t, const char *name, const char *init, const char *open)
{
	char path[1024];
	snprintf(path, sizeof(path), "%s/plugins/lib%s.so", pt_build_dir(), name);
	struct sk_plugin_config c = {
		.name = name, .library_path = path, .init_config = init, .open_params = open};
	return sk_plugin_host_load(t->h, &c, t->err, sizeof(t->err));
}

/* After the loads: check and register every plugin's fields. */
static inline int pt_register(struct ptest *t)
{
	int rc = sk_plugin_host_check(t->h, t->err, sizeof(t->err));
	return rc ? rc : sk_plugin_host_register_fields(t->h, t->reg, t->err, sizeof(t->err));
}

/* Make the current event a plugin event of plugin id carrying payload. */
static inline void pt_event(struct ptest *t, uint32_t id, const char *payload, uint64_t ts)
{
	uint32_t len = (uint32_t)strlen(payload), total = 38 + len, l0 = 4, np = 2;
	uint64_t tid = UINT64_MAX;
	uint16_t type = 322;
	memcpy(t->evt, &ts, 8);
	memcpy(t->evt + 8, &tid, 8);
	memcpy(t->evt + 16, &total, 4);
	memcpy(t->evt + 20, &type, 2);
	memcpy(t->evt + 22, &np, 4);
	memcpy(t->evt + 26, &l0, 4);
	memcpy(t->evt + 30, &len, 4);
	memcpy(t->evt + 34, &id, 4);
	memcpy(t->evt + 38, payload, len);
	char why[256];
	if (sk_evt_parse(&t->e, t->evt, total, why, sizeof(why)))
		fprintf(stderr, "pt_event: %s\n", why);
	t->pc.evtnum = sk_plugin_next_evtnum();
}

/*
 * Extract name[arg] (arg NULL = none) for the current event as source sees
 * it; values rendered into t->v. Returns the number of values, or -1 when
 * the field cannot be resolved/prepared (message in t->err).
 */
static inline int pt_extract(struct ptest *t, const char *source, const char *name, const char *arg)
{
	struct sk_field_ref ref;
	if (sk_field_registry_find(t->reg, source, name, strlen(name), &ref)) {
		snprintf(t->err, sizeof(t->err), "unknown field %s", name);
		return -1;
	}
	if (arg) {
		ref.arg = arg;
		ref.arg_len = (uint32_t)strlen(arg);
	} else if (ref.field->flags & SK_FIELD_ARG_REQUIRED) {
		snprintf(t->err, sizeof(t->err), "%s requires an argument", name);
		return -1;
	}
	if (ref.cls->prepare && ref.cls->prepare(&ref, t->err, sizeof(t->err)))
		return -1;
	t->ctx = (struct sk_eval_ctx){
		.evt = &t->e,
		.evtnum = t->pc.evtnum,
		.source = source,
		.plugin_ctx = &t->pc,
		.scratch = t->scratch,
		.scratch_cap = 256u * 1024u,
	};
	struct sk_value vals[PT_VALUES];
	int n = ref.cls->extract(&ref, &t->ctx, vals, PT_VALUES);
	for (int i = 0; i < n; i++)
		sk_value_render(&vals[i], t->v[i], PT_VALUE_LEN);
	return n;
}

/* The values of the last extraction joined with '|' (for compact asserts). */
static inline const char *pt_join(struct ptest *t, int n, char *out, size_t cap)
{
	size_t o = 0;
	out[0] = '\0';
	for (int i = 0; i < n && o < cap; i++)
		o += (size_t)snprintf(out + o, cap - o, "%s%s", i ? "|" : "", t->v[i]);
	return out;
}

#endif
