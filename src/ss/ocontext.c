/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Xen object labels: pirq, ioport, iomem and PCI device contexts, and
 * device-tree paths.
 *
 * Design: the lists follow Xen's security_ocontext_add/del to the letter,
 * because callers see the result (0, -EEXIST, -ENOENT):
 *  - values are stored in the widths of Xen's struct ocontext (pirq 16
 *    bits, ioport and device 32, iomem 64), but range placement, the
 *    overlap test and every delete compare the full 64-bit argument, so a
 *    wider ioport is stored truncated and a wider delete never matches;
 *  - "same label" compares the SID an entry holds so far; an entry read
 *    from the policy has none until it is first looked up;
 *  - before any policy the lists live in Xen's empty database; the first
 *    load clears it before parsing, even a load that fails.
 *
 * Concurrency (state.h): a state's lists never change; an add or delete
 * publishes a new state with a new copy.  The one thing a reader writes is
 * the SID of a policy-labelled entry, computed on first use: an atomic
 * that every thread fills with the same value.
 */
#include <stdlib.h>

#include "state.h"

static const ss_sid ocon_default[5] = {0, SS_SID_IRQ, SS_SID_IOPORT, SS_SID_IOMEM, SS_SID_DEVICE};

struct ss_xo *ss_xo_new(void)
{
    struct ss_xo *x = calloc(1, sizeof(*x));
    if (x)
        atomic_init(&x->refs, 1);
    return x;
}

static void xolists_clear(struct ss_xolist *l)
{
    for (unsigned i = 0; i < 6; i++) {
        for (uint32_t j = 0; j < l[i].n; j++)
            free(l[i].e[j].path);
        free(l[i].e);
        l[i] = (struct ss_xolist){0};
    }
}

void ss_xo_put(struct ss_xo *x)
{
    if (!x || atomic_fetch_sub_explicit(&x->refs, 1, memory_order_acq_rel) != 1)
        return;
    xolists_clear(x->l);
    free(x);
}

static void xocon_copy(struct ss_xocon *dst, const struct ss_xocon *src)
{
    dst->low = src->low;
    dst->high = src->high;
    atomic_init(&dst->sid, atomic_load_explicit(&src->sid, memory_order_relaxed));
    dst->ctx = src->ctx;
    dst->path = src->path;
}

struct ss_xo *ss_xo_copy(const struct ss_xo *src)
{
    struct ss_xo *x = ss_xo_new();
    if (!x || !src)
        return x;
    for (unsigned i = 0; i < 6; i++) {
        const struct ss_xolist *s = &src->l[i];
        struct ss_xolist *d = &x->l[i];
        if (!s->n)
            continue;
        d->e = calloc(s->n, sizeof(*d->e));
        if (!d->e)
            goto oom;
        d->cap = s->n;
        for (uint32_t j = 0; j < s->n; j++, d->n++) {
            xocon_copy(&d->e[j], &s->e[j]);
            if (s->e[j].path && !(d->e[j].path = strdup(s->e[j].path)))
                goto oom;
        }
    }
    return x;
oom:
    ss_xo_put(x);
    return NULL;
}

/* An entry's SID; one read from the policy gets it on first use.  -EAGAIN: st was replaced. */
static int xocon_sid(const struct ss_state *st, struct ss_xocon *x, ss_sid *out)
{
    ss_sid sid = atomic_load_explicit(&x->sid, memory_order_acquire);
    /* A run-time entry (no ctx) keeps the SID it was added with, even 0. */
    if (!sid && x->ctx) {
        int rc = ss_ctx_to_sid(st, x->ctx, &sid);
        if (rc)
            return rc;
        atomic_store_explicit(&x->sid, sid, memory_order_release);
    }
    *out = sid; /* 0 only for a run-time label of SID 0 */
    return 0;
}

static bool ranged(unsigned ocon)
{
    return ocon == SS_OCON_IOPORT || ocon == SS_OCON_IOMEM;
}

struct lookup_arg {
    unsigned ocon;
    uint64_t value;
    const char *path;
    ss_sid *out;
};

static int ocontext_sid_q(ss_ctx *ss, const struct ss_state *st, void *p)
{
    const struct lookup_arg *a = p;
    const struct ss_xolist *l = &st->xo->l[a->ocon];
    (void)ss;
    for (uint32_t i = 0; i < l->n; i++) {
        struct ss_xocon *x = &l->e[i];
        bool hit = ranged(a->ocon) ? x->low <= a->value && a->value <= x->high : x->low == a->value;
        if (hit)
            return xocon_sid(st, x, a->out);
    }
    *a->out = ocon_default[a->ocon];
    return 0;
}

int ss_ocontext_sid(ss_ctx *ss, unsigned ocon, uint64_t value, ss_sid *out)
{
    if (!ss || !out || ocon < 1 || ocon > 4)
        return -EINVAL;
    struct lookup_arg a = {.ocon = ocon, .value = value, .out = out};
    return ss_query(ss, ocontext_sid_q, &a);
}

static int xo_insert(struct ss_xolist *l, uint32_t at, const struct ss_xocon *x)
{
    if (l->n == l->cap) {
        uint32_t cap = l->cap ? l->cap * 2 : 8;
        struct ss_xocon *e = realloc(l->e, cap * sizeof(*e));
        if (!e)
            return -ENOMEM;
        l->e = e;
        l->cap = cap;
    }
    memmove(&l->e[at + 1], &l->e[at], (l->n - at) * sizeof(*l->e));
    xocon_copy(&l->e[at], x);
    l->n++;
    return 0;
}

static void xo_remove(struct ss_xolist *l, uint32_t i)
{
    free(l->e[i].path);
    memmove(&l->e[i], &l->e[i + 1], (l->n - i - 1) * sizeof(*l->e));
    l->n--;
}

/* Where an add goes (at), or its answer: 0 with *at = UINT32_MAX for "nothing to do". */
static int add_position(const struct ss_xolist *l, unsigned ocon, uint64_t low, uint64_t high,
                        ss_sid sid, const struct ss_xocon *nx, uint32_t *at)
{
    if (!ranged(ocon)) {
        if (low != high)
            return -EINVAL;
        /* The first entry of that value decides; the same SID adds a duplicate at the head. */
        for (uint32_t i = 0; i < l->n; i++)
            if (l->e[i].low == nx->low) {
                if (atomic_load(&l->e[i].sid) != sid)
                    return -EEXIST;
                break;
            }
        *at = 0;
        return 0;
    }
    if (low > high)
        return -EINVAL;
    /* Walk the sorted list to the first entry not below low; only it can overlap. */
    uint32_t i = 0;
    while (i < l->n && l->e[i].high < low)
        i++;
    if (i < l->n && l->e[i].low <= high) {
        const struct ss_xocon *x = &l->e[i];
        if (x->low == low && x->high == high && atomic_load(&x->sid) == sid) {
            *at = UINT32_MAX;
            return 0;
        }
        return -EEXIST;
    }
    *at = i;
    return 0;
}

/* Decode the change against the current lists, then publish a changed copy. */
static int xo_change(ss_ctx *ss, int (*decide)(const struct ss_xo *xo, void *arg, uint32_t *at),
                     int (*apply)(struct ss_xo *xo, void *arg, uint32_t at), void *arg)
{
    pthread_mutex_lock(&ss->wlock);
    const struct ss_state *cur = atomic_load_explicit(&ss->cur, memory_order_relaxed);
    uint32_t at = UINT32_MAX;
    int rc = decide(cur->xo, arg, &at);
    if (!rc && at != UINT32_MAX) {
        struct ss_state *st = ss_state_clone(cur);
        struct ss_xo *xo = st ? ss_xo_copy(cur->xo) : NULL;
        if (!xo) {
            ss_state_discard(st);
            rc = -ENOMEM;
        } else {
            ss_xo_put(st->xo);
            st->xo = xo;
            rc = apply(xo, arg, at);
            if (rc)
                ss_state_discard(st);
            else
                ss_state_publish(ss, st);
        }
    }
    pthread_mutex_unlock(&ss->wlock);
    return rc;
}

struct xo_arg {
    unsigned ocon;
    uint64_t low, high;
    ss_sid sid;
    const char *path;
    struct ss_xocon nx;
};

static int add_decide(const struct ss_xo *xo, void *p, uint32_t *at)
{
    struct xo_arg *a = p;
    return add_position(&xo->l[a->ocon], a->ocon, a->low, a->high, a->sid, &a->nx, at);
}

static int add_apply(struct ss_xo *xo, void *p, uint32_t at)
{
    struct xo_arg *a = p;
    return xo_insert(&xo->l[a->ocon], at, &a->nx);
}

int ss_ocontext_add(ss_ctx *ss, unsigned ocon, uint64_t low, uint64_t high, ss_sid sid)
{
    if (!ss || ocon < 1 || ocon > 4)
        return -EINVAL;
    struct xo_arg a = {.ocon = ocon, .low = low, .high = high, .sid = sid};
    atomic_init(&a.nx.sid, sid);
    if (ocon == SS_OCON_PIRQ)
        a.nx.low = a.nx.high = (uint16_t)low;
    else if (ocon == SS_OCON_DEVICE)
        a.nx.low = a.nx.high = (uint32_t)low;
    else if (ocon == SS_OCON_IOPORT)
        a.nx.low = (uint32_t)low, a.nx.high = (uint32_t)high;
    else
        a.nx.low = low, a.nx.high = high;
    return xo_change(ss, add_decide, add_apply, &a);
}

static int del_decide(const struct ss_xo *xo, void *p, uint32_t *at)
{
    struct xo_arg *a = p;
    const struct ss_xolist *l = &xo->l[a->ocon];
    for (uint32_t i = 0; i < l->n; i++) {
        const struct ss_xocon *x = &l->e[i];
        if (x->low == a->low && (!ranged(a->ocon) || x->high == a->high)) {
            *at = i;
            return 0;
        }
    }
    return -ENOENT;
}

static int del_apply(struct ss_xo *xo, void *p, uint32_t at)
{
    struct xo_arg *a = p;
    xo_remove(&xo->l[a->ocon], at);
    return 0;
}

int ss_ocontext_del(ss_ctx *ss, unsigned ocon, uint64_t low, uint64_t high)
{
    if (!ss || ocon < 1 || ocon > 4)
        return -EINVAL;
    struct xo_arg a = {.ocon = ocon, .low = low, .high = high};
    return xo_change(ss, del_decide, del_apply, &a);
}

/* The SIDs of every entry of a ranged list that meets [lo, hi], resolved first. */
static int resolve_range(const struct ss_state *st, unsigned ocon, uint64_t lo, uint64_t hi)
{
    const struct ss_xolist *l = &st->xo->l[ocon];
    for (uint32_t i = 0; i < l->n; i++) {
        ss_sid sid;
        if (l->e[i].high < lo || l->e[i].low > hi)
            continue;
        int rc = xocon_sid(st, &l->e[i], &sid);
        if (rc)
            return rc;
    }
    return 0;
}

/*
 * Walk [lo, hi] in ascending order: every labelled sub-range of the sorted
 * ioport/iomem list, and every gap between them with the default initial SID.
 * FLASK's ranged resource checks need each label once, not each value.  The
 * SIDs are resolved before the first callback, so fn never runs twice for a
 * range when a reload makes the walk start again.
 */
static int iterate(const struct ss_state *st, unsigned ocon, uint64_t lo, uint64_t hi,
                   int (*fn)(void *opaque, ss_sid sid, uint64_t lo, uint64_t hi), void *opaque)
{
    int rc;
    const struct ss_xolist *l = &st->xo->l[ocon];
    uint64_t cur = lo;
    for (uint32_t i = 0; i < l->n; i++) {
        struct ss_xocon *x = &l->e[i];
        if (x->high < cur)
            continue;
        if (x->low > hi)
            break;
        if (x->low > cur) {
            rc = fn(opaque, ocon_default[ocon], cur, x->low - 1);
            if (rc)
                return rc;
            cur = x->low;
        }
        uint64_t end = x->high < hi ? x->high : hi;
        rc = fn(opaque, atomic_load(&x->sid), cur, end);
        if (rc || end == hi)
            return rc;
        cur = end + 1;
    }
    return fn(opaque, ocon_default[ocon], cur, hi);
}

int ss_ocontext_iterate(ss_ctx *ss, unsigned ocon, uint64_t lo, uint64_t hi,
                        int (*fn)(void *opaque, ss_sid sid, uint64_t lo, uint64_t hi), void *opaque)
{
    if (!ss || !fn || !ranged(ocon) || lo > hi)
        return -EINVAL;
    struct xrcu_reader *r;
    int rc;
    bool again;
    do {
        const struct ss_state *st = ss_enter(ss, &r);
        if (!st)
            return -ENOMEM;
        rc = resolve_range(st, ocon, lo, hi);
        again = rc == -EAGAIN;
        if (!rc)
            rc = iterate(st, ocon, lo, hi, fn, opaque);
        ss_leave(r);
    } while (again);
    return rc;
}

static int devicetree_sid_q(ss_ctx *ss, const struct ss_state *st, void *p)
{
    const struct lookup_arg *a = p;
    const struct ss_xolist *l = &st->xo->l[5];
    (void)ss;
    for (uint32_t i = 0; i < l->n; i++)
        if (l->e[i].path && strcmp(l->e[i].path, a->path) == 0)
            return xocon_sid(st, &l->e[i], a->out);
    *a->out = SS_SID_DEVICE;
    return 0;
}

int ss_devicetree_sid(ss_ctx *ss, const char *path, ss_sid *out)
{
    if (!ss || !path || !out)
        return -EINVAL;
    struct lookup_arg a = {.path = path, .out = out};
    return ss_query(ss, devicetree_sid_q, &a);
}

static int dt_decide(const struct ss_xo *xo, void *p, uint32_t *at)
{
    struct xo_arg *a = p;
    const struct ss_xolist *l = &xo->l[5];
    for (uint32_t i = 0; i < l->n; i++) {
        if (!l->e[i].path || strcmp(l->e[i].path, a->path) != 0)
            continue;
        if (a->sid)
            return -EEXIST;
        *at = i;
        return 0;
    }
    if (!a->sid)
        return -ENOENT;
    *at = 0;
    return 0;
}

static int dt_apply(struct ss_xo *xo, void *p, uint32_t at)
{
    struct xo_arg *a = p;
    struct ss_xolist *l = &xo->l[5];
    if (!a->sid) {
        xo_remove(l, at);
        return 0;
    }
    struct ss_xocon nx = {.path = strdup(a->path)};
    if (!nx.path)
        return -ENOMEM;
    atomic_init(&nx.sid, a->sid);
    int rc = xo_insert(l, 0, &nx);
    if (rc)
        free(nx.path);
    return rc;
}

int ss_devicetree_setlabel(ss_ctx *ss, const char *path, ss_sid sid)
{
    if (!ss || !path)
        return -EINVAL;
    struct xo_arg a = {.sid = sid, .path = path};
    return xo_change(ss, dt_decide, dt_apply, &a);
}
