/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * FLASK under concurrency: decision threads against a reloader (policies A
 * and B in turn), a boolean committer and a setenforce toggler, all through
 * xsm_do_op as a control domain issues them.
 *
 * Each decision must come whole from one policy and one boolean value.  The
 * two policies are built so that a mix shows: on (domU_t, domU2_t,
 * domain2) A allows {gettsc} plus {settsc} while b_on, B allows
 * {setscheduler} plus {setclaim} while b_on.  So the allowed vector of one
 * decision, restricted to those four bits, must be one of {gettsc},
 * {gettsc settsc}, {setscheduler}, {setscheduler setclaim}.  The
 * threads ask for cacheflush, which neither policy grants, so a permissive
 * grant widens only that bit.  Alongside: a hook both policies allow must
 * always be allowed, FLASK_ACCESS must give one of the four vectors, and a
 * type_transition both policies have must always give the same context
 * (its SID survives every reload, even one that races with it).
 *
 * Run under ThreadSanitizer in `make check` (build-tsan): a data race or a
 * free that is not ordered after every reader fails the run.  The threads
 * count failures in atomics; the checks run once they have stopped.
 *
 * usage: test-flask-stress POLICY-A.bin POLICY-B.bin [ROUNDS]
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openxsm/xen/flask_op.h>
#include <openxsm/xsm.h>

#include "core/module.h"
#include "modules/flask/flask.h"

#include "../../../lib/slurp.h"
#include "../../../lib/flatmem.h"
#include "../../check.h"

#define PROBE     (DOMAIN2__GETTSC | DOMAIN2__SETTSC | DOMAIN2__SETSCHEDULER | DOMAIN2__SETCLAIM)
#define REQUESTED DOMAIN2__CACHEFLUSH

static const uint32_t valid[] = {
    DOMAIN2__GETTSC,
    DOMAIN2__GETTSC | DOMAIN2__SETTSC,
    DOMAIN2__SETSCHEDULER,
    DOMAIN2__SETSCHEDULER | DOMAIN2__SETCLAIM,
};

static bool is_valid(uint32_t allowed)
{
    for (size_t i = 0; i < sizeof(valid) / sizeof(valid[0]); i++)
        if ((allowed & PROBE) == valid[i])
            return true;
    return false;
}

/* ---- a host: three domains, guest memory is the process's own ---- */
static struct xsm_domain dom0 = {.domid = 0, .is_privileged = true};
static struct xsm_domain domU = {.domid = 1}, domU2 = {.domid = 2};

static struct xsm_domain *h_domain(void *host, xsm_domid_t id)
{
    (void)host;
    return id == 0 ? &dom0 : id == 1 ? &domU : id == 2 ? &domU2 : NULL;
}

static void h_log(void *host, const char *line)
{
    (void)host;
    (void)line;
}

static _Thread_local unsigned my_cpu;

static unsigned h_cpu(void *host)
{
    (void)host;
    return my_cpu;
}

static const struct xsm_host_ops host_ops = {
    .domain_get = h_domain, .log = h_log, .current_cpu = h_cpu};

static long op(xsm_ctx *x, struct xsm_domain *cur, xen_flask_op_t *o, uint32_t cmd)
{
    o->cmd = cmd;
    o->interface_version = XEN_FLASK_INTERFACE_VERSION;
    return xsm_do_op(x, cur, &flat_guest, (uint64_t)(uintptr_t)o);
}

/* ---- the world ---- */
static xsm_ctx *x;
static struct xsm_instance *mi;
static unsigned char *pol[2];
static size_t pol_len[2];
static uint32_t sid_domU, sid_domU2, sid_self;
static _Atomic int stop;
static _Atomic unsigned bad_op, bad_mix, bad_hook, bad_access, bad_label, bad_rc, decisions;

static uint32_t sid_of(const char *ctx)
{
    xen_flask_op_t o = {0};

    o.u.sid_context.context = (xen_flask_handle_char_t){(char *)ctx};
    o.u.sid_context.size = (uint32_t)strlen(ctx);
    CHECK_EQ(op(x, &dom0, &o, FLASK_CONTEXT_TO_SID), 0);
    return o.u.sid_context.sid;
}

static void *decider(void *arg)
{
    unsigned n = 0;

    my_cpu = (unsigned)(uintptr_t)arg;
    while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
        struct ss_av_decision avd;
        xen_flask_op_t o = {0};
        uint32_t newsid = 0;
        int rc;

        /* One AVC decision: whole from one policy and one boolean value. */
        rc = flask_avc_check(mi, sid_domU, sid_domU2, SECCLASS_DOMAIN2, REQUESTED, NULL, &avd);
        if (rc != 0 && rc != -EACCES)
            atomic_fetch_add(&bad_rc, 1);
        if (!is_valid(avd.allowed))
            atomic_fetch_add(&bad_mix, 1);

        /* A hook both policies allow. */
        if (xsm_getdomaininfo(x, &dom0, &domU) != 0)
            atomic_fetch_add(&bad_hook, 1);

        /* The security server directly, as FLASK_ACCESS. */
        o.u.access.ssid = sid_domU;
        o.u.access.tsid = sid_domU2;
        o.u.access.tclass = SECCLASS_DOMAIN2;
        o.u.access.req = REQUESTED;
        if (op(x, &dom0, &o, FLASK_ACCESS) != 0 || !is_valid(o.u.access.allowed))
            atomic_fetch_add(&bad_access, 1);

        /* A label computed while SID tables are being replaced. */
        if (flask_transition_sid(mi, sid_domU, sid_domU, SECCLASS_DOMAIN, &newsid) != 0 ||
            newsid != sid_self)
            atomic_fetch_add(&bad_label, 1);
        n++;
    }
    atomic_fetch_add(&decisions, n);
    return NULL;
}

static void *reloader(void *arg)
{
    unsigned rounds = (unsigned)(uintptr_t)arg;

    for (unsigned i = 1; i <= rounds; i++) {
        xen_flask_op_t o = {0};

        o.u.load.buffer = (xen_flask_handle_char_t){(char *)pol[i % 2]};
        o.u.load.size = (uint32_t)pol_len[i % 2];
        if (op(x, &dom0, &o, FLASK_LOAD) != 0)
            atomic_fetch_add(&bad_op, 1);
    }
    atomic_store(&stop, 1);
    return NULL;
}

static void *committer(void *arg)
{
    (void)arg;
    for (unsigned v = 0; !atomic_load(&stop); v ^= 1) {
        static const char name[] = "b_on";
        xen_flask_op_t o = {0};

        o.u.boolean.bool_id = 0xffffffffU;
        o.u.boolean.new_value = (uint8_t)v;
        o.u.boolean.commit = 1;
        o.u.boolean.size = (uint32_t)strlen(name);
        o.u.boolean.name = (xen_flask_handle_char_t){(char *)name};
        if (op(x, &dom0, &o, FLASK_SETBOOL) != 0)
            atomic_fetch_add(&bad_op, 1);
    }
    return NULL;
}

static void *toggler(void *arg)
{
    (void)arg;
    for (unsigned v = 0; !atomic_load(&stop); v ^= 1) {
        xen_flask_op_t o = {0};

        o.u.enforce.enforcing = v;
        if (op(x, &dom0, &o, FLASK_SETENFORCE) != 0 || op(x, &dom0, &o, FLASK_GETENFORCE) < 0)
            atomic_fetch_add(&bad_op, 1);
    }
    return NULL;
}

int main(int argc, char **argv)
{
    struct xsm_config cfg = {.modules = "flask", .host_ops = &host_ops, .nr_cpus = 3};
    static struct flask_domain_sec s0, sU, sU2;
    pthread_t dec[3], rl, cm, tg;
    unsigned rounds;

    if (argc < 3) {
        printf("skipped: no stress policies (checkpolicy missing at configure time)\n");
        return 77;
    }
    rounds = argc > 3 ? (unsigned)strtoul(argv[3], NULL, 0) : 200;
    for (int i = 0; i < 2; i++) {
        pol[i] = slurp_file(argv[1 + i], &pol_len[i]);
        if (pol[i] == NULL) {
            fprintf(stderr, "cannot read %s\n", argv[1 + i]);
            return 1;
        }
    }
    cfg.policy = pol[0];
    cfg.policy_len = pol_len[0];
    CHECK_EQ(xsm_create(&x, &cfg), 0);
    mi = xsm_find_active(x, XSM_MODULE_FLASK);
    if (mi == NULL)
        return check_report("flask-stress");
    atomic_init(&s0.sid, SECINITSID_DOM0);
    s0.owner = sU.owner = sU2.owner = flask_state(mi); /* labels of this instance */
    dom0.security[mi->slot] = &s0;
    domU.security[mi->slot] = &sU;
    domU2.security[mi->slot] = &sU2;
    sid_domU = sid_of("system_u:system_r:domU_t");
    sid_domU2 = sid_of("system_u:system_r:domU2_t");
    sid_self = sid_of("system_u:system_r:domU_t_self");
    atomic_init(&sU.sid, sid_domU);
    atomic_init(&sU2.sid, sid_domU2);
    CHECK(sid_domU != 0 && sid_domU2 != 0 && sid_self != 0);

    for (unsigned i = 0; i < 3; i++)
        pthread_create(&dec[i], NULL, decider, (void *)(uintptr_t)i);
    pthread_create(&cm, NULL, committer, NULL);
    pthread_create(&tg, NULL, toggler, NULL);
    pthread_create(&rl, NULL, reloader, (void *)(uintptr_t)rounds);
    pthread_join(rl, NULL);
    pthread_join(cm, NULL);
    pthread_join(tg, NULL);
    for (unsigned i = 0; i < 3; i++)
        pthread_join(dec[i], NULL);

    printf("flask-stress: %u rounds, %u decisions\n", rounds, atomic_load(&decisions));
    CHECK(atomic_load(&decisions) > 0);
    CHECK_EQ(atomic_load(&bad_op), 0);
    CHECK_EQ(atomic_load(&bad_rc), 0);
    CHECK_EQ(atomic_load(&bad_mix), 0);
    CHECK_EQ(atomic_load(&bad_hook), 0);
    CHECK_EQ(atomic_load(&bad_access), 0);
    CHECK_EQ(atomic_load(&bad_label), 0);
    xsm_destroy(x);
    free(pol[0]);
    free(pol[1]);
    return check_report("flask-stress");
}
