/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Init configs against plugin init schemas: the keywords real plugins use
 * (as the Go SDK's reflected schemas and our bundled plugins write them),
 * each accepting what fits and refusing what does not with the offending
 * key named.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "../../../../agent/plugin/schema.h"

static char err[1024];

static void fits(const char *schema, const char *config)
{
	err[0] = '\0';
	int rc = sk_plugin_schema_check(schema, config, err, sizeof(err));
	if (rc)
		print_error("refused %s: %s\n", config, err);
	assert_int_equal(rc, 0);
}

static void refused(const char *schema, const char *config, const char *why)
{
	err[0] = '\0';
	assert_int_equal(sk_plugin_schema_check(schema, config, err, sizeof(err)), -EINVAL);
	if (!strstr(err, why))
		print_error("want '%s' in '%s'\n", why, err);
	assert_non_null(strstr(err, why));
}

/* The shape of the Go SDK's reflected schemas: $ref into definitions. */
static const char *const go_schema =
    "{\"$schema\":\"http://json-schema.org/draft-04/schema#\","
    "\"$ref\":\"#/definitions/PluginConfig\","
    "\"definitions\":{\"PluginConfig\":{\"type\":\"object\",\"additionalProperties\":false,"
    "\"required\":[\"name\"],"
    "\"properties\":{"
    "\"name\":{\"type\":\"string\",\"minLength\":1},"
    "\"size\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":100},"
    "\"ratio\":{\"type\":\"number\",\"exclusiveMinimum\":true,\"minimum\":0},"
    "\"mode\":{\"type\":\"string\",\"enum\":[\"fast\",\"slow\"]},"
    "\"tags\":{\"type\":\"array\",\"items\":{\"type\":\"string\"},\"maxItems\":2},"
    "\"aws\":{\"$ref\":\"#/definitions/Aws\"},"
    "\"opt\":{\"type\":[\"string\",\"null\"]}}},"
    "\"Aws\":{\"type\":\"object\",\"properties\":{\"region\":{\"type\":\"string\"}},"
    "\"patternProperties\":{\"^x-\":{\"type\":\"boolean\"}},"
    "\"additionalProperties\":false}}}";

static void test_go_shaped_schema(void **state)
{
	fits(go_schema, "{\"name\":\"a\"}");
	fits(go_schema, "{\"name\":\"a\",\"size\":100,\"ratio\":0.5,\"mode\":\"slow\","
			"\"tags\":[\"x\",\"y\"],\"aws\":{\"region\":\"eu\",\"x-debug\":true},"
			"\"opt\":null}");
	refused(go_schema, "[]", "expected object, got array");
	refused(go_schema, "{}", "key 'name': required but missing");
	refused(go_schema, "{\"name\":\"a\",\"nope\":1}",
		"key 'nope': not allowed (the schema has no such key)");
	refused(go_schema, "{\"name\":7}", "key 'name': expected string, got integer");
	refused(go_schema, "{\"name\":\"\"}", "key 'name': too short");
	refused(go_schema, "{\"name\":\"a\",\"size\":1.5}",
		"key 'size': expected integer, got number");
	refused(go_schema, "{\"name\":\"a\",\"size\":0}",
		"key 'size': 0 is out of range (must be >= 1)");
	refused(go_schema, "{\"name\":\"a\",\"size\":101}",
		"key 'size': 101 is out of range (must be <= 100)");
	refused(go_schema, "{\"name\":\"a\",\"ratio\":0}",
		"key 'ratio': 0 is out of range (must be > 0)");
	refused(go_schema, "{\"name\":\"a\",\"mode\":\"medium\"}",
		"key 'mode': not one of [\"fast\",\"slow\"]");
	refused(go_schema, "{\"name\":\"a\",\"tags\":[\"x\",3]}",
		"key 'tags[1]': expected string, got integer");
	refused(go_schema, "{\"name\":\"a\",\"tags\":[\"x\",\"y\",\"z\"]}", "key 'tags': too long");
	refused(go_schema, "{\"name\":\"a\",\"aws\":{\"region\":1}}",
		"key 'aws.region': expected string, got integer");
	refused(go_schema, "{\"name\":\"a\",\"aws\":{\"x-debug\":1}}",
		"key 'aws.x-debug': expected boolean, got integer");
	refused(go_schema, "{\"name\":\"a\",\"aws\":{\"zone\":\"b\"}}",
		"key 'aws.zone': not allowed");
	refused(go_schema, "{\"name\":\"a\",\"opt\":1}",
		"key 'opt': expected one of [\"string\",\"null\"], got integer");
}

static void test_later_drafts_and_combinators(void **state)
{
	const char *s = "{\"type\":\"object\",\"properties\":{"
			"\"n\":{\"type\":\"number\",\"exclusiveMaximum\":10},"
			"\"k\":{\"const\":\"v\"},"
			"\"u\":{\"anyOf\":[{\"type\":\"string\"},{\"type\":\"integer\"}]},"
			"\"o\":{\"oneOf\":[{\"type\":\"integer\"},{\"type\":\"number\"}]},"
			"\"a\":{\"allOf\":[{\"type\":\"integer\"},{\"minimum\":5}]},"
			"\"r\":{\"$ref\":\"#/$defs/R\"}},"
			"\"additionalProperties\":{\"type\":\"boolean\"},"
			"\"$defs\":{\"R\":{\"type\":\"boolean\"}}}";
	fits(s, "{\"n\":9.9,\"k\":\"v\",\"u\":3,\"o\":1.5,\"a\":5,\"r\":true,\"extra\":false}");
	refused(s, "{\"n\":10}", "key 'n': 10 is out of range (must be < 10)");
	refused(s, "{\"k\":\"w\"}", "key 'k': must be the schema's constant value");
	refused(s, "{\"u\":true}", "key 'u': fits none of the schema's anyOf alternatives");
	refused(s, "{\"o\":2}", "key 'o': fits more than one of the schema's oneOf alternatives");
	refused(s, "{\"a\":4}", "key 'a': 4 is out of range (must be >= 5)");
	refused(s, "{\"r\":1}", "key 'r': expected boolean, got integer");
	refused(s, "{\"extra\":\"x\"}", "key 'extra': expected boolean, got string");
}

static void test_what_constrains_nothing(void **state)
{
	/* unknown keywords, a true schema, additionalProperties absent */
	fits("{\"type\":\"object\",\"x-unknown\":{\"whatever\":1}}", "{\"anything\":[1,{}]}");
	fits("true", "{\"a\":1}");
	fits("{}", "[1,2]");
	refused("false", "{}", "not allowed by the schema");
}

static void test_bad_inputs(void **state)
{
	refused("{not json", "{}", "the plugin's init schema is not JSON");
	refused("{}", "{not json", "the init config is not JSON");
	refused("{\"$ref\":\"#/definitions/Missing\"}", "{}",
		"the plugin's schema has an unresolvable $ref '#/definitions/Missing'");
	refused("{\"$ref\":\"http://example.com/s.json\"}", "{}", "unresolvable $ref");
	/* a schema that refers to itself ends at the depth cap, not in a loop */
	refused("{\"$ref\":\"#\"}", "{}", "nested deeper than 64 levels");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_go_shaped_schema),
	    cmocka_unit_test(test_later_drafts_and_combinators),
	    cmocka_unit_test(test_what_constrains_nothing),
	    cmocka_unit_test(test_bad_inputs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
