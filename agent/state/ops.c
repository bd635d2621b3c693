/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The rules engine's state hook (struct sk_state_ops) over struct sk_state:
 * views of threads, fds, users, groups and containers for the proc.*,
 * thread.*, fd.*, user.*, group.* and container.* fields. Views borrow the
 * tables' memory: valid until the next event is applied.
 */
#include "state.h"
#include "state_priv.h"

#include <string.h>

/* scap l4proto (2 tcp, 3 udp, 4 icmp, 5 raw) as the IPPROTO number the fields use. */
static uint8_t ipproto_of(uint8_t l4proto)
{
	switch (l4proto) {
	case 2:
		return 6;
	case 3:
		return 17;
	case 4:
		return 1;
	case 5:
		return 255;
	default:
		return 0;
	}
}

static const char *str_or_empty(const char *s)
{
	return s ? s : "";
}

static void fill_thread(const struct sk_state *s, const struct sk_thread *t,
			struct sk_thread_view *v)
{
	/* Threads share the process's working directory, kept by the main thread. */
	const struct sk_thread *main = t->pid == t->tid ? t : sk_state_thread(s, t->pid);
	const char *cwd = main && main->cwd ? main->cwd : t->cwd;

	v->tid = t->tid;
	v->pid = t->pid;
	v->ptid = t->ptid;
	v->sid = t->sid;
	v->vtid = t->vtid;
	v->vpid = t->vpid;
	v->vpgid = t->vpgid;
	v->pgid = t->vpgid;
	v->comm = t->comm;
	v->exe = str_or_empty(t->exe);
	v->exepath = str_or_empty(t->exepath);
	v->cwd = str_or_empty(cwd);
	v->args = t->args;
	v->args_len = t->args ? t->args_len : 0;
	v->env = t->env;
	v->env_len = t->env ? t->env_len : 0;
	v->cgroups = t->cgroups;
	v->cgroups_len = t->cgroups ? t->cgroups_len : 0;
	v->container_id = t->container_id;
	v->container_full_id = t->container_full_id;
	v->uid = t->uid;
	v->gid = t->gid;
	v->loginuid = t->loginuid;
	v->tty = t->tty;
	v->fdlimit = t->fdlimit;
	if (t->fdt) {
		v->fdopencount = t->fdt->fds.len;
		v->nthreads = t->fdt->refs;
		/* sysdig counts a process's other threads on its main thread only */
		v->nchilds = t->tid == t->pid && t->fdt->refs > 0 ? t->fdt->refs - 1 : 0;
	}
	v->vmsize_kb = t->vmsize_kb;
	v->vmrss_kb = t->vmrss_kb;
	v->vmswap_kb = t->vmswap_kb;
	v->pfmajor = t->pfmajor;
	v->pfminor = t->pfminor;
	v->clone_ts = t->clone_ts;
	v->cap_permitted = t->cap_permitted;
	v->cap_effective = t->cap_effective;
	v->cap_inheritable = t->cap_inheritable;
	v->pidns_init_start_ts = t->pidns_init_start_ts;
	v->exe_ino = t->exe_ino;
	v->exe_ino_ctime = t->exe_ino_ctime;
	v->exe_ino_mtime = t->exe_ino_mtime;
	v->exe_writable = t->exe_writable;
	v->exe_upper_layer = t->exe_upper_layer;
	v->exe_lower_layer = t->exe_lower_layer;
	v->exe_from_memfd = t->exe_from_memfd;
	v->enter_ts = t->lastevent_ts;
	v->enter_type = t->lastevent_type;
}

static bool op_thread(void *state, int64_t tid, struct sk_thread_view *out)
{
	const struct sk_state *s = state;
	const struct sk_thread *t = sk_state_thread(s, tid);
	if (!t)
		return false;
	fill_thread(s, t, out);
	return true;
}

static bool op_parent(void *state, const struct sk_thread_view *t, struct sk_thread_view *out)
{
	const struct sk_state *s = state;
	if (t->ptid < 0 || t->ptid == t->tid)
		return false;
	const struct sk_thread *p = sk_state_thread(s, t->ptid);
	if (!p)
		return false;
	fill_thread(s, p, out);
	return true;
}

static bool is_ip_type(uint8_t type)
{
	return type == SK_FD_IPV4_SOCK || type == SK_FD_IPV6_SOCK || type == SK_FD_IPV4_SERVSOCK ||
	       type == SK_FD_IPV6_SERVSOCK;
}

/* Whether a (network-order) IPv4 address is one of the capture host's interfaces. */
static bool ipv4_is_local(const struct sk_state *s, const uint8_t *addr)
{
	for (unsigned i = 0; i < s->nifaddrs; i++)
		if (!memcmp(&s->ifaddrs[i], addr, 4))
			return true;
	return false;
}

/*
 * fd.is_server and the local end as sysdig extracts them: a server socket
 * is the server; a connected IPv4 socket is the server when its server
 * address is this host's, and its local end is the client's when the
 * client address is this host's. Without an interface list (live, or a
 * capture without one) the role the state tracked decides.
 */
static void fill_roles(const struct sk_state *s, const struct sk_fdinfo *fi, struct sk_fd_view *v)
{
	if (fi->type == SK_FD_IPV4_SERVSOCK || fi->type == SK_FD_IPV6_SERVSOCK) {
		v->is_server = true;
		v->local_is_client = false;
	} else if (fi->type == SK_FD_IPV4_SOCK && s->nifaddrs > 0) {
		v->is_server = ipv4_is_local(s, fi->dip);
		v->local_is_client = ipv4_is_local(s, fi->sip);
	} else {
		v->is_server = fi->is_server;
		v->local_is_client = !fi->is_server;
	}
}

static void fill_fd(int64_t fd, const struct sk_fdinfo *fi, struct sk_fd_view *v)
{
	v->fd = fd;
	if (!fi)
		return;
	v->in_table = true;
	v->type = fi->type;
	v->name = sk_fdinfo_name(fi);
	v->open_flags = fi->flags;
	v->dev = fi->dev;
	v->ino = fi->ino;
	/* An IP socket without endpoints yet (sysdig's role none) shows family 0. */
	v->family = fi->role_known || !is_ip_type(fi->type) ? fi->family : 0;
	v->l4proto = ipproto_of(fi->l4proto);
	memcpy(v->sip, fi->sip, sizeof(v->sip));
	memcpy(v->dip, fi->dip, sizeof(v->dip));
	v->sport = fi->sport;
	v->dport = fi->dport;
	v->is_server = fi->is_server;
	v->connected = fi->connected;
}

static bool op_event_fd(void *state, const struct sk_evt *e, struct sk_fd_view *out)
{
	const struct sk_state *s = state;
	if (!sk_state_is_fd_event(e->hdr->type))
		return false;
	const struct sk_thread *t = sk_state_thread(s, (int64_t)e->hdr->tid);
	if (!t)
		return false;
	int64_t fd = t->lastevent_fd;
	const struct sk_fdinfo *fi = fd >= 0 ? sk_state_fd(s, t->tid, fd) : NULL;
	fill_fd(fd, fi, out);
	if (fi)
		fill_roles(s, fi, out);
	out->name_changed =
	    s->name_changed && s->name_changed_tid == t->tid && s->name_changed_fd == fd;
	return true;
}

static bool op_fd(void *state, int64_t tid, int64_t fd, struct sk_fd_view *out)
{
	const struct sk_state *s = state;
	if (!sk_state_thread(s, tid))
		return false;
	const struct sk_fdinfo *fi = sk_state_fd(s, tid, fd);
	fill_fd(fd, fi, out);
	if (fi)
		fill_roles(s, fi, out);
	return true;
}

static bool op_user(void *state, uint32_t uid, const char *container_id, struct sk_user_view *out)
{
	const struct sk_user *u = sk_state_user(state, uid);
	if (!u)
		return false;
	out->uid = u->uid;
	out->name = u->name;
	out->homedir = u->homedir;
	out->shell = u->shell;
	return true;
}

static bool op_group(void *state, uint32_t gid, const char *container_id, struct sk_group_view *out)
{
	const struct sk_group *g = sk_state_group(state, gid);
	if (!g)
		return false;
	out->gid = g->gid;
	out->name = g->name;
	return true;
}

static const char *container_type_name(uint8_t type)
{
	static const char *const names[] = {
	    [SK_CT_DOCKER] = "docker",
	    [SK_CT_LXC] = "lxc",
	    [SK_CT_LIBVIRT_LXC] = "libvirt-lxc",
	    [SK_CT_MESOS] = "mesos",
	    [SK_CT_RKT] = "rkt",
	    [SK_CT_CUSTOM] = "custom",
	    [SK_CT_CRI] = "cri",
	    [SK_CT_CONTAINERD] = "containerd",
	    [SK_CT_CRIO] = "cri-o",
	    [SK_CT_BPM] = "bpm",
	    [SK_CT_STATIC] = "static",
	    [SK_CT_PODMAN] = "podman",
	};
	return type < sizeof(names) / sizeof(names[0]) && names[type] ? names[type] : "";
}

static bool op_container(void *state, const char *id, struct sk_container_view *out)
{
	struct sk_state *s = state;
	const struct sk_container *c = sk_state_container(s, id);
	if (!c) {
		const struct sk_meta_provider *m = sk_state_meta(s);
		return m && m->container && m->container(m->ctx, id, out);
	}
	out->id = c->id;
	out->name = str_or_empty(c->name);
	out->type = container_type_name(c->type);
	out->image = str_or_empty(c->image);
	out->image_id = str_or_empty(c->image_id);
	out->image_repository = str_or_empty(c->image_repository);
	out->image_tag = str_or_empty(c->image_tag);
	out->image_digest = str_or_empty(c->image_digest);
	out->privileged = c->privileged;
	out->start_ts = c->start_ts;
	out->healthcheck = c->healthcheck;
	out->liveness_probe = c->liveness_probe;
	out->readiness_probe = c->readiness_probe;
	for (unsigned i = 0; i < c->nmounts; i++) {
		s->mount_views[i] = (struct sk_mount_view){
		    .source = str_or_empty(c->mounts[i].source),
		    .dest = str_or_empty(c->mounts[i].dest),
		    .mode = str_or_empty(c->mounts[i].mode),
		    .rdwr = c->mounts[i].rdwr,
		    .propagation = str_or_empty(c->mounts[i].propagation),
		};
	}
	out->mounts = s->mount_views;
	out->nmounts = c->nmounts;
	out->ip = str_or_empty(c->ip);
	out->cni_json = "";
	return true;
}

/* Kubernetes metadata comes from the metadata provider (agent/k8s), if any. */
static bool op_k8s(void *state, const char *container_id, enum sk_k8s_kind k,
		   struct sk_k8s_view *out)
{
	const struct sk_meta_provider *m = sk_state_meta(state);
	return m && m->k8s && m->k8s(m->ctx, container_id, k, out);
}

const struct sk_state_ops sk_state_field_ops = {
    .thread = op_thread,
    .parent = op_parent,
    .event_fd = op_event_fd,
    .fd = op_fd,
    .user = op_user,
    .group = op_group,
    .container = op_container,
    .k8s = op_k8s,
    .ip_name = NULL,
};
