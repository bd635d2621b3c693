/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Event-type analysis: for each compiled rule, the set of event codes on
 * which its condition can be true, computed like Falco's ppm_codes visitor:
 * `and` intersects, `or` unites, `evt.type = / == / in` gives the codes of
 * those names (enter and exit, every version), `evt.type !=` gives the
 * complement, every other leaf gives every code, and `not` is pushed down to
 * the leaves by De Morgan, so only evt.type leaves are ever inverted.
 */
#include <string.h>

#include "filter.h"

void sk_evtset_universe(struct sk_evtset *out)
{
	memset(out, 0, sizeof(*out));
	for (unsigned code = 0; code < SK_EVT_TABLE_SIZE; code++) {
		const struct sk_event_info *info = sk_event_info_get((uint16_t)code);
		if (info && info->name && strcmp(info->name, "NA") != 0)
			sk_evtset_add(out, code);
	}
}

unsigned sk_evtset_count(const struct sk_evtset *s)
{
	unsigned n = 0;
	for (unsigned w = 0; w < SK_EVTSET_WORDS; w++)
		n += (unsigned)__builtin_popcountll(s->w[w]);
	return n;
}

void sk_evtset_from_name(struct sk_evtset *out, const char *name, size_t len)
{
	bool found = false;
	memset(out, 0, sizeof(*out));
	for (unsigned code = 0; code < SK_EVT_TABLE_SIZE; code++) {
		const struct sk_event_info *info = sk_event_info_get((uint16_t)code);
		if (!info || !info->name || strlen(info->name) != len ||
		    memcmp(info->name, name, len))
			continue;
		if (!strcmp(info->name, "NA"))
			continue;
		sk_evtset_add(out, code);
		found = true;
	}
	char buf[64];
	if (found || len >= sizeof(buf))
		return;
	memcpy(buf, name, len);
	buf[len] = '\0';
	/* Syscalls without an event of their own arrive as generic events. */
	if (sk_ppm_sc_by_name(buf) >= 0) {
		sk_evtset_add(out, SK_EVT_SYSCALL_E);
		sk_evtset_add(out, SK_EVT_SYSCALL_X);
	}
}

static void set_and(struct sk_evtset *a, const struct sk_evtset *b)
{
	for (unsigned w = 0; w < SK_EVTSET_WORDS; w++)
		a->w[w] &= b->w[w];
}

static void set_or(struct sk_evtset *a, const struct sk_evtset *b)
{
	for (unsigned w = 0; w < SK_EVTSET_WORDS; w++)
		a->w[w] |= b->w[w];
}

/* uni minus s */
static void set_complement(struct sk_evtset *out, const struct sk_evtset *s,
			   const struct sk_evtset *uni)
{
	for (unsigned w = 0; w < SK_EVTSET_WORDS; w++)
		out->w[w] = uni->w[w] & ~s->w[w];
}

static void node_codes(const struct sk_node *n, bool neg, const struct sk_evtset *uni,
		       struct sk_evtset *out)
{
	switch (n->kind) {
	case SK_NODE_AND:
	case SK_NODE_OR: {
		/* Under negation and/or swap (De Morgan). */
		bool intersect = (n->kind == SK_NODE_AND) != neg;
		struct sk_evtset k;
		node_codes(n->kids[0], neg, uni, out);
		for (uint32_t i = 1; i < n->nkids; i++) {
			node_codes(n->kids[i], neg, uni, &k);
			if (intersect)
				set_and(out, &k);
			else
				set_or(out, &k);
		}
		return;
	}
	case SK_NODE_NOT:
		node_codes(n->kids[0], !neg, uni, out);
		return;
	case SK_NODE_CHECK:
		if (n->evtrole == SK_EVTROLE_EQ && !neg)
			*out = n->named;
		else if (n->evtrole == SK_EVTROLE_EQ || (n->evtrole == SK_EVTROLE_NE && !neg))
			set_complement(out, &n->named, uni);
		else if (n->evtrole == SK_EVTROLE_NE)
			*out = n->named;
		else
			*out = *uni;
		for (unsigned w = 0; w < SK_EVTSET_WORDS; w++)
			out->w[w] &= uni->w[w];
		return;
	case SK_NODE_CONST:
		*out = *uni;
		return;
	}
	*out = *uni;
}

void sk_filter_evttypes(const struct sk_filter *f, struct sk_evtset *out)
{
	struct sk_evtset uni;
	sk_evtset_universe(&uni);
	if (!f || !f->root) {
		*out = uni;
		return;
	}
	node_codes(f->root, false, &uni, out);
}

/*
 * Whether the evt.dir check n is decided by the direction alone
 * (evt.dir =, ==, != with one of ">" "<"); *truth is its value for an
 * enter (enter = true) or exit event.
 */
static bool dir_check(const struct sk_node *n, bool enter, bool *truth)
{
	if (strcmp(n->lhs.ref.field->name, "evt.dir") != 0 || n->lhs.nxforms || n->rhs_is_field ||
	    n->nconsts != 1 || n->consts[0].len != 1 ||
	    (n->op != SK_CMP_EQ && n->op != SK_CMP_EQ2 && n->op != SK_CMP_NE))
		return false;
	char c = n->consts[0].s[0];
	if (c != '>' && c != '<')
		return false;
	bool eq = (c == '>') == enter;
	*truth = n->op == SK_CMP_NE ? !eq : eq;
	return true;
}

/* Whether n (negated when neg) can be true for an event of this direction. */
static bool node_dir_possible(const struct sk_node *n, bool enter, bool neg)
{
	bool t;
	switch (n->kind) {
	case SK_NODE_CONST:
		return n->value != neg;
	case SK_NODE_CHECK:
		return dir_check(n, enter, &t) ? t != neg : true;
	case SK_NODE_NOT:
		return node_dir_possible(n->kids[0], enter, !neg);
	case SK_NODE_AND:
	case SK_NODE_OR: {
		/* and (or, negated) needs every kid; or (and, negated) any kid */
		bool all = (n->kind == SK_NODE_AND) != neg;
		for (uint32_t i = 0; i < n->nkids; i++) {
			bool p = node_dir_possible(n->kids[i], enter, neg);
			if (all && !p)
				return false;
			if (!all && p)
				return true;
		}
		return all;
	}
	}
	return true;
}

bool sk_filter_dir_possible(const struct sk_filter *f, bool enter)
{
	return !f || !f->root || node_dir_possible(f->root, enter, false);
}

static void node_names(const struct sk_node *n, bool neg, sk_filter_name_fn fn, void *ctx)
{
	switch (n->kind) {
	case SK_NODE_AND:
	case SK_NODE_OR:
		for (uint32_t i = 0; i < n->nkids; i++)
			node_names(n->kids[i], neg, fn, ctx);
		return;
	case SK_NODE_NOT:
		node_names(n->kids[0], !neg, fn, ctx);
		return;
	case SK_NODE_CHECK:
		if ((n->evtrole == SK_EVTROLE_EQ && !neg) || (n->evtrole == SK_EVTROLE_NE && neg))
			for (uint32_t i = 0; i < n->nconsts; i++)
				fn(ctx, n->consts[i].s, n->consts[i].len);
		return;
	case SK_NODE_CONST:
		return;
	}
}

void sk_filter_type_names(const struct sk_filter *f, sk_filter_name_fn fn, void *ctx)
{
	if (f && f->root)
		node_names(f->root, false, fn, ctx);
}

