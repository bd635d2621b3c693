/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Private to the condition parser: the scanner. The filter language is
 * context-sensitive (a bare value may look like a field or an operator), so
 * the parser asks for the kind of token it expects next and the scanner
 * reads exactly that from the current offset.
 */
#ifndef SAKER_ENGINE_LEX_H
#define SAKER_ENGINE_LEX_H

#include <stdbool.h>
#include <stddef.h>

#include "ast.h"
#include "rules.h"

struct sk_lex {
	const struct sk_src_text *src;
	const char *s; /* src->text */
	size_t len;
	size_t off; /* next byte to scan */
	struct sk_ast_arena *a;
	char *err;
	size_t errlen;
	unsigned depth;	      /* nesting of parentheses / not / transformers */
	struct sk_pos errpos; /* where the last error was reported */
	bool err_no_pos;      /* write errors without the "file:line:col: " prefix */
};

void sk_lex_init(struct sk_lex *l, const struct sk_src_text *src, struct sk_ast_arena *a, char *err,
		 size_t errlen);

/* Skip blanks (space, tab, newline, carriage return, form feed, vertical tab). */
void sk_lex_skip_blank(struct sk_lex *l);
bool sk_lex_at_end(struct sk_lex *l);

/* After blanks: consume c when it is next. */
bool sk_lex_accept(struct sk_lex *l, char c);
/* After blanks: c is next (not consumed). */
bool sk_lex_peek(struct sk_lex *l, char c);

/*
 * After blanks: consume the word kw when it is followed by a blank, '(' or,
 * when end_ok, by ')' / ',' / the end of text. Words must not run on into
 * identifier characters ("andx" is not "and").
 */
bool sk_lex_keyword(struct sk_lex *l, const char *kw, bool end_ok);

/* Length of an identifier [A-Za-z][A-Za-z0-9_]* at off (0 when none). */
size_t sk_lex_ident_len(const struct sk_lex *l);
/* Length of a field name ident('.'ident)+ at off (0 when none). */
size_t sk_lex_field_len(const struct sk_lex *l);

/* After blanks: a comparison operator; *op is set and it is consumed. */
bool sk_lex_cmp_op(struct sk_lex *l, enum sk_cmp_op *op);

/* A quoted string at off ('"' or '\''), unescaped into the arena. -EINVAL on error. */
int sk_lex_quoted(struct sk_lex *l, const char **text, uint32_t *len);
/* After blanks: a quoted or bare value. -EINVAL when none. */
int sk_lex_value(struct sk_lex *l, struct sk_ast_value *v);
/* A field argument after '[': quoted or a run without blanks, brackets and quotes. */
int sk_lex_field_arg(struct sk_lex *l, const char **arg);

/* File position of byte offset off. */
struct sk_pos sk_lex_pos(const struct sk_lex *l, size_t off);

/* "file:line:col: <msg> near '<token at off>'" into the error buffer; returns -EINVAL. */
int sk_lex_error(struct sk_lex *l, size_t off, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
