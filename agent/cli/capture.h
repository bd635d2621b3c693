/* SPDX-License-Identifier: Apache-2.0 */
/* Capture tools of the saker CLI: dump a capture like `sysdig -r`, rewrite a capture. */
#ifndef SAKER_CLI_CAPTURE_H
#define SAKER_CLI_CAPTURE_H

#include <stdbool.h>
#include <stdio.h>

#include "saker/event.h"

/*
 * Print every event of path to out, one line each, in the format of
 * `sysdig -r`: number, time, cpu, process (tid), direction, type, args.
 * Returns 0, or -errno after printing the reader's error to errf.
 */
int sk_capture_dump(const char *path, FILE *out, FILE *errf);

/* Read in_path and write every section, metadata record and event to out_path. */
int sk_capture_rewrite(const char *in_path, const char *out_path, bool gzip, FILE *errf);

/* Events sysdig reads and numbers but never shows (procinfo, container...). */
bool sk_capture_event_hidden(const struct sk_evt *e);

#endif
