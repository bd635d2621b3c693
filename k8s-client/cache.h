/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The informer's store: entries indexed by "namespace/name" and by uid in
 * two chained hash tables that grow by doubling. Not locked: the informer
 * serializes access.
 */
#ifndef K8S_CACHE_H
#define K8S_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "k8s/informer.h"

struct k8s_entry {
	struct k8s_entry *next_key, *next_uid;
	uint64_t hkey, huid;
	uint64_t seen;        /* relist generation that last saw this entry */
	void *rec;            /* the decoded record */
	char rv[K8S_RV_MAX];
	char uid[K8S_UID_MAX];
	char key[];           /* namespace/name */
};

struct k8s_cache {
	struct k8s_entry **by_key, **by_uid;
	size_t nbuckets, count;
};

int k8s_cache_init(struct k8s_cache *c);
/* Frees entries only; the caller releases their records first (k8s_cache_foreach). */
void k8s_cache_fini(struct k8s_cache *c);
struct k8s_entry *k8s_cache_get(const struct k8s_cache *c, const char *key);
struct k8s_entry *k8s_cache_get_uid(const struct k8s_cache *c, const char *uid);
/* A new entry for key/uid (not yet present). Returns NULL on ENOMEM. */
struct k8s_entry *k8s_cache_insert(struct k8s_cache *c, const char *key, const char *uid);
/* Change e's uid (a re-created object with the same name). */
void k8s_cache_set_uid(struct k8s_cache *c, struct k8s_entry *e, const char *uid);
/* Unlink and free e (its record is the caller's). */
void k8s_cache_remove(struct k8s_cache *c, struct k8s_entry *e);
/* fn may remove the entry it is given. Non-zero stops. */
int k8s_cache_foreach(struct k8s_cache *c, int (*fn)(void *ctx, struct k8s_entry *e), void *ctx);

uint64_t k8s_hash(const char *s);

#endif
