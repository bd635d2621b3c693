/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Informers: the state machine fed directly (events, relist diff, bookmarks,
 * expiry), then against the API server stand-in: list + watch with paging
 * and a field selector, every change delivered in order, and convergence
 * with nothing lost or duplicated after a cut stream, a stall, 500s, and
 * 410s (in-stream and HTTP); a list answered 429 or 503 with Retry-After
 * (seconds or an HTTP date) is retried no sooner than that, within the
 * backoff cap.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "k8s/informer.h"
#include "standin.h"

#define MIRROR_MAX 256

/* What the callbacks told us, checked for duplicates and unknown deletes. */
struct mirror {
	char key[MIRROR_MAX][128];
	char rv[MIRROR_MAX][32];
	int n;
	int adds, updates, deletes, unknown_deletes, dup_adds, bad_updates, bad_deletes;
	char order[4096]; /* "+ns/a +ns/b ~ns/a -ns/b" */
};

static void rec_key(const cJSON *o, char *key, size_t cap, char *rv, size_t rvcap)
{
	const cJSON *m = cJSON_GetObjectItem(o, "metadata");
	snprintf(key, cap, "%s/%s", cJSON_GetStringValue(cJSON_GetObjectItem(m, "namespace")),
		 cJSON_GetStringValue(cJSON_GetObjectItem(m, "name")));
	snprintf(rv, rvcap, "%s", cJSON_GetStringValue(cJSON_GetObjectItem(m, "resourceVersion")));
}

static int mirror_find(struct mirror *m, const char *key)
{
	for (int i = 0; i < m->n; i++)
		if (strcmp(m->key[i], key) == 0)
			return i;
	return -1;
}

static void note(struct mirror *m, char op, const char *key)
{
	size_t l = strlen(m->order);
	snprintf(m->order + l, sizeof(m->order) - l, "%s%c%s", l ? " " : "", op, key);
}

static void on_add(void *ctx, void *rec)
{
	struct mirror *m = ctx;
	char key[128], rv[32];
	rec_key(rec, key, sizeof(key), rv, sizeof(rv));
	m->adds++;
	note(m, '+', key);
	if (mirror_find(m, key) >= 0) {
		m->dup_adds++;
		return;
	}
	snprintf(m->key[m->n], 128, "%s", key);
	snprintf(m->rv[m->n++], 32, "%s", rv);
}

static void on_update(void *ctx, void *old, void *rec)
{
	struct mirror *m = ctx;
	char key[128], rv[32];
	int i;
	(void)old;
	rec_key(rec, key, sizeof(key), rv, sizeof(rv));
	m->updates++;
	note(m, '~', key);
	i = mirror_find(m, key);
	if (i < 0) {
		m->bad_updates++;
		return;
	}
	snprintf(m->rv[i], 32, "%s", rv);
}

static void on_delete(void *ctx, void *rec, bool unknown)
{
	struct mirror *m = ctx;
	char key[128], rv[32];
	int i;
	rec_key(rec, key, sizeof(key), rv, sizeof(rv));
	m->deletes++;
	m->unknown_deletes += unknown;
	note(m, '-', key);
	i = mirror_find(m, key);
	if (i < 0) {
		m->bad_deletes++;
		return;
	}
	m->n--;
	memcpy(m->key[i], m->key[m->n], 128);
	memcpy(m->rv[i], m->rv[m->n], 32);
}

static const struct k8s_informer_ops mirror_ops = {
    .on_add = on_add, .on_update = on_update, .on_delete = on_delete};

/* ---- the state machine, no network ---- */

static struct k8s_client *offline_client(void)
{
	struct k8s_config *cfg;
	struct k8s_client *c;
	char err[256];
	assert_int_equal(k8s_config_flags(&cfg, "https://127.0.0.1:1", NULL, err, sizeof(err)), 0);
	assert_int_equal(k8s_client_new(&c, cfg, 0, err, sizeof(err)), 0);
	k8s_config_free(cfg);
	return c;
}

static char *pod_line(char *buf, size_t cap, const char *type, const char *name, int rv)
{
	snprintf(buf, cap,
		 "{\"type\":\"%s\",\"object\":{\"kind\":\"Pod\",\"metadata\":{\"name\":\"%s\","
		 "\"namespace\":\"ns\",\"uid\":\"uid-%s\",\"resourceVersion\":\"%d\"}}}\n",
		 type, name, name, rv);
	return buf;
}

static int feed_pod(struct k8s_informer *inf, char *line, size_t cap, const char *type,
		    const char *name, int rv)
{
	pod_line(line, cap, type, name, rv);
	return k8s_informer_feed(inf, line, strlen(line));
}

static void test_events_update_cache(void **state)
{
	struct k8s_client *c = offline_client();
	struct k8s_informer *inf;
	struct k8s_informer_opts o = {.path = "/api/v1/pods"};
	struct k8s_informer_stats st;
	struct mirror *m = calloc(1, sizeof(*m));
	char err[256], line[512];
	(void)state;
	assert_int_equal(k8s_informer_new(&inf, c, &o, &mirror_ops, m, err, sizeof(err)), 0);
	assert_int_equal(feed_pod(inf, line, sizeof(line), "ADDED", "a", 10), 0);
	assert_int_equal(feed_pod(inf, line, sizeof(line), "ADDED", "b", 11), 0);
	assert_int_equal(feed_pod(inf, line, sizeof(line), "MODIFIED", "a", 12), 0);
	assert_int_equal(feed_pod(inf, line, sizeof(line), "DELETED", "b", 13), 0);
	static const char bm[] = "{\"type\":\"BOOKMARK\",\"object\":{\"kind\":\"Pod\",\"metadata\":"
				 "{\"resourceVersion\":\"20\"}}}\n";
	assert_int_equal(k8s_informer_feed(inf, bm, strlen(bm)), 0);
	assert_string_equal(m->order, "+ns/a +ns/b ~ns/a -ns/b");
	k8s_informer_stats(inf, &st);
	assert_string_equal(st.rv, "20"); /* bookmarks advance the RV */
	assert_int_equal(st.objects, 1);
	assert_int_equal(st.bookmarks, 1);
	k8s_informer_lock(inf);
	cJSON *a = k8s_informer_get(inf, "ns", "a");
	assert_non_null(a);
	assert_ptr_equal(k8s_informer_get_uid(inf, "uid-a"), a);
	assert_null(k8s_informer_get(inf, "ns", "b"));
	k8s_informer_unlock(inf);
	/* a malformed line is counted and skipped, the next one still applies */
	assert_int_equal(k8s_informer_feed(inf, "{oops\n", 6), 0);
	assert_int_equal(feed_pod(inf, line, sizeof(line), "ADDED", "c", 21), 0);
	k8s_informer_stats(inf, &st);
	assert_int_equal(st.malformed, 1);
	assert_int_equal(st.objects, 2);
	/* an expired ERROR asks for a relist and does not move the RV */
	static const char gone[] = "{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\",\"code\":410,"
				   "\"reason\":\"Expired\",\"message\":\"too old\"}}\n";
	assert_int_equal(k8s_informer_feed(inf, gone, strlen(gone)), 1);
	k8s_informer_stats(inf, &st);
	assert_string_equal(st.rv, "21");
	k8s_informer_free(inf);
	k8s_client_free(c);
	free(m);
}

static void test_relist_delivers_difference(void **state)
{
	struct k8s_client *c = offline_client();
	struct k8s_informer *inf;
	struct k8s_informer_opts o = {.path = "/api/v1/pods"};
	struct mirror *m = calloc(1, sizeof(*m));
	char err[256];
	(void)state;
	assert_int_equal(k8s_informer_new(&inf, c, &o, &mirror_ops, m, err, sizeof(err)), 0);
	cJSON *first = cJSON_Parse(
	    "[{\"metadata\":{\"name\":\"a\",\"namespace\":\"ns\",\"uid\":\"1\",\"resourceVersion\":\"5\"}},"
	    "{\"metadata\":{\"name\":\"b\",\"namespace\":\"ns\",\"uid\":\"2\",\"resourceVersion\":\"6\"}},"
	    "{\"metadata\":{\"name\":\"c\",\"namespace\":\"ns\",\"uid\":\"3\",\"resourceVersion\":\"7\"}}]");
	assert_int_equal(k8s_informer_replace(inf, first, "7"), 0);
	assert_int_equal(m->adds, 3);
	/* b unchanged, a modified, c gone, d new */
	cJSON *second = cJSON_Parse(
	    "[{\"metadata\":{\"name\":\"a\",\"namespace\":\"ns\",\"uid\":\"1\",\"resourceVersion\":\"9\"}},"
	    "{\"metadata\":{\"name\":\"b\",\"namespace\":\"ns\",\"uid\":\"2\",\"resourceVersion\":\"6\"}},"
	    "{\"metadata\":{\"name\":\"d\",\"namespace\":\"ns\",\"uid\":\"4\",\"resourceVersion\":\"8\"}}]");
	m->order[0] = '\0';
	assert_int_equal(k8s_informer_replace(inf, second, "10"), 0);
	assert_string_equal(m->order, "~ns/a +ns/d -ns/c");
	assert_int_equal(m->unknown_deletes, 1);
	assert_int_equal(m->n, 3);
	struct k8s_informer_stats st;
	k8s_informer_stats(inf, &st);
	assert_string_equal(st.rv, "10");
	assert_int_equal(st.relists, 1);
	cJSON_Delete(first);
	cJSON_Delete(second);
	k8s_informer_free(inf);
	k8s_client_free(c);
	free(m);
}

/* ---- against the stand-in ---- */

static struct standin srv;

static int setup_server(void **state)
{
	(void)state;
	return standin_start(&srv, "1", NULL);
}

static int teardown_server(void **state)
{
	(void)state;
	standin_stop(&srv);
	return 0;
}

static struct k8s_client *token_client(void)
{
	struct k8s_config *cfg;
	struct k8s_client *c;
	char err[512], tok[300];
	standin_path(&srv, "token", tok, sizeof(tok));
	assert_int_equal(k8s_config_flags(&cfg, srv.url, tok, err, sizeof(err)), 0);
	assert_non_null(cfg->ca_pem); /* ca.crt beside the token */
	assert_int_equal(k8s_client_new(&c, cfg, 10, err, sizeof(err)), 0);
	k8s_config_free(cfg);
	return c;
}

static void put_pod(const char *ns, const char *name, const char *node, const char *label)
{
	char body[1024];
	snprintf(body, sizeof(body),
		 "{\"object\":{\"kind\":\"Pod\",\"metadata\":{\"name\":\"%s\",\"namespace\":\"%s\","
		 "\"labels\":{\"v\":\"%s\"}},\"spec\":{\"nodeName\":\"%s\"}}}",
		 name, ns, label, node);
	assert_int_equal(standin_control(&srv, "apply", body, NULL), 200);
}

static void del_pod(const char *ns, const char *name)
{
	char body[256];
	snprintf(body, sizeof(body), "{\"kind\":\"Pod\",\"namespace\":\"%s\",\"name\":\"%s\"}", ns,
		 name);
	assert_int_equal(standin_control(&srv, "delete", body, NULL), 200);
}

/* The server's pods on node (key and rv) match the mirror exactly. */
static int matches_server(void *ctx)
{
	struct mirror *m = ctx;
	static struct standin_buf b;
	cJSON *st, *it;
	int n = 0, ok = 1;
	if (standin_control(&srv, "state?kind=Pod", NULL, &b) != 200)
		return 0;
	st = cJSON_Parse(b.data);
	cJSON_ArrayForEach(it, cJSON_GetObjectItem(st, "items"))
	{
		char key[128], rv[32];
		const cJSON *spec = cJSON_GetObjectItem(it, "spec");
		if (strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(spec, "nodeName")), "n1") != 0)
			continue;
		rec_key(it, key, sizeof(key), rv, sizeof(rv));
		int i = mirror_find(m, key);
		if (i < 0 || strcmp(m->rv[i], rv) != 0)
			ok = 0;
		n++;
	}
	cJSON_Delete(st);
	return ok && n == m->n;
}

static void collect_log(void *ctx, enum k8s_log_level lvl, const char *msg)
{
	(void)ctx;
	(void)lvl;
	if (getenv("K8S_TEST_VERBOSE"))
		fprintf(stderr, "informer: %s\n", msg);
}

static struct k8s_informer *start_node_informer(struct k8s_client *c, struct mirror *m)
{
	struct k8s_informer *inf;
	struct k8s_informer_ops ops = mirror_ops;
	struct k8s_informer_opts o = {
	    .path = "/api/v1/pods",
	    .field_selector = "spec.nodeName=n1",
	    .page_size = 2,
	    .timeout_min_s = 30,
	    .idle_timeout_s = 2,
	    .backoff_initial_ms = 50,
	    .backoff_max_ms = 400,
	};
	char err[256];
	ops.log = collect_log;
	assert_int_equal(k8s_informer_new(&inf, c, &o, &ops, m, err, sizeof(err)), 0);
	assert_int_equal(k8s_informer_start(inf), 0);
	assert_true(k8s_informer_wait_synced(inf, 10000));
	return inf;
}

static void test_changes_arrive_in_order(void **state)
{
	struct mirror *m = calloc(1, sizeof(*m));
	struct k8s_client *c = token_client();
	struct k8s_informer *inf;
	struct k8s_informer_stats st;
	(void)state;
	put_pod("a", "p1", "n1", "1");
	put_pod("a", "p2", "n1", "1");
	put_pod("b", "p3", "n1", "1");
	put_pod("b", "other", "n2", "1");
	inf = start_node_informer(c, m);
	assert_int_equal(m->n, 3); /* n2's pod is not listed */
	m->order[0] = '\0';
	put_pod("a", "p4", "n1", "1");
	put_pod("a", "p1", "n1", "2");
	del_pod("a", "p2");
	put_pod("b", "other", "n1", "2"); /* bound to n1 after creation: ADDED */
	put_pod("b", "p3", "n2", "2");    /* moved away: DELETED */
	assert_true(wait_for(matches_server, m, 5000));
	assert_string_equal(m->order, "+a/p4 ~a/p1 -a/p2 +b/other -b/p3");
	assert_int_equal(m->dup_adds + m->bad_updates + m->bad_deletes, 0);
	k8s_informer_stats(inf, &st);
	assert_true(st.lists >= 1);
	assert_int_equal(st.relists, 0);
	/* bookmarks arrive every second and are tracked */
	sleep(2);
	k8s_informer_stats(inf, &st);
	assert_true(st.bookmarks >= 1);
	k8s_informer_free(inf);
	k8s_client_free(c);
	free(m);
}

static void test_converges_after_faults(void **state)
{
	struct mirror *m = calloc(1, sizeof(*m));
	struct k8s_client *c = token_client();
	struct k8s_informer *inf;
	struct k8s_informer_stats st;
	char name[32];
	(void)state;
	inf = start_node_informer(c, m);
	assert_true(wait_for(matches_server, m, 5000));

	/* a stream cut mid-line: the partial event is dropped, then re-watched */
	assert_int_equal(standin_control(&srv, "fault", "{\"cut\": 1}", NULL), 200);
	assert_int_equal(standin_control(&srv, "fault", "{\"drop\": true}", NULL), 200);
	for (int i = 0; i < 4; i++) {
		snprintf(name, sizeof(name), "cut%d", i);
		put_pod("c", name, "n1", "1");
	}
	assert_true(wait_for(matches_server, m, 5000));

	/* 500s on the next requests: backoff, then recovery */
	assert_int_equal(standin_control(&srv, "fault", "{\"fail\": 3, \"code\": 500}", NULL), 200);
	assert_int_equal(standin_control(&srv, "fault", "{\"drop\": true}", NULL), 200);
	put_pod("c", "after500", "n1", "1");
	assert_true(wait_for(matches_server, m, 8000));

	/* a stall: silent stream, dead-connection detection, changes made meanwhile */
	assert_int_equal(standin_control(&srv, "fault", "{\"stall\": 3}", NULL), 200);
	usleep(200000);
	put_pod("c", "stalled", "n1", "1");
	del_pod("c", "cut0");
	assert_true(wait_for(matches_server, m, 10000));
	k8s_informer_stats(inf, &st);
	assert_true(st.errors >= 2);

	/* 410 in the stream: history expired while disconnected -> relist with deletes */
	uint64_t relists = st.relists;
	assert_int_equal(standin_control(&srv, "fault", "{\"stall\": 3}", NULL), 200);
	usleep(200000);
	del_pod("c", "cut1");
	put_pod("c", "cut2", "n1", "9");
	put_pod("c", "gap", "n1", "1");
	assert_int_equal(standin_control(&srv, "fault", "{\"expire\": true}", NULL), 200);
	assert_true(wait_for(matches_server, m, 10000));
	k8s_informer_stats(inf, &st);
	assert_true(st.relists > relists);
	assert_true(st.expired >= 1);
	assert_true(m->unknown_deletes >= 1);

	/* 410 as HTTP status on the watch request */
	relists = st.relists;
	assert_int_equal(standin_control(&srv, "fault", "{\"http410\": true, \"stall\": 3}", NULL),
			 200);
	usleep(200000);
	del_pod("c", "cut3");
	assert_int_equal(standin_control(&srv, "fault", "{\"expire\": true}", NULL), 200);
	assert_true(wait_for(matches_server, m, 10000));
	k8s_informer_stats(inf, &st);
	assert_true(st.relists > relists);
	assert_int_equal(standin_control(&srv, "fault", "{\"http410\": false}", NULL), 200);

	assert_int_equal(m->dup_adds + m->bad_updates + m->bad_deletes, 0);
	k8s_informer_free(inf);
	k8s_client_free(c);
	free(m);
}

static int item_count(void *ctx, cJSON *item)
{
	(void)item;
	int *n = ctx;
	if (++*n == 1) {
		/* after the first page: a change, then the history is compacted */
		put_pod("x", "late", "n9", "1");
		assert_int_equal(standin_control(&srv, "fault", "{\"expire\": true}", NULL), 200);
	}
	return 0;
}

static void restart_count(void *ctx)
{
	*(int *)ctx = -1000;
}

static void test_list_restarts_on_expired_continue(void **state)
{
	struct k8s_client *c = token_client();
	struct k8s_list_opts lo = {.limit = 1, .field_selector = "spec.nodeName=n9"};
	char rv[32], err[256];
	int n = 0;
	(void)state;
	put_pod("x", "e1", "n9", "1");
	put_pod("x", "e2", "n9", "1");
	assert_int_equal(k8s_list(c, "/api/v1/pods", &lo, item_count, restart_count, &n, rv,
				  sizeof(rv), err, sizeof(err)),
			 0);
	/* restarted once (n reset), then all three pods listed from the first page on */
	assert_int_equal(n, -1000 + 3);
	k8s_client_free(c);
}

static uint64_t mono_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000u + (uint64_t)t.tv_nsec / 1000000u;
}

/*
 * Start an informer whose first list is answered code with Retry-After ra
 * (backoff 10 ms, at most cap_ms); the milliseconds until it synced.
 */
static uint64_t ms_to_sync_after(const char *code, const char *ra, unsigned cap_ms)
{
	struct mirror *m = calloc(1, sizeof(*m));
	struct k8s_client *c = token_client();
	struct k8s_informer *inf;
	struct k8s_informer_stats st;
	struct k8s_informer_opts o = {
	    .path = "/api/v1/pods",
	    .field_selector = "spec.nodeName=n7",
	    .timeout_min_s = 30,
	    .backoff_initial_ms = 10,
	    .backoff_max_ms = cap_ms,
	};
	struct k8s_informer_ops ops = mirror_ops;
	char err[256], body[160];
	uint64_t t0, took;

	ops.log = collect_log;
	snprintf(body, sizeof(body), "{\"fail\": 1, \"code\": %s, \"retry_after\": \"%s\"}", code,
		 ra);
	assert_int_equal(standin_control(&srv, "fault", body, NULL), 200);
	assert_int_equal(k8s_informer_new(&inf, c, &o, &ops, m, err, sizeof(err)), 0);
	t0 = mono_ms();
	assert_int_equal(k8s_informer_start(inf), 0);
	assert_true(k8s_informer_wait_synced(inf, 10000));
	took = mono_ms() - t0;
	k8s_informer_stats(inf, &st);
	assert_int_equal(st.lists, 1);
	assert_true(st.errors >= 1); /* the refused list */
	assert_non_null(strstr(st.last_error, code));
	k8s_informer_free(inf);
	k8s_client_free(c);
	free(m);
	return took;
}

static void test_list_honours_retry_after(void **state)
{
	char date[64];
	time_t t;
	struct tm tm;
	(void)state;
	/* 10 ms of backoff alone would retry at once: the wait is the server's */
	assert_true(ms_to_sync_after("429", "1", 5000) >= 950);
	assert_true(ms_to_sync_after("503", "1", 5000) >= 950);
	/* the HTTP-date form: two seconds ahead is at least one whole second away */
	t = time(NULL) + 2;
	gmtime_r(&t, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", &tm);
	assert_true(ms_to_sync_after("429", date, 5000) >= 950);
	/* a Retry-After beyond the backoff cap waits the cap, not 30 s */
	assert_true(ms_to_sync_after("503", "30", 300) < 10000);
}

int main(void)
{
	const struct CMUnitTest offline[] = {
	    cmocka_unit_test(test_events_update_cache),
	    cmocka_unit_test(test_relist_delivers_difference),
	};
	const struct CMUnitTest live[] = {
	    cmocka_unit_test(test_changes_arrive_in_order),
	    cmocka_unit_test(test_converges_after_faults),
	    cmocka_unit_test(test_list_restarts_on_expired_continue),
	    cmocka_unit_test(test_list_honours_retry_after),
	};
	int rc = cmocka_run_group_tests_name("offline", offline, NULL, NULL);
	return rc + cmocka_run_group_tests_name("stand-in", live, setup_server, teardown_server);
}
