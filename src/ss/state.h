/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The security server's run-time state and how it is shared between
 * threads.
 *
 * Concurrency design
 *
 * Queries (compute_av, the labelling computations, context look-ups,
 * object labels) run in many threads at once and take no lock: each one
 * enters an xrcu read section (util/rcu.h), loads ss->cur once and answers
 * from that struct ss_state alone.  A state never changes after it is
 * published, except through the two parts built to be shared safely:
 *
 *  - the SID table (sidtab.c): SID -> context is lock-free (entries are
 *    published with one release store and never move); allocating a new
 *    SID takes the table's mutex;
 *  - the lazily computed SID of a policy-labelled object (ocontext.c), an
 *    atomic cache that every thread fills with the same value.
 *
 * Everything else is replaced, never edited: a policy load, a boolean
 * commit and an object-label change each build a new state under ss->wlock
 * (one writer at a time) and publish it with a single pointer store, then
 * retire the old one, which is freed once no reader can hold it.  So every
 * answer comes whole from one policy, one set of boolean values and one
 * set of object labels.
 *
 * A boolean commit does not copy the policy: it makes an overlay (a copy of
 * struct ss_policy whose conditional-rule arrays and boolean values are its
 * own and whose every other table is the base policy's).  Policies, SID
 * tables and object-label sets are reference counted by the states that use
 * them.
 *
 * A reload converts every SID into a new table.  To lose no SID allocated
 * while it runs, it holds the old table's mutex from the conversion until
 * the new state is out and then freezes the old table: an allocation that
 * finds its table frozen answers -EAGAIN inside the server, which starts
 * that query again on the new state.
 */
#ifndef OPENXSM_SS_STATE_H
#define OPENXSM_SS_STATE_H

#include <pthread.h>
#include <stdatomic.h>

#include "load_check.h"
#include "ss_internal.h"
#include "util/rcu.h"

/* ---- SID table (sidtab.c) ---- */

struct ss_sident {
    _Atomic(char *) str; /* NULL: free; stored last, with release */
    uint32_t len, hash;
    struct ss_context ctx; /* category nodes are owned (heap) */
};

#define SS_SIDTAB_CHUNKS 27 /* chunk i holds 64 << i SIDs: all of 32 bits */

struct ss_sidtab {
    _Atomic(struct ss_sident *) chunk[SS_SIDTAB_CHUNKS];
    _Atomic unsigned refs;
    pthread_mutex_t lock; /* allocation, the string hash, freezing */
    uint32_t next;        /* next SID to allocate */
    uint32_t *h;          /* string hash slots: SID, 0 = empty */
    uint32_t hmask, count;
    bool frozen; /* replaced by a reload: allocations answer -EAGAIN */
};

struct ss_sidtab *ss_sidtab_new(void);
void ss_sidtab_put(struct ss_sidtab *t);
/* The entry of sid, or NULL: lock-free. */
const struct ss_sident *ss_sidtab_get(const struct ss_sidtab *t, ss_sid sid);
/*
 * Put ctx (deep-copied) with its canonical string at sid; str is taken on
 * success.  For building a table nobody reads yet; t->lock held or unshared.
 */
int ss_sidtab_set(struct ss_sidtab *t, ss_sid sid, const struct ss_context *ctx, char *str,
                  uint32_t len);
/*
 * The SID of a context given by its canonical string, allocating one if
 * needed (str taken on success).  -EAGAIN when a reload replaced the table.
 */
int ss_sidtab_intern(struct ss_sidtab *t, const struct ss_context *ctx, char *str, uint32_t len,
                     ss_sid *out);

/* ---- object labels (ocontext.c) ---- */

/* The Xen object-label lists of one state: 1 pirq .. 4 pcidevice, 5 devicetree. */
struct ss_xo {
    _Atomic unsigned refs;
    struct ss_xolist l[6];
};
struct ss_xo *ss_xo_new(void);
/* A copy of x (NULL: empty), sharing nothing. */
struct ss_xo *ss_xo_copy(const struct ss_xo *x);
void ss_xo_put(struct ss_xo *x);

/* ---- the state ---- */

struct ss_state {
    struct ss_policy *pol;  /* NULL before the first load */
    struct ss_sidtab *sids; /* NULL before the first load */
    struct ss_xo *xo;       /* never NULL */
    enum ss_semantics sem;  /* resolved */
    uint32_t seqno;
    struct xrcu_head rcu;
};

struct ss_ctx {
    struct ss_config cfg;
    struct xrcu rcu;
    _Atomic(struct ss_state *) cur;
    _Atomic bool enforcing; /* the host's mode, see ss_set_enforcing() */
    pthread_mutex_t wlock;  /* one writer at a time: load, booleans, labels */
    uint8_t *pending;       /* pending boolean values (wlock) */
    pthread_mutex_t err_lock;
    char err[256];
    ss_load_check_fn load_check; /* load_check.h; NULL: none */
    void *load_check_opaque;
};

/* Enter a read section and load the current state; NULL only when out of memory. */
static inline const struct ss_state *ss_enter(ss_ctx *ss, struct xrcu_reader **r)
{
    *r = xrcu_read_lock(&ss->rcu);
    return *r != NULL ? atomic_load_explicit(&ss->cur, memory_order_acquire) : NULL;
}

static inline void ss_leave(struct xrcu_reader *r)
{
    xrcu_read_unlock(r);
}

/*
 * Run fn on the current state inside a read section; when fn answers
 * -EAGAIN (a reload replaced the state while fn allocated a SID), run it
 * again on the new state.  -ENOMEM when no read section can be entered.
 */
int ss_query(ss_ctx *ss, int (*fn)(ss_ctx *ss, const struct ss_state *st, void *arg), void *arg);

/* A state like st (references taken on its parts), to change and publish; wlock held. */
struct ss_state *ss_state_clone(const struct ss_state *st);
/* Publish st in place of the current state and retire the old one; wlock held. */
void ss_state_publish(ss_ctx *ss, struct ss_state *st);
/* Drop a state that was never published. */
void ss_state_discard(struct ss_state *st);

void ss_policy_get(struct ss_policy *p);
void ss_policy_put(struct ss_policy *p);

/* Record an error of the current call, log it and return rc. */
int ss_set_err(ss_ctx *ss, int rc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* A log line that is not an error of the current call. */
void ss_note(const ss_ctx *ss, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- contexts (context.c) ---- */

void ss_ebm_heap_free(struct ss_ebm *e);
int ss_ebm_and(struct ss_ebm *dst, const struct ss_ebm *a, const struct ss_ebm *b);
void ss_ctx_free(struct ss_context *c);
int ss_ctx_dup(struct ss_context *dst, const struct ss_context *src);
/* Canonical string of c (malloc'd, length in *len) or NULL. */
char *ss_ctx_to_str(const struct ss_policy *p, const struct ss_context *c, uint32_t *len);
/* Parse a context string; the result owns its category nodes. */
int ss_parse_context(const struct ss_policy *p, const char *s, size_t n, struct ss_context *c);
/* The context of sid, or of the unlabeled SID for an unknown one, or NULL. */
const struct ss_context *ss_sid_ctx(const struct ss_state *st, ss_sid sid);
/* context -> SID under st, allocating a SID if needed; -EAGAIN: st was replaced. */
int ss_ctx_to_sid(const struct ss_state *st, const struct ss_context *ctx, ss_sid *out);

#endif
