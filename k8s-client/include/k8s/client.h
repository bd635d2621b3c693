/* SPDX-License-Identifier: Apache-2.0 */
/*
 * REST over libcurl: one client per API server, safe to share between
 * threads (each request uses its own connection handle; credentials are
 * guarded). Responses that are not 2xx are decoded from the server's Status
 * body into -errno and a message.
 *
 * Call curl_global_init() once before the first client is created if the
 * program has other threads using libcurl; k8s_client_new does it otherwise.
 */
#ifndef K8S_CLIENT_H
#define K8S_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "config.h"

#define K8S_BODY_MAX (64u * 1024u * 1024u) /* one response body (a list page) */
#define K8S_PATH_MAX 4096u                 /* request path with its query */
#define K8S_TOKEN_CACHE_S 60               /* a token file is re-read at most this often */

struct k8s_client;

/*
 * A client for cfg (copied: cfg may be freed afterwards). timeout_s bounds
 * each ordinary request (not watches); 0 means 30 s. Returns 0, or -errno
 * with a message.
 */
int k8s_client_new(struct k8s_client **out, const struct k8s_config *cfg, unsigned timeout_s,
		   char *err, size_t errlen);
void k8s_client_free(struct k8s_client *c);

/* The configuration the client copied (borrowed). */
const struct k8s_config *k8s_client_config(const struct k8s_client *c);

/* A raw response: body is the caller's (free()), NUL-terminated. */
struct k8s_response {
	long status; /* HTTP status */
	char *body;
	size_t len;
	long retry_after_s; /* Retry-After in seconds (delay or HTTP date), 0 when absent */
};

/*
 * One request: method ("GET", "POST"...), path with its query ("/api/v1/
 * pods?limit=5"), optional body with its content type. A 401 re-reads the
 * credentials and retries once. Returns 0 on 2xx with *resp filled (caller
 * frees resp->body), else -errno (see k8s_status_errno) with the server's
 * message in err; resp is then filled too when the server answered.
 */
int k8s_request(struct k8s_client *c, const char *method, const char *path,
		const char *content_type, const char *body, size_t body_len,
		struct k8s_response *resp, char *err, size_t errlen);

/*
 * Map an HTTP status and a Status body to -errno, writing
 * "HTTP 404 NotFound: pods \"x\" not found" into err:
 * 400 -EINVAL, 401/403 -EACCES, 404 -ENOENT, 409 -EEXIST (AlreadyExists) or
 * -EBUSY (Conflict), 410 -ESTALE, 422 -EINVAL, 429 -EAGAIN, 504 with
 * ResourceVersionTooLarge -ESTALE, other 5xx -EIO. 2xx gives 0.
 */
int k8s_status_errno(long status, const char *body, size_t len, char *err, size_t errlen);

/* GET path into a parsed object (*out is the caller's, cJSON_Delete). */
int k8s_get(struct k8s_client *c, const char *path, cJSON **out, char *err, size_t errlen);

/* POST obj to a collection path; *out (may be NULL) receives the created object. */
int k8s_create(struct k8s_client *c, const char *path, const cJSON *obj, cJSON **out, char *err,
	       size_t errlen);

/* PUT obj to an object path (or its /status); *out may be NULL. */
int k8s_update(struct k8s_client *c, const char *path, const cJSON *obj, cJSON **out, char *err,
	       size_t errlen);

enum k8s_patch_type { K8S_PATCH_MERGE, K8S_PATCH_STRATEGIC, K8S_PATCH_APPLY, K8S_PATCH_JSON };

/*
 * PATCH path with patch text (JSON; YAML accepted for apply). field_manager
 * is required for apply (adds fieldManager=..&force=true). *out may be NULL.
 */
int k8s_patch(struct k8s_client *c, const char *path, enum k8s_patch_type type,
	      const char *patch, const char *field_manager, cJSON **out, char *err,
	      size_t errlen);

/* DELETE path. */
int k8s_delete(struct k8s_client *c, const char *path, char *err, size_t errlen);

struct k8s_list_opts {
	const char *field_selector; /* "spec.nodeName=n1"; NULL = none (encoded here) */
	const char *label_selector; /* "app=x,tier!=fe"; NULL = none */
	const char *resource_version; /* NULL = unset (a quorum read) */
	unsigned limit;             /* page size; 0 = no paging */
};

/*
 * List path page by page. item() is called for each item (borrowed, valid
 * during the call); a non-zero return stops the list and is returned.
 * restart() (may be NULL) is called when an expired continue token (410)
 * makes the list start again from the first page: forget the items seen.
 * The list's resourceVersion is written to rv (cap rvcap).
 */
int k8s_list(struct k8s_client *c, const char *path, const struct k8s_list_opts *o,
	     int (*item)(void *ctx, cJSON *item), void (*restart)(void *ctx), void *ctx,
	     char *rv, size_t rvcap, char *err, size_t errlen);

/*
 * Append "?"/"&" key=url-encoded(value) to buf (cap bytes). Returns 0 or
 * -ENAMETOOLONG.
 */
int k8s_query_add(char *buf, size_t cap, const char *key, const char *value);

/* Counters of a client (cumulative). */
struct k8s_client_stats {
	uint64_t requests, unauthorized, token_reloads;
};
void k8s_client_stats(struct k8s_client *c, struct k8s_client_stats *out);

#endif
