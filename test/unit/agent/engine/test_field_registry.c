/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Tests of agent/engine/field_registry.c and the built-in class tables:
 * lookup, evt.arg.NAME-style names, prefixes, per-source filtering, clashes,
 * value rendering, and every field the corpus rule files use.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../../../agent/engine/field.h"

static struct sk_field_registry *reg;

static int setup(void **state)
{
	(void)state;
	if (sk_field_registry_new(&reg) != 0)
		return -1;
	return sk_field_registry_add_builtin(reg);
}

static int teardown(void **state)
{
	(void)state;
	sk_field_registry_free(reg);
	reg = NULL;
	return 0;
}

static int find(const char *source, const char *name, struct sk_field_ref *ref)
{
	return sk_field_registry_find(reg, source, name, strlen(name), ref);
}

static void test_exact_lookup(void **state)
{
	struct sk_field_ref ref;
	(void)state;

	assert_int_equal(find("syscall", "proc.name", &ref), 0);
	assert_string_equal(ref.field->name, "proc.name");
	assert_string_equal(ref.cls->name, "process");
	assert_int_equal(ref.field->type, PT_CHARBUF);
	assert_null(ref.arg);

	assert_int_equal(find("syscall", "fd.sport", &ref), 0);
	assert_int_equal(ref.field->type, PT_PORT);
	assert_int_equal(find("syscall", "evt.rawres", &ref), 0);
	assert_int_equal(ref.field->type, PT_INT64);

	assert_int_equal(find("syscall", "proc.nmae", &ref), -ENOENT);
	assert_int_equal(find("syscall", "proc", &ref), -ENOENT);
	assert_int_equal(find("syscall", "", &ref), -ENOENT);
	/* Only the first len bytes count. */
	assert_int_equal(sk_field_registry_find(reg, "syscall", "proc.namexyz", 9, &ref), 0);
	assert_string_equal(ref.field->name, "proc.name");
}

static void test_name_arg(void **state)
{
	struct sk_field_ref ref;
	(void)state;

	assert_int_equal(find("syscall", "evt.arg.flags", &ref), 0);
	assert_string_equal(ref.field->name, "evt.arg");
	assert_int_equal(ref.arg_len, 5);
	assert_memory_equal(ref.arg, "flags", 5);

	assert_int_equal(find("syscall", "evt.rawarg.res", &ref), 0);
	assert_string_equal(ref.field->name, "evt.rawarg");
	assert_int_equal(ref.arg_len, 3);
	assert_memory_equal(ref.arg, "res", 3);

	/* The suffix may itself contain dots. */
	assert_int_equal(find("syscall", "k8s.pod.label.app.kubernetes.io", &ref), 0);
	assert_string_equal(ref.field->name, "k8s.pod.label");
	assert_int_equal(ref.arg_len, strlen("app.kubernetes.io"));

	assert_int_equal(find("syscall", "evt.type.is.open", &ref), 0);
	assert_string_equal(ref.field->name, "evt.type.is");
	assert_int_equal(find("syscall", "thread.cgroup.cpuacct", &ref), 0);
	assert_string_equal(ref.field->name, "thread.cgroup");

	/* The bare name resolves without an argument. */
	assert_int_equal(find("syscall", "evt.arg", &ref), 0);
	assert_null(ref.arg);
	/* An exact field wins over a NAME_ARG reading of it. */
	assert_int_equal(find("syscall", "evt.args", &ref), 0);
	assert_string_equal(ref.field->name, "evt.args");

	/* Empty suffix, or a prefix that does not take a name argument. */
	assert_int_equal(find("syscall", "evt.arg.", &ref), -ENOENT);
	assert_int_equal(find("syscall", "proc.name.foo", &ref), -ENOENT);
	assert_int_equal(find("syscall", "fd.sip.name.x", &ref), -ENOENT);
}

static size_t prefix(const char *source, const char *text)
{
	return sk_field_registry_match_prefix(reg, source, text, strlen(text));
}

static void test_match_prefix(void **state)
{
	(void)state;
	assert_int_equal(prefix("syscall", "proc.name"), 9);
	assert_int_equal(prefix("syscall", "proc.name)"), 9);
	assert_int_equal(prefix("syscall", "proc.namefoo bar"), 9);
	assert_int_equal(prefix("syscall", "proc.name. next"), 9);
	assert_int_equal(prefix("syscall", "proc.aname[2] x"), 10);
	/* Longest: fd.sip.name over fd.sip, proc.pname over nothing shorter. */
	assert_int_equal(prefix("syscall", "fd.sip.name=x"), 11);
	assert_int_equal(prefix("syscall", "fd.sip=x"), 6);
	assert_int_equal(prefix("syscall", "evt.arg.flags)"), 13);
	assert_int_equal(prefix("syscall", "evt.time.iso8601: x"), 16);
	assert_int_equal(prefix("syscall", "evt.time: x"), 8);
	assert_int_equal(prefix("syscall", "nothing.here"), 0);
	assert_int_equal(prefix("syscall", " proc.name"), 0);
	assert_int_equal(prefix("syscall", ""), 0);
	/* Per source: proc.* are syscall-only, evt.num is everywhere. */
	assert_int_equal(prefix("k8s_audit", "proc.name"), 0);
	assert_int_equal(prefix("k8s_audit", "evt.num "), 7);
}

static void test_source_filtering(void **state)
{
	struct sk_field_ref ref;
	(void)state;

	assert_int_equal(find("aws_cloudtrail", "evt.num", &ref), 0);
	assert_null(ref.cls->source);
	assert_int_equal(find("aws_cloudtrail", "evt.time.iso8601", &ref), 0);
	assert_int_equal(find("k8s_audit", "evt.plugininfo", &ref), 0);
	assert_int_equal(find("k8s_audit", "evt.type", &ref), -ENOENT);
	assert_int_equal(find("k8s_audit", "fd.name", &ref), -ENOENT);
	assert_int_equal(find("k8s_audit", "evt.arg.flags", &ref), -ENOENT);
	/* NULL source: any class. */
	assert_int_equal(find(NULL, "fd.name", &ref), 0);
}

static const struct sk_field other_fields[] = {
    {.name = "proc.name", .type = PT_CHARBUF, .id = 0, .desc = "a plugin's proc.name"},
    {.name = "other.thing", .type = PT_UINT64, .id = 1, .desc = "something"},
};

static void test_clashes_and_plugin_sources(void **state)
{
	struct sk_field_class same_src = {
	    .name = "x", .source = "syscall", .fields = other_fields, .nfields = 2};
	struct sk_field_class all_src = {
	    .name = "x", .source = NULL, .fields = other_fields, .nfields = 2};
	struct sk_field_class plugin = {
	    .name = "other", .source = "other", .fields = other_fields, .nfields = 2};
	struct sk_field_ref ref;
	unsigned n = 0;
	(void)state;

	while (sk_field_registry_class_at(reg, n))
		n++;
	assert_int_equal(sk_field_registry_add(reg, &same_src), -EEXIST);
	assert_int_equal(sk_field_registry_add(reg, &all_src), -EEXIST);
	/* A failed add leaves nothing behind. */
	assert_int_equal(find(NULL, "other.thing", &ref), -ENOENT);
	assert_null(sk_field_registry_class_at(reg, n));

	/* Same name, another source: allowed, and each source sees its own. */
	assert_int_equal(sk_field_registry_add(reg, &plugin), 0);
	assert_ptr_equal(sk_field_registry_class_at(reg, n), &plugin);
	assert_int_equal(find("other", "proc.name", &ref), 0);
	assert_ptr_equal(ref.cls, &plugin);
	assert_int_equal(find("syscall", "proc.name", &ref), 0);
	assert_string_equal(ref.cls->name, "process");
	assert_int_equal(find("syscall", "other.thing", &ref), -ENOENT);
	assert_int_equal(find("other", "other.thing", &ref), 0);
	assert_int_equal(sk_field_registry_add(reg, &plugin), -EEXIST);
}

/* Many plugin classes: the table grows, every name stays reachable, the class cap holds. */
static void test_growth_and_class_cap(void **state)
{
	enum { PER_CLASS = 20 };
	struct sk_field_registry *r;
	struct sk_field_class *classes =
	    calloc(SK_FIELD_REGISTRY_MAX_CLASSES + 1, sizeof(*classes));
	struct sk_field *fields =
	    calloc((SK_FIELD_REGISTRY_MAX_CLASSES + 1) * PER_CLASS, sizeof(*fields));
	char *names = calloc((SK_FIELD_REGISTRY_MAX_CLASSES + 1) * PER_CLASS, 32);
	struct sk_field_ref ref;
	unsigned i;
	(void)state;

	assert_non_null(classes);
	assert_non_null(fields);
	assert_non_null(names);
	assert_int_equal(sk_field_registry_new(&r), 0);
	for (i = 0; i <= SK_FIELD_REGISTRY_MAX_CLASSES; i++) {
		for (unsigned j = 0; j < PER_CLASS; j++) {
			char *n = names + ((size_t)i * PER_CLASS + j) * 32;

			snprintf(n, 32, "p%u.f%u", i, j);
			fields[i * PER_CLASS + j] = (struct sk_field){.name = n,
								      .type = PT_UINT64,
								      .id = (uint16_t)j,
								      .desc = "a generated field"};
		}
		classes[i] = (struct sk_field_class){.name = "p",
						     .source = "plug",
						     .fields = &fields[i * PER_CLASS],
						     .nfields = PER_CLASS};
		if (i < SK_FIELD_REGISTRY_MAX_CLASSES)
			assert_int_equal(sk_field_registry_add(r, &classes[i]), 0);
		else
			assert_int_equal(sk_field_registry_add(r, &classes[i]), -ENOSPC);
	}
	for (i = 0; i < SK_FIELD_REGISTRY_MAX_CLASSES; i++) {
		char n[32];

		snprintf(n, sizeof(n), "p%u.f%u", i, i % PER_CLASS);
		assert_int_equal(sk_field_registry_find(r, "plug", n, strlen(n), &ref), 0);
		assert_ptr_equal(ref.cls, &classes[i]);
		assert_int_equal(ref.field->id, i % PER_CLASS);
	}
	snprintf(names, 32, "p%u.f0", SK_FIELD_REGISTRY_MAX_CLASSES);
	assert_int_equal(sk_field_registry_find(r, "plug", names, strlen(names), &ref), -ENOENT);
	sk_field_registry_free(r);
	free(names);
	free(fields);
	free(classes);
}

/* Every built-in table: ids match positions, names unique and well formed, described. */
static void test_builtin_tables(void **state)
{
	const struct sk_field_class *c;
	unsigned total = 0;
	static const char *const order[] = {"evt",    "evt",	"syscall", "process",
					    "thread", "user",	"group",   "container",
					    "fd",     "fdlist", "fs.path", "k8s"};
	(void)state;

	for (unsigned i = 0; (c = sk_field_registry_class_at(reg, i)) != NULL; i++) {
		assert_true(i < sizeof(order) / sizeof(order[0]));
		assert_string_equal(c->name, order[i]);
		assert_non_null(c->desc);
		assert_non_null(c->extract);
		for (unsigned j = 0; j < c->nfields; j++) {
			const struct sk_field *f = &c->fields[j];
			struct sk_field_ref ref;

			assert_int_equal(f->id, j);
			assert_non_null(f->name);
			assert_non_null(f->desc);
			assert_true(strlen(f->desc) > 10);
			assert_true(f->type > PT_NONE && f->type < PT_MAX);
			assert_int_equal(find(c->source, f->name, &ref), 0);
			assert_ptr_equal(ref.field, f);
			total++;
		}
	}
	/* sysdig 0.29 lists 166 fields for these classes; we add the newer ones. */
	assert_true(total >= 200);
}

static void test_prepare_arguments(void **state)
{
	struct sk_field_ref ref;
	char err[128];
	(void)state;

	assert_int_equal(find("syscall", "proc.aname", &ref), 0);
	ref.arg = "2";
	assert_int_equal(ref.cls->prepare(&ref, err, sizeof(err)), 0);
	assert_int_equal(ref.arg_index, 2);
	ref.arg = "x";
	ref.prepared = 0;
	assert_int_equal(ref.cls->prepare(&ref, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "proc.aname"));
	ref.arg = NULL;
	assert_int_equal(ref.cls->prepare(&ref, err, sizeof(err)), 0);

	assert_int_equal(find("syscall", "proc.name", &ref), 0);
	ref.arg = "1";
	assert_int_equal(ref.cls->prepare(&ref, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "field 'proc.name' takes no argument");

	assert_int_equal(find("syscall", "evt.arg", &ref), 0);
	assert_int_equal(ref.cls->prepare(&ref, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "field 'evt.arg' requires an argument");
	ref.arg = "0";
	assert_int_equal(ref.cls->prepare(&ref, err, sizeof(err)), 0);
	assert_int_equal(ref.prepared, 1);
	ref.arg = "flags";
	ref.prepared = 0;
	assert_int_equal(ref.cls->prepare(&ref, err, sizeof(err)), 0);
	assert_int_equal(ref.prepared, 0);

	assert_int_equal(find("syscall", "container.mount.dest", &ref), 0);
	ref.arg = "/proc*";
	assert_int_equal(ref.cls->prepare(&ref, err, sizeof(err)), 0);
	assert_int_equal(find("syscall", "proc.env", &ref), 0);
	ref.arg = "HOME";
	assert_int_equal(ref.cls->prepare(&ref, err, sizeof(err)), 0);
}

static const char *render(const struct sk_value *v)
{
	static char buf[128];

	sk_value_render(v, buf, sizeof(buf));
	return buf;
}

static void test_value_render(void **state)
{
	static const uint8_t v4[] = {127, 0, 0, 1};
	static const uint8_t v6[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 1};
	static const uint8_t net[] = {10, 0, 0, 0, 8};
	static const uint8_t bytes[] = {'a', 0, 'b', '\n', 'c'};
	struct sk_value v;
	char small[4];
	(void)state;

	v = (struct sk_value){.type = PT_INT64, .i = -115};
	assert_string_equal(render(&v), "-115");
	v = (struct sk_value){.type = PT_UINT64, .u = 18446744073709551615ull};
	assert_string_equal(render(&v), "18446744073709551615");
	v = (struct sk_value){.type = PT_INT16, .i = 1};
	assert_string_equal(render(&v), "1");
	v = (struct sk_value){.type = PT_PORT, .u = 80};
	assert_string_equal(render(&v), "80");
	v = (struct sk_value){.type = PT_RELTIME, .fmt = PF_10_PADDED_DEC, .u = 71348};
	assert_string_equal(render(&v), "000071348");
	v = (struct sk_value){.type = PT_UINT32, .fmt = PF_OCT, .u = 0666};
	assert_string_equal(render(&v), "0666");
	v = (struct sk_value){.type = PT_UINT32, .fmt = PF_HEX, .u = 0x2d};
	assert_string_equal(render(&v), "2D");
	v = (struct sk_value){.type = PT_BOOL, .u = 1};
	assert_string_equal(render(&v), "true");
	v = (struct sk_value){.type = PT_BOOL, .u = 0};
	assert_string_equal(render(&v), "false");
	v = (struct sk_value){.type = PT_CHARBUF, .len = 3, .s = "abcdef"};
	assert_string_equal(render(&v), "abc");
	v = (struct sk_value){.type = PT_BYTEBUF, .len = 5, .b = bytes};
	assert_string_equal(render(&v), "a.b.c");
	v = (struct sk_value){.type = PT_IPADDR, .len = 4, .b = v4};
	assert_string_equal(render(&v), "127.0.0.1");
	v = (struct sk_value){.type = PT_IPV4ADDR, .len = 4, .b = v4};
	assert_string_equal(render(&v), "127.0.0.1");
	v = (struct sk_value){.type = PT_IPADDR, .len = 16, .b = v6};
	assert_string_equal(render(&v), "2001:db8::1");
	v = (struct sk_value){.type = PT_IPNET, .len = 5, .b = net};
	assert_string_equal(render(&v), "10.0.0.0/8");
	v = (struct sk_value){.type = PT_DOUBLE, .d = 0.25};
	assert_string_equal(render(&v), "0.2");
	/* Like snprintf: needed length returned, output cut and terminated. */
	v = (struct sk_value){.type = PT_CHARBUF, .len = 6, .s = "abcdef"};
	assert_int_equal(sk_value_render(&v, small, sizeof(small)), 6);
	assert_string_equal(small, "abc");
	v = (struct sk_value){.type = PT_INT64, .i = 123456};
	assert_int_equal(sk_value_render(&v, small, sizeof(small)), 6);
	assert_string_equal(small, "123");
}

/*
 * Corpus scan. Rule files are read as text: the values of condition: and
 * output: keys (with their indented continuation lines) are collected and
 * tokenized by hand. In conditions, quoted strings, the value after a
 * comparison operator and the items of in/intersects/pmatch lists are values,
 * not fields; in outputs, fields are the names after '%'.
 */

/* Falco's type of every field the corpus uses (sysdig 0.29 --list -v, newer libs for the rest). */
static const struct {
	const char *name;
	uint8_t type;
} falco_types[] = {
    {"container.id", PT_CHARBUF},
    {"container.image.repository", PT_CHARBUF},
    {"container.image.tag", PT_CHARBUF},
    {"container.info", PT_CHARBUF},
    {"container.mount.dest", PT_CHARBUF},
    {"container.mounts", PT_CHARBUF},
    {"container.name", PT_CHARBUF},
    {"container.privileged", PT_BOOL},
    {"container.start_ts", PT_ABSTIME},
    {"evt.arg", PT_CHARBUF},
    {"evt.args", PT_CHARBUF},
    {"evt.dir", PT_CHARBUF},
    {"evt.is_open_exec", PT_BOOL},
    {"evt.is_open_read", PT_BOOL},
    {"evt.is_open_write", PT_BOOL},
    {"evt.num", PT_UINT64},
    {"evt.plugininfo", PT_CHARBUF},
    {"evt.rawres", PT_INT64},
    {"evt.res", PT_CHARBUF},
    {"evt.time.iso8601", PT_CHARBUF},
    {"evt.type", PT_CHARBUF},
    {"evt.buffer", PT_BYTEBUF},
    {"fd.cip", PT_IPADDR},
    {"fd.cip.name", PT_CHARBUF},
    {"fd.cnet", PT_IPNET},
    {"fd.connected", PT_BOOL},
    {"fd.directory", PT_CHARBUF},
    {"fd.filename", PT_CHARBUF},
    {"fd.ip", PT_IPADDR},
    {"fd.l4proto", PT_CHARBUF},
    {"fd.lip.name", PT_CHARBUF},
    {"fd.lport", PT_PORT},
    {"fd.name", PT_CHARBUF},
    {"fd.name_changed", PT_BOOL},
    {"fd.nameraw", PT_CHARBUF},
    {"fd.net", PT_IPNET},
    {"fd.num", PT_INT64},
    {"fd.port", PT_PORT},
    {"fd.rip", PT_IPADDR},
    {"fd.rip.name", PT_CHARBUF},
    {"fd.rnet", PT_IPNET},
    {"fd.rport", PT_PORT},
    {"fd.sip", PT_IPADDR},
    {"fd.sip.name", PT_CHARBUF},
    {"fd.snet", PT_IPNET},
    {"fd.sockfamily", PT_CHARBUF},
    {"fd.sport", PT_PORT},
    {"fd.type", PT_CHARBUF},
    {"fd.typechar", PT_CHARBUF},
    {"group.gid", PT_UINT64},
    {"group.name", PT_CHARBUF},
    {"k8s.ns.name", PT_CHARBUF},
    {"k8s.pod.name", PT_CHARBUF},
    {"proc.aexe", PT_CHARBUF},
    {"proc.aexepath", PT_CHARBUF},
    {"proc.aname", PT_CHARBUF},
    {"proc.args", PT_CHARBUF},
    {"proc.cmdline", PT_CHARBUF},
    {"proc.cwd", PT_CHARBUF},
    {"proc.duration", PT_RELTIME},
    {"proc.env", PT_CHARBUF},
    {"proc.exe", PT_CHARBUF},
    {"proc.exe_ino.ctime", PT_ABSTIME},
    {"proc.exe_ino.ctime_duration_proc_start", PT_RELTIME},
    {"proc.exe_ino.mtime", PT_ABSTIME},
    {"proc.exepath", PT_CHARBUF},
    {"proc.is_exe_from_memfd", PT_BOOL},
    {"proc.is_exe_upper_layer", PT_BOOL},
    {"proc.is_vpgid_leader", PT_BOOL},
    {"proc.name", PT_CHARBUF},
    {"proc.pcmdline", PT_CHARBUF},
    {"proc.pexe", PT_CHARBUF},
    {"proc.pexepath", PT_CHARBUF},
    {"proc.pname", PT_CHARBUF},
    {"proc.sname", PT_CHARBUF},
    {"proc.tty", PT_INT32},
    {"proc.vpid", PT_INT64},
    {"thread.cap_effective", PT_CHARBUF},
    {"thread.cap_permitted", PT_CHARBUF},
    {"user.loginname", PT_CHARBUF},
    {"user.loginuid", PT_INT32},
    {"user.name", PT_CHARBUF},
    {"user.uid", PT_UINT32},
};

/* Our classes' prefixes; other tokens (ka.*, ct.*, json.*) belong to plugins. */
static bool is_ours(const char *name)
{
	static const char *const prefixes[] = {"evt.",	     "proc.",	 "thread.", "fd.",
					       "fdlist.",    "fs.path.", "user.",   "group.",
					       "container.", "k8s.",	 "syscall."};

	for (unsigned i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (strncmp(name, prefixes[i], strlen(prefixes[i])) == 0)
			return true;
	return false;
}

struct scan {
	const char *file;
	const char *source;
	unsigned checked;
	unsigned seen_cond, seen_out;
};

static char *read_corpus(const char *rel)
{
	const char *root = getenv("SAKER_CORPUS");
	char path[1024];
	FILE *f;
	char *buf;
	long n;

	snprintf(path, sizeof(path), "%s/%s", root ? root : "../shared/corpus", rel);
	f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	if (buf)
		buf[n] = '\0';
	fclose(f);
	return buf;
}

static bool name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '.';
}

static void check_field(struct scan *s, const char *tok, size_t len)
{
	char name[256];
	struct sk_field_ref ref;
	bool typed = false;

	while (len > 0 && tok[len - 1] == '.')
		len--;
	if (len == 0 || len >= sizeof(name))
		return;
	memcpy(name, tok, len);
	name[len] = '\0';
	if (!is_ours(name))
		return;
	if (sk_field_registry_find(reg, s->source, name, len, &ref) != 0)
		fail_msg("%s: field '%s' unknown for source %s", s->file, name, s->source);
	for (unsigned i = 0; i < sizeof(falco_types) / sizeof(falco_types[0]); i++) {
		if (strcmp(falco_types[i].name, ref.field->name) != 0)
			continue;
		if (falco_types[i].type != ref.field->type)
			fail_msg("%s: field '%s' has type %u, Falco's is %u", s->file, name,
				 ref.field->type, falco_types[i].type);
		typed = true;
	}
	if (!typed)
		fail_msg("%s: field '%s' has no expected type in this test", s->file, name);
	s->checked++;
}

static bool is_word(const char *p, size_t n, const char *w)
{
	return strlen(w) == n && memcmp(p, w, n) == 0;
}

static bool is_value_op(const char *p, size_t n)
{
	static const char *const ops[] = {"contains",  "icontains",   "startswith",
					  "endswith",  "glob",	      "iglob",
					  "bcontains", "bstartswith", "regex"};

	for (unsigned i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (is_word(p, n, ops[i]))
			return true;
	return false;
}

/* Tokenize a condition: fields are name tokens in operand position. */
static void scan_condition(struct scan *s, const char *c, size_t len)
{
	size_t i = 0;
	bool skip_value = false, list_next = false;
	int list_depth = 0;

	while (i < len) {
		char ch = c[i];

		if (ch == '"' || ch == '\'') {
			size_t j = i + 1;

			while (j < len && c[j] != ch)
				j++;
			i = j + 1;
			skip_value = false;
			continue;
		}
		if (ch == '(') {
			if (list_next || list_depth)
				list_depth++;
			list_next = false;
			i++;
			continue;
		}
		if (ch == ')') {
			if (list_depth)
				list_depth--;
			i++;
			continue;
		}
		if (ch == '[') { /* field argument */
			while (i < len && c[i] != ']')
				i++;
			i++;
			continue;
		}
		if (ch == '=' || ch == '<' || ch == '>' || ch == '!') {
			while (i < len &&
			       (c[i] == '=' || c[i] == '<' || c[i] == '>' || c[i] == '!'))
				i++;
			skip_value = true;
			continue;
		}
		if (!name_char(ch)) {
			size_t j = i;

			/* A bare value (a path, a glob...) runs until a space. */
			if (skip_value && ch != ' ' && ch != '\n' && ch != '\t' && ch != ',') {
				while (j < len && c[j] != ' ' && c[j] != '\n' && c[j] != ')')
					j++;
				skip_value = false;
				i = j;
				continue;
			}
			i++;
			continue;
		}
		size_t j = i;

		while (j < len && name_char(c[j]))
			j++;
		if (is_word(c + i, j - i, "in") || is_word(c + i, j - i, "intersects") ||
		    is_word(c + i, j - i, "pmatch")) {
			list_next = true;
		} else if (is_value_op(c + i, j - i)) {
			skip_value = true;
		} else if (skip_value) {
			/* value token, possibly with '/' etc.: skip to a space */
			while (j < len && c[j] != ' ' && c[j] != '\n' && c[j] != ')')
				j++;
			skip_value = false;
		} else if (!list_depth && memchr(c + i, '.', j - i)) {
			check_field(s, c + i, j - i);
			s->seen_cond++;
		}
		i = j;
	}
}

static void scan_output(struct scan *s, const char *o, size_t len)
{
	for (size_t i = 0; i + 1 < len; i++) {
		size_t j;

		if (o[i] != '%')
			continue;
		j = i + 1;
		while (j < len && name_char(o[j]))
			j++;
		if (j > i + 1 && memchr(o + i + 1, '.', j - i - 1)) {
			check_field(s, o + i + 1, j - i - 1);
			s->seen_out++;
		}
	}
}

static size_t indent_of(const char *line)
{
	size_t n = 0;

	while (line[n] == ' ')
		n++;
	return n;
}

/* Collect each condition:/output: value (key line rest + deeper-indented lines). */
static void scan_file(struct scan *s, char *text)
{
	char *line = text;

	while (line && *line) {
		char *next = strchr(line, '\n');
		size_t ind = indent_of(line);
		const char *key = line + ind;
		bool cond = strncmp(key, "condition:", 10) == 0;
		bool out = strncmp(key, "output:", 7) == 0;

		if (next)
			*next++ = '\0';
		if (!cond && !out) {
			line = next;
			continue;
		}
		/* Join the value into one buffer. */
		size_t cap = 65536, n = 0;
		char *val = malloc(cap);

		assert_non_null(val);
		n += (size_t)snprintf(val, cap, "%s ", key + (cond ? 10 : 7));
		while (next && *next) {
			char *after = strchr(next, '\n');
			size_t nind = indent_of(next);

			if (next[nind] != '\0' && next[nind] != '#' && nind <= ind)
				break;
			if (after)
				*after++ = '\0';
			if (next[nind] != '#')
				n += (size_t)snprintf(val + n, cap - n, "%s ", next + nind);
			next = after;
		}
		if (cond)
			scan_condition(s, val, n);
		else
			scan_output(s, val, n);
		free(val);
		line = next;
	}
}

static void scan_corpus_file(const char *file, const char *source, unsigned min_fields)
{
	char rel[256];
	char *text;
	struct scan s = {.file = file, .source = source};

	snprintf(rel, sizeof(rel), "falco-rules/%s", file);
	text = read_corpus(rel);
	if (!text)
		fail_msg("cannot read corpus file %s (set SAKER_CORPUS)", rel);
	scan_file(&s, text);
	free(text);
	/* The scan must actually have found the file's fields. */
	assert_true(s.checked >= min_fields);
}

static void test_corpus_fields_known(void **state)
{
	(void)state;
	/* Lower bounds: the spec's per-file counts of field uses (conditions + outputs). */
	scan_corpus_file("falco_rules.yaml", "syscall", 400);
	scan_corpus_file("falco-incubating_rules.yaml", "syscall", 400);
	scan_corpus_file("falco-sandbox_rules.yaml", "syscall", 800);
	scan_corpus_file("falco_rules-0.31.0.yaml", "syscall", 1000);
	scan_corpus_file("application_rules-0.31.0.yaml", "syscall", 18);
	/* Plugin sources: only the evt.* fields are ours there. */
	scan_corpus_file("aws_cloudtrail_rules.yaml", "aws_cloudtrail", 3);
	scan_corpus_file("aws_cloudtrail_rules-0.31.0.yaml", "aws_cloudtrail", 3);
	scan_corpus_file("k8s_audit_rules.yaml", "k8s_audit", 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_exact_lookup),
	    cmocka_unit_test(test_name_arg),
	    cmocka_unit_test(test_match_prefix),
	    cmocka_unit_test(test_source_filtering),
	    cmocka_unit_test(test_builtin_tables),
	    cmocka_unit_test(test_prepare_arguments),
	    cmocka_unit_test(test_value_render),
	    cmocka_unit_test(test_corpus_fields_known),
	    cmocka_unit_test(test_growth_and_class_cap),
	    cmocka_unit_test(test_clashes_and_plugin_sources),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
