/* SPDX-License-Identifier: Apache-2.0 */
/* Live captures for Debian sysdig: probe exit events -> 2022 enter+exit pairs; rebuilt enter events. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../../agent/live_capture.h"
#include "saker/probe.h"

static uint8_t buf[4096];

static size_t build(uint8_t *out, uint16_t code, unsigned n, const void *const *params,
		    const uint16_t *lens)
{
	struct sk_evt_hdr h = {.ts = 1000, .tid = 77, .type = code, .nparams = n};
	size_t off = sizeof(h) + n * 2u;
	for (unsigned i = 0; i < n; i++) {
		memcpy(out + sizeof(h) + i * 2u, &lens[i], 2);
		memcpy(out + off, params[i], lens[i]);
		off += lens[i];
	}
	h.len = (uint32_t)off;
	memcpy(out, &h, sizeof(h));
	return off;
}

static void parse(struct sk_evt *e, const void *p, size_t len)
{
	char err[128];
	assert_int_equal(sk_evt_parse(e, p, len, err, sizeof(err)), 0);
}

/* ptrace exit: res, addr, data, request, pid (addr/data: DYN = selector byte + u64). */
static size_t ptrace_x(uint8_t *out)
{
	int64_t res = 0, pid = 1234;
	uint8_t dyn[9] = {0};
	uint16_t req = 0xb; /* PTRACE_ATTACH */
	const void *p[] = {&res, dyn, dyn, &req, &pid};
	uint16_t l[] = {8, 9, 9, 2, 8};
	return build(out, SK_EVT_PTRACE_X, 5, p, l);
}

static void test_pair_same_code(void **unused)
{
	struct sk_live_pair *pair = malloc(sizeof(*pair));
	struct sk_evt x, en;
	parse(&x, buf, ptrace_x(buf));
	assert_int_equal(sk_live_pair_build(pair, &x), 0);
	assert_int_equal(pair->nevents, 2);
	/* The exit is written as produced; the enter gets request and pid by name. */
	assert_ptr_equal(pair->evt[1], buf);
	parse(&en, pair->evt[0], pair->len[0]);
	assert_int_equal(en.hdr->type, SK_EVT_PTRACE_E);
	assert_int_equal(en.hdr->ts, 1000);
	assert_int_equal(en.hdr->tid, 77);
	assert_int_equal(en.nparams, 2);
	assert_int_equal(en.param_len[0], 2);
	assert_int_equal(*(const uint16_t *)en.param[0], 0xb);
	int64_t pid;
	assert_true(sk_evt_get_s64(&en, 1, &pid));
	assert_int_equal(pid, 1234);
	free(pair);
}

static void test_pair_alias_code(void **unused)
{
	/* dup2 (current 363: res, oldfd, newfd) is dup 124/125 for Debian sysdig. */
	struct sk_live_pair *pair = malloc(sizeof(*pair));
	int64_t res = 5, oldfd = 3, newfd = 5;
	const void *p[] = {&res, &oldfd, &newfd};
	uint16_t l[] = {8, 8, 8};
	struct sk_evt x, en, ex;
	parse(&x, buf, build(buf, SK_EVT_DUP2_X, 3, p, l));
	assert_int_equal(sk_live_pair_build(pair, &x), 0);
	assert_int_equal(pair->nevents, 2);
	parse(&en, pair->evt[0], pair->len[0]);
	parse(&ex, pair->evt[1], pair->len[1]);
	assert_int_equal(en.hdr->type, SK_EVT_DUP_E_124);
	assert_int_equal(ex.hdr->type, SK_EVT_DUP_X_125);
	int64_t v;
	assert_true(sk_evt_get_s64(&ex, 0, &v));
	assert_int_equal(v, 5);
	assert_true(ex.hdr->type < SK_SYSDIG2022_CODE_LIMIT && en.hdr->type < SK_SYSDIG2022_CODE_LIMIT);
	free(pair);
}

static void test_pair_generic(void **unused)
{
	/* memfd_create (405/406 today) has no 2022 event: the generic pair with ID and native number. */
	struct sk_live_pair *pair = malloc(sizeof(*pair));
	int64_t fd = 4;
	uint32_t flags = 1;
	const void *p[] = {&fd, "x", &flags};
	uint16_t l[] = {8, 2, 4};
	struct sk_evt x, en, ex;
	parse(&x, buf, build(buf, SK_EVT_MEMFD_CREATE_X, 3, p, l));
	assert_int_equal(sk_live_pair_build(pair, &x), 0);
	assert_int_equal(pair->nevents, 2);
	parse(&en, pair->evt[0], pair->len[0]);
	parse(&ex, pair->evt[1], pair->len[1]);
	assert_int_equal(en.hdr->type, SK_EVT_SYSCALL_E);
	assert_int_equal(ex.hdr->type, SK_EVT_SYSCALL_X);
	uint16_t id, native;
	memcpy(&id, ex.param[0], 2);
	memcpy(&native, ex.param[1], 2);
	/* Its ppm_sc (342) is past Debian sysdig's table: "unknown", the native number stays. */
	assert_true(sk_syscall_ppm_sc((unsigned)sk_syscall_nr("memfd_create")) > SK_SYSDIG2022_PPM_SC_MAX);
	assert_int_equal(id, 0);
	assert_int_equal(native, sk_syscall_nr("memfd_create"));
	memcpy(&id, en.param[0], 2);
	assert_int_equal(id, 0);

	/* A probe generic event (getpid) keeps an ID sysdig knows. */
	uint16_t gid = 16, gnative = 39;
	const void *gp[] = {&gid, &gnative};
	uint16_t gl[] = {2, 2};
	parse(&x, buf, build(buf, SK_EVT_SYSCALL_X, 2, gp, gl));
	assert_int_equal(sk_live_pair_build(pair, &x), 0);
	parse(&en, pair->evt[0], pair->len[0]);
	assert_int_equal(en.hdr->type, SK_EVT_SYSCALL_E);
	memcpy(&id, en.param[0], 2);
	memcpy(&native, en.param[1], 2);
	assert_int_equal(id, 16);
	assert_int_equal(native, 39);
	free(pair);
}

static void test_pair_tracepoint_alone(void **unused)
{
	struct sk_live_pair *pair = malloc(sizeof(*pair));
	int64_t st = 0, ret = 0, reaper = 0;
	uint8_t sig = 0, core = 0;
	const void *p[] = {&st, &ret, &sig, &core, &reaper};
	uint16_t l[] = {8, 8, 1, 1, 8};
	struct sk_evt x;
	const struct sk_event_info *info = sk_event_info_get(SK_EVT_PROCEXIT_E);
	parse(&x, buf, build(buf, SK_EVT_PROCEXIT_E, info->nparams < 5 ? info->nparams : 5, p, l));
	assert_int_equal(sk_live_pair_build(pair, &x), 0);
	assert_int_equal(pair->nevents, 1);
	assert_ptr_equal(pair->evt[0], buf);
	free(pair);
}

static void test_enter_build(void **unused)
{
	struct sk_evt x, en;
	static uint8_t out[SK_LIVE_PAIR_EVT_MAX];
	size_t len;
	parse(&x, buf, ptrace_x(buf));
	assert_int_equal(sk_live_enter_build(out, sizeof(out), &len, &x), 0);
	parse(&en, out, len);
	assert_int_equal(en.hdr->type, SK_EVT_PTRACE_E);
	assert_int_equal(*(const uint16_t *)en.param[0], 0xb);
	/* Too small a buffer is refused, not overrun. */
	assert_int_equal(sk_live_enter_build(out, 30, &len, &x), -E2BIG);
	/* An enter event has no enter to rebuild. */
	assert_int_equal(sk_live_enter_build(out, sizeof(out), &len, &en), -EINVAL);
}

/* Pairs written to a file read back in order through the scap reader. */
static void test_write_read_back(void **unused)
{
	char path[] = "/tmp/saker-test-live-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	char err[256];
	struct sk_scap_writer *w;
	assert_int_equal(sk_scap_writer_open(&w, path, NULL, err, sizeof(err)), 0);
	struct sk_live_pair *pair = malloc(sizeof(*pair));
	struct sk_evt x;
	parse(&x, buf, ptrace_x(buf));
	x.cpu = 1;
	assert_int_equal(sk_live_pair_write(w, pair, &x, err, sizeof(err)), 0);
	assert_int_equal(sk_scap_writer_close(w, err, sizeof(err)), 0);
	struct sk_scap_reader *r;
	assert_int_equal(sk_scap_reader_open(&r, path, err, sizeof(err)), 0);
	struct sk_scap_item it;
	uint16_t codes[4];
	unsigned n = 0;
	while (sk_scap_reader_next(r, &it, err, sizeof(err)) > 0)
		if (it.kind == SK_SCAP_EVENT && n < 4)
			codes[n++] = it.event.hdr->type;
	sk_scap_reader_free(r);
	unlink(path);
	free(pair);
	assert_int_equal(n, 2);
	assert_int_equal(codes[0], SK_EVT_PTRACE_E);
	assert_int_equal(codes[1], SK_EVT_PTRACE_X);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pair_same_code),     cmocka_unit_test(test_pair_alias_code),
		cmocka_unit_test(test_pair_generic),       cmocka_unit_test(test_pair_tracepoint_alone),
		cmocka_unit_test(test_enter_build),        cmocka_unit_test(test_write_read_back),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
