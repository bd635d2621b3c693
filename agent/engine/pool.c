/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Bump allocator for compiled filters and formats: many small allocations
 * made at load time, freed all at once with their owner.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "filter.h"

#define SK_POOL_BLOCK 16384u

struct sk_pool_block {
	struct sk_pool_block *next;
	size_t used, cap;
	_Alignas(16) unsigned char data[];
};

struct sk_pool {
	struct sk_pool_block *head;
};

int sk_pool_new(struct sk_pool **out)
{
	*out = calloc(1, sizeof(**out));
	return *out ? 0 : -ENOMEM;
}

void sk_pool_free(struct sk_pool *p)
{
	if (!p)
		return;
	struct sk_pool_block *b = p->head;
	while (b) {
		struct sk_pool_block *next = b->next;
		free(b);
		b = next;
	}
	free(p);
}

/* Zeroed, 16-byte aligned memory owned by p; NULL when out of memory. */
void *sk_pool_alloc(struct sk_pool *p, size_t size)
{
	size = (size + 15u) & ~(size_t)15u;
	struct sk_pool_block *b = p->head;
	if (!b || b->cap - b->used < size) {
		size_t cap = size > SK_POOL_BLOCK ? size : SK_POOL_BLOCK;
		b = calloc(1, sizeof(*b) + cap);
		if (!b)
			return NULL;
		b->cap = cap;
		b->next = p->head;
		p->head = b;
	}
	void *r = b->data + b->used;
	b->used += size;
	return r;
}

/* Copy of s[0..len) plus NUL, owned by p. */
char *sk_pool_strndup(struct sk_pool *p, const char *s, size_t len)
{
	char *r = sk_pool_alloc(p, len + 1);
	if (r && len)
		memcpy(r, s, len);
	return r;
}
