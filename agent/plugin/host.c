/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Loading plugins: dlopen, the version and symbol checks of the reference
 * host, identity strings copied at once (SDKs return them from one shared
 * buffer), capabilities, init with a table API that offers no tables, and the set of
 * loaded plugins with its duplicate checks.
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "plugin_int.h"
#include "schema.h"

/* ---- small helpers ----------------------------------------------------------- */

/* A bounded copy of a plugin-owned string; NULL stays NULL. */
static char *copy_str(const char *s, size_t cap)
{
	if (!s)
		return NULL;
	return strndup(s, strnlen(s, cap));
}

/* Strict "X.Y.Z" (three unsigned decimals, nothing else). */
static bool parse_version3(const char *s, unsigned long v[3])
{
	const char *p = s;
	for (int i = 0; i < 3; i++) {
		if (*p < '0' || *p > '9')
			return false;
		char *end;
		errno = 0;
		v[i] = strtoul(p, &end, 10);
		if (errno || v[i] > 0xffffffffUL)
			return false;
		p = end;
		if (i < 2 && *p++ != '.')
			return false;
	}
	return *p == '\0';
}

/* A plugin's own semver: X.Y.Z with an optional -prerelease / +build suffix. */
static bool valid_semver(const char *s)
{
	char buf[128];
	size_t n = strcspn(s, "-+");
	if (n >= sizeof(buf))
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	unsigned long v[3];
	return parse_version3(buf, v);
}

/* ^[a-z]+[a-z0-9_]*$ (sources) or ^[a-z]+[a-z0-9-_]*$ (plugin names, dash allowed). */
static bool valid_name(const char *s, bool dash)
{
	if (*s < 'a' || *s > 'z')
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_' ||
		      (dash && *s == '-')))
			return false;
	return true;
}

static void log_cb(ss_plugin_owner_t *o, const char *component, const char *msg,
		   ss_plugin_log_severity sev)
{
	struct sk_plugin *p = o;
	if (!p || !p->host->opts.log || !msg)
		return;
	char buf[SK_PLUGIN_STR_MAX];
	snprintf(buf, sizeof(buf), "%s%s%.*s", component ? component : "", component ? ": " : "",
		 (int)strnlen(msg, SK_PLUGIN_STR_MAX), msg);
	p->host->opts.log(p->host->opts.log_ctx, p->name, (int)sev, buf);
}

void sk_plugin_log(struct sk_plugin *p, int severity, const char *fmt, ...)
{
	if (!p->host->opts.log)
		return;
	char buf[SK_PLUGIN_STR_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	p->host->opts.log(p->host->opts.log_ctx, p->name, severity, buf);
}

const char *sk_plugin_owner_last_error(ss_plugin_owner_t *o)
{
	struct sk_plugin *p = o;
	return p && p->lasterr[0] ? p->lasterr : NULL;
}

const char *sk_plugin_fetch_error(struct sk_plugin *p)
{
	const char *e = p->state ? p->api.get_last_error(p->state) : NULL;
	snprintf(p->lasterr, sizeof(p->lasterr), "%.*s",
		 (int)strnlen(e ? e : "", SK_PLUGIN_ERR_MAX), e ? e : "");
	if (!p->lasterr[0])
		snprintf(p->lasterr, sizeof(p->lasterr), "unknown error");
	return p->lasterr;
}

/* ---- host ---------------------------------------------------------------------- */

int sk_plugin_host_new(struct sk_plugin_host **out, const struct sk_plugin_host_opts *opts)
{
	struct sk_plugin_host *h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	if (opts)
		h->opts = *opts;
	if (h->opts.plugin_dir) {
		h->plugin_dir = strdup(h->opts.plugin_dir);
		if (!h->plugin_dir) {
			free(h);
			return -ENOMEM;
		}
	}
	*out = h;
	return 0;
}

static void plugin_free(struct sk_plugin *p)
{
	if (!p)
		return;
	if (p->state)
		p->api.destroy(p->state);
	/*
	 * No dlclose: it is optional, Go runtimes cannot be unloaded anyway, and
	 * a plugin thread still finishing after destroy would run unmapped code.
	 * A failed load's library stays mapped too; loads are few and bounded.
	 */
	p->dl = NULL;
	for (unsigned i = 0; i < p->nclasses; i++)
		free(p->classes[i].source);
	free(p->classes);
	for (unsigned i = 0; i < p->nfields; i++) {
		free((char *)p->fields[i].name);
		free((char *)p->fields[i].desc);
	}
	free(p->fields);
	free(p->meta);
	for (unsigned i = 0; i < p->nextract_sources; i++)
		free(p->extract_sources[i]);
	free(p->evttypes);
	free(p->name);
	free(p->version);
	free(p->description);
	free(p->contact);
	free(p->required_api);
	free(p->path);
	free(p->init_config);
	free(p->open_params);
	free(p->init_schema);
	free(p->source);
	free(p->class_name);
	pthread_mutex_destroy(&p->lock);
	free(p);
}

void sk_plugin_host_free(struct sk_plugin_host *h)
{
	if (!h)
		return;
	for (unsigned i = h->n; i-- > 0;)
		plugin_free(h->plugins[i]);
	free(h->versions);
	free(h->plugin_dir);
	free(h);
}

#define SYM(field, sym) p->api.field = (__typeof__(p->api.field))dlsym(p->dl, "plugin_" sym)

static void resolve_symbols(struct sk_plugin *p)
{
	SYM(get_required_api_version, "get_required_api_version");
	SYM(get_version, "get_version");
	SYM(get_name, "get_name");
	SYM(get_description, "get_description");
	SYM(get_contact, "get_contact");
	SYM(get_init_schema, "get_init_schema");
	SYM(init, "init");
	SYM(destroy, "destroy");
	SYM(get_last_error, "get_last_error");
	SYM(set_config, "set_config");
	SYM(get_metrics, "get_metrics");
	SYM(get_id, "get_id");
	SYM(get_event_source, "get_event_source");
	SYM(open, "open");
	SYM(close, "close");
	SYM(next_batch, "next_batch");
	SYM(get_progress, "get_progress");
	SYM(event_to_string, "event_to_string");
	SYM(list_open_params, "list_open_params");
	SYM(get_fields, "get_fields");
	SYM(extract_fields, "extract_fields");
	SYM(get_extract_event_sources, "get_extract_event_sources");
	SYM(get_extract_event_types, "get_extract_event_types");
	SYM(parse_event, "parse_event");
	SYM(get_async_events, "get_async_events");
	SYM(set_async_event_handler, "set_async_event_handler");
	SYM(capture_open, "capture_open");
	SYM(capture_close, "capture_close");
}

/* The required API version: checked before anything else (§2.1). */
static int check_api_version(struct sk_plugin *p, char *why, size_t cap)
{
	if (!p->api.get_required_api_version) {
		snprintf(why, cap, "does not export plugin_get_required_api_version");
		return -EINVAL;
	}
	p->required_api = copy_str(p->api.get_required_api_version(), 64);
	unsigned long v[3];
	if (!p->required_api || !parse_version3(p->required_api, v)) {
		snprintf(why, cap, "invalid required API version '%s'",
			 p->required_api ? p->required_api : "(null)");
		return -EINVAL;
	}
	if (v[0] != SK_PLUGIN_API_MAJOR) {
		snprintf(
		    why, cap,
		    "requires plugin API %s: major versions disagree (Saker implements %u.%u.%u)",
		    p->required_api, SK_PLUGIN_API_MAJOR, SK_PLUGIN_API_MINOR, SK_PLUGIN_API_PATCH);
		return -EINVAL;
	}
	if (v[1] > SK_PLUGIN_API_MINOR ||
	    (v[1] == SK_PLUGIN_API_MINOR && v[2] > SK_PLUGIN_API_PATCH)) {
		snprintf(why, cap, "requires plugin API %s, newer than Saker's %u.%u.%u",
			 p->required_api, SK_PLUGIN_API_MAJOR, SK_PLUGIN_API_MINOR,
			 SK_PLUGIN_API_PATCH);
		return -EINVAL;
	}
	return 0;
}

static int read_identity(struct sk_plugin *p, char *why, size_t cap)
{
	const char *missing = !p->api.get_version	? "get_version"
			      : !p->api.get_name	? "get_name"
			      : !p->api.get_description ? "get_description"
			      : !p->api.get_contact	? "get_contact"
			      : !p->api.init		? "init"
			      : !p->api.destroy		? "destroy"
			      : !p->api.get_last_error	? "get_last_error"
							: NULL;
	if (missing) {
		snprintf(why, cap, "does not export the mandatory symbol plugin_%s", missing);
		return -EINVAL;
	}
	/* One call, one copy: the next call may overwrite the previous result. */
	p->version = copy_str(p->api.get_version(), SK_PLUGIN_STR_MAX);
	p->name = copy_str(p->api.get_name(), SK_PLUGIN_STR_MAX);
	p->description = copy_str(p->api.get_description(), SK_PLUGIN_STR_MAX);
	p->contact = copy_str(p->api.get_contact(), SK_PLUGIN_STR_MAX);
	if (!p->name || !p->name[0] || !valid_name(p->name, true)) {
		snprintf(why, cap, "invalid plugin name '%s'", p->name ? p->name : "(null)");
		return -EINVAL;
	}
	if (!p->version || !valid_semver(p->version)) {
		snprintf(why, cap, "invalid plugin version '%s' (expected X.Y.Z)",
			 p->version ? p->version : "(null)");
		return -EINVAL;
	}
	if (!p->description)
		p->description = strdup("");
	if (!p->contact)
		p->contact = strdup("");
	return p->description && p->contact ? 0 : -ENOMEM;
}

static int read_capabilities(struct sk_plugin *p, char *why, size_t cap)
{
	const struct sk_plugin_api *a = &p->api;
	int nsrc = !!a->open + !!a->close + !!a->next_batch;
	if (nsrc != 0 && nsrc != 3) {
		snprintf(why, cap,
			 "exports only part of the event-sourcing symbols "
			 "(plugin_open, plugin_close, plugin_next_batch)");
		return -EINVAL;
	}
	p->cap_source = nsrc == 3;
	if (a->extract_fields && !a->get_fields) {
		snprintf(why, cap, "exports plugin_extract_fields without plugin_get_fields");
		return -EINVAL;
	}
	p->cap_extract = a->get_fields && a->extract_fields;
	p->cap_parse = a->parse_event != NULL;
	p->cap_async = a->get_async_events && a->set_async_event_handler;
	if (!p->cap_source && !p->cap_extract && !p->cap_parse && !p->cap_async) {
		snprintf(why, cap,
			 "has no capability (neither event sourcing nor field extraction)");
		return -EINVAL;
	}
	if (!p->cap_source && !p->cap_extract) {
		snprintf(why, cap,
			 "only offers parsing or async events, which Saker does not host");
		return -EINVAL;
	}
	if (!p->cap_source)
		return 0;
	p->id = a->get_id ? a->get_id() : 0;
	p->source = copy_str(a->get_event_source ? a->get_event_source() : NULL, 256);
	bool named = p->source && p->source[0];
	if ((p->id != 0) != named) {
		snprintf(why, cap,
			 "event source '%s' and id %u disagree (both or neither must be set)",
			 p->source ? p->source : "", p->id);
		return -EINVAL;
	}
	if (!named) {
		snprintf(why, cap, "produces syscall events (id 0), which Saker does not host");
		return -EINVAL;
	}
	if (!strcmp(p->source, "syscall") || !strcmp(p->source, "internal") ||
	    !strcmp(p->source, "plugins") || !valid_name(p->source, false)) {
		snprintf(why, cap, "invalid or reserved event source name '%s'", p->source);
		return -EINVAL;
	}
	return 0;
}

/* A JSON array of strings (sources list); "" or absent = empty. */
static int read_sources(struct sk_plugin *p, char *why, size_t cap)
{
	const char *txt =
	    p->api.get_extract_event_sources ? p->api.get_extract_event_sources() : NULL;
	if (txt && strnlen(txt, SK_PLUGIN_JSON_MAX) >= SK_PLUGIN_JSON_MAX) {
		snprintf(why, cap, "extract event sources list exceeds %u bytes",
			 SK_PLUGIN_JSON_MAX);
		return -EINVAL;
	}
	if (txt && txt[0]) {
		cJSON *j = cJSON_Parse(txt);
		if (!j || !cJSON_IsArray(j)) {
			cJSON_Delete(j);
			snprintf(why, cap, "extract event sources are not a JSON array");
			return -EINVAL;
		}
		cJSON *it;
		cJSON_ArrayForEach(it, j)
		{
			if (!cJSON_IsString(it) || p->nextract_sources >= SK_PLUGIN_MAX_SOURCES) {
				cJSON_Delete(j);
				snprintf(why, cap,
					 "extract event sources: expected at most %u strings",
					 SK_PLUGIN_MAX_SOURCES);
				return -EINVAL;
			}
			p->extract_sources[p->nextract_sources++] = strdup(it->valuestring);
		}
		cJSON_Delete(j);
	}
	/* A plugin with its own source always extracts from it. */
	if (p->cap_source && p->nextract_sources) {
		bool have = false;
		for (unsigned i = 0; i < p->nextract_sources; i++)
			have |= !strcmp(p->extract_sources[i], p->source);
		if (!have)
			p->extract_sources[p->nextract_sources++] = strdup(p->source);
	} else if (p->cap_source) {
		p->extract_sources[p->nextract_sources++] = strdup(p->source);
	}
	for (unsigned i = 0; i < p->nextract_sources; i++)
		if (!p->extract_sources[i])
			return -ENOMEM;
	return 0;
}

bool sk_plugin_extracts_source(const struct sk_plugin *p, const char *source)
{
	if (p->nextract_sources == 0)
		return true;
	for (unsigned i = 0; i < p->nextract_sources; i++)
		if (source && !strcmp(p->extract_sources[i], source))
			return true;
	return false;
}

bool sk_plugin_extracts_type(const struct sk_plugin *p, uint16_t type)
{
	if (p->all_types)
		return true;
	for (unsigned i = 0; i < p->nevttypes; i++)
		if (p->evttypes[i] == type)
			return true;
	return false;
}

static int read_event_types(struct sk_plugin *p)
{
	uint32_t n = 0;
	uint16_t *t = NULL;
	if (p->api.get_extract_event_types) {
		pthread_mutex_lock(&p->lock);
		t = p->api.get_extract_event_types(&n, p->state);
		if (t && n && n <= 65536u) {
			p->evttypes = malloc(n * sizeof(*t));
			if (p->evttypes) {
				memcpy(p->evttypes, t, n * sizeof(*t));
				p->nevttypes = n;
			}
		}
		pthread_mutex_unlock(&p->lock);
		if (t && n && n <= 65536u && !p->evttypes)
			return -ENOMEM;
	}
	if (p->nevttypes)
		return 0;
	/* Default: every type if syscall is among the sources, else plugin events only. */
	if (sk_plugin_extracts_source(p, "syscall")) {
		p->all_types = true;
		return 0;
	}
	p->evttypes = malloc(sizeof(uint16_t));
	if (!p->evttypes)
		return -ENOMEM;
	p->evttypes[0] = PPME_PLUGINEVENT_E;
	p->nevttypes = 1;
	return 0;
}

static int read_schema(struct sk_plugin *p)
{
	if (!p->api.get_init_schema)
		return 0;
	ss_plugin_schema_type t = SS_PLUGIN_SCHEMA_NONE;
	const char *s = p->api.get_init_schema(&t);
	if (t == SS_PLUGIN_SCHEMA_JSON && s && s[0]) {
		p->init_schema = copy_str(s, SK_PLUGIN_JSON_MAX);
		if (!p->init_schema)
			return -ENOMEM;
	}
	return 0;
}

static int init_state(struct sk_plugin *p, char *why, size_t cap)
{
	const char *cfg = p->init_config ? p->init_config : "";
	if (strlen(cfg) > SK_PLUGIN_CONFIG_MAX) {
		snprintf(why, cap, "init config exceeds %u bytes", SK_PLUGIN_CONFIG_MAX);
		return -EINVAL;
	}
	if (p->init_schema) {
		/* With a JSON schema the config is JSON, and "" means "{}" (k8saudit fails on "").
		 */
		if (!cfg[0])
			cfg = "{}";
		cJSON *j = cJSON_Parse(cfg);
		bool obj = j && cJSON_IsObject(j);
		cJSON_Delete(j);
		if (!obj) {
			snprintf(why, cap,
				 "init config is not a JSON object as the plugin's schema "
				 "requires");
			return -EINVAL;
		}
		char bad[512];
		if (sk_plugin_schema_check(p->init_schema, cfg, bad, sizeof(bad))) {
			snprintf(why, cap, "init config does not fit the plugin's schema: %s", bad);
			return -EINVAL;
		}
	}
	ss_plugin_init_input in = {
	    .config = cfg,
	    .owner = p,
	    .get_owner_last_error = sk_plugin_owner_last_error,
	    .tables = &sk_plugin_tables_none,
	    .log_fn = log_cb,
	};
	ss_plugin_rc rc = SS_PLUGIN_FAILURE;
	pthread_mutex_lock(&p->lock);
	p->state = p->api.init(&in, &rc);
	if (rc != SS_PLUGIN_SUCCESS || !p->state) {
		const char *e =
		    p->state ? sk_plugin_fetch_error(p) : "plugin_init returned no state";
		snprintf(why, cap, "init failed: %s", e);
		if (p->state)
			p->api.destroy(p->state);
		p->state = NULL;
		pthread_mutex_unlock(&p->lock);
		return -EINVAL;
	}
	pthread_mutex_unlock(&p->lock);
	return 0;
}

static int check_duplicates(struct sk_plugin_host *h, struct sk_plugin *p, char *why, size_t cap)
{
	for (unsigned i = 0; i < h->n; i++) {
		const struct sk_plugin *q = h->plugins[i];
		if (!strcmp(q->name, p->name)) {
			snprintf(why, cap, "a plugin named '%s' is already loaded", p->name);
			return -EEXIST;
		}
		if (p->cap_source && q->cap_source && p->id == q->id) {
			snprintf(why, cap, "plugin id %u is already used by plugin '%s'", p->id,
				 q->name);
			return -EEXIST;
		}
		if (p->cap_source && q->cap_source && !strcmp(p->source, q->source)) {
			snprintf(why, cap, "event source '%s' is already provided by plugin '%s'",
				 p->source, q->name);
			return -EEXIST;
		}
	}
	return 0;
}

static char *resolve_path(struct sk_plugin_host *h, const char *lib)
{
	if (lib[0] == '/' || !h->plugin_dir)
		return strdup(lib);
	char *out;
	if (asprintf(&out, "%s/%s", h->plugin_dir, lib) < 0)
		return NULL;
	return out;
}

int sk_plugin_host_load(struct sk_plugin_host *h, const struct sk_plugin_config *cfg, char *err,
			size_t errlen)
{
	const char *cname = cfg->name ? cfg->name : "";
	char why[SK_PLUGIN_ERR_MAX + 256] = "";
	int rc = -ENOMEM;
	if (h->n >= SK_PLUGIN_MAX) {
		snprintf(err, errlen, "plugin '%s': too many plugins (at most %u)", cname,
			 SK_PLUGIN_MAX);
		return -ENOSPC;
	}
	if (!cfg->library_path || !cfg->library_path[0]) {
		snprintf(err, errlen, "plugin '%s': no library_path", cname);
		return -EINVAL;
	}
	struct sk_plugin *p = calloc(1, sizeof(*p));
	if (!p) {
		snprintf(err, errlen, "plugin '%s': out of memory", cname);
		return -ENOMEM;
	}
	pthread_mutex_init(&p->lock, NULL);
	p->host = h;
	p->path = resolve_path(h, cfg->library_path);
	p->init_config = strdup(cfg->init_config ? cfg->init_config : "");
	p->open_params = strdup(cfg->open_params ? cfg->open_params : "");
	if (!p->path || !p->init_config || !p->open_params)
		goto fail;
	p->dl = dlopen(p->path, RTLD_NOW | RTLD_LOCAL);
	if (!p->dl) {
		const char *d = dlerror();
		snprintf(why, sizeof(why), "cannot load the library: %s", d ? d : "unknown error");
		rc = -ENOENT;
		goto fail;
	}
	resolve_symbols(p);
	if ((rc = check_api_version(p, why, sizeof(why))) ||
	    (rc = read_identity(p, why, sizeof(why))))
		goto fail;
	if (cfg->name && strcmp(cfg->name, p->name)) {
		snprintf(why, sizeof(why), "the library's plugin is named '%s'", p->name);
		rc = -EINVAL;
		goto fail;
	}
	if ((rc = read_capabilities(p, why, sizeof(why))) ||
	    (rc = check_duplicates(h, p, why, sizeof(why))))
		goto fail;
	if (p->cap_extract) {
		const char *fj = p->api.get_fields();
		if ((rc = sk_plugin_parse_fields(p, fj, why, sizeof(why))) ||
		    (rc = read_sources(p, why, sizeof(why))))
			goto fail;
	}
	if ((rc = read_schema(p)) || (rc = init_state(p, why, sizeof(why))))
		goto fail;
	if (p->cap_extract && (rc = read_event_types(p)))
		goto fail;
	if (asprintf(&p->class_name, "%s", p->name) < 0) {
		p->class_name = NULL;
		rc = -ENOMEM;
		goto fail;
	}
	h->plugins[h->n++] = p;
	return 0;
fail:
	if (!why[0])
		snprintf(why, sizeof(why), "%s", strerror(-rc));
	snprintf(err, errlen, "plugin '%s' (%s): %s", p->name ? p->name : cname,
		 p->path ? p->path : cfg->library_path, why);
	plugin_free(p);
	return rc ? rc : -EINVAL;
}

int sk_plugin_host_check(struct sk_plugin_host *h, char *err, size_t errlen)
{
	for (unsigned i = 0; i < h->n; i++) {
		const struct sk_plugin *p = h->plugins[i];
		if (!p->cap_extract || p->nextract_sources == 0)
			continue;
		bool fits = false;
		for (unsigned k = 0; k < p->nextract_sources && !fits; k++) {
			const char *s = p->extract_sources[k];
			fits = !strcmp(s, "syscall") || sk_plugin_host_find_source(h, s);
		}
		if (!fits) {
			snprintf(err, errlen,
				 "plugin '%s': its field extractor fits no loaded event source "
				 "(it extracts from %s%s)",
				 p->name, p->extract_sources[0],
				 p->nextract_sources > 1 ? ", ..." : "");
			return -EINVAL;
		}
	}
	return 0;
}

static int add_class(struct sk_plugin *p, const char *source)
{
	struct sk_plugin_class *c = realloc(p->classes, (p->nclasses + 1) * sizeof(*p->classes));
	if (!c)
		return -ENOMEM;
	p->classes = c;
	c = &p->classes[p->nclasses];
	memset(c, 0, sizeof(*c));
	if (source && !(c->source = strdup(source)))
		return -ENOMEM;
	c->p = p;
	c->cls = (struct sk_field_class){
	    .name = p->class_name,
	    .source = c->source,
	    .desc = p->description,
	    .fields = p->fields,
	    .nfields = p->nfields,
	    .prepare = sk_plugin_field_prepare,
	    .extract = sk_plugin_field_extract,
	};
	p->nclasses++;
	return 0;
}

static bool class_registered(const struct sk_field_registry *reg, const struct sk_plugin_class *c)
{
	if (!c->cls.nfields)
		return false;
	const char *name = c->cls.fields[0].name;
	struct sk_field_ref ref;
	return sk_field_registry_find(reg, c->source ? c->source : "syscall", name, strlen(name),
				      &ref) == 0 &&
	       ref.cls == &c->cls;
}

int sk_plugin_host_register_fields(struct sk_plugin_host *h, struct sk_field_registry *reg,
				   char *err, size_t errlen)
{
	for (unsigned i = 0; i < h->n; i++) {
		struct sk_plugin *p = h->plugins[i];
		if (!p->cap_extract)
			continue;
		int rc = 0;
		/* The classes are made once; a reload registers them in its new registry too. */
		bool fresh = p->nclasses == 0;
		if (fresh && p->nextract_sources == 0)
			rc = add_class(p, NULL);
		for (unsigned k = 0; fresh && k < p->nextract_sources && rc == 0; k++)
			rc = add_class(p, p->extract_sources[k]);
		for (unsigned k = 0; k < p->nclasses && rc == 0; k++) {
			if (class_registered(reg, &p->classes[k]))
				continue; /* registering twice in one registry is harmless */
			rc = sk_field_registry_add(reg, &p->classes[k].cls);
			if (rc == -EEXIST)
				snprintf(
				    err, errlen,
				    "plugin '%s': a field it exports already exists for source "
				    "'%s'",
				    p->name, p->classes[k].source ? p->classes[k].source : "any");
			else if (rc)
				snprintf(err, errlen, "plugin '%s': cannot register its fields: %s",
					 p->name, strerror(-rc));
		}
		if (rc)
			return rc;
	}
	return 0;
}

const struct sk_plugin_version *sk_plugin_host_versions(struct sk_plugin_host *h,
							const struct sk_plugin_version *base,
							unsigned nbase, unsigned *n)
{
	struct sk_plugin_version *v = realloc(h->versions, (nbase + h->n + 1) * sizeof(*v));
	if (!v) {
		*n = nbase;
		return base;
	}
	h->versions = v;
	for (unsigned i = 0; i < nbase; i++)
		v[i] = base[i];
	for (unsigned i = 0; i < h->n; i++)
		v[nbase + i] =
		    (struct sk_plugin_version){h->plugins[i]->name, h->plugins[i]->version};
	*n = nbase + h->n;
	return v;
}

unsigned sk_plugin_host_count(const struct sk_plugin_host *h)
{
	return h ? h->n : 0;
}

struct sk_plugin *sk_plugin_host_at(struct sk_plugin_host *h, unsigned i)
{
	return h && i < h->n ? h->plugins[i] : NULL;
}

struct sk_plugin *sk_plugin_host_find(struct sk_plugin_host *h, const char *name)
{
	for (unsigned i = 0; h && i < h->n; i++)
		if (!strcmp(h->plugins[i]->name, name))
			return h->plugins[i];
	return NULL;
}

struct sk_plugin *sk_plugin_host_find_id(struct sk_plugin_host *h, uint32_t id)
{
	for (unsigned i = 0; h && i < h->n; i++)
		if (h->plugins[i]->cap_source && h->plugins[i]->id == id)
			return h->plugins[i];
	return NULL;
}

struct sk_plugin *sk_plugin_host_find_source(struct sk_plugin_host *h, const char *source)
{
	for (unsigned i = 0; h && i < h->n; i++)
		if (h->plugins[i]->cap_source && !strcmp(h->plugins[i]->source, source))
			return h->plugins[i];
	return NULL;
}

void sk_plugin_get_info(const struct sk_plugin *p, struct sk_plugin_info *o)
{
	*o = (struct sk_plugin_info){
	    .name = p->name,
	    .version = p->version,
	    .description = p->description,
	    .contact = p->contact,
	    .required_api = p->required_api,
	    .library_path = p->path,
	    .init_config = p->init_config,
	    .open_params = p->open_params,
	    .cap_source = p->cap_source,
	    .cap_extract = p->cap_extract,
	    .cap_parse = p->cap_parse,
	    .cap_async = p->cap_async,
	    .id = p->id,
	    .source = p->source,
	    .extract_sources = (const char *const *)p->extract_sources,
	    .init_schema = p->init_schema,
	    .fields = p->fields,
	    .nfields = p->nfields,
	};
}

void sk_plugin_get_stats(const struct sk_plugin *p, struct sk_plugin_stats *o)
{
	o->events = __atomic_load_n(&p->stats.events, __ATOMIC_RELAXED);
	o->extract_calls = __atomic_load_n(&p->stats.extract_calls, __ATOMIC_RELAXED);
	o->extract_failures = __atomic_load_n(&p->stats.extract_failures, __ATOMIC_RELAXED);
	o->extract_bad = __atomic_load_n(&p->stats.extract_bad, __ATOMIC_RELAXED);
	o->bad_events = __atomic_load_n(&p->stats.bad_events, __ATOMIC_RELAXED);
}

int sk_plugin_list_open_params(struct sk_plugin *p, char *out, size_t cap)
{
	if (!p->api.list_open_params || !p->state)
		return -ENOTSUP;
	ss_plugin_rc rc = SS_PLUGIN_FAILURE;
	pthread_mutex_lock(&p->lock);
	const char *s = p->api.list_open_params(p->state, &rc);
	int n = snprintf(out, cap, "%.*s", (int)strnlen(s ? s : "", SK_PLUGIN_JSON_MAX),
			 rc == SS_PLUGIN_SUCCESS && s ? s : "");
	pthread_mutex_unlock(&p->lock);
	return rc == SS_PLUGIN_SUCCESS && n > 0 ? 0 : -ENOTSUP;
}

int sk_plugin_set_open_params(struct sk_plugin *p, const char *params)
{
	if (p->open_params && p->open_params[0])
		return -EBUSY;
	char *c = strdup(params ? params : "");
	if (!c)
		return -ENOMEM;
	free(p->open_params);
	p->open_params = c;
	return 0;
}

/* set_config as 3.4.1 defined it (3.4.0 had another signature): API 3.4.1 or later. */
static bool has_set_config(const struct sk_plugin *p)
{
	unsigned major = 0, minor = 0, patch = 0;
	if (!p->api.set_config || !p->required_api ||
	    sscanf(p->required_api, "%u.%u.%u", &major, &minor, &patch) != 3)
		return false;
	return major == 3 && (minor > 4 || (minor == 4 && patch >= 1));
}

int sk_plugin_set_config(struct sk_plugin *p, const char *config, char *err, size_t errlen)
{
	if (!has_set_config(p)) {
		snprintf(err, errlen, "plugin '%s': no set_config (API %s)", p->name,
			 p->required_api ? p->required_api : "?");
		return -ENOTSUP;
	}
	const char *raw = config ? config : "";
	if (strlen(raw) > SK_PLUGIN_CONFIG_MAX) {
		snprintf(err, errlen, "plugin '%s': config exceeds %u bytes", p->name,
			 SK_PLUGIN_CONFIG_MAX);
		return -EINVAL;
	}
	char bad[512];
	if (p->init_schema &&
	    sk_plugin_schema_check(p->init_schema, raw[0] ? raw : "{}", bad, sizeof(bad))) {
		snprintf(err, errlen, "plugin '%s': config does not fit the plugin's schema: %s",
			 p->name, bad);
		return -EINVAL;
	}
	char *copy = strdup(raw);
	if (!copy)
		return -ENOMEM;
	ss_plugin_set_config_input in = {.config = raw[0] ? raw : p->init_schema ? "{}" : ""};
	pthread_mutex_lock(&p->lock);
	ss_plugin_rc rc = p->api.set_config(p->state, &in);
	if (rc != SS_PLUGIN_SUCCESS)
		snprintf(err, errlen, "plugin '%s': set_config failed: %s", p->name,
			 sk_plugin_fetch_error(p));
	pthread_mutex_unlock(&p->lock);
	if (rc != SS_PLUGIN_SUCCESS) {
		free(copy);
		return -EIO;
	}
	free(p->init_config); /* the config in force, for the next reload to compare */
	p->init_config = copy;
	return 0;
}

static double metric_value(const ss_plugin_metric *m)
{
	switch (m->value_type) {
	case SS_PLUGIN_METRIC_VALUE_TYPE_U32:
		return m->value.u32;
	case SS_PLUGIN_METRIC_VALUE_TYPE_S32:
		return m->value.s32;
	case SS_PLUGIN_METRIC_VALUE_TYPE_U64:
		return (double)m->value.u64;
	case SS_PLUGIN_METRIC_VALUE_TYPE_S64:
		return (double)m->value.s64;
	case SS_PLUGIN_METRIC_VALUE_TYPE_D:
		return m->value.d;
	case SS_PLUGIN_METRIC_VALUE_TYPE_F:
		return m->value.f;
	case SS_PLUGIN_METRIC_VALUE_TYPE_I:
		return m->value.i;
	}
	return 0;
}

unsigned sk_plugin_metrics(struct sk_plugin *p, sk_plugin_metric_fn fn, void *ctx)
{
	if (!p->api.get_metrics || !p->state)
		return 0;
	uint32_t n = 0;
	pthread_mutex_lock(&p->lock);
	ss_plugin_metric *m = p->api.get_metrics(p->state, &n);
	unsigned done = 0;
	for (uint32_t i = 0; m && i < n && i < 4096u; i++) {
		if (!m[i].name)
			continue;
		char name[512];
		snprintf(name, sizeof(name), "%s.%.*s", p->name, 256, m[i].name);
		fn(ctx, name, m[i].type == SS_PLUGIN_METRIC_TYPE_MONOTONIC, metric_value(&m[i]));
		done++;
	}
	pthread_mutex_unlock(&p->lock);
	return done;
}
