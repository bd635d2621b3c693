/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Saker's own text of the Falco plugin ABI, version 3.12.0, for LP64 Linux.
 * Names match the reference header so that logs and documentation line up;
 * layouts are checked below with _Static_assert. A plugin exports plain C
 * functions named plugin_<entry>; the host resolves each with dlsym and
 * treats an absent symbol as "not implemented".
 *
 * Ownership, in one sentence each:
 *  - what a plugin returns (strings, arrays, events, extraction results) is
 *    the plugin's and stays valid until the next call of the same entry on
 *    the same state (next_batch: until the next next_batch or close);
 *  - what the host passes in lives for the call only, except the init
 *    input's owner, log_fn and table vtables, which live as long as the state.
 */
#ifndef SAKER_PLUGIN_API_H
#define SAKER_PLUGIN_API_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PLUGIN_API_VERSION_MAJOR 3
#define PLUGIN_API_VERSION_MINOR 12
#define PLUGIN_API_VERSION_PATCH 0
#define PLUGIN_API_VERSION_STR "3.12.0"

#define PLUGIN_MAX_ERRLEN 1024	       /* bytes of an error string, NUL included */
#define PLUGIN_EVENT_PAYLOAD_OFFSET 38 /* header 26 + two u32 lengths + u32 plugin id */
#define PPME_PLUGINEVENT_E 322
#define PPME_ASYNCEVENT_E 402

typedef uint32_t ss_plugin_bool;

typedef enum ss_plugin_rc {
	SS_PLUGIN_SUCCESS = 0,
	SS_PLUGIN_FAILURE = 1,
	SS_PLUGIN_TIMEOUT = -1,
	SS_PLUGIN_EOF = 2,
	SS_PLUGIN_NOT_SUPPORTED = 3,
} ss_plugin_rc;

typedef enum ss_plugin_field_type {
	FTYPE_UINT64 = 8,
	FTYPE_STRING = 9,
	FTYPE_RELTIME = 20,
	FTYPE_ABSTIME = 21,
	FTYPE_BOOL = 25,
	FTYPE_IPADDR = 40,
	FTYPE_IPNET = 41,
} ss_plugin_field_type;

typedef enum ss_plugin_schema_type {
	SS_PLUGIN_SCHEMA_NONE = 0,
	SS_PLUGIN_SCHEMA_JSON = 1,
} ss_plugin_schema_type;

typedef enum ss_plugin_state_type {
	SS_PLUGIN_ST_INT8 = 1,
	SS_PLUGIN_ST_INT16 = 2,
	SS_PLUGIN_ST_INT32 = 3,
	SS_PLUGIN_ST_INT64 = 4,
	SS_PLUGIN_ST_UINT8 = 5,
	SS_PLUGIN_ST_UINT16 = 6,
	SS_PLUGIN_ST_UINT32 = 7,
	SS_PLUGIN_ST_UINT64 = 8,
	SS_PLUGIN_ST_STRING = 9,
	SS_PLUGIN_ST_TABLE = 10,
	SS_PLUGIN_ST_BOOL = 25,
} ss_plugin_state_type;

typedef enum ss_plugin_log_severity {
	SS_PLUGIN_LOG_SEV_FATAL = 1,
	SS_PLUGIN_LOG_SEV_CRITICAL = 2,
	SS_PLUGIN_LOG_SEV_ERROR = 3,
	SS_PLUGIN_LOG_SEV_WARNING = 4,
	SS_PLUGIN_LOG_SEV_NOTICE = 5,
	SS_PLUGIN_LOG_SEV_INFO = 6,
	SS_PLUGIN_LOG_SEV_DEBUG = 7,
	SS_PLUGIN_LOG_SEV_TRACE = 8,
} ss_plugin_log_severity;

typedef enum ss_plugin_metric_type {
	SS_PLUGIN_METRIC_TYPE_MONOTONIC = 0,
	SS_PLUGIN_METRIC_TYPE_NON_MONOTONIC = 1,
} ss_plugin_metric_type;

typedef enum ss_plugin_metric_value_type {
	SS_PLUGIN_METRIC_VALUE_TYPE_U32 = 0,
	SS_PLUGIN_METRIC_VALUE_TYPE_S32 = 1,
	SS_PLUGIN_METRIC_VALUE_TYPE_U64 = 2,
	SS_PLUGIN_METRIC_VALUE_TYPE_S64 = 3,
	SS_PLUGIN_METRIC_VALUE_TYPE_D = 4,
	SS_PLUGIN_METRIC_VALUE_TYPE_F = 5,
	SS_PLUGIN_METRIC_VALUE_TYPE_I = 6,
} ss_plugin_metric_value_type;

/* Opaque handles: only their NULL-ness means anything to the other side. */
typedef void ss_plugin_t;
typedef void ss_instance_t;
typedef void ss_plugin_owner_t;
typedef void ss_plugin_table_t;
typedef void ss_plugin_table_entry_t;
typedef void ss_plugin_table_field_t;
typedef void ss_plugin_table_iterator_state_t;
typedef void ss_plugin_routine_t;
typedef void ss_plugin_routine_state_t;

/* ---- events ---------------------------------------------------------------- */

#pragma pack(push, 1)
/* The libscap event header; every field may be unaligned (use memcpy). */
typedef struct ss_plugin_event {
	uint64_t ts;	  /* ns since the epoch; UINT64_MAX = host fills in now */
	uint64_t tid;	  /* UINT64_MAX = no thread */
	uint32_t len;	  /* whole event, header included */
	uint16_t type;	  /* 322 for plugin events */
	uint32_t nparams; /* 2 for plugin events */
} ss_plugin_event;
#pragma pack(pop)

typedef struct ss_plugin_event_input {
	const ss_plugin_event *evt;
	uint64_t evtnum;    /* from 1, unique, stable for every call about one event */
	const char *evtsrc; /* "syscall", "k8s_audit", ... */
} ss_plugin_event_input;

/* ---- extraction ------------------------------------------------------------ */

typedef struct ss_plugin_byte_buffer {
	uint32_t len;
	const void *ptr;
} ss_plugin_byte_buffer;

typedef struct ss_plugin_extract_value_offsets {
	uint32_t *start;
	uint32_t *length;
} ss_plugin_extract_value_offsets;

typedef struct ss_plugin_extract_field {
	union {
		const char **str;
		uint64_t *u64;
		uint32_t *u32;
		ss_plugin_bool *boolean;
		ss_plugin_byte_buffer *buf;
	} res;			    /* out: res_len values */
	uint64_t res_len;	    /* out: 0 = no value */
	uint32_t field_id;	    /* in: index in the get_fields array */
	const char *field;	    /* in: name without the argument */
	const char *arg_key;	    /* in: string argument or NULL */
	uint64_t arg_index;	    /* in: numeric argument; UINT64_MAX when none was parsed */
	ss_plugin_bool arg_present; /* in */
	uint32_t ftype;		    /* in: ss_plugin_field_type */
	ss_plugin_bool flist;	    /* in: declared isList */
} ss_plugin_extract_field;

/* ---- state tables ---------------------------------------------------------- */

typedef union ss_plugin_state_data {
	int8_t s8;
	int16_t s16;
	int32_t s32;
	int64_t s64;
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;
	uint64_t u64;
	const char *str;
	ss_plugin_bool b;
	ss_plugin_table_t *table;
} ss_plugin_state_data;

typedef struct ss_plugin_table_info {
	const char *name;
	ss_plugin_state_type key_type;
} ss_plugin_table_info;

typedef struct ss_plugin_table_fieldinfo {
	const char *name;
	ss_plugin_state_type field_type;
	ss_plugin_bool read_only;
} ss_plugin_table_fieldinfo;

typedef ss_plugin_bool (*ss_plugin_table_iterator_func_t)(ss_plugin_table_iterator_state_t *s,
							  ss_plugin_table_entry_t *e);

typedef struct ss_plugin_table_fields_vtable {
	const ss_plugin_table_fieldinfo *(*list_table_fields)(ss_plugin_table_t *t,
							      uint32_t *nfields);
	ss_plugin_table_field_t *(*get_table_field)(ss_plugin_table_t *t, const char *name,
						    ss_plugin_state_type type);
	ss_plugin_table_field_t *(*add_table_field)(ss_plugin_table_t *t, const char *name,
						    ss_plugin_state_type type);
} ss_plugin_table_fields_vtable, ss_plugin_table_fields_vtable_ext;

typedef struct ss_plugin_table_reader_vtable {
	const char *(*get_table_name)(ss_plugin_table_t *t);
	uint64_t (*get_table_size)(ss_plugin_table_t *t);
	ss_plugin_table_entry_t *(*get_table_entry)(ss_plugin_table_t *t,
						    const ss_plugin_state_data *key);
	ss_plugin_rc (*read_entry_field)(ss_plugin_table_t *t, ss_plugin_table_entry_t *e,
					 const ss_plugin_table_field_t *f,
					 ss_plugin_state_data *out);
} ss_plugin_table_reader_vtable;

typedef struct ss_plugin_table_reader_vtable_ext {
	const char *(*get_table_name)(ss_plugin_table_t *t);
	uint64_t (*get_table_size)(ss_plugin_table_t *t);
	ss_plugin_table_entry_t *(*get_table_entry)(ss_plugin_table_t *t,
						    const ss_plugin_state_data *key);
	ss_plugin_rc (*read_entry_field)(ss_plugin_table_t *t, ss_plugin_table_entry_t *e,
					 const ss_plugin_table_field_t *f,
					 ss_plugin_state_data *out);
	void (*release_table_entry)(ss_plugin_table_t *t, ss_plugin_table_entry_t *e);
	ss_plugin_bool (*iterate_entries)(ss_plugin_table_t *t, ss_plugin_table_iterator_func_t it,
					  ss_plugin_table_iterator_state_t *s);
} ss_plugin_table_reader_vtable_ext;

typedef struct ss_plugin_table_writer_vtable {
	ss_plugin_rc (*clear_table)(ss_plugin_table_t *t);
	ss_plugin_rc (*erase_table_entry)(ss_plugin_table_t *t, const ss_plugin_state_data *key);
	ss_plugin_table_entry_t *(*create_table_entry)(ss_plugin_table_t *t);
	void (*destroy_table_entry)(ss_plugin_table_t *t, ss_plugin_table_entry_t *e);
	ss_plugin_table_entry_t *(*add_table_entry)(ss_plugin_table_t *t,
						    const ss_plugin_state_data *key,
						    ss_plugin_table_entry_t *e);
	ss_plugin_rc (*write_entry_field)(ss_plugin_table_t *t, ss_plugin_table_entry_t *e,
					  const ss_plugin_table_field_t *f,
					  const ss_plugin_state_data *in);
} ss_plugin_table_writer_vtable, ss_plugin_table_writer_vtable_ext;

typedef struct ss_plugin_table_input {
	const char *name;
	ss_plugin_state_type key_type;
	ss_plugin_table_t *table;
	ss_plugin_table_reader_vtable reader;
	ss_plugin_table_writer_vtable writer;
	ss_plugin_table_fields_vtable fields;
	ss_plugin_table_reader_vtable_ext *reader_ext;
	ss_plugin_table_writer_vtable_ext *writer_ext;
	ss_plugin_table_fields_vtable_ext *fields_ext;
} ss_plugin_table_input;

/* ---- init and per-call inputs ---------------------------------------------- */

typedef struct ss_plugin_init_tables_input {
	ss_plugin_table_info *(*list_tables)(ss_plugin_owner_t *o, uint32_t *ntables);
	ss_plugin_table_t *(*get_table)(ss_plugin_owner_t *o, const char *name,
					ss_plugin_state_type key_type);
	ss_plugin_rc (*add_table)(ss_plugin_owner_t *o, const ss_plugin_table_input *in);
	ss_plugin_table_fields_vtable fields;
	ss_plugin_table_fields_vtable_ext *fields_ext;
	ss_plugin_table_reader_vtable_ext *reader_ext;
	ss_plugin_table_writer_vtable_ext *writer_ext;
} ss_plugin_init_tables_input;

typedef void (*ss_plugin_log_fn_t)(ss_plugin_owner_t *o, const char *component, const char *msg,
				   ss_plugin_log_severity sev);

typedef struct ss_plugin_init_input {
	const char *config; /* never NULL; "{}" rather than "" when a JSON schema exists */
	ss_plugin_owner_t *owner;
	const char *(*get_owner_last_error)(ss_plugin_owner_t *o);
	const ss_plugin_init_tables_input *tables; /* never NULL */
	ss_plugin_log_fn_t log_fn;
} ss_plugin_init_input;

typedef struct ss_plugin_field_extract_input {
	ss_plugin_owner_t *owner;
	const char *(*get_owner_last_error)(ss_plugin_owner_t *o);
	uint32_t num_fields;
	ss_plugin_extract_field *fields;
	ss_plugin_table_reader_vtable table_reader;
	ss_plugin_table_reader_vtable_ext *table_reader_ext;
	ss_plugin_extract_value_offsets *value_offsets; /* may be NULL */
} ss_plugin_field_extract_input;

typedef struct ss_plugin_event_parse_input {
	ss_plugin_owner_t *owner;
	const char *(*get_owner_last_error)(ss_plugin_owner_t *o);
	ss_plugin_table_reader_vtable table_reader;
	ss_plugin_table_writer_vtable table_writer;
	ss_plugin_table_reader_vtable_ext *table_reader_ext;
	ss_plugin_table_writer_vtable_ext *table_writer_ext;
} ss_plugin_event_parse_input;

typedef struct ss_plugin_set_config_input {
	const char *config;
} ss_plugin_set_config_input;

typedef ss_plugin_bool (*ss_plugin_routine_fn_t)(ss_plugin_t *s, ss_plugin_routine_state_t *i);
typedef struct ss_plugin_routine_vtable {
	ss_plugin_routine_t *(*subscribe)(ss_plugin_owner_t *o, ss_plugin_routine_fn_t f,
					  ss_plugin_routine_state_t *i);
	ss_plugin_rc (*unsubscribe)(ss_plugin_owner_t *o, ss_plugin_routine_t *r);
} ss_plugin_routine_vtable;

typedef struct ss_plugin_capture_listen_input {
	ss_plugin_owner_t *owner;
	ss_plugin_routine_vtable *routine;
	ss_plugin_table_reader_vtable_ext *table_reader_ext;
	ss_plugin_table_writer_vtable_ext *table_writer_ext;
	const char *(*get_owner_last_error)(ss_plugin_owner_t *o);
} ss_plugin_capture_listen_input;

typedef union ss_plugin_metric_value {
	uint32_t u32;
	int32_t s32;
	uint64_t u64;
	int64_t s64;
	double d;
	float f;
	int i;
} ss_plugin_metric_value;

typedef struct ss_plugin_metric {
	const char *name;
	ss_plugin_metric_type type;
	ss_plugin_metric_value value;
	ss_plugin_metric_value_type value_type;
} ss_plugin_metric;

typedef ss_plugin_rc (*ss_plugin_async_event_handler_t)(ss_plugin_owner_t *o,
							const ss_plugin_event *evt, char *err);

/* ---- the layouts are an ABI ---------------------------------------------------- */

#ifndef __cplusplus
_Static_assert(sizeof(ss_plugin_event) == 26, "packed event header");
_Static_assert(sizeof(ss_plugin_event_input) == 24, "event input");
_Static_assert(sizeof(ss_plugin_extract_field) == 64, "extract field");
_Static_assert(offsetof(ss_plugin_extract_field, arg_index) == 40, "arg_index");
_Static_assert(offsetof(ss_plugin_extract_field, flist) == 56, "flist");
_Static_assert(sizeof(ss_plugin_table_input) == 152, "table input");
_Static_assert(sizeof(ss_plugin_init_tables_input) == 72, "init tables input");
_Static_assert(sizeof(ss_plugin_init_input) == 40, "init input");
_Static_assert(sizeof(ss_plugin_field_extract_input) == 80, "extract input");
_Static_assert(sizeof(ss_plugin_event_parse_input) == 112, "parse input");
_Static_assert(sizeof(ss_plugin_capture_listen_input) == 40, "capture listen input");
_Static_assert(sizeof(ss_plugin_metric) == 32, "metric");
#endif

#ifdef __cplusplus
}
#endif

#endif
