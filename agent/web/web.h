/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The agent's HTTP server (libwebsockets, one service thread): GET
 * <healthz endpoint> ({"status": "ok"}), GET /versions (JSON) and GET
 * /metrics (Prometheus text, when enabled). TLS through OpenSSL when
 * ssl_enabled (one PEM holding certificate and key, as Falco). Requests are
 * bounded (header bytes, idle time); anything else gets a clear 4xx.
 * Independent of the event source: it only reads counters.
 */
#ifndef SAKER_WEB_WEB_H
#define SAKER_WEB_WEB_H

#include <stdbool.h>

#include "../config/log.h"
#include "metrics.h"

#define SK_WEB_MAX_HEADER_BYTES 4096u /* all request headers of one request */
#define SK_WEB_TIMEOUT_S 10u          /* a request must arrive within this */
#define SK_WEB_KEEPALIVE_S 5          /* idle keep-alive connections are closed after this */
#define SK_WEB_MAX_CONNS 256u         /* concurrent connections (fds) */

struct sk_web_opts {
	const char *listen_address; /* IP address, or NULL/"" for every address */
	unsigned port;
	const char *healthz_endpoint; /* "/healthz" */
	bool metrics_enabled;	      /* serve /metrics */
	bool ssl_enabled;
	const char *ssl_certificate; /* PEM with certificate and private key */
	const char *version;	     /* saker version for /versions */
	const struct sk_metrics_sources *metrics; /* borrowed; must outlive the server */
	struct sk_log log;
};

struct sk_web;

/*
 * Listen and start serving in a thread of its own. Returns 0, or -errno
 * with "cannot listen on ADDR:PORT..." in err. Caller stops it with
 * sk_web_free(). opts strings are borrowed.
 */
int sk_web_start(struct sk_web **out, const struct sk_web_opts *opts, char *err, size_t errlen);
/* Stop serving, join the thread and free. NULL is fine. */
void sk_web_free(struct sk_web *w);

#endif
