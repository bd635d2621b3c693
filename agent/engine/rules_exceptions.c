/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Rule exceptions: reading the tuple form (fields: [a, b], values: rows of
 * cells, a cell may be a list) and the scalar form (fields: a, values: flat
 * list), merging appended exceptions by name, and deriving the condition
 * text Falco compiles: (<cond>) and not (<exception>) ...
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules_int.h"

static const char *const exc_keys[] = {"name", "fields", "comps", "values", NULL};

static void exc_fini(struct sk_rules_exception *e)
{
	free(e->name);
	rl_strv_free(e->fields, e->fields ? e->nfields : 0);
	rl_strv_free(e->comps, e->comps ? e->nfields : 0);
	for (unsigned i = 0; e->cells && i < e->nvalues * e->nfields; i++)
		rl_strv_free(e->cells[i].items, e->cells[i].nitems);
	free(e->cells);
	memset(e, 0, sizeof(*e));
}

void rl_exceptions_free(struct sk_rules_exception *v, unsigned n)
{
	for (unsigned i = 0; v && i < n; i++)
		exc_fini(&v[i]);
	free(v);
}

static bool is_list_op(const char *op)
{
	return !strcmp(op, "in") || !strcmp(op, "intersects") || !strcmp(op, "pmatch");
}

static bool is_value_op(const char *op)
{
	for (int o = 0; o < SK_CMP_COUNT; o++)
		if (o != SK_CMP_EXISTS && !strcmp(op, sk_cmp_op_name((enum sk_cmp_op)o)))
			return true;
	return false;
}

/* fields: a scalar (scalar form) or a sequence of scalars (tuple form). */
static int read_fields(struct sk_rload *c, const struct sk_ynode *f, struct sk_rules_exception *e)
{
	if (f->kind == SK_YNODE_SCALAR) {
		e->tuple = false;
		e->fields = calloc(1, sizeof(*e->fields));
		if (!e->fields || !(e->fields[0] = strdup(f->str)))
			return rl_oom(c, f->pos);
		e->nfields = 1;
		return 0;
	}
	e->tuple = true;
	int rc = rl_strings(c, f, "fields", &e->fields, NULL, &e->nfields);
	if (!rc && e->nfields == 0)
		rc = rl_error(c, SK_LOAD_ERR_YAML_VALIDATE, f->pos, "'fields' must not be empty");
	return rc;
}

/* comps: same shape as fields, defaulting to "=" (tuple) or "in" (scalar). */
static int read_comps(struct sk_rload *c, const struct sk_ynode *cn, struct sk_rules_exception *e)
{
	unsigned n = 0;
	int rc = 0;
	if (!cn) {
		e->comps = calloc(e->nfields, sizeof(*e->comps));
		if (!e->comps)
			return rl_oom(c, e->pos);
		for (unsigned i = 0; i < e->nfields; i++)
			if (!(e->comps[i] = strdup(e->tuple ? "=" : "in")))
				return rl_oom(c, e->pos);
		return 0;
	}
	if (!e->tuple) {
		if (cn->kind != SK_YNODE_SCALAR)
			return rl_error(c, SK_LOAD_ERR_YAML_VALIDATE, cn->pos,
					"'comps' must be a scalar when 'fields' is a single field");
		if (!is_list_op(cn->str))
			return rl_error(
			    c, SK_LOAD_ERR_VALIDATE, cn->pos,
			    "with a single field 'comps' must be in, intersects or pmatch, "
			    "not '%.64s'",
			    cn->str);
		e->comps = calloc(1, sizeof(*e->comps));
		if (!e->comps || !(e->comps[0] = strdup(cn->str)))
			return rl_oom(c, cn->pos);
		return 0;
	}
	if (cn->kind != SK_YNODE_SEQ)
		return rl_error(c, SK_LOAD_ERR_YAML_VALIDATE, cn->pos,
				"'comps' must be a sequence when 'fields' is a sequence");
	if (cn->n != e->nfields)
		return rl_error(c, SK_LOAD_ERR_VALIDATE, cn->pos,
				"'comps' has %u entries but 'fields' has %u", cn->n, e->nfields);
	rc = rl_strings(c, cn, "comps", &e->comps, NULL, &n);
	for (unsigned i = 0; !rc && i < n; i++)
		if (!is_value_op(e->comps[i]))
			rc = rl_error(c, SK_LOAD_ERR_VALIDATE, cn->items[i]->pos,
				      "invalid comparison operator '%.64s'", e->comps[i]);
	return rc;
}

/* One cell: a scalar, or a sequence of scalars (a list for list operators). */
static int read_cell(struct sk_rload *c, const struct sk_ynode *v, struct sk_rules_exc_cell *cell)
{
	cell->pos = v->pos;
	if (v->kind == SK_YNODE_SEQ) {
		cell->is_list = true;
		return rl_strings(c, v, "values", &cell->items, NULL, &cell->nitems);
	}
	if (v->kind != SK_YNODE_SCALAR)
		return rl_error(c, SK_LOAD_ERR_YAML_VALIDATE, v->pos,
				"exception values must be scalars or sequences, not a %s",
				sk_ynode_kind_name(v));
	cell->items = calloc(1, sizeof(*cell->items));
	if (!cell->items || !(cell->items[0] = strdup(v->str)))
		return rl_oom(c, v->pos);
	cell->nitems = 1;
	return 0;
}

/*
 * values: rows of nfields cells (tuple form) or single scalars (scalar
 * form). Without fields (appending values to an existing exception) the
 * row shape is taken from the first row.
 */
static int read_values(struct sk_rload *c, const struct sk_ynode *vn, bool have_fields,
		       struct sk_rules_exception *e)
{
	if (vn->kind != SK_YNODE_SEQ)
		return rl_error(c, SK_LOAD_ERR_YAML_VALIDATE, vn->pos,
				"'values' must be a sequence, not a %s", sk_ynode_kind_name(vn));
	if (!vn->n)
		return 0;
	if (!have_fields) {
		e->tuple = vn->items[0]->kind == SK_YNODE_SEQ;
		e->nfields = e->tuple ? vn->items[0]->n : 1;
		if (!e->nfields)
			return rl_error(c, SK_LOAD_ERR_YAML_VALIDATE, vn->items[0]->pos,
					"exception values row must not be empty");
	}
	e->cells = calloc((size_t)vn->n * e->nfields, sizeof(*e->cells));
	if (!e->cells)
		return rl_oom(c, vn->pos);
	for (uint32_t r = 0; r < vn->n; r++) {
		const struct sk_ynode *row = vn->items[r];
		int rc;
		e->nvalues = r + 1;
		if (!e->tuple) {
			if (row->kind != SK_YNODE_SCALAR)
				return rl_error(
				    c, SK_LOAD_ERR_YAML_VALIDATE, row->pos,
				    "'values' entries must be scalars when 'fields' is a "
				    "single field");
			rc = read_cell(c, row, &e->cells[r]);
			if (rc)
				return rc;
			continue;
		}
		if (row->kind != SK_YNODE_SEQ)
			return rl_error(c, SK_LOAD_ERR_YAML_VALIDATE, row->pos,
					"each entry of 'values' must be a sequence of %u values",
					e->nfields);
		if (row->n != e->nfields)
			return rl_error(c, SK_LOAD_ERR_VALIDATE, row->pos,
					"values row has %u entries but 'fields' has %u", row->n,
					e->nfields);
		for (uint32_t k = 0; k < row->n; k++) {
			rc = read_cell(c, row->items[k], &e->cells[r * e->nfields + k]);
			if (rc)
				return rc;
		}
	}
	return 0;
}

static int read_one(struct sk_rload *c, const struct sk_ynode *m, bool append,
		    struct sk_rules_exception *e)
{
	e->pos = m->pos;
	if (m->kind != SK_YNODE_MAP)
		return rl_error(
		    c, SK_LOAD_ERR_YAML_VALIDATE, m->pos,
		    "exception must be a map with name, fields, comps and values, not a %s",
		    sk_ynode_kind_name(m));
	int rc = rl_string(c, m, "name", true, &e->name);
	if (rc)
		return rc;
	if (!e->name[0])
		return rl_error(c, SK_LOAD_ERR_YAML_VALIDATE, sk_ynode_get(m, "name")->pos,
				"exception name must not be empty");
	rl_check_keys(c, m, exc_keys);
	const struct sk_ynode *f = sk_ynode_get(m, "fields"), *cn = sk_ynode_get(m, "comps"),
			      *vn = sk_ynode_get(m, "values");
	if (!f && !append)
		return rl_error(c, SK_LOAD_ERR_YAML_VALIDATE, m->pos,
				"exception '%.64s': missing required key 'fields'", e->name);
	if (!f && cn)
		return rl_error(c, SK_LOAD_ERR_VALIDATE, cn->pos,
				"exception '%.64s': 'comps' needs 'fields'", e->name);
	if (f) {
		if (f->kind != SK_YNODE_SCALAR && f->kind != SK_YNODE_SEQ)
			return rl_error(c, SK_LOAD_ERR_YAML_VALIDATE, f->pos,
					"'fields' must be a field name or a sequence of them");
		rc = read_fields(c, f, e);
		if (!rc)
			rc = read_comps(c, cn, e);
		if (rc)
			return rc;
	}
	return vn ? read_values(c, vn, f != NULL, e) : 0;
}

static void warn_duplicates(struct sk_rload *c, const struct sk_rules_exception *v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		for (unsigned j = 0; j < i; j++)
			if (!strcmp(v[i].name, v[j].name)) {
				rl_warn(c, SK_LOAD_EXCEPTION_NAME_NOT_UNIQUE, v[i].pos,
					"more than one exception named '%.64s'", v[i].name);
				break;
			}
}

int rl_exceptions_read(struct sk_rload *c, const struct sk_ynode *seq, bool append,
		       struct sk_rules_exception **v, unsigned *n)
{
	*v = NULL;
	*n = 0;
	if (seq->kind != SK_YNODE_SEQ)
		return rl_error(c, SK_LOAD_ERR_YAML_VALIDATE, seq->pos,
				"'exceptions' must be a sequence, not a %s",
				sk_ynode_kind_name(seq));
	if (seq->n > SK_RULES_MAX_EXCEPTIONS)
		return rl_error(c, SK_LOAD_ERR_VALIDATE, seq->pos, "more than %u exceptions",
				SK_RULES_MAX_EXCEPTIONS);
	struct sk_rules_exception *e = calloc(seq->n ? seq->n : 1, sizeof(*e));
	if (!e)
		return rl_oom(c, seq->pos);
	for (uint32_t i = 0; i < seq->n; i++) {
		int rc = read_one(c, seq->items[i], append, &e[i]);
		if (rc) {
			rl_exceptions_free(e, i + 1);
			return rc;
		}
	}
	if (!append)
		warn_duplicates(c, e, seq->n);
	*v = e;
	*n = seq->n;
	return 0;
}

/* Add a's rows to base (same name, values only). */
static int append_values(struct sk_rload *c, struct sk_rules_exception *base,
			 struct sk_rules_exception *a)
{
	if (a->fields)
		return rl_error(
		    c, SK_LOAD_ERR_VALIDATE, a->pos,
		    "exception '%.64s' already exists: only 'values' can be appended to it",
		    a->name);
	if (!a->nvalues) {
		rl_warn(c, SK_LOAD_APPEND_NO_VALUES, a->pos, "exception '%.64s' appends no values",
			a->name);
		return 0;
	}
	if (a->tuple != base->tuple || a->nfields != base->nfields)
		return rl_error(c, SK_LOAD_ERR_VALIDATE, a->pos,
				"values appended to exception '%.64s' must be %s", a->name,
				base->tuple ? "rows with one entry per field" : "scalars");
	size_t have = (size_t)base->nvalues * base->nfields, add = (size_t)a->nvalues * a->nfields;
	struct sk_rules_exc_cell *cells = realloc(base->cells, (have + add) * sizeof(*cells));
	if (!cells)
		return rl_oom(c, a->pos);
	memcpy(cells + have, a->cells, add * sizeof(*cells));
	base->cells = cells;
	base->nvalues += a->nvalues;
	free(a->cells);
	a->cells = NULL;
	a->nvalues = 0;
	return 0;
}

int rl_exceptions_merge(struct sk_rload *c, struct sk_rules_rule *rule,
			struct sk_rules_exception *add, unsigned nadd)
{
	int rc = 0;
	struct sk_rules_exception *v =
	    realloc(rule->exceptions, (rule->nexceptions + nadd + 1) * sizeof(*v));
	if (!v) {
		rl_exceptions_free(add, nadd);
		return rl_oom(c, rule->pos);
	}
	rule->exceptions = v;
	for (unsigned i = 0; i < nadd && !rc; i++) {
		struct sk_rules_exception *base = NULL;
		if (rule->nexceptions >= SK_RULES_MAX_EXCEPTIONS) {
			rc = rl_error(c, SK_LOAD_ERR_VALIDATE, add[i].pos,
				      "more than %u exceptions", SK_RULES_MAX_EXCEPTIONS);
			break;
		}
		for (unsigned j = 0; j < rule->nexceptions && !base; j++)
			if (!strcmp(rule->exceptions[j].name, add[i].name))
				base = &rule->exceptions[j];
		if (base) {
			rc = append_values(c, base, &add[i]);
		} else if (!add[i].fields) {
			rc = rl_error(c, SK_LOAD_ERR_VALIDATE, add[i].pos,
				      "new exception '%.64s' must have 'fields'", add[i].name);
		} else {
			rule->exceptions[rule->nexceptions++] = add[i];
			memset(&add[i], 0, sizeof(add[i]));
		}
	}
	rl_exceptions_free(add, nadd);
	return rc;
}

/* ---- the exception condition ---- */

static bool bare_ok(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (strchr(" \t\n\r\f\v(),=\"'", *s))
			return false;
	return true;
}

/* A value as condition text: kept when bare-safe or already quoted, else quoted. */
static int put_value(struct sk_src_text *t, const char *v, struct sk_pos pos)
{
	if (v[0] == '"' || v[0] == '\'' || bare_ok(v))
		return sk_src_text_append(t, v, strlen(v), pos);
	int rc = sk_src_text_append(t, "\"", 1, pos);
	for (const char *p = v; !rc && *p; p++) {
		if (*p == '"' || *p == '\\')
			rc = sk_src_text_append(t, "\\", 1, pos);
		if (!rc)
			rc = sk_src_text_append(t, p, 1, pos);
	}
	return rc ? rc : sk_src_text_append(t, "\"", 1, pos);
}

static int put(struct sk_src_text *t, const char *s, struct sk_pos pos)
{
	return sk_src_text_append(t, s, strlen(s), pos);
}

/* (a, b, c) */
static int put_list(struct sk_src_text *t, const struct sk_rules_exc_cell *cell)
{
	int rc = put(t, "(", cell->pos);
	for (unsigned i = 0; !rc && i < cell->nitems; i++) {
		if (i)
			rc = put(t, ", ", cell->pos);
		if (!rc)
			rc = put_value(t, cell->items[i], cell->pos);
	}
	return rc ? rc : put(t, ")", cell->pos);
}

/* Scalar form: (field comp (v1, v2, ...)) */
static int scalar_cond(struct sk_src_text *t, const struct sk_rules_exception *e)
{
	int rc = put(t, "(", e->pos);
	if (!rc)
		rc = put(t, e->fields[0], e->pos);
	if (!rc)
		rc = put(t, " ", e->pos);
	if (!rc)
		rc = put(t, e->comps[0], e->pos);
	if (!rc)
		rc = put(t, " (", e->pos);
	for (unsigned i = 0; !rc && i < e->nvalues; i++) {
		if (i)
			rc = put(t, ", ", e->cells[i].pos);
		for (unsigned k = 0; !rc && k < e->cells[i].nitems; k++)
			rc = put_value(t, e->cells[i].items[k], e->cells[i].pos);
	}
	return rc ? rc : put(t, "))", e->pos);
}

/* Tuple form: ((f1 c1 v1 and f2 c2 v2) or (...)) */
static int tuple_cond(struct sk_src_text *t, const struct sk_rules_exception *e)
{
	int rc = put(t, "(", e->pos);
	for (unsigned r = 0; !rc && r < e->nvalues; r++) {
		rc = put(t, r ? " or (" : "(", e->pos);
		for (unsigned k = 0; !rc && k < e->nfields; k++) {
			const struct sk_rules_exc_cell *cell = &e->cells[r * e->nfields + k];
			if (k)
				rc = put(t, " and ", e->pos);
			if (!rc)
				rc = put(t, e->fields[k], e->pos);
			if (!rc)
				rc = put(t, " ", e->pos);
			if (!rc)
				rc = put(t, e->comps[k], e->pos);
			if (!rc)
				rc = put(t, " ", e->pos);
			if (rc)
				break;
			if (cell->is_list)
				rc = put_list(t, cell);
			else if (is_list_op(e->comps[k]) && cell->items[0][0] != '(')
				rc = put_list(t, cell);
			else if (is_list_op(e->comps[k]))
				rc = put(t, cell->items[0], cell->pos);
			else
				rc = put_value(t, cell->items[0], cell->pos);
		}
		if (!rc)
			rc = put(t, ")", e->pos);
	}
	return rc ? rc : put(t, ")", e->pos);
}

static int check_exception(const struct sk_rules_exception *e, char *err, size_t errlen)
{
	if (!e->fields || !e->comps || !e->nfields || (!e->tuple && e->nfields != 1)) {
		snprintf(err, errlen, "exception '%s' has no usable fields/comps", e->name);
		return -EINVAL;
	}
	for (unsigned i = 0; i < e->nvalues * e->nfields; i++)
		if (!e->cells[i].nitems && !e->cells[i].is_list) {
			snprintf(err, errlen, "exception '%s' has an empty value", e->name);
			return -EINVAL;
		}
	return 0;
}

int sk_rules_exception_cond(const struct sk_rules_rule *rule, struct sk_src_text *out, char *err,
			    size_t errlen)
{
	struct sk_src_text t;
	int rc;
	if (errlen)
		err[0] = '\0';
	if (!rule->nexceptions)
		return sk_src_text_copy(out, &rule->cond);
	sk_src_text_init(&t);
	struct sk_pos start = rule->cond.nfrags ? rule->cond.frags[0].pos : rule->pos;
	rc = put(&t, "(", start);
	if (!rc)
		rc = sk_src_text_append_src(&t, &rule->cond);
	if (!rc)
		rc = put(&t, ")", start);
	for (unsigned i = 0; !rc && i < rule->nexceptions; i++) {
		const struct sk_rules_exception *e = &rule->exceptions[i];
		if (!e->nvalues)
			continue;
		rc = check_exception(e, err, errlen);
		if (!rc)
			rc = put(&t, " and not ", e->pos);
		if (!rc)
			rc = e->tuple ? tuple_cond(&t, e) : scalar_cond(&t, e);
	}
	if (!rc) {
		sk_src_text_fini(out);
		*out = t;
		return 0;
	}
	if (rc == -ENOMEM && errlen)
		snprintf(err, errlen, "out of memory");
	sk_src_text_fini(&t);
	return rc;
}
