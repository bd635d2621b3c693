/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The event and flag tables, expanded from events.def and flags.def.
 *
 * Each event gets a static parameter array named after its id; the table
 * entry counts it with sizeof, so the .def is the only place a parameter
 * list is written down.
 */
#include "saker/event.h"

/* Flag tables: one entry array per table, then the table of tables. */
#define SK_FLAG(fname, fvalue) {.name = fname, .value = (uint32_t)(fvalue)},
#define SK_FLAGTABLE(tname, tkind, entries) static const struct sk_flag sk_flags_##tname[] = {entries};
#include "saker/flags.def"
#undef SK_FLAGTABLE

#define SK_FLAGTABLE(tname, tkind, tentries)                                                       \
	[SK_FT_##tname] = {                                                                        \
		.name = #tname,                                                                    \
		.kind = tkind,                                                                     \
		.count = sizeof(sk_flags_##tname) / sizeof(sk_flags_##tname[0]),                   \
		.entries = sk_flags_##tname,                                                       \
	},
const struct sk_flag_table sk_flag_tables[SK_FT_COUNT] = {
	[SK_FT_NONE] = {.name = "", .kind = 'F', .count = 0, .entries = 0},
#include "saker/flags.def"
};
#undef SK_FLAGTABLE
#undef SK_FLAG

/* Parameter arrays. Events without parameters get a zero-length array (GNU C). */
#define SK_PARAM(pname, ptype, pfmt, paux)                                                         \
	{.name = pname, .type = ptype, .fmt = pfmt, .aux = (uint16_t)(paux)},
#define SK_EVENT(code, id, ename, dir, flags, cat, n031, n2022, params)                           \
	static const struct sk_param_info sk_params_##id[] = {params};
#include "saker/events.def"
#undef SK_EVENT
#undef SK_PARAM

#define SK_EVENT(ecode, id, ename, edir, eflags, ecat, en031, en2022, eparams)                     \
	[ecode] = {                                                                                \
		.name = ename,                                                                     \
		.code = ecode,                                                                     \
		.flags = (uint16_t)(eflags),                                                       \
		.category = (uint16_t)(ecat),                                                      \
		.nparams = sizeof(sk_params_##id) / sizeof(struct sk_param_info),                  \
		.n031 = en031,                                                                     \
		.n2022 = en2022,                                                                   \
		.dir = #edir[0],                                                                   \
		.params = sk_params_##id,                                                          \
	},
const struct sk_event_info sk_event_table[SK_EVT_TABLE_SIZE] = {
#include "saker/events.def"
};
#undef SK_EVENT

_Static_assert(SK_EVT_TABLE_SIZE == 454, "the current libs event table has 454 codes");

const struct sk_event_info *sk_event_info_get(uint16_t code)
{
	if (code >= SK_EVT_TABLE_SIZE)
		return NULL;
	return &sk_event_table[code];
}
