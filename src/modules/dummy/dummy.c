/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The dummy module: Xen 4.17's default rules (xen/include/xsm/dummy.h
 * semantics).  Defaulted hooks are generated from the hook list; the OTHER
 * hooks are written out below.  The dummy keeps no state: the core also
 * calls these functions with a NULL instance as the fallback rule.
 */
#include <errno.h>
#include <stddef.h>

#include "core/module.h"
#include "core/ops.h"

/*
 * Generated: the default rule of every defaulted hook.  Most parameters are
 * not part of the rule, hence the local pragma rather than per-name casts.
 */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#define XSM_HOOK(name, ACTION, SRC, TGT, PARAMS, ARGS)                                             \
    static int dummy_##name(struct xsm_instance *mi, struct xsm_domain *cur XSM_PARAMS(PARAMS))    \
    {                                                                                              \
        return xsm_default_action(XSM_ACT_##ACTION, SRC, TGT);                                     \
    }
#define XSM_HOOK_OTHER(rtype, name, PARAMS, ARGS)
#include <openxsm/hook-defs.h>
#pragma GCC diagnostic pop

/*
 * Xen's idle domain runs privileged while it builds the first domains and
 * drops the privilege when the system goes live.  Xen ASSERTs that the
 * caller is privileged; release builds only check that it is the idle domain.
 */
static int dummy_set_system_active(struct xsm_instance *mi, struct xsm_domain *cur)
{
    (void)mi;
    if (cur == NULL || cur->domid != XSM_DOMID_IDLE)
        return -EPERM;
    cur->is_privileged = false;
    return 0;
}

static void dummy_security_domaininfo(struct xsm_instance *mi, struct xsm_domain *cur,
                                      struct xsm_domain *d, struct xsm_domaininfo *info)
{
    (void)mi, (void)cur, (void)d, (void)info;
}

static int dummy_domctl(struct xsm_instance *mi, struct xsm_domain *cur, struct xsm_domain *d,
                        int cmd)
{
    (void)mi;
    switch (cmd) {
    case XSM_DOMCTL_ioport_mapping:
    case XSM_DOMCTL_memory_mapping:
    case XSM_DOMCTL_bind_pt_irq:
    case XSM_DOMCTL_unbind_pt_irq:
        return xsm_default_action(XSM_ACT_DM_PRIV, cur, d);
    case XSM_DOMCTL_getdomaininfo:
        return xsm_default_action(XSM_ACT_XS_PRIV, cur, d);
    default:
        return xsm_default_action(XSM_ACT_PRIV, cur, d);
    }
}

static void dummy_evtchn_close_post(struct xsm_instance *mi, struct xsm_domain *cur,
                                    struct xsm_evtchn *chn)
{
    (void)mi, (void)cur, (void)chn;
}

static int dummy_alloc_security_domain(struct xsm_instance *mi, struct xsm_domain *cur,
                                       struct xsm_domain *d)
{
    (void)mi, (void)cur, (void)d;
    return 0;
}

static void dummy_free_security_domain(struct xsm_instance *mi, struct xsm_domain *cur,
                                       struct xsm_domain *d)
{
    (void)mi, (void)cur, (void)d;
}

static int dummy_alloc_security_evtchns(struct xsm_instance *mi, struct xsm_domain *cur,
                                        struct xsm_evtchn *chn, unsigned int nr)
{
    (void)mi, (void)cur, (void)chn, (void)nr;
    return 0;
}

static void dummy_free_security_evtchns(struct xsm_instance *mi, struct xsm_domain *cur,
                                        struct xsm_evtchn *chn, unsigned int nr)
{
    (void)mi, (void)cur, (void)chn, (void)nr;
}

static char *dummy_show_security_evtchn(struct xsm_instance *mi, struct xsm_domain *cur,
                                        struct xsm_domain *d, const struct xsm_evtchn *chn)
{
    (void)mi, (void)cur, (void)d, (void)chn;
    return NULL;
}

/*
 * A console domain may use the console freely; everyone else needs
 * privilege.  Xen's VERBOSE_DEBUG exception for CONSOLEIO_write (a debug
 * build option) is not modelled.
 */
static int dummy_console_io(struct xsm_instance *mi, struct xsm_domain *cur, struct xsm_domain *d,
                            int cmd)
{
    (void)mi, (void)cur, (void)cmd;
    if (d != NULL && d->is_console)
        return xsm_default_action(XSM_ACT_HOOK, d, NULL);
    return xsm_default_action(XSM_ACT_PRIV, d, NULL);
}

static char *dummy_show_irq_sid(struct xsm_instance *mi, struct xsm_domain *cur, int irq,
                                const struct xsm_irq_data *data)
{
    (void)mi, (void)cur, (void)irq, (void)data;
    return NULL;
}

static int dummy_hvm_altp2mhvm_op(struct xsm_instance *mi, struct xsm_domain *cur,
                                  struct xsm_domain *d, uint64_t mode, uint32_t op)
{
    (void)mi;
    switch (mode) {
    case XSM_ALTP2M_mixed:
        return xsm_default_action(XSM_ACT_TARGET, cur, d);
    case XSM_ALTP2M_external:
        return xsm_default_action(XSM_ACT_DM_PRIV, cur, d);
    case XSM_ALTP2M_limited:
        if (op == XSM_HVMOP_altp2m_vcpu_enable_notify)
            return xsm_default_action(XSM_ACT_TARGET, cur, d);
        return xsm_default_action(XSM_ACT_DM_PRIV, cur, d);
    default:
        return -EPERM;
    }
}

/*
 * A PV page-table update touches up to two foreign domains: the page owner
 * f (skipped when it is DOMID_IO, i.e. MMIO) and the target t.  Both must be
 * reachable under TARGET.
 */
static int dummy_mmu_update(struct xsm_instance *mi, struct xsm_domain *cur, struct xsm_domain *d,
                            struct xsm_domain *t, struct xsm_domain *f, uint32_t flags)
{
    int rc = 0;

    (void)mi, (void)cur, (void)flags;
    if (f == NULL || f->domid != XSM_DOMID_IO)
        rc = xsm_default_action(XSM_ACT_TARGET, d, f);
    if (t != NULL && rc == 0)
        rc = xsm_default_action(XSM_ACT_TARGET, d, t);
    return rc;
}

/* Xen checks (d, cur) here, so only d's own privilege matters for PRIV. */
static int dummy_pmu_op(struct xsm_instance *mi, struct xsm_domain *cur, struct xsm_domain *d,
                        unsigned int op)
{
    (void)mi;
    switch (op) {
    case XSM_XENPMU_init:
    case XSM_XENPMU_finish:
    case XSM_XENPMU_lvtpc_set:
    case XSM_XENPMU_flush:
        return xsm_default_action(XSM_ACT_HOOK, d, cur);
    default:
        return xsm_default_action(XSM_ACT_PRIV, d, cur);
    }
}

static int dummy_xen_version(struct xsm_instance *mi, struct xsm_domain *cur, uint32_t op)
{
    (void)mi;
    switch (op) {
    case XSM_XENVER_version:
    case XSM_XENVER_platform_parameters:
    case XSM_XENVER_get_features:
        /* Always answered, without any check (not even a caller). */
        return 0;
    case XSM_XENVER_extraversion:
    case XSM_XENVER_compile_info:
    case XSM_XENVER_capabilities:
    case XSM_XENVER_changeset:
    case XSM_XENVER_pagesize:
    case XSM_XENVER_guest_handle:
        return xsm_default_action(XSM_ACT_HOOK, cur, NULL);
    default:
        return xsm_default_action(XSM_ACT_PRIV, cur, NULL);
    }
}

/* Argo has no default rule: the dummy allows, SILO and FLASK restrict. */
static int dummy_argo_enable(struct xsm_instance *mi, struct xsm_domain *cur,
                             const struct xsm_domain *d)
{
    (void)mi, (void)cur, (void)d;
    return 0;
}

static int dummy_argo_register_single_source(struct xsm_instance *mi, struct xsm_domain *cur,
                                             const struct xsm_domain *d, const struct xsm_domain *t)
{
    (void)mi, (void)cur, (void)d, (void)t;
    return 0;
}

static int dummy_argo_register_any_source(struct xsm_instance *mi, struct xsm_domain *cur,
                                          const struct xsm_domain *d)
{
    (void)mi, (void)cur, (void)d;
    return 0;
}

static int dummy_argo_send(struct xsm_instance *mi, struct xsm_domain *cur,
                           const struct xsm_domain *d, const struct xsm_domain *t)
{
    (void)mi, (void)cur, (void)d, (void)t;
    return 0;
}

/* Every member set: the dummy is complete by construction. */
static const struct xsm_ops dummy_ops = {
#define XSM_HOOK(name, ACTION, SRC, TGT, PARAMS, ARGS) .name = dummy_##name,
#define XSM_HOOK_OTHER(rtype, name, PARAMS, ARGS)      .name = dummy_##name,
#include <openxsm/hook-defs.h>
};

const struct xsm_module xsm_module_dummy = {
    .id = XSM_MODULE_DUMMY,
    .name = "dummy",
    .flags = XSM_MODF_AUTHORITATIVE,
    .interface_version = 1,
    .nr_cmds = 0,
    .ops = &dummy_ops,
    .init = NULL,
    .fini = NULL,
    .domain_init = NULL,
    .op = NULL,
};
