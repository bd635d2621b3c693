/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "output_int.h"

struct rule_count {
	char *name;
	enum sk_priority prio;
	uint64_t n;
};

struct sk_outputs {
	struct sk_outputs_opts opts;
	struct sk_output outs[SK_OUTPUTS_MAX];
	unsigned n;
	bool closed;
	/* token bucket */
	pthread_mutex_t bucket_lock;
	double tokens;
	struct timespec last;
	atomic_uint_fast64_t rate_limited;
	/* alerts by rule, open addressing on the name */
	pthread_mutex_t rules_lock;
	struct rule_count rules[SK_OUTPUTS_MAX_RULES];
	unsigned nrules;
	uint64_t rules_overflow;
	/* what sk_outputs_carry() already added to the outputs replacing these */
	bool rules_carried;
	struct {
		uint64_t sent, dropped, errors;
	} carried[SK_OUTPUTS_MAX];
};

void sk_alert_msg_unref(struct sk_alert_msg *m)
{
	if (atomic_fetch_sub_explicit(&m->refs, 1, memory_order_acq_rel) == 1)
		free(m);
}

void sk_outputs_opts_from_config(struct sk_outputs_opts *o, const struct sk_config *cfg,
				 FILE *stdout_f, const char *user_agent)
{
	memset(o, 0, sizeof(*o));
	o->rate = cfg->outputs_rate;
	o->max_burst = cfg->outputs_max_burst;
	o->queue_capacity = cfg->queue_capacity;
	o->buffered = cfg->buffered_outputs;
	o->json = cfg->json_output;
	o->timeout_ms = cfg->output_timeout_ms;
	o->stdout_f = cfg->stdout_enabled ? stdout_f : NULL;
	if (cfg->file_output.enabled) {
		o->file.filename = cfg->file_output.filename;
		o->file.keep_alive = cfg->file_output.keep_alive;
	}
	if (cfg->syslog_output.enabled)
		o->syslog_address = cfg->syslog_output.address;
	if (cfg->program_output.enabled) {
		o->program.cmd = cfg->program_output.program;
		o->program.keep_alive = cfg->program_output.keep_alive;
	}
	o->http = &cfg->http_output;
	o->default_user_agent = user_agent;
}

/* ---- failures ---------------------------------------------------------- */

void sk_output_fail(struct sk_output *out, const char *fmt, ...)
{
	if (out->logged_error)
		return;
	out->logged_error = 1;
	char msg[SK_LOG_MSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	sk_logf(&out->opts->log, SK_LOG_ERROR, "%s output: %s", out->ops->name, msg);
}

void sk_output_ok(struct sk_output *out)
{
	if (out->logged_error)
		sk_logf(&out->opts->log, SK_LOG_NOTICE, "%s output: delivering again",
			out->ops->name);
	out->logged_error = 0;
}

bool sk_output_stopping(struct sk_output *out)
{
	pthread_mutex_lock(&out->lock);
	bool s = out->stopping;
	pthread_mutex_unlock(&out->lock);
	return s;
}

/* ---- workers ----------------------------------------------------------- */

static void *worker(void *arg)
{
	struct sk_output *out = arg;
	struct sk_alert_msg *batch[SK_OUTPUTS_BATCH];
	for (;;) {
		pthread_mutex_lock(&out->lock);
		while ((out->count == 0 || out->paused) && !out->stopping)
			pthread_cond_wait(&out->nonempty, &out->lock);
		if (out->count < SK_OUTPUTS_BATCH && !out->stopping) {
			/*
			 * Woken for a few alerts: linger so that a burst is taken as one
			 * batch. Meanwhile the event thread finds no waiter to wake.
			 */
			pthread_mutex_unlock(&out->lock);
			struct timespec ts = {0, SK_OUTPUTS_LINGER_US * 1000L};
			nanosleep(&ts, NULL);
			pthread_mutex_lock(&out->lock);
		}
		unsigned n = 0;
		while (out->count && n < SK_OUTPUTS_BATCH) {
			batch[n++] = out->ring[out->head];
			out->head = (out->head + 1) % out->cap;
			out->count--;
		}
		bool done = out->stopping && n == 0;
		if (n)
			pthread_cond_signal(&out->nonfull);
		pthread_mutex_unlock(&out->lock);
		if (done)
			break;
		unsigned failed = out->ops->write(out, batch, n);
		atomic_fetch_add(&out->sent, n - failed);
		atomic_fetch_add(&out->errors, failed);
		for (unsigned i = 0; i < n; i++)
			sk_alert_msg_unref(batch[i]);
	}
	return NULL;
}

static bool enqueue(struct sk_output *out, struct sk_alert_msg *m)
{
	pthread_mutex_lock(&out->lock);
	while (out->opts->block_when_full && out->count == out->cap && !out->stopping)
		pthread_cond_wait(&out->nonfull, &out->lock);
	if (out->count == out->cap || out->stopping) {
		pthread_mutex_unlock(&out->lock);
		atomic_fetch_add(&out->dropped, 1);
		return false;
	}
	out->ring[(out->head + out->count) % out->cap] = m;
	if (out->count++ == 0)
		pthread_cond_signal(&out->nonempty);
	pthread_mutex_unlock(&out->lock);
	return true;
}

/* ---- lifecycle --------------------------------------------------------- */

static int add_output(struct sk_outputs *o, const struct sk_output_ops *ops, char *err,
		      size_t errlen)
{
	struct sk_output *out = &o->outs[o->n];
	memset(out, 0, sizeof(*out));
	out->ops = ops;
	out->opts = &o->opts;
	out->fd = -1;
	out->paused = o->opts.paused;
	out->cap = o->opts.queue_capacity ? o->opts.queue_capacity : SK_OUTPUTS_QUEUE_DEFAULT;
	if (out->cap > SK_OUTPUTS_QUEUE_MAX)
		out->cap = SK_OUTPUTS_QUEUE_MAX;
	out->ring = calloc(out->cap, sizeof(*out->ring));
	if (!out->ring)
		return -ENOMEM;
	pthread_mutex_init(&out->lock, NULL);
	pthread_cond_init(&out->nonempty, NULL);
	pthread_cond_init(&out->nonfull, NULL);
	int rc = ops->open(out, err, errlen);
	if (rc) {
		free(out->ring);
		return rc;
	}
	/* Output threads take no signals: SIGHUP is for the reload, SIGPIPE becomes EPIPE. */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = -pthread_create(&out->thread, NULL, worker, out);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc) {
		snprintf(err, errlen, "%s output: cannot start its thread: %s", ops->name,
			 strerror(-rc));
		ops->close(out);
		free(out->ring);
		return rc;
	}
	out->started = true;
	o->n++;
	return 0;
}

int sk_outputs_new(struct sk_outputs **res, const struct sk_outputs_opts *opts, char *err,
		   size_t errlen)
{
	struct sk_outputs *o = calloc(1, sizeof(*o));
	if (!o)
		return -ENOMEM;
	o->opts = *opts;
	pthread_mutex_init(&o->bucket_lock, NULL);
	pthread_mutex_init(&o->rules_lock, NULL);
	o->tokens = opts->max_burst;
	clock_gettime(CLOCK_MONOTONIC, &o->last);
	int rc = 0;
	if (opts->stdout_f)
		rc = add_output(o, &sk_output_stdout_ops, err, errlen);
	if (rc == 0 && opts->file.filename)
		rc = add_output(o, &sk_output_file_ops, err, errlen);
	if (rc == 0 && opts->syslog_address)
		rc = add_output(o, &sk_output_syslog_ops, err, errlen);
	if (rc == 0 && opts->program.cmd)
		rc = add_output(o, &sk_output_program_ops, err, errlen);
	if (rc == 0 && opts->http && opts->http->enabled)
		rc = add_output(o, &sk_output_http_ops, err, errlen);
	if (rc) {
		sk_outputs_close(o);
		sk_outputs_free(o);
		return rc;
	}
	*res = o;
	return 0;
}

void sk_outputs_resume(struct sk_outputs *o)
{
	for (unsigned i = 0; i < o->n; i++) {
		struct sk_output *out = &o->outs[i];
		pthread_mutex_lock(&out->lock);
		out->paused = false;
		pthread_cond_signal(&out->nonempty);
		pthread_mutex_unlock(&out->lock);
	}
}

void sk_outputs_close(struct sk_outputs *o)
{
	if (o->closed)
		return;
	o->closed = true;
	for (unsigned i = 0; i < o->n; i++) {
		struct sk_output *out = &o->outs[i];
		pthread_mutex_lock(&out->lock);
		out->stopping = true;
		pthread_cond_signal(&out->nonempty);
		pthread_cond_broadcast(&out->nonfull);
		pthread_mutex_unlock(&out->lock);
	}
	for (unsigned i = 0; i < o->n; i++) {
		struct sk_output *out = &o->outs[i];
		if (out->started)
			pthread_join(out->thread, NULL);
		out->started = false;
		out->ops->close(out);
	}
}

void sk_outputs_free(struct sk_outputs *o)
{
	if (!o)
		return;
	sk_outputs_close(o);
	for (unsigned i = 0; i < o->n; i++) {
		struct sk_output *out = &o->outs[i];
		while (out->count) {
			sk_alert_msg_unref(out->ring[out->head]);
			out->head = (out->head + 1) % out->cap;
			out->count--;
		}
		free(out->ring);
		pthread_mutex_destroy(&out->lock);
		pthread_cond_destroy(&out->nonempty);
		pthread_cond_destroy(&out->nonfull);
	}
	for (unsigned i = 0; i < SK_OUTPUTS_MAX_RULES; i++)
		free(o->rules[i].name);
	free(o);
}

/* ---- the event thread's side ------------------------------------------- */

/* Falco's token bucket: max_burst tokens, refilled at rate per second, one per alert. */
static bool take_token(struct sk_outputs *o)
{
	if (o->opts.rate <= 0)
		return true;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	pthread_mutex_lock(&o->bucket_lock);
	double dt = (double)(now.tv_sec - o->last.tv_sec) +
		    (double)(now.tv_nsec - o->last.tv_nsec) / 1e9;
	o->last = now;
	o->tokens += dt * o->opts.rate;
	if (o->tokens > o->opts.max_burst)
		o->tokens = o->opts.max_burst;
	bool ok = o->tokens >= 1.0;
	if (ok)
		o->tokens -= 1.0;
	pthread_mutex_unlock(&o->bucket_lock);
	return ok;
}

static uint64_t hash_name(const char *s, enum sk_priority p)
{
	uint64_t h = 1469598103934665603ull ^ (uint64_t)p;
	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 1099511628211ull;
	return h;
}

static void count_rule_n(struct sk_outputs *o, const char *rule, enum sk_priority prio, uint64_t n)
{
	pthread_mutex_lock(&o->rules_lock);
	uint64_t h = hash_name(rule, prio);
	for (unsigned k = 0; k < SK_OUTPUTS_MAX_RULES; k++) {
		struct rule_count *rc = &o->rules[(h + k) % SK_OUTPUTS_MAX_RULES];
		if (!rc->name) {
			if (o->nrules + 1 >= SK_OUTPUTS_MAX_RULES || !(rc->name = strdup(rule)))
				break;
			rc->prio = prio;
			o->nrules++;
		}
		if (rc->prio == prio && !strcmp(rc->name, rule)) {
			rc->n += n;
			pthread_mutex_unlock(&o->rules_lock);
			return;
		}
	}
	o->rules_overflow += n;
	pthread_mutex_unlock(&o->rules_lock);
}

static void count_rule(struct sk_outputs *o, const char *rule, enum sk_priority prio)
{
	count_rule_n(o, rule, prio, 1);
}

/* Move from's alerts by rule and rate-limited count into to (once). */
static void carry_rules(struct sk_outputs *to, struct sk_outputs *from)
{
	if (from->rules_carried)
		return;
	from->rules_carried = true;
	pthread_mutex_lock(&from->rules_lock);
	for (unsigned i = 0; i < SK_OUTPUTS_MAX_RULES; i++)
		if (from->rules[i].name)
			count_rule_n(to, from->rules[i].name, from->rules[i].prio,
				     from->rules[i].n);
	uint64_t overflow = from->rules_overflow;
	pthread_mutex_unlock(&from->rules_lock);
	pthread_mutex_lock(&to->rules_lock);
	to->rules_overflow += overflow;
	pthread_mutex_unlock(&to->rules_lock);
	atomic_fetch_add(&to->rate_limited, atomic_load(&from->rate_limited));
}

void sk_outputs_carry(struct sk_outputs *to, struct sk_outputs *from)
{
	carry_rules(to, from);
	for (unsigned i = 0; i < from->n; i++) {
		const struct sk_output *f = &from->outs[i];
		struct sk_output *t = NULL;
		for (unsigned k = 0; k < to->n && !t; k++)
			if (to->outs[k].ops == f->ops)
				t = &to->outs[k];
		if (!t)
			continue;
		uint64_t sent = atomic_load(&f->sent), dropped = atomic_load(&f->dropped),
			 errors = atomic_load(&f->errors);
		atomic_fetch_add(&t->sent, sent - from->carried[i].sent);
		atomic_fetch_add(&t->dropped, dropped - from->carried[i].dropped);
		atomic_fetch_add(&t->errors, errors - from->carried[i].errors);
		from->carried[i].sent = sent;
		from->carried[i].dropped = dropped;
		from->carried[i].errors = errors;
	}
}

bool sk_outputs_emit(struct sk_outputs *o, enum sk_priority prio, const char *rule,
		     const char *text)
{
	count_rule(o, rule, prio);
	if (!take_token(o)) {
		atomic_fetch_add(&o->rate_limited, 1);
		return false;
	}
	if (o->n == 0)
		return true;
	size_t len = strlen(text);
	struct sk_alert_msg *m = malloc(sizeof(*m) + len + 1);
	if (!m) {
		for (unsigned i = 0; i < o->n; i++)
			atomic_fetch_add(&o->outs[i].dropped, 1);
		return true;
	}
	atomic_init(&m->refs, o->n + 1);
	m->prio = (uint8_t)prio;
	m->len = (uint32_t)len;
	memcpy(m->text, text, len + 1);
	for (unsigned i = 0; i < o->n; i++)
		if (!enqueue(&o->outs[i], m))
			sk_alert_msg_unref(m);
	sk_alert_msg_unref(m);
	return true;
}

static void sink_emit(void *ctx, const struct sk_rule *rule, uint64_t ts, const char *text)
{
	sk_outputs_emit(ctx, rule->priority, rule->name, text);
}

struct sk_alert_sink sk_outputs_sink(struct sk_outputs *o)
{
	return (struct sk_alert_sink){.ctx = o, .emit = sink_emit};
}

/* ---- metrics ----------------------------------------------------------- */

unsigned sk_outputs_count(const struct sk_outputs *o)
{
	return o->n;
}

void sk_outputs_stats(struct sk_outputs *o, unsigned i, struct sk_output_stats *s)
{
	struct sk_output *out = &o->outs[i];
	pthread_mutex_lock(&out->lock);
	s->depth = out->count;
	pthread_mutex_unlock(&out->lock);
	s->name = out->ops->name;
	s->capacity = out->cap;
	s->sent = atomic_load(&out->sent);
	s->dropped = atomic_load(&out->dropped);
	s->errors = atomic_load(&out->errors);
}

uint64_t sk_outputs_rate_limited(const struct sk_outputs *o)
{
	return atomic_load(&((struct sk_outputs *)o)->rate_limited);
}

void sk_outputs_foreach_rule(struct sk_outputs *o,
			     void (*cb)(void *ctx, const char *rule, enum sk_priority prio,
					uint64_t n),
			     void *ctx)
{
	pthread_mutex_lock(&o->rules_lock);
	for (unsigned i = 0; i < SK_OUTPUTS_MAX_RULES; i++)
		if (o->rules[i].name)
			cb(ctx, o->rules[i].name, o->rules[i].prio, o->rules[i].n);
	pthread_mutex_unlock(&o->rules_lock);
}
