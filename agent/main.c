/* SPDX-License-Identifier: Apache-2.0 */
/* saker: the node agent. main() only decides; the work is in the libraries. */
#include <stdio.h>
#include <stdlib.h>

#include "cli/capture.h"
#include "cli/options.h"
#include "saker/event.h"

#define SAKER_VERSION "0.1.0"
/* Newest event code Saker knows, and the scap file version it writes. */
#define SAKER_SCAP_VERSION "1.2"

static void print_version(void)
{
	printf("Saker version: %s\n", SAKER_VERSION);
	printf("Event schema: %u event codes\n", (unsigned)SK_EVT_TABLE_SIZE);
	printf("Capture format: scap %s\n", SAKER_SCAP_VERSION);
}

int main(int argc, char **argv)
{
	struct sk_options o;
	char err[256];
	if (sk_options_parse(&o, argc, argv, err, sizeof(err))) {
		fprintf(stderr, "saker: %s\n%s", err, sk_usage);
		return EXIT_FAILURE;
	}
	if (o.help) {
		fputs(sk_usage, stdout);
		return EXIT_SUCCESS;
	}
	if (o.version) {
		print_version();
		return EXIT_SUCCESS;
	}
	if (o.capture && o.write_path)
		return sk_capture_rewrite(o.capture, o.write_path, o.gzip, stderr) ? EXIT_FAILURE
										   : EXIT_SUCCESS;
	if (o.capture && o.dump)
		return sk_capture_dump(o.capture, stdout, stderr) ? EXIT_FAILURE : EXIT_SUCCESS;
	fprintf(stderr, "saker: nothing to do: the live probe is not available yet; use -e FILE\n%s",
		sk_usage);
	return EXIT_FAILURE;
}
