/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Benchmark of the rules engine.
 *
 *   bench_engine RULES CAPTURE [ROUNDS]
 *
 * Prints: load+compile time of RULES (best of ROUNDS); then, with the
 * capture's events held in memory, state + rule evaluation per event
 * (ns/event, events/s, best of ROUNDS) and the share of events whose code
 * no rule is indexed under.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../agent/pipeline.h"
#include "saker/scap.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int compile(const char *rules_path, struct sk_field_registry *reg, struct sk_ruleset **rs)
{
	struct sk_rules rules;
	struct sk_diags d;
	sk_rules_init(&rules);
	sk_diags_init(&d);
	struct sk_ruleset_opts o;
	sk_ruleset_opts_init(&o);
	int rc = sk_rules_load_path(&rules, rules_path, &d);
	if (rc == 0)
		rc = sk_ruleset_compile(&rules, reg, &o, &d, rs);
	if (rc)
		sk_diags_print(&d, stderr);
	sk_rules_fini(&rules);
	sk_diags_fini(&d);
	return rc;
}

/* The capture's events, copied; its metadata is re-applied each round. */
struct held {
	uint8_t **evts;
	uint16_t *cpus;
	size_t n, cap;
};

static int hold_events(const char *path, struct held *h, struct sk_state *seed)
{
	char err[512];
	struct sk_scap_reader *r;
	if (sk_scap_reader_open(&r, path, err, sizeof(err))) {
		fprintf(stderr, "bench: %s\n", err);
		return -1;
	}
	struct sk_scap_item it;
	int rc;
	while ((rc = sk_scap_reader_next(r, &it, err, sizeof(err))) > 0) {
		if (it.kind != SK_SCAP_EVENT) {
			sk_state_apply_item(seed, &it);
			continue;
		}
		if (!h)
			break; /* metadata only: it all comes before the first event */
		if (h->n == h->cap) {
			h->cap = h->cap ? h->cap * 2 : 65536;
			h->evts = realloc(h->evts, h->cap * sizeof(*h->evts));
			h->cpus = realloc(h->cpus, h->cap * sizeof(*h->cpus));
		}
		uint32_t len = it.event.hdr->len;
		h->evts[h->n] = malloc(len);
		memcpy(h->evts[h->n], it.event.hdr, len);
		h->cpus[h->n] = it.event.cpu;
		h->n++;
	}
	sk_scap_reader_free(r);
	if (rc < 0)
		fprintf(stderr, "bench: %s\n", err);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: bench_engine RULES CAPTURE [ROUNDS]\n");
		return 2;
	}
	int rounds = argc > 3 ? atoi(argv[3]) : 3;
	struct sk_field_registry *reg;
	if (sk_field_registry_new(&reg) || sk_field_registry_add_builtin(reg))
		return 1;

	double best = 1e30;
	struct sk_ruleset *rs = NULL;
	for (int i = 0; i < rounds; i++) {
		if (rs)
			sk_ruleset_unref(rs);
		double t0 = now();
		if (compile(argv[1], reg, &rs))
			return 1;
		double t = now() - t0;
		best = t < best ? t : best;
	}
	printf("load+compile %s: %.1f ms (%u rules enabled)\n", argv[1], best * 1e3,
	       sk_ruleset_nrules(rs));

	struct sk_state seed_state;
	sk_state_init(&seed_state);
	struct held h = {0};
	if (hold_events(argv[2], &h, &seed_state) < 0)
		return 1;
	sk_state_fini(&seed_state);

	int src = sk_ruleset_source(rs, "syscall");
	struct sk_ruleset_slot slot;
	sk_ruleset_slot_init(&slot);
	sk_ruleset_slot_swap(&slot, sk_ruleset_ref(rs));
	struct sk_output_opts out;
	sk_output_opts_init(&out);
	/* No sink: alerts are formatted (that is part of the cost) and counted. */
	struct sk_pipeline_opts popts = {.all_events = true, .out = &out, .hostname = "bench"};
	uint64_t alerts = 0;
	best = 1e30;
	struct sk_ruleset_stats st0, st1;
	for (int round = 0; round < rounds; round++) {
		struct sk_pipeline p;
		if (sk_pipeline_init(&p, &slot, &popts))
			return 1;
		hold_events(argv[2], NULL, &p.state); /* the capture's metadata */
		sk_ruleset_stats(rs, src, &st0);
		double t0 = now();
		for (size_t i = 0; i < h.n; i++) {
			struct sk_evt e;
			char err[64];
			if (sk_evt_parse(&e, h.evts[i], ((struct sk_evt_hdr *)h.evts[i])->len, err,
					 sizeof(err)))
				continue;
			e.cpu = h.cpus[i];
			sk_pipeline_event(&p, &e);
		}
		double t = now() - t0;
		sk_ruleset_stats(rs, src, &st1);
		best = t < best ? t : best;
		alerts = p.counts.alerts;
		sk_pipeline_fini(&p);
	}
	sk_ruleset_slot_fini(&slot);
	double no_rule = st1.events > st0.events ? (double)(st1.events_no_rules - st0.events_no_rules) /
							     (double)(st1.events - st0.events)
						   : 0;
	printf("state+rules in memory: %zu events, %.1f ns/event, %.0f events/s, "
	       "%.1f%% of events reach no rule, %llu alerts per round (all events evaluated, as with -A)\n",
	       h.n, best * 1e9 / (double)h.n, (double)h.n / best, no_rule * 100.0,
	       (unsigned long long)alerts);
	sk_ruleset_unref(rs);
	sk_field_registry_free(reg);
	for (size_t i = 0; i < h.n; i++)
		free(h.evts[i]);
	free(h.evts);
	free(h.cpus);
	return 0;
}
