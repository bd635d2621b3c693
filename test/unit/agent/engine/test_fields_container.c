/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Tests of agent/engine/fields_container.c over the real state engine: the
 * container of run_as_user_0_container.scap (697956520d89), whose metadata
 * event lists no mounts, and the same container once a later container
 * event gives it two.
 *
 * sysdig 0.29.3 prints "<NA>" (no value) for container.mount[N] and its
 * siblings whenever no mount is picked:
 *   sysdig -r captures/run_as_user_0_container.scap \
 *     -p '*%evt.num %container.mount[0] %container.mount.source[5]' container.id!=host
 *   1609 <NA> <NA>
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../../../agent/engine/field.h"
#include "../../../../agent/state/state.h"
#include "../state/state_test_util.h"

#define NONE NULL /* the field extracts no value */
#define SCRATCH_CAP (64u * 1024u)
#define EVT_MAX 65536u
#define CONTAINER_EVT 1609 /* first event of a thread in the container */

static struct sk_field_registry *reg;
static char *scratch;
static struct sk_state st;
static uint8_t evbuf[EVT_MAX];
static struct sk_evt ev;

static int setup(void **unused)
{
	scratch = malloc(SCRATCH_CAP);
	if (!scratch || sk_field_registry_new(&reg) != 0)
		return -1;
	return sk_field_registry_add_builtin(reg);
}

static int teardown(void **unused)
{
	sk_field_registry_free(reg);
	free(scratch);
	return 0;
}

static int each_setup(void **unused)
{
	sk_state_init(&st);
	state_test_replay(&st, "run_as_user_0_container.scap", CONTAINER_EVT, &ev, evbuf,
			  sizeof(evbuf));
	return 0;
}

static int each_teardown(void **unused)
{
	sk_state_fini(&st);
	return 0;
}

struct expect {
	const char *field; /* as written in a rule, [arg] included */
	const char *value; /* as sysdig prints it, or NONE */
};

/* Extract e->field on the current event and compare with e->value. */
static void check(const struct expect *e)
{
	struct sk_eval_ctx ctx = {
	    .evt = &ev,
	    .evtnum = CONTAINER_EVT,
	    .source = "syscall",
	    .state = &st,
	    .state_ops = &sk_state_field_ops,
	    .scratch = scratch,
	    .scratch_cap = SCRATCH_CAP,
	};
	struct sk_field_ref ref;
	struct sk_value vals[SK_FIELD_MAX_VALUES];
	const char *br = strchr(e->field, '[');
	size_t len = br ? (size_t)(br - e->field) : strlen(e->field);
	char arg[256], out[4096], err[256];

	if (sk_field_registry_find(reg, "syscall", e->field, len, &ref) != 0)
		fail_msg("unknown field '%s'", e->field);
	if (br) {
		snprintf(arg, sizeof(arg), "%.*s", (int)(strlen(br) - 2), br + 1);
		ref.arg = arg;
		ref.arg_len = (uint32_t)strlen(arg);
	}
	if (ref.cls->prepare && ref.cls->prepare(&ref, err, sizeof(err)) != 0)
		fail_msg("prepare '%s': %s", e->field, err);
	int n = ref.cls->extract(&ref, &ctx, vals, SK_FIELD_MAX_VALUES);
	assert_true(n >= 0);
	if (!e->value) {
		if (n != 0) {
			sk_value_render(&vals[0], out, sizeof(out));
			fail_msg("%s: expected no value, got '%s'", e->field, out);
		}
		return;
	}
	if (n != 1)
		fail_msg("%s: expected '%s', got %d values", e->field, e->value, n);
	sk_value_render(&vals[0], out, sizeof(out));
	if (strcmp(out, e->value) != 0)
		fail_msg("%s: expected '%s', got '%s'", e->field, e->value, out);
}

static void check_all(const struct expect *ex, size_t n)
{
	for (size_t i = 0; i < n; i++)
		check(&ex[i]);
}

/* The capture's container has no mounts: every pick is no value, as sysdig shows. */
static void test_no_mounts(void **unused)
{
	static const struct expect ex[] = {
	    {"container.id", "697956520d89"},
	    {"container.mounts", ""},
	    {"container.mount[0]", NONE},
	    {"container.mount[5]", NONE},
	    {"container.mount.source[5]", NONE},
	    {"container.mount.dest[5]", NONE},
	    {"container.mount.mode[5]", NONE},
	    {"container.mount.rdwr[5]", NONE},
	    {"container.mount.propagation[5]", NONE},
	    {"container.mount[/nonexistent*]", NONE},
	    {"container.mount.source[/nonexistent*]", NONE},
	};
	check_all(ex, sizeof(ex) / sizeof(ex[0]));
}

/* Two mounts: positions and globs inside pick them, past the end or no match is no value. */
static void test_mounts_past_the_end(void **unused)
{
	static const char json[] =
	    "{\"container\":{\"id\":\"697956520d89\",\"name\":\"hopeful_taussig\",\"type\":0,"
	    "\"Mounts\":[{\"Source\":\"/var/run/docker.sock\",\"Destination\":\"/run/docker.sock\","
	    "\"Mode\":\"\",\"RW\":true,\"Propagation\":\"rprivate\"},"
	    "{\"Source\":\"/etc/hosts\",\"Destination\":\"/etc/hosts\",\"Mode\":\"ro\","
	    "\"RW\":false,\"Propagation\":\"\"}]}}";
	assert_int_equal(sk_state_apply_container_json(&st, json, sizeof(json) - 1), 0);
	static const struct expect ex[] = {
	    {"container.mount[0]", "/var/run/docker.sock:/run/docker.sock::true:rprivate"},
	    {"container.mount[1]", "/etc/hosts:/etc/hosts:ro:false:"},
	    {"container.mount[2]", NONE},
	    {"container.mount[5]", NONE},
	    {"container.mount.source[1]", "/etc/hosts"},
	    {"container.mount.source[2]", NONE},
	    {"container.mount.dest[0]", "/run/docker.sock"},
	    {"container.mount.dest[2]", NONE},
	    {"container.mount.mode[1]", "ro"},
	    {"container.mount.mode[2]", NONE},
	    {"container.mount.rdwr[0]", "true"},
	    {"container.mount.rdwr[2]", NONE},
	    {"container.mount.propagation[0]", "rprivate"},
	    {"container.mount.propagation[2]", NONE},
	    /* by glob: the source (the dest for container.mount.source) */
	    {"container.mount[/var/run/*]", "/var/run/docker.sock:/run/docker.sock::true:rprivate"},
	    {"container.mount[/nonexistent*]", NONE},
	    {"container.mount.source[/run/*]", "/var/run/docker.sock"},
	    {"container.mount.source[/nonexistent*]", NONE},
	    {"container.mount.dest[/nonexistent*]", NONE},
	};
	check_all(ex, sizeof(ex) / sizeof(ex[0]));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_no_mounts, each_setup, each_teardown),
	    cmocka_unit_test_setup_teardown(test_mounts_past_the_end, each_setup, each_teardown),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
