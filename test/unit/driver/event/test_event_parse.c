/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sk_evt_parse and the typed accessors: well-formed events, every malformed
 * shape, large-payload events, and every event of a corpus capture.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include <cmocka.h>

#include "saker/event.h"

#define BUILD_MAX (1u << 18)

/* An event under construction: header, lengths, then data. */
struct build {
	uint8_t buf[BUILD_MAX];
	size_t len;
	uint16_t type;
	uint32_t np;
	uint32_t lens[64];
	uint8_t data[BUILD_MAX];
	size_t dlen;
};

static void b_init(struct build *b, uint16_t type)
{
	memset(b, 0, sizeof(*b));
	b->type = type;
}

static void b_param(struct build *b, const void *v, uint32_t len)
{
	memcpy(b->data + b->dlen, v, len);
	b->dlen += len;
	b->lens[b->np++] = len;
}

static void b_u64(struct build *b, uint64_t v)
{
	b_param(b, &v, 8);
}

static void b_u32(struct build *b, uint32_t v)
{
	b_param(b, &v, 4);
}

static void b_str(struct build *b, const char *s)
{
	b_param(b, s, (uint32_t)strlen(s) + 1);
}

/* Lay the event out; lensize 2 or 4. */
static size_t b_finish(struct build *b, unsigned lensize)
{
	struct sk_evt_hdr h = {.ts = 1, .tid = 42, .type = b->type, .nparams = b->np};
	size_t off = sizeof(h);
	uint32_t i;

	for (i = 0; i < b->np; i++) {
		if (lensize == 2) {
			uint16_t l = (uint16_t)b->lens[i];
			memcpy(b->buf + off, &l, 2);
		} else {
			memcpy(b->buf + off, &b->lens[i], 4);
		}
		off += lensize;
	}
	memcpy(b->buf + off, b->data, b->dlen);
	off += b->dlen;
	h.len = (uint32_t)off;
	memcpy(b->buf, &h, sizeof(h));
	b->len = off;
	return off;
}

static void set_hdr_len(struct build *b, uint32_t len)
{
	memcpy(b->buf + offsetof(struct sk_evt_hdr, len), &len, 4);
}

static struct build B;

static void build_open_x(struct build *b)
{
	b_init(b, SK_EVT_OPEN_X);
	b_u64(b, 3);
	b_str(b, "/etc/passwd");
	b_u32(b, 0x1001);
	b_u32(b, 0);
	b_u32(b, 0x2d);
	b_u64(b, 1234);
	b_finish(b, 2);
}

static void test_parse_good_event(void **state)
{
	struct sk_evt e;
	char err[128] = "";
	uint64_t u;
	int64_t s;
	uint32_t u32;

	(void)state;
	build_open_x(&B);
	assert_int_equal(sk_evt_parse(&e, B.buf, B.len, err, sizeof(err)), 0);
	assert_ptr_equal(e.info, &sk_event_table[SK_EVT_OPEN_X]);
	assert_int_equal(e.nparams, 6);
	assert_int_equal(e.hdr->tid, 42);
	assert_int_equal(e.param_len[1], 12);
	assert_true(sk_evt_get_s64(&e, 0, &s));
	assert_int_equal(s, 3);
	assert_string_equal(sk_evt_get_str(&e, 1), "/etc/passwd");
	assert_true(sk_evt_get_u32(&e, 2, &u32));
	assert_int_equal(u32, 0x1001);
	assert_true(sk_evt_get_u64(&e, 5, &u));
	assert_int_equal(u, 1234);
	assert_int_equal(sk_evt_param_index(&e, "flags"), 2);
	assert_int_equal(sk_evt_param_index(&e, "nope"), -1);
	/* wrong sizes and wrong types are refused, not misread */
	assert_false(sk_evt_get_u32(&e, 0, &u32));
	assert_false(sk_evt_get_u64(&e, 2, &u));
	assert_null(sk_evt_get_str(&e, 0));
	assert_false(sk_evt_get_u64(&e, 6, &u));
	assert_null(sk_evt_get_str(&e, 40));
}

static void test_parse_fewer_params_than_table(void **state)
{
	struct sk_evt e;
	uint64_t u;

	(void)state;
	b_init(&B, SK_EVT_OPEN_X);
	b_u64(&B, (uint64_t)-2);
	b_str(&B, "/nope");
	b_finish(&B, 2);
	assert_int_equal(sk_evt_parse(&e, B.buf, B.len, NULL, 0), 0);
	assert_int_equal(e.nparams, 2);
	assert_false(sk_evt_get_u64(&e, 5, &u));
	assert_int_equal(sk_evt_param_index(&e, "ino"), -1);
}

static void test_parse_more_params_than_table(void **state)
{
	struct sk_evt e;

	(void)state;
	b_init(&B, SK_EVT_CLOSE_X);
	b_u64(&B, 0);
	b_u64(&B, 3);
	b_u32(&B, 7); /* a parameter a newer producer appended */
	b_finish(&B, 2);
	assert_int_equal(sk_evt_parse(&e, B.buf, B.len, NULL, 0), 0);
	assert_int_equal(e.nparams, 2);
}

static void test_parse_no_params(void **state)
{
	struct sk_evt e;

	(void)state;
	b_init(&B, SK_EVT_EXECVE_E_12);
	b_finish(&B, 2);
	assert_int_equal(B.len, SK_EVT_HDR_LEN);
	assert_int_equal(sk_evt_parse(&e, B.buf, B.len, NULL, 0), 0);
	assert_int_equal(e.nparams, 0);
}

static void test_parse_short_header(void **state)
{
	struct sk_evt e;
	char err[128] = "";

	(void)state;
	build_open_x(&B);
	assert_int_equal(sk_evt_parse(&e, B.buf, 25, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "header"));
	assert_int_equal(sk_evt_parse(&e, B.buf, 0, err, sizeof(err)), -EINVAL);
	assert_int_equal(sk_evt_parse(&e, NULL, 100, err, sizeof(err)), -EINVAL);
}

static void test_parse_len_mismatch(void **state)
{
	struct sk_evt e;
	char err[128] = "";

	(void)state;
	build_open_x(&B);
	/* buffer shorter than the header says */
	assert_int_equal(sk_evt_parse(&e, B.buf, B.len - 1, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "header says"));
	/* header shorter than the buffer */
	set_hdr_len(&B, (uint32_t)B.len - 1);
	assert_int_equal(sk_evt_parse(&e, B.buf, B.len, err, sizeof(err)), -EINVAL);
}

static void test_parse_length_array_past_end(void **state)
{
	struct sk_evt e;
	char err[128] = "";
	uint32_t np = 1000000;

	(void)state;
	build_open_x(&B);
	memcpy(B.buf + offsetof(struct sk_evt_hdr, nparams), &np, 4);
	assert_int_equal(sk_evt_parse(&e, B.buf, B.len, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "lengths"));
	np = UINT32_MAX;
	memcpy(B.buf + offsetof(struct sk_evt_hdr, nparams), &np, 4);
	assert_int_equal(sk_evt_parse(&e, B.buf, B.len, err, sizeof(err)), -EINVAL);
}

static void test_parse_param_past_end(void **state)
{
	struct sk_evt e;
	char err[256] = "";
	uint16_t big = 60000;

	(void)state;
	build_open_x(&B);
	/* name's length (param 1) now claims far more than the event holds */
	memcpy(B.buf + SK_EVT_HDR_LEN + 2, &big, 2);
	assert_int_equal(sk_evt_parse(&e, B.buf, B.len, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "parameter 1"));
	assert_non_null(strstr(err, "runs past"));
}

static void test_parse_params_short_of_len(void **state)
{
	struct sk_evt e;
	char err[256] = "";
	uint16_t small = 4;

	(void)state;
	build_open_x(&B);
	/* lengths now sum to less than len: trailing garbage */
	memcpy(B.buf + SK_EVT_HDR_LEN + 2, &small, 2);
	assert_int_equal(sk_evt_parse(&e, B.buf, B.len, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "parameters end"));
}

static void test_parse_unknown_type(void **state)
{
	struct sk_evt e;
	char err[128] = "";

	(void)state;
	b_init(&B, 454);
	b_u64(&B, 0);
	b_finish(&B, 2);
	assert_int_equal(sk_evt_parse(&e, B.buf, B.len, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "454"));
}

static void test_parse_large_payload(void **state)
{
	static uint8_t blob[100000];
	struct sk_evt e;
	char err[128] = "";
	uint32_t id;

	(void)state;
	memset(blob, 'x', sizeof(blob));
	b_init(&B, SK_EVT_PLUGINEVENT_E);
	b_u32(&B, 999);
	b_param(&B, blob, sizeof(blob));
	b_finish(&B, 4);
	assert_int_equal(sk_evt_parse(&e, B.buf, B.len, err, sizeof(err)), 0);
	assert_int_equal(e.nparams, 2);
	assert_int_equal(e.param_len[1], sizeof(blob));
	assert_true(sk_evt_get_u32(&e, 0, &id));
	assert_int_equal(id, 999);
	assert_memory_equal(e.param[1], blob, sizeof(blob));

	/* the same event with u16 lengths does not parse as a large one */
	b_init(&B, SK_EVT_PLUGINEVENT_E);
	b_u32(&B, 999);
	b_param(&B, "abc", 3);
	b_finish(&B, 2);
	assert_int_equal(sk_evt_parse(&e, B.buf, B.len, err, sizeof(err)), -EINVAL);

	/* a large event whose u32 length overruns */
	b_init(&B, SK_EVT_PLUGINEVENT_E);
	b_u32(&B, 1);
	b_param(&B, "abc", 3);
	b_finish(&B, 4);
	{
		uint32_t huge = 0xfffffff0u;
		memcpy(B.buf + SK_EVT_HDR_LEN + 4, &huge, 4);
	}
	assert_int_equal(sk_evt_parse(&e, B.buf, B.len, err, sizeof(err)), -EINVAL);
}

static void test_get_str_requires_terminator(void **state)
{
	struct sk_evt e;

	(void)state;
	b_init(&B, SK_EVT_OPEN_X);
	b_u64(&B, 3);
	b_param(&B, "/etc", 4); /* no NUL */
	b_finish(&B, 2);
	assert_int_equal(sk_evt_parse(&e, B.buf, B.len, NULL, 0), 0);
	assert_null(sk_evt_get_str(&e, 1));
	b_init(&B, SK_EVT_OPEN_X);
	b_u64(&B, 3);
	b_param(&B, "", 0);
	b_finish(&B, 2);
	assert_int_equal(sk_evt_parse(&e, B.buf, B.len, NULL, 0), 0);
	assert_null(sk_evt_get_str(&e, 1));
}

/* Every truncation of a valid event is rejected, never read past (run under SAN=1). */
static void test_parse_every_truncation(void **state)
{
	struct sk_evt e;
	size_t n;
	uint8_t *copy;

	(void)state;
	build_open_x(&B);
	for (n = 0; n < B.len; n++) {
		copy = malloc(n ? n : 1);
		memcpy(copy, B.buf, n);
		if (n >= SK_EVT_HDR_LEN) {
			/* make the header agree, so the length walk is what must catch it */
			uint32_t l = (uint32_t)n;
			memcpy(copy + offsetof(struct sk_evt_hdr, len), &l, 4);
		}
		assert_int_not_equal(sk_evt_parse(&e, copy, n, NULL, 0), 0);
		free(copy);
	}
}

/* ---- corpus ---- */

static gzFile open_capture(const char *name)
{
	const char *corpus = getenv("SAKER_CORPUS");
	char path[1024];

	snprintf(path, sizeof(path), "%s/captures/%s", corpus ? corpus : "../shared/corpus", name);
	return gzopen(path, "rb");
}

static void test_parse_corpus_events(void **state)
{
	static uint8_t blk[1 << 17];
	gzFile f = open_capture("run_as_user_0_container.scap");
	unsigned events = 0;

	(void)state;
	if (!f)
		skip();
	for (;;) {
		uint32_t h[2];
		struct sk_evt e;
		struct sk_evt_hdr eh;
		char err[256];

		if (gzread(f, h, 8) != 8)
			break;
		assert_true(h[1] >= 12 && h[1] <= sizeof(blk));
		assert_int_equal(gzread(f, blk, h[1] - 8), (int)(h[1] - 8));
		if (h[0] != 0x216)
			continue;
		memcpy(&eh, blk + 2, sizeof(eh));
		assert_true(eh.len + 2 <= h[1] - 8);
		assert_int_equal(sk_evt_parse(&e, blk + 2, eh.len, err, sizeof(err)), 0);
		assert_true(e.nparams <= e.info->nparams);
		events++;
	}
	gzclose(f);
	assert_int_equal(events, 4143);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_good_event),
		cmocka_unit_test(test_parse_fewer_params_than_table),
		cmocka_unit_test(test_parse_more_params_than_table),
		cmocka_unit_test(test_parse_no_params),
		cmocka_unit_test(test_parse_short_header),
		cmocka_unit_test(test_parse_len_mismatch),
		cmocka_unit_test(test_parse_length_array_past_end),
		cmocka_unit_test(test_parse_param_past_end),
		cmocka_unit_test(test_parse_params_short_of_len),
		cmocka_unit_test(test_parse_unknown_type),
		cmocka_unit_test(test_parse_large_payload),
		cmocka_unit_test(test_get_str_requires_terminator),
		cmocka_unit_test(test_parse_every_truncation),
		cmocka_unit_test(test_parse_corpus_events),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
