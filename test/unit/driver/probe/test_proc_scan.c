/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Tests of driver/probe/proc_scan.c on this machine's /proc: the test
 * process sets up threads and fds of every common kind, scans, and checks
 * its own records against what it knows about itself.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>

#include "saker/probe.h"

#define MAX_FDS 512

struct seen {
	int nprocs_total;
	bool main_seen, thread_seen;
	struct sk_scap_proc main, thread;
	pid_t thread_tid;
	struct sk_scap_fd fds[MAX_FDS];
	int nfds;
	int stop_after; /* return 7 from the proc callback after this many records (0 = never) */
};

static char errbuf[512];
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static pid_t worker_tid;
static bool worker_stop;

static void *worker(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&mu);
	worker_tid = gettid();
	pthread_cond_broadcast(&cv);
	while (!worker_stop)
		pthread_cond_wait(&cv, &mu);
	pthread_mutex_unlock(&mu);
	return NULL;
}

static int on_proc(void *ctx, const struct sk_scap_proc *p)
{
	struct seen *s = ctx;

	s->nprocs_total++;
	if (p->tid == getpid()) {
		s->main = *p;
		s->main_seen = true;
	} else if (p->tid == s->thread_tid) {
		s->thread = *p;
		s->thread_seen = true;
	}
	if (s->stop_after && s->nprocs_total >= s->stop_after)
		return 7;
	return 0;
}

static int on_fd(void *ctx, const struct sk_scap_fd *f)
{
	struct seen *s = ctx;

	if (f->tid == getpid() && s->nfds < MAX_FDS)
		s->fds[s->nfds++] = *f;
	return 0;
}

static const struct sk_scap_fd *fd_of(const struct seen *s, int fd)
{
	for (int i = 0; i < s->nfds; i++)
		if (s->fds[i].fd == fd)
			return &s->fds[i];
	fail_msg("fd %d not reported", fd);
	return NULL;
}

static void test_scan_self(void **state)
{
	static struct seen s;
	struct sk_proc_scan_cb cb = {.ctx = &s, .proc = on_proc, .fd = on_fd};
	pthread_t th;
	char cwd[1024], exe[1024], comm[32];
	struct rlimit rl;
	ssize_t n;
	FILE *f;

	(void)state;
	memset(&s, 0, sizeof(s));
	assert_int_equal(pthread_create(&th, NULL, worker, NULL), 0);
	pthread_mutex_lock(&mu);
	while (!worker_tid)
		pthread_cond_wait(&cv, &mu);
	pthread_mutex_unlock(&mu);
	s.thread_tid = worker_tid;

	assert_int_equal(sk_proc_scan("/proc", &cb, errbuf, sizeof(errbuf)), 0);
	assert_true(s.nprocs_total > 2);
	assert_true(s.main_seen);
	assert_true(s.thread_seen);

	assert_int_equal(s.main.version, 9);
	assert_int_equal(s.main.pid, getpid());
	assert_int_equal(s.main.ptid, getppid());
	assert_int_equal(s.main.sid, getsid(0));
	assert_int_equal(s.main.pgid, getpgrp());
	assert_int_equal(s.main.uid, geteuid());
	assert_int_equal(s.main.gid, getegid());
	assert_int_equal(s.main.vtid, getpid());
	assert_int_equal(s.main.flags, 0);
	f = fopen("/proc/self/comm", "r");
	assert_non_null(f);
	assert_non_null(fgets(comm, sizeof(comm), f));
	fclose(f);
	comm[strcspn(comm, "\n")] = '\0';
	assert_string_equal(s.main.comm.buf, comm);
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_string_equal(s.main.cwd.buf, cwd);
	assert_string_equal(s.main.root.buf, "/");
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	assert_true(n > 0);
	exe[n] = '\0';
	assert_string_equal(s.main.exepath.buf, exe);
	{
		struct stat st;

		assert_int_equal(stat(exe, &st), 0);
		assert_int_equal(s.main.exe_ino, st.st_ino);
		assert_int_equal(s.main.exe_ino_mtime, (uint64_t)st.st_mtim.tv_sec * 1000000000ull +
								(uint64_t)st.st_mtim.tv_nsec);
	}
	assert_true(strstr(exe, s.main.exe.buf) != NULL || strstr(s.main.exe.buf, "test_proc_scan"));
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &rl), 0);
	assert_int_equal(s.main.fdlimit, (int64_t)rl.rlim_cur);
	assert_true(s.main.env.len > 0);
	assert_true(s.main.cgroups.len > 0);
	assert_non_null(memchr(s.main.cgroups.buf, '=', s.main.cgroups.len));
	assert_true(s.main.vmsize_kb > 0 && s.main.vmrss_kb > 0);

	assert_int_equal(s.thread.pid, getpid());
	assert_int_equal(s.thread.tid, worker_tid);
	assert_int_equal(s.thread.flags & 0x2000, 0x2000); /* PPM_CL_CLONE_THREAD */
	assert_string_equal(s.thread.exepath.buf, exe);

	pthread_mutex_lock(&mu);
	worker_stop = true;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
	pthread_join(th, NULL);
}

static void test_scan_fds(void **state)
{
	static struct seen s;
	struct sk_proc_scan_cb cb = {.ctx = &s, .proc = on_proc, .fd = on_fd};
	char dir[] = "/tmp/saker-scan-XXXXXX", file[128], sock[128];
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	struct sockaddr_un su = {.sun_family = AF_UNIX};
	socklen_t sl = sizeof(sa);
	int ffd, dfd, pfd[2], lfd, cfd, afd, efd, ufd;
	int lport, cport;
	struct stat st;
	const struct sk_scap_fd *f;
	uint16_t port;

	(void)state;
	memset(&s, 0, sizeof(s));
	assert_non_null(mkdtemp(dir));
	snprintf(file, sizeof(file), "%s/f", dir);
	ffd = open(file, O_CREAT | O_RDWR | O_APPEND, 0600);
	assert_true(ffd >= 0);
	dfd = open(dir, O_RDONLY | O_DIRECTORY);
	assert_int_equal(pipe(pfd), 0);
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	assert_int_equal(bind(lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(lfd, 4), 0);
	getsockname(lfd, (struct sockaddr *)&sa, &sl);
	lport = ntohs(sa.sin_port);
	cfd = socket(AF_INET, SOCK_STREAM, 0);
	assert_int_equal(connect(cfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	getsockname(cfd, (struct sockaddr *)&sa, &sl);
	cport = ntohs(sa.sin_port);
	afd = accept(lfd, NULL, NULL);
	efd = eventfd(0, 0);
	snprintf(sock, sizeof(sock), "%s/u.sock", dir);
	assert_true(strlen(sock) < sizeof(su.sun_path));
	memcpy(su.sun_path, sock, strlen(sock) + 1);
	ufd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_int_equal(bind(ufd, (struct sockaddr *)&su, sizeof(su)), 0);
	assert_int_equal(listen(ufd, 1), 0);

	assert_int_equal(sk_proc_scan("/proc", &cb, errbuf, sizeof(errbuf)), 0);

	f = fd_of(&s, ffd);
	assert_int_equal(f->type, SK_FD_FILE_V2);
	assert_string_equal(f->name.buf, file);
	assert_int_equal(f->open_flags & 0xff, 0x3 | 0x8); /* PPM O_RDWR | O_APPEND */
	assert_int_equal(fstat(ffd, &st), 0);
	assert_int_equal(f->ino, st.st_ino);
	assert_int_equal(f->dev, (uint32_t)st.st_dev);
	f = fd_of(&s, dfd);
	assert_int_equal(f->type, SK_FD_DIRECTORY);
	assert_string_equal(f->name.buf, dir);
	f = fd_of(&s, pfd[0]);
	assert_int_equal(f->type, SK_FD_FIFO);
	assert_int_equal(fstat(pfd[0], &st), 0);
	assert_int_equal(f->ino, st.st_ino);
	f = fd_of(&s, lfd);
	assert_int_equal(f->type, SK_FD_IPV4_SERVSOCK);
	assert_int_equal(f->sport, lport);
	assert_int_equal(f->l4proto, 2);
	f = fd_of(&s, cfd);
	assert_int_equal(f->type, SK_FD_IPV4_SOCK);
	assert_int_equal(f->sport, cport);
	assert_int_equal(f->dport, lport);
	assert_int_equal(f->sip[0], 127);
	assert_int_equal(f->dip[3], 1);
	f = fd_of(&s, afd);
	assert_int_equal(f->type, SK_FD_IPV4_SOCK);
	port = f->sport;
	assert_int_equal(port, lport);
	f = fd_of(&s, efd);
	assert_int_equal(f->type, SK_FD_EVENT);
	f = fd_of(&s, ufd);
	assert_int_equal(f->type, SK_FD_UNIX_SOCK);
	assert_string_equal(f->name.buf, sock);

	close(ffd);
	close(dfd);
	close(pfd[0]);
	close(pfd[1]);
	close(lfd);
	close(cfd);
	close(afd);
	close(efd);
	close(ufd);
	unlink(sock);
	unlink(file);
	rmdir(dir);
}

static void test_scan_stop_and_errors(void **state)
{
	static struct seen s;
	struct sk_proc_scan_cb cb = {.ctx = &s, .proc = on_proc, .fd = NULL};

	(void)state;
	memset(&s, 0, sizeof(s));
	s.stop_after = 2;
	assert_int_equal(sk_proc_scan("/proc", &cb, errbuf, sizeof(errbuf)), 7);
	assert_int_equal(s.nprocs_total, 2);
	assert_int_equal(sk_proc_scan("/nonexistent-proc", &cb, errbuf, sizeof(errbuf)), -ENOENT);
	assert_non_null(strstr(errbuf, "/nonexistent-proc"));
	cb.proc = NULL;
	assert_int_equal(sk_proc_scan("/proc", &cb, errbuf, sizeof(errbuf)), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scan_self),
		cmocka_unit_test(test_scan_fds),
		cmocka_unit_test(test_scan_stop_and_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
