/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of agent/engine/lex.c: the condition scanner and its error shape. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../../../agent/engine/lex.h"

static char err[512];
static struct sk_ast_arena *arena;
static struct sk_src_frag frag;
static struct sk_src_text src;
static struct sk_lex lx;

static int setup(void **state)
{
	(void)state;
	return sk_ast_arena_new(&arena);
}

static int teardown(void **state)
{
	(void)state;
	sk_ast_arena_free(arena);
	return 0;
}

/* Scan text that starts at r.yaml:3:14. */
static struct sk_lex *lex(const char *text)
{
	frag = (struct sk_src_frag){.offset = 0, .pos = {"r.yaml", 3, 14}};
	src = (struct sk_src_text){
	    .text = (char *)text, .len = strlen(text), .frags = &frag, .nfrags = 1};
	sk_lex_init(&lx, &src, arena, err, sizeof(err));
	return &lx;
}

static void test_blanks_and_chars(void **state)
{
	(void)state;
	struct sk_lex *l = lex(" \t\n ( ,)");
	assert_false(sk_lex_at_end(l));
	assert_true(sk_lex_peek(l, '('));
	assert_true(sk_lex_accept(l, '('));
	assert_false(sk_lex_accept(l, ')'));
	assert_true(sk_lex_accept(l, ','));
	assert_true(sk_lex_accept(l, ')'));
	assert_true(sk_lex_at_end(l));
}

static void test_keyword_boundaries(void **state)
{
	(void)state;
	assert_true(sk_lex_keyword(lex("and x"), "and", false));
	assert_true(sk_lex_keyword(lex("not(x)"), "not", false));
	assert_false(sk_lex_keyword(lex("andx"), "and", false));
	assert_false(sk_lex_keyword(lex("and"), "and", false));
	assert_true(sk_lex_keyword(lex("exists"), "exists", true));
	assert_true(sk_lex_keyword(lex("exists)"), "exists", true));
	assert_false(sk_lex_keyword(lex("exists)"), "exists", false));
	assert_false(sk_lex_keyword(lex("an"), "and", false));
	struct sk_lex *l = lex("  or\tb");
	assert_true(sk_lex_keyword(l, "or", false));
	assert_int_equal(l->off, 4);
}

static void test_ident_and_field_len(void **state)
{
	(void)state;
	assert_int_equal(sk_lex_ident_len(lex("my_macro2 and")), 9);
	assert_int_equal(sk_lex_ident_len(lex("_x")), 0);
	assert_int_equal(sk_lex_ident_len(lex("9x")), 0);
	assert_int_equal(sk_lex_field_len(lex("my_macro")), 0);
	assert_int_equal(sk_lex_field_len(lex("proc.name=x")), 9);
	assert_int_equal(sk_lex_field_len(lex("evt.arg.flags contains")), 13);
	assert_int_equal(sk_lex_field_len(lex("proc.aname[2]")), 10);
	assert_int_equal(sk_lex_field_len(lex("proc.")), 0);
	assert_int_equal(sk_lex_field_len(lex("fd.1x")), 0);
	assert_int_equal(sk_lex_field_len(lex("a.b.")), 3);
}

static void expect_op(const char *text, enum sk_cmp_op want, size_t off)
{
	enum sk_cmp_op op;
	struct sk_lex *l = lex(text);
	if (!sk_lex_cmp_op(l, &op))
		fail_msg("no operator in '%s'", text);
	assert_int_equal(op, want);
	assert_int_equal(l->off, off);
}

static void test_operators(void **state)
{
	enum sk_cmp_op op;
	(void)state;
	expect_op("=x", SK_CMP_EQ, 1);
	expect_op("== x", SK_CMP_EQ2, 2);
	expect_op(" != x", SK_CMP_NE, 3);
	expect_op("<=1", SK_CMP_LE, 2);
	expect_op("<1", SK_CMP_LT, 1);
	expect_op(">=1", SK_CMP_GE, 2);
	expect_op(">1", SK_CMP_GT, 1);
	expect_op("contains x", SK_CMP_CONTAINS, 8);
	expect_op("icontains x", SK_CMP_ICONTAINS, 9);
	expect_op("bcontains 41", SK_CMP_BCONTAINS, 9);
	expect_op("startswith x", SK_CMP_STARTSWITH, 10);
	expect_op("bstartswith x", SK_CMP_BSTARTSWITH, 11);
	expect_op("endswith x", SK_CMP_ENDSWITH, 8);
	expect_op("glob x", SK_CMP_GLOB, 4);
	expect_op("iglob x", SK_CMP_IGLOB, 5);
	expect_op("in (a)", SK_CMP_IN, 2);
	expect_op("in(a)", SK_CMP_IN, 2);
	expect_op("intersects (a)", SK_CMP_INTERSECTS, 10);
	expect_op("pmatch (a)", SK_CMP_PMATCH, 6);
	expect_op("exists", SK_CMP_EXISTS, 6);
	expect_op("exists and", SK_CMP_EXISTS, 6);
	expect_op("regex x", SK_CMP_REGEX, 5);
	assert_false(sk_lex_cmp_op(lex("containsx"), &op));
	assert_false(sk_lex_cmp_op(lex("contains\"x\""), &op));
	assert_false(sk_lex_cmp_op(lex("inside"), &op));
	assert_false(sk_lex_cmp_op(lex("x"), &op));
}

static void test_quoted_escapes(void **state)
{
	struct sk_ast_value v;
	(void)state;
	assert_int_equal(sk_lex_value(lex("\"a\\\"b\\\\c\\n\\td\" rest"), &v), 0);
	assert_true(v.quoted);
	assert_string_equal(v.text, "a\"b\\c\n\td");
	assert_int_equal(v.len, 8);
	assert_int_equal(v.pos.line, 3);
	assert_int_equal(v.pos.col, 14);
	assert_int_equal(lx.off, 14);
	assert_int_equal(sk_lex_value(lex("'it''s'"), &v), 0);
	assert_string_equal(v.text, "it");
	assert_int_equal(sk_lex_value(lex("'don\\'t' x"), &v), 0);
	assert_string_equal(v.text, "don't");
	/* unknown escapes keep the backslash */
	assert_int_equal(sk_lex_value(lex("\"\\ \\d\""), &v), 0);
	assert_string_equal(v.text, "\\ \\d");
	assert_int_equal(sk_lex_value(lex("\"\""), &v), 0);
	assert_int_equal(v.len, 0);
}

static void test_bare_values(void **state)
{
	struct sk_ast_value v;
	(void)state;
	assert_int_equal(sk_lex_value(lex("  /usr/bin/x) and"), &v), 0);
	assert_false(v.quoted);
	assert_string_equal(v.text, "/usr/bin/x");
	assert_int_equal(v.pos.col, 16);
	assert_int_equal(sk_lex_value(lex("<"), &v), 0);
	assert_string_equal(v.text, "<");
	assert_int_equal(sk_lex_value(lex("a=b"), &v), 0);
	assert_string_equal(v.text, "a");
	assert_int_equal(sk_lex_value(lex("x,y"), &v), 0);
	assert_string_equal(v.text, "x");
	assert_int_equal(sk_lex_value(lex("\\)"), &v), 0);
	assert_string_equal(v.text, "\\");
	assert_int_equal(sk_lex_value(lex("0x1F"), &v), 0);
	assert_string_equal(v.text, "0x1F");
}

static void test_value_errors(void **state)
{
	struct sk_ast_value v;
	(void)state;
	assert_int_equal(sk_lex_value(lex("\"abc"), &v), -EINVAL);
	assert_string_equal(err, "r.yaml:3:14: unterminated string near '\"abc'");
	assert_int_equal(sk_lex_value(lex("  )"), &v), -EINVAL);
	assert_string_equal(err, "r.yaml:3:16: expected a value near ')'");
	assert_int_equal(sk_lex_value(lex(""), &v), -EINVAL);
	assert_string_equal(err, "r.yaml:3:14: expected a value near '<eof>'");
}

static void test_field_args(void **state)
{
	const char *arg;
	(void)state;
	struct sk_lex *l = lex("/etc/x*]");
	assert_int_equal(sk_lex_field_arg(l, &arg), 0);
	assert_string_equal(arg, "/etc/x*");
	assert_int_equal(l->off, 7);
	assert_int_equal(sk_lex_field_arg(lex("\"a b\"]"), &arg), 0);
	assert_string_equal(arg, "a b");
	assert_int_equal(sk_lex_field_arg(lex("]"), &arg), -EINVAL);
	assert_string_equal(err, "r.yaml:3:14: expected a field argument near ']'");
}

static void test_error_positions_across_lines(void **state)
{
	(void)state;
	struct sk_lex *l = lex("a and\n   b ?");
	assert_int_equal(sk_lex_error(l, 11, "unexpected %s", "thing"), -EINVAL);
	assert_string_equal(err, "r.yaml:4:6: unexpected thing near '?'");
	sk_lex_error(l, 9, "x");
	assert_string_equal(err, "r.yaml:4:4: x near 'b'");
	sk_lex_error(l, 2, "y");
	assert_string_equal(err, "r.yaml:3:16: y near 'and'");
	l = lex("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
	sk_lex_error(l, 0, "long");
	assert_string_equal(err, "r.yaml:3:14: long near 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...'");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_blanks_and_chars),
	    cmocka_unit_test(test_keyword_boundaries),
	    cmocka_unit_test(test_ident_and_field_len),
	    cmocka_unit_test(test_operators),
	    cmocka_unit_test(test_quoted_escapes),
	    cmocka_unit_test(test_bare_values),
	    cmocka_unit_test(test_value_errors),
	    cmocka_unit_test(test_field_args),
	    cmocka_unit_test(test_error_positions_across_lines),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
