/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What runs around any event source (a capture replay, the live probe):
 * the alert outputs, the HTTP server with /metrics, and hot reload with
 * SIGHUP. None of it depends on where events come from.
 *
 * A reload applies the whole configuration: the new outputs are opened
 * beside the running ones (held until these drain), swapped between two
 * alerts under a lock the sink takes per alert, and the old ones drained
 * and closed; the web server restarts only when its keys changed.
 *
 *   sk_services_start(&sv, &opts, err, errlen);   outputs open
 *   popts.sink = sk_services_sink(&sv); popts.ruleset_gen = &sv.gen;
 *   sk_pipeline_init(&p, slot, &popts);
 *   sk_services_add_pipeline(&sv, &p);            (each event thread)
 *   sk_services_serve(&sv, err, errlen);          web server + reload start
 *   ... events ...
 *   sk_services_stop(&sv);                         reload, web stop; outputs drained
 */
#ifndef SAKER_CONFIG_SERVICES_H
#define SAKER_CONFIG_SERVICES_H

#include <pthread.h>
#include <stdio.h>

#include "../outputs/outputs.h"
#include "../web/metrics.h"
#include "../web/web.h"
#include "config.h"
#include "log.h"
#include "reload.h"

struct sk_services_opts {
	const struct sk_config *cfg; /* borrowed for the services' lifetime */
	const char *version;
	FILE *stdout_f;	 /* the stdout output's stream */
	bool unbuffered; /* -U: flush every batch whatever buffered_outputs says */
	bool replay;	 /* the source can wait: full output queues block instead of dropping */
	struct sk_ruleset_slot *slot;
	/* reload callbacks (struct sk_reload_opts); build NULL = no reload */
	int (*build)(void *ctx, struct sk_ruleset **rs, unsigned *nrules, char *err,
		     size_t errlen);
	unsigned (*paths)(void *ctx, const char **v, unsigned cap);
	void *ctx;
	/*
	 * Where build() leaves the configuration it read (struct
	 * sk_engine_reloader.cfg), read on the reload thread after each build;
	 * the configuration must outlive the services. NULL: a reload changes
	 * the rules only.
	 */
	const struct sk_config *const *config_now;
	struct sk_log log;
};

struct sk_services {
	struct sk_services_opts opts;
	/* the outputs alerts go to, their alert format and configuration; swapped under out_lock */
	pthread_rwlock_t out_lock;
	struct sk_outputs *outputs;
	struct sk_output_opts format;
	bool format_set; /* false until a reload: the pipeline's own format */
	const struct sk_config *cfg;
	/* prepared by a reload, swapped in by its commit */
	struct sk_outputs *next;
	const struct sk_config *next_cfg;
	struct sk_web *web;
	const struct sk_config *web_cfg; /* the configuration the web server runs */
	struct sk_reload *reload;
	struct sk_rules_status status;
	struct sk_metrics_sources metrics;
	uint64_t gen;			/* ruleset generation (struct sk_pipeline_opts) */
	uint64_t kernel_drops, user_drops; /* the event source stores its drop counts here */
	char user_agent[64];
};

/*
 * Open the outputs. Returns 0 or -errno with a message in err (nothing
 * left running). sv is the caller's; sk_services_stop() in every case after 0.
 */
int sk_services_start(struct sk_services *sv, const struct sk_services_opts *o, char *err,
		      size_t errlen);
struct sk_alert_sink sk_services_sink(struct sk_services *sv);
/* Export an event thread's counters in /metrics (before sk_services_serve). */
void sk_services_add_pipeline(struct sk_services *sv, struct sk_pipeline *p);
/* Record the first load of the rules for /metrics. */
void sk_services_rules_loaded(struct sk_services *sv, double started, double duration,
			      unsigned nrules);
/*
 * Start the web server (when enabled) and the reload thread, and route
 * SIGHUP to it. Returns 0 or -errno with a message in err.
 */
int sk_services_serve(struct sk_services *sv, char *err, size_t errlen);
/* Stop reload and the web server, drain and close the outputs. */
void sk_services_stop(struct sk_services *sv);

#endif
