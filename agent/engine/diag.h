/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Diagnostics collected while loading and compiling rules: every error and
 * warning names file:line:col and the item it belongs to, e.g.
 *   x.yaml:12:18: error: rule 'foo': unknown field 'proc.nmae'
 */
#ifndef SAKER_ENGINE_DIAG_H
#define SAKER_ENGINE_DIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "ast.h"

enum sk_diag_severity { SK_DIAG_WARNING, SK_DIAG_ERROR };

/* Falco's load-result codes (falco_load_result), used as the diagnostic class. */
#define SK_DIAG_CODES(X)                                                                           \
	X(LOAD_ERR_FILE_READ)                                                                      \
	X(LOAD_ERR_YAML_PARSE)                                                                     \
	X(LOAD_ERR_YAML_VALIDATE)                                                                  \
	X(LOAD_ERR_COMPILE_CONDITION)                                                              \
	X(LOAD_ERR_COMPILE_OUTPUT)                                                                 \
	X(LOAD_ERR_VALIDATE)                                                                       \
	X(LOAD_ERR_EXTENSION)                                                                      \
	X(LOAD_UNKNOWN_SOURCE)                                                                     \
	X(LOAD_UNSAFE_NA_CHECK)                                                                    \
	X(LOAD_NO_EVTTYPE)                                                                         \
	X(LOAD_UNKNOWN_FILTER)                                                                     \
	X(LOAD_UNUSED_MACRO)                                                                       \
	X(LOAD_UNUSED_LIST)                                                                        \
	X(LOAD_UNKNOWN_ITEM)                                                                       \
	X(LOAD_DEPRECATED_ITEM)                                                                    \
	X(LOAD_WARNING_EXTENSION)                                                                  \
	X(LOAD_APPEND_NO_VALUES)                                                                   \
	X(LOAD_EXCEPTION_NAME_NOT_UNIQUE)                                                          \
	X(LOAD_INVALID_MACRO_NAME)                                                                 \
	X(LOAD_INVALID_LIST_NAME)                                                                  \
	X(LOAD_COMPILE_CONDITION)                                                                  \
	X(LOAD_UNKNOWN_KEY)

#define SK_DIAG_CODE_ENUM(id) SK_##id,
enum sk_diag_code { SK_DIAG_CODES(SK_DIAG_CODE_ENUM) SK_DIAG_CODE_COUNT };
#undef SK_DIAG_CODE_ENUM

/* Caps: a broken file must not produce unbounded output. */
#define SK_DIAG_MAX 1000u
#define SK_DIAG_MSG_MAX 512u

struct sk_diag {
	enum sk_diag_severity severity;
	enum sk_diag_code code;
	struct sk_pos pos; /* file borrowed from the loader; line 0 = whole file */
	char item[160];	   /* "rule 'foo'", "macro 'bar'", "list 'baz'", or "" */
	char msg[SK_DIAG_MSG_MAX];
};

struct sk_diags {
	struct sk_diag *v;
	unsigned n, cap;
	unsigned nerrors, nwarnings;
	unsigned dropped; /* past SK_DIAG_MAX */
};

void sk_diags_init(struct sk_diags *d);
void sk_diags_fini(struct sk_diags *d);
void sk_diags_clear(struct sk_diags *d);

/* Add one diagnostic; fmt is printf-style. item may be NULL. */
void sk_diags_add(struct sk_diags *d, enum sk_diag_severity sev, enum sk_diag_code code,
		  struct sk_pos pos, const char *item, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* "LOAD_NO_EVTTYPE" */
const char *sk_diag_code_name(enum sk_diag_code code);

/* Format one diagnostic: "file:line:col: error: rule 'foo': message". */
size_t sk_diag_format(const struct sk_diag *dg, char *out, size_t cap);

/* Print every diagnostic, one per line. */
void sk_diags_print(const struct sk_diags *d, FILE *f);

#endif
