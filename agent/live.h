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
#include "config/config.h"
#include "engine/engine.h"
#include "saker/probe.h"

/* Caps on configuration values read by live mode. */
#define SK_LIVE_DROP_RATE_MAX 1000.0 /* syscall_event_drops.rate, tokens/s */
#define SK_LIVE_DROP_BURST_MAX 1000u /* syscall_event_drops.max_burst */
#define SK_LIVE_CUSTOM_SET_MAX 512u  /* entries of base_syscalls.custom_set */

/*
 * The syscalls the live probe must report: those whose events the enabled
 * rules of rs are indexed under (rs may be NULL) plus those state tracking
 * needs (processes, fds, users, cwd). want has SK_PROBE_NR_MAX entries;
 * every entry is written. has_filler (SK_PROBE_NR_MAX entries, may be NULL)
 * says which syscalls have an event of their own: generic syscalls are
 * reported when a rule names them (evt.type = mlock) or with all.
 */
void sk_live_interest(const struct sk_ruleset *rs, bool all, const bool *has_filler, bool *want);

/*
 * Apply base_syscalls.custom_set entries to want: "name" adds the syscall,
 * "!name" removes it. Returns 0, or -ENOENT with the unknown name in err.
 */
int sk_live_interest_custom(bool *want, const char *const *set, unsigned n, char *err,
			    size_t errlen);

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

/* What live mode reads from the configuration. */
struct sk_live_settings {
	struct sk_drop_cfg drops; /* syscall_event_drops */
	int buf_size_preset;      /* engine.modern_ebpf.buf_size_preset or syscall_buf_size_preset; 0 = default */
	uint32_t ringbuf_bytes;   /* engine.modern_ebpf.ringbuf_bytes (Saker): exact per-CPU size; 0 = preset */
	bool all_syscalls;        /* base_syscalls.all */
	/* base_syscalls.custom_set: names added ("name") or removed ("!name"); borrowed from the config */
	const char *custom_set[SK_LIVE_CUSTOM_SET_MAX];
	unsigned ncustom;
};

/*
 * Read the live-mode keys of cfg (with Falco's defaults for absent ones).
 * Returns 0, or -EINVAL with "where: key: message" in err.
 */
int sk_live_settings_read(struct sk_live_settings *ls, const struct sk_config *cfg, char *err,
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
 * by the caller); alerts go to the outputs of cfg (as a replay's do), the
 * summary to out, errors to errf. version is the agent's (for /version).
 * Returns 0, or -errno (probe cannot load, not root, drop action exit).
 */
int sk_live_run(struct sk_engine_setup *s, const struct sk_options *o, const struct sk_config *cfg,
		const char *version, FILE *out, FILE *errf);

#endif
