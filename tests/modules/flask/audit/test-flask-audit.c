/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * FLASK's log lines, byte for byte as Xen 4.17 prints them (without the
 * console's "(XEN) " prefix and trailing newline): the AVC audit line of
 * each kind of audit data the hooks pass, the boot messages of every
 * flask= mode, the policy-load and boolean-commit messages.  Expected lines
 * are written out here from Xen's avc_audit() and hooks.c, and the rules of
 * audit-policy.conf, not taken from the code under test.
 *
 * Beyond Xen: no line is cut short, and strings a guest or a policy
 * supplies are escaped (\xHH) so that no control byte reaches the log.
 *
 * usage: test-flask-audit AUDIT-POLICY.bin   (no argument: skipped)
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openxsm/hooks.h>
#include <openxsm/xen/flask_op.h>
#include <openxsm/xsm.h>

#include "../../../lib/slurp.h"
#include "../../../lib/flatmem.h"
#include "../../check.h"
#include "modules/flask/flask.h"

/* Xen 4.17 public ABI values used below. */
#define XEN_DOMCTL_pausedomain 3
#define XEN_SYSCTL_physinfo    3
#define XENVER_extraversion    1
#define XEN2_RESOURCE_OP       (1U << 0)

/* ---- The log: every line kept ------------------------------------------ */

struct log {
    char **line;
    unsigned n, cap;
    unsigned bad_bytes; /* bytes outside printable ASCII, over all lines */
};

static void log_add(struct log *l, const char *line)
{

    for (const unsigned char *p = (const unsigned char *)line; *p != '\0'; p++)
        if (*p < 0x20 || *p > 0x7e)
            l->bad_bytes++;
    if (l->n == l->cap) {
        unsigned cap = l->cap ? 2 * l->cap : 16;
        char **nl = realloc(l->line, cap * sizeof(*nl));

        if (nl == NULL)
            abort();
        l->line = nl;
        l->cap = cap;
    }
    l->line[l->n] = strdup(line);
    if (l->line[l->n] == NULL)
        abort();
    l->n++;
}

static void log_clear(struct log *l)
{
    for (unsigned i = 0; i < l->n; i++)
        free(l->line[i]);
    free(l->line);
    memset(l, 0, sizeof(*l));
}

static const char *log_last(const struct log *l)
{
    return l->n > 0 ? l->line[l->n - 1] : "";
}

/* got must equal want; both printed when they differ. */
#define CHECK_LINE(got, want)                                                                      \
    do {                                                                                           \
        const char *g_ = (got), *w_ = (want);                                                      \
        check_count++;                                                                             \
        if (strcmp(g_, w_) != 0) {                                                                 \
            check_failures++;                                                                      \
            fprintf(stderr, "%s:%d: line differs\n  got:  %s\n  want: %s\n", __FILE__, __LINE__,   \
                    g_, w_);                                                                       \
        }                                                                                          \
    } while (0)

/* The log since 'from' must be exactly the n lines of want. */
static void check_lines(const struct log *l, unsigned from, const char *const *want, unsigned n,
                        int at)
{
    check_count++;
    if (l->n - from != n) {
        check_failures++;
        fprintf(stderr, "%s:%d: %u log lines, expected %u:\n", __FILE__, at, l->n - from, n);
        for (unsigned i = from; i < l->n; i++)
            fprintf(stderr, "  got:  %s\n", l->line[i]);
        for (unsigned i = 0; i < n; i++)
            fprintf(stderr, "  want: %s\n", want[i]);
        return;
    }
    for (unsigned i = 0; i < n; i++)
        CHECK_LINE(l->line[from + i], want[i]);
}
#define CHECK_LINES(l, from, ...)                                                                  \
    do {                                                                                           \
        static const char *const want_[] = {__VA_ARGS__};                                          \
        check_lines((l), (from), want_, sizeof(want_) / sizeof(want_[0]), __LINE__);               \
    } while (0)
#define CHECK_NO_LINES(l, from) check_lines((l), (from), NULL, 0, __LINE__)

/* ---- A host: domains, guest memory = this process's memory --------------- */

enum { IDLE, DOM0, DOMU, OTHER, BADNAME, DOMIO, DOMXEN, DOMCOW, NDOMS };

struct world {
    xsm_ctx *x;
    struct xsm_instance *mi;
    struct xsm_domain d[NDOMS];
    struct log log;
};

static const xsm_domid_t ids[NDOMS] = {
    XSM_DOMID_IDLE, 0, 1, 4, 5, XSM_DOMID_IO, XSM_DOMID_XEN, XSM_DOMID_COW,
};

static struct xsm_domain *host_domain_get(void *host, xsm_domid_t domid)
{
    struct world *w = host;

    for (unsigned i = 0; i < NDOMS; i++)
        if (w->d[i].domid == domid)
            return &w->d[i];
    return NULL;
}

static void host_log(void *host, const char *line)
{
    struct world *w = host;

    log_add(&w->log, line);
}

static const struct xsm_host_ops host_ops = {
    .domain_get = host_domain_get,
    .log = host_log,
};

static long flask_op(struct world *w, unsigned who, xen_flask_op_t *op)
{
    op->interface_version = XEN_FLASK_INTERFACE_VERSION;
    return xsm_do_op(w->x, &w->d[who], &flat_guest, (uint64_t)(uintptr_t)op);
}

static const unsigned char *policy;
static size_t policy_len;

static int world_create(struct world *w, const char *mode, const void *pol, size_t len)
{
    struct xsm_config cfg = {
        .modules = "flask",
        .flask_mode = mode,
        .policy = pol,
        .policy_len = len,
        .host_ops = &host_ops,
        /* x86-like: GSIs 0..47 are static, above them MSIs and other dynamic IRQs. */
        .nr_irqs = 256,
        .nr_static_irqs = 48,
    };
    int rc;

    memset(w, 0, sizeof(*w));
    cfg.host = w;
    for (unsigned i = 0; i < NDOMS; i++)
        w->d[i].domid = ids[i];
    w->d[DOM0].is_privileged = true;
    w->d[IDLE].is_privileged = true;
    rc = xsm_create(&w->x, &cfg);
    if (rc != 0)
        return rc;
    w->mi = xsm_find_active(w->x, XSM_MODULE_FLASK);
    return w->mi != NULL ? 0 : -ENOENT;
}

static void world_destroy(struct world *w)
{
    if (w->x != NULL)
        for (unsigned i = 0; i < NDOMS; i++)
            xsm_free_security_domain(w->x, NULL, &w->d[i]);
    xsm_destroy(w->x);
    log_clear(&w->log);
}

static uint32_t sid_of(struct world *w, const char *ctx)
{
    uint32_t sid = 0;

    CHECK_EQ(ss_context_to_sid(flask_ss(w->mi), ctx, strlen(ctx), &sid), 0);
    return sid;
}

/* Xen's boot: the idle domain builds dom0 and domU, goes live; dom0 builds the
 * rest. */
static void world_boot(struct world *w, const char *badname_ctx)
{
    struct xsm_domain *idle = &w->d[IDLE], *dom0 = &w->d[DOM0];

    CHECK_EQ(xsm_alloc_security_domain(w->x, NULL, idle), 0);
    for (unsigned i = DOMIO; i <= DOMCOW; i++)
        CHECK_EQ(xsm_alloc_security_domain(w->x, NULL, &w->d[i]), 0);
    CHECK_EQ(xsm_alloc_security_domain(w->x, idle, dom0), 0);
    CHECK_EQ(xsm_domain_create(w->x, idle, dom0, 0), 0);
    CHECK_EQ(xsm_alloc_security_domain(w->x, idle, &w->d[DOMU]), 0);
    /* A boot-time guest needs its label given: Xen 4.17 makes it unlabeled otherwise. */
    CHECK_EQ(xsm_domain_create(w->x, idle, &w->d[DOMU], SECINITSID_DOMU), 0);
    CHECK_EQ(xsm_set_system_active(w->x, idle), 0);
    CHECK_EQ(xsm_alloc_security_domain(w->x, dom0, &w->d[OTHER]), 0);
    CHECK_EQ(xsm_domain_create(w->x, dom0, &w->d[OTHER], sid_of(w, "system_u:system_r:other_t")),
             0);
    CHECK_EQ(xsm_alloc_security_domain(w->x, dom0, &w->d[BADNAME]), 0);
    CHECK_EQ(xsm_domain_create(w->x, dom0, &w->d[BADNAME], sid_of(w, badname_ctx)), 0);
    w->d[DOMU].iommu = XSM_IOMMU_NONE;
}

/* ---- Audit lines --------------------------------------------------------- */

#define DOM0_T  "system_u:system_r:dom0_t"
#define DOMU_T  "system_u:system_r:domU_t"
#define OTHER_T "system_u:system_r:other_t"
#define XEN_T   "system_u:system_r:xen_t"
#define NIC_T   "system_u:object_r:nic_t"
#define DEV_T   "system_u:object_r:device_t"

/* One denial per kind of audit data, in the order of Xen's avc_audit(). */
static void test_audit_data(void)
{
    struct world w;
    struct log *l = &w.log;
    struct xsm_domain *dom0 = &w.d[DOM0], *domU = &w.d[DOMU], *other = &w.d[OTHER];
    struct xsm_irq_data msi = {.sbdf = 0x300};
    unsigned from;

    CHECK_EQ(world_create(&w, "enforcing", policy, policy_len), 0);
    if (w.mi == NULL)
        return;
    world_boot(&w, "system_u:system_r:badname_t");

    /* domain_has_perm: source and target domain, "d" and the domain id. */
    CHECK_EQ(xsm_domctl(w.x, dom0, other, XEN_DOMCTL_pausedomain), -EACCES);
    CHECK_LINE(log_last(l), "avc:  denied  { pause } for source=d0 target=d4 scontext=" DOM0_T
                            " tcontext=" OTHER_T " tclass=domain");
    /* A domain acting on itself: the target is not repeated. */
    CHECK_EQ(xsm_getdomaininfo(w.x, domU, domU), -EACCES);
    CHECK_LINE(log_last(l), "avc:  denied  { getdomaininfo } for source=d1 scontext=" DOMU_T
                            " tcontext=system_u:system_r:domU_t_self tclass=domain");
    /* Xen's special domains print by name. */
    CHECK_EQ(xsm_add_to_physmap(w.x, dom0, dom0, &w.d[DOMIO]), -EACCES);
    CHECK_LINE(log_last(l), "avc:  denied  { physmap } for source=d0 target=d[IO] scontext=" DOM0_T
                            " tcontext=system_u:system_r:domio_t tclass=mmu");
    CHECK_EQ(xsm_memory_stat_reservation(w.x, dom0, dom0, &w.d[DOMXEN]), -EACCES);
    CHECK_LINE(log_last(l), "avc:  denied  { stat } for source=d0 target=d[XEN] scontext=" DOM0_T
                            " tcontext=system_u:system_r:domxen_t tclass=mmu");
    {
        /* Its label is the hooks' business; the line spells it whatever it is. */
        char *cow = flask_sid_to_context(w.mi, flask_domain_sid(w.mi, &w.d[DOMCOW]));
        char want[256];

        snprintf(want, sizeof(want),
                 "avc:  denied  { stat } for source=d0 target=d[COW] scontext=" DOM0_T
                 " tcontext=%s tclass=mmu",
                 cow != NULL ? cow : "?");
        CHECK_EQ(xsm_memory_stat_reservation(w.x, dom0, dom0, &w.d[DOMCOW]), -EACCES);
        CHECK_LINE(log_last(l), want);
        free(cow);
    }

    /* No domains in the audit data: the calling domain, as current=. */
    CHECK_EQ(xsm_sysctl(w.x, domU, XEN_SYSCTL_physinfo), -EACCES);
    CHECK_LINE(log_last(l), "avc:  denied  { physinfo } for current=d1 scontext=" DOMU_T
                            " tcontext=" XEN_T " tclass=xen");
    CHECK_EQ(xsm_kexec(w.x, &w.d[IDLE]), -EACCES);
    CHECK_LINE(log_last(l), "avc:  denied  { kexec } for current=d[IDLE] scontext=" XEN_T
                            " tcontext=" XEN_T " tclass=xen");
    CHECK_EQ(xsm_get_device_group(w.x, dom0, 0x400), -EACCES);
    CHECK_LINE(log_last(l), "avc:  denied  { stat_device } for current=d0 scontext=" DOM0_T
                            " tcontext=" DEV_T " tclass=resource");
    /* A channel's label is the subject of its bind check; current= is still the
     * caller. */
    struct xsm_evtchn chn = {.state = XSM_ECS_UNBOUND}, chn2 = {.state = XSM_ECS_UNBOUND};
    CHECK_EQ(xsm_alloc_security_evtchns(w.x, NULL, &chn, 1), 0);
    CHECK_EQ(xsm_alloc_security_evtchns(w.x, NULL, &chn2, 1), 0);
    CHECK_EQ(xsm_evtchn_unbound(w.x, domU, domU, &chn, 0), -EACCES);
    CHECK_LINE(log_last(l),
               "avc:  denied  { bind } for current=d1 "
               "scontext=system_u:object_r:domU_t_channel tcontext=" DOM0_T " tclass=event");
    /* The interdomain checks carry both ends. */
    CHECK_EQ(xsm_evtchn_interdomain(w.x, dom0, dom0, &chn, domU, &chn2), -EACCES);
    CHECK_LINE(log_last(l), "avc:  denied  { create } for source=d0 target=d1 scontext=" DOM0_T
                            " tcontext=system_u:object_r:domU_t tclass=event");

    /* irq=: a static IRQ, unlabelled (irq_t) or the nic's. */
    CHECK_EQ(xsm_map_domain_irq(w.x, dom0, domU, 40, NULL), -EACCES);
    CHECK_LINE(log_last(l), "avc:  denied  { add_irq } for current=d0 irq=40 scontext=" DOM0_T
                            " tcontext=system_u:object_r:irq_t tclass=resource");
    CHECK_EQ(xsm_map_domain_irq(w.x, dom0, domU, 33, NULL), -EACCES);
    CHECK_LINE(log_last(l), "avc:  denied  { use_noiommu } for current=d0 irq=33 scontext=" DOMU_T
                            " tcontext=" NIC_T " tclass=resource");
    /* device=: an MSI is audited as its PCI device. */
    CHECK_EQ(xsm_map_domain_irq(w.x, dom0, domU, 100, &msi), -EACCES);
    CHECK_LINE(log_last(l), "avc:  denied  { use_noiommu } for current=d0 device=0x300 "
                            "scontext=" DOMU_T " tcontext=" NIC_T " tclass=resource");
    CHECK_EQ(xsm_resource_plug_pci(w.x, dom0, 0x400), -EACCES);
    CHECK_LINE(log_last(l), "avc:  denied  { plug } for current=d0 device=0x400 scontext=" DOM0_T
                            " tcontext=" DEV_T " tclass=resource");
    /* range=: one labelled piece of an I/O memory range. */
    CHECK_EQ(xsm_iomem_permission(w.x, dom0, domU, 0xfe000, 0xfe0ff, 1), -EACCES);
    CHECK_LINE(log_last(l), "avc:  denied  { add_iomem } for current=d0 range=0xfe000-0xfe0ff "
                            "scontext=" DOM0_T " tcontext=" NIC_T " tclass=resource");
    /* dtdevice=: the device-tree path. */
    CHECK_EQ(xsm_assign_dtdevice(w.x, dom0, domU, "/soc/serial@1c28000"), -EACCES);
    CHECK_LINE(log_last(l), "avc:  denied  { add_device } for current=d0 "
                            "dtdevice=/soc/serial@1c28000 scontext=" DOM0_T " tcontext=" DEV_T
                            " tclass=resource");

    /* Where Xen's hook passes no data, neither path nor device is printed. */
    CHECK_EQ(xsm_assign_dtdevice(w.x, dom0, NULL, "/soc/serial@1c28000"), -EACCES);
    CHECK_LINE(log_last(l), "avc:  denied  { stat_device } for current=d0 scontext=" DOM0_T
                            " tcontext=" DEV_T " tclass=resource");
    /* The device's user is the subject, the caller is current=. */
    CHECK_EQ(xsm_pci_config_permission(w.x, dom0, domU, 0x300, 0, 4, 0), -EACCES);
    CHECK_LINE(log_last(l), "avc:  denied  { use_noiommu } for current=d0 device=0x300 "
                            "scontext=" DOMU_T " tcontext=" NIC_T " tclass=resource");

    /* Every denied permission is printed when any of them is audited. */
    from = l->n;
    CHECK_EQ(xsm_grant_mapref(w.x, other, other, dom0, 0), -EACCES);
    CHECK_LINES(l, from,
                "avc:  denied  { map_read map_write } for source=d4 target=d0 "
                "scontext=" OTHER_T " tcontext=" DOM0_T " tclass=grant");
    /* ... and nothing when none is. */
    from = l->n;
    CHECK_EQ(xsm_xen_version(w.x, other, XENVER_extraversion), -EACCES);
    CHECK_NO_LINES(l, from);
    /* A grant is printed whole when any requested permission is auditallow'ed. */
    from = l->n;
    CHECK_EQ(xsm_readconsole(w.x, dom0, 1), 0);
    CHECK_LINES(l, from,
                "avc:  granted  { readconsole clearconsole } for current=d0 "
                "scontext=" DOM0_T " tcontext=" XEN_T " tclass=xen");
    /* Permissions without a name: one hexadecimal word after the named ones. */
    CHECK_EQ(flask_avc_has_perm(w.mi, SECINITSID_DOM0, SECINITSID_XEN, SECCLASS_XEN2,
                                XEN2_RESOURCE_OP | 0xc0000000U, NULL),
             -EACCES);
    CHECK_LINE(log_last(l), "avc:  denied  { resource_op 0xc0000000 } for scontext=" DOM0_T
                            " tcontext=" XEN_T " tclass=xen2");

    CHECK_EQ(l->bad_bytes, 0);
    world_destroy(&w);
}

/* FLASK ops audit as Xen's flask_op.c does. */
static void test_op_audit(void)
{
    struct world w;
    xen_flask_op_t op;

    CHECK_EQ(world_create(&w, "enforcing", policy, policy_len), 0);
    if (w.mi == NULL)
        return;
    world_boot(&w, "system_u:system_r:badname_t");

    memset(&op, 0, sizeof(op));
    op.cmd = FLASK_SETENFORCE;
    op.u.enforce.enforcing = 0;
    CHECK_EQ(flask_op(&w, DOMU, &op), -EACCES);
    CHECK_LINE(log_last(&w.log), "avc:  denied  { setenforce } for current=d1 scontext=" DOMU_T
                                 " tcontext=system_u:system_r:security_t tclass=security");

    memset(&op, 0, sizeof(op));
    op.cmd = FLASK_RELABEL_DOMAIN;
    op.u.relabel.domid = 4;
    op.u.relabel.sid = SECINITSID_DOMU;
    CHECK_EQ(flask_op(&w, DOM0, &op), -EACCES);
    CHECK_LINE(log_last(&w.log),
               "avc:  denied  { relabelfrom } for source=d0 target=d4 scontext=" DOM0_T
               " tcontext=" OTHER_T " tclass=domain2");
    world_destroy(&w);
}

/* No length limit: a long device-tree path does not cost the line its end. */
static void test_long_line(void)
{
    struct world w;
    char *path, *want;
    size_t n = 0;
    static const char head[] = "avc:  denied  { add_device } for current=d0 dtdevice=";
    static const char tail[] = " scontext=" DOM0_T " tcontext=" DEV_T " tclass=resource";

    CHECK_EQ(world_create(&w, "enforcing", policy, policy_len), 0);
    if (w.mi == NULL)
        return;
    world_boot(&w, "system_u:system_r:badname_t");

    path = malloc(6001);
    want = malloc(sizeof(head) + 6000 + sizeof(tail));
    if (path == NULL || want == NULL)
        abort();
    while (n + 12 < 6000)
        n += (size_t)sprintf(path + n, "/bus@%06zx", n);
    strcpy(want, head);
    strcat(want, path);
    strcat(want, tail);
    CHECK_EQ(xsm_assign_dtdevice(w.x, &w.d[DOM0], &w.d[DOMU], path), -EACCES);
    CHECK_LINE(log_last(&w.log), want);
    free(path);
    free(want);
    world_destroy(&w);
}

/*
 * Untrusted strings are escaped: a device-tree path from a guest, and names
 * from a policy (here a type and a boolean corrupted in the binary).  Every
 * byte outside '!'..'~', and the backslash, becomes \xHH.  Xen prints them
 * raw.
 */
static void test_escaping(void)
{
    struct world w;
    unsigned char *bad = malloc(policy_len);
    xen_flask_op_t op;
    size_t hits = 0;

    if (bad == NULL)
        abort();
    memcpy(bad, policy, policy_len);
    /* "badname_t" -> "bad\n\x1bme_t", "badbool_b" -> "bad ool\x7f\\" (same
     * lengths). */
    for (size_t i = 0; i + 9 <= policy_len; i++) {
        if (memcmp(bad + i, "badname_t", 9) == 0) {
            memcpy(bad + i, "bad\n\x1bme_t", 9);
            hits++;
        } else if (memcmp(bad + i, "badbool_b", 9) == 0) {
            memcpy(bad + i, "bad ool\x7f\\", 9);
            hits++;
        }
    }
    CHECK_EQ(hits, 2);

    CHECK_EQ(world_create(&w, "enforcing", bad, policy_len), 0);
    if (w.mi == NULL) {
        free(bad);
        return;
    }
    world_boot(&w, "system_u:system_r:bad\n\x1bme_t");

    CHECK_EQ(xsm_assign_dtdevice(w.x, &w.d[DOM0], &w.d[DOMU], "/soc/a b\n\x1b[2J\\c\x7f\xff"),
             -EACCES);
    CHECK_LINE(log_last(&w.log),
               "avc:  denied  { add_device } for current=d0 "
               "dtdevice=/soc/a\\x20b\\x0a\\x1b[2J\\x5cc\\x7f\\xff scontext=" DOM0_T
               " tcontext=" DEV_T " tclass=resource");
    CHECK_EQ(xsm_domctl(w.x, &w.d[DOM0], &w.d[BADNAME], XEN_DOMCTL_pausedomain), -EACCES);
    CHECK_LINE(log_last(&w.log), "avc:  denied  { pause } for source=d0 target=d5 scontext=" DOM0_T
                                 " tcontext=system_u:system_r:bad\\x0a\\x1bme_t tclass=domain");

    memset(&op, 0, sizeof(op));
    op.cmd = FLASK_SETBOOL;
    op.u.boolean.bool_id = 2;
    op.u.boolean.new_value = 1;
    op.u.boolean.commit = 1;
    CHECK_EQ(flask_op(&w, DOM0, &op), 0);
    CHECK_LINE(log_last(&w.log), "Flask: committed booleans { guest_console:1, "
                                 "guest_debug:0, bad\\x20ool\\x7f\\x5c:1 }");

    CHECK_EQ(w.log.bad_bytes, 0);
    world_destroy(&w);
    free(bad);
}

/* ---- Boot, load and commit messages -------------------------------------- */

static void test_boot_messages(void)
{
    static const unsigned char junk[64] = {0x8c, 0xff, 0x7c, 0xf9};
    struct world w;
    xen_flask_op_t op;

    CHECK_EQ(world_create(&w, "enforcing", policy, policy_len), 0);
    CHECK_LINES(&w.log, 0, "Flask:  Starting in enforcing mode.");
    world_destroy(&w);

    CHECK_EQ(world_create(&w, NULL, policy, policy_len), 0);
    CHECK_LINES(&w.log, 0, "Flask:  Starting in enforcing mode.");
    world_destroy(&w);

    CHECK_EQ(world_create(&w, "permissive", policy, policy_len), 0);
    CHECK_LINES(&w.log, 0, "Flask:  Starting in permissive mode.");
    world_destroy(&w);

    /* Late load: nothing enforced until the first FLASK_LOAD, then enforcing. */
    CHECK_EQ(world_create(&w, "late", policy, policy_len), 0);
    CHECK_LINES(&w.log, 0, "Flask:  Access controls disabled until policy is loaded.");
    if (w.mi != NULL) {
        CHECK_EQ(xsm_alloc_security_domain(w.x, NULL, &w.d[DOM0]), 0);
        memset(&op, 0, sizeof(op));
        op.cmd = FLASK_LOAD;
        op.u.load.buffer.p = (char *)(uintptr_t)policy;
        op.u.load.size = (uint32_t)policy_len;
        CHECK_EQ(flask_op(&w, DOM0, &op), 0);
        CHECK_LINES(&w.log, 1, "Flask: Policy loaded, continuing in enforcing mode.");
        /* A reload says nothing. */
        CHECK_EQ(flask_op(&w, DOM0, &op), 0);
        CHECK_EQ(w.log.n, 2);
    }
    world_destroy(&w);

    /* Permissive without a usable policy: no access control until one is loaded.
     */
    CHECK_EQ(world_create(&w, "permissive", junk, sizeof(junk)), 0);
    CHECK(w.log.n >= 1);
    CHECK_LINE(log_last(&w.log), "Flask:  Access controls disabled until policy is loaded.");
    world_destroy(&w);

    /* Enforcing without a usable policy: Xen panics; here xsm_create fails. */
    CHECK(world_create(&w, "enforcing", junk, sizeof(junk)) < 0);
    CHECK_LINE(log_last(&w.log), "Unable to load FLASK policy");
    world_destroy(&w);

    /* flask=disabled: the module declines (the context then says so too). */
    CHECK_EQ(world_create(&w, "disabled", policy, policy_len), -ENOENT);
    CHECK(w.log.n >= 1);
    CHECK_LINE(w.log.n >= 1 ? w.log.line[0] : "", "Flask: Disabled at boot.");
    world_destroy(&w);

    CHECK_EQ(world_create(&w, "sometimes", policy, policy_len), -EINVAL);
    CHECK_LINES(&w.log, 0, "Flask: Invalid value for flask= boot parameter.");
    world_destroy(&w);
}

static void test_commit_messages(void)
{
    struct world w;
    xen_flask_op_t op;
    unsigned from;

    CHECK_EQ(world_create(&w, "enforcing", policy, policy_len), 0);
    if (w.mi == NULL)
        return;
    world_boot(&w, "system_u:system_r:badname_t");

    /* SETBOOL with commit: all booleans, in policy order, with their new values.
     */
    from = w.log.n;
    memset(&op, 0, sizeof(op));
    op.cmd = FLASK_SETBOOL;
    op.u.boolean.bool_id = 1;
    op.u.boolean.new_value = 1;
    op.u.boolean.commit = 1;
    CHECK_EQ(flask_op(&w, DOM0, &op), 0);
    CHECK_LINES(&w.log, from,
                "Flask: committed booleans { guest_console:1, guest_debug:1, "
                "badbool_b:0 }");

    /* SETBOOL pending only: no message; COMMITBOOLS prints the committed set. */
    from = w.log.n;
    op.u.boolean.bool_id = 0;
    op.u.boolean.new_value = 0;
    op.u.boolean.commit = 0;
    CHECK_EQ(flask_op(&w, DOM0, &op), 0);
    CHECK_NO_LINES(&w.log, from);
    memset(&op, 0, sizeof(op));
    op.cmd = FLASK_COMMITBOOLS;
    CHECK_EQ(flask_op(&w, DOM0, &op), 0);
    CHECK_LINES(&w.log, from,
                "Flask: committed booleans { guest_console:0, guest_debug:1, "
                "badbool_b:0 }");
    world_destroy(&w);
}

int main(int argc, char **argv)
{
    unsigned char *buf;

    if (argc < 2) {
        printf("skipped: no audit test policy (checkpolicy not installed)\n");
        return 77;
    }
    buf = slurp_file(argv[1], &policy_len);
    if (buf == NULL) {
        fprintf(stderr, "cannot read %s\n", argv[1]);
        return 1;
    }
    policy = buf;

    test_boot_messages();
    test_audit_data();
    test_op_audit();
    test_long_line();
    test_escaping();
    test_commit_messages();
    free(buf);
    return check_report("flask-audit");
}
