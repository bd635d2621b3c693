/* SPDX-License-Identifier: Apache-2.0 */
#include "pipeline.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static void take_ruleset(struct sk_pipeline *p)
{
	struct sk_ruleset *rs = sk_ruleset_slot_get(p->slot);
	if (p->rs)
		sk_ruleset_unref(p->rs);
	p->rs = rs;
	p->src = rs ? sk_ruleset_source(rs, p->ctx.source) : -1;
}

int sk_pipeline_init(struct sk_pipeline *p, struct sk_ruleset_slot *slot,
		     const struct sk_pipeline_opts *opts)
{
	memset(p, 0, sizeof(*p));
	p->opts = *opts;
	p->slot = slot;
	p->alert = malloc(SK_PIPELINE_ALERT_MAX);
	p->scratch = malloc(SK_PIPELINE_SCRATCH_MAX);
	if (!p->alert || !p->scratch) {
		free(p->alert);
		free(p->scratch);
		return -ENOMEM;
	}
	sk_state_init(&p->state);
	sk_state_resolver(&p->state, &p->resolver);
	p->plugin_source = opts->source && strcmp(opts->source, "syscall");
	p->ctx = (struct sk_eval_ctx){
		.source = opts->source ? opts->source : "syscall",
		.plugin_ctx = opts->plugin_ctx,
		.plugin_info = opts->plugin_info,
		.hostname = opts->hostname,
		.state = &p->state,
		.state_ops = &sk_state_field_ops,
		.resolver = &p->resolver,
		.scratch = p->scratch,
		.scratch_cap = SK_PIPELINE_SCRATCH_MAX,
	};
	if (opts->ruleset_gen)
		p->seen_gen = __atomic_load_n(opts->ruleset_gen, __ATOMIC_ACQUIRE);
	take_ruleset(p);
	return 0;
}

void sk_pipeline_fini(struct sk_pipeline *p)
{
	if (p->rs)
		sk_ruleset_unref(p->rs);
	sk_state_fini(&p->state);
	free(p->alert);
	free(p->scratch);
	memset(p, 0, sizeof(*p));
}

void sk_pipeline_refresh(struct sk_pipeline *p)
{
	take_ruleset(p);
}

void sk_pipeline_item(struct sk_pipeline *p, const struct sk_scap_item *item)
{
	sk_state_apply_item(&p->state, item);
}

/* The format of the next alert: the sink's when it has one (a reload changed it), else opts.out. */
static const struct sk_output_opts *alert_begin(struct sk_pipeline *p, struct sk_output_opts *tmp)
{
	const struct sk_output_opts *f =
		p->opts.sink.begin ? p->opts.sink.begin(p->opts.sink.ctx) : NULL;
	if (!f)
		return p->opts.out;
	*tmp = *f;
	tmp->hostname = p->opts.out->hostname;
	return tmp;
}

/* One match: formatted and handed to the sink, between the sink's begin and end. */
static void alert(struct sk_pipeline *p, const struct sk_rule *rule, uint64_t ts)
{
	struct sk_output_opts tmp;
	const struct sk_output_opts *fmt = alert_begin(p, &tmp);
	sk_alert_format(rule, &p->ctx, ts, fmt, p->alert, SK_PIPELINE_ALERT_MAX);
	p->counts.alerts++;
	p->counts.by_priority[rule->priority]++;
	if (p->opts.sink.emit)
		p->opts.sink.emit(p->opts.sink.ctx, rule, ts, p->alert);
	if (p->opts.sink.end)
		p->opts.sink.end(p->opts.sink.ctx);
}

void sk_pipeline_emit_made(struct sk_pipeline *p, const struct sk_rule *rule, uint64_t ts,
			   sk_pipeline_text_fn format, const void *arg)
{
	if (!p->opts.sink.emit)
		return;
	struct sk_output_opts tmp;
	format(arg, ts, alert_begin(p, &tmp), p->alert, SK_PIPELINE_ALERT_MAX);
	p->opts.sink.emit(p->opts.sink.ctx, rule, ts, p->alert);
	if (p->opts.sink.end)
		p->opts.sink.end(p->opts.sink.ctx);
}

static void evaluate(struct sk_pipeline *p, const struct sk_evt *e)
{
	const struct sk_rule *matches[SK_PIPELINE_MAX_MATCHES];
	struct sk_eval_ctx *ctx = &p->ctx;
	if (!ctx->first_ts && e->hdr->tid != UINT64_MAX)
		ctx->first_ts = e->hdr->ts;
	ctx->evt = e;
	ctx->evtnum = p->counts.events;
	ctx->scratch_used = 0;
	p->counts.evaluated++;
	unsigned n = sk_ruleset_eval(p->rs, p->src, ctx, matches, SK_PIPELINE_MAX_MATCHES);
	for (unsigned i = 0; i < n; i++)
		alert(p, matches[i], e->hdr->ts);
}

/* A counter that only this thread writes and others read: no locked add needed. */
static inline void bump(uint64_t *c)
{
	__atomic_store_n(c, __atomic_load_n(c, __ATOMIC_RELAXED) + 1, __ATOMIC_RELAXED);
}

void sk_pipeline_event(struct sk_pipeline *p, const struct sk_evt *e)
{
	if (p->opts.ruleset_gen) {
		uint64_t gen = __atomic_load_n(p->opts.ruleset_gen, __ATOMIC_ACQUIRE);
		if (gen != p->seen_gen) {
			p->seen_gen = gen;
			take_ruleset(p);
		}
	}
	bump(&p->counts.events);
	if (e->hdr->type < SK_EVT_TABLE_SIZE)
		bump(&p->counts.by_code[e->hdr->type]);
	if (p->plugin_source) {
		/* Plugin events carry no thread: no state, and no high-volume filter. */
		if (!p->ctx.first_ts)
			p->ctx.first_ts = e->hdr->ts;
		if (p->rs && p->src >= 0)
			evaluate(p, e);
		p->ctx.prev_ts = e->hdr->ts;
		return;
	}
	sk_state_apply_event(&p->state, e);
	/*
	 * State-only events (EVF flag 1) shape state but are never shown or
	 * matched; nor are the driver's internal events (procinfo, drop...),
	 * which libsinsp keeps from its consumers. Container events are matched:
	 * Falco's rules use evt.type=container.
	 */
	if (p->rs && p->src >= 0 && !(e->dump_flags & 1u) && !sk_event_is_internal(e->info) &&
	    (p->opts.all_events || !sk_event_is_high_volume(e->info)))
		evaluate(p, e);
	p->ctx.prev_ts = e->hdr->ts;
	sk_state_after_event(&p->state, e);
}

void sk_pipeline_rebuilt_enter(struct sk_pipeline *p, const struct sk_evt *e)
{
	p->ctx.rebuilt_enter = true;
	sk_pipeline_event(p, e);
	p->ctx.rebuilt_enter = false;
}

void sk_pipeline_print_summary(const struct sk_pipeline *p, double secs, bool verbose, FILE *out)
{
	const struct sk_pipeline_counts *c = &p->counts;
	if (verbose)
		fprintf(out, "Elapsed time: %.3f, Captured Events: %llu, %.2f eps\n", secs,
			(unsigned long long)c->events, secs > 0 ? (double)c->events / secs : 0.0);
	fprintf(out, "Events detected: %llu\n", (unsigned long long)c->alerts);
	fprintf(out, "Rule counts by severity:\n");
	for (int pr = 0; pr < SK_PRIO_COUNT; pr++) {
		if (!c->by_priority[pr])
			continue;
		char up[32];
		snprintf(up, sizeof(up), "%s", sk_priority_name(pr));
		for (char *q = up; *q; q++)
			*q = (char)(*q >= 'a' && *q <= 'z' ? *q - 32 : *q);
		fprintf(out, "   %s: %llu\n", up, (unsigned long long)c->by_priority[pr]);
	}
	fprintf(out, "Triggered rules by rule name:\n");
	if (!p->rs)
		return;
	unsigned n = sk_ruleset_nrules(p->rs);
	for (unsigned i = 0; i < n; i++) {
		const struct sk_rule *r = sk_ruleset_rule_at(p->rs, i);
		if (r->matches)
			fprintf(out, "   %s: %llu\n", r->name, (unsigned long long)r->matches);
	}
}

static void file_emit(void *ctx, const struct sk_rule *rule, uint64_t ts, const char *text)
{
	const struct sk_file_sink *s = ctx;
	fputs(text, s->f);
	fputc('\n', s->f);
	if (s->unbuffered)
		fflush(s->f);
}

struct sk_alert_sink sk_alert_sink_file(struct sk_file_sink *s)
{
	return (struct sk_alert_sink){.ctx = s, .emit = file_emit};
}
