/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Private to the rules loader: a YAML stream read with libyaml into a small
 * tree of scalars, sequences and maps that keeps the file position of every
 * node. Multi-line scalars also keep break points mapping offsets in their
 * value back to file positions (folded and plain scalars lose their line
 * structure, so counting newlines in the value is not enough).
 */
#ifndef SAKER_ENGINE_YAML_DOC_H
#define SAKER_ENGINE_YAML_DOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ast.h"

enum sk_ynode_kind { SK_YNODE_SCALAR, SK_YNODE_SEQ, SK_YNODE_MAP };

/* Byte off of a scalar's value was read from pos in the file; holds until the next break. */
struct sk_ybreak {
	uint32_t off;
	struct sk_pos pos;
};

struct sk_ynode {
	enum sk_ynode_kind kind;
	struct sk_pos pos; /* first character of the node (the indicator for block scalars) */
	/* SCALAR */
	const char *str; /* NUL-terminated value */
	uint32_t len;
	bool plain; /* unquoted: may be null/bool/number */
	struct sk_ybreak *brk;
	uint32_t nbrk;
	/* SEQ: items[0..n); MAP: keys[i] -> items[i] for i < n */
	struct sk_ynode **items;
	struct sk_ynode **keys;
	uint32_t n, cap;
};

struct sk_ydoc {
	struct sk_ast_arena *arena; /* owns every node and string */
	struct sk_ynode **docs;	    /* one root per YAML document; NULL root = empty document */
	unsigned ndocs;
};

/*
 * Parse buf[0..len) as a YAML stream. file is borrowed into every position.
 * Refuses aliases and nesting deeper than SK_RULES_YAML_DEPTH. On error
 * returns -EINVAL (-ENOMEM), writes the message (without position) to err
 * and its position to *errpos. The caller frees d with sk_ydoc_fini() in
 * every case.
 */
int sk_ydoc_parse(struct sk_ydoc *d, const char *file, const char *buf, size_t len, char *err,
		  size_t errlen, struct sk_pos *errpos);
void sk_ydoc_fini(struct sk_ydoc *d);

/* Value of key in a MAP (first match), or NULL. Borrowed from the tree. */
const struct sk_ynode *sk_ynode_get(const struct sk_ynode *map, const char *key);

/* A plain scalar "", "~", "null", "Null" or "NULL". */
bool sk_ynode_is_null(const struct sk_ynode *n);

/* YAML 1.1 booleans (true/false/yes/no/on/off in the usual cases); -EINVAL otherwise. */
int sk_ynode_bool(const struct sk_ynode *n, bool *out);

/* "scalar", "sequence" or "map". */
const char *sk_ynode_kind_name(const struct sk_ynode *n);

#endif
