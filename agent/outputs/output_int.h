/* SPDX-License-Identifier: Apache-2.0 */
/* Private to agent/outputs: one output (queue + thread) and the sink operations. */
#ifndef SAKER_OUTPUTS_OUTPUT_INT_H
#define SAKER_OUTPUTS_OUTPUT_INT_H

#include <pthread.h>
#include <stdatomic.h>

#include "outputs.h"

/* One alert shared by every queue it was put on. */
struct sk_alert_msg {
	atomic_uint refs;
	uint8_t prio;
	uint32_t len;
	char text[]; /* len bytes + NUL */
};

void sk_alert_msg_unref(struct sk_alert_msg *m);

struct sk_output;

/* What a sink does. write returns how many of msgs[0..n) it failed to deliver. */
struct sk_output_ops {
	const char *name;
	int (*open)(struct sk_output *out, char *err, size_t errlen);
	unsigned (*write)(struct sk_output *out, struct sk_alert_msg *const *msgs, unsigned n);
	void (*close)(struct sk_output *out);
};

struct sk_output {
	const struct sk_output_ops *ops;
	const struct sk_outputs_opts *opts;
	/* queue: ring of cap slots, guarded by lock */
	pthread_mutex_t lock;
	pthread_cond_t nonempty;
	pthread_cond_t nonfull; /* signalled when a worker takes alerts (block_when_full) */
	struct sk_alert_msg **ring;
	uint32_t cap, head, count;
	bool stopping;
	bool paused; /* workers wait until sk_outputs_resume() */
	pthread_t thread;
	bool started;
	/* counters (atomic: read by /metrics) */
	atomic_uint_fast64_t sent, dropped, errors;
	/* sink state */
	FILE *f;
	int fd;
	void *priv;
	char logged_error; /* the last failure was logged; log again after a success */
};

extern const struct sk_output_ops sk_output_stdout_ops, sk_output_file_ops,
	sk_output_syslog_ops, sk_output_program_ops, sk_output_http_ops;

/* Log a sink failure once per run of failures. */
void sk_output_fail(struct sk_output *out, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void sk_output_ok(struct sk_output *out);
bool sk_output_stopping(struct sk_output *out);

#endif
