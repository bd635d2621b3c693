/* SPDX-License-Identifier: Apache-2.0 */
#include "metrics.h"

#include "../plugin/plugin.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void sk_rules_status_init(struct sk_rules_status *s)
{
	memset(s, 0, sizeof(*s));
	pthread_mutex_init(&s->lock, NULL);
}

void sk_rules_status_fini(struct sk_rules_status *s)
{
	pthread_mutex_destroy(&s->lock);
}

void sk_rules_status_record(struct sk_rules_status *s, bool ok, double started,
			    double duration, unsigned nrules, const char *error)
{
	pthread_mutex_lock(&s->lock);
	s->loads++;
	s->last_ok = ok;
	s->last_attempt = started;
	s->last_duration = duration;
	if (ok) {
		s->loaded = true;
		s->last_success = started;
		s->nrules = nrules;
		s->last_error[0] = '\0';
	} else {
		s->failures++;
		snprintf(s->last_error, sizeof(s->last_error), "%s", error ? error : "unknown");
	}
	pthread_mutex_unlock(&s->lock);
}

/* ---- a growing text buffer --------------------------------------------- */

struct buf {
	char *p;
	size_t len, cap;
	int err;
};

static void put(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct buf *b, const char *fmt, ...)
{
	if (b->err)
		return;
	for (;;) {
		va_list ap;
		va_start(ap, fmt);
		int n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
		if (n < 0) {
			b->err = -EINVAL;
			return;
		}
		if ((size_t)n < b->cap - b->len) {
			b->len += (size_t)n;
			return;
		}
		size_t cap = b->cap * 2;
		while (cap < b->len + (size_t)n + 1)
			cap *= 2;
		if (cap > SK_METRICS_MAX_BYTES) {
			b->err = -E2BIG;
			return;
		}
		char *p = realloc(b->p, cap);
		if (!p) {
			b->err = -ENOMEM;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
}

/* A label value with '\\', '"' and newlines escaped, into out (cut at cap). */
static const char *esc(const char *s, char *out, size_t cap)
{
	size_t n = 0;
	for (; *s && n + 3 < cap; s++) {
		if (*s == '\\' || *s == '"') {
			out[n++] = '\\';
			out[n++] = *s;
		} else if (*s == '\n') {
			out[n++] = '\\';
			out[n++] = 'n';
		} else {
			out[n++] = *s;
		}
	}
	out[n] = '\0';
	return out;
}

static void head(struct buf *b, const char *name, const char *type, const char *help)
{
	put(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static uint64_t load64(const uint64_t *p)
{
	return p ? __atomic_load_n(p, __ATOMIC_RELAXED) : 0;
}

/* ---- sections ---------------------------------------------------------- */

static const char *source_of(const struct sk_pipeline *p)
{
	return p->ctx.source ? p->ctx.source : "syscall";
}

static void events(struct buf *b, const struct sk_metrics_sources *m)
{
	head(b, "saker_events_total", "counter", "Events processed, by source and event type.");
	for (unsigned s = 0; s < m->npipelines; s++) {
		const char *src = source_of(m->pipelines[s]);
		bool seen = false; /* each source once, summed over its pipelines */
		for (unsigned k = 0; k < s; k++)
			seen |= !strcmp(source_of(m->pipelines[k]), src);
		if (seen)
			continue;
		for (unsigned code = 0; code < SK_EVT_TABLE_SIZE; code++) {
			uint64_t n = 0;
			for (unsigned i = s; i < m->npipelines; i++)
				if (!strcmp(source_of(m->pipelines[i]), src))
					n += load64(&m->pipelines[i]->counts.by_code[code]);
			if (!n)
				continue;
			const struct sk_event_info *info = sk_event_info_get((uint16_t)code);
			char name[64], e[256];
			snprintf(name, sizeof(name), "%s%s",
				 info && info->name ? info->name : "unknown",
				 info && info->dir == 'X' ? "_x" : "_e");
			put(b, "saker_events_total{source=\"%s\",type=\"%s\"} %llu\n",
			    esc(src, e, sizeof(e)), name, (unsigned long long)n);
		}
	}
	head(b, "saker_kernel_drops_total", "counter",
	     "Events the kernel probe dropped (ring buffer full).");
	put(b, "saker_kernel_drops_total %llu\n", (unsigned long long)load64(m->kernel_drops));
	head(b, "saker_user_drops_total", "counter",
	     "Events dropped in user space before the rules.");
	put(b, "saker_user_drops_total %llu\n", (unsigned long long)load64(m->user_drops));
}

/* The state tables of every event thread, summed. */
static void state(struct buf *b, const struct sk_metrics_sources *m)
{
	struct sk_state_stats sum = {0};
	for (unsigned i = 0; i < m->npipelines; i++) {
		struct sk_state_stats st;
		sk_state_get_stats(&m->pipelines[i]->state, &st);
		sum.threads += st.threads;
		sum.containers += st.containers;
		sum.users += st.users;
		sum.groups += st.groups;
		sum.threads_dropped += st.threads_dropped;
		sum.threads_evicted += st.threads_evicted;
		sum.fds_dropped += st.fds_dropped;
		sum.containers_dropped += st.containers_dropped;
		sum.strings_capped += st.strings_capped;
	}
	head(b, "saker_state_entries", "gauge",
	     "Entries in a state table (threads, containers with metadata, users, groups).");
	put(b, "saker_state_entries{table=\"threads\"} %llu\n", (unsigned long long)sum.threads);
	put(b, "saker_state_entries{table=\"containers\"} %llu\n",
	    (unsigned long long)sum.containers);
	put(b, "saker_state_entries{table=\"users\"} %llu\n", (unsigned long long)sum.users);
	put(b, "saker_state_entries{table=\"groups\"} %llu\n", (unsigned long long)sum.groups);
	head(b, "saker_state_dropped_total", "counter",
	     "Entries not added to a state table because it was full "
	     "(fds: a process's fd table; containers: also malformed metadata).");
	put(b, "saker_state_dropped_total{table=\"threads\"} %llu\n",
	    (unsigned long long)sum.threads_dropped);
	put(b, "saker_state_dropped_total{table=\"fds\"} %llu\n",
	    (unsigned long long)sum.fds_dropped);
	put(b, "saker_state_dropped_total{table=\"containers\"} %llu\n",
	    (unsigned long long)sum.containers_dropped);
	head(b, "saker_state_evicted_total", "counter",
	     "Entries removed from a state table without an event saying so "
	     "(threads: idle for the thread timeout).");
	put(b, "saker_state_evicted_total{table=\"threads\"} %llu\n",
	    (unsigned long long)sum.threads_evicted);
	head(b, "saker_state_strings_truncated_total", "counter",
	     "Process argument, environment and cgroup lists cut at their size cap.");
	put(b, "saker_state_strings_truncated_total %llu\n",
	    (unsigned long long)sum.strings_capped);
}

struct rule_cb {
	struct buf *b;
};

static void one_rule(void *ctx, const char *rule, enum sk_priority prio, uint64_t n)
{
	struct rule_cb *c = ctx;
	char e[1024];
	put(c->b, "saker_alerts_total{rule=\"%s\",priority=\"%s\"} %llu\n",
	    esc(rule, e, sizeof(e)), sk_priority_name(prio), (unsigned long long)n);
}

static void outputs(struct buf *b, struct sk_outputs *o)
{
	struct rule_cb c = {b};
	head(b, "saker_alerts_total", "counter", "Alerts raised, by rule and priority.");
	if (o)
		sk_outputs_foreach_rule(o, one_rule, &c);
	head(b, "saker_alerts_rate_limited_total", "counter",
	     "Alerts dropped by the outputs.rate/max_burst token bucket.");
	put(b, "saker_alerts_rate_limited_total %llu\n",
	    (unsigned long long)(o ? sk_outputs_rate_limited(o) : 0));
	unsigned n = o ? sk_outputs_count(o) : 0;
	struct sk_output_stats st[SK_OUTPUTS_MAX];
	for (unsigned i = 0; i < n; i++)
		sk_outputs_stats(o, i, &st[i]);
	static const struct {
		const char *name, *type, *help;
		size_t off;
	} cols[] = {
		{"saker_output_queue_depth", "gauge", "Alerts waiting in an output's queue.",
		 offsetof(struct sk_output_stats, depth)},
		{"saker_output_queue_capacity", "gauge", "Size of an output's queue.",
		 offsetof(struct sk_output_stats, capacity)},
		{"saker_output_sent_total", "counter", "Alerts an output delivered.",
		 offsetof(struct sk_output_stats, sent)},
		{"saker_output_dropped_total", "counter",
		 "Alerts dropped because an output's queue was full.",
		 offsetof(struct sk_output_stats, dropped)},
		{"saker_output_errors_total", "counter",
		 "Alerts an output failed to deliver (after retries).",
		 offsetof(struct sk_output_stats, errors)},
	};
	for (size_t c2 = 0; c2 < sizeof(cols) / sizeof(cols[0]); c2++) {
		head(b, cols[c2].name, cols[c2].type, cols[c2].help);
		for (unsigned i = 0; i < n; i++)
			put(b, "%s{output=\"%s\"} %llu\n", cols[c2].name, st[i].name,
			    (unsigned long long)*(const uint64_t *)((const char *)&st[i] +
								    cols[c2].off));
	}
}

static void rules(struct buf *b, struct sk_rules_status *r)
{
	struct sk_rules_status s;
	if (r) {
		pthread_mutex_lock(&r->lock);
		s = *r;
		pthread_mutex_unlock(&r->lock);
	} else {
		memset(&s, 0, sizeof(s));
	}
	head(b, "saker_rules_loaded", "gauge", "1 when a ruleset is running.");
	put(b, "saker_rules_loaded %d\n", s.loaded);
	head(b, "saker_rules_last_load_success", "gauge",
	     "1 when the last load or reload of the rules succeeded.");
	put(b, "saker_rules_last_load_success %d\n", s.last_ok);
	head(b, "saker_rules_loads_total", "counter", "Loads and reloads of the rules attempted.");
	put(b, "saker_rules_loads_total %llu\n", (unsigned long long)s.loads);
	head(b, "saker_rules_load_failures_total", "counter",
	     "Loads and reloads of the rules that failed (the old rules kept running).");
	put(b, "saker_rules_load_failures_total %llu\n", (unsigned long long)s.failures);
	head(b, "saker_rules_last_load_timestamp_seconds", "gauge",
	     "When the last load of the rules was attempted.");
	put(b, "saker_rules_last_load_timestamp_seconds %.3f\n", s.last_attempt);
	head(b, "saker_rules_last_success_timestamp_seconds", "gauge",
	     "When the running rules were loaded.");
	put(b, "saker_rules_last_success_timestamp_seconds %.3f\n", s.last_success);
	head(b, "saker_rules_last_load_duration_seconds", "gauge",
	     "How long the last load of the rules took.");
	put(b, "saker_rules_last_load_duration_seconds %.6f\n", s.last_duration);
	head(b, "saker_rules_enabled", "gauge", "Enabled rules in the running ruleset.");
	put(b, "saker_rules_enabled %u\n", s.nrules);
	head(b, "saker_rules_last_load_error_info", "gauge",
	     "The error of the last failed load, while it is the latest load.");
	if (!s.last_ok && s.last_error[0]) {
		char e[2 * SK_RULES_ERROR_MAX];
		put(b, "saker_rules_last_load_error_info{error=\"%s\"} 1\n",
		    esc(s.last_error, e, sizeof(e)));
	}
}

/* ---- plugins ----------------------------------------------------------- */

static void plugin_counters(struct buf *b, struct sk_plugin_host *h)
{
	static const struct {
		const char *name, *help;
		size_t off;
	} cols[] = {
		{"saker_plugin_events_total", "Events a plugin's source returned.",
		 offsetof(struct sk_plugin_stats, events)},
		{"saker_plugin_extract_calls_total", "Calls to a plugin's field extraction.",
		 offsetof(struct sk_plugin_stats, extract_calls)},
		{"saker_plugin_extract_failures_total",
		 "Field extractions a plugin reported as failed.",
		 offsetof(struct sk_plugin_stats, extract_failures)},
		{"saker_plugin_extract_bad_total",
		 "Field extraction results refused as inconsistent.",
		 offsetof(struct sk_plugin_stats, extract_bad)},
		{"saker_plugin_bad_events_total", "Malformed events of a plugin refused.",
		 offsetof(struct sk_plugin_stats, bad_events)},
	};
	unsigned n = h ? sk_plugin_host_count(h) : 0;
	for (size_t c = 0; c < sizeof(cols) / sizeof(cols[0]); c++) {
		head(b, cols[c].name, "counter", cols[c].help);
		for (unsigned i = 0; i < n; i++) {
			struct sk_plugin *p = sk_plugin_host_at(h, i);
			struct sk_plugin_info in;
			struct sk_plugin_stats st;
			sk_plugin_get_info(p, &in);
			sk_plugin_get_stats(p, &st);
			char e[256];
			put(b, "%s{plugin=\"%s\"} %llu\n", cols[c].name, esc(in.name, e, sizeof(e)),
			    (unsigned long long)*(const uint64_t *)((const char *)&st + cols[c].off));
		}
	}
}

/* One metric a plugin reported, as exported. */
struct plugin_metric {
	char name[192]; /* saker_plugins_<metric>[_total] */
	const char *plugin;
	bool monotonic;
	double value;
};

struct plugin_metrics {
	struct plugin_metric *v;
	unsigned n;
	const char *plugin;
	size_t skip; /* the "<plugin>." prefix of the names the host gives */
};

static void collect_metric(void *ctx, const char *name, bool monotonic, double value)
{
	struct plugin_metrics *pm = ctx;
	if (pm->n >= SK_METRICS_MAX_PLUGIN_METRICS)
		return;
	struct plugin_metric *m = &pm->v[pm->n];
	const char *s = strlen(name) > pm->skip ? name + pm->skip : name;
	size_t len = (size_t)snprintf(m->name, sizeof(m->name), "saker_plugins_");
	for (; *s && len + 7 < sizeof(m->name); s++) {
		char c = *s;
		bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			    (c >= '0' && c <= '9') || c == '_' || c == ':';
		m->name[len++] = keep ? c : '_';
	}
	m->name[len] = '\0';
	if (monotonic && (len < 6 || strcmp(m->name + len - 6, "_total")))
		strcpy(m->name + len, "_total");
	m->plugin = pm->plugin;
	m->monotonic = monotonic;
	m->value = value;
	pm->n++;
}

static void put_value(struct buf *b, double v)
{
	if (isnan(v))
		put(b, "NaN\n");
	else if (isinf(v))
		put(b, "%sInf\n", v > 0 ? "+" : "-");
	else
		put(b, "%.17g\n", v);
}

/*
 * The plugins' own metrics: one family per metric name, a sample per
 * plugin reporting it (a counter when the plugin calls it monotonic; the
 * first plugin to report a name decides its type).
 */
static void plugin_metrics(struct buf *b, struct sk_plugin_host *h)
{
	unsigned np = h ? sk_plugin_host_count(h) : 0;
	if (!np)
		return;
	struct plugin_metrics pm = {.v = calloc(SK_METRICS_MAX_PLUGIN_METRICS, sizeof(*pm.v))};
	if (!pm.v) {
		b->err = -ENOMEM;
		return;
	}
	for (unsigned i = 0; i < np; i++) {
		struct sk_plugin *p = sk_plugin_host_at(h, i);
		struct sk_plugin_info in;
		sk_plugin_get_info(p, &in);
		pm.plugin = in.name;
		pm.skip = strlen(in.name) + 1;
		sk_plugin_metrics(p, collect_metric, &pm);
	}
	for (unsigned i = 0; i < pm.n; i++) {
		bool seen = false;
		for (unsigned k = 0; k < i && !seen; k++)
			seen = !strcmp(pm.v[k].name, pm.v[i].name);
		if (seen)
			continue;
		head(b, pm.v[i].name, pm.v[i].monotonic ? "counter" : "gauge",
		     "A metric the plugin reports (plugin_get_metrics).");
		for (unsigned k = i; k < pm.n; k++) {
			if (strcmp(pm.v[k].name, pm.v[i].name))
				continue;
			bool dup = false; /* one sample per plugin */
			for (unsigned j = i; j < k && !dup; j++)
				dup = !strcmp(pm.v[j].name, pm.v[k].name) &&
				      !strcmp(pm.v[j].plugin, pm.v[k].plugin);
			if (dup || (pm.v[i].monotonic && (pm.v[k].value < 0 || isnan(pm.v[k].value))))
				continue;
			char e[256];
			put(b, "%s{plugin=\"%s\"} ", pm.v[k].name, esc(pm.v[k].plugin, e, sizeof(e)));
			put_value(b, pm.v[k].value);
		}
	}
	free(pm.v);
}

static void process(struct buf *b, const struct sk_metrics_sources *m)
{
	unsigned long long vsz = 0, rss = 0;
	FILE *f = fopen("/proc/self/statm", "r");
	if (f) {
		if (fscanf(f, "%llu %llu", &vsz, &rss) != 2)
			vsz = rss = 0;
		fclose(f);
	}
	long page = sysconf(_SC_PAGESIZE);
	head(b, "saker_memory_resident_bytes", "gauge", "Resident memory of the agent.");
	put(b, "saker_memory_resident_bytes %llu\n", rss * (unsigned long long)page);
	head(b, "saker_memory_virtual_bytes", "gauge", "Virtual memory of the agent.");
	put(b, "saker_memory_virtual_bytes %llu\n", vsz * (unsigned long long)page);
	head(b, "saker_start_time_seconds", "gauge", "When the agent started.");
	put(b, "saker_start_time_seconds %.3f\n", m->start_time);
	head(b, "saker_build_info", "gauge", "The agent's version.");
	put(b, "saker_build_info{version=\"%s\"} 1\n", m->version ? m->version : "");
}

int sk_metrics_render(const struct sk_metrics_sources *m, char **out, size_t *len)
{
	struct buf b = {.cap = 16384};
	b.p = malloc(b.cap);
	if (!b.p)
		return -ENOMEM;
	events(&b, m);
	state(&b, m);
	if (m->outputs_lock)
		pthread_rwlock_rdlock(m->outputs_lock);
	outputs(&b, m->outputs);
	if (m->outputs_lock)
		pthread_rwlock_unlock(m->outputs_lock);
	rules(&b, m->rules);
	plugin_counters(&b, m->plugins);
	plugin_metrics(&b, m->plugins);
	process(&b, m);
	if (b.err) {
		free(b.p);
		return b.err;
	}
	*out = b.p;
	*len = b.len;
	return 0;
}
