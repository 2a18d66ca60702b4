/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The public hook wrappers, generated from <openxsm/hook-defs.h>.
 *
 * Stacking (the contract of core/module.h): every active module that
 * implements a hook runs, in stack order, and the first non-zero result is
 * returned.  An authoritative module (dummy, FLASK) replaces Xen's default
 * rule; a restrictive one (SILO) only adds denials.  So when no active
 * authoritative module implements the hook, the dummy module's rule runs
 * last, called with a NULL instance (the dummy keeps no state).
 *
 * Hooks that are not decisions follow their kind: void hooks run every
 * implementer, string hooks return the first non-NULL string, and the label
 * allocators undo earlier modules' allocations when a later one fails, so a
 * failed allocation leaves no labels behind.
 */
#include <errno.h>
#include <stddef.h>

#include "core/module.h"
#include "core/ops.h"

int xsm_default_action(enum xsm_action action, const struct xsm_domain *src,
                       const struct xsm_domain *tgt)
{
    if (src == NULL)
        return -EPERM;

    /* Xen's fall-through order: each case adds the rules below it. */
    switch (action) {
    case XSM_ACT_HOOK:
        return 0;
    case XSM_ACT_TARGET:
        if (src == tgt)
            return 0;
        goto dm_priv;
    case XSM_ACT_XS_PRIV:
        if (src->is_xenstore)
            return 0;
        goto dm_priv;
    case XSM_ACT_DM_PRIV:
    dm_priv:
        if (tgt != NULL && src->target == tgt)
            return 0;
        goto priv;
    case XSM_ACT_PRIV:
    priv:
        return src->is_privileged ? 0 : -EPERM;
    case XSM_ACT_OTHER:
    default:
        return -EPERM;
    }
}

static const struct xsm_ops *inst_ops(const struct xsm_instance *mi)
{
    return mi->mod->ops;
}

static bool inst_authoritative(const struct xsm_instance *mi)
{
    return (mi->mod->flags & XSM_MODF_AUTHORITATIVE) != 0;
}

/* Decision hooks returning int: first non-zero wins, then the default. */
#define XSM_STACK_INT(name, PARAMS, ARGS)                                                          \
    int xsm_##name(xsm_ctx *x, struct xsm_domain *cur XSM_PARAMS(PARAMS))                          \
    {                                                                                              \
        bool decided = false;                                                                      \
        for (unsigned i_ = 0; i_ < x->nr; i_++) {                                                  \
            struct xsm_instance *mi_ = &x->inst[i_];                                               \
            const struct xsm_ops *o_ = inst_ops(mi_);                                              \
            if (o_ == NULL || o_->name == NULL)                                                    \
                continue;                                                                          \
            decided |= inst_authoritative(mi_);                                                    \
            int rc_ = o_->name(mi_, cur XSM_PARAMS(ARGS));                                         \
            if (rc_ != 0)                                                                          \
                return rc_;                                                                        \
        }                                                                                          \
        if (decided)                                                                               \
            return 0;                                                                              \
        return xsm_module_dummy.ops->name(NULL, cur XSM_PARAMS(ARGS));                             \
    }

/* Void hooks: everyone who implements it, in order. */
#define XSM_STACK_VOID(name, PARAMS, ARGS)                                                         \
    void xsm_##name(xsm_ctx *x, struct xsm_domain *cur XSM_PARAMS(PARAMS))                         \
    {                                                                                              \
        bool decided = false;                                                                      \
        for (unsigned i_ = 0; i_ < x->nr; i_++) {                                                  \
            struct xsm_instance *mi_ = &x->inst[i_];                                               \
            const struct xsm_ops *o_ = inst_ops(mi_);                                              \
            if (o_ == NULL || o_->name == NULL)                                                    \
                continue;                                                                          \
            decided |= inst_authoritative(mi_);                                                    \
            o_->name(mi_, cur XSM_PARAMS(ARGS));                                                   \
        }                                                                                          \
        if (!decided)                                                                              \
            xsm_module_dummy.ops->name(NULL, cur XSM_PARAMS(ARGS));                                \
    }

/* String hooks: the first module with something to say. */
#define XSM_STACK_STR(name, PARAMS, ARGS)                                                          \
    char *xsm_##name(xsm_ctx *x, struct xsm_domain *cur XSM_PARAMS(PARAMS))                        \
    {                                                                                              \
        bool decided = false;                                                                      \
        for (unsigned i_ = 0; i_ < x->nr; i_++) {                                                  \
            struct xsm_instance *mi_ = &x->inst[i_];                                               \
            const struct xsm_ops *o_ = inst_ops(mi_);                                              \
            if (o_ == NULL || o_->name == NULL)                                                    \
                continue;                                                                          \
            decided |= inst_authoritative(mi_);                                                    \
            char *s_ = o_->name(mi_, cur XSM_PARAMS(ARGS));                                        \
            if (s_ != NULL)                                                                        \
                return s_;                                                                         \
        }                                                                                          \
        if (decided)                                                                               \
            return NULL;                                                                           \
        return xsm_module_dummy.ops->name(NULL, cur XSM_PARAMS(ARGS));                             \
    }

/*
 * Allocators: every implementer allocates; on failure the instances that
 * already succeeded free again, newest first, with the matching free hook.
 */
#define XSM_STACK_ALLOC(name, freename, PARAMS, ARGS)                                              \
    int xsm_##name(xsm_ctx *x, struct xsm_domain *cur XSM_PARAMS(PARAMS))                          \
    {                                                                                              \
        bool decided = false;                                                                      \
        for (unsigned i_ = 0; i_ < x->nr; i_++) {                                                  \
            struct xsm_instance *mi_ = &x->inst[i_];                                               \
            const struct xsm_ops *o_ = inst_ops(mi_);                                              \
            if (o_ == NULL || o_->name == NULL)                                                    \
                continue;                                                                          \
            decided |= inst_authoritative(mi_);                                                    \
            int rc_ = o_->name(mi_, cur XSM_PARAMS(ARGS));                                         \
            if (rc_ == 0)                                                                          \
                continue;                                                                          \
            while (i_-- > 0) {                                                                     \
                struct xsm_instance *mj_ = &x->inst[i_];                                           \
                const struct xsm_ops *p_ = inst_ops(mj_);                                          \
                if (p_ != NULL && p_->name != NULL && p_->freename != NULL)                        \
                    p_->freename(mj_, cur XSM_PARAMS(ARGS));                                       \
            }                                                                                      \
            return rc_;                                                                            \
        }                                                                                          \
        if (decided)                                                                               \
            return 0;                                                                              \
        return xsm_module_dummy.ops->name(NULL, cur XSM_PARAMS(ARGS));                             \
    }

/* The allocators, each with the free hook that undoes it. */
#define XSM_STACK_ALLOC_DOMAIN(name, PARAMS, ARGS)                                                 \
    XSM_STACK_ALLOC(name, free_security_domain, PARAMS, ARGS)
#define XSM_STACK_ALLOC_EVTCHNS(name, PARAMS, ARGS)                                                \
    XSM_STACK_ALLOC(name, free_security_evtchns, PARAMS, ARGS)

/*
 * How each hand-written (OTHER) hook stacks.  Every OTHER hook of the list
 * must be classified here: a new one fails to compile until it is.  The
 * parameters come from the list itself, never from here.  (Function-like,
 * not plain aliases: cppcheck's preprocessor expands only this form.)
 */
#define XSM_OTHER_set_system_active(n, p, a)           XSM_STACK_INT(n, p, a)
#define XSM_OTHER_security_domaininfo(n, p, a)         XSM_STACK_VOID(n, p, a)
#define XSM_OTHER_domctl(n, p, a)                      XSM_STACK_INT(n, p, a)
#define XSM_OTHER_evtchn_close_post(n, p, a)           XSM_STACK_VOID(n, p, a)
#define XSM_OTHER_alloc_security_domain(n, p, a)       XSM_STACK_ALLOC_DOMAIN(n, p, a)
#define XSM_OTHER_free_security_domain(n, p, a)        XSM_STACK_VOID(n, p, a)
#define XSM_OTHER_alloc_security_evtchns(n, p, a)      XSM_STACK_ALLOC_EVTCHNS(n, p, a)
#define XSM_OTHER_free_security_evtchns(n, p, a)       XSM_STACK_VOID(n, p, a)
#define XSM_OTHER_show_security_evtchn(n, p, a)        XSM_STACK_STR(n, p, a)
#define XSM_OTHER_console_io(n, p, a)                  XSM_STACK_INT(n, p, a)
#define XSM_OTHER_show_irq_sid(n, p, a)                XSM_STACK_STR(n, p, a)
#define XSM_OTHER_hvm_altp2mhvm_op(n, p, a)            XSM_STACK_INT(n, p, a)
#define XSM_OTHER_mmu_update(n, p, a)                  XSM_STACK_INT(n, p, a)
#define XSM_OTHER_pmu_op(n, p, a)                      XSM_STACK_INT(n, p, a)
#define XSM_OTHER_xen_version(n, p, a)                 XSM_STACK_INT(n, p, a)
#define XSM_OTHER_argo_enable(n, p, a)                 XSM_STACK_INT(n, p, a)
#define XSM_OTHER_argo_register_single_source(n, p, a) XSM_STACK_INT(n, p, a)
#define XSM_OTHER_argo_register_any_source(n, p, a)    XSM_STACK_INT(n, p, a)
#define XSM_OTHER_argo_send(n, p, a)                   XSM_STACK_INT(n, p, a)

#define XSM_HOOK(name, ACTION, SRC, TGT, PARAMS, ARGS) XSM_STACK_INT(name, PARAMS, ARGS)
#define XSM_HOOK_OTHER(rtype, name, PARAMS, ARGS)      XSM_OTHER_##name(name, PARAMS, ARGS)
#include <openxsm/hook-defs.h>
