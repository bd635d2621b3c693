/* SPDX-License-Identifier: Apache-2.0 */
/* Loading a configuration: both Falco eras, includes, -o, ${ENV}, warnings, type errors. */
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

#include "../../../../agent/config/config.h"

static char dir[256];

static const char *write_file(const char *name, const char *text)
{
	static char path[512];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

static int setup(void **state)
{
	snprintf(dir, sizeof(dir), "/tmp/sk-config-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

static bool has_warning(const struct sk_config *c, const char *needle)
{
	for (unsigned i = 0; i < c->nwarnings; i++)
		if (strstr(c->warnings[i], needle))
			return true;
	return false;
}

static void load_ok(struct sk_config *c, const char *path, const char *const *o, unsigned n)
{
	char err[512];
	sk_config_init(c);
	int rc = sk_config_load(c, path, o, n, err, sizeof(err));
	if (rc)
		fail_msg("load: %s", err);
}

static void test_defaults(void **state)
{
	struct sk_config c;
	load_ok(&c, NULL, NULL, 0);
	assert_true(c.stdout_enabled);
	assert_false(c.webserver.enabled);
	assert_int_equal(c.webserver.listen_port, 8765);
	assert_int_equal(c.priority, SK_PRIO_DEBUG);
	assert_false(c.match_all);
	assert_int_equal(c.nrules_files, 0);
	assert_int_equal(c.nwarnings, 0);
	sk_config_fini(&c);
}

/* Falco's shipped files load with warnings only, every key read as Falco reads it. */
static void test_falco_configs(void **state)
{
	const char *corpus = getenv("SAKER_CORPUS");
	char path[512];
	struct sk_config c;
	snprintf(path, sizeof(path), "%s/falco-config/falco.yaml", corpus ? corpus : "../shared/corpus");
	load_ok(&c, path, NULL, 0);
	assert_int_equal(c.nrules_files, 3);
	assert_string_equal(c.rules_files[0], "/etc/falco/falco_rules.yaml");
	assert_true(c.webserver.enabled);
	assert_false(c.webserver.prometheus_metrics_enabled);
	assert_true(c.syslog_output.enabled);
	assert_string_equal(c.http_output.user_agent, "falcosecurity/falco");
	assert_int_equal(c.http_output.max_consecutive_timeouts, 5);
	assert_false(c.match_all);
	assert_true(has_warning(&c, "configuration key 'falco_libs' is not supported"));
	assert_true(has_warning(&c, "config_files: '/etc/falco/config.d' cannot be read"));
	assert_non_null(c.engine);
	assert_non_null(c.plugins);
	sk_config_fini(&c);

	snprintf(path, sizeof(path), "%s/falco-config/falco-0.31.0.yaml",
		 corpus ? corpus : "../shared/corpus");
	load_ok(&c, path, NULL, 0);
	/* 0.31's rules_file list; outputs.rate/max_burst of that era */
	assert_int_equal(c.nrules_files, 4);
	assert_string_equal(c.rules_files[3], "/etc/falco/rules.d");
	assert_true(c.outputs_rate > 0.99 && c.outputs_rate < 1.01);
	assert_true(c.outputs_max_burst > 999 && c.outputs_max_burst < 1001);
	assert_true(has_warning(&c, "'grpc' is not supported"));
	assert_false(has_warning(&c, "unknown configuration key"));
	sk_config_fini(&c);
}

static void test_unknown_keys_warn_with_position(void **state)
{
	const char *p = write_file("u.yaml", "json_output: true\n"
					     "no_such: 1\n"
					     "webserver:\n"
					     "  enabled: true\n"
					     "  bogus:\n"
					     "    deep: {deeper: 1}\n");
	static const char *const o[] = {"also_unknown.x=1"};
	struct sk_config c;
	load_ok(&c, p, o, 1);
	assert_true(c.json_output);
	assert_int_equal(c.nwarnings, 3);
	char want[600];
	snprintf(want, sizeof(want), "%s:2:10: unknown configuration key 'no_such'", p);
	assert_true(has_warning(&c, want));
	snprintf(want, sizeof(want), "%s:6:5: unknown configuration key 'webserver.bogus'", p);
	assert_true(has_warning(&c, want));
	assert_true(has_warning(&c, "-o 'also_unknown.x=1': unknown configuration key "
				    "'also_unknown'"));
	sk_config_fini(&c);
}

static void test_type_errors(void **state)
{
	const char *p = write_file("t.yaml", "webserver:\n  listen_port: http\n");
	struct sk_config c;
	char err[512], want[600];
	sk_config_init(&c);
	assert_int_equal(sk_config_load(&c, p, NULL, 0, err, sizeof(err)), -EINVAL);
	snprintf(want, sizeof(want),
		 "%s:2:16: webserver.listen_port: expected a number from 0 to 65535, got 'http'", p);
	assert_string_equal(err, want);
	static const char *const o[] = {"rule_matching=some"};
	assert_int_equal(sk_config_load(&c, NULL, o, 1, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "-o 'rule_matching=some': rule_matching: expected first or all, "
				 "got 'some'");
	p = write_file("bad.yaml", "a: [\n");
	assert_int_equal(sk_config_load(&c, p, NULL, 0, err, sizeof(err)), -EINVAL);
	snprintf(want, sizeof(want), "%s:2:1: invalid YAML", p);
	assert_memory_equal(err, want, strlen(want));
	sk_config_fini(&c);
}

/* append_output: match (source, rule, tags), extra_output, both forms of extra_fields. */
static void test_append_output(void **state)
{
	const char *p = write_file("ao.yaml", "append_output:\n"
					      "  - suggested_output: true\n"
					      "  - match:\n"
					      "      source: syscall\n"
					      "      tags: [net, fs]\n"
					      "    extra_output: \"on CPU %evt.cpu\"\n"
					      "    extra_fields:\n"
					      "      - home: \"${SK_TEST_HOME}\"\n"
					      "      - evt.hostname\n"
					      "  - match: {rule: R, tags: one}\n"
					      "    extra_output: x\n"
					      "    colour: red\n");
	setenv("SK_TEST_HOME", "/home/t", 1);
	struct sk_config c;
	load_ok(&c, p, NULL, 0);
	assert_int_equal(c.nappends, 2); /* suggested_output alone adds nothing */
	const struct sk_append_output *a = &c.appends[0];
	assert_string_equal(a->source, "syscall");
	assert_null(a->rule);
	assert_int_equal(a->ntags, 2);
	assert_string_equal(a->tags[0], "net");
	assert_string_equal(a->tags[1], "fs");
	assert_string_equal(a->extra_output, "on CPU %evt.cpu");
	assert_int_equal(a->nfields, 2);
	assert_string_equal(a->fields[0].name, "home");
	assert_string_equal(a->fields[0].format, "/home/t");
	assert_string_equal(a->fields[1].name, "evt.hostname");
	assert_null(a->fields[1].format);
	a = &c.appends[1];
	assert_string_equal(a->rule, "R");
	assert_int_equal(a->ntags, 1);
	assert_string_equal(a->tags[0], "one");
	assert_int_equal(a->nfields, 0);
	assert_true(has_warning(&c, "append_output: unknown key 'colour'"));
	struct sk_ruleset_opts ro;
	sk_ruleset_opts_init(&ro);
	sk_config_ruleset_opts(&c, &ro);
	assert_ptr_equal(ro.appends, c.appends);
	assert_int_equal(ro.nappends, 2);
	sk_config_fini(&c);

	char err[512];
	p = write_file("ao-bad.yaml", "append_output:\n  - extra_fields: {a: b}\n");
	sk_config_init(&c);
	assert_int_equal(sk_config_load(&c, p, NULL, 0, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "ao-bad.yaml:2:19: append_output.extra_fields: expected a list"));
	sk_config_fini(&c);
}

/* config_files: files and directories, strategies, no nesting, -o after all of them. */
static void test_includes(void **state)
{
	char d[400];
	snprintf(d, sizeof(d), "%s/conf.d", dir);
	mkdir(d, 0755);
	write_file("conf.d/20-b.yaml", "rules_files: [/r/b.yaml]\npriority: error\n");
	write_file("conf.d/10-a.yaml", "rules_files: [/r/a.yaml]\npriority: warning\n"
				       "config_files: [/nowhere]\n");
	write_file("over.yaml", "rules_files: [/r/over.yaml]\njson_output: true\n");
	write_file("addonly.yaml", "json_output: false\nlog_level: debug\n");
	const char *p = write_file("main.yaml", "config_files:\n"
						"  - conf.d\n"
						"  - path: over.yaml\n"
						"    strategy: override\n"
						"  - path: addonly.yaml\n"
						"    strategy: add-only\n"
						"  - missing.yaml\n"
						"rules_files: [/r/main.yaml]\n"
						"priority: debug\n");
	static const char *const o[] = {"priority=critical"};
	struct sk_config c;
	load_ok(&c, p, o, 1);
	/* append: main, then 10-a, then 20-b (name order); override replaced the list */
	assert_int_equal(c.nrules_files, 1);
	assert_string_equal(c.rules_files[0], "/r/over.yaml");
	assert_true(c.json_output);	 /* add-only did not replace it */
	assert_int_equal(c.log_level, SK_LOG_DEBUG); /* add-only added it */
	assert_int_equal(c.priority, SK_PRIO_CRITICAL); /* -o wins over every file */
	assert_true(has_warning(&c, "config_files in an included file is ignored"));
	assert_true(has_warning(&c, "config_files: '"));
	assert_true(has_warning(&c, "missing.yaml' cannot be read"));
	assert_int_equal(c.nfiles, 5);
	sk_config_fini(&c);

	p = write_file("main2.yaml", "config_files: [conf.d]\nrules_files: [/r/main.yaml]\n");
	load_ok(&c, p, NULL, 0);
	assert_int_equal(c.nrules_files, 3);
	assert_string_equal(c.rules_files[0], "/r/main.yaml");
	assert_string_equal(c.rules_files[1], "/r/a.yaml");
	assert_string_equal(c.rules_files[2], "/r/b.yaml");
	assert_int_equal(c.priority, SK_PRIO_ERROR); /* scalars: the last file wins */
	sk_config_fini(&c);
}

static void test_env_and_overrides(void **state)
{
	setenv("SK_CFG_TEST_OUT", "/var/log/saker", 1);
	const char *p = write_file("e.yaml", "file_output:\n"
					     "  enabled: true\n"
					     "  filename: ${SK_CFG_TEST_OUT}/events.json\n"
					     "rules_file: /one.yaml\n");
	static const char *const o[] = {
		"rules[].disable.tag=network",
		"rules[].enable.rule=Read *",
		"http_output={enabled: true, url: \"http://127.0.0.1:2801/\"}",
		"outputs.rate=0.5",
		"webserver.listen_address=${SK_CFG_TEST_OUT}",
	};
	struct sk_config c;
	load_ok(&c, p, o, 5);
	assert_string_equal(c.file_output.filename, "/var/log/saker/events.json");
	assert_int_equal(c.nrules_files, 1);
	assert_string_equal(c.rules_files[0], "/one.yaml");
	assert_int_equal(c.nselectors, 2);
	assert_false(c.selectors[0].enable);
	assert_string_equal(c.selectors[0].tag, "network");
	assert_true(c.selectors[1].enable);
	assert_string_equal(c.selectors[1].rule, "Read *");
	assert_true(c.http_output.enabled);
	assert_string_equal(c.http_output.url, "http://127.0.0.1:2801/");
	assert_true(c.outputs_rate > 0.49 && c.outputs_rate < 0.51);
	assert_string_equal(c.webserver.listen_address, "/var/log/saker");
	assert_string_equal(sk_config_get(&c, "file_output.enabled")->str, "true");
	struct sk_ruleset_opts ro;
	sk_ruleset_opts_init(&ro);
	sk_config_ruleset_opts(&c, &ro);
	assert_int_equal(ro.nselectors, 2);
	sk_config_fini(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_falco_configs),
		cmocka_unit_test(test_unknown_keys_warn_with_position),
		cmocka_unit_test(test_type_errors),
		cmocka_unit_test(test_includes),
		cmocka_unit_test(test_append_output),
		cmocka_unit_test(test_env_and_overrides),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
