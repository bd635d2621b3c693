/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The condition compiler on loaded rules: macro inlining and cycles, list
 * expansion, exceptions, unknown fields and skip-if-unknown-filter,
 * <NA> warnings, diagnostics with file:line:col.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../../../agent/engine/filter.h"
#include "../../../../agent/engine/rules.h"
#include "engine_test_util.h"

static struct sk_field_registry *reg;
static struct sk_rules rules;
static struct sk_diags diags;

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

static int each_setup(void **state)
{
	(void)state;
	memset(&tv, 0, sizeof(tv));
	sk_rules_init(&rules);
	sk_diags_init(&diags);
	return 0;
}

static int each_teardown(void **state)
{
	(void)state;
	sk_rules_fini(&rules);
	sk_diags_fini(&diags);
	return 0;
}

static void load(const char *yaml)
{
	int rc = sk_rules_load_buf(&rules, "t.yaml", yaml, strlen(yaml), &diags);
	if (rc) {
		sk_diags_print(&diags, stderr);
		fail_msg("rules did not load: %d", rc);
	}
}

/* Compile rule name; returns rc and the filter in *out. */
static int compile_rule(const char *name, struct sk_filter **out)
{
	struct sk_rules_rule *r = sk_rules_find_rule(&rules, name);
	assert_non_null(r);
	struct sk_compile_in in = {.rules = &rules, .rule = r, .reg = reg, .diags = &diags};
	return sk_filter_compile(&in, out);
}

static bool eval(struct sk_filter *f)
{
	char scratch[1024];
	struct sk_eval_ctx ctx = {
	    .source = "syscall", .scratch = scratch, .scratch_cap = sizeof(scratch)};
	return sk_filter_eval(f, &ctx);
}

/* The formatted text of the first diagnostic with code. */
static const char *diag_text(enum sk_diag_code code)
{
	static char buf[1024];
	for (unsigned i = 0; i < diags.n; i++) {
		if (diags.v[i].code == code) {
			sk_diag_format(&diags.v[i], buf, sizeof(buf));
			return buf;
		}
	}
	return NULL;
}

#define RULE(name, cond)                                                                           \
	"- rule: " name "\n  desc: d\n  condition: " cond "\n  output: o\n  priority: WARNING\n"

static void test_macros_inline(void **state)
{
	(void)state;
	load("- macro: is_sh\n  condition: test.str = sh\n"
	     "- macro: is_sh_or_bash\n  condition: is_sh or test.str = bash\n" RULE(
		 "r", "is_sh_or_bash and test.int = 1"));
	struct sk_filter *f;
	assert_int_equal(compile_rule("r", &f), 0);
	tv.i = 1;
	tv.str = "sh";
	assert_true(eval(f));
	tv.str = "bash";
	assert_true(eval(f));
	tv.str = "zsh";
	assert_false(eval(f));
	sk_filter_free(f);
	assert_true(sk_rules_find_macro(&rules, "is_sh")->used);
}

static void test_macro_cycle(void **state)
{
	(void)state;
	load("- macro: a\n  condition: b and test.int = 1\n"
	     "- macro: b\n  condition: test.str = x or a\n" RULE("r", "a"));
	struct sk_filter *f;
	assert_int_equal(compile_rule("r", &f), -EINVAL);
	const char *t = diag_text(SK_LOAD_ERR_COMPILE_CONDITION);
	assert_non_null(t);
	assert_non_null(strstr(t, "rule 'r': macro 'a' is recursive: a -> b -> a"));
	assert_non_null(strstr(t, "t.yaml:4:"));
}

static void test_undefined_macro(void **state)
{
	(void)state;
	load(RULE("r", "test.int = 1 and no_such_macro"));
	struct sk_filter *f;
	assert_int_equal(compile_rule("r", &f), -EINVAL);
	const char *t = diag_text(SK_LOAD_ERR_COMPILE_CONDITION);
	assert_non_null(t);
	assert_non_null(strstr(t, "t.yaml:3:31: error: rule 'r': undefined macro 'no_such_macro'"));
}

static void test_unknown_field_position(void **state)
{
	(void)state;
	load(RULE("x", "test.str = a and proc.nmae = b"));
	struct sk_filter *f;
	assert_int_equal(compile_rule("x", &f), -EINVAL);
	const char *t = diag_text(SK_LOAD_ERR_COMPILE_CONDITION);
	assert_non_null(t);
	assert_string_equal(t, "t.yaml:3:31: error: rule 'x': unknown field 'proc.nmae'");
}

static void test_skip_if_unknown_filter(void **state)
{
	(void)state;
	load("- rule: x\n  desc: d\n  condition: proc.nmae = b\n  output: o\n  priority: INFO\n"
	     "  skip-if-unknown-filter: true\n");
	struct sk_filter *f = NULL;
	assert_int_equal(compile_rule("x", &f), -ENOENT);
	assert_null(f);
	assert_int_equal(diags.nerrors, 0);
	assert_non_null(diag_text(SK_LOAD_UNKNOWN_FILTER));
}

static void test_lists_nested(void **state)
{
	(void)state;
	load("- list: shells\n  items: [sh, bash]\n"
	     "- list: more\n  items: [shells, zsh, '\"quoted item\"']\n" RULE(
		 "r", "test.str in (more, fish)") RULE("bare", "test.str in more")
		 RULE("pm", "test.str pmatch (dirs)") "- list: dirs\n  items: [/etc, /usr/lib]\n");
	struct sk_filter *f;
	assert_int_equal(compile_rule("r", &f), 0);
	const char *yes[] = {"sh", "bash", "zsh", "fish", "quoted item"};
	for (unsigned i = 0; i < 5; i++) {
		tv.str = yes[i];
		assert_true(eval(f));
	}
	tv.str = "shells"; /* a list name is never a value */
	assert_false(eval(f));
	tv.str = "\"quoted item\"";
	assert_false(eval(f));
	sk_filter_free(f);
	assert_int_equal(compile_rule("bare", &f), 0);
	tv.str = "zsh";
	assert_true(eval(f));
	sk_filter_free(f);
	assert_true(sk_rules_find_list(&rules, "shells")->used);
	assert_int_equal(compile_rule("pm", &f), 0);
	tv.str = "/usr/lib/x.so";
	assert_true(eval(f));
	tv.str = "/usr/libexec";
	assert_false(eval(f));
	sk_filter_free(f);
}

static void test_exceptions(void **state)
{
	(void)state;
	load("- rule: r\n  desc: d\n  condition: test.int = 1\n  output: o\n  priority: INFO\n"
	     "  exceptions:\n"
	     "    - name: by_pair\n      fields: [test.str, test.uint]\n"
	     "      comps: [=, in]\n      values:\n        - [sshd, [22, 2222]]\n"
	     "        - [nginx, [80]]\n"
	     "    - name: by_prefix\n      fields: [test.str]\n      comps: [startswith]\n"
	     "      values:\n        - [/opt/]\n"
	     "    - name: empty\n      fields: [test.str]\n      values: []\n");
	struct sk_filter *f;
	assert_int_equal(compile_rule("r", &f), 0);
	tv.i = 1;
	tv.str = "sshd";
	tv.u = 2222;
	assert_false(eval(f)); /* excepted */
	tv.u = 23;
	assert_true(eval(f));
	tv.str = "nginx";
	tv.u = 80;
	assert_false(eval(f));
	tv.str = "/opt/app";
	assert_false(eval(f));
	tv.str = "other";
	assert_true(eval(f));
	tv.i = 2;
	assert_false(eval(f));
	sk_filter_free(f);
}

static void test_exception_unknown_field(void **state)
{
	(void)state;
	load("- rule: r\n  desc: d\n  condition: test.int = 1\n  output: o\n  priority: INFO\n"
	     "  exceptions:\n    - name: e\n      fields: [proc.nmae]\n      values:\n        - "
	     "[a]\n");
	struct sk_filter *f;
	assert_int_equal(compile_rule("r", &f), -EINVAL);
	const char *t = diag_text(SK_LOAD_ERR_COMPILE_CONDITION);
	assert_non_null(t);
	assert_non_null(strstr(t, "rule 'r': unknown field 'proc.nmae'"));
}

static void test_na_warning(void **state)
{
	(void)state;
	load(RULE("r", "test.str != <NA> and test.int = 1"));
	struct sk_filter *f;
	assert_int_equal(compile_rule("r", &f), 0);
	const char *t = diag_text(SK_LOAD_UNSAFE_NA_CHECK);
	assert_non_null(t);
	assert_non_null(strstr(t, "t.yaml:3:26: warning: rule 'r':"));
	sk_filter_free(f);
}

static void test_deprecated_field_warning(void **state)
{
	(void)state;
	load(RULE("r", "evt.type = execve and evt.dir = < and evt.dir != >"));
	struct sk_filter *f;
	assert_int_equal(compile_rule("r", &f), 0);
	unsigned n = 0;
	for (unsigned i = 0; i < diags.n; i++)
		n += diags.v[i].code == SK_LOAD_DEPRECATED_ITEM;
	assert_int_equal(n, 1); /* once per rule and field */
	const char *t = diag_text(SK_LOAD_DEPRECATED_ITEM);
	assert_non_null(strstr(t, "t.yaml:3:36: warning: rule 'r': field 'evt.dir' is deprecated"));
	sk_filter_free(f);
}

/* A warning inside a macro is reported once, not once per rule using it. */
static void test_macro_warning_once(void **state)
{
	(void)state;
	load("- macro: m\n  condition: test.str != <NA> and evt.dir = <\n" RULE("a", "m")
		 RULE("b", "m and test.int = 1"));
	struct sk_filter *f;
	assert_int_equal(compile_rule("a", &f), 0);
	sk_filter_free(f);
	assert_int_equal(compile_rule("b", &f), 0);
	sk_filter_free(f);
	unsigned na = 0, depr = 0;
	for (unsigned i = 0; i < diags.n; i++) {
		na += diags.v[i].code == SK_LOAD_UNSAFE_NA_CHECK;
		depr += diags.v[i].code == SK_LOAD_DEPRECATED_ITEM;
	}
	assert_int_equal(na, 1);
	assert_int_equal(depr, 1);
	assert_string_equal(diags.v[0].item, "rule 'a'");
}

static void test_constant_errors_point_at_value(void **state)
{
	(void)state;
	load(RULE("r", "test.int in (1, 2, x3)"));
	struct sk_filter *f;
	assert_int_equal(compile_rule("r", &f), -EINVAL);
	const char *t = diag_text(SK_LOAD_ERR_COMPILE_CONDITION);
	assert_non_null(t);
	assert_non_null(strstr(t, "t.yaml:3:33: error: rule 'r': 'x3' is not a valid number"));
}

/* Macros that double at each level would inline to 2^40 nodes: refused by the size cap. */
static void test_macro_blowup_capped(void **state)
{
	(void)state;
	char yaml[8192];
	size_t n = (size_t)snprintf(yaml, sizeof(yaml), "- macro: m0\n  condition: test.int = 1\n");
	for (int i = 1; i <= 40; i++)
		n += (size_t)snprintf(yaml + n, sizeof(yaml) - n,
				      "- macro: m%d\n  condition: m%d or m%d\n", i, i - 1, i - 1);
	snprintf(yaml + n, sizeof(yaml) - n, RULE("r", "m40"));
	load(yaml);
	struct sk_filter *f;
	assert_int_equal(compile_rule("r", &f), -EINVAL);
	const char *t = diag_text(SK_LOAD_ERR_COMPILE_CONDITION);
	assert_non_null(t);
	assert_non_null(strstr(t, "condition too large"));
}

static void test_parse_error_in_macro(void **state)
{
	(void)state;
	load("- macro: m\n  condition: test.int = = 1\n" RULE("r", "m"));
	struct sk_filter *f;
	assert_int_equal(compile_rule("r", &f), -EINVAL);
	const char *t = diag_text(SK_LOAD_ERR_COMPILE_CONDITION);
	assert_non_null(t);
	assert_non_null(strstr(t, "t.yaml:2:"));
	assert_non_null(strstr(t, "(in macro 'm')"));
}

static void test_evttypes_of_rules(void **state)
{
	(void)state;
	load("- macro: open_read\n  condition: evt.type in (open, openat) and test.bool = "
	     "true\n" RULE("r", "open_read and test.str = cat"));
	struct sk_filter *f;
	assert_int_equal(compile_rule("r", &f), 0);
	struct sk_evtset s, want;
	sk_filter_evttypes(f, &s);
	struct sk_evtset a, b;
	sk_evtset_from_name(&a, "open", 4);
	sk_evtset_from_name(&b, "openat", 6);
	for (unsigned w = 0; w < SK_EVTSET_WORDS; w++)
		want.w[w] = a.w[w] | b.w[w];
	assert_memory_equal(&s, &want, sizeof(s));
	sk_filter_free(f);
}

/* Every upstream rules file compiles with the built-in fields (unknown plugin fields aside). */
static void test_upstream_rules_compile(void **state)
{
	(void)state;
	const char *corpus = getenv("SAKER_CORPUS");
	if (!corpus)
		corpus = "../shared/corpus";
	const char *files[] = {"falco_rules.yaml", "falco-incubating_rules.yaml",
			       "falco-sandbox_rules.yaml", "falco_rules-0.31.0.yaml"};
	for (unsigned k = 0; k < 4; k++) {
		char path[512];
		snprintf(path, sizeof(path), "%s/falco-rules/%s", corpus, files[k]);
		struct sk_rules rr;
		struct sk_diags dd;
		sk_rules_init(&rr);
		sk_diags_init(&dd);
		if (sk_rules_load_path(&rr, path, &dd) != 0) {
			sk_diags_print(&dd, stderr);
			fail_msg("%s did not load", path);
		}
		unsigned ok = 0;
		for (unsigned i = 0; i < rr.nrules; i++) {
			struct sk_filter *f = NULL;
			struct sk_compile_in in = {
			    .rules = &rr, .rule = &rr.rules[i], .reg = reg, .diags = &dd};
			if (sk_filter_compile(&in, &f) == 0)
				ok++;
			sk_filter_free(f);
		}
		if (ok != rr.nrules) {
			sk_diags_print(&dd, stderr);
			fail_msg("%s: %u of %u rules compiled", files[k], ok, rr.nrules);
		}
		sk_rules_fini(&rr);
		sk_diags_fini(&dd);
	}
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, each_setup, each_teardown)
	const struct CMUnitTest tests[] = {
	    T(test_macros_inline),
	    T(test_macro_cycle),
	    T(test_undefined_macro),
	    T(test_unknown_field_position),
	    T(test_skip_if_unknown_filter),
	    T(test_lists_nested),
	    T(test_exceptions),
	    T(test_exception_unknown_field),
	    T(test_na_warning),
	    T(test_deprecated_field_warning),
	    T(test_macro_warning_once),
	    T(test_constant_errors_point_at_value),
	    T(test_macro_blowup_capped),
	    T(test_parse_error_in_macro),
	    T(test_evttypes_of_rules),
	    T(test_upstream_rules_compile),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
