/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * FLASK when an allocation fails: xsm_create, and every FLASK command that
 * allocates (LOAD, SETBOOL, COMMITBOOLS, SETENFORCE, CONTEXT_TO_SID,
 * SID_TO_CONTEXT, CREATE, MEMBER, RELABEL, the object labels,
 * RELABEL_DOMAIN) and the AVC (a miss, growth past 512 entries with a raised
 * threshold, a thread's first decision) fail each allocation once in turn
 * (tests/lib/allocfail.h).  A failed command answers -ENOMEM and changes
 * nothing a caller can see: the mode, the policy and its sequence number,
 * the booleans, the SID table, the object labels, domain labels, and the
 * decisions the AVC gives.  The AVC is a cache: an allocation failing there
 * may cost caching, never a decision.
 *
 * argv: the FLASK op test policy, and the same policy with dom0_t's "pause"
 * over domU_t taken out (a reload that changes a cached decision).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openxsm/xen/flask_op.h>
#include <openxsm/xsm.h>
#include <openxsm/xsm_op.h>

#include "core/op_decode.h"
#include "modules/flask/flask.h"

#include "../../../lib/allocfail.h"
#include "../../../lib/flatmem.h"
#include "../../../lib/slurp.h"
#include "../../../lib/ss_observe.h"
#include "../../check.h"

static unsigned char *pol_test, *pol_nopause;
static size_t pol_test_len, pol_nopause_len;

static void die(const char *what)
{
    fprintf(stderr, "setup failed: %s\n", what);
    exit(1);
}

/* ---- a host: dom0, two guests; its domains carry FLASK labels ---- */

struct fixture {
    xsm_ctx *x;
    struct xsm_instance *mi;
    struct xsm_domain dom[3]; /* dom0, d1 (domU_t), d2 (domU_t, device model of d1) */
    struct flask_domain_sec sec[3];
    uint32_t relabel_sid;
};

static struct xsm_domain *h_domain(void *host, xsm_domid_t id)
{
    struct fixture *f = host;

    return id < 3 ? &f->dom[id] : NULL;
}

static const struct xsm_host_ops host_ops = {.domain_get = h_domain};

/* The SIDs and classes whose decisions are observed (and cached by the set-up). */
static const uint32_t obs_sids[] = {SECINITSID_XEN,      SECINITSID_DOM0,  SECINITSID_UNLABELED,
                                    SECINITSID_SECURITY, SECINITSID_DOMU,  SECINITSID_DOMDM,
                                    SECINITSID_IRQ,      SECINITSID_IOPORT};
static const uint16_t obs_classes[] = {SECCLASS_DOMAIN, SECCLASS_EVENT, SECCLASS_SECURITY,
                                       SECCLASS_RESOURCE};
#define NSIDS    (sizeof(obs_sids) / sizeof(obs_sids[0]))
#define NCLASSES (sizeof(obs_classes) / sizeof(obs_classes[0]))

/* ---- xsm_op ---- */

static long op(struct fixture *f, xen_flask_op_t *o)
{
    o->interface_version = XEN_FLASK_INTERFACE_VERSION;
    return xsm_do_op(f->x, &f->dom[0], &flat_guest, (uint64_t)(uintptr_t)o);
}

static long op_bool(struct fixture *f, uint32_t id, int value, bool commit)
{
    xen_flask_op_t o = {.cmd = FLASK_SETBOOL};

    o.u.boolean.bool_id = id;
    o.u.boolean.new_value = (uint8_t)value;
    o.u.boolean.commit = commit;
    return op(f, &o);
}

static long op_enforce(struct fixture *f, int enforcing)
{
    xen_flask_op_t o = {.cmd = FLASK_SETENFORCE};

    o.u.enforce.enforcing = (uint32_t)enforcing;
    return op(f, &o);
}

static long op_threshold(struct fixture *f, uint32_t t)
{
    xen_flask_op_t o = {.cmd = FLASK_SETAVC_THRESHOLD};

    o.u.setavc_threshold.threshold = t;
    return op(f, &o);
}

/* ---- what a caller can see ---- */

static void observe(void *fx, void *arg, struct af_text *t)
{
    struct fixture *f = fx;
    xen_flask_op_t o;

    (void)arg;
    if (f->x == NULL) {
        af_printf(t, "no instance\n");
        return;
    }
    o = (xen_flask_op_t){.cmd = FLASK_GETENFORCE};
    af_printf(t, "getenforce %ld\n", op(f, &o));
    o = (xen_flask_op_t){.cmd = FLASK_MLS};
    af_printf(t, "mls %ld\n", op(f, &o));
    o = (xen_flask_op_t){.cmd = FLASK_GETAVC_THRESHOLD};
    af_printf(t, "threshold %ld\n", op(f, &o));
    /* FLASK's own pending values: GETBOOL (ss_observe shows the server's). */
    for (uint32_t i = 0;; i++) {
        long rc;

        o = (xen_flask_op_t){.cmd = FLASK_GETBOOL};
        o.u.boolean.bool_id = i;
        rc = op(f, &o);
        if (rc != 0)
            break;
        af_printf(t, "getbool %u: %u pending %u\n", i, o.u.boolean.enforcing, o.u.boolean.pending);
    }
    for (unsigned i = 0; i < 3; i++) {
        const struct flask_domain_sec *s = flask_dsec(f->mi, &f->dom[i]);

        af_printf(t, "d%u: sid %u self %u target %u\n", i, atomic_load(&s->sid),
                  atomic_load(&s->self_sid), atomic_load(&s->target_sid));
    }
    ss_observe(flask_ss(f->mi), true, 20, t);
    /*
     * Decisions as the hooks get them, through the AVC (a stale cached one
     * shows here).  In permissive mode every check is granted and widens
     * its node: there only the security server's answer is compared.
     */
    for (unsigned s = 0; s < NSIDS; s++) {
        uint64_t h = 0xcbf29ce484222325ULL;

        for (unsigned d = 0; d < NSIDS; d++)
            for (unsigned c = 0; c < NCLASSES; c++) {
                struct ss_av_decision avd = {0};
                int rc = ss_compute_av_mapped(flask_ss(f->mi), obs_sids[s], obs_sids[d],
                                              obs_classes[c], &avd);

                /*
                 * Ask the AVC for what the policy allows (or for one bit
                 * when it allows nothing): a cached decision that allows
                 * less fails, one that allows more shows in its vector.
                 * Few denials: their audit lines are slow to build.
                 */
                if (rc == 0 && flask_enforcing(f->mi))
                    rc = flask_avc_check(f->mi, obs_sids[s], obs_sids[d], obs_classes[c],
                                         avd.allowed != 0 ? avd.allowed : 1, NULL, &avd);
                h = ss_observe_fnv(h, &rc, sizeof(rc));
                h = ss_observe_fnv(h, &avd.allowed, sizeof(avd.allowed));
                h = ss_observe_fnv(h, &avd.seqno, sizeof(avd.seqno));
            }
        af_printf(t, "avc %u: %016llx\n", obs_sids[s], (unsigned long long)h);
    }
}

/* ---- fixtures ---- */

struct tcase {
    const char *mode; /* flask_mode */
    const void *policy;
    size_t policy_len;
    const char *modules;
    bool bare;    /* the operation is xsm_create itself */
    bool warm;    /* cache the observed decisions first */
    bool new_thr; /* the operation runs in a new thread */
};

static int create(struct fixture *f, const struct tcase *tc)
{
    struct xsm_config cfg = {
        .modules = tc->modules != NULL ? tc->modules : "flask",
        .flask_mode = tc->mode,
        .policy = tc->policy,
        .policy_len = tc->policy_len,
        .host_ops = &host_ops,
        .host = f,
    };
    int rc = xsm_create(&f->x, &cfg);

    if (rc != 0)
        return rc;
    f->mi = xsm_find_active(f->x, XSM_MODULE_FLASK);
    if (f->mi == NULL)
        die("no FLASK instance");
    /* dom0 as Xen labels it; d1 a guest; d2 d1's device model. */
    f->sec[0] = (struct flask_domain_sec){.sid = SECINITSID_DOM0,
                                          .self_sid = SECINITSID_DOM0,
                                          .target_sid = SECINITSID_UNLABELED,
                                          .owner = flask_state(f->mi)};
    f->sec[1] = (struct flask_domain_sec){.sid = SECINITSID_DOMU,
                                          .self_sid = SECINITSID_DOMU,
                                          .target_sid = SECINITSID_UNLABELED,
                                          .owner = flask_state(f->mi)};
    f->sec[2] = (struct flask_domain_sec){.sid = SECINITSID_DOMU,
                                          .self_sid = SECINITSID_DOMU,
                                          .target_sid = SECINITSID_DOMU,
                                          .owner = flask_state(f->mi)};
    for (unsigned i = 0; i < 3; i++) {
        f->dom[i].domid = (xsm_domid_t)i;
        f->dom[i].security[f->mi->slot] = &f->sec[i];
    }
    f->dom[0].is_privileged = true;
    f->dom[2].target = &f->dom[1];
    return 0;
}

static void *setup(void *arg)
{
    const struct tcase *tc = arg;
    struct fixture *f = calloc(1, sizeof(*f));
    struct af_text scratch = {0};

    if (f == NULL)
        die("calloc");
    if (tc->bare)
        return f;
    if (create(f, tc) != 0)
        die("xsm_create");
    if (tc->warm) {
        observe(f, NULL, &scratch);
        af_text_free(&scratch);
    }
    return f;
}

static void teardown(void *fx, void *arg)
{
    struct fixture *f = fx;

    (void)arg;
    if (f->x != NULL) {
        for (unsigned i = 0; i < 3; i++)
            f->dom[i].security[f->mi->slot] = NULL;
        xsm_destroy(f->x);
    }
    free(f);
}

/* A fixture with booleans pending: b_off (0) pending 1. */
static void *setup_pending(void *arg)
{
    struct fixture *f = setup(arg);

    if (op_bool(f, 0, 1, false) != 0)
        die("SETBOOL pending");
    return f;
}

/* An AVC with a threshold of 100000 and exactly 512 entries, the observed ones among them. */
static void *setup_avc_full(void *arg)
{
    struct fixture *f = setup(arg);
    xen_flask_op_t o = {.cmd = FLASK_AVC_HASHSTATS};
    uint32_t n = 0;

    if (op_threshold(f, 100000) != 0)
        die("SETAVC_THRESHOLD");
    /* Triples in a fixed order; some are cached already: top up until 512. */
    for (uint32_t k = 0; op(f, &o) == 0 && (n = o.u.hash_stats.entries) < 512;) {
        for (uint32_t want = 512 - n; want > 0; want--, k++) {
            uint32_t s = k / (SECINITSID_NUM * SECCLASS_NUM) + 1;
            uint32_t d = k / SECCLASS_NUM % SECINITSID_NUM + 1;
            struct ss_av_decision avd;

            if (s > SECINITSID_NUM)
                die("not enough triples");
            flask_avc_check(f->mi, s, d, (uint16_t)(k % SECCLASS_NUM + 1), 1, NULL, &avd);
        }
    }
    op(f, &o);
    if (o.u.hash_stats.entries != 512 || o.u.hash_stats.buckets_total != 512)
        die("AVC not at 512 entries in 512 buckets");
    return f;
}

/* ---- operations ---- */

static int do_create(void *fx, void *arg)
{
    return create(fx, arg);
}

static int do_load(void *fx, void *arg)
{
    xen_flask_op_t o = {.cmd = FLASK_LOAD};

    (void)arg;
    o.u.load.buffer.p = (char *)pol_nopause;
    o.u.load.size = (uint32_t)pol_nopause_len;
    return (int)op(fx, &o);
}

static int do_load_first(void *fx, void *arg)
{
    xen_flask_op_t o = {.cmd = FLASK_LOAD};

    (void)arg;
    o.u.load.buffer.p = (char *)pol_test;
    o.u.load.size = (uint32_t)pol_test_len;
    return (int)op(fx, &o);
}

/* b_off := 1 live: allows dom0_t domU_t:domain unpause. */
static int do_setbool_commit(void *fx, void *arg)
{
    (void)arg;
    return (int)op_bool(fx, 0, 1, true);
}

/* The same by name (bool_id 0xffffffff): the name is copied in first. */
static int do_setbool_commit_name(void *fx, void *arg)
{
    static char name[] = "b_off";
    xen_flask_op_t o = {.cmd = FLASK_SETBOOL};

    (void)arg;
    o.u.boolean.bool_id = 0xffffffffU;
    o.u.boolean.new_value = 1;
    o.u.boolean.commit = 1;
    o.u.boolean.size = sizeof(name) - 1;
    o.u.boolean.name.p = name;
    return (int)op(fx, &o);
}

static int do_setbool_pending(void *fx, void *arg)
{
    (void)arg;
    return (int)op_bool(fx, 1, 0, false);
}

static int do_commitbools(void *fx, void *arg)
{
    xen_flask_op_t o = {.cmd = FLASK_COMMITBOOLS};

    (void)arg;
    return (int)op(fx, &o);
}

static int do_enforce(void *fx, void *arg)
{
    (void)arg;
    return (int)op_enforce(fx, 1);
}

static int do_permissive(void *fx, void *arg)
{
    (void)arg;
    return (int)op_enforce(fx, 0);
}

/* CONTEXT_TO_SID of a context with no SID yet: the SID is the result. */
static int do_context_to_sid(void *fx, void *arg)
{
    static const char ctx[] = "system_u:system_r:domU2_t";
    xen_flask_op_t o = {.cmd = FLASK_CONTEXT_TO_SID};
    long rc;

    (void)arg;
    o.u.sid_context.context.p = (char *)ctx;
    o.u.sid_context.size = sizeof(ctx);
    rc = op(fx, &o);
    return rc != 0 ? (int)rc : (int)o.u.sid_context.sid;
}

static int do_sid_to_context(void *fx, void *arg)
{
    char buf[128];
    xen_flask_op_t o = {.cmd = FLASK_SID_TO_CONTEXT};
    long rc;

    (void)arg;
    o.u.sid_context.sid = SECINITSID_DOMU;
    o.u.sid_context.context.p = buf;
    o.u.sid_context.size = sizeof(buf);
    rc = op(fx, &o);
    return rc != 0 ? (int)rc : (int)o.u.sid_context.size;
}

/* CREATE / MEMBER / RELABEL: dom0_t over domU_t gives a type without a SID yet. */
static int transition(void *fx, uint32_t cmd, uint16_t tclass)
{
    xen_flask_op_t o = {.cmd = cmd};
    long rc;

    o.u.transition.ssid = SECINITSID_DOM0;
    o.u.transition.tsid = SECINITSID_DOMU;
    o.u.transition.tclass = tclass;
    rc = op(fx, &o);
    return rc != 0 ? (int)rc : (int)o.u.transition.newsid;
}

static int do_create_sid(void *fx, void *arg)
{
    (void)arg;
    return transition(fx, FLASK_CREATE, SECCLASS_EVENT);
}

static int do_member_sid(void *fx, void *arg)
{
    (void)arg;
    return transition(fx, FLASK_MEMBER, SECCLASS_GRANT);
}

static int do_relabel_sid(void *fx, void *arg)
{
    (void)arg;
    return transition(fx, FLASK_RELABEL, SECCLASS_MMU);
}

static int ocontext(void *fx, uint32_t cmd, uint32_t ocon, uint64_t lo, uint64_t hi)
{
    xen_flask_op_t o = {.cmd = cmd};

    o.u.ocontext.ocon = ocon;
    o.u.ocontext.sid = SECINITSID_DOMU;
    o.u.ocontext.low = lo;
    o.u.ocontext.high = hi;
    return (int)op(fx, &o);
}

static int do_add_ocontext(void *fx, void *arg)
{
    (void)arg;
    return ocontext(fx, FLASK_ADD_OCONTEXT, SS_OCON_IOMEM, 0x8000, 0x8fff);
}

static int do_del_ocontext(void *fx, void *arg)
{
    (void)arg;
    return ocontext(fx, FLASK_DEL_OCONTEXT, SS_OCON_IOPORT, 0x60, 0x6f);
}

static int dt_label(void *fx, uint32_t sid)
{
    static char path[] = "/soc/serial@1000";
    xen_flask_op_t o = {.cmd = FLASK_DEVICETREE_LABEL};

    o.u.devicetree_label.sid = sid;
    o.u.devicetree_label.length = sizeof(path) - 1;
    o.u.devicetree_label.path.p = path;
    return (int)op(fx, &o);
}

static int do_dt_add(void *fx, void *arg)
{
    (void)arg;
    return dt_label(fx, SECINITSID_DOMU);
}

static void *setup_dt(void *arg)
{
    struct fixture *f = setup(arg);

    if (dt_label(f, SECINITSID_DOMU) != 0)
        die("DEVICETREE_LABEL");
    return f;
}

static int do_dt_del(void *fx, void *arg)
{
    (void)arg;
    return dt_label(fx, 0);
}

/* d1 relabels itself to domU2_t: its self label is a transition with no SID yet. */
static int do_relabel_domain(void *fx, void *arg)
{
    struct fixture *f = fx;
    xen_flask_op_t o = {.cmd = FLASK_RELABEL_DOMAIN};

    (void)arg;
    o.u.relabel.domid = XSM_DOMID_SELF;
    o.u.relabel.sid = f->relabel_sid;
    o.interface_version = XEN_FLASK_INTERFACE_VERSION;
    return (int)xsm_do_op(f->x, &f->dom[1], &flat_guest, (uint64_t)(uintptr_t)&o);
}

static void *setup_relabel(void *arg)
{
    struct fixture *f = setup(arg);

    /* The new label has its SID already; the operation only computes the self label. */
    if (ss_context_to_sid(flask_ss(f->mi), "system_u:system_r:domU2_t", 25, &f->relabel_sid) != 0)
        die("context_to_sid");
    return f;
}

/* Decisions not cached yet: allowed (domU_t relabels itself), denied (no grant rules). */
static int do_avc_miss_allowed(void *fx, void *arg)
{
    struct fixture *f = fx;

    (void)arg;
    return flask_avc_has_perm(f->mi, SECINITSID_DOMU, SECINITSID_DOMU, SECCLASS_DOMAIN2,
                              DOMAIN2__RELABELSELF, NULL);
}

static int do_avc_miss_denied(void *fx, void *arg)
{
    struct fixture *f = fx;

    (void)arg;
    return flask_avc_has_perm(f->mi, SECINITSID_DOMU, SECINITSID_DOM0, SECCLASS_GRANT,
                              GRANT__MAP_READ | GRANT__COPY, NULL);
}

/* The 513th entry: the table doubles (main checks that it does without failures). */
static int do_avc_grow(void *fx, void *arg)
{
    struct fixture *f = fx;

    (void)arg;
    return flask_avc_has_perm(f->mi, SECINITSID_DOMDM, SECINITSID_DOMDM, SECCLASS_ARGO, 0x1, NULL);
}

static uint32_t avc_buckets(struct fixture *f)
{
    xen_flask_op_t o = {.cmd = FLASK_AVC_HASHSTATS};

    return op(f, &o) == 0 ? o.u.hash_stats.buckets_total : 0;
}

/* The same decision from a thread that has made none (its AVC reader slot). */
static int do_first_decision(void *fx, void *arg)
{
    struct fixture *f = fx;

    (void)arg;
    return flask_avc_has_perm(f->mi, SECINITSID_DOM0, SECINITSID_DOMU, SECCLASS_DOMAIN,
                              DOMAIN__PAUSE, NULL);
}

static int do_first_access(void *fx, void *arg)
{
    xen_flask_op_t o = {.cmd = FLASK_ACCESS};
    long rc;

    (void)arg;
    o.u.access.ssid = SECINITSID_DOM0;
    o.u.access.tsid = SECINITSID_DOMU;
    o.u.access.tclass = SECCLASS_DOMAIN;
    o.u.access.req = DOMAIN__PAUSE;
    rc = op(fx, &o);
    return rc != 0 ? (int)rc : (int)(o.u.access.allowed & 0x7fffffff);
}

static int do_first_hashstats(void *fx, void *arg)
{
    xen_flask_op_t o = {.cmd = FLASK_AVC_HASHSTATS};
    long rc;

    (void)arg;
    rc = op(fx, &o);
    return rc != 0 ? (int)rc : (int)o.u.hash_stats.entries;
}

/* ---- the runs ---- */

static void run(const char *name, void *(*set)(void *), int (*fn)(void *, void *), struct tcase tc)
{
    struct af_op o = {
        .name = name,
        .arg = &tc,
        .setup = set,
        .run = fn,
        .observe = observe,
        .teardown = teardown,
        .new_thread = tc.new_thr,
    };
    struct af_result r = allocfail_run(&o);

    CHECK_EQ(r.bad, 0);
    CHECK(r.attempts > 1);
}

int main(int argc, char **argv)
{
    struct tcase enf, perm, late;

    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc < 3) {
        printf("skipped: needs the FLASK op test policies (checkpolicy)\n");
        return 77;
    }
    pol_test = slurp_file(argv[1], &pol_test_len);
    pol_nopause = slurp_file(argv[2], &pol_nopause_len);
    if (pol_test == NULL || pol_nopause == NULL)
        die("policy files");
    CHECK(allocfail_active());
    enf = (struct tcase){
        .mode = "enforcing", .policy = pol_test, .policy_len = pol_test_len, .warm = true};
    perm = enf;
    perm.mode = "permissive";
    late = (struct tcase){.mode = "late", .warm = true};

    /* xsm_create: the default policy, the test policy, late, stacked. */
    run("xsm_create default policy", setup, do_create,
        (struct tcase){.mode = "enforcing", .bare = true});
    run("xsm_create test policy", setup, do_create,
        (struct tcase){.policy = pol_test, .policy_len = pol_test_len, .bare = true});
    run("xsm_create late", setup, do_create, (struct tcase){.mode = "late", .bare = true});
    run("xsm_create silo,flask permissive", setup, do_create,
        (struct tcase){.modules = "silo,flask", .mode = "permissive", .bare = true});

    /* Policy loads and booleans; the AVC holds decisions that change. */
    run("LOAD reload", setup, do_load, enf);
    run("LOAD reload, permissive", setup, do_load, perm);
    run("LOAD first (late)", setup, do_load_first, late);
    run("SETBOOL commit", setup, do_setbool_commit, enf);
    run("SETBOOL commit by name", setup, do_setbool_commit_name, enf);
    run("SETBOOL pending", setup, do_setbool_pending, enf);
    run("COMMITBOOLS", setup_pending, do_commitbools, enf);
    run("SETENFORCE 1", setup, do_enforce, perm);
    run("SETENFORCE 0", setup, do_permissive, enf);

    /* SIDs and labels. */
    run("CONTEXT_TO_SID", setup, do_context_to_sid, enf);
    run("SID_TO_CONTEXT", setup, do_sid_to_context, enf);
    run("CREATE", setup, do_create_sid, enf);
    run("MEMBER", setup, do_member_sid, enf);
    run("RELABEL", setup, do_relabel_sid, enf);
    run("ADD_OCONTEXT", setup, do_add_ocontext, enf);
    run("DEL_OCONTEXT", setup, do_del_ocontext, enf);
    run("DEVICETREE_LABEL add", setup, do_dt_add, enf);
    run("DEVICETREE_LABEL remove", setup_dt, do_dt_del, enf);
    run("RELABEL_DOMAIN", setup_relabel, do_relabel_domain, enf);

    /* The AVC. */
    run("AVC miss, allowed", setup, do_avc_miss_allowed, enf);
    run("AVC miss, denied", setup, do_avc_miss_denied, enf);
    run("AVC miss, permissive (a node and its replacement)", setup, do_avc_miss_denied, perm);
    {
        struct fixture *f = setup_avc_full(&enf);

        CHECK_EQ(avc_buckets(f), 512);
        do_avc_grow(f, NULL);
        CHECK_EQ(avc_buckets(f), 1024);
        teardown(f, NULL);
        run("AVC growth past 512", setup_avc_full, do_avc_grow, enf);
    }
    {
        struct tcase t = enf;

        t.new_thr = true;
        run("first decision of a thread", setup, do_first_decision, t);
        run("first FLASK_ACCESS of a thread", setup, do_first_access, t);
        run("first AVC_HASHSTATS of a thread", setup, do_first_hashstats, t);
    }

    free(pol_test);
    free(pol_nopause);
    return check_report("flask-allocfail");
}
