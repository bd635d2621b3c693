/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Private to driver/scap: the reader's byte source, either a file read
 * through zlib's transparent reader (gzip or plain, "-" = stdin) or a
 * caller-owned memory buffer (gzip or plain as well).
 */
#ifndef SAKER_SCAP_INPUT_H
#define SAKER_SCAP_INPUT_H

#include <stddef.h>
#include <stdint.h>
#include <zlib.h>

#include "saker/scap.h"

struct sk_scap_input {
	gzFile gz;	    /* file input, or NULL */
	const uint8_t *mem; /* plain memory input (after inflating if it was gzip) */
	size_t mem_len;
	uint8_t *owned; /* inflated copy of a gzip memory buffer */
	void *map;	/* a plain regular file mapped read-only (mem points into it) */
	size_t map_len;
	size_t mem_pos;
	uint64_t offset; /* inflated bytes consumed */
};

/* Open path ("-" = stdin). Returns 0 or -errno with a message in err. */
int sk_scap_input_open_file(struct sk_scap_input *in, const char *path, char *err, size_t errlen);

/*
 * Use buf (borrowed, must outlive in). A gzip buffer is inflated into an
 * owned copy of at most SK_SCAP_MEM_INFLATE_MAX bytes.
 */
int sk_scap_input_open_mem(struct sk_scap_input *in, const void *buf, size_t len, char *err,
			   size_t errlen);

/*
 * Read up to n bytes into out (out may be NULL to skip). Returns the number
 * of bytes read (< n only at the end of input), or -EIO with a message.
 */
long long sk_scap_input_read(struct sk_scap_input *in, void *out, size_t n, char *err,
			     size_t errlen);

void sk_scap_input_close(struct sk_scap_input *in);

#endif
