/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * "argo": two guests exchange a message each over argo.  Convention: the
 * guests are domains 1 and 2, each registers a ring on port PORT for the
 * other (single-source) in its own memory, sends its message to the other
 * (retrying while the other's ring is not there yet: -ECONNREFUSED), and
 * polls its own ring until the other's message is there (no VIRQ here).
 */
#include "rt.h"

void argo_main(u32 domid);

#define HC_argo_op   39
#define A_register   1
#define A_sendv      3
#define PORT         0x10
#define RING_LEN     (4096 - 64) /* one page with the 64-byte header */
#define ECONNREFUSED 111
#define TRIES        200000
#define MSG_TYPE     0x42

/* struct xen_argo_ring: rx_ptr, tx_ptr, reserved, then the ring. */
static u8 ring[4096] __attribute__((aligned(4096)));

static void yield(void)
{
    hypercall(HC_sched_op, 0 /* SCHEDOP_yield */, 0, 0);
}

void argo_main(u32 domid)
{
    static struct {
        u32 aport;
        unsigned short partner, pad;
        u32 len;
    } reg;
    static struct {
        u32 src_port;
        unsigned short src_dom, pad0;
        u32 dst_port;
        unsigned short dst_dom, pad1;
    } addr;
    static u64 gfn;
    static char msg[] = "argo from dN";
    volatile u32 *rx = (volatile u32 *)ring, *tx = (volatile u32 *)(ring + 4);
    u32 partner = domid == 1 ? 2 : 1;
    long rc = 0, i;

    reg.aport = PORT;
    reg.partner = (unsigned short)partner;
    reg.len = RING_LEN;
    gfn = (ulong)ring >> 12;
    say("argo register", hypercall5(HC_argo_op, A_register, (ulong)&reg, (ulong)&gfn, 1, 0));

    msg[sizeof(msg) - 2] = (char)('0' + domid);
    addr.src_port = PORT;
    addr.src_dom = (unsigned short)domid;
    addr.dst_port = PORT;
    addr.dst_dom = (unsigned short)partner;
    {
        /* xen_argo_iov_t: a guest handle, then len and pad (16 bytes; 12 for 32-bit). */
        static u32 v[4];

        v[0] = (u32)(ulong)msg;
        if (sizeof(long) == 8) {
            v[1] = (u32)((u64)(ulong)msg >> 32);
            v[2] = sizeof(msg) - 1;
            v[3] = 0;
        } else {
            v[1] = sizeof(msg) - 1;
            v[2] = 0;
        }
        for (i = 0; i < TRIES; i++) {
            rc = hypercall5(HC_argo_op, A_sendv, (ulong)&addr, (ulong)v, 1, MSG_TYPE);
            if (rc != -ECONNREFUSED)
                break;
            yield();
        }
    }
    say("argo sendv", rc);
    for (i = 0; i < TRIES && *rx == *tx; i++)
        yield();
    {
        /* The message header at rx: len (with the header), source, type. */
        const u8 *h = ring + 64 + *rx;
        u32 len = *(const u32 *)h - 16;
        char want[sizeof(msg)];

        memcpy(want, msg, sizeof(msg));
        want[sizeof(msg) - 2] = (char)('0' + partner);
        say("argo received len", *rx == *tx ? -1 : (long)len);
        say("argo from domain", *(const unsigned short *)(h + 8));
        say("argo message type", *(const u32 *)(h + 12));
        i = len == sizeof(msg) - 1;
        for (u32 j = 0; i && j < len; j++)
            i = h[16 + j] == (u8)want[j];
        say("argo message ok", i);
        *rx = (*rx + 16 + ((len + 15) & ~15u)) % RING_LEN; /* consumed */
    }
}
