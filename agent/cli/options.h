/* SPDX-License-Identifier: Apache-2.0 */
/* Command-line options of `saker`, spelled as Falco spells them. */
#ifndef SAKER_CLI_OPTIONS_H
#define SAKER_CLI_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

#define SK_OPT_MAX_REPEAT 64u /* repeatable flags (-r, -o, -V, -D, -t, -T) */

struct sk_options {
	bool help;
	bool version;
	bool dump;               /* --dump: print the events of -e */
	bool gzip;               /* -z: compress -w output */
	const char *capture;     /* -e FILE */
	const char *write_path;  /* -w FILE */
};

/*
 * Parse argv into o. Returns 0, or -EINVAL with a message in err naming the
 * offending argument.
 */
int sk_options_parse(struct sk_options *o, int argc, char **argv, char *err, size_t errlen);

/* The --help text. */
extern const char sk_usage[];

#endif
