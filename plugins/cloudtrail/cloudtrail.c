/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cloudtrail: identity, configuration, opening local files or S3, and
 * next_batch. Records are cut out of each log file byte for byte (an object
 * that starts at brace depth 1), checked, and become one event each, timed
 * by their eventTime.
 */
#include "cloudtrail.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <zlib.h>

SKP_SOURCE_PLUGIN_IDENTITY(
    "cloudtrail", CT_VERSION, CT_ID, CT_SOURCE,
    "reads cloudtrail JSON data saved to file in the directory specified in the "
    "settings (Saker's C implementation)",
    ct_fields_json())

SKP_EXPORT const char *plugin_get_init_schema(ss_plugin_schema_type *t)
{
	*t = SS_PLUGIN_SCHEMA_JSON;
	return "{\"$schema\":\"http://json-schema.org/draft-04/schema#\",\"type\":\"object\","
	       "\"additionalProperties\":true,\"properties\":{"
	       "\"sqsDelete\":{\"type\":\"boolean\"},\"s3DownloadConcurrency\":{\"type\":"
	       "\"integer\"},\"s3Interval\":{\"type\":\"string\"},\"useS3SNS\":{\"type\":"
	       "\"boolean\"},\"s3AccountList\":{\"type\":\"string\"},\"sqsOwnerAccount\":"
	       "{\"type\":\"string\"},\"aws\":{\"type\":\"object\",\"properties\":{\"profile\":"
	       "{\"type\":\"string\"},\"region\":{\"type\":\"string\"},\"config\":{\"type\":"
	       "\"string\"},\"credentials\":{\"type\":\"string\"}}},\"useAsync\":{\"type\":"
	       "\"boolean\"}}}";
}

SKP_EXPORT const char *plugin_list_open_params(ss_plugin_t *s, ss_plugin_rc *rc)
{
	*rc = SS_PLUGIN_SUCCESS;
	return "";
}

static void str_opt(const cJSON *o, const char *key, char *out, size_t cap)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	if (cJSON_IsString(v))
		snprintf(out, cap, "%s", v->valuestring);
}

static void bool_opt(const cJSON *o, const char *key, bool *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	if (cJSON_IsBool(v))
		*out = cJSON_IsTrue(v);
}

/* Upstream ignores a config it cannot parse and keeps the defaults; so do we. */
static void parse_config(struct ct_config *c, const char *text)
{
	memset(c, 0, sizeof(*c));
	c->sqs_delete = true;
	c->use_async = true;
	c->s3_concurrency = 32;
	cJSON *j = cJSON_Parse(text ? text : "");
	if (!cJSON_IsObject(j)) {
		cJSON_Delete(j);
		return;
	}
	bool_opt(j, "sqsDelete", &c->sqs_delete);
	bool_opt(j, "useS3SNS", &c->use_s3_sns);
	bool_opt(j, "useAsync", &c->use_async);
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, "s3DownloadConcurrency");
	if (cJSON_IsNumber(v))
		c->s3_concurrency = v->valuedouble < 0 ? 0 : (unsigned)v->valuedouble;
	str_opt(j, "s3Interval", c->s3_interval, sizeof(c->s3_interval));
	str_opt(j, "s3AccountList", c->s3_account_list, sizeof(c->s3_account_list));
	str_opt(j, "sqsOwnerAccount", c->sqs_owner_account, sizeof(c->sqs_owner_account));
	/* "aws.profile" as a flat key (upstream) or a nested aws: {profile: ...} */
	str_opt(j, "aws.profile", c->aws_profile, sizeof(c->aws_profile));
	str_opt(j, "aws.region", c->aws_region, sizeof(c->aws_region));
	str_opt(j, "aws.config", c->aws_config, sizeof(c->aws_config));
	str_opt(j, "aws.credentials", c->aws_credentials, sizeof(c->aws_credentials));
	const cJSON *aws = cJSON_GetObjectItemCaseSensitive(j, "aws");
	if (cJSON_IsObject(aws)) {
		str_opt(aws, "profile", c->aws_profile, sizeof(c->aws_profile));
		str_opt(aws, "region", c->aws_region, sizeof(c->aws_region));
		str_opt(aws, "config", c->aws_config, sizeof(c->aws_config));
		str_opt(aws, "credentials", c->aws_credentials, sizeof(c->aws_credentials));
	}
	cJSON_Delete(j);
}

SKP_EXPORT ss_plugin_t *plugin_init(const ss_plugin_init_input *in, ss_plugin_rc *rc)
{
	struct ct_state *st = calloc(1, sizeof(*st));
	*rc = st ? SS_PLUGIN_SUCCESS : SS_PLUGIN_FAILURE;
	if (st)
		parse_config(&st->cfg, in->config);
	return st;
}

SKP_EXPORT void plugin_destroy(ss_plugin_t *s)
{
	struct ct_state *st = s;
	cJSON_Delete(st->doc);
	skp_arena_reset(&st->arena);
	free(st->arena.head);
	free(st);
}

SKP_EXPORT const char *plugin_get_last_error(ss_plugin_t *s)
{
	return ((struct ct_state *)s)->err;
}

SKP_EXPORT ss_plugin_rc plugin_set_config(ss_plugin_t *s, const ss_plugin_set_config_input *in)
{
	parse_config(&((struct ct_state *)s)->cfg, in->config);
	return SS_PLUGIN_SUCCESS;
}

/* ---- intervals ------------------------------------------------------------ */

static int parse_bound(const char *s, size_t n, int64_t now, int64_t *out)
{
	char buf[64];
	if (n == 0 || n >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, n);
	buf[n] = '\0';
	char unit = buf[n - 1];
	if (strchr("wdhms", unit) && n > 1) {
		char *end;
		long long v = strtoll(buf, &end, 10);
		if (end != buf + n - 1 || v < 0)
			return -EINVAL;
		int64_t mult = unit == 'w'   ? 604800
			       : unit == 'd' ? 86400
			       : unit == 'h' ? 3600
			       : unit == 'm' ? 60
					     : 1;
		*out = now - (int64_t)v * mult;
		return 0;
	}
	uint64_t ns;
	if (n != 20 || skp_parse_rfc3339(buf, &ns)) /* RFC 3339 UTC, no fraction */
		return -EINVAL;
	*out = (int64_t)(ns / 1000000000u);
	return 0;
}

int ct_parse_interval(const char *text, int64_t now, int64_t *from, int64_t *to)
{
	*from = 0;
	*to = now;
	if (!text || !text[0])
		return 0;
	/* "A-B": the dash that separates is the one after a bound (dates hold dashes too) */
	size_t len = strlen(text);
	for (size_t i = 1; i < len; i++) {
		if (text[i] != '-')
			continue;
		int64_t a, b;
		if (parse_bound(text, i, now, &a) == 0 &&
		    parse_bound(text + i + 1, len - i - 1, now, &b) == 0) {
			if (a > b)
				return -EINVAL;
			*from = a;
			*to = b;
			return 0;
		}
	}
	return parse_bound(text, len, now, from);
}

/* ---- files ---------------------------------------------------------------- */

static bool is_log_name(const char *name)
{
	size_t n = strlen(name);
	return (n > 5 && !strcmp(name + n - 5, ".json")) ||
	       (n > 8 && !strcmp(name + n - 8, ".json.gz"));
}

static int add_file(struct ct_instance *in, const char *name, size_t *cap)
{
	if (in->nfiles >= CT_MAX_FILES)
		return -E2BIG;
	if (in->nfiles == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		struct ct_file *f = realloc(in->files, *cap * sizeof(*f));
		if (!f)
			return -ENOMEM;
		in->files = f;
	}
	in->files[in->nfiles].name = strdup(name);
	return in->files[in->nfiles++].name ? 0 : -ENOMEM;
}

static int walk_dir(struct ct_instance *in, const char *dir, size_t *cap, unsigned depth)
{
	if (depth > 64)
		return 0;
	struct dirent **ents;
	int n = scandir(dir, &ents, NULL, alphasort);
	if (n < 0)
		return -errno;
	int rc = 0;
	for (int i = 0; i < n; i++) {
		const char *name = ents[i]->d_name;
		char *p = NULL;
		struct stat sb;
		if (rc == 0 && strcmp(name, ".") && strcmp(name, "..") &&
		    asprintf(&p, "%s/%s", dir, name) >= 0 && stat(p, &sb) == 0) {
			if (S_ISDIR(sb.st_mode))
				rc = walk_dir(in, p, cap, depth + 1);
			else if (S_ISREG(sb.st_mode) && is_log_name(name))
				rc = add_file(in, p, cap);
		}
		free(p);
		free(ents[i]);
	}
	free(ents);
	return rc;
}

static int open_local(struct ct_instance *in, const char *path, char *err)
{
	struct stat sb;
	size_t cap = 0;
	if (stat(path, &sb)) {
		skp_errorf(err, "cannot open '%s': %s", path, strerror(errno));
		return -ENOENT;
	}
	int rc = S_ISDIR(sb.st_mode) ? walk_dir(in, path, &cap, 0) : add_file(in, path, &cap);
	if (rc) {
		skp_errorf(err, "cannot list '%s': %s", path, strerror(-rc));
		return rc;
	}
	if (!in->nfiles) {
		skp_errorf(err, "no .json or .json.gz file found under '%s'", path);
		return -ENOENT;
	}
	return 0;
}

SKP_EXPORT ss_instance_t *plugin_open(ss_plugin_t *s, const char *params, ss_plugin_rc *rc)
{
	struct ct_state *st = s;
	struct ct_instance *in = calloc(1, sizeof(*in));
	*rc = SS_PLUGIN_FAILURE;
	if (!in) {
		skp_errorf(st->err, "out of memory");
		return NULL;
	}
	in->st = st;
	int r;
	if (!params || !params[0]) {
		skp_errorf(st->err,
			   "no open params: give a file, a directory, s3://bucket/prefix or "
			   "sqs://queue");
		r = -EINVAL;
	} else if (!strncmp(params, "s3://", 5)) {
		const char *b = params + 5;
		size_t bl = strcspn(b, "/");
		char bucket[256];
		snprintf(bucket, sizeof(bucket), "%.*s", (int)bl, b);
		r = ct_s3_open(in, bucket, b[bl] ? b + bl + 1 : "", st->err);
	} else if (!strncmp(params, "sqs://", 6)) {
		skp_errorf(st->err, "sqs:// is not supported by this build; use s3:// or files");
		r = -ENOTSUP;
	} else {
		r = open_local(in, params, st->err);
	}
	if (r) {
		for (size_t i = 0; i < in->nfiles; i++)
			free(in->files[i].name);
		free(in->files);
		free(in);
		return NULL;
	}
	*rc = SS_PLUGIN_SUCCESS;
	return in;
}

SKP_EXPORT void plugin_close(ss_plugin_t *s, ss_instance_t *h)
{
	struct ct_instance *in = h;
	for (size_t i = 0; i < in->nfiles; i++)
		free(in->files[i].name);
	free(in->files);
	if (in->s3)
		ct_s3_close(in->s3);
	free(in->buf);
	skp_batch_free(&in->batch);
	free(in);
}

int ct_gunzip(const char *data, size_t len, char **out, size_t *outlen, char *err)
{
	z_stream z = {0};
	if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) {
		skp_errorf(err, "gzip: cannot initialise zlib");
		return -ENOMEM;
	}
	size_t cap = len * 4 + 4096, n = 0;
	char *buf = malloc(cap);
	int rc = buf ? Z_OK : Z_MEM_ERROR;
	z.next_in = (Bytef *)data;
	z.avail_in = (uInt)len;
	while (rc == Z_OK) {
		if (n == cap) {
			if (cap >= CT_FILE_MAX) {
				rc = Z_BUF_ERROR;
				break;
			}
			cap = cap * 2 > CT_FILE_MAX ? CT_FILE_MAX : cap * 2;
			char *nb = realloc(buf, cap);
			if (!nb) {
				rc = Z_MEM_ERROR;
				break;
			}
			buf = nb;
		}
		z.next_out = (Bytef *)buf + n;
		z.avail_out = (uInt)(cap - n);
		rc = inflate(&z, Z_NO_FLUSH);
		n = cap - z.avail_out;
		if (rc == Z_BUF_ERROR && z.avail_in == 0)
			break;
		if (rc == Z_BUF_ERROR)
			rc = Z_OK;
	}
	inflateEnd(&z);
	if (rc != Z_STREAM_END) {
		free(buf);
		skp_errorf(err, "gzip: %s",
			   rc == Z_MEM_ERROR   ? "out of memory"
			   : rc == Z_BUF_ERROR ? "truncated or too large"
					       : "corrupt data");
		return -EINVAL;
	}
	*out = buf;
	*outlen = n;
	return 0;
}

/* Load the next file into in->buf; -ENOENT when none is left, -EAGAIN to skip one. */
static int load_next(struct ct_instance *in)
{
	struct ct_state *st = in->st;
	free(in->buf);
	in->buf = NULL;
	in->len = in->pos = 0;
	if (in->next >= in->nfiles)
		return -ENOENT;
	const char *name = in->files[in->next++].name;
	char *data = NULL;
	size_t len = 0;
	int rc;
	if (in->s3) {
		rc = ct_s3_get(in->s3, in->next - 1, &data, &len, st->err);
	} else {
		FILE *f = fopen(name, "rb");
		rc = f ? 0 : -errno;
		if (f) {
			struct stat sb;
			if (fstat(fileno(f), &sb) || (uint64_t)sb.st_size > CT_FILE_MAX)
				rc = -EFBIG;
			else if (!(data = malloc((size_t)sb.st_size + 1)))
				rc = -ENOMEM;
			else
				len = fread(data, 1, (size_t)sb.st_size, f);
			fclose(f);
		}
		if (rc)
			skp_errorf(st->err, "cannot read '%s': %s", name, strerror(-rc));
	}
	if (rc)
		return -EAGAIN;
	size_t nl = strlen(name);
	if (nl > 3 && !strcmp(name + nl - 3, ".gz")) {
		char *plain;
		size_t plen;
		rc = ct_gunzip(data, len, &plain, &plen, st->err);
		free(data);
		if (rc)
			return -EAGAIN;
		data = plain;
		len = plen;
	}
	in->buf = data;
	in->len = len;
	return 0;
}

/* The next record of the current file (an object opened at brace depth 1). */
static bool next_record(struct ct_instance *in, const char **rec, size_t *rlen)
{
	int depth = 0;
	bool str = false, esc = false;
	size_t start = 0;
	/* in->pos always sits at brace depth 1 between records (or at 0 before the file) */
	if (in->pos > 0)
		depth = 1;
	for (size_t i = in->pos; i < in->len; i++) {
		char c = in->buf[i];
		if (str) {
			if (esc)
				esc = false;
			else if (c == '\\')
				esc = true;
			else if (c == '"')
				str = false;
			continue;
		}
		if (c == '"') {
			str = true;
		} else if (c == '{') {
			if (depth == 1)
				start = i;
			depth++;
		} else if (c == '}') {
			depth--;
			if (depth == 1) {
				*rec = in->buf + start;
				*rlen = i + 1 - start;
				in->pos = i + 1;
				return true;
			}
			if (depth <= 0)
				break;
		}
	}
	in->pos = in->len;
	return false;
}

/* Whether a record is an event we produce; its time into *ts. */
static bool record_ok(const char *rec, size_t len, uint64_t *ts)
{
	if (len > CT_RECORD_MAX)
		return false;
	cJSON *j = cJSON_ParseWithLength(rec, len);
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(j, "eventTime");
	const cJSON *ty = cJSON_GetObjectItemCaseSensitive(j, "eventType");
	bool ok = cJSON_IsString(t) && skp_parse_rfc3339(t->valuestring, ts) == 0 &&
		  cJSON_IsString(ty) && strcmp(ty->valuestring, "AwsCloudTrailInsight");
	cJSON_Delete(j);
	return ok;
}

SKP_EXPORT ss_plugin_rc plugin_next_batch(ss_plugin_t *s, ss_instance_t *h, uint32_t *nevts,
					  ss_plugin_event ***evts)
{
	struct ct_instance *in = h;
	skp_batch_reset(&in->batch);
	ss_plugin_rc rc = SS_PLUGIN_SUCCESS;
	while (!skp_batch_full(&in->batch)) {
		const char *rec;
		size_t rlen;
		if (!in->buf || !next_record(in, &rec, &rlen)) {
			int r = load_next(in);
			if (r == -ENOENT) {
				rc = SS_PLUGIN_EOF;
				break;
			}
			if (r == -EAGAIN) { /* unreadable file: skipped, as upstream */
				rc = SS_PLUGIN_TIMEOUT;
				break;
			}
			continue;
		}
		uint64_t ts;
		if (!record_ok(rec, rlen, &ts)) {
			rc = SS_PLUGIN_TIMEOUT; /* a skipped record ends the batch, as upstream */
			break;
		}
		if (skp_batch_add(&in->batch, rec, (uint32_t)rlen, ts))
			break;
	}
	*nevts = in->batch.n;
	*evts = skp_batch_events(&in->batch);
	if (rc == SS_PLUGIN_SUCCESS && !in->batch.n)
		rc = SS_PLUGIN_TIMEOUT;
	return rc;
}

SKP_EXPORT const char *plugin_get_progress(ss_plugin_t *s, ss_instance_t *h, uint32_t *pct)
{
	struct ct_instance *in = h;
	size_t done = in->next ? in->next - (in->buf && in->pos < in->len ? 1 : 0) : 0;
	*pct = in->nfiles ? (uint32_t)(done * 10000u / in->nfiles) : 0;
	snprintf(in->progress, sizeof(in->progress), "%.2f%% - %zu/%zu files", *pct / 100.0, done,
		 in->nfiles);
	return in->progress;
}

SKP_EXPORT const char *plugin_event_to_string(ss_plugin_t *s, const ss_plugin_event_input *ev)
{
	return ct_event_to_string(s, ev);
}

SKP_EXPORT ss_plugin_rc plugin_extract_fields(ss_plugin_t *s, const ss_plugin_event_input *ev,
					      const ss_plugin_field_extract_input *in)
{
	return ct_extract(s, ev, in);
}
