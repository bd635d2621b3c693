/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The container and k8s field classes: the container id comes from the
 * event's thread, the rest from the state engine's container table and pod
 * metadata (ctx->state_ops->container / k8s).
 */
#include <fnmatch.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "field_impl.h"

/* Longest joined text (container.mounts, k8s.*.labels). */
#define SK_CONTAINER_TEXT_MAX 8192u

enum container_id {
	C_ID,
	C_NAME,
	C_IMAGE,
	C_IMAGE_ID,
	C_TYPE,
	C_PRIVILEGED,
	C_HOST_PID,
	C_HOST_NETWORK,
	C_HOST_IPC,
	C_MOUNTS,
	C_MOUNT,
	C_MOUNT_SOURCE,
	C_MOUNT_DEST,
	C_MOUNT_MODE,
	C_MOUNT_RDWR,
	C_MOUNT_PROPAGATION,
	C_IMAGE_REPOSITORY,
	C_IMAGE_TAG,
	C_IMAGE_DIGEST,
	C_HEALTHCHECK,
	C_LIVENESS_PROBE,
	C_READINESS_PROBE,
	C_START_TS,
	C_DURATION,
	C_IP,
	C_CNI_JSON,
	C_INFO,
	C_FULL_ID,
	C_COUNT_,
};

#define MOUNT_ARG (SK_FIELD_ARG_REQUIRED | SK_FIELD_ARG_INDEX | SK_FIELD_ARG_KEY)

static const struct sk_field container_fields[] = {
    SK_F(C_ID, "container.id", PT_CHARBUF, 0,
	 "id of the container the event happened in; host outside containers"),
    SK_F(C_NAME, "container.name", PT_CHARBUF, 0, "name of the container; host outside containers"),
    SK_F(C_IMAGE, "container.image", PT_CHARBUF, 0, "image of the container, e.g. nginx:1.25"),
    SK_F(C_IMAGE_ID, "container.image.id", PT_CHARBUF, 0, "id of the container's image"),
    SK_F(C_TYPE, "container.type", PT_CHARBUF, 0,
	 "container runtime kind: docker, containerd, cri-o..."),
    SK_F(C_PRIVILEGED, "container.privileged", PT_BOOL, 0,
	 "true when the container runs privileged"),
    SK_F(C_HOST_PID, "container.host_pid", PT_BOOL, 0,
	 "true when the container's pod shares the host's pid namespace (hostPID)"),
    SK_F(C_HOST_NETWORK, "container.host_network", PT_BOOL, 0,
	 "true when the container's pod shares the host's network namespace (hostNetwork)"),
    SK_F(C_HOST_IPC, "container.host_ipc", PT_BOOL, 0,
	 "true when the container's pod shares the host's IPC namespace (hostIPC)"),
    SK_F(C_MOUNTS, "container.mounts", PT_CHARBUF, 0,
	 "every mount as source:dest:mode:rdwr:propagation, joined with commas"),
    SK_F(C_MOUNT, "container.mount", PT_CHARBUF, MOUNT_ARG,
	 "one mount as source:dest:mode:rdwr:propagation, chosen by position or by a source "
	 "glob; no value when nothing matches"),
    SK_F(C_MOUNT_SOURCE, "container.mount.source", PT_CHARBUF, MOUNT_ARG,
	 "source of a mount chosen by position or by a destination glob"),
    SK_F(C_MOUNT_DEST, "container.mount.dest", PT_CHARBUF, MOUNT_ARG,
	 "destination of a mount chosen by position or by a source glob"),
    SK_F(C_MOUNT_MODE, "container.mount.mode", PT_CHARBUF, MOUNT_ARG,
	 "mode of a mount chosen by position or by a source glob"),
    SK_F(C_MOUNT_RDWR, "container.mount.rdwr", PT_CHARBUF, MOUNT_ARG,
	 "read-write flag of a mount chosen by position or by a source glob"),
    SK_F(C_MOUNT_PROPAGATION, "container.mount.propagation", PT_CHARBUF, MOUNT_ARG,
	 "propagation of a mount chosen by position or by a source glob"),
    SK_F(C_IMAGE_REPOSITORY, "container.image.repository", PT_CHARBUF, 0,
	 "repository part of the image, e.g. docker.io/library/nginx"),
    SK_F(C_IMAGE_TAG, "container.image.tag", PT_CHARBUF, 0, "tag part of the image"),
    SK_F(C_IMAGE_DIGEST, "container.image.digest", PT_CHARBUF, 0,
	 "registry digest of the image (sha256:...)"),
    SK_F(C_HEALTHCHECK, "container.healthcheck", PT_CHARBUF, 0,
	 "command line of the container's health check; no value when none"),
    SK_F(C_LIVENESS_PROBE, "container.liveness_probe", PT_CHARBUF, 0,
	 "command line of the container's liveness probe; no value when none"),
    SK_F(C_READINESS_PROBE, "container.readiness_probe", PT_CHARBUF, 0,
	 "command line of the container's readiness probe; no value when none"),
    SK_F(C_START_TS, "container.start_ts", PT_ABSTIME, 0,
	 "time the container started, ns since the epoch"),
    SK_F(C_DURATION, "container.duration", PT_RELTIME, 0,
	 "nanoseconds since the container started"),
    SK_F(C_IP, "container.ip", PT_CHARBUF, 0, "main IP address of the container"),
    SK_F(C_CNI_JSON, "container.cni.json", PT_CHARBUF, 0,
	 "the CNI result of the container, as JSON"),
    SK_F(C_INFO, "container.info", PT_CHARBUF, SK_FIELD_DEPRECATED | SK_FIELD_PRINT_ONLY,
	 "outputs only: placeholder the output formatter replaces with container details "
	 "(Falco 0.31 -pc/-pk) or with nothing; extracts no value itself"),
    SK_F(C_FULL_ID, "container.full_id", PT_CHARBUF, 0,
	 "full 64-character id of the container; host outside containers"),
};

enum k8s_id {
	K_POD_NAME,
	K_POD_ID,
	K_POD_LABEL,
	K_POD_LABELS,
	K_RC_NAME,
	K_RC_ID,
	K_RC_LABEL,
	K_RC_LABELS,
	K_SVC_NAME,
	K_SVC_ID,
	K_SVC_LABEL,
	K_SVC_LABELS,
	K_NS_NAME,
	K_NS_ID,
	K_NS_LABEL,
	K_NS_LABELS,
	K_RS_NAME,
	K_RS_ID,
	K_RS_LABEL,
	K_RS_LABELS,
	K_DEPLOYMENT_NAME,
	K_DEPLOYMENT_ID,
	K_DEPLOYMENT_LABEL,
	K_DEPLOYMENT_LABELS,
	/* Pod fields beyond the name/id/label/labels pattern of every kind. */
	K_POD_UID,
	K_POD_IP,
	K_POD_CNI_JSON,
	K_COUNT_,
};

#define LABEL_ARG (SK_FIELD_NAME_ARG | SK_FIELD_ARG_REQUIRED | SK_FIELD_ARG_KEY)

static const struct sk_field k8s_fields[] = {
    SK_F(K_POD_NAME, "k8s.pod.name", PT_CHARBUF, 0, "name of the pod"),
    SK_F(K_POD_ID, "k8s.pod.id", PT_CHARBUF, 0, "uid of the pod"),
    SK_F(K_POD_LABEL, "k8s.pod.label", PT_CHARBUF, LABEL_ARG,
	 "one pod label, k8s.pod.label.KEY or k8s.pod.label[KEY]"),
    SK_F(K_POD_LABELS, "k8s.pod.labels", PT_CHARBUF, 0, "pod labels as key:value, comma-joined"),
    SK_F(K_POD_UID, "k8s.pod.uid", PT_CHARBUF, 0, "uid of the pod (the same as k8s.pod.id)"),
    SK_F(K_POD_IP, "k8s.pod.ip", PT_CHARBUF, 0, "IP address of the pod"),
    SK_F(K_POD_CNI_JSON, "k8s.pod.cni.json", PT_CHARBUF, 0,
	 "the pod's network addresses as JSON, as the container runtime reports them"),
    SK_F(K_RC_NAME, "k8s.rc.name", PT_CHARBUF, 0, "name of the replication controller"),
    SK_F(K_RC_ID, "k8s.rc.id", PT_CHARBUF, 0, "uid of the replication controller"),
    SK_F(K_RC_LABEL, "k8s.rc.label", PT_CHARBUF, LABEL_ARG, "one replication controller label"),
    SK_F(K_RC_LABELS, "k8s.rc.labels", PT_CHARBUF, 0,
	 "replication controller labels as key:value, comma-joined"),
    SK_F(K_SVC_NAME, "k8s.svc.name", PT_CHARBUF, 0, "name of the service"),
    SK_F(K_SVC_ID, "k8s.svc.id", PT_CHARBUF, 0, "uid of the service"),
    SK_F(K_SVC_LABEL, "k8s.svc.label", PT_CHARBUF, LABEL_ARG, "one service label"),
    SK_F(K_SVC_LABELS, "k8s.svc.labels", PT_CHARBUF, 0,
	 "service labels as key:value, comma-joined"),
    SK_F(K_NS_NAME, "k8s.ns.name", PT_CHARBUF, 0, "name of the namespace"),
    SK_F(K_NS_ID, "k8s.ns.id", PT_CHARBUF, 0, "uid of the namespace"),
    SK_F(K_NS_LABEL, "k8s.ns.label", PT_CHARBUF, LABEL_ARG, "one namespace label"),
    SK_F(K_NS_LABELS, "k8s.ns.labels", PT_CHARBUF, 0,
	 "namespace labels as key:value, comma-joined"),
    SK_F(K_RS_NAME, "k8s.rs.name", PT_CHARBUF, 0, "name of the replica set"),
    SK_F(K_RS_ID, "k8s.rs.id", PT_CHARBUF, 0, "uid of the replica set"),
    SK_F(K_RS_LABEL, "k8s.rs.label", PT_CHARBUF, LABEL_ARG, "one replica set label"),
    SK_F(K_RS_LABELS, "k8s.rs.labels", PT_CHARBUF, 0,
	 "replica set labels as key:value, comma-joined"),
    SK_F(K_DEPLOYMENT_NAME, "k8s.deployment.name", PT_CHARBUF, 0, "name of the deployment"),
    SK_F(K_DEPLOYMENT_ID, "k8s.deployment.id", PT_CHARBUF, 0, "uid of the deployment"),
    SK_F(K_DEPLOYMENT_LABEL, "k8s.deployment.label", PT_CHARBUF, LABEL_ARG, "one deployment label"),
    SK_F(K_DEPLOYMENT_LABELS, "k8s.deployment.labels", PT_CHARBUF, 0,
	 "deployment labels as key:value, comma-joined"),
};

_Static_assert(SK_NELEM(container_fields) == C_COUNT_, "container_fields covers every id");
_Static_assert(SK_NELEM(k8s_fields) == K_COUNT_, "k8s_fields covers every id");

/* The event thread's container id; "" on the host. */
static bool container_id_of(struct sk_eval_ctx *ctx, const char **id)
{
	struct sk_thread_view t;

	if (!sk_field_event_thread(ctx, &t))
		return false;
	*id = t.container_id ? t.container_id : "";
	return true;
}

static int mount_text(struct sk_eval_ctx *ctx, const struct sk_mount_view *m, struct sk_value *v)
{
	char buf[4096];
	int n = snprintf(buf, sizeof(buf), "%s:%s:%s:%s:%s", m->source ? m->source : "",
			 m->dest ? m->dest : "", m->mode ? m->mode : "", m->rdwr ? "true" : "false",
			 m->propagation ? m->propagation : "");

	return sk_val_scratch(ctx, v, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

static int mounts_text(struct sk_eval_ctx *ctx, const struct sk_container_view *c,
		       struct sk_value *v)
{
	char *buf = sk_scratch_alloc(ctx, SK_CONTAINER_TEXT_MAX);
	size_t len = 0;

	if (!buf)
		return 0;
	buf[0] = '\0';
	for (unsigned i = 0; i < c->nmounts && len + 1 < SK_CONTAINER_TEXT_MAX; i++) {
		const struct sk_mount_view *m = &c->mounts[i];

		len += (size_t)snprintf(
		    buf + len, SK_CONTAINER_TEXT_MAX - len, "%s%s:%s:%s:%s:%s", i ? "," : "",
		    m->source ? m->source : "", m->dest ? m->dest : "", m->mode ? m->mode : "",
		    m->rdwr ? "true" : "false", m->propagation ? m->propagation : "");
	}
	if (len >= SK_CONTAINER_TEXT_MAX)
		len = SK_CONTAINER_TEXT_MAX - 1;
	return sk_val_strn(v, buf, len);
}

/*
 * The mount an argument picks: by position, or the first whose source (dest
 * for container.mount.source) matches the glob.
 */
static const struct sk_mount_view *mount_pick(const struct sk_field_ref *ref,
					      const struct sk_container_view *c)
{
	bool by_dest = ref->field->id == C_MOUNT_SOURCE;

	if (ref->prepared == 1)
		return ref->arg_index < (int64_t)c->nmounts ? &c->mounts[ref->arg_index] : NULL;
	for (unsigned i = 0; ref->arg && i < c->nmounts; i++) {
		const char *s = by_dest ? c->mounts[i].dest : c->mounts[i].source;

		if (s && fnmatch(ref->arg, s, 0) == 0)
			return &c->mounts[i];
	}
	return NULL;
}

static int extract_mount(const struct sk_field_ref *ref, struct sk_eval_ctx *ctx,
			 const struct sk_container_view *c, struct sk_value *v)
{
	const struct sk_mount_view *m = mount_pick(ref, c);

	/* No such mount (index past the end, no glob match, no mounts): no value, as sysdig. */
	if (!m)
		return 0;
	switch (ref->field->id) {
	case C_MOUNT:
		return mount_text(ctx, m, v);
	case C_MOUNT_SOURCE:
		return sk_val_str(v, m->source);
	case C_MOUNT_DEST:
		return sk_val_str(v, m->dest);
	case C_MOUNT_MODE:
		return sk_val_str(v, m->mode);
	case C_MOUNT_RDWR:
		return sk_val_str(v, m->rdwr ? "true" : "false");
	default:
		return sk_val_str(v, m->propagation);
	}
}

static int extract_container(const struct sk_field_ref *ref, struct sk_eval_ctx *ctx,
			     struct sk_value *vals, unsigned cap)
{
	const char *id;
	struct sk_container_view c;
	unsigned fid = ref->field->id;

	if (cap == 0 || !container_id_of(ctx, &id))
		return 0;
	if (!*id)
		return (fid == C_ID || fid == C_NAME || fid == C_TYPE || fid == C_FULL_ID)
			   ? sk_val_str(vals, "host")
			   : 0;
	if (fid == C_ID)
		return sk_val_str(vals, id);
	if (fid == C_FULL_ID) {
		struct sk_thread_view t;

		if (!sk_field_event_thread(ctx, &t) || !t.container_full_id || !*t.container_full_id)
			return 0;
		return sk_val_str(vals, t.container_full_id);
	}
	memset(&c, 0, sizeof(c));
	if (!ctx->state_ops->container || !ctx->state_ops->container(ctx->state, id, &c))
		return 0;
	switch (fid) {
	case C_NAME:
		return sk_val_str(vals, c.name);
	case C_IMAGE:
		return sk_val_str(vals, c.image);
	case C_IMAGE_ID:
		return sk_val_str(vals, c.image_id);
	case C_TYPE:
		return sk_val_str(vals, c.type);
	case C_PRIVILEGED:
		return sk_val_bool(vals, c.privileged);
	case C_HOST_PID:
		return c.host_ns_known ? sk_val_bool(vals, c.host_pid) : 0;
	case C_HOST_NETWORK:
		return c.host_ns_known ? sk_val_bool(vals, c.host_network) : 0;
	case C_HOST_IPC:
		return c.host_ns_known ? sk_val_bool(vals, c.host_ipc) : 0;
	case C_MOUNTS:
		return mounts_text(ctx, &c, vals);
	case C_IMAGE_REPOSITORY:
		return sk_val_str(vals, c.image_repository);
	case C_IMAGE_TAG:
		return sk_val_str(vals, c.image_tag);
	case C_IMAGE_DIGEST:
		return sk_val_str(vals, c.image_digest);
	case C_HEALTHCHECK:
		return sk_val_str(vals, c.healthcheck);
	case C_LIVENESS_PROBE:
		return sk_val_str(vals, c.liveness_probe);
	case C_READINESS_PROBE:
		return sk_val_str(vals, c.readiness_probe);
	case C_START_TS:
		return c.start_ts ? sk_val_u(vals, PT_ABSTIME, c.start_ts) : 0;
	case C_DURATION:
		if (!c.start_ts || !ctx->evt || ctx->evt->hdr->ts < c.start_ts)
			return 0;
		return sk_val_u(vals, PT_RELTIME, ctx->evt->hdr->ts - c.start_ts);
	case C_IP:
		return sk_val_str(vals, c.ip);
	case C_CNI_JSON:
		return sk_val_str(vals, c.cni_json);
	case C_INFO:
		return 0;
	default:
		return extract_mount(ref, ctx, &c, vals);
	}
}

static int labels_text(struct sk_eval_ctx *ctx, const struct sk_k8s_view *o, struct sk_value *v)
{
	char *buf = sk_scratch_alloc(ctx, SK_CONTAINER_TEXT_MAX);
	size_t len = 0;

	if (!buf)
		return 0;
	buf[0] = '\0';
	for (unsigned i = 0; i < o->nlabels && len + 1 < SK_CONTAINER_TEXT_MAX; i++)
		len += (size_t)snprintf(buf + len, SK_CONTAINER_TEXT_MAX - len, "%s%s:%s",
					i ? "," : "", o->label_keys[i], o->label_values[i]);
	if (len >= SK_CONTAINER_TEXT_MAX)
		len = SK_CONTAINER_TEXT_MAX - 1;
	return sk_val_strn(v, buf, len);
}

static int extract_k8s(const struct sk_field_ref *ref, struct sk_eval_ctx *ctx,
		       struct sk_value *vals, unsigned cap)
{
	static const enum sk_k8s_kind kinds[] = {SK_K8S_POD, SK_K8S_RC, SK_K8S_SVC,
						 SK_K8S_NS,  SK_K8S_RS, SK_K8S_DEPLOYMENT};
	unsigned id = ref->field->id;
	const char *cid;
	struct sk_k8s_view o;

	if (cap == 0 || !container_id_of(ctx, &cid) || !*cid || !ctx->state_ops->k8s)
		return 0;
	if (id == K_POD_IP || id == K_POD_CNI_JSON) {
		struct sk_container_view c;
		memset(&c, 0, sizeof(c));
		if (!ctx->state_ops->container || !ctx->state_ops->container(ctx->state, cid, &c))
			return 0;
		const char *text = id == K_POD_IP ? c.ip : c.cni_json;
		return text && *text ? sk_val_str(vals, text) : 0;
	}
	if (id == K_POD_UID)
		id = K_POD_ID;
	memset(&o, 0, sizeof(o));
	if (!ctx->state_ops->k8s(ctx->state, cid, kinds[id / 4], &o))
		return 0;
	switch (id % 4) {
	case 0:
		return sk_val_str(vals, o.name);
	case 1:
		return sk_val_str(vals, o.uid);
	case 2:
		for (unsigned i = 0; ref->arg && i < o.nlabels; i++)
			if (strcmp(o.label_keys[i], ref->arg) == 0)
				return sk_val_str(vals, o.label_values[i]);
		return 0;
	default:
		return labels_text(ctx, &o, vals);
	}
}

const struct sk_field_class sk_field_class_container = {
    .name = "container",
    .source = "syscall",
    .desc = "The container the event happened in; id and name are host outside containers",
    .fields = container_fields,
    .nfields = SK_NELEM(container_fields),
    .prepare = sk_field_prepare_common,
    .extract = extract_container,
};

const struct sk_field_class sk_field_class_k8s = {
    .name = "k8s",
    .source = "syscall",
    .desc = "Kubernetes metadata of the pod the event's container belongs to",
    .fields = k8s_fields,
    .nfields = SK_NELEM(k8s_fields),
    .prepare = sk_field_prepare_common,
    .extract = extract_k8s,
};
