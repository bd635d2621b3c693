/* SPDX-License-Identifier: Apache-2.0 */
#include "options.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char sk_usage[] =
	"Usage: saker [options]\n"
	"\n"
	"Without -e, saker runs live (root): it loads the eBPF probe and watches this host\n"
	"with the rules of -r, or with its default rules (saker_rules.yaml) when -r is absent.\n"
	"\n"
	"Options:\n"
	"  -h, --help                  print this help and exit\n"
	"  --version                   print the versions of saker and its formats and exit\n"
	"  -c <file>                   read the configuration from this file (default\n"
	"                              /etc/saker/saker.yaml when present)\n"
	"  -e <file>                   read events from a .scap capture instead of the live probe;\n"
	"                              a .json file is replayed as Kubernetes audit events\n"
	"                              through the k8saudit plugin\n"
	"  --dump                      with -e: print every event, one per line, like `sysdig -r`\n"
	"  -w <file>                   write the events read to a .scap capture\n"
	"  -z                          with -w: compress the capture with gzip\n"
	"  -r <file|dir>               load rules from a file or every .yaml/.yml of a directory\n"
	"                              (repeatable; later files override earlier ones)\n"
	"  -V, --validate <file|dir>   validate rules and exit 0 (valid) or 1 (repeatable)\n"
	"  -o, --option <key>=<value>  set any configuration key (saker.yaml, falco.yaml) after\n"
	"                              the files: a.b.c=v, a[N].b=v, a[].b=v (append),\n"
	"                              a={k: v} (a subtree); \\. \\[ \\] escape key characters;\n"
	"                              ${VAR} is expanded; unknown keys are a warning\n"
	"  -A                          also evaluate high-volume events (I/O, waits, scheduler);\n"
	"                              live: report every syscall, not only those rules need\n"
	"  -D <substring>              disable rules whose name contains the substring\n"
	"  -T <tag>                    disable rules carrying the tag\n"
	"  -t <tag>                    run only rules carrying the tag\n"
	"  -M <seconds>                stop after this many seconds\n"
	"  -k <url>                    Kubernetes API server; pod metadata for k8s.* and container.*\n"
	"  -K <token_file>|<cert>:<key>[#<pass>][:<ca>]\n"
	"                              credentials for -k: a bearer token file (ca.crt beside it\n"
	"                              is the CA), or client certificate, key and CA files\n"
	"  --k8s-node <node>           watch the pods of this node only (default: the host name)\n"
	"  -L                          print the name and description of every loaded rule\n"
	"  -l <rule>                   print the name and description of one rule\n"
	"  --list [<source>]           print the fields (of one event source)\n"
	"  -N                          with --list: field names only\n"
	"  --list-plugins              print the loaded plugins (configured with plugins: and\n"
	"                              load_plugins:, e.g. -o load_plugins[]=k8saudit) and exit\n"
	"  --plugin-info <name>        print a loaded plugin's description, schema and fields\n"
	"  --disable-source <source>   do not load rules of this source (repeatable)\n"
	"  --enable-source <source>    load rules of this source only (repeatable)\n"
	"  -U, --unbuffered            flush outputs after every alert\n"
	"  -p <format>                 add to syscall alerts: -pc container, -pk Kubernetes,\n"
	"                              or a format of your own; also what %container.info shows\n"
	"  -v                          verbose\n";

enum { OPT_VERSION = 0x100, OPT_DUMP, OPT_LIST, OPT_DISABLE_SOURCE, OPT_ENABLE_SOURCE };
enum { OPT_K8S_NODE = 0x200 };
enum { OPT_LIST_PLUGINS = 0x300, OPT_PLUGIN_INFO };

static const struct option long_opts[] = {
	{"help", no_argument, NULL, 'h'},
	{"version", no_argument, NULL, OPT_VERSION},
	{"dump", no_argument, NULL, OPT_DUMP},
	{"validate", required_argument, NULL, 'V'},
	{"option", required_argument, NULL, 'o'},
	{"list", optional_argument, NULL, OPT_LIST},
	{"disable-source", required_argument, NULL, OPT_DISABLE_SOURCE},
	{"enable-source", required_argument, NULL, OPT_ENABLE_SOURCE},
	{"k8s-node", required_argument, NULL, OPT_K8S_NODE},
	{"list-plugins", no_argument, NULL, OPT_LIST_PLUGINS},
	{"plugin-info", required_argument, NULL, OPT_PLUGIN_INFO},
	{"unbuffered", no_argument, NULL, 'U'},
	{NULL, 0, NULL, 0},
};

static int push(struct sk_strlist *l, const char *v, const char *flag, char *err, size_t errlen)
{
	if (l->n >= SK_OPT_MAX_REPEAT) {
		snprintf(err, errlen, "too many %s options (at most %u)", flag, SK_OPT_MAX_REPEAT);
		return -EINVAL;
	}
	l->v[l->n++] = v;
	return 0;
}

static int check(const struct sk_options *o, char *err, size_t errlen)
{
	if (o->dump && !o->capture) {
		snprintf(err, errlen, "--dump needs a capture file (-e FILE)");
		return -EINVAL;
	}
	if (o->tags_include.n && (o->tags_exclude.n || o->disable_substr.n)) {
		snprintf(err, errlen, "-t cannot be combined with -T or -D");
		return -EINVAL;
	}
	if (o->enable_sources.n && o->disable_sources.n) {
		snprintf(err, errlen, "--enable-source cannot be combined with --disable-source");
		return -EINVAL;
	}
	for (unsigned i = 0; i < o->overrides.n; i++) {
		if (!strchr(o->overrides.v[i], '=')) {
			snprintf(err, errlen, "-o '%s': expected key=value", o->overrides.v[i]);
			return -EINVAL;
		}
	}
	return 0;
}

int sk_options_parse(struct sk_options *o, int argc, char **argv, char *err, size_t errlen)
{
	memset(o, 0, sizeof(*o));
	optind = 1;
	opterr = 0;
	int c, rc = 0;
	char *end;
	while (rc == 0 && (c = getopt_long(argc, argv, ":hc:e:w:zk:K:r:V:o:AD:T:t:M:Ll:NUvp:", long_opts,
					   NULL)) != -1) {
		switch (c) {
		case 'h': o->help = true; break;
		case OPT_VERSION: o->version = true; break;
		case OPT_DUMP: o->dump = true; break;
		case 'c': o->config_path = optarg; break;
		case 'e': o->capture = optarg; break;
		case 'k': o->k8s_api = optarg; break;
		case 'K': o->k8s_auth = optarg; break;
		case OPT_K8S_NODE: o->k8s_node = optarg; break;
		case OPT_LIST_PLUGINS: o->list_plugins = true; break;
		case OPT_PLUGIN_INFO: o->plugin_info = optarg; break;
		case 'w': o->write_path = optarg; break;
		case 'z': o->gzip = true; break;
		case 'A': o->all_events = true; break;
		case 'L': o->list_rules = true; break;
		case 'l': o->describe_rule = optarg; break;
		case 'N': o->names_only = true; break;
		case 'U': o->unbuffered = true; break;
		case 'p': o->print_format = optarg; break;
		case 'v': o->verbose = true; break;
		case 'r': rc = push(&o->rules, optarg, "-r", err, errlen); break;
		case 'V': rc = push(&o->validate, optarg, "-V", err, errlen); break;
		case 'o': rc = push(&o->overrides, optarg, "-o", err, errlen); break;
		case 'D': rc = push(&o->disable_substr, optarg, "-D", err, errlen); break;
		case 'T': rc = push(&o->tags_exclude, optarg, "-T", err, errlen); break;
		case 't': rc = push(&o->tags_include, optarg, "-t", err, errlen); break;
		case OPT_DISABLE_SOURCE:
			rc = push(&o->disable_sources, optarg, "--disable-source", err, errlen);
			break;
		case OPT_ENABLE_SOURCE:
			rc = push(&o->enable_sources, optarg, "--enable-source", err, errlen);
			break;
		case OPT_LIST:
			o->list_fields = true;
			/* --list takes an optional source, also as a separate word */
			if (optarg)
				o->list_source = optarg;
			else if (optind < argc && argv[optind][0] != '-')
				o->list_source = argv[optind++];
			break;
		case 'M':
			o->duration_s = strtol(optarg, &end, 10);
			if (*end || o->duration_s < 0) {
				snprintf(err, errlen, "-M '%s': expected a number of seconds", optarg);
				return -EINVAL;
			}
			break;
		case ':':
			snprintf(err, errlen, "option '%s' needs an argument", argv[optind - 1]);
			return -EINVAL;
		default:
			snprintf(err, errlen, "unknown option '%s'", argv[optind - 1]);
			return -EINVAL;
		}
	}
	if (rc)
		return rc;
	if (optind < argc) {
		snprintf(err, errlen, "unexpected argument '%s'", argv[optind]);
		return -EINVAL;
	}
	return check(o, err, errlen);
}
