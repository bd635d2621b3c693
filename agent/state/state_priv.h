/* SPDX-License-Identifier: Apache-2.0 */
/* Internals shared by the state files. */
#ifndef SAKER_STATE_PRIV_H
#define SAKER_STATE_PRIV_H

#include "state.h"

struct sk_fdtable *sk_fdtable_new(void);
struct sk_fdtable *sk_fdtable_dup(const struct sk_fdtable *src);
void sk_fdtable_unref(struct sk_fdtable *t);

void sk_thread_free(struct sk_thread *t);
/* The thread for tid, created empty when unknown (NULL when the table is full). */
struct sk_thread *sk_state_thread_add(struct sk_state *s, int64_t tid);
void sk_state_thread_del(struct sk_state *s, int64_t tid);

/* A zeroed fd entry for fd in t's table (replacing any), or NULL. */
struct sk_fdinfo *sk_thread_fd_add(struct sk_state *s, struct sk_thread *t, int64_t fd);
void sk_thread_fd_del(struct sk_thread *t, int64_t fd);
/* newfd of t as a copy of its oldfd (dup, fcntl F_DUPFD); NULL when oldfd is unknown. */
struct sk_fdinfo *sk_thread_fd_dup(struct sk_state *s, struct sk_thread *t, int64_t oldfd,
				   int64_t newfd);

/* Set t's working directory, kept with a trailing '/' as sysdig shows it. */
int sk_thread_set_cwd(struct sk_thread *t, const char *cwd);

/* Replace *dst by a NUL-terminated copy of src[0..len). */
int sk_str_set(char **dst, const char *src, size_t len);
int sk_buf_set(char **dst, uint32_t *dst_len, const void *src, size_t len);

/* Socket tuple text "1.2.3.4:5->6.7.8.9:10" / IPv6 "[::1]:5->..." into fi->name. */
void sk_fdinfo_set_tuple_name(struct sk_fdinfo *fi);

/* Add n to a counter of s that other threads read (sk_state_get_stats); one writer. */
static inline void sk_state_count(uint64_t *c, uint64_t n)
{
	__atomic_store_n(c, __atomic_load_n(c, __ATOMIC_RELAXED) + n, __ATOMIC_RELAXED);
}

/* Store s's table sizes for sk_state_get_stats (once per event: inline, four stores). */
static inline void sk_state_show_sizes(struct sk_state *s)
{
	__atomic_store_n(&s->shown_threads, (uint64_t)s->threads.len, __ATOMIC_RELAXED);
	__atomic_store_n(&s->shown_containers, (uint64_t)s->containers.len, __ATOMIC_RELAXED);
	__atomic_store_n(&s->shown_users, (uint64_t)s->users.len, __ATOMIC_RELAXED);
	__atomic_store_n(&s->shown_groups, (uint64_t)s->groups.len, __ATOMIC_RELAXED);
}

/* Add or replace a user (or, with is_group, a group) in s's tables. */
int sk_state_add_user(struct sk_state *s, const struct sk_scap_user *u);

void sk_container_free(struct sk_container *c);
/* Apply a container event (codes 228, 272, 324). */
int sk_state_apply_container_event(struct sk_state *s, const struct sk_evt *e);
/* Recompute t's container id and runtime from its cgroups. */
void sk_thread_set_container(struct sk_thread *t);

#endif
