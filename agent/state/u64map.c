/* SPDX-License-Identifier: Apache-2.0 */
#include "u64map.h"

#include <errno.h>
#include <stdlib.h>

static char tombstone_marker;
#define TOMBSTONE ((void *)&tombstone_marker)
#define MIN_CAP 16u

static inline size_t hash_u64(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	k *= 0xc4ceb9fe1a85ec53ULL;
	k ^= k >> 33;
	return (size_t)k;
}

void sk_u64map_init(struct sk_u64map *m)
{
	m->slots = NULL;
	m->cap = m->len = m->used = 0;
}

void sk_u64map_fini(struct sk_u64map *m)
{
	free(m->slots);
	sk_u64map_init(m);
}

static struct sk_u64map_slot *find_slot(const struct sk_u64map *m, uint64_t key)
{
	size_t mask = m->cap - 1;
	for (size_t i = hash_u64(key) & mask;; i = (i + 1) & mask) {
		struct sk_u64map_slot *s = &m->slots[i];
		if (s->val == NULL)
			return NULL;
		if (s->val != TOMBSTONE && s->key == key)
			return s;
	}
}

void *sk_u64map_get(const struct sk_u64map *m, uint64_t key)
{
	if (m->len == 0)
		return NULL;
	struct sk_u64map_slot *s = find_slot(m, key);
	return s ? s->val : NULL;
}

static int rehash(struct sk_u64map *m, size_t cap)
{
	struct sk_u64map_slot *slots = calloc(cap, sizeof(*slots));
	if (!slots)
		return -ENOMEM;
	struct sk_u64map old = *m;
	m->slots = slots;
	m->cap = cap;
	m->len = m->used = 0;
	for (size_t i = 0; i < old.cap; i++) {
		struct sk_u64map_slot *s = &old.slots[i];
		if (s->val && s->val != TOMBSTONE)
			sk_u64map_put(m, s->key, s->val);
	}
	free(old.slots);
	return 0;
}

int sk_u64map_put(struct sk_u64map *m, uint64_t key, void *val)
{
	if ((m->used + 1) * 4 >= m->cap * 3) {
		size_t cap = m->cap ? m->cap : MIN_CAP;
		if (m->len * 2 >= cap)
			cap *= 2;
		int rc = rehash(m, cap);
		if (rc)
			return rc;
	}
	size_t mask = m->cap - 1;
	struct sk_u64map_slot *grave = NULL;
	for (size_t i = hash_u64(key) & mask;; i = (i + 1) & mask) {
		struct sk_u64map_slot *s = &m->slots[i];
		if (s->val == NULL) {
			if (grave) {
				s = grave;
			} else {
				m->used++;
			}
			s->key = key;
			s->val = val;
			m->len++;
			return 0;
		}
		if (s->val == TOMBSTONE) {
			if (!grave)
				grave = s;
			continue;
		}
		if (s->key == key) {
			s->val = val;
			return 0;
		}
	}
}

void *sk_u64map_del(struct sk_u64map *m, uint64_t key)
{
	if (m->len == 0)
		return NULL;
	struct sk_u64map_slot *s = find_slot(m, key);
	if (!s)
		return NULL;
	void *val = s->val;
	s->val = TOMBSTONE;
	m->len--;
	return val;
}

void sk_u64map_foreach(const struct sk_u64map *m, void (*fn)(uint64_t key, void *val, void *ctx),
		       void *ctx)
{
	for (size_t i = 0; i < m->cap; i++) {
		struct sk_u64map_slot *s = &m->slots[i];
		if (s->val && s->val != TOMBSTONE)
			fn(s->key, s->val, ctx);
	}
}
