/* SPDX-License-Identifier: Apache-2.0 */
/* From the agent's settings (flags, config keys) to a running metadata store. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "meta.h"

/* The node name: the setting, $SAKER_K8S_NODE_NAME, $NODE_NAME, the host name. */
static const char *node_name(const struct sk_k8s_settings *s, char *buf, size_t cap)
{
	const char *env;
	if (s->node_name && *s->node_name)
		return s->node_name;
	if ((env = getenv("SAKER_K8S_NODE_NAME")) && *env)
		return env;
	if ((env = getenv("NODE_NAME")) && *env)
		return env;
	if (gethostname(buf, cap) != 0)
		return NULL;
	buf[cap - 1] = '\0';
	return buf;
}

static int load_config(struct k8s_config **cfg, const struct sk_k8s_settings *s, char *err,
		       size_t errlen)
{
	char sub[384];
	int rc;

	if (s->api_server && *s->api_server)
		return k8s_config_flags(cfg, s->api_server, s->auth, err, errlen);
	if (s->kubeconfig && *s->kubeconfig)
		return k8s_config_kubeconfig(cfg, s->kubeconfig, NULL, err, errlen);
	if (!s->allow_incluster && s->enabled != 1) {
		snprintf(err, errlen, "Kubernetes metadata off: no API server configured");
		return -ENOENT;
	}
	rc = k8s_config_incluster(cfg, s->sa_dir, sub, sizeof(sub));
	if (rc == -ENOENT)
		snprintf(err, errlen, "Kubernetes metadata off: %s", sub);
	else if (rc)
		snprintf(err, errlen, "in-cluster configuration: %s", sub);
	return rc;
}

int sk_k8s_meta_setup(struct sk_k8s_meta **out, const struct sk_k8s_settings *s,
		      const struct sk_k8s_meta_opts *o, char *err, size_t errlen)
{
	struct k8s_config *cfg = NULL;
	struct k8s_client *client = NULL;
	struct sk_k8s_meta_opts mo = *o;
	char host[256];
	int rc;

	if (s->enabled == 0) {
		snprintf(err, errlen, "Kubernetes metadata off (k8s.enabled: false)");
		return -ENOENT;
	}
	mo.node = node_name(s, host, sizeof(host));
	if (!mo.node) {
		snprintf(err, errlen, "k8s: no node name (--k8s-node) and no host name");
		return -EINVAL;
	}
	rc = load_config(&cfg, s, err, errlen);
	if (rc)
		return rc;
	rc = k8s_client_new(&client, cfg, 0, err, errlen);
	k8s_config_free(cfg);
	if (rc)
		return rc;
	rc = sk_k8s_meta_new(out, client, &mo, err, errlen);
	if (rc) {
		k8s_client_free(client);
		return rc;
	}
	rc = sk_k8s_meta_start(*out);
	if (rc) {
		snprintf(err, errlen, "k8s: cannot start the informers: %s", strerror(-rc));
		sk_k8s_meta_free(*out);
		*out = NULL;
	}
	return rc;
}
