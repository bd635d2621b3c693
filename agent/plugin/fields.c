/* SPDX-License-Identifier: Apache-2.0 */
/* The plugin's get_fields JSON (§8.2) read into engine field descriptions. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "plugin_int.h"

static const struct {
	const char *name;
	uint32_t ftype;
} types[] = {
    {"string", FTYPE_STRING},	{"uint64", FTYPE_UINT64},   {"bool", FTYPE_BOOL},
    {"reltime", FTYPE_RELTIME}, {"abstime", FTYPE_ABSTIME}, {"ipaddr", FTYPE_IPADDR},
    {"ipnet", FTYPE_IPNET},
};

static bool valid_field_name(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '.' || *s == '_' || *s == '-'))
			return false;
	return true;
}

/* An optional boolean member: absent = false; anything but a bool is an error. */
static int opt_bool(const cJSON *o, const char *key, bool *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	*out = false;
	if (!v || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsBool(v))
		return -EINVAL;
	*out = cJSON_IsTrue(v);
	return 0;
}

static int parse_one(struct sk_plugin *p, unsigned i, const cJSON *o, char *err, size_t errlen)
{
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(o, "name");
	const cJSON *type = cJSON_GetObjectItemCaseSensitive(o, "type");
	const cJSON *desc = cJSON_GetObjectItemCaseSensitive(o, "desc");
	const cJSON *arg = cJSON_GetObjectItemCaseSensitive(o, "arg");
	const cJSON *props = cJSON_GetObjectItemCaseSensitive(o, "properties");
	struct sk_plugin_field_meta *m = &p->meta[i];
	struct sk_field *f = &p->fields[i];

	if (!cJSON_IsObject(o) || !cJSON_IsString(name) || !valid_field_name(name->valuestring)) {
		snprintf(err, errlen, "get_fields: entry %u has no valid 'name'", i);
		return -EINVAL;
	}
	const char *fname = name->valuestring;
	if (!cJSON_IsString(type)) {
		snprintf(err, errlen, "get_fields: field '%s' has no 'type'", fname);
		return -EINVAL;
	}
	m->ftype = 0;
	for (size_t k = 0; k < sizeof(types) / sizeof(types[0]); k++)
		if (!strcmp(types[k].name, type->valuestring))
			m->ftype = types[k].ftype;
	if (!m->ftype) {
		snprintf(err, errlen, "get_fields: field '%s' has unknown type '%s'", fname,
			 type->valuestring);
		return -EINVAL;
	}
	if (!cJSON_IsString(desc) || !desc->valuestring[0]) {
		snprintf(err, errlen, "get_fields: field '%s' has no 'desc'", fname);
		return -EINVAL;
	}
	if (opt_bool(o, "isList", &m->is_list)) {
		snprintf(err, errlen, "get_fields: field '%s': 'isList' is not a bool", fname);
		return -EINVAL;
	}
	if (arg && !cJSON_IsNull(arg)) {
		if (!cJSON_IsObject(arg) || opt_bool(arg, "isRequired", &m->is_required) ||
		    opt_bool(arg, "isIndex", &m->is_index) || opt_bool(arg, "isKey", &m->is_key)) {
			snprintf(err, errlen, "get_fields: field '%s': 'arg' must hold bools",
				 fname);
			return -EINVAL;
		}
		if (m->is_required && !m->is_index && !m->is_key) {
			snprintf(
			    err, errlen,
			    "get_fields: field '%s': a required argument must be an index or a "
			    "key",
			    fname);
			return -EINVAL;
		}
	}
	if (props && !cJSON_IsNull(props) && !cJSON_IsArray(props)) {
		snprintf(err, errlen, "get_fields: field '%s': 'properties' is not an array",
			 fname);
		return -EINVAL;
	}
	uint16_t flags = 0;
	if (m->is_list)
		flags |= SK_FIELD_LIST;
	if (m->is_index || m->is_key)
		flags |= SK_FIELD_ARG_ALLOWED;
	if (m->is_required)
		flags |= SK_FIELD_ARG_REQUIRED;
	if (m->is_index)
		flags |= SK_FIELD_ARG_INDEX;
	if (m->is_key)
		flags |= SK_FIELD_ARG_KEY;
	const cJSON *it;
	cJSON_ArrayForEach(it, props)
	{
		if (cJSON_IsString(it) && !strcmp(it->valuestring, "hidden"))
			flags |= SK_FIELD_HIDDEN;
	}
	for (unsigned k = 0; k < i; k++)
		if (!strcmp(p->fields[k].name, fname)) {
			snprintf(err, errlen, "get_fields: field '%s' is declared twice", fname);
			return -EINVAL;
		}
	f->name = strdup(fname);
	f->desc = strdup(desc->valuestring);
	f->type = (uint8_t)m->ftype; /* FTYPE_* equal the PT_* codes */
	f->flags = flags;
	f->id = (uint16_t)i;
	return f->name && f->desc ? 0 : -ENOMEM;
}

int sk_plugin_parse_fields(struct sk_plugin *p, const char *json, char *err, size_t errlen)
{
	if (!json || strnlen(json, SK_PLUGIN_JSON_MAX) >= SK_PLUGIN_JSON_MAX) {
		snprintf(err, errlen, "get_fields returned %s",
			 json ? "more than the cap of bytes" : "NULL");
		return -EINVAL;
	}
	cJSON *arr = cJSON_Parse(json);
	int rc = -EINVAL;
	if (!arr || !cJSON_IsArray(arr)) {
		snprintf(err, errlen, "get_fields did not return a JSON array");
		goto cleanup;
	}
	int n = cJSON_GetArraySize(arr);
	if (n < 1 || (unsigned)n > SK_PLUGIN_MAX_FIELDS) {
		snprintf(err, errlen, "get_fields returned %d fields (expected 1..%u)", n,
			 SK_PLUGIN_MAX_FIELDS);
		goto cleanup;
	}
	p->fields = calloc((size_t)n, sizeof(*p->fields));
	p->meta = calloc((size_t)n, sizeof(*p->meta));
	if (!p->fields || !p->meta) {
		rc = -ENOMEM;
		goto cleanup;
	}
	const cJSON *o;
	unsigned i = 0;
	cJSON_ArrayForEach(o, arr)
	{
		p->nfields = i + 1; /* so a failure frees what was copied */
		rc = parse_one(p, i++, o, err, errlen);
		if (rc)
			goto cleanup;
	}
	rc = 0;
cleanup:
	cJSON_Delete(arr);
	return rc;
}
