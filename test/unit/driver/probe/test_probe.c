/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Tests of the live probe (driver/bpf/probe.bpf.c, driver/probe/probe.c) on
 * this kernel: each test forks a child that performs real syscalls, then
 * checks the events the probe produced for that child and its descendants,
 * parameter by parameter, against what the child observed (fds, fstat,
 * ports, pids). Needs root; without it (or without BPF) the tests skip,
 * unless SAKER_REQUIRE_BPF=1, where they fail.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/capability.h>
#include <linux/io_uring.h>
#include <linux/openat2.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/ptrace.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "saker/event.h"
#include "saker/probe.h"
#include "saker/scap.h"

/* PPM values the events must carry (scap-events.md 5), spelled out here on purpose. */
#define PPM_O_RDONLY 0x1u
#define PPM_O_WRONLY 0x2u
#define PPM_O_RDWR 0x3u
#define PPM_O_CREAT 0x4u
#define PPM_O_EXCL 0x20u
#define PPM_O_NONBLOCK 0x40u
#define PPM_O_TRUNC 0x100u
#define PPM_O_DIRECTORY 0x400u
#define PPM_O_CLOEXEC 0x1000u
#define PPM_O_F_CREATED 0x4000u

#define CAP_EVENTS 200000
#define COLLECT_TIMEOUT_MS 3000

struct captured {
	uint8_t *buf;
	size_t len;
	struct sk_evt e;
};

struct capture {
	struct captured *ev;
	size_t n, cap;
	pid_t tids[64];
	size_t ntids;
};

/* Values the child reports back through shared memory. */
struct shared {
	int fd[8];
	uint64_t dev[4];
	uint64_t ino[4];
	int port[4];
	pid_t pid[4];
	uint64_t u64[4];
	char path[4][256];
};

static struct sk_probe *probe;
static char errbuf[512];
static struct shared *sh;
static char tmpdir[64];

static bool bpf_required(void)
{
	const char *v = getenv("SAKER_REQUIRE_BPF");

	return v && strcmp(v, "1") == 0;
}

static int group_setup(void **state)
{
	int e;

	(void)state;
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		return -1;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/saker-probe-XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	e = sk_probe_open(&probe, NULL, errbuf, sizeof(errbuf));
	if (e == 0) {
		sk_probe_set_interesting_default(probe);
		e = sk_probe_start(probe, errbuf, sizeof(errbuf));
	}
	if (e) {
		fprintf(stderr, "test_probe: the probe cannot load here: %s\n", errbuf);
		sk_probe_close(probe);
		probe = NULL;
		return bpf_required() ? -1 : 0;
	}
	return 0;
}

static int group_teardown(void **state)
{
	char cmd[128];

	(void)state;
	sk_probe_close(probe);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "test_probe: could not remove %s\n", tmpdir);
	return 0;
}

#define NEED_PROBE()                                                                       \
	do {                                                                               \
		if (!probe)                                                                \
			skip();                                                            \
	} while (0)

static void capture_free(struct capture *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->ev[i].buf);
	free(c->ev);
	memset(c, 0, sizeof(*c));
}

static bool tracked(const struct capture *c, uint64_t tid)
{
	for (size_t i = 0; i < c->ntids; i++)
		if ((uint64_t)c->tids[i] == tid)
			return true;
	return false;
}

static void track(struct capture *c, pid_t tid)
{
	if (!tracked(c, (uint64_t)tid) && c->ntids < 64)
		c->tids[c->ntids++] = tid;
}

/* Drain the probe, keeping events of the tracked threads, until the root's procexit (or timeout). */
static void collect(struct capture *c, pid_t root)
{
	struct timespec t0, t1;
	bool done = false;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	track(c, root);
	while (!done) {
		const void *evt;
		size_t len;
		uint16_t cpu;

		if (sk_probe_next(probe, &evt, &len, &cpu) != 0) {
			clock_gettime(CLOCK_MONOTONIC, &t1);
			if ((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000 >
			    COLLECT_TIMEOUT_MS)
				break;
			sk_probe_wait(probe, 100);
			continue;
		}
		struct sk_evt e;
		int r = sk_evt_parse(&e, evt, len, errbuf, sizeof(errbuf));

		if (r != 0)
			fail_msg("probe event does not parse: %s", errbuf);
		/*
		 * Follow descendants: the parent side of a clone names the child,
		 * the child side (which may come first) names its parent.
		 */
		if ((e.hdr->type == SK_EVT_CLONE_X || e.hdr->type == SK_EVT_FORK_X ||
		     e.hdr->type == SK_EVT_VFORK_X || e.hdr->type == SK_EVT_CLONE3_X)) {
			int64_t res = -1, ptid;

			if (sk_evt_get_s64(&e, 0, &res) && res > 0 && tracked(c, e.hdr->tid))
				track(c, (pid_t)res);
			if (res == 0 && sk_evt_get_s64(&e, 5, &ptid) && tracked(c, (uint64_t)ptid))
				track(c, (pid_t)e.hdr->tid);
		}
		if (!tracked(c, e.hdr->tid))
			continue;
		if (e.hdr->type == SK_EVT_PROCEXIT_E && e.hdr->tid == (uint64_t)root)
			done = true;
		if (c->n == c->cap) {
			c->cap = c->cap ? c->cap * 2 : 256;
			c->ev = realloc(c->ev, c->cap * sizeof(*c->ev));
			assert_non_null(c->ev);
		}
		struct captured *k = &c->ev[c->n++];

		k->buf = malloc(len);
		assert_non_null(k->buf);
		memcpy(k->buf, evt, len);
		k->len = len;
		assert_int_equal(sk_evt_parse(&k->e, k->buf, len, errbuf, sizeof(errbuf)), 0);
		assert_true(c->n < CAP_EVENTS);
	}
}

/* Fork a child running fn, wait for it, collect its events. Returns the child's pid. */
static pid_t run_child(struct capture *c, void (*fn)(void))
{
	pid_t pid;
	int status;

	memset(c, 0, sizeof(*c));
	memset(sh, 0, sizeof(*sh));
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		fn();
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	collect(c, pid);
	return pid;
}

/* The n-th (0-based) event of type from thread tid (0 = any tracked thread). */
static const struct sk_evt *find(const struct capture *c, uint16_t type, pid_t tid, int n)
{
	for (size_t i = 0; i < c->n; i++) {
		const struct sk_evt *e = &c->ev[i].e;

		if (e->hdr->type == type && (tid == 0 || e->hdr->tid == (uint64_t)tid) && n-- == 0)
			return e;
	}
	return NULL;
}

/* The first event of type whose string parameter pname equals value. */
static const struct sk_evt *find_str(const struct capture *c, uint16_t type, const char *pname,
				     const char *value)
{
	for (size_t i = 0; i < c->n; i++) {
		const struct sk_evt *e = &c->ev[i].e;
		int idx;
		const char *s;

		if (e->hdr->type != type)
			continue;
		idx = sk_evt_param_index(e, pname);
		s = idx >= 0 ? sk_evt_get_str(e, (unsigned)idx) : NULL;
		if (s && strcmp(s, value) == 0)
			return e;
	}
	return NULL;
}

static const struct sk_evt *must_find(const struct capture *c, uint16_t type, pid_t tid)
{
	const struct sk_evt *e = find(c, type, tid, 0);

	if (!e) {
		for (size_t i = 0; i < c->n; i++)
			fprintf(stderr, "  captured: %s(%u) tid %llu\n", c->ev[i].e.info->name,
				c->ev[i].e.hdr->type, (unsigned long long)c->ev[i].e.hdr->tid);
		fail_msg("no event of type %u for tid %d among %zu events", type, tid, c->n);
	}
	return e;
}

static const struct sk_evt *must_find_str(const struct capture *c, uint16_t type, const char *p,
					  const char *v)
{
	const struct sk_evt *e = find_str(c, type, p, v);

	if (!e)
		fail_msg("no event of type %u with %s=%s among %zu events", type, p, v, c->n);
	return e;
}

static unsigned pidx(const struct sk_evt *e, const char *name)
{
	int i = sk_evt_param_index(e, name);

	if (i < 0)
		fail_msg("event %s has no parameter %s", e->info->name, name);
	return (unsigned)i;
}

static int64_t s64(const struct sk_evt *e, const char *name)
{
	int64_t v = 0;

	if (!sk_evt_get_s64(e, pidx(e, name), &v))
		fail_msg("%s.%s is not an 8-byte value (len %u)", e->info->name, name,
			 e->param_len[pidx(e, name)]);
	return v;
}

static uint64_t u64(const struct sk_evt *e, const char *name)
{
	return (uint64_t)s64(e, name);
}

static uint32_t u32(const struct sk_evt *e, const char *name)
{
	uint32_t v = 0;

	if (!sk_evt_get_u32(e, pidx(e, name), &v))
		fail_msg("%s.%s is not a 4-byte value", e->info->name, name);
	return v;
}

static uint16_t u16(const struct sk_evt *e, const char *name)
{
	unsigned i = pidx(e, name);
	uint16_t v;

	assert_int_equal(e->param_len[i], 2);
	memcpy(&v, e->param[i], 2);
	return v;
}

static uint8_t u8(const struct sk_evt *e, const char *name)
{
	unsigned i = pidx(e, name);

	assert_int_equal(e->param_len[i], 1);
	return e->param[i][0];
}

static const char *str(const struct sk_evt *e, const char *name)
{
	const char *s = sk_evt_get_str(e, pidx(e, name));

	if (!s)
		fail_msg("%s.%s is not a string", e->info->name, name);
	return s;
}

static void raw(const struct sk_evt *e, const char *name, const uint8_t **p, uint32_t *len)
{
	unsigned i = pidx(e, name);

	*p = e->param[i];
	*len = e->param_len[i];
}

/* Every parameter the table lists is present. */
static void assert_complete(const struct sk_evt *e)
{
	assert_int_equal(e->hdr->nparams, e->info->nparams);
}

/* This process's comm (the name children inherit until they exec). */
static const char *my_comm(void)
{
	static char comm[32];
	FILE *f = fopen("/proc/self/comm", "r");

	assert_non_null(f);
	assert_non_null(fgets(comm, sizeof(comm), f));
	fclose(f);
	comm[strcspn(comm, "\n")] = '\0';
	return comm;
}

static void tmp_path(char *out, size_t cap, const char *name)
{
	snprintf(out, cap, "%s/%s", tmpdir, name);
}

static void record_fstat(int slot, int fd)
{
	struct stat st;

	if (fstat(fd, &st) == 0) {
		sh->dev[slot] = st.st_dev;
		sh->ino[slot] = st.st_ino;
	}
}

/* ---- files ---- */

static void child_open_family(void)
{
	struct open_how how = {.flags = O_RDONLY | O_CLOEXEC, .resolve = RESOLVE_NO_SYMLINKS};
	char p[256];

	tmp_path(p, sizeof(p), "created");
	sh->fd[0] = openat(AT_FDCWD, p, O_RDONLY | O_CREAT | O_CLOEXEC, 0640);
	record_fstat(0, sh->fd[0]);
	close(sh->fd[0]);
	sh->fd[1] = (int)syscall(SYS_open, p, O_WRONLY | O_TRUNC);
	record_fstat(1, sh->fd[1]);
	close(sh->fd[1]);
	tmp_path(p, sizeof(p), "creat");
	sh->fd[2] = creat(p, 0600);
	record_fstat(2, sh->fd[2]);
	sh->fd[3] = (int)syscall(SYS_openat2, AT_FDCWD, p, &how, sizeof(how));
	record_fstat(3, sh->fd[3]);
	sh->fd[4] = open(tmpdir, O_RDONLY | O_DIRECTORY);
	/* relative name with a real dirfd */
	sh->fd[5] = openat(sh->fd[4], "created", O_RDWR | O_NONBLOCK);
	/* a failure: fd = -errno, dev/ino 0 */
	sh->fd[6] = openat(AT_FDCWD, "/nonexistent/saker", O_RDONLY);
	/* an unreadable name: an empty name parameter, the other parameters in place */
	sh->fd[7] = (int)syscall(SYS_openat, AT_FDCWD, NULL, O_WRONLY | O_CREAT, 0600);
}

static void test_open_family(void **state)
{
	struct capture c;
	const struct sk_evt *e;
	char p[256];

	(void)state;
	NEED_PROBE();
	run_child(&c, child_open_family);
	tmp_path(p, sizeof(p), "created");

	e = must_find_str(&c, SK_EVT_OPENAT_X, "name", p);
	assert_complete(e);
	assert_int_equal(s64(e, "fd"), sh->fd[0]);
	assert_int_equal(s64(e, "dirfd"), AT_FDCWD);
	assert_int_equal(u32(e, "flags"), PPM_O_RDONLY | PPM_O_CREAT | PPM_O_CLOEXEC | PPM_O_F_CREATED);
	assert_int_equal(u32(e, "mode"), 0640);
	assert_int_equal(u32(e, "dev"), (uint32_t)sh->dev[0]);
	assert_int_equal(u64(e, "ino"), sh->ino[0]);

	e = must_find_str(&c, SK_EVT_OPEN_X, "name", p);
	assert_complete(e);
	assert_int_equal(s64(e, "fd"), sh->fd[1]);
	assert_int_equal(u32(e, "flags"), PPM_O_WRONLY | PPM_O_TRUNC); /* existed: no O_F_CREATED */
	assert_int_equal(u32(e, "mode"), 0);                           /* no O_CREAT: mode unused */
	assert_int_equal(u64(e, "ino"), sh->ino[1]);

	tmp_path(p, sizeof(p), "creat");
	e = must_find_str(&c, SK_EVT_CREAT_X, "name", p);
	assert_complete(e);
	assert_int_equal(s64(e, "fd"), sh->fd[2]);
	assert_int_equal(u32(e, "mode"), 0600);
	assert_int_equal(u32(e, "dev"), (uint32_t)sh->dev[2]);
	assert_int_equal(u64(e, "ino"), sh->ino[2]);

	e = must_find_str(&c, SK_EVT_OPENAT2_X, "name", p);
	assert_complete(e);
	assert_int_equal(s64(e, "fd"), sh->fd[3]);
	assert_int_equal(s64(e, "dirfd"), AT_FDCWD);
	assert_int_equal(u32(e, "flags"), PPM_O_RDONLY | PPM_O_CLOEXEC);
	assert_int_equal(u32(e, "resolve"), 0x8); /* PPM RESOLVE_NO_SYMLINKS */
	assert_int_equal(u64(e, "ino"), sh->ino[3]);

	e = must_find_str(&c, SK_EVT_OPENAT_X, "name", tmpdir);
	assert_int_equal(u32(e, "flags"), PPM_O_RDONLY | PPM_O_DIRECTORY);
	e = must_find_str(&c, SK_EVT_OPENAT_X, "name", "created");
	assert_int_equal(s64(e, "dirfd"), sh->fd[4]);
	assert_int_equal(s64(e, "fd"), sh->fd[5]);
	assert_int_equal(u32(e, "flags"), PPM_O_RDWR | PPM_O_NONBLOCK);

	e = must_find_str(&c, SK_EVT_OPENAT_X, "name", "/nonexistent/saker");
	assert_int_equal(s64(e, "fd"), -ENOENT);
	assert_int_equal(u32(e, "dev"), 0);
	assert_int_equal(u64(e, "ino"), 0);

	for (int i = 0; (e = find(&c, SK_EVT_OPENAT_X, 0, i)); i++)
		if (s64(e, "fd") == -EFAULT)
			break;
	assert_non_null(e);
	assert_int_equal(sh->fd[7], -1);
	assert_complete(e);
	assert_int_equal(e->param_len[pidx(e, "name")], 0);
	assert_int_equal(s64(e, "dirfd"), AT_FDCWD);
	assert_int_equal(u32(e, "flags"), PPM_O_WRONLY | PPM_O_CREAT);
	assert_int_equal(u32(e, "mode"), 0600);
	assert_int_equal(u64(e, "ino"), 0);

	/* close carries the closed fd */
	e = NULL;
	for (int i = 0; (e = find(&c, SK_EVT_CLOSE_X, 0, i)); i++)
		if (s64(e, "fd") == sh->fd[0])
			break;
	assert_non_null(e);
	assert_int_equal(s64(e, "res"), 0);
	capture_free(&c);
}

static void child_fs_ops(void)
{
	char a[256], b[256];
	int dfd;

	tmp_path(a, sizeof(a), "dir");
	mkdir(a, 0750);
	dfd = open(tmpdir, O_RDONLY | O_DIRECTORY);
	sh->fd[0] = dfd;
	mkdirat(dfd, "dir2", 0700);
	tmp_path(a, sizeof(a), "file");
	close(creat(a, 0644));
	tmp_path(b, sizeof(b), "file.renamed");
	rename(a, b);
	renameat2(dfd, "file.renamed", dfd, "file", 1 /* RENAME_NOREPLACE */);
	tmp_path(b, sizeof(b), "hard");
	link(a, b);
	linkat(dfd, "file", dfd, "hard2", 0);
	tmp_path(b, sizeof(b), "soft");
	symlink("/etc/shadow", b);
	symlinkat("/etc/passwd", dfd, "soft2");
	chmod(a, 0600);
	fchmodat(dfd, "file", 0640, 0);
	sh->fd[1] = open(a, O_RDONLY);
	fchmod(sh->fd[1], 0444);
	chown(a, 1, 2);
	fchownat(dfd, "file", 3, 4, AT_SYMLINK_NOFOLLOW);
	fchown(sh->fd[1], 5, 6);
	lchown(b, 7, 8);
	unlink(b);
	unlinkat(dfd, "soft2", 0);
	tmp_path(b, sizeof(b), "dir");
	rmdir(b);
	unlinkat(dfd, "dir2", AT_REMOVEDIR);
	chdir(tmpdir);
	fchdir(dfd);
}

static void test_fs_ops(void **state)
{
	struct capture c;
	const struct sk_evt *e;
	char a[256], b[256];

	(void)state;
	NEED_PROBE();
	run_child(&c, child_fs_ops);
	tmp_path(a, sizeof(a), "dir");
	e = must_find_str(&c, SK_EVT_MKDIR_X, "path", a);
	assert_int_equal(s64(e, "res"), 0);
	assert_int_equal(u32(e, "mode"), 0750);
	e = must_find_str(&c, SK_EVT_MKDIRAT_X, "path", "dir2");
	assert_int_equal(s64(e, "dirfd"), sh->fd[0]);
	assert_int_equal(u32(e, "mode"), 0700);

	tmp_path(a, sizeof(a), "file");
	tmp_path(b, sizeof(b), "file.renamed");
	e = must_find_str(&c, SK_EVT_RENAME_X, "oldpath", a);
	assert_string_equal(str(e, "newpath"), b);
	assert_int_equal(s64(e, "res"), 0);
	e = must_find_str(&c, SK_EVT_RENAMEAT2_X, "oldpath", "file.renamed");
	assert_int_equal(s64(e, "olddirfd"), sh->fd[0]);
	assert_int_equal(s64(e, "newdirfd"), sh->fd[0]);
	assert_string_equal(str(e, "newpath"), "file");
	assert_int_equal(u32(e, "flags"), 1);

	tmp_path(b, sizeof(b), "hard");
	e = must_find_str(&c, SK_EVT_LINK_X, "oldpath", a);
	assert_string_equal(str(e, "newpath"), b);
	e = must_find_str(&c, SK_EVT_LINKAT_X, "newpath", "hard2");
	assert_int_equal(s64(e, "olddir"), sh->fd[0]);
	assert_string_equal(str(e, "oldpath"), "file");

	tmp_path(b, sizeof(b), "soft");
	e = must_find_str(&c, SK_EVT_SYMLINK_X, "target", "/etc/shadow");
	assert_string_equal(str(e, "linkpath"), b);
	e = must_find_str(&c, SK_EVT_SYMLINKAT_X, "target", "/etc/passwd");
	assert_int_equal(s64(e, "linkdirfd"), sh->fd[0]);
	assert_string_equal(str(e, "linkpath"), "soft2");

	e = must_find_str(&c, SK_EVT_CHMOD_X, "filename", a);
	assert_int_equal(u32(e, "mode"), 0600);
	e = must_find_str(&c, SK_EVT_FCHMODAT_X, "filename", "file");
	assert_int_equal(u32(e, "mode"), 0640);
	e = must_find(&c, SK_EVT_FCHMOD_X, 0);
	assert_int_equal(s64(e, "fd"), sh->fd[1]);
	assert_int_equal(u32(e, "mode"), 0444);

	e = must_find_str(&c, SK_EVT_CHOWN_X, "path", a);
	assert_int_equal(u32(e, "uid"), 1);
	assert_int_equal(u32(e, "gid"), 2);
	e = must_find_str(&c, SK_EVT_FCHOWNAT_X, "pathname", "file");
	assert_int_equal(u32(e, "uid"), 3);
	assert_int_equal(u32(e, "flags"), 0x400); /* PPM AT_SYMLINK_NOFOLLOW */
	e = must_find(&c, SK_EVT_FCHOWN_X, 0);
	assert_int_equal(u32(e, "uid"), 5);
	e = must_find_str(&c, SK_EVT_LCHOWN_X, "path", b);
	assert_int_equal(u32(e, "gid"), 8);

	e = must_find_str(&c, SK_EVT_UNLINK_X, "path", b);
	assert_int_equal(s64(e, "res"), 0);
	e = must_find_str(&c, SK_EVT_UNLINKAT_X, "name", "soft2");
	assert_int_equal(u32(e, "flags"), 0);
	e = must_find_str(&c, SK_EVT_UNLINKAT_X, "name", "dir2");
	assert_int_equal(u32(e, "flags"), 0x200);
	tmp_path(a, sizeof(a), "dir");
	e = must_find_str(&c, SK_EVT_RMDIR_X, "path", a);
	assert_int_equal(s64(e, "res"), 0);
	e = must_find_str(&c, SK_EVT_CHDIR_X, "path", tmpdir);
	assert_int_equal(s64(e, "res"), 0);
	e = must_find(&c, SK_EVT_FCHDIR_X, 0);
	assert_int_equal(s64(e, "fd"), sh->fd[0]);
	capture_free(&c);
}

/* ---- network ---- */

static void child_tcp(void)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t sl = sizeof(sa);
	int l, cl, srv;
	char buf[16];

	l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	sh->fd[0] = l;
	bind(l, (struct sockaddr *)&sa, sizeof(sa));
	listen(l, 7);
	getsockname(l, (struct sockaddr *)&sa, &sl);
	sh->port[0] = ntohs(sa.sin_port);
	cl = socket(AF_INET, SOCK_STREAM, 0);
	sh->fd[1] = cl;
	connect(cl, (struct sockaddr *)&sa, sizeof(sa));
	getsockname(cl, (struct sockaddr *)&sa, &sl);
	sh->port[1] = ntohs(sa.sin_port);
	srv = accept4(l, NULL, NULL, SOCK_NONBLOCK);
	sh->fd[2] = srv;
	sendto(cl, "hello", 5, 0, NULL, 0);
	recvfrom(srv, buf, sizeof(buf), 0, NULL, NULL);
}

/* An IPv4 tuple; the source address may be 0.0.0.0 for an unbound sender (any_src). */
static void assert_tuple4_src(const struct sk_evt *e, const char *name, int sport, int dport,
			      bool any_src)
{
	const uint8_t *p;
	uint32_t len;
	uint16_t port;
	const uint8_t lo[4] = {127, 0, 0, 1}, any[4] = {0, 0, 0, 0};

	raw(e, name, &p, &len);
	assert_int_equal(len, 13);
	assert_int_equal(p[0], 2);
	assert_memory_equal(&p[1], any_src ? any : lo, 4);
	memcpy(&port, &p[5], 2);
	assert_int_equal(port, sport);
	assert_memory_equal(&p[7], lo, 4);
	memcpy(&port, &p[11], 2);
	assert_int_equal(port, dport);
}

static void assert_tuple4(const struct sk_evt *e, const char *name, int sport, int dport)
{
	assert_tuple4_src(e, name, sport, dport, false);
}

static void test_tcp(void **state)
{
	struct capture c;
	const struct sk_evt *e;
	const uint8_t *p;
	uint32_t len;
	uint16_t port;

	(void)state;
	NEED_PROBE();
	run_child(&c, child_tcp);

	e = must_find(&c, SK_EVT_SOCKET_X, 0);
	assert_complete(e);
	assert_int_equal(s64(e, "fd"), sh->fd[0]);
	assert_int_equal(u32(e, "domain"), AF_INET);
	assert_int_equal(u32(e, "type"), SOCK_STREAM | SOCK_CLOEXEC);
	assert_int_equal(u32(e, "flags"), PPM_O_CLOEXEC);

	e = must_find(&c, SK_EVT_BIND_X, 0);
	assert_complete(e);
	assert_int_equal(s64(e, "res"), 0);
	assert_int_equal(s64(e, "fd"), sh->fd[0]);
	raw(e, "addr", &p, &len);
	assert_int_equal(len, 7);
	assert_int_equal(p[0], 2);
	assert_int_equal(p[1], 127);
	memcpy(&port, &p[5], 2);
	assert_int_equal(port, 0); /* bound to port 0: the kernel picks one */

	e = must_find(&c, SK_EVT_LISTEN_X, 0);
	assert_int_equal(s64(e, "fd"), sh->fd[0]);
	assert_int_equal(u32(e, "backlog"), 7);

	e = must_find(&c, SK_EVT_CONNECT_X, 0);
	assert_complete(e);
	assert_int_equal(s64(e, "res"), 0);
	assert_int_equal(s64(e, "fd"), sh->fd[1]);
	assert_tuple4(e, "tuple", sh->port[1], sh->port[0]);
	raw(e, "addr", &p, &len);
	assert_int_equal(len, 7);
	memcpy(&port, &p[5], 2);
	assert_int_equal(port, sh->port[0]);

	e = must_find(&c, SK_EVT_ACCEPT4_X, 0);
	assert_complete(e);
	assert_int_equal(s64(e, "fd"), sh->fd[2]);
	assert_tuple4(e, "tuple", sh->port[1], sh->port[0]); /* client -> server */
	assert_int_equal(u32(e, "queuemax"), 7);
	assert_int_equal(u32(e, "flags"), SOCK_NONBLOCK);

	e = must_find(&c, SK_EVT_SENDTO_X, 0);
	assert_int_equal(s64(e, "res"), 5);
	raw(e, "data", &p, &len);
	assert_int_equal(len, 5);
	assert_memory_equal(p, "hello", 5);
	assert_int_equal(u32(e, "size"), 5);
	assert_tuple4(e, "tuple", sh->port[1], sh->port[0]);

	e = must_find(&c, SK_EVT_RECVFROM_X, 0);
	assert_int_equal(s64(e, "res"), 5);
	raw(e, "data", &p, &len);
	assert_memory_equal(p, "hello", 5);
	assert_tuple4(e, "tuple", sh->port[1], sh->port[0]); /* sender -> local */
	capture_free(&c);
}

static void child_udp_msg(void)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t sl = sizeof(sa);
	char buf[32] = "ping";
	struct iovec iov = {.iov_base = buf, .iov_len = 4};
	struct msghdr m = {.msg_name = &sa, .msg_namelen = sizeof(sa), .msg_iov = &iov, .msg_iovlen = 1};
	int r = socket(AF_INET, SOCK_DGRAM, 0), s = socket(AF_INET, SOCK_DGRAM, 0);

	bind(r, (struct sockaddr *)&sa, sizeof(sa));
	getsockname(r, (struct sockaddr *)&sa, &sl);
	sh->port[0] = ntohs(sa.sin_port);
	sh->fd[0] = s;
	sh->fd[1] = r;
	sendmsg(s, &m, 0);
	getsockname(s, (struct sockaddr *)&sa, &sl);
	sh->port[1] = ntohs(sa.sin_port);
	iov.iov_len = sizeof(buf);
	m.msg_namelen = sizeof(sa);
	recvmsg(r, &m, 0);
}

static void test_udp_msg(void **state)
{
	struct capture c;
	const struct sk_evt *e;
	const uint8_t *p;
	uint32_t len;

	(void)state;
	NEED_PROBE();
	run_child(&c, child_udp_msg);
	e = must_find(&c, SK_EVT_SENDMSG_X, 0);
	assert_complete(e);
	assert_int_equal(s64(e, "res"), 4);
	assert_int_equal(s64(e, "fd"), sh->fd[0]);
	assert_int_equal(u32(e, "size"), 4);
	raw(e, "data", &p, &len);
	assert_int_equal(len, 4);
	assert_memory_equal(p, "ping", 4);
	/* unconnected, unbound sender: its local address is INADDR_ANY */
	assert_tuple4_src(e, "tuple", sh->port[1], sh->port[0], true);
	e = must_find(&c, SK_EVT_RECVMSG_X, 0);
	assert_complete(e);
	assert_int_equal(s64(e, "res"), 4);
	assert_int_equal(s64(e, "fd"), sh->fd[1]);
	assert_int_equal(u32(e, "size"), 32);
	assert_tuple4(e, "tuple", sh->port[1], sh->port[0]);
	capture_free(&c);
}

/* ---- fds ---- */

static void child_fds(void)
{
	int p[2];

	syscall(SYS_pipe, p); /* glibc's pipe() is pipe2(p, 0) */
	sh->fd[0] = p[0];
	sh->fd[1] = p[1];
	record_fstat(0, p[0]);
	pipe2(p, O_CLOEXEC | O_NONBLOCK);
	sh->fd[2] = p[0];
	sh->fd[3] = eventfd(7, EFD_CLOEXEC);
	sh->fd[4] = dup(sh->fd[0]);
	sh->fd[5] = dup2(sh->fd[0], 40);
	sh->fd[6] = dup3(sh->fd[0], 41, O_CLOEXEC);
	sh->fd[7] = fcntl(sh->fd[0], F_DUPFD_CLOEXEC, 50);
	inotify_init1(IN_NONBLOCK);
	{
		sigset_t m;

		sigemptyset(&m);
		sigaddset(&m, SIGUSR1);
		signalfd(-1, &m, SFD_CLOEXEC);
	}
}

static void test_fds(void **state)
{
	struct capture c;
	const struct sk_evt *e;

	(void)state;
	NEED_PROBE();
	run_child(&c, child_fds);
	e = must_find(&c, SK_EVT_PIPE_X, 0);
	assert_complete(e);
	assert_int_equal(s64(e, "res"), 0);
	assert_int_equal(s64(e, "fd1"), sh->fd[0]);
	assert_int_equal(s64(e, "fd2"), sh->fd[1]);
	assert_int_equal(u64(e, "ino"), sh->ino[0]);
	e = must_find(&c, SK_EVT_PIPE2_X, 0);
	assert_int_equal(s64(e, "fd1"), sh->fd[2]);
	assert_int_equal(u32(e, "flags"), PPM_O_CLOEXEC | PPM_O_NONBLOCK);
	e = must_find(&c, SK_EVT_EVENTFD2_X, 0);
	assert_int_equal(s64(e, "res"), sh->fd[3]);
	assert_int_equal(u64(e, "initval"), 7);
	assert_int_equal(u16(e, "flags"), PPM_O_CLOEXEC);
	e = must_find(&c, SK_EVT_DUP_X, 0);
	assert_int_equal(s64(e, "res"), sh->fd[4]);
	assert_int_equal(s64(e, "oldfd"), sh->fd[0]);
	e = must_find(&c, SK_EVT_DUP2_X, 0);
	assert_int_equal(s64(e, "res"), 40);
	assert_int_equal(s64(e, "newfd"), 40);
	e = must_find(&c, SK_EVT_DUP3_X, 0);
	assert_int_equal(s64(e, "res"), 41);
	assert_int_equal(u32(e, "flags"), PPM_O_CLOEXEC);
	e = must_find(&c, SK_EVT_FCNTL_X, 0);
	assert_int_equal(s64(e, "res"), sh->fd[7]);
	assert_int_equal(u8(e, "cmd"), 0x1a); /* PPM F_DUPFD_CLOEXEC */
	assert_int_equal(u64(e, "arg"), 50);
	e = must_find(&c, SK_EVT_INOTIFY_INIT1_X, 0);
	assert_true(s64(e, "res") >= 0);
	assert_int_equal(u16(e, "flags"), PPM_O_NONBLOCK);
	e = must_find(&c, SK_EVT_SIGNALFD4_X, 0);
	assert_true(s64(e, "res") >= 0);
	assert_int_equal(s64(e, "fd"), -1);
	assert_int_equal(u16(e, "flags"), PPM_O_CLOEXEC);
	assert_int_equal(u32(e, "mask"), 1u << (SIGUSR1 - 1));
	capture_free(&c);
}

/* ---- processes ---- */

static void child_exec(void)
{
	if (chdir(tmpdir) == 0)
		execl("/bin/sh", "sh", "-c", "exit 0", (char *)NULL);
	_exit(1);
}

static void test_execve(void **state)
{
	struct capture c;
	const struct sk_evt *e;
	const uint8_t *p;
	uint32_t len;
	pid_t pid;
	struct stat st;

	(void)state;
	NEED_PROBE();
	pid = run_child(&c, child_exec);
	e = must_find(&c, SK_EVT_EXECVE_X, pid);
	assert_complete(e);
	assert_int_equal(s64(e, "res"), 0);
	assert_string_equal(str(e, "exe"), "sh");
	raw(e, "args", &p, &len);
	assert_int_equal(len, sizeof("-c\0exit 0"));
	assert_memory_equal(p, "-c\0exit 0", len);
	assert_int_equal(s64(e, "tid"), pid);
	assert_int_equal(s64(e, "pid"), pid);
	assert_int_equal(s64(e, "ptid"), getpid());
	assert_string_equal(str(e, "cwd"), tmpdir);
	assert_string_equal(str(e, "comm"), "sh");
	assert_string_equal(str(e, "filename"), "/bin/sh");
	assert_int_equal(stat("/bin/sh", &st), 0);
	assert_int_equal(u64(e, "exe_ino"), st.st_ino);
	assert_int_equal(u64(e, "exe_ino_mtime"),
			 (uint64_t)st.st_mtim.tv_sec * 1000000000ull + (uint64_t)st.st_mtim.tv_nsec);
	{
		char real[256];

		assert_non_null(realpath("/bin/sh", real));
		assert_string_equal(str(e, "trusted_exepath"), real);
	}
	assert_int_equal(u32(e, "uid"), geteuid());
	assert_int_equal(u32(e, "gid"), getegid());
	assert_int_equal(s64(e, "pgid"), getpgrp());
	assert_true(s64(e, "fdlimit") > 0);
	raw(e, "env", &p, &len);
	assert_true(len > 0);
	raw(e, "cgroups", &p, &len);
	assert_true(len > 0 && memchr(p, '=', len) != NULL);
	assert_int_equal(p[len - 1], 0);
	/* root runs it: caps are whatever the test has */
	assert_int_equal(u64(e, "cap_effective") != 0, geteuid() == 0);
	capture_free(&c);
}

static void child_exec_fail(void)
{
	execl("/nonexistent/saker-bin", "saker-bin", "a1", (char *)NULL);
}

static void test_execve_failure(void **state)
{
	struct capture c;
	const struct sk_evt *e;
	pid_t pid;

	(void)state;
	NEED_PROBE();
	pid = run_child(&c, child_exec_fail);
	e = must_find(&c, SK_EVT_EXECVE_X, pid);
	assert_int_equal(s64(e, "res"), -ENOENT);
	assert_string_equal(str(e, "filename"), "/nonexistent/saker-bin");
	assert_string_equal(str(e, "comm"), my_comm()); /* still the old image */
	capture_free(&c);
}

static void child_fork(void)
{
	pid_t g = fork();

	if (g == 0)
		_exit(5);
	sh->pid[0] = g;
	waitpid(g, NULL, 0);
	_exit(3);
}

static void test_clone_and_procexit(void **state)
{
	struct capture c;
	const struct sk_evt *e;
	pid_t pid;

	(void)state;
	NEED_PROBE();
	pid = run_child(&c, child_fork);
	/* the child's own birth: clone exit with res 0 in the child */
	e = must_find(&c, SK_EVT_CLONE_X, pid);
	assert_complete(e);
	assert_int_equal(s64(e, "res"), 0);
	assert_int_equal(s64(e, "tid"), pid);
	assert_int_equal(s64(e, "ptid"), getpid());
	/* its fork: parent side (res = grandchild) and child side (tid = grandchild) */
	e = find(&c, SK_EVT_CLONE_X, pid, 1);
	assert_non_null(e);
	assert_int_equal(s64(e, "res"), sh->pid[0]);
	e = must_find(&c, SK_EVT_CLONE_X, sh->pid[0]);
	assert_int_equal(s64(e, "res"), 0);
	assert_int_equal(s64(e, "tid"), sh->pid[0]);
	assert_int_equal(s64(e, "pid"), sh->pid[0]);
	assert_int_equal(s64(e, "ptid"), pid);
	assert_int_equal(s64(e, "vtid"), sh->pid[0]); /* same pid namespace */
	assert_int_equal(u32(e, "flags") & 0x800000, 0x800000); /* CLONE_CHILD_CLEARTID (glibc fork) */
	assert_string_equal(str(e, "comm"), my_comm());
	/* exits */
	e = must_find(&c, SK_EVT_PROCEXIT_E, sh->pid[0]);
	assert_complete(e);
	assert_int_equal(s64(e, "ret"), 5);
	assert_int_equal(s64(e, "status"), 5 << 8);
	assert_int_equal(u8(e, "sig"), 0);
	e = must_find(&c, SK_EVT_PROCEXIT_E, pid);
	assert_int_equal(s64(e, "ret"), 3);
	capture_free(&c);
}

static void child_killed(void)
{
	raise(SIGKILL);
}

static void test_procexit_signal(void **state)
{
	struct capture c;
	const struct sk_evt *e;
	pid_t pid;

	(void)state;
	NEED_PROBE();
	pid = run_child(&c, child_killed);
	e = must_find(&c, SK_EVT_PROCEXIT_E, pid);
	assert_int_equal(u8(e, "sig"), SIGKILL);
	assert_int_equal(u8(e, "core"), 0);
	e = must_find(&c, SK_EVT_TGKILL_X, pid);
	assert_int_equal(s64(e, "pid"), pid);
	assert_int_equal(u8(e, "sig"), SIGKILL);
	capture_free(&c);
}

/* ---- credentials, namespaces, mounts, modules, memory ---- */

static void child_privileged(void)
{
	char p[256];
	struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct d[2];

	setsid();
	setpgid(0, 0);
	setresgid(0, 0, 0);
	setresuid(0, 0, 0);
	setregid(0, 0);
	setreuid(0, 0);
	setgid(0);
	setuid(0);
	syscall(SYS_capget, &h, d);
	syscall(SYS_capset, &h, d);
	prctl(PR_SET_NAME, "saker-prctl");
	unshare(CLONE_NEWUTS);
	sh->fd[0] = open("/proc/self/ns/uts", O_RDONLY);
	setns(sh->fd[0], CLONE_NEWUTS);
	unshare(CLONE_NEWNS);
	mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
	tmp_path(p, sizeof(p), "mnt");
	mkdir(p, 0700);
	mount("saker-tmpfs", p, "tmpfs", MS_NOSUID | MS_NODEV, "size=1m");
	umount2(p, MNT_DETACH);
	syscall(SYS_init_module, "not an ELF", (unsigned long)10, "opt=1");
	syscall(SYS_finit_module, -1, "", 0);
	syscall(SYS_delete_module, "saker_no_such_module", O_NONBLOCK);
	syscall(SYS_bpf, BPF_PROG_LOAD, NULL, 0);
	{
		void *m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		sh->u64[0] = (uint64_t)m;
		mprotect(m, 4096, PROT_READ | PROT_EXEC);
	}
	sh->fd[1] = (int)syscall(SYS_memfd_create, "saker-memfd", 1 /* MFD_CLOEXEC */);
	syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	kill(getpid(), 0);
	syscall(SYS_tkill, getpid(), 0);
	{
		struct io_uring_params up;

		memset(&up, 0, sizeof(up));
		sh->fd[2] = (int)syscall(SYS_io_uring_setup, 4, &up);
		sh->u64[1] = up.sq_entries;
	}
	{
		pid_t t = fork();

		if (t == 0) {
			pause();
			_exit(0);
		}
		sh->pid[0] = t;
		ptrace(PTRACE_SEIZE, t, NULL, NULL);
		kill(t, SIGKILL);
		waitpid(t, NULL, 0);
	}
}

static void test_privileged(void **state)
{
	struct capture c;
	const struct sk_evt *e;
	char p[256];
	const uint8_t *raw_p;
	uint32_t len;

	(void)state;
	NEED_PROBE();
	if (geteuid() != 0)
		skip();
	assert_int_equal(sk_probe_set_interesting_name(probe, "mmap", true), 0);
	run_child(&c, child_privileged);
	sk_probe_set_interesting_name(probe, "mmap", false);
	e = must_find(&c, SK_EVT_SETSID_X, 0);
	assert_complete(e);
	e = must_find(&c, SK_EVT_SETPGID_X, 0);
	assert_int_equal(s64(e, "pid"), 0);
	e = must_find(&c, SK_EVT_SETRESUID_X, 0);
	assert_int_equal(s64(e, "res"), 0);
	assert_int_equal(u32(e, "euid"), 0);
	must_find(&c, SK_EVT_SETRESGID_X, 0);
	must_find(&c, SK_EVT_SETREUID_X, 0);
	must_find(&c, SK_EVT_SETREGID_X, 0);
	e = must_find(&c, SK_EVT_SETUID_X, 0);
	assert_int_equal(u32(e, "uid"), 0);
	must_find(&c, SK_EVT_SETGID_X, 0);
	e = must_find(&c, SK_EVT_CAPSET_X, 0);
	assert_int_equal(s64(e, "res"), 0);
	assert_true(u64(e, "cap_effective") != 0);
	e = must_find(&c, SK_EVT_PRCTL_X, 0);
	assert_int_equal(u32(e, "option"), PR_SET_NAME);
	assert_string_equal(str(e, "arg2_str"), "saker-prctl");
	e = must_find(&c, SK_EVT_UNSHARE_X, 0);
	assert_int_equal(u32(e, "flags"), 0x80); /* PPM CLONE_NEWUTS */
	e = must_find(&c, SK_EVT_SETNS_X, 0);
	assert_int_equal(s64(e, "fd"), sh->fd[0]);
	assert_int_equal(u32(e, "nstype"), 0x80);
	tmp_path(p, sizeof(p), "mnt");
	e = must_find_str(&c, SK_EVT_MOUNT_X, "dir", p);
	assert_int_equal(s64(e, "res"), 0);
	assert_string_equal(str(e, "dev"), "saker-tmpfs");
	assert_string_equal(str(e, "type"), "tmpfs");
	assert_int_equal(u32(e, "flags"), MS_NOSUID | MS_NODEV);
	e = must_find_str(&c, SK_EVT_UMOUNT2_X, "name", p);
	assert_int_equal(u32(e, "flags"), 2); /* DETACH */
	e = must_find(&c, SK_EVT_INIT_MODULE_X, 0);
	assert_true(s64(e, "res") < 0);
	assert_int_equal(u64(e, "length"), 10);
	assert_string_equal(str(e, "uargs"), "opt=1");
	raw(e, "img", &raw_p, &len);
	assert_int_equal(len, 10);
	assert_memory_equal(raw_p, "not an ELF", 10);
	e = must_find(&c, SK_EVT_FINIT_MODULE_X, 0);
	assert_true(s64(e, "res") < 0); /* EBADF, or ENOSYS without module support */
	assert_int_equal(s64(e, "fd"), -1);
	e = must_find_str(&c, SK_EVT_DELETE_MODULE_X, "name", "saker_no_such_module");
	assert_true(s64(e, "res") < 0);
	assert_int_equal(u32(e, "flags"), 0x2); /* PPM O_NONBLOCK */
	e = must_find(&c, SK_EVT_BPF_X, 0);
	assert_true(s64(e, "fd") < 0);
	assert_int_equal(u32(e, "cmd"), BPF_PROG_LOAD);
	e = NULL;
	for (int i = 0; (e = find(&c, SK_EVT_MMAP_X, 0, i)); i++)
		if (u64(e, "length") == 8192 && (uint64_t)s64(e, "res") == sh->u64[0])
			break;
	assert_non_null(e);
	assert_int_equal(u32(e, "prot"), 0x3);
	assert_int_equal(u32(e, "flags"), 0x2 | 0x8); /* PRIVATE|ANONYMOUS */
	e = NULL;
	for (int i = 0; (e = find(&c, SK_EVT_MPROTECT_X, 0, i)); i++)
		if (u64(e, "addr") == sh->u64[0])
			break;
	assert_non_null(e);
	assert_int_equal(u32(e, "prot"), 0x1 | 0x4);
	e = must_find_str(&c, SK_EVT_MEMFD_CREATE_X, "name", "saker-memfd");
	assert_int_equal(s64(e, "fd"), sh->fd[1]);
	assert_int_equal(u32(e, "flags"), 1);
	e = must_find(&c, SK_EVT_USERFAULTFD_X, 0);
	assert_int_equal(u32(e, "flags"), PPM_O_CLOEXEC | PPM_O_NONBLOCK);
	e = must_find(&c, SK_EVT_KILL_X, 0);
	assert_int_equal(u8(e, "sig"), 0);
	must_find(&c, SK_EVT_TKILL_X, 0);
	e = must_find(&c, SK_EVT_IO_URING_SETUP_X, 0);
	assert_int_equal(s64(e, "res"), sh->fd[2]);
	assert_int_equal(u32(e, "entries"), 4);
	assert_int_equal(u32(e, "sq_entries"), (uint32_t)sh->u64[1]);
	e = must_find(&c, SK_EVT_PTRACE_X, 0);
	assert_int_equal(s64(e, "res"), 0);
	assert_int_equal(u16(e, "request"), 0x14); /* PPM PTRACE_SEIZE */
	assert_int_equal(s64(e, "pid"), sh->pid[0]);
	capture_free(&c);
}


/* ---- more shapes: unix and IPv6 sockets, I/O data, exec/clone variants, truncation ---- */

static void child_unix(void)
{
	struct sockaddr_un su = {.sun_family = AF_UNIX};
	char p[108];
	int l, c;

	tmp_path(p, sizeof(p), "u.sock");
	memcpy(su.sun_path, p, strlen(p) + 1);
	l = socket(AF_UNIX, SOCK_STREAM, 0);
	bind(l, (struct sockaddr *)&su, sizeof(su));
	listen(l, 1);
	c = socket(AF_UNIX, SOCK_STREAM, 0);
	sh->fd[0] = c;
	connect(c, (struct sockaddr *)&su, sizeof(su));
	sh->fd[1] = accept(l, NULL, NULL);
	unlink(p);
}

static void test_unix_socket(void **state)
{
	struct capture c;
	const struct sk_evt *e;
	const uint8_t *p;
	uint32_t len;
	uint64_t src, dst;
	char path[108];

	(void)state;
	NEED_PROBE();
	run_child(&c, child_unix);
	tmp_path(path, sizeof(path), "u.sock");
	e = must_find(&c, SK_EVT_CONNECT_X, 0);
	assert_int_equal(s64(e, "res"), 0);
	raw(e, "addr", &p, &len);
	assert_int_equal(p[0], 1);
	assert_int_equal(len, 1 + strlen(path) + 1);
	assert_string_equal((const char *)p + 1, path);
	raw(e, "tuple", &p, &len);
	assert_int_equal(p[0], 1);
	assert_int_equal(len, 17 + strlen(path) + 1);
	memcpy(&src, p + 1, 8);
	memcpy(&dst, p + 9, 8);
	assert_true(src != 0 && dst != 0 && src != dst);
	assert_string_equal((const char *)p + 17, path);
	e = must_find(&c, SK_EVT_ACCEPT_X_247, 0);
	assert_int_equal(s64(e, "fd"), sh->fd[1]);
	raw(e, "tuple", &p, &len);
	assert_int_equal(p[0], 1);
	capture_free(&c);
}

static void child_ipv6(void)
{
	struct sockaddr_in6 sa = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT};
	socklen_t sl = sizeof(sa);
	int l = socket(AF_INET6, SOCK_STREAM, 0), c;

	bind(l, (struct sockaddr *)&sa, sizeof(sa));
	listen(l, 1);
	getsockname(l, (struct sockaddr *)&sa, &sl);
	sh->port[0] = ntohs(sa.sin6_port);
	c = socket(AF_INET6, SOCK_STREAM, 0);
	connect(c, (struct sockaddr *)&sa, sizeof(sa));
	getsockname(c, (struct sockaddr *)&sa, &sl);
	sh->port[1] = ntohs(sa.sin6_port);
}

static void test_ipv6(void **state)
{
	struct capture c;
	const struct sk_evt *e;
	const uint8_t *p;
	uint32_t len;
	uint16_t port;
	const uint8_t lo6[16] = {[15] = 1};

	(void)state;
	NEED_PROBE();
	run_child(&c, child_ipv6);
	e = must_find(&c, SK_EVT_CONNECT_X, 0);
	if (s64(e, "res") != 0)
		skip(); /* no IPv6 loopback here */
	raw(e, "tuple", &p, &len);
	assert_int_equal(len, 37);
	assert_int_equal(p[0], 10);
	assert_memory_equal(p + 1, lo6, 16);
	memcpy(&port, p + 17, 2);
	assert_int_equal(port, sh->port[1]);
	assert_memory_equal(p + 19, lo6, 16);
	memcpy(&port, p + 35, 2);
	assert_int_equal(port, sh->port[0]);
	raw(e, "addr", &p, &len);
	assert_int_equal(len, 19);
	memcpy(&port, p + 17, 2);
	assert_int_equal(port, sh->port[0]);
	capture_free(&c);
}

static void child_sockopt(void)
{
	int s = socket(AF_INET, SOCK_STREAM, 0), one = 1, v = 0;
	struct timeval tv = {.tv_sec = 2, .tv_usec = 500000};
	socklen_t len = sizeof(v);

	sh->fd[0] = s;
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	setsockopt(-1, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
	getsockopt(s, SOL_SOCKET, SO_TYPE, &v, &len);
	len = sizeof(v);
	getsockopt(s, SOL_SOCKET, SO_ERROR, &v, &len);
}

/* The n-th event of type whose optname parameter is optname. */
static const struct sk_evt *find_opt(const struct capture *c, uint16_t type, uint8_t level,
				     uint8_t optname, int64_t res)
{
	for (int i = 0;; i++) {
		const struct sk_evt *e = find(c, type, 0, i);

		if (!e)
			fail_msg("no event %u with level %u optname %u res %lld", type, level, optname,
				 (long long)res);
		if (u8(e, "level") == level && u8(e, "optname") == optname && s64(e, "res") == res)
			return e;
	}
}

/* setsockopt/getsockopt: PPM level and option, the value typed as libs types it. */
static void test_sockopt(void **state)
{
	struct capture c;
	const struct sk_evt *e;
	const uint8_t *p;
	uint32_t len, u32v;
	uint64_t u64v;
	const uint8_t one[4] = {1, 0, 0, 0};

	(void)state;
	NEED_PROBE();
	run_child(&c, child_sockopt);
	/* SO_REUSEADDR (2): an int, UINT32 */
	e = find_opt(&c, SK_EVT_SETSOCKOPT_X, 1, 2, 0);
	assert_complete(e);
	assert_int_equal(s64(e, "fd"), sh->fd[0]);
	assert_int_equal(u32(e, "optlen"), 4);
	raw(e, "val", &p, &len);
	assert_int_equal(len, 5);
	assert_int_equal(p[0], 2);
	memcpy(&u32v, p + 1, 4);
	assert_int_equal(u32v, 1);
	/* SO_RCVTIMEO (0x14): struct timeval as RELTIME ns */
	e = find_opt(&c, SK_EVT_SETSOCKOPT_X, 1, 0x14, 0);
	raw(e, "val", &p, &len);
	assert_int_equal(len, 9);
	assert_int_equal(p[0], 4);
	memcpy(&u64v, p + 1, 8);
	assert_int_equal(u64v, 2500000000ull);
	/* TCP_NODELAY: level SOL_TCP (2), option UNKNOWN, the raw bytes */
	e = find_opt(&c, SK_EVT_SETSOCKOPT_X, 2, 0, 0);
	raw(e, "val", &p, &len);
	assert_int_equal(len, 5);
	assert_int_equal(p[0], 0);
	assert_memory_equal(p + 1, one, 4);
	/* a failure still shows what was asked (SO_KEEPALIVE 9 on fd -1) */
	e = find_opt(&c, SK_EVT_SETSOCKOPT_X, 1, 9, -EBADF);
	assert_int_equal(s64(e, "fd"), -1);
	/* getsockopt SO_TYPE (3): what the kernel wrote back */
	e = find_opt(&c, SK_EVT_GETSOCKOPT_X, 1, 3, 0);
	assert_complete(e);
	assert_int_equal(u32(e, "optlen"), 4);
	raw(e, "val", &p, &len);
	assert_int_equal(len, 5);
	assert_int_equal(p[0], 2);
	memcpy(&u32v, p + 1, 4);
	assert_int_equal(u32v, SOCK_STREAM);
	/* SO_ERROR (4): ERRNO, no pending error */
	e = find_opt(&c, SK_EVT_GETSOCKOPT_X, 1, 4, 0);
	raw(e, "val", &p, &len);
	assert_int_equal(len, 9);
	assert_int_equal(p[0], 1);
	memcpy(&u64v, p + 1, 8);
	assert_int_equal(u64v, 0);
	capture_free(&c);
}

/* ---- 32-bit syscalls (int $0x80 from this 64-bit process: the ia32 table) ---- */

/* i386 syscall numbers (asm/unistd_32.h). */
#define IA32_OPEN 5
#define IA32_CLOSE 6
#define IA32_EXECVE 11
#define IA32_GETPID 20
#define IA32_OPENAT 295
#define IA32_SOCKET 359
#define IA32_CONNECT 362
#define IA32_READV 145
#define IA32_PREAD64 180
#define IA32_MMAP2 192

static long int80(long nr, long a, long b, long c)
{
	long ret;

	asm volatile("int $0x80" : "=a"(ret) : "a"(nr), "b"(a), "c"(b), "d"(c) : "memory");
	return ret;
}

/* Six arguments: the sixth in ebp, saved in r9 around the call (no stack use). */
static long int80_6(long nr, long a, long b, long c, long d, long e, long f)
{
	register long r8 asm("r8") = f;
	long ret;

	asm volatile("mov %%rbp, %%r9\n\tmov %%r8, %%rbp\n\tint $0x80\n\tmov %%r9, %%rbp"
		     : "=a"(ret)
		     : "a"(nr), "b"(a), "c"(b), "d"(c), "S"(d), "D"(e), "r"(r8)
		     : "r9", "memory");
	return ret;
}

/* Memory below 4 GiB: 32-bit syscalls take 32-bit pointers. */
static char *low_page(void)
{
	char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT,
		       -1, 0);

	assert_true(p != MAP_FAILED);
	return p;
}

static void child_ia32(void)
{
	char *low = low_page();
	struct sockaddr_in *sa = (struct sockaddr_in *)(low + 2048);
	struct sockaddr_in ls = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t sl = sizeof(ls);
	int l = socket(AF_INET, SOCK_STREAM, 0);

	bind(l, (struct sockaddr *)&ls, sizeof(ls));
	listen(l, 1);
	getsockname(l, (struct sockaddr *)&ls, &sl);
	sh->port[0] = ntohs(ls.sin_port);
	tmp_path(low, 1024, "created");
	sh->fd[0] = (int)int80(IA32_OPEN, (long)low, O_RDONLY | O_CREAT, 0600);
	strcpy(low + 1024, "created");
	sh->fd[1] = (int)int80(IA32_OPENAT, open(tmpdir, O_RDONLY | O_DIRECTORY), (long)(low + 1024),
			       O_WRONLY);
	sh->fd[2] = (int)int80(IA32_CLOSE, sh->fd[1], 0, 0);
	int80(IA32_GETPID, 0, 0, 0);
	sh->fd[3] = (int)int80(IA32_SOCKET, AF_INET, SOCK_STREAM, 0);
	*sa = ls;
	sh->fd[4] = (int)int80(IA32_CONNECT, sh->fd[3], (long)sa, sizeof(*sa));
	/* the I/O whose layout differs: a 64-bit offset in two registers, compat iovecs, mmap2 pages */
	{
		int fd = open(low, O_RDWR);
		uint32_t *iov = (uint32_t *)(low + 3072);

		write(fd, "0123456789", 10);
		sh->fd[5] = fd;
		int80_6(IA32_PREAD64, fd, (long)(low + 2560), 4, 2, 1, 0); /* offset 1 << 32 | 2 */
		lseek(fd, 0, SEEK_SET);
		iov[0] = (uint32_t)(uintptr_t)(low + 2560);
		iov[1] = 3;
		iov[2] = (uint32_t)(uintptr_t)(low + 2600);
		iov[3] = 4;
		int80_6(IA32_READV, fd, (long)iov, 2, 0, 0, 0);
		int80_6(IA32_MMAP2, 0, 4096, PROT_READ, MAP_PRIVATE, fd, 1);
	}
}

static void child_ia32_exec(void)
{
	char *low = low_page();
	uint32_t *argv = (uint32_t *)(low + 1024);

	strcpy(low, "/bin/true");
	strcpy(low + 64, "true");
	strcpy(low + 128, "ia32-arg");
	argv[0] = (uint32_t)(uintptr_t)(low + 64);
	argv[1] = (uint32_t)(uintptr_t)(low + 128);
	argv[2] = 0;
	int80(IA32_EXECVE, (long)low, (long)argv, 0);
	_exit(1);
}

/*
 * 32-bit syscalls produce the events of their x86-64 counterparts, with the
 * arguments taken from the ia32 registers (a 64-bit program can make them:
 * monitoring must not be skipped that way).
 */
static void test_ia32(void **state)
{
	struct capture c;
	const struct sk_evt *e;
	const uint8_t *p;
	uint32_t len;
	char path[256];
	pid_t pid;

	static const char *const io[] = {"pread64", "readv", "mmap"};

	(void)state;
	NEED_PROBE();
	for (size_t i = 0; i < sizeof(io) / sizeof(io[0]); i++)
		assert_int_equal(sk_probe_set_interesting_name(probe, io[i], true), 0);
	pid = run_child(&c, child_ia32);
	for (size_t i = 0; i < sizeof(io) / sizeof(io[0]); i++)
		sk_probe_set_interesting_name(probe, io[i], false);
	tmp_path(path, sizeof(path), "created");
	assert_true(sh->fd[0] >= 0);
	e = must_find_str(&c, SK_EVT_OPEN_X, "name", path);
	assert_complete(e);
	assert_int_equal(s64(e, "fd"), sh->fd[0]);
	assert_int_equal(u32(e, "flags") & (PPM_O_RDONLY | PPM_O_CREAT), PPM_O_RDONLY | PPM_O_CREAT);
	assert_int_equal(u32(e, "mode"), 0600);
	e = must_find_str(&c, SK_EVT_OPENAT_X, "name", "created");
	assert_int_equal(s64(e, "fd"), sh->fd[1]);
	assert_true(s64(e, "dirfd") >= 0);
	assert_int_equal(u32(e, "flags"), PPM_O_WRONLY);
	e = NULL;
	for (int i = 0; (e = find(&c, SK_EVT_CLOSE_X, pid, i)); i++)
		if (s64(e, "fd") == sh->fd[1])
			break;
	assert_non_null(e);
	assert_int_equal(s64(e, "res"), sh->fd[2]);
	/* a syscall the ia32 table does not report */
	assert_null(find(&c, SK_EVT_SYSCALL_X, pid, 0));
	e = must_find(&c, SK_EVT_SOCKET_X, pid);
	for (int i = 0; e && s64(e, "fd") != sh->fd[3]; i++)
		e = find(&c, SK_EVT_SOCKET_X, pid, i);
	assert_non_null(e);
	assert_int_equal(u32(e, "domain"), AF_INET);
	e = must_find(&c, SK_EVT_CONNECT_X, pid);
	assert_int_equal(s64(e, "res"), 0);
	assert_int_equal(s64(e, "fd"), sh->fd[3]);
	raw(e, "tuple", &p, &len);
	assert_int_equal(len, 13);
	e = must_find(&c, SK_EVT_PREAD_X, pid);
	assert_int_equal(s64(e, "fd"), sh->fd[5]);
	assert_int_equal(u64(e, "pos"), (1ull << 32) | 2);
	e = must_find(&c, SK_EVT_READV_X, pid);
	assert_int_equal(s64(e, "res"), 7);
	assert_int_equal(u32(e, "size"), 7);
	raw(e, "data", &p, &len);
	assert_int_equal(len, 3); /* the first buffer, as for 64-bit callers */
	assert_memory_equal(p, "012", 3);
	e = NULL;
	for (int i = 0; (e = find(&c, SK_EVT_MMAP_X, pid, i)); i++)
		if (s64(e, "fd") == sh->fd[5])
			break;
	assert_non_null(e);
	assert_int_equal(u64(e, "offset"), 4096);
	assert_int_equal(u64(e, "length"), 4096);
	capture_free(&c);

	pid = run_child(&c, child_ia32_exec);
	e = must_find(&c, SK_EVT_EXECVE_X, pid);
	assert_int_equal(s64(e, "res"), 0);
	assert_string_equal(str(e, "exe"), "true");
	raw(e, "args", &p, &len);
	assert_int_equal(len, sizeof("ia32-arg"));
	assert_memory_equal(p, "ia32-arg", len);
	assert_string_equal(str(e, "filename"), "/bin/true");
	capture_free(&c);
}

static void child_io(void)
{
	int p[2];
	char big[200], buf[256];

	memset(big, 'z', sizeof(big));
	pipe(p);
	sh->fd[0] = p[0];
	sh->fd[1] = p[1];
	write(p[1], "abcdef", 6);
	read(p[0], buf, sizeof(buf));
	write(p[1], big, sizeof(big));
	write(-1, "bad", 3);
}

static const char *const io_calls[] = {"read", "write", "pread64", "pwrite64",
				       "readv", "writev", "preadv", "pwritev"};

static void set_io(bool on)
{
	for (size_t i = 0; i < sizeof(io_calls) / sizeof(io_calls[0]); i++)
		assert_int_equal(sk_probe_set_interesting_name(probe, io_calls[i], on), 0);
}

static void test_read_write(void **state)
{
	struct capture c;
	const struct sk_evt *e;
	const uint8_t *p;
	uint32_t len;

	(void)state;
	NEED_PROBE();
	set_io(true);
	run_child(&c, child_io);
	set_io(false);
	e = must_find(&c, SK_EVT_WRITE_X, 0);
	assert_complete(e);
	assert_int_equal(s64(e, "res"), 6);
	assert_int_equal(s64(e, "fd"), sh->fd[1]);
	assert_int_equal(u32(e, "size"), 6);
	raw(e, "data", &p, &len);
	assert_int_equal(len, 6);
	assert_memory_equal(p, "abcdef", 6);
	e = must_find(&c, SK_EVT_READ_X, 0);
	assert_int_equal(s64(e, "res"), 6);
	assert_int_equal(s64(e, "fd"), sh->fd[0]);
	assert_int_equal(u32(e, "size"), 256);
	raw(e, "data", &p, &len);
	assert_memory_equal(p, "abcdef", 6);
	e = find(&c, SK_EVT_WRITE_X, 0, 1);
	assert_non_null(e);
	assert_int_equal(s64(e, "res"), 200);
	raw(e, "data", &p, &len);
	assert_int_equal(len, 80); /* snaplen */
	/* a failed write still shows what it tried to write */
	e = find(&c, SK_EVT_WRITE_X, 0, 2);
	assert_non_null(e);
	assert_int_equal(s64(e, "res"), -EBADF);
	raw(e, "data", &p, &len);
	assert_int_equal(len, 3);
	assert_memory_equal(p, "bad", 3);
	capture_free(&c);
}

static void child_io_vec(void)
{
	char p[256], a[4] = "abcd", b[8];
	struct iovec w[2] = {{.iov_base = a, .iov_len = 4}, {.iov_base = a, .iov_len = 2}};
	struct iovec r[2] = {{.iov_base = b, .iov_len = 3}, {.iov_base = b + 3, .iov_len = 5}};
	int fd;

	tmp_path(p, sizeof(p), "io");
	fd = open(p, O_CREAT | O_RDWR | O_TRUNC, 0600);
	sh->fd[0] = fd;
	pwrite(fd, "0123456789", 10, 0);
	pread(fd, b, 4, 6);
	writev(fd, w, 2);
	pwritev(fd, w, 1, 2);
	lseek(fd, 0, SEEK_SET);
	readv(fd, r, 2);
	preadv(fd, r, 1, 5);
	close(fd);
	unlink(p);
}

static void test_read_write_vectors(void **state)
{
	struct capture c;
	const struct sk_evt *e;
	const uint8_t *p;
	uint32_t len;

	(void)state;
	NEED_PROBE();
	set_io(true);
	run_child(&c, child_io_vec);
	set_io(false);
	e = must_find(&c, SK_EVT_PWRITE_X, 0);
	assert_complete(e);
	assert_int_equal(s64(e, "res"), 10);
	assert_int_equal(u64(e, "pos"), 0);
	raw(e, "data", &p, &len);
	assert_int_equal(len, 10);
	assert_memory_equal(p, "0123456789", 10);
	e = must_find(&c, SK_EVT_PREAD_X, 0);
	assert_int_equal(s64(e, "res"), 4);
	assert_int_equal(u64(e, "pos"), 6);
	raw(e, "data", &p, &len);
	assert_memory_equal(p, "6789", 4);
	e = must_find(&c, SK_EVT_WRITEV_X, 0);
	assert_complete(e);
	assert_int_equal(s64(e, "res"), 6);
	assert_int_equal(u32(e, "size"), 6);
	assert_int_equal(s64(e, "fd"), sh->fd[0]);
	raw(e, "data", &p, &len);
	assert_int_equal(len, 4); /* the first iovec */
	e = must_find(&c, SK_EVT_PWRITEV_X, 0);
	assert_int_equal(u64(e, "pos"), 2);
	e = must_find(&c, SK_EVT_READV_X, 0);
	assert_complete(e);
	assert_int_equal(s64(e, "res"), 8);
	assert_int_equal(u32(e, "size"), 8);
	raw(e, "data", &p, &len);
	assert_int_equal(len, 3);
	assert_memory_equal(p, "aba", 3); /* file: "ababcd6789" */
	e = must_find(&c, SK_EVT_PREADV_X, 0);
	assert_int_equal(u64(e, "pos"), 5);
	capture_free(&c);
}

static void child_execveat(void)
{
	int d = open("/bin", O_RDONLY | O_DIRECTORY);
	char *argv[] = {"true", "x", NULL}, *envp[] = {"SAKER=1", NULL};

	syscall(SYS_execveat, d, "true", argv, envp, 0);
	_exit(1);
}

static void child_execveat_fail(void)
{
	char *argv[] = {"x", NULL};

	syscall(SYS_execveat, AT_FDCWD, "/nonexistent/saker-at", argv, argv, 0);
}

static void test_execveat_failure(void **state)
{
	struct capture c;
	const struct sk_evt *e;
	pid_t pid;

	(void)state;
	NEED_PROBE();
	pid = run_child(&c, child_execveat_fail);
	e = must_find(&c, SK_EVT_EXECVEAT_X, pid);
	assert_int_equal(s64(e, "res"), -ENOENT);
	assert_string_equal(str(e, "comm"), my_comm());
	capture_free(&c);
}

static void test_execveat(void **state)
{
	struct capture c;
	const struct sk_evt *e;
	const uint8_t *p;
	uint32_t len;
	pid_t pid;
	char real[256];

	(void)state;
	NEED_PROBE();
	pid = run_child(&c, child_execveat);
	e = must_find(&c, SK_EVT_EXECVEAT_X, pid);
	assert_complete(e);
	assert_int_equal(s64(e, "res"), 0);
	assert_string_equal(str(e, "exe"), "true");
	assert_string_equal(str(e, "comm"), "true");
	raw(e, "env", &p, &len);
	assert_int_equal(len, sizeof("SAKER=1"));
	assert_memory_equal(p, "SAKER=1", len);
	assert_non_null(realpath("/bin/true", real));
	assert_string_equal(str(e, "trusted_exepath"), real);
	capture_free(&c);
}

static void child_clone3_vfork(void)
{
	struct {
		uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
	} args = {.exit_signal = SIGCHLD};
	long r = syscall(SYS_clone3, &args, sizeof(args));

	if (r == 0)
		_exit(0);
	sh->pid[0] = (pid_t)r;
	waitpid((pid_t)r, NULL, 0);
	r = vfork();
	if (r == 0)
		_exit(0);
	sh->pid[1] = (pid_t)r;
	waitpid((pid_t)r, NULL, 0);
}

static void test_clone3_vfork(void **state)
{
	struct capture c;
	const struct sk_evt *e;
	pid_t pid;

	(void)state;
	NEED_PROBE();
	pid = run_child(&c, child_clone3_vfork);
	e = must_find(&c, SK_EVT_CLONE3_X, pid);
	assert_complete(e);
	assert_int_equal(s64(e, "res"), sh->pid[0]);
	e = must_find(&c, SK_EVT_CLONE3_X, sh->pid[0]);
	assert_int_equal(s64(e, "res"), 0);
	assert_int_equal(s64(e, "ptid"), pid);
	assert_int_equal(u32(e, "flags"), 0);
	e = must_find(&c, SK_EVT_VFORK_X, sh->pid[1]);
	assert_int_equal(s64(e, "res"), 0);
	assert_int_equal(u32(e, "flags"), 0x8000 | 0x8000000); /* CLONE_VM | CLONE_VFORK */
	e = must_find(&c, SK_EVT_VFORK_X, pid);
	assert_int_equal(s64(e, "res"), sh->pid[1]);
	capture_free(&c);
}

#define LONG_ARG 30000

static void child_long_args(void)
{
	static char arg[LONG_ARG];

	memset(arg, 'a', sizeof(arg) - 1);
	arg[sizeof(arg) - 1] = '\0';
	execl("/bin/true", "true", arg, (char *)NULL);
	_exit(1);
}

static void test_long_args_truncated_and_counted(void **state)
{
	struct capture c;
	const struct sk_evt *e;
	const uint8_t *p;
	uint32_t len;
	struct sk_probe_stats before, after;
	pid_t pid;

	(void)state;
	NEED_PROBE();
	assert_int_equal(sk_probe_stats(probe, &before), 0);
	pid = run_child(&c, child_long_args);
	assert_int_equal(sk_probe_stats(probe, &after), 0);
	e = must_find(&c, SK_EVT_EXECVE_X, pid);
	assert_int_equal(s64(e, "res"), 0);
	raw(e, "args", &p, &len);
	assert_true(len > 1000 && len < LONG_ARG);
	assert_int_equal(p[0], 'a');
	assert_true(after.total.truncated > before.total.truncated);
	capture_free(&c);
}

static void test_wait(void **state)
{
	const void *evt;
	size_t len;
	uint16_t cpu;
	struct timespec t0, t1;
	long ms;
	pid_t pid;

	(void)state;
	NEED_PROBE();
	/* idle: drain, switch everything off, the wait times out */
	sk_probe_set_interesting_all(probe, false);
	sk_probe_set_procexit(probe, false);
	usleep(50000);
	while (sk_probe_next(probe, &evt, &len, &cpu) == 0)
		;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(sk_probe_wait(probe, 150), 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	assert_true(ms >= 140);
	assert_int_equal(sk_probe_next(probe, &evt, &len, &cpu), -EAGAIN);
	/* one event: the wait returns 1 */
	sk_probe_set_procexit(probe, true);
	pid = fork();
	if (pid == 0)
		_exit(0);
	waitpid(pid, NULL, 0);
	assert_int_equal(sk_probe_wait(probe, 2000), 1);
	assert_int_equal(sk_probe_next(probe, &evt, &len, &cpu), 0);
	sk_probe_set_interesting_default(probe);
}


static void child_shell_work(void)
{
	execl("/bin/sh", "sh", "-c",
	      "ls -la /proc/self/ /etc > /dev/null; cat /etc/passwd | wc -l > /dev/null; "
	      "sleep 0.01; (echo x > /dev/null &) ; wait",
	      (char *)NULL);
	_exit(1);
}

/* Every syscall reported: everything the shell does parses, with no probe error. */
static void test_all_syscalls_parse(void **state)
{
	struct capture c;
	struct sk_probe_stats before, after;
	size_t generic = 0;

	(void)state;
	NEED_PROBE();
	assert_int_equal(sk_probe_stats(probe, &before), 0);
	sk_probe_set_interesting_all(probe, true);
	run_child(&c, child_shell_work); /* collect() asserts that each event parses */
	sk_probe_set_interesting_default(probe);
	assert_int_equal(sk_probe_stats(probe, &after), 0);
	assert_int_equal(after.total.errors, before.total.errors);
	assert_true(c.n > 100);
	for (size_t i = 0; i < c.n; i++) {
		const struct sk_evt *e = &c.ev[i].e;

		assert_int_equal(e->hdr->type & 1, e->hdr->type == SK_EVT_PROCEXIT_E ? 0 : 1);
		if (e->hdr->type == SK_EVT_SYSCALL_X) {
			generic++;
			assert_int_equal(e->param_len[0], 2);
			assert_int_equal(e->param_len[1], 2);
		} else {
			assert_complete(e);
		}
	}
	assert_true(generic > 0);
	capture_free(&c);
}


static void copy_file(const char *from, const char *to, mode_t mode)
{
	char buf[65536];
	int in = open(from, O_RDONLY), out = open(to, O_CREAT | O_WRONLY | O_TRUNC, mode);
	ssize_t n;

	while (in >= 0 && out >= 0 && (n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			break;
	close(in);
	close(out);
}

/* An overlayfs mount in a private mount namespace: lower-layer exec and open, upper-layer creates. */
static void child_overlay(void)
{
	char base[256], lower[300], upper[300], work[300], merged[300], opts[1024], p[400];
	pid_t g;

	if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		_exit(2);
	tmp_path(base, sizeof(base), "ov");
	mkdir(base, 0700);
	if (mount("saker-ov", base, "tmpfs", 0, "size=16m"))
		_exit(3);
	snprintf(lower, sizeof(lower), "%s/lower", base);
	snprintf(upper, sizeof(upper), "%s/upper", base);
	snprintf(work, sizeof(work), "%s/work", base);
	snprintf(merged, sizeof(merged), "%s/merged", base);
	mkdir(lower, 0755);
	mkdir(upper, 0755);
	mkdir(work, 0755);
	mkdir(merged, 0755);
	snprintf(p, sizeof(p), "%s/true", lower);
	copy_file("/bin/true", p, 0755);
	snprintf(p, sizeof(p), "%s/data", lower);
	copy_file("/etc/hostname", p, 0644);
	snprintf(opts, sizeof(opts), "lowerdir=%s,upperdir=%s,workdir=%s", lower, upper, work);
	if (mount("overlay", merged, "overlay", 0, opts))
		_exit(4);
	sh->fd[7] = 1; /* mounted */
	snprintf(p, sizeof(p), "%s/data", merged);
	close(open(p, O_RDONLY));
	snprintf(p, sizeof(p), "%s/new", merged);
	close(open(p, O_CREAT | O_WRONLY, 0644));
	snprintf(p, sizeof(p), "%s/new2", merged);
	close(creat(p, 0644));
	snprintf(p, sizeof(p), "%s/true", merged);
	g = fork();
	if (g == 0) {
		execl(p, "true", (char *)NULL);
		_exit(1);
	}
	sh->pid[0] = g;
	waitpid(g, NULL, 0);
	snprintf(p, sizeof(p), "%s/true2", merged);
	copy_file("/bin/true", p, 0755); /* a new file: upper layer */
	g = fork();
	if (g == 0) {
		execl(p, "true2", (char *)NULL);
		_exit(1);
	}
	sh->pid[1] = g;
	waitpid(g, NULL, 0);
}

static void test_overlay_layers(void **state)
{
	struct capture c;
	const struct sk_evt *e;
	char p[400];

	(void)state;
	NEED_PROBE();
	if (geteuid() != 0)
		skip();
	run_child(&c, child_overlay);
	if (!sh->fd[7]) {
		fprintf(stderr, "test_probe: no overlayfs here, skipping\n");
		capture_free(&c);
		skip();
	}
	tmp_path(p, sizeof(p), "ov/merged/data");
	e = must_find_str(&c, SK_EVT_OPENAT_X, "name", p);
	assert_int_equal(u32(e, "flags"), PPM_O_RDONLY | 0x10000); /* FD_LOWER_LAYER */
	tmp_path(p, sizeof(p), "ov/merged/new");
	e = must_find_str(&c, SK_EVT_OPENAT_X, "name", p);
	assert_int_equal(u32(e, "flags"), PPM_O_WRONLY | PPM_O_CREAT | PPM_O_F_CREATED | 0x8000);
	tmp_path(p, sizeof(p), "ov/merged/new2");
	e = must_find_str(&c, SK_EVT_CREAT_X, "name", p);
	assert_int_equal(u16(e, "creat_flags"), 1); /* FD_UPPER_LAYER_CREAT */
	e = must_find(&c, SK_EVT_EXECVE_X, sh->pid[0]);
	assert_int_equal(s64(e, "res"), 0);
	assert_int_equal(u32(e, "flags") & 0xa, 0x8); /* EXE_LOWER_LAYER, not upper */
	e = must_find(&c, SK_EVT_EXECVE_X, sh->pid[1]);
	assert_int_equal(s64(e, "res"), 0);
	assert_int_equal(u32(e, "flags") & 0xa, 0x2); /* EXE_UPPER_LAYER */
	capture_free(&c);
}


static void child_pair_handle(void)
{
	int sv[2];
	char p[256];
	struct {
		struct file_handle fh;
		unsigned char buf[128];
	} h;
	int mount_id, mfd;

	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	sh->fd[0] = sv[0];
	sh->fd[1] = sv[1];
	shutdown(sv[0], SHUT_WR);
	tmp_path(p, sizeof(p), "handle");
	close(creat(p, 0600));
	h.fh.handle_bytes = sizeof(h.buf);
	if (name_to_handle_at(AT_FDCWD, p, &h.fh, &mount_id, 0) == 0) {
		mfd = open(tmpdir, O_RDONLY | O_DIRECTORY);
		sh->fd[2] = mfd;
		sh->fd[3] = open_by_handle_at(mfd, &h.fh, O_RDONLY);
		record_fstat(0, sh->fd[3]);
	}
}

static void test_socketpair_shutdown_handle(void **state)
{
	struct capture c;
	const struct sk_evt *e;
	char p[256];

	(void)state;
	NEED_PROBE();
	run_child(&c, child_pair_handle);
	e = must_find(&c, SK_EVT_SOCKETPAIR_X, 0);
	assert_complete(e);
	assert_int_equal(s64(e, "res"), 0);
	assert_int_equal(s64(e, "fd1"), sh->fd[0]);
	assert_int_equal(s64(e, "fd2"), sh->fd[1]);
	assert_true(u64(e, "source") != 0 && u64(e, "peer") != 0 && u64(e, "source") != u64(e, "peer"));
	assert_int_equal(u32(e, "domain"), AF_UNIX);
	assert_int_equal(u32(e, "type"), SOCK_STREAM);
	e = must_find(&c, SK_EVT_SHUTDOWN_X, 0);
	assert_int_equal(s64(e, "res"), 0);
	assert_int_equal(s64(e, "fd"), sh->fd[0]);
	assert_int_equal(u8(e, "how"), SHUT_WR);
	if (geteuid() == 0) {
		tmp_path(p, sizeof(p), "handle");
		e = must_find(&c, SK_EVT_OPEN_BY_HANDLE_AT_X, 0);
		assert_complete(e);
		assert_int_equal(s64(e, "fd"), sh->fd[3]);
		assert_int_equal(s64(e, "mountfd"), sh->fd[2]);
		assert_int_equal(u32(e, "flags"), PPM_O_RDONLY);
		assert_string_equal(str(e, "path"), p);
		assert_int_equal(u64(e, "ino"), sh->ino[0]);
		assert_int_equal(u32(e, "dev"), (uint32_t)sh->dev[0]);
	}
	capture_free(&c);
}


static void child_more_fds(void)
{
	struct rlimit rl, old;
	char p[256];
	uint64_t mask = 1u << (SIGUSR2 - 1);
	int pfd, dfd;

	sh->fd[0] = (int)syscall(SYS_epoll_create, 4);
	sh->fd[1] = epoll_create1(EPOLL_CLOEXEC);
	sh->fd[2] = timerfd_create(CLOCK_MONOTONIC, 0);
	sh->fd[3] = (int)syscall(SYS_inotify_init);
	sh->fd[4] = (int)syscall(SYS_signalfd, -1, &mask, 8);
	pfd = (int)syscall(SYS_pidfd_open, getpid(), 0);
	sh->fd[5] = pfd;
	sh->fd[6] = (int)syscall(SYS_pidfd_getfd, pfd, 0, 0);
	getrlimit(RLIMIT_NOFILE, &rl);
	sh->u64[0] = rl.rlim_cur;
	syscall(SYS_setrlimit, RLIMIT_NOFILE, &rl); /* glibc would use prlimit64 */
	prlimit(0, RLIMIT_NOFILE, NULL, &old);
	tmp_path(p, sizeof(p), "fifo");
	syscall(SYS_mknod, p, S_IFIFO | 0600, 0); /* glibc would use mknodat */
	dfd = open(tmpdir, O_RDONLY | O_DIRECTORY);
	sh->fd[7] = dfd;
	mknodat(dfd, "fifo2", S_IFIFO | 0644, 0);
}

static void test_more_fds(void **state)
{
	struct capture c;
	const struct sk_evt *e;
	char p[256];

	(void)state;
	NEED_PROBE();
	run_child(&c, child_more_fds);
	e = must_find(&c, SK_EVT_EPOLL_CREATE_X, 0);
	assert_int_equal(s64(e, "res"), sh->fd[0]);
	assert_int_equal(u32(e, "size"), 4);
	e = must_find(&c, SK_EVT_EPOLL_CREATE1_X, 0);
	assert_int_equal(s64(e, "res"), sh->fd[1]);
	assert_int_equal(u32(e, "flags"), 1); /* EPOLL_CLOEXEC */
	e = must_find(&c, SK_EVT_TIMERFD_CREATE_X, 0);
	assert_int_equal(s64(e, "res"), sh->fd[2]);
	assert_int_equal(u8(e, "clockid"), CLOCK_MONOTONIC);
	e = must_find(&c, SK_EVT_INOTIFY_INIT_X, 0);
	assert_int_equal(s64(e, "res"), sh->fd[3]);
	e = must_find(&c, SK_EVT_SIGNALFD_X, 0);
	assert_int_equal(s64(e, "res"), sh->fd[4]);
	assert_int_equal(u32(e, "mask"), 1u << (SIGUSR2 - 1));
	e = must_find(&c, SK_EVT_PIDFD_OPEN_X, 0);
	assert_int_equal(s64(e, "fd"), sh->fd[5]);
	assert_true(s64(e, "pid") > 0);
	e = must_find(&c, SK_EVT_PIDFD_GETFD_X, 0);
	assert_int_equal(s64(e, "fd"), sh->fd[6]);
	assert_int_equal(s64(e, "pid_fd"), sh->fd[5]);
	assert_int_equal(s64(e, "target_fd"), 0);
	e = must_find(&c, SK_EVT_SETRLIMIT_X, 0);
	assert_int_equal(s64(e, "res"), 0);
	assert_int_equal(u64(e, "cur"), sh->u64[0]);
	assert_int_equal(u8(e, "resource"), RLIMIT_NOFILE);
	e = must_find(&c, SK_EVT_PRLIMIT_X, 0);
	assert_int_equal(s64(e, "res"), 0);
	assert_int_equal(u64(e, "oldcur"), sh->u64[0]);
	assert_int_equal(s64(e, "newcur"), -1); /* no new limit given */
	tmp_path(p, sizeof(p), "fifo");
	e = must_find_str(&c, SK_EVT_MKNOD_X, "path", p);
	assert_int_equal(s64(e, "res"), 0);
	assert_int_equal(u32(e, "mode"), S_IFIFO | 0600);
	e = must_find_str(&c, SK_EVT_MKNODAT_X, "path", "fifo2");
	assert_int_equal(s64(e, "dirfd"), sh->fd[7]);
	assert_int_equal(u32(e, "mode"), S_IFIFO | 0644);
	capture_free(&c);
}

/* ---- filtering, exclusion, generic events ---- */

static void child_getppid(void)
{
	syscall(SYS_getppid);
	syscall(SYS_getppid);
}

static void test_filtering_and_generic(void **state)
{
	struct capture c;
	const struct sk_evt *e;
	int nr = sk_syscall_nr("getppid");

	(void)state;
	NEED_PROBE();
	assert_int_equal(nr, SYS_getppid);
	assert_false(sk_probe_has_filler(probe, (unsigned)nr));
	/* not interesting: nothing */
	run_child(&c, child_getppid);
	for (size_t i = 0; i < c.n; i++)
		assert_int_not_equal(c.ev[i].e.hdr->type, SK_EVT_SYSCALL_X);
	capture_free(&c);
	/* interesting: the generic event with ppm_sc and the native number */
	assert_int_equal(sk_probe_set_interesting(probe, (unsigned)nr, true), 0);
	run_child(&c, child_getppid);
	sk_probe_set_interesting(probe, (unsigned)nr, false);
	e = must_find(&c, SK_EVT_SYSCALL_X, 0);
	assert_int_equal(u16(e, "ID"), sk_syscall_ppm_sc((unsigned)nr));
	assert_int_equal(u16(e, "ID"), 41); /* ppm_sc of getppid */
	assert_int_equal(u16(e, "nativeID"), SYS_getppid);
	assert_non_null(find(&c, SK_EVT_SYSCALL_X, 0, 1));
	capture_free(&c);
	/* a filler syscall switched off */
	assert_int_equal(sk_probe_set_interesting_name(probe, "openat", false), 0);
	run_child(&c, child_open_family);
	sk_probe_set_interesting_name(probe, "openat", true);
	assert_null(find(&c, SK_EVT_OPENAT_X, 0, 0));
	assert_non_null(find(&c, SK_EVT_OPEN_X, 0, 0));
	capture_free(&c);
	assert_int_equal(sk_probe_set_interesting(probe, SK_PROBE_NR_MAX, true), -EINVAL);
	assert_int_equal(sk_probe_set_interesting_name(probe, "no_such_syscall", true), -ENOENT);
}

static void test_own_process_excluded(void **state)
{
	char p[256];
	const void *evt;
	size_t len;
	uint16_t cpu;
	int fd;

	(void)state;
	NEED_PROBE();
	/* drain what is there, then act ourselves */
	while (sk_probe_next(probe, &evt, &len, &cpu) == 0)
		;
	tmp_path(p, sizeof(p), "own");
	fd = open(p, O_CREAT | O_RDWR, 0600);
	assert_true(fd >= 0);
	close(fd);
	usleep(200000);
	while (sk_probe_next(probe, &evt, &len, &cpu) == 0) {
		struct sk_evt e;

		assert_int_equal(sk_evt_parse(&e, evt, len, errbuf, sizeof(errbuf)), 0);
		assert_int_not_equal(e.hdr->tid, (uint64_t)getpid());
	}
}

/* Events come out in timestamp order, carry a real epoch time and their CPU. */
static void test_order_and_header(void **state)
{
	struct capture c;
	struct timespec now;
	uint64_t prev = 0, now_ns, start_ns;
	size_t nchild = 0;
	pid_t pid;

	(void)state;
	NEED_PROBE();
	/* the probe's clock offset, refreshed as the agent does once a second */
	sk_probe_sync_clock(probe);
	clock_gettime(CLOCK_REALTIME, &now);
	start_ns = (uint64_t)now.tv_sec * 1000000000ull + (uint64_t)now.tv_nsec;
	pid = run_child(&c, child_fds);
	clock_gettime(CLOCK_REALTIME, &now);
	now_ns = (uint64_t)now.tv_sec * 1000000000ull + (uint64_t)now.tv_nsec;
	assert_true(c.n > 5);
	for (size_t i = 0; i < c.n; i++) {
		const struct sk_evt_hdr *h = c.ev[i].e.hdr;

		assert_true(h->ts >= prev);
		/* the child's events, between the wall-clock times around it */
		if (h->tid == (uint64_t)pid) {
			assert_true(h->ts >= start_ns && h->ts <= now_ns);
			nchild++;
		}
		assert_true(h->ts <= now_ns && h->ts > now_ns - 60ull * 1000000000ull);
		assert_int_equal(h->len, c.ev[i].len);
		prev = h->ts;
	}
	assert_true(nchild > 5);
	capture_free(&c);
}

/* A live capture goes through the .scap writer and reads back. */
static void test_scap_roundtrip(void **state)
{
	struct capture c;
	struct sk_scap_writer *w;
	struct sk_scap_reader *r;
	struct sk_scap_writer_opts o = {0};
	struct sk_scap_item item;
	char path[256];
	size_t seen = 0;

	(void)state;
	NEED_PROBE();
	run_child(&c, child_exec);
	tmp_path(path, sizeof(path), "live.scap");
	assert_int_equal(sk_scap_writer_open(&w, path, &o, errbuf, sizeof(errbuf)), 0);
	for (size_t i = 0; i < c.n; i++)
		assert_int_equal(sk_scap_writer_write_event(w, c.ev[i].buf, c.ev[i].len, 0, 0, errbuf,
							    sizeof(errbuf)),
				 0);
	assert_int_equal(sk_scap_writer_close(w, errbuf, sizeof(errbuf)), 0);
	assert_int_equal(sk_scap_reader_open(&r, path, errbuf, sizeof(errbuf)), 0);
	while (sk_scap_reader_next(r, &item, errbuf, sizeof(errbuf)) == 1) {
		if (item.kind != SK_SCAP_EVENT)
			continue;
		assert_true(seen < c.n);
		assert_int_equal(item.event.hdr->type, c.ev[seen].e.hdr->type);
		assert_int_equal(item.event.hdr->len, c.ev[seen].len);
		seen++;
	}
	assert_int_equal(seen, c.n);
	sk_scap_reader_free(r);
	capture_free(&c);
}

static void child_getpid_storm(void)
{
	for (int i = 0; i < 200000; i++)
		syscall(SYS_getpid);
}

/* A tiny ring buffer under load drops, counts the drops, and keeps working. */
static void test_drops_counted(void **state)
{
	struct sk_probe *small;
	struct sk_probe_opts o = {.ringbuf_bytes = 4096};
	struct sk_probe_stats st;
	struct capture c;
	struct sk_probe *saved = probe;
	int nr = sk_syscall_nr("getpid");

	(void)state;
	NEED_PROBE();
	assert_int_equal(sk_probe_open(&small, &o, errbuf, sizeof(errbuf)), 0);
	sk_probe_set_interesting(small, (unsigned)nr, true);
	assert_int_equal(sk_probe_start(small, errbuf, sizeof(errbuf)), 0);
	probe = small; /* collect from the small one; nobody reads during the storm */
	memset(sh, 0, sizeof(*sh));
	{
		pid_t pid = fork();

		assert_true(pid >= 0);
		if (pid == 0) {
			child_getpid_storm();
			_exit(0);
		}
		waitpid(pid, NULL, 0);
	}
	assert_int_equal(sk_probe_stats(small, &st), 0);
	assert_true(st.total.drops > 0);
	assert_true(st.total.events > 0);
	assert_true(st.ncpus >= 1);
	{
		uint64_t sum = 0;

		for (unsigned i = 0; i < st.ncpus; i++)
			sum += st.per_cpu[i].drops;
		assert_int_equal(sum, st.total.drops);
	}
	/* drain, then it still delivers */
	{
		const void *evt;
		size_t len;
		uint16_t cpu;

		while (sk_probe_next(small, &evt, &len, &cpu) == 0)
			;
	}
	run_child(&c, child_getppid); /* procexit is on by default */
	assert_true(c.n > 0);
	capture_free(&c);
	probe = saved;
	sk_probe_close(small);
}

static void test_bad_options(void **state)
{
	struct sk_probe *p = NULL;
	struct sk_probe_opts o = {.ringbuf_bytes = 5000};

	(void)state;
	NEED_PROBE();
	assert_int_equal(sk_probe_open(&p, &o, errbuf, sizeof(errbuf)), -EINVAL);
	assert_null(p);
	assert_non_null(strstr(errbuf, "power of two"));
	o.ringbuf_bytes = 0;
	o.buf_size_preset = 11;
	assert_int_equal(sk_probe_open(&p, &o, errbuf, sizeof(errbuf)), -EINVAL);
	assert_non_null(strstr(errbuf, "buf_size_preset"));
}

static void test_syscall_table(void **state)
{
	(void)state;
	assert_int_equal(sk_syscall_nr("openat"), SYS_openat);
	assert_int_equal(sk_syscall_nr("execve"), SYS_execve);
	assert_string_equal(sk_syscall_name(SYS_clone3), "clone3");
	assert_int_equal(sk_syscall_ppm_sc(SYS_openat), 197);
	assert_int_equal(sk_syscall_ppm_sc(SYS_exit_group), 164);
	assert_int_equal(sk_syscall_nr("nope"), -ENOENT);
	assert_null(sk_syscall_name(9999));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_syscall_table),
		cmocka_unit_test(test_open_family),
		cmocka_unit_test(test_fs_ops),
		cmocka_unit_test(test_sockopt),
		cmocka_unit_test(test_ia32),
		cmocka_unit_test(test_tcp),
		cmocka_unit_test(test_udp_msg),
		cmocka_unit_test(test_fds),
		cmocka_unit_test(test_execve),
		cmocka_unit_test(test_execve_failure),
		cmocka_unit_test(test_clone_and_procexit),
		cmocka_unit_test(test_procexit_signal),
		cmocka_unit_test(test_privileged),
		cmocka_unit_test(test_unix_socket),
		cmocka_unit_test(test_ipv6),
		cmocka_unit_test(test_read_write),
		cmocka_unit_test(test_read_write_vectors),
		cmocka_unit_test(test_execveat),
		cmocka_unit_test(test_execveat_failure),
		cmocka_unit_test(test_clone3_vfork),
		cmocka_unit_test(test_long_args_truncated_and_counted),
		cmocka_unit_test(test_wait),
		cmocka_unit_test(test_socketpair_shutdown_handle),
		cmocka_unit_test(test_more_fds),
		cmocka_unit_test(test_overlay_layers),
		cmocka_unit_test(test_all_syscalls_parse),
		cmocka_unit_test(test_filtering_and_generic),
		cmocka_unit_test(test_own_process_excluded),
		cmocka_unit_test(test_order_and_header),
		cmocka_unit_test(test_scap_roundtrip),
		cmocka_unit_test(test_drops_counted),
		cmocka_unit_test(test_bad_options),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
