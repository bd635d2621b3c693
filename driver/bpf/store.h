/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Building one event in the per-CPU scratch area: begin (header + length
 * array reserved), one sk_put_* per parameter in table order, submit (copy
 * to this CPU's ring buffer without waking the consumer).
 *
 * Every write lands at (pos & SK_PROBE_OFF_MASK) with a size bounded by a
 * named cap, so the verifier sees it inside the 2 x 64 KiB area; the room
 * left in the 64 KiB event clamps variable-size parameters (counted as
 * truncated when it bites).
 */
#ifndef SAKER_BPF_STORE_H
#define SAKER_BPF_STORE_H

#include "maps.h"

#define SK_INLINE static __always_inline

/* v & mask, computed where used so the verifier sees the bound (the compiler may not drop it). */
#define SK_BOUND(v, mask)                                                                  \
	({                                                                                 \
		__u64 __b = (__u64)(v);                                                    \
		asm volatile("%0 &= %1" : "+r"(__b) : "i"(mask));                          \
		__b;                                                                       \
	})

/*
 * One store of 2, 4 or 8 bytes at any address. The x86-64 verifier and JIT
 * take unaligned stores; clang would split a store it cannot prove aligned
 * into single bytes (eight stores and shifts for a u64).
 */
#define SK_DEFINE_ST(bits)                                                                 \
	SK_INLINE void sk_st##bits(void *p, __u##bits v)                                   \
	{                                                                                  \
		asm volatile("*(u" #bits " *)(%[p] + 0) = %[v]"                            \
			     :                                                             \
			     : [p] "r"(p), [v] "r"(v)                                      \
			     : "memory");                                                  \
	}
SK_DEFINE_ST(16)
SK_DEFINE_ST(32)
SK_DEFINE_ST(64)
SK_INLINE void sk_st8(void *p, __u8 v)
{
	*(__u8 *)p = v;
}

SK_INLINE struct sk_probe_counters *sk_counters_get(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&sk_counters, &zero);
}

SK_INLINE void sk_count_error(void)
{
	struct sk_probe_counters *c = sk_counters_get();

	if (c)
		c->errors++;
}

SK_INLINE void sk_count_truncated(void)
{
	struct sk_probe_counters *c = sk_counters_get();

	if (c)
		c->truncated++;
}

SK_INLINE struct sk_aux *sk_aux_get(void)
{
	__u32 cpu = bpf_get_smp_processor_id();

	return bpf_map_lookup_elem(&sk_aux, &cpu);
}

SK_INLINE void sk_begin(struct sk_aux *a, __u16 type, __u32 nparams, __u32 lsize)
{
	a->type = type;
	a->idx = 0;
	a->lsize = lsize;
	a->pos = SK_EVT_HDR_LEN + lsize * nparams;
}

/* Start event <ID> (an SK_EVT_* name) with its parameter count from events.def. */
#define SK_BEGIN(a, ID)                                                                    \
	sk_begin((a), SK_EVT_##ID, SK_NPARAMS_##ID,                                        \
		 (SK_EFLAGS_##ID & SK_EF_LARGE_PAYLOAD) ? 4 : 2)

/* Record the length of the parameter just written and move past it. */
SK_INLINE void sk_param_done(struct sk_aux *a, __u32 len)
{
	__u32 i = SK_BOUND(a->idx, SK_EVT_MAX_PARAMS - 1);

	if (a->lsize == 4)
		sk_st32(&a->data[SK_EVT_HDR_LEN + i * 4], len);
	else
		sk_st16(&a->data[SK_EVT_HDR_LEN + i * 2], (__u16)len);
	a->idx++;
	a->pos += len;
}

/* Bytes still free in the event, clamped to cap. */
SK_INLINE __u32 sk_room(struct sk_aux *a, __u32 cap)
{
	__u32 pos = a->pos;
	__u32 room;

	if (pos >= SK_EVT_MAX_LEN)
		return 0;
	room = SK_EVT_MAX_LEN - pos;
	/* pos >= the header, so room < 64 KiB: the mask only shows the verifier the bound */
	return SK_BOUND(room < cap ? room : cap, SK_PROBE_OFF_MASK);
}

SK_INLINE __u8 *sk_at(struct sk_aux *a)
{
	return &a->data[SK_BOUND(a->pos, SK_PROBE_OFF_MASK)];
}

SK_INLINE void sk_put_empty(struct sk_aux *a)
{
	sk_param_done(a, 0);
}

#define SK_DEFINE_PUT(bits)                                                                \
	SK_INLINE void sk_put_u##bits(struct sk_aux *a, __u##bits v)                       \
	{                                                                                  \
		if (sk_room(a, sizeof(v)) < sizeof(v)) {                                   \
			sk_put_empty(a);                                                   \
			return;                                                            \
		}                                                                          \
		sk_st##bits(sk_at(a), v);                                                  \
		sk_param_done(a, sizeof(v));                                               \
	}
SK_DEFINE_PUT(8)
SK_DEFINE_PUT(16)
SK_DEFINE_PUT(32)
SK_DEFINE_PUT(64)
#define sk_put_s64(a, v) sk_put_u64((a), (__u64)(__s64)(v))
#define sk_put_s32(a, v) sk_put_u32((a), (__u32)(__s32)(v))

/* A NUL-terminated user string (CHARBUF/FSPATH); empty when ptr is NULL or unreadable. */
SK_INLINE void sk_put_user_str(struct sk_aux *a, const void *uptr, __u32 cap)
{
	__u32 room = sk_room(a, cap);
	long n;

	if (!uptr || room == 0) {
		sk_put_empty(a);
		return;
	}
	n = bpf_probe_read_user_str(sk_at(a), room, uptr);
	if (n <= 0) {
		sk_put_empty(a);
		return;
	}
	if ((__u32)n == room && room < cap)
		sk_count_truncated();
	sk_param_done(a, (__u32)n);
}

SK_INLINE void sk_put_kernel_str(struct sk_aux *a, const void *kptr, __u32 cap)
{
	__u32 room = sk_room(a, cap);
	long n;

	if (!kptr || room == 0) {
		sk_put_empty(a);
		return;
	}
	n = bpf_probe_read_kernel_str(sk_at(a), room, kptr);
	if (n <= 0) {
		sk_put_empty(a);
		return;
	}
	sk_param_done(a, (__u32)n);
}

/* len raw user bytes (BYTEBUF), cut at cap; empty when unreadable. */
SK_INLINE void sk_put_user_buf(struct sk_aux *a, const void *uptr, __u64 len, __u32 cap)
{
	__u32 room = sk_room(a, cap);
	__u32 n;

	if (!uptr || len == 0) {
		sk_put_empty(a);
		return;
	}
	n = len < room ? (__u32)len : room;
	if (n < len)
		sk_count_truncated();
	if (n == 0 || bpf_probe_read_user(sk_at(a), SK_BOUND(n, SK_PROBE_OFF_MASK), uptr)) {
		sk_put_empty(a);
		return;
	}
	sk_param_done(a, n);
}

/* Copy the string being assembled in a->tmp[off .. SK_PROBE_PATH_CAP) as a parameter. */
SK_INLINE void sk_put_tmp(struct sk_aux *a, __u32 off)
{
	__u32 len = SK_PROBE_PATH_CAP - (off & (SK_PROBE_PATH_CAP - 1));
	__u32 room = sk_room(a, SK_PROBE_PATH_CAP);

	if (len > room) {
		sk_count_truncated();
		sk_put_empty(a);
		return;
	}
	if (bpf_probe_read_kernel(sk_at(a), SK_BOUND(len, SK_PROBE_PATH_CAP * 2 - 1),
				  &a->tmp[SK_BOUND(off, SK_PROBE_PATH_CAP - 1)])) {
		sk_put_empty(a);
		return;
	}
	sk_param_done(a, len);
}

/* The event header: time (epoch ns), thread, length, type, parameter count. */
SK_INLINE void sk_hdr_fill(void *e, __u32 tid, __u16 type, __u32 len, __u32 nparams)
{
	struct sk_evt_hdr *h = e;

	sk_st64(&h->ts, bpf_ktime_get_ns() + sk_mono_epoch_ns);
	sk_st64(&h->tid, tid);
	sk_st32(&h->len, len);
	sk_st16(&h->type, type);
	sk_st32(&h->nparams, nparams);
}

/*
 * Small fixed-size events skip the scratch area: reserve exactly their
 * size in this CPU's ring buffer, fill in place, commit (one copy less, no
 * scratch lookup). The caller fills everything but the header.
 */
SK_INLINE void *sk_fixed_reserve(__u32 size)
{
	__u32 cpu = bpf_get_smp_processor_id();
	void *rb = bpf_map_lookup_elem(&sk_rings, &cpu);
	void *e;

	if (!rb) {
		sk_count_error();
		return NULL;
	}
	e = bpf_ringbuf_reserve(rb, size, 0);
	if (!e) {
		struct sk_probe_counters *c = sk_counters_get();

		if (c)
			c->drops++;
	}
	return e;
}

/* Fill the header of a reserved fixed-size event and commit it without waking the consumer. */
SK_INLINE int sk_fixed_submit(void *e, __u32 tid, __u16 type, __u32 len, __u32 nparams)
{
	struct sk_probe_counters *c = sk_counters_get();

	sk_hdr_fill(e, tid, type, len, nparams);
	bpf_ringbuf_submit(e, BPF_RB_NO_WAKEUP);
	if (c)
		c->events++;
	return 0;
}

/* Write the header (tid from a->tid) and copy the event to this CPU's ring buffer. */
SK_INLINE int sk_submit(struct sk_aux *a)
{
	struct sk_probe_counters *c = sk_counters_get();
	__u32 cpu = bpf_get_smp_processor_id();
	__u32 len = a->pos;
	void *rb;

	if (!c)
		return 0;
	if (len > SK_EVT_MAX_LEN) {
		c->errors++;
		return 0;
	}
	sk_hdr_fill(a->data, a->tid, a->type, len, a->idx);
	rb = bpf_map_lookup_elem(&sk_rings, &cpu);
	if (!rb) {
		c->errors++;
		return 0;
	}
	if (bpf_ringbuf_output(rb, a->data, len, BPF_RB_NO_WAKEUP))
		c->drops++;
	else
		c->events++;
	return 0;
}

#endif
