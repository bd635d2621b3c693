/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of agent/engine/yaml_doc.c: node tree, positions, break points, caps, errors. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../../../agent/engine/rules.h"
#include "../../../../agent/engine/yaml_doc.h"

static char err[256];
static struct sk_pos epos;

static int parse(struct sk_ydoc *d, const char *text)
{
	return sk_ydoc_parse(d, "t.yaml", text, strlen(text), err, sizeof(err), &epos);
}

static void assert_pos(struct sk_pos p, unsigned line, unsigned col)
{
	if (p.line != line || p.col != col)
		fail_msg("expected %u:%u, got %u:%u", line, col, p.line, p.col);
	assert_string_equal(p.file, "t.yaml");
}

static void test_tree_and_positions(void **state)
{
	struct sk_ydoc d;
	(void)state;
	assert_int_equal(parse(&d, "- rule: a\n  tags: [x, \"y\"]\n- list: l\n  items: []\n"), 0);
	assert_int_equal(d.ndocs, 1);
	const struct sk_ynode *root = d.docs[0];
	assert_int_equal(root->kind, SK_YNODE_SEQ);
	assert_int_equal(root->n, 2);
	const struct sk_ynode *r = root->items[0];
	assert_int_equal(r->kind, SK_YNODE_MAP);
	assert_pos(r->pos, 1, 3);
	const struct sk_ynode *name = sk_ynode_get(r, "rule");
	assert_string_equal(name->str, "a");
	assert_true(name->plain);
	assert_pos(name->pos, 1, 9);
	const struct sk_ynode *tags = sk_ynode_get(r, "tags");
	assert_int_equal(tags->kind, SK_YNODE_SEQ);
	assert_pos(tags->pos, 2, 9);
	assert_int_equal(tags->n, 2);
	assert_pos(tags->items[1]->pos, 2, 13);
	assert_false(tags->items[1]->plain);
	assert_null(sk_ynode_get(r, "nope"));
	assert_null(sk_ynode_get(tags, "x"));
	assert_int_equal(sk_ynode_get(root->items[1], "items")->n, 0);
	assert_string_equal(sk_ynode_kind_name(root), "sequence");
	assert_string_equal(sk_ynode_kind_name(r), "map");
	assert_string_equal(sk_ynode_kind_name(name), "scalar");
	sk_ydoc_fini(&d);
}

static void test_multiple_documents(void **state)
{
	struct sk_ydoc d;
	(void)state;
	assert_int_equal(parse(&d, "- a: 1\n---\n- b: 2\n---\n"), 0);
	assert_int_equal(d.ndocs, 3);
	assert_int_equal(d.docs[0]->kind, SK_YNODE_SEQ);
	assert_pos(d.docs[1]->items[0]->pos, 3, 3);
	assert_true(sk_ynode_is_null(d.docs[2]));
	sk_ydoc_fini(&d);

	assert_int_equal(parse(&d, "# only a comment\n"), 0);
	assert_int_equal(d.ndocs, 0);
	sk_ydoc_fini(&d);
}

static void test_null_and_bool(void **state)
{
	struct sk_ydoc d;
	bool b = false;
	(void)state;
	assert_int_equal(
	    parse(&d, "a:\nb: ~\nc: null\nd: 'null'\ne: true\nf: Off\ng: 'true'\nh: 1\n"), 0);
	const struct sk_ynode *m = d.docs[0];
	assert_true(sk_ynode_is_null(sk_ynode_get(m, "a")));
	assert_true(sk_ynode_is_null(sk_ynode_get(m, "b")));
	assert_true(sk_ynode_is_null(sk_ynode_get(m, "c")));
	assert_false(sk_ynode_is_null(sk_ynode_get(m, "d")));
	assert_int_equal(sk_ynode_bool(sk_ynode_get(m, "e"), &b), 0);
	assert_true(b);
	assert_int_equal(sk_ynode_bool(sk_ynode_get(m, "f"), &b), 0);
	assert_false(b);
	assert_int_equal(sk_ynode_bool(sk_ynode_get(m, "g"), &b), -EINVAL);
	assert_int_equal(sk_ynode_bool(sk_ynode_get(m, "h"), &b), -EINVAL);
	sk_ydoc_fini(&d);
}

/* Position of value byte off through the scalar's break points, as the loader maps it. */
static struct sk_pos value_pos(const struct sk_ynode *n, uint32_t off)
{
	struct sk_src_frag frags[64];
	struct sk_src_text t = {
	    .text = (char *)n->str, .len = n->len, .frags = frags, .nfrags = n->nbrk};
	assert_true(n->nbrk > 0 && n->nbrk <= 64);
	for (uint32_t i = 0; i < n->nbrk; i++)
		frags[i] = (struct sk_src_frag){.offset = n->brk[i].off, .pos = n->brk[i].pos};
	return sk_src_text_pos(&t, off);
}

static void test_break_points_folded(void **state)
{
	struct sk_ydoc d;
	(void)state;
	const char *text = "- macro: m\n"
			   "  condition: >\n"
			   "    evt.type = open\n"
			   "      and   fd.name = x\n";
	assert_int_equal(parse(&d, text), 0);
	const struct sk_ynode *c = sk_ynode_get(d.docs[0]->items[0], "condition");
	assert_string_equal(c->str, "evt.type = open\n  and   fd.name = x\n");
	assert_pos(c->pos, 2, 14);
	assert_pos(value_pos(c, 0), 3, 5);
	const char *and = strstr(c->str, "and");
	assert_pos(value_pos(c, (uint32_t)(and-c->str)), 4, 7);
	const char *fd = strstr(c->str, "fd.name");
	assert_pos(value_pos(c, (uint32_t)(fd - c->str)), 4, 13);
	sk_ydoc_fini(&d);
}

static void test_break_points_plain_and_quoted(void **state)
{
	struct sk_ydoc d;
	(void)state;
	const char *text = "a: one two\n   three\nb: \"x\\\"y z\"\n";
	assert_int_equal(parse(&d, text), 0);
	const struct sk_ynode *a = sk_ynode_get(d.docs[0], "a");
	assert_string_equal(a->str, "one two three");
	assert_pos(value_pos(a, 4), 1, 8);
	assert_pos(value_pos(a, 8), 2, 4);
	const struct sk_ynode *b = sk_ynode_get(d.docs[0], "b");
	assert_string_equal(b->str, "x\"y z");
	assert_pos(value_pos(b, 0), 3, 5);
	assert_pos(value_pos(b, 4), 3, 10);
	sk_ydoc_fini(&d);
}

static void test_utf8_columns(void **state)
{
	struct sk_ydoc d;
	(void)state;
	assert_int_equal(parse(&d, "- é: ü x\n"), 0);
	const struct sk_ynode *v = d.docs[0]->items[0]->items[0];
	assert_pos(v->pos, 1, 6);
	/* "x" is byte 3 of the value, the third character */
	assert_pos(value_pos(v, 3), 1, 8);
	sk_ydoc_fini(&d);
}

static void test_alias_refused(void **state)
{
	struct sk_ydoc d;
	(void)state;
	assert_int_equal(parse(&d, "- &a {x: 1}\n- *a\n"), -EINVAL);
	assert_string_equal(err, "YAML aliases are not supported in rules files");
	assert_pos(epos, 2, 3);
	sk_ydoc_fini(&d);
}

static void test_anchor_alone_is_fine(void **state)
{
	struct sk_ydoc d;
	(void)state;
	assert_int_equal(parse(&d, "- &a {x: 1}\n"), 0);
	assert_string_equal(sk_ynode_get(d.docs[0]->items[0], "x")->str, "1");
	sk_ydoc_fini(&d);
}

static void test_depth_cap(void **state)
{
	struct sk_ydoc d;
	char text[4 * SK_RULES_YAML_DEPTH + 8];
	size_t n = 0;
	(void)state;
	for (unsigned i = 0; i < SK_RULES_YAML_DEPTH; i++)
		text[n++] = '[';
	for (unsigned i = 0; i < SK_RULES_YAML_DEPTH; i++)
		text[n++] = ']';
	text[n] = '\0';
	assert_int_equal(parse(&d, text), 0);
	sk_ydoc_fini(&d);

	n = 0;
	for (unsigned i = 0; i <= SK_RULES_YAML_DEPTH; i++)
		text[n++] = '[';
	for (unsigned i = 0; i <= SK_RULES_YAML_DEPTH; i++)
		text[n++] = ']';
	text[n] = '\0';
	assert_int_equal(parse(&d, text), -EINVAL);
	assert_string_equal(err, "YAML nesting deeper than 64 levels");
	assert_pos(epos, 1, SK_RULES_YAML_DEPTH + 1);
	sk_ydoc_fini(&d);
}

static void test_size_cap(void **state)
{
	struct sk_ydoc d;
	(void)state;
	assert_int_equal(
	    sk_ydoc_parse(&d, "t.yaml", "", SK_RULES_FILE_MAX + 1ul, err, sizeof(err), &epos),
	    -E2BIG);
	assert_string_equal(err, "file is larger than 16777216 bytes");
	sk_ydoc_fini(&d);
}

static void test_syntax_error_position(void **state)
{
	struct sk_ydoc d;
	(void)state;
	assert_int_equal(parse(&d, "- rule: a\n  desc: [x\n- rule: b\n"), -EINVAL);
	assert_string_equal(
	    err, "invalid YAML: did not find expected ',' or ']' while parsing a flow sequence");
	assert_pos(epos, 3, 7);
	sk_ydoc_fini(&d);

	assert_int_equal(parse(&d, "a: b: c\n"), -EINVAL);
	assert_string_equal(err, "invalid YAML: mapping values are not allowed in this context");
	assert_pos(epos, 1, 5);
	sk_ydoc_fini(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_tree_and_positions),
	    cmocka_unit_test(test_multiple_documents),
	    cmocka_unit_test(test_null_and_bool),
	    cmocka_unit_test(test_break_points_folded),
	    cmocka_unit_test(test_break_points_plain_and_quoted),
	    cmocka_unit_test(test_utf8_columns),
	    cmocka_unit_test(test_alias_refused),
	    cmocka_unit_test(test_anchor_alone_is_fine),
	    cmocka_unit_test(test_depth_cap),
	    cmocka_unit_test(test_size_cap),
	    cmocka_unit_test(test_syntax_error_position),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
