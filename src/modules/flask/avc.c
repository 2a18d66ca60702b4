/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The access vector cache of one FLASK instance.
 *
 * Same geometry and accounting as Xen's avc.c so that the AVC_HASHSTATS and
 * AVC_CACHESTATS commands report comparable numbers: 512 hash slots, a
 * threshold (default 512) above which 16 nodes are reclaimed starting at a
 * rotating slot, and one set of counters ("cpu 0": an instance is not
 * internally concurrent).  The cache is flushed on every policy load,
 * boolean commit and switch to enforcing, so a cached decision is always
 * the security server's current answer (or a grant widened while
 * permissive, which the switch to enforcing drops).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "flask.h"

#define AVC_CACHE_SLOTS   512
#define AVC_DEF_THRESHOLD 512
#define AVC_RECLAIM       16

struct avc_node {
    uint32_t ssid, tsid;
    uint16_t tclass;
    struct ss_av_decision avd;
    struct avc_node *next;
};

struct flask_avc {
    struct avc_node *slot[AVC_CACHE_SLOTS];
    uint32_t active;
    uint32_t threshold;
    unsigned lru_hint;
    struct flask_avc_stats stats;
};

static unsigned avc_hash(uint32_t ssid, uint32_t tsid, uint16_t tclass)
{
    return (ssid ^ (tsid << 2) ^ ((uint32_t)tclass << 4)) & (AVC_CACHE_SLOTS - 1);
}

int flask_avc_create(struct flask_avc **out)
{
    struct flask_avc *avc = calloc(1, sizeof(*avc));

    if (avc == NULL)
        return -ENOMEM;
    avc->threshold = AVC_DEF_THRESHOLD;
    *out = avc;
    return 0;
}

static void avc_node_free(struct flask_avc *avc, struct avc_node *n)
{
    free(n);
    avc->active--;
    avc->stats.frees++;
}

void flask_avc_flush(struct flask_avc *avc)
{
    if (avc == NULL)
        return;
    for (unsigned i = 0; i < AVC_CACHE_SLOTS; i++) {
        while (avc->slot[i] != NULL) {
            struct avc_node *n = avc->slot[i];

            avc->slot[i] = n->next;
            avc_node_free(avc, n);
        }
    }
}

void flask_avc_destroy(struct flask_avc *avc)
{
    flask_avc_flush(avc);
    free(avc);
}

uint32_t flask_avc_threshold(const struct flask_avc *avc)
{
    return avc->threshold;
}

void flask_avc_set_threshold(struct flask_avc *avc, uint32_t threshold)
{
    avc->threshold = threshold;
}

void flask_avc_hash_stats(const struct flask_avc *avc, uint32_t *entries, uint32_t *buckets_used,
                          uint32_t *buckets_total, uint32_t *max_chain)
{
    uint32_t used = 0, longest = 0;

    for (unsigned i = 0; i < AVC_CACHE_SLOTS; i++) {
        uint32_t len = 0;

        for (const struct avc_node *n = avc->slot[i]; n != NULL; n = n->next)
            len++;
        if (len > 0)
            used++;
        if (len > longest)
            longest = len;
    }
    *entries = avc->active;
    *buckets_used = used;
    *buckets_total = AVC_CACHE_SLOTS;
    *max_chain = longest;
}

void flask_avc_cache_stats(const struct flask_avc *avc, struct flask_avc_stats *out)
{
    *out = avc->stats;
}

/* Free up to AVC_RECLAIM nodes, oldest slots first from the rotating hint. */
static void avc_reclaim(struct flask_avc *avc)
{
    unsigned freed = 0;

    for (unsigned i = 0; i < AVC_CACHE_SLOTS && freed < AVC_RECLAIM; i++) {
        unsigned s = avc->lru_hint++ & (AVC_CACHE_SLOTS - 1);

        while (avc->slot[s] != NULL && freed < AVC_RECLAIM) {
            struct avc_node *n = avc->slot[s];

            avc->slot[s] = n->next;
            avc_node_free(avc, n);
            freed++;
        }
    }
    avc->stats.reclaims += freed;
}

static struct avc_node *avc_lookup(struct flask_avc *avc, uint32_t ssid, uint32_t tsid,
                                   uint16_t tclass)
{
    avc->stats.lookups++;
    for (struct avc_node *n = avc->slot[avc_hash(ssid, tsid, tclass)]; n != NULL; n = n->next) {
        if (n->ssid == ssid && n->tsid == tsid && n->tclass == tclass) {
            avc->stats.hits++;
            return n;
        }
    }
    avc->stats.misses++;
    return NULL;
}

/* Cache a decision.  Out of memory only costs the caching, not the answer. */
static struct avc_node *avc_insert(struct flask_avc *avc, uint32_t ssid, uint32_t tsid,
                                   uint16_t tclass, const struct ss_av_decision *avd)
{
    struct avc_node *n = malloc(sizeof(*n));
    unsigned h;

    if (n == NULL)
        return NULL;
    avc->stats.allocations++;
    /* Reclaim before linking, so the new node can never be the one freed. */
    if (++avc->active > avc->threshold)
        avc_reclaim(avc);
    n->ssid = ssid;
    n->tsid = tsid;
    n->tclass = tclass;
    n->avd = *avd;
    h = avc_hash(ssid, tsid, tclass);
    n->next = avc->slot[h];
    avc->slot[h] = n;
    return n;
}

int flask_avc_has_perm(struct xsm_instance *mi, uint32_t ssid, uint32_t tsid, uint16_t tclass,
                       uint32_t requested, const struct flask_audit *ad)
{
    struct flask_state *st = flask_state(mi);
    struct flask_avc *avc = st->avc;
    struct ss_av_decision avd;
    struct avc_node *n;
    uint32_t denied;
    int rc = 0;

    if (requested == 0)
        return -EINVAL;

    n = avc_lookup(avc, ssid, tsid, tclass);
    if (n != NULL) {
        avd = n->avd;
    } else {
        if (!ss_policy_loaded(st->ss)) {
            /* Xen's security server before its first load: all allowed. */
            avd = (struct ss_av_decision){.allowed = 0xffffffffU, .auditdeny = 0xffffffffU};
        } else {
            rc = ss_compute_av_mapped(st->ss, ssid, tsid, tclass, &avd);
            if (rc != 0)
                return rc;
        }
        n = avc_insert(avc, ssid, tsid, tclass, &avd);
    }

    denied = requested & ~avd.allowed;
    if (denied != 0) {
        /* Permissive: grant, and remember the grant so it is audited once. */
        if (!st->enforcing || (avd.flags & SS_AVD_FLAGS_PERMISSIVE)) {
            if (n != NULL)
                n->avd.allowed |= requested;
        } else {
            rc = -EACCES;
        }
    }
    flask_avc_audit(mi, ssid, tsid, tclass, requested, &avd, rc, ad);
    return rc;
}
