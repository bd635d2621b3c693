/* SPDX-License-Identifier: Apache-2.0 */
/* The local sinks: stdout, file, syslog (datagram socket), program (pipe to sh -c). */
#include <errno.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "output_int.h"

#define SK_SYSLOG_LINE_MAX 8192u /* bytes of one syslog datagram (longer alerts are cut) */

/* Write alerts to a stdio stream, one per line; count the lines that failed. */
static unsigned write_lines(struct sk_output *out, FILE *f, struct sk_alert_msg *const *msgs,
			    unsigned n)
{
	unsigned failed = 0;
	for (unsigned i = 0; i < n; i++) {
		if (fwrite(msgs[i]->text, 1, msgs[i]->len, f) != msgs[i]->len ||
		    putc('\n', f) == EOF)
			failed++;
	}
	if (!out->opts->buffered && fflush(f))
		failed = n;
	if (failed)
		sk_output_fail(out, "write failed: %s", strerror(errno));
	else
		sk_output_ok(out);
	return failed;
}

/* ---- stdout ------------------------------------------------------------ */

static int stdout_open(struct sk_output *out, char *err, size_t errlen)
{
	out->f = out->opts->stdout_f;
	return 0;
}

static unsigned stdout_write(struct sk_output *out, struct sk_alert_msg *const *msgs, unsigned n)
{
	return write_lines(out, out->f, msgs, n);
}

static void stdout_close(struct sk_output *out)
{
	if (out->f)
		fflush(out->f);
	out->f = NULL;
}

const struct sk_output_ops sk_output_stdout_ops = {"stdout", stdout_open, stdout_write,
						   stdout_close};

/* ---- file -------------------------------------------------------------- */

static int file_open(struct sk_output *out, char *err, size_t errlen)
{
	/* Open once now so a bad path is refused at start, as Falco does. */
	out->f = fopen(out->opts->file.filename, "a");
	if (!out->f) {
		int e = errno;
		snprintf(err, errlen, "file output: cannot open '%s': %s",
			 out->opts->file.filename, strerror(e));
		return -e;
	}
	if (!out->opts->file.keep_alive) {
		fclose(out->f);
		out->f = NULL;
	}
	return 0;
}

static unsigned file_write(struct sk_output *out, struct sk_alert_msg *const *msgs, unsigned n)
{
	/* Without keep_alive the file is open only while a batch is written. */
	if (!out->f)
		out->f = fopen(out->opts->file.filename, "a");
	if (!out->f) {
		sk_output_fail(out, "cannot open '%s': %s", out->opts->file.filename,
			       strerror(errno));
		return n;
	}
	unsigned failed = write_lines(out, out->f, msgs, n);
	if (!out->opts->file.keep_alive) {
		if (fclose(out->f))
			failed = n;
		out->f = NULL;
	}
	return failed;
}

static void file_close(struct sk_output *out)
{
	if (out->f)
		fclose(out->f);
	out->f = NULL;
}

const struct sk_output_ops sk_output_file_ops = {"file", file_open, file_write, file_close};

/* ---- syslog ------------------------------------------------------------ */

/* Connect a datagram socket to a unix path or udp://host:port. */
static int syslog_connect(struct sk_output *out)
{
	const char *a = out->opts->syslog_address;
	if (out->fd >= 0)
		return 0;
	if (!strncmp(a, "udp://", 6)) {
		char host[256];
		const char *colon = strrchr(a + 6, ':');
		size_t hl = colon ? (size_t)(colon - a - 6) : 0;
		if (!colon || hl == 0 || hl >= sizeof(host))
			return -EINVAL;
		memcpy(host, a + 6, hl);
		host[hl] = '\0';
		struct addrinfo hints = {.ai_socktype = SOCK_DGRAM}, *ai;
		if (getaddrinfo(host, colon + 1, &hints, &ai))
			return -EHOSTUNREACH;
		int fd = socket(ai->ai_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		int rc = fd < 0 || connect(fd, ai->ai_addr, ai->ai_addrlen) ? -errno : 0;
		freeaddrinfo(ai);
		if (rc) {
			if (fd >= 0)
				close(fd);
			return rc;
		}
		out->fd = fd;
		return 0;
	}
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	if (strlen(a) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, a);
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		int e = errno;
		close(fd);
		return -e;
	}
	out->fd = fd;
	return 0;
}

static int syslog_open(struct sk_output *out, char *err, size_t errlen)
{
	const char *a = out->opts->syslog_address;
	if (!strncmp(a, "udp://", 6) && !strrchr(a + 6, ':')) {
		snprintf(err, errlen, "syslog output: '%s': expected udp://HOST:PORT", a);
		return -EINVAL;
	}
	syslog_connect(out); /* a missing socket is retried on each alert */
	return 0;
}

/*
 * RFC 3164, as syslog(3) formats it: "<PRI>Mmm dd hh:mm:ss saker[pid]: text",
 * facility user, severity = the rule's priority (Falco's priorities are
 * syslog's severities).
 */
static unsigned syslog_write(struct sk_output *out, struct sk_alert_msg *const *msgs, unsigned n)
{
	char line[SK_SYSLOG_LINE_MAX];
	unsigned failed = 0;
	int err = 0;
	for (unsigned i = 0; i < n; i++) {
		int rc = syslog_connect(out);
		if (rc) {
			failed++;
			err = -rc;
			continue;
		}
		time_t now = time(NULL);
		struct tm tm;
		char ts[32];
		localtime_r(&now, &tm);
		strftime(ts, sizeof(ts), "%b %e %H:%M:%S", &tm);
		int len = snprintf(line, sizeof(line), "<%u>%s saker[%d]: %s", 8u + msgs[i]->prio,
				   ts, (int)getpid(), msgs[i]->text);
		if (len >= (int)sizeof(line))
			len = (int)sizeof(line) - 1;
		if (send(out->fd, line, (size_t)len, MSG_NOSIGNAL) < 0) {
			err = errno;
			failed++;
			close(out->fd);
			out->fd = -1;
		}
	}
	if (failed)
		sk_output_fail(out, "cannot send to '%s': %s", out->opts->syslog_address,
			       strerror(err));
	else
		sk_output_ok(out);
	return failed;
}

static void syslog_close(struct sk_output *out)
{
	if (out->fd >= 0)
		close(out->fd);
	out->fd = -1;
}

const struct sk_output_ops sk_output_syslog_ops = {"syslog", syslog_open, syslog_write,
						   syslog_close};

/* ---- program ----------------------------------------------------------- */

static int program_open(struct sk_output *out, char *err, size_t errlen)
{
	if (!*out->opts->program.cmd) {
		snprintf(err, errlen, "program output: program_output.program is empty");
		return -EINVAL;
	}
	return 0;
}

static void program_end(struct sk_output *out)
{
	if (!out->f)
		return;
	int st = pclose(out->f);
	out->f = NULL;
	if (st != 0 && st != -1 && !(WIFEXITED(st) && WEXITSTATUS(st) == 0))
		sk_output_fail(out, "'%s' exited with status %d", out->opts->program.cmd,
			       WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
}

/*
 * keep_alive: one program for the whole run, fed every alert. Otherwise, as
 * Falco does, one program per alert, which reads that alert and exits.
 */
static unsigned program_write(struct sk_output *out, struct sk_alert_msg *const *msgs,
			      unsigned n)
{
	unsigned failed = 0;
	for (unsigned i = 0; i < n; i++) {
		if (!out->f)
			out->f = popen(out->opts->program.cmd, "we");
		if (!out->f) {
			sk_output_fail(out, "cannot run '%s': %s", out->opts->program.cmd,
				       strerror(errno));
			failed++;
			continue;
		}
		if (fwrite(msgs[i]->text, 1, msgs[i]->len, out->f) != msgs[i]->len ||
		    putc('\n', out->f) == EOF ||
		    ((!out->opts->buffered || !out->opts->program.keep_alive) && fflush(out->f))) {
			sk_output_fail(out, "writing to '%s': %s", out->opts->program.cmd,
				       strerror(errno));
			failed++;
			program_end(out);
			continue;
		}
		if (!out->opts->program.keep_alive)
			program_end(out);
	}
	if (!failed)
		sk_output_ok(out);
	return failed;
}

const struct sk_output_ops sk_output_program_ops = {"program", program_open, program_write,
						    program_end};
