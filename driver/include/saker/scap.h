/* SPDX-License-Identifier: Apache-2.0 */
/*
 * .scap capture files: a reader that turns a file into a stream of items
 * (section starts, metadata records, events) and a writer that turns the same
 * items back into a file Debian sysdig reads. See specs/scap-format.md.
 */
#ifndef SAKER_SCAP_H
#define SAKER_SCAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "saker/event.h"

/* Caps on metadata strings (reader limits of scap-format.md). */
#define SK_SCAP_PATH_MAX 1024u
#define SK_SCAP_LIST_MAX 4096u
#define SK_SCAP_USER_STR_MAX 256u
#define SK_SCAP_HOSTNAME_MAX 128u
/* Largest block the reader accepts and the writer writes (LARGE event blocks included). */
#define SK_SCAP_BLOCK_MAX (64u << 20)
/* Largest inflated size of a gzip buffer given to sk_scap_reader_open_mem. */
#define SK_SCAP_MEM_INFLATE_MAX (256u << 20)

struct sk_scap_machine {
	uint32_t num_cpus;
	uint64_t memory_size_bytes;
	uint64_t max_pid;
	char hostname[SK_SCAP_HOSTNAME_MAX + 1];
	uint64_t boot_ts_epoch;
	uint64_t flags;
};

/* A counted string copied out of the file; buf is NUL-terminated too (buf[len] == 0). */
struct sk_scap_str {
	uint32_t len;
	char buf[SK_SCAP_PATH_MAX + 1];
};

/*
 * args, env, cgroups: NUL-separated entries, len bytes exactly as recorded
 * (a final NUL may be missing); buf[len] and buf[len + 1] are always 0 so
 * the last entry is terminated either way.
 */
struct sk_scap_list {
	uint32_t len;
	char buf[SK_SCAP_LIST_MAX + 2];
};

/*
 * One thread record of a process-list block (any version). Fields the
 * record's version does not carry keep the defaults of scap-format.md 8.1:
 * sid, vpgid, vtid, vpid, pgid = -1, loginuid = 0xFFFFFFFF, others 0/empty.
 */
struct sk_scap_proc {
	uint16_t version; /* 1..9 */
	int64_t tid, pid, ptid, sid, vpgid;
	struct sk_scap_str comm, exe, exepath, cwd, root;
	struct sk_scap_list args, env, cgroups;
	int64_t fdlimit;
	uint32_t flags, uid, gid;
	uint32_t vmsize_kb, vmrss_kb, vmswap_kb;
	uint64_t pfmajor, pfminor;
	int64_t vtid, vpid;
	uint64_t pidns_init_start_ts;
	uint32_t tty;
	uint32_t loginuid;
	uint8_t exe_writable, exe_upper_layer, exe_lower_layer, exe_from_memfd;
	uint64_t cap_inheritable, cap_permitted, cap_effective;
	uint64_t exe_ino, exe_ino_ctime, exe_ino_mtime;
	int64_t pgid;
};

/* One fd of a thread, from an fd-list block. */
struct sk_scap_fd {
	int64_t tid;
	int64_t fd;
	uint64_t ino;
	uint8_t type; /* enum sk_fd_type */
	/* FILE_V2 */
	uint32_t open_flags;
	uint32_t dev;
	/* sockets; addresses in network byte order as in the file */
	uint8_t sip[16], dip[16];
	uint16_t sport, dport;
	uint8_t l4proto;
	/* unix sockets */
	uint64_t unix_src, unix_dst;
	struct sk_scap_str name;
};

struct sk_scap_user {
	bool is_group;
	uint32_t uid, gid;
	char name[SK_SCAP_USER_STR_MAX + 1];
	char homedir[SK_SCAP_USER_STR_MAX + 1];
	char shell[SK_SCAP_USER_STR_MAX + 1];
};

struct sk_scap_iface {
	uint16_t type; /* 1 IPv4, 2 IPv6, 3/4 without link speed */
	uint8_t addr[16], netmask[16], bcast[16];
	uint64_t linkspeed;
	char name[SK_SCAP_PATH_MAX + 1];
};

enum sk_scap_item_kind {
	SK_SCAP_SECTION = 1, /* a section header: drop all state of the previous one */
	SK_SCAP_MACHINE,
	SK_SCAP_IFACE_LIST_BEGIN, /* a new interface list replaces the old one */
	SK_SCAP_IFACE,
	SK_SCAP_USER_LIST_BEGIN,  /* a new user list replaces the old one */
	SK_SCAP_USER,
	SK_SCAP_PROC,
	SK_SCAP_FD,
	SK_SCAP_EVENT,
};

/*
 * One item; the pointed-to data is owned by the reader and valid until the
 * next call. offset is the byte offset of the block the item comes from
 * (entries of a list block share their block's offset). Events are
 * delivered as recorded (enter and exit, old codes, no conversion); legacy
 * 22-byte-header events are rebuilt with the inferred nparams into a
 * reader-owned 26-byte-header copy.
 */
struct sk_scap_item {
	enum sk_scap_item_kind kind;
	uint64_t offset; /* byte offset of the block in the (inflated) file */
	union {
		struct {
			uint16_t major, minor;
		} section;
		const struct sk_scap_machine *machine;
		const struct sk_scap_iface *iface;
		const struct sk_scap_user *user;
		const struct sk_scap_proc *proc;
		const struct sk_scap_fd *fd;
		struct sk_evt event; /* parsed; hdr points at a 26-byte-header copy */
	};
};

struct sk_scap_reader;

/*
 * Open path for reading (gzip or plain; "-" is stdin). On failure returns
 * -errno and writes "path: message" into err.
 */
int sk_scap_reader_open(struct sk_scap_reader **out, const char *path, char *err, size_t errlen);

/*
 * Same over a memory buffer (fuzzing, tests); the buffer is borrowed and
 * must outlive the reader. A gzip buffer is inflated into a reader-owned
 * copy here (at most SK_SCAP_MEM_INFLATE_MAX bytes), so gzip errors are
 * reported by this call as "name: gzip: message". name may be NULL.
 */
int sk_scap_reader_open_mem(struct sk_scap_reader **out, const void *buf, size_t len,
			    const char *name, char *err, size_t errlen);

/*
 * Next item. Returns 1 with *item filled, 0 at the normal end of the file,
 * or -errno on a corrupt/unusable file with "name: offset N: message" in err
 * (N = byte offset of the offending block in the inflated input). Errors are
 * sticky: later calls return the same error. Events with codes outside the
 * table are skipped silently, as sysdig does (they consume no evt.num).
 * Unknown metadata blocks are skipped; a section header after events starts
 * a new section (SK_SCAP_SECTION item); a section without events is an error.
 */
int sk_scap_reader_next(struct sk_scap_reader *r, struct sk_scap_item *item, char *err,
			size_t errlen);

/* Bytes of (inflated) input consumed so far. */
uint64_t sk_scap_reader_offset(const struct sk_scap_reader *r);

/* Close the input and free r and every item it returned; r may be NULL. */
void sk_scap_reader_free(struct sk_scap_reader *r);

struct sk_scap_writer;

struct sk_scap_writer_opts {
	bool gzip; /* compress the output */
};

/*
 * Create path ("-" = stdout) for writing; opts may be NULL (uncompressed).
 * On failure returns -errno with "path: message" in err. The writer is
 * owned by the caller until sk_scap_writer_close.
 */
int sk_scap_writer_open(struct sk_scap_writer **out, const char *path,
			const struct sk_scap_writer_opts *opts, char *err, size_t errlen);

/*
 * Write one item (borrowed; copied before returning). Metadata items are
 * encoded and buffered until the first event of their section, then written
 * as SHB 1.2, MI, IL_V2, UL_V2, PL_V9 (29-byte tail), one FDL_V2 per thread,
 * each block only if items of its kind were given (a PL/FDL block is split
 * beyond 4 MiB). Items before any SK_SCAP_SECTION start one implicitly. A
 * metadata item after an event of its section is refused (-EINVAL): start a
 * new section. A section that ends without events (next SK_SCAP_SECTION or
 * close) gets one procinfo (234) event, which sysdig hides. Events are
 * written as EV_V2 blocks (EVF_V2 when dump_flags != 0, the LARGE variants
 * for EF_LARGE_PAYLOAD types and events too big for a 64 KiB block).
 */
int sk_scap_writer_write(struct sk_scap_writer *w, const struct sk_scap_item *item, char *err,
			 size_t errlen);

/*
 * Write a raw event (26-byte header form, borrowed) produced by cpu.
 * dump_flags bit 0 = state only; value 4 requests a LARGE block and is not
 * written. Returns 0 or -errno with "path: message" in err.
 */
int sk_scap_writer_write_event(struct sk_scap_writer *w, const void *evt, size_t len, uint16_t cpu,
			       uint32_t dump_flags, char *err, size_t errlen);

/*
 * End the last section (see above), flush and close; returns the first
 * output error met. Frees w (which may be NULL). An empty writer still
 * produces a readable file of one section with one procinfo event.
 */
int sk_scap_writer_close(struct sk_scap_writer *w, char *err, size_t errlen);

#endif
