/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The CLI around the plugin host: loading the configured plugins (and
 * k8saudit + json for `-e FILE.json`, as Falco 0.31 did), --list-plugins and
 * --plugin-info.
 */
#ifndef SAKER_CLI_PLUGINS_H
#define SAKER_CLI_PLUGINS_H

#include <stdbool.h>
#include <stdio.h>

#include "../config/config.h"
#include "engine_setup.h"
#include "options.h"

/*
 * The bundled plugin that reads -e FILE when it is JSON rather than a .scap
 * capture: "cloudtrail" for a CloudTrail log ({"Records": [...]}),
 * "k8saudit" for anything else (audit Events, EventLists, JSONL); NULL for a
 * capture.
 */
const char *sk_cli_plugin_input(const char *path);
bool sk_cli_capture_is_plugin(const char *path);

/*
 * Load the plugins of cfg (plugins:, load_plugins:) into s->plugins, check
 * them, register their fields in s->reg and their versions in s->rs_opts.
 * With -e FILE.json, k8saudit reads FILE (bundled k8saudit and json are
 * loaded when not configured). Returns 0, or -errno with the reason (naming
 * the plugin and where it was configured) in err.
 */
int sk_cli_plugins_setup(struct sk_engine_setup *s, const struct sk_options *o,
			 const struct sk_config *cfg, char *err, size_t errlen);

/*
 * For a reload: use the running plugins (borrowed: s->plugins_borrowed)
 * instead of loading them again; plugins whose init_config changed in cfg
 * get it through set_config (sk_plugin_host_reconfigure), then their fields
 * join s->reg and their versions s->rs_opts. Returns 0 or -errno with err.
 */
int sk_cli_plugins_reuse(struct sk_engine_setup *s, const struct sk_options *o,
			 const struct sk_config *cfg, struct sk_plugin_host *running, char *err,
			 size_t errlen);

/* Whether the syscall source is enabled (--disable-source / --enable-source). */
bool sk_cli_syscall_enabled(const struct sk_options *o);

/* --list-plugins: every loaded plugin with its capabilities. */
int sk_cmd_list_plugins(struct sk_engine_setup *s, FILE *out);
/* --plugin-info NAME: identity, capabilities, schema, open params, fields. */
int sk_cmd_plugin_info(struct sk_engine_setup *s, const char *name, FILE *out);

#endif
