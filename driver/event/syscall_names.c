/* SPDX-License-Identifier: Apache-2.0 */
/* Names of the portable syscall codes, and the name an event is shown under. */
#include <string.h>

#include "saker/event.h"

#define SK_SYSCALL(code, name) [code] = #name,
static const char *const ppm_sc_names[] = {
#include "saker/syscalls.def"
};
#undef SK_SYSCALL

#define NSC (sizeof(ppm_sc_names) / sizeof(ppm_sc_names[0]))

const char *sk_ppm_sc_name(uint16_t code)
{
	return code < NSC ? ppm_sc_names[code] : NULL;
}

int sk_ppm_sc_by_name(const char *name)
{
	for (unsigned i = 0; i < NSC; i++)
		if (ppm_sc_names[i] && !strcmp(ppm_sc_names[i], name))
			return (int)i;
	return -1;
}

const char *sk_evt_type_name(const struct sk_evt *e)
{
	uint16_t type = e->hdr->type;
	if ((type == SK_EVT_SYSCALL_E || type == SK_EVT_SYSCALL_X) && e->nparams > 0 &&
	    e->param_len[0] == 2) {
		uint16_t id;
		memcpy(&id, e->param[0], 2);
		const char *n = sk_ppm_sc_name(id);
		if (n)
			return n;
	}
	return e->info->name;
}
