/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What a caller of the security server can observe, written out as text
 * for the allocation-failure tests (allocfail.h): the published state
 * (policy, sequence number, every SID's context, the object labels), the
 * booleans with their pending values, and a digest of the access decisions
 * between the first SIDs.  Reads the state the way the server's own
 * queries do (state.h), so it needs src/ on the include path.
 */
#ifndef OPENXSM_TESTS_SS_OBSERVE_H
#define OPENXSM_TESTS_SS_OBSERVE_H

#include <stdio.h>
#include <stdlib.h>

#include "ss/state.h"

#include "allocfail.h"

/* FNV-1a, so a row of decisions fits on one line. */
static inline uint64_t ss_observe_fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;

    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 0x100000001b3ULL;
    return h;
}

/* labels: include the object labels; decisions between SIDs below max_sid. */
static inline void ss_observe(ss_ctx *ss, bool labels, uint32_t max_sid, struct af_text *t)
{
    struct xrcu_reader *r;
    const struct ss_state *st = ss_enter(ss, &r);
    uint32_t next = 0;

    if (st == NULL) {
        fprintf(stderr, "ss_observe: no read section\n");
        exit(1);
    }
    af_printf(t, "loaded %d seqno %u sem %d\n", st->pol != NULL, st->seqno, (int)st->sem);
    if (st->sids != NULL) {
        next = st->sids->next;
        af_printf(t, "sids next %u count %u frozen %d\n", next, st->sids->count, st->sids->frozen);
        for (ss_sid sid = 1; sid < next; sid++) {
            const struct ss_sident *e = ss_sidtab_get(st->sids, sid);

            af_printf(t, "  sid %u %s\n", sid, e != NULL ? e->str : "-");
        }
    }
    for (unsigned l = 1; labels && l < 6; l++) {
        const struct ss_xolist *x = &st->xo->l[l];

        for (uint32_t i = 0; i < x->n; i++)
            af_printf(t, "  xo %u: %#llx-%#llx sid %u %s %s\n", l, (unsigned long long)x->e[i].low,
                      (unsigned long long)x->e[i].high, atomic_load(&x->e[i].sid),
                      x->e[i].ctx != NULL ? "policy" : "runtime",
                      x->e[i].path != NULL ? x->e[i].path : "");
    }
    ss_leave(r);

    /* The rest through the public API. */
    af_printf(t, "policy_loaded %d seqno %u mls %d unknown %d\n", ss_policy_loaded(ss),
              ss_seqno(ss), ss_mls_enabled(ss), (int)ss_handle_unknown(ss));
    for (unsigned i = 0; i < ss_bool_count(ss); i++) {
        int active = -1, pending = -1;
        int rc = ss_bool_get(ss, i, &active, &pending);

        af_printf(t, "  bool %s rc %d active %d pending %d\n", ss_bool_name(ss, i), rc, active,
                  pending);
    }
    if (ss_policy_loaded(ss)) {
        struct ss_policy_info info;
        uint32_t n = next < max_sid ? next : max_sid;

        if (ss_get_info(ss, &info) != 0) {
            fprintf(stderr, "ss_observe: ss_get_info failed\n");
            exit(1);
        }
        for (ss_sid s = 1; s < n; s++) {
            uint64_t h = 0xcbf29ce484222325ULL;

            for (ss_sid o = 1; o < n; o++)
                for (uint32_t c = 1; c <= info.nclasses && c <= UINT16_MAX; c++) {
                    struct ss_av_decision avd = {0};
                    int rc = ss_compute_av(ss, s, o, (uint16_t)c, &avd);

                    h = ss_observe_fnv(h, &rc, sizeof(rc));
                    h = ss_observe_fnv(h, &avd, sizeof(avd));
                }
            af_printf(t, "  av %u: %016llx\n", s, (unsigned long long)h);
        }
    }
}

#endif
