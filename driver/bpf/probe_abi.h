/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Data shared by the probe (driver/bpf/probe.bpf.c) and its loader
 * (driver/probe/): map sizes, the per-CPU counters and the derived event
 * constants. Data only: fixed-width types, no pointers, no functions.
 */
#ifndef SAKER_PROBE_ABI_H
#define SAKER_PROBE_ABI_H

#include "saker/event_schema.h"

/* Syscall numbers the filter and the tail-call table cover (x86-64 < 512). */
#define SK_PROBE_SYSCALL_MAX 512u

/*
 * x86-64 syscalls both sides name: execveat ends as execve when it
 * succeeds; close and openat are written by the dispatcher itself, with no
 * filler program of their own.
 */
#define SK_NR_CLOSE 3u
#define SK_NR_EXECVE 59u
#define SK_NR_OPENAT 257u
#define SK_NR_EXECVEAT 322u

/*
 * Per-CPU scratch area where an event is built before it is copied to the
 * ring buffer: the event itself is at most SK_EVT_MAX_LEN bytes, and every
 * write lands at an offset masked with SK_PROBE_OFF_MASK with at most
 * SK_PROBE_PARAM_CAP bytes, so twice the event size is always in bounds.
 */
#define SK_PROBE_OFF_MASK (SK_EVT_MAX_LEN - 1u)
#define SK_PROBE_AUX_LEN (2u * SK_EVT_MAX_LEN)
/* Caps on variable-size parameters (verifier cost: one bounded copy each). */
#define SK_PROBE_PARAM_CAP 65000u     /* any single parameter */
#define SK_PROBE_PATH_CAP 4096u       /* user path strings (PATH_MAX) */
#define SK_PROBE_ARGS_CAP 16384u      /* execve/clone argv, env */
#define SK_PROBE_CGROUPS_CAP 4096u    /* subsys=path list */
#define SK_PROBE_PATH_DEPTH 48u       /* dentry components walked for a path */
#define SK_PROBE_CGROUP_DEPTH 16u     /* kernfs components walked per cgroup */
#define SK_PROBE_CGROUP_SUBSYS 16u    /* cgroup subsystems listed */
#define SK_PROBE_SNAPLEN_DEFAULT 80u  /* I/O data bytes, as sysdig/Falco */
#define SK_PROBE_SNAPLEN_MAX 65000u
/* Scratch where kernel paths are assembled backwards (one component <= 255). */
#define SK_PROBE_TMP_LEN 8192u

/* Continuations of fillers too large for one program (the sk_tails map). */
enum sk_tail { SK_TAIL_EXEC_2 = 0, SK_TAIL_CLONE_2, SK_TAIL_MAX };

/* Per-CPU counters, one slot per CPU of the 'sk_counters' map. */
struct sk_probe_counters {
	sk_u64 events;     /* events written to the ring buffer */
	sk_u64 drops;      /* ring buffer full: event lost */
	sk_u64 errors;     /* probe errors (failed reads, missing maps) */
	sk_u64 truncated;  /* parameters cut at their cap */
	sk_u64 filtered;   /* syscalls seen but not interesting */
};
_Static_assert(sizeof(struct sk_probe_counters) == 40, "counters are 5 u64");

/* Number of parameters of each event code, derived from events.def. */
#define SK_PARAM(name, type, fmt, aux) +1
#define SK_EVENT(code, id, name, dir, flags, cat, n031, n2022, params) SK_NPARAMS_##id = 0 params,
enum sk_event_nparams {
#include "saker/events.def"
};
#undef SK_EVENT
/* Event flags of each code (LARGE_PAYLOAD picks u32 lengths). */
#define SK_EVENT(code, id, name, dir, flags, cat, n031, n2022, params) SK_EFLAGS_##id = (flags),
enum sk_event_eflags {
#include "saker/events.def"
};
#undef SK_EVENT
#undef SK_PARAM

#endif
