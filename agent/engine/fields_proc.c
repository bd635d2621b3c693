/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The proc and thread field classes. Everything except thread.tid comes from
 * the state engine through ctx->state_ops (the thread table); without it
 * these fields extract no value.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "field_impl.h"

/* Ancestors walked by proc.aname/apid/... and the session/login-shell lookups. */
#define SK_PROC_ANCESTORS_MAX 64u
/* Longest joined text (cmdline, env, cgroups, capability names). */
#define SK_PROC_TEXT_MAX 8192u

enum proc_id {
	P_PID,
	P_EXE,
	P_NAME,
	P_ARGS,
	P_ENV,
	P_CMDLINE,
	P_EXELINE,
	P_CWD,
	P_NTHREADS,
	P_NCHILDS,
	P_PPID,
	P_PNAME,
	P_PCMDLINE,
	P_PEXE,
	P_PEXEPATH,
	P_PVPID,
	P_APID,
	P_ANAME,
	P_AEXE,
	P_AEXEPATH,
	P_LOGINSHELLID,
	P_DURATION,
	P_FDOPENCOUNT,
	P_FDLIMIT,
	P_FDUSAGE,
	P_VMSIZE,
	P_VMRSS,
	P_VMSWAP,
	P_VPID,
	P_SID,
	P_SNAME,
	P_TTY,
	P_EXEPATH,
	P_VPGID,
	P_PGID,
	P_IS_CONTAINER_HEALTHCHECK,
	P_IS_CONTAINER_LIVENESS_PROBE,
	P_IS_CONTAINER_READINESS_PROBE,
	P_IS_EXE_WRITABLE,
	P_IS_EXE_UPPER_LAYER,
	P_IS_EXE_LOWER_LAYER,
	P_IS_EXE_FROM_MEMFD,
	P_EXE_INO,
	P_EXE_INO_CTIME,
	P_EXE_INO_MTIME,
	P_EXE_INO_CTIME_DURATION_PROC_START,
	P_EXE_INO_CTIME_DURATION_PIDNS_START,
	P_PIDNS_INIT_START_TS,
	P_IS_VPGID_LEADER,
	P_IS_SID_LEADER,
	P_CMDNARGS,
	P_CMDLENARGS,
	P_COUNT_,
};

#define IDX (SK_FIELD_ARG_ALLOWED | SK_FIELD_ARG_INDEX)

static const struct sk_field proc_fields[] = {
    SK_F(P_PID, "proc.pid", PT_INT64, 0, "process id of the thread that made the event"),
    SK_F(P_EXE, "proc.exe", PT_CHARBUF, 0,
	 "first command-line argument (argv[0]), usually the program as invoked"),
    SK_F(P_NAME, "proc.name", PT_CHARBUF, 0, "program name without its directory (comm)"),
    SK_F(P_ARGS, "proc.args", PT_CHARBUF, 0,
	 "command-line arguments after the program, joined with spaces"),
    SK_F(P_ENV, "proc.env", PT_CHARBUF, SK_FIELD_ARG_ALLOWED | SK_FIELD_ARG_KEY,
	 "environment of the process; proc.env[NAME] gives one variable's value"),
    SK_F(P_CMDLINE, "proc.cmdline", PT_CHARBUF, 0, "proc.name followed by proc.args"),
    SK_F(P_EXELINE, "proc.exeline", PT_CHARBUF, 0, "proc.exe followed by proc.args"),
    SK_F(P_CWD, "proc.cwd", PT_CHARBUF, 0, "working directory of the process"),
    SK_F(P_NTHREADS, "proc.nthreads", PT_UINT32, 0, "threads of the process, main one included"),
    SK_F(P_NCHILDS, "proc.nchilds", PT_UINT32, 0, "threads of the process besides the main one"),
    SK_F(P_PPID, "proc.ppid", PT_INT64, 0, "process id of the parent"),
    SK_F(P_PNAME, "proc.pname", PT_CHARBUF, 0, "proc.name of the parent"),
    SK_F(P_PCMDLINE, "proc.pcmdline", PT_CHARBUF, 0, "proc.cmdline of the parent"),
    SK_F(P_PEXE, "proc.pexe", PT_CHARBUF, 0, "proc.exe of the parent"),
    SK_F(P_PEXEPATH, "proc.pexepath", PT_CHARBUF, 0, "proc.exepath of the parent"),
    SK_F(P_PVPID, "proc.pvpid", PT_INT64, 0, "proc.vpid of the parent"),
    SK_F(P_APID, "proc.apid", PT_INT64, IDX,
	 "pid of an ancestor: [1] parent, [2] grandparent...; without index (filters "
	 "only) any ancestor matches"),
    SK_F(P_ANAME, "proc.aname", PT_CHARBUF, IDX,
	 "proc.name of an ancestor: [0] self, [1] parent...; without index any ancestor"),
    SK_F(P_AEXE, "proc.aexe", PT_CHARBUF, IDX, "proc.exe of an ancestor, indexed like proc.aname"),
    SK_F(P_AEXEPATH, "proc.aexepath", PT_CHARBUF, IDX,
	 "proc.exepath of an ancestor, indexed like proc.aname"),
    SK_F(P_LOGINSHELLID, "proc.loginshellid", PT_INT64, 0,
	 "pid of the eldest shell among the ancestors, which tells user sessions apart"),
    SK_F(P_DURATION, "proc.duration", PT_RELTIME, 0, "nanoseconds since the process started"),
    SK_F(P_FDOPENCOUNT, "proc.fdopencount", PT_UINT64, 0, "fds the process has open"),
    SK_F(P_FDLIMIT, "proc.fdlimit", PT_INT64, 0, "most fds the process may open"),
    SK_F(P_FDUSAGE, "proc.fdusage", PT_DOUBLE, 0, "open fds as a percentage of the fd limit"),
    SK_F(P_VMSIZE, "proc.vmsize", PT_UINT64, 0, "virtual memory of the process, in kB"),
    SK_F(P_VMRSS, "proc.vmrss", PT_UINT64, 0, "resident (not swapped) memory, in kB"),
    SK_F(P_VMSWAP, "proc.vmswap", PT_UINT64, 0, "swapped-out memory, in kB"),
    SK_F(P_VPID, "proc.vpid", PT_INT64, 0, "process id inside its own pid namespace"),
    SK_F(P_SID, "proc.sid", PT_INT64, 0, "session id of the process"),
    SK_F(P_SNAME, "proc.sname", PT_CHARBUF, 0,
	 "proc.name of the session leader (or of the eldest ancestor in the same session)"),
    SK_F(P_TTY, "proc.tty", PT_INT32, 0, "controlling terminal; 0 when there is none"),
    SK_F(P_EXEPATH, "proc.exepath", PT_CHARBUF, 0, "full path of the executable file"),
    SK_F(P_VPGID, "proc.vpgid", PT_INT64, 0, "process group id inside the process's pid namespace"),
    SK_F(P_PGID, "proc.pgid", PT_INT64, 0, "process group id"),
    SK_F(P_IS_CONTAINER_HEALTHCHECK, "proc.is_container_healthcheck", PT_BOOL, 0,
	 "true when the process runs a container's health check"),
    SK_F(P_IS_CONTAINER_LIVENESS_PROBE, "proc.is_container_liveness_probe", PT_BOOL, 0,
	 "true when the process runs a container's liveness probe"),
    SK_F(P_IS_CONTAINER_READINESS_PROBE, "proc.is_container_readiness_probe", PT_BOOL, 0,
	 "true when the process runs a container's readiness probe"),
    SK_F(P_IS_EXE_WRITABLE, "proc.is_exe_writable", PT_BOOL, 0,
	 "true when the user that started the process may write its executable"),
    SK_F(P_IS_EXE_UPPER_LAYER, "proc.is_exe_upper_layer", PT_BOOL, 0,
	 "true when the executable lives in the upper (writable) layer of an overlay fs"),
    SK_F(P_IS_EXE_LOWER_LAYER, "proc.is_exe_lower_layer", PT_BOOL, 0,
	 "true when the executable lives in a lower layer of an overlay fs"),
    SK_F(P_IS_EXE_FROM_MEMFD, "proc.is_exe_from_memfd", PT_BOOL, 0,
	 "true when the executable is a memfd (fileless execution)"),
    SK_F(P_EXE_INO, "proc.exe_ino", PT_UINT64, 0, "inode number of the executable"),
    SK_F(P_EXE_INO_CTIME, "proc.exe_ino.ctime", PT_ABSTIME, 0,
	 "last status change time of the executable's inode"),
    SK_F(P_EXE_INO_MTIME, "proc.exe_ino.mtime", PT_ABSTIME, 0,
	 "last modification time of the executable's inode"),
    SK_F(P_EXE_INO_CTIME_DURATION_PROC_START, "proc.exe_ino.ctime_duration_proc_start", PT_RELTIME,
	 0, "nanoseconds from the executable's last status change to the process start"),
    SK_F(P_EXE_INO_CTIME_DURATION_PIDNS_START, "proc.exe_ino.ctime_duration_pidns_start",
	 PT_RELTIME, 0,
	 "nanoseconds from the pid namespace's start to the executable's last status change"),
    SK_F(P_PIDNS_INIT_START_TS, "proc.pidns_init_start_ts", PT_UINT64, 0,
	 "start time of the first process of the pid namespace"),
    SK_F(P_IS_VPGID_LEADER, "proc.is_vpgid_leader", PT_BOOL, 0,
	 "true when the process leads its process group"),
    SK_F(P_IS_SID_LEADER, "proc.is_sid_leader", PT_BOOL, 0,
	 "true when the process leads its session"),
    SK_F(P_CMDNARGS, "proc.cmdnargs", PT_UINT64, 0, "number of command-line arguments"),
    SK_F(P_CMDLENARGS, "proc.cmdlenargs", PT_UINT64, 0,
	 "total length of the command-line arguments"),
};

enum thread_id {
	T_PFMAJOR,
	T_PFMINOR,
	T_TID,
	T_ISMAIN,
	T_EXECTIME,
	T_TOTEXECTIME,
	T_CGROUPS,
	T_CGROUP,
	T_VTID,
	T_CPU,
	T_CPU_USER,
	T_CPU_SYSTEM,
	T_VMSIZE,
	T_VMRSS,
	T_CAP_PERMITTED,
	T_CAP_INHERITABLE,
	T_CAP_EFFECTIVE,
	T_COUNT_,
};

static const struct sk_field thread_fields[] = {
    SK_F(T_PFMAJOR, "thread.pfmajor", PT_UINT64, 0, "major page faults since the thread began"),
    SK_F(T_PFMINOR, "thread.pfminor", PT_UINT64, 0, "minor page faults since the thread began"),
    SK_F(T_TID, "thread.tid", PT_INT64, 0, "id of the thread that made the event"),
    SK_F(T_ISMAIN, "thread.ismain", PT_BOOL, 0, "true for the main thread of its process"),
    SK_F(T_EXECTIME, "thread.exectime", PT_RELTIME, 0,
	 "switch events only: CPU nanoseconds of the thread scheduled out"),
    SK_F(T_TOTEXECTIME, "thread.totexectime", PT_RELTIME, 0,
	 "switch events only: CPU nanoseconds of the thread since the stream began"),
    SK_F(T_CGROUPS, "thread.cgroups", PT_CHARBUF, 0,
	 "every cgroup of the thread as subsystem=path, joined with spaces"),
    SK_F(T_CGROUP, "thread.cgroup", PT_CHARBUF,
	 SK_FIELD_NAME_ARG | SK_FIELD_ARG_REQUIRED | SK_FIELD_ARG_KEY,
	 "cgroup path of the thread for one subsystem, e.g. thread.cgroup.cpuacct"),
    SK_F(T_VTID, "thread.vtid", PT_INT64, 0, "thread id inside its own pid namespace"),
    SK_F(T_CPU, "thread.cpu", PT_DOUBLE, 0, "CPU the thread used during the last second"),
    SK_F(T_CPU_USER, "thread.cpu.user", PT_DOUBLE, 0, "user CPU of the last second"),
    SK_F(T_CPU_SYSTEM, "thread.cpu.system", PT_DOUBLE, 0, "system CPU of the last second"),
    SK_F(T_VMSIZE, "thread.vmsize", PT_UINT64, 0,
	 "main thread: virtual memory of the process in kB; other threads: 0"),
    SK_F(T_VMRSS, "thread.vmrss", PT_UINT64, 0,
	 "main thread: resident memory of the process in kB; other threads: 0"),
    SK_F(T_CAP_PERMITTED, "thread.cap_permitted", PT_CHARBUF, 0,
	 "permitted capability set, as names joined with spaces"),
    SK_F(T_CAP_INHERITABLE, "thread.cap_inheritable", PT_CHARBUF, 0,
	 "inheritable capability set, as names joined with spaces"),
    SK_F(T_CAP_EFFECTIVE, "thread.cap_effective", PT_CHARBUF, 0,
	 "effective capability set, as names joined with spaces"),
};

_Static_assert(SK_NELEM(proc_fields) == P_COUNT_, "proc_fields covers every id");
_Static_assert(SK_NELEM(thread_fields) == T_COUNT_, "thread_fields covers every id");

/* Linux capability names by bit number. */
static const char *const cap_names[] = {
    "CAP_CHOWN",
    "CAP_DAC_OVERRIDE",
    "CAP_DAC_READ_SEARCH",
    "CAP_FOWNER",
    "CAP_FSETID",
    "CAP_KILL",
    "CAP_SETGID",
    "CAP_SETUID",
    "CAP_SETPCAP",
    "CAP_LINUX_IMMUTABLE",
    "CAP_NET_BIND_SERVICE",
    "CAP_NET_BROADCAST",
    "CAP_NET_ADMIN",
    "CAP_NET_RAW",
    "CAP_IPC_LOCK",
    "CAP_IPC_OWNER",
    "CAP_SYS_MODULE",
    "CAP_SYS_RAWIO",
    "CAP_SYS_CHROOT",
    "CAP_SYS_PTRACE",
    "CAP_SYS_PACCT",
    "CAP_SYS_ADMIN",
    "CAP_SYS_BOOT",
    "CAP_SYS_NICE",
    "CAP_SYS_RESOURCE",
    "CAP_SYS_TIME",
    "CAP_SYS_TTY_CONFIG",
    "CAP_MKNOD",
    "CAP_LEASE",
    "CAP_AUDIT_WRITE",
    "CAP_AUDIT_CONTROL",
    "CAP_SETFCAP",
    "CAP_MAC_OVERRIDE",
    "CAP_MAC_ADMIN",
    "CAP_SYSLOG",
    "CAP_WAKE_ALARM",
    "CAP_BLOCK_SUSPEND",
    "CAP_AUDIT_READ",
    "CAP_PERFMON",
    "CAP_BPF",
    "CAP_CHECKPOINT_RESTORE",
};

/* Shell programs for proc.loginshellid. */
static bool is_shell(const char *comm)
{
	static const char *const shells[] = {"sh",  "bash", "dash", "zsh", "ksh",
					     "csh", "tcsh", "fish", "ash"};

	for (unsigned i = 0; i < SK_NELEM(shells); i++)
		if (strcmp(comm, shells[i]) == 0)
			return true;
	return false;
}

/* Text builder over the scratch buffer. */
struct text {
	char *buf;
	size_t len, cap;
};

static bool text_begin(struct sk_eval_ctx *ctx, struct text *t)
{
	size_t room = ctx->scratch ? ctx->scratch_cap - ctx->scratch_used : 0;

	t->cap = room < SK_PROC_TEXT_MAX ? room : SK_PROC_TEXT_MAX;
	t->buf = ctx->scratch ? ctx->scratch + ctx->scratch_used : NULL;
	t->len = 0;
	return t->cap > 0;
}

static void text_add(struct text *t, const char *s, size_t n)
{
	if (t->len + n + 1 > t->cap)
		n = t->cap - 1 - t->len;
	memcpy(t->buf + t->len, s, n);
	t->len += n;
}

/* A list of NUL-terminated entries ("a\0\0b\0" = a, "", b) joined with sep. */
static void text_add_list(struct text *t, const char *list, uint32_t len, char sep)
{
	uint32_t i = 0;

	while (i < len) {
		size_t n = strnlen(list + i, len - i);

		if (i > 0)
			text_add(t, &sep, 1);
		text_add(t, list + i, n);
		i += (uint32_t)n + 1;
	}
}

static int text_end(struct sk_eval_ctx *ctx, struct text *t, struct sk_value *v)
{
	t->buf[t->len] = '\0';
	ctx->scratch_used += t->len + 1;
	return sk_val_strn(v, t->buf, t->len);
}

/*
 * "name arg1 arg2" from a program name and its argument list: each argument
 * adds a space, empty ones too (sshd with two empty arguments: "sshd  ").
 */
static int cmdline(struct sk_eval_ctx *ctx, const char *prog, const char *args, uint32_t args_len,
		   struct sk_value *v)
{
	struct text t;

	if (!text_begin(ctx, &t))
		return 0;
	text_add(&t, prog ? prog : "", prog ? strlen(prog) : 0);
	if (args_len > 0) {
		text_add(&t, " ", 1);
		text_add_list(&t, args, args_len, ' ');
	}
	return text_end(ctx, &t, v);
}

/* An environment's entries joined with spaces, empty entries left out as sysdig does. */
static int env_joined(struct sk_eval_ctx *ctx, const char *list, uint32_t len, struct sk_value *v)
{
	struct text t;
	uint32_t i = 0;

	if (!text_begin(ctx, &t))
		return 0;
	while (i < len) {
		size_t n = strnlen(list + i, len - i);

		if (n > 0) {
			if (t.len)
				text_add(&t, " ", 1);
			text_add(&t, list + i, n);
		}
		i += (uint32_t)n + 1;
	}
	return text_end(ctx, &t, v);
}

static int joined(struct sk_eval_ctx *ctx, const char *list, uint32_t len, struct sk_value *v)
{
	struct text t;

	if (!text_begin(ctx, &t))
		return 0;
	text_add_list(&t, list, len, ' ');
	return text_end(ctx, &t, v);
}

/* proc.env[NAME]: the value of one variable. */
static int env_var(const char *env, uint32_t len, const char *name, struct sk_value *v)
{
	size_t nl = strlen(name);
	uint32_t i = 0;

	while (i < len) {
		size_t n = strnlen(env + i, len - i);

		if (n > nl && memcmp(env + i, name, nl) == 0 && env[i + nl] == '=')
			return sk_val_strn(v, env + i + nl + 1, n - nl - 1);
		i += (uint32_t)n + 1;
	}
	return 0;
}

static bool parent_of(struct sk_eval_ctx *ctx, const struct sk_thread_view *t,
		      struct sk_thread_view *p)
{
	if (!ctx->state_ops->parent)
		return false;
	memset(p, 0, sizeof(*p));
	return ctx->state_ops->parent(ctx->state, t, p);
}

/* One value of an ancestor for the ancestor fields. */
static int ancestor_value(struct sk_eval_ctx *ctx, unsigned id, const struct sk_thread_view *a,
			  struct sk_value *v)
{
	switch (id) {
	case P_APID:
		return sk_val_i(v, PT_INT64, a->pid);
	case P_ANAME:
		return sk_val_str(v, a->comm);
	case P_AEXE:
		return sk_val_str(v, a->exe);
	default:
		return sk_val_str(v, a->exepath);
	}
}

/*
 * proc.a*[N]: the Nth ancestor (0 = the process itself). Without an index,
 * every ancestor from the parent up, one value each (filters match any).
 */
/* The main thread of t's process (sysdig walks ancestors from it), else t. */
static void main_thread_of(struct sk_eval_ctx *ctx, const struct sk_thread_view *t,
			   struct sk_thread_view *out)
{
	if (t->pid != t->tid) {
		memset(out, 0, sizeof(*out));
		if (ctx->state_ops->thread(ctx->state, t->pid, out))
			return;
	}
	*out = *t;
}

static int extract_ancestor(const struct sk_field_ref *ref, struct sk_eval_ctx *ctx,
			    const struct sk_thread_view *self, struct sk_value *vals, unsigned cap)
{
	struct sk_thread_view cur, next;
	unsigned id = ref->field->id;
	unsigned n = 0;

	main_thread_of(ctx, self, &cur);
	if (ref->prepared == 1) {
		for (int64_t i = 0; i < ref->arg_index; i++) {
			if (i >= (int64_t)SK_PROC_ANCESTORS_MAX || !parent_of(ctx, &cur, &next))
				return 0;
			cur = next;
		}
		return ancestor_value(ctx, id, &cur, vals);
	}
	for (unsigned i = 0; i < SK_PROC_ANCESTORS_MAX && n < cap; i++) {
		if (!parent_of(ctx, &cur, &next))
			break;
		cur = next;
		n += (unsigned)ancestor_value(ctx, id, &cur, &vals[n]);
	}
	return (int)n;
}

static int extract_parent(struct sk_eval_ctx *ctx, unsigned id, const struct sk_thread_view *t,
			  struct sk_value *v)
{
	struct sk_thread_view p;

	if (!parent_of(ctx, t, &p))
		return 0;
	switch (id) {
	case P_PNAME:
		return sk_val_str(v, p.comm);
	case P_PCMDLINE:
		return cmdline(ctx, p.comm, p.args, p.args_len, v);
	case P_PEXE:
		return sk_val_str(v, p.exe);
	case P_PEXEPATH:
		return sk_val_str(v, p.exepath);
	default: /* P_PVPID */
		return sk_val_i(v, PT_INT64, p.vpid);
	}
}

/*
 * proc.sname: the eldest of the process and its ancestors that share its
 * session id. proc.loginshellid: the pid of the eldest shell among the
 * process and its ancestors; no value without one.
 */
static int extract_walk(struct sk_eval_ctx *ctx, unsigned id, const struct sk_thread_view *t,
			struct sk_value *v)
{
	struct sk_thread_view cur, next;
	const char *leader;
	int64_t shell;

	main_thread_of(ctx, t, &cur);
	leader = cur.comm;
	shell = cur.comm && is_shell(cur.comm) ? cur.pid : -1;

	for (unsigned i = 0; i < SK_PROC_ANCESTORS_MAX && parent_of(ctx, &cur, &next); i++) {
		cur = next;
		if (id == P_SNAME) {
			if (cur.sid != t->sid)
				break;
			leader = cur.comm;
		} else if (cur.comm && is_shell(cur.comm)) {
			shell = cur.pid;
		}
	}
	if (id == P_SNAME)
		return sk_val_str(v, leader);
	return shell >= 0 ? sk_val_i(v, PT_INT64, shell) : 0;
}

static uint64_t args_count(const struct sk_thread_view *t, bool lengths)
{
	uint64_t n = 0;
	uint32_t i = 0;

	while (i < t->args_len) {
		size_t l = strnlen(t->args + i, t->args_len - i);

		n += lengths ? l : 1;
		i += (uint32_t)l + 1;
	}
	return n;
}

static uint64_t since(uint64_t later, uint64_t earlier)
{
	return later > earlier && earlier ? later - earlier : 0;
}

static int extract_proc_simple(struct sk_eval_ctx *ctx, unsigned id, const struct sk_thread_view *t,
			       struct sk_value *v)
{
	switch (id) {
	case P_PID:
		return sk_val_i(v, PT_INT64, t->pid);
	case P_EXE:
		return sk_val_str(v, t->exe);
	case P_NAME:
		return sk_val_str(v, t->comm);
	case P_ARGS:
		return joined(ctx, t->args, t->args_len, v);
	case P_CMDLINE:
		return cmdline(ctx, t->comm, t->args, t->args_len, v);
	case P_EXELINE:
		return cmdline(ctx, t->exe, t->args, t->args_len, v);
	case P_CWD:
		return sk_val_str(v, t->cwd);
	case P_NTHREADS:
		return sk_val_u(v, PT_UINT32, t->nthreads);
	case P_NCHILDS:
		return sk_val_u(v, PT_UINT32, t->nchilds);
	case P_DURATION: /* no value while the start time is unknown, as sysdig */
		return t->clone_ts ? sk_val_u(v, PT_RELTIME, since(ctx->evt->hdr->ts, t->clone_ts))
				   : 0;
	case P_FDOPENCOUNT:
		return sk_val_u(v, PT_UINT64, t->fdopencount);
	case P_FDLIMIT:
		return sk_val_i(v, PT_INT64, t->fdlimit);
	case P_FDUSAGE:
		if (t->fdlimit <= 0)
			return 0;
		*v = (struct sk_value){
		    .type = PT_DOUBLE, .len = 8, .d = (double)t->fdopencount / (double)t->fdlimit};
		return 1;
	case P_VMSIZE:
		return sk_val_u(v, PT_UINT64, t->vmsize_kb);
	case P_VMRSS:
		return sk_val_u(v, PT_UINT64, t->vmrss_kb);
	case P_VMSWAP:
		return sk_val_u(v, PT_UINT64, t->vmswap_kb);
	case P_VPID: /* unknown (-1) for threads met only in events: no value, as sysdig */
		return t->vpid >= 0 ? sk_val_i(v, PT_INT64, t->vpid) : 0;
	case P_SID:
		return sk_val_i(v, PT_INT64, t->sid);
	case P_TTY:
		return sk_val_i(v, PT_INT32, t->tty);
	case P_EXEPATH:
		return sk_val_str(v, t->exepath);
	case P_VPGID:
		return sk_val_i(v, PT_INT64, t->vpgid);
	case P_PGID:
		return sk_val_i(v, PT_INT64, t->pgid);
	case P_IS_EXE_WRITABLE:
		return sk_val_bool(v, t->exe_writable);
	case P_IS_EXE_UPPER_LAYER:
		return sk_val_bool(v, t->exe_upper_layer);
	case P_IS_EXE_LOWER_LAYER:
		return sk_val_bool(v, t->exe_lower_layer);
	case P_IS_EXE_FROM_MEMFD:
		return sk_val_bool(v, t->exe_from_memfd);
	case P_EXE_INO:
		return sk_val_u(v, PT_UINT64, t->exe_ino);
	case P_EXE_INO_CTIME:
		return sk_val_u(v, PT_ABSTIME, t->exe_ino_ctime);
	case P_EXE_INO_MTIME:
		return sk_val_u(v, PT_ABSTIME, t->exe_ino_mtime);
	case P_EXE_INO_CTIME_DURATION_PROC_START:
		return sk_val_u(v, PT_RELTIME, since(t->clone_ts, t->exe_ino_ctime));
	case P_EXE_INO_CTIME_DURATION_PIDNS_START:
		return sk_val_u(v, PT_RELTIME, since(t->exe_ino_ctime, t->pidns_init_start_ts));
	case P_PIDNS_INIT_START_TS:
		return sk_val_u(v, PT_UINT64, t->pidns_init_start_ts);
	case P_IS_VPGID_LEADER:
		return sk_val_bool(v, t->vpgid != 0 && t->vpid == t->vpgid);
	case P_IS_SID_LEADER:
		return sk_val_bool(v, t->sid != 0 && t->vpid == t->sid);
	case P_CMDNARGS:
		return sk_val_u(v, PT_UINT64, args_count(t, false));
	case P_CMDLENARGS:
		return sk_val_u(v, PT_UINT64, args_count(t, true));
	default:
		/* proc.is_container_*: the state engine does not track probes yet. */
		return 0;
	}
}

static int extract_proc(const struct sk_field_ref *ref, struct sk_eval_ctx *ctx,
			struct sk_value *vals, unsigned cap)
{
	struct sk_thread_view t;
	unsigned id = ref->field->id;

	if (cap == 0 || !sk_field_event_thread(ctx, &t))
		return 0;
	switch (id) {
	case P_ENV:
		if (ref->arg)
			return env_var(t.env, t.env_len, ref->arg, vals);
		return env_joined(ctx, t.env, t.env_len, vals);
	case P_PPID: /* the parent's id as recorded, even when the parent is gone */
		return sk_val_i(vals, PT_INT64, t.ptid);
	case P_PNAME:
	case P_PCMDLINE:
	case P_PEXE:
	case P_PEXEPATH:
	case P_PVPID:
		return extract_parent(ctx, id, &t, vals);
	case P_APID:
	case P_ANAME:
	case P_AEXE:
	case P_AEXEPATH:
		return extract_ancestor(ref, ctx, &t, vals, cap);
	case P_SNAME:
	case P_LOGINSHELLID:
		return extract_walk(ctx, id, &t, vals);
	default:
		return extract_proc_simple(ctx, id, &t, vals);
	}
}

static int caps_text(struct sk_eval_ctx *ctx, uint64_t caps, struct sk_value *v)
{
	struct text t;

	if (!text_begin(ctx, &t))
		return 0;
	for (unsigned i = 0; i < SK_NELEM(cap_names); i++) {
		if (!(caps & (1ull << i)))
			continue;
		if (t.len)
			text_add(&t, " ", 1);
		text_add(&t, cap_names[i], strlen(cap_names[i]));
	}
	return text_end(ctx, &t, v);
}

/* thread.cgroup.SUBSYS: the path of "SUBSYS=path" in the thread's cgroup list. */
static int cgroup_of(const struct sk_thread_view *t, const char *subsys, struct sk_value *v)
{
	return subsys ? env_var(t->cgroups, t->cgroups_len, subsys, v) : 0;
}

static int extract_thread(const struct sk_field_ref *ref, struct sk_eval_ctx *ctx,
			  struct sk_value *vals, unsigned cap)
{
	struct sk_thread_view t;
	unsigned id = ref->field->id;

	if (cap == 0 || !ctx->evt)
		return 0;
	if (id == T_TID)
		return sk_val_i(vals, PT_INT64, (int64_t)ctx->evt->hdr->tid);
	if (!sk_field_event_thread(ctx, &t))
		return 0;
	switch (id) {
	case T_PFMAJOR:
		return sk_val_u(vals, PT_UINT64, t.pfmajor);
	case T_PFMINOR:
		return sk_val_u(vals, PT_UINT64, t.pfminor);
	case T_ISMAIN:
		return sk_val_bool(vals, t.tid == t.pid);
	case T_CGROUPS: /* no value for a thread whose cgroups are unknown, as sysdig */
		return t.cgroups_len ? joined(ctx, t.cgroups, t.cgroups_len, vals) : 0;
	case T_CGROUP:
		return cgroup_of(&t, ref->arg, vals);
	case T_VTID:
		return t.vtid >= 0 ? sk_val_i(vals, PT_INT64, t.vtid) : 0;
	case T_VMSIZE:
		return sk_val_u(vals, PT_UINT64, t.tid == t.pid ? t.vmsize_kb : 0);
	case T_VMRSS:
		return sk_val_u(vals, PT_UINT64, t.tid == t.pid ? t.vmrss_kb : 0);
	case T_CAP_PERMITTED:
		return caps_text(ctx, t.cap_permitted, vals);
	case T_CAP_INHERITABLE:
		return caps_text(ctx, t.cap_inheritable, vals);
	case T_CAP_EFFECTIVE:
		return caps_text(ctx, t.cap_effective, vals);
	default:
		/* exectime/totexectime/cpu*: need scheduler accounting the state does not keep. */
		return 0;
	}
}

const struct sk_field_class sk_field_class_proc = {
    .name = "process",
    .source = "syscall",
    .desc = "The process that made the event, its parent and its ancestors",
    .fields = proc_fields,
    .nfields = SK_NELEM(proc_fields),
    .prepare = sk_field_prepare_common,
    .extract = extract_proc,
};

const struct sk_field_class sk_field_class_thread = {
    .name = "thread",
    .source = "syscall",
    .desc = "The thread that made the event",
    .fields = thread_fields,
    .nfields = SK_NELEM(thread_fields),
    .prepare = sk_field_prepare_common,
    .extract = extract_thread,
};
