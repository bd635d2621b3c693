/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Running plugin event sources: one thread per source plugin, each with its
 * own pipeline over the shared ruleset slot and the shared alert sink; and
 * the dispatch of plugin events met in a .scap capture to the pipeline of
 * their source.
 */
#ifndef SAKER_PLUGIN_RUNNER_H
#define SAKER_PLUGIN_RUNNER_H

#include <pthread.h>
#include <stdio.h>

#include "../pipeline.h"
#include "plugin.h"
#include "saker/scap.h"

struct sk_plugin_runner_opts {
	struct sk_ruleset_slot *slot;
	/* template for every source's pipeline (source and plugin_ctx are set per source) */
	struct sk_pipeline_opts popts;
	struct sk_scap_writer *writer; /* -w: every event is also written here; may be NULL */
	long duration_s;	       /* stop after this long; 0 = until every source ends */
	/* the enabled event sources (sk_ruleset_opts.sources); NULL = every source */
	const char *const *sources;
	unsigned nsources;
	sk_plugin_log_fn log; /* source errors and the end of each source */
	void *log_ctx;
};

struct sk_plugin_source_run {
	struct sk_plugin_runner *r;
	struct sk_plugin *p;
	struct sk_plugin_capture *cap;
	struct sk_pipeline pipe;
	struct sk_plugin_event_ctx pctx;
	pthread_t thread;
	bool started;
	int rc;
	char err[1024];
};

struct sk_plugin_runner {
	struct sk_plugin_runner_opts o;
	struct sk_plugin_source_run runs[SK_PLUGIN_MAX];
	unsigned n;
	bool stop; /* atomic */
	pthread_mutex_t write_lock; /* held for each write to o.writer, by all writers */
};

/*
 * Start writing every event to w (NULL: stop) from now on, for a writer
 * that was not ready at start (live -w: after the /proc scan is written).
 * Whoever else writes to w must hold r->write_lock while doing so. r must be
 * started.
 */
void sk_plugin_runner_set_writer(struct sk_plugin_runner *r, struct sk_scap_writer *w);

/*
 * Open and start every source plugin of h that has open params (or only
 * the plugin named only, when not NULL). Returns 0 (possibly with no source),
 * or -errno with "plugin 'NAME': ..." in err (nothing left running).
 */
int sk_plugin_runner_start(struct sk_plugin_runner *r, struct sk_plugin_host *h,
			   const struct sk_plugin_runner_opts *o, const char *only, char *err,
			   size_t errlen);
/* Ask every source to stop after its current event. */
void sk_plugin_runner_stop(struct sk_plugin_runner *r);
/*
 * Make SIGINT and SIGTERM stop every runner's sources (for runs that are
 * only plugin sources; the live probe has handlers of its own).
 */
void sk_plugin_runner_handle_signals(void);
/* Print every loaded plugin's metrics ("   <plugin>.<metric>: value"). */
void sk_plugin_host_print_metrics(struct sk_plugin_host *h, FILE *out);
/* Wait for every source; the first error goes to errf. Returns 0 or that error. */
int sk_plugin_runner_wait(struct sk_plugin_runner *r, FILE *errf);
/* Add every source pipeline's counters to c. */
void sk_plugin_runner_counts(const struct sk_plugin_runner *r, struct sk_pipeline_counts *c);
/* Close the sources and free their pipelines (after wait). */
void sk_plugin_runner_fini(struct sk_plugin_runner *r);

/* Plugin events (code 322) of a capture, evaluated with the rules of their source. */
struct sk_plugin_dispatch {
	struct sk_plugin_host *h;
	struct sk_ruleset_slot *slot;
	struct sk_pipeline_opts popts;
	struct sk_pipeline *pipes[SK_PLUGIN_MAX];
	struct sk_plugin_event_ctx pctx[SK_PLUGIN_MAX];
	uint64_t unknown; /* events of plugins not loaded */
};

void sk_plugin_dispatch_init(struct sk_plugin_dispatch *d, struct sk_plugin_host *h,
			     struct sk_ruleset_slot *slot, const struct sk_pipeline_opts *popts);
/* Evaluate one 322 event. Returns 0, or -ENOENT when its plugin is not loaded. */
int sk_plugin_dispatch_event(struct sk_plugin_dispatch *d, const struct sk_evt *e);
void sk_plugin_dispatch_counts(const struct sk_plugin_dispatch *d, struct sk_pipeline_counts *c);
void sk_plugin_dispatch_fini(struct sk_plugin_dispatch *d);

#endif
