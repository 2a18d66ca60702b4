/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Event channels: a per-domain port table (struct xsm_evtchn for XSM plus a
 * pending bit), with Xen 4.17's checks and hook calls, and the
 * event_channel_op decoder (Xen's layouts, the same in both ABIs).
 *
 * Where pending state lives.  In Xen the guest-visible state of a port -
 * its pending and mask bits, the per-vCPU selector and upcall flag (2-level
 * ABI) or the event words and queues (FIFO ABI) - is in pages the guest
 * shares with the hypervisor, and the guest changes it concurrently with
 * atomic instructions.  The model cannot keep that state: it reaches guest
 * memory only through copy callbacks, with no atomic read-modify-write.
 * So the model keeps its own pending bit per port (what in-process hosts
 * and tests read, hv_evtchn_pending / consume) and tells the host every
 * raise and unmask through the domain's notification callback; a host with
 * real guests (the KVM host) sets the bits in guest memory atomically and
 * interrupts the vCPU.  For the FIFO ABI the model validates and records
 * init_control / expand_array / set_priority as Xen does, and hands the
 * frames to the host (hv_evtchn_fifo, hv_evtchn_fifo_page).
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
        d->port[p].priority = HV_EVTCHN_FIFO_PRIORITY_DEFAULT;
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
    d->port[p].priority = HV_EVTCHN_FIFO_PRIORITY_DEFAULT;
}

/* Xen's evtchn_port_set_pending: the model's bit, then the host. */
static void raise_port(struct hv_dom *d, uint32_t p)
{
    d->port[p].pending = true;
    if (d->notify)
        d->notify(d->notify_opaque, d->x.domid, p, d->port[p].vcpu, HV_EVTCHN_NOTIFY_RAISE);
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
    raise_port(ld, (uint32_t)lp);
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
        raise_port((struct hv_dom *)l->remote, l->remote_port);
        return 0;
    case XSM_ECS_IPI:
        raise_port(ld, port);
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
    /* Back to the 2-level ABI: the FIFO set-up goes. */
    d->fifo = d->fifo_ctl = false;
    d->fifo_pages = 0;
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

/* ---- unmask, bind_vcpu, the FIFO ABI ------------------------------------------------ */

int hv_evtchn_unmask(struct hv *h, xsm_domid_t caller, uint32_t port)
{
    struct hv_dom *d = hv_dom_get(h, caller);

    if (!d)
        return -ESRCH;
    if (port >= d->nr_ports)
        return -EINVAL;
    /* Any valid port, whatever its state: the mask bit is the guest's. */
    if (d->notify)
        d->notify(d->notify_opaque, d->x.domid, port, d->port[port].vcpu, HV_EVTCHN_NOTIFY_UNMASK);
    return 0;
}

int hv_evtchn_bind_vcpu(struct hv *h, xsm_domid_t caller, uint32_t port, uint32_t vcpu)
{
    struct hv_dom *d = hv_dom_get(h, caller);

    if (!d)
        return -ESRCH;
    if (vcpu != 0) /* one vCPU per domain; Xen looks it up first */
        return -ENOENT;
    if (port >= d->nr_ports)
        return -EINVAL;
    switch (d->chn[port].state) {
    case XSM_ECS_UNBOUND:
    case XSM_ECS_INTERDOMAIN:
        d->port[port].vcpu = vcpu;
        return 0;
    default: /* Xen's global VIRQs could move too; the model has none */
        return -EINVAL;
    }
}

/* sizeof(struct evtchn_fifo_control_block): ready, _rsvd, head[16]. */
#define FIFO_CTL_SIZE 72U

int hv_evtchn_init_control(struct hv *h, xsm_domid_t caller, uint64_t control_gfn, uint32_t offset,
                           uint32_t vcpu, uint8_t *link_bits)
{
    struct hv_dom *d = hv_dom_get(h, caller);

    if (!d)
        return -ESRCH;
    if (vcpu != 0)
        return -ENOENT;
    if (offset > HV_PAGE_SIZE - FIFO_CTL_SIZE || (offset & 7) != 0)
        return -EINVAL; /* must not cross the page; 8-byte aligned */
    if (d->fifo_ctl)
        return -EINVAL; /* the vCPU has its control block */
    if (!hv_memory_populated(d, control_gfn))
        return -EINVAL; /* Xen cannot map the frame */
    d->fifo = d->fifo_ctl = true;
    d->fifo_ctl_gfn = control_gfn;
    d->fifo_ctl_off = offset;
    d->fifo_pages = 0;
    if (link_bits)
        *link_bits = HV_EVTCHN_FIFO_LINK_BITS;
    return 0;
}

int hv_evtchn_expand_array(struct hv *h, xsm_domid_t caller, uint64_t array_gfn)
{
    struct hv_dom *d = hv_dom_get(h, caller);

    if (!d)
        return -ESRCH;
    if (!d->fifo)
        return -EOPNOTSUPP;
    if (d->fifo_pages >= HV_EVTCHN_FIFO_MAX_PAGES)
        return -ENOSPC;
    if (!hv_memory_populated(d, array_gfn))
        return -EINVAL;
    d->fifo_gfn[d->fifo_pages++] = array_gfn;
    /* Ports pending while their page was missing are raised again. */
    for (uint32_t p = (d->fifo_pages - 1) * (HV_PAGE_SIZE / 4);
         p < d->fifo_pages * (HV_PAGE_SIZE / 4) && p < d->nr_ports; p++)
        if (d->port[p].pending && d->notify)
            d->notify(d->notify_opaque, d->x.domid, p, d->port[p].vcpu, HV_EVTCHN_NOTIFY_RAISE);
    return 0;
}

int hv_evtchn_set_priority(struct hv *h, xsm_domid_t caller, uint32_t port, uint32_t priority)
{
    struct hv_dom *d = hv_dom_get(h, caller);

    if (!d)
        return -ESRCH;
    if (port >= d->nr_ports)
        return -EINVAL;
    if (!d->fifo)
        return -ENOSYS; /* the 2-level ABI has no priorities */
    if (priority > HV_EVTCHN_FIFO_PRIORITY_MIN)
        return -EINVAL;
    d->port[port].priority = (uint8_t)priority;
    return 0;
}

int hv_evtchn_set_notify(struct hv *h, xsm_domid_t domid, hv_evtchn_notify_fn fn, void *opaque)
{
    struct hv_dom *d = hv_dom_get(h, domid);

    if (!d)
        return -ESRCH;
    d->notify = fn;
    d->notify_opaque = fn ? opaque : NULL;
    return 0;
}

int hv_evtchn_fifo(const struct hv *h, xsm_domid_t domid, struct hv_evtchn_fifo *out)
{
    const struct hv_dom *d = hv_dom_get(h, domid);

    if (!d)
        return -ESRCH;
    if (!d->fifo)
        return -ENOENT;
    if (out) {
        out->control_gfn = d->fifo_ctl_gfn;
        out->control_offset = d->fifo_ctl_off;
        out->nr_array_pages = d->fifo_pages;
    }
    return 0;
}

int hv_evtchn_fifo_page(const struct hv *h, xsm_domid_t domid, uint32_t page, uint64_t *gfn)
{
    const struct hv_dom *d = hv_dom_get(h, domid);

    if (!d)
        return -ESRCH;
    if (!d->fifo || page >= d->fifo_pages)
        return -EINVAL;
    if (gfn)
        *gfn = d->fifo_gfn[page];
    return 0;
}

int hv_evtchn_priority(const struct hv *h, xsm_domid_t domid, uint32_t port)
{
    const struct hv_dom *d = hv_dom_get(h, domid);

    if (!d)
        return -ESRCH;
    if (port >= d->nr_ports)
        return -EINVAL;
    return d->port[port].priority;
}

int hv_evtchn_upcall_via(const struct hv *h, xsm_domid_t domid, uint64_t *via)
{
    const struct hv_dom *d = hv_dom_get(h, domid);

    if (!d)
        return -ESRCH;
    if (via)
        *via = d->hvm_param[HV_HVM_PARAM_CALLBACK_IRQ];
    return 0;
}

/* ---- event_channel_op (32): the decoder ---------------------------------------------- */

/*
 * Every structure has the same layout for 64-bit and 32-bit callers (only
 * 16/32-bit fields, or a uint64_t at offset 0).  The sub-op is an int in
 * Xen: the upper half of a 64-bit register is not looked at.
 */
long hv_do_evtchn_op(struct hv *h, struct hv_dom *cur, uint64_t cmd64, uint64_t a)
{
    xsm_domid_t id = cur->x.domid;
    uint32_t cmd = (uint32_t)cmd64;
    uint8_t b[24] = {0};
    uint32_t port;
    long rc;

    switch (cmd) {
    case HV_EVTCHNOP_alloc_unbound:
        if (hv_gcopy_from(cur, b, a, 8))
            return -EFAULT;
        rc = hv_evtchn_alloc_unbound(h, id, hv_ld16(b), hv_ld16(b + 2), &port);
        if (rc)
            return rc;
        hv_st32(b + 4, port);
        if (hv_gcopy_to(cur, a, b, 8)) {
            struct hv_dom *d = hv_dom_any(h, cur, hv_ld16(b));

            hv_evtchn_unalloc(d, port);
            return -EFAULT;
        }
        return 0;
    case HV_EVTCHNOP_bind_interdomain:
        if (hv_gcopy_from(cur, b, a, 12))
            return -EFAULT;
        rc = hv_evtchn_bind_interdomain(h, id, hv_ld16(b), hv_ld32(b + 4), &port);
        if (rc)
            return rc;
        hv_st32(b + 8, port);
        if (hv_gcopy_to(cur, a, b, 12)) {
            hv_evtchn_unbind(cur, port);
            return -EFAULT;
        }
        return 0;
    case HV_EVTCHNOP_close:
        if (hv_gcopy_from(cur, b, a, 4))
            return -EFAULT;
        return hv_evtchn_close(h, id, hv_ld32(b));
    case HV_EVTCHNOP_send:
        if (hv_gcopy_from(cur, b, a, 4))
            return -EFAULT;
        return hv_evtchn_send(h, id, hv_ld32(b));
    case HV_EVTCHNOP_status: {
        struct hv_evtchn_status st;

        if (hv_gcopy_from(cur, b, a, 24))
            return -EFAULT;
        rc = hv_evtchn_status(h, id, hv_ld16(b), hv_ld32(b + 4), &st);
        if (rc)
            return rc;
        hv_st32(b + 8, st.status);
        hv_st32(b + 12, st.vcpu);
        memset(b + 16, 0, 8);
        if (st.status != HV_EVTCHNSTAT_closed)
            hv_st16(b + 16, st.dom);
        if (st.status == HV_EVTCHNSTAT_interdomain)
            hv_st32(b + 20, st.port);
        return hv_gcopy_to(cur, a, b, 24);
    }
    case HV_EVTCHNOP_bind_vcpu:
        if (hv_gcopy_from(cur, b, a, 8))
            return -EFAULT;
        return hv_evtchn_bind_vcpu(h, id, hv_ld32(b), hv_ld32(b + 4));
    case HV_EVTCHNOP_unmask:
        if (hv_gcopy_from(cur, b, a, 4))
            return -EFAULT;
        return hv_evtchn_unmask(h, id, hv_ld32(b));
    case HV_EVTCHNOP_reset:
    case HV_EVTCHNOP_reset_cont: {
        struct hv_dom *d;

        if (hv_gcopy_from(cur, b, a, 2))
            return -EFAULT;
        if (cmd == HV_EVTCHNOP_reset)
            return hv_evtchn_reset(h, id, hv_ld16(b));
        /* Resuming a preempted reset: the model's never is, so none is in progress. */
        d = hv_dom_any(h, cur, hv_ld16(b));
        if (!d)
            return -ESRCH;
        rc = xsm_evtchn_reset(h->xsm, &cur->x, &cur->x, &d->x);
        if (rc)
            return rc;
        return d != cur && d->pause_count <= 0 ? -EINVAL : -EBUSY;
    }
    case HV_EVTCHNOP_init_control: {
        uint8_t bits = 0;

        /* Probed first: a set-up the guest cannot be told of must not happen. */
        if (hv_gcopy_from(cur, b, a, 24) || hv_gprobe_to(cur, a, 24))
            return -EFAULT;
        rc = hv_evtchn_init_control(h, id, hv_ld64(b), hv_ld32(b + 8), hv_ld32(b + 12), &bits);
        if (rc)
            return rc;
        b[16] = bits;
        return hv_gcopy_to(cur, a, b, 24) ? -EFAULT : 0;
    }
    case HV_EVTCHNOP_expand_array:
        if (hv_gcopy_from(cur, b, a, 8))
            return -EFAULT;
        return hv_evtchn_expand_array(h, id, hv_ld64(b));
    case HV_EVTCHNOP_set_priority:
        if (hv_gcopy_from(cur, b, a, 8))
            return -EFAULT;
        return hv_evtchn_set_priority(h, id, hv_ld32(b), hv_ld32(b + 4));
    default:
        return -ENOSYS;
    }
}
