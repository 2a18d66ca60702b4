/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The FLASK access vector cache: regression tests for its memory safety
 * and its accounting, through the module's own AVC entry point.
 *
 * The use-after-free this guards against: a miss inserted the new node and
 * then reclaimed, which could free the node just added; a denial that was
 * then granted (permissive mode, or a permissive source type) widened the
 * freed node.  Under ASan (the ASan build of `make check`) the old code
 * fails here with heap-use-after-free; in the normal build the counters
 * checked below still catch a reclaim that ran out of order.
 *
 * usage: test-flask-avc TEST-POLICY.bin   (the flask-ops test policy)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openxsm/xen/flask_op.h>
#include <openxsm/xsm.h>

#include "core/module.h"
#include "modules/flask/flask.h"

#include "../../../lib/slurp.h"
#include "../../check.h"

static unsigned char *policy;
static size_t policy_len;

/* Audit lines about domain:pause (the probe of test_widen_after_grow). */
static unsigned pause_lines;

static void quiet(void *host, const char *line)
{
    (void)host;
    if (strstr(line, "{ pause }") != NULL)
        pause_lines++;
}

/* The CPU the host says the calling thread runs as. */
static unsigned this_cpu;

/*
 * Armed by test_store_after_flush: the next time the AVC asks which CPU
 * this is (a check asks once, after it has picked the cache generation it
 * looks in), the cache is flushed first, as another CPU's policy load or
 * mode switch could flush it at that moment.
 */
static struct xsm_instance *flush_on_cpu_query;

static unsigned current_cpu(void *host)
{
    struct xsm_instance *mi = flush_on_cpu_query;

    (void)host;
    if (mi != NULL) {
        flush_on_cpu_query = NULL;
        CHECK_EQ(flask_avc_reset(flask_avc(mi), ss_seqno(flask_ss(mi))), 0);
    }
    return this_cpu;
}

static const struct xsm_host_ops host_ops = {.log = quiet, .current_cpu = current_cpu};

static xsm_ctx *make_cpus(const char *mode, unsigned nr_cpus)
{
    struct xsm_config cfg = {.modules = "flask",
                             .flask_mode = mode,
                             .policy = policy,
                             .policy_len = policy_len,
                             .host_ops = &host_ops,
                             .nr_cpus = nr_cpus};
    xsm_ctx *x = NULL;

    CHECK_EQ(xsm_create(&x, &cfg), 0);
    return x;
}

static xsm_ctx *make(const char *mode)
{
    return make_cpus(mode, 0);
}

/* ---- the statistics commands, as a guest issues them ---- */
static xen_flask_op_t opbuf;

static int op_from(void *opaque, void *dst, uint64_t gaddr, size_t len)
{
    (void)opaque;
    if (gaddr != 0x1000 || len != sizeof(opbuf))
        return -EFAULT;
    memcpy(dst, &opbuf, len);
    return 0;
}

static int op_to(void *opaque, uint64_t gaddr, const void *src, size_t len)
{
    (void)opaque;
    if (gaddr != 0x1000 || len != sizeof(opbuf))
        return -EFAULT;
    memcpy(&opbuf, src, len);
    return 0;
}

static long flask_op(xsm_ctx *x, uint32_t cmd)
{
    const struct xsm_guest g = {op_from, op_to, NULL, false};

    opbuf.cmd = cmd;
    opbuf.interface_version = XEN_FLASK_INTERFACE_VERSION;
    return xsm_do_op(x, NULL, &g, 0x1000);
}

static long cache_stats(xsm_ctx *x, uint32_t cpu, xen_flask_cache_stats_t *out)
{
    long rc;

    memset(&opbuf, 0, sizeof(opbuf));
    opbuf.u.cache_stats.cpu = cpu;
    rc = flask_op(x, FLASK_AVC_CACHESTATS);
    *out = opbuf.u.cache_stats;
    return rc;
}

static xen_flask_hash_stats_t hash_stats(xsm_ctx *x)
{
    memset(&opbuf, 0, sizeof(opbuf));
    CHECK_EQ(flask_op(x, FLASK_AVC_HASHSTATS), 0);
    return opbuf.u.hash_stats;
}

static uint32_t sid_of(struct xsm_instance *mi, const char *ctx)
{
    uint32_t sid = 0;

    CHECK_EQ(ss_context_to_sid(flask_ss(mi), ctx, strlen(ctx), &sid), 0);
    return sid;
}

/*
 * n distinct subjects each ask for a permission the policy denies, twice
 * (miss, then hit on the widened node).  Every request must be granted
 * (permissive) and the cache must never hold more than threshold + 1 nodes
 * after a reclaim.
 */
static void denied_then_granted(struct xsm_instance *mi, uint32_t first_sid, unsigned n,
                                uint32_t tsid, uint32_t threshold)
{
    struct flask_avc *avc = flask_avc(mi);
    uint32_t entries, used, total, longest;
    unsigned granted = 0;

    flask_avc_set_threshold(avc, threshold);
    for (unsigned i = 0; i < n; i++) {
        uint32_t ssid = first_sid + i;

        /* domain:pause is allowed to nobody but dom0 on domU_t. */
        granted +=
            flask_avc_has_perm(mi, ssid, tsid, SECCLASS_DOMAIN, DOMAIN__SETDEBUGGING, NULL) == 0;
        granted +=
            flask_avc_has_perm(mi, ssid, tsid, SECCLASS_DOMAIN, DOMAIN__SETDEBUGGING, NULL) == 0;
    }
    CHECK_EQ(granted, 2 * n);
    flask_avc_hash_stats(avc, &entries, &used, &total, &longest);
    CHECK(entries <= threshold + 1);
}

/* FLASK_AVC_CACHESTATS per CPU, the CPU named by the host. */
static void test_per_cpu(void)
{
    xsm_ctx *x = make_cpus("enforcing", 2);
    struct xsm_instance *mi = xsm_find_active(x, XSM_MODULE_FLASK);
    xen_flask_cache_stats_t c0, c1, c2;

    this_cpu = 0;
    for (int i = 0; i < 3; i++)
        flask_avc_has_perm(mi, SECINITSID_DOM0, SECINITSID_DOMU, SECCLASS_DOMAIN, DOMAIN__PAUSE,
                           NULL);
    this_cpu = 1;
    for (int i = 0; i < 5; i++)
        flask_avc_has_perm(mi, SECINITSID_DOM0, SECINITSID_DOMU, SECCLASS_DOMAIN, DOMAIN__PAUSE,
                           NULL);
    this_cpu = 0;
    CHECK_EQ(cache_stats(x, 0, &c0), 0);
    CHECK_EQ(cache_stats(x, 1, &c1), 0);
    CHECK_EQ(cache_stats(x, 2, &c2), -ENOENT);
    CHECK_EQ(c0.cpu, 0);
    CHECK_EQ(c0.lookups, 3);
    CHECK_EQ(c0.misses, 1);
    CHECK_EQ(c0.hits, 2);
    CHECK_EQ(c0.allocations, 1);
    CHECK_EQ(c1.cpu, 1);
    CHECK_EQ(c1.lookups, 5);
    CHECK_EQ(c1.hits, 5);
    CHECK_EQ(c1.misses, 0);
    xsm_destroy(x);

    /* Without the host's CPU count there is one CPU. */
    x = make("enforcing");
    CHECK_EQ(cache_stats(x, 0, &c0), 0);
    CHECK_EQ(cache_stats(x, 1, &c1), -ENOENT);
    xsm_destroy(x);
}

/*
 * A permissive grant replaces the cached node, as Xen's avc_update_node:
 * one more allocation and one free; the first call misses, the second hits
 * the widened node and is not audited again.
 */
static void test_permissive_update_counts(void)
{
    xsm_ctx *x = make("permissive");
    struct xsm_instance *mi = xsm_find_active(x, XSM_MODULE_FLASK);
    xen_flask_cache_stats_t before, after;

    this_cpu = 0;
    CHECK_EQ(cache_stats(x, 0, &before), 0);
    CHECK_EQ(flask_avc_has_perm(mi, SECINITSID_DOMU, SECINITSID_DOMU, SECCLASS_DOMAIN,
                                DOMAIN__SETDEBUGGING, NULL),
             0);
    CHECK_EQ(cache_stats(x, 0, &after), 0);
    CHECK_EQ(after.misses - before.misses, 1);
    CHECK_EQ(after.allocations - before.allocations, 2);
    CHECK_EQ(after.frees - before.frees, 1);
    CHECK_EQ(hash_stats(x).entries, 1);
    CHECK_EQ(flask_avc_has_perm(mi, SECINITSID_DOMU, SECINITSID_DOMU, SECCLASS_DOMAIN,
                                DOMAIN__SETDEBUGGING, NULL),
             0);
    CHECK_EQ(cache_stats(x, 0, &before), 0);
    CHECK_EQ(before.hits - after.hits, 1);
    CHECK_EQ(before.allocations, after.allocations); /* widened already: nothing to replace */
    xsm_destroy(x);
}

/*
 * A threshold raised far beyond Xen's 512 buckets: the table grows with
 * its entries, so chains stay short, and AVC_HASHSTATS says so.
 */
static void test_growth(void)
{
    xsm_ctx *x = make("enforcing");
    struct xsm_instance *mi = xsm_find_active(x, XSM_MODULE_FLASK);
    xen_flask_hash_stats_t h;
    const uint32_t n = 20000;

    flask_avc_set_threshold(flask_avc(mi), 100000);
    for (uint32_t i = 0; i < n; i++)
        flask_avc_has_perm(mi, 100 + i, SECINITSID_DOMU, SECCLASS_DOMAIN, DOMAIN__PAUSE, NULL);
    h = hash_stats(x);
    CHECK_EQ(h.entries, n);
    CHECK(h.buckets_total >= n);
    CHECK(h.buckets_used <= h.buckets_total);
    CHECK(h.max_chain_len <= 8);
    /* Every entry is still there: a second pass only hits. */
    {
        xen_flask_cache_stats_t a, b;

        CHECK_EQ(cache_stats(x, 0, &a), 0);
        for (uint32_t i = 0; i < n; i++)
            flask_avc_has_perm(mi, 100 + i, SECINITSID_DOMU, SECCLASS_DOMAIN, DOMAIN__PAUSE, NULL);
        CHECK_EQ(cache_stats(x, 0, &b), 0);
        CHECK_EQ(b.hits - a.hits, n);
        CHECK_EQ(b.misses, a.misses);
    }
    /* Back to Xen's threshold: the next inserts reclaim, 16 at a time. */
    flask_avc_set_threshold(flask_avc(mi), 512);
    flask_avc_has_perm(mi, 1, 2, SECCLASS_DOMAIN, DOMAIN__PAUSE, NULL);
    CHECK_EQ(hash_stats(x).entries, n + 1 - 16);
    xsm_destroy(x);
}

/*
 * A permissive grant whose own insert grew the table: the grant is kept in
 * the grown table, so the next check hits it and is not audited again.
 */
static void test_widen_after_grow(void)
{
    xsm_ctx *x = make("permissive");
    struct xsm_instance *mi = xsm_find_active(x, XSM_MODULE_FLASK);
    xen_flask_cache_stats_t a, b;

    this_cpu = 0;
    flask_avc_set_threshold(flask_avc(mi), 100000);
    for (uint32_t i = 0; i < 512; i++)
        flask_avc_has_perm(mi, 100 + i, SECINITSID_DOMU, SECCLASS_DOMAIN, DOMAIN__SETDEBUGGING,
                           NULL);
    CHECK_EQ(hash_stats(x).buckets_total, 512);
    pause_lines = 0;
    /* The 513th entry: its insert doubles the table, then the denial is widened. */
    CHECK_EQ(flask_avc_has_perm(mi, 5000, SECINITSID_DOMU, SECCLASS_DOMAIN, DOMAIN__PAUSE, NULL),
             0);
    CHECK_EQ(hash_stats(x).buckets_total, 1024);
    CHECK_EQ(pause_lines, 1);
    CHECK_EQ(cache_stats(x, 0, &a), 0);
    CHECK_EQ(flask_avc_has_perm(mi, 5000, SECINITSID_DOMU, SECCLASS_DOMAIN, DOMAIN__PAUSE, NULL),
             0);
    CHECK_EQ(cache_stats(x, 0, &b), 0);
    CHECK_EQ(b.hits - a.hits, 1);
    CHECK_EQ(pause_lines, 1);
    CHECK_EQ(hash_stats(x).entries, 513);
    xsm_destroy(x);
}

/*
 * Modes: a switch to permissive keeps the cache (Xen does not flush); the
 * switch back to enforcing drops it, so a grant widened while permissive is
 * refused again.
 */
static void test_mode_switches(void)
{
    xsm_ctx *x = make("enforcing");
    struct xsm_instance *mi = xsm_find_active(x, XSM_MODULE_FLASK);

    CHECK_EQ(flask_avc_has_perm(mi, SECINITSID_DOMU, SECINITSID_DOMU, SECCLASS_DOMAIN,
                                DOMAIN__SETDEBUGGING, NULL),
             -EACCES);
    CHECK_EQ(hash_stats(x).entries, 1);
    flask_set_enforcing(mi, false);
    CHECK_EQ(hash_stats(x).entries, 1);
    CHECK_EQ(flask_avc_has_perm(mi, SECINITSID_DOMU, SECINITSID_DOMU, SECCLASS_DOMAIN,
                                DOMAIN__SETDEBUGGING, NULL),
             0);
    flask_set_enforcing(mi, true);
    CHECK_EQ(hash_stats(x).entries, 0);
    CHECK_EQ(flask_avc_has_perm(mi, SECINITSID_DOMU, SECINITSID_DOMU, SECCLASS_DOMAIN,
                                DOMAIN__SETDEBUGGING, NULL),
             -EACCES);
    xsm_destroy(x);
}

/*
 * What a run of checks leaves observable: per subject, whether its second
 * ask hit (which ones a reclaim dropped), then the counters and the table.
 */
struct avc_run {
    unsigned char hit[40];
    xen_flask_cache_stats_t stats;
    xen_flask_hash_stats_t hash;
    uint32_t threshold;
};

static void reclaiming_run(xsm_ctx *x, struct xsm_instance *mi, struct avc_run *out)
{
    xen_flask_cache_stats_t a, b;

    memset(out, 0, sizeof(*out));
    out->threshold = flask_avc_threshold(flask_avc(mi));
    flask_avc_set_threshold(flask_avc(mi), 5);
    for (uint32_t i = 0; i < 40; i++)
        flask_avc_has_perm(mi, 300 + i, SECINITSID_DOMU, SECCLASS_DOMAIN, DOMAIN__PAUSE, NULL);
    for (uint32_t i = 0; i < 40; i++) {
        CHECK_EQ(cache_stats(x, 0, &a), 0);
        flask_avc_has_perm(mi, 300 + i, SECINITSID_DOMU, SECCLASS_DOMAIN, DOMAIN__PAUSE, NULL);
        CHECK_EQ(cache_stats(x, 0, &b), 0);
        out->hit[i] = (unsigned char)(b.hits - a.hits);
    }
    CHECK_EQ(cache_stats(x, 0, &out->stats), 0);
    out->hash = hash_stats(x);
}

/*
 * flask_avc_restart: a used cache (grown table, a reclaim hint moved on,
 * counters, another threshold, permissive) restarted behaves as a new one,
 * decision for decision and reclaim for reclaim.
 */
static void test_restart(void)
{
    xsm_ctx *fresh = make("enforcing"), *used = make("enforcing");
    struct xsm_instance *fm = xsm_find_active(fresh, XSM_MODULE_FLASK),
                        *um = xsm_find_active(used, XSM_MODULE_FLASK);
    struct avc_run a, b;

    this_cpu = 0;
    flask_avc_set_threshold(flask_avc(um), 100000);
    for (uint32_t i = 0; i < 700; i++)
        flask_avc_has_perm(um, 1000 + i, SECINITSID_DOMU, SECCLASS_DOMAIN, DOMAIN__PAUSE, NULL);
    CHECK_EQ(hash_stats(used).buckets_total, 1024);
    flask_avc_set_threshold(flask_avc(um), 3);
    for (uint32_t i = 0; i < 37; i++)
        flask_avc_has_perm(um, 5000 + i, SECINITSID_DOMU, SECCLASS_DOMAIN, DOMAIN__PAUSE, NULL);
    flask_set_enforcing(um, false);

    CHECK_EQ(flask_avc_restart(flask_avc(um), ss_seqno(flask_ss(um)), true), 0);
    CHECK_EQ(hash_stats(used).entries, 0);
    CHECK_EQ(hash_stats(used).buckets_total, 512);
    /* The mode given: a denial is refused again. */
    CHECK_EQ(flask_avc_has_perm(um, SECINITSID_DOMU, SECINITSID_DOMU, SECCLASS_DOMAIN,
                                DOMAIN__SETDEBUGGING, NULL),
             -EACCES);
    CHECK_EQ(flask_avc_has_perm(fm, SECINITSID_DOMU, SECINITSID_DOMU, SECCLASS_DOMAIN,
                                DOMAIN__SETDEBUGGING, NULL),
             -EACCES);
    reclaiming_run(fresh, fm, &a);
    reclaiming_run(used, um, &b);
    CHECK_EQ(b.threshold, a.threshold);
    CHECK_EQ(memcmp(a.hit, b.hit, sizeof(a.hit)), 0);
    CHECK_EQ(b.stats.lookups, a.stats.lookups);
    CHECK_EQ(b.stats.hits, a.stats.hits);
    CHECK_EQ(b.stats.misses, a.stats.misses);
    CHECK_EQ(b.stats.allocations, a.stats.allocations);
    CHECK_EQ(b.stats.reclaims, a.stats.reclaims);
    CHECK_EQ(b.stats.frees, a.stats.frees);
    CHECK_EQ(b.hash.entries, a.hash.entries);
    CHECK_EQ(b.hash.buckets_used, a.hash.buckets_used);
    CHECK_EQ(b.hash.buckets_total, a.hash.buckets_total);

    /* Restarted permissive: the denial is granted. */
    CHECK_EQ(flask_avc_restart(flask_avc(um), ss_seqno(flask_ss(um)), false), 0);
    flask_set_enforcing(um, false);
    CHECK_EQ(flask_avc_has_perm(um, SECINITSID_DOMU, SECINITSID_DOMU, SECCLASS_DOMAIN,
                                DOMAIN__SETDEBUGGING, NULL),
             0);
    xsm_destroy(fresh);
    xsm_destroy(used);
}

/*
 * A generation that was flushed while a check was computing its miss: the
 * decision must not be cached in the retired generation, where the live
 * cache's counters would never see it freed (allocations - frees would no
 * longer be the entries) and nothing would ever hit it.
 */
static void test_store_after_flush(void)
{
    xsm_ctx *x = make_cpus("enforcing", 2); /* the AVC asks the host only with more than one */
    struct xsm_instance *mi = xsm_find_active(x, XSM_MODULE_FLASK);
    xen_flask_cache_stats_t s;
    xen_flask_hash_stats_t h;

    this_cpu = 0;
    flush_on_cpu_query = mi;
    CHECK_EQ(flask_avc_has_perm(mi, SECINITSID_DOM0, SECINITSID_DOMU, SECCLASS_DOMAIN,
                                DOMAIN__PAUSE, NULL),
             0);
    CHECK(flush_on_cpu_query == NULL); /* the flush did happen mid-check */
    CHECK_EQ(cache_stats(x, 0, &s), 0);
    h = hash_stats(x);
    CHECK_EQ(h.entries, 0);
    CHECK_EQ(s.allocations - s.frees, h.entries);
    /* The next check misses and caches in the live generation. */
    CHECK_EQ(flask_avc_has_perm(mi, SECINITSID_DOM0, SECINITSID_DOMU, SECCLASS_DOMAIN,
                                DOMAIN__PAUSE, NULL),
             0);
    CHECK_EQ(cache_stats(x, 0, &s), 0);
    CHECK_EQ(s.misses, 2);
    CHECK_EQ(hash_stats(x).entries, 1);
    CHECK_EQ(s.allocations - s.frees, 1);
    xsm_destroy(x);
}

int main(int argc, char **argv)
{
    xsm_ctx *x;
    struct xsm_instance *mi;

    if (argc < 2) {
        printf("skipped: no test policy (checkpolicy missing at configure time)\n");
        return 77;
    }
    policy = slurp_file(argv[1], &policy_len);
    if (policy == NULL) {
        fprintf(stderr, "cannot read %s\n", argv[1]);
        return 1;
    }

    /* Permissive mode, threshold 0: every insert reclaims. */
    x = make("permissive");
    mi = xsm_find_active(x, XSM_MODULE_FLASK);
    denied_then_granted(mi, 1, 64, SECINITSID_DOMU, 0);
    /* The default threshold, many more distinct subjects than it. */
    denied_then_granted(mi, 1, 6000, SECINITSID_DOMU, 512);
    xsm_destroy(x);

    /* Enforcing, but the subject's type is permissive in the policy. */
    x = make("enforcing");
    mi = xsm_find_active(x, XSM_MODULE_FLASK);
    {
        uint32_t perm = sid_of(mi, "system_u:system_r:perm_t");

        CHECK(perm > SECINITSID_NUM);
        denied_then_granted(mi, perm, 1, SECINITSID_DOMU, 0);
        /* A non-permissive subject is still refused. */
        CHECK_EQ(flask_avc_has_perm(mi, SECINITSID_DOMU, SECINITSID_DOMU, SECCLASS_DOMAIN,
                                    DOMAIN__SETDEBUGGING, NULL),
                 -EACCES);
    }
    xsm_destroy(x);

    test_per_cpu();
    test_permissive_update_counts();
    test_growth();
    test_mode_switches();
    test_widen_after_grow();
    test_restart();
    test_store_after_flush();

    free(policy);
    return check_report("flask-avc");
}
