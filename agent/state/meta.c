/* SPDX-License-Identifier: Apache-2.0 */
/* The metadata-provider hook of the state (see struct sk_meta_provider). */
#include "state.h"

static const struct sk_meta_provider *default_meta;

void sk_state_meta_set_default(const struct sk_meta_provider *p)
{
	default_meta = p;
}

const struct sk_meta_provider *sk_state_meta(const struct sk_state *s)
{
	return s->meta ? s->meta : default_meta;
}
