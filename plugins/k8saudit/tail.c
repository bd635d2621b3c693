/* SPDX-License-Identifier: Apache-2.0 */
/*
 * file://PATH: follow a JSONL file as upstream does: start at its current
 * end, read lines appended to it, start over at 0 when it is truncated, and
 * from the beginning of the new file when it is replaced (rotation).
 * Polls every 100 ms; lines go through the same queue as webhook bodies.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "k8saudit.h"

#define TAIL_POLL_NS 100000000L

struct k8s_tail {
	struct k8s_instance *in;
	char *path;
	pthread_t thread;
	bool stopping;
	FILE *f;
	ino_t ino;
	off_t off;
	char *line;
};

static void reopen(struct k8s_tail *t, bool at_end)
{
	if (t->f)
		fclose(t->f);
	t->f = fopen(t->path, "r");
	t->off = 0;
	struct stat sb;
	if (t->f && fstat(fileno(t->f), &sb) == 0) {
		t->ino = sb.st_ino;
		if (at_end) {
			fseeko(t->f, 0, SEEK_END);
			t->off = sb.st_size;
		}
	}
}

static void *tail_main(void *arg)
{
	struct k8s_tail *t = arg;
	size_t have = 0;
	while (!__atomic_load_n(&t->stopping, __ATOMIC_RELAXED)) {
		struct stat sb;
		if (stat(t->path, &sb) == 0) {
			if (!t->f || sb.st_ino != t->ino) {
				reopen(t, false); /* created or rotated: read from the start */
				have = 0;
			} else if (sb.st_size < t->off) {
				fseeko(t->f, 0, SEEK_SET); /* truncated */
				t->off = 0;
				have = 0;
			}
		}
		bool got = false;
		while (t->f && fgets(t->line + have, (int)(K8S_LINE_MAX + 2 - have), t->f)) {
			size_t len = have + strlen(t->line + have);
			t->off = ftello(t->f);
			if (t->line[len - 1] != '\n' && len <= K8S_LINE_MAX) {
				have = len; /* partial line: wait for the rest */
				break;
			}
			have = 0;
			got = true;
			if (len > K8S_LINE_MAX) {
				__atomic_add_fetch(&t->in->st->m.parse_errors, 1, __ATOMIC_RELAXED);
				continue;
			}
			char *copy = strndup(t->line, len);
			if (copy && k8s_queue_push(&t->in->q, copy, len))
				return NULL;
		}
		if (t->f)
			clearerr(t->f);
		if (!got) {
			struct timespec ts = {0, TAIL_POLL_NS};
			nanosleep(&ts, NULL);
		}
	}
	return NULL;
}

int k8s_tail_start(struct k8s_instance *in, const char *path, char *err)
{
	struct k8s_tail *t = calloc(1, sizeof(*t));
	if (!t || !(t->path = strdup(path)) || !(t->line = malloc(K8S_LINE_MAX + 2))) {
		if (t) {
			free(t->path);
			free(t);
		}
		skp_errorf(err, "out of memory");
		return -ENOMEM;
	}
	t->in = in;
	reopen(t, true);
	if (pthread_create(&t->thread, NULL, tail_main, t)) {
		skp_errorf(err, "cannot start the file follower");
		if (t->f)
			fclose(t->f);
		free(t->line);
		free(t->path);
		free(t);
		return -EAGAIN;
	}
	in->tail = t;
	return 0;
}

void k8s_tail_stop(struct k8s_tail *t)
{
	__atomic_store_n(&t->stopping, true, __ATOMIC_RELAXED);
	pthread_join(t->thread, NULL);
	if (t->f)
		fclose(t->f);
	free(t->line);
	free(t->path);
	free(t);
}
