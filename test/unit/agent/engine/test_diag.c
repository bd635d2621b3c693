/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of agent/engine/diag.c: formatting, counting, caps. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../../../agent/engine/diag.h"

static const struct sk_pos at = {"x.yaml", 12, 18};

static void test_format_error_with_item(void **state)
{
	struct sk_diags d;
	char out[256];
	(void)state;
	sk_diags_init(&d);
	sk_diags_add(&d, SK_DIAG_ERROR, SK_LOAD_ERR_COMPILE_CONDITION, at, "rule 'foo'",
		     "unknown field '%s'", "proc.nmae");
	assert_int_equal(d.n, 1);
	assert_int_equal(d.nerrors, 1);
	assert_int_equal(d.nwarnings, 0);
	size_t n = sk_diag_format(&d.v[0], out, sizeof(out));
	assert_string_equal(out, "x.yaml:12:18: error: rule 'foo': unknown field 'proc.nmae'");
	assert_int_equal(n, strlen(out));
	assert_int_equal(d.v[0].code, SK_LOAD_ERR_COMPILE_CONDITION);
	sk_diags_fini(&d);
}

static void test_format_warning_without_item(void **state)
{
	struct sk_diags d;
	char out[256];
	(void)state;
	sk_diags_init(&d);
	sk_diags_add(&d, SK_DIAG_WARNING, SK_LOAD_UNKNOWN_KEY, at, NULL, "unknown key '%s'", "bar");
	sk_diags_add(&d, SK_DIAG_WARNING, SK_LOAD_UNKNOWN_KEY, at, "", "empty item");
	sk_diag_format(&d.v[0], out, sizeof(out));
	assert_string_equal(out, "x.yaml:12:18: warning: unknown key 'bar'");
	sk_diag_format(&d.v[1], out, sizeof(out));
	assert_string_equal(out, "x.yaml:12:18: warning: empty item");
	assert_int_equal(d.nwarnings, 2);
	assert_int_equal(d.nerrors, 0);
	sk_diags_fini(&d);
}

static void test_format_whole_file_and_no_file(void **state)
{
	struct sk_diags d;
	char out[256];
	(void)state;
	sk_diags_init(&d);
	sk_diags_add(&d, SK_DIAG_ERROR, SK_LOAD_ERR_FILE_READ, (struct sk_pos){"r.yaml", 0, 0},
		     NULL, "cannot open");
	sk_diags_add(&d, SK_DIAG_ERROR, SK_LOAD_ERR_VALIDATE, (struct sk_pos){"r.yaml", 7, 0},
		     "macro 'm'", "bad");
	sk_diags_add(&d, SK_DIAG_ERROR, SK_LOAD_ERR_VALIDATE, (struct sk_pos){NULL, 0, 0}, NULL,
		     "nowhere");
	sk_diag_format(&d.v[0], out, sizeof(out));
	assert_string_equal(out, "r.yaml: error: cannot open");
	sk_diag_format(&d.v[1], out, sizeof(out));
	assert_string_equal(out, "r.yaml:7: error: macro 'm': bad");
	sk_diag_format(&d.v[2], out, sizeof(out));
	assert_string_equal(out, "error: nowhere");
	sk_diags_fini(&d);
}

static void test_format_truncates_and_reports_length(void **state)
{
	struct sk_diags d;
	char small[16];
	(void)state;
	sk_diags_init(&d);
	sk_diags_add(&d, SK_DIAG_ERROR, SK_LOAD_ERR_VALIDATE, at, "rule 'foo'", "message");
	size_t n = sk_diag_format(&d.v[0], small, sizeof(small));
	assert_int_equal(n, strlen("x.yaml:12:18: error: rule 'foo': message"));
	assert_int_equal(strlen(small), sizeof(small) - 1);
	assert_memory_equal(small, "x.yaml:12:18: e", sizeof(small) - 1);
	sk_diags_fini(&d);
}

static void test_cap_drops_but_counts(void **state)
{
	struct sk_diags d;
	(void)state;
	sk_diags_init(&d);
	for (unsigned i = 0; i < SK_DIAG_MAX + 5; i++)
		sk_diags_add(&d, i % 2 ? SK_DIAG_ERROR : SK_DIAG_WARNING, SK_LOAD_ERR_VALIDATE, at,
			     NULL, "n%u", i);
	assert_int_equal(d.n, SK_DIAG_MAX);
	assert_int_equal(d.dropped, 5);
	assert_int_equal(d.nerrors + d.nwarnings, SK_DIAG_MAX + 5);
	assert_string_equal(d.v[SK_DIAG_MAX - 1].msg, "n999");
	sk_diags_clear(&d);
	assert_int_equal(d.n, 0);
	assert_int_equal(d.nerrors, 0);
	assert_int_equal(d.dropped, 0);
	sk_diags_add(&d, SK_DIAG_ERROR, SK_LOAD_ERR_VALIDATE, at, NULL, "again");
	assert_string_equal(d.v[0].msg, "again");
	sk_diags_fini(&d);
}

static void test_long_message_is_capped(void **state)
{
	struct sk_diags d;
	char big[2 * SK_DIAG_MSG_MAX];
	(void)state;
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	sk_diags_init(&d);
	sk_diags_add(&d, SK_DIAG_ERROR, SK_LOAD_ERR_VALIDATE, at, NULL, "%s", big);
	assert_int_equal(strlen(d.v[0].msg), SK_DIAG_MSG_MAX - 1);
	sk_diags_fini(&d);
}

static void test_code_names(void **state)
{
	(void)state;
	assert_string_equal(sk_diag_code_name(SK_LOAD_NO_EVTTYPE), "LOAD_NO_EVTTYPE");
	assert_string_equal(sk_diag_code_name(SK_LOAD_ERR_FILE_READ), "LOAD_ERR_FILE_READ");
	assert_string_equal(sk_diag_code_name(SK_LOAD_UNKNOWN_KEY), "LOAD_UNKNOWN_KEY");
	assert_string_equal(sk_diag_code_name(SK_DIAG_CODE_COUNT), "LOAD_UNKNOWN");
}

static void test_print(void **state)
{
	struct sk_diags d;
	char buf[512] = "";
	(void)state;
	sk_diags_init(&d);
	sk_diags_add(&d, SK_DIAG_ERROR, SK_LOAD_ERR_VALIDATE, at, "list 'l'", "one");
	sk_diags_add(&d, SK_DIAG_WARNING, SK_LOAD_UNKNOWN_ITEM, at, NULL, "two");
	FILE *f = fmemopen(buf, sizeof(buf), "w");
	assert_non_null(f);
	sk_diags_print(&d, f);
	fclose(f);
	assert_string_equal(buf, "x.yaml:12:18: error: list 'l': one\n"
				 "x.yaml:12:18: warning: two\n");
	sk_diags_fini(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_format_error_with_item),
	    cmocka_unit_test(test_format_warning_without_item),
	    cmocka_unit_test(test_format_whole_file_and_no_file),
	    cmocka_unit_test(test_format_truncates_and_reports_length),
	    cmocka_unit_test(test_cap_drops_but_counts),
	    cmocka_unit_test(test_long_message_is_capped),
	    cmocka_unit_test(test_code_names),
	    cmocka_unit_test(test_print),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
