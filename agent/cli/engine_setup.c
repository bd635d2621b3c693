/* SPDX-License-Identifier: Apache-2.0 */
#include "engine_setup.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

static int parse_bool(const char *v, bool *out)
{
	if (!strcasecmp(v, "true") || !strcmp(v, "1") || !strcasecmp(v, "yes")) {
		*out = true;
		return 0;
	}
	if (!strcasecmp(v, "false") || !strcmp(v, "0") || !strcasecmp(v, "no")) {
		*out = false;
		return 0;
	}
	return -EINVAL;
}

/* One -o key=value. */
static int apply_override(struct sk_engine_setup *s, const char *kv, char *err, size_t errlen)
{
	const char *eq = strchr(kv, '=');
	size_t klen = (size_t)(eq - kv);
	const char *v = eq + 1;
	char key[128];
	if (klen >= sizeof(key)) {
		snprintf(err, errlen, "-o '%s': key too long", kv);
		return -EINVAL;
	}
	memcpy(key, kv, klen);
	key[klen] = '\0';

	static const struct {
		const char *key;
		size_t off;
	} bools[] = {
		{"json_output", offsetof(struct sk_output_opts, json)},
		{"time_format_iso_8601", offsetof(struct sk_output_opts, time_iso8601)},
		{"json_include_output_property", offsetof(struct sk_output_opts, json_include_output)},
		{"json_include_output_fields_property",
		 offsetof(struct sk_output_opts, json_include_output_fields)},
		{"json_include_tags_property", offsetof(struct sk_output_opts, json_include_tags)},
		{"json_include_message_property",
		 offsetof(struct sk_output_opts, json_include_message)},
	};
	for (size_t i = 0; i < sizeof(bools) / sizeof(bools[0]); i++) {
		if (strcmp(key, bools[i].key))
			continue;
		if (parse_bool(v, (bool *)((char *)&s->out_opts + bools[i].off))) {
			snprintf(err, errlen, "-o '%s': expected true or false", kv);
			return -EINVAL;
		}
		return 0;
	}
	if (!strcmp(key, "priority")) {
		if (sk_priority_parse(v, &s->rs_opts.min_priority)) {
			snprintf(err, errlen, "-o '%s': unknown priority '%s'", kv, v);
			return -EINVAL;
		}
		return 0;
	}
	if (!strcmp(key, "rule_matching")) {
		if (!strcmp(v, "first"))
			s->rs_opts.match_all = false;
		else if (!strcmp(v, "all"))
			s->rs_opts.match_all = true;
		else {
			snprintf(err, errlen, "-o '%s': rule_matching is 'first' or 'all'", kv);
			return -EINVAL;
		}
		return 0;
	}
	/* Read by live mode (agent/live.h: sk_live_config_apply). */
	if (!strcmp(key, "syscall_buf_size_preset") || !strncmp(key, "syscall_event_drops.", 20))
		return 0;
	snprintf(err, errlen, "-o '%s': unknown configuration key '%s'", kv, key);
	return -EINVAL;
}

/* The sources whose rules load: --enable-source, or the known ones minus --disable-source. */
static int select_sources(struct sk_engine_setup *s, const struct sk_options *o, char *err,
			  size_t errlen)
{
	static const char *const known[] = {"syscall", "k8s_audit", "aws_cloudtrail"};
	unsigned n = 0;
	if (o->enable_sources.n) {
		for (unsigned i = 0; i < o->enable_sources.n && n < SK_ENGINE_MAX_SOURCES; i++)
			s->sources[n++] = o->enable_sources.v[i];
	} else if (o->disable_sources.n) {
		for (size_t k = 0; k < sizeof(known) / sizeof(known[0]); k++) {
			bool off = false;
			for (unsigned i = 0; i < o->disable_sources.n; i++)
				off |= !strcmp(known[k], o->disable_sources.v[i]);
			if (!off)
				s->sources[n++] = known[k];
		}
		if (n == 0) {
			snprintf(err, errlen, "--disable-source: cannot disable every source");
			return -EINVAL;
		}
	} else {
		return 0; /* NULL: every source */
	}
	s->rs_opts.sources = s->sources;
	s->rs_opts.nsources = n;
	return 0;
}

int sk_engine_setup_init(struct sk_engine_setup *s, const struct sk_options *o, char *err,
			 size_t errlen)
{
	memset(s, 0, sizeof(*s));
	sk_ruleset_opts_init(&s->rs_opts);
	sk_output_opts_init(&s->out_opts);
	sk_rules_init(&s->rules);
	sk_diags_init(&s->diags);
	const char *env_host = getenv("FALCO_HOSTNAME");
	if (env_host)
		snprintf(s->hostname, sizeof(s->hostname), "%s", env_host);
	else if (gethostname(s->hostname, sizeof(s->hostname)))
		snprintf(s->hostname, sizeof(s->hostname), "unknown");
	s->out_opts.hostname = s->hostname;
	for (unsigned i = 0; i < o->overrides.n; i++) {
		int rc = apply_override(s, o->overrides.v[i], err, errlen);
		if (rc)
			return rc;
	}
	s->rs_opts.disable_substr = o->disable_substr.v;
	s->rs_opts.ndisable_substr = o->disable_substr.n;
	s->rs_opts.tags_exclude = o->tags_exclude.v;
	s->rs_opts.ntags_exclude = o->tags_exclude.n;
	s->rs_opts.tags_include = o->tags_include.v;
	s->rs_opts.ntags_include = o->tags_include.n;
	int rc = select_sources(s, o, err, errlen);
	if (rc)
		return rc;
	rc = sk_field_registry_new(&s->reg);
	if (rc == 0)
		rc = sk_field_registry_add_builtin(s->reg);
	if (rc)
		snprintf(err, errlen, "cannot build the field registry: %s", strerror(-rc));
	return rc;
}

void sk_engine_setup_fini(struct sk_engine_setup *s)
{
	if (s->rs)
		sk_ruleset_unref(s->rs);
	sk_rules_fini(&s->rules);
	sk_diags_fini(&s->diags);
	if (s->reg)
		sk_field_registry_free(s->reg);
	memset(s, 0, sizeof(*s));
}

int sk_engine_setup_load(struct sk_engine_setup *s, const char *const *paths, unsigned npaths,
			 FILE *errf)
{
	int rc = 0;
	for (unsigned i = 0; i < npaths && rc == 0; i++)
		rc = sk_rules_load_path(&s->rules, paths[i], &s->diags);
	if (rc == 0)
		rc = sk_ruleset_compile(&s->rules, s->reg, &s->rs_opts, &s->diags, &s->rs);
	sk_diags_print(&s->diags, errf);
	if (rc == 0 && s->diags.nerrors)
		rc = -EINVAL;
	return rc;
}

int sk_cmd_validate(const struct sk_options *o, FILE *out, FILE *errf)
{
	int result = 0;
	for (unsigned i = 0; i < o->validate.n; i++) {
		struct sk_engine_setup s;
		char err[256];
		if (sk_engine_setup_init(&s, o, err, sizeof(err))) {
			fprintf(errf, "saker: %s\n", err);
			sk_engine_setup_fini(&s);
			return -EINVAL;
		}
		/* Rules files given with -r load first, as dependencies of the validated file. */
		const char *paths[SK_OPT_MAX_REPEAT + 1];
		unsigned n = 0;
		for (unsigned k = 0; k < o->rules.n; k++)
			paths[n++] = o->rules.v[k];
		paths[n++] = o->validate.v[i];
		int rc = sk_engine_setup_load(&s, paths, n, out);
		fprintf(out, "%s: %s\n", o->validate.v[i], rc ? "Invalid" : "Ok");
		if (rc)
			result = -EINVAL;
		sk_engine_setup_fini(&s);
	}
	return result;
}

int sk_cmd_list_rules(struct sk_engine_setup *s, const char *only, FILE *out)
{
	unsigned n = sk_ruleset_nrules(s->rs), shown = 0;
	if (!only)
		fprintf(out, "%-50s %s\n%-50s %s\n", "Rule", "Description", "----", "-----------");
	for (unsigned i = 0; i < n; i++) {
		const struct sk_rule *r = sk_ruleset_rule_at(s->rs, i);
		if (only && strcmp(r->name, only))
			continue;
		fprintf(out, "%-50s %s\n", r->name, r->desc ? r->desc : "");
		shown++;
	}
	if (only && !shown) {
		/* -l also describes a field, when no rule has that name. */
		struct sk_field_ref ref;
		if (sk_field_registry_find(s->reg, "syscall", only, strlen(only), &ref) == 0 ||
		    sk_field_registry_find(s->reg, NULL, only, strlen(only), &ref) == 0) {
			fprintf(out, "%-30s %s\n", ref.field->name,
				ref.field->desc ? ref.field->desc : "");
			return 0;
		}
		fprintf(out, "saker: no rule or field named '%s'\n", only);
		return -ENOENT;
	}
	return 0;
}

int sk_cmd_list_fields(struct sk_engine_setup *s, const char *source, bool names_only, FILE *out)
{
	const struct sk_field_class *c;
	for (unsigned i = 0; (c = sk_field_registry_class_at(s->reg, i)); i++) {
		if (source && c->source && strcmp(source, c->source))
			continue;
		if (!names_only)
			fprintf(out, "\nField Class: %s (%s)\n%s\n\n", c->name,
				c->source ? c->source : "all sources", c->desc ? c->desc : "");
		for (unsigned f = 0; f < c->nfields; f++) {
			const struct sk_field *fd = &c->fields[f];
			if (fd->flags & SK_FIELD_HIDDEN)
				continue;
			if (names_only)
				fprintf(out, "%s\n", fd->name);
			else
				fprintf(out, "%-30s %s%s\n", fd->name,
					fd->flags & SK_FIELD_DEPRECATED ? "[DEPRECATED] " : "",
					fd->desc ? fd->desc : "");
		}
	}
	return 0;
}
