/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Event channels: a per-domain port table (struct xsm_evtchn for XSM plus a
 * pending bit), with Xen 4.17's checks and hook calls.
 */
#include <stdlib.h>
#include <string.h>

#include "hv_priv.h"

int hv_evtchn_init(struct hv_dom *d, uint32_t max_port)
{
    d->nr_ports = max_port + 1;
    d->chn = calloc(d->nr_ports, sizeof(*d->chn));
    d->port = calloc(d->nr_ports, sizeof(*d->port));
    if (!d->chn || !d->port)
        return -ENOMEM;
    for (uint32_t p = 0; p < d->nr_ports; p++) {
        d->chn[p].port = p;
        d->chn[p].state = XSM_ECS_FREE;
    }
    d->chn[0].state = XSM_ECS_RESERVED; /* port 0 is never handed out */
    return 0;
}

static int free_port(const struct hv_dom *d)
{
    for (uint32_t p = 1; p < d->nr_ports; p++)
        if (d->chn[p].state == XSM_ECS_FREE)
            return (int)p;
    return -ENOSPC;
}

static void chn_reset(struct hv_dom *d, uint32_t p)
{
    d->chn[p].state = XSM_ECS_FREE;
    d->chn[p].remote = NULL;
    d->chn[p].remote_port = 0;
    d->chn[p].remote_domid = 0;
    d->port[p].pending = false;
    d->port[p].vcpu = 0;
}

/* Xen's evtchn_free(): back to free, then the close_post hook. */
static void chn_free(struct hv_dom *d, struct xsm_domain *cur, uint32_t p)
{
    chn_reset(d, p);
    xsm_evtchn_close_post(d->h->xsm, cur, &d->chn[p]);
}

/* Close one port of d (no hook before; Xen checks nothing but validity). */
static int chn_close(struct hv_dom *d, struct xsm_domain *cur, uint32_t p)
{
    struct xsm_evtchn *c;

    if (p >= d->nr_ports)
        return -EINVAL;
    c = &d->chn[p];
    switch (c->state) {
    case XSM_ECS_UNBOUND:
        break;
    case XSM_ECS_INTERDOMAIN: {
        struct hv_dom *rd = (struct hv_dom *)c->remote;
        struct xsm_evtchn *rc = &rd->chn[c->remote_port];

        /* The peer goes back to waiting for d. */
        rc->state = XSM_ECS_UNBOUND;
        rc->remote = NULL;
        rc->remote_port = 0;
        rc->remote_domid = d->x.domid;
        break;
    }
    default:
        return -EINVAL;
    }
    chn_free(d, cur, p);
    return 0;
}

void hv_evtchn_destroy(struct hv_dom *d)
{
    for (uint32_t p = 1; p < d->nr_ports; p++)
        (void)chn_close(d, &d->x, p);
}

void hv_evtchn_final(struct hv_dom *d)
{
    if (d->chn)
        xsm_free_security_evtchns(d->h->xsm, &d->x, d->chn, d->nr_ports);
}

int hv_evtchn_alloc_unbound(struct hv *h, xsm_domid_t caller, xsm_domid_t dom,
                            xsm_domid_t remote_dom, uint32_t *port)
{
    struct hv_dom *cur = hv_dom_get(h, caller), *d;
    int p, rc;

    if (!cur)
        return -ESRCH;
    d = hv_dom_any(h, cur, dom);
    if (!d)
        return -ESRCH;
    p = free_port(d);
    if (p < 0)
        return p;
    rc = xsm_evtchn_unbound(h->xsm, &cur->x, &d->x, &d->chn[p], remote_dom);
    if (rc)
        return rc;
    d->chn[p].state = XSM_ECS_UNBOUND;
    /* DOMID_SELF names the caller here, not d (as in Xen). */
    d->chn[p].remote_domid = remote_dom == XSM_DOMID_SELF ? caller : remote_dom;
    if (port)
        *port = (uint32_t)p;
    return 0;
}

/* Undo a bind (used when the result cannot be written back to the guest). */
void hv_evtchn_unbind(struct hv_dom *ld, uint32_t lport)
{
    struct xsm_evtchn *l = &ld->chn[lport];
    struct hv_dom *rd = (struct hv_dom *)l->remote;
    struct xsm_evtchn *r = &rd->chn[l->remote_port];

    r->state = XSM_ECS_UNBOUND;
    r->remote = NULL;
    r->remote_port = 0;
    r->remote_domid = ld->x.domid;
    chn_free(ld, &ld->x, lport);
}

int hv_evtchn_bind_interdomain(struct hv *h, xsm_domid_t caller, xsm_domid_t remote_dom,
                               uint32_t remote_port, uint32_t *local_port)
{
    struct hv_dom *ld = hv_dom_get(h, caller), *rd;
    struct xsm_evtchn *l, *r;
    int lp, rc;

    if (!ld)
        return -ESRCH;
    rd = hv_dom_any(h, ld, remote_dom);
    if (!rd)
        return -ESRCH;
    lp = free_port(ld);
    if (lp < 0)
        return lp;
    if (remote_port >= rd->nr_ports)
        return -EINVAL;
    l = &ld->chn[lp];
    r = &rd->chn[remote_port];
    if (r->state != XSM_ECS_UNBOUND || r->remote_domid != ld->x.domid)
        return -EINVAL;
    rc = xsm_evtchn_interdomain(h->xsm, &ld->x, &ld->x, l, &rd->x, r);
    if (rc)
        return rc;
    l->state = XSM_ECS_INTERDOMAIN;
    l->remote = &rd->x;
    l->remote_port = remote_port;
    l->remote_domid = rd->x.domid;
    r->state = XSM_ECS_INTERDOMAIN;
    r->remote = &ld->x;
    r->remote_port = (uint32_t)lp;
    r->remote_domid = ld->x.domid;
    /* Xen marks the new local port pending in case an event was missed. */
    ld->port[lp].pending = true;
    if (local_port)
        *local_port = (uint32_t)lp;
    return 0;
}

int hv_evtchn_send(struct hv *h, xsm_domid_t caller, uint32_t port)
{
    struct hv_dom *ld = hv_dom_get(h, caller);
    struct xsm_evtchn *l;
    int rc;

    if (!ld)
        return -ESRCH;
    if (port >= ld->nr_ports)
        return -EINVAL;
    l = &ld->chn[port];
    rc = xsm_evtchn_send(h->xsm, &ld->x, &ld->x, l);
    if (rc)
        return rc;
    switch (l->state) {
    case XSM_ECS_INTERDOMAIN:
        ((struct hv_dom *)l->remote)->port[l->remote_port].pending = true;
        return 0;
    case XSM_ECS_IPI:
        ld->port[port].pending = true;
        return 0;
    case XSM_ECS_UNBOUND:
        return 0; /* dropped silently, as in Xen */
    default:
        return -EINVAL;
    }
}

int hv_evtchn_status(struct hv *h, xsm_domid_t caller, xsm_domid_t dom, uint32_t port,
                     struct hv_evtchn_status *out)
{
    struct hv_dom *cur = hv_dom_get(h, caller), *d;
    struct hv_evtchn_status st = {0};
    struct xsm_evtchn *c;
    int rc;

    if (!cur)
        return -ESRCH;
    d = hv_dom_any(h, cur, dom);
    if (!d)
        return -ESRCH;
    if (port >= d->nr_ports)
        return -EINVAL;
    c = &d->chn[port];
    rc = xsm_evtchn_status(h->xsm, &cur->x, &d->x, c);
    if (rc)
        return rc;
    switch (c->state) {
    case XSM_ECS_UNBOUND:
        st.status = HV_EVTCHNSTAT_unbound;
        st.dom = c->remote_domid;
        break;
    case XSM_ECS_INTERDOMAIN:
        st.status = HV_EVTCHNSTAT_interdomain;
        st.dom = c->remote->domid;
        st.port = c->remote_port;
        break;
    default:
        st.status = HV_EVTCHNSTAT_closed;
        break;
    }
    st.vcpu = d->port[port].vcpu;
    if (out)
        *out = st;
    return 0;
}

int hv_evtchn_close(struct hv *h, xsm_domid_t caller, uint32_t port)
{
    struct hv_dom *d = hv_dom_get(h, caller);

    if (!d)
        return -ESRCH;
    return chn_close(d, &d->x, port);
}

int hv_evtchn_reset(struct hv *h, xsm_domid_t caller, xsm_domid_t dom)
{
    struct hv_dom *cur = hv_dom_get(h, caller), *d;
    int rc;

    if (!cur)
        return -ESRCH;
    d = hv_dom_any(h, cur, dom);
    if (!d)
        return -ESRCH;
    rc = xsm_evtchn_reset(h->xsm, &cur->x, &cur->x, &d->x);
    if (rc)
        return rc;
    /* Another domain's channels may only be reset while it is paused. */
    if (d != cur && d->pause_count <= 0)
        return -EINVAL;
    for (uint32_t p = 1; p < d->nr_ports; p++)
        (void)chn_close(d, &cur->x, p);
    return 0;
}

int hv_evtchn_pending(const struct hv *h, xsm_domid_t domid, uint32_t port)
{
    struct hv_dom *d = hv_dom_get(h, domid);

    if (!d)
        return -ESRCH;
    if (port >= d->nr_ports)
        return -EINVAL;
    return d->port[port].pending ? 1 : 0;
}

int hv_evtchn_consume(struct hv *h, xsm_domid_t domid, uint32_t port)
{
    struct hv_dom *d = hv_dom_get(h, domid);
    int was;

    if (!d)
        return -ESRCH;
    if (port >= d->nr_ports)
        return -EINVAL;
    was = d->port[port].pending;
    d->port[port].pending = false;
    return was;
}

void hv_evtchn_unalloc(struct hv_dom *d, uint32_t port)
{
    chn_free(d, &d->x, port);
}
