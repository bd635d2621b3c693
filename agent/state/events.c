/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Applying events to state, after libsinsp's parsers: clone/fork/vfork and
 * execve shape the thread table; open/socket/connect/accept/pipe/dup/close
 * and friends shape fd tables; procexit removes threads. Old captures carry
 * some arguments only in the enter event, so each thread keeps its last
 * enter event and exit parsers fall back to it.
 */
#include "state.h"
#include "state_priv.h"

#include <arpa/inet.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Socket constants as the kernel (and the drivers) report them. */
#define K_SOCK_STREAM 1
#define K_SOCK_DGRAM 2
#define K_SOCK_RAW 3
#define K_IPPROTO_IP 0
#define K_IPPROTO_ICMP 1
#define K_IPPROTO_TCP 6
#define K_IPPROTO_UDP 17
#define K_IPPROTO_RAW 255
#define L4_UNKNOWN 0
#define L4_TCP 2
#define L4_UDP 3
#define L4_ICMP 4
#define L4_RAW 5

#define PPM_O_DIRECTORY 0x400u
#define PPM_CL_CLONE_FILES 0x1u
#define PPM_CL_CLONE_THREAD 0x2000u
/* execve_flags (flags.def) */
#define PPM_EXE_WRITABLE 0x1u
#define PPM_EXE_UPPER_LAYER 0x2u
#define PPM_EXE_FROM_MEMFD 0x4u
#define PPM_EXE_LOWER_LAYER 0x8u
#define PPM_CL_CLONE_NEWPID 0x40u
#define PPM_CL_CHILD_IN_PIDNS 0x20000000u
#define PPM_FCNTL_F_DUPFD 1u
#define PPM_FCNTL_F_DUPFD_CLOEXEC 0x1au

/* Event codes the dispatcher treats specially. */
#define CODE_PROCEXIT_OLD 16u
#define CODE_PROCEXIT 186u

/* A parameter of the exit event by name, else of the thread's stored enter event. */
struct argsrc {
	const struct sk_evt *x;
	struct sk_evt enter;
	bool have_enter;
};

static void argsrc_init(struct argsrc *a, const struct sk_evt *x, const struct sk_thread *t)
{
	a->x = x;
	a->have_enter = false;
	if (!t || !t->enter)
		return;
	char err[8];
	if (sk_evt_parse(&a->enter, t->enter, t->enter_len, err, sizeof(err)) == 0 &&
	    a->enter.hdr->type == (x->hdr->type & ~1u))
		a->have_enter = true;
}

/* The event and index holding parameter name (exit first, then enter). */
static bool arg_find(const struct argsrc *a, const char *name, const struct sk_evt **e, int *idx)
{
	int i = sk_evt_param_index(a->x, name);
	if (i >= 0 && a->x->param_len[i] > 0) {
		*e = a->x;
		*idx = i;
		return true;
	}
	if (a->have_enter) {
		i = sk_evt_param_index(&a->enter, name);
		if (i >= 0 && a->enter.param_len[i] > 0) {
			*e = &a->enter;
			*idx = i;
			return true;
		}
	}
	return false;
}

static bool arg_s64(const struct argsrc *a, const char *name, int64_t *out)
{
	const struct sk_evt *e;
	int i;
	return arg_find(a, name, &e, &i) && sk_evt_get_s64(e, (unsigned)i, out);
}

static bool arg_u32(const struct argsrc *a, const char *name, uint32_t *out)
{
	const struct sk_evt *e;
	int i;
	return arg_find(a, name, &e, &i) && sk_evt_get_u32(e, (unsigned)i, out);
}

static const char *arg_str(const struct argsrc *a, const char *name)
{
	const struct sk_evt *e;
	int i;
	return arg_find(a, name, &e, &i) ? sk_evt_get_str(e, (unsigned)i) : NULL;
}

static bool arg_raw(const struct argsrc *a, const char *name, const uint8_t **p, uint32_t *len)
{
	const struct sk_evt *e;
	int i;
	if (!arg_find(a, name, &e, &i))
		return false;
	*p = e->param[i];
	*len = e->param_len[i];
	return true;
}

/* The return value (first parameter) of an exit event. */
static bool exit_res(const struct sk_evt *e, int64_t *res)
{
	return e->nparams > 0 && sk_evt_get_s64(e, 0, res);
}

void sk_fdinfo_set_tuple_name(struct sk_fdinfo *fi)
{
	char s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN];
	int af = fi->family == SK_AF_INET6 ? AF_INET6 : AF_INET;
	inet_ntop(af, fi->sip, s, sizeof(s));
	inet_ntop(af, fi->dip, d, sizeof(d));
	sk_fdinfo_set_name(fi, "%s:%u->%s:%u", s, fi->sport, d, fi->dport);
}

/* Absolute path of name relative to dirfd (AT_FDCWD = -100) for thread t. */
static void resolve_path(struct sk_state *s, struct sk_thread *t, int64_t dirfd, const char *name,
			 char *out, size_t cap)
{
	const char *base = NULL;
	if (name[0] != '/' && name[0] != '\0') {
		if (dirfd == -100) {
			base = t->cwd;
		} else {
			struct sk_fdinfo *d = sk_state_fd(s, t->tid, dirfd);
			if (d)
				base = sk_fdinfo_name(d);
		}
	}
	if (!base || base[0] != '/' || !sk_path_join(base, name, out, cap))
		snprintf(out, cap, "%s", name);
}

static void parse_open_exit(struct sk_state *s, struct sk_thread *t, const struct argsrc *a)
{
	int64_t fd;
	if (!exit_res(a->x, &fd) || fd < 0)
		return;
	const char *name = arg_str(a, "name");
	int64_t dirfd = -100;
	arg_s64(a, "dirfd", &dirfd);
	uint32_t flags = 0;
	arg_u32(a, "flags", &flags);
	t->lastevent_fd = fd;
	struct sk_fdinfo *fi = sk_thread_fd_add(s, t, fd);
	if (!fi)
		return;
	fi->type = (flags & PPM_O_DIRECTORY) ? SK_FD_DIRECTORY : SK_FD_FILE;
	fi->flags = flags;
	uint32_t dev;
	if (arg_u32(a, "dev", &dev))
		fi->dev = dev;
	int64_t ino;
	if (arg_s64(a, "ino", &ino))
		fi->ino = (uint64_t)ino;
	if (name) {
		char path[SK_STATE_FDNAME_MAX];
		resolve_path(s, t, dirfd, name, path, sizeof(path));
		sk_fdinfo_set_name(fi, "%s", path);
	}
}

static uint8_t l4proto_of(uint32_t type, uint32_t proto)
{
	type &= 0xf;
	switch (proto) {
	case K_IPPROTO_TCP:
		return type == K_SOCK_RAW ? L4_RAW : L4_TCP;
	case K_IPPROTO_UDP:
		return type == K_SOCK_RAW ? L4_RAW : L4_UDP;
	case K_IPPROTO_ICMP:
		return type == K_SOCK_RAW ? L4_RAW : L4_ICMP;
	case K_IPPROTO_RAW:
		return L4_RAW;
	case K_IPPROTO_IP:
		if (type == K_SOCK_STREAM)
			return L4_TCP;
		if (type == K_SOCK_DGRAM)
			return L4_UDP;
		return L4_UNKNOWN;
	default:
		return L4_UNKNOWN;
	}
}

static void parse_socket_exit(struct sk_state *s, struct sk_thread *t, const struct argsrc *a)
{
	int64_t fd;
	if (!exit_res(a->x, &fd) || fd < 0)
		return;
	uint32_t domain = 0, type = 0, proto = 0;
	arg_u32(a, "domain", &domain);
	arg_u32(a, "type", &type);
	arg_u32(a, "proto", &proto);
	t->lastevent_fd = fd;
	struct sk_fdinfo *fi = sk_thread_fd_add(s, t, fd);
	if (!fi)
		return;
	fi->family = (uint8_t)domain;
	switch (domain) {
	case SK_AF_INET:
		fi->type = SK_FD_IPV4_SOCK;
		fi->l4proto = l4proto_of(type, proto);
		break;
	case SK_AF_INET6:
		fi->type = SK_FD_IPV6_SOCK;
		fi->l4proto = l4proto_of(type, proto);
		break;
	case SK_AF_UNIX:
		fi->type = SK_FD_UNIX_SOCK;
		break;
	case SK_AF_NETLINK:
		fi->type = SK_FD_NETLINK;
		break;
	default:
		fi->type = SK_FD_UNKNOWN;
		break;
	}
}

/* Fill fi's endpoints from a SOCKTUPLE parameter. */
static void apply_tuple(struct sk_fdinfo *fi, const uint8_t *p, uint32_t len)
{
	if (len < 1)
		return;
	switch (p[0]) {
	case SK_AF_INET:
		if (len < 13)
			return;
		fi->family = SK_AF_INET;
		if (fi->type != SK_FD_IPV4_SOCK && fi->type != SK_FD_IPV6_SOCK)
			fi->type = SK_FD_IPV4_SOCK;
		memcpy(fi->sip, p + 1, 4);
		memcpy(&fi->sport, p + 5, 2);
		memcpy(fi->dip, p + 7, 4);
		memcpy(&fi->dport, p + 11, 2);
		fi->type = SK_FD_IPV4_SOCK;
		sk_fdinfo_set_tuple_name(fi);
		break;
	case SK_AF_INET6:
		if (len < 37)
			return;
		fi->family = SK_AF_INET6;
		fi->type = SK_FD_IPV6_SOCK;
		memcpy(fi->sip, p + 1, 16);
		memcpy(&fi->sport, p + 17, 2);
		memcpy(fi->dip, p + 19, 16);
		memcpy(&fi->dport, p + 35, 2);
		sk_fdinfo_set_tuple_name(fi);
		break;
	case SK_AF_UNIX:
		fi->family = SK_AF_UNIX;
		fi->type = SK_FD_UNIX_SOCK;
		if (len > 17)
			sk_fdinfo_set_name(fi, "%.*s", (int)(len - 17), (const char *)p + 17);
		break;
	default:
		break;
	}
}

static void parse_connect_exit(struct sk_state *s, struct sk_thread *t, const struct argsrc *a)
{
	int64_t res, fd;
	if (!exit_res(a->x, &res) || !arg_s64(a, "fd", &fd))
		return;
	const uint8_t *p;
	uint32_t len;
	struct sk_fdinfo *fi = sk_state_fd(s, t->tid, fd);
	if (!fi || !arg_raw(a, "tuple", &p, &len))
		return;
	/* A failed non-blocking connect (EINPROGRESS) still names the peer. */
	if (res < 0 && res != -115)
		return;
	apply_tuple(fi, p, len);
	fi->connected = true;
	fi->role_known = true;
	fi->is_server = false;
}

/*
 * sendto/sendmsg/recvfrom/recvmsg on a UDP socket name its peer: a socket
 * without endpoints takes them (client when sending, server when
 * receiving); a different peer renames the fd, which fd.name_changed shows
 * for this event.
 */
static void parse_udp_io_exit(struct sk_state *s, struct sk_thread *t, const struct argsrc *a)
{
	int64_t res, fd = t->lastevent_fd;
	const uint8_t *p;
	uint32_t len;
	if (!exit_res(a->x, &res) || res < 0 || !arg_raw(a, "tuple", &p, &len) || len < 1)
		return;
	arg_s64(a, "fd", &fd);
	struct sk_fdinfo *fi = sk_state_fd(s, t->tid, fd);
	if (!fi || fi->l4proto != L4_UDP ||
	    (fi->type != SK_FD_IPV4_SOCK && fi->type != SK_FD_IPV6_SOCK))
		return;
	char old[SK_STATE_FDNAME_MAX];
	snprintf(old, sizeof(old), "%s", sk_fdinfo_name(fi));
	bool had_role = fi->role_known;
	apply_tuple(fi, p, len);
	if (!had_role) {
		fi->role_known = true;
		fi->is_server = !strncmp(a->x->info->name, "recv", 4);
	} else if (strcmp(old, sk_fdinfo_name(fi)) != 0) {
		s->name_changed = true;
		s->name_changed_tid = t->tid;
		s->name_changed_fd = fd;
	}
}

static void parse_accept_exit(struct sk_state *s, struct sk_thread *t, const struct argsrc *a)
{
	int64_t fd;
	if (!exit_res(a->x, &fd) || fd < 0)
		return;
	const uint8_t *p;
	uint32_t len;
	t->lastevent_fd = fd;
	struct sk_fdinfo *fi = sk_thread_fd_add(s, t, fd);
	if (!fi)
		return;
	fi->type = SK_FD_IPV4_SOCK;
	fi->is_server = true;
	fi->connected = true;
	fi->role_known = true;
	if (arg_raw(a, "tuple", &p, &len))
		apply_tuple(fi, p, len);
}

static void add_simple_fd(struct sk_state *s, struct sk_thread *t, int64_t fd, uint8_t type,
			  const char *name)
{
	if (fd < 0)
		return;
	struct sk_fdinfo *fi = sk_thread_fd_add(s, t, fd);
	if (!fi)
		return;
	fi->type = type;
	if (name)
		sk_fdinfo_set_name(fi, "%s", name);
}

static void parse_pipe_exit(struct sk_state *s, struct sk_thread *t, const struct argsrc *a)
{
	int64_t res, fd1, fd2, ino = 0;
	if (!exit_res(a->x, &res) || res < 0)
		return;
	if (!arg_s64(a, "fd1", &fd1) || !arg_s64(a, "fd2", &fd2))
		return;
	arg_s64(a, "ino", &ino);
	t->lastevent_fd = fd2;
	add_simple_fd(s, t, fd1, SK_FD_FIFO, NULL);
	add_simple_fd(s, t, fd2, SK_FD_FIFO, NULL);
	struct sk_fdinfo *f1 = sk_state_fd(s, t->tid, fd1), *f2 = sk_state_fd(s, t->tid, fd2);
	if (f1)
		f1->ino = (uint64_t)ino;
	if (f2)
		f2->ino = (uint64_t)ino;
}

static void parse_dup_exit(struct sk_state *s, struct sk_thread *t, const struct argsrc *a)
{
	int64_t newfd, oldfd;
	if (!exit_res(a->x, &newfd) || newfd < 0)
		return;
	if (!arg_s64(a, "oldfd", &oldfd) && !arg_s64(a, "fd", &oldfd))
		return;
	sk_thread_fd_dup(s, t, oldfd, newfd);
}

static void parse_close_exit(struct sk_state *s, struct sk_thread *t, const struct argsrc *a)
{
	int64_t res, fd;
	if (!exit_res(a->x, &res) || res < 0 || !arg_s64(a, "fd", &fd))
		return;
	/* The close exit still shows the fd: drop it once the event is consumed. */
	if (s->close_pending) {
		struct sk_thread *prev = sk_state_thread(s, s->close_tid);
		if (prev)
			sk_thread_fd_del(prev, s->close_fd);
	}
	s->close_pending = true;
	s->close_tid = t->tid;
	s->close_fd = fd;
}

/*
 * Set t's cgroups from an event's list, naming subsystems as libsinsp does
 * ("io" is shown as blkio, "perf" as perf_event), capped at SK_STATE_PROCSTR_MAX.
 */
static void set_cgroups(struct sk_state *s, struct sk_thread *t, const char *list, uint32_t len)
{
	char *out = malloc((size_t)len * 2 + 16);
	size_t n = 0;
	uint32_t i = 0;
	if (!out)
		return;
	while (i < len) {
		size_t e = strnlen(list + i, len - i);
		if (n + e + 16 > SK_STATE_PROCSTR_MAX) {
			sk_state_count(&s->strings_capped, 1);
			break;
		}
		if (e >= 3 && !memcmp(list + i, "io=", 3)) {
			memcpy(out + n, "blk", 3);
			n += 3;
		} else if (e >= 5 && !memcmp(list + i, "perf=", 5)) {
			memcpy(out + n, "perf_event", 10);
			n += 10;
			i += 4;
			e -= 4;
		}
		memcpy(out + n, list + i, e);
		n += e;
		out[n++] = '\0';
		i += (uint32_t)e + 1;
	}
	free(t->cgroups);
	t->cgroups = out;
	t->cgroups_len = (uint32_t)n;
	sk_thread_set_container(t);
}

/* brk, mmap, munmap exits report the process's memory. */
static void parse_vm_exit(struct sk_state *s, struct sk_thread *t, const struct argsrc *a)
{
	uint32_t u;
	if (arg_u32(a, "vm_size", &u))
		t->vmsize_kb = u;
	if (arg_u32(a, "vm_rss", &u))
		t->vmrss_kb = u;
	if (arg_u32(a, "vm_swap", &u))
		t->vmswap_kb = u;
}

/* Copy the process fields that clone/execve exits carry into t. */
static void take_proc_params(struct sk_state *s, struct sk_thread *t, const struct argsrc *a)
{
	const char *str;
	const uint8_t *p;
	uint32_t len;
	int64_t v;
	uint32_t u;

	if ((str = arg_str(a, "exe")))
		sk_str_set(&t->exe, str, strlen(str));
	if (arg_raw(a, "args", &p, &len))
		sk_buf_set(&t->args, &t->args_len, p, len);
	/* An empty cwd means the driver did not read it: keep the inherited one. */
	if ((str = arg_str(a, "cwd")) && str[0])
		sk_thread_set_cwd(t, str);
	if (arg_s64(a, "fdlimit", &v))
		t->fdlimit = v;
	if ((str = arg_str(a, "comm"))) {
		snprintf(t->comm, sizeof(t->comm), "%s", str);
	} else if (t->exe) {
		const char *slash = strrchr(t->exe, '/');
		snprintf(t->comm, sizeof(t->comm), "%s", slash ? slash + 1 : t->exe);
	}
	if (arg_raw(a, "cgroups", &p, &len))
		set_cgroups(s, t, (const char *)p, len);
	if (arg_raw(a, "env", &p, &len))
		sk_buf_set(&t->env, &t->env_len, p, len);
	if (arg_u32(a, "uid", &u))
		t->uid = u;
	if (arg_u32(a, "gid", &u))
		t->gid = u;
	if (arg_u32(a, "loginuid", &u))
		t->loginuid = u;
	if (arg_s64(a, "vtid", &v))
		t->vtid = v;
	if (arg_s64(a, "vpid", &v))
		t->vpid = v;
	if (arg_u32(a, "tty", &u))
		t->tty = u;
	if (arg_s64(a, "vpgid", &v))
		t->vpgid = v;
	if (arg_u32(a, "vm_size", &u))
		t->vmsize_kb = u;
	if (arg_u32(a, "vm_rss", &u))
		t->vmrss_kb = u;
	if (arg_u32(a, "vm_swap", &u))
		t->vmswap_kb = u;
	uint64_t pf;
	const struct sk_evt *pe;
	int pi;
	if (arg_find(a, "pgft_maj", &pe, &pi) && sk_evt_get_u64(pe, (unsigned)pi, &pf))
		t->pfmajor = pf;
	if (arg_find(a, "pgft_min", &pe, &pi) && sk_evt_get_u64(pe, (unsigned)pi, &pf))
		t->pfminor = pf;
	uint64_t caps;
	if (arg_find(a, "cap_permitted", &pe, &pi) && sk_evt_get_u64(pe, (unsigned)pi, &caps))
		t->cap_permitted = caps;
	if (arg_find(a, "cap_effective", &pe, &pi) && sk_evt_get_u64(pe, (unsigned)pi, &caps))
		t->cap_effective = caps;
	if (arg_find(a, "cap_inheritable", &pe, &pi) && sk_evt_get_u64(pe, (unsigned)pi, &caps))
		t->cap_inheritable = caps;
}

static void copy_str(char **dst, const char *src)
{
	if (src)
		sk_str_set(dst, src, strlen(src));
}

/* What a new thread takes from the thread that cloned it before its own parameters apply. */
static void inherit(struct sk_thread *c, const struct sk_thread *parent)
{
	copy_str(&c->exe, parent->exe);
	copy_str(&c->exepath, parent->exepath);
	copy_str(&c->root, parent->root);
	if (parent->env)
		sk_buf_set(&c->env, &c->env_len, parent->env, parent->env_len);
	if (parent->args)
		sk_buf_set(&c->args, &c->args_len, parent->args, parent->args_len);
	if (parent->cgroups) {
		sk_buf_set(&c->cgroups, &c->cgroups_len, parent->cgroups, parent->cgroups_len);
		sk_thread_set_container(c);
	}
	memcpy(c->comm, parent->comm, sizeof(c->comm));
	c->sid = parent->sid;
	c->vpgid = parent->vpgid;
	c->tty = parent->tty;
	c->loginuid = parent->loginuid;
	c->fdlimit = parent->fdlimit;
	c->cap_permitted = parent->cap_permitted;
	c->cap_effective = parent->cap_effective;
	c->cap_inheritable = parent->cap_inheritable;
	c->pidns_init_start_ts = parent->pidns_init_start_ts;
	c->exe_ino = parent->exe_ino;
	c->exe_ino_ctime = parent->exe_ino_ctime;
	c->exe_ino_mtime = parent->exe_ino_mtime;
	c->exe_writable = parent->exe_writable;
	c->exe_upper_layer = parent->exe_upper_layer;
	c->exe_lower_layer = parent->exe_lower_layer;
	c->exe_from_memfd = parent->exe_from_memfd;
}

static void parse_clone_exit(struct sk_state *s, struct sk_thread *t, const struct argsrc *a)
{
	int64_t res, tid, pid, ptid;
	uint32_t flags = 0;
	if (!exit_res(a->x, &res) || res < 0)
		return;
	if (!arg_s64(a, "tid", &tid) || !arg_s64(a, "pid", &pid) || !arg_s64(a, "ptid", &ptid))
		return;
	arg_u32(a, "flags", &flags);
	/* In the parent res is the child's tid; in the child res is 0 and tid is the child. */
	int64_t child_tid = res == 0 ? (int64_t)a->x->hdr->tid : res;
	int64_t parent_tid = res == 0 ? ptid : (int64_t)a->x->hdr->tid;
	if (sk_state_thread(s, child_tid) && res != 0)
		return; /* the child's own exit came first and already built it */
	struct sk_thread *parent = sk_state_thread(s, parent_tid);
	/*
	 * A parent inside a pid namespace sees the child's namespace tid, not
	 * the host tid: only the child's own exit can name the child then.
	 */
	if (res != 0 && ((flags & (PPM_CL_CHILD_IN_PIDNS | PPM_CL_CLONE_NEWPID)) ||
			 (parent && parent->vtid >= 0 && parent->vtid != parent->tid)))
		return;
	struct sk_thread *c = sk_state_thread_add(s, child_tid);
	if (!c)
		return;
	c->clone_ts = a->x->hdr->ts;
	if (parent && parent != c)
		inherit(c, parent);
	if (res != 0) {
		/* The parent's event describes the parent: take only what the child inherits. */
		c->pid = (flags & PPM_CL_CLONE_THREAD) ? pid : child_tid;
		c->ptid = (flags & PPM_CL_CLONE_THREAD) ? ptid : parent_tid;
	} else {
		c->pid = pid;
		c->ptid = ptid;
	}
	take_proc_params(s, c, a);
	if (parent && parent != c) {
		c->uid = parent->uid;
		c->gid = parent->gid;
		c->loginuid = parent->loginuid;
		if (!c->cwd && parent->cwd)
			sk_str_set(&c->cwd, parent->cwd, strlen(parent->cwd));
		if (parent->fdt && parent->fdt != c->fdt) {
			sk_fdtable_unref(c->fdt);
			if (flags & (PPM_CL_CLONE_THREAD | PPM_CL_CLONE_FILES)) {
				c->fdt = parent->fdt;
				c->fdt->refs++;
			} else {
				c->fdt = sk_fdtable_dup(parent->fdt);
			}
		}
	}
	uint32_t u;
	if (arg_u32(a, "uid", &u))
		c->uid = u;
	if (arg_u32(a, "gid", &u))
		c->gid = u;
	c->flags = flags;
}

static void parse_execve_exit(struct sk_state *s, struct sk_thread *t, const struct argsrc *a)
{
	int64_t res, v;
	if (!exit_res(a->x, &res) || res < 0)
		return;
	take_proc_params(s, t, a);
	if (arg_s64(a, "pid", &v))
		t->pid = v;
	if (arg_s64(a, "ptid", &v))
		t->ptid = v;
	/* An exec without arguments leaves none: an empty args parameter is the new argv. */
	int i = sk_evt_param_index(a->x, "args");
	if (i >= 0 && a->x->param_len[i] == 0)
		sk_buf_set(&t->args, &t->args_len, "", 0);
	/* The executable's traits, from the execve_flags parameter when the driver sent it. */
	uint32_t flags;
	i = sk_evt_param_index(a->x, "flags");
	if (i >= 0 && a->x->info->params[i].aux == SK_FT_execve_flags &&
	    sk_evt_get_u32(a->x, (unsigned)i, &flags)) {
		t->exe_writable = (flags & PPM_EXE_WRITABLE) != 0;
		t->exe_upper_layer = (flags & PPM_EXE_UPPER_LAYER) != 0;
		t->exe_from_memfd = (flags & PPM_EXE_FROM_MEMFD) != 0;
		t->exe_lower_layer = (flags & PPM_EXE_LOWER_LAYER) != 0;
	}
	/* The executable: what the kernel says, else the filename execve was given. */
	const char *str = arg_str(a, "trusted_exepath");
	if (str && str[0]) {
		sk_str_set(&t->exepath, str, strlen(str));
	} else if ((str = arg_str(a, "filename")) && str[0]) {
		char path[SK_STATE_FDNAME_MAX];
		resolve_path(s, t, -100, str, path, sizeof(path));
		sk_str_set(&t->exepath, path, strlen(path));
	}
}

static void parse_chdir_exit(struct sk_state *s, struct sk_thread *t, const struct argsrc *a,
			     bool by_fd)
{
	int64_t res;
	if (!exit_res(a->x, &res) || res < 0)
		return;
	char path[SK_STATE_FDNAME_MAX];
	if (by_fd) {
		int64_t fd;
		struct sk_fdinfo *fi;
		if (!arg_s64(a, "fd", &fd) || !(fi = sk_state_fd(s, t->tid, fd)))
			return;
		snprintf(path, sizeof(path), "%s", sk_fdinfo_name(fi));
	} else {
		const char *p = arg_str(a, "path");
		if (!p)
			return;
		resolve_path(s, t, -100, p, path, sizeof(path));
	}
	sk_thread_set_cwd(t, path);
}

/*
 * setuid/setreuid/setresuid (and the gid calls): the effective id is the
 * one the thread now acts as; -1 leaves it unchanged.
 */
static void parse_setid_exit(struct sk_thread *t, const struct argsrc *a, bool is_uid)
{
	int64_t res;
	uint32_t id;
	if (!exit_res(a->x, &res) || res < 0)
		return;
	if (is_uid) {
		if ((arg_u32(a, "euid", &id) || arg_u32(a, "uid", &id)) && id != UINT32_MAX)
			t->uid = id;
	} else {
		if ((arg_u32(a, "egid", &id) || arg_u32(a, "gid", &id)) && id != UINT32_MAX)
			t->gid = id;
	}
}

/* fcntl(F_DUPFD / F_DUPFD_CLOEXEC) returns a copy of the fd, like dup. */
static void parse_fcntl_exit(struct sk_state *s, struct sk_thread *t, const struct argsrc *a)
{
	const uint8_t *p;
	uint32_t len;
	int64_t newfd, oldfd;
	if (!arg_raw(a, "cmd", &p, &len) || len < 1 ||
	    (p[0] != PPM_FCNTL_F_DUPFD && p[0] != PPM_FCNTL_F_DUPFD_CLOEXEC))
		return;
	if (!exit_res(a->x, &newfd) || newfd < 0 || !arg_s64(a, "fd", &oldfd) || oldfd == newfd)
		return;
	sk_thread_fd_dup(s, t, oldfd, newfd);
}

/* bind: the socket becomes a server socket named by its address (or unix path). */
static void parse_bind_exit(struct sk_state *s, struct sk_thread *t, const struct argsrc *a)
{
	int64_t res, fd = t->lastevent_fd;
	const uint8_t *p;
	uint32_t len;
	char ip[INET6_ADDRSTRLEN];
	uint16_t port;
	if (!exit_res(a->x, &res) || res < 0 || !arg_raw(a, "addr", &p, &len) || len < 1)
		return;
	arg_s64(a, "fd", &fd);
	struct sk_fdinfo *fi = sk_state_fd(s, t->tid, fd);
	if (!fi)
		return;
	switch (p[0]) {
	case SK_AF_INET:
		if (len < 7)
			return;
		fi->type = SK_FD_IPV4_SERVSOCK;
		fi->family = SK_AF_INET;
		memcpy(fi->sip, p + 1, 4);
		memcpy(&port, p + 5, 2);
		fi->sport = port;
		inet_ntop(AF_INET, p + 1, ip, sizeof(ip));
		break;
	case SK_AF_INET6:
		if (len < 19)
			return;
		fi->type = SK_FD_IPV6_SERVSOCK;
		fi->family = SK_AF_INET6;
		memcpy(fi->sip, p + 1, 16);
		memcpy(&port, p + 17, 2);
		fi->sport = port;
		inet_ntop(AF_INET6, p + 1, ip, sizeof(ip));
		break;
	case SK_AF_UNIX:
		sk_fdinfo_set_name(fi, "%.*s", (int)(len - 1), (const char *)p + 1);
		return;
	default:
		return;
	}
	fi->role_known = true;
	fi->is_server = true;
	sk_fdinfo_set_name(fi, "%s:%u", ip, port);
}

/* socketpair: two connected unix sockets. */
static void parse_socketpair_exit(struct sk_state *s, struct sk_thread *t, const struct argsrc *a)
{
	int64_t res, fd1, fd2;
	if (!exit_res(a->x, &res) || res < 0 || !arg_s64(a, "fd1", &fd1) ||
	    !arg_s64(a, "fd2", &fd2))
		return;
	add_simple_fd(s, t, fd1, SK_FD_UNIX_SOCK, NULL);
	add_simple_fd(s, t, fd2, SK_FD_UNIX_SOCK, NULL);
	struct sk_fdinfo *f1 = sk_state_fd(s, t->tid, fd1), *f2 = sk_state_fd(s, t->tid, fd2);
	if (f1)
		f1->family = SK_AF_UNIX;
	if (f2)
		f2->family = SK_AF_UNIX;
}

static void keep_enter(struct sk_thread *t, const struct sk_evt *e)
{
	uint32_t len = e->hdr->len;
	if (len > SK_STATE_ENTER_MAX) {
		t->enter_len = 0;
		return;
	}
	uint8_t *p = realloc(t->enter, len);
	if (!p)
		return;
	memcpy(p, e->hdr, len);
	t->enter = p;
	t->enter_len = len;
}

typedef void (*exit_parser)(struct sk_state *s, struct sk_thread *t, const struct argsrc *a);

static void parse_chdir(struct sk_state *s, struct sk_thread *t, const struct argsrc *a)
{
	parse_chdir_exit(s, t, a, false);
}

static void parse_fchdir(struct sk_state *s, struct sk_thread *t, const struct argsrc *a)
{
	parse_chdir_exit(s, t, a, true);
}

static void parse_setuid(struct sk_state *s, struct sk_thread *t, const struct argsrc *a)
{
	parse_setid_exit(t, a, true);
}

static void parse_setgid(struct sk_state *s, struct sk_thread *t, const struct argsrc *a)
{
	parse_setid_exit(t, a, false);
}

/* Exit events that create an fd of a fixed kind with nothing else to learn. */
static const struct {
	const char *name;
	uint8_t type;
} simple_fd_events[] = {
    {"eventfd", SK_FD_EVENT},		{"eventfd2", SK_FD_EVENT},
    {"signalfd", SK_FD_SIGNALFD},	{"signalfd4", SK_FD_SIGNALFD},
    {"timerfd_create", SK_FD_TIMERFD},	{"inotify_init", SK_FD_INOTIFY},
    {"inotify_init1", SK_FD_INOTIFY},	{"epoll_create", SK_FD_EVENTPOLL},
    {"epoll_create1", SK_FD_EVENTPOLL}, {"userfaultfd", SK_FD_USERFAULTFD},
    {"memfd_create", SK_FD_MEMFD},
};

static void parse_simple_fd(struct sk_state *s, struct sk_thread *t, const struct argsrc *a)
{
	int64_t fd;
	if (!exit_res(a->x, &fd))
		return;
	for (size_t i = 0; i < sizeof(simple_fd_events) / sizeof(simple_fd_events[0]); i++) {
		if (!strcmp(a->x->info->name, simple_fd_events[i].name)) {
			add_simple_fd(s, t, fd, simple_fd_events[i].type,
				      simple_fd_events[i].type == SK_FD_MEMFD ? arg_str(a, "name")
									      : NULL);
			return;
		}
	}
}

static const struct {
	const char *name;
	exit_parser fn;
} exit_parsers_by_name[] = {
    {"open", parse_open_exit},
    {"openat", parse_open_exit},
    {"openat2", parse_open_exit},
    {"creat", parse_open_exit},
    {"open_by_handle_at", parse_open_exit},
    {"socket", parse_socket_exit},
    {"connect", parse_connect_exit},
    {"accept", parse_accept_exit},
    {"accept4", parse_accept_exit},
    {"close", parse_close_exit},
    {"pipe", parse_pipe_exit},
    {"pipe2", parse_pipe_exit},
    {"dup", parse_dup_exit},
    {"dup2", parse_dup_exit},
    {"dup3", parse_dup_exit},
    {"clone", parse_clone_exit},
    {"fork", parse_clone_exit},
    {"vfork", parse_clone_exit},
    {"clone3", parse_clone_exit},
    {"execve", parse_execve_exit},
    {"execveat", parse_execve_exit},
    {"chdir", parse_chdir},
    {"fchdir", parse_fchdir},
    {"setuid", parse_setuid},
    {"setresuid", parse_setuid},
    {"setgid", parse_setgid},
    {"setresgid", parse_setgid},
    {"setreuid", parse_setuid},
    {"setregid", parse_setgid},
    {"fcntl", parse_fcntl_exit},
    {"bind", parse_bind_exit},
    {"sendto", parse_udp_io_exit},
    {"sendmsg", parse_udp_io_exit},
    {"recvfrom", parse_udp_io_exit},
    {"recvmsg", parse_udp_io_exit},
    {"socketpair", parse_socketpair_exit},
    {"brk", parse_vm_exit},
    {"mmap", parse_vm_exit},
    {"mmap2", parse_vm_exit},
    {"munmap", parse_vm_exit},
};

/* Exit parser per event code, built once from the names above. */
static exit_parser exit_parsers[SK_EVT_TABLE_SIZE];
static pthread_once_t exit_parsers_once = PTHREAD_ONCE_INIT;

static bool fd_events[SK_EVT_TABLE_SIZE];

static void build_exit_parsers(void)
{
	for (unsigned code = 0; code < SK_EVT_TABLE_SIZE; code++)
		fd_events[code] = sk_state_is_fd_event((uint16_t)code);
	for (unsigned code = 1; code < SK_EVT_TABLE_SIZE; code += 2) {
		const char *name = sk_event_table[code].name;
		for (size_t i = 0;
		     i < sizeof(exit_parsers_by_name) / sizeof(exit_parsers_by_name[0]); i++)
			if (!strcmp(name, exit_parsers_by_name[i].name))
				exit_parsers[code] = exit_parsers_by_name[i].fn;
		for (size_t i = 0; i < sizeof(simple_fd_events) / sizeof(simple_fd_events[0]); i++)
			if (!strcmp(name, simple_fd_events[i].name))
				exit_parsers[code] = parse_simple_fd;
	}
}

/*
 * Whether code is an fd event for fd.* fields: one that creates, uses or
 * destroys an fd whose number (when it takes one) is the enter event's
 * first parameter. mmap and friends carry their fd elsewhere and are not
 * fd events to sysdig.
 */
bool sk_state_is_fd_event(uint16_t code)
{
	const struct sk_event_info *info = sk_event_info_get(code);
	if (!info || !(info->flags & (SK_EF_CREATES_FD | SK_EF_DESTROYS_FD | SK_EF_USES_FD)))
		return false;
	if (info->flags & (SK_EF_CREATES_FD | SK_EF_DESTROYS_FD))
		return true;
	const struct sk_event_info *enter = sk_event_info_get(code & ~1u);
	return enter && enter->nparams > 0 && enter->params[0].type == PT_FD;
}

/* A scheduler switch reports the memory and page faults of the thread leaving the CPU. */
static void parse_switch(struct sk_thread *t, const struct sk_evt *e)
{
	uint64_t u64;
	uint32_t u32;
	if (e->nparams < 6)
		return;
	if (sk_evt_get_u64(e, 1, &u64))
		t->pfmajor = u64;
	if (sk_evt_get_u64(e, 2, &u64))
		t->pfminor = u64;
	if (sk_evt_get_u32(e, 3, &u32))
		t->vmsize_kb = u32;
	if (sk_evt_get_u32(e, 4, &u32))
		t->vmrss_kb = u32;
	if (sk_evt_get_u32(e, 5, &u32))
		t->vmswap_kb = u32;
}

/* libsinsp's reset(): an enter event names the fd its exit will work on. */
static void note_enter(struct sk_thread *t, const struct sk_evt *e)
{
	t->lastevent_type = e->hdr->type;
	t->lastevent_ts = e->hdr->ts;
	/*
	 * An fd event's enter names its fd (-1 before a creating syscall
	 * returns one); other enter events leave the last one in place, as
	 * sysdig shows for exits whose enter is missing.
	 */
	if (!fd_events[e->hdr->type])
		return;
	t->lastevent_fd = -1;
	if ((e->info->flags & SK_EF_USES_FD) && e->nparams > 0)
		sk_evt_get_s64(e, 0, &t->lastevent_fd);
}

struct sweep {
	uint64_t now, cutoff;
	struct sk_u64map parents; /* pids that some thread names as its parent */
	int64_t *dead;
	size_t n, cap;
};

static void note_parent(uint64_t key, void *val, void *ctx)
{
	struct sweep *w = ctx;
	const struct sk_thread *t = val;
	if (t->ptid > 0)
		sk_u64map_put(&w->parents, (uint64_t)t->ptid, (void *)1);
}

static void find_stale(uint64_t key, void *val, void *ctx)
{
	struct sweep *w = ctx;
	struct sk_thread *t = val;
	/* threads of the process list start their clock at the first sweep */
	if (!t->last_seen_ts)
		t->last_seen_ts = w->now;
	if (t->last_seen_ts >= w->cutoff || w->n == w->cap ||
	    sk_u64map_get(&w->parents, (uint64_t)t->tid))
		return;
	w->dead[w->n++] = t->tid;
}

/*
 * Evict threads that made no event for SK_STATE_THREAD_TIMEOUT_NS of event
 * time (their exit was lost, or they idle), as Falco's thread timeout does,
 * keeping those that are another thread's parent (proc.aname needs them);
 * checked every SK_STATE_SWEEP_INTERVAL_NS of event time.
 */
static void sweep(struct sk_state *s, uint64_t now)
{
	struct sweep w = {.now = now, .cap = s->threads.len};
	bool first = !s->last_sweep_ts;
	s->last_sweep_ts = now;
	if (now < SK_STATE_THREAD_TIMEOUT_NS)
		return;
	w.cutoff = now - SK_STATE_THREAD_TIMEOUT_NS;
	w.dead = malloc(w.cap * sizeof(*w.dead) + 1);
	if (!w.dead)
		return;
	sk_u64map_init(&w.parents);
	sk_u64map_foreach(&s->threads, note_parent, &w);
	sk_u64map_foreach(&s->threads, find_stale, &w);
	if (!first)
		for (size_t i = 0; i < w.n; i++)
			sk_state_thread_del(s, w.dead[i]);
	sk_state_count(&s->threads_evicted, first ? 0 : w.n);
	sk_u64map_fini(&w.parents);
	free(w.dead);
}

void sk_state_apply_event(struct sk_state *s, const struct sk_evt *e)
{
	const struct sk_event_info *info = e->info;
	s->events++;
	sk_state_show_sizes(s);
	if (info->category & SK_EC_METAEVENT && !strcmp(info->name, "container")) {
		sk_state_apply_container_event(s, e);
		return;
	}
	if (e->hdr->tid == UINT64_MAX || (info->flags & SK_EF_SKIPPARSERESET))
		return;
	pthread_once(&exit_parsers_once, build_exit_parsers);
	uint16_t code = e->hdr->type;
	/*
	 * Like libsinsp, every event's thread exists from its first event on,
	 * except that scheduler switches look threads up without adding them.
	 */
	if ((info->category & 0x1ffu) == SK_EC_SCHEDULER) {
		struct sk_thread *st = sk_state_thread(s, (int64_t)e->hdr->tid);
		if (st)
			parse_switch(st, e);
		return;
	}
	struct sk_thread *t = sk_state_thread_add(s, (int64_t)e->hdr->tid);
	if (!t)
		return;
	t->last_seen_ts = e->hdr->ts;
	if (e->hdr->ts - s->last_sweep_ts >= SK_STATE_SWEEP_INTERVAL_NS)
		sweep(s, e->hdr->ts);
	if (sk_event_is_enter(code)) {
		note_enter(t, e);
		if (code + 1u < SK_EVT_TABLE_SIZE && exit_parsers[code + 1])
			keep_enter(t, e);
		return;
	}
	exit_parser fn = exit_parsers[code];
	if (!fn)
		return;
	struct argsrc a;
	argsrc_init(&a, e, t);
	fn(s, t, &a);
}

void sk_state_after_event(struct sk_state *s, const struct sk_evt *e)
{
	s->name_changed = false;
	if (s->close_pending) {
		struct sk_thread *t = sk_state_thread(s, s->close_tid);
		if (t)
			sk_thread_fd_del(t, s->close_fd);
		s->close_pending = false;
	}
	if (e->hdr->tid == UINT64_MAX)
		return;
	if (e->hdr->type == CODE_PROCEXIT || e->hdr->type == CODE_PROCEXIT_OLD) {
		struct sk_thread *t = sk_state_thread(s, (int64_t)e->hdr->tid);
		if (t)
			sk_state_thread_del(s, t->tid);
	}
}
