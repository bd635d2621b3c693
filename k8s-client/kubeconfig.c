/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kubeconfig files: YAML read with libyaml into a cJSON tree (mappings,
 * sequences, scalars as strings), merged across $KUBECONFIG's files (the
 * first definition of a name wins), then current-context -> cluster + user.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <yaml.h>

#include "k8s_priv.h"

#define KC_DEPTH_MAX 64u /* nesting of a kubeconfig document */

static cJSON *node_to_json(yaml_document_t *doc, yaml_node_t *n, unsigned depth)
{
	cJSON *j = NULL;

	if (!n || depth > KC_DEPTH_MAX)
		return NULL;
	switch (n->type) {
	case YAML_SCALAR_NODE:
		return cJSON_CreateString((const char *)n->data.scalar.value);
	case YAML_SEQUENCE_NODE:
		j = cJSON_CreateArray();
		for (yaml_node_item_t *it = n->data.sequence.items.start;
		     j && it < n->data.sequence.items.top; it++) {
			cJSON *v = node_to_json(doc, yaml_document_get_node(doc, *it), depth + 1);
			if (!v) {
				cJSON_Delete(j);
				return NULL;
			}
			cJSON_AddItemToArray(j, v);
		}
		return j;
	case YAML_MAPPING_NODE:
		j = cJSON_CreateObject();
		for (yaml_node_pair_t *p = n->data.mapping.pairs.start;
		     j && p < n->data.mapping.pairs.top; p++) {
			yaml_node_t *k = yaml_document_get_node(doc, p->key);
			cJSON *v;
			if (!k || k->type != YAML_SCALAR_NODE)
				continue;
			v = node_to_json(doc, yaml_document_get_node(doc, p->value), depth + 1);
			if (!v) {
				cJSON_Delete(j);
				return NULL;
			}
			cJSON_AddItemToObject(j, (const char *)k->data.scalar.value, v);
		}
		return j;
	default:
		return cJSON_CreateNull();
	}
}

/* Parse YAML text (also JSON) into a tree. */
static int yaml_parse_json(const char *text, size_t len, const char *file, cJSON **out,
			   char *err, size_t errlen)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	int rc = 0;

	if (!yaml_parser_initialize(&parser))
		return -ENOMEM;
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (!yaml_parser_load(&parser, &doc)) {
		K8S_SET_ERR(err, errlen, "%s:%zu:%zu: %s", file, parser.problem_mark.line + 1,
			    parser.problem_mark.column + 1,
			    parser.problem ? parser.problem : "invalid YAML");
		yaml_parser_delete(&parser);
		return -EINVAL;
	}
	*out = node_to_json(&doc, yaml_document_get_root_node(&doc), 0);
	if (!*out || !cJSON_IsObject(*out)) {
		K8S_SET_ERR(err, errlen, "%s: not a kubeconfig (expected a mapping)", file);
		cJSON_Delete(*out);
		*out = NULL;
		rc = -EINVAL;
	}
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	return rc;
}

static const char *jstr(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static bool jtrue(const cJSON *o, const char *key)
{
	const char *s = jstr(o, key);
	return s && (strcmp(s, "true") == 0 || strcmp(s, "True") == 0);
}

/* The entry named name in list key ("clusters") of any file; its inner object (key "cluster"). */
static const cJSON *find_named(cJSON *const *files, unsigned n, const char *list,
			       const char *inner, const char *name, unsigned *which)
{
	for (unsigned f = 0; f < n; f++) {
		const cJSON *arr = cJSON_GetObjectItemCaseSensitive(files[f], list);
		const cJSON *e;
		cJSON_ArrayForEach(e, arr)
		{
			const char *nm = jstr(e, "name");
			if (nm && strcmp(nm, name) == 0) {
				*which = f;
				return cJSON_GetObjectItemCaseSensitive(e, inner);
			}
		}
	}
	return NULL;
}

/* path relative to the directory of file. */
static void resolve(char *buf, size_t cap, const char *file, const char *path)
{
	const char *slash = strrchr(file, '/');
	if (path[0] == '/' || !slash)
		snprintf(buf, cap, "%s", path);
	else
		snprintf(buf, cap, "%.*s/%s", (int)(slash - file), file, path);
}

/* Field key (a file) or key-data (base64) of o into *pem. */
static int load_pem(const cJSON *o, const char *key, const char *file, char **pem, size_t *len,
		    char *err, size_t errlen)
{
	char name[128], path[PATH_MAX];
	const char *data, *p;
	int rc;

	snprintf(name, sizeof(name), "%s-data", key);
	data = jstr(o, name);
	if (data) {
		if (strlen(data) > K8S_PEM_MAX * 2) {
			K8S_SET_ERR(err, errlen, "%s: %s larger than %u bytes", file, name,
				    K8S_PEM_MAX);
			return -EFBIG;
		}
		rc = k8s_base64_decode(data, strlen(data), pem, len);
		if (rc)
			K8S_SET_ERR(err, errlen, "%s: %s is not base64", file, name);
		return rc;
	}
	p = jstr(o, key);
	if (!p)
		return 0;
	resolve(path, sizeof(path), file, p);
	return k8s_read_file(path, K8S_PEM_MAX, pem, len, err, errlen);
}

static int load_exec(struct k8s_config *c, const cJSON *x, const char *file, char *err,
		     size_t errlen)
{
	const char *cmd = jstr(x, "command");
	const cJSON *e;
	struct k8s_exec *ex;

	if (!cmd || !*cmd) {
		K8S_SET_ERR(err, errlen, "%s: user.exec without a command", file);
		return -EINVAL;
	}
	ex = calloc(1, sizeof(*ex));
	if (!ex)
		return -ENOMEM;
	c->exec = ex;
	/* A command with a '/' but not absolute is relative to the kubeconfig. */
	if (strchr(cmd, '/') && cmd[0] != '/') {
		char path[PATH_MAX];
		resolve(path, sizeof(path), file, cmd);
		ex->args[ex->nargs++] = strdup(path);
	} else {
		ex->args[ex->nargs++] = strdup(cmd);
	}
	cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(x, "args"))
	{
		if (!cJSON_IsString(e) || ex->nargs >= K8S_EXEC_ARGS_MAX)
			continue;
		ex->args[ex->nargs++] = strdup(e->valuestring);
	}
	cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(x, "env"))
	{
		const char *k = jstr(e, "name"), *v = jstr(e, "value");
		size_t n;
		if (!k || !v || ex->nenv >= K8S_EXEC_ARGS_MAX)
			continue;
		n = strlen(k) + strlen(v) + 2;
		ex->env[ex->nenv] = malloc(n);
		if (ex->env[ex->nenv])
			snprintf(ex->env[ex->nenv++], n, "%s=%s", k, v);
	}
	ex->command = ex->args[0];
	ex->api_version = k8s_strdup(jstr(x, "apiVersion"));
	ex->provide_cluster_info = cJSON_IsTrue(cJSON_GetObjectItem(x, "provideClusterInfo")) ||
				   jtrue(x, "provideClusterInfo");
	for (unsigned i = 0; i < ex->nargs; i++)
		if (!ex->args[i])
			return -ENOMEM;
	return 0;
}

static int load_user(struct k8s_config *c, const cJSON *u, const char *file, char *err,
		     size_t errlen)
{
	char path[PATH_MAX];
	const cJSON *x;
	int rc;

	if (!u)
		return 0;
	rc = load_pem(u, "client-certificate", file, &c->cert_pem, &c->cert_len, err, errlen);
	if (!rc)
		rc = load_pem(u, "client-key", file, &c->key_pem, &c->key_len, err, errlen);
	if (rc)
		return rc;
	if (jstr(u, "token") && !(c->token = strdup(jstr(u, "token"))))
		return -ENOMEM;
	if (jstr(u, "tokenFile")) {
		resolve(path, sizeof(path), file, jstr(u, "tokenFile"));
		if (!(c->token_file = strdup(path)))
			return -ENOMEM;
	}
	x = cJSON_GetObjectItemCaseSensitive(u, "exec");
	if (cJSON_IsObject(x))
		return load_exec(c, x, file, err, errlen);
	return 0;
}

/* tls-server-name: a DNS name (or address) to verify instead of the server's host. */
static int load_server_name(struct k8s_config *c, const char *name, const char *file, char *err,
			    size_t errlen)
{
	if (!name || !*name)
		return 0;
	if (strlen(name) > K8S_HOST_MAX || strpbrk(name, "/@?#[] \t\r\n") ||
	    strchr(name, ':')) {
		K8S_SET_ERR(err, errlen, "%s: cluster tls-server-name '%.64s' is not a host name",
			    file, name);
		return -EINVAL;
	}
	c->tls_server_name = strdup(name);
	return c->tls_server_name ? 0 : -ENOMEM;
}

/* proxy-url: the schemes libcurl and Kubernetes clients both know. */
static int load_proxy_url(struct k8s_config *c, const char *url, const char *file, char *err,
			  size_t errlen)
{
	static const char *const schemes[] = {"http://", "https://", "socks5://", "socks5h://"};
	bool known = false;

	if (!url || !*url)
		return 0;
	for (unsigned i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++)
		known |= strncasecmp(url, schemes[i], strlen(schemes[i])) == 0 &&
			 url[strlen(schemes[i])] != '\0';
	if (!known || strlen(url) > K8S_PROXY_URL_MAX || strpbrk(url, " \t\r\n")) {
		K8S_SET_ERR(err, errlen,
			    "%s: cluster proxy-url '%.64s': expected http://, https:// or socks5:// "
			    "and a host",
			    file, url);
		return -EINVAL;
	}
	c->proxy_url = strdup(url);
	return c->proxy_url ? 0 : -ENOMEM;
}

static int load_cluster(struct k8s_config *c, const cJSON *cl, const char *file, char *err,
			size_t errlen)
{
	const char *server = jstr(cl, "server");
	size_t n;
	int rc;

	if (!server || !*server) {
		K8S_SET_ERR(err, errlen, "%s: cluster without a server", file);
		return -EINVAL;
	}
	if (!(c->server = strdup(server)))
		return -ENOMEM;
	n = strlen(c->server);
	while (n > 0 && c->server[n - 1] == '/')
		c->server[--n] = '\0';
	c->insecure = jtrue(cl, "insecure-skip-tls-verify");
	rc = load_server_name(c, jstr(cl, "tls-server-name"), file, err, errlen);
	if (!rc)
		rc = load_proxy_url(c, jstr(cl, "proxy-url"), file, err, errlen);
	if (!rc)
		rc = load_pem(cl, "certificate-authority", file, &c->ca_pem, &c->ca_len, err, errlen);
	return rc;
}

static int resolve_context(cJSON *const *files, char *const *names, unsigned n,
			   const char *context, struct k8s_config *c, char *err, size_t errlen)
{
	const cJSON *ctx, *cl, *u;
	const char *cluster_name, *user_name;
	unsigned fctx = 0, fcl = 0, fu = 0;
	int rc;

	for (unsigned f = 0; !context && f < n; f++)
		context = jstr(files[f], "current-context");
	if (!context || !*context) {
		K8S_SET_ERR(err, errlen, "%s: no current-context", names[0]);
		return -EINVAL;
	}
	ctx = find_named(files, n, "contexts", "context", context, &fctx);
	if (!ctx) {
		K8S_SET_ERR(err, errlen, "%s: context '%s' not found", names[0], context);
		return -EINVAL;
	}
	cluster_name = jstr(ctx, "cluster");
	user_name = jstr(ctx, "user");
	cl = cluster_name ? find_named(files, n, "clusters", "cluster", cluster_name, &fcl) : NULL;
	if (!cl) {
		K8S_SET_ERR(err, errlen, "%s: context '%s': cluster '%s' not found", names[fctx],
			    context, cluster_name ? cluster_name : "");
		return -EINVAL;
	}
	rc = load_cluster(c, cl, names[fcl], err, errlen);
	if (rc)
		return rc;
	u = user_name ? find_named(files, n, "users", "user", user_name, &fu) : NULL;
	if (user_name && !u) {
		K8S_SET_ERR(err, errlen, "%s: context '%s': user '%s' not found", names[fctx],
			    context, user_name);
		return -EINVAL;
	}
	rc = load_user(c, u, names[fu], err, errlen);
	if (rc)
		return rc;
	c->namespace = k8s_strdup(jstr(ctx, "namespace"));
	snprintf(c->origin, sizeof(c->origin), "kubeconfig %s context %s", names[fctx], context);
	return 0;
}

int k8s_config_kubeconfig(struct k8s_config **out, const char *paths, const char *context,
			  char *err, size_t errlen)
{
	cJSON *files[K8S_KUBECONFIG_FILES];
	char *names[K8S_KUBECONFIG_FILES];
	char def[PATH_MAX], *list, *save = NULL;
	unsigned n = 0;
	struct k8s_config *c = NULL;
	int rc = 0;

	if (!paths || !*paths)
		paths = getenv("KUBECONFIG");
	if (!paths || !*paths) {
		const char *home = getenv("HOME");
		snprintf(def, sizeof(def), "%s/.kube/config", home ? home : "");
		paths = def;
	}
	list = strdup(paths);
	if (!list)
		return -ENOMEM;
	for (char *p = strtok_r(list, ":", &save); p && n < K8S_KUBECONFIG_FILES;
	     p = strtok_r(NULL, ":", &save)) {
		char *text;
		size_t len;
		if (access(p, R_OK) != 0)
			continue; /* missing files in $KUBECONFIG are skipped, as kubectl does */
		rc = k8s_read_file(p, K8S_KUBECONFIG_MAX, &text, &len, err, errlen);
		if (rc)
			goto out;
		rc = yaml_parse_json(text, len, p, &files[n], err, errlen);
		free(text);
		if (rc)
			goto out;
		names[n++] = p;
	}
	if (n == 0) {
		K8S_SET_ERR(err, errlen, "no kubeconfig found (%s)", paths);
		rc = -ENOENT;
		goto out;
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		rc = -ENOMEM;
		goto out;
	}
	rc = resolve_context(files, names, n, context, c, err, errlen);
	if (rc) {
		k8s_config_free(c);
		goto out;
	}
	*out = c;
out:
	for (unsigned i = 0; i < n; i++)
		cJSON_Delete(files[i]);
	free(list);
	return rc;
}
