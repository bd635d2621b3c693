/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Benchmark of the .scap reader.
 *
 *   bench_scap_reader build IN OUT MIN_EVENTS   write OUT: IN's metadata, then IN's
 *                                               events repeated (timestamps shifted)
 *                                               until at least MIN_EVENTS events
 *   bench_scap_reader read FILE [REPEAT]        read FILE REPEAT times; print
 *                                               events/s and MB/s of the best run
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "saker/scap.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct raw_event {
	uint8_t *bytes;
	uint32_t len;
	uint16_t cpu;
	uint32_t flags;
};

static int build(const char *in, const char *out, uint64_t min_events)
{
	char err[512];
	struct sk_scap_reader *r;
	struct sk_scap_writer *w;
	if (sk_scap_reader_open(&r, in, err, sizeof(err)) ||
	    sk_scap_writer_open(&w, out, &(struct sk_scap_writer_opts){0}, err, sizeof(err))) {
		fprintf(stderr, "bench: %s\n", err);
		return 1;
	}
	struct raw_event *evs = NULL;
	size_t n = 0, cap = 0;
	struct sk_scap_item it;
	int rc;
	while ((rc = sk_scap_reader_next(r, &it, err, sizeof(err))) > 0) {
		if (it.kind == SK_SCAP_SECTION)
			continue;
		if (it.kind != SK_SCAP_EVENT) {
			if (sk_scap_writer_write(w, &it, err, sizeof(err)))
				goto fail;
			continue;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 4096;
			evs = realloc(evs, cap * sizeof(*evs));
			if (!evs)
				return 1;
		}
		const struct sk_evt_hdr *h = it.event.hdr;
		evs[n].bytes = malloc(h->len);
		memcpy(evs[n].bytes, h, h->len);
		evs[n].len = h->len;
		evs[n].cpu = it.event.cpu;
		evs[n].flags = it.event.dump_flags;
		n++;
	}
	if (rc < 0 || n == 0)
		goto fail;
	uint64_t first = ((struct sk_evt_hdr *)evs[0].bytes)->ts;
	uint64_t last = ((struct sk_evt_hdr *)evs[n - 1].bytes)->ts;
	uint64_t span = last - first + 1000;
	uint64_t written = 0;
	for (uint64_t round = 0; written < min_events; round++) {
		for (size_t i = 0; i < n; i++) {
			struct sk_evt_hdr *h = (struct sk_evt_hdr *)evs[i].bytes;
			uint64_t ts = h->ts;
			if (ts >= first)
				h->ts = ts + round * span;
			if (sk_scap_writer_write_event(w, evs[i].bytes, evs[i].len, evs[i].cpu,
						       evs[i].flags, err, sizeof(err)))
				goto fail;
			h->ts = ts;
			written++;
		}
	}
	if (sk_scap_writer_close(w, err, sizeof(err)))
		goto fail_closed;
	sk_scap_reader_free(r);
	printf("%llu\n", (unsigned long long)written);
	return 0;
fail:
	sk_scap_writer_close(w, err + 256, 256);
fail_closed:
	fprintf(stderr, "bench: %s\n", err);
	return 1;
}

static int read_once(const char *path, uint64_t *events, double *secs)
{
	char err[512];
	struct sk_scap_reader *r;
	double t0 = now();
	if (sk_scap_reader_open(&r, path, err, sizeof(err))) {
		fprintf(stderr, "bench: %s\n", err);
		return 1;
	}
	struct sk_scap_item it;
	uint64_t n = 0, sink = 0;
	int rc;
	while ((rc = sk_scap_reader_next(r, &it, err, sizeof(err))) > 0) {
		if (it.kind == SK_SCAP_EVENT) {
			n++;
			sink += it.event.nparams;
		}
	}
	*secs = now() - t0;
	sk_scap_reader_free(r);
	if (rc < 0) {
		fprintf(stderr, "bench: %s\n", err);
		return 1;
	}
	*events = n + (sink == UINT64_MAX);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 5 && !strcmp(argv[1], "build"))
		return build(argv[2], argv[3], strtoull(argv[4], NULL, 10));
	if ((argc == 3 || argc == 4) && !strcmp(argv[1], "read")) {
		int repeat = argc == 4 ? atoi(argv[3]) : 3;
		struct stat st;
		if (stat(argv[2], &st)) {
			perror(argv[2]);
			return 1;
		}
		double best = 1e30;
		uint64_t events = 0;
		for (int i = 0; i < repeat; i++) {
			double secs;
			if (read_once(argv[2], &events, &secs))
				return 1;
			if (secs < best)
				best = secs;
		}
		printf("events=%llu seconds=%.3f events_per_s=%.0f mb_per_s=%.1f\n",
		       (unsigned long long)events, best, (double)events / best,
		       (double)st.st_size / 1e6 / best);
		return 0;
	}
	fprintf(stderr, "usage: bench_scap_reader build IN OUT MIN_EVENTS | read FILE [REPEAT]\n");
	return 2;
}
