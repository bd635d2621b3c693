/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Alert outputs benchmark: a capture held in memory goes through the
 * pipeline with a rule that alerts on every exit event, alerts formatted as
 * JSON, delivered to a file output and an HTTP output (to a minimal
 * keep-alive HTTP server in this process) at once.
 *
 *   bench_outputs CAPTURE [DIR]
 *
 * Prints: the event loop's cost per alert without outputs (formatting
 * only) and with them (the difference is what an alert costs the event
 * thread), then alerts/s drained by each output. Figures, never pass/fail.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "../../agent/outputs/outputs.h"
#include "../../agent/pipeline.h"
#include "saker/scap.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- a minimal HTTP/1.1 receiver: count POSTs, answer 200, keep-alive ---- */

static uint64_t http_received;

static void *http_conn(void *arg)
{
	int fd = (int)(intptr_t)arg;
	static __thread char buf[1 << 17];
	size_t have = 0;
	for (;;) {
		char *end = memmem(buf, have, "\r\n\r\n", 4);
		if (!end) {
			if (have == sizeof(buf))
				break;
			ssize_t n = read(fd, buf + have, sizeof(buf) - have);
			if (n <= 0)
				break;
			have += (size_t)n;
			continue;
		}
		size_t head = (size_t)(end - buf) + 4, body = 0;
		char *cl = strcasestr(buf, "content-length:");
		if (cl && cl < end)
			body = strtoul(cl + 15, NULL, 10);
		while (have < head + body) {
			ssize_t n = read(fd, buf + have, sizeof(buf) - have);
			if (n <= 0)
				goto out;
			have += (size_t)n;
		}
		__atomic_add_fetch(&http_received, 1, __ATOMIC_RELAXED);
		static const char ok[] = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
		if (write(fd, ok, sizeof(ok) - 1) < 0)
			break;
		memmove(buf, buf + head + body, have - head - body);
		have -= head + body;
	}
out:
	close(fd);
	return NULL;
}

static void *http_accept(void *arg)
{
	int ls = (int)(intptr_t)arg;
	for (;;) {
		int fd = accept(ls, NULL, NULL);
		if (fd < 0)
			return NULL;
		pthread_t t;
		pthread_create(&t, NULL, http_conn, (void *)(intptr_t)fd);
		pthread_detach(t);
	}
}

static int http_server(unsigned *port)
{
	int ls = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(sa);
	if (bind(ls, (struct sockaddr *)&sa, sizeof(sa)) || listen(ls, 64))
		return -1;
	getsockname(ls, (struct sockaddr *)&sa, &len);
	*port = ntohs(sa.sin_port);
	pthread_t t;
	pthread_create(&t, NULL, http_accept, (void *)(intptr_t)ls);
	pthread_detach(t);
	return 0;
}

/* ---- events held in memory ---------------------------------------------- */

struct held {
	uint8_t **evts;
	uint16_t *cpus;
	size_t n, cap;
};

static int hold(const char *path, struct held *h)
{
	char err[256];
	struct sk_scap_reader *r;
	if (sk_scap_reader_open(&r, path, err, sizeof(err))) {
		fprintf(stderr, "bench: %s\n", err);
		return -1;
	}
	struct sk_scap_item it;
	while (sk_scap_reader_next(r, &it, err, sizeof(err)) > 0) {
		if (it.kind != SK_SCAP_EVENT)
			continue;
		if (h->n == h->cap) {
			h->cap = h->cap ? h->cap * 2 : 65536;
			h->evts = realloc(h->evts, h->cap * sizeof(*h->evts));
			h->cpus = realloc(h->cpus, h->cap * sizeof(*h->cpus));
		}
		h->evts[h->n] = malloc(it.event.hdr->len);
		memcpy(h->evts[h->n], it.event.hdr, it.event.hdr->len);
		h->cpus[h->n++] = it.event.cpu;
	}
	sk_scap_reader_free(r);
	return 0;
}

/* One pass of the held events through a fresh pipeline; returns seconds. */
static double run(struct held *h, struct sk_ruleset_slot *slot, struct sk_pipeline_opts *po,
		  uint64_t *alerts)
{
	struct sk_pipeline p;
	if (sk_pipeline_init(&p, slot, po))
		exit(1);
	double t0 = now();
	for (size_t i = 0; i < h->n; i++) {
		struct sk_evt e;
		char err[64];
		if (sk_evt_parse(&e, h->evts[i], ((struct sk_evt_hdr *)h->evts[i])->len, err,
				 sizeof(err)))
			continue;
		e.cpu = h->cpus[i];
		sk_pipeline_event(&p, &e);
	}
	double t = now() - t0;
	*alerts = p.counts.alerts;
	sk_pipeline_fini(&p);
	return t;
}

static struct sk_ruleset *compile(const char *dir, struct sk_field_registry *reg)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/bench_outputs_rules.yaml", dir);
	FILE *f = fopen(path, "w");
	if (!f)
		return NULL;
	fputs("- rule: Every exit\n"
	      "  desc: one alert per exit event\n"
	      "  condition: evt.dir=<\n"
	      "  output: \"%evt.type by %proc.name (pid=%proc.pid user=%user.name) fd=%fd.name "
	      "res=%evt.res\"\n"
	      "  priority: NOTICE\n"
	      "  tags: [bench]\n",
	      f);
	fclose(f);
	struct sk_rules rules;
	struct sk_diags diags;
	struct sk_ruleset_opts ro;
	struct sk_ruleset *rs = NULL;
	sk_rules_init(&rules);
	sk_diags_init(&diags);
	sk_ruleset_opts_init(&ro);
	if (sk_rules_load_path(&rules, path, &diags) == 0)
		sk_ruleset_compile(&rules, reg, &ro, &diags, &rs);
	if (!rs)
		sk_diags_print(&diags, stderr);
	sk_rules_fini(&rules);
	sk_diags_fini(&diags);
	return rs;
}

/* Seconds until output i has taken every alert (or the deadline passed). */
static double drain_time(struct sk_outputs *o, unsigned i, uint64_t n, double t0,
			 double deadline, struct sk_output_stats *st)
{
	for (;;) {
		sk_outputs_stats(o, i, st);
		if (st->sent + st->errors + st->dropped >= n || now() - t0 > deadline)
			return now() - t0;
		usleep(200);
	}
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: bench_outputs CAPTURE [DIR]\n");
		return 2;
	}
	const char *dir = argc > 2 ? argv[2] : "/tmp";
	struct sk_field_registry *reg;
	if (sk_field_registry_new(&reg) || sk_field_registry_add_builtin(reg))
		return 1;
	struct sk_ruleset *rs = compile(dir, reg);
	if (!rs)
		return 1;
	struct held h = {0};
	if (hold(argv[1], &h))
		return 1;
	struct sk_ruleset_slot slot;
	sk_ruleset_slot_init(&slot);
	sk_ruleset_slot_swap(&slot, sk_ruleset_ref(rs));
	struct sk_output_opts fmt;
	sk_output_opts_init(&fmt);
	fmt.json = true;
	fmt.hostname = "bench";
	struct sk_pipeline_opts po = {.all_events = true, .out = &fmt, .hostname = "bench"};

	/* baseline: the same alerts formatted as JSON, handed to no sink */
	uint64_t n = 0;
	double base = 1e30;
	for (int i = 0; i < 3; i++) {
		double t = run(&h, &slot, &po, &n);
		base = t < base ? t : base;
	}

	unsigned port;
	if (http_server(&port))
		return 1;
	char file[512], url[64];
	snprintf(file, sizeof(file), "%s/bench_outputs_alerts.json", dir);
	snprintf(url, sizeof(url), "http://127.0.0.1:%u/", port);
	struct sk_http_output_config http = {.enabled = true, .url = url, .keep_alive = true};
	struct sk_outputs_opts oo = {
		.max_burst = 1000,
		.queue_capacity = SK_OUTPUTS_QUEUE_MAX, /* measure throughput, not drops */
		.buffered = false,
		.json = true,
		.timeout_ms = 2000,
		.file = {.filename = file, .keep_alive = true},
		.default_user_agent = "saker/bench",
	};
	char err[256];
	struct sk_output_stats fst, hst;
	uint64_t n2;

	/* the file output alone: what an alert costs the event thread, and file throughput */
	unlink(file);
	struct sk_outputs *o;
	if (sk_outputs_new(&o, &oo, err, sizeof(err))) {
		fprintf(stderr, "bench: %s\n", err);
		return 1;
	}
	po.sink = sk_outputs_sink(o);
	double t0 = now();
	double loop = run(&h, &slot, &po, &n2);
	double tf = drain_time(o, 0, n2, t0, 60, &fst);
	sk_outputs_free(o);
	printf("alerts: %llu JSON alerts from %zu events (a rule on every exit event)\n",
	       (unsigned long long)n2, h.n);
	printf("event path: %.0f ns/alert formatting JSON with no sink, %.0f ns/alert with the file "
	       "output -> handing an alert to the outputs costs the event thread %.0f ns\n",
	       base * 1e9 / (double)n, loop * 1e9 / (double)n2, (loop - base) * 1e9 / (double)n2);
	printf("file output alone: %.0f alerts/s (%llu written, %llu dropped; unbuffered, keep_alive)\n",
	       (double)fst.sent / tf, (unsigned long long)fst.sent, (unsigned long long)fst.dropped);

	/* file and HTTP at once */
	unlink(file);
	oo.http = &http;
	if (sk_outputs_new(&o, &oo, err, sizeof(err))) {
		fprintf(stderr, "bench: %s\n", err);
		return 1;
	}
	po.sink = sk_outputs_sink(o);
	t0 = now();
	loop = run(&h, &slot, &po, &n2);
	tf = drain_time(o, 0, n2, t0, 60, &fst);
	double th = drain_time(o, 1, n2, t0, 60, &hst);
	sk_outputs_free(o);
	printf("file + http at once: file %.0f alerts/s (%llu written), http %.0f alerts/s (%llu POSTs "
	       "delivered, %llu received by the local keep-alive server, %llu errors); event loop "
	       "%.0f ns/alert\n",
	       (double)fst.sent / tf, (unsigned long long)fst.sent, (double)hst.sent / th,
	       (unsigned long long)hst.sent,
	       (unsigned long long)__atomic_load_n(&http_received, __ATOMIC_RELAXED),
	       (unsigned long long)hst.errors, loop * 1e9 / (double)n2);
	unlink(file);
	sk_ruleset_slot_fini(&slot);
	sk_ruleset_unref(rs);
	sk_field_registry_free(reg);
	return 0;
}
