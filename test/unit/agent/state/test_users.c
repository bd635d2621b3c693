/* SPDX-License-Identifier: Apache-2.0 */
/* Live users and groups: ROOT/etc/passwd and ROOT/etc/group. */
#include "state_test_util.h"

#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

static char root[] = "/tmp/saker-users-XXXXXX";

static void write_file(const char *rel, const char *text)
{
	char path[512];
	snprintf(path, sizeof(path), "%s%s", root, rel);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int setup(void **unused)
{
	char dir[512];
	if (!mkdtemp(root))
		return -1;
	snprintf(dir, sizeof(dir), "%s/etc", root);
	return mkdir(dir, 0755);
}

static int teardown(void **unused)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/etc/passwd", root);
	unlink(path);
	snprintf(path, sizeof(path), "%s/etc/group", root);
	unlink(path);
	snprintf(path, sizeof(path), "%s/etc", root);
	rmdir(path);
	rmdir(root);
	return 0;
}

static void test_load(void **unused)
{
	write_file("/etc/passwd", "root:x:0:0:root:/root:/bin/bash\n"
				  "# a comment\n"
				  "broken line\n"
				  "alice:x:1000:1000:Alice,,,:/home/alice:/bin/zsh\n");
	write_file("/etc/group", "root:x:0:\nstaff:x:50:alice\nnot:a:number:\n");
	struct sk_state st;
	char err[256] = "";
	sk_state_init(&st);
	assert_int_equal(sk_state_load_host_users(&st, root, err, sizeof(err)), 0);
	const struct sk_user *u = sk_state_user(&st, 1000);
	assert_non_null(u);
	assert_string_equal(u->name, "alice");
	assert_string_equal(u->homedir, "/home/alice");
	assert_string_equal(u->shell, "/bin/zsh");
	assert_string_equal(sk_state_user(&st, 0)->name, "root");
	assert_int_equal(st.users.len, 2);
	assert_string_equal(sk_state_group(&st, 50)->name, "staff");
	assert_int_equal(st.groups.len, 2);
	sk_state_fini(&st);
}

static void test_missing_file_named(void **unused)
{
	struct sk_state st;
	char err[256] = "";
	sk_state_init(&st);
	assert_int_equal(sk_state_load_host_users(&st, "/nonexistent-root", err, sizeof(err)),
			 -ENOENT);
	assert_non_null(strstr(err, "/nonexistent-root/etc/passwd"));
	sk_state_fini(&st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_load, setup, teardown),
	    cmocka_unit_test(test_missing_file_named),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
