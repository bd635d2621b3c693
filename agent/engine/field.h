/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fields: the registry of field classes (evt, proc, fd, ..., plugin classes)
 * and the interface through which the compiled filter extracts values from an
 * event. Each class is a static table plus one extract function; the state
 * engine and plugins plug their classes in here.
 */
#ifndef SAKER_ENGINE_FIELD_H
#define SAKER_ENGINE_FIELD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "saker/event.h"

/* Field flags. */
enum sk_field_flags {
	SK_FIELD_LIST = 1 << 0,         /* extracts zero or more values */
	SK_FIELD_ARG_REQUIRED = 1 << 1, /* name[arg] mandatory */
	SK_FIELD_ARG_ALLOWED = 1 << 2,  /* name[arg] optional */
	SK_FIELD_ARG_INDEX = 1 << 3,    /* the argument is a number */
	SK_FIELD_ARG_KEY = 1 << 4,      /* the argument is a string key / path / JSON pointer */
	SK_FIELD_NO_RHS = 1 << 5,       /* boolean field usable without operator */
	SK_FIELD_DEPRECATED = 1 << 6,
	SK_FIELD_HIDDEN = 1 << 7,       /* not shown by --list */
	SK_FIELD_PRINT_ONLY = 1 << 8,   /* may not be used in conditions */
	SK_FIELD_NAME_ARG = 1 << 9,     /* evt.arg.NAME / evt.rawarg.NAME: the suffix after the name is the arg */
};

struct sk_field {
	const char *name;   /* full name, "proc.aname" */
	uint8_t type;       /* enum sk_param_type: PT_CHARBUF, PT_INT64, PT_UINT64, PT_BOOL, PT_IPADDR, ... */
	uint16_t flags;     /* enum sk_field_flags */
	uint16_t id;        /* class-local id for the extractor's switch */
	const char *desc;
};

/* A value extracted from an event. Pointers are borrowed from the event or state. */
struct sk_value {
	uint8_t type; /* enum sk_param_type */
	uint32_t len; /* bytes of s/b (without NUL), or 4/16 for addresses */
	union {
		int64_t i;
		uint64_t u;
		double d;
		const char *s; /* not necessarily NUL-terminated: use len */
		const uint8_t *b;
	};
};

/* Most values one extraction may produce (list fields). */
#define SK_FIELD_MAX_VALUES 64u

/* Everything an extractor may look at for one event. */
struct sk_eval_ctx {
	const struct sk_evt *evt;   /* the event (syscall source), or NULL */
	uint64_t evtnum;            /* evt.num: 1-based number in the stream */
	const char *source;         /* "syscall", "k8s_audit", ... */
	const char *hostname;
	void *state;                /* the agent's state engine, opaque to the engine */
	void *plugin_ctx;           /* the plugin host for plugin sources */
	char *scratch;              /* per-thread buffer extractors may render into */
	size_t scratch_cap;
	size_t scratch_used;        /* reset per event by the engine */
};

struct sk_field_class;

/*
 * A resolved reference to one field with its argument, made at compile time.
 * `prepared` is whatever the class computed from the argument at compile time
 * (an event parameter index, a parsed JSON pointer...).
 */
struct sk_field_ref {
	const struct sk_field_class *cls;
	const struct sk_field *field;
	const char *arg;   /* NULL when none; owned by the ref's creator */
	int64_t arg_index; /* SK_FIELD_ARG_INDEX */
	intptr_t prepared;
};

struct sk_field_class {
	const char *name;      /* "process" */
	const char *source;    /* "syscall"; NULL = every source */
	const char *desc;
	const struct sk_field *fields;
	unsigned nfields;
	/*
	 * Validate/prepare ref->arg at compile time (may be NULL). Return 0, or
	 * -EINVAL with a message in err ("invalid argument 'x' for proc.aname").
	 */
	int (*prepare)(struct sk_field_ref *ref, char *err, size_t errlen);
	/*
	 * Extract the field for ctx into vals (capacity cap). Returns the number
	 * of values (0 = no value, which the filter treats as "does not exist"),
	 * never more than cap.
	 */
	int (*extract)(const struct sk_field_ref *ref, struct sk_eval_ctx *ctx, struct sk_value *vals,
		       unsigned cap);
};

struct sk_field_registry;

int sk_field_registry_new(struct sk_field_registry **out);
void sk_field_registry_free(struct sk_field_registry *r);

/* Add a class (borrowed: must outlive the registry). -EEXIST if a field name clashes. */
int sk_field_registry_add(struct sk_field_registry *r, const struct sk_field_class *cls);

/* Register every built-in class (evt, proc, thread, fd, fdlist, fs.path, user, group, container, k8s, syscall). */
int sk_field_registry_add_builtin(struct sk_field_registry *r);

/*
 * Resolve `name` (without argument) for source; fills ref->cls/field.
 * Handles evt.arg.NAME-style fields (SK_FIELD_NAME_ARG): "evt.arg.flags"
 * resolves to evt.arg with arg "flags". Returns 0 or -ENOENT.
 */
int sk_field_registry_find(const struct sk_field_registry *r, const char *source, const char *name,
			   size_t len, struct sk_field_ref *ref);

/*
 * Longest field name that is a prefix of text (for output formats: "%proc.namefoo").
 * Returns its length, or 0 when none.
 */
size_t sk_field_registry_match_prefix(const struct sk_field_registry *r, const char *source,
				      const char *text, size_t len);

/* Iterate classes (for --list). Returns NULL past the end. */
const struct sk_field_class *sk_field_registry_class_at(const struct sk_field_registry *r,
							unsigned i);

/* Render a value as text the way sysdig/Falco outputs print it. Returns needed length. */
size_t sk_value_render(const struct sk_value *v, char *out, size_t cap);

#endif
