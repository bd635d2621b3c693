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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_exit_adds_fd),
		cmocka_unit_test(test_proclist_names_threads),
		cmocka_unit_test(test_fdlist_socket_tuple),
		cmocka_unit_test(test_section_resets_state),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
