/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../../../agent/state/u64map.h"

static void test_put_get_del(void **unused)
{
	struct sk_u64map m;
	sk_u64map_init(&m);
	int vals[2000];
	for (int i = 0; i < 2000; i++)
		assert_int_equal(sk_u64map_put(&m, (uint64_t)i * 7919u, &vals[i]), 0);
	assert_int_equal(m.len, 2000);
	for (int i = 0; i < 2000; i++)
		assert_ptr_equal(sk_u64map_get(&m, (uint64_t)i * 7919u), &vals[i]);
	assert_null(sk_u64map_get(&m, 1));
	for (int i = 0; i < 2000; i += 2)
		assert_ptr_equal(sk_u64map_del(&m, (uint64_t)i * 7919u), &vals[i]);
	assert_int_equal(m.len, 1000);
	for (int i = 0; i < 2000; i++)
		assert_ptr_equal(sk_u64map_get(&m, (uint64_t)i * 7919u), i % 2 ? &vals[i] : NULL);
	assert_null(sk_u64map_del(&m, 0));
	sk_u64map_fini(&m);
}

static void test_replace_and_reuse_tombstones(void **unused)
{
	struct sk_u64map m;
	sk_u64map_init(&m);
	int a, b;
	assert_int_equal(sk_u64map_put(&m, 42, &a), 0);
	assert_int_equal(sk_u64map_put(&m, 42, &b), 0);
	assert_int_equal(m.len, 1);
	assert_ptr_equal(sk_u64map_get(&m, 42), &b);
	/* Churn: insert and delete many keys; the table must not fill with tombstones. */
	for (uint64_t k = 1000; k < 200000; k++) {
		assert_int_equal(sk_u64map_put(&m, k, &a), 0);
		assert_ptr_equal(sk_u64map_del(&m, k), &a);
	}
	assert_int_equal(m.len, 1);
	assert_true(m.cap <= 64);
	assert_ptr_equal(sk_u64map_get(&m, 42), &b);
	sk_u64map_fini(&m);
}

static void count_cb(uint64_t key, void *val, void *ctx)
{
	*(uint64_t *)ctx += key;
}

static void test_foreach(void **unused)
{
	struct sk_u64map m;
	sk_u64map_init(&m);
	int v;
	for (uint64_t k = 1; k <= 100; k++)
		sk_u64map_put(&m, k, &v);
	sk_u64map_del(&m, 100);
	uint64_t sum = 0;
	sk_u64map_foreach(&m, count_cb, &sum);
	assert_int_equal(sum, 99 * 100 / 2);
	sk_u64map_fini(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_put_get_del),
	    cmocka_unit_test(test_replace_and_reuse_tombstones),
	    cmocka_unit_test(test_foreach),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
