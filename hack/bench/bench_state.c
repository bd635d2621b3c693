/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Memory of the state engine's tables: fill them through the process- and
 * fd-list records a capture starts with (PROCS processes of THREADS_PER
 * threads, FDS_PER fds each: 10k threads and 100k fds by default, with
 * container cgroups, arguments and environment), then print the resident
 * set size it took and the time of a lookup pass through the state hook.
 *
 *   bench_state [PROCS THREADS_PER FDS_PER]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../agent/state/state.h"

static long rss_kb(void)
{
	char line[256];
	long kb = -1;
	FILE *f = fopen("/proc/self/status", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A NUL-separated list of n entries "prefix<i>...". */
static uint32_t fill_list(char *buf, size_t cap, const char *const *entries, unsigned n)
{
	size_t len = 0;
	for (unsigned i = 0; i < n && len < cap; i++)
		len += (size_t)snprintf(buf + len, cap - len, "%s", entries[i]) + 1;
	return (uint32_t)(len < cap ? len : cap);
}

static void str(struct sk_scap_str *s, const char *text)
{
	s->len = (uint32_t)snprintf(s->buf, sizeof(s->buf), "%s", text);
}

int main(int argc, char **argv)
{
	unsigned procs = argc > 3 ? (unsigned)atoi(argv[1]) : 2000;
	unsigned threads_per = argc > 3 ? (unsigned)atoi(argv[2]) : 5;
	unsigned fds_per = argc > 3 ? (unsigned)atoi(argv[3]) : 50;
	static struct sk_scap_proc p;
	static struct sk_scap_fd f;
	static const char *const args[] = {"--config", "/etc/app/app.yaml", "--log-level=info"};
	static const char *const env[] = {
	    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/root",
	    "HOSTNAME=697956520d89", "LANG=C.UTF-8", "APP_ENV=production"};
	static const char *const cgroups[] = {
	    "cpuset=/docker/697956520d891b5cb0e215093970c733549a3f745f52263c05b37f8a488994f3",
	    "memory=/docker/697956520d891b5cb0e215093970c733549a3f745f52263c05b37f8a488994f3",
	    "pids=/docker/697956520d891b5cb0e215093970c733549a3f745f52263c05b37f8a488994f3"};
	struct sk_state st;
	struct sk_scap_item it;

	sk_state_init(&st);
	long before = rss_kb();
	double t0 = now();
	p.args.len = fill_list(p.args.buf, sizeof(p.args.buf), args, 3);
	p.env.len = fill_list(p.env.buf, sizeof(p.env.buf), env, 5);
	p.cgroups.len = fill_list(p.cgroups.buf, sizeof(p.cgroups.buf), cgroups, 3);
	str(&p.exe, "/usr/bin/app");
	str(&p.exepath, "/usr/bin/app");
	str(&p.cwd, "/srv/app/");
	str(&p.root, "/");
	for (unsigned i = 0; i < procs; i++) {
		int64_t pid = 10000 + (int64_t)i * (threads_per + 1);
		for (unsigned j = 0; j < threads_per; j++) {
			char comm[32];
			p.tid = pid + j;
			p.pid = pid;
			p.ptid = 1;
			p.sid = p.vpgid = pid;
			p.vtid = p.vpid = -1;
			snprintf(comm, sizeof(comm), "app-%u", i);
			str(&p.comm, comm);
			it = (struct sk_scap_item){.kind = SK_SCAP_PROC, .proc = &p};
			if (sk_state_apply_item(&st, &it)) {
				fprintf(stderr, "bench_state: cannot add thread %lld\n",
					(long long)p.tid);
				return 1;
			}
		}
		for (unsigned k = 0; k < fds_per; k++) {
			char name[128];
			memset(&f, 0, sizeof(f));
			f.tid = pid;
			f.fd = 3 + k;
			f.type = SK_FD_FILE_V2;
			f.ino = 1000000 + k;
			snprintf(name, sizeof(name),
				 "/var/lib/app/data/shard-%04u/segment-%06u.log", i, k);
			str(&f.name, name);
			it = (struct sk_scap_item){.kind = SK_SCAP_FD, .fd = &f};
			if (sk_state_apply_item(&st, &it)) {
				fprintf(stderr, "bench_state: cannot add fd %u\n", k);
				return 1;
			}
		}
	}
	double fill_s = now() - t0;
	long after = rss_kb();

	/* one lookup of every thread and fd through the rules engine's hook */
	uint64_t found = 0;
	t0 = now();
	for (unsigned i = 0; i < procs; i++) {
		int64_t pid = 10000 + (int64_t)i * (threads_per + 1);
		struct sk_thread_view tv;
		struct sk_fd_view fv;
		for (unsigned j = 0; j < threads_per; j++)
			found += sk_state_field_ops.thread(&st, pid + j, &tv);
		for (unsigned k = 0; k < fds_per; k++)
			found += sk_state_field_ops.fd(&st, pid, 3 + k, &fv) && fv.in_table;
	}
	double look_s = now() - t0;

	size_t nfds = 0;
	for (unsigned i = 0; i < procs; i++) {
		const struct sk_thread *t =
		    sk_state_thread(&st, 10000 + (int64_t)i * (threads_per + 1));
		nfds += t && t->fdt ? t->fdt->fds.len : 0;
	}
	printf("threads=%zu fds=%zu rss_mb=%.1f state_mb=%.1f bytes_per_fd_and_thread=%.0f "
	       "fill_s=%.3f lookups_per_s=%.0f found=%llu dropped_threads=%llu dropped_fds=%llu\n",
	       st.threads.len, nfds, (double)after / 1024.0, (double)(after - before) / 1024.0,
	       (double)(after - before) * 1024.0 / (double)(st.threads.len + nfds), fill_s,
	       (double)(procs * (threads_per + fds_per)) / look_s, (unsigned long long)found,
	       (unsigned long long)st.threads_dropped, (unsigned long long)st.fds_dropped);
	sk_state_fini(&st);
	return 0;
}
