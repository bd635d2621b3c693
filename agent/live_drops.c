/* SPDX-License-Identifier: Apache-2.0 */
/* Falco's syscall_event_drops: a once-a-second check of the probe's drop counters. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "config/tree.h"
#include "live.h"

#define SK_DROP_RULE "Falco internal: syscall event drop"

void sk_drop_cfg_default(struct sk_drop_cfg *c)
{
	*c = (struct sk_drop_cfg){
		.threshold = 0.1,
		.actions = SK_DROP_LOG | SK_DROP_ALERT,
		.rate = 0.03333,
		.max_burst = 1,
	};
}

static int bad(const struct sk_cnode *n, const char *key, const char *msg, char *err,
	       size_t errlen)
{
	char where[256];
	snprintf(err, errlen, "%s: %s: %s", sk_cnode_where(n, where, sizeof(where)), key, msg);
	return -EINVAL;
}

/* A scalar number at path below map (absent: *out unchanged). */
static int get_num(const struct sk_cnode *map, const char *path, double lo, double hi,
		   double *out, char *err, size_t errlen)
{
	const struct sk_cnode *n = map ? sk_cnode_path(map, path) : NULL;
	if (!n || sk_cnode_is_null(n))
		return 0;
	char *end;
	errno = 0;
	double d = n->kind == SK_CNODE_SCALAR ? strtod(n->str, &end) : 0;
	if (n->kind != SK_CNODE_SCALAR || errno || end == n->str || *end || d < lo || d > hi) {
		char msg[96];
		snprintf(msg, sizeof(msg), "expected a number from %g to %g", lo, hi);
		return bad(n, path, msg, err, errlen);
	}
	*out = d;
	return 0;
}

static int action_bit(const char *name, unsigned *bit)
{
	static const struct {
		const char *name;
		unsigned bit;
	} names[] = {{"ignore", SK_DROP_IGNORE}, {"log", SK_DROP_LOG},
		     {"alert", SK_DROP_ALERT}, {"exit", SK_DROP_EXIT}};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(names[i].name, name)) {
			*bit = names[i].bit;
			return 0;
		}
	return -EINVAL;
}

/* actions: a sequence of names, or one name. */
static int get_actions(const struct sk_cnode *drops, unsigned *out, char *err, size_t errlen)
{
	const struct sk_cnode *n = drops ? sk_cnode_get(drops, "actions") : NULL;
	if (!n || sk_cnode_is_null(n))
		return 0;
	unsigned acts = 0, bit;
	unsigned count = n->kind == SK_CNODE_SEQ ? n->n : 1;
	for (unsigned i = 0; i < count; i++) {
		const struct sk_cnode *v = n->kind == SK_CNODE_SEQ ? n->vals[i] : n;
		if (v->kind != SK_CNODE_SCALAR || action_bit(v->str, &bit))
			return bad(v, "syscall_event_drops.actions",
				   "expected ignore, log, alert or exit", err, errlen);
		acts |= bit;
	}
	*out = acts;
	return 0;
}

static int get_custom_set(struct sk_live_settings *ls, const struct sk_cnode *bs, char *err,
			  size_t errlen)
{
	const struct sk_cnode *n = bs ? sk_cnode_get(bs, "custom_set") : NULL;
	if (!n || sk_cnode_is_null(n))
		return 0;
	if (n->kind != SK_CNODE_SEQ || n->n > SK_LIVE_CUSTOM_SET_MAX)
		return bad(n, "base_syscalls.custom_set", "expected a list of syscall names", err,
			   errlen);
	for (unsigned i = 0; i < n->n; i++) {
		if (n->vals[i]->kind != SK_CNODE_SCALAR)
			return bad(n->vals[i], "base_syscalls.custom_set", "expected a syscall name",
				   err, errlen);
		ls->custom_set[ls->ncustom++] = n->vals[i]->str;
	}
	return 0;
}

int sk_live_settings_read(struct sk_live_settings *ls, const struct sk_config *cfg, char *err,
			  size_t errlen)
{
	memset(ls, 0, sizeof(*ls));
	sk_drop_cfg_default(&ls->drops);
	ls->buf_size_preset = (int)cfg->syscall_buf_size_preset;
	const struct sk_cnode *d = cfg->syscall_event_drops;
	double burst = ls->drops.max_burst, preset = ls->buf_size_preset, bytes = 0, all = 0;
	int rc = get_num(d, "threshold", 0, 1, &ls->drops.threshold, err, errlen);
	if (!rc)
		rc = get_num(d, "rate", 0, SK_LIVE_DROP_RATE_MAX, &ls->drops.rate, err, errlen);
	if (!rc)
		rc = get_num(d, "max_burst", 0, SK_LIVE_DROP_BURST_MAX, &burst, err, errlen);
	if (!rc)
		rc = get_actions(d, &ls->drops.actions, err, errlen);
	if (!rc)
		rc = get_num(cfg->engine, "modern_ebpf.buf_size_preset", 0, SK_PROBE_PRESET_MAX,
			     &preset, err, errlen);
	if (!rc)
		rc = get_num(cfg->engine, "modern_ebpf.ringbuf_bytes", 0, SK_PROBE_RINGBUF_MAX, &bytes,
			     err, errlen);
	if (!rc && bytes && ((uint32_t)bytes < SK_PROBE_RINGBUF_MIN ||
			     ((uint32_t)bytes & ((uint32_t)bytes - 1))))
		rc = bad(sk_cnode_path(cfg->engine, "modern_ebpf.ringbuf_bytes"),
			 "engine.modern_ebpf.ringbuf_bytes", "expected a power of two >= 4096", err,
			 errlen);
	const struct sk_cnode *bs = cfg->base_syscalls;
	const struct sk_cnode *an = bs ? sk_cnode_get(bs, "all") : NULL;
	if (!rc && an && an->kind == SK_CNODE_SCALAR)
		all = !strcmp(an->str, "true") || !strcmp(an->str, "1") || !strcmp(an->str, "yes");
	if (!rc)
		rc = get_custom_set(ls, bs, err, errlen);
	ls->drops.max_burst = (unsigned)burst;
	ls->buf_size_preset = (int)preset;
	ls->ringbuf_bytes = (uint32_t)bytes;
	ls->all_syscalls = all != 0;
	return rc;
}

void sk_drop_mgr_init(struct sk_drop_mgr *m, const struct sk_drop_cfg *cfg, uint64_t now_ns)
{
	memset(m, 0, sizeof(*m));
	m->cfg = *cfg;
	m->tokens = cfg->max_burst;
	m->last_ns = now_ns;
}

unsigned sk_drop_mgr_check(struct sk_drop_mgr *m, uint64_t now_ns, uint64_t events, uint64_t drops,
			   struct sk_drop_delta *delta)
{
	delta->events = events - m->prev_events;
	delta->drops = drops - m->prev_drops;
	m->prev_events = events;
	m->prev_drops = drops;
	if (now_ns > m->last_ns) {
		m->tokens += m->cfg.rate * (double)(now_ns - m->last_ns) / 1e9;
		if (m->tokens > m->cfg.max_burst)
			m->tokens = m->cfg.max_burst;
	}
	m->last_ns = now_ns;
	if (!delta->drops)
		return 0;
	/* Dropped events never reached the events counter: compare with all that were produced. */
	double ratio = (double)delta->drops / (double)(delta->events + delta->drops);
	if (ratio <= m->cfg.threshold)
		return 0;
	m->detected++;
	if (m->cfg.actions == SK_DROP_IGNORE || m->tokens < 1.0)
		return 0;
	m->tokens -= 1.0;
	m->actions_taken++;
	return m->cfg.actions;
}

static void format_time(uint64_t ts, bool iso, char *out, size_t cap)
{
	time_t sec = (time_t)(ts / 1000000000u);
	struct tm tm;
	char base[32];
	if (iso) {
		gmtime_r(&sec, &tm);
		strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
		snprintf(out, cap, "%s.%09lluZ", base, (unsigned long long)(ts % 1000000000u));
	} else {
		localtime_r(&sec, &tm);
		strftime(base, sizeof(base), "%H:%M:%S", &tm);
		snprintf(out, cap, "%s.%09llu", base, (unsigned long long)(ts % 1000000000u));
	}
}

void sk_drop_alert_format(const struct sk_drop_delta *d, uint64_t ts, const struct sk_output_opts *o,
			  char *out, size_t cap)
{
	char msg[160];
	snprintf(msg, sizeof(msg), SK_DROP_RULE ". %llu system calls dropped in last second.",
		 (unsigned long long)d->drops);
	if (!o || !o->json) {
		char t[80];
		format_time(ts, o && o->time_iso8601, t, sizeof(t));
		snprintf(out, cap,
			 "%s: Critical %s (ebpf_enabled=1 n_drops=%llu n_drops_buffer=%llu "
			 "n_drops_pf=0 n_drops_bug=0 n_evts=%llu)",
			 t, msg, (unsigned long long)d->drops, (unsigned long long)d->drops,
			 (unsigned long long)(d->events + d->drops));
		return;
	}
	char t[80];
	format_time(ts, true, t, sizeof(t));
	cJSON *j = cJSON_CreateObject();
	cJSON *f = cJSON_CreateObject();
	if (o->hostname)
		cJSON_AddStringToObject(j, "hostname", o->hostname);
	cJSON_AddStringToObject(j, "output", msg);
	cJSON_AddNumberToObject(f, "ebpf_enabled", 1);
	cJSON_AddNumberToObject(f, "n_drops", (double)d->drops);
	cJSON_AddNumberToObject(f, "n_drops_buffer", (double)d->drops);
	cJSON_AddNumberToObject(f, "n_drops_bug", 0);
	cJSON_AddNumberToObject(f, "n_drops_pf", 0);
	cJSON_AddNumberToObject(f, "n_evts", (double)(d->events + d->drops));
	cJSON_AddItemToObject(j, "output_fields", f);
	cJSON_AddStringToObject(j, "priority", "Critical");
	cJSON_AddStringToObject(j, "rule", SK_DROP_RULE);
	cJSON_AddStringToObject(j, "source", "internal");
	cJSON_AddStringToObject(j, "time", t);
	char *s = cJSON_PrintUnformatted(j);
	snprintf(out, cap, "%s", s ? s : "{}");
	free(s);
	cJSON_Delete(j);
}
