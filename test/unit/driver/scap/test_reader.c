/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of driver/scap/reader.c: corpus captures, hand-built blocks, bad input. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "saker/scap.h"
#include "scap_build.h"

static char errbuf[1024];

static const char *corpus_dir(void)
{
	const char *d = getenv("SAKER_CORPUS");

	return d && *d ? d : "../shared/corpus";
}

static struct sk_scap_reader *open_tb(const struct tb *b)
{
	struct sk_scap_reader *r = NULL;

	assert_int_equal(sk_scap_reader_open_mem(&r, b->p, b->len, "t", errbuf, sizeof(errbuf)), 0);
	return r;
}

/* Next item, which must exist and be of kind. */
static void next_kind(struct sk_scap_reader *r, struct sk_scap_item *it, enum sk_scap_item_kind k)
{
	int rc = sk_scap_reader_next(r, it, errbuf, sizeof(errbuf));

	if (rc != 1)
		fail_msg("expected item kind %d, got rc %d: %s", (int)k, rc, errbuf);
	assert_int_equal(it->kind, k);
}

static void expect_end(struct sk_scap_reader *r)
{
	struct sk_scap_item it;
	int rc = sk_scap_reader_next(r, &it, errbuf, sizeof(errbuf));

	if (rc != 0)
		fail_msg("expected the end, got rc %d kind %d: %s", rc, (int)it.kind, errbuf);
}

/* Read everything from b and return the error (0 if none); err in errbuf. */
static int read_all_tb(const struct tb *b)
{
	struct sk_scap_reader *r = open_tb(b);
	struct sk_scap_item it;
	int rc;

	errbuf[0] = '\0';
	while ((rc = sk_scap_reader_next(r, &it, errbuf, sizeof(errbuf))) == 1)
		;
	if (rc < 0) { /* errors are sticky */
		char again[sizeof(errbuf)];

		assert_int_equal(sk_scap_reader_next(r, &it, again, sizeof(again)), rc);
		assert_string_equal(again, errbuf);
	}
	sk_scap_reader_free(r);
	return rc;
}

static void expect_error(const struct tb *b, const char *msg)
{
	int rc = read_all_tb(b);

	assert_true(rc < 0);
	assert_string_equal(errbuf, msg);
}

/* ---- corpus ---------------------------------------------------------------- */

struct corpus_expect {
	const char *file;
	unsigned total_events;
	unsigned last_visible; /* the last evt.num `sysdig -r` prints */
	unsigned procs, fds, users, ifaces;
	unsigned pl_version;
	uint16_t minor;
};

/* Counts cross-checked with Debian sysdig 0.29.3 (evt.num of its last line). */
static const struct corpus_expect corpus[] = {
    {"connect_localhost.scap", 374, 191, 184, 690, 112, 7, 7, 0},
    {"open-multiple-files.scap", 1272, 1181, 128, 685, 110, 8, 6, 0},
    {"ping_sendto.scap", 1526, 1389, 136, 674, 114, 10, 9, 2},
    {"run_as_user_0_container.scap", 4143, 4143, 124, 693, 122, 11, 9, 2},
    {"syscall.scap", 368, 190, 229, 773, 112, 7, 8, 1},
    {"write_tmp_test.scap", 229, 116, 124, 693, 122, 11, 9, 2},
};

static void test_corpus_reads_completely(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(corpus) / sizeof(corpus[0]); i++) {
		const struct corpus_expect *c = &corpus[i];
		char path[4096];
		struct sk_scap_reader *r;
		struct sk_scap_item it;
		unsigned n[16] = {0}, last_visible = 0;
		int rc;

		snprintf(path, sizeof(path), "%s/captures/%s", corpus_dir(), c->file);
		if (sk_scap_reader_open(&r, path, errbuf, sizeof(errbuf)))
			fail_msg("%s", errbuf);
		while ((rc = sk_scap_reader_next(r, &it, errbuf, sizeof(errbuf))) == 1) {
			n[it.kind]++;
			if (it.kind == SK_SCAP_SECTION) {
				assert_int_equal(it.section.major, 1);
				assert_int_equal(it.section.minor, c->minor);
			} else if (it.kind == SK_SCAP_PROC) {
				assert_int_equal(it.proc->version, c->pl_version);
			} else if (it.kind == SK_SCAP_EVENT) {
				uint16_t t = it.event.hdr->type;

				assert_non_null(it.event.info);
				/* sysdig numbers procinfo and container events but hides them */
				if (t != 234 && t != 272)
					last_visible = n[SK_SCAP_EVENT];
			}
		}
		if (rc != 0)
			fail_msg("%s: %s", c->file, errbuf);
		assert_int_equal(n[SK_SCAP_SECTION], 1);
		assert_int_equal(n[SK_SCAP_MACHINE], 1);
		assert_int_equal(n[SK_SCAP_EVENT], c->total_events);
		assert_int_equal(last_visible, c->last_visible);
		assert_int_equal(n[SK_SCAP_PROC], c->procs);
		assert_int_equal(n[SK_SCAP_FD], c->fds);
		assert_int_equal(n[SK_SCAP_USER], c->users);
		assert_int_equal(n[SK_SCAP_IFACE], c->ifaces);
		assert_true(sk_scap_reader_offset(r) > 0);
		sk_scap_reader_free(r);
	}
}

/* The first open exit of syscall.scap (legacy EV blocks) has the values sysdig prints. */
static void test_corpus_legacy_event_values(void **state)
{
	char path[4096];
	struct sk_scap_reader *r;
	struct sk_scap_item it;
	int rc;

	(void)state;
	snprintf(path, sizeof(path), "%s/captures/syscall.scap", corpus_dir());
	assert_int_equal(sk_scap_reader_open(&r, path, errbuf, sizeof(errbuf)), 0);
	while ((rc = sk_scap_reader_next(r, &it, errbuf, sizeof(errbuf))) == 1)
		if (it.kind == SK_SCAP_EVENT && it.event.hdr->type == 3)
			break;
	assert_int_equal(rc, 1);
	/* sysdig: 180 ... < open fd=3(<f>/etc/ld.so.cache) name=/etc/ld.so.cache flags=4097 mode=0
	 */
	assert_int_equal(it.event.hdr->ts, 1523545100492332843ull);
	assert_int_equal(it.event.hdr->tid, 16518);
	assert_int_equal(it.event.nparams, 4);
	assert_int_equal(it.event.hdr->nparams, 4);
	assert_string_equal((const char *)it.event.param[1], "/etc/ld.so.cache");
	sk_scap_reader_free(r);
}

/* ---- hand-built files ------------------------------------------------------- */

static void put_mi(struct tb *b, uint32_t type)
{
	char host[128] = "node-1";

	tb_block_begin(b, type);
	tb_u32(b, 8);
	tb_u64(b, 16ull << 30);
	tb_u64(b, 4194304);
	tb_bytes(b, host, sizeof(host));
	tb_u64(b, 1700000000000000000ull);
	tb_u64(b, 0);
	tb_u64(b, 0);
	tb_u64(b, 0);
	tb_block_end(b);
}

static void test_all_v2_blocks(void **state)
{
	struct tb b;
	struct sk_scap_reader *r;
	struct sk_scap_item it;
	uint8_t a4[4] = {10, 0, 0, 5}, m4[4] = {255, 255, 255, 0}, c4[4] = {10, 0, 0, 255};
	uint8_t a6[16] = {0xfe, 0x80, [15] = 1};

	(void)state;
	tb_init(&b);
	tb_shb(&b, 1, 2);
	put_mi(&b, 0x201);
	/* IL_V2: entry length excludes itself */
	tb_block_begin(&b, 0x219);
	tb_u32(&b, 24 + 4 + 2); /* + 2 bytes a newer writer appended */
	tb_u16(&b, 1);
	tb_u16(&b, 4);
	tb_bytes(&b, a4, 4);
	tb_bytes(&b, m4, 4);
	tb_bytes(&b, c4, 4);
	tb_u64(&b, 1000);
	tb_bytes(&b, "eth0", 4);
	tb_u16(&b, 0xbeef);
	tb_u32(&b, 60 + 2);
	tb_u16(&b, 2);
	tb_u16(&b, 2);
	tb_bytes(&b, a6, 16);
	tb_zero(&b, 32);
	tb_u64(&b, 0);
	tb_bytes(&b, "lo", 2);
	tb_block_end(&b);
	/* UL_V2 */
	tb_block_begin(&b, 0x220);
	tb_entry_begin(&b);
	tb_u8(&b, 0);
	tb_u32(&b, 1000);
	tb_u32(&b, 100);
	tb_str16(&b, "alice");
	tb_str16(&b, "/home/alice");
	tb_str16(&b, "/bin/sh");
	tb_u32(&b, 7); /* appended by a newer writer: skipped */
	tb_entry_end(&b);
	tb_entry_begin(&b);
	tb_u8(&b, 1);
	tb_u32(&b, 100);
	tb_str16(&b, "staff");
	tb_entry_end(&b);
	tb_block_end(&b);
	/* FDL_V2 with a FILE_V2 entry carrying dev */
	tb_block_begin(&b, 0x218);
	tb_u64(&b, 42);
	tb_entry_begin(&b);
	tb_u64(&b, 3);
	tb_u64(&b, 1234);
	tb_u8(&b, 16);
	tb_u32(&b, 1);
	tb_str16(&b, "/etc/passwd");
	tb_u32(&b, 0x803);
	tb_entry_end(&b);
	tb_block_end(&b);
	tb_close_x(&b, 100, 42);
	{
		uint16_t lens[2] = {8, 8};
		uint64_t vals[2] = {1, 2};

		tb_block_begin(&b, 0x217); /* EVF_V2 */
		tb_u16(&b, 3);
		tb_u32(&b, 1);
		tb_event(&b, 200, 42, 234, 2, lens, vals);
		tb_block_end(&b);
	}

	r = open_tb(&b);
	next_kind(r, &it, SK_SCAP_SECTION);
	assert_int_equal(it.offset, 0);
	assert_int_equal(it.section.minor, 2);
	next_kind(r, &it, SK_SCAP_MACHINE);
	assert_int_equal(it.offset, 28);
	assert_int_equal(it.machine->num_cpus, 8);
	assert_int_equal(it.machine->memory_size_bytes, 16ull << 30);
	assert_int_equal(it.machine->max_pid, 4194304);
	assert_string_equal(it.machine->hostname, "node-1");
	assert_int_equal(it.machine->boot_ts_epoch, 1700000000000000000ull);
	next_kind(r, &it, SK_SCAP_IFACE_LIST_BEGIN);
	next_kind(r, &it, SK_SCAP_IFACE);
	assert_int_equal(it.iface->type, 1);
	assert_memory_equal(it.iface->addr, a4, 4);
	assert_memory_equal(it.iface->netmask, m4, 4);
	assert_memory_equal(it.iface->bcast, c4, 4);
	assert_int_equal(it.iface->linkspeed, 1000);
	assert_string_equal(it.iface->name, "eth0");
	next_kind(r, &it, SK_SCAP_IFACE);
	assert_int_equal(it.iface->type, 2);
	assert_memory_equal(it.iface->addr, a6, 16);
	assert_string_equal(it.iface->name, "lo");
	next_kind(r, &it, SK_SCAP_USER_LIST_BEGIN);
	next_kind(r, &it, SK_SCAP_USER);
	assert_false(it.user->is_group);
	assert_int_equal(it.user->uid, 1000);
	assert_int_equal(it.user->gid, 100);
	assert_string_equal(it.user->name, "alice");
	assert_string_equal(it.user->homedir, "/home/alice");
	assert_string_equal(it.user->shell, "/bin/sh");
	next_kind(r, &it, SK_SCAP_USER);
	assert_true(it.user->is_group);
	assert_int_equal(it.user->gid, 100);
	assert_string_equal(it.user->name, "staff");
	next_kind(r, &it, SK_SCAP_FD);
	assert_int_equal(it.fd->tid, 42);
	assert_int_equal(it.fd->fd, 3);
	assert_int_equal(it.fd->ino, 1234);
	assert_int_equal(it.fd->type, SK_FD_FILE_V2);
	assert_int_equal(it.fd->open_flags, 1);
	assert_int_equal(it.fd->dev, 0x803);
	assert_string_equal(it.fd->name.buf, "/etc/passwd");
	next_kind(r, &it, SK_SCAP_EVENT);
	assert_int_equal(it.event.hdr->type, 5);
	assert_int_equal(it.event.hdr->ts, 100);
	assert_int_equal(it.event.cpu, 0);
	assert_int_equal(it.event.dump_flags, 0);
	next_kind(r, &it, SK_SCAP_EVENT);
	assert_int_equal(it.event.hdr->type, 234);
	assert_int_equal(it.event.cpu, 3);
	assert_int_equal(it.event.dump_flags, 1);
	assert_int_equal(it.event.nparams, 2);
	expect_end(r);
	sk_scap_reader_free(r);
	tb_free(&b);
}

static void test_il_ul_v1_and_legacy_aliases(void **state)
{
	struct tb b;
	struct sk_scap_reader *r;
	struct sk_scap_item it;
	uint8_t a4[4] = {127, 0, 0, 1};

	(void)state;
	tb_init(&b);
	tb_shb(&b, 1, 0);
	put_mi(&b, 0x8002ABCD);
	tb_block_begin(&b, 0x8011ABCD); /* IL v1, all four kinds */
	for (uint16_t k = 1; k <= 4; k++) {
		size_t alen = (k == 1 || k == 3) ? 4 : 16;

		tb_u16(&b, k);
		tb_u16(&b, 3);
		for (int j = 0; j < 3; j++) {
			tb_bytes(&b, a4, 4);
			tb_zero(&b, alen - 4);
		}
		if (k <= 2)
			tb_u64(&b, 10 * k);
		tb_bytes(&b, "if", 2);
		tb_u8(&b, '0' + k);
	}
	tb_block_end(&b);
	tb_block_begin(&b, 0x206); /* UL v1 */
	tb_u8(&b, 0);
	tb_u32(&b, 0);
	tb_u32(&b, 0);
	tb_str16(&b, "root");
	tb_str16(&b, "/root");
	tb_str16(&b, "/bin/bash");
	tb_u8(&b, 1);
	tb_u32(&b, 0);
	tb_str16(&b, "root");
	tb_block_end(&b);
	/* legacy EV alias with a close exit (22-byte header, one parameter) */
	tb_block_begin(&b, 0x8010ABCD);
	tb_u16(&b, 1);
	tb_u64(&b, 5);
	tb_u64(&b, 9);
	tb_u32(&b, 22 + 2 + 8);
	tb_u16(&b, 5);
	tb_u16(&b, 8);
	tb_u64(&b, 0);
	tb_block_end(&b);

	r = open_tb(&b);
	next_kind(r, &it, SK_SCAP_SECTION);
	assert_int_equal(it.section.minor, 0);
	next_kind(r, &it, SK_SCAP_MACHINE);
	assert_string_equal(it.machine->hostname, "node-1");
	next_kind(r, &it, SK_SCAP_IFACE_LIST_BEGIN);
	for (unsigned k = 1; k <= 4; k++) {
		char name[4] = {'i', 'f', (char)('0' + k), 0};

		next_kind(r, &it, SK_SCAP_IFACE);
		assert_int_equal(it.iface->type, k);
		assert_memory_equal(it.iface->addr, a4, 4);
		assert_memory_equal(it.iface->bcast, a4, 4);
		assert_int_equal(it.iface->linkspeed, k <= 2 ? 10 * k : 0);
		assert_string_equal(it.iface->name, name);
	}
	next_kind(r, &it, SK_SCAP_USER_LIST_BEGIN);
	next_kind(r, &it, SK_SCAP_USER);
	assert_string_equal(it.user->shell, "/bin/bash");
	next_kind(r, &it, SK_SCAP_USER);
	assert_true(it.user->is_group);
	next_kind(r, &it, SK_SCAP_EVENT);
	assert_int_equal(it.event.cpu, 1);
	assert_int_equal(it.event.hdr->len, 26 + 2 + 8);
	assert_int_equal(it.event.hdr->nparams, 1);
	expect_end(r);
	sk_scap_reader_free(r);
	tb_free(&b);
}

/* ---- process lists --------------------------------------------------------- */

/* The fields of a PL record of version v up to and including root. */
static void put_proc_fields(struct tb *b, unsigned v, uint64_t tid)
{
	tb_u64(b, tid);
	tb_u64(b, tid);
	tb_u64(b, 1);
	if (v >= 6)
		tb_u64(b, 77);
	if (v >= 8)
		tb_u64(b, 78);
	tb_str16(b, "bash");
	tb_str16(b, "/bin/bash");
	if (v >= 7)
		tb_str16(b, "/usr/bin/bash");
	tb_str16n(b, "-c\0ls\0", 6);
	tb_str16(b, "/root");
	tb_u64(b, 1024);
	tb_u32(b, 0x10);
	tb_u32(b, 1000);
	tb_u32(b, 100);
	if (v >= 2) {
		tb_u32(b, 11);
		tb_u32(b, 12);
		tb_u32(b, 13);
		tb_u64(b, 14);
		tb_u64(b, 15);
	}
	if (v >= 3)
		tb_str16n(b, "A=1\0B=2", 7);
	if (v >= 4) {
		tb_u64(b, 5);
		tb_u64(b, 6);
		tb_str16n(b, "cpu=/a\0", 7);
	}
	if (v >= 5)
		tb_str16(b, "/");
}

static void test_proc_versions(void **state)
{
	static const uint32_t codes[10] = {0,	  0x202, 0x207, 0x209, 0x210,
					   0x211, 0x212, 0x213, 0x214, 0x215};

	(void)state;
	for (unsigned v = 1; v <= 9; v++) {
		struct tb b;
		struct sk_scap_reader *r;
		struct sk_scap_item it;

		tb_init(&b);
		tb_shb(&b, 1, 0);
		tb_block_begin(&b, codes[v]);
		for (uint64_t tid = 100; tid < 102; tid++) {
			if (v == 9)
				tb_entry_begin(&b);
			put_proc_fields(&b, v, tid);
			if (v == 9)
				tb_entry_end(&b);
		}
		tb_block_end(&b);
		tb_close_x(&b, 1, 100);
		r = open_tb(&b);
		next_kind(r, &it, SK_SCAP_SECTION);
		for (int64_t tid = 100; tid < 102; tid++) {
			const struct sk_scap_proc *p;

			next_kind(r, &it, SK_SCAP_PROC);
			p = it.proc;
			assert_int_equal(p->version, v);
			assert_int_equal(p->tid, tid);
			assert_int_equal(p->ptid, 1);
			assert_int_equal(p->sid, v >= 6 ? 77 : -1);
			assert_int_equal(p->vpgid, v >= 8 ? 78 : -1);
			assert_string_equal(p->comm.buf, "bash");
			assert_string_equal(p->exe.buf, "/bin/bash");
			assert_string_equal(p->exepath.buf, v >= 7 ? "/usr/bin/bash" : "");
			assert_int_equal(p->args.len, 6);
			assert_memory_equal(p->args.buf, "-c\0ls\0", 7);
			assert_string_equal(p->cwd.buf, "/root");
			assert_int_equal(p->fdlimit, 1024);
			assert_int_equal(p->flags, 0x10);
			assert_int_equal(p->uid, 1000);
			assert_int_equal(p->gid, 100);
			assert_int_equal(p->vmsize_kb, v >= 2 ? 11 : 0);
			assert_int_equal(p->pfminor, v >= 2 ? 15 : 0);
			assert_int_equal(p->env.len, v >= 3 ? 7 : 0);
			/* a list without its final NUL still reads as NUL-terminated entries */
			assert_int_equal(p->env.buf[p->env.len], 0);
			assert_int_equal(p->vtid, v >= 4 ? 5 : -1);
			assert_int_equal(p->vpid, v >= 4 ? 6 : -1);
			assert_int_equal(p->cgroups.len, v >= 4 ? 7 : 0);
			assert_string_equal(p->root.buf, v >= 5 ? "/" : "");
			assert_int_equal(p->loginuid, UINT32_MAX);
			assert_int_equal(p->pgid, -1);
		}
		next_kind(r, &it, SK_SCAP_EVENT);
		expect_end(r);
		sk_scap_reader_free(r);
		tb_free(&b);
	}
}

/* One PL_V9 record with a tail of tail_len bytes, returned as read. */
static void read_v9_tail(unsigned tail_len, struct sk_scap_proc *out)
{
	struct tb b;
	struct sk_scap_reader *r;
	struct sk_scap_item it;

	tb_init(&b);
	tb_shb(&b, 1, 2);
	tb_block_begin(&b, 0x215);
	tb_entry_begin(&b);
	put_proc_fields(&b, 9, 7);
	if (tail_len == 91) {
		tb_u64(&b, 111);    /* pidns_init_start_ts */
		tb_u32(&b, 0x8801); /* tty */
	}
	if (tail_len >= 4)
		tb_u32(&b, 1001); /* loginuid */
	if (tail_len >= 5)
		tb_u8(&b, 1); /* exe_writable */
	if (tail_len >= 29) {
		tb_u64(&b, 0x1);
		tb_u64(&b, 0x2);
		tb_u64(&b, 0x3);
	}
	if (tail_len == 91) {
		tb_u8(&b, 1);	  /* exe_upper_layer */
		tb_u64(&b, 999);  /* exe_ino */
		tb_u64(&b, 5);	  /* ctime */
		tb_u64(&b, 6);	  /* mtime */
		tb_u8(&b, 1);	  /* exe_from_memfd */
		tb_u8(&b, 1);	  /* exe_lower_layer */
		tb_u64(&b, 4242); /* pgid */
	}
	tb_entry_end(&b);
	tb_block_end(&b);
	tb_close_x(&b, 1, 7);
	r = open_tb(&b);
	next_kind(r, &it, SK_SCAP_SECTION);
	next_kind(r, &it, SK_SCAP_PROC);
	*out = *it.proc;
	next_kind(r, &it, SK_SCAP_EVENT);
	expect_end(r);
	sk_scap_reader_free(r);
	tb_free(&b);
}

static void test_proc_v9_tails(void **state)
{
	struct sk_scap_proc *p = malloc(sizeof(*p));

	(void)state;
	read_v9_tail(0, p);
	assert_int_equal(p->loginuid, UINT32_MAX);
	assert_int_equal(p->exe_writable, 0);
	read_v9_tail(4, p);
	assert_int_equal(p->loginuid, 1001);
	assert_int_equal(p->exe_writable, 0);
	read_v9_tail(5, p);
	assert_int_equal(p->loginuid, 1001);
	assert_int_equal(p->exe_writable, 1);
	assert_int_equal(p->cap_permitted, 0);
	read_v9_tail(29, p);
	assert_int_equal(p->loginuid, 1001);
	assert_int_equal(p->cap_inheritable, 1);
	assert_int_equal(p->cap_permitted, 2);
	assert_int_equal(p->cap_effective, 3);
	assert_int_equal(p->pidns_init_start_ts, 0);
	read_v9_tail(91, p);
	assert_int_equal(p->pidns_init_start_ts, 111);
	assert_int_equal(p->tty, 0x8801);
	assert_int_equal(p->loginuid, 1001);
	assert_int_equal(p->exe_writable, 1);
	assert_int_equal(p->cap_effective, 3);
	assert_int_equal(p->exe_upper_layer, 1);
	assert_int_equal(p->exe_ino, 999);
	assert_int_equal(p->exe_ino_ctime, 5);
	assert_int_equal(p->exe_ino_mtime, 6);
	assert_int_equal(p->exe_from_memfd, 1);
	assert_int_equal(p->exe_lower_layer, 1);
	assert_int_equal(p->pgid, 4242);
	free(p);
}

/* ---- fd lists ---------------------------------------------------------------- */

static void put_fd_payload(struct tb *b, uint8_t type, bool v2)
{
	uint8_t ip[16] = {127, 0, 0, 1};

	switch (type) {
	case 3:
		tb_bytes(b, ip, 4);
		tb_bytes(b, ip, 4);
		tb_u16(b, 40000);
		tb_u16(b, 80);
		tb_u8(b, 2);
		break;
	case 4:
		tb_bytes(b, ip, 16);
		tb_bytes(b, ip, 16);
		tb_u16(b, 40000);
		tb_u16(b, 80);
		tb_u8(b, 2);
		break;
	case 5:
		tb_bytes(b, ip, 4);
		tb_u16(b, 80);
		tb_u8(b, 2);
		break;
	case 6:
		tb_bytes(b, ip, 16);
		tb_u16(b, 80);
		tb_u8(b, 3);
		break;
	case 8:
		tb_u64(b, 0xaaaa);
		tb_u64(b, 0xbbbb);
		tb_str16(b, "/run/s.sock");
		break;
	case 16:
		tb_u32(b, 2);
		tb_str16(b, "/tmp/x");
		if (v2)
			tb_u32(b, 0x803);
		break;
	default:
		tb_str16(b, "name");
		break;
	}
}

static void check_fd(const struct sk_scap_fd *fd, uint8_t type, bool v2)
{
	uint8_t ip[16] = {127, 0, 0, 1};

	assert_int_equal(fd->tid, 55);
	assert_int_equal(fd->fd, type);
	assert_int_equal(fd->ino, 1000 + type);
	assert_int_equal(fd->type, type);
	switch (type) {
	case 3:
	case 4:
		assert_memory_equal(fd->sip, ip, type == 3 ? 4 : 16);
		assert_memory_equal(fd->dip, ip, type == 3 ? 4 : 16);
		assert_int_equal(fd->sport, 40000);
		assert_int_equal(fd->dport, 80);
		assert_int_equal(fd->l4proto, 2);
		break;
	case 5:
	case 6:
		assert_memory_equal(fd->sip, ip, 4);
		assert_int_equal(fd->sport, 80);
		assert_int_equal(fd->l4proto, type == 5 ? 2 : 3);
		break;
	case 8:
		assert_int_equal(fd->unix_src, 0xaaaa);
		assert_int_equal(fd->unix_dst, 0xbbbb);
		assert_string_equal(fd->name.buf, "/run/s.sock");
		break;
	case 16:
		assert_int_equal(fd->open_flags, 2);
		assert_string_equal(fd->name.buf, "/tmp/x");
		assert_int_equal(fd->dev, v2 ? 0x803 : 0);
		break;
	default:
		assert_string_equal(fd->name.buf, "name");
		break;
	}
}

static void test_fd_types(void **state)
{
	(void)state;
	for (int v2 = 0; v2 <= 1; v2++) {
		struct tb b;
		struct sk_scap_reader *r;
		struct sk_scap_item it;

		tb_init(&b);
		tb_shb(&b, 1, 2);
		tb_block_begin(&b, v2 ? 0x218 : 0x203);
		tb_u64(&b, 55);
		for (uint8_t t = 1; t <= 21; t++) {
			if (v2)
				tb_entry_begin(&b);
			tb_u64(&b, t);
			tb_u64(&b, 1000 + t);
			tb_u8(&b, t);
			put_fd_payload(&b, t, v2);
			if (v2)
				tb_entry_end(&b);
		}
		if (v2) { /* an unknown type is kept as UNSUPPORTED and skipped by length */
			tb_entry_begin(&b);
			tb_u64(&b, 99);
			tb_u64(&b, 0);
			tb_u8(&b, 200);
			tb_u32(&b, 0x12345678);
			tb_entry_end(&b);
		}
		tb_block_end(&b);
		tb_close_x(&b, 1, 55);
		r = open_tb(&b);
		next_kind(r, &it, SK_SCAP_SECTION);
		for (uint8_t t = 1; t <= 21; t++) {
			next_kind(r, &it, SK_SCAP_FD);
			check_fd(it.fd, t, v2);
		}
		if (v2) {
			next_kind(r, &it, SK_SCAP_FD);
			assert_int_equal(it.fd->fd, 99);
			assert_int_equal(it.fd->type, SK_FD_UNSUPPORTED);
		}
		next_kind(r, &it, SK_SCAP_EVENT);
		expect_end(r);
		sk_scap_reader_free(r);
		tb_free(&b);
	}
}

/* ---- events ------------------------------------------------------------------ */

/* A legacy EV block with an open exit (type 3) carrying n of the params. */
static void put_legacy_open_x(struct tb *b, unsigned n)
{
	uint16_t lens[6] = {8, 5, 4, 4, 4, 8};
	uint32_t sum = 0;

	for (unsigned i = 0; i < n; i++)
		sum += lens[i];
	tb_block_begin(b, 0x204);
	tb_u16(b, 2);
	tb_u64(b, 1000);
	tb_u64(b, 77);
	tb_u32(b, 22 + 2 * n + sum);
	tb_u16(b, 3);
	tb_bytes(b, lens, 2 * n);
	if (n > 0)
		tb_u64(b, 3);
	if (n > 1)
		tb_bytes(b, "/a/b", 5);
	if (n > 2)
		tb_u32(b, 1);
	if (n > 3)
		tb_u32(b, 0644);
	if (n > 4)
		tb_u32(b, 0x803);
	if (n > 5)
		tb_u64(b, 12);
	tb_block_end(b);
}

static void test_legacy_nparams_inference(void **state)
{
	(void)state;
	for (unsigned n = 0; n <= 6; n++) {
		struct tb b;
		struct sk_scap_reader *r;
		struct sk_scap_item it;

		tb_init(&b);
		tb_shb(&b, 1, 0);
		put_legacy_open_x(&b, n);
		r = open_tb(&b);
		next_kind(r, &it, SK_SCAP_SECTION);
		next_kind(r, &it, SK_SCAP_EVENT);
		assert_int_equal(it.event.hdr->nparams, n);
		assert_int_equal(it.event.nparams, n);
		assert_int_equal(it.event.hdr->ts, 1000);
		assert_int_equal(it.event.hdr->tid, 77);
		assert_int_equal(it.event.cpu, 2);
		if (n > 1)
			assert_string_equal((const char *)it.event.param[1], "/a/b");
		expect_end(r);
		sk_scap_reader_free(r);
		tb_free(&b);
	}
}

/* notification (280) and infra (286): the legacy len is 3 bytes too large. */
static void test_legacy_notification_quirk(void **state)
{
	struct tb b;
	struct sk_scap_reader *r;
	struct sk_scap_item it;

	(void)state;
	tb_init(&b);
	tb_shb(&b, 1, 0);
	tb_block_begin(&b, 0x208); /* EVF legacy */
	tb_u16(&b, 0);
	tb_u32(&b, 1);
	tb_u64(&b, 1);
	tb_u64(&b, 2);
	tb_u32(&b, 22 + 4 + 3 + 4 + 3);
	tb_u16(&b, 280);
	tb_u16(&b, 3);
	tb_u16(&b, 4);
	tb_bytes(&b, "id\0", 3);
	tb_bytes(&b, "abc\0", 4);
	tb_zero(&b, 3);
	tb_block_end(&b);
	r = open_tb(&b);
	next_kind(r, &it, SK_SCAP_SECTION);
	next_kind(r, &it, SK_SCAP_EVENT);
	assert_int_equal(it.event.hdr->type, 280);
	assert_int_equal(it.event.hdr->nparams, 2);
	assert_int_equal(it.event.hdr->len, 26 + 4 + 7);
	assert_int_equal(it.event.dump_flags, 1);
	assert_string_equal((const char *)it.event.param[1], "abc");
	expect_end(r);
	sk_scap_reader_free(r);
	tb_free(&b);
}

static void test_unknown_codes_and_blocks_skipped(void **state)
{
	struct tb b;
	struct sk_scap_reader *r;
	struct sk_scap_item it;
	uint16_t lens[1] = {4};
	uint32_t v = 0;

	(void)state;
	tb_init(&b);
	/* SHB with pcapng options after the body */
	tb_block_begin(&b, 0x0A0D0D0A);
	tb_u32(&b, 0x1A2B3C4D);
	tb_u16(&b, 1);
	tb_u16(&b, 0);
	tb_u64(&b, UINT64_MAX);
	tb_u16(&b, 1);
	tb_u16(&b, 5);
	tb_bytes(&b, "hello", 5);
	tb_zero(&b, 3);
	tb_u32(&b, 0);
	tb_block_end(&b);
	tb_block_begin(&b, 0x300); /* unknown metadata block */
	tb_u64(&b, 1);
	tb_block_end(&b);
	tb_ev_v2(&b, 0, 1, 1, 1000, 1, lens, &v); /* code outside the table */
	tb_close_x(&b, 2, 1);
	tb_ev_v2(&b, 0, 3, 1, 60000, 1, lens, &v);
	r = open_tb(&b);
	next_kind(r, &it, SK_SCAP_SECTION);
	next_kind(r, &it, SK_SCAP_EVENT);
	assert_int_equal(it.event.hdr->ts, 2);
	expect_end(r);
	sk_scap_reader_free(r);
	tb_free(&b);
}

static void test_large_event_block(void **state)
{
	struct tb b;
	struct sk_scap_reader *r;
	struct sk_scap_item it;
	size_t plen = 100000;
	char *payload = calloc(1, plen);

	(void)state;
	memset(payload, 'x', plen);
	tb_init(&b);
	tb_shb(&b, 1, 2);
	tb_block_begin(&b, 0x221);
	tb_u16(&b, 0);
	tb_u64(&b, 9);
	tb_u64(&b, UINT64_MAX);
	tb_u32(&b, (uint32_t)(26 + 8 + 4 + plen));
	tb_u16(&b, 322); /* pluginevent: u32 lengths */
	tb_u32(&b, 2);
	tb_u32(&b, 4);
	tb_u32(&b, (uint32_t)plen);
	tb_u32(&b, 999);
	tb_bytes(&b, payload, plen);
	tb_block_end(&b);
	r = open_tb(&b);
	next_kind(r, &it, SK_SCAP_SECTION);
	next_kind(r, &it, SK_SCAP_EVENT);
	assert_int_equal(it.event.hdr->type, 322);
	assert_int_equal(it.event.param_len[1], plen);
	assert_memory_equal(it.event.param[1], payload, plen);
	expect_end(r);
	sk_scap_reader_free(r);
	tb_free(&b);
	free(payload);
}

static void test_concatenated_sections(void **state)
{
	struct tb b;
	struct sk_scap_reader *r;
	struct sk_scap_item it;
	size_t second;

	(void)state;
	tb_init(&b);
	tb_shb(&b, 1, 0);
	put_mi(&b, 0x201);
	tb_close_x(&b, 1, 1);
	second = b.len;
	tb_shb(&b, 1, 2);
	tb_block_begin(&b, 0x215);
	tb_entry_begin(&b);
	put_proc_fields(&b, 9, 8);
	tb_entry_end(&b);
	tb_block_end(&b);
	tb_close_x(&b, 2, 8);
	r = open_tb(&b);
	next_kind(r, &it, SK_SCAP_SECTION);
	next_kind(r, &it, SK_SCAP_MACHINE);
	next_kind(r, &it, SK_SCAP_EVENT);
	next_kind(r, &it, SK_SCAP_SECTION);
	assert_int_equal(it.offset, second);
	assert_int_equal(it.section.minor, 2);
	next_kind(r, &it, SK_SCAP_PROC);
	assert_int_equal(it.proc->tid, 8);
	next_kind(r, &it, SK_SCAP_EVENT);
	assert_int_equal(it.event.hdr->ts, 2);
	expect_end(r);
	sk_scap_reader_free(r);
	tb_free(&b);
}

/* The same bytes, plain and gzip, from memory and from a file, give the same items. */
static void test_gzip_and_plain(void **state)
{
	struct tb b;
	size_t gzlen;
	uint8_t *gz;
	char plain_path[] = "/tmp/saker-test-scap-XXXXXX";
	char gz_path[] = "/tmp/saker-test-scapgz-XXXXXX";
	const char *paths[2] = {plain_path, gz_path};
	int fd;

	(void)state;
	tb_init(&b);
	tb_shb(&b, 1, 2);
	put_mi(&b, 0x201);
	for (int i = 0; i < 50; i++)
		tb_close_x(&b, (uint64_t)i, 3);
	gz = tb_gzip(b.p, b.len, &gzlen);
	assert_int_equal(gz[0], 0x1f);
	fd = mkstemp(plain_path);
	assert_true(fd >= 0 && write(fd, b.p, b.len) == (ssize_t)b.len);
	close(fd);
	fd = mkstemp(gz_path);
	assert_true(fd >= 0 && write(fd, gz, gzlen) == (ssize_t)gzlen);
	close(fd);
	for (int src = 0; src < 4; src++) {
		struct sk_scap_reader *r;
		struct sk_scap_item it;
		unsigned events = 0;
		int rc;

		if (src < 2)
			rc = sk_scap_reader_open_mem(&r, src ? gz : b.p, src ? gzlen : b.len, "m",
						     errbuf, sizeof(errbuf));
		else
			rc = sk_scap_reader_open(&r, paths[src - 2], errbuf, sizeof(errbuf));
		assert_int_equal(rc, 0);
		next_kind(r, &it, SK_SCAP_SECTION);
		next_kind(r, &it, SK_SCAP_MACHINE);
		while ((rc = sk_scap_reader_next(r, &it, errbuf, sizeof(errbuf))) == 1) {
			assert_int_equal(it.event.hdr->ts, events);
			events++;
		}
		assert_int_equal(rc, 0);
		assert_int_equal(events, 50);
		assert_int_equal(sk_scap_reader_offset(r), b.len);
		sk_scap_reader_free(r);
	}
	/* "-" reads stdin */
	{
		struct sk_scap_reader *r;
		struct sk_scap_item it;
		int saved = dup(STDIN_FILENO), in = open(gz_path, 0);

		assert_true(saved >= 0 && in >= 0);
		dup2(in, STDIN_FILENO);
		close(in);
		assert_int_equal(sk_scap_reader_open(&r, "-", errbuf, sizeof(errbuf)), 0);
		next_kind(r, &it, SK_SCAP_SECTION);
		sk_scap_reader_free(r);
		dup2(saved, STDIN_FILENO);
		close(saved);
	}
	unlink(plain_path);
	unlink(gz_path);
	free(gz);
	tb_free(&b);
}

/* ---- bad input ---------------------------------------------------------------- */

static void test_err_empty_and_missing(void **state)
{
	struct tb b;
	struct sk_scap_reader *r;

	(void)state;
	tb_init(&b);
	expect_error(&b, "t: offset 0: empty file");
	tb_free(&b);
	assert_int_equal(sk_scap_reader_open(&r, "/nonexistent/x.scap", errbuf, sizeof(errbuf)),
			 -ENOENT);
	assert_string_equal(errbuf, "/nonexistent/x.scap: cannot open: No such file or directory");
}

static void test_err_magic_and_version(void **state)
{
	struct tb b;

	(void)state;
	tb_init(&b);
	tb_bytes(&b, "GET / HTTP/1.1\r\n", 16);
	expect_error(&b, "t: offset 0: not a scap file (first block is not a section header)");
	b.len = 0;
	tb_block_begin(&b, 0x0A0D0D0A);
	tb_u32(&b, 0x4D3C2B1A); /* byte-swapped */
	tb_u16(&b, 1);
	tb_u16(&b, 0);
	tb_u64(&b, UINT64_MAX);
	tb_block_end(&b);
	expect_error(&b, "t: offset 0: bad byte-order magic 0x4d3c2b1a");
	b.len = 0;
	tb_shb(&b, 2, 0);
	expect_error(&b, "t: offset 0: unsupported format version 2.0");
	tb_free(&b);
}

static void test_err_truncation(void **state)
{
	struct tb b;
	size_t ev_at, full;

	(void)state;
	tb_init(&b);
	tb_shb(&b, 1, 2);
	ev_at = b.len;
	tb_close_x(&b, 1, 1);
	full = b.len;
	b.len = ev_at + 3;
	expect_error(&b, "t: offset 28: truncated block header (3 of 8 bytes)");
	b.len = full - 4;
	expect_error(&b,
		     "t: offset 28: block length 52 runs past the end of the file (48 bytes left)");
	b.len = 10;
	expect_error(&b,
		     "t: offset 0: block length 28 runs past the end of the file (10 bytes left)");
	/* truncated gzip data */
	{
		size_t gzlen;
		uint8_t *gz;
		struct tb g = {0};

		char path[] = "/tmp/saker-test-scapgz-XXXXXX";
		struct sk_scap_reader *r;
		struct sk_scap_item it;
		int fd, rc;

		b.len = full;
		gz = tb_gzip(b.p, b.len, &gzlen);
		g.p = gz;
		g.len = gzlen - 12;
		/* from memory, gzip data is inflated (and checked) at open */
		assert_int_equal(
		    sk_scap_reader_open_mem(&r, g.p, g.len, "t", errbuf, sizeof(errbuf)), -EIO);
		assert_string_equal(errbuf, "t: gzip: unexpected end of file");
		/* from a file, while reading */
		fd = mkstemp(path);
		assert_true(fd >= 0 && write(fd, g.p, g.len) == (ssize_t)g.len);
		close(fd);
		assert_int_equal(sk_scap_reader_open(&r, path, errbuf, sizeof(errbuf)), 0);
		while ((rc = sk_scap_reader_next(r, &it, errbuf, sizeof(errbuf))) == 1)
			;
		assert_int_equal(rc, -EIO);
		if (!strstr(errbuf, ": gzip: unexpected end of file"))
			fail_msg("%s", errbuf);
		assert_true(strncmp(errbuf, path, strlen(path)) == 0);
		sk_scap_reader_free(r);
		unlink(path);
		free(gz);
	}
	tb_free(&b);
}

static void test_err_block_framing(void **state)
{
	struct tb b;

	(void)state;
	tb_init(&b);
	tb_shb(&b, 1, 2);
	tb_close_x(&b, 1, 1);
	memset(b.p + b.len - 4, 0x11, 1); /* trailer */
	expect_error(&b, "t: offset 28: block trailer 17 does not match block length 52");
	b.len = 0;
	tb_shb(&b, 1, 2);
	tb_u32(&b, 0x216);
	tb_u32(&b, 6);
	expect_error(&b, "t: offset 28: bad block length 6 (block type 0x216)");
	b.len = 28;
	tb_u32(&b, 0x216);
	tb_u32(&b, 70000);
	expect_error(&b, "t: offset 28: event block length 70000 exceeds 65544");
	b.len = 28;
	tb_u32(&b, 0x221);
	tb_u32(&b, 0xFFFFFFF0u);
	expect_error(&b, "t: offset 28: block length 4294967280 exceeds 67108864");
	b.len = 0;
	tb_shb(&b, 1, 2);
	expect_error(&b, "t: offset 28: no events in file");
	put_mi(&b, 0x201);
	tb_shb(&b, 1, 2);
	expect_error(&b,
		     "t: offset 220: no events in section (new section header before any event)");
	b.len = 0;
	tb_shb(&b, 1, 2);
	tb_close_x(&b, 1, 1);
	put_mi(&b, 0x201);
	expect_error(&b, "t: offset 80: unexpected block type 0x201 after events (expected an "
			 "event or a section header)");
	tb_free(&b);
}

static void test_err_event_lengths(void **state)
{
	struct tb b;
	uint16_t lens[1] = {8};
	uint64_t res = 0;

	(void)state;
	tb_init(&b);
	tb_shb(&b, 1, 2);
	/* absurd parameter length */
	tb_block_begin(&b, 0x216);
	tb_u16(&b, 0);
	tb_u64(&b, 1);
	tb_u64(&b, 1);
	tb_u32(&b, 26 + 2 + 8);
	tb_u16(&b, 5);
	tb_u32(&b, 1);
	tb_u16(&b, 60000);
	tb_u64(&b, 0);
	tb_block_end(&b);
	expect_error(&b, "t: offset 28: event (type 5): parameter lengths (60000 bytes) run past "
			 "its length 36");
	/* absurd parameter count */
	b.len = 28;
	tb_block_begin(&b, 0x216);
	tb_u16(&b, 0);
	tb_u64(&b, 1);
	tb_u64(&b, 1);
	tb_u32(&b, 26 + 2 + 8);
	tb_u16(&b, 5);
	tb_u32(&b, 0xFFFFFFFFu);
	tb_u16(&b, 8);
	tb_u64(&b, 0);
	tb_block_end(&b);
	expect_error(&b, "t: offset 28: event (type 5): 4294967295 parameters do not fit in "
			 "length 36");
	/* event len beyond its block */
	b.len = 28;
	tb_block_begin(&b, 0x216);
	tb_u16(&b, 0);
	tb_event(&b, 1, 1, 5, 1, lens, &res);
	tb_block_end(&b);
	memcpy(b.p + 28 + 8 + 2 + 16, &(uint32_t){5000}, 4);
	expect_error(&b, "t: offset 28: event length 5000 does not fit in its block (38 bytes)");
	/* legacy event whose lengths add up to less than its len */
	b.len = 28;
	tb_block_begin(&b, 0x204);
	tb_u16(&b, 0);
	tb_u64(&b, 1);
	tb_u64(&b, 1);
	tb_u32(&b, 22 + 2 + 8 + 4);
	tb_u16(&b, 5); /* close exit: 2 params at most; as 2 or 1 they sum short of len */
	tb_u16(&b, 8);
	tb_u64(&b, 0);
	tb_u32(&b, 0);
	tb_block_end(&b);
	expect_error(&b, "t: offset 28: legacy event (type 5, length 36): parameter lengths are "
			 "shorter than the event");
	tb_free(&b);
}

static void test_err_metadata_caps(void **state)
{
	struct tb b;
	char big[2000];

	(void)state;
	memset(big, 'a', sizeof(big));
	tb_init(&b);
	tb_shb(&b, 1, 2);
	tb_block_begin(&b, 0x215);
	tb_entry_begin(&b);
	tb_u64(&b, 1);
	tb_u64(&b, 1);
	tb_u64(&b, 0);
	tb_u64(&b, 0);
	tb_u64(&b, 0);
	tb_str16n(&b, big, sizeof(big));
	tb_entry_end(&b);
	tb_block_end(&b);
	tb_close_x(&b, 1, 1);
	expect_error(&b, "t: offset 28: process list: comm length 2000 exceeds 1024");
	b.len = 28;
	tb_block_begin(&b, 0x215);
	tb_u32(&b, 5000); /* record length past the block */
	tb_u64(&b, 1);
	tb_block_end(&b);
	tb_close_x(&b, 1, 1);
	expect_error(&b,
		     "t: offset 28: process list: record length 5000 does not fit in the block");
	b.len = 28;
	tb_block_begin(&b, 0x203);
	tb_u64(&b, 1);
	tb_u64(&b, 3);
	tb_u64(&b, 0);
	tb_u8(&b, 99);
	tb_block_end(&b);
	tb_close_x(&b, 1, 1);
	expect_error(&b, "t: offset 28: fd list: fd 3 has unknown type 99");
	b.len = 28;
	tb_block_begin(&b, 0x201);
	tb_u32(&b, 1);
	tb_block_end(&b);
	tb_close_x(&b, 1, 1);
	expect_error(&b, "t: offset 28: machine info block body is 4 bytes, expected 180");
	b.len = 28;
	tb_block_begin(&b, 0x205);
	tb_u16(&b, 9);
	tb_u16(&b, 0);
	tb_block_end(&b);
	tb_close_x(&b, 1, 1);
	expect_error(&b, "t: offset 28: interface list: unknown entry type 9");
	tb_free(&b);
}

/* Every prefix of a valid file fails cleanly (never crashes or reads out of bounds). */
static void test_every_truncation_fails_cleanly(void **state)
{
	struct tb b;
	size_t full;

	(void)state;
	tb_init(&b);
	tb_shb(&b, 1, 2);
	put_mi(&b, 0x201);
	tb_block_begin(&b, 0x215);
	tb_entry_begin(&b);
	put_proc_fields(&b, 9, 8);
	tb_entry_end(&b);
	tb_block_end(&b);
	tb_close_x(&b, 1, 8);
	full = b.len;
	/* the only event is last: every shorter prefix is truncated or has no events */
	for (size_t n = 0; n < full; n++) {
		b.len = n;
		assert_true(read_all_tb(&b) < 0);
	}
	b.len = full;
	assert_int_equal(read_all_tb(&b), 0);
	tb_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_corpus_reads_completely),
	    cmocka_unit_test(test_corpus_legacy_event_values),
	    cmocka_unit_test(test_all_v2_blocks),
	    cmocka_unit_test(test_il_ul_v1_and_legacy_aliases),
	    cmocka_unit_test(test_proc_versions),
	    cmocka_unit_test(test_proc_v9_tails),
	    cmocka_unit_test(test_fd_types),
	    cmocka_unit_test(test_legacy_nparams_inference),
	    cmocka_unit_test(test_legacy_notification_quirk),
	    cmocka_unit_test(test_unknown_codes_and_blocks_skipped),
	    cmocka_unit_test(test_large_event_block),
	    cmocka_unit_test(test_concatenated_sections),
	    cmocka_unit_test(test_gzip_and_plain),
	    cmocka_unit_test(test_err_empty_and_missing),
	    cmocka_unit_test(test_err_magic_and_version),
	    cmocka_unit_test(test_err_truncation),
	    cmocka_unit_test(test_err_block_framing),
	    cmocka_unit_test(test_err_event_lengths),
	    cmocka_unit_test(test_err_metadata_caps),
	    cmocka_unit_test(test_every_truncation_fails_cleanly),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
