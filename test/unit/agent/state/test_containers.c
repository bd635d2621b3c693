/* SPDX-License-Identifier: Apache-2.0 */
/* Container ids from cgroup paths, and container metadata from container events. */
#include <errno.h>

#include "state_test_util.h"

#define ID64 "697956520d891b5cb0e215093970c733549a3f745f52263c05b37f8a488994f3"

/* Check the id and runtime sk_container_id_from_cgroups finds in a cgroup list. */
static void expect(const char *list, size_t len, enum sk_container_type type, const char *id)
{
	char full[SK_STATE_CID_FULL + 1];
	assert_int_equal(sk_container_id_from_cgroups(list, (uint32_t)len, full), type);
	assert_string_equal(full, id);
}

#define EXPECT(lit, type, id) expect(lit, sizeof(lit), type, id)

static void test_runtimes(void **unused)
{
	/* cgroup v1, cgroupfs driver: docker */
	EXPECT("cpuset=/docker/" ID64 "\0cpu=/docker/" ID64, SK_CT_DOCKER, ID64);
	/* systemd driver scopes, v1 and v2 */
	EXPECT("cpu=/system.slice/docker-" ID64 ".scope", SK_CT_DOCKER, ID64);
	EXPECT("=/system.slice/docker-" ID64 ".scope", SK_CT_DOCKER, ID64);
	EXPECT("=/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod1.slice/"
	       "cri-containerd-" ID64 ".scope",
	       SK_CT_CONTAINERD, ID64);
	EXPECT("=/kubepods.slice/kubepods-pod2.slice/crio-" ID64 ".scope", SK_CT_CRIO, ID64);
	EXPECT("=/machine.slice/libpod-" ID64 ".scope", SK_CT_PODMAN, ID64);
	/* cgroupfs kubepods/.../pod<uid>/<id> */
	EXPECT("memory=/kubepods/besteffort/pod5a2c0e9e-1111-2222-3333-444455556666/" ID64,
	       SK_CT_CRI, ID64);
	/* containerd without Kubernetes: /<namespace>/<id> */
	EXPECT("=/default/" ID64, SK_CT_DOCKER, ID64);
}

static void test_host(void **unused)
{
	EXPECT("cpuset=/\0memory=/user.slice/user-1000.slice/session-2.scope", SK_CT_NONE, "");
	EXPECT("=/system.slice/docker.service", SK_CT_NONE, "");
	/* 63 hex digits, or a non-hex character: no id */
	EXPECT("cpu=/docker/697956520d891b5cb0e215093970c733549a3f745f52263c05b37f8a488994f",
	       SK_CT_NONE, "");
	EXPECT("cpu=/docker/697956520d891b5cb0e215093970c733549a3f745f52263c05b37f8a488994fZ",
	       SK_CT_NONE, "");
	char full[SK_STATE_CID_FULL + 1];
	assert_int_equal(sk_container_id_from_cgroups(NULL, 0, full), SK_CT_NONE);
}

static void test_json(void **unused)
{
	struct sk_state st;
	sk_state_init(&st);
	static const char json[] =
	    "{\"container\":{\"id\":\"abcdef012345\",\"name\":\"web\",\"image\":\"nginx:1.25\","
	    "\"imagerepo\":\"nginx\",\"imagetag\":\"1.25\",\"privileged\":true,\"type\":8,"
	    "\"Mounts\":[{\"Source\":\"/var/run/docker.sock\",\"Destination\":\"/var/run/"
	    "docker.sock\","
	    "\"Mode\":\"\",\"RW\":true,\"Propagation\":\"rprivate\"}]}}";
	assert_int_equal(sk_state_apply_container_json(&st, json, sizeof(json) - 1), 0);
	const struct sk_container *c = sk_state_container(&st, "abcdef012345");
	assert_non_null(c);
	assert_string_equal(c->name, "web");
	assert_string_equal(c->image_tag, "1.25");
	assert_true(c->privileged);
	assert_int_equal(c->type, SK_CT_CRIO);
	assert_int_equal(c->nmounts, 1);
	assert_true(c->mounts[0].rdwr);
	assert_string_equal(c->mounts[0].source, "/var/run/docker.sock");
	/* a later event for the same id replaces the metadata */
	static const char json2[] = "{\"container\":{\"id\":\"abcdef012345\",\"name\":\"web2\"}}";
	assert_int_equal(sk_state_apply_container_json(&st, json2, sizeof(json2) - 1), 0);
	assert_string_equal(sk_state_container(&st, "abcdef012345")->name, "web2");
	assert_int_equal(st.containers.len, 1);
	/* malformed or id-less JSON is counted and refused */
	assert_int_equal(sk_state_apply_container_json(&st, "{\"container\":", 13), -EINVAL);
	assert_int_equal(sk_state_apply_container_json(&st, "{\"container\":{}}", 16), -EINVAL);
	assert_int_equal(st.containers_dropped, 2);
	assert_null(sk_state_container(&st, "000000000000"));
	sk_state_fini(&st);
}

/* The capture's two container events: "incomplete" first, then the full metadata. */
static void test_capture_container_events(void **unused)
{
	struct sk_state st;
	sk_state_init(&st);
	state_test_replay(&st, "run_as_user_0_container.scap", 0, NULL, NULL, 0);
	const struct sk_container *c = sk_state_container(&st, "697956520d89");
	assert_non_null(c);
	assert_string_equal(c->name, "hopeful_taussig");
	assert_string_equal(c->image_id,
			    "f68d6e55e06520f152403e6d96d0de5c9790a89b4cfc99f4626f68146fa1dbdc");
	/* and the threads of the container carry its id */
	const struct sk_thread *t = sk_state_thread(&st, 25754);
	assert_non_null(t);
	assert_string_equal(t->container_id, "697956520d89");
	assert_string_equal(t->container_full_id, ID64);
	sk_state_fini(&st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_runtimes),
	    cmocka_unit_test(test_host),
	    cmocka_unit_test(test_json),
	    cmocka_unit_test(test_capture_container_events),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
