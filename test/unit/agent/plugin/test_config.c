/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Plugins from the configuration tree (Falco's plugins: and load_plugins:):
 * which entries load, init_config as a string or a map (given to the plugin
 * as JSON), open_params, bundled libraries for bare names, and errors that
 * name the place in the configuration and the plugin.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>

#include <cmocka.h>

#include "../../../../agent/config/tree.h"
#include "../../../../agent/plugin/config.h"
#include "../../plugins/plugin_test_util.h"

static struct sk_cnode *root;
static char err[2048];

static struct sk_plugin_host *load(const char *yaml, int *rc)
{
	char perr[256];
	sk_cnode_free(root);
	root = NULL;
	assert_int_equal(sk_cnode_parse(yaml, strlen(yaml), "saker.yaml", &root, perr, sizeof(perr)), 0);
	struct sk_plugin_host *h;
	/* relative library paths: the bundled plugin directory, as saker sets it */
	struct sk_plugin_host_opts o = {.plugin_dir = getenv("SAKER_PLUGIN_DIR")};
	assert_int_equal(sk_plugin_host_new(&h, &o), 0);
	err[0] = '\0';
	*rc = sk_plugin_host_configure(h, sk_cnode_get(root, "plugins"),
				       sk_cnode_get(root, "load_plugins"), err, sizeof(err));
	return h;
}

static int setup(void **state)
{
	char dir[1024];
	snprintf(dir, sizeof(dir), "%s/plugins", pt_build_dir());
	return setenv("SAKER_PLUGIN_DIR", dir, 1);
}

static int teardown(void **state)
{
	sk_cnode_free(root);
	return 0;
}

static void test_entries_and_selection(void **state)
{
	int rc;
	struct sk_plugin_host *h = load("plugins:\n"
					"  - name: k8saudit\n"
					"    library_path: libk8saudit.so\n"
					"    init_config:\n"
					"      maxEventSize: 1000\n"
					"      sslCertificate: /x.pem\n"
					"      useAsync: false\n"
					"    open_params: 'http://:9765/k8s-audit'\n"
					"  - name: cloudtrail\n"
					"    library_path: libcloudtrail.so\n"
					"    init_config: '{\"s3Interval\": \"5d\"}'\n"
					"  - name: json\n"
					"load_plugins: [k8saudit, json]\n",
					&rc);
	assert_int_equal(rc, 0);
	assert_int_equal(sk_plugin_host_count(h), 2); /* cloudtrail not in load_plugins */
	struct sk_plugin_info in;
	sk_plugin_get_info(sk_plugin_host_find(h, "k8saudit"), &in);
	assert_string_equal(in.init_config, "{\"maxEventSize\":1000,\"sslCertificate\":\"/x.pem\","
					    "\"useAsync\":false}");
	assert_string_equal(in.open_params, "http://:9765/k8s-audit");
	/* no library_path: the bundled library of that name */
	assert_non_null(sk_plugin_host_find(h, "json"));
	sk_plugin_host_free(h);

	/* no load_plugins: every entry; a string init_config passes verbatim */
	h = load("plugins:\n"
		 "  - name: cloudtrail\n"
		 "    library_path: libcloudtrail.so\n"
		 "    init_config: '{\"s3Interval\": \"5d\"}'\n",
		 &rc);
	assert_int_equal(rc, 0);
	sk_plugin_get_info(sk_plugin_host_find(h, "cloudtrail"), &in);
	assert_string_equal(in.init_config, "{\"s3Interval\": \"5d\"}");
	sk_plugin_host_free(h);

	/* load_plugins naming only bundled plugins */
	h = load("load_plugins: [k8saudit, json]\n", &rc);
	assert_int_equal(rc, 0);
	assert_int_equal(sk_plugin_host_count(h), 2);
	sk_plugin_host_free(h);

	/* load_plugins: [] loads nothing */
	h = load("plugins:\n  - name: json\n    library_path: libjson.so\nload_plugins: []\n", &rc);
	assert_int_equal(rc, 0);
	assert_int_equal(sk_plugin_host_count(h), 0);
	sk_plugin_host_free(h);
}

static void test_errors_name_the_place(void **state)
{
	int rc;
	struct sk_plugin_host *h =
		load("plugins:\n  - name: json\n    library_path: /nope/libjson.so\n", &rc);
	assert_int_equal(rc, -ENOENT);
	assert_non_null(strstr(err, "saker.yaml:2:"));
	assert_non_null(strstr(err, "plugin 'json' (/nope/libjson.so): cannot load the library"));
	sk_plugin_host_free(h);

	h = load("plugins:\n  - library_path: libjson.so\n", &rc);
	assert_int_equal(rc, -EINVAL);
	assert_non_null(strstr(err, "saker.yaml:2:5: a plugins: entry needs a name"));
	sk_plugin_host_free(h);

	h = load("load_plugins: [nosuchplugin]\n", &rc);
	assert_int_equal(rc, -ENOENT);
	assert_non_null(strstr(err, "saker.yaml:1:16: load_plugins: plugin 'nosuchplugin': no bundled library"));
	sk_plugin_host_free(h);

	h = load("plugins: {name: json}\n", &rc);
	assert_int_equal(rc, -EINVAL);
	assert_non_null(strstr(err, "plugins must be a sequence"));
	sk_plugin_host_free(h);

	h = load("plugins:\n  - name: k8saudit\n    init_config: [1, 2]\n", &rc);
	assert_int_equal(rc, -EINVAL);
	assert_non_null(strstr(err, "init config is not a JSON object"));
	sk_plugin_host_free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_entries_and_selection),
		cmocka_unit_test(test_errors_name_the_place),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
