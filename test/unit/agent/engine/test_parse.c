/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Tests of agent/engine/parse.c (and the printer of ast.c): tree shapes,
 * every operator and operand form, canonical printing and round trips, each
 * error with its exact position, the caps, and every condition of the
 * upstream rule files.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../../../agent/engine/ast.h"
#include "../../../../agent/engine/rules.h"

static char err[512];
static struct sk_ast_arena *arena;

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

/* Parse text that starts at c.yaml:5:14. */
static int parse(const char *text, struct sk_ast_node **out)
{
	struct sk_src_frag frag = {.offset = 0, .pos = {"c.yaml", 5, 14}};
	struct sk_src_text src = {
	    .text = (char *)text, .len = strlen(text), .frags = &frag, .nfrags = 1};
	return sk_cond_parse(arena, &src, out, err, sizeof(err));
}

static struct sk_ast_node *parse_ok(const char *text)
{
	struct sk_ast_node *n = NULL;
	if (parse(text, &n))
		fail_msg("parse of '%s' failed: %s", text, err);
	assert_non_null(n);
	return n;
}

static const char *print(const struct sk_ast_node *n)
{
	static char buf[8192];
	size_t len = sk_ast_print(n, buf, sizeof(buf));
	assert_true(len < sizeof(buf));
	assert_int_equal(len, strlen(buf));
	return buf;
}

/* text prints as want, and want parses back to a tree that prints as want. */
static void expect_print(const char *text, const char *want)
{
	char first[8192];
	snprintf(first, sizeof(first), "%s", print(parse_ok(text)));
	if (strcmp(first, want))
		fail_msg("'%s' printed as '%s', want '%s'", text, first, want);
	assert_string_equal(print(parse_ok(first)), want);
}

static void expect_error(const char *text, const char *want)
{
	struct sk_ast_node *n = (struct sk_ast_node *)1;
	int rc = parse(text, &n);
	if (rc != -EINVAL)
		fail_msg("parse of '%s' returned %d, want -EINVAL", text, rc);
	assert_null(n);
	if (strcmp(err, want))
		fail_msg("'%s': error\n  '%s'\nwant\n  '%s'", text, err, want);
}

static void test_precedence_and_flattening(void **state)
{
	(void)state;
	struct sk_ast_node *n = parse_ok("a or b and c or not d");
	assert_int_equal(n->kind, SK_AST_OR);
	assert_int_equal(n->nchildren, 3);
	assert_int_equal(n->children[0]->kind, SK_AST_MACRO_REF);
	assert_string_equal(n->children[0]->macro, "a");
	assert_int_equal(n->children[1]->kind, SK_AST_AND);
	assert_int_equal(n->children[1]->nchildren, 2);
	assert_int_equal(n->children[2]->kind, SK_AST_NOT);
	assert_string_equal(n->children[2]->children[0]->macro, "d");
	assert_int_equal(n->pos.line, 5);
	assert_int_equal(n->pos.col, 14);
	assert_int_equal(n->children[2]->pos.col, 14 + 16);

	n = parse_ok("a and b and c and d");
	assert_int_equal(n->kind, SK_AST_AND);
	assert_int_equal(n->nchildren, 4);

	n = parse_ok("(a and b) and c");
	assert_int_equal(n->kind, SK_AST_AND);
	assert_int_equal(n->nchildren, 2);
	assert_int_equal(n->children[0]->kind, SK_AST_AND);

	n = parse_ok("not not a");
	assert_int_equal(n->kind, SK_AST_NOT);
	assert_int_equal(n->children[0]->kind, SK_AST_NOT);

	n = parse_ok("not(a)and(b)or(c)");
	assert_int_equal(n->kind, SK_AST_OR);
	assert_int_equal(n->children[0]->kind, SK_AST_AND);
	assert_int_equal(n->children[0]->children[0]->kind, SK_AST_NOT);

	n = parse_ok("nota and notb");
	assert_string_equal(n->children[0]->macro, "nota");
}

static void test_check_shapes(void **state)
{
	(void)state;
	struct sk_ast_node *n = parse_ok("proc.name=bash");
	assert_int_equal(n->kind, SK_AST_CHECK);
	assert_string_equal(n->lhs.name, "proc.name");
	assert_null(n->lhs.arg);
	assert_int_equal(n->lhs.nxforms, 0);
	assert_int_equal(n->op, SK_CMP_EQ);
	assert_int_equal(n->rhs_kind, SK_RHS_VALUE);
	assert_int_equal(n->nvalues, 1);
	assert_string_equal(n->values[0].text, "bash");
	assert_false(n->values[0].quoted);
	assert_int_equal(n->values[0].pos.col, 14 + 10);

	n = parse_ok("fd.name exists");
	assert_int_equal(n->op, SK_CMP_EXISTS);
	assert_int_equal(n->rhs_kind, SK_RHS_NONE);

	n = parse_ok("evt.type in (open, \"openat\", (creat, (x)), my_list)");
	assert_int_equal(n->rhs_kind, SK_RHS_LIST);
	assert_int_equal(n->nvalues, 5);
	assert_string_equal(n->values[1].text, "openat");
	assert_true(n->values[1].quoted);
	assert_string_equal(n->values[2].text, "creat");
	assert_string_equal(n->values[3].text, "x");
	assert_string_equal(n->values[4].text, "my_list");
	assert_false(n->values[4].quoted);

	n = parse_ok("proc.name in shell_binaries");
	assert_int_equal(n->rhs_kind, SK_RHS_LIST);
	assert_int_equal(n->nvalues, 1);
	assert_string_equal(n->values[0].text, "shell_binaries");

	n = parse_ok("proc.name in ()");
	assert_int_equal(n->rhs_kind, SK_RHS_LIST);
	assert_int_equal(n->nvalues, 0);

	n = parse_ok("proc.aname[2]=sshd");
	assert_string_equal(n->lhs.name, "proc.aname");
	assert_string_equal(n->lhs.arg, "2");

	n = parse_ok("container.mount.dest[/proc*] != \"N/A\"");
	assert_string_equal(n->lhs.arg, "/proc*");
	assert_int_equal(n->op, SK_CMP_NE);

	n = parse_ok("evt.arg[0] contains x and jevt.value[/requestObject/spec/tls] exists and "
		     "proc.env[\"MY VAR\"] = 1 and evt.arg.flags contains O_CREAT");
	assert_string_equal(n->children[0]->lhs.arg, "0");
	assert_string_equal(n->children[1]->lhs.arg, "/requestObject/spec/tls");
	assert_string_equal(n->children[2]->lhs.arg, "MY VAR");
	assert_string_equal(n->children[3]->lhs.name, "evt.arg.flags");
	assert_null(n->children[3]->lhs.arg);

	n = parse_ok("toupper(tolower(proc.name)) = val(proc.pname)");
	assert_int_equal(n->lhs.nxforms, 2);
	assert_int_equal(n->lhs.xforms[0], SK_XFORM_TOUPPER);
	assert_int_equal(n->lhs.xforms[1], SK_XFORM_TOLOWER);
	assert_int_equal(n->rhs_kind, SK_RHS_FIELD);
	assert_string_equal(n->rhs_field.name, "proc.pname");
	assert_int_equal(n->rhs_field.nxforms, 0);

	n = parse_ok("len(proc.args) > 3 and b64(fd.name) = basename(proc.aexe[1])");
	assert_int_equal(n->children[0]->lhs.xforms[0], SK_XFORM_LEN);
	assert_int_equal(n->children[1]->lhs.xforms[0], SK_XFORM_B64);
	assert_int_equal(n->children[1]->rhs_kind, SK_RHS_FIELD);
	assert_int_equal(n->children[1]->rhs_field.xforms[0], SK_XFORM_BASENAME);
	assert_string_equal(n->children[1]->rhs_field.arg, "1");
}

static void test_every_operator(void **state)
{
	char text[128];
	(void)state;
	for (int o = 0; o < SK_CMP_COUNT; o++) {
		const char *name = sk_cmp_op_name((enum sk_cmp_op)o);
		if (o == SK_CMP_EXISTS)
			snprintf(text, sizeof(text), "fd.name %s", name);
		else if (o == SK_CMP_IN || o == SK_CMP_INTERSECTS || o == SK_CMP_PMATCH)
			snprintf(text, sizeof(text), "fd.name %s (a, b)", name);
		else
			snprintf(text, sizeof(text), "fd.name %s a", name);
		struct sk_ast_node *n = parse_ok(text);
		assert_int_equal(n->op, o);
		assert_string_equal(print(n), text);
	}
	assert_string_equal(sk_cmp_op_name(SK_CMP_COUNT), "?");
}

static void test_printing(void **state)
{
	(void)state;
	expect_print("a and (b or c)", "a and (b or c)");
	expect_print("(a and b) and c", "(a and b) and c");
	expect_print("((a))", "a");
	expect_print("not(a or b)", "not (a or b)");
	expect_print("a or (b or c)", "a or (b or c)");
	expect_print("proc.name=bash", "proc.name = bash");
	expect_print("proc.name==\"ba sh\"", "proc.name == \"ba sh\"");
	expect_print("proc.name='x\"y\\\\z'", "proc.name = \"x\\\"y\\\\z\"");
	expect_print("proc.cmdline contains \"\"", "proc.cmdline contains \"\"");
	expect_print("evt.type in(open,openat)", "evt.type in (open, openat)");
	expect_print("proc.name in shells", "proc.name in (shells)");
	expect_print("proc.env[\"A B\"] exists", "proc.env[\"A B\"] exists");
	expect_print("tolower( proc.name ) = val( proc.pname )",
		     "tolower(proc.name) = val(proc.pname)");
	expect_print("fd.name = tolower(proc.name)", "fd.name = tolower(proc.name)");
	expect_print("(proc.args contains \"\\ \" or proc.args endswith \\)",
		     "proc.args contains \"\\\\ \" or proc.args endswith \\");
	assert_int_equal(sk_ast_print(NULL, err, sizeof(err)), 0);
	assert_string_equal(err, "");
}

static void test_print_truncation(void **state)
{
	char small[8];
	(void)state;
	struct sk_ast_node *n = parse_ok("proc.name = bash");
	assert_int_equal(sk_ast_print(n, small, sizeof(small)), strlen("proc.name = bash"));
	assert_string_equal(small, "proc.na");
}

static void test_errors(void **state)
{
	(void)state;
	expect_error("", "c.yaml:5:14: empty condition near '<eof>'");
	expect_error("   ", "c.yaml:5:17: empty condition near '<eof>'");
	expect_error("a b",
		     "c.yaml:5:16: expected 'and', 'or' or the end of the condition near 'b'");
	expect_error("(a", "c.yaml:5:16: expected ')' closing the '(' at 5:14 near '<eof>'");
	expect_error("a)",
		     "c.yaml:5:15: expected 'and', 'or' or the end of the condition near ')'");
	expect_error("a and", "c.yaml:5:19: expected a field, a macro name or '(' near '<eof>'");
	expect_error("a or)", "c.yaml:5:18: expected a field, a macro name or '(' near ')'");
	expect_error("and a", "c.yaml:5:14: expected a field, a macro name or '(' near 'and'");
	expect_error("not", "c.yaml:5:17: expected a field, a macro name or '(' near '<eof>'");
	expect_error("a and or b", "c.yaml:5:20: expected a field, a macro name or '(' near 'or'");
	expect_error("a and ,", "c.yaml:5:20: expected a field, a macro name or '(' near ','");
	expect_error("proc.name", "c.yaml:5:23: expected an operator near '<eof>'");
	expect_error("proc.name bash", "c.yaml:5:24: expected an operator near 'bash'");
	expect_error("proc.name containsx", "c.yaml:5:24: expected an operator near 'containsx'");
	expect_error("proc.name =", "c.yaml:5:25: expected a value near '<eof>'");
	expect_error("proc.name = )", "c.yaml:5:26: expected a value near ')'");
	expect_error("proc.name = \"bash", "c.yaml:5:26: unterminated string near '\"bash'");
	expect_error("proc.name in (a, )", "c.yaml:5:31: expected a value near ')'");
	expect_error("proc.name in (a b)", "c.yaml:5:30: expected ',' or ')' in list near 'b'");
	expect_error("proc.name in \"a\"", "c.yaml:5:27: expected '(' or a list name near '\"a\"'");
	expect_error("proc.aname[2 = x",
		     "c.yaml:5:24: expected ']' closing the field argument near '[2'");
	expect_error("proc.aname[] = x", "c.yaml:5:25: expected a field argument near ']'");
	expect_error("tolower(proc.name = x",
		     "c.yaml:5:32: expected ')' closing tolower( near '='");
	expect_error("tolower(a) = x", "c.yaml:5:22: expected a field name near 'a'");
	expect_error("fd.name = val(x)", "c.yaml:5:28: expected a field name near 'x'");
	expect_error("fd.name = val(proc.name",
		     "c.yaml:5:37: expected ')' closing val( near '<eof>'");
	expect_error("a and\n  (b or\n   c d)",
		     "c.yaml:7:6: expected ')' closing the '(' at 6:3 near 'd'");
}

/* Modifiers (Falco 0.44) are rewritten into plain checks. */
static void test_modifiers(void **state)
{
	(void)state;
	expect_print("fd.name startswith anyof (/etc, /dev)",
		     "fd.name startswith /etc or fd.name startswith /dev");
	expect_print("fd.name contains allof (a, \"b c\")",
		     "fd.name contains a and fd.name contains \"b c\"");
	expect_print("fd.name endswith oneof (a, b)",
		     "(fd.name endswith a and not fd.name endswith b) or "
		     "(not fd.name endswith a and fd.name endswith b)");
	/* Inside a larger condition the rewrite keeps its own precedence. */
	expect_print("evt.type = open and fd.name startswith anyof (/a, /b)",
		     "evt.type = open and (fd.name startswith /a or fd.name startswith /b)");
	expect_print("fd.name = anyof (x)", "fd.name = x");
	/* A value that only looks like a modifier stays a value. */
	expect_print("proc.name = anyof", "proc.name = anyof");
	expect_error("fd.name = anyof ()",
		     "c.yaml:5:24: a modifier needs at least one value near 'anyof'");
	expect_error("fd.name = oneof x", "c.yaml:5:30: expected '(' after the modifier near 'x'");
}

/* A condition assembled from two files maps errors into the second one. */
static void test_error_in_appended_fragment(void **state)
{
	struct sk_ast_node *n;
	struct sk_src_text t;
	(void)state;
	sk_src_text_init(&t);
	assert_int_equal(
	    sk_src_text_append(&t, "proc.name = a", 13, (struct sk_pos){"base.yaml", 10, 14}), 0);
	assert_int_equal(sk_src_text_append(&t, " ", 1, (struct sk_pos){"local.yaml", 3, 14}), 0);
	assert_int_equal(
	    sk_src_text_append(&t, "or\n  proc.name ~ b", 18, (struct sk_pos){"local.yaml", 3, 14}),
	    0);
	assert_int_equal(sk_cond_parse(arena, &t, &n, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "local.yaml:4:13: expected an operator near '~'");
	/* the same with the position apart, ready for a diagnostic */
	struct sk_pos ep = {0};
	assert_int_equal(sk_cond_parse_pos(arena, &t, &n, &ep, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "expected an operator near '~'");
	assert_string_equal(ep.file, "local.yaml");
	assert_int_equal(ep.line, 4);
	assert_int_equal(ep.col, 13);
	assert_null(n);
	assert_int_equal(sk_cond_parse_pos(arena, &t, &n, NULL, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "local.yaml:4:13: expected an operator near '~'");
	sk_src_text_fini(&t);
}

static void test_depth_cap(void **state)
{
	struct sk_ast_node *n;
	size_t cap = 2 * (SK_COND_MAX_DEPTH + 2) + 16;
	char *text = malloc(cap);
	(void)state;
	assert_non_null(text);
	size_t k = 0;
	for (unsigned i = 0; i < SK_COND_MAX_DEPTH; i++)
		text[k++] = '(';
	text[k++] = 'a';
	for (unsigned i = 0; i < SK_COND_MAX_DEPTH; i++)
		text[k++] = ')';
	text[k] = '\0';
	assert_int_equal(parse(text, &n), 0);

	k = 0;
	for (unsigned i = 0; i <= SK_COND_MAX_DEPTH; i++)
		text[k++] = '(';
	text[k++] = 'a';
	for (unsigned i = 0; i <= SK_COND_MAX_DEPTH; i++)
		text[k++] = ')';
	text[k] = '\0';
	assert_int_equal(parse(text, &n), -EINVAL);
	assert_string_equal(err, "c.yaml:5:214: condition nested deeper than 200 levels near '('");

	k = 0;
	for (unsigned i = 0; i <= SK_COND_MAX_DEPTH; i++) {
		memcpy(text + k, "not ", 4);
		k += 4;
		if (k + 8 > cap)
			break;
	}
	free(text);
	size_t nlen = 4 * (SK_COND_MAX_DEPTH + 1) + 2;
	text = malloc(nlen);
	assert_non_null(text);
	for (unsigned i = 0; i <= SK_COND_MAX_DEPTH; i++)
		memcpy(text + 4 * i, "not ", 4);
	memcpy(text + 4 * (SK_COND_MAX_DEPTH + 1), "a", 2);
	assert_int_equal(parse(text, &n), -EINVAL);
	assert_non_null(strstr(err, "condition nested deeper than 200 levels near 'not'"));
	free(text);
}

static void test_size_cap(void **state)
{
	struct sk_ast_node *n;
	size_t len = SK_COND_MAX_LEN + 1;
	char *text = malloc(len + 1);
	(void)state;
	assert_non_null(text);
	memset(text, ' ', len);
	text[len] = '\0';
	memcpy(text, "a", 1);
	struct sk_src_text src = {.text = text, .len = len};
	assert_int_equal(sk_cond_parse(arena, &src, &n, err, sizeof(err)), -E2BIG);
	assert_string_equal(err, "<condition>:1:1: condition longer than 262144 bytes near 'a'");
	free(text);
}

static void test_list_cap(void **state)
{
	struct sk_ast_node *n;
	size_t len = 16 + 2 * (SK_COND_MAX_LIST + 1);
	char *text = malloc(len + 1);
	(void)state;
	assert_non_null(text);
	size_t k = (size_t)sprintf(text, "fd.name in (");
	for (unsigned i = 0; i <= SK_COND_MAX_LIST; i++) {
		text[k++] = 'x';
		text[k++] = i == SK_COND_MAX_LIST ? ')' : ',';
	}
	text[k] = '\0';
	struct sk_src_text src = {.text = text, .len = k};
	assert_int_equal(sk_cond_parse(arena, &src, &n, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "<condition>:1:131085: list has more than 65536 values near 'x'");
	text[k - 3] = ')';
	src.len = k - 2;
	assert_int_equal(sk_cond_parse(arena, &src, &n, err, sizeof(err)), 0);
	assert_int_equal(n->nvalues, SK_COND_MAX_LIST);
	free(text);
}

static void test_nul_byte(void **state)
{
	struct sk_ast_node *n;
	struct sk_src_text src = {.text = (char *)"a and\0b", .len = 7};
	(void)state;
	assert_int_equal(sk_cond_parse(arena, &src, &n, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "<condition>:1:6: NUL byte in condition near ' '");
}

static const char *corpus_dir(void)
{
	const char *d = getenv("SAKER_CORPUS");
	return d && *d ? d : "../shared/corpus";
}

/* Parse, print and re-parse one condition; the second print must equal the first. */
static void round_trip(const struct sk_src_text *t, const char *what, unsigned *count)
{
	struct sk_ast_node *n, *m;
	char first[65536], second[65536];
	if (sk_cond_parse(arena, t, &n, err, sizeof(err)))
		fail_msg("%s: %s", what, err);
	assert_true(sk_ast_print(n, first, sizeof(first)) < sizeof(first));
	struct sk_src_text p = {.text = first, .len = strlen(first)};
	if (sk_cond_parse(arena, &p, &m, err, sizeof(err)))
		fail_msg("%s: printed form does not parse: %s\n%s", what, err, first);
	sk_ast_print(m, second, sizeof(second));
	if (strcmp(first, second))
		fail_msg("%s: print is not stable:\n%s\n%s", what, first, second);
	(*count)++;
}

static void test_corpus_conditions(void **state)
{
	static const char *const files[] = {
	    "falco_rules.yaml",
	    "falco-incubating_rules.yaml",
	    "falco-sandbox_rules.yaml",
	    "k8s_audit_rules.yaml",
	    "aws_cloudtrail_rules.yaml",
	    "falco_rules-0.31.0.yaml",
	    "k8s_audit_rules-0.31.0.yaml",
	    "aws_cloudtrail_rules-0.31.0.yaml",
	    "application_rules-0.31.0.yaml",
	};
	unsigned total = 0;
	(void)state;
	for (size_t f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
		char path[1024], what[512];
		struct sk_rules r;
		struct sk_diags d;
		unsigned count = 0;
		snprintf(path, sizeof(path), "%s/falco-rules/%s", corpus_dir(), files[f]);
		sk_rules_init(&r);
		sk_diags_init(&d);
		assert_int_equal(sk_rules_load_path(&r, path, &d), 0);
		for (unsigned i = 0; i < r.nmacros; i++) {
			snprintf(what, sizeof(what), "%s macro %s", files[f], r.macros[i].name);
			round_trip(&r.macros[i].cond, what, &count);
		}
		for (unsigned i = 0; i < r.nrules; i++) {
			snprintf(what, sizeof(what), "%s rule %s", files[f], r.rules[i].name);
			round_trip(&r.rules[i].cond, what, &count);
		}
		assert_int_equal(count, r.nmacros + r.nrules);
		assert_true(count > 0);
		total += count;
		sk_diags_fini(&d);
		sk_rules_fini(&r);
	}
	/* macros + rules of e.2, summed over the nine files */
	assert_int_equal(total, 87 + 25 + 82 + 31 + 183 + 37 + 45 + 48 + 0 + 22 + 295 + 68 + 39 +
				    39 + 0 + 22 + 21 + 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_precedence_and_flattening),
	    cmocka_unit_test(test_check_shapes),
	    cmocka_unit_test(test_every_operator),
	    cmocka_unit_test(test_printing),
	    cmocka_unit_test(test_print_truncation),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_modifiers),
	    cmocka_unit_test(test_error_in_appended_fragment),
	    cmocka_unit_test(test_depth_cap),
	    cmocka_unit_test(test_size_cap),
	    cmocka_unit_test(test_list_cap),
	    cmocka_unit_test(test_nul_byte),
	    cmocka_unit_test(test_corpus_conditions),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
