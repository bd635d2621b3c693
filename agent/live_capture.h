/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Live captures (-w) that Debian sysdig reads: the probe produces exit
 * events only, in current-libs codes; sysdig 0.29 reads codes below 336 and
 * pairs enter with exit events. Each probe event is written as the 2022
 * enter+exit pair of its syscall (scap-events.md section 9): the exit as
 * produced (sysdig reads its parameter prefix), or rebuilt under the 2022
 * code for syscalls that code shares (dup2 -> dup, accept4 -> accept...),
 * or the generic syscall pair (0/1) for syscalls sysdig has no event for.
 */
#ifndef SAKER_AGENT_LIVE_CAPTURE_H
#define SAKER_AGENT_LIVE_CAPTURE_H

#include <stddef.h>
#include <stdint.h>

#include "saker/event.h"
#include "saker/scap.h"

/* First event code Debian sysdig does not read. */
#define SK_SYSDIG2022_CODE_LIMIT 336u
/* Highest ppm_sc (generic event ID) Debian sysdig has a name for; it crashes on larger ones. */
#define SK_SYSDIG2022_PPM_SC_MAX 328u
/* Bytes of one rebuilt event (the exit's size limit). */
#define SK_LIVE_PAIR_EVT_MAX SK_EVT_MAX_LEN

struct sk_live_pair {
	size_t nevents;              /* 0 (nothing sysdig can read), 1 or 2 */
	const void *evt[2];          /* enter (when 2), then exit; point into buf or the input */
	size_t len[2];
	uint8_t buf[2][SK_LIVE_PAIR_EVT_MAX];
};

/*
 * Build the events to write for e (a probe event, borrowed; pair->evt may
 * point into it). Returns 0, or -E2BIG when a rebuilt event would not fit.
 */
int sk_live_pair_build(struct sk_live_pair *pair, const struct sk_evt *e);

/*
 * Rebuild the enter event (current code exit - 1, current parameter list)
 * of exit event e into buf, parameters taken by name from e. For rules
 * written against enter events (evt.dir=>) in live mode. Returns 0, or
 * -EINVAL when e has no enter code, -E2BIG when buf is too small.
 */
int sk_live_enter_build(uint8_t *buf, size_t cap, size_t *len, const struct sk_evt *e);

/* Build and write the pair of e produced by cpu. Returns 0 or -errno with a message in err. */
int sk_live_pair_write(struct sk_scap_writer *w, struct sk_live_pair *scratch,
		       const struct sk_evt *e, char *err, size_t errlen);

#endif
