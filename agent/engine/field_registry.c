/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The field registry: classes in registration order plus an open-addressing
 * hash table from field name to (class, field), and the text rendering of
 * extracted values.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "field.h"

struct sk_field_slot {
	const char *name; /* NULL = empty */
	size_t len;
	uint32_t hash;
	const struct sk_field_class *cls;
	const struct sk_field *field;
};

struct sk_field_registry {
	const struct sk_field_class **classes;
	unsigned nclasses;
	unsigned classes_cap;
	struct sk_field_slot *slots;
	size_t nslots; /* power of two */
	size_t nused;
};

/* FNV-1a over the name bytes. */
static uint32_t name_hash(const char *s, size_t len)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < len; i++) {
		h ^= (uint8_t)s[i];
		h *= 16777619u;
	}
	return h;
}

int sk_field_registry_new(struct sk_field_registry **out)
{
	struct sk_field_registry *r = calloc(1, sizeof(*r));

	if (!r)
		return -ENOMEM;
	r->nslots = 512;
	r->slots = calloc(r->nslots, sizeof(*r->slots));
	if (!r->slots) {
		free(r);
		return -ENOMEM;
	}
	*out = r;
	return 0;
}

void sk_field_registry_free(struct sk_field_registry *r)
{
	if (!r)
		return;
	free(r->slots);
	free(r->classes);
	free(r);
}

/* Classes whose sources overlap: either applies to all, or same name. */
static bool sources_overlap(const char *a, const char *b)
{
	return !a || !b || strcmp(a, b) == 0;
}

static bool source_matches(const struct sk_field_class *cls, const char *source)
{
	return !source || !cls->source || strcmp(cls->source, source) == 0;
}

static void slot_put(struct sk_field_slot *slots, size_t nslots, const struct sk_field_slot *s)
{
	size_t i = s->hash & (nslots - 1);

	while (slots[i].name)
		i = (i + 1) & (nslots - 1);
	slots[i] = *s;
}

static int table_grow(struct sk_field_registry *r)
{
	size_t n = r->nslots * 2;
	struct sk_field_slot *slots = calloc(n, sizeof(*slots));

	if (!slots)
		return -ENOMEM;
	for (size_t i = 0; i < r->nslots; i++)
		if (r->slots[i].name)
			slot_put(slots, n, &r->slots[i]);
	free(r->slots);
	r->slots = slots;
	r->nslots = n;
	return 0;
}

/* The slot for name whose class matches source, or NULL. */
static const struct sk_field_slot *slot_find(const struct sk_field_registry *r, const char *source,
					     const char *name, size_t len)
{
	uint32_t h = name_hash(name, len);
	size_t i = h & (r->nslots - 1);

	for (; r->slots[i].name; i = (i + 1) & (r->nslots - 1)) {
		const struct sk_field_slot *s = &r->slots[i];

		if (s->hash == h && s->len == len && memcmp(s->name, name, len) == 0 &&
		    source_matches(s->cls, source))
			return s;
	}
	return NULL;
}

/* A clash: the same name in a class whose sources overlap with cls. */
static bool slot_clashes(const struct sk_field_registry *r, const struct sk_field_class *cls,
			 const char *name, size_t len)
{
	uint32_t h = name_hash(name, len);
	size_t i = h & (r->nslots - 1);

	for (; r->slots[i].name; i = (i + 1) & (r->nslots - 1)) {
		const struct sk_field_slot *s = &r->slots[i];

		if (s->hash == h && s->len == len && memcmp(s->name, name, len) == 0 &&
		    sources_overlap(s->cls->source, cls->source))
			return true;
	}
	return false;
}

static int classes_push(struct sk_field_registry *r, const struct sk_field_class *cls)
{
	if (r->nclasses == r->classes_cap) {
		unsigned cap = r->classes_cap ? r->classes_cap * 2 : 16;
		const struct sk_field_class **c;

		if (cap > SK_FIELD_REGISTRY_MAX_CLASSES)
			return -ENOSPC;
		c = realloc(r->classes, cap * sizeof(*c));
		if (!c)
			return -ENOMEM;
		r->classes = c;
		r->classes_cap = cap;
	}
	r->classes[r->nclasses++] = cls;
	return 0;
}

int sk_field_registry_add(struct sk_field_registry *r, const struct sk_field_class *cls)
{
	int rc;

	/* Check every name first so a failed add leaves the registry unchanged. */
	for (unsigned i = 0; i < cls->nfields; i++) {
		const char *n = cls->fields[i].name;
		size_t len = strlen(n);

		if (len == 0 || len > SK_FIELD_NAME_MAX)
			return -EINVAL;
		if (slot_clashes(r, cls, n, len))
			return -EEXIST;
		for (unsigned j = 0; j < i; j++)
			if (strcmp(cls->fields[j].name, n) == 0)
				return -EEXIST;
	}
	while ((r->nused + cls->nfields) * 2 > r->nslots) {
		rc = table_grow(r);
		if (rc)
			return rc;
	}
	rc = classes_push(r, cls);
	if (rc)
		return rc;
	for (unsigned i = 0; i < cls->nfields; i++) {
		struct sk_field_slot s = {
		    .name = cls->fields[i].name,
		    .len = strlen(cls->fields[i].name),
		    .cls = cls,
		    .field = &cls->fields[i],
		};

		s.hash = name_hash(s.name, s.len);
		slot_put(r->slots, r->nslots, &s);
		r->nused++;
	}
	return 0;
}

static void ref_fill(struct sk_field_ref *ref, const struct sk_field_slot *s, const char *arg,
		     size_t arg_len)
{
	ref->cls = s->cls;
	ref->field = s->field;
	ref->arg = arg;
	ref->arg_len = (uint32_t)arg_len;
	ref->arg_index = 0;
	ref->prepared = 0;
}

int sk_field_registry_find(const struct sk_field_registry *r, const char *source, const char *name,
			   size_t len, struct sk_field_ref *ref)
{
	const struct sk_field_slot *s;

	if (len == 0 || len > SK_FIELD_NAME_MAX)
		return -ENOENT;
	s = slot_find(r, source, name, len);
	if (s) {
		ref_fill(ref, s, NULL, 0);
		return 0;
	}
	/* evt.arg.NAME: the longest dotted prefix that is a NAME_ARG field. */
	for (size_t i = len - 1; i > 0; i--) {
		if (name[i] != '.' || i + 1 == len)
			continue;
		s = slot_find(r, source, name, i);
		if (s && (s->field->flags & SK_FIELD_NAME_ARG)) {
			ref_fill(ref, s, name + i + 1, len - i - 1);
			return 0;
		}
	}
	return -ENOENT;
}

static bool is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '.';
}

size_t sk_field_registry_match_prefix(const struct sk_field_registry *r, const char *source,
				      const char *text, size_t len)
{
	size_t run = 0;
	struct sk_field_ref ref;

	while (run < len && run < SK_FIELD_NAME_MAX && is_name_char(text[run]))
		run++;
	/* A name never ends with a dot: "%proc.name." keeps the final '.' as text. */
	for (size_t n = run; n > 0; n--) {
		if (text[n - 1] == '.')
			continue;
		if (sk_field_registry_find(r, source, text, n, &ref) == 0)
			return n;
	}
	return 0;
}

const struct sk_field_class *sk_field_registry_class_at(const struct sk_field_registry *r,
							unsigned i)
{
	return i < r->nclasses ? r->classes[i] : NULL;
}

/* Append to out like snprintf, keeping the needed length in *n. */
static void emit(char *out, size_t cap, size_t *n, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void emit(char *out, size_t cap, size_t *n, const char *fmt, ...)
{
	va_list ap;
	int w;

	va_start(ap, fmt);
	w = vsnprintf(*n < cap ? out + *n : NULL, *n < cap ? cap - *n : 0, fmt, ap);
	va_end(ap);
	if (w > 0)
		*n += (size_t)w;
}

static size_t render_bytes(const struct sk_value *v, bool printable_only, char *out, size_t cap)
{
	size_t n = 0;

	for (uint32_t i = 0; i < v->len; i++) {
		char c = (char)v->b[i];

		if (printable_only && !(c >= 0x20 && c < 0x7f))
			c = '.';
		if (n + 1 < cap)
			out[n] = c;
		n++;
	}
	if (cap)
		out[n < cap ? n : cap - 1] = '\0';
	return n;
}

static size_t render_addr(const struct sk_value *v, char *out, size_t cap)
{
	char buf[INET6_ADDRSTRLEN];
	int af = v->len == 16 ? AF_INET6 : AF_INET;

	if ((v->len != 4 && v->len != 16) || !inet_ntop(af, v->b, buf, sizeof(buf)))
		buf[0] = '\0';
	return (size_t)snprintf(out, cap, "%s", buf);
}

/* Network: the address bytes followed by one prefix-length byte. */
static size_t render_net(const struct sk_value *v, char *out, size_t cap)
{
	struct sk_value a = *v;
	size_t n;

	if (v->len != 5 && v->len != 17)
		return (size_t)snprintf(out, cap, "%s", "");
	a.len = v->len - 1;
	n = render_addr(&a, out, cap);
	emit(out, cap, &n, "/%u", v->b[v->len - 1]);
	return n;
}

static bool type_is_signed(uint8_t t)
{
	switch (t) {
	case PT_INT8:
	case PT_INT16:
	case PT_INT32:
	case PT_INT64:
	case PT_ERRNO:
	case PT_FD:
	case PT_PID:
	case PT_FD32:
	case PT_PID32:
		return true;
	default:
		return false;
	}
}

static size_t render_int(const struct sk_value *v, char *out, size_t cap)
{
	switch (v->fmt) {
	case PF_HEX:
		return (size_t)snprintf(out, cap, "%" PRIX64, v->u);
	case PF_OCT:
		return (size_t)snprintf(out, cap, "0%" PRIo64, v->u);
	case PF_10_PADDED_DEC:
		return (size_t)snprintf(out, cap, "%09" PRIu64, v->u);
	default:
		break;
	}
	if (type_is_signed(v->type))
		return (size_t)snprintf(out, cap, "%" PRId64, v->i);
	return (size_t)snprintf(out, cap, "%" PRIu64, v->u);
}

size_t sk_value_render(const struct sk_value *v, char *out, size_t cap)
{
	switch (v->type) {
	case PT_CHARBUF:
	case PT_FSPATH:
	case PT_FSRELPATH:
		return render_bytes(v, false, out, cap);
	case PT_BYTEBUF:
		return render_bytes(v, true, out, cap);
	case PT_BOOL:
		return (size_t)snprintf(out, cap, "%s", v->u ? "true" : "false");
	case PT_IPV4ADDR:
	case PT_IPV6ADDR:
	case PT_IPADDR:
		return render_addr(v, out, cap);
	case PT_IPV4NET:
	case PT_IPV6NET:
	case PT_IPNET:
		return render_net(v, out, cap);
	case PT_DOUBLE:
		return (size_t)snprintf(out, cap, "%.1f", v->d);
	case PT_NONE:
		return (size_t)snprintf(out, cap, "%s", "");
	default:
		return render_int(v, out, cap);
	}
}
