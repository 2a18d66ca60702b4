/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * SILO (Xen 4.17 xen/xsm/silo.c semantics): the seven communication hooks
 * are allowed iff the caller or an endpoint is the control domain or both
 * endpoints are the same domain, and then still subject to the default
 * rule; evtchn_unbound names its peer by id (-ESRCH if unknown).  Every
 * other hook is untouched (tests/modules/test-hook-list.c checks all the
 * defaulted ones under "silo").
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openxsm/xsm.h>
#include <openxsm/xsm_op.h>

#include "check.h"

/* A small host: a table of domains and a log. */
struct host {
    struct xsm_domain dom[4];
    unsigned nr;
    char lastlog[128];
    unsigned nlog;
};

static struct xsm_domain *host_domain_get(void *h, xsm_domid_t id)
{
    struct host *host = h;
    for (unsigned i = 0; i < host->nr; i++)
        if (host->dom[i].domid == id)
            return &host->dom[i];
    return NULL;
}

static void host_log(void *h, const char *line)
{
    struct host *host = h;
    snprintf(host->lastlog, sizeof(host->lastlog), "%s", line);
    host->nlog++;
}

static const struct xsm_host_ops host_ops = {
    .domain_get = host_domain_get,
    .evtchn_get = NULL,
    .log = host_log,
};

enum { CTRL, A, B, DMA }; /* control domain, two guests, A's device model */

static void host_init(struct host *h)
{
    memset(h, 0, sizeof(*h));
    h->nr = 4;
    h->dom[CTRL] = (struct xsm_domain){.domid = 0, .is_privileged = true};
    h->dom[A] = (struct xsm_domain){.domid = 1};
    h->dom[B] = (struct xsm_domain){.domid = 2};
    h->dom[DMA] = (struct xsm_domain){.domid = 3, .target = &h->dom[A]};
}

static xsm_ctx *make(struct host *h, const char *spec)
{
    struct xsm_config cfg = {.modules = spec, .host_ops = &host_ops, .host = h};
    xsm_ctx *x = NULL;
    CHECK_EQ(xsm_create(&x, &cfg), 0);
    return x;
}

/* Independent statement of the SILO rule. */
static bool silo_allows(const struct xsm_domain *cur, const struct xsm_domain *l,
                        const struct xsm_domain *r)
{
    return cur->is_privileged || l->is_privileged || r->is_privileged || l == r;
}

/* The two-domain hooks whose default is HOOK: SILO's rule is the only one. */
static void test_pair_hooks(const char *spec)
{
    struct host h;
    host_init(&h);
    xsm_ctx *x = make(&h, spec);
    if (x == NULL)
        return;

    for (int c = 0; c < 4; c++)
        for (int l = 0; l < 4; l++)
            for (int r = 0; r < 4; r++) {
                struct xsm_domain *cur = &h.dom[c], *d1 = &h.dom[l], *d2 = &h.dom[r];
                struct xsm_evtchn ch1 = {.port = 1}, ch2 = {.port = 2};
                int want = silo_allows(cur, d1, d2) ? 0 : -EPERM;

                CHECK_EQ(xsm_evtchn_interdomain(x, cur, d1, &ch1, d2, &ch2), want);
                CHECK_EQ(xsm_grant_mapref(x, cur, d1, d2, 0), want);
                CHECK_EQ(xsm_grant_transfer(x, cur, d1, d2), want);
                CHECK_EQ(xsm_grant_copy(x, cur, d1, d2), want);
                CHECK_EQ(xsm_argo_register_single_source(x, cur, d1, d2), want);
                CHECK_EQ(xsm_argo_send(x, cur, d1, d2), want);

                /* Untouched by SILO: their plain defaults (HOOK / TARGET / allow). */
                CHECK_EQ(xsm_grant_unmapref(x, cur, d1, d2), 0);
                CHECK_EQ(xsm_argo_enable(x, cur, d1), 0);
                CHECK_EQ(xsm_argo_register_any_source(x, cur, d1), 0);
                CHECK_EQ(xsm_evtchn_send(x, cur, d1, &ch1), 0);
                bool target_ok = d1 == d2 || d1->is_privileged || d1->target == d2;
                CHECK_EQ(xsm_grant_setup(x, cur, d1, d2), target_ok ? 0 : -EPERM);
                CHECK_EQ(xsm_grant_query_size(x, cur, d1, d2), target_ok ? 0 : -EPERM);
                CHECK_EQ(xsm_evtchn_reset(x, cur, d1, d2), target_ok ? 0 : -EPERM);
            }
    /* The concrete cases of the brief, spelled out. */
    CHECK_EQ(xsm_grant_copy(x, &h.dom[A], &h.dom[A], &h.dom[B]), -EPERM);
    CHECK_EQ(xsm_grant_copy(x, &h.dom[CTRL], &h.dom[A], &h.dom[B]), 0);
    CHECK_EQ(xsm_grant_copy(x, &h.dom[A], &h.dom[A], &h.dom[CTRL]), 0);
    CHECK_EQ(xsm_grant_copy(x, &h.dom[A], &h.dom[A], &h.dom[A]), 0);
    /* A device model is not privileged: SILO cuts it off from its guest. */
    CHECK_EQ(xsm_grant_mapref(x, &h.dom[DMA], &h.dom[DMA], &h.dom[A], 0), -EPERM);
    xsm_destroy(x);
}

/* evtchn_unbound: lookup, SILO rule on (d, id2), then TARGET on (cur, d). */
static void test_evtchn_unbound(const char *spec)
{
    struct host h;
    host_init(&h);
    xsm_ctx *x = make(&h, spec);
    if (x == NULL)
        return;
    struct xsm_evtchn ch = {.port = 5};

    for (int c = 0; c < 4; c++)
        for (int l = 0; l < 4; l++)
            for (int r = 0; r < 4; r++) {
                struct xsm_domain *cur = &h.dom[c], *d = &h.dom[l], *d2 = &h.dom[r];
                bool target_ok = cur == d || cur->is_privileged || cur->target == d;
                int want = !silo_allows(cur, d, d2) ? -EPERM : target_ok ? 0 : -EPERM;
                CHECK_EQ(xsm_evtchn_unbound(x, cur, d, &ch, d2->domid), want);
            }
    /* DOMID_SELF is the caller. */
    CHECK_EQ(xsm_evtchn_unbound(x, &h.dom[A], &h.dom[A], &ch, XSM_DOMID_SELF), 0);
    CHECK_EQ(xsm_evtchn_unbound(x, &h.dom[B], &h.dom[A], &ch, XSM_DOMID_SELF), -EPERM);
    /* Unknown peer: -ESRCH, even for the control domain. */
    CHECK_EQ(xsm_evtchn_unbound(x, &h.dom[A], &h.dom[A], &ch, 77), -ESRCH);
    CHECK_EQ(xsm_evtchn_unbound(x, &h.dom[CTRL], &h.dom[A], &ch, 77), -ESRCH);
    CHECK_EQ(xsm_evtchn_unbound(x, &h.dom[CTRL], &h.dom[A], &ch, XSM_DOMID_INVALID), -ESRCH);
    xsm_destroy(x);

    /* Without SILO the id is not even looked up (Xen's dummy ignores it). */
    x = make(&h, "dummy");
    if (x == NULL)
        return;
    CHECK_EQ(xsm_evtchn_unbound(x, &h.dom[A], &h.dom[A], &ch, 77), 0);
    CHECK_EQ(xsm_evtchn_unbound(x, &h.dom[A], &h.dom[A], &ch, h.dom[B].domid), 0);
    xsm_destroy(x);
}

/* Without a host look-up, every peer id other than DOMID_SELF is unknown. */
static void test_no_host(void)
{
    struct xsm_config cfg = {.modules = "silo"};
    xsm_ctx *x = NULL;
    struct xsm_domain a = {.domid = 1};
    struct xsm_evtchn ch = {.port = 1};

    CHECK_EQ(xsm_create(&x, &cfg), 0);
    if (x == NULL)
        return;
    CHECK_EQ(xsm_evtchn_unbound(x, &a, &a, &ch, 1), -ESRCH);
    CHECK_EQ(xsm_evtchn_unbound(x, &a, &a, &ch, XSM_DOMID_SELF), 0);
    xsm_destroy(x);
}

static void test_descriptor_and_log(void)
{
    struct host h;
    host_init(&h);
    xsm_ctx *x = make(&h, "silo");
    if (x == NULL)
        return;
    CHECK_EQ(xsm_active_count(x), 1);
    CHECK_EQ(xsm_active_id(x, 0), XSM_MODULE_SILO);
    CHECK_EQ(h.nlog, 1);
    CHECK(strcmp(h.lastlog, "Initialising XSM SILO mode") == 0);
    xsm_destroy(x);
}

int main(void)
{
    test_pair_hooks("silo");
    test_pair_hooks("silo,dummy");
    test_evtchn_unbound("silo");
    test_evtchn_unbound("silo,dummy");
    test_no_host();
    test_descriptor_and_log();
    return check_report("silo");
}
