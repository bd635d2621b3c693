/* SPDX-License-Identifier: Apache-2.0 */
#include "replay.h"

#include <errno.h>
#include <time.h>

#include "../config/services.h"
#include "../pipeline.h"
#include "../plugin/runner.h"
#include "plugins.h"
#include "saker/scap.h"

static double elapsed_since(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

int sk_replay_run(struct sk_engine_setup *s, const struct sk_options *o,
		  const struct sk_config *cfg, const char *version, FILE *out, FILE *errf)
{
	char err[512];
	struct sk_scap_reader *r = NULL;
	struct sk_scap_writer *w = NULL;
	/* -e FILE.json: the events come from plugin sources (k8saudit), not a capture */
	bool plugin_input = !o->capture || sk_cli_capture_is_plugin(o->capture);
	int rc = 0;
	if (plugin_input && o->write_path) {
		struct sk_scap_writer_opts wo = {.gzip = o->gzip};
		rc = sk_scap_writer_open(&w, o->write_path, &wo, err, sizeof(err));
	}
	if (rc) {
		fprintf(errf, "saker: %s\n", err);
		sk_scap_reader_free(r);
		return rc;
	}
	struct sk_ruleset_slot slot;
	sk_ruleset_slot_init(&slot);
	sk_ruleset_slot_swap(&slot, sk_ruleset_ref(s->rs));
	struct sk_log_std log_std;
	sk_log_std_set(&log_std, cfg);
	struct sk_engine_reloader reloader;
	sk_engine_reloader_init(&reloader, o, cfg);
	reloader.plugins = s->plugins;
	struct sk_services sv;
	struct sk_services_opts so = {
		.cfg = cfg,
		.version = version,
		.stdout_f = out,
		.unbuffered = o->unbuffered,
		.replay = true,
		.slot = &slot,
		.build = sk_engine_reloader_build,
		.paths = sk_engine_reloader_paths,
		.ctx = &reloader,
		.config_now = &reloader.cfg,
		.log = {.min = cfg->log_level, .fn = sk_log_write_std, .ctx = &log_std},
	};
	rc = sk_services_start(&sv, &so, err, sizeof(err));
	if (rc) {
		fprintf(errf, "saker: %s\n", err);
		goto out_slot;
	}
	sv.metrics.plugins = s->plugins;
	sk_services_rules_loaded(&sv, sk_reload_now() - s->load_seconds, s->load_seconds,
				 sk_ruleset_nrules(s->rs));
	struct sk_pipeline_opts popts = {
		.all_events = o->all_events,
		.out = &s->out_opts,
		.hostname = s->hostname,
		.sink = sk_services_sink(&sv),
		.ruleset_gen = &sv.gen,
	};
	struct sk_pipeline p;
	rc = sk_pipeline_init(&p, &slot, &popts);
	if (rc) {
		sk_services_stop(&sv);
		goto out_slot;
	}
	sk_services_add_pipeline(&sv, &p);
	/* Plugin sources run beside the capture, each on its own thread, sharing the outputs. */
	struct sk_plugin_runner runner = {0};
	struct sk_plugin_runner_opts ro = {
		.slot = &slot,
		.popts = popts,
		.writer = w,
		.duration_s = o->duration_s,
		.sources = s->rs_opts.sources,
		.nsources = s->rs_opts.nsources,
	};
	struct sk_plugin_dispatch dispatch;
	sk_plugin_dispatch_init(&dispatch, s->plugins, &slot, &popts);
	if (s->plugins) {
		rc = sk_plugin_runner_start(&runner, s->plugins, &ro, NULL, err, sizeof(err));
		if (rc) {
			fprintf(errf, "saker: %s\n", err);
			sk_services_stop(&sv);
			sk_pipeline_fini(&p);
			goto out_slot;
		}
		for (unsigned i = 0; i < runner.n; i++)
			sk_services_add_pipeline(&sv, &runner.runs[i].pipe);
		if (plugin_input && runner.n)
			sk_plugin_runner_handle_signals(); /* Ctrl-C ends an endless source (webhook) */
	}
	rc = sk_services_serve(&sv, err, sizeof(err));
	/* Opened once the web server runs: a capture on a pipe may be slow to start. */
	if (rc == 0 && !plugin_input)
		rc = sk_scap_reader_open(&r, o->capture, err, sizeof(err));
	if (rc) {
		fprintf(errf, "saker: %s\n", err);
		sk_plugin_runner_stop(&runner);
		sk_plugin_runner_wait(&runner, NULL);
		sk_plugin_runner_fini(&runner);
		sk_services_stop(&sv);
		sk_pipeline_fini(&p);
		goto out_slot;
	}
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct sk_scap_item it;
	while (r && (rc = sk_scap_reader_next(r, &it, err, sizeof(err))) > 0) {
		if (it.kind == SK_SCAP_EVENT && it.event.hdr->type == 322 && s->plugins) {
			/* a plugin event: the rules of its plugin's source */
			sk_plugin_dispatch_event(&dispatch, &it.event);
			continue;
		}
		if (it.kind != SK_SCAP_EVENT) {
			sk_pipeline_item(&p, &it);
			continue;
		}
		sk_pipeline_event(&p, &it.event);
		if (o->duration_s && (p.counts.events & 1023u) == 0 &&
		    elapsed_since(&t0) >= (double)o->duration_s)
			break;
	}
	if (rc < 0)
		fprintf(errf, "saker: %s\n", err);
	int prc = sk_plugin_runner_wait(&runner, errf);
	if (prc && rc >= 0)
		rc = prc;
	if (dispatch.unknown)
		fprintf(errf, "saker: %llu plugin events skipped: their plugin is not loaded\n",
			(unsigned long long)dispatch.unknown);
	/* The event-processing time: outputs may still be draining after it. */
	double secs = elapsed_since(&t0);
	sk_services_stop(&sv);
	/* one summary for every source */
	sk_plugin_runner_counts(&runner, &p.counts);
	sk_plugin_dispatch_counts(&dispatch, &p.counts);
	sk_pipeline_print_summary(&p, secs, o->verbose, out);
	if (o->verbose && s->plugins)
		sk_plugin_host_print_metrics(s->plugins, out);
	sk_plugin_runner_fini(&runner);
	sk_plugin_dispatch_fini(&dispatch);
	sk_pipeline_fini(&p);
out_slot:
	sk_ruleset_slot_fini(&slot);
	sk_engine_reloader_fini(&reloader);
	sk_scap_reader_free(r);
	if (w && sk_scap_writer_close(w, err, sizeof(err))) {
		fprintf(errf, "saker: %s\n", err);
		rc = rc < 0 ? rc : -EIO;
	}
	return rc < 0 ? rc : 0;
}
