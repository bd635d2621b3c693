/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The transport against the stand-in serving a certificate valid only for
 * kubernetes.internal, reached at 127.0.0.1: without the kubeconfig's
 * tls-server-name verification fails, with it the certificate is checked
 * against that name (sent as SNI) while the connection still goes to
 * 127.0.0.1, and a wrong name fails. proxy-url: every request tunnels
 * through the given proxy, even when HTTPS_PROXY and NO_PROXY say
 * otherwise; without it libcurl's environment handling stays.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "k8s/client.h"
#include "k8s/config.h"
#include "k8s/informer.h"
#include "standin.h"

static struct standin srv;

/* A kubeconfig for the stand-in with the given cluster lines (may be ""). */
static struct k8s_config *kubeconfig(const char *cluster_extra)
{
	char path[300], ca[300], tok[300], err[512];
	struct k8s_config *cfg = NULL;
	FILE *f;

	standin_path(&srv, "kc.yaml", path, sizeof(path));
	standin_path(&srv, "ca.crt", ca, sizeof(ca));
	standin_path(&srv, "token", tok, sizeof(tok));
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f,
		"apiVersion: v1\nkind: Config\ncurrent-context: t\n"
		"clusters:\n- name: c\n  cluster:\n    server: %s\n"
		"    certificate-authority: %s\n%s"
		"users:\n- name: u\n  user:\n    tokenFile: %s\n"
		"contexts:\n- name: t\n  context:\n    cluster: c\n    user: u\n",
		srv.url, ca, cluster_extra, tok);
	fclose(f);
	assert_int_equal(k8s_config_kubeconfig(&cfg, path, NULL, err, sizeof(err)), 0);
	return cfg;
}

/* GET the namespaces with cfg; the result and the message in err. */
static int get_with(struct k8s_config *cfg, char *err, size_t errlen)
{
	struct k8s_client *c;
	cJSON *out = NULL;
	int rc;

	assert_int_equal(k8s_client_new(&c, cfg, 10, err, errlen), 0);
	rc = k8s_get(c, "/api/v1/namespaces", &out, err, errlen);
	cJSON_Delete(out);
	k8s_client_free(c);
	k8s_config_free(cfg);
	return rc;
}

static cJSON *stats(void)
{
	static struct standin_buf b;
	assert_int_equal(standin_control(&srv, "stats", "{}", &b), 200);
	return cJSON_Parse(b.data);
}

static int stat_int(const char *key)
{
	cJSON *st = stats();
	int n = cJSON_GetObjectItem(st, key)->valueint;
	cJSON_Delete(st);
	return n;
}

/* The last string of the stats list key, copied into buf. */
static const char *stat_last(const char *key, char *buf, size_t cap)
{
	cJSON *st = stats();
	const cJSON *l = cJSON_GetObjectItem(st, key);
	int n = cJSON_GetArraySize(l);
	snprintf(buf, cap, "%s", n ? cJSON_GetArrayItem(l, n - 1)->valuestring : "");
	cJSON_Delete(st);
	return buf;
}

static void clear_proxy_env(void)
{
	static const char *const vars[] = {"HTTPS_PROXY", "https_proxy", "HTTP_PROXY",
					   "http_proxy",  "ALL_PROXY",   "all_proxy",
					   "NO_PROXY",    "no_proxy"};
	for (unsigned i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
		unsetenv(vars[i]);
}

static void test_tls_server_name(void **state)
{
	char err[512], buf[128];
	int reqs;
	(void)state;
	clear_proxy_env();
	/* the certificate does not name 127.0.0.1 */
	reqs = stat_int("requests");
	assert_int_equal(get_with(kubeconfig(""), err, sizeof(err)), -EPROTO);
	assert_non_null(strstr(err, srv.url));
	assert_int_equal(stat_int("requests"), reqs);

	/* it names kubernetes.internal: verified against that, sent as SNI */
	assert_int_equal(get_with(kubeconfig("    tls-server-name: kubernetes.internal\n"), err,
				  sizeof(err)),
			 0);
	assert_string_equal(stat_last("sni", buf, sizeof(buf)), "kubernetes.internal");
	assert_int_equal(stat_int("requests"), reqs + 1);

	/* a name the certificate does not hold fails verification */
	assert_int_equal(get_with(kubeconfig("    tls-server-name: other.internal\n"), err,
				  sizeof(err)),
			 -EPROTO);
	assert_string_equal(stat_last("sni", buf, sizeof(buf)), "other.internal");
	assert_int_equal(stat_int("requests"), reqs + 1);
}

static int count_item(void *ctx, cJSON *item)
{
	(void)item;
	(*(int *)ctx)++;
	return 0;
}

/* Watches go the same way: an informer syncs through the name and the proxy. */
static void informer_syncs(struct k8s_config *cfg)
{
	struct k8s_client *c;
	struct k8s_informer *inf;
	struct k8s_informer_opts o = {.path = "/api/v1/namespaces", .timeout_min_s = 30};
	struct k8s_informer_stats st;
	char err[512];
	int watches = stat_int("watch");

	assert_int_equal(k8s_client_new(&c, cfg, 10, err, sizeof(err)), 0);
	k8s_config_free(cfg);
	assert_int_equal(k8s_informer_new(&inf, c, &o, NULL, NULL, err, sizeof(err)), 0);
	assert_int_equal(k8s_informer_start(inf), 0);
	assert_true(k8s_informer_wait_synced(inf, 10000));
	for (int i = 0; i < 250 && stat_int("watch") == watches; i++)
		usleep(20000);
	assert_int_equal(stat_int("watch"), watches + 1);
	k8s_informer_stats(inf, &st);
	assert_int_equal(st.errors, 0);
	k8s_informer_free(inf);
	k8s_client_free(c);
}

static void test_proxy_url(void **state)
{
	char err[512], extra[512], want[64], buf[128];
	struct k8s_list_opts lo = {.limit = 1};
	struct k8s_config *cfg;
	struct k8s_client *c;
	char rv[32];
	int tunnels, n = 0;
	(void)state;
	assert_true(srv.proxy_port > 0);
	snprintf(want, sizeof(want), "127.0.0.1:%d", srv.api_port);
	snprintf(extra, sizeof(extra),
		 "    tls-server-name: kubernetes.internal\n"
		 "    proxy-url: http://127.0.0.1:%d\n",
		 srv.proxy_port);

	/* proxy-url wins over a dead HTTPS_PROXY and over NO_PROXY naming the server */
	clear_proxy_env();
	setenv("HTTPS_PROXY", "http://127.0.0.1:9", 1);
	setenv("NO_PROXY", "127.0.0.1,kubernetes.internal", 1);
	tunnels = stat_int("tunnels");
	assert_int_equal(get_with(kubeconfig(extra), err, sizeof(err)), 0);
	assert_int_equal(stat_int("tunnels"), tunnels + 1);
	assert_string_equal(stat_last("tunnel_targets", buf, sizeof(buf)), want);

	/* paged lists: every request goes through it */
	tunnels = stat_int("tunnels");
	cfg = kubeconfig(extra);
	assert_int_equal(k8s_client_new(&c, cfg, 10, err, sizeof(err)), 0);
	k8s_config_free(cfg);
	assert_int_equal(k8s_list(c, "/api/v1/namespaces", &lo, count_item, NULL, &n, rv,
				  sizeof(rv), err, sizeof(err)),
			 0);
	assert_true(stat_int("tunnels") > tunnels);
	k8s_client_free(c);
	tunnels = stat_int("tunnels");
	informer_syncs(kubeconfig(extra));
	assert_true(stat_int("tunnels") >= tunnels + 2); /* the list and the watch */

	/* without proxy-url the environment decides: the dead proxy fails ... */
	clear_proxy_env();
	setenv("HTTPS_PROXY", "http://127.0.0.1:9", 1);
	assert_int_not_equal(get_with(kubeconfig("    tls-server-name: kubernetes.internal\n"),
				      err, sizeof(err)),
			     0);
	/* ... and a live one is used */
	snprintf(buf, sizeof(buf), "http://127.0.0.1:%d", srv.proxy_port);
	setenv("HTTPS_PROXY", buf, 1);
	tunnels = stat_int("tunnels");
	assert_int_equal(get_with(kubeconfig("    tls-server-name: kubernetes.internal\n"), err,
				  sizeof(err)),
			 0);
	assert_int_equal(stat_int("tunnels"), tunnels + 1);
	clear_proxy_env();

	/* without either, straight to the server */
	tunnels = stat_int("tunnels");
	assert_int_equal(get_with(kubeconfig("    tls-server-name: kubernetes.internal\n"), err,
				  sizeof(err)),
			 0);
	assert_int_equal(stat_int("tunnels"), tunnels);
}

static void test_tls_server_name_watch(void **state)
{
	(void)state;
	clear_proxy_env();
	informer_syncs(kubeconfig("    tls-server-name: kubernetes.internal\n"));
}

static int setup(void **state)
{
	static const char *const extra[] = {"--server-cert", "named", "--connect-proxy", NULL};
	(void)state;
	return standin_start_with(&srv, "60", NULL, extra);
}

static int teardown(void **state)
{
	(void)state;
	standin_stop(&srv);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_tls_server_name),
	    cmocka_unit_test(test_tls_server_name_watch),
	    cmocka_unit_test(test_proxy_url),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
