/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The rules loader: reads Falco rules YAML (libyaml, positions kept) into
 * lists, macros and rules in load order, applying append/override and the
 * enabled-only toggle across files. Conditions stay text here (with a
 * source map back into the files); the compiler parses and compiles them.
 */
#ifndef SAKER_ENGINE_RULES_H
#define SAKER_ENGINE_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ast.h"
#include "diag.h"

/* Caps on rules files. */
#define SK_RULES_FILE_MAX (16u << 20) /* bytes in one rules file */
#define SK_RULES_YAML_DEPTH 64u	      /* YAML nesting */
#define SK_RULES_MAX_ITEMS 100000u
#define SK_RULES_MAX_EXCEPTIONS 4096u /* exceptions of one rule (names are compared pairwise) */

/* Text assembled from one or more YAML scalars (append concatenates). */
struct sk_src_frag {
	size_t offset;	   /* where this fragment starts in text */
	struct sk_pos pos; /* where it came from */
};

struct sk_src_text {
	char *text; /* NUL-terminated */
	size_t len;
	struct sk_src_frag *frags;
	unsigned nfrags;
};

/*
 * File position of byte offset off of src: the last fragment starting at or
 * before off, plus the lines and columns (UTF-8 characters) of the bytes
 * between. A text without fragments counts from line 1, column 1.
 */
struct sk_pos sk_src_text_pos(const struct sk_src_text *src, size_t off);

/* An empty text (text may stay NULL until something is appended). */
void sk_src_text_init(struct sk_src_text *t);
/* Frees text and fragments; t is empty afterwards. */
void sk_src_text_fini(struct sk_src_text *t);
/* Append s[0..len) as one fragment read from pos. 0 or -ENOMEM (t unchanged). */
int sk_src_text_append(struct sk_src_text *t, const char *s, size_t len, struct sk_pos pos);
/* Append all of from, keeping its fragments. 0 or -ENOMEM. */
int sk_src_text_append_src(struct sk_src_text *t, const struct sk_src_text *from);
/* Replace t by a copy of from. 0 or -ENOMEM (t unchanged). */
int sk_src_text_copy(struct sk_src_text *t, const struct sk_src_text *from);

enum sk_priority {
	SK_PRIO_EMERGENCY = 0,
	SK_PRIO_ALERT,
	SK_PRIO_CRITICAL,
	SK_PRIO_ERROR,
	SK_PRIO_WARNING,
	SK_PRIO_NOTICE,
	SK_PRIO_INFORMATIONAL,
	SK_PRIO_DEBUG,
	SK_PRIO_COUNT
};

/* Parse "warning", "INFO", "Informational"... case-insensitively; -EINVAL when unknown. */
int sk_priority_parse(const char *s, enum sk_priority *out);
/* "Warning", "Informational"... as Falco prints them in alerts. */
const char *sk_priority_name(enum sk_priority p);

struct sk_rules_list {
	char *name;
	struct sk_pos pos;
	char **items; /* strings as written (may name other lists) */
	struct sk_pos *item_pos;
	unsigned nitems;
	bool used;
};

struct sk_rules_macro {
	char *name;
	struct sk_pos pos;
	struct sk_src_text cond;
	bool used;
};

struct sk_rules_exception {
	char *name;
	struct sk_pos pos;
	bool tuple; /* fields given as a list */
	char **fields;
	unsigned nfields;
	char **comps; /* nfields entries; defaults filled in ("=" tuple, "in" scalar) */
	/* values: nvalues rows of nfields cells; a cell may be a list (nitems > 1 or is_list) */
	struct sk_rules_exc_cell {
		char **items;
		unsigned nitems;
		bool is_list;
		struct sk_pos pos;
	} * cells;
	unsigned nvalues;
};

struct sk_rules_rule {
	char *name;
	struct sk_pos pos;
	char *desc;
	struct sk_src_text cond;
	struct sk_src_text output;
	enum sk_priority priority;
	char *source; /* "syscall" by default */
	char **tags;
	unsigned ntags;
	bool enabled;
	bool warn_evttypes;
	bool skip_if_unknown_filter;
	struct sk_rules_exception *exceptions;
	unsigned nexceptions;
	unsigned order; /* load order of the rule's first definition */
};

struct sk_rules_plugin_req {
	char *name;
	char *version;
	struct sk_rules_plugin_req *alternatives;
	unsigned nalternatives;
	struct sk_pos pos;
};

/* Name -> position + 1 hash index kept by the loader (open addressing). */
struct sk_rules_index {
	unsigned *slots;
	unsigned cap, n;
};

struct sk_rules {
	struct sk_rules_list *lists;
	unsigned nlists, caplists;
	struct sk_rules_macro *macros;
	unsigned nmacros, capmacros;
	struct sk_rules_rule *rules;
	unsigned nrules, caprules;
	char *required_engine_version; /* highest seen, as written */
	struct sk_pos required_engine_version_pos;
	struct sk_rules_plugin_req *plugin_reqs;
	unsigned nplugin_reqs;
	char **files; /* names of loaded files; positions borrow these */
	unsigned nfiles;
	/* private to the loader: lookups by name; a stale index falls back to a scan */
	struct sk_rules_index list_index, macro_index, rule_index;
};

void sk_rules_init(struct sk_rules *r);
void sk_rules_fini(struct sk_rules *r);

/*
 * Load one rules file (or every *.yaml / *.yml file of a directory, in name
 * order) and merge it into r. Errors and warnings go to diags; returns 0, or
 * -EINVAL when the file had errors (r keeps what loaded before the error).
 */
int sk_rules_load_path(struct sk_rules *r, const char *path, struct sk_diags *diags);

/* Same from memory; name is used in diagnostics. */
int sk_rules_load_buf(struct sk_rules *r, const char *name, const char *buf, size_t len,
		      struct sk_diags *diags);

/*
 * The condition Falco compiles for rule: its condition followed by one
 * " and not <exception>" per exception that has values, the condition
 * wrapped in parentheses when the rule has exceptions at all:
 *   (<cond>) and not ((f1 c1 v1 and f2 c2 v2) or (...)) and not (f in (a, b))
 * Values with blanks or delimiters are quoted unless already quoted; a
 * single value under a list operator (in, intersects, pmatch) is put in
 * parentheses so it may name a list. Fragments of out map the condition
 * into its file and each exception part to its exception or value cell.
 * out must be initialised; it is replaced. 0, -EINVAL (malformed exception,
 * message in err) or -ENOMEM.
 */
int sk_rules_exception_cond(const struct sk_rules_rule *rule, struct sk_src_text *out, char *err,
			    size_t errlen);

/* Lookups by name; NULL when absent. */
struct sk_rules_list *sk_rules_find_list(struct sk_rules *r, const char *name);
struct sk_rules_macro *sk_rules_find_macro(struct sk_rules *r, const char *name);
struct sk_rules_rule *sk_rules_find_rule(struct sk_rules *r, const char *name);

/* Versions of rules files and plugins: "N" is 0.N.0, "x.y.z" as is. -EINVAL when malformed. */
int sk_version_parse(const char *s, unsigned long v[3]);
/* <0, 0, >0 as a is older than, equal to, newer than b. */
int sk_version_cmp(const unsigned long a[3], const unsigned long b[3]);

/* The rules-language version this engine implements (required_engine_version). */
#define SK_ENGINE_VERSION "0.57.0"

/* A plugin that is loaded (or built in), for required_plugin_versions. */
struct sk_plugin_version {
	const char *name;
	const char *version; /* "x.y.z"; NULL = built in, satisfies any version */
};

/*
 * Check required_engine_version against SK_ENGINE_VERSION and every
 * required_plugin_versions entry (or one of its alternatives) against loaded:
 * same major version and at least the required one, as Falco checks them.
 * Errors go to diags at the requirement's position; returns 0 or -EINVAL.
 */
int sk_rules_check_requirements(const struct sk_rules *r, const struct sk_plugin_version *loaded,
				unsigned nloaded, struct sk_diags *diags);

#endif
