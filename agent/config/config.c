/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <libgen.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/*
 * The keys Saker knows, of every Falco era. LEAF and SECTION keys are read;
 * OPAQUE keys hold lists or maps read as a whole (by us or by the live
 * agent and plugin host); IGNORED keys are Falco's but do nothing in Saker
 * (a warning says so).
 */
enum key_class { LEAF, SECTION, OPAQUE, IGNORED };

static const struct known_key {
	const char *path;
	enum key_class cls;
} known_keys[] = {
	{"config_files", OPAQUE},
	{"watch_config_files", LEAF},
	{"rules_file", OPAQUE},
	{"rules_files", OPAQUE},
	{"rules", OPAQUE},
	{"engine", OPAQUE},
	{"load_plugins", OPAQUE},
	{"plugins", OPAQUE},
	{"time_format_iso_8601", LEAF},
	{"priority", LEAF},
	{"json_output", LEAF},
	{"json_include_output_property", LEAF},
	{"json_include_message_property", LEAF},
	{"json_include_output_fields_property", LEAF},
	{"json_include_tags_property", LEAF},
	{"buffered_outputs", LEAF},
	{"rule_matching", LEAF},
	{"outputs", SECTION},
	{"outputs.rate", LEAF},
	{"outputs.max_burst", LEAF},
	{"outputs_queue", SECTION},
	{"outputs_queue.capacity", LEAF},
	{"append_output", OPAQUE},
	{"stdout_output", SECTION},
	{"stdout_output.enabled", LEAF},
	{"syslog_output", SECTION},
	{"syslog_output.enabled", LEAF},
	{"syslog_output.address", LEAF},
	{"file_output", SECTION},
	{"file_output.enabled", LEAF},
	{"file_output.keep_alive", LEAF},
	{"file_output.filename", LEAF},
	{"http_output", SECTION},
	{"http_output.enabled", LEAF},
	{"http_output.url", LEAF},
	{"http_output.user_agent", LEAF},
	{"http_output.insecure", LEAF},
	{"http_output.ca_cert", LEAF},
	{"http_output.ca_bundle", LEAF},
	{"http_output.ca_path", LEAF},
	{"http_output.mtls", LEAF},
	{"http_output.client_cert", LEAF},
	{"http_output.client_key", LEAF},
	{"http_output.echo", LEAF},
	{"http_output.compress_uploads", LEAF},
	{"http_output.keep_alive", LEAF},
	{"http_output.max_consecutive_timeouts", LEAF},
	{"program_output", SECTION},
	{"program_output.enabled", LEAF},
	{"program_output.keep_alive", LEAF},
	{"program_output.program", LEAF},
	{"webserver", SECTION},
	{"webserver.enabled", LEAF},
	{"webserver.threadiness", IGNORED},
	{"webserver.listen_port", LEAF},
	{"webserver.listen_address", LEAF},
	{"webserver.k8s_healthz_endpoint", LEAF},
	{"webserver.k8s_audit_endpoint", IGNORED},
	{"webserver.prometheus_metrics_enabled", LEAF},
	{"webserver.ssl_enabled", LEAF},
	{"webserver.ssl_certificate", LEAF},
	{"log_stderr", LEAF},
	{"log_syslog", LEAF},
	{"log_level", LEAF},
	{"output_timeout", LEAF},
	{"syscall_event_drops", OPAQUE},
	{"syscall_buf_size_preset", LEAF},
	{"k8s", SECTION},
	{"k8s.enabled", LEAF},
	{"k8s.api_server", LEAF},
	{"k8s.kubeconfig", LEAF},
	{"k8s.node_name", LEAF},
	{"metrics", SECTION},
	{"metrics.enabled", LEAF},
	{"base_syscalls", OPAQUE},
	/* Falco's, without effect in Saker */
	{"metrics.interval", IGNORED},
	{"metrics.output_rule", IGNORED},
	{"metrics.output_file", IGNORED},
	{"metrics.rules_counters_enabled", IGNORED},
	{"metrics.resource_utilization_enabled", IGNORED},
	{"metrics.state_counters_enabled", IGNORED},
	{"metrics.kernel_event_counters_enabled", IGNORED},
	{"metrics.kernel_event_counters_per_cpu_enabled", IGNORED},
	{"metrics.libbpf_stats_enabled", IGNORED},
	{"metrics.plugins_metrics_enabled", IGNORED},
	{"metrics.kernel_iter_event_counters_enabled", IGNORED},
	{"metrics.jemalloc_stats_enabled", IGNORED},
	{"metrics.convert_memory_to_mb", IGNORED},
	{"metrics.include_empty_values", IGNORED},
	{"capture", IGNORED},
	{"plugins_hostinfo", IGNORED},
	{"buffer_format_base64", IGNORED},
	{"libs_logger", IGNORED},
	{"syscall_event_timeouts", IGNORED},
	{"falco_libs", IGNORED},
	{"static_fields", IGNORED},
	{"grpc", IGNORED},
	{"grpc_output", IGNORED},
	{"metadata_download", IGNORED},
	{"modern_bpf", IGNORED},
	{"container_engines", IGNORED},
};

static const struct known_key *find_key(const char *path)
{
	for (size_t i = 0; i < sizeof(known_keys) / sizeof(known_keys[0]); i++)
		if (!strcmp(known_keys[i].path, path))
			return &known_keys[i];
	return NULL;
}

static void warn(struct sk_config *c, const struct sk_cnode *at, const char *fmt, ...)
{
	if (c->nwarnings >= SK_CONFIG_MAX_WARNINGS) {
		c->warnings_dropped++;
		return;
	}
	char where[512], msg[SK_CONFIG_WARNING_LEN];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	char *out = c->warnings[c->nwarnings++];
	int n = at ? snprintf(out, SK_CONFIG_WARNING_LEN, "%s: %s",
			      sk_cnode_where(at, where, sizeof(where)), msg)
		   : snprintf(out, SK_CONFIG_WARNING_LEN, "%s", msg);
	if (n >= (int)SK_CONFIG_WARNING_LEN)
		memcpy(out + SK_CONFIG_WARNING_LEN - 4, "...", 4);
}

/* Warn about every key of map (at path prefix) that Saker does not read. */
static void check_keys(struct sk_config *c, const struct sk_cnode *map, const char *prefix)
{
	for (unsigned i = 0; i < map->n; i++) {
		char path[SK_CONFIG_MAX_PATH];
		snprintf(path, sizeof(path), "%s%s%s", prefix, *prefix ? "." : "", map->keys[i]);
		const struct known_key *k = find_key(path);
		const struct sk_cnode *v = map->vals[i];
		if (!k)
			warn(c, v, "unknown configuration key '%s'", path);
		else if (k->cls == IGNORED)
			warn(c, v, "configuration key '%s' is not supported by Saker; ignored", path);
		else if (k->cls == SECTION && v->kind == SK_CNODE_MAP)
			check_keys(c, v, path);
	}
}

/* ---- typed reads ------------------------------------------------------- */

struct reader {
	struct sk_config *c;
	char *err;
	size_t errlen;
};

static int bad(struct reader *r, const struct sk_cnode *n, const char *path, const char *want)
{
	char where[512];
	snprintf(r->err, r->errlen, "%s: %s: expected %s, got '%s'",
		 sk_cnode_where(n, where, sizeof(where)), path, want,
		 n->kind == SK_CNODE_SCALAR ? n->str : n->kind == SK_CNODE_MAP ? "a map" : "a list");
	return -EINVAL;
}

/* The scalar at path, NULL when absent or null; -EINVAL through *rc when not a scalar. */
static const struct sk_cnode *scalar(struct reader *r, const char *path, int *rc)
{
	const struct sk_cnode *n = sk_cnode_path(r->c->root, path);
	if (!n || sk_cnode_is_null(n))
		return NULL;
	if (n->kind != SK_CNODE_SCALAR) {
		*rc = bad(r, n, path, "a scalar");
		return NULL;
	}
	return n;
}

static int get_bool(struct reader *r, const char *path, bool *out)
{
	int rc = 0;
	const struct sk_cnode *n = scalar(r, path, &rc);
	if (!n)
		return rc;
	static const char *const yes[] = {"true", "yes", "on", "1"};
	static const char *const no[] = {"false", "no", "off", "0"};
	for (int i = 0; i < 4; i++) {
		if (!strcasecmp(n->str, yes[i])) {
			*out = true;
			return 0;
		}
		if (!strcasecmp(n->str, no[i])) {
			*out = false;
			return 0;
		}
	}
	return bad(r, n, path, "true or false");
}

static int get_str(struct reader *r, const char *path, const char **out)
{
	int rc = 0;
	const struct sk_cnode *n = scalar(r, path, &rc);
	if (n)
		*out = n->str;
	return rc;
}

static int get_double(struct reader *r, const char *path, double min, double max, double *out)
{
	int rc = 0;
	const struct sk_cnode *n = scalar(r, path, &rc);
	if (!n)
		return rc;
	char *end;
	errno = 0;
	double v = strtod(n->str, &end);
	if (*end || end == n->str || errno || isnan(v) || v < min || v > max) {
		char want[96];
		snprintf(want, sizeof(want), "a number from %g to %g", min, max);
		return bad(r, n, path, want);
	}
	*out = v;
	return 0;
}

static int get_uint(struct reader *r, const char *path, unsigned max, unsigned *out)
{
	double v = *out;
	int rc = get_double(r, path, 0, max, &v);
	if (rc == 0 && v != floor(v))
		return bad(r, sk_cnode_path(r->c->root, path), path, "a whole number");
	*out = (unsigned)v;
	return rc;
}

/* A string or a list of strings into v[0..*n). */
static int get_strlist(struct reader *r, const char *path, const char **v, unsigned cap,
		       unsigned *n)
{
	const struct sk_cnode *node = sk_cnode_path(r->c->root, path);
	if (!node || sk_cnode_is_null(node))
		return 0;
	*n = 0;
	if (node->kind == SK_CNODE_SCALAR) {
		v[(*n)++] = node->str;
		return 0;
	}
	if (node->kind != SK_CNODE_SEQ)
		return bad(r, node, path, "a file name or a list of them");
	for (unsigned i = 0; i < node->n; i++) {
		const struct sk_cnode *it = node->vals[i];
		if (it->kind != SK_CNODE_SCALAR)
			return bad(r, it, path, "a file name");
		if (*n >= cap) {
			warn(r->c, it, "%s: more than %u entries; the rest are ignored", path, cap);
			break;
		}
		v[(*n)++] = it->str;
	}
	return 0;
}

/* rules: [{enable|disable: {rule: glob} | {tag: t}}] */
static int get_selectors(struct reader *r)
{
	const struct sk_cnode *seq = sk_cnode_path(r->c->root, "rules");
	if (!seq || sk_cnode_is_null(seq))
		return 0;
	if (seq->kind != SK_CNODE_SEQ)
		return bad(r, seq, "rules", "a list of enable/disable entries");
	for (unsigned i = 0; i < seq->n; i++) {
		const struct sk_cnode *e = seq->vals[i];
		const struct sk_cnode *sel = sk_cnode_get(e, "enable");
		bool enable = sel != NULL;
		if (!sel)
			sel = sk_cnode_get(e, "disable");
		const struct sk_cnode *rule = sk_cnode_get(sel, "rule");
		const struct sk_cnode *tag = sk_cnode_get(sel, "tag");
		if (!sel || (!rule && !tag) || (rule && rule->kind != SK_CNODE_SCALAR) ||
		    (tag && tag->kind != SK_CNODE_SCALAR))
			return bad(r, e, "rules", "{enable|disable: {rule: NAME} or {tag: TAG}}");
		if (r->c->nselectors >= SK_CONFIG_MAX_SELECTORS) {
			warn(r->c, e, "rules: more than %u entries; the rest are ignored",
			     SK_CONFIG_MAX_SELECTORS);
			break;
		}
		r->c->selectors[r->c->nselectors++] = (struct sk_rule_selector){
			.enable = enable,
			.rule = rule ? rule->str : NULL,
			.tag = tag ? tag->str : NULL,
		};
	}
	return 0;
}

/* A scalar or a list of scalars into the shared append_output tags. */
static int get_append_tags(struct reader *r, const struct sk_cnode *n,
			   struct sk_append_output *a)
{
	const struct sk_cnode *const *v =
		n->kind == SK_CNODE_SEQ ? (const struct sk_cnode *const *)n->vals : &n;
	unsigned count = n->kind == SK_CNODE_SEQ ? n->n : 1;
	a->tags = &r->c->append_tags[r->c->nappend_tags];
	for (unsigned i = 0; i < count; i++) {
		if (v[i]->kind != SK_CNODE_SCALAR)
			return bad(r, v[i], "append_output.match.tags", "a tag");
		if (r->c->nappend_tags >= SK_CONFIG_MAX_APPEND_ITEMS) {
			snprintf(r->err, r->errlen, "append_output: more than %u tags and fields",
				 SK_CONFIG_MAX_APPEND_ITEMS);
			return -E2BIG;
		}
		r->c->append_tags[r->c->nappend_tags++] = v[i]->str;
		a->ntags++;
	}
	return 0;
}

/* match: {source, rule, tags}; every key set must match. */
static int get_append_match(struct reader *r, const struct sk_cnode *m,
			    struct sk_append_output *a)
{
	if (m->kind != SK_CNODE_MAP)
		return bad(r, m, "append_output.match", "a map of source, rule, tags");
	for (unsigned i = 0; i < m->n; i++) {
		const struct sk_cnode *v = m->vals[i];
		const char *k = m->keys[i];
		if (!strcmp(k, "tags")) {
			int rc = get_append_tags(r, v, a);
			if (rc)
				return rc;
			continue;
		}
		if (strcmp(k, "source") && strcmp(k, "rule")) {
			warn(r->c, v, "append_output.match: unknown key '%s' ignored", k);
			continue;
		}
		if (v->kind != SK_CNODE_SCALAR)
			return bad(r, v, "append_output.match", "a scalar");
		if (!strcmp(k, "source"))
			a->source = v->str;
		else
			a->rule = v->str;
	}
	return 0;
}

/* extra_fields: a list of field names or single {name: format} maps. */
static int get_append_fields(struct reader *r, const struct sk_cnode *l,
			     struct sk_append_output *a)
{
	if (l->kind != SK_CNODE_SEQ)
		return bad(r, l, "append_output.extra_fields", "a list");
	a->fields = &r->c->append_fields[r->c->nappend_fields];
	for (unsigned i = 0; i < l->n; i++) {
		const struct sk_cnode *e = l->vals[i];
		struct sk_extra_field f;
		if (e->kind == SK_CNODE_SCALAR)
			f = (struct sk_extra_field){.name = e->str};
		else if (e->kind == SK_CNODE_MAP && e->n == 1 &&
			 e->vals[0]->kind == SK_CNODE_SCALAR)
			f = (struct sk_extra_field){.name = e->keys[0], .format = e->vals[0]->str};
		else
			return bad(r, e, "append_output.extra_fields", "a field or {name: format}");
		if (r->c->nappend_fields >= SK_CONFIG_MAX_APPEND_ITEMS) {
			snprintf(r->err, r->errlen, "append_output: more than %u tags and fields",
				 SK_CONFIG_MAX_APPEND_ITEMS);
			return -E2BIG;
		}
		r->c->append_fields[r->c->nappend_fields++] = f;
		a->nfields++;
	}
	return 0;
}

/* One append_output entry: match, extra_output, extra_fields, suggested_output. */
static int get_append_entry(struct reader *r, const struct sk_cnode *e,
			    struct sk_append_output *a)
{
	if (e->kind != SK_CNODE_MAP)
		return bad(r, e, "append_output", "a list of maps");
	int rc = 0;
	for (unsigned i = 0; i < e->n && rc == 0; i++) {
		const struct sk_cnode *v = e->vals[i];
		const char *k = e->keys[i];
		if (!strcmp(k, "match"))
			rc = sk_cnode_is_null(v) ? 0 : get_append_match(r, v, a);
		else if (!strcmp(k, "extra_fields"))
			rc = sk_cnode_is_null(v) ? 0 : get_append_fields(r, v, a);
		else if (!strcmp(k, "extra_output") && v->kind == SK_CNODE_SCALAR)
			a->extra_output = sk_cnode_is_null(v) ? NULL : v->str;
		else if (!strcmp(k, "extra_output"))
			rc = bad(r, v, "append_output.extra_output", "a format string");
		else if (strcmp(k, "suggested_output")) /* plugins' suggested fields: none built in */
			warn(r->c, v, "append_output: unknown key '%s' ignored", k);
	}
	return rc;
}

/* append_output: the entries, in order (struct sk_append_output). */
static int get_append_output(struct reader *r)
{
	const struct sk_cnode *seq = sk_cnode_path(r->c->root, "append_output");
	if (!seq || sk_cnode_is_null(seq))
		return 0;
	if (seq->kind != SK_CNODE_SEQ)
		return bad(r, seq, "append_output", "a list");
	for (unsigned i = 0; i < seq->n; i++) {
		if (r->c->nappends >= SK_CONFIG_MAX_APPENDS) {
			warn(r->c, seq->vals[i],
			     "append_output: more than %u entries; the rest are ignored",
			     SK_CONFIG_MAX_APPENDS);
			break;
		}
		struct sk_append_output *a = &r->c->appends[r->c->nappends];
		memset(a, 0, sizeof(*a));
		int rc = get_append_entry(r, seq->vals[i], a);
		if (rc)
			return rc;
		if (a->extra_output || a->nfields)
			r->c->nappends++;
	}
	return 0;
}

static int get_enum(struct reader *r)
{
	int rc = 0;
	const struct sk_cnode *n = scalar(r, "priority", &rc);
	if (n && sk_priority_parse(n->str, &r->c->priority))
		return bad(r, n, "priority", "emergency, alert, critical, error, warning, notice, "
					     "informational or debug");
	if (rc)
		return rc;
	n = scalar(r, "rule_matching", &rc);
	if (n && strcmp(n->str, "first") && strcmp(n->str, "all"))
		return bad(r, n, "rule_matching", "first or all");
	if (n)
		r->c->match_all = !strcmp(n->str, "all");
	if (rc)
		return rc;
	n = scalar(r, "log_level", &rc);
	if (n && sk_log_level_parse(n->str, &r->c->log_level))
		return bad(r, n, "log_level", "emergency, alert, critical, error, warning, notice, "
					      "info or debug");
	return rc;
}

static int read_keys(struct sk_config *c, char *err, size_t errlen)
{
	struct reader r = {.c = c, .err = err, .errlen = errlen};
	struct {
		const char *path;
		bool *v;
	} bools[] = {
		{"watch_config_files", &c->watch_config_files},
		{"time_format_iso_8601", &c->time_iso8601},
		{"json_output", &c->json_output},
		{"json_include_output_property", &c->json_include_output},
		{"json_include_message_property", &c->json_include_message},
		{"json_include_output_fields_property", &c->json_include_output_fields},
		{"json_include_tags_property", &c->json_include_tags},
		{"buffered_outputs", &c->buffered_outputs},
		{"stdout_output.enabled", &c->stdout_enabled},
		{"syslog_output.enabled", &c->syslog_output.enabled},
		{"file_output.enabled", &c->file_output.enabled},
		{"file_output.keep_alive", &c->file_output.keep_alive},
		{"program_output.enabled", &c->program_output.enabled},
		{"program_output.keep_alive", &c->program_output.keep_alive},
		{"http_output.enabled", &c->http_output.enabled},
		{"http_output.insecure", &c->http_output.insecure},
		{"http_output.mtls", &c->http_output.mtls},
		{"http_output.echo", &c->http_output.echo},
		{"http_output.compress_uploads", &c->http_output.compress_uploads},
		{"http_output.keep_alive", &c->http_output.keep_alive},
		{"log_stderr", &c->log_stderr},
		{"log_syslog", &c->log_syslog},
		{"webserver.enabled", &c->webserver.enabled},
		{"webserver.ssl_enabled", &c->webserver.ssl_enabled},
		{"webserver.prometheus_metrics_enabled", &c->webserver.prometheus_metrics_enabled},
		{"metrics.enabled", &c->metrics_enabled},
	};
	struct {
		const char *path;
		const char **v;
	} strs[] = {
		{"file_output.filename", &c->file_output.filename},
		{"syslog_output.address", &c->syslog_output.address},
		{"program_output.program", &c->program_output.program},
		{"http_output.url", &c->http_output.url},
		{"http_output.user_agent", &c->http_output.user_agent},
		{"http_output.ca_cert", &c->http_output.ca_cert},
		{"http_output.ca_bundle", &c->http_output.ca_bundle},
		{"http_output.ca_path", &c->http_output.ca_path},
		{"http_output.client_cert", &c->http_output.client_cert},
		{"http_output.client_key", &c->http_output.client_key},
		{"webserver.listen_address", &c->webserver.listen_address},
		{"webserver.k8s_healthz_endpoint", &c->webserver.healthz_endpoint},
		{"webserver.ssl_certificate", &c->webserver.ssl_certificate},
		{"k8s.api_server", &c->k8s.api_server},
		{"k8s.kubeconfig", &c->k8s.kubeconfig},
		{"k8s.node_name", &c->k8s.node_name},
	};
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < sizeof(bools) / sizeof(bools[0]); i++)
		rc = get_bool(&r, bools[i].path, bools[i].v);
	for (size_t i = 0; rc == 0 && i < sizeof(strs) / sizeof(strs[0]); i++)
		rc = get_str(&r, strs[i].path, strs[i].v);
	c->k8s.enabled = -1;
	if (rc == 0 && sk_cnode_path(c->root, "k8s.enabled")) {
		bool on = false;
		rc = get_bool(&r, "k8s.enabled", &on);
		c->k8s.enabled = on;
	}
	if (rc == 0)
		rc = get_double(&r, "outputs.rate", 0, 1e12, &c->outputs_rate);
	if (rc == 0)
		rc = get_double(&r, "outputs.max_burst", 0, 1e12, &c->outputs_max_burst);
	if (rc == 0)
		rc = get_uint(&r, "outputs_queue.capacity", 1u << 24, &c->queue_capacity);
	if (rc == 0)
		rc = get_uint(&r, "output_timeout", 3600000u, &c->output_timeout_ms);
	if (rc == 0)
		rc = get_uint(&r, "webserver.listen_port", 65535u, &c->webserver.listen_port);
	if (rc == 0)
		rc = get_uint(&r, "http_output.max_consecutive_timeouts", 1u << 20,
			      &c->http_output.max_consecutive_timeouts);
	if (rc == 0)
		rc = get_uint(&r, "syscall_buf_size_preset", 10, &c->syscall_buf_size_preset);
	if (rc == 0)
		rc = get_enum(&r);
	/* rules_files (0.38+) wins over rules_file (0.31) when both are set */
	if (rc == 0)
		rc = get_strlist(&r, sk_cnode_path(c->root, "rules_files") ? "rules_files"
									     : "rules_file",
				 c->rules_files, SK_CONFIG_MAX_RULES_FILES, &c->nrules_files);
	if (rc == 0)
		rc = get_selectors(&r);
	if (rc == 0)
		rc = get_append_output(&r);
	c->plugins = sk_cnode_path(c->root, "plugins");
	c->load_plugins = sk_cnode_path(c->root, "load_plugins");
	c->base_syscalls = sk_cnode_path(c->root, "base_syscalls");
	c->syscall_event_drops = sk_cnode_path(c->root, "syscall_event_drops");
	c->engine = sk_cnode_path(c->root, "engine");
	return rc;
}

/* ---- loading ----------------------------------------------------------- */

void sk_config_init(struct sk_config *c)
{
	memset(c, 0, sizeof(*c));
	c->priority = SK_PRIO_DEBUG;
	c->json_include_output = true;
	c->json_include_output_fields = true;
	c->json_include_tags = true;
	c->outputs_rate = 0;
	c->outputs_max_burst = 1000;
	c->output_timeout_ms = 2000;
	c->stdout_enabled = true;
	c->file_output.filename = "./events.txt";
	c->syslog_output.address = "/dev/log";
	c->http_output.ca_path = "/etc/ssl/certs";
	c->http_output.max_consecutive_timeouts = 5;
	c->log_level = SK_LOG_INFO;
	c->log_stderr = true;
	c->webserver.listen_port = 8765;
	c->webserver.listen_address = "0.0.0.0";
	c->webserver.healthz_endpoint = "/healthz";
	c->webserver.ssl_certificate = "/etc/saker/saker.pem";
	c->watch_config_files = true;
}

void sk_config_fini(struct sk_config *c)
{
	sk_cnode_free(c->root);
	sk_corigins_fini(&c->origins);
	memset(c, 0, sizeof(*c));
}

const struct sk_cnode *sk_config_get(const struct sk_config *c, const char *path)
{
	return sk_cnode_path(c->root, path);
}

int sk_log_level_parse(const char *s, enum sk_log_level *out)
{
	static const char *const names[] = {"emergency", "alert", "critical", "error",
					    "warning",   "notice", "info",     "debug"};
	for (int i = 0; i < 8; i++) {
		if (!strcasecmp(s, names[i])) {
			*out = (enum sk_log_level)i;
			return 0;
		}
	}
	return -EINVAL;
}

static int add_file(struct sk_config *c, const char *path)
{
	const char *p = sk_corigins_add(&c->origins, path);
	if (!p)
		return -ENOMEM;
	if (c->nfiles < SK_CONFIG_MAX_FILES)
		c->files[c->nfiles++] = p;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int include_file(struct sk_config *c, const char *path, enum sk_merge_strategy s,
			char *err, size_t errlen)
{
	struct sk_cnode *inc;
	int rc = sk_cnode_parse_file(path, &c->origins, &inc, err, errlen);
	if (rc)
		return rc;
	rc = add_file(c, path);
	const struct sk_cnode *nested = sk_cnode_get(inc, "config_files");
	if (nested) {
		warn(c, nested, "config_files in an included file is ignored (no nesting)");
		/* drop the key so the main file's list survives the merge */
		for (unsigned i = 0; i < inc->n; i++) {
			if (!strcmp(inc->keys[i], "config_files")) {
				free(inc->keys[i]);
				sk_cnode_free(inc->vals[i]);
				inc->keys[i] = inc->keys[inc->n - 1];
				inc->vals[i] = inc->vals[inc->n - 1];
				inc->n--;
				break;
			}
		}
	}
	return rc ? (sk_cnode_free(inc), rc) : sk_cnode_merge(c->root, inc, s);
}

/* A config_files entry: a file, or every regular file of a directory in name order. */
static int include_path(struct sk_config *c, const struct sk_cnode *at, const char *path,
			enum sk_merge_strategy s, char *err, size_t errlen)
{
	struct stat st;
	if (stat(path, &st)) {
		warn(c, at, "config_files: '%s' cannot be read (%s); skipped", path,
		     strerror(errno));
		return 0;
	}
	if (!S_ISDIR(st.st_mode))
		return include_file(c, path, s, err, errlen);
	DIR *d = opendir(path);
	if (!d) {
		warn(c, at, "config_files: cannot list '%s' (%s); skipped", path, strerror(errno));
		return 0;
	}
	char *names[SK_CONFIG_MAX_FILES];
	unsigned n = 0;
	struct dirent *de;
	int rc = 0;
	while ((de = readdir(d)) && rc == 0) {
		char full[4096];
		if (snprintf(full, sizeof(full), "%s/%s", path, de->d_name) >= (int)sizeof(full) ||
		    stat(full, &st) || !S_ISREG(st.st_mode))
			continue;
		if (n >= SK_CONFIG_MAX_FILES) {
			warn(c, at, "config_files: more than %u files in '%s'; the rest are skipped",
			     SK_CONFIG_MAX_FILES, path);
			break;
		}
		names[n] = strdup(full);
		if (!names[n])
			rc = -ENOMEM;
		else
			n++;
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), cmp_str);
	for (unsigned i = 0; i < n; i++) {
		if (rc == 0)
			rc = include_file(c, names[i], s, err, errlen);
		free(names[i]);
	}
	return rc;
}

static int load_includes(struct sk_config *c, const char *main_path, char *err, size_t errlen)
{
	struct sk_cnode *list = sk_cnode_get(c->root, "config_files");
	if (!list || sk_cnode_is_null(list))
		return 0;
	/* Take the list out of the tree while merging: includes may not touch it. */
	if (list->kind == SK_CNODE_SCALAR) {
		warn(c, list, "config_files: expected a list; treated as a list of one");
	} else if (list->kind != SK_CNODE_SEQ) {
		warn(c, list, "config_files: expected a list; ignored");
		return 0;
	}
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s", main_path);
	char *d = dirname(dir);
	unsigned n = list->kind == SK_CNODE_SEQ ? list->n : 1;
	for (unsigned i = 0; i < n; i++) {
		/* re-fetch: a merge may have replaced nothing but the list must stay valid */
		list = sk_cnode_get(c->root, "config_files");
		const struct sk_cnode *e = list->kind == SK_CNODE_SEQ ? list->vals[i] : list;
		const struct sk_cnode *p = e;
		enum sk_merge_strategy s = SK_MERGE_APPEND;
		if (e->kind == SK_CNODE_MAP) {
			p = sk_cnode_get(e, "path");
			const struct sk_cnode *st = sk_cnode_get(e, "strategy");
			if (st && st->kind == SK_CNODE_SCALAR && !strcmp(st->str, "override"))
				s = SK_MERGE_OVERRIDE;
			else if (st && st->kind == SK_CNODE_SCALAR && !strcmp(st->str, "add-only"))
				s = SK_MERGE_ADD_ONLY;
			else if (st && (st->kind != SK_CNODE_SCALAR || strcmp(st->str, "append")))
				warn(c, st, "config_files: unknown strategy; 'append' is used");
		}
		if (!p || p->kind != SK_CNODE_SCALAR || !*p->str) {
			warn(c, e, "config_files: an entry is neither a path nor {path, strategy}");
			continue;
		}
		char full[4096];
		if (p->str[0] == '/')
			snprintf(full, sizeof(full), "%s", p->str);
		else
			snprintf(full, sizeof(full), "%s/%s", d, p->str);
		char pbuf[4096];
		snprintf(pbuf, sizeof(pbuf), "%s", full);
		int rc = include_path(c, e, pbuf, s, err, errlen);
		if (rc)
			return rc;
	}
	return 0;
}

int sk_config_load(struct sk_config *c, const char *path, const char *const *overrides,
		   unsigned noverrides, char *err, size_t errlen)
{
	sk_config_fini(c);
	sk_config_init(c);
	int rc;
	if (!path && access(SK_CONFIG_DEFAULT_PATH, F_OK) == 0)
		path = SK_CONFIG_DEFAULT_PATH;
	if (path) {
		rc = sk_cnode_parse_file(path, &c->origins, &c->root, err, errlen);
		if (rc == 0)
			rc = add_file(c, path);
		if (rc == 0)
			rc = load_includes(c, path, err, errlen);
	} else {
		c->root = sk_cnode_new(SK_CNODE_MAP, sk_corigins_add(&c->origins, "defaults"));
		rc = c->root ? 0 : -ENOMEM;
	}
	for (unsigned i = 0; rc == 0 && i < noverrides; i++) {
		char name[SK_CONFIG_MAX_PATH + 16];
		snprintf(name, sizeof(name), "-o '%s'", overrides[i]);
		const char *where = sk_corigins_add(&c->origins, name);
		rc = where ? sk_cnode_override(c->root, overrides[i], where, err, errlen) : -ENOMEM;
	}
	if (rc == 0)
		rc = sk_cnode_expand_env(c->root, err, errlen);
	if (rc == 0) {
		check_keys(c, c->root, "");
		rc = read_keys(c, err, errlen);
	}
	if (rc == -ENOMEM)
		snprintf(err, errlen, "out of memory reading the configuration");
	return rc;
}

void sk_config_ruleset_opts(const struct sk_config *c, struct sk_ruleset_opts *o)
{
	o->min_priority = c->priority;
	o->match_all = c->match_all;
	o->selectors = c->selectors;
	o->nselectors = c->nselectors;
	o->appends = c->appends;
	o->nappends = c->nappends;
}

void sk_config_output_opts(const struct sk_config *c, struct sk_output_opts *o)
{
	o->json = c->json_output;
	o->time_iso8601 = c->time_iso8601;
	o->json_include_output = c->json_include_output;
	o->json_include_output_fields = c->json_include_output_fields;
	o->json_include_tags = c->json_include_tags;
	o->json_include_message = c->json_include_message;
}
