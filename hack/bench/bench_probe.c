/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Syscall overhead of the live probe (performance.md 5a): a getpid loop and
 * an openat+close loop pinned to CPU 0, medians of 7 runs, in five setups:
 *
 *   untraced        no BPF program attached
 *   floor enter+exit  empty raw_tp programs on sys_enter and sys_exit
 *   floor exit      an empty raw_tp program on sys_exit only
 *   saker state set the probe with the default interest set (openat and
 *                   close are reported, getpid is filtered), consumer on CPU 1
 *   saker all       every syscall reported (getpid too), consumer on CPU 1
 *
 * Then the highest getpid event rate the consumer sustains with zero drops.
 * Prints figures and ratios; it is not a pass/fail test. Needs root.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <linux/bpf.h>

#include "saker/probe.h"

#define RUNS 7
#define GETPID_N 2000000
#define OPEN_N 200000

static atomic_bool consumer_stop;
static atomic_ulong consumed;

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

static double loop_getpid(void)
{
	double t0 = now_ns();

	for (int i = 0; i < GETPID_N; i++)
		syscall(SYS_getpid);
	return (now_ns() - t0) / GETPID_N;
}

static double loop_open_close(void)
{
	double t0 = now_ns();

	for (int i = 0; i < OPEN_N; i++)
		close(openat(AT_FDCWD, "/etc/hostname", O_RDONLY));
	return (now_ns() - t0) / OPEN_N;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double (*fn)(void))
{
	double v[RUNS];

	for (int i = 0; i < RUNS; i++)
		v[i] = fn();
	qsort(v, RUNS, sizeof(v[0]), cmp_double);
	return v[RUNS / 2];
}

/* The floor: an empty raw tracepoint program ("return 0") on each named hook. */
static int floor_attach(const char *const *tps, int n, int *fds)
{
	struct bpf_insn prog[] = {
		{.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0},
		{.code = BPF_JMP | BPF_EXIT},
	};
	int pfd = bpf_prog_load(BPF_PROG_TYPE_RAW_TRACEPOINT, "sk_floor", "GPL", prog, 2, NULL);

	if (pfd < 0)
		return -errno;
	for (int i = 0; i < n; i++) {
		fds[i] = bpf_raw_tracepoint_open(tps[i], pfd);
		if (fds[i] < 0)
			return -errno;
	}
	close(pfd);
	return 0;
}

static void *consumer(void *arg)
{
	struct sk_probe *p = arg;
	const void *evt;
	size_t len;
	uint16_t cpu;

	pin(1);
	while (!atomic_load(&consumer_stop)) {
		if (sk_probe_next(p, &evt, &len, &cpu) == 0)
			atomic_fetch_add(&consumed, 1);
		else
			sk_probe_wait(p, 50);
	}
	while (sk_probe_next(p, &evt, &len, &cpu) == 0)
		atomic_fetch_add(&consumed, 1);
	return NULL;
}

struct row {
	const char *name;
	double getpid, open;
};

static void print_row(const struct row *r, const struct row *base, const struct row *floor2)
{
	printf("%-18s getpid %7.1f ns (%.2fx untraced, +%.1f ns)   openat+close %7.1f ns (%.2fx untraced)",
	       r->name, r->getpid, r->getpid / base->getpid, r->getpid - base->getpid, r->open,
	       r->open / base->open);
	if (floor2 && r != floor2 && floor2->getpid > base->getpid)
		printf("   added getpid cost vs enter+exit floor %.2fx",
		       (r->getpid - base->getpid) / (floor2->getpid - base->getpid));
	printf("\n");
}

static int run_saker(struct row *r, bool all, char *err, size_t errlen)
{
	struct sk_probe *p;
	pthread_t th;
	struct sk_probe_opts o = {.exclude_tgid = -1}; /* the load is this process */
	int e = sk_probe_open(&p, &o, err, errlen);

	if (e)
		return e;
	if (all)
		sk_probe_set_interesting_all(p, true);
	else
		sk_probe_set_interesting_default(p);
	e = sk_probe_start(p, err, errlen);
	if (e) {
		sk_probe_close(p);
		return e;
	}
	atomic_store(&consumer_stop, false);
	pthread_create(&th, NULL, consumer, p);
	r->getpid = median(loop_getpid);
	r->open = median(loop_open_close);
	atomic_store(&consumer_stop, true);
	pthread_join(th, NULL);
	{
		struct sk_probe_stats st;

		sk_probe_stats(p, &st);
		printf("  (%s: %llu events, %llu drops, %llu errors)\n", r->name,
		       (unsigned long long)st.total.events, (unsigned long long)st.total.drops,
		       (unsigned long long)st.total.errors);
	}
	sk_probe_close(p);
	return 0;
}

/* getpid reported, one loop at full speed: events/s consumed and drops. */
static void max_rate(char *err, size_t errlen)
{
	struct sk_probe *p;
	pthread_t th;
	struct sk_probe_stats st;
	double t0, t;
	struct sk_probe_opts o = {.exclude_tgid = -1};

	if (sk_probe_open(&p, &o, err, errlen) || sk_probe_start(p, err, errlen)) {
		printf("max rate: %s\n", err);
		sk_probe_close(p);
		return;
	}
	sk_probe_set_interesting_name(p, "getpid", true);
	atomic_store(&consumer_stop, false);
	atomic_store(&consumed, 0);
	pthread_create(&th, NULL, consumer, p);
	t0 = now_ns();
	for (int i = 0; i < 5; i++)
		loop_getpid();
	t = (now_ns() - t0) / 1e9;
	atomic_store(&consumer_stop, true);
	pthread_join(th, NULL);
	sk_probe_stats(p, &st);
	printf("max rate: %.0f events/s produced, %lu consumed, %llu drops (%.3f%%)\n",
	       (double)st.total.events / t, atomic_load(&consumed),
	       (unsigned long long)st.total.drops,
	       100.0 * (double)st.total.drops / (double)(st.total.events + st.total.drops + 1));
	sk_probe_close(p);
}

int main(void)
{
	static const char *const both[] = {"sys_enter", "sys_exit"}, *const exit_only[] = {"sys_exit"};
	struct row base = {"untraced", 0, 0}, f2 = {"floor enter+exit", 0, 0}, f1 = {"floor exit", 0, 0};
	struct row s1 = {"saker state set", 0, 0}, s2 = {"saker all", 0, 0};
	char err[512];
	int fds[2];

	pin(0);
	base.getpid = median(loop_getpid);
	base.open = median(loop_open_close);
	if (floor_attach(both, 2, fds) != 0) {
		fprintf(stderr, "bench_probe: cannot attach BPF programs (root needed): %s\n", strerror(errno));
		return 1;
	}
	f2.getpid = median(loop_getpid);
	f2.open = median(loop_open_close);
	close(fds[0]);
	close(fds[1]);
	if (floor_attach(exit_only, 1, fds) == 0) {
		f1.getpid = median(loop_getpid);
		f1.open = median(loop_open_close);
		close(fds[0]);
	}
	if (run_saker(&s1, false, err, sizeof(err)) || run_saker(&s2, true, err, sizeof(err))) {
		fprintf(stderr, "bench_probe: %s\n", err);
		return 1;
	}
	printf("== probe syscall overhead (CPU 0 load, CPU 1 consumer, median of %d)\n", RUNS);
	print_row(&base, &base, NULL);
	print_row(&f2, &base, NULL);
	print_row(&f1, &base, &f2);
	print_row(&s1, &base, &f2);
	print_row(&s2, &base, &f2);
	max_rate(err, sizeof(err));
	return 0;
}
