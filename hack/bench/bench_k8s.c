/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The node's informer holding many pods served by the API server stand-in:
 * memory per cached pod, CPU and time of the initial list, and of a relist
 * after a 410 in which every pod changed. Prints figures; never pass/fail.
 *
 * Usage: bench_k8s URL TOKEN_FILE CONTROL_PORT PODS
 * (hack/bench/run.sh starts the stand-in and loads PODS pods on node n1.)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "../../agent/k8s/meta.h"

static long rss_kb(void)
{
	char line[256];
	long kb = -1;
	FILE *f = fopen("/proc/self/status", "r");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %ld kB", &kb) == 1)
			break;
	if (f)
		fclose(f);
	return kb;
}

static double cpu_s(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
	       ru.ru_stime.tv_usec / 1e6;
}

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + t.tv_nsec / 1e9;
}

static size_t discard(char *p, size_t sz, size_t nm, void *ud)
{
	(void)p, (void)ud;
	return sz * nm;
}

static int control(int port, const char *action, const char *body)
{
	char url[128];
	long code = 0;
	CURL *h = curl_easy_init();
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/control/%s", port, action);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 120L);
	if (curl_easy_perform(h) == CURLE_OK)
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_cleanup(h);
	return code == 200 ? 0 : -1;
}

static void log_line(void *ctx, enum k8s_log_level level, const char *msg)
{
	(void)ctx, (void)level;
	fprintf(stderr, "bench_k8s: %s\n", msg);
}

static int add_label_bytes(void *ctx, void *rec)
{
	const struct sk_k8s_obj *o = rec;
	size_t *n = ctx;
	for (unsigned i = 0; i < o->nlabels; i++)
		*n += strlen(o->label_keys[i]) + strlen(o->label_values[i]) + 2 + 2 * sizeof(char *);
	return 0;
}

static void wait_relist(struct sk_k8s_meta *m, uint64_t relists, uint64_t updates)
{
	struct sk_k8s_meta_stats st;
	for (;;) {
		sk_k8s_meta_stats(m, &st);
		if (st.pods.relists > relists && st.pods.updates >= updates)
			return;
		usleep(1000);
	}
}

int main(int argc, char **argv)
{
	struct sk_k8s_meta *m;
	struct sk_k8s_meta_stats st;
	struct sk_k8s_settings ks = {.enabled = 1, .node_name = "n1"};
	struct sk_k8s_meta_opts o = {.watch_timeout_s = 600, .backoff_initial_ms = 10,
				     .log = getenv("BENCH_K8S_LOG") ? log_line : NULL};
	char err[512], body[256];
	long pods, rss0, rss1;
	double c0, t0, c1, t1;
	int port;

	if (argc != 5) {
		fprintf(stderr, "usage: bench_k8s URL TOKEN_FILE CONTROL_PORT PODS\n");
		return 2;
	}
	ks.api_server = argv[1];
	ks.auth = argv[2];
	port = atoi(argv[3]);
	pods = atol(argv[4]);
	setvbuf(stdout, NULL, _IOLBF, 0);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	control(port, "stats", "{}"); /* warm libcurl and TLS libraries before the baseline */
	rss0 = rss_kb();
	c0 = cpu_s();
	t0 = now_s();
	if (sk_k8s_meta_setup(&m, &ks, &o, err, sizeof(err))) {
		fprintf(stderr, "bench_k8s: %s\n", err);
		return 1;
	}
	if (!sk_k8s_meta_wait_synced(m, 120000)) {
		fprintf(stderr, "bench_k8s: not synced after 120 s\n");
		return 1;
	}
	c1 = cpu_s();
	t1 = now_s();
	usleep(200000);
	rss1 = rss_kb();
	sk_k8s_meta_stats(m, &st);
	printf("initial list: pods=%zu containers=%zu seconds=%.3f cpu_s=%.3f\n", st.pods.objects,
	       st.containers, t1 - t0, c1 - c0);
	size_t label_bytes = 0;
	k8s_informer_lock(sk_k8s_meta_pods(m));
	k8s_informer_foreach(sk_k8s_meta_pods(m), add_label_bytes, &label_bytes);
	k8s_informer_unlock(sk_k8s_meta_pods(m));
	double n = (double)(st.pods.objects ? st.pods.objects : 1);
	printf("memory: rss_delta_kib=%ld per_pod_bytes=%.0f labels_per_pod_bytes=%.0f "
	       "per_pod_beyond_labels=%.0f (target <= 5120); record=%.0f bytes/pod\n",
	       rss1 - rss0, (double)(rss1 - rss0) * 1024.0 / n, (double)label_bytes / n,
	       ((double)(rss1 - rss0) * 1024.0 - (double)label_bytes) / n,
	       (double)st.pod_bytes / n);

	/* Every pod changes and the history expires before a watcher sees it: a relist. */
	uint64_t relists = st.pods.relists, updates = st.pods.updates;
	snprintf(body, sizeof(body),
		 "{\"count\": %ld, \"node\": \"n1\", \"namespace\": \"bench\", \"prefix\": "
		 "\"p\", \"expire\": true}",
		 pods);
	c0 = cpu_s();
	t0 = now_s();
	if (control(port, "pods", body)) {
		fprintf(stderr, "bench_k8s: control interface failed\n");
		return 1;
	}
	t0 = now_s(); /* the server's re-put is not the client's time */
	wait_relist(m, relists, updates + (uint64_t)pods);
	c1 = cpu_s();
	t1 = now_s();
	sk_k8s_meta_stats(m, &st);
	printf("relist after 410 (all %ld pods changed): converge_seconds=%.3f cpu_s=%.3f "
	       "(target < 2 s CPU) updates=%llu\n",
	       pods, t1 - t0, c1 - c0, (unsigned long long)(st.pods.updates - updates));

	/* Nothing changed: the watch is told 410; the relist only compares resourceVersions. */
	relists = st.pods.relists;
	updates = st.pods.updates;
	c0 = cpu_s();
	t0 = now_s();
	/* (repeated until the pod watch, maybe still reconnecting, has been told) */
	for (;;) {
		control(port, "fault", "{\"gone\": true}");
		sk_k8s_meta_stats(m, &st);
		if (st.pods.relists > relists)
			break;
		usleep(50000);
	}
	wait_relist(m, relists, updates);
	c1 = cpu_s();
	t1 = now_s();
	sk_k8s_meta_stats(m, &st);
	printf("relist after 410 (nothing changed): converge_seconds=%.3f cpu_s=%.3f updates=%llu\n",
	       t1 - t0, c1 - c0, (unsigned long long)(st.pods.updates - updates));
	sk_k8s_meta_free(m);
	curl_global_cleanup();
	return 0;
}
