/* SPDX-License-Identifier: Apache-2.0 */
/* The thread and fd tables: defaults, sharing, caps and their counters. */
#include "state_test_util.h"

#include "../../../../agent/state/state_priv.h"

/* A thread first met in an event is what libsinsp makes of it: <NA> names, unset ids. */
static void test_new_thread_defaults(void **unused)
{
	struct sk_state st;
	sk_state_init(&st);
	struct sk_thread *t = sk_state_thread_add(&st, 4242);
	assert_non_null(t);
	assert_string_equal(t->comm, "<NA>");
	assert_string_equal(t->exe, "<NA>");
	assert_int_equal(t->pid, 4242);
	assert_int_equal(t->ptid, -1);
	assert_int_equal(t->uid, UINT32_MAX);
	assert_int_equal(t->fdlimit, -1);
	assert_int_equal(t->lastevent_fd, -1);
	assert_string_equal(t->container_id, "");
	assert_ptr_equal(sk_state_thread_add(&st, 4242), t);
	sk_state_thread_del(&st, 4242);
	assert_null(sk_state_thread(&st, 4242));
	sk_state_fini(&st);
}

static void test_cwd_trailing_slash(void **unused)
{
	struct sk_state st;
	sk_state_init(&st);
	struct sk_thread *t = sk_state_thread_add(&st, 1);
	assert_int_equal(sk_thread_set_cwd(t, "/home/u"), 0);
	assert_string_equal(t->cwd, "/home/u/");
	assert_int_equal(sk_thread_set_cwd(t, "/"), 0);
	assert_string_equal(t->cwd, "/");
	sk_state_fini(&st);
}

/* Threads of a process share one fd table; a fork gets a copy. */
static void test_fd_tables(void **unused)
{
	struct sk_state st;
	sk_state_init(&st);
	struct sk_thread *t = sk_state_thread_add(&st, 10);
	struct sk_fdinfo *fi = sk_thread_fd_add(&st, t, 3);
	assert_non_null(fi);
	sk_fdinfo_set_name(fi, "%s", "/etc/passwd");
	struct sk_fdtable *copy = sk_fdtable_dup(t->fdt);
	assert_non_null(copy);
	assert_string_equal(sk_fdinfo_name(sk_u64map_get(&copy->fds, 3)), "/etc/passwd");
	sk_thread_fd_del(t, 3);
	assert_null(sk_state_fd(&st, 10, 3));
	assert_non_null(sk_u64map_get(&copy->fds, 3));
	sk_fdtable_unref(copy);
	sk_state_fini(&st);
}

/* At SK_STATE_MAX_FDS fds a process gets no more, and the drop is counted. */
static void test_fd_cap(void **unused)
{
	struct sk_state st;
	sk_state_init(&st);
	struct sk_thread *t = sk_state_thread_add(&st, 10);
	for (int64_t fd = 0; fd < (int64_t)SK_STATE_MAX_FDS; fd++)
		assert_non_null(sk_thread_fd_add(&st, t, fd));
	assert_null(sk_thread_fd_add(&st, t, SK_STATE_MAX_FDS));
	assert_int_equal(st.fds_dropped, 1);
	/* replacing an fd that is there still works */
	assert_non_null(sk_thread_fd_add(&st, t, 5));
	sk_state_fini(&st);
}

/* procexit removes the thread once the event was consumed, not before. */
static void test_procexit_after_event(void **unused)
{
	struct sk_state st;
	static uint8_t buf[65536];
	struct sk_evt ev;
	sk_state_init(&st);
	/* sysdig: 3517 procexit of ls (32052) in run_as_user_0_container */
	uint64_t n = 0;
	char err[256];
	struct sk_scap_reader *r;
	assert_int_equal(sk_scap_reader_open(&r, state_test_capture("run_as_user_0_container.scap"),
					     err, sizeof(err)),
			 0);
	struct sk_scap_item it;
	bool seen = false;
	while (sk_scap_reader_next(r, &it, err, sizeof(err)) > 0) {
		if (it.kind != SK_SCAP_EVENT) {
			sk_state_apply_item(&st, &it);
			continue;
		}
		n++;
		sk_state_apply_event(&st, &it.event);
		if (!strcmp(it.event.info->name, "procexit") && it.event.hdr->tid == 32052) {
			memcpy(buf, it.event.hdr, it.event.hdr->len);
			assert_int_equal(
			    sk_evt_parse(&ev, buf, it.event.hdr->len, err, sizeof(err)), 0);
			assert_non_null(sk_state_thread(&st, 32052));
			sk_state_after_event(&st, &ev);
			assert_null(sk_state_thread(&st, 32052));
			seen = true;
			break;
		}
		sk_state_after_event(&st, &it.event);
	}
	assert_true(seen);
	sk_scap_reader_free(r);
	sk_state_fini(&st);
}

/* Feed a parameterless pipe enter event of tid at ts. */
static void feed(struct sk_state *st, int64_t tid, uint64_t ts)
{
	struct sk_evt_hdr h = {.ts = ts, .tid = (uint64_t)tid, .len = sizeof(h), .type = 60};
	struct sk_evt e;
	char err[64];
	assert_int_equal(sk_evt_parse(&e, &h, sizeof(h), err, sizeof(err)), 0);
	sk_state_apply_event(st, &e);
	sk_state_after_event(st, &e);
}

/*
 * Threads without events for SK_STATE_THREAD_TIMEOUT_NS of event time are
 * evicted and counted, except those another thread names as its parent.
 */
static void test_idle_threads_evicted(void **unused)
{
	struct sk_state st;
	uint64_t t0 = 1000000000000ull;
	sk_state_init(&st);
	feed(&st, 1, t0);
	feed(&st, 100, t0);
	feed(&st, 200, t0);
	sk_state_thread(&st, 100)->ptid = 1;
	/* within the timeout nothing goes */
	feed(&st, 300, t0 + SK_STATE_THREAD_TIMEOUT_NS / 2);
	assert_int_equal(st.threads.len, 4);
	assert_int_equal(st.threads_evicted, 0);
	/* past it: 100 and 200 go, 1 stays as 100's parent, 300 is recent */
	feed(&st, 300, t0 + SK_STATE_THREAD_TIMEOUT_NS + SK_STATE_SWEEP_INTERVAL_NS);
	assert_int_equal(st.threads_evicted, 2);
	assert_null(sk_state_thread(&st, 100));
	assert_null(sk_state_thread(&st, 200));
	assert_non_null(sk_state_thread(&st, 1));
	assert_non_null(sk_state_thread(&st, 300));
	sk_state_fini(&st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_new_thread_defaults),
	    cmocka_unit_test(test_cwd_trailing_slash),
	    cmocka_unit_test(test_fd_tables),
	    cmocka_unit_test(test_fd_cap),
	    cmocka_unit_test(test_procexit_after_event),
	    cmocka_unit_test(test_idle_threads_evicted),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
