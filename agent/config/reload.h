/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Hot reload of configuration and rules, on request (SIGHUP) and on file
 * changes (watch_config_files: inotify on the config and rules files). A
 * thread of its own builds the new ruleset (and, through prepare/commit,
 * the new outputs) beside the running ones; only if everything builds is
 * it swapped in (the event threads take the ruleset between two events, so
 * no event is lost or seen twice). A failure keeps what runs, is logged
 * and is recorded for /metrics.
 */
#ifndef SAKER_CONFIG_RELOAD_H
#define SAKER_CONFIG_RELOAD_H

#include <stdint.h>

#include "../engine/engine.h"
#include "../web/metrics.h"
#include "log.h"

#define SK_RELOAD_MAX_WATCHES 256u /* files and directories watched */
#define SK_RELOAD_SETTLE_MS 200u   /* quiet time after a change before reloading */

struct sk_reload_opts {
	/*
	 * Build a new ruleset from the files as they are now. Returns 0 with
	 * *rs (caller's reference) and *nrules, or -errno with the reason in err.
	 */
	int (*build)(void *ctx, struct sk_ruleset **rs, unsigned *nrules, char *err,
		     size_t errlen);
	/* The files and directories to watch (after the last successful build). */
	unsigned (*paths)(void *ctx, const char **v, unsigned cap);
	void *ctx;
	/*
	 * Optional: what else a reload applies (the outputs, the web server).
	 * After a successful build, prepare() readies it beside what runs;
	 * -errno (message in err) abandons the reload: the new ruleset is
	 * dropped, nothing changes. Else the ruleset is swapped, then commit()
	 * switches over; -errno from it is logged and recorded as a failure.
	 */
	int (*prepare)(void *apply_ctx, char *err, size_t errlen);
	int (*commit)(void *apply_ctx, char *err, size_t errlen);
	void *apply_ctx;
	bool watch;			/* inotify on paths() */
	struct sk_ruleset_slot *slot;	/* borrowed */
	uint64_t *gen;			/* bumped after each swap (struct sk_pipeline_opts) */
	struct sk_rules_status *status; /* borrowed, may be NULL */
	struct sk_log log;
};

struct sk_reload;

/* Start the reload thread. Returns 0 or -errno with a message in err. */
int sk_reload_start(struct sk_reload **out, const struct sk_reload_opts *opts, char *err,
		    size_t errlen);
/* Ask for a reload. Async-signal-safe (for a SIGHUP handler). */
void sk_reload_request(struct sk_reload *r);
/* Stop the thread (a reload in progress finishes first) and free. NULL is fine. */
void sk_reload_free(struct sk_reload *r);

/* Seconds since the epoch, as a double (for sk_rules_status). */
double sk_reload_now(void);

#endif
