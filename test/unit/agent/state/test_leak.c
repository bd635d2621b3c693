/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Memory stays flat when the state engine replays a capture many times in
 * one process: every pass through run_as_user_0_container (threads, fds,
 * clones, execs, exits, container events) is applied, evaluated through the
 * state hook and torn down. In the SAN=1 build, LeakSanitizer checks at exit
 * that nothing is left; in every build, the bytes in use after the last pass
 * must equal those after the first (mallinfo2, with glibc's per-thread
 * cache off so that freed chunks do not count as in use).
 */
#include "state_test_util.h"

#include <malloc.h>
#include <unistd.h>

#define PASSES 200u
#define EVT_MAX 65536

/* Replay the whole capture once into a fresh state, reading every view. */
static void one_pass(void)
{
	char err[512];
	struct sk_scap_reader *r;
	struct sk_state st;
	sk_state_init(&st);
	assert_int_equal(sk_scap_reader_open(&r, state_test_capture("run_as_user_0_container.scap"),
					     err, sizeof(err)),
			 0);
	struct sk_scap_item it;
	while (sk_scap_reader_next(r, &it, err, sizeof(err)) > 0) {
		if (it.kind != SK_SCAP_EVENT) {
			sk_state_apply_item(&st, &it);
			continue;
		}
		sk_state_apply_event(&st, &it.event);
		struct sk_thread_view t = {0}, p = {0};
		struct sk_fd_view f = {0};
		struct sk_container_view c = {0};
		if (sk_state_field_ops.thread(&st, (int64_t)it.event.hdr->tid, &t)) {
			sk_state_field_ops.parent(&st, &t, &p);
			if (t.container_id[0])
				sk_state_field_ops.container(&st, t.container_id, &c);
		}
		sk_state_field_ops.event_fd(&st, &it.event, &f);
		sk_state_after_event(&st, &it.event);
	}
	sk_scap_reader_free(r);
	sk_state_fini(&st);
}

static void test_replay_is_flat(void **unused)
{
	one_pass();
	struct mallinfo2 first = mallinfo2();
	for (unsigned i = 1; i < PASSES; i++)
		one_pass();
	struct mallinfo2 last = mallinfo2();
#if defined(__SANITIZE_ADDRESS__)
	/* ASan's allocator does not report through mallinfo2: LeakSanitizer checks at exit. */
	(void)first;
	(void)last;
#else
	assert_int_equal(last.uordblks, first.uordblks);
#endif
}

int main(int argc, char **argv)
{
	/* glibc's tcache keeps freed chunks counted as in use: run without it. */
	if (!getenv("SAKER_LEAK_TEST_REEXEC")) {
		setenv("SAKER_LEAK_TEST_REEXEC", "1", 1);
		setenv("GLIBC_TUNABLES", "glibc.malloc.tcache_count=0:glibc.malloc.mxfast=0", 1);
		execv("/proc/self/exe", argv);
	}
	(void)argc;
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_replay_is_flat),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
