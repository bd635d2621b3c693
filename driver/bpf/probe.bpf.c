// SPDX-License-Identifier: GPL-2.0-only
/*
 * Saker's live probe: raw tracepoints on sys_exit and the sched process
 * tracepoints, writing events in the scap layout (events.def) to one BPF
 * ring buffer per CPU.
 *
 * sys_exit dispatcher: syscall number -> interest table (user space) ->
 * own-process check -> tail call of the syscall's filler, or the generic
 * event when the syscall has no filler. Every filler has the same shape:
 * begin, one sk_put_* per parameter in table order, submit. Arguments are
 * taken at exit from the saved registers (one hook per syscall).
 *
 * The two most frequent events, openat and close, are written by the
 * dispatcher itself with fixed offsets (no tail call, no per-parameter
 * bookkeeping); the loader counts them as covered (SK_NR_CLOSE/OPENAT).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>

#include "task.h"
#include "ppm_flags.h"

char LICENSE[] SEC("license") = "GPL";

/* x86-64 numbers the exec hook needs to know. */
#define SK_NSEC_MASK ((1u << 30) - 1)

/*
 * The saved user registers of a sys_exit program (the tracepoint's first
 * argument), typed for plain loads without a helper call.
 */
#define sk_exit_regs(ctx) SK_CAST(struct pt_regs, (void *)(ctx)->args[0])

#define SK_FILLER(name) SEC("raw_tp") int sk_x_##name(struct bpf_raw_tracepoint_args *ctx)
#define SK_PROLOGUE                                                                        \
	struct sk_aux *a = sk_aux_get();                                                   \
	struct pt_regs *regs = sk_exit_regs(ctx);                                          \
	__s64 ret = (__s64)ctx->args[1];                                                   \
	(void)regs;                                                                        \
	if (!a)                                                                            \
		return 0;                                                                  \
	a->ret = ret;
#define ARG(i) sk_arg(regs, (i), a->compat)
/* A 64-bit argument (a file offset): two registers, low half first, for a 32-bit caller. */
#define ARG64(i) (a->compat ? ARG(i) | ARG((i) + 1) << 32 : ARG(i))
#define UPTR(i) ((const void *)ARG(i))
#define SFD(i) ((__s64)(__s32)ARG(i))

/* close: fixed size, built in place in the ring buffer (see the dispatcher). */
struct sk_close_evt {
	struct sk_evt_hdr hdr;
	__u16 lens[SK_NPARAMS_CLOSE_X];
	__s64 res;
	__s64 fd;
} __attribute__((packed, aligned(2)));
_Static_assert(SK_NPARAMS_CLOSE_X == 2 && !(SK_EFLAGS_CLOSE_X & SK_EF_LARGE_PAYLOAD),
	       "sk_close_evt follows CLOSE_X in events.def");

SK_INLINE int sk_close_event(struct bpf_raw_tracepoint_args *ctx, __u32 tid, bool compat)
{
	struct pt_regs *regs = sk_exit_regs(ctx);
	struct sk_close_evt *e = sk_fixed_reserve(sizeof(*e));

	if (!e)
		return 0;
	sk_st16(&e->lens[0], sizeof(e->res));
	sk_st16(&e->lens[1], sizeof(e->fd));
	sk_st64(&e->res, ctx->args[1]);
	sk_st64(&e->fd, (__s64)(__s32)sk_arg(regs, 0, compat));
	return sk_fixed_submit(e, tid, SK_EVT_CLOSE_X, sizeof(*e), SK_NPARAMS_CLOSE_X);
}

/* procexit for every exiting thread (tid = the exiting thread). */
SEC("raw_tp/sched_process_exit")
int sk_sched_exit(struct bpf_raw_tracepoint_args *ctx)
{
	struct task_struct *t = (struct task_struct *)ctx->args[0];
	struct sk_aux *a;
	__s64 reaper = 0;
	__s32 code;

	if (!sk_procexit_on || (bpf_get_current_pid_tgid() >> 32) == sk_own_tgid)
		return 0;
	a = sk_aux_get();
	if (!a)
		return 0;
	a->task = (__u64)bpf_get_current_task_btf();
	a->tid = (__u32)bpf_get_current_pid_tgid();
	code = BPF_CORE_READ(t, exit_code);
	if (BPF_CORE_READ(t, children.next) != &t->children) {
		/* Children go to a live thread of the group, else the namespace's reaper. */
		if (BPF_CORE_READ(t, signal, live.counter) > 0)
			reaper = BPF_CORE_READ(t, group_leader, pid);
		else
			reaper = BPF_CORE_READ(t, thread_pid, numbers[0].ns, child_reaper, pid);
		if (reaper == BPF_CORE_READ(t, pid))
			reaper = 0;
	}
	SK_BEGIN(a, PROCEXIT_E);
	sk_put_s64(a, code);
	sk_put_s64(a, (code >> 8) & 0xff);
	sk_put_u8(a, code & 0x7f);
	sk_put_u8(a, (code & 0x80) ? 1 : 0);
	sk_put_s64(a, reaper);
	return sk_submit(a);
}

/* Keep bprm->filename for the execve exit (the old memory is gone by then). */
SEC("raw_tp/sched_process_exec")
int sk_sched_exec(struct bpf_raw_tracepoint_args *ctx)
{
	struct linux_binprm *bprm = (struct linux_binprm *)ctx->args[2];
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct sk_aux *a;

	if (!sk_interesting[SK_NR_EXECVE] && !sk_interesting[SK_NR_EXECVEAT])
		return 0;
	if ((bpf_get_current_pid_tgid() >> 32) == sk_own_tgid)
		return 0;
	a = sk_aux_get();
	if (!a)
		return 0;
	/* stage in tmp: map values cannot be the destination of a helper directly */
	if (bpf_probe_read_kernel_str(a->tmp, SK_PROBE_PATH_CAP, BPF_CORE_READ(bprm, filename)) <= 0)
		return 0;
	/*
	 * A successful execveat reaches sys_exit as execve (the saved syscall
	 * number already reads execve here). execveat with a directory fd or
	 * AT_EMPTY_PATH (fexecve) names the file "/dev/fd/N[/path]": remember it.
	 */
	a->tmp[SK_PROBE_PATH_CAP] = a->tmp[0] == '/' && a->tmp[1] == 'd' && a->tmp[2] == 'e' &&
				    a->tmp[3] == 'v' && a->tmp[4] == '/' && a->tmp[5] == 'f' &&
				    a->tmp[6] == 'd' && a->tmp[7] == '/';
	bpf_map_update_elem(&sk_exec_names, &tid, a->tmp, BPF_ANY);
	return 0;
}

/* ---- files ---- */

/* What an open's exit reports about the new fd: created or not, dev, ino. */
struct sk_new_file {
	__u32 created; /* SK_PPM_O_F_CREATED or 0 */
	__u32 layer;   /* enum sk_layer */
	__u32 dev;
	__u64 ino;
};

SK_INLINE void sk_new_file(struct task_struct *t, __s64 fd, struct sk_new_file *nf)
{
	struct file *f = sk_fd_file(t, fd);

	nf->created = (f && (SK_CAST(struct file, f)->f_mode & SK_K_FMODE_CREATED)) ? SK_PPM_O_F_CREATED : 0;
	nf->layer = sk_file_layer(f);
	sk_file_dev_ino(f, &nf->dev, &nf->ino);
}

/* The open flags' overlayfs bits: FD_UPPER_LAYER 0x8000, FD_LOWER_LAYER 0x10000. */
SK_INLINE __u32 sk_layer_open_flags(const struct sk_new_file *nf)
{
	return nf->layer == SK_LAYER_UPPER ? 0x8000 : nf->layer == SK_LAYER_LOWER ? 0x10000 : 0;
}

SK_FILLER(open)
{
	SK_PROLOGUE
	__u32 flags = ARG(1);
	struct sk_new_file nf;

	sk_new_file(sk_cur(a), ret, &nf);
	SK_BEGIN(a, OPEN_X);
	sk_put_s64(a, ret);
	sk_put_user_str(a, UPTR(0), SK_PROBE_PATH_CAP);
	sk_put_u32(a, sk_ppm_open_flags(flags) | nf.created | sk_layer_open_flags(&nf));
	sk_put_u32(a, sk_ppm_open_mode(flags, ARG(2)));
	sk_put_u32(a, nf.dev);
	sk_put_u64(a, nf.ino);
	return sk_submit(a);
}

SK_FILLER(creat)
{
	SK_PROLOGUE
	struct sk_new_file nf;

	sk_new_file(sk_cur(a), ret, &nf);
	SK_BEGIN(a, CREAT_X);
	sk_put_s64(a, ret);
	sk_put_user_str(a, UPTR(0), SK_PROBE_PATH_CAP);
	sk_put_u32(a, ARG(1) & 07777);
	sk_put_u32(a, nf.dev);
	sk_put_u64(a, nf.ino);
	/* creat_flags: FD_UPPER_LAYER_CREAT 1, FD_LOWER_LAYER_CREAT 2 */
	sk_put_u16(a, nf.layer == SK_LAYER_UPPER ? 1 : nf.layer == SK_LAYER_LOWER ? 2 : 0);
	return sk_submit(a);
}

/*
 * openat (see the dispatcher), written with fixed offsets around its one
 * variable-size parameter: OPENAT_X = fd, dirfd | name | flags, mode, dev, ino.
 */
struct sk_openat_head {
	struct sk_evt_hdr hdr;
	__u16 lens[SK_NPARAMS_OPENAT_X];
	__s64 fd;
	__s64 dirfd;
} __attribute__((packed));
struct sk_openat_tail {
	__u32 flags;
	__u32 mode;
	__u32 dev;
	__u64 ino;
} __attribute__((packed));
_Static_assert(SK_NPARAMS_OPENAT_X == 7 && !(SK_EFLAGS_OPENAT_X & SK_EF_LARGE_PAYLOAD),
	       "sk_openat_head/tail follow OPENAT_X in events.def");

SK_INLINE int sk_openat_event(struct bpf_raw_tracepoint_args *ctx, struct sk_aux *a)
{
	struct pt_regs *regs = sk_exit_regs(ctx);
	__s64 ret = (__s64)ctx->args[1];
	struct sk_openat_head *h = (struct sk_openat_head *)a->data;
	struct sk_openat_tail *tl;
	__u32 flags = ARG(2), n;
	struct sk_new_file nf;
	long r;

	r = bpf_probe_read_user_str(a->data + sizeof(*h), SK_PROBE_PATH_CAP, UPTR(1));
	n = r > 0 ? (__u32)r : 0;
	tl = (struct sk_openat_tail *)(a->data + sizeof(*h) + SK_BOUND(n, 2 * SK_PROBE_PATH_CAP - 1));
	sk_new_file(sk_cur(a), ret, &nf);
	sk_st64(&h->fd, ret);
	sk_st64(&h->dirfd, SFD(0));
	sk_st32(&tl->flags, sk_ppm_open_flags(flags) | nf.created | sk_layer_open_flags(&nf));
	sk_st32(&tl->mode, sk_ppm_open_mode(flags, ARG(3)));
	sk_st32(&tl->dev, nf.dev);
	sk_st64(&tl->ino, nf.ino);
	sk_st16(&h->lens[0], sizeof(h->fd));
	sk_st16(&h->lens[1], sizeof(h->dirfd));
	sk_st16(&h->lens[2], n);
	sk_st16(&h->lens[3], sizeof(tl->flags));
	sk_st16(&h->lens[4], sizeof(tl->mode));
	sk_st16(&h->lens[5], sizeof(tl->dev));
	sk_st16(&h->lens[6], sizeof(tl->ino));
	a->type = SK_EVT_OPENAT_X;
	a->idx = SK_NPARAMS_OPENAT_X;
	a->pos = sizeof(*h) + n + sizeof(*tl);
	return sk_submit(a);
}

/* The dispatcher (see the top of the file). */
SEC("raw_tp/sys_exit")
int sk_sys_exit(struct bpf_raw_tracepoint_args *ctx)
{
	/*
	 * The hot path: every syscall of the machine runs this far. The saved
	 * registers are the tracepoint's first argument, read with plain loads;
	 * the interest table is checked before any helper call.
	 */
	__u64 id = sk_exit_regs(ctx)->orig_ax;
	struct task_struct *t;
	struct sk_aux *a;
	bool compat;

	if (id >= SK_PROBE_SYSCALL_MAX)
		return 0;
	if (!sk_interesting[id] && !sk_interesting_ia32[id] &&
	    !(id == SK_NR_EXECVE && sk_interesting[SK_NR_EXECVEAT]))
		return 0;
	t = bpf_get_current_task_btf();
	if (t->tgid == sk_own_tgid)
		return 0;
	/* a 32-bit syscall (int $0x80, 32-bit process): its event is the x86-64 syscall's */
	compat = t->thread_info.status & SK_TS_COMPAT;
	if (compat) {
		if (!sk_interesting_ia32[id])
			return 0;
		id = sk_ia32_to_x64[id] & (SK_PROBE_SYSCALL_MAX - 1);
	} else if (!sk_interesting[id] && !(id == SK_NR_EXECVE && sk_interesting[SK_NR_EXECVEAT])) {
		return 0;
	}
	if (id == SK_NR_CLOSE)
		return sk_close_event(ctx, t->pid, compat);
	a = sk_aux_get();
	if (!a)
		return 0;
	/* the fillers take the task from here: one helper call per event */
	a->task = (__u64)t;
	a->tid = t->pid;
	a->compat = compat;
	if (id == SK_NR_OPENAT)
		return sk_openat_event(ctx, a);
	bpf_tail_call(ctx, &sk_fillers, (__u32)id);
	/* No filler: the generic event. */
	SK_BEGIN(a, SYSCALL_X);
	sk_put_u16(a, sk_ppm_sc[id & (SK_PROBE_SYSCALL_MAX - 1)]);
	sk_put_u16(a, (__u16)id);
	return sk_submit(a);
}

SK_FILLER(openat2)
{
	SK_PROLOGUE
	struct { __u64 flags, mode, resolve; } how = {};
	struct sk_new_file nf;

	bpf_probe_read_user(&how, sizeof(how), UPTR(2));
	sk_new_file(sk_cur(a), ret, &nf);
	SK_BEGIN(a, OPENAT2_X);
	sk_put_s64(a, ret);
	sk_put_s64(a, SFD(0));
	sk_put_user_str(a, UPTR(1), SK_PROBE_PATH_CAP);
	sk_put_u32(a, sk_ppm_open_flags(how.flags) | nf.created | sk_layer_open_flags(&nf));
	sk_put_u32(a, sk_ppm_open_mode(how.flags, how.mode));
	sk_put_u32(a, sk_ppm_resolve_flags(how.resolve));
	sk_put_u32(a, nf.dev);
	sk_put_u64(a, nf.ino);
	return sk_submit(a);
}

SK_FILLER(open_by_handle_at)
{
	SK_PROLOGUE
	struct sk_new_file nf;
	struct file *f = sk_fd_file(sk_cur(a), ret);

	sk_new_file(sk_cur(a), ret, &nf);
	SK_BEGIN(a, OPEN_BY_HANDLE_AT_X);
	sk_put_s64(a, ret);
	sk_put_s64(a, SFD(0));
	sk_put_u32(a, sk_ppm_open_flags(ARG(2)) | sk_layer_open_flags(&nf));
	/* no path argument: the kernel path of the opened file */
	if (f)
		sk_put_kpath(a, &SK_CAST(struct file, f)->f_path);
	else
		sk_put_empty(a);
	sk_put_u32(a, nf.dev);
	sk_put_u64(a, nf.ino);
	return sk_submit(a);
}

/*
 * read/write family data: the first snaplen bytes transferred. A failed
 * write still shows what it tried to write (size); a failed read shows nothing.
 */
SK_INLINE void sk_put_io_data_dir(struct sk_aux *a, const void *buf, __s64 ret, __u64 size, bool out)
{
	__u64 n = ret > 0 ? (__u64)ret : out ? size : 0;

	if (n > size)
		n = size;
	if (n > sk_snaplen)
		n = sk_snaplen;
	sk_put_user_buf(a, buf, n, SK_PROBE_SNAPLEN_MAX);
}
#define sk_put_io_data(a, buf, ret, size) sk_put_io_data_dir((a), (buf), (ret), (size), false)
#define sk_put_io_out(a, buf, ret, size) sk_put_io_data_dir((a), (buf), (ret), (size), true)

SK_FILLER(read)
{
	SK_PROLOGUE
	SK_BEGIN(a, READ_X);
	sk_put_s64(a, ret);
	sk_put_io_data(a, UPTR(1), ret, ARG(2));
	sk_put_s64(a, SFD(0));
	sk_put_u32(a, ARG(2));
	return sk_submit(a);
}

SK_FILLER(write)
{
	SK_PROLOGUE
	SK_BEGIN(a, WRITE_X);
	sk_put_s64(a, ret);
	sk_put_io_out(a, UPTR(1), ret, ARG(2));
	sk_put_s64(a, SFD(0));
	sk_put_u32(a, ARG(2));
	return sk_submit(a);
}

SK_FILLER(pread64)
{
	SK_PROLOGUE
	SK_BEGIN(a, PREAD_X);
	sk_put_s64(a, ret);
	sk_put_io_data(a, UPTR(1), ret, ARG(2));
	sk_put_s64(a, SFD(0));
	sk_put_u32(a, ARG(2));
	sk_put_u64(a, ARG64(3));
	return sk_submit(a);
}

SK_FILLER(pwrite64)
{
	SK_PROLOGUE
	SK_BEGIN(a, PWRITE_X);
	sk_put_s64(a, ret);
	sk_put_io_out(a, UPTR(1), ret, ARG(2));
	sk_put_s64(a, SFD(0));
	sk_put_u32(a, ARG(2));
	sk_put_u64(a, ARG64(3));
	return sk_submit(a);
}

/* First iovec's buffer and length, and the total of up to 8 iovecs. */
SK_INLINE __u64 sk_iov(const void *uiov, __u64 count, bool compat, __u64 *buf0, __u64 *len0)
{
	__u64 total = 0;

	*buf0 = 0;
	*len0 = 0;
	for (int i = 0; i < 8; i++) {
		__u64 iov[2];
		__u32 iov32[2];

		if (i >= count)
			break;
		if (compat) { /* struct compat_iovec: two u32 */
			if (bpf_probe_read_user(iov32, sizeof(iov32), uiov + i * 8))
				break;
			iov[0] = iov32[0];
			iov[1] = iov32[1];
		} else if (bpf_probe_read_user(iov, sizeof(iov), uiov + i * 16)) {
			break;
		}
		if (i == 0) {
			*buf0 = iov[0];
			*len0 = iov[1];
		}
		total += iov[1];
	}
	return total;
}

SK_INLINE int sk_readv_common(struct sk_aux *a, struct pt_regs *regs, __s64 ret, bool pos)
{
	__u64 buf0, len0, size = sk_iov(UPTR(1), ARG(2), a->compat, &buf0, &len0);

	sk_put_s64(a, ret);
	sk_put_u32(a, size);
	sk_put_io_data(a, (void *)buf0, ret, len0);
	sk_put_s64(a, SFD(0));
	if (pos)
		sk_put_u64(a, ARG64(3));
	return sk_submit(a);
}

SK_INLINE int sk_writev_common(struct sk_aux *a, struct pt_regs *regs, __s64 ret, bool pos)
{
	__u64 buf0, len0, size = sk_iov(UPTR(1), ARG(2), a->compat, &buf0, &len0);

	sk_put_s64(a, ret);
	sk_put_io_out(a, (void *)buf0, ret, len0);
	sk_put_s64(a, SFD(0));
	sk_put_u32(a, size);
	if (pos)
		sk_put_u64(a, ARG64(3));
	return sk_submit(a);
}

SK_FILLER(readv)
{
	SK_PROLOGUE
	SK_BEGIN(a, READV_X);
	return sk_readv_common(a, regs, ret, false);
}

SK_FILLER(preadv)
{
	SK_PROLOGUE
	SK_BEGIN(a, PREADV_X);
	return sk_readv_common(a, regs, ret, true);
}

SK_FILLER(writev)
{
	SK_PROLOGUE
	SK_BEGIN(a, WRITEV_X);
	return sk_writev_common(a, regs, ret, false);
}

SK_FILLER(pwritev)
{
	SK_PROLOGUE
	SK_BEGIN(a, PWRITEV_X);
	return sk_writev_common(a, regs, ret, true);
}

/* ---- sockets ---- */

SK_FILLER(socket)
{
	SK_PROLOGUE
	SK_BEGIN(a, SOCKET_X);
	sk_put_s64(a, ret);
	sk_put_u32(a, ARG(0));
	sk_put_u32(a, ARG(1));
	sk_put_u32(a, ARG(2));
	sk_put_u32(a, sk_ppm_fd_flags(ARG(1)));
	return sk_submit(a);
}

/*
 * setsockopt/getsockopt val (PT_DYN, sockopt_dynamic_param): the selector
 * byte, then the value as its kind says; raw bytes (up to snaplen) for the
 * rest and for values that cannot be read.
 */
SK_INLINE void sk_put_sockopt_val(struct sk_aux *a, __u32 level, __u32 name, const void *uval,
				  __u32 len, bool readable)
{
	enum sk_sockopt_kind kind = sk_ppm_sockopt_kind(level, name);
	struct { __s64 sec, usec; } tv = {};
	__u32 room = sk_room(a, 1 + SK_PROBE_SNAPLEN_MAX);
	__u64 v = 0;
	__u32 n;
	__u8 *at;

	if (room < 1 + sizeof(v)) {
		sk_put_empty(a);
		return;
	}
	at = sk_at(a);
	if (!readable || !uval)
		kind = SK_SOCKOPT_BYTEBUF, len = 0;
	if (kind == SK_SOCKOPT_RELTIME &&
	    (len < sizeof(tv) || bpf_probe_read_user(&tv, sizeof(tv), uval)))
		kind = SK_SOCKOPT_BYTEBUF;
	else if ((kind == SK_SOCKOPT_ERRNO || kind == SK_SOCKOPT_UINT32) &&
		 (len < 4 || bpf_probe_read_user(&v, 4, uval)))
		kind = SK_SOCKOPT_BYTEBUF;
	else if (kind == SK_SOCKOPT_UINT64 && (len < 8 || bpf_probe_read_user(&v, 8, uval)))
		kind = SK_SOCKOPT_BYTEBUF;
	sk_st8(at, kind);
	switch (kind) {
	case SK_SOCKOPT_ERRNO:
		sk_st64(at + 1, (__u64)-(__s64)(__s32)v);
		sk_param_done(a, 1 + 8);
		return;
	case SK_SOCKOPT_UINT32:
		sk_st32(at + 1, (__u32)v);
		sk_param_done(a, 1 + 4);
		return;
	case SK_SOCKOPT_UINT64:
		sk_st64(at + 1, v);
		sk_param_done(a, 1 + 8);
		return;
	case SK_SOCKOPT_RELTIME:
		sk_st64(at + 1, (__u64)tv.sec * 1000000000ull + (__u64)tv.usec * 1000ull);
		sk_param_done(a, 1 + 8);
		return;
	default:
		break;
	}
	n = len < sk_snaplen ? len : sk_snaplen;
	if (n > room - 1)
		n = room - 1;
	if (n && bpf_probe_read_user(at + 1, SK_BOUND(n, SK_PROBE_OFF_MASK), uval))
		n = 0;
	sk_param_done(a, 1 + n);
}

SK_FILLER(setsockopt)
{
	SK_PROLOGUE
	__u32 level = ARG(1), name = ARG(2), len = ARG(4);

	SK_BEGIN(a, SETSOCKOPT_X);
	sk_put_s64(a, ret);
	sk_put_s64(a, SFD(0));
	sk_put_u8(a, sk_ppm_sockopt_level(level));
	sk_put_u8(a, sk_ppm_sockopt_name(level, name));
	sk_put_sockopt_val(a, level, name, UPTR(3), len, true);
	sk_put_u32(a, len);
	return sk_submit(a);
}

/* getsockopt: the value the kernel wrote back, with the length it set. */
SK_FILLER(getsockopt)
{
	SK_PROLOGUE
	__u32 level = ARG(1), name = ARG(2);
	__s32 len = 0;

	if (!UPTR(4) || bpf_probe_read_user(&len, sizeof(len), UPTR(4)) || len < 0)
		len = 0;
	SK_BEGIN(a, GETSOCKOPT_X);
	sk_put_s64(a, ret);
	sk_put_s64(a, SFD(0));
	sk_put_u8(a, sk_ppm_sockopt_level(level));
	sk_put_u8(a, sk_ppm_sockopt_name(level, name));
	sk_put_sockopt_val(a, level, name, UPTR(3), (__u32)len, ret == 0);
	sk_put_u32(a, (__u32)len);
	return sk_submit(a);
}

SK_FILLER(bind)
{
	SK_PROLOGUE
	SK_BEGIN(a, BIND_X);
	sk_put_s64(a, ret);
	sk_put_user_sockaddr(a, UPTR(1), ARG(2));
	sk_put_s64(a, SFD(0));
	return sk_submit(a);
}

SK_FILLER(connect)
{
	SK_PROLOGUE
	struct sk_endpoint ep = {};
	bool has_ep = sk_user_endpoint(UPTR(1), ARG(2), &ep) == 0;

	SK_BEGIN(a, CONNECT_X);
	sk_put_s64(a, ret);
	/* the requested destination stands for the peer while the connect is in progress */
	if (ret == 0 || ret == -115 /* EINPROGRESS */)
		sk_put_tuple(a, sk_fd_sock(sk_cur(a), SFD(0)), true, has_ep ? &ep : NULL);
	else
		sk_put_empty(a);
	sk_put_s64(a, SFD(0));
	sk_put_user_sockaddr(a, UPTR(1), ARG(2));
	return sk_submit(a);
}

SK_FILLER(socketpair)
{
	SK_PROLOGUE
	__s32 fds[2] = { -1, -1 };
	struct sock *sk = NULL;

	if (ret == 0) {
		bpf_probe_read_user(fds, sizeof(fds), UPTR(3));
		sk = sk_fd_sock(sk_cur(a), fds[0]);
	}
	SK_BEGIN(a, SOCKETPAIR_X);
	sk_put_s64(a, ret);
	sk_put_s64(a, fds[0]);
	sk_put_s64(a, fds[1]);
	/* kernel socket addresses: they only pair the two ends */
	sk_put_u64(a, (__u64)sk);
	sk_put_u64(a, sk ? (__u64)BPF_CORE_READ((struct unix_sock *)sk, peer) : 0);
	sk_put_u32(a, ARG(0));
	sk_put_u32(a, ARG(1));
	sk_put_u32(a, ARG(2));
	return sk_submit(a);
}

SK_FILLER(shutdown)
{
	SK_PROLOGUE
	SK_BEGIN(a, SHUTDOWN_X);
	sk_put_s64(a, ret);
	sk_put_s64(a, SFD(0));
	sk_put_u8(a, ARG(1)); /* SHUT_RD/WR/RDWR equal the PPM values */
	return sk_submit(a);
}

SK_FILLER(listen)
{
	SK_PROLOGUE
	SK_BEGIN(a, LISTEN_X);
	sk_put_s64(a, ret);
	sk_put_s64(a, SFD(0));
	sk_put_s32(a, ARG(1));
	return sk_submit(a);
}

SK_INLINE void sk_put_accept_common(struct sk_aux *a, struct pt_regs *regs, __s64 ret)
{
	struct sock *lsk = sk_fd_sock(sk_cur(a), SFD(0));
	__u32 qlen = 0, qmax = 0;

	sk_put_s64(a, ret);
	if (ret >= 0)
		sk_put_tuple(a, sk_fd_sock(sk_cur(a), ret), false, NULL);
	else
		sk_put_empty(a);
	if (lsk) {
		qlen = BPF_CORE_READ(lsk, sk_ack_backlog);
		qmax = BPF_CORE_READ(lsk, sk_max_ack_backlog);
	}
	sk_put_u8(a, qmax ? (__u8)(qlen * 100 / qmax) : 0);
	sk_put_u32(a, qlen);
	sk_put_u32(a, qmax);
}

SK_FILLER(accept)
{
	SK_PROLOGUE
	SK_BEGIN(a, ACCEPT_X_247);
	sk_put_accept_common(a, regs, ret);
	return sk_submit(a);
}

SK_FILLER(accept4)
{
	SK_PROLOGUE
	SK_BEGIN(a, ACCEPT4_X);
	sk_put_accept_common(a, regs, ret);
	sk_put_s32(a, ARG(3));
	return sk_submit(a);
}

SK_FILLER(sendto)
{
	SK_PROLOGUE
	struct sk_endpoint ep = {};
	bool has_ep = sk_user_endpoint(UPTR(4), ARG(5), &ep) == 0;

	SK_BEGIN(a, SENDTO_X);
	sk_put_s64(a, ret);
	sk_put_io_out(a, UPTR(1), ret, ARG(2));
	sk_put_s64(a, SFD(0));
	sk_put_u32(a, ARG(2));
	sk_put_tuple(a, sk_fd_sock(sk_cur(a), SFD(0)), true, has_ep ? &ep : NULL);
	return sk_submit(a);
}

SK_FILLER(recvfrom)
{
	SK_PROLOGUE
	struct sk_endpoint ep = {};
	__u32 alen = 0;
	bool has_ep = false;

	if (ARG(5) && !bpf_probe_read_user(&alen, 4, UPTR(5)))
		has_ep = sk_user_endpoint(UPTR(4), alen, &ep) == 0;
	SK_BEGIN(a, RECVFROM_X);
	sk_put_s64(a, ret);
	sk_put_io_data(a, UPTR(1), ret, ARG(2));
	sk_put_tuple(a, sk_fd_sock(sk_cur(a), SFD(0)), false, has_ep ? &ep : NULL);
	sk_put_s64(a, SFD(0));
	sk_put_u32(a, ARG(2));
	return sk_submit(a);
}

struct sk_umsghdr {
	__u64 name;
	__u32 namelen;
	__u32 pad;
	__u64 iov;
	__u64 iovlen;
	__u64 control;
	__u64 controllen;
	__u32 flags;
};

/* First iovec's buffer and the total size of up to 8 iovecs. */
SK_INLINE __u64 sk_msg_iov(struct sk_umsghdr *m, __u64 *buf0, __u64 *len0)
{
	__u64 total = 0;

	*buf0 = 0;
	*len0 = 0;
	for (int i = 0; i < 8; i++) {
		__u64 iov[2];

		if (i >= m->iovlen)
			break;
		if (bpf_probe_read_user(iov, sizeof(iov), (void *)(m->iov + i * 16)))
			break;
		if (i == 0) {
			*buf0 = iov[0];
			*len0 = iov[1];
		}
		total += iov[1];
	}
	return total;
}

SK_FILLER(sendmsg)
{
	SK_PROLOGUE
	struct sk_umsghdr m = {};
	struct sk_endpoint ep = {};
	__u64 buf0, len0, size;
	bool has_ep;

	bpf_probe_read_user(&m, sizeof(m), UPTR(1));
	size = sk_msg_iov(&m, &buf0, &len0);
	has_ep = sk_user_endpoint((void *)m.name, m.namelen, &ep) == 0;
	SK_BEGIN(a, SENDMSG_X);
	sk_put_s64(a, ret);
	sk_put_io_out(a, (void *)buf0, ret, len0);
	sk_put_s64(a, SFD(0));
	sk_put_u32(a, size);
	sk_put_tuple(a, sk_fd_sock(sk_cur(a), SFD(0)), true, has_ep ? &ep : NULL);
	return sk_submit(a);
}

SK_FILLER(recvmsg)
{
	SK_PROLOGUE
	struct sk_umsghdr m = {};
	struct sk_endpoint ep = {};
	__u64 buf0, len0, size;
	bool has_ep;

	bpf_probe_read_user(&m, sizeof(m), UPTR(1));
	size = sk_msg_iov(&m, &buf0, &len0);
	has_ep = ret >= 0 && sk_user_endpoint((void *)m.name, m.namelen, &ep) == 0;
	SK_BEGIN(a, RECVMSG_X);
	sk_put_s64(a, ret);
	sk_put_u32(a, size);
	sk_put_io_data(a, (void *)buf0, ret, len0);
	sk_put_tuple(a, sk_fd_sock(sk_cur(a), SFD(0)), false, has_ep ? &ep : NULL);
	if (ret >= 0)
		sk_put_user_buf(a, (void *)m.control, m.controllen, SK_PROBE_PATH_CAP);
	else
		sk_put_empty(a);
	sk_put_s64(a, SFD(0));
	return sk_submit(a);
}

/* ---- pipes, eventfd, dup, fcntl ---- */

SK_INLINE void sk_put_pipe_common(struct sk_aux *a, struct pt_regs *regs, __s64 ret)
{
	__s32 fds[2] = { -1, -1 };
	__u32 dev;
	__u64 ino = 0;

	if (ret == 0)
		bpf_probe_read_user(fds, sizeof(fds), UPTR(0));
	sk_put_s64(a, ret);
	sk_put_s64(a, fds[0]);
	sk_put_s64(a, fds[1]);
	if (ret == 0)
		sk_file_dev_ino(sk_fd_file(sk_cur(a), fds[0]), &dev, &ino);
	sk_put_u64(a, ino);
}

SK_FILLER(pipe)
{
	SK_PROLOGUE
	SK_BEGIN(a, PIPE_X);
	sk_put_pipe_common(a, regs, ret);
	return sk_submit(a);
}

SK_FILLER(pipe2)
{
	SK_PROLOGUE
	SK_BEGIN(a, PIPE2_X);
	sk_put_pipe_common(a, regs, ret);
	sk_put_u32(a, sk_ppm_fd_flags(ARG(1)));
	return sk_submit(a);
}

SK_FILLER(eventfd)
{
	SK_PROLOGUE
	SK_BEGIN(a, EVENTFD_X);
	sk_put_s64(a, ret);
	sk_put_u64(a, ARG(0));
	sk_put_u32(a, 0);
	return sk_submit(a);
}

SK_FILLER(eventfd2)
{
	SK_PROLOGUE
	SK_BEGIN(a, EVENTFD2_X);
	sk_put_s64(a, ret);
	sk_put_u16(a, sk_ppm_fd_flags(ARG(1)));
	sk_put_u64(a, ARG(0));
	return sk_submit(a);
}

SK_FILLER(dup)
{
	SK_PROLOGUE
	SK_BEGIN(a, DUP_X);
	sk_put_s64(a, ret);
	sk_put_s64(a, SFD(0));
	return sk_submit(a);
}

SK_FILLER(dup2)
{
	SK_PROLOGUE
	SK_BEGIN(a, DUP2_X);
	sk_put_s64(a, ret);
	sk_put_s64(a, SFD(0));
	sk_put_s64(a, SFD(1));
	return sk_submit(a);
}

SK_FILLER(dup3)
{
	SK_PROLOGUE
	SK_BEGIN(a, DUP3_X);
	sk_put_s64(a, ret);
	sk_put_s64(a, SFD(0));
	sk_put_s64(a, SFD(1));
	sk_put_u32(a, sk_ppm_fd_flags(ARG(2)));
	return sk_submit(a);
}

SK_FILLER(fcntl)
{
	SK_PROLOGUE
	SK_BEGIN(a, FCNTL_X);
	sk_put_s64(a, ret);
	sk_put_s64(a, SFD(0));
	sk_put_u8(a, sk_ppm_fcntl_cmd(ARG(1)));
	sk_put_u64(a, ARG(2));
	return sk_submit(a);
}

SK_FILLER(epoll_create)
{
	SK_PROLOGUE
	SK_BEGIN(a, EPOLL_CREATE_X);
	sk_put_s64(a, ret);
	sk_put_s32(a, ARG(0));
	return sk_submit(a);
}

SK_FILLER(epoll_create1)
{
	SK_PROLOGUE
	SK_BEGIN(a, EPOLL_CREATE1_X);
	sk_put_s64(a, ret);
	sk_put_u32(a, (ARG(0) & SK_K_O_CLOEXEC) ? 0x1 : 0); /* EPOLL_CLOEXEC */
	return sk_submit(a);
}

SK_FILLER(timerfd_create)
{
	SK_PROLOGUE
	SK_BEGIN(a, TIMERFD_CREATE_X);
	sk_put_s64(a, ret);
	sk_put_u8(a, ARG(0));
	sk_put_u8(a, ARG(1)); /* TFD_* do not fit the table's u8: the low byte, as Falco */
	return sk_submit(a);
}

SK_FILLER(inotify_init)
{
	SK_PROLOGUE
	SK_BEGIN(a, INOTIFY_INIT_X);
	sk_put_s64(a, ret);
	sk_put_u8(a, 0);
	return sk_submit(a);
}

SK_FILLER(signalfd)
{
	SK_PROLOGUE
	__u32 mask = 0;

	bpf_probe_read_user(&mask, sizeof(mask), UPTR(1));
	SK_BEGIN(a, SIGNALFD_X);
	sk_put_s64(a, ret);
	sk_put_s64(a, SFD(0));
	sk_put_u32(a, mask);
	sk_put_u8(a, 0);
	return sk_submit(a);
}

SK_FILLER(pidfd_open)
{
	SK_PROLOGUE
	SK_BEGIN(a, PIDFD_OPEN_X);
	sk_put_s64(a, ret);
	sk_put_s64(a, (__s32)ARG(0));
	sk_put_u32(a, (ARG(1) & SK_K_O_NONBLOCK) ? 0x1 : 0); /* PIDFD_NONBLOCK */
	return sk_submit(a);
}

SK_FILLER(pidfd_getfd)
{
	SK_PROLOGUE
	SK_BEGIN(a, PIDFD_GETFD_X);
	sk_put_s64(a, ret);
	sk_put_s64(a, SFD(0));
	sk_put_s64(a, SFD(1));
	sk_put_u32(a, ARG(2));
	return sk_submit(a);
}

SK_INLINE __u8 sk_ppm_rlimit(__u64 r)
{
	return r <= 15 ? (__u8)r : 0xff; /* RLIMIT_* equal the PPM values; else UNKNOWN */
}

SK_FILLER(setrlimit)
{
	SK_PROLOGUE
	__s64 lim[2] = {};

	bpf_probe_read_user(lim, sizeof(lim), UPTR(1));
	SK_BEGIN(a, SETRLIMIT_X);
	sk_put_s64(a, ret);
	sk_put_s64(a, lim[0]);
	sk_put_s64(a, lim[1]);
	sk_put_u8(a, sk_ppm_rlimit(ARG(0)));
	return sk_submit(a);
}

SK_FILLER(prlimit64)
{
	SK_PROLOGUE
	__s64 nl[2] = {-1, -1}, ol[2] = {-1, -1};

	if (ARG(2))
		bpf_probe_read_user(nl, sizeof(nl), UPTR(2));
	if (ARG(3) && ret == 0)
		bpf_probe_read_user(ol, sizeof(ol), UPTR(3));
	SK_BEGIN(a, PRLIMIT_X);
	sk_put_s64(a, ret);
	sk_put_s64(a, nl[0]);
	sk_put_s64(a, nl[1]);
	sk_put_s64(a, ol[0]);
	sk_put_s64(a, ol[1]);
	sk_put_s64(a, (__s32)ARG(0));
	sk_put_u8(a, sk_ppm_rlimit(ARG(1)));
	return sk_submit(a);
}

SK_FILLER(mknod)
{
	SK_PROLOGUE
	SK_BEGIN(a, MKNOD_X);
	sk_put_s64(a, ret);
	sk_put_user_str(a, UPTR(0), SK_PROBE_PATH_CAP);
	sk_put_u32(a, ARG(1)); /* S_IF* and permission bits equal the PPM values */
	sk_put_u32(a, ARG(2)); /* already in the user-space dev_t encoding */
	return sk_submit(a);
}

SK_FILLER(mknodat)
{
	SK_PROLOGUE
	SK_BEGIN(a, MKNODAT_X);
	sk_put_s64(a, ret);
	sk_put_s64(a, SFD(0));
	sk_put_user_str(a, UPTR(1), SK_PROBE_PATH_CAP);
	sk_put_u32(a, ARG(2));
	sk_put_u32(a, ARG(3));
	return sk_submit(a);
}

/* ---- processes ---- */

/* clone family: res, then the process block; the rest in sk_clone_2. */
SK_INLINE int sk_clone_common(struct bpf_raw_tracepoint_args *ctx, struct sk_aux *a, __u16 type,
			      __u32 nparams, __u64 kflags)
{
	struct task_struct *t = sk_task();

	sk_begin(a, type, nparams, 2);
	sk_put_s64(a, a->ret);
	sk_put_proc_block(a, t);
	/* stash the flags for the continuation in the ret slot's neighbour */
	*(__u64 *)&a->tmp[SK_PROBE_TMP_LEN - 8] = kflags;
	bpf_tail_call(ctx, &sk_tails, SK_TAIL_CLONE_2);
	sk_count_error();
	return 0;
}

SEC("raw_tp")
int sk_clone_2(struct bpf_raw_tracepoint_args *ctx)
{
	struct sk_aux *a = sk_aux_get();
	struct task_struct *t = sk_task();
	struct pid *tp;
	__u32 flags;

	if (!a)
		return 0;
	flags = sk_ppm_clone_flags(*(__u64 *)&a->tmp[SK_PROBE_TMP_LEN - 8]);
	if (sk_in_child_pidns(t))
		flags |= SK_PPM_CL_CHILD_IN_PIDNS;
	sk_put_cgroups(a, t);
	sk_put_u32(a, flags);
	sk_put_u32(a, BPF_CORE_READ(t, cred, euid.val));
	sk_put_u32(a, BPF_CORE_READ(t, cred, egid.val));
	tp = BPF_CORE_READ(t, thread_pid);
	sk_put_s64(a, sk_pid_vnr(tp));
	sk_put_s64(a, sk_pid_vnr(BPF_CORE_READ(t, group_leader, thread_pid)));
	{
		unsigned int level = BPF_CORE_READ(tp, level);
		struct pid_namespace *ns = BPF_CORE_READ(tp, numbers[level & 31].ns);
		__u64 st = BPF_CORE_READ(ns, child_reaper, start_boottime);

		sk_put_u64(a, st ? st + sk_boot_epoch_ns : 0);
	}
	return sk_submit(a);
}

SK_FILLER(clone)
{
	SK_PROLOGUE
	return sk_clone_common(ctx, a, SK_EVT_CLONE_X, SK_NPARAMS_CLONE_X, ARG(0));
}

SK_FILLER(clone3)
{
	SK_PROLOGUE
	__u64 flags = 0;

	bpf_probe_read_user(&flags, sizeof(flags), UPTR(0));
	return sk_clone_common(ctx, a, SK_EVT_CLONE3_X, SK_NPARAMS_CLONE3_X, flags);
}

SK_FILLER(fork)
{
	SK_PROLOGUE
	return sk_clone_common(ctx, a, SK_EVT_FORK_X, SK_NPARAMS_FORK_X, 0);
}

SK_FILLER(vfork)
{
	SK_PROLOGUE
	return sk_clone_common(ctx, a, SK_EVT_VFORK_X, SK_NPARAMS_VFORK_X,
			       0x00004000 | 0x00000100 /* CLONE_VFORK | CLONE_VM */);
}

/* execve family: res, the process block, cgroups; the rest in sk_exec_2. */
SK_INLINE int sk_exec_common(struct bpf_raw_tracepoint_args *ctx, struct sk_aux *a, __u16 type,
			     __u32 nparams, const void *ufilename)
{
	struct task_struct *t = sk_task();

	sk_begin(a, type, nparams, 2);
	sk_put_s64(a, a->ret);
	sk_put_proc_block(a, t);
	*(__u64 *)&a->tmp[SK_PROBE_TMP_LEN - 8] = (__u64)ufilename;
	bpf_tail_call(ctx, &sk_tails, SK_TAIL_EXEC_2);
	sk_count_error();
	return 0;
}

/* Is the executable writable by the task (owner/group/other bits, DAC override)? */
SK_INLINE bool sk_exe_writable(struct task_struct *t, struct inode *ino)
{
	__u32 mode = BPF_CORE_READ(ino, i_mode);
	__u32 fsuid = BPF_CORE_READ(t, cred, fsuid.val);
	__u32 fsgid = BPF_CORE_READ(t, cred, fsgid.val);
	__u64 eff = BPF_CORE_READ(t, cred, cap_effective.val);

	if (eff & (1ull << SK_CAP_DAC_OVERRIDE))
		return true;
	if (BPF_CORE_READ(ino, i_uid.val) == fsuid)
		return mode & 0200;
	if (BPF_CORE_READ(ino, i_gid.val) == fsgid)
		return mode & 0020;
	return mode & 0002;
}

SK_INLINE __u64 sk_inode_ns(struct inode *ino, bool ctime)
{
	if (bpf_core_field_exists(ino->i_ctime_sec)) {
		/* the top bits of i_ctime_nsec are multigrain-timestamp flags */
		if (ctime)
			return BPF_CORE_READ(ino, i_ctime_sec) * 1000000000ull +
			       (BPF_CORE_READ(ino, i_ctime_nsec) & SK_NSEC_MASK);
		return BPF_CORE_READ(ino, i_mtime_sec) * 1000000000ull +
		       (BPF_CORE_READ(ino, i_mtime_nsec) & SK_NSEC_MASK);
	}
	{
		struct inode___old *o = (void *)ino;
		struct timespec64 ts = ctime ? BPF_CORE_READ(o, i_ctime) : BPF_CORE_READ(o, i_mtime);

		return ts.tv_sec * 1000000000ull + ts.tv_nsec;
	}
}

SEC("raw_tp")
int sk_exec_2(struct bpf_raw_tracepoint_args *ctx)
{
	struct sk_aux *a = sk_aux_get();
	struct task_struct *t = sk_task();
	struct mm_struct *mm;
	struct file *exe;
	struct inode *ino;
	struct tty_struct *tty;
	__u32 ttydev = 0, flags = 0;
	struct pid *pg;
	const void *ufilename;

	if (!a)
		return 0;
	ufilename = (const void *)*(__u64 *)&a->tmp[SK_PROBE_TMP_LEN - 8];
	mm = BPF_CORE_READ(t, mm);
	exe = BPF_CORE_READ(mm, exe_file);
	ino = BPF_CORE_READ(exe, f_inode);
	sk_put_cgroups(a, t);
	if (mm)
		sk_put_user_buf(a, (void *)BPF_CORE_READ(mm, env_start),
				BPF_CORE_READ(mm, env_end) - BPF_CORE_READ(mm, env_start), SK_PROBE_ARGS_CAP);
	else
		sk_put_empty(a);
	tty = BPF_CORE_READ(t, signal, tty);
	if (tty) {
		__u32 major = BPF_CORE_READ(tty, driver, major);
		__u32 minor = BPF_CORE_READ(tty, driver, minor_start) + BPF_CORE_READ(tty, index);

		ttydev = sk_encode_dev((major << 20) | minor);
	}
	sk_put_u32(a, ttydev);
	pg = BPF_CORE_READ(t, signal, pids[PIDTYPE_PGID]);
	sk_put_s64(a, sk_pid_vnr(pg));
	sk_put_u32(a, BPF_CORE_READ(t, loginuid.val));
	if (ino && sk_exe_writable(t, ino))
		flags |= 0x1; /* EXE_WRITABLE */
	switch (sk_file_layer(exe)) {
	case SK_LAYER_UPPER: flags |= 0x2; break; /* EXE_UPPER_LAYER */
	case SK_LAYER_LOWER: flags |= 0x8; break; /* EXE_LOWER_LAYER */
	default: break;
	}
	if (exe) {
		char pfx[6] = {};

		bpf_probe_read_kernel(pfx, sizeof(pfx), BPF_CORE_READ(exe, f_path.dentry, d_name.name));
		if (pfx[0] == 'm' && pfx[1] == 'e' && pfx[2] == 'm' && pfx[3] == 'f' && pfx[4] == 'd' &&
		    pfx[5] == ':')
			flags |= 0x4; /* EXE_FROM_MEMFD */
	}
	sk_put_u32(a, flags);
	sk_put_u64(a, BPF_CORE_READ(t, cred, cap_inheritable.val));
	sk_put_u64(a, BPF_CORE_READ(t, cred, cap_permitted.val));
	sk_put_u64(a, BPF_CORE_READ(t, cred, cap_effective.val));
	sk_put_u64(a, ino ? BPF_CORE_READ(ino, i_ino) : 0);
	sk_put_u64(a, ino ? sk_inode_ns(ino, true) : 0);
	sk_put_u64(a, ino ? sk_inode_ns(ino, false) : 0);
	sk_put_u32(a, BPF_CORE_READ(t, cred, euid.val));
	if (exe)
		sk_put_kpath(a, &exe->f_path);
	else
		sk_put_empty(a);
	sk_put_s64(a, sk_pid_host(pg));
	sk_put_u32(a, BPF_CORE_READ(t, cred, egid.val));
	{
		__u32 tid = (__u32)bpf_get_current_pid_tgid();
		struct sk_exec_name *n = a->ret == 0 ? bpf_map_lookup_elem(&sk_exec_names, &tid) : NULL;

		if (a->type == SK_EVT_EXECVE_X) {
			if (n)
				sk_put_kernel_str(a, n->name, SK_PROBE_PATH_CAP);
			else if (a->ret != 0)
				sk_put_user_str(a, ufilename, SK_PROBE_PATH_CAP);
			else
				sk_put_empty(a);
		}
		if (n)
			bpf_map_delete_elem(&sk_exec_names, &tid);
	}
	return sk_submit(a);
}

SK_FILLER(execve)
{
	SK_PROLOGUE
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct sk_exec_name *n = ret == 0 ? bpf_map_lookup_elem(&sk_exec_names, &tid) : NULL;

	/* a successful execveat arrives here (see sk_sched_exec) */
	if (n && n->at) {
		if (!sk_interesting[SK_NR_EXECVEAT])
			return 0;
		return sk_exec_common(ctx, a, SK_EVT_EXECVEAT_X, SK_NPARAMS_EXECVEAT_X, NULL);
	}
	if (!sk_interesting[SK_NR_EXECVE])
		return 0;
	return sk_exec_common(ctx, a, SK_EVT_EXECVE_X, SK_NPARAMS_EXECVE_X, UPTR(0));
}

SK_FILLER(execveat)
{
	SK_PROLOGUE
	return sk_exec_common(ctx, a, SK_EVT_EXECVEAT_X, SK_NPARAMS_EXECVEAT_X, UPTR(1));
}

/* ---- paths ---- */

SK_FILLER(chdir)
{
	SK_PROLOGUE
	SK_BEGIN(a, CHDIR_X);
	sk_put_s64(a, ret);
	sk_put_user_str(a, UPTR(0), SK_PROBE_PATH_CAP);
	return sk_submit(a);
}

SK_FILLER(fchdir)
{
	SK_PROLOGUE
	SK_BEGIN(a, FCHDIR_X);
	sk_put_s64(a, ret);
	sk_put_s64(a, SFD(0));
	return sk_submit(a);
}

SK_FILLER(chroot)
{
	SK_PROLOGUE
	SK_BEGIN(a, CHROOT_X);
	sk_put_s64(a, ret);
	sk_put_user_str(a, UPTR(0), SK_PROBE_PATH_CAP);
	return sk_submit(a);
}

SK_FILLER(mkdir)
{
	SK_PROLOGUE
	SK_BEGIN(a, MKDIR_X);
	sk_put_s64(a, ret);
	sk_put_user_str(a, UPTR(0), SK_PROBE_PATH_CAP);
	sk_put_u32(a, ARG(1));
	return sk_submit(a);
}

SK_FILLER(mkdirat)
{
	SK_PROLOGUE
	SK_BEGIN(a, MKDIRAT_X);
	sk_put_s64(a, ret);
	sk_put_s64(a, SFD(0));
	sk_put_user_str(a, UPTR(1), SK_PROBE_PATH_CAP);
	sk_put_u32(a, ARG(2));
	return sk_submit(a);
}

SK_FILLER(rmdir)
{
	SK_PROLOGUE
	SK_BEGIN(a, RMDIR_X);
	sk_put_s64(a, ret);
	sk_put_user_str(a, UPTR(0), SK_PROBE_PATH_CAP);
	return sk_submit(a);
}

SK_FILLER(unlink)
{
	SK_PROLOGUE
	SK_BEGIN(a, UNLINK_X);
	sk_put_s64(a, ret);
	sk_put_user_str(a, UPTR(0), SK_PROBE_PATH_CAP);
	return sk_submit(a);
}

SK_FILLER(unlinkat)
{
	SK_PROLOGUE
	SK_BEGIN(a, UNLINKAT_X);
	sk_put_s64(a, ret);
	sk_put_s64(a, SFD(0));
	sk_put_user_str(a, UPTR(1), SK_PROBE_PATH_CAP);
	sk_put_u32(a, ARG(2) & 0x200); /* AT_REMOVEDIR */
	return sk_submit(a);
}

SK_FILLER(rename)
{
	SK_PROLOGUE
	SK_BEGIN(a, RENAME_X);
	sk_put_s64(a, ret);
	sk_put_user_str(a, UPTR(0), SK_PROBE_PATH_CAP);
	sk_put_user_str(a, UPTR(1), SK_PROBE_PATH_CAP);
	return sk_submit(a);
}

SK_FILLER(renameat)
{
	SK_PROLOGUE
	SK_BEGIN(a, RENAMEAT_X);
	sk_put_s64(a, ret);
	sk_put_s64(a, SFD(0));
	sk_put_user_str(a, UPTR(1), SK_PROBE_PATH_CAP);
	sk_put_s64(a, SFD(2));
	sk_put_user_str(a, UPTR(3), SK_PROBE_PATH_CAP);
	return sk_submit(a);
}

SK_FILLER(renameat2)
{
	SK_PROLOGUE
	SK_BEGIN(a, RENAMEAT2_X);
	sk_put_s64(a, ret);
	sk_put_s64(a, SFD(0));
	sk_put_user_str(a, UPTR(1), SK_PROBE_PATH_CAP);
	sk_put_s64(a, SFD(2));
	sk_put_user_str(a, UPTR(3), SK_PROBE_PATH_CAP);
	sk_put_u32(a, ARG(4) & 0x7);
	return sk_submit(a);
}

SK_FILLER(link)
{
	SK_PROLOGUE
	SK_BEGIN(a, LINK_X);
	sk_put_s64(a, ret);
	sk_put_user_str(a, UPTR(0), SK_PROBE_PATH_CAP);
	sk_put_user_str(a, UPTR(1), SK_PROBE_PATH_CAP);
	return sk_submit(a);
}

SK_FILLER(linkat)
{
	SK_PROLOGUE
	SK_BEGIN(a, LINKAT_X);
	sk_put_s64(a, ret);
	sk_put_s64(a, SFD(0));
	sk_put_user_str(a, UPTR(1), SK_PROBE_PATH_CAP);
	sk_put_s64(a, SFD(2));
	sk_put_user_str(a, UPTR(3), SK_PROBE_PATH_CAP);
	sk_put_u32(a, ARG(4) & 0x1400);
	return sk_submit(a);
}

SK_FILLER(symlink)
{
	SK_PROLOGUE
	SK_BEGIN(a, SYMLINK_X);
	sk_put_s64(a, ret);
	sk_put_user_str(a, UPTR(0), SK_PROBE_PATH_CAP);
	sk_put_user_str(a, UPTR(1), SK_PROBE_PATH_CAP);
	return sk_submit(a);
}

SK_FILLER(symlinkat)
{
	SK_PROLOGUE
	SK_BEGIN(a, SYMLINKAT_X);
	sk_put_s64(a, ret);
	sk_put_user_str(a, UPTR(0), SK_PROBE_PATH_CAP);
	sk_put_s64(a, SFD(1));
	sk_put_user_str(a, UPTR(2), SK_PROBE_PATH_CAP);
	return sk_submit(a);
}

SK_FILLER(chmod)
{
	SK_PROLOGUE
	SK_BEGIN(a, CHMOD_X);
	sk_put_s64(a, ret);
	sk_put_user_str(a, UPTR(0), SK_PROBE_PATH_CAP);
	sk_put_u32(a, ARG(1) & 07777);
	return sk_submit(a);
}

SK_FILLER(fchmod)
{
	SK_PROLOGUE
	SK_BEGIN(a, FCHMOD_X);
	sk_put_s64(a, ret);
	sk_put_s64(a, SFD(0));
	sk_put_u32(a, ARG(1) & 07777);
	return sk_submit(a);
}

SK_FILLER(fchmodat)
{
	SK_PROLOGUE
	SK_BEGIN(a, FCHMODAT_X);
	sk_put_s64(a, ret);
	sk_put_s64(a, SFD(0));
	sk_put_user_str(a, UPTR(1), SK_PROBE_PATH_CAP);
	sk_put_u32(a, ARG(2) & 07777);
	return sk_submit(a);
}

SK_FILLER(chown)
{
	SK_PROLOGUE
	SK_BEGIN(a, CHOWN_X);
	sk_put_s64(a, ret);
	sk_put_user_str(a, UPTR(0), SK_PROBE_PATH_CAP);
	sk_put_u32(a, ARG(1));
	sk_put_u32(a, ARG(2));
	return sk_submit(a);
}

SK_FILLER(lchown)
{
	SK_PROLOGUE
	SK_BEGIN(a, LCHOWN_X);
	sk_put_s64(a, ret);
	sk_put_user_str(a, UPTR(0), SK_PROBE_PATH_CAP);
	sk_put_u32(a, ARG(1));
	sk_put_u32(a, ARG(2));
	return sk_submit(a);
}

SK_FILLER(fchown)
{
	SK_PROLOGUE
	SK_BEGIN(a, FCHOWN_X);
	sk_put_s64(a, ret);
	sk_put_s64(a, SFD(0));
	sk_put_u32(a, ARG(1));
	sk_put_u32(a, ARG(2));
	return sk_submit(a);
}

SK_FILLER(fchownat)
{
	SK_PROLOGUE
	SK_BEGIN(a, FCHOWNAT_X);
	sk_put_s64(a, ret);
	sk_put_s64(a, SFD(0));
	sk_put_user_str(a, UPTR(1), SK_PROBE_PATH_CAP);
	sk_put_u32(a, ARG(2));
	sk_put_u32(a, ARG(3));
	sk_put_u32(a, sk_ppm_fchownat_flags(ARG(4)));
	return sk_submit(a);
}

/* ---- credentials, sessions ---- */

SK_FILLER(setuid)
{
	SK_PROLOGUE
	SK_BEGIN(a, SETUID_X);
	sk_put_s64(a, ret);
	sk_put_u32(a, ARG(0));
	return sk_submit(a);
}

SK_FILLER(setgid)
{
	SK_PROLOGUE
	SK_BEGIN(a, SETGID_X);
	sk_put_s64(a, ret);
	sk_put_u32(a, ARG(0));
	return sk_submit(a);
}

SK_FILLER(setresuid)
{
	SK_PROLOGUE
	SK_BEGIN(a, SETRESUID_X);
	sk_put_s64(a, ret);
	sk_put_u32(a, ARG(0));
	sk_put_u32(a, ARG(1));
	sk_put_u32(a, ARG(2));
	return sk_submit(a);
}

SK_FILLER(setresgid)
{
	SK_PROLOGUE
	SK_BEGIN(a, SETRESGID_X);
	sk_put_s64(a, ret);
	sk_put_u32(a, ARG(0));
	sk_put_u32(a, ARG(1));
	sk_put_u32(a, ARG(2));
	return sk_submit(a);
}

SK_FILLER(setreuid)
{
	SK_PROLOGUE
	SK_BEGIN(a, SETREUID_X);
	sk_put_s64(a, ret);
	sk_put_u32(a, ARG(0));
	sk_put_u32(a, ARG(1));
	return sk_submit(a);
}

SK_FILLER(setregid)
{
	SK_PROLOGUE
	SK_BEGIN(a, SETREGID_X);
	sk_put_s64(a, ret);
	sk_put_u32(a, ARG(0));
	sk_put_u32(a, ARG(1));
	return sk_submit(a);
}

SK_FILLER(capset)
{
	SK_PROLOGUE
	struct task_struct *t = sk_task();

	SK_BEGIN(a, CAPSET_X);
	sk_put_s64(a, ret);
	sk_put_u64(a, BPF_CORE_READ(t, cred, cap_inheritable.val));
	sk_put_u64(a, BPF_CORE_READ(t, cred, cap_permitted.val));
	sk_put_u64(a, BPF_CORE_READ(t, cred, cap_effective.val));
	return sk_submit(a);
}

SK_FILLER(setsid)
{
	SK_PROLOGUE
	SK_BEGIN(a, SETSID_X);
	sk_put_s64(a, ret);
	return sk_submit(a);
}

SK_FILLER(setpgid)
{
	SK_PROLOGUE
	SK_BEGIN(a, SETPGID_X);
	sk_put_s64(a, ret);
	sk_put_s64(a, (__s32)ARG(0));
	sk_put_s64(a, (__s32)ARG(1));
	return sk_submit(a);
}

/* PT_DYN with selector 0 (UINT64). */
SK_INLINE void sk_put_dyn_u64(struct sk_aux *a, __u64 v)
{
	__u8 out[9];

	if (sk_room(a, 9) < 9) {
		sk_put_empty(a);
		return;
	}
	out[0] = 0;
	__builtin_memcpy(&out[1], &v, 8);
	__builtin_memcpy(sk_at(a), out, 9);
	sk_param_done(a, 9);
}

SK_FILLER(ptrace)
{
	SK_PROLOGUE
	SK_BEGIN(a, PTRACE_X);
	sk_put_s64(a, ret);
	sk_put_dyn_u64(a, ARG(2));
	sk_put_dyn_u64(a, ARG(3));
	sk_put_u16(a, sk_ppm_ptrace_req(ARG(0)));
	sk_put_s64(a, (__s32)ARG(1));
	return sk_submit(a);
}

SK_FILLER(prctl)
{
	SK_PROLOGUE
	__u32 opt = ARG(0);

	SK_BEGIN(a, PRCTL_X);
	sk_put_s64(a, ret);
	sk_put_u32(a, opt);
	if (opt == 15 /* PR_SET_NAME */ || opt == 16 /* PR_GET_NAME */) {
		sk_put_user_str(a, UPTR(1), 16);
		sk_put_s64(a, 0);
	} else {
		sk_put_empty(a);
		sk_put_s64(a, ARG(1));
	}
	return sk_submit(a);
}

SK_FILLER(setns)
{
	SK_PROLOGUE
	SK_BEGIN(a, SETNS_X);
	sk_put_s64(a, ret);
	sk_put_s64(a, SFD(0));
	sk_put_u32(a, sk_ppm_clone_flags(ARG(1)));
	return sk_submit(a);
}

SK_FILLER(unshare)
{
	SK_PROLOGUE
	SK_BEGIN(a, UNSHARE_X);
	sk_put_s64(a, ret);
	sk_put_u32(a, sk_ppm_clone_flags(ARG(0)));
	return sk_submit(a);
}

SK_FILLER(mount)
{
	SK_PROLOGUE
	SK_BEGIN(a, MOUNT_X);
	sk_put_s64(a, ret);
	sk_put_user_str(a, UPTR(0), SK_PROBE_PATH_CAP);
	sk_put_user_str(a, UPTR(1), SK_PROBE_PATH_CAP);
	sk_put_user_str(a, UPTR(2), 256);
	sk_put_u32(a, sk_ppm_mount_flags(ARG(3)));
	return sk_submit(a);
}

SK_FILLER(umount2)
{
	SK_PROLOGUE
	SK_BEGIN(a, UMOUNT2_X);
	sk_put_s64(a, ret);
	sk_put_user_str(a, UPTR(0), SK_PROBE_PATH_CAP);
	sk_put_u32(a, ARG(1) & 0xf);
	return sk_submit(a);
}

/* ---- kernel modules, bpf ---- */

SK_FILLER(init_module)
{
	SK_PROLOGUE
	__u64 len = ARG(1);

	SK_BEGIN(a, INIT_MODULE_X);
	sk_put_s64(a, ret);
	sk_put_user_buf(a, UPTR(0), len < sk_snaplen ? len : sk_snaplen, SK_PROBE_SNAPLEN_MAX);
	sk_put_u64(a, len);
	sk_put_user_str(a, UPTR(2), SK_PROBE_PATH_CAP);
	return sk_submit(a);
}

SK_FILLER(finit_module)
{
	SK_PROLOGUE
	SK_BEGIN(a, FINIT_MODULE_X);
	sk_put_s64(a, ret);
	sk_put_s64(a, SFD(0));
	sk_put_user_str(a, UPTR(1), SK_PROBE_PATH_CAP);
	sk_put_u32(a, ARG(2) & 0x7);
	return sk_submit(a);
}

SK_FILLER(delete_module)
{
	SK_PROLOGUE
	SK_BEGIN(a, DELETE_MODULE_X);
	sk_put_s64(a, ret);
	sk_put_user_str(a, UPTR(0), 64);
	sk_put_u32(a, sk_ppm_delete_module_flags(ARG(1)));
	return sk_submit(a);
}

SK_FILLER(bpf)
{
	SK_PROLOGUE
	SK_BEGIN(a, BPF_X);
	sk_put_s64(a, ret);
	sk_put_u32(a, ARG(0));
	return sk_submit(a);
}

/* ---- memory ---- */

SK_FILLER(mmap)
{
	SK_PROLOGUE
	SK_BEGIN(a, MMAP_X);
	sk_put_s64(a, ret);
	sk_put_vm(a, BPF_CORE_READ(sk_task(), mm));
	sk_put_u64(a, ARG(0));
	sk_put_u64(a, ARG(1));
	sk_put_u32(a, sk_ppm_prot_flags(ARG(2)));
	sk_put_u32(a, sk_ppm_mmap_flags(ARG(3)));
	sk_put_s64(a, SFD(4));
	/* a 32-bit caller's is mmap2: the offset in 4096-byte units */
	sk_put_u64(a, a->compat ? ARG(5) << 12 : ARG(5));
	return sk_submit(a);
}

SK_FILLER(mprotect)
{
	SK_PROLOGUE
	SK_BEGIN(a, MPROTECT_X);
	sk_put_s64(a, ret);
	sk_put_u64(a, ARG(0));
	sk_put_u64(a, ARG(1));
	sk_put_u32(a, sk_ppm_prot_flags(ARG(2)));
	return sk_submit(a);
}

SK_FILLER(memfd_create)
{
	SK_PROLOGUE
	SK_BEGIN(a, MEMFD_CREATE_X);
	sk_put_s64(a, ret);
	sk_put_user_str(a, UPTR(0), 256);
	sk_put_u32(a, ARG(1) & 0x7);
	return sk_submit(a);
}

SK_FILLER(userfaultfd)
{
	SK_PROLOGUE
	SK_BEGIN(a, USERFAULTFD_X);
	sk_put_s64(a, ret);
	sk_put_u32(a, sk_ppm_fd_flags(ARG(0)));
	return sk_submit(a);
}

/* ---- signals, notifications, io_uring ---- */

SK_FILLER(kill)
{
	SK_PROLOGUE
	SK_BEGIN(a, KILL_X);
	sk_put_s64(a, ret);
	sk_put_s64(a, (__s32)ARG(0));
	sk_put_u8(a, ARG(1));
	return sk_submit(a);
}

SK_FILLER(tkill)
{
	SK_PROLOGUE
	SK_BEGIN(a, TKILL_X);
	sk_put_s64(a, ret);
	sk_put_s64(a, (__s32)ARG(0));
	sk_put_u8(a, ARG(1));
	return sk_submit(a);
}

SK_FILLER(tgkill)
{
	SK_PROLOGUE
	SK_BEGIN(a, TGKILL_X);
	sk_put_s64(a, ret);
	sk_put_s64(a, (__s32)ARG(0));
	sk_put_s64(a, (__s32)ARG(1));
	sk_put_u8(a, ARG(2));
	return sk_submit(a);
}

SK_FILLER(inotify_init1)
{
	SK_PROLOGUE
	SK_BEGIN(a, INOTIFY_INIT1_X);
	sk_put_s64(a, ret);
	sk_put_u16(a, sk_ppm_fd_flags(ARG(0)));
	return sk_submit(a);
}

SK_FILLER(signalfd4)
{
	SK_PROLOGUE
	__u32 mask = 0;

	bpf_probe_read_user(&mask, sizeof(mask), UPTR(1));
	SK_BEGIN(a, SIGNALFD4_X);
	sk_put_s64(a, ret);
	sk_put_u16(a, sk_ppm_fd_flags(ARG(3)));
	sk_put_s64(a, SFD(0));
	sk_put_u32(a, mask);
	return sk_submit(a);
}

SK_FILLER(io_uring_setup)
{
	SK_PROLOGUE
	__u32 p[6] = {}; /* sq_entries, cq_entries, flags, sq_thread_cpu, sq_thread_idle, features */

	bpf_probe_read_user(p, sizeof(p), UPTR(1));
	SK_BEGIN(a, IO_URING_SETUP_X);
	sk_put_s64(a, ret);
	sk_put_u32(a, ARG(0));
	sk_put_u32(a, p[0]);
	sk_put_u32(a, p[1]);
	sk_put_u32(a, p[2] & 0xff);
	sk_put_u32(a, p[3]);
	sk_put_u32(a, p[4]);
	sk_put_u32(a, p[5] & 0x7ff);
	return sk_submit(a);
}
