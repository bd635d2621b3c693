/* SPDX-License-Identifier: Apache-2.0 */
/* Process-list records, PL V1..V9 (specs/scap-format.md section 8). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "meta.h"

/* Read a str16 of at most max bytes into buf (NUL-terminated, two NULs for lists). */
static int get_str16(struct sk_cur *c, const char *what, uint32_t max, char *buf, uint32_t *len,
		     char *err, size_t errlen)
{
	uint16_t n = sk_cur_u16(c);

	if (c->bad)
		goto trunc;
	if (n > max) {
		snprintf(err, errlen, "process list: %s length %u exceeds %u", what, n, max);
		return -EINVAL;
	}
	if (!sk_cur_take(c, buf, n))
		goto trunc;
	buf[n] = '\0';
	*len = n;
	return 0;
trunc:
	snprintf(err, errlen, "process list: record truncated in %s", what);
	return -EINVAL;
}

static int get_str(struct sk_cur *c, const char *what, struct sk_scap_str *s, char *err,
		   size_t errlen)
{
	return get_str16(c, what, SK_SCAP_PATH_MAX, s->buf, &s->len, err, errlen);
}

static int get_list(struct sk_cur *c, const char *what, struct sk_scap_list *l, char *err,
		    size_t errlen)
{
	int rc = get_str16(c, what, SK_SCAP_LIST_MAX, l->buf, &l->len, err, errlen);

	if (rc == 0)
		l->buf[l->len + 1] = '\0';
	return rc;
}

static void proc_defaults(struct sk_scap_proc *p, unsigned version)
{
	memset(p, 0, sizeof(*p));
	p->version = (uint16_t)version;
	p->sid = -1;
	p->vpgid = -1;
	p->vtid = -1;
	p->vpid = -1;
	p->pgid = -1;
	p->loginuid = UINT32_MAX;
}

/* Read the field of size n at c if it still fits in the record, else leave the default. */
#define TAIL(c, field)                                                                             \
	do {                                                                                       \
		if (sk_cur_left(c) >= sizeof(field))                                               \
			sk_cur_take(c, &(field), sizeof(field));                                   \
		else                                                                               \
			goto tail_done;                                                            \
	} while (0)

static void decode_tail(struct sk_cur *c, struct sk_scap_proc *p)
{
	if (sk_cur_left(c) > SK_SCAP_PL_V9_OLD_TAIL_MAX) {
		TAIL(c, p->pidns_init_start_ts);
		TAIL(c, p->tty);
	}
	TAIL(c, p->loginuid);
	TAIL(c, p->exe_writable);
	TAIL(c, p->cap_inheritable);
	TAIL(c, p->cap_permitted);
	TAIL(c, p->cap_effective);
	TAIL(c, p->exe_upper_layer);
	TAIL(c, p->exe_ino);
	TAIL(c, p->exe_ino_ctime);
	TAIL(c, p->exe_ino_mtime);
	TAIL(c, p->exe_from_memfd);
	TAIL(c, p->exe_lower_layer);
	TAIL(c, p->pgid);
tail_done:
	c->pos = c->len; /* fields a newer writer appended are skipped */
}

static int decode_fields(struct sk_cur *c, unsigned v, struct sk_scap_proc *p, char *err,
			 size_t errlen)
{
	int rc;

	p->tid = (int64_t)sk_cur_u64(c);
	p->pid = (int64_t)sk_cur_u64(c);
	p->ptid = (int64_t)sk_cur_u64(c);
	if (v >= 6)
		p->sid = (int64_t)sk_cur_u64(c);
	if (v >= 8)
		p->vpgid = (int64_t)sk_cur_u64(c);
	if ((rc = get_str(c, "comm", &p->comm, err, errlen)) ||
	    (rc = get_str(c, "exe", &p->exe, err, errlen)))
		return rc;
	if (v >= 7 && (rc = get_str(c, "exepath", &p->exepath, err, errlen)))
		return rc;
	if ((rc = get_list(c, "args", &p->args, err, errlen)) ||
	    (rc = get_str(c, "cwd", &p->cwd, err, errlen)))
		return rc;
	p->fdlimit = (int64_t)sk_cur_u64(c);
	p->flags = sk_cur_u32(c);
	p->uid = sk_cur_u32(c);
	p->gid = sk_cur_u32(c);
	if (v >= 2) {
		p->vmsize_kb = sk_cur_u32(c);
		p->vmrss_kb = sk_cur_u32(c);
		p->vmswap_kb = sk_cur_u32(c);
		p->pfmajor = sk_cur_u64(c);
		p->pfminor = sk_cur_u64(c);
	}
	if (v >= 3 && (rc = get_list(c, "env", &p->env, err, errlen)))
		return rc;
	if (v >= 4) {
		p->vtid = (int64_t)sk_cur_u64(c);
		p->vpid = (int64_t)sk_cur_u64(c);
		if ((rc = get_list(c, "cgroups", &p->cgroups, err, errlen)))
			return rc;
	}
	if (v >= 5 && (rc = get_str(c, "root", &p->root, err, errlen)))
		return rc;
	if (c->bad) {
		snprintf(err, errlen, "process list: record truncated");
		return -EINVAL;
	}
	return 0;
}

int sk_scap_proc_decode(struct sk_cur *c, unsigned version, struct sk_scap_proc *p, char *err,
			size_t errlen)
{
	struct sk_cur rec;
	uint32_t entry_len;
	int rc;

	proc_defaults(p, version);
	if (version < 9)
		return decode_fields(c, version, p, err, errlen);
	rec = (struct sk_cur){.p = c->p + c->pos, .len = sk_cur_left(c)};
	entry_len = sk_cur_u32(&rec);
	if (rec.bad || entry_len < 4 || entry_len > rec.len) {
		snprintf(err, errlen, "process list: record length %u does not fit in the block",
			 entry_len);
		return -EINVAL;
	}
	rec.len = entry_len;
	if ((rc = decode_fields(&rec, version, p, err, errlen)))
		return rc;
	decode_tail(&rec, p);
	c->pos += entry_len;
	return 0;
}

static uint32_t clamp_len(uint32_t len, uint32_t max)
{
	return len < max ? len : max;
}

void sk_scap_proc_encode(struct sk_wbuf *b, const struct sk_scap_proc *p)
{
	size_t start = b->len;

	sk_wbuf_u32(b, 0); /* entry_len, patched below */
	sk_wbuf_u64(b, (uint64_t)p->tid);
	sk_wbuf_u64(b, (uint64_t)p->pid);
	sk_wbuf_u64(b, (uint64_t)p->ptid);
	sk_wbuf_u64(b, (uint64_t)p->sid);
	sk_wbuf_u64(b, (uint64_t)p->vpgid);
	sk_wbuf_str16(b, p->comm.buf, clamp_len(p->comm.len, SK_SCAP_PATH_MAX));
	sk_wbuf_str16(b, p->exe.buf, clamp_len(p->exe.len, SK_SCAP_PATH_MAX));
	sk_wbuf_str16(b, p->exepath.buf, clamp_len(p->exepath.len, SK_SCAP_PATH_MAX));
	sk_wbuf_str16(b, p->args.buf, clamp_len(p->args.len, SK_SCAP_LIST_MAX));
	sk_wbuf_str16(b, p->cwd.buf, clamp_len(p->cwd.len, SK_SCAP_PATH_MAX));
	sk_wbuf_u64(b, (uint64_t)p->fdlimit);
	sk_wbuf_u32(b, p->flags);
	sk_wbuf_u32(b, p->uid);
	sk_wbuf_u32(b, p->gid);
	sk_wbuf_u32(b, p->vmsize_kb);
	sk_wbuf_u32(b, p->vmrss_kb);
	sk_wbuf_u32(b, p->vmswap_kb);
	sk_wbuf_u64(b, p->pfmajor);
	sk_wbuf_u64(b, p->pfminor);
	sk_wbuf_str16(b, p->env.buf, clamp_len(p->env.len, SK_SCAP_LIST_MAX));
	sk_wbuf_u64(b, (uint64_t)p->vtid);
	sk_wbuf_u64(b, (uint64_t)p->vpid);
	sk_wbuf_str16(b, p->cgroups.buf, clamp_len(p->cgroups.len, SK_SCAP_LIST_MAX));
	sk_wbuf_str16(b, p->root.buf, clamp_len(p->root.len, SK_SCAP_PATH_MAX));
	/* The mid-2022 tail: read correctly by Debian sysdig and by current libs. */
	sk_wbuf_u32(b, p->loginuid);
	sk_wbuf_u8(b, p->exe_writable);
	sk_wbuf_u64(b, p->cap_inheritable);
	sk_wbuf_u64(b, p->cap_permitted);
	sk_wbuf_u64(b, p->cap_effective);
	sk_wbuf_set_u32(b, start, (uint32_t)(b->len - start));
}
