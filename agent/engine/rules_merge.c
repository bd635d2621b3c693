/* SPDX-License-Identifier: Apache-2.0 */
/*
 * List, macro and rule items: reading their keys and merging them into the
 * rule set. A definition replaces an earlier one of the same name in place;
 * `append: true` (legacy) and `override: {key: append|replace}` change an
 * existing item and are validated the way Falco validates them; a rule item
 * with only `enabled` toggles an existing rule.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rules_int.h"

/* What an update (append / override) may do to each key. */
struct keyspec {
	const char *key;
	bool appendable, replaceable;
};

enum upd_mode { UPD_NONE, UPD_APPEND, UPD_REPLACE };

#define MAX_SPEC 12
struct update {
	bool active;
	enum upd_mode mode[MAX_SPEC];
};

static const char *const list_keys[] = {"list", "items", "append", "override", NULL};
static const char *const macro_keys[] = {"macro", "condition", "append", "override", NULL};
static const char *const rule_keys[] = {
    "rule",
    "desc",
    "condition",
    "output",
    "priority",
    "source",
    "enabled",
    "tags",
    "exceptions",
    "warn_evttypes",
    "skip-if-unknown-filter",
    "append",
    "override",
    "capture",
    "capture_duration",
    NULL,
};

static const struct keyspec list_spec[] = {{"items", true, true}};
static const struct keyspec macro_spec[] = {{"condition", true, true}};
enum {
	R_CONDITION,
	R_OUTPUT,
	R_DESC,
	R_TAGS,
	R_EXCEPTIONS,
	R_PRIORITY,
	R_ENABLED,
	R_WARN_EVTTYPES,
	R_SKIP_UNKNOWN,
	R_CAPTURE,
	R_CAPTURE_DURATION,
	R_NSPEC
};
static const struct keyspec rule_spec[R_NSPEC] = {
    [R_CONDITION] = {"condition", true, true},
    [R_OUTPUT] = {"output", true, true},
    [R_DESC] = {"desc", true, true},
    [R_TAGS] = {"tags", true, true},
    [R_EXCEPTIONS] = {"exceptions", true, true},
    [R_PRIORITY] = {"priority", false, true},
    [R_ENABLED] = {"enabled", false, true},
    [R_WARN_EVTTYPES] = {"warn_evttypes", false, true},
    [R_SKIP_UNKNOWN] = {"skip-if-unknown-filter", false, true},
    [R_CAPTURE] = {"capture", false, true},
    [R_CAPTURE_DURATION] = {"capture_duration", false, true},
};

static int spec_find(const struct keyspec *spec, unsigned n, const char *key)
{
	for (unsigned i = 0; i < n; i++)
		if (!strcmp(spec[i].key, key))
			return (int)i;
	return -1;
}

/* `append: true`: every updatable key present is appended; at least one is needed. */
static int read_legacy_append(struct sk_rload *c, const struct sk_ynode *map,
			      const struct keyspec *spec, unsigned nspec, struct update *u)
{
	bool any = false;
	const struct sk_ynode *app = sk_ynode_get(map, "append");
	rl_warn(c, SK_LOAD_DEPRECATED_ITEM, app->pos,
		"'append' is deprecated, use 'override' with 'append' instead");
	for (uint32_t i = 0; i < map->n; i++) {
		const struct sk_ynode *k = map->keys[i];
		int s = k->kind == SK_YNODE_SCALAR ? spec_find(spec, nspec, k->str) : -1;
		if (s < 0)
			continue;
		if (!spec[s].appendable)
			return rl_error(c, SK_LOAD_ERR_VALIDATE, k->pos,
					"'%s' cannot be appended to, use 'override' with 'replace'",
					spec[s].key);
		u->mode[s] = UPD_APPEND;
		any = true;
	}
	if (!any) {
		char keys[128] = "";
		for (unsigned s = 0; s < nspec; s++)
			if (spec[s].appendable)
				snprintf(keys + strlen(keys), sizeof(keys) - strlen(keys), "%s'%s'",
					 keys[0] ? ", " : "", spec[s].key);
		return rl_error(c, SK_LOAD_ERR_VALIDATE, map->pos,
				"'append: true' needs at least one of %s", keys);
	}
	return 0;
}

/* `override:` map: key -> append | replace, checked against spec and the item's keys. */
static int read_override(struct sk_rload *c, const struct sk_ynode *map, const struct sk_ynode *ovr,
			 const char *namekey, const struct keyspec *spec, unsigned nspec,
			 struct update *u)
{
	if (ovr->kind != SK_YNODE_MAP)
		return rl_error(c, SK_LOAD_ERR_YAML_VALIDATE, ovr->pos,
				"'override' must be a map of key: append|replace, not a %s",
				sk_ynode_kind_name(ovr));
	for (uint32_t i = 0; i < ovr->n; i++) {
		const struct sk_ynode *k = ovr->keys[i], *v = ovr->items[i];
		const char *kn = k->kind == SK_YNODE_SCALAR ? k->str : "?";
		int s = spec_find(spec, nspec, kn);
		if (s < 0)
			return rl_error(c, SK_LOAD_ERR_VALIDATE, k->pos,
					"'%.64s' cannot be overridden", kn);
		if (v->kind != SK_YNODE_SCALAR ||
		    (strcmp(v->str, "append") && strcmp(v->str, "replace")))
			return rl_error(c, SK_LOAD_ERR_VALIDATE, v->pos,
					"override of '%s' must be 'append' or 'replace'",
					spec[s].key);
		bool app = !strcmp(v->str, "append");
		if (app && !spec[s].appendable)
			return rl_error(c, SK_LOAD_ERR_VALIDATE, v->pos,
					"'%s' cannot be appended to, use 'replace' instead",
					spec[s].key);
		if (!app && !spec[s].replaceable)
			return rl_error(c, SK_LOAD_ERR_VALIDATE, v->pos, "'%s' cannot be replaced",
					spec[s].key);
		if (!sk_ynode_get(map, spec[s].key))
			return rl_error(c, SK_LOAD_ERR_VALIDATE, k->pos,
					"override for '%s' but the item has no '%s' key",
					spec[s].key, spec[s].key);
		u->mode[s] = app ? UPD_APPEND : UPD_REPLACE;
	}
	for (uint32_t i = 0; i < map->n; i++) {
		const struct sk_ynode *k = map->keys[i];
		int s = k->kind == SK_YNODE_SCALAR ? spec_find(spec, nspec, k->str) : -1;
		if (s >= 0 && u->mode[s] == UPD_NONE)
			return rl_error(c, SK_LOAD_ERR_VALIDATE, k->pos,
					"'%s' has no entry under 'override' (append or replace)",
					spec[s].key);
	}
	(void)namekey;
	return 0;
}

/* Whether this item updates an existing one, and how each key is updated. */
static int read_update(struct sk_rload *c, const struct sk_ynode *map, const char *namekey,
		       const struct keyspec *spec, unsigned nspec, struct update *u)
{
	bool append = false;
	memset(u, 0, sizeof(*u));
	int rc = rl_bool(c, map, "append", &append);
	if (rc && rc != -ENOENT)
		return rc;
	const struct sk_ynode *ovr = sk_ynode_get(map, "override");
	if (!append && !ovr)
		return 0;
	u->active = true;
	if (append && ovr)
		return rl_error(c, SK_LOAD_ERR_VALIDATE, ovr->pos,
				"'override' and 'append: true' cannot be used together");
	if (append)
		return read_legacy_append(c, map, spec, nspec, u);
	return read_override(c, map, ovr, namekey, spec, nspec, u);
}

/* The item's name under namekey: a non-empty scalar. Sets c->item. */
static int read_name(struct sk_rload *c, const struct sk_ynode *map, const char *namekey,
		     char **name)
{
	int rc = rl_string(c, map, namekey, true, name);
	if (rc)
		return rc;
	if (!**name) {
		free(*name);
		*name = NULL;
		return rl_error(c, SK_LOAD_ERR_YAML_VALIDATE, sk_ynode_get(map, namekey)->pos,
				"%s name must not be empty", namekey);
	}
	snprintf(c->item, sizeof(c->item), "%s '%.140s'", namekey, *name);
	return 0;
}

static int no_base(struct sk_rload *c, const struct sk_ynode *map, const char *kind,
		   const char *name)
{
	bool ovr = sk_ynode_get(map, "override") != NULL;
	return rl_error(c, SK_LOAD_ERR_VALIDATE, map->pos,
			"%s has '%s' but no %s named '%.140s' is defined before it", kind,
			ovr ? "override" : "append", kind, name);
}

/* Grow an item array by one; NULL when out of memory. */
static void *grow(void **v, unsigned *n, unsigned *cap, size_t size)
{
	if (*n == *cap) {
		unsigned ncap = *cap ? *cap * 2 : 64;
		void *nv = realloc(*v, ncap * size);
		if (!nv)
			return NULL;
		*v = nv;
		*cap = ncap;
	}
	void *slot = (char *)*v + (*n)++ * size;
	memset(slot, 0, size);
	return slot;
}

/* ---- lists ---- */

void rl_list_free(struct sk_rules_list *l)
{
	free(l->name);
	rl_strv_free(l->items, l->nitems);
	free(l->item_pos);
	memset(l, 0, sizeof(*l));
}

static bool valid_list_name(const char *s)
{
	for (; *s; s++)
		if (strchr(" \t\n\r(),=\"'", *s))
			return false;
	return true;
}

static bool valid_macro_name(const char *s)
{
	if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')))
		return false;
	for (s++; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_'))
			return false;
	return true;
}

static int list_append_items(struct sk_rules_list *l, char **items, struct sk_pos *pos, unsigned n)
{
	char **v = realloc(l->items, (l->nitems + n + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	l->items = v;
	struct sk_pos *p = realloc(l->item_pos, (l->nitems + n + 1) * sizeof(*p));
	if (!p)
		return -ENOMEM;
	l->item_pos = p;
	memcpy(l->items + l->nitems, items, n * sizeof(*items));
	memcpy(l->item_pos + l->nitems, pos, n * sizeof(*pos));
	l->nitems += n;
	return 0;
}

int rl_list_item(struct sk_rload *c, const struct sk_ynode *map)
{
	struct sk_rules *r = c->r;
	struct update u;
	char *name = NULL, **items = NULL;
	struct sk_pos *pos = NULL;
	unsigned n = 0;
	int rc = read_name(c, map, "list", &name);
	if (rc)
		return rc;
	rl_check_keys(c, map, list_keys);
	if (!valid_list_name(name))
		rl_warn(c, SK_LOAD_INVALID_LIST_NAME, map->pos,
			"list name contains blanks, parentheses, commas, '=' or quotes");
	rc = read_update(c, map, "list", list_spec, 1, &u);
	const struct sk_ynode *in = sk_ynode_get(map, "items");
	if (!rc && !in)
		rc = rl_error(c, SK_LOAD_ERR_YAML_VALIDATE, map->pos,
			      "missing required key 'items'");
	if (!rc)
		rc = rl_strings(c, in, "items", &items, &pos, &n);
	if (rc)
		goto out;
	struct sk_rules_list *l = sk_rules_find_list(r, name);
	if (u.active) {
		if (!l) {
			rc = no_base(c, map, "list", name);
			goto out;
		}
		if (u.mode[0] == UPD_REPLACE) {
			rl_strv_free(l->items, l->nitems);
			free(l->item_pos);
			l->items = NULL;
			l->item_pos = NULL;
			l->nitems = 0;
		}
	} else if (l) {
		rl_strv_free(l->items, l->nitems);
		free(l->item_pos);
		l->items = NULL;
		l->item_pos = NULL;
		l->nitems = 0;
		l->pos = map->pos;
	} else {
		l = grow((void **)&r->lists, &r->nlists, &r->caplists, sizeof(*l));
		if (!l) {
			rc = rl_oom(c, map->pos);
			goto out;
		}
		l->name = name;
		l->pos = map->pos;
		name = NULL;
		rl_index_add(&r->list_index, r->lists, sizeof(*r->lists), r->nlists);
	}
	if (list_append_items(l, items, pos, n)) {
		rc = rl_oom(c, map->pos);
		goto out;
	}
	free(items);
	items = NULL;
	n = 0;
out:
	free(name);
	rl_strv_free(items, n);
	free(pos);
	return rc;
}

/* ---- macros ---- */

void rl_macro_free(struct sk_rules_macro *m)
{
	free(m->name);
	sk_src_text_fini(&m->cond);
	memset(m, 0, sizeof(*m));
}

/* A non-empty condition/output scalar under key into t. */
static int read_src(struct sk_rload *c, const struct sk_ynode *map, const char *key, bool required,
		    struct sk_src_text *t)
{
	const struct sk_ynode *v;
	int rc = rl_scalar(c, map, key, required, &v);
	if (rc)
		return rc;
	if (rl_src_add_scalar(t, v))
		return rl_oom(c, v->pos);
	if (t->len == 0)
		return rl_error(c, SK_LOAD_ERR_YAML_VALIDATE, v->pos, "'%s' must not be empty",
				key);
	return 0;
}

/* dst = dst + " " + add (append) or add (replace); add is consumed. */
static int src_update(struct sk_src_text *dst, struct sk_src_text *add, enum upd_mode mode)
{
	if (mode == UPD_REPLACE || dst->len == 0) {
		sk_src_text_fini(dst);
		*dst = *add;
		sk_src_text_init(add);
		return 0;
	}
	struct sk_pos pos = add->nfrags ? add->frags[0].pos : (struct sk_pos){0};
	int rc = sk_src_text_append(dst, " ", 1, pos);
	if (!rc)
		rc = sk_src_text_append_src(dst, add);
	sk_src_text_fini(add);
	return rc;
}

int rl_macro_item(struct sk_rload *c, const struct sk_ynode *map)
{
	struct sk_rules *r = c->r;
	struct update u;
	struct sk_src_text cond;
	char *name = NULL;
	sk_src_text_init(&cond);
	int rc = read_name(c, map, "macro", &name);
	if (rc)
		return rc;
	rl_check_keys(c, map, macro_keys);
	if (!valid_macro_name(name))
		rl_warn(c, SK_LOAD_INVALID_MACRO_NAME, map->pos,
			"macro name is not an identifier ([a-zA-Z][a-zA-Z0-9_]*)");
	rc = read_update(c, map, "macro", macro_spec, 1, &u);
	if (!rc)
		rc = read_src(c, map, "condition", true, &cond);
	if (rc)
		goto out;
	struct sk_rules_macro *m = sk_rules_find_macro(r, name);
	if (u.active) {
		if (!m) {
			rc = no_base(c, map, "macro", name);
			goto out;
		}
		if (src_update(&m->cond, &cond, u.mode[0]))
			rc = rl_oom(c, map->pos);
		goto out;
	}
	if (!m) {
		m = grow((void **)&r->macros, &r->nmacros, &r->capmacros, sizeof(*m));
		if (!m) {
			rc = rl_oom(c, map->pos);
			goto out;
		}
		m->name = name;
		name = NULL;
		rl_index_add(&r->macro_index, r->macros, sizeof(*r->macros), r->nmacros);
	}
	m->pos = map->pos;
	src_update(&m->cond, &cond, UPD_REPLACE);
out:
	free(name);
	sk_src_text_fini(&cond);
	return rc;
}

/* ---- rules ---- */

void rl_rule_free(struct sk_rules_rule *rule)
{
	free(rule->name);
	free(rule->desc);
	sk_src_text_fini(&rule->cond);
	sk_src_text_fini(&rule->output);
	free(rule->source);
	rl_strv_free(rule->tags, rule->ntags);
	rl_exceptions_free(rule->exceptions, rule->nexceptions);
	memset(rule, 0, sizeof(*rule));
}

static int read_bool_key(struct sk_rload *c, const struct sk_ynode *map, const char *key, bool *out,
			 unsigned *present, unsigned bit)
{
	int rc = rl_bool(c, map, key, out);
	if (rc == -ENOENT)
		return 0;
	if (!rc)
		*present |= 1u << bit;
	return rc;
}

/*
 * Read every rule key present in map into t (type-checked); *present gets a
 * bit per R_* key found. append: exceptions may extend existing ones.
 */
static int read_rule_keys(struct sk_rload *c, const struct sk_ynode *map, bool append,
			  struct sk_rules_rule *t, unsigned *present)
{
	const struct sk_ynode *v;
	int rc = 0;
	*present = 0;
	if (sk_ynode_get(map, "condition")) {
		rc = read_src(c, map, "condition", true, &t->cond);
		*present |= 1u << R_CONDITION;
	}
	if (!rc && sk_ynode_get(map, "output")) {
		rc = read_src(c, map, "output", true, &t->output);
		*present |= 1u << R_OUTPUT;
	}
	if (!rc && sk_ynode_get(map, "desc")) {
		rc = rl_string(c, map, "desc", true, &t->desc);
		*present |= 1u << R_DESC;
	}
	if (!rc && (v = sk_ynode_get(map, "priority"))) {
		*present |= 1u << R_PRIORITY;
		rc = rl_scalar(c, map, "priority", true, &v);
		if (!rc && sk_priority_parse(v->str, &t->priority))
			rc =
			    rl_error(c, SK_LOAD_ERR_VALIDATE, v->pos,
				     "invalid priority '%.64s' (emergency, alert, critical, error, "
				     "warning, notice, informational, debug)",
				     v->str);
	}
	if (!rc && sk_ynode_get(map, "source")) {
		rc = rl_string(c, map, "source", true, &t->source);
		if (!rc && !t->source[0])
			rc = rl_error(c, SK_LOAD_ERR_VALIDATE, sk_ynode_get(map, "source")->pos,
				      "rule source must not be empty");
	}
	if (!rc)
		rc = read_bool_key(c, map, "enabled", &t->enabled, present, R_ENABLED);
	if (!rc)
		rc = read_bool_key(c, map, "warn_evttypes", &t->warn_evttypes, present,
				   R_WARN_EVTTYPES);
	if (!rc)
		rc = read_bool_key(c, map, "skip-if-unknown-filter", &t->skip_if_unknown_filter,
				   present, R_SKIP_UNKNOWN);
	bool capture;
	if (!rc)
		rc = read_bool_key(c, map, "capture", &capture, present, R_CAPTURE);
	if (!rc && (v = sk_ynode_get(map, "capture_duration"))) {
		*present |= 1u << R_CAPTURE_DURATION;
		rc = rl_scalar(c, map, "capture_duration", true, &v);
	}
	if (!rc && (v = sk_ynode_get(map, "tags"))) {
		*present |= 1u << R_TAGS;
		rc = rl_strings(c, v, "tags", &t->tags, NULL, &t->ntags);
	}
	if (!rc && (v = sk_ynode_get(map, "exceptions"))) {
		*present |= 1u << R_EXCEPTIONS;
		rc = rl_exceptions_read(c, v, append, &t->exceptions, &t->nexceptions);
	}
	return rc;
}

static int rule_define(struct sk_rload *c, const struct sk_ynode *map, struct sk_rules_rule *t,
		       unsigned present)
{
	static const struct {
		const char *key;
		unsigned bit;
	} required[] = {{"condition", R_CONDITION},
			{"output", R_OUTPUT},
			{"desc", R_DESC},
			{"priority", R_PRIORITY}};
	struct sk_rules *r = c->r;
	for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++)
		if (!(present & (1u << required[i].bit)))
			return rl_error(c, SK_LOAD_ERR_YAML_VALIDATE, map->pos,
					"missing required key '%s'", required[i].key);
	if (!t->source && !(t->source = strdup("syscall")))
		return rl_oom(c, map->pos);
	if (!(present & (1u << R_ENABLED)))
		t->enabled = true;
	if (!(present & (1u << R_WARN_EVTTYPES)))
		t->warn_evttypes = true;
	t->pos = map->pos;
	struct sk_rules_rule *old = sk_rules_find_rule(r, t->name);
	if (old) {
		t->order = old->order;
		rl_rule_free(old);
		*old = *t;
	} else {
		struct sk_rules_rule *slot =
		    grow((void **)&r->rules, &r->nrules, &r->caprules, sizeof(*slot));
		if (!slot)
			return rl_oom(c, map->pos);
		t->order = c->order++;
		*slot = *t;
		rl_index_add(&r->rule_index, r->rules, sizeof(*r->rules), r->nrules);
	}
	memset(t, 0, sizeof(*t));
	return 0;
}

static int strv_update(char ***dst, unsigned *ndst, char ***add, unsigned *nadd, enum upd_mode mode)
{
	if (mode == UPD_REPLACE) {
		rl_strv_free(*dst, *ndst);
		*dst = *add;
		*ndst = *nadd;
		*add = NULL;
		*nadd = 0;
		return 0;
	}
	char **v = realloc(*dst, (*ndst + *nadd + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	*dst = v;
	for (unsigned i = 0; i < *nadd; i++) {
		bool dup = false;
		for (unsigned j = 0; j < *ndst && !dup; j++)
			dup = !strcmp(v[j], (*add)[i]);
		if (dup) {
			free((*add)[i]);
		} else {
			v[(*ndst)++] = (*add)[i];
		}
	}
	free(*add);
	*add = NULL;
	*nadd = 0;
	return 0;
}

static int text_update(char **dst, char **add, enum upd_mode mode)
{
	if (mode == UPD_REPLACE || !*dst || !**dst) {
		free(*dst);
		*dst = *add;
		*add = NULL;
		return 0;
	}
	char *s;
	if (asprintf(&s, "%s %s", *dst, *add) < 0)
		return -ENOMEM;
	free(*dst);
	free(*add);
	*dst = s;
	*add = NULL;
	return 0;
}

static int rule_update(struct sk_rload *c, const struct sk_ynode *map, struct sk_rules_rule *t,
		       const struct update *u)
{
	struct sk_rules_rule *b = sk_rules_find_rule(c->r, t->name);
	int rc = 0;
	if (!b)
		return no_base(c, map, "rule", t->name);
	if (t->source && strcmp(t->source, b->source))
		return rl_error(
		    c, SK_LOAD_ERR_VALIDATE, sk_ynode_get(map, "source")->pos,
		    "source '%.64s' differs from the source '%.64s' of the rule it updates",
		    t->source, b->source);
	if (u->mode[R_CONDITION])
		rc = src_update(&b->cond, &t->cond, u->mode[R_CONDITION]);
	if (!rc && u->mode[R_OUTPUT])
		rc = src_update(&b->output, &t->output, u->mode[R_OUTPUT]);
	if (!rc && u->mode[R_DESC])
		rc = text_update(&b->desc, &t->desc, u->mode[R_DESC]);
	if (!rc && u->mode[R_TAGS])
		rc = strv_update(&b->tags, &b->ntags, &t->tags, &t->ntags, u->mode[R_TAGS]);
	if (rc)
		return rl_oom(c, map->pos);
	if (u->mode[R_EXCEPTIONS] == UPD_REPLACE) {
		rl_exceptions_free(b->exceptions, b->nexceptions);
		b->exceptions = t->exceptions;
		b->nexceptions = t->nexceptions;
	} else if (u->mode[R_EXCEPTIONS] == UPD_APPEND) {
		rc = rl_exceptions_merge(c, b, t->exceptions, t->nexceptions);
	}
	if (u->mode[R_EXCEPTIONS]) {
		t->exceptions = NULL;
		t->nexceptions = 0;
	}
	if (u->mode[R_PRIORITY])
		b->priority = t->priority;
	if (u->mode[R_ENABLED])
		b->enabled = t->enabled;
	if (u->mode[R_WARN_EVTTYPES])
		b->warn_evttypes = t->warn_evttypes;
	if (u->mode[R_SKIP_UNKNOWN])
		b->skip_if_unknown_filter = t->skip_if_unknown_filter;
	return rc;
}

/* Legacy form: `- rule: name` + `enabled: bool` toggles an existing rule. */
static int rule_enable(struct sk_rload *c, const struct sk_ynode *map, struct sk_rules_rule *t,
		       unsigned present)
{
	if (!(present & (1u << R_ENABLED)))
		return rl_error(c, SK_LOAD_ERR_YAML_VALIDATE, map->pos,
				"missing required key 'condition' (or only 'enabled' to enable or "
				"disable an existing rule)");
	struct sk_rules_rule *b = sk_rules_find_rule(c->r, t->name);
	if (!b)
		return rl_error(
		    c, SK_LOAD_ERR_VALIDATE, map->pos,
		    "rule has only 'enabled' but no rule named '%.140s' is defined before it",
		    t->name);
	b->enabled = t->enabled;
	return 0;
}

int rl_rule_item(struct sk_rload *c, const struct sk_ynode *map)
{
	struct sk_rules_rule t;
	struct update u;
	unsigned present = 0;
	memset(&t, 0, sizeof(t));
	int rc = read_name(c, map, "rule", &t.name);
	if (rc)
		return rc;
	rl_check_keys(c, map, rule_keys);
	rc = read_update(c, map, "rule", rule_spec, R_NSPEC, &u);
	if (!rc)
		rc = read_rule_keys(c, map, u.active && u.mode[R_EXCEPTIONS] == UPD_APPEND, &t,
				    &present);
	if (rc)
		goto out;
	const unsigned defining =
	    (1u << R_CONDITION) | (1u << R_OUTPUT) | (1u << R_DESC) | (1u << R_PRIORITY);
	if (u.active)
		rc = rule_update(c, map, &t, &u);
	else if (!(present & defining))
		rc = rule_enable(c, map, &t, present);
	else
		rc = rule_define(c, map, &t, present);
out:
	rl_rule_free(&t);
	return rc;
}
