/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Translation of Linux x86-64 argument values into the portable (PPM) values
 * of the scap flag tables (flags.def; scap-events.md 5 and Appendix C).
 * Pure functions of fixed-width integers: compiled into the probe and usable
 * by user space. The kernel constants are spelled out (octal as in the uapi
 * headers) because the BPF side has no libc headers.
 */
#ifndef SAKER_PPM_FLAGS_H
#define SAKER_PPM_FLAGS_H

#include "saker/event_schema.h"

#define SK_PPM_INLINE static inline __attribute__((always_inline))

/* Linux open(2) flags (asm-generic/fcntl.h). */
#define SK_K_O_ACCMODE 00000003u
#define SK_K_O_WRONLY 00000001u
#define SK_K_O_RDWR 00000002u
#define SK_K_O_CREAT 00000100u
#define SK_K_O_EXCL 00000200u
#define SK_K_O_TRUNC 00001000u
#define SK_K_O_APPEND 00002000u
#define SK_K_O_NONBLOCK 00004000u
#define SK_K_O_DSYNC 00010000u
#define SK_K_O_DIRECT 00040000u
#define SK_K_O_LARGEFILE 00100000u
#define SK_K_O_DIRECTORY 00200000u
#define SK_K_O_CLOEXEC 02000000u
#define SK_K___O_SYNC 04000000u
#define SK_K___O_TMPFILE 020000000u
/* file->f_mode bit set when the open created the file. */
#define SK_K_FMODE_CREATED 0x100000u

/* PPM file_flags. */
#define SK_PPM_O_NONE 0u
#define SK_PPM_O_RDONLY 0x1u
#define SK_PPM_O_WRONLY 0x2u
#define SK_PPM_O_RDWR 0x3u
#define SK_PPM_O_CREAT 0x4u
#define SK_PPM_O_APPEND 0x8u
#define SK_PPM_O_DSYNC 0x10u
#define SK_PPM_O_EXCL 0x20u
#define SK_PPM_O_NONBLOCK 0x40u
#define SK_PPM_O_SYNC 0x80u
#define SK_PPM_O_TRUNC 0x100u
#define SK_PPM_O_DIRECT 0x200u
#define SK_PPM_O_DIRECTORY 0x400u
#define SK_PPM_O_LARGEFILE 0x800u
#define SK_PPM_O_CLOEXEC 0x1000u
#define SK_PPM_O_TMPFILE 0x2000u
#define SK_PPM_O_F_CREATED 0x4000u

SK_PPM_INLINE sk_u32 sk_ppm_open_flags(sk_u32 f)
{
	sk_u32 r = 0;

	switch (f & SK_K_O_ACCMODE) {
	case 0: r |= SK_PPM_O_RDONLY; break;
	case SK_K_O_WRONLY: r |= SK_PPM_O_WRONLY; break;
	case SK_K_O_RDWR: r |= SK_PPM_O_RDWR; break;
	default: break;
	}
	if (f & SK_K_O_CREAT) r |= SK_PPM_O_CREAT;
	if (f & SK_K_O_APPEND) r |= SK_PPM_O_APPEND;
	if (f & SK_K_O_DSYNC) r |= SK_PPM_O_DSYNC;
	if (f & SK_K_O_EXCL) r |= SK_PPM_O_EXCL;
	if (f & SK_K_O_NONBLOCK) r |= SK_PPM_O_NONBLOCK;
	if (f & SK_K___O_SYNC) r |= SK_PPM_O_SYNC;
	if (f & SK_K_O_TRUNC) r |= SK_PPM_O_TRUNC;
	if (f & SK_K_O_DIRECT) r |= SK_PPM_O_DIRECT;
	if ((f & SK_K_O_DIRECTORY) && !(f & SK_K___O_TMPFILE)) r |= SK_PPM_O_DIRECTORY;
	if (f & SK_K_O_LARGEFILE) r |= SK_PPM_O_LARGEFILE;
	if (f & SK_K_O_CLOEXEC) r |= SK_PPM_O_CLOEXEC;
	if (f & SK_K___O_TMPFILE) r |= SK_PPM_O_TMPFILE;
	return r;
}

/* The mode argument counts only when the call may create a file. */
SK_PPM_INLINE sk_u32 sk_ppm_open_mode(sk_u32 flags, sk_u32 mode)
{
	if (!(flags & (SK_K_O_CREAT | SK_K___O_TMPFILE)))
		return 0;
	return mode & 07777u; /* PPM_S_* bits equal the octal permission bits */
}

/* Only O_NONBLOCK and O_CLOEXEC: socket, pipe2, dup3, eventfd2, inotify_init1, signalfd4, userfaultfd. */
SK_PPM_INLINE sk_u32 sk_ppm_fd_flags(sk_u32 f)
{
	sk_u32 r = 0;

	if (f & SK_K_O_NONBLOCK) r |= SK_PPM_O_NONBLOCK;
	if (f & SK_K_O_CLOEXEC) r |= SK_PPM_O_CLOEXEC;
	return r;
}

/* openat2 struct open_how.resolve (RESOLVE_*). */
SK_PPM_INLINE sk_u32 sk_ppm_resolve_flags(sk_u64 f)
{
	sk_u32 r = 0;

	if (f & 0x08) r |= 0x1;  /* BENEATH */
	if (f & 0x10) r |= 0x2;  /* IN_ROOT */
	if (f & 0x02) r |= 0x4;  /* NO_MAGICLINKS */
	if (f & 0x04) r |= 0x8;  /* NO_SYMLINKS */
	if (f & 0x01) r |= 0x10; /* NO_XDEV */
	if (f & 0x20) r |= 0x20; /* CACHED */
	return r;
}

/* clone(2) flags, unshare(2) flags and setns(2) nstype. */
SK_PPM_INLINE sk_u32 sk_ppm_clone_flags(sk_u64 f)
{
	sk_u32 r = 0;

	if (f & 0x00000400) r |= 0x1;       /* CLONE_FILES */
	if (f & 0x00000200) r |= 0x2;       /* CLONE_FS */
	if (f & 0x80000000) r |= 0x4;       /* CLONE_IO */
	if (f & 0x08000000) r |= 0x8;       /* CLONE_NEWIPC */
	if (f & 0x40000000) r |= 0x10;      /* CLONE_NEWNET */
	if (f & 0x00020000) r |= 0x20;      /* CLONE_NEWNS */
	if (f & 0x20000000) r |= 0x40;      /* CLONE_NEWPID */
	if (f & 0x04000000) r |= 0x80;      /* CLONE_NEWUTS */
	if (f & 0x00008000) r |= 0x100;     /* CLONE_PARENT */
	if (f & 0x00100000) r |= 0x200;     /* CLONE_PARENT_SETTID */
	if (f & 0x00002000) r |= 0x400;     /* CLONE_PTRACE */
	if (f & 0x00000800) r |= 0x800;     /* CLONE_SIGHAND */
	if (f & 0x00040000) r |= 0x1000;    /* CLONE_SYSVSEM */
	if (f & 0x00010000) r |= 0x2000;    /* CLONE_THREAD */
	if (f & 0x00800000) r |= 0x4000;    /* CLONE_UNTRACED */
	if (f & 0x00000100) r |= 0x8000;    /* CLONE_VM */
	if (f & 0x10000000) r |= 0x100000;  /* CLONE_NEWUSER */
	if (f & 0x00200000) r |= 0x800000;  /* CLONE_CHILD_CLEARTID */
	if (f & 0x01000000) r |= 0x1000000; /* CLONE_CHILD_SETTID */
	if (f & 0x00080000) r |= 0x2000000; /* CLONE_SETTLS */
	if (f & 0x00004000) r |= 0x8000000; /* CLONE_VFORK */
	if (f & 0x02000000) r |= 0x10000000; /* CLONE_NEWCGROUP */
	return r;
}
#define SK_PPM_CL_CHILD_IN_PIDNS 0x20000000u

/* mmap/mprotect prot. */
SK_PPM_INLINE sk_u32 sk_ppm_prot_flags(sk_u64 p)
{
	sk_u32 r = (sk_u32)(p & 0x7); /* READ, WRITE, EXEC */

	if (p & 0x8) r |= 0x8;               /* PROT_SEM */
	if (p & 0x01000000) r |= 0x10;       /* PROT_GROWSDOWN */
	if (p & 0x02000000) r |= 0x20;       /* PROT_GROWSUP */
	return r;
}

SK_PPM_INLINE sk_u32 sk_ppm_mmap_flags(sk_u64 f)
{
	sk_u32 r = 0;

	if (f & 0x01) r |= 0x1;       /* MAP_SHARED */
	if (f & 0x02) r |= 0x2;       /* MAP_PRIVATE */
	if (f & 0x10) r |= 0x4;       /* MAP_FIXED */
	if (f & 0x20) r |= 0x8;       /* MAP_ANONYMOUS */
	if (f & 0x40) r |= 0x10;      /* MAP_32BIT */
	if (f & 0x4000) r |= 0x40;    /* MAP_NORESERVE */
	if (f & 0x8000) r |= 0x80;    /* MAP_POPULATE */
	if (f & 0x10000) r |= 0x100;  /* MAP_NONBLOCK */
	if (f & 0x0100) r |= 0x200;   /* MAP_GROWSDOWN */
	if (f & 0x0800) r |= 0x400;   /* MAP_DENYWRITE */
	if (f & 0x1000) r |= 0x800;   /* MAP_EXECUTABLE */
	if (f & 0x2000) r |= 0x4000;  /* MAP_LOCKED */
	return r;
}

SK_PPM_INLINE sk_u32 sk_ppm_fcntl_cmd(sk_u32 c)
{
	switch (c) {
	case 0: return 0x1;     /* F_DUPFD */
	case 1: return 0x2;     /* F_GETFD */
	case 2: return 0x3;     /* F_SETFD */
	case 3: return 0x4;     /* F_GETFL */
	case 4: return 0x5;     /* F_SETFL */
	case 5: return 0x6;     /* F_GETLK */
	case 6: return 0x8;     /* F_SETLK */
	case 7: return 0x9;     /* F_SETLKW */
	case 8: return 0xa;     /* F_SETOWN */
	case 9: return 0xc;     /* F_GETOWN */
	case 10: return 0xd;    /* F_SETSIG */
	case 11: return 0xf;    /* F_GETSIG */
	case 15: return 0x15;   /* F_SETOWN_EX */
	case 16: return 0x16;   /* F_GETOWN_EX */
	case 36: return 0x1e;   /* F_OFD_GETLK */
	case 37: return 0x1f;   /* F_OFD_SETLK */
	case 38: return 0x20;   /* F_OFD_SETLKW */
	case 1024: return 0x17; /* F_SETLEASE */
	case 1025: return 0x18; /* F_GETLEASE */
	case 1026: return 0x1b; /* F_NOTIFY */
	case 1029: return 0x19; /* F_CANCELLK */
	case 1030: return 0x1a; /* F_DUPFD_CLOEXEC */
	case 1031: return 0x1c; /* F_SETPIPE_SZ */
	case 1032: return 0x1d; /* F_GETPIPE_SZ */
	default: return 0;      /* UNKNOWN */
	}
}

SK_PPM_INLINE sk_u32 sk_ppm_ptrace_req(sk_u64 r)
{
	if (r <= 9)
		return (sk_u32)r + 1; /* TRACEME .. SINGLESTEP */
	switch (r) {
	case 12: return 0x1a; case 13: return 0x1b; case 14: return 0x1c; case 15: return 0x1d;
	case 16: return 0xb;  /* ATTACH */
	case 17: return 0xc;  /* DETACH */
	case 18: return 0x1e; case 19: return 0x1f; case 21: return 0x20;
	case 24: return 0xd;  /* SYSCALL */
	case 25: return 0x21; case 26: return 0x22; case 30: return 0x23;
	case 31: return 0x24; case 32: return 0x25; case 33: return 0x26;
	case 0x4200: return 0xe;  case 0x4201: return 0xf;  case 0x4202: return 0x10;
	case 0x4203: return 0x11; case 0x4204: return 0x12; case 0x4205: return 0x13;
	case 0x4206: return 0x14; /* SEIZE */
	case 0x4207: return 0x15; case 0x4208: return 0x16; case 0x4209: return 0x17;
	case 0x420a: return 0x18; case 0x420b: return 0x19;
	default: return 0;
	}
}

/* fchownat AT_* flags. */
SK_PPM_INLINE sk_u32 sk_ppm_fchownat_flags(sk_u64 f)
{
	sk_u32 r = 0;

	if (f & 0x100) r |= 0x400;   /* AT_SYMLINK_NOFOLLOW */
	if (f & 0x1000) r |= 0x1000; /* AT_EMPTY_PATH */
	return r;
}

/* execveat AT_* flags. */
SK_PPM_INLINE sk_u32 sk_ppm_execveat_flags(sk_u64 f)
{
	sk_u32 r = 0;

	if (f & 0x1000) r |= 0x1; /* AT_EMPTY_PATH */
	if (f & 0x100) r |= 0x2;  /* AT_SYMLINK_NOFOLLOW */
	return r;
}

SK_PPM_INLINE sk_u32 sk_ppm_delete_module_flags(sk_u64 f)
{
	sk_u32 r = 0;

	if (f & SK_K_O_NONBLOCK) r |= 0x2;
	if (f & SK_K_O_TRUNC) r |= 0x1;
	return r;
}

/* mount(2) flags: the historic magic number in the high half is dropped. */
SK_PPM_INLINE sk_u32 sk_ppm_mount_flags(sk_u64 f)
{
	if ((f & 0xffff0000u) == 0xc0ed0000u)
		f &= 0xffffu;
	return (sk_u32)f;
}

/* Socket option levels (linux/socket.h, netinet/in.h) and sockopt_levels. */
#define SK_K_SOL_SOCKET 1u
#define SK_K_SOL_TCP 6u
#define SK_PPM_SOCKOPT_LEVEL_SOL_SOCKET 0x1u
#define SK_PPM_SOCKOPT_LEVEL_SOL_TCP 0x2u

SK_PPM_INLINE sk_u32 sk_ppm_sockopt_level(sk_u32 level)
{
	if (level == SK_K_SOL_SOCKET)
		return SK_PPM_SOCKOPT_LEVEL_SOL_SOCKET;
	if (level == SK_K_SOL_TCP)
		return SK_PPM_SOCKOPT_LEVEL_SOL_TCP;
	return 0;
}

/* SOL_SOCKET option numbers (asm-generic/socket.h) that sockopt_options names differently. */
#define SK_K_SO_ERROR 4u
#define SK_K_SO_RCVTIMEO_OLD 20u
#define SK_K_SO_SNDTIMEO_OLD 21u
#define SK_K_SO_DETACH_FILTER 27u
#define SK_K_SO_PEERNAME 28u
#define SK_K_SO_PEERSEC 31u
#define SK_K_SO_ATTACH_BPF 50u
#define SK_K_SO_MEMINFO 55u
#define SK_K_SO_COOKIE 57u
#define SK_K_SO_PEERGROUPS 59u
#define SK_K_SO_TIMESTAMP_NEW 63u
#define SK_K_SO_TIMESTAMPNS_NEW 64u
#define SK_K_SO_TIMESTAMPING_NEW 65u
#define SK_K_SO_RCVTIMEO_NEW 66u
#define SK_K_SO_SNDTIMEO_NEW 67u

/*
 * sockopt_options: SOL_SOCKET options 1..50 (SO_DEBUG .. SO_ATTACH_BPF) keep
 * their numbers; later ones and the y2038 _NEW variants are mapped; every
 * other level's option is UNKNOWN (0).
 */
SK_PPM_INLINE sk_u32 sk_ppm_sockopt_name(sk_u32 level, sk_u32 name)
{
	if (level != SK_K_SOL_SOCKET)
		return 0;
	if (name >= 1 && name <= SK_K_SO_ATTACH_BPF)
		return name;
	switch (name) {
	case SK_K_SO_PEERGROUPS: return 0x33;
	case SK_K_SO_MEMINFO: return 0x34;
	case SK_K_SO_COOKIE: return 0x35;
	case SK_K_SO_TIMESTAMP_NEW: return 29;   /* SO_TIMESTAMP */
	case SK_K_SO_TIMESTAMPNS_NEW: return 35; /* SO_TIMESTAMPNS */
	case SK_K_SO_TIMESTAMPING_NEW: return 37;
	case SK_K_SO_RCVTIMEO_NEW: return SK_K_SO_RCVTIMEO_OLD;
	case SK_K_SO_SNDTIMEO_NEW: return SK_K_SO_SNDTIMEO_OLD;
	default: return 0;
	}
}

/* sockopt_dynamic_param: how an option's value is typed in the val parameter. */
enum sk_sockopt_kind {
	SK_SOCKOPT_BYTEBUF = 0, /* the raw bytes */
	SK_SOCKOPT_ERRNO = 1,	/* SO_ERROR: the pending error, negated */
	SK_SOCKOPT_UINT32 = 2,	/* integer options */
	SK_SOCKOPT_UINT64 = 3,	/* SO_COOKIE */
	SK_SOCKOPT_RELTIME = 4, /* SO_RCVTIMEO/SO_SNDTIMEO: struct timeval as ns */
};

SK_PPM_INLINE enum sk_sockopt_kind sk_ppm_sockopt_kind(sk_u32 level, sk_u32 name)
{
	if (level != SK_K_SOL_SOCKET)
		return SK_SOCKOPT_BYTEBUF;
	switch (name) {
	case SK_K_SO_ERROR:
		return SK_SOCKOPT_ERRNO;
	case SK_K_SO_RCVTIMEO_OLD:
	case SK_K_SO_SNDTIMEO_OLD:
	case SK_K_SO_RCVTIMEO_NEW:
	case SK_K_SO_SNDTIMEO_NEW:
		return SK_SOCKOPT_RELTIME;
	case SK_K_SO_COOKIE:
		return SK_SOCKOPT_UINT64;
	case SK_K_SO_DETACH_FILTER:
	case SK_K_SO_PEERNAME:
	case SK_K_SO_PEERSEC:
	case 13: /* SO_LINGER: struct linger */
	case 17: /* SO_PEERCRED: struct ucred */
	case 25: /* SO_BINDTODEVICE: a name */
	case 26: /* SO_ATTACH_FILTER: struct sock_fprog */
		return SK_SOCKOPT_BYTEBUF;
	default:
		/* the other options up to SO_INCOMING_CPU (49) are ints */
		return name >= 1 && name <= 49 ? SK_SOCKOPT_UINT32 : SK_SOCKOPT_BYTEBUF;
	}
}

#endif
