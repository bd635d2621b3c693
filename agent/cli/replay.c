/* SPDX-License-Identifier: Apache-2.0 */
#include "replay.h"

#include <time.h>

#include "../pipeline.h"
#include "saker/scap.h"

static double elapsed_since(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

int sk_replay_run(struct sk_engine_setup *s, const struct sk_options *o, FILE *out, FILE *errf)
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
	struct sk_file_sink sink = {.f = out, .unbuffered = o->unbuffered};
	struct sk_pipeline_opts popts = {
		.all_events = o->all_events,
		.out = &s->out_opts,
		.hostname = s->hostname,
		.sink = sk_alert_sink_file(&sink),
	};
	struct sk_pipeline p;
	rc = sk_pipeline_init(&p, &slot, &popts);
	if (rc) {
		sk_ruleset_slot_fini(&slot);
		sk_scap_reader_free(r);
		return rc;
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
	sk_pipeline_print_summary(&p, elapsed_since(&t0), o->verbose, out);
	sk_pipeline_fini(&p);
	sk_ruleset_slot_fini(&slot);
	sk_scap_reader_free(r);
	return rc < 0 ? rc : 0;
}
