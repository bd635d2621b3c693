/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Source texts: strings assembled from one or more YAML scalars, with a
 * fragment table mapping byte offsets back to file positions.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rules.h"

void sk_src_text_init(struct sk_src_text *t)
{
	memset(t, 0, sizeof(*t));
}

void sk_src_text_fini(struct sk_src_text *t)
{
	free(t->text);
	free(t->frags);
	memset(t, 0, sizeof(*t));
}

struct sk_pos sk_src_text_pos(const struct sk_src_text *src, size_t off)
{
	struct sk_pos pos = {.file = NULL, .line = 1, .col = 1};
	size_t from = 0;
	if (!src)
		return pos;
	if (off > src->len)
		off = src->len;
	if (src->nfrags) {
		unsigned lo = 0, hi = src->nfrags;
		/* last fragment with offset <= off */
		while (hi - lo > 1) {
			unsigned mid = (lo + hi) / 2;
			if (src->frags[mid].offset <= off)
				lo = mid;
			else
				hi = mid;
		}
		pos = src->frags[lo].pos;
		from = src->frags[lo].offset;
		if (from > off)
			return pos;
	}
	for (size_t i = from; i < off && src->text; i++) {
		unsigned char c = (unsigned char)src->text[i];
		if (c == '\n') {
			pos.line++;
			pos.col = 1;
		} else if ((c & 0xC0) != 0x80) {
			pos.col++;
		}
	}
	return pos;
}

static int reserve(struct sk_src_text *t, size_t add_len, unsigned add_frags)
{
	char *text = realloc(t->text, t->len + add_len + 1);
	if (!text)
		return -ENOMEM;
	t->text = text;
	if (add_frags) {
		struct sk_src_frag *f = realloc(t->frags, (t->nfrags + add_frags) * sizeof(*f));
		if (!f)
			return -ENOMEM;
		t->frags = f;
	}
	return 0;
}

int sk_src_text_append(struct sk_src_text *t, const char *s, size_t len, struct sk_pos pos)
{
	int rc = reserve(t, len, 1);
	if (rc)
		return rc;
	t->frags[t->nfrags++] = (struct sk_src_frag){.offset = t->len, .pos = pos};
	if (len)
		memcpy(t->text + t->len, s, len);
	t->len += len;
	t->text[t->len] = '\0';
	return 0;
}

int sk_src_text_append_src(struct sk_src_text *t, const struct sk_src_text *from)
{
	int rc = reserve(t, from->len, from->nfrags);
	if (rc)
		return rc;
	for (unsigned i = 0; i < from->nfrags; i++) {
		t->frags[t->nfrags] = from->frags[i];
		t->frags[t->nfrags++].offset += t->len;
	}
	if (from->len)
		memcpy(t->text + t->len, from->text, from->len);
	t->len += from->len;
	t->text[t->len] = '\0';
	return 0;
}

int sk_src_text_copy(struct sk_src_text *t, const struct sk_src_text *from)
{
	struct sk_src_text n;
	sk_src_text_init(&n);
	int rc = sk_src_text_append_src(&n, from);
	if (rc) {
		sk_src_text_fini(&n);
		return rc;
	}
	sk_src_text_fini(t);
	*t = n;
	return 0;
}
