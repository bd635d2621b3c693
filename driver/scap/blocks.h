/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Private to driver/scap: block type codes and sizes of the .scap container
 * (specs/scap-format.md sections 2-10), and bounded little-endian cursors
 * used by the reader and the writer.
 */
#ifndef SAKER_SCAP_BLOCKS_H
#define SAKER_SCAP_BLOCKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
	       "the .scap codec assumes a little-endian host");

enum sk_scap_block_type {
	SK_BT_SHB = 0x0A0D0D0A,
	SK_BT_MI = 0x201,
	SK_BT_PL_V1 = 0x202,
	SK_BT_FDL = 0x203,
	SK_BT_EV = 0x204,
	SK_BT_IL = 0x205,
	SK_BT_UL = 0x206,
	SK_BT_PL_V2 = 0x207,
	SK_BT_EVF = 0x208,
	SK_BT_PL_V3 = 0x209,
	SK_BT_PL_V4 = 0x210,
	SK_BT_PL_V5 = 0x211,
	SK_BT_PL_V6 = 0x212,
	SK_BT_PL_V7 = 0x213,
	SK_BT_PL_V8 = 0x214,
	SK_BT_PL_V9 = 0x215,
	SK_BT_EV_V2 = 0x216,
	SK_BT_EVF_V2 = 0x217,
	SK_BT_FDL_V2 = 0x218,
	SK_BT_IL_V2 = 0x219,
	SK_BT_UL_V2 = 0x220,
	SK_BT_EV_V2_LARGE = 0x221,
	SK_BT_EVF_V2_LARGE = 0x222,
	/* Legacy aliases of files written before 2014. */
	SK_BT_PL_V1_OLD = 0x8000ABCD,
	SK_BT_FDL_OLD = 0x8001ABCD,
	SK_BT_MI_OLD = 0x8002ABCD,
	SK_BT_EV_OLD = 0x8010ABCD,
	SK_BT_IL_OLD = 0x8011ABCD,
	SK_BT_UL_OLD = 0x8012ABCD,
	SK_BT_PL_V2_OLD = 0x8013ABCD,
	SK_BT_PL_V3_OLD = 0x8014ABCD,
};

#define SK_SCAP_BYTE_ORDER_MAGIC 0x1A2B3C4Du
#define SK_SCAP_SHB_BODY_LEN 16u
#define SK_SCAP_MI_BODY_LEN 180u
/* Block header (type, length) and trailer (length). */
#define SK_SCAP_BLOCK_HDR_LEN 8u
#define SK_SCAP_BLOCK_OVERHEAD 12u
/* Non-LARGE event blocks: block_total_length - 8 must not exceed this. */
#define SK_SCAP_EV_BLOCK_MAX 65536u
/* The legacy 22-byte event header. */
#define SK_EVT_HDR_V1_LEN 22u
/* PL_V9 tails up to this many bytes use the pre-2023 layout (loginuid first). */
#define SK_SCAP_PL_V9_OLD_TAIL_MAX 29u
/* Legacy event codes whose recorded len is 3 bytes too large. */
#define SK_SCAP_EVT_NOTIFICATION 280u
#define SK_SCAP_EVT_INFRA 286u
/* IL entry kinds. */
enum {
	SK_IFACE_IPV4 = 1,
	SK_IFACE_IPV6 = 2,
	SK_IFACE_IPV4_NOLINKSPEED = 3,
	SK_IFACE_IPV6_NOLINKSPEED = 4,
};

static inline uint32_t sk_pad4(uint32_t n)
{
	return (n + 3u) & ~3u;
}

/* A bounded read cursor: reads past the end set bad and return zeros. */
struct sk_cur {
	const uint8_t *p;
	size_t len;
	size_t pos;
	bool bad;
};

static inline size_t sk_cur_left(const struct sk_cur *c)
{
	return c->pos <= c->len ? c->len - c->pos : 0;
}

static inline bool sk_cur_take(struct sk_cur *c, void *out, size_t n)
{
	if (c->bad || sk_cur_left(c) < n) {
		c->bad = true;
		if (out)
			memset(out, 0, n);
		return false;
	}
	if (out)
		memcpy(out, c->p + c->pos, n);
	c->pos += n;
	return true;
}

static inline uint8_t sk_cur_u8(struct sk_cur *c)
{
	uint8_t v;
	sk_cur_take(c, &v, 1);
	return v;
}

static inline uint16_t sk_cur_u16(struct sk_cur *c)
{
	uint16_t v;
	sk_cur_take(c, &v, 2);
	return v;
}

static inline uint32_t sk_cur_u32(struct sk_cur *c)
{
	uint32_t v;
	sk_cur_take(c, &v, 4);
	return v;
}

static inline uint64_t sk_cur_u64(struct sk_cur *c)
{
	uint64_t v;
	sk_cur_take(c, &v, 8);
	return v;
}

static inline uint16_t sk_get_u16(const void *p)
{
	uint16_t v;
	memcpy(&v, p, 2);
	return v;
}

static inline uint32_t sk_get_u32(const void *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

/* A growable output buffer; a failed allocation sets oom and drops writes. */
struct sk_wbuf {
	uint8_t *p;
	size_t len;
	size_t cap;
	bool oom;
};

static inline bool sk_wbuf_reserve(struct sk_wbuf *b, size_t n)
{
	if (b->oom)
		return false;
	if (b->cap - b->len >= n)
		return true;
	size_t ncap = b->cap ? b->cap : 256;

	while (ncap - b->len < n)
		ncap *= 2;
	uint8_t *np = realloc(b->p, ncap);

	if (!np) {
		b->oom = true;
		return false;
	}
	b->p = np;
	b->cap = ncap;
	return true;
}

static inline void sk_wbuf_put(struct sk_wbuf *b, const void *v, size_t n)
{
	if (n && sk_wbuf_reserve(b, n)) {
		memcpy(b->p + b->len, v, n);
		b->len += n;
	}
}

static inline void sk_wbuf_u8(struct sk_wbuf *b, uint8_t v)
{
	sk_wbuf_put(b, &v, 1);
}

static inline void sk_wbuf_u16(struct sk_wbuf *b, uint16_t v)
{
	sk_wbuf_put(b, &v, 2);
}

static inline void sk_wbuf_u32(struct sk_wbuf *b, uint32_t v)
{
	sk_wbuf_put(b, &v, 4);
}

static inline void sk_wbuf_u64(struct sk_wbuf *b, uint64_t v)
{
	sk_wbuf_put(b, &v, 8);
}

/* A str16: u16 length then the bytes (no NUL). len must be <= 65535. */
static inline void sk_wbuf_str16(struct sk_wbuf *b, const char *s, uint32_t len)
{
	sk_wbuf_u16(b, (uint16_t)len);
	sk_wbuf_put(b, s, len);
}

static inline void sk_wbuf_set_u32(struct sk_wbuf *b, size_t at, uint32_t v)
{
	if (!b->oom && at + 4 <= b->len)
		memcpy(b->p + at, &v, 4);
}

static inline void sk_wbuf_free(struct sk_wbuf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

#endif
