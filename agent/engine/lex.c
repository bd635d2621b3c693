/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The condition scanner (see lex.h): blanks, words, operators, quoted and
 * bare values, field arguments, and the one error shape of the parser.
 */
#include "lex.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define NEAR_MAX 32 /* bytes of the offending token quoted in errors */

void sk_lex_init(struct sk_lex *l, const struct sk_src_text *src, struct sk_ast_arena *a, char *err,
		 size_t errlen)
{
	memset(l, 0, sizeof(*l));
	l->src = src;
	l->s = src->text ? src->text : "";
	l->len = src->text ? src->len : 0;
	l->a = a;
	l->err = err;
	l->errlen = errlen;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' ||
	       c == '\b';
}

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_ident(char c)
{
	return is_alpha(c) || (c >= '0' && c <= '9') || c == '_';
}

/* Bare values stop at blanks, parentheses, commas, '=' and quotes. */
static bool is_bare(char c)
{
	return c && !is_blank(c) && !strchr("(),=\"'", c);
}

void sk_lex_skip_blank(struct sk_lex *l)
{
	while (l->off < l->len && is_blank(l->s[l->off]))
		l->off++;
}

bool sk_lex_at_end(struct sk_lex *l)
{
	sk_lex_skip_blank(l);
	return l->off >= l->len;
}

bool sk_lex_peek(struct sk_lex *l, char c)
{
	sk_lex_skip_blank(l);
	return l->off < l->len && l->s[l->off] == c;
}

bool sk_lex_accept(struct sk_lex *l, char c)
{
	if (!sk_lex_peek(l, c))
		return false;
	l->off++;
	return true;
}

bool sk_lex_keyword(struct sk_lex *l, const char *kw, bool end_ok)
{
	sk_lex_skip_blank(l);
	size_t n = strlen(kw);
	if (l->len - l->off < n || memcmp(l->s + l->off, kw, n) != 0)
		return false;
	size_t e = l->off + n;
	if (e >= l->len) {
		if (!end_ok)
			return false;
	} else {
		char c = l->s[e];
		if (!is_blank(c) && c != '(' && !(end_ok && (c == ')' || c == ',')))
			return false;
	}
	l->off = e;
	return true;
}

static size_t ident_at(const struct sk_lex *l, size_t off)
{
	size_t i = off;
	if (i >= l->len || !is_alpha(l->s[i]))
		return 0;
	while (i < l->len && is_ident(l->s[i]))
		i++;
	return i - off;
}

size_t sk_lex_ident_len(const struct sk_lex *l)
{
	return ident_at(l, l->off);
}

size_t sk_lex_field_len(const struct sk_lex *l)
{
	size_t i = l->off + ident_at(l, l->off);
	unsigned parts = 0;
	if (i == l->off)
		return 0;
	while (i < l->len && l->s[i] == '.') {
		size_t n = ident_at(l, i + 1);
		if (!n)
			break;
		i += 1 + n;
		parts++;
	}
	return parts ? i - l->off : 0;
}

/* Symbolic operators, longest first. */
static const struct {
	const char *text;
	enum sk_cmp_op op;
} sym_ops[] = {
    {"==", SK_CMP_EQ2}, {"!=", SK_CMP_NE}, {"<=", SK_CMP_LE}, {">=", SK_CMP_GE},
    {"=", SK_CMP_EQ},	{"<", SK_CMP_LT},  {">", SK_CMP_GT},
};

bool sk_lex_cmp_op(struct sk_lex *l, enum sk_cmp_op *op)
{
	sk_lex_skip_blank(l);
	for (size_t i = 0; i < sizeof(sym_ops) / sizeof(sym_ops[0]); i++) {
		size_t n = strlen(sym_ops[i].text);
		if (l->len - l->off >= n && !memcmp(l->s + l->off, sym_ops[i].text, n)) {
			l->off += n;
			*op = sym_ops[i].op;
			return true;
		}
	}
	size_t n = sk_lex_ident_len(l);
	for (int o = SK_CMP_CONTAINS; n && o < SK_CMP_COUNT; o++) {
		const char *name = sk_cmp_op_name((enum sk_cmp_op)o);
		if (strlen(name) == n && !memcmp(l->s + l->off, name, n) &&
		    sk_lex_keyword(l, name, o == SK_CMP_EXISTS)) {
			*op = (enum sk_cmp_op)o;
			return true;
		}
	}
	return false;
}

/* One escape after a backslash; unknown escapes keep the backslash. */
static size_t unescape(char c, char *out)
{
	switch (c) {
	case 'n':
		out[0] = '\n';
		return 1;
	case 't':
		out[0] = '\t';
		return 1;
	case 'r':
		out[0] = '\r';
		return 1;
	case 'b':
		out[0] = '\b';
		return 1;
	case 'f':
		out[0] = '\f';
		return 1;
	case '"':
	case '\'':
	case '\\':
		out[0] = c;
		return 1;
	default:
		out[0] = '\\';
		out[1] = c;
		return 2;
	}
}

int sk_lex_quoted(struct sk_lex *l, const char **text, uint32_t *len)
{
	size_t start = l->off;
	char q = l->s[l->off++];
	/* the unescaped text is never longer than the source */
	char *buf = sk_ast_arena_alloc(l->a, l->len - start + 1);
	size_t n = 0;
	if (!buf)
		return -ENOMEM;
	while (l->off < l->len && l->s[l->off] != q) {
		char c = l->s[l->off++];
		if (c == '\\' && l->off < l->len)
			n += unescape(l->s[l->off++], buf + n);
		else
			buf[n++] = c;
	}
	if (l->off >= l->len)
		return sk_lex_error(l, start, "unterminated string");
	l->off++;
	buf[n] = '\0';
	*text = buf;
	*len = (uint32_t)n;
	return 0;
}

int sk_lex_value(struct sk_lex *l, struct sk_ast_value *v)
{
	sk_lex_skip_blank(l);
	memset(v, 0, sizeof(*v));
	v->pos = sk_lex_pos(l, l->off);
	if (l->off < l->len && (l->s[l->off] == '"' || l->s[l->off] == '\'')) {
		v->quoted = true;
		return sk_lex_quoted(l, &v->text, &v->len);
	}
	size_t start = l->off;
	while (l->off < l->len && is_bare(l->s[l->off]))
		l->off++;
	if (l->off == start)
		return sk_lex_error(l, start, "expected a value");
	v->len = (uint32_t)(l->off - start);
	v->text = sk_ast_arena_strndup(l->a, l->s + start, v->len);
	return v->text ? 0 : -ENOMEM;
}

int sk_lex_field_arg(struct sk_lex *l, const char **arg)
{
	size_t start = l->off;
	if (l->off < l->len && (l->s[l->off] == '"' || l->s[l->off] == '\'')) {
		uint32_t n;
		return sk_lex_quoted(l, arg, &n);
	}
	while (l->off < l->len && !is_blank(l->s[l->off]) && !strchr("[]\"'", l->s[l->off]) &&
	       l->s[l->off])
		l->off++;
	if (l->off == start)
		return sk_lex_error(l, start, "expected a field argument");
	*arg = sk_ast_arena_strndup(l->a, l->s + start, l->off - start);
	return *arg ? 0 : -ENOMEM;
}

struct sk_pos sk_lex_pos(const struct sk_lex *l, size_t off)
{
	return sk_src_text_pos(l->src, off);
}

/* The token shown after "near": a quoted string, a bare run, or one delimiter. */
static size_t near_len(const struct sk_lex *l, size_t off)
{
	size_t i = off;
	if (i >= l->len)
		return 0;
	char c = l->s[i];
	if (c == '"' || c == '\'') {
		for (i++; i < l->len && l->s[i] != c; i++)
			;
		return (i < l->len ? i + 1 : i) - off;
	}
	if (!is_bare(c) && !is_blank(c))
		return 1;
	while (i < l->len && is_bare(l->s[i]))
		i++;
	return i - off;
}

int sk_lex_error(struct sk_lex *l, size_t off, const char *fmt, ...)
{
	char msg[256], near[NEAR_MAX + 4];
	va_list ap;
	struct sk_pos p = sk_lex_pos(l, off);
	l->errpos = p;
	if (!l->errlen)
		return -EINVAL;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	size_t n = near_len(l, off);
	if (n == 0) {
		snprintf(near, sizeof(near), "<eof>");
	} else {
		size_t k = n > NEAR_MAX ? NEAR_MAX : n;
		for (size_t i = 0; i < k; i++) {
			char c = l->s[off + i];
			near[i] = (c == '\n' || c == '\r' || c == '\t' || c == '\0') ? ' ' : c;
		}
		strcpy(near + k, n > NEAR_MAX ? "..." : "");
	}
	if (l->err_no_pos)
		snprintf(l->err, l->errlen, "%s near '%s'", msg, near);
	else
		snprintf(l->err, l->errlen, "%s:%u:%u: %s near '%s'",
			 p.file ? p.file : "<condition>", (unsigned)p.line, (unsigned)p.col, msg,
			 near);
	return -EINVAL;
}
