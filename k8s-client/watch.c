/* SPDX-License-Identifier: Apache-2.0 */
/* Line framing and decoding of watch streams. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "k8s_priv.h"
#include "k8s/watch.h"

static const char *const type_names[] = {
    [K8S_EV_ADDED] = "ADDED",	    [K8S_EV_MODIFIED] = "MODIFIED", [K8S_EV_DELETED] = "DELETED",
    [K8S_EV_BOOKMARK] = "BOOKMARK", [K8S_EV_ERROR] = "ERROR",
};

const char *k8s_event_type_name(enum k8s_event_type t)
{
	return (unsigned)t <= K8S_EV_ERROR ? type_names[t] : "?";
}

int k8s_watch_parser_init(struct k8s_watch_parser *p, size_t max_line, k8s_watch_cb cb,
			  void *ctx)
{
	memset(p, 0, sizeof(*p));
	p->max_line = max_line ? max_line : K8S_LINE_MAX_DEFAULT;
	p->cb = cb;
	p->ctx = ctx;
	return 0;
}

void k8s_watch_parser_fini(struct k8s_watch_parser *p)
{
	free(p->buf);
	p->buf = NULL;
	p->len = p->cap = 0;
}

void k8s_watch_parser_reset(struct k8s_watch_parser *p)
{
	p->len = 0;
	p->skipping = false;
}

static const char *str_at(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

int k8s_watch_decode(const char *line, size_t len, struct k8s_watch_event *ev, cJSON **root,
		     char *err, size_t errlen)
{
	cJSON *o = cJSON_ParseWithLength(line, len);
	const char *type;
	const cJSON *obj, *meta, *code;
	unsigned t;

	*root = NULL;
	if (!cJSON_IsObject(o)) {
		K8S_SET_ERR(err, errlen, "not a JSON object");
		goto bad;
	}
	type = str_at(o, "type");
	obj = cJSON_GetObjectItemCaseSensitive(o, "object");
	if (!type) {
		K8S_SET_ERR(err, errlen, "no \"type\"");
		goto bad;
	}
	for (t = 0; t <= K8S_EV_ERROR; t++)
		if (strcmp(type, type_names[t]) == 0)
			break;
	if (t > K8S_EV_ERROR) {
		K8S_SET_ERR(err, errlen, "unknown event type \"%.32s\"", type);
		goto bad;
	}
	if (!cJSON_IsObject(obj)) {
		K8S_SET_ERR(err, errlen, "%s without an object", type);
		goto bad;
	}
	memset(ev, 0, sizeof(*ev));
	ev->type = (enum k8s_event_type)t;
	ev->object = (cJSON *)obj;
	meta = cJSON_GetObjectItemCaseSensitive(obj, "metadata");
	ev->rv = str_at(meta, "resourceVersion");
	if (!ev->rv)
		ev->rv = "";
	if (strlen(ev->rv) >= K8S_RV_MAX) {
		K8S_SET_ERR(err, errlen, "resourceVersion longer than %u bytes", K8S_RV_MAX - 1);
		goto bad;
	}
	ev->reason = "";
	ev->message = "";
	if (ev->type == K8S_EV_ERROR) {
		code = cJSON_GetObjectItemCaseSensitive(obj, "code");
		ev->code = cJSON_IsNumber(code) ? code->valueint : 0;
		ev->reason = str_at(obj, "reason") ? str_at(obj, "reason") : "";
		ev->message = str_at(obj, "message") ? str_at(obj, "message") : "";
	} else if (ev->type != K8S_EV_BOOKMARK && !*ev->rv) {
		K8S_SET_ERR(err, errlen, "%s object without metadata.resourceVersion", type);
		goto bad;
	}
	*root = o;
	return 0;
bad:
	cJSON_Delete(o);
	return -EINVAL;
}

/* One complete line (without '\n'). */
static int deliver(struct k8s_watch_parser *p, const char *line, size_t len)
{
	struct k8s_watch_event ev;
	cJSON *root;
	int rc;

	while (len && (line[len - 1] == '\r' || line[len - 1] == ' '))
		len--;
	if (len == 0)
		return 0;
	if (k8s_watch_decode(line, len, &ev, &root, p->last_error, sizeof(p->last_error))) {
		p->malformed++;
		return 0;
	}
	p->events++;
	rc = p->cb ? p->cb(p->ctx, &ev) : 0;
	cJSON_Delete(root);
	return rc;
}

static int append(struct k8s_watch_parser *p, const char *data, size_t n)
{
	if (p->len + n > p->cap) {
		size_t cap = p->cap ? p->cap : 4096;
		while (cap < p->len + n)
			cap *= 2;
		if (cap > p->max_line)
			cap = p->max_line; /* p->len + n <= max_line: checked by the caller */
		char *b = realloc(p->buf, cap);
		if (!b)
			return -ENOMEM;
		p->buf = b;
		p->cap = cap;
	}
	memcpy(p->buf + p->len, data, n);
	p->len += n;
	return 0;
}

int k8s_watch_parser_feed(struct k8s_watch_parser *p, const char *data, size_t len)
{
	while (len) {
		const char *nl = memchr(data, '\n', len);
		size_t n = nl ? (size_t)(nl - data) : len;
		int rc = 0;

		if (p->skipping) {
			if (nl)
				p->skipping = false;
		} else if (p->len + n > p->max_line) {
			/* Over-long line: count it once and drop it up to its '\n'. */
			p->oversized++;
			snprintf(p->last_error, sizeof(p->last_error),
				 "line longer than %zu bytes skipped", p->max_line);
			p->len = 0;
			p->skipping = !nl;
		} else if (nl && p->len == 0) {
			rc = deliver(p, data, n); /* the whole line is in this chunk: no copy */
		} else {
			rc = append(p, data, n);
			if (!rc && nl) {
				rc = deliver(p, p->buf, p->len);
				p->len = 0;
			}
		}
		if (rc)
			return rc;
		if (!nl)
			break;
		data = nl + 1;
		len -= n + 1;
	}
	return 0;
}
