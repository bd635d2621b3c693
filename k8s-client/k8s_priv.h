/* SPDX-License-Identifier: Apache-2.0 */
/* Internals shared by the k8s-client sources. */
#ifndef K8S_PRIV_H
#define K8S_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <curl/curl.h>

#include "k8s/client.h"
#include "k8s/config.h"

#define K8S_SET_ERR(err, errlen, ...)                                                              \
	do {                                                                                       \
		if ((err) && (errlen))                                                             \
			snprintf((err), (errlen), __VA_ARGS__);                                    \
	} while (0)

/* Read a whole file (at most cap bytes) into a NUL-terminated buffer. */
int k8s_read_file(const char *path, size_t cap, char **out, size_t *len, char *err,
		  size_t errlen);

/* base64 (standard alphabet, padding optional) into a NUL-terminated buffer. */
int k8s_base64_decode(const char *in, size_t inlen, char **out, size_t *outlen);

/* strdup that accepts NULL. */
char *k8s_strdup(const char *s);

/* Run an exec credential plugin: fills token or cert/key, and expiry (0 = none). */
int k8s_exec_run(const struct k8s_exec *x, const char *server, char **token, char **cert,
		 char **key, int64_t *expiry, char *err, size_t errlen);

/*
 * A curl easy handle for url with TLS and current credentials applied.
 * force_creds re-reads the token file / re-runs the exec plugin. The
 * returned header list is the caller's (curl_slist_free_all after the
 * transfer).
 */
int k8s_client_easy(struct k8s_client *c, CURL *h, const char *path, bool force_creds,
		    struct curl_slist **headers, char *err, size_t errlen);

/* Count a 401 (for stats). */
void k8s_client_note_401(struct k8s_client *c);

#define K8S_RETRY_AFTER_LEN 64        /* a Retry-After value, bytes */
#define K8S_RETRY_AFTER_MAX_S 3600L   /* a longer Retry-After is read as this */

/*
 * A Retry-After header value (len bytes, not NUL-terminated): delay-seconds
 * or an IMF-fixdate relative to now. Returns seconds, 0 when empty, past or
 * unreadable, at most K8S_RETRY_AFTER_MAX_S.
 */
long k8s_retry_after_parse(const char *v, size_t len);

/*
 * k8s_list that also reports, in *retry_after_s (may be NULL), the
 * Retry-After of a failed page answered 429 or 5xx (0 otherwise), for a
 * caller that retries.
 */
int k8s_list_full(struct k8s_client *c, const char *path, const struct k8s_list_opts *o,
		  int (*item)(void *ctx, cJSON *item), void (*restart)(void *ctx), void *ctx,
		  char *rv, size_t rvcap, long *retry_after_s, char *err, size_t errlen);

/* Random number in [lo, hi]. */
unsigned k8s_rand_range(unsigned lo, unsigned hi);

#endif
