/* SPDX-License-Identifier: Apache-2.0 */
/* required_engine_version and required_plugin_versions checks. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../../../agent/engine/rules.h"

/* The rules last loaded by check(): diagnostics borrow its file names. */
static struct sk_rules r;

/* Load text as a rules file and run the requirement check against loaded. */
static int check(const char *text, const struct sk_plugin_version *loaded, unsigned n,
		 struct sk_diags *d)
{
	sk_rules_fini(&r);
	sk_rules_init(&r);
	sk_diags_init(d);
	assert_int_equal(sk_rules_load_buf(&r, "req.yaml", text, strlen(text), d), 0);
	return sk_rules_check_requirements(&r, loaded, n, d);
}

static void test_versions(void **unused)
{
	unsigned long v[3], w[3];
	assert_int_equal(sk_version_parse("15", v), 0);
	assert_true(v[0] == 0 && v[1] == 15 && v[2] == 0);
	assert_int_equal(sk_version_parse("0.57.0", w), 0);
	assert_true(sk_version_cmp(v, w) < 0);
	assert_int_equal(sk_version_parse("1.2", v), -EINVAL);
	assert_int_equal(sk_version_parse("x", v), -EINVAL);
	assert_int_equal(sk_version_parse("1.2.3x", v), -EINVAL);
}

static void test_engine_version(void **unused)
{
	struct sk_diags d;
	assert_int_equal(check("- required_engine_version: 0.57.0\n", NULL, 0, &d), 0);
	sk_diags_fini(&d);
	assert_int_equal(check("- required_engine_version: 11\n", NULL, 0, &d), 0);
	sk_diags_fini(&d);
	assert_int_equal(check("- required_engine_version: 0.99.0\n", NULL, 0, &d), -EINVAL);
	char line[512];
	sk_diag_format(&d.v[0], line, sizeof(line));
	assert_string_equal(line, "req.yaml:1:28: error: rules require engine version 0.99.0, "
				  "but this engine is " SK_ENGINE_VERSION);
	sk_diags_fini(&d);
}

static const char plugins_yaml[] = "- required_plugin_versions:\n"
				   "    - name: k8saudit\n"
				   "      version: 0.18.0\n"
				   "      alternatives:\n"
				   "        - name: k8saudit-eks\n"
				   "          version: 0.12.0\n"
				   "    - name: container\n"
				   "      version: 0.4.0\n";

static void test_plugins(void **unused)
{
	struct sk_diags d;
	const struct sk_plugin_version builtin[] = {{"container", NULL}};
	/* Nothing loaded but the built-in container fields: k8saudit is missing. */
	assert_int_equal(check(plugins_yaml, builtin, 1, &d), -EINVAL);
	assert_int_equal(d.nerrors, 1);
	char line[512];
	sk_diag_format(&d.v[0], line, sizeof(line));
	assert_string_equal(line, "req.yaml:2:7: error: plugin 'k8saudit' version 0.18.0 (or a "
				  "compatible alternative) is required but not loaded");
	sk_diags_fini(&d);

	const struct sk_plugin_version same[] = {{"container", NULL}, {"k8saudit", "0.19.1"}};
	assert_int_equal(check(plugins_yaml, same, 2, &d), 0);
	sk_diags_fini(&d);

	const struct sk_plugin_version alt[] = {{"container", NULL}, {"k8saudit-eks", "0.12.3"}};
	assert_int_equal(check(plugins_yaml, alt, 2, &d), 0);
	sk_diags_fini(&d);

	/* Older, or another major version, does not satisfy. */
	const struct sk_plugin_version old[] = {{"container", NULL}, {"k8saudit", "0.17.9"}};
	assert_int_equal(check(plugins_yaml, old, 2, &d), -EINVAL);
	sk_diags_fini(&d);
	const struct sk_plugin_version major[] = {{"container", NULL}, {"k8saudit", "1.0.0"}};
	assert_int_equal(check(plugins_yaml, major, 2, &d), -EINVAL);
	sk_diags_fini(&d);
	/* A versioned container plugin must be new enough; built in (NULL) always is. */
	const struct sk_plugin_version c3[] = {{"container", "0.3.0"}, {"k8saudit", "0.18.0"}};
	assert_int_equal(check(plugins_yaml, c3, 2, &d), -EINVAL);
	sk_diags_fini(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_versions),
		cmocka_unit_test(test_engine_version),
		cmocka_unit_test(test_plugins),
	};
	sk_rules_init(&r);
	int failed = cmocka_run_group_tests(tests, NULL, NULL);
	sk_rules_fini(&r);
	return failed;
}
