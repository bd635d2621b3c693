/* SPDX-License-Identifier: Apache-2.0 */
#include "live_capture.h"

#include <errno.h>
#include <string.h>

#include "saker/probe.h"

/* Syscalls whose current event Debian sysdig knows under an older shared code (spec section 9). */
static const struct {
	const char *name;
	uint16_t exit_code;
} sk_2022_alias[] = {
	{"accept4", SK_EVT_ACCEPT_X}, {"pipe2", SK_EVT_PIPE_X},         {"eventfd2", SK_EVT_EVENTFD_X},
	{"dup", SK_EVT_DUP_X_125},     {"dup2", SK_EVT_DUP_X_125},       {"dup3", SK_EVT_DUP_X_125},
	{"umount2", SK_EVT_UMOUNT_X_259},  {"bpf", SK_EVT_BPF_X_297},            {"inotify_init1", SK_EVT_INOTIFY_INIT_X},
	{"signalfd4", SK_EVT_SIGNALFD_X},
};

static bool readable_2022(uint16_t code)
{
	const struct sk_event_info *info = sk_event_info_get(code);
	return code < SK_SYSDIG2022_CODE_LIMIT && info && info->n2022 >= 0;
}

/* Width of a fixed-size parameter type; 0 for variable-size ones (written empty). */
static size_t fixed_width(uint8_t type)
{
	switch (type) {
	case PT_INT8: case PT_UINT8: case PT_FLAGS8: case PT_ENUMFLAGS8: case PT_SIGTYPE:
	case PT_L4PROTO: case PT_SOCKFAMILY:
		return 1;
	case PT_INT16: case PT_UINT16: case PT_FLAGS16: case PT_ENUMFLAGS16: case PT_PORT:
	case PT_SYSCALLID:
		return 2;
	case PT_INT32: case PT_UINT32: case PT_FLAGS32: case PT_ENUMFLAGS32: case PT_UID:
	case PT_GID: case PT_MODE: case PT_IPV4ADDR: case PT_FD32: case PT_PID32: case PT_BOOL:
	case PT_SIGSET:
		return 4;
	case PT_INT64: case PT_UINT64: case PT_ERRNO: case PT_FD: case PT_PID: case PT_RELTIME:
	case PT_ABSTIME: case PT_DOUBLE:
		return 8;
	default:
		return 0;
	}
}

/*
 * Encode an event of code with nparams parameters of its table, each taken
 * by name from src (same size), else zero-filled (fixed) or empty (variable).
 */
static int build_by_name(uint8_t *buf, size_t cap, size_t *len, uint16_t code, unsigned nparams,
			 const struct sk_evt *src)
{
	const struct sk_event_info *info = sk_event_info_get(code);
	if (!info || nparams > info->nparams || nparams > SK_EVT_MAX_PARAMS)
		return -EINVAL;
	size_t off = SK_EVT_HDR_LEN + 2u * nparams;
	if (off > cap)
		return -E2BIG;
	uint16_t lens[SK_EVT_MAX_PARAMS];
	for (unsigned i = 0; i < nparams; i++) {
		const struct sk_param_info *pi = &info->params[i];
		int si = sk_evt_param_index(src, pi->name);
		const uint8_t *data = NULL;
		size_t n = fixed_width(pi->type);
		if (si >= 0 && (n == 0 || src->param_len[si] == n)) {
			data = src->param[si];
			n = src->param_len[si];
		}
		/* A missing path or string is "" (sysdig dereferences string parameters). */
		if (!data && (pi->type == PT_CHARBUF || pi->type == PT_FSPATH || pi->type == PT_FSRELPATH))
			n = 1;
		if (n > SK_PARAM_MAX_LEN || off + n > cap)
			return -E2BIG;
		if (data)
			memcpy(buf + off, data, n);
		else
			memset(buf + off, 0, n);
		lens[i] = (uint16_t)n;
		off += n;
	}
	struct sk_evt_hdr h = {
		.ts = src->hdr->ts,
		.tid = src->hdr->tid,
		.len = (uint32_t)off,
		.type = code,
		.nparams = nparams,
	};
	memcpy(buf, &h, sizeof(h));
	memcpy(buf + SK_EVT_HDR_LEN, lens, 2u * nparams);
	*len = off;
	return 0;
}

/* The generic pair: enter (ID, nativeID), exit (ID, nativeID). */
static int build_generic(struct sk_live_pair *pair, const struct sk_evt *e, uint16_t ppm_sc,
			 uint16_t native)
{
	uint8_t params[4];
	if (ppm_sc > SK_SYSDIG2022_PPM_SC_MAX)
		ppm_sc = 0; /* "unknown"; nativeID still names the syscall */
	memcpy(params, &ppm_sc, 2);
	memcpy(params + 2, &native, 2);
	uint16_t lens[2] = {2, 2};
	for (unsigned k = 0; k < 2; k++) {
		struct sk_evt_hdr h = {
			.ts = e->hdr->ts,
			.tid = e->hdr->tid,
			.len = SK_EVT_HDR_LEN + 4 + 4,
			.type = k == 0 ? SK_EVT_SYSCALL_E : SK_EVT_SYSCALL_X,
			.nparams = 2,
		};
		memcpy(pair->buf[k], &h, sizeof(h));
		memcpy(pair->buf[k] + SK_EVT_HDR_LEN, lens, 4);
		memcpy(pair->buf[k] + SK_EVT_HDR_LEN + 4, params, 4);
		pair->evt[k] = pair->buf[k];
		pair->len[k] = h.len;
	}
	pair->nevents = 2;
	return 0;
}

static uint16_t alias_exit_code(const char *name)
{
	for (size_t i = 0; i < sizeof(sk_2022_alias) / sizeof(sk_2022_alias[0]); i++)
		if (!strcmp(sk_2022_alias[i].name, name))
			return sk_2022_alias[i].exit_code;
	return 0;
}

int sk_live_pair_build(struct sk_live_pair *pair, const struct sk_evt *e)
{
	uint16_t code = e->hdr->type;
	const struct sk_event_info *info = e->info;
	pair->nevents = 0;
	if (info->dir == 'E' || !(info->category & SK_EC_SYSCALL)) {
		/* Tracepoint events (procexit) and enter events stand alone. */
		if (!readable_2022(code))
			return 0;
		pair->evt[0] = e->hdr;
		pair->len[0] = e->hdr->len;
		pair->nevents = 1;
		return 0;
	}
	if (code == SK_EVT_SYSCALL_X) {
		uint16_t id = 0, native = 0;
		if (e->nparams > 0 && e->param_len[0] == 2)
			memcpy(&id, e->param[0], 2);
		if (e->nparams > 1 && e->param_len[1] == 2)
			memcpy(&native, e->param[1], 2);
		return build_generic(pair, e, id, native);
	}
	uint16_t exit_code = code;
	/*
	 * Debian sysdig's execveat exit resolves the enter's dirfd in its own
	 * tables and crashes when the fd or thread is unknown to it (exec by fd
	 * from a memfd): write execveat as the execve pair, which carries the
	 * same exit parameters.
	 */
	if (code == SK_EVT_EXECVEAT_X)
		exit_code = SK_EVT_EXECVE_X;
	else if (!readable_2022(code)) {
		exit_code = alias_exit_code(info->name);
		if (!exit_code) {
			int nr = sk_syscall_nr(info->name);
			if (nr < 0)
				return 0;
			return build_generic(pair, e, sk_syscall_ppm_sc((unsigned)nr), (uint16_t)nr);
		}
	}
	const struct sk_event_info *enter = sk_event_info_get((uint16_t)(exit_code - 1));
	int rc = build_by_name(pair->buf[0], sizeof(pair->buf[0]), &pair->len[0],
			       (uint16_t)(exit_code - 1), (unsigned)(enter->n2022 > 0 ? enter->n2022 : 0), e);
	if (rc)
		return rc;
	pair->evt[0] = pair->buf[0];
	if (exit_code == code) {
		pair->evt[1] = e->hdr;
		pair->len[1] = e->hdr->len;
	} else {
		const struct sk_event_info *x = sk_event_info_get(exit_code);
		rc = build_by_name(pair->buf[1], sizeof(pair->buf[1]), &pair->len[1], exit_code,
				   x->nparams, e);
		if (rc)
			return rc;
		pair->evt[1] = pair->buf[1];
	}
	pair->nevents = 2;
	return 0;
}

int sk_live_enter_build(uint8_t *buf, size_t cap, size_t *len, const struct sk_evt *e)
{
	uint16_t code = e->hdr->type;
	const struct sk_event_info *enter = code ? sk_event_info_get((uint16_t)(code - 1)) : NULL;
	if (e->info->dir != 'X' || !enter || enter->dir != 'E' || strcmp(enter->name, e->info->name))
		return -EINVAL;
	return build_by_name(buf, cap, len, (uint16_t)(code - 1), enter->nparams, e);
}

int sk_live_pair_write(struct sk_scap_writer *w, struct sk_live_pair *scratch,
		       const struct sk_evt *e, char *err, size_t errlen)
{
	int rc = sk_live_pair_build(scratch, e);
	if (rc == -E2BIG)
		return 0; /* too large to rebuild: left out of the capture, as sysdig could not pair it */
	for (size_t i = 0; i < scratch->nevents && !rc; i++)
		rc = sk_scap_writer_write_event(w, scratch->evt[i], scratch->len[i], e->cpu, 0, err,
						errlen);
	return rc;
}
