/* SPDX-License-Identifier: Apache-2.0 */
/*
 * .scap reader: turns a capture into a stream of items (specs/scap-format.md
 * section 10.3). Blocks are read whole into a reader-owned buffer; list
 * blocks are then walked one entry per item.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "saker/scap.h"
#include "blocks.h"
#include "input.h"
#include "meta.h"

/* Longest input name kept for messages. */
#define SK_SCAP_NAME_MAX 256u

enum reader_phase {
	PHASE_START, /* expecting the first SHB */
	PHASE_META,  /* after an SHB, before the first event */
	PHASE_EVENTS,
	PHASE_DONE,
};

enum block_kind {
	BK_NONE,
	BK_IFACE,
	BK_USER,
	BK_PROC,
	BK_FD,
};

struct sk_scap_reader {
	struct sk_scap_input in;
	char name[SK_SCAP_NAME_MAX];
	enum reader_phase phase;
	int error; /* sticky: once set, every call returns it again */
	char errmsg[SK_SCAP_NAME_MAX + 600];
	/* The current block: body (and trailer) bytes. */
	uint8_t *buf;
	size_t cap;
	uint32_t btype;
	uint64_t boff;
	/* A list block being walked. */
	enum block_kind walking;
	bool v2;
	unsigned pl_version;
	bool begin_sent;
	struct sk_cur cur;
	/* Storage for the item being returned. */
	struct sk_scap_machine machine;
	struct sk_scap_iface iface;
	struct sk_scap_user user;
	struct sk_scap_proc proc;
	struct sk_scap_fd fd;
	uint8_t evbuf[SK_EVT_MAX_LEN + SK_EVT_HDR_LEN]; /* rebuilt legacy events */
};

static int fail(struct sk_scap_reader *r, uint64_t off, int rc, char *err, size_t errlen,
		const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static int fail(struct sk_scap_reader *r, uint64_t off, int rc, char *err, size_t errlen,
		const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(r->errmsg, sizeof(r->errmsg), "%s: offset %llu: %s", r->name,
		 (unsigned long long)off, msg);
	if (err && errlen)
		snprintf(err, errlen, "%s", r->errmsg);
	r->error = rc;
	r->phase = PHASE_DONE;
	return rc;
}

static struct sk_scap_reader *reader_new(const char *name)
{
	struct sk_scap_reader *r = calloc(1, sizeof(*r));

	if (r)
		snprintf(r->name, sizeof(r->name), "%s", name ? name : "<memory>");
	return r;
}

int sk_scap_reader_open(struct sk_scap_reader **out, const char *path, char *err, size_t errlen)
{
	struct sk_scap_reader *r = reader_new(path);
	char msg[256];
	int rc;

	*out = NULL;
	if (!r) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -ENOMEM;
	}
	rc = sk_scap_input_open_file(&r->in, path, msg, sizeof(msg));
	if (rc) {
		snprintf(err, errlen, "%s: %s", path, msg);
		free(r);
		return rc;
	}
	*out = r;
	return 0;
}

int sk_scap_reader_open_mem(struct sk_scap_reader **out, const void *buf, size_t len,
			    const char *name, char *err, size_t errlen)
{
	struct sk_scap_reader *r = reader_new(name);
	char msg[256];
	int rc;

	*out = NULL;
	if (!r) {
		snprintf(err, errlen, "%s: out of memory", name ? name : "<memory>");
		return -ENOMEM;
	}
	rc = sk_scap_input_open_mem(&r->in, buf, len, msg, sizeof(msg));
	if (rc) {
		snprintf(err, errlen, "%s: %s", r->name, msg);
		free(r);
		return rc;
	}
	*out = r;
	return 0;
}

uint64_t sk_scap_reader_offset(const struct sk_scap_reader *r)
{
	return r->in.offset;
}

void sk_scap_reader_free(struct sk_scap_reader *r)
{
	if (!r)
		return;
	sk_scap_input_close(&r->in);
	free(r->buf);
	free(r);
}

static bool is_event_block(uint32_t t)
{
	switch (t) {
	case SK_BT_EV:
	case SK_BT_EV_OLD:
	case SK_BT_EVF:
	case SK_BT_EV_V2:
	case SK_BT_EVF_V2:
	case SK_BT_EV_V2_LARGE:
	case SK_BT_EVF_V2_LARGE:
		return true;
	default:
		return false;
	}
}

static bool is_large_block(uint32_t t)
{
	return t == SK_BT_EV_V2_LARGE || t == SK_BT_EVF_V2_LARGE;
}

/* PL version of a block type, or 0 when it is not a process list. */
static unsigned pl_version(uint32_t t)
{
	switch (t) {
	case SK_BT_PL_V1:
	case SK_BT_PL_V1_OLD:
		return 1;
	case SK_BT_PL_V2:
	case SK_BT_PL_V2_OLD:
		return 2;
	case SK_BT_PL_V3:
	case SK_BT_PL_V3_OLD:
		return 3;
	default:
		if (t >= SK_BT_PL_V4 && t <= SK_BT_PL_V9)
			return t - SK_BT_PL_V4 + 4;
		return 0;
	}
}

/*
 * Read the next block into r->buf. Returns 1 with a block, 0 at the end of
 * the input on a block boundary, or -errno.
 */
static int read_block(struct sk_scap_reader *r, char *err, size_t errlen)
{
	uint32_t hdr[2], total, body;
	char msg[256];
	long long n;

	r->boff = r->in.offset;
	n = sk_scap_input_read(&r->in, hdr, sizeof(hdr), msg, sizeof(msg));
	if (n < 0)
		return fail(r, r->boff, (int)n, err, errlen, "%s", msg);
	if (n == 0)
		return 0;
	if (r->phase == PHASE_START && (n < 4 || hdr[0] != SK_BT_SHB))
		return fail(r, r->boff, -EINVAL, err, errlen,
			    "not a scap file (first block is not a section header)");
	if (n < (long long)sizeof(hdr))
		return fail(r, r->boff, -EINVAL, err, errlen,
			    "truncated block header (%lld of 8 bytes)", n);
	r->btype = hdr[0];
	total = hdr[1];
	if (total < SK_SCAP_BLOCK_OVERHEAD || total % 4 != 0)
		return fail(r, r->boff, -EINVAL, err, errlen,
			    "bad block length %u (block type 0x%x)", total, r->btype);
	if (is_event_block(r->btype) && !is_large_block(r->btype) &&
	    total - SK_SCAP_BLOCK_HDR_LEN > SK_SCAP_EV_BLOCK_MAX)
		return fail(r, r->boff, -E2BIG, err, errlen, "event block length %u exceeds %u",
			    total, SK_SCAP_EV_BLOCK_MAX + SK_SCAP_BLOCK_HDR_LEN);
	if (total > SK_SCAP_BLOCK_MAX)
		return fail(r, r->boff, -E2BIG, err, errlen, "block length %u exceeds %u", total,
			    SK_SCAP_BLOCK_MAX);
	body = total - SK_SCAP_BLOCK_HDR_LEN; /* body, padding and trailer */
	if (!r->in.gz && body > r->in.mem_len - r->in.mem_pos)
		return fail(r, r->boff, -EINVAL, err, errlen,
			    "block length %u runs past the end of the file (%zu bytes left)", total,
			    r->in.mem_len - r->in.mem_pos + sizeof(hdr));
	const uint8_t *bp;
	if (!r->in.gz) {
		/* Memory and mapped files: the block is parsed where it lies, read-only. */
		bp = r->in.mem + r->in.mem_pos;
		n = sk_scap_input_read(&r->in, NULL, body, msg, sizeof(msg));
	} else {
		if (body > r->cap) {
			uint8_t *nb = realloc(r->buf, body);

			if (!nb)
				return fail(r, r->boff, -ENOMEM, err, errlen, "out of memory");
			r->buf = nb;
			r->cap = body;
		}
		bp = r->buf;
		n = sk_scap_input_read(&r->in, r->buf, body, msg, sizeof(msg));
	}
	if (n < 0)
		return fail(r, r->boff, (int)n, err, errlen, "%s", msg);
	if (n < body)
		return fail(r, r->boff, -EINVAL, err, errlen,
			    "block length %u runs past the end of the file (%lld bytes left)",
			    total, n + (long long)sizeof(hdr));
	if (sk_get_u32(bp + body - 4) != total)
		return fail(r, r->boff, -EINVAL, err, errlen,
			    "block trailer %u does not match block length %u",
			    sk_get_u32(bp + body - 4), total);
	r->cur = (struct sk_cur){.p = bp, .len = body - 4};
	return 1;
}

static int section_header(struct sk_scap_reader *r, struct sk_scap_item *item, char *err,
			  size_t errlen)
{
	uint32_t magic = sk_cur_u32(&r->cur);
	uint16_t major = sk_cur_u16(&r->cur), minor = sk_cur_u16(&r->cur);

	sk_cur_u64(&r->cur); /* section length; options after it are skipped */
	if (r->cur.bad)
		return fail(r, r->boff, -EINVAL, err, errlen, "section header block too short");
	if (magic != SK_SCAP_BYTE_ORDER_MAGIC)
		return fail(r, r->boff, -EINVAL, err, errlen, "bad byte-order magic 0x%08x", magic);
	if (major > 1)
		return fail(r, r->boff, -ENOTSUP, err, errlen, "unsupported format version %u.%u",
			    major, minor);
	item->kind = SK_SCAP_SECTION;
	item->section.major = major;
	item->section.minor = minor;
	r->phase = PHASE_META;
	return 1;
}

/* Next entry of the list block being walked; 0 when the block is exhausted. */
static int walk_list(struct sk_scap_reader *r, struct sk_scap_item *item, char *err, size_t errlen)
{
	char msg[256];
	bool skip = false;
	int rc;

	if (!r->begin_sent && (r->walking == BK_IFACE || r->walking == BK_USER)) {
		r->begin_sent = true;
		item->kind =
		    r->walking == BK_IFACE ? SK_SCAP_IFACE_LIST_BEGIN : SK_SCAP_USER_LIST_BEGIN;
		return 1;
	}
	do {
		if (sk_cur_left(&r->cur) < 4) {
			r->walking = BK_NONE;
			return 0;
		}
		switch (r->walking) {
		case BK_IFACE:
			rc = sk_scap_iface_decode(&r->cur, r->v2, &r->iface, &skip, msg,
						  sizeof(msg));
			item->kind = SK_SCAP_IFACE;
			item->iface = &r->iface;
			break;
		case BK_USER:
			rc = sk_scap_user_decode(&r->cur, r->v2, &r->user, msg, sizeof(msg));
			item->kind = SK_SCAP_USER;
			item->user = &r->user;
			break;
		case BK_PROC:
			rc =
			    sk_scap_proc_decode(&r->cur, r->pl_version, &r->proc, msg, sizeof(msg));
			item->kind = SK_SCAP_PROC;
			item->proc = &r->proc;
			break;
		default:
			rc = sk_scap_fd_decode(&r->cur, r->v2, &r->fd, msg, sizeof(msg));
			item->kind = SK_SCAP_FD;
			item->fd = &r->fd;
			break;
		}
		if (rc)
			return fail(r, r->boff, rc, err, errlen, "%s", msg);
	} while (skip);
	return 1;
}

static void start_walk(struct sk_scap_reader *r, enum block_kind kind, bool v2)
{
	r->walking = kind;
	r->v2 = v2;
	r->begin_sent = false;
}

/* A metadata block: 1 with an item, 0 to go on with the next block, or -errno. */
static int metadata_block(struct sk_scap_reader *r, struct sk_scap_item *item, char *err,
			  size_t errlen)
{
	char msg[256];
	unsigned v = pl_version(r->btype);
	int rc;

	if (v) {
		r->pl_version = v;
		start_walk(r, BK_PROC, v == 9);
		return 0;
	}
	switch (r->btype) {
	case SK_BT_MI:
	case SK_BT_MI_OLD:
		rc = sk_scap_machine_decode(&r->cur, &r->machine, msg, sizeof(msg));
		if (rc)
			return fail(r, r->boff, rc, err, errlen, "%s", msg);
		item->kind = SK_SCAP_MACHINE;
		item->machine = &r->machine;
		return 1;
	case SK_BT_IL:
	case SK_BT_IL_OLD:
	case SK_BT_IL_V2:
		start_walk(r, BK_IFACE, r->btype == SK_BT_IL_V2);
		return 0;
	case SK_BT_UL:
	case SK_BT_UL_OLD:
	case SK_BT_UL_V2:
		start_walk(r, BK_USER, r->btype == SK_BT_UL_V2);
		return 0;
	case SK_BT_FDL:
	case SK_BT_FDL_OLD:
	case SK_BT_FDL_V2:
		r->fd.tid = (int64_t)sk_cur_u64(&r->cur);
		if (r->cur.bad)
			return fail(r, r->boff, -EINVAL, err, errlen, "fd list block too short");
		start_walk(r, BK_FD, r->btype == SK_BT_FDL_V2);
		return 0;
	default:
		return 0; /* unknown metadata block: skipped */
	}
}

/* Parameter count of a legacy event (scap-format.md 10.2), or -1. */
static int legacy_nparams(const uint8_t *ev, uint32_t len, const struct sk_event_info *info,
			  unsigned lsize, bool *corrupt)
{
	*corrupt = false;
	for (int n = info->nparams; n >= 0; n--) {
		uint64_t hdr = SK_EVT_HDR_V1_LEN + (uint64_t)lsize * (unsigned)n, sum = 0;

		if (hdr > len)
			continue;
		for (int i = 0; i < n; i++) {
			uint32_t l = 0;

			memcpy(&l, ev + SK_EVT_HDR_V1_LEN + (size_t)i * lsize, lsize);
			sum += l;
		}
		if (hdr + sum == len)
			return n;
		if (hdr + sum < len) {
			*corrupt = true;
			return -1;
		}
	}
	return -1;
}

static unsigned len_size(const struct sk_event_info *info)
{
	return (info->flags & SK_EF_LARGE_PAYLOAD) ? 4u : 2u;
}

/*
 * Rebuild a legacy event (22-byte header) at ev/avail into r->evbuf.
 * Returns 1 with out and outlen set, 0 to skip it (unknown code), or -errno.
 */
static int legacy_event(struct sk_scap_reader *r, const uint8_t *ev, size_t avail,
			const uint8_t **out, uint32_t *outlen, char *err, size_t errlen)
{
	struct sk_evt_hdr_v1 h;
	struct sk_evt_hdr nh;
	const struct sk_event_info *info;
	bool corrupt;
	int n;

	if (avail < SK_EVT_HDR_V1_LEN)
		return fail(r, r->boff, -EINVAL, err, errlen, "event block too short for a header");
	memcpy(&h, ev, sizeof(h));
	if (h.type == SK_SCAP_EVT_NOTIFICATION || h.type == SK_SCAP_EVT_INFRA)
		h.len = h.len >= 3 ? h.len - 3 : 0;
	if (h.len < SK_EVT_HDR_V1_LEN || h.len > avail)
		return fail(r, r->boff, -EINVAL, err, errlen,
			    "event length %u does not fit in its block (%zu bytes)", h.len, avail);
	info = sk_event_info_get(h.type);
	if (!info)
		return 0;
	if (h.len > SK_EVT_MAX_LEN)
		return fail(r, r->boff, -E2BIG, err, errlen, "legacy event length %u exceeds %u",
			    h.len, SK_EVT_MAX_LEN);
	n = legacy_nparams(ev, h.len, info, len_size(info), &corrupt);
	if (n < 0)
		return fail(r, r->boff, -EINVAL, err, errlen,
			    "legacy event (type %u, length %u): parameter lengths %s", h.type,
			    h.len,
			    corrupt ? "are shorter than the event" : "do not match the event");
	nh = (struct sk_evt_hdr){
	    .ts = h.ts, .tid = h.tid, .len = h.len + 4, .type = h.type, .nparams = (uint32_t)n};
	memcpy(r->evbuf, &nh, sizeof(nh));
	memcpy(r->evbuf + SK_EVT_HDR_LEN, ev + SK_EVT_HDR_V1_LEN, h.len - SK_EVT_HDR_V1_LEN);
	*out = r->evbuf;
	*outlen = nh.len;
	return 1;
}

/* Check a 26-byte-header event at ev/avail. Returns 1 to deliver, 0 to skip, or -errno. */
static int v2_event(struct sk_scap_reader *r, const uint8_t *ev, size_t avail, uint32_t *outlen,
		    char *err, size_t errlen)
{
	struct sk_evt_hdr h;
	const struct sk_event_info *info;
	uint64_t sum = 0;
	unsigned ls;

	if (avail < SK_EVT_HDR_LEN)
		return fail(r, r->boff, -EINVAL, err, errlen, "event block too short for a header");
	memcpy(&h, ev, sizeof(h));
	if (h.len < SK_EVT_HDR_LEN || h.len > avail)
		return fail(r, r->boff, -EINVAL, err, errlen,
			    "event length %u does not fit in its block (%zu bytes)", h.len, avail);
	info = sk_event_info_get(h.type);
	if (!info)
		return 0;
	ls = len_size(info);
	if ((uint64_t)h.nparams * ls > h.len - SK_EVT_HDR_LEN)
		return fail(r, r->boff, -EINVAL, err, errlen,
			    "event (type %u): %u parameters do not fit in length %u", h.type,
			    h.nparams, h.len);
	for (uint32_t i = 0; i < h.nparams; i++) {
		uint32_t l = 0;

		memcpy(&l, ev + SK_EVT_HDR_LEN + (size_t)i * ls, ls);
		sum += l;
	}
	if (SK_EVT_HDR_LEN + (uint64_t)h.nparams * ls + sum > h.len)
		return fail(
		    r, r->boff, -EINVAL, err, errlen,
		    "event (type %u): parameter lengths (%llu bytes) run past its length %u",
		    h.type, (unsigned long long)sum, h.len);
	*outlen = h.len;
	return 1;
}

static int event_block(struct sk_scap_reader *r, struct sk_scap_item *item, char *err,
		       size_t errlen)
{
	bool legacy = r->btype == SK_BT_EV || r->btype == SK_BT_EV_OLD || r->btype == SK_BT_EVF;
	bool with_flags =
	    r->btype == SK_BT_EVF || r->btype == SK_BT_EVF_V2 || r->btype == SK_BT_EVF_V2_LARGE;
	uint16_t cpu = sk_cur_u16(&r->cur);
	uint32_t flags = with_flags ? sk_cur_u32(&r->cur) : 0, len = 0;
	const uint8_t *ev;
	char msg[256];
	int rc;

	if (r->cur.bad)
		return fail(r, r->boff, -EINVAL, err, errlen, "event block too short");
	ev = r->cur.p + r->cur.pos;
	if (legacy)
		rc = legacy_event(r, ev, sk_cur_left(&r->cur), &ev, &len, err, errlen);
	else
		rc = v2_event(r, ev, sk_cur_left(&r->cur), &len, err, errlen);
	if (rc <= 0)
		return rc;
	rc = sk_evt_parse(&item->event, ev, len, msg, sizeof(msg));
	if (rc == -ENOENT)
		return 0;
	if (rc)
		return fail(r, r->boff, rc, err, errlen, "bad event: %s", msg);
	item->kind = SK_SCAP_EVENT;
	item->event.cpu = cpu;
	item->event.dump_flags = flags;
	return 1;
}

/* Dispatch one block read in the metadata or event phase. */
static int dispatch(struct sk_scap_reader *r, struct sk_scap_item *item, char *err, size_t errlen)
{
	if (r->btype == SK_BT_SHB) {
		if (r->phase == PHASE_META)
			return fail(r, r->boff, -EINVAL, err, errlen,
				    "no events in section (new section header before any event)");
		return section_header(r, item, err, errlen);
	}
	if (is_event_block(r->btype)) {
		r->phase = PHASE_EVENTS;
		return event_block(r, item, err, errlen);
	}
	if (r->phase == PHASE_EVENTS)
		return fail(r, r->boff, -EINVAL, err, errlen,
			    "unexpected block type 0x%x after events (expected an event or a "
			    "section header)",
			    r->btype);
	return metadata_block(r, item, err, errlen);
}

int sk_scap_reader_next(struct sk_scap_reader *r, struct sk_scap_item *item, char *err,
			size_t errlen)
{
	int rc;

	/*
	 * Only the common part is reset: the member of the union that the item's
	 * kind names is filled when the item is made (clearing the whole parsed
	 * event for every event costs more than reading it).
	 */
	item->kind = 0;
	item->offset = 0;
	if (r->error) {
		if (err && errlen)
			snprintf(err, errlen, "%s", r->errmsg);
		return r->error;
	}
	for (;;) {
		if (r->phase == PHASE_DONE)
			return 0;
		if (r->walking != BK_NONE) {
			item->offset = r->boff;
			rc = walk_list(r, item, err, errlen);
			if (rc != 0)
				return rc;
			continue;
		}
		rc = read_block(r, err, errlen);
		if (rc < 0)
			return rc;
		if (rc == 0) {
			if (r->phase == PHASE_START)
				return fail(r, r->boff, -EINVAL, err, errlen, "empty file");
			if (r->phase == PHASE_META)
				return fail(r, r->boff, -EINVAL, err, errlen, "no events in file");
			r->phase = PHASE_DONE;
			return 0;
		}
		item->offset = r->boff;
		if (r->phase == PHASE_START)
			rc = section_header(r, item, err, errlen);
		else
			rc = dispatch(r, item, err, errlen);
		if (rc != 0)
			return rc;
	}
}
