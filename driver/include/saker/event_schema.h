/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The scap event layout, shared by the kernel probe and user space.
 *
 * Data only: fixed-width types and constants, no pointers, no functions.
 * Every size that is part of the wire format is pinned with a static assert.
 * The per-event schema (codes, names, parameters) lives in events.def.
 */
#ifndef SAKER_EVENT_SCHEMA_H
#define SAKER_EVENT_SCHEMA_H

#ifdef __bpf__
/* vmlinux.h provides the fixed-width kernel types. */
typedef __u8 sk_u8;
typedef __u16 sk_u16;
typedef __u32 sk_u32;
typedef __u64 sk_u64;
typedef __s64 sk_s64;
#else
#include <stdint.h>
typedef uint8_t sk_u8;
typedef uint16_t sk_u16;
typedef uint32_t sk_u32;
typedef uint64_t sk_u64;
typedef int64_t sk_s64;
#endif

/* Parameter types (wire codes, scap-events.md 4.1). */
enum sk_param_type {
	PT_NONE = 0,
	PT_INT8 = 1,
	PT_INT16 = 2,
	PT_INT32 = 3,
	PT_INT64 = 4,
	PT_UINT8 = 5,
	PT_UINT16 = 6,
	PT_UINT32 = 7,
	PT_UINT64 = 8,
	PT_CHARBUF = 9,
	PT_BYTEBUF = 10,
	PT_ERRNO = 11,
	PT_SOCKADDR = 12,
	PT_SOCKTUPLE = 13,
	PT_FD = 14,
	PT_PID = 15,
	PT_FDLIST = 16,
	PT_FSPATH = 17,
	PT_SYSCALLID = 18,
	PT_SIGTYPE = 19,
	PT_RELTIME = 20,
	PT_ABSTIME = 21,
	PT_PORT = 22,
	PT_L4PROTO = 23,
	PT_SOCKFAMILY = 24,
	PT_BOOL = 25,
	PT_IPV4ADDR = 26,
	PT_DYN = 27,
	PT_FLAGS8 = 28,
	PT_FLAGS16 = 29,
	PT_FLAGS32 = 30,
	PT_UID = 31,
	PT_GID = 32,
	PT_DOUBLE = 33,
	PT_SIGSET = 34,
	PT_CHARBUFARRAY = 35,
	PT_CHARBUF_PAIR_ARRAY = 36,
	PT_IPV4NET = 37,
	PT_IPV6ADDR = 38,
	PT_IPV6NET = 39,
	PT_IPADDR = 40,
	PT_IPNET = 41,
	PT_MODE = 42,
	PT_FSRELPATH = 43,
	PT_ENUMFLAGS8 = 44,
	PT_ENUMFLAGS16 = 45,
	PT_ENUMFLAGS32 = 46,
	PT_FD32 = 47,
	PT_PID32 = 48,
	PT_MAX = 49,
};

/* Print formats (scap-events.md 4.6). */
enum sk_print_fmt {
	PF_NA = 0,
	PF_DEC = 1,
	PF_HEX = 2,
	PF_10_PADDED_DEC = 3,
	PF_ID = 4,
	PF_DIR = 5,
	PF_OCT = 6,
};

/* Per-event-type flags (scap-events.md 3.1). */
enum sk_event_flags {
	SK_EF_NONE = 0,
	SK_EF_CREATES_FD = 1 << 0,
	SK_EF_DESTROYS_FD = 1 << 1,
	SK_EF_USES_FD = 1 << 2,
	SK_EF_READS_FROM_FD = 1 << 3,
	SK_EF_WRITES_TO_FD = 1 << 4,
	SK_EF_MODIFIES_STATE = 1 << 5,
	SK_EF_UNUSED = 1 << 6,
	SK_EF_WAITS = 1 << 7,
	SK_EF_SKIPPARSERESET = 1 << 8,
	SK_EF_OLD_VERSION = 1 << 9,
	SK_EF_LARGE_PAYLOAD = 1 << 11,
	SK_EF_CONVERTER_MANAGED = 1 << 12,
};

/* Event categories: subsystem in the low 9 bits plus a source bit (3.2). */
enum sk_event_category {
	SK_EC_UNKNOWN = 0,
	SK_EC_OTHER = 1,
	SK_EC_FILE = 2,
	SK_EC_NET = 3,
	SK_EC_IPC = 4,
	SK_EC_MEMORY = 5,
	SK_EC_PROCESS = 6,
	SK_EC_SLEEP = 7,
	SK_EC_SYSTEM = 8,
	SK_EC_SIGNAL = 9,
	SK_EC_USER = 10,
	SK_EC_TIME = 11,
	SK_EC_PROCESSING = 12,
	SK_EC_IO_READ = 32,
	SK_EC_IO_WRITE = 33,
	SK_EC_IO_OTHER = 34,
	SK_EC_WAIT = 64,
	SK_EC_SCHEDULER = 128,
	SK_EC_INTERNAL = 256,
	SK_EC_SYSCALL = 1 << 9,
	SK_EC_TRACEPOINT = 1 << 10,
	SK_EC_PLUGIN = 1 << 11,
	SK_EC_METAEVENT = 1 << 12,
	SK_EC_ITER = 1 << 13,
};

/* Socket families used in SOCKADDR/SOCKTUPLE family bytes (== Linux AF_*). */
enum sk_af {
	SK_AF_UNSPEC = 0,
	SK_AF_UNIX = 1,
	SK_AF_INET = 2,
	SK_AF_INET6 = 10,
	SK_AF_NETLINK = 16,
};

/* fd types, as in the FDL block and fd tables (scap-format.md 9). */
enum sk_fd_type {
	SK_FD_UNKNOWN = 0,
	SK_FD_FILE = 1,
	SK_FD_DIRECTORY = 2,
	SK_FD_IPV4_SOCK = 3,
	SK_FD_IPV6_SOCK = 4,
	SK_FD_IPV4_SERVSOCK = 5,
	SK_FD_IPV6_SERVSOCK = 6,
	SK_FD_FIFO = 7,
	SK_FD_UNIX_SOCK = 8,
	SK_FD_EVENT = 9,
	SK_FD_UNSUPPORTED = 10,
	SK_FD_SIGNALFD = 11,
	SK_FD_EVENTPOLL = 12,
	SK_FD_INOTIFY = 13,
	SK_FD_TIMERFD = 14,
	SK_FD_NETLINK = 15,
	SK_FD_FILE_V2 = 16,
	SK_FD_BPF = 17,
	SK_FD_USERFAULTFD = 18,
	SK_FD_IOURING = 19,
	SK_FD_MEMFD = 20,
	SK_FD_PIDFD = 21,
	SK_FD_TYPE_MAX = 22,
};

/*
 * Event header, 26 bytes packed, followed by nparams lengths (u16, or u32
 * for SK_EF_LARGE_PAYLOAD types) and the parameter bytes.
 */
struct sk_evt_hdr {
	sk_u64 ts;      /* ns since the epoch */
	sk_u64 tid;     /* host tid; -1 for events of no thread */
	sk_u32 len;     /* header + lengths + data */
	sk_u16 type;    /* event code */
	sk_u32 nparams; /* parameters present */
} __attribute__((packed));

/* The pre-2019 header without nparams (legacy event blocks). */
struct sk_evt_hdr_v1 {
	sk_u64 ts;
	sk_u64 tid;
	sk_u32 len;
	sk_u16 type;
} __attribute__((packed));

_Static_assert(sizeof(struct sk_evt_hdr) == 26, "scap event header is 26 bytes");
_Static_assert(sizeof(struct sk_evt_hdr_v1) == 22, "legacy scap event header is 22 bytes");

#define SK_EVT_HDR_LEN 26u
/* Largest number of parameters any event type has (task: 32). */
#define SK_EVT_MAX_PARAMS 32u
/* A parameter of a non-large event holds at most this many bytes. */
#define SK_PARAM_MAX_LEN 65535u
/* Event size limit of the non-LARGE block types and of the probe. */
#define SK_EVT_MAX_LEN 65536u

/* Event codes as an enum: SK_EVT_<ID> = code, from events.def. */
#define SK_EVENT(code, id, name, dir, flags, cat, n031, n2022, params) SK_EVT_##id = code,
enum sk_event_code {
#include "saker/events.def"
	SK_EVT_TABLE_SIZE
};
#undef SK_EVENT

/* Flag table identifiers, from flags.def: SK_FT_<name>. Index 0 = none. */
#define SK_FLAGTABLE(name, kind, entries) SK_FT_##name,
enum sk_flag_table_id {
	SK_FT_NONE = 0,
#include "saker/flags.def"
	SK_FT_COUNT
};
#undef SK_FLAGTABLE

#endif
