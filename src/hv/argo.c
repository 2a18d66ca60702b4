/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Argo: rings a domain registers to receive messages, either from one
 * partner domain (single-source) or from anyone (any-source, which Xen only
 * allows with argo=mac-permissive).  The model keeps each ring as a queue of
 * messages in the hypervisor and accounts ring space the way Xen does (a
 * 16-byte header per message, rounded up to 16-byte slots); the guest reads
 * its ring through hv_argo_recv().
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
    while (r->head) {
        struct hv_argo_qmsg *m = r->head;

        r->head = m->next;
        free(m);
    }
    free(r);
}

void hv_argo_destroy(struct hv_dom *d)
{
    while (d->rings) {
        struct hv_argo_ring *r = d->rings;

        d->rings = r->next;
        ring_free(r);
    }
    d->nr_rings = 0;
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

int hv_argo_register_do(struct hv_dom *cur, struct hv_argo_ring *existing, uint32_t aport,
                        xsm_domid_t partner, uint32_t len)
{
    struct hv_argo_ring *r;

    if (existing)
        return 0; /* re-registration of the same ring: nothing changes */
    r = calloc(1, sizeof(*r));
    if (!r)
        return -ENOMEM;
    r->aport = aport;
    r->partner = partner;
    r->len = len;
    r->next = cur->rings;
    cur->rings = r;
    cur->nr_rings++;
    return 0;
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
    return hv_argo_register_do(cur, ex, aport, partner, len);
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
    need = roundup_msg(MSG_HDR + (uint64_t)len);
    if (need >= r->len)
        return -EMSGSIZE;
    if (need > r->len - r->used - HV_ARGO_MSG_SLOT_SIZE)
        return -EAGAIN; /* Xen keeps one slot free between tx and rx */
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

        if (a3 > HV_ARGO_MAX_RING_SIZE / HV_PAGE_SIZE)
            return -EINVAL;
        for (uint64_t i = 0; i < a3; i++)
            if (hv_gcopy_from(cur, gfn, a2 + 8 * i, 8))
                return -EFAULT;
        if (hv_gcopy_from(cur, b, a1, 12))
            return -EFAULT;
        len = hv_ld32(b + 8);
        if (hv_ld16(b + 6) || npages_ring(len) != a3)
            return -EINVAL;
        rc = hv_argo_register_check(h, cur, hv_ld32(b), hv_ld16(b + 4), len, (uint32_t)a4, &ex);
        if (rc)
            return rc;
        return hv_argo_register_do(cur, ex, hv_ld32(b), hv_ld16(b + 4), len);
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
    default:
        return -ENOSYS;
    }
}
