/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The privilege matrix: every modelled hypercall, issued as a real hypercall
 * from the caller's guest memory, by each caller role, under each module.
 * Each cell runs in a fresh hypervisor with the same cast:
 *
 *   d0  control domain           d1  xenstore domain (CDF_xs_domain)
 *   d2  device model of d3       d3  the target T (HVM), object of the calls
 *   d4  plain guest              d5  spare HVM domain (for set_target)
 *
 * The expectations below are written from Xen 4.17's documented defaults,
 * not from the implementation:
 *   TARGET   allowed to T itself, T's device model, the control domain
 *   XS_PRIV  the xenstore domain, T's device model, the control domain
 *   PRIV     the control domain only
 *   HOOK     anyone
 * Hooks used, by operation (xen/include/xsm/dummy.h, 4.17):
 *   evtchn_unbound TARGET(cur, d); evtchn_interdomain HOOK; evtchn_send
 *   HOOK; evtchn_status TARGET; evtchn_reset TARGET; close has no hook;
 *   grant_mapref/unmapref/copy/transfer HOOK; grant_setup/query_size TARGET;
 *   argo_* allow; xen_version: version/extraversion unrestricted or HOOK,
 *   commandline/build_id PRIV (denial = "<denied>" string / -EPERM);
 *   console_io PRIV for a domain without is_console; domctl PRIV except
 *   getdomaininfo XS_PRIV (the getdomaininfo hook itself is HOOK in 4.17);
 *   set_target HOOK after the PRIV domctl check; sysctl PRIV, readconsole
 *   HOOK after it.  openxsm's discovery: the xsm_op core commands are open
 *   to every domain by design; XEN_SYSCTL_xsm_info is a sysctl (PRIV).
 * SILO (xen/xsm/silo.c): evtchn_unbound, evtchn_interdomain, grant_mapref,
 *   grant_transfer, grant_copy, argo_register_single_source and argo_send
 *   are refused between two distinct domains of which neither is the
 *   control domain (unless the caller is); then the dummy rule applies.
 *
 * Cell values: A allowed, D denied (-EPERM / GNTST_permission_denied /
 * "<denied>"), N not applicable because the module already refuses the set-up
 * step (e.g. no mapping to unmap), E an unexpected error (always a failure).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <openxsm/hv.h>
#include <openxsm/xsm_op.h>
#include "../lib/le.h"

enum { ROLE_CTRL, ROLE_XS, ROLE_DM, ROLE_PLAIN, ROLE_SELF, NR_ROLES };
static const char *const role_names[NR_ROLES] = {"control", "xenstore", "dev-model", "plain",
                                                 "target"};
static const xsm_domid_t role_id[NR_ROLES] = {0, 1, 2, 4, 3};
#define T 3
#define X 5

#define X_EPERM  1
#define GNT_DENY (-8)
#define OPA      0x1000U /* op structure in the caller's memory */
#define BUFA     0x2000U /* buffers */

struct op {
    const char *name;
    const char *expect_dummy;
    const char *expect_silo;
};

static const struct op ops[] = {
    {"evtchn alloc_unbound self->T", "AAAAA", "ADDDA"},
    {"evtchn alloc_unbound T->self", "ADADA", "ADDDA"},
    {"evtchn bind_interdomain to T", "AAAAA", "ADDDA"},
    {"evtchn send", "AAAAA", "AAAAA"},
    {"evtchn status of T", "ADADA", "ADADA"},
    {"evtchn close", "AAAAA", "AAAAA"},
    {"evtchn reset T", "ADADA", "ADADA"},
    {"gnttab map T's grant", "AAAAA", "ADDDA"},
    {"gnttab unmap", "AAAAA", "ANNNA"},
    {"gnttab setup_table T", "ADADA", "ADADA"},
    {"gnttab query_size T", "ADADA", "ADADA"},
    {"gnttab copy into T", "AAAAA", "ADDDA"},
    {"gnttab transfer to T", "AAAAA", "ADDDA"},
    {"argo register single-source T", "AAAAA", "ADDDA"},
    {"argo register any-source", "AAAAA", "AAAAA"},
    {"argo sendv to T", "AAAAA", "ADDDA"},
    {"xen_version version", "AAAAA", "AAAAA"},
    {"xen_version extraversion", "AAAAA", "AAAAA"},
    {"xen_version commandline", "ADDDD", "ADDDD"},
    {"xen_version build_id", "ADDDD", "ADDDD"},
    {"console_io write", "ADDDD", "ADDDD"},
    {"console_io read", "ADDDD", "ADDDD"},
    {"domctl createdomain", "ADDDD", "ADDDD"},
    {"domctl destroydomain T", "ADDDD", "ADDDD"},
    {"domctl pausedomain T", "ADDDD", "ADDDD"},
    {"domctl unpausedomain T", "ADDDD", "ADDDD"},
    {"domctl getdomaininfo T", "AAADD", "AAADD"},
    {"domctl set_target d5->T", "ADDDD", "ADDDD"},
    {"sysctl readconsole", "ADDDD", "ADDDD"},
    {"sysctl physinfo", "ADDDD", "ADDDD"},
    {"sysctl xsm_info", "ADDDD", "ADDDD"},
    {"xsm_op LIST_MODULES", "AAAAA", "AAAAA"},
    {"xsm_op MODULE_INFO silo", "AAAAA", "AAAAA"},
};
#define NR_OPS (sizeof(ops) / sizeof(ops[0]))

static long last_rc; /* detail for the report */
/*
 * The cast as the real-guest matrix builds it (--cells): xsm-kvm-run's
 * hypervisor options (argo mac-enforcing), guests labelled domU_t as its
 * --label gives them (FLASK refuses an unlabelled domain), and no device
 * model, because xsm-kvm-run has none.  The checked matrix runs with argo's
 * mac-permissive mode (so that any-source rings exist) and the full cast.
 */
static bool host_cast;
static const char guest_label[] = "system_u:system_r:domU_t";

static char verdict(long rc)
{
    last_rc = rc;
    if (rc >= 0)
        return 'A';
    return rc == -X_EPERM ? 'D' : 'E';
}

static char gnt_verdict(long rc, int16_t st)
{
    last_rc = rc ? rc : st;
    if (rc)
        return 'E';
    if (st == 0)
        return 'A';
    return st == GNT_DENY ? 'D' : 'E';
}

static long hc(struct hv *h, xsm_domid_t c, unsigned nr, uint64_t a0, uint64_t a1, uint64_t a2,
               uint64_t a3, uint64_t a4)
{
    uint64_t a[6] = {a0, a1, a2, a3, a4, 0};

    return hv_hypercall(h, c, nr, a);
}

/* Put an op in the caller's memory and run a hypercall taking its address. */
static long hc_op(struct hv *h, xsm_domid_t c, unsigned nr, uint64_t cmd, const uint8_t *op,
                  size_t len, uint64_t extra)
{
    if (hv_guest_write(h, c, OPA, op, len))
        return -9999;
    if (nr == HV_HYPERCALL_domctl || nr == HV_HYPERCALL_sysctl || nr == HV_HYPERCALL_xsm_op)
        return hc(h, c, nr, OPA, 0, 0, 0, 0);
    return hc(h, c, nr, cmd, OPA, extra, 0, 0);
}

static int16_t gnt_status(struct hv *h, xsm_domid_t c, size_t off)
{
    uint8_t b[2] = {0xff, 0xff};

    hv_guest_read(h, c, OPA + off, b, 2);
    return (int16_t)get16(b);
}

/* dom0 asks FLASK for the guests' SID, as xsm-kvm-run does for --label. */
static long label_sid(struct hv *h, uint32_t *sid)
{
    uint8_t op[40] = {0}, b[4];
    long rc;

    put32(op, XSM_OP_CMD(XSM_MODULE_FLASK, 4)); /* FLASK_CONTEXT_TO_SID */
    put32(op + 4, 1);                           /* XEN_FLASK_INTERFACE_VERSION */
    put32(op + 12, sizeof(guest_label) - 1);
    put64(op + 16, BUFA);
    if (hv_guest_write(h, 0, BUFA, guest_label, sizeof(guest_label) - 1))
        return -EFAULT;
    rc = hc_op(h, 0, HV_HYPERCALL_xsm_op, 0, op, sizeof(op), 0);
    if (rc == 0 && hv_guest_read(h, 0, OPA + 8, b, 4) == 0)
        *sid = get32(b);
    return rc;
}

static struct hv *setup(const char *mod)
{
    struct hv_config cfg = {0};
    struct hv_domain_config dc = {0};
    struct hv *h = NULL;
    static const uint32_t flags[] = {HV_CDF_xs_domain, 0, HV_CDF_hvm, 0, HV_CDF_hvm};

    cfg.modules = mod;
    cfg.argo_mac_permissive = !host_cast;
    if (hv_create(&h, &cfg))
        return NULL;
    if (host_cast && strstr(mod, "flask") && label_sid(h, &dc.ssidref) != 0) {
        hv_destroy(h);
        return NULL;
    }
    for (unsigned i = 0; i < 5; i++) {
        dc.domid = (xsm_domid_t)(i + 1);
        dc.flags = flags[i];
        if (hv_domain_create(h, 0, &dc, NULL)) {
            hv_destroy(h);
            return NULL;
        }
    }
    if (!host_cast && hv_domain_set_target(h, 0, 2, T)) {
        hv_destroy(h);
        return NULL;
    }
    return h;
}

/* One cell: run operation 'o' as 'c' in a fresh hypervisor. */
static char cell(const char *mod, unsigned o, xsm_domid_t c)
{
    struct hv *h = setup(mod);
    uint8_t op[144];
    uint32_t port = 0;
    long rc;
    char v = 'E';

    last_rc = 0;
    if (!h) {
        last_rc = -10000;
        return 'E';
    }
    memset(op, 0, sizeof(op));
    switch (o) {
    case 0: /* alloc_unbound { dom, remote_dom } */
        put16(op, XSM_DOMID_SELF);
        put16(op + 2, T);
        v = verdict(
            hc_op(h, c, HV_HYPERCALL_event_channel_op, HV_EVTCHNOP_alloc_unbound, op, 8, 0));
        break;
    case 1:
        put16(op, T);
        put16(op + 2, c);
        v = verdict(
            hc_op(h, c, HV_HYPERCALL_event_channel_op, HV_EVTCHNOP_alloc_unbound, op, 8, 0));
        break;
    case 2: /* bind_interdomain { remote_dom, remote_port } to a port dom0 opened on T */
        if (hv_evtchn_alloc_unbound(h, 0, T, c, &port))
            break;
        put16(op, T);
        put32(op + 4, port);
        v = verdict(
            hc_op(h, c, HV_HYPERCALL_event_channel_op, HV_EVTCHNOP_bind_interdomain, op, 12, 0));
        break;
    case 3:
    case 5: /* send / close { port } on a port dom0 opened for the caller */
        if (hv_evtchn_alloc_unbound(h, 0, c, 0, &port))
            break;
        put32(op, port);
        v = verdict(hc_op(h, c, HV_HYPERCALL_event_channel_op,
                          o == 3 ? HV_EVTCHNOP_send : HV_EVTCHNOP_close, op, 4, 0));
        break;
    case 4: /* status { dom, port } */
        if (hv_evtchn_alloc_unbound(h, 0, T, 0, &port))
            break;
        put16(op, T);
        put32(op + 4, port);
        v = verdict(hc_op(h, c, HV_HYPERCALL_event_channel_op, HV_EVTCHNOP_status, op, 24, 0));
        break;
    case 6: /* reset { dom } */
        put16(op, T);
        v = verdict(hc_op(h, c, HV_HYPERCALL_event_channel_op, HV_EVTCHNOP_reset, op, 2, 0));
        break;
    case 7: /* map { host_addr, flags, ref, dom } */
        if (hv_gnttab_write_entry(h, T, 1, HV_GTF_permit_access, c, 1))
            break;
        put32(op + 8, HV_GNTMAP_host_map);
        put32(op + 12, 1);
        put16(op + 16, T);
        rc = hc_op(h, c, HV_HYPERCALL_grant_table_op, HV_GNTTABOP_map_grant_ref, op, 32, 1);
        v = gnt_verdict(rc, gnt_status(h, c, 18));
        break;
    case 8: { /* unmap { host_addr, dev_bus_addr, handle } */
        uint32_t hd;
        int st;

        if (hv_gnttab_write_entry(h, T, 1, HV_GTF_permit_access, c, 1))
            break;
        st = hv_gnttab_map(h, c, T, 1, HV_GNTMAP_host_map, &hd);
        if (st == GNT_DENY) {
            v = 'N';
            break;
        }
        if (st)
            break;
        put32(op + 16, hd);
        rc = hc_op(h, c, HV_HYPERCALL_grant_table_op, HV_GNTTABOP_unmap_grant_ref, op, 24, 1);
        v = gnt_verdict(rc, gnt_status(h, c, 20));
        break;
    }
    case 9: /* setup_table { dom, nr_frames, status, frame_list } */
        put16(op, T);
        put32(op + 4, 2);
        put64(op + 16, BUFA);
        rc = hc_op(h, c, HV_HYPERCALL_grant_table_op, HV_GNTTABOP_setup_table, op, 24, 1);
        v = gnt_verdict(rc, gnt_status(h, c, 8));
        break;
    case 10: /* query_size { dom } */
        put16(op, T);
        rc = hc_op(h, c, HV_HYPERCALL_grant_table_op, HV_GNTTABOP_query_size, op, 16, 1);
        v = gnt_verdict(rc, gnt_status(h, c, 12));
        break;
    case 11: /* copy from own frame 1 into T's grant 2 */
        if (hv_gnttab_write_entry(h, T, 2, HV_GTF_permit_access, c, 2))
            break;
        put64(op, 1);
        put16(op + 8, XSM_DOMID_SELF);
        put64(op + 16, 2);
        put16(op + 24, T);
        put16(op + 32, 64);
        put16(op + 34, HV_GNTCOPY_dest_gref);
        rc = hc_op(h, c, HV_HYPERCALL_grant_table_op, HV_GNTTABOP_copy, op, 40, 1);
        v = gnt_verdict(rc, gnt_status(h, c, 36));
        break;
    case 12: /* transfer { mfn, domid, ref } into T's accept-transfer entry 3 */
        if (hv_gnttab_write_entry(h, T, 3, HV_GTF_accept_transfer, c, 3))
            break;
        put64(op, 6);
        put16(op + 8, T);
        put32(op + 12, 3);
        rc = hc_op(h, c, HV_HYPERCALL_grant_table_op, HV_GNTTABOP_transfer, op, 24, 1);
        v = gnt_verdict(rc, gnt_status(h, c, 16));
        break;
    case 13:
    case 14: /* register_ring { aport, partner, pad, len }, gfns, npages, flags */
        put32(op, 40);
        put16(op + 4, o == 13 ? T : HV_ARGO_DOMID_ANY);
        put32(op + 8, 4096 - 64);
        if (hv_guest_write(h, c, OPA, op, 12))
            break;
        /* The ring's one frame (4, inside the caller's RAM), whatever BUFA held. */
        put64(op, 4);
        if (hv_guest_write(h, c, BUFA, op, 8))
            break;
        v = verdict(hc(h, c, HV_HYPERCALL_argo_op, HV_ARGO_OP_register_ring, OPA, BUFA, 1, 0));
        break;
    case 15: /* sendv { src, dst }, iov, niov, type into T's any-source ring */
        if (hv_argo_register_ring(h, T, 70, HV_ARGO_DOMID_ANY, 4096 - 64, 0)) {
            v = 'N';
            break;
        }
        put32(op, 1);
        put16(op + 4, c);
        put32(op + 8, 70);
        put16(op + 12, T);
        put64(op + 16, BUFA);
        put32(op + 24, 4);
        if (hv_guest_write(h, c, OPA, op, 32) || hv_guest_write(h, c, BUFA, "ping", 4))
            break;
        v = verdict(hc(h, c, HV_HYPERCALL_argo_op, HV_ARGO_OP_sendv, OPA, OPA + 16, 1, 0));
        break;
    case 16:
    case 17:
    case 19: {
        static const unsigned sub[] = {HV_XENVER_version, HV_XENVER_extraversion, 0,
                                       HV_XENVER_build_id};

        put32(op, 64); /* build_id: buffer size */
        if (hv_guest_write(h, c, BUFA, op, 4))
            break;
        v = verdict(hc(h, c, HV_HYPERCALL_xen_version, sub[o - 16], BUFA, 0, 0, 0));
        if (o == 17 && v == 'A') {
            char s[16];

            hv_guest_read(h, c, BUFA, s, sizeof(s));
            v = strcmp(s, "<denied>") ? 'A' : 'D';
        }
        break;
    }
    case 18: {
        char s[1024];

        rc = hc(h, c, HV_HYPERCALL_xen_version, HV_XENVER_commandline, BUFA, 0, 0, 0);
        v = verdict(rc);
        if (v == 'A' && !hv_guest_read(h, c, BUFA, s, sizeof(s)))
            v = strcmp(s, "<denied>") ? 'A' : 'D';
        break;
    }
    case 20:
        if (hv_guest_write(h, c, BUFA, "hello\n", 6))
            break;
        v = verdict(hc(h, c, HV_HYPERCALL_console_io, HV_CONSOLEIO_write, 6, BUFA, 0, 0));
        break;
    case 21:
        hv_console_input(h, "x", 1);
        v = verdict(hc(h, c, HV_HYPERCALL_console_io, HV_CONSOLEIO_read, 16, BUFA, 0, 0));
        break;
    case 22:
    case 23:
    case 24:
    case 25:
    case 26:
    case 27: {
        static const uint32_t cmd[] = {HV_DOMCTL_createdomain,  HV_DOMCTL_destroydomain,
                                       HV_DOMCTL_pausedomain,   HV_DOMCTL_unpausedomain,
                                       HV_DOMCTL_getdomaininfo, HV_DOMCTL_set_target};

        put32(op, cmd[o - 22]);
        put32(op + 4, HV_DOMCTL_INTERFACE_VERSION);
        put16(op + 8, o == 22 ? 0 : o == 27 ? X : T);
        if (o == 27)
            put16(op + 16, T);
        v = verdict(hc_op(h, c, HV_HYPERCALL_domctl, 0, op, 144, 0));
        break;
    }
    case 28:
    case 29:
    case 30:
        put32(op, o == 28   ? HV_SYSCTL_readconsole
                  : o == 29 ? HV_SYSCTL_physinfo
                            : XEN_SYSCTL_xsm_info);
        put32(op + 4, HV_SYSCTL_INTERFACE_VERSION);
        if (o == 28) {
            put64(op + 16, BUFA);
            put32(op + 24, 64);
        }
        if (o == 30)
            put16(op + 8, XSM_MODULE_NONE);
        v = verdict(hc_op(h, c, HV_HYPERCALL_sysctl, 0, op, 136, 0));
        break;
    case 31:
    case 32:
        put32(op,
              XSM_OP_CMD(XSM_MODULE_CORE, o == 31 ? XSM_CORE_LIST_MODULES : XSM_CORE_MODULE_INFO));
        put32(op + 4, XSM_CORE_INTERFACE_VERSION);
        if (o == 32)
            put16(op + 8, XSM_MODULE_SILO);
        v = verdict(hc_op(h, c, HV_HYPERCALL_xsm_op, 0, op, 40, 0));
        break;
    }
    hv_destroy(h);
    return v;
}

/*
 * The operation's key: its name with every run of characters other than
 * letters, digits, '-', '>' and '_' made one '_' ("evtchn alloc_unbound
 * self->T" -> "evtchn_alloc_unbound_self->T").  The real-guest matrix
 * (tests/hosts/kvm/guest/matrix.c) is told the operation by this key.
 */
static void op_key(const char *name, char *key, size_t size)
{
    size_t n = 0;

    for (; *name && n + 1 < size; name++) {
        char ch = *name;
        bool keep = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                    (ch >= '0' && ch <= '9') || ch == '-' || ch == '>' || ch == '_';

        if (keep)
            key[n++] = ch;
        else if (n && key[n - 1] != '_')
            key[n++] = '_';
    }
    key[n] = 0;
}

/*
 * --cells: every cell of every module stack the KVM host offers, as the
 * model answers it, one line each:
 *     cell MODULES ROLE KEY VERDICT RC
 * This is the expectation of the real-guest matrix (test_kvm_matrix.py):
 * the same operations issued from inside KVM guests must get the same
 * verdicts and return codes.  The hand-written Xen expectations above check
 * this model for dummy and silo; flask's cells are the default policy's.
 */
static int print_cells(void)
{
    static const char *const stacks[] = {"dummy", "silo", "flask", "silo,flask"};
    /* The roles a real guest takes: dom0, a domU on another, a domU on itself. */
    static const bool real_role[NR_ROLES] = {true, false, false, true, true};

    host_cast = true;
    for (unsigned m = 0; m < sizeof(stacks) / sizeof(stacks[0]); m++)
        for (unsigned r = 0; r < NR_ROLES; r++)
            for (unsigned o = 0; o < NR_OPS && real_role[r]; o++) {
                char key[64];
                char v = cell(stacks[m], o, role_id[r]);

                op_key(ops[o].name, key, sizeof(key));
                printf("cell %s %s %s %c %ld\n", stacks[m], role_names[r], key, v, last_rc);
            }
    return 0;
}

int main(int argc, char **argv)
{
    static const char *const mods[] = {"dummy", "silo"};
    int bad = 0, cells = 0;

    if (argc == 2 && strcmp(argv[1], "--cells") == 0)
        return print_cells();
    if (argc != 1) {
        fprintf(stderr, "usage: test-hv-matrix [--cells]\n");
        return 2;
    }

    for (unsigned m = 0; m < 2; m++) {
        printf(
            "\nmodule %s   (A allowed, D denied, N set-up refused; X!Y(rc) = got X, Xen gives Y)\n",
            mods[m]);
        printf("%-32s", "operation");
        for (unsigned r = 0; r < NR_ROLES; r++)
            printf(" %-10s", role_names[r]);
        printf("\n");
        for (unsigned o = 0; o < NR_OPS; o++) {
            const char *exp = m ? ops[o].expect_silo : ops[o].expect_dummy;

            printf("%-32s", ops[o].name);
            for (unsigned r = 0; r < NR_ROLES; r++) {
                char got = cell(mods[m], o, role_id[r]);
                bool ok = got == exp[r];

                cells++;
                if (!ok) {
                    char mark[32];

                    bad++;
                    snprintf(mark, sizeof(mark), "%c!%c(%ld)", got, exp[r], last_rc);
                    printf(" %-10s", mark);
                } else {
                    printf(" %-10c", got);
                }
            }
            printf("\n");
        }
    }
    printf("\nprivilege matrix: %d cells, %d differ from the expectation\n", cells, bad);
    return bad ? 1 : 0;
}
