/* SPDX-License-Identifier: Apache-2.0 */
#include "replay.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../state/state.h"
#include "saker/scap.h"

#define ALERT_MAX (64u * 1024u)
#define SCRATCH_MAX (256u * 1024u)
#define MAX_MATCHES 256u

/*
 * Without -A, high-volume events (I/O, waits, sleeps, scheduler switches)
 * reach only rules that name their event type, as Falco skips them unless
 * asked for all events.
 */
static bool high_volume(const struct sk_event_info *info)
{
	unsigned sub = info->category & 0x1ffu;
	return sub == SK_EC_IO_READ || sub == SK_EC_IO_WRITE || sub == SK_EC_WAIT ||
	       sub == SK_EC_SLEEP || sub == SK_EC_SCHEDULER || (info->flags & SK_EF_WAITS);
}

struct counts {
	uint64_t events;
	uint64_t alerts;
	uint64_t by_prio[SK_PRIO_COUNT];
};

static double elapsed_since(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

static void print_summary(const struct sk_engine_setup *s, const struct counts *c, double secs,
			  bool verbose, FILE *out)
{
	if (verbose)
		fprintf(out, "Elapsed time: %.3f, Captured Events: %llu, %.2f eps\n", secs,
			(unsigned long long)c->events, secs > 0 ? (double)c->events / secs : 0.0);
	fprintf(out, "Events detected: %llu\n", (unsigned long long)c->alerts);
	fprintf(out, "Rule counts by severity:\n");
	for (int p = 0; p < SK_PRIO_COUNT; p++) {
		if (!c->by_prio[p])
			continue;
		char up[32];
		snprintf(up, sizeof(up), "%s", sk_priority_name(p));
		for (char *q = up; *q; q++)
			*q = (char)(*q >= 'a' && *q <= 'z' ? *q - 32 : *q);
		fprintf(out, "   %s: %llu\n", up, (unsigned long long)c->by_prio[p]);
	}
	fprintf(out, "Triggered rules by rule name:\n");
	unsigned n = sk_ruleset_nrules(s->rs);
	for (unsigned i = 0; i < n; i++) {
		const struct sk_rule *r = sk_ruleset_rule_at(s->rs, i);
		if (r->matches)
			fprintf(out, "   %s: %llu\n", r->name, (unsigned long long)r->matches);
	}
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
	int src = sk_ruleset_source(s->rs, "syscall");
	char *alert = malloc(ALERT_MAX);
	char *scratch = malloc(SCRATCH_MAX);
	if (!alert || !scratch) {
		free(alert);
		free(scratch);
		sk_scap_reader_free(r);
		return -ENOMEM;
	}
	struct sk_state st;
	sk_state_init(&st);
	struct sk_render_resolver res;
	sk_state_resolver(&st, &res);
	struct sk_eval_ctx ctx = {
		.source = "syscall",
		.hostname = s->hostname,
		.state = &st,
		.state_ops = &sk_state_field_ops,
		.resolver = &res,
		.scratch = scratch,
		.scratch_cap = SCRATCH_MAX,
	};
	struct counts c = {0};
	const struct sk_rule *matches[MAX_MATCHES];
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);

	struct sk_scap_item it;
	while ((rc = sk_scap_reader_next(r, &it, err, sizeof(err))) > 0) {
		if (it.kind != SK_SCAP_EVENT) {
			sk_state_apply_item(&st, &it);
			continue;
		}
		const struct sk_evt *e = &it.event;
		c.events++;
		sk_state_apply_event(&st, e);
		bool evaluate = src >= 0 && !(e->dump_flags & 1u) &&
				(o->all_events || !high_volume(e->info));
		if (evaluate) {
			if (!ctx.first_ts && e->hdr->tid != UINT64_MAX)
				ctx.first_ts = e->hdr->ts;
			ctx.evt = e;
			ctx.evtnum = c.events;
			ctx.scratch_used = 0;
			unsigned n = sk_ruleset_eval(s->rs, src, &ctx, matches, MAX_MATCHES);
			for (unsigned i = 0; i < n; i++) {
				sk_alert_format(matches[i], &ctx, e->hdr->ts, &s->out_opts, alert,
						ALERT_MAX);
				fprintf(out, "%s\n", alert);
				if (o->unbuffered)
					fflush(out);
				c.alerts++;
				c.by_prio[matches[i]->priority]++;
			}
		}
		ctx.prev_ts = e->hdr->ts;
		sk_state_after_event(&st, e);
		if (o->duration_s && (c.events & 1023u) == 0 &&
		    elapsed_since(&t0) >= (double)o->duration_s)
			break;
	}
	if (rc < 0)
		fprintf(errf, "saker: %s\n", err);
	print_summary(s, &c, elapsed_since(&t0), o->verbose, out);
	sk_state_fini(&st);
	free(alert);
	free(scratch);
	sk_scap_reader_free(r);
	return rc < 0 ? rc : 0;
}
