/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What a fuzz input can leave behind in a security server that a harness
 * reusing the instance cannot undo cheaply: a new state (a load, a boolean
 * commit, an ocontext or device-tree label change publish one, with a new
 * sequence number or exception list) or SIDs allocated in the SID table
 * (which is shared between states).  A harness takes a mark of the
 * pristine instance and, after an input, rebuilds the instance when the
 * mark differs.  Reads the security server's internals (ss/state.h): the
 * harnesses are single-threaded.
 */
#ifndef OPENXSM_FUZZ_SS_MARK_H
#define OPENXSM_FUZZ_SS_MARK_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "ss/state.h"

struct ss_mark {
    const void *state, *xo;
    uint32_t seqno, sid_next;
};

static void ss_mark_take(ss_ctx *ss, struct ss_mark *m)
{
    const struct ss_state *st = atomic_load(&ss->cur);

    memset(m, 0, sizeof(*m));
    m->state = st;
    if (st == NULL)
        return;
    m->xo = st->xo;
    m->seqno = st->seqno;
    if (st->sids != NULL)
        m->sid_next = st->sids->next;
}

static bool ss_mark_same(ss_ctx *ss, const struct ss_mark *m)
{
    struct ss_mark now;

    ss_mark_take(ss, &now);
    return now.state == m->state && now.xo == m->xo && now.seqno == m->seqno &&
           now.sid_next == m->sid_next;
}

#endif
