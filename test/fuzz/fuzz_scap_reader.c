/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: any bytes through sk_scap_reader_open_mem and every
 * item until the end or an error. Errors are expected; crashes, leaks and
 * out-of-bounds reads are the findings.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "saker/scap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Keeps the reads of each item from being optimised away. */
static volatile uint64_t fuzz_sink;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sk_scap_reader *r;
	struct sk_scap_item it;
	char err[512];
	uint64_t sink = 0;

	if (sk_scap_reader_open_mem(&r, data, size, "fuzz", err, sizeof(err)) != 0)
		return 0;
	while (sk_scap_reader_next(r, &it, err, sizeof(err)) == 1) {
		/* touch what the item points at so that the sanitizers check it */
		switch (it.kind) {
		case SK_SCAP_EVENT:
			sink += it.event.hdr->len;
			for (uint32_t i = 0; i < it.event.nparams; i++)
				if (it.event.param_len[i])
					sink += it.event.param[i][it.event.param_len[i] - 1];
			break;
		case SK_SCAP_PROC:
			sink += strlen(it.proc->comm.buf) + it.proc->args.len;
			break;
		case SK_SCAP_FD:
			sink += strlen(it.fd->name.buf);
			break;
		default:
			break;
		}
	}
	sk_scap_reader_free(r);
	fuzz_sink = sink;
	return 0;
}
