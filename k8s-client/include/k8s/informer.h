/* SPDX-License-Identifier: Apache-2.0 */
/*
 * An informer keeps a local cache of one kind of object in step with the
 * API server: list (paged), then watch from the list's resourceVersion with
 * bookmarks and a finite timeout, tracking the resourceVersion of every
 * event. On 410 (HTTP or an in-stream ERROR) it relists and delivers only
 * the difference, with deletes for objects that vanished in the gap. A
 * normal close re-watches at once; errors back off (jittered exponential);
 * a connection silent for idle_timeout_s is treated as dead. One thread
 * per informer, blocking in libcurl: no busy loop.
 *
 * The cache holds what ops->decode makes of each object (a compact record),
 * keyed by namespace/name and by uid.
 */
#ifndef K8S_INFORMER_H
#define K8S_INFORMER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "client.h"
#include "watch.h"

#define K8S_KEY_MAX 320u /* namespace/name */
#define K8S_UID_MAX 64u

enum k8s_log_level { K8S_LOG_ERROR, K8S_LOG_WARNING, K8S_LOG_INFO, K8S_LOG_DEBUG };

/*
 * What the informer does with objects. All callbacks run on the informer's
 * thread with the cache locked: they must not call k8s_informer_get/foreach.
 */
struct k8s_informer_ops {
	/*
	 * Turn an object (borrowed) into the record the cache keeps; NULL
	 * skips it (counted). NULL decode keeps a copy of the cJSON tree.
	 */
	void *(*decode)(void *ctx, const cJSON *obj);
	void (*release)(void *ctx, void *rec); /* free a record (NULL: cJSON_Delete) */
	void (*on_add)(void *ctx, void *rec);
	void (*on_update)(void *ctx, void *old_rec, void *rec);
	/* final_state_unknown: the delete was inferred by a relist, not watched. */
	void (*on_delete)(void *ctx, void *rec, bool final_state_unknown);
	/* One line per notable thing (malformed line, reconnect, relist, error). */
	void (*log)(void *ctx, enum k8s_log_level level, const char *msg);
};

struct k8s_informer_opts {
	const char *path;           /* collection: "/api/v1/pods", "/api/v1/namespaces" */
	const char *field_selector; /* NULL = none; "spec.nodeName=NODE" */
	const char *label_selector; /* NULL = none */
	unsigned page_size;         /* list limit; 0 = 500 */
	unsigned timeout_min_s, timeout_max_s; /* watch timeoutSeconds, random in range; 0 = 300..600 */
	unsigned idle_timeout_s;    /* no byte for this long = dead connection; 0 = 180 */
	unsigned backoff_initial_ms; /* 0 = 800 */
	unsigned backoff_max_ms;     /* 0 = 30000 */
	size_t max_line;             /* 0 = K8S_LINE_MAX_DEFAULT */
};

struct k8s_informer_stats {
	uint64_t lists, relists, watches, events, bookmarks, adds, updates, deletes;
	uint64_t expired, errors, malformed, oversized, skipped;
	size_t objects;
	bool synced;            /* the first list completed */
	char rv[K8S_RV_MAX];    /* last resourceVersion seen */
	char last_error[256];
};

struct k8s_informer;

/*
 * An informer on client c (borrowed; must outlive it). opts strings are
 * copied. ctx is passed to every op. Returns 0 or -errno with a message.
 */
int k8s_informer_new(struct k8s_informer **out, struct k8s_client *c,
		     const struct k8s_informer_opts *opts, const struct k8s_informer_ops *ops,
		     void *ctx, char *err, size_t errlen);

/* Start the informer's thread. Returns 0 or -errno. */
int k8s_informer_start(struct k8s_informer *inf);

/* Stop the thread (within about a second) and join it. Idempotent. */
void k8s_informer_stop(struct k8s_informer *inf);

/* Stop, release every cached record, free. NULL is a no-op. */
void k8s_informer_free(struct k8s_informer *inf);

/* Wait until the first list completed; false on timeout. */
bool k8s_informer_wait_synced(struct k8s_informer *inf, unsigned timeout_ms);

/* Cache access: lock, then get/foreach (records borrowed until unlock). */
void k8s_informer_lock(struct k8s_informer *inf);
void k8s_informer_unlock(struct k8s_informer *inf);
void *k8s_informer_get(struct k8s_informer *inf, const char *ns, const char *name);
void *k8s_informer_get_uid(struct k8s_informer *inf, const char *uid);
/* fn returns non-zero to stop; that value is returned. */
int k8s_informer_foreach(struct k8s_informer *inf, int (*fn)(void *ctx, void *rec), void *ctx);

void k8s_informer_stats(struct k8s_informer *inf, struct k8s_informer_stats *out);

/*
 * The state machine without the network (tests, replays): apply watch
 * stream bytes as if received, or a list's items as a relist (items is a
 * JSON array, borrowed) ending at rv. Returns 0, or 1 when the bytes held
 * an expired ERROR (the caller would relist).
 */
int k8s_informer_feed(struct k8s_informer *inf, const char *data, size_t len);
int k8s_informer_replace(struct k8s_informer *inf, const cJSON *items, const char *rv);

#endif
