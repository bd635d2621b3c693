/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Tests of the rules loader (agent/engine/rules_load.c, rules_merge.c,
 * rules_exceptions.c, rules_src.c): every item and key, append/override
 * semantics and their validation errors, exceptions and the condition text
 * derived from them, each error class with its exact position, directory
 * loads, and the upstream rule files against the counts of the reference.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../../../agent/engine/rules.h"

struct fx {
	struct sk_rules r;
	struct sk_diags d;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	if (!f)
		return -1;
	sk_rules_init(&f->r);
	sk_diags_init(&f->d);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	sk_diags_fini(&f->d);
	sk_rules_fini(&f->r);
	free(f);
	return 0;
}

static int load(struct fx *f, const char *name, const char *text)
{
	return sk_rules_load_buf(&f->r, name, text, strlen(text), &f->d);
}

static const char *diag(struct fx *f, unsigned i)
{
	static char buf[1024];
	if (i >= f->d.n)
		fail_msg("no diagnostic %u (have %u)", i, f->d.n);
	sk_diag_format(&f->d.v[i], buf, sizeof(buf));
	return buf;
}

static void dump(struct fx *f)
{
	for (unsigned i = 0; i < f->d.n; i++)
		fprintf(stderr, "  diag: %s\n", diag(f, i));
}

/* Loading text fails with exactly one error, want. */
static void expect_error(const char *text, const char *want, enum sk_diag_code code)
{
	struct fx *f = NULL;
	assert_int_equal(setup((void **)&f), 0);
	int rc = load(f, "t.yaml", text);
	if (rc != -EINVAL || f->d.nerrors != 1) {
		dump(f);
		fail_msg("rc %d, %u errors for:\n%s", rc, f->d.nerrors, text);
	}
	for (unsigned i = 0; i < f->d.n; i++) {
		if (f->d.v[i].severity != SK_DIAG_ERROR)
			continue;
		if (strcmp(diag(f, i), want))
			fail_msg("error\n  %s\nwant\n  %s", diag(f, i), want);
		assert_int_equal(f->d.v[i].code, code);
	}
	teardown((void **)&f);
}

/* Loading text succeeds with exactly one warning, want. */
static void expect_warning(const char *text, const char *want, enum sk_diag_code code)
{
	struct fx *f = NULL;
	assert_int_equal(setup((void **)&f), 0);
	int rc = load(f, "t.yaml", text);
	if (rc != 0 || f->d.nwarnings != 1 || f->d.nerrors) {
		dump(f);
		fail_msg("rc %d, %u warnings for:\n%s", rc, f->d.nwarnings, text);
	}
	if (strcmp(diag(f, 0), want))
		fail_msg("warning\n  %s\nwant\n  %s", diag(f, 0), want);
	assert_int_equal(f->d.v[0].code, code);
	teardown((void **)&f);
}

static void load_ok(struct fx *f, const char *name, const char *text)
{
	if (load(f, name, text) || f->d.nerrors) {
		dump(f);
		fail_msg("load of %s failed", name);
	}
}

static void assert_pos(struct sk_pos p, const char *file, unsigned line, unsigned col)
{
	if (strcmp(p.file ? p.file : "(null)", file) || p.line != line || p.col != col)
		fail_msg("expected %s:%u:%u, got %s:%u:%u", file, line, col, p.file, p.line, p.col);
}

/* ---- items ---- */

static void test_list_macro_rule(void **state)
{
	struct fx *f = *state;
	load_ok(f, "t.yaml",
		"- list: shells\n"
		"  items: [bash, \"zsh\", 22, other_list]\n"
		"- macro: spawned\n"
		"  condition: evt.type = execve\n"
		"- rule: Shell\n"
		"  desc: a shell\n"
		"  condition: spawned and proc.name in (shells)\n"
		"  output: \"shell %proc.name\"\n"
		"  priority: WARNING\n"
		"  tags: [host, shell]\n");
	assert_int_equal(f->d.n, 0);
	struct sk_rules_list *l = sk_rules_find_list(&f->r, "shells");
	assert_non_null(l);
	assert_int_equal(l->nitems, 4);
	assert_string_equal(l->items[1], "zsh");
	assert_string_equal(l->items[2], "22");
	assert_string_equal(l->items[3], "other_list");
	assert_pos(l->pos, "t.yaml", 1, 3);
	assert_pos(l->item_pos[3], "t.yaml", 2, 28);
	struct sk_rules_macro *m = sk_rules_find_macro(&f->r, "spawned");
	assert_string_equal(m->cond.text, "evt.type = execve");
	assert_pos(sk_src_text_pos(&m->cond, 11), "t.yaml", 4, 25);
	struct sk_rules_rule *r = sk_rules_find_rule(&f->r, "Shell");
	assert_non_null(r);
	assert_string_equal(r->desc, "a shell");
	assert_string_equal(r->cond.text, "spawned and proc.name in (shells)");
	assert_string_equal(r->output.text, "shell %proc.name");
	assert_pos(sk_src_text_pos(&r->output, 6), "t.yaml", 8, 18);
	assert_int_equal(r->priority, SK_PRIO_WARNING);
	assert_string_equal(r->source, "syscall");
	assert_true(r->enabled);
	assert_true(r->warn_evttypes);
	assert_false(r->skip_if_unknown_filter);
	assert_int_equal(r->ntags, 2);
	assert_string_equal(r->tags[1], "shell");
	assert_int_equal(r->nexceptions, 0);
	assert_pos(r->pos, "t.yaml", 5, 3);
	assert_null(sk_rules_find_rule(&f->r, "shells"));
	assert_null(sk_rules_find_list(&f->r, "Shell"));
	assert_null(sk_rules_find_macro(&f->r, "nope"));
}

static void test_rule_options(void **state)
{
	struct fx *f = *state;
	load_ok(f, "t.yaml",
		"- rule: k\n"
		"  desc: d\n"
		"  condition: ka.verb = get\n"
		"  output: o\n"
		"  priority: info\n"
		"  source: k8s_audit\n"
		"  enabled: false\n"
		"  warn_evttypes: false\n"
		"  skip-if-unknown-filter: true\n"
		"  capture: true\n"
		"  capture_duration: 5000\n");
	struct sk_rules_rule *r = sk_rules_find_rule(&f->r, "k");
	assert_int_equal(r->priority, SK_PRIO_INFORMATIONAL);
	assert_string_equal(r->source, "k8s_audit");
	assert_false(r->enabled);
	assert_false(r->warn_evttypes);
	assert_true(r->skip_if_unknown_filter);
	assert_int_equal(f->d.n, 0);
}

static void test_priorities(void **state)
{
	static const struct {
		const char *text;
		enum sk_priority p;
	} cases[] = {
	    {"emergency", SK_PRIO_EMERGENCY},
	    {"ALERT", SK_PRIO_ALERT},
	    {"Critical", SK_PRIO_CRITICAL},
	    {"error", SK_PRIO_ERROR},
	    {"Warning", SK_PRIO_WARNING},
	    {"NOTICE", SK_PRIO_NOTICE},
	    {"informational", SK_PRIO_INFORMATIONAL},
	    {"INFO", SK_PRIO_INFORMATIONAL},
	    {"Debug", SK_PRIO_DEBUG},
	};
	enum sk_priority p;
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(sk_priority_parse(cases[i].text, &p), 0);
		assert_int_equal(p, cases[i].p);
	}
	assert_int_equal(sk_priority_parse("warn", &p), -EINVAL);
	assert_int_equal(sk_priority_parse("", &p), -EINVAL);
	assert_string_equal(sk_priority_name(SK_PRIO_INFORMATIONAL), "Informational");
	assert_string_equal(sk_priority_name(SK_PRIO_EMERGENCY), "Emergency");
	assert_string_equal(sk_priority_name(SK_PRIO_COUNT), "Unknown");
}

static void test_redefinition_replaces_in_place(void **state)
{
	struct fx *f = *state;
	load_ok(f, "a.yaml",
		"- rule: one\n  desc: d\n  condition: a\n  output: o\n  priority: debug\n"
		"- rule: two\n  desc: d\n  condition: b\n  output: o\n  priority: debug\n"
		"- list: l\n  items: [a]\n"
		"- macro: m\n  condition: x\n");
	load_ok(f, "b.yaml",
		"- rule: one\n  desc: again\n  condition: c\n  output: o2\n  priority: error\n"
		"- list: l\n  items: [b, c]\n"
		"- macro: m\n  condition: y\n"
		"- rule: three\n  desc: d\n  condition: b\n  output: o\n  priority: debug\n");
	assert_int_equal(f->r.nrules, 3);
	assert_string_equal(f->r.rules[0].name, "one");
	assert_string_equal(f->r.rules[0].desc, "again");
	assert_string_equal(f->r.rules[0].cond.text, "c");
	assert_int_equal(f->r.rules[0].priority, SK_PRIO_ERROR);
	assert_pos(f->r.rules[0].pos, "b.yaml", 1, 3);
	assert_int_equal(f->r.rules[0].order, 0);
	assert_int_equal(f->r.rules[1].order, 1);
	assert_int_equal(f->r.rules[2].order, 2);
	assert_int_equal(f->r.nlists, 1);
	assert_int_equal(f->r.lists[0].nitems, 2);
	assert_string_equal(f->r.lists[0].items[0], "b");
	assert_string_equal(f->r.macros[0].cond.text, "y");
	assert_pos(f->r.macros[0].pos, "b.yaml", 8, 3);
	assert_int_equal(f->r.nfiles, 2);
	assert_string_equal(f->r.files[1], "b.yaml");
}

static void test_enabled_only_toggles(void **state)
{
	struct fx *f = *state;
	load_ok(f, "a.yaml",
		"- rule: r\n  desc: d\n  condition: a\n  output: o\n  priority: debug\n");
	load_ok(f, "b.yaml", "- rule: r\n  enabled: false\n");
	assert_false(sk_rules_find_rule(&f->r, "r")->enabled);
	assert_string_equal(sk_rules_find_rule(&f->r, "r")->cond.text, "a");
	load_ok(f, "c.yaml", "- rule: r\n  enabled: true\n");
	assert_true(sk_rules_find_rule(&f->r, "r")->enabled);
	assert_int_equal(f->r.nrules, 1);
}

static void test_engine_and_plugin_versions(void **state)
{
	struct fx *f = *state;
	load_ok(f, "a.yaml", "- required_engine_version: 15\n");
	assert_string_equal(f->r.required_engine_version, "15");
	load_ok(f, "b.yaml", "- required_engine_version: 0.57.0\n");
	assert_string_equal(f->r.required_engine_version, "0.57.0");
	assert_pos(f->r.required_engine_version_pos, "b.yaml", 1, 28);
	load_ok(f, "c.yaml", "- required_engine_version: 9\n");
	assert_string_equal(f->r.required_engine_version, "0.57.0");
	load_ok(f, "d.yaml",
		"- required_plugin_versions:\n"
		"  - name: k8saudit\n"
		"    version: 0.18.0\n"
		"    alternatives:\n"
		"      - name: k8saudit-eks\n"
		"        version: 0.12.0\n"
		"  - name: json\n"
		"    version: 0.7.0\n");
	assert_int_equal(f->r.nplugin_reqs, 2);
	assert_string_equal(f->r.plugin_reqs[0].name, "k8saudit");
	assert_string_equal(f->r.plugin_reqs[0].version, "0.18.0");
	assert_int_equal(f->r.plugin_reqs[0].nalternatives, 1);
	assert_string_equal(f->r.plugin_reqs[0].alternatives[0].name, "k8saudit-eks");
	assert_string_equal(f->r.plugin_reqs[1].version, "0.7.0");
	assert_pos(f->r.plugin_reqs[1].pos, "d.yaml", 7, 5);
	assert_int_equal(f->d.n, 0);
}

static void test_multiple_documents_and_empty(void **state)
{
	struct fx *f = *state;
	load_ok(f, "t.yaml", "- list: a\n  items: [x]\n---\n- list: b\n  items: [y]\n---\n");
	assert_int_equal(f->r.nlists, 2);
	assert_pos(f->r.lists[1].pos, "t.yaml", 4, 3);
	load_ok(f, "e.yaml", "");
	load_ok(f, "c.yaml", "# nothing\n");
	assert_int_equal(sk_rules_load_buf(&f->r, "n.yaml", NULL, 0, &f->d), 0);
	assert_int_equal(f->d.n, 0);
}

/* A folded condition maps every line back to the file, also after an append from another file. */
static void test_condition_positions(void **state)
{
	struct fx *f = *state;
	load_ok(f, "a.yaml",
		"- macro: m\n"
		"  condition: >\n"
		"    evt.type = open\n"
		"      and fd.name = x\n");
	load_ok(f, "b.yaml",
		"- macro: m\n"
		"  condition: or proc.name = y\n"
		"  override:\n"
		"    condition: append\n");
	struct sk_rules_macro *m = sk_rules_find_macro(&f->r, "m");
	assert_string_equal(m->cond.text, "evt.type = open\n  and fd.name = x or proc.name = y");
	const char *t = m->cond.text;
	assert_pos(sk_src_text_pos(&m->cond, 0), "a.yaml", 3, 5);
	assert_pos(sk_src_text_pos(&m->cond, (size_t)(strstr(t, "and") - t)), "a.yaml", 4, 7);
	assert_pos(sk_src_text_pos(&m->cond, (size_t)(strstr(t, "fd.name") - t)), "a.yaml", 4, 11);
	assert_pos(sk_src_text_pos(&m->cond, (size_t)(strstr(t, "or") - t)), "b.yaml", 2, 14);
	assert_pos(sk_src_text_pos(&m->cond, (size_t)(strstr(t, "proc") - t)), "b.yaml", 2, 17);
}

/* ---- append / override ---- */

static const char *base_rule = "- rule: r\n"
			       "  desc: base\n"
			       "  condition: evt.type = open\n"
			       "  output: opened\n"
			       "  priority: notice\n"
			       "  tags: [a, b]\n";

static void test_legacy_append(void **state)
{
	struct fx *f = *state;
	load_ok(f, "a.yaml", base_rule);
	load_ok(f, "a.yaml", "- list: l\n  items: [x]\n- macro: m\n  condition: a\n");
	load_ok(f, "b.yaml",
		"- rule: r\n  append: true\n  condition: and fd.name = x\n  tags: [b, c]\n"
		"- list: l\n  append: true\n  items: [y, z]\n"
		"- macro: m\n  append: true\n  condition: or b\n");
	struct sk_rules_rule *r = sk_rules_find_rule(&f->r, "r");
	assert_string_equal(r->cond.text, "evt.type = open and fd.name = x");
	assert_pos(sk_src_text_pos(&r->cond, 16), "b.yaml", 3, 14);
	assert_pos(sk_src_text_pos(&r->cond, 2), "a.yaml", 3, 16);
	assert_int_equal(r->ntags, 3);
	assert_string_equal(r->tags[2], "c");
	assert_string_equal(r->output.text, "opened");
	struct sk_rules_list *l = sk_rules_find_list(&f->r, "l");
	assert_int_equal(l->nitems, 3);
	assert_string_equal(l->items[2], "z");
	assert_pos(l->item_pos[2], "b.yaml", 7, 14);
	assert_string_equal(sk_rules_find_macro(&f->r, "m")->cond.text, "a or b");
	/* append is deprecated: one warning per item */
	assert_int_equal(f->d.nwarnings, 3);
	assert_string_equal(diag(f, 0), "b.yaml:2:11: warning: rule 'r': 'append' is deprecated, "
					"use 'override' with 'append' instead");
	assert_int_equal(f->d.v[0].code, SK_LOAD_DEPRECATED_ITEM);
}

static void test_override(void **state)
{
	struct fx *f = *state;
	load_ok(f, "a.yaml", base_rule);
	load_ok(f, "a.yaml", "- list: l\n  items: [x]\n- macro: m\n  condition: a\n");
	load_ok(f, "b.yaml",
		"- rule: r\n"
		"  condition: and fd.name = x\n"
		"  output: more\n"
		"  desc: new desc\n"
		"  priority: critical\n"
		"  tags: [z]\n"
		"  enabled: false\n"
		"  warn_evttypes: false\n"
		"  skip-if-unknown-filter: true\n"
		"  override:\n"
		"    condition: append\n"
		"    output: append\n"
		"    desc: replace\n"
		"    priority: replace\n"
		"    tags: replace\n"
		"    enabled: replace\n"
		"    warn_evttypes: replace\n"
		"    skip-if-unknown-filter: replace\n"
		"- list: l\n  items: [y]\n  override:\n    items: replace\n"
		"- macro: m\n  condition: b\n  override:\n    condition: replace\n");
	assert_int_equal(f->d.n, 0);
	struct sk_rules_rule *r = sk_rules_find_rule(&f->r, "r");
	assert_string_equal(r->cond.text, "evt.type = open and fd.name = x");
	assert_string_equal(r->output.text, "opened more");
	assert_string_equal(r->desc, "new desc");
	assert_int_equal(r->priority, SK_PRIO_CRITICAL);
	assert_int_equal(r->ntags, 1);
	assert_string_equal(r->tags[0], "z");
	assert_false(r->enabled);
	assert_false(r->warn_evttypes);
	assert_true(r->skip_if_unknown_filter);
	assert_pos(r->pos, "a.yaml", 1, 3);
	struct sk_rules_list *l = sk_rules_find_list(&f->r, "l");
	assert_int_equal(l->nitems, 1);
	assert_string_equal(l->items[0], "y");
	struct sk_rules_macro *m = sk_rules_find_macro(&f->r, "m");
	assert_string_equal(m->cond.text, "b");
	assert_pos(sk_src_text_pos(&m->cond, 0), "b.yaml", 24, 14);

	load_ok(f, "c.yaml", "- rule: r\n  desc: and more\n  override:\n    desc: append\n");
	assert_string_equal(r->desc, "new desc and more");
	load_ok(f, "c.yaml", "- list: l\n  items: [w]\n  override:\n    items: append\n");
	assert_int_equal(l->nitems, 2);
	assert_string_equal(l->items[1], "w");
}

static void test_update_errors(void **state)
{
	(void)state;
	char text[2048];
#define WITH_BASE(s) (snprintf(text, sizeof(text), "%s%s", base_rule, s), text)
	expect_error(
	    WITH_BASE(
		"- rule: r\n  condition: x\n  append: true\n  override:\n    condition: append\n"),
	    "t.yaml:11:5: error: rule 'r': 'override' and 'append: true' cannot be used together",
	    SK_LOAD_ERR_VALIDATE);
	expect_error(WITH_BASE("- rule: r\n  priority: debug\n  override:\n    priority: append\n"),
		     "t.yaml:10:15: error: rule 'r': 'priority' cannot be appended to, use "
		     "'replace' instead",
		     SK_LOAD_ERR_VALIDATE);
	expect_error(
	    WITH_BASE("- rule: r\n  condition: x\n  override:\n    condition: merge\n"),
	    "t.yaml:10:16: error: rule 'r': override of 'condition' must be 'append' or 'replace'",
	    SK_LOAD_ERR_VALIDATE);
	expect_error(
	    WITH_BASE("- rule: r\n  condition: x\n  override:\n    output: append\n"),
	    "t.yaml:10:5: error: rule 'r': override for 'output' but the item has no 'output' key",
	    SK_LOAD_ERR_VALIDATE);
	expect_error(
	    WITH_BASE("- rule: r\n  condition: x\n  desc: y\n  override:\n    condition: append\n"),
	    "t.yaml:9:3: error: rule 'r': 'desc' has no entry under 'override' (append or replace)",
	    SK_LOAD_ERR_VALIDATE);
	expect_error(WITH_BASE("- rule: r\n  source: syscall\n  override:\n    source: replace\n"),
		     "t.yaml:10:5: error: rule 'r': 'source' cannot be overridden",
		     SK_LOAD_ERR_VALIDATE);
	expect_error(WITH_BASE("- rule: r\n  condition: x\n  override: [condition]\n"),
		     "t.yaml:9:13: error: rule 'r': 'override' must be a map of key: "
		     "append|replace, not a sequence",
		     SK_LOAD_ERR_YAML_VALIDATE);
	expect_error(WITH_BASE("- rule: r\n  append: true\n  priority: debug\n"),
		     "t.yaml:9:3: error: rule 'r': 'priority' cannot be appended to, use "
		     "'override' with 'replace'",
		     SK_LOAD_ERR_VALIDATE);
	expect_error(
	    WITH_BASE("- rule: r\n  append: true\n"),
	    "t.yaml:7:3: error: rule 'r': 'append: true' needs at least one of 'condition', "
	    "'output', 'desc', 'tags', 'exceptions'",
	    SK_LOAD_ERR_VALIDATE);
	expect_error(WITH_BASE("- rule: r\n  append: maybe\n  condition: x\n"),
		     "t.yaml:8:11: error: rule 'r': 'append' must be true or false, not 'maybe'",
		     SK_LOAD_ERR_YAML_VALIDATE);
	expect_error(
	    WITH_BASE("- rule: r\n  source: k8s_audit\n  condition: x\n  append: true\n"),
	    "t.yaml:8:11: error: rule 'r': source 'k8s_audit' differs from the source 'syscall' "
	    "of the rule it updates",
	    SK_LOAD_ERR_VALIDATE);
	expect_error(
	    "- rule: nope\n  condition: x\n  append: true\n",
	    "t.yaml:1:3: error: rule 'nope': rule has 'append' but no rule named 'nope' is "
	    "defined before it",
	    SK_LOAD_ERR_VALIDATE);
	expect_error(
	    "- rule: nope\n  condition: x\n  override:\n    condition: replace\n",
	    "t.yaml:1:3: error: rule 'nope': rule has 'override' but no rule named 'nope' is "
	    "defined before it",
	    SK_LOAD_ERR_VALIDATE);
	expect_error(
	    "- list: nope\n  items: [x]\n  append: true\n",
	    "t.yaml:1:3: error: list 'nope': list has 'append' but no list named 'nope' is "
	    "defined before it",
	    SK_LOAD_ERR_VALIDATE);
	expect_error(
	    "- macro: nope\n  condition: x\n  override:\n    condition: append\n",
	    "t.yaml:1:3: error: macro 'nope': macro has 'override' but no macro named 'nope' is "
	    "defined before it",
	    SK_LOAD_ERR_VALIDATE);
	expect_error("- list: l\n  items: [x]\n- list: l\n  items: [y]\n  override:\n    "
		     "condition: append\n",
		     "t.yaml:6:5: error: list 'l': 'condition' cannot be overridden",
		     SK_LOAD_ERR_VALIDATE);
	expect_error(
	    "- rule: nope\n  enabled: false\n",
	    "t.yaml:1:3: error: rule 'nope': rule has only 'enabled' but no rule named 'nope' "
	    "is defined before it",
	    SK_LOAD_ERR_VALIDATE);
#undef WITH_BASE
}

/* ---- structure and type errors ---- */

static void test_structure_errors(void **state)
{
	(void)state;
	expect_error("rule: x\n",
		     "t.yaml:1:1: error: rules content must be a sequence of maps, not a map",
		     SK_LOAD_ERR_YAML_VALIDATE);
	expect_error("- just a string\n",
		     "t.yaml:1:3: error: expected a map (rule, macro, list...), not a scalar",
		     SK_LOAD_ERR_YAML_VALIDATE);
	expect_error("- rule: x\n  desc: [\n",
		     "t.yaml:3:1: error: invalid YAML: did not find expected node content while "
		     "parsing a flow node",
		     SK_LOAD_ERR_YAML_PARSE);
	expect_error("- list: a\n  items: &x [a]\n- list: b\n  items: *x\n",
		     "t.yaml:4:10: error: YAML aliases are not supported in rules files",
		     SK_LOAD_ERR_YAML_PARSE);
	expect_error("- rule: r\n  desc: d\n  output: o\n  priority: debug\n",
		     "t.yaml:1:3: error: rule 'r': missing required key 'condition'",
		     SK_LOAD_ERR_YAML_VALIDATE);
	expect_error("- rule: r\n  desc: d\n  condition: c\n  priority: debug\n",
		     "t.yaml:1:3: error: rule 'r': missing required key 'output'",
		     SK_LOAD_ERR_YAML_VALIDATE);
	expect_error("- rule: r\n  condition: c\n  output: o\n  priority: debug\n",
		     "t.yaml:1:3: error: rule 'r': missing required key 'desc'",
		     SK_LOAD_ERR_YAML_VALIDATE);
	expect_error("- rule: r\n  desc: d\n  condition: c\n  output: o\n",
		     "t.yaml:1:3: error: rule 'r': missing required key 'priority'",
		     SK_LOAD_ERR_YAML_VALIDATE);
	expect_error(
	    "- rule: r\n",
	    "t.yaml:1:3: error: rule 'r': missing required key 'condition' (or only 'enabled' "
	    "to enable or disable an existing rule)",
	    SK_LOAD_ERR_YAML_VALIDATE);
	expect_error("- rule: r\n  desc: d\n  condition: c\n  output: o\n  priority: loud\n",
		     "t.yaml:5:13: error: rule 'r': invalid priority 'loud' (emergency, alert, "
		     "critical, error, warning, notice, informational, debug)",
		     SK_LOAD_ERR_VALIDATE);
	expect_error("- rule: r\n  desc: d\n  condition: [a]\n  output: o\n  priority: debug\n",
		     "t.yaml:3:14: error: rule 'r': 'condition' must be a scalar, not a sequence",
		     SK_LOAD_ERR_YAML_VALIDATE);
	expect_error("- rule: r\n  desc: d\n  condition: \"  \"\n  output: o\n  priority: debug\n",
		     "t.yaml:3:14: error: rule 'r': 'condition' must not be empty",
		     SK_LOAD_ERR_YAML_VALIDATE);
	expect_error(
	    "- rule: r\n  desc: d\n  condition: c\n  output: o\n  priority: debug\n  tags: x\n",
	    "t.yaml:6:9: error: rule 'r': 'tags' must be a sequence, not a scalar",
	    SK_LOAD_ERR_YAML_VALIDATE);
	expect_error("- rule: r\n  desc: d\n  condition: c\n  output: o\n  priority: debug\n  "
		     "tags: [a, [b]]\n",
		     "t.yaml:6:13: error: rule 'r': 'tags' entries must be scalars, not a sequence",
		     SK_LOAD_ERR_YAML_VALIDATE);
	expect_error("- rule: r\n  desc: d\n  condition: c\n  output: o\n  priority: debug\n  "
		     "enabled: nope\n",
		     "t.yaml:6:12: error: rule 'r': 'enabled' must be true or false, not 'nope'",
		     SK_LOAD_ERR_YAML_VALIDATE);
	expect_error("- rule: r\n  desc: d\n  condition: c\n  output: o\n  priority: debug\n  "
		     "enabled: \"false\"\n",
		     "t.yaml:6:12: error: rule 'r': 'enabled' must be true or false, not 'false'",
		     SK_LOAD_ERR_YAML_VALIDATE);
	expect_error(
	    "- rule: r\n  desc: d\n  condition: c\n  output: o\n  priority: debug\n  source: ''\n",
	    "t.yaml:6:11: error: rule 'r': rule source must not be empty", SK_LOAD_ERR_VALIDATE);
	expect_error("- rule: ''\n", "t.yaml:1:9: error: rule name must not be empty",
		     SK_LOAD_ERR_YAML_VALIDATE);
	expect_error("- rule: [a]\n", "t.yaml:1:9: error: 'rule' must be a scalar, not a sequence",
		     SK_LOAD_ERR_YAML_VALIDATE);
	expect_error("- list: l\n", "t.yaml:1:3: error: list 'l': missing required key 'items'",
		     SK_LOAD_ERR_YAML_VALIDATE);
	expect_error("- list: l\n  items: a\n",
		     "t.yaml:2:10: error: list 'l': 'items' must be a sequence, not a scalar",
		     SK_LOAD_ERR_YAML_VALIDATE);
	expect_error("- list: l\n  items: [a, {b: c}]\n",
		     "t.yaml:2:14: error: list 'l': 'items' entries must be scalars, not a map",
		     SK_LOAD_ERR_YAML_VALIDATE);
	expect_error("- macro: m\n",
		     "t.yaml:1:3: error: macro 'm': missing required key 'condition'",
		     SK_LOAD_ERR_YAML_VALIDATE);
	expect_error(
	    "- required_engine_version: soon\n",
	    "t.yaml:1:28: error: required_engine_version must be a number or x.y.z, not 'soon'",
	    SK_LOAD_ERR_YAML_VALIDATE);
	expect_error("- required_plugin_versions:\n  - name: json\n",
		     "t.yaml:2:5: error: missing required key 'version'",
		     SK_LOAD_ERR_YAML_VALIDATE);
	expect_error(
	    "- required_plugin_versions: json\n",
	    "t.yaml:1:29: error: required_plugin_versions must be a sequence, not a scalar",
	    SK_LOAD_ERR_YAML_VALIDATE);
}

static void test_warnings(void **state)
{
	(void)state;
	expect_warning("- thing: x\n", "t.yaml:1:3: warning: unknown top-level item 'thing'",
		       SK_LOAD_UNKNOWN_ITEM);
	expect_warning("- list: l\n  items: []\n  colour: red\n",
		       "t.yaml:3:3: warning: list 'l': unknown key 'colour'", SK_LOAD_UNKNOWN_KEY);
	expect_warning("- macro: 9lives\n  condition: a\n",
		       "t.yaml:1:3: warning: macro '9lives': macro name is not an identifier "
		       "([a-zA-Z][a-zA-Z0-9_]*)",
		       SK_LOAD_INVALID_MACRO_NAME);
	expect_warning(
	    "- list: my list\n  items: []\n",
	    "t.yaml:1:3: warning: list 'my list': list name contains blanks, parentheses, "
	    "commas, '=' or quotes",
	    SK_LOAD_INVALID_LIST_NAME);
	expect_warning(
	    "- rule: r\n  desc: d\n  condition: c\n  output: o\n  priority: debug\n  colour: red\n",
	    "t.yaml:6:3: warning: rule 'r': unknown key 'colour'", SK_LOAD_UNKNOWN_KEY);
}

/* Loading stops at the first error of a file; what loaded before stays. */
static void test_stop_at_first_error(void **state)
{
	struct fx *f = *state;
	int rc = load(f, "t.yaml",
		      "- list: a\n  items: [x]\n"
		      "- list: b\n  items: x\n"
		      "- list: c\n  items: [x]\n");
	assert_int_equal(rc, -EINVAL);
	assert_int_equal(f->d.nerrors, 1);
	assert_non_null(sk_rules_find_list(&f->r, "a"));
	assert_null(sk_rules_find_list(&f->r, "b"));
	assert_null(sk_rules_find_list(&f->r, "c"));
	/* a later file still loads */
	assert_int_equal(load(f, "u.yaml", "- list: d\n  items: []\n"), 0);
	assert_non_null(sk_rules_find_list(&f->r, "d"));
}

static void test_file_errors(void **state)
{
	struct fx *f = *state;
	assert_int_equal(sk_rules_load_path(&f->r, "/nonexistent/saker/rules.yaml", &f->d),
			 -EINVAL);
	assert_string_equal(diag(f, 0),
			    "/nonexistent/saker/rules.yaml: error: cannot open: No such "
			    "file or directory");
	assert_int_equal(f->d.v[0].code, SK_LOAD_ERR_FILE_READ);
	assert_int_equal(sk_rules_load_buf(&f->r, "big.yaml", "", SK_RULES_FILE_MAX + 1ul, &f->d),
			 -EINVAL);
	assert_string_equal(diag(f, 1), "big.yaml: error: file is larger than 16777216 bytes");
	assert_int_equal(f->d.v[1].code, SK_LOAD_ERR_FILE_READ);
}

static void write_file(const char *dir, const char *name, const char *text)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static void test_directory_in_name_order(void **state)
{
	struct fx *f = *state;
	char dir[] = "/tmp/saker-rules-XXXXXX";
	assert_non_null(mkdtemp(dir));
	/* b appends to what a defines, c.yml overrides b's list; other names are ignored */
	write_file(dir, "b.yaml", "- list: l\n  items: [b]\n  append: true\n");
	write_file(dir, "a.yaml", "- list: l\n  items: [a]\n");
	write_file(dir, "c.yml", "- list: l\n  items: [c]\n  override:\n    items: append\n");
	write_file(dir, "d.txt", "not yaml: [\n");
	write_file(dir, ".hidden.yaml", "not yaml: [\n");
	assert_int_equal(sk_rules_load_path(&f->r, dir, &f->d), 0);
	struct sk_rules_list *l = sk_rules_find_list(&f->r, "l");
	assert_non_null(l);
	assert_int_equal(l->nitems, 3);
	assert_string_equal(l->items[0], "a");
	assert_string_equal(l->items[1], "b");
	assert_string_equal(l->items[2], "c");
	assert_int_equal(f->r.nfiles, 3);
	assert_non_null(strstr(f->r.files[0], "/a.yaml"));
	assert_non_null(strstr(f->r.files[2], "/c.yml"));
	assert_non_null(strstr(l->item_pos[1].file, "/b.yaml"));
	const char *names[] = {"a.yaml", "b.yaml", "c.yml", "d.txt", ".hidden.yaml"};
	for (size_t i = 0; i < 5; i++) {
		char path[512];
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		unlink(path);
	}
	rmdir(dir);
}

/* ---- exceptions ---- */

static const char *exc_rule = "- rule: r\n"
			      "  desc: d\n"
			      "  condition: evt.type = open\n"
			      "  output: o\n"
			      "  priority: debug\n"
			      "  exceptions:\n"
			      "    - name: procs_files\n"
			      "      fields: [proc.name, fd.name]\n"
			      "      comps: [=, in]\n"
			      "      values:\n"
			      "        - [my prog, [/a, \"/b c\"]]\n"
			      "        - [other, my_files]\n"
			      "    - name: names\n"
			      "      fields: proc.pname\n"
			      "      values: [sshd, \"cron d\"]\n"
			      "    - name: defaults\n"
			      "      fields: [user.name]\n"
			      "    - name: prefix\n"
			      "      fields: proc.exepath\n"
			      "      comps: pmatch\n"
			      "      values: [/usr/bin]\n";

static void test_exceptions_read(void **state)
{
	struct fx *f = *state;
	load_ok(f, "t.yaml", exc_rule);
	assert_int_equal(f->d.n, 0);
	struct sk_rules_rule *r = sk_rules_find_rule(&f->r, "r");
	assert_int_equal(r->nexceptions, 4);
	struct sk_rules_exception *e = &r->exceptions[0];
	assert_string_equal(e->name, "procs_files");
	assert_true(e->tuple);
	assert_int_equal(e->nfields, 2);
	assert_string_equal(e->fields[1], "fd.name");
	assert_string_equal(e->comps[1], "in");
	assert_int_equal(e->nvalues, 2);
	assert_string_equal(e->cells[0].items[0], "my prog");
	assert_false(e->cells[0].is_list);
	assert_true(e->cells[1].is_list);
	assert_int_equal(e->cells[1].nitems, 2);
	assert_string_equal(e->cells[1].items[1], "/b c");
	assert_pos(e->cells[1].pos, "t.yaml", 11, 21);
	assert_pos(e->pos, "t.yaml", 7, 7);
	e = &r->exceptions[1];
	assert_false(e->tuple);
	assert_string_equal(e->comps[0], "in");
	assert_int_equal(e->nvalues, 2);
	assert_string_equal(e->cells[1].items[0], "cron d");
	e = &r->exceptions[2];
	assert_string_equal(e->comps[0], "=");
	assert_int_equal(e->nvalues, 0);
}

static void test_exception_condition_text(void **state)
{
	struct fx *f = *state;
	struct sk_src_text t;
	char err[256];
	load_ok(f, "t.yaml", exc_rule);
	struct sk_rules_rule *r = sk_rules_find_rule(&f->r, "r");
	sk_src_text_init(&t);
	assert_int_equal(sk_rules_exception_cond(r, &t, err, sizeof(err)), 0);
	assert_string_equal(t.text,
			    "(evt.type = open)"
			    " and not ((proc.name = \"my prog\" and fd.name in (/a, \"/b c\"))"
			    " or (proc.name = other and fd.name in (my_files)))"
			    " and not (proc.pname in (sshd, \"cron d\"))"
			    " and not (proc.exepath pmatch (/usr/bin))");
	/* the condition part maps to the rule's condition, values to their cells */
	assert_pos(sk_src_text_pos(&t, 1), "t.yaml", 3, 14);
	assert_pos(sk_src_text_pos(&t, (size_t)(strstr(t.text, "\"/b c\"") - t.text)), "t.yaml", 11,
		   21);
	assert_pos(sk_src_text_pos(&t, (size_t)(strstr(t.text, "sshd") - t.text)), "t.yaml", 15,
		   16);
	/* it is a valid condition */
	struct sk_ast_arena *a;
	struct sk_ast_node *n;
	assert_int_equal(sk_ast_arena_new(&a), 0);
	if (sk_cond_parse(a, &t, &n, err, sizeof(err)))
		fail_msg("%s", err);
	assert_int_equal(n->kind, SK_AST_AND);
	assert_int_equal(n->nchildren, 4);
	sk_ast_arena_free(a);
	sk_src_text_fini(&t);
}

static void test_exception_condition_edge_cases(void **state)
{
	struct fx *f = *state;
	struct sk_src_text t;
	char err[256];
	load_ok(f, "t.yaml",
		"- rule: plain\n  desc: d\n  condition: a or b\n  output: o\n  priority: debug\n"
		"- rule: empty\n  desc: d\n  condition: a or b\n  output: o\n  priority: debug\n"
		"  exceptions:\n    - name: e\n      fields: [proc.name]\n      values: []\n"
		"- rule: quoting\n  desc: d\n  condition: c\n  output: o\n  priority: debug\n"
		"  exceptions:\n    - name: e\n      fields: [proc.name, proc.args, fd.name]\n"
		"      comps: [startswith, contains, intersects]\n"
		"      values:\n        - ['\"already quoted\"', 'a=b', '(x, y)']\n"
		"        - ['x\"y z', '', 'l']\n");
	sk_src_text_init(&t);
	assert_int_equal(
	    sk_rules_exception_cond(sk_rules_find_rule(&f->r, "plain"), &t, err, sizeof(err)), 0);
	assert_string_equal(t.text, "a or b");
	assert_int_equal(
	    sk_rules_exception_cond(sk_rules_find_rule(&f->r, "empty"), &t, err, sizeof(err)), 0);
	assert_string_equal(t.text, "(a or b)");
	assert_int_equal(
	    sk_rules_exception_cond(sk_rules_find_rule(&f->r, "quoting"), &t, err, sizeof(err)), 0);
	assert_string_equal(t.text,
			    "(c) and not ((proc.name startswith \"already quoted\" and "
			    "proc.args contains \"a=b\" and fd.name intersects (x, y)) or "
			    "(proc.name startswith \"x\\\"y z\" and proc.args contains \"\" and "
			    "fd.name intersects (l)))");
	sk_src_text_fini(&t);
}

static void test_exception_errors(void **state)
{
	(void)state;
	char text[2048];
	const char *head =
	    "- rule: r\n  desc: d\n  condition: c\n  output: o\n  priority: debug\n  exceptions:\n";
#define EXC(s) (snprintf(text, sizeof(text), "%s%s", head, s), text)
	expect_error(EXC("    - name: e\n"),
		     "t.yaml:7:7: error: rule 'r': exception 'e': missing required key 'fields'",
		     SK_LOAD_ERR_YAML_VALIDATE);
	expect_error(EXC("    - fields: [a.b]\n"),
		     "t.yaml:7:7: error: rule 'r': missing required key 'name'",
		     SK_LOAD_ERR_YAML_VALIDATE);
	expect_error(EXC("    - name: e\n      fields: [a.b, c.d]\n      comps: [=]\n"),
		     "t.yaml:9:14: error: rule 'r': 'comps' has 1 entries but 'fields' has 2",
		     SK_LOAD_ERR_VALIDATE);
	expect_error(EXC("    - name: e\n      fields: [a.b]\n      comps: [like]\n"),
		     "t.yaml:9:15: error: rule 'r': invalid comparison operator 'like'",
		     SK_LOAD_ERR_VALIDATE);
	expect_error(
	    EXC("    - name: e\n      fields: a.b\n      comps: startswith\n"),
	    "t.yaml:9:14: error: rule 'r': with a single field 'comps' must be in, intersects "
	    "or pmatch, not 'startswith'",
	    SK_LOAD_ERR_VALIDATE);
	expect_error(EXC("    - name: e\n      fields: [a.b, c.d]\n      values:\n        - [x]\n"),
		     "t.yaml:10:11: error: rule 'r': values row has 1 entries but 'fields' has 2",
		     SK_LOAD_ERR_VALIDATE);
	expect_error(
	    EXC("    - name: e\n      fields: [a.b]\n      values: [x]\n"),
	    "t.yaml:9:16: error: rule 'r': each entry of 'values' must be a sequence of 1 values",
	    SK_LOAD_ERR_YAML_VALIDATE);
	expect_error(
	    EXC("    - name: e\n      fields: a.b\n      values: [[x]]\n"),
	    "t.yaml:9:16: error: rule 'r': 'values' entries must be scalars when 'fields' is a "
	    "single field",
	    SK_LOAD_ERR_YAML_VALIDATE);
	expect_error(EXC("    - name: e\n      fields: a.b\n      values: x\n"),
		     "t.yaml:9:15: error: rule 'r': 'values' must be a sequence, not a scalar",
		     SK_LOAD_ERR_YAML_VALIDATE);
	expect_error(EXC("    name: e\n"),
		     "t.yaml:7:5: error: rule 'r': 'exceptions' must be a sequence, not a map",
		     SK_LOAD_ERR_YAML_VALIDATE);
#undef EXC
	expect_warning(
	    "- rule: r\n  desc: d\n  condition: c\n  output: o\n  priority: debug\n  exceptions:\n"
	    "    - name: e\n      fields: [a.b]\n    - name: e\n      fields: [c.d]\n",
	    "t.yaml:9:7: warning: rule 'r': more than one exception named 'e'",
	    SK_LOAD_EXCEPTION_NAME_NOT_UNIQUE);
}

static void test_exceptions_append(void **state)
{
	struct fx *f = *state;
	char err[256];
	struct sk_src_text t;
	load_ok(f, "a.yaml", exc_rule);
	load_ok(f, "b.yaml",
		"- rule: r\n"
		"  exceptions:\n"
		"    - name: names\n"
		"      values: [bash]\n"
		"    - name: procs_files\n"
		"      values:\n"
		"        - [third, /c]\n"
		"    - name: fresh\n"
		"      fields: fd.directory\n"
		"      values: [/tmp]\n"
		"  override:\n"
		"    exceptions: append\n");
	assert_int_equal(f->d.n, 0);
	struct sk_rules_rule *r = sk_rules_find_rule(&f->r, "r");
	assert_int_equal(r->nexceptions, 5);
	assert_int_equal(r->exceptions[1].nvalues, 3);
	assert_string_equal(r->exceptions[1].cells[2].items[0], "bash");
	assert_int_equal(r->exceptions[0].nvalues, 3);
	assert_string_equal(r->exceptions[0].cells[5].items[0], "/c");
	assert_pos(r->exceptions[0].cells[4].pos, "b.yaml", 7, 12);
	assert_string_equal(r->exceptions[4].name, "fresh");
	sk_src_text_init(&t);
	assert_int_equal(sk_rules_exception_cond(r, &t, err, sizeof(err)), 0);
	assert_non_null(strstr(t.text, " or (proc.name = third and fd.name in (/c)))"));
	assert_non_null(strstr(t.text, "(proc.pname in (sshd, \"cron d\", bash))"));
	assert_non_null(strstr(t.text, " and not (fd.directory in (/tmp))"));
	sk_src_text_fini(&t);

	/* legacy append of exceptions, and an empty append warns */
	load_ok(f, "c.yaml", "- rule: r\n  append: true\n  exceptions:\n    - name: names\n");
	assert_int_equal(f->d.nwarnings, 2);
	assert_string_equal(diag(f, 1),
			    "c.yaml:4:7: warning: rule 'r': exception 'names' appends no values");
	assert_int_equal(f->d.v[1].code, SK_LOAD_APPEND_NO_VALUES);

	/* replace swaps the whole set */
	load_ok(f, "d.yaml",
		"- rule: r\n  exceptions:\n    - name: only\n      fields: proc.name\n      "
		"values: [x]\n"
		"  override:\n    exceptions: replace\n");
	assert_int_equal(r->nexceptions, 1);
	assert_string_equal(r->exceptions[0].name, "only");
}

static void test_exceptions_append_errors(void **state)
{
	(void)state;
	char text[4096];
#define APP(s)                                                                                     \
	(snprintf(text, sizeof(text),                                                              \
		  "%s- rule: r\n  override:\n    exceptions: append\n  exceptions:\n%s", exc_rule, \
		  s),                                                                              \
	 text)
	expect_error(
	    APP("    - name: names\n      fields: proc.name\n      values: [x]\n"),
	    "t.yaml:26:7: error: rule 'r': exception 'names' already exists: only 'values' "
	    "can be appended to it",
	    SK_LOAD_ERR_VALIDATE);
	expect_error(APP("    - name: brand_new\n      values: [x]\n"),
		     "t.yaml:26:7: error: rule 'r': new exception 'brand_new' must have 'fields'",
		     SK_LOAD_ERR_VALIDATE);
	expect_error(
	    APP("    - name: names\n      values: [[x, y]]\n"),
	    "t.yaml:26:7: error: rule 'r': values appended to exception 'names' must be scalars",
	    SK_LOAD_ERR_VALIDATE);
	expect_error(
	    APP("    - name: procs_files\n      values: [x]\n"),
	    "t.yaml:26:7: error: rule 'r': values appended to exception 'procs_files' must be "
	    "rows with one entry per field",
	    SK_LOAD_ERR_VALIDATE);
#undef APP
}

/* ---- the upstream rule files ---- */

static const char *corpus_dir(void)
{
	const char *d = getenv("SAKER_CORPUS");
	return d && *d ? d : "../shared/corpus";
}

struct expect_counts {
	const char *file;
	unsigned rules, disabled, macros, lists;
	const char *source;
	bool engine_version;
	unsigned prio[SK_PRIO_COUNT];
};

/* falco-reference.md e.2 (priorities indexed by enum sk_priority) */
static const struct expect_counts corpus_counts[] = {
    {"falco_rules.yaml",
     25,
     0,
     87,
     49,
     "syscall",
     true,
     {[SK_PRIO_WARNING] = 14,
      [SK_PRIO_NOTICE] = 7,
      [SK_PRIO_CRITICAL] = 3,
      [SK_PRIO_INFORMATIONAL] = 1}},
    {"falco-incubating_rules.yaml",
     31,
     0,
     82,
     54,
     "syscall",
     true,
     {[SK_PRIO_NOTICE] = 19,
      [SK_PRIO_WARNING] = 7,
      [SK_PRIO_ERROR] = 3,
      [SK_PRIO_INFORMATIONAL] = 2}},
    {"falco-sandbox_rules.yaml",
     37,
     12,
     183,
     60,
     "syscall",
     true,
     {[SK_PRIO_CRITICAL] = 10,
      [SK_PRIO_ERROR] = 9,
      [SK_PRIO_WARNING] = 8,
      [SK_PRIO_NOTICE] = 7,
      [SK_PRIO_INFORMATIONAL] = 3}},
    {"k8s_audit_rules.yaml",
     48,
     0,
     45,
     18,
     "k8s_audit",
     true,
     {[SK_PRIO_WARNING] = 21,
      [SK_PRIO_INFORMATIONAL] = 20,
      [SK_PRIO_NOTICE] = 4,
      [SK_PRIO_ERROR] = 2,
      [SK_PRIO_DEBUG] = 1}},
    {"aws_cloudtrail_rules.yaml",
     22,
     2,
     0,
     1,
     "aws_cloudtrail",
     true,
     {[SK_PRIO_WARNING] = 15,
      [SK_PRIO_CRITICAL] = 5,
      [SK_PRIO_DEBUG] = 1,
      [SK_PRIO_INFORMATIONAL] = 1}},
    {"falco_rules-0.31.0.yaml",
     68,
     4,
     295,
     108,
     "syscall",
     true,
     {[SK_PRIO_NOTICE] = 26,
      [SK_PRIO_WARNING] = 21,
      [SK_PRIO_ERROR] = 12,
      [SK_PRIO_INFORMATIONAL] = 4,
      [SK_PRIO_CRITICAL] = 4,
      [SK_PRIO_DEBUG] = 1}},
    {"k8s_audit_rules-0.31.0.yaml",
     39,
     0,
     39,
     13,
     "k8s_audit",
     true,
     {[SK_PRIO_WARNING] = 18,
      [SK_PRIO_INFORMATIONAL] = 16,
      [SK_PRIO_NOTICE] = 3,
      [SK_PRIO_DEBUG] = 1,
      [SK_PRIO_ERROR] = 1}},
    {"aws_cloudtrail_rules-0.31.0.yaml",
     22,
     2,
     0,
     1,
     "aws_cloudtrail",
     true,
     {[SK_PRIO_WARNING] = 15,
      [SK_PRIO_CRITICAL] = 5,
      [SK_PRIO_DEBUG] = 1,
      [SK_PRIO_INFORMATIONAL] = 1}},
    {"application_rules-0.31.0.yaml", 0, 0, 21, 0, NULL, true, {0}},
    {"falco_rules.local-0.31.0.yaml", 0, 0, 0, 0, NULL, false, {0}},
};

static void test_corpus_files(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(corpus_counts) / sizeof(corpus_counts[0]); i++) {
		const struct expect_counts *e = &corpus_counts[i];
		struct fx *f = NULL;
		char path[1024];
		unsigned prio[SK_PRIO_COUNT] = {0}, disabled = 0;
		assert_int_equal(setup((void **)&f), 0);
		snprintf(path, sizeof(path), "%s/falco-rules/%s", corpus_dir(), e->file);
		int rc = sk_rules_load_path(&f->r, path, &f->d);
		if (rc || f->d.n) {
			dump(f);
			fail_msg("%s: rc %d, %u diagnostics", e->file, rc, f->d.n);
		}
		if (f->r.nrules != e->rules || f->r.nmacros != e->macros || f->r.nlists != e->lists)
			fail_msg("%s: %u rules, %u macros, %u lists; want %u, %u, %u", e->file,
				 f->r.nrules, f->r.nmacros, f->r.nlists, e->rules, e->macros,
				 e->lists);
		for (unsigned k = 0; k < f->r.nrules; k++) {
			prio[f->r.rules[k].priority]++;
			disabled += !f->r.rules[k].enabled;
			assert_string_equal(f->r.rules[k].source, e->source);
			assert_true(f->r.rules[k].cond.len > 0);
			assert_true(f->r.rules[k].output.len > 0);
			assert_int_equal(f->r.rules[k].order, k);
		}
		assert_int_equal(disabled, e->disabled);
		assert_memory_equal(prio, e->prio, sizeof(prio));
		assert_int_equal(f->r.required_engine_version != NULL, e->engine_version);
		teardown((void **)&f);
	}
}

static void test_corpus_plugin_requirements(void **state)
{
	struct fx *f = *state;
	char path[1024];
	snprintf(path, sizeof(path), "%s/falco-rules/k8s_audit_rules.yaml", corpus_dir());
	assert_int_equal(sk_rules_load_path(&f->r, path, &f->d), 0);
	assert_string_equal(f->r.required_engine_version, "15");
	assert_true(f->r.nplugin_reqs >= 1);
	assert_string_equal(f->r.plugin_reqs[0].name, "k8saudit");
	assert_true(f->r.plugin_reqs[0].nalternatives >= 1);
	assert_string_equal(f->r.plugin_reqs[0].alternatives[0].name, "k8saudit-aks");
}

/* The whole corpus directory loads in name order; later files replace earlier names. */
static void test_corpus_directory(void **state)
{
	struct fx *f = *state;
	char path[1024];
	snprintf(path, sizeof(path), "%s/falco-rules", corpus_dir());
	int rc = sk_rules_load_path(&f->r, path, &f->d);
	if (rc || f->d.nerrors) {
		dump(f);
		fail_msg("rc %d", rc);
	}
	assert_int_equal(f->r.nfiles, 10);
	for (unsigned i = 1; i < f->r.nfiles; i++)
		assert_true(strcmp(f->r.files[i - 1], f->r.files[i]) < 0);
	/* falco_rules.yaml sorts after falco_rules-0.31.0.yaml and wins for shared names */
	struct sk_rules_macro *m = sk_rules_find_macro(&f->r, "spawned_process");
	assert_non_null(m);
	assert_non_null(strstr(m->pos.file, "/falco_rules.yaml"));
	assert_string_equal(f->r.required_engine_version, "0.57.0");
}

/* Lookups stay right across index growth, redefinitions and appends. */
static void test_many_items(void **state)
{
	struct fx *f = *state;
	size_t cap = 3000 * 64, k = 0;
	char *text = malloc(cap);
	assert_non_null(text);
	for (unsigned i = 0; i < 1000; i++)
		k += (size_t)snprintf(text + k, cap - k, "- list: l%u\n  items: [a%u]\n", i, i);
	for (unsigned i = 0; i < 1000; i += 3)
		k += (size_t)snprintf(text + k, cap - k,
				      "- list: l%u\n  items: [b]\n  override:\n    items: append\n",
				      i);
	load_ok(f, "t.yaml", text);
	assert_int_equal(f->r.nlists, 1000);
	for (unsigned i = 0; i < 1000; i++) {
		char name[16], first[16];
		snprintf(name, sizeof(name), "l%u", i);
		snprintf(first, sizeof(first), "a%u", i);
		struct sk_rules_list *l = sk_rules_find_list(&f->r, name);
		assert_non_null(l);
		assert_string_equal(l->name, name);
		assert_string_equal(l->items[0], first);
		assert_int_equal(l->nitems, i % 3 ? 1 : 2);
	}
	assert_null(sk_rules_find_list(&f->r, "l1000"));
	free(text);
}

static void test_exception_cap(void **state)
{
	size_t cap = 128 + 40 * (SK_RULES_MAX_EXCEPTIONS + 1), k = 0;
	char *text = malloc(cap);
	(void)state;
	assert_non_null(text);
	k += (size_t)snprintf(text, cap,
			      "- rule: r\n  desc: d\n  condition: c\n  output: o\n"
			      "  priority: debug\n  exceptions:\n");
	for (unsigned i = 0; i <= SK_RULES_MAX_EXCEPTIONS; i++)
		k += (size_t)snprintf(text + k, cap - k, "    - {name: e%u, fields: a.b}\n", i);
	expect_error(text, "t.yaml:7:5: error: rule 'r': more than 4096 exceptions",
		     SK_LOAD_ERR_VALIDATE);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_list_macro_rule, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_rule_options, setup, teardown),
	    cmocka_unit_test(test_priorities),
	    cmocka_unit_test_setup_teardown(test_redefinition_replaces_in_place, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_enabled_only_toggles, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_engine_and_plugin_versions, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_multiple_documents_and_empty, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_condition_positions, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_legacy_append, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_override, setup, teardown),
	    cmocka_unit_test(test_update_errors),
	    cmocka_unit_test(test_structure_errors),
	    cmocka_unit_test(test_warnings),
	    cmocka_unit_test_setup_teardown(test_stop_at_first_error, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_file_errors, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_directory_in_name_order, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_exceptions_read, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_exception_condition_text, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_exception_condition_edge_cases, setup, teardown),
	    cmocka_unit_test(test_exception_errors),
	    cmocka_unit_test_setup_teardown(test_exceptions_append, setup, teardown),
	    cmocka_unit_test(test_exceptions_append_errors),
	    cmocka_unit_test(test_corpus_files),
	    cmocka_unit_test_setup_teardown(test_corpus_plugin_requirements, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_corpus_directory, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_many_items, setup, teardown),
	    cmocka_unit_test(test_exception_cap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
