/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The rules engine's state hook over sk_state, on corpus captures: the
 * expected values are what `sysdig -r CAPTURE -p ...` prints for the same
 * event.
 */
#include "state_test_util.h"

#define EVT_MAX 65536

static struct sk_state st;
static uint8_t evbuf[EVT_MAX];
static struct sk_evt ev;

static int setup(void **unused)
{
	sk_state_init(&st);
	return 0;
}

static int teardown(void **unused)
{
	sk_state_fini(&st);
	return 0;
}

/* sysdig: 116 open bash /tmp/test, parent containerd-shim, container 697956520d89 */
static void test_thread_and_ancestors(void **unused)
{
	state_test_replay(&st, "write_tmp_test.scap", 116, &ev, evbuf, sizeof(evbuf));
	struct sk_thread_view t = {0}, p = {0}, g = {0};
	assert_true(sk_state_field_ops.thread(&st, (int64_t)ev.hdr->tid, &t));
	assert_string_equal(t.comm, "bash");
	assert_string_equal(t.container_id, "697956520d89");
	assert_string_equal(t.container_full_id,
			    "697956520d891b5cb0e215093970c733549a3f745f52263c05b37f8a488994f3");
	assert_int_equal(t.uid, 0);
	assert_true(sk_state_field_ops.parent(&st, &t, &p));
	assert_string_equal(p.comm, "containerd-shim");
	assert_true(sk_state_field_ops.parent(&st, &p, &g));
	assert_string_equal(g.comm, "containerd");
	assert_false(sk_state_field_ops.thread(&st, 999999999, &t));
}

/* The open exit's fd is the returned one and already in the table. */
static void test_event_fd_open_exit(void **unused)
{
	state_test_replay(&st, "write_tmp_test.scap", 116, &ev, evbuf, sizeof(evbuf));
	struct sk_fd_view f = {0};
	assert_true(sk_state_field_ops.event_fd(&st, &ev, &f));
	assert_int_equal(f.fd, 3);
	assert_true(f.in_table);
	assert_int_equal(f.type, SK_FD_FILE);
	assert_string_equal(f.name, "/tmp/test");
}

/* An open enter has an fd event but no fd yet: -1, not in the table. */
static void test_event_fd_open_enter(void **unused)
{
	/* sysdig: 179 open > fd.num -1 */
	state_test_replay(&st, "syscall.scap", 179, &ev, evbuf, sizeof(evbuf));
	struct sk_fd_view f = {0};
	assert_true(sk_state_field_ops.event_fd(&st, &ev, &f));
	assert_int_equal(f.fd, -1);
	assert_false(f.in_table);
}

/* A non-fd event (madvise) has no event fd. */
static void test_event_fd_none(void **unused)
{
	state_test_replay(&st, "syscall.scap", 183, &ev, evbuf, sizeof(evbuf));
	struct sk_fd_view f = {0};
	assert_false(sk_state_field_ops.event_fd(&st, &ev, &f));
}

/*
 * sysdig: 1106 close < fd 3 /tmp/file-1 — the closed fd is still visible to
 * its close exit, and gone once the event is consumed.
 */
static void test_close_deferred(void **unused)
{
	state_test_replay(&st, "open-multiple-files.scap", 1106, &ev, evbuf, sizeof(evbuf));
	struct sk_fd_view f = {0};
	assert_true(sk_state_field_ops.event_fd(&st, &ev, &f));
	assert_int_equal(f.fd, 3);
	assert_true(f.in_table);
	assert_string_equal(f.name, "/tmp/file-1");
	sk_state_after_event(&st, &ev);
	memset(&f, 0, sizeof(f));
	assert_true(sk_state_field_ops.fd(&st, (int64_t)ev.hdr->tid, 3, &f));
	assert_false(f.in_table);
}

/* Users and groups come from the capture's user list. */
static void test_user_group(void **unused)
{
	state_test_replay(&st, "write_tmp_test.scap", 116, &ev, evbuf, sizeof(evbuf));
	struct sk_user_view u = {0};
	struct sk_group_view g = {0};
	assert_true(sk_state_field_ops.user(&st, 0, "", &u));
	assert_string_equal(u.name, "root");
	assert_string_equal(u.homedir, "/root");
	assert_true(sk_state_field_ops.group(&st, 0, "", &g));
	assert_string_equal(g.name, "root");
	assert_false(sk_state_field_ops.user(&st, 4000000000u, "", &u));
}

/* Container metadata from the capture's container event (code 272 JSON). */
static void test_container(void **unused)
{
	state_test_replay(&st, "write_tmp_test.scap", 116, &ev, evbuf, sizeof(evbuf));
	struct sk_container_view c = {0};
	assert_true(sk_state_field_ops.container(&st, "697956520d89", &c));
	assert_string_equal(c.name, "hopeful_taussig");
	assert_string_equal(c.image, "nginx");
	assert_string_equal(c.image_repository, "nginx");
	assert_string_equal(c.image_tag, "latest");
	assert_string_equal(c.type, "docker");
	assert_string_equal(c.ip, "172.17.0.2");
	assert_false(c.privileged);
	assert_false(sk_state_field_ops.container(&st, "000000000000", &c));
	struct sk_k8s_view k = {0};
	assert_false(sk_state_field_ops.k8s(&st, "697956520d89", SK_K8S_POD, &k));
}

/* Socket tuples with roles: sshd (13612) is the server of 10.0.2.2:49289->10.0.2.15:22. */
static void test_socket_roles(void **unused)
{
	state_test_replay(&st, "run_as_user_0_container.scap", 3235, &ev, evbuf, sizeof(evbuf));
	struct sk_fd_view f = {0};
	assert_true(sk_state_field_ops.fd(&st, 13612, 3, &f));
	assert_true(f.in_table);
	assert_true(f.is_server);
	assert_true(f.connected);
	assert_int_equal(f.l4proto, 6);
	assert_int_equal(f.sport, 49289);
	assert_int_equal(f.dport, 22);
}

/* A socket created by socket() has no endpoints yet: family 0 (role none). */
static void test_socket_role_none(void **unused)
{
	/* sysdig: 185 socket < fd 4, fd.l4proto <NA> */
	state_test_replay(&st, "connect_localhost.scap", 185, &ev, evbuf, sizeof(evbuf));
	struct sk_fd_view f = {0};
	assert_true(sk_state_field_ops.event_fd(&st, &ev, &f));
	assert_int_equal(f.fd, 4);
	assert_true(f.in_table);
	assert_int_equal(f.type, SK_FD_IPV4_SOCK);
	assert_int_equal(f.family, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_thread_and_ancestors, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_event_fd_open_exit, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_event_fd_open_enter, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_event_fd_none, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_close_deferred, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_user_group, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_container, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_socket_roles, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_socket_role_none, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
