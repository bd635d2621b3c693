/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Evaluation of compiled conditions: walks the program of one rule for one
 * event. Nothing is parsed and nothing is allocated here: values are
 * borrowed from the extractors, transformer output goes to a per-thread
 * buffer, and sets/regexes were built at load time.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <ctype.h>
#include <fnmatch.h>
#include <pcre2.h>
#include <pthread.h>
#include <string.h>

#include "filter.h"

/* Per-thread buffers: transformer output and NUL-terminated glob subjects. */
static __thread char xform_buf[SK_FILTER_XFORM_BUF];
static __thread size_t xform_used;
static __thread char glob_buf[SK_FILTER_GLOB_MAX + 1];
static __thread char glob_pat[SK_FILTER_GLOB_MAX + 1];

/* One match-data block per thread, shared by every regex (ovector of one pair). */
static pthread_key_t md_key;
static pthread_once_t md_once = PTHREAD_ONCE_INIT;

static void md_free(void *p)
{
	pcre2_match_data_free(p);
}

static void md_key_init(void)
{
	(void)pthread_key_create(&md_key, md_free);
}

static pcre2_match_data *thread_match_data(void)
{
	pthread_once(&md_once, md_key_init);
	pcre2_match_data *md = pthread_getspecific(md_key);
	if (!md) {
		/* Once per thread, not per event. */
		md = pcre2_match_data_create(1, NULL);
		if (md && pthread_setspecific(md_key, md) != 0) {
			pcre2_match_data_free(md);
			md = NULL;
		}
	}
	return md;
}

static bool regex_match(const void *re, const char *s, uint32_t len)
{
	pcre2_match_data *md = thread_match_data();
	if (!md)
		return false;
	/* RE2 ANCHOR_BOTH semantics: the whole value must match. */
	int rc =
	    pcre2_match(re, (PCRE2_SPTR)s, len, 0, PCRE2_ANCHORED | PCRE2_ENDANCHORED, md, NULL);
	return rc >= 0;
}

static bool glob_match(const struct sk_const *c, const char *s, uint32_t len, bool fold)
{
	if (len > SK_FILTER_GLOB_MAX)
		len = SK_FILTER_GLOB_MAX;
	memcpy(glob_buf, s, len);
	glob_buf[len] = '\0';
	const char *pat = c->s;
	if (c->borrowed) { /* val(field) pattern: terminate a copy */
		uint32_t plen = c->len > SK_FILTER_GLOB_MAX ? SK_FILTER_GLOB_MAX : c->len;
		memcpy(glob_pat, c->s, plen);
		glob_pat[plen] = '\0';
		pat = glob_pat;
	}
	return fnmatch(pat, glob_buf, fold ? FNM_CASEFOLD : 0) == 0;
}

static bool icontains(const char *s, uint32_t len, const char *fold, uint32_t flen)
{
	if (flen == 0)
		return true;
	if (flen > len)
		return false;
	for (uint32_t i = 0; i + flen <= len; i++) {
		if (tolower((unsigned char)s[i]) != tolower((unsigned char)fold[0]))
			continue;
		uint32_t j = 1;
		while (j < flen &&
		       tolower((unsigned char)s[i + j]) == tolower((unsigned char)fold[j]))
			j++;
		if (j == flen)
			return true;
	}
	return false;
}

static int lexcmp(const char *a, uint32_t alen, const char *b, uint32_t blen)
{
	int r = memcmp(a, b, alen < blen ? alen : blen);
	if (r)
		return r;
	return alen < blen ? -1 : alen > blen;
}

static bool cmp_str(enum sk_cmp_op op, const char *s, uint32_t len, const struct sk_const *c,
		    const struct sk_node *n)
{
	switch (op) {
	case SK_CMP_EQ:
	case SK_CMP_EQ2:
		return len == c->len && !memcmp(s, c->s, len);
	case SK_CMP_NE:
		return !(len == c->len && !memcmp(s, c->s, len));
	case SK_CMP_LT:
		return lexcmp(s, len, c->s, c->len) < 0;
	case SK_CMP_LE:
		return lexcmp(s, len, c->s, c->len) <= 0;
	case SK_CMP_GT:
		return lexcmp(s, len, c->s, c->len) > 0;
	case SK_CMP_GE:
		return lexcmp(s, len, c->s, c->len) >= 0;
	case SK_CMP_CONTAINS:
		return c->len == 0 || memmem(s, len, c->s, c->len) != NULL;
	case SK_CMP_ICONTAINS:
		return icontains(s, len, c->fold ? c->fold : c->s, c->len);
	case SK_CMP_BCONTAINS:
		return c->nbytes == 0 || memmem(s, len, c->bytes, c->nbytes) != NULL;
	case SK_CMP_STARTSWITH:
		return len >= c->len && !memcmp(s, c->s, c->len);
	case SK_CMP_BSTARTSWITH:
		return len >= c->nbytes && !memcmp(s, c->bytes, c->nbytes);
	case SK_CMP_ENDSWITH:
		return len >= c->len && !memcmp(s + len - c->len, c->s, c->len);
	case SK_CMP_GLOB:
		return glob_match(c, s, len, false);
	case SK_CMP_IGLOB:
		return glob_match(c, s, len, true);
	case SK_CMP_REGEX:
		return n && n->re && regex_match(n->re, s, len);
	case SK_CMP_PMATCH:
		return n && n->pset ? sk_pset_match(n->pset, s, len)
				    : (len >= c->len && !memcmp(s, c->s, c->len) &&
				       (len == c->len || s[c->len] == '/'));
	case SK_CMP_IN:
	case SK_CMP_INTERSECTS:
		return n && n->set ? sk_cset_has_str(n->set, s, len)
				   : len == c->len && !memcmp(s, c->s, len);
	case SK_CMP_EXISTS:
		return true;
	default:
		return false;
	}
}

static bool cmp_ord(enum sk_cmp_op op, int r)
{
	switch (op) {
	case SK_CMP_EQ:
	case SK_CMP_EQ2:
	case SK_CMP_IN:
	case SK_CMP_INTERSECTS:
		return r == 0;
	case SK_CMP_NE:
		return r != 0;
	case SK_CMP_LT:
		return r < 0;
	case SK_CMP_LE:
		return r <= 0;
	case SK_CMP_GT:
		return r > 0;
	case SK_CMP_GE:
		return r >= 0;
	case SK_CMP_EXISTS:
		return true;
	default:
		return false;
	}
}

static bool cmp_num(enum sk_cmp_op op, __int128 x, const struct sk_const *c,
		    const struct sk_node *n)
{
	if ((op == SK_CMP_IN || op == SK_CMP_INTERSECTS) && n && n->set)
		return sk_cset_has_num(n->set, x);
	if (c->forms & SK_CF_NUM)
		return cmp_ord(op, x < c->n ? -1 : x > c->n);
	if (c->forms & SK_CF_DBL) {
		double d = (double)x;
		return cmp_ord(op, d < c->d ? -1 : d > c->d);
	}
	return op == SK_CMP_NE; /* a number is never equal to text that is no number */
}

static bool cmp_dbl(enum sk_cmp_op op, double x, const struct sk_const *c)
{
	double y;
	if (c->forms & SK_CF_DBL)
		y = c->d;
	else if (c->forms & SK_CF_NUM)
		y = (double)c->n;
	else
		return op == SK_CMP_NE;
	return cmp_ord(op, x < y ? -1 : x > y);
}

/* addr (alen bytes) against an address or network constant. */
static bool ip_in(const uint8_t *addr, uint32_t alen, const struct sk_const *c)
{
	if (!(c->forms & (SK_CF_IP | SK_CF_NET)) || c->iplen != alen)
		return false;
	unsigned full = c->prefix / 8u, rest = c->prefix % 8u;
	if (memcmp(addr, c->ip, full))
		return false;
	if (rest) {
		uint8_t mask = (uint8_t)(0xffu << (8u - rest));
		return (addr[full] & mask) == (c->ip[full] & mask);
	}
	return true;
}

static bool cmp_ip(enum sk_cmp_op op, const uint8_t *addr, uint32_t alen, const struct sk_const *c,
		   const struct sk_node *n)
{
	bool eq;
	if ((op == SK_CMP_IN || op == SK_CMP_INTERSECTS) && n && n->set) {
		for (uint32_t i = 0; i < n->set->naddrs; i++)
			if (ip_in(addr, alen, n->set->addrs[i]))
				return true;
		return false;
	}
	eq = ip_in(addr, alen, c);
	switch (op) {
	case SK_CMP_EQ:
	case SK_CMP_EQ2:
	case SK_CMP_IN:
	case SK_CMP_INTERSECTS:
		return eq;
	case SK_CMP_NE:
		return !eq;
	default:
		return false;
	}
}

bool sk_value_compare(enum sk_cmp_op op, const struct sk_value *v, const struct sk_const *c,
		      const struct sk_node *n)
{
	switch (sk_type_class(v->type)) {
	case SK_TC_INT:
		return cmp_num(op, v->i, c, n);
	case SK_TC_UINT:
		return cmp_num(op, v->u, c, n);
	case SK_TC_BOOL:
		return cmp_num(op, v->u != 0, c, n);
	case SK_TC_DBL:
		if ((op == SK_CMP_IN || op == SK_CMP_INTERSECTS) && n) {
			for (uint32_t i = 0; i < n->nconsts; i++)
				if (cmp_dbl(SK_CMP_EQ, v->d, &n->consts[i]))
					return true;
			return false;
		}
		return cmp_dbl(op, v->d, c);
	case SK_TC_IP:
		return cmp_ip(op, v->b, v->len, c, n);
	case SK_TC_NET:
		return v->len ? cmp_ip(op, v->b, v->len - 1, c, n) : false;
	default:
		return cmp_str(op, v->s, v->len, c, n);
	}
}

/* Space for transformer output; NULL when the per-thread buffer is full. */
static char *xform_alloc(size_t len)
{
	if (len > sizeof(xform_buf) - xform_used)
		return NULL;
	char *p = xform_buf + xform_used;
	xform_used += len;
	return p;
}

static int b64val(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Decode base64 text in place into out; false when invalid. */
static bool b64_decode(const char *s, uint32_t len, char *out, uint32_t *olen)
{
	uint32_t acc = 0, bits = 0, n = 0, i = 0;
	for (; i < len && s[i] != '='; i++) {
		int d = b64val((unsigned char)s[i]);
		if (d < 0)
			return false;
		acc = acc << 6 | (uint32_t)d;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[n++] = (char)(acc >> bits & 0xffu);
		}
	}
	for (; i < len; i++)
		if (s[i] != '=')
			return false;
	*olen = n;
	return true;
}

static bool is_stringy(uint8_t t)
{
	enum sk_tclass tc = sk_type_class(t);
	return tc == SK_TC_STR || tc == SK_TC_BYTES;
}

/* Apply transformer x to vals[0..nv); returns the new count (0 = failed). */
static int xform_apply(int x, struct sk_value *vals, int nv, bool list)
{
	if (x == SK_XFORM_LEN) {
		if (list) {
			vals[0].type = PT_UINT64;
			vals[0].fmt = 0;
			vals[0].u = (uint64_t)nv;
			return 1;
		}
		for (int i = 0; i < nv; i++) {
			uint64_t l = vals[i].len;
			vals[i].type = PT_UINT64;
			vals[i].fmt = 0;
			vals[i].u = l;
		}
		return nv;
	}
	for (int i = 0; i < nv; i++) {
		struct sk_value *v = &vals[i];
		if (!is_stringy(v->type))
			return 0;
		switch (x) {
		case SK_XFORM_TOLOWER:
		case SK_XFORM_TOUPPER: {
			char *o = xform_alloc(v->len ? v->len : 1);
			if (!o)
				return 0;
			for (uint32_t j = 0; j < v->len; j++)
				o[j] =
				    (char)(x == SK_XFORM_TOLOWER ? tolower((unsigned char)v->s[j])
								 : toupper((unsigned char)v->s[j]));
			v->s = o;
			break;
		}
		case SK_XFORM_B64: {
			char *o = xform_alloc(v->len ? v->len : 1);
			uint32_t olen;
			if (!o || !b64_decode(v->s, v->len, o, &olen))
				return 0;
			v->s = o;
			v->len = olen;
			break;
		}
		case SK_XFORM_BASENAME: {
			const char *slash = v->len ? memrchr(v->s, '/', v->len) : NULL;
			if (slash) {
				v->len -= (uint32_t)(slash + 1 - v->s);
				v->s = slash + 1;
			}
			break;
		}
		default:
			return 0;
		}
	}
	return nv;
}

int sk_operand_extract(const struct sk_operand *o, struct sk_eval_ctx *ctx, struct sk_value *vals,
		       unsigned cap, bool reset)
{
	if (reset)
		xform_used = 0;
	int nv = o->ref.cls->extract(&o->ref, ctx, vals, cap);
	if (nv <= 0)
		return 0;
	if ((unsigned)nv > cap)
		nv = (int)cap;
	bool list = o->ref.field->flags & SK_FIELD_LIST;
	for (int i = (int)o->nxforms - 1; i >= 0 && nv > 0; i--) {
		nv = xform_apply(o->xforms[i], vals, nv, list);
		if (o->xforms[i] == SK_XFORM_LEN)
			list = false;
	}
	return nv;
}

/* The right-hand field's first value as a constant (val(field)). */
static bool rhs_const(const struct sk_value *v, struct sk_const *c)
{
	memset(c, 0, sizeof(*c));
	switch (sk_type_class(v->type)) {
	case SK_TC_INT:
		c->n = v->i;
		c->forms = SK_CF_NUM;
		return true;
	case SK_TC_UINT:
		c->n = v->u;
		c->forms = SK_CF_NUM;
		return true;
	case SK_TC_BOOL:
		c->n = v->u != 0;
		c->forms = SK_CF_NUM;
		return true;
	case SK_TC_DBL:
		c->d = v->d;
		c->forms = SK_CF_DBL;
		return true;
	case SK_TC_IP:
		if (v->len != 4 && v->len != 16)
			return false;
		memcpy(c->ip, v->b, v->len);
		c->iplen = (uint8_t)v->len;
		c->prefix = (uint8_t)(v->len * 8u);
		c->forms = SK_CF_IP;
		return true;
	case SK_TC_NET:
		if (v->len != 5 && v->len != 17)
			return false;
		memcpy(c->ip, v->b, v->len - 1);
		c->iplen = (uint8_t)(v->len - 1);
		c->prefix = v->b[v->len - 1];
		c->forms = SK_CF_NET;
		return true;
	default:
		/* Strings: borrowed, compared by length, so no NUL is needed. */
		c->s = v->s;
		c->len = v->len;
		c->fold = NULL;
		c->borrowed = true;
		c->bytes = (const uint8_t *)v->s;
		c->nbytes = v->len;
		return true;
	}
}

static bool eval_rhs_field(const struct sk_node *n, struct sk_eval_ctx *ctx,
			   const struct sk_value *lv, int nl)
{
	struct sk_value rv[SK_FIELD_MAX_VALUES];
	int nr = sk_operand_extract(&n->rhs, ctx, rv, SK_FIELD_MAX_VALUES, false);
	if (nr <= 0)
		return false;
	bool setop = n->op == SK_CMP_IN || n->op == SK_CMP_INTERSECTS;
	enum sk_cmp_op op = setop ? SK_CMP_EQ : n->op;
	for (int i = 0; i < nl; i++) {
		bool hit = false;
		for (int j = 0; j < (setop ? nr : 1) && !hit; j++) {
			struct sk_const c;
			if (rhs_const(&rv[j], &c))
				hit = sk_value_compare(op, &lv[i], &c, NULL);
		}
		if (n->op == SK_CMP_IN && n->lhs.list && !hit)
			return false;
		if (hit && !(n->op == SK_CMP_IN && n->lhs.list))
			return true;
	}
	return n->op == SK_CMP_IN && n->lhs.list;
}

static bool eval_check(const struct sk_node *n, struct sk_eval_ctx *ctx)
{
	if (n->fast && ctx->evt && ctx->evt->hdr) {
		unsigned code = ctx->evt->hdr->type;
		/* Generic syscall events take their name from the syscall id: extract. */
		if (code >= 2 && code < SK_EVT_TABLE_SIZE)
			return sk_evtset_has(&n->fast_true, code);
	}
	struct sk_value vals[SK_FIELD_MAX_VALUES];
	size_t mark = ctx->scratch_used;
	bool r = false;
	int nv = sk_operand_extract(&n->lhs, ctx, vals, SK_FIELD_MAX_VALUES, true);
	if (nv <= 0)
		goto out;
	if (n->op == SK_CMP_EXISTS) {
		r = true;
		goto out;
	}
	if (n->rhs_is_field) {
		r = eval_rhs_field(n, ctx, vals, nv);
		goto out;
	}
	if (n->nconsts == 0) /* in () of an empty list */
		goto out;
	if (n->op == SK_CMP_IN && n->lhs.list) {
		/* Every extracted value must be in the set. */
		for (int i = 0; i < nv; i++)
			if (!sk_value_compare(n->op, &vals[i], &n->consts[0], n))
				goto out;
		r = true;
		goto out;
	}
	/* Single values, intersects, and other operators on lists: any value. */
	for (int i = 0; i < nv && !r; i++)
		r = sk_value_compare(n->op, &vals[i], &n->consts[0], n);
out:
	ctx->scratch_used = mark;
	return r;
}

static bool eval_node(const struct sk_node *n, struct sk_eval_ctx *ctx)
{
	switch (n->kind) {
	case SK_NODE_AND:
		for (uint32_t i = 0; i < n->nkids; i++)
			if (!eval_node(n->kids[i], ctx))
				return false;
		return true;
	case SK_NODE_OR:
		for (uint32_t i = 0; i < n->nkids; i++)
			if (eval_node(n->kids[i], ctx))
				return true;
		return false;
	case SK_NODE_NOT:
		return !eval_node(n->kids[0], ctx);
	case SK_NODE_CONST:
		return n->value;
	case SK_NODE_CHECK:
		return eval_check(n, ctx);
	}
	return false;
}

bool sk_filter_eval(const struct sk_filter *f, struct sk_eval_ctx *ctx)
{
	return f && f->root && eval_node(f->root, ctx);
}
