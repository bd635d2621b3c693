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

/* Host log lines, joined. */
static char logged[4096];

static void log_to_buffer(void *ctx, const char *plugin, int severity, const char *msg)
{
	size_t n = strlen(logged);
	snprintf(logged + n, sizeof(logged) - n, "%d %s: %s\n", severity, plugin, msg);
}

static struct sk_cnode *parse(const char *yaml)
{
	char perr[256];
	struct sk_cnode *r = NULL;
	assert_int_equal(sk_cnode_parse(yaml, strlen(yaml), "reload.yaml", &r, perr, sizeof(perr)), 0);
	return r;
}

static unsigned reconfigure(struct sk_plugin_host *h, const char *yaml)
{
	struct sk_cnode *r = parse(yaml);
	unsigned changed = 99;
	logged[0] = '\0';
	assert_int_equal(sk_plugin_host_reconfigure(h, sk_cnode_get(r, "plugins"),
						    sk_cnode_get(r, "load_plugins"), &changed),
			 0);
	sk_cnode_free(r);
	return changed;
}

static void test_reconfigure_through_set_config(void **state)
{
	struct sk_plugin_host *h;
	struct sk_plugin_host_opts o = {.plugin_dir = getenv("SAKER_PLUGIN_DIR"),
					.log = log_to_buffer};
	assert_int_equal(sk_plugin_host_new(&h, &o), 0);
	struct sk_cnode *r = parse("plugins:\n"
				   "  - name: k8saudit\n"
				   "    library_path: libk8saudit.so\n"
				   "    init_config: {maxEventSize: 1000}\n"
				   "  - name: json\n"
				   "    library_path: libjson.so\n");
	assert_int_equal(sk_plugin_host_configure(h, sk_cnode_get(r, "plugins"), NULL, err,
						  sizeof(err)),
			 0);
	sk_cnode_free(r);
	struct sk_plugin *k8s = sk_plugin_host_find(h, "k8saudit");
	struct sk_plugin_info in;

	/* unchanged: nothing is called, nothing logged */
	assert_int_equal(reconfigure(h, "plugins:\n"
					"  - name: k8saudit\n"
					"    init_config: {maxEventSize: 1000}\n"
					"  - name: json\n"),
			 0);
	assert_string_equal(logged, "");

	/* changed: set_config on the same state, and the new config is the one in force */
	assert_int_equal(reconfigure(h, "plugins:\n"
					"  - name: k8saudit\n"
					"    init_config: {maxEventSize: 2000, useAsync: false}\n"),
			 1);
	assert_string_equal(logged, "");
	assert_ptr_equal(sk_plugin_host_find(h, "k8saudit"), k8s);
	sk_plugin_get_info(k8s, &in);
	assert_string_equal(in.init_config, "{\"maxEventSize\":2000,\"useAsync\":false}");

	/* refused by the plugin: logged naming it and the place, the old config stays */
	assert_int_equal(reconfigure(h, "plugins:\n"
					"  - name: k8saudit\n"
					"    init_config: {maxEventSize: 0}\n"),
			 0);
	assert_non_null(strstr(logged, "3 k8saudit: reload.yaml:2:"));
	assert_non_null(strstr(logged, "plugin 'k8saudit': set_config failed: "));
	assert_non_null(strstr(logged, "the plugin keeps its previous config"));
	sk_plugin_get_info(k8s, &in);
	assert_string_equal(in.init_config, "{\"maxEventSize\":2000,\"useAsync\":false}");

	/* refused by the plugin's schema before set_config: the same */
	assert_int_equal(reconfigure(h, "plugins:\n"
					"  - name: k8saudit\n"
					"    init_config: {maxEventSize: many}\n"),
			 0);
	assert_non_null(strstr(logged, "plugin 'k8saudit': config does not fit the plugin's "
				       "schema: key 'maxEventSize': expected integer, got string"));
	assert_non_null(strstr(logged, "the plugin keeps its previous config"));
	sk_plugin_get_info(k8s, &in);
	assert_string_equal(in.init_config, "{\"maxEventSize\":2000,\"useAsync\":false}");

	/* a plugin that is not running is not loaded by a reload */
	assert_int_equal(reconfigure(h, "plugins:\n"
					"  - name: cloudtrail\n"
					"    init_config: {}\n"),
			 0);
	assert_non_null(strstr(logged, "4 cloudtrail: reload.yaml:2:"));
	assert_non_null(strstr(logged, "not loaded; a restart loads new plugins"));
	assert_null(sk_plugin_host_find(h, "cloudtrail"));

	/* load_plugins leaves an entry out: it is not reconfigured */
	assert_int_equal(reconfigure(h, "plugins:\n"
					"  - name: k8saudit\n"
					"    init_config: {maxEventSize: 5}\n"
					"load_plugins: [json]\n"),
			 0);
	sk_plugin_get_info(k8s, &in);
	assert_string_equal(in.init_config, "{\"maxEventSize\":2000,\"useAsync\":false}");
	sk_plugin_host_free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_entries_and_selection),
		cmocka_unit_test(test_errors_name_the_place),
		cmocka_unit_test(test_reconfigure_through_set_config),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
