/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fields: the registry of field classes (evt, proc, fd, ..., plugin classes)
 * and the interface through which the compiled filter extracts values from an
 * event. Each class is a static table plus one extract function; the state
 * engine and plugins plug their classes in here.
 */
#ifndef SAKER_ENGINE_FIELD_H
#define SAKER_ENGINE_FIELD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "saker/event.h"

/* A callback taking one name (not NUL-terminated: len bytes). */
typedef void (*sk_filter_name_fn)(void *ctx, const char *name, size_t len);

/* Field flags. */
enum sk_field_flags {
	SK_FIELD_LIST = 1 << 0,		/* extracts zero or more values */
	SK_FIELD_ARG_REQUIRED = 1 << 1, /* name[arg] mandatory */
	SK_FIELD_ARG_ALLOWED = 1 << 2,	/* name[arg] optional */
	SK_FIELD_ARG_INDEX = 1 << 3,	/* the argument is a number */
	SK_FIELD_ARG_KEY = 1 << 4,	/* the argument is a string key / path / JSON pointer */
	SK_FIELD_NO_RHS = 1 << 5,	/* boolean field usable without operator */
	SK_FIELD_DEPRECATED = 1 << 6,
	SK_FIELD_HIDDEN = 1 << 7,     /* not shown by --list */
	SK_FIELD_PRINT_ONLY = 1 << 8, /* may not be used in conditions */
	SK_FIELD_NAME_ARG =
	    1 << 9, /* evt.arg.NAME / evt.rawarg.NAME: the suffix after the name is the arg */
};

struct sk_field {
	const char *name; /* full name, "proc.aname" */
	uint8_t
	    type; /* enum sk_param_type: PT_CHARBUF, PT_INT64, PT_UINT64, PT_BOOL, PT_IPADDR, ... */
	uint16_t flags; /* enum sk_field_flags */
	uint16_t id;	/* class-local id for the extractor's switch */
	const char *desc;
};

/* A value extracted from an event. Pointers are borrowed from the event or state. */
struct sk_value {
	uint8_t type; /* enum sk_param_type */
	uint8_t fmt;  /* enum sk_print_fmt for sk_value_render; 0 (PF_NA) = the type's default */
	uint32_t len; /* bytes of s/b (without NUL), or 4/16 for addresses */
	union {
		int64_t i;
		uint64_t u;
		double d;
		const char *s; /* not necessarily NUL-terminated: use len */
		const uint8_t *b;
	};
};

/* Most values one extraction may produce (list fields). */
#define SK_FIELD_MAX_VALUES 64u
/* Longest field name (with an evt.arg.NAME-style suffix) the registry resolves. */
#define SK_FIELD_NAME_MAX 256u
/* Most classes one registry holds (built-ins plus plugin classes). */
#define SK_FIELD_REGISTRY_MAX_CLASSES 256u

/*
 * State hook: what the syscall field classes (proc, thread, fd, user, group,
 * container, k8s, fs.path, fdlist, parts of evt) need from the state engine.
 * The state engine (agent/state) implements struct sk_state_ops and points
 * sk_eval_ctx.state_ops/state at itself; until it does, ctx->state_ops is
 * NULL and those fields extract no value. Views are filled by the callee with
 * pointers it owns, valid until the next event; strings are NUL-terminated,
 * "" when unknown.
 */
struct sk_thread_view {
	int64_t tid, pid;
	int64_t ptid; /* parent process id as the process's main thread records it (proc.ppid) */
	int64_t sid, vtid, vpid, vpgid, pgid;
	const char *comm;    /* proc.name */
	const char *exe;     /* argv[0] as seen by execve: proc.exe */
	const char *exepath; /* full executable path */
	const char *cwd;     /* with trailing '/' as sysdig keeps it */
	const char *args;    /* argv[1..], each entry NUL-terminated */
	uint32_t args_len;
	const char *env; /* KEY=VALUE entries, each NUL-terminated */
	uint32_t env_len;
	const char *cgroups; /* subsys=path entries, each NUL-terminated */
	uint32_t cgroups_len;
	const char *container_id;      /* 12 characters, "" on the host */
	const char *container_full_id; /* 64 characters as the cgroup names it, "" on the host */
	uint32_t uid, gid, loginuid, tty;
	int64_t fdlimit;
	uint64_t fdopencount;
	uint32_t nthreads, nchilds;
	uint32_t vmsize_kb, vmrss_kb, vmswap_kb;
	uint64_t pfmajor, pfminor;
	uint64_t clone_ts; /* ns since the epoch the thread started */
	uint64_t pidns_init_start_ts;
	uint64_t cap_permitted, cap_effective, cap_inheritable;
	uint64_t exe_ino, exe_ino_ctime, exe_ino_mtime;
	bool exe_writable, exe_upper_layer, exe_lower_layer, exe_from_memfd;
	/* Enter event of the syscall this exit event closes: ts (0 = unpaired). */
	uint64_t enter_ts;
	/*
	 * Code of the thread's last enter event (libsinsp's lastevent_type; any
	 * enter event, a context switch included, replaces it). An exit event
	 * is paired with its enter only when this is its code - 1.
	 */
	uint16_t enter_type;
};

struct sk_fd_view {
	int64_t fd;
	/*
	 * false: only fd is known (the event names an fd the table does not
	 * hold, or -1 before a syscall returned one); the rest is unset.
	 */
	bool in_table;
	uint8_t type;	     /* enum sk_fd_type */
	const char *name;    /* "/etc/passwd", "127.0.0.1:47192->127.0.0.1:80" */
	const char *nameraw; /* name as the syscall gave it */
	uint32_t open_flags;
	uint32_t dev;
	uint64_t ino;
	/* sockets: network byte order as in the file; family SK_AF_INET/INET6 */
	uint8_t family;
	uint8_t l4proto; /* IPPROTO_TCP/UDP/ICMP, 0 raw/unknown */
	uint8_t sip[16], dip[16];
	uint16_t sport, dport; /* host order */
	bool is_server;	       /* fd.is_server: a server socket, or the server address is this host's */
	bool local_is_client;  /* the client end is this host's (fd.lip/lport... pick it) */
	bool connected;
	bool name_changed; /* this event changed the fd's name */
};

struct sk_user_view {
	uint32_t uid;
	const char *name, *homedir, *shell;
};

struct sk_group_view {
	uint32_t gid;
	const char *name;
};

struct sk_mount_view {
	const char *source, *dest, *mode;
	bool rdwr;
	const char *propagation;
};

struct sk_container_view {
	const char *id, *name, *type, *image, *image_id, *image_repository, *image_tag,
	    *image_digest;
	bool privileged;
	uint64_t start_ts;
	const char *healthcheck, *liveness_probe, *readiness_probe; /* NULL = none */
	const struct sk_mount_view *mounts;
	unsigned nmounts;
	const char *ip; /* container.ip, "" when unknown */
	/* The pod's host namespaces (Kubernetes metadata); meaningful when host_ns_known. */
	bool host_ns_known;
	bool host_pid, host_network, host_ipc;
	const char *cni_json;
};

/* One Kubernetes object (pod, namespace, rc, rs, svc, deployment). */
struct sk_k8s_view {
	const char *name, *uid;
	const char *const *label_keys; /* nlabels entries */
	const char *const *label_values;
	unsigned nlabels;
};

enum sk_k8s_kind { SK_K8S_POD, SK_K8S_NS, SK_K8S_RC, SK_K8S_RS, SK_K8S_SVC, SK_K8S_DEPLOYMENT };

struct sk_state_ops {
	/* Thread tid (the event's thread, or an ancestor by pid). */
	bool (*thread)(void *state, int64_t tid, struct sk_thread_view *out);
	/* Parent thread of t's process (walks proc.aname/apid). */
	bool (*parent)(void *state, const struct sk_thread_view *t, struct sk_thread_view *out);
	/*
	 * The fd the current event refers to (sinsp's "last event fd"): false
	 * when the event concerns no fd; true with in_table false when the fd
	 * number is all that is known.
	 */
	bool (*event_fd)(void *state, const struct sk_evt *e, struct sk_fd_view *out);
	/* fd of thread tid (fdlist.*). */
	bool (*fd)(void *state, int64_t tid, int64_t fd, struct sk_fd_view *out);
	bool (*user)(void *state, uint32_t uid, const char *container_id, struct sk_user_view *out);
	bool (*group)(void *state, uint32_t gid, const char *container_id,
		      struct sk_group_view *out);
	bool (*container)(void *state, const char *id, struct sk_container_view *out);
	/* Kubernetes object of kind k that container id belongs to. */
	bool (*k8s)(void *state, const char *container_id, enum sk_k8s_kind k,
		    struct sk_k8s_view *out);
	/* Reverse DNS of an address (fd.*.name), "" unknown. */
	bool (*ip_name)(void *state, const uint8_t *addr, unsigned len, char *out, size_t cap);
};

/* Everything an extractor may look at for one event. */
struct sk_eval_ctx {
	const struct sk_evt *evt; /* the event (syscall source), or NULL */
	/*
	 * evt is an enter rebuilt from an exit-only probe's exit: only rules
	 * that need an enter event (enter_only) see it; the others see the exit.
	 */
	bool rebuilt_enter;
	uint64_t evtnum;	  /* evt.num: 1-based number in the stream */
	const char *source;	  /* "syscall", "k8s_audit", ... */
	const char *hostname;
	void *state;			      /* the agent's state engine, opaque to the engine */
	const struct sk_state_ops *state_ops; /* NULL: state fields extract nothing */
	/* Adds the (<f>/etc/passwd)-style parts to evt.arg/evt.args; may be NULL. */
	const struct sk_render_resolver *resolver;
	/*
	 * evt.reltime origin: ts of the first event of the stream that belongs
	 * to a thread (sysdig does not start the clock at tid -1 meta-events
	 * such as the container events at the head of a capture).
	 */
	uint64_t first_ts;
	uint64_t prev_ts; /* ts of the previous event (evt.deltatime); 0 = none */
	void *plugin_ctx; /* the plugin host for plugin sources */
	/*
	 * evt.pluginname (name_only) / evt.plugininfo of the event, written into
	 * out; returns the length, or -errno when the event has no producer
	 * plugin. NULL for sources without plugins.
	 */
	int (*plugin_info)(void *plugin_ctx, const struct sk_evt *e, const char *source,
			   bool name_only, char *out, size_t cap);
	char *scratch;	  /* per-thread buffer extractors may render into */
	size_t scratch_cap;
	size_t scratch_used; /* reset per event by the engine */
};

struct sk_field_class;

/*
 * A resolved reference to one field with its argument, made at compile time.
 * `prepared` is whatever the class computed from the argument at compile time
 * (an event parameter index, a parsed JSON pointer...).
 */
struct sk_field_ref {
	const struct sk_field_class *cls;
	const struct sk_field *field;
	const char *arg;   /* NULL when none; owned by the ref's creator, NUL-terminated */
	uint32_t arg_len;  /* strlen(arg) */
	int64_t arg_index; /* SK_FIELD_ARG_INDEX: parsed by prepare */
	intptr_t prepared;
};

struct sk_field_class {
	const char *name;   /* "process" */
	const char *source; /* "syscall"; NULL = every source */
	const char *desc;
	const struct sk_field *fields;
	unsigned nfields;
	/*
	 * Validate/prepare ref->arg at compile time (may be NULL). Return 0, or
	 * -EINVAL with a message in err ("invalid argument 'x' for proc.aname").
	 */
	int (*prepare)(struct sk_field_ref *ref, char *err, size_t errlen);
	/*
	 * Extract the field for ctx into vals (capacity cap). Returns the number
	 * of values (0 = no value, which the filter treats as "does not exist"),
	 * never more than cap. A field without SK_FIELD_LIST returns more than
	 * one value only where sysdig matches "any of" (proc.aname/apid/aexe/
	 * aexepath without an index: every ancestor from the parent up).
	 * Rendered text is written into ctx->scratch; a full scratch buffer
	 * gives no value rather than a cut one.
	 */
	int (*extract)(const struct sk_field_ref *ref, struct sk_eval_ctx *ctx,
		       struct sk_value *vals, unsigned cap);
};

struct sk_field_registry;

int sk_field_registry_new(struct sk_field_registry **out);
void sk_field_registry_free(struct sk_field_registry *r);

/*
 * Add a class (borrowed: must outlive the registry). A field name may appear
 * in several classes only when their sources differ and neither is NULL
 * (plugins of different sources); otherwise -EEXIST, and the registry is left
 * unchanged. -EINVAL for an empty name or one longer than SK_FIELD_NAME_MAX,
 * -ENOSPC past SK_FIELD_REGISTRY_MAX_CLASSES classes, -ENOMEM.
 */
int sk_field_registry_add(struct sk_field_registry *r, const struct sk_field_class *cls);

/*
 * Register every built-in class, in this order: evt (all sources), evt
 * (syscall), syscall, process, thread, user, group, container, fd, fdlist,
 * fs.path, k8s. On failure the classes added before the failing one stay.
 */
int sk_field_registry_add_builtin(struct sk_field_registry *r);

/*
 * Resolve `name` (without argument) for source; fills ref->cls/field.
 * Handles evt.arg.NAME-style fields (SK_FIELD_NAME_ARG): "evt.arg.flags"
 * resolves to evt.arg with arg "flags". Returns 0 or -ENOENT.
 * source NULL matches every class. For a NAME_ARG match ref->arg points into
 * name at the suffix (borrowed, not NUL-terminated) and ref->arg_len is its
 * length; the caller must replace it with its own NUL-terminated copy before
 * calling cls->prepare, which (like extract) relies on the terminator.
 * Otherwise ref->arg is NULL. ref->arg_index and ref->prepared are set to 0.
 */
int sk_field_registry_find(const struct sk_field_registry *r, const char *source, const char *name,
			   size_t len, struct sk_field_ref *ref);

/*
 * Longest field name that is a prefix of text (for output formats: "%proc.namefoo").
 * Returns its length, or 0 when none.
 */
size_t sk_field_registry_match_prefix(const struct sk_field_registry *r, const char *source,
				      const char *text, size_t len);

/* Iterate classes (for --list). Returns NULL past the end. */
const struct sk_field_class *sk_field_registry_class_at(const struct sk_field_registry *r,
							unsigned i);

/*
 * Render a value as text the way sysdig/Falco outputs print it: integers in
 * decimal (v->fmt may ask for PF_HEX "2D", PF_OCT "0666" or PF_10_PADDED_DEC
 * "000071348"), bools as true/false, strings as they are, byte buffers with
 * non-printable bytes as '.', addresses as 127.0.0.1 / 2001:db8::1, networks
 * (address bytes + prefix byte) as 10.0.0.0/8, doubles with one decimal.
 * Writes at most cap bytes, NUL-terminated when cap > 0; returns the length
 * needed without the NUL (like snprintf).
 */
size_t sk_value_render(const struct sk_value *v, char *out, size_t cap);

#endif
