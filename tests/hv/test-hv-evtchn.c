/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * event_channel_op beyond the basics, through the hypercall entry (Xen's
 * layouts in guest memory) and the C API: EVTCHNOP_unmask, bind_vcpu, the
 * FIFO ABI's init_control / expand_array / set_priority, and the host's
 * notification callback (which port of which domain was raised or
 * unmasked).  Expected results are Xen 4.17's (xen/common/event_channel.c,
 * event_fifo.c), written out here.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openxsm/hv.h>

#include "check.h"
#include "../lib/le.h"

enum {
    X_ENOENT = 2,
    X_ESRCH = 3,
    X_EFAULT = 14,
    X_EBUSY = 16,
    X_EINVAL = 22,
    X_ENOSPC = 28,
    X_ENOSYS = 38,
    X_EOPNOTSUPP = 95,
};

/* Xen public numbers (event_channel.h, xen.h), independent of hv.h. */
enum {
    NR_EVTCHN_OP = 32,
    E_bind_interdomain = 0,
    E_send = 4,
    E_status = 5,
    E_alloc_unbound = 6,
    E_bind_vcpu = 8,
    E_unmask = 9,
    E_reset = 10,
    E_init_control = 11,
    E_expand_array = 12,
    E_set_priority = 13,
    DOMID_SELF = 0x7ff0,
    FIFO_LINK_BITS = 17,
    FIFO_MAX_PAGES = 128, /* 2^17 event words of 4 bytes, 1024 a page */
    CTL_SIZE = 72,        /* evtchn_fifo_control_block: ready, rsvd, head[16] */
};

#define ARG  0x3000U
#define GMEM (64U * 1024) /* the model's default guest memory: frames 0-15 */

static struct hv *mk(void)
{
    return hvt_model((struct hv_config){0});
}

static xsm_domid_t mkdom(struct hv *h, bool compat)
{
    return hvt_domain(h, (struct hv_domain_config){.flags = 1 /* HVM */, .is_compat = compat},
                      true);
}

/* event_channel_op(cmd, ARG) with 'len' bytes of b at ARG; b gets them back. */
static long eop(struct hv *h, xsm_domid_t caller, uint64_t cmd, uint8_t *b, size_t len)
{
    uint64_t a[6] = {cmd, ARG, 0, 0, 0, 0};
    long rc;

    CHECK_EQ(hv_guest_write(h, caller, ARG, b, len), 0);
    rc = hv_hypercall(h, caller, NR_EVTCHN_OP, a);
    CHECK_EQ(hv_guest_read(h, caller, ARG, b, len), 0);
    return rc;
}

static long port_op(struct hv *h, xsm_domid_t caller, uint64_t cmd, uint32_t port)
{
    uint8_t b[4];

    put32(b, port);
    return eop(h, caller, cmd, b, sizeof(b));
}

static long pair_op(struct hv *h, xsm_domid_t caller, unsigned cmd, uint32_t x, uint32_t y)
{
    uint8_t b[8];

    put32(b, x);
    put32(b + 4, y);
    return eop(h, caller, cmd, b, sizeof(b));
}

static long init_control(struct hv *h, xsm_domid_t caller, uint64_t gfn, uint32_t offset,
                         uint32_t vcpu, uint8_t *link_bits)
{
    uint8_t b[24];
    long rc;

    memset(b, 0xa5, sizeof(b));
    put64(b, gfn);
    put32(b + 8, offset);
    put32(b + 12, vcpu);
    rc = eop(h, caller, E_init_control, b, sizeof(b));
    if (link_bits)
        *link_bits = b[16];
    return rc;
}

static long expand(struct hv *h, xsm_domid_t caller, uint64_t gfn)
{
    uint8_t b[8];

    put64(b, gfn);
    return eop(h, caller, E_expand_array, b, sizeof(b));
}

/* An interdomain pair a:pa <-> b:pb through the hypercalls. */
static void connect(struct hv *h, xsm_domid_t a, xsm_domid_t b, uint32_t *pa, uint32_t *pb)
{
    uint8_t u[12] = {0};

    put16(u, DOMID_SELF);
    put16(u + 2, b);
    CHECK_EQ(eop(h, a, E_alloc_unbound, u, 8), 0);
    *pa = get32(u + 4);
    memset(u, 0, sizeof(u));
    put16(u, a);
    put32(u + 4, *pa);
    CHECK_EQ(eop(h, b, E_bind_interdomain, u, 12), 0);
    *pb = get32(u + 8);
}

/* What the notification callback saw. */
struct seen {
    unsigned n;
    xsm_domid_t dom[16];
    uint32_t port[16];
    unsigned vcpu[16], what[16];
};

static void notify(void *opaque, xsm_domid_t domid, uint32_t port, unsigned vcpu, unsigned what)
{
    struct seen *s = opaque;

    if (s->n < 16) {
        s->dom[s->n] = domid;
        s->port[s->n] = port;
        s->vcpu[s->n] = vcpu;
        s->what[s->n] = what;
    }
    s->n++;
}

static void test_notify(void)
{
    struct hv *h = mk();
    xsm_domid_t a = mkdom(h, false), b = mkdom(h, false);
    struct seen sa = {0}, sb = {0};
    uint32_t pa = 0, pb = 0;

    CHECK_EQ(hv_evtchn_set_notify(h, 999, notify, &sa), -X_ESRCH);
    CHECK_EQ(hv_evtchn_set_notify(h, a, notify, &sa), 0);
    CHECK_EQ(hv_evtchn_set_notify(h, b, notify, &sb), 0);
    connect(h, a, b, &pa, &pb);
    /* The bind raises the binder's new port (an event may have been missed). */
    CHECK_EQ(sa.n, 0);
    CHECK_EQ(sb.n, 1);
    CHECK_EQ(sb.dom[0], b);
    CHECK_EQ(sb.port[0], pb);
    CHECK_EQ(sb.what[0], HV_EVTCHN_NOTIFY_RAISE);
    CHECK_EQ(sb.vcpu[0], 0);
    /* A send raises the peer's port, and only that. */
    CHECK_EQ(port_op(h, a, E_send, pa), 0);
    CHECK_EQ(sb.n, 2);
    CHECK_EQ(sb.port[1], pb);
    CHECK_EQ(sb.what[1], HV_EVTCHN_NOTIFY_RAISE);
    CHECK_EQ(sa.n, 0);
    CHECK_EQ(hv_evtchn_send(h, b, pb), 0);
    CHECK_EQ(sa.n, 1);
    CHECK_EQ(sa.dom[0], a);
    CHECK_EQ(sa.port[0], pa);
    /* The in-process pending bits still work beside the callback. */
    CHECK_EQ(hv_evtchn_consume(h, a, pa), 1);
    CHECK_EQ(hv_evtchn_pending(h, a, pa), 0);
    /* A failed send notifies nobody. */
    CHECK_EQ(port_op(h, a, E_send, 100), -X_EINVAL);
    CHECK_EQ(sb.n, 2);
    /* Unmask: the host re-checks the port in its own pending state. */
    CHECK_EQ(port_op(h, b, E_unmask, pb), 0);
    CHECK_EQ(sb.n, 3);
    CHECK_EQ(sb.port[2], pb);
    CHECK_EQ(sb.what[2], HV_EVTCHN_NOTIFY_UNMASK);
    /* Xen unmasks any valid port, whatever its state (a free one too). */
    CHECK_EQ(hv_evtchn_unmask(h, b, 100), 0);
    CHECK_EQ(sb.n, 4);
    CHECK_EQ(port_op(h, b, E_unmask, 128), -X_EINVAL); /* beyond the ports */
    CHECK_EQ(port_op(h, b, E_unmask, 0xffffffffU), -X_EINVAL);
    CHECK_EQ(sb.n, 4);
    /* Callback removed: events are still recorded in the model. */
    CHECK_EQ(hv_evtchn_set_notify(h, b, NULL, NULL), 0);
    CHECK_EQ(hv_evtchn_send(h, a, pa), 0);
    CHECK_EQ(sb.n, 4);
    CHECK_EQ(hv_evtchn_pending(h, b, pb), 1);
    /* A bad argument pointer: nothing happens. */
    {
        uint64_t args[6] = {E_unmask, 0xfffff000U, 0, 0, 0, 0};

        CHECK_EQ(hv_evtchn_set_notify(h, b, notify, &sb), 0);
        CHECK_EQ(hv_hypercall(h, b, NR_EVTCHN_OP, args), -X_EFAULT);
        CHECK_EQ(sb.n, 4);
    }
    hv_destroy(h);
}

static void test_bind_vcpu(void)
{
    struct hv *h = mk();
    xsm_domid_t a = mkdom(h, false), b = mkdom(h, true);
    struct hv_evtchn_status st;
    uint32_t pa = 0, pb = 0;

    connect(h, a, b, &pa, &pb);
    /* One vCPU: any other is -ENOENT, checked before the port. */
    CHECK_EQ(pair_op(h, a, E_bind_vcpu, pa, 1), -X_ENOENT);
    CHECK_EQ(pair_op(h, a, E_bind_vcpu, 5000, 1), -X_ENOENT);
    CHECK_EQ(pair_op(h, a, E_bind_vcpu, 5000, 0), -X_EINVAL);
    CHECK_EQ(pair_op(h, a, E_bind_vcpu, 0, 0), -X_EINVAL);  /* reserved */
    CHECK_EQ(pair_op(h, a, E_bind_vcpu, 50, 0), -X_EINVAL); /* free */
    CHECK_EQ(pair_op(h, a, E_bind_vcpu, pa, 0), 0);
    CHECK_EQ(hv_evtchn_bind_vcpu(h, b, pb, 0), 0); /* 32-bit caller: same layout */
    CHECK_EQ(hv_evtchn_bind_vcpu(h, b, pb, 0xffffffffU), -X_ENOENT);
    CHECK_EQ(hv_evtchn_status(h, 0, a, pa, &st), 0);
    CHECK_EQ(st.vcpu, 0);
    /* Unbound ports may be bound too. */
    {
        uint32_t p = 0;

        CHECK_EQ(hv_evtchn_alloc_unbound(h, a, DOMID_SELF, b, &p), 0);
        CHECK_EQ(pair_op(h, a, E_bind_vcpu, p, 0), 0);
    }
    hv_destroy(h);
}

static void test_fifo(bool compat)
{
    struct hv *h = mk();
    xsm_domid_t a = mkdom(h, compat), b = mkdom(h, compat);
    struct hv_evtchn_fifo fi;
    uint8_t lb = 0;
    uint32_t pa = 0, pb = 0;
    uint64_t gfn = 0;

    connect(h, a, b, &pa, &pb);
    /* 2-level until init_control: no priorities, no array to expand. */
    CHECK_EQ(pair_op(h, a, E_set_priority, pa, 3), -X_ENOSYS);
    CHECK_EQ(pair_op(h, a, E_set_priority, 5000, 3), -X_EINVAL); /* port first */
    CHECK_EQ(expand(h, a, 5), -X_EOPNOTSUPP);
    CHECK_EQ(hv_evtchn_fifo(h, a, &fi), -X_ENOENT);
    /* init_control's checks, in Xen's order; none changes anything. */
    CHECK_EQ(init_control(h, a, 5, 0, 1, NULL), -X_ENOENT);
    CHECK_EQ(init_control(h, a, 5, 4096, 1, NULL), -X_ENOENT);
    CHECK_EQ(init_control(h, a, 5, 4096 - CTL_SIZE + 8, 0, NULL), -X_EINVAL);
    CHECK_EQ(init_control(h, a, 5, 0xfffffff8U, 0, NULL), -X_EINVAL);
    CHECK_EQ(init_control(h, a, 5, 12, 0, NULL), -X_EINVAL);          /* not 8-byte aligned */
    CHECK_EQ(init_control(h, a, GMEM / 4096, 0, 0, NULL), -X_EINVAL); /* not populated */
    CHECK_EQ(init_control(h, a, 1ULL << 40, 0, 0, NULL), -X_EINVAL);
    CHECK_EQ(hv_evtchn_fifo(h, a, &fi), -X_ENOENT);
    CHECK_EQ(expand(h, a, 5), -X_EOPNOTSUPP);
    /* A bad argument pointer. */
    {
        uint64_t args[6] = {E_init_control, 0xfffff000U, 0, 0, 0, 0};

        CHECK_EQ(hv_hypercall(h, a, NR_EVTCHN_OP, args), -X_EFAULT);
    }
    /* The last offset that fits: link_bits comes back. */
    CHECK_EQ(init_control(h, a, 5, 4096 - CTL_SIZE, 0, &lb), 0);
    CHECK_EQ(lb, FIFO_LINK_BITS);
    CHECK_EQ(hv_evtchn_fifo(h, a, &fi), 0);
    CHECK_EQ(fi.control_gfn, 5);
    CHECK_EQ(fi.control_offset, 4096 - CTL_SIZE);
    CHECK_EQ(fi.nr_array_pages, 0);
    /* The vCPU has its control block: a second one is -EINVAL. */
    CHECK_EQ(init_control(h, a, 6, 0, 0, NULL), -X_EINVAL);
    CHECK_EQ(hv_evtchn_fifo(h, a, &fi), 0);
    CHECK_EQ(fi.control_gfn, 5);
    /* Priorities: 0 to 15 on a valid port. */
    CHECK_EQ(hv_evtchn_priority(h, a, pa), 7); /* EVTCHN_FIFO_PRIORITY_DEFAULT */
    CHECK_EQ(pair_op(h, a, E_set_priority, pa, 16), -X_EINVAL);
    CHECK_EQ(pair_op(h, a, E_set_priority, 128, 3), -X_EINVAL);
    CHECK_EQ(hv_evtchn_priority(h, a, pa), 7);
    CHECK_EQ(pair_op(h, a, E_set_priority, pa, 15), 0);
    CHECK_EQ(hv_evtchn_priority(h, a, pa), 15);
    CHECK_EQ(hv_evtchn_set_priority(h, a, pa, 0), 0);
    CHECK_EQ(hv_evtchn_priority(h, a, pa), 0);
    CHECK_EQ(hv_evtchn_priority(h, a, 128), -X_EINVAL);
    /* b is still 2-level: each domain chooses its ABI. */
    CHECK_EQ(pair_op(h, b, E_set_priority, pb, 3), -X_ENOSYS);
    /*
     * A port raised while its event array page is missing stays pending in
     * the model; the page's arrival raises it again for the host.
     */
    {
        struct seen sa = {0};

        CHECK_EQ(hv_evtchn_consume(h, a, pa), 0); /* the bind raised b's port, not a's */
        CHECK_EQ(hv_evtchn_set_notify(h, a, notify, &sa), 0);
        CHECK_EQ(hv_evtchn_send(h, b, pb), 0);
        CHECK_EQ(sa.n, 1);
        CHECK_EQ(expand(h, a, GMEM / 4096), -X_EINVAL); /* no page, no raise */
        CHECK_EQ(sa.n, 1);
        CHECK_EQ(expand(h, a, 8), 0);
        CHECK_EQ(sa.n, 2);
        CHECK_EQ(sa.port[1], pa);
        CHECK_EQ(sa.what[1], HV_EVTCHN_NOTIFY_RAISE);
        CHECK_EQ(hv_evtchn_set_notify(h, a, NULL, NULL), 0);
    }
    /* Array pages: populated frames only, at most 128 of them. */
    CHECK_EQ(expand(h, a, GMEM / 4096), -X_EINVAL);
    CHECK_EQ(hv_evtchn_fifo(h, a, &fi), 0);
    CHECK_EQ(fi.nr_array_pages, 1);
    CHECK_EQ(hv_evtchn_fifo_page(h, a, 0, &gfn), 0);
    CHECK_EQ(gfn, 8);
    CHECK_EQ(hv_evtchn_fifo_page(h, a, 1, &gfn), -X_EINVAL);
    for (unsigned i = 1; i < FIFO_MAX_PAGES; i++)
        CHECK_EQ(expand(h, a, 9 + i % 4), 0);
    CHECK_EQ(expand(h, a, 9), -X_ENOSPC);
    CHECK_EQ(hv_evtchn_fifo(h, a, &fi), 0);
    CHECK_EQ(fi.nr_array_pages, FIFO_MAX_PAGES);
    CHECK_EQ(hv_evtchn_fifo_page(h, a, FIFO_MAX_PAGES - 1, &gfn), 0);
    CHECK_EQ(gfn, 9 + (FIFO_MAX_PAGES - 1) % 4);
    /* EVTCHNOP_reset goes back to the 2-level ABI. */
    {
        uint8_t r[2];

        put16(r, DOMID_SELF);
        CHECK_EQ(eop(h, a, E_reset, r, 2), 0);
    }
    CHECK_EQ(hv_evtchn_fifo(h, a, &fi), -X_ENOENT);
    CHECK_EQ(expand(h, a, 8), -X_EOPNOTSUPP);
    CHECK_EQ(init_control(h, a, 5, 0, 0, &lb), 0);
    hv_destroy(h);
}

/* The sub-op is an int in Xen: the register's upper half is not looked at. */
static void test_cmd_width(void)
{
    struct hv *h = mk();
    xsm_domid_t a = mkdom(h, false), b = mkdom(h, false);
    uint32_t pa = 0, pb = 0;

    connect(h, a, b, &pa, &pb);
    CHECK_EQ(hv_evtchn_consume(h, b, pb), 1);
    CHECK_EQ(port_op(h, a, (1ULL << 32) | E_send, pa), 0);
    CHECK_EQ(hv_evtchn_pending(h, b, pb), 1);
    CHECK_EQ(port_op(h, a, 99, pa), -X_ENOSYS);
    CHECK_EQ(port_op(h, a, 15, pa), -X_ENOSYS);
    /*
     * EVTCHNOP_reset_cont (14) is in Xen's switch too: a reset resuming
     * where a preempted one stopped; with none in progress, -EBUSY.
     */
    {
        struct hv_evtchn_status st;
        uint8_t r[2];

        put16(r, DOMID_SELF);
        CHECK_EQ(eop(h, a, (1ULL << 32) | 14, r, 2), -X_EBUSY);
        put16(r, 999);
        CHECK_EQ(eop(h, a, 14, r, 2), -X_ESRCH);
        CHECK_EQ(hv_evtchn_status(h, 0, a, pa, &st), 0);
        CHECK_EQ(st.status, 2); /* still interdomain */
    }
    hv_destroy(h);
}

/* Where the host sends upcalls: HVM_PARAM_CALLBACK_IRQ as the guest set it. */
static void test_upcall_via(void)
{
    struct hv *h = mk();
    xsm_domid_t a = mkdom(h, false);
    uint64_t via = 1;

    CHECK_EQ(hv_evtchn_upcall_via(h, 999, &via), -X_ESRCH);
    CHECK_EQ(hv_evtchn_upcall_via(h, a, &via), 0);
    CHECK_EQ(via, 0);
    CHECK_EQ(hv_hvm_set_param(h, a, DOMID_SELF, 0 /* CALLBACK_IRQ */, (2ULL << 56) | 0xf3), 0);
    CHECK_EQ(hv_evtchn_upcall_via(h, a, &via), 0);
    CHECK_EQ(via, (2ULL << 56) | 0xf3);
    hv_destroy(h);
}

int main(void)
{
    test_notify();
    test_bind_vcpu();
    test_fifo(false);
    test_fifo(true);
    test_cmd_width();
    test_upcall_via();
    return check_report("hv-evtchn");
}
