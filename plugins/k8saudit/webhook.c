/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The audit webhook: a small HTTP/1.1 (or HTTPS) server that accepts POSTs
 * of JSON bodies on one path, replies at once and queues the body for
 * next_batch. Bad requests get a 4xx and are counted; listener errors
 * surface as a failure of the next next_batch, as upstream does.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "k8saudit.h"

#define IO_TIMEOUT_S 10	       /* a silent client is dropped after this */
#define LINGER_MAX (64u << 20) /* request bytes discarded after an error reply */
#define LINGER_S 2

struct k8s_webhook {
	struct k8s_instance *in;
	struct k8s_metrics *m;
	char path[1024];
	uint64_t max_body;
	int lfd;
	int wake[2];
	SSL_CTX *tls;
	pthread_t thread;
	bool started;
	pthread_mutex_t lock;
	unsigned conns;
	struct conn_slot {
		pthread_t thread;
		int fd;
		bool used, done;
	} slots[K8S_HTTP_MAX_CONNS]; /* connection threads, joined (never detached) */
	bool stopping;
	char err[PLUGIN_MAX_ERRLEN]; /* listener error, "" when fine */
};

struct conn {
	struct k8s_webhook *w;
	struct conn_slot *slot;
	int fd;
	SSL *ssl;
	char head[K8S_HTTP_HEADER_MAX + 1];
	size_t hlen; /* bytes in head (may include the start of the body) */
};

static ssize_t conn_read(struct conn *c, void *buf, size_t n)
{
	if (c->ssl) {
		int r = SSL_read(c->ssl, buf, n > INT32_MAX ? INT32_MAX : (int)n);
		return r > 0 ? r : -1;
	}
	ssize_t r;
	do
		r = read(c->fd, buf, n);
	while (r < 0 && errno == EINTR);
	return r;
}

static int conn_write_all(struct conn *c, const char *buf, size_t n)
{
	while (n) {
		ssize_t r;
		if (c->ssl) {
			int k = SSL_write(c->ssl, buf, (int)n);
			r = k > 0 ? k : -1;
		} else {
			r = send(c->fd, buf, n, MSG_NOSIGNAL);
			if (r < 0 && errno == EINTR)
				continue;
		}
		if (r <= 0)
			return -EIO;
		buf += r;
		n -= (size_t)r;
	}
	return 0;
}

static void reply(struct conn *c, int code, const char *reason, const char *msg, bool keep)
{
	char buf[512];
	int n = snprintf(buf, sizeof(buf),
			 "HTTP/1.1 %d %s\r\nContent-Type: text/plain; charset=utf-8\r\n"
			 "Content-Length: %zu\r\nConnection: %s\r\n%s\r\n%s",
			 code, reason, strlen(msg), keep ? "keep-alive" : "close",
			 code == 405 ? "Allow: POST\r\n" : "", msg);
	conn_write_all(c, buf, (size_t)n);
}

/*
 * After an error reply the client may still be sending its body: read and
 * drop it for a while so that it sees the reply rather than a reset.
 */
static void linger(struct conn *c)
{
	struct timeval tv = {.tv_sec = LINGER_S};
	char buf[16384];
	size_t total = 0;
	if (!c->ssl)
		shutdown(c->fd, SHUT_WR);
	setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	while (total < LINGER_MAX) {
		ssize_t r = conn_read(c, buf, sizeof(buf));
		if (r <= 0)
			break;
		total += (size_t)r;
	}
}

static void bad(struct conn *c, int code, const char *reason, const char *msg)
{
	__atomic_add_fetch(&c->w->m->requests_bad, 1, __ATOMIC_RELAXED);
	reply(c, code, reason, msg, false);
	linger(c);
}

/* A header's value (case-insensitive name) copied into out, or false. */
static bool header(const char *head, const char *name, char *out, size_t cap)
{
	size_t nl = strlen(name);
	for (const char *p = strstr(head, "\r\n"); p && p[2]; p = strstr(p + 2, "\r\n")) {
		const char *line = p + 2;
		if (!strncasecmp(line, name, nl) && line[nl] == ':') {
			const char *v = line + nl + 1;
			while (*v == ' ' || *v == '\t')
				v++;
			size_t n = strcspn(v, "\r");
			while (n && (v[n - 1] == ' ' || v[n - 1] == '\t'))
				n--;
			snprintf(out, cap, "%.*s", (int)n, v);
			return true;
		}
	}
	return false;
}

/* Read until the end of the head; returns its length with the blank line, 0 on EOF. */
static ssize_t read_head(struct conn *c)
{
	for (;;) {
		c->head[c->hlen] = '\0';
		char *end = strstr(c->head, "\r\n\r\n");
		if (end)
			return end + 4 - c->head;
		if (c->hlen >= K8S_HTTP_HEADER_MAX)
			return -E2BIG;
		ssize_t r = conn_read(c, c->head + c->hlen, K8S_HTTP_HEADER_MAX - c->hlen);
		if (r <= 0)
			return c->hlen ? -EIO : 0;
		c->hlen += (size_t)r;
	}
}

/* One request; returns true when the connection may serve another. */
static bool serve_one(struct conn *c)
{
	struct k8s_webhook *w = c->w;
	ssize_t hl = read_head(c);
	if (hl == 0 || hl == -EIO)
		return false;
	__atomic_add_fetch(&w->m->requests, 1, __ATOMIC_RELAXED);
	if (hl < 0) {
		bad(c, 431, "Request Header Fields Too Large", "request head too large\n");
		return false;
	}
	char method[16] = "", target[1024] = "", val[256];
	if (sscanf(c->head, "%15s %1023s HTTP/1.%*c", method, target) != 2) {
		bad(c, 400, "Bad Request", "malformed request line\n");
		return false;
	}
	size_t plen = strcspn(target, "?");
	if (plen != strlen(w->path) || strncmp(target, w->path, plen)) {
		bad(c, 404, "Not Found", "not found\n");
		return false;
	}
	if (strcmp(method, "POST")) {
		bad(c, 405, "Method Not Allowed", "method not allowed\n");
		return false;
	}
	if (!header(c->head, "Content-Type", val, sizeof(val)) ||
	    !strcasestr(val, "application/json")) {
		bad(c, 400, "Bad Request", "wrong Content Type\n");
		return false;
	}
	if (header(c->head, "Transfer-Encoding", val, sizeof(val))) {
		bad(c, 411, "Length Required", "chunked bodies are not accepted\n");
		return false;
	}
	if (!header(c->head, "Content-Length", val, sizeof(val))) {
		bad(c, 411, "Length Required", "Content-Length required\n");
		return false;
	}
	char *end;
	errno = 0;
	unsigned long long clen = strtoull(val, &end, 10);
	if (errno || *end || val[0] == '-' || !val[0]) {
		bad(c, 400, "Bad Request", "invalid Content-Length\n");
		return false;
	}
	if (clen > w->max_body) {
		bad(c, 400, "Bad Request", "request body too large\n");
		return false;
	}
	char *body = malloc(clen + 1);
	if (!body) {
		bad(c, 503, "Service Unavailable", "out of memory\n");
		return false;
	}
	size_t have = c->hlen - (size_t)hl;
	if (have > clen)
		have = clen;
	memcpy(body, c->head + hl, have);
	size_t rest = c->hlen - (size_t)hl - have; /* pipelined bytes after the body */
	memmove(c->head, c->head + hl + have, rest);
	c->hlen = rest;
	while (have < clen) {
		ssize_t r = conn_read(c, body + have, clen - have);
		if (r <= 0) {
			free(body);
			bad(c, 400, "Bad Request", "could not read request body\n");
			return false;
		}
		have += (size_t)r;
	}
	body[clen] = '\0';
	__atomic_add_fetch(&w->m->bytes, clen, __ATOMIC_RELAXED);
	bool keep = !(header(c->head, "Connection", val, sizeof(val)) && !strcasecmp(val, "close"));
	/* Reply first, then queue: the API server never learns about parse failures. */
	reply(c, 200, "OK", "<html><body>Ok</body></html>\n", keep);
	if (k8s_queue_push(&w->in->q, body, clen))
		return false;
	return keep;
}

static void *conn_main(void *arg)
{
	struct conn *c = arg;
	struct k8s_webhook *w = c->w;
	if (__atomic_load_n(&w->stopping, __ATOMIC_RELAXED))
		shutdown(c->fd, SHUT_RDWR);
	struct timeval tv = {.tv_sec = IO_TIMEOUT_S};
	setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (w->tls) {
		c->ssl = SSL_new(w->tls);
		if (!c->ssl || SSL_set_fd(c->ssl, c->fd) != 1 || SSL_accept(c->ssl) != 1) {
			__atomic_add_fetch(&w->m->requests_bad, 1, __ATOMIC_RELAXED);
			goto out;
		}
	}
	while (!__atomic_load_n(&w->stopping, __ATOMIC_RELAXED) && serve_one(c))
		;
out:
	if (c->ssl) {
		SSL_shutdown(c->ssl);
		SSL_free(c->ssl);
	}
	pthread_mutex_lock(&w->lock);
	c->slot->fd = -1;
	close(c->fd);
	c->slot->done = true;
	w->conns--;
	pthread_mutex_unlock(&w->lock);
	free(c);
	return NULL;
}

/* Join finished connection threads; returns a free slot or NULL (lock held). */
static struct conn_slot *reap(struct k8s_webhook *w)
{
	struct conn_slot *free_slot = NULL;
	for (unsigned i = 0; i < K8S_HTTP_MAX_CONNS; i++) {
		struct conn_slot *sl = &w->slots[i];
		if (sl->used && sl->done) {
			pthread_join(sl->thread, NULL);
			sl->used = sl->done = false;
		}
		if (!sl->used && !free_slot)
			free_slot = sl;
	}
	return free_slot;
}

static void refuse(struct k8s_webhook *w, int fd)
{
	static const char busy[] = "HTTP/1.1 503 Service Unavailable\r\n"
				   "Content-Length: 0\r\nConnection: close\r\n\r\n";
	if (!w->tls)
		(void)!send(fd, busy, sizeof(busy) - 1, MSG_NOSIGNAL);
	__atomic_add_fetch(&w->m->requests_bad, 1, __ATOMIC_RELAXED);
	close(fd);
}

static void *accept_main(void *arg)
{
	struct k8s_webhook *w = arg;
	struct pollfd pfd[2] = {{.fd = w->lfd, .events = POLLIN},
				{.fd = w->wake[0], .events = POLLIN}};
	while (!__atomic_load_n(&w->stopping, __ATOMIC_RELAXED)) {
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pfd[1].revents)
			break;
		int fd = accept4(w->lfd, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0)
			continue;
		struct conn *c = calloc(1, sizeof(*c));
		pthread_mutex_lock(&w->lock);
		struct conn_slot *sl = c ? reap(w) : NULL;
		if (sl) {
			c->w = w;
			c->fd = fd;
			c->slot = sl;
			sl->fd = fd;
			sl->used = true;
			sl->done = false;
			w->conns++;
			if (pthread_create(&sl->thread, NULL, conn_main, c)) {
				sl->used = false;
				w->conns--;
				sl = NULL;
			}
		}
		pthread_mutex_unlock(&w->lock);
		if (!sl) { /* no room (K8S_HTTP_MAX_CONNS busy) or no memory */
			free(c);
			refuse(w, fd);
		}
	}
	return NULL;
}

/* http[s]://[host]:port/path */
static int parse_url(const char *url, bool *tls, char *host, size_t hcap, char *port, size_t pcap,
		     char *path, size_t pathcap)
{
	*tls = !strncmp(url, "https://", 8);
	const char *p = url + (*tls ? 8 : 7);
	const char *slash = strchr(p, '/');
	size_t alen = slash ? (size_t)(slash - p) : strlen(p);
	const char *colon = memrchr(p, ':', alen);
	if (!colon || colon + 1 == p + alen)
		return -EINVAL;
	size_t hl = (size_t)(colon - p);
	if (hl && p[0] == '[' && p[hl - 1] == ']') { /* [::1] */
		p++;
		hl -= 2;
	}
	if (hl >= hcap || (size_t)(p + alen - colon - 1) >= pcap)
		return -EINVAL;
	memcpy(host, p, hl);
	host[hl] = '\0';
	snprintf(port, pcap, "%.*s", (int)(alen - hl - 1 - (p != url + (*tls ? 8 : 7) ? 2 : 0)),
		 colon + 1);
	snprintf(path, pathcap, "%s", slash ? slash : "/");
	return 0;
}

static int listen_on(struct k8s_webhook *w, const char *host, const char *port)
{
	struct addrinfo hints = {.ai_family = AF_UNSPEC,
				 .ai_socktype = SOCK_STREAM,
				 .ai_flags = AI_PASSIVE},
			*res, *ai;
	int rc = getaddrinfo(host[0] ? host : NULL, port, &hints, &res);
	if (rc) {
		skp_errorf(w->err, "webhook: cannot resolve '%s:%s': %s", host, port,
			   gai_strerror(rc));
		return -EINVAL;
	}
	/* Empty host: prefer the IPv6 wildcard, which also takes IPv4 on Linux. */
	int fd = -1, saved = 0;
	for (int pass = 0; pass < 2 && fd < 0; pass++) {
		for (ai = res; ai && fd < 0; ai = ai->ai_next) {
			if (!host[0] && (pass == 0) != (ai->ai_family == AF_INET6))
				continue;
			fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
			if (fd < 0)
				continue;
			int one = 1, zero = 0;
			setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
			if (ai->ai_family == AF_INET6)
				setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
			if (bind(fd, ai->ai_addr, ai->ai_addrlen) || listen(fd, 128)) {
				saved = errno;
				close(fd);
				fd = -1;
			}
		}
	}
	freeaddrinfo(res);
	if (fd < 0) {
		skp_errorf(w->err, "webhook: cannot listen on '%s:%s': %s", host, port,
			   strerror(saved ? saved : EADDRNOTAVAIL));
		return -EADDRINUSE;
	}
	w->lfd = fd;
	return 0;
}

static int setup_tls(struct k8s_webhook *w, const char *cert)
{
	w->tls = SSL_CTX_new(TLS_server_method());
	if (!w->tls || SSL_CTX_use_certificate_chain_file(w->tls, cert) != 1 ||
	    SSL_CTX_use_PrivateKey_file(w->tls, cert, SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_check_private_key(w->tls) != 1) {
		unsigned long e = ERR_get_error();
		skp_errorf(w->err, "webhook: cannot use TLS certificate/key '%s': %s", cert,
			   e ? ERR_reason_error_string(e) : "invalid");
		return -EINVAL;
	}
	return 0;
}

int k8s_webhook_start(struct k8s_instance *in, const char *url, char *err)
{
	bool tls;
	char host[256], port[16];
	struct k8s_webhook *w = calloc(1, sizeof(*w));
	if (!w) {
		skp_errorf(err, "out of memory");
		return -ENOMEM;
	}
	w->in = in;
	w->m = &in->st->m;
	w->max_body = in->st->cfg.max_batch_size;
	w->lfd = -1;
	w->wake[0] = w->wake[1] = -1;
	pthread_mutex_init(&w->lock, NULL);
	for (unsigned i = 0; i < K8S_HTTP_MAX_CONNS; i++)
		w->slots[i].fd = -1;
	if (parse_url(url, &tls, host, sizeof(host), port, sizeof(port), w->path,
		      sizeof(w->path))) {
		skp_errorf(err, "invalid webhook URL '%s' (expected http[s]://[host]:port/path)",
			   url);
		pthread_mutex_destroy(&w->lock);
		free(w);
		return -EINVAL;
	}
	in->web = w;
	/* As upstream, listener errors do not fail open: next_batch reports them. */
	if ((tls && setup_tls(w, in->st->cfg.ssl_certificate)) || listen_on(w, host, port))
		return 0;
	if (pipe2(w->wake, O_CLOEXEC) || pthread_create(&w->thread, NULL, accept_main, w)) {
		skp_errorf(w->err, "webhook: cannot start the server thread");
		return 0;
	}
	w->started = true;
	return 0;
}

bool k8s_webhook_failed(struct k8s_webhook *w, char *err)
{
	if (!w->err[0])
		return false;
	skp_errorf(err, "%s", w->err);
	return true;
}

void k8s_webhook_stop(struct k8s_webhook *w)
{
	__atomic_store_n(&w->stopping, true, __ATOMIC_RELAXED);
	if (w->started) {
		(void)!write(w->wake[1], "x", 1);
		pthread_join(w->thread, NULL);
	}
	/* wake connections waiting on their clients, then join every one */
	pthread_mutex_lock(&w->lock);
	for (unsigned i = 0; i < K8S_HTTP_MAX_CONNS; i++)
		if (w->slots[i].used && w->slots[i].fd >= 0)
			shutdown(w->slots[i].fd, SHUT_RDWR);
	pthread_mutex_unlock(&w->lock);
	for (unsigned i = 0; i < K8S_HTTP_MAX_CONNS; i++)
		if (w->slots[i].used)
			pthread_join(w->slots[i].thread, NULL);
	if (w->lfd >= 0)
		close(w->lfd);
	if (w->wake[0] >= 0) {
		close(w->wake[0]);
		close(w->wake[1]);
	}
	if (w->tls)
		SSL_CTX_free(w->tls);
	pthread_mutex_destroy(&w->lock);
	free(w);
}
