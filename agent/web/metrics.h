/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The agent's metrics in the Prometheus text exposition format (0.0.4):
 * events by source and type, kernel and user drops, alerts by rule and
 * priority, output queue depths and drops, rule load status and time,
 * state table sizes, drops and evictions (summed over the event threads),
 * memory. Rendered on demand from the live counters of the event path,
 * the outputs and the rules loader; nothing here is on the event path.
 */
#ifndef SAKER_WEB_METRICS_H
#define SAKER_WEB_METRICS_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "../outputs/outputs.h"
#include "../pipeline.h"

#define SK_METRICS_MAX_BYTES (8u << 20) /* one rendering of /metrics */
#define SK_METRICS_MAX_PIPELINES 64u    /* event threads exported */
#define SK_RULES_ERROR_MAX 512u         /* bytes of the last load error kept */
#define SK_METRICS_MAX_PLUGIN_METRICS 1024u /* metrics reported by all plugins, exported */

struct sk_plugin_host;

/* The rules loader's last results, written by the loader, read by /metrics. */
struct sk_rules_status {
	pthread_mutex_t lock;
	bool loaded;	      /* a ruleset is running */
	bool last_ok;	      /* the last load (or reload) succeeded */
	uint64_t loads, failures;
	double last_attempt;  /* seconds since the epoch */
	double last_success;
	double last_duration; /* seconds the last load took */
	unsigned nrules;      /* enabled rules of the running ruleset */
	char last_error[SK_RULES_ERROR_MAX];
};

void sk_rules_status_init(struct sk_rules_status *s);
void sk_rules_status_fini(struct sk_rules_status *s);
/* Record one load attempt (error is NULL on success). */
void sk_rules_status_record(struct sk_rules_status *s, bool ok, double started,
			    double duration, unsigned nrules, const char *error);

/* What /metrics reads; every pointer is borrowed and may be NULL. */
struct sk_metrics_sources {
	const char *version;
	double start_time; /* seconds since the epoch */
	struct sk_pipeline *pipelines[SK_METRICS_MAX_PIPELINES];
	unsigned npipelines;
	struct sk_outputs *outputs;
	pthread_rwlock_t *outputs_lock; /* held for reading while outputs is used (a reload
					   swaps them); NULL = none */
	struct sk_rules_status *rules;
	const uint64_t *kernel_drops; /* read with __atomic loads */
	const uint64_t *user_drops;
	/* loaded plugins: the host's counters and the plugins' own metrics, by plugin */
	struct sk_plugin_host *plugins;
};

/*
 * Render every metric into a new buffer (*out, NUL-terminated, caller
 * frees; *len its length). Returns 0, -ENOMEM, or -E2BIG past
 * SK_METRICS_MAX_BYTES.
 */
int sk_metrics_render(const struct sk_metrics_sources *m, char **out, size_t *len);

#endif
