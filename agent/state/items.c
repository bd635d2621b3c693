/* SPDX-License-Identifier: Apache-2.0 */
/* Seeding state from a capture's metadata: machine, users, processes, fds. */
#include "state.h"
#include "state_priv.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int apply_proc(struct sk_state *s, const struct sk_scap_proc *p)
{
	struct sk_thread *t = sk_state_thread_add(s, p->tid);
	if (!t)
		return -ENOMEM;
	t->pid = p->pid;
	t->ptid = p->ptid;
	t->sid = p->sid;
	t->vpgid = p->vpgid;
	t->vtid = p->vtid;
	t->vpid = p->vpid;
	snprintf(t->comm, sizeof(t->comm), "%.*s", (int)p->comm.len, p->comm.buf);
	int rc = sk_str_set(&t->exe, p->exe.buf, p->exe.len);
	rc = rc ?: sk_str_set(&t->exepath, p->exepath.buf, p->exepath.len);
	if (p->cwd.len > 0) {
		char cwd[SK_STATE_FDNAME_MAX];
		snprintf(cwd, sizeof(cwd), "%.*s", (int)p->cwd.len, p->cwd.buf);
		rc = rc ?: sk_thread_set_cwd(t, cwd);
	}
	rc = rc ?: sk_str_set(&t->root, p->root.buf, p->root.len);
	rc = rc ?: sk_buf_set(&t->args, &t->args_len, p->args.buf, p->args.len);
	rc = rc ?: sk_buf_set(&t->env, &t->env_len, p->env.buf, p->env.len);
	rc = rc ?: sk_buf_set(&t->cgroups, &t->cgroups_len, p->cgroups.buf, p->cgroups.len);
	sk_thread_set_container(t);
	t->lastevent_fd = 0; /* libsinsp's initial value for threads of the process list */
	t->fdlimit = p->fdlimit;
	t->flags = p->flags;
	t->uid = p->uid;
	t->gid = p->gid;
	t->loginuid = p->loginuid;
	t->vmsize_kb = p->vmsize_kb;
	t->vmrss_kb = p->vmrss_kb;
	t->vmswap_kb = p->vmswap_kb;
	t->pfmajor = p->pfmajor;
	t->pfminor = p->pfminor;
	t->tty = p->tty;
	t->cap_permitted = p->cap_permitted;
	t->cap_effective = p->cap_effective;
	t->cap_inheritable = p->cap_inheritable;
	t->pidns_init_start_ts = p->pidns_init_start_ts;
	t->exe_ino = p->exe_ino;
	t->exe_ino_ctime = p->exe_ino_ctime;
	t->exe_ino_mtime = p->exe_ino_mtime;
	t->exe_writable = p->exe_writable;
	t->exe_upper_layer = p->exe_upper_layer;
	t->exe_lower_layer = p->exe_lower_layer;
	t->exe_from_memfd = p->exe_from_memfd;
	/* Threads of a process share the main thread's fd table. */
	if (p->pid != p->tid) {
		struct sk_thread *leader = sk_state_thread(s, p->pid);
		if (leader && leader->fdt && leader->fdt != t->fdt) {
			sk_fdtable_unref(t->fdt);
			t->fdt = leader->fdt;
			t->fdt->refs++;
		}
	}
	return rc;
}

/*
 * Process lists record sockets local end first. Like libsinsp, decide the
 * roles from the ports (the end with the lower port is the server) and keep
 * the tuple client first, so the name reads "client->server".
 */
static void set_proc_tuple(struct sk_fdinfo *fi, const struct sk_scap_fd *f, size_t alen)
{
	fi->role_known = true;
	fi->is_server = f->sport < f->dport;
	if (fi->is_server) {
		memcpy(fi->sip, f->dip, alen);
		memcpy(fi->dip, f->sip, alen);
		fi->sport = f->dport;
		fi->dport = f->sport;
	} else {
		memcpy(fi->sip, f->sip, alen);
		memcpy(fi->dip, f->dip, alen);
		fi->sport = f->sport;
		fi->dport = f->dport;
	}
	sk_fdinfo_set_tuple_name(fi);
}

static int apply_fd(struct sk_state *s, const struct sk_scap_fd *f)
{
	struct sk_thread *t = sk_state_thread_add(s, f->tid);
	if (!t)
		return -ENOMEM;
	struct sk_fdinfo *fi = sk_thread_fd_add(s, t, f->fd);
	if (!fi)
		return -ENOMEM;
	fi->type = f->type == SK_FD_FILE_V2 ? SK_FD_FILE : f->type;
	fi->flags = f->open_flags;
	fi->ino = f->ino;
	fi->dev = f->dev;
	fi->l4proto = f->l4proto;
	switch (f->type) {
	case SK_FD_IPV4_SOCK:
		fi->family = SK_AF_INET;
		fi->connected = true;
		set_proc_tuple(fi, f, 4);
		break;
	case SK_FD_IPV6_SOCK:
		fi->family = SK_AF_INET6;
		fi->connected = true;
		set_proc_tuple(fi, f, 16);
		break;
	case SK_FD_IPV4_SERVSOCK: {
		char ip[INET_ADDRSTRLEN];
		fi->role_known = true;
		fi->is_server = true;
		fi->family = SK_AF_INET;
		memcpy(fi->sip, f->sip, 4);
		fi->sport = f->sport;
		inet_ntop(AF_INET, f->sip, ip, sizeof(ip));
		sk_fdinfo_set_name(fi, "%s:%u", ip, f->sport);
		break;
	}
	case SK_FD_IPV6_SERVSOCK: {
		char ip[INET6_ADDRSTRLEN];
		fi->role_known = true;
		fi->is_server = true;
		fi->family = SK_AF_INET6;
		memcpy(fi->sip, f->sip, 16);
		fi->sport = f->sport;
		inet_ntop(AF_INET6, f->sip, ip, sizeof(ip));
		sk_fdinfo_set_name(fi, "%s:%u", ip, f->sport);
		break;
	}
	case SK_FD_UNIX_SOCK:
		fi->family = SK_AF_UNIX;
		/* fallthrough */
	default: {
		/* Names scanned from /proc/net/unix end in a newline that sysdig does not show. */
		uint32_t len = f->name.len;
		while (len > 0 && f->name.buf[len - 1] == '\n')
			len--;
		sk_fdinfo_set_name(fi, "%.*s", (int)len, f->name.buf);
		break;
	}
	}
	return 0;
}

int sk_state_add_user(struct sk_state *s, const struct sk_scap_user *u)
{
	if (u->is_group) {
		struct sk_group *g = sk_u64map_get(&s->groups, u->gid);
		if (!g) {
			g = calloc(1, sizeof(*g));
			if (!g || sk_u64map_put(&s->groups, u->gid, g)) {
				free(g);
				return -ENOMEM;
			}
		}
		g->gid = u->gid;
		snprintf(g->name, sizeof(g->name), "%s", u->name);
		return 0;
	}
	struct sk_user *x = sk_u64map_get(&s->users, u->uid);
	if (!x) {
		x = calloc(1, sizeof(*x));
		if (!x || sk_u64map_put(&s->users, u->uid, x)) {
			free(x);
			return -ENOMEM;
		}
	}
	x->uid = u->uid;
	x->gid = u->gid;
	snprintf(x->name, sizeof(x->name), "%s", u->name);
	snprintf(x->homedir, sizeof(x->homedir), "%s", u->homedir);
	snprintf(x->shell, sizeof(x->shell), "%s", u->shell);
	return 0;
}

static void free_cb(uint64_t key, void *val, void *ctx)
{
	free(val);
}

int sk_state_apply_item(struct sk_state *s, const struct sk_scap_item *item)
{
	switch (item->kind) {
	case SK_SCAP_SECTION:
		sk_state_reset(s);
		return 0;
	case SK_SCAP_IFACE_LIST_BEGIN:
		s->nifaddrs = 0;
		return 0;
	case SK_SCAP_IFACE:
		if ((item->iface->type == 1 || item->iface->type == 3) &&
		    s->nifaddrs < sizeof(s->ifaddrs) / sizeof(s->ifaddrs[0]))
			memcpy(&s->ifaddrs[s->nifaddrs++], item->iface->addr, 4);
		return 0;
	case SK_SCAP_MACHINE:
		s->machine = *item->machine;
		s->have_machine = true;
		return 0;
	case SK_SCAP_USER_LIST_BEGIN:
		sk_u64map_foreach(&s->users, free_cb, NULL);
		sk_u64map_fini(&s->users);
		sk_u64map_foreach(&s->groups, free_cb, NULL);
		sk_u64map_fini(&s->groups);
		return 0;
	case SK_SCAP_USER:
		return sk_state_add_user(s, item->user);
	case SK_SCAP_PROC:
		return apply_proc(s, item->proc);
	case SK_SCAP_FD:
		return apply_fd(s, item->fd);
	case SK_SCAP_EVENT:
		sk_state_apply_event(s, &item->event);
		return 0;
	default:
		return 0;
	}
}
