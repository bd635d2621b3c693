/* SPDX-License-Identifier: Apache-2.0 */
/*
 * System state rebuilt from a stream of events: the thread table, each
 * process's fd table, and the users/groups of the capture host. Fed with the
 * metadata records of a capture (process, fd, user lists) and then with every
 * event, in order. sysdig-compatible: the same event leaves the same state.
 */
#ifndef SAKER_STATE_H
#define SAKER_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "saker/event.h"
#include "saker/scap.h"
#include "../engine/field.h"
#include "u64map.h"

/* Caps. */
#define SK_STATE_COMM_MAX 256u
#define SK_STATE_FDNAME_MAX 1024u
#define SK_STATE_MAX_THREADS 262144u  /* as Falco's thread_table_size */
#define SK_STATE_MAX_FDS 65536u	      /* per process */
#define SK_STATE_ENTER_MAX 4096u      /* bytes kept of a thread's last enter event */
#define SK_STATE_MAX_CONTAINERS 4096u /* containers with metadata */
#define SK_STATE_MAX_MOUNTS 64u	      /* mounts kept per container */
#define SK_STATE_STR_MAX 4096u	      /* longest container metadata string kept */
#define SK_STATE_PROCSTR_MAX 65536u   /* longest args/env/cgroups list kept */
#define SK_STATE_THREAD_TIMEOUT_NS (30ull * 60 * 1000000000) /* as Falco's thread_timeout */
#define SK_STATE_SWEEP_INTERVAL_NS (60ull * 1000000000)	     /* event time between sweeps */
#define SK_STATE_CID_SHORT 12u				     /* container.id */
#define SK_STATE_CID_FULL 64u				     /* container.full_id */

struct sk_fdinfo {
	int64_t fd;
	uint8_t type;	/* enum sk_fd_type (FILE_V2 is stored as FILE) */
	uint32_t flags; /* PPM open flags */
	uint64_t ino;
	uint32_t dev;
	/* sockets */
	uint8_t family;	 /* SK_AF_INET, SK_AF_INET6, SK_AF_UNIX, 0 */
	uint8_t l4proto; /* scap l4proto: 2 tcp, 3 udp, 4 icmp, 5 raw */
	uint8_t sip[16], dip[16];
	uint16_t sport, dport; /* s = client, d = server once the role is known */
	bool is_server;	       /* this process is the server end */
	bool connected;	       /* connect/accept gave it a peer */
	bool role_known;       /* endpoints known: client or server (not sysdig's role none) */
	/* path, "a:b->c:d", unix path... as sysdig shows it; heap, NULL = "" (sk_fdinfo_name) */
	char *name;
};

/* One process's fds, shared by its threads. */
struct sk_fdtable {
	unsigned refs;
	struct sk_u64map fds; /* fd -> struct sk_fdinfo * */
};

struct sk_thread {
	int64_t tid, pid, ptid, sid, vtid, vpid, vpgid;
	char comm[SK_STATE_COMM_MAX];
	char *exe, *exepath, *cwd, *root;
	char *args; /* NUL-separated */
	uint32_t args_len;
	char *env;
	uint32_t env_len;
	char *cgroups;
	uint32_t cgroups_len;
	uint32_t uid, gid, loginuid;
	uint32_t flags; /* PPM_CL_* */
	int64_t fdlimit;
	uint64_t cap_permitted, cap_effective, cap_inheritable;
	uint32_t vmsize_kb, vmrss_kb, vmswap_kb;
	uint64_t pfmajor, pfminor;
	uint32_t tty;
	uint64_t clone_ts;
	uint64_t pidns_init_start_ts;
	uint64_t exe_ino, exe_ino_ctime, exe_ino_mtime;
	bool exe_writable, exe_upper_layer, exe_lower_layer, exe_from_memfd;
	struct sk_fdtable *fdt;
	/* sinsp's "last event fd": set by enter events that use an fd and by fd-creating exits */
	int64_t lastevent_fd;
	uint16_t lastevent_type; /* code of the last enter event */
	uint64_t lastevent_ts;	 /* its timestamp */
	uint64_t last_seen_ts;	 /* ts of the thread's last event (0: none yet) */
	/* from the cgroups: "" on the host */
	char container_id[SK_STATE_CID_SHORT + 1];
	char container_full_id[SK_STATE_CID_FULL + 1];
	uint8_t container_type; /* enum sk_container_type */
	/* the last enter event of this thread, for exit events that lack its parameters */
	uint8_t *enter;
	uint32_t enter_len;
};

struct sk_user {
	uint32_t uid, gid;
	char name[SK_SCAP_USER_STR_MAX + 1];
	char homedir[SK_SCAP_USER_STR_MAX + 1];
	char shell[SK_SCAP_USER_STR_MAX + 1];
};

struct sk_group {
	uint32_t gid;
	char name[SK_SCAP_USER_STR_MAX + 1];
};

/* Container runtimes, numbered as libsinsp's container types. */
enum sk_container_type {
	SK_CT_DOCKER = 0,
	SK_CT_LXC = 1,
	SK_CT_LIBVIRT_LXC = 2,
	SK_CT_MESOS = 3,
	SK_CT_RKT = 4,
	SK_CT_CUSTOM = 5,
	SK_CT_CRI = 6,
	SK_CT_CONTAINERD = 7,
	SK_CT_CRIO = 8,
	SK_CT_BPM = 9,
	SK_CT_STATIC = 10,
	SK_CT_PODMAN = 11,
	SK_CT_NONE = 255, /* the host */
};

struct sk_container_mount {
	char *source, *dest, *mode, *propagation;
	bool rdwr;
};

/* Metadata of one container, from the capture's container events. */
struct sk_container {
	char id[SK_STATE_CID_SHORT + 1];
	uint8_t type; /* enum sk_container_type */
	char *name, *image, *image_id, *image_repository, *image_tag, *image_digest, *ip;
	char *healthcheck, *liveness_probe, *readiness_probe; /* NULL = none */
	bool privileged;
	uint64_t start_ts;
	struct sk_container_mount mounts[SK_STATE_MAX_MOUNTS];
	unsigned nmounts;
};

/*
 * Container and pod metadata from outside the event stream (agent/k8s: the
 * node's pods from the API server). The state ops consult it for a
 * container the stream has no metadata for (container.*) and for every
 * k8s.* field. Views borrow from the provider until the next event.
 */
struct sk_meta_provider {
	void *ctx;
	bool (*container)(void *ctx, const char *id, struct sk_container_view *out);
	bool (*k8s)(void *ctx, const char *container_id, enum sk_k8s_kind k,
		    struct sk_k8s_view *out);
};

struct sk_state {
	const struct sk_meta_provider
	    *meta;		     /* NULL: the process default (sk_state_meta_set_default) */
	struct sk_u64map threads;    /* tid -> struct sk_thread * */
	/*
	 * The last thread found by sk_state_thread: an event asks for its own
	 * thread several times (state parsers, every proc.* field). Cleared
	 * whenever a thread leaves the table.
	 */
	int64_t cached_tid;
	struct sk_thread *cached_thread;
	struct sk_u64map containers; /* hash of the short id -> struct sk_container * */
	struct sk_u64map users;	     /* uid -> struct sk_user * */
	struct sk_u64map groups;     /* gid -> struct sk_group * */
	struct sk_scap_machine machine;
	bool have_machine;
	/* the capture host's IPv4 interface addresses (for local/remote decisions) */
	uint32_t ifaddrs[16];
	unsigned nifaddrs;
	/* counters */
	uint64_t events;
	uint64_t threads_dropped; /* not added: SK_STATE_MAX_THREADS reached */
	uint64_t threads_evicted; /* removed after SK_STATE_THREAD_TIMEOUT_NS without events */
	uint64_t last_sweep_ts;
	uint64_t fds_dropped;
	uint64_t containers_dropped; /* not added: SK_STATE_MAX_CONTAINERS reached or bad JSON */
	uint64_t strings_capped;     /* args/env/cgroups cut at SK_STATE_PROCSTR_MAX */
	/* table sizes stored at each event for readers on other threads (sk_state_get_stats) */
	uint64_t shown_threads, shown_containers, shown_users, shown_groups;
	/* The current event renamed this fd (a UDP socket's new peer). */
	bool name_changed;
	int64_t name_changed_tid, name_changed_fd;
	/* A close whose fd stays visible until sk_state_after_event. */
	bool close_pending;
	int64_t close_tid, close_fd;
	/* Scratch for the views handed to the rules engine (valid until the next event). */
	struct sk_mount_view mount_views[SK_STATE_MAX_MOUNTS];
};

void sk_state_init(struct sk_state *s);
void sk_state_fini(struct sk_state *s);
/* Forget everything (a new capture section starts). */
void sk_state_reset(struct sk_state *s);

/* A state's table sizes and counters, as another thread may read them. */
struct sk_state_stats {
	uint64_t threads, containers, users, groups; /* entries, as of the latest event */
	uint64_t threads_dropped, threads_evicted, fds_dropped, containers_dropped;
	uint64_t strings_capped;
};

/*
 * Fill out with s's table sizes and counters. Safe to call from any thread
 * while another feeds s (the sizes are those stored at the start of the
 * latest event; the counters are read and written with relaxed atomics).
 */
void sk_state_get_stats(const struct sk_state *s, struct sk_state_stats *out);

/* Apply a metadata item of a capture (process, fd, user lists, machine). */
int sk_state_apply_item(struct sk_state *s, const struct sk_scap_item *item);

/*
 * Apply one event. Called before the event is shown or matched, as libsinsp
 * does: an open exit's fd is already in the table when it prints.
 */
void sk_state_apply_event(struct sk_state *s, const struct sk_evt *e);

/*
 * After the event was shown: removals that sysdig performs once the event
 * has been consumed (procexit drops the thread).
 */
void sk_state_after_event(struct sk_state *s, const struct sk_evt *e);

/* fi's name, "" when it has none. */
const char *sk_fdinfo_name(const struct sk_fdinfo *fi);

/* Replace fi's name by a printf-formatted one, cut at SK_STATE_FDNAME_MAX - 1 bytes. */
void sk_fdinfo_set_name(struct sk_fdinfo *fi, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Whether fd.* fields look at events of this code (sysdig's fd events). */
bool sk_state_is_fd_event(uint16_t code);

/* Borrowed lookups; NULL when unknown. */
struct sk_thread *sk_state_thread(const struct sk_state *s, int64_t tid);
struct sk_fdinfo *sk_state_fd(const struct sk_state *s, int64_t tid, int64_t fd);
const struct sk_user *sk_state_user(const struct sk_state *s, uint32_t uid);
const struct sk_group *sk_state_group(const struct sk_state *s, uint32_t gid);

/*
 * Container id of a cgroup list ("subsys=path" entries, each NUL-terminated):
 * docker, containerd/cri-containerd, cri-o, podman, systemd scopes and
 * cgroupfs kubepods/.../<id>, cgroup v1 and v2. Writes the 64-character id
 * into full (cap SK_STATE_CID_FULL + 1) and returns the runtime, or
 * SK_CT_NONE (full = "") on the host.
 */
enum sk_container_type sk_container_id_from_cgroups(const char *cgroups, uint32_t len, char *full);

/* Borrowed container by short id; NULL when the capture had no metadata for it. */
const struct sk_container *sk_state_container(const struct sk_state *s, const char *id);

/* Apply a container event's JSON (codes 272/324) or legacy fields (228). */
int sk_state_apply_container_json(struct sk_state *s, const char *json, size_t len);

/*
 * Load users and groups from ROOT/etc/passwd and ROOT/etc/group (live use;
 * root "" is the host). Entries replace those with the same id. Returns 0,
 * or -errno with the file named in err.
 */
int sk_state_load_host_users(struct sk_state *s, const char *root, char *err, size_t errlen);

/* The fd type character sysdig shows: 'f', 'd', '4', '6', 'u', 'p', ... */
char sk_fd_typechar(uint8_t type);

/*
 * The metadata provider of every sk_state whose meta is NULL (the agent sets
 * it once at start, before events flow; p must outlive them). NULL = none.
 */
void sk_state_meta_set_default(const struct sk_meta_provider *p);
/* s's provider: s->meta, else the default; NULL when none. */
const struct sk_meta_provider *sk_state_meta(const struct sk_state *s);

/* The rules engine's state hook over struct sk_state (ctx->state = the sk_state). */
extern const struct sk_state_ops sk_state_field_ops;

/* A resolver for sk_param_render / sk_evt_render_args backed by s. */
void sk_state_resolver(struct sk_state *s, struct sk_render_resolver *res);

#endif
