/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Saker's configuration: Falco's falco.yaml keys of both eras (0.31 and
 * current), read from a file (-c), its config_files includes, and -o
 * overrides, with ${ENV} expansion. Unknown and unsupported keys are
 * warnings that name the key and where it was set; never fatal.
 *
 *   sk_config_init(&c);
 *   sk_config_load(&c, path_or_NULL, overrides, n, err, errlen);
 *   ... c.webserver.listen_port, sk_config_get(&c, "engine.kind") ...
 *   sk_config_fini(&c);
 *
 * Every string in struct sk_config is borrowed from the tree the config
 * owns; it lives until sk_config_fini().
 */
#ifndef SAKER_CONFIG_CONFIG_H
#define SAKER_CONFIG_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#include "../engine/engine.h"
#include "tree.h"

#define SK_CONFIG_MAX_WARNINGS 256u   /* warnings kept from one load */
#define SK_CONFIG_WARNING_LEN 512u    /* bytes of one warning */
#define SK_CONFIG_MAX_FILES 64u       /* config files (main + includes) of one load */
#define SK_CONFIG_MAX_RULES_FILES 64u /* rules_file(s) entries */
#define SK_CONFIG_MAX_SELECTORS 256u  /* rules: enable/disable entries */
#define SK_CONFIG_MAX_APPENDS 64u     /* append_output entries */
#define SK_CONFIG_MAX_APPEND_ITEMS 512u /* match tags and extra_fields, over all entries */
#define SK_CONFIG_DEFAULT_PATH "/etc/saker/saker.yaml"
#define SK_OUTPUTS_QUEUE_DEFAULT 16384u /* alerts queued per output when capacity is 0 */

enum sk_log_level {
	SK_LOG_EMERGENCY,
	SK_LOG_ALERT,
	SK_LOG_CRITICAL,
	SK_LOG_ERROR,
	SK_LOG_WARNING,
	SK_LOG_NOTICE,
	SK_LOG_INFO,
	SK_LOG_DEBUG,
};

struct sk_http_output_config {
	bool enabled;
	const char *url;
	const char *user_agent; /* default "saker/VERSION" (set by the caller) */
	bool insecure;
	const char *ca_cert, *ca_bundle, *ca_path;
	bool mtls;
	const char *client_cert, *client_key;
	bool echo;
	bool compress_uploads;
	bool keep_alive;
	unsigned max_consecutive_timeouts;
};

struct sk_config {
	struct sk_corigins origins;
	struct sk_cnode *root;
	/* files read (main first, then includes), for watch_config_files */
	const char *files[SK_CONFIG_MAX_FILES];
	unsigned nfiles;
	char warnings[SK_CONFIG_MAX_WARNINGS][SK_CONFIG_WARNING_LEN];
	unsigned nwarnings, warnings_dropped;

	/* rules */
	const char *rules_files[SK_CONFIG_MAX_RULES_FILES];
	unsigned nrules_files;
	struct sk_rule_selector selectors[SK_CONFIG_MAX_SELECTORS]; /* rules: */
	unsigned nselectors;
	enum sk_priority priority;
	bool match_all;
	/* append_output (strings borrowed from root) */
	struct sk_append_output appends[SK_CONFIG_MAX_APPENDS];
	unsigned nappends;
	const char *append_tags[SK_CONFIG_MAX_APPEND_ITEMS];
	unsigned nappend_tags;
	struct sk_extra_field append_fields[SK_CONFIG_MAX_APPEND_ITEMS];
	unsigned nappend_fields;

	/* alert format */
	bool json_output, json_include_output, json_include_output_fields, json_include_tags,
		json_include_message, time_iso8601;

	/* outputs */
	bool buffered_outputs;
	double outputs_rate;	   /* alerts per second; 0 = no limit */
	double outputs_max_burst;  /* tokens */
	unsigned queue_capacity;   /* per output; 0 in the file = SK_OUTPUTS_QUEUE_DEFAULT */
	unsigned output_timeout_ms;
	bool stdout_enabled;
	struct {
		bool enabled, keep_alive;
		const char *filename;
	} file_output;
	struct {
		bool enabled;
		const char *address; /* Saker: unix socket path or udp://host:port */
	} syslog_output;
	struct {
		bool enabled, keep_alive;
		const char *program;
	} program_output;
	struct sk_http_output_config http_output;

	/* logging */
	enum sk_log_level log_level;
	bool log_stderr, log_syslog;

	/* web server */
	struct {
		bool enabled;
		unsigned listen_port;
		const char *listen_address;
		const char *healthz_endpoint;
		bool ssl_enabled;
		const char *ssl_certificate;
		bool prometheus_metrics_enabled;
	} webserver;
	bool metrics_enabled;

	/* Kubernetes metadata (Falco 0.31's k8s keys); NULL / -1 = not set */
	struct {
		int enabled; /* 1, 0, or -1 when unset */
		const char *api_server;
		const char *kubeconfig;
		const char *node_name;
	} k8s;

	/* reload */
	bool watch_config_files;

	/* read by the live agent; kept here so every era's spelling lands in one place */
	unsigned syscall_buf_size_preset;
	const struct sk_cnode *plugins, *load_plugins, *base_syscalls, *syscall_event_drops,
		*engine;
};

/* Saker's built-in defaults (used when no configuration file is given or found). */
void sk_config_init(struct sk_config *c);
void sk_config_fini(struct sk_config *c);

/*
 * Load path (NULL: SK_CONFIG_DEFAULT_PATH when it exists, else only the
 * defaults), then its config_files, then each overrides[i] ("key=value"),
 * expand ${ENV}, and read the keys. Returns 0 (warnings in c->warnings),
 * or -errno with "file:line:col: message" in err for an unreadable file,
 * invalid YAML, a malformed -o or a value of the wrong type. c must have
 * been through sk_config_init(); it is fini'd and re-initialised first.
 */
int sk_config_load(struct sk_config *c, const char *path, const char *const *overrides,
		   unsigned noverrides, char *err, size_t errlen);

/* The node at a dotted path of the loaded tree (borrowed), or NULL. */
const struct sk_cnode *sk_config_get(const struct sk_config *c, const char *path);

/* "info" etc. -> level; -EINVAL when unknown. */
int sk_log_level_parse(const char *s, enum sk_log_level *out);

/* Copy the rule-selection and format keys into engine options (strings stay borrowed). */
void sk_config_ruleset_opts(const struct sk_config *c, struct sk_ruleset_opts *o);
void sk_config_output_opts(const struct sk_config *c, struct sk_output_opts *o);

#endif
