/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Recursive-descent parser for Falco conditions (the libsinsp filter
 * language). One function per grammar rule, the rule written above it.
 * Precedence, lowest first: or, and, not. Depth is bounded by
 * SK_COND_MAX_DEPTH, size by SK_COND_MAX_LEN and list literals by
 * SK_COND_MAX_LIST.
 */
#include <errno.h>
#include <string.h>

#include "ast.h"
#include "lex.h"
#include "rules.h"

/* A growable array of node pointers living in the arena. */
struct nodevec {
	struct sk_ast_node **v;
	uint32_t n, cap;
};

static int nodevec_push(struct sk_lex *l, struct nodevec *nv, struct sk_ast_node *n)
{
	if (nv->n == nv->cap) {
		uint32_t cap = nv->cap ? nv->cap * 2 : 4;
		struct sk_ast_node **v = sk_ast_arena_alloc(l->a, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		if (nv->n)
			memcpy(v, nv->v, nv->n * sizeof(*v));
		nv->v = v;
		nv->cap = cap;
	}
	nv->v[nv->n++] = n;
	return 0;
}

static struct sk_ast_node *node_new(struct sk_lex *l, enum sk_ast_kind kind, size_t off)
{
	struct sk_ast_node *n = sk_ast_arena_alloc(l->a, sizeof(*n));
	if (n) {
		n->kind = kind;
		n->pos = sk_lex_pos(l, off);
	}
	return n;
}

static int enter(struct sk_lex *l, size_t off)
{
	if (++l->depth > SK_COND_MAX_DEPTH)
		return sk_lex_error(l, off, "condition nested deeper than %u levels",
				    SK_COND_MAX_DEPTH);
	return 0;
}

static void leave(struct sk_lex *l)
{
	l->depth--;
}

static enum sk_xform xform_at(const struct sk_lex *l, size_t n)
{
	for (int x = 0; x < SK_XFORM_COUNT; x++) {
		const char *name = sk_xform_name((enum sk_xform)x);
		if (strlen(name) == n && !memcmp(l->s + l->off, name, n))
			return (enum sk_xform)x;
	}
	return SK_XFORM_NONE;
}

static bool is_word(const struct sk_lex *l, size_t n, const char *w)
{
	return strlen(w) == n && !memcmp(l->s + l->off, w, n);
}

static int parse_or(struct sk_lex *l, struct sk_ast_node **out);

/* field ::= NAME ['[' arg ']']      NAME ::= ident ('.' ident)+ */
static int parse_field_name(struct sk_lex *l, struct sk_ast_field *f)
{
	size_t n = sk_lex_field_len(l);
	if (!n)
		return sk_lex_error(l, l->off, "expected a field name");
	f->name = sk_ast_arena_strndup(l->a, l->s + l->off, n);
	if (!f->name)
		return -ENOMEM;
	l->off += n;
	if (l->off < l->len && l->s[l->off] == '[') {
		size_t open = l->off++;
		int rc = sk_lex_field_arg(l, &f->arg);
		if (rc)
			return rc;
		if (l->off >= l->len || l->s[l->off] != ']')
			return sk_lex_error(l, open, "expected ']' closing the field argument");
		l->off++;
	}
	return 0;
}

/* operand ::= field | XFORM '(' operand ')'      XFORM ::= tolower | toupper | b64 | basename | len
 */
static int parse_operand(struct sk_lex *l, struct sk_ast_field *f)
{
	sk_lex_skip_blank(l);
	size_t start = l->off;
	size_t n = sk_lex_ident_len(l);
	enum sk_xform x = n ? xform_at(l, n) : SK_XFORM_NONE;
	if (x == SK_XFORM_NONE || l->off + n >= l->len || l->s[l->off + n] != '(') {
		f->pos = sk_lex_pos(l, start);
		return parse_field_name(l, f);
	}
	if (f->nxforms >= SK_AST_MAX_XFORMS)
		return sk_lex_error(l, start, "more than %u nested transformers",
				    SK_AST_MAX_XFORMS);
	int rc = enter(l, start);
	if (rc)
		return rc;
	f->xforms[f->nxforms++] = (int8_t)x;
	l->off += n + 1;
	rc = parse_operand(l, f);
	if (rc)
		return rc;
	if (!sk_lex_accept(l, ')'))
		return sk_lex_error(l, l->off, "expected ')' closing %s(", sk_xform_name(x));
	leave(l);
	f->pos = sk_lex_pos(l, start);
	return 0;
}

static int push_value(struct sk_lex *l, struct sk_ast_node *c, uint32_t *cap, size_t off)
{
	if (c->nvalues >= SK_COND_MAX_LIST)
		return sk_lex_error(l, off, "list has more than %u values", SK_COND_MAX_LIST);
	if (c->nvalues == *cap) {
		uint32_t ncap = *cap ? *cap * 2 : 8;
		struct sk_ast_value *v = sk_ast_arena_alloc(l->a, ncap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		if (c->nvalues)
			memcpy(v, c->values, c->nvalues * sizeof(*v));
		c->values = v;
		*cap = ncap;
	}
	return sk_lex_value(l, &c->values[c->nvalues++]);
}

/* list_items ::= [ list_item { ',' list_item } ]      list_item ::= value | '(' list_items ')' */
static int parse_list_items(struct sk_lex *l, struct sk_ast_node *c, uint32_t *cap)
{
	if (sk_lex_peek(l, ')'))
		return 0;
	for (;;) {
		size_t off = l->off;
		int rc;
		if (sk_lex_accept(l, '(')) {
			rc = enter(l, off);
			if (!rc)
				rc = parse_list_items(l, c, cap);
			if (rc)
				return rc;
			if (!sk_lex_accept(l, ')'))
				return sk_lex_error(l, l->off, "expected ',' or ')' in list");
			leave(l);
		} else {
			rc = push_value(l, c, cap, off);
			if (rc)
				return rc;
		}
		if (!sk_lex_accept(l, ','))
			return 0;
	}
}

/* list_value ::= '(' list_items ')' | LISTNAME */
static int parse_list_value(struct sk_lex *l, struct sk_ast_node *c)
{
	uint32_t cap = 0;
	c->rhs_kind = SK_RHS_LIST;
	sk_lex_skip_blank(l);
	size_t open = l->off;
	if (!sk_lex_accept(l, '(')) {
		if (l->off < l->len && (l->s[l->off] == '"' || l->s[l->off] == '\''))
			return sk_lex_error(l, l->off, "expected '(' or a list name");
		return push_value(l, c, &cap, l->off);
	}
	int rc = enter(l, open);
	if (!rc)
		rc = parse_list_items(l, c, &cap);
	if (rc)
		return rc;
	if (!sk_lex_accept(l, ')'))
		return sk_lex_error(l, l->off, "expected ',' or ')' in list");
	leave(l);
	return 0;
}

/* rhs ::= 'val' '(' field ')' | XFORM '(' operand ')' | value */
static int parse_rhs(struct sk_lex *l, struct sk_ast_node *c)
{
	sk_lex_skip_blank(l);
	size_t start = l->off, n = sk_lex_ident_len(l);
	bool call = n && l->off + n < l->len && l->s[l->off + n] == '(';
	if (call && is_word(l, n, "val")) {
		int rc = enter(l, start);
		if (rc)
			return rc;
		l->off += n + 1;
		c->rhs_kind = SK_RHS_FIELD;
		sk_lex_skip_blank(l);
		c->rhs_field.pos = sk_lex_pos(l, l->off);
		rc = parse_field_name(l, &c->rhs_field);
		if (rc)
			return rc;
		if (!sk_lex_accept(l, ')'))
			return sk_lex_error(l, l->off, "expected ')' closing val(");
		leave(l);
		return 0;
	}
	if (call && xform_at(l, n) != SK_XFORM_NONE) {
		c->rhs_kind = SK_RHS_FIELD;
		return parse_operand(l, &c->rhs_field);
	}
	c->rhs_kind = SK_RHS_VALUE;
	uint32_t cap = 0;
	return push_value(l, c, &cap, start);
}

static bool is_list_op(enum sk_cmp_op op)
{
	return op == SK_CMP_IN || op == SK_CMP_INTERSECTS || op == SK_CMP_PMATCH;
}

/* Modifiers of a comparison (libs 0.25, Falco 0.44): "startswith anyof (a, b)". */
enum modifier { MOD_NONE, MOD_ANYOF, MOD_ALLOF, MOD_ONEOF };

/* A check of c's operand and operator against c's value i alone. */
static struct sk_ast_node *check_of_value(struct sk_lex *l, const struct sk_ast_node *c,
					  uint32_t i, bool negate)
{
	struct sk_ast_node *k = sk_ast_arena_alloc(l->a, sizeof(*k));
	if (!k)
		return NULL;
	*k = *c;
	k->rhs_kind = SK_RHS_VALUE;
	k->values = &c->values[i];
	k->nvalues = 1;
	if (!negate)
		return k;
	struct sk_ast_node *n = sk_ast_arena_alloc(l->a, sizeof(*n));
	if (!n || !(n->children = sk_ast_arena_alloc(l->a, sizeof(*n->children))))
		return NULL;
	n->kind = SK_AST_NOT;
	n->pos = c->pos;
	n->children[0] = k;
	n->nchildren = 1;
	return n;
}

static struct sk_ast_node *junction(struct sk_lex *l, enum sk_ast_kind kind, struct sk_pos pos,
				    uint32_t n)
{
	struct sk_ast_node *j = sk_ast_arena_alloc(l->a, sizeof(*j));
	if (!j || !(j->children = sk_ast_arena_alloc(l->a, n * sizeof(*j->children))))
		return NULL;
	j->kind = kind;
	j->pos = pos;
	j->nchildren = n;
	return j;
}

/*
 * Rewrite "F op MOD (v1, ..., vn)" into plain checks: anyof is
 * (F op v1 or ...), allof (F op v1 and ...), oneof the disjunction over i of
 * (F op vi and not F op vj for every j != i). One value is the check itself.
 */
static int expand_modifier(struct sk_lex *l, struct sk_ast_node *c, enum modifier mod,
			   struct sk_ast_node **out)
{
	uint32_t n = c->nvalues;
	if (n == 1) {
		*out = check_of_value(l, c, 0, false);
		return *out ? 0 : -ENOMEM;
	}
	struct sk_ast_node *top = junction(l, mod == MOD_ALLOF ? SK_AST_AND : SK_AST_OR, c->pos, n);
	if (!top)
		return -ENOMEM;
	for (uint32_t i = 0; i < n; i++) {
		if (mod != MOD_ONEOF) {
			if (!(top->children[i] = check_of_value(l, c, i, false)))
				return -ENOMEM;
			continue;
		}
		struct sk_ast_node *only = junction(l, SK_AST_AND, c->pos, n);
		if (!only)
			return -ENOMEM;
		for (uint32_t j = 0; j < n; j++)
			if (!(only->children[j] = check_of_value(l, c, j, j != i)))
				return -ENOMEM;
		top->children[i] = only;
	}
	*out = top;
	return 0;
}

/* Most values a oneof may list: its expansion grows with the square. */
#define SK_COND_MAX_ONEOF 64u

/*
 * condition ::= 'exists' | listop list_value | cmpop [modifier list_value | rhs]
 * modifier  ::= 'anyof' | 'allof' | 'oneof'
 */
static int parse_condition(struct sk_lex *l, struct sk_ast_node *c, enum modifier *mod)
{
	sk_lex_skip_blank(l);
	size_t off = l->off;
	*mod = MOD_NONE;
	if (!sk_lex_cmp_op(l, &c->op))
		return sk_lex_error(l, off, "expected an operator");
	if (c->op == SK_CMP_EXISTS) {
		c->rhs_kind = SK_RHS_NONE;
		return 0;
	}
	if (is_list_op(c->op))
		return parse_list_value(l, c);
	sk_lex_skip_blank(l);
	size_t moff = l->off;
	if (sk_lex_keyword(l, "anyof", false))
		*mod = MOD_ANYOF;
	else if (sk_lex_keyword(l, "allof", false))
		*mod = MOD_ALLOF;
	else if (sk_lex_keyword(l, "oneof", false))
		*mod = MOD_ONEOF;
	else
		return parse_rhs(l, c);
	sk_lex_skip_blank(l);
	if (!sk_lex_peek(l, '('))
		return sk_lex_error(l, l->off, "expected '(' after the modifier");
	int rc = parse_list_value(l, c);
	if (rc)
		return rc;
	if (c->nvalues == 0)
		return sk_lex_error(l, moff, "a modifier needs at least one value");
	if (*mod == MOD_ONEOF && c->nvalues > SK_COND_MAX_ONEOF)
		return sk_lex_error(l, moff, "oneof takes at most %u values", SK_COND_MAX_ONEOF);
	return 0;
}

/* check ::= '(' or_expr ')' | operand condition | MACRO */
static int parse_check(struct sk_lex *l, struct sk_ast_node **out)
{
	sk_lex_skip_blank(l);
	size_t start = l->off;
	int rc;
	if (sk_lex_accept(l, '(')) {
		rc = enter(l, start);
		if (!rc)
			rc = parse_or(l, out);
		if (rc)
			return rc;
		if (!sk_lex_accept(l, ')'))
			return sk_lex_error(l, l->off, "expected ')' closing the '(' at %u:%u",
					    (unsigned)sk_lex_pos(l, start).line,
					    (unsigned)sk_lex_pos(l, start).col);
		leave(l);
		return 0;
	}
	size_t n = sk_lex_ident_len(l);
	bool call = n && l->off + n < l->len && l->s[l->off + n] == '(';
	if (!sk_lex_field_len(l) && !(call && xform_at(l, n) != SK_XFORM_NONE)) {
		if (!n || is_word(l, n, "and") || is_word(l, n, "or") || is_word(l, n, "not"))
			return sk_lex_error(l, start, "expected a field, a macro name or '('");
		struct sk_ast_node *m = node_new(l, SK_AST_MACRO_REF, start);
		if (!m || !(m->macro = sk_ast_arena_strndup(l->a, l->s + start, n)))
			return -ENOMEM;
		l->off += n;
		*out = m;
		return 0;
	}
	struct sk_ast_node *c = node_new(l, SK_AST_CHECK, start);
	if (!c)
		return -ENOMEM;
	enum modifier mod;
	rc = parse_operand(l, &c->lhs);
	if (!rc)
		rc = parse_condition(l, c, &mod);
	if (rc)
		return rc;
	if (mod != MOD_NONE)
		return expand_modifier(l, c, mod, out);
	*out = c;
	return 0;
}

/* not_expr ::= 'not' not_expr | check */
static int parse_not(struct sk_lex *l, struct sk_ast_node **out)
{
	sk_lex_skip_blank(l);
	size_t start = l->off;
	if (!sk_lex_keyword(l, "not", true))
		return parse_check(l, out);
	struct sk_ast_node *n = node_new(l, SK_AST_NOT, start);
	if (!n || !(n->children = sk_ast_arena_alloc(l->a, sizeof(*n->children))))
		return -ENOMEM;
	int rc = enter(l, start);
	if (!rc)
		rc = parse_not(l, &n->children[0]);
	if (rc)
		return rc;
	leave(l);
	n->nchildren = 1;
	*out = n;
	return 0;
}

typedef int (*parse_fn)(struct sk_lex *l, struct sk_ast_node **out);

/* Shared by and/or: sub { word sub }, flattened into one node of kind. */
static int parse_chain(struct sk_lex *l, struct sk_ast_node **out, const char *word,
		       enum sk_ast_kind kind, parse_fn sub)
{
	struct nodevec nv = {0};
	struct sk_ast_node *first;
	int rc = sub(l, &first);
	if (rc)
		return rc;
	if (!sk_lex_keyword(l, word, true)) {
		*out = first;
		return 0;
	}
	rc = nodevec_push(l, &nv, first);
	do {
		struct sk_ast_node *next;
		if (!rc)
			rc = sub(l, &next);
		if (!rc)
			rc = nodevec_push(l, &nv, next);
	} while (!rc && sk_lex_keyword(l, word, true));
	if (rc)
		return rc;
	struct sk_ast_node *n = sk_ast_arena_alloc(l->a, sizeof(*n));
	if (!n)
		return -ENOMEM;
	n->kind = kind;
	n->pos = first->pos;
	n->children = nv.v;
	n->nchildren = nv.n;
	*out = n;
	return 0;
}

/* and_expr ::= not_expr { 'and' not_expr } */
static int parse_and(struct sk_lex *l, struct sk_ast_node **out)
{
	return parse_chain(l, out, "and", SK_AST_AND, parse_not);
}

/* or_expr ::= and_expr { 'or' and_expr } */
static int parse_or(struct sk_lex *l, struct sk_ast_node **out)
{
	return parse_chain(l, out, "or", SK_AST_OR, parse_and);
}

/* condition_text ::= or_expr <eof> */
static int parse_text(struct sk_lex *l, struct sk_ast_node **out)
{
	if (l->len > SK_COND_MAX_LEN) {
		sk_lex_error(l, 0, "condition longer than %u bytes", SK_COND_MAX_LEN);
		return -E2BIG;
	}
	const char *nul = memchr(l->s, '\0', l->len);
	if (nul)
		return sk_lex_error(l, (size_t)(nul - l->s), "NUL byte in condition");
	if (sk_lex_at_end(l))
		return sk_lex_error(l, l->off, "empty condition");
	struct sk_ast_node *n;
	int rc = parse_or(l, &n);
	if (rc)
		return rc;
	if (!sk_lex_at_end(l))
		return sk_lex_error(l, l->off, "expected 'and', 'or' or the end of the condition");
	*out = n;
	return 0;
}

int sk_cond_parse_pos(struct sk_ast_arena *a, const struct sk_src_text *src,
		      struct sk_ast_node **out, struct sk_pos *errpos, char *err, size_t errlen)
{
	struct sk_lex l;
	sk_lex_init(&l, src, a, err, errlen);
	l.err_no_pos = errpos != NULL;
	*out = NULL;
	if (errlen)
		err[0] = '\0';
	int rc = parse_text(&l, out);
	if (rc == -ENOMEM) {
		l.errpos = sk_lex_pos(&l, 0);
		if (errlen)
			snprintf(err, errlen, "out of memory parsing condition");
	}
	if (rc && errpos)
		*errpos = l.errpos;
	return rc;
}

int sk_cond_parse(struct sk_ast_arena *a, const struct sk_src_text *src, struct sk_ast_node **out,
		  char *err, size_t errlen)
{
	return sk_cond_parse_pos(a, src, out, NULL, err, errlen);
}
