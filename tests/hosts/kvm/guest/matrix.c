/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The privilege matrix from inside a guest (command-line word "matrix";
 * test_kvm_matrix.py).  The in-process matrix (tests/hv/test-hv-matrix.c)
 * names each operation by a key and answers each cell with the model;
 * this program issues the operation named by "op=KEY" as a real hypercall
 * of a KVM guest, in the role named by "role=":
 *
 *   target   a domU acting on itself (T is its own id); a second VM, d2,
 *            only exists, as set_target's other domain
 *   plain    two VMs: d1 acts on d2 (T), d2 only prepares what d1 needs
 *   control  the guest is dom0 (--dom0); T is a domain it creates, or,
 *            where T must prepare something itself (t_prepares: grant
 *            the caller a page, register a ring), a second VM, d1, that
 *            xsm-kvm-run created for dom0
 *
 * One operation per boot, so that every cell starts from a fresh
 * hypervisor, as the in-process cells do.  The set-up that the in-process
 * cell does through the library (as dom0, or in T's name) is done here by
 * the guest that may do it (T itself, or dom0); when that is refused the
 * cell is "N".  Output, one line each (the test parses them), through
 * console_io, or with "console=pv" into the PV console ring (for a domain
 * that is not a console domain):
 *
 *   matrix KEY RC STATUS     RC the hypercall's result, STATUS the grant
 *                            status or 1 for a "<denied>" string, else 0
 *   matrix KEY N RC          the guest's own set-up was refused with RC
 *   matrix KEY unsupported   the key is not known here
 *   matrix-peer KEY RC       T's set-up in its own VM, RC of its step
 *
 * Also the word "xsmops": xsm_op discovery and FLASK queries, printed as
 * "xsmop NAME VALUE" (the 32-bit guest uses the compat layouts).
 */
#include "rt.h"

#define HC_memory_op      12
#define HC_grant_table_op 20
#define HC_evtchn_op      32
#define HC_sysctl         35
#define HC_domctl         36
#define HC_argo_op        39

#define DOMID_SELF    0x7ff0u
#define DOMID_INVALID 0x7ff4u /* argo's any-source partner */
#define EPERM         1
#define ESRCH         3
#define EINVAL        22
#define EACCES        13
#define ECONNREFUSED  111

#define GNTST_general_error (-1) /* also: T's entry is not there yet */
#define GNTST_denied        (-8)
#define GTF_permit_access   1
#define GTF_accept_transfer 2
#define GNTMAP_host_map     2
#define GNTCOPY_dest_gref   2
#define MAP_GPA             0x20000000ul /* 512 MiB: above RAM (guest/grant.c) */

/* Operation buffers: identity-mapped (64-bit) or paging off (32-bit). */
static u8 op[256] __attribute__((aligned(8)));
static u8 buf[1024] __attribute__((aligned(8)));
static u8 ring[4096] __attribute__((aligned(4096)));
/* T's grant table frame 0 (placed here), the page it grants, the caller's own page. */
static u8 gtab[4096] __attribute__((aligned(4096)));
static u8 gpage[4096] __attribute__((aligned(4096)));
static u8 mine[4096] __attribute__((aligned(4096)));

static void put16(u8 *p, u32 v)
{
    p[0] = (u8)v;
    p[1] = (u8)(v >> 8);
}

static void put32(u8 *p, u32 v)
{
    put16(p, v);
    put16(p + 2, v >> 16);
}

static void put64(u8 *p, u64 v)
{
    put32(p, (u32)v);
    put32(p + 4, (u32)(v >> 32));
}

static u32 get32(const u8 *p)
{
    return (u32)p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 | (u32)p[3] << 24;
}

static int memeq(const void *a, const void *b, ulong n)
{
    const u8 *p = a, *q = b;

    while (n && *p == *q)
        n--, p++, q++;
    return n == 0;
}

static int streq(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return *a == *b;
}

/* "name=value" in the command line: copies value (up to a space). */
static int arg(const char *cl, const char *name, char *out, ulong size)
{
    ulong n = strlen(name);

    for (const char *p = cl; *p; p++) {
        ulong i = 0, k = 0;

        if (p != cl && p[-1] != ' ')
            continue;
        while (i < n && p[i] == name[i])
            i++;
        if (i < n || p[n] != '=')
            continue;
        for (p += n + 1; *p && *p != ' ' && k + 1 < size; p++)
            out[k++] = *p;
        out[k] = 0;
        return 1;
    }
    return 0;
}

/* Decimal into s; returns the end. */
static char *num(char *s, long v)
{
    char d[24];
    int k = 0;
    unsigned long u = v < 0 ? 0UL - (unsigned long)v : (unsigned long)v;

    if (v < 0)
        *s++ = '-';
    do {
        d[k++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    while (k)
        *s++ = d[--k];
    return s;
}

int rings_puts(const char *s); /* guest/ring.c */

/* "console=pv": lines go into the PV console ring (no console_io: --no-console-io). */
static int pv_console;

/* "WHAT KEY" then up to two numbers (or a word) and a newline. */
static void line(const char *what, const char *key, const char *word, long a, long b, int nnum)
{
    char l[160], *s = l;

    for (const char *p = what; *p; p++)
        *s++ = *p;
    *s++ = ' ';
    for (const char *p = key; *p && s < l + 100; p++)
        *s++ = *p;
    if (word) {
        *s++ = ' ';
        for (const char *p = word; *p; p++)
            *s++ = *p;
    }
    if (nnum > 0) {
        *s++ = ' ';
        s = num(s, a);
    }
    if (nnum > 1) {
        *s++ = ' ';
        s = num(s, b);
    }
    *s++ = '\n';
    *s = 0;
    if (!pv_console || rings_puts(l) != 0)
        puts_(l);
}

static long evtchn(u32 cmd)
{
    return hypercall5(HC_evtchn_op, cmd, (ulong)op, 0, 0, 0);
}

/* EVTCHNOP_alloc_unbound { dom, remote_dom, port }: the port, or rc < 0. */
static long alloc_unbound(u32 dom, u32 remote)
{
    long rc;

    memset(op, 0, 8);
    put16(op, dom);
    put16(op + 2, remote);
    rc = evtchn(6);
    return rc < 0 ? rc : (long)get32(op + 4);
}

/* EVTCHNOP_status { dom, port, ... } */
static long evtchn_status(u32 dom, u32 port)
{
    memset(op, 0, 24);
    put16(op, dom);
    put32(op + 4, port);
    return evtchn(5);
}

/* argo register_ring { aport, partner, pad, len } of 'ring', one page. */
static long argo_register(u32 aport, u32 partner)
{
    memset(op, 0, 16);
    put32(op, aport);
    put16(op + 4, partner);
    put32(op + 8, 4096 - 64);
    put64(buf, (u64)(ulong)ring >> 12);
    return hypercall5(HC_argo_op, 1, (ulong)op, (ulong)buf, 1, 0);
}

/* domctl/sysctl: cmd, interface_version 0x15, domain; u at 16. */
static long ctl(unsigned nr, u32 cmd, u32 dom)
{
    memset(op, 0, 144);
    put32(op, cmd);
    put32(op + 4, 0x15);
    put16(op + 8, dom);
    return hypercall5(nr, (ulong)op, 0, 0, 0, 0);
}

/* FLASK CONTEXT_TO_SID of the guests' label, as dom0 (0 where no FLASK). */
static u32 domu_sid(void)
{
    static const char label[] = "system_u:system_r:domU_t";

    memset(op, 0, 40);
    put32(op, 4);
    put32(op + 4, 1);
    put32(op + 12, sizeof(label) - 1);
    put32(op + 16, (u32)(ulong)label);
    if (sizeof(long) == 8)
        put32(op + 20, (u32)((u64)(ulong)label >> 32));
    return hypercall5(HC_xsm_op, (ulong)op, 0, 0, 0, 0) == 0 ? get32(op + 8) : 0;
}

/* dom0 creates a domain labelled as the guests (flags: HVM). */
static long create_domain(u32 sid)
{
    long rc;

    memset(op, 0, 144);
    put32(op, 1);
    put32(op + 4, 0x15);
    put32(op + 16, sid);
    put32(op + 36, 1); /* XEN_DOMCTL_CDF_hvm */
    rc = hypercall5(HC_domctl, (ulong)op, 0, 0, 0, 0);
    return rc < 0 ? rc : (long)(op[8] | op[9] << 8);
}

struct ctx {
    const char *key;
    int role;  /* 0 control, 1 plain, 2 target */
    int other; /* T is another VM, preparing its part itself */
    u32 self, t, x;
};

static void result(const struct ctx *c, long rc, long status)
{
    line("matrix", c->key, 0, rc, status, 2);
}

static void setup_refused(const struct ctx *c, long rc)
{
    line("matrix", c->key, "N", rc, 0, 1);
}

/*
 * plain: d1 starts before d2 exists.  A status query of d2's port 1 fails
 * with -ESRCH until then (the port number is valid in Xen even when free,
 * so this says nothing about d2's set-up: the operations that need it
 * retry while they get the answer of "not set up yet", see retry()).
 */
static long wait_peer(const struct ctx *c)
{
    long rc = -ESRCH;

    for (unsigned i = 0; i < 200000 && rc == -ESRCH; i++) {
        rc = evtchn_status(c->t, 1);
        if (rc == -ESRCH)
            hypercall(HC_sched_op, 0 /* yield */, 0, 0);
    }
    return rc;
}

/*
 * The operation again while it fails with 'notyet' (d2 has not made its
 * port or ring yet), a bounded number of times: when d2's set-up was
 * refused, its matrix-peer line says so and the cell is not compared.
 */
static long retry(const struct ctx *c, long (*fn)(const struct ctx *), long notyet)
{
    long rc = fn(c);

    for (unsigned i = 0; i < 5000 && c->other && rc == notyet; i++) {
        hypercall(HC_sched_op, 0 /* yield */, 0, 0);
        rc = fn(c);
    }
    return rc;
}

/*
 * The grant entry a cell uses and its type, as the in-process cell writes
 * it for the caller (ref 1 map and unmap, 2 copy, 3 transfer); 0 for a
 * cell without one.
 */
static u32 grant_ref(const char *key, u32 *type)
{
    *type = GTF_permit_access;
    if (streq(key, "gnttab_map_T_s_grant") || streq(key, "gnttab_unmap"))
        return 1;
    if (streq(key, "gnttab_copy_into_T"))
        return 2;
    *type = GTF_accept_transfer;
    return streq(key, "gnttab_transfer_to_T") ? 3 : 0;
}

/*
 * T grants: its table's frame 0 placed at gtab (add_to_physmap { domid,
 * size, space, idx, gpfn }, idx and gpfn a long each), then the v1 entry
 * { flags, domid, frame } for 'grantee', of gpage, valid last.
 */
static long grant_to(const char *key, u32 grantee)
{
    u32 type, ref = grant_ref(key, &type);
    u8 *e = gtab + ref * 8;
    long rc;

    memset(op, 0, 24);
    put16(op, DOMID_SELF);
    put32(op + 4, 1); /* XENMAPSPACE_grant_table */
    if (sizeof(long) == 8) {
        put64(op + 16, (ulong)gtab >> 12);
    } else {
        put32(op + 12, (u32)((ulong)gtab >> 12));
    }
    rc = hypercall5(HC_memory_op, 7 /* XENMEM_add_to_physmap */, (ulong)op, 0, 0, 0);
    if (rc < 0)
        return rc;
    put16(e + 2, grantee);
    put32(e + 4, (u32)((ulong)gpage >> 12));
    __asm__ volatile("" ::: "memory"); /* the entry is whole before it is valid */
    *(volatile unsigned short *)e = (unsigned short)type;
    return 0;
}

/* Does T prepare this cell itself (a grant to the caller, its argo ring)? */
static int t_prepares(const char *key)
{
    u32 type;

    return grant_ref(key, &type) != 0 || streq(key, "argo_sendv_to_T");
}

/* T in its own VM (plain: d2, control: d1): prepares its side, reports it, powers off. */
static void peer(const char *key, u32 caller)
{
    u32 type;
    long rc = 0;

    if (grant_ref(key, &type)) {
        rc = grant_to(key, caller);
    } else if (streq(key, "evtchn_bind_interdomain_to_T")) {
        rc = alloc_unbound(DOMID_SELF, 1); /* for d1: the first free port */
    } else if (streq(key, "argo_sendv_to_T")) {
        rc = argo_register(70, DOMID_INVALID);
    }
    /* T's port 1 for the status query (the in-process cell's). */
    if (streq(key, "evtchn_status_of_T"))
        rc = alloc_unbound(DOMID_SELF, 0);
    line("matrix-peer", key, 0, rc, 0, 1);
}

/*
 * FLASK refuses the status of a port T has not allocated yet (a free
 * channel has no label), so d1 asks again until T's port is there.
 */
static long status_port1(const struct ctx *c)
{
    return evtchn_status(c->t, 1);
}

/*
 * T's port for us is its first free one, after the ports the host took for
 * T's console and xenstore rings: a port that is not unbound for us is
 * -EINVAL before any XSM check (Xen's order), so the first other answer is
 * the cell's.
 */
static long bind_port1(const struct ctx *c)
{
    return evtchn_bind_first(c->t, 0);
}

static int run_evtchn(const struct ctx *c)
{
    long p;

    if (streq(c->key, "evtchn_alloc_unbound_self->T")) {
        p = alloc_unbound(DOMID_SELF, c->t);
        result(c, p < 0 ? p : 0, 0); /* the hypercall's result, not the port */
    } else if (streq(c->key, "evtchn_alloc_unbound_T->self")) {
        p = alloc_unbound(c->t, c->self);
        result(c, p < 0 ? p : 0, 0);
    } else if (streq(c->key, "evtchn_bind_interdomain_to_T")) {
        /* T's unbound port for us: T made it (plain: port 1), or we do. */
        if (c->role == 1) {
            result(c, retry(c, bind_port1, -EINVAL), 0);
            return 1;
        }
        p = alloc_unbound(c->t, c->role == 0 ? 0 : c->self);
        if (p < 0) {
            setup_refused(c, p);
            return 1;
        }
        memset(op, 0, 12);
        put16(op, c->t);
        put32(op + 4, (u32)p);
        result(c, evtchn(0), 0);
    } else if (streq(c->key, "evtchn_send") || streq(c->key, "evtchn_close")) {
        p = alloc_unbound(DOMID_SELF, 0);
        if (p < 0) {
            setup_refused(c, p);
            return 1;
        }
        memset(op, 0, 4);
        put32(op, (u32)p);
        result(c, evtchn(streq(c->key, "evtchn_send") ? 4 : 3), 0);
    } else if (streq(c->key, "evtchn_status_of_T")) {
        /*
         * plain: T made port 1 (a free port is valid too in Xen, so the
         * answer does not depend on whether T is done).
         */
        p = c->role == 1 ? 1 : alloc_unbound(c->t, 0);
        if (p < 0) {
            setup_refused(c, p);
            return 1;
        }
        result(c, c->role == 1 ? retry(c, status_port1, -EACCES) : evtchn_status(c->t, (u32)p), 0);
    } else if (streq(c->key, "evtchn_reset_T")) {
        memset(op, 0, 2);
        put16(op, c->t);
        result(c, evtchn(10), 0);
    } else {
        return 0;
    }
    return 1;
}

static long gnt_rc; /* the last grant_table_op's own result */

/* The status of the last grant operation (a signed 16-bit field of op), or its result. */
static long gst(long rc, unsigned off)
{
    gnt_rc = rc;
    return rc ? rc : (short)(op[off] | op[off + 1] << 8);
}

/* map { host_addr, flags, ref, dom, status, handle }: T's ref 1 at MAP_GPA. */
static long map_ref1(const struct ctx *c)
{
    long rc;

    memset(op, 0, 32);
    put64(op, MAP_GPA);
    put32(op + 8, GNTMAP_host_map);
    put32(op + 12, 1);
    put16(op + 16, c->t);
    rc = hypercall5(HC_grant_table_op, 0, (ulong)op, 1, 0, 0);
    return gst(rc, 18);
}

/*
 * copy { src { gfn, domid, offset }, dst { ref, domid, offset }, len,
 * flags, status }: 64 bytes of our own page into T's ref 2.  Each side is
 * 16 bytes (the union a long), or 8 in the compat layout.
 */
static long copy_ref2(const struct ctx *c)
{
    unsigned w = sizeof(long), half = 2 * w;
    long rc;

    memset(op, 0, 40);
    memcpy(mine, "copied by the caller", 20);
    put32(op, (u32)((ulong)mine >> 12));
    put16(op + w, DOMID_SELF);
    put32(op + half, 2);
    put16(op + half + w, c->t);
    put16(op + 2 * half, 64);
    put16(op + 2 * half + 2, GNTCOPY_dest_gref);
    rc = hypercall5(HC_grant_table_op, 5, (ulong)op, 1, 0, 0);
    return gst(rc, 2 * half + 4);
}

/* transfer { mfn, domid, ref, status }: our own page to T's ref 3 (compat: mfn 32-bit). */
static long transfer_ref3(const struct ctx *c)
{
    unsigned w = sizeof(long);
    long rc;

    memset(op, 0, 24);
    put32(op, (u32)((ulong)mine >> 12));
    put16(op + w, c->t);
    put32(op + w + 4, 3);
    rc = hypercall5(HC_grant_table_op, 4, (ulong)op, 1, 0, 0);
    return gst(rc, w + 8);
}

/*
 * Map, unmap, copy, transfer on T's grant, which T (or we, being T) wrote
 * first.  An answer of general_error may mean that T has not written it
 * yet: asked again (bounded).  The result line carries the hypercall's
 * result and the status, as the in-process cell reads them.
 */
static int run_grant(const struct ctx *c)
{
    u32 type;
    long st;

    if (!grant_ref(c->key, &type))
        return 0;
    if (!c->other && (st = grant_to(c->key, c->self)) < 0) {
        setup_refused(c, st);
        return 1;
    }
    if (streq(c->key, "gnttab_copy_into_T")) {
        st = retry(c, copy_ref2, GNTST_general_error);
    } else if (streq(c->key, "gnttab_transfer_to_T")) {
        st = retry(c, transfer_ref3, GNTST_general_error);
    } else {
        st = retry(c, map_ref1, GNTST_general_error);
        if (!gnt_rc && st == GNTST_denied && streq(c->key, "gnttab_unmap")) {
            setup_refused(c, st); /* nothing mapped to unmap */
            return 1;
        }
        if (!gnt_rc && st == 0 && streq(c->key, "gnttab_unmap")) {
            /* unmap { host_addr, dev_bus_addr, handle, status } */
            u32 handle = get32(op + 20);
            long rc;

            memset(op, 0, 24);
            put64(op, MAP_GPA);
            put32(op + 16, handle);
            rc = hypercall5(HC_grant_table_op, 1, (ulong)op, 1, 0, 0);
            st = gst(rc, 20);
        }
    }
    result(c, gnt_rc, gnt_rc ? 0 : st);
    return 1;
}

static int run_gnttab(const struct ctx *c)
{
    long rc;

    if (streq(c->key, "gnttab_setup_table_T")) {
        /* { dom, nr_frames, status, frame_list }: the handle at 12 (compat) or 16. */
        memset(op, 0, 24);
        put16(op, c->t);
        put32(op + 4, 2);
        if (sizeof(long) == 8)
            put64(op + 16, (ulong)buf);
        else
            put32(op + 12, (u32)(ulong)buf);
        rc = hypercall5(HC_grant_table_op, 2, (ulong)op, 1, 0, 0);
        result(c, rc, (short)(op[8] | op[9] << 8));
    } else if (streq(c->key, "gnttab_query_size_T")) {
        memset(op, 0, 16);
        put16(op, c->t);
        rc = hypercall5(HC_grant_table_op, 6, (ulong)op, 1, 0, 0);
        result(c, rc, (short)(op[12] | op[13] << 8));
    } else {
        return run_grant(c);
    }
    return 1;
}

/* argo sendv: send_addr { src { aport 1, us }, dst { 70, T } }, one iov. */
static long sendv(const struct ctx *c)
{
    memset(op, 0, 48);
    put32(op, 1);
    put16(op + 4, c->self);
    put32(op + 8, 70);
    put16(op + 12, c->t);
    memcpy(buf, "ping", 4);
    if (sizeof(long) == 8) {
        put64(op + 16, (ulong)buf);
        put32(op + 24, 4);
    } else {
        put32(op + 16, (u32)(ulong)buf); /* compat iov: handle, len, pad */
        put32(op + 20, 4);
    }
    return hypercall5(HC_argo_op, 3, (ulong)op, (ulong)op + 16, 1, 0);
}

static int run_argo(const struct ctx *c)
{
    if (streq(c->key, "argo_register_single-source_T")) {
        result(c, argo_register(40, c->t), 0);
    } else if (streq(c->key, "argo_register_any-source")) {
        result(c, argo_register(40, DOMID_INVALID), 0);
    } else if (streq(c->key, "argo_sendv_to_T")) {
        /* T's ring: registered by T's own VM, or by us, being T. */
        long rc = c->other ? 0 : argo_register(70, DOMID_INVALID);

        if (rc < 0) {
            setup_refused(c, rc);
            return 1;
        }
        result(c, retry(c, sendv, -ECONNREFUSED), 0);
    } else {
        return 0;
    }
    return 1;
}

/* Is the string at buf Xen's "<denied>"? */
static int denied_string(void)
{
    return streq((const char *)buf, "<denied>");
}

static int run_info(const struct ctx *c)
{
    long rc;

    if (streq(c->key, "xen_version_version")) {
        result(c, hypercall5(HC_xen_version, 0, (ulong)buf, 0, 0, 0), 0);
    } else if (streq(c->key, "xen_version_extraversion") ||
               streq(c->key, "xen_version_commandline")) {
        memset(buf, 0, sizeof(buf));
        rc = hypercall5(HC_xen_version, streq(c->key, "xen_version_commandline") ? 9 : 1,
                        (ulong)buf, 0, 0, 0);
        result(c, rc, rc >= 0 && denied_string());
    } else if (streq(c->key, "xen_version_build_id")) {
        memset(buf, 0, sizeof(buf));
        put32(buf, 64);
        result(c, hypercall5(HC_xen_version, 10, (ulong)buf, 0, 0, 0), 0);
    } else if (streq(c->key, "console_io_write")) {
        result(c, hypercall5(HC_console_io, 0, 6, (ulong) "hello\n", 0, 0), 0);
    } else if (streq(c->key, "console_io_read")) {
        result(c, hypercall5(HC_console_io, 1, 16, (ulong)buf, 0, 0), 0);
    } else if (streq(c->key, "xsm_op_LIST_MODULES") || streq(c->key, "xsm_op_MODULE_INFO_silo")) {
        int info = streq(c->key, "xsm_op_MODULE_INFO_silo");

        memset(op, 0, 40);
        put32(op, 1u << 16 | (info ? 2 : 1)); /* XSM_OP_CMD(CORE, ...) */
        put32(op + 4, 1);
        if (info)
            put16(op + 8, 3); /* XSM_MODULE_SILO */
        result(c, hypercall5(HC_xsm_op, (ulong)op, 0, 0, 0, 0), 0);
    } else {
        return 0;
    }
    return 1;
}

static int run_ctl(const struct ctx *c)
{
    static const struct {
        const char *key;
        u32 cmd;
    } dom[] = {
        {"domctl_createdomain", 1},    {"domctl_destroydomain_T", 2},
        {"domctl_pausedomain_T", 3},   {"domctl_unpausedomain_T", 4},
        {"domctl_getdomaininfo_T", 5}, {"domctl_set_target_d5->T", 46},
    };

    for (unsigned i = 0; i < sizeof(dom) / sizeof(dom[0]); i++) {
        if (!streq(c->key, dom[i].key))
            continue;
        memset(op, 0, 144);
        put32(op, dom[i].cmd);
        put32(op + 4, 0x15);
        put16(op + 8, dom[i].cmd == 1 ? 0 : dom[i].cmd == 46 ? c->x : c->t);
        if (dom[i].cmd == 46)
            put16(op + 16, c->t);
        result(c, hypercall5(HC_domctl, (ulong)op, 0, 0, 0, 0), 0);
        return 1;
    }
    if (streq(c->key, "sysctl_readconsole")) {
        memset(op, 0, 144);
        put32(op, 1);
        put32(op + 4, 0x15);
        put64(op + 16, (ulong)buf);
        put32(op + 24, 64);
        result(c, hypercall5(HC_sysctl, (ulong)op, 0, 0, 0, 0), 0);
    } else if (streq(c->key, "sysctl_physinfo")) {
        result(c, ctl(HC_sysctl, 3, 0), 0);
    } else if (streq(c->key, "sysctl_xsm_info")) {
        result(c, ctl(HC_sysctl, 0x4f580001u, 0xffff), 0); /* query_id NONE */
    } else {
        return 0;
    }
    return 1;
}

/* xsm_op from inside: discovery, then FLASK queries (the layout of this mode). */
static void xsmops(void)
{
    static const char ctx[] = "system_u:system_r:domU_t";
    static const char boolname[] = "guest_writeconsole";
    u32 sid;
    long rc;

    memset(op, 0, 40);
    put32(op, 1u << 16 | 1); /* LIST_MODULES */
    put32(op + 4, 1);
    rc = hypercall5(HC_xsm_op, (ulong)op, 0, 0, 0, 0);
    line("xsmop", "list_modules", 0, rc, 0, 1);
    line("xsmop", "count", 0, (long)get32(op + 12), 0, 1);
    for (unsigned i = 0; i < get32(op + 12) && i < 4; i++)
        line("xsmop", "module", 0, op[16 + 2 * i] | op[17 + 2 * i] << 8, 0, 1);
    for (u32 id = 0; id < 4; id++) {
        static const char *const names[] = {"info_flask", "info_core", "info_dummy", "info_silo"};

        memset(op, 0, 40);
        put32(op, 1u << 16 | 2); /* MODULE_INFO: flags at payload 4 */
        put32(op + 4, 1);
        put16(op + 8, id);
        rc = hypercall5(HC_xsm_op, (ulong)op, 0, 0, 0, 0);
        /* flags at payload 2, slot at 3 */
        line("xsmop", names[id], 0, rc, rc == 0 ? (long)(op[10] | op[11] << 8) : 0, 2);
    }
    memset(op, 0, 40);
    put32(op, 2); /* FLASK_GETENFORCE */
    put32(op + 4, 1);
    line("xsmop", "getenforce", 0, hypercall5(HC_xsm_op, (ulong)op, 0, 0, 0, 0), 0, 1);
    put32(op, 10); /* FLASK_POLICYVERS */
    line("xsmop", "policyvers", 0, hypercall5(HC_xsm_op, (ulong)op, 0, 0, 0, 0), 0, 1);
    /* sid_context { sid, size, context } */
    memset(op, 0, 40);
    put32(op, 4);
    put32(op + 4, 1);
    put32(op + 12, sizeof(ctx) - 1);
    put32(op + 16, (u32)(ulong)ctx);
    put32(op + 20, sizeof(long) == 8 ? (u32)((u64)(ulong)ctx >> 32) : 0xdeadbeef);
    rc = hypercall5(HC_xsm_op, (ulong)op, 0, 0, 0, 0);
    sid = rc == 0 ? get32(op + 8) : 0;
    line("xsmop", "context_to_sid", 0, rc, 0, 1);
    /*
     * SID_TO_CONTEXT of that SID: the string comes back through the handle
     * (written by the host through this mode's layout), its size in size.
     */
    memset(op, 0, 40);
    memset(buf, 0, sizeof(buf));
    put32(op, 5); /* FLASK_SID_TO_CONTEXT */
    put32(op + 4, 1);
    put32(op + 8, sid);
    put32(op + 12, 128);
    put32(op + 16, (u32)(ulong)buf);
    put32(op + 20, sizeof(long) == 8 ? (u32)((u64)(ulong)buf >> 32) : 0xdeadbeef);
    rc = hypercall5(HC_xsm_op, (ulong)op, 0, 0, 0, 0);
    line("xsmop", "sid_to_context", 0, rc,
         rc == 0 && get32(op + 12) == sizeof(ctx) && memeq(buf, ctx, sizeof(ctx) - 1), 2);
    /*
     * access { ssid, tsid, tclass, pad, req, allowed, audit_allow,
     * audit_deny, seqno }: domU_t on itself, class domain (2), every bit.
     */
    memset(op, 0, 40);
    put32(op, 6); /* FLASK_ACCESS */
    put32(op + 4, 1);
    put32(op + 8, sid);
    put32(op + 12, sid);
    put16(op + 16, 2);
    put32(op + 20, 0xffffffffu);
    rc = hypercall5(HC_xsm_op, (ulong)op, 0, 0, 0, 0);
    line("xsmop", "access", 0, rc, rc == 0 ? (long)get32(op + 24) : 0, 2);
    /* boolean { bool_id -1, enforcing, pending, size, name }: name at 20 or 24 */
    memset(op, 0, 40);
    put32(op, 11); /* FLASK_GETBOOL */
    put32(op + 4, 1);
    put32(op + 8, 0xffffffffu);
    put32(op + 16, sizeof(boolname) - 1);
    if (sizeof(long) == 8) {
        put64(op + 24, (ulong)boolname);
    } else {
        put32(op + 20, (u32)(ulong)boolname);
        put32(op + 24, 0xdeadbeef);
    }
    rc = hypercall5(HC_xsm_op, (ulong)op, 0, 0, 0, 0);
    line("xsmop", "getbool", 0, rc, rc == 0 ? op[12] : -1, 2);
}

void matrix_main(const u32 *si, u32 domid)
{
    const char *cl = si[6] ? (const char *)(ulong)si[6] : "";
    char role[16], key[64], con[8];
    struct ctx c = {key, 2, 0, domid, domid, domid};
    long rc;

    if (!arg(cl, "op", key, sizeof(key))) {
        xsmops();
        return;
    }
    if (!arg(cl, "role", role, sizeof(role)))
        role[0] = 0;
    pv_console = arg(cl, "console", con, sizeof(con)) && streq(con, "pv");
    if (streq(role, "plain")) {
        if (domid != 1) {
            peer(key, 1);
            return;
        }
        c.role = 1;
        c.other = 1;
        c.t = 2;
        c.x = 1; /* set_target's subject must exist; the hook comes first */
        wait_peer(&c);
    } else if (streq(role, "target")) {
        /* d2 exists only as set_target's subject (X, not T) */
        if (domid != 1)
            return;
        if (streq(key, "domctl_set_target_d5->T")) {
            c.t = 2;
            wait_peer(&c);
            c.t = domid;
            c.x = 2;
        }
    } else if (streq(role, "control") && t_prepares(key)) {
        /* T is d1, a VM of its own (labelled by xsm-kvm-run as the guests) */
        if (domid != 0) {
            peer(key, 0);
            return;
        }
        c.role = 0;
        c.other = 1;
        c.t = 1;
        wait_peer(&c);
    } else if (streq(role, "control")) {
        u32 sid = domu_sid();

        c.role = 0;
        rc = create_domain(sid);
        if (rc >= 0) {
            c.t = (u32)rc;
            rc = create_domain(sid);
            c.x = (u32)rc;
        }
        if (rc < 0) {
            setup_refused(&c, rc);
            return;
        }
    }
    if (!run_evtchn(&c) && !run_gnttab(&c) && !run_argo(&c) && !run_info(&c) && !run_ctl(&c))
        line("matrix", key, "unsupported", 0, 0, 0);
}
