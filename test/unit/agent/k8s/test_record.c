/* SPDX-License-Identifier: Apache-2.0 */
/* Pod and namespace records: the fields the agent keeps, from real-shaped objects. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../../../agent/k8s/meta.h"

static const char pod_json[] =
    "{\"kind\":\"Pod\",\"apiVersion\":\"v1\","
    "\"metadata\":{\"name\":\"web-7d4b9\",\"namespace\":\"shop\",\"uid\":\"5b1e-uid\","
    "\"resourceVersion\":\"812\",\"labels\":{\"app\":\"web\",\"tier\":\"fe\"},"
    "\"annotations\":{\"big\":\"ignored\"}},"
    "\"spec\":{\"nodeName\":\"n1\",\"hostNetwork\":true,\"hostPID\":false,\"hostIPC\":true,"
    "\"volumes\":[{\"name\":\"logs\",\"hostPath\":{\"path\":\"/var/log\"}},{\"name\":\"cfg\","
    "\"configMap\":{\"name\":\"c\"}}],"
    "\"initContainers\":[{\"name\":\"init\",\"image\":\"busybox\"}],"
    "\"containers\":[{\"name\":\"nginx\",\"image\":\"nginx:1.25\",\"securityContext\":"
    "{\"privileged\":true},\"volumeMounts\":[{\"name\":\"logs\",\"mountPath\":\"/logs\","
    "\"mountPropagation\":\"HostToContainer\"},{\"name\":\"cfg\",\"mountPath\":\"/etc/cfg\","
    "\"readOnly\":true}]},"
    "{\"name\":\"side\",\"image\":\"reg.local:5000/tools/side@sha256:aaaa\"}]},"
    "\"status\":{\"phase\":\"Running\",\"podIP\":\"10.1.2.3\",\"podIPs\":[{\"ip\":\"10.1.2.3\"},"
    "{\"ip\":\"fd00::3\"}],"
    "\"initContainerStatuses\":[{\"name\":\"init\",\"image\":\"docker.io/library/busybox:latest\","
    "\"imageID\":\"docker.io/library/busybox@sha256:bbbb\",\"containerID\":"
    "\"containerd://1111111111111111111111111111111111111111111111111111111111111111\"}],"
    "\"containerStatuses\":[{\"name\":\"nginx\",\"image\":\"docker.io/library/nginx:1.25.3\","
    "\"imageID\":\"docker.io/library/nginx@sha256:cdcd\",\"containerID\":"
    "\"containerd://abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789\"},"
    "{\"name\":\"side\",\"image\":\"reg.local:5000/tools/side@sha256:aaaa\",\"imageID\":\"\","
    "\"containerID\":\"cri-o://2222222222222222222222222222222222222222222222222222222222222222\"}]}}";

static const struct sk_k8s_container *by_name(const struct sk_k8s_pod *p, const char *name)
{
	for (unsigned i = 0; i < p->ncontainers; i++)
		if (strcmp(p->containers[i].name, name) == 0)
			return &p->containers[i];
	return NULL;
}

static void test_pod_fields(void **state)
{
	cJSON *j = cJSON_Parse(pod_json);
	struct sk_k8s_pod *p = sk_k8s_pod_decode(j);
	const struct sk_k8s_container *c;
	(void)state;
	assert_non_null(p);
	assert_string_equal(p->o.name, "web-7d4b9");
	assert_string_equal(p->o.ns, "shop");
	assert_string_equal(p->o.uid, "5b1e-uid");
	assert_int_equal(p->o.nlabels, 2);
	assert_string_equal(p->o.label_keys[0], "app");
	assert_string_equal(p->o.label_values[0], "web");
	assert_string_equal(p->o.label_keys[1], "tier");
	assert_string_equal(p->ip, "10.1.2.3");
	assert_string_equal(p->cni_json, "{\"ips\":[\"10.1.2.3\",\"fd00::3\"]}");
	assert_string_equal(p->node, "n1");
	assert_true(p->host_network);
	assert_false(p->host_pid);
	assert_true(p->host_ipc);
	assert_int_equal(p->ncontainers, 3);

	c = by_name(p, "nginx");
	assert_non_null(c);
	assert_ptr_equal(c->pod, p);
	assert_string_equal(c->id, "abcdef012345");
	assert_string_equal(c->full_id,
			    "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789");
	assert_string_equal(c->runtime, "containerd");
	assert_string_equal(c->image, "docker.io/library/nginx:1.25.3");
	assert_string_equal(c->repository, "docker.io/library/nginx");
	assert_string_equal(c->tag, "1.25.3");
	assert_string_equal(c->digest, "sha256:cdcd");
	assert_string_equal(c->image_id, "cdcd");
	assert_true(c->privileged);
	assert_int_equal(c->nmounts, 2);
	assert_string_equal(c->mounts[0].source, "/var/log");
	assert_string_equal(c->mounts[0].dest, "/logs");
	assert_true(c->mounts[0].rdwr);
	assert_string_equal(c->mounts[0].propagation, "rslave");
	assert_string_equal(c->mounts[1].source, "cfg");
	assert_false(c->mounts[1].rdwr);

	c = by_name(p, "side");
	assert_string_equal(c->runtime, "cri-o");
	assert_string_equal(c->repository, "reg.local:5000/tools/side");
	assert_string_equal(c->tag, "");
	assert_string_equal(c->digest, "sha256:aaaa");
	assert_false(c->privileged);

	c = by_name(p, "init");
	assert_string_equal(c->id, "111111111111");
	assert_string_equal(c->tag, "latest");
	/* the record is one allocation well under the per-pod budget */
	assert_true(p->o.bytes < 3000);
	sk_k8s_obj_unref(&p->o);
	cJSON_Delete(j);
}

static void test_pending_pod_and_bad_objects(void **state)
{
	cJSON *j = cJSON_Parse("{\"metadata\":{\"name\":\"new\",\"namespace\":\"a\"},\"spec\":{"
			       "\"containers\":[{\"name\":\"c\",\"image\":\"x\"}]},\"status\":{"
			       "\"containerStatuses\":[{\"name\":\"c\",\"image\":\"x:1\"}]}}");
	struct sk_k8s_pod *p = sk_k8s_pod_decode(j);
	(void)state;
	assert_non_null(p);
	assert_int_equal(p->ncontainers, 1);
	assert_string_equal(p->containers[0].id, ""); /* not started: no id yet */
	assert_string_equal(p->ip, "");
	assert_string_equal(p->cni_json, "{\"ips\":[]}");
	sk_k8s_obj_unref(&p->o);
	cJSON_Delete(j);
	j = cJSON_Parse("{\"metadata\":{\"labels\":{\"a\":\"b\"}}}");
	assert_null(sk_k8s_pod_decode(j));
	assert_null(sk_k8s_ns_decode(j));
	cJSON_Delete(j);
	j = cJSON_Parse("{\"metadata\":{\"name\":\"x\",\"labels\":{\"a\":1,\"b\":\"2\"}},"
			"\"status\":{\"containerStatuses\":\"not a list\"}}");
	p = sk_k8s_pod_decode(j);
	assert_non_null(p);
	assert_int_equal(p->o.nlabels, 1); /* non-string label values are skipped */
	assert_int_equal(p->ncontainers, 0);
	sk_k8s_obj_unref(&p->o);
	cJSON_Delete(j);
}

static void test_namespace(void **state)
{
	cJSON *j = cJSON_Parse("{\"kind\":\"Namespace\",\"metadata\":{\"name\":\"shop\",\"uid\":"
			       "\"ns-uid\",\"labels\":{\"team\":\"payments\"}}}");
	struct sk_k8s_obj *o = sk_k8s_ns_decode(j);
	(void)state;
	assert_string_equal(o->name, "shop");
	assert_string_equal(o->uid, "ns-uid");
	assert_int_equal(o->nlabels, 1);
	assert_string_equal(o->label_values[0], "payments");
	sk_k8s_obj_ref(o);
	sk_k8s_obj_unref(o);
	assert_string_equal(o->name, "shop"); /* still referenced once */
	sk_k8s_obj_unref(o);
	cJSON_Delete(j);
}

static void test_image_split(void **state)
{
	static const struct {
		const char *in, *repo, *tag, *digest;
	} cases[] = {
	    {"nginx", "nginx", "", ""},
	    {"nginx:1.25", "nginx", "1.25", ""},
	    {"reg:5000/a/b", "reg:5000/a/b", "", ""},
	    {"reg:5000/a/b:2", "reg:5000/a/b", "2", ""},
	    {"a/b:3@sha256:ff", "a/b", "3", "sha256:ff"},
	    {"", "", "", ""},
	};
	char buf[256];
	const char *r, *t, *d;
	(void)state;
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		sk_k8s_image_split(cases[i].in, buf, sizeof(buf), &r, &t, &d);
		assert_string_equal(r, cases[i].repo);
		assert_string_equal(t, cases[i].tag);
		assert_string_equal(d, cases[i].digest);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_pod_fields),
	    cmocka_unit_test(test_pending_pod_and_bad_objects),
	    cmocka_unit_test(test_namespace),
	    cmocka_unit_test(test_image_split),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
