/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: any bytes as a condition through sk_cond_parse. When it
 * parses, the printed form must parse again and print identically (a
 * mismatch aborts, so libFuzzer records it). Parse errors are expected.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../agent/engine/rules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define PRINT_MAX (1u << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sk_ast_arena *a;
	struct sk_ast_node *n, *m;
	struct sk_src_frag frag = {.offset = 0, .pos = {"fuzz.yaml", 1, 1}};
	struct sk_src_text src = {.text = (char *)data, .len = size, .frags = &frag, .nfrags = 1};
	char err[512];
	char *first = NULL, *second = NULL;
	if (sk_ast_arena_new(&a))
		return 0;
	if (sk_cond_parse(a, &src, &n, err, sizeof(err)))
		goto out;
	first = malloc(PRINT_MAX);
	second = malloc(PRINT_MAX);
	if (!first || !second)
		goto out;
	size_t len = sk_ast_print(n, first, PRINT_MAX);
	if (len >= PRINT_MAX)
		goto out;
	struct sk_src_text p = {.text = first, .len = len};
	if (sk_cond_parse(a, &p, &m, err, sizeof(err)))
		abort(); /* the printer wrote something the parser rejects */
	if (sk_ast_print(m, second, PRINT_MAX) != len || memcmp(first, second, len))
		abort(); /* printing is not stable */
out:
	free(first);
	free(second);
	sk_ast_arena_free(a);
	return 0;
}
