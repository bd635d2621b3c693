/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Tests of agent/engine/fields_evt.c (and the no-state behaviour of the
 * other built-in classes) on real events read from the corpus captures.
 *
 * Expected values come from Debian sysdig 0.29.3 with TZ=UTC, e.g.
 *   sysdig -r captures/connect_localhost.scap -p '*%evt.num %evt.res %evt.rawres %evt.arg.res'
 * (one such command per capture and field list; "<NA>" / a suppressed line
 * means "no value"). Event numbers are sysdig's evt.num, which counts every
 * event block of the file (procinfo events included), the same numbering as
 * our reader's event order. Where sysdig needs its thread/fd state (fd names
 * in evt.arg.fd, evt.latency, fd-typed categories) the expectation is the
 * stateless value and says so.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "../../../../agent/engine/field.h"
#include "saker/scap.h"

#define NONE NULL /* the field extracts no value */
#define SCRATCH_CAP (256u * 1024u)

static struct sk_field_registry *reg;
static char *scratch;

static int setup(void **state)
{
	(void)state;
	/* sysdig's local-time fields were recorded with TZ=UTC. */
	setenv("TZ", "UTC", 1);
	tzset();
	scratch = malloc(SCRATCH_CAP);
	if (!scratch || sk_field_registry_new(&reg) != 0)
		return -1;
	return sk_field_registry_add_builtin(reg);
}

static int teardown(void **state)
{
	(void)state;
	sk_field_registry_free(reg);
	free(scratch);
	return 0;
}

struct expect {
	const char *field; /* with [arg] or .NAME as written in rules */
	const char *value; /* rendered as sysdig prints it, or NONE */
};

/* Resolve "evt.arg[0]" / "evt.arg.flags" / "proc.name" into ref; arg copied to argbuf. */
static void resolve(const char *source, const char *text, struct sk_field_ref *ref, char *argbuf,
		    size_t argcap)
{
	const char *br = strchr(text, '[');
	size_t len = br ? (size_t)(br - text) : strlen(text);
	char err[256];

	if (sk_field_registry_find(reg, source, text, len, ref) != 0)
		fail_msg("unknown field '%s'", text);
	if (br) {
		const char *end = strchr(br, ']');

		assert_non_null(end);
		snprintf(argbuf, argcap, "%.*s", (int)(end - br - 1), br + 1);
		ref->arg = argbuf;
		ref->arg_len = (uint32_t)strlen(argbuf);
	} else if (ref->arg) {
		snprintf(argbuf, argcap, "%.*s", (int)ref->arg_len, ref->arg);
		ref->arg = argbuf;
	}
	if (ref->cls->prepare && ref->cls->prepare(ref, err, sizeof(err)) != 0)
		fail_msg("prepare '%s': %s", text, err);
}

static void check(struct sk_eval_ctx *ctx, const char *where, const struct expect *e)
{
	struct sk_field_ref ref;
	struct sk_value vals[SK_FIELD_MAX_VALUES];
	char arg[256], out[4096];
	int n;

	resolve(ctx->source, e->field, &ref, arg, sizeof(arg));
	ctx->scratch_used = 0;
	n = ref.cls->extract(&ref, ctx, vals, SK_FIELD_MAX_VALUES);
	assert_true(n >= 0);
	if (!e->value) {
		if (n != 0) {
			sk_value_render(&vals[0], out, sizeof(out));
			fail_msg("%s %s: expected no value, got '%s'", where, e->field, out);
		}
		return;
	}
	if (n != 1)
		fail_msg("%s %s: expected '%s', got %d values", where, e->field, e->value, n);
	sk_value_render(&vals[0], out, sizeof(out));
	if (strcmp(out, e->value) != 0)
		fail_msg("%s %s: expected '%s', got '%s'", where, e->field, e->value, out);
}

/*
 * Read capture up to event number num and check each expectation on it.
 * first_ts is the time of the first event of a thread (evt.reltime: sysdig
 * skips the leading tid -1 container event), prev_ts the previous event's
 * (evt.deltatime).
 */
static void check_event(const char *capture, uint64_t num, const struct expect *ex, unsigned n)
{
	const char *root = getenv("SAKER_CORPUS");
	char path[1024], err[256], where[1100];
	struct sk_scap_reader *r;
	struct sk_scap_item it;
	uint64_t seen = 0, first_ts = 0, prev_ts = 0;
	int rc;

	snprintf(path, sizeof(path), "%s/captures/%s", root ? root : "../shared/corpus", capture);
	if (sk_scap_reader_open(&r, path, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	while ((rc = sk_scap_reader_next(r, &it, err, sizeof(err))) == 1) {
		if (it.kind != SK_SCAP_EVENT)
			continue;
		if (++seen && !first_ts && it.event.hdr->tid != UINT64_MAX)
			first_ts = it.event.hdr->ts;
		if (seen < num) {
			prev_ts = it.event.hdr->ts;
			continue;
		}
		struct sk_eval_ctx ctx = {
		    .evt = &it.event,
		    .evtnum = seen,
		    .source = "syscall",
		    .hostname = "testhost",
		    .first_ts = first_ts,
		    .prev_ts = prev_ts,
		    .scratch = scratch,
		    .scratch_cap = SCRATCH_CAP,
		};

		snprintf(where, sizeof(where), "%s #%llu", capture, (unsigned long long)num);
		for (unsigned i = 0; i < n; i++)
			check(&ctx, where, &ex[i]);
		break;
	}
	sk_scap_reader_free(r);
	if (rc < 0)
		fail_msg("%s", err);
	assert_int_equal(seen, num);
}

#define CHECK(cap, num, arr) check_event(cap, num, arr, sizeof(arr) / sizeof(arr[0]))

static void test_times_and_header(void **state)
{
	static const struct expect e115[] = {
	    {"evt.num", "115"},
	    {"evt.time", "22:13:50.575316504"},
	    {"evt.time.s", "22:13:50"},
	    {"evt.time.iso8601", "2019-07-09T22:13:50.575316504+0000"},
	    {"evt.datetime", "2019-07-09 22:13:50.575316504"},
	    {"evt.datetime.s", "2019-07-09 22:13:50"},
	    {"evt.rawtime", "1562710430575316504"},
	    {"evt.rawtime.s", "1562710430"},
	    {"evt.rawtime.ns", "575316504"},
	    {"evt.reltime", "575316505"},
	    {"evt.reltime.s", "0"},
	    {"evt.reltime.ns", "575316505"},
	    {"evt.dir", ">"},
	    {"evt.type", "open"},
	    {"syscall.type", "open"},
	    {"evt.cpu", "1"},
	    {"evt.category", "file"},
	    {"evt.count", "1"},
	    {"evt.count.exit", NONE},
	    {"evt.latency", "0"},
	    {"evt.latency.ns", "000000000"},
	    {"evt.latency.human", "0ns"},
	    {"thread.tid", "25754"},
	    {"evt.source", "syscall"},
	    {"evt.hostname", "testhost"},
	    {"evt.plugininfo", NONE},
	    {"evt.pluginname", NONE},
	};
	static const struct expect e116[] = {
	    {"evt.num", "116"},
	    {"evt.dir", "<"},
	    {"evt.time", "22:13:50.575387852"},
	    {"evt.reltime.ns", "575387853"},
	    {"evt.deltatime", "71348"},
	    {"evt.deltatime.s", "0"},
	    {"evt.deltatime.ns", "000071348"},
	    {"evt.count.exit", "1"},
	};
	(void)state;
	CHECK("write_tmp_test.scap", 115, e115);
	CHECK("write_tmp_test.scap", 116, e116);
}

static void test_results(void **state)
{
	static const struct expect e115[] = {
	    {"evt.res", NONE},
	    {"evt.rawres", NONE},
	    {"evt.failed", "false"},
	    {"evt.count.error", NONE},
	};
	static const struct expect e116[] = {
	    /* open exit has no res: sysdig takes the new fd. */
	    {"evt.res", "SUCCESS"},
	    {"evt.rawres", "3"},
	    {"evt.failed", "false"},
	};
	static const struct expect c185[] = {
	    {"evt.res", "SUCCESS"},
	    {"evt.rawres", "4"},
	    {"evt.category", "net"},
	};
	static const struct expect c187[] = {
	    {"evt.res", "EINPROGRESS"},	     {"evt.rawres", "-115"},
	    {"evt.failed", "true"},	     {"evt.count.error", "1"},
	    {"evt.count.error.net", "1"},    {"evt.count.error.file", NONE},
	    {"evt.count.error.other", NONE}, {"evt.rawarg.res", "-115"},
	};
	static const struct expect r77[] = {
	    {"evt.res", "ETIMEDOUT"},	    {"evt.rawres", "-110"},   {"evt.category", "IPC"},
	    {"evt.count.error.other", "1"}, {"evt.is_wait", "false"}, {"evt.cpu", "3"},
	};
	static const struct expect r599[] = {
	    {"evt.res", "ERESTARTNOHAND"},
	    {"evt.rawres", "-514"},
	    {"evt.is_wait", "true"},
	    {"evt.category", "wait"},
	    {"evt.cpu", "2"},
	    {"evt.time.iso8601", "2019-07-09T22:31:11.307359392+0000"},
	    {"evt.rawtime", "1562711471307359392"},
	};
	static const struct expect o1106[] = {
	    {"evt.res", "SUCCESS"},
	    {"evt.rawres", "0"},
	    {"evt.count.exit", "1"},
	};
	(void)state;
	CHECK("write_tmp_test.scap", 115, e115);
	CHECK("write_tmp_test.scap", 116, e116);
	CHECK("connect_localhost.scap", 185, c185);
	CHECK("connect_localhost.scap", 187, c187);
	CHECK("run_as_user_0_container.scap", 77, r77);
	CHECK("run_as_user_0_container.scap", 599, r599);
	CHECK("open-multiple-files.scap", 1106, o1106);
}

static void test_io_and_wait(void **state)
{
	static const struct expect r55[] = {
	    {"evt.res", "EAGAIN"},
	    {"evt.rawres", "-11"},
	    {"evt.failed", "true"},
	    {"evt.count.error", "1"},
	    {"evt.count.error.other", "1"},
	    {"evt.count.error.file", NONE},
	    {"evt.is_io", "true"},
	    {"evt.is_io_read", "true"},
	    {"evt.is_io_write", "false"},
	    {"evt.io_dir", "read"},
	    {"evt.is_wait", "false"},
	    {"evt.category", "unknown"}, /* sysdig too: the fd is not in its table */
	    {"evt.buflen", NONE},
	};
	static const struct expect r56[] = {
	    {"evt.is_io", "true"},   {"evt.is_io_read", "false"}, {"evt.is_io_write", "true"},
	    {"evt.io_dir", "write"}, {"evt.failed", "false"},	  {"evt.res", NONE},
	};
	static const struct expect r59[] = {
	    /* sysdig gives no evt.buflen when it does not know the fd (here: unknown). */
	    {"evt.rawres", "320"},
	    {"evt.res", "SUCCESS"},
	    {"evt.buflen", NONE},
	    {"evt.category", "unknown"},
	};
	static const struct expect o1096[] = {
	    {"evt.type", "select"},  {"evt.res", "SUCCESS"}, {"evt.rawres", "0"},
	    {"evt.is_wait", "true"}, {"evt.cpu", "0"},	     {"evt.is_io", "false"},
	};
	(void)state;
	CHECK("run_as_user_0_container.scap", 55, r55);
	CHECK("run_as_user_0_container.scap", 56, r56);
	CHECK("run_as_user_0_container.scap", 59, r59);
	CHECK("open-multiple-files.scap", 1096, o1096);
}

static void test_open_flags(void **state)
{
	static const struct expect w115[] = {
	    {"evt.is_open_read", "false"},
	    {"evt.is_open_write", "false"},
	    {"evt.is_open_exec", "false"},
	};
	static const struct expect w116[] = {
	    /* flags=262(O_TRUNC|O_CREAT|O_WRONLY) mode=0666 */
	    {"evt.is_open_read", "false"},
	    {"evt.is_open_write", "true"},
	    {"evt.is_open_exec", "false"},
	};
	static const struct expect o1098[] = {
	    /* flags=1(O_RDONLY) */
	    {"evt.is_open_read", "true"},  {"evt.is_open_write", "false"},
	    {"evt.is_open_exec", "false"}, {"evt.rawarg.name", "/tmp/file-1"},
	    {"evt.rawres", "3"},
	};
	static const struct expect o1105[] = {
	    {"evt.is_open_read", "false"},
	    {"evt.type", "close"},
	    {"evt.dir", ">"},
	};
	(void)state;
	CHECK("write_tmp_test.scap", 115, w115);
	CHECK("write_tmp_test.scap", 116, w116);
	CHECK("open-multiple-files.scap", 1098, o1098);
	CHECK("open-multiple-files.scap", 1105, o1105);
}

/* evt.arg goes through the driver's parameter rendering. */
static void test_args(void **state)
{
	static const struct expect w116[] = {
	    {"evt.arg.name", "/tmp/test"},
	    {"evt.arg.flags", "O_TRUNC|O_CREAT|O_WRONLY"},
	    {"evt.arg.mode", "0666"},
	    {"evt.arg.dev", "2D"},
	    {"evt.rawarg.name", "/tmp/test"},
	    /* Without a resolver there is no "(<f>/tmp/test)" part: sysdig prints it with state. */
	    {"evt.arg.fd", "3"},
	    {"evt.arg[0]", "3"},
	    {"evt.arg[1]", "/tmp/test"},
	    {"evt.arg[9]", NONE},
	    {"evt.arg.nosuch", NONE},
	    {"evt.rawarg.nosuch", NONE},
	    {"evt.args",
	     "fd=3 name=/tmp/test flags=262(O_TRUNC|O_CREAT|O_WRONLY) mode=0666 dev=2D "},
	};
	static const struct expect w115[] = {
	    {"evt.args", ""},
	    {"evt.arg.name", NONE},
	    {"evt.arg[0]", NONE},
	};
	static const struct expect c184[] = {
	    {"evt.arg.domain", "AF_INET"},
	    {"evt.arg[1]", "1"},
	    {"evt.rawarg.domain", "2"},
	    {"evt.args", "domain=2(AF_INET) type=1 proto=0 "},
	};
	static const struct expect c187[] = {
	    {"evt.arg.res", "EINPROGRESS"},
	    {"evt.arg.tuple", "127.0.0.1:47192->127.0.0.1:80"},
	    {"evt.arg[1]", "127.0.0.1:47192->127.0.0.1:80"},
	};
	static const struct expect c188[] = {
	    {"evt.arg.domain", "AF_LOCAL"},
	    {"evt.arg.type", "524290"},
	    {"evt.cpu", "0"},
	};
	static const struct expect o1098[] = {
	    {"evt.arg.flags", "O_RDONLY"},
	    {"evt.arg.name", "/tmp/file-1"},
	};
	static const struct expect s183[] = {
	    /* A generic syscall event is named after its ID parameter. */
	    {"evt.type", "madvise"},
	    {"syscall.type", "madvise"},
	    {"evt.arg.ID", "madvise"},
	};
	(void)state;
	CHECK("write_tmp_test.scap", 116, w116);
	CHECK("write_tmp_test.scap", 115, w115);
	CHECK("connect_localhost.scap", 184, c184);
	CHECK("connect_localhost.scap", 187, c187);
	CHECK("connect_localhost.scap", 188, c188);
	CHECK("open-multiple-files.scap", 1098, o1098);
	CHECK("syscall.scap", 183, s183);
}

/* Our own semantics where sysdig prints nothing to compare with. */
static void test_own_semantics(void **state)
{
	static const struct expect w116[] = {
	    {"evt.type.is.open", "1"},
	    {"evt.type.is.close", "0"},
	    {"evt.is_syslog", "false"},
	    {"evt.rawarg.flags", "262"},
	    {"evt.rawarg.mode", "438"}, /* 0666 */
	    {"evt.is_open_create", "false"},
	    /* No state engine: latency unpaired, state classes extract nothing. */
	    {"evt.latency", "0"},
	    {"proc.name", NONE},
	    {"proc.aname[2]", NONE},
	    {"fd.name", NONE},
	    {"fd.num", NONE},
	    {"user.name", NONE},
	    {"group.gid", NONE},
	    {"container.id", NONE},
	    {"k8s.ns.name", NONE},
	    {"fs.path.name", NONE},
	    {"fdlist.nums", NONE},
	    {"thread.tid", "25754"},
	};
	(void)state;
	CHECK("write_tmp_test.scap", 116, w116);
}

/* fdlist.* read poll's fds parameter; without state only the numbers are known. */
static void test_fdlist(void **state)
{
	/* sysdig: '*%evt.num %fdlist.nums | %fdlist.names | %fdlist.cips | %fdlist.sports' */
	static const struct expect r53[] = {
	    /* res=0 fds= (empty list) */
	    {"fdlist.nums", NONE},
	    {"fdlist.names", NONE},
	};
	static const struct expect r62[] = {
	    /* fds=4:e1 7:i0 timeout=100 */
	    {"fdlist.nums", "4,7"},
	    {"fdlist.names", "<NA>,<NA>"},
	    {"fdlist.cips", NONE},
	    {"fdlist.sports", NONE},
	};
	static const struct expect r63[] = {
	    {"fdlist.nums", "4"},
	    {"fdlist.names", "<NA>"},
	};
	(void)state;
	CHECK("run_as_user_0_container.scap", 53, r53);
	CHECK("run_as_user_0_container.scap", 62, r62);
	CHECK("run_as_user_0_container.scap", 63, r63);
}

/*
 * Every event sysdig prints of three small captures, with the fields that
 * need no state, as printed by
 *   sysdig -r captures/X.scap -p '*%evt.num|%evt.type|%evt.dir|%evt.cpu|%evt.res|%evt.rawres|
 *     %evt.failed|%evt.is_io|%evt.io_dir|%evt.is_wait|%evt.reltime|%evt.rawtime.ns|
 *     %syscall.type|%evt.count.exit|%evt.is_open_read|%evt.is_open_write'
 */
static const char *const whole_fields[] = {
    "evt.num",	    "evt.type",	      "evt.dir",	  "evt.cpu",
    "evt.res",	    "evt.rawres",     "evt.failed",	  "evt.is_io",
    "evt.io_dir",   "evt.is_wait",    "evt.reltime",	  "evt.rawtime.ns",
    "syscall.type", "evt.count.exit", "evt.is_open_read", "evt.is_open_write",
};
static const char *const whole_connect_localhost[] = {
    "184|socket|>|1|<NA>|<NA>|false|false|<NA>|false|470393499|470393498|socket|<NA>|false|false",
    "185|socket|<|1|SUCCESS|4|false|false|<NA>|false|470449560|470449559|socket|1|false|false",
    "186|connect|>|1|<NA>|<NA>|false|false|<NA>|false|470503528|470503527|connect|<NA>|false|false",
    "187|connect|<|1|EINPROGRESS|-115|true|false|<NA>|false|470627541|470627540|connect|1|false|"
    "false",
    "188|socket|>|0|<NA>|<NA>|false|false|<NA>|false|734973497|734973496|socket|<NA>|false|false",
    "189|socket|<|0|SUCCESS|14|false|false|<NA>|false|734990948|734990947|socket|1|false|false",
    "190|socket|>|0|<NA>|<NA>|false|false|<NA>|false|735056099|735056098|socket|<NA>|false|false",
    "191|socket|<|0|SUCCESS|20|false|false|<NA>|false|735061504|735061503|socket|1|false|false",
    NULL,
};
static const char *const whole_syscall[] = {
    "179|open|>|0|<NA>|<NA>|false|false|<NA>|false|492328389|492328388|open|<NA>|false|false",
    "180|open|<|0|SUCCESS|3|false|false|<NA>|false|492332844|492332843|open|1|true|false",
    "181|open|>|0|<NA>|<NA>|false|false|<NA>|false|492348425|492348424|open|<NA>|false|false",
    "182|open|<|0|SUCCESS|3|false|false|<NA>|false|492352144|492352143|open|1|true|false",
    "183|madvise|>|0|<NA>|<NA>|false|false|<NA>|false|492510105|492510104|madvise|<NA>|false|false",
    "184|madvise|<|0|<NA>|<NA>|false|false|<NA>|false|492510773|492510772|madvise|1|false|false",
    "185|madvise|>|0|<NA>|<NA>|false|false|<NA>|false|492511586|492511585|madvise|<NA>|false|false",
    "186|madvise|<|0|<NA>|<NA>|false|false|<NA>|false|492511779|492511778|madvise|1|false|false",
    "187|open|>|0|<NA>|<NA>|false|false|<NA>|false|492514599|492514598|open|<NA>|false|false",
    "188|open|<|0|SUCCESS|3|false|false|<NA>|false|492521022|492521021|open|1|true|false",
    "189|open|>|0|<NA>|<NA>|false|false|<NA>|false|492524665|492524664|open|<NA>|false|false",
    "190|open|<|0|SUCCESS|3|false|false|<NA>|false|492525780|492525779|open|1|true|false",
    NULL,
};
static const char *const whole_ping_sendto[] = {
    "137|sendmsg|>|3|<NA>|<NA>|false|true|write|false|557282637|557282636|sendmsg|<NA>|false|false",
    "138|sendmsg|<|3|SUCCESS|64|false|true|write|false|557367973|557367972|sendmsg|1|false|false",
    "276|sendmsg|>|3|<NA>|<NA>|false|true|write|false|1559488400|559488399|sendmsg|<NA>|false|"
    "false",
    "277|sendmsg|<|3|SUCCESS|64|false|true|write|false|1559647188|559647187|sendmsg|1|false|false",
    "415|sendmsg|>|3|<NA>|<NA>|false|true|write|false|2565834684|565834683|sendmsg|<NA>|false|"
    "false",
    "416|sendmsg|<|3|SUCCESS|64|false|true|write|false|2565975507|565975506|sendmsg|1|false|false",
    "554|sendmsg|>|2|<NA>|<NA>|false|true|write|false|3567875855|567875854|sendmsg|<NA>|false|"
    "false",
    "555|sendmsg|<|2|SUCCESS|64|false|true|write|false|3568068552|568068551|sendmsg|1|false|false",
    "693|sendmsg|>|2|<NA>|<NA>|false|true|write|false|4571276310|571276309|sendmsg|<NA>|false|"
    "false",
    "694|sendmsg|<|2|SUCCESS|64|false|true|write|false|4571463975|571463974|sendmsg|1|false|false",
    "832|sendmsg|>|2|<NA>|<NA>|false|true|write|false|5574351631|574351630|sendmsg|<NA>|false|"
    "false",
    "833|sendmsg|<|2|SUCCESS|64|false|true|write|false|5574607018|574607017|sendmsg|1|false|false",
    "971|sendmsg|>|2|<NA>|<NA>|false|true|write|false|6576630493|576630492|sendmsg|<NA>|false|"
    "false",
    "972|sendmsg|<|2|SUCCESS|64|false|true|write|false|6576770746|576770745|sendmsg|1|false|false",
    "1110|sendmsg|>|2|<NA>|<NA>|false|true|write|false|7580606410|580606409|sendmsg|<NA>|false|"
    "false",
    "1111|sendmsg|<|2|SUCCESS|64|false|true|write|false|7580806772|580806771|sendmsg|1|false|false",
    "1249|sendmsg|>|2|<NA>|<NA>|false|true|write|false|8583300377|583300376|sendmsg|<NA>|false|"
    "false",
    "1250|sendmsg|<|2|SUCCESS|64|false|true|write|false|8583651137|583651136|sendmsg|1|false|false",
    "1388|sendmsg|>|2|<NA>|<NA>|false|true|write|false|9585149850|585149849|sendmsg|<NA>|false|"
    "false",
    "1389|sendmsg|<|2|SUCCESS|64|false|true|write|false|9585290571|585290570|sendmsg|1|false|false",
    NULL,
};

/* One '|'-joined line of whole_fields for the event in ctx, "<NA>" for no value. */
static void render_line(struct sk_eval_ctx *ctx, char *line, size_t cap)
{
	size_t n = 0;

	line[0] = '\0';
	for (unsigned i = 0; i < sizeof(whole_fields) / sizeof(whole_fields[0]); i++) {
		struct sk_field_ref ref;
		struct sk_value vals[SK_FIELD_MAX_VALUES];
		char arg[64], val[512];
		int nv;

		resolve("syscall", whole_fields[i], &ref, arg, sizeof(arg));
		ctx->scratch_used = 0;
		nv = ref.cls->extract(&ref, ctx, vals, SK_FIELD_MAX_VALUES);
		if (nv > 0)
			sk_value_render(&vals[0], val, sizeof(val));
		else
			snprintf(val, sizeof(val), "<NA>");
		n += (size_t)snprintf(line + n, cap - n, "%s%s", i ? "|" : "", val);
		assert_true(n < cap);
	}
}

/* Every event of the capture that sysdig prints (it hides meta events) against its line. */
static void check_whole(const char *capture, const char *const *expected)
{
	const char *root = getenv("SAKER_CORPUS");
	char path[1024], err[256], line[4096];
	struct sk_scap_reader *r;
	struct sk_scap_item it;
	uint64_t num = 0, first_ts = 0, prev_ts = 0;
	unsigned k = 0;

	snprintf(path, sizeof(path), "%s/captures/%s", root ? root : "../shared/corpus", capture);
	if (sk_scap_reader_open(&r, path, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	while (sk_scap_reader_next(r, &it, err, sizeof(err)) == 1) {
		if (it.kind != SK_SCAP_EVENT)
			continue;
		num++;
		if (!first_ts && it.event.hdr->tid != UINT64_MAX)
			first_ts = it.event.hdr->ts;
		if (!(it.event.info->category & SK_EC_METAEVENT)) {
			struct sk_eval_ctx ctx = {.evt = &it.event,
						  .evtnum = num,
						  .source = "syscall",
						  .first_ts = first_ts,
						  .prev_ts = prev_ts,
						  .scratch = scratch,
						  .scratch_cap = SCRATCH_CAP};

			render_line(&ctx, line, sizeof(line));
			if (!expected[k])
				fail_msg("%s: more events than sysdig prints (at #%llu)", capture,
					 (unsigned long long)num);
			if (strcmp(line, expected[k]) != 0)
				fail_msg("%s:\n ours:   %s\n sysdig: %s", capture, line,
					 expected[k]);
			k++;
		}
		prev_ts = it.event.hdr->ts;
	}
	sk_scap_reader_free(r);
	assert_null(expected[k]);
}

static void test_whole_captures(void **state)
{
	(void)state;
	check_whole("connect_localhost.scap", whole_connect_localhost);
	check_whole("syscall.scap", whole_syscall);
	check_whole("ping_sendto.scap", whole_ping_sendto);
}

/* A plugin-source event: no sk_evt, only the all-source evt fields answer. */
static void test_no_event(void **state)
{
	struct sk_eval_ctx ctx = {
	    .evtnum = 7,
	    .source = "aws_cloudtrail",
	    .hostname = "h",
	    .scratch = scratch,
	    .scratch_cap = SCRATCH_CAP,
	};
	static const struct expect ex[] = {
	    {"evt.num", "7"},	{"evt.source", "aws_cloudtrail"}, {"evt.hostname", "h"},
	    {"evt.time", NONE}, {"evt.time.iso8601", NONE},	  {"evt.plugininfo", NONE},
	};
	(void)state;
	for (unsigned i = 0; i < sizeof(ex) / sizeof(ex[0]); i++)
		check(&ctx, "plugin event", &ex[i]);
}

/* A full scratch buffer yields no value rather than a cut one. */
static void test_scratch_exhausted(void **state)
{
	static const struct expect e[] = {{"evt.time", NONE}, {"evt.num", "116"}};
	char tiny[4];
	struct sk_scap_reader *r;
	struct sk_scap_item it;
	char err[256], path[1024];
	const char *root = getenv("SAKER_CORPUS");
	uint64_t n = 0;
	(void)state;

	snprintf(path, sizeof(path), "%s/captures/write_tmp_test.scap",
		 root ? root : "../shared/corpus");
	assert_int_equal(sk_scap_reader_open(&r, path, err, sizeof(err)), 0);
	while (sk_scap_reader_next(r, &it, err, sizeof(err)) == 1) {
		if (it.kind != SK_SCAP_EVENT || ++n < 116)
			continue;
		struct sk_eval_ctx ctx = {.evt = &it.event,
					  .evtnum = n,
					  .source = "syscall",
					  .scratch = tiny,
					  .scratch_cap = sizeof(tiny)};

		check(&ctx, "tiny scratch", &e[0]);
		check(&ctx, "tiny scratch", &e[1]);
		break;
	}
	sk_scap_reader_free(r);
	assert_int_equal(n, 116);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_times_and_header),
	    cmocka_unit_test(test_results),
	    cmocka_unit_test(test_io_and_wait),
	    cmocka_unit_test(test_open_flags),
	    cmocka_unit_test(test_args),
	    cmocka_unit_test(test_own_semantics),
	    cmocka_unit_test(test_fdlist),
	    cmocka_unit_test(test_whole_captures),
	    cmocka_unit_test(test_no_event),
	    cmocka_unit_test(test_scratch_exhausted),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
