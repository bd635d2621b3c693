/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Falco's plugin configuration read from the configuration tree:
 *   plugins: [{name, library_path, init_config (string or map), open_params}]
 *   load_plugins: [names]   absent = every entry of plugins:, present = only these
 * A name in load_plugins without a plugins: entry is Saker's bundled plugin
 * of that name, with an empty configuration.
 */
#include <errno.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "../config/tree.h"
#include "config.h"
#include "plugin_int.h"

int sk_plugin_bundled_dir(char *out, size_t cap)
{
	const char *env = getenv("SAKER_PLUGIN_DIR");
	if (env && env[0]) {
		snprintf(out, cap, "%s", env);
		return 0;
	}
	char exe[4096];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		snprintf(out, cap, "%s/../plugins", dirname(exe));
		if (access(out, R_OK) == 0)
			return 0;
	}
	snprintf(out, cap, "%s", SK_PLUGIN_SYSTEM_DIR);
	return access(out, R_OK) == 0 ? 0 : -ENOENT;
}

int sk_plugin_bundled_path(const char *name, char *out, size_t cap)
{
	char dir[4096];
	if (sk_plugin_bundled_dir(dir, sizeof(dir)))
		return -ENOENT;
	int n = snprintf(out, cap, "%.3000s/lib%.200s.so", dir, name);
	if (n < 0 || (size_t)n >= cap)
		return -ENAMETOOLONG;
	return access(out, R_OK) == 0 ? 0 : -ENOENT;
}

/* A YAML scalar as JSON: plain true/false/null/numbers keep their type. */
static cJSON *scalar_json(const struct sk_cnode *n)
{
	if (!n->plain)
		return cJSON_CreateString(n->str);
	if (sk_cnode_is_null(n))
		return cJSON_CreateNull();
	if (!strcmp(n->str, "true") || !strcmp(n->str, "True") || !strcmp(n->str, "TRUE"))
		return cJSON_CreateTrue();
	if (!strcmp(n->str, "false") || !strcmp(n->str, "False") || !strcmp(n->str, "FALSE"))
		return cJSON_CreateFalse();
	char *end;
	double d = strtod(n->str, &end);
	if (n->str[0] && !*end && strcspn(n->str, "xXnN") == strlen(n->str))
		return cJSON_CreateNumber(d);
	return cJSON_CreateString(n->str);
}

static cJSON *tree_json(const struct sk_cnode *n, unsigned depth)
{
	if (depth > 256)
		return NULL;
	if (n->kind == SK_CNODE_SCALAR)
		return scalar_json(n);
	cJSON *o = n->kind == SK_CNODE_MAP ? cJSON_CreateObject() : cJSON_CreateArray();
	for (unsigned i = 0; o && i < n->n; i++) {
		cJSON *v = tree_json(n->vals[i], depth + 1);
		if (!v) {
			cJSON_Delete(o);
			return NULL;
		}
		if (n->kind == SK_CNODE_MAP)
			cJSON_AddItemToObject(o, n->keys[i], v);
		else
			cJSON_AddItemToArray(o, v);
	}
	return o;
}

/* init_config: a string verbatim, a map or sequence as compact JSON. */
static char *init_config_text(const struct sk_cnode *n)
{
	if (!n || sk_cnode_is_null(n))
		return strdup("");
	if (n->kind == SK_CNODE_SCALAR)
		return strdup(n->str);
	cJSON *j = tree_json(n, 0);
	char *t = j ? cJSON_PrintUnformatted(j) : NULL;
	cJSON_Delete(j);
	return t;
}

static const char *scalar(const struct sk_cnode *map, const char *key)
{
	const struct sk_cnode *v = sk_cnode_get(map, key);
	return v && v->kind == SK_CNODE_SCALAR && !sk_cnode_is_null(v) ? v->str : NULL;
}

static bool selected(const struct sk_cnode *load, const char *name)
{
	if (!load)
		return true;
	for (unsigned i = 0; i < load->n; i++)
		if (load->vals[i]->kind == SK_CNODE_SCALAR && !strcmp(load->vals[i]->str, name))
			return true;
	return false;
}

static int load_entry(struct sk_plugin_host *h, const struct sk_cnode *e, char *err, size_t errlen)
{
	char where[256], path[4096];
	sk_cnode_where(e, where, sizeof(where));
	const char *name = scalar(e, "name"), *lib = scalar(e, "library_path");
	if (e->kind != SK_CNODE_MAP || !name) {
		snprintf(err, errlen, "%s: a plugins: entry needs a name", where);
		return -EINVAL;
	}
	if (!lib) {
		if (sk_plugin_bundled_path(name, path, sizeof(path))) {
			snprintf(err, errlen, "%s: plugin '%s' has no library_path", where, name);
			return -EINVAL;
		}
		lib = path;
	}
	char *init = init_config_text(sk_cnode_get(e, "init_config"));
	if (!init)
		return -ENOMEM;
	struct sk_plugin_config c = {
	    .name = name,
	    .library_path = lib,
	    .init_config = init,
	    .open_params = scalar(e, "open_params"),
	};
	char why[2048];
	int rc = sk_plugin_host_load(h, &c, why, sizeof(why));
	if (rc)
		snprintf(err, errlen, "%s: %s", where, why);
	free(init);
	return rc;
}

int sk_plugin_host_load_bundled(struct sk_plugin_host *h, const char *name, const char *open_params,
				char *err, size_t errlen)
{
	char path[4096];
	if (sk_plugin_bundled_path(name, path, sizeof(path))) {
		snprintf(err, errlen, "plugin '%s': no bundled library %s", name, path);
		return -ENOENT;
	}
	struct sk_plugin_config c = {
	    .name = name, .library_path = path, .open_params = open_params};
	return sk_plugin_host_load(h, &c, err, errlen);
}

int sk_plugin_host_configure(struct sk_plugin_host *h, const struct sk_cnode *plugins,
			     const struct sk_cnode *load_plugins, char *err, size_t errlen)
{
	char where[256];
	if (plugins && !sk_cnode_is_null(plugins) && plugins->kind != SK_CNODE_SEQ) {
		snprintf(err, errlen, "%s: plugins must be a sequence",
			 sk_cnode_where(plugins, where, sizeof(where)));
		return -EINVAL;
	}
	if (load_plugins && sk_cnode_is_null(load_plugins))
		load_plugins = NULL;
	if (load_plugins && load_plugins->kind != SK_CNODE_SEQ) {
		snprintf(err, errlen, "%s: load_plugins must be a sequence",
			 sk_cnode_where(load_plugins, where, sizeof(where)));
		return -EINVAL;
	}
	unsigned np = plugins && plugins->kind == SK_CNODE_SEQ ? plugins->n : 0;
	for (unsigned i = 0; i < np; i++) {
		const struct sk_cnode *e = plugins->vals[i];
		const char *name = e->kind == SK_CNODE_MAP ? scalar(e, "name") : NULL;
		if (name && !selected(load_plugins, name))
			continue;
		int rc = load_entry(h, e, err, errlen);
		if (rc)
			return rc;
	}
	/* load_plugins names without an entry: the bundled plugin of that name */
	for (unsigned i = 0; load_plugins && i < load_plugins->n; i++) {
		const struct sk_cnode *n = load_plugins->vals[i];
		if (n->kind != SK_CNODE_SCALAR || sk_plugin_host_find(h, n->str))
			continue;
		bool listed = false;
		for (unsigned k = 0; k < np && !listed; k++) {
			const char *name = scalar(plugins->vals[k], "name");
			listed = name && !strcmp(name, n->str);
		}
		if (listed)
			continue;
		char why[2048];
		int rc = sk_plugin_host_load_bundled(h, n->str, NULL, why, sizeof(why));
		if (rc) {
			snprintf(err, errlen, "%s: load_plugins: %s",
				 sk_cnode_where(n, where, sizeof(where)), why);
			return rc;
		}
	}
	return 0;
}

static void note(struct sk_plugin_host *h, const char *plugin, int severity, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void note(struct sk_plugin_host *h, const char *plugin, int severity, const char *fmt, ...)
{
	if (!h->opts.log)
		return;
	char msg[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	h->opts.log(h->opts.log_ctx, plugin, severity, msg);
}

/* One entry of a reloaded configuration against the running plugin of its name. */
static int reconfigure_entry(struct sk_plugin_host *h, const struct sk_cnode *e, unsigned *changed)
{
	char where[256];
	sk_cnode_where(e, where, sizeof(where));
	const char *name = scalar(e, "name");
	struct sk_plugin *p = name ? sk_plugin_host_find(h, name) : NULL;
	if (!p) {
		note(h, name ? name : "?", 4, "%s: not loaded; a restart loads new plugins", where);
		return 0;
	}
	char *init = init_config_text(sk_cnode_get(e, "init_config"));
	if (!init)
		return -ENOMEM;
	struct sk_plugin_info in;
	sk_plugin_get_info(p, &in);
	if (strcmp(init, in.init_config ? in.init_config : "")) {
		char why[2048];
		int rc = sk_plugin_set_config(p, init, why, sizeof(why));
		if (rc == 0)
			(*changed)++;
		else if (rc == -ENOMEM)
			note(h, name, 3, "%s: init_config not applied: out of memory", where);
		else if (rc == -ENOTSUP)
			note(h, name, 4, "%s: init_config changed but %s; it applies at restart",
			     where, why);
		else
			note(h, name, 3, "%s: %s; the plugin keeps its previous config", where,
			     why);
	}
	free(init);
	return 0;
}

int sk_plugin_host_reconfigure(struct sk_plugin_host *h, const struct sk_cnode *plugins,
			       const struct sk_cnode *load_plugins, unsigned *changed)
{
	*changed = 0;
	if (load_plugins && sk_cnode_is_null(load_plugins))
		load_plugins = NULL;
	if (!plugins || plugins->kind != SK_CNODE_SEQ ||
	    (load_plugins && load_plugins->kind != SK_CNODE_SEQ))
		return 0;
	for (unsigned i = 0; i < plugins->n; i++) {
		const struct sk_cnode *e = plugins->vals[i];
		const char *name = e->kind == SK_CNODE_MAP ? scalar(e, "name") : NULL;
		if (!name || !selected(load_plugins, name))
			continue;
		int rc = reconfigure_entry(h, e, changed);
		if (rc)
			return rc;
	}
	return 0;
}
