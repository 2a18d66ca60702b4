/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The PV console and xenstore rings, from the guest's side (command-line
 * word "rings"; test_kvm_ring.py judges the lines).  The guest finds both
 * rings the way a Xen HVM kernel does: hvm_op get_param for the pages and
 * the event channels, whose status must show them bound to dom0.  It
 * writes console lines into the out ring and reads its own domid and name
 * from xenstore.
 *
 * The host serves a ring while the guest's EVTCHNOP_send runs, so the
 * guest polls the indices after the send instead of waiting for an upcall.
 *
 * "garbage" (with "rings"; only domain 1, so that the guests beside it
 * behave) puts garbage in the rings' indices and lengths:
 * "ringidx" a request producer far beyond the ring, "rsp" a response
 * consumer far behind, "proto" a message longer than xenstore's payload
 * limit, "random" 2000 random but framed messages and random console
 * indices.  The host must survive both and
 * flag the ring as Xen's xenstored does (the error field).
 */
#include "rt.h"

#define HC_hvm_op        34
#define HVMOP_get_param  1
#define DOMID_SELF       0x7ff0
#define P_STORE_PFN      1
#define P_STORE_EVTCHN   2
#define P_CONSOLE_PFN    17
#define P_CONSOLE_EVTCHN 18
#define EVTCHNOP_send    4
#define EVTCHNOP_status  5

/* io/console.h */
struct cons {
    char in[1024];
    char out[2048];
    volatile u32 in_cons, in_prod, out_cons, out_prod;
};

/* io/xs_wire.h */
struct xs {
    char req[1024];
    char rsp[1024];
    volatile u32 req_cons, req_prod, rsp_cons, rsp_prod;
    volatile u32 server_features, connection, error;
};

#define XS_READ  2
#define XS_WRITE 11
#define XS_ERROR 16

static struct cons *con;
static struct xs *xs;
static u32 con_port, xs_port;

#define barrier() __asm__ volatile("" : : : "memory")

static long get_param(u32 index, u64 *value)
{
    static u32 p[4];
    long rc;

    p[0] = DOMID_SELF; /* domid (u16) and padding */
    p[1] = index;
    p[2] = p[3] = 0;
    rc = hypercall(HC_hvm_op, HVMOP_get_param, (ulong)p, 0);
    *value = p[2] | (u64)p[3] << 32;
    return rc;
}

static long notify(u32 port)
{
    static u32 s[1];

    s[0] = port;
    return hypercall(HC_event_channel_op, EVTCHNOP_send, (ulong)s, 0);
}

/* EVTCHNOP_status of our own port: its state, and the peer's domid. */
static long port_status(u32 port, u32 *peer)
{
    static u32 st[6];

    memset(st, 0, sizeof(st));
    st[0] = DOMID_SELF;
    st[1] = port;
    if (hypercall(HC_event_channel_op, EVTCHNOP_status, (ulong)st, 0) != 0)
        return -1;
    *peer = st[4] & 0xffff; /* u.interdomain.dom */
    return st[2];
}

static void con_write(const char *s, ulong n)
{
    while (n) {
        u32 prod = con->out_prod;
        ulong room = sizeof(con->out) - (prod - con->out_cons);

        if (room == 0) {
            notify(con_port); /* the host drains it during the send */
            if (sizeof(con->out) - (con->out_prod - con->out_cons) == 0)
                return; /* nobody drains it */
            continue;
        }
        while (n && room) {
            con->out[prod++ & (sizeof(con->out) - 1)] = *s++;
            n--;
            room--;
        }
        barrier();
        con->out_prod = prod;
    }
    notify(con_port);
}

static void con_puts(const char *s)
{
    con_write(s, strlen(s));
}

/* One whole message into the request ring (it must fit). */
static void xs_put(const void *buf, ulong n)
{
    const u8 *b = buf;
    u32 prod = xs->req_prod;

    for (ulong i = 0; i < n; i++)
        xs->req[prod++ & (sizeof(xs->req) - 1)] = (char)b[i];
    barrier();
    xs->req_prod = prod;
}

static u32 req_ids = 100;

/* Sends type/payload; the answer's payload (NUL-terminated) into out; its type or -1. */
static long xs_call(u32 type, const char *payload, ulong len, char *out, ulong cap, u32 *id_ok)
{
    u32 hdr[4] = {type, ++req_ids, 0, (u32)len}, rh[4];
    u32 cons;
    ulong i;

    xs_put(hdr, sizeof(hdr));
    xs_put(payload, len);
    notify(xs_port);
    cons = xs->rsp_cons;
    if (xs->rsp_prod - cons < sizeof(rh))
        return -1; /* no answer */
    for (i = 0; i < sizeof(rh); i++)
        ((u8 *)rh)[i] = (u8)xs->rsp[cons++ & (sizeof(xs->rsp) - 1)];
    if (xs->rsp_prod - cons < rh[3] || rh[3] >= cap)
        return -1;
    for (i = 0; i < rh[3]; i++)
        out[i] = xs->rsp[cons++ & (sizeof(xs->rsp) - 1)];
    out[i] = 0;
    barrier();
    xs->rsp_cons = cons;
    notify(xs_port); /* room for the next answer */
    if (id_ok)
        *id_ok = rh[1] == req_ids;
    return rh[0];
}

static long to_num(const char *s)
{
    long v = 0;

    if (!*s)
        return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return -1;
        v = v * 10 + (*s - '0');
    }
    return v;
}

/* "what: <type> <payload>" on the PV console and on console_io. */
static void show(const char *what, long type, const char *payload)
{
    char line[160];
    ulong n = 0;

    for (const char *p = what; *p && n < 60; p++)
        line[n++] = *p;
    line[n++] = ':';
    line[n++] = ' ';
    line[n++] = type == XS_ERROR ? 'E' : type == XS_READ ? 'R' : '?';
    line[n++] = ' ';
    for (const char *p = payload; *p && n < 150; p++)
        line[n++] = *p;
    line[n++] = '\n';
    line[n] = 0;
    puts_(line);
    con_puts(line);
}

static int setup(int verbose)
{
    u64 v[4] = {0, 0, 0, 0};
    u32 peer = 0xffff;
    long st;

    if (!verbose) {
        if (get_param(P_CONSOLE_PFN, &v[0]) || get_param(P_CONSOLE_EVTCHN, &v[1]) ||
            get_param(P_STORE_PFN, &v[2]) || get_param(P_STORE_EVTCHN, &v[3]) || !v[0] || !v[1] ||
            !v[2] || !v[3])
            return -1;
        con = (struct cons *)(ulong)(v[0] << 12);
        xs = (struct xs *)(ulong)(v[2] << 12);
        con_port = (u32)v[1];
        xs_port = (u32)v[3];
        return 0;
    }
    say("get console pfn", get_param(P_CONSOLE_PFN, &v[0]));
    say("get console evtchn", get_param(P_CONSOLE_EVTCHN, &v[1]));
    say("get store pfn", get_param(P_STORE_PFN, &v[2]));
    say("get store evtchn", get_param(P_STORE_EVTCHN, &v[3]));
    say("console pfn set", v[0] != 0);
    say("store pfn set", v[2] != 0);
    say("pages differ", v[0] != v[2]);
    if (!v[0] || !v[2] || !v[1] || !v[3])
        return -1;
    con = (struct cons *)(ulong)(v[0] << 12);
    xs = (struct xs *)(ulong)(v[2] << 12);
    con_port = (u32)v[1];
    xs_port = (u32)v[3];
    st = port_status(con_port, &peer);
    say("console evtchn status", st);
    say("console evtchn peer", st == 2 ? (long)peer : -1);
    st = port_status(xs_port, &peer);
    say("store evtchn status", st);
    say("store evtchn peer", st == 2 ? (long)peer : -1);
    return 0;
}

/*
 * Random messages, each framed right: random types (mostly XS_READ),
 * transaction ids, lengths up to 200 and bytes from an alphabet of path
 * pieces, NULs and junk.  Every one must get exactly one answer, with its
 * req_id, and the ring must stay in step.  Then random console indices
 * over random bytes.  Returns how many answers matched.
 */
static long random_messages(void)
{
    static const char abc[] = "/local/domain/0123456789nameid@_-\0a\x01\xff//.";
    u32 x = 12345, matched = 0;

    for (u32 i = 0; i < 2000; i++) {
        u32 hdr[4], rh[4], cons;
        u8 body[200];

        x = x * 1103515245u + 12345u;
        hdr[0] = (x >> 8) % 8 == 0 ? (x >> 12) % 30 : XS_READ;
        hdr[1] = i;
        hdr[2] = (x >> 16) % 16 == 0 ? 1 : 0;
        hdr[3] = (x >> 20) % sizeof(body);
        for (u32 k = 0; k < hdr[3]; k++) {
            x = x * 1103515245u + 12345u;
            body[k] = (u8)abc[(x >> 16) % (sizeof(abc) - 1)];
        }
        xs_put(hdr, sizeof(hdr));
        xs_put(body, hdr[3]);
        notify(xs_port);
        cons = xs->rsp_cons;
        if (xs->rsp_prod - cons >= sizeof(rh)) {
            for (u32 k = 0; k < sizeof(rh); k++)
                ((u8 *)rh)[k] = (u8)xs->rsp[cons++ & (sizeof(xs->rsp) - 1)];
            matched += rh[1] == i && xs->rsp_prod - cons == rh[3];
        }
        xs->rsp_cons = xs->rsp_prod;
    }
    for (u32 i = 0; i < 40; i++) { /* well within the 64 KiB the host keeps */
        x = x * 1103515245u + 12345u;
        con->out_cons = x;
        x = x * 1103515245u + 12345u;
        con->out_prod = (x >> 16) % 4 ? con->out_cons + (x >> 8) % 3000 : x;
        for (u32 k = 0; k < 8; k++)
            con->out[(x >> (k * 3)) & 2047] = (char)(x >> k);
        notify(con_port);
    }
    con->out_cons = con->out_prod = 0;
    return matched;
}

static void hostile(const u32 *si, int (*has)(const u32 *, const char *))
{
    u32 hdr[4] = {XS_READ, 1, 0, 5000};
    char buf[64];

    /* Console: a producer 2 GiB ahead (ignored), then bytes 0..255 (escaped). */
    con->out_prod = con->out_cons + 0x7fffffffu;
    notify(con_port);
    con->out_prod = con->out_cons;
    for (u32 i = 0; i < 256; i++)
        con->out[(con->out_prod + i) & 2047] = (char)i;
    con->out_prod += 256;
    notify(con_port);
    /* A consumer index that wraps: 32 bytes across 2^32. */
    con->out_cons = 0xfffffff0u;
    con->out_prod = 0x00000010u;
    for (u32 i = 0; i < 32; i++)
        con->out[(0xfffffff0u + i) & 2047] = "\nwrapped through 2^32 safely...\n"[i];
    notify(con_port);
    say("console after wrap, out_cons", (long)con->out_cons);

    if (has(si, "random")) {
        say("random messages answered in step", random_messages());
    } else if (has(si, "proto")) {
        /* A message longer than XENSTORE_PAYLOAD_MAX: a protocol error. */
        xs_put(hdr, sizeof(hdr));
        notify(xs_port);
    } else if (has(si, "rsp")) {
        /* Our own consumer of answers far behind: no room can be computed. */
        xs->rsp_cons = xs->rsp_prod - 4000;
        xs_call(XS_READ, "name", 5, buf, sizeof(buf), 0);
        xs->rsp_cons = xs->rsp_prod; /* so that a later answer would be seen */
    } else {
        /* A producer far beyond the ring. */
        xs->req_prod = xs->req_cons + 5000;
        notify(xs_port);
    }
    say("xs error field", (long)xs->error);
    say("xs answers after the error", xs_call(XS_READ, "domid", 6, buf, sizeof(buf), 0) >= 0);
    puts_("hostile done\n");
}

void rings_main(const u32 *si, u32 domid, int (*has)(const u32 *, const char *));
void rings_main(const u32 *si, u32 domid, int (*has)(const u32 *, const char *))
{
    static const char malformed[] = {'d', 'o', 'm', 'i', 'd'}; /* no NUL */
    char buf[128], path[40] = "/local/domain/";
    u32 id_ok = 0;
    ulong n;
    long t;

    if (setup(1) != 0)
        return;
    con_puts("hello through the PV console ring\n");
    if (has(si, "garbage") && domid == 1) {
        hostile(si, has);
        return;
    }
    /* More than the ring holds: the indices go around several times. */
    for (u32 i = 0; i < 150; i++) {
        char line[40] = "ring line 000 of 150, padded out..\n";

        line[10] = (char)('0' + i / 100);
        line[11] = (char)('0' + i / 10 % 10);
        line[12] = (char)('0' + i % 10);
        con_puts(line);
    }
    con_puts("an escape \x1b[2J and a bell \a end\n");
    con_puts("a line ended as Xen kernels end them\r\n");
    con_puts("a lone \r inside\n");

    t = xs_call(XS_READ, "domid", 6, buf, sizeof(buf), &id_ok);
    say("xs domid type", t);
    say("xs domid", t == XS_READ ? to_num(buf) : -1);
    say("xs req_id echoed", id_ok);
    show("xs name", xs_call(XS_READ, "name", 5, buf, sizeof(buf), 0), buf);
    /* The same through the absolute path /local/domain/<domid>/name. */
    n = strlen(path);
    if (domid >= 100)
        path[n++] = (char)('0' + domid / 100 % 10);
    if (domid >= 10)
        path[n++] = (char)('0' + domid / 10 % 10);
    path[n++] = (char)('0' + domid % 10);
    memcpy(path + n, "/name", 6);
    show("xs abs name", xs_call(XS_READ, path, strlen(path) + 1, buf, sizeof(buf), 0), buf);
    memcpy(path + n, "/domid", 7);
    show("xs abs domid", xs_call(XS_READ, path, strlen(path) + 1, buf, sizeof(buf), 0), buf);
    show("xs missing", xs_call(XS_READ, "device/vif/0", 13, buf, sizeof(buf), 0), buf);
    show("xs other domain", xs_call(XS_READ, "/local/domain/0/name", 21, buf, sizeof(buf), 0), buf);
    show("xs bad path", xs_call(XS_READ, "a//b", 5, buf, sizeof(buf), 0), buf);
    show("xs malformed", xs_call(XS_READ, malformed, sizeof(malformed), buf, sizeof(buf), 0), buf);
    show("xs unknown type", xs_call(9999, "x", 2, buf, sizeof(buf), 0), buf);
    show("xs write", xs_call(XS_WRITE, "name\0evil", 10, buf, sizeof(buf), 0), buf);
    show("xs name after", xs_call(XS_READ, "name", 5, buf, sizeof(buf), 0), buf);
    say("xs error field", (long)xs->error);
}

/*
 * Every guest run (not only "rings"): one PV console line with the name
 * xenstore gives, so that a guest under xsmd, which has no command line,
 * shows its ring output too (xsmctl console).
 */
/*
 * A line into the PV console ring, for a program whose domain may not use
 * console_io (guest/matrix.c "console=pv"): 0, or -1 without a ring.
 */
int rings_puts(const char *s);
int rings_puts(const char *s)
{
    if (!con && setup(0) != 0)
        return -1;
    con_puts(s);
    return 0;
}

void rings_hello(void);
void rings_hello(void)
{
    char buf[80];

    if (setup(0) != 0)
        return;
    con_puts("pv console: hello, I am ");
    if (xs_call(XS_READ, "name", 5, buf, sizeof(buf), 0) == XS_READ)
        con_puts(buf);
    else
        con_puts("nameless");
    con_puts("\n");
}
