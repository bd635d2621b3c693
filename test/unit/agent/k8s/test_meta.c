/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The metadata store: container ids to pods through containerStatuses,
 * updates (a restarted container gets a new id), deletes, namespace labels,
 * the state hook (container.* and k8s.* views through sk_state_field_ops),
 * and a live store against the stand-in: only the node's pods are asked for,
 * and a pod created after start resolves as soon as the watch delivers it.
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

#include "../../../../agent/k8s/meta.h"
#include "../../k8s-client/standin.h"

#define CID_A "aaaaaaaaaaaa0000000000000000000000000000000000000000000000000001"
#define CID_B "bbbbbbbbbbbb0000000000000000000000000000000000000000000000000002"
#define CID_A2 "cccccccccccc0000000000000000000000000000000000000000000000000003"

static cJSON *pods(const char *cid_a, int rv)
{
	char text[2048];
	snprintf(text, sizeof(text),
		 "[{\"metadata\":{\"name\":\"web\",\"namespace\":\"shop\",\"uid\":\"u1\","
		 "\"resourceVersion\":\"%d\",\"labels\":{\"app\":\"web\"}},\"spec\":{\"nodeName\":\"n1\","
		 "\"containers\":[{\"name\":\"nginx\",\"image\":\"nginx:1\"}]},\"status\":{\"podIP\":"
		 "\"10.0.0.9\",\"containerStatuses\":[{\"name\":\"nginx\",\"image\":"
		 "\"docker.io/library/nginx:1.25.3\",\"imageID\":\"docker.io/library/nginx@sha256:ee\","
		 "\"containerID\":\"containerd://%s\"}]}},"
		 "{\"metadata\":{\"name\":\"db\",\"namespace\":\"data\",\"uid\":\"u2\","
		 "\"resourceVersion\":\"7\"},\"spec\":{\"nodeName\":\"n1\",\"containers\":[{\"name\":"
		 "\"pg\",\"image\":\"postgres:16\"}]},\"status\":{\"containerStatuses\":[{\"name\":\"pg\","
		 "\"image\":\"postgres:16\",\"containerID\":\"containerd://%s\"}]}}]",
		 rv, cid_a, CID_B);
	return cJSON_Parse(text);
}

static struct sk_k8s_meta *offline_meta(void)
{
	struct k8s_config *cfg;
	struct k8s_client *c;
	struct sk_k8s_meta *m;
	struct sk_k8s_meta_opts o = {.node = "n1"};
	char err[256];
	assert_int_equal(k8s_config_flags(&cfg, "https://127.0.0.1:1", NULL, err, sizeof(err)), 0);
	assert_int_equal(k8s_client_new(&c, cfg, 0, err, sizeof(err)), 0);
	k8s_config_free(cfg);
	assert_int_equal(sk_k8s_meta_new(&m, c, &o, err, sizeof(err)), 0);
	return m;
}

static void test_container_ids_map_to_pods(void **state)
{
	struct sk_k8s_meta *m = offline_meta();
	const struct sk_meta_provider *p = sk_k8s_meta_provider(m);
	struct sk_container_view cv;
	struct sk_k8s_view kv;
	cJSON *list = pods(CID_A, 5);
	(void)state;
	assert_false(p->container(p->ctx, "aaaaaaaaaaaa", &cv)); /* nothing listed yet */
	assert_int_equal(k8s_informer_replace(sk_k8s_meta_pods(m), list, "9"), 0);
	cJSON_Delete(list);
	list = cJSON_Parse("[{\"metadata\":{\"name\":\"shop\",\"uid\":\"ns1\",\"resourceVersion\":"
			   "\"3\",\"labels\":{\"team\":\"fe\"}}}]");
	assert_int_equal(k8s_informer_replace(sk_k8s_meta_namespaces(m), list, "9"), 0);
	cJSON_Delete(list);

	memset(&cv, 0, sizeof(cv));
	assert_true(p->container(p->ctx, "aaaaaaaaaaaa", &cv));
	assert_string_equal(cv.name, "nginx");
	assert_string_equal(cv.type, "containerd");
	assert_string_equal(cv.image, "docker.io/library/nginx:1.25.3");
	assert_string_equal(cv.image_repository, "docker.io/library/nginx");
	assert_string_equal(cv.image_tag, "1.25.3");
	assert_string_equal(cv.image_digest, "sha256:ee");
	assert_string_equal(cv.ip, "10.0.0.9");
	assert_true(p->k8s(p->ctx, "aaaaaaaaaaaa", SK_K8S_POD, &kv));
	assert_string_equal(kv.name, "web");
	assert_string_equal(kv.uid, "u1");
	assert_int_equal(kv.nlabels, 1);
	assert_string_equal(kv.label_keys[0], "app");
	assert_true(p->k8s(p->ctx, "aaaaaaaaaaaa", SK_K8S_NS, &kv));
	assert_string_equal(kv.name, "shop");
	assert_string_equal(kv.uid, "ns1");
	assert_string_equal(kv.label_values[0], "fe");
	/* a namespace not (yet) known: its name from the pod, no labels */
	assert_true(p->k8s(p->ctx, "bbbbbbbbbbbb", SK_K8S_NS, &kv));
	assert_string_equal(kv.name, "data");
	assert_int_equal(kv.nlabels, 0);
	assert_false(p->k8s(p->ctx, "bbbbbbbbbbbb", SK_K8S_DEPLOYMENT, &kv));
	assert_false(p->container(p->ctx, "ffffffffffff", &cv));
	assert_false(p->container(p->ctx, "host", &cv));

	/* the container restarts with a new id: the old id is forgotten */
	list = pods(CID_A2, 10);
	assert_int_equal(k8s_informer_replace(sk_k8s_meta_pods(m), list, "10"), 0);
	cJSON_Delete(list);
	assert_false(p->container(p->ctx, "aaaaaaaaaaaa", &cv));
	assert_true(p->container(p->ctx, "cccccccccccc", &cv));
	/* views borrowed before the update stay valid until released */
	assert_string_equal(kv.name, "data");

	/* the pods are gone */
	list = cJSON_Parse("[]");
	assert_int_equal(k8s_informer_replace(sk_k8s_meta_pods(m), list, "11"), 0);
	cJSON_Delete(list);
	assert_false(p->container(p->ctx, "cccccccccccc", &cv));
	assert_false(p->k8s(p->ctx, "bbbbbbbbbbbb", SK_K8S_POD, &kv));
	struct sk_k8s_meta_stats st;
	sk_k8s_meta_stats(m, &st);
	assert_int_equal(st.containers, 0);
	assert_int_equal(st.pod_bytes, 0);
	sk_k8s_meta_free(m);
}

/* Through the state's hook: the rules engine's container and k8s ops. */
static void test_state_hook(void **state)
{
	struct sk_k8s_meta *m = offline_meta();
	struct sk_state *s = calloc(1, sizeof(*s));
	struct sk_container_view cv;
	struct sk_k8s_view kv;
	cJSON *list = pods(CID_A, 5);
	(void)state;
	assert_int_equal(k8s_informer_replace(sk_k8s_meta_pods(m), list, "9"), 0);
	cJSON_Delete(list);
	sk_state_init(s);
	assert_false(sk_state_field_ops.k8s(s, "aaaaaaaaaaaa", SK_K8S_POD, &kv));
	sk_state_meta_set_default(sk_k8s_meta_provider(m));
	memset(&cv, 0, sizeof(cv));
	assert_true(sk_state_field_ops.container(s, "aaaaaaaaaaaa", &cv));
	assert_string_equal(cv.image_tag, "1.25.3");
	assert_true(sk_state_field_ops.k8s(s, "aaaaaaaaaaaa", SK_K8S_POD, &kv));
	assert_string_equal(kv.name, "web");
	sk_state_meta_set_default(NULL);
	s->meta = sk_k8s_meta_provider(m); /* per-state provider */
	assert_true(sk_state_field_ops.k8s(s, "bbbbbbbbbbbb", SK_K8S_NS, &kv));
	assert_string_equal(kv.name, "data");
	s->meta = NULL;
	assert_false(sk_state_field_ops.k8s(s, "bbbbbbbbbbbb", SK_K8S_NS, &kv));
	sk_state_fini(s);
	free(s);
	sk_k8s_meta_free(m);
}

static void test_without_kubernetes(void **state)
{
	struct sk_k8s_settings ks = {.enabled = -1, .node_name = "n1", .allow_incluster = true,
				     .sa_dir = "/nonexistent/sa"};
	struct sk_k8s_meta_opts o = {0};
	struct sk_k8s_meta *m = NULL;
	char err[512];
	(void)state;
	unsetenv("KUBERNETES_SERVICE_HOST");
	assert_int_equal(sk_k8s_meta_setup(&m, &ks, &o, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "Kubernetes metadata off"));
	assert_null(m);
	ks.enabled = 0;
	ks.api_server = "https://127.0.0.1:1";
	assert_int_equal(sk_k8s_meta_setup(&m, &ks, &o, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "k8s.enabled: false"));
}

static struct sk_k8s_meta *live_m;

static int resolved(void *ctx)
{
	struct sk_k8s_pod *p;
	const struct sk_k8s_container *c = sk_k8s_meta_container(live_m, ctx, &p);
	if (c)
		sk_k8s_obj_unref(&p->o);
	return c != NULL;
}

static void test_live_store(void **state)
{
	struct standin srv;
	struct sk_k8s_meta_opts o = {.watch_timeout_s = 30, .idle_timeout_s = 5,
				     .backoff_initial_ms = 50};
	struct sk_k8s_settings ks = {.enabled = -1, .node_name = "n1"};
	struct standin_buf *b = calloc(1, sizeof(*b));
	char tok[300], err[512], body[2048];
	(void)state;
	assert_int_equal(standin_start(&srv, "60", NULL), 0);
	standin_path(&srv, "token", tok, sizeof(tok));
	ks.api_server = srv.url;
	ks.auth = tok;
	snprintf(body, sizeof(body),
		 "{\"object\":{\"kind\":\"Pod\",\"metadata\":{\"name\":\"early\",\"namespace\":\"a\"},"
		 "\"spec\":{\"nodeName\":\"n1\"},\"status\":{\"containerStatuses\":[{\"name\":\"c\","
		 "\"image\":\"x:1\",\"containerID\":\"containerd://%s\"}]}}}",
		 CID_A);
	assert_int_equal(standin_control(&srv, "apply", body, NULL), 200);
	snprintf(body, sizeof(body),
		 "{\"object\":{\"kind\":\"Pod\",\"metadata\":{\"name\":\"elsewhere\",\"namespace\":"
		 "\"a\"},\"spec\":{\"nodeName\":\"n2\"},\"status\":{\"containerStatuses\":[{\"name\":"
		 "\"c\",\"image\":\"x:1\",\"containerID\":\"containerd://%s\"}]}}}",
		 CID_B);
	assert_int_equal(standin_control(&srv, "apply", body, NULL), 200);
	assert_int_equal(sk_k8s_meta_setup(&live_m, &ks, &o, err, sizeof(err)), 0);
	assert_true(sk_k8s_meta_wait_synced(live_m, 10000));
	assert_true(resolved("aaaaaaaaaaaa"));
	assert_false(resolved("bbbbbbbbbbbb")); /* another node's pod is never fetched */
	/* created after the agent started */
	snprintf(body, sizeof(body),
		 "{\"object\":{\"kind\":\"Pod\",\"metadata\":{\"name\":\"late\",\"namespace\":\"a\"},"
		 "\"spec\":{\"nodeName\":\"n1\"},\"status\":{\"containerStatuses\":[{\"name\":\"c\","
		 "\"image\":\"x:1\",\"containerID\":\"containerd://%s\"}]}}}",
		 CID_A2);
	assert_int_equal(standin_control(&srv, "apply", body, NULL), 200);
	assert_true(wait_for(resolved, "cccccccccccc", 5000));
	/* every pod request carried the node's field selector */
	assert_int_equal(standin_control(&srv, "stats", "{}", b), 200);
	assert_non_null(strstr(b->data, "Pod?spec.nodeName=n1"));
	assert_null(strstr(b->data, "\"Pod?\""));
	sk_k8s_meta_free(live_m);
	standin_stop(&srv);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_container_ids_map_to_pods),
	    cmocka_unit_test(test_state_hook),
	    cmocka_unit_test(test_without_kubernetes),
	    cmocka_unit_test(test_live_store),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
