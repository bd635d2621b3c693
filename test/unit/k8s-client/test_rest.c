/* SPDX-License-Identifier: Apache-2.0 */
/*
 * REST against the stand-in: create, get, update (with a stale
 * resourceVersion), merge/strategic/apply patches, the status subresource,
 * delete, label selectors on lists, ConfigMaps, Leases, TokenReviews; and
 * Status bodies decoded into -errno with the server's message.
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
#include "standin.h"

static struct standin srv;
static struct k8s_client *cl;

static const char *str_at(const cJSON *o, const char *a, const char *b)
{
	const cJSON *v = cJSON_GetObjectItem(cJSON_GetObjectItem(o, a), b);
	return cJSON_IsString(v) ? v->valuestring : "";
}

static void test_status_errno(void **state)
{
	char err[256];
	static const char conflict[] =
	    "{\"kind\":\"Status\",\"status\":\"Failure\",\"reason\":\"Conflict\",\"message\":\"the "
	    "object has been modified\",\"code\":409}";
	static const char large[] =
	    "{\"kind\":\"Status\",\"reason\":\"Timeout\",\"message\":\"Too large resource "
	    "version\",\"details\":{\"causes\":[{\"reason\":\"ResourceVersionTooLarge\"}]},\"code\":504}";
	(void)state;
	assert_int_equal(k8s_status_errno(200, "", 0, err, sizeof(err)), 0);
	assert_int_equal(k8s_status_errno(409, conflict, strlen(conflict), err, sizeof(err)), -EBUSY);
	assert_string_equal(err, "HTTP 409 Conflict: the object has been modified");
	assert_int_equal(k8s_status_errno(504, large, strlen(large), err, sizeof(err)), -ESTALE);
	assert_int_equal(k8s_status_errno(503, "<html>", 6, err, sizeof(err)), -EIO);
	assert_string_equal(err, "HTTP 503");
	assert_int_equal(k8s_status_errno(403, NULL, 0, err, sizeof(err)), -EACCES);
	assert_int_equal(k8s_status_errno(429, NULL, 0, err, sizeof(err)), -EAGAIN);
	assert_int_equal(k8s_status_errno(410, NULL, 0, err, sizeof(err)), -ESTALE);
}

static void test_crud(void **state)
{
	char err[512];
	cJSON *obj, *out = NULL;
	(void)state;
	obj = cJSON_Parse("{\"metadata\":{\"name\":\"cfg\",\"labels\":{\"app\":\"x\"}},"
			  "\"data\":{\"k\":\"v1\"}}");
	assert_int_equal(k8s_create(cl, "/api/v1/namespaces/ns1/configmaps", obj, &out, err,
				    sizeof(err)),
			 0);
	assert_string_equal(str_at(out, "metadata", "namespace"), "ns1");
	assert_true(*str_at(out, "metadata", "uid"));
	char rv[32];
	snprintf(rv, sizeof(rv), "%s", str_at(out, "metadata", "resourceVersion"));
	cJSON_Delete(out);
	assert_int_equal(k8s_create(cl, "/api/v1/namespaces/ns1/configmaps", obj, NULL, err,
				    sizeof(err)),
			 -EEXIST);
	assert_non_null(strstr(err, "409 AlreadyExists: configmaps \"cfg\" already exists"));
	cJSON_Delete(obj);

	/* merge patch, then an update with the stale resourceVersion: Conflict */
	assert_int_equal(k8s_patch(cl, "/api/v1/namespaces/ns1/configmaps/cfg", K8S_PATCH_MERGE,
				   "{\"data\":{\"k\":\"v2\",\"n\":\"1\"}}", NULL, &out, err,
				   sizeof(err)),
			 0);
	assert_string_equal(str_at(out, "data", "k"), "v2");
	cJSON_Delete(out);
	obj = cJSON_Parse("{\"metadata\":{\"name\":\"cfg\"},\"data\":{\"k\":\"v3\"}}");
	cJSON_AddStringToObject(cJSON_GetObjectItem(obj, "metadata"), "resourceVersion", rv);
	assert_int_equal(k8s_update(cl, "/api/v1/namespaces/ns1/configmaps/cfg", obj, NULL, err,
				    sizeof(err)),
			 -EBUSY);
	assert_non_null(strstr(err, "the object has been modified"));
	cJSON_Delete(obj);
	assert_int_equal(k8s_get(cl, "/api/v1/namespaces/ns1/configmaps/cfg", &out, err,
				 sizeof(err)),
			 0);
	assert_string_equal(str_at(out, "data", "n"), "1");
	cJSON_Delete(out);

	/* apply needs a field manager and creates what does not exist */
	assert_int_equal(k8s_patch(cl, "/apis/coordination.k8s.io/v1/namespaces/ns1/leases/lead",
				   K8S_PATCH_APPLY, "{\"spec\":{\"holderIdentity\":\"a\"}}", NULL,
				   NULL, err, sizeof(err)),
			 -EINVAL);
	assert_int_equal(k8s_patch(cl, "/apis/coordination.k8s.io/v1/namespaces/ns1/leases/lead",
				   K8S_PATCH_APPLY,
				   "{\"apiVersion\":\"coordination.k8s.io/v1\",\"kind\":\"Lease\","
				   "\"spec\":{\"holderIdentity\":\"a\"}}",
				   "saker", &out, err, sizeof(err)),
			 0);
	assert_string_equal(str_at(out, "spec", "holderIdentity"), "a");
	cJSON_Delete(out);
	assert_int_equal(k8s_patch(cl, "/apis/coordination.k8s.io/v1/namespaces/ns1/leases/lead",
				   K8S_PATCH_STRATEGIC, "{\"spec\":{\"holderIdentity\":\"b\"}}", NULL,
				   &out, err, sizeof(err)),
			 0);
	assert_string_equal(str_at(out, "spec", "holderIdentity"), "b");
	cJSON_Delete(out);

	/* delete, then 404 */
	assert_int_equal(k8s_delete(cl, "/api/v1/namespaces/ns1/configmaps/cfg", err, sizeof(err)),
			 0);
	assert_int_equal(k8s_get(cl, "/api/v1/namespaces/ns1/configmaps/cfg", &out, err,
				 sizeof(err)),
			 -ENOENT);
	assert_non_null(strstr(err, "HTTP 404 NotFound: configmaps \"cfg\" not found"));
	assert_int_equal(k8s_get(cl, "/api/v1/nonsense", &out, err, sizeof(err)), -ENOENT);
}

static void test_status_subresource(void **state)
{
	char err[512];
	cJSON *obj, *out = NULL;
	(void)state;
	obj = cJSON_Parse("{\"metadata\":{\"name\":\"p\"},\"spec\":{\"nodeName\":\"n1\"},"
			  "\"status\":{\"phase\":\"Pending\"}}");
	assert_int_equal(k8s_create(cl, "/api/v1/namespaces/ns1/pods", obj, NULL, err, sizeof(err)),
			 0);
	cJSON_Delete(obj);
	/* the status subresource changes the status only */
	assert_int_equal(k8s_patch(cl, "/api/v1/namespaces/ns1/pods/p/status", K8S_PATCH_MERGE,
				   "{\"spec\":{\"nodeName\":\"n2\"},\"status\":{\"phase\":\"Running\"}}",
				   NULL, &out, err, sizeof(err)),
			 0);
	assert_string_equal(str_at(out, "status", "phase"), "Running");
	assert_string_equal(str_at(out, "spec", "nodeName"), "n1");
	cJSON_Delete(out);
	/* and the main resource leaves the status alone */
	assert_int_equal(k8s_patch(cl, "/api/v1/namespaces/ns1/pods/p", K8S_PATCH_MERGE,
				   "{\"metadata\":{\"labels\":{\"a\":\"1\"}},\"status\":{\"phase\":"
				   "\"Failed\"}}",
				   NULL, &out, err, sizeof(err)),
			 0);
	assert_string_equal(str_at(out, "status", "phase"), "Running");
	cJSON_Delete(out);
}

static int count_item(void *ctx, cJSON *item)
{
	(void)item;
	(*(int *)ctx)++;
	return 0;
}

static void test_selectors(void **state)
{
	char err[512], rv[32];
	static const char *const pods[] = {
	    "{\"metadata\":{\"name\":\"s1\",\"labels\":{\"env\":\"a\",\"tier\":\"fe\"}}}",
	    "{\"metadata\":{\"name\":\"s2\",\"labels\":{\"env\":\"b\",\"tier\":\"be\"}}}",
	    "{\"metadata\":{\"name\":\"s3\",\"labels\":{\"env\":\"c\"}}}",
	};
	struct {
		const char *sel;
		int want;
	} cases[] = {
	    {"env=a", 1}, {"env in (a,b)", 2}, {"env notin (a)", 2}, {"tier", 2},
	    {"!tier", 1}, {"env!=a,tier", 1},
	};
	(void)state;
	for (unsigned i = 0; i < 3; i++) {
		cJSON *o = cJSON_Parse(pods[i]);
		assert_int_equal(k8s_create(cl, "/api/v1/namespaces/sel/pods", o, NULL, err,
					    sizeof(err)),
				 0);
		cJSON_Delete(o);
	}
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct k8s_list_opts lo = {.label_selector = cases[i].sel, .limit = 1};
		int n = 0;
		assert_int_equal(k8s_list(cl, "/api/v1/namespaces/sel/pods", &lo, count_item, NULL,
					  &n, rv, sizeof(rv), err, sizeof(err)),
				 0);
		assert_int_equal(n, cases[i].want);
	}
	/* an unsupported field is a 400 naming it */
	struct k8s_list_opts bad = {.field_selector = "spec.hostname=x"};
	int n = 0;
	assert_int_equal(k8s_list(cl, "/api/v1/pods", &bad, count_item, NULL, &n, rv, sizeof(rv),
				  err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "field label not supported: spec.hostname"));
}

static void test_token_review(void **state)
{
	char err[512], body[512];
	cJSON *obj, *out = NULL;
	(void)state;
	snprintf(body, sizeof(body),
		 "{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"TokenReview\","
		 "\"spec\":{\"token\":\"%s\"}}",
		 srv.token);
	obj = cJSON_Parse(body);
	assert_int_equal(k8s_create(cl, "/apis/authentication.k8s.io/v1/tokenreviews", obj, &out,
				    err, sizeof(err)),
			 0);
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(cJSON_GetObjectItem(out, "status"),
						      "authenticated")));
	cJSON_Delete(out);
	cJSON_Delete(obj);
	obj = cJSON_Parse("{\"spec\":{\"token\":\"forged\"}}");
	assert_int_equal(k8s_create(cl, "/apis/authentication.k8s.io/v1/tokenreviews", obj, &out,
				    err, sizeof(err)),
			 0);
	assert_false(cJSON_IsTrue(cJSON_GetObjectItem(cJSON_GetObjectItem(out, "status"),
						       "authenticated")));
	cJSON_Delete(out);
	cJSON_Delete(obj);
}

static int setup(void **state)
{
	struct k8s_config *cfg;
	char tok[300], err[512];
	(void)state;
	if (standin_start(&srv, "60", NULL))
		return -1;
	standin_path(&srv, "token", tok, sizeof(tok));
	if (k8s_config_flags(&cfg, srv.url, tok, err, sizeof(err)) ||
	    k8s_client_new(&cl, cfg, 10, err, sizeof(err)))
		return -1;
	k8s_config_free(cfg);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	k8s_client_free(cl);
	standin_stop(&srv);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_status_errno),
	    cmocka_unit_test(test_crud),
	    cmocka_unit_test(test_status_subresource),
	    cmocka_unit_test(test_selectors),
	    cmocka_unit_test(test_token_review),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
