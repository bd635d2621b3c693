/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Plugin event sources through the host: k8saudit reading a JSONL file
 * (Events, an EventList, lines that are not audit events), the libscap
 * fix-ups on every event (plugin id, tid, ts from stageTimestamp), the end of
 * the source, metrics; cloudtrail reading a directory with a .json.gz file
 * and reporting progress; refusals (bad open params, no sourcing).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../plugins/plugin_test_util.h"

static char dir[] = "/tmp/sk-capture-XXXXXX";

static void write_file(const char *name, const char *text)
{
	char p[512];
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

struct got {
	unsigned n;
	uint64_t ts[8];
	uint32_t id[8];
	uint64_t tid[8];
	int end;
	char err[1024];
};

static void drain(struct sk_plugin_capture *c, struct got *g)
{
	memset(g, 0, sizeof(*g));
	for (int spins = 0; spins < 10000; spins++) {
		const uint8_t *e;
		uint32_t len;
		int rc = sk_plugin_capture_next(c, &e, &len, g->err, sizeof(g->err));
		if (rc == -EAGAIN)
			continue;
		if (rc != 1) {
			g->end = rc;
			return;
		}
		if (g->n < 8) {
			uint16_t type;
			memcpy(&type, e + 20, 2);
			assert_int_equal(type, 322);
			memcpy(&g->ts[g->n], e, 8);
			memcpy(&g->tid[g->n], e + 8, 8);
			memcpy(&g->id[g->n], e + 34, 4);
		}
		g->n++;
	}
	g->end = -ETIMEDOUT;
}

static uint64_t metric_value;
static const char *metric_want;
static void on_metric(void *ctx, const char *name, bool mono, double v)
{
	if (!strcmp(name, metric_want))
		metric_value = (uint64_t)v;
}

static void test_k8saudit_file(void **state)
{
	write_file("a.jsonl",
		   "{\"kind\":\"Event\",\"auditID\":\"1\",\"stageTimestamp\":\"2026-03-01T10:00:00.25Z\"}\n"
		   "{\"kind\":\"EventList\",\"items\":[{\"auditID\":\"2\",\"stageTimestamp\":"
		   "\"2026-03-01T10:00:01Z\"},{\"auditID\":\"3\",\"stageTimestamp\":"
		   "\"2026-03-01T11:00:01+01:00\"},{\"auditID\":\"no time\"}]}\n"
		   "{broken\n"
		   "{\"kind\":\"Pod\"}\n");
	struct ptest t;
	assert_int_equal(pt_init(&t), 0);
	char path[512];
	snprintf(path, sizeof(path), "%s/a.jsonl", dir);
	assert_int_equal(pt_load(&t, "k8saudit", NULL, path), 0);
	struct sk_plugin *p = sk_plugin_host_find(t.h, "k8saudit");
	struct sk_plugin_capture *c;
	char err[1024];
	assert_int_equal(sk_plugin_capture_open(p, path, &c, err, sizeof(err)), 0);
	struct got g;
	drain(c, &g);
	assert_int_equal(g.end, 0);
	assert_int_equal(g.n, 3);
	for (unsigned i = 0; i < 3; i++) {
		assert_int_equal(g.id[i], 1);	      /* the host's fix-up: its plugin id */
		assert_true(g.tid[i] == UINT64_MAX); /* no thread */
	}
	assert_true(g.ts[0] == 1772359200250000000ull);
	assert_true(g.ts[1] == 1772359201000000000ull);
	assert_true(g.ts[2] == 1772359201000000000ull); /* the offset is applied */
	metric_want = "k8saudit.parse_errors";
	assert_true(sk_plugin_metrics(p, on_metric, NULL) >= 6);
	assert_int_equal(metric_value, 2); /* the broken line and the Pod */
	metric_want = "k8saudit.events_dropped";
	sk_plugin_metrics(p, on_metric, NULL);
	assert_int_equal(metric_value, 1); /* the item without stageTimestamp */
	struct sk_plugin_stats st;
	sk_plugin_get_stats(p, &st);
	assert_int_equal(st.events, 3);
	sk_plugin_capture_close(c);

	assert_int_equal(sk_plugin_capture_open(p, "ftp://x", &c, err, sizeof(err)), -EIO);
	assert_non_null(strstr(err, "plugin 'k8saudit': cannot open 'ftp://x': unsupported open params"));
	assert_int_equal(sk_plugin_capture_open(p, "/nonexistent/x", &c, err, sizeof(err)), -EIO);
	assert_non_null(strstr(err, "No such file or directory"));
	pt_fini(&t);
}

static void test_cloudtrail_dir(void **state)
{
	char sub[512], cmd[1024];
	snprintf(sub, sizeof(sub), "%s/ct/x", dir);
	snprintf(cmd, sizeof(cmd), "mkdir -p %s", sub);
	assert_int_equal(system(cmd), 0);
	write_file("ct/a.json",
		   "{\"Records\":[{\"eventTime\":\"2026-03-01T12:00:00Z\",\"eventType\":\"AwsApiCall\","
		   "\"note\":\"braces } { in \\\" strings\"},{\"eventTime\":\"bad\",\"eventType\":\"x\"},"
		   "{\"eventTime\":\"2026-03-01T12:00:02Z\",\"eventType\":\"AwsCloudTrailInsight\"},"
		   "{\"eventTime\":\"2026-03-01T12:00:03Z\",\"eventType\":\"AwsApiCall\",\"n\":{\"d\":1}}]}");
	write_file("ct/x/b.json", "{\"Records\":[{\"eventTime\":\"2026-03-01T12:00:04Z\","
				  "\"eventType\":\"AwsConsoleSignIn\"}]}");
	snprintf(cmd, sizeof(cmd), "gzip -k %s/ct/x/b.json && mv %s/ct/x/b.json %s/ct/x/b.txt", dir,
		 dir, dir);
	assert_int_equal(system(cmd), 0);
	struct ptest t;
	assert_int_equal(pt_init(&t), 0);
	assert_int_equal(pt_load(&t, "cloudtrail", NULL, NULL), 0);
	struct sk_plugin *p = sk_plugin_host_find(t.h, "cloudtrail");
	struct sk_plugin_capture *c;
	char err[1024], path[512];
	snprintf(path, sizeof(path), "%s/ct", dir);
	assert_int_equal(sk_plugin_capture_open(p, path, &c, err, sizeof(err)), 0);
	struct got g;
	drain(c, &g);
	assert_int_equal(g.end, 0);
	assert_int_equal(g.n, 3); /* bad time and Insight skipped; the .gz read; .txt ignored */
	assert_true(g.ts[0] == 1772366400000000000ull);
	assert_true(g.ts[1] == 1772366403000000000ull);
	assert_true(g.ts[2] == 1772366404000000000ull);
	assert_int_equal(g.id[2], 2);
	uint32_t pct = 0;
	assert_true(sk_plugin_capture_progress(c, &pct));
	assert_int_equal(pct, 10000);
	sk_plugin_capture_close(c);
	snprintf(path, sizeof(path), "%s/ct/x/b.txt", dir);
	assert_int_equal(sk_plugin_capture_open(p, "", &c, err, sizeof(err)), -EIO);
	assert_non_null(strstr(err, "no open params"));
	pt_fini(&t);
}

static void test_no_sourcing(void **state)
{
	struct ptest t;
	assert_int_equal(pt_init(&t), 0);
	assert_int_equal(pt_load(&t, "json", NULL, NULL), 0);
	struct sk_plugin_capture *c;
	char err[256];
	assert_int_equal(sk_plugin_capture_open(sk_plugin_host_find(t.h, "json"), "", &c, err,
						sizeof(err)),
			 -ENOTSUP);
	assert_non_null(strstr(err, "plugin 'json' has no event source"));
	pt_fini(&t);
}

static int setup(void **state)
{
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[600];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_k8saudit_file),
		cmocka_unit_test(test_cloudtrail_dir),
		cmocka_unit_test(test_no_sourcing),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
