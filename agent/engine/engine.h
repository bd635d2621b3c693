/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The rules engine's public API: compile loaded rules (rules.h) into an
 * immutable, refcounted ruleset; evaluate events against it; format alerts.
 *
 *   sk_ruleset_compile(rules, registry, opts, diags, &rs)
 *   src = sk_ruleset_source(rs, "syscall")          once per source
 *   n = sk_ruleset_eval(rs, src, ctx, matches, cap)  per event
 *   sk_alert_format(matches[i], ctx, ts, &out_opts, buf, cap)
 *
 * A ruleset never changes after compilation, so any number of threads may
 * evaluate it at once. Reload = compile a new one and swap it into a
 * struct sk_ruleset_slot; readers take a reference per batch of events.
 */
#ifndef SAKER_ENGINE_ENGINE_H
#define SAKER_ENGINE_ENGINE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "field.h"
#include "rules.h"

/* Caps. */
#define SK_ENGINE_MAX_SOURCES 16u     /* event sources in one ruleset */
#define SK_FORMAT_MAX_TOKENS 512u     /* placeholders + text runs in one output format */
#define SK_FORMAT_MAX_LEN (64u << 10) /* bytes of one output format after expansion */
#define SK_ENGINE_WARN_EVTTYPES 100u  /* LOAD_NO_EVTTYPE above this many codes */

/* ---- output formats (format.c) ----------------------------------------- */

struct sk_format;

/*
 * Compile an output format: text with %field, %field[arg], %(field),
 * %Nfield (pad/cut the value to N characters), the longest field name that
 * matches after '%', and a leading '*' (print <NA> for missing values
 * instead of failing). %container.info is replaced by container_info
 * (NULL: Falco 0.31's default "%container.name (id=%container.id)").
 * Returns 0 or -EINVAL with "col N: message" in err. Caller frees *out.
 */
int sk_format_compile(const struct sk_field_registry *reg, const char *source, const char *text,
		      const char *container_info, struct sk_format **out, char *err, size_t errlen);
void sk_format_free(struct sk_format *f);

/*
 * Render f for one event into out (NUL-terminated when cap > 0); *len gets
 * the length the whole text needs. Returns false when a field had no value
 * and the format does not start with '*' (out then holds <NA> for it).
 */
bool sk_format_render(const struct sk_format *f, struct sk_eval_ctx *ctx, char *out, size_t cap,
		      size_t *len);

/*
 * append_output's extra_fields for one rule: entries put into JSON
 * output_fields beside the output's own fields. An entry is a field
 * ("evt.hostname": its typed value under its name) or a name with a format
 * ("home: %user.homedir": the rendered text under the name).
 */
#define SK_FORMAT_MAX_EXTRA_FIELDS 64u /* extra_fields of one rule */
struct sk_format_extra;
/*
 * Add one entry to *x (created on first use; caller frees with
 * sk_format_extra_free). fmt NULL: name is a field. Returns 0, -E2BIG past
 * the cap, or -EINVAL with "col N: message" in err.
 */
int sk_format_extra_add(struct sk_format_extra **x, const struct sk_field_registry *reg,
			const char *source, const char *name, const char *fmt, char *err,
			size_t errlen);
void sk_format_extra_free(struct sk_format_extra *x);

/* ---- rulesets (ruleset.c) ---------------------------------------------- */

struct sk_filter;

/* One compiled rule. Strings are owned by the ruleset. */
struct sk_rule {
	const char *name;
	const char *desc;
	const char *source;
	enum sk_priority priority;
	const char *const *tags; /* sorted, unique (Falco keeps a set) */
	unsigned ntags;
	unsigned order; /* load order */
	struct sk_filter *filter;
	struct sk_format *output;
	const char *output_text;
	struct sk_format_extra *extra_fields; /* append_output's, for JSON; NULL = none */
	uint64_t ncodes;  /* event codes the rule is indexed under */
	bool enter_only;  /* its evt.dir checks leave enter events only (evt.dir = >) */
	uint64_t matches; /* updated atomically by sk_ruleset_eval */
};

/*
 * Falco's append_output entry: for the rules matching every match key set
 * (source, rule name, all of tags; none set = every rule), extra_output is
 * appended to the output text and extra_fields join JSON output_fields.
 */
struct sk_extra_field {
	const char *name;
	const char *format; /* NULL: name is a field, rendered typed */
};
struct sk_append_output {
	const char *source, *rule; /* NULL = any */
	const char *const *tags;
	unsigned ntags;
	const char *extra_output; /* NULL = none */
	const struct sk_extra_field *fields;
	unsigned nfields;
};

struct sk_rule_selector {
	bool enable;
	const char *rule; /* glob over the rule name, or NULL */
	const char *tag;  /* tag, or NULL */
};

struct sk_ruleset_opts {
	enum sk_priority min_priority; /* load rules at least this severe (SK_PRIO_DEBUG = all) */
	bool match_all;		       /* rule_matching: all (default first) */
	/* -D: disable rules whose name contains one of these substrings */
	const char *const *disable_substr;
	unsigned ndisable_substr;
	/* disable rules whose name matches one of these PCRE2 patterns (unanchored) */
	const char *const *disable_regex;
	unsigned ndisable_regex;
	/* -T: disable rules with one of these tags */
	const char *const *tags_exclude;
	unsigned ntags_exclude;
	/* -t: enable only rules with one of these tags (also re-enables enabled: false, as 0.31) */
	const char *const *tags_include;
	unsigned ntags_include;
	/*
	 * Falco's `rules:` config (0.39+): applied in order after the above,
	 * each enables or disables the rules whose name matches rule (a glob,
	 * '*' any run) or that carry tag; takes precedence over enabled: false.
	 */
	const struct sk_rule_selector *selectors;
	unsigned nselectors;
	/* sources whose rules are loaded; NULL = "syscall" plus every source of the registry */
	const char *const *sources;
	unsigned nsources;
	/* %container.info replacement (NULL = 0.31 default) and text appended to syscall outputs
	 * (-p) */
	const char *container_info;
	const char *extra_output;
	/* append_output entries, applied in order */
	const struct sk_append_output *appends;
	unsigned nappends;
	/*
	 * Plugins loaded, for required_plugin_versions. The defaults name what
	 * Saker has built in (the container fields, so "container" is met).
	 */
	const struct sk_plugin_version *plugins;
	unsigned nplugins;
};

/* Defaults: every priority, first match, nothing disabled, every source. */
void sk_ruleset_opts_init(struct sk_ruleset_opts *o);

struct sk_ruleset;

/*
 * Compile every rule of rules with reg into *out (refcount 1). Diagnostics
 * (errors and warnings LOAD_NO_EVTTYPE, LOAD_UNSAFE_NA_CHECK,
 * LOAD_UNKNOWN_SOURCE, LOAD_UNUSED_MACRO/LIST...) go to diags. Rules below
 * the minimum priority or disabled are compiled (so errors are found) but
 * not indexed. Returns 0, -EINVAL when any rule had an error (no ruleset is
 * made), -ENOMEM. rules is only read (macros/lists get their `used` mark);
 * the ruleset keeps no pointer into it except file names in positions.
 */
int sk_ruleset_compile(struct sk_rules *rules, const struct sk_field_registry *reg,
		       const struct sk_ruleset_opts *opts, struct sk_diags *diags,
		       struct sk_ruleset **out);

struct sk_ruleset *sk_ruleset_ref(struct sk_ruleset *rs);
void sk_ruleset_unref(struct sk_ruleset *rs);

/* Index of an enabled source ("syscall"), or -ENOENT. Resolve once, not per event. */
int sk_ruleset_source(const struct sk_ruleset *rs, const char *source);

/*
 * Evaluate one event of source src: rules indexed under the event's code
 * (ctx->evt->hdr->type for syscall events; every rule of the source for
 * plugin sources) in load order; the first match, or every match with
 * match_all. Borrowed rule pointers go to matches[0..cap); returns how many
 * matched. No allocation. Thread-safe.
 */
unsigned sk_ruleset_eval(const struct sk_ruleset *rs, int src, struct sk_eval_ctx *ctx,
			 const struct sk_rule **matches, unsigned cap);

struct sk_ruleset_stats {
	uint64_t events;	  /* events evaluated */
	uint64_t events_no_rules; /* events whose code had no rule (one indexed load) */
	uint64_t matches;
};
void sk_ruleset_stats(const struct sk_ruleset *rs, int src, struct sk_ruleset_stats *out);

/* Enabled rules in load order (for -L, metrics). */
unsigned sk_ruleset_nrules(const struct sk_ruleset *rs);
const struct sk_rule *sk_ruleset_rule_at(const struct sk_ruleset *rs, unsigned i);
/* Whether any enabled syscall rule is indexed under event code (kernel interest set). */
bool sk_ruleset_code_used(const struct sk_ruleset *rs, uint16_t code);
/*
 * Whether some enabled syscall rule indexed under (enter) code can be true
 * only for enter events (evt.dir = >): an exit-only probe must give such
 * rules an enter event rebuilt from the exit. Rules that can match either
 * direction are served by the exit alone (and skip rebuilt enters: see
 * sk_eval_ctx.rebuilt_enter).
 */
bool sk_ruleset_needs_enter(const struct sk_ruleset *rs, uint16_t code);
/*
 * Call fn with every name the enabled syscall rules ask evt.type to equal
 * (sk_filter_type_names): the kernel filter takes the syscalls among them
 * that have no event of their own, as Falco's adaptive syscall set does.
 */
void sk_ruleset_type_names(const struct sk_ruleset *rs, sk_filter_name_fn fn, void *ctx);

/* A place that holds the current ruleset, swapped atomically on reload. */
struct sk_ruleset_slot {
	pthread_mutex_t lock;
	struct sk_ruleset *rs;
};
void sk_ruleset_slot_init(struct sk_ruleset_slot *s);
void sk_ruleset_slot_fini(struct sk_ruleset_slot *s);
/* A new reference to the current ruleset (NULL if none); caller unrefs. */
struct sk_ruleset *sk_ruleset_slot_get(struct sk_ruleset_slot *s);
/* Install rs (the slot takes the caller's reference) and drop the old one. */
void sk_ruleset_slot_swap(struct sk_ruleset_slot *s, struct sk_ruleset *rs);

/* ---- alerts (format.c) ------------------------------------------------- */

struct sk_output_opts {
	bool json;			 /* json_output */
	bool time_iso8601;		 /* time_format_iso_8601 */
	bool json_include_output;	 /* json_include_output_property (default true) */
	bool json_include_output_fields; /* json_include_output_fields_property (default true) */
	bool json_include_tags;		 /* json_include_tags_property (default true) */
	bool json_include_message;	 /* json_include_message_property (default false) */
	const char *hostname;		 /* "hostname" of JSON alerts */
};

void sk_output_opts_init(struct sk_output_opts *o);

/*
 * Format the alert of rule r for the event in ctx at time ts (ns since the
 * epoch). Text: "HH:MM:SS.nnnnnnnnn: Priority output" (local time), or
 * "YYYY-MM-DDTHH:MM:SS.nnnnnnnnn+0000: ..." with time_iso8601. JSON: Falco's
 * object with keys in alphabetical order (hostname, message, output,
 * output_fields, priority, rule, source, tags, time). Writes at most cap
 * bytes (NUL-terminated) and returns the length the whole alert needs.
 */
size_t sk_alert_format(const struct sk_rule *r, struct sk_eval_ctx *ctx, uint64_t ts,
		       const struct sk_output_opts *o, char *out, size_t cap);

#endif
