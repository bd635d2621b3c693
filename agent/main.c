/* SPDX-License-Identifier: Apache-2.0 */
/* saker: the node agent. main() only decides; the work is in the libraries. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/capture.h"
#include "cli/engine_setup.h"
#include "cli/options.h"
#include "cli/plugins.h"
#include "cli/replay.h"
#include "config/config.h"
#include "live.h"
#include "k8s/meta.h"
#include "saker/event.h"

#define SAKER_VERSION "0.1.0"
/* The scap file version Saker writes. */
#define SAKER_SCAP_VERSION "1.2"

static void print_version(void)
{
	printf("Saker version: %s\n", SAKER_VERSION);
	printf("Event schema: %u event codes\n", (unsigned)SK_EVT_TABLE_SIZE);
	printf("Capture format: scap %s\n", SAKER_SCAP_VERSION);
}

static void k8s_log(void *ctx, enum k8s_log_level level, const char *msg)
{
	const struct sk_options *o = ctx;
	if (level <= K8S_LOG_WARNING || o->verbose)
		fprintf(stderr, "saker: k8s: %s\n", msg);
}

/*
 * Pod metadata for k8s.* and container.* fields: -k/-K/--k8s-node, and in
 * live mode the in-cluster service account when nothing is given. NULL (one
 * log line) without Kubernetes. A replay waits for the first lists.
 */
/* Flags (-k, -K, --k8s-node) win over the k8s.* configuration keys. */
static struct sk_k8s_meta *start_k8s(const struct sk_options *o, const struct sk_config *cfg,
				     bool live)
{
	struct sk_k8s_settings ks = {
	    .enabled = cfg->k8s.enabled,
	    .api_server = o->k8s_api ? o->k8s_api : cfg->k8s.api_server,
	    .auth = o->k8s_auth,
	    .kubeconfig = cfg->k8s.kubeconfig,
	    .node_name = o->k8s_node ? o->k8s_node : cfg->k8s.node_name,
	    .allow_incluster = live,
	};
	struct sk_k8s_meta_opts mo = {.log = k8s_log, .log_ctx = (void *)o};
	struct sk_k8s_meta *m = NULL;
	char err[512];
	int rc;

	if (!live && !ks.api_server && !ks.kubeconfig)
		return NULL;
	rc = sk_k8s_meta_setup(&m, &ks, &mo, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "saker: k8s: %s\n", err); /* the one line: fields stay <NA> */
		return NULL;
	}
	sk_state_meta_set_default(sk_k8s_meta_provider(m));
	if (!live && !sk_k8s_meta_wait_synced(m, 10000))
		fprintf(stderr, "saker: k8s: pods not listed after 10 s; continuing without\n");
	return m;
}

/* Commands that need the rules engine: --list, -L, -l, and replaying with rules. */
static int run_engine(const struct sk_options *o, const struct sk_config *cfg)
{
	struct sk_engine_setup s;
	struct sk_k8s_meta *k8s = NULL;
	char err[512];
	int rc = sk_engine_setup_init(&s, o, cfg, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "saker: %s\n", err);
		goto out;
	}
	if (o->list_fields) {
		rc = sk_cmd_list_fields(&s, o->list_source, o->names_only, stdout);
		goto out;
	}
	if (o->list_plugins || o->plugin_info) {
		rc = o->plugin_info ? sk_cmd_plugin_info(&s, o->plugin_info, stdout)
				    : sk_cmd_list_plugins(&s, stdout);
		goto out;
	}
	/* -r wins over the configuration's rules_files, as in Falco */
	rc = o->rules.n ? sk_engine_setup_load(&s, o->rules.v, o->rules.n, stderr)
			: sk_engine_setup_load(&s, cfg->rules_files, cfg->nrules_files, stderr);
	if (rc) {
		fprintf(stderr, "saker: rules could not be loaded\n");
		goto out;
	}
	if (o->list_rules || o->describe_rule) {
		rc = sk_cmd_list_rules(&s, o->describe_rule, stdout);
		goto out;
	}
	k8s = start_k8s(o, cfg, !o->capture && sk_cli_syscall_enabled(o));
	/* Plugin sources only (--disable-source syscall): no probe, the sources run as a replay does. */
	if (!o->capture && sk_cli_syscall_enabled(o)) {
		rc = sk_live_run(&s, o, cfg, SAKER_VERSION, stdout, stderr);
		goto out;
	}
	rc = sk_replay_run(&s, o, cfg, SAKER_VERSION, stdout, stderr);
out:
	sk_state_meta_set_default(NULL);
	sk_k8s_meta_free(k8s);
	sk_engine_setup_fini(&s);
	return rc ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* Live mode without -r: Saker's default rules, found beside the binary. */
static int run_live_default(struct sk_options *o, const struct sk_config *cfg)
{
	static char path[1024];
	char err[2048];
	if (sk_live_default_rules(path, sizeof(path), err, sizeof(err))) {
		fprintf(stderr, "saker: default rules %s not found (tried %s); use -r RULES\n",
			SK_LIVE_DEFAULT_RULES, err);
		return EXIT_FAILURE;
	}
	o->rules.v[o->rules.n++] = path;
	return run_engine(o, cfg);
}

int main(int argc, char **argv)
{
	struct sk_options o;
	char err[256];
	if (sk_options_parse(&o, argc, argv, err, sizeof(err))) {
		fprintf(stderr, "saker: %s\n%s", err, sk_usage);
		return EXIT_FAILURE;
	}
	if (o.help) {
		fputs(sk_usage, stdout);
		return EXIT_SUCCESS;
	}
	if (o.version) {
		print_version();
		return EXIT_SUCCESS;
	}
	/* The configuration: -c FILE (or the default file), its includes, then -o. */
	static struct sk_config cfg;
	char cerr[1024];
	sk_config_init(&cfg);
	if (sk_config_load(&cfg, o.config_path, o.overrides.v, o.overrides.n, cerr, sizeof(cerr))) {
		fprintf(stderr, "saker: %s\n", cerr);
		return EXIT_FAILURE;
	}
	for (unsigned i = 0; i < cfg.nwarnings; i++)
		fprintf(stderr, "saker: warning: %s\n", cfg.warnings[i]);
	if (cfg.warnings_dropped)
		fprintf(stderr, "saker: warning: %u more configuration warnings\n",
			cfg.warnings_dropped);
	if (o.validate.n)
		return sk_cmd_validate(&o, &cfg, stdout, stderr) ? EXIT_FAILURE : EXIT_SUCCESS;
	/* -e FILE.json -w OUT.scap: plugin events go through the engine (replay writes them). */
	if (o.capture && o.write_path && !sk_cli_capture_is_plugin(o.capture))
		return sk_capture_rewrite(o.capture, o.write_path, o.gzip, stderr) ? EXIT_FAILURE
										   : EXIT_SUCCESS;
	if (o.capture && o.dump)
		return sk_capture_dump(o.capture, stdout, stderr) ? EXIT_FAILURE : EXIT_SUCCESS;
	if (o.rules.n || o.list_fields || o.list_rules || o.describe_rule || o.list_plugins ||
	    o.plugin_info || (o.capture && o.write_path) ||
	    (o.capture && cfg.nrules_files))
		return run_engine(&o, &cfg);
	if (o.capture) {
		fprintf(stderr, "saker: nothing to do with -e FILE: add --dump, -w or -r RULES\n%s",
			sk_usage);
		return EXIT_FAILURE;
	}
	if (cfg.nrules_files)
		return run_engine(&o, &cfg);
	return run_live_default(&o, &cfg);
}
