/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A state's table sizes and counters for readers on other threads
 * (/metrics). The thread feeding the state stores the sizes once per event
 * (sk_state_show_sizes, state_priv.h) and bumps the counters with relaxed
 * atomics; readers load them the same way and never touch the tables.
 */
#include "state_priv.h"

static uint64_t load(const uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

void sk_state_get_stats(const struct sk_state *s, struct sk_state_stats *out)
{
	*out = (struct sk_state_stats){
	    .threads = load(&s->shown_threads),
	    .containers = load(&s->shown_containers),
	    .users = load(&s->shown_users),
	    .groups = load(&s->shown_groups),
	    .threads_dropped = load(&s->threads_dropped),
	    .threads_evicted = load(&s->threads_evicted),
	    .fds_dropped = load(&s->fds_dropped),
	    .containers_dropped = load(&s->containers_dropped),
	    .strings_capped = load(&s->strings_capped),
	};
}
