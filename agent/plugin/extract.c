/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Field extraction through a plugin (§10): the field's argument prepared at
 * compile time, type and source filtering, one call at a time per state,
 * the results checked and copied before the lock is released.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "plugin_int.h"

/* Longest string value taken from a plugin (longer ones are refused). */
#define SK_PLUGIN_VALUE_MAX (1u << 20)
/* Errors logged per plugin before only every 1000th is. */
#define SK_PLUGIN_LOG_FIRST 10u

static const struct sk_plugin_class *class_of(const struct sk_field_ref *ref)
{
	/* cls is the first member of struct sk_plugin_class */
	return (const struct sk_plugin_class *)(const void *)ref->cls;
}

/* A decimal index: digits only, no leading zero unless "0", fits 64 bits. */
static bool parse_index(const char *s, uint64_t *out)
{
	uint64_t v = 0;
	if (!*s || (s[0] == '0' && s[1]))
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		unsigned d = (unsigned)(*s - '0');
		if (v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

int sk_plugin_field_prepare(struct sk_field_ref *ref, char *err, size_t errlen)
{
	const struct sk_plugin *p = class_of(ref)->p;
	const struct sk_plugin_field_meta *m = &p->meta[ref->field->id];
	ref->prepared = 0;
	ref->arg_index = -1;
	if (!ref->arg)
		return 0;
	uint64_t idx;
	if (m->is_index && parse_index(ref->arg, &idx)) {
		ref->arg_index = (int64_t)idx;
		ref->prepared = 1;
		return 0;
	}
	if (m->is_key)
		return 0;
	if (m->is_index) {
		snprintf(err, errlen, "field '%s' (plugin '%s') needs a numeric index, not '%s'",
			 ref->field->name, p->name, ref->arg);
		return -EINVAL;
	}
	snprintf(err, errlen, "field '%s' (plugin '%s') does not take an argument",
		 ref->field->name, p->name);
	return -EINVAL;
}

static void report(struct sk_plugin *p, uint64_t *counter, const char *fmt, const char *field,
		   const char *why)
{
	uint64_t n = __atomic_add_fetch(counter, 1, __ATOMIC_RELAXED);
	uint64_t all = __atomic_add_fetch(&p->logged_errors, 1, __ATOMIC_RELAXED);
	if (all <= SK_PLUGIN_LOG_FIRST || all % 1000u == 0)
		sk_plugin_log(p, SS_PLUGIN_LOG_SEV_ERROR, fmt, field, why, (unsigned long long)n);
}

static char *scratch(struct sk_eval_ctx *ctx, size_t n)
{
	if (!ctx->scratch || n > ctx->scratch_cap - ctx->scratch_used)
		return NULL;
	char *s = ctx->scratch + ctx->scratch_used;
	ctx->scratch_used += n;
	return s;
}

/* Copy the plugin's values into vals; -EINVAL when they are inconsistent. */
static int copy_values(const ss_plugin_extract_field *f, struct sk_eval_ctx *ctx,
		       struct sk_value *vals, unsigned n, const char **why)
{
	for (unsigned i = 0; i < n; i++) {
		struct sk_value *v = &vals[i];
		switch (f->ftype) {
		case FTYPE_STRING: {
			const char *s = f->res.str[i];
			if (!s) {
				*why = "a NULL string";
				return -EINVAL;
			}
			size_t len = strnlen(s, SK_PLUGIN_VALUE_MAX + 1);
			if (len > SK_PLUGIN_VALUE_MAX) {
				*why = "a string longer than the cap";
				return -EINVAL;
			}
			char *d = scratch(ctx, len + 1);
			if (!d) {
				*why = "values larger than the scratch buffer";
				return -ENOSPC;
			}
			memcpy(d, s, len);
			d[len] = '\0';
			*v = (struct sk_value){.type = PT_CHARBUF, .len = (uint32_t)len, .s = d};
			break;
		}
		case FTYPE_UINT64:
		case FTYPE_RELTIME:
		case FTYPE_ABSTIME:
			*v = (struct sk_value){
			    .type = (uint8_t)f->ftype, .len = 8, .u = f->res.u64[i]};
			break;
		case FTYPE_BOOL:
			*v = (struct sk_value){
			    .type = PT_BOOL, .len = 4, .u = f->res.boolean[i] != 0};
			break;
		case FTYPE_IPADDR:
		case FTYPE_IPNET: {
			const ss_plugin_byte_buffer *b = &f->res.buf[i];
			if ((b->len != 4 && b->len != 16) || !b->ptr) {
				*why = "an address that is neither 4 nor 16 bytes";
				return -EINVAL;
			}
			char *d = scratch(ctx, b->len);
			if (!d) {
				*why = "values larger than the scratch buffer";
				return -ENOSPC;
			}
			memcpy(d, b->ptr, b->len);
			*v = (struct sk_value){
			    .type = (uint8_t)f->ftype, .len = b->len, .b = (const uint8_t *)d};
			break;
		}
		default:
			*why = "an unknown field type";
			return -EINVAL;
		}
	}
	return 0;
}

int sk_plugin_field_extract(const struct sk_field_ref *ref, struct sk_eval_ctx *ctx,
			    struct sk_value *vals, unsigned cap)
{
	struct sk_plugin *p = class_of(ref)->p;
	const struct sk_evt *e = ctx->evt;
	if (!e || !e->hdr || cap == 0)
		return 0;
	/* Mandatory filtering: Go plugins abort the process on a non-322 event. */
	if (!sk_plugin_extracts_type(p, e->hdr->type) || !sk_plugin_extracts_source(p, ctx->source))
		return 0;
	const struct sk_plugin_event_ctx *pe = ctx->plugin_ctx;
	uint64_t num = pe && pe->evtnum ? pe->evtnum : ctx->evtnum;
	if (num == 0 || num == UINT64_MAX)
		return 0;
	const struct sk_plugin_field_meta *m = &p->meta[ref->field->id];
	ss_plugin_extract_field f = {
	    .res_len = 0,
	    .field_id = ref->field->id,
	    .field = ref->field->name,
	    .arg_key = m->is_key ? ref->arg : NULL,
	    /* UINT64_MAX whenever no index was parsed: k8saudit reads it as "no index" */
	    .arg_index = ref->prepared ? (uint64_t)ref->arg_index : UINT64_MAX,
	    .arg_present = ref->arg != NULL,
	    .ftype = m->ftype,
	    .flist = m->is_list,
	};
	ss_plugin_field_extract_input in = {
	    .owner = p,
	    .get_owner_last_error = sk_plugin_owner_last_error,
	    .num_fields = 1,
	    .fields = &f,
	    .table_reader_ext = &sk_plugin_table_reader_none,
	    .value_offsets = NULL,
	};
	ss_plugin_event_input ei = {
	    .evt = (const ss_plugin_event *)(const void *)e->hdr,
	    .evtnum = num,
	    .evtsrc = ctx->source,
	};
	int n = 0;
	const char *why = NULL;
	size_t mark = ctx->scratch_used;
	__atomic_add_fetch(&p->stats.extract_calls, 1, __ATOMIC_RELAXED);
	pthread_mutex_lock(&p->lock);
	ss_plugin_rc rc = p->api.extract_fields(p->state, &ei, &in);
	if (rc != SS_PLUGIN_SUCCESS) {
		report(p, &p->stats.extract_failures,
		       "extracting %s failed: %s (%llu failures so far)", ref->field->name,
		       sk_plugin_fetch_error(p));
		goto out;
	}
	if (f.res_len == 0)
		goto out;
	if (f.res_len > SK_FIELD_MAX_VALUES || (!m->is_list && f.res_len > 1) || !f.res.str)
		why = "an inconsistent number of values";
	else if (copy_values(&f, ctx, vals, f.res_len < cap ? (unsigned)f.res_len : cap, &why) == 0)
		n = f.res_len < cap ? (int)f.res_len : (int)cap;
	if (why) {
		ctx->scratch_used = mark;
		n = 0;
		report(p, &p->stats.extract_bad, "extracting %s returned %s (%llu so far); ignored",
		       ref->field->name, why);
	}
out:
	pthread_mutex_unlock(&p->lock);
	return n;
}

int sk_plugin_ctx_info(void *plugin_ctx, const struct sk_evt *e, const char *source, bool name_only,
		       char *out, size_t cap)
{
	const struct sk_plugin_event_ctx *pc = plugin_ctx;
	if (!pc || !pc->producer || !e || !e->hdr || e->hdr->type != PPME_PLUGINEVENT_E)
		return -ENOENT;
	if (name_only)
		return snprintf(out, cap, "%s", pc->producer->name);
	return sk_plugin_event_info(pc->producer, pc, e, source, out, cap);
}

uint64_t sk_plugin_next_evtnum(void)
{
	static uint64_t counter;
	return __atomic_add_fetch(&counter, 1, __ATOMIC_RELAXED);
}

int sk_plugin_event_info(struct sk_plugin *p, const struct sk_plugin_event_ctx *pc,
			 const struct sk_evt *e, const char *source, char *out, size_t cap)
{
	if (!p->api.event_to_string || !p->state)
		return -ENOTSUP;
	ss_plugin_event_input ei = {
	    .evt = (const ss_plugin_event *)(const void *)e->hdr,
	    .evtnum = pc->evtnum,
	    .evtsrc = source,
	};
	pthread_mutex_lock(&p->lock);
	const char *s = p->api.event_to_string(p->state, &ei);
	int n = s ? snprintf(out, cap, "%.*s", (int)strnlen(s, SK_PLUGIN_VALUE_MAX), s) : -EIO;
	pthread_mutex_unlock(&p->lock);
	return n;
}
