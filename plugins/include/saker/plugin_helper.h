/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A small C helper layer for writing plugins against plugin_api.h: the
 * get_fields JSON from a static table, batches of plugin events (code 322)
 * built in plugin-owned memory, and an arena for extraction results that
 * lives until the next extraction. Plugins link plugins/lib/helper.c.
 */
#ifndef SAKER_PLUGIN_HELPER_H
#define SAKER_PLUGIN_HELPER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "plugin_api.h"

/* Mark the plugin_* entry points (plugins are built with -fvisibility=hidden). */
#define SKP_EXPORT __attribute__((visibility("default")))

/*
 * The entry points a plugin may export (§5), declared once with default
 * visibility; a plugin defines the ones it implements.
 */
#define SKP_DECL SKP_EXPORT extern
SKP_DECL const char *plugin_get_required_api_version(void);
SKP_DECL const char *plugin_get_version(void);
SKP_DECL const char *plugin_get_name(void);
SKP_DECL const char *plugin_get_description(void);
SKP_DECL const char *plugin_get_contact(void);
SKP_DECL const char *plugin_get_init_schema(ss_plugin_schema_type *schema_type);
SKP_DECL ss_plugin_t *plugin_init(const ss_plugin_init_input *in, ss_plugin_rc *rc);
SKP_DECL void plugin_destroy(ss_plugin_t *s);
SKP_DECL const char *plugin_get_last_error(ss_plugin_t *s);
SKP_DECL ss_plugin_rc plugin_set_config(ss_plugin_t *s, const ss_plugin_set_config_input *in);
SKP_DECL ss_plugin_metric *plugin_get_metrics(ss_plugin_t *s, uint32_t *num_metrics);
SKP_DECL uint32_t plugin_get_id(void);
SKP_DECL const char *plugin_get_event_source(void);
SKP_DECL ss_instance_t *plugin_open(ss_plugin_t *s, const char *params, ss_plugin_rc *rc);
SKP_DECL void plugin_close(ss_plugin_t *s, ss_instance_t *h);
SKP_DECL ss_plugin_rc plugin_next_batch(ss_plugin_t *s, ss_instance_t *h, uint32_t *nevts,
					ss_plugin_event ***evts);
SKP_DECL const char *plugin_get_progress(ss_plugin_t *s, ss_instance_t *h, uint32_t *pct);
SKP_DECL const char *plugin_event_to_string(ss_plugin_t *s, const ss_plugin_event_input *evt);
SKP_DECL const char *plugin_list_open_params(ss_plugin_t *s, ss_plugin_rc *rc);
SKP_DECL const char *plugin_get_fields(void);
SKP_DECL ss_plugin_rc plugin_extract_fields(ss_plugin_t *s, const ss_plugin_event_input *evt,
					    const ss_plugin_field_extract_input *in);
SKP_DECL const char *plugin_get_extract_event_sources(void);
SKP_DECL uint16_t *plugin_get_extract_event_types(uint32_t *numtypes, ss_plugin_t *s);

/*
 * The identity exports of a plugin that sources events of SOURCE and
 * extracts fields (FIELDS_JSON, a const char * expression) from its own
 * plugin events: required API, version, name, description, contact, id,
 * event source, fields, extraction sources and event types.
 */
#define SKP_SOURCE_PLUGIN_IDENTITY(NAME, VERSION, ID, SOURCE, DESCRIPTION, FIELDS_JSON)        \
	SKP_EXPORT const char *plugin_get_required_api_version(void)                         \
	{                                                                                      \
		return PLUGIN_API_VERSION_STR;                                                 \
	}                                                                                      \
	SKP_EXPORT const char *plugin_get_version(void)                                       \
	{                                                                                      \
		return VERSION;                                                                \
	}                                                                                      \
	SKP_EXPORT const char *plugin_get_name(void)                                          \
	{                                                                                      \
		return NAME;                                                                   \
	}                                                                                      \
	SKP_EXPORT const char *plugin_get_description(void)                                   \
	{                                                                                      \
		return DESCRIPTION;                                                            \
	}                                                                                      \
	SKP_EXPORT const char *plugin_get_contact(void)                                       \
	{                                                                                      \
		return "Saker project";                                                        \
	}                                                                                      \
	SKP_EXPORT uint32_t plugin_get_id(void)                                               \
	{                                                                                      \
		return ID;                                                                     \
	}                                                                                      \
	SKP_EXPORT const char *plugin_get_event_source(void)                                  \
	{                                                                                      \
		return SOURCE;                                                                 \
	}                                                                                      \
	SKP_EXPORT const char *plugin_get_fields(void)                                        \
	{                                                                                      \
		return FIELDS_JSON;                                                            \
	}                                                                                      \
	SKP_EXPORT const char *plugin_get_extract_event_sources(void)                         \
	{                                                                                      \
		return "[\"" SOURCE "\"]";                                                     \
	}                                                                                      \
	SKP_EXPORT uint16_t *plugin_get_extract_event_types(uint32_t *n, ss_plugin_t *s)      \
	{                                                                                      \
		static uint16_t types[] = {PPME_PLUGINEVENT_E};                                \
		*n = 1;                                                                        \
		return types;                                                                  \
	}

/* Field flags of struct skp_field. */
enum skp_field_flags {
	SKP_LIST = 1 << 0,	   /* isList */
	SKP_ARG_INDEX = 1 << 1,	   /* arg.isIndex */
	SKP_ARG_KEY = 1 << 2,	   /* arg.isKey */
	SKP_ARG_REQ = 1 << 3,	   /* arg.isRequired */
	SKP_HIDDEN = 1 << 4,	   /* properties: ["hidden"] */
	SKP_INFO = 1 << 5,	   /* properties: ["info"] */
	SKP_CONVERSATION = 1 << 6, /* properties: ["conversation"] */
};

struct skp_field {
	const char *name;
	const char *type; /* "string", "uint64", "bool", "reltime", "abstime", "ipaddr", "ipnet" */
	unsigned flags;	  /* enum skp_field_flags */
	const char *display;
	const char *desc;
};

/* The get_fields JSON array for n fields (malloc'd; caller frees), or NULL. */
char *skp_fields_json(const struct skp_field *f, unsigned n);

/* Most events in one batch, and bytes of one event payload the helper builds. */
#define SKP_BATCH_MAX 128u
#define SKP_EVENT_MAX (16u << 20)

/* A batch of 322 events in one buffer (plugin-owned until the next reset). */
struct skp_batch {
	uint8_t *buf;
	size_t len, cap;
	size_t off[SKP_BATCH_MAX];
	ss_plugin_event *evts[SKP_BATCH_MAX];
	uint32_t n;
};

void skp_batch_reset(struct skp_batch *b);
void skp_batch_free(struct skp_batch *b);
/* Whether the batch holds SKP_BATCH_MAX events. */
bool skp_batch_full(const struct skp_batch *b);
/*
 * Append an event with plugin id 0 (the host fills its own), tid UINT64_MAX
 * and timestamp ts (UINT64_MAX = the host assigns now); the payload is
 * copied. Returns 0, -ENOSPC when full, -E2BIG past SKP_EVENT_MAX, -ENOMEM.
 */
int skp_batch_add(struct skp_batch *b, const void *payload, uint32_t len, uint64_t ts);
/* The event pointers for next_batch (valid until the next add or reset). */
ss_plugin_event **skp_batch_events(struct skp_batch *b);

/* The payload of a 322 event (NULL when malformed) and its length. */
const uint8_t *skp_event_payload(const ss_plugin_event *e, uint32_t *len);

/* Memory for extraction results, released all at once by skp_arena_reset. */
struct skp_arena_chunk;
struct skp_arena {
	struct skp_arena_chunk *head;
};
void *skp_arena_alloc(struct skp_arena *a, size_t n);
void skp_arena_reset(struct skp_arena *a);

/* Set f's result to n strings (copied into a); returns 0 or -ENOMEM. */
int skp_res_strs(struct skp_arena *a, ss_plugin_extract_field *f, const char *const *v,
		 const size_t *lens, unsigned n);
int skp_res_str(struct skp_arena *a, ss_plugin_extract_field *f, const char *s, size_t len);
int skp_res_u64(struct skp_arena *a, ss_plugin_extract_field *f, uint64_t v);

/* The argument of f: whether a numeric index was given (arg_index not UINT64_MAX). */
static inline bool skp_has_index(const ss_plugin_extract_field *f)
{
	return f->arg_present && f->arg_index != UINT64_MAX;
}

/* Copy msg into an error buffer of PLUGIN_MAX_ERRLEN bytes, printf-style. */
void skp_errorf(char *buf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Parse an RFC 3339 time ("2018-10-25T14:09:12Z", fraction and offset optional) to ns. */
int skp_parse_rfc3339(const char *s, uint64_t *ns);

#endif
