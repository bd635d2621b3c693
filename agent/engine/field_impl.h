/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Private helpers shared by the built-in field classes (fields_*.c): value
 * constructors, the per-event scratch buffer, and the state-hook accessors
 * that yield "no value" while no state engine is attached.
 */
#ifndef SAKER_ENGINE_FIELD_IMPL_H
#define SAKER_ENGINE_FIELD_IMPL_H

#include <string.h>

#include "field.h"

/* Declare one field of a class table: id, name, type, flags, description. */
#define SK_F(id_, name_, type_, flags_, desc_)                                                     \
	[id_] = {.name = name_, .type = type_, .flags = flags_, .id = id_, .desc = desc_}

#define SK_NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* The built-in classes (defined in fields_*.c, registered by sk_field_registry_add_builtin). */
extern const struct sk_field_class sk_field_class_evt_all;
extern const struct sk_field_class sk_field_class_evt;
extern const struct sk_field_class sk_field_class_proc;
extern const struct sk_field_class sk_field_class_thread;
extern const struct sk_field_class sk_field_class_fd;
extern const struct sk_field_class sk_field_class_fdlist;
extern const struct sk_field_class sk_field_class_fspath;
extern const struct sk_field_class sk_field_class_user;
extern const struct sk_field_class sk_field_class_group;
extern const struct sk_field_class sk_field_class_container;
extern const struct sk_field_class sk_field_class_k8s;
extern const struct sk_field_class sk_field_class_syscall;

static inline int sk_val_u(struct sk_value *v, uint8_t type, uint64_t u)
{
	*v = (struct sk_value){.type = type, .len = 8, .u = u};
	return 1;
}

static inline int sk_val_i(struct sk_value *v, uint8_t type, int64_t i)
{
	*v = (struct sk_value){.type = type, .len = 8, .i = i};
	return 1;
}

static inline int sk_val_bool(struct sk_value *v, bool b)
{
	*v = (struct sk_value){.type = PT_BOOL, .len = 4, .u = b ? 1 : 0};
	return 1;
}

/* A borrowed string of len bytes. */
static inline int sk_val_strn(struct sk_value *v, const char *s, size_t len)
{
	*v = (struct sk_value){.type = PT_CHARBUF, .len = (uint32_t)len, .s = s};
	return 1;
}

/* A borrowed NUL-terminated string; no value when s is NULL. */
static inline int sk_val_str(struct sk_value *v, const char *s)
{
	return s ? sk_val_strn(v, s, strlen(s)) : 0;
}

/*
 * n bytes of ctx's per-event scratch buffer, or NULL when it is full (the
 * field then extracts no value rather than a truncated one).
 */
static inline char *sk_scratch_alloc(struct sk_eval_ctx *ctx, size_t n)
{
	char *p;

	if (!ctx->scratch || n > ctx->scratch_cap - ctx->scratch_used)
		return NULL;
	p = ctx->scratch + ctx->scratch_used;
	ctx->scratch_used += n;
	return p;
}

/* A copy of s[0..len) in scratch as a string value. */
int sk_val_scratch(struct sk_eval_ctx *ctx, struct sk_value *v, const char *s, size_t len);

/*
 * Check ref->arg against the field's flags at compile time: refuse an
 * argument where none is taken or a missing one where it is required; a
 * numeric argument of an SK_FIELD_ARG_INDEX field sets ref->arg_index and
 * ref->prepared = 1. Returns 0 or -EINVAL with the reason in err.
 */
int sk_field_prepare_common(struct sk_field_ref *ref, char *err, size_t errlen);

/* Whether a state engine is attached and implements op. */
#define SK_STATE_HAS(ctx, op) ((ctx)->state && (ctx)->state_ops && (ctx)->state_ops->op)

/* The event's thread (by the header tid); false when unknown or no state. */
bool sk_field_event_thread(struct sk_eval_ctx *ctx, struct sk_thread_view *t);

#endif
