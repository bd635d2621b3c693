/* SPDX-License-Identifier: Apache-2.0 */
/* Falco's syscall_event_drops: a once-a-second check of the probe's drop counters. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

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

static int parse_double(const char *v, double lo, double hi, double *out)
{
	char *end;
	errno = 0;
	double d = strtod(v, &end);
	if (errno || end == v || *end || d < lo || d > hi)
		return -EINVAL;
	*out = d;
	return 0;
}

/* actions: "log", "[log, alert]", "log,alert". */
static int parse_actions(const char *v, unsigned *out)
{
	static const struct {
		const char *name;
		unsigned bit;
	} names[] = {{"ignore", SK_DROP_IGNORE}, {"log", SK_DROP_LOG},
		     {"alert", SK_DROP_ALERT}, {"exit", SK_DROP_EXIT}};
	unsigned acts = 0;
	const char *p = v;
	while (*p) {
		p += strspn(p, "[], \t");
		size_t n = strcspn(p, "[], \t");
		if (!n)
			break;
		size_t i;
		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (strlen(names[i].name) == n && !strncmp(p, names[i].name, n))
				break;
		if (i == sizeof(names) / sizeof(names[0]))
			return -EINVAL;
		acts |= names[i].bit;
		p += n;
	}
	*out = acts;
	return 0;
}

int sk_live_config_apply(struct sk_drop_cfg *c, int *buf_size_preset, const char *kv, char *err,
			 size_t errlen)
{
	const char *eq = strchr(kv, '=');
	if (!eq)
		return 0;
	size_t klen = (size_t)(eq - kv);
	const char *v = eq + 1;
	int rc = 0;
	double d;
#define KEY_IS(k) (klen == strlen(k) && !strncmp(kv, k, klen))
	if (KEY_IS("syscall_buf_size_preset")) {
		rc = parse_double(v, 0, SK_PROBE_PRESET_MAX, &d);
		if (!rc && d != (int)d)
			rc = -EINVAL;
		if (!rc)
			*buf_size_preset = (int)d;
	} else if (KEY_IS("syscall_event_drops.threshold")) {
		rc = parse_double(v, 0, 1, &c->threshold);
	} else if (KEY_IS("syscall_event_drops.rate")) {
		rc = parse_double(v, 0, SK_LIVE_DROP_RATE_MAX, &c->rate);
	} else if (KEY_IS("syscall_event_drops.max_burst")) {
		rc = parse_double(v, 0, SK_LIVE_DROP_BURST_MAX, &d);
		if (!rc)
			c->max_burst = (unsigned)d;
	} else if (KEY_IS("syscall_event_drops.actions")) {
		rc = parse_actions(v, &c->actions);
	} else {
		return 0;
	}
#undef KEY_IS
	if (rc) {
		snprintf(err, errlen, "-o '%s': bad value '%s'", kv, v);
		return rc;
	}
	return 1;
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
