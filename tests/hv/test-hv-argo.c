/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * argo_op as an HVM guest of Xen 4.17 sees it, beyond register and sendv
 * (test-hv-gnttab covers those with rings in guest memory):
 *  - XEN_ARGO_OP_notify: the argument checks, the entry count limit, the
 *    flags and max_message_size it writes back for each queried ring, what
 *    a missing ring or domain and a denied partner report;
 *  - the pending-space queue behind notify and sendv -EAGAIN (32 waiting
 *    domains per ring, then XEN_ARGO_RING_EBUSY or -EBUSY), emptied by the
 *    ring owner's notify, by a sufficient answer and by a sender's death;
 *  - a single-source ring dies with its partner;
 *  - an unknown sub-op is -EOPNOTSUPP.
 * The numbers and layouts are Xen 4.17's (xen/include/public/argo.h,
 * xen/common/argo.c), written out here.
 */
#include <stdint.h>
#include <string.h>

#include <openxsm/hv.h>

#include "check.h"
#include "../lib/le.h"

enum {
    X_EPERM = 1,
    X_ENOENT = 2,
    X_EFAULT = 14,
    X_EACCES = 13,
    X_EAGAIN = 11,
    X_EBUSY = 16,
    X_EINVAL = 22,
    X_ECONNREFUSED = 111,
    X_EOPNOTSUPP = 95,
    NR_ARGO_OP = 39,
    A_register_ring = 1,
    A_unregister_ring = 2,
    A_sendv = 3,
    A_notify = 4,
    F_EXISTS = 1 << 0,
    F_SHARED = 1 << 1,
    F_EMPTY = 1 << 2,
    F_SUFFICIENT = 1 << 3,
    F_EMSGSIZE = 1 << 4,
    F_EBUSY = 1 << 5,
    DOMID_ANY = 0x7ff4, /* DOMID_INVALID */
    ENT = 20,           /* xen_argo_ring_data_ent */
};

#define PG       4096U
#define ARG      0x1000U /* xen_argo_ring_data / register / send_addr */
#define ARG2     0x2000U /* frame list, iovecs */
#define DATA     0x3000U /* message payloads */
#define RINGPG   8U      /* the ring's frame */
#define RING     (RINGPG * PG)
#define MEM      (128U * 1024)
#define NSENDERS 34U

static struct hv *mk(const char *mod, bool permissive)
{
    struct hv_config c = {0};
    struct hv *h = NULL;

    c.modules = mod;
    c.argo_mac_permissive = permissive;
    CHECK_EQ(hv_create(&h, &c), 0);
    return h;
}

static xsm_domid_t mkdom2(struct hv *h, xsm_domid_t want, bool compat)
{
    struct hv_domain_config c = {0};
    xsm_domid_t id = 0;

    c.domid = want;
    c.is_compat = compat;
    c.flags = HV_CDF_hvm | HV_CDF_hap;
    c.mem_size = MEM;
    CHECK_EQ(hv_domain_create(h, 0, &c, &id), 0);
    CHECK_EQ(hv_domain_unpause(h, 0, id), 0);
    return id;
}

static xsm_domid_t mkdom(struct hv *h, xsm_domid_t want)
{
    return mkdom2(h, want, false);
}

static void wr(struct hv *h, xsm_domid_t d, uint64_t a, const void *p, size_t n)
{
    CHECK_EQ(hv_guest_write(h, d, a, p, n), 0);
}

static uint32_t rd32(struct hv *h, xsm_domid_t d, uint64_t a)
{
    uint8_t b[4] = {0};

    CHECK_EQ(hv_guest_read(h, d, a, b, 4), 0);
    return get32(b);
}

static long op(struct hv *h, xsm_domid_t d, uint64_t cmd, uint64_t a1, uint64_t a2, uint64_t a3,
               uint64_t a4)
{
    uint64_t a[6] = {cmd, a1, a2, a3, a4, 0};

    return hv_hypercall(h, d, NR_ARGO_OP, a);
}

/* A 256-byte ring (one frame) at RING in d's memory. */
static long reg_ring(struct hv *h, xsm_domid_t d, uint32_t aport, uint16_t partner)
{
    uint8_t b[12] = {0}, g[8];

    put32(b, aport);
    put16(b + 4, partner);
    put32(b + 8, 256);
    wr(h, d, ARG, b, sizeof(b));
    put64(g, RINGPG);
    wr(h, d, ARG2, g, 8);
    return op(h, d, A_register_ring, ARG, ARG2, 1, 0);
}

static long sendv(struct hv *h, xsm_domid_t d, uint16_t dst, uint32_t aport, uint32_t len)
{
    uint8_t b[16] = {0}, iov[16] = {0}, data[256];

    memset(data, 'm', sizeof(data));
    put32(b, 0x99);
    put16(b + 4, d);
    put32(b + 8, aport);
    put16(b + 12, dst);
    wr(h, d, ARG, b, sizeof(b));
    put64(iov, DATA);
    put32(iov + 8, len);
    wr(h, d, ARG2, iov, sizeof(iov));
    wr(h, d, DATA, data, len);
    return op(h, d, A_sendv, ARG, ARG2, 1, 7);
}

/* One query entry at 'at': flags and max_message_size start as junk. */
static void put_ent(struct hv *h, xsm_domid_t d, uint64_t at, uint16_t dom, uint32_t aport,
                    uint32_t space)
{
    uint8_t e[ENT];

    memset(e, 0, sizeof(e));
    put32(e, aport);
    put16(e + 4, dom);
    put16(e + 8, 0xffff);
    put16(e + 10, 0x5a5a);
    put32(e + 12, space);
    put32(e + 16, 0xdeadbeef);
    wr(h, d, at, e, sizeof(e));
}

static uint16_t ent_flags(struct hv *h, xsm_domid_t d, uint64_t at)
{
    uint8_t b[2] = {0};

    CHECK_EQ(hv_guest_read(h, d, at + 8, b, 2), 0);
    return get16(b);
}

static void put_hdr(struct hv *h, xsm_domid_t d, uint64_t at, uint32_t nent)
{
    uint8_t b[8] = {0};

    put32(b, nent);
    wr(h, d, at, b, sizeof(b));
}

/* notify about one ring; the flags Xen wrote, or ~0 when the call failed. */
static long notify1(struct hv *h, xsm_domid_t d, uint16_t dom, uint32_t aport, uint32_t space,
                    uint32_t *flags)
{
    long rc;

    put_hdr(h, d, ARG, 1);
    put_ent(h, d, ARG + 8, dom, aport, space);
    rc = op(h, d, A_notify, ARG, 0, 0, 0);
    *flags = ent_flags(h, d, ARG + 8);
    return rc;
}

static void test_notify_args(void)
{
    struct hv *h = mk("dummy", false);
    xsm_domid_t g1 = mkdom(h, 0);
    uint32_t fl = 0;

    put_hdr(h, g1, ARG, 0);
    CHECK_EQ(op(h, g1, A_notify, ARG, 0, 0, 0), 0);
    CHECK_EQ(op(h, g1, A_notify, 0, 0, 0, 0), 0); /* a NULL handle: only the pending check */
    CHECK_EQ(op(h, g1, A_notify, ARG, ARG2, 0, 0), -X_EINVAL);
    CHECK_EQ(op(h, g1, A_notify, ARG, 0, 1, 0), -X_EINVAL);
    CHECK_EQ(op(h, g1, A_notify, ARG, 0, 0, 1), -X_EINVAL);
    CHECK_EQ(op(h, g1, A_notify, ARG, 0, 1ULL << 32, 0), -X_EINVAL);
    CHECK_EQ(op(h, g1, A_notify, MEM - 4, 0, 0, 0), -X_EFAULT); /* header past the memory */
    /* At most 256 entries (MAX_NOTIFY_COUNT); more is -EACCES. */
    put_hdr(h, g1, ARG, 257);
    CHECK_EQ(op(h, g1, A_notify, ARG, 0, 0, 0), -X_EACCES);
    put_hdr(h, g1, ARG, 256);
    for (unsigned i = 0; i < 256; i++)
        put_ent(h, g1, ARG + 8 + ENT * i, g1, i, 0);
    CHECK_EQ(op(h, g1, A_notify, ARG, 0, 0, 0), 0);
    CHECK_EQ(ent_flags(h, g1, ARG + 8 + ENT * 255), 0);
    /* No ring, no domain: flags 0, the other fields as the guest left them. */
    CHECK_EQ(notify1(h, g1, g1, 1, 0, &fl), 0);
    CHECK_EQ(fl, 0);
    CHECK_EQ(rd32(h, g1, ARG + 8 + 16), 0xdeadbeef);
    CHECK_EQ(rd32(h, g1, ARG + 8 + 8), 0x5a5a0000);
    CHECK_EQ(notify1(h, g1, 0x1234, 1, 0, &fl), 0);
    CHECK_EQ(fl, 0);
    /* Unknown sub-ops. */
    CHECK_EQ(op(h, g1, 5, 0, 0, 0, 0), -X_EOPNOTSUPP);
    CHECK_EQ(op(h, g1, 0, 0, 0, 0, 0), -X_EOPNOTSUPP);
    hv_destroy(h);
}

static void test_notify_flags(void)
{
    struct hv *h = mk("dummy", true);
    xsm_domid_t g1 = mkdom(h, 0), g2 = mkdom(h, 0), g3 = mkdom(h, 0);
    uint32_t fl = 0;

    CHECK_EQ(reg_ring(h, g1, 5, g2), 0);
    /* An empty 256-byte ring: 256 - 16 (header) - 16 (the slot kept free). */
    CHECK_EQ(notify1(h, g2, g1, 5, 0, &fl), 0);
    CHECK_EQ(fl, F_EXISTS | F_EMPTY | F_SUFFICIENT);
    CHECK_EQ(rd32(h, g2, ARG + 8 + 16), 224);
    CHECK_EQ(rd32(h, g2, ARG + 8 + 12), 0); /* space_required is not written */
    /* Only the partner sees a single-source ring. */
    CHECK_EQ(notify1(h, g3, g1, 5, 0, &fl), 0);
    CHECK_EQ(fl, 0);
    CHECK_EQ(notify1(h, g1, g1, 5, 0, &fl), 0);
    CHECK_EQ(fl, 0);
    /* 5 bytes sent: 32 used, 192 bytes of payload left. */
    CHECK_EQ(sendv(h, g2, g1, 5, 5), 5);
    CHECK_EQ(notify1(h, g2, g1, 5, 192, &fl), 0);
    CHECK_EQ(fl, F_EXISTS | F_SUFFICIENT);
    CHECK_EQ(notify1(h, g2, g1, 5, 193, &fl), 0);
    CHECK_EQ(fl, F_EXISTS);
    CHECK_EQ(notify1(h, g2, g1, 5, 224, &fl), 0);
    CHECK_EQ(fl, F_EXISTS);
    CHECK_EQ(notify1(h, g2, g1, 5, 225, &fl), 0);
    CHECK_EQ(fl, F_EXISTS | F_EMSGSIZE);
    /* A receiver whose rx_ptr caught up: empty again. */
    CHECK_EQ(hv_guest_write(h, g1, RING, "\x20\0\0\0", 4), 0);
    CHECK_EQ(notify1(h, g2, g1, 5, 0, &fl), 0);
    CHECK_EQ(fl, F_EXISTS | F_EMPTY | F_SUFFICIENT);
    /* A wildcard ring is SHARED and anyone's. */
    CHECK_EQ(hv_argo_register_ring(h, g1, 6, DOMID_ANY, 4096, 0), 0);
    CHECK_EQ(notify1(h, g3, g1, 6, 0, &fl), 0);
    CHECK_EQ(fl, F_EXISTS | F_SHARED | F_EMPTY | F_SUFFICIENT);
    CHECK_EQ(rd32(h, g3, ARG + 8 + 16), 4096 - 32);
    /* A 32-bit caller: the same layout (Xen has no compat translation for notify). */
    {
        xsm_domid_t g4 = mkdom2(h, 0, true);

        CHECK_EQ(notify1(h, g4, g1, 6, 0, &fl), 0);
        CHECK_EQ(fl, F_EXISTS | F_SHARED | F_EMPTY | F_SUFFICIENT);
        CHECK_EQ(rd32(h, g4, ARG + 8 + 16), 4096 - 32);
    }
    CHECK_EQ(hv_argo_send(h, g2, 1, g1, 6, 0, "abc", 3), 3);
    CHECK_EQ(notify1(h, g3, g1, 6, 4096 - 64, &fl), 0);
    CHECK_EQ(fl, F_EXISTS | F_SHARED | F_SUFFICIENT);
    CHECK_EQ(notify1(h, g3, g1, 6, 4096 - 63, &fl), 0);
    CHECK_EQ(fl, F_EXISTS | F_SHARED);
    /* Two entries, the second past the memory: the first is answered, then -EFAULT. */
    put_hdr(h, g2, MEM - 8 - ENT - 4, 2);
    put_ent(h, g2, MEM - ENT - 4, g1, 5, 0);
    CHECK_EQ(op(h, g2, A_notify, MEM - 8 - ENT - 4, 0, 0, 0), -X_EFAULT);
    CHECK_EQ(ent_flags(h, g2, MEM - ENT - 4), F_EXISTS | F_EMPTY | F_SUFFICIENT);
    hv_destroy(h);
}

/* A partner the XSM policy forbids to send to: its error, nothing written. */
static void test_notify_denied(void)
{
    struct hv *h = mk("silo", false);
    xsm_domid_t g1 = mkdom(h, 0), g2 = mkdom(h, 0);
    uint32_t fl = 0;

    CHECK_EQ(reg_ring(h, g1, 5, g2), -X_EPERM); /* SILO: no ring for another domU */
    CHECK_EQ(reg_ring(h, g1, 5, g1), 0);
    CHECK_EQ(notify1(h, g1, g1, 5, 0, &fl), 0);
    CHECK_EQ(fl, F_EXISTS | F_EMPTY | F_SUFFICIENT);
    CHECK_EQ(notify1(h, g2, g1, 5, 0, &fl), -X_EPERM);
    CHECK_EQ(fl, 0xffff);
    CHECK_EQ(rd32(h, g2, ARG + 8 + 16), 0xdeadbeef);
    /* The entries before the denied one are answered. */
    put_hdr(h, g2, ARG, 2);
    put_ent(h, g2, ARG + 8, g2, 9, 0);
    put_ent(h, g2, ARG + 8 + ENT, g1, 5, 0);
    CHECK_EQ(op(h, g2, A_notify, ARG, 0, 0, 0), -X_EPERM);
    CHECK_EQ(ent_flags(h, g2, ARG + 8), 0);
    CHECK_EQ(ent_flags(h, g2, ARG + 8 + ENT), 0xffff);
    hv_destroy(h);
}

/*
 * The pending queue: a ring keeps at most 32 domains waiting for space.
 * The 33rd is told XEN_ARGO_RING_EBUSY by notify, -EBUSY by a sendv that
 * would have waited.
 */
static void test_pending(void)
{
    struct hv *h = mk("dummy", true);
    xsm_domid_t r = mkdom(h, 0), s[NSENDERS];
    uint32_t fl = 0;

    for (unsigned i = 0; i < NSENDERS; i++)
        s[i] = mkdom(h, 0);
    CHECK_EQ(reg_ring(h, r, 5, DOMID_ANY), 0);
    CHECK_EQ(sendv(h, s[0], r, 5, 5), 5); /* 192 bytes of payload left */
    for (unsigned i = 0; i < 32; i++) {
        CHECK_EQ(notify1(h, s[i], r, 5, 200, &fl), 0);
        CHECK_EQ(fl, F_EXISTS | F_SHARED);
    }
    CHECK_EQ(notify1(h, s[32], r, 5, 200, &fl), 0);
    CHECK_EQ(fl, F_EXISTS | F_SHARED | F_EBUSY);
    CHECK_EQ(sendv(h, s[32], r, 5, 200), -X_EBUSY);
    /* A domain already waiting is requeued, not added. */
    CHECK_EQ(notify1(h, s[3], r, 5, 210, &fl), 0);
    CHECK_EQ(fl, F_EXISTS | F_SHARED);
    CHECK_EQ(sendv(h, s[3], r, 5, 200), -X_EAGAIN);
    /* A sufficient answer cancels the asker's wait: room for one more. */
    CHECK_EQ(notify1(h, s[0], r, 5, 16, &fl), 0);
    CHECK_EQ(fl, F_EXISTS | F_SHARED | F_SUFFICIENT);
    CHECK_EQ(sendv(h, s[32], r, 5, 200), -X_EAGAIN); /* now waiting */
    CHECK_EQ(notify1(h, s[0], r, 5, 200, &fl), 0);
    CHECK_EQ(fl, F_EXISTS | F_SHARED | F_EBUSY);
    /* A dead sender stops waiting. */
    CHECK_EQ(hv_domain_destroy(h, 0, s[5]), 0);
    CHECK_EQ(notify1(h, s[0], r, 5, 200, &fl), 0);
    CHECK_EQ(fl, F_EXISTS | F_SHARED);
    CHECK_EQ(notify1(h, s[1], r, 5, 200, &fl), 0);
    CHECK_EQ(fl, F_EXISTS | F_SHARED);
    CHECK_EQ(notify1(h, s[33], r, 5, 200, &fl), 0);
    CHECK_EQ(fl, F_EXISTS | F_SHARED | F_EBUSY);
    /*
     * The owner's notify signals (and forgets) those whose space is there:
     * after it consumed everything and then got 5 bytes again, nobody waits.
     */
    CHECK_EQ(hv_guest_write(h, r, RING, "\x20\0\0\0", 4), 0);
    CHECK_EQ(op(h, r, A_notify, 0, 0, 0, 0), 0);
    CHECK_EQ(sendv(h, s[0], r, 5, 5), 5);
    CHECK_EQ(notify1(h, s[33], r, 5, 200, &fl), 0);
    CHECK_EQ(fl, F_EXISTS | F_SHARED);
    hv_destroy(h);
}

/* Xen's argo_destroy: the rings other domains registered for the dead one go too. */
static void test_partner_death(void)
{
    struct hv *h = mk("dummy", false);
    xsm_domid_t g1 = mkdom(h, 0), g2 = mkdom(h, 0);
    uint8_t b[8] = {0};

    CHECK_EQ(reg_ring(h, g1, 5, g2), 0);
    CHECK_EQ(hv_domain_destroy(h, 0, g2), 0);
    CHECK_EQ(mkdom(h, g2), g2); /* the same id, a new domain */
    CHECK_EQ(sendv(h, g2, g1, 5, 5), -X_ECONNREFUSED);
    put32(b, 5);
    put16(b + 4, g2);
    wr(h, g1, ARG, b, sizeof(b));
    CHECK_EQ(op(h, g1, A_unregister_ring, ARG, 0, 0, 0), -X_ENOENT);
    hv_destroy(h);
}

int main(void)
{
    test_notify_args();
    test_notify_flags();
    test_notify_denied();
    test_pending();
    test_partner_death();
    return check_report("test-hv-argo");
}
