/* SPDX-License-Identifier: Apache-2.0 */
/* k8saudit: Kubernetes audit events from a webhook, a file or a directory. */
#ifndef SAKER_K8SAUDIT_H
#define SAKER_K8SAUDIT_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <cjson/cJSON.h>

#include "saker/plugin_helper.h"

#define K8SAUDIT_VERSION "0.18.0"
#define K8SAUDIT_ID 1u
#define K8SAUDIT_SOURCE "k8s_audit"

/* Defaults and caps. */
#define K8S_DEFAULT_MAX_EVENT (256u * 1024u)	    /* maxEventSize */
#define K8S_DEFAULT_MAX_BATCH (12u * 1024u * 1024u) /* webhookMaxBatchSize */
#define K8S_QUEUE_SLOTS 50u			    /* bodies waiting to be parsed */
#define K8S_HTTP_HEADER_MAX (16u * 1024u)	    /* bytes of a request head */
#define K8S_HTTP_MAX_CONNS 64u			    /* connections served at once */
#define K8S_LINE_MAX (64u * 1024u)		    /* a line of a plain file (upstream's limit) */
#define K8S_WAIT_MS 30				    /* longest next_batch wait */
#define K8S_JSON_MAX_DEPTH 64u			    /* nesting of arrays in a body */

struct k8s_config {
	char ssl_certificate[1024];
	uint64_t max_event_size;
	uint64_t max_batch_size;
	bool use_async;
};

/* Counters exposed through plugin_get_metrics. */
struct k8s_metrics {
	uint64_t requests, requests_bad, bytes, events, events_dropped, parse_errors;
};

/* A body waiting to be turned into events (webhook request or file line). */
struct k8s_body {
	char *data;
	size_t len;
};

/* A bounded queue of bodies filled by the webhook threads. */
struct k8s_queue {
	pthread_mutex_t lock;
	pthread_cond_t not_empty, not_full;
	struct k8s_body slots[K8S_QUEUE_SLOTS];
	unsigned head, n;
	bool closed;
};

struct k8s_webhook;
struct k8s_tail;

struct k8s_state {
	char err[PLUGIN_MAX_ERRLEN];
	struct k8s_config cfg;
	struct k8s_metrics m; /* atomics */
	ss_plugin_metric metrics[6];
	/* extraction */
	uint64_t evtnum;
	cJSON *doc;
	const char *payload; /* of the cached event (for event_to_string) */
	struct skp_arena arena;
	void *vals; /* extraction scratch (fields.c) */
};

struct k8s_instance {
	struct k8s_state *st;
	struct skp_batch batch;
	/* pending serialized events not yet in a batch */
	char **pending;
	uint64_t *pending_ts;
	size_t npending, pending_head, pending_cap;
	/* sources */
	struct k8s_queue q;
	struct k8s_webhook *web;
	struct k8s_tail *tail;
	char **files; /* plain path mode: files in order */
	size_t nfiles, file_i;
	FILE *cur;
	char *line;
	bool eof;
};

/* Turn one body into audit events appended to the instance's pending list. */
void k8s_ingest(struct k8s_instance *in, const char *data, size_t len);

/* Queue (webhook → next_batch). push blocks while full; pop waits up to ms. */
void k8s_queue_init(struct k8s_queue *q);
void k8s_queue_fini(struct k8s_queue *q);
int k8s_queue_push(struct k8s_queue *q, char *data, size_t len);
int k8s_queue_pop(struct k8s_queue *q, struct k8s_body *out, int ms);
void k8s_queue_close(struct k8s_queue *q);

/* The webhook server (webhook.c): url "http://host:port/path" or https. */
int k8s_webhook_start(struct k8s_instance *in, const char *url, char *err);
/* A listener error, if the server failed (copied into err); false when fine. */
bool k8s_webhook_failed(struct k8s_webhook *w, char *err);
void k8s_webhook_stop(struct k8s_webhook *w);

/* Tail-follow of file://path (tail.c). */
int k8s_tail_start(struct k8s_instance *in, const char *path, char *err);
void k8s_tail_stop(struct k8s_tail *t);

/* Extraction (fields.c). */
const char *k8s_fields_json(void);
ss_plugin_rc k8s_extract(struct k8s_state *st, const ss_plugin_event_input *ev,
			 const ss_plugin_field_extract_input *in);

#endif
