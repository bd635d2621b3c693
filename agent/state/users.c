/* SPDX-License-Identifier: Apache-2.0 */
/* The user and group tables of a live host: ROOT/etc/passwd and ROOT/etc/group. */
#include "state.h"
#include "state_priv.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Longest line read from passwd/group, and most entries taken from one file. */
#define SK_STATE_PASSWD_LINE_MAX 4096u
#define SK_STATE_PASSWD_MAX_ENTRIES 65536u

/* Split line at ':' into at most n fields (in place); returns the count. */
static unsigned split(char *line, char **f, unsigned n)
{
	unsigned i = 0;
	line[strcspn(line, "\r\n")] = '\0';
	while (i < n) {
		f[i++] = line;
		char *c = strchr(line, ':');
		if (!c)
			break;
		*c = '\0';
		line = c + 1;
	}
	return i;
}

static bool parse_id(const char *s, uint32_t *out)
{
	char *end;
	unsigned long v;
	if (!*s)
		return false;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (*end || errno || v > UINT32_MAX)
		return false;
	*out = (uint32_t)v;
	return true;
}

/* name:x:uid:gid:gecos:home:shell */
static int add_passwd(struct sk_state *s, char *line)
{
	char *f[7];
	struct sk_scap_user u = {0};
	if (split(line, f, 7) < 7 || !parse_id(f[2], &u.uid) || !parse_id(f[3], &u.gid))
		return 0; /* not an entry: skipped */
	snprintf(u.name, sizeof(u.name), "%s", f[0]);
	snprintf(u.homedir, sizeof(u.homedir), "%s", f[5]);
	snprintf(u.shell, sizeof(u.shell), "%s", f[6]);
	return sk_state_add_user(s, &u);
}

/* name:x:gid:members */
static int add_group(struct sk_state *s, char *line)
{
	char *f[4];
	struct sk_scap_user g = {.is_group = true};
	if (split(line, f, 4) < 3 || !parse_id(f[2], &g.gid))
		return 0;
	snprintf(g.name, sizeof(g.name), "%s", f[0]);
	return sk_state_add_user(s, &g);
}

static int load(struct sk_state *s, const char *root, const char *file,
		int (*add)(struct sk_state *, char *), char *err, size_t errlen)
{
	char path[4096], line[SK_STATE_PASSWD_LINE_MAX];
	unsigned n = 0;
	int rc = 0;
	snprintf(path, sizeof(path), "%s%s", root, file);
	FILE *fp = fopen(path, "re");
	if (!fp) {
		rc = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return rc;
	}
	while (n < SK_STATE_PASSWD_MAX_ENTRIES && fgets(line, sizeof(line), fp)) {
		if (line[0] == '#')
			continue;
		rc = add(s, line);
		if (rc) {
			snprintf(err, errlen, "%s: %s", path, strerror(-rc));
			break;
		}
		n++;
	}
	fclose(fp);
	return rc;
}

int sk_state_load_host_users(struct sk_state *s, const char *root, char *err, size_t errlen)
{
	int rc = load(s, root ? root : "", "/etc/passwd", add_passwd, err, errlen);
	return rc ? rc : load(s, root ? root : "", "/etc/group", add_group, err, errlen);
}
