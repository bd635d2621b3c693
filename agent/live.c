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
#include "config/services.h"
#include "pipeline.h"
#include "plugin/runner.h"
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
	bool enter_used[SK_EVT_TABLE_SIZE]; /* enter codes the rules are indexed under */
	uint8_t *enter_buf;                 /* SK_LIVE_PAIR_EVT_MAX bytes */
	struct sk_scap_writer *w;
	pthread_mutex_t *wlock; /* held around writes to w while plugin sources write there too */
	struct sk_live_pair *pair;
	char err[512];
	int werr; /* first -w error */
};

static void live_item(struct live_ctx *c, const struct sk_scap_item *it)
{
	sk_pipeline_item(c->p, it);
	if (!c->w || c->werr)
		return;
	if (c->wlock)
		pthread_mutex_lock(c->wlock);
	c->werr = sk_scap_writer_write(c->w, it, c->err, sizeof(c->err));
	if (c->wlock)
		pthread_mutex_unlock(c->wlock);
}

static int scan_proc(void *ctx, const struct sk_scap_proc *proc)
{
	struct sk_scap_item it = {.kind = SK_SCAP_PROC, .proc = proc};
	live_item(ctx, &it);
	return 0;
}

static int scan_fd(void *ctx, const struct sk_scap_fd *fd)
{
	struct live_ctx *c = ctx;
	struct sk_scap_item it = {.kind = SK_SCAP_FD, .fd = fd};
	sk_pipeline_item(c->p, &it);
	if (!c->w || c->werr)
		return 0;
	/* Debian sysdig refuses fd-list entries of types newer than FILE_V2 (bpf, memfd...). */
	static struct sk_scap_fd old;
	if (fd->type > SK_FD_FILE_V2) {
		old = *fd;
		old.type = SK_FD_UNSUPPORTED;
		it.fd = &old;
	}
	c->werr = sk_scap_writer_write(c->w, &it, c->err, sizeof(c->err));
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

/* The kernel filter and the enter codes to rebuild, from the current ruleset. */
static int set_interest(struct sk_probe *p, struct live_ctx *c, const struct sk_ruleset *rs,
			const struct sk_live_settings *ls, bool all, FILE *errf)
{
	static bool has_filler[SK_PROBE_NR_MAX], want[SK_PROBE_NR_MAX];
	char err[256];
	for (unsigned nr = 0; nr < SK_PROBE_NR_MAX; nr++)
		has_filler[nr] = sk_probe_has_filler(p, nr);
	sk_live_interest(rs, all || ls->all_syscalls, has_filler, want);
	if (sk_live_interest_custom(want, ls->custom_set, ls->ncustom, err, sizeof(err))) {
		fprintf(errf, "saker: %s\n", err);
		return -EINVAL;
	}
	for (unsigned nr = 0; nr < SK_PROBE_NR_MAX; nr++)
		sk_probe_set_interesting(p, nr, want[nr]);
	sk_probe_set_procexit(p, true);
	for (unsigned code = 0; code < SK_EVT_TABLE_SIZE; code++) {
		const struct sk_event_info *info = sk_event_info_get((uint16_t)code);
		c->enter_used[code] = rs && info && info->dir == 'E' &&
				      (info->category & SK_EC_SYSCALL) && code != SK_EVT_SYSCALL_E &&
				      sk_ruleset_needs_enter(rs, (uint16_t)code);
	}
	return 0;
}

/*
 * The probe reports exits only; rules written for enter events (evt.dir=>,
 * as Falco 0.31's ptrace rule) meet an enter rebuilt from the exit first.
 * Rules that match both directions see the exit alone, as in Falco since
 * its drivers stopped sending enter events (one alert, not two).
 */
static void feed_enter(struct live_ctx *c, const struct sk_evt *x)
{
	uint16_t code = x->hdr->type;
	if (!code || !c->enter_used[code - 1])
		return;
	size_t len;
	struct sk_evt e;
	if (sk_live_enter_build(c->enter_buf, SK_LIVE_PAIR_EVT_MAX, &len, x) ||
	    sk_evt_parse(&e, c->enter_buf, len, c->err, sizeof(c->err)))
		return;
	e.cpu = x->cpu;
	sk_pipeline_rebuilt_enter(c->p, &e);
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
		feed_enter(c, &e);
		sk_pipeline_event(c->p, &e);
		if (c->w && !c->werr) {
			if (c->wlock)
				pthread_mutex_lock(c->wlock);
			c->werr = sk_live_pair_write(c->w, c->pair, &e, c->err, sizeof(c->err));
			if (c->wlock)
				pthread_mutex_unlock(c->wlock);
		}
	}
	return n;
}

static const struct sk_rule sk_drop_rule = {
	.name = "Falco internal: syscall event drop",
	.desc = "The probe's ring buffer was full and system calls were dropped",
	.source = "internal",
	.priority = SK_PRIO_CRITICAL,
};

/* Everything one live run holds. */
struct live_run {
	const struct sk_options *o;
	struct sk_engine_setup *s;
	struct sk_live_settings ls;
	struct sk_probe *probe;
	struct sk_services sv;
	struct sk_pipeline p;
	struct live_ctx c;
	struct sk_drop_mgr drops;
	uint64_t bad; /* events that did not parse */
	const struct sk_ruleset *rs_seen; /* the ruleset the kernel filter was computed for */
	struct sk_engine_reloader *reloader; /* its configuration is the running one */
	struct sk_log_std *log_std;	     /* where the services log; follows reloads */
	const struct sk_config *cfg_seen;    /* the configuration lr->ls was read from */
	FILE *out, *errf;
	struct sk_plugin_runner plugins; /* plugin sources, each on its own thread */
};

static void drop_text(const void *arg, uint64_t ts, const struct sk_output_opts *o, char *buf,
		      size_t cap)
{
	sk_drop_alert_format(arg, ts, o, buf, cap);
}

/*
 * Once a second: follow the clock (event times), read the counters, act on
 * drops. Returns -ECANCELED for action exit.
 */
static int check_drops(struct live_run *lr)
{
	struct sk_probe_stats st;
	sk_probe_sync_clock(lr->probe);
	if (sk_probe_stats(lr->probe, &st))
		return 0;
	lr->sv.kernel_drops = st.total.drops;
	struct sk_drop_delta d;
	uint64_t ts = now_ns(CLOCK_REALTIME);
	unsigned acts = sk_drop_mgr_check(&lr->drops, now_ns(CLOCK_MONOTONIC), st.total.events,
					  st.total.drops, &d);
	if (acts & SK_DROP_LOG)
		fprintf(lr->errf, "Falco internal: syscall event drop. %llu system calls dropped in "
				  "last second.\n",
			(unsigned long long)d.drops);
	if (acts & SK_DROP_ALERT)
		sk_pipeline_emit_made(&lr->p, &sk_drop_rule, ts, drop_text, &d);
	if (acts & SK_DROP_EXIT) {
		fprintf(lr->errf, "saker: exiting: syscall events were dropped "
				  "(syscall_event_drops.actions: exit)\n");
		return -ECANCELED;
	}
	return 0;
}

static void print_exit_stats(struct live_run *lr)
{
	struct sk_probe_stats st;
	if (sk_probe_stats(lr->probe, &st))
		return;
	fprintf(lr->errf, "Syscall event drop monitoring:\n   - event drop detected: %llu "
			  "occurrences\n   - num times actions taken: %llu\n",
		(unsigned long long)lr->drops.detected, (unsigned long long)lr->drops.actions_taken);
	if (lr->o->verbose)
		fprintf(lr->out, "Driver Events:%llu\nDriver Drops:%llu\nDriver Errors:%llu\n"
				 "Truncated params:%llu\nUnparsable events:%llu\n",
			(unsigned long long)st.total.events, (unsigned long long)st.total.drops,
			(unsigned long long)st.total.errors, (unsigned long long)st.total.truncated,
			(unsigned long long)lr->bad);
}

/* The probe's options from the live settings (ring size; the agent's own syscalls left out). */
static struct sk_probe_opts probe_opts(const struct sk_live_settings *ls)
{
	return (struct sk_probe_opts){
	    .ringbuf_bytes = ls->ringbuf_bytes,
	    .buf_size_preset = ls->buf_size_preset,
	    .exclude_tgid = 0,
	};
}

/*
 * A reloaded configuration with another ring-buffer size: load a new probe
 * while the old one runs, move the attachment (the syscalls of the moment
 * between are not seen), drain and close the old probe, then rescan /proc
 * for the processes and files of that moment. Returns 0, or -errno with the
 * old probe still running.
 */
static int restart_probe(struct live_run *lr)
{
	char err[512];
	struct sk_probe *old = lr->probe, *np = NULL;
	struct sk_probe_opts po = probe_opts(&lr->ls);
	int rc = sk_probe_open(&np, &po, err, sizeof(err));
	if (!rc)
		rc = set_interest(np, &lr->c, lr->p.rs, &lr->ls, lr->o->all_events, lr->errf);
	if (rc) {
		fprintf(lr->errf, "saker: reload: cannot load a probe with the new ring buffer size "
				  "(the running one stays): %s\n", err);
		sk_probe_close(np);
		return rc;
	}
	uint64_t t0 = now_ns(CLOCK_MONOTONIC);
	sk_probe_stop(old);
	rc = sk_probe_start(np, err, sizeof(err));
	if (rc) {
		fprintf(lr->errf, "saker: reload: cannot attach the new probe (the running one stays): "
				  "%s\n", err);
		sk_probe_close(np);
		if (sk_probe_start(old, err, sizeof(err)))
			fprintf(lr->errf, "saker: reload: cannot attach the probe again: %s\n", err);
		return rc;
	}
	uint64_t gap = now_ns(CLOCK_MONOTONIC) - t0;
	while (drain(old, &lr->c, SK_LIVE_BATCH, &lr->bad))
		;
	sk_probe_close(old);
	lr->probe = np;
	/* state only: a capture being written has its /proc tables already */
	struct live_ctx quiet = lr->c;
	quiet.w = NULL;
	struct sk_proc_scan_cb cb = {.ctx = &quiet, .proc = scan_proc, .fd = scan_fd};
	if (sk_proc_scan("/proc", &cb, lr->c.err, sizeof(lr->c.err)))
		fprintf(lr->errf, "saker: reload: /proc scan: %s\n", lr->c.err);
	/* the counters start again with the new probe */
	sk_drop_mgr_init(&lr->drops, &lr->ls.drops, now_ns(CLOCK_MONOTONIC));
	fprintf(lr->errf, "saker: reload: probe restarted with the new ring buffer size (%.1f ms "
			  "without events)\n",
		(double)gap / 1e6);
	return 0;
}

/*
 * After a reload: the live keys of the new configuration. Logging, drop
 * handling and base_syscalls take effect now; a new ring-buffer size
 * restarts the probe.
 */
static void reload_settings(struct live_run *lr)
{
	char err[512];
	pthread_mutex_lock(&lr->reloader->lock);
	const struct sk_config *cfg = lr->reloader->cfg;
	pthread_mutex_unlock(&lr->reloader->lock);
	if (cfg == lr->cfg_seen)
		return;
	lr->cfg_seen = cfg;
	sk_log_std_set(lr->log_std, cfg);
	struct sk_live_settings ls;
	if (sk_live_settings_read(&ls, cfg, err, sizeof(err))) {
		fprintf(lr->errf, "saker: reload: %s; the live settings stay as they were\n", err);
		return;
	}
	bool resize =
	    ls.buf_size_preset != lr->ls.buf_size_preset || ls.ringbuf_bytes != lr->ls.ringbuf_bytes;
	const struct sk_drop_cfg *a = &ls.drops, *b = &lr->ls.drops;
	if (a->threshold != b->threshold || a->actions != b->actions || a->rate != b->rate ||
	    a->max_burst != b->max_burst)
		sk_drop_mgr_init(&lr->drops, a, now_ns(CLOCK_MONOTONIC));
	struct sk_live_settings old = lr->ls;
	lr->ls = ls;
	if (resize && restart_probe(lr)) {
		lr->ls.buf_size_preset = old.buf_size_preset;
		lr->ls.ringbuf_bytes = old.ringbuf_bytes;
	}
}

static int run_loop(struct live_run *lr)
{
	const struct sk_options *o = lr->o;
	uint64_t start = now_ns(CLOCK_MONOTONIC);
	uint64_t next_check = start + 1000000000u;
	uint64_t end = o->duration_s ? start + (uint64_t)o->duration_s * 1000000000u : UINT64_MAX;
	while (!sk_live_stop) {
		unsigned n = drain(lr->probe, &lr->c, SK_LIVE_BATCH, &lr->bad);
		if (lr->c.werr) {
			fprintf(lr->errf, "saker: %s\n", lr->c.err);
			return lr->c.werr;
		}
		/* A reload swapped the rules: take its live settings, recompute what the kernel reports. */
		if (lr->p.rs != lr->rs_seen) {
			lr->rs_seen = lr->p.rs;
			reload_settings(lr);
			set_interest(lr->probe, &lr->c, lr->p.rs, &lr->ls, o->all_events, lr->errf);
		}
		uint64_t t = now_ns(CLOCK_MONOTONIC);
		if (t >= end)
			break;
		if (t >= next_check) {
			next_check = t + 1000000000u;
			int rc = check_drops(lr);
			if (rc)
				return rc;
		}
		if (!n) {
			uint64_t left = (end - t) / 1000000u;
			sk_probe_wait(lr->probe, left < SK_LIVE_WAIT_MS ? (int)left + 1 : SK_LIVE_WAIT_MS);
		}
	}
	return 0;
}

static int open_probe(struct live_run *lr)
{
	char err[512];
	if (geteuid() != 0) {
		fprintf(lr->errf, "saker: live mode needs root (it loads eBPF programs); run it as "
				  "root, or replay a capture with -e FILE\n");
		return -EPERM;
	}
	ensure_mount("/sys/fs/bpf", "bpf", SK_BPF_FS_MAGIC, lr->errf);
	ensure_mount("/sys/kernel/tracing", "tracefs", SK_TRACEFS_MAGIC, lr->errf);
	struct sk_probe_opts po = probe_opts(&lr->ls);
	int rc = sk_probe_open(&lr->probe, &po, err, sizeof(err));
	if (rc)
		fprintf(lr->errf, "saker: cannot load the eBPF probe: %s\n", err);
	return rc;
}

static int start_probe(struct live_run *lr)
{
	char err[512];
	lr->rs_seen = lr->p.rs;
	int rc = set_interest(lr->probe, &lr->c, lr->p.rs, &lr->ls, lr->o->all_events, lr->errf);
	if (rc)
		return rc;
	struct sigaction sa = {.sa_handler = on_signal};
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sk_live_stop = 0;
	rc = sk_probe_start(lr->probe, err, sizeof(err));
	if (rc)
		fprintf(lr->errf, "saker: cannot attach the eBPF probe: %s\n", err);
	return rc;
}

/* Outputs, web server, reload: as a replay has them. */
static int start_services(struct live_run *lr, const struct sk_config *cfg, const char *version,
			  struct sk_ruleset_slot *slot, struct sk_engine_reloader *reloader,
			  struct sk_log_std *log_std)
{
	char err[512];
	struct sk_services_opts so = {
		.cfg = cfg,
		.version = version,
		.stdout_f = lr->out,
		.unbuffered = lr->o->unbuffered,
		.slot = slot,
		.build = sk_engine_reloader_build,
		.paths = sk_engine_reloader_paths,
		.ctx = reloader,
		.config_now = &reloader->cfg,
		/* every level reaches log_std, which a reload may make more or less verbose */
		.log = {.min = SK_LOG_DEBUG, .fn = sk_log_write_std, .ctx = log_std},
	};
	int rc = sk_services_start(&lr->sv, &so, err, sizeof(err));
	if (rc)
		fprintf(lr->errf, "saker: %s\n", err);
	else
		lr->sv.metrics.plugins = lr->s->plugins;
	return rc;
}

static int start_pipeline(struct live_run *lr, struct sk_ruleset_slot *slot)
{
	char err[512];
	struct sk_pipeline_opts popts = {
		.all_events = lr->o->all_events,
		.out = &lr->s->out_opts,
		.hostname = lr->s->hostname,
		.sink = sk_services_sink(&lr->sv),
		.ruleset_gen = &lr->sv.gen,
	};
	int rc = sk_pipeline_init(&lr->p, slot, &popts);
	if (rc)
		return rc;
	lr->c.p = &lr->p;
	sk_services_add_pipeline(&lr->sv, &lr->p);
	/* Plugin sources with open params run beside the probe, sharing the outputs. */
	struct sk_plugin_runner_opts ro = {.slot = slot,
					   .popts = popts,
					   .duration_s = lr->o->duration_s,
					   .sources = lr->s->rs_opts.sources,
					   .nsources = lr->s->rs_opts.nsources};
	rc = lr->s->plugins ? sk_plugin_runner_start(&lr->plugins, lr->s->plugins, &ro, NULL, err,
						     sizeof(err))
			    : 0;
	if (rc) {
		fprintf(lr->errf, "saker: %s\n", err);
		sk_pipeline_fini(&lr->p);
		return rc;
	}
	for (unsigned i = 0; i < lr->plugins.n; i++)
		sk_services_add_pipeline(&lr->sv, &lr->plugins.runs[i].pipe);
	rc = sk_services_serve(&lr->sv, err, sizeof(err));
	if (rc) {
		fprintf(lr->errf, "saker: %s\n", err);
		sk_plugin_runner_stop(&lr->plugins);
		sk_plugin_runner_wait(&lr->plugins, NULL);
		sk_plugin_runner_fini(&lr->plugins);
		sk_pipeline_fini(&lr->p);
	}
	return rc;
}

static int open_capture(struct live_run *lr)
{
	lr->c.pair = malloc(sizeof(*lr->c.pair));
	lr->c.enter_buf = malloc(SK_LIVE_PAIR_EVT_MAX);
	if (!lr->c.pair || !lr->c.enter_buf)
		return -ENOMEM;
	if (!lr->o->write_path)
		return 0;
	struct sk_scap_writer_opts wo = {.gzip = lr->o->gzip};
	int rc = sk_scap_writer_open(&lr->c.w, lr->o->write_path, &wo, lr->c.err, sizeof(lr->c.err));
	if (rc)
		fprintf(lr->errf, "saker: %s\n", lr->c.err);
	return rc;
}

static int close_capture(struct live_run *lr, int rc)
{
	if (lr->c.w) {
		int crc = sk_scap_writer_close(lr->c.w, lr->c.err, sizeof(lr->c.err));
		if (crc && !rc) {
			fprintf(lr->errf, "saker: %s\n", lr->c.err);
			rc = crc;
		}
	}
	free(lr->c.pair);
	free(lr->c.enter_buf);
	return rc;
}

/* Attach first, then scan: events of processes born during the scan wait in the ring. */
static int watch(struct live_run *lr)
{
	int rc = start_probe(lr);
	if (rc) {
		sk_plugin_runner_stop(&lr->plugins);
		sk_plugin_runner_wait(&lr->plugins, lr->errf);
		sk_plugin_runner_fini(&lr->plugins);
		sk_services_stop(&lr->sv);
		return rc;
	}
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	seed_host(&lr->c, lr->s->hostname);
	struct sk_proc_scan_cb cb = {.ctx = &lr->c, .proc = scan_proc, .fd = scan_fd};
	rc = sk_proc_scan("/proc", &cb, lr->c.err, sizeof(lr->c.err));
	if (rc)
		fprintf(lr->errf, "saker: /proc scan: %s\n", lr->c.err);
	else if (lr->o->verbose)
		fprintf(lr->errf, "saker: live: probe attached, /proc scanned\n");
	if (!rc && lr->c.w && lr->plugins.n) {
		/* -w: plugin events join the capture once its /proc tables are written */
		lr->c.wlock = &lr->plugins.write_lock;
		sk_plugin_runner_set_writer(&lr->plugins, lr->c.w);
	}
	if (!rc) {
		sk_drop_mgr_init(&lr->drops, &lr->ls.drops, now_ns(CLOCK_MONOTONIC));
		rc = run_loop(lr);
	}
	sk_probe_stop(lr->probe);
	if (!rc)
		while (drain(lr->probe, &lr->c, SK_LIVE_BATCH, &lr->bad))
			;
	sk_plugin_runner_stop(&lr->plugins);
	sk_plugin_runner_wait(&lr->plugins, lr->errf);
	sk_plugin_runner_counts(&lr->plugins, &lr->p.counts);
	lr->c.wlock = NULL; /* the threads are joined; the lock goes with the runner */
	sk_plugin_runner_fini(&lr->plugins);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	print_exit_stats(lr);
	double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	sk_services_stop(&lr->sv);
	sk_pipeline_print_summary(&lr->p, secs, lr->o->verbose, lr->out);
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

int sk_live_run(struct sk_engine_setup *s, const struct sk_options *o, const struct sk_config *cfg,
		const char *version, FILE *out, FILE *errf)
{
	static struct live_run lr;
	char err[512];
	memset(&lr, 0, sizeof(lr));
	lr.o = o;
	lr.s = s;
	lr.out = out;
	lr.errf = errf;
	int rc = sk_live_settings_read(&lr.ls, cfg, err, sizeof(err));
	if (rc) {
		fprintf(errf, "saker: %s\n", err);
		return rc;
	}
	sk_drop_mgr_init(&lr.drops, &lr.ls.drops, now_ns(CLOCK_MONOTONIC));
	rc = open_probe(&lr);
	if (rc)
		return rc;
	struct sk_ruleset_slot slot;
	sk_ruleset_slot_init(&slot);
	sk_ruleset_slot_swap(&slot, sk_ruleset_ref(s->rs));
	struct sk_log_std log_std;
	sk_log_std_set(&log_std, cfg);
	lr.log_std = &log_std;
	struct sk_engine_reloader reloader;
	sk_engine_reloader_init(&reloader, o, cfg);
	reloader.plugins = s->plugins;
	lr.reloader = &reloader;
	lr.cfg_seen = cfg;
	rc = open_capture(&lr);
	if (!rc)
		rc = start_services(&lr, cfg, version, &slot, &reloader, &log_std);
	if (!rc) {
		rc = start_pipeline(&lr, &slot);
		if (rc)
			sk_services_stop(&lr.sv);
	}
	if (!rc) {
		rc = watch(&lr);
		sk_pipeline_fini(&lr.p);
	}
	rc = close_capture(&lr, rc);
	sk_ruleset_slot_fini(&slot);
	sk_engine_reloader_fini(&reloader);
	sk_probe_close(lr.probe);
	return rc;
}
