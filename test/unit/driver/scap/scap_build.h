/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Test helper: builds .scap bytes by hand, independently of the writer, so
 * reader tests check the layout of specs/scap-format.md rather than our own
 * encoder. Header-only; included by test_reader.c and test_writer.c.
 */
#ifndef SAKER_TEST_SCAP_BUILD_H
#define SAKER_TEST_SCAP_BUILD_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define TB_CAP (4u << 20)

struct tb {
	uint8_t *p;
	size_t len;
	size_t block_start; /* offset of the open block */
	size_t entry_start; /* offset of the open entry */
};

static inline void tb_init(struct tb *b)
{
	b->p = calloc(1, TB_CAP);
	b->len = 0;
}

static inline void tb_free(struct tb *b)
{
	free(b->p);
	b->p = NULL;
}

static inline void tb_bytes(struct tb *b, const void *v, size_t n)
{
	if (b->len + n > TB_CAP)
		abort();
	memcpy(b->p + b->len, v, n);
	b->len += n;
}

static inline void tb_u8(struct tb *b, uint8_t v)
{
	tb_bytes(b, &v, 1);
}

static inline void tb_u16(struct tb *b, uint16_t v)
{
	tb_bytes(b, &v, 2);
}

static inline void tb_u32(struct tb *b, uint32_t v)
{
	tb_bytes(b, &v, 4);
}

static inline void tb_u64(struct tb *b, uint64_t v)
{
	tb_bytes(b, &v, 8);
}

static inline void tb_zero(struct tb *b, size_t n)
{
	while (n--)
		tb_u8(b, 0);
}

/* str16: u16 length, bytes, no NUL. */
static inline void tb_str16(struct tb *b, const char *s)
{
	tb_u16(b, (uint16_t)strlen(s));
	tb_bytes(b, s, strlen(s));
}

/* A str16 holding n bytes of s (may contain NULs). */
static inline void tb_str16n(struct tb *b, const char *s, size_t n)
{
	tb_u16(b, (uint16_t)n);
	tb_bytes(b, s, n);
}

static inline void tb_block_begin(struct tb *b, uint32_t type)
{
	b->block_start = b->len;
	tb_u32(b, type);
	tb_u32(b, 0);
}

/* Pad to 4, append the trailer and patch the length. */
static inline uint32_t tb_block_end(struct tb *b)
{
	while ((b->len - b->block_start) % 4)
		tb_u8(b, 0);
	uint32_t total = (uint32_t)(b->len - b->block_start + 4);

	memcpy(b->p + b->block_start + 4, &total, 4);
	tb_u32(b, total);
	return total;
}

/* Entries whose u32 length counts itself (UL_V2, PL_V9, FDL_V2). */
static inline void tb_entry_begin(struct tb *b)
{
	b->entry_start = b->len;
	tb_u32(b, 0);
}

static inline void tb_entry_end(struct tb *b)
{
	uint32_t n = (uint32_t)(b->len - b->entry_start);

	memcpy(b->p + b->entry_start, &n, 4);
}

static inline void tb_shb(struct tb *b, uint16_t major, uint16_t minor)
{
	tb_block_begin(b, 0x0A0D0D0A);
	tb_u32(b, 0x1A2B3C4D);
	tb_u16(b, major);
	tb_u16(b, minor);
	tb_u64(b, UINT64_MAX);
	tb_block_end(b);
}

/* A 26-byte-header event with u16 parameter lengths. */
static inline void tb_event(struct tb *b, uint64_t ts, uint64_t tid, uint16_t type, unsigned n,
			    const uint16_t *lens, const void *data)
{
	uint32_t sum = 0;

	for (unsigned i = 0; i < n; i++)
		sum += lens[i];
	tb_u64(b, ts);
	tb_u64(b, tid);
	tb_u32(b, 26 + 2 * n + sum);
	tb_u16(b, type);
	tb_u32(b, n);
	tb_bytes(b, lens, 2 * n);
	tb_bytes(b, data, sum);
}

/* An EV_V2 block holding one event. */
static inline void tb_ev_v2(struct tb *b, uint16_t cpu, uint64_t ts, uint64_t tid, uint16_t type,
			    unsigned n, const uint16_t *lens, const void *data)
{
	tb_block_begin(b, 0x216);
	tb_u16(b, cpu);
	tb_event(b, ts, tid, type, n, lens, data);
	tb_block_end(b);
}

/* A close-exit event (type 5, res = 0, one u16 length) in an EV_V2 block. */
static inline void tb_close_x(struct tb *b, uint64_t ts, uint64_t tid)
{
	uint16_t lens[1] = {8};
	uint64_t res = 0;

	tb_ev_v2(b, 0, ts, tid, 5, 1, lens, &res);
}

/* gzip-compress src into a malloc'ed buffer. */
static inline uint8_t *tb_gzip(const uint8_t *src, size_t len, size_t *outlen)
{
	z_stream zs;
	size_t cap = len + len / 10 + 1024;
	uint8_t *out = malloc(cap);

	memset(&zs, 0, sizeof(zs));
	if (!out || deflateInit2(&zs, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		abort();
	zs.next_in = (Bytef *)src;
	zs.avail_in = (uInt)len;
	zs.next_out = out;
	zs.avail_out = (uInt)cap;
	if (deflate(&zs, Z_FINISH) != Z_STREAM_END)
		abort();
	*outlen = zs.total_out;
	deflateEnd(&zs);
	return out;
}

#endif
