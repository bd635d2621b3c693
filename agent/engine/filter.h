/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Compiled conditions (private to the engine): the program the compiler
 * (compile.c) builds from a rule's AST with macros inlined, lists expanded,
 * fields resolved and constants converted, which the evaluator (eval.c)
 * runs per event without parsing or allocating, and which the event-type
 * analysis (evttype.c) walks.
 *
 * A struct sk_filter owns every node, constant and compiled regex of one
 * rule; it is immutable after compilation and may be evaluated from several
 * threads at once.
 */
#ifndef SAKER_ENGINE_FILTER_H
#define SAKER_ENGINE_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ast.h"
#include "diag.h"
#include "field.h"
#include "rules.h"
#include "saker/event.h"

/* Caps. */
#define SK_FILTER_MAX_MACRO_DEPTH 64u /* macros inside macros */
#define SK_FILTER_MAX_LIST_DEPTH 32u  /* lists inside lists */
#define SK_FILTER_MAX_SET 65536u      /* values of one in/intersects/pmatch set */
#define SK_FILTER_MAX_NODES 262144u   /* nodes of one rule's program, macros inlined */
#define SK_FILTER_MAX_NEST 1000u      /* nesting of one rule's program, macros inlined */
#define SK_FILTER_XFORM_BUF 65536u    /* per-thread bytes for transformer output per check */
#define SK_FILTER_GLOB_MAX 65536u     /* longest subject glob sees (longer is cut) */

/* A set of event codes (one bit per code of sk_event_table). */
#define SK_EVTSET_WORDS ((SK_EVT_TABLE_SIZE + 63u) / 64u)
struct sk_evtset {
	uint64_t w[SK_EVTSET_WORDS];
};

static inline void sk_evtset_add(struct sk_evtset *s, unsigned code)
{
	if (code < SK_EVT_TABLE_SIZE)
		s->w[code / 64u] |= 1ull << (code % 64u);
}

static inline bool sk_evtset_has(const struct sk_evtset *s, unsigned code)
{
	return code < SK_EVT_TABLE_SIZE && (s->w[code / 64u] >> (code % 64u)) & 1u;
}

/* Value classes the comparisons dispatch on. */
enum sk_tclass {
	SK_TC_STR,   /* CHARBUF, FSPATH, FSRELPATH, string lists */
	SK_TC_BYTES, /* BYTEBUF */
	SK_TC_INT,   /* signed integers, errno, fd, pid */
	SK_TC_UINT,  /* unsigned integers, flags, ports, uid/gid, times */
	SK_TC_BOOL,
	SK_TC_DBL,
	SK_TC_IP,    /* IPv4/IPv6 address */
	SK_TC_NET,   /* IPv4/IPv6 network (fd.net...): compared by containment */
	SK_TC_OTHER, /* DYN, sockaddr, ...: compared by whatever form fits */
};

enum sk_tclass sk_type_class(uint8_t param_type);

/* Forms a constant was converted to at load time. */
enum sk_const_forms {
	SK_CF_NUM = 1 << 0,   /* n valid */
	SK_CF_DBL = 1 << 1,   /* d valid */
	SK_CF_IP = 1 << 2,    /* ip/iplen valid (prefix = full length) */
	SK_CF_NET = 1 << 3,   /* ip/iplen/prefix valid */
	SK_CF_BYTES = 1 << 4, /* bytes/nbytes: hex-decoded (bcontains, bstartswith) */
};

struct sk_const {
	const char *s; /* text, NUL-terminated, owned by the filter */
	uint32_t len;
	uint8_t forms; /* enum sk_const_forms */
	uint8_t iplen; /* 4 or 16 */
	uint8_t prefix;
	uint8_t ip[16];
	__int128 n;
	double d;
	const uint8_t *bytes;
	uint32_t nbytes;
	const char *fold; /* lower-cased text (icontains, iglob) */
	bool borrowed;	  /* s is a value of another field: not NUL-terminated */
};

/*
 * Convert text to the forms useful for a field of param type `type` (and,
 * for SK_TC_OTHER types, every form that parses; PT_PORT also takes service
 * names). Returns 0 or -EINVAL with a message.
 */
struct sk_pool;
int sk_const_init(struct sk_const *c, struct sk_pool *pool, const char *text, uint32_t len,
		  uint8_t type, enum sk_cmp_op op, char *err, size_t errlen);

/* Whether operator op applies to values of class tc. */
bool sk_op_supported(enum sk_cmp_op op, enum sk_tclass tc);

/* Hash set of constant texts plus a sorted array of their numbers. */
struct sk_cset {
	const struct sk_const **slots; /* open addressing, power of two */
	uint32_t mask;
	uint32_t minlen, maxlen;
	__int128 *nums; /* sorted */
	uint32_t nnums;
	const struct sk_const **addrs; /* IP / net constants, linear */
	uint32_t naddrs;
};

/* Path-prefix set for pmatch: normalised paths without trailing '/'. */
struct sk_pset {
	struct sk_cset *set; /* the paths without trailing '/' */
	bool root;	     /* "/" is in the set: every absolute path matches */
};

/* Build the sets from consts (owned by pool). */
int sk_cset_build(struct sk_pool *pool, const struct sk_const *consts, uint32_t n,
		  struct sk_cset **out);
bool sk_cset_has_str(const struct sk_cset *s, const char *str, uint32_t len);
bool sk_cset_has_num(const struct sk_cset *s, __int128 n);
int sk_pset_build(struct sk_pool *pool, const struct sk_const *consts, uint32_t n,
		  struct sk_pset **out);
/* path (len bytes) equals a path of the set or lies below one. */
bool sk_pset_match(const struct sk_pset *s, const char *path, uint32_t len);

/* An operand that extracts: a field reference wrapped in transformers. */
struct sk_operand {
	struct sk_field_ref ref;
	uint8_t nxforms;
	int8_t xforms[SK_AST_MAX_XFORMS]; /* applied innermost first: xforms[nxforms-1] first */
	uint8_t type;			  /* value type after transformers */
	bool list;			  /* field (after transformers) yields a list */
	const char *text;		  /* "tolower(proc.name)" for messages */
};

enum sk_node_kind {
	SK_NODE_AND,
	SK_NODE_OR,
	SK_NODE_NOT,
	SK_NODE_CHECK,
	SK_NODE_CONST,
};

/* How a check bears on the event-type analysis (Falco's ppm_codes). */
enum sk_evttype_role {
	SK_EVTROLE_NONE, /* any other leaf: every code */
	SK_EVTROLE_EQ,	 /* evt.type = / == / in: the named codes */
	SK_EVTROLE_NE,	 /* evt.type !=: the complement */
};

struct sk_node {
	enum sk_node_kind kind;
	struct sk_pos pos;
	union {
		struct { /* AND, OR, NOT */
			struct sk_node **kids;
			uint32_t nkids;
		};
		bool value; /* CONST */
		struct {    /* CHECK: what evaluation reads first, then the rest */
			/* evt.type fast path: result per code, decided at load time */
			bool fast;
			bool rhs_is_field;
			enum sk_cmp_op op;
			uint32_t nconsts;
			struct sk_const *consts;
			struct sk_cset *set;  /* in, intersects */
			struct sk_pset *pset; /* pmatch */
			void *re;	      /* pcre2_code_8 * for regex */
			struct sk_operand lhs;
			struct sk_evtset fast_true;
			struct sk_operand rhs; /* val(field) / transformer on the right */
			/* event-type analysis (load time only) */
			enum sk_evttype_role evtrole;
			struct sk_evtset named;
		};
	};
};

struct sk_filter {
	struct sk_node *root;
	struct sk_pool *pool;
	void **regexes; /* pcre2 codes to free */
	unsigned nregexes, capregexes;
};

/* Bump allocator owned by one filter. */
int sk_pool_new(struct sk_pool **out);
void sk_pool_free(struct sk_pool *p);
void *sk_pool_alloc(struct sk_pool *p, size_t size); /* zeroed, or NULL */
char *sk_pool_strndup(struct sk_pool *p, const char *s, size_t len);

/* Options of one rule's compilation. */
struct sk_compile_in {
	struct sk_rules *rules;		  /* lists and macros (marked used) */
	const struct sk_rules_rule *rule; /* condition, exceptions, name, source */
	const struct sk_field_registry *reg;
	struct sk_diags *diags; /* errors and warnings go here */
};

/*
 * Compile one rule's condition (plus its exceptions) into *out (caller
 * frees with sk_filter_free). Returns 0; -EINVAL when the rule has errors
 * (reported in diags); -ENOENT when it was skipped because of an unknown
 * field and skip-if-unknown-filter (a warning is reported); -ENOMEM.
 */
int sk_filter_compile(const struct sk_compile_in *in, struct sk_filter **out);

/*
 * Compile a bare condition (no rule): used by tests and by callers that
 * filter events (sysdig-style). Errors go to err. Lists and macros come
 * from rules (may be NULL).
 */
int sk_filter_compile_text(struct sk_rules *rules, const struct sk_field_registry *reg,
			   const char *source, const char *text, struct sk_filter **out, char *err,
			   size_t errlen);

void sk_filter_free(struct sk_filter *f);

/* Evaluate f on one event. No allocation; thread-safe on a shared filter. */
bool sk_filter_eval(const struct sk_filter *f, struct sk_eval_ctx *ctx);

/* Compare one extracted value against one constant with op (eval.c). */
bool sk_value_compare(enum sk_cmp_op op, const struct sk_value *v, const struct sk_const *c,
		      const struct sk_node *n);

/*
 * Extract an operand (field + transformers) into vals. Returns the number
 * of values (0 = does not exist). Transformer output is written into a
 * per-thread buffer valid until the next extraction on the same thread
 * that passes reset = true.
 */
int sk_operand_extract(const struct sk_operand *o, struct sk_eval_ctx *ctx, struct sk_value *vals,
		       unsigned cap, bool reset);

/* Every event code with a real name (not "NA"). */
void sk_evtset_universe(struct sk_evtset *out);
/* Number of codes in s. */
unsigned sk_evtset_count(const struct sk_evtset *s);
/*
 * Codes named name (enter and exit, every version); for a syscall without
 * an event of its own ("madvise"), the generic syscall codes; else none.
 */
void sk_evtset_from_name(struct sk_evtset *out, const char *name, size_t len);

/*
 * The set of event codes for which f can be true (Falco's ppm_codes
 * semantics: and = intersection, or = union, evt.type =/==/in = named codes,
 * != = complement, other leaves = every code, `not` pushed to the leaves).
 */
void sk_filter_evttypes(const struct sk_filter *f, struct sk_evtset *out);

/*
 * Whether f can be true for an enter (enter = true) or an exit event, as
 * far as its evt.dir checks decide (every other check may be either).
 */
bool sk_filter_dir_possible(const struct sk_filter *f, bool enter);

/*
 * Every name f asks evt.type to equal (=, ==, in, not !=), as written:
 * event names and syscall names without an event of their own ("mlock").
 */
void sk_filter_type_names(const struct sk_filter *f, sk_filter_name_fn fn, void *ctx);

#endif
