/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the saker CLI sets up around the rules engine: options from -o and
 * the rule-selection flags, the field registry, loading and compiling the
 * rules files, and the commands that only inspect them (-V, -L, -l, --list).
 */
#ifndef SAKER_CLI_ENGINE_SETUP_H
#define SAKER_CLI_ENGINE_SETUP_H

#include <pthread.h>
#include <stdio.h>

#include "../config/config.h"
#include "../engine/engine.h"
#include "options.h"

struct sk_plugin_host;

struct sk_engine_setup {
	struct sk_ruleset_opts rs_opts;
	struct sk_output_opts out_opts;
	const char *sources[SK_ENGINE_MAX_SOURCES];
	struct sk_field_registry *reg;
	struct sk_rules rules;
	struct sk_diags diags;
	struct sk_ruleset *rs;
	char hostname[256];
	struct sk_plugin_host *plugins; /* loaded plugins (agent/cli/plugins.c); NULL = none */
	bool plugins_borrowed;		/* plugins belong to the running agent (a reload's build) */
	double load_seconds; /* time the last sk_engine_setup_load took */
};

/*
 * Take the rule-selection and alert-format keys of cfg (borrowed: must
 * outlive s) and o's selection flags. Returns 0, or -EINVAL with a message
 * in err.
 */
int sk_engine_setup_init(struct sk_engine_setup *s, const struct sk_options *o,
			 const struct sk_config *cfg, char *err, size_t errlen);
void sk_engine_setup_fini(struct sk_engine_setup *s);

/*
 * Load every path (files or directories) and compile. Diagnostics are
 * printed to errf. Returns 0, or -EINVAL when anything had an error.
 */
int sk_engine_setup_load(struct sk_engine_setup *s, const char *const *paths, unsigned npaths,
			 FILE *errf);

/* -V: validate paths, print "<path>: Ok" or the diagnostics; 0 when all are valid. */
int sk_cmd_validate(const struct sk_options *o, const struct sk_config *cfg, FILE *out,
		    FILE *errf);
/* -L / -l RULE over the loaded rules. */
int sk_cmd_list_rules(struct sk_engine_setup *s, const char *only, FILE *out);
/* --list [SOURCE] [-N]: the field registry. */
int sk_cmd_list_fields(struct sk_engine_setup *s, const char *source, bool names_only, FILE *out);


/*
 * Rebuilding for a hot reload: read the configuration again (-c, its
 * includes, -o), load and compile the rules (-r, else rules_files). Each
 * successful build is kept until sk_engine_reloader_fini(), since the
 * rulesets made from it may still be running.
 */
struct sk_engine_build;
struct sk_engine_reloader {
	const struct sk_options *o;
	const struct sk_config *cfg; /* the configuration of the running rules */
	struct sk_plugin_host *plugins; /* the running plugins, reconfigured by builds; borrowed */
	struct sk_engine_build *builds; /* newest first */
	pthread_mutex_t lock;
};
void sk_engine_reloader_init(struct sk_engine_reloader *r, const struct sk_options *o,
			     const struct sk_config *initial);
void sk_engine_reloader_fini(struct sk_engine_reloader *r);
/* struct sk_reload_opts callbacks; ctx is a struct sk_engine_reloader. */
int sk_engine_reloader_build(void *ctx, struct sk_ruleset **rs, unsigned *nrules, char *err,
			     size_t errlen);
unsigned sk_engine_reloader_paths(void *ctx, const char **v, unsigned cap);

#endif
