/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../../../agent/cli/options.h"

static int parse(struct sk_options *o, char *err, size_t errlen, ...)
{
	char *argv[64];
	int argc = 0;
	va_list ap;
	va_start(ap, errlen);
	argv[argc++] = "saker";
	for (char *a; (a = va_arg(ap, char *));)
		argv[argc++] = a;
	va_end(ap);
	argv[argc] = NULL;
	return sk_options_parse(o, argc, argv, err, errlen);
}

static void test_capture_flags(void **unused)
{
	struct sk_options o;
	char err[256];
	assert_int_equal(parse(&o, err, sizeof(err), "-e", "a.scap", "--dump", NULL), 0);
	assert_string_equal(o.capture, "a.scap");
	assert_true(o.dump);
	assert_int_equal(parse(&o, err, sizeof(err), "-e", "a.scap", "-w", "b.scap", "-z", NULL), 0);
	assert_string_equal(o.write_path, "b.scap");
	assert_true(o.gzip);
	assert_int_equal(parse(&o, err, sizeof(err), "--dump", NULL), -EINVAL);
	assert_string_equal(err, "--dump needs a capture file (-e FILE)");
	/* -w without -e writes a live capture. */
	assert_int_equal(parse(&o, err, sizeof(err), "-w", "x", "-M", "5", NULL), 0);
	assert_string_equal(o.write_path, "x");
	assert_null(o.capture);
	assert_int_equal(o.duration_s, 5);
}

static void test_repeatable_and_rule_flags(void **unused)
{
	struct sk_options o;
	char err[256];
	assert_int_equal(parse(&o, err, sizeof(err), "-r", "a.yaml", "-r", "dir", "-o",
			       "json_output=true", "--option", "priority=warning", "-A", "-D",
			       "shell", "-T", "network", "-M", "5", "-V", "x.yaml", "--validate",
			       "y.yaml", "--disable-source", "k8s_audit", "-U", "-v", NULL),
			 0);
	assert_int_equal(o.rules.n, 2);
	assert_string_equal(o.rules.v[1], "dir");
	assert_int_equal(o.overrides.n, 2);
	assert_string_equal(o.overrides.v[1], "priority=warning");
	assert_true(o.all_events && o.unbuffered && o.verbose);
	assert_int_equal(o.disable_substr.n, 1);
	assert_int_equal(o.tags_exclude.n, 1);
	assert_int_equal(o.duration_s, 5);
	assert_int_equal(o.validate.n, 2);
	assert_int_equal(o.disable_sources.n, 1);
}

static void test_list_and_describe(void **unused)
{
	struct sk_options o;
	char err[256];
	assert_int_equal(parse(&o, err, sizeof(err), "--list", NULL), 0);
	assert_true(o.list_fields);
	assert_null(o.list_source);
	assert_int_equal(parse(&o, err, sizeof(err), "--list", "syscall", "-N", NULL), 0);
	assert_string_equal(o.list_source, "syscall");
	assert_true(o.names_only);
	assert_int_equal(parse(&o, err, sizeof(err), "--list=k8s_audit", NULL), 0);
	assert_string_equal(o.list_source, "k8s_audit");
	assert_int_equal(parse(&o, err, sizeof(err), "-L", "-l", "Some rule", NULL), 0);
	assert_true(o.list_rules);
	assert_string_equal(o.describe_rule, "Some rule");
}

static void test_errors_name_the_argument(void **unused)
{
	struct sk_options o;
	char err[256];
	assert_int_equal(parse(&o, err, sizeof(err), "--bogus", NULL), -EINVAL);
	assert_string_equal(err, "unknown option '--bogus'");
	assert_int_equal(parse(&o, err, sizeof(err), "-r", NULL), -EINVAL);
	assert_string_equal(err, "option '-r' needs an argument");
	assert_int_equal(parse(&o, err, sizeof(err), "-M", "ten", NULL), -EINVAL);
	assert_string_equal(err, "-M 'ten': expected a number of seconds");
	assert_int_equal(parse(&o, err, sizeof(err), "-o", "json_output", NULL), -EINVAL);
	assert_string_equal(err, "-o 'json_output': expected key=value");
	assert_int_equal(parse(&o, err, sizeof(err), "-t", "a", "-T", "b", NULL), -EINVAL);
	assert_string_equal(err, "-t cannot be combined with -T or -D");
	assert_int_equal(parse(&o, err, sizeof(err), "--enable-source", "a", "--disable-source",
			       "b", NULL),
			 -EINVAL);
	assert_int_equal(parse(&o, err, sizeof(err), "stray", NULL), -EINVAL);
	assert_string_equal(err, "unexpected argument 'stray'");
}

static void test_repeat_cap(void **unused)
{
	struct sk_options o;
	char err[256];
	char *argv[2 * SK_OPT_MAX_REPEAT + 4];
	int argc = 0;
	argv[argc++] = "saker";
	for (unsigned i = 0; i <= SK_OPT_MAX_REPEAT; i++) {
		argv[argc++] = "-r";
		argv[argc++] = "x.yaml";
	}
	argv[argc] = NULL;
	assert_int_equal(sk_options_parse(&o, argc, argv, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "too many -r options (at most 64)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_capture_flags),
		cmocka_unit_test(test_repeatable_and_rule_flags),
		cmocka_unit_test(test_list_and_describe),
		cmocka_unit_test(test_errors_name_the_argument),
		cmocka_unit_test(test_repeat_cap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
