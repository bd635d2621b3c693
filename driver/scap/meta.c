/* SPDX-License-Identifier: Apache-2.0 */
/* Machine info, interface list and user list records (scap-format.md 5-7). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "meta.h"

int sk_scap_machine_decode(struct sk_cur *c, struct sk_scap_machine *mi, char *err, size_t errlen)
{
	memset(mi, 0, sizeof(*mi));
	if (sk_cur_left(c) < SK_SCAP_MI_BODY_LEN) {
		snprintf(err, errlen, "machine info block body is %zu bytes, expected %u",
			 sk_cur_left(c), SK_SCAP_MI_BODY_LEN);
		return -EINVAL;
	}
	mi->num_cpus = sk_cur_u32(c);
	mi->memory_size_bytes = sk_cur_u64(c);
	mi->max_pid = sk_cur_u64(c);
	sk_cur_take(c, mi->hostname, SK_SCAP_HOSTNAME_MAX);
	mi->hostname[SK_SCAP_HOSTNAME_MAX] = '\0';
	mi->boot_ts_epoch = sk_cur_u64(c);
	mi->flags = sk_cur_u64(c);
	sk_cur_take(c, NULL, 16); /* reserved3, reserved4 */
	return 0;
}

void sk_scap_machine_encode(struct sk_wbuf *b, const struct sk_scap_machine *mi)
{
	char host[SK_SCAP_HOSTNAME_MAX] = {0};

	memcpy(host, mi->hostname, strnlen(mi->hostname, sizeof(host)));
	sk_wbuf_u32(b, mi->num_cpus);
	sk_wbuf_u64(b, mi->memory_size_bytes);
	sk_wbuf_u64(b, mi->max_pid);
	sk_wbuf_put(b, host, sizeof(host));
	sk_wbuf_u64(b, mi->boot_ts_epoch);
	sk_wbuf_u64(b, mi->flags);
	sk_wbuf_u64(b, 0);
	sk_wbuf_u64(b, 0);
}

/* Size of the fixed part after type and name length, by kind; 0 = unknown kind. */
static size_t iface_fixed_len(uint16_t type)
{
	switch (type) {
	case SK_IFACE_IPV4:
		return 12 + 8;
	case SK_IFACE_IPV6:
		return 48 + 8;
	case SK_IFACE_IPV4_NOLINKSPEED:
		return 12;
	case SK_IFACE_IPV6_NOLINKSPEED:
		return 48;
	default:
		return 0;
	}
}

static int iface_fields(struct sk_cur *c, struct sk_scap_iface *ifc, char *err, size_t errlen)
{
	size_t alen =
	    (ifc->type == SK_IFACE_IPV4 || ifc->type == SK_IFACE_IPV4_NOLINKSPEED) ? 4 : 16;
	uint16_t namelen = sk_cur_u16(c);

	if (namelen >= SK_SCAP_PATH_MAX) {
		snprintf(err, errlen, "interface list: name length %u exceeds %u", namelen,
			 SK_SCAP_PATH_MAX - 1);
		return -EINVAL;
	}
	sk_cur_take(c, ifc->addr, alen);
	sk_cur_take(c, ifc->netmask, alen);
	sk_cur_take(c, ifc->bcast, alen);
	if (ifc->type == SK_IFACE_IPV4 || ifc->type == SK_IFACE_IPV6)
		ifc->linkspeed = sk_cur_u64(c);
	sk_cur_take(c, ifc->name, namelen);
	ifc->name[c->bad ? 0 : namelen] = '\0';
	if (c->bad) {
		snprintf(err, errlen, "interface list: entry truncated");
		return -EINVAL;
	}
	return 0;
}

int sk_scap_iface_decode(struct sk_cur *c, bool v2, struct sk_scap_iface *ifc, bool *skip,
			 char *err, size_t errlen)
{
	struct sk_cur rec = *c;
	uint32_t entry_len = 0;
	int rc;

	memset(ifc, 0, sizeof(*ifc));
	*skip = false;
	if (v2) {
		entry_len = sk_cur_u32(c);
		if (c->bad || entry_len > sk_cur_left(c)) {
			snprintf(err, errlen,
				 "interface list: entry length %u does not fit in the block",
				 entry_len);
			return -EINVAL;
		}
		rec = (struct sk_cur){.p = c->p + c->pos, .len = entry_len};
	}
	ifc->type = sk_cur_u16(&rec);
	if (!rec.bad && iface_fixed_len(ifc->type) == 0) {
		if (!v2) {
			snprintf(err, errlen, "interface list: unknown entry type %u", ifc->type);
			return -EINVAL;
		}
		*skip = true;
		c->pos += entry_len;
		return 0;
	}
	if ((rc = iface_fields(&rec, ifc, err, errlen)))
		return rc;
	c->pos = v2 ? c->pos + entry_len : rec.pos;
	return 0;
}

void sk_scap_iface_encode(struct sk_wbuf *b, const struct sk_scap_iface *ifc)
{
	bool v4 = ifc->type == SK_IFACE_IPV4 || ifc->type == SK_IFACE_IPV4_NOLINKSPEED;
	size_t alen = v4 ? 4 : 16;
	size_t namelen = strnlen(ifc->name, SK_SCAP_PATH_MAX - 1);
	size_t start = b->len;

	sk_wbuf_u32(b, 0); /* entry_len (excluding itself), patched below */
	sk_wbuf_u16(b, v4 ? SK_IFACE_IPV4 : SK_IFACE_IPV6);
	sk_wbuf_u16(b, (uint16_t)namelen);
	sk_wbuf_put(b, ifc->addr, alen);
	sk_wbuf_put(b, ifc->netmask, alen);
	sk_wbuf_put(b, ifc->bcast, alen);
	sk_wbuf_u64(b, ifc->linkspeed);
	sk_wbuf_put(b, ifc->name, namelen);
	sk_wbuf_set_u32(b, start, (uint32_t)(b->len - start - 4));
}

static int user_str(struct sk_cur *c, const char *what, char *buf, char *err, size_t errlen)
{
	uint16_t n = sk_cur_u16(c);

	if (!c->bad && n > SK_SCAP_USER_STR_MAX) {
		snprintf(err, errlen, "user list: %s length %u exceeds %u", what, n,
			 SK_SCAP_USER_STR_MAX);
		return -EINVAL;
	}
	sk_cur_take(c, buf, n);
	buf[c->bad ? 0 : n] = '\0';
	return 0;
}

static int user_fields(struct sk_cur *c, struct sk_scap_user *u, char *err, size_t errlen)
{
	uint8_t kind = sk_cur_u8(c);
	int rc;

	if (!c->bad && kind > 1) {
		snprintf(err, errlen, "user list: unknown entry kind %u", kind);
		return -EINVAL;
	}
	u->is_group = kind == 1;
	if (!u->is_group) {
		u->uid = sk_cur_u32(c);
		u->gid = sk_cur_u32(c);
		if ((rc = user_str(c, "name", u->name, err, errlen)) ||
		    (rc = user_str(c, "homedir", u->homedir, err, errlen)) ||
		    (rc = user_str(c, "shell", u->shell, err, errlen)))
			return rc;
	} else {
		u->gid = sk_cur_u32(c);
		if ((rc = user_str(c, "name", u->name, err, errlen)))
			return rc;
	}
	if (c->bad) {
		snprintf(err, errlen, "user list: entry truncated");
		return -EINVAL;
	}
	return 0;
}

int sk_scap_user_decode(struct sk_cur *c, bool v2, struct sk_scap_user *u, char *err, size_t errlen)
{
	struct sk_cur rec = *c;
	uint32_t entry_len = 0;
	int rc;

	memset(u, 0, sizeof(*u));
	if (v2) {
		rec = (struct sk_cur){.p = c->p + c->pos, .len = sk_cur_left(c)};
		entry_len = sk_cur_u32(&rec);
		if (rec.bad || entry_len < 4 || entry_len > rec.len) {
			snprintf(err, errlen,
				 "user list: entry length %u does not fit in the block", entry_len);
			return -EINVAL;
		}
		rec.len = entry_len;
	}
	if ((rc = user_fields(&rec, u, err, errlen)))
		return rc;
	c->pos = v2 ? c->pos + entry_len : rec.pos;
	return 0;
}

void sk_scap_user_encode(struct sk_wbuf *b, const struct sk_scap_user *u)
{
	size_t start = b->len;

	sk_wbuf_u32(b, 0); /* entry_len (including itself), patched below */
	sk_wbuf_u8(b, u->is_group ? 1 : 0);
	if (!u->is_group) {
		sk_wbuf_u32(b, u->uid);
		sk_wbuf_u32(b, u->gid);
		sk_wbuf_str16(b, u->name, (uint32_t)strnlen(u->name, SK_SCAP_USER_STR_MAX));
		sk_wbuf_str16(b, u->homedir, (uint32_t)strnlen(u->homedir, SK_SCAP_USER_STR_MAX));
		sk_wbuf_str16(b, u->shell, (uint32_t)strnlen(u->shell, SK_SCAP_USER_STR_MAX));
	} else {
		sk_wbuf_u32(b, u->gid);
		sk_wbuf_str16(b, u->name, (uint32_t)strnlen(u->name, SK_SCAP_USER_STR_MAX));
	}
	sk_wbuf_set_u32(b, start, (uint32_t)(b->len - start));
}
