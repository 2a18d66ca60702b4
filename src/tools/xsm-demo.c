/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xsm-demo: boot the hypervisor model with a control domain and two guests
 * and show, as a transcript, what each XSM configuration allows: event
 * channels, grants, Argo, privileged calls, and the discovery hypercall
 * that tells a guest which modules are active.  Guests issue real
 * hypercalls with their arguments in their own memory.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openxsm/hv.h>
#include <openxsm/xsm_op.h>

#define OPA  0x1000U /* where a guest keeps hypercall arguments */
#define BUFA 0x2000U

static bool quiet;

static const char *err_name(long rc)
{
    switch (-rc) {
    case 1:
        return "EPERM";
    case 3:
        return "ESRCH";
    case 13:
        return "EACCES";
    case 14:
        return "EFAULT";
    case 22:
        return "EINVAL";
    case 38:
        return "ENOSYS";
    case 95:
        return "EOPNOTSUPP";
    case 111:
        return "ECONNREFUSED";
    default:
        return "error";
    }
}

/*
 * ": detail" and the end of the line.  Details quote guest memory (a
 * module name read back from an op, a grant page, an Argo message), so a
 * byte outside printable ASCII is printed as \xHH, never raw.
 */
static void end_detail(const char *detail)
{
    if (detail != NULL) {
        fputs(": ", stdout);
        for (const unsigned char *p = (const unsigned char *)detail; *p; p++) {
            if (*p >= 0x20 && *p <= 0x7e)
                putchar(*p);
            else
                printf("\\x%02x", *p);
        }
    }
    putchar('\n');
}

static void show(const char *who, const char *what, long rc, const char *detail)
{
    if (rc >= 0) {
        printf("  [allowed] %-12s %s", who, what);
        end_detail(detail);
    } else {
        printf("  [DENIED ] %-12s %s: -%s (%ld)\n", who, what, err_name(rc), rc);
    }
}

static void show_gnt(const char *who, const char *what, int st, const char *detail)
{
    if (st == HV_GNTST_okay) {
        printf("  [allowed] %-12s %s", who, what);
        end_detail(detail);
    } else if (st == HV_GNTST_permission_denied)
        printf("  [DENIED ] %-12s %s: GNTST_permission_denied\n", who, what);
    else
        printf("  [failed ] %-12s %s: GNTST %d\n", who, what, st);
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}
static void put32(uint8_t *p, uint32_t v)
{
    put16(p, (uint16_t)v);
    put16(p + 2, (uint16_t)(v >> 16));
}
static void put64(uint8_t *p, uint64_t v)
{
    put32(p, (uint32_t)v);
    put32(p + 4, (uint32_t)(v >> 32));
}
static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}
static uint32_t get32(const uint8_t *p)
{
    return get16(p) | (uint32_t)get16(p + 2) << 16;
}

/* A hypercall whose first pointer argument is an op written at OPA. */
static long call(struct hv *h, xsm_domid_t d, unsigned nr, uint64_t a0, uint64_t a1, uint64_t a2,
                 uint64_t a3, uint64_t a4)
{
    uint64_t a[6] = {a0, a1, a2, a3, a4, 0};

    return hv_hypercall(h, d, nr, a);
}

static void note_log(void *opaque, const char *line)
{
    (void)opaque;
    if (!quiet)
        printf("      | %s\n", line);
}

/* The discovery a guest can make: xsm_op LIST_MODULES and MODULE_INFO. */
static void discovery(struct hv *h, xsm_domid_t g, const char *who)
{
    uint8_t op[40];
    char line[256];
    uint32_t count;
    long rc;

    memset(op, 0, sizeof(op));
    put32(op, XSM_OP_CMD(XSM_MODULE_CORE, XSM_CORE_LIST_MODULES));
    put32(op + 4, XSM_CORE_INTERFACE_VERSION);
    hv_guest_write(h, g, OPA, op, sizeof(op));
    rc = call(h, g, HV_HYPERCALL_xsm_op, OPA, 0, 0, 0, 0);
    if (rc < 0) {
        show(who, "xsm_op core LIST_MODULES", rc, NULL);
        return;
    }
    hv_guest_read(h, g, OPA, op, sizeof(op));
    count = get32(op + 12);
    snprintf(line, sizeof(line), "%u active module(s)", count);
    show(who, "xsm_op core LIST_MODULES", rc, line);
    for (uint32_t i = 0; i < count && i < XSM_CORE_LIST_MAX; i++) {
        uint16_t id = get16(op + 16 + 2 * (size_t)i);
        uint8_t info[40];
        char name[XSM_MODINFO_NAME_LEN + 1] = {0};

        memset(info, 0, sizeof(info));
        put32(info, XSM_OP_CMD(XSM_MODULE_CORE, XSM_CORE_MODULE_INFO));
        put32(info + 4, XSM_CORE_INTERFACE_VERSION);
        put16(info + 8, id);
        hv_guest_write(h, g, OPA + 64, info, sizeof(info));
        rc = call(h, g, HV_HYPERCALL_xsm_op, OPA + 64, 0, 0, 0, 0);
        if (rc < 0) {
            show(who, "xsm_op core MODULE_INFO", rc, NULL);
            continue;
        }
        hv_guest_read(h, g, OPA + 64, info, sizeof(info));
        memcpy(name, info + 8 + 16, XSM_MODINFO_NAME_LEN);
        snprintf(line, sizeof(line), "#%u id %u \"%s\"%s, interface version %u", i, id, name,
                 (info[8 + 2] & XSM_MODINFO_AUTHORITATIVE) ? " (authoritative)" : " (restrictive)",
                 get32(info + 8 + 4));
        show(who, "xsm_op core MODULE_INFO", rc, line);
    }
}

/* lhs offers a port to rhs, rhs binds, rhs sends: all as hypercalls. */
static void channel(struct hv *h, xsm_domid_t lhs, xsm_domid_t rhs, const char *pair)
{
    uint8_t op[24];
    char what[96], detail[96];
    uint32_t lp, rp;
    long rc;

    memset(op, 0, sizeof(op));
    put16(op, XSM_DOMID_SELF);
    put16(op + 2, rhs);
    hv_guest_write(h, lhs, OPA, op, 8);
    rc = call(h, lhs, HV_HYPERCALL_event_channel_op, HV_EVTCHNOP_alloc_unbound, OPA, 0, 0, 0);
    snprintf(what, sizeof(what), "evtchn alloc_unbound for d%u", rhs);
    hv_guest_read(h, lhs, OPA, op, 8);
    lp = get32(op + 4);
    snprintf(detail, sizeof(detail), "port %u", lp);
    show(pair, what, rc, detail);
    if (rc < 0)
        return;

    memset(op, 0, sizeof(op));
    put16(op, lhs);
    put32(op + 4, lp);
    hv_guest_write(h, rhs, OPA, op, 12);
    rc = call(h, rhs, HV_HYPERCALL_event_channel_op, HV_EVTCHNOP_bind_interdomain, OPA, 0, 0, 0);
    hv_guest_read(h, rhs, OPA, op, 12);
    rp = get32(op + 8);
    snprintf(what, sizeof(what), "evtchn bind_interdomain to d%u:%u", lhs, lp);
    snprintf(detail, sizeof(detail), "local port %u", rp);
    show(pair, what, rc, detail);
    if (rc < 0)
        return;
    hv_evtchn_consume(h, rhs, rp);

    put32(op, rp);
    hv_guest_write(h, rhs, OPA, op, 4);
    rc = call(h, rhs, HV_HYPERCALL_event_channel_op, HV_EVTCHNOP_send, OPA, 0, 0, 0);
    snprintf(detail, sizeof(detail), "d%u port %u pending=%d", lhs, lp,
             hv_evtchn_pending(h, lhs, lp));
    show(pair, "evtchn send", rc, detail);
}

/* granter shares one page with grantee, which maps it and writes a note. */
static void grant(struct hv *h, xsm_domid_t granter, xsm_domid_t grantee, const char *pair)
{
    uint8_t op[32];
    char what[96], detail[96], note[32] = {0};
    uint32_t handle;
    int st;

    hv_gnttab_write_entry(h, granter, 8, HV_GTF_permit_access, grantee, 5);
    memset(op, 0, sizeof(op));
    put32(op + 8, HV_GNTMAP_host_map);
    put32(op + 12, 8);
    put16(op + 16, granter);
    hv_guest_write(h, grantee, OPA, op, sizeof(op));
    if (call(h, grantee, HV_HYPERCALL_grant_table_op, HV_GNTTABOP_map_grant_ref, OPA, 1, 0, 0)) {
        show(pair, "grant map", -14, NULL);
        return;
    }
    hv_guest_read(h, grantee, OPA, op, sizeof(op));
    st = (int16_t)get16(op + 18);
    handle = get32(op + 20);
    snprintf(what, sizeof(what), "gnttab map d%u's grant ref 8", granter);
    snprintf(detail, sizeof(detail), "handle %u", handle);
    show_gnt(pair, what, st, detail);
    if (st)
        return;
    snprintf(note, sizeof(note), "hello from d%u", grantee);
    hv_gnttab_access(h, grantee, handle, 0, note, strlen(note) + 1, true);
    memset(note, 0, sizeof(note));
    hv_guest_read(h, granter, (uint64_t)5 * HV_PAGE_SIZE, note, sizeof(note) - 1);
    snprintf(detail, sizeof(detail), "d%u reads \"%s\" in its page", granter, note);
    show_gnt(pair, "write through the mapping", 0, detail);
    hv_gnttab_unmap(h, grantee, handle);
}

/* receiver registers a ring for sender; sender sends with argo_op sendv. */
static void argo(struct hv *h, xsm_domid_t sender, xsm_domid_t receiver, const char *pair)
{
    uint8_t op[32];
    char what[96], detail[96], msg[64] = {0};
    struct hv_argo_msg m;
    long rc;

    memset(op, 0, sizeof(op));
    put32(op, 7);
    put16(op + 4, sender);
    put32(op + 8, HV_PAGE_SIZE - 64);
    hv_guest_write(h, receiver, OPA, op, 12);
    rc = call(h, receiver, HV_HYPERCALL_argo_op, HV_ARGO_OP_register_ring, OPA, BUFA, 1, 0);
    snprintf(what, sizeof(what), "argo register ring 7 for d%u", sender);
    show(pair, what, rc, NULL);

    snprintf(msg, sizeof(msg), "argo message from d%u", sender);
    memset(op, 0, sizeof(op));
    put32(op, 1);
    put16(op + 4, sender);
    put32(op + 8, 7);
    put16(op + 12, receiver);
    put64(op + 16, BUFA);
    put32(op + 24, (uint32_t)strlen(msg));
    hv_guest_write(h, sender, OPA, op, 32);
    hv_guest_write(h, sender, BUFA, msg, strlen(msg));
    rc = call(h, sender, HV_HYPERCALL_argo_op, HV_ARGO_OP_sendv, OPA, OPA + 16, 1, 0);
    snprintf(what, sizeof(what), "argo sendv to d%u ring 7", receiver);
    show(pair, what, rc, NULL);
    if (rc < 0)
        return;
    memset(msg, 0, sizeof(msg));
    if (hv_argo_recv(h, receiver, 7, sender, &m, msg, sizeof(msg) - 1) >= 0) {
        snprintf(detail, sizeof(detail), "d%u's ring holds \"%s\"", receiver, msg);
        show(pair, "argo receive", 0, detail);
    }
}

/*
 * Under FLASK the toolstack labels new guests: it asks for the SID of the
 * guest context (FLASK_CONTEXT_TO_SID, xsm_op 4) and passes it as ssidref.
 * Without FLASK, ssidref stays 0.
 */
static uint32_t flask_guest_label(struct hv *h)
{
    static const char ctx[] = "system_u:system_r:domU_t";
    xsm_ctx *x = hv_xsm(h);
    bool flask = false;
    uint8_t op[40];
    long rc;

    for (unsigned i = 0; i < xsm_active_count(x); i++)
        flask |= xsm_active_id(x, i) == XSM_MODULE_FLASK;
    if (!flask)
        return 0;
    memset(op, 0, sizeof(op));
    put32(op, XSM_OP_CMD(XSM_MODULE_FLASK, 4));
    put32(op + 4, 1);
    put32(op + 12, (uint32_t)strlen(ctx));
    put64(op + 16, BUFA);
    hv_guest_write(h, 0, BUFA, ctx, strlen(ctx));
    hv_guest_write(h, 0, OPA, op, sizeof(op));
    rc = call(h, 0, HV_HYPERCALL_xsm_op, OPA, 0, 0, 0, 0);
    hv_guest_read(h, 0, OPA, op, sizeof(op));
    show("d0", "xsm_op FLASK_CONTEXT_TO_SID domU_t", rc, NULL);
    return rc < 0 ? 0 : get32(op + 8);
}

static int scenario(const char *mods, bool optional)
{
    struct hv_config cfg = {0};
    struct hv *h;
    uint8_t op[144];
    xsm_domid_t a, b;
    char buf[64], who[32];
    uint32_t ssidref;
    struct xsm_module_info info;
    long rc;

    printf("\n=== xsm=%s ===\n", mods);
    cfg.modules = mods;
    cfg.argo_mac_permissive = true;
    cfg.log = note_log;
    rc = hv_create(&h, &cfg);
    /* Without FLASK in the build, "flask" is an unknown name and boots the default module. */
    if (rc == 0 && optional && xsm_get_module_info(hv_xsm(h), XSM_MODULE_FLASK, &info) != 0) {
        printf("  (not available in this build: skipped)\n");
        hv_destroy(h);
        return 0;
    }
    if (rc) {
        printf("  hypervisor did not start: -%s (%ld)\n", err_name(rc), rc);
        return 1;
    }

    /* dom0's toolstack creates two guests with domctl hypercalls. */
    printf(" boot: d0 is the control domain; it creates two guests\n");
    ssidref = flask_guest_label(h);
    for (int i = 0; i < 2; i++) {
        memset(op, 0, sizeof(op));
        put32(op, HV_DOMCTL_createdomain);
        put32(op + 4, HV_DOMCTL_INTERFACE_VERSION);
        put32(op + 16, ssidref);
        put32(op + 16 + 20, HV_CDF_hvm);
        hv_guest_write(h, 0, OPA, op, sizeof(op));
        rc = call(h, 0, HV_HYPERCALL_domctl, OPA, 0, 0, 0, 0);
        hv_guest_read(h, 0, OPA, op, sizeof(op));
        snprintf(buf, sizeof(buf), "new domain d%u", get16(op + 8));
        show("d0", "domctl createdomain", rc, buf);
        if (rc < 0) {
            hv_destroy(h);
            return 1;
        }
        if (i == 0)
            a = get16(op + 8);
        else
            b = get16(op + 8);
    }
    hv_domain_unpause(h, 0, a);
    hv_domain_unpause(h, 0, b);

    printf(" discovery (from a guest, through its own memory):\n");
    snprintf(who, sizeof(who), "d%u", a);
    discovery(h, a, who);

    printf(" event channels:\n");
    snprintf(who, sizeof(who), "d%u<->d0", a);
    channel(h, a, 0, who);
    snprintf(who, sizeof(who), "d%u<->d%u", a, b);
    channel(h, a, b, who);

    printf(" grant tables:\n");
    snprintf(who, sizeof(who), "d%u->d0", a);
    grant(h, a, 0, who);
    snprintf(who, sizeof(who), "d%u->d%u", a, b);
    grant(h, a, b, who);

    printf(" argo:\n");
    snprintf(who, sizeof(who), "d%u->d0", a);
    argo(h, a, 0, who);
    snprintf(who, sizeof(who), "d%u->d%u", a, b);
    argo(h, a, b, who);

    printf(" privileged operations:\n");
    snprintf(who, sizeof(who), "d%u", a);
    show(who, "domctl pausedomain d2", hv_domain_pause(h, a, b), NULL);
    show("d0", "domctl pausedomain d2", hv_domain_pause(h, 0, b), NULL);
    {
        char cmdline[1024] = {0};

        rc = hv_xen_version(h, a, HV_XENVER_commandline, cmdline, sizeof(cmdline));
        if (rc == 0 && !strcmp(cmdline, "<denied>"))
            printf("  [DENIED ] %-12s xen_version commandline: Xen answers \"<denied>\"\n", who);
        else
            show(who, "xen_version commandline", rc, cmdline);
    }
    show(who, "console_io write", hv_console_write(h, a, "hi\n", 3), NULL);
    show("d0", "console_io write", hv_console_write(h, 0, "dom0 was here\n", 14), NULL);

    hv_destroy(h);
    return 0;
}

static void usage(FILE *f)
{
    fprintf(f, "usage: xsm-demo [--xsm=LIST]... [--quiet] [--help]\n"
               "\n"
               "Boots the openxsm hypervisor model with a control domain (d0) and two\n"
               "guests, and prints what the XSM configuration allows: event channels,\n"
               "grants and Argo between a guest and d0 and between the two guests,\n"
               "privileged calls, and the discovery hypercall (xsm_op core LIST_MODULES\n"
               "and MODULE_INFO) by which a guest learns which modules are active.\n"
               "\n"
               "  --xsm=LIST   module list, Xen style: dummy, silo, flask, or a comma\n"
               "               list (stacking, e.g. silo,flask).  May be repeated; each\n"
               "               list gets its own run.  Default: dummy, then silo, then\n"
               "               flask with its built-in policy (if built).\n"
               "  --quiet      hide the XSM log lines\n"
               "  --help       this text\n");
}

int main(int argc, char **argv)
{
    const char *lists[16];
    int n = 0, bad = 0;
    bool dflt = false;

    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(argv[i], "--quiet")) {
            quiet = true;
        } else if (!strncmp(argv[i], "--xsm=", 6) && n < 16) {
            lists[n++] = argv[i] + 6;
        } else {
            usage(stderr);
            return 2;
        }
    }
    if (!n) {
        lists[n++] = "dummy";
        lists[n++] = "silo";
        lists[n++] = "flask"; /* with its built-in policy; skipped if not built */
        dflt = true;
    }
    printf("openxsm hypervisor model demo\n");
    for (int i = 0; i < n; i++)
        bad |= scenario(lists[i], dflt && i == 2);
    return bad ? 1 : 0;
}
