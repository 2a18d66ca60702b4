/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * "grant" (and "grant gntv2"): two guests, d1 grants a page to d2.
 * Convention: the granter is domain 1, the mapper domain 2, and the grant
 * is ref 8 (the first one past the 8 reserved entries), so neither needs
 * to learn anything from the other; each waits for the other by polling
 * memory they share (yielding in between, with a bound).  With "peer=P"
 * (domains chosen by a toolstack) the lower of the two ids grants.
 *
 * d1 places its grant table (and, with "gntv2", its status frame) in its
 * own memory with add_to_physmap, writes the entry there, and waits for
 * d2's writes to appear in the granted page.  d2 maps the grant with
 * GNTMAP_host_map at MAP_GPA, a guest-physical address above its RAM (the
 * host backs it with d1's page), reads and writes it there, grant-copies
 * into it, and unmaps.  Each prints "name: value" lines that the host's
 * test (test_kvm_grant.py) judges.
 */
#include "rt.h"

typedef unsigned short u16;

void grant_main(const char *cmdline, u32 domid, int v2);

#define HC_memory_op            12
#define HC_grant_table_op       20
#define GNTTABOP_map            0
#define GNTTABOP_unmap          1
#define GNTTABOP_copy           5
#define GNTTABOP_set_ver        8
#define GNTMAP_host_map         2
#define GTF_permit_access       1
#define GTF_reading             8
#define GNTCOPY_dest_gref       2
#define XENMEM_add_to_physmap   7
#define XENMAPSPACE_grant_table 1
#define XENMAPIDX_status        0x80000000u
#define DOMID_SELF              0x7ff0
#define REF                     8
#define MAP_GPA                 0x20000000ul /* 512 MiB: above RAM, mapped by start64.S */
#define TRIES                   200000

static u8 table[4096] __attribute__((aligned(4096)));
static u8 status[4096] __attribute__((aligned(4096)));
static u8 shared[4096] __attribute__((aligned(4096)));
static u8 local[4096] __attribute__((aligned(4096)));

static u32 partner; /* the other domain */

static const char from_d1[] = "granted by d1";
static const char by_d2[] = "written by d2";
static const char copied[] = "copied by d2";

static void yield(void)
{
    hypercall(HC_sched_op, 0 /* SCHEDOP_yield */, 0, 0);
}

static int same(const volatile u8 *p, const char *s)
{
    for (; *s; s++, p++)
        if (*p != (u8)*s)
            return 0;
    return 1;
}

/* xen_add_to_physmap: domid, size, space, idx and gpfn (ulong each). */
static long place(ulong idx, ulong gpfn)
{
    static struct {
        unsigned short domid, size;
        u32 space;
        ulong idx, gpfn;
    } x;

    x.domid = DOMID_SELF;
    x.size = 0;
    x.space = XENMAPSPACE_grant_table;
    x.idx = idx;
    x.gpfn = gpfn;
    return hypercall(HC_memory_op, XENMEM_add_to_physmap, (ulong)&x, 0);
}

static void granter(int v2)
{
    volatile u16 *flags;
    long i;

    if (v2) {
        static u32 ver = 2;

        say("set_version 2", hypercall(HC_grant_table_op, GNTTABOP_set_ver, (ulong)&ver, 1));
    }
    say("place table", place(0, (ulong)table >> 12));
    if (v2)
        say("place status", place(XENMAPIDX_status, (ulong)status >> 12));
    memcpy(shared, from_d1, sizeof(from_d1));
    if (v2) {
        /* grant_entry_v2: flags, domid, pad, then a 64-bit frame at 8. */
        u8 *e = table + REF * 16;

        *(volatile u16 *)(e + 2) = (u16)partner;
        *(volatile u64 *)(e + 8) = (ulong)shared >> 12;
        flags = (volatile u16 *)e;
    } else {
        u8 *e = table + REF * 8;

        *(volatile u16 *)(e + 2) = (u16)partner;
        *(volatile u32 *)(e + 4) = (u32)((ulong)shared >> 12);
        flags = (volatile u16 *)e;
    }
    __asm__ volatile("" ::: "memory"); /* the entry is whole before it is valid */
    *flags = GTF_permit_access;
    for (i = 0; i < TRIES && !same(shared + 1024, by_d2); i++)
        yield();
    say("granter sees the mapper's write", same(shared + 1024, by_d2));
    if (!same(shared + 1024, by_d2))
        return; /* refused (the mapper says why), or the mapper is gone */
    for (i = 0; i < TRIES && !same(shared + 2048, copied); i++)
        yield();
    say("granter sees the copy", same(shared + 2048, copied));
    /* In use while mapped (reading bit: v1 in the entry, v2 in its status). */
    for (i = 0; i < TRIES && (v2 ? *(volatile u16 *)(status + REF * 2) : *flags) & GTF_reading; i++)
        yield();
    say("granter sees the unmap",
        !((v2 ? *(volatile u16 *)(status + REF * 2) : *flags) & GTF_reading));
}

static void mapper(void)
{
    /* gnttab_map_grant_ref: host_addr, flags, ref, dom, status, handle, dev_bus_addr. */
    static struct {
        u64 host_addr;
        u32 flags, ref;
        unsigned short dom;
        short status;
        u32 handle;
        u64 dev_bus_addr;
    } m;
    static struct {
        u64 host_addr, dev_bus_addr;
        u32 handle;
        short status;
    } u;
    /* gnttab_copy: two gnttab_copy_ptr (union of ulong, domid, offset), len, flags, status. */
    static struct {
        struct {
            ulong ref_or_gfn;
            unsigned short domid, offset;
        } src, dst;
        unsigned short len, flags;
        short status;
    } c;
    volatile u8 *p = (volatile u8 *)MAP_GPA;
    long i;

    for (i = 0; i < TRIES; i++) {
        memset(&m, 0, sizeof(m));
        m.host_addr = MAP_GPA;
        m.flags = GNTMAP_host_map;
        m.ref = REF;
        m.dom = (u16)partner;
        if (hypercall(HC_grant_table_op, GNTTABOP_map, (ulong)&m, 1) != 0 ||
            m.status != -1 /* general_error: not granted yet */)
            break;
        yield();
    }
    say("map status", m.status);
    memcpy(local, copied, sizeof(copied));
    c.src.ref_or_gfn = (ulong)local >> 12;
    c.src.domid = DOMID_SELF;
    c.src.offset = 0;
    c.dst.ref_or_gfn = REF;
    c.dst.domid = (u16)partner;
    c.dst.offset = 2048;
    c.len = sizeof(copied);
    c.flags = GNTCOPY_dest_gref;
    if (m.status != 0) {
        say("copy rc", hypercall(HC_grant_table_op, GNTTABOP_copy, (ulong)&c, 1));
        say("copy status", c.status);
        return;
    }
    say("mapper reads the grant", same(p, from_d1));
    for (i = 0; by_d2[i]; i++)
        p[1024 + i] = (u8)by_d2[i];
    say("copy rc", hypercall(HC_grant_table_op, GNTTABOP_copy, (ulong)&c, 1));
    say("copy status", c.status);
    say("mapper sees the copy", same(p + 2048, copied));
    u.host_addr = MAP_GPA;
    u.handle = m.handle;
    say("unmap rc", hypercall(HC_grant_table_op, GNTTABOP_unmap, (ulong)&u, 1));
    say("unmap status", u.status);
}

void grant_main(const char *cmdline, u32 domid, int v2)
{
    u32 peer = (u32)cmdline_num(cmdline, "peer=");

    if (peer ? domid < peer : domid == 1) {
        partner = peer ? peer : 2;
        granter(v2);
    } else {
        partner = peer ? peer : 1;
        mapper();
    }
}
