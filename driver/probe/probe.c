/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Loader and consumer of the live probe: libbpf skeleton lifecycle
 * (open -> rodata -> load -> attach) and a zero-copy reader of the per-CPU
 * BPF ring buffers that hands out events in timestamp order.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "saker/probe.h"

#include "probe.skel.h"
#include "probe_abi.h"

#define SK_KERNEL_BTF "/sys/kernel/btf/vmlinux"
#define SK_WAIT_START_US 500
#define SK_WAIT_MAX_US (30 * 1000)
/* Ring buffer record header bits (linux/bpf.h). */
#define SK_RB_BUSY (1u << 31)
#define SK_RB_DISCARD (1u << 30)
#define SK_RB_HDR_SZ 8u
/* Consumed bytes handed back to the kernel at once: this part of the ring. */
#define SK_RING_PUBLISH_SHIFT 3

struct sk_ring {
	int fd;
	unsigned long *cons_pos; /* consumer page (read-write) */
	unsigned long *prod_pos; /* producer page, data follows one page later */
	uint8_t *data;
	uint64_t mask;
	size_t prod_len;
	/*
	 * The consumer's own view: its position, the producer position last
	 * read and the position last published to the kernel. The shared
	 * positions are read and written once per batch, not per event, so the
	 * producing CPU does not lose their cache lines on every event.
	 */
	uint64_t cons;
	uint64_t prod;
	uint64_t published;
};

struct sk_probe {
	struct probe_bpf *skel;
	struct bpf_link *links[3];
	unsigned nlinks;
	unsigned ncpus;
	int tmpl_fd;         /* inner-map template of sk_rings */
	size_t page;
	uint32_t ring_bytes;
	struct sk_ring *rings;
	int held;            /* ring whose head event was handed out, or -1 */
	uint64_t held_next;  /* its consumer position after that event */
	uint64_t consumed;
	bool has_filler[SK_PROBE_NR_MAX];
	uint16_t ia32_to_x64[SK_PROBE_NR_MAX]; /* SK_IA32_NONE: not reported */
};

struct sk_syscall_info {
	uint16_t nr;
	uint16_t ppm_sc;
	const char *name;
};

static const struct sk_syscall_info sk_syscalls[] = {
#define SK_X64_SYSCALL(nr, name, ppm) {nr, ppm, #name},
#include "syscalls_x86_64.def"
#undef SK_X64_SYSCALL
};

/* ia32 syscalls reported as their x86-64 counterpart (syscalls_ia32.def). */
static const struct {
	uint16_t nr;
	const char *x64;
} sk_ia32_syscalls[] = {
#define SK_IA32_SYSCALL(nr, name) {nr, #name},
#include "syscalls_ia32.def"
#undef SK_IA32_SYSCALL
};
#define SK_IA32_NONE 0xffffu

int sk_syscall_nr(const char *name)
{
	for (size_t i = 0; i < sizeof(sk_syscalls) / sizeof(sk_syscalls[0]); i++)
		if (strcmp(sk_syscalls[i].name, name) == 0)
			return sk_syscalls[i].nr;
	return -ENOENT;
}

const char *sk_syscall_name(unsigned nr)
{
	for (size_t i = 0; i < sizeof(sk_syscalls) / sizeof(sk_syscalls[0]); i++)
		if (sk_syscalls[i].nr == nr)
			return sk_syscalls[i].name;
	return NULL;
}

uint16_t sk_syscall_ppm_sc(unsigned nr)
{
	for (size_t i = 0; i < sizeof(sk_syscalls) / sizeof(sk_syscalls[0]); i++)
		if (sk_syscalls[i].nr == nr)
			return sk_syscalls[i].ppm_sc;
	return 0;
}

static uint32_t sk_preset_bytes(int preset)
{
	if (preset <= 0)
		preset = SK_PROBE_PRESET_DEFAULT;
	return (1u << 20) << (preset - 1);
}

static int sk_ring_size(const struct sk_probe_opts *opts, uint32_t *out, char *err, size_t errlen)
{
	uint32_t n;

	if (opts && (opts->buf_size_preset < 0 || opts->buf_size_preset > SK_PROBE_PRESET_MAX)) {
		snprintf(err, errlen, "probe: buf_size_preset %d outside 1..%d", opts->buf_size_preset,
			 SK_PROBE_PRESET_MAX);
		return -EINVAL;
	}
	n = opts && opts->ringbuf_bytes ? opts->ringbuf_bytes
					: sk_preset_bytes(opts ? opts->buf_size_preset : 0);
	if (n < SK_PROBE_RINGBUF_MIN || n > SK_PROBE_RINGBUF_MAX || (n & (n - 1))) {
		snprintf(err, errlen, "probe: ring buffer size %u is not a power of two in %u..%u", n,
			 SK_PROBE_RINGBUF_MIN, SK_PROBE_RINGBUF_MAX);
		return -EINVAL;
	}
	*out = n;
	return 0;
}

static uint64_t sk_clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Settings that must be in place before load. */
static int sk_probe_configure(struct sk_probe *p, const struct sk_probe_opts *opts, char *err,
			      size_t errlen)
{
	struct probe_bpf *s = p->skel;
	int32_t excl = opts ? opts->exclude_tgid : 0;
	uint32_t snap = opts && opts->snaplen ? opts->snaplen : SK_PROBE_SNAPLEN_DEFAULT;
	int e;

	if (snap > SK_PROBE_SNAPLEN_MAX) {
		snprintf(err, errlen, "probe: snaplen %u above %u", snap, SK_PROBE_SNAPLEN_MAX);
		return -EINVAL;
	}
	s->rodata->sk_own_tgid = excl == 0 ? (uint32_t)getpid() : excl < 0 ? 0 : (uint32_t)excl;
	s->rodata->sk_snaplen = snap;
	s->rodata->sk_boot_epoch_ns = sk_clock_ns(CLOCK_REALTIME) - sk_clock_ns(CLOCK_BOOTTIME);
	for (size_t i = 0; i < sizeof(sk_syscalls) / sizeof(sk_syscalls[0]); i++)
		if (sk_syscalls[i].nr < SK_PROBE_NR_MAX)
			((uint16_t *)s->rodata->sk_ppm_sc)[sk_syscalls[i].nr] = sk_syscalls[i].ppm_sc;
	for (unsigned i = 0; i < SK_PROBE_NR_MAX; i++)
		p->ia32_to_x64[i] = SK_IA32_NONE;
	for (size_t i = 0; i < sizeof(sk_ia32_syscalls) / sizeof(sk_ia32_syscalls[0]); i++) {
		int nr = sk_syscall_nr(sk_ia32_syscalls[i].x64);

		if (nr >= 0 && (unsigned)nr < SK_PROBE_NR_MAX && sk_ia32_syscalls[i].nr < SK_PROBE_NR_MAX)
			p->ia32_to_x64[sk_ia32_syscalls[i].nr] = (uint16_t)nr;
	}
	memcpy((void *)s->rodata->sk_ia32_to_x64, p->ia32_to_x64, sizeof(p->ia32_to_x64));
	e = bpf_map__set_max_entries(s->maps.sk_aux, p->ncpus);
	if (!e)
		e = bpf_map__set_max_entries(s->maps.sk_rings, p->ncpus);
	if (e) {
		snprintf(err, errlen, "probe: sizing maps: %s", strerror(-e));
		return e;
	}
	/* The ring template must have the real size (libbpf 1.1 cannot resize its own). */
	p->tmpl_fd = bpf_map_create(BPF_MAP_TYPE_RINGBUF, "sk_ring_tmpl", 0, 0, p->ring_bytes, NULL);
	if (p->tmpl_fd < 0) {
		e = -errno;
		snprintf(err, errlen, "probe: creating a BPF ring buffer: %s%s", strerror(errno),
			 e == -EPERM ? " (needs root or CAP_BPF+CAP_PERFMON)"
				     : " (needs the BPF ring buffer, Linux 5.8+)");
		return e;
	}
	e = bpf_map__set_inner_map_fd(s->maps.sk_rings, p->tmpl_fd);
	if (e)
		snprintf(err, errlen, "probe: ring buffer template: %s", strerror(-e));
	return e;
}

static int sk_ring_map(struct sk_probe *p, struct sk_ring *r, char *err, size_t errlen)
{
	void *cons, *prod;

	r->fd = bpf_map_create(BPF_MAP_TYPE_RINGBUF, "sk_ring", 0, 0, p->ring_bytes, NULL);
	if (r->fd < 0) {
		snprintf(err, errlen, "probe: creating a %u-byte ring buffer: %s", p->ring_bytes,
			 strerror(errno));
		return -errno;
	}
	cons = mmap(NULL, p->page, PROT_READ | PROT_WRITE, MAP_SHARED, r->fd, 0);
	if (cons == MAP_FAILED) {
		snprintf(err, errlen, "probe: mmap ring consumer page: %s", strerror(errno));
		return -errno;
	}
	r->cons_pos = cons;
	r->prod_len = p->page + 2 * (size_t)p->ring_bytes;
	prod = mmap(NULL, r->prod_len, PROT_READ, MAP_SHARED, r->fd, (off_t)p->page);
	if (prod == MAP_FAILED) {
		snprintf(err, errlen, "probe: mmap ring data: %s", strerror(errno));
		return -errno;
	}
	r->prod_pos = prod;
	r->data = (uint8_t *)prod + p->page;
	r->mask = p->ring_bytes - 1;
	return 0;
}

/* After load: the per-CPU rings, the filler and continuation tables. */
static int sk_probe_fill_maps(struct sk_probe *p, char *err, size_t errlen)
{
	struct probe_bpf *s = p->skel;
	int outer = bpf_map__fd(s->maps.sk_rings);
	int fillers = bpf_map__fd(s->maps.sk_fillers);
	int tails = bpf_map__fd(s->maps.sk_tails);
	char name[64];
	uint32_t k;
	int fd;

	p->rings = calloc(p->ncpus, sizeof(*p->rings));
	if (!p->rings) {
		snprintf(err, errlen, "probe: out of memory");
		return -ENOMEM;
	}
	for (unsigned i = 0; i < p->ncpus; i++)
		p->rings[i].fd = -1;
	for (unsigned i = 0; i < p->ncpus; i++) {
		int e = sk_ring_map(p, &p->rings[i], err, errlen);

		if (e)
			return e;
		k = i;
		if (bpf_map_update_elem(outer, &k, &p->rings[i].fd, BPF_ANY)) {
			snprintf(err, errlen, "probe: installing ring %u: %s", i, strerror(errno));
			return -errno;
		}
	}
	for (size_t i = 0; i < sizeof(sk_syscalls) / sizeof(sk_syscalls[0]); i++) {
		struct bpf_program *prog;

		snprintf(name, sizeof(name), "sk_x_%s", sk_syscalls[i].name);
		prog = bpf_object__find_program_by_name(s->obj, name);
		if (!prog || sk_syscalls[i].nr >= SK_PROBE_NR_MAX)
			continue;
		k = sk_syscalls[i].nr;
		fd = bpf_program__fd(prog);
		if (bpf_map_update_elem(fillers, &k, &fd, BPF_ANY)) {
			snprintf(err, errlen, "probe: installing %s: %s", name, strerror(errno));
			return -errno;
		}
		p->has_filler[k] = true;
	}
	/* written by the dispatcher itself */
	p->has_filler[SK_NR_CLOSE] = true;
	p->has_filler[SK_NR_OPENAT] = true;
	k = SK_TAIL_EXEC_2;
	fd = bpf_program__fd(s->progs.sk_exec_2);
	if (!bpf_map_update_elem(tails, &k, &fd, BPF_ANY)) {
		k = SK_TAIL_CLONE_2;
		fd = bpf_program__fd(s->progs.sk_clone_2);
		if (!bpf_map_update_elem(tails, &k, &fd, BPF_ANY))
			return 0;
	}
	snprintf(err, errlen, "probe: installing continuations: %s", strerror(errno));
	return -errno;
}

static int sk_libbpf_silent(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	return 0;
}

int sk_probe_open(struct sk_probe **out, const struct sk_probe_opts *opts, char *err, size_t errlen)
{
	struct sk_probe *p;
	int e;

	*out = NULL;
	if (access(SK_KERNEL_BTF, R_OK) != 0) {
		snprintf(err, errlen, "probe: no kernel BTF at %s (CO-RE needs CONFIG_DEBUG_INFO_BTF)",
			 SK_KERNEL_BTF);
		return -ENOTSUP;
	}
	p = calloc(1, sizeof(*p));
	if (!p) {
		snprintf(err, errlen, "probe: out of memory");
		return -ENOMEM;
	}
	p->held = -1;
	p->tmpl_fd = -1;
	p->page = (size_t)sysconf(_SC_PAGESIZE);
	e = libbpf_num_possible_cpus();
	if (e <= 0) {
		snprintf(err, errlen, "probe: cannot count possible CPUs: %s", strerror(-e));
		goto fail;
	}
	p->ncpus = (unsigned)e;
	e = sk_ring_size(opts, &p->ring_bytes, err, errlen);
	if (e)
		goto fail;
	if (!getenv("SAKER_LIBBPF_DEBUG"))
		libbpf_set_print(sk_libbpf_silent);
	p->skel = probe_bpf__open();
	if (!p->skel) {
		e = -errno;
		snprintf(err, errlen, "probe: opening the BPF object: %s", strerror(errno));
		goto fail;
	}
	e = sk_probe_configure(p, opts, err, errlen);
	if (e)
		goto fail;
	e = probe_bpf__load(p->skel);
	if (e) {
		snprintf(err, errlen,
			 "probe: loading the BPF programs: %s (needs root or CAP_BPF+CAP_PERFMON, "
			 "BTF and the BPF ring buffer; SAKER_LIBBPF_DEBUG=1 shows the verifier log)",
			 strerror(-e));
		goto fail;
	}
	e = sk_probe_fill_maps(p, err, errlen);
	if (e)
		goto fail;
	sk_probe_sync_clock(p);
	*out = p;
	return 0;
fail:
	sk_probe_close(p);
	return e < 0 ? e : -EINVAL;
}

int sk_probe_set_interesting(struct sk_probe *p, unsigned nr, bool on)
{
	uint8_t *x64 = p->skel->bss->sk_interesting, *ia32 = p->skel->bss->sk_interesting_ia32;

	if (nr >= SK_PROBE_NR_MAX)
		return -EINVAL;
	__atomic_store_n(&x64[nr], on ? 1 : 0, __ATOMIC_RELAXED);
	/*
	 * The ia32 numbers producing this event follow; a successful execveat
	 * ends as execve, so execve's entries also follow execveat.
	 */
	for (unsigned i = 0; i < SK_PROBE_NR_MAX; i++) {
		unsigned to = p->ia32_to_x64[i];
		bool want;

		if (to != nr && !(nr == SK_NR_EXECVEAT && to == SK_NR_EXECVE))
			continue;
		want = __atomic_load_n(&x64[to], __ATOMIC_RELAXED) ||
		       (to == SK_NR_EXECVE && __atomic_load_n(&x64[SK_NR_EXECVEAT], __ATOMIC_RELAXED));
		__atomic_store_n(&ia32[i], want ? 1 : 0, __ATOMIC_RELAXED);
	}
	return 0;
}

int sk_probe_set_interesting_name(struct sk_probe *p, const char *name, bool on)
{
	int nr = sk_syscall_nr(name);

	return nr < 0 ? nr : sk_probe_set_interesting(p, (unsigned)nr, on);
}

void sk_probe_set_interesting_all(struct sk_probe *p, bool on)
{
	for (unsigned i = 0; i < SK_PROBE_NR_MAX; i++)
		sk_probe_set_interesting(p, i, on);
}

void sk_probe_set_interesting_default(struct sk_probe *p)
{
	/* high-volume calls that neither state tracking nor the default rules need */
	static const char *const io[] = {"read",  "write",   "pread64", "pwrite64", "readv",
					 "writev", "preadv", "pwritev", "mmap"};

	for (unsigned i = 0; i < SK_PROBE_NR_MAX; i++)
		sk_probe_set_interesting(p, i, p->has_filler[i]);
	for (size_t i = 0; i < sizeof(io) / sizeof(io[0]); i++)
		sk_probe_set_interesting_name(p, io[i], false);
}

void sk_probe_sync_clock(struct sk_probe *p)
{
	uint64_t epoch = sk_clock_ns(CLOCK_REALTIME) - sk_clock_ns(CLOCK_MONOTONIC);

	__atomic_store_n(&p->skel->bss->sk_mono_epoch_ns, epoch, __ATOMIC_RELAXED);
}

void sk_probe_set_procexit(struct sk_probe *p, bool on)
{
	__atomic_store_n(&p->skel->data->sk_procexit_on, on ? 1 : 0, __ATOMIC_RELAXED);
}

bool sk_probe_has_filler(const struct sk_probe *p, unsigned nr)
{
	return nr < SK_PROBE_NR_MAX && p->has_filler[nr];
}

int sk_probe_start(struct sk_probe *p, char *err, size_t errlen)
{
	struct {
		struct bpf_program *prog;
		const char *tp;
	} hooks[] = {
		{p->skel->progs.sk_sys_exit, "sys_exit"},
		{p->skel->progs.sk_sched_exit, "sched_process_exit"},
		{p->skel->progs.sk_sched_exec, "sched_process_exec"},
	};

	if (p->nlinks)
		return 0;
	for (size_t i = 0; i < sizeof(hooks) / sizeof(hooks[0]); i++) {
		struct bpf_link *l = bpf_program__attach_raw_tracepoint(hooks[i].prog, hooks[i].tp);

		if (!l) {
			int e = -errno;

			snprintf(err, errlen, "probe: attaching to raw tracepoint %s: %s", hooks[i].tp,
				 strerror(errno));
			sk_probe_stop(p);
			return e;
		}
		p->links[p->nlinks++] = l;
	}
	return 0;
}

void sk_probe_stop(struct sk_probe *p)
{
	while (p->nlinks)
		bpf_link__destroy(p->links[--p->nlinks]);
}

/* Hand the consumed space of ring r back to the kernel. */
static void sk_ring_publish(struct sk_ring *r)
{
	if (r->published == r->cons)
		return;
	__atomic_store_n(r->cons_pos, r->cons, __ATOMIC_RELEASE);
	r->published = r->cons;
}

/* Release the event handed out last; publish once an eighth of the ring is consumed. */
static void sk_probe_release(struct sk_probe *p)
{
	struct sk_ring *r;

	if (p->held < 0)
		return;
	r = &p->rings[p->held];
	r->cons = p->held_next;
	if (r->cons - r->published > (r->mask >> SK_RING_PUBLISH_SHIFT))
		sk_ring_publish(r);
	p->held = -1;
}

/*
 * The ready record at the head of ring r (skipping discarded ones), or
 * NULL. The producer position is read again only when the consumer has
 * caught up with the last value read; then consumed space is published.
 */
static const uint8_t *sk_ring_head(struct sk_ring *r, uint32_t *len, uint64_t *next)
{
	for (;;) {
		const uint8_t *rec;
		uint32_t hdr, n;
		uint64_t adv;

		if (r->cons >= r->prod) {
			sk_ring_publish(r);
			r->prod = __atomic_load_n(r->prod_pos, __ATOMIC_ACQUIRE);
			if (r->cons >= r->prod)
				return NULL;
		}
		rec = r->data + (r->cons & r->mask);
		hdr = __atomic_load_n((const uint32_t *)rec, __ATOMIC_ACQUIRE);
		n = hdr & ~(SK_RB_BUSY | SK_RB_DISCARD);
		adv = (n + SK_RB_HDR_SZ + 7u) & ~7ull;
		if (hdr & SK_RB_BUSY)
			return NULL;
		if (hdr & SK_RB_DISCARD || n < SK_EVT_HDR_LEN) {
			r->cons += adv;
			continue;
		}
		*len = n;
		*next = r->cons + adv;
		return rec + SK_RB_HDR_SZ;
	}
}

int sk_probe_next(struct sk_probe *p, const void **evt, size_t *len, uint16_t *cpu)
{
	const uint8_t *best = NULL;
	uint64_t best_ts = UINT64_MAX, best_next = 0;
	uint32_t best_len = 0;
	int best_cpu = -1;

	sk_probe_release(p);
	for (unsigned i = 0; i < p->ncpus; i++) {
		uint32_t n;
		uint64_t next, ts;
		const uint8_t *rec = sk_ring_head(&p->rings[i], &n, &next);

		if (!rec)
			continue;
		memcpy(&ts, rec, sizeof(ts));
		if (ts < best_ts) {
			best = rec;
			best_ts = ts;
			best_len = n;
			best_next = next;
			best_cpu = (int)i;
		}
	}
	if (!best)
		return -EAGAIN;
	p->held = best_cpu;
	p->held_next = best_next;
	p->consumed++;
	*evt = best;
	*len = best_len;
	if (cpu)
		*cpu = (uint16_t)best_cpu;
	return 0;
}

/* Whether any ring holds an event past the consumer (publishing what was consumed). */
static bool sk_probe_ready(struct sk_probe *p)
{
	sk_probe_release(p);
	for (unsigned i = 0; i < p->ncpus; i++) {
		struct sk_ring *r = &p->rings[i];

		sk_ring_publish(r);
		r->prod = __atomic_load_n(r->prod_pos, __ATOMIC_ACQUIRE);
		if (r->cons < r->prod)
			return true;
	}
	return false;
}

int sk_probe_wait(struct sk_probe *p, int timeout_ms)
{
	uint64_t deadline = sk_clock_ns(CLOCK_MONOTONIC) + (uint64_t)(timeout_ms > 0 ? timeout_ms : 0) * 1000000ull;
	long us = SK_WAIT_START_US;

	for (;;) {
		struct timespec ts;
		uint64_t now;

		if (sk_probe_ready(p))
			return 1;
		now = sk_clock_ns(CLOCK_MONOTONIC);
		if (now >= deadline)
			return 0;
		if ((uint64_t)us * 1000u > deadline - now)
			us = (long)((deadline - now) / 1000u) + 1;
		ts.tv_sec = us / 1000000;
		ts.tv_nsec = (us % 1000000) * 1000;
		nanosleep(&ts, NULL);
		us = us * 2 > SK_WAIT_MAX_US ? SK_WAIT_MAX_US : us * 2;
	}
}

int sk_probe_stats(struct sk_probe *p, struct sk_probe_stats *st)
{
	struct sk_probe_counters *c;
	uint32_t zero = 0;
	int e = 0;

	memset(st, 0, sizeof(*st));
	c = calloc(p->ncpus, sizeof(*c));
	if (!c)
		return -ENOMEM;
	if (bpf_map_lookup_elem(bpf_map__fd(p->skel->maps.sk_counters), &zero, c)) {
		e = -errno;
		goto out;
	}
	st->ncpus = p->ncpus < 256 ? p->ncpus : 256;
	for (unsigned i = 0; i < p->ncpus; i++) {
		struct sk_probe_cpu_stats one = {c[i].events, c[i].drops, c[i].errors, c[i].truncated};

		if (i < st->ncpus)
			st->per_cpu[i] = one;
		st->total.events += one.events;
		st->total.drops += one.drops;
		st->total.errors += one.errors;
		st->total.truncated += one.truncated;
	}
	st->consumed = p->consumed;
out:
	free(c);
	return e;
}

void sk_probe_close(struct sk_probe *p)
{
	if (!p)
		return;
	sk_probe_stop(p);
	if (p->rings) {
		for (unsigned i = 0; i < p->ncpus; i++) {
			struct sk_ring *r = &p->rings[i];

			if (r->cons_pos)
				munmap(r->cons_pos, p->page);
			if (r->prod_pos)
				munmap(r->prod_pos, r->prod_len);
			if (r->fd >= 0)
				close(r->fd);
		}
		free(p->rings);
	}
	probe_bpf__destroy(p->skel);
	if (p->tmpl_fd >= 0)
		close(p->tmpl_fd);
	free(p);
}
