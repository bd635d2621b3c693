/* SPDX-License-Identifier: Apache-2.0 */
/* Private parts of the plugin host shared by its files. */
#ifndef SAKER_PLUGIN_INT_H
#define SAKER_PLUGIN_INT_H

#include <pthread.h>

#include "plugin.h"
#include "saker/plugin_api.h"

/* The plugin's entry points; NULL = not exported. */
struct sk_plugin_api {
	const char *(*get_required_api_version)(void);
	const char *(*get_version)(void);
	const char *(*get_name)(void);
	const char *(*get_description)(void);
	const char *(*get_contact)(void);
	const char *(*get_init_schema)(ss_plugin_schema_type *t);
	ss_plugin_t *(*init)(const ss_plugin_init_input *in, ss_plugin_rc *rc);
	void (*destroy)(ss_plugin_t *s);
	const char *(*get_last_error)(ss_plugin_t *s);
	ss_plugin_rc (*set_config)(ss_plugin_t *s, const ss_plugin_set_config_input *in);
	ss_plugin_metric *(*get_metrics)(ss_plugin_t *s, uint32_t *n);
	uint32_t (*get_id)(void);
	const char *(*get_event_source)(void);
	ss_instance_t *(*open)(ss_plugin_t *s, const char *params, ss_plugin_rc *rc);
	void (*close)(ss_plugin_t *s, ss_instance_t *h);
	ss_plugin_rc (*next_batch)(ss_plugin_t *s, ss_instance_t *h, uint32_t *n,
				   ss_plugin_event ***evts);
	const char *(*get_progress)(ss_plugin_t *s, ss_instance_t *h, uint32_t *pct);
	const char *(*event_to_string)(ss_plugin_t *s, const ss_plugin_event_input *e);
	const char *(*list_open_params)(ss_plugin_t *s, ss_plugin_rc *rc);
	const char *(*get_fields)(void);
	ss_plugin_rc (*extract_fields)(ss_plugin_t *s, const ss_plugin_event_input *e,
				       const ss_plugin_field_extract_input *in);
	const char *(*get_extract_event_sources)(void);
	uint16_t *(*get_extract_event_types)(uint32_t *n, ss_plugin_t *s);
	ss_plugin_rc (*parse_event)(ss_plugin_t *s, const ss_plugin_event_input *e,
				    const ss_plugin_event_parse_input *in);
	const char *(*get_async_events)(void);
	ss_plugin_rc (*set_async_event_handler)(ss_plugin_t *s, ss_plugin_owner_t *o,
						ss_plugin_async_event_handler_t h);
	ss_plugin_rc (*capture_open)(ss_plugin_t *s, const ss_plugin_capture_listen_input *in);
	ss_plugin_rc (*capture_close)(ss_plugin_t *s, const ss_plugin_capture_listen_input *in);
};

/* A field's ABI metadata beside its engine description. */
struct sk_plugin_field_meta {
	uint32_t ftype;
	bool is_list, is_index, is_key, is_required;
};

/* One field class the plugin offers to the engine (one per compatible source). */
struct sk_plugin_class {
	struct sk_field_class cls;
	struct sk_plugin *p;
	char *source; /* owned; NULL = every source */
};

struct sk_plugin {
	struct sk_plugin_host *host;
	void *dl;
	struct sk_plugin_api api;
	ss_plugin_t *state;
	pthread_mutex_t lock; /* one caller at a time per state */
	char *name, *version, *description, *contact, *required_api, *path;
	char *init_config, *open_params, *init_schema, *source;
	uint32_t id;
	bool cap_source, cap_extract, cap_parse, cap_async;
	char *class_name; /* "<name> plugin" */
	struct sk_field *fields;
	struct sk_plugin_field_meta *meta;
	unsigned nfields;
	char *extract_sources[SK_PLUGIN_MAX_SOURCES + 2]; /* NULL-terminated, owned */
	unsigned nextract_sources;
	uint16_t *evttypes; /* owned copy; NULL with all_types */
	unsigned nevttypes;
	bool all_types;
	struct sk_plugin_class *classes;
	unsigned nclasses;
	struct sk_plugin_stats stats;
	char lasterr[SK_PLUGIN_ERR_MAX];
	uint64_t logged_errors;
};

struct sk_plugin_host {
	struct sk_plugin_host_opts opts;
	char *plugin_dir;
	struct sk_plugin *plugins[SK_PLUGIN_MAX];
	unsigned n;
	struct sk_plugin_version *versions;
	unsigned nversions;
};

/* The table API handed to every plugin at init: it offers no tables (tables.c). */
extern const ss_plugin_init_tables_input sk_plugin_tables_none;
extern ss_plugin_table_reader_vtable_ext sk_plugin_table_reader_none;
extern ss_plugin_table_writer_vtable_ext sk_plugin_table_writer_none;

/* get_owner_last_error for the owner cookie (a struct sk_plugin). */
const char *sk_plugin_owner_last_error(ss_plugin_owner_t *o);

/* The plugin's last error, copied into p->lasterr (lock held by the caller). */
const char *sk_plugin_fetch_error(struct sk_plugin *p);

/* Log through the host (drops when no log function). */
void sk_plugin_log(struct sk_plugin *p, int severity, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Parse get_fields JSON into p->fields/meta. Returns 0 or -EINVAL with err. */
int sk_plugin_parse_fields(struct sk_plugin *p, const char *json, char *err, size_t errlen);

/* Whether p's extractor applies to events of source (empty list = every source). */
bool sk_plugin_extracts_source(const struct sk_plugin *p, const char *source);
/* Whether p's extractor applies to event code type. */
bool sk_plugin_extracts_type(const struct sk_plugin *p, uint16_t type);

/* The field class extract/prepare functions (extract.c). */
int sk_plugin_field_prepare(struct sk_field_ref *ref, char *err, size_t errlen);
int sk_plugin_field_extract(const struct sk_field_ref *ref, struct sk_eval_ctx *ctx,
			    struct sk_value *vals, unsigned cap);

#endif
