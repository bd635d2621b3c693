/* SPDX-License-Identifier: Apache-2.0 */
/* Byte source of the .scap reader: zlib transparent file reader or memory. */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "input.h"

/*
 * A plain (not gzip) regular file is mapped instead of read through zlib:
 * no read calls and no copy through zlib's buffer. Returns true when mapped.
 */
static bool map_plain_file(struct sk_scap_input *in, const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	uint8_t magic[2];
	bool mapped = false;
	if (fd < 0)
		return false;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size >= 2 &&
	    pread(fd, magic, 2, 0) == 2 && !(magic[0] == 0x1f && magic[1] == 0x8b)) {
		void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (m != MAP_FAILED) {
			madvise(m, (size_t)st.st_size, MADV_SEQUENTIAL);
			in->map = m;
			in->map_len = (size_t)st.st_size;
			in->mem = m;
			in->mem_len = (size_t)st.st_size;
			mapped = true;
		}
	}
	close(fd);
	return mapped;
}

int sk_scap_input_open_file(struct sk_scap_input *in, const char *path, char *err, size_t errlen)
{
	memset(in, 0, sizeof(*in));
	if (strcmp(path, "-") != 0 && map_plain_file(in, path))
		return 0;
	if (strcmp(path, "-") == 0) {
		int fd = dup(STDIN_FILENO);

		if (fd < 0) {
			snprintf(err, errlen, "cannot read stdin: %s", strerror(errno));
			return -errno;
		}
		in->gz = gzdopen(fd, "rb");
		if (!in->gz)
			close(fd);
	} else {
		in->gz = gzopen(path, "rb");
	}
	if (!in->gz) {
		int e = errno ? errno : ENOMEM;

		snprintf(err, errlen, "cannot open: %s", strerror(e));
		return -e;
	}
	gzbuffer(in->gz, 128u << 10);
	return 0;
}

static int inflate_mem(struct sk_scap_input *in, const uint8_t *buf, size_t len, char *err,
		       size_t errlen)
{
	z_stream zs;
	size_t cap = len * 4 + 4096, used = 0;
	uint8_t *out = NULL;
	int rc = -ENOMEM, zrc;

	memset(&zs, 0, sizeof(zs));
	if (inflateInit2(&zs, 15 + 32) != Z_OK) {
		snprintf(err, errlen, "cannot initialise zlib");
		return -ENOMEM;
	}
	zs.next_in = (Bytef *)buf;
	zs.avail_in = len > UINT32_MAX ? UINT32_MAX : (uInt)len;
	for (;;) {
		if (cap > SK_SCAP_MEM_INFLATE_MAX)
			cap = SK_SCAP_MEM_INFLATE_MAX;
		if (used == cap) {
			snprintf(err, errlen, "gzip data inflates beyond %u bytes",
				 SK_SCAP_MEM_INFLATE_MAX);
			rc = -EFBIG;
			goto fail;
		}
		uint8_t *nout = realloc(out, cap);

		if (!nout)
			goto fail;
		out = nout;
		zs.next_out = out + used;
		zs.avail_out = (uInt)(cap - used);
		zrc = inflate(&zs, Z_NO_FLUSH);
		used = cap - zs.avail_out;
		if (zrc == Z_STREAM_END)
			break;
		if (zrc == Z_BUF_ERROR && zs.avail_in == 0) {
			snprintf(err, errlen, "gzip: unexpected end of file");
			rc = -EIO;
			goto fail;
		}
		if (zrc != Z_OK && zrc != Z_BUF_ERROR) {
			snprintf(err, errlen, "gzip: %s", zs.msg ? zs.msg : "corrupt data");
			rc = -EIO;
			goto fail;
		}
		if (zs.avail_out == 0)
			cap *= 2;
	}
	inflateEnd(&zs);
	in->owned = out;
	in->mem = out;
	in->mem_len = used;
	return 0;
fail:
	inflateEnd(&zs);
	free(out);
	return rc;
}

int sk_scap_input_open_mem(struct sk_scap_input *in, const void *buf, size_t len, char *err,
			   size_t errlen)
{
	const uint8_t *b = buf;

	memset(in, 0, sizeof(*in));
	if (len >= 2 && b[0] == 0x1f && b[1] == 0x8b)
		return inflate_mem(in, b, len, err, errlen);
	in->mem = b;
	in->mem_len = len;
	return 0;
}

/* gzerror() prefixes its message with the path; the reader adds its own. */
static const char *gz_message(gzFile gz, int *zerr)
{
	const char *msg = gzerror(gz, zerr), *sep = msg ? strrchr(msg, ':') : NULL;

	if (sep && sep[1] == ' ')
		msg = sep + 2;
	return msg && *msg ? msg : "read error";
}

long long sk_scap_input_read(struct sk_scap_input *in, void *out, size_t n, char *err,
			     size_t errlen)
{
	size_t got = 0;

	if (!in->gz) {
		size_t left = in->mem_len - in->mem_pos;

		got = n < left ? n : left;
		if (out && got)
			memcpy(out, in->mem + in->mem_pos, got);
		in->mem_pos += got;
		in->offset += got;
		return (long long)got;
	}
	while (got < n) {
		uint8_t scratch[4096];
		size_t want = n - got;
		void *dst = out ? (uint8_t *)out + got : scratch;
		int r;

		if (want > (out ? (1u << 30) : sizeof(scratch)))
			want = out ? (1u << 30) : sizeof(scratch);
		r = gzread(in->gz, dst, (unsigned)want);
		if (r < 0) {
			int zerr;

			snprintf(err, errlen, "gzip: %s", gz_message(in->gz, &zerr));
			return -EIO;
		}
		if (r == 0) {
			int zerr;
			const char *msg = gz_message(in->gz, &zerr);

			if (zerr != Z_OK) {
				snprintf(err, errlen, "gzip: %s", msg);
				return -EIO;
			}
			break;
		}
		got += (size_t)r;
		in->offset += (size_t)r;
	}
	return (long long)got;
}

void sk_scap_input_close(struct sk_scap_input *in)
{
	if (in->gz)
		gzclose(in->gz);
	if (in->map)
		munmap(in->map, in->map_len);
	free(in->owned);
	memset(in, 0, sizeof(*in));
}
