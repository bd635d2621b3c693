/* SPDX-License-Identifier: Apache-2.0 */
#include "engine_setup.h"

#include "../plugin/plugin.h"
#include "plugins.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <strings.h>
#include <unistd.h>

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

/*
 * Falco 0.31's -p: -pc / -pk pick the container or Kubernetes text, anything
 * else is a format of its own. The text replaces %container.info and is
 * appended to syscall rule outputs that do not use %container.info.
 */
static void apply_print_format(struct sk_engine_setup *s, const char *p)
{
	if (!p)
		return;
	if (!strcmp(p, "c") || !strcmp(p, "container"))
		p = "container=%container.name (id=%container.id)";
	else if (!strcmp(p, "k") || !strcmp(p, "kubernetes"))
		p = "k8s.ns=%k8s.ns.name k8s.pod=%k8s.pod.name container=%container.id";
	s->rs_opts.container_info = p;
	s->rs_opts.extra_output = p;
}

/* running: the plugins of the running agent to reuse (a reload), or NULL to load them. */
static int setup_init(struct sk_engine_setup *s, const struct sk_options *o,
		      const struct sk_config *cfg, struct sk_plugin_host *running, char *err,
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
	sk_config_ruleset_opts(cfg, &s->rs_opts);
	sk_config_output_opts(cfg, &s->out_opts);
	s->rs_opts.disable_substr = o->disable_substr.v;
	s->rs_opts.ndisable_substr = o->disable_substr.n;
	s->rs_opts.tags_exclude = o->tags_exclude.v;
	s->rs_opts.ntags_exclude = o->tags_exclude.n;
	s->rs_opts.tags_include = o->tags_include.v;
	s->rs_opts.ntags_include = o->tags_include.n;
	apply_print_format(s, o->print_format);
	int rc = select_sources(s, o, err, errlen);
	if (rc)
		return rc;
	rc = sk_field_registry_new(&s->reg);
	if (rc == 0)
		rc = sk_field_registry_add_builtin(s->reg);
	if (rc) {
		snprintf(err, errlen, "cannot build the field registry: %s", strerror(-rc));
		return rc;
	}
	/* Plugins: their fields join the registry, their versions the requirements. */
	if (running)
		return sk_cli_plugins_reuse(s, o, cfg, running, err, errlen);
	return sk_cli_plugins_setup(s, o, cfg, err, errlen);
}

int sk_engine_setup_init(struct sk_engine_setup *s, const struct sk_options *o,
			 const struct sk_config *cfg, char *err, size_t errlen)
{
	return setup_init(s, o, cfg, NULL, err, errlen);
}

void sk_engine_setup_fini(struct sk_engine_setup *s)
{
	if (s->rs)
		sk_ruleset_unref(s->rs);
	sk_rules_fini(&s->rules);
	sk_diags_fini(&s->diags);
	if (s->reg)
		sk_field_registry_free(s->reg);
	if (!s->plugins_borrowed) /* after the registry: it holds their field classes */
		sk_plugin_host_free(s->plugins);
	memset(s, 0, sizeof(*s));
}

int sk_engine_setup_load(struct sk_engine_setup *s, const char *const *paths, unsigned npaths,
			 FILE *errf)
{
	int rc = 0;
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (unsigned i = 0; i < npaths && rc == 0; i++)
		rc = sk_rules_load_path(&s->rules, paths[i], &s->diags);
	if (rc == 0)
		rc = sk_ruleset_compile(&s->rules, s->reg, &s->rs_opts, &s->diags, &s->rs);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	s->load_seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	sk_diags_print(&s->diags, errf);
	if (rc == 0 && s->diags.nerrors)
		rc = -EINVAL;
	return rc;
}

int sk_cmd_validate(const struct sk_options *o, const struct sk_config *cfg, FILE *out,
		    FILE *errf)
{
	int result = 0;
	for (unsigned i = 0; i < o->validate.n; i++) {
		struct sk_engine_setup s;
		char err[256];
		if (sk_engine_setup_init(&s, o, cfg, err, sizeof(err))) {
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

/* ---- reload ------------------------------------------------------------ */

struct sk_engine_build {
	struct sk_config cfg;
	struct sk_engine_setup s;
	struct sk_engine_build *older;
};

void sk_engine_reloader_init(struct sk_engine_reloader *r, const struct sk_options *o,
			     const struct sk_config *initial)
{
	memset(r, 0, sizeof(*r));
	r->o = o;
	r->cfg = initial;
	pthread_mutex_init(&r->lock, NULL);
}

void sk_engine_reloader_fini(struct sk_engine_reloader *r)
{
	struct sk_engine_build *b = r->builds;
	while (b) {
		struct sk_engine_build *next = b->older;
		sk_engine_setup_fini(&b->s);
		sk_config_fini(&b->cfg);
		free(b);
		b = next;
	}
	pthread_mutex_destroy(&r->lock);
	memset(r, 0, sizeof(*r));
}

/* The rules paths of a configuration: -r wins over rules_files, as in Falco. */
static unsigned rules_paths(const struct sk_options *o, const struct sk_config *cfg,
			    const char *const **v)
{
	if (o->rules.n) {
		*v = o->rules.v;
		return o->rules.n;
	}
	*v = cfg->rules_files;
	return cfg->nrules_files;
}

/* The first error of a diagnostics print-out, on one line. */
static void first_error(const char *text, char *err, size_t errlen)
{
	const char *e = strstr(text, ": error: ");
	const char *line = e ? e : text;
	while (e && line > text && line[-1] != '\n')
		line--;
	size_t n = strcspn(line, "\n");
	snprintf(err, errlen, "%.*s", (int)n, line);
}

int sk_engine_reloader_build(void *ctx, struct sk_ruleset **rs, unsigned *nrules, char *err,
			     size_t errlen)
{
	struct sk_engine_reloader *r = ctx;
	struct sk_engine_build *b = calloc(1, sizeof(*b));
	if (!b)
		return -ENOMEM;
	sk_config_init(&b->cfg);
	int rc = sk_config_load(&b->cfg, r->o->config_path, r->o->overrides.v, r->o->overrides.n,
				err, errlen);
	if (rc == 0) /* the running plugins stay; changed init configs go through set_config */
		rc = setup_init(&b->s, r->o, &b->cfg, r->plugins, err, errlen);
	if (rc == 0) {
		const char *const *paths;
		unsigned n = rules_paths(r->o, &b->cfg, &paths);
		char *text = NULL;
		size_t len = 0;
		FILE *mem = open_memstream(&text, &len);
		if (!mem) {
			rc = -ENOMEM;
		} else {
			rc = n ? sk_engine_setup_load(&b->s, paths, n, mem) : -ENOENT;
			fclose(mem);
			if (n == 0)
				snprintf(err, errlen, "no rules files configured");
			else if (rc)
				first_error(text ? text : "", err, errlen);
			free(text);
		}
	}
	if (rc) {
		sk_engine_setup_fini(&b->s);
		sk_config_fini(&b->cfg);
		free(b);
		return rc;
	}
	*nrules = sk_ruleset_nrules(b->s.rs);
	*rs = b->s.rs; /* the caller's: the ruleset is freed once no thread runs it */
	b->s.rs = NULL;
	/*
	 * The ruleset keeps no pointer into the loaded rules (positions are read
	 * only while compiling): drop them now, so a build kept for its registry
	 * and plugins costs little.
	 */
	sk_rules_fini(&b->s.rules);
	sk_rules_init(&b->s.rules);
	sk_diags_fini(&b->s.diags);
	sk_diags_init(&b->s.diags);
	pthread_mutex_lock(&r->lock);
	b->older = r->builds;
	r->builds = b;
	r->cfg = &b->cfg;
	pthread_mutex_unlock(&r->lock);
	return 0;
}

unsigned sk_engine_reloader_paths(void *ctx, const char **v, unsigned cap)
{
	struct sk_engine_reloader *r = ctx;
	unsigned n = 0;
	pthread_mutex_lock(&r->lock);
	for (unsigned i = 0; i < r->cfg->nfiles && n < cap; i++)
		v[n++] = r->cfg->files[i];
	const char *const *paths;
	unsigned np = rules_paths(r->o, r->cfg, &paths);
	for (unsigned i = 0; i < np && n < cap; i++)
		v[n++] = paths[i];
	pthread_mutex_unlock(&r->lock);
	return n;
}
