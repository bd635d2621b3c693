/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of driver/scap/writer.c: round trips, block layout bytes, LARGE events, sections. */
#include <errno.h>
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
static char tmp_path[64];

static const char *corpus_dir(void)
{
	const char *d = getenv("SAKER_CORPUS");

	return d && *d ? d : "../shared/corpus";
}

static const char *new_tmp(void)
{
	int fd;

	snprintf(tmp_path, sizeof(tmp_path), "/tmp/saker-test-writer-XXXXXX");
	fd = mkstemp(tmp_path);
	assert_true(fd >= 0);
	close(fd);
	return tmp_path;
}

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *p;
	long n;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	p = malloc((size_t)n + 1);
	assert_int_equal(fread(p, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return p;
}

static struct sk_scap_writer *open_writer(const char *path, bool gzip)
{
	struct sk_scap_writer *w;
	struct sk_scap_writer_opts o = {.gzip = gzip};

	if (sk_scap_writer_open(&w, path, &o, errbuf, sizeof(errbuf)))
		fail_msg("%s", errbuf);
	return w;
}

static void write_item(struct sk_scap_writer *w, const struct sk_scap_item *it)
{
	if (sk_scap_writer_write(w, it, errbuf, sizeof(errbuf)))
		fail_msg("%s", errbuf);
}

static void close_writer(struct sk_scap_writer *w)
{
	if (sk_scap_writer_close(w, errbuf, sizeof(errbuf)))
		fail_msg("%s", errbuf);
}

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

	if (sk_scap_reader_next(r, &it, errbuf, sizeof(errbuf)) != 0)
		fail_msg("expected the end: %s", errbuf);
}

/* ---- round trip of the corpus ------------------------------------------------- */

static void compare_items(const struct sk_scap_item *a, const struct sk_scap_item *b)
{
	assert_int_equal(a->kind, b->kind);
	switch (a->kind) {
	case SK_SCAP_SECTION:
		assert_int_equal(b->section.major, 1);
		assert_int_equal(b->section.minor, 2);
		break;
	case SK_SCAP_MACHINE:
		assert_memory_equal(a->machine, b->machine, sizeof(*a->machine));
		break;
	case SK_SCAP_IFACE: {
		struct sk_scap_iface x = *a->iface;

		if (x.type > 2) /* kinds without link speed are written as 1/2 */
			x.type -= 2;
		assert_memory_equal(&x, b->iface, sizeof(x));
		break;
	}
	case SK_SCAP_USER:
		assert_memory_equal(a->user, b->user, sizeof(*a->user));
		break;
	case SK_SCAP_PROC: {
		struct sk_scap_proc *x = malloc(sizeof(*x));

		*x = *a->proc;
		assert_int_equal(b->proc->version, 9);
		x->version = 9;
		assert_memory_equal(x, b->proc, sizeof(*x));
		free(x);
		break;
	}
	case SK_SCAP_FD:
		assert_memory_equal(a->fd, b->fd, sizeof(*a->fd));
		break;
	case SK_SCAP_EVENT:
		assert_int_equal(a->event.hdr->len, b->event.hdr->len);
		assert_memory_equal(a->event.hdr, b->event.hdr, a->event.hdr->len);
		assert_int_equal(a->event.cpu, b->event.cpu);
		assert_int_equal(a->event.dump_flags, b->event.dump_flags);
		break;
	default:
		break;
	}
}

static void round_trip(const char *src, bool gzip)
{
	struct sk_scap_reader *r, *r2;
	struct sk_scap_writer *w;
	struct sk_scap_item it, it2;
	const char *out = new_tmp();
	unsigned n = 0;
	int rc, rc2;

	assert_int_equal(sk_scap_reader_open(&r, src, errbuf, sizeof(errbuf)), 0);
	w = open_writer(out, gzip);
	while ((rc = sk_scap_reader_next(r, &it, errbuf, sizeof(errbuf))) == 1)
		write_item(w, &it);
	assert_int_equal(rc, 0);
	close_writer(w);
	sk_scap_reader_free(r);

	assert_int_equal(sk_scap_reader_open(&r, src, errbuf, sizeof(errbuf)), 0);
	assert_int_equal(sk_scap_reader_open(&r2, out, errbuf, sizeof(errbuf)), 0);
	for (;;) {
		rc = sk_scap_reader_next(r, &it, errbuf, sizeof(errbuf));
		rc2 = sk_scap_reader_next(r2, &it2, errbuf, sizeof(errbuf));
		if (rc2 < 0)
			fail_msg("%s", errbuf);
		assert_int_equal(rc, rc2);
		if (rc == 0)
			break;
		compare_items(&it, &it2);
		n++;
	}
	assert_true(n > 100);
	sk_scap_reader_free(r);
	sk_scap_reader_free(r2);
	if (gzip) {
		size_t len;
		uint8_t *p = slurp(out, &len);

		assert_int_equal(p[0], 0x1f);
		assert_int_equal(p[1], 0x8b);
		free(p);
	}
	unlink(out);
}

static void test_corpus_round_trip(void **state)
{
	static const char *files[] = {"connect_localhost.scap", "open-multiple-files.scap",
				      "ping_sendto.scap",	"run_as_user_0_container.scap",
				      "syscall.scap",		"write_tmp_test.scap"};

	(void)state;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char path[4096];

		snprintf(path, sizeof(path), "%s/captures/%s", corpus_dir(), files[i]);
		round_trip(path, false);
		round_trip(path, true);
	}
}

/* ---- block layout -------------------------------------------------------------- */

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static uint64_t rd64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

static void fill_proc(struct sk_scap_proc *p, int64_t tid)
{
	memset(p, 0, sizeof(*p));
	p->version = 9;
	p->tid = p->pid = tid;
	p->ptid = 1;
	p->sid = p->vpgid = p->vtid = p->vpid = p->pgid = -1;
	p->comm.len = 3;
	strcpy(p->comm.buf, "cat");
	p->exe.len = 8;
	strcpy(p->exe.buf, "/bin/cat");
	p->args.len = 2;
	memcpy(p->args.buf, "x\0", 3);
	p->loginuid = 1000;
	p->exe_writable = 1;
	p->cap_inheritable = 0x11;
	p->cap_permitted = 0x22;
	p->cap_effective = 0x33;
	p->pidns_init_start_ts = 5; /* not part of the 29-byte tail: not written */
}

/* An event of type with one u16 parameter of plen bytes, into b. */
static void make_event(struct tb *b, uint16_t type, uint64_t ts, size_t plen)
{
	char *data = calloc(1, plen + 1);
	uint16_t lens[1] = {(uint16_t)plen};

	b->len = 0;
	tb_event(b, ts, 42, type, 1, lens, data);
	free(data);
}

static void test_block_layout(void **state)
{
	const char *out = new_tmp();
	struct sk_scap_writer *w = open_writer(out, false);
	struct sk_scap_machine mi = {
	    .num_cpus = 4, .memory_size_bytes = 1 << 30, .boot_ts_epoch = 7};
	struct sk_scap_proc *p = malloc(sizeof(*p));
	struct sk_scap_fd fd = {
	    .tid = 42, .fd = 3, .ino = 99, .type = SK_FD_FILE_V2, .open_flags = 1, .dev = 0x803};
	struct sk_scap_item it = {.kind = SK_SCAP_MACHINE, .machine = &mi};
	struct tb ev;
	size_t len, off, rec;
	uint8_t *f;

	(void)state;
	strcpy(mi.hostname, "host-a");
	strcpy(fd.name.buf, "/etc/hosts");
	fd.name.len = 10;
	fill_proc(p, 42);
	tb_init(&ev);
	write_item(w, &it);
	it = (struct sk_scap_item){.kind = SK_SCAP_PROC, .proc = p};
	write_item(w, &it);
	it = (struct sk_scap_item){.kind = SK_SCAP_FD, .fd = &fd};
	write_item(w, &it);
	make_event(&ev, 5, 100, 8); /* 36 bytes */
	assert_int_equal(sk_scap_writer_write_event(w, ev.p, ev.len, 3, 0, errbuf, sizeof(errbuf)),
			 0);
	assert_int_equal(sk_scap_writer_write_event(w, ev.p, ev.len, 1, 1, errbuf, sizeof(errbuf)),
			 0);
	close_writer(w);
	f = slurp(out, &len);

	/* SHB 1.2, 28 bytes, no options */
	static const uint8_t shb[28] = {0x0a, 0x0d, 0x0d, 0x0a, 28, 0, 0,    0,	   0x4d, 0x3c,
					0x2b, 0x1a, 1,	  0,	2,  0, 0xff, 0xff, 0xff, 0xff,
					0xff, 0xff, 0xff, 0xff, 28, 0, 0,    0};
	assert_memory_equal(f, shb, 28);
	/* MI: 192 bytes */
	off = 28;
	assert_int_equal(rd32(f + off), 0x201);
	assert_int_equal(rd32(f + off + 4), 192);
	assert_int_equal(rd32(f + off + 8), 4);
	assert_int_equal(rd64(f + off + 12), 1 << 30);
	assert_string_equal((const char *)f + off + 8 + 20, "host-a");
	assert_int_equal(rd64(f + off + 8 + 148), 7);
	assert_int_equal(rd32(f + off + 188), 192);
	/* PL_V9: one record, entry_len counts itself, ends with the 29-byte tail */
	off += 192;
	assert_int_equal(rd32(f + off), 0x215);
	rec = rd32(f + off + 8);
	/* 4 + 5*8 + (2+3) + (2+8) + (2+0) + (2+2) + (2+0) + 8 + 3*4 + 3*4 + 2*8
	 * + (2+0) + 2*8 + (2+0) + (2+0) + 29 */
	assert_int_equal(rec, 4 + 40 + 5 + 10 + 2 + 4 + 2 + 8 + 12 + 12 + 16 + 2 + 16 + 2 + 2 + 29);
	assert_int_equal(rd32(f + off + 4), 12 + ((rec + 3) & ~3u));
	{
		const uint8_t *tail = f + off + 8 + rec - 29;

		assert_int_equal(rd32(tail), 1000);
		assert_int_equal(tail[4], 1);
		assert_int_equal(rd64(tail + 5), 0x11);
		assert_int_equal(rd64(tail + 13), 0x22);
		assert_int_equal(rd64(tail + 21), 0x33);
	}
	off += rd32(f + off + 4);
	/* FDL_V2: tid, then one FILE_V2 entry with dev */
	assert_int_equal(rd32(f + off), 0x218);
	assert_int_equal(rd64(f + off + 8), 42);
	{
		const uint8_t *e = f + off + 16;

		assert_int_equal(rd32(e), 4 + 8 + 8 + 1 + 4 + 2 + 10 + 4);
		assert_int_equal(rd64(e + 4), 3);
		assert_int_equal(rd64(e + 12), 99);
		assert_int_equal(e[20], 16);
		assert_int_equal(rd32(e + 21), 1);
		assert_int_equal(e[25], 10);
		assert_memory_equal(e + 27, "/etc/hosts", 10);
		assert_int_equal(rd32(e + 37), 0x803);
	}
	off += rd32(f + off + 4);
	/* EV_V2: cpu, the event, 2 bytes of padding, trailer */
	assert_int_equal(rd32(f + off), 0x216);
	assert_int_equal(rd32(f + off + 4), 8 + 2 + 36 + 2 + 4);
	assert_int_equal(f[off + 8], 3);
	assert_memory_equal(f + off + 10, ev.p, 36);
	assert_int_equal(f[off + 46] | f[off + 47], 0);
	assert_int_equal(rd32(f + off + 48), 52);
	off += 52;
	/* EVF_V2 only for non-zero flags */
	assert_int_equal(rd32(f + off), 0x217);
	assert_int_equal(rd32(f + off + 4), 8 + 2 + 4 + 36 + 2 + 4);
	assert_int_equal(f[off + 8], 1);
	assert_int_equal(rd32(f + off + 10), 1);
	assert_memory_equal(f + off + 14, ev.p, 36);
	off += 56;
	assert_int_equal(off, len);
	free(f);
	free(p);
	tb_free(&ev);
	unlink(out);
}

/* IL_V2 entries do not count their own length; UL_V2 entries do. */
static void test_iface_user_layout(void **state)
{
	const char *out = new_tmp();
	struct sk_scap_writer *w = open_writer(out, false);
	struct sk_scap_iface ifc = {.type = 3, .addr = {10, 1, 2, 3}, .netmask = {255}};
	struct sk_scap_user u = {.uid = 7, .gid = 8};
	struct sk_scap_item it;
	struct tb ev;
	uint8_t *f;
	size_t len, off = 28;

	(void)state;
	strcpy(ifc.name, "eth1");
	strcpy(u.name, "bob");
	strcpy(u.homedir, "/h");
	strcpy(u.shell, "/sh");
	it = (struct sk_scap_item){.kind = SK_SCAP_IFACE_LIST_BEGIN};
	write_item(w, &it);
	it = (struct sk_scap_item){.kind = SK_SCAP_IFACE, .iface = &ifc};
	write_item(w, &it);
	it = (struct sk_scap_item){.kind = SK_SCAP_USER_LIST_BEGIN};
	write_item(w, &it);
	it = (struct sk_scap_item){.kind = SK_SCAP_USER, .user = &u};
	write_item(w, &it);
	tb_init(&ev);
	make_event(&ev, 5, 1, 8);
	assert_int_equal(sk_scap_writer_write_event(w, ev.p, ev.len, 0, 0, errbuf, sizeof(errbuf)),
			 0);
	close_writer(w);
	f = slurp(out, &len);
	assert_int_equal(rd32(f + off), 0x219);
	assert_int_equal(rd32(f + off + 8), 2 + 2 + 12 + 8 + 4);
	assert_int_equal(f[off + 12], 1); /* kind 3 written as 1 with link speed 0 */
	assert_int_equal(f[off + 14], 4);
	assert_memory_equal(f + off + 16, ifc.addr, 4);
	assert_memory_equal(f + off + 36, "eth1", 4);
	off += rd32(f + off + 4);
	assert_int_equal(rd32(f + off), 0x220);
	assert_int_equal(rd32(f + off + 8), 4 + 1 + 4 + 4 + 5 + 4 + 5);
	assert_int_equal(f[off + 12], 0);
	assert_int_equal(rd32(f + off + 13), 7);
	free(f);
	tb_free(&ev);
	unlink(out);
}

/* ---- LARGE events ---------------------------------------------------------------- */

static void test_large_events(void **state)
{
	const char *out = new_tmp();
	struct sk_scap_writer *w = open_writer(out, false);
	struct sk_scap_reader *r;
	struct sk_scap_item it;
	struct tb plug, big;
	size_t plen = 300000, len, off;
	char *data = malloc(plen);
	uint8_t *f;

	(void)state;
	memset(data, 'p', plen);
	tb_init(&plug);
	tb_init(&big);
	/* pluginevent 322: EF_LARGE_PAYLOAD, u32 lengths */
	tb_u64(&plug, 1);
	tb_u64(&plug, UINT64_MAX);
	tb_u32(&plug, (uint32_t)(26 + 8 + 4 + plen));
	tb_u16(&plug, 322);
	tb_u32(&plug, 2);
	tb_u32(&plug, 4);
	tb_u32(&plug, (uint32_t)plen);
	tb_u32(&plug, 5);
	tb_bytes(&plug, data, plen);
	/* a write exit (9) whose two u16 parameters exceed 64 KiB together */
	{
		uint16_t lens[2] = {60000, 60000};
		char *d = calloc(1, 120000);

		tb_event(&big, 2, 42, 9, 2, lens, d);
		free(d);
	}
	assert_int_equal(
	    sk_scap_writer_write_event(w, plug.p, plug.len, 0, 0, errbuf, sizeof(errbuf)), 0);
	assert_int_equal(
	    sk_scap_writer_write_event(w, plug.p, plug.len, 0, 1, errbuf, sizeof(errbuf)), 0);
	assert_int_equal(
	    sk_scap_writer_write_event(w, big.p, big.len, 1, 0, errbuf, sizeof(errbuf)), 0);
	/* the LARGE request flag (4) selects the block type and is not written */
	make_event(&plug, 5, 3, 8);
	assert_int_equal(
	    sk_scap_writer_write_event(w, plug.p, plug.len, 2, 4, errbuf, sizeof(errbuf)), 0);
	close_writer(w);

	f = slurp(out, &len);
	off = 28;
	assert_int_equal(rd32(f + off), 0x221);
	off += rd32(f + off + 4);
	assert_int_equal(rd32(f + off), 0x222);
	off += rd32(f + off + 4);
	assert_int_equal(rd32(f + off), 0x221);
	off += rd32(f + off + 4);
	assert_int_equal(rd32(f + off), 0x221);
	assert_int_equal(rd32(f + off + 4), 8 + 2 + 36 + 2 + 4);
	free(f);

	assert_int_equal(sk_scap_reader_open(&r, out, errbuf, sizeof(errbuf)), 0);
	next_kind(r, &it, SK_SCAP_SECTION);
	next_kind(r, &it, SK_SCAP_EVENT);
	assert_int_equal(it.event.hdr->type, 322);
	assert_int_equal(it.event.param_len[1], plen);
	assert_memory_equal(it.event.param[1], data, plen);
	next_kind(r, &it, SK_SCAP_EVENT);
	assert_int_equal(it.event.dump_flags, 1);
	next_kind(r, &it, SK_SCAP_EVENT);
	assert_int_equal(it.event.hdr->type, 9);
	assert_int_equal(it.event.param_len[1], 60000);
	next_kind(r, &it, SK_SCAP_EVENT);
	assert_int_equal(it.event.hdr->type, 5);
	assert_int_equal(it.event.dump_flags, 0);
	assert_int_equal(it.event.cpu, 2);
	expect_end(r);
	sk_scap_reader_free(r);
	free(data);
	tb_free(&plug);
	tb_free(&big);
	unlink(out);
}

/* ---- sections -------------------------------------------------------------------- */

static void test_sections_and_filler_event(void **state)
{
	const char *out = new_tmp();
	struct sk_scap_writer *w = open_writer(out, true);
	struct sk_scap_reader *r;
	struct sk_scap_item it;
	struct sk_scap_proc *p = malloc(sizeof(*p));
	struct sk_scap_fd fd = {.type = SK_FD_FIFO};
	struct tb ev;

	(void)state;
	tb_init(&ev);
	fill_proc(p, 5);
	it = (struct sk_scap_item){.kind = SK_SCAP_SECTION};
	write_item(w, &it);
	it = (struct sk_scap_item){.kind = SK_SCAP_PROC, .proc = p};
	write_item(w, &it);
	it = (struct sk_scap_item){.kind = SK_SCAP_SECTION};
	write_item(w, &it);
	/* fds of tids 1, 2, 1: one FDL block per thread */
	for (int i = 0; i < 3; i++) {
		fd.tid = i == 1 ? 2 : 1;
		fd.fd = i;
		it = (struct sk_scap_item){.kind = SK_SCAP_FD, .fd = &fd};
		write_item(w, &it);
	}
	make_event(&ev, 5, 10, 8);
	assert_int_equal(sk_scap_writer_write_event(w, ev.p, ev.len, 0, 0, errbuf, sizeof(errbuf)),
			 0);
	/* metadata after an event of the same section is refused */
	it = (struct sk_scap_item){.kind = SK_SCAP_PROC, .proc = p};
	assert_int_equal(sk_scap_writer_write(w, &it, errbuf, sizeof(errbuf)), -EINVAL);
	assert_non_null(strstr(errbuf, "metadata item after the first event of a section"));
	close_writer(w);

	assert_int_equal(sk_scap_reader_open(&r, out, errbuf, sizeof(errbuf)), 0);
	next_kind(r, &it, SK_SCAP_SECTION);
	next_kind(r, &it, SK_SCAP_PROC);
	assert_int_equal(it.proc->tid, 5);
	assert_int_equal(it.proc->loginuid, 1000);
	assert_int_equal(it.proc->cap_effective, 0x33);
	assert_int_equal(it.proc->pidns_init_start_ts, 0);
	next_kind(r, &it, SK_SCAP_EVENT); /* the filler of a section without events */
	assert_int_equal(it.event.hdr->type, 234);
	assert_int_equal(it.event.hdr->tid, 5);
	next_kind(r, &it, SK_SCAP_SECTION);
	next_kind(r, &it, SK_SCAP_FD);
	assert_int_equal(it.fd->tid, 1);
	assert_int_equal(it.fd->fd, 0);
	next_kind(r, &it, SK_SCAP_FD);
	assert_int_equal(it.fd->tid, 1);
	assert_int_equal(it.fd->fd, 2);
	next_kind(r, &it, SK_SCAP_FD);
	assert_int_equal(it.fd->tid, 2);
	next_kind(r, &it, SK_SCAP_EVENT);
	assert_int_equal(it.event.hdr->ts, 10);
	expect_end(r);
	sk_scap_reader_free(r);
	free(p);
	tb_free(&ev);
	unlink(out);
}

static void test_empty_writer_makes_a_readable_file(void **state)
{
	const char *out = new_tmp();
	struct sk_scap_writer *w = open_writer(out, false);
	struct sk_scap_reader *r;
	struct sk_scap_item it;

	(void)state;
	close_writer(w);
	assert_int_equal(sk_scap_reader_open(&r, out, errbuf, sizeof(errbuf)), 0);
	next_kind(r, &it, SK_SCAP_SECTION);
	next_kind(r, &it, SK_SCAP_EVENT);
	assert_int_equal(it.event.hdr->type, 234);
	expect_end(r);
	sk_scap_reader_free(r);
	unlink(out);
}

static void test_writer_errors(void **state)
{
	const char *out = new_tmp();
	struct sk_scap_writer *w;
	struct sk_scap_writer_opts o = {0};
	struct sk_scap_fd fd = {.tid = 1, .fd = 1, .type = 0};
	struct sk_scap_item it = {.kind = SK_SCAP_FD, .fd = &fd};
	struct tb ev;

	(void)state;
	assert_int_equal(
	    sk_scap_writer_open(&w, "/nonexistent/dir/x.scap", &o, errbuf, sizeof(errbuf)),
	    -ENOENT);
	assert_string_equal(errbuf, "/nonexistent/dir/x.scap: cannot open for writing: No such "
				    "file or directory");
	w = open_writer(out, false);
	tb_init(&ev);
	make_event(&ev, 5, 1, 8);
	ev.p[16] = 99; /* len field no longer matches */
	assert_int_equal(sk_scap_writer_write_event(w, ev.p, ev.len, 0, 0, errbuf, sizeof(errbuf)),
			 -EINVAL);
	assert_non_null(strstr(errbuf, ": event length field 99 does not match 36"));
	assert_true(strncmp(errbuf, out, strlen(out)) == 0);
	assert_int_equal(sk_scap_writer_write(w, &it, errbuf, sizeof(errbuf)), -EINVAL);
	assert_non_null(strstr(errbuf, ": fd 1 of thread 1 has unknown type 0"));
	close_writer(w);
	tb_free(&ev);
	unlink(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_corpus_round_trip),
	    cmocka_unit_test(test_block_layout),
	    cmocka_unit_test(test_iface_user_layout),
	    cmocka_unit_test(test_large_events),
	    cmocka_unit_test(test_sections_and_filler_event),
	    cmocka_unit_test(test_empty_writer_makes_a_readable_file),
	    cmocka_unit_test(test_writer_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
