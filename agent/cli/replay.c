/* SPDX-License-Identifier: Apache-2.0 */
#include "replay.h"

#include <time.h>

#include "../config/services.h"
#include "../pipeline.h"
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
	struct sk_scap_reader *r;
	int rc = sk_scap_reader_open(&r, o->capture, err, sizeof(err));
	if (rc) {
		fprintf(errf, "saker: %s\n", err);
		return rc;
	}
	struct sk_ruleset_slot slot;
	sk_ruleset_slot_init(&slot);
	sk_ruleset_slot_swap(&slot, sk_ruleset_ref(s->rs));
	struct sk_log_std log_std = {.to_stderr = cfg->log_stderr, .to_syslog = cfg->log_syslog};
	struct sk_engine_reloader reloader;
	sk_engine_reloader_init(&reloader, o, cfg);
	struct sk_services sv;
	struct sk_services_opts so = {
		.cfg = cfg,
		.version = version,
		.stdout_f = out,
		.unbuffered = o->unbuffered,
		.slot = &slot,
		.build = sk_engine_reloader_build,
		.paths = sk_engine_reloader_paths,
		.ctx = &reloader,
		.log = {.min = cfg->log_level, .fn = sk_log_write_std, .ctx = &log_std},
	};
	rc = sk_services_start(&sv, &so, err, sizeof(err));
	if (rc) {
		fprintf(errf, "saker: %s\n", err);
		goto out_slot;
	}
	sk_services_rules_loaded(&sv, sk_reload_now(), 0, sk_ruleset_nrules(s->rs));
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
	rc = sk_services_serve(&sv, err, sizeof(err));
	if (rc) {
		fprintf(errf, "saker: %s\n", err);
		sk_services_stop(&sv);
		sk_pipeline_fini(&p);
		goto out_slot;
	}
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct sk_scap_item it;
	while ((rc = sk_scap_reader_next(r, &it, err, sizeof(err))) > 0) {
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
	/* The event-processing time: outputs may still be draining after it. */
	double secs = elapsed_since(&t0);
	sk_services_stop(&sv);
	sk_pipeline_print_summary(&p, secs, o->verbose, out);
	sk_pipeline_fini(&p);
out_slot:
	sk_ruleset_slot_fini(&slot);
	sk_engine_reloader_fini(&reloader);
	sk_scap_reader_free(r);
	return rc < 0 ? rc : 0;
}
