/* SPDX-License-Identifier: Apache-2.0 */
/* Output formats and alerts: placeholders, text lines and Falco's JSON alert, byte for byte. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "../../../../agent/engine/engine.h"
#include "engine_test_util.h"

static struct sk_field_registry *reg;
static char scratch[4096];
static struct sk_eval_ctx ctx;

static int setup(void **state)
{
	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	reg = test_registry();
	return reg ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	sk_field_registry_free(reg);
	return 0;
}

static int reset(void **state)
{
	(void)state;
	memset(&tv, 0, sizeof(tv));
	memset(&ctx, 0, sizeof(ctx));
	ctx.source = "syscall";
	ctx.scratch = scratch;
	ctx.scratch_cap = sizeof(scratch);
	return 0;
}

static struct sk_format *fmt(const char *text)
{
	struct sk_format *f = NULL;
	char err[256];
	if (sk_format_compile(reg, "syscall", text, NULL, &f, err, sizeof(err)))
		fail_msg("format '%s': %s", text, err);
	return f;
}

/* Render text; *ok gets the render result. */
static const char *render(const char *text, bool *ok)
{
	static char out[1024];
	struct sk_format *f = fmt(text);
	size_t len;
	bool r = sk_format_render(f, &ctx, out, sizeof(out), &len);
	assert_int_equal(len, strlen(out));
	if (ok)
		*ok = r;
	sk_format_free(f);
	return out;
}

static void test_placeholders(void **state)
{
	(void)state;
	tv.str = "bash";
	tv.str2 = "two";
	tv.i = -5;
	assert_string_equal(render("proc=%test.str pid=%test.int", NULL), "proc=bash pid=-5");
	/* the longest field name wins; text may follow directly */
	assert_string_equal(render("%test.str2x|%test.strfoo", NULL), "twox|bashfoo");
	assert_string_equal(render("%(test.str)ing", NULL), "bashing");
	assert_string_equal(render("[%test.key[HOME]] [%(test.key[a b])]", NULL), "[HOME] [a b]");
	/* %N: pad or cut to N characters */
	assert_string_equal(render("<%6test.str>", NULL), "<bash  >");
	assert_string_equal(render("<%2test.str>", NULL), "<ba>");
	/* transformers, as current libs accept them */
	tv.str = "/usr/bin/BASH";
	assert_string_equal(render("%tolower(basename(test.str))!", NULL), "bash!");
	assert_string_equal(render("%len(test.str)", NULL), "13");
	assert_string_equal(render("no fields", NULL), "no fields");
}

static void test_missing_values(void **state)
{
	(void)state;
	bool ok;
	assert_string_equal(render("*x=%test.missing", &ok), "x=<NA>");
	assert_true(ok);
	assert_string_equal(render("x=%test.missing", &ok), "x=<NA>");
	assert_false(ok);
	tv.list[0] = "nginx";
	tv.list[1] = "redis";
	tv.nlist = 2;
	assert_string_equal(render("images=%test.list", NULL), "images=(nginx,redis)");
}

static void test_container_info(void **state)
{
	(void)state;
	/* 0.31 without -p: %container.name (id=%container.id); no state → <NA> */
	assert_string_equal(render("*shell in %container.info!", NULL), "shell in <NA> (id=<NA>)!");
	struct sk_format *f = NULL;
	char err[128], out[256];
	assert_int_equal(sk_format_compile(reg, "syscall", "*a %container.info b",
					   "container=%container.name (id=%container.id)", &f, err,
					   sizeof(err)),
			 0);
	sk_format_render(f, &ctx, out, sizeof(out), NULL);
	assert_string_equal(out, "a container=<NA> (id=<NA>) b");
	sk_format_free(f);
}

static void test_compile_errors(void **state)
{
	(void)state;
	struct sk_format *f = NULL;
	char err[256];
	assert_int_equal(
	    sk_format_compile(reg, "syscall", "x %nosuch y", NULL, &f, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "invalid formatting token '%nosuch y'"));
	assert_int_equal(sk_format_compile(reg, "syscall", "100%", NULL, &f, err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "cannot end with a %"));
	assert_int_equal(
	    sk_format_compile(reg, "syscall", "%(test.str", NULL, &f, err, sizeof(err)), -EINVAL);
	assert_int_equal(sk_format_compile(reg, "syscall", "%test.key", NULL, &f, err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "requires an argument"));
	assert_int_equal(
	    sk_format_compile(reg, "syscall", "%tolower(test.str", NULL, &f, err, sizeof(err)),
	    -EINVAL);
	assert_int_equal(
	    sk_format_compile(reg, "syscall", "%toupper(test.int)", NULL, &f, err, sizeof(err)),
	    -EINVAL);
	assert_null(f);
}

static const char *const tags[] = {"filesystem", "process", "testing"};

static struct sk_rule mkrule(const char *output)
{
	struct sk_rule r = {.name = "open_from_cat",
			    .source = "syscall",
			    .priority = SK_PRIO_WARNING,
			    .tags = tags,
			    .ntags = 3};
	r.output = fmt(output);
	return r;
}

#define TS 1470327477881781397ull

static void test_text_alert(void **state)
{
	(void)state;
	tv.str = "cat /dev/null";
	struct sk_rule r = mkrule("*An open was seen (command=%test.str)");
	struct sk_output_opts o;
	sk_output_opts_init(&o);
	char out[512];
	size_t n = sk_alert_format(&r, &ctx, TS, &o, out, sizeof(out));
	assert_string_equal(out,
			    "16:17:57.881781397: Warning An open was seen (command=cat /dev/null)");
	assert_int_equal(n, strlen(out));
	o.time_iso8601 = true;
	sk_alert_format(&r, &ctx, TS, &o, out, sizeof(out));
	assert_string_equal(out, "2016-08-04T16:17:57.881781397+0000: Warning An open was seen "
				 "(command=cat /dev/null)");
	/* truncation keeps the needed length */
	char small[10];
	n = sk_alert_format(&r, &ctx, TS, &o, small, sizeof(small));
	assert_int_equal(n, strlen(out));
	assert_string_equal(small, "2016-08-0");
	sk_format_free(r.output);
}

static void test_json_alert_like_falco(void **state)
{
	(void)state;
	tv.str = "cat /dev/null";
	struct sk_rule r = mkrule("*An open was seen (command=%test.str)");
	struct sk_output_opts o;
	sk_output_opts_init(&o);
	o.json = true;
	o.time_iso8601 = true;
	o.hostname = "node-1";
	char out[1024];
	size_t n = sk_alert_format(&r, &ctx, TS, &o, out, sizeof(out));
	/* Falco's sample alert, keys in alphabetical order as current Falco writes them */
	assert_string_equal(
	    out,
	    "{\"hostname\":\"node-1\",\"output\":\"2016-08-04T16:17:57.881781397+0000: Warning "
	    "An open was seen (command=cat /dev/null)\",\"output_fields\":{\"evt.time.iso8601\":"
	    "1470327477881781397,\"test.str\":\"cat /dev/null\"},\"priority\":\"Warning\","
	    "\"rule\":\"open_from_cat\",\"source\":\"syscall\",\"tags\":[\"filesystem\","
	    "\"process\",\"testing\"],\"time\":\"2016-08-04T16:17:57.881781397Z\"}");
	assert_int_equal(n, strlen(out));

	/* properties switched off/on */
	o.json_include_output = false;
	o.json_include_tags = false;
	o.json_include_message = true;
	o.time_iso8601 = false;
	sk_alert_format(&r, &ctx, TS, &o, out, sizeof(out));
	assert_string_equal(
	    out,
	    "{\"hostname\":\"node-1\",\"message\":\"An open was seen (command=cat /dev/null)\","
	    "\"output_fields\":{\"evt.time\":1470327477881781397,\"test.str\":\"cat /dev/null\"},"
	    "\"priority\":\"Warning\",\"rule\":\"open_from_cat\",\"source\":\"syscall\","
	    "\"time\":\"2016-08-04T16:17:57.881781397Z\"}");
	sk_format_free(r.output);
}

static void test_json_typed_fields(void **state)
{
	(void)state;
	tv.i = -5;
	tv.b = true;
	tv.u = 22;
	set_ip("10.0.0.1");
	tv.list[0] = "a";
	tv.list[1] = "b";
	tv.nlist = 2;
	struct sk_rule r =
	    mkrule("*%test.int %test.bool %test.port %test.ip %test.missing %test.list %test.int");
	struct sk_output_opts o;
	sk_output_opts_init(&o);
	o.json = true;
	o.json_include_output = false;
	o.json_include_tags = false;
	o.hostname = "h";
	char out[1024];
	sk_alert_format(&r, &ctx, 5, &o, out, sizeof(out));
	assert_non_null(
	    strstr(out, "\"output_fields\":{\"evt.time\":5,\"test.bool\":true,"
			"\"test.int\":-5,\"test.ip\":\"10.0.0.1\",\"test.list\":[\"a\",\"b\"],"
			"\"test.missing\":null,\"test.port\":22}"));
	assert_non_null(strstr(out, "\"time\":\"1970-01-01T00:00:00.000000005Z\"}"));
	sk_format_free(r.output);
}

/* Time fields in the format are written as the event's ns timestamp, as libsinsp does. */
static void test_json_time_fields(void **state)
{
	(void)state;
	struct sk_rule r = mkrule("*at %evt.time / %evt.datetime");
	struct sk_output_opts o;
	sk_output_opts_init(&o);
	o.json = true;
	o.time_iso8601 = true;
	o.json_include_output = false;
	o.json_include_tags = false;
	char out[1024];
	sk_alert_format(&r, &ctx, TS, &o, out, sizeof(out));
	assert_non_null(strstr(out, "\"output_fields\":{\"evt.datetime\":1470327477881781397,"
				    "\"evt.time\":1470327477881781397,"
				    "\"evt.time.iso8601\":1470327477881781397}"));
	sk_format_free(r.output);
}

/* append_output's extra_fields join output_fields in key order: fields typed, formats as text. */
static void test_json_extra_fields(void **state)
{
	(void)state;
	tv.i = -5;
	tv.str = "v";
	struct sk_rule r = mkrule("*%test.str");
	char err[256];
	assert_int_equal(sk_format_extra_add(&r.extra_fields, reg, "syscall", "test.int", NULL,
					     err, sizeof(err)),
			 0);
	assert_int_equal(sk_format_extra_add(&r.extra_fields, reg, "syscall", "aaa",
					     "s=%test.str i=%test.int", err, sizeof(err)),
			 0);
	/* the same key as an output field is written once */
	assert_int_equal(sk_format_extra_add(&r.extra_fields, reg, "syscall", "test.str", NULL,
					     err, sizeof(err)),
			 0);
	assert_int_equal(sk_format_extra_add(&r.extra_fields, reg, "syscall", "test.nosuch", NULL,
					     err, sizeof(err)),
			 -EINVAL);
	struct sk_output_opts o;
	sk_output_opts_init(&o);
	o.json = true;
	o.json_include_output = false;
	o.json_include_tags = false;
	char out[1024];
	sk_alert_format(&r, &ctx, 5, &o, out, sizeof(out));
	assert_non_null(strstr(out, "\"output_fields\":{\"aaa\":\"s=v i=-5\",\"evt.time\":5,"
				    "\"test.int\":-5,\"test.str\":\"v\"},"));
	/* text alerts are unchanged by extra_fields */
	o.json = false;
	sk_alert_format(&r, &ctx, 5, &o, out, sizeof(out));
	assert_string_equal(strstr(out, "Warning "), "Warning v");
	sk_format_extra_free(r.extra_fields);
	sk_format_free(r.output);
}

static void test_json_escaping(void **state)
{
	(void)state;
	tv.str = "q\"b\\n\nt\t\x01 \xc3\xa9 \xff end/";
	struct sk_rule r = mkrule("*%test.str");
	struct sk_output_opts o;
	sk_output_opts_init(&o);
	o.json = true;
	o.json_include_output = false;
	o.json_include_tags = false;
	char out[1024];
	sk_alert_format(&r, &ctx, 0, &o, out, sizeof(out));
	assert_non_null(
	    strstr(out, "\"test.str\":\"q\\\"b\\\\n\\nt\\t\\u0001 \xc3\xa9 \xef\xbf\xbd end/\""));
	assert_non_null(strstr(out, "{\"hostname\":\"\","));
	sk_format_free(r.output);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_placeholders, reset),
	    cmocka_unit_test_setup(test_missing_values, reset),
	    cmocka_unit_test_setup(test_container_info, reset),
	    cmocka_unit_test_setup(test_compile_errors, reset),
	    cmocka_unit_test_setup(test_text_alert, reset),
	    cmocka_unit_test_setup(test_json_alert_like_falco, reset),
	    cmocka_unit_test_setup(test_json_typed_fields, reset),
	    cmocka_unit_test_setup(test_json_time_fields, reset),
	    cmocka_unit_test_setup(test_json_escaping, reset),
	    cmocka_unit_test_setup(test_json_extra_fields, reset),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
