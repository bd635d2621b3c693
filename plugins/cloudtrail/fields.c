/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The ct.*, s3.*, ec2.*, ecr.* and iam.* fields over one CloudTrail record.
 * Plain lookups follow upstream's accessor: a value that exists but is not
 * a string is present with the value "". ct.request.documentname reads
 * requestParameters.documentName (upstream never extracts it: see README).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cloudtrail.h"

/* Trailing members are left out of the table where they do not apply. */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

enum kind {
	K_STR,	/* plain lookup */
	K_BOOL, /* bool rendered true/false */
	K_JSON, /* compact JSON */
	K_SHORTSRC,
	K_USER,
	K_ORIGUSER,
	K_ACCOUNT,
	K_INFO,
	K_RESOURCES,
	K_S3URI,
	K_S3BYTES,
	K_S3IN,
	K_S3OUT,
	K_S3GET,
	K_S3PUT,
	K_S3OTHER,
	K_EC2NAME,
	K_IMAGEIDS,
	K_IMAGEID,
};

struct ct_field {
	struct skp_field f;
	enum kind kind;
	const char *path; /* dotted JSON path */
};

#define S "string"
#define U "uint64"
#define H SKP_HIDDEN
#define C SKP_CONVERSATION
#define RP "requestParameters."

/* clang-format off */
static const struct ct_field table[] = {
	{{"ct.id", S, 0, "ID", "the unique ID of the cloudtrail event (eventID in the json)."}, K_STR, "eventID"},
	{{"ct.error", S, 0, "Error Code", "The error code from the event. Will be \"<NA>\" (e.g. the NULL/empty/none value) if there was no error."}, K_STR, "errorCode"},
	{{"ct.errormessage", S, 0, "Error Message", "The description of an error, if applicable."}, K_STR, "errorMessage"},
	{{"ct.time", S, H, "Timestamp", "the timestamp of the cloudtrail event (eventTime in the json)."}, K_STR, "eventTime"},
	{{"ct.src", S, 0, "AWS Service", "the source of the cloudtrail event (eventSource in the json)."}, K_STR, "eventSource"},
	{{"ct.shortsrc", S, 0, "AWS Service", "the source of the cloudtrail event (eventSource in the json, without the '.amazonaws.com' trailer)."}, K_SHORTSRC, "eventSource"},
	{{"ct.name", S, 0, "Event Name", "the name of the cloudtrail event (eventName in the json)."}, K_STR, "eventName"},
	{{"ct.user", S, C, "User Name", "the user of the cloudtrail event (userIdentity.userName in the json)."}, K_USER, NULL},
	{{"ct.originaluser", S, 0, "Original User Name", "the user of the cloudtrail event before any role assumption (the role session name or principal of an assumed role, else userIdentity.userName)."}, K_ORIGUSER, NULL},
	{{"ct.user.accountid", S, 0, "User Account ID", "the account id of the user of the cloudtrail event."}, K_ACCOUNT, NULL},
	{{"ct.user.identitytype", S, 0, "User Identity Type", "the kind of user identity (e.g. Root, IAMUser,AWSService, etc.)"}, K_STR, "userIdentity.type"},
	{{"ct.user.principalid", S, 0, "User Principal ID", "A unique identifier for the user that made the request."}, K_STR, "userIdentity.principalId"},
	{{"ct.user.arn", S, 0, "User ARN", "the Amazon Resource Name (ARN) of the user that made the request."}, K_STR, "userIdentity.arn"},
	{{"ct.region", S, 0, "Region", "the region of the cloudtrail event (awsRegion in the json)."}, K_STR, "awsRegion"},
	{{"ct.response.subnetid", S, 0, "Response Subnet ID", "the subnet ID included in the response."}, K_STR, "responseElements.subnetId"},
	{{"ct.response.reservationid", S, 0, "Response Reservation ID", "the reservation ID included in the response."}, K_STR, "responseElements.reservationId"},
	{{"ct.response", S, 0, "Response Elements", "All response elements."}, K_JSON, "responseElements"},
	{{"ct.request.availabilityzone", S, 0, "Availability Zone", "the availability zone included in the request."}, K_STR, RP "availabilityZone"},
	{{"ct.request.cluster", S, 0, "Cluster", "the cluster included in the request."}, K_STR, RP "cluster"},
	{{"ct.request.functionname", S, 0, "Function Name", "the function name included in the request."}, K_STR, RP "functionName"},
	{{"ct.request.groupname", S, 0, "Group Name", "the group name included in the request."}, K_STR, RP "groupName"},
	{{"ct.request.host", S, 0, "Host Name", "the host included in the request"}, K_STR, RP "Host"},
	{{"ct.request.name", S, 0, "Name", "the name of the entity being acted on in the request."}, K_STR, RP "name"},
	{{"ct.request.policy", S, 0, "Policy", "the policy included in the request"}, K_STR, RP "policy"},
	{{"ct.request.reason", S, 0, "Reason", "the reason included in the request"}, K_STR, RP "reason"},
	{{"ct.request.target", S, 0, "Target", "the target included in the request"}, K_STR, RP "target"},
	{{"ct.request.serialnumber", S, 0, "Serial Number", "the serial number provided in the request."}, K_STR, RP "serialNumber"},
	{{"ct.request.servicename", S, 0, "Service Name", "the service name provided in the request."}, K_STR, RP "serviceName"},
	{{"ct.request.subnetid", S, 0, "Subnet ID", "the subnet ID provided in the request."}, K_STR, RP "subnetId"},
	{{"ct.request.taskdefinition", S, 0, "Task Definition", "the task definition prrovided in the request."}, K_STR, RP "taskDefinition"},
	{{"ct.request.username", S, 0, "User Name", "the username provided in the request."}, K_STR, RP "userName"},
	{{"ct.request.documentname", S, 0, "Document Name", "the document name provided in the request."}, K_STR, RP "documentName"},
	{{"ct.request", S, 0, "Request Parameters", "All request parameters."}, K_JSON, "requestParameters"},
	{{"ct.srcip", S, C, "Source IP", "the IP address generating the event (sourceIPAddress in the json)."}, K_STR, "sourceIPAddress"},
	{{"ct.useragent", S, 0, "User Agent", "the user agent generating the event (userAgent in the json)."}, K_STR, "userAgent"},
	{{"ct.info", S, SKP_INFO, "Info", "summary information about the event. This varies depending on the event type and, for some events, it contains event-specific details."}, K_INFO, NULL},
	{{"ct.managementevent", S, 0, "Management Event", "'true' if the event is a management event (AwsApiCall, AwsConsoleAction, AwsConsoleSignIn, or AwsServiceEvent), 'false' otherwise."}, K_BOOL, "managementEvent"},
	{{"ct.readonly", S, 0, "Read Only", "'true' if the event only reads information (e.g. DescribeInstances), 'false' if the event modifies the state (e.g. RunInstances, CreateLoadBalancer...)."}, K_BOOL, "readOnly"},
	{{"ct.requestid", S, 0, "Request ID", "The value that identifies the request. The service being called generates this value."}, K_STR, "requestID"},
	{{"ct.eventtype", S, 0, "Event Type", "Identifies the type of event that generated the event record."}, K_STR, "eventType"},
	{{"ct.apiversion", S, 0, "API Version", "The API version associated with the AwsApiCall eventType value."}, K_STR, "apiVersion"},
	{{"ct.resources", S, 0, "Resources", "A list of resources accessed in the event."}, K_RESOURCES, "resources"},
	{{"ct.recipientaccountid", S, 0, "Recipient Account Id", "The account ID that received this event."}, K_STR, "recipientAccountId"},
	{{"ct.serviceeventdetails", S, 0, "Service Event Details", "Identifies the service event, including what triggered the event and the result."}, K_STR, "serviceEventDetails"},
	{{"ct.sharedeventid", S, 0, "Shared Event ID", "GUID generated by CloudTrail to uniquely identify CloudTrail events from the same AWS action that is sent to different AWS accounts."}, K_STR, "sharedEventID"},
	{{"ct.vpcendpointid", S, 0, "VPC Endpoint ID", "Identifies the VPC endpoint in which requests were made from a VPC to another AWS service, such as Amazon S3."}, K_STR, "vpcEndpointId"},
	{{"ct.eventcategory", S, 0, "Event Category", "Shows the event category that is used in LookupEvents calls."}, K_STR, "eventCategory"},
	{{"ct.addendum.reason", S, 0, "Addendum Reason", "The reason that the event or some of its contents were missing."}, K_STR, "addendum.reason"},
	{{"ct.addendum.updatedfields", S, 0, "Addendum Updated Fields", "The event record fields that are updated by the addendum."}, K_STR, "addendum.updatedFields"},
	{{"ct.addendum.originalrequestid", S, 0, "Addendum Original Request ID", "The original unique ID of the request."}, K_STR, "addendum.originalRequestID"},
	{{"ct.addendum.originaleventid", S, 0, "Addendum Original Event ID", "The original event ID."}, K_STR, "addendum.originalEventID"},
	{{"ct.sessioncredentialfromconsole", S, 0, "Session Credential From Console", "Shows whether or not an event originated from an AWS Management Console session."}, K_BOOL, "sessionCredentialFromConsole"},
	{{"ct.edgedevicedetails", S, 0, "Edge Device Details", "Information about edge devices that are targets of a request."}, K_STR, "edgeDeviceDetails"},
	{{"ct.tlsdetails.tlsversion", S, 0, "TLS Version", "The TLS version of a request."}, K_STR, "tlsDetails.tlsVersion"},
	{{"ct.tlsdetails.ciphersuite", S, 0, "TLS Cipher Suite", "The cipher suite (combination of security algorithms used) of a request."}, K_STR, "tlsDetails.cipherSuite"},
	{{"ct.tlsdetails.clientprovidedhostheader", S, 0, "Client Provided Host Header", "The client-provided host name used in the service API call."}, K_STR, "tlsDetails.clientProvidedHostHeader"},
	{{"ct.additionaleventdata", S, 0, "Additional Event Data", "All the additional event data."}, K_JSON, "additionalEventData"},
	{{"s3.uri", S, C, "Key URI", "the s3 URI (s3://<bucket>/<key>)."}, K_S3URI, NULL},
	{{"s3.bucket", S, C, "Bucket Name", "the bucket name for s3 events."}, K_STR, RP "bucketName"},
	{{"s3.key", S, 0, "Key Name", "the S3 key name for s3 events."}, K_STR, RP "key"},
	{{"s3.bytes", U, 0, "Total Bytes", "the size of an s3 download or upload, in bytes."}, K_S3BYTES, NULL},
	{{"s3.bytes.in", U, H, "Bytes In", "the size of an s3 upload, in bytes."}, K_S3IN, NULL},
	{{"s3.bytes.out", U, H, "Bytes Out", "the size of an s3 download, in bytes."}, K_S3OUT, NULL},
	{{"s3.cnt.get", U, H, "N Get Ops", "the number of get operations. This field is 1 for GetObject events, <NA> otherwise."}, K_S3GET, NULL},
	{{"s3.cnt.put", U, H, "N Put Ops", "the number of put operations. This field is 1 for PutObject events, <NA> otherwise."}, K_S3PUT, NULL},
	{{"s3.cnt.other", U, H, "N Other Ops", "the number of non I/O operations. This field is 1 for events that are not GetObject or PutObject, <NA> otherwise."}, K_S3OTHER, NULL},
	{{"ec2.name", S, 0, "Instance Name", "the name of the ec2 instances, typically stored in the instance tags."}, K_EC2NAME, NULL},
	{{"ec2.imageids", S, SKP_LIST | SKP_ARG_INDEX, "Image IDs", "the IDs of the AMIs used by the instances of the event (index it to get one)."}, K_IMAGEIDS, NULL},
	{{"ec2.imageid", S, 0, "Image Id", "the ID for the image used to run the ec2 instance in the response (deprecated: ec2.imageids[0])."}, K_IMAGEID, NULL},
	{{"ecr.repository", S, 0, "ECR Repository name", "the name of the ECR Repository specified in the request."}, K_STR, RP "repositoryName"},
	{{"ecr.imagetag", S, 0, "Image Tag", "the tag of the image specified in the request."}, K_STR, RP "imageTag"},
	{{"iam.role", S, 0, "IAM Role", "the IAM role specified in the request."}, K_STR, RP "roleName"},
	{{"iam.policy", S, 0, "IAM Policy", "the IAM policy specified in the request."}, K_STR, RP "policyName"},
};
/* clang-format on */

#define NFIELDS (sizeof(table) / sizeof(table[0]))
_Static_assert(NFIELDS == 73, "the spec's 73 fields");

static char *fields_text;

const char *ct_fields_json(void)
{
	if (!fields_text) {
		struct skp_field f[NFIELDS];
		for (unsigned i = 0; i < NFIELDS; i++)
			f[i] = table[i].f;
		fields_text = skp_fields_json(f, NFIELDS);
	}
	return fields_text;
}

/* The fields text lives as long as the library. */
__attribute__((destructor)) static void free_fields_text(void)
{
	free(fields_text);
}

/* ---- lookups ------------------------------------------------------------------ */

static const cJSON *lookup(const cJSON *v, const char *path)
{
	char key[128];
	while (v && *path) {
		size_t n = strcspn(path, ".");
		if (n >= sizeof(key) || !cJSON_IsObject(v))
			return NULL;
		memcpy(key, path, n);
		key[n] = '\0';
		v = cJSON_GetObjectItemCaseSensitive(v, key);
		path += n + (path[n] == '.');
	}
	return v;
}

/* A plain lookup: absent → NULL; a non-string → "". */
static const char *plain(const cJSON *doc, const char *path)
{
	const cJSON *v = lookup(doc, path);
	if (!v)
		return NULL;
	return cJSON_IsString(v) ? v->valuestring : "";
}

static const char *user(const cJSON *doc)
{
	const char *t = plain(doc, "userIdentity.type");
	if (!t)
		return NULL;
	if (!strcmp(t, "Root") || !strcmp(t, "IAMUser")) {
		const char *u = plain(doc, "userIdentity.userName");
		return u && u[0] ? u : NULL;
	}
	if (!strcmp(t, "AWSService"))
		return plain(doc, "userIdentity.invokedBy");
	if (!strcmp(t, "AssumedRole")) {
		const char *u = plain(doc, "userIdentity.sessionContext.sessionIssuer.userName");
		return u ? u : "AssumedRole";
	}
	if (!strcmp(t, "AWSAccount") || !strcmp(t, "FederatedUser"))
		return t;
	return NULL;
}

/* n-th part of s split on sep when it has exactly parts parts, into out. */
static bool split_part(const char *s, char sep, int parts, int want, char *out, size_t cap)
{
	int count = 1;
	for (const char *p = s; *p; p++)
		count += *p == sep;
	if (count != parts)
		return false;
	const char *p = s;
	for (int i = 0; i < want; i++)
		p = strchr(p, sep) + 1;
	size_t n = strcspn(p, (char[]){sep, 0});
	snprintf(out, cap, "%.*s", (int)n, p);
	return true;
}

static bool orig_user(const cJSON *doc, char *out, size_t cap)
{
	const char *t = plain(doc, "userIdentity.type");
	if (t && !strcmp(t, "AssumedRole")) {
		const char *arn = plain(doc, "userIdentity.arn");
		const char *pid = plain(doc, "userIdentity.principalId");
		return (arn && split_part(arn, '/', 3, 2, out, cap)) ||
		       (pid && split_part(pid, ':', 2, 1, out, cap));
	}
	const char *u = plain(doc, "userIdentity.userName");
	if (!u)
		return false;
	snprintf(out, cap, "%s", u);
	return true;
}

static bool number(const cJSON *doc, const char *path, uint64_t *out)
{
	const cJSON *v = lookup(doc, path);
	if (!cJSON_IsNumber(v))
		return false;
	*out = v->valuedouble > 0 ? (uint64_t)v->valuedouble : 0;
	return true;
}

static bool s3_bytes(const cJSON *doc, int which, uint64_t *out)
{
	uint64_t in = 0, o = 0;
	bool hi = number(doc, "additionalEventData.bytesTransferredIn", &in);
	bool ho = number(doc, "additionalEventData.bytesTransferredOut", &o);
	*out = which == 1 ? in : which == 2 ? o : in + o;
	return which == 1 ? hi : which == 2 ? ho : (hi || ho);
}

static bool s3_uri(const cJSON *doc, char *out, size_t cap)
{
	const char *b = plain(doc, RP "bucketName"), *k = plain(doc, RP "key");
	if (!b || !k)
		return false;
	snprintf(out, cap, "s3://%s/%s", b, k);
	return true;
}

/* ct.info (always present). */
static void info(const cJSON *doc, char *out, size_t cap)
{
	const char *who = user(doc), *where = plain(doc, "sourceIPAddress"),
		   *what = plain(doc, "eventName");
	if (!who || !where || !what) {
		snprintf(out, cap, "<invalid cloudtrail event: %s missing>",
			 !who	  ? "user"
			 : !where ? "source IP"
				  : "event name");
		return;
	}
	const char *err = plain(doc, "errorCode");
	const char *ro = lookup(doc, "readOnly") && cJSON_IsBool(lookup(doc, "readOnly"))
			     ? (cJSON_IsTrue(lookup(doc, "readOnly")) ? "true" : "false")
			     : NULL;
	const char *arrow = ro && !strcmp(ro, "false") ? "→" : "←";
	int n;
	if (!strcmp(who, where))
		n = snprintf(out, cap, "%s %s%s %s", who, err ? "!" : "", arrow, what);
	else
		n = snprintf(out, cap, "%s via %s %s%s %s", who, where, err ? "!" : "", arrow,
			     what);
	if (n < 0 || (size_t)n >= cap)
		return;
	out += n;
	cap -= (size_t)n;
	if (!strcmp(what, "PutBucketPublicAccessBlock")) {
		static const char *const keys[] = {"BlockPublicAcls", "BlockPublicPolicy",
						   "IgnorePublicAcls", "RestrictPublicBuckets"};
		for (int i = 0; i < 4; i++) {
			char path[160];
			snprintf(path, sizeof(path), RP "PublicAccessBlockConfiguration.%s",
				 keys[i]);
			const cJSON *v = lookup(doc, path);
			n = snprintf(out, cap, " %s=%s", keys[i],
				     cJSON_IsBool(v) ? (cJSON_IsTrue(v) ? "true" : "false")
						     : "<NA>");
			if (n < 0 || (size_t)n >= cap)
				return;
			out += n;
			cap -= (size_t)n;
		}
		return;
	}
	uint64_t bytes;
	if (s3_bytes(doc, 0, &bytes)) {
		n = snprintf(out, cap, " Size=%" PRIu64, bytes);
		if (n < 0 || (size_t)n >= cap)
			return;
		out += n;
		cap -= (size_t)n;
	}
	char uri[2048];
	const char *v;
	if (s3_uri(doc, uri, sizeof(uri)))
		snprintf(out, cap, " URI=%s", uri);
	else if ((v = plain(doc, RP "bucketName")))
		snprintf(out, cap, " Bucket=%s", v);
	else if ((v = plain(doc, RP "key")))
		snprintf(out, cap, " Key=%s", v);
	else if ((v = plain(doc, RP "Host")))
		snprintf(out, cap, " Host=%s", v);
}

/* ---- extraction ------------------------------------------------------------ */

static int set_json(struct ct_state *st, ss_plugin_extract_field *f, const cJSON *v)
{
	if (!v)
		return 0;
	char *t = cJSON_PrintUnformatted(v);
	if (!t)
		return -ENOMEM;
	int rc = skp_res_str(&st->arena, f, t, strlen(t));
	free(t);
	return rc;
}

static int set_str(struct ct_state *st, ss_plugin_extract_field *f, const char *s)
{
	return s ? skp_res_str(&st->arena, f, s, strlen(s)) : 0;
}

static int image_ids(struct ct_state *st, ss_plugin_extract_field *f, const cJSON *doc, int64_t idx)
{
	const cJSON *items = lookup(doc, "responseElements.instancesSet.items"), *it;
	const char *v[256];
	unsigned n = 0;
	int64_t i = 0;
	cJSON_ArrayForEach(it, items)
	{
		const char *id = plain(it, "imageId");
		if (id && id[0] && (idx < 0 || i == idx) && n < 256)
			v[n++] = id;
		i++;
	}
	if (!n && (idx <= 0)) {
		static const char *const fallbacks[] = {
		    RP "imageId", RP "DescribeFastLaunchImagesRequest.ImageId.content",
		    RP "launchSpecification.imageId"};
		for (unsigned k = 0; k < 3 && !n; k++) {
			const char *id = plain(doc, fallbacks[k]);
			if (id && id[0])
				v[n++] = id;
		}
	}
	return n ? skp_res_strs(&st->arena, f, v, NULL, n) : 0;
}

static const char *ec2_name(const cJSON *doc)
{
	const cJSON *items = lookup(doc, RP "tagSpecificationSet.items"), *it, *tag;
	cJSON_ArrayForEach(it, items)
	{
		const char *rt = plain(it, "resourceType");
		if (!rt || strcmp(rt, "instance"))
			continue;
		cJSON_ArrayForEach(tag, cJSON_GetObjectItemCaseSensitive(it, "tags"))
		{
			const char *k = plain(tag, "key");
			if (k && !strcmp(k, "Name"))
				return plain(tag, "value");
		}
	}
	return NULL;
}

static int extract_one(struct ct_state *st, const cJSON *doc, ss_plugin_extract_field *f)
{
	const struct ct_field *d = &table[f->field_id];
	char buf[4096];
	uint64_t u;
	const char *name;
	switch (d->kind) {
	case K_STR:
		return set_str(st, f, plain(doc, d->path));
	case K_BOOL: {
		const cJSON *v = lookup(doc, d->path);
		if (!v)
			return 0;
		return set_str(st, f, cJSON_IsBool(v) ? (cJSON_IsTrue(v) ? "true" : "false") : "");
	}
	case K_JSON:
		return set_json(st, f, lookup(doc, d->path));
	case K_SHORTSRC: {
		const char *s = plain(doc, d->path);
		if (!s)
			return 0;
		size_t n = strlen(s), sl = strlen(".amazonaws.com");
		if (n > sl && !strcmp(s + n - sl, ".amazonaws.com"))
			n -= sl;
		return skp_res_str(&st->arena, f, s, n);
	}
	case K_USER:
		return set_str(st, f, user(doc));
	case K_ORIGUSER:
		return orig_user(doc, buf, sizeof(buf)) ? set_str(st, f, buf) : 0;
	case K_ACCOUNT: {
		const char *a = plain(doc, "userIdentity.accountId");
		return set_str(st, f, a ? a : plain(doc, "recipientAccountId"));
	}
	case K_INFO:
		info(doc, st->info, sizeof(st->info));
		return set_str(st, f, st->info);
	case K_RESOURCES: {
		const cJSON *r = lookup(doc, d->path), *it;
		if (!cJSON_IsArray(r) || !cJSON_GetArraySize(r))
			return 0;
		size_t len = 0, cap = 0;
		char *out = NULL;
		cJSON_ArrayForEach(it, r)
		{
			char *t = cJSON_PrintUnformatted(it);
			size_t tl = t ? strlen(t) : 0;
			char *no = realloc(out, (cap = len + tl + 2));
			if (!t || !no) {
				free(t);
				free(no ? no : out);
				return -ENOMEM;
			}
			out = no;
			if (len)
				out[len++] = ',';
			memcpy(out + len, t, tl);
			len += tl;
			out[len] = '\0';
			free(t);
		}
		int rc = skp_res_str(&st->arena, f, out, len);
		free(out);
		return rc;
	}
	case K_S3URI:
		return s3_uri(doc, buf, sizeof(buf)) ? set_str(st, f, buf) : 0;
	case K_S3BYTES:
	case K_S3IN:
	case K_S3OUT:
		return s3_bytes(doc,
				d->kind == K_S3IN    ? 1
				: d->kind == K_S3OUT ? 2
						     : 0,
				&u)
			   ? skp_res_u64(&st->arena, f, u)
			   : 0;
	case K_S3GET:
	case K_S3PUT:
	case K_S3OTHER: {
		name = plain(doc, "eventName");
		bool get = name && !strcmp(name, "GetObject"),
		     put = name && !strcmp(name, "PutObject");
		bool one = d->kind == K_S3GET ? get : d->kind == K_S3PUT ? put : !get && !put;
		return one ? skp_res_u64(&st->arena, f, 1) : 0;
	}
	case K_EC2NAME:
		return set_str(st, f, ec2_name(doc));
	case K_IMAGEIDS:
		return image_ids(st, f, doc, skp_has_index(f) ? (int64_t)f->arg_index : -1);
	case K_IMAGEID:
		return image_ids(st, f, doc, 0);
	}
	return 0;
}

static const cJSON *event_doc(struct ct_state *st, const ss_plugin_event_input *ev)
{
	if (st->doc && st->evtnum == ev->evtnum)
		return st->doc;
	cJSON_Delete(st->doc);
	st->doc = NULL;
	st->evtnum = 0;
	uint32_t len;
	const uint8_t *p = skp_event_payload(ev->evt, &len);
	if (!p || !len || (p[0] != '{' && p[0] != '[')) {
		skp_errorf(st->err, "the event payload is not a JSON object");
		return NULL;
	}
	st->doc = cJSON_ParseWithLength((const char *)p, len);
	if (!st->doc) {
		skp_errorf(st->err, "the event payload is not valid JSON");
		return NULL;
	}
	st->evtnum = ev->evtnum;
	return st->doc;
}

ss_plugin_rc ct_extract(struct ct_state *st, const ss_plugin_event_input *ev,
			const ss_plugin_field_extract_input *in)
{
	skp_arena_reset(&st->arena);
	const cJSON *doc = event_doc(st, ev);
	if (!doc)
		return SS_PLUGIN_FAILURE;
	for (uint32_t i = 0; i < in->num_fields; i++) {
		ss_plugin_extract_field *f = &in->fields[i];
		f->res_len = 0;
		if (f->field_id >= NFIELDS) {
			skp_errorf(st->err, "unknown field id %u", f->field_id);
			return SS_PLUGIN_FAILURE;
		}
		if (extract_one(st, doc, f)) {
			skp_errorf(st->err, "out of memory");
			return SS_PLUGIN_FAILURE;
		}
	}
	return SS_PLUGIN_SUCCESS;
}

const char *ct_event_to_string(struct ct_state *st, const ss_plugin_event_input *ev)
{
	/* A parse of its own: the extraction cache stays valid (upstream's pitfall 16). */
	uint32_t len;
	const uint8_t *p = skp_event_payload(ev->evt, &len);
	cJSON *doc = p ? cJSON_ParseWithLength((const char *)p, len) : NULL;
	const char *region = plain(doc, "awsRegion"), *src = plain(doc, "eventSource"),
		   *name = plain(doc, "eventName");
	if (!doc || !region || !src || !name) {
		skp_errorf(st->err,
			   "event %" PRIu64 ": missing eventSource, awsRegion or eventName",
			   ev->evtnum);
		cJSON_Delete(doc);
		return NULL;
	}
	const char *u = user(doc);
	char inf[4096];
	info(doc, inf, sizeof(inf));
	size_t sl = strlen(src), tl = strlen(".amazonaws.com");
	int n = (sl > tl && !strcmp(src + sl - tl, ".amazonaws.com")) ? (int)(sl - tl) : (int)sl;
	snprintf(st->info, sizeof(st->info), "%s%s%s %.*s %s %s", region, u ? " " : "", u ? u : "",
		 n, src, name, inf);
	cJSON_Delete(doc);
	return st->info;
}
