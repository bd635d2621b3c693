/* SPDX-License-Identifier: Apache-2.0 */
#include "runner.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "plugin_int.h"

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	stop_requested = 1;
}

void sk_plugin_runner_handle_signals(void)
{
	struct sigaction sa = {.sa_handler = on_signal, .sa_flags = SA_ONSTACK};
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

static void print_metric(void *ctx, const char *name, bool monotonic, double value)
{
	fprintf(ctx, "   %s: %.0f\n", name, value);
}

void sk_plugin_host_print_metrics(struct sk_plugin_host *h, FILE *out)
{
	bool header = false;
	for (unsigned i = 0; i < sk_plugin_host_count(h); i++) {
		struct sk_plugin *p = sk_plugin_host_at(h, i);
		if (!p->api.get_metrics)
			continue;
		if (!header)
			fprintf(out, "Plugin metrics:\n");
		header = true;
		sk_plugin_metrics(p, print_metric, out);
	}
}

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void run_event(struct sk_plugin_source_run *s, const uint8_t *buf, uint32_t len)
{
	struct sk_evt e;
	char why[256];
	if (sk_evt_parse(&e, buf, len, why, sizeof(why))) {
		__atomic_add_fetch(&s->p->stats.bad_events, 1, __ATOMIC_RELAXED);
		return;
	}
	s->pctx.evtnum = sk_plugin_next_evtnum();
	sk_pipeline_event(&s->pipe, &e);
	struct sk_plugin_runner *r = s->r;
	if (__atomic_load_n(&r->o.writer, __ATOMIC_ACQUIRE)) {
		pthread_mutex_lock(&r->write_lock);
		if (sk_scap_writer_write_event(r->o.writer, buf, len, 0, 0, why, sizeof(why)) &&
		    r->o.log)
			r->o.log(r->o.log_ctx, s->p->name, SS_PLUGIN_LOG_SEV_ERROR, why);
		pthread_mutex_unlock(&r->write_lock);
	}
}

void sk_plugin_runner_set_writer(struct sk_plugin_runner *r, struct sk_scap_writer *w)
{
	pthread_mutex_lock(&r->write_lock);
	__atomic_store_n(&r->o.writer, w, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&r->write_lock);
}

static void *source_main(void *arg)
{
	struct sk_plugin_source_run *s = arg;
	struct sk_plugin_runner *r = s->r;
	double t0 = now_s();
	unsigned idle = 0;
	while (!__atomic_load_n(&r->stop, __ATOMIC_RELAXED) && !stop_requested) {
		const uint8_t *evt;
		uint32_t len;
		int rc = sk_plugin_capture_next(s->cap, &evt, &len, s->err, sizeof(s->err));
		if (rc == 1) {
			idle = 0;
			run_event(s, evt, len);
		} else if (rc == -EAGAIN) {
			/* the plugin waits by itself; only back off when it answers at once */
			if (++idle > 2) {
				struct timespec ts = {0, 1000000};
				nanosleep(&ts, NULL);
			}
		} else {
			s->rc = rc < 0 ? rc : 0;
			break;
		}
		if (r->o.duration_s && now_s() - t0 >= (double)r->o.duration_s)
			break;
	}
	return NULL;
}

static bool source_enabled(const struct sk_plugin_runner_opts *o, const char *source)
{
	if (!o->sources)
		return true;
	for (unsigned i = 0; i < o->nsources; i++)
		if (!strcmp(o->sources[i], source))
			return true;
	return false;
}

int sk_plugin_runner_start(struct sk_plugin_runner *r, struct sk_plugin_host *h,
			   const struct sk_plugin_runner_opts *o, const char *only, char *err,
			   size_t errlen)
{
	memset(r, 0, sizeof(*r));
	r->o = *o;
	pthread_mutex_init(&r->write_lock, NULL);
	int rc = 0;
	for (unsigned i = 0; i < sk_plugin_host_count(h) && rc == 0; i++) {
		struct sk_plugin *p = sk_plugin_host_at(h, i);
		if (!p->cap_source || (only ? strcmp(p->name, only) : !p->open_params[0]) ||
		    !source_enabled(o, p->source))
			continue;
		struct sk_plugin_source_run *s = &r->runs[r->n];
		s->r = r;
		s->p = p;
		s->pctx.producer = p;
		struct sk_pipeline_opts po = o->popts;
		po.source = p->source;
		po.plugin_ctx = &s->pctx;
		po.plugin_info = sk_plugin_ctx_info;
		rc = sk_plugin_capture_open(p, p->open_params, &s->cap, err, errlen);
		if (rc)
			break;
		rc = sk_pipeline_init(&s->pipe, o->slot, &po);
		if (rc) {
			sk_plugin_capture_close(s->cap);
			snprintf(err, errlen, "plugin '%s': cannot set up its pipeline", p->name);
			break;
		}
		r->n++;
	}
	for (unsigned i = 0; i < r->n && rc == 0; i++) {
		if (pthread_create(&r->runs[i].thread, NULL, source_main, &r->runs[i])) {
			snprintf(err, errlen, "plugin '%s': cannot start its thread",
				 r->runs[i].p->name);
			rc = -EAGAIN;
			break;
		}
		r->runs[i].started = true;
	}
	if (rc) {
		sk_plugin_runner_stop(r);
		sk_plugin_runner_wait(r, NULL);
		sk_plugin_runner_fini(r);
	}
	return rc;
}

void sk_plugin_runner_stop(struct sk_plugin_runner *r)
{
	__atomic_store_n(&r->stop, true, __ATOMIC_RELAXED);
}

int sk_plugin_runner_wait(struct sk_plugin_runner *r, FILE *errf)
{
	int rc = 0;
	for (unsigned i = 0; i < r->n; i++) {
		struct sk_plugin_source_run *s = &r->runs[i];
		if (s->started)
			pthread_join(s->thread, NULL);
		s->started = false;
		if (s->rc && errf)
			fprintf(errf, "saker: %s\n", s->err);
		if (s->rc && !rc)
			rc = s->rc;
	}
	return rc;
}

static void add_counts(struct sk_pipeline_counts *c, const struct sk_pipeline_counts *a)
{
	c->events += a->events;
	c->evaluated += a->evaluated;
	c->alerts += a->alerts;
	for (int i = 0; i < SK_PRIO_COUNT; i++)
		c->by_priority[i] += a->by_priority[i];
	for (unsigned i = 0; i < SK_EVT_TABLE_SIZE; i++)
		c->by_code[i] += a->by_code[i];
}

void sk_plugin_runner_counts(const struct sk_plugin_runner *r, struct sk_pipeline_counts *c)
{
	for (unsigned i = 0; i < r->n; i++)
		add_counts(c, &r->runs[i].pipe.counts);
}

void sk_plugin_runner_fini(struct sk_plugin_runner *r)
{
	for (unsigned i = 0; i < r->n; i++) {
		sk_plugin_capture_close(r->runs[i].cap);
		sk_pipeline_fini(&r->runs[i].pipe);
	}
	r->n = 0;
	pthread_mutex_destroy(&r->write_lock);
}

/* ---- capture dispatch ------------------------------------------------------- */

void sk_plugin_dispatch_init(struct sk_plugin_dispatch *d, struct sk_plugin_host *h,
			     struct sk_ruleset_slot *slot, const struct sk_pipeline_opts *popts)
{
	memset(d, 0, sizeof(*d));
	d->h = h;
	d->slot = slot;
	d->popts = *popts;
}

int sk_plugin_dispatch_event(struct sk_plugin_dispatch *d, const struct sk_evt *e)
{
	uint32_t id;
	struct sk_plugin *p = NULL;
	if (sk_evt_get_u32(e, 0, &id))
		p = sk_plugin_host_find_id(d->h, id);
	unsigned i = 0;
	while (p && i < sk_plugin_host_count(d->h) && sk_plugin_host_at(d->h, i) != p)
		i++;
	if (!p) {
		d->unknown++;
		return -ENOENT;
	}
	if (!d->pipes[i]) {
		struct sk_pipeline *pipe = calloc(1, sizeof(*pipe));
		struct sk_pipeline_opts po = d->popts;
		po.source = p->source;
		po.plugin_ctx = &d->pctx[i];
		po.plugin_info = sk_plugin_ctx_info;
		d->pctx[i].producer = p;
		if (!pipe || sk_pipeline_init(pipe, d->slot, &po)) {
			free(pipe);
			return -ENOMEM;
		}
		d->pipes[i] = pipe;
	}
	d->pctx[i].evtnum = sk_plugin_next_evtnum();
	sk_pipeline_event(d->pipes[i], e);
	return 0;
}

void sk_plugin_dispatch_counts(const struct sk_plugin_dispatch *d, struct sk_pipeline_counts *c)
{
	for (unsigned i = 0; i < SK_PLUGIN_MAX; i++)
		if (d->pipes[i])
			add_counts(c, &d->pipes[i]->counts);
}

void sk_plugin_dispatch_fini(struct sk_plugin_dispatch *d)
{
	for (unsigned i = 0; i < SK_PLUGIN_MAX; i++) {
		if (d->pipes[i]) {
			sk_pipeline_fini(d->pipes[i]);
			free(d->pipes[i]);
		}
	}
	memset(d, 0, sizeof(*d));
}
