/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Where the agent's parts report what happens (an output that fails, a
 * reload): a level-checked callback. The parts never print; main() decides
 * where messages go (log_stderr, log_syslog) with sk_log_write_std.
 */
#ifndef SAKER_CONFIG_LOG_H
#define SAKER_CONFIG_LOG_H

#include <stdbool.h>

#include "config.h"

#define SK_LOG_MSG_MAX 1024u /* bytes of one log message */

struct sk_log {
	enum sk_log_level min; /* messages less severe than this are not formatted */
	void (*fn)(void *ctx, enum sk_log_level level, const char *msg);
	void *ctx;
};

/* Format and hand one message to l->fn when level is severe enough; l may be NULL. */
void sk_logf(const struct sk_log *l, enum sk_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The standard destinations: stderr with Falco's timestamp prefix, and/or syslog(3). */
struct sk_log_std {
	bool to_stderr, to_syslog;
	enum sk_log_level min; /* log_level: less severe messages are dropped */
};
void sk_log_write_std(void *ctx, enum sk_log_level level, const char *msg);
/* Take log_stderr, log_syslog and log_level from cfg; safe while other threads log (reloads). */
void sk_log_std_set(struct sk_log_std *s, const struct sk_config *cfg);

#endif
