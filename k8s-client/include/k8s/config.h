/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Where the API server is and how to authenticate to it: in-cluster
 * (service account), kubeconfig (with exec credential plugins) or Falco's
 * -k/-K flags. PEM material is kept in memory and handed to libcurl as blobs;
 * nothing is ever written to a temporary file.
 */
#ifndef K8S_CONFIG_H
#define K8S_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

/* Caps on what a configuration may load. */
#define K8S_PEM_MAX (1024u * 1024u)         /* one CA bundle, certificate or key */
#define K8S_TOKEN_MAX (64u * 1024u)         /* one bearer token */
#define K8S_KUBECONFIG_MAX (4u * 1024u * 1024u) /* one kubeconfig file */
#define K8S_KUBECONFIG_FILES 16u            /* files in $KUBECONFIG */
#define K8S_EXEC_ARGS_MAX 64u               /* args (and env entries) of an exec plugin */
#define K8S_EXEC_OUTPUT_MAX (256u * 1024u)  /* stdout of an exec plugin */
#define K8S_EXEC_TIMEOUT_S 30u              /* an exec plugin is killed after this */
#define K8S_HOST_MAX 253u                   /* a tls-server-name */
#define K8S_PROXY_URL_MAX 2048u             /* a proxy-url */

/* The default service-account directory of a pod. */
#define K8S_SA_DIR "/var/run/secrets/kubernetes.io/serviceaccount"

/* An exec credential plugin (kubeconfig users[].user.exec). */
struct k8s_exec {
	char *command;
	char *args[K8S_EXEC_ARGS_MAX + 1]; /* NULL-terminated, args[0] = command */
	unsigned nargs;
	char *env[K8S_EXEC_ARGS_MAX + 1];  /* "NAME=VALUE", NULL-terminated */
	unsigned nenv;
	char *api_version;                 /* client.authentication.k8s.io/v1 (default) */
	bool provide_cluster_info;
};

struct k8s_config {
	char *server;          /* "https://host:port", no trailing '/' */
	char *ca_pem;          /* CA bundle (PEM); NULL = the system store */
	size_t ca_len;
	char *cert_pem, *key_pem; /* client certificate and key (PEM); NULL = none */
	size_t cert_len, key_len;
	char *key_pass;        /* passphrase of key_pem; NULL = none */
	char *token;           /* static bearer token; NULL = none */
	char *token_file;      /* bearer token re-read at most every 60 s and on 401 */
	struct k8s_exec *exec; /* exec credential plugin; NULL = none */
	bool insecure;         /* insecure-skip-tls-verify */
	char *tls_server_name; /* name to verify and send as SNI instead of the URL's host
				  (the connection still goes to the URL's host); NULL = host */
	char *proxy_url;       /* http://, https:// or socks5:// proxy for every request,
				  winning over HTTPS_PROXY/NO_PROXY; NULL = the environment's */
	char *namespace;       /* the context's (or pod's) namespace; NULL = none */
	char origin[512];      /* where this came from: "in-cluster", "kubeconfig FILE context C", ... */
};

/*
 * In-cluster: KUBERNETES_SERVICE_HOST/PORT (IPv6 bracketed), sa_dir/ca.crt,
 * sa_dir/token (as a token file, so rotation is followed) and
 * sa_dir/namespace. sa_dir NULL means K8S_SA_DIR. On success *out is the
 * caller's (k8s_config_free). Returns 0, -ENOENT when not in a cluster (no
 * service host or no token), or -errno with a message naming the file.
 */
int k8s_config_incluster(struct k8s_config **out, const char *sa_dir, char *err, size_t errlen);

/*
 * kubeconfig: paths is a ':'-separated list (NULL: $KUBECONFIG, else
 * ~/.kube/config); files are merged, the first definition of a name wins.
 * context NULL means current-context. Relative paths resolve against the
 * file that names them; *-data fields are base64 PEM. A cluster's
 * tls-server-name and proxy-url (http, https, socks5, socks5h) are checked
 * here and applied to every request by the client. Returns 0, -ENOENT
 * when no file exists, or -EINVAL with "FILE: message" in err.
 */
int k8s_config_kubeconfig(struct k8s_config **out, const char *paths, const char *context,
			  char *err, size_t errlen);

/*
 * Falco's flags: url from -k, auth from -K, either
 *   TOKEN_FILE                         bearer token file (ca.crt beside it is
 *                                      the CA when it exists), or
 *   CERT:KEY[#PASSPHRASE][:CA]         client certificate, key and CA files.
 * auth may be NULL (no credentials). Returns 0 or -errno with a message.
 */
int k8s_config_flags(struct k8s_config **out, const char *url, const char *auth, char *err,
		     size_t errlen);

/* Free c and everything it owns; NULL is a no-op. */
void k8s_config_free(struct k8s_config *c);

/* A deep copy of c into *out (caller frees). Returns 0 or -ENOMEM. */
int k8s_config_dup(struct k8s_config **out, const struct k8s_config *c);

#endif
