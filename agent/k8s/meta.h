/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The node's Kubernetes metadata: informers on the pods of this node only
 * (fieldSelector spec.nodeName=NODE) and on the namespaces, and a map from
 * container ids (the short 12-character id the state derives from cgroups)
 * to the pod and container they belong to, built from each pod's
 * containerStatuses. Plugged into the state engine as a struct
 * sk_meta_provider, it answers container.* (when the event stream carries
 * no metadata of its own) and k8s.* fields.
 *
 * Records are immutable and reference-counted: the informer thread replaces
 * them, the event thread borrows them for the duration of an event.
 */
#ifndef SAKER_K8S_META_H
#define SAKER_K8S_META_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "../engine/field.h"
#include "../state/state.h"
#include "k8s/informer.h"

#define SK_K8S_MAX_CONTAINERS 64u  /* containers kept per pod (init + app + ephemeral) */
#define SK_K8S_MAX_LABELS 256u     /* labels kept per object */
#define SK_K8S_STR_MAX 4096u       /* longest string kept (label value, image...) */
#define SK_K8S_OBJECT_MAX (1024u * 1024u) /* one pod or namespace on the watch stream */
#define SK_K8S_HOLD 8u             /* records an event may borrow at once */

struct sk_k8s_pod;

struct sk_k8s_container {
	const struct sk_k8s_pod *pod;
	char id[SK_STATE_CID_SHORT + 1]; /* "" when the runtime has not reported it yet */
	const char *full_id, *runtime;   /* "containerd", "cri-o", "docker" */
	const char *name, *image, *image_id, *repository, *tag, *digest;
	bool privileged;
	const struct sk_mount_view *mounts;
	unsigned nmounts;
};

/* A pod or a namespace (namespaces use name, uid and labels only). */
struct sk_k8s_obj {
	atomic_uint refs;
	size_t bytes; /* the whole allocation */
	const char *name, *ns, *uid;
	const char *const *label_keys, *const *label_values;
	unsigned nlabels;
};

struct sk_k8s_pod {
	struct sk_k8s_obj o;
	const char *ip, *cni_json, *node;
	bool host_pid, host_network, host_ipc;
	struct sk_k8s_container *containers;
	unsigned ncontainers;
};

/*
 * Decode a pod (borrowed JSON) into a record with one reference (the
 * caller's). NULL when it has no name or memory runs out.
 */
struct sk_k8s_pod *sk_k8s_pod_decode(const cJSON *pod);
/* A namespace record, as above. */
struct sk_k8s_obj *sk_k8s_ns_decode(const cJSON *ns);
void sk_k8s_obj_ref(struct sk_k8s_obj *o);
void sk_k8s_obj_unref(struct sk_k8s_obj *o);

/*
 * Split an image reference into repository, tag and digest ("" when
 * absent): "reg:5000/a/b:1.2@sha256:x" -> "reg:5000/a/b", "1.2", "sha256:x".
 * Writes into buf (cap bytes); the three pointers point into it.
 */
void sk_k8s_image_split(const char *image, char *buf, size_t cap, const char **repo,
			const char **tag, const char **digest);

typedef void (*sk_k8s_log_fn)(void *ctx, enum k8s_log_level level, const char *msg);

struct sk_k8s_meta_opts {
	const char *node;         /* required: only this node's pods are watched */
	sk_k8s_log_fn log;        /* NULL: silent */
	void *log_ctx;
	/* Informer timing (0 = the library defaults); tests shorten them. */
	unsigned watch_timeout_s, idle_timeout_s, backoff_initial_ms, page_size;
};

struct sk_k8s_meta;

/*
 * A store watching through client (taken: freed with the store). Nothing
 * runs until sk_k8s_meta_start. Returns 0 or -errno with a message.
 */
int sk_k8s_meta_new(struct sk_k8s_meta **out, struct k8s_client *client,
		    const struct sk_k8s_meta_opts *o, char *err, size_t errlen);
int sk_k8s_meta_start(struct sk_k8s_meta *m);
/* Wait for the first pod and namespace lists; false on timeout. */
bool sk_k8s_meta_wait_synced(struct sk_k8s_meta *m, unsigned timeout_ms);
/* Stop the informers and free everything (records borrowed by views too). */
void sk_k8s_meta_free(struct sk_k8s_meta *m);

/* The state hook (borrowed; valid as long as m). Call from one event thread. */
const struct sk_meta_provider *sk_k8s_meta_provider(struct sk_k8s_meta *m);

/*
 * The pod and container of a short container id, with a reference the
 * caller drops with sk_k8s_obj_unref(&pod->o); NULL when unknown.
 */
const struct sk_k8s_container *sk_k8s_meta_container(struct sk_k8s_meta *m, const char *id,
						     struct sk_k8s_pod **pod);

struct sk_k8s_meta_stats {
	struct k8s_informer_stats pods, namespaces;
	size_t containers;  /* container ids mapped */
	size_t pod_bytes;   /* bytes of the cached pod records */
	uint64_t lookups, misses;
};
void sk_k8s_meta_stats(struct sk_k8s_meta *m, struct sk_k8s_meta_stats *out);

/* The informers (tests, benchmarks). */
struct k8s_informer *sk_k8s_meta_pods(struct sk_k8s_meta *m);
struct k8s_informer *sk_k8s_meta_namespaces(struct sk_k8s_meta *m);

/*
 * Where the agent's Kubernetes settings come from: Falco's flags and the
 * config keys k8s.enabled, k8s.api_server, k8s.kubeconfig, k8s.node_name.
 * The config module fills one of these and calls sk_k8s_meta_setup.
 */
struct sk_k8s_settings {
	int enabled;            /* k8s.enabled: 1 on, 0 off, -1 unset (on when configured) */
	const char *api_server; /* -k URL / k8s.api_server */
	const char *auth;       /* -K TOKEN_FILE | CERT:KEY[#PASS][:CA] */
	const char *kubeconfig; /* k8s.kubeconfig */
	const char *node_name;  /* --k8s-node / k8s.node_name; default $SAKER_K8S_NODE_NAME,
				   $NODE_NAME, then the host name */
	const char *sa_dir;     /* service-account directory; NULL = K8S_SA_DIR */
	bool allow_incluster;   /* try in-cluster when nothing else is given */
};

/*
 * Resolve settings (api_server, else kubeconfig, else in-cluster when the
 * service-account files exist), create the client and the store, and start
 * it. Returns 0; -ENOENT when Kubernetes is off or not configured (err
 * says why, for the one log line); or -errno with a message.
 */
int sk_k8s_meta_setup(struct sk_k8s_meta **out, const struct sk_k8s_settings *s,
		      const struct sk_k8s_meta_opts *o, char *err, size_t errlen);

#endif
