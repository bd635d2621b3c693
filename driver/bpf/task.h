/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Reading the current task, its files, sockets and paths with CO-RE reads,
 * and writing the composite parameters built from them (paths, sockaddrs,
 * tuples, the process block of clone/execve exits).
 */
#ifndef SAKER_BPF_TASK_H
#define SAKER_BPF_TASK_H

#include "store.h"

#define SK_S_IFMT 00170000
#define SK_S_IFSOCK 0140000
#define SK_RLIMIT_NOFILE 7
#define SK_TS_COMPAT 0x0002
#define SK_CAP_DAC_OVERRIDE 1
#define SK_AF_INET6_LEN 37
#define SK_PAGE_KB 4

/* Field names of older kernels, for CO-RE fallbacks. */
struct kernfs_node___old {
	struct kernfs_node *parent;
} __attribute__((preserve_access_index));
struct inode___old {
	struct timespec64 i_ctime;
	struct timespec64 i_mtime;
} __attribute__((preserve_access_index));

SK_INLINE struct task_struct *sk_task(void)
{
	return (struct task_struct *)bpf_get_current_task();
}

/*
 * Syscall argument i (0..5) from the saved user registers (a typed pt_regs
 * pointer); an ia32 syscall's are the low halves of bx, cx, dx, si, di, bp.
 */
SK_INLINE __u64 sk_arg(struct pt_regs *regs, int i, bool compat)
{
	if (compat) {
		switch (i) {
		case 0: return (__u32)regs->bx;
		case 1: return (__u32)regs->cx;
		case 2: return (__u32)regs->dx;
		case 3: return (__u32)regs->si;
		case 4: return (__u32)regs->di;
		default: return (__u32)regs->bp;
		}
	}
	switch (i) {
	case 0: return regs->di;
	case 1: return regs->si;
	case 2: return regs->dx;
	case 3: return regs->r10;
	case 4: return regs->r8;
	default: return regs->r9;
	}
}

/* A kernel pointer read from memory, typed for plain loads (read-only). */
extern void *bpf_rdonly_cast(const void *obj__ign, __u32 btf_id) __ksym;
#define SK_CAST(type, p) ((type *)bpf_rdonly_cast((p), bpf_core_type_id_kernel(type)))

/* The current task as the event's first program saw it (no helper call). */
SK_INLINE struct task_struct *sk_cur(struct sk_aux *a)
{
	return SK_CAST(struct task_struct, (void *)a->task);
}

/* The struct file behind fd of task t, or NULL. */
SK_INLINE struct file *sk_fd_file(struct task_struct *t, __s64 fd)
{
	struct fdtable *fdt = t->files->fdt;
	struct file **fds;
	struct file *f = NULL;

	if (fd < 0 || !fdt || fd >= fdt->max_fds)
		return NULL;
	fds = fdt->fd;
	/* a plain fault-safe load of the slot: list_head's first member is a pointer */
	f = (struct file *)SK_CAST(struct list_head, &fds[fd])->next;
	return f;
}

/* Userspace dev_t encoding (new_encode_dev) of a kernel dev_t. */
SK_INLINE __u32 sk_encode_dev(__u32 kdev)
{
	__u32 major = kdev >> 20, minor = kdev & 0xfffff;

	return (minor & 0xff) | (major << 8) | ((minor & ~0xffu) << 12);
}

SK_INLINE void sk_file_dev_ino(struct file *f, __u32 *dev, __u64 *ino)
{
	struct file *fb;
	struct inode *in;

	*dev = 0;
	*ino = 0;
	if (!f)
		return;
	fb = SK_CAST(struct file, f);
	in = fb->f_inode;
	*dev = sk_encode_dev(in->i_sb->s_dev);
	*ino = in->i_ino;
}

#define SK_OVERLAYFS_MAGIC 0x794c7630
enum sk_layer { SK_LAYER_NONE = 0, SK_LAYER_UPPER, SK_LAYER_LOWER };

/* Which overlayfs layer holds the file: the upper one when its overlay inode has an upper dentry. */
SK_INLINE enum sk_layer sk_file_layer(struct file *f)
{
	struct dentry *d, *upper = NULL;
	struct inode *in;

	if (!f)
		return SK_LAYER_NONE;
	d = SK_CAST(struct file, f)->f_path.dentry;
	if (!d || d->d_sb->s_magic != SK_OVERLAYFS_MAGIC)
		return SK_LAYER_NONE;
	in = d->d_inode;
	if (!in)
		return SK_LAYER_NONE;
	bpf_probe_read_kernel(&upper, sizeof(upper),
			      (void *)in - bpf_core_field_offset(struct ovl_inode, vfs_inode) +
				      bpf_core_field_offset(struct ovl_inode, __upperdentry));
	return upper && BPF_CORE_READ(upper, d_inode) ? SK_LAYER_UPPER : SK_LAYER_LOWER;
}

SK_INLINE struct sock *sk_fd_sock(struct task_struct *t, __s64 fd)
{
	struct file *f = sk_fd_file(t, fd);
	struct socket *s;

	if (!f || (BPF_CORE_READ(f, f_inode, i_mode) & SK_S_IFMT) != SK_S_IFSOCK)
		return NULL;
	s = BPF_CORE_READ(f, private_data);
	return s ? BPF_CORE_READ(s, sk) : NULL;
}

/* State of the dentry walk of sk_tmp_path (one bpf_loop step per component). */
struct sk_path_walk {
	struct sk_aux *a;
	struct dentry *d;
	struct mount *mnt;
	struct dentry *mnt_root;
	__u32 off;
};

static long sk_path_step(__u32 i, void *data)
{
	struct sk_path_walk *w = data;
	struct sk_aux *a = w->a;
	struct dentry *d = w->d;
	struct mount *mnt = w->mnt;
	struct dentry *parent = BPF_CORE_READ(d, d_parent);
	struct qstr q;
	__u32 len, off = w->off;

	if (d == w->mnt_root || d == parent) {
		struct mount *mp = BPF_CORE_READ(mnt, mnt_parent);

		if (d != w->mnt_root || mp == mnt)
			return 1;
		w->d = BPF_CORE_READ(mnt, mnt_mountpoint);
		w->mnt = mp;
		w->mnt_root = BPF_CORE_READ(mp, mnt.mnt_root);
		return 0;
	}
	q = BPF_CORE_READ(d, d_name);
	len = q.len;
	if (len > 255 || off < len + 1 || off >= SK_PROBE_PATH_CAP) {
		sk_count_truncated();
		return 1;
	}
	off -= len;
	bpf_probe_read_kernel(&a->tmp[SK_BOUND(off, SK_PROBE_PATH_CAP - 1)], SK_BOUND(len, 255), q.name);
	off--;
	a->tmp[SK_BOUND(off, SK_PROBE_PATH_CAP - 1)] = '/';
	w->off = off;
	w->d = parent;
	return 0;
}

/*
 * Assemble the absolute path of p backwards in a->tmp, ending at
 * tmp[SK_PROBE_PATH_CAP - 1] = NUL, crossing mount points; returns the
 * offset where it starts. Walks at most SK_PROBE_PATH_DEPTH components.
 */
SK_INLINE __u32 sk_tmp_path(struct sk_aux *a, const struct path *p)
{
	struct vfsmount *vm = BPF_CORE_READ(p, mnt);
	struct sk_path_walk w = {
		.a = a,
		.d = BPF_CORE_READ(p, dentry),
		.mnt = (void *)vm - bpf_core_field_offset(struct mount, mnt),
		.mnt_root = BPF_CORE_READ(vm, mnt_root),
		.off = SK_PROBE_PATH_CAP - 1,
	};

	a->tmp[SK_PROBE_PATH_CAP - 1] = 0;
	bpf_loop(SK_PROBE_PATH_DEPTH, sk_path_step, &w, 0);
	if (w.off >= SK_PROBE_PATH_CAP - 1) {
		w.off = SK_PROBE_PATH_CAP - 2;
		a->tmp[SK_PROBE_PATH_CAP - 2] = '/';
	}
	return w.off;
}

SK_INLINE void sk_put_kpath(struct sk_aux *a, const struct path *p)
{
	if (!p || !BPF_CORE_READ(p, dentry)) {
		sk_put_empty(a);
		return;
	}
	sk_put_tmp(a, sk_tmp_path(a, p));
}

/* PT_SOCKADDR from a user sockaddr of ulen bytes (scap-events.md 4.3). */
SK_INLINE void sk_put_user_sockaddr(struct sk_aux *a, const void *uaddr, __u64 ulen)
{
	__u8 raw[28] = {};
	__u8 out[19];
	__u16 family;
	__u8 *at;
	long n;

	if (!uaddr || ulen < 2 || sk_room(a, 128) < 128 ||
	    bpf_probe_read_user(raw, 2, uaddr)) {
		sk_put_empty(a);
		return;
	}
	__builtin_memcpy(&family, raw, 2);
	at = sk_at(a);
	if (family == 2 /* AF_INET */) {
		if (ulen < 8 || bpf_probe_read_user(raw, 8, uaddr))
			goto empty;
		out[0] = 2;
		__builtin_memcpy(&out[1], &raw[4], 4);
		*(__u16 *)&out[5] = bpf_ntohs(*(__u16 *)&raw[2]);
		__builtin_memcpy(at, out, 7);
		sk_param_done(a, 7);
	} else if (family == 10 /* AF_INET6 */) {
		if (ulen < 24 || bpf_probe_read_user(raw, 24, uaddr))
			goto empty;
		out[0] = 10;
		__builtin_memcpy(&out[1], &raw[8], 16);
		*(__u16 *)&out[17] = bpf_ntohs(*(__u16 *)&raw[2]);
		__builtin_memcpy(at, out, 19);
		sk_param_done(a, 19);
	} else if (family == 1 /* AF_UNIX */) {
		const char *path = (const char *)uaddr + 2;
		char first = 0;

		bpf_probe_read_user(&first, 1, path);
		if (first == 0 && ulen > 3)
			path++; /* abstract socket: drop the leading NUL */
		at[0] = 1;
		n = bpf_probe_read_user_str(&a->data[SK_BOUND((a->pos + 1), SK_PROBE_OFF_MASK)], 109, path);
		if (n <= 0) {
			a->data[SK_BOUND((a->pos + 1), SK_PROBE_OFF_MASK)] = 0;
			n = 1;
		}
		sk_param_done(a, 1 + (__u32)n);
	} else {
		at[0] = (__u8)family;
		sk_param_done(a, 1);
	}
	return;
empty:
	sk_put_empty(a);
}

/* An endpoint for a tuple override (e.g. sendto's destination). */
struct sk_endpoint {
	__u8 family;
	__u8 ip[16];
	__u16 port; /* host order */
};

SK_INLINE int sk_user_endpoint(const void *uaddr, __u64 ulen, struct sk_endpoint *ep)
{
	__u8 raw[24] = {};
	__u16 family;

	if (!uaddr || ulen < 8 || bpf_probe_read_user(raw, ulen >= 24 ? 24 : 8, uaddr))
		return -1;
	__builtin_memcpy(&family, raw, 2);
	ep->port = bpf_ntohs(*(__u16 *)&raw[2]);
	if (family == 2) {
		ep->family = 2;
		__builtin_memcpy(ep->ip, &raw[4], 4);
		return 0;
	}
	if (family == 10 && ulen >= 24) {
		ep->family = 10;
		__builtin_memcpy(ep->ip, &raw[8], 16);
		return 0;
	}
	return -1;
}

/*
 * PT_SOCKTUPLE of sk. local_first: the local end is "source" (connect,
 * send*); otherwise the remote end is (accept, recv*). remote, when given,
 * replaces the socket's peer (unconnected sendto/recvfrom).
 */
SK_INLINE void sk_put_tuple(struct sk_aux *a, struct sock *sk, bool local_first,
			    const struct sk_endpoint *remote)
{
	__u8 out[SK_AF_INET6_LEN];
	__u8 lip[16] = {}, rip[16] = {};
	__u16 lport, rport, family;
	__u8 *at;

	if (!sk || sk_room(a, 256) < 256) {
		sk_put_empty(a);
		return;
	}
	family = BPF_CORE_READ(sk, __sk_common.skc_family);
	at = sk_at(a);
	if (family == 1 /* AF_UNIX */) {
		struct unix_sock *us = (struct unix_sock *)sk;
		struct sock *peer = BPF_CORE_READ(us, peer);
		struct unix_address *ua = BPF_CORE_READ(us, addr);
		__u64 src = (__u64)sk, dst = (__u64)peer;
		char *path;
		long n;
		int alen;

		if (!ua && peer)
			ua = BPF_CORE_READ((struct unix_sock *)peer, addr);
		if (!local_first) {
			src = (__u64)peer;
			dst = (__u64)sk;
		}
		at[0] = 1;
		__builtin_memcpy(&at[1], &src, 8);
		__builtin_memcpy(&at[9], &dst, 8);
		n = 0;
		if (ua) {
			alen = BPF_CORE_READ(ua, len);
			path = (char *)ua + bpf_core_field_offset(struct unix_address, name) + 2;
			if (alen > 2) {
				char first = 0;

				bpf_probe_read_kernel(&first, 1, path);
				if (first == 0)
					path++;
				n = bpf_probe_read_kernel_str(&a->data[SK_BOUND((a->pos + 17), SK_PROBE_OFF_MASK)],
							      109, path);
			}
		}
		if (n <= 0) {
			a->data[SK_BOUND((a->pos + 17), SK_PROBE_OFF_MASK)] = 0;
			n = 1;
		}
		sk_param_done(a, 17 + (__u32)n);
		return;
	}
	if (family != 2 && family != 10) {
		sk_put_empty(a);
		return;
	}
	lport = BPF_CORE_READ(sk, __sk_common.skc_num);
	rport = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
	if (family == 2) {
		__u32 l = BPF_CORE_READ(sk, __sk_common.skc_rcv_saddr);
		__u32 r = BPF_CORE_READ(sk, __sk_common.skc_daddr);

		__builtin_memcpy(lip, &l, 4);
		__builtin_memcpy(rip, &r, 4);
	} else {
		BPF_CORE_READ_INTO(&lip, sk, __sk_common.skc_v6_rcv_saddr);
		BPF_CORE_READ_INTO(&rip, sk, __sk_common.skc_v6_daddr);
	}
	if (remote && remote->family == family) {
		__builtin_memcpy(rip, remote->ip, 16);
		rport = remote->port;
	}
	out[0] = (__u8)family;
	if (family == 2) {
		__builtin_memcpy(&out[1], local_first ? lip : rip, 4);
		*(__u16 *)&out[5] = local_first ? lport : rport;
		__builtin_memcpy(&out[7], local_first ? rip : lip, 4);
		*(__u16 *)&out[11] = local_first ? rport : lport;
		__builtin_memcpy(at, out, 13);
		sk_param_done(a, 13);
	} else {
		__builtin_memcpy(&out[1], local_first ? lip : rip, 16);
		*(__u16 *)&out[17] = local_first ? lport : rport;
		__builtin_memcpy(&out[19], local_first ? rip : lip, 16);
		*(__u16 *)&out[35] = local_first ? rport : lport;
		__builtin_memcpy(at, out, 37);
		sk_param_done(a, 37);
	}
}

/* pid number of struct pid at its deepest namespace level (the owner's view). */
SK_INLINE __s64 sk_pid_vnr(struct pid *pid)
{
	unsigned int level;

	if (!pid)
		return 0;
	level = BPF_CORE_READ(pid, level);
	return BPF_CORE_READ(pid, numbers[level & 31].nr);
}

SK_INLINE __s64 sk_pid_host(struct pid *pid)
{
	return pid ? BPF_CORE_READ(pid, numbers[0].nr) : 0;
}

/* exe (argv[0]) and args (argv[1..]) from the current mm. */
SK_INLINE void sk_put_exe_args(struct sk_aux *a, struct mm_struct *mm)
{
	__u64 start = BPF_CORE_READ(mm, arg_start), end = BPF_CORE_READ(mm, arg_end);
	__u32 before;

	if (!mm || end <= start) {
		sk_put_empty(a);
		sk_put_empty(a);
		return;
	}
	before = a->pos;
	sk_put_user_str(a, (const void *)start, SK_PROBE_PATH_CAP);
	sk_put_user_buf(a, (const void *)(start + (a->pos - before)), end - start - (a->pos - before),
			SK_PROBE_ARGS_CAP);
}

/* vm_size, vm_rss, vm_swap in KiB. */
SK_INLINE void sk_put_vm(struct sk_aux *a, struct mm_struct *mm)
{
	__s64 file = 0, anon = 0, swap = 0, shmem = 0;

	if (!mm) {
		sk_put_u32(a, 0);
		sk_put_u32(a, 0);
		sk_put_u32(a, 0);
		return;
	}
	file = BPF_CORE_READ(mm, rss_stat[0].count);
	anon = BPF_CORE_READ(mm, rss_stat[1].count);
	swap = BPF_CORE_READ(mm, rss_stat[2].count);
	shmem = BPF_CORE_READ(mm, rss_stat[3].count);
	sk_put_u32(a, BPF_CORE_READ(mm, total_vm) * SK_PAGE_KB);
	sk_put_u32(a, (file + anon + shmem > 0 ? file + anon + shmem : 0) * SK_PAGE_KB);
	sk_put_u32(a, (swap > 0 ? swap : 0) * SK_PAGE_KB);
}

/*
 * Params 1..13 shared by clone and execve exits: exe, args, tid, pid, ptid,
 * cwd, fdlimit, pgft_maj, pgft_min, vm_size, vm_rss, vm_swap, comm.
 */
SK_INLINE void sk_put_proc_block(struct sk_aux *a, struct task_struct *t)
{
	struct mm_struct *mm = BPF_CORE_READ(t, mm);
	struct fs_struct *fs = BPF_CORE_READ(t, fs);

	sk_put_exe_args(a, mm);
	sk_put_s64(a, BPF_CORE_READ(t, pid));
	sk_put_s64(a, BPF_CORE_READ(t, tgid));
	sk_put_s64(a, BPF_CORE_READ(t, real_parent, pid)); /* the parent thread, as Falco */
	if (fs)
		sk_put_kpath(a, &fs->pwd);
	else
		sk_put_empty(a);
	sk_put_s64(a, BPF_CORE_READ(t, signal, rlim[SK_RLIMIT_NOFILE].rlim_cur));
	sk_put_u64(a, BPF_CORE_READ(t, maj_flt));
	sk_put_u64(a, BPF_CORE_READ(t, min_flt));
	sk_put_vm(a, mm);
	sk_put_kernel_str(a, &t->comm, sizeof(t->comm));
}

SK_INLINE struct kernfs_node *sk_kn_parent(struct kernfs_node *kn)
{
	if (bpf_core_field_exists(kn->__parent))
		return BPF_CORE_READ(kn, __parent);
	return BPF_CORE_READ((struct kernfs_node___old *)kn, parent);
}

/* State of the kernfs walk of one cgroup path. */
struct sk_kn_walk {
	struct sk_aux *a;
	struct kernfs_node *kn;
	__u32 off;
};

static long sk_kn_step(__u32 i, void *data)
{
	struct sk_kn_walk *w = data;
	struct sk_aux *a = w->a;
	struct kernfs_node *kn = w->kn, *parent;
	__u32 len, off = w->off;
	long n;

	if (!kn)
		return 1;
	parent = sk_kn_parent(kn);
	if (!parent)
		return 1;
	n = bpf_probe_read_kernel_str(&a->tmp[SK_PROBE_PATH_CAP], 256, BPF_CORE_READ(kn, name));
	if (n <= 1)
		return 1;
	len = (__u32)n - 1;
	if (off < len + 1 || off >= SK_PROBE_PATH_CAP)
		return 1;
	off -= len;
	bpf_probe_read_kernel(&a->tmp[SK_BOUND(off, SK_PROBE_PATH_CAP - 1)], SK_BOUND(len, 255),
			      &a->tmp[SK_PROBE_PATH_CAP]);
	off--;
	a->tmp[SK_BOUND(off, SK_PROBE_PATH_CAP - 1)] = '/';
	w->off = off;
	w->kn = parent;
	return 0;
}

/* State of the walk over the task's cgroup subsystems. */
struct sk_cg_walk {
	struct sk_aux *a;
	struct css_set *cs;
	__u32 start;
	__u32 total;
};

/* Append "subsys=path\0" for subsystem i; stop (1) when the list is full. */
static long sk_cg_step(__u32 i, void *data)
{
	struct sk_cg_walk *c = data;
	struct sk_aux *a = c->a;
	struct css_set *cs = c->cs;
	struct cgroup_subsys_state *css = BPF_CORE_READ(cs, subsys[i & 15]);
	struct sk_kn_walk w = { .a = a, .off = SK_PROBE_PATH_CAP - 1 };
	__u32 len, name_len, at;
	long n;

	if (!css)
		return 0;
	w.kn = BPF_CORE_READ(css, cgroup, kn);
	at = c->start + c->total;
	if (c->total + 32 + SK_PROBE_PATH_CAP > SK_PROBE_CGROUPS_CAP + SK_PROBE_PATH_CAP ||
	    at + 32 >= SK_EVT_MAX_LEN)
		return 1;
	n = bpf_probe_read_kernel_str(&a->data[SK_BOUND(at, SK_PROBE_OFF_MASK)], 32, BPF_CORE_READ(css, ss, name));
	if (n <= 0)
		return 0;
	name_len = (__u32)n;
	a->data[SK_BOUND((at + name_len - 1), SK_PROBE_OFF_MASK)] = '=';
	a->tmp[SK_PROBE_PATH_CAP - 1] = 0;
	bpf_loop(SK_PROBE_CGROUP_DEPTH, sk_kn_step, &w, 0);
	if (w.off >= SK_PROBE_PATH_CAP - 1) {
		w.off = SK_PROBE_PATH_CAP - 2;
		a->tmp[SK_PROBE_PATH_CAP - 2] = '/';
	}
	len = SK_PROBE_PATH_CAP - w.off;
	if (c->total + name_len + len > SK_PROBE_CGROUPS_CAP ||
	    at + name_len + len >= SK_EVT_MAX_LEN) {
		sk_count_truncated();
		return 1;
	}
	bpf_probe_read_kernel(&a->data[SK_BOUND((at + name_len), SK_PROBE_OFF_MASK)],
			      SK_BOUND(len, SK_PROBE_PATH_CAP * 2 - 1), &a->tmp[SK_BOUND(w.off, SK_PROBE_PATH_CAP - 1)]);
	c->total += name_len + len;
	return 0;
}

/* The cgroups list: "subsys=path\0" for each subsystem of the task. */
SK_INLINE void sk_put_cgroups(struct sk_aux *a, struct task_struct *t)
{
	struct sk_cg_walk c = { .a = a, .cs = BPF_CORE_READ(t, cgroups), .start = a->pos };

	if (!c.cs || a->pos >= SK_EVT_MAX_LEN) {
		sk_put_empty(a);
		return;
	}
	bpf_loop(SK_PROBE_CGROUP_SUBSYS, sk_cg_step, &c, 0);
	sk_param_done(a, c.total);
}

/* The current task's pid namespace level > 0: it lives in a child pid namespace. */
SK_INLINE bool sk_in_child_pidns(struct task_struct *t)
{
	return BPF_CORE_READ(t, thread_pid, level) > 0;
}

#endif
