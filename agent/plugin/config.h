/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Plugins from the configuration (Falco's plugins: and load_plugins: keys)
 * and Saker's bundled plugins (built to build/plugins/lib<name>.so, installed
 * to SK_PLUGIN_SYSTEM_DIR; SAKER_PLUGIN_DIR overrides).
 */
#ifndef SAKER_PLUGIN_CONFIG_H
#define SAKER_PLUGIN_CONFIG_H

#include <stddef.h>

#include "plugin.h"

#define SK_PLUGIN_SYSTEM_DIR "/usr/share/saker/plugins"

struct sk_cnode;

/*
 * Load into h every plugins: entry selected by load_plugins (absent = all,
 * present = the listed names; a listed name without an entry is the bundled
 * plugin of that name). init_config may be a string (passed verbatim) or a
 * map (passed as compact JSON); a missing library_path is the bundled
 * library. Both nodes are borrowed and may be NULL. Returns 0, or -errno
 * with "file:line:col: plugin 'NAME' (PATH): why" in err.
 */
int sk_plugin_host_configure(struct sk_plugin_host *h, const struct sk_cnode *plugins,
			     const struct sk_cnode *load_plugins, char *err, size_t errlen);

/*
 * A reload: for every plugins: entry selected by load_plugins whose plugin
 * is loaded in h and whose init_config differs from the one in force, call
 * the plugin's set_config (API 3.4.1+) instead of loading it again. A
 * plugin whose set_config fails, or that has none, keeps its config; that,
 * and entries naming plugins not loaded, go to the host's log, naming the
 * plugin and the place in the configuration. *changed gets the number of
 * plugins reconfigured. Returns 0 or -ENOMEM.
 */
int sk_plugin_host_reconfigure(struct sk_plugin_host *h, const struct sk_cnode *plugins,
			       const struct sk_cnode *load_plugins, unsigned *changed);

/* Load the bundled plugin name with an empty init config and these open params. */
int sk_plugin_host_load_bundled(struct sk_plugin_host *h, const char *name, const char *open_params,
				char *err, size_t errlen);

/* The directory of the bundled plugins, and the library of one; -ENOENT when absent. */
int sk_plugin_bundled_dir(char *out, size_t cap);
int sk_plugin_bundled_path(const char *name, char *out, size_t cap);

#endif
