/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Exec credential plugins: the command runs directly (fork + execvp, no
 * shell) with the kubeconfig's env entries and KUBERNETES_EXEC_INFO added to
 * its own environment (the parent's environment is never modified); its
 * stdout is an ExecCredential.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "k8s_priv.h"

extern char **environ;

#define EXEC_ENV_MAX 1024u /* inherited environment entries passed on */

static char *exec_info(const struct k8s_exec *x, const char *server)
{
	const char *api = x->api_version ? x->api_version : "client.authentication.k8s.io/v1";
	cJSON *o = cJSON_CreateObject(), *spec;
	char *s;

	if (!o)
		return NULL;
	cJSON_AddStringToObject(o, "apiVersion", api);
	cJSON_AddStringToObject(o, "kind", "ExecCredential");
	spec = cJSON_AddObjectToObject(o, "spec");
	cJSON_AddBoolToObject(spec, "interactive", 0);
	if (x->provide_cluster_info) {
		cJSON *cl = cJSON_AddObjectToObject(spec, "cluster");
		cJSON_AddStringToObject(cl, "server", server);
	}
	s = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return s;
}

/* RFC 3339 "2024-05-01T12:00:00Z" to epoch seconds; 0 when unparsable. */
static int64_t parse_rfc3339(const char *s)
{
	struct tm tm;
	memset(&tm, 0, sizeof(tm));
	if (!s || !strptime(s, "%Y-%m-%dT%H:%M:%S", &tm))
		return 0;
	return (int64_t)timegm(&tm);
}

static int parse_credential(const char *out, char **token, char **cert, char **key,
			    int64_t *expiry, char *err, size_t errlen)
{
	cJSON *o = cJSON_Parse(out), *st;
	const cJSON *v;
	int rc = 0;

	st = cJSON_GetObjectItemCaseSensitive(o, "status");
	if (!cJSON_IsObject(st)) {
		K8S_SET_ERR(err, errlen, "exec plugin: output is not an ExecCredential with a status");
		rc = -EINVAL;
		goto out;
	}
	if (cJSON_IsString(v = cJSON_GetObjectItemCaseSensitive(st, "token")))
		*token = strdup(v->valuestring);
	if (cJSON_IsString(v = cJSON_GetObjectItemCaseSensitive(st, "clientCertificateData")))
		*cert = strdup(v->valuestring);
	if (cJSON_IsString(v = cJSON_GetObjectItemCaseSensitive(st, "clientKeyData")))
		*key = strdup(v->valuestring);
	v = cJSON_GetObjectItemCaseSensitive(st, "expirationTimestamp");
	*expiry = cJSON_IsString(v) ? parse_rfc3339(v->valuestring) : 0;
	if (!*token && !(*cert && *key)) {
		K8S_SET_ERR(err, errlen, "exec plugin: ExecCredential has neither a token nor a "
					 "client certificate and key");
		rc = -EINVAL;
	}
out:
	cJSON_Delete(o);
	return rc;
}

/* Read fd until EOF, the cap, or the deadline. */
static int read_all(int fd, char *buf, size_t cap, size_t *n, time_t deadline)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	*n = 0;
	for (;;) {
		time_t now = time(NULL);
		if (now >= deadline)
			return -ETIMEDOUT;
		int r = poll(&p, 1, (int)(deadline - now) * 1000);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return r == 0 ? -ETIMEDOUT : -errno;
		ssize_t got = read(fd, buf + *n, cap - *n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return -errno;
		if (got == 0)
			return 0;
		*n += (size_t)got;
		if (*n >= cap)
			return -EFBIG;
	}
}

static char **build_env(const struct k8s_exec *x, char *info_entry)
{
	size_t n = 0, k = 0;
	char **env;
	while (environ && environ[n] && n < EXEC_ENV_MAX)
		n++;
	env = calloc(n + x->nenv + 2, sizeof(*env));
	if (!env)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (strncmp(environ[i], "KUBERNETES_EXEC_INFO=", 21) != 0)
			env[k++] = environ[i];
	for (unsigned i = 0; i < x->nenv; i++)
		env[k++] = x->env[i];
	env[k++] = info_entry;
	return env;
}

int k8s_exec_run(const struct k8s_exec *x, const char *server, char **token, char **cert,
		 char **key, int64_t *expiry, char *err, size_t errlen)
{
	char *info = exec_info(x, server), *entry = NULL, *out = NULL, **env = NULL;
	int pfd[2] = {-1, -1}, status = 0, rc = 0;
	size_t n = 0;
	pid_t pid;

	*token = *cert = *key = NULL;
	if (!info || asprintf(&entry, "KUBERNETES_EXEC_INFO=%s", info) < 0) {
		entry = NULL;
		rc = -ENOMEM;
		goto out;
	}
	env = build_env(x, entry);
	out = malloc(K8S_EXEC_OUTPUT_MAX + 1);
	if (!env || !out || pipe2(pfd, O_CLOEXEC) != 0) {
		rc = -ENOMEM;
		goto out;
	}
	pid = fork();
	if (pid < 0) {
		rc = -errno;
		K8S_SET_ERR(err, errlen, "exec plugin %s: fork: %s", x->command, strerror(errno));
		goto out;
	}
	if (pid == 0) {
		dup2(pfd[1], STDOUT_FILENO);
		execvpe(x->command, x->args, env);
		_exit(127);
	}
	close(pfd[1]);
	pfd[1] = -1;
	rc = read_all(pfd[0], out, K8S_EXEC_OUTPUT_MAX, &n, time(NULL) + K8S_EXEC_TIMEOUT_S);
	if (rc)
		kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	out[n] = '\0';
	if (rc) {
		K8S_SET_ERR(err, errlen, "exec plugin %s: %s", x->command,
			    rc == -ETIMEDOUT ? "timed out" : "output too large or unreadable");
		goto out;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		K8S_SET_ERR(err, errlen, "exec plugin %s: exited with status %d%s", x->command,
			    WIFEXITED(status) ? WEXITSTATUS(status) : -1,
			    WIFEXITED(status) && WEXITSTATUS(status) == 127 ? " (not found?)" : "");
		rc = -EACCES;
		goto out;
	}
	rc = parse_credential(out, token, cert, key, expiry, err, errlen);
out:
	if (pfd[0] >= 0)
		close(pfd[0]);
	if (pfd[1] >= 0)
		close(pfd[1]);
	free(env);
	free(entry);
	free(info);
	free(out);
	return rc;
}
