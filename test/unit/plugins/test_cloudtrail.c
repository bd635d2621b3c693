/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The cloudtrail plugin's fields through the real host: plain lookups (a
 * non-string is ""), ct.user by identity type, ct.originaluser, ct.info and
 * evt.plugininfo's text (event_to_string), s3.*, ec2.imageids with an index,
 * and ct.request.documentname (upstream never extracts it).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "plugin_test_util.h"

static struct ptest T;
static char buf[8192];

#define IAM "\"userIdentity\":{\"type\":\"IAMUser\",\"userName\":\"alice\",\"accountId\":\"111\"," \
	    "\"principalId\":\"AID\",\"arn\":\"arn:aws:iam::111:user/alice\"}"
#define ROLE "\"userIdentity\":{\"type\":\"AssumedRole\",\"principalId\":\"AROA:sess-9\",\"arn\":" \
	     "\"arn:aws:sts::111:assumed-role/Admin/sess-9\",\"sessionContext\":{\"sessionIssuer\":" \
	     "{\"userName\":\"Admin\"}}}"

static const char get_object[] =
	"{\"eventVersion\":\"1.08\"," IAM ",\"eventTime\":\"2026-03-01T12:00:00Z\","
	"\"eventSource\":\"s3.amazonaws.com\",\"eventName\":\"GetObject\",\"awsRegion\":\"eu-west-1\","
	"\"sourceIPAddress\":\"1.2.3.4\",\"userAgent\":\"cli\",\"readOnly\":true,\"managementEvent\":"
	"false,\"requestParameters\":{\"bucketName\":\"b\",\"key\":\"k/x.csv\",\"documentName\":\"d\"},"
	"\"responseElements\":null,\"additionalEventData\":{\"bytesTransferredIn\":0.0,"
	"\"bytesTransferredOut\":4096.7},\"requestID\":\"R\",\"eventID\":\"E\",\"eventType\":"
	"\"AwsApiCall\",\"recipientAccountId\":\"111\",\"resources\":[{\"type\":\"AWS::S3::Object\"},"
	"{\"type\":\"AWS::S3::Bucket\"}],\"tlsDetails\":{\"tlsVersion\":\"TLSv1.3\"}}";

static const char run_instances[] =
	"{" ROLE ",\"eventTime\":\"2026-03-01T12:00:01Z\",\"eventSource\":\"ec2.amazonaws.com\","
	"\"eventName\":\"RunInstances\",\"awsRegion\":\"us-east-1\",\"sourceIPAddress\":"
	"\"ec2.amazonaws.com\",\"errorCode\":\"Client.Unauthorized\",\"readOnly\":false,"
	"\"requestParameters\":{\"instanceType\":7,\"tagSpecificationSet\":{\"items\":[{"
	"\"resourceType\":\"volume\",\"tags\":[{\"key\":\"Name\",\"value\":\"vol\"}]},{"
	"\"resourceType\":\"instance\",\"tags\":[{\"key\":\"env\",\"value\":\"x\"},{\"key\":\"Name\","
	"\"value\":\"web-1\"}]}]}},\"responseElements\":{\"instancesSet\":{\"items\":[{\"imageId\":"
	"\"ami-1\"},{\"imageId\":\"\"},{\"imageId\":\"ami-3\"}]}},\"eventType\":\"AwsApiCall\"}";

static const char *x(const char *event, const char *field, const char *arg)
{
	pt_event(&T, 2, event, 1);
	int n = pt_extract(&T, "aws_cloudtrail", field, arg);
	if (n < 0)
		return "ERROR";
	return n ? pt_join(&T, n, buf, sizeof(buf)) : "<none>";
}

static int setup(void **state)
{
	if (pt_init(&T) || pt_load(&T, "cloudtrail", "", NULL) || pt_register(&T)) {
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

static void test_plain(void **state)
{
	assert_string_equal(x(get_object, "ct.id", NULL), "E");
	assert_string_equal(x(get_object, "ct.time", NULL), "2026-03-01T12:00:00Z");
	assert_string_equal(x(get_object, "ct.src", NULL), "s3.amazonaws.com");
	assert_string_equal(x(get_object, "ct.shortsrc", NULL), "s3");
	assert_string_equal(x(get_object, "ct.name", NULL), "GetObject");
	assert_string_equal(x(get_object, "ct.region", NULL), "eu-west-1");
	assert_string_equal(x(get_object, "ct.error", NULL), "<none>");
	assert_string_equal(x(get_object, "ct.readonly", NULL), "true");
	assert_string_equal(x(get_object, "ct.managementevent", NULL), "false");
	assert_string_equal(x(get_object, "ct.user.arn", NULL), "arn:aws:iam::111:user/alice");
	assert_string_equal(x(get_object, "ct.user.accountid", NULL), "111");
	assert_string_equal(x(get_object, "ct.tlsdetails.tlsversion", NULL), "TLSv1.3");
	/* a value that is not a string is present and empty (upstream's accessor) */
	assert_string_equal(x(get_object, "ct.response", NULL), "null");
	assert_string_equal(x(run_instances, "ct.request.availabilityzone", NULL), "<none>");
	assert_string_equal(x(get_object, "ct.request", NULL),
			    "{\"bucketName\":\"b\",\"key\":\"k/x.csv\",\"documentName\":\"d\"}");
	assert_string_equal(x(get_object, "ct.request.documentname", NULL), "d");
	assert_string_equal(x(get_object, "ct.resources", NULL),
			    "{\"type\":\"AWS::S3::Object\"},{\"type\":\"AWS::S3::Bucket\"}");
}

static void test_users(void **state)
{
	assert_string_equal(x(get_object, "ct.user", NULL), "alice");
	assert_string_equal(x(get_object, "ct.originaluser", NULL), "alice");
	assert_string_equal(x(run_instances, "ct.user", NULL), "Admin");
	assert_string_equal(x(run_instances, "ct.originaluser", NULL), "sess-9");
	assert_string_equal(x(run_instances, "ct.user.identitytype", NULL), "AssumedRole");
	assert_string_equal(x("{\"userIdentity\":{\"type\":\"AWSService\",\"invokedBy\":"
			      "\"lambda.amazonaws.com\"}}",
			      "ct.user", NULL),
			    "lambda.amazonaws.com");
	assert_string_equal(x("{\"userIdentity\":{\"type\":\"Root\"}}", "ct.user", NULL), "<none>");
	assert_string_equal(x("{\"userIdentity\":{\"type\":\"FederatedUser\"}}", "ct.user", NULL),
			    "FederatedUser");
	assert_string_equal(x("{\"recipientAccountId\":\"9\"}", "ct.user.accountid", NULL), "9");
}

static void test_s3(void **state)
{
	assert_string_equal(x(get_object, "s3.uri", NULL), "s3://b/k/x.csv");
	assert_string_equal(x(get_object, "s3.bucket", NULL), "b");
	assert_string_equal(x(get_object, "s3.key", NULL), "k/x.csv");
	assert_string_equal(x(get_object, "s3.bytes", NULL), "4096");
	assert_string_equal(x(get_object, "s3.bytes.in", NULL), "0");
	assert_string_equal(x(get_object, "s3.bytes.out", NULL), "4096");
	assert_string_equal(x(get_object, "s3.cnt.get", NULL), "1");
	assert_string_equal(x(get_object, "s3.cnt.put", NULL), "<none>");
	assert_string_equal(x(get_object, "s3.cnt.other", NULL), "<none>");
	assert_string_equal(x(run_instances, "s3.cnt.other", NULL), "1");
	assert_string_equal(x(run_instances, "s3.bytes", NULL), "<none>");
}

static void test_ec2(void **state)
{
	assert_string_equal(x(run_instances, "ec2.name", NULL), "web-1");
	assert_string_equal(x(run_instances, "ec2.imageids", NULL), "ami-1|ami-3");
	assert_string_equal(x(run_instances, "ec2.imageids", "2"), "ami-3");
	assert_string_equal(x(run_instances, "ec2.imageids", "1"), "<none>");
	assert_string_equal(x(run_instances, "ec2.imageid", NULL), "ami-1");
	assert_string_equal(x("{\"requestParameters\":{\"imageId\":\"ami-9\"}}", "ec2.imageids", NULL),
			    "ami-9");
	assert_string_equal(x(run_instances, "ec2.imageids", "x"), "ERROR");
}

static void test_info(void **state)
{
	/* who == where for a service; error mark and the write arrow */
	assert_string_equal(x(run_instances, "ct.info", NULL), "Admin via ec2.amazonaws.com !→ RunInstances");
	assert_string_equal(x(get_object, "ct.info", NULL),
			    "alice via 1.2.3.4 ← GetObject Size=4096 URI=s3://b/k/x.csv");
	assert_string_equal(x("{\"eventName\":\"X\"}", "ct.info", NULL),
			    "<invalid cloudtrail event: user missing>");
	pt_event(&T, 2, get_object, 1);
	char out[1024];
	struct sk_plugin_event_ctx pc = {.evtnum = sk_plugin_next_evtnum()};
	int n = sk_plugin_event_info(sk_plugin_host_find(T.h, "cloudtrail"), &pc, &T.e,
				     "aws_cloudtrail", out, sizeof(out));
	assert_true(n > 0);
	assert_string_equal(out, "eu-west-1 alice s3 GetObject alice via 1.2.3.4 ← GetObject "
				 "Size=4096 URI=s3://b/k/x.csv");
}

static void test_field_count(void **state)
{
	struct sk_plugin_info in;
	sk_plugin_get_info(sk_plugin_host_find(T.h, "cloudtrail"), &in);
	assert_int_equal(in.nfields, 73);
	assert_int_equal(in.id, 2);
	assert_string_equal(in.source, "aws_cloudtrail");
	assert_non_null(in.init_schema);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain), cmocka_unit_test(test_users),
		cmocka_unit_test(test_s3),    cmocka_unit_test(test_ec2),
		cmocka_unit_test(test_info),  cmocka_unit_test(test_field_count),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
