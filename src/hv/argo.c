/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Argo: rings a domain registers to receive messages, either from one
 * partner domain (single-source) or from anyone (any-source, which Xen only
 * allows with argo=mac-permissive).
 *
 * A ring registered through argo_op comes with the list of its frames in
 * the guest's memory, as in Xen: sendv writes each message into those
 * frames (by guest-physical address) exactly as Xen's ringbuf_insert does -
 * xen_argo_ring's 64-byte header (rx_ptr, which the receiver advances, and
 * tx_ptr, which the hypervisor advances), then a 16-byte message header
 * (len counting the header, source address, message type) and the payload,
 * wrapping at the ring's end, tx_ptr rounded up to the next 16-byte slot,
 * one slot always left free.  The receiver reads its own memory.
 *
 * A ring registered with the C API (hv_argo_register_ring, no frames) is a
 * queue of messages in the model, with the same space accounting, read by
 * the host with hv_argo_recv().
 *
 * Waiting for space: as in Xen, a ring keeps a list of at most 32 domains
 * waiting for payload space (a sendv that got -EAGAIN, a notify query that
 * asked for more than there is), one entry per domain holding the largest
 * size it waited for.  The ring owner's notify drops the entries whose
 * space is now there - where Xen raises VIRQ_ARGO in each waiting domain;
 * the model has no VIRQ_ARGO to raise, so a waiting guest learns it by
 * asking (notify) again.  Entries also go when a sufficient answer is given
 * to their domain, with the ring, and with the waiting domain.
 */
#include <stdlib.h>
#include <string.h>

#include "hv_priv.h"

#define MSG_HDR 16U

static uint32_t roundup_msg(uint64_t n)
{
    return (uint32_t)((n + HV_ARGO_MSG_SLOT_SIZE - 1) & ~(uint64_t)(HV_ARGO_MSG_SLOT_SIZE - 1));
}

static struct hv_argo_ring *find_ring(const struct hv_dom *d, uint32_t aport, xsm_domid_t partner)
{
    for (struct hv_argo_ring *r = d->rings; r; r = r->next)
        if (r->aport == aport && r->partner == partner)
            return r;
    return NULL;
}

static void ring_free(struct hv_argo_ring *r)
{
    free(r->gfns);
    while (r->head) {
        struct hv_argo_qmsg *m = r->head;

        r->head = m->next;
        free(m);
    }
    free(r);
}

/* Xen's pending_requeue: one entry per waiting domain, its largest size. */
static int pending_requeue(struct hv_argo_ring *r, xsm_domid_t domid, uint32_t len)
{
    for (uint32_t i = 0; i < r->npending; i++)
        if (r->pending[i].domid == domid) {
            if (r->pending[i].len < len)
                r->pending[i].len = len;
            return 0;
        }
    if (r->npending >= HV_ARGO_MAX_PENDING)
        return -EBUSY;
    r->pending[r->npending].domid = domid;
    r->pending[r->npending].len = len;
    r->npending++;
    return 0;
}

/* Drop the entries of 'domid' (all = true) or those 'space' satisfies. */
static void pending_drop(struct hv_argo_ring *r, bool all, xsm_domid_t domid, uint32_t space)
{
    uint32_t k = 0;

    for (uint32_t i = 0; i < r->npending; i++) {
        bool drop = all ? r->pending[i].domid == domid : r->pending[i].len <= space;

        if (!drop)
            r->pending[k++] = r->pending[i];
    }
    r->npending = k;
}

/*
 * Xen's argo_destroy: the domain's own rings, the rings other domains keep
 * for it as their single partner (partner_rings_remove), and its waits on
 * anyone else's rings.
 */
void hv_argo_destroy(struct hv_dom *d)
{
    while (d->rings) {
        struct hv_argo_ring *r = d->rings;

        d->rings = r->next;
        ring_free(r);
    }
    d->nr_rings = 0;
    for (struct hv_dom *o = d->h->doms; o; o = o->next) {
        if (o == d)
            continue;
        for (struct hv_argo_ring **pp = &o->rings; *pp;) {
            struct hv_argo_ring *r = *pp;

            if (r->partner == d->x.domid) {
                *pp = r->next;
                ring_free(r);
                o->nr_rings--;
                continue;
            }
            pending_drop(r, true, d->x.domid, 0);
            pp = &r->next;
        }
    }
}

int hv_argo_entry(struct hv *h, struct hv_dom *cur)
{
    if (h->cfg.argo_disabled)
        return -EOPNOTSUPP;
    return xsm_argo_enable(h->xsm, &cur->x, &cur->x);
}

int hv_argo_register_check(struct hv *h, struct hv_dom *cur, uint32_t aport, xsm_domid_t partner,
                           uint32_t len, uint32_t flags, struct hv_argo_ring **existing)
{
    struct hv_argo_ring *r;
    int rc;

    *existing = NULL;
    if (flags & ~HV_ARGO_REGISTER_FLAG_FAIL_EXIST)
        return -EINVAL;
    if (len < MSG_HDR + 2 * HV_ARGO_MSG_SLOT_SIZE || len > HV_ARGO_MAX_RING_SIZE ||
        len != roundup_msg(len))
        return -EINVAL;
    if (partner == HV_ARGO_DOMID_ANY) {
        if (!h->cfg.argo_mac_permissive)
            return -EPERM;
        rc = xsm_argo_register_any_source(h->xsm, &cur->x, &cur->x);
    } else {
        struct hv_dom *p = hv_dom_get(h, partner);

        if (!p)
            return -ESRCH;
        rc = xsm_argo_register_single_source(h->xsm, &cur->x, &cur->x, &p->x);
    }
    if (rc)
        return rc;
    r = find_ring(cur, aport, partner);
    if (r) {
        if (flags & HV_ARGO_REGISTER_FLAG_FAIL_EXIST)
            return -EEXIST;
        if (r->len != len)
            return -EINVAL;
        *existing = r;
        return 0;
    }
    if (cur->nr_rings >= HV_MAX_RINGS)
        return -ENOSPC;
    return 0;
}

/*
 * Bytes at ring offset 'off' (from the ring header) through the frame list:
 * reads into rbuf, or writes wbuf when rbuf is NULL.
 */
static int ring_io(struct hv_dom *d, const struct hv_argo_ring *r, uint64_t off, void *rbuf,
                   const void *wbuf, size_t len)
{
    size_t done = 0;

    while (done < len) {
        uint64_t pg = off / HV_PAGE_SIZE, in = off % HV_PAGE_SIZE, gpa;
        size_t n = HV_PAGE_SIZE - in < len - done ? (size_t)(HV_PAGE_SIZE - in) : len - done;
        int rc;

        if (pg >= r->npages)
            return -EFAULT;
        gpa = r->gfns[pg] * HV_PAGE_SIZE + in;
        rc = rbuf ? hv_gphys_from(d, (uint8_t *)rbuf + done, gpa, n)
                  : hv_gphys_to(d, gpa, (const uint8_t *)wbuf + done, n);
        if (rc)
            return rc;
        done += n, off += n;
    }
    return 0;
}

static int ring_read(struct hv_dom *d, const struct hv_argo_ring *r, uint64_t off, void *buf,
                     size_t len)
{
    return ring_io(d, r, off, buf, NULL, len);
}

static int ring_write(struct hv_dom *d, const struct hv_argo_ring *r, uint64_t off, const void *buf,
                      size_t len)
{
    return ring_io(d, r, off, NULL, buf, len);
}

#define RING_HDR 64U /* struct xen_argo_ring: rx_ptr, tx_ptr, reserved */

/*
 * The hypervisor's own tx_ptr of a ring in guest memory: the guest's value
 * if it is a sane slot, else the slot after the guest's rx_ptr (Xen's
 * register_ring flushes a messy ring that way).
 */
static int ring_attach(struct hv_dom *d, struct hv_argo_ring *r)
{
    uint8_t b[8];
    uint32_t tx;

    if (ring_read(d, r, 0, b, 8))
        return -EFAULT;
    tx = hv_ld32(b + 4);
    if (tx >= r->len || roundup_msg(tx) != tx) {
        tx = roundup_msg(hv_ld32(b));
        if (tx >= r->len)
            tx = 0;
        hv_st32(b + 4, tx);
        if (ring_write(d, r, 4, b + 4, 4))
            return -EFAULT;
    }
    r->tx_ptr = tx;
    return 0;
}

int hv_argo_register_do(struct hv_dom *cur, struct hv_argo_ring *existing, uint32_t aport,
                        xsm_domid_t partner, uint32_t len, uint64_t *gfns, uint32_t npages)
{
    struct hv_argo_ring *r = existing, tmp;
    int rc;

    if (existing && !gfns)
        return 0; /* re-registration of the same ring: nothing changes */
    if (gfns) {
        /* Check the new frames before anything changes. */
        memset(&tmp, 0, sizeof(tmp));
        tmp.len = len;
        tmp.gfns = gfns;
        tmp.npages = npages;
        rc = ring_attach(cur, &tmp);
        if (rc) {
            free(gfns);
            return rc;
        }
    }
    if (!r) {
        r = calloc(1, sizeof(*r));
        if (!r) {
            free(gfns);
            return -ENOMEM;
        }
        r->aport = aport;
        r->partner = partner;
        r->len = len;
        r->next = cur->rings;
        cur->rings = r;
        cur->nr_rings++;
    }
    if (gfns) {
        free(r->gfns); /* Xen drops the old frames of a re-registered ring */
        r->gfns = gfns;
        r->npages = npages;
        r->tx_ptr = tmp.tx_ptr;
        r->in_guest = true;
    }
    return 0;
}

/* Xen's ringbuf_insert into a ring in the receiver's memory. */
static long ring_insert(struct hv_dom *d, struct hv_argo_ring *r, const struct hv_argo_msg *mh,
                        const uint8_t *buf, uint32_t len)
{
    uint8_t hdr[16], b[4];
    uint32_t rx, tx = r->tx_ptr, sp, first;

    if (r->len <= MSG_HDR + roundup_msg(len))
        return -EMSGSIZE;
    if (ring_read(d, r, 0, b, 4))
        return -EFAULT;
    rx = roundup_msg(hv_ld32(b)); /* the guest's value, sanitised */
    if (rx >= r->len)
        rx = 0;
    sp = rx == tx ? r->len : (rx > tx ? rx - tx : rx + r->len - tx);
    if (roundup_msg(len) + MSG_HDR >= sp)
        return -EAGAIN;
    hv_st32(hdr, len + MSG_HDR);
    hv_st32(hdr + 4, mh->src_aport);
    hv_st16(hdr + 8, mh->src_domid);
    hv_st16(hdr + 10, 0);
    hv_st32(hdr + 12, mh->message_type);
    if (ring_write(d, r, RING_HDR + tx, hdr, sizeof(hdr)))
        return -EFAULT;
    tx += MSG_HDR;
    if (tx == r->len)
        tx = 0;
    first = r->len - tx < len ? r->len - tx : len;
    if ((first && ring_write(d, r, RING_HDR + tx, buf, first)) ||
        (len > first && ring_write(d, r, RING_HDR, buf + first, len - first)))
        return -EFAULT;
    tx = roundup_msg((uint64_t)tx + len);
    if (tx >= r->len)
        tx -= r->len;
    hv_st32(b, tx);
    if (ring_write(d, r, 4, b, 4))
        return -EFAULT;
    r->tx_ptr = tx;
    return (long)len;
}

/*
 * Xen's ringbuf_payload_space: the largest payload a message may have now -
 * the bytes from tx_ptr to the (sanitised) rx_ptr, less a header and the
 * slot that always stays free; 0 when the ring cannot be read.
 */
static uint32_t payload_space(struct hv_dom *d, const struct hv_argo_ring *r)
{
    int64_t sp;

    if (r->in_guest) {
        uint8_t b[4];
        uint32_t rx;

        if (ring_read(d, r, 0, b, 4))
            return 0;
        rx = roundup_msg(hv_ld32(b));
        if (rx >= r->len)
            rx = 0;
        sp = (int64_t)rx - r->tx_ptr;
        if (sp <= 0)
            sp += r->len;
    } else {
        sp = (int64_t)r->len - r->used;
    }
    sp -= MSG_HDR + HV_ARGO_MSG_SLOT_SIZE;
    return sp < 0 ? 0 : (uint32_t)sp;
}

int hv_argo_register_ring(struct hv *h, xsm_domid_t caller, uint32_t aport, xsm_domid_t partner,
                          uint32_t len, uint32_t flags)
{
    struct hv_dom *cur = hv_dom_get(h, caller);
    struct hv_argo_ring *ex;
    int rc;

    if (!cur)
        return -ESRCH;
    rc = hv_argo_entry(h, cur);
    if (rc)
        return rc;
    rc = hv_argo_register_check(h, cur, aport, partner, len, flags, &ex);
    if (rc)
        return rc;
    return hv_argo_register_do(cur, ex, aport, partner, len, NULL, 0);
}

int hv_argo_unregister_do(struct hv_dom *cur, uint32_t aport, xsm_domid_t partner)
{
    for (struct hv_argo_ring **pp = &cur->rings; *pp; pp = &(*pp)->next) {
        struct hv_argo_ring *r = *pp;

        if (r->aport == aport && r->partner == partner) {
            *pp = r->next;
            ring_free(r);
            cur->nr_rings--;
            return 0;
        }
    }
    return -ENOENT;
}

int hv_argo_unregister_ring(struct hv *h, xsm_domid_t caller, uint32_t aport, xsm_domid_t partner)
{
    struct hv_dom *cur = hv_dom_get(h, caller);
    int rc;

    if (!cur)
        return -ESRCH;
    rc = hv_argo_entry(h, cur);
    if (rc)
        return rc;
    return hv_argo_unregister_do(cur, aport, partner);
}

long hv_argo_send_buf(struct hv *h, struct hv_dom *cur, uint32_t src_aport, xsm_domid_t src_dom,
                      xsm_domid_t dst_domid, uint32_t dst_aport, uint32_t message_type,
                      const void *buf, size_t len)
{
    struct hv_dom *dst;
    struct hv_argo_ring *r;
    struct hv_argo_qmsg *m;
    uint32_t need;
    int rc;

    if (src_dom != HV_ARGO_DOMID_ANY && src_dom != cur->x.domid)
        return -EPERM;
    dst = hv_dom_get(h, dst_domid);
    if (!dst)
        return -ESRCH;
    rc = xsm_argo_send(h->xsm, &cur->x, &cur->x, &dst->x);
    if (rc)
        return rc;
    r = find_ring(dst, dst_aport, cur->x.domid);
    if (!r)
        r = find_ring(dst, dst_aport, HV_ARGO_DOMID_ANY);
    if (!r)
        return -ECONNREFUSED;
    if (len > HV_ARGO_MAX_RING_SIZE)
        return -EMSGSIZE;
    if (r->in_guest) {
        struct hv_argo_msg mh = {cur->x.domid, src_aport, message_type, (uint32_t)len};
        long n = ring_insert(dst, r, &mh, buf, (uint32_t)len);

        /* Xen's sendv: wait for the space; a full wait list is the error. */
        if (n == -EAGAIN && pending_requeue(r, cur->x.domid, (uint32_t)len))
            return -EBUSY;
        return n;
    }
    need = roundup_msg(MSG_HDR + (uint64_t)len);
    if (need >= r->len)
        return -EMSGSIZE;
    if (need > r->len - r->used - HV_ARGO_MSG_SLOT_SIZE)
        /* Xen keeps one slot free between tx and rx; the sender waits. */
        return pending_requeue(r, cur->x.domid, (uint32_t)len) ? -EBUSY : -EAGAIN;
    m = malloc(sizeof(*m) + len + 1);
    if (!m)
        return -ENOMEM;
    m->next = NULL;
    m->hdr.src_domid = cur->x.domid;
    m->hdr.src_aport = src_aport;
    m->hdr.message_type = message_type;
    m->hdr.len = (uint32_t)len;
    m->slot_bytes = need;
    if (len)
        memcpy(m->data, buf, len);
    if (r->tail)
        r->tail->next = m;
    else
        r->head = m;
    r->tail = m;
    r->used += need;
    return (long)len;
}

long hv_argo_send(struct hv *h, xsm_domid_t caller, uint32_t src_aport, xsm_domid_t dst_domid,
                  uint32_t dst_aport, uint32_t message_type, const void *buf, size_t len)
{
    struct hv_dom *cur = hv_dom_get(h, caller);
    int rc;

    if (!cur)
        return -ESRCH;
    rc = hv_argo_entry(h, cur);
    if (rc)
        return rc;
    if (len && !buf)
        return -EFAULT;
    return hv_argo_send_buf(h, cur, src_aport, caller, dst_domid, dst_aport, message_type, buf,
                            len);
}

/*
 * The receiver's side of a ring in guest memory, for hosts: the message at
 * rx_ptr, then rx_ptr past it, as a guest's driver does.
 */
static long ring_take(struct hv_dom *d, const struct hv_argo_ring *r, struct hv_argo_msg *msg,
                      void *buf, size_t cap)
{
    uint8_t b[4], hdr[16];
    uint32_t rx, len, first;

    if (ring_read(d, r, 0, b, 4))
        return -EFAULT;
    rx = hv_ld32(b);
    if (rx >= r->len || roundup_msg(rx) != rx)
        return -EINVAL;
    if (rx == r->tx_ptr)
        return -ENODATA;
    if (ring_read(d, r, RING_HDR + rx, hdr, sizeof(hdr)))
        return -EFAULT;
    len = hv_ld32(hdr) - MSG_HDR;
    if (hv_ld32(hdr) < MSG_HDR || len >= r->len)
        return -EINVAL;
    rx += MSG_HDR;
    if (rx == r->len)
        rx = 0;
    if (msg) {
        msg->src_aport = hv_ld32(hdr + 4);
        msg->src_domid = hv_ld16(hdr + 8);
        msg->message_type = hv_ld32(hdr + 12);
        msg->len = len;
    }
    if (cap > len)
        cap = len;
    first = r->len - rx < cap ? r->len - rx : (uint32_t)cap;
    if (buf && ((first && ring_read(d, r, RING_HDR + rx, buf, first)) ||
                (cap > first && ring_read(d, r, RING_HDR, (uint8_t *)buf + first, cap - first))))
        return -EFAULT;
    rx = roundup_msg((uint64_t)rx + len);
    if (rx >= r->len)
        rx -= r->len;
    hv_st32(b, rx);
    if (ring_write(d, r, 0, b, 4))
        return -EFAULT;
    return (long)len;
}

long hv_argo_recv(struct hv *h, xsm_domid_t domid, uint32_t aport, xsm_domid_t partner,
                  struct hv_argo_msg *msg, void *buf, size_t cap)
{
    struct hv_dom *d = hv_dom_get(h, domid);
    struct hv_argo_ring *r;
    struct hv_argo_qmsg *m;
    long len;

    if (!d)
        return -ESRCH;
    r = find_ring(d, aport, partner);
    if (!r)
        return -ENOENT;
    if (r->in_guest)
        return ring_take(d, r, msg, buf, cap);
    m = r->head;
    if (!m)
        return -ENODATA;
    if (msg)
        *msg = m->hdr;
    if (buf)
        memcpy(buf, m->data, m->hdr.len < cap ? m->hdr.len : cap);
    len = (long)m->hdr.len;
    r->head = m->next;
    if (!r->head)
        r->tail = NULL;
    r->used -= m->slot_bytes;
    free(m);
    return len;
}

/* ---- notify ---------------------------------------------------------------------------------- */

/* Xen's notify_check_pending: forget the waits the caller's rings now satisfy. */
static void notify_check_pending(struct hv_dom *cur)
{
    for (struct hv_argo_ring *r = cur->rings; r; r = r->next) {
        uint32_t space = payload_space(cur, r);

        if (space)
            pending_drop(r, false, 0, space);
    }
}

#define ENT_SIZE                                                                                   \
    20U /* xen_argo_ring_data_ent: ring, flags, pad, space_required, max_message_size */

/*
 * Xen's fill_ring_data for the entry at 'ga': the ring the caller could
 * send to at that address (its own single-source ring there, else a
 * wildcard one), described in flags and max_message_size - the only fields
 * written back.  A missing domain or ring is flags 0; a domain the caller
 * may not send to is the policy's error, with nothing written.
 */
static int fill_ring_data(struct hv *h, struct hv_dom *cur, uint64_t ga)
{
    uint8_t e[ENT_SIZE];
    uint32_t flags = 0, maxmsg, need;
    struct hv_dom *dst;
    int rc;

    if (hv_gcopy_from(cur, e, ga, sizeof(e)))
        return -EFAULT;
    maxmsg = hv_ld32(e + 16);
    need = hv_ld32(e + 12);
    dst = hv_dom_get(h, hv_ld16(e + 4));
    if (dst) {
        struct hv_argo_ring *r;

        rc = xsm_argo_send(h->xsm, &cur->x, &cur->x, &dst->x);
        if (rc)
            return rc;
        r = find_ring(dst, hv_ld32(e), cur->x.domid);
        if (!r)
            r = find_ring(dst, hv_ld32(e), HV_ARGO_DOMID_ANY);
        if (r) {
            uint32_t space = payload_space(dst, r);

            flags |= HV_ARGO_RING_EXISTS;
            maxmsg = r->len - MSG_HDR - HV_ARGO_MSG_SLOT_SIZE;
            if (r->partner == HV_ARGO_DOMID_ANY)
                flags |= HV_ARGO_RING_SHARED;
            if (need > maxmsg) {
                flags |= HV_ARGO_RING_EMSGSIZE; /* never queued: it cannot fit */
            } else if (space >= need) {
                pending_drop(r, true, cur->x.domid, 0);
                flags |= HV_ARGO_RING_SUFFICIENT;
            } else if (pending_requeue(r, cur->x.domid, need)) {
                flags |= HV_ARGO_RING_EBUSY; /* a flag, not an error: the next entries go on */
            }
            if (space == maxmsg)
                flags |= HV_ARGO_RING_EMPTY;
        }
    }
    hv_st16(e + 8, (uint16_t)flags);
    hv_st32(e + 16, maxmsg);
    if (hv_gcopy_to(cur, ga + 8, e + 8, 2) || hv_gcopy_to(cur, ga + 16, e + 16, 4))
        return -EFAULT;
    return 0;
}

/*
 * XEN_ARGO_OP_notify: xen_argo_ring_data { nent, pad, entries[nent] } at
 * 'ga' (NULL: only the pending check).  As in Xen the entries are answered
 * one at a time, so an error at one (a fault, a denial) leaves the earlier
 * ones answered; 32-bit callers share the layout.
 */
static long argo_notify(struct hv *h, struct hv_dom *cur, uint64_t ga)
{
    uint8_t b[8];
    uint32_t nent;
    int rc = 0;

    notify_check_pending(cur);
    if (!ga)
        return 0;
    if (hv_gcopy_from(cur, b, ga, sizeof(b)))
        return -EFAULT;
    nent = hv_ld32(b);
    if (nent > HV_ARGO_MAX_NOTIFY)
        return -EACCES;
    for (uint32_t i = 0; !rc && i < nent; i++)
        rc = fill_ring_data(h, cur, ga + 8 + (uint64_t)ENT_SIZE * i);
    return rc;
}

/* ---- argo_op (39) ---------------------------------------------------------------------------- */

static uint32_t npages_ring(uint32_t len)
{
    uint64_t bytes = (((uint64_t)len + 15) & ~15ULL) + 64;

    return (uint32_t)((bytes + HV_PAGE_SIZE - 1) / HV_PAGE_SIZE);
}

long hv_do_argo_op(struct hv *h, struct hv_dom *cur, const uint64_t *args)
{
    uint64_t cmd = args[0], a1 = args[1], a2 = args[2], a3 = args[3], a4 = args[4];
    uint8_t b[16];
    long rc;

    if (a3 > 0xffffffffULL || a4 > 0xffffffffULL)
        return -EINVAL;
    rc = hv_argo_entry(h, cur);
    if (rc)
        return rc;
    switch (cmd) {
    case HV_ARGO_OP_register_ring: {
        struct hv_argo_ring *ex;
        uint32_t len;
        uint8_t gfn[8];
        uint64_t *gfns;

        if (a3 > HV_ARGO_MAX_RING_SIZE / HV_PAGE_SIZE)
            return -EINVAL;
        gfns = malloc((size_t)(a3 ? a3 : 1) * sizeof(*gfns));
        if (!gfns)
            return -ENOMEM;
        for (uint64_t i = 0; i < a3; i++) {
            if (hv_gcopy_from(cur, gfn, a2 + 8 * i, 8)) {
                free(gfns);
                return -EFAULT;
            }
            gfns[i] = hv_ld64(gfn);
        }
        rc = hv_gcopy_from(cur, b, a1, 12) ? -EFAULT : 0;
        len = hv_ld32(b + 8);
        if (!rc && (hv_ld16(b + 6) || npages_ring(len) != a3))
            rc = -EINVAL;
        if (!rc)
            rc = hv_argo_register_check(h, cur, hv_ld32(b), hv_ld16(b + 4), len, (uint32_t)a4, &ex);
        /* Xen's find_ring_mfns: every frame must be the guest's RAM. */
        for (uint64_t i = 0; !rc && i < a3; i++)
            if (gfns[i] >= cur->mem_size / HV_PAGE_SIZE)
                rc = -EINVAL;
        if (rc) {
            free(gfns);
            return rc;
        }
        return hv_argo_register_do(cur, ex, hv_ld32(b), hv_ld16(b + 4), len, gfns, (uint32_t)a3);
    }
    case HV_ARGO_OP_unregister_ring:
        if (a2 || a3 || a4)
            return -EINVAL;
        if (hv_gcopy_from(cur, b, a1, 8))
            return -EFAULT;
        if (hv_ld16(b + 6))
            return -EINVAL;
        return hv_argo_unregister_do(cur, hv_ld32(b), hv_ld16(b + 4));
    case HV_ARGO_OP_sendv: {
        bool compat = cur->guest.compat;
        size_t isz = compat ? 12 : 16, total = 0;
        uint8_t iov[HV_ARGO_MAXIOV * 16];
        uint8_t *data;

        if (hv_gcopy_from(cur, b, a1, 16))
            return -EFAULT;
        if (hv_ld16(b + 6) || hv_ld16(b + 14))
            return -EINVAL;
        if (a3 > HV_ARGO_MAXIOV)
            return -EINVAL;
        if (hv_gcopy_from(cur, iov, a2, isz * a3))
            return -EFAULT;
        for (uint64_t i = 0; i < a3; i++) {
            const uint8_t *v = iov + i * isz;

            if (hv_ld32(v + isz - 4))
                return -EINVAL; /* pad */
            total += hv_ld32(v + isz - 8);
            if (total > HV_ARGO_MAX_RING_SIZE)
                return -EMSGSIZE;
        }
        data = malloc(total ? total : 1);
        if (!data)
            return -ENOMEM;
        total = 0;
        for (uint64_t i = 0; i < a3; i++) {
            const uint8_t *v = iov + i * isz;
            uint64_t p = compat ? hv_ld32(v) : hv_ld64(v);
            uint32_t l = hv_ld32(v + isz - 8);

            if (hv_gcopy_from(cur, data + total, p, l)) {
                free(data);
                return -EFAULT;
            }
            total += l;
        }
        rc = hv_argo_send_buf(h, cur, hv_ld32(b), hv_ld16(b + 4), hv_ld16(b + 12), hv_ld32(b + 8),
                              (uint32_t)a4, data, total);
        free(data);
        return rc;
    }
    case HV_ARGO_OP_notify:
        if (a2 || a3 || a4)
            return -EINVAL;
        return argo_notify(h, cur, a1);
    default:
        return -EOPNOTSUPP;
    }
}
