/* SPDX-License-Identifier: Apache-2.0 */
/* Running loaded rules over the events of a capture, printing Falco alerts. */
#ifndef SAKER_CLI_REPLAY_H
#define SAKER_CLI_REPLAY_H

#include <stdio.h>

#include "engine_setup.h"
#include "options.h"

/*
 * Replay o->capture (a .scap capture, or JSON read by a plugin; without
 * -e, only the configured plugin sources) through state and s's ruleset; alerts go to the
 * outputs of cfg (the stdout output writes to out), the web server and hot
 * reload run as configured, and the closing summary (events read, alerts
 * by priority and by rule) goes to out once the outputs are drained, as
 * Falco prints it. Returns 0, or -errno when the capture is unusable or an
 * output cannot be opened.
 */
int sk_replay_run(struct sk_engine_setup *s, const struct sk_options *o,
		  const struct sk_config *cfg, const char *version, FILE *out, FILE *errf);

#endif
