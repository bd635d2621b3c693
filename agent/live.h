/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Live mode: `saker` without -e. Opens the eBPF probe, marks the syscalls the
 * loaded rules and state tracking need (-A: all), attaches, seeds state from
 * /proc, then feeds every probe event through the agent pipeline until
 * SIGINT/SIGTERM or -M seconds; -w also writes the events as a capture
 * Debian sysdig reads (live_capture.h). Ring-buffer drops are checked once
 * a second and handled as Falco's syscall_event_drops says.
 */
#ifndef SAKER_AGENT_LIVE_H
#define SAKER_AGENT_LIVE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "cli/engine_setup.h"
#include "cli/options.h"
#include "engine/engine.h"
#include "saker/probe.h"

/* Caps on -o values read by live mode. */
#define SK_LIVE_DROP_RATE_MAX 1000.0 /* syscall_event_drops.rate, tokens/s */
#define SK_LIVE_DROP_BURST_MAX 1000u /* syscall_event_drops.max_burst */

/*
 * The syscalls the live probe must report: those whose events the enabled
 * rules of rs are indexed under (rs may be NULL) plus those state tracking
 * needs (processes, fds, users, cwd). want has SK_PROBE_NR_MAX entries;
 * every entry is written. has_filler (SK_PROBE_NR_MAX entries, may be NULL)
 * says which syscalls have an event of their own: generic syscalls are
 * reported only with all.
 */
void sk_live_interest(const struct sk_ruleset *rs, bool all, const bool *has_filler, bool *want);

/* Falco's syscall_event_drops configuration. */
enum sk_drop_action {
	SK_DROP_IGNORE = 0,
	SK_DROP_LOG = 1u << 0,
	SK_DROP_ALERT = 1u << 1,
	SK_DROP_EXIT = 1u << 2,
};

struct sk_drop_cfg {
	double threshold; /* drops / events of the last second above which actions run */
	unsigned actions; /* enum sk_drop_action bits */
	double rate;      /* actions per second (token bucket) */
	unsigned max_burst;
};

/* Falco's defaults: threshold .1, actions log+alert, rate .03333, max_burst 1. */
void sk_drop_cfg_default(struct sk_drop_cfg *c);

/*
 * Apply one -o key=value if it is a live-mode key (syscall_event_drops.*,
 * syscall_buf_size_preset). Returns 1 when applied, 0 when the key is not
 * a live-mode key, -EINVAL with a message naming kv in err when the value
 * is bad.
 */
int sk_live_config_apply(struct sk_drop_cfg *c, int *buf_size_preset, const char *kv, char *err,
			 size_t errlen);

/* Counters of one check, the delta since the previous check. */
struct sk_drop_delta {
	uint64_t events;
	uint64_t drops;
};

struct sk_drop_mgr {
	struct sk_drop_cfg cfg;
	double tokens;
	uint64_t last_ns;      /* time of the previous check (token refill) */
	uint64_t prev_events, prev_drops;
	uint64_t detected;     /* checks that saw drops above the threshold */
	uint64_t actions_taken;
};

void sk_drop_mgr_init(struct sk_drop_mgr *m, const struct sk_drop_cfg *cfg, uint64_t now_ns);

/*
 * One check with the probe's cumulative counters at now_ns. Returns the
 * actions to take now (0 when none: no drops, under the threshold, or the
 * token bucket is empty) and the delta since the previous check.
 */
unsigned sk_drop_mgr_check(struct sk_drop_mgr *m, uint64_t now_ns, uint64_t events, uint64_t drops,
			   struct sk_drop_delta *delta);

/*
 * Format Falco's drop alert (rule "Falco internal: syscall event drop",
 * priority Critical, source internal) as text or JSON per o. Writes at most
 * cap bytes, NUL-terminated.
 */
void sk_drop_alert_format(const struct sk_drop_delta *d, uint64_t ts, const struct sk_output_opts *o,
			  char *out, size_t cap);

/* Name of Saker's default rules file. */
#define SK_LIVE_DEFAULT_RULES "saker_rules.yaml"

/*
 * Find the default rules file: $SAKER_RULES_DIR/saker_rules.yaml, else
 * beside the binary's directory D: D/../share/saker/, D/../rules/,
 * D/../../rules/ (build/bin/saker in the source tree) and
 * D/../../../rules/ (build/san/bin/saker), else /etc/saker/. Writes the
 * path to out and returns 0, or -ENOENT with every place tried in err.
 */
int sk_live_default_rules(char *out, size_t cap, char *err, size_t errlen);

/*
 * Run live until SIGINT/SIGTERM or o->duration_s. Rules are s->rs (loaded
 * by the caller). Alerts and the summary go to out, errors to errf.
 * Returns 0, or -errno (probe cannot load, not root, drop action exit).
 */
int sk_live_run(struct sk_engine_setup *s, const struct sk_options *o, FILE *out, FILE *errf);

#endif
