/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Test helper: run the API server stand-in (hack/k8s-apiserver) with a fresh
 * PKI in a temporary directory, and drive its control interface. Tests run
 * from the repository root.
 */
#ifndef TEST_K8S_STANDIN_H
#define TEST_K8S_STANDIN_H

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

struct standin {
	char dir[256];   /* PKI and ports file */
	pid_t pid;
	int api_port, control_port;
	int proxy_port;  /* the CONNECT proxy (standin_start_with "--connect-proxy"), else 0 */
	char url[64];    /* https://127.0.0.1:PORT */
	char token[128];
};

static inline void standin_path(const struct standin *s, const char *name, char *buf, size_t cap)
{
	snprintf(buf, cap, "%s/%s", s->dir, name);
}

#define STANDIN_EXTRA_MAX 4

/*
 * Make the PKI (once per dir) and start the server; bookmark_s and history
 * may be NULL; extra (NULL-terminated, may be NULL) adds options such as
 * "--server-cert", "named" or "--connect-proxy".
 */
static inline int standin_start_with(struct standin *s, const char *bookmark_s,
				     const char *history, const char *const *extra)
{
	char cmd[1024], ports[300];
	FILE *f;

	memset(s, 0, sizeof(*s));
	snprintf(s->dir, sizeof(s->dir), "/tmp/saker-k8s-test-XXXXXX");
	if (!mkdtemp(s->dir))
		return -1;
	snprintf(cmd, sizeof(cmd), "hack/k8s-apiserver/mkcerts.sh %s", s->dir);
	if (system(cmd) != 0)
		return -1;
	standin_path(s, "ports", ports, sizeof(ports));
	s->pid = fork();
	if (s->pid == 0) {
		char pki[300];
		snprintf(pki, sizeof(pki), "%s", s->dir);
		const char *argv[12 + STANDIN_EXTRA_MAX] = {
		    "python3", "hack/k8s-apiserver/apiserver.py", "--pki", pki, "--ports-file", ports,
		    "--bookmark-seconds", bookmark_s ? bookmark_s : "60",
		    "--history", history ? history : "100000"};
		unsigned n = 10;
		for (unsigned i = 0; extra && extra[i] && i < STANDIN_EXTRA_MAX; i++)
			argv[n++] = extra[i];
		argv[n] = NULL;
		execvp("python3", (char *const *)argv);
		_exit(127);
	}
	for (int i = 0; i < 200; i++) {
		f = fopen(ports, "r");
		if (f) {
			int n = fscanf(f, "%d %d %d", &s->api_port, &s->control_port,
				       &s->proxy_port);
			fclose(f);
			if (n >= 2)
				break;
		}
		usleep(50000);
	}
	if (!s->api_port)
		return -1;
	snprintf(s->url, sizeof(s->url), "https://127.0.0.1:%d", s->api_port);
	standin_path(s, "token", cmd, sizeof(cmd));
	f = fopen(cmd, "r");
	if (!f || !fgets(s->token, sizeof(s->token), f)) {
		if (f)
			fclose(f);
		return -1;
	}
	fclose(f);
	return 0;
}

static inline int standin_start(struct standin *s, const char *bookmark_s, const char *history)
{
	return standin_start_with(s, bookmark_s, history, NULL);
}

static inline void standin_stop(struct standin *s)
{
	char cmd[512];
	if (s->pid > 0) {
		kill(s->pid, SIGTERM);
		waitpid(s->pid, NULL, 0);
		s->pid = 0;
	}
	if (s->dir[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", s->dir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", s->dir);
	}
}

struct standin_buf {
	char data[1 << 20];
	size_t len;
};

static inline size_t standin_write(char *p, size_t sz, size_t nm, void *ud)
{
	struct standin_buf *b = ud;
	size_t n = sz * nm;
	if (b->len + n >= sizeof(b->data))
		n = sizeof(b->data) - 1 - b->len;
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return sz * nm;
}

/* POST /control/ACTION with a JSON body (GET when body is NULL); the reply into out (may be NULL). */
static inline long standin_control(struct standin *s, const char *action, const char *body,
			    struct standin_buf *out)
{
	static struct standin_buf scratch;
	char url[256];
	long code = 0;
	CURL *h = curl_easy_init();
	if (!out)
		out = &scratch;
	out->len = 0;
	out->data[0] = '\0';
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/control/%s", s->control_port, action);
	curl_easy_setopt(h, CURLOPT_URL, url);
	if (body)
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, standin_write);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, out);
	if (curl_easy_perform(h) == CURLE_OK)
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_cleanup(h);
	return code;
}

/* Poll cond(ctx) every 20 ms for up to ms milliseconds. */
static inline int wait_for(int (*cond)(void *), void *ctx, unsigned ms)
{
	for (unsigned t = 0; t < ms; t += 20) {
		if (cond(ctx))
			return 1;
		usleep(20000);
	}
	return cond(ctx);
}

#endif
