/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The rules loader: files and directories in, YAML documents parsed
 * (yaml_doc.c), each top-level item dispatched by kind, diagnostics with
 * exact positions out. The item kinds themselves are read in rules_merge.c.
 */
#include <dirent.h>
#include <stddef.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rules_int.h"

#define SK_RULES_DIR_MAX 4096u /* files in one rules directory */

/* ---- priorities ---- */

static const char *const prio_names[SK_PRIO_COUNT] = {
    "Emergency", "Alert", "Critical", "Error", "Warning", "Notice", "Informational", "Debug",
};

int sk_priority_parse(const char *s, enum sk_priority *out)
{
	for (int p = 0; p < SK_PRIO_COUNT; p++) {
		if (!strcasecmp(s, prio_names[p])) {
			*out = (enum sk_priority)p;
			return 0;
		}
	}
	if (!strcasecmp(s, "info")) {
		*out = SK_PRIO_INFORMATIONAL;
		return 0;
	}
	return -EINVAL;
}

const char *sk_priority_name(enum sk_priority p)
{
	return (unsigned)p < SK_PRIO_COUNT ? prio_names[p] : "Unknown";
}

/* ---- diagnostics helpers ---- */

static void rl_vadd(struct sk_rload *c, enum sk_diag_severity sev, enum sk_diag_code code,
		    struct sk_pos pos, const char *fmt, va_list ap)
{
	char msg[SK_DIAG_MSG_MAX];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	sk_diags_add(c->d, sev, code, pos, c->item[0] ? c->item : NULL, "%s", msg);
}

int rl_error(struct sk_rload *c, enum sk_diag_code code, struct sk_pos pos, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	rl_vadd(c, SK_DIAG_ERROR, code, pos, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

void rl_warn(struct sk_rload *c, enum sk_diag_code code, struct sk_pos pos, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	rl_vadd(c, SK_DIAG_WARNING, code, pos, fmt, ap);
	va_end(ap);
}

int rl_oom(struct sk_rload *c, struct sk_pos pos)
{
	rl_error(c, SK_LOAD_ERR_VALIDATE, pos, "out of memory");
	return -ENOMEM;
}

/* ---- typed access to nodes ---- */

int rl_scalar(struct sk_rload *c, const struct sk_ynode *map, const char *key, bool required,
	      const struct sk_ynode **out)
{
	const struct sk_ynode *v = sk_ynode_get(map, key);
	*out = NULL;
	if (!v) {
		if (required)
			return rl_error(c, SK_LOAD_ERR_YAML_VALIDATE, map->pos,
					"missing required key '%s'", key);
		return -ENOENT;
	}
	if (v->kind != SK_YNODE_SCALAR)
		return rl_error(c, SK_LOAD_ERR_YAML_VALIDATE, v->pos,
				"'%s' must be a scalar, not a %s", key, sk_ynode_kind_name(v));
	*out = v;
	return 0;
}

int rl_string(struct sk_rload *c, const struct sk_ynode *map, const char *key, bool required,
	      char **out)
{
	const struct sk_ynode *v;
	int rc = rl_scalar(c, map, key, required, &v);
	*out = NULL;
	if (rc)
		return rc;
	*out = strdup(sk_ynode_is_null(v) ? "" : v->str);
	return *out ? 0 : rl_oom(c, v->pos);
}

int rl_bool(struct sk_rload *c, const struct sk_ynode *map, const char *key, bool *out)
{
	const struct sk_ynode *v;
	int rc = rl_scalar(c, map, key, false, &v);
	if (rc)
		return rc;
	if (sk_ynode_bool(v, out))
		return rl_error(c, SK_LOAD_ERR_YAML_VALIDATE, v->pos,
				"'%s' must be true or false, not '%.64s'", key, v->str);
	return 0;
}

void rl_strv_free(char **v, unsigned n)
{
	for (unsigned i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
}

int rl_strings(struct sk_rload *c, const struct sk_ynode *n, const char *what, char ***v,
	       struct sk_pos **pos, unsigned *count)
{
	*v = NULL;
	*count = 0;
	if (pos)
		*pos = NULL;
	if (n->kind != SK_YNODE_SEQ)
		return rl_error(c, SK_LOAD_ERR_YAML_VALIDATE, n->pos,
				"'%s' must be a sequence, not a %s", what, sk_ynode_kind_name(n));
	for (uint32_t i = 0; i < n->n; i++)
		if (n->items[i]->kind != SK_YNODE_SCALAR)
			return rl_error(c, SK_LOAD_ERR_YAML_VALIDATE, n->items[i]->pos,
					"'%s' entries must be scalars, not a %s", what,
					sk_ynode_kind_name(n->items[i]));
	char **s = calloc(n->n ? n->n : 1, sizeof(*s));
	struct sk_pos *p = pos ? calloc(n->n ? n->n : 1, sizeof(*p)) : NULL;
	if (!s || (pos && !p))
		goto oom;
	for (uint32_t i = 0; i < n->n; i++) {
		if (!(s[i] = strdup(n->items[i]->str)))
			goto oom;
		if (p)
			p[i] = n->items[i]->pos;
	}
	*v = s;
	if (pos)
		*pos = p;
	*count = n->n;
	return 0;
oom:
	rl_strv_free(s, n->n);
	free(p);
	return rl_oom(c, n->pos);
}

static bool blank(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
}

int rl_src_add_scalar(struct sk_src_text *t, const struct sk_ynode *n)
{
	uint32_t b = 0, e = n->len;
	while (b < e && blank(n->str[b]))
		b++;
	while (e > b && blank(n->str[e - 1]))
		e--;
	size_t base = t->len;
	/* the first fragment covers the start, the scalar's break points the rest */
	struct sk_pos first = n->pos;
	uint32_t k = 0;
	while (k + 1 < n->nbrk && n->brk[k + 1].off <= b)
		k++;
	if (n->nbrk && n->brk[k].off <= b)
		first = n->brk[k].pos, first.col += b - n->brk[k].off;
	else if (n->nbrk)
		first = n->brk[0].pos;
	int rc = sk_src_text_append(t, n->str + b, e - b, first);
	if (rc)
		return rc;
	unsigned extra = 0;
	for (uint32_t i = k + 1; i < n->nbrk; i++)
		if (n->brk[i].off > b && n->brk[i].off < e)
			extra++;
	if (!extra)
		return 0;
	struct sk_src_frag *f = realloc(t->frags, (t->nfrags + extra) * sizeof(*f));
	if (!f)
		return -ENOMEM;
	t->frags = f;
	for (uint32_t i = k + 1; i < n->nbrk; i++)
		if (n->brk[i].off > b && n->brk[i].off < e)
			t->frags[t->nfrags++] = (struct sk_src_frag){
			    .offset = base + n->brk[i].off - b, .pos = n->brk[i].pos};
	return 0;
}

void rl_check_keys(struct sk_rload *c, const struct sk_ynode *map, const char *const *known)
{
	for (uint32_t i = 0; i < map->n; i++) {
		const struct sk_ynode *k = map->keys[i];
		bool ok = false;
		if (k->kind != SK_YNODE_SCALAR) {
			rl_warn(c, SK_LOAD_UNKNOWN_KEY, k->pos, "ignoring a non-scalar key");
			continue;
		}
		for (const char *const *p = known; *p && !ok; p++)
			ok = !strcmp(*p, k->str);
		if (!ok)
			rl_warn(c, SK_LOAD_UNKNOWN_KEY, k->pos, "unknown key '%.64s'", k->str);
	}
}

/* ---- required_engine_version / required_plugin_versions ---- */

int sk_version_parse(const char *s, unsigned long v[3])
{
	char *end;
	v[0] = v[1] = v[2] = 0;
	if (!*s || *s < '0' || *s > '9')
		return -EINVAL;
	unsigned long a = strtoul(s, &end, 10);
	if (!*end) {
		v[1] = a;
		return 0;
	}
	v[0] = a;
	for (int i = 1; i < 3; i++) {
		if (*end != '.' || end[1] < '0' || end[1] > '9')
			return -EINVAL;
		v[i] = strtoul(end + 1, &end, 10);
	}
	return *end ? -EINVAL : 0;
}

int sk_version_cmp(const unsigned long a[3], const unsigned long b[3])
{
	for (int i = 0; i < 3; i++)
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
	return 0;
}

static int engine_version_item(struct sk_rload *c, const struct sk_ynode *map)
{
	static const char *const known[] = {"required_engine_version", NULL};
	const struct sk_ynode *v;
	unsigned long want[3], have[3];
	int rc = rl_scalar(c, map, "required_engine_version", true, &v);
	if (rc)
		return rc;
	if (sk_version_parse(v->str, want))
		return rl_error(c, SK_LOAD_ERR_YAML_VALIDATE, v->pos,
				"required_engine_version must be a number or x.y.z, not '%.64s'",
				v->str);
	rl_check_keys(c, map, known);
	struct sk_rules *r = c->r;
	if (r->required_engine_version && !sk_version_parse(r->required_engine_version, have) &&
	    sk_version_cmp(want, have) <= 0)
		return 0;
	char *s = strdup(v->str);
	if (!s)
		return rl_oom(c, v->pos);
	free(r->required_engine_version);
	r->required_engine_version = s;
	r->required_engine_version_pos = v->pos;
	return 0;
}

static void plugin_req_fini(struct sk_rules_plugin_req *p)
{
	free(p->name);
	free(p->version);
	for (unsigned i = 0; i < p->nalternatives; i++)
		plugin_req_fini(&p->alternatives[i]);
	free(p->alternatives);
}

/* One {name, version[, alternatives]} map; alternatives only when allow_alt. */
static int plugin_req_read(struct sk_rload *c, const struct sk_ynode *m, bool allow_alt,
			   struct sk_rules_plugin_req *p)
{
	static const char *const known[] = {"name", "version", "alternatives", NULL};
	static const char *const known_alt[] = {"name", "version", NULL};
	memset(p, 0, sizeof(*p));
	p->pos = m->pos;
	if (m->kind != SK_YNODE_MAP)
		return rl_error(c, SK_LOAD_ERR_YAML_VALIDATE, m->pos,
				"plugin requirement must be a map with name and version, not a %s",
				sk_ynode_kind_name(m));
	int rc = rl_string(c, m, "name", true, &p->name);
	if (!rc)
		rc = rl_string(c, m, "version", true, &p->version);
	if (rc)
		return rc;
	rl_check_keys(c, m, allow_alt ? known : known_alt);
	const struct sk_ynode *alt = allow_alt ? sk_ynode_get(m, "alternatives") : NULL;
	if (!alt)
		return 0;
	if (alt->kind != SK_YNODE_SEQ)
		return rl_error(c, SK_LOAD_ERR_YAML_VALIDATE, alt->pos,
				"'alternatives' must be a sequence, not a %s",
				sk_ynode_kind_name(alt));
	p->alternatives = calloc(alt->n ? alt->n : 1, sizeof(*p->alternatives));
	if (!p->alternatives)
		return rl_oom(c, alt->pos);
	for (uint32_t i = 0; i < alt->n; i++) {
		rc = plugin_req_read(c, alt->items[i], false, &p->alternatives[i]);
		p->nalternatives = i + 1;
		if (rc)
			return rc;
	}
	return 0;
}

static int plugin_versions_item(struct sk_rload *c, const struct sk_ynode *map)
{
	static const char *const known[] = {"required_plugin_versions", NULL};
	const struct sk_ynode *seq = sk_ynode_get(map, "required_plugin_versions");
	struct sk_rules *r = c->r;
	if (seq->kind != SK_YNODE_SEQ)
		return rl_error(c, SK_LOAD_ERR_YAML_VALIDATE, seq->pos,
				"required_plugin_versions must be a sequence, not a %s",
				sk_ynode_kind_name(seq));
	rl_check_keys(c, map, known);
	struct sk_rules_plugin_req *v =
	    realloc(r->plugin_reqs, (r->nplugin_reqs + seq->n + 1) * sizeof(*v));
	if (!v)
		return rl_oom(c, seq->pos);
	r->plugin_reqs = v;
	for (uint32_t i = 0; i < seq->n; i++) {
		struct sk_rules_plugin_req p;
		int rc = plugin_req_read(c, seq->items[i], true, &p);
		if (rc) {
			plugin_req_fini(&p);
			return rc;
		}
		r->plugin_reqs[r->nplugin_reqs++] = p;
	}
	return 0;
}

/* ---- items and documents ---- */

static int load_item(struct sk_rload *c, const struct sk_ynode *item)
{
	c->item[0] = '\0';
	if (item->kind != SK_YNODE_MAP)
		return rl_error(c, SK_LOAD_ERR_YAML_VALIDATE, item->pos,
				"expected a map (rule, macro, list...), not a %s",
				sk_ynode_kind_name(item));
	if (c->r->nlists + c->r->nmacros + c->r->nrules >= SK_RULES_MAX_ITEMS)
		return rl_error(c, SK_LOAD_ERR_VALIDATE, item->pos,
				"more than %u rules, macros and lists", SK_RULES_MAX_ITEMS);
	if (sk_ynode_get(item, "required_engine_version"))
		return engine_version_item(c, item);
	if (sk_ynode_get(item, "required_plugin_versions"))
		return plugin_versions_item(c, item);
	if (sk_ynode_get(item, "list"))
		return rl_list_item(c, item);
	if (sk_ynode_get(item, "macro"))
		return rl_macro_item(c, item);
	if (sk_ynode_get(item, "rule"))
		return rl_rule_item(c, item);
	const struct sk_ynode *k = item->n ? item->keys[0] : item;
	rl_warn(c, SK_LOAD_UNKNOWN_ITEM, item->pos, "unknown top-level item '%.64s'",
		k->kind == SK_YNODE_SCALAR ? k->str : "?");
	return 0;
}

static int load_doc(struct sk_rload *c, const struct sk_ynode *root)
{
	if (!root || sk_ynode_is_null(root))
		return 0;
	if (root->kind != SK_YNODE_SEQ)
		return rl_error(c, SK_LOAD_ERR_YAML_VALIDATE, root->pos,
				"rules content must be a sequence of maps, not a %s",
				sk_ynode_kind_name(root));
	for (uint32_t i = 0; i < root->n; i++) {
		int rc = load_item(c, root->items[i]);
		if (rc)
			return rc;
	}
	return 0;
}

/* Keep a copy of the file name for positions to borrow. */
static const char *remember_file(struct sk_rules *r, const char *name)
{
	char **v = realloc(r->files, (r->nfiles + 1) * sizeof(*v));
	if (!v)
		return NULL;
	r->files = v;
	if (!(v[r->nfiles] = strdup(name)))
		return NULL;
	return v[r->nfiles++];
}

int sk_rules_load_buf(struct sk_rules *r, const char *name, const char *buf, size_t len,
		      struct sk_diags *diags)
{
	struct sk_rload c = {.r = r, .d = diags, .order = 0};
	struct sk_ydoc doc;
	struct sk_pos epos;
	char err[256];
	unsigned errors = diags->nerrors;
	c.file = remember_file(r, name ? name : "<buffer>");
	if (!c.file) {
		sk_diags_add(diags, SK_DIAG_ERROR, SK_LOAD_ERR_FILE_READ, (struct sk_pos){0}, NULL,
			     "out of memory");
		return -ENOMEM;
	}
	c.order = r->nrules;
	for (unsigned i = 0; i < r->nrules; i++)
		if (r->rules[i].order >= c.order)
			c.order = r->rules[i].order + 1;
	int rc = sk_ydoc_parse(&doc, c.file, buf, len, err, sizeof(err), &epos);
	if (rc) {
		sk_diags_add(diags, SK_DIAG_ERROR,
			     rc == -E2BIG ? SK_LOAD_ERR_FILE_READ : SK_LOAD_ERR_YAML_PARSE, epos,
			     NULL, "%s", rc == -ENOMEM ? "out of memory" : err);
		sk_ydoc_fini(&doc);
		return rc == -ENOMEM ? rc : -EINVAL;
	}
	for (unsigned i = 0; i < doc.ndocs && !rc; i++)
		rc = load_doc(&c, doc.docs[i]);
	sk_ydoc_fini(&doc);
	if (rc == -ENOMEM)
		return rc;
	return diags->nerrors > errors ? -EINVAL : 0;
}

static int read_file(const char *path, char **buf, size_t *len, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	int rc = 0;
	*buf = NULL;
	if (fd < 0) {
		rc = -errno;
		snprintf(err, errlen, "cannot open: %s", strerror(errno));
		return rc;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		rc = -EINVAL;
		snprintf(err, errlen, "not a regular file");
		goto out_close;
	}
	if ((unsigned long long)st.st_size > SK_RULES_FILE_MAX) {
		rc = -E2BIG;
		snprintf(err, errlen, "file is larger than %u bytes", SK_RULES_FILE_MAX);
		goto out_close;
	}
	*buf = malloc((size_t)st.st_size + 1);
	if (!*buf) {
		rc = -ENOMEM;
		snprintf(err, errlen, "out of memory");
		goto out_close;
	}
	size_t got = 0;
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, *buf + got, (size_t)st.st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			rc = n < 0 ? -errno : -EIO;
			snprintf(err, errlen, "read failed: %s",
				 n < 0 ? strerror(errno) : "short read");
			free(*buf);
			*buf = NULL;
			goto out_close;
		}
		got += (size_t)n;
	}
	*len = got;
out_close:
	close(fd);
	return rc;
}

static int load_file(struct sk_rules *r, const char *path, struct sk_diags *diags)
{
	char *buf, err[256];
	size_t len = 0;
	int rc = read_file(path, &buf, &len, err, sizeof(err));
	if (rc) {
		const char *file = remember_file(r, path);
		sk_diags_add(diags, SK_DIAG_ERROR, SK_LOAD_ERR_FILE_READ,
			     (struct sk_pos){.file = file}, NULL, "%s", err);
		return rc == -ENOMEM ? rc : -EINVAL;
	}
	rc = sk_rules_load_buf(r, path, buf, len, diags);
	free(buf);
	return rc;
}

static bool is_rules_name(const char *n)
{
	size_t l = strlen(n);
	if (n[0] == '.')
		return false;
	return (l > 5 && !strcmp(n + l - 5, ".yaml")) || (l > 4 && !strcmp(n + l - 4, ".yml"));
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int load_dir(struct sk_rules *r, const char *path, struct sk_diags *diags)
{
	DIR *dir = opendir(path);
	char **names = NULL;
	unsigned n = 0;
	int rc = 0;
	if (!dir) {
		const char *file = remember_file(r, path);
		sk_diags_add(diags, SK_DIAG_ERROR, SK_LOAD_ERR_FILE_READ,
			     (struct sk_pos){.file = file}, NULL, "cannot open directory: %s",
			     strerror(errno));
		return -EINVAL;
	}
	names = calloc(SK_RULES_DIR_MAX, sizeof(*names));
	if (!names) {
		rc = -ENOMEM;
		goto out;
	}
	for (struct dirent *de; (de = readdir(dir));) {
		if (!is_rules_name(de->d_name))
			continue;
		if (n == SK_RULES_DIR_MAX) {
			sk_diags_add(diags, SK_DIAG_ERROR, SK_LOAD_ERR_FILE_READ,
				     (struct sk_pos){.file = remember_file(r, path)}, NULL,
				     "more than %u rules files in directory", SK_RULES_DIR_MAX);
			rc = -EINVAL;
			goto out;
		}
		if (asprintf(&names[n], "%s/%s", path, de->d_name) < 0) {
			names[n] = NULL;
			rc = -ENOMEM;
			goto out;
		}
		n++;
	}
	qsort(names, n, sizeof(*names), name_cmp);
	for (unsigned i = 0; i < n; i++) {
		int frc = load_file(r, names[i], diags);
		if (frc == -ENOMEM) {
			rc = frc;
			break;
		}
		if (frc && !rc)
			rc = frc;
	}
out:
	rl_strv_free(names, n);
	closedir(dir);
	return rc;
}

int sk_rules_load_path(struct sk_rules *r, const char *path, struct sk_diags *diags)
{
	struct stat st;
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return load_dir(r, path, diags);
	return load_file(r, path, diags);
}

/* ---- lifecycle and lookups ---- */

void sk_rules_init(struct sk_rules *r)
{
	memset(r, 0, sizeof(*r));
}

void sk_rules_fini(struct sk_rules *r)
{
	for (unsigned i = 0; i < r->nlists; i++)
		rl_list_free(&r->lists[i]);
	for (unsigned i = 0; i < r->nmacros; i++)
		rl_macro_free(&r->macros[i]);
	for (unsigned i = 0; i < r->nrules; i++)
		rl_rule_free(&r->rules[i]);
	free(r->lists);
	free(r->macros);
	free(r->rules);
	free(r->required_engine_version);
	for (unsigned i = 0; i < r->nplugin_reqs; i++)
		plugin_req_fini(&r->plugin_reqs[i]);
	free(r->plugin_reqs);
	rl_strv_free(r->files, r->nfiles);
	free(r->list_index.slots);
	free(r->macro_index.slots);
	free(r->rule_index.slots);
	memset(r, 0, sizeof(*r));
}

/* ---- name index ---- */

/* name_at() reads the name through the first member of each item struct. */
_Static_assert(offsetof(struct sk_rules_list, name) == 0, "list name first");
_Static_assert(offsetof(struct sk_rules_macro, name) == 0, "macro name first");
_Static_assert(offsetof(struct sk_rules_rule, name) == 0, "rule name first");

static uint32_t name_hash(const char *s)
{
	uint32_t h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static const char *name_at(const void *arr, size_t stride, unsigned i)
{
	return *(char *const *)(const void *)((const char *)arr + (size_t)i * stride);
}

static void index_put(struct sk_rules_index *ix, const char *name, unsigned pos)
{
	unsigned mask = ix->cap - 1;
	for (unsigned h = name_hash(name) & mask;; h = (h + 1) & mask) {
		if (!ix->slots[h]) {
			ix->slots[h] = pos + 1;
			ix->n++;
			return;
		}
	}
}

int rl_index_add(struct sk_rules_index *ix, const void *arr, size_t stride, unsigned count)
{
	if (ix->n + 1 != count) /* stale (an earlier failure): leave lookups to the scan */
		return 0;
	if (2 * count > ix->cap) {
		unsigned cap = ix->cap ? ix->cap * 2 : 64;
		unsigned *slots = calloc(cap, sizeof(*slots));
		if (!slots)
			return -ENOMEM;
		free(ix->slots);
		ix->slots = slots;
		ix->cap = cap;
		ix->n = 0;
		for (unsigned i = 0; i + 1 < count; i++)
			index_put(ix, name_at(arr, stride, i), i);
	}
	index_put(ix, name_at(arr, stride, count - 1), count - 1);
	return 0;
}

/* Position of name in arr[0..count), or -1. */
static long index_find(const struct sk_rules_index *ix, const void *arr, size_t stride,
		       unsigned count, const char *name)
{
	if (ix->n == count && ix->cap) {
		unsigned mask = ix->cap - 1;
		for (unsigned h = name_hash(name) & mask; ix->slots[h]; h = (h + 1) & mask)
			if (!strcmp(name_at(arr, stride, ix->slots[h] - 1), name))
				return (long)ix->slots[h] - 1;
		return -1;
	}
	for (unsigned i = 0; i < count; i++)
		if (!strcmp(name_at(arr, stride, i), name))
			return (long)i;
	return -1;
}

struct sk_rules_list *sk_rules_find_list(struct sk_rules *r, const char *name)
{
	long i = index_find(&r->list_index, r->lists, sizeof(*r->lists), r->nlists, name);
	return i < 0 ? NULL : &r->lists[i];
}

struct sk_rules_macro *sk_rules_find_macro(struct sk_rules *r, const char *name)
{
	long i = index_find(&r->macro_index, r->macros, sizeof(*r->macros), r->nmacros, name);
	return i < 0 ? NULL : &r->macros[i];
}

struct sk_rules_rule *sk_rules_find_rule(struct sk_rules *r, const char *name)
{
	long i = index_find(&r->rule_index, r->rules, sizeof(*r->rules), r->nrules, name);
	return i < 0 ? NULL : &r->rules[i];
}
