/* SPDX-License-Identifier: Apache-2.0 */
#include "options.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

const char sk_usage[] =
	"Usage: saker [options]\n"
	"\n"
	"Options:\n"
	"  -h, --help            print this help and exit\n"
	"  --version             print the versions of saker and its formats and exit\n"
	"  -e <file>             read events from a .scap capture instead of the live probe\n"
	"  --dump                with -e: print every event, one per line, like `sysdig -r`\n"
	"  -w <file>             write the events read to a .scap capture\n"
	"  -z                    with -w: compress the capture with gzip\n";

enum { OPT_VERSION = 0x100, OPT_DUMP };

static const struct option long_opts[] = {
	{"help", no_argument, NULL, 'h'},
	{"version", no_argument, NULL, OPT_VERSION},
	{"dump", no_argument, NULL, OPT_DUMP},
	{NULL, 0, NULL, 0},
};

int sk_options_parse(struct sk_options *o, int argc, char **argv, char *err, size_t errlen)
{
	memset(o, 0, sizeof(*o));
	optind = 1;
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, ":he:w:z", long_opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			o->help = true;
			break;
		case OPT_VERSION:
			o->version = true;
			break;
		case OPT_DUMP:
			o->dump = true;
			break;
		case 'e':
			o->capture = optarg;
			break;
		case 'w':
			o->write_path = optarg;
			break;
		case 'z':
			o->gzip = true;
			break;
		case ':':
			snprintf(err, errlen, "option '%s' needs an argument", argv[optind - 1]);
			return -EINVAL;
		default:
			snprintf(err, errlen, "unknown option '%s'", argv[optind - 1]);
			return -EINVAL;
		}
	}
	if (optind < argc) {
		snprintf(err, errlen, "unexpected argument '%s'", argv[optind]);
		return -EINVAL;
	}
	if (o->dump && !o->capture) {
		snprintf(err, errlen, "--dump needs a capture file (-e FILE)");
		return -EINVAL;
	}
	if (o->write_path && !o->capture) {
		snprintf(err, errlen, "-w needs a source of events (-e FILE)");
		return -EINVAL;
	}
	return 0;
}
