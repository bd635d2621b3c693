/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The event and flag tables: completeness, internal consistency, and a
 * row-by-row cross-check against Appendix A of the scap event spec (read
 * at run time from the shared tree when it is there).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "saker/event.h"

static const char *type_names[PT_MAX] = {
	[PT_NONE] = "NONE", [PT_INT8] = "INT8", [PT_INT16] = "INT16", [PT_INT32] = "INT32",
	[PT_INT64] = "INT64", [PT_UINT8] = "UINT8", [PT_UINT16] = "UINT16",
	[PT_UINT32] = "UINT32", [PT_UINT64] = "UINT64", [PT_CHARBUF] = "CHARBUF",
	[PT_BYTEBUF] = "BYTEBUF", [PT_ERRNO] = "ERRNO", [PT_SOCKADDR] = "SOCKADDR",
	[PT_SOCKTUPLE] = "SOCKTUPLE", [PT_FD] = "FD", [PT_PID] = "PID", [PT_FDLIST] = "FDLIST",
	[PT_FSPATH] = "FSPATH", [PT_SYSCALLID] = "SYSCALLID", [PT_SIGTYPE] = "SIGTYPE",
	[PT_RELTIME] = "RELTIME", [PT_ABSTIME] = "ABSTIME", [PT_PORT] = "PORT",
	[PT_L4PROTO] = "L4PROTO", [PT_SOCKFAMILY] = "SOCKFAMILY", [PT_BOOL] = "BOOL",
	[PT_IPV4ADDR] = "IPV4ADDR", [PT_DYN] = "DYN", [PT_FLAGS8] = "FLAGS8",
	[PT_FLAGS16] = "FLAGS16", [PT_FLAGS32] = "FLAGS32", [PT_UID] = "UID", [PT_GID] = "GID",
	[PT_DOUBLE] = "DOUBLE", [PT_SIGSET] = "SIGSET", [PT_CHARBUFARRAY] = "CHARBUFARRAY",
	[PT_CHARBUF_PAIR_ARRAY] = "CHARBUF_PAIR_ARRAY", [PT_IPV4NET] = "IPV4NET",
	[PT_IPV6ADDR] = "IPV6ADDR", [PT_IPV6NET] = "IPV6NET", [PT_IPADDR] = "IPADDR",
	[PT_IPNET] = "IPNET", [PT_MODE] = "MODE", [PT_FSRELPATH] = "FSRELPATH",
	[PT_ENUMFLAGS8] = "ENUMFLAGS8", [PT_ENUMFLAGS16] = "ENUMFLAGS16",
	[PT_ENUMFLAGS32] = "ENUMFLAGS32", [PT_FD32] = "FD32", [PT_PID32] = "PID32",
};

static void test_table_has_every_code(void **state)
{
	unsigned i;

	(void)state;
	assert_int_equal(SK_EVT_TABLE_SIZE, 454);
	for (i = 0; i < SK_EVT_TABLE_SIZE; i++) {
		const struct sk_event_info *ei = sk_event_info_get((uint16_t)i);

		assert_non_null(ei);
		assert_ptr_equal(ei, &sk_event_table[i]);
		assert_int_equal(ei->code, i);
		assert_non_null(ei->name);
		assert_true(ei->name[0] != '\0');
		assert_true(ei->nparams <= SK_EVT_MAX_PARAMS);
	}
	assert_null(sk_event_info_get(454));
	assert_null(sk_event_info_get(UINT16_MAX));
}

static void test_enum_ids_match_codes(void **state)
{
	(void)state;
	assert_int_equal(SK_EVT_SYSCALL_E, 0);
	assert_int_equal(SK_EVT_OPEN_X, 3);
	assert_int_equal(SK_EVT_EXECVE_X, 293);
	assert_int_equal(SK_EVT_EXECVE_X_13, 13);
	assert_int_equal(SK_EVT_OPENAT_X, 307);
	assert_int_equal(SK_EVT_OPENAT_X_103, 103);
	assert_int_equal(SK_EVT_NA_17, 17);
	assert_int_equal(SK_EVT_KEYCTL_X, 453);
	assert_string_equal(sk_event_table[SK_EVT_EXECVE_X].name, "execve");
	assert_string_equal(sk_event_table[SK_EVT_CONTAINER_E].name, "container");
}

/* Even codes are enter events, odd codes exit events, and pairs share a name. */
static void test_enter_exit_parity(void **state)
{
	unsigned i;

	(void)state;
	for (i = 0; i < SK_EVT_TABLE_SIZE; i++) {
		const struct sk_event_info *ei = &sk_event_table[i];

		assert_int_equal(ei->dir, (i & 1) ? 'X' : 'E');
		assert_int_equal(sk_event_is_enter((uint16_t)i), (i & 1) == 0);
		if (strcmp(ei->name, "NA") == 0) {
			/* 269 (old tracer exit) keeps its parameters for old files */
			assert_true(ei->flags & SK_EF_UNUSED);
			continue;
		}
		assert_false(ei->flags & SK_EF_UNUSED);
		if ((i & 1) && strcmp(sk_event_table[i - 1].name, "NA") != 0)
			assert_string_equal(ei->name, sk_event_table[i - 1].name);
	}
}

static void test_param_aux_is_consistent(void **state)
{
	unsigned i, j;

	(void)state;
	for (i = 0; i < SK_EVT_TABLE_SIZE; i++) {
		const struct sk_event_info *ei = &sk_event_table[i];

		for (j = 0; j < ei->nparams; j++) {
			const struct sk_param_info *p = &ei->params[j];

			assert_non_null(p->name);
			assert_true(p->name[0] != '\0');
			assert_true(p->type > PT_NONE && p->type < PT_MAX);
			assert_true(p->fmt <= PF_OCT);
			switch (p->type) {
			case PT_FLAGS8:
			case PT_FLAGS16:
			case PT_FLAGS32:
				assert_true(p->aux > SK_FT_NONE && p->aux < SK_FT_COUNT);
				assert_int_equal(sk_flag_tables[p->aux].kind, 'F');
				break;
			case PT_ENUMFLAGS8:
			case PT_ENUMFLAGS16:
			case PT_ENUMFLAGS32:
				assert_true(p->aux > SK_FT_NONE && p->aux < SK_FT_COUNT);
				assert_int_equal(sk_flag_tables[p->aux].kind, 'E');
				break;
			case PT_MODE:
				assert_true(p->aux > SK_FT_NONE && p->aux < SK_FT_COUNT);
				assert_int_equal(sk_flag_tables[p->aux].kind, 'M');
				break;
			case PT_DYN:
				assert_true(p->aux > SK_FT_NONE && p->aux < SK_FT_COUNT);
				assert_int_equal(sk_flag_tables[p->aux].kind, 'D');
				break;
			case PT_FSRELPATH:
				assert_true(p->aux < ei->nparams);
				assert_int_equal(ei->params[p->aux].type, PT_FD);
				break;
			default:
				assert_int_equal(p->aux, 0);
			}
		}
	}
}

static void test_known_rows(void **state)
{
	const struct sk_event_info *ei;

	(void)state;
	ei = sk_event_info_get(SK_EVT_OPENAT_X);
	assert_int_equal(ei->nparams, 7);
	assert_string_equal(ei->params[2].name, "name");
	assert_int_equal(ei->params[2].type, PT_FSRELPATH);
	assert_int_equal(ei->params[2].aux, 1);
	assert_int_equal(ei->params[3].aux, SK_FT_file_flags);
	assert_int_equal(ei->params[4].fmt, PF_OCT);
	assert_int_equal(ei->category, SK_EC_FILE | SK_EC_SYSCALL);
	assert_true(ei->flags & SK_EF_CREATES_FD);
	assert_int_equal(ei->n031, 6);
	assert_int_equal(ei->n2022, 6);

	ei = sk_event_info_get(SK_EVT_PLUGINEVENT_E);
	assert_true(ei->flags & SK_EF_LARGE_PAYLOAD);

	ei = sk_event_info_get(SK_EVT_MMAP_E);
	assert_int_equal(ei->params[0].fmt, PF_HEX);
	assert_int_equal(ei->params[2].aux, SK_FT_prot_flags);
	assert_int_equal(ei->params[3].aux, SK_FT_mmap_flags);

	ei = sk_event_info_get(SK_EVT_FUTEX_E);
	assert_int_equal(ei->params[1].aux, SK_FT_futex_operations);
	ei = sk_event_info_get(SK_EVT_MEMFD_CREATE_X);
	assert_int_equal(ei->n031, -1);
	assert_int_equal(ei->n2022, -1);
}

static const struct sk_flag_table *table_named(const char *name)
{
	unsigned i;

	for (i = 1; i < SK_FT_COUNT; i++)
		if (strcmp(sk_flag_tables[i].name, name) == 0)
			return &sk_flag_tables[i];
	return NULL;
}

static void test_flag_tables_present(void **state)
{
	static const char *const names[] = {
		"file_flags",	   "clone_flags",   "prot_flags",	   "mmap_flags",
		"socket_families", "execve_flags",  "chmod_mode",	   "mknod_mode",
		"futex_operations", "fcntl_commands", "ptrace_requests", "sockopt_dynamic_param",
		"bpf_dynamic_param", "keyctl_dynamic_param", "ptrace_dynamic_param", "unlinkat_flags",
	};
	const struct sk_flag_table *t;
	unsigned i, j;

	(void)state;
	assert_int_equal(SK_FT_COUNT, 60); /* 55 flag/enum/mode tables + 4 dynamic + none */
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		assert_non_null(table_named(names[i]));
	for (i = 1; i < SK_FT_COUNT; i++) {
		t = &sk_flag_tables[i];
		assert_true(t->count > 0);
		assert_true(strchr("FEMD", t->kind) != NULL);
		for (j = 0; j < t->count; j++)
			assert_true(t->entries[j].name[0] != '\0');
	}
	/* upstream order is kept: rendering walks the table front to back */
	t = table_named("file_flags");
	assert_string_equal(t->entries[0].name, "O_LARGEFILE");
	assert_int_equal(t->entries[0].value, 0x800);
	assert_string_equal(t->entries[12].name, "O_RDONLY");
	assert_int_equal(t->entries[13].value, 0x1000);
	t = table_named("sockopt_dynamic_param");
	assert_int_equal(t->kind, 'D');
	assert_int_equal(t->count, 5);
	assert_int_equal(t->entries[1].value, PT_ERRNO);
	assert_int_equal(t->entries[4].value, PT_RELTIME);
	assert_int_equal(table_named("socket_families")->kind, 'E');
	assert_int_equal(table_named("chmod_mode")->kind, 'M');
}

/* ---- cross-check against Appendix A ---- */

#define SPEC_LINE_MAX 4096

static FILE *open_spec(void)
{
	const char *corpus = getenv("SAKER_CORPUS");
	char path[1024];

	if (corpus) {
		snprintf(path, sizeof(path), "%s/../specs/scap-events.md", corpus);
		FILE *f = fopen(path, "r");
		if (f)
			return f;
	}
	return fopen("../shared/specs/scap-events.md", "r");
}

static char *trim(char *s)
{
	char *e;

	while (*s == ' ')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\n'))
		*--e = '\0';
	return s;
}

/* Check one "name:TYPE, name:TYPE" list against the table entry. */
static void check_params(const struct sk_event_info *ei, char *list)
{
	unsigned n = 0;
	char *save = NULL, *tok;

	if (strcmp(list, "-") == 0) {
		assert_int_equal(ei->nparams, 0);
		return;
	}
	for (tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save), n++) {
		char *colon;

		tok = trim(tok);
		colon = strrchr(tok, ':');
		assert_non_null(colon);
		*colon = '\0';
		assert_true(n < ei->nparams);
		assert_string_equal(ei->params[n].name, tok);
		assert_string_equal(type_names[ei->params[n].type], colon + 1);
	}
	assert_int_equal(n, ei->nparams);
}

static void check_counts(const struct sk_event_info *ei, char *s)
{
	char *slash = strchr(s, '/');
	int a, b;

	if (slash) {
		*slash = '\0';
		a = strcmp(trim(s), "absent") == 0 ? -1 : atoi(s);
		b = strcmp(trim(slash + 1), "absent") == 0 ? -1 : atoi(trim(slash + 1));
	} else {
		a = b = strcmp(s, "absent") == 0 ? -1 : atoi(s);
	}
	assert_int_equal(ei->n031, a);
	assert_int_equal(ei->n2022, b);
}

static void test_matches_appendix_a(void **state)
{
	FILE *f = open_spec();
	char line[SPEC_LINE_MAX];
	unsigned rows = 0;
	int in_a = 0;

	(void)state;
	if (!f)
		skip();
	while (fgets(line, sizeof(line), f)) {
		char *col[8], *save = NULL, *p;
		unsigned ncol = 0;
		const struct sk_event_info *ei;

		if (strncmp(line, "## Appendix A", 13) == 0)
			in_a = 1;
		else if (strncmp(line, "## ", 3) == 0)
			in_a = 0;
		if (!in_a || line[0] != '|' || line[2] < '0' || line[2] > '9')
			continue;
		for (p = strtok_r(line + 1, "|", &save); p && ncol < 8; p = strtok_r(NULL, "|", &save))
			col[ncol++] = trim(p);
		/* the text after the closing '|' is an eighth, empty column */
		assert_int_equal(ncol, 8);
		assert_string_equal(col[7], "");
		ei = sk_event_info_get((uint16_t)atoi(col[0]));
		assert_non_null(ei);
		assert_int_equal(ei->code, rows);
		assert_string_equal(ei->name, col[1]);
		assert_int_equal(ei->dir, col[2][0]);
		assert_int_equal(ei->nparams, atoi(col[4]));
		assert_int_equal(((ei->flags & SK_EF_LARGE_PAYLOAD) != 0),
				 strstr(col[3], "LARGE_PAYLOAD") != NULL);
		assert_int_equal(((ei->flags & SK_EF_OLD_VERSION) != 0),
				 strstr(col[3], "OLD_VERSION") != NULL);
		check_counts(ei, col[5]);
		check_params(ei, col[6]);
		rows++;
	}
	fclose(f);
	assert_int_equal(rows, SK_EVT_TABLE_SIZE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_has_every_code),
		cmocka_unit_test(test_enum_ids_match_codes),
		cmocka_unit_test(test_enter_exit_parity),
		cmocka_unit_test(test_param_aux_is_consistent),
		cmocka_unit_test(test_known_rows),
		cmocka_unit_test(test_flag_tables_present),
		cmocka_unit_test(test_matches_appendix_a),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
