/* SPDX-License-Identifier: Apache-2.0 */
#include "reload.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct watch {
	int wd;
	char name[NAME_MAX + 1]; /* file watched in the directory wd; "" = anything in it */
};

struct sk_reload {
	struct sk_reload_opts opts;
	pthread_t thread;
	int pipe[2]; /* [0] read by the thread: 'r' reload, 'q' quit */
	atomic_bool quit; /* also set, in case the pipe is full of requests */
	int inotify;
	struct watch watches[SK_RELOAD_MAX_WATCHES];
	unsigned nwatches;
};

double sk_reload_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void add_watch(struct sk_reload *r, const char *dir, const char *name)
{
	if (r->nwatches >= SK_RELOAD_MAX_WATCHES) {
		sk_logf(&r->opts.log, SK_LOG_WARNING,
			"watch_config_files: more than %u paths; '%s' is not watched",
			SK_RELOAD_MAX_WATCHES, dir);
		return;
	}
	int wd = inotify_add_watch(r->inotify, dir,
				   IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE |
					   IN_DELETE | IN_ATTRIB);
	if (wd < 0) {
		sk_logf(&r->opts.log, SK_LOG_WARNING, "watch_config_files: cannot watch '%s': %s",
			dir, strerror(errno));
		return;
	}
	struct watch *w = &r->watches[r->nwatches++];
	w->wd = wd;
	snprintf(w->name, sizeof(w->name), "%s", name);
}

/* Watch every path: a directory itself, a file through its directory (editors rename). */
static void rewatch(struct sk_reload *r)
{
	for (unsigned i = 0; i < r->nwatches; i++)
		inotify_rm_watch(r->inotify, r->watches[i].wd);
	r->nwatches = 0;
	const char *paths[SK_RELOAD_MAX_WATCHES];
	unsigned n = r->opts.paths(r->opts.ctx, paths, SK_RELOAD_MAX_WATCHES);
	for (unsigned i = 0; i < n; i++) {
		struct stat st;
		if (stat(paths[i], &st) == 0 && S_ISDIR(st.st_mode)) {
			add_watch(r, paths[i], "");
			continue;
		}
		char d[PATH_MAX], b[PATH_MAX];
		snprintf(d, sizeof(d), "%s", paths[i]);
		snprintf(b, sizeof(b), "%s", paths[i]);
		add_watch(r, dirname(d), basename(b));
	}
}

/* Whether the inotify events waiting concern a watched file. */
static bool drain_inotify(struct sk_reload *r)
{
	char buf[16384] __attribute__((aligned(__alignof__(struct inotify_event))));
	bool hit = false;
	ssize_t n;
	while ((n = read(r->inotify, buf, sizeof(buf))) > 0) {
		for (char *p = buf; p < buf + n;) {
			const struct inotify_event *ev = (const struct inotify_event *)p;
			for (unsigned i = 0; i < r->nwatches; i++) {
				const struct watch *w = &r->watches[i];
				if (w->wd == ev->wd &&
				    (!w->name[0] || (ev->len && !strcmp(ev->name, w->name))))
					hit = true;
			}
			p += sizeof(*ev) + ev->len;
		}
	}
	return hit;
}

static void reload_now(struct sk_reload *r)
{
	char err[SK_RULES_ERROR_MAX];
	struct sk_ruleset *rs = NULL;
	unsigned nrules = 0;
	double wall = sk_reload_now(), t0 = mono();
	err[0] = '\0';
	int rc = r->opts.build(r->opts.ctx, &rs, &nrules, err, sizeof(err));
	if (rc == 0 && r->opts.prepare) {
		rc = r->opts.prepare(r->opts.apply_ctx, err, sizeof(err));
		if (rc) {
			sk_ruleset_unref(rs);
			rs = NULL;
		}
	}
	double dt = mono() - t0;
	if (rc) {
		sk_logf(&r->opts.log, SK_LOG_ERROR,
			"reload failed, the previous configuration and rules keep running: %s",
			err);
		if (r->opts.status)
			sk_rules_status_record(r->opts.status, false, wall, dt, 0, err);
		return;
	}
	sk_ruleset_slot_swap(r->opts.slot, rs);
	__atomic_add_fetch(r->opts.gen, 1, __ATOMIC_RELEASE);
	if (r->opts.commit && (rc = r->opts.commit(r->opts.apply_ctx, err, sizeof(err)))) {
		sk_logf(&r->opts.log, SK_LOG_ERROR, "reload: %s", err);
		if (r->opts.status)
			sk_rules_status_record(r->opts.status, false, wall, dt, nrules, err);
	} else if (r->opts.status) {
		sk_rules_status_record(r->opts.status, true, wall, dt, nrules, NULL);
	}
	sk_logf(&r->opts.log, SK_LOG_INFO, "reload: %u rules loaded in %.3f s", nrules, dt);
	if (r->opts.watch)
		rewatch(r);
}

static void *run(void *arg)
{
	struct sk_reload *r = arg;
	double due = 0; /* when a change seen on a watched file is reloaded; 0 = none */
	for (;;) {
		struct pollfd pf[2] = {{.fd = r->pipe[0], .events = POLLIN},
				       {.fd = r->inotify, .events = POLLIN}};
		int wait_ms = -1;
		if (due) {
			double left = due - mono();
			wait_ms = left > 0 ? (int)(left * 1000) + 1 : 0;
		}
		int n = poll(pf, r->inotify >= 0 ? 2 : 1, wait_ms);
		if ((n < 0 && errno != EINTR) || atomic_load(&r->quit))
			break;
		if (n > 0 && (pf[0].revents & POLLIN)) {
			char c[64];
			ssize_t k = read(r->pipe[0], c, sizeof(c));
			bool quit = false, now = false;
			for (ssize_t i = 0; i < k; i++) {
				quit |= c[i] == 'q';
				now |= c[i] == 'r';
			}
			if (quit)
				break;
			if (now) {
				due = 0;
				reload_now(r);
			}
		}
		/* Only changes to watched files (re)start the settle time; others in
		 * the same directories are ignored. */
		if (n > 0 && r->inotify >= 0 && (pf[1].revents & POLLIN) && drain_inotify(r))
			due = mono() + SK_RELOAD_SETTLE_MS / 1000.0;
		if (due && mono() >= due) {
			due = 0;
			reload_now(r);
		}
	}
	return NULL;
}

int sk_reload_start(struct sk_reload **out, const struct sk_reload_opts *opts, char *err,
		    size_t errlen)
{
	struct sk_reload *r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->opts = *opts;
	r->inotify = -1;
	if (pipe2(r->pipe, O_CLOEXEC | O_NONBLOCK)) {
		int e = errno;
		free(r);
		snprintf(err, errlen, "reload: pipe: %s", strerror(e));
		return -e;
	}
	if (opts->watch) {
		r->inotify = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
		if (r->inotify < 0)
			sk_logf(&opts->log, SK_LOG_WARNING,
				"watch_config_files: inotify unavailable (%s); SIGHUP still reloads",
				strerror(errno));
		else
			rewatch(r);
	}
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	int rc = pthread_create(&r->thread, NULL, run, r);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc) {
		snprintf(err, errlen, "reload: cannot start its thread: %s", strerror(rc));
		close(r->pipe[0]);
		close(r->pipe[1]);
		if (r->inotify >= 0)
			close(r->inotify);
		free(r);
		return -rc;
	}
	*out = r;
	return 0;
}

void sk_reload_request(struct sk_reload *r)
{
	if (r) {
		ssize_t n = write(r->pipe[1], "r", 1);
		(void)n; /* a full pipe already holds a request */
	}
}

void sk_reload_free(struct sk_reload *r)
{
	if (!r)
		return;
	atomic_store(&r->quit, true);
	/* a full pipe already wakes the thread, which then sees quit */
	while (write(r->pipe[1], "q", 1) < 0 && errno == EINTR)
		;
	pthread_join(r->thread, NULL);
	close(r->pipe[0]);
	close(r->pipe[1]);
	if (r->inotify >= 0)
		close(r->inotify);
	free(r);
}
