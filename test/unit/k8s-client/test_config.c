/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Credentials: kubeconfig (contexts, files and -data, relative paths,
 * merging, exec plugins run without a shell), Falco's -k/-K, in-cluster;
 * then against the stand-in: bearer token, client certificates (with a
 * passphrase), TLS and auth failures as clear errors, token rotation.
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
static char tmpdir[256];

static void write_file(const char *name, const char *text, char *path, size_t cap)
{
	FILE *f;
	snprintf(path, cap, "%s/%s", tmpdir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static char *b64(const char *path)
{
	char cmd[512];
	static char out[16384];
	FILE *p;
	size_t n;
	snprintf(cmd, sizeof(cmd), "base64 -w0 '%s'", path);
	p = popen(cmd, "r");
	n = fread(out, 1, sizeof(out) - 1, p);
	pclose(p);
	out[n] = '\0';
	return out;
}

static void test_kubeconfig_contexts_and_files(void **state)
{
	char kc[512], kc2[512], ca[300], err[512], text[40000];
	struct k8s_config *c;
	(void)state;
	standin_path(&srv, "ca.crt", ca, sizeof(ca));
	/* relative paths resolve against the kubeconfig's directory */
	snprintf(text, sizeof(text), "cp '%s' '%s/ca.pem' && cp '%s/client.crt' '%s/c.crt' && cp "
		 "'%s/client.key' '%s/c.key'", ca, tmpdir, srv.dir, tmpdir, srv.dir, tmpdir);
	assert_int_equal(system(text), 0);
	write_file("kc.yaml",
		   "apiVersion: v1\nkind: Config\ncurrent-context: dev\n"
		   "clusters:\n- name: c1\n  cluster:\n    server: https://one.example:6443/\n"
		   "    certificate-authority: ca.pem\n"
		   "- name: c2\n  cluster:\n    server: https://two.example\n"
		   "    insecure-skip-tls-verify: true\n"
		   "users:\n- name: u1\n  user:\n    client-certificate: c.crt\n    client-key: c.key\n"
		   "- name: u2\n  user:\n    token: tok-2\n"
		   "contexts:\n- name: dev\n  context: {cluster: c1, user: u1, namespace: team}\n"
		   "- name: ops\n  context:\n    cluster: c2\n    user: u2\n",
		   kc, sizeof(kc));
	assert_int_equal(k8s_config_kubeconfig(&c, kc, NULL, err, sizeof(err)), 0);
	assert_string_equal(c->server, "https://one.example:6443");
	assert_non_null(c->ca_pem);
	assert_non_null(strstr(c->ca_pem, "BEGIN CERTIFICATE"));
	assert_non_null(c->cert_pem);
	assert_non_null(strstr(c->key_pem, "PRIVATE KEY"));
	assert_string_equal(c->namespace, "team");
	assert_false(c->insecure);
	k8s_config_free(c);
	assert_int_equal(k8s_config_kubeconfig(&c, kc, "ops", err, sizeof(err)), 0);
	assert_string_equal(c->server, "https://two.example");
	assert_true(c->insecure);
	assert_string_equal(c->token, "tok-2");
	assert_null(c->ca_pem);
	k8s_config_free(c);
	/* errors name the file */
	assert_int_equal(k8s_config_kubeconfig(&c, kc, "nope", err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "kc.yaml: context 'nope' not found"));
	write_file("bad.yaml", "clusters: [\n", kc2, sizeof(kc2));
	assert_int_equal(k8s_config_kubeconfig(&c, kc2, NULL, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "bad.yaml:"));
	/* KUBECONFIG-style lists merge; the first definition of a name wins */
	snprintf(text, sizeof(text),
		 "current-context: x\nclusters:\n- name: c1\n  cluster:\n    server: https://first\n"
		 "    certificate-authority-data: %s\n"
		 "contexts:\n- name: x\n  context: {cluster: c1, user: u2}\n",
		 b64(ca));
	write_file("first.yaml", text, kc2, sizeof(kc2));
	snprintf(text, sizeof(text), "%s:%s/missing.yaml:%s", kc2, tmpdir, kc);
	assert_int_equal(k8s_config_kubeconfig(&c, text, NULL, err, sizeof(err)), 0);
	assert_string_equal(c->server, "https://first");
	assert_non_null(strstr(c->ca_pem, "BEGIN CERTIFICATE"));
	assert_string_equal(c->token, "tok-2"); /* user from the second file */
	k8s_config_free(c);
	assert_int_equal(k8s_config_kubeconfig(&c, "/nonexistent/kc", NULL, err, sizeof(err)),
			 -ENOENT);
}

/* A kubeconfig with one cluster whose extra lines are given. */
static int cluster_config(const char *extra, struct k8s_config **c, char *err, size_t errlen)
{
	char kc[512], text[1024];
	snprintf(text, sizeof(text),
		 "current-context: x\nclusters:\n- name: c\n  cluster:\n    server: "
		 "https://10.0.0.1:6443\n%s"
		 "contexts:\n- name: x\n  context: {cluster: c}\n",
		 extra);
	write_file("route.yaml", text, kc, sizeof(kc));
	return k8s_config_kubeconfig(c, kc, NULL, err, errlen);
}

static void test_kubeconfig_server_name_and_proxy(void **state)
{
	static const char *const bad[] = {
	    "    proxy-url: ftp://proxy:21\n",        "    proxy-url: proxy.example:3128\n",
	    "    proxy-url: http://\n",               "    tls-server-name: a/b\n",
	    "    tls-server-name: host.example:443\n",
	};
	struct k8s_config *c, *d;
	char err[512];
	(void)state;
	assert_int_equal(cluster_config("    tls-server-name: kubernetes.internal\n"
					"    proxy-url: socks5://127.0.0.1:1080\n",
					&c, err, sizeof(err)),
			 0);
	assert_string_equal(c->tls_server_name, "kubernetes.internal");
	assert_string_equal(c->proxy_url, "socks5://127.0.0.1:1080");
	assert_int_equal(k8s_config_dup(&d, c), 0);
	assert_string_equal(d->tls_server_name, "kubernetes.internal");
	assert_string_equal(d->proxy_url, "socks5://127.0.0.1:1080");
	k8s_config_free(d);
	k8s_config_free(c);
	assert_int_equal(cluster_config("", &c, err, sizeof(err)), 0);
	assert_null(c->tls_server_name);
	assert_null(c->proxy_url);
	k8s_config_free(c);
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(cluster_config(bad[i], &c, err, sizeof(err)), -EINVAL);
		assert_non_null(strstr(err, "route.yaml: cluster "));
	}
}

static void test_flags(void **state)
{
	char err[512], spec[1200], tok[300];
	struct k8s_config *c;
	(void)state;
	assert_int_equal(k8s_config_flags(&c, "ftp://x", NULL, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "-k 'ftp://x'"));
	standin_path(&srv, "token", tok, sizeof(tok));
	assert_int_equal(k8s_config_flags(&c, "https://h:6443/", tok, err, sizeof(err)), 0);
	assert_string_equal(c->server, "https://h:6443");
	assert_string_equal(c->token_file, tok);
	assert_non_null(c->ca_pem); /* ca.crt beside the token file */
	k8s_config_free(c);
	snprintf(spec, sizeof(spec), "%s/client.crt:%s/client-enc.key#sekret:%s/ca.crt", srv.dir,
		 srv.dir, srv.dir);
	assert_int_equal(k8s_config_flags(&c, "https://h", spec, err, sizeof(err)), 0);
	assert_string_equal(c->key_pass, "sekret");
	assert_non_null(c->cert_pem);
	assert_non_null(c->ca_pem);
	k8s_config_free(c);
	assert_int_equal(k8s_config_flags(&c, "https://h", "/no/such/token", err, sizeof(err)),
			 -ENOENT);
	assert_non_null(strstr(err, "/no/such/token"));
}

static void test_incluster(void **state)
{
	char p[1024], err[512];
	struct k8s_config *c;
	(void)state;
	unsetenv("KUBERNETES_SERVICE_HOST");
	assert_int_equal(k8s_config_incluster(&c, tmpdir, err, sizeof(err)), -ENOENT);
	setenv("KUBERNETES_SERVICE_HOST", "fd00::1", 1);
	setenv("KUBERNETES_SERVICE_PORT", "443", 1);
	assert_int_equal(k8s_config_incluster(&c, tmpdir, err, sizeof(err)), -ENOENT); /* no token */
	write_file("token", "abc\n", p, sizeof(p));
	write_file("namespace", "kube-system\n", p, sizeof(p));
	snprintf(p, sizeof(p), "cp '%s/ca.crt' '%s/ca.crt'", srv.dir, tmpdir);
	assert_int_equal(system(p), 0);
	assert_int_equal(k8s_config_incluster(&c, tmpdir, err, sizeof(err)), 0);
	assert_string_equal(c->server, "https://[fd00::1]:443");
	assert_string_equal(c->namespace, "kube-system");
	assert_non_null(c->token_file);
	assert_null(c->token); /* read per request, so rotation is followed */
	k8s_config_free(c);
	unsetenv("KUBERNETES_SERVICE_HOST");
	unsetenv("KUBERNETES_SERVICE_PORT");
}

/* ---- against the stand-in ---- */

static int get_ns(struct k8s_config *cfg, char *err, size_t errlen)
{
	struct k8s_client *c;
	cJSON *out = NULL;
	int rc = k8s_client_new(&c, cfg, 5, err, errlen);
	if (rc)
		return rc;
	rc = k8s_get(c, "/api/v1/namespaces", &out, err, errlen);
	cJSON_Delete(out);
	k8s_client_free(c);
	return rc;
}

static void test_auth_and_tls(void **state)
{
	char spec[1200], err[512], tok[300];
	struct k8s_config *cfg;
	(void)state;
	standin_path(&srv, "token", tok, sizeof(tok));
	assert_int_equal(k8s_config_flags(&cfg, srv.url, tok, err, sizeof(err)), 0);
	assert_int_equal(get_ns(cfg, err, sizeof(err)), 0);
	k8s_config_free(cfg);
	/* client certificate, also with an encrypted key */
	snprintf(spec, sizeof(spec), "%s/client.crt:%s/client.key:%s/ca.crt", srv.dir, srv.dir,
		 srv.dir);
	assert_int_equal(k8s_config_flags(&cfg, srv.url, spec, err, sizeof(err)), 0);
	assert_int_equal(get_ns(cfg, err, sizeof(err)), 0);
	k8s_config_free(cfg);
	snprintf(spec, sizeof(spec), "%s/client.crt:%s/client-enc.key#sekret:%s/ca.crt", srv.dir,
		 srv.dir, srv.dir);
	assert_int_equal(k8s_config_flags(&cfg, srv.url, spec, err, sizeof(err)), 0);
	assert_int_equal(get_ns(cfg, err, sizeof(err)), 0);
	k8s_config_free(cfg);
	/* a token the server does not know: 401, a clear error */
	char bad[512];
	write_file("bad/token", "wrong\n", bad, sizeof(bad));
	snprintf(spec, sizeof(spec), "cp '%s/ca.crt' '%s/bad/ca.crt'", srv.dir, tmpdir);
	assert_int_equal(system(spec), 0);
	assert_int_equal(k8s_config_flags(&cfg, srv.url, bad, err, sizeof(err)), 0);
	assert_int_equal(get_ns(cfg, err, sizeof(err)), -EACCES);
	assert_non_null(strstr(err, "HTTP 401 Unauthorized"));
	k8s_config_free(cfg);
	/* a CA that did not sign the server: a TLS error naming the server */
	snprintf(spec, sizeof(spec), "%s/client.crt:%s/client.key:%s/other-ca.crt", srv.dir,
		 srv.dir, srv.dir);
	assert_int_equal(k8s_config_flags(&cfg, srv.url, spec, err, sizeof(err)), 0);
	assert_int_equal(get_ns(cfg, err, sizeof(err)), -EPROTO);
	assert_non_null(strstr(err, srv.url));
	assert_non_null(strstr(err, "certificate"));
	k8s_config_free(cfg);
	/* a client certificate from another CA: the handshake is refused */
	snprintf(spec, sizeof(spec), "%s/rogue.crt:%s/rogue.key:%s/ca.crt", srv.dir, srv.dir,
		 srv.dir);
	assert_int_equal(k8s_config_flags(&cfg, srv.url, spec, err, sizeof(err)), 0);
	assert_int_not_equal(get_ns(cfg, err, sizeof(err)), 0);
	assert_non_null(strstr(err, srv.url));
	k8s_config_free(cfg);
	/* insecure-skip-tls-verify connects without the CA */
	assert_int_equal(k8s_config_flags(&cfg, srv.url, tok, err, sizeof(err)), 0);
	free(cfg->ca_pem);
	cfg->ca_pem = NULL;
	cfg->insecure = true;
	assert_int_equal(get_ns(cfg, err, sizeof(err)), 0);
	k8s_config_free(cfg);
}

static void test_exec_plugin(void **state)
{
	char script[512], kc[512], text[4096], err[512], marker[512];
	struct k8s_config *cfg;
	(void)state;
	/* A plugin that checks its args and env (no shell splits "a b"), records the run. */
	snprintf(marker, sizeof(marker), "%s/exec-runs", tmpdir);
	snprintf(text, sizeof(text),
		 "#!/bin/sh\n"
		 "[ \"$1\" = \"a b\" ] || exit 3\n"
		 "[ \"$EXTRA\" = \"v 1\" ] || exit 4\n"
		 "case \"$KUBERNETES_EXEC_INFO\" in *ExecCredential*) ;; *) exit 5;; esac\n"
		 "echo run >> '%s'\n"
		 "printf '{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":"
		 "\"ExecCredential\",\"status\":{\"token\":\"%%s\"}}' \"$(cat '%s/token')\"\n",
		 marker, srv.dir);
	write_file("plugin.sh", text, script, sizeof(script));
	assert_int_equal(chmod(script, 0755), 0);
	snprintf(text, sizeof(text),
		 "current-context: e\nclusters:\n- name: c\n  cluster:\n    server: %s\n"
		 "    certificate-authority: %s/ca.crt\n"
		 "users:\n- name: u\n  user:\n    exec:\n      apiVersion: "
		 "client.authentication.k8s.io/v1\n      command: ./plugin.sh\n"
		 "      args: [\"a b\"]\n      env:\n      - {name: EXTRA, value: \"v 1\"}\n"
		 "contexts:\n- name: e\n  context: {cluster: c, user: u}\n",
		 srv.url, srv.dir);
	write_file("exec.yaml", text, kc, sizeof(kc));
	assert_int_equal(k8s_config_kubeconfig(&cfg, kc, NULL, err, sizeof(err)), 0);
	assert_non_null(cfg->exec);
	assert_int_equal(get_ns(cfg, err, sizeof(err)), 0);
	assert_null(getenv("EXTRA")); /* the agent's own environment is untouched */
	k8s_config_free(cfg);
	FILE *f = fopen(marker, "r");
	assert_non_null(f);
	fclose(f);
	/* a failing plugin is a clear error */
	cfg = NULL;
	snprintf(text, sizeof(text),
		 "current-context: e\nclusters:\n- name: c\n  cluster:\n    server: %s\n"
		 "users:\n- name: u\n  user:\n    exec:\n      command: /bin/false\n"
		 "contexts:\n- name: e\n  context: {cluster: c, user: u}\n",
		 srv.url);
	write_file("exec2.yaml", text, kc, sizeof(kc));
	assert_int_equal(k8s_config_kubeconfig(&cfg, kc, NULL, err, sizeof(err)), 0);
	assert_int_not_equal(get_ns(cfg, err, sizeof(err)), 0);
	assert_non_null(strstr(err, "exec plugin /bin/false: exited with status 1"));
	k8s_config_free(cfg);
}

static void test_token_rotation(void **state)
{
	char tokpath[512], body[512], err[512], tmp[600];
	struct k8s_config *cfg;
	struct k8s_client *c;
	struct k8s_client_stats cs;
	struct k8s_informer *inf;
	struct k8s_informer_opts o = {.path = "/api/v1/namespaces", .idle_timeout_s = 2,
				      .backoff_initial_ms = 50, .timeout_min_s = 30};
	(void)state;
	snprintf(body, sizeof(body), "%s\n", srv.token);
	write_file("rot/token", body, tokpath, sizeof(tokpath));
	snprintf(tmp, sizeof(tmp), "cp '%s/ca.crt' '%s/rot/ca.crt'", srv.dir, tmpdir);
	assert_int_equal(system(tmp), 0);
	assert_int_equal(k8s_config_flags(&cfg, srv.url, tokpath, err, sizeof(err)), 0);
	assert_int_equal(k8s_client_new(&c, cfg, 5, err, sizeof(err)), 0);
	k8s_config_free(cfg);
	assert_int_equal(standin_control(&srv, "apply",
					 "{\"object\":{\"kind\":\"Namespace\",\"metadata\":{\"name\":"
					 "\"rot-a\"}}}",
					 NULL),
			 200);
	assert_int_equal(k8s_informer_new(&inf, c, &o, NULL, NULL, err, sizeof(err)), 0);
	assert_int_equal(k8s_informer_start(inf), 0);
	assert_true(k8s_informer_wait_synced(inf, 5000));
	/* the server stops accepting the old token: the watch gets 401s */
	assert_int_equal(standin_control(&srv, "tokens",
					 "{\"tokens\": [\"rotated-token-2\"]}", NULL), 200);
	assert_int_equal(standin_control(&srv, "fault", "{\"drop\": true}", NULL), 200);
	for (int i = 0; i < 250; i++) {
		k8s_client_stats(c, &cs);
		if (cs.unauthorized)
			break;
		usleep(20000);
	}
	assert_true(cs.unauthorized >= 1);
	/* then the kubelet rewrites the token file */
	snprintf(tmp, sizeof(tmp), "%s.new", tokpath);
	FILE *f = fopen(tmp, "w");
	fputs("rotated-token-2\n", f);
	fclose(f);
	assert_int_equal(rename(tmp, tokpath), 0);
	assert_int_equal(standin_control(&srv, "apply",
					 "{\"object\":{\"kind\":\"Namespace\",\"metadata\":{\"name\":"
					 "\"rot-b\"}}}",
					 NULL),
			 200);
	/* the watch reconnects, gets a 401, re-reads the token file and sees rot-b */
	for (int i = 0; i < 250; i++) {
		k8s_informer_lock(inf);
		void *b = k8s_informer_get(inf, NULL, "rot-b");
		k8s_informer_unlock(inf);
		if (b)
			break;
		usleep(20000);
	}
	k8s_informer_lock(inf);
	assert_non_null(k8s_informer_get(inf, NULL, "rot-b"));
	k8s_informer_unlock(inf);
	k8s_client_stats(c, &cs);
	assert_true(cs.token_reloads >= 2); /* read at start, re-read after rotation */
	k8s_informer_free(inf);
	k8s_client_free(c);
	snprintf(body, sizeof(body), "{\"tokens\": [\"%s\"]}", srv.token);
	assert_int_equal(standin_control(&srv, "tokens", body, NULL), 200);
}

static int setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/saker-k8s-cfg-XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	char p[300];
	snprintf(p, sizeof(p), "%s/bad", tmpdir);
	mkdir(p, 0700);
	snprintf(p, sizeof(p), "%s/rot", tmpdir);
	mkdir(p, 0700);
	return standin_start(&srv, "1", NULL);
}

static int teardown(void **state)
{
	char cmd[400];
	(void)state;
	standin_stop(&srv);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_kubeconfig_contexts_and_files),
	    cmocka_unit_test(test_kubeconfig_server_name_and_proxy),
	    cmocka_unit_test(test_flags),
	    cmocka_unit_test(test_incluster),
	    cmocka_unit_test(test_auth_and_tls),
	    cmocka_unit_test(test_exec_plugin),
	    cmocka_unit_test(test_token_rotation),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
