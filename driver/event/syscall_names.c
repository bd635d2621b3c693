/* SPDX-License-Identifier: Apache-2.0 */
/* Names of the portable syscall codes, and the name an event is shown under. */
#include <string.h>

#include "saker/event.h"

#define SK_SYSCALL(code, name, cat) [code] = #name,
static const char *const ppm_sc_names[] = {
#include "saker/syscalls.def"
};
#undef SK_SYSCALL

#define SK_SYSCALL(code, name, cat) [code] = cat,
static const uint16_t ppm_sc_categories[] = {
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

/* The ppm_sc code a generic event stands for, or -1 for other events. */
static int generic_id(const struct sk_evt *e)
{
	uint16_t type = e->hdr->type, id;
	if ((type != SK_EVT_SYSCALL_E && type != SK_EVT_SYSCALL_X) || e->nparams == 0 ||
	    e->param_len[0] != 2)
		return -1;
	memcpy(&id, e->param[0], 2);
	return id < NSC ? id : -1;
}

const char *sk_evt_type_name(const struct sk_evt *e)
{
	int id = generic_id(e);
	return id >= 0 && ppm_sc_names[id] ? ppm_sc_names[id] : e->info->name;
}

unsigned sk_evt_category(const struct sk_evt *e)
{
	int id = generic_id(e);
	return id >= 0 ? ppm_sc_categories[id] : e->info->category;
}
