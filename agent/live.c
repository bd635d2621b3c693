/* SPDX-License-Identifier: Apache-2.0 */
#include "live.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>

#include "live_capture.h"
#include "pipeline.h"
#include "saker/scap.h"

#define SK_BPF_FS_MAGIC 0xcafe4a11
#define SK_TRACEFS_MAGIC 0x74726163
#define SK_LIVE_BATCH 4096u       /* events handled between clock checks */
#define SK_LIVE_WAIT_MS 100       /* longest sleep when the buffers are empty */
#define SK_LIVE_USERS_MAX 100000u /* users + groups taken from the passwd/group databases */

static volatile sig_atomic_t sk_live_stop;

static void on_signal(int sig)
{
	(void)sig;
	sk_live_stop = 1;
}

static uint64_t now_ns(clockid_t clk)
{
	struct timespec ts;
	clock_gettime(clk, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Mount fs at dir unless a filesystem with that magic is already there. */
static void ensure_mount(const char *dir, const char *fstype, long magic, FILE *errf)
{
	struct statfs st;
	if (!statfs(dir, &st) && st.f_type == magic)
		return;
	mkdir(dir, 0700);
	if (mount(fstype, dir, fstype, 0, NULL) && errno != EBUSY)
		fprintf(errf, "saker: warning: cannot mount %s at %s: %s\n", fstype, dir,
			strerror(errno));
}

struct live_ctx {
	struct sk_pipeline *p;
	struct sk_scap_writer *w;
	struct sk_live_pair *pair;
	char err[512];
	int werr; /* first -w error */
};

static void live_item(struct live_ctx *c, const struct sk_scap_item *it)
{
	sk_pipeline_item(c->p, it);
	if (c->w && !c->werr)
		c->werr = sk_scap_writer_write(c->w, it, c->err, sizeof(c->err));
}

static int scan_proc(void *ctx, const struct sk_scap_proc *proc)
{
	struct sk_scap_item it = {.kind = SK_SCAP_PROC, .proc = proc};
	live_item(ctx, &it);
	return 0;
}

static int scan_fd(void *ctx, const struct sk_scap_fd *fd)
{
	struct sk_scap_item it = {.kind = SK_SCAP_FD, .fd = fd};
	live_item(ctx, &it);
	return 0;
}

/* The machine and the host's users and groups, as a capture's header carries them. */
static void seed_host(struct live_ctx *c, const char *hostname)
{
	static struct sk_scap_machine m;
	static struct sk_scap_user u;
	memset(&m, 0, sizeof(m));
	m.num_cpus = (uint32_t)sysconf(_SC_NPROCESSORS_ONLN);
	m.memory_size_bytes = (uint64_t)sysconf(_SC_PHYS_PAGES) * (uint64_t)sysconf(_SC_PAGESIZE);
	m.max_pid = 4194304;
	size_t hl = strnlen(hostname, SK_SCAP_HOSTNAME_MAX);
	memcpy(m.hostname, hostname, hl);
	m.hostname[hl] = '\0';
	struct sk_scap_item it = {.kind = SK_SCAP_MACHINE, .machine = &m};
	live_item(c, &it);
	it = (struct sk_scap_item){.kind = SK_SCAP_USER_LIST_BEGIN};
	live_item(c, &it);
	unsigned n = 0;
	setpwent();
	for (struct passwd *pw; n < SK_LIVE_USERS_MAX && (pw = getpwent()); n++) {
		memset(&u, 0, sizeof(u));
		u.uid = pw->pw_uid;
		u.gid = pw->pw_gid;
		snprintf(u.name, sizeof(u.name), "%s", pw->pw_name);
		snprintf(u.homedir, sizeof(u.homedir), "%s", pw->pw_dir ? pw->pw_dir : "");
		snprintf(u.shell, sizeof(u.shell), "%s", pw->pw_shell ? pw->pw_shell : "");
		it = (struct sk_scap_item){.kind = SK_SCAP_USER, .user = &u};
		live_item(c, &it);
	}
	endpwent();
	setgrent();
	for (struct group *gr; n < SK_LIVE_USERS_MAX && (gr = getgrent()); n++) {
		memset(&u, 0, sizeof(u));
		u.is_group = true;
		u.gid = gr->gr_gid;
		snprintf(u.name, sizeof(u.name), "%s", gr->gr_name);
		it = (struct sk_scap_item){.kind = SK_SCAP_USER, .user = &u};
		live_item(c, &it);
	}
	endgrent();
}

static void set_interest(struct sk_probe *p, const struct sk_ruleset *rs, bool all)
{
	static bool has_filler[SK_PROBE_NR_MAX], want[SK_PROBE_NR_MAX];
	for (unsigned nr = 0; nr < SK_PROBE_NR_MAX; nr++)
		has_filler[nr] = sk_probe_has_filler(p, nr);
	sk_live_interest(rs, all, has_filler, want);
	for (unsigned nr = 0; nr < SK_PROBE_NR_MAX; nr++)
		sk_probe_set_interesting(p, nr, want[nr]);
	sk_probe_set_procexit(p, true);
}

/* Handle every buffered event (at most max). Returns how many were handled. */
static unsigned drain(struct sk_probe *probe, struct live_ctx *c, unsigned max, uint64_t *bad)
{
	unsigned n = 0;
	const void *buf;
	size_t len;
	uint16_t cpu;
	while (n < max && sk_probe_next(probe, &buf, &len, &cpu) == 0) {
		struct sk_evt e;
		n++;
		if (sk_evt_parse(&e, buf, len, c->err, sizeof(c->err))) {
			(*bad)++;
			continue;
		}
		e.cpu = cpu;
		sk_pipeline_event(c->p, &e);
		if (c->w && !c->werr)
			c->werr = sk_live_pair_write(c->w, c->pair, &e, c->err, sizeof(c->err));
	}
	return n;
}

static const struct sk_rule sk_drop_rule = {
	.name = "Falco internal: syscall event drop",
	.desc = "The probe's ring buffer was full and system calls were dropped",
	.source = "internal",
	.priority = SK_PRIO_CRITICAL,
};

/* Once a second: read the counters, act on drops. Returns -ECANCELED for action exit. */
static int check_drops(struct sk_probe *probe, struct sk_drop_mgr *m, struct sk_pipeline *p,
		       const struct sk_output_opts *oo, FILE *errf)
{
	struct sk_probe_stats st;
	if (sk_probe_stats(probe, &st))
		return 0;
	struct sk_drop_delta d;
	uint64_t ts = now_ns(CLOCK_REALTIME);
	unsigned acts = sk_drop_mgr_check(m, now_ns(CLOCK_MONOTONIC), st.total.events,
					  st.total.drops, &d);
	if (acts & SK_DROP_LOG)
		fprintf(errf, "Falco internal: syscall event drop. %llu system calls dropped in last "
			      "second.\n",
			(unsigned long long)d.drops);
	if ((acts & SK_DROP_ALERT) && p->opts.sink.emit) {
		sk_drop_alert_format(&d, ts, oo, p->alert, SK_PIPELINE_ALERT_MAX);
		p->opts.sink.emit(p->opts.sink.ctx, &sk_drop_rule, ts, p->alert);
	}
	if (acts & SK_DROP_EXIT) {
		fprintf(errf, "saker: exiting: syscall events were dropped (syscall_event_drops.actions: exit)\n");
		return -ECANCELED;
	}
	return 0;
}

static int read_config(const struct sk_options *o, struct sk_drop_cfg *dc, int *preset, FILE *errf)
{
	char err[256];
	sk_drop_cfg_default(dc);
	*preset = 0;
	for (unsigned i = 0; i < o->overrides.n; i++) {
		int rc = sk_live_config_apply(dc, preset, o->overrides.v[i], err, sizeof(err));
		if (rc < 0) {
			fprintf(errf, "saker: %s\n", err);
			return rc;
		}
	}
	return 0;
}

static void print_exit_stats(struct sk_probe *probe, const struct sk_drop_mgr *m, uint64_t bad,
			     bool verbose, FILE *out, FILE *errf)
{
	struct sk_probe_stats st;
	if (sk_probe_stats(probe, &st))
		return;
	fprintf(errf, "Syscall event drop monitoring:\n   - event drop detected: %llu occurrences\n"
		      "   - num times actions taken: %llu\n",
		(unsigned long long)m->detected, (unsigned long long)m->actions_taken);
	if (verbose)
		fprintf(out, "Driver Events:%llu\nDriver Drops:%llu\nDriver Errors:%llu\n"
			     "Truncated params:%llu\nUnparsable events:%llu\n",
			(unsigned long long)st.total.events, (unsigned long long)st.total.drops,
			(unsigned long long)st.total.errors, (unsigned long long)st.total.truncated,
			(unsigned long long)bad);
}

static int run_loop(struct sk_probe *probe, struct live_ctx *c, const struct sk_options *o,
		    const struct sk_output_opts *oo, struct sk_drop_mgr *m, uint64_t *bad, FILE *errf)
{
	uint64_t start = now_ns(CLOCK_MONOTONIC);
	uint64_t next_check = start + 1000000000u;
	uint64_t end = o->duration_s ? start + (uint64_t)o->duration_s * 1000000000u : UINT64_MAX;
	while (!sk_live_stop) {
		unsigned n = drain(probe, c, SK_LIVE_BATCH, bad);
		if (c->werr) {
			fprintf(errf, "saker: %s\n", c->err);
			return c->werr;
		}
		uint64_t t = now_ns(CLOCK_MONOTONIC);
		if (t >= end)
			break;
		if (t >= next_check) {
			next_check = t + 1000000000u;
			int rc = check_drops(probe, m, c->p, oo, errf);
			if (rc)
				return rc;
		}
		if (!n) {
			uint64_t left = (end - t) / 1000000u;
			sk_probe_wait(probe, left < SK_LIVE_WAIT_MS ? (int)left + 1 : SK_LIVE_WAIT_MS);
		}
	}
	return 0;
}

static int open_probe(struct sk_probe **probe, int preset, FILE *errf)
{
	char err[512];
	if (geteuid() != 0) {
		fprintf(errf, "saker: live mode needs root (loading eBPF programs); run as root, "
			      "or replay a capture with -e FILE\n");
		return -EPERM;
	}
	ensure_mount("/sys/fs/bpf", "bpf", SK_BPF_FS_MAGIC, errf);
	ensure_mount("/sys/kernel/tracing", "tracefs", SK_TRACEFS_MAGIC, errf);
	struct sk_probe_opts po = {.buf_size_preset = preset, .exclude_tgid = 0};
	int rc = sk_probe_open(probe, &po, err, sizeof(err));
	if (rc)
		fprintf(errf, "saker: cannot load the eBPF probe: %s\n", err);
	return rc;
}

static int start_probe(struct sk_probe *probe, const struct sk_options *o, struct sk_engine_setup *s,
		       FILE *errf)
{
	char err[512];
	set_interest(probe, s->rs, o->all_events);
	struct sigaction sa = {.sa_handler = on_signal};
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sk_live_stop = 0;
	int rc = sk_probe_start(probe, err, sizeof(err));
	if (rc)
		fprintf(errf, "saker: cannot attach the eBPF probe: %s\n", err);
	return rc;
}

int sk_live_default_rules(char *out, size_t cap, char *err, size_t errlen)
{
	static const char *const rel[] = {"/../share/saker/", "/../rules/", "/../../rules/",
					  "/../../../rules/"};
	char exe[1024], dir[1024];
	size_t used = 0;
	const char *env = getenv("SAKER_RULES_DIR");
	err[0] = '\0';
	if (env && *env) {
		snprintf(out, cap, "%s/%s", env, SK_LIVE_DEFAULT_RULES);
		if (!access(out, R_OK))
			return 0;
		used += (size_t)snprintf(err, errlen, "%s", out);
	}
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash)
			*slash = '\0';
		snprintf(dir, sizeof(dir), "%s", exe);
		for (size_t i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
			snprintf(out, cap, "%s%s%s", dir, rel[i], SK_LIVE_DEFAULT_RULES);
			if (!access(out, R_OK))
				return 0;
			if (used < errlen)
				used += (size_t)snprintf(err + used, errlen - used, "%s%s", used ? ", " : "",
							 out);
		}
	}
	snprintf(out, cap, "/etc/saker/%s", SK_LIVE_DEFAULT_RULES);
	if (!access(out, R_OK))
		return 0;
	if (used < errlen)
		snprintf(err + used, errlen - used, "%s%s", used ? ", " : "", out);
	return -ENOENT;
}

int sk_live_run(struct sk_engine_setup *s, const struct sk_options *o, FILE *out, FILE *errf)
{
	struct sk_drop_cfg dc;
	int preset;
	int rc = read_config(o, &dc, &preset, errf);
	if (rc)
		return rc;
	struct sk_probe *probe = NULL;
	rc = open_probe(&probe, preset, errf);
	if (rc)
		return rc;
	struct sk_ruleset_slot slot;
	sk_ruleset_slot_init(&slot);
	sk_ruleset_slot_swap(&slot, sk_ruleset_ref(s->rs));
	struct sk_file_sink sink = {.f = out, .unbuffered = o->unbuffered};
	struct sk_pipeline_opts popts = {
		.all_events = o->all_events,
		.out = &s->out_opts,
		.hostname = s->hostname,
		.sink = sk_alert_sink_file(&sink),
	};
	struct sk_pipeline p;
	struct live_ctx c = {.p = &p};
	struct sk_drop_mgr m;
	uint64_t bad = 0;
	sk_drop_mgr_init(&m, &dc, now_ns(CLOCK_MONOTONIC));
	rc = sk_pipeline_init(&p, &slot, &popts);
	if (rc)
		goto out_slot;
	c.pair = malloc(sizeof(*c.pair));
	if (!c.pair) {
		rc = -ENOMEM;
		goto out_pipeline;
	}
	if (o->write_path) {
		struct sk_scap_writer_opts wo = {.gzip = o->gzip};
		rc = sk_scap_writer_open(&c.w, o->write_path, &wo, c.err, sizeof(c.err));
		if (rc) {
			fprintf(errf, "saker: %s\n", c.err);
			goto out_pipeline;
		}
	}
	/* Attach first, then scan: events of processes born during the scan wait in the ring. */
	rc = start_probe(probe, o, s, errf);
	if (rc)
		goto out_writer;
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	seed_host(&c, s->hostname);
	struct sk_proc_scan_cb cb = {.ctx = &c, .proc = scan_proc, .fd = scan_fd};
	rc = sk_proc_scan("/proc", &cb, c.err, sizeof(c.err));
	if (rc) {
		fprintf(errf, "saker: /proc scan: %s\n", c.err);
		goto out_stop;
	}
	if (o->verbose)
		fprintf(errf, "saker: live: probe attached, /proc scanned\n");
	sk_drop_mgr_init(&m, &dc, now_ns(CLOCK_MONOTONIC));
	rc = run_loop(probe, &c, o, &s->out_opts, &m, &bad, errf);
out_stop:
	sk_probe_stop(probe);
	if (!rc)
		while (drain(probe, &c, SK_LIVE_BATCH, &bad))
			;
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	print_exit_stats(probe, &m, bad, o->verbose, out, errf);
	sk_pipeline_print_summary(&p, (double)(t1.tv_sec - t0.tv_sec) +
					      (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
				  o->verbose, out);
out_writer:
	if (c.w) {
		int crc = sk_scap_writer_close(c.w, c.err, sizeof(c.err));
		if (crc && !rc) {
			fprintf(errf, "saker: %s\n", c.err);
			rc = crc;
		}
	}
out_pipeline:
	free(c.pair);
	sk_pipeline_fini(&p);
out_slot:
	sk_ruleset_slot_fini(&slot);
	sk_probe_close(probe);
	return rc;
}
