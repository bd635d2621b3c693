/* SPDX-License-Identifier: Apache-2.0 */
/* get, create, update, patch, delete, and paged list. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "k8s_priv.h"

static int parse_body(struct k8s_response *r, cJSON **out, char *err, size_t errlen)
{
	if (!out)
		return 0;
	*out = cJSON_ParseWithLength(r->body, r->len);
	if (!*out) {
		K8S_SET_ERR(err, errlen, "response is not JSON (%zu bytes)", r->len);
		return -EBADMSG;
	}
	return 0;
}

/* The Retry-After worth waiting for: on 429 (throttled) and 5xx only. */
static long retry_after_of(const struct k8s_response *r)
{
	return r->status == 429 || (r->status >= 500 && r->status < 600) ? r->retry_after_s : 0;
}

static int json_call_ra(struct k8s_client *c, const char *method, const char *path,
			const char *ctype, const cJSON *obj, const char *text, cJSON **out,
			long *retry_after_s, char *err, size_t errlen)
{
	struct k8s_response r;
	char *body = obj ? cJSON_PrintUnformatted(obj) : NULL;
	int rc;

	if (obj && !body)
		return -ENOMEM;
	if (text)
		body = strdup(text);
	rc = k8s_request(c, method, path, ctype, body, body ? strlen(body) : 0, &r, err, errlen);
	if (!rc)
		rc = parse_body(&r, out, err, errlen);
	if (retry_after_s)
		*retry_after_s = retry_after_of(&r);
	free(r.body);
	free(body);
	return rc;
}

static int json_call(struct k8s_client *c, const char *method, const char *path,
		     const char *ctype, const cJSON *obj, const char *text, cJSON **out,
		     char *err, size_t errlen)
{
	return json_call_ra(c, method, path, ctype, obj, text, out, NULL, err, errlen);
}

int k8s_get(struct k8s_client *c, const char *path, cJSON **out, char *err, size_t errlen)
{
	return json_call(c, "GET", path, NULL, NULL, NULL, out, err, errlen);
}

int k8s_create(struct k8s_client *c, const char *path, const cJSON *obj, cJSON **out, char *err,
	       size_t errlen)
{
	return json_call(c, "POST", path, "application/json", obj, NULL, out, err, errlen);
}

int k8s_update(struct k8s_client *c, const char *path, const cJSON *obj, cJSON **out, char *err,
	       size_t errlen)
{
	return json_call(c, "PUT", path, "application/json", obj, NULL, out, err, errlen);
}

int k8s_patch(struct k8s_client *c, const char *path, enum k8s_patch_type type,
	      const char *patch, const char *field_manager, cJSON **out, char *err,
	      size_t errlen)
{
	static const char *const ctypes[] = {
	    [K8S_PATCH_MERGE] = "application/merge-patch+json",
	    [K8S_PATCH_STRATEGIC] = "application/strategic-merge-patch+json",
	    [K8S_PATCH_APPLY] = "application/apply-patch+yaml",
	    [K8S_PATCH_JSON] = "application/json-patch+json",
	};
	char full[K8S_PATH_MAX];

	if ((unsigned)type > K8S_PATCH_JSON)
		return -EINVAL;
	if (snprintf(full, sizeof(full), "%s", path) >= (int)sizeof(full))
		return -ENAMETOOLONG;
	if (type == K8S_PATCH_APPLY) {
		if (!field_manager) {
			K8S_SET_ERR(err, errlen, "apply patch needs a field manager");
			return -EINVAL;
		}
		if (k8s_query_add(full, sizeof(full), "fieldManager", field_manager) ||
		    k8s_query_add(full, sizeof(full), "force", "true"))
			return -ENAMETOOLONG;
	}
	return json_call(c, "PATCH", full, ctypes[type], NULL, patch, out, err, errlen);
}

int k8s_delete(struct k8s_client *c, const char *path, char *err, size_t errlen)
{
	return json_call(c, "DELETE", path, NULL, NULL, NULL, NULL, err, errlen);
}

static int list_url(char *buf, size_t cap, const char *path, const struct k8s_list_opts *o,
		    const char *cont)
{
	int rc = 0;
	if (snprintf(buf, cap, "%s", path) >= (int)cap)
		return -ENAMETOOLONG;
	if (o && o->field_selector)
		rc |= k8s_query_add(buf, cap, "fieldSelector", o->field_selector);
	if (o && o->label_selector)
		rc |= k8s_query_add(buf, cap, "labelSelector", o->label_selector);
	if (o && o->limit) {
		char n[16];
		snprintf(n, sizeof(n), "%u", o->limit);
		rc |= k8s_query_add(buf, cap, "limit", n);
	}
	/* A continue token carries the snapshot: resourceVersion goes on the first page only. */
	if (cont)
		rc |= k8s_query_add(buf, cap, "continue", cont);
	else if (o && o->resource_version)
		rc |= k8s_query_add(buf, cap, "resourceVersion", o->resource_version);
	return rc ? -ENAMETOOLONG : 0;
}

/* One page: items to item(), continue token into cont, RV into rv. */
static int list_page(struct k8s_client *c, const char *url, int (*item)(void *, cJSON *),
		     void *ctx, char *cont, size_t contcap, char *rv, size_t rvcap,
		     long *retry_after_s, char *err, size_t errlen)
{
	cJSON *page = NULL, *it;
	const cJSON *meta, *v;
	int rc = json_call_ra(c, "GET", url, NULL, NULL, NULL, &page, retry_after_s, err, errlen);

	if (rc)
		return rc;
	meta = cJSON_GetObjectItemCaseSensitive(page, "metadata");
	v = cJSON_GetObjectItemCaseSensitive(meta, "resourceVersion");
	if (rv && cJSON_IsString(v))
		snprintf(rv, rvcap, "%s", v->valuestring);
	v = cJSON_GetObjectItemCaseSensitive(meta, "continue");
	if (cJSON_IsString(v) && strlen(v->valuestring) >= contcap) {
		K8S_SET_ERR(err, errlen, "%s: continue token longer than %zu bytes", url, contcap);
		rc = -EBADMSG;
		goto out;
	}
	snprintf(cont, contcap, "%s", cJSON_IsString(v) ? v->valuestring : "");
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(page, "items"))
	{
		rc = item(ctx, it);
		if (rc)
			break;
	}
out:
	cJSON_Delete(page);
	return rc;
}

#define K8S_CONTINUE_MAX 2048u /* a continue token */
#define K8S_LIST_RESTARTS 3u   /* expired continue tokens tolerated in one list */

int k8s_list(struct k8s_client *c, const char *path, const struct k8s_list_opts *o,
	     int (*item)(void *ctx, cJSON *item), void (*restart)(void *ctx), void *ctx,
	     char *rv, size_t rvcap, char *err, size_t errlen)
{
	return k8s_list_full(c, path, o, item, restart, ctx, rv, rvcap, NULL, err, errlen);
}

int k8s_list_full(struct k8s_client *c, const char *path, const struct k8s_list_opts *o,
		  int (*item)(void *ctx, cJSON *item), void (*restart)(void *ctx), void *ctx,
		  char *rv, size_t rvcap, long *retry_after_s, char *err, size_t errlen)
{
	char url[K8S_PATH_MAX], cont[K8S_CONTINUE_MAX] = "";
	unsigned restarts = 0;
	bool first = true;
	int rc;

	for (;;) {
		rc = list_url(url, sizeof(url), path, o, first ? NULL : cont);
		if (rc)
			return rc;
		rc = list_page(c, url, item, ctx, cont, sizeof(cont), rv, rvcap, retry_after_s, err,
			       errlen);
		if (rc == -ESTALE && !first && restarts++ < K8S_LIST_RESTARTS) {
			/* The continue token expired: start again from a fresh snapshot. */
			if (restart)
				restart(ctx);
			first = true;
			continue;
		}
		if (rc || !*cont)
			return rc;
		first = false;
	}
}
