/* SPDX-License-Identifier: Apache-2.0 */
/* required_engine_version and required_plugin_versions of loaded rules files. */
#include <errno.h>
#include <string.h>

#include "rules.h"

/* A loaded plugin satisfies a requirement: same name, same major, not older. */
static bool satisfies(const struct sk_plugin_version *p, const char *name, const char *version)
{
	if (strcmp(p->name, name))
		return false;
	if (!p->version)
		return true;
	unsigned long have[3], want[3];
	if (sk_version_parse(p->version, have) || sk_version_parse(version, want))
		return false;
	return have[0] == want[0] && sk_version_cmp(have, want) >= 0;
}

static const struct sk_plugin_version *find(const struct sk_plugin_version *loaded, unsigned n,
					    const char *name, const char *version)
{
	for (unsigned i = 0; i < n; i++)
		if (satisfies(&loaded[i], name, version))
			return &loaded[i];
	return NULL;
}

static bool requirement_met(const struct sk_rules_plugin_req *req,
			    const struct sk_plugin_version *loaded, unsigned n)
{
	if (find(loaded, n, req->name, req->version))
		return true;
	for (unsigned i = 0; i < req->nalternatives; i++)
		if (find(loaded, n, req->alternatives[i].name, req->alternatives[i].version))
			return true;
	return false;
}

int sk_rules_check_requirements(const struct sk_rules *r, const struct sk_plugin_version *loaded,
				unsigned nloaded, struct sk_diags *diags)
{
	int rc = 0;
	if (r->required_engine_version) {
		unsigned long want[3], have[3];
		sk_version_parse(SK_ENGINE_VERSION, have);
		if (sk_version_parse(r->required_engine_version, want) == 0 &&
		    sk_version_cmp(want, have) > 0) {
			sk_diags_add(diags, SK_DIAG_ERROR, SK_LOAD_ERR_VALIDATE,
				     r->required_engine_version_pos, NULL,
				     "rules require engine version %s, but this engine is %s",
				     r->required_engine_version, SK_ENGINE_VERSION);
			rc = -EINVAL;
		}
	}
	for (unsigned i = 0; i < r->nplugin_reqs; i++) {
		const struct sk_rules_plugin_req *req = &r->plugin_reqs[i];
		if (requirement_met(req, loaded, nloaded))
			continue;
		sk_diags_add(diags, SK_DIAG_ERROR, SK_LOAD_ERR_VALIDATE, req->pos, NULL,
			     "plugin '%s' version %s (or a compatible alternative) is required but "
			     "not loaded",
			     req->name, req->version ? req->version : "any");
		rc = -EINVAL;
	}
	return rc;
}
