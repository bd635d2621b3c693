/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Alert outputs: stdout, file, syslog, program and HTTP(S). Each enabled
 * output has its own thread fed by its own bounded queue, so a slow or dead
 * sink stalls neither the event thread nor the other outputs. In front of
 * the queues, a token bucket (outputs.rate / outputs.max_burst) limits the
 * alerts let through. Nothing is lost silently: every alert refused by the
 * bucket, by a full queue or by a failing sink is counted.
 *
 *   sk_outputs_new(&o, &opts, err, errlen);
 *   sink = sk_outputs_sink(o);          -> struct sk_pipeline_opts.sink
 *   ... events ...
 *   sk_outputs_close(o);                 drain every queue, join the threads
 *   sk_outputs_free(o);
 */
#ifndef SAKER_OUTPUTS_OUTPUTS_H
#define SAKER_OUTPUTS_OUTPUTS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "../config/config.h"
#include "../config/log.h"
#include "../pipeline.h"

#define SK_OUTPUTS_MAX 8u              /* outputs at once */
#define SK_OUTPUTS_QUEUE_MAX (1u << 24) /* alerts queued per output */
#define SK_OUTPUTS_BATCH 256u          /* alerts a worker takes from its queue at once */
#define SK_OUTPUTS_LINGER_US 500u      /* a woken worker waits this long for a batch to gather */
#define SK_OUTPUTS_HTTP_TRIES 3u       /* attempts per alert (then counted as an error) */
#define SK_OUTPUTS_HTTP_BACKOFF_MS 100u /* first retry delay, doubled each time */
#define SK_OUTPUTS_HTTP_REPLY_MAX (64u << 10) /* bytes of a reply kept for `echo` */
#define SK_OUTPUTS_MAX_RULES 4096u     /* distinct rule names counted for /metrics */

enum sk_output_kind {
	SK_OUTPUT_STDOUT,
	SK_OUTPUT_FILE,
	SK_OUTPUT_SYSLOG,
	SK_OUTPUT_PROGRAM,
	SK_OUTPUT_HTTP,
};

struct sk_outputs_opts {
	double rate;	   /* tokens per second; 0 = no limit */
	double max_burst;  /* bucket size */
	unsigned queue_capacity; /* per output; 0 = SK_OUTPUTS_QUEUE_DEFAULT */
	bool buffered;	   /* buffered_outputs: let stdio buffer; else flush each batch */
	/*
	 * Wait for room instead of dropping when a queue is full: for sources
	 * that can wait (a capture being replayed), so no alert is lost; live
	 * sources drop and count.
	 */
	bool block_when_full;
	/*
	 * Start with the workers held (alerts queue, nothing is written) until
	 * sk_outputs_resume(): for a reload, so the outputs being replaced
	 * drain into the same sinks first and each sink keeps the alert order.
	 */
	bool paused;
	bool json;	   /* alerts are JSON (HTTP Content-Type) */
	unsigned timeout_ms; /* HTTP request timeout (output_timeout) */
	FILE *stdout_f;	   /* stdout output to this stream, or NULL (borrowed) */
	struct {
		const char *filename; /* NULL = off */
		bool keep_alive;
	} file;
	const char *syslog_address; /* NULL = off; unix socket path or udp://host:port */
	struct {
		const char *cmd; /* NULL = off; run with /bin/sh -c */
		bool keep_alive;
	} program;
	const struct sk_http_output_config *http; /* NULL or !enabled = off */
	const char *default_user_agent;		  /* "saker/VERSION" */
	struct sk_log log;			  /* sink failures */
};

/* Fill the outputs options from a loaded configuration (strings borrowed from cfg). */
void sk_outputs_opts_from_config(struct sk_outputs_opts *o, const struct sk_config *cfg,
				 FILE *stdout_f, const char *user_agent);

struct sk_output_stats {
	const char *name;   /* "stdout", "file", "syslog", "program", "http" */
	uint64_t depth;     /* alerts waiting now */
	uint64_t capacity;
	uint64_t sent;	    /* alerts written or delivered */
	uint64_t dropped;   /* refused because the queue was full */
	uint64_t errors;    /* alerts the sink failed to take (after retries) */
};

struct sk_outputs;

/*
 * Open every enabled output and start its thread. Returns 0, or -errno with
 * a message naming the output in err (a file that cannot be opened, a bad
 * HTTP URL); nothing is left running then. Caller frees *out.
 */
int sk_outputs_new(struct sk_outputs **out, const struct sk_outputs_opts *opts, char *err,
		   size_t errlen);

/*
 * One alert (text without newline, copied) of rule at priority: counted,
 * passed through the token bucket, queued to every output. Never blocks on
 * a sink. Thread-safe. Returns false when the bucket refused it.
 */
bool sk_outputs_emit(struct sk_outputs *o, enum sk_priority prio, const char *rule,
		     const char *text);

/* An alert sink (pipeline.h) that calls sk_outputs_emit. */
struct sk_alert_sink sk_outputs_sink(struct sk_outputs *o);

/* Let the workers of outputs opened paused write. */
void sk_outputs_resume(struct sk_outputs *o);

/*
 * A reload replaced from by to: add from's counters to to's, so /metrics
 * counters never go back. The first call moves the alerts by rule and the
 * rate-limited count (no thread may emit to from any more); each call adds
 * what from's outputs sent, dropped and failed since the previous call to
 * to's output of the same kind. Call again after sk_outputs_close(from).
 */
void sk_outputs_carry(struct sk_outputs *to, struct sk_outputs *from);

/* Stop accepting alerts, drain every queue into its sink, join the threads. Idempotent. */
void sk_outputs_close(struct sk_outputs *o);
void sk_outputs_free(struct sk_outputs *o);

/* Snapshots for /metrics (thread-safe). */
unsigned sk_outputs_count(const struct sk_outputs *o);
void sk_outputs_stats(struct sk_outputs *o, unsigned i, struct sk_output_stats *out);
uint64_t sk_outputs_rate_limited(const struct sk_outputs *o);
/* Alerts by rule name and priority since start; cb is called under a lock, must not block. */
void sk_outputs_foreach_rule(struct sk_outputs *o,
			     void (*cb)(void *ctx, const char *rule, enum sk_priority prio,
					uint64_t n),
			     void *ctx);

#endif
