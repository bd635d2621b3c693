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
	    cmocka_unit_test(test_no_event),
	    cmocka_unit_test(test_scratch_exhausted),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
