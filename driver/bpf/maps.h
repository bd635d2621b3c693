/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Maps and load-time settings of the probe. User space (driver/probe/)
 * writes the rodata before load and the interest table at run time.
 */
#ifndef SAKER_BPF_MAPS_H
#define SAKER_BPF_MAPS_H

#include "probe_abi.h"

/* Set before load. */
const volatile __u32 sk_own_tgid = 0;        /* never report this process */
const volatile __u32 sk_snaplen = SK_PROBE_SNAPLEN_DEFAULT;
const volatile __u64 sk_boot_epoch_ns = 0;   /* add to boot-clock ns for epoch ns (start times) */
const volatile __u16 sk_ppm_sc[SK_PROBE_SYSCALL_MAX]; /* native nr -> ppm_sc */
/* ia32 syscall number -> x86-64 number of the event it produces (syscalls_ia32.def). */
const volatile __u16 sk_ia32_to_x64[SK_PROBE_SYSCALL_MAX];

/*
 * Written by user space at load and every second: add to monotonic ns for
 * epoch ns (event timestamps). The monotonic clock is the cheapest to read
 * here; the refresh follows clock steps and suspends.
 */
__u64 sk_mono_epoch_ns = 0;
/* Written by user space at any time: 1 = report this syscall number. */
__u8 sk_interesting[SK_PROBE_SYSCALL_MAX];
/* The same for ia32 numbers (32-bit callers), mirrored by user space through sk_ia32_to_x64. */
__u8 sk_interesting_ia32[SK_PROBE_SYSCALL_MAX];
/* Written by user space: report procexit (sched_process_exit). */
__u8 sk_procexit_on = 1;

/* Per-syscall fillers, indexed by native syscall number. */
struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, SK_PROBE_SYSCALL_MAX);
	__type(key, __u32);
	__type(value, __u32);
} sk_fillers SEC(".maps");

/* Continuations of fillers too large for one program (enum sk_tail). */
struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, SK_TAIL_MAX);
	__type(key, __u32);
	__type(value, __u32);
} sk_tails SEC(".maps");

/* The scratch area where events are built, one per CPU (resized at load). */
struct sk_aux {
	__u8 data[SK_PROBE_AUX_LEN];
	__u8 tmp[SK_PROBE_TMP_LEN];
	__u32 pos;     /* next payload byte */
	__u32 idx;     /* next parameter */
	__u32 lsize;   /* 2 or 4 (LARGE_PAYLOAD) */
	__u16 type;
	__u8 pad[2];
	__s64 ret;     /* syscall return value, for continuations */
	__u64 task;    /* the current task_struct, set by the program that began the event */
	__u32 tid;     /* its thread id (the event header's tid) */
	__u8 compat;   /* a 32-bit (ia32) syscall: arguments in the ia32 registers */
	__u8 pad2[3];
};
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sk_aux);
} sk_aux SEC(".maps");

/* One ring buffer per CPU (the inner maps are created by user space). */
struct sk_ringbuf {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
};
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 1);
	__type(key, __u32);
	__array(values, struct sk_ringbuf);
} sk_rings SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sk_probe_counters);
} sk_counters SEC(".maps");

/* execve filename (bprm->filename) from sched_process_exec, per tid. */
struct sk_exec_name {
	char name[SK_PROBE_PATH_CAP];
	__u8 at; /* the exec came from execveat */
	__u8 pad[7];
};
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, struct sk_exec_name);
} sk_exec_names SEC(".maps");

#endif
