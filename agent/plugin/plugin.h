/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The plugin host: loads shared libraries built for the Falco plugin API 3.x
 * (specs/plugin-abi.md), checks them, initialises them, registers their
 * field extractors as field classes of the rules engine, and drives their
 * event sources. Every failure names the plugin.
 *
 *   sk_plugin_host_new(&h, &opts)
 *   sk_plugin_host_load(h, &cfg, err, errlen)         once per configured plugin
 *   sk_plugin_host_check(h, err, errlen)              after the last load
 *   sk_plugin_host_register_fields(h, reg, ...)        extractors become field classes
 *   sk_plugin_host_versions(h, base, nbase, &n)         for sk_ruleset_opts.plugins
 *   sk_plugin_capture_open(p, params, &c, ...)          one thread per capture
 *   sk_plugin_capture_next(c, &evt, ...)                per event
 *
 * Threading: calls into one plugin state are serialised by the host (a
 * mutex per plugin); distinct plugins run concurrently. A capture is used
 * by one thread.
 */
#ifndef SAKER_PLUGIN_PLUGIN_H
#define SAKER_PLUGIN_PLUGIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../engine/engine.h"
#include "saker/event.h"

/* The API version Saker implements (the latest of the spec). */
#define SK_PLUGIN_API_MAJOR 3u
#define SK_PLUGIN_API_MINOR 12u
#define SK_PLUGIN_API_PATCH 0u

/* Caps on what crosses the boundary. */
#define SK_PLUGIN_MAX 32u		/* plugins loaded in one host */
#define SK_PLUGIN_STR_MAX 4096u		/* name/version/description/contact strings */
#define SK_PLUGIN_JSON_MAX (4u << 20)	/* get_fields, schemas, open-param lists */
#define SK_PLUGIN_MAX_FIELDS 1024u	/* fields one plugin exports */
#define SK_PLUGIN_MAX_SOURCES 16u	/* sources in an extract-sources list */
#define SK_PLUGIN_EVENT_MAX (64u << 20) /* bytes of one plugin event */
#define SK_PLUGIN_BATCH_MAX 65536u	/* events of one next_batch */
#define SK_PLUGIN_CONFIG_MAX (1u << 20) /* bytes of an init config */
#define SK_PLUGIN_ERR_MAX 1024u		/* PLUGIN_MAX_ERRLEN */

/* One entry of Falco's `plugins:` configuration. Strings are copied by load. */
struct sk_plugin_config {
	const char *name;	  /* must equal the plugin's get_name() */
	const char *library_path; /* absolute, or relative to the plugin directory */
	const char *init_config;  /* string, or a YAML map already converted to JSON; NULL = "" */
	const char *open_params;  /* NULL = "" */
};

/* Where plugin log lines go (the host itself never prints). */
typedef void (*sk_plugin_log_fn)(void *ctx, const char *plugin, int severity, const char *msg);

struct sk_plugin_host_opts {
	const char *plugin_dir; /* base of relative library paths; NULL = the cwd */
	sk_plugin_log_fn log;	/* NULL: plugin logs are dropped */
	void *log_ctx;
};

struct sk_plugin_host;
struct sk_plugin;

/* Counters of one plugin (atomics; read any time). */
struct sk_plugin_stats {
	uint64_t events; /* events returned by next_batch */
	uint64_t extract_calls;
	uint64_t extract_failures; /* FAILURE returned */
	uint64_t extract_bad;	   /* inconsistent results refused */
	uint64_t bad_events;	   /* malformed events refused */
};

/* Read-only description of a loaded plugin (strings owned by the host). */
struct sk_plugin_info {
	const char *name, *version, *description, *contact, *required_api, *library_path;
	const char *init_config, *open_params;
	bool cap_source, cap_extract, cap_parse, cap_async;
	uint32_t id;
	const char *source;		    /* event source, NULL without sourcing */
	const char *const *extract_sources; /* NULL-terminated; empty = every source */
	const char *init_schema;	    /* NULL without a JSON schema */
	const struct sk_field *fields;
	unsigned nfields;
};

/* Make an empty host. Returns 0 or -ENOMEM; free with sk_plugin_host_free. */
int sk_plugin_host_new(struct sk_plugin_host **out, const struct sk_plugin_host_opts *opts);

/* Destroy every plugin state (sources must be closed) and free h; h may be NULL. */
void sk_plugin_host_free(struct sk_plugin_host *h);

/*
 * dlopen cfg->library_path and check it: API version (major equal, not
 * newer than ours), mandatory symbols, semver version, name equal to
 * cfg->name, capabilities, source/id consistency, fields JSON, no duplicate
 * name/id/source with plugins already loaded; then plugin_init with the
 * config ("{}" for "" when the plugin has a JSON schema). Returns 0, or
 * -EINVAL/-ENOENT/-EEXIST/-ENOMEM with "plugin 'NAME' (PATH): why" in err;
 * nothing stays loaded on failure.
 */
int sk_plugin_host_load(struct sk_plugin_host *h, const struct sk_plugin_config *cfg, char *err,
			size_t errlen);

/*
 * Cross-plugin checks after every load: each extractor must fit a loaded
 * source (syscall or a plugin source). Returns 0 or -EINVAL naming the plugin.
 */
int sk_plugin_host_check(struct sk_plugin_host *h, char *err, size_t errlen);

/*
 * Add one field class per (extractor, compatible source) to reg; the classes
 * live in h, which must outlive reg's use. Returns 0, or -EEXIST naming the
 * plugin and field when a name clashes.
 */
int sk_plugin_host_register_fields(struct sk_plugin_host *h, struct sk_field_registry *reg,
				   char *err, size_t errlen);

/*
 * The loaded plugins as required_plugin_versions sees them, after the nbase
 * entries of base (copied). The array is owned by h and valid until the next
 * load; *n gets its length.
 */
const struct sk_plugin_version *sk_plugin_host_versions(struct sk_plugin_host *h,
							const struct sk_plugin_version *base,
							unsigned nbase, unsigned *n);

unsigned sk_plugin_host_count(const struct sk_plugin_host *h);
struct sk_plugin *sk_plugin_host_at(struct sk_plugin_host *h, unsigned i);
/* Loaded plugin by name, or NULL. */
struct sk_plugin *sk_plugin_host_find(struct sk_plugin_host *h, const char *name);
/* The source plugin with this id, or NULL. */
struct sk_plugin *sk_plugin_host_find_id(struct sk_plugin_host *h, uint32_t id);
/* The (first) source plugin for this event source, or NULL. */
struct sk_plugin *sk_plugin_host_find_source(struct sk_plugin_host *h, const char *source);

void sk_plugin_get_info(const struct sk_plugin *p, struct sk_plugin_info *out);
void sk_plugin_get_stats(const struct sk_plugin *p, struct sk_plugin_stats *out);

/*
 * Suggested open parameters (the plugin's JSON array, copied into out), or
 * -ENOTSUP when the plugin offers none.
 */
int sk_plugin_list_open_params(struct sk_plugin *p, char *out, size_t cap);

/*
 * Set the open params the runner uses for p (copied). Returns 0, -EBUSY when
 * it has some already, -ENOMEM.
 */
int sk_plugin_set_open_params(struct sk_plugin *p, const char *params);

/* Live reconfiguration through plugin_set_config. Returns 0, -ENOTSUP, or -EIO with err. */
int sk_plugin_set_config(struct sk_plugin *p, const char *config, char *err, size_t errlen);

/*
 * Call fn for each metric the plugin reports, named "<plugin>.<metric>".
 * Returns the number of metrics.
 */
typedef void (*sk_plugin_metric_fn)(void *ctx, const char *name, bool monotonic, double value);
unsigned sk_plugin_metrics(struct sk_plugin *p, sk_plugin_metric_fn fn, void *ctx);

/*
 * Per-event context the extractors need, pointed to by sk_eval_ctx.plugin_ctx:
 * the event number given to plugins (unique across every source of the
 * process, from 1; see sk_plugin_next_evtnum) and the plugin that produced
 * the event (NULL for syscall events).
 */
struct sk_plugin_event_ctx {
	uint64_t evtnum;
	struct sk_plugin *producer;
};

/* A fresh process-wide event number (atomic, never 0). */
uint64_t sk_plugin_next_evtnum(void);

/*
 * event_to_string of the producer for e (evt.plugininfo), copied into out.
 * Returns the length, or -ENOTSUP / -EIO.
 */
int sk_plugin_event_info(struct sk_plugin *p, const struct sk_plugin_event_ctx *pc,
			 const struct sk_evt *e, const char *source, char *out, size_t cap);

/*
 * evt.pluginname (name_only) or evt.plugininfo for the event in an eval
 * context whose plugin_ctx is a struct sk_plugin_event_ctx: the producer's
 * name, or its event_to_string, copied into out. Returns the length, or
 * -ENOENT when the event has no producer (syscall events), -ENOTSUP / -EIO.
 * Shaped to be the engine's hook for those two fields.
 */
int sk_plugin_ctx_info(void *plugin_ctx, const struct sk_evt *e, const char *source, bool name_only,
		       char *out, size_t cap);

/* ---- event sources -------------------------------------------------------- */

struct sk_plugin_capture;

/*
 * Open the plugin's source with params ("" when NULL). Returns 0, -ENOTSUP
 * (no sourcing), or -EIO with the plugin's error in err. Close with
 * sk_plugin_capture_close.
 */
int sk_plugin_capture_open(struct sk_plugin *p, const char *params, struct sk_plugin_capture **out,
			   char *err, size_t errlen);

/*
 * The next event, fixed up as libscap does (plugin id filled in, tid
 * UINT64_MAX, ts "now" when UINT64_MAX) and checked (type 322, two params,
 * the plugin's own id, consistent lengths). *evt points into plugin memory,
 * valid until the next call. Returns 1 (an event), 0 (end of the source),
 * -EAGAIN (nothing right now: call again), or -EIO with "plugin 'NAME': ..."
 * in err (the source is over).
 */
int sk_plugin_capture_next(struct sk_plugin_capture *c, const uint8_t **evt, uint32_t *len,
			   char *err, size_t errlen);

/* Progress in hundredths of a percent; false when the plugin cannot say. */
bool sk_plugin_capture_progress(struct sk_plugin_capture *c, uint32_t *pct);

struct sk_plugin *sk_plugin_capture_plugin(struct sk_plugin_capture *c);

/* Close the instance and free c; c may be NULL. */
void sk_plugin_capture_close(struct sk_plugin_capture *c);

#endif
