/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The configuration as a mutable YAML tree: maps, sequences and scalars,
 * each node remembering where it came from (file:line:col, or the -o
 * argument that made it). Read with libyaml; merged from config_files;
 * edited by -o paths (Falco's yaml_helper semantics); ${ENV} expanded.
 */
#ifndef SAKER_CONFIG_TREE_H
#define SAKER_CONFIG_TREE_H

#include <stdbool.h>
#include <stddef.h>

/* Caps on what a configuration file may hold. */
#define SK_CONFIG_MAX_BYTES (16u << 20)  /* bytes of one configuration file */
#define SK_CONFIG_MAX_DEPTH 4096u        /* nesting of maps and sequences */
#define SK_CONFIG_MAX_NODES (1u << 20)   /* nodes of one file */
#define SK_CONFIG_MAX_SCALAR (1u << 20)  /* bytes of one scalar after ${ENV} expansion */
#define SK_CONFIG_MAX_PATH 1024u         /* bytes of one -o key path */

enum sk_cnode_kind { SK_CNODE_SCALAR, SK_CNODE_SEQ, SK_CNODE_MAP };

struct sk_cnode {
	enum sk_cnode_kind kind;
	const char *where; /* file name or "-o 'k=v'", owned by the tree's origin list */
	unsigned line, col; /* 1-based; 0 when the node came from -o */
	/* SCALAR */
	char *str;
	bool plain; /* unquoted: "" and "~"/"null" are null */
	/* SEQ: vals[0..n); MAP: keys[i] -> vals[i] */
	char **keys;
	struct sk_cnode **vals;
	unsigned n, cap;
};

/* Who owns the strings nodes point to for their origin. */
struct sk_corigins {
	char **v;
	unsigned n, cap;
};

/* Intern an origin name; returns the stored copy or NULL on ENOMEM. */
const char *sk_corigins_add(struct sk_corigins *o, const char *name);
void sk_corigins_fini(struct sk_corigins *o);

/*
 * Parse buf[0..len) (one YAML document; an empty document is an empty map)
 * into *out. where is the origin name for positions (borrowed: intern it
 * first). Returns 0, or -EINVAL/-ENOMEM with "line:col: message" in err.
 */
int sk_cnode_parse(const char *buf, size_t len, const char *where, struct sk_cnode **out,
		   char *err, size_t errlen);

/* Read and parse a file (at most SK_CONFIG_MAX_BYTES). err: "file:line:col: message". */
int sk_cnode_parse_file(const char *path, struct sk_corigins *orig, struct sk_cnode **out,
			char *err, size_t errlen);

void sk_cnode_free(struct sk_cnode *n);
/* A new empty node of kind. NULL on ENOMEM. */
struct sk_cnode *sk_cnode_new(enum sk_cnode_kind kind, const char *where);

/* Borrowed child of a map, or NULL. */
struct sk_cnode *sk_cnode_get(const struct sk_cnode *map, const char *key);
/*
 * Follow a dotted path of plain keys ("webserver.listen_port"); NULL when
 * any step is missing or not a map.
 */
struct sk_cnode *sk_cnode_path(const struct sk_cnode *root, const char *path);
/* Set key of map to val (the map takes val; an old value is freed). -ENOMEM. */
int sk_cnode_set(struct sk_cnode *map, const char *key, struct sk_cnode *val);
/* Append val to a sequence (takes val). -ENOMEM. */
int sk_cnode_push(struct sk_cnode *seq, struct sk_cnode *val);

/* A plain scalar "", "~", "null", "Null" or "NULL". */
bool sk_cnode_is_null(const struct sk_cnode *n);

enum sk_merge_strategy { SK_MERGE_APPEND, SK_MERGE_OVERRIDE, SK_MERGE_ADD_ONLY };
/*
 * Merge the top-level keys of src into dst as Falco merges config_files:
 * append: sequences appended, everything else replaced; override: replaced;
 * add-only: only keys dst lacks. src is consumed (freed). -ENOMEM.
 */
int sk_cnode_merge(struct sk_cnode *dst, struct sk_cnode *src, enum sk_merge_strategy s);

/*
 * Apply one -o "path=value" to root: dotted keys, "[N]" indexes (N may be
 * the length, to append), "[]" appends, "\." "\[" "\]" "\\" escapes; a
 * value in "{...}" is parsed as YAML and set as a subtree, anything else is
 * a plain scalar. where is the origin of the new nodes (interned). Returns
 * 0 or -EINVAL with a message in err.
 */
int sk_cnode_override(struct sk_cnode *root, const char *kv, const char *where, char *err,
		      size_t errlen);

/*
 * Replace ${NAME} in every scalar by the environment variable (empty when
 * unset); "$${" stands for a literal "${". -EINVAL (unterminated, result too
 * long, with the node's position in err) or -ENOMEM.
 */
int sk_cnode_expand_env(struct sk_cnode *root, char *err, size_t errlen);

/* "file:line:col" or the -o origin of n, into buf. Returns buf. */
const char *sk_cnode_where(const struct sk_cnode *n, char *buf, size_t len);

#endif
