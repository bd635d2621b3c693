/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libyaml event parser building the positioned node tree of yaml_doc.h.
 */
#include "yaml_doc.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

#include "rules.h"

struct ybuild {
	struct sk_ydoc *d;
	const char *file;
	const char *buf;
	size_t len;
	uint32_t *line_start; /* byte offset of each 0-based line */
	uint32_t nlines;
	struct sk_ynode *stack[SK_RULES_YAML_DEPTH + 1];
	unsigned depth;
	struct sk_ynode *root;
	bool
	    have_key[SK_RULES_YAML_DEPTH + 1]; /* map on the stack holds a key awaiting its value */
	char *err;
	size_t errlen;
	struct sk_pos *errpos;
};

static int build_line_table(struct ybuild *b)
{
	uint32_t n = 1;
	for (size_t i = 0; i < b->len; i++)
		n += b->buf[i] == '\n';
	b->line_start = sk_ast_arena_alloc(b->d->arena, n * sizeof(uint32_t));
	if (!b->line_start)
		return -ENOMEM;
	b->nlines = 0;
	b->line_start[b->nlines++] = 0;
	for (size_t i = 0; i < b->len; i++)
		if (b->buf[i] == '\n')
			b->line_start[b->nlines++] = (uint32_t)(i + 1);
	return 0;
}

/* Byte offset of a libyaml mark (0-based line, column in characters). */
static size_t mark_offset(const struct ybuild *b, const yaml_mark_t *m)
{
	if (m->line >= b->nlines)
		return b->len;
	size_t off = b->line_start[m->line];
	for (size_t col = 0; col < m->column && off < b->len && b->buf[off] != '\n'; col++) {
		off++;
		while (off < b->len && ((unsigned char)b->buf[off] & 0xC0) == 0x80)
			off++;
	}
	return off;
}

static struct sk_pos mark_pos(const struct ybuild *b, const yaml_mark_t *m)
{
	return (struct sk_pos){
	    .file = b->file, .line = (uint32_t)m->line + 1, .col = (uint32_t)m->column + 1};
}

static int fail(struct ybuild *b, struct sk_pos pos, const char *msg)
{
	snprintf(b->err, b->errlen, "%s", msg);
	*b->errpos = pos;
	return -EINVAL;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/*
 * Map a scalar's value back to its source span [s, e): every non-blank
 * value byte is found in order in the source; a break point starts wherever
 * the value stops being a contiguous copy of the source (folded lines,
 * stripped indentation, escapes). Unmatched bytes keep the last break.
 */
static int scalar_breaks(struct ybuild *b, struct sk_ynode *n, const yaml_event_t *ev)
{
	size_t s = mark_offset(b, &ev->start_mark), e = mark_offset(b, &ev->end_mark);
	yaml_scalar_style_t st = ev->data.scalar.style;
	uint32_t line = (uint32_t)ev->start_mark.line + 1,
		 col = (uint32_t)ev->start_mark.column + 1;
	if (st == YAML_LITERAL_SCALAR_STYLE || st == YAML_FOLDED_SCALAR_STYLE) {
		while (s < e && b->buf[s] != '\n')
			s++;
	} else if (st == YAML_SINGLE_QUOTED_SCALAR_STYLE || st == YAML_DOUBLE_QUOTED_SCALAR_STYLE) {
		s++;
		col++;
	}
	uint32_t cap = 8, nb = 0;
	struct sk_ybreak *brk = sk_ast_arena_alloc(b->d->arena, cap * sizeof(*brk));
	if (!brk)
		return -ENOMEM;
	size_t last_src = 0, last_val = 0;
	bool matched = false;
	for (uint32_t i = 0; i < n->len && s < e; i++) {
		if (is_blank(n->str[i]))
			continue;
		while (s < e && b->buf[s] != n->str[i]) {
			if (b->buf[s] == '\n') {
				line++;
				col = 1;
			} else if (((unsigned char)b->buf[s] & 0xC0) != 0x80) {
				col++;
			}
			s++;
		}
		if (s >= e)
			break;
		if (!matched || s - last_src != i - last_val) {
			if (nb == cap) {
				struct sk_ybreak *nbrk =
				    sk_ast_arena_alloc(b->d->arena, 2 * cap * sizeof(*brk));
				if (!nbrk)
					return -ENOMEM;
				memcpy(nbrk, brk, cap * sizeof(*brk));
				brk = nbrk;
				cap *= 2;
			}
			brk[nb++] = (struct sk_ybreak){
			    .off = i, .pos = {.file = b->file, .line = line, .col = col}};
		}
		matched = true;
		last_src = s;
		last_val = i;
		/* consume the matched byte */
		if (((unsigned char)b->buf[s] & 0xC0) != 0x80)
			col++;
		s++;
		last_src = s - 1;
	}
	n->brk = brk;
	n->nbrk = nb;
	return 0;
}

static struct sk_ynode *node_new(struct ybuild *b, enum sk_ynode_kind kind, const yaml_event_t *ev)
{
	struct sk_ynode *n = sk_ast_arena_alloc(b->d->arena, sizeof(*n));
	if (n) {
		n->kind = kind;
		n->pos = mark_pos(b, &ev->start_mark);
	}
	return n;
}

static int push_child(struct ybuild *b, struct sk_ynode *parent, struct sk_ynode ***arr,
		      struct sk_ynode *child)
{
	(void)b;
	if (parent->n == parent->cap) {
		uint32_t cap = parent->cap ? parent->cap * 2 : 4;
		struct sk_ynode **items = sk_ast_arena_alloc(b->d->arena, cap * sizeof(*items));
		struct sk_ynode **keys = NULL;
		if (!items)
			return -ENOMEM;
		if (parent->kind == SK_YNODE_MAP) {
			keys = sk_ast_arena_alloc(b->d->arena, cap * sizeof(*keys));
			if (!keys)
				return -ENOMEM;
			if (parent->n)
				memcpy(keys, parent->keys, parent->n * sizeof(*keys));
			parent->keys = keys;
		}
		if (parent->n)
			memcpy(items, parent->items, parent->n * sizeof(*items));
		parent->items = items;
		parent->cap = cap;
	}
	(*arr)[parent->n] = child;
	return 0;
}

/* Hang n under the innermost open sequence/map, or make it the document root. */
static int attach(struct ybuild *b, struct sk_ynode *n)
{
	if (b->depth == 0) {
		b->root = n;
		return 0;
	}
	struct sk_ynode *top = b->stack[b->depth - 1];
	int rc;
	if (top->kind == SK_YNODE_SEQ) {
		rc = push_child(b, top, &top->items, n);
		if (!rc)
			top->n++;
		return rc;
	}
	if (!b->have_key[b->depth - 1]) {
		/* stash the key in the slot past the end until its value arrives */
		rc = push_child(b, top, &top->keys, n);
		if (!rc)
			b->have_key[b->depth - 1] = true;
		return rc;
	}
	top->items[top->n++] = n;
	b->have_key[b->depth - 1] = false;
	return 0;
}

static int on_scalar(struct ybuild *b, const yaml_event_t *ev)
{
	struct sk_ynode *n = node_new(b, SK_YNODE_SCALAR, ev);
	if (!n)
		return -ENOMEM;
	n->str = sk_ast_arena_strndup(b->d->arena, (const char *)ev->data.scalar.value,
				      ev->data.scalar.length);
	if (!n->str)
		return -ENOMEM;
	n->len = (uint32_t)ev->data.scalar.length;
	n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
	int rc = scalar_breaks(b, n, ev);
	return rc ? rc : attach(b, n);
}

static int on_start(struct ybuild *b, const yaml_event_t *ev, enum sk_ynode_kind kind)
{
	if (b->depth >= SK_RULES_YAML_DEPTH) {
		char msg[96];
		snprintf(msg, sizeof(msg), "YAML nesting deeper than %u levels",
			 SK_RULES_YAML_DEPTH);
		return fail(b, mark_pos(b, &ev->start_mark), msg);
	}
	struct sk_ynode *n = node_new(b, kind, ev);
	if (!n)
		return -ENOMEM;
	int rc = attach(b, n);
	if (rc)
		return rc;
	b->have_key[b->depth] = false;
	b->stack[b->depth++] = n;
	return 0;
}

static int on_doc_end(struct ybuild *b)
{
	struct sk_ydoc *d = b->d;
	struct sk_ynode **docs = sk_ast_arena_alloc(d->arena, (d->ndocs + 1) * sizeof(*docs));
	if (!docs)
		return -ENOMEM;
	if (d->ndocs)
		memcpy(docs, d->docs, d->ndocs * sizeof(*docs));
	docs[d->ndocs++] = b->root;
	d->docs = docs;
	b->root = NULL;
	return 0;
}

static int parser_error(struct ybuild *b, const yaml_parser_t *p)
{
	char msg[256];
	const yaml_mark_t *m = p->problem ? &p->problem_mark : &p->mark;
	if (p->error == YAML_MEMORY_ERROR)
		return -ENOMEM;
	if (p->context)
		snprintf(msg, sizeof(msg), "invalid YAML: %s %s", p->problem ? p->problem : "error",
			 p->context);
	else
		snprintf(msg, sizeof(msg), "invalid YAML: %s", p->problem ? p->problem : "error");
	return fail(b, mark_pos(b, m), msg);
}

static int handle_event(struct ybuild *b, const yaml_event_t *ev)
{
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		return on_scalar(b, ev);
	case YAML_SEQUENCE_START_EVENT:
		return on_start(b, ev, SK_YNODE_SEQ);
	case YAML_MAPPING_START_EVENT:
		return on_start(b, ev, SK_YNODE_MAP);
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		if (b->depth)
			b->depth--;
		return 0;
	case YAML_ALIAS_EVENT:
		return fail(b, mark_pos(b, &ev->start_mark),
			    "YAML aliases are not supported in rules files");
	case YAML_DOCUMENT_END_EVENT:
		return on_doc_end(b);
	default:
		return 0;
	}
}

int sk_ydoc_parse(struct sk_ydoc *d, const char *file, const char *buf, size_t len, char *err,
		  size_t errlen, struct sk_pos *errpos)
{
	if (!buf) {
		buf = "";
		len = 0;
	}
	struct ybuild b = {.d = d,
			   .file = file,
			   .buf = buf,
			   .len = len,
			   .err = err,
			   .errlen = errlen,
			   .errpos = errpos};
	yaml_parser_t p;
	int rc;
	memset(d, 0, sizeof(*d));
	*errpos = (struct sk_pos){.file = file};
	if (err && errlen)
		err[0] = '\0';
	if (len > SK_RULES_FILE_MAX) {
		snprintf(err, errlen, "file is larger than %u bytes", SK_RULES_FILE_MAX);
		return -E2BIG;
	}
	rc = sk_ast_arena_new(&d->arena);
	if (rc)
		return rc;
	rc = build_line_table(&b);
	if (rc)
		return rc;
	if (!yaml_parser_initialize(&p))
		return -ENOMEM;
	yaml_parser_set_input_string(&p, (const unsigned char *)buf, len);
	for (;;) {
		yaml_event_t ev;
		if (!yaml_parser_parse(&p, &ev)) {
			rc = parser_error(&b, &p);
			break;
		}
		bool end = ev.type == YAML_STREAM_END_EVENT;
		rc = handle_event(&b, &ev);
		yaml_event_delete(&ev);
		if (rc || end)
			break;
	}
	yaml_parser_delete(&p);
	return rc;
}

void sk_ydoc_fini(struct sk_ydoc *d)
{
	sk_ast_arena_free(d->arena);
	memset(d, 0, sizeof(*d));
}

const struct sk_ynode *sk_ynode_get(const struct sk_ynode *map, const char *key)
{
	if (!map || map->kind != SK_YNODE_MAP)
		return NULL;
	for (uint32_t i = 0; i < map->n; i++) {
		const struct sk_ynode *k = map->keys[i];
		if (k->kind == SK_YNODE_SCALAR && strcmp(k->str, key) == 0)
			return map->items[i];
	}
	return NULL;
}

bool sk_ynode_is_null(const struct sk_ynode *n)
{
	if (!n || n->kind != SK_YNODE_SCALAR || !n->plain)
		return false;
	return n->len == 0 || !strcmp(n->str, "~") || !strcmp(n->str, "null") ||
	       !strcmp(n->str, "Null") || !strcmp(n->str, "NULL");
}

int sk_ynode_bool(const struct sk_ynode *n, bool *out)
{
	static const char *const yes[] = {"true", "True", "TRUE", "yes", "Yes", "YES",
					  "on",	  "On",	  "ON",	  "y",	 "Y"};
	static const char *const no[] = {"false", "False", "FALSE", "no", "No", "NO",
					 "off",	  "Off",   "OFF",   "n",  "N"};
	if (!n || n->kind != SK_YNODE_SCALAR || !n->plain)
		return -EINVAL;
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (!strcmp(n->str, yes[i])) {
			*out = true;
			return 0;
		}
		if (!strcmp(n->str, no[i])) {
			*out = false;
			return 0;
		}
	}
	return -EINVAL;
}

const char *sk_ynode_kind_name(const struct sk_ynode *n)
{
	switch (n->kind) {
	case SK_YNODE_SCALAR:
		return "scalar";
	case SK_YNODE_SEQ:
		return "sequence";
	case SK_YNODE_MAP:
		return "map";
	}
	return "?";
}
