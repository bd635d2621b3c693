/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Event-type sets of conditions, with Falco's ppm_codes semantics, on the
 * examples of Falco's documentation and tests.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../../../agent/engine/filter.h"
#include "engine_test_util.h"

static struct sk_field_registry *reg;
static struct sk_evtset uni;

static int setup(void **state)
{
	(void)state;
	reg = test_registry();
	sk_evtset_universe(&uni);
	return reg ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	sk_field_registry_free(reg);
	return 0;
}

static struct sk_evtset codes_of(const char *cond)
{
	struct sk_filter *f = NULL;
	char err[256];
	if (sk_filter_compile_text(NULL, reg, "syscall", cond, &f, err, sizeof(err)))
		fail_msg("%s: %s", cond, err);
	struct sk_evtset s;
	sk_filter_evttypes(f, &s);
	sk_filter_free(f);
	return s;
}

static struct sk_evtset named(const char *a, const char *b)
{
	struct sk_evtset s, t;
	sk_evtset_from_name(&s, a, strlen(a));
	if (b) {
		sk_evtset_from_name(&t, b, strlen(b));
		for (unsigned w = 0; w < SK_EVTSET_WORDS; w++)
			s.w[w] |= t.w[w];
	}
	return s;
}

static struct sk_evtset complement(struct sk_evtset s)
{
	for (unsigned w = 0; w < SK_EVTSET_WORDS; w++)
		s.w[w] = uni.w[w] & ~s.w[w];
	return s;
}

static struct sk_evtset empty(void)
{
	struct sk_evtset s;
	memset(&s, 0, sizeof(s));
	return s;
}

#define assert_set(got, want)                                                                      \
	do {                                                                                       \
		struct sk_evtset g_ = (got), w_ = (want);                                          \
		if (memcmp(&g_, &w_, sizeof(g_)))                                                  \
			fail_msg("sets differ: %u vs %u codes", sk_evtset_count(&g_),              \
				 sk_evtset_count(&w_));                                            \
	} while (0)

static void test_names_map_to_every_code(void **state)
{
	(void)state;
	struct sk_evtset open = named("open", NULL);
	assert_int_equal(sk_evtset_count(&open), 2); /* enter and exit */
	assert_true(sk_evtset_has(&open, SK_EVT_OPEN_E));
	assert_true(sk_evtset_has(&open, SK_EVT_OPEN_X));
	struct sk_evtset execve = named("execve", NULL);
	assert_true(sk_evtset_count(&execve) >= 10); /* every version, enter and exit */
	/* a syscall without an event of its own: the generic events */
	struct sk_evtset madv = named("madvise", NULL);
	assert_int_equal(sk_evtset_count(&madv), 2);
	assert_true(sk_evtset_has(&madv, SK_EVT_SYSCALL_E));
	assert_true(sk_evtset_has(&madv, SK_EVT_SYSCALL_X));
	/* a name that is neither an event nor a syscall matches nothing */
	struct sk_evtset typo = named("opne", NULL);
	assert_int_equal(sk_evtset_count(&typo), 0);
	/* the universe holds every named code, no "NA" code */
	assert_true(sk_evtset_count(&uni) > 300);
	for (unsigned c = 0; c < SK_EVT_TABLE_SIZE; c++) {
		const struct sk_event_info *i = sk_event_info_get((uint16_t)c);
		assert_int_equal(sk_evtset_has(&uni, c), strcmp(i->name, "NA") != 0);
	}
}

static void test_falco_examples(void **state)
{
	(void)state;
	struct sk_evtset open = named("open", NULL);
	assert_set(codes_of("evt.type=open and proc.name=x"), open);
	assert_set(codes_of("evt.type = open"), open);
	assert_set(codes_of("evt.type == open"), open);
	assert_set(codes_of("evt.type in (open)"), open);
	assert_set(codes_of("not evt.type=open"), complement(open));
	assert_set(codes_of("evt.type!=open"), complement(open));
	assert_set(codes_of("not evt.type!=open"), open);
	assert_set(codes_of("evt.type=open or evt.type=close"), named("open", "close"));
	assert_set(codes_of("evt.type in (open, close)"), named("open", "close"));
	assert_set(codes_of("proc.name=x"), uni);
	assert_set(codes_of("test.str exists"), uni);
	assert_set(codes_of("evt.type=open or proc.name=x"), uni);
	assert_set(codes_of("evt.type=open and evt.type=close"), empty());
	assert_set(codes_of("evt.type=opne"), empty());
	assert_set(codes_of("evt.type!=opne"), uni);
	assert_set(codes_of("evt.type in (open, close) and evt.type in (close, read)"),
		   named("close", NULL));
}

static void test_de_morgan(void **state)
{
	(void)state;
	struct sk_evtset open = named("open", NULL);
	/* not (open and x) = (not open) or (not x) = every code */
	assert_set(codes_of("not (evt.type=open and proc.name=x)"), uni);
	/* not (open or close) = not open and not close */
	assert_set(codes_of("not (evt.type=open or evt.type=close)"),
		   complement(named("open", "close")));
	/* not (not open) */
	assert_set(codes_of("not (not evt.type=open)"), open);
	/* not (open or x) = not open and not x = complement of open */
	assert_set(codes_of("not (evt.type=open or proc.name=x)"), complement(open));
	/* other operators on evt.type are neutral leaves */
	assert_set(codes_of("evt.type startswith op"), uni);
	assert_set(codes_of("evt.type in (open, close) and not evt.type = close"), open);
}

static void test_generic_syscalls(void **state)
{
	(void)state;
	struct sk_evtset s = codes_of("evt.type = madvise or evt.type = open");
	assert_true(sk_evtset_has(&s, SK_EVT_SYSCALL_X));
	assert_true(sk_evtset_has(&s, SK_EVT_OPEN_X));
	assert_int_equal(sk_evtset_count(&s), 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_names_map_to_every_code),
	    cmocka_unit_test(test_falco_examples),
	    cmocka_unit_test(test_de_morgan),
	    cmocka_unit_test(test_generic_syscalls),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
