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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reload),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
