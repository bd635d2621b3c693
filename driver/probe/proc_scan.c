/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The /proc scanner: the threads and fds that existed before the probe was
 * attached, as process-list and fd-list records (struct sk_scap_proc /
 * struct sk_scap_fd), so state can be seeded exactly as from a capture.
 * Every file read is capped (SK_SCAN_FILE_MAX) and every string fits its
 * record field (truncated otherwise).
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "saker/probe.h"

#include "ppm_flags.h"

#define SK_SCAN_FILE_MAX (64u * 1024u)  /* bytes read from one /proc file */
#define SK_SCAN_SOCKETS_MAX 65536u      /* sockets remembered per network namespace */
#define SK_SCAN_NETNS_MAX 64u           /* network namespaces remembered */
#define SK_PPM_CL_CLONE_FILES 0x1u
#define SK_PPM_CL_CLONE_THREAD 0x2000u

struct sk_sock_info {
	uint64_t ino;
	uint8_t type;   /* SK_FD_IPV4_SOCK ... */
	uint8_t l4proto;
	uint8_t sip[16], dip[16];
	uint16_t sport, dport;
	char path[108];
};

struct sk_netns {
	uint64_t ino;
	struct sk_sock_info *socks;
	size_t n, cap;
};

struct sk_scan {
	const char *root;
	const struct sk_proc_scan_cb *cb;
	struct sk_netns ns[SK_SCAN_NETNS_MAX];
	size_t nns;
	char *buf; /* SK_SCAN_FILE_MAX + 1 */
	struct sk_scap_proc proc;
	struct sk_scap_fd fd;
};

/* out = a "/" b; false (and a truncated out) when it does not fit. */
static bool sk_join(char *out, size_t cap, const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	if (la + 1 + lb + 1 > cap) {
		out[0] = '\0';
		return false;
	}
	memcpy(out, a, la);
	out[la] = '/';
	memcpy(out + la + 1, b, lb + 1);
	return true;
}

/* Read a whole (capped) file into s->buf; returns its length or -errno. */
static ssize_t sk_read_file(struct sk_scan *s, const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t got = 0;

	if (fd < 0)
		return -errno;
	while (got < SK_SCAN_FILE_MAX) {
		ssize_t n = read(fd, s->buf + got, SK_SCAN_FILE_MAX - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	s->buf[got] = '\0';
	return (ssize_t)got;
}

static void sk_set_str(struct sk_scap_str *dst, const char *src, size_t len)
{
	if (len > SK_SCAP_PATH_MAX)
		len = SK_SCAP_PATH_MAX;
	memcpy(dst->buf, src, len);
	dst->buf[len] = '\0';
	dst->len = (uint32_t)len;
}

static void sk_set_list(struct sk_scap_list *dst, const char *src, size_t len)
{
	if (len > SK_SCAP_LIST_MAX)
		len = SK_SCAP_LIST_MAX;
	memcpy(dst->buf, src, len);
	dst->buf[len] = '\0';
	dst->buf[len + 1] = '\0';
	dst->len = (uint32_t)len;
}

static void sk_readlink_str(struct sk_scap_str *dst, const char *path)
{
	char tmp[SK_SCAP_PATH_MAX + 1];
	ssize_t n = readlink(path, tmp, sizeof(tmp) - 1);

	sk_set_str(dst, tmp, n > 0 ? (size_t)n : 0);
}

/* The value after "key:" in a status-like text, or NULL. */
static const char *sk_field(const char *text, const char *key)
{
	size_t kl = strlen(key);

	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (strncmp(p, key, kl) == 0 && p[kl] == ':')
			return p + kl + 1;
	return NULL;
}

/* The n-th (0-based) whitespace-separated number after key, or def. */
static int64_t sk_field_num(const char *text, const char *key, int n, int base, int64_t def)
{
	const char *p = sk_field(text, key);
	char *end;
	long long v = def;

	if (!p)
		return def;
	for (int i = 0; i <= n; i++) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\n' || !*p)
			return def;
		v = strtoll(p, &end, base);
		if (end == p)
			return def;
		p = end;
	}
	return v;
}

/* The last number of a tab-separated list (NSpid, NStgid), or def. */
static int64_t sk_field_last(const char *text, const char *key, int64_t def)
{
	const char *p = sk_field(text, key);
	int64_t v = def;
	char *end;

	while (p && *p && *p != '\n') {
		long long x = strtoll(p, &end, 10);

		if (end == p)
			break;
		v = x;
		p = end;
	}
	return v;
}

static void sk_read_status(struct sk_scan *s, const char *dir)
{
	struct sk_scap_proc *p = &s->proc;
	char path[300];

	sk_join(path, sizeof(path), dir, "status");
	if (sk_read_file(s, path) < 0)
		return;
	p->pid = sk_field_num(s->buf, "Tgid", 0, 10, p->tid);
	p->ptid = sk_field_num(s->buf, "PPid", 0, 10, 0);
	p->uid = (uint32_t)sk_field_num(s->buf, "Uid", 1, 10, 0);
	p->gid = (uint32_t)sk_field_num(s->buf, "Gid", 1, 10, 0);
	p->vmsize_kb = (uint32_t)sk_field_num(s->buf, "VmSize", 0, 10, 0);
	p->vmrss_kb = (uint32_t)sk_field_num(s->buf, "VmRSS", 0, 10, 0);
	p->vmswap_kb = (uint32_t)sk_field_num(s->buf, "VmSwap", 0, 10, 0);
	p->vtid = sk_field_last(s->buf, "NSpid", p->tid);
	p->vpid = sk_field_last(s->buf, "NStgid", p->pid);
	p->vpgid = sk_field_last(s->buf, "NSpgid", -1);
	p->cap_inheritable = (uint64_t)sk_field_num(s->buf, "CapInh", 0, 16, 0);
	p->cap_permitted = (uint64_t)sk_field_num(s->buf, "CapPrm", 0, 16, 0);
	p->cap_effective = (uint64_t)sk_field_num(s->buf, "CapEff", 0, 16, 0);
}

/* stat: pgrp, session, tty_nr, minflt, majflt (the comm may hold spaces and parens). */
static void sk_read_stat(struct sk_scan *s, const char *dir)
{
	struct sk_scap_proc *p = &s->proc;
	char path[300];
	long long pgrp, sid, tty, minflt, majflt;
	const char *r;

	sk_join(path, sizeof(path), dir, "stat");
	if (sk_read_file(s, path) < 0 || !(r = strrchr(s->buf, ')')))
		return;
	if (sscanf(r + 1, " %*c %*d %lld %lld %lld %*d %*u %llu %*u %llu", &pgrp, &sid, &tty, &minflt,
		   &majflt) == 5) {
		p->pgid = pgrp;
		p->sid = sid;
		p->tty = (uint32_t)tty;
		p->pfminor = (uint64_t)minflt;
		p->pfmajor = (uint64_t)majflt;
		if (p->vpgid < 0)
			p->vpgid = pgrp;
	}
}

static void sk_read_cmdline(struct sk_scan *s, const char *dir)
{
	struct sk_scap_proc *p = &s->proc;
	char path[300];
	ssize_t n;
	size_t first;

	sk_join(path, sizeof(path), dir, "cmdline");
	n = sk_read_file(s, path);
	if (n <= 0)
		return;
	first = strnlen(s->buf, (size_t)n);
	sk_set_str(&p->exe, s->buf, first);
	if ((size_t)n > first + 1)
		sk_set_list(&p->args, s->buf + first + 1, (size_t)n - first - 1);
}

static void sk_read_list_file(struct sk_scan *s, const char *dir, const char *name,
			      struct sk_scap_list *out)
{
	char path[300];
	ssize_t n;

	sk_join(path, sizeof(path), dir, name);
	n = sk_read_file(s, path);
	if (n > 0)
		sk_set_list(out, s->buf, (size_t)n);
}

/* /proc/PID/cgroup lines "id:controllers:path" -> "controller=path\0" entries. */
static void sk_read_cgroups(struct sk_scan *s, const char *dir)
{
	char path[300], out[SK_SCAP_LIST_MAX];
	size_t used = 0;
	char *line, *save = NULL;

	sk_join(path, sizeof(path), dir, "cgroup");
	if (sk_read_file(s, path) <= 0)
		return;
	for (line = strtok_r(s->buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		char *ctrl, *cs = NULL;

		if (!c2)
			continue;
		*c2 = '\0';
		ctrl = c1 + 1;
		if (strncmp(ctrl, "name=", 5) == 0) /* named hierarchies have no controller */
			continue;
		if (!*ctrl) /* cgroup v2: report it under the unified name */
			ctrl = "unified";
		for (char *one = strtok_r(ctrl, ",", &cs); one; one = strtok_r(NULL, ",", &cs)) {
			int w = snprintf(out + used, sizeof(out) - used, "%s=%s", one, c2 + 1);

			if (w < 0 || (size_t)w + 1 >= sizeof(out) - used)
				goto done;
			used += (size_t)w + 1;
		}
	}
done:
	sk_set_list(&s->proc.cgroups, out, used);
}

static void sk_read_limits_loginuid(struct sk_scan *s, const char *dir)
{
	char path[300];
	const char *l;

	sk_join(path, sizeof(path), dir, "limits");
	if (sk_read_file(s, path) > 0 && (l = strstr(s->buf, "Max open files"))) {
		l += strlen("Max open files");
		s->proc.fdlimit = strtoll(l, NULL, 10);
	}
	sk_join(path, sizeof(path), dir, "loginuid");
	if (sk_read_file(s, path) > 0)
		s->proc.loginuid = (uint32_t)strtoul(s->buf, NULL, 10);
}

/* exe inode, times, and whether the process's fs user can write it. */
static void sk_read_exe(struct sk_scan *s, const char *dir, uint32_t fsuid, uint32_t fsgid)
{
	struct sk_scap_proc *p = &s->proc;
	char path[300];
	struct stat st;

	sk_join(path, sizeof(path), dir, "exe");
	sk_readlink_str(&p->exepath, path);
	if (stat(path, &st) != 0)
		return;
	p->exe_ino = st.st_ino;
	p->exe_ino_ctime = (uint64_t)st.st_ctim.tv_sec * 1000000000ull + (uint64_t)st.st_ctim.tv_nsec;
	p->exe_ino_mtime = (uint64_t)st.st_mtim.tv_sec * 1000000000ull + (uint64_t)st.st_mtim.tv_nsec;
	if (p->cap_effective & (1ull << 1 /* CAP_DAC_OVERRIDE */))
		p->exe_writable = 1;
	else if (st.st_uid == fsuid)
		p->exe_writable = (st.st_mode & S_IWUSR) != 0;
	else if (st.st_gid == fsgid)
		p->exe_writable = (st.st_mode & S_IWGRP) != 0;
	else
		p->exe_writable = (st.st_mode & S_IWOTH) != 0;
	p->exe_from_memfd = strncmp(p->exepath.buf, "/memfd:", 7) == 0;
}

/* One thread record: process-wide files from pdir, per-thread ones from tdir. */
static void sk_fill_proc(struct sk_scan *s, const char *pdir, const char *tdir, int64_t tid)
{
	struct sk_scap_proc *p = &s->proc;
	char path[300];
	uint32_t fsuid, fsgid;
	ssize_t n;

	memset(p, 0, sizeof(*p));
	p->version = 9;
	p->tid = tid;
	p->sid = p->vpgid = p->pgid = -1;
	p->loginuid = 0xffffffffu;
	sk_read_status(s, tdir);
	fsuid = (uint32_t)sk_field_num(s->buf, "Uid", 3, 10, p->uid);
	fsgid = (uint32_t)sk_field_num(s->buf, "Gid", 3, 10, p->gid);
	sk_read_stat(s, tdir);
	sk_join(path, sizeof(path), tdir, "comm");
	n = sk_read_file(s, path);
	if (n > 0)
		sk_set_str(&p->comm, s->buf, (size_t)n - (s->buf[n - 1] == '\n'));
	sk_read_cmdline(s, pdir);
	sk_read_list_file(s, pdir, "environ", &p->env);
	sk_read_cgroups(s, pdir);
	sk_read_limits_loginuid(s, pdir);
	sk_join(path, sizeof(path), pdir, "cwd");
	sk_readlink_str(&p->cwd, path);
	sk_join(path, sizeof(path), pdir, "root");
	sk_readlink_str(&p->root, path);
	sk_read_exe(s, pdir, fsuid, fsgid);
	if (p->tid != p->pid)
		p->flags = SK_PPM_CL_CLONE_THREAD | SK_PPM_CL_CLONE_FILES;
}

/* ---- sockets ---- */

static int sk_sock_cmp(const void *a, const void *b)
{
	uint64_t x = ((const struct sk_sock_info *)a)->ino, y = ((const struct sk_sock_info *)b)->ino;

	return x < y ? -1 : x > y;
}

static struct sk_sock_info *sk_sock_add(struct sk_netns *ns)
{
	if (ns->n == ns->cap) {
		size_t cap = ns->cap ? ns->cap * 2 : 256;
		void *m;

		if (cap > SK_SCAN_SOCKETS_MAX)
			return NULL;
		m = realloc(ns->socks, cap * sizeof(*ns->socks));
		if (!m)
			return NULL;
		ns->socks = m;
		ns->cap = cap;
	}
	memset(&ns->socks[ns->n], 0, sizeof(ns->socks[0]));
	return &ns->socks[ns->n++];
}

/* "0100007F:1F90" (or 32 hex digits) -> network-order address bytes and host-order port. */
static void sk_parse_hexaddr(const char *h, uint8_t *ip, size_t iplen, uint16_t *port)
{
	for (size_t w = 0; w < iplen / 4; w++) {
		unsigned v = 0;

		sscanf(h + w * 8, "%8x", &v);
		memcpy(ip + w * 4, &v, 4); /* /proc prints each 32-bit word in host order */
	}
	*port = (uint16_t)strtoul(h + iplen * 2 + 1, NULL, 16);
}

static void sk_parse_inet(struct sk_scan *s, struct sk_netns *ns, const char *dir, const char *file,
			  bool v6, uint8_t l4proto)
{
	char path[300], *line, *save = NULL;
	size_t iplen = v6 ? 16 : 4;

	char sub[32];

	snprintf(sub, sizeof(sub), "net/%s", file);
	sk_join(path, sizeof(path), dir, sub);
	if (sk_read_file(s, path) <= 0)
		return;
	line = strtok_r(s->buf, "\n", &save); /* header */
	while ((line = strtok_r(NULL, "\n", &save))) {
		char local[64], remote[64];
		unsigned st;
		unsigned long long ino;
		struct sk_sock_info *k;

		if (sscanf(line, " %*d: %63s %63s %x %*s %*s %*s %*u %*u %llu", local, remote, &st,
			   &ino) != 4 || !(k = sk_sock_add(ns)))
			continue;
		k->ino = ino;
		k->l4proto = l4proto;
		sk_parse_hexaddr(local, k->sip, iplen, &k->sport);
		sk_parse_hexaddr(remote, k->dip, iplen, &k->dport);
		if (l4proto == 2 && st == 0x0a) /* TCP_LISTEN */
			k->type = v6 ? SK_FD_IPV6_SERVSOCK : SK_FD_IPV4_SERVSOCK;
		else
			k->type = v6 ? SK_FD_IPV6_SOCK : SK_FD_IPV4_SOCK;
	}
}

static void sk_parse_unix(struct sk_scan *s, struct sk_netns *ns, const char *dir)
{
	char path[300], *line, *save = NULL;

	sk_join(path, sizeof(path), dir, "net/unix");
	if (sk_read_file(s, path) <= 0)
		return;
	line = strtok_r(s->buf, "\n", &save);
	while ((line = strtok_r(NULL, "\n", &save))) {
		unsigned long long ino;
		int off = 0;
		struct sk_sock_info *k;

		if (sscanf(line, "%*s %*s %*s %*s %*s %*s %llu%n", &ino, &off) != 1 || !(k = sk_sock_add(ns)))
			continue;
		k->ino = ino;
		k->type = SK_FD_UNIX_SOCK;
		while (line[off] == ' ')
			off++;
		snprintf(k->path, sizeof(k->path), "%s", line + off);
	}
}

/* The socket table of the network namespace of process dir (built once per namespace). */
static struct sk_netns *sk_netns_of(struct sk_scan *s, const char *dir)
{
	char path[300];
	struct stat st;
	struct sk_netns *ns;

	sk_join(path, sizeof(path), dir, "ns/net");
	if (stat(path, &st) != 0)
		st.st_ino = 0;
	for (size_t i = 0; i < s->nns; i++)
		if (s->ns[i].ino == st.st_ino)
			return &s->ns[i];
	if (s->nns == SK_SCAN_NETNS_MAX)
		return NULL;
	ns = &s->ns[s->nns++];
	ns->ino = st.st_ino;
	sk_parse_inet(s, ns, dir, "tcp", false, 2);
	sk_parse_inet(s, ns, dir, "tcp6", true, 2);
	sk_parse_inet(s, ns, dir, "udp", false, 3);
	sk_parse_inet(s, ns, dir, "udp6", true, 3);
	sk_parse_unix(s, ns, dir);
	qsort(ns->socks, ns->n, sizeof(*ns->socks), sk_sock_cmp);
	return ns;
}

static void sk_fill_socket(struct sk_scan *s, const char *pdir, uint64_t ino)
{
	struct sk_netns *ns = sk_netns_of(s, pdir);
	struct sk_sock_info key = {.ino = ino}, *k;
	struct sk_scap_fd *f = &s->fd;

	f->type = SK_FD_UNSUPPORTED;
	if (!ns || !(k = bsearch(&key, ns->socks, ns->n, sizeof(key), sk_sock_cmp)))
		return; /* netlink, packet, raw...: named but untyped */
	f->type = k->type;
	f->l4proto = k->l4proto;
	memcpy(f->sip, k->sip, 16);
	memcpy(f->dip, k->dip, 16);
	f->sport = k->sport;
	f->dport = k->dport;
	if (k->type == SK_FD_UNIX_SOCK)
		sk_set_str(&f->name, k->path, strlen(k->path));
}

/* Classify one fd from its link text and stat. */
static void sk_fill_fd(struct sk_scan *s, const char *pdir, int64_t pid, int64_t fdnum)
{
	struct sk_scap_fd *f = &s->fd;
	char path[300], link[SK_SCAP_PATH_MAX + 1];
	struct stat st;
	ssize_t n;

	memset(f, 0, sizeof(*f));
	f->tid = pid;
	f->fd = fdnum;
	snprintf(link, sizeof(link), "fd/%lld", (long long)fdnum);
	sk_join(path, sizeof(path), pdir, link);
	n = readlink(path, link, sizeof(link) - 1);
	link[n > 0 ? n : 0] = '\0';
	if (stat(path, &st) == 0)
		f->ino = st.st_ino;
	if (strncmp(link, "socket:[", 8) == 0) {
		sk_fill_socket(s, pdir, strtoull(link + 8, NULL, 10));
		return;
	}
	sk_set_str(&f->name, link, strlen(link));
	if (strncmp(link, "pipe:[", 6) == 0) {
		f->type = SK_FD_FIFO;
	} else if (strncmp(link, "anon_inode:", 11) == 0) {
		const char *k = link + 11;

		f->type = strstr(k, "eventfd")     ? SK_FD_EVENT
			  : strstr(k, "signalfd")  ? SK_FD_SIGNALFD
			  : strstr(k, "eventpoll") ? SK_FD_EVENTPOLL
			  : strstr(k, "inotify")   ? SK_FD_INOTIFY
			  : strstr(k, "timerfd")   ? SK_FD_TIMERFD
			  : strstr(k, "bpf")       ? SK_FD_BPF
			  : strstr(k, "userfaultfd") ? SK_FD_USERFAULTFD
			  : strstr(k, "io_uring")  ? SK_FD_IOURING
			  : strstr(k, "pidfd")     ? SK_FD_PIDFD
						   : SK_FD_UNSUPPORTED;
	} else if (strncmp(link, "/memfd:", 7) == 0) {
		f->type = SK_FD_MEMFD;
	} else if (link[0] == '/') {
		f->type = S_ISDIR(st.st_mode) ? SK_FD_DIRECTORY : SK_FD_FILE_V2;
		f->dev = (uint32_t)st.st_dev; /* glibc's st_dev is the new_encode_dev form */
		char sub[40];

		snprintf(sub, sizeof(sub), "fdinfo/%lld", (long long)fdnum);
		sk_join(path, sizeof(path), pdir, sub);
		if (sk_read_file(s, path) > 0)
			f->open_flags = sk_ppm_open_flags((uint32_t)sk_field_num(s->buf, "flags", 0, 8, 0));
	} else {
		f->type = SK_FD_UNSUPPORTED;
	}
}

static int sk_scan_fds(struct sk_scan *s, const char *pdir, int64_t pid)
{
	char path[300];
	DIR *d;
	struct dirent *de;
	int rc = 0;

	sk_join(path, sizeof(path), pdir, "fd");
	d = opendir(path);
	if (!d)
		return 0; /* gone, or a kernel thread */
	while (!rc && (de = readdir(d))) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		sk_fill_fd(s, pdir, pid, strtoll(de->d_name, NULL, 10));
		rc = s->cb->fd(s->cb->ctx, &s->fd);
	}
	closedir(d);
	return rc;
}

static int sk_scan_process(struct sk_scan *s, const char *pid_name)
{
	char pdir[300], tdir[600];
	DIR *d;
	struct dirent *de;
	int rc = 0;
	int64_t pid = strtoll(pid_name, NULL, 10);

	sk_join(pdir, sizeof(pdir), s->root, pid_name);
	sk_join(tdir, sizeof(tdir), pdir, "task");
	d = opendir(tdir);
	if (!d)
		return 0; /* exited meanwhile */
	while (!rc && (de = readdir(d))) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		char sub[300];

		snprintf(sub, sizeof(sub), "task/%s", de->d_name);
		sk_join(tdir, sizeof(tdir), pdir, sub);
		sk_fill_proc(s, pdir, tdir, strtoll(de->d_name, NULL, 10));
		rc = s->cb->proc(s->cb->ctx, &s->proc);
	}
	closedir(d);
	if (!rc && s->cb->fd)
		rc = sk_scan_fds(s, pdir, pid);
	return rc;
}

int sk_proc_scan(const char *proc_root, const struct sk_proc_scan_cb *cb, char *err, size_t errlen)
{
	struct sk_scan *s;
	DIR *d;
	struct dirent *de;
	int rc = 0;

	if (!cb || !cb->proc) {
		snprintf(err, errlen, "proc scan: no process callback");
		return -EINVAL;
	}
	d = opendir(proc_root);
	if (!d) {
		rc = -errno;
		snprintf(err, errlen, "%s: %s", proc_root, strerror(errno));
		return rc;
	}
	s = calloc(1, sizeof(*s));
	if (s)
		s->buf = malloc(SK_SCAN_FILE_MAX + 1);
	if (!s || !s->buf) {
		snprintf(err, errlen, "proc scan: out of memory");
		rc = -ENOMEM;
		goto out;
	}
	s->root = proc_root;
	s->cb = cb;
	while (!rc && (de = readdir(d)))
		if (isdigit((unsigned char)de->d_name[0]))
			rc = sk_scan_process(s, de->d_name);
out:
	if (s) {
		for (size_t i = 0; i < s->nns; i++)
			free(s->ns[i].socks);
		free(s->buf);
		free(s);
	}
	closedir(d);
	return rc;
}
