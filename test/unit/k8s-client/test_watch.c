/* SPDX-License-Identifier: Apache-2.0 */
/* The watch-stream parser: framing across chunk boundaries, decoding, caps. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "k8s/watch.h"

struct seen {
	int n;
	enum k8s_event_type type[16];
	char rv[16][K8S_RV_MAX];
	char name[16][64];
	int code[16];
	char reason[16][32];
};

static int collect(void *ctx, const struct k8s_watch_event *ev)
{
	struct seen *s = ctx;
	const cJSON *meta = cJSON_GetObjectItem(ev->object, "metadata");
	const cJSON *name = cJSON_GetObjectItem(meta, "name");
	if (s->n >= 16)
		return 0;
	s->type[s->n] = ev->type;
	snprintf(s->rv[s->n], K8S_RV_MAX, "%s", ev->rv);
	snprintf(s->name[s->n], 64, "%s", cJSON_IsString(name) ? name->valuestring : "");
	s->code[s->n] = ev->code;
	snprintf(s->reason[s->n], 32, "%s", ev->reason);
	s->n++;
	return 0;
}

static const char stream[] =
    "{\"type\":\"ADDED\",\"object\":{\"kind\":\"Pod\",\"metadata\":{\"name\":\"a\","
    "\"resourceVersion\":\"11\"}}}\n"
    "{\"type\":\"MODIFIED\",\"object\":{\"kind\":\"Pod\",\"metadata\":{\"name\":\"a\","
    "\"resourceVersion\":\"12\"}}}\r\n"
    "{\"type\":\"BOOKMARK\",\"object\":{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\":"
    "{\"resourceVersion\":\"165\"},\"spec\":{\"containers\":null},\"status\":{}}}\n"
    "{\"type\":\"DELETED\",\"object\":{\"kind\":\"Pod\",\"metadata\":{\"name\":\"a\","
    "\"resourceVersion\":\"170\"}}}\n"
    "{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\",\"status\":\"Failure\",\"message\":"
    "\"too old resource version: 1 (160)\",\"reason\":\"Expired\",\"code\":410}}\n";

static void check_stream(const struct seen *s)
{
	assert_int_equal(s->n, 5);
	assert_int_equal(s->type[0], K8S_EV_ADDED);
	assert_string_equal(s->rv[0], "11");
	assert_string_equal(s->name[0], "a");
	assert_int_equal(s->type[1], K8S_EV_MODIFIED);
	assert_string_equal(s->rv[1], "12");
	assert_int_equal(s->type[2], K8S_EV_BOOKMARK);
	assert_string_equal(s->rv[2], "165");
	assert_string_equal(s->name[2], "");
	assert_int_equal(s->type[3], K8S_EV_DELETED);
	assert_string_equal(s->rv[3], "170");
	assert_int_equal(s->type[4], K8S_EV_ERROR);
	assert_int_equal(s->code[4], 410);
	assert_string_equal(s->reason[4], "Expired");
}

static void test_whole_stream(void **state)
{
	struct k8s_watch_parser p;
	struct seen s = {0};
	(void)state;
	k8s_watch_parser_init(&p, 0, collect, &s);
	assert_int_equal(k8s_watch_parser_feed(&p, stream, strlen(stream)), 0);
	check_stream(&s);
	assert_int_equal(p.malformed, 0);
	assert_int_equal(p.len, 0);
	k8s_watch_parser_fini(&p);
}

/* Every split point, and byte by byte: the same events. */
static void test_any_chunking(void **state)
{
	size_t len = strlen(stream);
	(void)state;
	for (size_t cut = 1; cut < len; cut += 7) {
		struct k8s_watch_parser p;
		struct seen s = {0};
		k8s_watch_parser_init(&p, 0, collect, &s);
		assert_int_equal(k8s_watch_parser_feed(&p, stream, cut), 0);
		assert_int_equal(k8s_watch_parser_feed(&p, stream + cut, len - cut), 0);
		check_stream(&s);
		k8s_watch_parser_fini(&p);
	}
	struct k8s_watch_parser p;
	struct seen s = {0};
	k8s_watch_parser_init(&p, 0, collect, &s);
	for (size_t i = 0; i < len; i++)
		assert_int_equal(k8s_watch_parser_feed(&p, stream + i, 1), 0);
	check_stream(&s);
	k8s_watch_parser_fini(&p);
}

static void test_malformed_lines_are_skipped(void **state)
{
	static const char bad[] =
	    "not json\n"
	    "{\"type\":\"ADDED\"}\n"
	    "{\"type\":\"EXPLODED\",\"object\":{}}\n"
	    "{\"type\":\"ADDED\",\"object\":{\"metadata\":{\"name\":\"norv\"}}}\n"
	    "[1,2]\n"
	    "\n"
	    "{\"type\":\"ADDED\",\"object\":{\"metadata\":{\"name\":\"ok\",\"resourceVersion\":\"5\"}}}\n";
	struct k8s_watch_parser p;
	struct seen s = {0};
	(void)state;
	k8s_watch_parser_init(&p, 0, collect, &s);
	assert_int_equal(k8s_watch_parser_feed(&p, bad, strlen(bad)), 0);
	assert_int_equal(p.malformed, 5);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.name[0], "ok");
	k8s_watch_parser_fini(&p);
}

static void test_oversized_line_is_skipped(void **state)
{
	char big[600];
	static const char ok[] =
	    "{\"type\":\"ADDED\",\"object\":{\"metadata\":{\"name\":\"b\",\"resourceVersion\":\"9\"}}}\n";
	struct k8s_watch_parser p;
	struct seen s = {0};
	(void)state;
	memset(big, 'x', sizeof(big));
	k8s_watch_parser_init(&p, 256, collect, &s);
	/* the long line arrives in three pieces, its newline in the last */
	assert_int_equal(k8s_watch_parser_feed(&p, big, 200), 0);
	assert_int_equal(k8s_watch_parser_feed(&p, big, 300), 0);
	assert_int_equal(k8s_watch_parser_feed(&p, "xx\n", 3), 0);
	assert_int_equal(k8s_watch_parser_feed(&p, ok, strlen(ok)), 0);
	assert_int_equal(p.oversized, 1);
	assert_true(p.cap <= 512); /* never buffered beyond the cap */
	assert_int_equal(s.n, 1);
	assert_string_equal(s.name[0], "b");
	k8s_watch_parser_fini(&p);
}

static int stop_at_first(void *ctx, const struct k8s_watch_event *ev)
{
	(void)ev;
	(*(int *)ctx)++;
	return 7;
}

static void test_callback_stops_feeding(void **state)
{
	struct k8s_watch_parser p;
	int calls = 0;
	(void)state;
	k8s_watch_parser_init(&p, 0, stop_at_first, &calls);
	assert_int_equal(k8s_watch_parser_feed(&p, stream, strlen(stream)), 7);
	assert_int_equal(calls, 1);
	k8s_watch_parser_fini(&p);
}

static void test_reset_drops_partial_line(void **state)
{
	struct k8s_watch_parser p;
	struct seen s = {0};
	(void)state;
	k8s_watch_parser_init(&p, 0, collect, &s);
	assert_int_equal(k8s_watch_parser_feed(&p, stream, 30), 0);
	k8s_watch_parser_reset(&p);
	assert_int_equal(k8s_watch_parser_feed(&p, stream, strlen(stream)), 0);
	check_stream(&s);
	assert_int_equal(p.malformed, 0);
	k8s_watch_parser_fini(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_whole_stream),
	    cmocka_unit_test(test_any_chunking),
	    cmocka_unit_test(test_malformed_lines_are_skipped),
	    cmocka_unit_test(test_oversized_line_is_skipped),
	    cmocka_unit_test(test_callback_stops_feeding),
	    cmocka_unit_test(test_reset_drops_partial_line),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
