/* SPDX-License-Identifier: Apache-2.0 */
/*
 * User-space view of the event schema: the event table derived from
 * events.def, flag tables from flags.def, and a parsed, borrowed view on one
 * event's bytes.
 */
#ifndef SAKER_EVENT_H
#define SAKER_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "saker/event_schema.h"

struct sk_param_info {
	const char *name;
	uint8_t type; /* enum sk_param_type */
	uint8_t fmt;  /* enum sk_print_fmt */
	/*
	 * FLAGS*, ENUMFLAGS*, MODE: an enum sk_flag_table_id.
	 * DYN: the flag table id of the dynamic-type table (kind 'D').
	 * FSRELPATH: index of the parameter holding the directory fd.
	 */
	uint16_t aux;
};

struct sk_event_info {
	const char *name;   /* "open"; "NA" for unused codes */
	uint16_t code;
	uint16_t flags;     /* enum sk_event_flags */
	uint16_t category;  /* enum sk_event_category */
	uint8_t nparams;    /* current parameter count */
	int8_t n031;        /* parameters written by Falco 0.31 libs; -1 = absent */
	int8_t n2022;       /* parameters written by Debian sysdig's libs; -1 = absent */
	char dir;           /* 'E' or 'X' */
	const struct sk_param_info *params;
};

/* One entry of a flag or enum table. */
struct sk_flag {
	const char *name;
	uint32_t value;
};

struct sk_flag_table {
	const char *name;      /* "file_flags" */
	char kind;             /* 'F' flags, 'E' enum, 'M' mode, 'D' dynamic (value = PT type) */
	unsigned count;
	const struct sk_flag *entries; /* upstream order: rendering depends on it */
};

extern const struct sk_event_info sk_event_table[SK_EVT_TABLE_SIZE];
extern const struct sk_flag_table sk_flag_tables[SK_FT_COUNT];

/* The table entry for code, or NULL when code is outside the table. */
const struct sk_event_info *sk_event_info_get(uint16_t code);

/*
 * The driver's internal bookkeeping events (procinfo, drop, scapevent...):
 * libsinsp applies them to state but never shows them or runs rules on them.
 */
static inline bool sk_event_is_internal(const struct sk_event_info *info)
{
	return info->code == SK_EVT_PROCINFO_E || (info->category & 0x1ffu) == SK_EC_INTERNAL;
}

/*
 * High-volume events (I/O, waits, sleeps, the scheduler): Falco leaves
 * them out unless -A asks for every event, in the kernel filter and in
 * rule evaluation alike.
 */
static inline bool sk_event_is_high_volume(const struct sk_event_info *info)
{
	unsigned sub = info->category & 0x1ffu;

	return sub == SK_EC_IO_READ || sub == SK_EC_IO_WRITE || sub == SK_EC_WAIT ||
	       sub == SK_EC_SLEEP || sub == SK_EC_SCHEDULER || (info->flags & SK_EF_WAITS);
}

/* Event direction helpers: even codes are enter events. */
static inline bool sk_event_is_enter(uint16_t code)
{
	return (code & 1u) == 0;
}

/*
 * A parsed event: borrowed pointers into the caller's buffer, valid while it
 * is. nparams is min(header nparams, table nparams) (newer producers may
 * append parameters this table does not know).
 */
struct sk_evt {
	const struct sk_evt_hdr *hdr;
	const struct sk_event_info *info; /* never NULL after a successful parse */
	uint16_t cpu;
	uint32_t dump_flags;  /* EVF blocks; bit 0 = state only */
	uint32_t nparams;
	const uint8_t *param[SK_EVT_MAX_PARAMS];
	uint32_t param_len[SK_EVT_MAX_PARAMS];
};

/*
 * Parse len bytes at buf (a 26-byte-header event) into e. Checks that the
 * header fits, len matches, the length array and every parameter fit.
 * Returns 0, -EINVAL for a malformed event (err says why), or -ENOENT for a
 * code outside the table (the caller skips such events).
 */
int sk_evt_parse(struct sk_evt *e, const void *buf, size_t len, char *err, size_t errlen);

/* Typed accessors. Return false when the parameter is absent or has the wrong size. */
bool sk_evt_get_u64(const struct sk_evt *e, unsigned idx, uint64_t *out);
bool sk_evt_get_s64(const struct sk_evt *e, unsigned idx, int64_t *out);
bool sk_evt_get_u32(const struct sk_evt *e, unsigned idx, uint32_t *out);
/* A NUL-terminated string parameter (CHARBUF/FSPATH/FSRELPATH), or NULL. */
const char *sk_evt_get_str(const struct sk_evt *e, unsigned idx);
/* Index of the parameter called name, or -1. */
int sk_evt_param_index(const struct sk_evt *e, const char *name);

/*
 * Rendering of parameter values as sysdig prints them in evt.args.
 * The resolver lets the state engine add the parenthesised part of fd and
 * pid values; it may be NULL.
 */
struct sk_render_resolver {
	void *ctx;
	/* Write "<f>/etc/passwd" for fd of thread tid into out; return false if unknown. */
	bool (*fd_name)(void *ctx, int64_t tid, int64_t fd, char *out, size_t cap);
	/* Write the comm of thread pid; return false if unknown. */
	bool (*pid_name)(void *ctx, int64_t pid, char *out, size_t cap);
	/* Write user / group name; return false if unknown. */
	bool (*user_name)(void *ctx, uint32_t uid, char *out, size_t cap);
	bool (*group_name)(void *ctx, uint32_t gid, char *out, size_t cap);
	/* Write the working directory of thread tid; return false if unknown. */
	bool (*cwd)(void *ctx, int64_t tid, char *out, size_t cap);
};

/*
 * evt.args shows BYTEBUF values of more than this many bytes as their first
 * SK_RENDER_BYTEBUF_MAX - 3 bytes and "..." (sysdig's default, non -v).
 */
#define SK_RENDER_BYTEBUF_MAX 80u
/* Longest fd name, comm, user name or path the renderer asks a resolver for. */
#define SK_RENDER_NAME_MAX 4096u

/*
 * Render parameter idx of e into out (always NUL-terminated when cap > 0) the
 * way sysdig's evt.args shows it, e.g. "3(<f>/etc/passwd)", "4097(O_RDONLY|O_CLOEXEC)".
 * Returns the length that was needed (like snprintf).
 */
size_t sk_param_render(const struct sk_evt *e, unsigned idx, const struct sk_render_resolver *res,
		       char *out, size_t cap);

/* The whole "name=value name=value " argument string sysdig prints. */
size_t sk_evt_render_args(const struct sk_evt *e, const struct sk_render_resolver *res, char *out,
			  size_t cap);

/* Render value through flag table ft ("O_RDONLY|O_CLOEXEC"); returns needed length. */
size_t sk_flags_render(enum sk_flag_table_id ft, uint32_t value, char *out, size_t cap);

/* "ENOENT" for 2; NULL when unknown. */
const char *sk_errno_name(int64_t err);

/*
 * Join base and a relative path, normalising "." and ".." as sysdig does
 * ("/" + "." is "/"). Returns false when the result does not fit in cap.
 */
bool sk_path_join(const char *base, const char *rel, char *out, size_t cap);

/* Name of portable syscall code (ppm_sc, syscalls.def), or NULL. */
const char *sk_ppm_sc_name(uint16_t code);
/* ppm_sc code of a syscall name, or -1. */
int sk_ppm_sc_by_name(const char *name);
/*
 * The name an event is shown and matched under (evt.type): the event table's
 * name, except for the generic syscall events, which take the name of the
 * syscall in their ID parameter ("madvise"), as sysdig and Falco do.
 */
const char *sk_evt_type_name(const struct sk_evt *e);
/*
 * The event's category (enum sk_event_category): the table's, except for
 * generic syscall events, which take their syscall's (syscalls.def).
 */
unsigned sk_evt_category(const struct sk_evt *e);

#endif
