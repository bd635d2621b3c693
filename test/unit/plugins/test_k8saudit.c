/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The k8saudit plugin's ka.* fields, loaded through the real host: plain
 * paths, annotations, list fan-out and the index applying to the first array
 * met, computed fields, the key-argument fields with arg_index left at
 * UINT64_MAX, and the upstream bugs Saker fixes (see plugins/k8saudit/README.md).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "plugin_test_util.h"

static const char pod_event[] =
	"{\"kind\":\"Event\",\"auditID\":\"a-1\",\"stage\":\"ResponseComplete\",\"verb\":\"create\","
	"\"requestURI\":\"/api/v1/namespaces/ns1/pods/p/exec?command=sh&command=-c&container=c%201"
	"&flag\",\"user\":{\"username\":\"alice\",\"groups\":[\"dev\",\"system:authenticated\"]},"
	"\"impersonatedUser\":{\"username\":\"bob\"},\"sourceIPs\":[\"10.0.0.1\",\"10.0.0.2\"],"
	"\"userAgent\":\"kubectl\",\"objectRef\":{\"resource\":\"pods\",\"namespace\":\"ns1\","
	"\"name\":\"p\"},\"responseStatus\":{\"code\":201,\"reason\":\"Created\"},"
	"\"annotations\":{\"authorization.k8s.io/decision\":\"allow\","
	"\"authorization.k8s.io/reason\":\"rbac\",\"cluster_name\":\"prod\"},"
	"\"requestObject\":{\"kind\":\"Pod\",\"spec\":{\"hostNetwork\":true,\"hostPID\":false,"
	"\"securityContext\":{\"runAsUser\":1000,\"fsGroup\":2000,\"supplementalGroups\":[3,4]},"
	"\"containers\":[{\"name\":\"a\",\"image\":\"reg:5000/team/app:1.2\",\"command\":[\"sh\","
	"\"-c\"],\"args\":[\"run\"],\"ports\":[{\"containerPort\":80},{\"containerPort\":443,"
	"\"hostPort\":8443}],\"securityContext\":{\"privileged\":true,\"capabilities\":{\"add\":"
	"[\"NET_ADMIN\",\"SYS_TIME\"]}}},{\"name\":\"b\",\"image\":\"nginx@sha256:abc\","
	"\"securityContext\":{\"runAsUser\":0,\"readOnlyRootFilesystem\":true}}],"
	"\"initContainers\":[{\"name\":\"i\",\"image\":\"busybox\",\"securityContext\":"
	"{\"privileged\":false}}],"
	"\"volumes\":[{\"name\":\"v1\",\"configMap\":{\"name\":\"c\"}},{\"name\":\"v2\","
	"\"hostPath\":{\"path\":\"/var/run/docker.sock\"}},{\"name\":\"v3\",\"hostPath\":{\"path\":"
	"\"/etc/kubernetes\"},\"flexVolume\":{\"driver\":\"x/y\"}}]}},"
	"\"responseObject\":{\"metadata\":{\"name\":\"p-123\"}},"
	"\"stageTimestamp\":\"2026-03-01T10:00:00.5Z\"}";

static const char role_event[] =
	"{\"auditID\":\"r-1\",\"verb\":\"create\",\"objectRef\":{\"resource\":\"clusterrolebindings\"},"
	"\"requestObject\":{\"roleRef\":{\"name\":\"cluster-admin\"},\"subjects\":[{\"kind\":\"User\","
	"\"name\":\"mallory\"},{\"kind\":\"ServiceAccount\",\"name\":\"sa\",\"namespace\":\"ci\"},"
	"{\"kind\":\"Group\",\"name\":\"ops\"}],\"rules\":[{\"apiGroups\":[\"\"],\"resources\":"
	"[\"pods\",\"secrets\"],\"verbs\":[\"get\"]},{\"apiGroups\":[\"*\"],\"resources\":[\"*\"],"
	"\"verbs\":[\"*\"],\"nonResourceURLs\":[\"/metrics\"]}],\"spec\":{\"type\":\"NodePort\","
	"\"ports\":[{\"port\":80,\"nodePort\":30080}]}}}";

static struct ptest T;
static char buf[8192];

static const char *x(const char *event, const char *field, const char *arg)
{
	pt_event(&T, 1, event, 1);
	int n = pt_extract(&T, "k8s_audit", field, arg);
	if (n < 0)
		return "ERROR";
	return n ? pt_join(&T, n, buf, sizeof(buf)) : "<none>";
}

static int setup(void **state)
{
	if (pt_init(&T) || pt_load(&T, "k8saudit", NULL, NULL) || pt_load(&T, "json", NULL, NULL) ||
	    pt_register(&T)) {
		fprintf(stderr, "setup: %s\n", T.err);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	pt_fini(&T);
	return 0;
}

static void test_plain_paths(void **state)
{
	assert_string_equal(x(pod_event, "ka.auditid", NULL), "a-1");
	assert_string_equal(x(pod_event, "ka.stage", NULL), "ResponseComplete");
	assert_string_equal(x(pod_event, "ka.user.name", NULL), "alice");
	assert_string_equal(x(pod_event, "ka.impuser.name", NULL), "bob");
	assert_string_equal(x(pod_event, "ka.verb", NULL), "create");
	assert_string_equal(x(pod_event, "ka.target.resource", NULL), "pods");
	assert_string_equal(x(pod_event, "ka.target.subresource", NULL), "<none>");
	assert_string_equal(x(pod_event, "ka.auth.decision", NULL), "allow");
	assert_string_equal(x(pod_event, "ka.auth.reason", NULL), "rbac");
	assert_string_equal(x(pod_event, "ka.cluster.name", NULL), "prod");
	/* numbers render as compact JSON */
	assert_string_equal(x(pod_event, "ka.response.code", NULL), "201");
	assert_string_equal(x(pod_event, "ka.response.reason", NULL), "Created");
	assert_string_equal(x(pod_event, "ka.resp.name", NULL), "p-123");
	assert_string_equal(x(pod_event, "ka.target.pod.name", NULL), "p-123");
	assert_string_equal(x(pod_event, "ka.useragent", NULL), "kubectl");
	assert_string_equal(x(pod_event, "ka.req.pod.host_network", NULL), "true");
	assert_string_equal(x(pod_event, "ka.req.container.host_network", NULL), "true");
	assert_string_equal(x(pod_event, "ka.req.pod.host_pid", NULL), "false");
	assert_string_equal(x(pod_event, "ka.req.pod.host_ipc", NULL), "<none>");
	assert_string_equal(x(pod_event, "ka.req.pod.run_as_user", NULL), "1000");
	assert_string_equal(x(pod_event, "ka.req.pod.fs_group", NULL), "2000");
	assert_string_equal(x(pod_event, "ka.req.pod.supplemental_groups", NULL), "3|4");
	assert_string_equal(x(pod_event, "ka.user.groups", NULL), "dev|system:authenticated");
}

static void test_containers_and_index(void **state)
{
	assert_string_equal(x(pod_event, "ka.req.pod.containers.name", NULL), "a|b");
	assert_string_equal(x(pod_event, "ka.req.pod.containers.image", "1"), "nginx@sha256:abc");
	assert_string_equal(x(pod_event, "ka.req.pod.containers.image", "2"), "<none>");
	/* fixed: the tag is cut after the last '/', so a registry port stays */
	assert_string_equal(x(pod_event, "ka.req.pod.containers.image.repository", NULL),
			    "reg:5000/team/app|nginx");
	assert_string_equal(x(pod_event, "ka.req.pod.containers.command", NULL), "sh -c");
	assert_string_equal(x(pod_event, "ka.req.pod.containers.args", NULL), "run");
	/* hostPort, else containerPort; the index picks the container, not the port */
	assert_string_equal(x(pod_event, "ka.req.pod.containers.host_port", NULL), "80|8443");
	assert_string_equal(x(pod_event, "ka.req.pod.containers.host_port", "1"), "<none>");
	assert_string_equal(x(pod_event, "ka.req.pod.containers.privileged", NULL), "true");
	assert_string_equal(x(pod_event, "ka.req.pod.containers.read_only_fs", NULL), "true");
	assert_string_equal(x(pod_event, "ka.req.pod.containers.add_capabilities", NULL),
			    "[\"NET_ADMIN\",\"SYS_TIME\"]");
	/* fixed: the container's runAsUser, else the pod's, else 0 */
	assert_string_equal(x(pod_event, "ka.req.pod.containers.eff_run_as_user", NULL), "1000|0");
	assert_string_equal(x(pod_event, "ka.req.pod.containers.eff_run_as_group", NULL), "0|0");
	assert_string_equal(x(pod_event, "ka.req.pod.initContainers.image", NULL), "busybox");
	assert_string_equal(x(pod_event, "ka.req.pod.initContainers.privileged", NULL), "false");
	assert_string_equal(x(pod_event, "ka.req.pod.ephemeralContainers.image", NULL), "<none>");
	assert_string_equal(x(pod_event, "ka.req.container.image", NULL), "reg:5000/team/app:1.2");
	assert_string_equal(x(pod_event, "ka.req.container.image.repository", NULL),
			    "reg:5000/team/app");
	assert_string_equal(x(pod_event, "ka.req.container.privileged", NULL), "true");
}

static void test_volumes(void **state)
{
	assert_string_equal(x(pod_event, "ka.req.pod.volumes.hostpath", NULL),
			    "/var/run/docker.sock|/etc/kubernetes");
	assert_string_equal(x(pod_event, "ka.req.pod.volumes.hostpath", "2"), "/etc/kubernetes");
	assert_string_equal(x(pod_event, "ka.req.pod.volumes.flexvolume_driver", NULL), "x/y");
	assert_string_equal(x(pod_event, "ka.req.pod.volumes.volume_type", NULL),
			    "configMap|hostPath|hostPath|flexVolume");
	/*
	 * A key-argument field: the host leaves arg_index at UINT64_MAX, so every
	 * volume is checked (with 0 only volume 0 would be).
	 */
	assert_string_equal(x(pod_event, "ka.req.volume.hostpath", "/etc/kubernetes"), "true");
	assert_string_equal(x(pod_event, "ka.req.volume.hostpath", "/var/run/*"), "true");
	assert_string_equal(x(pod_event, "ka.req.volume.hostpath", "/proc"), "false");
}

static void test_uri_and_sources(void **state)
{
	assert_string_equal(x(pod_event, "ka.uri.param", "command"), "sh");
	assert_string_equal(x(pod_event, "ka.uri.param", "container"), "c 1");
	assert_string_equal(x(pod_event, "ka.uri.param", "flag"), "");
	assert_string_equal(x(pod_event, "ka.uri.param", "missing"), "<none>");
	/* fixed: the top-level sourceIPs */
	assert_string_equal(x(pod_event, "ka.sourceips", NULL), "10.0.0.1|10.0.0.2");
	assert_string_equal(x(pod_event, "ka.sourceips", "1"), "10.0.0.2");
}

static void test_rbac(void **state)
{
	assert_string_equal(x(role_event, "ka.req.binding.role", NULL), "cluster-admin");
	assert_string_equal(x(role_event, "ka.req.binding.subjects.user_names", NULL), "mallory");
	assert_string_equal(x(role_event, "ka.req.binding.subjects.group_names", NULL), "ops");
	assert_string_equal(x(role_event, "ka.req.binding.subjects.serviceaccount_names", NULL), "sa");
	assert_string_equal(x(role_event, "ka.req.binding.subjects.serviceaccount_ns_names", NULL),
			    "ci:sa");
	assert_string_equal(x(role_event, "ka.req.binding.subject.has_name", "mallory"), "true");
	assert_string_equal(x(role_event, "ka.req.binding.subject.has_name", "eve"), "false");
	assert_string_equal(x(role_event, "ka.req.binding.subjects", "0") /* index: refused */,
			    "ERROR");
	assert_string_equal(x(role_event, "ka.req.role.rules.verbs", NULL), "get|*");
	assert_string_equal(x(role_event, "ka.req.role.rules.verbs", "1"), "*");
	assert_string_equal(x(role_event, "ka.req.role.rules.resources", "0"), "pods|secrets");
	assert_string_equal(x(role_event, "ka.req.role.rules.nonResourceURLs", NULL), "/metrics");
	assert_string_equal(x(role_event, "ka.req.role.rules", "0"), "ERROR");
	assert_string_equal(x(role_event, "ka.req.role.rules", NULL),
			    "{\"apiGroups\":[\"\"],\"resources\":[\"pods\",\"secrets\"],\"verbs\":"
			    "[\"get\"]}|{\"apiGroups\":[\"*\"],\"resources\":[\"*\"],\"verbs\":[\"*\"],"
			    "\"nonResourceURLs\":[\"/metrics\"]}");
	assert_string_equal(x(role_event, "ka.req.service.type", NULL), "NodePort");
	assert_string_equal(x(role_event, "ka.req.service.ports", NULL),
			    "[{\"port\":80,\"nodePort\":30080}]");
	/* not a pod: no pod name even though responseObject could hold one */
	assert_string_equal(x(role_event, "ka.target.pod.name", NULL), "<none>");
}

static void test_not_audit(void **state)
{
	/* no auditID: every field absent; not JSON: the plugin fails, the host gives no value */
	assert_string_equal(x("{\"verb\":\"get\"}", "ka.verb", NULL), "<none>");
	assert_string_equal(x("plain text", "ka.verb", NULL), "<none>");
	struct sk_plugin_stats st;
	sk_plugin_get_stats(sk_plugin_host_find(T.h, "k8saudit"), &st);
	assert_true(st.extract_failures >= 1);
	/* a list field whose value is not an array is a plugin failure, not a value */
	assert_string_equal(x("{\"auditID\":\"1\",\"user\":{\"groups\":\"x\"}}", "ka.user.groups", NULL),
			    "<none>");
}

static void test_json_companion(void **state)
{
	assert_string_equal(x(pod_event, "jevt.value", "/user/username"), "alice");
	assert_string_equal(x(pod_event, "json.value", "/requestObject/spec/containers/0/name"), "a");
	assert_string_equal(x(pod_event, "json.value", "/annotations/authorization.k8s.io~1decision"),
			    "allow");
	assert_string_equal(x(pod_event, "json.value", "/responseStatus"),
			    "{\"code\":201,\"reason\":\"Created\"}");
	assert_string_equal(x(pod_event, "json.value", "/nope"), "<none>");
	pt_event(&T, 1, "{\"a\":[1,{}],\"b\":{}}", 1234567890123456789ull);
	assert_int_equal(pt_extract(&T, "k8s_audit", "json.obj", NULL), 1);
	assert_string_equal(T.v[0], "{\n  \"a\": [\n    1,\n    {}\n  ],\n  \"b\": {}\n}");
	assert_int_equal(pt_extract(&T, "k8s_audit", "jevt.rawtime", NULL), 1);
	assert_string_equal(T.v[0], "1234567890123456789");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_paths),	cmocka_unit_test(test_containers_and_index),
		cmocka_unit_test(test_volumes),		cmocka_unit_test(test_uri_and_sources),
		cmocka_unit_test(test_rbac),		cmocka_unit_test(test_not_audit),
		cmocka_unit_test(test_json_companion),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
