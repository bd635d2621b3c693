/* SPDX-License-Identifier: Apache-2.0 */
/* fd-list entries, FDL and FDL_V2 (specs/scap-format.md section 9). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "meta.h"

static bool fd_type_has_name(uint8_t type)
{
	switch (type) {
	case SK_FD_IPV4_SOCK:
	case SK_FD_IPV6_SOCK:
	case SK_FD_IPV4_SERVSOCK:
	case SK_FD_IPV6_SERVSOCK:
		return false;
	default:
		return true;
	}
}

static int get_name(struct sk_cur *c, struct sk_scap_fd *fd, char *err, size_t errlen)
{
	uint16_t n = sk_cur_u16(c);

	if (c->bad)
		return 0; /* reported by the caller as truncation */
	if (n > SK_SCAP_PATH_MAX) {
		snprintf(err, errlen, "fd list: fd %lld name length %u exceeds %u",
			 (long long)fd->fd, n, SK_SCAP_PATH_MAX);
		return -EINVAL;
	}
	sk_cur_take(c, fd->name.buf, n);
	fd->name.buf[c->bad ? 0 : n] = '\0';
	fd->name.len = c->bad ? 0 : n;
	return 0;
}

static int decode_payload(struct sk_cur *c, bool v2, struct sk_scap_fd *fd, char *err,
			  size_t errlen)
{
	switch (fd->type) {
	case SK_FD_IPV4_SOCK:
		sk_cur_take(c, fd->sip, 4);
		sk_cur_take(c, fd->dip, 4);
		fd->sport = sk_cur_u16(c);
		fd->dport = sk_cur_u16(c);
		fd->l4proto = sk_cur_u8(c);
		return 0;
	case SK_FD_IPV6_SOCK:
		sk_cur_take(c, fd->sip, 16);
		sk_cur_take(c, fd->dip, 16);
		fd->sport = sk_cur_u16(c);
		fd->dport = sk_cur_u16(c);
		fd->l4proto = sk_cur_u8(c);
		return 0;
	case SK_FD_IPV4_SERVSOCK:
		sk_cur_take(c, fd->sip, 4);
		fd->sport = sk_cur_u16(c);
		fd->l4proto = sk_cur_u8(c);
		return 0;
	case SK_FD_IPV6_SERVSOCK:
		sk_cur_take(c, fd->sip, 16);
		fd->sport = sk_cur_u16(c);
		fd->l4proto = sk_cur_u8(c);
		return 0;
	case SK_FD_UNIX_SOCK:
		fd->unix_src = sk_cur_u64(c);
		fd->unix_dst = sk_cur_u64(c);
		return get_name(c, fd, err, errlen);
	case SK_FD_FILE_V2: {
		int rc;

		fd->open_flags = sk_cur_u32(c);
		rc = get_name(c, fd, err, errlen);
		if (rc == 0 && v2 && sk_cur_left(c) >= 4)
			fd->dev = sk_cur_u32(c);
		return rc;
	}
	default:
		return get_name(c, fd, err, errlen);
	}
}

static bool fd_type_known(uint8_t type)
{
	return type >= SK_FD_FILE && type < SK_FD_TYPE_MAX;
}

int sk_scap_fd_decode(struct sk_cur *c, bool v2, struct sk_scap_fd *fd, char *err, size_t errlen)
{
	struct sk_cur rec = *c;
	uint32_t entry_len = 0;
	int64_t tid = fd->tid;
	int rc;

	memset(fd, 0, sizeof(*fd));
	fd->tid = tid;
	if (v2) {
		rec = (struct sk_cur){.p = c->p + c->pos, .len = sk_cur_left(c)};
		entry_len = sk_cur_u32(&rec);
		if (rec.bad || entry_len < 4 || entry_len > rec.len) {
			snprintf(err, errlen, "fd list: entry length %u does not fit in the block",
				 entry_len);
			return -EINVAL;
		}
		rec.len = entry_len;
	}
	fd->fd = (int64_t)sk_cur_u64(&rec);
	fd->ino = sk_cur_u64(&rec);
	fd->type = sk_cur_u8(&rec);
	if (!rec.bad && !fd_type_known(fd->type)) {
		if (!v2) {
			snprintf(err, errlen, "fd list: fd %lld has unknown type %u",
				 (long long)fd->fd, fd->type);
			return -EINVAL;
		}
		fd->type = SK_FD_UNSUPPORTED; /* skipped with its length, as libscap does */
		rec.pos = rec.len;
	} else if ((rc = decode_payload(&rec, v2, fd, err, errlen))) {
		return rc;
	}
	if (rec.bad) {
		snprintf(err, errlen, "fd list: entry truncated (fd %lld, type %u)",
			 (long long)fd->fd, fd->type);
		return -EINVAL;
	}
	c->pos = v2 ? c->pos + entry_len : rec.pos;
	return 0;
}

void sk_scap_fd_encode(struct sk_wbuf *b, const struct sk_scap_fd *fd)
{
	size_t start = b->len;
	uint32_t nlen = fd->name.len < SK_SCAP_PATH_MAX ? fd->name.len : SK_SCAP_PATH_MAX;

	sk_wbuf_u32(b, 0); /* entry_len, patched below */
	sk_wbuf_u64(b, (uint64_t)fd->fd);
	sk_wbuf_u64(b, fd->ino);
	sk_wbuf_u8(b, fd->type);
	switch (fd->type) {
	case SK_FD_IPV4_SOCK:
	case SK_FD_IPV6_SOCK: {
		size_t alen = fd->type == SK_FD_IPV4_SOCK ? 4 : 16;

		sk_wbuf_put(b, fd->sip, alen);
		sk_wbuf_put(b, fd->dip, alen);
		sk_wbuf_u16(b, fd->sport);
		sk_wbuf_u16(b, fd->dport);
		sk_wbuf_u8(b, fd->l4proto);
		break;
	}
	case SK_FD_IPV4_SERVSOCK:
	case SK_FD_IPV6_SERVSOCK:
		sk_wbuf_put(b, fd->sip, fd->type == SK_FD_IPV4_SERVSOCK ? 4 : 16);
		sk_wbuf_u16(b, fd->sport);
		sk_wbuf_u8(b, fd->l4proto);
		break;
	case SK_FD_UNIX_SOCK:
		sk_wbuf_u64(b, fd->unix_src);
		sk_wbuf_u64(b, fd->unix_dst);
		sk_wbuf_str16(b, fd->name.buf, nlen);
		break;
	case SK_FD_FILE_V2:
		sk_wbuf_u32(b, fd->open_flags);
		sk_wbuf_str16(b, fd->name.buf, nlen);
		sk_wbuf_u32(b, fd->dev);
		break;
	default:
		if (fd_type_has_name(fd->type))
			sk_wbuf_str16(b, fd->name.buf, nlen);
		break;
	}
	sk_wbuf_set_u32(b, start, (uint32_t)(b->len - start));
}
