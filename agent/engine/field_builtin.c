/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Registration of the built-in field classes, in the order --list shows them.
 */
#include "field_impl.h"

static const struct sk_field_class *const builtin_classes[] = {
    &sk_field_class_evt_all, &sk_field_class_evt,	&sk_field_class_syscall,
    &sk_field_class_proc,    &sk_field_class_thread,	&sk_field_class_user,
    &sk_field_class_group,   &sk_field_class_container, &sk_field_class_fd,
    &sk_field_class_fdlist,  &sk_field_class_fspath,	&sk_field_class_k8s,
};

int sk_field_registry_add_builtin(struct sk_field_registry *r)
{
	for (unsigned i = 0; i < SK_NELEM(builtin_classes); i++) {
		int rc = sk_field_registry_add(r, builtin_classes[i]);

		if (rc)
			return rc;
	}
	return 0;
}
