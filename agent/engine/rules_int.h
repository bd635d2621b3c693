/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Private to the rules loader (rules_load.c, rules_merge.c,
 * rules_exceptions.c): the per-file load context and the helpers that read
 * typed values out of YAML nodes, reporting errors at the exact node.
 */
#ifndef SAKER_ENGINE_RULES_INT_H
#define SAKER_ENGINE_RULES_INT_H

#include "rules.h"
#include "yaml_doc.h"

struct sk_rload {
	struct sk_rules *r;
	struct sk_diags *d;
	const char *file; /* owned by r->files */
	char item[160];	  /* "rule 'foo'" for diagnostics, "" before the name is known */
	unsigned order;	  /* next rule order */
};

/* Add an error / warning about the current item; rl_error returns -EINVAL. */
int rl_error(struct sk_rload *c, enum sk_diag_code code, struct sk_pos pos, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void rl_warn(struct sk_rload *c, enum sk_diag_code code, struct sk_pos pos, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
int rl_oom(struct sk_rload *c, struct sk_pos pos);

/*
 * The scalar under key of map. Absent: -ENOENT, or an error when required.
 * Present but not a scalar: an error at the value. 0 with *out set.
 */
int rl_scalar(struct sk_rload *c, const struct sk_ynode *map, const char *key, bool required,
	      const struct sk_ynode **out);
/* Same, copied into *out (caller frees); a null scalar gives "". */
int rl_string(struct sk_rload *c, const struct sk_ynode *map, const char *key, bool required,
	      char **out);
/* A boolean under key; -ENOENT when absent. */
int rl_bool(struct sk_rload *c, const struct sk_ynode *map, const char *key, bool *out);
/* A sequence of scalars (the node itself); copies into *v (caller frees with rl_strv_free). */
int rl_strings(struct sk_rload *c, const struct sk_ynode *n, const char *what, char ***v,
	       struct sk_pos **pos, unsigned *count);
void rl_strv_free(char **v, unsigned n);
/* Append a scalar's value to t (blanks at both ends trimmed), one fragment per source run. */
int rl_src_add_scalar(struct sk_src_text *t, const struct sk_ynode *n);
/* Warn about keys of map not in known (NULL-terminated). */
void rl_check_keys(struct sk_rload *c, const struct sk_ynode *map, const char *const *known);

/*
 * Record that arr[count - 1] (structs of size stride whose first member is
 * the char *name) was just appended. 0 or -ENOMEM (lookups then scan).
 */
int rl_index_add(struct sk_rules_index *ix, const void *arr, size_t stride, unsigned count);

/* rules_merge.c: one list / macro / rule item. */
int rl_list_item(struct sk_rload *c, const struct sk_ynode *map);
int rl_macro_item(struct sk_rload *c, const struct sk_ynode *map);
int rl_rule_item(struct sk_rload *c, const struct sk_ynode *map);
void rl_rule_free(struct sk_rules_rule *rule);
void rl_list_free(struct sk_rules_list *l);
void rl_macro_free(struct sk_rules_macro *m);

/* rules_exceptions.c */
int rl_exceptions_read(struct sk_rload *c, const struct sk_ynode *seq, bool append,
		       struct sk_rules_exception **v, unsigned *n);
/* Merge add[0..nadd) into rule (append semantics); takes ownership of add. */
int rl_exceptions_merge(struct sk_rload *c, struct sk_rules_rule *rule,
			struct sk_rules_exception *add, unsigned nadd);
void rl_exceptions_free(struct sk_rules_exception *v, unsigned n);

#endif
