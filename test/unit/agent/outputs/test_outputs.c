/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The outputs against real sinks made here: a file, a program, a unix
 * datagram socket (syslog); the token bucket counted exactly; a sink that
 * blocks neither the event thread nor the other outputs; queues drained on
 * close; every alert accounted for.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../../../agent/outputs/outputs.h"

static char dir[256];

static int setup(void **state)
{
	snprintf(dir, sizeof(dir), "/tmp/sk-outputs-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return strdup("");
	static char buf[1 << 20];
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return strdup(buf);
}

static unsigned count_lines(const char *s)
{
	unsigned n = 0;
	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static struct sk_output_stats stats_of(struct sk_outputs *o, const char *name)
{
	struct sk_output_stats s = {0};
	for (unsigned i = 0; i < sk_outputs_count(o); i++) {
		sk_outputs_stats(o, i, &s);
		if (!strcmp(s.name, name))
			return s;
	}
	fail_msg("no output %s", name);
	return s;
}

static void opts_init(struct sk_outputs_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->max_burst = 1000;
	o->default_user_agent = "saker/test";
	o->timeout_ms = 1000;
}

/* File (keep_alive or not) and program outputs receive every alert, in order. */
static void test_file_and_program(void **state)
{
	char file1[300], file2[300], prog_out[300], cmd[400], err[256];
	snprintf(file1, sizeof(file1), "%s/a.txt", dir);
	snprintf(file2, sizeof(file2), "%s/b.txt", dir);
	snprintf(prog_out, sizeof(prog_out), "%s/prog.txt", dir);
	snprintf(cmd, sizeof(cmd), "cat >> '%s'", prog_out);
	for (int keep = 0; keep < 2; keep++) {
		struct sk_outputs_opts oo;
		opts_init(&oo);
		oo.file.filename = keep ? file1 : file2;
		oo.file.keep_alive = keep;
		oo.program.cmd = cmd;
		oo.program.keep_alive = keep;
		struct sk_outputs *o;
		assert_int_equal(sk_outputs_new(&o, &oo, err, sizeof(err)), 0);
		for (int i = 0; i < 50; i++) {
			char text[64];
			snprintf(text, sizeof(text), "alert %d keep=%d", i, keep);
			assert_true(sk_outputs_emit(o, SK_PRIO_WARNING, "r", text));
		}
		sk_outputs_close(o);
		assert_int_equal(stats_of(o, "file").sent, 50);
		assert_int_equal(stats_of(o, "program").sent, 50);
		assert_int_equal(stats_of(o, "program").errors, 0);
		sk_outputs_free(o);
	}
	char *a = slurp(file1), *p = slurp(prog_out);
	assert_int_equal(count_lines(a), 50);
	assert_non_null(strstr(a, "alert 0 keep=1\nalert 1 keep=1\n"));
	assert_non_null(strstr(a, "alert 49 keep=1\n"));
	assert_int_equal(count_lines(p), 100);
	assert_non_null(strstr(p, "alert 49 keep=0\n"));
	free(a);
	free(p);
}

/* rate almost 0 and max_burst N: exactly N alerts pass, every other one is counted. */
static void test_token_bucket_exact(void **state)
{
	char file[300], err[256];
	snprintf(file, sizeof(file), "%s/rl.txt", dir);
	struct sk_outputs_opts oo;
	opts_init(&oo);
	oo.rate = 1e-9;
	oo.max_burst = 7;
	oo.file.filename = file;
	struct sk_outputs *o;
	assert_int_equal(sk_outputs_new(&o, &oo, err, sizeof(err)), 0);
	unsigned passed = 0;
	for (int i = 0; i < 100; i++)
		passed += sk_outputs_emit(o, SK_PRIO_ERROR, "rl", "x");
	sk_outputs_close(o);
	assert_int_equal(passed, 7);
	assert_int_equal(sk_outputs_rate_limited(o), 93);
	assert_int_equal(stats_of(o, "file").sent, 7);
	sk_outputs_free(o);
	char *t = slurp(file);
	assert_int_equal(count_lines(t), 7);
	free(t);
}

/* A refill rate lets tokens back in over time. */
static void test_token_bucket_refills(void **state)
{
	char err[256];
	struct sk_outputs_opts oo;
	opts_init(&oo);
	oo.rate = 20;
	oo.max_burst = 2;
	struct sk_outputs *o;
	assert_int_equal(sk_outputs_new(&o, &oo, err, sizeof(err)), 0);
	assert_true(sk_outputs_emit(o, SK_PRIO_ERROR, "r", "1"));
	assert_true(sk_outputs_emit(o, SK_PRIO_ERROR, "r", "2"));
	assert_false(sk_outputs_emit(o, SK_PRIO_ERROR, "r", "3"));
	usleep(120 * 1000); /* 20/s: two tokens back, capped at max_burst */
	assert_true(sk_outputs_emit(o, SK_PRIO_ERROR, "r", "4"));
	assert_true(sk_outputs_emit(o, SK_PRIO_ERROR, "r", "5"));
	assert_false(sk_outputs_emit(o, SK_PRIO_ERROR, "r", "6"));
	assert_int_equal(sk_outputs_rate_limited(o), 2);
	sk_outputs_free(o);
}

/* Syslog: RFC 3164 datagrams, severity = the rule's priority, facility user. */
static void test_syslog_socket(void **state)
{
	char path[300], err[256];
	snprintf(path, sizeof(path), "%s/log.sock", dir);
	int fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	assert_true(strlen(path) < sizeof(sa.sun_path));
	memcpy(sa.sun_path, path, strlen(path) + 1);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	struct sk_outputs_opts oo;
	opts_init(&oo);
	oo.syslog_address = path;
	struct sk_outputs *o;
	assert_int_equal(sk_outputs_new(&o, &oo, err, sizeof(err)), 0);
	sk_outputs_emit(o, SK_PRIO_CRITICAL, "r", "first alert");
	sk_outputs_emit(o, SK_PRIO_DEBUG, "r", "second alert");
	sk_outputs_close(o);
	char buf[512];
	ssize_t n = recv(fd, buf, sizeof(buf) - 1, 0);
	assert_true(n > 0);
	buf[n] = '\0';
	assert_memory_equal(buf, "<10>", 4); /* user (1) * 8 + critical (2) */
	char want[64];
	snprintf(want, sizeof(want), " saker[%d]: first alert", (int)getpid());
	assert_non_null(strstr(buf, want));
	n = recv(fd, buf, sizeof(buf) - 1, 0);
	buf[n] = '\0';
	assert_memory_equal(buf, "<15>", 4);
	assert_int_equal(stats_of(o, "syslog").sent, 2);
	sk_outputs_free(o);
	close(fd);
}

/* A missing syslog socket: alerts are counted as errors, never lost silently. */
static void test_failures_counted(void **state)
{
	char path[300], err[256];
	snprintf(path, sizeof(path), "%s/nobody.sock", dir);
	struct sk_outputs_opts oo;
	opts_init(&oo);
	oo.syslog_address = path;
	struct sk_outputs *o;
	assert_int_equal(sk_outputs_new(&o, &oo, err, sizeof(err)), 0);
	for (int i = 0; i < 5; i++)
		sk_outputs_emit(o, SK_PRIO_ERROR, "r", "x");
	sk_outputs_close(o);
	assert_int_equal(stats_of(o, "syslog").errors, 5);
	assert_int_equal(stats_of(o, "syslog").sent, 0);
	sk_outputs_free(o);
	/* a file that cannot be opened is refused at start, naming it */
	opts_init(&oo);
	oo.file.filename = "/nonexistent-dir/x.txt";
	assert_int_equal(sk_outputs_new(&o, &oo, err, sizeof(err)), -ENOENT);
	assert_string_equal(err, "file output: cannot open '/nonexistent-dir/x.txt': No such file "
				 "or directory");
	opts_init(&oo);
	struct sk_http_output_config h = {.enabled = true, .url = "ftp://x"};
	oo.http = &h;
	assert_int_equal(sk_outputs_new(&o, &oo, err, sizeof(err)), -EINVAL);
}

/*
 * A program that does not read for 2 s: the event thread's emits return at
 * once, the file output gets everything meanwhile, the program's queue fills
 * and drops (counted), and after close every alert is accounted for.
 */
static void test_blocked_sink_isolated(void **state)
{
	char file[300], err[256];
	snprintf(file, sizeof(file), "%s/fast.txt", dir);
	struct sk_outputs_opts oo;
	opts_init(&oo);
	oo.queue_capacity = 8;
	oo.file.filename = file;
	oo.file.keep_alive = true;
	oo.program.cmd = "sleep 2; cat >/dev/null";
	oo.program.keep_alive = true;
	struct sk_outputs *o;
	assert_int_equal(sk_outputs_new(&o, &oo, err, sizeof(err)), 0);
	static char big[16384];
	memset(big, 'a', sizeof(big) - 1);
	const unsigned n = 200;
	double t0 = now();
	for (unsigned i = 0; i < n; i++) {
		sk_outputs_emit(o, SK_PRIO_ERROR, "r", big);
		usleep(1000); /* let the file output keep up with its small queue */
	}
	double emit_time = now() - t0;
	assert_true(emit_time < 1.5); /* never waited for the blocked program */
	for (int i = 0; i < 100 && stats_of(o, "file").sent < n; i++)
		usleep(10000);
	assert_int_equal(stats_of(o, "file").sent, n); /* before the program read anything */
	assert_true(now() - t0 < 2.0);
	struct sk_output_stats p = stats_of(o, "program");
	assert_true(p.dropped > 0);
	sk_outputs_close(o);
	p = stats_of(o, "program");
	assert_int_equal(p.sent + p.errors + p.dropped, n);
	sk_outputs_free(o);
}

/* buffered_outputs: alerts wait in the stdio buffer until close; unbuffered: written per batch. */
static void test_buffered_vs_unbuffered(void **state)
{
	char file[300], err[256];
	for (int buffered = 0; buffered < 2; buffered++) {
		snprintf(file, sizeof(file), "%s/buf%d.txt", dir, buffered);
		struct sk_outputs_opts oo;
		opts_init(&oo);
		oo.buffered = buffered;
		oo.file.filename = file;
		oo.file.keep_alive = true;
		struct sk_outputs *o;
		assert_int_equal(sk_outputs_new(&o, &oo, err, sizeof(err)), 0);
		for (int i = 0; i < 20; i++)
			sk_outputs_emit(o, SK_PRIO_ERROR, "r", "a short alert");
		for (int i = 0; i < 200 && stats_of(o, "file").sent < 20; i++)
			usleep(5000);
		assert_int_equal(stats_of(o, "file").sent, 20);
		char *t = slurp(file);
		assert_int_equal(count_lines(t), buffered ? 0 : 20);
		free(t);
		sk_outputs_close(o); /* flushed on shutdown either way */
		t = slurp(file);
		assert_int_equal(count_lines(t), 20);
		free(t);
		sk_outputs_free(o);
	}
}

static void count_rule(void *ctx, const char *rule, enum sk_priority prio, uint64_t n)
{
	uint64_t *seen = ctx;
	if (!strcmp(rule, "A") && prio == SK_PRIO_ERROR)
		seen[0] += n;
	else if (!strcmp(rule, "B") && prio == SK_PRIO_NOTICE)
		seen[1] += n;
	else
		seen[2] += n;
}

static void test_alerts_by_rule(void **state)
{
	char err[256];
	struct sk_outputs_opts oo;
	opts_init(&oo);
	oo.rate = 1e-9;
	oo.max_burst = 1;
	struct sk_outputs *o;
	assert_int_equal(sk_outputs_new(&o, &oo, err, sizeof(err)), 0);
	for (int i = 0; i < 3; i++)
		sk_outputs_emit(o, SK_PRIO_ERROR, "A", "x");
	sk_outputs_emit(o, SK_PRIO_NOTICE, "B", "x");
	uint64_t seen[3] = {0};
	sk_outputs_foreach_rule(o, count_rule, seen);
	/* counted whether or not the bucket let them through */
	assert_int_equal(seen[0], 3);
	assert_int_equal(seen[1], 1);
	assert_int_equal(seen[2], 0);
	sk_outputs_free(o);
}

/*
 * A reload's replacement: new outputs opened paused on the same file queue
 * without writing; the old ones drain first, so the file has every alert
 * once and in order; the counters carried over never go back.
 */
static void test_replace_paused_and_carry(void **state)
{
	char file[300], err[256];
	snprintf(file, sizeof(file), "%s/swap.txt", dir);
	struct sk_outputs_opts oo;
	opts_init(&oo);
	oo.file.filename = file;
	oo.file.keep_alive = true;
	struct sk_outputs *old, *cur;
	assert_int_equal(sk_outputs_new(&old, &oo, err, sizeof(err)), 0);
	oo.paused = true;
	assert_int_equal(sk_outputs_new(&cur, &oo, err, sizeof(err)), 0);
	char text[64];
	for (int i = 0; i < 100; i++) {
		snprintf(text, sizeof(text), "alert %d", i);
		sk_outputs_emit(old, SK_PRIO_ERROR, "A", text);
	}
	for (int i = 100; i < 200; i++) {
		snprintf(text, sizeof(text), "alert %d", i);
		sk_outputs_emit(cur, SK_PRIO_ERROR, "A", text);
	}
	usleep(50000);
	assert_int_equal(stats_of(cur, "file").sent, 0);
	assert_int_equal(stats_of(cur, "file").depth, 100);
	sk_outputs_carry(cur, old); /* the swap: alerts by rule move */
	sk_outputs_close(old);
	sk_outputs_carry(cur, old); /* after the drain: what old sent since */
	sk_outputs_resume(cur);
	sk_outputs_free(old);
	sk_outputs_close(cur);
	assert_int_equal(stats_of(cur, "file").sent, 200);
	uint64_t seen[3] = {0};
	sk_outputs_foreach_rule(cur, count_rule, seen);
	assert_int_equal(seen[0], 200);
	sk_outputs_free(cur);
	char *f = slurp(file);
	assert_int_equal(count_lines(f), 200);
	char *p = f;
	for (int i = 0; i < 200; i++) {
		snprintf(text, sizeof(text), "alert %d\n", i);
		assert_memory_equal(p, text, strlen(text));
		p += strlen(text);
	}
	free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_file_and_program),
		cmocka_unit_test(test_token_bucket_exact),
		cmocka_unit_test(test_token_bucket_refills),
		cmocka_unit_test(test_syslog_socket),
		cmocka_unit_test(test_failures_counted),
		cmocka_unit_test(test_blocked_sink_isolated),
		cmocka_unit_test(test_alerts_by_rule),
		cmocka_unit_test(test_buffered_vs_unbuffered),
		cmocka_unit_test(test_replace_paused_and_carry),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
