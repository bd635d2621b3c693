/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The plugin host with real plugins (the bundled json, k8saudit and
 * cloudtrail): loading and its refusals, the "{}" init config, identity and
 * capabilities, field registration per source, the versions given to
 * required_plugin_versions, and the extraction filters (event type, event
 * number, source).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "../../plugins/plugin_test_util.h"

static void test_load_and_describe(void **state)
{
	struct ptest t;
	assert_int_equal(pt_init(&t), 0);
	assert_int_equal(pt_load(&t, "json", NULL, NULL), 0);
	/* k8saudit rejects "" itself: the host must pass "{}" since it has a JSON schema */
	assert_int_equal(pt_load(&t, "k8saudit", "", "/tmp/x"), 0);
	assert_int_equal(sk_plugin_host_count(t.h), 2);
	struct sk_plugin_info in;
	sk_plugin_get_info(sk_plugin_host_find(t.h, "k8saudit"), &in);
	assert_string_equal(in.name, "k8saudit");
	assert_string_equal(in.version, "0.18.0");
	assert_string_equal(in.required_api, "3.12.0");
	assert_true(in.cap_source && in.cap_extract);
	assert_int_equal(in.id, 1);
	assert_string_equal(in.source, "k8s_audit");
	assert_string_equal(in.open_params, "/tmp/x");
	assert_string_equal(in.extract_sources[0], "k8s_audit");
	assert_null(in.extract_sources[1]);
	assert_int_equal(in.nfields, 100);
	assert_string_equal(in.fields[0].name, "ka.auditid");
	assert_int_equal(in.fields[0].type, PT_CHARBUF);
	sk_plugin_get_info(sk_plugin_host_find(t.h, "json"), &in);
	assert_false(in.cap_source);
	assert_null(in.extract_sources[0]); /* every source */
	assert_int_equal(in.nfields, 6);
	assert_ptr_equal(sk_plugin_host_find_id(t.h, 1), sk_plugin_host_find(t.h, "k8saudit"));
	assert_ptr_equal(sk_plugin_host_find_source(t.h, "k8s_audit"),
			 sk_plugin_host_find(t.h, "k8saudit"));
	assert_null(sk_plugin_host_find_source(t.h, "aws_cloudtrail"));
	/* versions after the built-in ones */
	static const struct sk_plugin_version base[] = {{"container", NULL}};
	unsigned n;
	const struct sk_plugin_version *v = sk_plugin_host_versions(t.h, base, 1, &n);
	assert_int_equal(n, 3);
	assert_string_equal(v[0].name, "container");
	assert_string_equal(v[1].name, "json");
	assert_string_equal(v[1].version, "0.7.4");
	assert_string_equal(v[2].name, "k8saudit");
	char params[4096];
	assert_int_equal(sk_plugin_list_open_params(sk_plugin_host_find(t.h, "k8saudit"), params,
						    sizeof(params)),
			 0);
	assert_non_null(strstr(params, "http://:9765/k8s-audit"));
	assert_int_equal(sk_plugin_list_open_params(sk_plugin_host_find(t.h, "json"), params,
						    sizeof(params)),
			 -ENOTSUP);
	pt_fini(&t);
}

static void test_refusals(void **state)
{
	struct ptest t;
	assert_int_equal(pt_init(&t), 0);
	struct sk_plugin_config c = {.name = "json", .library_path = "/nonexistent/libjson.so"};
	assert_int_equal(sk_plugin_host_load(t.h, &c, t.err, sizeof(t.err)), -ENOENT);
	assert_non_null(strstr(t.err, "plugin 'json' (/nonexistent/libjson.so): cannot load"));
	char path[1024];
	snprintf(path, sizeof(path), "%s/plugins/libjson.so", pt_build_dir());
	c = (struct sk_plugin_config){.name = "k8saudit", .library_path = path};
	assert_int_equal(sk_plugin_host_load(t.h, &c, t.err, sizeof(t.err)), -EINVAL);
	assert_non_null(strstr(t.err, "the library's plugin is named 'json'"));
	assert_int_equal(pt_load(&t, "json", NULL, NULL), 0);
	assert_int_equal(pt_load(&t, "json", NULL, NULL), -EEXIST);
	assert_non_null(strstr(t.err, "a plugin named 'json' is already loaded"));
	/* refused by the plugin's schema, naming the key, before plugin_init */
	assert_int_equal(pt_load(&t, "k8saudit", "{\"maxEventSize\": \"big\"}", NULL), -EINVAL);
	assert_non_null(strstr(t.err, "plugin 'k8saudit'"));
	assert_non_null(strstr(t.err, "init config does not fit the plugin's schema: key "
				      "'maxEventSize': expected integer, got string"));
	/* fits the schema, refused by the plugin itself */
	assert_int_equal(pt_load(&t, "k8saudit", "{\"maxEventSize\": 0}", NULL), -EINVAL);
	assert_non_null(strstr(t.err, "plugin 'k8saudit'"));
	assert_non_null(strstr(t.err, "init failed: init config: a key has the wrong type"));
	assert_int_equal(pt_load(&t, "k8saudit", "[1]", NULL), -EINVAL);
	assert_non_null(strstr(t.err, "init config is not a JSON object"));
	/* nothing stays loaded after a refusal */
	assert_int_equal(sk_plugin_host_count(t.h), 1);
	pt_fini(&t);
}

static void test_fields_per_source(void **state)
{
	struct ptest t;
	assert_int_equal(pt_init(&t), 0);
	assert_int_equal(pt_load(&t, "json", NULL, NULL), 0);
	assert_int_equal(pt_load(&t, "k8saudit", NULL, NULL), 0);
	assert_int_equal(pt_load(&t, "cloudtrail", NULL, NULL), 0);
	assert_int_equal(pt_register(&t), 0);
	struct sk_field_ref ref;
	assert_int_equal(sk_field_registry_find(t.reg, "k8s_audit", "ka.verb", 7, &ref), 0);
	assert_string_equal(ref.cls->source, "k8s_audit");
	assert_int_equal(sk_field_registry_find(t.reg, "aws_cloudtrail", "ka.verb", 7, &ref), -ENOENT);
	assert_int_equal(sk_field_registry_find(t.reg, "aws_cloudtrail", "ct.name", 7, &ref), 0);
	/* json fits every source */
	assert_int_equal(sk_field_registry_find(t.reg, "aws_cloudtrail", "json.value", 10, &ref), 0);
	assert_null(ref.cls->source);
	assert_int_equal(sk_field_registry_find(t.reg, "syscall", "jevt.obj", 8, &ref), 0);
	/* registering twice is harmless (classes are made once) */
	assert_int_equal(sk_plugin_host_register_fields(t.h, t.reg, t.err, sizeof(t.err)), 0);
	/* a second registry (a reload's) gets the same classes */
	struct sk_field_registry *reg2;
	assert_int_equal(sk_field_registry_new(&reg2), 0);
	assert_int_equal(sk_plugin_host_register_fields(t.h, reg2, t.err, sizeof(t.err)), 0);
	struct sk_field_ref ref2;
	assert_int_equal(sk_field_registry_find(reg2, "k8s_audit", "ka.verb", 7, &ref2), 0);
	assert_int_equal(sk_field_registry_find(t.reg, "k8s_audit", "ka.verb", 7, &ref), 0);
	assert_ptr_equal(ref2.cls, ref.cls);
	assert_int_equal(sk_field_registry_find(reg2, "aws_cloudtrail", "json.value", 10, &ref2), 0);
	sk_field_registry_free(reg2);
	pt_fini(&t);
}

static void test_extraction_filters(void **state)
{
	struct ptest t;
	assert_int_equal(pt_init(&t), 0);
	assert_int_equal(pt_load(&t, "json", NULL, NULL), 0);
	assert_int_equal(pt_register(&t), 0);
	struct sk_plugin *json = sk_plugin_host_find(t.h, "json");
	struct sk_plugin_stats st0, st1;

	pt_event(&t, 5, "{\"a\":{\"b\":[10,20]}}", 7);
	assert_int_equal(pt_extract(&t, "whatever", "json.value", "/a/b/1"), 1);
	assert_string_equal(t.v[0], "20");
	/* a missing key argument is refused at compile time */
	assert_int_equal(pt_extract(&t, "whatever", "json.value", NULL), -1);

	/* event number 0 is never given to a plugin */
	sk_plugin_get_stats(json, &st0);
	t.pc.evtnum = 0;
	struct sk_field_ref ref;
	assert_int_equal(sk_field_registry_find(t.reg, "x", "json.obj", 8, &ref), 0);
	struct sk_value v[4];
	struct sk_eval_ctx ctx = {.evt = &t.e, .evtnum = 0, .source = "x", .plugin_ctx = &t.pc,
				  .scratch = t.scratch, .scratch_cap = 1024};
	assert_int_equal(ref.cls->extract(&ref, &ctx, v, 4), 0);
	/* a syscall event (not 322) never reaches an extractor declaring {322} */
	t.pc.evtnum = sk_plugin_next_evtnum();
	uint16_t open_type = 2;
	memcpy(t.evt + 20, &open_type, 2);
	assert_int_equal(ref.cls->extract(&ref, &ctx, v, 4), 0);
	sk_plugin_get_stats(json, &st1);
	assert_int_equal(st1.extract_calls, st0.extract_calls);

	/* a payload that is not JSON: the plugin fails, counted, no value */
	pt_event(&t, 5, "not json", 7);
	assert_int_equal(pt_extract(&t, "x", "json.obj", NULL), 0);
	sk_plugin_get_stats(json, &st1);
	assert_int_equal(st1.extract_failures, st0.extract_failures + 1);
	pt_fini(&t);
}

static void test_plugin_info(void **state)
{
	struct ptest t;
	char out[4096];
	assert_int_equal(pt_init(&t), 0);
	assert_int_equal(pt_load(&t, "k8saudit", NULL, NULL), 0);
	pt_event(&t, 1, "{\"auditID\":\"x\"}", 1);
	/* syscall events (no producer) have neither */
	assert_int_equal(sk_plugin_ctx_info(&t.pc, &t.e, "k8s_audit", true, out, sizeof(out)), -ENOENT);
	t.pc.producer = sk_plugin_host_find(t.h, "k8saudit");
	assert_int_equal(sk_plugin_ctx_info(&t.pc, &t.e, "k8s_audit", true, out, sizeof(out)), 8);
	assert_string_equal(out, "k8saudit");
	/* k8saudit's event_to_string is the payload */
	assert_true(sk_plugin_ctx_info(&t.pc, &t.e, "k8s_audit", false, out, sizeof(out)) > 0);
	assert_string_equal(out, "{\"auditID\":\"x\"}");
	pt_fini(&t);
}

static void test_evtnum(void **state)
{
	uint64_t a = sk_plugin_next_evtnum(), b = sk_plugin_next_evtnum();
	assert_true(a >= 1);
	assert_int_equal(b, a + 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_and_describe), cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_fields_per_source), cmocka_unit_test(test_extraction_filters),
		cmocka_unit_test(test_plugin_info),	  cmocka_unit_test(test_evtnum),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
