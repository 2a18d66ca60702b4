/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Internal: the module descriptor, the per-slot instance and the context.
 *
 * A module is a const descriptor (struct xsm_module).  Activating it in an
 * xsm_ctx creates an instance in one stack slot; the instance carries the
 * module's private state and the slot index under which it keeps labels in
 * struct xsm_domain.security[] and struct xsm_evtchn.label[].
 *
 * Stacking semantics (see docs/design.md): for each hook every active module
 * that implements it runs, in stack order, and the first non-zero result is
 * returned.  A module is either *authoritative* (it replaces Xen's default
 * privilege rules for the hooks it implements: dummy, FLASK) or *restrictive*
 * (it only adds denials: SILO).  When no active authoritative module
 * implements a hook, the dummy default runs last.  So "silo" alone is exactly
 * Xen's SILO (its check, then the dummy rule), and "silo,flask" is SILO's
 * check followed by FLASK.
 */
#ifndef OPENXSM_CORE_MODULE_H
#define OPENXSM_CORE_MODULE_H

#include <openxsm/xsm.h>
#include <openxsm/xsm_op.h>

struct xsm_instance;
struct xsm_ops; /* generated from the hook list, see core/ops.h */

#define XSM_MODF_AUTHORITATIVE 0x1U

struct xsm_module {
    uint16_t id; /* XSM_MODULE_* from <openxsm/xsm_op.h> */
    const char *name;
    uint32_t flags;             /* XSM_MODF_* */
    uint32_t interface_version; /* what op->interface_version must be */
    uint16_t nr_cmds;           /* sub-commands 1..nr_cmds are this module's */
    const struct xsm_ops *ops;  /* NULL members: not implemented */

    int (*init)(struct xsm_instance *mi, const struct xsm_config *cfg);
    void (*fini)(struct xsm_instance *mi);
    int (*domain_init)(struct xsm_instance *mi, struct xsm_domain *d); /* optional */

    /*
     * The module's part of xsm_op.  'op' is the 40 bytes already copied in,
     * suitably aligned; g->compat tells which layout the guest used.  The
     * module validates everything before it changes state, sets *copyback
     * when the command defines output, and returns >= 0 or -errno.  The core
     * copies back only if *copyback and the result is >= 0.
     */
    long (*op)(struct xsm_instance *mi, struct xsm_domain *cur, const struct xsm_guest *g, void *op,
               bool *copyback);
};

struct xsm_instance {
    xsm_ctx *ctx;
    const struct xsm_module *mod;
    unsigned slot;
    void *priv;
};

struct xsm_ctx {
    unsigned nr;
    struct xsm_instance inst[XSM_MAX_STACK];
    /* Modules selected at boot whose init declined (FLASK with flask=disabled). */
    unsigned nr_declined;
    uint16_t declined[XSM_MAX_STACK];
    const struct xsm_host_ops *host_ops;
    void *host;
    /*
     * The host's IRQ space (xsm_config), with its defaults resolved: IRQs
     * 0..nr_irqs-1 exist, 0..nr_static_irqs-1 of them are static.
     */
    uint32_t nr_irqs;
    uint32_t nr_static_irqs;
};

/* Every module compiled into this build, in id order. */
extern const struct xsm_module xsm_module_dummy;
extern const struct xsm_module xsm_module_silo;
#ifdef OPENXSM_HAVE_FLASK
extern const struct xsm_module xsm_module_flask;
#endif

/* All built modules (table in core); NULL-terminated. */
extern const struct xsm_module *const xsm_builtin_modules[];

/* The instance of module 'id' in x, or NULL if it is not active. */
struct xsm_instance *xsm_find_active(xsm_ctx *x, uint16_t id);

/* Host look-ups with DOMID_SELF resolved to cur. */
struct xsm_domain *xsm_domain_lookup(xsm_ctx *x, struct xsm_domain *cur, xsm_domid_t domid);

#endif
