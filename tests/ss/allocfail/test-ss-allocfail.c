/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The security server when an allocation fails: every allocation of a
 * policy load (first and reload), a boolean commit, a SID allocation
 * (context_to_sid, transition, member, change, the lazy SID of a policy's
 * object label, table and hash growth), an object-label change and a
 * thread's first read section fails once in turn (tests/lib/allocfail.h).
 * A failed call must answer -ENOMEM and leave everything a caller can see
 * as it was; nothing may leak.
 *
 * argv: the default Xen policy, the FLASK op test policy, the MLS unit policy.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../lib/allocfail.h"
#include "../../lib/slurp.h"
#include "../../lib/ss_observe.h"
#include "../../modules/check.h"

struct image {
    const char *name;
    unsigned char *p;
    size_t n;
};
static struct image img_default = {.name = "default"}, img_test = {.name = "test"},
                    img_mls = {.name = "mls"};

static void die(const char *what)
{
    fprintf(stderr, "setup failed: %s\n", what);
    exit(1);
}

/* ---- fixtures ---- */

/* What one run works on: the policy of its fixture, a context string. */
struct tcase {
    const struct image *img;
    const char *ctx;
    bool skip_labels; /* a first load drops run-time labels, even when it fails */
    uint32_t fill;    /* setup_sidtab: the next SID to allocate */
};

struct fixture {
    ss_ctx *ss;
    ss_sid a, b; /* SIDs an operation works on */
};

static ss_ctx *new_ss(void)
{
    ss_ctx *ss;

    if (ss_create(&ss, NULL) != 0)
        die("ss_create");
    return ss;
}

static void load(ss_ctx *ss, const struct image *img)
{
    if (ss_load_policy(ss, img->p, img->n) != 0) {
        fprintf(stderr, "%s: %s\n", img->name, ss_last_error(ss));
        die("load");
    }
}

static ss_sid sid_of(ss_ctx *ss, const char *ctx)
{
    ss_sid sid = 0;

    if (ss_context_to_sid(ss, ctx, strlen(ctx), &sid) != 0) {
        fprintf(stderr, "context %s: %s\n", ctx, ss_last_error(ss));
        die("context_to_sid");
    }
    return sid;
}

static void observe(void *fx, void *arg, struct af_text *t)
{
    ss_observe(((struct fixture *)fx)->ss, !((const struct tcase *)arg)->skip_labels, 40, t);
}

static void teardown(void *fx, void *arg)
{
    (void)arg;
    ss_destroy(((struct fixture *)fx)->ss);
    free(fx);
}

static struct fixture *fixture(ss_ctx *ss)
{
    struct fixture *f = calloc(1, sizeof(*f));

    if (f == NULL)
        die("calloc");
    f->ss = ss;
    return f;
}

/* A policy-independent state before any load: run-time object labels only. */
static void *setup_labels_only(void *arg)
{
    ss_ctx *ss = new_ss();

    (void)arg;
    if (ss_ocontext_add(ss, SS_OCON_PIRQ, 7, 7, 3) != 0 ||
        ss_devicetree_setlabel(ss, "/early", 4) != 0)
        die("labels before a policy");
    return fixture(ss);
}

/* A server in use: some SIDs, booleans pending and committed, run-time labels. */
static void *setup_used(void *arg)
{
    const struct image *img = ((const struct tcase *)arg)->img;
    ss_ctx *ss = new_ss();
    struct fixture *f;

    load(ss, img);
    f = fixture(ss);
    if (img == &img_test) {
        f->a = sid_of(ss, "system_u:system_r:dom0_t");
        f->b = sid_of(ss, "system_u:system_r:domU_t");
        sid_of(ss, "system_u:object_r:lab_t");
    } else if (img == &img_mls) {
        f->a = sid_of(ss, "system_u:system_r:dom0_t:s0");
        f->b = sid_of(ss, "system_u:system_r:domU_t:s0-s1:c0,c2");
        sid_of(ss, "system_u:vm_r:domU_t:s1:c1.c3");
    } else {
        f->a = sid_of(ss, "system_u:system_r:dom0_t");
        f->b = sid_of(ss, "user_1:vm_r:domU_t");
        sid_of(ss, "system_u:system_r:prot_domU_t");
    }
    if (ss_bool_count(ss) >= 2) {
        if (ss_bool_set_pending(ss, 0, 1) != 0 || ss_bool_commit(ss) != 0 ||
            ss_bool_set_pending(ss, 1, 0) != 0)
            die("booleans");
    }
    if (ss_ocontext_add(ss, SS_OCON_IOMEM, 0x9000, 0x9fff, f->b) != 0 ||
        ss_ocontext_add(ss, SS_OCON_DEVICE, 0x500, 0x500, f->a) != 0 ||
        ss_devicetree_setlabel(ss, "/soc/uart", f->b) != 0)
        die("labels");
    return f;
}

static void *setup_fresh(void *arg)
{
    (void)arg;
    return fixture(new_ss());
}

/* ---- operations ---- */

static int op_load_default(void *fx, void *arg)
{
    (void)arg;
    return ss_load_policy(((struct fixture *)fx)->ss, img_default.p, img_default.n);
}

static int op_load_test(void *fx, void *arg)
{
    (void)arg;
    return ss_load_policy(((struct fixture *)fx)->ss, img_test.p, img_test.n);
}

static int op_load_mls(void *fx, void *arg)
{
    (void)arg;
    return ss_load_policy(((struct fixture *)fx)->ss, img_mls.p, img_mls.n);
}

static int op_commit(void *fx, void *arg)
{
    (void)arg;
    return ss_bool_commit(((struct fixture *)fx)->ss);
}

/* The op's result folded into one int: the SID matters as much as rc. */
static int sid_result(int rc, ss_sid sid)
{
    return rc != 0 ? rc : (int)sid;
}

static int new_context(void *fx, const char *ctx)
{
    ss_sid sid = 0;
    int rc = ss_context_to_sid(((struct fixture *)fx)->ss, ctx, strlen(ctx), &sid);

    return sid_result(rc, sid);
}

static int op_new_context(void *fx, void *arg)
{
    return new_context(fx, ((const struct tcase *)arg)->ctx);
}

static int op_transition(void *fx, void *arg)
{
    struct fixture *f = fx;
    ss_sid sid = 0;
    int rc;

    (void)arg;
    rc = ss_transition_sid(f->ss, f->a, f->b, ss_class_value(f->ss, "event"), &sid);
    return sid_result(rc, sid);
}

static int op_member(void *fx, void *arg)
{
    struct fixture *f = fx;
    ss_sid sid = 0;
    int rc;

    (void)arg;
    rc = ss_member_sid(f->ss, f->a, f->b, ss_class_value(f->ss, "grant"), &sid);
    return sid_result(rc, sid);
}

static int op_change(void *fx, void *arg)
{
    struct fixture *f = fx;
    ss_sid sid = 0;
    int rc;

    (void)arg;
    rc = ss_change_sid(f->ss, f->a, f->b, ss_class_value(f->ss, "mmu"), &sid);
    return sid_result(rc, sid);
}

/* The SID of a policy's object label is made on its first look-up. */
static int op_policy_label(void *fx, void *arg)
{
    ss_sid sid = 0;
    int rc = ss_ocontext_sid(((struct fixture *)fx)->ss, SS_OCON_PIRQ, 33, &sid);

    (void)arg;
    return sid_result(rc, sid);
}

static int count_range(void *opaque, ss_sid sid, uint64_t lo, uint64_t hi)
{
    unsigned *n = opaque;

    (void)sid, (void)lo, (void)hi;
    (*n)++;
    return 0;
}

static int op_policy_ranges(void *fx, void *arg)
{
    unsigned n = 0;
    int rc =
        ss_ocontext_iterate(((struct fixture *)fx)->ss, SS_OCON_IOPORT, 0, 0xffff, count_range, &n);

    (void)arg;
    return rc != 0 ? rc : (int)n;
}

static int op_ocon_add(void *fx, void *arg)
{
    struct fixture *f = fx;

    (void)arg;
    return ss_ocontext_add(f->ss, SS_OCON_IOPORT, 0x100, 0x1ff, f->a);
}

static int op_ocon_del(void *fx, void *arg)
{
    (void)arg;
    return ss_ocontext_del(((struct fixture *)fx)->ss, SS_OCON_IOMEM, 0x9000, 0x9fff);
}

static int op_dt_add(void *fx, void *arg)
{
    struct fixture *f = fx;

    (void)arg;
    return ss_devicetree_setlabel(f->ss, "/soc/gpio@1000", f->a);
}

static int op_dt_del(void *fx, void *arg)
{
    (void)arg;
    return ss_devicetree_setlabel(((struct fixture *)fx)->ss, "/soc/uart", 0);
}

/* Eight pirq labels fill a list's first array; the ninth grows it. */
static void *setup_full_list(void *arg)
{
    struct fixture *f = setup_used(arg);

    for (unsigned i = 0; i < 8; i++)
        if (ss_ocontext_add(f->ss, SS_OCON_PIRQ, 100 + i, 100 + i, f->a) != 0)
            die("pirq labels");
    return f;
}

static int op_ocon_grow(void *fx, void *arg)
{
    struct fixture *f = fx;

    (void)arg;
    return ss_ocontext_add(f->ss, SS_OCON_PIRQ, 200, 200, f->b);
}

/*
 * MLS contexts to fill the SID table: level s0 or s1 with any subset of
 * c0..c3 as the low level, s1:c0.c3 as the high one, for both roles' types.
 */
static void mls_context(unsigned i, char *buf, size_t size)
{
    static const char *const types[] = {"system_r:dom0_t", "system_r:xen_t", "vm_r:domU_t",
                                        "system_r:domU_t"};
    unsigned cats = i % 16, sens = (i / 16) % 2;
    int n = snprintf(buf, size, "system_u:%s:s%u", types[(i / 32) % 4], sens);

    for (unsigned c = 0, first = 1; c < 4; c++)
        if (cats & (1U << c)) {
            n += snprintf(buf + n, size - (size_t)n, "%sc%u", first ? ":" : ",", c);
            first = 0;
        }
    snprintf(buf + n, size - (size_t)n, "-s1:c0.c3");
}

/*
 * The table holds SIDs up to fill - 1: 63 fills its first chunk (64 SIDs
 * with the unused 0), 64 different contexts fill its hash to the half.
 */
static void *setup_sidtab(void *arg)
{
    struct fixture *f = setup_fresh(NULL);
    uint32_t fill = ((const struct tcase *)arg)->fill;
    char buf[128];
    unsigned i = 0;

    load(f->ss, &img_mls);
    for (;;) {
        struct xrcu_reader *r;
        const struct ss_state *st = ss_enter(f->ss, &r);
        uint32_t next = st->sids->next;

        ss_leave(r);
        if (next == fill)
            break;
        mls_context(i++, buf, sizeof(buf));
        sid_of(f->ss, buf);
    }
    return f;
}

/*
 * While a SID is being allocated, a lock-free reader must not see it until
 * it is there for good: one that failed half-way would vanish again (and
 * its context be freed under the reader).
 */
static unsigned seen_half;

static void sidtab_probe(void *fx, void *arg)
{
    struct fixture *f = fx;
    struct xrcu_reader *r;
    const struct ss_state *st = ss_enter(f->ss, &r);

    (void)arg;
    if (st != NULL && st->sids != NULL && ss_sidtab_get(st->sids, st->sids->next) != NULL)
        seen_half++;
    if (st != NULL)
        ss_leave(r);
}

static int op_sidtab_grow(void *fx, void *arg)
{
    char buf[128];

    (void)arg;
    mls_context(127, buf, sizeof(buf));
    return new_context(fx, buf);
}

/* ---- a thread's first read section ---- */

/*
 * Decisions from a thread that has never read: its reader slot is made on
 * the way, and when that fails the call answers -ENOMEM, never a wrong
 * value.  Functions with no error to return must still answer right.
 */
static void *setup_loaded(void *arg)
{
    struct fixture *f = setup_fresh(NULL);

    load(f->ss, ((const struct tcase *)arg)->img);
    return f;
}

static int op_first_read(void *fx, void *arg)
{
    struct fixture *f = fx;
    struct ss_av_decision avd;
    int rc;

    (void)arg;
    rc = ss_compute_av(f->ss, 3, 3, 1, &avd);
    return rc != 0 ? rc : (int)avd.allowed & 0x7fffffff;
}

static int op_first_value(void *fx, void *arg)
{
    struct fixture *f = fx;

    /* Each answer is known: a policy is loaded, once; MLS as the image says. */
    if (!ss_policy_loaded(f->ss))
        return -1000;
    if (ss_seqno(f->ss) != 1)
        return -1001;
    if (ss_mls_enabled(f->ss) != (((const struct tcase *)arg)->img == &img_mls))
        return -1002;
    if (ss_bool_count(f->ss) == 0)
        return -1003;
    if (ss_class_value(f->ss, "domain") == 0)
        return -1004;
    return 0;
}

/* ---- the runs ---- */

static void run_fill(const char *name, void *(*setup)(void *), int (*op)(void *, void *),
                     const struct image *img, const char *ctx, uint32_t fill)
{
    struct tcase tc = {
        .img = img, .ctx = ctx, .skip_labels = setup == setup_labels_only, .fill = fill};
    struct af_op o = {
        .name = name,
        .arg = &tc,
        .setup = setup,
        .run = op,
        .observe = observe,
        .teardown = teardown,
        .new_thread = setup == setup_loaded,
        .at_failure = sidtab_probe,
    };
    struct af_result r = allocfail_run(&o);

    CHECK_EQ(r.bad, 0);
    /* Every one of these allocates: otherwise nothing was tested. */
    CHECK(r.attempts > 1);
}

static void run(const char *name, void *(*setup)(void *), int (*op)(void *, void *),
                const struct image *img, const char *ctx)
{
    run_fill(name, setup, op, img, ctx, 0);
}

int main(int argc, char **argv)
{
    struct image *imgs[] = {&img_default, &img_test, &img_mls};

    if (argc < 4) {
        printf("skipped: needs the default, test and MLS policies (checkpolicy)\n");
        return 77;
    }
    for (unsigned i = 0; i < 3; i++) {
        imgs[i]->p = slurp_file(argv[i + 1], &imgs[i]->n);
        if (imgs[i]->p == NULL)
            die(argv[i + 1]);
    }
    setvbuf(stdout, NULL, _IONBF, 0);
    CHECK(allocfail_active());

    /*
     * Policy loads, the first one and reloads.  A first load discards the
     * labels added before any policy even when it fails (as Xen's reader
     * resets its database, <openxsm/ss.h>): with such labels the check
     * leaves them out.
     */
    run("load default, first", setup_fresh, op_load_default, NULL, NULL);
    run("load test, first", setup_fresh, op_load_test, NULL, NULL);
    run("load mls, first", setup_fresh, op_load_mls, NULL, NULL);
    run("load test, first, over labels", setup_labels_only, op_load_test, NULL, NULL);
    run("reload default", setup_used, op_load_default, &img_default, NULL);
    run("reload test", setup_used, op_load_test, &img_test, NULL);
    run("reload mls", setup_used, op_load_mls, &img_mls, NULL);
    run("reload default over test", setup_used, op_load_default, &img_test, NULL);

    /* Boolean commits. */
    run("commit test", setup_used, op_commit, &img_test, NULL);
    run("commit mls", setup_used, op_commit, &img_mls, NULL);

    /* SID allocation. */
    run("context_to_sid test", setup_used, op_new_context, &img_test, "system_u:system_r:domU2_t");
    run("context_to_sid mls", setup_used, op_new_context, &img_mls,
        "system_u:vm_r:domU_t:s0:c1,c3-s1:c0.c3");
    run("context_to_sid default", setup_used, op_new_context, &img_default,
        "user_2:vm_r:isolated_domU_t");
    run("transition_sid test", setup_used, op_transition, &img_test, NULL);
    run("transition_sid mls", setup_used, op_transition, &img_mls, NULL);
    run("member_sid test", setup_used, op_member, &img_test, NULL);
    run("change_sid test", setup_used, op_change, &img_test, NULL);
    run("policy pirq label", setup_used, op_policy_label, &img_test, NULL);
    run("policy ioport labels", setup_used, op_policy_ranges, &img_test, NULL);
    run_fill("sid table growth", setup_sidtab, op_sidtab_grow, &img_mls, NULL, 64);
    run_fill("sid hash growth", setup_sidtab, op_sidtab_grow, &img_mls, NULL, 65);
    CHECK_EQ(seen_half, 0);

    /* Object labels. */
    run("ocontext add", setup_used, op_ocon_add, &img_test, NULL);
    run("ocontext del", setup_used, op_ocon_del, &img_mls, NULL);
    run("ocontext add, list grows", setup_full_list, op_ocon_grow, &img_test, NULL);
    run("devicetree add", setup_used, op_dt_add, &img_test, NULL);
    run("devicetree del", setup_used, op_dt_del, &img_default, NULL);

    /* A thread's first read section (its reader slot). */
    run("first read: compute_av", setup_loaded, op_first_read, &img_test, NULL);
    run("first read: values", setup_loaded, op_first_value, &img_mls, NULL);
    run("first read: context_to_sid", setup_loaded, op_new_context, &img_test,
        "system_u:system_r:domU2_t");

    for (unsigned i = 0; i < 3; i++)
        free(imgs[i]->p);
    return check_report("ss-allocfail");
}
