/* SPDX-License-Identifier: Apache-2.0 */
#include "services.h"

#include <signal.h>
#include <stdatomic.h>
#include <string.h>

/* The reload SIGHUP is routed to (one agent per process). */
static struct sk_reload *_Atomic sighup_target;

static void on_sighup(int sig)
{
	sk_reload_request(atomic_load(&sighup_target));
}

/* This thread holds out_lock for reading, between the sink's begin and end. */
static __thread bool alert_held;

/* Open the outputs cfg configures (paused: held until sk_outputs_resume). */
static int open_outputs(struct sk_services *sv, const struct sk_config *cfg, bool paused,
			struct sk_outputs **out, char *err, size_t errlen)
{
	struct sk_outputs_opts oo;
	sk_outputs_opts_from_config(&oo, cfg, sv->opts.stdout_f, sv->user_agent);
	if (sv->opts.unbuffered)
		oo.buffered = false;
	oo.block_when_full = sv->opts.replay;
	oo.paused = paused;
	oo.log = sv->opts.log;
	return sk_outputs_new(out, &oo, err, errlen);
}

/* A lock that lets a waiting reload in before new alerts (no writer starvation). */
static void init_out_lock(pthread_rwlock_t *l)
{
	pthread_rwlockattr_t a;
	pthread_rwlockattr_init(&a);
	pthread_rwlockattr_setkind_np(&a, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(l, &a);
	pthread_rwlockattr_destroy(&a);
}

int sk_services_start(struct sk_services *sv, const struct sk_services_opts *o, char *err,
		      size_t errlen)
{
	memset(sv, 0, sizeof(*sv));
	sv->opts = *o;
	sv->cfg = o->cfg;
	sk_rules_status_init(&sv->status);
	init_out_lock(&sv->out_lock);
	snprintf(sv->user_agent, sizeof(sv->user_agent), "saker/%s", o->version);
	/* SIGHUP before the reload thread runs must not end the agent. */
	struct sigaction sa = {.sa_handler = on_sighup, .sa_flags = SA_RESTART};
	sigemptyset(&sa.sa_mask);
	sigaction(SIGHUP, &sa, NULL);
	int rc = open_outputs(sv, o->cfg, false, &sv->outputs, err, errlen);
	if (rc) {
		pthread_rwlock_destroy(&sv->out_lock);
		sk_rules_status_fini(&sv->status);
		return rc;
	}
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	sv->metrics = (struct sk_metrics_sources){
		.version = o->version,
		.start_time = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9,
		.outputs = sv->outputs,
		.outputs_lock = &sv->out_lock,
		.rules = &sv->status,
		.kernel_drops = &sv->kernel_drops,
		.user_drops = &sv->user_drops,
	};
	return 0;
}

static const struct sk_output_opts *sink_begin(void *ctx)
{
	struct sk_services *sv = ctx;
	pthread_rwlock_rdlock(&sv->out_lock);
	alert_held = true;
	return sv->format_set ? &sv->format : NULL;
}

static void sink_emit(void *ctx, const struct sk_rule *rule, uint64_t ts, const char *text)
{
	struct sk_services *sv = ctx;
	bool held = alert_held; /* else an alert made without begin (a drop alert) */
	if (!held)
		pthread_rwlock_rdlock(&sv->out_lock);
	sk_outputs_emit(sv->outputs, rule->priority, rule->name, text);
	if (!held)
		pthread_rwlock_unlock(&sv->out_lock);
}

static void sink_end(void *ctx)
{
	struct sk_services *sv = ctx;
	alert_held = false;
	pthread_rwlock_unlock(&sv->out_lock);
}

struct sk_alert_sink sk_services_sink(struct sk_services *sv)
{
	return (struct sk_alert_sink){
		.ctx = sv, .emit = sink_emit, .begin = sink_begin, .end = sink_end};
}

void sk_services_add_pipeline(struct sk_services *sv, struct sk_pipeline *p)
{
	if (sv->metrics.npipelines < SK_METRICS_MAX_PIPELINES)
		sv->metrics.pipelines[sv->metrics.npipelines++] = p;
}

void sk_services_rules_loaded(struct sk_services *sv, double started, double duration,
			      unsigned nrules)
{
	sk_rules_status_record(&sv->status, true, started, duration, nrules, NULL);
}

/* The web server c configures (not started when disabled). */
static int start_web(struct sk_services *sv, const struct sk_config *c, char *err, size_t errlen)
{
	sv->web_cfg = c;
	if (!c->webserver.enabled)
		return 0;
	struct sk_web_opts wo = {
		.listen_address = c->webserver.listen_address,
		.port = c->webserver.listen_port,
		.healthz_endpoint = c->webserver.healthz_endpoint,
		/* as Falco: /metrics needs metrics.enabled and prometheus_metrics_enabled */
		.metrics_enabled = c->metrics_enabled && c->webserver.prometheus_metrics_enabled,
		.ssl_enabled = c->webserver.ssl_enabled,
		.ssl_certificate = c->webserver.ssl_certificate,
		.version = sv->opts.version,
		.metrics = &sv->metrics,
		.log = sv->opts.log,
	};
	return sk_web_start(&sv->web, &wo, err, errlen);
}

static bool same_str(const char *a, const char *b)
{
	return !strcmp(a ? a : "", b ? b : "");
}

/* Whether a and b configure the web server differently. */
static bool web_changed(const struct sk_config *a, const struct sk_config *b)
{
	bool ma = a->metrics_enabled && a->webserver.prometheus_metrics_enabled;
	bool mb = b->metrics_enabled && b->webserver.prometheus_metrics_enabled;
	return a->webserver.enabled != b->webserver.enabled ||
	       a->webserver.listen_port != b->webserver.listen_port ||
	       !same_str(a->webserver.listen_address, b->webserver.listen_address) ||
	       !same_str(a->webserver.healthz_endpoint, b->webserver.healthz_endpoint) ||
	       ma != mb || a->webserver.ssl_enabled != b->webserver.ssl_enabled ||
	       !same_str(a->webserver.ssl_certificate, b->webserver.ssl_certificate);
}

/* Restart the web server on c when its keys changed; on failure, the previous one again. */
static int restart_web(struct sk_services *sv, const struct sk_config *c, char *err,
		       size_t errlen)
{
	const struct sk_config *was = sv->web_cfg;
	if (!web_changed(was, c))
		return 0;
	sk_web_free(sv->web);
	sv->web = NULL;
	int rc = start_web(sv, c, err, errlen);
	if (rc == 0) {
		sk_logf(&sv->opts.log, SK_LOG_INFO, "reload: web server restarted");
		return 0;
	}
	char err2[256];
	if (start_web(sv, was, err2, sizeof(err2)))
		sk_logf(&sv->opts.log, SK_LOG_ERROR,
			"reload: the previous web server did not restart either: %s", err2);
	return rc;
}

/* struct sk_reload_opts.prepare: open the new configuration's outputs, held. */
static int reload_prepare(void *ctx, char *err, size_t errlen)
{
	struct sk_services *sv = ctx;
	const struct sk_config *c = *sv->opts.config_now;
	int rc = open_outputs(sv, c, true, &sv->next, err, errlen);
	if (rc) {
		sv->next = NULL;
		return rc;
	}
	sv->next_cfg = c;
	return 0;
}

/* Point the sink at the prepared outputs and their format, between two alerts. */
static struct sk_outputs *swap_outputs(struct sk_services *sv)
{
	pthread_rwlock_wrlock(&sv->out_lock);
	struct sk_outputs *old = sv->outputs;
	sv->outputs = sv->next;
	sv->metrics.outputs = sv->next;
	sv->next = NULL;
	sk_output_opts_init(&sv->format);
	sk_config_output_opts(sv->next_cfg, &sv->format);
	sv->format_set = true;
	sv->cfg = sv->next_cfg;
	sk_outputs_carry(sv->outputs, old);
	pthread_rwlock_unlock(&sv->out_lock);
	return old;
}

/*
 * struct sk_reload_opts.commit: swap the outputs, drain the old ones into
 * their sinks before the new ones write, restart the web server if needed.
 */
static int reload_commit(void *ctx, char *err, size_t errlen)
{
	struct sk_services *sv = ctx;
	struct sk_outputs *old = swap_outputs(sv);
	sk_outputs_close(old);
	sk_outputs_carry(sv->outputs, old);
	sk_outputs_resume(sv->outputs);
	sk_outputs_free(old);
	sk_logf(&sv->opts.log, SK_LOG_INFO, "reload: outputs reopened (%u)",
		sk_outputs_count(sv->outputs));
	return restart_web(sv, sv->cfg, err, errlen);
}

int sk_services_serve(struct sk_services *sv, char *err, size_t errlen)
{
	const struct sk_config *c = sv->opts.cfg;
	int rc = start_web(sv, c, err, errlen);
	if (rc)
		return rc;
	if (!sv->opts.build)
		return 0;
	struct sk_reload_opts ro = {
		.build = sv->opts.build,
		.paths = sv->opts.paths,
		.ctx = sv->opts.ctx,
		.watch = c->watch_config_files,
		.slot = sv->opts.slot,
		.gen = &sv->gen,
		.status = &sv->status,
		.log = sv->opts.log,
	};
	if (sv->opts.config_now) {
		ro.prepare = reload_prepare;
		ro.commit = reload_commit;
		ro.apply_ctx = sv;
	}
	rc = sk_reload_start(&sv->reload, &ro, err, errlen);
	if (rc)
		return rc;
	atomic_store(&sighup_target, sv->reload);
	return 0;
}

void sk_services_stop(struct sk_services *sv)
{
	if (sv->reload) {
		atomic_store(&sighup_target, NULL);
		sk_reload_free(sv->reload);
		sv->reload = NULL;
	}
	sk_web_free(sv->web);
	sv->web = NULL;
	if (sv->outputs) {
		sk_outputs_close(sv->outputs);
		sk_outputs_free(sv->outputs);
		sv->outputs = NULL;
		pthread_rwlock_destroy(&sv->out_lock);
	}
	sk_rules_status_fini(&sv->status);
}
