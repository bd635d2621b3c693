/* SPDX-License-Identifier: Apache-2.0 */
/* The HTTP server on 127.0.0.1, queried with libcurl: endpoints, metrics text, 4xx. */
#include <curl/curl.h>
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../../../agent/web/web.h"

#ifdef __SANITIZE_ADDRESS__
#include <sanitizer/lsan_interface.h>
/* libwebsockets 4.1 leaks 72 bytes when lws_create_context() fails; not ours. */
#define LWS_LEAK_BEGIN() __lsan_disable()
#define LWS_LEAK_END() __lsan_enable()
#else
#define LWS_LEAK_BEGIN()
#define LWS_LEAK_END()
#endif

static unsigned free_port(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(sa);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	getsockname(fd, (struct sockaddr *)&sa, &len);
	close(fd);
	return ntohs(sa.sin_port);
}

struct reply {
	long status;
	char body[1 << 16];
	size_t len;
	char ctype[128];
};

static size_t on_body(char *d, size_t s, size_t n, void *ctx)
{
	struct reply *r = ctx;
	size_t k = s * n;
	if (r->len + k < sizeof(r->body)) {
		memcpy(r->body + r->len, d, k);
		r->len += k;
		r->body[r->len] = '\0';
	}
	return s * n;
}

static void request(unsigned port, const char *method, const char *path, const char *header,
		    struct reply *r)
{
	char url[256];
	snprintf(url, sizeof(url), "http://127.0.0.1:%u%s", port, path);
	memset(r, 0, sizeof(*r));
	CURL *c = curl_easy_init();
	struct curl_slist *h = header ? curl_slist_append(NULL, header) : NULL;
	curl_easy_setopt(c, CURLOPT_URL, url);
	if (!strcmp(method, "HEAD"))
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	else
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 5L);
	if (h)
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	CURLcode rc = curl_easy_perform(c);
	if (rc == CURLE_OK) {
		char *ct = NULL;
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
		curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ct);
		snprintf(r->ctype, sizeof(r->ctype), "%s", ct ? ct : "");
	}
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
}

struct fixture {
	struct sk_outputs *outputs;
	struct sk_rules_status status;
	struct sk_metrics_sources m;
	struct sk_web *web;
	unsigned port;
};

static struct fixture fx;

static int start(bool metrics)
{
	char err[256];
	memset(&fx, 0, sizeof(fx));
	struct sk_outputs_opts oo = {.max_burst = 10};
	if (sk_outputs_new(&fx.outputs, &oo, err, sizeof(err)))
		return -1;
	sk_rules_status_init(&fx.status);
	fx.m = (struct sk_metrics_sources){
		.version = "9.9.9",
		.start_time = 1700000000.0,
		.outputs = fx.outputs,
		.rules = &fx.status,
	};
	fx.port = free_port();
	struct sk_web_opts wo = {
		.listen_address = "127.0.0.1",
		.port = fx.port,
		.healthz_endpoint = "/healthz",
		.metrics_enabled = metrics,
		.version = "9.9.9",
		.metrics = &fx.m,
	};
	return sk_web_start(&fx.web, &wo, err, sizeof(err));
}

static void stop(void)
{
	sk_web_free(fx.web);
	sk_outputs_free(fx.outputs);
	sk_rules_status_fini(&fx.status);
}

static void test_endpoints(void **state)
{
	assert_int_equal(start(true), 0);
	struct reply r;
	request(fx.port, "GET", "/healthz", NULL, &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body, "{\"status\": \"ok\"}");
	assert_string_equal(r.ctype, "application/json");
	request(fx.port, "GET", "/versions", NULL, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "\"saker_version\": \"9.9.9\""));
	assert_non_null(strstr(r.body, "\"engine_version\": \"" SK_ENGINE_VERSION "\""));
	request(fx.port, "GET", "/nowhere", NULL, &r);
	assert_int_equal(r.status, 404);
	assert_string_equal(r.body, "{\"error\": \"not found\"}\n");
	request(fx.port, "POST", "/healthz", NULL, &r);
	assert_int_equal(r.status, 405);
	request(fx.port, "DELETE", "/metrics", NULL, &r);
	assert_int_equal(r.status, 405);
	/* headers beyond SK_WEB_MAX_HEADER_BYTES are refused, the server keeps serving */
	static char big[SK_WEB_MAX_HEADER_BYTES * 2];
	memset(big, 'x', sizeof(big) - 1);
	memcpy(big, "X-Big: ", 7);
	request(fx.port, "GET", "/healthz", big, &r);
	assert_true(r.status == 0 || (r.status >= 400 && r.status < 500));
	request(fx.port, "GET", "/healthz", NULL, &r);
	assert_int_equal(r.status, 200);
	stop();
}

static void test_metrics(void **state)
{
	assert_int_equal(start(true), 0);
	sk_outputs_emit(fx.outputs, SK_PRIO_WARNING, "Rule \"quoted\" \\ name", "x");
	sk_rules_status_record(&fx.status, true, 1700000001.5, 0.25, 12, NULL);
	sk_rules_status_record(&fx.status, false, 1700000002.0, 0.5, 0, "r.yaml:3:1: error: bad\nx");
	struct reply r;
	request(fx.port, "GET", "/metrics", NULL, &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.ctype, "text/plain; version=0.0.4; charset=utf-8");
	assert_non_null(strstr(r.body, "# TYPE saker_alerts_total counter\n"));
	assert_non_null(strstr(r.body, "saker_alerts_total{rule=\"Rule \\\"quoted\\\" \\\\ "
				       "name\",priority=\"Warning\"} 1\n"));
	assert_non_null(strstr(r.body, "saker_rules_enabled 12\n"));
	assert_non_null(strstr(r.body, "saker_rules_load_failures_total 1\n"));
	assert_non_null(strstr(r.body, "saker_rules_last_load_success 0\n"));
	assert_non_null(strstr(r.body, "saker_rules_loaded 1\n"));
	assert_non_null(strstr(r.body, "saker_rules_last_load_error_info{error=\"r.yaml:3:1: "
				       "error: bad\\nx\"} 1\n"));
	assert_non_null(strstr(r.body, "saker_build_info{version=\"9.9.9\"} 1\n"));
	assert_non_null(strstr(r.body, "saker_memory_resident_bytes "));
	/* HEAD: headers only */
	request(fx.port, "HEAD", "/metrics", NULL, &r);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.len, 0);
	stop();
}

/* Feed st a parameterless pipe enter event of tid at ts. */
static void feed(struct sk_state *st, int64_t tid, uint64_t ts)
{
	struct sk_evt_hdr h = {.ts = ts, .tid = (uint64_t)tid, .len = sizeof(h), .type = 60};
	struct sk_evt e;
	char err[64];
	assert_int_equal(sk_evt_parse(&e, &h, sizeof(h), err, sizeof(err)), 0);
	sk_state_apply_event(st, &e);
	sk_state_after_event(st, &e);
}

/* Give st n containers with ids made of i from first on; returns how many were refused. */
static unsigned add_containers(struct sk_state *st, unsigned first, unsigned n)
{
	unsigned refused = 0;
	for (unsigned i = first; i < first + n; i++) {
		char json[128];
		int len = snprintf(json, sizeof(json), "{\"container\":{\"id\":\"%012x\"}}", i);
		refused += sk_state_apply_container_json(st, json, (size_t)len) != 0;
	}
	return refused;
}

static unsigned long long metric_value(const char *body, const char *sample)
{
	char key[256];
	snprintf(key, sizeof(key), "\n%s ", sample);
	const char *p = strstr(body, key);
	if (!p)
		fail_msg("no sample '%s' in /metrics", sample);
	return strtoull(p + strlen(key), NULL, 10);
}

/*
 * The state tables of two event threads, summed: one fills its container
 * table past SK_STATE_MAX_CONTAINERS, the other evicts its idle threads
 * after the thread timeout.
 */
static void test_metrics_state(void **state)
{
	static struct sk_pipeline p[2];
	uint64_t t0 = 1000000000000ull;
	sk_state_init(&p[0].state);
	sk_state_init(&p[1].state);
	assert_int_equal(add_containers(&p[0].state, 1, SK_STATE_MAX_CONTAINERS + 3), 3);
	feed(&p[0].state, 7, t0);
	feed(&p[0].state, 7, t0 + 1); /* the sizes are those at the start of an event */
	assert_int_equal(add_containers(&p[1].state, 1, 2), 0);
	assert_int_equal(sk_state_apply_container_json(&p[1].state, "{\"container\":{}}", 16),
			 -EINVAL);
	feed(&p[1].state, 100, t0);
	feed(&p[1].state, 200, t0);
	feed(&p[1].state, 300, t0 + SK_STATE_THREAD_TIMEOUT_NS / 2);
	feed(&p[1].state, 300, t0 + SK_STATE_THREAD_TIMEOUT_NS + SK_STATE_SWEEP_INTERVAL_NS);
	feed(&p[1].state, 300, t0 + SK_STATE_THREAD_TIMEOUT_NS + SK_STATE_SWEEP_INTERVAL_NS + 1);
	assert_int_equal(start(true), 0);
	fx.m.pipelines[0] = &p[0];
	fx.m.pipelines[1] = &p[1];
	fx.m.npipelines = 2;
	struct reply r;
	request(fx.port, "GET", "/metrics", NULL, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "# HELP saker_state_entries "));
	assert_non_null(strstr(r.body, "# TYPE saker_state_entries gauge\n"));
	assert_non_null(strstr(r.body, "# TYPE saker_state_dropped_total counter\n"));
	assert_non_null(strstr(r.body, "# TYPE saker_state_evicted_total counter\n"));
	assert_non_null(strstr(r.body, "# TYPE saker_state_strings_truncated_total counter\n"));
	/* thread 7, and 300 (100 and 200 evicted) */
	assert_int_equal(metric_value(r.body, "saker_state_entries{table=\"threads\"}"), 2);
	assert_int_equal(metric_value(r.body, "saker_state_entries{table=\"containers\"}"),
			 SK_STATE_MAX_CONTAINERS + 2);
	assert_int_equal(metric_value(r.body, "saker_state_entries{table=\"users\"}"), 0);
	assert_int_equal(metric_value(r.body, "saker_state_dropped_total{table=\"containers\"}"), 4);
	assert_int_equal(metric_value(r.body, "saker_state_dropped_total{table=\"threads\"}"), 0);
	assert_int_equal(metric_value(r.body, "saker_state_dropped_total{table=\"fds\"}"), 0);
	assert_int_equal(metric_value(r.body, "saker_state_evicted_total{table=\"threads\"}"), 2);
	assert_int_equal(metric_value(r.body, "saker_state_strings_truncated_total"), 0);
	stop();
	sk_state_fini(&p[0].state);
	sk_state_fini(&p[1].state);
}

static void test_metrics_disabled_and_bad_listen(void **state)
{
	assert_int_equal(start(false), 0);
	struct reply r;
	request(fx.port, "GET", "/metrics", NULL, &r);
	assert_int_equal(r.status, 404);
	/* the same port twice: refused with a message naming it */
	char err[256];
	struct sk_web *w2;
	struct sk_web_opts wo = {.listen_address = "127.0.0.1", .port = fx.port,
				 .version = "x", .metrics = &fx.m};
	LWS_LEAK_BEGIN();
	int rc = sk_web_start(&w2, &wo, err, sizeof(err));
	LWS_LEAK_END();
	assert_int_equal(rc, -EADDRNOTAVAIL);
	char want[64];
	snprintf(want, sizeof(want), "webserver: cannot listen on 127.0.0.1:%u", fx.port);
	assert_string_equal(err, want);
	stop();
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_endpoints),
		cmocka_unit_test(test_metrics),
		cmocka_unit_test(test_metrics_state),
		cmocka_unit_test(test_metrics_disabled_and_bad_listen),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
