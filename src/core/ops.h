/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Internal: struct xsm_ops, one function pointer per hook of
 * <openxsm/hook-defs.h>.  A module fills the members it implements and
 * leaves the rest NULL; the stacking wrappers in core/hooks.c skip NULL
 * members, and fall back to the dummy module's member when no active
 * authoritative module implements the hook.
 *
 * A module's hook receives its own instance (for its private state and its
 * label slot) and the calling domain, then Xen's parameters.
 */
#ifndef OPENXSM_CORE_OPS_H
#define OPENXSM_CORE_OPS_H

#include <openxsm/hooks.h>

#include "core/module.h"

/* name is the member being declared: it cannot be parenthesised. */
/* NOLINTBEGIN(bugprone-macro-parentheses) */
struct xsm_ops {
#define XSM_HOOK(name, ACTION, SRC, TGT, PARAMS, ARGS)                                             \
    int (*name)(struct xsm_instance * mi, struct xsm_domain * cur XSM_PARAMS(PARAMS));
#define XSM_HOOK_OTHER(rtype, name, PARAMS, ARGS)                                                  \
    rtype (*name)(struct xsm_instance * mi, struct xsm_domain * cur XSM_PARAMS(PARAMS));
#include <openxsm/hook-defs.h>
};
/* NOLINTEND(bugprone-macro-parentheses) */

/*
 * xsm_create() with an explicit module list instead of a boot string, for
 * modules that are not built in (tests, embedders).  -EINVAL for an empty,
 * too long or repeating list, a NULL entry or a module with id 1 (the
 * core's) or 0xffff (XSM_MODULE_NONE); otherwise as xsm_create().
 */
int xsm_create_stack(xsm_ctx **out, const struct xsm_module *const *mods, unsigned nr,
                     const struct xsm_config *cfg);

#endif /* OPENXSM_CORE_OPS_H */
