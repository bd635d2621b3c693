/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Rulesets: selection (priority, -D, -t/-T, enabled, sources), first vs all
 * matching, the per-code index and its counters, reference counting and
 * the reload slot, and evaluation over real captures.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../../../agent/engine/engine.h"
#include "../../../../agent/engine/filter.h"
#include "../../../../agent/engine/rules.h"
#include "engine_test_util.h"
#include "saker/scap.h"

static struct sk_field_registry *reg;
static struct sk_rules rules;
static struct sk_diags diags;
static struct sk_ruleset_opts opts;

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
	sk_ruleset_opts_init(&opts);
	return 0;
}

static int each_teardown(void **state)
{
	(void)state;
	sk_rules_fini(&rules);
	sk_diags_fini(&diags);
	return 0;
}

static struct sk_ruleset *build(const char *yaml)
{
	if (sk_rules_load_buf(&rules, "t.yaml", yaml, strlen(yaml), &diags)) {
		sk_diags_print(&diags, stderr);
		fail_msg("rules did not load");
	}
	struct sk_ruleset *rs = NULL;
	int rc = sk_ruleset_compile(&rules, reg, &opts, &diags, &rs);
	if (rc) {
		sk_diags_print(&diags, stderr);
		fail_msg("ruleset did not compile: %d", rc);
	}
	return rs;
}

#define RULE(name, prio, cond, extra)                                                              \
	"- rule: " name "\n  desc: d\n  condition: " cond "\n  output: o\n  priority: " prio       \
	"\n" extra

static bool has_rule(const struct sk_ruleset *rs, const char *name)
{
	for (unsigned i = 0; i < sk_ruleset_nrules(rs); i++)
		if (!strcmp(sk_ruleset_rule_at(rs, i)->name, name))
			return true;
	return false;
}

/* Evaluate one open exit event; returns match count and names in out. */
static unsigned eval_open(struct sk_ruleset *rs, const struct sk_rule **m, unsigned cap)
{
	uint8_t buf[256];
	struct sk_evt e;
	char err[128];
	size_t len = build_open_x(buf, 5, 3, "/etc/shadow");
	assert_int_equal(sk_evt_parse(&e, buf, len, err, sizeof(err)), 0);
	struct sk_eval_ctx ctx = {.evt = &e, .source = "syscall"};
	int src = sk_ruleset_source(rs, "syscall");
	assert_true(src >= 0);
	return sk_ruleset_eval(rs, src, &ctx, m, cap);
}

static const char *const two_rules = RULE("first", "WARNING", "evt.type = open", "")
    RULE("second", "INFO", "evt.type in (open, openat) and test.int = 0", "")
	RULE("close only", "ERROR", "evt.type = close", "");

static void test_first_vs_all(void **state)
{
	(void)state;
	const struct sk_rule *m[4];
	struct sk_ruleset *rs = build(two_rules);
	assert_int_equal(eval_open(rs, m, 4), 1);
	assert_string_equal(m[0]->name, "first");
	assert_int_equal(m[0]->matches, 1);
	sk_ruleset_unref(rs);

	opts.match_all = true;
	rs = build("");
	assert_int_equal(eval_open(rs, m, 4), 2);
	assert_string_equal(m[0]->name, "first");
	assert_string_equal(m[1]->name, "second");
	/* cap bounds the matches */
	assert_int_equal(eval_open(rs, m, 1), 1);
	sk_ruleset_unref(rs);
}

static void test_priority_filter(void **state)
{
	(void)state;
	opts.min_priority = SK_PRIO_WARNING;
	struct sk_ruleset *rs = build(two_rules);
	assert_true(has_rule(rs, "first"));
	assert_false(has_rule(rs, "second"));
	assert_true(has_rule(rs, "close only"));
	sk_ruleset_unref(rs);
}

static void test_disable_by_name_and_tags(void **state)
{
	(void)state;
	const char *y =
	    RULE("Write below etc", "WARNING", "evt.type = open", "  tags: [filesystem, mitre]\n")
		RULE("Read sensitive file", "WARNING", "evt.type = open", "  tags: [filesystem]\n")
		    RULE("Shell in container", "NOTICE", "evt.type = execve", "  tags: [shell]\n")
			RULE("Off by default", "NOTICE", "evt.type = execve",
			     "  tags: [shell]\n  enabled: false\n");
	const char *sub[] = {"below"};
	opts.disable_substr = sub;
	opts.ndisable_substr = 1;
	struct sk_ruleset *rs = build(y);
	assert_false(has_rule(rs, "Write below etc"));
	assert_true(has_rule(rs, "Read sensitive file"));
	assert_false(has_rule(rs, "Off by default"));
	sk_ruleset_unref(rs);

	sk_ruleset_opts_init(&opts);
	const char *re[] = {"^Read .*file$"};
	opts.disable_regex = re;
	opts.ndisable_regex = 1;
	assert_int_equal(sk_ruleset_compile(&rules, reg, &opts, &diags, &rs), 0);
	assert_false(has_rule(rs, "Read sensitive file"));
	assert_true(has_rule(rs, "Write below etc"));
	sk_ruleset_unref(rs);

	const char *bad[] = {"(unclosed"};
	opts.disable_regex = bad;
	assert_int_equal(sk_ruleset_compile(&rules, reg, &opts, &diags, &rs), -EINVAL);
	assert_non_null(strstr(diags.v[diags.n - 1].msg, "invalid rule name pattern '(unclosed'"));

	sk_ruleset_opts_init(&opts);
	const char *ex[] = {"mitre", "shell"};
	opts.tags_exclude = ex;
	opts.ntags_exclude = 2;
	assert_int_equal(sk_ruleset_compile(&rules, reg, &opts, &diags, &rs), 0);
	assert_int_equal(sk_ruleset_nrules(rs), 1);
	assert_true(has_rule(rs, "Read sensitive file"));
	sk_ruleset_unref(rs);

	/* -t: only rules with the tag, even ones disabled in the file (as Falco 0.31) */
	sk_ruleset_opts_init(&opts);
	const char *in[] = {"shell"};
	opts.tags_include = in;
	opts.ntags_include = 1;
	assert_int_equal(sk_ruleset_compile(&rules, reg, &opts, &diags, &rs), 0);
	assert_int_equal(sk_ruleset_nrules(rs), 2);
	assert_true(has_rule(rs, "Shell in container"));
	assert_true(has_rule(rs, "Off by default"));
	sk_ruleset_unref(rs);
}

/* Falco's rules: config, applied in order after the files' enabled flags. */
static void test_rule_selectors(void **state)
{
	(void)state;
	const char *y =
	    RULE("Write below etc", "WARNING", "evt.type = open", "  tags: [filesystem]\n")
		RULE("Read sensitive file", "WARNING", "evt.type = open", "  tags: [filesystem]\n")
		    RULE("Shell in container", "NOTICE", "evt.type = execve",
			 "  tags: [shell]\n  enabled: false\n");
	const struct sk_rule_selector sel[] = {
	    {.enable = false, .rule = "*"},
	    {.enable = true, .tag = "shell"},
	    {.enable = true, .rule = "Read *"},
	};
	opts.selectors = sel;
	opts.nselectors = 3;
	struct sk_ruleset *rs = build(y);
	assert_int_equal(sk_ruleset_nrules(rs), 2);
	assert_true(has_rule(rs, "Shell in container"));
	assert_true(has_rule(rs, "Read sensitive file"));
	assert_false(has_rule(rs, "Write below etc"));
	sk_ruleset_unref(rs);
}

static void test_tags_sorted_unique(void **state)
{
	(void)state;
	struct sk_ruleset *rs =
	    build(RULE("r", "INFO", "evt.type = open", "  tags: [process, filesystem, process]\n"));
	const struct sk_rule *r = sk_ruleset_rule_at(rs, 0);
	assert_int_equal(r->ntags, 2);
	assert_string_equal(r->tags[0], "filesystem");
	assert_string_equal(r->tags[1], "process");
	sk_ruleset_unref(rs);
}

/* Which enter codes only an enter event can satisfy (live: rebuilt enters). */
static void test_needs_enter(void **state)
{
	(void)state;
	struct sk_ruleset *rs = build(
	    RULE("both", "INFO", "evt.type = open and test.int = 1", "")
		RULE("enter", "INFO", "evt.type = ptrace and evt.dir = >", "")
		    RULE("exit", "INFO", "evt.type = connect and not evt.dir != <", "")
			RULE("either", "INFO", "evt.type = kill and (evt.dir = > or test.int = 2)", "")
			    RULE("neither", "INFO", "evt.type = tkill and evt.dir = > and evt.dir = <", ""));
	/* a rule matching either direction is served by the exit */
	assert_false(sk_ruleset_needs_enter(rs, SK_EVT_OPEN_E));
	assert_true(sk_ruleset_needs_enter(rs, SK_EVT_PTRACE_E));
	assert_false(sk_ruleset_needs_enter(rs, SK_EVT_CONNECT_E));
	assert_false(sk_ruleset_needs_enter(rs, SK_EVT_KILL_E));
	assert_false(sk_ruleset_needs_enter(rs, SK_EVT_TKILL_E));
	assert_false(sk_ruleset_needs_enter(rs, SK_EVT_CLOSE_E));
	/* the per-rule flag that keeps rebuilt enters from the other rules */
	assert_false(sk_ruleset_rule_at(rs, 0)->enter_only);
	assert_true(sk_ruleset_rule_at(rs, 1)->enter_only);
	assert_false(sk_ruleset_rule_at(rs, 2)->enter_only);
	assert_false(sk_ruleset_rule_at(rs, 3)->enter_only);
	sk_ruleset_unref(rs);
}

static void test_index_and_counters(void **state)
{
	(void)state;
	const struct sk_rule *m[2];
	struct sk_ruleset *rs = build(RULE("r", "INFO", "evt.type = open and test.int = 1", ""));
	assert_true(sk_ruleset_code_used(rs, SK_EVT_OPEN_X));
	assert_true(sk_ruleset_code_used(rs, SK_EVT_OPEN_E));
	assert_false(sk_ruleset_code_used(rs, SK_EVT_CLOSE_X));
	assert_int_equal(sk_ruleset_rule_at(rs, 0)->ncodes, 2);
	/* open: bucket has the rule, but test.int = 0 */
	assert_int_equal(eval_open(rs, m, 2), 0);
	tv.i = 1;
	assert_int_equal(eval_open(rs, m, 2), 1);
	/* close: empty bucket, counted */
	uint8_t buf[64];
	struct sk_evt e;
	char err[64];
	uint64_t fd = 3;
	const void *p[] = {&fd};
	uint16_t l[] = {8};
	size_t len = build_event(buf, SK_EVT_CLOSE_E, 1, 1, 1, p, l);
	assert_int_equal(sk_evt_parse(&e, buf, len, err, sizeof(err)), 0);
	struct sk_eval_ctx ctx = {.evt = &e, .source = "syscall"};
	assert_int_equal(sk_ruleset_eval(rs, sk_ruleset_source(rs, "syscall"), &ctx, m, 2), 0);
	struct sk_ruleset_stats st;
	sk_ruleset_stats(rs, sk_ruleset_source(rs, "syscall"), &st);
	assert_int_equal(st.events, 3);
	assert_int_equal(st.events_no_rules, 1);
	assert_int_equal(st.matches, 1);
	sk_ruleset_unref(rs);
}

static void test_no_evttype_warning(void **state)
{
	(void)state;
	struct sk_ruleset *rs =
	    build(RULE("broad", "INFO", "test.int = 1", "")
		      RULE("quiet", "INFO", "test.int = 2", "  warn_evttypes: false\n")
			  RULE("narrow", "INFO", "evt.type = open", ""));
	unsigned n = 0;
	for (unsigned i = 0; i < diags.n; i++) {
		if (diags.v[i].code != SK_LOAD_NO_EVTTYPE)
			continue;
		n++;
		assert_string_equal(diags.v[i].item, "rule 'broad'");
	}
	assert_int_equal(n, 1);
	/* a rule without evt.type sits in every bucket */
	const struct sk_rule *m[2];
	tv.i = 1;
	assert_int_equal(eval_open(rs, m, 2), 1);
	assert_string_equal(m[0]->name, "broad");
	sk_ruleset_unref(rs);
}

static void test_sources(void **state)
{
	(void)state;
	const char *src[] = {"syscall", "k8s_audit"};
	opts.sources = src;
	opts.nsources = 2;
	struct sk_ruleset *rs =
	    build(RULE("audit", "INFO", "test.str = create", "  source: k8s_audit\n")
		      RULE("cloud", "INFO", "test.str = x", "  source: aws_cloudtrail\n"));
	const char *t = NULL;
	for (unsigned i = 0; i < diags.n; i++)
		if (diags.v[i].code == SK_LOAD_UNKNOWN_SOURCE)
			t = diags.v[i].msg;
	assert_non_null(t);
	assert_non_null(strstr(t, "aws_cloudtrail"));
	assert_false(has_rule(rs, "cloud"));
	int ka = sk_ruleset_source(rs, "k8s_audit");
	assert_true(ka >= 0);
	assert_int_equal(sk_ruleset_source(rs, "aws_cloudtrail"), -ENOENT);
	const struct sk_rule *m[1];
	struct sk_eval_ctx ctx = {.source = "k8s_audit"};
	tv.str = "create";
	assert_int_equal(sk_ruleset_eval(rs, ka, &ctx, m, 1), 1);
	assert_string_equal(m[0]->source, "k8s_audit");
	/* syscall events never meet k8s_audit rules */
	assert_int_equal(eval_open(rs, m, 1), 0);
	sk_ruleset_unref(rs);
}

static const struct sk_rule *rule_named(const struct sk_ruleset *rs, const char *name)
{
	for (unsigned i = 0; i < sk_ruleset_nrules(rs); i++)
		if (!strcmp(sk_ruleset_rule_at(rs, i)->name, name))
			return sk_ruleset_rule_at(rs, i);
	fail_msg("no rule '%s'", name);
	return NULL;
}

/* append_output: match by source, rule name and all tags; text in order, extra_fields. */
static void test_append_output(void **state)
{
	(void)state;
	const char *src[] = {"syscall", "k8s_audit"};
	opts.sources = src;
	opts.nsources = 2;
	const char *net[] = {"net"}, *net_fs[] = {"net", "fs"};
	const struct sk_extra_field fields[] = {{"test.int", NULL}, {"label", "s=%test.str"}};
	const struct sk_append_output appends[] = {
	    {.extra_output = "ALL"},
	    {.source = "syscall", .tags = net, .ntags = 1, .extra_output = "NET"},
	    {.tags = net_fs, .ntags = 2, .extra_output = "NETFS"},
	    {.rule = "audit", .extra_output = "AUDIT %test.str", .fields = fields, .nfields = 2},
	    {.source = "k8s_audit", .rule = "plain"}, /* both must match: never */
	};
	opts.appends = appends;
	opts.nappends = sizeof(appends) / sizeof(appends[0]);
	struct sk_ruleset *rs =
	    build(RULE("plain", "INFO", "evt.type = open", "")
		      RULE("net", "INFO", "evt.type = open", "  tags: [net]\n")
			  RULE("netfs", "INFO", "evt.type = open", "  tags: [fs, net, x]\n")
			      RULE("audit", "INFO", "test.str = a", "  source: k8s_audit\n  tags: [net]\n"));
	assert_string_equal(rule_named(rs, "plain")->output_text, "o ALL");
	assert_string_equal(rule_named(rs, "net")->output_text, "o ALL NET");
	assert_string_equal(rule_named(rs, "netfs")->output_text, "o ALL NET NETFS");
	assert_string_equal(rule_named(rs, "audit")->output_text, "o ALL AUDIT %test.str");
	assert_null(rule_named(rs, "plain")->extra_fields);
	assert_non_null(rule_named(rs, "audit")->extra_fields);
	sk_ruleset_unref(rs);
}

/* An extra field that is no field is a compile error naming the rule. */
static void test_append_output_bad_field(void **state)
{
	(void)state;
	const struct sk_extra_field fields[] = {{"test.nosuch", NULL}};
	const struct sk_append_output appends[] = {{.fields = fields, .nfields = 1}};
	opts.appends = appends;
	opts.nappends = 1;
	assert_int_equal(sk_rules_load_buf(&rules, "t.yaml", two_rules, strlen(two_rules), &diags), 0);
	struct sk_ruleset *rs = NULL;
	assert_int_not_equal(sk_ruleset_compile(&rules, reg, &opts, &diags, &rs), 0);
	assert_null(rs);
	bool named = false;
	for (unsigned i = 0; i < diags.n; i++)
		named |= diags.v[i].code == SK_LOAD_ERR_COMPILE_OUTPUT &&
			 strstr(diags.v[i].msg, "test.nosuch") != NULL;
	assert_true(named);
}

static void test_compile_errors_make_no_ruleset(void **state)
{
	(void)state;
	const char *y = RULE("good", "INFO", "evt.type = open", "")
	    RULE("bad", "INFO", "proc.nmae = x",
		 "") "- rule: bad output\n  desc: d\n  condition: evt.type = open\n"
		     "  output: file %nosuch.field opened\n  priority: INFO\n";
	assert_int_equal(sk_rules_load_buf(&rules, "t.yaml", y, strlen(y), &diags), 0);
	struct sk_ruleset *rs = (struct sk_ruleset *)1;
	assert_int_equal(sk_ruleset_compile(&rules, reg, &opts, &diags, &rs), -EINVAL);
	assert_null(rs);
	assert_int_equal(diags.nerrors, 2);
	bool cond = false, out = false;
	for (unsigned i = 0; i < diags.n; i++) {
		cond |= diags.v[i].code == SK_LOAD_ERR_COMPILE_CONDITION;
		if (diags.v[i].code == SK_LOAD_ERR_COMPILE_OUTPUT) {
			out = true;
			assert_string_equal(diags.v[i].item, "rule 'bad output'");
			assert_non_null(strstr(diags.v[i].msg, "nosuch.field"));
		}
	}
	assert_true(cond && out);
}

static void test_unused_warnings(void **state)
{
	(void)state;
	struct sk_ruleset *rs =
	    build("- list: l1\n  items: [a]\n- list: l2\n  items: [b]\n"
		  "- macro: m1\n  condition: test.str in (l1)\n"
		  "- macro: m2\n  condition: test.int = 1\n" RULE("r", "INFO", "m1", ""));
	unsigned lists = 0, macros = 0;
	for (unsigned i = 0; i < diags.n; i++) {
		if (diags.v[i].code == SK_LOAD_UNUSED_LIST) {
			lists++;
			assert_string_equal(diags.v[i].item, "list 'l2'");
		}
		if (diags.v[i].code == SK_LOAD_UNUSED_MACRO) {
			macros++;
			assert_string_equal(diags.v[i].item, "macro 'm2'");
		}
	}
	assert_int_equal(lists, 1);
	assert_int_equal(macros, 1);
	sk_ruleset_unref(rs);
}

static void test_slot_swap(void **state)
{
	(void)state;
	struct sk_ruleset_slot slot;
	sk_ruleset_slot_init(&slot);
	assert_null(sk_ruleset_slot_get(&slot));
	struct sk_ruleset *a = build(RULE("a", "INFO", "evt.type = open", ""));
	sk_ruleset_slot_swap(&slot, a);
	struct sk_ruleset *held = sk_ruleset_slot_get(&slot);
	assert_ptr_equal(held, a);
	struct sk_ruleset *b = NULL;
	assert_int_equal(sk_ruleset_compile(&rules, reg, &opts, &diags, &b), 0);
	sk_ruleset_slot_swap(&slot, b);
	/* the reader's reference keeps the old ruleset usable */
	const struct sk_rule *m[1];
	assert_int_equal(eval_open(held, m, 1), 1);
	sk_ruleset_unref(held);
	struct sk_ruleset *now = sk_ruleset_slot_get(&slot);
	assert_ptr_equal(now, b);
	sk_ruleset_unref(now);
	sk_ruleset_slot_fini(&slot);
}

/* Over a real capture, the index + filters agree with counting by event name. */
static void test_capture_matches(void **state)
{
	(void)state;
	const char *corpus = getenv("SAKER_CORPUS");
	char path[512];
	snprintf(path, sizeof(path), "%s/captures/open-multiple-files.scap",
		 corpus ? corpus : "../shared/corpus");
	opts.match_all = true;
	struct sk_ruleset *rs = build(
	    RULE("opens", "INFO", "evt.type in (open, openat)", "")
		RULE("not opens", "INFO", "not evt.type in (open, openat)", "")
		    RULE("exits", "INFO", "evt.type != open and evt.num > 0 and evt.dir = <", ""));
	struct sk_scap_reader *r;
	char err[256];
	assert_int_equal(sk_scap_reader_open(&r, path, err, sizeof(err)), 0);
	struct sk_scap_item it;
	unsigned long want_open = 0, want_other = 0, want_exit = 0, got[3] = {0}, n = 0;
	int src = sk_ruleset_source(rs, "syscall");
	while (sk_scap_reader_next(r, &it, err, sizeof(err)) == 1) {
		if (it.kind != SK_SCAP_EVENT)
			continue;
		const char *name = it.event.info->name;
		bool is_open = !strcmp(name, "open") || !strcmp(name, "openat");
		want_open += is_open;
		want_other += !is_open;
		want_exit += strcmp(name, "open") && !sk_event_is_enter(it.event.hdr->type);
		char scratch[4096];
		struct sk_eval_ctx ctx = {.evt = &it.event,
					  .evtnum = ++n,
					  .source = "syscall",
					  .scratch = scratch,
					  .scratch_cap = sizeof(scratch)};
		const struct sk_rule *m[3];
		unsigned k = sk_ruleset_eval(rs, src, &ctx, m, 3);
		for (unsigned i = 0; i < k; i++)
			got[m[i]->order == sk_ruleset_rule_at(rs, 0)->order   ? 0
			    : m[i]->order == sk_ruleset_rule_at(rs, 1)->order ? 1
									      : 2]++;
	}
	sk_scap_reader_free(r);
	assert_true(want_open > 0);
	assert_int_equal(got[0], want_open);
	assert_int_equal(got[1], want_other);
	assert_int_equal(got[2], want_exit);
	sk_ruleset_unref(rs);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, each_setup, each_teardown)
	const struct CMUnitTest tests[] = {
	    T(test_first_vs_all),
	    T(test_priority_filter),
	    T(test_disable_by_name_and_tags),
	    T(test_rule_selectors),
	    T(test_tags_sorted_unique),
	    T(test_index_and_counters),
	    T(test_needs_enter),
	    T(test_no_evttype_warning),
	    T(test_sources),
	    T(test_append_output),
	    T(test_append_output_bad_field),
	    T(test_compile_errors_make_no_ruleset),
	    T(test_unused_warnings),
	    T(test_slot_swap),
	    T(test_capture_matches),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
