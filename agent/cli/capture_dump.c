/* SPDX-License-Identifier: Apache-2.0 */
#include "capture.h"

#include <errno.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "saker/scap.h"
#include "../state/state.h"

#define DUMP_ARGS_MAX (256u * 1024u)

bool sk_capture_event_hidden(const struct sk_evt *e)
{
	/* State-only events and internal bookkeeping: libsinsp applies, never shows. */
	if ((e->dump_flags & 1u) || sk_event_is_internal(e->info))
		return true;
	/* Container metadata is applied to state, never shown. */
	return !strcmp(e->info->name, "container");
}

/* "HH:MM:SS.nnnnnnnnn" in local time, as sysdig's evt.time. */
static void format_time(uint64_t ts, char *out, size_t cap)
{
	time_t sec = (time_t)(ts / 1000000000u);
	struct tm tm;
	localtime_r(&sec, &tm);
	snprintf(out, cap, "%02d:%02d:%02d.%09u", tm.tm_hour, tm.tm_min, tm.tm_sec,
		 (unsigned)(ts % 1000000000u));
}

static void print_event(FILE *out, uint64_t num, const struct sk_evt *e, struct sk_state *st,
			const struct sk_render_resolver *res, char *args)
{
	char when[32];
	format_time(e->hdr->ts, when, sizeof(when));
	const struct sk_thread *t = sk_state_thread(st, (int64_t)e->hdr->tid);
	const char *comm = t && t->comm[0] ? t->comm : "<NA>";
	sk_evt_render_args(e, res, args, DUMP_ARGS_MAX);
	fprintf(out, "%llu %s %u %s (%lld) %c %s %s\n", (unsigned long long)num, when, e->cpu, comm,
		(long long)e->hdr->tid, sk_event_is_enter(e->hdr->type) ? '>' : '<', sk_evt_type_name(e),
		args);
}

int sk_capture_dump(const char *path, FILE *out, FILE *errf)
{
	char err[512];
	struct sk_scap_reader *r;
	int rc = sk_scap_reader_open(&r, path, err, sizeof(err));
	if (rc) {
		fprintf(errf, "saker: %s\n", err);
		return rc;
	}
	char *args = malloc(DUMP_ARGS_MAX);
	if (!args) {
		sk_scap_reader_free(r);
		return -ENOMEM;
	}
	struct sk_state st;
	sk_state_init(&st);
	struct sk_render_resolver res;
	sk_state_resolver(&st, &res);

	uint64_t num = 0;
	struct sk_scap_item it;
	while ((rc = sk_scap_reader_next(r, &it, err, sizeof(err))) > 0) {
		if (it.kind != SK_SCAP_EVENT) {
			sk_state_apply_item(&st, &it);
			continue;
		}
		num++;
		sk_state_apply_event(&st, &it.event);
		if (!sk_capture_event_hidden(&it.event))
			print_event(out, num, &it.event, &st, &res, args);
		sk_state_after_event(&st, &it.event);
	}
	if (rc < 0)
		fprintf(errf, "saker: %s\n", err);
	sk_state_fini(&st);
	free(args);
	sk_scap_reader_free(r);
	return rc < 0 ? rc : 0;
}
