/* SPDX-License-Identifier: Apache-2.0 */
#include "saker/plugin_helper.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

char *skp_fields_json(const struct skp_field *f, unsigned n)
{
	cJSON *arr = cJSON_CreateArray();
	char *out = NULL;
	if (!arr)
		return NULL;
	for (unsigned i = 0; i < n; i++) {
		cJSON *o = cJSON_CreateObject();
		if (!o)
			goto cleanup;
		cJSON_AddItemToArray(arr, o);
		cJSON_AddStringToObject(o, "name", f[i].name);
		cJSON_AddStringToObject(o, "type", f[i].type);
		cJSON_AddStringToObject(o, "desc", f[i].desc);
		if (f[i].display)
			cJSON_AddStringToObject(o, "display", f[i].display);
		if (f[i].flags & SKP_LIST)
			cJSON_AddTrueToObject(o, "isList");
		if (f[i].flags & (SKP_ARG_INDEX | SKP_ARG_KEY | SKP_ARG_REQ)) {
			cJSON *a = cJSON_AddObjectToObject(o, "arg");
			cJSON_AddBoolToObject(a, "isRequired", !!(f[i].flags & SKP_ARG_REQ));
			cJSON_AddBoolToObject(a, "isIndex", !!(f[i].flags & SKP_ARG_INDEX));
			cJSON_AddBoolToObject(a, "isKey", !!(f[i].flags & SKP_ARG_KEY));
		}
		cJSON *p = cJSON_AddArrayToObject(o, "properties");
		if (f[i].flags & SKP_HIDDEN)
			cJSON_AddItemToArray(p, cJSON_CreateString("hidden"));
		if (f[i].flags & SKP_INFO)
			cJSON_AddItemToArray(p, cJSON_CreateString("info"));
		if (f[i].flags & SKP_CONVERSATION)
			cJSON_AddItemToArray(p, cJSON_CreateString("conversation"));
	}
	out = cJSON_PrintUnformatted(arr);
cleanup:
	cJSON_Delete(arr);
	return out;
}

void skp_batch_reset(struct skp_batch *b)
{
	b->len = 0;
	b->n = 0;
}

void skp_batch_free(struct skp_batch *b)
{
	free(b->buf);
	memset(b, 0, sizeof(*b));
}

bool skp_batch_full(const struct skp_batch *b)
{
	return b->n >= SKP_BATCH_MAX;
}

int skp_batch_add(struct skp_batch *b, const void *payload, uint32_t len, uint64_t ts)
{
	if (b->n >= SKP_BATCH_MAX)
		return -ENOSPC;
	if (len > SKP_EVENT_MAX)
		return -E2BIG;
	size_t need = PLUGIN_EVENT_PAYLOAD_OFFSET + (size_t)len;
	if (b->len + need > b->cap) {
		size_t cap = b->cap ? b->cap : 64 * 1024;
		while (cap < b->len + need)
			cap *= 2;
		uint8_t *nb = realloc(b->buf, cap);
		if (!nb)
			return -ENOMEM;
		b->buf = nb;
		b->cap = cap;
	}
	uint8_t *e = b->buf + b->len;
	ss_plugin_event h = {.ts = ts,
			     .tid = UINT64_MAX,
			     .len = (uint32_t)need,
			     .type = PPME_PLUGINEVENT_E,
			     .nparams = 2};
	uint32_t l0 = 4, id = 0;
	memcpy(e, &h, sizeof(h));
	memcpy(e + 26, &l0, 4);
	memcpy(e + 30, &len, 4);
	memcpy(e + 34, &id, 4);
	if (len)
		memcpy(e + PLUGIN_EVENT_PAYLOAD_OFFSET, payload, len);
	b->off[b->n++] = b->len;
	b->len += need;
	return 0;
}

ss_plugin_event **skp_batch_events(struct skp_batch *b)
{
	for (uint32_t i = 0; i < b->n; i++)
		b->evts[i] = (ss_plugin_event *)(b->buf + b->off[i]);
	return b->evts;
}

const uint8_t *skp_event_payload(const ss_plugin_event *e, uint32_t *len)
{
	uint32_t total, nparams, l0, l1;
	uint16_t type;
	const uint8_t *p = (const uint8_t *)e;
	memcpy(&total, p + 16, 4);
	memcpy(&type, p + 20, 2);
	memcpy(&nparams, p + 22, 4);
	if (type != PPME_PLUGINEVENT_E || nparams != 2 || total < PLUGIN_EVENT_PAYLOAD_OFFSET)
		return NULL;
	memcpy(&l0, p + 26, 4);
	memcpy(&l1, p + 30, 4);
	if (l0 != 4 || (uint64_t)l1 + PLUGIN_EVENT_PAYLOAD_OFFSET > total)
		return NULL;
	*len = l1;
	return p + PLUGIN_EVENT_PAYLOAD_OFFSET;
}

/* ---- arena ---------------------------------------------------------------- */

#define ARENA_CHUNK (64u * 1024u)

struct skp_arena_chunk {
	struct skp_arena_chunk *next;
	size_t used, cap;
	_Alignas(16) unsigned char data[];
};

void *skp_arena_alloc(struct skp_arena *a, size_t n)
{
	n = (n + 15) & ~(size_t)15;
	struct skp_arena_chunk *c = a->head;
	if (!c || c->cap - c->used < n) {
		size_t cap = n > ARENA_CHUNK ? n : ARENA_CHUNK;
		c = malloc(sizeof(*c) + cap);
		if (!c)
			return NULL;
		c->cap = cap;
		c->used = 0;
		c->next = a->head;
		a->head = c;
	}
	void *p = c->data + c->used;
	c->used += n;
	return p;
}

void skp_arena_reset(struct skp_arena *a)
{
	/* Keep the newest chunk (the common case fits in one), free the rest. */
	struct skp_arena_chunk *c = a->head;
	if (!c)
		return;
	struct skp_arena_chunk *rest = c->next;
	c->next = NULL;
	c->used = 0;
	while (rest) {
		struct skp_arena_chunk *n = rest->next;
		free(rest);
		rest = n;
	}
}

int skp_res_strs(struct skp_arena *a, ss_plugin_extract_field *f, const char *const *v,
		 const size_t *lens, unsigned n)
{
	const char **arr = skp_arena_alloc(a, (n ? n : 1) * sizeof(*arr));
	if (!arr)
		return -ENOMEM;
	for (unsigned i = 0; i < n; i++) {
		size_t l = lens ? lens[i] : strlen(v[i]);
		char *s = skp_arena_alloc(a, l + 1);
		if (!s)
			return -ENOMEM;
		memcpy(s, v[i], l);
		s[l] = '\0';
		arr[i] = s;
	}
	f->res.str = arr;
	f->res_len = n;
	return 0;
}

int skp_res_str(struct skp_arena *a, ss_plugin_extract_field *f, const char *s, size_t len)
{
	return skp_res_strs(a, f, &s, &len, 1);
}

int skp_res_u64(struct skp_arena *a, ss_plugin_extract_field *f, uint64_t v)
{
	uint64_t *p = skp_arena_alloc(a, sizeof(*p));
	if (!p)
		return -ENOMEM;
	*p = v;
	f->res.u64 = p;
	f->res_len = 1;
	return 0;
}

void skp_errorf(char *buf, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, PLUGIN_MAX_ERRLEN, fmt, ap);
	va_end(ap);
}

static int digits(const char **s, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++, (*s)++) {
		if (**s < '0' || **s > '9')
			return -EINVAL;
		v = v * 10 + (**s - '0');
	}
	*out = v;
	return 0;
}

int skp_parse_rfc3339(const char *s, uint64_t *ns)
{
	int Y, M, D, h, m, sec;
	if (digits(&s, 4, &Y) || *s++ != '-' || digits(&s, 2, &M) || *s++ != '-' ||
	    digits(&s, 2, &D) || (*s != 'T' && *s != 't' && *s != ' '))
		return -EINVAL;
	s++;
	if (digits(&s, 2, &h) || *s++ != ':' || digits(&s, 2, &m) || *s++ != ':' ||
	    digits(&s, 2, &sec))
		return -EINVAL;
	if (M < 1 || M > 12 || D < 1 || D > 31 || h > 23 || m > 59 || sec > 60)
		return -EINVAL;
	uint64_t frac = 0;
	if (*s == '.') {
		s++;
		int n = 0;
		for (; *s >= '0' && *s <= '9'; s++, n++)
			if (n < 9)
				frac = frac * 10 + (uint64_t)(*s - '0');
		if (n == 0)
			return -EINVAL;
		for (; n < 9; n++)
			frac *= 10;
	}
	long off = 0;
	if (*s == 'Z' || *s == 'z') {
		s++;
	} else if (*s == '+' || *s == '-') {
		int sign = *s++ == '-' ? -1 : 1, oh, om;
		if (digits(&s, 2, &oh) || *s++ != ':' || digits(&s, 2, &om))
			return -EINVAL;
		off = sign * (oh * 3600L + om * 60L);
	} else {
		return -EINVAL;
	}
	if (*s)
		return -EINVAL;
	/* days from civil (Howard Hinnant) */
	int y = Y - (M <= 2);
	int era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (unsigned)((153 * (M + (M > 2 ? -3 : 9)) + 2) / 5 + D - 1);
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	long days = (long)era * 146097 + (long)doe - 719468;
	long secs = days * 86400L + h * 3600L + m * 60L + sec - off;
	if (secs < 0)
		return -EINVAL;
	*ns = (uint64_t)secs * 1000000000u + frac;
	return 0;
}
