/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Open-addressing hash map from u64 keys to pointers (thread ids, fds).
 * Values are borrowed: the map never frees them; free them yourself before
 * removing, or walk with sk_u64map_foreach.
 */
#ifndef SAKER_STATE_U64MAP_H
#define SAKER_STATE_U64MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sk_u64map_slot {
	uint64_t key;
	void *val; /* NULL = empty; tombstones use a private marker */
};

struct sk_u64map {
	struct sk_u64map_slot *slots;
	size_t cap;  /* power of two, or 0 */
	size_t len;  /* live entries */
	size_t used; /* live + tombstones */
};

void sk_u64map_init(struct sk_u64map *m);
void sk_u64map_fini(struct sk_u64map *m);

/* The value for key, or NULL. */
void *sk_u64map_get(const struct sk_u64map *m, uint64_t key);

/* Insert or replace; val must not be NULL. Returns 0 or -ENOMEM. */
int sk_u64map_put(struct sk_u64map *m, uint64_t key, void *val);

/* Remove key; returns the value it had, or NULL. */
void *sk_u64map_del(struct sk_u64map *m, uint64_t key);

/* Call fn for every entry (the map must not change meanwhile). */
void sk_u64map_foreach(const struct sk_u64map *m, void (*fn)(uint64_t key, void *val, void *ctx),
		       void *ctx);

#endif
