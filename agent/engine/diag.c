/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The diagnostics list: errors and warnings collected while loading and
 * compiling rules, each with its position and the item it belongs to.
 */
#include "diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define SK_DIAG_CODE_NAME(id) #id,
static const char *const diag_code_names[] = {SK_DIAG_CODES(SK_DIAG_CODE_NAME)};
#undef SK_DIAG_CODE_NAME

void sk_diags_init(struct sk_diags *d)
{
	memset(d, 0, sizeof(*d));
}

void sk_diags_fini(struct sk_diags *d)
{
	free(d->v);
	memset(d, 0, sizeof(*d));
}

void sk_diags_clear(struct sk_diags *d)
{
	d->n = 0;
	d->nerrors = 0;
	d->nwarnings = 0;
	d->dropped = 0;
}

/* Make room for one more entry; false when out of memory. */
static bool diags_grow(struct sk_diags *d)
{
	if (d->n < d->cap)
		return true;
	unsigned cap = d->cap ? d->cap * 2 : 16;
	if (cap > SK_DIAG_MAX)
		cap = SK_DIAG_MAX;
	struct sk_diag *v = realloc(d->v, cap * sizeof(*v));
	if (!v)
		return false;
	d->v = v;
	d->cap = cap;
	return true;
}

/*
 * Counts are kept even for dropped entries so callers can always tell
 * whether loading failed; only the text is lost past SK_DIAG_MAX.
 */
void sk_diags_add(struct sk_diags *d, enum sk_diag_severity sev, enum sk_diag_code code,
		  struct sk_pos pos, const char *item, const char *fmt, ...)
{
	if (sev == SK_DIAG_ERROR)
		d->nerrors++;
	else
		d->nwarnings++;
	if (d->n >= SK_DIAG_MAX || !diags_grow(d)) {
		d->dropped++;
		return;
	}
	struct sk_diag *dg = &d->v[d->n++];
	memset(dg, 0, sizeof(*dg));
	dg->severity = sev;
	dg->code = code;
	dg->pos = pos;
	if (item)
		snprintf(dg->item, sizeof(dg->item), "%s", item);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(dg->msg, sizeof(dg->msg), fmt, ap);
	va_end(ap);
}

const char *sk_diag_code_name(enum sk_diag_code code)
{
	if ((unsigned)code >= SK_DIAG_CODE_COUNT)
		return "LOAD_UNKNOWN";
	return diag_code_names[code];
}

/* snprintf that never lets the running length go past what was asked. */
static size_t put(char *out, size_t cap, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static size_t put(char *out, size_t cap, size_t len, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(len < cap ? out + len : NULL, len < cap ? cap - len : 0, fmt, ap);
	va_end(ap);
	return n > 0 ? len + (size_t)n : len;
}

/*
 * "file:line:col: error: rule 'foo': message"; line 0 means the whole file,
 * col 0 an unknown column. Returns the length the full text needs (like
 * snprintf); out is always NUL-terminated when cap > 0.
 */
size_t sk_diag_format(const struct sk_diag *dg, char *out, size_t cap)
{
	size_t len = 0;
	if (cap)
		out[0] = '\0';
	if (dg->pos.file) {
		len = put(out, cap, len, "%s:", dg->pos.file);
		if (dg->pos.line) {
			len = put(out, cap, len, "%u:", (unsigned)dg->pos.line);
			if (dg->pos.col)
				len = put(out, cap, len, "%u:", (unsigned)dg->pos.col);
		}
		len = put(out, cap, len, " ");
	}
	len = put(out, cap, len, "%s: ", dg->severity == SK_DIAG_ERROR ? "error" : "warning");
	if (dg->item[0])
		len = put(out, cap, len, "%s: ", dg->item);
	return put(out, cap, len, "%s", dg->msg);
}

void sk_diags_print(const struct sk_diags *d, FILE *f)
{
	char line[1024];
	for (unsigned i = 0; i < d->n; i++) {
		sk_diag_format(&d->v[i], line, sizeof(line));
		fprintf(f, "%s\n", line);
	}
	if (d->dropped)
		fprintf(f, "(%u more diagnostics not shown)\n", d->dropped);
}
