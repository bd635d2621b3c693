/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The evt field class: values computed from the event itself (header,
 * parameters, event-table flags) with the text sysdig prints for them.
 *
 * Two classes share the "evt" prefix, as in sysdig: the fields that exist for
 * every event source (number, times, plugin info) and those that only make
 * sense for syscall events.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "field_impl.h"

/* Text of one rendered parameter (evt.arg) and of all of them (evt.args). */
#define EVT_ARG_TEXT_MAX 4096u
#define EVT_ARGS_TEXT_MAX 16384u

enum evt_all_id {
	EA_NUM,
	EA_TIME,
	EA_TIME_S,
	EA_TIME_ISO8601,
	EA_DATETIME,
	EA_DATETIME_S,
	EA_RAWTIME,
	EA_RAWTIME_S,
	EA_RAWTIME_NS,
	EA_RELTIME,
	EA_RELTIME_S,
	EA_RELTIME_NS,
	EA_PLUGINNAME,
	EA_PLUGININFO,
	EA_SOURCE,
	EA_HOSTNAME,
	EA_ASYNCTYPE,
	EA_COUNT_,
};

static const struct sk_field evt_all_fields[] = {
    SK_F(EA_NUM, "evt.num", PT_UINT64, 0, "sequence number of the event in the stream"),
    SK_F(EA_TIME, "evt.time", PT_CHARBUF, 0,
	 "event time of day (local time) with nanoseconds, HH:MM:SS.nnnnnnnnn"),
    SK_F(EA_TIME_S, "evt.time.s", PT_CHARBUF, 0, "event time of day (local time), HH:MM:SS"),
    SK_F(EA_TIME_ISO8601, "evt.time.iso8601", PT_CHARBUF, 0,
	 "event date and time in ISO 8601 form, UTC, with nanoseconds"),
    SK_F(EA_DATETIME, "evt.datetime", PT_CHARBUF, 0,
	 "event date and time (local time) with nanoseconds"),
    SK_F(EA_DATETIME_S, "evt.datetime.s", PT_CHARBUF, 0,
	 "event date and time (local time) without nanoseconds"),
    SK_F(EA_RAWTIME, "evt.rawtime", PT_ABSTIME, 0, "event time in nanoseconds since the epoch"),
    SK_F(EA_RAWTIME_S, "evt.rawtime.s", PT_ABSTIME, 0, "whole seconds of evt.rawtime"),
    SK_F(EA_RAWTIME_NS, "evt.rawtime.ns", PT_ABSTIME, 0,
	 "nanoseconds within the second of evt.rawtime"),
    SK_F(EA_RELTIME, "evt.reltime", PT_RELTIME, 0,
	 "nanoseconds elapsed since the first event of the stream"),
    SK_F(EA_RELTIME_S, "evt.reltime.s", PT_RELTIME, 0, "whole seconds of evt.reltime"),
    SK_F(EA_RELTIME_NS, "evt.reltime.ns", PT_RELTIME, 0,
	 "nanoseconds within the second of evt.reltime"),
    SK_F(EA_PLUGINNAME, "evt.pluginname", PT_CHARBUF, 0,
	 "for plugin events: name of the loaded plugin that produced the event"),
    SK_F(EA_PLUGININFO, "evt.plugininfo", PT_CHARBUF, 0,
	 "for plugin events: one-line summary of the event written by its plugin"),
    SK_F(EA_SOURCE, "evt.source", PT_CHARBUF, 0,
	 "event source the event belongs to (syscall, k8s_audit, aws_cloudtrail...)"),
    SK_F(EA_HOSTNAME, "evt.hostname", PT_CHARBUF, 0, "name of the host the event came from"),
    SK_F(EA_ASYNCTYPE, "evt.asynctype", PT_CHARBUF, 0,
	 "for asynchronous events: the name of the asynchronous event"),
};

enum evt_id {
	E_LATENCY,
	E_LATENCY_S,
	E_LATENCY_NS,
	E_LATENCY_HUMAN,
	E_DELTATIME,
	E_DELTATIME_S,
	E_DELTATIME_NS,
	E_DIR,
	E_TYPE,
	E_TYPE_IS,
	E_CATEGORY,
	E_CPU,
	E_ARGS,
	E_ARG,
	E_RAWARG,
	E_INFO,
	E_BUFFER,
	E_BUFLEN,
	E_RES,
	E_RAWRES,
	E_FAILED,
	E_IS_IO,
	E_IS_IO_READ,
	E_IS_IO_WRITE,
	E_IO_DIR,
	E_IS_WAIT,
	E_WAIT_LATENCY,
	E_IS_SYSLOG,
	E_COUNT,
	E_COUNT_ERROR,
	E_COUNT_ERROR_FILE,
	E_COUNT_ERROR_NET,
	E_COUNT_ERROR_MEMORY,
	E_COUNT_ERROR_OTHER,
	E_COUNT_EXIT,
	E_AROUND,
	E_ABSPATH,
	E_ABSPATH_SRC,
	E_ABSPATH_DST,
	E_IS_OPEN_READ,
	E_IS_OPEN_WRITE,
	E_IS_OPEN_EXEC,
	E_IS_OPEN_CREATE,
	E_COUNT_,
};

#define DEPR SK_FIELD_DEPRECATED

static const struct sk_field evt_fields[] = {
    SK_F(E_LATENCY, "evt.latency", PT_RELTIME, DEPR,
	 "nanoseconds between the enter event of a syscall and this exit event; 0 when unpaired"),
    SK_F(E_LATENCY_S, "evt.latency.s", PT_RELTIME, DEPR, "whole seconds of evt.latency"),
    SK_F(E_LATENCY_NS, "evt.latency.ns", PT_RELTIME, DEPR,
	 "nanoseconds within the second of evt.latency"),
    SK_F(E_LATENCY_HUMAN, "evt.latency.human", PT_CHARBUF, DEPR,
	 "evt.latency with a unit, for people (e.g. 3.64ms)"),
    SK_F(E_DELTATIME, "evt.deltatime", PT_RELTIME, 0,
	 "nanoseconds since the previous event of the stream"),
    SK_F(E_DELTATIME_S, "evt.deltatime.s", PT_RELTIME, 0, "whole seconds of evt.deltatime"),
    SK_F(E_DELTATIME_NS, "evt.deltatime.ns", PT_RELTIME, 0,
	 "nanoseconds within the second of evt.deltatime"),
    SK_F(E_DIR, "evt.dir", PT_CHARBUF, DEPR, "'>' for an enter event, '<' for an exit event"),
    SK_F(E_TYPE, "evt.type", PT_CHARBUF, 0, "name of the event, e.g. open or execve"),
    SK_F(E_TYPE_IS, "evt.type.is", PT_UINT32, SK_FIELD_NAME_ARG | SK_FIELD_ARG_REQUIRED,
	 "1 when the event is of the type named after the field (evt.type.is.open), else 0"),
    SK_F(E_CATEGORY, "evt.category", PT_CHARBUF, 0,
	 "kind of activity of the event: file, net, memory, process, IPC..."),
    SK_F(E_CPU, "evt.cpu", PT_INT16, 0, "CPU the event was recorded on"),
    SK_F(E_ARGS, "evt.args", PT_CHARBUF, 0, "every parameter of the event as name=value text"),
    SK_F(E_ARG, "evt.arg", PT_CHARBUF,
	 SK_FIELD_NAME_ARG | SK_FIELD_ARG_REQUIRED | SK_FIELD_ARG_INDEX | SK_FIELD_ARG_KEY,
	 "one parameter by name (evt.arg.fd) or position (evt.arg[0]), as text with fds, "
	 "flags and errors spelled out"),
    SK_F(E_RAWARG, "evt.rawarg", PT_DYN,
	 SK_FIELD_NAME_ARG | SK_FIELD_ARG_REQUIRED | SK_FIELD_ARG_KEY,
	 "one parameter by name (evt.rawarg.res) with its own type, not rendered"),
    SK_F(E_INFO, "evt.info", PT_CHARBUF, 0,
	 "like evt.args, but decoded further where the event allows it"),
    SK_F(E_BUFFER, "evt.buffer", PT_BYTEBUF, 0,
	 "the data buffer of I/O events such as read or sendto"),
    SK_F(E_BUFLEN, "evt.buflen", PT_UINT64, 0,
	 "bytes transferred by an I/O event such as read or sendto"),
    SK_F(E_RES, "evt.res", PT_CHARBUF, 0,
	 "outcome of the syscall: SUCCESS, or the error name such as ENOENT"),
    SK_F(E_RAWRES, "evt.rawres", PT_INT64, 0, "return value of the syscall as a number"),
    SK_F(E_FAILED, "evt.failed", PT_BOOL, 0, "true when the syscall returned an error"),
    SK_F(E_IS_IO, "evt.is_io", PT_BOOL, 0, "true for events that read or write an fd"),
    SK_F(E_IS_IO_READ, "evt.is_io_read", PT_BOOL, 0, "true for events that read from an fd"),
    SK_F(E_IS_IO_WRITE, "evt.is_io_write", PT_BOOL, 0, "true for events that write to an fd"),
    SK_F(E_IO_DIR, "evt.io_dir", PT_CHARBUF, 0,
	 "read for events that read from an fd, write for those that write to one"),
    SK_F(E_IS_WAIT, "evt.is_wait", PT_BOOL, 0,
	 "true for events that put the thread to sleep (nanosleep, select, poll...)"),
    SK_F(E_WAIT_LATENCY, "evt.wait_latency", PT_RELTIME, DEPR,
	 "for waiting events: nanoseconds the thread waited"),
    SK_F(E_IS_SYSLOG, "evt.is_syslog", PT_BOOL, 0, "true for writes to /dev/log"),
    SK_F(E_COUNT, "evt.count", PT_UINT32, 0, "1 for every event (for counting)"),
    SK_F(E_COUNT_ERROR, "evt.count.error", PT_UINT32, 0, "1 for every failed event"),
    SK_F(E_COUNT_ERROR_FILE, "evt.count.error.file", PT_UINT32, 0, "1 for every failed file event"),
    SK_F(E_COUNT_ERROR_NET, "evt.count.error.net", PT_UINT32, 0,
	 "1 for every failed network event"),
    SK_F(E_COUNT_ERROR_MEMORY, "evt.count.error.memory", PT_UINT32, 0,
	 "1 for every failed memory event"),
    SK_F(E_COUNT_ERROR_OTHER, "evt.count.error.other", PT_UINT32, 0,
	 "1 for every failed event that is not a file, network or memory event"),
    SK_F(E_COUNT_EXIT, "evt.count.exit", PT_UINT32, 0, "1 for every exit event"),
    SK_F(E_AROUND, "evt.around", PT_UINT64, SK_FIELD_ARG_REQUIRED | SK_FIELD_ARG_INDEX,
	 "filter only: evt.around[T]=D keeps events within D milliseconds of time T (ns)"),
    SK_F(E_ABSPATH, "evt.abspath", PT_CHARBUF, 0,
	 "absolute path built from a directory fd and a relative path (renameat, symlinkat...)"),
    SK_F(E_ABSPATH_SRC, "evt.abspath.src", PT_CHARBUF, 0,
	 "source absolute path of syscalls with two paths"),
    SK_F(E_ABSPATH_DST, "evt.abspath.dst", PT_CHARBUF, 0,
	 "destination absolute path of syscalls with two paths"),
    SK_F(E_IS_OPEN_READ, "evt.is_open_read", PT_BOOL, 0,
	 "true for open-family events that open the path for reading"),
    SK_F(E_IS_OPEN_WRITE, "evt.is_open_write", PT_BOOL, 0,
	 "true for open-family events that open the path for writing"),
    SK_F(E_IS_OPEN_EXEC, "evt.is_open_exec", PT_BOOL, 0,
	 "true for open-family or creat events that create a file with an execute bit"),
    SK_F(E_IS_OPEN_CREATE, "evt.is_open_create", PT_BOOL, 0,
	 "true for open-family events that create the file"),
};

_Static_assert(SK_NELEM(evt_all_fields) == EA_COUNT_, "evt_all_fields covers every id");
_Static_assert(SK_NELEM(evt_fields) == E_COUNT_, "evt_fields covers every id");

/* Open-flag and mode bits of the scap encoding (flags.def file_flags). */
#define PPM_O_RDONLY 0x1u
#define PPM_O_WRONLY 0x2u
#define PPM_O_CREAT 0x4u
#define PPM_O_TMPFILE 0x2000u
#define PPM_O_F_CREATED 0x4000u
#define PPM_S_IXANY 0111u /* S_IXUSR | S_IXGRP | S_IXOTH */

/* Parameter idx as a signed integer, sign-extended by its type. */
static bool param_int(const struct sk_evt *e, unsigned idx, int64_t *out)
{
	uint8_t t;
	uint32_t len;
	const uint8_t *p;

	if (idx >= e->nparams)
		return false;
	t = e->info->params[idx].type;
	len = e->param_len[idx];
	p = e->param[idx];
	switch (len) {
	case 1: {
		int8_t s;
		uint8_t u;

		memcpy(&u, p, 1);
		memcpy(&s, p, 1);
		*out = (t == PT_INT8) ? (int64_t)s : (int64_t)u;
		return true;
	}
	case 2: {
		int16_t s;
		uint16_t u;

		memcpy(&u, p, 2);
		memcpy(&s, p, 2);
		*out = (t == PT_INT16) ? (int64_t)s : (int64_t)u;
		return true;
	}
	case 4: {
		int32_t s;
		uint32_t u;

		memcpy(&u, p, 4);
		memcpy(&s, p, 4);
		*out = (t == PT_INT32 || t == PT_FD32 || t == PT_PID32) ? (int64_t)s : (int64_t)u;
		return true;
	}
	case 8:
		memcpy(out, p, 8);
		return true;
	default:
		return false;
	}
}

/* The syscall's return value: "res", or "fd" for fd-creating exits (as sysdig). */
static bool evt_res(const struct sk_evt *e, int64_t *res)
{
	int idx;

	if (sk_event_is_enter(e->hdr->type))
		return false;
	idx = sk_evt_param_index(e, "res");
	if (idx < 0 && (e->info->flags & SK_EF_CREATES_FD))
		idx = sk_evt_param_index(e, "fd");
	return idx >= 0 && param_int(e, (unsigned)idx, res);
}

static const char *category_name(unsigned cat)
{
	switch (cat) {
	case SK_EC_OTHER:
		return "other";
	case SK_EC_FILE:
		return "file";
	case SK_EC_NET:
		return "net";
	case SK_EC_IPC:
		return "IPC";
	case SK_EC_MEMORY:
		return "memory";
	case SK_EC_PROCESS:
		return "process";
	case SK_EC_SLEEP:
		return "sleep";
	case SK_EC_SYSTEM:
		return "system";
	case SK_EC_SIGNAL:
		return "signal";
	case SK_EC_USER:
		return "user";
	case SK_EC_TIME:
		return "time";
	case SK_EC_PROCESSING:
		return "processing";
	case SK_EC_IO_READ:
		return "IO_read";
	case SK_EC_IO_WRITE:
		return "IO_write";
	case SK_EC_IO_OTHER:
		return "IO_other";
	case SK_EC_WAIT:
		return "wait";
	case SK_EC_SCHEDULER:
		return "scheduler";
	case SK_EC_INTERNAL:
		return "internal";
	default:
		return "unknown";
	}
}

/*
 * An exit event has its fd attached only when it closes the thread's last
 * enter event (libsinsp's reset(): any other enter event in between, a
 * context switch included, or none at all, leaves it without). Enter events
 * always have theirs.
 */
static bool exit_paired(struct sk_eval_ctx *ctx)
{
	struct sk_thread_view t;
	uint16_t type = ctx->evt->hdr->type;

	if (sk_event_is_enter(type))
		return true;
	return sk_field_event_thread(ctx, &t) && t.enter_type == (uint16_t)(type - 1);
}

/* The event's fd when attached (see exit_paired) and in the fd table. */
static bool attached_fd(struct sk_eval_ctx *ctx, struct sk_fd_view *fd)
{
	if (!SK_STATE_HAS(ctx, event_fd) || !exit_paired(ctx))
		return false;
	memset(fd, 0, sizeof(*fd));
	return ctx->state_ops->event_fd(ctx->state, ctx->evt, fd) && fd->in_table;
}

/*
 * I/O events take the category of their fd, as sysdig does: file, net, ipc
 * or unknown (also when no state engine knows the fd).
 */
static const char *io_category(struct sk_eval_ctx *ctx)
{
	struct sk_fd_view fd;

	if (!attached_fd(ctx, &fd))
		return "unknown";
	switch (fd.type) {
	case SK_FD_FILE:
	case SK_FD_FILE_V2:
	case SK_FD_DIRECTORY:
		return "file";
	case SK_FD_IPV4_SOCK:
	case SK_FD_IPV6_SOCK:
	case SK_FD_IPV4_SERVSOCK:
	case SK_FD_IPV6_SERVSOCK:
		return "net";
	case SK_FD_FIFO:
	case SK_FD_UNIX_SOCK:
	case SK_FD_EVENT:
	case SK_FD_SIGNALFD:
	case SK_FD_INOTIFY:
		return "ipc";
	default:
		return "unknown";
	}
}

static unsigned evt_category(const struct sk_evt *e)
{
	return sk_evt_category(e) & 0x1ffu;
}

static bool is_io_category(unsigned cat)
{
	return cat == SK_EC_IO_READ || cat == SK_EC_IO_WRITE || cat == SK_EC_IO_OTHER;
}

static int extract_category(struct sk_eval_ctx *ctx, struct sk_value *v)
{
	unsigned cat = evt_category(ctx->evt);

	if (is_io_category(cat))
		return sk_val_str(v, io_category(ctx));
	return sk_val_str(v, category_name(cat));
}

/* Render a time; local time unless utc. ns_digits: append ".nnnnnnnnn". */
static int render_time(struct sk_eval_ctx *ctx, struct sk_value *v, uint64_t ts, const char *fmt,
		       bool utc, bool ns, const char *suffix)
{
	time_t secs = (time_t)(ts / 1000000000u);
	struct tm tm;
	char buf[96];
	size_t n;

	if (!(utc ? gmtime_r(&secs, &tm) : localtime_r(&secs, &tm)))
		return 0;
	n = strftime(buf, sizeof(buf), fmt, &tm);
	if (ns)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, ".%09" PRIu64, ts % 1000000000u);
	n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s", suffix);
	return sk_val_scratch(ctx, v, buf, n);
}

static int padded(struct sk_value *v, uint8_t type, uint64_t u)
{
	sk_val_u(v, type, u);
	v->fmt = PF_10_PADDED_DEC;
	return 1;
}

static int extract_all(const struct sk_field_ref *ref, struct sk_eval_ctx *ctx,
		       struct sk_value *vals, unsigned cap)
{
	uint64_t ts = ctx->evt ? ctx->evt->hdr->ts : 0;
	uint64_t rel = ts >= ctx->first_ts ? ts - ctx->first_ts : 0;
	struct sk_value *v = vals;

	if (cap == 0)
		return 0;
	switch (ref->field->id) {
	case EA_NUM:
		return sk_val_u(v, PT_UINT64, ctx->evtnum);
	case EA_SOURCE:
		return sk_val_str(v, ctx->source);
	case EA_HOSTNAME:
		return sk_val_str(v, ctx->hostname);
	case EA_PLUGINNAME:
	case EA_PLUGININFO: {
		char *buf;
		int n;
		if (!ctx->plugin_info || !ctx->evt ||
		    !(buf = sk_scratch_alloc(ctx, EVT_ARG_TEXT_MAX)))
			return 0;
		n = ctx->plugin_info(ctx->plugin_ctx, ctx->evt, ctx->source,
				     ref->field->id == EA_PLUGINNAME, buf, EVT_ARG_TEXT_MAX);
		if (n < 0)
			return 0;
		return sk_val_strn(v, buf, (size_t)n < EVT_ARG_TEXT_MAX ? (size_t)n
									 : EVT_ARG_TEXT_MAX - 1);
	}
	case EA_ASYNCTYPE:
		/* Async events (code 402) are not hosted yet: no value. */
		return 0;
	default:
		break;
	}
	if (!ctx->evt)
		return 0;
	switch (ref->field->id) {
	case EA_TIME:
		return render_time(ctx, v, ts, "%H:%M:%S", false, true, "");
	case EA_TIME_S:
		return render_time(ctx, v, ts, "%H:%M:%S", false, false, "");
	case EA_TIME_ISO8601:
		return render_time(ctx, v, ts, "%Y-%m-%dT%H:%M:%S", true, true, "+0000");
	case EA_DATETIME:
		return render_time(ctx, v, ts, "%Y-%m-%d %H:%M:%S", false, true, "");
	case EA_DATETIME_S:
		return render_time(ctx, v, ts, "%Y-%m-%d %H:%M:%S", false, false, "");
	case EA_RAWTIME:
		return sk_val_u(v, PT_ABSTIME, ts);
	case EA_RAWTIME_S:
		return sk_val_u(v, PT_ABSTIME, ts / 1000000000u);
	/* sysdig pads these to nine digits: 011003790, 000001734. */
	case EA_RAWTIME_NS:
		return padded(v, PT_ABSTIME, ts % 1000000000u);
	case EA_RELTIME:
		return padded(v, PT_RELTIME, rel);
	case EA_RELTIME_S:
		return sk_val_u(v, PT_RELTIME, rel / 1000000000u);
	case EA_RELTIME_NS:
		return padded(v, PT_RELTIME, rel % 1000000000u);
	default:
		return 0;
	}
}

/* sysdig's human form of a duration: "0ns", "2.54us", "13us", "112ms", "1.00s". */
static int render_human(struct sk_eval_ctx *ctx, struct sk_value *v, uint64_t ns)
{
	static const struct {
		uint64_t div;
		const char *unit;
	} units[] = {{1000000000u, "s"}, {1000000u, "ms"}, {1000u, "us"}};
	char buf[48];
	int n = snprintf(buf, sizeof(buf), "%" PRIu64 "ns", ns);

	for (unsigned i = 0; i < SK_NELEM(units); i++) {
		uint64_t whole = ns / units[i].div;

		if (whole == 0)
			continue;
		if (whole < 10)
			n = snprintf(buf, sizeof(buf), "%" PRIu64 ".%02" PRIu64 "%s", whole,
				     ns % units[i].div * 100 / units[i].div, units[i].unit);
		else
			n = snprintf(buf, sizeof(buf), "%" PRIu64 "%s", whole, units[i].unit);
		break;
	}
	return sk_val_scratch(ctx, v, buf, (size_t)n);
}

static uint64_t evt_latency(struct sk_eval_ctx *ctx)
{
	struct sk_thread_view t;

	if (sk_event_is_enter(ctx->evt->hdr->type) || !sk_field_event_thread(ctx, &t) ||
	    !t.enter_ts || t.enter_ts > ctx->evt->hdr->ts)
		return 0;
	return ctx->evt->hdr->ts - t.enter_ts;
}

/*
 * The part of a rendered parameter that evt.arg shows: for "3(<f>/etc/passwd)"
 * the text in the final parentheses, otherwise the whole text.
 */
static void arg_visible_part(const char *s, size_t len, size_t *off, size_t *n)
{
	size_t depth = 0;

	*off = 0;
	*n = len;
	if (len < 2 || s[len - 1] != ')')
		return;
	for (size_t i = len; i-- > 0;) {
		if (s[i] == ')')
			depth++;
		else if (s[i] == '(' && --depth == 0) {
			if (i == 0 || i + 2 == len) {
				*n = i ? i : len; /* "x()" shows x; "(...)" alone is the value */
				return;
			}
			*off = i + 1;
			*n = len - i - 2;
			return;
		}
	}
}

static int arg_param_index(const struct sk_field_ref *ref, const struct sk_evt *e)
{
	if (ref->prepared == 1)
		return ref->arg_index < (int64_t)e->nparams ? (int)ref->arg_index : -1;
	return ref->arg ? sk_evt_param_index(e, ref->arg) : -1;
}

/* A syscall id parameter shows as the syscall's name (evt.arg.ID = madvise), as sysdig. */
static bool syscall_id_name(const struct sk_evt *e, unsigned idx, struct sk_value *v)
{
	uint16_t id;
	const char *name;

	if (e->param_len[idx] != 2)
		return false;
	memcpy(&id, e->param[idx], 2);
	name = sk_ppm_sc_name(id);
	return name && sk_val_str(v, name);
}

static int extract_arg(const struct sk_field_ref *ref, struct sk_eval_ctx *ctx, struct sk_value *v)
{
	int idx = arg_param_index(ref, ctx->evt);
	char *buf;
	size_t need, off, n;

	if (idx < 0)
		return 0;
	buf = sk_scratch_alloc(ctx, EVT_ARG_TEXT_MAX);
	if (!buf)
		return 0;
	need = sk_param_render(ctx->evt, (unsigned)idx, ctx->resolver, buf, EVT_ARG_TEXT_MAX);
	if (need >= EVT_ARG_TEXT_MAX)
		need = EVT_ARG_TEXT_MAX - 1;
	arg_visible_part(buf, need, &off, &n);
	if (ctx->evt->info->params[idx].type == PT_SYSCALLID && off == 0)
		return syscall_id_name(ctx->evt, (unsigned)idx, v) ? 1 : sk_val_strn(v, buf, n);
	return sk_val_strn(v, buf + off, n);
}

/* The parameter with its own type; pointers borrow the event's bytes. */
static int raw_param(const struct sk_evt *e, unsigned idx, struct sk_value *v)
{
	const struct sk_param_info *pi = &e->info->params[idx];
	const uint8_t *p = e->param[idx];
	uint32_t len = e->param_len[idx];
	int64_t i;

	switch (pi->type) {
	case PT_CHARBUF:
	case PT_FSPATH:
	case PT_FSRELPATH:
		while (len > 0 && p[len - 1] == '\0')
			len--;
		*v = (struct sk_value){.type = pi->type, .len = len, .s = (const char *)p};
		return 1;
	case PT_IPV4ADDR:
	case PT_IPV6ADDR:
	case PT_IPADDR:
		if (len != 4 && len != 16)
			return 0;
		*v = (struct sk_value){.type = pi->type, .len = len, .b = p};
		return 1;
	case PT_DOUBLE:
		if (len != 8)
			return 0;
		*v = (struct sk_value){.type = PT_DOUBLE, .len = 8};
		memcpy(&v->d, p, 8);
		return 1;
	case PT_BYTEBUF:
	case PT_SOCKADDR:
	case PT_SOCKTUPLE:
	case PT_FDLIST:
	case PT_CHARBUFARRAY:
	case PT_CHARBUF_PAIR_ARRAY:
	case PT_DYN:
	case PT_IPV4NET:
	case PT_IPV6NET:
	case PT_IPNET:
		*v = (struct sk_value){.type = PT_BYTEBUF, .len = len, .b = p};
		return 1;
	default:
		if (!param_int(e, idx, &i))
			return 0;
		/* Raw: decimal, whatever the parameter's print format. */
		*v = (struct sk_value){.type = pi->type, .len = 8, .i = i};
		return 1;
	}
}

/* The first data buffer of the event ("data"), if any. */
static int buffer_param(const struct sk_evt *e)
{
	int idx = sk_evt_param_index(e, "data");

	return idx >= 0 && e->info->params[idx].type == PT_BYTEBUF ? idx : -1;
}

static int extract_args(struct sk_eval_ctx *ctx, struct sk_value *v)
{
	char *buf = sk_scratch_alloc(ctx, EVT_ARGS_TEXT_MAX);
	size_t need;

	if (!buf)
		return 0;
	need = sk_evt_render_args(ctx->evt, ctx->resolver, buf, EVT_ARGS_TEXT_MAX);
	if (need >= EVT_ARGS_TEXT_MAX)
		need = EVT_ARGS_TEXT_MAX - 1;
	return sk_val_strn(v, buf, need);
}

/* evt.is_open_*: the flags/mode of the open-family events sysdig looks at. */
static int extract_is_open(const struct sk_field_ref *ref, const struct sk_evt *e,
			   struct sk_value *v)
{
	uint16_t code = e->hdr->type;
	bool open_family = code == SK_EVT_OPEN_X || code == SK_EVT_OPENAT_E_102 ||
			   code == SK_EVT_OPENAT_X || code == SK_EVT_OPENAT2_X ||
			   code == SK_EVT_OPEN_BY_HANDLE_AT_X;
	int fi = open_family ? sk_evt_param_index(e, "flags") : -1;
	int mi = open_family ? sk_evt_param_index(e, "mode") : -1;
	int64_t flags = 0, mode = 0;
	bool r = false;

	if (fi >= 0 && param_int(e, (unsigned)fi, &flags)) {
		if (mi >= 0)
			param_int(e, (unsigned)mi, &mode);
		switch (ref->field->id) {
		case E_IS_OPEN_READ:
			r = flags & PPM_O_RDONLY;
			break;
		case E_IS_OPEN_WRITE:
			r = flags & PPM_O_WRONLY;
			break;
		case E_IS_OPEN_EXEC:
			r = (flags & (PPM_O_TMPFILE | PPM_O_CREAT)) && (mode & PPM_S_IXANY);
			break;
		default: /* E_IS_OPEN_CREATE */
			r = flags & PPM_O_F_CREATED;
			break;
		}
	} else if (code == SK_EVT_CREAT_X && mi >= 0 && param_int(e, (unsigned)mi, &mode)) {
		if (ref->field->id == E_IS_OPEN_EXEC)
			r = mode & PPM_S_IXANY;
		else if (ref->field->id == E_IS_OPEN_CREATE)
			r = true;
	}
	return sk_val_bool(v, r);
}

/* The event's name; generic "syscall" events are named by their ID parameter. */
static int extract_type(struct sk_eval_ctx *ctx, struct sk_value *v)
{
	return sk_val_str(v, sk_evt_type_name(ctx->evt));
}

static bool evt_failed(const struct sk_evt *e)
{
	int64_t res;

	return evt_res(e, &res) && res < 0;
}

static int extract_count_error(const struct sk_field_ref *ref, struct sk_eval_ctx *ctx,
			       struct sk_value *v)
{
	unsigned cat = evt_category(ctx->evt);
	bool match;

	if (!evt_failed(ctx->evt))
		return 0;
	if (is_io_category(cat)) {
		const char *io = io_category(ctx);

		cat = strcmp(io, "file") == 0  ? SK_EC_FILE
		      : strcmp(io, "net") == 0 ? SK_EC_NET
					       : SK_EC_OTHER;
	}
	switch (ref->field->id) {
	case E_COUNT_ERROR_FILE:
		match = cat == SK_EC_FILE;
		break;
	case E_COUNT_ERROR_NET:
		match = cat == SK_EC_NET;
		break;
	case E_COUNT_ERROR_MEMORY:
		match = cat == SK_EC_MEMORY;
		break;
	case E_COUNT_ERROR_OTHER:
		match = cat != SK_EC_FILE && cat != SK_EC_NET && cat != SK_EC_MEMORY;
		break;
	default:
		match = true;
		break;
	}
	return match ? sk_val_u(v, PT_UINT32, 1) : 0;
}

static int extract_res(const struct sk_field_ref *ref, struct sk_eval_ctx *ctx, struct sk_value *v)
{
	int64_t res;
	const char *name;
	char buf[32];

	if (!evt_res(ctx->evt, &res))
		return 0;
	if (ref->field->id == E_RAWRES)
		return sk_val_i(v, PT_INT64, res);
	if (res >= 0)
		return sk_val_str(v, "SUCCESS");
	name = sk_errno_name(-res);
	if (name)
		return sk_val_str(v, name);
	return sk_val_scratch(ctx, v, buf, (size_t)snprintf(buf, sizeof(buf), "%" PRId64, res));
}

static int extract_io(const struct sk_field_ref *ref, const struct sk_evt *e, struct sk_value *v)
{
	bool rd = e->info->flags & SK_EF_READS_FROM_FD;
	bool wr = e->info->flags & SK_EF_WRITES_TO_FD;

	switch (ref->field->id) {
	case E_IS_IO:
		return sk_val_bool(v, rd || wr);
	case E_IS_IO_READ:
		return sk_val_bool(v, rd);
	case E_IS_IO_WRITE:
		return sk_val_bool(v, wr);
	case E_IS_WAIT:
		return sk_val_bool(v, e->info->flags & SK_EF_WAITS);
	default: /* E_IO_DIR */
		return rd ? sk_val_str(v, "read") : wr ? sk_val_str(v, "write") : 0;
	}
}

/*
 * Bytes moved by an I/O exit event: its non-negative return value. Like
 * sysdig, only when the fd is known (no value for fds the state never saw).
 */
/*
 * evt.buflen: the return value of an I/O exit event with its fd attached, as
 * sysdig has it (a close exit gives 0; a read whose enter event was not the
 * thread's last one gives nothing).
 */
static int extract_buflen(struct sk_eval_ctx *ctx, struct sk_value *v)
{
	const struct sk_evt *e = ctx->evt;
	struct sk_fd_view fd;
	int64_t res;

	if (sk_event_is_enter(e->hdr->type) || !is_io_category(evt_category(e)) ||
	    !evt_res(e, &res) || res < 0 || !attached_fd(ctx, &fd))
		return 0;
	return sk_val_u(v, PT_UINT64, (uint64_t)res);
}

static int extract_time_delta(const struct sk_field_ref *ref, struct sk_eval_ctx *ctx,
			      struct sk_value *v)
{
	uint64_t ts = ctx->evt->hdr->ts;
	uint64_t d;
	unsigned id = ref->field->id;

	if (id >= E_DELTATIME && id <= E_DELTATIME_NS)
		d = ctx->prev_ts && ctx->prev_ts <= ts ? ts - ctx->prev_ts : 0;
	else
		d = evt_latency(ctx);
	switch (id) {
	case E_LATENCY_HUMAN:
		return render_human(ctx, v, d);
	case E_LATENCY_S:
	case E_DELTATIME_S:
		return sk_val_u(v, PT_RELTIME, d / 1000000000u);
	case E_LATENCY_NS:
	case E_DELTATIME_NS:
		return padded(v, PT_RELTIME, d % 1000000000u);
	default:
		return sk_val_u(v, PT_RELTIME, d);
	}
}

/* A write to /dev/log (the fd name comes from the state engine). */
static bool is_syslog(struct sk_eval_ctx *ctx)
{
	struct sk_fd_view fd;

	if (!(ctx->evt->info->flags & SK_EF_WRITES_TO_FD) || !SK_STATE_HAS(ctx, event_fd))
		return false;
	memset(&fd, 0, sizeof(fd));
	return ctx->state_ops->event_fd(ctx->state, ctx->evt, &fd) && fd.in_table && fd.name &&
	       strcmp(fd.name, "/dev/log") == 0;
}

static int extract_misc(const struct sk_field_ref *ref, struct sk_eval_ctx *ctx, struct sk_value *v)
{
	const struct sk_evt *e = ctx->evt;
	int idx;

	switch (ref->field->id) {
	case E_DIR:
		return sk_val_str(v, sk_event_is_enter(e->hdr->type) ? ">" : "<");
	case E_TYPE:
		return extract_type(ctx, v);
	case E_TYPE_IS:
		return sk_val_u(v, PT_UINT32,
				ref->arg && strcmp(ref->arg, e->info->name) == 0 ? 1 : 0);
	case E_CATEGORY:
		return extract_category(ctx, v);
	case E_CPU:
		return sk_val_i(v, PT_INT16, e->cpu);
	case E_ARGS:
	case E_INFO:
		return extract_args(ctx, v);
	case E_ARG:
		return extract_arg(ref, ctx, v);
	case E_RAWARG:
		idx = ref->arg ? sk_evt_param_index(e, ref->arg) : -1;
		return idx >= 0 ? raw_param(e, (unsigned)idx, v) : 0;
	case E_BUFFER:
		idx = buffer_param(e);
		if (idx < 0)
			return 0;
		*v = (struct sk_value){
		    .type = PT_BYTEBUF, .len = e->param_len[idx], .b = e->param[idx]};
		return 1;
	case E_FAILED:
		return sk_val_bool(v, evt_failed(e));
	case E_COUNT:
		return sk_val_u(v, PT_UINT32, 1);
	case E_COUNT_EXIT:
		return sk_event_is_enter(e->hdr->type) ? 0 : sk_val_u(v, PT_UINT32, 1);
	case E_IS_SYSLOG:
		return sk_val_bool(v, is_syslog(ctx));
	default:
		return 0;
	}
}

static int extract_evt(const struct sk_field_ref *ref, struct sk_eval_ctx *ctx,
		       struct sk_value *vals, unsigned cap)
{
	unsigned id = ref->field->id;

	if (cap == 0 || !ctx->evt)
		return 0;
	if (id <= E_DELTATIME_NS)
		return extract_time_delta(ref, ctx, vals);
	switch (id) {
	case E_RES:
	case E_RAWRES:
		return extract_res(ref, ctx, vals);
	case E_COUNT_ERROR:
	case E_COUNT_ERROR_FILE:
	case E_COUNT_ERROR_NET:
	case E_COUNT_ERROR_MEMORY:
	case E_COUNT_ERROR_OTHER:
		return extract_count_error(ref, ctx, vals);
	case E_IS_IO:
	case E_IS_IO_READ:
	case E_IS_IO_WRITE:
	case E_IO_DIR:
	case E_IS_WAIT:
		return extract_io(ref, ctx->evt, vals);
	case E_BUFLEN:
		return extract_buflen(ctx, vals);
	case E_IS_OPEN_READ:
	case E_IS_OPEN_WRITE:
	case E_IS_OPEN_EXEC:
	case E_IS_OPEN_CREATE:
		return extract_is_open(ref, ctx->evt, vals);
	case E_WAIT_LATENCY:
	case E_AROUND:
	case E_ABSPATH:
	case E_ABSPATH_SRC:
	case E_ABSPATH_DST:
		return 0; /* need paired events / state: filled by the state engine later */
	default:
		return extract_misc(ref, ctx, vals);
	}
}

const struct sk_field_class sk_field_class_evt_all = {
    .name = "evt",
    .source = NULL,
    .desc = "Fields of every event, whatever its source",
    .fields = evt_all_fields,
    .nfields = SK_NELEM(evt_all_fields),
    .prepare = sk_field_prepare_common,
    .extract = extract_all,
};

const struct sk_field_class sk_field_class_evt = {
    .name = "evt",
    .source = "syscall",
    .desc = "Fields of syscall events; evt.arg gives access to each parameter",
    .fields = evt_fields,
    .nfields = SK_NELEM(evt_fields),
    .prepare = sk_field_prepare_common,
    .extract = extract_evt,
};

enum syscall_id { S_TYPE, S_COUNT_ };

static const struct sk_field syscall_fields[] = {
    SK_F(S_TYPE, "syscall.type", PT_CHARBUF, 0,
	 "for syscall events, the syscall's name; no value for other events (scheduler, "
	 "internal, plugin...)"),
};

_Static_assert(SK_NELEM(syscall_fields) == S_COUNT_, "syscall_fields covers every id");

static int extract_syscall(const struct sk_field_ref *ref, struct sk_eval_ctx *ctx,
			   struct sk_value *vals, unsigned cap)
{
	unsigned cat;

	if (cap == 0 || !ctx->evt)
		return 0;
	/* As sysdig: the event's name, except for scheduler and internal/meta events. */
	cat = evt_category(ctx->evt);
	if (cat == SK_EC_SCHEDULER || cat == SK_EC_INTERNAL ||
	    (ctx->evt->info->category & (SK_EC_METAEVENT | SK_EC_PLUGIN)))
		return 0;
	return extract_type(ctx, vals);
}

const struct sk_field_class sk_field_class_syscall = {
    .name = "syscall",
    .source = "syscall",
    .desc = "The system call behind the event",
    .fields = syscall_fields,
    .nfields = SK_NELEM(syscall_fields),
    .prepare = sk_field_prepare_common,
    .extract = extract_syscall,
};
