/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * bench-flask: FLASK's decision path, with libsepol 3.4 in the same run as
 * the peer that decides the same triple without a cache.
 *
 *   avc-hit N     a cached decision (flask_avc_has_perm) with N distinct
 *                 entries in the cache (threshold raised to hold them),
 *                 cycling over 64 of them spread over the table; the same
 *                 with 2 threads deciding at once (each its own 64, its own
 *                 CPU index), as throughput against 1 thread
 *   avc-all N     the same, cycling over all N entries (memory-bound once
 *                 the cache outgrows the CPU caches: reported, not a target)
 *   hook          a hook decision through the AVC (getdomaininfo, dom0_t on
 *                 domU_t) against sepol_compute_av of the same triple
 *   op-getenforce in-process xsm_op FLASK_GETENFORCE
 *   op-access     in-process xsm_op FLASK_ACCESS (no cache, as in Xen)
 *                 against sepol_compute_av of the same triple
 *
 * Every figure is the median over 31 batches of the per-call time.  The
 * policy is the default policy (policy/) plus "allow unlabeled_t domU_t:
 * domain pause", so the N distinct subjects (SIDs unknown to the policy,
 * hence unlabeled) each cache an allowed decision, as most decisions are;
 * both sides load it.
 *
 *   bench-flask [-n CALLS_PER_BATCH]
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sepol/debug.h>
#include <sepol/policydb/policydb.h>
#include <sepol/policydb/services.h>
#include <sepol/policydb/sidtab.h>

#include <openxsm/xen/flask_op.h>
#include <openxsm/xsm.h>

#include "core/module.h"
#include "modules/flask/flask.h"

#include "../../tests/lib/slurp.h"
#include "../lib/sepol_load.h"
#include "../lib/timing.h"
#include "../../tests/lib/flatmem.h"

#define BATCHES 31
#define HOT     64

static long calls = 200000;
static volatile uint32_t sink;

/* ---- the host ---- */
static _Thread_local unsigned this_cpu;

static unsigned h_cpu(void *host)
{
    (void)host;
    return this_cpu;
}

static void h_log(void *host, const char *line)
{
    (void)host;
    (void)line;
}

static struct xsm_domain dom0 = {.domid = 0, .is_privileged = true}, domU = {.domid = 1};

static struct xsm_domain *h_domain(void *host, xsm_domid_t id)
{
    (void)host;
    return id == 0 ? &dom0 : id == 1 ? &domU : NULL;
}

static const struct xsm_host_ops host_ops = {
    .domain_get = h_domain, .log = h_log, .current_cpu = h_cpu};

static xsm_ctx *x;
static struct xsm_instance *mi;

/* ---- avc-hit: cached decisions with N entries in the cache ---- */
struct hot {
    uint32_t ssid[HOT];
    unsigned n;
    unsigned cpu;
    double ns;
};

static double hit_batch(const struct hot *h, long n)
{
    uint32_t acc = 0;
    double t0 = now();
    for (long i = 0; i < n; i++)
        acc += (uint32_t)flask_avc_has_perm(mi, h->ssid[i % h->n], SECINITSID_DOMU, SECCLASS_DOMAIN,
                                            DOMAIN__PAUSE, NULL);
    sink += acc;
    return (now() - t0) * 1e9 / (double)n;
}

static double hits(const struct hot *h)
{
    double v[BATCHES];
    for (int b = 0; b < BATCHES; b++)
        v[b] = hit_batch(h, calls);
    return median(v, BATCHES);
}

static void *hit_thread(void *p)
{
    struct hot *h = p;
    this_cpu = h->cpu;
    h->ns = hits(h);
    return NULL;
}

/* Fill the cache with n distinct subjects (SIDs base .. base+n-1). */
static void fill(uint32_t base, uint32_t n)
{
    flask_avc_set_threshold(flask_avc(mi), n + 1024);
    flask_avc_reset(flask_avc(mi), ss_seqno(flask_ss(mi)));
    for (uint32_t i = 0; i < n; i++)
        flask_avc_has_perm(mi, base + i, SECINITSID_DOMU, SECCLASS_DOMAIN, DOMAIN__PAUSE, NULL);
}

static void pick_hot(struct hot *h, uint32_t base, uint32_t n, unsigned which)
{
    h->n = n < HOT ? n : HOT;
    for (unsigned i = 0; i < h->n; i++)
        h->ssid[i] = base + (uint32_t)(((uint64_t)(2 * i + which) * n / (2 * h->n)) % n);
}

static void bench_avc(void)
{
    static const uint32_t sizes[] = {10, 100, 1000, 10000, 100000};
    const uint32_t base = 1000;
    double one[5], lo = 1e9, hi = 0;

    printf("\n%-22s %10s %10s %10s %14s %12s\n", "avc (cached decision)", "entries", "ns 1 thr",
           "ns 2 thr", "2-thr scaling", "ns all N");
    for (unsigned k = 0; k < 5; k++) {
        uint32_t n = sizes[k];
        struct hot h1, h2[2];
        pthread_t t[2];
        uint32_t e, used, total, longest;
        double all;

        fill(base, n);
        flask_avc_hash_stats(flask_avc(mi), &e, &used, &total, &longest);
        pick_hot(&h1, base, n, 0);
        h1.cpu = 0;
        this_cpu = 0;
        one[k] = hits(&h1);
        for (unsigned i = 0; i < 2; i++) {
            pick_hot(&h2[i], base, n, i);
            h2[i].cpu = i;
            pthread_create(&t[i], NULL, hit_thread, &h2[i]);
        }
        for (unsigned i = 0; i < 2; i++)
            pthread_join(t[i], NULL);
        /* all N: one pass over the table in a scattered order per batch */
        {
            double v[BATCHES];
            for (int b = 0; b < BATCHES; b++) {
                uint32_t acc = 0;
                double t0 = now();
                for (uint32_t i = 0; i < n; i++)
                    acc += (uint32_t)flask_avc_has_perm(mi, base + (uint32_t)((i * 7919ULL) % n),
                                                        SECINITSID_DOMU, SECCLASS_DOMAIN,
                                                        DOMAIN__PAUSE, NULL);
                sink += acc;
                v[b] = (now() - t0) * 1e9 / n;
            }
            all = median(v, BATCHES);
        }
        /* 2 threads do twice the work in the time of one if the read path scales. */
        double per2 = (h2[0].ns + h2[1].ns) / 2;
        printf("%-22s %10u %10.1f %10.1f %13.2fx %12.1f   (buckets %u, longest chain %u)\n", "", e,
               one[k], per2, 2.0 * one[k] / per2, all, total, longest);
        if (one[k] < lo)
            lo = one[k];
        if (one[k] > hi)
            hi = one[k];
    }
    printf("%-22s flatness 10..100,000 entries: max/min = %.2f\n", "", hi / lo);
}

/* ---- hook and ops against libsepol ---- */
static double sepol_batch(sepol_security_id_t s, sepol_security_id_t t, sepol_security_class_t c,
                          sepol_access_vector_t req, long n)
{
    struct sepol_av_decision d;
    uint32_t acc = 0;
    double t0 = now();
    for (long i = 0; i < n; i++) {
        sepol_compute_av(s, t, c, req, &d);
        acc += d.allowed;
    }
    sink += acc;
    return (now() - t0) * 1e9 / (double)n;
}

static double op_batch(xen_flask_op_t *o, uint32_t cmd, long n)
{
    uint32_t acc = 0;
    double t0 = now();
    for (long i = 0; i < n; i++) {
        o->cmd = cmd;
        o->interface_version = XEN_FLASK_INTERFACE_VERSION;
        acc += (uint32_t)xsm_do_op(x, &dom0, &flat_guest, (uint64_t)(uintptr_t)o);
    }
    sink += acc;
    return (now() - t0) * 1e9 / (double)n;
}

static double hook_batch(long n)
{
    uint32_t acc = 0;
    double t0 = now();
    for (long i = 0; i < n; i++)
        acc += (uint32_t)xsm_getdomaininfo(x, &dom0, &domU);
    sink += acc;
    return (now() - t0) * 1e9 / (double)n;
}

static void row(const char *what, double ours, double theirs)
{
    if (theirs > 0)
        printf("%-22s %10.1f ns   libsepol %10.1f ns   (%.1fx)\n", what, ours, theirs,
               theirs / ours);
    else
        printf("%-22s %10.1f ns\n", what, ours);
}

static unsigned char *policy;
static size_t policy_len;

static int bench_ops(void)
{
    static const char s_ctx[] = "system_u:system_r:dom0_t", t_ctx[] = "system_u:system_r:domU_t";
    policydb_t pol;
    sidtab_t st;
    sepol_security_id_t ls, lt;
    double v[BATCHES], w[BATCHES];
    xen_flask_op_t o;
    uint32_t os, ot;

    if (sepol_load(&pol, policy, policy_len) != 0) {
        fprintf(stderr, "bench-flask: libsepol cannot read the policy\n");
        return 1;
    }
    sepol_set_policydb(&pol);
    sepol_sidtab_init(&st);
    sepol_set_sidtab(&st);
    if (policydb_load_isids(&pol, &st) || sepol_context_to_sid(s_ctx, sizeof(s_ctx), &ls) ||
        sepol_context_to_sid(t_ctx, sizeof(t_ctx), &lt) ||
        ss_context_to_sid(flask_ss(mi), s_ctx, sizeof(s_ctx), &os) ||
        ss_context_to_sid(flask_ss(mi), t_ctx, sizeof(t_ctx), &ot)) {
        fprintf(stderr, "bench-flask: contexts\n");
        return 1;
    }

    /* The same decision on both sides: dom0_t -> domU_t domain:getdomaininfo. */
    {
        struct sepol_av_decision d;
        struct ss_av_decision a;
        sepol_compute_av(ls, lt, SECCLASS_DOMAIN, DOMAIN__GETDOMAININFO, &d);
        ss_compute_av(flask_ss(mi), os, ot, SECCLASS_DOMAIN, &a);
        if (d.allowed != a.allowed)
            printf("WARNING: decisions differ: libsepol %#x, openxsm %#x\n", d.allowed, a.allowed);
    }

    printf("\n");
    flask_avc_reset(flask_avc(mi), ss_seqno(flask_ss(mi)));
    for (int b = 0; b < BATCHES; b++) {
        v[b] = hook_batch(calls);
        w[b] = sepol_batch(ls, lt, SECCLASS_DOMAIN, DOMAIN__GETDOMAININFO, calls);
    }
    row("hook (AVC hit)", median(v, BATCHES), median(w, BATCHES));

    memset(&o, 0, sizeof(o));
    for (int b = 0; b < BATCHES; b++)
        v[b] = op_batch(&o, FLASK_GETENFORCE, calls);
    row("op-getenforce", median(v, BATCHES), 0);

    for (int b = 0; b < BATCHES; b++) {
        memset(&o, 0, sizeof(o));
        o.u.access.ssid = os;
        o.u.access.tsid = ot;
        o.u.access.tclass = SECCLASS_DOMAIN;
        o.u.access.req = DOMAIN__GETDOMAININFO;
        v[b] = op_batch(&o, FLASK_ACCESS, calls);
        w[b] = sepol_batch(ls, lt, SECCLASS_DOMAIN, DOMAIN__GETDOMAININFO, calls);
    }
    row("op-access", median(v, BATCHES), median(w, BATCHES));

    sepol_sidtab_destroy(&st);
    policydb_destroy(&pol);
    return 0;
}

int main(int argc, char **argv)
{
    struct xsm_config cfg = {.modules = "flask", .host_ops = &host_ops, .nr_cpus = 2};
    static struct flask_domain_sec s0, sU;
    int rc;

    if (argc > 2 && strcmp(argv[1], "-n") == 0)
        calls = atol(argv[2]);
    if (calls < 1000)
        calls = 1000;
    sepol_debug(0);
    policy = slurp_file(BENCH_FLASK_POLICY, &policy_len);
    if (policy == NULL) {
        fprintf(stderr, "bench-flask: cannot read %s\n", BENCH_FLASK_POLICY);
        return 1;
    }
    cfg.policy = policy;
    cfg.policy_len = policy_len;
    rc = xsm_create(&x, &cfg);
    mi = x != NULL ? xsm_find_active(x, XSM_MODULE_FLASK) : NULL;
    if (rc != 0 || mi == NULL) {
        fprintf(stderr, "bench-flask: cannot start FLASK (%d)\n", rc);
        return 1;
    }
    atomic_init(&s0.sid, SECINITSID_DOM0);
    atomic_init(&s0.self_sid, SECINITSID_DOM0);
    atomic_init(&sU.sid, SECINITSID_DOMU);
    s0.owner = sU.owner = flask_state(mi); /* labels of this instance */
    dom0.security[mi->slot] = &s0;
    domU.security[mi->slot] = &sU;

    printf("bench-flask: default policy + 1 rule, %ld calls per batch, median of %d batches\n",
           calls, BATCHES);
    bench_avc();
    rc = bench_ops();
    xsm_destroy(x);
    free(policy);
    return rc;
}
