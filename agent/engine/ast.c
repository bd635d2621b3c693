/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The AST arena (a bump allocator freed at once), operator names, and the
 * printer that writes an AST back as canonical condition text.
 */
#include "ast.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_BLOCK (64u * 1024u)
#define ARENA_ALIGN 16u

struct arena_block {
	struct arena_block *next;
	size_t used, cap;
	_Alignas(ARENA_ALIGN) unsigned char data[];
};

struct sk_ast_arena {
	struct arena_block *head;
};

#define SK_CMP_NAME(id, text) text,
static const char *const cmp_names[] = {SK_CMP_OPS(SK_CMP_NAME)};
#undef SK_CMP_NAME

#define SK_XFORM_NAME(id, text) text,
static const char *const xform_names[] = {SK_TRANSFORMERS(SK_XFORM_NAME)};
#undef SK_XFORM_NAME

const char *sk_cmp_op_name(enum sk_cmp_op op)
{
	if ((unsigned)op >= SK_CMP_COUNT)
		return "?";
	return cmp_names[op];
}

const char *sk_xform_name(enum sk_xform x)
{
	if (x < 0 || x >= SK_XFORM_COUNT)
		return NULL;
	return xform_names[x];
}

/* Creates an empty arena; the caller frees it with sk_ast_arena_free(). */
int sk_ast_arena_new(struct sk_ast_arena **out)
{
	*out = calloc(1, sizeof(**out));
	return *out ? 0 : -ENOMEM;
}

/* Frees every node and string allocated from a (NULL is fine). */
void sk_ast_arena_free(struct sk_ast_arena *a)
{
	if (!a)
		return;
	struct arena_block *b = a->head;
	while (b) {
		struct arena_block *next = b->next;
		free(b);
		b = next;
	}
	free(a);
}

/* Zeroed, 16-byte aligned memory owned by a; NULL when out of memory. */
void *sk_ast_arena_alloc(struct sk_ast_arena *a, size_t size)
{
	size = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	struct arena_block *b = a->head;
	if (!b || b->cap - b->used < size) {
		size_t cap = size > ARENA_BLOCK ? size : ARENA_BLOCK;
		b = malloc(sizeof(*b) + cap);
		if (!b)
			return NULL;
		b->used = 0;
		b->cap = cap;
		/* A big one-off block goes behind the head so the head keeps its free space. */
		if (a->head && size > ARENA_BLOCK) {
			b->next = a->head->next;
			a->head->next = b;
		} else {
			b->next = a->head;
			a->head = b;
		}
	}
	void *p = b->data + b->used;
	b->used += size;
	memset(p, 0, size);
	return p;
}

/* NUL-terminated copy of s[0..len) owned by a; NULL when out of memory. */
char *sk_ast_arena_strndup(struct sk_ast_arena *a, const char *s, size_t len)
{
	char *p = sk_ast_arena_alloc(a, len + 1);
	if (!p)
		return NULL;
	if (len)
		memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

/* ---- printer ---- */

struct printer {
	char *out;
	size_t cap, len;
};

static void pr_mem(struct printer *p, const char *s, size_t n)
{
	if (p->len < p->cap) {
		size_t room = p->cap - p->len;
		memcpy(p->out + p->len, s, n < room ? n : room);
	}
	p->len += n;
}

static void pr_str(struct printer *p, const char *s)
{
	pr_mem(p, s, strlen(s));
}

/* A value may be written bare when the lexer would read it back whole. */
static bool bare_ok(const char *s, uint32_t len)
{
	if (!len)
		return false;
	for (uint32_t i = 0; i < len; i++)
		if (strchr(" \t\n\r\f\v(),=\"'", s[i]) || s[i] == '\0')
			return false;
	return true;
}

static void pr_quoted(struct printer *p, const char *s, uint32_t len)
{
	pr_mem(p, "\"", 1);
	for (uint32_t i = 0; i < len; i++) {
		char c = s[i];
		const char *esc = NULL;
		switch (c) {
		case '"':
			esc = "\\\"";
			break;
		case '\\':
			esc = "\\\\";
			break;
		case '\n':
			esc = "\\n";
			break;
		case '\r':
			esc = "\\r";
			break;
		case '\t':
			esc = "\\t";
			break;
		default:
			break;
		}
		if (esc)
			pr_str(p, esc);
		else
			pr_mem(p, &c, 1);
	}
	pr_mem(p, "\"", 1);
}

static void pr_value(struct printer *p, const struct sk_ast_value *v)
{
	if (!v->quoted && bare_ok(v->text, v->len))
		pr_mem(p, v->text, v->len);
	else
		pr_quoted(p, v->text, v->len);
}

static bool arg_bare_ok(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (strchr(" \t\n\r[]\"'", *s))
			return false;
	return true;
}

static void pr_field(struct printer *p, const struct sk_ast_field *f, bool rhs)
{
	if (rhs && f->nxforms == 0)
		pr_str(p, "val(");
	for (unsigned i = 0; i < f->nxforms; i++) {
		const char *x = sk_xform_name((enum sk_xform)f->xforms[i]);
		pr_str(p, x ? x : "?");
		pr_str(p, "(");
	}
	pr_str(p, f->name ? f->name : "?");
	if (f->arg) {
		pr_str(p, "[");
		if (arg_bare_ok(f->arg))
			pr_str(p, f->arg);
		else
			pr_quoted(p, f->arg, (uint32_t)strlen(f->arg));
		pr_str(p, "]");
	}
	for (unsigned i = 0; i < f->nxforms; i++)
		pr_str(p, ")");
	if (rhs && f->nxforms == 0)
		pr_str(p, ")");
}

static void pr_check(struct printer *p, const struct sk_ast_node *n)
{
	pr_field(p, &n->lhs, false);
	pr_str(p, " ");
	pr_str(p, sk_cmp_op_name(n->op));
	switch (n->rhs_kind) {
	case SK_RHS_NONE:
		break;
	case SK_RHS_VALUE:
		pr_str(p, " ");
		if (n->nvalues)
			pr_value(p, &n->values[0]);
		break;
	case SK_RHS_LIST:
		pr_str(p, " (");
		for (uint32_t i = 0; i < n->nvalues; i++) {
			if (i)
				pr_str(p, ", ");
			pr_value(p, &n->values[i]);
		}
		pr_str(p, ")");
		break;
	case SK_RHS_FIELD:
		pr_str(p, " ");
		pr_field(p, &n->rhs_field, true);
		break;
	}
}

static void pr_node(struct printer *p, const struct sk_ast_node *n);

/* Child of and/or/not: parenthesised when it is itself an and/or. */
static void pr_child(struct printer *p, const struct sk_ast_node *c)
{
	bool paren = c->kind == SK_AST_AND || c->kind == SK_AST_OR;
	if (paren)
		pr_str(p, "(");
	pr_node(p, c);
	if (paren)
		pr_str(p, ")");
}

static void pr_node(struct printer *p, const struct sk_ast_node *n)
{
	switch (n->kind) {
	case SK_AST_AND:
	case SK_AST_OR:
		for (uint32_t i = 0; i < n->nchildren; i++) {
			if (i)
				pr_str(p, n->kind == SK_AST_AND ? " and " : " or ");
			pr_child(p, n->children[i]);
		}
		break;
	case SK_AST_NOT:
		pr_str(p, "not ");
		if (n->nchildren)
			pr_child(p, n->children[0]);
		break;
	case SK_AST_CHECK:
		pr_check(p, n);
		break;
	case SK_AST_MACRO_REF:
		pr_str(p, n->macro);
		break;
	case SK_AST_BOOL:
		pr_str(p, n->boolean ? "true" : "false");
		break;
	}
}

size_t sk_ast_print(const struct sk_ast_node *n, char *out, size_t cap)
{
	struct printer p = {.out = out, .cap = cap, .len = 0};
	if (n)
		pr_node(&p, n);
	if (cap)
		out[p.len < cap ? p.len : cap - 1] = '\0';
	return p.len;
}
