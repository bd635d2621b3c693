/* SPDX-License-Identifier: Apache-2.0 */
#include "schema.h"

#include <errno.h>
#include <math.h>
#include <regex.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#define PATH_MAX_BYTES 512u /* of a reported key path */

struct check {
	const cJSON *root; /* the whole schema, for $ref */
	char *err;
	size_t errlen;
};

static int validate(struct check *c, const cJSON *s, const cJSON *v, const char *path,
		    unsigned depth);

static int fail(struct check *c, const char *path, const char *fmt, const char *a, const char *b)
{
	char why[256];
	snprintf(why, sizeof(why), fmt, a, b);
	if (path[0])
		snprintf(c->err, c->errlen, "key '%s': %s", path, why);
	else
		snprintf(c->err, c->errlen, "%s", why);
	return -EINVAL;
}

static const char *kind(const cJSON *v)
{
	if (cJSON_IsObject(v))
		return "object";
	if (cJSON_IsArray(v))
		return "array";
	if (cJSON_IsString(v))
		return "string";
	if (cJSON_IsNumber(v))
		return v->valuedouble == floor(v->valuedouble) ? "integer" : "number";
	if (cJSON_IsBool(v))
		return "boolean";
	return "null";
}

static bool is_type(const cJSON *v, const char *t)
{
	const char *k = kind(v);
	if (!strcmp(t, "number"))
		return cJSON_IsNumber(v);
	return !strcmp(k, t);
}

/* A local $ref ("#", "#/definitions/X", "#/$defs/X", any "#/a/b" pointer), or NULL. */
static const cJSON *resolve(const struct check *c, const char *ref)
{
	if (ref[0] != '#')
		return NULL;
	const cJSON *n = c->root;
	const char *p = ref + 1;
	while (n && *p == '/') {
		p++;
		size_t len = strcspn(p, "/");
		char key[256];
		if (len >= sizeof(key))
			return NULL;
		memcpy(key, p, len);
		key[len] = '\0';
		n = cJSON_GetObjectItemCaseSensitive(n, key);
		p += len;
	}
	return *p ? NULL : n;
}

static void child_path(char *out, const char *path, const char *key)
{
	snprintf(out, PATH_MAX_BYTES, "%s%s%s", path, path[0] ? "." : "", key);
}

static int check_type(struct check *c, const cJSON *s, const cJSON *v, const char *path)
{
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(s, "type");
	if (cJSON_IsString(t))
		return is_type(v, t->valuestring)
			   ? 0
			   : fail(c, path, "expected %s, got %s", t->valuestring, kind(v));
	if (!cJSON_IsArray(t))
		return 0;
	const cJSON *e;
	cJSON_ArrayForEach(e, t) if (cJSON_IsString(e) && is_type(v, e->valuestring)) return 0;
	char *names = cJSON_PrintUnformatted(t);
	int rc = fail(c, path, "expected one of %s, got %s", names ? names : "?", kind(v));
	cJSON_free(names);
	return rc;
}

static int check_enum(struct check *c, const cJSON *s, const cJSON *v, const char *path)
{
	const cJSON *k = cJSON_GetObjectItemCaseSensitive(s, "const");
	if (k && !cJSON_Compare(k, v, true))
		return fail(c, path, "must be the schema's constant value%s%s", "", "");
	const cJSON *en = cJSON_GetObjectItemCaseSensitive(s, "enum");
	if (!cJSON_IsArray(en))
		return 0;
	const cJSON *e;
	cJSON_ArrayForEach(e, en) if (cJSON_Compare(e, v, true)) return 0;
	char *text = cJSON_PrintUnformatted(en);
	int rc = fail(c, path, "not one of %.200s%s", text ? text : "the schema's values", "");
	cJSON_free(text);
	return rc;
}

static bool number_of(const cJSON *s, const char *key, double *out)
{
	const cJSON *n = cJSON_GetObjectItemCaseSensitive(s, key);
	if (!cJSON_IsNumber(n))
		return false;
	*out = n->valuedouble;
	return true;
}

static int check_range(struct check *c, const cJSON *s, const cJSON *v, const char *path)
{
	if (!cJSON_IsNumber(v))
		return 0;
	double x = v->valuedouble, lim;
	char got[64], want[64];
	snprintf(got, sizeof(got), "%.17g", x);
	/* draft-04: exclusiveMinimum is a boolean beside minimum; later: a number */
	bool excl_min = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(s, "exclusiveMinimum"));
	bool excl_max = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(s, "exclusiveMaximum"));
	if (number_of(s, "minimum", &lim) && (x < lim || (excl_min && x == lim))) {
		snprintf(want, sizeof(want), "%s%.17g", excl_min ? "> " : ">= ", lim);
		return fail(c, path, "%s is out of range (must be %s)", got, want);
	}
	if (number_of(s, "maximum", &lim) && (x > lim || (excl_max && x == lim))) {
		snprintf(want, sizeof(want), "%s%.17g", excl_max ? "< " : "<= ", lim);
		return fail(c, path, "%s is out of range (must be %s)", got, want);
	}
	if (number_of(s, "exclusiveMinimum", &lim) && x <= lim) {
		snprintf(want, sizeof(want), "> %.17g", lim);
		return fail(c, path, "%s is out of range (must be %s)", got, want);
	}
	if (number_of(s, "exclusiveMaximum", &lim) && x >= lim) {
		snprintf(want, sizeof(want), "< %.17g", lim);
		return fail(c, path, "%s is out of range (must be %s)", got, want);
	}
	return 0;
}

static int check_lengths(struct check *c, const cJSON *s, const cJSON *v, const char *path)
{
	double lim;
	double n = cJSON_IsString(v)  ? (double)strlen(v->valuestring)
		   : cJSON_IsArray(v) ? (double)cJSON_GetArraySize(v)
				      : -1;
	if (n < 0)
		return 0;
	const char *lo = cJSON_IsString(v) ? "minLength" : "minItems";
	const char *hi = cJSON_IsString(v) ? "maxLength" : "maxItems";
	if (number_of(s, lo, &lim) && n < lim)
		return fail(c, path, "too short (%s in the schema)%s", lo, "");
	if (number_of(s, hi, &lim) && n > lim)
		return fail(c, path, "too long (%s in the schema)%s", hi, "");
	return 0;
}

/* Whether key matches one of patternProperties; validates it against each that does. */
static int pattern_props(struct check *c, const cJSON *pp, const cJSON *m, const char *path,
			 unsigned depth, bool *matched)
{
	const cJSON *p;
	cJSON_ArrayForEach(p, pp)
	{
		regex_t re;
		if (regcomp(&re, p->string, REG_EXTENDED | REG_NOSUB))
			continue; /* a pattern POSIX cannot read constrains nothing */
		bool hit = regexec(&re, m->string, 0, NULL, 0) == 0;
		regfree(&re);
		if (!hit)
			continue;
		*matched = true;
		int rc = validate(c, p, m, path, depth + 1);
		if (rc)
			return rc;
	}
	return 0;
}

static int check_object(struct check *c, const cJSON *s, const cJSON *v, const char *path,
			unsigned depth)
{
	if (!cJSON_IsObject(v))
		return 0;
	const cJSON *props = cJSON_GetObjectItemCaseSensitive(s, "properties");
	const cJSON *pp = cJSON_GetObjectItemCaseSensitive(s, "patternProperties");
	const cJSON *extra = cJSON_GetObjectItemCaseSensitive(s, "additionalProperties");
	const cJSON *m;
	char sub[PATH_MAX_BYTES];
	cJSON_ArrayForEach(m, v)
	{
		child_path(sub, path, m->string);
		const cJSON *ps = cJSON_IsObject(props)
				      ? cJSON_GetObjectItemCaseSensitive(props, m->string)
				      : NULL;
		bool matched = ps != NULL;
		int rc = ps ? validate(c, ps, m, sub, depth + 1) : 0;
		if (rc == 0 && cJSON_IsObject(pp))
			rc = pattern_props(c, pp, m, sub, depth, &matched);
		if (rc)
			return rc;
		if (matched)
			continue;
		if (cJSON_IsFalse(extra))
			return fail(c, sub, "not allowed (the schema has no such key)%s%s", "", "");
		if (cJSON_IsObject(extra) && (rc = validate(c, extra, m, sub, depth + 1)))
			return rc;
	}
	const cJSON *req = cJSON_GetObjectItemCaseSensitive(s, "required");
	const cJSON *reqs = cJSON_IsArray(req) ? req : NULL;
	const cJSON *r;
	cJSON_ArrayForEach(r, reqs)
	{
		if (!cJSON_IsString(r) || cJSON_GetObjectItemCaseSensitive(v, r->valuestring))
			continue;
		child_path(sub, path, r->valuestring);
		return fail(c, sub, "required but missing%s%s", "", "");
	}
	return 0;
}

static int check_items(struct check *c, const cJSON *s, const cJSON *v, const char *path,
		       unsigned depth)
{
	const cJSON *items = cJSON_GetObjectItemCaseSensitive(s, "items");
	if (!cJSON_IsArray(v) || !items)
		return 0;
	char sub[PATH_MAX_BYTES];
	int i = 0;
	const cJSON *e;
	cJSON_ArrayForEach(e, v)
	{
		/* items: one schema for all, or (draft-04 tuples) one per position */
		const cJSON *is = cJSON_IsArray(items) ? cJSON_GetArrayItem(items, i) : items;
		snprintf(sub, sizeof(sub), "%s[%d]", path, i);
		i++;
		int rc = is ? validate(c, is, e, sub, depth + 1) : 0;
		if (rc)
			return rc;
	}
	return 0;
}

/* allOf: every one; anyOf: at least one; oneOf: exactly one. */
static int check_combinators(struct check *c, const cJSON *s, const cJSON *v, const char *path,
			     unsigned depth)
{
	const cJSON *all = cJSON_GetObjectItemCaseSensitive(s, "allOf");
	const cJSON *alls = cJSON_IsArray(all) ? all : NULL;
	const cJSON *e;
	cJSON_ArrayForEach(e, alls)
	{
		int rc = validate(c, e, v, path, depth + 1);
		if (rc)
			return rc;
	}
	static const char *const names[] = {"anyOf", "oneOf"};
	for (unsigned k = 0; k < 2; k++) {
		const cJSON *any = cJSON_GetObjectItemCaseSensitive(s, names[k]);
		if (!cJSON_IsArray(any))
			continue;
		unsigned fits = 0;
		cJSON_ArrayForEach(e, any) fits += validate(c, e, v, path, depth + 1) == 0;
		if (fits == 0 || (k == 1 && fits > 1))
			return fail(c, path, "fits %s of the schema's %s alternatives",
				    fits ? "more than one" : "none", names[k]);
	}
	return 0;
}

static int validate(struct check *c, const cJSON *s, const cJSON *v, const char *path,
		    unsigned depth)
{
	if (depth > SK_PLUGIN_SCHEMA_DEPTH)
		return fail(c, path, "nested deeper than %s levels%s", "64", "");
	if (cJSON_IsFalse(s))
		return fail(c, path, "not allowed by the schema%s%s", "", "");
	if (!cJSON_IsObject(s))
		return 0; /* true, or not a schema: anything fits */
	const cJSON *ref = cJSON_GetObjectItemCaseSensitive(s, "$ref");
	if (cJSON_IsString(ref)) {
		const cJSON *to = resolve(c, ref->valuestring);
		if (!to)
			return fail(c, path,
				    "the plugin's schema has an unresolvable $ref '%.200s'%s",
				    ref->valuestring, "");
		return validate(c, to, v, path, depth + 1);
	}
	int rc = check_type(c, s, v, path);
	if (rc == 0)
		rc = check_enum(c, s, v, path);
	if (rc == 0)
		rc = check_range(c, s, v, path);
	if (rc == 0)
		rc = check_lengths(c, s, v, path);
	if (rc == 0)
		rc = check_object(c, s, v, path, depth);
	if (rc == 0)
		rc = check_items(c, s, v, path, depth);
	if (rc == 0)
		rc = check_combinators(c, s, v, path, depth);
	return rc;
}

int sk_plugin_schema_check(const char *schema, const char *config, char *err, size_t errlen)
{
	cJSON *s = cJSON_Parse(schema);
	if (!s) {
		snprintf(err, errlen, "the plugin's init schema is not JSON");
		return -EINVAL;
	}
	cJSON *v = cJSON_Parse(config);
	if (!v) {
		cJSON_Delete(s);
		snprintf(err, errlen, "the init config is not JSON");
		return -EINVAL;
	}
	struct check c = {.root = s, .err = err, .errlen = errlen};
	int rc = validate(&c, s, v, "", 0);
	cJSON_Delete(v);
	cJSON_Delete(s);
	return rc;
}
