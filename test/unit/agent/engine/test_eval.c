/* SPDX-License-Identifier: Apache-2.0 */
/* Evaluation of compiled conditions: every operator's semantics and edge cases. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <netdb.h>

#include "../../../../agent/engine/filter.h"
#include "engine_test_util.h"

static struct sk_field_registry *reg;
static struct sk_evt cur_evt;
static bool have_evt;

static int setup(void **state)
{
	(void)state;
	reg = test_registry();
	return reg ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	sk_field_registry_free(reg);
	return 0;
}

static int reset(void **state)
{
	(void)state;
	memset(&tv, 0, sizeof(tv));
	have_evt = false;
	return 0;
}

/* Compile cond (must succeed) and evaluate it once. */
static bool ev(const char *cond)
{
	struct sk_filter *f = NULL;
	char err[512] = "";
	int rc = sk_filter_compile_text(NULL, reg, "syscall", cond, &f, err, sizeof(err));
	if (rc != 0)
		fail_msg("compile '%s': %d %s", cond, rc, err);
	char scratch[4096];
	struct sk_eval_ctx ctx = {.evt = have_evt ? &cur_evt : NULL,
				  .source = "syscall",
				  .scratch = scratch,
				  .scratch_cap = sizeof(scratch)};
	bool r = sk_filter_eval(f, &ctx);
	sk_filter_free(f);
	return r;
}

/* Compile cond, expect failure; returns the message. */
static const char *compile_err(const char *cond)
{
	static char err[512];
	struct sk_filter *f = NULL;
	err[0] = '\0';
	int rc = sk_filter_compile_text(NULL, reg, "syscall", cond, &f, err, sizeof(err));
	if (rc == 0) {
		sk_filter_free(f);
		fail_msg("'%s' compiled but should not", cond);
	}
	return err;
}

static void test_string_ops(void **state)
{
	(void)state;
	tv.str = "/usr/bin/Bash";
	assert_true(ev("test.str = /usr/bin/Bash"));
	assert_true(ev("test.str == \"/usr/bin/Bash\""));
	assert_false(ev("test.str = /usr/bin/bash"));
	assert_true(ev("test.str != /usr/bin/bash"));
	assert_false(ev("test.str != /usr/bin/Bash"));
	assert_true(ev("test.str contains bin/B"));
	assert_false(ev("test.str contains bin/b"));
	assert_true(ev("test.str icontains BIN/b"));
	assert_true(ev("test.str startswith /usr/"));
	assert_false(ev("test.str startswith usr"));
	assert_true(ev("test.str endswith Bash"));
	assert_false(ev("test.str endswith /usr/bin/Bash/"));
	assert_true(ev("test.str < /usr/bin/C"));
	assert_true(ev("test.str >= /usr/bin/Bash"));
	assert_false(ev("test.str > /usr/bin/Bash"));
	/* empty string literal */
	tv.str = "";
	assert_true(ev("test.str = \"\""));
	assert_true(ev("test.str contains \"\""));
	assert_true(ev("test.str startswith \"\""));
}

static void test_glob(void **state)
{
	(void)state;
	tv.str = "/etc/ssh/sshd_config";
	assert_true(ev("test.str glob /etc/*/sshd_*"));
	assert_true(ev("test.str glob '/etc/ss?/*'"));
	/* '*' crosses '/' (fnmatch without FNM_PATHNAME, as libsinsp) */
	assert_true(ev("test.str glob /etc*config"));
	assert_false(ev("test.str glob /ETC/*"));
	assert_true(ev("test.str iglob /ETC/SSH/*"));
	assert_true(ev("test.str glob '/etc/[rs]sh/*'"));
}

static void test_regex(void **state)
{
	(void)state;
	tv.str = "curl-7.88";
	/* RE2 ANCHOR_BOTH semantics: the whole value must match */
	assert_true(ev("test.str regex 'curl-[0-9]+\\.[0-9]+'"));
	assert_false(ev("test.str regex 'curl'"));
	assert_true(ev("test.str regex '.*url.*'"));
	assert_false(ev("test.str regex '^url'"));
	const char *e = compile_err("test.str regex '(unclosed'");
	assert_non_null(strstr(e, "invalid regular expression"));
}

static void test_numbers(void **state)
{
	(void)state;
	tv.i = -5;
	tv.u = 18446744073709551615ull;
	assert_true(ev("test.int = -5"));
	assert_true(ev("test.int < 0"));
	assert_true(ev("test.int <= -5"));
	assert_false(ev("test.int > -5"));
	assert_true(ev("test.int in (1, -5, 7)"));
	assert_false(ev("test.int in (1, 5, 7)"));
	assert_true(ev("test.uint = 18446744073709551615"));
	assert_true(ev("test.uint > 0"));
	assert_true(ev("test.uint = 0xffffffffffffffff"));
	assert_true(ev("test.uint != 1"));
	tv.u = 22;
	assert_true(ev("test.port = 22"));
	assert_true(ev("test.port in (21, 22)"));
	/* ports also take service names, resolved at load time (needs /etc/services) */
	if (getservbyname("ssh", "tcp") && getservbyname("http", "tcp")) {
		assert_true(ev("test.port = ssh"));
		assert_true(ev("test.port in (http, ssh)"));
		assert_false(ev("test.port = http"));
	}
	assert_non_null(strstr(compile_err("test.port = no-such-service"), "not a valid number"));
	assert_true(ev("test.uid >= 22"));
	/* constants are checked against the field's type at load time */
	assert_non_null(strstr(compile_err("test.int = abc"), "not a valid number"));
	assert_non_null(strstr(compile_err("test.int in (1, x)"), "'x' is not a valid number"));
	assert_non_null(strstr(compile_err("test.int contains 1"), "not supported"));
	assert_non_null(strstr(compile_err("test.uint = 99999999999999999999"), "not a valid"));
}

static void test_bool_and_double(void **state)
{
	(void)state;
	tv.b = true;
	assert_true(ev("test.bool = true"));
	assert_false(ev("test.bool = false"));
	assert_true(ev("test.bool != false"));
	assert_non_null(strstr(compile_err("test.bool = yes"), "not a valid boolean"));
	tv.d = 2.5;
	assert_true(ev("test.dbl > 2"));
	assert_true(ev("test.dbl = 2.5"));
	assert_true(ev("test.dbl in (1, 2.5)"));
	assert_false(ev("test.dbl < 2.4"));
}

static void test_ip_and_net(void **state)
{
	(void)state;
	set_ip("10.1.2.3");
	assert_true(ev("test.ip = 10.1.2.3"));
	assert_false(ev("test.ip = 10.1.2.4"));
	assert_true(ev("test.ip != 10.1.2.4"));
	assert_true(ev("test.ip in (192.168.0.1, 10.1.2.3)"));
	assert_non_null(strstr(compile_err("test.ip = 10.1.2"), "not a valid IP address"));
	/* networks: fd.net-style fields compare by containment */
	assert_true(ev("test.net = 10.0.0.0/8"));
	assert_true(ev("test.net = 10.1.2.0/23"));
	assert_false(ev("test.net = 10.1.4.0/23"));
	assert_true(ev("test.net in (192.168.0.0/16, 10.0.0.0/8)"));
	assert_false(ev("test.net in (192.168.0.0/16, 172.16.0.0/12)"));
	assert_true(ev("test.net != 192.168.0.0/16"));
	assert_non_null(strstr(compile_err("test.net = 10.0.0.0/33"), "not a valid IP network"));
	set_ip("fd00::1");
	assert_true(ev("test.net = fd00::/8"));
	assert_false(ev("test.net = 10.0.0.0/8"));
	assert_true(ev("test.ip = 'fd00::1'"));
}

static void test_bytes(void **state)
{
	(void)state;
	tv.bytes = "\x7f"
		   "ELF\x02\x01";
	tv.nbytes = 6;
	assert_true(ev("test.bytes bstartswith 7f454c46"));
	assert_false(ev("test.bytes bstartswith 454c46"));
	assert_true(ev("test.bytes bcontains 454C4602"));
	assert_false(ev("test.bytes bcontains 0000"));
	assert_non_null(strstr(compile_err("test.bytes bcontains 7f4"), "invalid hex"));
	assert_non_null(strstr(compile_err("test.bytes bcontains zz"), "invalid hex"));
	/* buffers take libsinsp's buffer operators only */
	assert_true(ev("test.bytes contains ELF"));
	assert_true(ev("test.bytes startswith \"\x7f\""));
	assert_non_null(strstr(compile_err("test.bytes glob '*'"), "not supported"));
	assert_non_null(strstr(compile_err("test.bytes icontains elf"), "not supported"));
}

static void test_in_pmatch(void **state)
{
	(void)state;
	tv.str = "sshd";
	assert_true(ev("test.str in (bash, sshd, sh)"));
	assert_false(ev("test.str in (bash, ssh, sh)"));
	assert_true(ev("test.str intersects (bash, sshd)"));
	assert_true(ev("test.str in (\"sshd\")"));
	tv.str = "/etc/passwd";
	assert_true(ev("test.str pmatch (/etc, /usr/bin)"));
	assert_true(ev("test.str pmatch (/usr, /etc/passwd)"));
	assert_true(ev("test.str pmatch (/etc/)"));
	assert_false(ev("test.str pmatch (/et, /etc/pass)"));
	assert_false(ev("test.str pmatch (/etc/passwd/x)"));
	assert_true(ev("test.str pmatch (/)"));
	tv.str = "/etcfoo";
	assert_false(ev("test.str pmatch (/etc)"));
	/* components, as libsinsp splits them: leading, trailing and doubled '/' do not count */
	tv.str = "/tmp/file-1";
	assert_true(ev("test.str pmatch (tmp)"));
	assert_true(ev("test.str pmatch ('//tmp//')"));
	assert_false(ev("test.str pmatch (tm)"));
	tv.str = "//tmp///file-1/";
	assert_true(ev("test.str pmatch (/tmp/file-1)"));
	assert_false(ev("test.str pmatch (/tmp/file-1/x)"));
	tv.str = "relative/path";
	assert_true(ev("test.str pmatch (/)"));
	assert_true(ev("test.str pmatch (/relative)"));
}

static void test_list_fields(void **state)
{
	(void)state;
	tv.list[0] = "nginx";
	tv.list[1] = "busybox";
	tv.nlist = 2;
	/* in: every extracted value must be in the set */
	assert_true(ev("test.list in (nginx, busybox, redis)"));
	assert_false(ev("test.list in (nginx, redis)"));
	/* intersects: at least one */
	assert_true(ev("test.list intersects (nginx, redis)"));
	assert_false(ev("test.list intersects (alpine, redis)"));
	assert_true(ev("test.list exists"));
	/* other operators are refused for list fields, as libsinsp does */
	assert_non_null(strstr(compile_err("test.list = nginx"), "not supported for list field"));
	assert_non_null(
	    strstr(compile_err("test.list contains x"), "not supported for list field"));
	/* no values: the field does not exist, so every comparison is false */
	tv.nlist = 0;
	assert_false(ev("test.list in (nginx)"));
	assert_false(ev("test.list intersects (nginx)"));
	assert_false(ev("test.list exists"));
	assert_true(ev("not test.list exists"));
}

static void test_exists_and_missing(void **state)
{
	(void)state;
	assert_false(ev("test.missing exists"));
	assert_true(ev("not test.missing exists"));
	/* a missing value makes every comparison false, even != */
	assert_false(ev("test.missing = x"));
	assert_false(ev("test.missing != x"));
	assert_true(ev("not test.missing = x"));
	tv.str = "a";
	assert_true(ev("test.str exists"));
}

static void test_field_args(void **state)
{
	(void)state;
	assert_true(ev("test.key[HOME] = HOME"));
	assert_true(ev("test.key['a b'] = 'a b'"));
	assert_non_null(strstr(compile_err("test.key = x"), "requires an argument"));
	assert_non_null(strstr(compile_err("test.str[1] = x"), "does not take an argument"));
	assert_non_null(strstr(compile_err("proc.nmae = x"), "unknown field 'proc.nmae'"));
}

static void test_transformers(void **state)
{
	(void)state;
	tv.str = "/usr/bin/CURL";
	assert_true(ev("tolower(test.str) = /usr/bin/curl"));
	assert_true(ev("toupper(test.str) = /USR/BIN/CURL"));
	assert_true(ev("basename(test.str) = CURL"));
	assert_true(ev("tolower(basename(test.str)) = curl"));
	assert_true(ev("len(test.str) = 13"));
	assert_true(ev("len(test.str) > 5"));
	tv.str = "aGVsbG8gd29ybGQ=";
	assert_true(ev("b64(test.str) = 'hello world'"));
	tv.str = "not base64!";
	assert_false(ev("b64(test.str) = x"));
	tv.list[0] = "a";
	tv.list[1] = "b";
	tv.list[2] = "c";
	tv.nlist = 3;
	assert_true(ev("len(test.list) = 3"));
	assert_non_null(strstr(compile_err("tolower(test.int) = 1"), "cannot be applied"));
}

static void test_val_field(void **state)
{
	(void)state;
	tv.str = "abc";
	tv.str2 = "abc";
	assert_true(ev("test.str = val(test.str2)"));
	assert_false(ev("test.str != val(test.str2)"));
	tv.str2 = "abcd";
	assert_false(ev("test.str = val(test.str2)"));
	assert_true(ev("test.str2 startswith val(test.str)"));
	tv.str = "ABCDEF";
	tv.str2 = "cDe";
	assert_true(ev("test.str icontains val(test.str2)"));
	assert_false(ev("test.str contains val(test.str2)"));
	tv.str2 = "a*f";
	assert_true(ev("test.str iglob val(test.str2)"));
	assert_false(ev("test.str glob val(test.str2)"));
	tv.str = "abc";
	tv.str2 = NULL;
	assert_false(ev("test.str = val(test.str2)"));
	tv.i = 3;
	tv.u = 3;
	assert_true(ev("test.int = val(test.uint)"));
	assert_non_null(strstr(compile_err("test.str = val(test.int)"), "different types"));
}

static void test_boolean_logic(void **state)
{
	(void)state;
	tv.str = "x";
	tv.i = 1;
	assert_true(ev("test.str = x and test.int = 1"));
	assert_false(ev("test.str = x and test.int = 2"));
	assert_true(ev("test.str = y or test.int = 1"));
	assert_true(ev("not (test.str = y or test.int = 2)"));
	assert_true(ev("not not test.str = x"));
	assert_true(ev("(test.str = y or (test.int = 1 and test.str = x))"));
	assert_false(ev("test.str regex 'y' and test.int = 1"));
	assert_true(ev("test.str regex 'x' and test.int = 1 and test.str glob '*'"));
}

/*
 * Children run in the written order and stop at the first decisive one, as
 * in Falco: rule authors put the selective checks first.
 */
static void test_written_order(void **state)
{
	(void)state;
	tv.str = "x";
	tv.i = 1;
	assert_false(ev("test.str regex 'y' and test.int = 1"));
	assert_int_equal(tv.nextract[T_STR], 1);
	assert_int_equal(tv.nextract[T_INT], 0);
	assert_true(ev("test.str glob '*' or test.int = 1"));
	assert_int_equal(tv.nextract[T_STR], 2);
	assert_int_equal(tv.nextract[T_INT], 0);
	assert_false(ev("test.int = 2 and (test.str = x or test.str regex 'x')"));
	assert_int_equal(tv.nextract[T_INT], 1);
	assert_int_equal(tv.nextract[T_STR], 2);
	assert_true(ev("not test.str = y and test.int = 1"));
	assert_int_equal(tv.nextract[T_STR], 3);
	assert_int_equal(tv.nextract[T_INT], 2);
}

static void test_evt_type_fast_path(void **state)
{
	(void)state;
	uint8_t buf[512];
	size_t len = build_open_x(buf, 1000, 3, "/etc/passwd");
	char err[256];
	assert_int_equal(sk_evt_parse(&cur_evt, buf, len, err, sizeof(err)), 0);
	have_evt = true;
	assert_true(ev("evt.type = open"));
	assert_true(ev("evt.type in (openat, open)"));
	assert_false(ev("evt.type = openat"));
	assert_true(ev("evt.type != openat"));
	assert_false(ev("evt.type != open"));
	assert_true(ev("evt.type startswith op"));
	assert_true(ev("evt.type glob 'o*n'"));
	assert_true(ev("evt.type exists"));
	/* an enter event of another code */
	len = build_bare(buf, SK_EVT_CLOSE_E, 1000);
	(void)len;
	uint64_t fd = 3;
	const void *p[] = {&fd};
	uint16_t l[] = {8};
	len = build_event(buf, SK_EVT_CLOSE_E, 1000, 42, 1, p, l);
	assert_int_equal(sk_evt_parse(&cur_evt, buf, len, err, sizeof(err)), 0);
	assert_false(ev("evt.type = open"));
	assert_true(ev("evt.type = close"));
	/* no event: evt.type has no value, so even != is false */
	have_evt = false;
	assert_false(ev("evt.type != open"));
}

static void test_parse_errors_have_positions(void **state)
{
	(void)state;
	const char *e = compile_err("test.str = x and");
	assert_non_null(strstr(e, "<condition>:1:"));
	e = compile_err("test.str = x and\n  proc.nmae = y");
	assert_non_null(strstr(e, "<condition>:2:3: unknown field 'proc.nmae'"));
	e = compile_err("some_macro");
	assert_non_null(strstr(e, "undefined macro 'some_macro'"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_string_ops, reset),
	    cmocka_unit_test_setup(test_glob, reset),
	    cmocka_unit_test_setup(test_regex, reset),
	    cmocka_unit_test_setup(test_numbers, reset),
	    cmocka_unit_test_setup(test_bool_and_double, reset),
	    cmocka_unit_test_setup(test_ip_and_net, reset),
	    cmocka_unit_test_setup(test_bytes, reset),
	    cmocka_unit_test_setup(test_in_pmatch, reset),
	    cmocka_unit_test_setup(test_list_fields, reset),
	    cmocka_unit_test_setup(test_exists_and_missing, reset),
	    cmocka_unit_test_setup(test_field_args, reset),
	    cmocka_unit_test_setup(test_transformers, reset),
	    cmocka_unit_test_setup(test_val_field, reset),
	    cmocka_unit_test_setup(test_boolean_logic, reset),
	    cmocka_unit_test_setup(test_written_order, reset),
	    cmocka_unit_test_setup(test_evt_type_fast_path, reset),
	    cmocka_unit_test_setup(test_parse_errors_have_positions, reset),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
