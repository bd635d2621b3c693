/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Rulesets: every rule of a loaded rules set compiled, filtered by the
 * selection options (priority, -D, -t/-T, sources), and indexed per source
 * by event code so an event only meets the rules that can match it
 * (Falco's evttype index). Immutable once built; shared by refcount.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <errno.h>
#include <fnmatch.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "filter.h"

struct sk_rs_source {
	char *name;
	bool syscall;
	/* syscall: rules per event code, in load order */
	const struct sk_rule **by_code[SK_EVT_TABLE_SIZE];
	uint32_t nby_code[SK_EVT_TABLE_SIZE];
	/* other sources: every rule, in load order */
	const struct sk_rule **all;
	uint32_t nall;
	uint64_t events, events_no_rules, matches; /* atomic */
};

struct sk_ruleset {
	int refs; /* atomic */
	bool match_all;
	const struct sk_rule **rules; /* enabled rules, load order */
	unsigned nrules;
	struct sk_rule *compiled; /* every compiled rule (owns filters and formats) */
	unsigned ncompiled;
	struct sk_rs_source src[SK_ENGINE_MAX_SOURCES];
	unsigned nsrc;
	struct sk_evtset used_codes;
};

/* What Saker has built in that rules files may require as plugins. */
static const struct sk_plugin_version builtin_plugins[] = {
	{"container", NULL}, /* container.* and k8s.* fields come from the state engine */
};

void sk_ruleset_opts_init(struct sk_ruleset_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->min_priority = SK_PRIO_DEBUG;
	o->plugins = builtin_plugins;
	o->nplugins = sizeof(builtin_plugins) / sizeof(builtin_plugins[0]);
}

/* ---- selection ----------------------------------------------------------- */

static bool has_tag(const struct sk_rules_rule *r, const char *const *tags, unsigned n)
{
	for (unsigned i = 0; i < r->ntags; i++)
		for (unsigned j = 0; j < n; j++)
			if (!strcmp(r->tags[i], tags[j]))
				return true;
	return false;
}

static bool name_matches_regex(const char *name, const char *pattern)
{
	int ec;
	PCRE2_SIZE eo;
	pcre2_code *re =
	    pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, 0, &ec, &eo, NULL);
	if (!re)
		return false;
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
	bool hit = md && pcre2_match(re, (PCRE2_SPTR)name, strlen(name), 0, 0, md, NULL) >= 0;
	pcre2_match_data_free(md);
	pcre2_code_free(re);
	return hit;
}

/* Every disable_regex pattern must compile; errors name the pattern. */
static bool patterns_valid(const struct sk_ruleset_opts *o, struct sk_diags *diags)
{
	bool ok = true;
	for (unsigned i = 0; i < o->ndisable_regex; i++) {
		int ec;
		PCRE2_SIZE eo;
		pcre2_code *re = pcre2_compile((PCRE2_SPTR)o->disable_regex[i],
					       PCRE2_ZERO_TERMINATED, 0, &ec, &eo, NULL);
		if (re) {
			pcre2_code_free(re);
			continue;
		}
		PCRE2_UCHAR msg[128];
		pcre2_get_error_message(ec, msg, sizeof(msg));
		sk_diags_add(diags, SK_DIAG_ERROR, SK_LOAD_ERR_VALIDATE, (struct sk_pos){0}, NULL,
			     "invalid rule name pattern '%s': %s at offset %zu",
			     o->disable_regex[i], (const char *)msg, (size_t)eo);
		ok = false;
	}
	return ok;
}

/* Falco 0.31's order: file's enabled, then -D, then -T; -t decides alone. */
static bool rule_enabled_031(const struct sk_rules_rule *r, const struct sk_ruleset_opts *o)
{
	if (o->ntags_include)
		return has_tag(r, o->tags_include, o->ntags_include);
	if (!r->enabled)
		return false;
	for (unsigned i = 0; i < o->ndisable_substr; i++)
		if (strstr(r->name, o->disable_substr[i]))
			return false;
	for (unsigned i = 0; i < o->ndisable_regex; i++)
		if (name_matches_regex(r->name, o->disable_regex[i]))
			return false;
	if (has_tag(r, o->tags_exclude, o->ntags_exclude))
		return false;
	return true;
}

static bool rule_selected(const struct sk_rules_rule *r, const struct sk_ruleset_opts *o)
{
	if (r->priority > o->min_priority)
		return false;
	bool on = rule_enabled_031(r, o);
	for (unsigned i = 0; i < o->nselectors; i++) {
		const struct sk_rule_selector *s = &o->selectors[i];
		const char *tag = s->tag;
		if ((s->rule && fnmatch(s->rule, r->name, 0) == 0) || (tag && has_tag(r, &tag, 1)))
			on = s->enable;
	}
	return on;
}

static bool source_known(const struct sk_field_registry *reg, const struct sk_ruleset_opts *o,
			 const char *source)
{
	if (o->sources) {
		for (unsigned i = 0; i < o->nsources; i++)
			if (!strcmp(o->sources[i], source))
				return true;
		return false;
	}
	if (!strcmp(source, "syscall"))
		return true;
	const struct sk_field_class *cls;
	for (unsigned i = 0; (cls = sk_field_registry_class_at(reg, i)); i++)
		if (cls->source && !strcmp(cls->source, source))
			return true;
	return false;
}

/* ---- building ------------------------------------------------------------ */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void rule_fini(struct sk_rule *r)
{
	free((char *)r->name);
	free((char *)r->desc);
	free((char *)r->source);
	free((char *)r->output_text);
	for (unsigned i = 0; i < r->ntags; i++)
		free((char *)r->tags[i]);
	free((void *)r->tags);
	sk_filter_free(r->filter);
	sk_format_free(r->output);
	sk_format_extra_free(r->extra_fields);
}

static char *xstrdup(const char *s)
{
	return strdup(s ? s : "");
}

static int rule_copy_meta(struct sk_rule *dst, const struct sk_rules_rule *r)
{
	dst->name = xstrdup(r->name);
	dst->desc = xstrdup(r->desc);
	dst->source = xstrdup(r->source ? r->source : "syscall");
	dst->priority = r->priority;
	dst->order = r->order;
	char **tags = calloc(r->ntags + 1u, sizeof(*tags));
	if (!dst->name || !dst->desc || !dst->source || !tags) {
		free(tags);
		return -ENOMEM;
	}
	unsigned n = 0;
	for (unsigned i = 0; i < r->ntags; i++) {
		tags[n] = strdup(r->tags[i]);
		if (!tags[n]) {
			dst->tags = (const char *const *)tags;
			dst->ntags = n;
			return -ENOMEM;
		}
		n++;
	}
	qsort(tags, n, sizeof(*tags), cmp_str);
	unsigned u = 0;
	for (unsigned i = 0; i < n; i++) {
		if (u && !strcmp(tags[u - 1], tags[i]))
			free(tags[i]);
		else
			tags[u++] = tags[i];
	}
	dst->tags = (const char *const *)tags;
	dst->ntags = u;
	return 0;
}

/* Whether an append_output entry's match (every key it sets) selects the rule. */
static bool append_matches(const struct sk_append_output *a, const struct sk_rule *dst)
{
	if (a->source && strcmp(a->source, dst->source))
		return false;
	if (a->rule && strcmp(a->rule, dst->name))
		return false;
	for (unsigned i = 0; i < a->ntags; i++) {
		bool has = false;
		for (unsigned k = 0; k < dst->ntags && !has; k++)
			has = !strcmp(a->tags[i], dst->tags[k]);
		if (!has)
			return false;
	}
	return true;
}

/* The length of the output text with every matching append_output's extra_output. */
static size_t appended_len(const struct sk_rule *dst, const struct sk_ruleset_opts *o)
{
	size_t n = 0;
	for (unsigned i = 0; i < o->nappends; i++)
		if (o->appends[i].extra_output && append_matches(&o->appends[i], dst))
			n += strlen(o->appends[i].extra_output) + 1;
	return n;
}

/*
 * Output format text with %container.info / -p applied, as 0.31 did, then
 * the extra_output of each matching append_output entry, space-separated.
 */
static char *rule_output_text(const struct sk_rules_rule *r, const struct sk_rule *dst,
			      const struct sk_ruleset_opts *o)
{
	const char *out = r->output.text ? r->output.text : "";
	const char *extra = o->extra_output;
	bool syscall = !r->source || !strcmp(r->source, "syscall");
	size_t need = strlen(out) + (extra ? strlen(extra) : 0) + 2 + appended_len(dst, o);
	char *t = malloc(need);
	if (!t)
		return NULL;
	if (syscall && extra && *extra && !strstr(out, "%container.info"))
		snprintf(t, need, "%s %s", out, extra);
	else
		snprintf(t, need, "%s", out);
	for (unsigned i = 0; i < o->nappends; i++) {
		const struct sk_append_output *a = &o->appends[i];
		if (a->extra_output && append_matches(a, dst)) {
			strcat(t, " ");
			strcat(t, a->extra_output);
		}
	}
	return t;
}

/* The extra_fields of every matching append_output entry, for JSON output_fields. */
static int compile_extra_fields(struct sk_rule *dst, const struct sk_rules_rule *r,
				const struct sk_field_registry *reg,
				const struct sk_ruleset_opts *o, struct sk_diags *diags,
				const char *item)
{
	char err[256];
	for (unsigned i = 0; i < o->nappends; i++) {
		const struct sk_append_output *a = &o->appends[i];
		if (!append_matches(a, dst))
			continue;
		for (unsigned k = 0; k < a->nfields; k++) {
			const struct sk_extra_field *xf = &a->fields[k];
			int rc = sk_format_extra_add(&dst->extra_fields, reg, dst->source, xf->name,
						     xf->format, err, sizeof(err));
			if (rc == -EINVAL || rc == -E2BIG)
				sk_diags_add(diags, SK_DIAG_ERROR, SK_LOAD_ERR_COMPILE_OUTPUT,
					     r->pos, item,
					     "append_output: invalid extra field '%s': %s",
					     xf->name, err);
			if (rc)
				return rc;
		}
	}
	return 0;
}

static int compile_output(struct sk_rule *dst, const struct sk_rules_rule *r,
			  const struct sk_field_registry *reg, const struct sk_ruleset_opts *o,
			  struct sk_diags *diags, const char *item)
{
	char err[256];
	char *text = rule_output_text(r, dst, o);
	if (!text)
		return -ENOMEM;
	const char *ci = o->container_info;
	int rc = sk_format_compile(reg, dst->source, text, ci, &dst->output, err, sizeof(err));
	dst->output_text = text;
	if (rc == -EINVAL) {
		struct sk_pos pos = r->output.nfrags ? sk_src_text_pos(&r->output, 0) : r->pos;
		sk_diags_add(diags, SK_DIAG_ERROR, SK_LOAD_ERR_COMPILE_OUTPUT, pos, item,
			     "invalid output format: %s", err);
	}
	if (rc == 0)
		rc = compile_extra_fields(dst, r, reg, o, diags, item);
	return rc;
}

static int source_index(struct sk_ruleset *rs, const char *name, bool create)
{
	for (unsigned i = 0; i < rs->nsrc; i++)
		if (!strcmp(rs->src[i].name, name))
			return (int)i;
	if (!create)
		return -ENOENT;
	if (rs->nsrc == SK_ENGINE_MAX_SOURCES)
		return -E2BIG;
	struct sk_rs_source *s = &rs->src[rs->nsrc];
	s->name = strdup(name);
	if (!s->name)
		return -ENOMEM;
	s->syscall = !strcmp(name, "syscall");
	return (int)rs->nsrc++;
}

static int push(const struct sk_rule ***v, uint32_t *n, const struct sk_rule *r)
{
	const struct sk_rule **nv = realloc(*v, (*n + 1u) * sizeof(**v));
	if (!nv)
		return -ENOMEM;
	nv[(*n)++] = r;
	*v = nv;
	return 0;
}

static int index_rule(struct sk_ruleset *rs, const struct sk_rule *r, const struct sk_evtset *codes)
{
	int si = source_index(rs, r->source, true);
	if (si < 0)
		return si;
	struct sk_rs_source *s = &rs->src[si];
	if (!s->syscall)
		return push(&s->all, &s->nall, r);
	for (unsigned code = 0; code < SK_EVT_TABLE_SIZE; code++) {
		if (!sk_evtset_has(codes, code))
			continue;
		int rc = push(&s->by_code[code], &s->nby_code[code], r);
		if (rc)
			return rc;
		sk_evtset_add(&rs->used_codes, code);
	}
	return 0;
}

static void warn_unused(struct sk_rules *rules, struct sk_diags *diags)
{
	char item[160];
	for (unsigned i = 0; i < rules->nmacros; i++) {
		if (rules->macros[i].used)
			continue;
		snprintf(item, sizeof(item), "macro '%s'", rules->macros[i].name);
		sk_diags_add(diags, SK_DIAG_WARNING, SK_LOAD_UNUSED_MACRO, rules->macros[i].pos,
			     item, "macro not referred to by any other rule/macro");
	}
	for (unsigned i = 0; i < rules->nlists; i++) {
		if (rules->lists[i].used)
			continue;
		snprintf(item, sizeof(item), "list '%s'", rules->lists[i].name);
		sk_diags_add(diags, SK_DIAG_WARNING, SK_LOAD_UNUSED_LIST, rules->lists[i].pos, item,
			     "list not referred to by any other rule/macro/list");
	}
}

/* Compile one rule into rs->compiled[rs->ncompiled]; -EINVAL on rule errors. */
static int compile_one(struct sk_ruleset *rs, struct sk_rules *rules, const struct sk_rules_rule *r,
		       const struct sk_field_registry *reg, const struct sk_ruleset_opts *o,
		       struct sk_diags *diags, bool *indexed)
{
	char item[160];
	struct sk_rule *dst = &rs->compiled[rs->ncompiled];
	*indexed = false;
	snprintf(item, sizeof(item), "rule '%s'", r->name);
	const char *source = r->source ? r->source : "syscall";
	if (!source_known(reg, o, source)) {
		sk_diags_add(diags, SK_DIAG_WARNING, SK_LOAD_UNKNOWN_SOURCE, r->pos, item,
			     "unknown source '%s', skipping", source);
		return 0;
	}
	rs->ncompiled++;
	int rc = rule_copy_meta(dst, r);
	if (rc)
		return rc;
	struct sk_compile_in in = {.rules = rules, .rule = r, .reg = reg, .diags = diags};
	rc = sk_filter_compile(&in, &dst->filter);
	if (rc == -ENOENT) /* skip-if-unknown-filter */
		return 0;
	int orc = compile_output(dst, r, reg, o, diags, item);
	if (rc)
		return rc;
	if (orc)
		return orc;
	struct sk_evtset codes;
	sk_filter_evttypes(dst->filter, &codes);
	dst->ncodes = sk_evtset_count(&codes);
	dst->enter_only =
	    sk_filter_dir_possible(dst->filter, true) && !sk_filter_dir_possible(dst->filter, false);
	if (!strcmp(source, "syscall") && r->warn_evttypes && dst->ncodes > SK_ENGINE_WARN_EVTTYPES)
		sk_diags_add(diags, SK_DIAG_WARNING, SK_LOAD_NO_EVTTYPE, r->pos, item,
			     "rule matches too many evt.type values (%u); this has a significant "
			     "performance penalty",
			     (unsigned)dst->ncodes);
	*indexed = rule_selected(r, o);
	return 0;
}

static void ruleset_free(struct sk_ruleset *rs)
{
	for (unsigned i = 0; i < rs->ncompiled; i++)
		rule_fini(&rs->compiled[i]);
	free(rs->compiled);
	free((void *)rs->rules);
	for (unsigned i = 0; i < rs->nsrc; i++) {
		for (unsigned c = 0; c < SK_EVT_TABLE_SIZE; c++)
			free((void *)rs->src[i].by_code[c]);
		free((void *)rs->src[i].all);
		free(rs->src[i].name);
	}
	free(rs);
}

int sk_ruleset_compile(struct sk_rules *rules, const struct sk_field_registry *reg,
		       const struct sk_ruleset_opts *opts, struct sk_diags *diags,
		       struct sk_ruleset **out)
{
	struct sk_ruleset_opts defaults;
	int rc = 0;
	bool failed = false;
	*out = NULL;
	if (!opts) {
		sk_ruleset_opts_init(&defaults);
		opts = &defaults;
	}
	if (!patterns_valid(opts, diags))
		return -EINVAL;
	if (sk_rules_check_requirements(rules, opts->plugins, opts->nplugins, diags))
		return -EINVAL;
	struct sk_ruleset *rs = calloc(1, sizeof(*rs));
	bool *sel = calloc(rules->nrules + 1u, sizeof(*sel));
	if (!rs || !sel) {
		rc = -ENOMEM;
		goto cleanup;
	}
	rs->refs = 1;
	rs->match_all = opts->match_all;
	rs->compiled = calloc(rules->nrules + 1u, sizeof(*rs->compiled));
	rs->rules = calloc(rules->nrules + 1u, sizeof(*rs->rules));
	if (!rs->compiled || !rs->rules) {
		rc = -ENOMEM;
		goto cleanup;
	}
	if (opts->sources == NULL && source_index(rs, "syscall", true) < 0) {
		rc = -ENOMEM;
		goto cleanup;
	}
	for (unsigned i = 0; i < opts->nsources; i++) {
		rc = source_index(rs, opts->sources[i], true);
		if (rc < 0)
			goto cleanup;
		rc = 0;
	}
	for (unsigned i = 0; i < rules->nrules; i++) {
		unsigned before = rs->ncompiled;
		bool indexed = false;
		rc = compile_one(rs, rules, &rules->rules[i], reg, opts, diags, &indexed);
		if (rc == -ENOMEM)
			goto cleanup;
		if (rc)
			failed = true;
		if (rs->ncompiled != before)
			sel[before] = indexed;
		rc = 0;
	}
	warn_unused(rules, diags);
	if (failed) {
		rc = -EINVAL;
		goto cleanup;
	}
	/* Index the selected rules in load order. */
	for (unsigned i = 0; i < rs->ncompiled; i++) {
		struct sk_rule *r = &rs->compiled[i];
		if (!sel[i] || !r->filter)
			continue;
		struct sk_evtset codes;
		sk_filter_evttypes(r->filter, &codes);
		rs->rules[rs->nrules++] = r;
		rc = index_rule(rs, r, &codes);
		if (rc)
			goto cleanup;
	}
	*out = rs;
	rs = NULL;
cleanup:
	free(sel);
	if (rs)
		ruleset_free(rs);
	return rc;
}

struct sk_ruleset *sk_ruleset_ref(struct sk_ruleset *rs)
{
	if (rs)
		__atomic_add_fetch(&rs->refs, 1, __ATOMIC_RELAXED);
	return rs;
}

void sk_ruleset_unref(struct sk_ruleset *rs)
{
	if (rs && __atomic_sub_fetch(&rs->refs, 1, __ATOMIC_ACQ_REL) == 0)
		ruleset_free(rs);
}

int sk_ruleset_source(const struct sk_ruleset *rs, const char *source)
{
	for (unsigned i = 0; i < rs->nsrc; i++)
		if (!strcmp(rs->src[i].name, source))
			return (int)i;
	return -ENOENT;
}

unsigned sk_ruleset_eval(const struct sk_ruleset *rs, int src, struct sk_eval_ctx *ctx,
			 const struct sk_rule **matches, unsigned cap)
{
	if (src < 0 || (unsigned)src >= rs->nsrc || cap == 0)
		return 0;
	struct sk_rs_source *s = (struct sk_rs_source *)&rs->src[src];
	const struct sk_rule *const *list;
	uint32_t n;
	__atomic_add_fetch(&s->events, 1, __ATOMIC_RELAXED);
	if (s->syscall) {
		unsigned code = ctx->evt && ctx->evt->hdr ? ctx->evt->hdr->type : SK_EVT_TABLE_SIZE;
		if (code >= SK_EVT_TABLE_SIZE) {
			__atomic_add_fetch(&s->events_no_rules, 1, __ATOMIC_RELAXED);
			return 0;
		}
		list = s->by_code[code];
		n = s->nby_code[code];
	} else {
		list = s->all;
		n = s->nall;
	}
	if (n == 0) {
		__atomic_add_fetch(&s->events_no_rules, 1, __ATOMIC_RELAXED);
		return 0;
	}
	unsigned found = 0;
	for (uint32_t i = 0; i < n && found < cap; i++) {
		if (ctx->rebuilt_enter && !list[i]->enter_only)
			continue;
		if (!sk_filter_eval(list[i]->filter, ctx))
			continue;
		__atomic_add_fetch((uint64_t *)&list[i]->matches, 1, __ATOMIC_RELAXED);
		matches[found++] = list[i];
		if (!rs->match_all)
			break;
	}
	if (found)
		__atomic_add_fetch(&s->matches, found, __ATOMIC_RELAXED);
	return found;
}

void sk_ruleset_stats(const struct sk_ruleset *rs, int src, struct sk_ruleset_stats *out)
{
	memset(out, 0, sizeof(*out));
	if (src < 0 || (unsigned)src >= rs->nsrc)
		return;
	const struct sk_rs_source *s = &rs->src[src];
	out->events = __atomic_load_n(&s->events, __ATOMIC_RELAXED);
	out->events_no_rules = __atomic_load_n(&s->events_no_rules, __ATOMIC_RELAXED);
	out->matches = __atomic_load_n(&s->matches, __ATOMIC_RELAXED);
}

unsigned sk_ruleset_nrules(const struct sk_ruleset *rs)
{
	return rs->nrules;
}

const struct sk_rule *sk_ruleset_rule_at(const struct sk_ruleset *rs, unsigned i)
{
	return i < rs->nrules ? rs->rules[i] : NULL;
}

bool sk_ruleset_code_used(const struct sk_ruleset *rs, uint16_t code)
{
	return sk_evtset_has(&rs->used_codes, code);
}

bool sk_ruleset_needs_enter(const struct sk_ruleset *rs, uint16_t code)
{
	if (code >= SK_EVT_TABLE_SIZE || !sk_evtset_has(&rs->used_codes, code))
		return false;
	for (unsigned i = 0; i < rs->nsrc; i++) {
		const struct sk_rs_source *s = &rs->src[i];
		for (uint32_t k = 0; s->syscall && k < s->nby_code[code]; k++)
			if (s->by_code[code][k]->enter_only)
				return true;
	}
	return false;
}

void sk_ruleset_type_names(const struct sk_ruleset *rs, sk_filter_name_fn fn, void *ctx)
{
	for (unsigned i = 0; i < rs->nrules; i++) {
		const struct sk_rule *r = rs->rules[i];
		if (r->source && !strcmp(r->source, "syscall"))
			sk_filter_type_names(r->filter, fn, ctx);
	}
}

void sk_ruleset_slot_init(struct sk_ruleset_slot *s)
{
	pthread_mutex_init(&s->lock, NULL);
	s->rs = NULL;
}

void sk_ruleset_slot_fini(struct sk_ruleset_slot *s)
{
	sk_ruleset_unref(s->rs);
	s->rs = NULL;
	pthread_mutex_destroy(&s->lock);
}

struct sk_ruleset *sk_ruleset_slot_get(struct sk_ruleset_slot *s)
{
	pthread_mutex_lock(&s->lock);
	struct sk_ruleset *rs = sk_ruleset_ref(s->rs);
	pthread_mutex_unlock(&s->lock);
	return rs;
}

void sk_ruleset_slot_swap(struct sk_ruleset_slot *s, struct sk_ruleset *rs)
{
	pthread_mutex_lock(&s->lock);
	struct sk_ruleset *old = s->rs;
	s->rs = rs;
	pthread_mutex_unlock(&s->lock);
	sk_ruleset_unref(old);
}
