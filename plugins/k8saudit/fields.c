/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The ka.* fields. Most are a path into the audit event with an optional
 * index that applies to the first array met on the way; the rest compute
 * something (repositories, joined commands, effective ids, binding subjects).
 * Values render as upstream renders them: strings raw, anything else compact
 * JSON. Deviations from upstream's documented bugs are listed in README.md.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "k8saudit.h"

/* The field table below leaves trailing members out where they do not apply. */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#define MAX_VALUES 1024u /* values one field may produce */
#define PATH_MAX_STEPS 7

enum kind {
	K_PATH,	     /* path walk */
	K_REPO,	     /* container image repository */
	K_JOIN,	     /* command/args joined with spaces */
	K_HOST_PORT, /* hostPort, else containerPort, of every port */
	K_EFF_USER,  /* container runAsUser, else the pod's, else 0 */
	K_EFF_GROUP,
	K_VOLUME_TYPE,
	K_VOLUME_HOSTPATH, /* [key] */
	K_C0_IMAGE,
	K_C0_REPO,
	K_ANY_PRIVILEGED,
	K_TARGET_POD,
	K_SUBJECT_NAMES, /* names of subjects of one kind */
	K_SUBJECT_SA_NS,
	K_HAS_NAME, /* [key] */
	K_URI_PARAM,
};

/* Path flags. */
enum {
	P_FLATTEN = 1 << 0,  /* a final array yields its elements */
	P_REQ_EACH = 1 << 1, /* every element of the fanned-out array must have the key */
};

struct ka_field {
	struct skp_field f;
	enum kind kind;
	unsigned pflags;
	const char *path[PATH_MAX_STEPS]; /* NULL-terminated */
	const char *arg;		  /* kind parameter (subject kind, container family) */
};

#define S "string"
#define L SKP_LIST
#define LI (SKP_LIST | SKP_ARG_INDEX)
#define KR (SKP_ARG_KEY | SKP_ARG_REQ)
#define RO "requestObject"
#define ANN "annotations"

/* clang-format off */
static const struct ka_field base_fields[] = {
	{{"ka.auditid", S, 0, NULL, "The unique id of the audit event"}, K_PATH, 0, {"auditID"}},
	{{"ka.stage", S, 0, NULL, "Stage of the request (e.g. RequestReceived, ResponseComplete, etc.)"},
	 K_PATH, 0, {"stage"}},
	{{"ka.auth.decision", S, 0, NULL, "The authorization decision"},
	 K_PATH, 0, {ANN, "authorization.k8s.io/decision"}},
	{{"ka.auth.reason", S, 0, NULL, "The authorization reason"},
	 K_PATH, 0, {ANN, "authorization.k8s.io/reason"}},
	{{"ka.auth.openshift.decision", S, 0, NULL, "The authentication decision of the openshfit "
	  "authentication layer"}, K_PATH, 0, {ANN, "authentication.openshift.io/decision"}},
	{{"ka.auth.openshift.username", S, 0, NULL, "The user name performing the openshift "
	  "authentication operation"}, K_PATH, 0, {ANN, "authentication.openshift.io/username"}},
	{{"ka.validations.admission.policy.failure", S, 0, NULL, "The validation failure of an "
	  "admission policy"}, K_PATH, 0,
	 {ANN, "validation.policy.admission.k8s.io/validation_failure"}},
	{{"ka.security.pod.violations", S, 0, NULL, "The pod security violations"},
	 K_PATH, 0, {ANN, "pod-security.kubernetes.io/audit-violations"}},
	{{"ka.user.name", S, 0, NULL, "The user name performing the request"},
	 K_PATH, 0, {"user", "username"}},
	{{"ka.user.groups", S, L, NULL, "The groups to which the user belongs"},
	 K_PATH, P_FLATTEN, {"user", "groups"}},
	{{"ka.impuser.name", S, 0, NULL, "The impersonated user name"},
	 K_PATH, 0, {"impersonatedUser", "username"}},
	{{"ka.verb", S, 0, NULL, "The action being performed"}, K_PATH, 0, {"verb"}},
	{{"ka.uri", S, 0, NULL, "The request URI as sent from client to server"},
	 K_PATH, 0, {"requestURI"}},
	{{"ka.uri.param", S, KR, NULL, "The value of a given query parameter in the uri (e.g. when "
	  "uri=/foo?key=val, ka.uri.param[key] is val)."}, K_URI_PARAM, 0, {"requestURI"}},
	{{"ka.target.name", S, 0, NULL, "The target object name"},
	 K_PATH, 0, {"objectRef", "name"}},
	{{"ka.target.namespace", S, 0, NULL, "The target object namespace"},
	 K_PATH, 0, {"objectRef", "namespace"}},
	{{"ka.target.resource", S, 0, NULL, "The target object resource"},
	 K_PATH, 0, {"objectRef", "resource"}},
	{{"ka.target.subresource", S, 0, NULL, "The target object subresource"},
	 K_PATH, 0, {"objectRef", "subresource"}},
	{{"ka.target.pod.name", S, 0, NULL, "The name of the pod the request targets (pods only, "
	  "no subresource)"}, K_TARGET_POD, 0, {"responseObject", "metadata", "name"}},
	{{"ka.req.binding.subjects", S, L, NULL, "When the request object refers to a cluster "
	  "role binding, the subject (e.g. account/users) being linked by the binding"},
	 K_PATH, P_FLATTEN, {RO, "subjects"}},
	{{"ka.req.binding.subjects.user_names", S, L, NULL, "When the request object refers to a "
	  "cluster role binding, the subject user names being linked by the binding"},
	 K_SUBJECT_NAMES, 0, {RO, "subjects"}, "User"},
	{{"ka.req.binding.subjects.serviceaccount_names", S, L, NULL, "When the request object "
	  "refers to a cluster role binding, the subject service account names being linked by the "
	  "binding"}, K_SUBJECT_NAMES, 0, {RO, "subjects"}, "ServiceAccount"},
	{{"ka.req.binding.subjects.serviceaccount_ns_names", S, L, NULL, "When the request object "
	  "refers to a cluster role binding, the subject serviceaccount namespace:name pairs being "
	  "linked by the binding"}, K_SUBJECT_SA_NS, 0, {RO, "subjects"}},
	{{"ka.req.binding.subjects.group_names", S, L, NULL, "When the request object refers to a "
	  "cluster role binding, the subject group names being linked by the binding"},
	 K_SUBJECT_NAMES, 0, {RO, "subjects"}, "Group"},
	{{"ka.req.binding.role", S, 0, NULL, "When the request object refers to a cluster role "
	  "binding, the role being linked by the binding"}, K_PATH, 0, {RO, "roleRef", "name"}},
	{{"ka.req.binding.subject.has_name", S, KR, NULL, "Deprecated. \"true\" when a subject of "
	  "the binding has the given name"}, K_HAS_NAME, 0, {RO, "subjects"}},
	{{"ka.req.configmap.name", S, 0, NULL, "If the request object refers to a configmap, the "
	  "configmap name"}, K_PATH, 0, {"objectRef", "name"}},
	{{"ka.req.configmap.obj", S, 0, NULL, "If the request object refers to a configmap, the "
	  "entire configmap object"}, K_PATH, 0, {RO, "data"}},
	/* container families are appended by build_table() */
	{{"ka.req.container.image", S, 0, NULL, "Deprecated by ka.req.pod.containers.image. Returns "
	  "the image of the first container only"}, K_C0_IMAGE, 0, {RO, "spec", "containers"}},
	{{"ka.req.container.image.repository", S, 0, NULL, "Deprecated by "
	  "ka.req.pod.containers.image.repository. Returns the repository of the first container "
	  "only"}, K_C0_REPO, 0, {RO, "spec", "containers"}},
	{{"ka.req.container.privileged", S, 0, NULL, "Deprecated by "
	  "ka.req.pod.containers.privileged. true if any container has privileged=true"},
	 K_ANY_PRIVILEGED, 0, {RO, "spec", "containers"}},
	{{"ka.req.pod.host_ipc", S, 0, NULL, "When the request object refers to a pod, the value of "
	  "the hostIPC flag."}, K_PATH, 0, {RO, "spec", "hostIPC"}},
	{{"ka.req.pod.host_network", S, 0, NULL, "When the request object refers to a pod, the "
	  "value of the hostNetwork flag."}, K_PATH, 0, {RO, "spec", "hostNetwork"}},
	{{"ka.req.container.host_network", S, 0, NULL, "Deprecated alias for "
	  "ka.req.pod.host_network"}, K_PATH, 0, {RO, "spec", "hostNetwork"}},
	{{"ka.req.pod.host_pid", S, 0, NULL, "When the request object refers to a pod, the value of "
	  "the hostPID flag."}, K_PATH, 0, {RO, "spec", "hostPID"}},
	{{"ka.req.pod.run_as_user", S, 0, NULL, "When the request object refers to a pod, the "
	  "runAsUser uid specified in the security context for the pod"},
	 K_PATH, 0, {RO, "spec", "securityContext", "runAsUser"}},
	{{"ka.req.pod.run_as_group", S, 0, NULL, "When the request object refers to a pod, the "
	  "runAsGroup gid specified in the security context for the pod"},
	 K_PATH, 0, {RO, "spec", "securityContext", "runAsGroup"}},
	{{"ka.req.pod.fs_group", S, 0, NULL, "When the request object refers to a pod, the fsGroup "
	  "gid specified by the security context."},
	 K_PATH, 0, {RO, "spec", "securityContext", "fsGroup"}},
	{{"ka.req.pod.supplemental_groups", S, L, NULL, "When the request object refers to a pod, "
	  "the supplementalGroup gids specified by the security context."},
	 K_PATH, P_FLATTEN, {RO, "spec", "securityContext", "supplementalGroups"}},
	{{"ka.req.role.rules", S, L, NULL, "When the request object refers to a role/cluster role, "
	  "the rules associated with the role"}, K_PATH, P_FLATTEN, {RO, "rules"}},
	{{"ka.req.role.rules.apiGroups", S, LI, NULL, "When the request object refers to a "
	  "role/cluster role, the api groups associated with the role's rules"},
	 K_PATH, P_FLATTEN, {RO, "rules", "apiGroups"}},
	{{"ka.req.role.rules.nonResourceURLs", S, LI, NULL, "When the request object refers to a "
	  "role/cluster role, the non resource urls associated with the role's rules"},
	 K_PATH, P_FLATTEN, {RO, "rules", "nonResourceURLs"}},
	{{"ka.req.role.rules.verbs", S, LI, NULL, "When the request object refers to a role/cluster "
	  "role, the verbs associated with the role's rules"},
	 K_PATH, P_FLATTEN, {RO, "rules", "verbs"}},
	{{"ka.req.role.rules.resources", S, LI, NULL, "When the request object refers to a "
	  "role/cluster role, the resources associated with the role's rules"},
	 K_PATH, P_FLATTEN, {RO, "rules", "resources"}},
	{{"ka.req.service.type", S, 0, NULL, "When the request object refers to a service, the "
	  "service type"}, K_PATH, 0, {RO, "spec", "type"}},
	{{"ka.req.service.ports", S, LI, NULL, "When the request object refers to a service, the "
	  "service's ports"}, K_PATH, 0, {RO, "spec", "ports"}},
	{{"ka.req.pod.volumes.hostpath", S, LI, NULL, "When the request object refers to a pod, all "
	  "hostPath paths specified for all volumes"},
	 K_PATH, 0, {RO, "spec", "volumes", "hostPath", "path"}},
	{{"ka.req.volume.hostpath", S, KR, NULL, "Deprecated by ka.req.pod.volumes.hostpath. "
	  "\"true\" if a hostPath volume mounts the given path (a trailing * matches a prefix)"},
	 K_VOLUME_HOSTPATH, 0, {RO, "spec", "volumes"}},
	{{"ka.req.pod.volumes.flexvolume_driver", S, LI, NULL, "When the request object refers to a "
	  "pod, all flexvolume drivers specified for all volumes"},
	 K_PATH, 0, {RO, "spec", "volumes", "flexVolume", "driver"}},
	{{"ka.req.pod.volumes.volume_type", S, LI, NULL, "When the request object refers to a pod, "
	  "all volume types for all volumes"}, K_VOLUME_TYPE, 0, {RO, "spec", "volumes"}},
	{{"ka.resp.name", S, 0, NULL, "The response object name"},
	 K_PATH, 0, {"responseObject", "metadata", "name"}},
	{{"ka.response.code", S, 0, NULL, "The response code"},
	 K_PATH, 0, {"responseStatus", "code"}},
	{{"ka.response.reason", S, 0, NULL, "The response reason (usually present only for "
	  "failures)"}, K_PATH, 0, {"responseStatus", "reason"}},
	{{"ka.useragent", S, 0, NULL, "The useragent of the client who made the request to the "
	  "apiserver"}, K_PATH, 0, {"userAgent"}},
	{{"ka.sourceips", S, LI, NULL, "The IP addresses of the client who made the request to the "
	  "apiserver"}, K_PATH, P_FLATTEN, {"sourceIPs"}},
	{{"ka.cluster.name", S, 0, NULL, "The name of the k8s cluster"},
	 K_PATH, 0, {ANN, "cluster_name"}},
};
/* clang-format on */

/* The per-container sub-fields, for containers, initContainers and ephemeralContainers. */
static const struct {
	const char *suffix;
	enum kind kind;
	unsigned pflags;
	const char *sub[3];
	const char *desc;
} container_subs[] = {
    {"name", K_PATH, P_REQ_EACH, {"name"}, "the names of"},
    {"image", K_PATH, P_REQ_EACH, {"image"}, "the images of"},
    {"image.repository", K_REPO, 0, {"image"}, "the image repositories of"},
    {"command", K_JOIN, 0, {"command"}, "the commands of"},
    {"args", K_JOIN, 0, {"args"}, "the arguments of"},
    {"host_port", K_HOST_PORT, 0, {"ports"}, "the host ports of"},
    {"privileged", K_PATH, 0, {"securityContext", "privileged"}, "the privileged flags of"},
    {"allow_privilege_escalation",
     K_PATH,
     0,
     {"securityContext", "allowPrivilegeEscalation"},
     "the allowPrivilegeEscalation flags of"},
    {"read_only_fs",
     K_PATH,
     0,
     {"securityContext", "readOnlyRootFilesystem"},
     "the readOnlyRootFilesystem flags of"},
    {"run_as_user", K_PATH, 0, {"securityContext", "runAsUser"}, "the runAsUser uids of"},
    {"eff_run_as_user",
     K_EFF_USER,
     0,
     {"securityContext", "runAsUser"},
     "the effective uids (container, else pod, else 0) of"},
    {"run_as_group", K_PATH, 0, {"securityContext", "runAsGroup"}, "the runAsGroup gids of"},
    {"eff_run_as_group",
     K_EFF_GROUP,
     0,
     {"securityContext", "runAsGroup"},
     "the effective gids (container, else pod, else 0) of"},
    {"proc_mount", K_PATH, 0, {"securityContext", "procMount"}, "the procMount types of"},
    {"add_capabilities",
     K_PATH,
     0,
     {"securityContext", "capabilities", "add"},
     "the capabilities added to"},
};

static struct ka_field *table;
static unsigned ntable;
static char *fields_text;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void build_table(void)
{
	static const char *const fams[] = {"containers", "initContainers", "ephemeralContainers"};
	unsigned nbase = sizeof(base_fields) / sizeof(base_fields[0]);
	unsigned nsub = sizeof(container_subs) / sizeof(container_subs[0]);
	table = calloc(nbase + 3 * nsub, sizeof(*table));
	if (!table)
		return;
	/* containers first (as upstream lists them), after ka.req.configmap.obj */
	unsigned split = 0;
	while (strcmp(base_fields[split].f.name, "ka.req.configmap.obj"))
		split++;
	split++;
	for (unsigned i = 0; i < split; i++)
		table[ntable++] = base_fields[i];
	for (unsigned fam = 0; fam < 3; fam++) {
		for (unsigned s = 0; s < nsub; s++) {
			/* host_port exists for containers and initContainers only */
			if (container_subs[s].kind == K_HOST_PORT && fam == 2)
				continue;
			struct ka_field *f = &table[ntable++];
			char *name, *desc;
			if (asprintf(&name, "ka.req.pod.%s.%s", fams[fam],
				     container_subs[s].suffix) < 0 ||
			    asprintf(&desc,
				     "When the request object refers to a pod, %s the pod's %s",
				     container_subs[s].desc, fams[fam]) < 0)
				return;
			f->f = (struct skp_field){name, S, LI, NULL, desc};
			f->kind = container_subs[s].kind;
			f->pflags = container_subs[s].pflags;
			f->path[0] = RO;
			f->path[1] = "spec";
			f->path[2] = fams[fam];
			for (unsigned k = 0; k < 3 && container_subs[s].sub[k]; k++)
				f->path[3 + k] = container_subs[s].sub[k];
			f->arg = fams[fam];
		}
	}
	for (unsigned i = split; i < nbase; i++)
		table[ntable++] = base_fields[i];
	struct skp_field *fl = calloc(ntable, sizeof(*fl));
	if (!fl)
		return;
	for (unsigned i = 0; i < ntable; i++)
		fl[i] = table[i].f;
	fields_text = skp_fields_json(fl, ntable);
	free(fl);
}

/* The table and its text live as long as the library. */
__attribute__((destructor)) static void free_table(void)
{
	unsigned nbase = sizeof(base_fields) / sizeof(base_fields[0]);
	for (unsigned i = 0; table && i < ntable; i++) {
		bool generated = true;
		for (unsigned k = 0; k < nbase && generated; k++)
			generated = table[i].f.name != base_fields[k].f.name;
		if (generated) {
			free((char *)table[i].f.name);
			free((char *)table[i].f.desc);
		}
	}
	free(table);
	free(fields_text);
}

const char *k8s_fields_json(void)
{
	pthread_once(&once, build_table);
	return fields_text;
}

/* ---- values ------------------------------------------------------------------ */

struct vals {
	const char *v[MAX_VALUES];
	size_t len[MAX_VALUES];
	unsigned n;
	char *owned[MAX_VALUES]; /* rendered texts to free */
	unsigned nowned;
	bool fail;
};

static void vals_fini(struct vals *o)
{
	for (unsigned i = 0; i < o->nowned; i++)
		free(o->owned[i]);
}

static void add_text(struct vals *o, const char *s, size_t len)
{
	if (o->n < MAX_VALUES) {
		o->v[o->n] = s;
		o->len[o->n++] = len;
	}
}

static void add_owned(struct vals *o, char *s)
{
	if (!s)
		return;
	if (o->nowned >= MAX_VALUES || o->n >= MAX_VALUES) {
		free(s);
		return;
	}
	o->owned[o->nowned++] = s;
	add_text(o, s, strlen(s));
}

/* Strings raw, everything else compact JSON. */
static void add_json(struct vals *o, const cJSON *v)
{
	if (cJSON_IsString(v))
		add_text(o, v->valuestring, strlen(v->valuestring));
	else if (v && !cJSON_IsInvalid(v))
		add_owned(o, cJSON_PrintUnformatted(v));
}

static const cJSON *get(const cJSON *v, const char *key)
{
	return cJSON_IsObject(v) ? cJSON_GetObjectItemCaseSensitive(v, key) : NULL;
}

/*
 * Walk path from v; the first array met takes element idx (or every element
 * when idx < 0); later arrays fan out. Leaves go to leaf().
 */
typedef void (*leaf_fn)(const cJSON *leaf, const struct ka_field *f, struct vals *o,
			const cJSON *doc);

static void walk(const cJSON *v, const char *const *path, int64_t idx, bool idx_used,
		 const struct ka_field *f, struct vals *o, const cJSON *doc, leaf_fn leaf)
{
	while (*path) {
		if (cJSON_IsArray(v)) {
			if (!idx_used && idx >= 0) {
				v = cJSON_GetArrayItem(v, (int)idx);
				if (!v)
					return;
				idx_used = true;
				continue;
			}
			const cJSON *it;
			cJSON_ArrayForEach(it, v)
			{
				if ((f->pflags & P_REQ_EACH) && !path[1] && !get(it, *path)) {
					o->fail = true;
					return;
				}
				walk(it, path, idx, true, f, o, doc, leaf);
			}
			return;
		}
		v = get(v, *path++);
		if (!v)
			return;
	}
	/* a list that is the value itself: the index picks one of its elements */
	if (!idx_used && idx >= 0 && (f->pflags & P_FLATTEN) && cJSON_IsArray(v)) {
		const cJSON *it = cJSON_GetArrayItem(v, (int)idx);
		if (it)
			add_json(o, it);
		return;
	}
	leaf(v, f, o, doc);
}

static void leaf_plain(const cJSON *v, const struct ka_field *f, struct vals *o, const cJSON *doc)
{
	if ((f->pflags & P_FLATTEN) && cJSON_IsArray(v)) {
		const cJSON *it;
		cJSON_ArrayForEach(it, v) add_json(o, it);
		return;
	}
	if ((f->pflags & P_FLATTEN) && (f->f.flags & SKP_LIST)) {
		o->fail = true; /* a list field whose value is not an array */
		return;
	}
	add_json(o, v);
}

/* "nginx:1.2" → "nginx"; "reg:5000/app:tag" → "reg:5000/app"; "app@sha256:..." → "app". */
static void add_repo(struct vals *o, const char *image)
{
	size_t n = strcspn(image, "@");
	const char *slash = memrchr(image, '/', n);
	const char *colon =
	    memrchr(slash ? slash : image, ':', n - (size_t)((slash ? slash : image) - image));
	if (colon)
		n = (size_t)(colon - image);
	add_owned(o, strndup(image, n));
}

static void leaf_repo(const cJSON *v, const struct ka_field *f, struct vals *o, const cJSON *doc)
{
	if (cJSON_IsString(v))
		add_repo(o, v->valuestring);
}

static void leaf_join(const cJSON *v, const struct ka_field *f, struct vals *o, const cJSON *doc)
{
	if (!cJSON_IsArray(v))
		return;
	size_t len = 0;
	const cJSON *it;
	cJSON_ArrayForEach(it, v) len += (cJSON_IsString(it) ? strlen(it->valuestring) : 0) + 1;
	char *s = malloc(len + 1), *p = s;
	if (!s)
		return;
	cJSON_ArrayForEach(it, v)
	{
		if (p != s)
			*p++ = ' ';
		if (cJSON_IsString(it)) {
			size_t l = strlen(it->valuestring);
			memcpy(p, it->valuestring, l);
			p += l;
		}
	}
	*p = '\0';
	add_owned(o, s);
}

static void leaf_ports(const cJSON *v, const struct ka_field *f, struct vals *o, const cJSON *doc)
{
	const cJSON *it;
	cJSON_ArrayForEach(it, v)
	{
		const cJSON *p = get(it, "hostPort");
		add_json(o, p ? p : get(it, "containerPort"));
	}
}

static void extract_path(const struct ka_field *f, const cJSON *doc, int64_t idx, struct vals *o,
			 leaf_fn leaf)
{
	walk(doc, f->path, idx, false, f, o, doc, leaf);
}

/* Effective ids: per container (index applies), container value, else pod value, else 0. */
static void extract_eff(const struct ka_field *f, const cJSON *doc, int64_t idx, struct vals *o)
{
	const char *key = f->kind == K_EFF_USER ? "runAsUser" : "runAsGroup";
	const cJSON *spec = get(get(doc, RO), "spec");
	const cJSON *pod = get(get(spec, "securityContext"), key);
	const cJSON *cs = get(spec, f->arg), *c;
	if (!cJSON_IsArray(cs))
		return;
	int i = 0;
	cJSON_ArrayForEach(c, cs)
	{
		if (idx < 0 || i == idx) {
			const cJSON *own = get(get(c, "securityContext"), key);
			if (own)
				add_json(o, own);
			else if (pod)
				add_json(o, pod);
			else
				add_text(o, "0", 1);
		}
		i++;
	}
}

static void extract_volume_type(const cJSON *doc, int64_t idx, struct vals *o)
{
	const cJSON *vols = get(get(get(doc, RO), "spec"), "volumes"), *v;
	int i = 0;
	cJSON_ArrayForEach(v, vols)
	{
		if (idx < 0 || i == idx) {
			const cJSON *k;
			cJSON_ArrayForEach(k, v)
			{
				if (k->string && strcmp(k->string, "name"))
					add_text(o, k->string, strlen(k->string));
			}
		}
		i++;
	}
}

static void extract_volume_hostpath(const cJSON *doc, int64_t idx, const char *key, struct vals *o)
{
	const cJSON *vols = get(get(get(doc, RO), "spec"), "volumes"), *v;
	size_t klen = strlen(key);
	bool prefix = klen && key[klen - 1] == '*';
	bool found = false;
	int i = 0;
	cJSON_ArrayForEach(v, vols)
	{
		const cJSON *p = get(get(v, "hostPath"), "path");
		if ((idx < 0 || i == idx) && cJSON_IsString(p)) {
			if (prefix ? !strncmp(p->valuestring, key, klen - 1)
				   : !strcmp(p->valuestring, key))
				found = true;
		}
		i++;
	}
	add_text(o, found ? "true" : "false", found ? 4 : 5);
}

static void extract_subjects(const struct ka_field *f, const cJSON *doc, const char *key,
			     struct vals *o)
{
	const cJSON *subs = get(get(doc, RO), "subjects"), *s;
	bool has = false;
	cJSON_ArrayForEach(s, subs)
	{
		const cJSON *kind = get(s, "kind"), *name = get(s, "name"),
			    *ns = get(s, "namespace");
		if (!cJSON_IsString(name))
			continue;
		switch (f->kind) {
		case K_SUBJECT_NAMES:
			if (cJSON_IsString(kind) && !strcmp(kind->valuestring, f->arg))
				add_json(o, name);
			break;
		case K_SUBJECT_SA_NS:
			if (cJSON_IsString(kind) && !strcmp(kind->valuestring, "ServiceAccount")) {
				char *t;
				if (asprintf(&t, "%s:%s", cJSON_IsString(ns) ? ns->valuestring : "",
					     name->valuestring) >= 0)
					add_owned(o, t);
			}
			break;
		default: /* K_HAS_NAME */
			has |= !strcmp(name->valuestring, key);
			break;
		}
	}
	if (f->kind == K_HAS_NAME && subs)
		add_text(o, has ? "true" : "false", has ? 4 : 5);
}

static int hexval(char c)
{
	return c >= '0' && c <= '9'   ? c - '0'
	       : c >= 'a' && c <= 'f' ? c - 'a' + 10
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10
				      : -1;
}

/* URL-decode [s, s+n) ('+' is a space, %XX a byte). */
static char *url_decode(const char *s, size_t n)
{
	char *out = malloc(n + 1), *p = out;
	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '+') {
			*p++ = ' ';
		} else if (s[i] == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 &&
			   hexval(s[i + 2]) >= 0) {
			*p++ = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
			i += 2;
		} else {
			*p++ = s[i];
		}
	}
	*p = '\0';
	return out;
}

static void extract_uri_param(const cJSON *doc, const char *key, struct vals *o)
{
	const cJSON *uri = get(doc, "requestURI");
	if (!cJSON_IsString(uri) || !key)
		return;
	const char *q = strchr(uri->valuestring, '?');
	if (!q)
		return;
	for (const char *p = q + 1; *p;) {
		size_t n = strcspn(p, "&;");
		const char *eq = memchr(p, '=', n);
		size_t klen = eq ? (size_t)(eq - p) : n;
		char *k = url_decode(p, klen);
		bool hit = k && !strcmp(k, key);
		free(k);
		if (hit) {
			add_owned(o, eq ? url_decode(eq + 1, n - klen - 1) : strdup(""));
			return;
		}
		p += n;
		if (*p)
			p++;
	}
}

static void extract(const struct ka_field *f, const cJSON *doc, const ss_plugin_extract_field *in,
		    struct vals *o)
{
	int64_t idx = skp_has_index(in) ? (int64_t)in->arg_index : -1;
	const cJSON *cs;
	switch (f->kind) {
	case K_PATH:
		extract_path(f, doc, idx, o, leaf_plain);
		break;
	case K_REPO:
		extract_path(f, doc, idx, o, leaf_repo);
		break;
	case K_JOIN:
		extract_path(f, doc, idx, o, leaf_join);
		break;
	case K_HOST_PORT:
		extract_path(f, doc, idx, o, leaf_ports);
		break;
	case K_EFF_USER:
	case K_EFF_GROUP:
		extract_eff(f, doc, idx, o);
		break;
	case K_VOLUME_TYPE:
		extract_volume_type(doc, idx, o);
		break;
	case K_VOLUME_HOSTPATH:
		extract_volume_hostpath(doc, idx, in->arg_key ? in->arg_key : "", o);
		break;
	case K_C0_IMAGE:
	case K_C0_REPO:
		cs = cJSON_GetArrayItem(get(get(get(doc, RO), "spec"), "containers"), 0);
		if (cJSON_IsString(get(cs, "image"))) {
			if (f->kind == K_C0_IMAGE)
				add_json(o, get(cs, "image"));
			else
				add_repo(o, get(cs, "image")->valuestring);
		}
		break;
	case K_ANY_PRIVILEGED: {
		const cJSON *arr = get(get(get(doc, RO), "spec"), "containers"), *c;
		if (!cJSON_IsArray(arr) || !cJSON_GetArraySize(arr))
			break;
		bool any = false;
		cJSON_ArrayForEach(c, arr) any |=
		    cJSON_IsTrue(get(get(c, "securityContext"), "privileged"));
		add_text(o, any ? "true" : "false", any ? 4 : 5);
		break;
	}
	case K_TARGET_POD: {
		const cJSON *ref = get(doc, "objectRef");
		const cJSON *res = get(ref, "resource"), *sub = get(ref, "subresource");
		if (cJSON_IsString(res) && !strcmp(res->valuestring, "pods") &&
		    (!sub || (cJSON_IsString(sub) && !sub->valuestring[0])))
			extract_path(f, doc, -1, o, leaf_plain);
		break;
	}
	case K_SUBJECT_NAMES:
	case K_SUBJECT_SA_NS:
	case K_HAS_NAME:
		extract_subjects(f, doc, in->arg_key ? in->arg_key : "", o);
		break;
	case K_URI_PARAM:
		extract_uri_param(doc, in->arg_key, o);
		break;
	}
}

static const cJSON *event_doc(struct k8s_state *st, const ss_plugin_event_input *ev)
{
	if (st->doc && st->evtnum == ev->evtnum)
		return st->doc;
	cJSON_Delete(st->doc);
	st->doc = NULL;
	st->evtnum = 0;
	uint32_t len;
	const uint8_t *p = skp_event_payload(ev->evt, &len);
	if (!p || !len || (p[0] != '{' && p[0] != '[')) {
		skp_errorf(st->err, "the event payload is not a JSON object");
		return NULL;
	}
	st->doc = cJSON_ParseWithLength((const char *)p, len);
	if (!st->doc) {
		skp_errorf(st->err, "the event payload is not valid JSON");
		return NULL;
	}
	st->evtnum = ev->evtnum;
	return st->doc;
}

ss_plugin_rc k8s_extract(struct k8s_state *st, const ss_plugin_event_input *ev,
			 const ss_plugin_field_extract_input *in)
{
	pthread_once(&once, build_table);
	skp_arena_reset(&st->arena);
	const cJSON *doc = event_doc(st, ev);
	if (!doc)
		return SS_PLUGIN_FAILURE;
	bool audit = get(doc, "auditID") != NULL;
	for (uint32_t i = 0; i < in->num_fields; i++) {
		ss_plugin_extract_field *fld = &in->fields[i];
		fld->res_len = 0;
		if (fld->field_id >= ntable) {
			skp_errorf(st->err, "unknown field id %u", fld->field_id);
			return SS_PLUGIN_FAILURE;
		}
		if (!audit)
			continue;
		const struct ka_field *f = &table[fld->field_id];
		if (!st->vals && !(st->vals = malloc(sizeof(struct vals)))) {
			skp_errorf(st->err, "out of memory");
			return SS_PLUGIN_FAILURE;
		}
		struct vals *o = st->vals;
		o->n = o->nowned = 0;
		o->fail = false;
		extract(f, doc, fld, o);
		int rc = o->fail ? -EINVAL : 0;
		if (rc)
			skp_errorf(st->err, "%s: the event does not have the expected shape",
				   f->f.name);
		else if (o->n && !(f->f.flags & SKP_LIST) && o->n > 1)
			o->n = 1;
		if (!rc && o->n)
			rc = skp_res_strs(&st->arena, fld, o->v, o->len, o->n);
		vals_fini(o);
		if (rc) {
			if (rc == -ENOMEM)
				skp_errorf(st->err, "out of memory");
			return SS_PLUGIN_FAILURE;
		}
	}
	return SS_PLUGIN_SUCCESS;
}
