/* SPDX-License-Identifier: Apache-2.0 */
/*
 * State built from real captures: the thread and fd tables after given
 * events must hold what sysdig shows for them (process names and fd names
 * taken from `sysdig -r` output of the same events).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "saker/scap.h"
#include "../../../../agent/state/state.h"
#include "../../../../agent/state/state_priv.h"
#include "../../../../agent/state/state_priv.h"

static char path_buf[4096];

static const char *capture(const char *name)
{
	const char *corpus = getenv("SAKER_CORPUS");
	snprintf(path_buf, sizeof(path_buf), "%s/captures/%s", corpus ? corpus : "../shared/corpus",
		 name);
	return path_buf;
}

/* Feed name's items into st up to and including event number upto (1-based). */
static void replay(struct sk_state *st, const char *name, uint64_t upto)
{
	char err[512];
	struct sk_scap_reader *r;
	assert_int_equal(sk_scap_reader_open(&r, capture(name), err, sizeof(err)), 0);
	struct sk_scap_item it;
	uint64_t n = 0;
	int rc;
	while (n < upto && (rc = sk_scap_reader_next(r, &it, err, sizeof(err))) > 0) {
		if (it.kind != SK_SCAP_EVENT) {
			assert_int_equal(sk_state_apply_item(st, &it), 0);
			continue;
		}
		n++;
		sk_state_apply_event(st, &it.event);
		if (n < upto)
			sk_state_after_event(st, &it.event);
	}
	assert_int_equal(n, upto);
	sk_scap_reader_free(r);
}

static void test_open_exit_adds_fd(void **unused)
{
	struct sk_state st;
	sk_state_init(&st);
	/* sysdig: 180 ... (16518) < open fd=3(<f>/etc/ld.so.cache) */
	replay(&st, "syscall.scap", 180);
	const struct sk_fdinfo *fi = sk_state_fd(&st, 16518, 3);
	assert_non_null(fi);
	assert_int_equal(fi->type, SK_FD_FILE);
	assert_string_equal(sk_fdinfo_name(fi), "/etc/ld.so.cache");
	assert_int_equal(sk_fd_typechar(fi->type), 'f');
	sk_state_fini(&st);
}

static void test_proclist_names_threads(void **unused)
{
	struct sk_state st;
	sk_state_init(&st);
	/* sysdig: 4 ... 3 dockerd (1973) < pselect6 — the name comes from the process list. */
	replay(&st, "run_as_user_0_container.scap", 4);
	const struct sk_thread *t = sk_state_thread(&st, 1973);
	assert_non_null(t);
	assert_string_equal(t->comm, "dockerd");
	sk_state_fini(&st);
}

static void test_fdlist_socket_tuple(void **unused)
{
	struct sk_state st;
	sk_state_init(&st);
	/* sysdig: 3235 ... sshd (13612) > write fd=3(<4t>10.0.2.2:49289->10.0.2.15:22) */
	replay(&st, "run_as_user_0_container.scap", 3235);
	const struct sk_fdinfo *fi = sk_state_fd(&st, 13612, 3);
	assert_non_null(fi);
	assert_int_equal(fi->type, SK_FD_IPV4_SOCK);
	assert_int_equal(fi->l4proto, 2);
	assert_string_equal(sk_fdinfo_name(fi), "10.0.2.2:49289->10.0.2.15:22");
	struct sk_render_resolver res;
	sk_state_resolver(&st, &res);
	char buf[256];
	assert_true(res.fd_name(res.ctx, 13612, 3, buf, sizeof(buf)));
	assert_string_equal(buf, "<4t>10.0.2.2:49289->10.0.2.15:22");
	assert_false(res.fd_name(res.ctx, 13612, 999, buf, sizeof(buf)));
	sk_state_fini(&st);
}

static void test_section_resets_state(void **unused)
{
	struct sk_state st;
	sk_state_init(&st);
	replay(&st, "syscall.scap", 180);
	struct sk_scap_item it = {.kind = SK_SCAP_SECTION};
	assert_int_equal(sk_state_apply_item(&st, &it), 0);
	assert_null(sk_state_thread(&st, 16518));
	assert_int_equal(st.threads.len, 0);
	sk_state_fini(&st);
}

/* Build an event of nparams parameters (u16 lengths) into buf and parse it into e. */
static void mkevt(struct sk_evt *e, uint8_t *buf, uint64_t ts, int64_t tid, uint16_t type,
		  unsigned n, const void *const *vals, const uint16_t *lens)
{
	struct sk_evt_hdr h = {.ts = ts, .tid = (uint64_t)tid, .type = type, .nparams = n};
	size_t off = sizeof(h) + 2u * n;
	for (unsigned i = 0; i < n; i++) {
		memcpy(buf + sizeof(h) + 2u * i, &lens[i], 2);
		memcpy(buf + off, vals[i], lens[i]);
		off += lens[i];
	}
	h.len = (uint32_t)off;
	memcpy(buf, &h, sizeof(h));
	char err[128];
	assert_int_equal(sk_evt_parse(e, buf, off, err, sizeof(err)), 0);
}

static void feed_evt(struct sk_state *st, const struct sk_evt *e)
{
	sk_state_apply_event(st, e);
}

/* A UDP socket takes its peer from sendto; a new peer renames it for that event only. */
static void test_udp_peer_and_name_changed(void **unused)
{
	struct sk_state st;
	static uint8_t buf[1024];
	struct sk_evt e;
	sk_state_init(&st);
	uint32_t domain = 2, type = 2, proto = 0;
	int64_t fd = 7, res = 10;
	uint32_t size = 10;
	const void *sock_e[] = {&domain, &type, &proto};
	const uint16_t sock_e_len[] = {4, 4, 4};
	mkevt(&e, buf, 1000, 500, 18, 3, sock_e, sock_e_len);
	feed_evt(&st, &e);
	sk_state_after_event(&st, &e);
	const void *sock_x[] = {&fd};
	const uint16_t sock_x_len[] = {8};
	mkevt(&e, buf, 1001, 500, 19, 1, sock_x, sock_x_len);
	feed_evt(&st, &e);
	sk_state_after_event(&st, &e);
	const struct sk_fdinfo *fi = sk_state_fd(&st, 500, 7);
	assert_non_null(fi);
	assert_int_equal(fi->l4proto, 3);
	assert_false(fi->role_known);

	/* sendto 10.0.0.1:40000 -> 8.8.8.8:53 */
	uint8_t tuple[13] = {2, 10, 0, 0, 1, 0x40, 0x9c, 8, 8, 8, 8, 53, 0};
	const void *send_e[] = {&fd, &size, tuple};
	const uint16_t send_e_len[] = {8, 4, 13};
	const void *send_x[] = {&res, "0123456789"};
	const uint16_t send_x_len[] = {8, 10};
	mkevt(&e, buf, 1002, 500, 30, 3, send_e, send_e_len);
	feed_evt(&st, &e);
	sk_state_after_event(&st, &e);
	mkevt(&e, buf, 1003, 500, 31, 2, send_x, send_x_len);
	feed_evt(&st, &e);
	assert_true(fi->role_known);
	assert_false(fi->is_server);
	assert_string_equal(sk_fdinfo_name(fi), "10.0.0.1:40000->8.8.8.8:53");
	struct sk_fd_view v = {0};
	assert_true(sk_state_field_ops.event_fd(&st, &e, &v));
	assert_false(v.name_changed); /* the first peer names the socket, it does not rename it */
	sk_state_after_event(&st, &e);

	/* a second peer renames it, for this event only */
	tuple[7] = 1;
	tuple[8] = 1;
	tuple[9] = 1;
	tuple[10] = 1;
	mkevt(&e, buf, 1004, 500, 30, 3, send_e, send_e_len);
	feed_evt(&st, &e);
	sk_state_after_event(&st, &e);
	mkevt(&e, buf, 1005, 500, 31, 2, send_x, send_x_len);
	feed_evt(&st, &e);
	assert_string_equal(sk_fdinfo_name(fi), "10.0.0.1:40000->1.1.1.1:53");
	memset(&v, 0, sizeof(v));
	assert_true(sk_state_field_ops.event_fd(&st, &e, &v));
	assert_true(v.name_changed);
	sk_state_after_event(&st, &e);
	memset(&v, 0, sizeof(v));
	assert_true(sk_state_field_ops.event_fd(&st, &e, &v));
	assert_false(v.name_changed);
	sk_state_fini(&st);
}

/* dup and fcntl(F_DUPFD) copy the fd with its own name; close frees only the one closed. */
static void test_dup_copies(void **unused)
{
	struct sk_state st;
	sk_state_init(&st);
	/* sysdig: 180 open < fd=3(<f>/etc/ld.so.cache) */
	replay(&st, "syscall.scap", 180);
	struct sk_thread *t = sk_state_thread(&st, 16518);
	assert_non_null(t);
	assert_non_null(sk_thread_fd_dup(&st, t, 3, 10));
	assert_null(sk_thread_fd_dup(&st, t, 99, 11));
	sk_state_fd(&st, 16518, 3)->type = SK_FD_DIRECTORY;
	assert_string_equal(sk_fdinfo_name(sk_state_fd(&st, 16518, 10)), "/etc/ld.so.cache");
	assert_int_equal(sk_state_fd(&st, 16518, 10)->type, SK_FD_FILE);
	sk_state_fini(&st);
}

/*
 * An execve exit names the executable's traits in its flags parameter and
 * replaces the arguments, an empty args parameter included.
 */
static void test_execve_flags_and_empty_args(void **unused)
{
	struct sk_state st;
	sk_state_init(&st);
	struct sk_thread *t = sk_state_thread_add(&st, 4242);
	assert_non_null(t);
	assert_int_equal(sk_buf_set(&t->args, &t->args_len, "-l\0/tmp\0", 8), 0);

	/* execve exit 293 up to its 20th parameter, flags = EXE_FROM_MEMFD|EXE_WRITABLE. */
	int64_t res = 0, tid = 4242, pid = 4242, ptid = 1, fdlimit = 1024;
	uint64_t zero64 = 0;
	uint32_t zero32 = 0, loginuid = 1000, flags = 0x5;
	int64_t vpgid = 4242;
	const void *vals[20] = {&res,    "memfd:x", "",      &tid,    &pid,    &ptid,  "/",
				&fdlimit, &zero64,  &zero64, &zero32, &zero32, &zero32, "x",
				"",       "",       &zero32, &vpgid,  &loginuid, &flags};
	const uint16_t lens[20] = {8, 8, 0, 8, 8, 8, 2, 8, 8, 8, 4, 4, 4, 2, 0, 0, 4, 8, 4, 4};
	uint8_t buf[512];
	struct sk_evt e;
	mkevt(&e, buf, 1000, 4242, SK_EVT_EXECVE_X, 20, vals, lens);
	feed_evt(&st, &e);
	t = sk_state_thread(&st, 4242);
	assert_non_null(t);
	assert_true(t->exe_from_memfd);
	assert_true(t->exe_writable);
	assert_false(t->exe_upper_layer);
	assert_int_equal(t->args_len, 0);
	assert_string_equal(t->comm, "x");
	sk_state_fini(&st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_open_exit_adds_fd),
	    cmocka_unit_test(test_proclist_names_threads),
	    cmocka_unit_test(test_fdlist_socket_tuple),
	    cmocka_unit_test(test_section_resets_state),
	    cmocka_unit_test(test_udp_peer_and_name_changed),
	    cmocka_unit_test(test_dup_copies),
	    cmocka_unit_test(test_execve_flags_and_empty_args),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
