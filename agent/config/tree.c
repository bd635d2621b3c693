/* SPDX-License-Identifier: Apache-2.0 */
#include "tree.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

/* ---- origins ----------------------------------------------------------- */

const char *sk_corigins_add(struct sk_corigins *o, const char *name)
{
	for (unsigned i = 0; i < o->n; i++)
		if (!strcmp(o->v[i], name))
			return o->v[i];
	if (o->n == o->cap) {
		unsigned cap = o->cap ? o->cap * 2 : 8;
		char **v = realloc(o->v, cap * sizeof(*v));
		if (!v)
			return NULL;
		o->v = v;
		o->cap = cap;
	}
	char *s = strdup(name);
	if (!s)
		return NULL;
	o->v[o->n++] = s;
	return s;
}

void sk_corigins_fini(struct sk_corigins *o)
{
	for (unsigned i = 0; i < o->n; i++)
		free(o->v[i]);
	free(o->v);
	memset(o, 0, sizeof(*o));
}

/* ---- nodes ------------------------------------------------------------- */

struct sk_cnode *sk_cnode_new(enum sk_cnode_kind kind, const char *where)
{
	struct sk_cnode *n = calloc(1, sizeof(*n));
	if (!n)
		return NULL;
	n->kind = kind;
	n->where = where;
	if (kind == SK_CNODE_SCALAR) {
		n->str = strdup("");
		n->plain = true;
		if (!n->str) {
			free(n);
			return NULL;
		}
	}
	return n;
}

void sk_cnode_free(struct sk_cnode *n)
{
	if (!n)
		return;
	for (unsigned i = 0; i < n->n; i++) {
		if (n->keys)
			free(n->keys[i]);
		sk_cnode_free(n->vals[i]);
	}
	free(n->keys);
	free(n->vals);
	free(n->str);
	free(n);
}

static int grow(struct sk_cnode *n)
{
	if (n->n < n->cap)
		return 0;
	unsigned cap = n->cap ? n->cap * 2 : 4;
	struct sk_cnode **vals = realloc(n->vals, cap * sizeof(*vals));
	if (!vals)
		return -ENOMEM;
	n->vals = vals;
	if (n->kind == SK_CNODE_MAP) {
		char **keys = realloc(n->keys, cap * sizeof(*keys));
		if (!keys)
			return -ENOMEM;
		n->keys = keys;
	}
	n->cap = cap;
	return 0;
}

struct sk_cnode *sk_cnode_get(const struct sk_cnode *map, const char *key)
{
	if (!map || map->kind != SK_CNODE_MAP)
		return NULL;
	for (unsigned i = 0; i < map->n; i++)
		if (!strcmp(map->keys[i], key))
			return map->vals[i];
	return NULL;
}

struct sk_cnode *sk_cnode_path(const struct sk_cnode *root, const char *path)
{
	char key[SK_CONFIG_MAX_PATH];
	const struct sk_cnode *n = root;
	while (n && *path) {
		size_t k = strcspn(path, ".");
		if (k >= sizeof(key))
			return NULL;
		memcpy(key, path, k);
		key[k] = '\0';
		n = sk_cnode_get(n, key);
		path += k + (path[k] == '.');
	}
	return (struct sk_cnode *)n;
}

int sk_cnode_set(struct sk_cnode *map, const char *key, struct sk_cnode *val)
{
	for (unsigned i = 0; i < map->n; i++) {
		if (!strcmp(map->keys[i], key)) {
			sk_cnode_free(map->vals[i]);
			map->vals[i] = val;
			return 0;
		}
	}
	char *k = strdup(key);
	if (!k || grow(map)) {
		free(k);
		return -ENOMEM;
	}
	map->keys[map->n] = k;
	map->vals[map->n++] = val;
	return 0;
}

int sk_cnode_push(struct sk_cnode *seq, struct sk_cnode *val)
{
	if (grow(seq))
		return -ENOMEM;
	seq->vals[seq->n++] = val;
	return 0;
}

bool sk_cnode_is_null(const struct sk_cnode *n)
{
	if (!n || n->kind != SK_CNODE_SCALAR || !n->plain)
		return false;
	return !strcmp(n->str, "") || !strcmp(n->str, "~") || !strcmp(n->str, "null") ||
	       !strcmp(n->str, "Null") || !strcmp(n->str, "NULL");
}

const char *sk_cnode_where(const struct sk_cnode *n, char *buf, size_t len)
{
	if (n->line)
		snprintf(buf, len, "%s:%u:%u", n->where ? n->where : "?", n->line, n->col);
	else
		snprintf(buf, len, "%s", n->where ? n->where : "?");
	return buf;
}

/* ---- parsing ----------------------------------------------------------- */

struct frame {
	struct sk_cnode *node;
	char *pending_key; /* MAP: key read, value not yet */
};

struct parser {
	yaml_parser_t yp;
	const char *where;
	struct frame *stack;
	unsigned depth, cap;
	unsigned nodes;
	struct sk_cnode *root;
	char *err;
	size_t errlen;
};

static int perr(struct parser *p, const yaml_mark_t *m, const char *msg)
{
	snprintf(p->err, p->errlen, "%u:%u: %s", (unsigned)m->line + 1, (unsigned)m->column + 1,
		 msg);
	return -EINVAL;
}

/* Hang n under the top frame (or make it the root). Takes n. */
static int attach(struct parser *p, struct sk_cnode *n, const yaml_mark_t *m)
{
	if (++p->nodes > SK_CONFIG_MAX_NODES) {
		sk_cnode_free(n);
		return perr(p, m, "too many nodes (cap SK_CONFIG_MAX_NODES)");
	}
	if (p->depth == 0) {
		p->root = n;
		return 0;
	}
	struct frame *f = &p->stack[p->depth - 1];
	if (f->node->kind == SK_CNODE_SEQ)
		return sk_cnode_push(f->node, n) ? (sk_cnode_free(n), -ENOMEM) : 0;
	if (!f->pending_key) {
		if (n->kind != SK_CNODE_SCALAR) {
			sk_cnode_free(n);
			return perr(p, m, "a map key must be a scalar");
		}
		f->pending_key = n->str;
		n->str = NULL;
		sk_cnode_free(n);
		return 0;
	}
	int rc = sk_cnode_set(f->node, f->pending_key, n);
	free(f->pending_key);
	f->pending_key = NULL;
	if (rc)
		sk_cnode_free(n);
	return rc;
}

static int push_frame(struct parser *p, struct sk_cnode *n, const yaml_mark_t *m)
{
	if (p->depth >= SK_CONFIG_MAX_DEPTH)
		return perr(p, m, "nesting too deep (cap SK_CONFIG_MAX_DEPTH)");
	if (p->depth == p->cap) {
		unsigned cap = p->cap ? p->cap * 2 : 16;
		struct frame *s = realloc(p->stack, cap * sizeof(*s));
		if (!s)
			return -ENOMEM;
		p->stack = s;
		p->cap = cap;
	}
	p->stack[p->depth++] = (struct frame){.node = n};
	return 0;
}

static struct sk_cnode *node_at(struct parser *p, enum sk_cnode_kind k, const yaml_mark_t *m)
{
	struct sk_cnode *n = sk_cnode_new(k, p->where);
	if (n) {
		n->line = (unsigned)m->line + 1;
		n->col = (unsigned)m->column + 1;
	}
	return n;
}

static int on_event(struct parser *p, yaml_event_t *ev, bool *done)
{
	const yaml_mark_t *m = &ev->start_mark;
	struct sk_cnode *n;
	int rc;
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		n = node_at(p, SK_CNODE_SCALAR, m);
		if (!n)
			return -ENOMEM;
		free(n->str);
		n->str = strndup((const char *)ev->data.scalar.value, ev->data.scalar.length);
		n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
		if (!n->str) {
			sk_cnode_free(n);
			return -ENOMEM;
		}
		return attach(p, n, m);
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		n = node_at(p, ev->type == YAML_MAPPING_START_EVENT ? SK_CNODE_MAP : SK_CNODE_SEQ, m);
		if (!n)
			return -ENOMEM;
		rc = attach(p, n, m);
		return rc ? rc : push_frame(p, n, m);
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		p->depth--;
		free(p->stack[p->depth].pending_key);
		return 0;
	case YAML_ALIAS_EVENT:
		return perr(p, m, "YAML aliases are not supported in configuration files");
	case YAML_DOCUMENT_END_EVENT:
	case YAML_STREAM_END_EVENT:
		*done = true;
		return 0;
	default:
		return 0;
	}
}

int sk_cnode_parse(const char *buf, size_t len, const char *where, struct sk_cnode **out,
		   char *err, size_t errlen)
{
	struct parser p = {.where = where, .err = err, .errlen = errlen};
	int rc = 0;
	bool done = false;
	*out = NULL;
	if (!yaml_parser_initialize(&p.yp))
		return -ENOMEM;
	yaml_parser_set_input_string(&p.yp, (const unsigned char *)buf, len);
	while (!done && rc == 0) {
		yaml_event_t ev;
		if (!yaml_parser_parse(&p.yp, &ev)) {
			snprintf(err, errlen, "%u:%u: invalid YAML: %s",
				 (unsigned)p.yp.problem_mark.line + 1,
				 (unsigned)p.yp.problem_mark.column + 1,
				 p.yp.problem ? p.yp.problem : "syntax error");
			rc = -EINVAL;
			break;
		}
		rc = on_event(&p, &ev, &done);
		yaml_event_delete(&ev);
	}
	while (p.depth)
		free(p.stack[--p.depth].pending_key);
	free(p.stack);
	yaml_parser_delete(&p.yp);
	if (rc) {
		sk_cnode_free(p.root);
		return rc;
	}
	if (!p.root || sk_cnode_is_null(p.root)) {
		sk_cnode_free(p.root);
		p.root = sk_cnode_new(SK_CNODE_MAP, where);
		if (!p.root)
			return -ENOMEM;
	}
	*out = p.root;
	return 0;
}

int sk_cnode_parse_file(const char *path, struct sk_corigins *orig, struct sk_cnode **out,
			char *err, size_t errlen)
{
	char msg[512];
	char *buf = NULL;
	int rc = 0;
	const char *where = sk_corigins_add(orig, path);
	if (!where)
		return -ENOMEM;
	FILE *f = fopen(path, "rb");
	if (!f) {
		rc = -errno;
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		return rc;
	}
	struct stat st;
	if (fstat(fileno(f), &st) || st.st_size > (off_t)SK_CONFIG_MAX_BYTES) {
		snprintf(err, errlen, "%s: larger than %u bytes (SK_CONFIG_MAX_BYTES)", path,
			 SK_CONFIG_MAX_BYTES);
		rc = -EFBIG;
		goto out_close;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		rc = -ENOMEM;
		goto out_close;
	}
	size_t len = fread(buf, 1, (size_t)st.st_size, f);
	rc = sk_cnode_parse(buf, len, where, out, msg, sizeof(msg));
	if (rc == -EINVAL)
		snprintf(err, errlen, "%s:%s", path, msg);
	else if (rc == 0 && (*out)->kind != SK_CNODE_MAP) {
		snprintf(err, errlen, "%s:%u:%u: the configuration must be a map of keys", path,
			 (*out)->line, (*out)->col);
		sk_cnode_free(*out);
		*out = NULL;
		rc = -EINVAL;
	}
	free(buf);
out_close:
	fclose(f);
	return rc;
}

/* ---- merging ----------------------------------------------------------- */

int sk_cnode_merge(struct sk_cnode *dst, struct sk_cnode *src, enum sk_merge_strategy s)
{
	int rc = 0;
	for (unsigned i = 0; i < src->n && rc == 0; i++) {
		struct sk_cnode *old = sk_cnode_get(dst, src->keys[i]);
		struct sk_cnode *v = src->vals[i];
		if (old && s == SK_MERGE_ADD_ONLY)
			continue;
		src->vals[i] = NULL;
		if (old && s == SK_MERGE_APPEND && old->kind == SK_CNODE_SEQ &&
		    v->kind == SK_CNODE_SEQ) {
			for (unsigned k = 0; k < v->n && rc == 0; k++) {
				rc = sk_cnode_push(old, v->vals[k]);
				if (rc == 0)
					v->vals[k] = NULL;
			}
			sk_cnode_free(v);
			continue;
		}
		rc = sk_cnode_set(dst, src->keys[i], v);
		if (rc)
			sk_cnode_free(v);
	}
	sk_cnode_free(src);
	return rc;
}

/* ---- -o overrides ------------------------------------------------------ */

enum seg_kind { SEG_KEY, SEG_INDEX, SEG_APPEND };

struct seg {
	enum seg_kind kind;
	char key[SK_CONFIG_MAX_PATH];
	unsigned long index;
};

/*
 * Read the next segment of a key path at *pp: a key (up to '.', '[' or the
 * end, with escapes), "[N]" or "[]". A '.' between segments is consumed.
 */
static int next_seg(const char **pp, struct seg *s, char *err, size_t errlen)
{
	const char *p = *pp;
	if (*p == '[') {
		char *end;
		if (p[1] == ']') {
			s->kind = SEG_APPEND;
			p += 2;
		} else {
			s->kind = SEG_INDEX;
			if (p[1] < '0' || p[1] > '9') {
				snprintf(err, errlen, "expected a number or ']' after '['");
				return -EINVAL;
			}
			s->index = strtoul(p + 1, &end, 10);
			if (*end != ']') {
				snprintf(err, errlen, "expected ']' after the index");
				return -EINVAL;
			}
			p = end + 1;
		}
	} else {
		size_t n = 0;
		s->kind = SEG_KEY;
		while (*p && *p != '.' && *p != '[') {
			if (*p == '\\' && (p[1] == '.' || p[1] == '[' || p[1] == ']' || p[1] == '\\'))
				p++;
			else if (*p == ']') {
				snprintf(err, errlen, "unexpected ']' (escape it as '\\]')");
				return -EINVAL;
			}
			if (n + 1 >= sizeof(s->key)) {
				snprintf(err, errlen, "key too long (cap SK_CONFIG_MAX_PATH)");
				return -EINVAL;
			}
			s->key[n++] = *p++;
		}
		s->key[n] = '\0';
		if (n == 0) {
			snprintf(err, errlen, "empty key");
			return -EINVAL;
		}
	}
	if (*p == '.') {
		p++;
		if (!*p) {
			snprintf(err, errlen, "the key ends with '.'");
			return -EINVAL;
		}
	} else if (*p && *p != '[') {
		snprintf(err, errlen, "unexpected '%c'", *p);
		return -EINVAL;
	}
	*pp = p;
	return 0;
}

/* Free what n holds (children, keys, string); n stays, empty. */
static void clear(struct sk_cnode *n)
{
	for (unsigned i = 0; i < n->n; i++) {
		if (n->keys)
			free(n->keys[i]);
		sk_cnode_free(n->vals[i]);
	}
	free(n->keys);
	free(n->vals);
	free(n->str);
	n->keys = NULL;
	n->vals = NULL;
	n->str = NULL;
	n->n = n->cap = 0;
}

/* Make n a container of kind (replacing a scalar or null there). */
static void make_kind(struct sk_cnode *n, enum sk_cnode_kind kind)
{
	if (n->kind == kind)
		return;
	clear(n);
	n->kind = kind;
}

/* The node a segment names under cur, created (as a null scalar) when missing. */
static int step(struct sk_cnode *cur, const struct seg *s, const char *where,
		struct sk_cnode **next, char *err, size_t errlen)
{
	struct sk_cnode *n;
	if (s->kind == SEG_KEY) {
		make_kind(cur, SK_CNODE_MAP);
		n = sk_cnode_get(cur, s->key);
		if (n) {
			*next = n;
			return 0;
		}
		n = sk_cnode_new(SK_CNODE_SCALAR, where);
		if (!n || sk_cnode_set(cur, s->key, n)) {
			sk_cnode_free(n);
			return -ENOMEM;
		}
		*next = n;
		return 0;
	}
	if (cur->kind != SK_CNODE_SEQ)
		make_kind(cur, SK_CNODE_SEQ);
	if (s->kind == SEG_INDEX && s->index < cur->n) {
		*next = cur->vals[s->index];
		return 0;
	}
	if (s->kind == SEG_INDEX && s->index > cur->n) {
		snprintf(err, errlen, "index [%lu] is past the end of a sequence of %u", s->index,
			 cur->n);
		return -EINVAL;
	}
	n = sk_cnode_new(SK_CNODE_SCALAR, where);
	if (!n || sk_cnode_push(cur, n)) {
		sk_cnode_free(n);
		return -ENOMEM;
	}
	*next = n;
	return 0;
}

/* Replace the contents of dst with those of src (src is consumed). */
static void replace(struct sk_cnode *dst, struct sk_cnode *src)
{
	clear(dst);
	*dst = *src;
	free(src);
}

static void mark_origin(struct sk_cnode *n, const char *where)
{
	n->where = where;
	n->line = n->col = 0;
	for (unsigned i = 0; i < n->n; i++)
		mark_origin(n->vals[i], where);
}

int sk_cnode_override(struct sk_cnode *root, const char *kv, const char *where, char *err,
		      size_t errlen)
{
	char msg[256];
	const char *eq = strchr(kv, '=');
	if (!eq) {
		snprintf(err, errlen, "-o '%s': expected key=value", kv);
		return -EINVAL;
	}
	size_t klen = (size_t)(eq - kv);
	if (klen == 0 || klen >= SK_CONFIG_MAX_PATH) {
		snprintf(err, errlen, "-o '%s': the key must be 1 to %u bytes", kv,
			 SK_CONFIG_MAX_PATH - 1);
		return -EINVAL;
	}
	char path[SK_CONFIG_MAX_PATH];
	memcpy(path, kv, klen);
	path[klen] = '\0';
	const char *value = eq + 1;

	struct sk_cnode *val;
	size_t vlen = strlen(value);
	int rc;
	if (vlen >= 2 && value[0] == '{' && value[vlen - 1] == '}') {
		rc = sk_cnode_parse(value, vlen, where, &val, msg, sizeof(msg));
		if (rc) {
			snprintf(err, errlen, "-o '%s': the value is not a YAML map: %s", kv, msg);
			return rc;
		}
		mark_origin(val, where);
	} else {
		val = sk_cnode_new(SK_CNODE_SCALAR, where);
		if (!val)
			return -ENOMEM;
		free(val->str);
		val->str = strdup(value);
		if (!val->str) {
			sk_cnode_free(val);
			return -ENOMEM;
		}
	}

	struct sk_cnode *cur = root;
	const char *p = path;
	struct seg *s = malloc(sizeof(*s));
	rc = s ? 0 : -ENOMEM;
	while (rc == 0 && *p) {
		rc = next_seg(&p, s, msg, sizeof(msg));
		if (rc == 0)
			rc = step(cur, s, where, &cur, msg, sizeof(msg));
		if (rc == -EINVAL)
			snprintf(err, errlen, "-o '%s': %s", kv, msg);
	}
	free(s);
	if (rc) {
		sk_cnode_free(val);
		return rc;
	}
	replace(cur, val);
	return 0;
}

/* ---- ${ENV} ------------------------------------------------------------ */

static int expand_one(struct sk_cnode *n, char *err, size_t errlen)
{
	char wbuf[512];
	const char *s = n->str;
	if (!strchr(s, '$'))
		return 0;
	size_t cap = strlen(s) + 64, len = 0;
	char *out = malloc(cap);
	if (!out)
		return -ENOMEM;
	while (*s) {
		const char *add = s;
		size_t alen = 1;
		char name[256];
		if (s[0] == '$' && s[1] == '$' && s[2] == '{') {
			add = "${";
			alen = 2;
			s += 3;
		} else if (s[0] == '$' && s[1] == '{') {
			const char *close = strchr(s + 2, '}');
			size_t nl = close ? (size_t)(close - s - 2) : 0;
			if (!close || nl == 0 || nl >= sizeof(name)) {
				snprintf(err, errlen, "%s: '${' without a variable name and '}'",
					 sk_cnode_where(n, wbuf, sizeof(wbuf)));
				free(out);
				return -EINVAL;
			}
			memcpy(name, s + 2, nl);
			name[nl] = '\0';
			add = getenv(name);
			if (!add)
				add = "";
			alen = strlen(add);
			s = close + 1;
		} else {
			s++;
		}
		if (len + alen + 1 > SK_CONFIG_MAX_SCALAR) {
			snprintf(err, errlen, "%s: value longer than %u bytes after ${} expansion",
				 sk_cnode_where(n, wbuf, sizeof(wbuf)), SK_CONFIG_MAX_SCALAR);
			free(out);
			return -EINVAL;
		}
		if (len + alen + 1 > cap) {
			cap = (len + alen + 1) * 2;
			char *o = realloc(out, cap);
			if (!o) {
				free(out);
				return -ENOMEM;
			}
			out = o;
		}
		memcpy(out + len, add, alen);
		len += alen;
	}
	out[len] = '\0';
	free(n->str);
	n->str = out;
	return 0;
}

int sk_cnode_expand_env(struct sk_cnode *root, char *err, size_t errlen)
{
	if (root->kind == SK_CNODE_SCALAR)
		return expand_one(root, err, errlen);
	for (unsigned i = 0; i < root->n; i++) {
		int rc = sk_cnode_expand_env(root->vals[i], err, errlen);
		if (rc)
			return rc;
	}
	return 0;
}
