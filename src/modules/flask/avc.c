/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The access vector cache of one FLASK instance.
 *
 * What a caller can see is Xen's: a threshold (default 512) above which an
 * insert first reclaims 16 nodes from a rotating bucket hint; per-CPU
 * counters of lookups, hits, misses, allocations, reclaims and frees; a
 * permissive grant widens the cached node by replacing it (one allocation
 * and one free, as Xen's avc_update_node); a flush on every policy load,
 * boolean commit and switch to enforcing.
 *
 * Concurrency (the design decision of this file)
 *
 *  - Readers take no lock.  A decision runs inside an xrcu read section
 *    (util/rcu.h): it loads the current generation, walks one chain of
 *    immutable nodes and copies the decision out.  Nodes and generations
 *    are freed only after every section that could see them has ended.
 *  - A generation (struct avc_gen) is the bucket array together with the
 *    two facts every cached entry depends on: the policy sequence number
 *    its decisions must carry and the enforcing mode they are used under.
 *    A flush, a switch to enforcing and a resize publish a new generation
 *    with one pointer store; a reader uses the one it loaded from start to
 *    end.  A switch to permissive only clears the generation's flag (the
 *    cached decisions stay right, as Xen keeps them); a flag once cleared
 *    is never set again, and a reader reads it after the decision it uses,
 *    so a grant widened while permissive is never used in enforcing mode.
 *  - A miss computes the decision from the security server (which has its
 *    own read sections) and inserts it only if its sequence number is the
 *    generation's: a decision from an older policy can never enter a newer
 *    cache (Xen's latest_notif), one from a newer policy waits for the
 *    generation that the loader is about to publish.
 *  - A flush allocates its new generation before the change it follows
 *    (flask_avc_flush_prepare): once a policy is loaded or booleans are
 *    committed, publishing the empty generation cannot fail, so the old
 *    policy's decisions can never stay cached for want of memory.
 *  - Writers to chains (insert, widen, reclaim) hold the mutex of the
 *    bucket's stripe; generation changes hold gen_lock.  A writer that
 *    finds its generation replaced gives up: the work was only caching.
 *  - The table grows (doubling, copied into a new generation) when it
 *    holds more entries than buckets, so a threshold raised to 100,000
 *    keeps chains short where Xen's fixed 512 buckets would give chains of
 *    200; AVC_HASHSTATS reports the current geometry.
 *  - Counters are per CPU as in Xen; the host names the calling CPU
 *    (xsm_host_ops.current_cpu) and how many there are (xsm_config.nr_cpus).
 *    Each counter is bumped with a relaxed load and store, not an atomic
 *    add: exact when a CPU index is used by one thread at a time, as Xen's
 *    per-CPU data is, and never undefined when it is not.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "flask.h"
#include "util/rcu.h"

#define AVC_MIN_BUCKETS   512
#define AVC_DEF_THRESHOLD 512
#define AVC_RECLAIM       16
#define AVC_STRIPES       64

struct avc_node {
    uint32_t ssid, tsid;
    uint16_t tclass;
    struct ss_av_decision avd; /* immutable once linked */
    _Atomic(struct avc_node *) next;
    struct xrcu_head rcu;
};

struct avc_gen {
    uint32_t mask; /* buckets - 1 */
    uint32_t seqno;
    _Atomic bool enforcing; /* only ever goes from true to false */
    _Atomic uint32_t active;
    struct xrcu_head rcu;
    _Atomic(struct avc_node *) bucket[];
};

struct avc_cpu_stats {
    _Atomic uint32_t v[6]; /* lookups, hits, misses, allocations, reclaims, frees */
} __attribute__((aligned(64)));
enum { ST_LOOKUPS, ST_HITS, ST_MISSES, ST_ALLOCS, ST_RECLAIMS, ST_FREES };

struct flask_avc {
    struct xrcu rcu;
    _Atomic(struct avc_gen *) gen;
    _Atomic bool enforcing; /* the mode new generations start in (gen_lock) */
    _Atomic uint32_t threshold;
    _Atomic uint32_t lru_hint;
    pthread_mutex_t gen_lock;
    pthread_mutex_t stripe[AVC_STRIPES];
    unsigned nr_cpus;
    unsigned (*current_cpu)(void *host);
    void *host;
    struct avc_cpu_stats *stats; /* [nr_cpus] */
};

static uint32_t avc_hash(uint32_t ssid, uint32_t tsid, uint16_t tclass)
{
    uint64_t k = ((uint64_t)ssid << 32 | tsid) * 0x9e3779b97f4a7c15ULL;

    return (uint32_t)(k >> 32) ^ (uint32_t)tclass * 0x85ebca77U;
}

static struct avc_cpu_stats *avc_cpu(const struct flask_avc *avc)
{
    unsigned cpu = 0;

    if (avc->nr_cpus > 1 && avc->current_cpu != NULL)
        cpu = avc->current_cpu(avc->host) % avc->nr_cpus;
    return &avc->stats[cpu];
}

static void stat_add(struct avc_cpu_stats *s, unsigned which, uint32_t n)
{
    atomic_store_explicit(&s->v[which],
                          atomic_load_explicit(&s->v[which], memory_order_relaxed) + n,
                          memory_order_relaxed);
}

static struct avc_gen *gen_new(uint32_t buckets, uint32_t seqno, bool enforcing)
{
    struct avc_gen *g = calloc(1, sizeof(*g) + (size_t)buckets * sizeof(g->bucket[0]));

    if (g == NULL)
        return NULL;
    g->mask = buckets - 1;
    g->seqno = seqno;
    atomic_init(&g->enforcing, enforcing);
    return g;
}

static void node_free(struct xrcu_head *h)
{
    free((struct avc_node *)((char *)h - offsetof(struct avc_node, rcu)));
}

/* After its grace period: the generation and every node still linked in it. */
static void gen_free(struct xrcu_head *h)
{
    struct avc_gen *g = (struct avc_gen *)((char *)h - offsetof(struct avc_gen, rcu));

    for (uint32_t i = 0; i <= g->mask; i++) {
        struct avc_node *n = atomic_load_explicit(&g->bucket[i], memory_order_relaxed);

        while (n != NULL) {
            struct avc_node *next = atomic_load_explicit(&n->next, memory_order_relaxed);

            free(n);
            n = next;
        }
    }
    free(g);
}

int flask_avc_create(struct flask_avc **out, const struct flask_avc_config *cfg)
{
    struct flask_avc *avc = calloc(1, sizeof(*avc));
    unsigned nr_cpus = cfg->nr_cpus > 0 ? cfg->nr_cpus : 1;
    struct avc_gen *g;

    if (avc == NULL)
        return -ENOMEM;
    avc->stats = aligned_alloc(64, nr_cpus * sizeof(*avc->stats));
    g = gen_new(AVC_MIN_BUCKETS, 0, cfg->enforcing);
    if (avc->stats == NULL || g == NULL || xrcu_init(&avc->rcu) != 0) {
        free(avc->stats);
        free(g);
        free(avc);
        return -ENOMEM;
    }
    memset(avc->stats, 0, nr_cpus * sizeof(*avc->stats));
    pthread_mutex_init(&avc->gen_lock, NULL);
    for (unsigned i = 0; i < AVC_STRIPES; i++)
        pthread_mutex_init(&avc->stripe[i], NULL);
    avc->nr_cpus = nr_cpus;
    avc->current_cpu = cfg->current_cpu;
    avc->host = cfg->host;
    atomic_init(&avc->threshold, AVC_DEF_THRESHOLD);
    atomic_init(&avc->enforcing, cfg->enforcing);
    atomic_init(&avc->gen, g);
    *out = avc;
    return 0;
}

void flask_avc_destroy(struct flask_avc *avc)
{
    if (avc == NULL)
        return;
    xrcu_fini(&avc->rcu);
    gen_free(&atomic_load(&avc->gen)->rcu);
    pthread_mutex_destroy(&avc->gen_lock);
    for (unsigned i = 0; i < AVC_STRIPES; i++)
        pthread_mutex_destroy(&avc->stripe[i]);
    free(avc->stats);
    free(avc);
}

/* Publish g in place of the current generation (gen_lock held) and retire the old one. */
static void gen_replace(struct flask_avc *avc, struct avc_gen *g)
{
    struct avc_gen *old = atomic_exchange_explicit(&avc->gen, g, memory_order_acq_rel);

    xrcu_retire(&avc->rcu, &old->rcu, gen_free);
}

/* Publish the empty generation g for seqno in place of the current one (gen_lock held). */
static void avc_flush(struct flask_avc *avc, struct avc_gen *g, uint32_t seqno)
{
    struct avc_gen *old = atomic_load_explicit(&avc->gen, memory_order_relaxed);

    g->seqno = seqno;
    atomic_store_explicit(&g->enforcing, atomic_load(&avc->enforcing), memory_order_relaxed);
    /* Xen frees every node of a flushed cache. */
    stat_add(avc_cpu(avc), ST_FREES, atomic_load(&old->active));
    gen_replace(avc, g);
}

int flask_avc_flush_prepare(struct flask_avc *avc, struct flask_avc_flush **out)
{
    struct avc_gen *g = gen_new(AVC_MIN_BUCKETS, 0, false);

    (void)avc;
    if (g == NULL)
        return -ENOMEM;
    *out = (struct flask_avc_flush *)g;
    return 0;
}

void flask_avc_flush_commit(struct flask_avc *avc, struct flask_avc_flush *f, uint32_t seqno)
{
    pthread_mutex_lock(&avc->gen_lock);
    avc_flush(avc, (struct avc_gen *)f, seqno);
    pthread_mutex_unlock(&avc->gen_lock);
}

void flask_avc_flush_cancel(struct flask_avc_flush *f)
{
    free(f);
}

int flask_avc_reset(struct flask_avc *avc, uint32_t seqno)
{
    struct flask_avc_flush *f;
    int rc = flask_avc_flush_prepare(avc, &f);

    if (rc == 0)
        flask_avc_flush_commit(avc, f, seqno);
    return rc;
}

/*
 * Back to what flask_avc_create left, for a host that reuses an instance
 * from a known state (the fuzz targets between inputs): besides the flush,
 * the reclaim hint restarts at bucket 0 (it decides which decisions a
 * reclaim drops), the threshold and the counters are the initial ones.
 * Xen has no such operation; the caller makes sure no check runs meanwhile.
 */
int flask_avc_restart(struct flask_avc *avc, uint32_t seqno, bool enforcing)
{
    struct avc_gen *g = gen_new(AVC_MIN_BUCKETS, 0, enforcing);

    if (g == NULL)
        return -ENOMEM;
    pthread_mutex_lock(&avc->gen_lock);
    atomic_store(&avc->enforcing, enforcing);
    avc_flush(avc, g, seqno);
    atomic_store(&avc->threshold, AVC_DEF_THRESHOLD);
    atomic_store(&avc->lru_hint, 0);
    memset(avc->stats, 0, avc->nr_cpus * sizeof(*avc->stats));
    pthread_mutex_unlock(&avc->gen_lock);
    xrcu_reap(&avc->rcu); /* no reader: the old decisions are freed now */
    return 0;
}

bool flask_avc_enforcing(struct flask_avc *avc)
{
    return atomic_load_explicit(&avc->enforcing, memory_order_acquire);
}

int flask_avc_set_enforcing(struct flask_avc *avc, bool enforcing)
{
    struct avc_gen *g, *ng = NULL;

    /* The flush of a switch to enforcing is allocated first: it cannot fail half-way. */
    if (enforcing) {
        ng = gen_new(AVC_MIN_BUCKETS, 0, true);
        if (ng == NULL)
            return -ENOMEM;
    }
    pthread_mutex_lock(&avc->gen_lock);
    g = atomic_load_explicit(&avc->gen, memory_order_relaxed);
    if (enforcing && !atomic_load(&avc->enforcing)) {
        atomic_store(&avc->enforcing, true);
        avc_flush(avc, ng, g->seqno);
        ng = NULL;
    } else if (!enforcing) {
        atomic_store(&avc->enforcing, false);
        atomic_store_explicit(&g->enforcing, false, memory_order_release);
    }
    pthread_mutex_unlock(&avc->gen_lock);
    free(ng); /* already enforcing */
    return 0;
}

uint32_t flask_avc_threshold(const struct flask_avc *avc)
{
    return atomic_load_explicit(&avc->threshold, memory_order_relaxed);
}

void flask_avc_set_threshold(struct flask_avc *avc, uint32_t threshold)
{
    atomic_store_explicit(&avc->threshold, threshold, memory_order_relaxed);
}

int flask_avc_hash_stats(struct flask_avc *avc, uint32_t *entries, uint32_t *buckets_used,
                         uint32_t *buckets_total, uint32_t *max_chain)
{
    struct xrcu_reader *r = xrcu_read_lock(&avc->rcu);
    struct avc_gen *g;
    uint32_t used = 0, longest = 0;

    /* No read section (out of memory): the chains cannot be walked safely. */
    if (r == NULL)
        return -ENOMEM;
    g = atomic_load_explicit(&avc->gen, memory_order_acquire);
    for (uint32_t i = 0; i <= g->mask; i++) {
        uint32_t len = 0;

        for (struct avc_node *n = atomic_load_explicit(&g->bucket[i], memory_order_acquire);
             n != NULL; n = atomic_load_explicit(&n->next, memory_order_acquire))
            len++;
        if (len > 0)
            used++;
        if (len > longest)
            longest = len;
    }
    *entries = atomic_load(&g->active);
    *buckets_used = used;
    *buckets_total = g->mask + 1;
    *max_chain = longest;
    xrcu_read_unlock(r);
    return 0;
}

unsigned flask_avc_nr_cpus(const struct flask_avc *avc)
{
    return avc->nr_cpus;
}

int flask_avc_cache_stats(const struct flask_avc *avc, unsigned cpu, struct flask_avc_stats *out)
{
    const struct avc_cpu_stats *s;

    if (cpu >= avc->nr_cpus)
        return -ENOENT;
    s = &avc->stats[cpu];
    out->lookups = atomic_load_explicit(&s->v[ST_LOOKUPS], memory_order_relaxed);
    out->hits = atomic_load_explicit(&s->v[ST_HITS], memory_order_relaxed);
    out->misses = atomic_load_explicit(&s->v[ST_MISSES], memory_order_relaxed);
    out->allocations = atomic_load_explicit(&s->v[ST_ALLOCS], memory_order_relaxed);
    out->reclaims = atomic_load_explicit(&s->v[ST_RECLAIMS], memory_order_relaxed);
    out->frees = atomic_load_explicit(&s->v[ST_FREES], memory_order_relaxed);
    return 0;
}

static pthread_mutex_t *stripe_of(struct flask_avc *avc, uint32_t bucket)
{
    return &avc->stripe[bucket % AVC_STRIPES];
}

/* Unlink up to AVC_RECLAIM nodes, buckets taken in turn from the rotating hint. */
static void avc_reclaim(struct flask_avc *avc, struct avc_gen *g, struct avc_cpu_stats *cs)
{
    unsigned freed = 0;

    for (uint32_t tried = 0; tried <= g->mask && freed < AVC_RECLAIM; tried++) {
        uint32_t b = atomic_fetch_add_explicit(&avc->lru_hint, 1, memory_order_relaxed) & g->mask;
        pthread_mutex_t *lock = stripe_of(avc, b);
        struct avc_node *n;

        pthread_mutex_lock(lock);
        while (freed < AVC_RECLAIM &&
               (n = atomic_load_explicit(&g->bucket[b], memory_order_relaxed)) != NULL) {
            atomic_store_explicit(&g->bucket[b], atomic_load(&n->next), memory_order_release);
            atomic_fetch_sub(&g->active, 1);
            xrcu_retire(&avc->rcu, &n->rcu, node_free);
            freed++;
        }
        pthread_mutex_unlock(lock);
    }
    stat_add(cs, ST_RECLAIMS, freed);
    stat_add(cs, ST_FREES, freed);
}

/*
 * Grow: copy every node into a generation with twice the buckets.  Runs
 * without the stripe locks; an insert or reclaim racing with the copy is
 * only cache content won or lost, never a wrong decision.
 */
static void avc_grow(struct flask_avc *avc, struct avc_gen *g)
{
    struct avc_gen *ng;
    uint32_t copied = 0;

    if (pthread_mutex_trylock(&avc->gen_lock) != 0)
        return; /* someone else is changing the generation */
    if (atomic_load_explicit(&avc->gen, memory_order_relaxed) != g || g->mask >= (1U << 24) ||
        (ng = gen_new((g->mask + 1) * 2, g->seqno, atomic_load(&g->enforcing))) == NULL) {
        pthread_mutex_unlock(&avc->gen_lock);
        return;
    }
    for (uint32_t i = 0; i <= g->mask; i++) {
        for (struct avc_node *n = atomic_load_explicit(&g->bucket[i], memory_order_acquire);
             n != NULL; n = atomic_load_explicit(&n->next, memory_order_acquire)) {
            struct avc_node *c = malloc(sizeof(*c));
            uint32_t b;

            if (c == NULL)
                break;
            *c = (struct avc_node){
                .ssid = n->ssid, .tsid = n->tsid, .tclass = n->tclass, .avd = n->avd};
            b = avc_hash(c->ssid, c->tsid, c->tclass) & ng->mask;
            atomic_init(&c->next, atomic_load_explicit(&ng->bucket[b], memory_order_relaxed));
            atomic_init(&ng->bucket[b], c);
            copied++;
        }
    }
    atomic_init(&ng->active, copied);
    gen_replace(avc, ng);
    pthread_mutex_unlock(&avc->gen_lock);
}

/* Xen's avc_alloc_node: count it, and reclaim first when over the threshold. */
static struct avc_node *avc_alloc(struct flask_avc *avc, struct avc_gen *g,
                                  struct avc_cpu_stats *cs)
{
    struct avc_node *n = malloc(sizeof(*n));

    if (n == NULL)
        return NULL;
    stat_add(cs, ST_ALLOCS, 1);
    if (atomic_fetch_add(&g->active, 1) + 1 > atomic_load(&avc->threshold))
        avc_reclaim(avc, g, cs);
    return n;
}

/* A node that never made it into a chain. */
static void avc_kill(struct avc_gen *g, struct avc_node *n, struct avc_cpu_stats *cs)
{
    free(n);
    atomic_fetch_sub(&g->active, 1);
    stat_add(cs, ST_FREES, 1);
}

static struct avc_node *chain_find(struct avc_gen *g, uint32_t b, uint32_t ssid, uint32_t tsid,
                                   uint16_t tclass, _Atomic(struct avc_node *) **link)
{
    _Atomic(struct avc_node *) *l = &g->bucket[b];
    struct avc_node *n;

    while ((n = atomic_load_explicit(l, memory_order_acquire)) != NULL) {
        if (n->ssid == ssid && n->tsid == tsid && n->tclass == tclass) {
            if (link != NULL)
                *link = l;
            return n;
        }
        l = &n->next;
    }
    return NULL;
}

/*
 * Cache a decision (Xen's avc_insert), or widen a cached one by 'widen'
 * (Xen's avc_update_node: only a node of the same policy sequence number).
 * Out of memory costs only the caching.
 */
static void avc_store(struct flask_avc *avc, struct avc_gen *g, struct avc_cpu_stats *cs,
                      uint32_t ssid, uint32_t tsid, uint16_t tclass,
                      const struct ss_av_decision *avd, uint32_t widen)
{
    uint32_t h = avc_hash(ssid, tsid, tclass), b = h & g->mask;
    pthread_mutex_t *lock = stripe_of(avc, b);
    _Atomic(struct avc_node *) *link = NULL;
    struct avc_node *n, *old;

    /*
     * Given up if g is no longer the current generation: this very call's
     * insert may have grown the table, and a widen or a reclaim in the
     * retired copy would count frees for nodes the live one still holds.
     */
    if (atomic_load_explicit(&avc->gen, memory_order_acquire) != g)
        return;
    n = avc_alloc(avc, g, cs);
    if (n == NULL)
        return;
    *n = (struct avc_node){.ssid = ssid, .tsid = tsid, .tclass = tclass, .avd = *avd};
    pthread_mutex_lock(lock);
    old = chain_find(g, b, ssid, tsid, tclass, &link);
    if (widen != 0) {
        if (old == NULL || old->avd.seqno != avd->seqno) {
            pthread_mutex_unlock(lock);
            avc_kill(g, n, cs);
            return;
        }
        n->avd = old->avd;
        n->avd.allowed |= widen;
    }
    if (old != NULL) {
        atomic_init(&n->next, atomic_load(&old->next));
        atomic_store_explicit(link, n, memory_order_release);
        atomic_fetch_sub(&g->active, 1);
        xrcu_retire(&avc->rcu, &old->rcu, node_free);
        stat_add(cs, ST_FREES, 1);
    } else {
        atomic_init(&n->next, atomic_load_explicit(&g->bucket[b], memory_order_relaxed));
        atomic_store_explicit(&g->bucket[b], n, memory_order_release);
    }
    pthread_mutex_unlock(lock);
    if (widen == 0 && atomic_load(&g->active) > g->mask + 1)
        avc_grow(avc, g);
}

/* Xen's security server before its first load allows everything. */
static int avc_compute(ss_ctx *ss, uint32_t ssid, uint32_t tsid, uint16_t tclass,
                       struct ss_av_decision *avd)
{
    int rc = ss_compute_av_mapped(ss, ssid, tsid, tclass, avd);

    if (rc == -ENODATA) {
        *avd = (struct ss_av_decision){.allowed = 0xffffffffU, .auditdeny = 0xffffffffU};
        rc = 0;
    }
    return rc;
}

int flask_avc_has_perm(struct xsm_instance *mi, uint32_t ssid, uint32_t tsid, uint16_t tclass,
                       uint32_t requested, const struct flask_audit *ad)
{
    return flask_avc_check(mi, ssid, tsid, tclass, requested, ad, NULL);
}

int flask_avc_check(struct xsm_instance *mi, uint32_t ssid, uint32_t tsid, uint16_t tclass,
                    uint32_t requested, const struct flask_audit *ad, struct ss_av_decision *out)
{
    struct flask_state *st = flask_state(mi);
    struct flask_avc *avc = st->avc;
    struct avc_cpu_stats *cs;
    struct ss_av_decision avd;
    struct xrcu_reader *r;
    struct avc_gen *g;
    struct avc_node *n;
    uint32_t denied;
    int rc = 0;

    if (requested == 0)
        return -EINVAL;
    r = xrcu_read_lock(&avc->rcu);
    if (r == NULL)
        return -ENOMEM;
    g = atomic_load_explicit(&avc->gen, memory_order_acquire);
    cs = avc_cpu(avc);
    stat_add(cs, ST_LOOKUPS, 1);
    n = chain_find(g, avc_hash(ssid, tsid, tclass) & g->mask, ssid, tsid, tclass, NULL);
    if (n != NULL) {
        stat_add(cs, ST_HITS, 1);
        avd = n->avd;
    } else {
        stat_add(cs, ST_MISSES, 1);
        rc = avc_compute(st->ss, ssid, tsid, tclass, &avd);
        if (rc != 0) {
            xrcu_read_unlock(r);
            return rc;
        }
        if (avd.seqno == g->seqno)
            avc_store(avc, g, cs, ssid, tsid, tclass, &avd, 0);
    }

    denied = requested & ~avd.allowed;
    if (denied != 0) {
        bool permissive = avd.flags & SS_AVD_FLAGS_PERMISSIVE;

        /* Permissive: grant, and widen the cached node so the grant is audited once. */
        if (!atomic_load_explicit(&g->enforcing, memory_order_acquire) || permissive) {
            /*
             * Widen where the node lives now: the insert above may have grown
             * the table into a new generation.  Only one of the same policy
             * in which the grant still holds.
             */
            struct avc_gen *cur = atomic_load_explicit(&avc->gen, memory_order_acquire);

            if (cur->seqno == avd.seqno &&
                (permissive || !atomic_load_explicit(&cur->enforcing, memory_order_acquire)))
                avc_store(avc, cur, cs, ssid, tsid, tclass, &avd, requested);
        } else {
            rc = -EACCES;
        }
    }
    xrcu_read_unlock(r);
    /* Most checks audit nothing: decide that here, without the call. */
    bool denied_line;
    if (flask_audited(requested, &avd, rc, &denied_line) != 0)
        flask_avc_audit(mi, ssid, tsid, tclass, requested, &avd, rc, ad);
    if (out != NULL)
        *out = avd;
    return rc;
}
