/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: any bytes as a watch stream. The first byte picks the
 * chunk size, so line framing is exercised across every kind of boundary;
 * the stream goes through the bare parser (with a small line cap) and
 * through an informer's state machine (cache, diff, callbacks), and every
 * ADDED/MODIFIED object is also decoded as a pod record. Malformed lines are
 * expected; crashes, leaks and sanitizer reports are not.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "k8s/informer.h"
#include "k8s/watch.h"
#include "../../agent/k8s/meta.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct k8s_client *client;

static int on_event(void *ctx, const struct k8s_watch_event *ev)
{
	(void)ctx;
	if (ev->type == K8S_EV_ADDED || ev->type == K8S_EV_MODIFIED) {
		struct sk_k8s_pod *p = sk_k8s_pod_decode(ev->object);
		if (p)
			sk_k8s_obj_unref(&p->o);
	}
	return 0;
}

static void *decode(void *ctx, const cJSON *obj)
{
	(void)ctx;
	return sk_k8s_pod_decode(obj);
}

static void release(void *ctx, void *rec)
{
	(void)ctx;
	sk_k8s_obj_unref(rec);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct k8s_watch_parser p;
	struct k8s_informer *inf;
	struct k8s_informer_opts o = {.path = "/api/v1/pods", .max_line = 4096};
	struct k8s_informer_ops ops = {.decode = decode, .release = release};
	char err[256];
	size_t chunk;

	if (size < 1)
		return 0;
	if (!client) {
		struct k8s_config *cfg;
		if (k8s_config_flags(&cfg, "https://127.0.0.1:1", NULL, err, sizeof(err)) ||
		    k8s_client_new(&client, cfg, 0, err, sizeof(err)))
			abort();
		k8s_config_free(cfg);
	}
	chunk = (size_t)data[0] % 64 + 1;
	data++;
	size--;

	k8s_watch_parser_init(&p, 512, on_event, NULL);
	for (size_t i = 0; i < size; i += chunk)
		k8s_watch_parser_feed(&p, (const char *)data + i, size - i < chunk ? size - i : chunk);
	k8s_watch_parser_fini(&p);

	if (k8s_informer_new(&inf, client, &o, &ops, NULL, err, sizeof(err)))
		abort();
	for (size_t i = 0; i < size; i += chunk)
		k8s_informer_feed(inf, (const char *)data + i, size - i < chunk ? size - i : chunk);
	k8s_informer_free(inf);
	return 0;
}
