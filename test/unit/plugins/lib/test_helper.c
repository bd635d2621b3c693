/* SPDX-License-Identifier: Apache-2.0 */
/* The plugin helper layer: RFC 3339 times, event batches, the results arena, fields JSON. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "saker/plugin_helper.h"

static void test_rfc3339(void **state)
{
	uint64_t ns;
	assert_int_equal(skp_parse_rfc3339("1970-01-01T00:00:00Z", &ns), 0);
	assert_true(ns == 0);
	assert_int_equal(skp_parse_rfc3339("2018-10-25T14:09:12.581541Z", &ns), 0);
	assert_true(ns == 1540476552581541000ull);
	assert_int_equal(skp_parse_rfc3339("2018-10-25T16:09:12.5+02:00", &ns), 0);
	assert_true(ns == 1540476552500000000ull);
	assert_int_equal(skp_parse_rfc3339("2024-02-29T23:59:59.123456789123Z", &ns), 0);
	assert_true(ns == 1709251199123456789ull);
	assert_int_equal(skp_parse_rfc3339("2018-10-25 14:09:12", &ns), -EINVAL); /* no zone */
	assert_int_equal(skp_parse_rfc3339("2018-13-25T14:09:12Z", &ns), -EINVAL);
	assert_int_equal(skp_parse_rfc3339("2018-10-25T14:09:12.Z", &ns), -EINVAL);
	assert_int_equal(skp_parse_rfc3339("2018-10-25T14:09:12Zjunk", &ns), -EINVAL);
	assert_int_equal(skp_parse_rfc3339("", &ns), -EINVAL);
}

static void test_batch(void **state)
{
	struct skp_batch b = {0};
	assert_int_equal(skp_batch_add(&b, "{\"a\":1}", 7, 42), 0);
	char big[100000];
	memset(big, 'x', sizeof(big));
	assert_int_equal(skp_batch_add(&b, big, sizeof(big), UINT64_MAX), 0); /* grows */
	ss_plugin_event **e = skp_batch_events(&b);
	assert_int_equal(b.n, 2);
	uint32_t len;
	const uint8_t *p = skp_event_payload(e[0], &len);
	assert_int_equal(len, 7);
	assert_memory_equal(p, "{\"a\":1}", 7);
	uint64_t ts, tid;
	memcpy(&ts, e[0], 8);
	memcpy(&tid, (const uint8_t *)e[0] + 8, 8);
	assert_true(ts == 42 && tid == UINT64_MAX);
	uint32_t total, id;
	memcpy(&total, (const uint8_t *)e[1] + 16, 4);
	memcpy(&id, (const uint8_t *)e[1] + 34, 4);
	assert_int_equal(total, 38 + sizeof(big));
	assert_int_equal(id, 0); /* the host fills it */
	for (unsigned i = 2; i < SKP_BATCH_MAX; i++)
		assert_int_equal(skp_batch_add(&b, "x", 1, 1), 0);
	assert_true(skp_batch_full(&b));
	assert_int_equal(skp_batch_add(&b, "x", 1, 1), -ENOSPC);
	skp_batch_reset(&b);
	assert_int_equal(b.n, 0);
	/* a malformed event has no payload */
	uint8_t bad[40] = {0};
	assert_null(skp_event_payload((ss_plugin_event *)bad, &len));
	skp_batch_free(&b);
}

static void test_results(void **state)
{
	struct skp_arena a = {0};
	ss_plugin_extract_field f = {0};
	const char *v[] = {"one", "two"};
	assert_int_equal(skp_res_strs(&a, &f, v, NULL, 2), 0);
	assert_int_equal(f.res_len, 2);
	assert_string_equal(f.res.str[1], "two");
	assert_int_equal(skp_res_str(&a, &f, "abcdef", 3), 0);
	assert_string_equal(f.res.str[0], "abc");
	char *huge = malloc(200000);
	memset(huge, 'y', 199999);
	huge[199999] = '\0';
	assert_int_equal(skp_res_str(&a, &f, huge, 199999), 0); /* past one chunk */
	assert_int_equal(strlen(f.res.str[0]), 199999);
	free(huge);
	assert_int_equal(skp_res_u64(&a, &f, 77), 0);
	assert_true(f.res.u64[0] == 77);
	skp_arena_reset(&a);
	skp_arena_reset(&a);
	free(a.head);
}

static void test_fields_json(void **state)
{
	static const struct skp_field f[] = {
		{"x.a", "string", SKP_LIST | SKP_ARG_INDEX, "A", "first"},
		{"x.b", "uint64", SKP_ARG_KEY | SKP_ARG_REQ | SKP_HIDDEN, NULL, "second"},
	};
	char *t = skp_fields_json(f, 2);
	cJSON *j = cJSON_Parse(t);
	assert_true(cJSON_IsArray(j));
	assert_int_equal(cJSON_GetArraySize(j), 2);
	cJSON *b = cJSON_GetArrayItem(j, 1);
	assert_string_equal(cJSON_GetObjectItem(b, "name")->valuestring, "x.b");
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(cJSON_GetObjectItem(b, "arg"), "isKey")));
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(cJSON_GetObjectItem(b, "arg"), "isRequired")));
	assert_string_equal(cJSON_GetArrayItem(cJSON_GetObjectItem(b, "properties"), 0)->valuestring,
			    "hidden");
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(cJSON_GetArrayItem(j, 0), "isList")));
	cJSON_Delete(j);
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc3339), cmocka_unit_test(test_batch),
		cmocka_unit_test(test_results), cmocka_unit_test(test_fields_json),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
