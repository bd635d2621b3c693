/* SPDX-License-Identifier: Apache-2.0 */
/* Helpers of the state tests: corpus captures fed into a struct sk_state. */
#ifndef SAKER_TEST_STATE_UTIL_H
#define SAKER_TEST_STATE_UTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "saker/scap.h"
#include "../../../../agent/state/state.h"

/* Path of a corpus capture ($SAKER_CORPUS or ../shared/corpus). */
static inline const char *state_test_capture(const char *name)
{
	static char path[4096];
	const char *corpus = getenv("SAKER_CORPUS");
	snprintf(path, sizeof(path), "%s/captures/%s", corpus ? corpus : "../shared/corpus", name);
	return path;
}

/*
 * Feed name's items into st up to and including event number upto
 * (1-based; 0 = all). The last event fed is not followed by
 * sk_state_after_event, so its removals are still pending; it is copied
 * into *last (when not NULL) with its bytes in lastbuf (cap lastcap).
 * Returns the number of events fed.
 */
static inline uint64_t state_test_replay(struct sk_state *st, const char *name, uint64_t upto,
					 struct sk_evt *last, uint8_t *lastbuf, size_t lastcap)
{
	char err[512];
	struct sk_scap_reader *r;
	assert_int_equal(sk_scap_reader_open(&r, state_test_capture(name), err, sizeof(err)), 0);
	struct sk_scap_item it;
	uint64_t n = 0;
	while ((upto == 0 || n < upto) && sk_scap_reader_next(r, &it, err, sizeof(err)) > 0) {
		if (it.kind != SK_SCAP_EVENT) {
			assert_int_equal(sk_state_apply_item(st, &it), 0);
			continue;
		}
		n++;
		sk_state_apply_event(st, &it.event);
		if (upto == 0 || n < upto) {
			sk_state_after_event(st, &it.event);
		} else if (last) {
			assert_true(it.event.hdr->len <= lastcap);
			memcpy(lastbuf, it.event.hdr, it.event.hdr->len);
			char perr[64];
			assert_int_equal(
			    sk_evt_parse(last, lastbuf, it.event.hdr->len, perr, sizeof(perr)), 0);
		}
	}
	sk_scap_reader_free(r);
	return n;
}

#endif
