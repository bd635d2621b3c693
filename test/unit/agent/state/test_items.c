/* SPDX-License-Identifier: Apache-2.0 */
/* Seeding state from a capture's metadata records: processes, fds, users, interfaces. */
#include "state_test_util.h"

static struct sk_scap_proc proc;
static struct sk_scap_fd fd;

static void str(struct sk_scap_str *s, const char *text)
{
	s->len = (uint32_t)snprintf(s->buf, sizeof(s->buf), "%s", text);
}

static int apply_proc(struct sk_state *st, int64_t tid, int64_t pid, const char *comm)
{
	memset(&proc, 0, sizeof(proc));
	proc.tid = tid;
	proc.pid = pid;
	proc.ptid = 1;
	str(&proc.comm, comm);
	str(&proc.cwd, "/srv");
	static const char cg[] =
	    "cpu=/docker/697956520d891b5cb0e215093970c733549a3f745f52263c05b37f8a488994f3";
	memcpy(proc.cgroups.buf, cg, sizeof(cg));
	proc.cgroups.len = sizeof(cg);
	struct sk_scap_item it = {.kind = SK_SCAP_PROC, .proc = &proc};
	return sk_state_apply_item(st, &it);
}

static int apply_fd(struct sk_state *st, int64_t tid, int64_t num, uint8_t type, const char *name)
{
	fd.tid = tid;
	fd.fd = num;
	fd.type = type;
	str(&fd.name, name);
	struct sk_scap_item it = {.kind = SK_SCAP_FD, .fd = &fd};
	return sk_state_apply_item(st, &it);
}

static void test_proc_record(void **unused)
{
	struct sk_state st;
	sk_state_init(&st);
	assert_int_equal(apply_proc(&st, 100, 100, "nginx"), 0);
	assert_int_equal(apply_proc(&st, 101, 100, "nginx"), 0);
	const struct sk_thread *t = sk_state_thread(&st, 101);
	assert_string_equal(t->comm, "nginx");
	assert_string_equal(t->cwd, "/srv/");
	assert_string_equal(t->container_id, "697956520d89");
	assert_int_equal(t->lastevent_fd, 0); /* libsinsp's initial value */
	/* threads of a process share the main thread's fd table */
	assert_ptr_equal(t->fdt, sk_state_thread(&st, 100)->fdt);
	assert_int_equal(t->fdt->refs, 2);
	sk_state_fini(&st);
}

static void test_fd_records(void **unused)
{
	struct sk_state st;
	sk_state_init(&st);
	apply_proc(&st, 100, 100, "sshd");
	/* sockets are recorded local end first; the lower port is the server */
	memset(&fd, 0, sizeof(fd));
	memcpy(fd.sip, (uint8_t[]){10, 0, 2, 15}, 4);
	memcpy(fd.dip, (uint8_t[]){10, 0, 2, 2}, 4);
	fd.sport = 22;
	fd.dport = 49289;
	fd.l4proto = 2;
	assert_int_equal(apply_fd(&st, 100, 3, SK_FD_IPV4_SOCK, ""), 0);
	const struct sk_fdinfo *fi = sk_state_fd(&st, 100, 3);
	assert_true(fi->is_server);
	assert_true(fi->role_known);
	assert_string_equal(sk_fdinfo_name(fi), "10.0.2.2:49289->10.0.2.15:22");
	/* listening socket */
	memset(&fd, 0, sizeof(fd));
	memcpy(fd.sip, (uint8_t[]){0, 0, 0, 0}, 4);
	fd.sport = 80;
	assert_int_equal(apply_fd(&st, 100, 4, SK_FD_IPV4_SERVSOCK, ""), 0);
	assert_string_equal(sk_fdinfo_name(sk_state_fd(&st, 100, 4)), "0.0.0.0:80");
	/* unix socket names scanned from /proc/net/unix lose their newline */
	memset(&fd, 0, sizeof(fd));
	assert_int_equal(apply_fd(&st, 100, 5, SK_FD_UNIX_SOCK, "/run/sock\n"), 0);
	assert_string_equal(sk_fdinfo_name(sk_state_fd(&st, 100, 5)), "/run/sock");
	/* FILE_V2 is kept as a file */
	memset(&fd, 0, sizeof(fd));
	assert_int_equal(apply_fd(&st, 100, 6, SK_FD_FILE_V2, "/etc/passwd"), 0);
	assert_int_equal(sk_state_fd(&st, 100, 6)->type, SK_FD_FILE);
	sk_state_fini(&st);
}

static void test_user_list_replaced(void **unused)
{
	struct sk_state st;
	sk_state_init(&st);
	struct sk_scap_user u = {.uid = 1000, .gid = 1000};
	snprintf(u.name, sizeof(u.name), "alice");
	struct sk_scap_item it = {.kind = SK_SCAP_USER, .user = &u};
	assert_int_equal(sk_state_apply_item(&st, &it), 0);
	assert_string_equal(sk_state_user(&st, 1000)->name, "alice");
	it = (struct sk_scap_item){.kind = SK_SCAP_USER_LIST_BEGIN};
	assert_int_equal(sk_state_apply_item(&st, &it), 0);
	assert_null(sk_state_user(&st, 1000));
	sk_state_fini(&st);
}

static void test_interfaces(void **unused)
{
	struct sk_state st;
	sk_state_init(&st);
	struct sk_scap_iface ifc = {.type = 1, .addr = {10, 0, 2, 15}};
	struct sk_scap_item it = {.kind = SK_SCAP_IFACE, .iface = &ifc};
	assert_int_equal(sk_state_apply_item(&st, &it), 0);
	assert_int_equal(st.nifaddrs, 1);
	it = (struct sk_scap_item){.kind = SK_SCAP_IFACE_LIST_BEGIN};
	assert_int_equal(sk_state_apply_item(&st, &it), 0);
	assert_int_equal(st.nifaddrs, 0);
	sk_state_fini(&st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_proc_record),
	    cmocka_unit_test(test_fd_records),
	    cmocka_unit_test(test_user_list_replaced),
	    cmocka_unit_test(test_interfaces),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
