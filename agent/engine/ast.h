/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Abstract syntax of Falco conditions, as produced by the parser (parse.c)
 * and consumed by the compiler (compile.c) and the event-type analysis
 * (evttype.c). Nodes live in an arena owned by struct sk_ast_arena; nothing
 * points outside it except `pos.file`, which borrows the loader's file name.
 */
#ifndef SAKER_ENGINE_AST_H
#define SAKER_ENGINE_AST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Caps on what a condition may be. */
#define SK_COND_MAX_LEN (256u * 1024u) /* bytes of one condition after expansion */
#define SK_COND_MAX_DEPTH 200u	       /* nesting of parentheses / not / transformers */
#define SK_COND_MAX_LIST 65536u	       /* values in one list literal */

/* Where a node came from: file, line and column are 1-based. */
struct sk_pos {
	const char *file;
	uint32_t line, col;
};

enum sk_ast_kind {
	SK_AST_AND,	  /* children: 2..n */
	SK_AST_OR,	  /* children: 2..n */
	SK_AST_NOT,	  /* child: 1 */
	SK_AST_CHECK,	  /* lhs op [rhs] */
	SK_AST_MACRO_REF, /* identifier naming a macro; resolved by the compiler */
	SK_AST_BOOL,	  /* constant (after folding, e.g. an empty exception) */
};

/* Comparison operators, in the order of the grammar table. */
#define SK_CMP_OPS(X)                                                                              \
	X(EQ, "=")                                                                                 \
	X(EQ2, "==")                                                                               \
	X(NE, "!=")                                                                                \
	X(LT, "<")                                                                                 \
	X(LE, "<=")                                                                                \
	X(GT, ">")                                                                                 \
	X(GE, ">=")                                                                                \
	X(CONTAINS, "contains")                                                                    \
	X(ICONTAINS, "icontains")                                                                  \
	X(BCONTAINS, "bcontains")                                                                  \
	X(STARTSWITH, "startswith")                                                                \
	X(BSTARTSWITH, "bstartswith")                                                              \
	X(ENDSWITH, "endswith")                                                                    \
	X(GLOB, "glob")                                                                            \
	X(IGLOB, "iglob")                                                                          \
	X(IN, "in")                                                                                \
	X(INTERSECTS, "intersects")                                                                \
	X(PMATCH, "pmatch")                                                                        \
	X(EXISTS, "exists")                                                                        \
	X(REGEX, "regex")

#define SK_CMP_ENUM(id, text) SK_CMP_##id,
enum sk_cmp_op { SK_CMP_OPS(SK_CMP_ENUM) SK_CMP_COUNT };
#undef SK_CMP_ENUM

/* Text of an operator ("startswith"). */
const char *sk_cmp_op_name(enum sk_cmp_op op);

/* Transformers that wrap a field (or another transformer). */
#define SK_TRANSFORMERS(X)                                                                         \
	X(TOLOWER, "tolower")                                                                      \
	X(TOUPPER, "toupper")                                                                      \
	X(B64, "b64")                                                                              \
	X(BASENAME, "basename")                                                                    \
	X(LEN, "len")

#define SK_XFORM_ENUM(id, text) SK_XFORM_##id,
enum sk_xform { SK_XFORM_NONE = -1, SK_TRANSFORMERS(SK_XFORM_ENUM) SK_XFORM_COUNT };
#undef SK_XFORM_ENUM

/* Text of a transformer ("tolower"), or NULL when out of range. */
const char *sk_xform_name(enum sk_xform x);

/*
 * An operand that extracts something from the event: a field with optional
 * argument, wrapped in zero or more transformers (outermost first).
 */
#define SK_AST_MAX_XFORMS 8u
struct sk_ast_field {
	struct sk_pos pos;
	const char *name; /* "proc.aname" (arena string) */
	const char *arg;  /* "2", "/etc", "/userIdentity/type"; NULL when none */
	uint8_t nxforms;
	int8_t xforms[SK_AST_MAX_XFORMS]; /* enum sk_xform, outermost first */
};

enum sk_rhs_kind {
	SK_RHS_NONE,  /* unary operator (exists) */
	SK_RHS_VALUE, /* one literal */
	SK_RHS_LIST,  /* (a, b, c) literal list; items may be names of lists (expanded by the
			 compiler) */
	SK_RHS_FIELD, /* val(field) or transformer(field) */
};

struct sk_ast_value {
	struct sk_pos pos;
	const char *text; /* unquoted, unescaped literal (arena string) */
	uint32_t len;
	bool quoted; /* written in quotes: never a list name */
};

struct sk_ast_node {
	enum sk_ast_kind kind;
	struct sk_pos pos;
	union {
		struct { /* AND / OR / NOT */
			struct sk_ast_node **children;
			uint32_t nchildren;
		};
		struct { /* CHECK */
			struct sk_ast_field lhs;
			enum sk_cmp_op op;
			enum sk_rhs_kind rhs_kind;
			struct sk_ast_value *values; /* VALUE: 1, LIST: nvalues */
			uint32_t nvalues;
			struct sk_ast_field rhs_field; /* RHS_FIELD */
		};
		const char *macro; /* MACRO_REF */
		bool boolean;	   /* BOOL */
	};
};

/* Bump allocator for nodes and strings; freed all at once. */
struct sk_ast_arena;

int sk_ast_arena_new(struct sk_ast_arena **out);
void sk_ast_arena_free(struct sk_ast_arena *a);
/* Zeroed memory from the arena, or NULL when out of memory. */
void *sk_ast_arena_alloc(struct sk_ast_arena *a, size_t size);
/* Copy of s[0..len) plus NUL, or NULL. */
char *sk_ast_arena_strndup(struct sk_ast_arena *a, const char *s, size_t len);

struct sk_src_text; /* rules.h: text plus a map of its bytes back into the files */

/*
 * Parse the condition src->text[0..src->len) into *out, allocating from a.
 * Positions of nodes and diagnostics come from src's fragments, so text
 * assembled from several YAML scalars (append) points into the right file.
 * On error returns -EINVAL (-E2BIG past SK_COND_MAX_LEN, -ENOMEM) and writes
 * "file:line:col: message near 'token'" into err. The AST borrows nothing
 * from src except the file names in positions.
 */
int sk_cond_parse(struct sk_ast_arena *a, const struct sk_src_text *src, struct sk_ast_node **out,
		  char *err, size_t errlen);

/*
 * Same as sk_cond_parse, but on error err holds only "message near 'token'"
 * and *errpos its position (file borrowed from src's fragments), ready for
 * a diagnostic. With errpos NULL it is sk_cond_parse.
 */
int sk_cond_parse_pos(struct sk_ast_arena *a, const struct sk_src_text *src,
		      struct sk_ast_node **out, struct sk_pos *errpos, char *err, size_t errlen);

/*
 * Print an AST back as canonical condition text that parses to the same
 * tree (tests, debugging): every value is written bare or quoted as parsed,
 * nested and/or keep their parentheses. Returns the length the whole text
 * needs (like snprintf); out is NUL-terminated when cap > 0.
 */
size_t sk_ast_print(const struct sk_ast_node *n, char *out, size_t cap);

#endif
