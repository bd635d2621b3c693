/* SPDX-License-Identifier: Apache-2.0 */
/* Configurations from the service account, from Falco's flags, and helpers. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "k8s_priv.h"

char *k8s_strdup(const char *s)
{
	return s ? strdup(s) : NULL;
}

int k8s_read_file(const char *path, size_t cap, char **out, size_t *len, char *err,
		  size_t errlen)
{
	int rc = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	char *buf = NULL;
	size_t n = 0;

	if (fd < 0) {
		rc = -errno;
		K8S_SET_ERR(err, errlen, "%s: %s", path, strerror(errno));
		return rc;
	}
	buf = malloc(cap + 1);
	if (!buf) {
		rc = -ENOMEM;
		goto close_fd;
	}
	for (;;) {
		ssize_t r = read(fd, buf + n, cap + 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			rc = -errno;
			K8S_SET_ERR(err, errlen, "%s: %s", path, strerror(errno));
			goto free_buf;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n > cap) {
			rc = -EFBIG;
			K8S_SET_ERR(err, errlen, "%s: larger than %zu bytes", path, cap);
			goto free_buf;
		}
	}
	buf[n] = '\0';
	*out = buf;
	if (len)
		*len = n;
	close(fd);
	return 0;
free_buf:
	free(buf);
close_fd:
	close(fd);
	return rc;
}

static int b64val(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+' || c == '-')
		return 62;
	if (c == '/' || c == '_')
		return 63;
	return -1;
}

int k8s_base64_decode(const char *in, size_t inlen, char **out, size_t *outlen)
{
	char *buf = malloc(inlen / 4 * 3 + 4);
	uint32_t acc = 0;
	unsigned bits = 0;
	size_t n = 0;

	if (!buf)
		return -ENOMEM;
	for (size_t i = 0; i < inlen; i++) {
		unsigned char ch = (unsigned char)in[i];
		if (ch == '=' || ch == '\n' || ch == '\r' || ch == ' ' || ch == '\t')
			continue;
		int v = b64val(ch);
		if (v < 0) {
			free(buf);
			return -EINVAL;
		}
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			buf[n++] = (char)((acc >> bits) & 0xff);
		}
	}
	buf[n] = '\0';
	*out = buf;
	*outlen = n;
	return 0;
}

void k8s_config_free(struct k8s_config *c)
{
	if (!c)
		return;
	free(c->server);
	free(c->ca_pem);
	free(c->cert_pem);
	if (c->key_pem) {
		explicit_bzero(c->key_pem, c->key_len);
		free(c->key_pem);
	}
	free(c->key_pass);
	if (c->token) {
		explicit_bzero(c->token, strlen(c->token));
		free(c->token);
	}
	free(c->token_file);
	free(c->tls_server_name);
	free(c->proxy_url);
	free(c->namespace);
	if (c->exec) {
		for (unsigned i = 0; i < c->exec->nargs; i++)
			free(c->exec->args[i]);
		for (unsigned i = 0; i < c->exec->nenv; i++)
			free(c->exec->env[i]);
		free(c->exec->api_version);
		free(c->exec);
	}
	free(c);
}

static char *memdup0(const char *p, size_t n)
{
	char *s;
	if (!p)
		return NULL;
	s = malloc(n + 1);
	if (s) {
		memcpy(s, p, n);
		s[n] = '\0';
	}
	return s;
}

int k8s_config_dup(struct k8s_config **out, const struct k8s_config *c)
{
	struct k8s_config *d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->server = k8s_strdup(c->server);
	d->ca_pem = memdup0(c->ca_pem, c->ca_len);
	d->ca_len = c->ca_len;
	d->cert_pem = memdup0(c->cert_pem, c->cert_len);
	d->cert_len = c->cert_len;
	d->key_pem = memdup0(c->key_pem, c->key_len);
	d->key_len = c->key_len;
	d->key_pass = k8s_strdup(c->key_pass);
	d->token = k8s_strdup(c->token);
	d->token_file = k8s_strdup(c->token_file);
	d->insecure = c->insecure;
	d->tls_server_name = k8s_strdup(c->tls_server_name);
	d->proxy_url = k8s_strdup(c->proxy_url);
	d->namespace = k8s_strdup(c->namespace);
	memcpy(d->origin, c->origin, sizeof(d->origin));
	if (c->exec) {
		d->exec = calloc(1, sizeof(*d->exec));
		if (!d->exec)
			goto nomem;
		d->exec->nargs = c->exec->nargs;
		d->exec->nenv = c->exec->nenv;
		for (unsigned i = 0; i < c->exec->nargs; i++)
			if (!(d->exec->args[i] = strdup(c->exec->args[i])))
				goto nomem;
		for (unsigned i = 0; i < c->exec->nenv; i++)
			if (!(d->exec->env[i] = strdup(c->exec->env[i])))
				goto nomem;
		d->exec->command = d->exec->args[0];
		d->exec->api_version = k8s_strdup(c->exec->api_version);
		d->exec->provide_cluster_info = c->exec->provide_cluster_info;
	}
	if (!d->server || (c->ca_pem && !d->ca_pem) || (c->cert_pem && !d->cert_pem) ||
	    (c->key_pem && !d->key_pem) || (c->token && !d->token) ||
	    (c->token_file && !d->token_file) || (c->tls_server_name && !d->tls_server_name) ||
	    (c->proxy_url && !d->proxy_url))
		goto nomem;
	*out = d;
	return 0;
nomem:
	k8s_config_free(d);
	return -ENOMEM;
}

/* "https://" + host (bracketed when IPv6) + ":" + port. */
static char *service_url(const char *host, const char *port)
{
	size_t n = strlen(host) + strlen(port) + 16;
	char *u = malloc(n);
	if (!u)
		return NULL;
	if (strchr(host, ':') && host[0] != '[')
		snprintf(u, n, "https://[%s]:%s", host, port);
	else
		snprintf(u, n, "https://%s:%s", host, port);
	return u;
}

int k8s_config_incluster(struct k8s_config **out, const char *sa_dir, char *err, size_t errlen)
{
	const char *host = getenv("KUBERNETES_SERVICE_HOST");
	const char *port = getenv("KUBERNETES_SERVICE_PORT");
	char path[1024];
	struct k8s_config *c;
	size_t n;
	int rc;

	if (!sa_dir)
		sa_dir = K8S_SA_DIR;
	if (!host || !*host || !port || !*port) {
		K8S_SET_ERR(err, errlen, "not in a cluster: KUBERNETES_SERVICE_HOST/PORT unset");
		return -ENOENT;
	}
	snprintf(path, sizeof(path), "%s/token", sa_dir);
	if (access(path, R_OK) != 0) {
		K8S_SET_ERR(err, errlen, "not in a cluster: %s: %s", path, strerror(errno));
		return -ENOENT;
	}
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->server = service_url(host, port);
	c->token_file = strdup(path);
	if (!c->server || !c->token_file) {
		rc = -ENOMEM;
		goto fail;
	}
	snprintf(path, sizeof(path), "%s/ca.crt", sa_dir);
	rc = k8s_read_file(path, K8S_PEM_MAX, &c->ca_pem, &c->ca_len, err, errlen);
	if (rc)
		goto fail;
	snprintf(path, sizeof(path), "%s/namespace", sa_dir);
	if (k8s_read_file(path, 256, &c->namespace, &n, NULL, 0) == 0) {
		while (n && (c->namespace[n - 1] == '\n' || c->namespace[n - 1] == ' '))
			c->namespace[--n] = '\0';
	}
	snprintf(c->origin, sizeof(c->origin), "in-cluster (%s, %s)", c->server, sa_dir);
	*out = c;
	return 0;
fail:
	k8s_config_free(c);
	return rc;
}

/* The file names of -K: up to 4 ':'-separated parts. */
static int split_auth(char *s, char *parts[4])
{
	int n = 0;
	for (char *p = s; n < 4; n++) {
		parts[n] = p;
		p = strchr(p, ':');
		if (!p)
			return n + 1;
		*p++ = '\0';
	}
	return -1;
}

static int load_token_auth(struct k8s_config *c, const char *file, char *err, size_t errlen)
{
	char ca[1024];
	const char *slash = strrchr(file, '/');
	int n = slash ? (int)(slash - file) : 1;

	if (access(file, R_OK) != 0) {
		K8S_SET_ERR(err, errlen, "-K %s: %s", file, strerror(errno));
		return -errno;
	}
	c->token_file = strdup(file);
	if (!c->token_file)
		return -ENOMEM;
	snprintf(ca, sizeof(ca), "%.*s/ca.crt", n, slash ? file : ".");
	if (access(ca, R_OK) == 0)
		return k8s_read_file(ca, K8S_PEM_MAX, &c->ca_pem, &c->ca_len, err, errlen);
	return 0;
}

static int load_cert_auth(struct k8s_config *c, char **parts, int n, char *err, size_t errlen)
{
	char *hash = strchr(parts[1], '#');
	int rc;

	if (hash) {
		*hash = '\0';
		c->key_pass = strdup(hash + 1);
		if (!c->key_pass)
			return -ENOMEM;
	}
	rc = k8s_read_file(parts[0], K8S_PEM_MAX, &c->cert_pem, &c->cert_len, err, errlen);
	if (!rc)
		rc = k8s_read_file(parts[1], K8S_PEM_MAX, &c->key_pem, &c->key_len, err, errlen);
	if (!rc && n > 2 && *parts[2])
		rc = k8s_read_file(parts[2], K8S_PEM_MAX, &c->ca_pem, &c->ca_len, err, errlen);
	return rc;
}

int k8s_config_flags(struct k8s_config **out, const char *url, const char *auth, char *err,
		     size_t errlen)
{
	struct k8s_config *c;
	char *copy = NULL, *parts[4];
	size_t ul;
	int rc = 0, n;

	if (!url || (strncmp(url, "https://", 8) != 0 && strncmp(url, "http://", 7) != 0)) {
		K8S_SET_ERR(err, errlen, "-k '%s': expected an http:// or https:// URL",
			    url ? url : "");
		return -EINVAL;
	}
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->server = strdup(url);
	if (!c->server) {
		rc = -ENOMEM;
		goto fail;
	}
	ul = strlen(c->server);
	while (ul > 0 && c->server[ul - 1] == '/')
		c->server[--ul] = '\0';
	if (auth && *auth) {
		copy = strdup(auth);
		if (!copy) {
			rc = -ENOMEM;
			goto fail;
		}
		n = split_auth(copy, parts);
		if (n < 0) {
			K8S_SET_ERR(err, errlen,
				    "-K '%s': expected TOKEN_FILE or CERT:KEY[#PASS][:CA]", auth);
			rc = -EINVAL;
			goto fail;
		}
		rc = n == 1 ? load_token_auth(c, parts[0], err, errlen)
			    : load_cert_auth(c, parts, n, err, errlen);
		if (rc)
			goto fail;
	}
	snprintf(c->origin, sizeof(c->origin), "-k %s", c->server);
	free(copy);
	*out = c;
	return 0;
fail:
	free(copy);
	k8s_config_free(c);
	return rc;
}
