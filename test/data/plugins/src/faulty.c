/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A plugin that misbehaves in one way per build flag, for the host's error
 * tests (test/integration/test_plugins.sh builds each variant with cc):
 *   API_MAJOR/API_NEWER  asks for plugin API 4.0.0 / 3.99.0
 *   NO_CONTACT           lacks a mandatory symbol
 *   HALF_SOURCE          exports plugin_open without plugin_next_batch
 *   BAD_FIELDS           get_fields is not a JSON array
 *   INIT_FAILS           init returns a state and FAILURE
 *   BAD_EVENT            next_batch returns an event whose lengths disagree
 *   SUCCESS_EMPTY        next_batch returns SUCCESS with no event
 *   EXTRACT_FAILS        extract_fields returns FAILURE
 *   TOO_MANY_VALUES      a non-list field returns three values
 *   FOREIGN_SOURCE       an extractor only, for a source nobody provides
 *   SYSCALL_SOURCE       claims the reserved source "syscall"
 *   SAME_ID              takes k8saudit's id 1
 * Without a flag it is a well-behaved source + extractor ("faulty", id 999,
 * source "test") that emits three events {"n":1..3} and extracts test.n.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "saker/plugin_api.h"

#define EXPORT __attribute__((visibility("default")))

EXPORT const char *plugin_get_required_api_version(void);
EXPORT const char *plugin_get_version(void);
EXPORT const char *plugin_get_name(void);
EXPORT const char *plugin_get_description(void);
EXPORT const char *plugin_get_contact(void);
EXPORT ss_plugin_t *plugin_init(const ss_plugin_init_input *in, ss_plugin_rc *rc);
EXPORT void plugin_destroy(ss_plugin_t *s);
EXPORT const char *plugin_get_last_error(ss_plugin_t *s);
EXPORT uint32_t plugin_get_id(void);
EXPORT const char *plugin_get_event_source(void);
EXPORT ss_instance_t *plugin_open(ss_plugin_t *s, const char *params, ss_plugin_rc *rc);
EXPORT void plugin_close(ss_plugin_t *s, ss_instance_t *h);
EXPORT ss_plugin_rc plugin_next_batch(ss_plugin_t *s, ss_instance_t *h, uint32_t *n,
				      ss_plugin_event ***evts);
EXPORT const char *plugin_get_fields(void);
EXPORT const char *plugin_get_extract_event_sources(void);
EXPORT ss_plugin_rc plugin_extract_fields(ss_plugin_t *s, const ss_plugin_event_input *e,
					  const ss_plugin_field_extract_input *in);

struct st {
	char err[PLUGIN_MAX_ERRLEN];
	uint8_t evt[3][64];
	ss_plugin_event *ptrs[3];
	int sent;
	uint64_t vals[3];
};

EXPORT const char *plugin_get_required_api_version(void)
{
#if defined(API_MAJOR)
	return "4.0.0";
#elif defined(API_NEWER)
	return "3.99.0";
#else
	return "3.0.0";
#endif
}
EXPORT const char *plugin_get_version(void) { return "0.1.0"; }
EXPORT const char *plugin_get_name(void) { return "faulty"; }
EXPORT const char *plugin_get_description(void) { return "misbehaves on purpose"; }
#ifndef NO_CONTACT
EXPORT const char *plugin_get_contact(void) { return "tests"; }
#endif

EXPORT ss_plugin_t *plugin_init(const ss_plugin_init_input *in, ss_plugin_rc *rc)
{
	struct st *s = calloc(1, sizeof(*s));
#ifdef INIT_FAILS
	snprintf(s->err, sizeof(s->err), "the config says no");
	*rc = SS_PLUGIN_FAILURE;
#else
	*rc = SS_PLUGIN_SUCCESS;
#endif
	return s;
}
EXPORT void plugin_destroy(ss_plugin_t *s) { free(s); }
EXPORT const char *plugin_get_last_error(ss_plugin_t *s) { return ((struct st *)s)->err; }

EXPORT uint32_t plugin_get_id(void)
{
#ifdef SAME_ID
	return 1;
#else
	return 999;
#endif
}
EXPORT const char *plugin_get_event_source(void)
{
#ifdef SYSCALL_SOURCE
	return "syscall";
#else
	return "test";
#endif
}

#ifndef FOREIGN_SOURCE /* an extractor only */
EXPORT ss_instance_t *plugin_open(ss_plugin_t *s, const char *params, ss_plugin_rc *rc)
{
	((struct st *)s)->sent = 0;
	*rc = SS_PLUGIN_SUCCESS;
	return s;
}
EXPORT void plugin_close(ss_plugin_t *s, ss_instance_t *h) {}
#endif

#if !defined(HALF_SOURCE) && !defined(FOREIGN_SOURCE)
EXPORT ss_plugin_rc plugin_next_batch(ss_plugin_t *s, ss_instance_t *h, uint32_t *n,
				      ss_plugin_event ***evts)
{
	struct st *st = s;
	*n = 0;
#ifdef SUCCESS_EMPTY
	return SS_PLUGIN_SUCCESS;
#endif
	if (st->sent)
		return SS_PLUGIN_EOF;
	for (int i = 0; i < 3; i++) {
		char payload[16];
		uint32_t len = (uint32_t)snprintf(payload, sizeof(payload), "{\"n\":%d}", i + 1);
		uint8_t *e = st->evt[i];
		uint64_t ts = UINT64_MAX, tid = 0;
		uint32_t total = 38 + len, l0 = 4, id = 0, nparams = 2;
		uint16_t type = 322;
#ifdef BAD_EVENT
		total += 5;
#endif
		memcpy(e, &ts, 8);
		memcpy(e + 8, &tid, 8);
		memcpy(e + 16, &total, 4);
		memcpy(e + 20, &type, 2);
		memcpy(e + 22, &nparams, 4);
		memcpy(e + 26, &l0, 4);
		memcpy(e + 30, &len, 4);
		memcpy(e + 34, &id, 4);
		memcpy(e + 38, payload, len);
		st->ptrs[i] = (ss_plugin_event *)e;
	}
	st->sent = 1;
	*n = 3;
	*evts = st->ptrs;
	return SS_PLUGIN_EOF; /* events come with EOF: the host must still take them */
}
#endif

EXPORT const char *plugin_get_fields(void)
{
#ifdef BAD_FIELDS
	return "{\"name\": \"test.n\"}";
#else
	return "[{\"name\":\"test.n\",\"type\":\"uint64\",\"desc\":\"the event's n\"}]";
#endif
}

EXPORT const char *plugin_get_extract_event_sources(void)
{
#ifdef FOREIGN_SOURCE
	return "[\"nobody_provides_this\"]";
#else
	return "[]";
#endif
}

EXPORT ss_plugin_rc plugin_extract_fields(ss_plugin_t *s, const ss_plugin_event_input *e,
					  const ss_plugin_field_extract_input *in)
{
	struct st *st = s;
#ifdef EXTRACT_FAILS
	snprintf(st->err, sizeof(st->err), "cannot extract today");
	return SS_PLUGIN_FAILURE;
#endif
	const uint8_t *p = (const uint8_t *)e->evt;
	uint32_t len;
	memcpy(&len, p + 30, 4);
	char buf[64] = "";
	memcpy(buf, p + 38, len < 63 ? len : 63);
	const char *colon = strchr(buf, ':');
	for (uint32_t i = 0; i < in->num_fields; i++) {
		st->vals[0] = st->vals[1] = st->vals[2] = colon ? strtoull(colon + 1, NULL, 10) : 0;
		in->fields[i].res.u64 = st->vals;
#ifdef TOO_MANY_VALUES
		in->fields[i].res_len = 3;
#else
		in->fields[i].res_len = 1;
#endif
	}
	return SS_PLUGIN_SUCCESS;
}
