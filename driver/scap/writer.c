/* SPDX-License-Identifier: Apache-2.0 */
/*
 * .scap writer: files Debian sysdig 0.29.3 reads (specs/scap-format.md
 * section 11). Metadata items of a section are encoded into buffers as they
 * arrive and written, in the order SHB MI IL_V2 UL_V2 PL_V9 FDL_V2*, just
 * before the first event of the section.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "saker/scap.h"
#include "blocks.h"
#include "meta.h"

/* A PL or FDL block is split at an entry boundary beyond this body size. */
#define SK_SCAP_WRITER_LIST_BLOCK_MAX (4u << 20)
/* Cap on the metadata buffered for one section. */
#define SK_SCAP_WRITER_META_MAX (256u << 20)
/* Longest output name kept for messages. */
#define SK_SCAP_WRITER_NAME_MAX 256u
/* dump_flags bit that asks for a LARGE block; never written. */
#define SK_SCAP_DUMP_FLAG_LARGE 4u
/* procinfo: the event a section without events gets (hidden by sysdig). */
#define SK_SCAP_EVT_PROCINFO 234u

struct thread_fds {
	int64_t tid;
	struct sk_wbuf entries; /* FDL_V2 entries */
};

struct sk_scap_writer {
	gzFile out;
	char name[SK_SCAP_WRITER_NAME_MAX];
	int error; /* first write error; later calls fail with it */
	char errmsg[256];
	/* Section state. */
	bool section_pending; /* a section was started; its SHB is not written yet */
	bool section_written; /* SHB and metadata written */
	bool section_has_events;
	bool have_machine, have_ifaces, have_users;
	int64_t first_tid; /* tid of the first thread record, for the filler event */
	bool have_first_tid;
	size_t meta_bytes;
	struct sk_wbuf machine, ifaces, users, procs;
	struct thread_fds *fds;
	size_t nfds, capfds;
	struct sk_wbuf block; /* scratch for one block */
};

static int werr(struct sk_scap_writer *w, int rc, char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static int werr(struct sk_scap_writer *w, int rc, char *err, size_t errlen, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (err && errlen)
		snprintf(err, errlen, "%s: %s", w->name, msg);
	return rc;
}

/* Record a failure of the output itself: the writer is unusable afterwards. */
static int wfatal(struct sk_scap_writer *w, int rc, char *err, size_t errlen, const char *what)
{
	if (!w->error) {
		w->error = rc;
		snprintf(w->errmsg, sizeof(w->errmsg), "%s", what);
	}
	return werr(w, rc, err, errlen, "%s", w->errmsg);
}

int sk_scap_writer_open(struct sk_scap_writer **out, const char *path,
			const struct sk_scap_writer_opts *opts, char *err, size_t errlen)
{
	struct sk_scap_writer *w = calloc(1, sizeof(*w));
	const char *mode = (opts && opts->gzip) ? "wb6" : "wbT";

	*out = NULL;
	if (!w) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -ENOMEM;
	}
	snprintf(w->name, sizeof(w->name), "%s", path);
	errno = 0;
	if (strcmp(path, "-") == 0) {
		int fd = dup(STDOUT_FILENO);

		w->out = fd >= 0 ? gzdopen(fd, mode) : NULL;
		if (!w->out && fd >= 0)
			close(fd);
	} else {
		w->out = gzopen(path, mode);
	}
	if (!w->out) {
		int e = errno ? errno : ENOMEM;

		snprintf(err, errlen, "%s: cannot open for writing: %s", path, strerror(e));
		free(w);
		return -e;
	}
	*out = w;
	return 0;
}

static int put(struct sk_scap_writer *w, const void *p, size_t n, char *err, size_t errlen)
{
	int zerr;

	if (w->error)
		return werr(w, w->error, err, errlen, "%s", w->errmsg);
	while (n) {
		unsigned chunk = n > (1u << 30) ? (1u << 30) : (unsigned)n;

		if (gzwrite(w->out, p, chunk) != (int)chunk) {
			const char *msg = gzerror(w->out, &zerr);
			char what[200];

			snprintf(what, sizeof(what), "write failed: %s",
				 zerr == Z_ERRNO ? strerror(errno) : msg);
			return wfatal(w, -EIO, err, errlen, what);
		}
		p = (const uint8_t *)p + chunk;
		n -= chunk;
	}
	return 0;
}

/* Write one block: header, the body parts, zero padding, trailer. */
static int put_block(struct sk_scap_writer *w, uint32_t type, const void *b1, size_t n1,
		     const void *b2, size_t n2, char *err, size_t errlen)
{
	static const uint8_t zero[4];
	uint64_t body = (uint64_t)n1 + n2;
	uint64_t padded = (body + 3) & ~(uint64_t)3;
	uint64_t total = SK_SCAP_BLOCK_OVERHEAD + padded;
	uint32_t hdr[2] = {type, (uint32_t)total};
	uint32_t trailer = (uint32_t)total;
	int rc;

	if (total > SK_SCAP_BLOCK_MAX)
		return werr(w, -E2BIG, err, errlen, "block of %llu bytes exceeds %u",
			    (unsigned long long)total, SK_SCAP_BLOCK_MAX);
	if ((rc = put(w, hdr, sizeof(hdr), err, errlen)) || (rc = put(w, b1, n1, err, errlen)) ||
	    (rc = put(w, b2, n2, err, errlen)) || (rc = put(w, zero, padded - body, err, errlen)) ||
	    (rc = put(w, &trailer, sizeof(trailer), err, errlen)))
		return rc;
	return 0;
}

static void meta_reset(struct sk_scap_writer *w)
{
	w->machine.len = w->ifaces.len = w->users.len = w->procs.len = 0;
	for (size_t i = 0; i < w->nfds; i++)
		sk_wbuf_free(&w->fds[i].entries);
	w->nfds = 0;
	w->have_machine = w->have_ifaces = w->have_users = false;
	w->have_first_tid = false;
	w->meta_bytes = 0;
}

/*
 * Write a list block of entries (already encoded), split at entry
 * boundaries every SK_SCAP_WRITER_LIST_BLOCK_MAX bytes. prefix (the FDL
 * tid) is repeated at the head of each block. entry_len_of gives the size
 * of the entry at p.
 */
static int put_list_blocks(struct sk_scap_writer *w, uint32_t type, const void *prefix,
			   size_t prefix_len, const struct sk_wbuf *entries, bool len_includes_self,
			   char *err, size_t errlen)
{
	size_t pos = 0;

	do {
		size_t end = pos;

		while (end < entries->len) {
			size_t elen = sk_get_u32(entries->p + end) + (len_includes_self ? 0 : 4);

			if (end > pos && end - pos + elen > SK_SCAP_WRITER_LIST_BLOCK_MAX)
				break;
			end += elen;
		}
		w->block.len = 0;
		sk_wbuf_put(&w->block, prefix, prefix_len);
		sk_wbuf_put(&w->block, entries->p + pos, end - pos);
		if (w->block.oom)
			return werr(w, -ENOMEM, err, errlen, "out of memory");
		int rc = put_block(w, type, w->block.p, w->block.len, NULL, 0, err, errlen);

		if (rc)
			return rc;
		pos = end;
	} while (pos < entries->len);
	return 0;
}

static int flush_section(struct sk_scap_writer *w, char *err, size_t errlen)
{
	uint8_t shb[SK_SCAP_SHB_BODY_LEN];
	uint32_t magic = SK_SCAP_BYTE_ORDER_MAGIC;
	uint16_t major = 1, minor = 2;
	uint64_t seclen = UINT64_MAX;
	int rc;

	memcpy(shb, &magic, 4);
	memcpy(shb + 4, &major, 2);
	memcpy(shb + 6, &minor, 2);
	memcpy(shb + 8, &seclen, 8);
	if ((rc = put_block(w, SK_BT_SHB, shb, sizeof(shb), NULL, 0, err, errlen)))
		return rc;
	if (w->have_machine &&
	    (rc = put_block(w, SK_BT_MI, w->machine.p, w->machine.len, NULL, 0, err, errlen)))
		return rc;
	if (w->have_ifaces &&
	    (rc = put_block(w, SK_BT_IL_V2, w->ifaces.p, w->ifaces.len, NULL, 0, err, errlen)))
		return rc;
	if (w->have_users &&
	    (rc = put_block(w, SK_BT_UL_V2, w->users.p, w->users.len, NULL, 0, err, errlen)))
		return rc;
	if (w->procs.len &&
	    (rc = put_list_blocks(w, SK_BT_PL_V9, NULL, 0, &w->procs, true, err, errlen)))
		return rc;
	for (size_t i = 0; i < w->nfds; i++) {
		uint64_t tid = (uint64_t)w->fds[i].tid;

		rc = put_list_blocks(w, SK_BT_FDL_V2, &tid, sizeof(tid), &w->fds[i].entries, true,
				     err, errlen);
		if (rc)
			return rc;
	}
	w->section_written = true;
	meta_reset(w);
	return 0;
}

/* Start a section implicitly when items arrive before any SECTION item. */
static void ensure_section(struct sk_scap_writer *w)
{
	if (!w->section_pending && !w->section_written) {
		w->section_pending = true;
		w->section_has_events = false;
	}
}

/* The header checks an event must pass before anything of its section is written. */
static int check_event(struct sk_scap_writer *w, const void *evt, size_t len, char *err,
		       size_t errlen)
{
	struct sk_evt_hdr h;

	if (len < SK_EVT_HDR_LEN)
		return werr(w, -EINVAL, err, errlen,
			    "event of %zu bytes is shorter than its header", len);
	memcpy(&h, evt, sizeof(h));
	if (h.len != len)
		return werr(w, -EINVAL, err, errlen, "event length field %u does not match %zu",
			    h.len, len);
	return 0;
}

static int write_event_block(struct sk_scap_writer *w, const void *evt, size_t len, uint16_t cpu,
			     uint32_t dump_flags, char *err, size_t errlen)
{
	const struct sk_event_info *info;
	struct sk_evt_hdr h;
	uint8_t head[6];
	size_t headlen = 2;
	bool large = dump_flags & SK_SCAP_DUMP_FLAG_LARGE;
	uint32_t type;

	memcpy(&h, evt, sizeof(h));
	info = sk_event_info_get(h.type);
	if (info && (info->flags & SK_EF_LARGE_PAYLOAD))
		large = true;
	dump_flags &= ~SK_SCAP_DUMP_FLAG_LARGE;
	memcpy(head, &cpu, 2);
	if (dump_flags) {
		memcpy(head + 2, &dump_flags, 4);
		headlen = 6;
	}
	if (!large && sk_pad4((uint32_t)(headlen + len)) + 4 > SK_SCAP_EV_BLOCK_MAX)
		large = true;
	if (large)
		type = dump_flags ? SK_BT_EVF_V2_LARGE : SK_BT_EV_V2_LARGE;
	else
		type = dump_flags ? SK_BT_EVF_V2 : SK_BT_EV_V2;
	return put_block(w, type, head, headlen, evt, len, err, errlen);
}

static int begin_events(struct sk_scap_writer *w, char *err, size_t errlen)
{
	int rc;

	ensure_section(w);
	if (!w->section_written && (rc = flush_section(w, err, errlen)))
		return rc;
	w->section_has_events = true;
	return 0;
}

int sk_scap_writer_write_event(struct sk_scap_writer *w, const void *evt, size_t len, uint16_t cpu,
			       uint32_t dump_flags, char *err, size_t errlen)
{
	int rc;

	if (w->error)
		return werr(w, w->error, err, errlen, "%s", w->errmsg);
	if ((rc = check_event(w, evt, len, err, errlen)) || (rc = begin_events(w, err, errlen)))
		return rc;
	return write_event_block(w, evt, len, cpu, dump_flags, err, errlen);
}

/* A section must hold an event: give an empty one a procinfo event. */
static int end_section(struct sk_scap_writer *w, char *err, size_t errlen)
{
	struct {
		struct sk_evt_hdr h;
		uint16_t lens[2];
		uint64_t vals[2];
	} __attribute__((packed)) ev;
	int rc;

	if (!w->section_pending && !w->section_written)
		return 0;
	if (!w->section_has_events) {
		memset(&ev, 0, sizeof(ev));
		ev.h.tid = w->have_first_tid ? (uint64_t)w->first_tid : UINT64_MAX;
		ev.h.len = sizeof(ev);
		ev.h.type = SK_SCAP_EVT_PROCINFO;
		ev.h.nparams = 2;
		ev.lens[0] = ev.lens[1] = 8;
		if ((rc = sk_scap_writer_write_event(w, &ev, sizeof(ev), 0, 0, err, errlen)))
			return rc;
	}
	w->section_pending = w->section_written = w->section_has_events = false;
	meta_reset(w);
	return 0;
}

static struct thread_fds *thread_fds_get(struct sk_scap_writer *w, int64_t tid)
{
	for (size_t i = w->nfds; i-- > 0;)
		if (w->fds[i].tid == tid)
			return &w->fds[i];
	if (w->nfds == w->capfds) {
		size_t ncap = w->capfds ? w->capfds * 2 : 64;
		struct thread_fds *n = realloc(w->fds, ncap * sizeof(*n));

		if (!n)
			return NULL;
		w->fds = n;
		w->capfds = ncap;
	}
	w->fds[w->nfds] = (struct thread_fds){.tid = tid};
	return &w->fds[w->nfds++];
}

static int add_fd(struct sk_scap_writer *w, const struct sk_scap_fd *fd, char *err, size_t errlen)
{
	struct thread_fds *t;
	size_t before;

	if (fd->type < SK_FD_FILE || fd->type >= SK_FD_TYPE_MAX)
		return werr(w, -EINVAL, err, errlen, "fd %lld of thread %lld has unknown type %u",
			    (long long)fd->fd, (long long)fd->tid, fd->type);
	t = thread_fds_get(w, fd->tid);
	if (!t)
		return werr(w, -ENOMEM, err, errlen, "out of memory");
	before = t->entries.len;
	sk_scap_fd_encode(&t->entries, fd);
	if (t->entries.oom)
		return werr(w, -ENOMEM, err, errlen, "out of memory");
	w->meta_bytes += t->entries.len - before;
	return 0;
}

/* Encode a metadata item into the section's buffers. */
static int add_metadata(struct sk_scap_writer *w, const struct sk_scap_item *item, char *err,
			size_t errlen)
{
	struct sk_wbuf *b = NULL;
	size_t before;

	switch (item->kind) {
	case SK_SCAP_MACHINE:
		b = &w->machine;
		b->len = 0;
		w->have_machine = true;
		sk_scap_machine_encode(b, item->machine);
		break;
	case SK_SCAP_IFACE_LIST_BEGIN:
		w->ifaces.len = 0;
		w->have_ifaces = true;
		return 0;
	case SK_SCAP_IFACE:
		b = &w->ifaces;
		w->have_ifaces = true;
		sk_scap_iface_encode(b, item->iface);
		break;
	case SK_SCAP_USER_LIST_BEGIN:
		w->users.len = 0;
		w->have_users = true;
		return 0;
	case SK_SCAP_USER:
		b = &w->users;
		w->have_users = true;
		sk_scap_user_encode(b, item->user);
		break;
	case SK_SCAP_PROC:
		b = &w->procs;
		before = b->len;
		sk_scap_proc_encode(b, item->proc);
		if (!w->have_first_tid) {
			w->first_tid = item->proc->tid;
			w->have_first_tid = true;
		}
		w->meta_bytes += b->len - before;
		break;
	case SK_SCAP_FD:
		return add_fd(w, item->fd, err, errlen);
	default:
		return werr(w, -EINVAL, err, errlen, "unknown item kind %d", (int)item->kind);
	}
	if (b->oom)
		return werr(w, -ENOMEM, err, errlen, "out of memory");
	return 0;
}

int sk_scap_writer_write(struct sk_scap_writer *w, const struct sk_scap_item *item, char *err,
			 size_t errlen)
{
	int rc;

	if (w->error)
		return werr(w, w->error, err, errlen, "%s", w->errmsg);
	switch (item->kind) {
	case SK_SCAP_SECTION:
		if ((rc = end_section(w, err, errlen)))
			return rc;
		w->section_pending = true;
		return 0;
	case SK_SCAP_EVENT:
		if (!item->event.hdr)
			return werr(w, -EINVAL, err, errlen, "event item without an event");
		return sk_scap_writer_write_event(w, item->event.hdr, item->event.hdr->len,
						  item->event.cpu, item->event.dump_flags, err,
						  errlen);
	default:
		break;
	}
	ensure_section(w);
	if (w->section_written)
		return werr(
		    w, -EINVAL, err, errlen,
		    "metadata item after the first event of a section (start a new section)");
	if ((rc = add_metadata(w, item, err, errlen)))
		return rc;
	if (w->meta_bytes + w->ifaces.len + w->users.len > SK_SCAP_WRITER_META_MAX)
		return werr(w, -E2BIG, err, errlen, "section metadata exceeds %u bytes",
			    SK_SCAP_WRITER_META_MAX);
	return 0;
}

int sk_scap_writer_close(struct sk_scap_writer *w, char *err, size_t errlen)
{
	int rc = 0, zrc;

	if (!w)
		return 0;
	if (!w->section_pending && !w->section_written && !w->error)
		w->section_pending = true; /* an empty capture still gets one section */
	if (!w->error)
		rc = end_section(w, err, errlen);
	else
		rc = werr(w, w->error, err, errlen, "%s", w->errmsg);
	zrc = gzclose(w->out);
	if (!rc && zrc != Z_OK)
		rc = werr(w, -EIO, err, errlen, "close failed (%d)", zrc);
	meta_reset(w);
	sk_wbuf_free(&w->machine);
	sk_wbuf_free(&w->ifaces);
	sk_wbuf_free(&w->users);
	sk_wbuf_free(&w->procs);
	sk_wbuf_free(&w->block);
	free(w->fds);
	free(w);
	return rc;
}
