/* SPDX-License-Identifier: Apache-2.0 */
/* The kernel interest set: which syscalls the live probe reports. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "live.h"

/*
 * Syscalls state tracking needs whatever the rules say: process lifecycle,
 * fd creation and removal, identity and working-directory changes (the
 * state set of Falco's adaptive syscall selection).
 */
static const char *const sk_state_syscalls[] = {
	"clone", "clone3", "fork", "vfork", "execve", "execveat",
	"open", "openat", "openat2", "creat", "open_by_handle_at", "close",
	"dup", "dup2", "dup3", "fcntl", "socket", "socketpair", "connect", "accept",
	"accept4", "bind", "listen", "pipe", "pipe2", "eventfd", "eventfd2", "signalfd",
	"signalfd4", "timerfd_create", "inotify_init", "inotify_init1", "epoll_create",
	"epoll_create1", "userfaultfd", "memfd_create", "io_uring_setup", "pidfd_open",
	"pidfd_getfd", "chdir", "fchdir", "chroot", "setuid", "setgid", "setresuid",
	"setresgid", "setreuid", "setregid", "setsid", "setpgid", "capset", "prctl",
};

/* Event names that are not the name of their syscall(s). */
static const struct {
	const char *event;
	const char *syscalls[3];
} sk_event_syscalls[] = {
	{"pread", {"pread64"}},
	{"pwrite", {"pwrite64"}},
	{"eventfd", {"eventfd", "eventfd2"}},
	{"signalfd", {"signalfd", "signalfd4"}},
	{"pipe", {"pipe", "pipe2"}},
	{"dup", {"dup", "dup2", "dup3"}},
	{"accept", {"accept", "accept4"}},
	{"umount", {"umount2"}},
	{"inotify_init", {"inotify_init", "inotify_init1"}},
	{"select", {"select", "pselect6"}},
	{"stat", {"stat", "newfstatat"}},
};

static void want_name(bool *want, const char *name)
{
	int nr = sk_syscall_nr(name);
	if (nr >= 0 && (unsigned)nr < SK_PROBE_NR_MAX)
		want[nr] = true;
}

static void want_event(bool *want, const char *event)
{
	for (size_t i = 0; i < sizeof(sk_event_syscalls) / sizeof(sk_event_syscalls[0]); i++) {
		if (strcmp(sk_event_syscalls[i].event, event))
			continue;
		for (size_t k = 0; k < 3 && sk_event_syscalls[i].syscalls[k]; k++)
			want_name(want, sk_event_syscalls[i].syscalls[k]);
		return;
	}
	want_name(want, event);
}

struct generic_names {
	const bool *has_filler;
	bool *want;
};

/* A name from a rule: the syscall of that name, when it has no event of its own. */
static void want_generic(void *ctx, const char *name, size_t len)
{
	struct generic_names *g = ctx;
	char buf[64];
	if (len == 0 || len >= sizeof(buf))
		return;
	memcpy(buf, name, len);
	buf[len] = '\0';
	int nr = sk_syscall_nr(buf);
	if (nr >= 0 && (unsigned)nr < SK_PROBE_NR_MAX && !g->has_filler[nr])
		g->want[nr] = true;
}

void sk_live_interest(const struct sk_ruleset *rs, bool all, const bool *has_filler, bool *want)
{
	for (unsigned nr = 0; nr < SK_PROBE_NR_MAX; nr++)
		want[nr] = all && sk_syscall_name(nr);
	if (all)
		return;
	for (size_t i = 0; i < sizeof(sk_state_syscalls) / sizeof(sk_state_syscalls[0]); i++)
		want_name(want, sk_state_syscalls[i]);
	for (unsigned code = 0; rs && code < SK_EVT_TABLE_SIZE; code++) {
		const struct sk_event_info *info = sk_event_info_get((uint16_t)code);
		/* high-volume events reach no rule without -A (pipeline.c): not worth reporting */
		if (!info || !(info->category & SK_EC_SYSCALL) || code == SK_EVT_SYSCALL_E ||
		    code == SK_EVT_SYSCALL_X || sk_event_is_high_volume(info) ||
		    !sk_ruleset_code_used(rs, (uint16_t)code))
			continue;
		want_event(want, info->name);
	}
	/* An event name the probe has no filler for would arrive as a generic event. */
	for (unsigned nr = 0; has_filler && nr < SK_PROBE_NR_MAX; nr++)
		if (!has_filler[nr])
			want[nr] = false;
	/* Syscalls without an event of its own that rules name (evt.type = mlock)
	 * come as generic events, as in Falco's adaptive syscall set. */
	if (rs && has_filler) {
		struct generic_names g = {.has_filler = has_filler, .want = want};
		sk_ruleset_type_names(rs, want_generic, &g);
	}
}

int sk_live_interest_custom(bool *want, const char *const *set, unsigned n, char *err,
			    size_t errlen)
{
	for (unsigned i = 0; i < n; i++) {
		bool on = set[i][0] != '!';
		const char *name = on ? set[i] : set[i] + 1;
		int nr = sk_syscall_nr(name);
		if (nr < 0 || (unsigned)nr >= SK_PROBE_NR_MAX) {
			snprintf(err, errlen, "base_syscalls.custom_set: unknown syscall '%s'", name);
			return -ENOENT;
		}
		want[nr] = on;
	}
	return 0;
}
