/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Shared by the engine's unit tests: a field class of our own, registered
 * through the registry exactly as a plugin's would be, whose values the
 * test sets (one field per value type); and a builder of real scap events.
 */
#ifndef SAKER_TEST_ENGINE_UTIL_H
#define SAKER_TEST_ENGINE_UTIL_H

#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "../../../../agent/engine/field.h"
#include "saker/event.h"

struct tval {
	const char *str; /* NULL = no value */
	int64_t i;
	uint64_t u;
	bool b;
	double d;
	uint8_t ip[16];
	uint32_t iplen; /* 0 = no value */
	const char *list[8];
	unsigned nlist;
	const char *bytes;
	uint32_t nbytes;
	const char *str2;
	unsigned nextract[16]; /* extractions per field id, to see evaluation order */
};

static struct tval tv;

enum {
	T_STR,
	T_PATH,
	T_INT,
	T_UINT,
	T_BOOL,
	T_DBL,
	T_IP,
	T_NET,
	T_PORT,
	T_BYTES,
	T_LIST,
	T_MISSING,
	T_KEY,
	T_STR2,
	T_UID
};

static const struct sk_field test_fields[] = {
    [T_STR] = {.name = "test.str", .type = PT_CHARBUF, .id = T_STR},
    [T_PATH] = {.name = "test.path", .type = PT_FSPATH, .id = T_PATH},
    [T_INT] = {.name = "test.int", .type = PT_INT64, .id = T_INT},
    [T_UINT] = {.name = "test.uint", .type = PT_UINT64, .id = T_UINT},
    [T_BOOL] = {.name = "test.bool", .type = PT_BOOL, .id = T_BOOL},
    [T_DBL] = {.name = "test.dbl", .type = PT_DOUBLE, .id = T_DBL},
    [T_IP] = {.name = "test.ip", .type = PT_IPADDR, .id = T_IP},
    [T_NET] = {.name = "test.net", .type = PT_IPNET, .id = T_NET},
    [T_PORT] = {.name = "test.port", .type = PT_PORT, .id = T_PORT},
    [T_BYTES] = {.name = "test.bytes", .type = PT_BYTEBUF, .id = T_BYTES},
    [T_LIST] = {.name = "test.list", .type = PT_CHARBUF, .flags = SK_FIELD_LIST, .id = T_LIST},
    [T_MISSING] = {.name = "test.missing", .type = PT_CHARBUF, .id = T_MISSING},
    [T_KEY] = {.name = "test.key",
	       .type = PT_CHARBUF,
	       .flags = SK_FIELD_ARG_REQUIRED | SK_FIELD_ARG_KEY,
	       .id = T_KEY},
    [T_STR2] = {.name = "test.str2", .type = PT_CHARBUF, .id = T_STR2},
    [T_UID] = {.name = "test.uid", .type = PT_UINT32, .id = T_UID},
};

static int test_extract(const struct sk_field_ref *ref, struct sk_eval_ctx *ctx, struct sk_value *v,
			unsigned cap)
{
	(void)ctx;
	(void)cap;
	if (ref->field->id < sizeof(tv.nextract) / sizeof(tv.nextract[0]))
		tv.nextract[ref->field->id]++;
	switch (ref->field->id) {
	case T_STR:
	case T_PATH:
		if (!tv.str)
			return 0;
		*v = (struct sk_value){
		    .type = ref->field->type, .len = (uint32_t)strlen(tv.str), .s = tv.str};
		return 1;
	case T_STR2:
		if (!tv.str2)
			return 0;
		*v = (struct sk_value){
		    .type = PT_CHARBUF, .len = (uint32_t)strlen(tv.str2), .s = tv.str2};
		return 1;
	case T_INT:
		*v = (struct sk_value){.type = PT_INT64, .len = 8, .i = tv.i};
		return 1;
	case T_UINT:
	case T_PORT:
	case T_UID:
		*v = (struct sk_value){.type = ref->field->type, .len = 8, .u = tv.u};
		return 1;
	case T_BOOL:
		*v = (struct sk_value){.type = PT_BOOL, .len = 4, .u = tv.b};
		return 1;
	case T_DBL:
		*v = (struct sk_value){.type = PT_DOUBLE, .len = 8, .d = tv.d};
		return 1;
	case T_IP:
	case T_NET:
		if (!tv.iplen)
			return 0;
		*v = (struct sk_value){.type = PT_IPADDR, .len = tv.iplen, .b = tv.ip};
		return 1;
	case T_BYTES:
		*v = (struct sk_value){
		    .type = PT_BYTEBUF, .len = tv.nbytes, .b = (const uint8_t *)tv.bytes};
		return 1;
	case T_LIST:
		for (unsigned i = 0; i < tv.nlist; i++)
			v[i] = (struct sk_value){.type = PT_CHARBUF,
						 .len = (uint32_t)strlen(tv.list[i]),
						 .s = tv.list[i]};
		return (int)tv.nlist;
	case T_KEY:
		*v = (struct sk_value){.type = PT_CHARBUF, .len = ref->arg_len, .s = ref->arg};
		return 1;
	default:
		return 0;
	}
}

static const struct sk_field_class test_class = {
    .name = "test",
    .source = NULL,
    .desc = "fields set by the unit test",
    .fields = test_fields,
    .nfields = sizeof(test_fields) / sizeof(test_fields[0]),
    .extract = test_extract,
};

static inline void set_ip(const char *s)
{
	memset(tv.ip, 0, sizeof(tv.ip));
	if (inet_pton(AF_INET, s, tv.ip) == 1)
		tv.iplen = 4;
	else if (inet_pton(AF_INET6, s, tv.ip) == 1)
		tv.iplen = 16;
}

/* Registry with the built-in classes plus the test class. */
static inline struct sk_field_registry *test_registry(void)
{
	struct sk_field_registry *r = NULL;
	if (sk_field_registry_new(&r) || sk_field_registry_add_builtin(r) ||
	    sk_field_registry_add(r, &test_class))
		return NULL;
	return r;
}

/*
 * A real scap event: header + u16 lengths + parameters. params[i] is
 * lens[i] bytes. Returns the event length written into buf.
 */
static inline size_t build_event(uint8_t *buf, uint16_t code, uint64_t ts, uint64_t tid, unsigned n,
				 const void *const *params, const uint16_t *lens)
{
	struct sk_evt_hdr h = {.ts = ts, .tid = tid, .type = code, .nparams = n};
	size_t off = sizeof(h) + n * 2u;
	uint8_t *p = buf + sizeof(h);
	for (unsigned i = 0; i < n; i++) {
		memcpy(p + i * 2u, &lens[i], 2);
		memcpy(buf + off, params[i], lens[i]);
		off += lens[i];
	}
	h.len = (uint32_t)off;
	memcpy(buf, &h, sizeof(h));
	return off;
}

/* open exit (code 3): fd, name, flags, mode, dev, ino. */
static inline size_t build_open_x(uint8_t *buf, uint64_t ts, int64_t fd, const char *name)
{
	uint32_t flags = 1, mode = 0, dev = 0;
	uint64_t ino = 0;
	const void *params[] = {&fd, name, &flags, &mode, &dev, &ino};
	uint16_t lens[] = {8, (uint16_t)(strlen(name) + 1), 4, 4, 4, 8};
	return build_event(buf, SK_EVT_OPEN_X, ts, 42, 6, params, lens);
}

/* An event with no parameters of code. */
static inline size_t build_bare(uint8_t *buf, uint16_t code, uint64_t ts)
{
	return build_event(buf, code, ts, 42, 0, NULL, NULL);
}

#endif
