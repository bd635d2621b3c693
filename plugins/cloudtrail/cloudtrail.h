/* SPDX-License-Identifier: Apache-2.0 */
/* cloudtrail: AWS CloudTrail log files from disk or S3 as plugin events. */
#ifndef SAKER_CLOUDTRAIL_H
#define SAKER_CLOUDTRAIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "saker/plugin_helper.h"

#define CT_VERSION "0.17.1"
#define CT_ID 2u
#define CT_SOURCE "aws_cloudtrail"

#define CT_FILE_MAX (512u << 20)  /* bytes of one (inflated) log file */
#define CT_RECORD_MAX (16u << 20) /* bytes of one record */
#define CT_MAX_FILES 1000000u	  /* files one open lists */

struct ct_config {
	bool sqs_delete, use_s3_sns, use_async;
	unsigned s3_concurrency;
	char s3_interval[128];
	char s3_account_list[4096];
	char sqs_owner_account[64];
	char aws_profile[128], aws_region[64], aws_config[1024], aws_credentials[1024];
};

struct ct_state {
	char err[PLUGIN_MAX_ERRLEN];
	struct ct_config cfg;
	uint64_t evtnum;
	cJSON *doc;
	struct skp_arena arena;
	char info[8192];
};

/* A file to read: a local path or an S3 key. */
struct ct_file {
	char *name;
};

struct ct_s3;

struct ct_instance {
	struct ct_state *st;
	struct ct_file *files;
	size_t nfiles, next;
	struct ct_s3 *s3; /* NULL: local files */
	/* the file being read */
	char *buf;
	size_t len, pos;
	struct skp_batch batch;
	char progress[96];
};

/* A time interval [from, to] in seconds since the epoch (s3Interval). */
int ct_parse_interval(const char *text, int64_t now, int64_t *from, int64_t *to);

/* S3 (s3.c): list the log files under s3://bucket/prefix; download one. */
int ct_s3_open(struct ct_instance *in, const char *bucket, const char *prefix, char *err);
/*
 * File i of the listing (in order; files i+1.. are downloaded ahead by
 * s3DownloadConcurrency threads). *out is malloc'd, the caller frees it.
 */
int ct_s3_get(struct ct_s3 *s3, size_t i, char **out, size_t *len, char *err);
void ct_s3_close(struct ct_s3 *s3);
/* Whether an S3 key's CloudTrail timestamp is within the configured interval. */
bool ct_key_in_interval(const char *key, int64_t from, int64_t to);

/* Decompress gzip data (ct_gunzip) into a malloc'd buffer. */
int ct_gunzip(const char *in, size_t len, char **out, size_t *outlen, char *err);

/* Fields (fields.c). */
const char *ct_fields_json(void);
ss_plugin_rc ct_extract(struct ct_state *st, const ss_plugin_event_input *ev,
			const ss_plugin_field_extract_input *in);
const char *ct_event_to_string(struct ct_state *st, const ss_plugin_event_input *ev);

#endif
