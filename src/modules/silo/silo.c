/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * SILO: Xen's isolation mode.  Unprivileged domains may not communicate with
 * each other: no event channels, grant maps, transfers or copies and no Argo
 * single-source rings or sends between two distinct domains unless the
 * caller or one of the endpoints is the control domain.
 *
 * SILO is restrictive, not authoritative: when its check passes it returns 0
 * and the core goes on to the next module, ending with the dummy rule if no
 * authoritative module is stacked.  So "silo" alone behaves as Xen's SILO
 * (check, then the default action) and "silo,flask" as SILO then FLASK.
 */
#include <errno.h>
#include <stddef.h>

#include "core/module.h"
#include "core/ops.h"

static bool silo_may_talk(const struct xsm_domain *cur, const struct xsm_domain *ldom,
                          const struct xsm_domain *rdom)
{
    if (cur != NULL && cur->is_privileged)
        return true;
    if (ldom != NULL && ldom->is_privileged)
        return true;
    if (rdom != NULL && rdom->is_privileged)
        return true;
    return ldom == rdom && ldom != NULL;
}

static int silo_check(const struct xsm_domain *cur, const struct xsm_domain *ldom,
                      const struct xsm_domain *rdom)
{
    return silo_may_talk(cur, ldom, rdom) ? 0 : -EPERM;
}

/* The remote end is named by id; an unknown id is -ESRCH, before the rule. */
static int silo_evtchn_unbound(struct xsm_instance *mi, struct xsm_domain *cur,
                               struct xsm_domain *d, struct xsm_evtchn *chn, xsm_domid_t id2)
{
    struct xsm_domain *d2 = xsm_domain_lookup(mi->ctx, cur, id2);

    (void)chn;
    if (d2 == NULL)
        return -ESRCH;
    return silo_check(cur, d, d2);
}

static int silo_evtchn_interdomain(struct xsm_instance *mi, struct xsm_domain *cur,
                                   struct xsm_domain *d1, struct xsm_evtchn *chn1,
                                   struct xsm_domain *d2, struct xsm_evtchn *chn2)
{
    (void)mi, (void)chn1, (void)chn2;
    return silo_check(cur, d1, d2);
}

static int silo_grant_mapref(struct xsm_instance *mi, struct xsm_domain *cur, struct xsm_domain *d1,
                             struct xsm_domain *d2, uint32_t flags)
{
    (void)mi, (void)flags;
    return silo_check(cur, d1, d2);
}

static int silo_grant_transfer(struct xsm_instance *mi, struct xsm_domain *cur,
                               struct xsm_domain *d1, struct xsm_domain *d2)
{
    (void)mi;
    return silo_check(cur, d1, d2);
}

static int silo_grant_copy(struct xsm_instance *mi, struct xsm_domain *cur, struct xsm_domain *d1,
                           struct xsm_domain *d2)
{
    (void)mi;
    return silo_check(cur, d1, d2);
}

static int silo_argo_register_single_source(struct xsm_instance *mi, struct xsm_domain *cur,
                                            const struct xsm_domain *d, const struct xsm_domain *t)
{
    (void)mi;
    return silo_check(cur, d, t);
}

static int silo_argo_send(struct xsm_instance *mi, struct xsm_domain *cur,
                          const struct xsm_domain *d, const struct xsm_domain *t)
{
    (void)mi;
    return silo_check(cur, d, t);
}

static const struct xsm_ops silo_ops = {
    .evtchn_unbound = silo_evtchn_unbound,
    .evtchn_interdomain = silo_evtchn_interdomain,
    .grant_mapref = silo_grant_mapref,
    .grant_transfer = silo_grant_transfer,
    .grant_copy = silo_grant_copy,
    .argo_register_single_source = silo_argo_register_single_source,
    .argo_send = silo_argo_send,
};

static int silo_init(struct xsm_instance *mi, const struct xsm_config *cfg)
{
    (void)cfg;
    xsm_log(mi->ctx, "Initialising XSM SILO mode");
    return 0;
}

const struct xsm_module xsm_module_silo = {
    .id = XSM_MODULE_SILO,
    .name = "silo",
    .flags = 0,
    .interface_version = 1,
    .nr_cmds = 0,
    .ops = &silo_ops,
    .init = silo_init,
    .fini = NULL,
    .domain_init = NULL,
    .op = NULL,
};
