/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The embedded default policy (policy/ at the top of the tree), loaded the
 * way a host gets it: xsm_create with "flask" and no policy.  Each check is
 * one thing Xen 4.17's example policy and docs/misc/xsm-flask.txt promise
 * about a label, a role, a user or a boolean that xl configurations name:
 *
 *   dom0_t administers; domU_t talks to dom0 and other domU_t; an isolated
 *   guest only to dom0; prot_domU_t creation and saving follow
 *   prot_doms_locked; nomigrate_t is built under nomigrate_t_building and
 *   dom0 cannot read its memory once relabelled; xenstore_t sees and serves
 *   every domain; dm_dom_t serves its target through domU_t_target; domU_t
 *   may be given a device labelled nic_dev_t; guest_writeconsole; the vm_r
 *   users are kept apart.
 *
 * Every decision goes through the public hooks (xsm_<hook>) and xsm_op, as
 * a hypervisor and its toolstack issue them.  The expected answers come
 * from that documented behaviour, never from the policy text.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openxsm/hooks.h>
#include <openxsm/xen/flask_op.h>

#include "../../../lib/flatmem.h"
#include "../../check.h"
#include "modules/flask/flask.h"

/* Xen 4.17 public numbers the checks below use. */
#define DOMCTL_destroydomain      2
#define DOMCTL_pausedomain        3
#define DOMCTL_set_virq_handler   66
#define SYSCTL_physinfo           3
#define SHADOW_OP_ENABLE_LOGDIRTY 2

/* ---- A host: the domains of one machine ----------------------------------- */

enum {
    IDLE,  /* Xen itself */
    DOM0,  /* built by Xen at boot */
    BOOTU, /* a guest Xen builds at boot, without a label */
    DOMU1, /* system_u:system_r:domU_t ... */
    DOMU2,
    DM,   /* dm_dom_t, device model of DOMU1 */
    ISO1, /* isolated_domU_t */
    ISO2,
    PROT,  /* prot_domU_t */
    NOMIG, /* nomigrate_t, built as nomigrate_t_building */
    XS,    /* xenstore_t */
    U1A,   /* user_1:vm_r:domU_t */
    U1B,
    U2, /* user_2:vm_r:domU_t */
    NDOMS
};

struct world {
    xsm_ctx *x;
    struct xsm_instance *mi;
    struct xsm_domain d[NDOMS];
    unsigned nlog;
    char lastlog[512];
};

static struct xsm_domain *host_domain(void *host, xsm_domid_t id)
{
    struct world *w = host;

    for (unsigned i = 0; i < NDOMS; i++)
        if (w->d[i].domid == id)
            return &w->d[i];
    return NULL;
}

static void host_log(void *host, const char *line)
{
    struct world *w = host;

    w->nlog++;
    snprintf(w->lastlog, sizeof(w->lastlog), "%s", line);
}

static const struct xsm_host_ops host_ops = {.domain_get = host_domain, .log = host_log};

/* ---- xsm_op, as the toolstack issues it -------------------------------- */

static long op(struct world *w, unsigned who, xen_flask_op_t *o, uint32_t cmd)
{
    o->cmd = cmd;
    o->interface_version = XEN_FLASK_INTERFACE_VERSION;
    return xsm_do_op(w->x, &w->d[who], &flat_guest, (uint64_t)(uintptr_t)o);
}

static long ctx_to_sid(struct world *w, unsigned who, const char *ctx, uint32_t *sid)
{
    xen_flask_op_t o;
    long rc;

    memset(&o, 0, sizeof(o));
    o.u.sid_context.size = (uint32_t)strlen(ctx);
    o.u.sid_context.context.p = (char *)ctx;
    rc = op(w, who, &o, FLASK_CONTEXT_TO_SID);
    if (sid != NULL)
        *sid = rc == 0 ? o.u.sid_context.sid : 0;
    return rc;
}

/* The SID of a context dom0 knows to be valid (0 if it is not). */
static uint32_t sid_of(struct world *w, const char *ctx)
{
    uint32_t sid = 0;

    if (ctx_to_sid(w, DOM0, ctx, &sid) != 0)
        fprintf(stderr, "no SID for %s\n", ctx);
    return sid;
}

/* Whether SID_TO_CONTEXT of sid gives exactly want. */
static bool sid_is(struct world *w, uint32_t sid, const char *want)
{
    char buf[256];
    xen_flask_op_t o;

    memset(&o, 0, sizeof(o));
    memset(buf, 0, sizeof(buf));
    o.u.sid_context.sid = sid;
    o.u.sid_context.size = sizeof(buf) - 1;
    o.u.sid_context.context.p = buf;
    if (op(w, DOM0, &o, FLASK_SID_TO_CONTEXT) != 0)
        return false;
    if (strcmp(buf, want) != 0) {
        fprintf(stderr, "SID %u is %s, expected %s\n", sid, buf, want);
        return false;
    }
    return true;
}

static long bool_get(struct world *w, const char *name, int *value)
{
    xen_flask_op_t o;
    long rc;

    memset(&o, 0, sizeof(o));
    o.u.boolean.bool_id = UINT32_MAX;
    o.u.boolean.size = (uint32_t)strlen(name);
    o.u.boolean.name.p = (char *)name;
    rc = op(w, DOM0, &o, FLASK_GETBOOL);
    *value = rc == 0 ? o.u.boolean.enforcing : -1;
    return rc;
}

/* SETBOOL with commit: the new value is live at once. */
static long bool_set(struct world *w, unsigned who, const char *name, int value)
{
    xen_flask_op_t o;

    memset(&o, 0, sizeof(o));
    o.u.boolean.bool_id = UINT32_MAX;
    o.u.boolean.size = (uint32_t)strlen(name);
    o.u.boolean.name.p = (char *)name;
    o.u.boolean.new_value = (uint8_t)value;
    o.u.boolean.commit = 1;
    return op(w, who, &o, FLASK_SETBOOL);
}

static long relabel(struct world *w, unsigned who, unsigned target, uint32_t sid)
{
    xen_flask_op_t o;

    memset(&o, 0, sizeof(o));
    o.u.relabel.domid = w->d[target].domid;
    o.u.relabel.sid = sid;
    return op(w, who, &o, FLASK_RELABEL_DOMAIN);
}

static long add_label(struct world *w, uint32_t ocon, uint64_t lo, uint64_t hi, uint32_t sid)
{
    xen_flask_op_t o;

    memset(&o, 0, sizeof(o));
    o.u.ocontext.ocon = ocon;
    o.u.ocontext.sid = sid;
    o.u.ocontext.low = lo;
    o.u.ocontext.high = hi;
    return op(w, DOM0, &o, FLASK_ADD_OCONTEXT);
}

/* ---- Domains ------------------------------------------------------------- */

/* creator builds domain i labelled ctx (NULL: no label asked for). */
static int create(struct world *w, unsigned creator, unsigned i, const char *ctx)
{
    uint32_t sid = ctx != NULL ? sid_of(w, ctx) : 0;
    int rc;

    xsm_free_security_domain(w->x, NULL, &w->d[i]);
    rc = xsm_alloc_security_domain(w->x, &w->d[creator], &w->d[i]);
    if (rc != 0)
        return rc;
    return xsm_domain_create(w->x, &w->d[creator], &w->d[i], sid);
}

static bool label_is(struct world *w, unsigned i, const char *want)
{
    return sid_is(w, flask_dsec(w->mi, &w->d[i])->sid, want);
}

/*
 * Boot as Xen does (the idle domain builds dom0 and one labelled guest, then the
 * system goes live), then dom0 builds the guests of the enum above.
 */
static int world_create(struct world *w)
{
    struct xsm_config cfg = {.modules = "flask", .host_ops = &host_ops};
    static const struct {
        unsigned i;
        const char *ctx;
    } guests[] = {
        {DOMU1, "system_u:system_r:domU_t"},
        {DOMU2, "system_u:system_r:domU_t"},
        {DM, "system_u:system_r:dm_dom_t"},
        {ISO1, "system_u:system_r:isolated_domU_t"},
        {ISO2, "system_u:system_r:isolated_domU_t"},
        {PROT, "system_u:system_r:prot_domU_t"},
        {NOMIG, "system_u:system_r:nomigrate_t_building"},
        {XS, "system_u:system_r:xenstore_t"},
        {U1A, "user_1:vm_r:domU_t"},
        {U1B, "user_1:vm_r:domU_t"},
        {U2, "user_2:vm_r:domU_t"},
    };
    int rc;

    memset(w, 0, sizeof(*w));
    cfg.host = w;
    for (unsigned i = 0; i < NDOMS; i++)
        w->d[i].domid = (xsm_domid_t)(i - 1);
    w->d[IDLE].domid = XSM_DOMID_IDLE;
    w->d[IDLE].is_privileged = true;
    w->d[DOM0].is_privileged = true;
    w->d[XS].is_xenstore = true;

    rc = xsm_create(&w->x, &cfg);
    CHECK_EQ(rc, 0);
    if (rc != 0)
        return rc;
    w->mi = xsm_find_active(w->x, XSM_MODULE_FLASK);
    CHECK(w->mi != NULL);
    if (w->mi == NULL)
        return -ENOENT;

    CHECK_EQ(xsm_alloc_security_domain(w->x, NULL, &w->d[IDLE]), 0);
    CHECK_EQ(create(w, IDLE, DOM0, NULL), 0);
    /* Xen 4.17 labels a boot-time guest unlabeled unless it is given a label (ssidref). */
    CHECK_EQ(create(w, IDLE, BOOTU, "system_u:system_r:domU_t"), 0);
    CHECK_EQ(xsm_set_system_active(w->x, &w->d[IDLE]), 0);
    for (size_t k = 0; k < sizeof(guests) / sizeof(guests[0]); k++) {
        rc = create(w, DOM0, guests[k].i, guests[k].ctx);
        if (rc != 0)
            fprintf(stderr, "dom0 could not create %s: %d\n", guests[k].ctx, rc);
        CHECK_EQ(rc, 0);
    }
    return 0;
}

static void world_destroy(struct world *w)
{
    for (unsigned i = 0; i < NDOMS; i++)
        xsm_free_security_domain(w->x, NULL, &w->d[i]);
    xsm_destroy(w->x);
}

/* ---- Communication ------------------------------------------------------- */

/*
 * a opens an unbound channel that b may bind, b binds to it and signals
 * through it: the first refusal, or 0.  *label: the label of a's end.
 */
static int channel(struct world *w, unsigned a, unsigned b, uint32_t *label)
{
    struct xsm_domain *da = &w->d[a], *db = &w->d[b];
    struct xsm_evtchn ca = {.port = 1}, cb = {.port = 2};
    int rc;

    if (xsm_alloc_security_evtchns(w->x, NULL, &ca, 1) != 0 ||
        xsm_alloc_security_evtchns(w->x, NULL, &cb, 1) != 0)
        return -ENOMEM;
    rc = xsm_evtchn_unbound(w->x, da, da, &ca, db->domid);
    if (label != NULL)
        *label = ca.label[w->mi->slot];
    if (rc != 0)
        return rc;
    ca.state = XSM_ECS_UNBOUND;
    ca.remote_domid = db->domid;
    rc = xsm_evtchn_interdomain(w->x, db, db, &cb, da, &ca);
    if (rc != 0)
        return rc;
    cb.state = XSM_ECS_INTERDOMAIN;
    cb.remote = da;
    return xsm_evtchn_send(w->x, db, db, &cb);
}

/* a maps (read-write) a grant of b. */
static int map_grant(struct world *w, unsigned a, unsigned b)
{
    return xsm_grant_mapref(w->x, &w->d[a], &w->d[a], &w->d[b], 0);
}

static int pause(struct world *w, unsigned who, unsigned target)
{
    return xsm_domctl(w->x, &w->d[who], &w->d[target], DOMCTL_pausedomain);
}

/* who maps target memory as a foreign domain (the domain builder, save, migrate). */
static int map_foreign(struct world *w, unsigned who, unsigned target)
{
    return xsm_map_gmfn_foreign(w->x, &w->d[who], &w->d[who], &w->d[target]);
}

/* who starts saving or migrating target: log-dirty mode tracks the pages still to copy. */
static int save_start(struct world *w, unsigned who, unsigned target)
{
    return xsm_shadow_control(w->x, &w->d[who], &w->d[target], SHADOW_OP_ENABLE_LOGDIRTY);
}

/* ---- The checks ---------------------------------------------------------- */

/* The policy loads by default, in enforcing mode, with Xen 4.17 classes bit for bit. */
static void test_load(void)
{
    struct world w;

    if (world_create(&w) != 0)
        return;
    CHECK(flask_policy_loaded(w.mi));
    CHECK(flask_enforcing(w.mi));

    /* Class n is Xen class n, permission bit b is Xen's bit b, nothing more. */
    ss_ctx *ss = flask_ss(w.mi);
    for (uint16_t c = 1; c <= SECCLASS_NUM; c++) {
        const struct ss_class_map *xen = &flask_class_map[c - 1];
        const char *name = ss_class_name(ss, c);
        unsigned bit = 0;

        CHECK(name != NULL && strcmp(name, xen->name) == 0);
        for (; xen->perms[bit] != NULL; bit++) {
            const char *p = ss_perm_name(ss, c, bit);
            if (p == NULL || strcmp(p, xen->perms[bit]) != 0)
                fprintf(stderr, "class %s bit %u: %s, expected %s\n", xen->name, bit,
                        p ? p : "(none)", xen->perms[bit]);
            CHECK(p != NULL && strcmp(p, xen->perms[bit]) == 0);
        }
        for (; bit < 32; bit++)
            CHECK(ss_perm_name(ss, c, bit) == NULL);
    }
    CHECK(ss_class_name(ss, SECCLASS_NUM + 1) == NULL);
    world_destroy(&w);
}

/* Initial SIDs carry the contexts of Xen's example policy. */
static void test_initial_sids(void)
{
    static const char *const want[SECINITSID_NUM + 1] = {
        NULL,
        "system_u:system_r:xenboot_t",
        "system_u:system_r:xen_t",
        "system_u:system_r:dom0_t",
        "system_u:system_r:domio_t",
        "system_u:system_r:domxen_t",
        "system_u:system_r:unlabeled_t",
        "system_u:system_r:security_t",
        "system_u:object_r:ioport_t",
        "system_u:object_r:iomem_t",
        "system_u:object_r:irq_t",
        "system_u:object_r:device_t",
        "system_u:system_r:domU_t",
        "system_u:system_r:dm_dom_t",
    };
    struct world w;

    if (world_create(&w) != 0)
        return;
    for (uint32_t sid = 1; sid <= SECINITSID_NUM; sid++)
        CHECK(sid_is(&w, sid, want[sid]));
    /* Xen built dom0 and the boot guest under those labels. */
    CHECK(label_is(&w, DOM0, "system_u:system_r:dom0_t"));
    CHECK(label_is(&w, BOOTU, "system_u:system_r:domU_t"));
    world_destroy(&w);
}

/* Every label an xl configuration names, and the combinations the roles refuse. */
static void test_context_names(void)
{
    static const char *const valid[] = {
        "system_u:system_r:dom0_t",
        "system_u:system_r:domU_t",
        "system_u:system_r:dm_dom_t",
        "system_u:system_r:isolated_domU_t",
        "system_u:system_r:prot_domU_t",
        "system_u:system_r:nomigrate_t",
        "system_u:system_r:nomigrate_t_building",
        "system_u:system_r:xenstore_t",
        "user_1:vm_r:domU_t",
        "user_2:vm_r:isolated_domU_t",
        "user_3:vm_r:prot_domU_t",
        "user_1:vm_r:dm_dom_t",
        "user_2:vm_r:nomigrate_t_building",
        "system_u:object_r:nic_dev_t",
        "system_u:object_r:domU_t_channel",
        "user_1:object_r:domU_t_channel",
    };
    static const char *const invalid[] = {
        "system_u:vm_r:domU_t",        /* system_u has system_r only */
        "user_1:system_r:domU_t",      /* the example users have vm_r only */
        "user_1:vm_r:dom0_t",          /* vm_r is every domain label but dom0_t */
        "user_4:vm_r:domU_t",          /* three example users */
        "system_u:system_r:nic_dev_t", /* devices are objects, not domains */
        "system_u:system_r:domU_t_channel",
        "system_u:system_r:no_such_t",
        "system_u:system_r:domU_t:s0", /* no MLS */
    };
    struct world w;
    uint32_t sid;

    if (world_create(&w) != 0)
        return;
    for (size_t i = 0; i < sizeof(valid) / sizeof(valid[0]); i++) {
        long rc = ctx_to_sid(&w, DOM0, valid[i], &sid);
        if (rc != 0)
            fprintf(stderr, "%s: %ld\n", valid[i], rc);
        CHECK_EQ(rc, 0);
        if (rc == 0)
            CHECK(sid_is(&w, sid, valid[i]));
    }
    for (size_t i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++) {
        long rc = ctx_to_sid(&w, DOM0, invalid[i], &sid);
        if (rc != -EINVAL)
            fprintf(stderr, "%s: %ld\n", invalid[i], rc);
        CHECK_EQ(rc, -EINVAL);
    }
    /* The toolstack default labels are the initial SIDs. */
    CHECK_EQ(ctx_to_sid(&w, DOM0, "system_u:system_r:domU_t", &sid), 0);
    CHECK_EQ(sid, SECINITSID_DOMU);
    CHECK_EQ(ctx_to_sid(&w, DOM0, "system_u:system_r:dm_dom_t", &sid), 0);
    CHECK_EQ(sid, SECINITSID_DOMDM);
    /* Only dom0 may ask (security:check_context). */
    CHECK_EQ(ctx_to_sid(&w, DOMU1, "system_u:system_r:domU_t", &sid), -EACCES);
    world_destroy(&w);
}

/* dom0_t administers: it builds and runs guests, the hypervisor and the security server. */
static void test_dom0(void)
{
    struct world w;
    xen_flask_op_t o;
    int v;

    if (world_create(&w) != 0)
        return;
    CHECK(label_is(&w, DOMU1, "system_u:system_r:domU_t"));
    CHECK_EQ(pause(&w, DOM0, DOMU1), 0);
    CHECK_EQ(xsm_domctl(w.x, &w.d[DOM0], &w.d[DOMU1], DOMCTL_destroydomain), 0);
    CHECK_EQ(xsm_sysctl(w.x, &w.d[DOM0], SYSCTL_physinfo), 0);
    CHECK_EQ(xsm_xen_version(w.x, &w.d[DOM0], XSM_XENVER_commandline), 0);

    /* Guests do none of that. */
    CHECK_EQ(pause(&w, DOMU1, DOM0), -EACCES);
    CHECK_EQ(pause(&w, DOMU1, DOMU2), -EACCES);
    CHECK_EQ(xsm_sysctl(w.x, &w.d[DOMU1], SYSCTL_physinfo), -EACCES);
    CHECK_EQ(create(&w, DOMU1, DOMU2, "system_u:system_r:domU_t"), -EACCES);
    /* There is one dom0; not even dom0 makes another. */
    CHECK_EQ(create(&w, DOM0, DOMU2, "system_u:system_r:dom0_t"), -EACCES);
    /* An unlabelled domain is not created. */
    CHECK_EQ(create(&w, DOM0, DOMU2, NULL), -EACCES);

    /* The security server: dom0 queries it and changes it, guests do not. */
    memset(&o, 0, sizeof(o));
    o.u.access.ssid = SECINITSID_DOMU;
    o.u.access.tsid = SECINITSID_DOM0;
    o.u.access.tclass = SECCLASS_DOMAIN;
    o.u.access.req = DOMAIN__PAUSE;
    CHECK_EQ(op(&w, DOM0, &o, FLASK_ACCESS), 0);
    CHECK_EQ(o.u.access.allowed & DOMAIN__PAUSE, 0);
    memset(&o, 0, sizeof(o));
    o.u.access.ssid = SECINITSID_DOM0;
    o.u.access.tsid = SECINITSID_DOMU;
    o.u.access.tclass = SECCLASS_DOMAIN;
    o.u.access.req = DOMAIN__PAUSE;
    CHECK_EQ(op(&w, DOMU1, &o, FLASK_ACCESS), -EACCES);
    CHECK_EQ(op(&w, DOM0, &o, FLASK_ACCESS), 0);
    CHECK_EQ(o.u.access.allowed & DOMAIN__PAUSE, DOMAIN__PAUSE);
    CHECK_EQ(bool_set(&w, DOMU1, "guest_writeconsole", 0), -EACCES);
    CHECK_EQ(bool_get(&w, "guest_writeconsole", &v), 0);
    CHECK_EQ(v, 1);
    memset(&o, 0, sizeof(o));
    o.u.enforce.enforcing = 0;
    CHECK_EQ(op(&w, DOMU1, &o, FLASK_SETENFORCE), -EACCES);
    /* Changing enforcement is allowed to dom0 and audited even then. */
    w.lastlog[0] = '\0';
    CHECK_EQ(op(&w, DOM0, &o, FLASK_SETENFORCE), 0);
    CHECK(strstr(w.lastlog, "granted") != NULL && strstr(w.lastlog, "setenforce") != NULL);
    world_destroy(&w);
}

/* domU_t talks to dom0 and to other domU_t, over channels and grants. */
static void test_domU(void)
{
    struct world w;
    uint32_t label = 0;

    if (world_create(&w) != 0)
        return;
    CHECK_EQ(channel(&w, DOMU1, DOM0, &label), 0);
    CHECK(sid_is(&w, label, "system_u:object_r:domU_t_channel"));
    CHECK_EQ(channel(&w, DOM0, DOMU1, &label), 0);
    CHECK(sid_is(&w, label, "system_u:object_r:dom0_t_channel"));
    CHECK_EQ(channel(&w, DOMU1, DOMU2, NULL), 0);
    CHECK_EQ(channel(&w, DOMU1, DOMU1, NULL), 0);
    CHECK_EQ(channel(&w, BOOTU, DOMU1, NULL), 0);
    CHECK_EQ(map_grant(&w, DOMU1, DOMU2), 0);
    CHECK_EQ(map_grant(&w, DOM0, DOMU1), 0);
    CHECK_EQ(map_grant(&w, DOMU1, DOM0), 0);
    CHECK_EQ(xsm_grant_copy(w.x, &w.d[DOMU2], &w.d[DOMU2], &w.d[DOMU1]), 0);
    /* dom0 reads a domU_t memory, saves and migrates it. */
    CHECK_EQ(map_foreign(&w, DOM0, DOMU1), 0);
    CHECK_EQ(save_start(&w, DOM0, DOMU1), 0);
    /* A guest acts on itself, not on another guest of its label. */
    CHECK_EQ(xsm_memory_stat_reservation(w.x, &w.d[DOMU1], &w.d[DOMU1], &w.d[DOMU1]), 0);
    CHECK_EQ(xsm_memory_stat_reservation(w.x, &w.d[DOMU1], &w.d[DOMU1], &w.d[DOMU2]), -EACCES);
    CHECK_EQ(map_foreign(&w, DOMU1, DOMU2), -EACCES);
    CHECK(sid_is(&w, flask_dsec(w.mi, &w.d[DOMU1])->self_sid, "system_u:system_r:domU_t_self"));
    world_destroy(&w);
}

/* isolated_domU_t talks to dom0 only. */
static void test_isolated(void)
{
    struct world w;

    if (world_create(&w) != 0)
        return;
    CHECK_EQ(channel(&w, ISO1, DOM0, NULL), 0);
    CHECK_EQ(channel(&w, DOM0, ISO1, NULL), 0);
    CHECK_EQ(map_grant(&w, ISO1, DOM0), 0);
    CHECK_EQ(map_grant(&w, DOM0, ISO1), 0);
    CHECK_EQ(channel(&w, ISO1, ISO1, NULL), 0);

    /* No event channel to or from domU_t, nor to another isolated guest. */
    CHECK_EQ(channel(&w, ISO1, DOMU1, NULL), -EACCES);
    CHECK_EQ(channel(&w, DOMU1, ISO1, NULL), -EACCES);
    CHECK_EQ(channel(&w, ISO1, ISO2, NULL), -EACCES);
    CHECK_EQ(map_grant(&w, ISO1, DOMU1), -EACCES);
    CHECK_EQ(map_grant(&w, DOMU1, ISO1), -EACCES);
    CHECK_EQ(map_grant(&w, ISO1, ISO2), -EACCES);
    CHECK_EQ(xsm_grant_copy(w.x, &w.d[DOMU1], &w.d[DOMU1], &w.d[ISO1]), -EACCES);

    /* dom0 runs and saves it like any guest. */
    CHECK_EQ(pause(&w, DOM0, ISO1), 0);
    CHECK_EQ(map_foreign(&w, DOM0, ISO1), 0);
    CHECK_EQ(save_start(&w, DOM0, ISO1), 0);
    world_destroy(&w);
}

/* prot_domU_t: dom0 creates and saves one only while prot_doms_locked is false. */
static void test_prot_domU(void)
{
    struct world w;
    int v;

    if (world_create(&w) != 0)
        return;
    CHECK_EQ(bool_get(&w, "prot_doms_locked", &v), 0);
    CHECK_EQ(v, 0);
    CHECK(label_is(&w, PROT, "system_u:system_r:prot_domU_t"));
    CHECK_EQ(map_foreign(&w, DOM0, PROT), 0);
    CHECK_EQ(pause(&w, DOM0, PROT), 0);
    CHECK_EQ(save_start(&w, DOM0, PROT), 0);

    CHECK_EQ(bool_set(&w, DOMU1, "prot_doms_locked", 1), -EACCES);
    CHECK_EQ(bool_set(&w, DOM0, "prot_doms_locked", 1), 0);
    CHECK_EQ(bool_get(&w, "prot_doms_locked", &v), 0);
    CHECK_EQ(v, 1);
    /* Locked: no new one, and the running one is out of dom0's reach. */
    CHECK_EQ(create(&w, DOM0, ISO2, "system_u:system_r:prot_domU_t"), -EACCES);
    CHECK_EQ(map_foreign(&w, DOM0, PROT), -EACCES);
    CHECK_EQ(save_start(&w, DOM0, PROT), -EACCES);
    CHECK_EQ(pause(&w, DOM0, PROT), -EACCES);
    CHECK_EQ(xsm_domctl(w.x, &w.d[DOM0], &w.d[PROT], DOMCTL_destroydomain), -EACCES);
    /* Other guests are not affected. */
    CHECK_EQ(create(&w, DOM0, ISO2, "system_u:system_r:domU_t"), 0);
    /* Communication is not affected: dom0, domU_t and itself. */
    CHECK_EQ(channel(&w, PROT, DOM0, NULL), 0);
    CHECK_EQ(channel(&w, DOMU1, PROT, NULL), 0);
    CHECK_EQ(map_grant(&w, PROT, DOMU1), 0);
    CHECK_EQ(channel(&w, PROT, PROT, NULL), 0);
    /* ... but it is not an isolated guest's peer. */
    CHECK_EQ(channel(&w, PROT, ISO1, NULL), -EACCES);

    /* Unlocked again. */
    CHECK_EQ(bool_set(&w, DOM0, "prot_doms_locked", 0), 0);
    CHECK_EQ(create(&w, DOM0, ISO2, "system_u:system_r:prot_domU_t"), 0);
    CHECK_EQ(map_foreign(&w, DOM0, PROT), 0);
    CHECK_EQ(save_start(&w, DOM0, PROT), 0);
    world_destroy(&w);
}

/* nomigrate_t: built under nomigrate_t_building, then dom0 cannot read its memory. */
static void test_nomigrate(void)
{
    struct world w;
    uint32_t nomig;

    if (world_create(&w) != 0)
        return;
    nomig = sid_of(&w, "system_u:system_r:nomigrate_t");
    /* Not directly: only through the building label. */
    CHECK_EQ(create(&w, DOM0, ISO2, "system_u:system_r:nomigrate_t"), -EACCES);

    /* While building, dom0 loads its memory. */
    CHECK(label_is(&w, NOMIG, "system_u:system_r:nomigrate_t_building"));
    CHECK_EQ(map_foreign(&w, DOM0, NOMIG), 0);
    CHECK_EQ(relabel(&w, DOMU1, NOMIG, nomig), -EACCES);
    CHECK_EQ(relabel(&w, DOM0, NOMIG, nomig), 0);
    CHECK(label_is(&w, NOMIG, "system_u:system_r:nomigrate_t"));
    CHECK(
        sid_is(&w, flask_dsec(w.mi, &w.d[NOMIG])->self_sid, "system_u:system_r:nomigrate_t_self"));

    /* Built: dom0 runs it and talks to it, but cannot read it any more. */
    CHECK_EQ(map_foreign(&w, DOM0, NOMIG), -EACCES);
    CHECK_EQ(save_start(&w, DOM0, NOMIG), -EACCES);
    CHECK_EQ(pause(&w, DOM0, NOMIG), 0);
    CHECK_EQ(channel(&w, DOM0, NOMIG, NULL), 0);
    CHECK_EQ(map_grant(&w, NOMIG, DOM0), 0);
    CHECK_EQ(xsm_memory_stat_reservation(w.x, &w.d[NOMIG], &w.d[NOMIG], &w.d[NOMIG]), 0);
    /* Not back, and no other guest becomes one. */
    CHECK_EQ(relabel(&w, DOM0, NOMIG, sid_of(&w, "system_u:system_r:nomigrate_t_building")),
             -EACCES);
    CHECK_EQ(relabel(&w, DOM0, DOMU2, nomig), -EACCES);
    /* It talks to dom0 only. */
    CHECK_EQ(channel(&w, NOMIG, DOMU1, NULL), -EACCES);
    world_destroy(&w);
}

/* xenstore_t sees every domain, serves every domain, writes to the console. */
static void test_xenstore(void)
{
    static const unsigned clients[] = {DOM0, DOMU1, ISO1, PROT, U1A, DM};
    struct world w;

    if (world_create(&w) != 0)
        return;
    CHECK(label_is(&w, XS, "system_u:system_r:xenstore_t"));
    for (size_t i = 0; i < sizeof(clients) / sizeof(clients[0]); i++) {
        unsigned c = clients[i];
        CHECK_EQ(xsm_getdomaininfo(w.x, &w.d[XS], &w.d[c]), 0);
        CHECK_EQ(channel(&w, XS, c, NULL), 0);
        CHECK_EQ(channel(&w, c, XS, NULL), 0);
        CHECK_EQ(map_grant(&w, XS, c), 0);
        CHECK_EQ(xsm_grant_unmapref(w.x, &w.d[XS], &w.d[XS], &w.d[c]), 0);
        /* Mapping, not copying. */
        CHECK_EQ(xsm_grant_copy(w.x, &w.d[XS], &w.d[XS], &w.d[c]), -EACCES);
    }
    /* Guests do not look each other up. */
    CHECK_EQ(xsm_getdomaininfo(w.x, &w.d[DOMU1], &w.d[ISO1]), -EACCES);
    /* dom0 hands it the domain-death VIRQ, a right it does not give other guests. */
    CHECK_EQ(xsm_domctl(w.x, &w.d[DOM0], &w.d[XS], DOMCTL_set_virq_handler), 0);
    CHECK_EQ(xsm_domctl(w.x, &w.d[DOM0], &w.d[DOMU1], DOMCTL_set_virq_handler), -EACCES);
    CHECK_EQ(pause(&w, DOM0, XS), 0);
    CHECK_EQ(pause(&w, XS, DOMU1), -EACCES);
    world_destroy(&w);
}

/* dm_dom_t is the device model of a domU_t, which it sees as domU_t_target. */
static void test_device_model(void)
{
    struct world w;
    struct xsm_domain *dm, *guest;

    if (world_create(&w) != 0)
        return;
    dm = &w.d[DM];
    guest = &w.d[DOMU1];
    /* Before pairing it has no rights over the guest. */
    CHECK_EQ(xsm_dm_op(w.x, dm, guest), -EACCES);
    /* Only a device model label may serve, only dom0 pairs. */
    CHECK_EQ(xsm_set_target(w.x, &w.d[DOM0], &w.d[DOMU2], guest), -EACCES);
    CHECK_EQ(xsm_set_target(w.x, &w.d[DOMU2], dm, guest), -EACCES);
    CHECK_EQ(xsm_set_target(w.x, &w.d[DOM0], dm, guest), 0);
    dm->target = guest;
    CHECK(sid_is(&w, flask_dsec(w.mi, dm)->target_sid, "system_u:system_r:domU_t_target"));

    CHECK_EQ(xsm_dm_op(w.x, dm, guest), 0);
    CHECK_EQ(xsm_priv_mapping(w.x, dm, dm, guest), 0);
    CHECK_EQ(map_foreign(&w, DM, DOMU1), 0);
    CHECK_EQ(xsm_hvm_param(w.x, dm, guest, 0 /* HVMOP_set_param */), 0);
    CHECK_EQ(xsm_schedop_shutdown(w.x, dm, dm, guest), 0);
    CHECK_EQ(channel(&w, DM, DOMU1, NULL), 0);
    CHECK_EQ(channel(&w, DOMU1, DM, NULL), 0);
    CHECK_EQ(channel(&w, DM, DOM0, NULL), 0);

    /* Nothing over another domU_t, nor over dom0. */
    CHECK_EQ(xsm_dm_op(w.x, dm, &w.d[DOMU2]), -EACCES);
    CHECK_EQ(map_foreign(&w, DM, DOMU2), -EACCES);
    CHECK_EQ(channel(&w, DM, DOMU2, NULL), -EACCES);
    CHECK_EQ(pause(&w, DM, DOMU1), -EACCES);
    /* Its own label gives the target nothing over it. */
    CHECK_EQ(xsm_dm_op(w.x, guest, dm), -EACCES);
    /* dom0 builds and runs device models. */
    CHECK_EQ(pause(&w, DOM0, DM), 0);
    world_destroy(&w);
}

/* nic_dev_t: dom0 hands a device so labelled to domU_t, not to other guests. */
static void test_nic_dev(void)
{
    const uint32_t nic_bdf = 0x0318; /* 00:03.0 */
    const uint32_t other_bdf = 0x0320;
    struct world w;
    uint32_t nic;

    if (world_create(&w) != 0)
        return;
    nic = sid_of(&w, "system_u:object_r:nic_dev_t");
    CHECK_EQ(add_label(&w, SS_OCON_DEVICE, nic_bdf, nic_bdf, nic), 0);
    CHECK_EQ(add_label(&w, SS_OCON_PIRQ, 33, 33, nic), 0);
    CHECK_EQ(add_label(&w, SS_OCON_IOMEM, 0xfebe0, 0xfebff, nic), 0);
    CHECK_EQ(add_label(&w, SS_OCON_IOPORT, 0xecc0, 0xecdf, nic), 0);
    w.d[DOMU1].iommu = XSM_IOMMU_NONE; /* usable even without an IOMMU */
    w.d[DOMU2].iommu = XSM_IOMMU_INTREMAP;

    CHECK_EQ(xsm_assign_device(w.x, &w.d[DOM0], &w.d[DOMU1], nic_bdf), 0);
    CHECK_EQ(xsm_assign_device(w.x, &w.d[DOM0], &w.d[DOMU2], nic_bdf), 0);
    CHECK_EQ(xsm_map_domain_irq(w.x, &w.d[DOM0], &w.d[DOMU1], 33, NULL), 0);
    CHECK_EQ(xsm_iomem_permission(w.x, &w.d[DOM0], &w.d[DOMU1], 0xfebe0, 0xfebff, 1), 0);
    CHECK_EQ(xsm_ioport_permission(w.x, &w.d[DOM0], &w.d[DOMU1], 0xecc0, 0xecdf, 1), 0);
    CHECK_EQ(xsm_memory_exchange(w.x, &w.d[DOMU1], &w.d[DOMU1]), 0);
    CHECK_EQ(xsm_deassign_device(w.x, &w.d[DOM0], &w.d[DOMU1], nic_bdf), 0);

    /* Unlabelled hardware stays dom0's. */
    CHECK_EQ(xsm_assign_device(w.x, &w.d[DOM0], &w.d[DOMU1], other_bdf), -EACCES);
    CHECK_EQ(xsm_map_domain_irq(w.x, &w.d[DOM0], &w.d[DOMU1], 34, NULL), -EACCES);
    CHECK_EQ(xsm_iomem_permission(w.x, &w.d[DOM0], &w.d[DOMU1], 0xfebe0, 0xfec00, 1), -EACCES);
    /* Other guest labels are not given devices. */
    CHECK_EQ(xsm_assign_device(w.x, &w.d[DOM0], &w.d[ISO1], nic_bdf), -EACCES);
    CHECK_EQ(xsm_memory_exchange(w.x, &w.d[ISO1], &w.d[ISO1]), -EACCES);
    /* A label with SID 0 (as Xen, accepted) reads as unlabelled: nobody may use it. */
    CHECK_EQ(add_label(&w, SS_OCON_PIRQ, 40, 40, 0), 0);
    CHECK_EQ(xsm_map_domain_irq(w.x, &w.d[DOM0], &w.d[DOMU1], 40, NULL), -EACCES);
    /* A guest does not hand devices out. */
    CHECK_EQ(xsm_assign_device(w.x, &w.d[DOMU1], &w.d[DOMU2], nic_bdf), -EACCES);
    world_destroy(&w);
}

/* guest_writeconsole: guests write to Xen's console while it is true. */
static void test_guest_writeconsole(void)
{
    struct world w;
    unsigned before;
    int v;

    if (world_create(&w) != 0)
        return;
    CHECK_EQ(bool_get(&w, "guest_writeconsole", &v), 0);
    CHECK_EQ(v, 1);
    CHECK_EQ(xsm_console_io(w.x, &w.d[DOMU1], &w.d[DOMU1], XSM_CONSOLEIO_write), 0);
    CHECK_EQ(xsm_console_io(w.x, &w.d[ISO1], &w.d[ISO1], XSM_CONSOLEIO_write), 0);
    CHECK_EQ(xsm_console_io(w.x, &w.d[DOMU1], &w.d[DOMU1], XSM_CONSOLEIO_read), -EACCES);

    CHECK_EQ(bool_set(&w, DOM0, "guest_writeconsole", 0), 0);
    before = w.nlog;
    CHECK_EQ(xsm_console_io(w.x, &w.d[DOMU1], &w.d[DOMU1], XSM_CONSOLEIO_write), -EACCES);
    CHECK_EQ(w.nlog, before); /* refused quietly */
    /* dom0 and the xenstore domain keep their console. */
    CHECK_EQ(xsm_console_io(w.x, &w.d[DOM0], &w.d[DOM0], XSM_CONSOLEIO_write), 0);
    CHECK_EQ(xsm_console_io(w.x, &w.d[XS], &w.d[XS], XSM_CONSOLEIO_write), 0);

    /* Version queries: harmless ones allowed, the command line refused quietly. */
    CHECK_EQ(xsm_xen_version(w.x, &w.d[DOMU1], XSM_XENVER_extraversion), 0);
    before = w.nlog;
    CHECK_EQ(xsm_xen_version(w.x, &w.d[DOMU1], XSM_XENVER_commandline), -EACCES);
    CHECK_EQ(w.nlog, before);
    world_destroy(&w);
}

/* vm_r users: their domains talk within one user and with system_u, not across users. */
static void test_users(void)
{
    struct world w;
    uint32_t label = 0;

    if (world_create(&w) != 0)
        return;
    CHECK(label_is(&w, U1A, "user_1:vm_r:domU_t"));
    CHECK(sid_is(&w, flask_dsec(w.mi, &w.d[U1A])->self_sid, "user_1:vm_r:domU_t_self"));
    CHECK_EQ(channel(&w, U1A, U1B, &label), 0);
    CHECK(sid_is(&w, label, "user_1:object_r:domU_t_channel"));
    CHECK_EQ(map_grant(&w, U1A, U1B), 0);
    CHECK_EQ(channel(&w, U1A, DOMU1, NULL), 0);
    CHECK_EQ(channel(&w, DOMU1, U1A, NULL), 0);
    CHECK_EQ(channel(&w, U1A, DOM0, NULL), 0);
    CHECK_EQ(map_grant(&w, U1A, DOMU1), 0);

    CHECK_EQ(channel(&w, U1A, U2, NULL), -EACCES);
    CHECK_EQ(channel(&w, U2, U1A, NULL), -EACCES);
    CHECK_EQ(map_grant(&w, U1A, U2), -EACCES);
    CHECK_EQ(xsm_grant_copy(w.x, &w.d[U2], &w.d[U2], &w.d[U1B]), -EACCES);
    /* Unmapping is never blocked. */
    CHECK_EQ(xsm_grant_unmapref(w.x, &w.d[U2], &w.d[U2], &w.d[U1B]), 0);
    world_destroy(&w);
}

int main(void)
{
    test_load();
    test_initial_sids();
    test_context_names();
    test_dom0();
    test_domU();
    test_isolated();
    test_prot_domU();
    test_nomigrate();
    test_xenstore();
    test_device_model();
    test_nic_dev();
    test_guest_writeconsole();
    test_users();
    return check_report("flask-policy");
}
