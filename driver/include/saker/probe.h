/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The live event source: Saker's CO-RE eBPF probe (driver/bpf/) and the
 * /proc scanner that seeds state before live events arrive.
 *
 * Lifecycle: sk_probe_open (open, set rodata, load, fill the tail-call and
 * ring maps) -> sk_probe_set_interesting* -> sk_probe_start (attach) ->
 * sk_probe_next / sk_probe_wait loop -> sk_probe_close. Attach first, then
 * scan /proc (sk_proc_scan) so no process is missed between the two.
 *
 * One thread consumes (sk_probe_next/sk_probe_wait); the interest setters
 * may be called from any thread at any time.
 *
 * Events are in the scap layout (26-byte header, u16 length array, params)
 * and parse with sk_evt_parse. For syscalls only exit events are produced,
 * each carrying every parameter (current-libs shape); procexit (186) comes
 * from sched_process_exit; clone/fork/vfork/clone3 exits come from both the
 * parent and the child. Syscalls without a dedicated event are generic
 * events (code 1: ppm_sc, native number).
 */
#ifndef SAKER_PROBE_H
#define SAKER_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "saker/scap.h"

/* Per-CPU ring buffer sizes (Falco's buf_size_preset: 1 -> 1 MiB .. 10 -> 512 MiB). */
#define SK_PROBE_RINGBUF_DEFAULT (8u << 20)
#define SK_PROBE_RINGBUF_MIN (4096u)
#define SK_PROBE_RINGBUF_MAX (512u << 20)
#define SK_PROBE_PRESET_DEFAULT 4
#define SK_PROBE_PRESET_MAX 10
/* Syscall numbers the probe knows (x86-64). */
#define SK_PROBE_NR_MAX 512u

struct sk_probe;

struct sk_probe_opts {
	/* Per-CPU ring buffer bytes: a power of two >= 4096. 0 = from buf_size_preset. */
	uint32_t ringbuf_bytes;
	/* 1..10 as Falco's syscall_buf_size_preset; 0 = SK_PROBE_PRESET_DEFAULT (8 MiB). */
	int buf_size_preset;
	/* Process whose syscalls are never reported: 0 = the caller, -1 = none. */
	int32_t exclude_tgid;
	/* I/O data bytes copied by read/write/send/recv events; 0 = 80. */
	uint32_t snaplen;
};

/* Totals and per-CPU figures from the probe's counters. */
struct sk_probe_cpu_stats {
	uint64_t events;    /* events written to the ring buffer */
	uint64_t drops;     /* ring buffer full: event lost */
	uint64_t errors;    /* probe errors (missing map, oversized event) */
	uint64_t truncated; /* parameters cut at their cap */
};

struct sk_probe_stats {
	struct sk_probe_cpu_stats total;
	unsigned ncpus;                        /* entries used in per_cpu */
	struct sk_probe_cpu_stats per_cpu[256]; /* CPUs beyond 256 are in total only */
	uint64_t consumed;                     /* events handed out by sk_probe_next */
};

/*
 * Open and load the probe: check for BTF, create one ring buffer per
 * possible CPU, load every program, fill the tail-call tables. Nothing is
 * attached yet and no syscall is interesting. opts may be NULL (defaults).
 * On success *out is owned by the caller (sk_probe_close). On failure
 * returns -errno with a message in err (e.g. "no kernel BTF at ...").
 */
int sk_probe_open(struct sk_probe **out, const struct sk_probe_opts *opts, char *err, size_t errlen);

/* Mark syscall nr (x86-64 number) interesting or not; takes effect at once. -EINVAL if nr is out of range. */
int sk_probe_set_interesting(struct sk_probe *p, unsigned nr, bool on);
/* Same by name ("openat"); -ENOENT for an unknown name. */
int sk_probe_set_interesting_name(struct sk_probe *p, const char *name, bool on);
/* Mark every syscall (all = true) or none. */
void sk_probe_set_interesting_all(struct sk_probe *p, bool on);
/*
 * Mark the syscalls that have a dedicated event (the state + security set)
 * except the high-volume ones (read/write family, mmap); unmark the rest.
 */
void sk_probe_set_interesting_default(struct sk_probe *p);
/* Report procexit events (default on). */
void sk_probe_set_procexit(struct sk_probe *p, bool on);
/*
 * Recompute the offset that turns the probe's monotonic timestamps into
 * epoch ns (done at open; call about once a second so event times follow
 * clock steps and suspends).
 */
void sk_probe_sync_clock(struct sk_probe *p);
/* Does syscall nr have a dedicated event (a filler program)? */
bool sk_probe_has_filler(const struct sk_probe *p, unsigned nr);

/* Attach the programs: events start flowing. Returns 0 or -errno (err says which program). */
int sk_probe_start(struct sk_probe *p, char *err, size_t errlen);
/* Detach (events stop; buffered ones can still be read). */
void sk_probe_stop(struct sk_probe *p);

/*
 * The next event in timestamp order across the CPUs' buffers, without
 * blocking. *evt points into the ring buffer and stays valid until the next
 * sk_probe_next, sk_probe_wait or sk_probe_close call (then its space is
 * released; the kernel is told in batches of an eighth of the ring, and
 * whenever the consumer catches up or waits).
 * Returns 0, or -EAGAIN when every buffer is empty.
 */
int sk_probe_next(struct sk_probe *p, const void **evt, size_t *len, uint16_t *cpu);

/*
 * Sleep until some buffer holds an event or timeout_ms passes, polling with
 * a backoff from 500 us up to 30 ms (the probe never wakes the consumer per
 * event). Returns 1 when an event is available, 0 on timeout.
 */
int sk_probe_wait(struct sk_probe *p, int timeout_ms);

/* Read the counters. Returns 0 or -errno. */
int sk_probe_stats(struct sk_probe *p, struct sk_probe_stats *st);

/* Detach, unload and free. p may be NULL. */
void sk_probe_close(struct sk_probe *p);

/* x86-64 syscall table: number for a name (-ENOENT), name for a number (NULL), portable code (0 = unknown). */
int sk_syscall_nr(const char *name);
const char *sk_syscall_name(unsigned nr);
uint16_t sk_syscall_ppm_sc(unsigned nr);

/*
 * /proc scanner: every thread of every process as an sk_scap_proc (version
 * 9 fields) and every fd of every process (reported for the main thread) as
 * an sk_scap_fd. A callback returning non-zero stops the scan with that
 * value. Processes that vanish during the scan are skipped. proc_root is
 * normally "/proc". Returns 0, a callback's value, or -errno (err says which
 * path failed).
 */
struct sk_proc_scan_cb {
	void *ctx;
	int (*proc)(void *ctx, const struct sk_scap_proc *proc);
	int (*fd)(void *ctx, const struct sk_scap_fd *fd); /* may be NULL: fds not scanned */
};
int sk_proc_scan(const char *proc_root, const struct sk_proc_scan_cb *cb, char *err, size_t errlen);

#endif
