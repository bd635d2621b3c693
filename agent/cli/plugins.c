/* SPDX-License-Identifier: Apache-2.0 */
#include "plugins.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../plugin/config.h"
#include "../plugin/plugin.h"

/* Bytes read to tell a CloudTrail log ({"Records": [...]}) from audit events. */
#define SNIFF_MAX 4096u

const char *sk_cli_plugin_input(const char *path)
{
	if (!path || !strcmp(path, "-"))
		return NULL;
	char buf[SNIFF_MAX + 1];
	size_t n = 0;
	/* Only regular files are sniffed: reading a FIFO would eat its data. */
	struct stat st;
	FILE *f = stat(path, &st) == 0 && S_ISREG(st.st_mode) ? fopen(path, "rb") : NULL;
	if (f) {
		n = fread(buf, 1, SNIFF_MAX, f);
		fclose(f);
	}
	buf[n] = '\0';
	const char *p = buf + strspn(buf, " \t\r\n");
	size_t len = strlen(path);
	bool json_name = (len > 5 && !strcmp(path + len - 5, ".json")) ||
			 (len > 6 && !strcmp(path + len - 6, ".jsonl"));
	if (!json_name && *p != '{' && *p != '[')
		return NULL;
	/* {"Records": ... is a CloudTrail log file; anything else Kubernetes audit events */
	if (*p == '{') {
		p++;
		p += strspn(p, " \t\r\n");
		if (!strncmp(p, "\"Records\"", 9))
			return "cloudtrail";
	}
	return "k8saudit";
}

bool sk_cli_capture_is_plugin(const char *path)
{
	return sk_cli_plugin_input(path) != NULL;
}

bool sk_cli_syscall_enabled(const struct sk_options *o)
{
	for (unsigned i = 0; i < o->disable_sources.n; i++)
		if (!strcmp(o->disable_sources.v[i], "syscall"))
			return false;
	if (!o->enable_sources.n)
		return true;
	for (unsigned i = 0; i < o->enable_sources.n; i++)
		if (!strcmp(o->enable_sources.v[i], "syscall"))
			return true;
	return false;
}

/* --disable-source lists the sources left: every loaded plugin source not disabled joins. */
static void add_plugin_sources(struct sk_engine_setup *s, const struct sk_options *o)
{
	if (!o->disable_sources.n || !s->rs_opts.sources)
		return;
	for (unsigned i = 0; i < sk_plugin_host_count(s->plugins); i++) {
		struct sk_plugin_info in;
		sk_plugin_get_info(sk_plugin_host_at(s->plugins, i), &in);
		bool skip = !in.source || s->rs_opts.nsources >= SK_ENGINE_MAX_SOURCES;
		for (unsigned k = 0; !skip && k < o->disable_sources.n; k++)
			skip = !strcmp(o->disable_sources.v[k], in.source);
		for (unsigned k = 0; !skip && k < s->rs_opts.nsources; k++)
			skip = !strcmp(s->sources[k], in.source);
		if (!skip)
			s->sources[s->rs_opts.nsources++] = in.source;
	}
}

static bool plugin_log_verbose;

static void log_stderr(void *ctx, const char *plugin, int sev, const char *msg)
{
	if (sev <= 4 || plugin_log_verbose) /* errors and warnings unless -v */
		fprintf(stderr, "saker: plugin '%s': %s\n", plugin, msg);
}

int sk_cli_plugins_setup(struct sk_engine_setup *s, const struct sk_options *o,
			 const struct sk_config *cfg, char *err, size_t errlen)
{
	char dir[4096];
	plugin_log_verbose = o->verbose;
	struct sk_plugin_host_opts ho = {.log = log_stderr};
	if (sk_plugin_bundled_dir(dir, sizeof(dir)) == 0)
		ho.plugin_dir = dir;
	int rc = sk_plugin_host_new(&s->plugins, &ho);
	if (rc) {
		snprintf(err, errlen, "cannot create the plugin host: %s", strerror(-rc));
		return rc;
	}
	rc = sk_plugin_host_configure(s->plugins, cfg ? cfg->plugins : NULL,
				      cfg ? cfg->load_plugins : NULL, err, errlen);
	const char *input = o->capture ? sk_cli_plugin_input(o->capture) : NULL;
	if (rc == 0 && input) {
		/*
		 * Falco 0.31: -e FILE.json replays Kubernetes audit events (k8saudit);
		 * Saker also takes a CloudTrail log file (cloudtrail).
		 */
		const char *src = strcmp(input, "cloudtrail") ? "k8s_audit" : "aws_cloudtrail";
		struct sk_plugin *have = sk_plugin_host_find_source(s->plugins, src);
		if (have && sk_plugin_set_open_params(have, o->capture) == 0) {
			rc =
			    0; /* a configured plugin of that source without open params reads it */
		} else if (have) {
			snprintf(
			    err, errlen,
			    "-e %s: a %s source plugin is configured already; give the file as "
			    "its open_params instead",
			    o->capture, src);
			rc = -EINVAL;
		} else {
			rc =
			    sk_plugin_host_load_bundled(s->plugins, input, o->capture, err, errlen);
		}
		if (rc == 0 && !sk_plugin_host_find(s->plugins, "json"))
			rc = sk_plugin_host_load_bundled(s->plugins, "json", NULL, err, errlen);
	}
	if (rc == 0)
		add_plugin_sources(s, o);
	if (rc == 0)
		rc = sk_plugin_host_check(s->plugins, err, errlen);
	if (rc == 0)
		rc = sk_plugin_host_register_fields(s->plugins, s->reg, err, errlen);
	if (rc == 0)
		s->rs_opts.plugins = sk_plugin_host_versions(
		    s->plugins, s->rs_opts.plugins, s->rs_opts.nplugins, &s->rs_opts.nplugins);
	return rc;
}

int sk_cli_plugins_reuse(struct sk_engine_setup *s, const struct sk_options *o,
			 const struct sk_config *cfg, struct sk_plugin_host *running, char *err,
			 size_t errlen)
{
	s->plugins = running;
	s->plugins_borrowed = true;
	unsigned changed = 0;
	int rc = sk_plugin_host_reconfigure(running, cfg ? cfg->plugins : NULL,
					    cfg ? cfg->load_plugins : NULL, &changed);
	if (rc) {
		snprintf(err, errlen, "cannot reconfigure the plugins: %s", strerror(-rc));
		return rc;
	}
	add_plugin_sources(s, o);
	rc = sk_plugin_host_register_fields(running, s->reg, err, errlen);
	if (rc == 0)
		s->rs_opts.plugins = sk_plugin_host_versions(
		    running, s->rs_opts.plugins, s->rs_opts.nplugins, &s->rs_opts.nplugins);
	return rc;
}

int sk_cmd_list_plugins(struct sk_engine_setup *s, FILE *out)
{
	unsigned n = sk_plugin_host_count(s->plugins);
	fprintf(out, "%u Plugins Loaded:\n", n);
	for (unsigned i = 0; i < n; i++) {
		struct sk_plugin_info in;
		sk_plugin_get_info(sk_plugin_host_at(s->plugins, i), &in);
		fprintf(out,
			"\nName: %s\nDescription: %s\nContact: %s\nVersion: %s\nCapabilities:\n",
			in.name, in.description, in.contact, in.version);
		if (in.cap_source)
			fprintf(out, "  - Event Sourcing (ID=%u, source='%s')\n", in.id, in.source);
		if (in.cap_extract)
			fprintf(out, "  - Field Extraction\n");
	}
	return 0;
}

int sk_cmd_plugin_info(struct sk_engine_setup *s, const char *name, FILE *out)
{
	struct sk_plugin *p = sk_plugin_host_find(s->plugins, name);
	if (!p) {
		fprintf(out, "saker: no plugin named '%s' is loaded\n", name);
		return -ENOENT;
	}
	struct sk_plugin_info in;
	sk_plugin_get_info(p, &in);
	fprintf(out,
		"Name: %s\nDescription: %s\nContact: %s\nVersion: %s\n"
		"Required API version: %s\nLibrary: %s\nCapabilities:\n",
		in.name, in.description, in.contact, in.version, in.required_api, in.library_path);
	if (in.cap_source)
		fprintf(out, "  - Event Sourcing (ID=%u, source='%s')\n", in.id, in.source);
	if (in.cap_extract) {
		fprintf(out, "  - Field Extraction (sources:");
		if (!in.extract_sources[0])
			fprintf(out, " all");
		for (unsigned i = 0; in.extract_sources[i]; i++)
			fprintf(out, " %s", in.extract_sources[i]);
		fprintf(out, ")\n");
	}
	fprintf(out, "Init config schema type: %s\n", in.init_schema ? "JSON" : "None");
	if (in.init_schema)
		fprintf(out, "%s\n", in.init_schema);
	char params[16384];
	if (sk_plugin_list_open_params(p, params, sizeof(params)) == 0 && params[0])
		fprintf(out, "Suggested open params:\n%s\n", params);
	if (in.nfields)
		fprintf(out, "Fields:\n");
	for (unsigned i = 0; i < in.nfields; i++)
		fprintf(out, "  %-40s %s\n", in.fields[i].name, in.fields[i].desc);
	return 0;
}
