/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: any bytes as a condition through the compiler (built-in
 * fields) and, when it compiles, the evaluator and the event-type analysis
 * on a real open event; the same bytes as an output format through the
 * format compiler and, when it compiles, the renderer and both alert forms.
 * Compile errors are expected; crashes, leaks and sanitizer reports are not.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../agent/engine/engine.h"
#include "../../agent/engine/filter.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_TEXT_MAX (64u << 10)

static struct sk_field_registry *reg;

/* An open exit event: fd 3, "/etc/passwd". */
static size_t open_event(uint8_t *buf)
{
	static const char name[] = "/etc/passwd";
	int64_t fd = 3;
	uint32_t flags = 1, mode = 0, dev = 0;
	uint64_t ino = 7;
	const void *p[] = {&fd, name, &flags, &mode, &dev, &ino};
	const uint16_t l[] = {8, sizeof(name), 4, 4, 4, 8};
	struct sk_evt_hdr h = {
	    .ts = 1470327477881781397ull, .tid = 1, .type = SK_EVT_OPEN_X, .nparams = 6};
	size_t off = sizeof(h) + 12;
	for (unsigned i = 0; i < 6; i++) {
		memcpy(buf + sizeof(h) + 2 * i, &l[i], 2);
		memcpy(buf + off, p[i], l[i]);
		off += l[i];
	}
	h.len = (uint32_t)off;
	memcpy(buf, &h, sizeof(h));
	return off;
}

static void run_format(const char *text, struct sk_eval_ctx *ctx)
{
	struct sk_format *f = NULL;
	char err[256], out[4096];
	if (sk_format_compile(reg, "syscall", text, NULL, &f, err, sizeof(err)))
		return;
	sk_format_render(f, ctx, out, sizeof(out), NULL);
	const char *tags[] = {"a", "b"};
	struct sk_rule r = {.name = "fuzz",
			    .source = "syscall",
			    .priority = SK_PRIO_WARNING,
			    .tags = tags,
			    .ntags = 2,
			    .output = f};
	struct sk_output_opts o;
	sk_output_opts_init(&o);
	sk_alert_format(&r, ctx, 5, &o, out, sizeof(out));
	o.json = true;
	o.json_include_message = true;
	sk_alert_format(&r, ctx, 5, &o, out, sizeof(out));
	sk_format_free(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!reg && (sk_field_registry_new(&reg) || sk_field_registry_add_builtin(reg)))
		abort();
	if (size > FUZZ_TEXT_MAX)
		return 0;
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';

	uint8_t buf[256];
	struct sk_evt e;
	char err[512], scratch[4096];
	size_t len = open_event(buf);
	if (sk_evt_parse(&e, buf, len, err, sizeof(err)))
		abort();
	struct sk_eval_ctx ctx = {.evt = &e,
				  .evtnum = 1,
				  .source = "syscall",
				  .scratch = scratch,
				  .scratch_cap = sizeof(scratch)};

	struct sk_filter *f = NULL;
	if (sk_filter_compile_text(NULL, reg, "syscall", text, &f, err, sizeof(err)) == 0) {
		struct sk_evtset codes;
		(void)sk_filter_eval(f, &ctx);
		sk_filter_evttypes(f, &codes);
		sk_filter_free(f);
	}
	run_format(text, &ctx);
	free(text);
	return 0;
}
