/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Helpers shared by the built-in field classes (see field_impl.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "field_impl.h"

int sk_val_scratch(struct sk_eval_ctx *ctx, struct sk_value *v, const char *s, size_t len)
{
	char *p = sk_scratch_alloc(ctx, len + 1);

	if (!p)
		return 0;
	memcpy(p, s, len);
	p[len] = '\0';
	return sk_val_strn(v, p, len);
}

bool sk_field_event_thread(struct sk_eval_ctx *ctx, struct sk_thread_view *t)
{
	if (!ctx->evt || !SK_STATE_HAS(ctx, thread))
		return false;
	memset(t, 0, sizeof(*t));
	return ctx->state_ops->thread(ctx->state, (int64_t)ctx->evt->hdr->tid, t);
}

int sk_field_prepare_common(struct sk_field_ref *ref, char *err, size_t errlen)
{
	const char *a = ref->arg;
	uint16_t fl = ref->field->flags;
	char *end;
	long long n;

	if (!(fl & (SK_FIELD_ARG_REQUIRED | SK_FIELD_ARG_ALLOWED))) {
		if (a) {
			snprintf(err, errlen, "field '%s' takes no argument", ref->field->name);
			return -EINVAL;
		}
		return 0;
	}
	if (!a || !*a) {
		if (fl & SK_FIELD_ARG_REQUIRED) {
			snprintf(err, errlen, "field '%s' requires an argument", ref->field->name);
			return -EINVAL;
		}
		return 0;
	}
	if (!(fl & SK_FIELD_ARG_INDEX))
		return 0;
	errno = 0;
	n = strtoll(a, &end, 10);
	if (*end == '\0' && errno == 0 && n >= 0) {
		ref->arg_index = n;
		ref->prepared = 1;
		return 0;
	}
	if (fl & SK_FIELD_ARG_KEY)
		return 0;
	snprintf(err, errlen, "invalid argument '%s' for %s: expected a number", a,
		 ref->field->name);
	return -EINVAL;
}
