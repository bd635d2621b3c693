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

int sk_services_start(struct sk_services *sv, const struct sk_services_opts *o, char *err,
		      size_t errlen)
{
	memset(sv, 0, sizeof(*sv));
	sv->opts = *o;
	sk_rules_status_init(&sv->status);
	snprintf(sv->user_agent, sizeof(sv->user_agent), "saker/%s", o->version);
	struct sk_outputs_opts oo;
	sk_outputs_opts_from_config(&oo, o->cfg, o->stdout_f, sv->user_agent);
	if (o->unbuffered)
		oo.buffered = false;
	oo.block_when_full = o->replay;
	oo.log = o->log;
	/* SIGHUP before the reload thread runs must not end the agent. */
	struct sigaction sa = {.sa_handler = on_sighup, .sa_flags = SA_RESTART};
	sigemptyset(&sa.sa_mask);
	sigaction(SIGHUP, &sa, NULL);
	int rc = sk_outputs_new(&sv->outputs, &oo, err, errlen);
	if (rc) {
		sk_rules_status_fini(&sv->status);
		return rc;
	}
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	sv->metrics = (struct sk_metrics_sources){
		.version = o->version,
		.start_time = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9,
		.outputs = sv->outputs,
		.rules = &sv->status,
		.kernel_drops = &sv->kernel_drops,
		.user_drops = &sv->user_drops,
	};
	return 0;
}

struct sk_alert_sink sk_services_sink(struct sk_services *sv)
{
	return sk_outputs_sink(sv->outputs);
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

int sk_services_serve(struct sk_services *sv, char *err, size_t errlen)
{
	const struct sk_config *c = sv->opts.cfg;
	int rc;
	if (c->webserver.enabled) {
		struct sk_web_opts wo = {
			.listen_address = c->webserver.listen_address,
			.port = c->webserver.listen_port,
			.healthz_endpoint = c->webserver.healthz_endpoint,
			/* as Falco: /metrics needs metrics.enabled and prometheus_metrics_enabled */
			.metrics_enabled =
				c->metrics_enabled && c->webserver.prometheus_metrics_enabled,
			.ssl_enabled = c->webserver.ssl_enabled,
			.ssl_certificate = c->webserver.ssl_certificate,
			.version = sv->opts.version,
			.metrics = &sv->metrics,
			.log = sv->opts.log,
		};
		rc = sk_web_start(&sv->web, &wo, err, errlen);
		if (rc)
			return rc;
	}
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
	}
	sk_rules_status_fini(&sv->status);
}
