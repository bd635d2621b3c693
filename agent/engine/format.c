/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Output formats and alerts. A format is compiled once into text runs and
 * resolved field references; rendering extracts each field for the event.
 * Alerts are Falco's text line ("time: Priority output") or Falco's JSON
 * object, keys in alphabetical order as Falco's JSON library writes them.
 *
 * %container.info: replaced at compile time by the caller's text, by
 * default Falco 0.31's "%container.name (id=%container.id)" (what 0.31 used
 * without -p; -pc gave "container=%container.name (id=%container.id)").
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine.h"
#include "filter.h"

#define SK_FORMAT_CONTAINER_INFO_031 "%container.name (id=%container.id)"
#define SK_FORMAT_VALUE_MAX 65536u /* bytes of one rendered value in JSON */

struct fmt_tok {
	bool field;
	const char *text; /* TEXT: literal; FIELD: key as written ("proc.aname[2]") */
	size_t len;
	struct sk_operand op;
	unsigned pad; /* %Nfield */
};

struct sk_format {
	struct sk_pool *pool;
	struct fmt_tok *toks;
	unsigned ntoks;
	bool star;
};

/* ---- small output buffer ------------------------------------------------- */

struct obuf {
	char *out;
	size_t cap, n;
};

static void ob_putn(struct obuf *b, const char *s, size_t len)
{
	if (b->n < b->cap) {
		size_t room = b->cap - b->n;
		memcpy(b->out + b->n, s, len < room ? len : room);
	}
	b->n += len;
}

static void ob_puts(struct obuf *b, const char *s)
{
	ob_putn(b, s, strlen(s));
}

static void ob_printf(struct obuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void ob_printf(struct obuf *b, const char *fmt, ...)
{
	char tmp[128];
	va_list ap;
	va_start(ap, fmt);
	int w = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (w > 0)
		ob_putn(b, tmp, (size_t)w < sizeof(tmp) ? (size_t)w : sizeof(tmp) - 1);
}

/* NUL-terminate (truncating) and return the needed length. */
static size_t ob_finish(struct obuf *b)
{
	if (b->cap)
		b->out[b->n < b->cap ? b->n : b->cap - 1] = '\0';
	return b->n;
}

/* ---- compiling ----------------------------------------------------------- */

/* text with every "%container.info" replaced by rep. */
static char *expand_container_info(const char *text, const char *rep)
{
	static const char key[] = "%container.info";
	size_t klen = sizeof(key) - 1, rlen = strlen(rep), n = 0;
	for (const char *p = strstr(text, key); p; p = strstr(p + klen, key))
		n++;
	size_t need = strlen(text) + n * rlen + 1;
	if (need > SK_FORMAT_MAX_LEN)
		return NULL;
	char *out = malloc(need), *o = out;
	if (!out)
		return NULL;
	for (const char *p = text;;) {
		const char *q = strstr(p, key);
		size_t l = q ? (size_t)(q - p) : strlen(p);
		memcpy(o, p, l);
		o += l;
		if (!q)
			break;
		memcpy(o, rep, rlen);
		o += rlen;
		p = q + klen;
	}
	*o = '\0';
	return out;
}

static int add_tok(struct sk_format *f, unsigned *cap, struct fmt_tok **out)
{
	if (f->ntoks == SK_FORMAT_MAX_TOKENS)
		return -E2BIG;
	if (f->ntoks == *cap) {
		unsigned nc = *cap ? *cap * 2 : 16;
		struct fmt_tok *nt = sk_pool_alloc(f->pool, nc * sizeof(*nt));
		if (!nt)
			return -ENOMEM;
		if (f->ntoks)
			memcpy(nt, f->toks, f->ntoks * sizeof(*nt));
		f->toks = nt;
		*cap = nc;
	}
	*out = &f->toks[f->ntoks++];
	return 0;
}

static int resolve(const struct sk_field_registry *reg, const char *source, struct sk_pool *pool,
		   const char *name, size_t nlen, const char *arg, size_t alen, struct fmt_tok *t,
		   char *err, size_t errlen)
{
	char *pname = sk_pool_strndup(pool, name, nlen);
	if (!pname)
		return -ENOMEM;
	struct sk_field_ref *ref = &t->op.ref;
	if (sk_field_registry_find(reg, source, pname, nlen, ref) != 0) {
		snprintf(err, errlen, "unknown field '%s'", pname);
		return -EINVAL;
	}
	if (ref->arg) {
		ref->arg = sk_pool_strndup(pool, ref->arg, ref->arg_len);
	} else if (arg) {
		ref->arg = sk_pool_strndup(pool, arg, alen);
		ref->arg_len = (uint32_t)alen;
	} else if (ref->field->flags & SK_FIELD_ARG_REQUIRED) {
		snprintf(err, errlen, "field '%s' requires an argument", pname);
		return -EINVAL;
	}
	if ((arg || ref->arg) && !ref->arg)
		return -ENOMEM;
	if (ref->cls->prepare && ref->cls->prepare(ref, err, errlen) != 0)
		return -EINVAL;
	t->op.type = ref->field->type;
	t->op.list = ref->field->flags & SK_FIELD_LIST;
	t->op.text = t->text;
	for (int k = (int)t->op.nxforms - 1; k >= 0; k--) {
		if (t->op.xforms[k] == SK_XFORM_LEN) {
			t->op.type = PT_UINT64;
			t->op.list = false;
		} else if (sk_type_class(t->op.type) != SK_TC_STR &&
			   sk_type_class(t->op.type) != SK_TC_BYTES) {
			snprintf(err, errlen, "transformer '%s' cannot be applied to field '%s'",
				 sk_xform_name((enum sk_xform)t->op.xforms[k]), pname);
			return -EINVAL;
		} else if (t->op.xforms[k] == SK_XFORM_B64) {
			t->op.type = PT_CHARBUF;
		}
	}
	return 0;
}

/* One placeholder at text[i] (just after '%'); sets *next past it. */
static int compile_field(struct sk_format *f, const struct sk_field_registry *reg,
			 const char *source, const char *text, size_t i, size_t *next,
			 struct fmt_tok *t, char *err, size_t errlen)
{
	size_t len = strlen(text);
	unsigned pad = 0;
	while (i < len && text[i] >= '0' && text[i] <= '9' && pad < 100000)
		pad = pad * 10u + (unsigned)(text[i++] - '0');
	t->pad = pad;
	size_t start = i, nlen, aend;
	const char *arg = NULL;
	size_t alen = 0;
	if (text[i] == '(') { /* %(field) */
		const char *close = strchr(text + i, ')');
		if (!close) {
			snprintf(err, errlen, "col %zu: missing ')'", i + 1);
			return -EINVAL;
		}
		start = i + 1;
		const char *br = memchr(text + start, '[', (size_t)(close - text) - start);
		nlen = (size_t)((br ? br : close) - (text + start));
		if (br) {
			arg = br + 1;
			alen = (size_t)(close - arg) - 1;
		}
		aend = (size_t)(close - text) + 1;
	} else {
		/* transformers: %tolower(basename(proc.exe)) */
		unsigned nx = 0;
		for (bool more = true; more;) {
			more = false;
			for (int x = 0; x < SK_XFORM_COUNT; x++) {
				const char *xn = sk_xform_name((enum sk_xform)x);
				size_t xl = strlen(xn);
				if (!strncmp(text + i, xn, xl) && text[i + xl] == '(') {
					if (nx == SK_AST_MAX_XFORMS) {
						snprintf(err, errlen,
							 "col %zu: too many transformers", i + 1);
						return -EINVAL;
					}
					t->op.xforms[nx++] = (int8_t)x;
					i += xl + 1;
					more = true;
					break;
				}
			}
		}
		t->op.nxforms = (uint8_t)nx;
		nlen = sk_field_registry_match_prefix(reg, source, text + i, len - i);
		if (nlen == 0) {
			snprintf(err, errlen, "col %zu: invalid formatting token '%%%.32s'", i,
				 text + start);
			return -EINVAL;
		}
		aend = i + nlen;
		if (text[aend] == '[') {
			const char *close = strchr(text + aend, ']');
			if (!close) {
				snprintf(err, errlen, "col %zu: missing ']'", aend + 1);
				return -EINVAL;
			}
			arg = text + aend + 1;
			alen = (size_t)(close - arg);
			aend = (size_t)(close - text) + 1;
		}
		for (unsigned k = 0; k < nx; k++, aend++) {
			if (text[aend] != ')') {
				snprintf(err, errlen, "col %zu: missing ')'", aend + 1);
				return -EINVAL;
			}
		}
		if (nx) { /* key and extraction: the whole expression as written */
			t->field = true;
			t->len = aend - start;
			t->text = sk_pool_strndup(f->pool, text + start, t->len);
			if (!t->text)
				return -ENOMEM;
			*next = aend;
			return resolve(reg, source, f->pool, text + i, nlen, arg, alen, t, err,
				       errlen);
		}
	}
	t->field = true;
	size_t keylen = arg ? (size_t)(arg - (text + start)) + alen + 1 : nlen;
	t->text = sk_pool_strndup(f->pool, text + start, keylen);
	t->len = keylen;
	if (!t->text)
		return -ENOMEM;
	*next = aend;
	return resolve(reg, source, f->pool, text + start, nlen, arg, alen, t, err, errlen);
}

int sk_format_compile(const struct sk_field_registry *reg, const char *source, const char *text,
		      const char *container_info, struct sk_format **out, char *err, size_t errlen)
{
	int rc;
	unsigned cap = 0;
	*out = NULL;
	char *exp = expand_container_info(text, container_info ? container_info
							       : SK_FORMAT_CONTAINER_INFO_031);
	struct sk_format *f = calloc(1, sizeof(*f));
	if (!exp || !f || sk_pool_new(&f->pool)) {
		rc = exp || strlen(text) < SK_FORMAT_MAX_LEN ? -ENOMEM : -E2BIG;
		goto cleanup;
	}
	size_t i = 0, len = strlen(exp);
	if (exp[0] == '*') {
		f->star = true;
		i = 1;
	}
	while (i < len) {
		struct fmt_tok *t;
		rc = add_tok(f, &cap, &t);
		if (rc)
			goto cleanup;
		if (exp[i] == '%' && i + 1 == len) {
			snprintf(err, errlen, "col %zu: formatting cannot end with a %%", i + 1);
			rc = -EINVAL;
			goto cleanup;
		}
		if (exp[i] == '%') {
			rc = compile_field(f, reg, source, exp, i + 1, &i, t, err, errlen);
			if (rc)
				goto cleanup;
			continue;
		}
		const char *pct = strchr(exp + i + 1, '%');
		size_t end = pct ? (size_t)(pct - exp) : len;
		t->text = sk_pool_strndup(f->pool, exp + i, end - i);
		t->len = end - i;
		if (!t->text) {
			rc = -ENOMEM;
			goto cleanup;
		}
		i = end;
	}
	*out = f;
	f = NULL;
	rc = 0;
cleanup:
	if (rc == -E2BIG)
		snprintf(err, errlen, "format longer than %u bytes or %u tokens", SK_FORMAT_MAX_LEN,
			 SK_FORMAT_MAX_TOKENS);
	free(exp);
	sk_format_free(f);
	return rc;
}

void sk_format_free(struct sk_format *f)
{
	if (!f)
		return;
	sk_pool_free(f->pool);
	free(f);
}

/* ---- rendering ----------------------------------------------------------- */

/* Render one value at the end of b. */
static void put_value(struct obuf *b, const struct sk_value *v)
{
	size_t room = b->n < b->cap ? b->cap - b->n : 0;
	size_t need = sk_value_render(v, room ? b->out + b->n : NULL, room);
	b->n += need;
}

/* The field's text: "<NA>" when missing, "(a,b)" for lists. Returns whether it had a value. */
static bool put_field(struct obuf *b, const struct fmt_tok *t, struct sk_eval_ctx *ctx)
{
	struct sk_value vals[SK_FIELD_MAX_VALUES];
	size_t mark = ctx->scratch_used, start = b->n;
	int nv = sk_operand_extract(&t->op, ctx, vals, SK_FIELD_MAX_VALUES, true);
	if (nv <= 0) {
		ob_puts(b, "<NA>");
	} else if (t->op.list) {
		ob_puts(b, "(");
		for (int i = 0; i < nv; i++) {
			if (i)
				ob_puts(b, ",");
			put_value(b, &vals[i]);
		}
		ob_puts(b, ")");
	} else {
		put_value(b, &vals[0]);
	}
	ctx->scratch_used = mark;
	if (t->pad) { /* %Nfield: exactly N characters */
		size_t w = b->n - start;
		if (w > t->pad)
			b->n = start + t->pad;
		for (; w < t->pad; w++)
			ob_puts(b, " ");
	}
	return nv > 0;
}

static bool render(const struct sk_format *f, struct sk_eval_ctx *ctx, struct obuf *b)
{
	bool complete = true;
	for (unsigned i = 0; i < f->ntoks; i++) {
		const struct fmt_tok *t = &f->toks[i];
		if (!t->field)
			ob_putn(b, t->text, t->len);
		else if (!put_field(b, t, ctx))
			complete = false;
	}
	return complete || f->star;
}

bool sk_format_render(const struct sk_format *f, struct sk_eval_ctx *ctx, char *out, size_t cap,
		      size_t *len)
{
	struct obuf b = {out, cap, 0};
	bool ok = render(f, ctx, &b);
	size_t n = ob_finish(&b);
	if (len)
		*len = n;
	return ok;
}

/* ---- alerts ----------------------------------------------------------------- */

void sk_output_opts_init(struct sk_output_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->json_include_output = true;
	o->json_include_output_fields = true;
	o->json_include_tags = true;
}

/* "HH:MM:SS.nnnnnnnnn" local, or ISO 8601 UTC with "+0000" (evt.time.iso8601). */
static void put_time_prefix(struct obuf *b, uint64_t ts, bool iso)
{
	time_t sec = (time_t)(ts / 1000000000u);
	struct tm tm;
	char buf[64];
	if (iso) {
		gmtime_r(&sec, &tm);
		strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
		ob_printf(b, "%s.%09u+0000", buf, (unsigned)(ts % 1000000000u));
	} else {
		localtime_r(&sec, &tm);
		strftime(buf, sizeof(buf), "%H:%M:%S", &tm);
		ob_printf(b, "%s.%09u", buf, (unsigned)(ts % 1000000000u));
	}
}

/* JSON string: escapes like Falco's JSON library; invalid UTF-8 becomes U+FFFD. */
static void put_json_str(struct obuf *b, const char *s, size_t len)
{
	ob_puts(b, "\"");
	for (size_t i = 0; i < len;) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\') {
			char e[2] = {'\\', (char)c};
			ob_putn(b, e, 2);
			i++;
		} else if (c < 0x20) {
			switch (c) {
			case '\b':
				ob_puts(b, "\\b");
				break;
			case '\f':
				ob_puts(b, "\\f");
				break;
			case '\n':
				ob_puts(b, "\\n");
				break;
			case '\r':
				ob_puts(b, "\\r");
				break;
			case '\t':
				ob_puts(b, "\\t");
				break;
			default:
				ob_printf(b, "\\u%04x", c);
				break;
			}
			i++;
		} else if (c < 0x80) {
			ob_putn(b, s + i, 1);
			i++;
		} else {
			size_t n = c >= 0xf0 && c < 0xf5 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 ? 2 : 0;
			bool ok = n && c < 0xf5 && i + n <= len;
			for (size_t k = 1; ok && k < n; k++)
				ok = ((unsigned char)s[i + k] & 0xc0) == 0x80;
			if (ok) {
				ob_putn(b, s + i, n);
				i += n;
			} else {
				ob_puts(b, "\xef\xbf\xbd");
				i++;
			}
		}
	}
	ob_puts(b, "\"");
}

static void put_json_value(struct obuf *b, const struct sk_value *v)
{
	switch (sk_type_class(v->type)) {
	case SK_TC_INT:
		ob_printf(b, "%lld", (long long)v->i);
		return;
	case SK_TC_UINT:
		ob_printf(b, "%llu", (unsigned long long)v->u);
		return;
	case SK_TC_BOOL:
		ob_puts(b, v->u ? "true" : "false");
		return;
	case SK_TC_DBL:
		ob_printf(b, "%.17g", v->d);
		return;
	default: {
		static __thread char tmp[SK_FORMAT_VALUE_MAX];
		size_t n = sk_value_render(v, tmp, sizeof(tmp));
		put_json_str(b, tmp, n < sizeof(tmp) ? n : sizeof(tmp) - 1);
		return;
	}
	}
}

/* Time-of-event fields libsinsp writes into JSON as the raw ns timestamp. */
static bool is_time_field(const struct fmt_tok *t)
{
	static const char *const names[] = {"evt.time", "evt.time.s", "evt.time.iso8601",
					    "evt.datetime", "evt.datetime.s"};
	if (t->op.nxforms)
		return false;
	for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(t->op.ref.field->name, names[i]))
			return true;
	return false;
}

static void put_json_field(struct obuf *b, const struct fmt_tok *t, struct sk_eval_ctx *ctx,
			   uint64_t ts)
{
	if (is_time_field(t)) {
		ob_printf(b, "%llu", (unsigned long long)ts);
		return;
	}
	struct sk_value vals[SK_FIELD_MAX_VALUES];
	size_t mark = ctx->scratch_used;
	int nv = sk_operand_extract(&t->op, ctx, vals, SK_FIELD_MAX_VALUES, true);
	if (nv <= 0) {
		ob_puts(b, "null");
	} else if (t->op.list) {
		ob_puts(b, "[");
		for (int i = 0; i < nv; i++) {
			if (i)
				ob_puts(b, ",");
			put_json_value(b, &vals[i]);
		}
		ob_puts(b, "]");
	} else {
		put_json_value(b, &vals[0]);
	}
	ctx->scratch_used = mark;
}

/* ---- append_output's extra_fields -------------------------------------- */

struct extra_ent {
	char *name;
	size_t len;
	struct sk_format *f;
	bool typed; /* f is "%name": its one field, typed */
};

struct sk_format_extra {
	struct extra_ent v[SK_FORMAT_MAX_EXTRA_FIELDS];
	unsigned n;
};

int sk_format_extra_add(struct sk_format_extra **x, const struct sk_field_registry *reg,
			const char *source, const char *name, const char *fmt, char *err,
			size_t errlen)
{
	if (!*x && !(*x = calloc(1, sizeof(**x))))
		return -ENOMEM;
	struct sk_format_extra *e = *x;
	if (e->n == SK_FORMAT_MAX_EXTRA_FIELDS) {
		snprintf(err, errlen, "more than %u extra_fields", SK_FORMAT_MAX_EXTRA_FIELDS);
		return -E2BIG;
	}
	struct extra_ent *ent = &e->v[e->n];
	char field_fmt[256];
	if (!fmt) {
		snprintf(field_fmt, sizeof(field_fmt), "%%%s", name);
		fmt = field_fmt;
	}
	int rc = sk_format_compile(reg, source, fmt, NULL, &ent->f, err, errlen);
	if (rc)
		return rc;
	ent->typed = fmt == field_fmt;
	if (ent->typed && (ent->f->ntoks != 1 || !ent->f->toks[0].field)) {
		snprintf(err, errlen, "'%s' is not a field", name);
		sk_format_free(ent->f);
		return -EINVAL;
	}
	ent->name = strdup(name);
	if (!ent->name) {
		sk_format_free(ent->f);
		return -ENOMEM;
	}
	ent->len = strlen(name);
	e->n++;
	return 0;
}

void sk_format_extra_free(struct sk_format_extra *x)
{
	if (!x)
		return;
	for (unsigned i = 0; i < x->n; i++) {
		free(x->v[i].name);
		sk_format_free(x->v[i].f);
	}
	free(x);
}

/* One key of output_fields: a field token of the output, or an extra field. */
struct of_item {
	const char *key;
	size_t len;
	const struct fmt_tok *tok;    /* typed field value */
	const struct sk_format *text; /* else: rendered text */
};

static int cmp_item(const void *a, const void *b)
{
	const struct of_item *x = a, *y = b;
	return strcmp(x->key, y->key);
}

/* The output's fields and the extra fields, sorted by key. */
static unsigned collect_items(struct of_item *v, const struct sk_format *f,
			      const struct sk_format_extra *x)
{
	unsigned n = 0;
	for (unsigned i = 0; f && i < f->ntoks; i++)
		if (f->toks[i].field)
			v[n++] = (struct of_item){f->toks[i].text, f->toks[i].len, &f->toks[i],
						  NULL};
	for (unsigned i = 0; x && i < x->n; i++) {
		const struct extra_ent *e = &x->v[i];
		v[n++] = (struct of_item){e->name, e->len, e->typed ? &e->f->toks[0] : NULL,
					  e->typed ? NULL : e->f};
	}
	qsort(v, n, sizeof(*v), cmp_item);
	return n;
}

static void put_item_value(struct obuf *b, const struct of_item *it, struct sk_eval_ctx *ctx,
			   uint64_t ts)
{
	if (it->tok) {
		put_json_field(b, it->tok, ctx, ts);
		return;
	}
	static __thread char tmp[SK_FORMAT_VALUE_MAX];
	size_t mark = ctx->scratch_used, n;
	struct obuf tb = {tmp, sizeof(tmp), 0};
	render(it->text, ctx, &tb);
	n = ob_finish(&tb);
	ctx->scratch_used = mark;
	put_json_str(b, tmp, n < sizeof(tmp) ? n : sizeof(tmp) - 1);
}

/* output_fields: the format's fields, the extra fields and the time field, sorted, unique. */
static void put_output_fields(struct obuf *b, const struct sk_format *f,
			      const struct sk_format_extra *x, struct sk_eval_ctx *ctx, uint64_t ts,
			      bool iso)
{
	struct of_item items[SK_FORMAT_MAX_TOKENS + SK_FORMAT_MAX_EXTRA_FIELDS];
	unsigned n = collect_items(items, f, x);
	const char *tkey = iso ? "evt.time.iso8601" : "evt.time";
	bool time_done = false, first = true;
	ob_puts(b, "{");
	for (unsigned i = 0; i <= n; i++) {
		if (!time_done && (i == n || strcmp(tkey, items[i].key) <= 0)) {
			ob_printf(b, "%s\"%s\":%llu", first ? "" : ",", tkey,
				  (unsigned long long)ts);
			time_done = true;
			first = false;
		}
		if (i == n)
			break;
		if (!strcmp(items[i].key, tkey) || (i && !strcmp(items[i].key, items[i - 1].key)))
			continue;
		ob_puts(b, first ? "" : ",");
		put_json_str(b, items[i].key, items[i].len);
		ob_puts(b, ":");
		put_item_value(b, &items[i], ctx, ts);
		first = false;
	}
	ob_puts(b, "}");
}

/* Text line into b; message (output without prefix) starts at *msg_off. */
static void put_text_line(struct obuf *b, const struct sk_rule *r, struct sk_eval_ctx *ctx,
			  uint64_t ts, bool iso, size_t *msg_off)
{
	put_time_prefix(b, ts, iso);
	ob_puts(b, ": ");
	ob_puts(b, sk_priority_name(r->priority));
	ob_puts(b, " ");
	*msg_off = b->n;
	if (r->output)
		render(r->output, ctx, b);
}

static size_t format_json(const struct sk_rule *r, struct sk_eval_ctx *ctx, uint64_t ts,
			  const struct sk_output_opts *o, struct obuf *b)
{
	/* The text line is rendered once into the tail of the buffer's budget. */
	static __thread char line[SK_FORMAT_MAX_LEN];
	struct obuf lb = {line, sizeof(line), 0};
	size_t msg_off;
	put_text_line(&lb, r, ctx, ts, o->time_iso8601, &msg_off);
	size_t llen = lb.n < sizeof(line) ? lb.n : sizeof(line) - 1;
	if (msg_off > llen)
		msg_off = llen;

	ob_puts(b, "{\"hostname\":");
	put_json_str(b, o->hostname ? o->hostname : "", o->hostname ? strlen(o->hostname) : 0);
	if (o->json_include_message) {
		ob_puts(b, ",\"message\":");
		put_json_str(b, line + msg_off, llen - msg_off);
	}
	if (o->json_include_output) {
		ob_puts(b, ",\"output\":");
		put_json_str(b, line, llen);
	}
	if (o->json_include_output_fields) {
		ob_puts(b, ",\"output_fields\":");
		put_output_fields(b, r->output, r->extra_fields, ctx, ts, o->time_iso8601);
	}
	ob_puts(b, ",\"priority\":");
	put_json_str(b, sk_priority_name(r->priority), strlen(sk_priority_name(r->priority)));
	ob_puts(b, ",\"rule\":");
	put_json_str(b, r->name, strlen(r->name));
	ob_puts(b, ",\"source\":");
	put_json_str(b, r->source, strlen(r->source));
	if (o->json_include_tags) {
		ob_puts(b, ",\"tags\":[");
		for (unsigned i = 0; i < r->ntags; i++) {
			if (i)
				ob_puts(b, ",");
			put_json_str(b, r->tags[i], strlen(r->tags[i]));
		}
		ob_puts(b, "]");
	}
	time_t sec = (time_t)(ts / 1000000000u);
	struct tm tm;
	char buf[64];
	gmtime_r(&sec, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
	ob_printf(b, ",\"time\":\"%s.%09uZ\"}", buf, (unsigned)(ts % 1000000000u));
	return ob_finish(b);
}

size_t sk_alert_format(const struct sk_rule *r, struct sk_eval_ctx *ctx, uint64_t ts,
		       const struct sk_output_opts *o, char *out, size_t cap)
{
	struct obuf b = {out, cap, 0};
	if (o->json)
		return format_json(r, ctx, ts, o, &b);
	size_t msg_off;
	put_text_line(&b, r, ctx, ts, o->time_iso8601, &msg_off);
	return ob_finish(&b);
}
