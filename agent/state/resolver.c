/* SPDX-License-Identifier: Apache-2.0 */
/* The render resolver backed by state: fd names, process names, user and group names. */
#include "state.h"

#include <stdio.h>

static char l4char(uint8_t l4proto)
{
	switch (l4proto) {
	case 2:
		return 't';
	case 3:
		return 'u';
	case 4:
		return 'i';
	case 5:
		return 'r';
	default:
		return 0;
	}
}

static bool fd_name(void *ctx, int64_t tid, int64_t fd, char *out, size_t cap)
{
	const struct sk_fdinfo *fi = sk_state_fd(ctx, tid, fd);
	if (!fi)
		return false;
	char tc = sk_fd_typechar(fi->type);
	bool sock = fi->type == SK_FD_IPV4_SOCK || fi->type == SK_FD_IPV6_SOCK ||
		    fi->type == SK_FD_IPV4_SERVSOCK || fi->type == SK_FD_IPV6_SERVSOCK;
	/* sysdig shows the protocol once the socket has endpoints. */
	const char *name = sk_fdinfo_name(fi);
	char l4 = sock && name[0] ? l4char(fi->l4proto) : 0;
	if (l4)
		snprintf(out, cap, "<%c%c>%s", tc, l4, name);
	else
		snprintf(out, cap, "<%c>%s", tc, name);
	return true;
}

static bool pid_name(void *ctx, int64_t pid, char *out, size_t cap)
{
	const struct sk_thread *t = sk_state_thread(ctx, pid);
	if (!t || !t->comm[0])
		return false;
	snprintf(out, cap, "%s", t->comm);
	return true;
}

static bool user_name(void *ctx, uint32_t uid, char *out, size_t cap)
{
	const struct sk_user *u = sk_state_user(ctx, uid);
	if (!u)
		return false;
	snprintf(out, cap, "%s", u->name);
	return true;
}

static bool group_name(void *ctx, uint32_t gid, char *out, size_t cap)
{
	const struct sk_group *g = sk_state_group(ctx, gid);
	if (!g)
		return false;
	snprintf(out, cap, "%s", g->name);
	return true;
}

static bool cwd(void *ctx, int64_t tid, char *out, size_t cap)
{
	const struct sk_thread *t = sk_state_thread(ctx, tid);
	if (!t || !t->cwd || !t->cwd[0])
		return false;
	snprintf(out, cap, "%s", t->cwd);
	return true;
}

void sk_state_resolver(struct sk_state *s, struct sk_render_resolver *res)
{
	res->ctx = s;
	res->fd_name = fd_name;
	res->pid_name = pid_name;
	res->user_name = user_name;
	res->group_name = group_name;
	res->cwd = cwd;
}
