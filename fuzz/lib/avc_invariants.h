/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * AVC invariants the fuzz harnesses check after every operation (abort on
 * failure, so libFuzzer records the input):
 *  - the counters agree: hits + misses = lookups over all CPUs, and
 *    allocations - frees = the entries AVC_HASHSTATS reports;
 *  - the table starts at Xen's 512 buckets and only grows, doubling;
 *  - an insert never takes the cache above threshold + 1 unless it already
 *    was.
 * Entries are counted from the counters, O(1): a walk of the table after
 * every insert would cost more than the check it guards.
 */
#ifndef OPENXSM_FUZZ_AVC_INVARIANTS_H
#define OPENXSM_FUZZ_AVC_INVARIANTS_H

#include <stdlib.h>
#include <string.h>

#include "modules/flask/flask.h"

static void avc_stats(struct flask_avc *avc, struct flask_avc_stats *sum)
{
    struct flask_avc_stats s;

    memset(sum, 0, sizeof(*sum));
    for (unsigned cpu = 0; flask_avc_cache_stats(avc, cpu, &s) == 0; cpu++) {
        sum->lookups += s.lookups;
        sum->hits += s.hits;
        sum->misses += s.misses;
        sum->allocations += s.allocations;
        sum->frees += s.frees;
    }
}

static uint32_t avc_count(struct flask_avc *avc)
{
    struct flask_avc_stats s;

    avc_stats(avc, &s);
    return s.allocations - s.frees;
}

static void avc_check_counters(struct flask_avc *avc)
{
    uint32_t entries, used, total, longest;
    struct flask_avc_stats s;

    flask_avc_hash_stats(avc, &entries, &used, &total, &longest);
    avc_stats(avc, &s);
    if (used > entries || longest > entries || total < 512 || (total & (total - 1)) != 0)
        abort();
    if (s.hits + s.misses != s.lookups || s.allocations - s.frees != entries)
        abort();
}

static void avc_check_growth(struct flask_avc *avc, uint32_t before)
{
    uint32_t after = avc_count(avc);

    if (after > before && after > (uint64_t)flask_avc_threshold(avc) + 1)
        abort();
}

#endif
