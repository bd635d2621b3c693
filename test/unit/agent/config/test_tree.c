/* SPDX-License-Identifier: Apache-2.0 */
/* The configuration tree: parsing with positions, depth, -o paths, ${ENV}, merging. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../../../agent/config/tree.h"

static struct sk_cnode *parse(const char *text)
{
	char err[256];
	struct sk_cnode *n = NULL;
	int rc = sk_cnode_parse(text, strlen(text), "t.yaml", &n, err, sizeof(err));
	if (rc)
		fail_msg("parse: %s", err);
	return n;
}

static const char *str_at(const struct sk_cnode *root, const char *path)
{
	const struct sk_cnode *n = sk_cnode_path(root, path);
	return n && n->kind == SK_CNODE_SCALAR ? n->str : NULL;
}

static int override(struct sk_cnode *root, const char *kv, char *err)
{
	return sk_cnode_override(root, kv, "-o", err, 256);
}

static void test_positions_and_kinds(void **state)
{
	struct sk_cnode *r = parse("a:\n  b: 1\n  c: [x, 'y']\nd: ~\n");
	const struct sk_cnode *b = sk_cnode_path(r, "a.b");
	assert_non_null(b);
	assert_int_equal(b->line, 2);
	assert_int_equal(b->col, 6);
	assert_string_equal(b->str, "1");
	const struct sk_cnode *c = sk_cnode_path(r, "a.c");
	assert_int_equal(c->kind, SK_CNODE_SEQ);
	assert_int_equal(c->n, 2);
	assert_true(c->vals[0]->plain);
	assert_false(c->vals[1]->plain);
	assert_true(sk_cnode_is_null(sk_cnode_get(r, "d")));
	char w[64];
	assert_string_equal(sk_cnode_where(b, w, sizeof(w)), "t.yaml:2:6");
	sk_cnode_free(r);
}

static void test_errors_have_positions(void **state)
{
	char err[256];
	struct sk_cnode *n;
	assert_int_equal(sk_cnode_parse("a: [1, 2\n", 9, "t", &n, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "invalid YAML"));
	assert_int_equal(sk_cnode_parse("a: &x 1\nb: *x\n", 14, "t", &n, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "2:4: YAML aliases are not supported in configuration files");
	/* an empty document is an empty map */
	assert_int_equal(sk_cnode_parse("", 0, "t", &n, err, sizeof(err)), 0);
	assert_int_equal(n->kind, SK_CNODE_MAP);
	assert_int_equal(n->n, 0);
	sk_cnode_free(n);
}

/* Nesting far deeper than any real file, within SK_CONFIG_MAX_DEPTH; past it, an error. */
static void test_depth(void **state)
{
	unsigned depth = 2000;
	size_t cap = depth * 5 + 16;
	char *t = malloc(cap);
	size_t n = 0;
	for (unsigned i = 0; i < depth; i++)
		n += (size_t)snprintf(t + n, cap - n, "{a: ");
	n += (size_t)snprintf(t + n, cap - n, "leaf");
	for (unsigned i = 0; i < depth; i++)
		t[n++] = '}';
	t[n] = '\0';
	struct sk_cnode *r = parse(t);
	const struct sk_cnode *x = r;
	for (unsigned i = 0; i < depth; i++)
		x = sk_cnode_get(x, "a");
	assert_string_equal(x->str, "leaf");
	sk_cnode_free(r);
	free(t);

	depth = SK_CONFIG_MAX_DEPTH + 1;
	cap = depth * 2 + 16;
	t = malloc(cap);
	memset(t, '[', depth);
	memset(t + depth, ']', depth);
	t[2 * depth] = '\0';
	char err[256];
	struct sk_cnode *bad;
	assert_int_equal(sk_cnode_parse(t, 2 * depth, "t", &bad, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "nesting too deep"));
	free(t);
}

static void test_override_paths(void **state)
{
	char err[256];
	struct sk_cnode *r = parse("web:\n  port: 1\nlist: [a, b]\nobjs:\n  - {n: 1}\n  - {n: 2}\n");
	/* dotted path replaces a scalar; creates missing maps */
	assert_int_equal(override(r, "web.port=8766", err), 0);
	assert_string_equal(str_at(r, "web.port"), "8766");
	assert_int_equal(override(r, "new.deep.key=v", err), 0);
	assert_string_equal(str_at(r, "new.deep.key"), "v");
	/* [N] indexes, N == length appends, past it is an error */
	assert_int_equal(override(r, "list[1]=B", err), 0);
	assert_int_equal(override(r, "list[2]=c", err), 0);
	const struct sk_cnode *l = sk_cnode_get(r, "list");
	assert_int_equal(l->n, 3);
	assert_string_equal(l->vals[1]->str, "B");
	assert_string_equal(l->vals[2]->str, "c");
	assert_int_equal(override(r, "list[9]=x", err), -EINVAL);
	assert_string_equal(err, "-o 'list[9]=x': index [9] is past the end of a sequence of 3");
	/* [N].key walks into a list item */
	assert_int_equal(override(r, "objs[1].n=20", err), 0);
	assert_string_equal(sk_cnode_get(sk_cnode_get(r, "objs")->vals[1], "n")->str, "20");
	/* [] appends a new element; further keys go into it (Falco's rules[].disable.tag) */
	assert_int_equal(override(r, "rules[].disable.tag=network", err), 0);
	assert_int_equal(override(r, "rules[].enable.rule=x*", err), 0);
	const struct sk_cnode *rules = sk_cnode_get(r, "rules");
	assert_int_equal(rules->kind, SK_CNODE_SEQ);
	assert_int_equal(rules->n, 2);
	assert_string_equal(sk_cnode_path(rules->vals[0], "disable.tag")->str, "network");
	assert_string_equal(sk_cnode_path(rules->vals[1], "enable.rule")->str, "x*");
	/* the value is everything after the first '=' */
	assert_int_equal(override(r, "web.q=a=b", err), 0);
	assert_string_equal(str_at(r, "web.q"), "a=b");
	sk_cnode_free(r);
}

static void test_override_subtree_and_escapes(void **state)
{
	char err[256];
	struct sk_cnode *r = parse("http_output:\n  enabled: false\n  url: old\n");
	/* {...} replaces the node with a parsed subtree */
	assert_int_equal(override(r, "http_output={enabled: true, url: \"http://h:1/\"}", err), 0);
	assert_string_equal(str_at(r, "http_output.enabled"), "true");
	assert_string_equal(str_at(r, "http_output.url"), "http://h:1/");
	assert_int_equal(sk_cnode_path(r, "http_output.url")->line, 0); /* origin: -o */
	/* escapes make '.', '[', ']' and '\' part of a key */
	assert_int_equal(override(r, "a\\.b=1", err), 0);
	assert_string_equal(sk_cnode_get(r, "a.b")->str, "1");
	assert_null(sk_cnode_path(r, "a"));
	assert_int_equal(override(r, "k\\[0\\]\\\\.x=2", err), 0);
	assert_string_equal(sk_cnode_get(sk_cnode_get(r, "k[0]\\"), "x")->str, "2");
	/* malformed paths name the argument */
	assert_int_equal(override(r, "a..b=1", err), -EINVAL);
	assert_string_equal(err, "-o 'a..b=1': empty key");
	assert_int_equal(override(r, "a[x]=1", err), -EINVAL);
	assert_int_equal(override(r, "a]=1", err), -EINVAL);
	assert_int_equal(override(r, "noequals", err), -EINVAL);
	assert_string_equal(err, "-o 'noequals': expected key=value");
	assert_int_equal(override(r, "a={b: [}", err), -EINVAL);
	assert_non_null(strstr(err, "not a YAML map"));
	sk_cnode_free(r);
}

static void test_env(void **state)
{
	char err[256];
	setenv("SK_TEST_DIR", "/var/x", 1);
	unsetenv("SK_TEST_UNSET");
	struct sk_cnode *r = parse("f: ${SK_TEST_DIR}/out.txt\n"
				   "g: [\"a${SK_TEST_UNSET}b\"]\n"
				   "h: $${SK_TEST_DIR} costs $5\n");
	assert_int_equal(sk_cnode_expand_env(r, err, sizeof(err)), 0);
	assert_string_equal(str_at(r, "f"), "/var/x/out.txt");
	assert_string_equal(sk_cnode_get(r, "g")->vals[0]->str, "ab");
	assert_string_equal(str_at(r, "h"), "${SK_TEST_DIR} costs $5");
	sk_cnode_free(r);
	r = parse("x:\n  y: ${UNTERMINATED\n");
	assert_int_equal(sk_cnode_expand_env(r, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "t.yaml:2:6: '${' without a variable name and '}'");
	sk_cnode_free(r);
}

static void test_merge(void **state)
{
	struct sk_cnode *d = parse("l: [a]\ns: 1\nm: {x: 1}\n");
	assert_int_equal(sk_cnode_merge(d, parse("l: [b]\ns: 2\nn: 3\n"), SK_MERGE_APPEND), 0);
	assert_int_equal(sk_cnode_get(d, "l")->n, 2);
	assert_string_equal(str_at(d, "s"), "2");
	assert_string_equal(str_at(d, "n"), "3");
	assert_int_equal(sk_cnode_merge(d, parse("l: [c]\nm: {y: 2}\n"), SK_MERGE_OVERRIDE), 0);
	assert_int_equal(sk_cnode_get(d, "l")->n, 1);
	assert_null(sk_cnode_path(d, "m.x"));
	assert_int_equal(sk_cnode_merge(d, parse("s: 9\nz: 1\n"), SK_MERGE_ADD_ONLY), 0);
	assert_string_equal(str_at(d, "s"), "2");
	assert_string_equal(str_at(d, "z"), "1");
	sk_cnode_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_positions_and_kinds),
		cmocka_unit_test(test_errors_have_positions),
		cmocka_unit_test(test_depth),
		cmocka_unit_test(test_override_paths),
		cmocka_unit_test(test_override_subtree_and_escapes),
		cmocka_unit_test(test_env),
		cmocka_unit_test(test_merge),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
