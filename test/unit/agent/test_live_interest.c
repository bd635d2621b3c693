/* SPDX-License-Identifier: Apache-2.0 */
/* The kernel interest set: rules' syscalls + state tracking's, -A, base_syscalls.custom_set. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../../agent/live.h"

static bool want[SK_PROBE_NR_MAX];

static bool wanted(const char *name)
{
	int nr = sk_syscall_nr(name);
	assert_true(nr >= 0);
	return want[nr];
}

static void test_state_set(void **unused)
{
	sk_live_interest(NULL, false, NULL, want);
	assert_true(wanted("execve"));
	assert_true(wanted("clone"));
	assert_true(wanted("openat"));
	assert_true(wanted("close"));
	assert_true(wanted("connect"));
	assert_true(wanted("setuid"));
	assert_true(wanted("chdir"));
	assert_false(wanted("getpid"));
	assert_false(wanted("read"));
	assert_false(wanted("ptrace"));
}

static void test_all(void **unused)
{
	sk_live_interest(NULL, true, NULL, want);
	assert_true(wanted("getpid"));
	assert_true(wanted("read"));
	assert_true(wanted("ptrace"));
}

static void test_filler_only(void **unused)
{
	static bool has_filler[SK_PROBE_NR_MAX];
	has_filler[sk_syscall_nr("execve")] = true;
	sk_live_interest(NULL, false, has_filler, want);
	assert_true(wanted("execve"));
	/* State wants openat, but without an event of its own it would be a generic event. */
	assert_false(wanted("openat"));
}

/* Rules naming events: their syscalls, with event names that differ from syscall names. */
static void test_rules(void **unused)
{
	char path[] = "/tmp/saker-test-interest-XXXXXX.yaml";
	int fd = mkstemps(path, 5);
	assert_true(fd >= 0);
	const char *yaml = "- rule: r1\n  desc: d\n  condition: evt.type = ptrace\n"
			   "  output: o\n  priority: WARNING\n"
			   "- rule: r2\n  desc: d\n  condition: evt.type in (umount, dup)\n"
			   "  output: o\n  priority: WARNING\n"
			   "- rule: r3\n  desc: d\n  condition: evt.type in (mlock, sync) and "
			   "not evt.type = getpid\n  output: o\n  priority: WARNING\n"
			   "- rule: r4\n  desc: d\n  condition: not evt.type != msync\n"
			   "  output: o\n  priority: WARNING\n"
			   "- rule: r5\n  desc: d\n  condition: evt.type in (read, recvfrom, pread)\n"
			   "  output: o\n  priority: WARNING\n";
	assert_int_equal(write(fd, yaml, strlen(yaml)), (ssize_t)strlen(yaml));
	close(fd);
	static struct sk_options o;
	static struct sk_config cfg;
	static struct sk_engine_setup s;
	char err[512];
	char *argv[] = {"saker", NULL};
	assert_int_equal(sk_options_parse(&o, 1, argv, err, sizeof(err)), 0);
	sk_config_init(&cfg);
	assert_int_equal(sk_engine_setup_init(&s, &o, &cfg, err, sizeof(err)), 0);
	const char *paths[] = {path};
	assert_int_equal(sk_engine_setup_load(&s, paths, 1, stderr), 0);
	unlink(path);
	sk_live_interest(s.rs, false, NULL, want);
	assert_true(wanted("ptrace"));
	assert_true(wanted("umount2"));
	assert_true(wanted("dup2"));
	assert_true(wanted("dup3"));
	assert_true(wanted("execve")); /* state */
	assert_false(wanted("getpid"));
	/* high-volume I/O that a rule names: evaluated only with -A, so not reported */
	assert_false(wanted("read"));
	assert_false(wanted("recvfrom"));
	assert_false(wanted("pread64"));
	/* without an event of their own: only those the rules name, as generic events */
	static bool has_filler[SK_PROBE_NR_MAX];
	for (unsigned nr = 0; nr < SK_PROBE_NR_MAX; nr++)
		has_filler[nr] = true;
	const char *generic[] = {"mlock", "sync", "msync", "getpid", "munlock"};
	for (unsigned i = 0; i < sizeof(generic) / sizeof(generic[0]); i++)
		has_filler[sk_syscall_nr(generic[i])] = false;
	sk_live_interest(s.rs, false, has_filler, want);
	assert_true(wanted("mlock"));
	assert_true(wanted("sync"));
	assert_true(wanted("msync"));	/* not evt.type != msync */
	assert_false(wanted("getpid"));	/* named under not */
	assert_false(wanted("munlock")); /* named by no rule */
	assert_true(wanted("ptrace"));
	sk_engine_setup_fini(&s);
	sk_config_fini(&cfg);
}

static void test_custom_set(void **unused)
{
	char err[128];
	sk_live_interest(NULL, false, NULL, want);
	const char *set[] = {"getpid", "!openat"};
	assert_int_equal(sk_live_interest_custom(want, set, 2, err, sizeof(err)), 0);
	assert_true(wanted("getpid"));
	assert_false(wanted("openat"));
	const char *bad[] = {"no_such_syscall"};
	assert_int_equal(sk_live_interest_custom(want, bad, 1, err, sizeof(err)), -ENOENT);
	assert_string_equal(err, "base_syscalls.custom_set: unknown syscall 'no_such_syscall'");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_state_set),   cmocka_unit_test(test_all),
		cmocka_unit_test(test_filler_only), cmocka_unit_test(test_rules),
		cmocka_unit_test(test_custom_set),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
