/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The condition compiler: a rule's condition AST (plus its exceptions) →
 * a program of struct sk_node (filter.h). Macros are inlined by reference
 * (each macro parsed once per compilation, cycles and undefined names are
 * errors), exceptions are appended as Falco's condition text (built by the
 * loader's sk_rules_exception_cond), list names are expanded (nested
 * lists, names inside literal lists), fields are resolved through the
 * registry with their arguments prepared, and constants are converted to
 * the field's type at load time, so that evaluation never parses.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <errno.h>
#include <pcre2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter.h"

#define SK_COMPILE_ERR_MAX 512u

struct cctx {
	struct sk_rules *rules; /* may be NULL (bare conditions) */
	const struct sk_field_registry *reg;
	const char *source;
	struct sk_filter *f;
	struct sk_ast_arena *arena;
	struct sk_ast_node **macro_ast; /* per macro, parsed lazily */
	uint8_t *macro_state;		/* 0 unseen, 1 parsed, 2 being inlined */
	const char *stack[SK_FILTER_MAX_MACRO_DEPTH];
	unsigned depth;
	/* first error */
	char err[SK_COMPILE_ERR_MAX];
	struct sk_pos errpos;
	bool failed;
	bool unknown_field;
	/* warnings */
	struct sk_diags *diags;
	const char *item;
	unsigned nodes, nest;			    /* program size and current depth (caps) */
	const struct sk_field *deprecated_seen[16]; /* warned once per rule */
	unsigned ndeprecated_seen;
};

static void fail(struct cctx *c, struct sk_pos pos, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void fail(struct cctx *c, struct sk_pos pos, const char *fmt, ...)
{
	if (c->failed)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->err, sizeof(c->err), fmt, ap);
	va_end(ap);
	c->errpos = pos;
	c->failed = true;
}

static void warn(struct cctx *c, enum sk_diag_code code, struct sk_pos pos, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/*
 * A warning is reported once per place in the files: a macro used by many
 * rules warns for the first of them only.
 */
static bool warned_here(const struct sk_diags *d, enum sk_diag_code code, struct sk_pos pos)
{
	for (unsigned i = 0; i < d->n; i++) {
		const struct sk_diag *g = &d->v[i];
		if (g->code == code && g->pos.line == pos.line && g->pos.col == pos.col &&
		    (g->pos.file == pos.file ||
		     (g->pos.file && pos.file && !strcmp(g->pos.file, pos.file))))
			return true;
	}
	return false;
}

static void warn(struct cctx *c, enum sk_diag_code code, struct sk_pos pos, const char *fmt, ...)
{
	if (!c->diags || warned_here(c->diags, code, pos))
		return;
	char msg[SK_DIAG_MSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	sk_diags_add(c->diags, SK_DIAG_WARNING, code, pos, c->item, "%s", msg);
}

static void *palloc(struct cctx *c, size_t size)
{
	void *p = sk_pool_alloc(c->f->pool, size);
	if (!p)
		fail(c, (struct sk_pos){0}, "out of memory");
	return p;
}

static char *pstrndup(struct cctx *c, const char *s, size_t len)
{
	char *p = sk_pool_strndup(c->f->pool, s, len);
	if (!p)
		fail(c, (struct sk_pos){0}, "out of memory");
	return p;
}

/* ---- macros ------------------------------------------------------------ */

static struct sk_node *compile_ast(struct cctx *c, const struct sk_ast_node *a);
static struct sk_node *compile_check(struct cctx *c, const struct sk_ast_node *a);

static int macro_index(struct cctx *c, const char *name)
{
	if (!c->rules)
		return -1;
	for (unsigned i = 0; i < c->rules->nmacros; i++)
		if (!strcmp(c->rules->macros[i].name, name))
			return (int)i;
	return -1;
}

static struct sk_node *compile_macro_ref(struct cctx *c, const struct sk_ast_node *a)
{
	int mi = macro_index(c, a->macro);
	if (mi < 0) {
		/* A boolean field written without operator ("proc.is_exe_upper_layer"). */
		struct sk_field_ref ref;
		if (strchr(a->macro, '.') &&
		    sk_field_registry_find(c->reg, c->source, a->macro, strlen(a->macro), &ref) ==
			0 &&
		    (ref.field->flags & SK_FIELD_NO_RHS)) {
			struct sk_ast_node *chk = sk_ast_arena_alloc(c->arena, sizeof(*chk));
			struct sk_ast_value *v = sk_ast_arena_alloc(c->arena, sizeof(*v));
			if (!chk || !v) {
				fail(c, a->pos, "out of memory");
				return NULL;
			}
			chk->kind = SK_AST_CHECK;
			chk->pos = a->pos;
			chk->lhs.pos = a->pos;
			chk->lhs.name = a->macro;
			chk->op = SK_CMP_EQ;
			chk->rhs_kind = SK_RHS_VALUE;
			v->pos = a->pos;
			v->text = "true";
			v->len = 4;
			chk->values = v;
			chk->nvalues = 1;
			return compile_check(c, chk);
		}
		fail(c, a->pos, "undefined macro '%s'", a->macro);
		return NULL;
	}
	struct sk_rules_macro *m = &c->rules->macros[mi];
	m->used = true;
	if (c->macro_state[mi] == 2) {
		char chain[SK_COMPILE_ERR_MAX] = "";
		size_t n = 0;
		for (unsigned i = 0; i < c->depth && n < sizeof(chain); i++)
			n += (size_t)snprintf(chain + n, sizeof(chain) - n, "%s -> ", c->stack[i]);
		fail(c, a->pos, "macro '%s' is recursive: %s%s", m->name, chain, m->name);
		return NULL;
	}
	if (c->depth >= SK_FILTER_MAX_MACRO_DEPTH) {
		fail(c, a->pos, "macros nested deeper than %u", SK_FILTER_MAX_MACRO_DEPTH);
		return NULL;
	}
	if (c->macro_state[mi] == 0) {
		char perr[SK_COMPILE_ERR_MAX];
		struct sk_pos epos = m->pos;
		struct sk_ast_node *root = NULL;
		if (sk_cond_parse_pos(c->arena, &m->cond, &root, &epos, perr, sizeof(perr)) != 0) {
			fail(c, epos, "%s (in macro '%s')", perr, m->name);
			return NULL;
		}
		c->macro_ast[mi] = root;
		c->macro_state[mi] = 1;
	}
	c->macro_state[mi] = 2;
	c->stack[c->depth++] = m->name;
	struct sk_node *n = compile_ast(c, c->macro_ast[mi]);
	c->depth--;
	c->macro_state[mi] = 1;
	return n;
}

/* ---- fields ------------------------------------------------------------ */

static bool xform_type(int x, uint8_t *type, bool *list)
{
	enum sk_tclass tc = sk_type_class(*type);
	switch (x) {
	case SK_XFORM_LEN:
		*type = PT_UINT64;
		*list = false;
		return true;
	case SK_XFORM_B64:
		if (tc != SK_TC_STR && tc != SK_TC_BYTES)
			return false;
		*type = PT_CHARBUF;
		return true;
	case SK_XFORM_TOLOWER:
	case SK_XFORM_TOUPPER:
	case SK_XFORM_BASENAME:
		return tc == SK_TC_STR;
	default:
		return false;
	}
}

static const char *operand_text(struct cctx *c, const struct sk_ast_field *af)
{
	char buf[SK_FIELD_NAME_MAX * 2 + 64];
	size_t n = 0;
	for (unsigned i = 0; i < af->nxforms && n < sizeof(buf); i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s(",
				      sk_xform_name((enum sk_xform)af->xforms[i]));
	n += (size_t)snprintf(n < sizeof(buf) ? buf + n : NULL,
			      n < sizeof(buf) ? sizeof(buf) - n : 0, "%s%s%s%s", af->name,
			      af->arg ? "[" : "", af->arg ? af->arg : "", af->arg ? "]" : "");
	for (unsigned i = 0; i < af->nxforms && n + 1 < sizeof(buf); i++)
		buf[n++] = ')';
	if (n >= sizeof(buf))
		n = sizeof(buf) - 1;
	buf[n] = '\0';
	return pstrndup(c, buf, n);
}

/*
 * Resolve a field with its argument through the registry and prepare it.
 * Unknown fields set c->unknown_field so skip-if-unknown-filter can apply.
 */
static bool resolve_field(struct cctx *c, const char *name, const char *arg, struct sk_pos pos,
			  struct sk_field_ref *ref)
{
	size_t len = strlen(name);
	char *pname = pstrndup(c, name, len);
	if (!pname)
		return false;
	if (sk_field_registry_find(c->reg, c->source, pname, len, ref) != 0) {
		fail(c, pos, "unknown field '%s'", name);
		c->unknown_field = true;
		return false;
	}
	uint16_t fl = ref->field->flags;
	if (ref->arg) { /* evt.arg.NAME: own a NUL-terminated copy */
		char *a = pstrndup(c, ref->arg, ref->arg_len);
		if (!a)
			return false;
		ref->arg = a;
		if (arg) {
			fail(c, pos, "field '%s' takes no argument in brackets", name);
			return false;
		}
	} else if (arg) {
		if (!(fl & (SK_FIELD_ARG_REQUIRED | SK_FIELD_ARG_ALLOWED | SK_FIELD_NAME_ARG))) {
			fail(c, pos, "field '%s' does not take an argument", name);
			return false;
		}
		ref->arg = pstrndup(c, arg, strlen(arg));
		if (!ref->arg)
			return false;
		ref->arg_len = (uint32_t)strlen(arg);
	} else if (fl & SK_FIELD_ARG_REQUIRED) {
		fail(c, pos, "field '%s' requires an argument", name);
		return false;
	}
	if (ref->cls->prepare) {
		char perr[256] = "";
		if (ref->cls->prepare(ref, perr, sizeof(perr)) != 0) {
			fail(c, pos, "%s", perr[0] ? perr : "invalid field argument");
			return false;
		}
	}
	return true;
}

static void warn_deprecated(struct cctx *c, const struct sk_field *f, struct sk_pos pos)
{
	for (unsigned i = 0; i < c->ndeprecated_seen; i++)
		if (c->deprecated_seen[i] == f)
			return;
	if (c->ndeprecated_seen < sizeof(c->deprecated_seen) / sizeof(c->deprecated_seen[0]))
		c->deprecated_seen[c->ndeprecated_seen++] = f;
	warn(c, SK_LOAD_DEPRECATED_ITEM, pos, "field '%s' is deprecated", f->name);
}

static bool compile_operand(struct cctx *c, const struct sk_ast_field *af, struct sk_operand *o,
			    bool in_condition)
{
	if (!resolve_field(c, af->name, af->arg, af->pos, &o->ref))
		return false;
	if (in_condition && (o->ref.field->flags & SK_FIELD_PRINT_ONLY)) {
		fail(c, af->pos, "field '%s' can only be used in outputs", af->name);
		return false;
	}
	if (o->ref.field->flags & SK_FIELD_DEPRECATED)
		warn_deprecated(c, o->ref.field, af->pos);
	o->type = o->ref.field->type;
	o->list = o->ref.field->flags & SK_FIELD_LIST;
	o->nxforms = af->nxforms;
	o->text = operand_text(c, af);
	for (int i = (int)af->nxforms - 1; i >= 0; i--) {
		o->xforms[i] = af->xforms[i];
		if (!xform_type(af->xforms[i], &o->type, &o->list)) {
			fail(c, af->pos, "transformer '%s' cannot be applied to field '%s'",
			     sk_xform_name((enum sk_xform)af->xforms[i]), af->name);
			return false;
		}
	}
	return true;
}

/* ---- values ------------------------------------------------------------ */

struct vlist {
	struct sk_const *v;
	uint32_t n, cap;
	struct sk_pos *pos;
};

static bool is_list_op(enum sk_cmp_op op)
{
	return op == SK_CMP_IN || op == SK_CMP_INTERSECTS || op == SK_CMP_PMATCH;
}

static struct sk_rules_list *find_list(struct cctx *c, const char *name, size_t len)
{
	if (!c->rules)
		return NULL;
	for (unsigned i = 0; i < c->rules->nlists; i++) {
		const char *ln = c->rules->lists[i].name;
		if (strlen(ln) == len && !memcmp(ln, name, len))
			return &c->rules->lists[i];
	}
	return NULL;
}

static bool vlist_push(struct cctx *c, struct vlist *vl, const char *s, size_t len,
		       struct sk_pos pos, uint8_t type, enum sk_cmp_op op)
{
	if (vl->n >= SK_FILTER_MAX_SET) {
		fail(c, pos, "more than %u values in one list", SK_FILTER_MAX_SET);
		return false;
	}
	if (vl->n == vl->cap) {
		uint32_t cap = vl->cap ? vl->cap * 2 : 8;
		struct sk_const *nv = palloc(c, cap * sizeof(*nv));
		struct sk_pos *np = palloc(c, cap * sizeof(*np));
		if (!nv || !np)
			return false;
		if (vl->n) {
			memcpy(nv, vl->v, vl->n * sizeof(*nv));
			memcpy(np, vl->pos, vl->n * sizeof(*np));
		}
		vl->v = nv;
		vl->pos = np;
		vl->cap = cap;
	}
	char err[256];
	int rc =
	    sk_const_init(&vl->v[vl->n], c->f->pool, s, (uint32_t)len, type, op, err, sizeof(err));
	if (rc) {
		fail(c, pos, "%s", rc == -ENOMEM ? "out of memory" : err);
		return false;
	}
	vl->pos[vl->n++] = pos;
	return true;
}

/* Add the items of a list, expanding names of other lists inside it. */
static bool expand_list(struct cctx *c, struct vlist *vl, struct sk_rules_list *l, unsigned depth,
			uint8_t type, enum sk_cmp_op op)
{
	if (depth > SK_FILTER_MAX_LIST_DEPTH) {
		fail(c, l->pos, "list '%s' nests lists deeper than %u (is it recursive?)", l->name,
		     SK_FILTER_MAX_LIST_DEPTH);
		return false;
	}
	l->used = true;
	for (unsigned i = 0; i < l->nitems; i++) {
		const char *it = l->items[i];
		size_t len = strlen(it);
		struct sk_pos pos = l->item_pos ? l->item_pos[i] : l->pos;
		struct sk_rules_list *sub = find_list(c, it, len);
		if (sub && sub != l) {
			if (!expand_list(c, vl, sub, depth + 1, type, op))
				return false;
			continue;
		}
		/* Items written with quotes inside the YAML string lose them. */
		if (len >= 2 && (it[0] == '"' || it[0] == '\'') && it[len - 1] == it[0]) {
			it++;
			len -= 2;
		}
		if (!vlist_push(c, vl, it, len, pos, type, op))
			return false;
	}
	return true;
}

static bool collect_values(struct cctx *c, const struct sk_ast_node *a, uint8_t type,
			   struct vlist *vl)
{
	bool expand = a->rhs_kind == SK_RHS_LIST || is_list_op(a->op);
	for (uint32_t i = 0; i < a->nvalues; i++) {
		const struct sk_ast_value *v = &a->values[i];
		if (v->len == 4 && !memcmp(v->text, "<NA>", 4))
			warn(c, SK_LOAD_UNSAFE_NA_CHECK, v->pos,
			     "comparing '%s' with '<NA>' is unsafe: use 'exists' instead",
			     a->lhs.name);
		struct sk_rules_list *l =
		    !v->quoted && expand ? find_list(c, v->text, v->len) : NULL;
		if (l) {
			if (!expand_list(c, vl, l, 0, type, a->op))
				return false;
		} else if (!vlist_push(c, vl, v->text, v->len, v->pos, type, a->op)) {
			return false;
		}
	}
	return true;
}

/* ---- checks ------------------------------------------------------------ */

static bool compile_regex(struct cctx *c, struct sk_node *n, struct sk_pos pos)
{
	int ecode;
	PCRE2_SIZE eoff;
	pcre2_code *re = pcre2_compile((PCRE2_SPTR)n->consts[0].s, n->consts[0].len, PCRE2_UTF,
				       &ecode, &eoff, NULL);
	if (!re) {
		PCRE2_UCHAR msg[256];
		pcre2_get_error_message(ecode, msg, sizeof(msg));
		fail(c, pos, "invalid regular expression '%s': %s at offset %zu", n->consts[0].s,
		     (const char *)msg, (size_t)eoff);
		return false;
	}
	(void)pcre2_jit_compile(re, PCRE2_JIT_COMPLETE); /* best effort */
	if (c->f->nregexes == c->f->capregexes) {
		unsigned cap = c->f->capregexes ? c->f->capregexes * 2 : 4;
		void **nr = realloc(c->f->regexes, cap * sizeof(*nr));
		if (!nr) {
			pcre2_code_free(re);
			fail(c, pos, "out of memory");
			return false;
		}
		c->f->regexes = nr;
		c->f->capregexes = cap;
	}
	c->f->regexes[c->f->nregexes++] = re;
	n->re = re;
	return true;
}

/* evt.type checks: event-type role, and the per-code answer computed now. */
static void prepare_evttype(struct sk_node *n)
{
	if (strcmp(n->lhs.ref.field->name, "evt.type") != 0 || n->lhs.nxforms || n->rhs_is_field ||
	    n->op == SK_CMP_EXISTS || sk_type_class(n->lhs.type) != SK_TC_STR)
		return;
	if (n->op == SK_CMP_EQ || n->op == SK_CMP_EQ2 || n->op == SK_CMP_IN)
		n->evtrole = SK_EVTROLE_EQ;
	else if (n->op == SK_CMP_NE)
		n->evtrole = SK_EVTROLE_NE;
	if (n->evtrole != SK_EVTROLE_NONE) {
		for (uint32_t i = 0; i < n->nconsts; i++) {
			struct sk_evtset s;
			sk_evtset_from_name(&s, n->consts[i].s, n->consts[i].len);
			for (unsigned w = 0; w < SK_EVTSET_WORDS; w++)
				n->named.w[w] |= s.w[w];
		}
	}
	if (n->nconsts == 0)
		return;
	for (unsigned code = 0; code < SK_EVT_TABLE_SIZE; code++) {
		const struct sk_event_info *info = sk_event_info_get((uint16_t)code);
		if (!info || !info->name)
			continue;
		struct sk_value v = {.type = PT_CHARBUF, .len = (uint32_t)strlen(info->name)};
		v.s = info->name;
		if (sk_value_compare(n->op, &v, &n->consts[0], n))
			sk_evtset_add(&n->fast_true, code);
	}
	n->fast = true;
}

static bool check_op_types(struct cctx *c, const struct sk_ast_node *a, struct sk_node *n)
{
	enum sk_tclass tc = sk_type_class(n->lhs.type);
	if (n->lhs.list) { /* libsinsp: list fields take only these */
		if (n->op == SK_CMP_IN || n->op == SK_CMP_INTERSECTS || n->op == SK_CMP_EXISTS)
			return true;
		fail(c, a->pos,
		     "operator '%s' is not supported for list field '%s' (use in, intersects or "
		     "exists)",
		     sk_cmp_op_name(n->op), n->lhs.text);
		return false;
	}
	if (!sk_op_supported(n->op, tc)) {
		fail(c, a->pos, "operator '%s' is not supported for field '%s'",
		     sk_cmp_op_name(n->op), n->lhs.text);
		return false;
	}
	if ((n->op == SK_CMP_BCONTAINS || n->op == SK_CMP_BSTARTSWITH) && tc != SK_TC_BYTES &&
	    tc != SK_TC_STR && tc != SK_TC_OTHER) {
		fail(c, a->pos, "operator '%s' needs a byte or string field, not '%s'",
		     sk_cmp_op_name(n->op), n->lhs.text);
		return false;
	}
	return true;
}

static bool classes_compatible(enum sk_tclass a, enum sk_tclass b)
{
	bool na = a == SK_TC_INT || a == SK_TC_UINT || a == SK_TC_DBL || a == SK_TC_BOOL;
	bool nb = b == SK_TC_INT || b == SK_TC_UINT || b == SK_TC_DBL || b == SK_TC_BOOL;
	bool sa = a == SK_TC_STR || a == SK_TC_BYTES, sb = b == SK_TC_STR || b == SK_TC_BYTES;
	bool ia = a == SK_TC_IP || a == SK_TC_NET, ib = b == SK_TC_IP || b == SK_TC_NET;
	return a == SK_TC_OTHER || b == SK_TC_OTHER || (na && nb) || (sa && sb) || (ia && ib);
}

static struct sk_node *compile_check(struct cctx *c, const struct sk_ast_node *a)
{
	struct sk_node *n = palloc(c, sizeof(*n));
	if (!n)
		return NULL;
	n->kind = SK_NODE_CHECK;
	n->pos = a->pos;
	n->op = a->op;
	if (!compile_operand(c, &a->lhs, &n->lhs, true) || !check_op_types(c, a, n))
		return NULL;
	switch (a->rhs_kind) {
	case SK_RHS_NONE:
		if (n->op != SK_CMP_EXISTS) {
			fail(c, a->pos, "operator '%s' needs a value", sk_cmp_op_name(n->op));
			return NULL;
		}
		break;
	case SK_RHS_FIELD:
		n->rhs_is_field = true;
		if (!compile_operand(c, &a->rhs_field, &n->rhs, true))
			return NULL;
		if (n->op == SK_CMP_REGEX || n->op == SK_CMP_PMATCH || n->op == SK_CMP_BCONTAINS ||
		    n->op == SK_CMP_BSTARTSWITH) {
			fail(c, a->pos, "operator '%s' cannot compare with a field",
			     sk_cmp_op_name(n->op));
			return NULL;
		}
		if (!classes_compatible(sk_type_class(n->lhs.type), sk_type_class(n->rhs.type))) {
			fail(c, a->pos,
			     "field '%s' cannot be compared with field '%s' (different types)",
			     n->lhs.text, n->rhs.text);
			return NULL;
		}
		break;
	case SK_RHS_VALUE:
	case SK_RHS_LIST: {
		struct vlist vl = {0};
		if (!collect_values(c, a, n->lhs.type, &vl))
			return NULL;
		n->consts = vl.v;
		n->nconsts = vl.n;
		if (!is_list_op(n->op) && vl.n != 1) {
			fail(c, a->pos, "operator '%s' takes exactly one value",
			     sk_cmp_op_name(n->op));
			return NULL;
		}
		if (n->op == SK_CMP_IN || n->op == SK_CMP_INTERSECTS) {
			if (sk_cset_build(c->f->pool, n->consts, n->nconsts, &n->set)) {
				fail(c, a->pos, "out of memory");
				return NULL;
			}
		} else if (n->op == SK_CMP_PMATCH) {
			if (sk_pset_build(c->f->pool, n->consts, n->nconsts, &n->pset)) {
				fail(c, a->pos, "out of memory");
				return NULL;
			}
		} else if (n->op == SK_CMP_REGEX && !compile_regex(c, n, a->pos)) {
			return NULL;
		}
		break;
	}
	}
	prepare_evttype(n);
	return n;
}

/* ---- boolean structure ------------------------------------------------- */

static struct sk_node *compile_bool(struct cctx *c, const struct sk_ast_node *a)
{
	enum sk_node_kind kind = a->kind == SK_AST_AND ? SK_NODE_AND : SK_NODE_OR;
	struct sk_node **kids = palloc(c, (a->nchildren + 1u) * sizeof(*kids));
	uint32_t nk = 0, cap = a->nchildren;
	if (!kids)
		return NULL;
	for (uint32_t i = 0; i < a->nchildren; i++) {
		struct sk_node *k = compile_ast(c, a->children[i]);
		if (!k)
			return NULL;
		if (k->kind == kind) { /* flatten (a and (b and c)) */
			if (nk + k->nkids > cap) {
				uint32_t ncap = (nk + k->nkids) * 2;
				struct sk_node **nkids = palloc(c, ncap * sizeof(*nkids));
				if (!nkids)
					return NULL;
				memcpy(nkids, kids, nk * sizeof(*kids));
				kids = nkids;
				cap = ncap;
			}
			memcpy(kids + nk, k->kids, k->nkids * sizeof(*kids));
			nk += k->nkids;
			continue;
		}
		if (nk == cap) {
			uint32_t ncap = cap * 2 + 2;
			struct sk_node **nkids = palloc(c, ncap * sizeof(*nkids));
			if (!nkids)
				return NULL;
			memcpy(nkids, kids, nk * sizeof(*kids));
			kids = nkids;
			cap = ncap;
		}
		kids[nk++] = k;
	}
	struct sk_node *n = palloc(c, sizeof(*n));
	if (!n)
		return NULL;
	n->kind = kind;
	n->pos = a->pos;
	n->kids = kids;
	n->nkids = nk;
	/*
	 * Children run in the written order, as Falco runs them: authors put
	 * the selective checks first, and exclusion macros (not ...) that are
	 * almost always true last; a cost estimate cannot see that.
	 */
	return n;
}

static struct sk_node *compile_ast_node(struct cctx *c, const struct sk_ast_node *a);

/* compile_ast_node with the size and depth caps of a program. */
static struct sk_node *compile_ast(struct cctx *c, const struct sk_ast_node *a)
{
	if (c->failed)
		return NULL;
	if (++c->nodes > SK_FILTER_MAX_NODES) {
		fail(c, a->pos, "condition too large: more than %u nodes with macros inlined",
		     SK_FILTER_MAX_NODES);
		return NULL;
	}
	if (c->nest >= SK_FILTER_MAX_NEST) {
		fail(c, a->pos, "condition nested deeper than %u with macros inlined",
		     SK_FILTER_MAX_NEST);
		return NULL;
	}
	c->nest++;
	struct sk_node *n = compile_ast_node(c, a);
	c->nest--;
	return n;
}

static struct sk_node *compile_ast_node(struct cctx *c, const struct sk_ast_node *a)
{
	switch (a->kind) {
	case SK_AST_AND:
	case SK_AST_OR:
		return compile_bool(c, a);
	case SK_AST_NOT: {
		struct sk_node *k = compile_ast(c, a->children[0]);
		struct sk_node *n = k ? palloc(c, sizeof(*n)) : NULL;
		struct sk_node **kids = n ? palloc(c, sizeof(*kids)) : NULL;
		if (!kids)
			return NULL;
		n->kind = SK_NODE_NOT;
		n->pos = a->pos;
		kids[0] = k;
		n->kids = kids;
		n->nkids = 1;
		return n;
	}
	case SK_AST_CHECK:
		return compile_check(c, a);
	case SK_AST_MACRO_REF:
		return compile_macro_ref(c, a);
	case SK_AST_BOOL: {
		struct sk_node *n = palloc(c, sizeof(*n));
		if (!n)
			return NULL;
		n->kind = SK_NODE_CONST;
		n->pos = a->pos;
		n->value = a->boolean;
		return n;
	}
	}
	fail(c, a->pos, "unknown condition node");
	return NULL;
}

/* ---- entry points ------------------------------------------------------ */

void sk_filter_free(struct sk_filter *f)
{
	if (!f)
		return;
	for (unsigned i = 0; i < f->nregexes; i++)
		pcre2_code_free(f->regexes[i]);
	free(f->regexes);
	sk_pool_free(f->pool);
	free(f);
}

static int cctx_init(struct cctx *c, struct sk_rules *rules, const struct sk_field_registry *reg,
		     const char *source)
{
	memset(c, 0, sizeof(*c));
	c->rules = rules;
	c->reg = reg;
	c->source = source;
	c->f = calloc(1, sizeof(*c->f));
	if (!c->f || sk_pool_new(&c->f->pool) || sk_ast_arena_new(&c->arena))
		return -ENOMEM;
	unsigned nm = rules ? rules->nmacros : 0;
	c->macro_ast = calloc(nm + 1u, sizeof(*c->macro_ast));
	c->macro_state = calloc(nm + 1u, 1);
	if (!c->macro_ast || !c->macro_state)
		return -ENOMEM;
	return 0;
}

static void cctx_fini(struct cctx *c)
{
	free(c->macro_ast);
	free(c->macro_state);
	if (c->arena)
		sk_ast_arena_free(c->arena);
	sk_filter_free(c->f);
}

/* Parse src and compile it into c->f. */
static int compile_src(struct cctx *c, const struct sk_src_text *src)
{
	char perr[SK_COMPILE_ERR_MAX];
	struct sk_ast_node *root = NULL;
	struct sk_pos epos = sk_src_text_pos(src, 0);
	int rc = sk_cond_parse_pos(c->arena, src, &root, &epos, perr, sizeof(perr));
	if (rc == -ENOMEM)
		return rc;
	if (rc) {
		fail(c, epos, "%s", perr);
		return -EINVAL;
	}
	c->f->root = compile_ast(c, root);
	if (c->failed || !c->f->root)
		return -EINVAL;
	return 0;
}

int sk_filter_compile(const struct sk_compile_in *in, struct sk_filter **out)
{
	struct cctx c;
	struct sk_src_text cond = {0};
	char item[160];
	*out = NULL;
	snprintf(item, sizeof(item), "rule '%s'", in->rule->name);
	int rc = cctx_init(&c, in->rules, in->reg, in->rule->source ? in->rule->source : "syscall");
	if (rc)
		goto cleanup;
	c.diags = in->diags;
	c.item = item;
	/* Exceptions become condition text, as Falco compiles them. */
	sk_src_text_init(&cond);
	rc = sk_rules_exception_cond(in->rule, &cond, c.err, sizeof(c.err));
	if (rc == -EINVAL) {
		sk_diags_add(in->diags, SK_DIAG_ERROR, SK_LOAD_ERR_COMPILE_CONDITION, in->rule->pos,
			     item, "%s", c.err);
		goto cleanup;
	}
	if (rc == 0)
		rc = compile_src(&c, &cond);
	if (rc == -EINVAL) {
		if (c.unknown_field && in->rule->skip_if_unknown_filter) {
			sk_diags_add(in->diags, SK_DIAG_WARNING, SK_LOAD_UNKNOWN_FILTER, c.errpos,
				     item, "%s: rule skipped (skip-if-unknown-filter)", c.err);
			rc = -ENOENT;
		} else {
			if (!c.errpos.file)
				c.errpos = in->rule->pos;
			sk_diags_add(in->diags, SK_DIAG_ERROR, SK_LOAD_ERR_COMPILE_CONDITION,
				     c.errpos, item, "%s", c.err);
		}
		goto cleanup;
	}
	if (rc)
		goto cleanup;
	*out = c.f;
	c.f = NULL;
cleanup:
	sk_src_text_fini(&cond);
	cctx_fini(&c);
	return rc;
}

int sk_filter_compile_text(struct sk_rules *rules, const struct sk_field_registry *reg,
			   const char *source, const char *text, struct sk_filter **out, char *err,
			   size_t errlen)
{
	struct cctx c;
	struct sk_src_frag frag = {.offset = 0, .pos = {"<condition>", 1, 1}};
	struct sk_src_text src = {
	    .text = (char *)text, .len = strlen(text), .frags = &frag, .nfrags = 1};
	*out = NULL;
	int rc = cctx_init(&c, rules, reg, source ? source : "syscall");
	if (rc)
		goto cleanup;
	rc = compile_src(&c, &src);
	if (rc == -EINVAL)
		snprintf(err, errlen, "%s:%u:%u: %s", c.errpos.file ? c.errpos.file : "<condition>",
			 c.errpos.line, c.errpos.col, c.err);
	if (rc)
		goto cleanup;
	*out = c.f;
	c.f = NULL;
cleanup:
	cctx_fini(&c);
	return rc;
}
