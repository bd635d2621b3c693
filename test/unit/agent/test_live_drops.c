/* SPDX-License-Identifier: Apache-2.0 */
/* syscall_event_drops: the once-a-second check, its token bucket, the alert, the configuration. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../../agent/live.h"

#define SEC 1000000000ull

static void test_defaults(void **unused)
{
	struct sk_drop_cfg c;
	sk_drop_cfg_default(&c);
	assert_true(c.threshold > 0.099 && c.threshold < 0.101);
	assert_int_equal(c.actions, SK_DROP_LOG | SK_DROP_ALERT);
	assert_true(c.rate > 0.0333 && c.rate < 0.0334);
	assert_int_equal(c.max_burst, 1);
}

static void test_check_and_bucket(void **unused)
{
	struct sk_drop_cfg c;
	struct sk_drop_mgr m;
	struct sk_drop_delta d;
	sk_drop_cfg_default(&c);
	sk_drop_mgr_init(&m, &c, 0);
	/* No drops: nothing. */
	assert_int_equal(sk_drop_mgr_check(&m, 1 * SEC, 1000, 0, &d), 0);
	assert_int_equal(d.events, 1000);
	assert_int_equal(d.drops, 0);
	/* 500 dropped of 1500 produced (33%) > 10%: the actions, once (burst 1). */
	assert_int_equal(sk_drop_mgr_check(&m, 2 * SEC, 2000, 500, &d), SK_DROP_LOG | SK_DROP_ALERT);
	assert_int_equal(d.events, 1000);
	assert_int_equal(d.drops, 500);
	/* One second later the bucket is still empty (1 token per 30 s). */
	assert_int_equal(sk_drop_mgr_check(&m, 3 * SEC, 3000, 1000, &d), 0);
	assert_int_equal(m.detected, 2);
	assert_int_equal(m.actions_taken, 1);
	/* 30 s later a token is back. */
	assert_int_equal(sk_drop_mgr_check(&m, 33 * SEC, 4000, 1500, &d), SK_DROP_LOG | SK_DROP_ALERT);
	/* Under the threshold: 10 dropped of 10010 produced. */
	assert_int_equal(sk_drop_mgr_check(&m, 70 * SEC, 14000, 1510, &d), 0);
	assert_int_equal(m.detected, 3);
}

static void test_ignore_and_exit(void **unused)
{
	struct sk_drop_cfg c = {.threshold = 0, .actions = SK_DROP_IGNORE, .rate = 1, .max_burst = 5};
	struct sk_drop_mgr m;
	struct sk_drop_delta d;
	sk_drop_mgr_init(&m, &c, 0);
	assert_int_equal(sk_drop_mgr_check(&m, SEC, 10, 1, &d), 0);
	assert_int_equal(m.detected, 1);
	c.actions = SK_DROP_EXIT;
	sk_drop_mgr_init(&m, &c, 0);
	assert_int_equal(sk_drop_mgr_check(&m, SEC, 10, 1, &d), SK_DROP_EXIT);
}

static void test_alert_format(void **unused)
{
	char out[1024];
	struct sk_drop_delta d = {.events = 900, .drops = 100};
	struct sk_output_opts o;
	sk_output_opts_init(&o);
	sk_drop_alert_format(&d, 1700000000ull * SEC + 5, &o, out, sizeof(out));
	assert_non_null(strstr(out, ": Critical Falco internal: syscall event drop. 100 system calls "
				    "dropped in last second. (ebpf_enabled=1 n_drops=100"));
	assert_non_null(strstr(out, "n_evts=1000)"));
	o.json = true;
	o.hostname = "h";
	sk_drop_alert_format(&d, 1700000000ull * SEC + 5, &o, out, sizeof(out));
	assert_non_null(strstr(out, "\"rule\":\"Falco internal: syscall event drop\""));
	assert_non_null(strstr(out, "\"source\":\"internal\""));
	assert_non_null(strstr(out, "\"priority\":\"Critical\""));
	assert_non_null(strstr(out, "\"n_drops\":100"));
	assert_non_null(strstr(out, "\"time\":\"2023-11-14T22:13:20.000000005Z\""));
}

static int load(struct sk_config *c, const char *const *ov, unsigned n)
{
	char err[512];
	sk_config_init(c);
	return sk_config_load(c, NULL, ov, n, err, sizeof(err));
}

static void test_settings(void **unused)
{
	static struct sk_config c;
	struct sk_live_settings ls;
	char err[512];
	assert_int_equal(load(&c, NULL, 0), 0);
	assert_int_equal(sk_live_settings_read(&ls, &c, err, sizeof(err)), 0);
	assert_int_equal(ls.drops.actions, SK_DROP_LOG | SK_DROP_ALERT);
	assert_int_equal(ls.ringbuf_bytes, 0);
	assert_false(ls.all_syscalls);
	sk_config_fini(&c);

	const char *ov[] = {"syscall_event_drops.threshold=0.5", "syscall_event_drops.actions[]=exit",
			    "syscall_event_drops.actions[]=log", "syscall_event_drops.max_burst=3",
			    "engine.modern_ebpf.ringbuf_bytes=8192", "syscall_buf_size_preset=2",
			    "base_syscalls.all=true", "base_syscalls.custom_set[]=getpid",
			    "base_syscalls.custom_set[]=!read"};
	assert_int_equal(load(&c, ov, 9), 0);
	assert_int_equal(sk_live_settings_read(&ls, &c, err, sizeof(err)), 0);
	assert_true(ls.drops.threshold > 0.49 && ls.drops.threshold < 0.51);
	assert_int_equal(ls.drops.actions, SK_DROP_EXIT | SK_DROP_LOG);
	assert_int_equal(ls.drops.max_burst, 3);
	assert_int_equal(ls.ringbuf_bytes, 8192);
	assert_int_equal(ls.buf_size_preset, 2);
	assert_true(ls.all_syscalls);
	assert_int_equal(ls.ncustom, 2);
	assert_string_equal(ls.custom_set[1], "!read");
	sk_config_fini(&c);
}

static void test_settings_errors(void **unused)
{
	static struct sk_config c;
	struct sk_live_settings ls;
	char err[512];
	const char *bad1[] = {"syscall_event_drops.threshold=2"};
	assert_int_equal(load(&c, bad1, 1), 0);
	assert_int_equal(sk_live_settings_read(&ls, &c, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "threshold"));
	assert_non_null(strstr(err, "syscall_event_drops.threshold=2")); /* where it came from */
	sk_config_fini(&c);
	const char *bad2[] = {"syscall_event_drops.actions=shout"};
	assert_int_equal(load(&c, bad2, 1), 0);
	assert_int_equal(sk_live_settings_read(&ls, &c, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "ignore, log, alert or exit"));
	sk_config_fini(&c);
	const char *bad3[] = {"engine.modern_ebpf.ringbuf_bytes=5000"};
	assert_int_equal(load(&c, bad3, 1), 0);
	assert_int_equal(sk_live_settings_read(&ls, &c, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "power of two"));
	sk_config_fini(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),      cmocka_unit_test(test_check_and_bucket),
		cmocka_unit_test(test_ignore_and_exit), cmocka_unit_test(test_alert_format),
		cmocka_unit_test(test_settings),      cmocka_unit_test(test_settings_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
