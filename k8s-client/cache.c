/* SPDX-License-Identifier: Apache-2.0 */
#include "cache.h"

#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#define CACHE_MIN_BUCKETS 64u

uint64_t k8s_hash(const char *s)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */
	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ull;
	return h;
}

int k8s_cache_init(struct k8s_cache *c)
{
	memset(c, 0, sizeof(*c));
	c->nbuckets = CACHE_MIN_BUCKETS;
	c->by_key = calloc(c->nbuckets, sizeof(*c->by_key));
	c->by_uid = calloc(c->nbuckets, sizeof(*c->by_uid));
	if (!c->by_key || !c->by_uid) {
		free(c->by_key);
		free(c->by_uid);
		return -ENOMEM;
	}
	return 0;
}

void k8s_cache_fini(struct k8s_cache *c)
{
	for (size_t i = 0; i < c->nbuckets; i++) {
		struct k8s_entry *e = c->by_key[i], *n;
		for (; e; e = n) {
			n = e->next_key;
			free(e);
		}
	}
	free(c->by_key);
	free(c->by_uid);
	memset(c, 0, sizeof(*c));
}

struct k8s_entry *k8s_cache_get(const struct k8s_cache *c, const char *key)
{
	uint64_t h = k8s_hash(key);
	for (struct k8s_entry *e = c->by_key[h & (c->nbuckets - 1)]; e; e = e->next_key)
		if (e->hkey == h && strcmp(e->key, key) == 0)
			return e;
	return NULL;
}

struct k8s_entry *k8s_cache_get_uid(const struct k8s_cache *c, const char *uid)
{
	uint64_t h = k8s_hash(uid);
	if (!*uid)
		return NULL;
	for (struct k8s_entry *e = c->by_uid[h & (c->nbuckets - 1)]; e; e = e->next_uid)
		if (e->huid == h && strcmp(e->uid, uid) == 0)
			return e;
	return NULL;
}

static void link_uid(struct k8s_cache *c, struct k8s_entry *e)
{
	size_t b = e->huid & (c->nbuckets - 1);
	e->next_uid = c->by_uid[b];
	c->by_uid[b] = e;
}

static void unlink_uid(struct k8s_cache *c, struct k8s_entry *e)
{
	struct k8s_entry **pp = &c->by_uid[e->huid & (c->nbuckets - 1)];
	for (; *pp; pp = &(*pp)->next_uid)
		if (*pp == e) {
			*pp = e->next_uid;
			return;
		}
}

static void grow(struct k8s_cache *c)
{
	size_t nb = c->nbuckets * 2;
	struct k8s_entry **k = calloc(nb, sizeof(*k)), **u = calloc(nb, sizeof(*u));
	if (!k || !u) {
		free(k);
		free(u);
		return; /* stay at the current size: slower, still correct */
	}
	for (size_t i = 0; i < c->nbuckets; i++) {
		for (struct k8s_entry *e = c->by_key[i], *n; e; e = n) {
			n = e->next_key;
			e->next_key = k[e->hkey & (nb - 1)];
			k[e->hkey & (nb - 1)] = e;
			e->next_uid = u[e->huid & (nb - 1)];
			u[e->huid & (nb - 1)] = e;
		}
	}
	free(c->by_key);
	free(c->by_uid);
	c->by_key = k;
	c->by_uid = u;
	c->nbuckets = nb;
}

struct k8s_entry *k8s_cache_insert(struct k8s_cache *c, const char *key, const char *uid)
{
	size_t kl = strlen(key);
	struct k8s_entry *e = calloc(1, sizeof(*e) + kl + 1);
	if (!e)
		return NULL;
	memcpy(e->key, key, kl + 1);
	snprintf(e->uid, sizeof(e->uid), "%s", uid);
	e->hkey = k8s_hash(key);
	e->huid = k8s_hash(e->uid);
	if (c->count + 1 > c->nbuckets)
		grow(c);
	size_t b = e->hkey & (c->nbuckets - 1);
	e->next_key = c->by_key[b];
	c->by_key[b] = e;
	link_uid(c, e);
	c->count++;
	return e;
}

void k8s_cache_set_uid(struct k8s_cache *c, struct k8s_entry *e, const char *uid)
{
	if (strcmp(e->uid, uid) == 0)
		return;
	unlink_uid(c, e);
	snprintf(e->uid, sizeof(e->uid), "%s", uid);
	e->huid = k8s_hash(e->uid);
	link_uid(c, e);
}

void k8s_cache_remove(struct k8s_cache *c, struct k8s_entry *e)
{
	struct k8s_entry **pp = &c->by_key[e->hkey & (c->nbuckets - 1)];
	for (; *pp; pp = &(*pp)->next_key)
		if (*pp == e) {
			*pp = e->next_key;
			break;
		}
	unlink_uid(c, e);
	c->count--;
	free(e);
}

int k8s_cache_foreach(struct k8s_cache *c, int (*fn)(void *ctx, struct k8s_entry *e), void *ctx)
{
	for (size_t i = 0; i < c->nbuckets; i++) {
		for (struct k8s_entry *e = c->by_key[i], *n; e; e = n) {
			n = e->next_key;
			int rc = fn(ctx, e);
			if (rc)
				return rc;
		}
	}
	return 0;
}
