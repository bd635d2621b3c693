/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The agent's event path, whatever the source (a capture, the live probe):
 * each event updates state, meets the rules indexed under its code, and
 * every match becomes an alert handed to the alert sink. One pipeline per
 * event thread; the ruleset it evaluates is taken from a slot so a reload
 * swaps it between two events.
 */
#ifndef SAKER_PIPELINE_H
#define SAKER_PIPELINE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "engine/engine.h"
#include "saker/scap.h"
#include "state/state.h"

#define SK_PIPELINE_ALERT_MAX (64u * 1024u)   /* bytes of one formatted alert */
#define SK_PIPELINE_SCRATCH_MAX (256u * 1024u) /* extractor scratch per event */
#define SK_PIPELINE_MAX_MATCHES 256u          /* rules matching one event (rule_matching: all) */

/* Where alerts go: stdout until the outputs module takes over. */
struct sk_alert_sink {
	void *ctx;
	/* text is the formatted alert (text line or JSON object), without newline. */
	void (*emit)(void *ctx, const struct sk_rule *rule, uint64_t ts, const char *text);
	/*
	 * Optional, for sinks whose outputs a reload replaces: begin() before
	 * each alert returns the alert format to use (NULL = sk_pipeline_opts.out;
	 * its hostname is kept) and holds the outputs until end(), after emit(),
	 * so an alert is formatted for and delivered to the same outputs.
	 */
	const struct sk_output_opts *(*begin)(void *ctx);
	void (*end)(void *ctx);
};

struct sk_pipeline_opts {
	bool all_events;                    /* -A: evaluate high-volume events too */
	const struct sk_output_opts *out;   /* alert format */
	const char *hostname;
	struct sk_alert_sink sink;
	/*
	 * Bumped (atomically) by whoever swaps the slot's ruleset; the pipeline
	 * takes the new ruleset before the next event when it changes. NULL:
	 * only sk_pipeline_refresh() changes the ruleset.
	 */
	const uint64_t *ruleset_gen;
	/*
	 * The event source this pipeline evaluates (NULL = "syscall"). A plugin
	 * source keeps no state; plugin_ctx (a struct sk_plugin_event_ctx, set
	 * per event by the caller) reaches the plugins' extractors.
	 */
	const char *source;
	void *plugin_ctx;
	/* Names the producer of a plugin event (sk_eval_ctx.plugin_info). */
	int (*plugin_info)(void *plugin_ctx, const struct sk_evt *e, const char *source,
			   bool name_only, char *out, size_t cap);
};

struct sk_pipeline_counts {
	uint64_t events;       /* events seen (evt.num of the last one) */
	uint64_t evaluated;    /* events that met the rules */
	uint64_t alerts;
	uint64_t by_priority[SK_PRIO_COUNT];
	/* events by code; read by other threads (/metrics) with __atomic loads */
	uint64_t by_code[SK_EVT_TABLE_SIZE];
};

struct sk_pipeline {
	struct sk_pipeline_opts opts;
	struct sk_ruleset_slot *slot;
	struct sk_ruleset *rs; /* reference held while processing */
	int src;               /* index of the pipeline's source in rs, or -1 */
	bool plugin_source;    /* not "syscall": no state, every event evaluated */
	struct sk_state state;
	struct sk_render_resolver resolver;
	struct sk_eval_ctx ctx;
	struct sk_pipeline_counts counts;
	uint64_t seen_gen;
	char *alert;
	char *scratch;
};

/*
 * Set up p over the ruleset in slot (borrowed; must outlive p). Returns 0 or
 * -ENOMEM.
 */
int sk_pipeline_init(struct sk_pipeline *p, struct sk_ruleset_slot *slot,
		     const struct sk_pipeline_opts *opts);
void sk_pipeline_fini(struct sk_pipeline *p);

/* A capture's metadata record (process, fd, user lists, sections). */
void sk_pipeline_item(struct sk_pipeline *p, const struct sk_scap_item *item);

/* One event: state, rules, alerts. */
void sk_pipeline_event(struct sk_pipeline *p, const struct sk_evt *e);
/*
 * An alert made outside the rules (the live drop alert): format writes its
 * text with the output options in effect, a reload's included; the text
 * goes to the sink as a rule's alert does.
 */
typedef void (*sk_pipeline_text_fn)(const void *arg, uint64_t ts, const struct sk_output_opts *o,
				    char *buf, size_t cap);
void sk_pipeline_emit_made(struct sk_pipeline *p, const struct sk_rule *rule, uint64_t ts,
			   sk_pipeline_text_fn format, const void *arg);
/* An enter event rebuilt from an exit (live): state, and only the rules that need an enter. */
void sk_pipeline_rebuilt_enter(struct sk_pipeline *p, const struct sk_evt *e);

/* Take the slot's current ruleset if it changed (call between events). */
void sk_pipeline_refresh(struct sk_pipeline *p);

/* Falco's exit summary: alerts by priority and by rule (and -v's events line). */
void sk_pipeline_print_summary(const struct sk_pipeline *p, double secs, bool verbose, FILE *out);

/* The simplest sink: one line per alert on a stdio stream (s must outlive the sink). */
struct sk_file_sink {
	FILE *f;
	bool unbuffered; /* flush after every alert (-U) */
};
struct sk_alert_sink sk_alert_sink_file(struct sk_file_sink *s);

#endif
