/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Driving a plugin's event source (§9.2, §9.4): open, next_batch with
 * events processed before the return code is honoured, the libscap fix-ups
 * (plugin id, tid, ts) and checks on every event, close.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "plugin_int.h"

struct sk_plugin_capture {
	struct sk_plugin *p;
	ss_instance_t *inst;
	ss_plugin_event **evts;
	uint32_t n, i;
	ss_plugin_rc last; /* code of the batch being drained */
	bool done;
};

int sk_plugin_capture_open(struct sk_plugin *p, const char *params, struct sk_plugin_capture **out,
			   char *err, size_t errlen)
{
	if (!p->cap_source) {
		snprintf(err, errlen, "plugin '%s' has no event source", p->name);
		return -ENOTSUP;
	}
	struct sk_plugin_capture *c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->p = p;
	c->last = SS_PLUGIN_SUCCESS;
	ss_plugin_rc rc = SS_PLUGIN_FAILURE;
	pthread_mutex_lock(&p->lock);
	c->inst = p->api.open(p->state, params ? params : "", &rc);
	if (rc != SS_PLUGIN_SUCCESS || !c->inst) {
		snprintf(err, errlen, "plugin '%s': cannot open '%s': %s", p->name,
			 params ? params : "", sk_plugin_fetch_error(p));
		if (c->inst)
			p->api.close(p->state, c->inst);
		pthread_mutex_unlock(&p->lock);
		free(c);
		return -EIO;
	}
	pthread_mutex_unlock(&p->lock);
	*out = c;
	return 0;
}

static uint64_t now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_REALTIME, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/* Check and fix one event in place; -EINVAL with why when malformed. */
static int fix_event(struct sk_plugin *p, uint8_t *e, uint32_t *len, const char **why)
{
	uint32_t total, nparams, l0, l1, id;
	uint16_t type;
	uint64_t ts, tid = UINT64_MAX;
	memcpy(&total, e + 16, 4);
	memcpy(&type, e + 20, 2);
	memcpy(&nparams, e + 22, 4);
	if (type != PPME_PLUGINEVENT_E || nparams != 2) {
		*why = "an event that is not a plugin event (code 322 with 2 parameters)";
		return -EINVAL;
	}
	if (total < PLUGIN_EVENT_PAYLOAD_OFFSET || total > SK_PLUGIN_EVENT_MAX) {
		*why = "an event whose length is out of bounds";
		return -EINVAL;
	}
	memcpy(&l0, e + 26, 4);
	memcpy(&l1, e + 30, 4);
	if (l0 != 4 || (uint64_t)l1 + PLUGIN_EVENT_PAYLOAD_OFFSET != total) {
		*why = "an event whose parameter lengths disagree with its length";
		return -EINVAL;
	}
	memcpy(&id, e + 34, 4);
	if (id == 0) {
		id = p->id;
		memcpy(e + 34, &id, 4);
	} else if (id != p->id) {
		*why = "an event carrying another plugin's id";
		return -EINVAL;
	}
	memcpy(e + 8, &tid, 8);
	memcpy(&ts, e, 8);
	if (ts == UINT64_MAX) {
		ts = now_ns();
		memcpy(e, &ts, 8);
	}
	*len = total;
	return 0;
}

/* Call next_batch once; 0 with events, or a terminal/timeout code. */
static int fetch(struct sk_plugin_capture *c, char *err, size_t errlen)
{
	struct sk_plugin *p = c->p;
	uint32_t n = 0;
	ss_plugin_event **evts = NULL;
	pthread_mutex_lock(&p->lock);
	ss_plugin_rc rc = p->api.next_batch(p->state, c->inst, &n, &evts);
	if (rc == SS_PLUGIN_FAILURE)
		snprintf(err, errlen, "plugin '%s': next_batch failed: %s", p->name,
			 sk_plugin_fetch_error(p));
	pthread_mutex_unlock(&p->lock);
	if (rc != SS_PLUGIN_SUCCESS && rc != SS_PLUGIN_TIMEOUT && rc != SS_PLUGIN_EOF &&
	    rc != SS_PLUGIN_FAILURE) {
		snprintf(err, errlen, "plugin '%s': next_batch returned unknown code %d", p->name,
			 (int)rc);
		rc = SS_PLUGIN_FAILURE;
	}
	if (n > SK_PLUGIN_BATCH_MAX || (n && !evts)) {
		snprintf(err, errlen, "plugin '%s': next_batch returned %u events %s", p->name, n,
			 evts ? "(more than the cap)" : "but no array");
		return -EIO;
	}
	if (rc == SS_PLUGIN_SUCCESS && n == 0) {
		snprintf(err, errlen, "plugin '%s': next_batch returned success with no events",
			 p->name);
		return -EIO;
	}
	/* Events come first, whatever the code: they are drained before acting on it. */
	c->evts = evts;
	c->n = n;
	c->i = 0;
	c->last = rc;
	return 0;
}

int sk_plugin_capture_next(struct sk_plugin_capture *c, const uint8_t **evt, uint32_t *len,
			   char *err, size_t errlen)
{
	struct sk_plugin *p = c->p;
	for (;;) {
		if (c->done)
			return 0;
		while (c->i < c->n) {
			uint8_t *e = (uint8_t *)c->evts[c->i++];
			const char *why;
			if (!e) {
				snprintf(err, errlen,
					 "plugin '%s': next_batch returned a NULL event", p->name);
				c->done = true;
				return -EIO;
			}
			if (fix_event(p, e, len, &why)) {
				__atomic_add_fetch(&p->stats.bad_events, 1, __ATOMIC_RELAXED);
				snprintf(err, errlen, "plugin '%s': malformed plugin event: %s",
					 p->name, why);
				c->done = true;
				return -EIO;
			}
			__atomic_add_fetch(&p->stats.events, 1, __ATOMIC_RELAXED);
			*evt = e;
			return 1;
		}
		switch (c->last) {
		case SS_PLUGIN_EOF:
			c->done = true;
			return 0;
		case SS_PLUGIN_FAILURE:
			c->done = true;
			return -EIO; /* err was filled by fetch */
		case SS_PLUGIN_TIMEOUT:
			c->last = SS_PLUGIN_SUCCESS;
			return -EAGAIN;
		default:
			break;
		}
		if (fetch(c, err, errlen)) {
			c->done = true;
			return -EIO;
		}
	}
}

bool sk_plugin_capture_progress(struct sk_plugin_capture *c, uint32_t *pct)
{
	struct sk_plugin *p = c->p;
	if (!p->api.get_progress)
		return false;
	pthread_mutex_lock(&p->lock);
	p->api.get_progress(p->state, c->inst, pct);
	pthread_mutex_unlock(&p->lock);
	return true;
}

struct sk_plugin *sk_plugin_capture_plugin(struct sk_plugin_capture *c)
{
	return c->p;
}

void sk_plugin_capture_close(struct sk_plugin_capture *c)
{
	if (!c)
		return;
	pthread_mutex_lock(&c->p->lock);
	c->p->api.close(c->p->state, c->inst);
	pthread_mutex_unlock(&c->p->lock);
	free(c);
}
