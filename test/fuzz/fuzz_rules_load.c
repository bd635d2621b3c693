/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: any bytes as a rules file through sk_rules_load_buf,
 * then every loaded condition through the parser and every rule through
 * the exception-condition builder. Load errors are expected; crashes, leaks
 * and out-of-bounds accesses are the findings.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../agent/engine/rules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void parse_all(struct sk_rules *r)
{
	struct sk_ast_arena *a;
	struct sk_ast_node *n;
	struct sk_src_text t;
	char err[512];
	if (sk_ast_arena_new(&a))
		return;
	for (unsigned i = 0; i < r->nmacros; i++)
		sk_cond_parse(a, &r->macros[i].cond, &n, err, sizeof(err));
	for (unsigned i = 0; i < r->nrules; i++) {
		sk_src_text_init(&t);
		if (!sk_rules_exception_cond(&r->rules[i], &t, err, sizeof(err)))
			sk_cond_parse(a, &t, &n, err, sizeof(err));
		sk_src_text_fini(&t);
	}
	sk_ast_arena_free(a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sk_rules r;
	struct sk_diags d;
	char line[1024];
	sk_rules_init(&r);
	sk_diags_init(&d);
	sk_rules_load_buf(&r, "fuzz.yaml", (const char *)data, size, &d);
	for (unsigned i = 0; i < d.n; i++)
		sk_diag_format(&d.v[i], line, sizeof(line));
	parse_all(&r);
	sk_diags_fini(&d);
	sk_rules_fini(&r);
	return 0;
}
