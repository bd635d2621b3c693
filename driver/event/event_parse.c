/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Parsing one event's bytes into a borrowed view (struct sk_evt).
 *
 * Layout (scap-events.md 1): 26-byte header, one length per header
 * parameter (u16, or u32 for EF_LARGE_PAYLOAD types), then the parameter
 * bytes back to back. Every length is checked against the event size
 * before anything is read; a parameter pointer is never set past the end.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "saker/event.h"

static uint32_t rd_u32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint16_t rd_u16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* Fill err (if given) and return rc. */
static int fail(char *err, size_t errlen, int rc, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail(char *err, size_t errlen, int rc, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return rc;
}

int sk_evt_parse(struct sk_evt *e, const void *buf, size_t len, char *err, size_t errlen)
{
	const uint8_t *b = buf;
	struct sk_evt_hdr h;
	const struct sk_event_info *info;
	uint64_t lensize, data_off, off;
	uint32_t i;

	memset(e, 0, sizeof(*e));
	if (!buf || len < SK_EVT_HDR_LEN)
		return fail(err, errlen, -EINVAL, "event of %zu bytes is shorter than the %u-byte header",
			    len, SK_EVT_HDR_LEN);
	memcpy(&h, b, sizeof(h));
	if (h.len != len)
		return fail(err, errlen, -EINVAL, "event header says %u bytes, but %zu were given",
			    h.len, len);
	info = sk_event_info_get(h.type);
	if (!info)
		return fail(err, errlen, -ENOENT, "event type %u is outside the event table", h.type);

	lensize = (info->flags & SK_EF_LARGE_PAYLOAD) ? 4 : 2;
	data_off = SK_EVT_HDR_LEN + lensize * (uint64_t)h.nparams;
	if (data_off > len)
		return fail(err, errlen, -EINVAL,
			    "event type %u: %u parameter lengths run past the %zu-byte event", h.type,
			    h.nparams, len);

	e->hdr = (const struct sk_evt_hdr *)buf;
	e->info = info;
	e->nparams = h.nparams < info->nparams ? h.nparams : info->nparams;

	off = data_off;
	for (i = 0; i < h.nparams; i++) {
		const uint8_t *lp = b + SK_EVT_HDR_LEN + lensize * i;
		uint32_t plen = lensize == 4 ? rd_u32(lp) : rd_u16(lp);

		if (off + plen > len)
			return fail(err, errlen, -EINVAL,
				    "event type %u: parameter %u (%u bytes at offset %llu) runs past the "
				    "%zu-byte event",
				    h.type, i, plen, (unsigned long long)off, len);
		if (i < e->nparams) {
			e->param[i] = b + off;
			e->param_len[i] = plen;
		}
		off += plen;
	}
	if (off != len)
		return fail(err, errlen, -EINVAL,
			    "event type %u: parameters end at byte %llu but the event has %zu bytes",
			    h.type, (unsigned long long)off, len);
	return 0;
}

static bool get_fixed(const struct sk_evt *e, unsigned idx, void *out, uint32_t size)
{
	if (idx >= e->nparams || e->param_len[idx] != size)
		return false;
	memcpy(out, e->param[idx], size);
	return true;
}

bool sk_evt_get_u64(const struct sk_evt *e, unsigned idx, uint64_t *out)
{
	return get_fixed(e, idx, out, sizeof(*out));
}

bool sk_evt_get_s64(const struct sk_evt *e, unsigned idx, int64_t *out)
{
	return get_fixed(e, idx, out, sizeof(*out));
}

bool sk_evt_get_u32(const struct sk_evt *e, unsigned idx, uint32_t *out)
{
	return get_fixed(e, idx, out, sizeof(*out));
}

const char *sk_evt_get_str(const struct sk_evt *e, unsigned idx)
{
	uint8_t t;
	uint32_t len;

	if (idx >= e->nparams)
		return NULL;
	t = e->info->params[idx].type;
	if (t != PT_CHARBUF && t != PT_FSPATH && t != PT_FSRELPATH)
		return NULL;
	len = e->param_len[idx];
	if (len == 0 || e->param[idx][len - 1] != '\0')
		return NULL;
	return (const char *)e->param[idx];
}

int sk_evt_param_index(const struct sk_evt *e, const char *name)
{
	uint32_t i;

	/* the first byte rules most names out without a call (rules ask per event, often) */
	for (i = 0; i < e->nparams; i++) {
		const char *p = e->info->params[i].name;

		if (p[0] == name[0] && strcmp(p, name) == 0)
			return (int)i;
	}
	return -1;
}
