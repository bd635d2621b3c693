/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The reload thread: a request or a change to a watched file compiles the
 * rules file beside the running ruleset; success swaps the slot and bumps
 * the generation, failure keeps the old ruleset and records why. Files
 * beside the watched one do not trigger anything.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../../../agent/config/reload.h"

static char dir[256], rules_path[300];
static struct sk_field_registry *reg;
static int builds;

static void write_rules(const char *rule_name, bool broken)
{
	char tmp[320];
	snprintf(tmp, sizeof(tmp), "%s.new", rules_path);
	FILE *f = fopen(tmp, "w");
	assert_non_null(f);
	fprintf(f,
		"- rule: %s\n"
		"  desc: d\n"
		"  condition: evt.type=open%s\n"
		"  output: o\n"
		"  priority: NOTICE\n",
		rule_name, broken ? " and (" : "");
	fclose(f);
	assert_int_equal(rename(tmp, rules_path), 0); /* as editors save */
}

/* The build callback: load and compile rules_path with the real engine. */
static int build(void *ctx, struct sk_ruleset **rs, unsigned *nrules, char *err, size_t errlen)
{
	__atomic_add_fetch(&builds, 1, __ATOMIC_SEQ_CST);
	struct sk_rules rules;
	struct sk_diags diags;
	struct sk_ruleset_opts ro;
	sk_rules_init(&rules);
	sk_diags_init(&diags);
	sk_ruleset_opts_init(&ro);
	int rc = sk_rules_load_path(&rules, rules_path, &diags);
	if (rc == 0)
		rc = sk_ruleset_compile(&rules, reg, &ro, &diags, rs);
	if (rc == 0 && diags.nerrors)
		rc = -EINVAL;
	if (rc)
		snprintf(err, errlen, "%s", diags.n ? diags.v[0].msg : "load failed");
	else
		*nrules = sk_ruleset_nrules(*rs);
	sk_rules_fini(&rules);
	sk_diags_fini(&diags);
	return rc;
}

static unsigned paths(void *ctx, const char **v, unsigned cap)
{
	v[0] = rules_path;
	return 1;
}

static int setup(void **state)
{
	snprintf(dir, sizeof(dir), "/tmp/sk-reload-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(rules_path, sizeof(rules_path), "%s/rules.yaml", dir);
	return sk_field_registry_new(&reg) || sk_field_registry_add_builtin(reg);
}

static int teardown(void **state)
{
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	sk_field_registry_free(reg);
	return system(cmd);
}

static const char *running_rule(struct sk_ruleset_slot *slot)
{
	static char name[64];
	struct sk_ruleset *rs = sk_ruleset_slot_get(slot);
	if (!rs)
		return "";
	snprintf(name, sizeof(name), "%s", sk_ruleset_rule_at(rs, 0)->name);
	sk_ruleset_unref(rs);
	return name;
}

/* Poll until gen or the failure count moves (or 3 s pass). */
static void wait_change(uint64_t *gen, uint64_t gen0, struct sk_rules_status *st, uint64_t f0)
{
	for (int i = 0; i < 300; i++) {
		pthread_mutex_lock(&st->lock);
		uint64_t f = st->failures;
		pthread_mutex_unlock(&st->lock);
		if (__atomic_load_n(gen, __ATOMIC_ACQUIRE) != gen0 || f != f0)
			return;
		usleep(10000);
	}
}

static void test_reload(void **state)
{
	char err[256];
	write_rules("first", false);
	struct sk_ruleset_slot slot;
	sk_ruleset_slot_init(&slot);
	struct sk_ruleset *rs;
	unsigned n;
	assert_int_equal(build(NULL, &rs, &n, err, sizeof(err)), 0);
	sk_ruleset_slot_swap(&slot, rs);
	uint64_t gen = 0;
	struct sk_rules_status st;
	sk_rules_status_init(&st);
	struct sk_reload_opts ro = {
		.build = build, .paths = paths, .watch = true,
		.slot = &slot, .gen = &gen, .status = &st,
	};
	struct sk_reload *r;
	assert_int_equal(sk_reload_start(&r, &ro, err, sizeof(err)), 0);

	/* a request: rebuilt and swapped */
	write_rules("second", false);
	wait_change(&gen, 0, &st, 0); /* the watch sees the rename too */
	usleep(300 * 1000);
	uint64_t g = __atomic_load_n(&gen, __ATOMIC_ACQUIRE);
	assert_true(g >= 1);
	assert_string_equal(running_rule(&slot), "second");
	sk_reload_request(r);
	wait_change(&gen, g, &st, 0);
	assert_int_equal(__atomic_load_n(&gen, __ATOMIC_ACQUIRE), g + 1);

	/* a broken file: the old ruleset stays, the failure is recorded with its reason */
	g = __atomic_load_n(&gen, __ATOMIC_ACQUIRE);
	write_rules("third", true);
	wait_change(&gen, g, &st, 0);
	assert_int_equal(__atomic_load_n(&gen, __ATOMIC_ACQUIRE), g);
	assert_string_equal(running_rule(&slot), "second");
	pthread_mutex_lock(&st.lock);
	assert_int_equal(st.failures, 1);
	assert_false(st.last_ok);
	assert_true(st.loaded);
	assert_true(strlen(st.last_error) > 0);
	pthread_mutex_unlock(&st.lock);

	/* files beside the watched one do not reload */
	int b0 = __atomic_load_n(&builds, __ATOMIC_SEQ_CST);
	char other[320];
	snprintf(other, sizeof(other), "%s/other.txt", dir);
	for (int i = 0; i < 10; i++) {
		FILE *f = fopen(other, "w");
		fputs("x", f);
		fclose(f);
		usleep(20 * 1000);
	}
	usleep(400 * 1000);
	assert_int_equal(__atomic_load_n(&builds, __ATOMIC_SEQ_CST), b0);

	/* fixed: swapped again, the status back to success */
	write_rules("fourth", false);
	wait_change(&gen, g, &st, 1);
	assert_int_equal(__atomic_load_n(&gen, __ATOMIC_ACQUIRE), g + 1);
	assert_string_equal(running_rule(&slot), "fourth");
	pthread_mutex_lock(&st.lock);
	assert_true(st.last_ok);
	assert_int_equal(st.nrules, 1);
	pthread_mutex_unlock(&st.lock);

	sk_reload_free(r);
	sk_ruleset_slot_fini(&slot);
	sk_rules_status_fini(&st);
}

/* What a reload applies beside the rules (services.c's outputs): prepare, then commit. */
struct apply {
	struct sk_ruleset_slot *slot;
	int prepare_rc, commit_rc;
	int prepares, commits;
	char committed_with[64]; /* the running rule when commit ran */
};

static int prepare(void *ctx, char *err, size_t errlen)
{
	struct apply *a = ctx;
	a->prepares++;
	if (a->prepare_rc)
		snprintf(err, errlen, "file output: cannot open");
	return a->prepare_rc;
}

static int commit(void *ctx, char *err, size_t errlen)
{
	struct apply *a = ctx;
	snprintf(a->committed_with, sizeof(a->committed_with), "%s", running_rule(a->slot));
	__atomic_add_fetch(&a->commits, 1, __ATOMIC_SEQ_CST);
	if (a->commit_rc)
		snprintf(err, errlen, "webserver: cannot listen");
	return a->commit_rc;
}

static uint64_t failures(struct sk_rules_status *st, char *last_error, size_t cap)
{
	pthread_mutex_lock(&st->lock);
	uint64_t f = st->failures;
	snprintf(last_error, cap, "%s", st->last_error);
	pthread_mutex_unlock(&st->lock);
	return f;
}

/*
 * prepare failing abandons the reload (rules not swapped, failure recorded
 * with its reason, no commit); commit runs after the swap, and its failure
 * is recorded though the new rules run.
 */
static void test_prepare_commit(void **state)
{
	char err[256], last[SK_RULES_ERROR_MAX];
	write_rules("first", false);
	struct sk_ruleset_slot slot;
	sk_ruleset_slot_init(&slot);
	struct sk_ruleset *rs;
	unsigned n;
	assert_int_equal(build(NULL, &rs, &n, err, sizeof(err)), 0);
	sk_ruleset_slot_swap(&slot, rs);
	uint64_t gen = 0;
	struct sk_rules_status st;
	sk_rules_status_init(&st);
	struct apply a = {.slot = &slot};
	struct sk_reload_opts ro = {
		.build = build, .paths = paths, .slot = &slot, .gen = &gen, .status = &st,
		.prepare = prepare, .commit = commit, .apply_ctx = &a,
	};
	struct sk_reload *r;
	assert_int_equal(sk_reload_start(&r, &ro, err, sizeof(err)), 0);

	write_rules("second", false);
	sk_reload_request(r);
	wait_change(&gen, 0, &st, 0);
	assert_int_equal(__atomic_load_n(&gen, __ATOMIC_ACQUIRE), 1);
	for (int i = 0; i < 100 && __atomic_load_n(&a.commits, __ATOMIC_SEQ_CST) < 1; i++)
		usleep(10000);
	assert_int_equal(a.prepares, 1);
	assert_int_equal(a.commits, 1);
	assert_string_equal(a.committed_with, "second");

	a.prepare_rc = -ENOENT;
	write_rules("third", false);
	sk_reload_request(r);
	wait_change(&gen, 1, &st, 0);
	assert_int_equal(failures(&st, last, sizeof(last)), 1);
	assert_string_equal(last, "file output: cannot open");
	assert_int_equal(__atomic_load_n(&gen, __ATOMIC_ACQUIRE), 1);
	assert_string_equal(running_rule(&slot), "second");
	assert_int_equal(a.commits, 1);

	a.prepare_rc = 0;
	a.commit_rc = -EADDRINUSE;
	sk_reload_request(r);
	wait_change(&gen, 1, &st, 1);
	for (int i = 0; i < 100 && failures(&st, last, sizeof(last)) < 2; i++)
		usleep(10000);
	assert_int_equal(failures(&st, last, sizeof(last)), 2);
	assert_string_equal(last, "webserver: cannot listen");
	assert_string_equal(running_rule(&slot), "third");
	assert_int_equal(a.commits, 2);

	sk_reload_free(r);
	sk_ruleset_slot_fini(&slot);
	sk_rules_status_fini(&st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reload),
		cmocka_unit_test(test_prepare_commit),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
