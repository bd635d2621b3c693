/* SPDX-License-Identifier: Apache-2.0 */
/* Command-line options of `saker`, spelled as Falco spells them. */
#ifndef SAKER_CLI_OPTIONS_H
#define SAKER_CLI_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

#define SK_OPT_MAX_REPEAT 64u /* repeatable flags (-r, -o, -V, -D, -t, -T, sources) */

struct sk_strlist {
	const char *v[SK_OPT_MAX_REPEAT];
	unsigned n;
};

struct sk_options {
	bool help;
	bool version;
	bool dump;              /* --dump: print the events of -e */
	bool gzip;              /* -z: compress -w output */
	bool all_events;        /* -A */
	bool list_rules;        /* -L */
	bool list_fields;       /* --list [SOURCE] */
	bool list_plugins;      /* --list-plugins */
	const char *plugin_info; /* --plugin-info NAME */
	bool names_only;        /* -N */
	bool verbose;           /* -v */
	bool unbuffered;        /* -U */
	const char *print_format; /* -p: c|container, k|kubernetes, or a format */
	const char *capture;    /* -e FILE */
	const char *config_path; /* -c FILE */
	const char *k8s_api;    /* -k URL: Kubernetes API server */
	const char *k8s_auth;   /* -K TOKEN_FILE | CERT:KEY[#PASS][:CA] */
	const char *k8s_node;   /* --k8s-node NODE */
	const char *write_path; /* -w FILE */
	const char *describe_rule; /* -l RULE */
	const char *list_source;   /* --list SOURCE */
	long duration_s;           /* -M N; 0 = unlimited */
	struct sk_strlist rules;   /* -r */
	struct sk_strlist overrides; /* -o key=value */
	struct sk_strlist validate;  /* -V / --validate */
	struct sk_strlist disable_substr; /* -D */
	struct sk_strlist tags_exclude;   /* -T */
	struct sk_strlist tags_include;   /* -t */
	struct sk_strlist disable_sources; /* --disable-source */
	struct sk_strlist enable_sources;  /* --enable-source */
};

/*
 * Parse argv into o. Returns 0, or -EINVAL with a message in err naming the
 * offending argument.
 */
int sk_options_parse(struct sk_options *o, int argc, char **argv, char *err, size_t errlen);

/* The --help text. */
extern const char sk_usage[];

#endif
