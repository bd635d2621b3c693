/* SPDX-License-Identifier: Apache-2.0 */
/* The thread table and fd tables: creation, lookup, copying, removal. */
#include "state.h"
#include "state_priv.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sk_state_init(struct sk_state *s)
{
	memset(s, 0, sizeof(*s));
	sk_u64map_init(&s->threads);
	sk_u64map_init(&s->users);
	sk_u64map_init(&s->groups);
	sk_u64map_init(&s->containers);
}

static void fdinfo_free(struct sk_fdinfo *fi)
{
	if (fi)
		free(fi->name);
	free(fi);
}

static void free_fd_cb(uint64_t key, void *val, void *ctx)
{
	fdinfo_free(val);
}

const char *sk_fdinfo_name(const struct sk_fdinfo *fi)
{
	return fi->name ? fi->name : "";
}

void sk_fdinfo_set_name(struct sk_fdinfo *fi, const char *fmt, ...)
{
	char buf[SK_STATE_FDNAME_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	char *p = strdup(buf);
	if (!p)
		return; /* keeps the old name */
	free(fi->name);
	fi->name = p;
}

/* A copy of src with its own name. */
static struct sk_fdinfo *fdinfo_dup(const struct sk_fdinfo *src)
{
	struct sk_fdinfo *fi = malloc(sizeof(*fi));
	if (!fi)
		return NULL;
	*fi = *src;
	fi->name = src->name ? strdup(src->name) : NULL;
	if (src->name && !fi->name) {
		free(fi);
		return NULL;
	}
	return fi;
}

void sk_fdtable_unref(struct sk_fdtable *t)
{
	if (!t || --t->refs > 0)
		return;
	sk_u64map_foreach(&t->fds, free_fd_cb, NULL);
	sk_u64map_fini(&t->fds);
	free(t);
}

struct sk_fdtable *sk_fdtable_new(void)
{
	struct sk_fdtable *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->refs = 1;
	sk_u64map_init(&t->fds);
	return t;
}

static void copy_fd_cb(uint64_t key, void *val, void *ctx)
{
	struct sk_fdtable *dst = ctx;
	struct sk_fdinfo *fi = fdinfo_dup(val);
	if (fi && sk_u64map_put(&dst->fds, key, fi))
		fdinfo_free(fi);
}

struct sk_fdtable *sk_fdtable_dup(const struct sk_fdtable *src)
{
	struct sk_fdtable *t = sk_fdtable_new();
	if (t && src)
		sk_u64map_foreach(&src->fds, copy_fd_cb, t);
	return t;
}

void sk_thread_free(struct sk_thread *t)
{
	if (!t)
		return;
	free(t->exe);
	free(t->exepath);
	free(t->cwd);
	free(t->root);
	free(t->args);
	free(t->env);
	free(t->cgroups);
	free(t->enter);
	sk_fdtable_unref(t->fdt);
	free(t);
}

static void free_thread_cb(uint64_t key, void *val, void *ctx)
{
	sk_thread_free(val);
}

static void free_cb(uint64_t key, void *val, void *ctx)
{
	free(val);
}

static void free_container_cb(uint64_t key, void *val, void *ctx)
{
	sk_container_free(val);
}

void sk_state_reset(struct sk_state *s)
{
	s->cached_thread = NULL;
	sk_u64map_foreach(&s->threads, free_thread_cb, NULL);
	sk_u64map_fini(&s->threads);
	sk_u64map_foreach(&s->users, free_cb, NULL);
	sk_u64map_fini(&s->users);
	sk_u64map_foreach(&s->groups, free_cb, NULL);
	sk_u64map_fini(&s->groups);
	sk_u64map_foreach(&s->containers, free_container_cb, NULL);
	sk_u64map_fini(&s->containers);
	s->have_machine = false;
	s->close_pending = false;
}

void sk_state_fini(struct sk_state *s)
{
	sk_state_reset(s);
}

struct sk_thread *sk_state_thread(const struct sk_state *s, int64_t tid)
{
	if (s->cached_thread && s->cached_tid == tid)
		return s->cached_thread;
	struct sk_thread *t = sk_u64map_get(&s->threads, (uint64_t)tid);
	if (t) {
		/* A lookup cache, not state: the table itself is not changed. */
		struct sk_state *w = (struct sk_state *)s;
		w->cached_tid = tid;
		w->cached_thread = t;
	}
	return t;
}

struct sk_thread *sk_state_thread_add(struct sk_state *s, int64_t tid)
{
	struct sk_thread *t = sk_state_thread(s, tid);
	if (t)
		return t;
	if (s->threads.len >= SK_STATE_MAX_THREADS) {
		sk_state_count(&s->threads_dropped, 1);
		return NULL;
	}
	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->tid = tid;
	t->pid = tid;
	t->ptid = -1;
	t->sid = t->vtid = t->vpid = t->vpgid = -1;
	/* What libsinsp gives a thread it first meets in an event. */
	memcpy(t->comm, "<NA>", 5);
	t->exe = strdup("<NA>");
	t->uid = t->gid = UINT32_MAX;
	t->fdlimit = -1;
	t->loginuid = UINT32_MAX;
	t->lastevent_fd = -1;
	t->container_type = SK_CT_NONE;
	t->fdt = sk_fdtable_new();
	if (!t->exe || !t->fdt || sk_u64map_put(&s->threads, (uint64_t)tid, t)) {
		sk_thread_free(t);
		return NULL;
	}
	return t;
}

void sk_state_thread_del(struct sk_state *s, int64_t tid)
{
	s->cached_thread = NULL;
	sk_thread_free(sk_u64map_del(&s->threads, (uint64_t)tid));
}

struct sk_fdinfo *sk_state_fd(const struct sk_state *s, int64_t tid, int64_t fd)
{
	struct sk_thread *t = sk_state_thread(s, tid);
	if (!t || !t->fdt)
		return NULL;
	return sk_u64map_get(&t->fdt->fds, (uint64_t)fd);
}

struct sk_fdinfo *sk_thread_fd_add(struct sk_state *s, struct sk_thread *t, int64_t fd)
{
	if (!t->fdt)
		return NULL;
	struct sk_fdinfo *fi = sk_u64map_get(&t->fdt->fds, (uint64_t)fd);
	if (!fi) {
		if (t->fdt->fds.len >= SK_STATE_MAX_FDS) {
			sk_state_count(&s->fds_dropped, 1);
			return NULL;
		}
		fi = calloc(1, sizeof(*fi));
		if (!fi)
			return NULL;
		if (sk_u64map_put(&t->fdt->fds, (uint64_t)fd, fi)) {
			free(fi);
			return NULL;
		}
	}
	free(fi->name);
	memset(fi, 0, sizeof(*fi));
	fi->fd = fd;
	return fi;
}

void sk_thread_fd_del(struct sk_thread *t, int64_t fd)
{
	if (t->fdt)
		fdinfo_free(sk_u64map_del(&t->fdt->fds, (uint64_t)fd));
}

struct sk_fdinfo *sk_thread_fd_dup(struct sk_state *s, struct sk_thread *t, int64_t oldfd,
				   int64_t newfd)
{
	const struct sk_fdinfo *old = sk_state_fd(s, t->tid, oldfd);
	if (!old || oldfd == newfd)
		return NULL;
	struct sk_fdinfo *copy = fdinfo_dup(old);
	if (!copy)
		return NULL;
	struct sk_fdinfo *fi = sk_thread_fd_add(s, t, newfd);
	if (!fi) {
		fdinfo_free(copy);
		return NULL;
	}
	*fi = *copy; /* fi's own name was freed by sk_thread_fd_add; take copy's */
	fi->fd = newfd;
	free(copy);
	return fi;
}

int sk_thread_set_cwd(struct sk_thread *t, const char *cwd)
{
	size_t n = strnlen(cwd, SK_STATE_FDNAME_MAX);
	char *p = malloc(n + 2);
	if (!p)
		return -ENOMEM;
	memcpy(p, cwd, n);
	/* sysdig keeps the working directory with a trailing '/' */
	if (n == 0 || p[n - 1] != '/')
		p[n++] = '/';
	p[n] = '\0';
	free(t->cwd);
	t->cwd = p;
	return 0;
}

int sk_str_set(char **dst, const char *src, size_t len)
{
	char *p = malloc(len + 1);
	if (!p)
		return -ENOMEM;
	memcpy(p, src, len);
	p[len] = '\0';
	free(*dst);
	*dst = p;
	return 0;
}

int sk_buf_set(char **dst, uint32_t *dst_len, const void *src, size_t len)
{
	int rc = sk_str_set(dst, src, len);
	if (rc == 0)
		*dst_len = (uint32_t)len;
	return rc;
}

const struct sk_user *sk_state_user(const struct sk_state *s, uint32_t uid)
{
	return sk_u64map_get(&s->users, uid);
}

const struct sk_group *sk_state_group(const struct sk_state *s, uint32_t gid)
{
	return sk_u64map_get(&s->groups, gid);
}

char sk_fd_typechar(uint8_t type)
{
	switch (type) {
	case SK_FD_FILE:
	case SK_FD_FILE_V2:
		return 'f';
	case SK_FD_DIRECTORY:
		return 'd';
	case SK_FD_IPV4_SOCK:
	case SK_FD_IPV4_SERVSOCK:
		return '4';
	case SK_FD_IPV6_SOCK:
	case SK_FD_IPV6_SERVSOCK:
		return '6';
	case SK_FD_UNIX_SOCK:
	case SK_FD_USERFAULTFD:
		return 'u';
	case SK_FD_FIFO:
		return 'p';
	case SK_FD_EVENT:
		return 'e';
	case SK_FD_SIGNALFD:
		return 's';
	case SK_FD_EVENTPOLL:
		return 'l';
	case SK_FD_INOTIFY:
		return 'i';
	case SK_FD_TIMERFD:
		return 't';
	case SK_FD_NETLINK:
		return 'n';
	case SK_FD_BPF:
		return 'b';
	case SK_FD_IOURING:
		return 'r';
	case SK_FD_MEMFD:
		return 'm';
	case SK_FD_PIDFD:
		return 'P';
	case SK_FD_UNSUPPORTED:
		return 'X';
	default:
		return 'o';
	}
}
