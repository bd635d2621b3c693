/* SPDX-License-Identifier: Apache-2.0 */
/*
 * json: an extractor for the JSON payload of any plugin event.
 *   json.value[/pointer]  the value at an RFC 6901 pointer (strings raw, others compact JSON)
 *   json.obj              the whole payload, indented by two spaces
 *   json.rawtime          the event time in ns, as text
 *   jevt.value, jevt.obj, jevt.rawtime: the same, under Falco 0.31's names
 * The plugin dispatches on field_id, as the reference plugin does.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "saker/plugin_helper.h"

#define JSON_PLUGIN_VERSION "0.7.4"
/* Deepest JSON the pretty-printer follows. */
#define JSON_MAX_DEPTH 512

enum { F_VALUE, F_OBJ, F_RAWTIME, F_JVALUE, F_JOBJ, F_JRAWTIME };

static const struct skp_field fields[] = {
    [F_VALUE] = {"json.value", "string", SKP_ARG_KEY | SKP_ARG_REQ, "JSON value",
		 "Extracts a value from a JSON-encoded input. Syntax is json.value[<json "
		 "pointer>], where <json pointer> is a json pointer (see "
		 "https://datatracker.ietf.org/doc/html/rfc6901)"},
    [F_OBJ] = {"json.obj", "string", 0, "JSON object", "The full json message as a text string."},
    [F_RAWTIME] = {"json.rawtime", "string", 0, "JSON time",
		   "The time of the event, identical to evt.rawtime."},
    [F_JVALUE] = {"jevt.value", "string", SKP_ARG_KEY | SKP_ARG_REQ, "JSON value",
		  "Alias for json.value, provided for backwards compatibility."},
    [F_JOBJ] = {"jevt.obj", "string", 0, "JSON object",
		"Alias for json.obj, provided for backwards compatibility."},
    [F_JRAWTIME] = {"jevt.rawtime", "string", 0, "JSON time",
		    "Alias for json.rawtime, provided for backwards compatibility."},
};

struct json_state {
	char err[PLUGIN_MAX_ERRLEN];
	char *fields_json;
	uint64_t evtnum; /* of the cached parse; 0 = none */
	cJSON *doc;
	struct skp_arena arena;
	char *buf; /* pretty-printer output */
	size_t len, cap;
};

SKP_EXPORT const char *plugin_get_required_api_version(void)
{
	return PLUGIN_API_VERSION_STR;
}
SKP_EXPORT const char *plugin_get_version(void)
{
	return JSON_PLUGIN_VERSION;
}
SKP_EXPORT const char *plugin_get_name(void)
{
	return "json";
}
SKP_EXPORT const char *plugin_get_description(void)
{
	return "Extract values from any JSON payload (Saker's C implementation)";
}
SKP_EXPORT const char *plugin_get_contact(void)
{
	return "Saker project";
}

static char *fields_text;

SKP_EXPORT const char *plugin_get_fields(void)
{
	if (!fields_text)
		fields_text = skp_fields_json(fields, sizeof(fields) / sizeof(fields[0]));
	return fields_text;
}

/* The fields text lives as long as the library. */
__attribute__((destructor)) static void free_fields_text(void)
{
	free(fields_text);
}

SKP_EXPORT const char *plugin_get_extract_event_sources(void)
{
	return "[]";
}

SKP_EXPORT uint16_t *plugin_get_extract_event_types(uint32_t *n, ss_plugin_t *s)
{
	static uint16_t types[] = {PPME_PLUGINEVENT_E};
	*n = 1;
	return types;
}

SKP_EXPORT ss_plugin_t *plugin_init(const ss_plugin_init_input *in, ss_plugin_rc *rc)
{
	struct json_state *st = calloc(1, sizeof(*st));
	*rc = st ? SS_PLUGIN_SUCCESS : SS_PLUGIN_FAILURE;
	return st;
}

SKP_EXPORT void plugin_destroy(ss_plugin_t *s)
{
	struct json_state *st = s;
	cJSON_Delete(st->doc);
	skp_arena_reset(&st->arena);
	free(st->arena.head);
	free(st->buf);
	free(st);
}

SKP_EXPORT const char *plugin_get_last_error(ss_plugin_t *s)
{
	return ((struct json_state *)s)->err;
}

/* ---- pretty printing (two spaces, as Go's json.Indent) ------------------- */

static int put(struct json_state *st, const char *s, size_t n)
{
	if (st->len + n + 1 > st->cap) {
		size_t cap = st->cap ? st->cap : 4096;
		while (cap < st->len + n + 1)
			cap *= 2;
		char *b = realloc(st->buf, cap);
		if (!b)
			return -ENOMEM;
		st->buf = b;
		st->cap = cap;
	}
	memcpy(st->buf + st->len, s, n);
	st->len += n;
	st->buf[st->len] = '\0';
	return 0;
}

static int indent(struct json_state *st, int depth)
{
	int rc = put(st, "\n", 1);
	for (int i = 0; i < depth && rc == 0; i++)
		rc = put(st, "  ", 2);
	return rc;
}

static int pretty(struct json_state *st, const cJSON *v, int depth)
{
	if (depth > JSON_MAX_DEPTH)
		return -E2BIG;
	bool obj = cJSON_IsObject(v);
	if (!obj && !cJSON_IsArray(v)) {
		char *t = cJSON_PrintUnformatted(v);
		if (!t)
			return -ENOMEM;
		int rc = put(st, t, strlen(t));
		free(t);
		return rc;
	}
	int rc = put(st, obj ? "{" : "[", 1);
	const cJSON *c;
	bool first = true;
	cJSON_ArrayForEach(c, v)
	{
		if (!first)
			rc = rc ? rc : put(st, ",", 1);
		first = false;
		rc = rc ? rc : indent(st, depth + 1);
		if (obj && rc == 0) {
			cJSON key = {.type = cJSON_String, .valuestring = c->string};
			char *k = cJSON_PrintUnformatted(&key);
			rc = k ? put(st, k, strlen(k)) : -ENOMEM;
			free(k);
			rc = rc ? rc : put(st, ": ", 2);
		}
		rc = rc ? rc : pretty(st, c, depth + 1);
	}
	if (!first)
		rc = rc ? rc : indent(st, depth);
	return rc ? rc : put(st, obj ? "}" : "]", 1);
}

/* ---- pointers ----------------------------------------------------------- */

/* One unescaped pointer token of [s, s+n) into out (cap bytes). */
static void unescape(const char *s, size_t n, char *out, size_t cap)
{
	size_t o = 0;
	for (size_t i = 0; i < n && o + 1 < cap; i++) {
		if (s[i] == '~' && i + 1 < n && (s[i + 1] == '0' || s[i + 1] == '1')) {
			out[o++] = s[i + 1] == '0' ? '~' : '/';
			i++;
		} else {
			out[o++] = s[i];
		}
	}
	out[o] = '\0';
}

static const cJSON *walk(const cJSON *v, const char *ptr)
{
	if (*ptr == '/')
		ptr++;
	if (!*ptr)
		return v;
	while (v) {
		size_t n = strcspn(ptr, "/");
		char tok[1024];
		unescape(ptr, n, tok, sizeof(tok));
		if (cJSON_IsArray(v)) {
			char *end;
			long i = strtol(tok, &end, 10);
			v = *tok && !*end && i >= 0 ? cJSON_GetArrayItem(v, (int)i) : NULL;
		} else if (cJSON_IsObject(v)) {
			v = cJSON_GetObjectItemCaseSensitive(v, tok);
		} else {
			v = NULL;
		}
		if (!ptr[n])
			break;
		ptr += n + 1;
	}
	return v;
}

static cJSON *parse_event(struct json_state *st, const ss_plugin_event_input *ev)
{
	if (st->doc && st->evtnum == ev->evtnum)
		return st->doc;
	uint32_t len;
	const uint8_t *pl = skp_event_payload(ev->evt, &len);
	cJSON_Delete(st->doc);
	st->doc = NULL;
	st->evtnum = 0;
	if (!pl || len == 0 || (pl[0] != '{' && pl[0] != '[')) {
		skp_errorf(st->err, "event %" PRIu64 ": the payload is not a JSON object or array",
			   ev->evtnum);
		return NULL;
	}
	st->doc = cJSON_ParseWithLength((const char *)pl, len);
	if (!st->doc) {
		skp_errorf(st->err, "event %" PRIu64 ": invalid JSON payload", ev->evtnum);
		return NULL;
	}
	st->evtnum = ev->evtnum;
	return st->doc;
}

static int extract_one(struct json_state *st, const ss_plugin_event_input *ev,
		       ss_plugin_extract_field *f, const cJSON *doc)
{
	switch (f->field_id) {
	case F_VALUE:
	case F_JVALUE: {
		const cJSON *v = walk(doc, f->arg_key ? f->arg_key : "");
		if (!v)
			return 0;
		if (cJSON_IsString(v))
			return skp_res_str(&st->arena, f, v->valuestring, strlen(v->valuestring));
		char *t = cJSON_PrintUnformatted(v);
		if (!t)
			return -ENOMEM;
		int rc = skp_res_str(&st->arena, f, t, strlen(t));
		free(t);
		return rc;
	}
	case F_OBJ:
	case F_JOBJ:
		st->len = 0;
		if (pretty(st, doc, 0))
			return -ENOMEM;
		return skp_res_str(&st->arena, f, st->buf, st->len);
	case F_RAWTIME:
	case F_JRAWTIME: {
		uint64_t ts;
		char buf[32];
		memcpy(&ts, ev->evt, 8);
		int n = snprintf(buf, sizeof(buf), "%" PRIu64, ts);
		return skp_res_str(&st->arena, f, buf, (size_t)n);
	}
	default:
		skp_errorf(st->err, "unknown field id %u", f->field_id);
		return -EINVAL;
	}
}

SKP_EXPORT ss_plugin_rc plugin_extract_fields(ss_plugin_t *s, const ss_plugin_event_input *ev,
					      const ss_plugin_field_extract_input *in)
{
	struct json_state *st = s;
	skp_arena_reset(&st->arena);
	const cJSON *doc = parse_event(st, ev);
	if (!doc)
		return SS_PLUGIN_FAILURE;
	for (uint32_t i = 0; i < in->num_fields; i++) {
		ss_plugin_extract_field *f = &in->fields[i];
		f->res_len = 0;
		if (extract_one(st, ev, f, doc)) {
			if (!st->err[0])
				skp_errorf(st->err, "out of memory");
			return SS_PLUGIN_FAILURE;
		}
	}
	return SS_PLUGIN_SUCCESS;
}
