/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The watch stream: one JSON object per '\n'-terminated line,
 * {"type":"ADDED|MODIFIED|DELETED|BOOKMARK|ERROR","object":{...}}. The parser
 * frames lines across arbitrary chunk boundaries (each byte is scanned once),
 * decodes them, and hands each event to a callback. Lines longer than the
 * cap and lines that do not decode are counted and skipped.
 */
#ifndef K8S_WATCH_H
#define K8S_WATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#define K8S_LINE_MAX_DEFAULT (8u * 1024u * 1024u) /* one watch line (one object) */
#define K8S_RV_MAX 64u                            /* resourceVersion kept, bytes */

enum k8s_event_type {
	K8S_EV_ADDED,
	K8S_EV_MODIFIED,
	K8S_EV_DELETED,
	K8S_EV_BOOKMARK,
	K8S_EV_ERROR,
};

/* One decoded event; everything is borrowed and valid during the callback. */
struct k8s_watch_event {
	enum k8s_event_type type;
	cJSON *object;      /* the object (a Status for ERROR) */
	const char *rv;     /* object.metadata.resourceVersion, "" when absent */
	int code;           /* ERROR: Status.code (410 = expired) */
	const char *reason; /* ERROR: Status.reason, "" when absent */
	const char *message;
};

/* Return non-zero to stop feeding (returned by k8s_watch_parser_feed). */
typedef int (*k8s_watch_cb)(void *ctx, const struct k8s_watch_event *ev);

struct k8s_watch_parser {
	char *buf;       /* the current incomplete line */
	size_t len, cap;
	size_t max_line; /* cap on a line */
	bool skipping;   /* inside an over-long line: drop bytes up to '\n' */
	k8s_watch_cb cb;
	void *ctx;
	/* counters */
	uint64_t events, malformed, oversized;
	char last_error[256]; /* why the last malformed line was skipped */
};

/* Set up p (max_line 0 = K8S_LINE_MAX_DEFAULT). Returns 0. */
int k8s_watch_parser_init(struct k8s_watch_parser *p, size_t max_line, k8s_watch_cb cb,
			  void *ctx);
void k8s_watch_parser_fini(struct k8s_watch_parser *p);

/*
 * Feed bytes. Returns 0, -ENOMEM, or the callback's non-zero value (the
 * rest of data is then not consumed).
 */
int k8s_watch_parser_feed(struct k8s_watch_parser *p, const char *data, size_t len);

/* Forget a partial line (the connection ended mid-line). */
void k8s_watch_parser_reset(struct k8s_watch_parser *p);

/*
 * Decode one line (without its '\n') into ev; *root receives the parsed
 * tree that ev borrows from (caller cJSON_Deletes it). Returns 0 or -EINVAL
 * with the reason in err.
 */
int k8s_watch_decode(const char *line, size_t len, struct k8s_watch_event *ev, cJSON **root,
		     char *err, size_t errlen);

/* "ADDED", ... */
const char *k8s_event_type_name(enum k8s_event_type t);

#endif
