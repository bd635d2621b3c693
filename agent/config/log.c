/* SPDX-License-Identifier: Apache-2.0 */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <syslog.h>
#include <time.h>

void sk_logf(const struct sk_log *l, enum sk_log_level level, const char *fmt, ...)
{
	if (!l || !l->fn || level > l->min)
		return;
	char msg[SK_LOG_MSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	l->fn(l->ctx, level, msg);
}

void sk_log_std_set(struct sk_log_std *s, const struct sk_config *cfg)
{
	__atomic_store_n(&s->to_stderr, cfg->log_stderr, __ATOMIC_RELAXED);
	__atomic_store_n(&s->to_syslog, cfg->log_syslog, __ATOMIC_RELAXED);
	__atomic_store_n(&s->min, cfg->log_level, __ATOMIC_RELAXED);
}

void sk_log_write_std(void *ctx, enum sk_log_level level, const char *msg)
{
	struct sk_log_std *s = ctx;
	if (level > __atomic_load_n(&s->min, __ATOMIC_RELAXED))
		return;
	if (__atomic_load_n(&s->to_stderr, __ATOMIC_RELAXED)) {
		/* Falco's prefix: "Sun Nov 29 01:06:03 2026: " (local time) */
		char ts[64];
		time_t now = time(NULL);
		struct tm tm;
		localtime_r(&now, &tm);
		strftime(ts, sizeof(ts), "%a %b %e %H:%M:%S %Y", &tm);
		fprintf(stderr, "%s: %s\n", ts, msg);
	}
	if (__atomic_load_n(&s->to_syslog, __ATOMIC_RELAXED))
		syslog((int)level, "%s", msg); /* sk_log_level matches syslog's severities */
}
