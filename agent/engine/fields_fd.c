/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The fd, fdlist and fs.path field classes. fd.* describe the fd the event
 * works on as the state engine tracks it (ctx->state_ops->event_fd);
 * fdlist.* read the fds of poll events; fs.path.* the paths of the
 * file-system syscalls, made absolute with the thread's cwd or dirfd.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "field_impl.h"

/* Entries of a poll fd list that fdlist.* look at. */
#define SK_FDLIST_MAX 256u
/* Longest absolute path fs.path.* build. */
#define SK_FSPATH_MAX 4096u
#define SK_AT_FDCWD (-100)

enum fd_id {
	F_NUM,
	F_TYPE,
	F_TYPECHAR,
	F_NAME,
	F_NAMERAW,
	F_DIRECTORY,
	F_FILENAME,
	F_IP,
	F_CIP,
	F_SIP,
	F_LIP,
	F_RIP,
	F_PORT,
	F_CPORT,
	F_SPORT,
	F_LPORT,
	F_RPORT,
	F_L4PROTO,
	F_SOCKFAMILY,
	F_IS_SERVER,
	F_UID,
	F_CONTAINERNAME,
	F_CONTAINERDIRECTORY,
	F_PROTO,
	F_CPROTO,
	F_SPROTO,
	F_LPROTO,
	F_RPROTO,
	F_NET,
	F_CNET,
	F_SNET,
	F_LNET,
	F_RNET,
	F_CONNECTED,
	F_NAME_CHANGED,
	F_CIP_NAME,
	F_SIP_NAME,
	F_LIP_NAME,
	F_RIP_NAME,
	F_DEV,
	F_DEV_MAJOR,
	F_DEV_MINOR,
	F_INO,
	F_COUNT_,
};

static const struct sk_field fd_fields[] = {
    SK_F(F_NUM, "fd.num", PT_INT64, 0, "number of the fd"),
    SK_F(F_TYPE, "fd.type", PT_CHARBUF, 0,
	 "kind of fd: file, directory, ipv4, ipv6, unix, pipe, event, signalfd, eventpoll, "
	 "inotify, timerfd, netlink, bpf, userfaultfd, io_uring, memfd, pidfd"),
    SK_F(F_TYPECHAR, "fd.typechar", PT_CHARBUF, 0,
	 "kind of fd as one letter: f file, d directory, 4/6 IP sockets, u unix, p pipe, "
	 "e event, s signalfd, l eventpoll, i inotify, o unknown..."),
    SK_F(F_NAME, "fd.name", PT_CHARBUF, 0,
	 "full name of the fd: the absolute path of a file, the address tuple of a socket"),
    SK_F(F_NAMERAW, "fd.nameraw", PT_CHARBUF, 0, "the fd's name as the syscall gave it"),
    SK_F(F_DIRECTORY, "fd.directory", PT_CHARBUF, 0, "for files: the directory holding it"),
    SK_F(F_FILENAME, "fd.filename", PT_CHARBUF, 0, "for files: the name without directory"),
    SK_F(F_IP, "fd.ip", PT_IPADDR, 0, "filters only: matches the client or the server address"),
    SK_F(F_CIP, "fd.cip", PT_IPADDR, 0, "client address of the socket"),
    SK_F(F_SIP, "fd.sip", PT_IPADDR, 0, "server address of the socket"),
    SK_F(F_LIP, "fd.lip", PT_IPADDR, 0, "local address of the socket"),
    SK_F(F_RIP, "fd.rip", PT_IPADDR, 0, "remote address of the socket"),
    SK_F(F_PORT, "fd.port", PT_PORT, 0, "filters only: matches the client or the server port"),
    SK_F(F_CPORT, "fd.cport", PT_PORT, 0, "client TCP/UDP port"),
    SK_F(F_SPORT, "fd.sport", PT_PORT, 0, "server TCP/UDP port"),
    SK_F(F_LPORT, "fd.lport", PT_PORT, 0, "local TCP/UDP port"),
    SK_F(F_RPORT, "fd.rport", PT_PORT, 0, "remote TCP/UDP port"),
    SK_F(F_L4PROTO, "fd.l4proto", PT_CHARBUF, 0,
	 "IP protocol of the socket: tcp, udp, icmp or raw"),
    SK_F(F_SOCKFAMILY, "fd.sockfamily", PT_CHARBUF, 0, "socket family: ip or unix"),
    SK_F(F_IS_SERVER, "fd.is_server", PT_BOOL, 0,
	 "true when the thread holds the server end of the connection"),
    SK_F(F_UID, "fd.uid", PT_CHARBUF, 0, "identifier of the fd: thread id then fd number"),
    SK_F(F_CONTAINERNAME, "fd.containername", PT_CHARBUF, 0,
	 "container id and fd name joined with ':'"),
    SK_F(F_CONTAINERDIRECTORY, "fd.containerdirectory", PT_CHARBUF, 0,
	 "container id and fd directory joined with ':'"),
    SK_F(F_PROTO, "fd.proto", PT_CHARBUF, 0,
	 "filters only: matches the client or the server protocol name"),
    SK_F(F_CPROTO, "fd.cproto", PT_CHARBUF, 0,
	 "client port as a protocol name (the number while name resolution is off)"),
    SK_F(F_SPROTO, "fd.sproto", PT_CHARBUF, 0,
	 "server port as a protocol name (the number while name resolution is off)"),
    SK_F(F_LPROTO, "fd.lproto", PT_CHARBUF, 0,
	 "local port as a protocol name (the number while name resolution is off)"),
    SK_F(F_RPROTO, "fd.rproto", PT_CHARBUF, 0,
	 "remote port as a protocol name (the number while name resolution is off)"),
    SK_F(F_NET, "fd.net", PT_IPNET, 0,
	 "filters only: matches when the client or server address is in the network"),
    SK_F(F_CNET, "fd.cnet", PT_IPNET, 0, "filters only: the client address is in the network"),
    SK_F(F_SNET, "fd.snet", PT_IPNET, 0, "filters only: the server address is in the network"),
    SK_F(F_LNET, "fd.lnet", PT_IPNET, 0, "filters only: the local address is in the network"),
    SK_F(F_RNET, "fd.rnet", PT_IPNET, 0, "filters only: the remote address is in the network"),
    SK_F(F_CONNECTED, "fd.connected", PT_BOOL, 0, "for TCP/UDP sockets: true once connected"),
    SK_F(F_NAME_CHANGED, "fd.name_changed", PT_BOOL, 0,
	 "true when this event changed the fd's name (e.g. a UDP socket's new peer)"),
    SK_F(F_CIP_NAME, "fd.cip.name", PT_CHARBUF, 0, "domain name of the client address"),
    SK_F(F_SIP_NAME, "fd.sip.name", PT_CHARBUF, 0, "domain name of the server address"),
    SK_F(F_LIP_NAME, "fd.lip.name", PT_CHARBUF, 0, "domain name of the local address"),
    SK_F(F_RIP_NAME, "fd.rip.name", PT_CHARBUF, 0, "domain name of the remote address"),
    SK_F(F_DEV, "fd.dev", PT_INT32, 0, "device number of the file system holding the file"),
    SK_F(F_DEV_MAJOR, "fd.dev.major", PT_INT32, 0, "major part of fd.dev"),
    SK_F(F_DEV_MINOR, "fd.dev.minor", PT_INT32, 0, "minor part of fd.dev"),
    SK_F(F_INO, "fd.ino", PT_UINT64, 0, "inode number of the file"),
};

enum fdlist_id { FL_NUMS, FL_NAMES, FL_CIPS, FL_SIPS, FL_CPORTS, FL_SPORTS, FL_COUNT_ };

static const struct sk_field fdlist_fields[] = {
    SK_F(FL_NUMS, "fdlist.nums", PT_CHARBUF, 0,
	 "poll events: the fd numbers of the fds argument, comma-separated"),
    SK_F(FL_NAMES, "fdlist.names", PT_CHARBUF, 0,
	 "poll events: the fd names of the fds argument, comma-separated"),
    SK_F(FL_CIPS, "fdlist.cips", PT_CHARBUF, 0,
	 "poll events: client addresses of the fds argument, comma-separated"),
    SK_F(FL_SIPS, "fdlist.sips", PT_CHARBUF, 0,
	 "poll events: server addresses of the fds argument, comma-separated"),
    SK_F(FL_CPORTS, "fdlist.cports", PT_CHARBUF, 0,
	 "poll events: client ports of the TCP/UDP fds argument, comma-separated"),
    SK_F(FL_SPORTS, "fdlist.sports", PT_CHARBUF, 0,
	 "poll events: server ports of the TCP/UDP fds argument, comma-separated"),
};

enum fspath_id { FP_NAME, FP_NAMERAW, FP_SOURCE, FP_SOURCERAW, FP_TARGET, FP_TARGETRAW, FP_COUNT_ };

static const struct sk_field fspath_fields[] = {
    SK_F(FP_NAME, "fs.path.name", PT_CHARBUF, 0,
	 "absolute path of the file a file-system syscall (mkdir, unlink...) works on"),
    SK_F(FP_NAMERAW, "fs.path.nameraw", PT_CHARBUF, 0, "that path as the syscall gave it"),
    SK_F(FP_SOURCE, "fs.path.source", PT_CHARBUF, 0,
	 "absolute source path of syscalls with two paths (rename, link, symlink...)"),
    SK_F(FP_SOURCERAW, "fs.path.sourceraw", PT_CHARBUF, 0,
	 "that source path as the syscall gave it"),
    SK_F(FP_TARGET, "fs.path.target", PT_CHARBUF, 0,
	 "absolute target path of syscalls with two paths"),
    SK_F(FP_TARGETRAW, "fs.path.targetraw", PT_CHARBUF, 0,
	 "that target path as the syscall gave it"),
};

_Static_assert(SK_NELEM(fd_fields) == F_COUNT_, "fd_fields covers every id");
_Static_assert(SK_NELEM(fdlist_fields) == FL_COUNT_, "fdlist_fields covers every id");
_Static_assert(SK_NELEM(fspath_fields) == FP_COUNT_, "fspath_fields covers every id");

static const struct {
	const char *name;
	char c;
} fd_types[SK_FD_TYPE_MAX] = {
    [SK_FD_UNKNOWN] = {"unknown", 'o'},
    [SK_FD_FILE] = {"file", 'f'},
    [SK_FD_DIRECTORY] = {"directory", 'd'},
    [SK_FD_IPV4_SOCK] = {"ipv4", '4'},
    [SK_FD_IPV6_SOCK] = {"ipv6", '6'},
    [SK_FD_IPV4_SERVSOCK] = {"ipv4", '4'},
    [SK_FD_IPV6_SERVSOCK] = {"ipv6", '6'},
    [SK_FD_FIFO] = {"pipe", 'p'},
    [SK_FD_UNIX_SOCK] = {"unix", 'u'},
    [SK_FD_EVENT] = {"event", 'e'},
    [SK_FD_UNSUPPORTED] = {"unknown", 'o'},
    [SK_FD_SIGNALFD] = {"signalfd", 's'},
    [SK_FD_EVENTPOLL] = {"eventpoll", 'l'},
    [SK_FD_INOTIFY] = {"inotify", 'i'},
    [SK_FD_TIMERFD] = {"timerfd", 't'},
    [SK_FD_NETLINK] = {"netlink", 'n'},
    [SK_FD_FILE_V2] = {"file", 'f'},
    [SK_FD_BPF] = {"bpf", 'b'},
    [SK_FD_USERFAULTFD] = {"userfaultfd", 'u'},
    [SK_FD_IOURING] = {"io_uring", 'r'},
    [SK_FD_MEMFD] = {"memfd", 'm'},
    [SK_FD_PIDFD] = {"pidfd", 'P'},
};

static bool fd_is_ip(const struct sk_fd_view *f)
{
	return f->type == SK_FD_IPV4_SOCK || f->type == SK_FD_IPV6_SOCK ||
	       f->type == SK_FD_IPV4_SERVSOCK || f->type == SK_FD_IPV6_SERVSOCK;
}

static bool fd_is_file(const struct sk_fd_view *f)
{
	return f->type == SK_FD_FILE || f->type == SK_FD_FILE_V2 || f->type == SK_FD_DIRECTORY;
}

static unsigned addr_len(const struct sk_fd_view *f)
{
	return f->family == SK_AF_INET6 ? 16 : 4;
}

/*
 * An IP socket whose endpoints are known. The state gives family 0 to a
 * socket that has none yet (sysdig's "role none": created, not yet
 * connected, accepted or bound): it has no addresses, ports or protocol.
 */
static bool fd_has_ends(const struct sk_fd_view *f)
{
	return fd_is_ip(f) && f->family != 0;
}

/*
 * The client (true) or server (false) address of f as a value. The view
 * lives on the extractor's stack: the bytes are copied into scratch so the
 * value outlives it.
 */
static int addr_value(struct sk_eval_ctx *ctx, const struct sk_fd_view *f, bool client,
		      struct sk_value *v)
{
	uint8_t *b;

	if (!fd_has_ends(f) || !(b = (uint8_t *)sk_scratch_alloc(ctx, addr_len(f))))
		return 0;
	memcpy(b, client ? f->sip : f->dip, addr_len(f));
	*v = (struct sk_value){.type = PT_IPADDR, .len = addr_len(f), .b = b};
	return 1;
}

static int port_value(const struct sk_fd_view *f, bool client, struct sk_value *v)
{
	if (!fd_has_ends(f))
		return 0;
	return sk_val_u(v, PT_PORT, client ? f->sport : f->dport);
}

/* Which end fd.lip/lport/lproto... take: the state decides (sysdig: the client end when its address is this host's). */
static bool local_is_client(const struct sk_fd_view *f)
{
	return f->local_is_client;
}

/*
 * fd.*proto: the port as text. sysdig resolves service names only when asked
 * to (-N off by default), so by default the number is the name.
 */
static int proto_name(struct sk_eval_ctx *ctx, const struct sk_fd_view *f, bool client,
		      struct sk_value *v)
{
	char buf[8];
	int n;

	if (!fd_has_ends(f))
		return 0;
	n = snprintf(buf, sizeof(buf), "%u", client ? f->sport : f->dport);
	return sk_val_scratch(ctx, v, buf, (size_t)n);
}

static int ip_name(struct sk_eval_ctx *ctx, const struct sk_fd_view *f, bool client,
		   struct sk_value *v)
{
	char buf[256];

	if (!fd_is_ip(f) || !ctx->state_ops->ip_name ||
	    !ctx->state_ops->ip_name(ctx->state, client ? f->sip : f->dip, addr_len(f), buf,
				     sizeof(buf)))
		return 0;
	return sk_val_scratch(ctx, v, buf, strnlen(buf, sizeof(buf)));
}

static int fd_directory(struct sk_eval_ctx *ctx, const struct sk_fd_view *f, bool with_container,
			struct sk_value *v)
{
	const char *n = f->name ? f->name : "";
	const char *slash = strrchr(n, '/');
	size_t len;
	char buf[SK_FSPATH_MAX];
	int w;
	struct sk_thread_view t;

	if (!fd_is_file(f))
		return 0;
	if (f->type == SK_FD_DIRECTORY)
		len = strlen(n);
	else
		len = slash ? (slash == n ? 1 : (size_t)(slash - n)) : 0;
	if (!with_container)
		return sk_val_strn(v, n, len);
	if (!sk_field_event_thread(ctx, &t))
		return 0;
	w = snprintf(buf, sizeof(buf), "%s:%.*s", t.container_id ? t.container_id : "", (int)len,
		     n);
	return sk_val_scratch(ctx, v, buf, (size_t)w < sizeof(buf) ? (size_t)w : sizeof(buf) - 1);
}

static int fd_filename(const struct sk_fd_view *f, struct sk_value *v)
{
	const char *n = f->name ? f->name : "";
	const char *slash = strrchr(n, '/');

	if (!fd_is_file(f) || f->type == SK_FD_DIRECTORY)
		return 0;
	return sk_val_str(v, slash ? slash + 1 : n);
}

static int fd_text(struct sk_eval_ctx *ctx, unsigned id, const struct sk_fd_view *f,
		   struct sk_value *v)
{
	char buf[SK_FSPATH_MAX];
	struct sk_thread_view t;
	int w;

	if (!sk_field_event_thread(ctx, &t))
		return 0;
	if (id == F_UID)
		w = snprintf(buf, sizeof(buf), "%" PRId64 "%" PRId64, t.tid, f->fd);
	else
		w = snprintf(buf, sizeof(buf), "%s:%s", t.container_id ? t.container_id : "",
			     f->name ? f->name : "");
	return sk_val_scratch(ctx, v, buf, (size_t)w < sizeof(buf) ? (size_t)w : sizeof(buf) - 1);
}

static const char *l4proto_name(const struct sk_fd_view *f)
{
	if (!fd_has_ends(f))
		return NULL;
	switch (f->l4proto) {
	case 6:
		return "tcp";
	case 17:
		return "udp";
	case 1:
	case 58:
		return "icmp";
	default:
		return "raw";
	}
}

static int extract_fd_net(struct sk_eval_ctx *ctx, unsigned id, const struct sk_fd_view *f,
			  struct sk_value *vals, unsigned cap)
{
	bool lc = local_is_client(f);

	switch (id) {
	case F_IP:
	case F_NET:
		if (addr_value(ctx, f, true, &vals[0]) == 0)
			return 0;
		return 1 + (cap > 1 ? addr_value(ctx, f, false, &vals[1]) : 0);
	case F_PORT:
		if (port_value(f, true, &vals[0]) == 0)
			return 0;
		return 1 + (cap > 1 ? port_value(f, false, &vals[1]) : 0);
	case F_PROTO: {
		int n = proto_name(ctx, f, true, &vals[0]);

		return n + (cap > (unsigned)n ? proto_name(ctx, f, false, &vals[n]) : 0);
	}
	case F_CIP:
	case F_CNET:
		return addr_value(ctx, f, true, vals);
	case F_SIP:
	case F_SNET:
		return addr_value(ctx, f, false, vals);
	case F_LIP:
	case F_LNET:
		return addr_value(ctx, f, lc, vals);
	case F_RIP:
	case F_RNET:
		return addr_value(ctx, f, !lc, vals);
	case F_CPORT:
		return port_value(f, true, vals);
	case F_SPORT:
		return port_value(f, false, vals);
	case F_LPORT:
		return port_value(f, lc, vals);
	case F_RPORT:
		return port_value(f, !lc, vals);
	case F_CPROTO:
		return proto_name(ctx, f, true, vals);
	case F_SPROTO:
		return proto_name(ctx, f, false, vals);
	case F_LPROTO:
		return proto_name(ctx, f, lc, vals);
	case F_RPROTO:
		return proto_name(ctx, f, !lc, vals);
	case F_CIP_NAME:
		return ip_name(ctx, f, true, vals);
	case F_SIP_NAME:
		return ip_name(ctx, f, false, vals);
	case F_LIP_NAME:
		return ip_name(ctx, f, lc, vals);
	default:
		return ip_name(ctx, f, !lc, vals); /* F_RIP_NAME */
	}
}

/*
 * fd.typechar of an event whose fd the table does not hold: what the
 * syscall creates, by its name (sysdig's guess), else 'o'.
 */
static char null_fd_typechar(const struct sk_evt *e)
{
	static const struct {
		const char *event;
		char c;
	} creators[] = {
	    {"open", 'f'},   {"openat", 'f'},	  {"openat2", 'f'}, {"creat", 'f'},
	    {"socket", '4'}, {"accept", '4'},	  {"accept4", '4'}, {"pipe", 'p'},
	    {"eventfd", 'e'}, {"signalfd", 's'}, {"timerfd_create", 't'}, {"inotify_init", 'i'},
	};

	for (unsigned i = 0; i < SK_NELEM(creators); i++)
		if (strcmp(e->info->name, creators[i].event) == 0)
			return creators[i].c;
	return 'o';
}

/*
 * The fd name sysdig reports for an exit event whose fd the table does not
 * hold (a failed open names the file it tried, a failed connect its peer);
 * "" for other exits, nothing for enter events.
 */
static bool null_fd_name(struct sk_eval_ctx *ctx, char *out, size_t cap)
{
	const struct sk_evt *e = ctx->evt;
	const char *n = e->info->name;
	struct sk_thread_view t;
	const char *p;
	int idx;

	if (sk_event_is_enter(e->hdr->type))
		return false;
	out[0] = '\0';
	if (!strcmp(n, "connect") || !strcmp(n, "accept") || !strcmp(n, "accept4")) {
		idx = sk_evt_param_index(e, "tuple");
		if (idx >= 0 && e->param_len[idx] > 0)
			sk_param_render(e, (unsigned)idx, NULL, out, cap);
		return true;
	}
	if (strcmp(n, "open") && strcmp(n, "creat") && strcmp(n, "openat") && strcmp(n, "openat2"))
		return true;
	idx = sk_evt_param_index(e, "name");
	if (idx < 0 || !(p = sk_evt_get_str(e, (unsigned)idx)))
		return true;
	if (p[0] == '/' || !sk_field_event_thread(ctx, &t) || !t.cwd || !t.cwd[0] ||
	    !sk_path_join(t.cwd, p, out, cap))
		snprintf(out, cap, "%s", p);
	return true;
}

/* fd.* fields of an event whose fd is not in the table, as sysdig extracts them. */
static int extract_null_fd(struct sk_eval_ctx *ctx, unsigned id, const struct sk_fd_view *f,
			   struct sk_value *v)
{
	char name[SK_FSPATH_MAX];
	struct sk_fd_view named = *f;

	switch (id) {
	case F_TYPECHAR: {
		char c = null_fd_typechar(ctx->evt);

		return sk_val_scratch(ctx, v, &c, 1);
	}
	case F_UID:
		return fd_text(ctx, id, f, v);
	case F_NAME:
	case F_CONTAINERNAME:
	case F_DIRECTORY:
	case F_CONTAINERDIRECTORY:
		if (!null_fd_name(ctx, name, sizeof(name)))
			return 0;
		if (id == F_NAME)
			return sk_val_scratch(ctx, v, name, strlen(name));
		named.name = name;
		if (id == F_CONTAINERNAME)
			return fd_text(ctx, id, &named, v);
		/* the directory of the name, "/" when it has none */
		named.type = SK_FD_FILE;
		if (!strchr(name, '/') || strrchr(name, '/') == name)
			snprintf(name, sizeof(name), "/");
		else
			*strrchr(name, '/') = '\0';
		named.type = SK_FD_DIRECTORY;
		return fd_directory(ctx, &named, id == F_CONTAINERDIRECTORY, v);
	default:
		return 0;
	}
}

static int extract_fd(const struct sk_field_ref *ref, struct sk_eval_ctx *ctx,
		      struct sk_value *vals, unsigned cap)
{
	struct sk_fd_view f;
	unsigned id = ref->field->id;
	struct sk_value *v = vals;

	if (cap == 0 || !ctx->evt || !SK_STATE_HAS(ctx, event_fd))
		return 0;
	memset(&f, 0, sizeof(f));
	if (!ctx->state_ops->event_fd(ctx->state, ctx->evt, &f))
		return 0;
	if (id == F_NUM)
		return sk_val_i(v, PT_INT64, f.fd);
	if (!f.in_table)
		return extract_null_fd(ctx, id, &f, v);
	switch (id) {
	case F_TYPE:
		return sk_val_str(v, f.type < SK_FD_TYPE_MAX && fd_types[f.type].name
					 ? fd_types[f.type].name
					 : "unknown");
	case F_TYPECHAR: {
		char c = f.type < SK_FD_TYPE_MAX && fd_types[f.type].c ? fd_types[f.type].c : 'o';

		return sk_val_scratch(ctx, v, &c, 1);
	}
	case F_NAME:
		return sk_val_str(v, f.name);
	case F_NAMERAW:
		return sk_val_str(v, f.nameraw ? f.nameraw : f.name);
	case F_DIRECTORY:
		return fd_directory(ctx, &f, false, v);
	case F_CONTAINERDIRECTORY:
		return fd_directory(ctx, &f, true, v);
	case F_FILENAME:
		return fd_filename(&f, v);
	case F_UID:
	case F_CONTAINERNAME:
		return fd_text(ctx, id, &f, v);
	case F_L4PROTO:
		return sk_val_str(v, l4proto_name(&f));
	case F_SOCKFAMILY:
		return fd_is_ip(&f)		   ? sk_val_str(v, "ip")
		       : f.type == SK_FD_UNIX_SOCK ? sk_val_str(v, "unix")
						   : 0;
	case F_IS_SERVER:
		return sk_val_bool(v, f.is_server);
	case F_CONNECTED:
		return sk_val_bool(v, f.connected);
	case F_NAME_CHANGED:
		return sk_val_bool(v, f.name_changed);
	case F_DEV: /* sysdig prints it in hex: 557E */
		sk_val_i(v, PT_INT32, (int32_t)f.dev);
		v->fmt = PF_HEX;
		return 1;
	case F_DEV_MAJOR:
		return sk_val_i(v, PT_INT32, (int32_t)(f.dev >> 20));
	case F_DEV_MINOR:
		return sk_val_i(v, PT_INT32, (int32_t)(f.dev & 0xfffffu));
	case F_INO:
		return sk_val_u(v, PT_UINT64, f.ino);
	default:
		return extract_fd_net(ctx, id, &f, vals, cap);
	}
}

/* Append one fdlist entry's text for field id; false when it has none. */
static bool fdlist_entry(struct sk_eval_ctx *ctx, unsigned id, int64_t fd, char *out, size_t cap)
{
	struct sk_fd_view f;
	char addr[INET6_ADDRSTRLEN];

	if (id == FL_NUMS)
		return snprintf(out, cap, "%" PRId64, fd) > 0;
	memset(&f, 0, sizeof(f));
	if (!SK_STATE_HAS(ctx, fd) ||
	    !ctx->state_ops->fd(ctx->state, (int64_t)ctx->evt->hdr->tid, fd, &f) || !f.in_table)
		/* sysdig keeps a place for fds it does not know in the names only */
		return id == FL_NAMES && snprintf(out, cap, "<NA>") > 0;
	switch (id) {
	case FL_NAMES: /* an fd without a name (pipe, eventfd...) shows as <NA>, as sysdig */
		return snprintf(out, cap, "%s", f.name && f.name[0] ? f.name : "<NA>") > 0;
	case FL_CIPS:
	case FL_SIPS:
		if (!fd_is_ip(&f) || !inet_ntop(f.family == SK_AF_INET6 ? AF_INET6 : AF_INET,
						id == FL_CIPS ? f.sip : f.dip, addr, sizeof(addr)))
			return false;
		return snprintf(out, cap, "%s", addr) > 0;
	default:
		if (!fd_is_ip(&f))
			return false;
		return snprintf(out, cap, "%u", id == FL_CPORTS ? f.sport : f.dport) > 0;
	}
}

/* Poll's fds parameter: u16 count, then per entry an i64 fd and i16 events. */
static int extract_fdlist(const struct sk_field_ref *ref, struct sk_eval_ctx *ctx,
			  struct sk_value *vals, unsigned cap)
{
	const struct sk_evt *e = ctx->evt;
	int idx;
	uint16_t n;
	char buf[SK_FSPATH_MAX], item[1024];
	size_t len = 0;

	if (cap == 0 || !e || (idx = sk_evt_param_index(e, "fds")) < 0 ||
	    e->info->params[idx].type != PT_FDLIST || e->param_len[idx] < 2)
		return 0;
	memcpy(&n, e->param[idx], 2);
	if ((size_t)n * 10 + 2 > e->param_len[idx])
		return 0;
	for (unsigned i = 0; i < n && i < SK_FDLIST_MAX; i++) {
		int64_t fd;

		memcpy(&fd, e->param[idx] + 2 + (size_t)i * 10, 8);
		if (!fdlist_entry(ctx, ref->field->id, fd, item, sizeof(item)))
			continue;
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s", len ? "," : "", item);
		if (len >= sizeof(buf)) {
			len = sizeof(buf) - 1;
			break;
		}
	}
	if (len == 0)
		return 0;
	return sk_val_scratch(ctx, vals, buf, len);
}

/* Which parameters fs.path.* read, by event name. */
static const struct {
	const char *event, *path, *dirfd;	     /* fs.path.name */
	const char *src, *srcdirfd, *dst, *dstdirfd; /* fs.path.source / target */
} fspath_events[] = {
    {"mkdir", "path", NULL, NULL, NULL, NULL, NULL},
    {"mkdirat", "path", "dirfd", NULL, NULL, NULL, NULL},
    {"rmdir", "path", NULL, NULL, NULL, NULL, NULL},
    {"unlink", "path", NULL, NULL, NULL, NULL, NULL},
    {"unlinkat", "name", "dirfd", NULL, NULL, NULL, NULL},
    {"rename", NULL, NULL, "oldpath", NULL, "newpath", NULL},
    {"renameat", NULL, NULL, "oldpath", "olddirfd", "newpath", "newdirfd"},
    {"renameat2", NULL, NULL, "oldpath", "olddirfd", "newpath", "newdirfd"},
    {"link", NULL, NULL, "oldpath", NULL, "newpath", NULL},
    {"linkat", NULL, NULL, "oldpath", "olddir", "newpath", "newdir"},
    {"symlink", NULL, NULL, "target", NULL, "linkpath", NULL},
    {"symlinkat", NULL, NULL, "target", NULL, "linkpath", "linkdirfd"},
};

/* The directory a relative path is taken from: the cwd or the dirfd's path, with '/'. */
static bool base_dir(struct sk_eval_ctx *ctx, const char *dirfd_param, char *out, size_t cap)
{
	const struct sk_evt *e = ctx->evt;
	struct sk_thread_view t;
	struct sk_fd_view f;
	int64_t dirfd = SK_AT_FDCWD;
	int idx = dirfd_param ? sk_evt_param_index(e, dirfd_param) : -1;
	const char *dir;
	size_t n;

	if (idx >= 0)
		sk_evt_get_s64(e, (unsigned)idx, &dirfd);
	if (!sk_field_event_thread(ctx, &t))
		return false;
	if (dirfd == SK_AT_FDCWD) {
		dir = t.cwd;
	} else {
		memset(&f, 0, sizeof(f));
		if (!SK_STATE_HAS(ctx, fd) || !ctx->state_ops->fd(ctx->state, t.tid, dirfd, &f) ||
		    !f.in_table)
			return false;
		dir = f.name;
	}
	if (!dir)
		return false;
	n = (size_t)snprintf(out, cap, "%s", dir);
	if (n + 1 < cap && (n == 0 || out[n - 1] != '/'))
		snprintf(out + n, cap - n, "/");
	return true;
}

static int fspath_value(struct sk_eval_ctx *ctx, const char *param, const char *dirfd, bool raw,
			struct sk_value *v)
{
	int idx = sk_evt_param_index(ctx->evt, param);
	const char *p;
	char buf[SK_FSPATH_MAX];
	size_t n;

	if (idx < 0 || !(p = sk_evt_get_str(ctx->evt, (unsigned)idx)))
		return 0;
	if (raw || p[0] == '/')
		return sk_val_str(v, p);
	if (!base_dir(ctx, dirfd, buf, sizeof(buf)))
		return 0;
	n = strlen(buf);
	n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s", p);
	return sk_val_scratch(ctx, v, buf, n < sizeof(buf) ? n : sizeof(buf) - 1);
}

static int extract_fspath(const struct sk_field_ref *ref, struct sk_eval_ctx *ctx,
			  struct sk_value *vals, unsigned cap)
{
	unsigned id = ref->field->id;
	bool raw = id == FP_NAMERAW || id == FP_SOURCERAW || id == FP_TARGETRAW;

	if (cap == 0 || !ctx->evt || sk_event_is_enter(ctx->evt->hdr->type))
		return 0;
	for (unsigned i = 0; i < SK_NELEM(fspath_events); i++) {
		if (strcmp(fspath_events[i].event, ctx->evt->info->name) != 0)
			continue;
		if (id <= FP_NAMERAW)
			return fspath_events[i].path
				   ? fspath_value(ctx, fspath_events[i].path,
						  fspath_events[i].dirfd, raw, vals)
				   : 0;
		if (id <= FP_SOURCERAW)
			return fspath_events[i].src
				   ? fspath_value(ctx, fspath_events[i].src,
						  fspath_events[i].srcdirfd, raw, vals)
				   : 0;
		return fspath_events[i].dst ? fspath_value(ctx, fspath_events[i].dst,
							   fspath_events[i].dstdirfd, raw, vals)
					    : 0;
	}
	return 0;
}

const struct sk_field_class sk_field_class_fd = {
    .name = "fd",
    .source = "syscall",
    .desc = "The fd the event works on: file, socket, pipe...",
    .fields = fd_fields,
    .nfields = SK_NELEM(fd_fields),
    .prepare = sk_field_prepare_common,
    .extract = extract_fd,
};

const struct sk_field_class sk_field_class_fdlist = {
    .name = "fdlist",
    .source = "syscall",
    .desc = "The fds of poll-style events",
    .fields = fdlist_fields,
    .nfields = SK_NELEM(fdlist_fields),
    .prepare = sk_field_prepare_common,
    .extract = extract_fdlist,
};

const struct sk_field_class sk_field_class_fspath = {
    .name = "fs.path",
    .source = "syscall",
    .desc = "Paths of file-system syscalls such as mkdir, unlink, rename and symlink",
    .fields = fspath_fields,
    .nfields = SK_NELEM(fspath_fields),
    .prepare = sk_field_prepare_common,
    .extract = extract_fspath,
};
