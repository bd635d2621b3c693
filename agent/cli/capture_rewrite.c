/* SPDX-License-Identifier: Apache-2.0 */
#include "capture.h"

#include "saker/scap.h"

int sk_capture_rewrite(const char *in_path, const char *out_path, bool gzip, FILE *errf)
{
	char err[512];
	struct sk_scap_reader *r;
	struct sk_scap_writer *w;
	int rc = sk_scap_reader_open(&r, in_path, err, sizeof(err));
	if (rc) {
		fprintf(errf, "saker: %s\n", err);
		return rc;
	}
	struct sk_scap_writer_opts opts = {.gzip = gzip};
	rc = sk_scap_writer_open(&w, out_path, &opts, err, sizeof(err));
	if (rc) {
		fprintf(errf, "saker: %s\n", err);
		sk_scap_reader_free(r);
		return rc;
	}
	struct sk_scap_item it;
	while ((rc = sk_scap_reader_next(r, &it, err, sizeof(err))) > 0) {
		rc = sk_scap_writer_write(w, &it, err, sizeof(err));
		if (rc)
			break;
	}
	if (rc < 0)
		fprintf(errf, "saker: %s\n", err);
	int crc = sk_scap_writer_close(w, err, sizeof(err));
	if (crc && rc >= 0) {
		fprintf(errf, "saker: %s\n", err);
		rc = crc;
	}
	sk_scap_reader_free(r);
	return rc < 0 ? rc : 0;
}
