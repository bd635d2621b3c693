/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Constants of compiled conditions: load-time conversion of literal text to
 * the field's type (numbers, booleans, addresses, networks, hex bytes), and
 * the sets that `in`, `intersects` and `pmatch` look values up in.
 */
#include <arpa/inet.h>
#include <netdb.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "filter.h"

enum sk_tclass sk_type_class(uint8_t t)
{
	switch (t) {
	case PT_CHARBUF:
	case PT_FSPATH:
	case PT_FSRELPATH:
	case PT_CHARBUFARRAY:
	case PT_CHARBUF_PAIR_ARRAY:
		return SK_TC_STR;
	case PT_BYTEBUF:
		return SK_TC_BYTES;
	case PT_INT8:
	case PT_INT16:
	case PT_INT32:
	case PT_INT64:
	case PT_ERRNO:
	case PT_FD:
	case PT_PID:
	case PT_FD32:
	case PT_PID32:
		return SK_TC_INT;
	case PT_UINT8:
	case PT_UINT16:
	case PT_UINT32:
	case PT_UINT64:
	case PT_SYSCALLID:
	case PT_SIGTYPE:
	case PT_RELTIME:
	case PT_ABSTIME:
	case PT_PORT:
	case PT_L4PROTO:
	case PT_SOCKFAMILY:
	case PT_FLAGS8:
	case PT_FLAGS16:
	case PT_FLAGS32:
	case PT_UID:
	case PT_GID:
	case PT_MODE:
	case PT_ENUMFLAGS8:
	case PT_ENUMFLAGS16:
	case PT_ENUMFLAGS32:
	case PT_SIGSET:
		return SK_TC_UINT;
	case PT_BOOL:
		return SK_TC_BOOL;
	case PT_DOUBLE:
		return SK_TC_DBL;
	case PT_IPV4ADDR:
	case PT_IPV6ADDR:
	case PT_IPADDR:
		return SK_TC_IP;
	case PT_IPV4NET:
	case PT_IPV6NET:
	case PT_IPNET:
		return SK_TC_NET;
	default:
		return SK_TC_OTHER;
	}
}

/* Decimal (optionally negative) or 0x-hex integer in [INT64_MIN, UINT64_MAX]. */
static bool parse_num(const char *s, uint32_t len, __int128 *out)
{
	bool neg = false;
	uint32_t i = 0;
	if (len && (s[0] == '-' || s[0] == '+'))
		neg = s[i++] == '-';
	if (i == len)
		return false;
	unsigned base = 10;
	if (len - i > 2 && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X')) {
		base = 16;
		i += 2;
	}
	unsigned __int128 v = 0;
	for (; i < len; i++) {
		int c = (unsigned char)s[i], d;
		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (base == 16 && isxdigit(c))
			d = (tolower(c) - 'a') + 10;
		else
			return false;
		v = v * base + (unsigned)d;
		if (v > (unsigned __int128)UINT64_MAX + 1u)
			return false;
	}
	if (neg && v > (unsigned __int128)INT64_MAX + 1u)
		return false;
	if (!neg && v > UINT64_MAX)
		return false;
	*out = neg ? -(__int128)v : (__int128)v;
	return true;
}

static bool parse_bool(const char *s, uint32_t len, __int128 *out)
{
	if ((len == 4 && !strncasecmp(s, "true", 4)) || (len == 1 && s[0] == '1')) {
		*out = 1;
		return true;
	}
	if ((len == 5 && !strncasecmp(s, "false", 5)) || (len == 1 && s[0] == '0')) {
		*out = 0;
		return true;
	}
	return false;
}

static bool parse_ip(const char *s, uint8_t ip[16], uint8_t *iplen)
{
	if (inet_pton(AF_INET, s, ip) == 1) {
		*iplen = 4;
		return true;
	}
	if (inet_pton(AF_INET6, s, ip) == 1) {
		*iplen = 16;
		return true;
	}
	return false;
}

/* "10.0.0.0/8", "fd00::/8", or a bare address (full-length prefix). */
static bool parse_net(const char *s, uint32_t len, uint8_t ip[16], uint8_t *iplen, uint8_t *prefix)
{
	char buf[64];
	if (len >= sizeof(buf))
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	char *slash = strchr(buf, '/');
	if (slash)
		*slash = '\0';
	if (!parse_ip(buf, ip, iplen))
		return false;
	*prefix = (uint8_t)(*iplen * 8u);
	if (!slash)
		return true;
	__int128 p;
	if (!parse_num(slash + 1, (uint32_t)strlen(slash + 1), &p) || p < 0 || p > *iplen * 8)
		return false;
	*prefix = (uint8_t)p;
	return true;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static bool parse_hex(struct sk_pool *pool, const char *s, uint32_t len, struct sk_const *c)
{
	if (len % 2)
		return false;
	uint8_t *b = sk_pool_alloc(pool, len / 2 + 1);
	if (!b)
		return false;
	for (uint32_t i = 0; i < len; i += 2) {
		int hi = hexval((unsigned char)s[i]), lo = hexval((unsigned char)s[i + 1]);
		if (hi < 0 || lo < 0)
			return false;
		b[i / 2] = (uint8_t)(hi << 4 | lo);
	}
	c->bytes = b;
	c->nbytes = len / 2;
	c->forms |= SK_CF_BYTES;
	return true;
}

static bool op_is_numeric_ok(enum sk_cmp_op op)
{
	switch (op) {
	case SK_CMP_EQ:
	case SK_CMP_EQ2:
	case SK_CMP_NE:
	case SK_CMP_LT:
	case SK_CMP_LE:
	case SK_CMP_GT:
	case SK_CMP_GE:
	case SK_CMP_IN:
	case SK_CMP_INTERSECTS:
	case SK_CMP_EXISTS:
		return true;
	default:
		return false;
	}
}

/* Numeric text of every form that parses (for untyped fields). */
static void init_any(struct sk_const *c)
{
	if (parse_num(c->s, c->len, &c->n))
		c->forms |= SK_CF_NUM;
	else if (parse_bool(c->s, c->len, &c->n))
		c->forms |= SK_CF_NUM;
	char *end;
	double d = strtod(c->s, &end);
	if (c->len && *end == '\0') {
		c->d = d;
		c->forms |= SK_CF_DBL;
	}
	if (parse_net(c->s, c->len, c->ip, &c->iplen, &c->prefix))
		c->forms |= c->prefix == c->iplen * 8u && !strchr(c->s, '/') ? SK_CF_IP : SK_CF_NET;
}

/* A service name ("ssh") as a port number, the way libsinsp parses PT_PORT values. */
static bool parse_service(const char *name, __int128 *out)
{
	struct servent se, *res = NULL;
	char buf[1024];
	if (getservbyname_r(name, NULL, &se, buf, sizeof(buf), &res) != 0 || !res)
		return false;
	*out = ntohs((uint16_t)res->s_port);
	return true;
}

int sk_const_init(struct sk_const *c, struct sk_pool *pool, const char *text, uint32_t len,
		  uint8_t type, enum sk_cmp_op op, char *err, size_t errlen)
{
	enum sk_tclass tc = sk_type_class(type);
	memset(c, 0, sizeof(*c));
	c->s = sk_pool_strndup(pool, text, len);
	if (!c->s)
		return -ENOMEM;
	c->len = len;
	if (op == SK_CMP_BCONTAINS || op == SK_CMP_BSTARTSWITH) {
		if (!parse_hex(pool, text, len, c)) {
			snprintf(err, errlen, "invalid hex string '%s' for operator '%s'", c->s,
				 sk_cmp_op_name(op));
			return -EINVAL;
		}
		return 0;
	}
	if (op == SK_CMP_ICONTAINS || op == SK_CMP_IGLOB) {
		char *f = sk_pool_strndup(pool, text, len);
		if (!f)
			return -ENOMEM;
		for (uint32_t i = 0; i < len; i++)
			f[i] = (char)tolower((unsigned char)f[i]);
		c->fold = f;
	}
	switch (tc) {
	case SK_TC_INT:
	case SK_TC_UINT:
		if (type == PT_PORT && !parse_num(text, len, &c->n) && parse_service(c->s, &c->n)) {
			c->forms |= SK_CF_NUM;
			break;
		}
		if (!parse_num(text, len, &c->n)) {
			snprintf(err, errlen, "'%s' is not a valid number", c->s);
			return -EINVAL;
		}
		c->forms |= SK_CF_NUM;
		break;
	case SK_TC_BOOL:
		if (!parse_bool(text, len, &c->n)) {
			snprintf(err, errlen, "'%s' is not a valid boolean (true or false)", c->s);
			return -EINVAL;
		}
		c->forms |= SK_CF_NUM;
		break;
	case SK_TC_DBL: {
		char *end;
		c->d = strtod(c->s, &end);
		if (!len || *end) {
			snprintf(err, errlen, "'%s' is not a valid number", c->s);
			return -EINVAL;
		}
		c->forms |= SK_CF_DBL;
		break;
	}
	case SK_TC_IP:
		if (!parse_ip(c->s, c->ip, &c->iplen)) {
			snprintf(err, errlen, "'%s' is not a valid IP address", c->s);
			return -EINVAL;
		}
		c->prefix = (uint8_t)(c->iplen * 8u);
		c->forms |= SK_CF_IP;
		break;
	case SK_TC_NET:
		if (!parse_net(text, len, c->ip, &c->iplen, &c->prefix)) {
			snprintf(err, errlen, "'%s' is not a valid IP network", c->s);
			return -EINVAL;
		}
		c->forms |= SK_CF_NET;
		break;
	case SK_TC_OTHER:
		init_any(c);
		break;
	default:
		break;
	}
	return 0;
}

/* Whether op can apply to values of class tc at all. */
bool sk_op_supported(enum sk_cmp_op op, enum sk_tclass tc)
{
	switch (tc) {
	case SK_TC_INT:
	case SK_TC_UINT:
	case SK_TC_DBL:
		return op_is_numeric_ok(op);
	case SK_TC_BOOL:
	case SK_TC_IP:
	case SK_TC_NET:
		return op == SK_CMP_EQ || op == SK_CMP_EQ2 || op == SK_CMP_NE || op == SK_CMP_IN ||
		       op == SK_CMP_INTERSECTS || op == SK_CMP_EXISTS;
	case SK_TC_BYTES: /* libsinsp's buffer operators */
		switch (op) {
		case SK_CMP_EQ:
		case SK_CMP_EQ2:
		case SK_CMP_NE:
		case SK_CMP_CONTAINS:
		case SK_CMP_IN:
		case SK_CMP_EXISTS:
		case SK_CMP_STARTSWITH:
		case SK_CMP_ENDSWITH:
		case SK_CMP_INTERSECTS:
		case SK_CMP_BCONTAINS:
		case SK_CMP_BSTARTSWITH:
			return true;
		default:
			return false;
		}
	default:
		return true;
	}
}

static uint32_t hash_bytes(const char *s, uint32_t len)
{
	uint32_t h = 2166136261u;
	for (uint32_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

static int cmp_num(const void *a, const void *b)
{
	__int128 x = *(const __int128 *)a, y = *(const __int128 *)b;
	return x < y ? -1 : x > y;
}

int sk_cset_build(struct sk_pool *pool, const struct sk_const *consts, uint32_t n,
		  struct sk_cset **out)
{
	struct sk_cset *s = sk_pool_alloc(pool, sizeof(*s));
	if (!s)
		return -ENOMEM;
	uint32_t cap = 8;
	while (cap < n * 2u)
		cap *= 2;
	s->slots = sk_pool_alloc(pool, cap * sizeof(*s->slots));
	s->nums = sk_pool_alloc(pool, (n + 1u) * sizeof(*s->nums));
	s->addrs = sk_pool_alloc(pool, (n + 1u) * sizeof(*s->addrs));
	if (!s->slots || !s->nums || !s->addrs)
		return -ENOMEM;
	s->mask = cap - 1;
	s->minlen = UINT32_MAX;
	for (uint32_t i = 0; i < n; i++) {
		const struct sk_const *c = &consts[i];
		uint32_t h = hash_bytes(c->s, c->len) & s->mask;
		bool dup = false;
		while (s->slots[h]) {
			if (s->slots[h]->len == c->len && !memcmp(s->slots[h]->s, c->s, c->len)) {
				dup = true;
				break;
			}
			h = (h + 1) & s->mask;
		}
		if (!dup)
			s->slots[h] = c;
		if (c->len < s->minlen)
			s->minlen = c->len;
		if (c->len > s->maxlen)
			s->maxlen = c->len;
		if (c->forms & SK_CF_NUM)
			s->nums[s->nnums++] = c->n;
		if (c->forms & (SK_CF_IP | SK_CF_NET))
			s->addrs[s->naddrs++] = c;
	}
	qsort(s->nums, s->nnums, sizeof(*s->nums), cmp_num);
	*out = s;
	return 0;
}

bool sk_cset_has_str(const struct sk_cset *s, const char *str, uint32_t len)
{
	if (len < s->minlen || len > s->maxlen)
		return false;
	uint32_t h = hash_bytes(str, len) & s->mask;
	while (s->slots[h]) {
		if (s->slots[h]->len == len && !memcmp(s->slots[h]->s, str, len))
			return true;
		h = (h + 1) & s->mask;
	}
	return false;
}

bool sk_cset_has_num(const struct sk_cset *s, __int128 n)
{
	uint32_t lo = 0, hi = s->nnums;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (s->nums[mid] < n)
			lo = mid + 1;
		else if (s->nums[mid] > n)
			hi = mid;
		else
			return true;
	}
	return false;
}

/* Length of path without trailing slashes (but "/" stays empty = root). */
/*
 * Path components joined by single '/', without leading or trailing '/'
 * (libsinsp's path_prefix_map skips empty components, so "tmp", "/tmp/" and
 * "//tmp" are the same path). Writes at most cap bytes; returns the length.
 */
static uint32_t canon_path(const char *p, uint32_t len, char *out, uint32_t cap)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < len;) {
		while (i < len && p[i] == '/')
			i++;
		uint32_t start = i;
		while (i < len && p[i] != '/')
			i++;
		if (i == start)
			break;
		if (n && n < cap)
			out[n] = '/';
		n += n ? 1u : 0u;
		for (uint32_t k = start; k < i; k++, n++)
			if (n < cap)
				out[n] = p[k];
	}
	return n;
}

int sk_pset_build(struct sk_pool *pool, const struct sk_const *consts, uint32_t n,
		  struct sk_pset **out)
{
	struct sk_pset *s = sk_pool_alloc(pool, sizeof(*s));
	struct sk_const *canon = sk_pool_alloc(pool, (n + 1u) * sizeof(*canon));
	if (!s || !canon)
		return -ENOMEM;
	uint32_t m = 0;
	for (uint32_t i = 0; i < n; i++) {
		char *buf = sk_pool_alloc(pool, consts[i].len + 1u);
		if (!buf)
			return -ENOMEM;
		uint32_t len = canon_path(consts[i].s, consts[i].len, buf, consts[i].len + 1u);
		if (len == 0) { /* "/" (or ""): every path is below it */
			s->root = true;
			continue;
		}
		canon[m] = consts[i];
		canon[m].forms = 0;
		canon[m].s = buf;
		canon[m++].len = len;
	}
	int rc = sk_cset_build(pool, canon, m, &s->set);
	if (rc)
		return rc;
	*out = s;
	return 0;
}

static __thread char pmatch_buf[SK_FILTER_GLOB_MAX];

/*
 * Looks up every component prefix of path: one hash lookup per component,
 * whatever the size of the set. Paths longer than SK_FILTER_GLOB_MAX are
 * compared on their first SK_FILTER_GLOB_MAX bytes.
 */
bool sk_pset_match(const struct sk_pset *s, const char *path, uint32_t len)
{
	if (s->root)
		return true;
	uint32_t t = canon_path(path, len, pmatch_buf, sizeof(pmatch_buf));
	if (t > sizeof(pmatch_buf))
		t = sizeof(pmatch_buf);
	for (uint32_t i = 1; i <= t; i++) {
		if ((i == t || pmatch_buf[i] == '/') && sk_cset_has_str(s->set, pmatch_buf, i))
			return true;
	}
	return false;
}
