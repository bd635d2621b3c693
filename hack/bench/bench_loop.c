/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Syscall load for the live benchmarks and tests (performance.md 5a/5b):
 *
 *   bench_loop getpid N         N getpid calls; prints ns per call
 *   bench_loop open N           N openat+close pairs of /etc/hostname; prints ns per pair
 *   bench_loop rate R SECONDS   openat+close pairs paced to R syscalls/s (token bucket,
 *                               1 ms slices) for SECONDS; prints the rate achieved
 *
 * One line "ns_per_op=X" or "offered_per_s=X achieved_per_s=Y syscalls=Z".
 * Pin it with taskset; it never prints per call.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define LOOP_MAX 1000000000L   /* iterations */
#define RATE_MAX 100000000.0   /* syscalls per second */
#define SECONDS_MAX 3600.0

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void open_close(void)
{
	int fd = openat(AT_FDCWD, "/etc/hostname", O_RDONLY);
	if (fd >= 0)
		close(fd);
}

static int parse(const char *s, double max, double *out)
{
	char *end;
	double v = strtod(s, &end);
	if (end == s || *end || v <= 0 || v > max) {
		fprintf(stderr, "bench_loop: '%s': expected a number in (0, %g]\n", s, max);
		return -1;
	}
	*out = v;
	return 0;
}

static int run_rate(double rate, double secs)
{
	double pairs_per_ns = rate / 2.0 / 1e9;
	double t0 = now_ns(), end = t0 + secs * 1e9, done = 0;
	for (double t = t0; t < end; t = now_ns()) {
		double due = (t - t0) * pairs_per_ns;
		if (done >= due) {
			struct timespec ts = {0, 1000000};
			nanosleep(&ts, NULL);
			continue;
		}
		for (int i = 0; i < 64 && done < due; i++, done++)
			open_close();
	}
	double took = (now_ns() - t0) / 1e9;
	printf("offered_per_s=%.0f achieved_per_s=%.0f syscalls=%.0f\n", rate, 2 * done / took,
	       2 * done);
	return 0;
}

int main(int argc, char **argv)
{
	double n, secs;
	if (argc == 4 && !strcmp(argv[1], "rate")) {
		if (parse(argv[2], RATE_MAX, &n) || parse(argv[3], SECONDS_MAX, &secs))
			return 2;
		return run_rate(n, secs);
	}
	if (argc != 3 || parse(argv[2], LOOP_MAX, &n)) {
		fprintf(stderr, "usage: bench_loop getpid|open N | rate SYSCALLS_PER_S SECONDS\n");
		return 2;
	}
	long count = (long)n;
	double t0 = now_ns();
	if (!strcmp(argv[1], "getpid")) {
		for (long i = 0; i < count; i++)
			syscall(SYS_getpid);
	} else if (!strcmp(argv[1], "open")) {
		for (long i = 0; i < count; i++)
			open_close();
	} else {
		fprintf(stderr, "bench_loop: unknown loop '%s'\n", argv[1]);
		return 2;
	}
	printf("ns_per_op=%.1f\n", (now_ns() - t0) / (double)count);
	return 0;
}
