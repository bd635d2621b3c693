/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The reference probe of the live benchmark (performance.md 5a): empty raw
 * tracepoint programs ("return 0") on sys_enter and sys_exit, the least any
 * tracer of syscalls adds. Attaches, prints "ready", holds until SIGINT or
 * SIGTERM, then detaches. Needs root.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <linux/bpf.h>

static void on_signal(int sig)
{
	(void)sig;
}

int main(void)
{
	static const char *const tps[] = {"sys_enter", "sys_exit"};
	struct bpf_insn prog[] = {
		{.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0},
		{.code = BPF_JMP | BPF_EXIT},
	};
	int pfd = bpf_prog_load(BPF_PROG_TYPE_RAW_TRACEPOINT, "sk_floor", "GPL", prog, 2, NULL);
	int links[2];
	if (pfd < 0) {
		fprintf(stderr, "bench_floor: loading the empty program: %s\n", strerror(errno));
		return 1;
	}
	for (int i = 0; i < 2; i++) {
		links[i] = bpf_raw_tracepoint_open(tps[i], pfd);
		if (links[i] < 0) {
			fprintf(stderr, "bench_floor: attaching to %s: %s\n", tps[i], strerror(errno));
			return 1;
		}
	}
	struct sigaction sa = {.sa_handler = on_signal};
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	printf("ready\n");
	fflush(stdout);
	pause();
	close(links[0]);
	close(links[1]);
	close(pfd);
	return 0;
}
