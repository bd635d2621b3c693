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
/* Largest block the reader accepts (LARGE event blocks included). */
#define SK_SCAP_BLOCK_MAX (64u << 20)

struct sk_scap_machine {
	uint32_t num_cpus;
	uint64_t memory_size_bytes;
	uint64_t max_pid;
	char hostname[SK_SCAP_HOSTNAME_MAX + 1];
	uint64_t boot_ts_epoch;
	uint64_t flags;
};

/* A counted string copied out of the file; buf is NUL-terminated too. */
struct sk_scap_str {
	uint32_t len;
	char buf[SK_SCAP_PATH_MAX + 1];
};

struct sk_scap_list { /* args, env, cgroups: NUL-separated entries */
	uint32_t len;
	char buf[SK_SCAP_LIST_MAX + 2];
};

/* One thread record of a process-list block (any version). */
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

/* One item; the pointed-to data is owned by the reader and valid until the next call. */
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

/* Same over a memory buffer (fuzzing, tests); the buffer must outlive the reader. */
int sk_scap_reader_open_mem(struct sk_scap_reader **out, const void *buf, size_t len,
			    const char *name, char *err, size_t errlen);

/*
 * Next item. Returns 1 with *item filled, 0 at the normal end of the file,
 * or -errno on a corrupt/unusable file with "name: offset N: message" in err.
 * Events with codes outside the table are skipped silently, as sysdig does.
 */
int sk_scap_reader_next(struct sk_scap_reader *r, struct sk_scap_item *item, char *err,
			size_t errlen);

/* Bytes of (inflated) input consumed so far. */
uint64_t sk_scap_reader_offset(const struct sk_scap_reader *r);

void sk_scap_reader_free(struct sk_scap_reader *r);

struct sk_scap_writer;

struct sk_scap_writer_opts {
	bool gzip; /* compress the output */
};

int sk_scap_writer_open(struct sk_scap_writer **out, const char *path,
			const struct sk_scap_writer_opts *opts, char *err, size_t errlen);

/*
 * Write one item. Metadata items are buffered until the first event of a
 * section (so a section always has MI, IL_V2, UL_V2, PL_V9, FDL_V2 in that
 * order, and at least one event). Events are written as EV_V2 blocks (EVF_V2
 * when dump_flags != 0, the LARGE variants for large-payload types).
 */
int sk_scap_writer_write(struct sk_scap_writer *w, const struct sk_scap_item *item, char *err,
			 size_t errlen);

/* Write a raw event (26-byte header form) produced by cpu. */
int sk_scap_writer_write_event(struct sk_scap_writer *w, const void *evt, size_t len, uint16_t cpu,
			       uint32_t dump_flags, char *err, size_t errlen);

/* Flush and close; returns the first error met. Frees w. */
int sk_scap_writer_close(struct sk_scap_writer *w, char *err, size_t errlen);

#endif
