/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The user and group field classes: the ids come from the event's thread,
 * the names from the state engine's user and group tables.
 */
#include <string.h>

#include "field_impl.h"

enum user_id { U_UID, U_NAME, U_HOMEDIR, U_SHELL, U_LOGINUID, U_LOGINNAME, U_COUNT_ };

static const struct sk_field user_fields[] = {
    SK_F(U_UID, "user.uid", PT_UINT32, 0, "user id of the thread"),
    SK_F(U_NAME, "user.name", PT_CHARBUF, 0, "user name of the thread"),
    SK_F(U_HOMEDIR, "user.homedir", PT_CHARBUF, 0, "home directory of that user"),
    SK_F(U_SHELL, "user.shell", PT_CHARBUF, 0, "login shell of that user"),
    SK_F(U_LOGINUID, "user.loginuid", PT_INT32, 0,
	 "audit user id (auid) the thread's login session started with; -1 when unset"),
    SK_F(U_LOGINNAME, "user.loginname", PT_CHARBUF, 0, "user name of user.loginuid"),
};

enum group_id { G_GID, G_NAME, G_COUNT_ };

static const struct sk_field group_fields[] = {
    SK_F(G_GID, "group.gid", PT_UINT64, 0, "group id of the thread"),
    SK_F(G_NAME, "group.name", PT_CHARBUF, 0, "group name of the thread"),
};

_Static_assert(SK_NELEM(user_fields) == U_COUNT_, "user_fields covers every id");
_Static_assert(SK_NELEM(group_fields) == G_COUNT_, "group_fields covers every id");

static bool user_of(struct sk_eval_ctx *ctx, uint32_t uid, const char *container_id,
		    struct sk_user_view *u)
{
	memset(u, 0, sizeof(*u));
	return ctx->state_ops->user &&
	       ctx->state_ops->user(ctx->state, uid, container_id ? container_id : "", u);
}

static int extract_user(const struct sk_field_ref *ref, struct sk_eval_ctx *ctx,
			struct sk_value *vals, unsigned cap)
{
	struct sk_thread_view t;
	struct sk_user_view u;

	if (cap == 0 || !sk_field_event_thread(ctx, &t))
		return 0;
	switch (ref->field->id) {
	case U_UID:
		return sk_val_u(vals, PT_UINT32, t.uid);
	case U_LOGINUID:
		return sk_val_i(vals, PT_INT32, (int32_t)t.loginuid);
	case U_LOGINNAME:
		if (t.loginuid == UINT32_MAX || !user_of(ctx, t.loginuid, t.container_id, &u))
			return 0;
		return sk_val_str(vals, u.name);
	default:
		break;
	}
	if (!user_of(ctx, t.uid, t.container_id, &u))
		return 0;
	switch (ref->field->id) {
	case U_NAME:
		return sk_val_str(vals, u.name);
	case U_HOMEDIR:
		return sk_val_str(vals, u.homedir);
	default: /* U_SHELL */
		return sk_val_str(vals, u.shell);
	}
}

static int extract_group(const struct sk_field_ref *ref, struct sk_eval_ctx *ctx,
			 struct sk_value *vals, unsigned cap)
{
	struct sk_thread_view t;
	struct sk_group_view g;

	if (cap == 0 || !sk_field_event_thread(ctx, &t))
		return 0;
	if (ref->field->id == G_GID)
		return sk_val_u(vals, PT_UINT64, t.gid);
	memset(&g, 0, sizeof(g));
	if (!ctx->state_ops->group ||
	    !ctx->state_ops->group(ctx->state, t.gid, t.container_id ? t.container_id : "", &g))
		return 0;
	return sk_val_str(vals, g.name);
}

const struct sk_field_class sk_field_class_user = {
    .name = "user",
    .source = "syscall",
    .desc = "The user the event's thread runs as",
    .fields = user_fields,
    .nfields = SK_NELEM(user_fields),
    .prepare = sk_field_prepare_common,
    .extract = extract_user,
};

const struct sk_field_class sk_field_class_group = {
    .name = "group",
    .source = "syscall",
    .desc = "The group the event's thread runs as",
    .fields = group_fields,
    .nfields = SK_NELEM(group_fields),
    .prepare = sk_field_prepare_common,
    .extract = extract_group,
};
