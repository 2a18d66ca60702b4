/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Security server services: the context and its lifecycle, publishing
 * states (state.h has the concurrency design), policy loading with SID
 * conversion, booleans, and what a caller may ask about the policy.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "state.h"

/*
 * Messages quote names from the policy and strings from the caller (a
 * context to convert), and go to ss_last_error and the log callback, which
 * hosts print.  Every byte outside printable ASCII is written \xHH, so no
 * quoted string can end a line or carry a terminal escape; the message is
 * cut at the buffer's end, never in the middle of an escape.
 */
static void format_escaped(char *out, size_t cap, const char *fmt, va_list ap)
{
    static const char hex[] = "0123456789abcdef";
    char raw[256];
    size_t o = 0;
    vsnprintf(raw, sizeof(raw), fmt, ap);
    for (const unsigned char *p = (const unsigned char *)raw; *p; p++) {
        bool plain = *p >= 0x20 && *p <= 0x7e;
        if (o + (plain ? 1 : 4) >= cap)
            break;
        if (plain) {
            out[o++] = (char)*p;
        } else {
            out[o++] = '\\';
            out[o++] = 'x';
            out[o++] = hex[*p >> 4];
            out[o++] = hex[*p & 15];
        }
    }
    out[o] = '\0';
}

int ss_set_err(ss_ctx *ss, int rc, const char *fmt, ...)
{
    va_list ap;
    pthread_mutex_lock(&ss->err_lock);
    va_start(ap, fmt);
    format_escaped(ss->err, sizeof(ss->err), fmt, ap);
    va_end(ap);
    if (ss->cfg.log)
        ss->cfg.log(ss->cfg.log_opaque, ss->err);
    pthread_mutex_unlock(&ss->err_lock);
    return rc;
}

void ss_note(const ss_ctx *ss, const char *fmt, ...)
{
    char line[256];
    va_list ap;
    if (!ss->cfg.log)
        return;
    va_start(ap, fmt);
    format_escaped(line, sizeof(line), fmt, ap);
    va_end(ap);
    ss->cfg.log(ss->cfg.log_opaque, line);
}

/* ---- policies and states ---- */

void ss_policy_get(struct ss_policy *p)
{
    if (p)
        atomic_fetch_add_explicit(&p->refs, 1, memory_order_relaxed);
}

/* Recursion one deep at most: an overlay's base is a full policy, never an overlay. */
void ss_policy_put(struct ss_policy *p) /* NOLINT(misc-no-recursion) */
{
    if (!p || atomic_fetch_sub_explicit(&p->refs, 1, memory_order_acq_rel) != 1)
        return;
    if (!p->base) {
        ss_policy_free(p);
        return;
    }
    /* An overlay owns only its boolean and conditional arrays. */
    free(p->bools);
    free(p->condnodes);
    free(p->condav);
    free(p->condty);
    ss_policy_put(p->base);
    free(p);
}

static void *memdup(const void *src, size_t n)
{
    void *d = malloc(n ? n : 1);
    if (d && n)
        memcpy(d, src, n);
    return d;
}

/*
 * A policy like cur whose boolean values are 'values', conditional rules
 * re-evaluated; every table but the boolean and conditional ones is cur's
 * base policy's (state.h).
 */
static struct ss_policy *policy_overlay(struct ss_policy *cur, const uint8_t *values)
{
    struct ss_policy *base = cur->base ? cur->base : cur;
    struct ss_policy *o = malloc(sizeof(*o));
    if (!o)
        return NULL;
    *o = *cur;
    o->base = base;
    atomic_init(&o->refs, 1);
    o->bools = memdup(cur->bools, cur->nprim[SS_SYM_BOOLS] * sizeof(*cur->bools));
    o->condnodes = memdup(cur->condnodes, cur->ncond * sizeof(*cur->condnodes));
    o->condav = memdup(cur->condav, cur->ncondav * sizeof(*cur->condav));
    o->condty = memdup(cur->condty, cur->ncondty * sizeof(*cur->condty));
    if (!o->bools || !o->condnodes || !o->condav || !o->condty) {
        free(o->bools);
        free(o->condnodes);
        free(o->condav);
        free(o->condty);
        free(o);
        return NULL;
    }
    ss_policy_get(base);
    for (uint32_t i = 0; i < o->nprim[SS_SYM_BOOLS]; i++)
        o->bools[i].state = values[i];
    ss_policy_eval_conds(o);
    return o;
}

static void state_free(struct ss_state *st)
{
    ss_policy_put(st->pol);
    ss_sidtab_put(st->sids);
    ss_xo_put(st->xo);
    free(st);
}

static void state_retired(struct xrcu_head *h)
{
    state_free((struct ss_state *)((char *)h - offsetof(struct ss_state, rcu)));
}

struct ss_state *ss_state_clone(const struct ss_state *cur)
{
    struct ss_state *st = calloc(1, sizeof(*st));
    if (!st)
        return NULL;
    st->pol = cur->pol;
    st->sids = cur->sids;
    st->xo = cur->xo;
    st->sem = cur->sem;
    st->seqno = cur->seqno;
    ss_policy_get(st->pol);
    if (st->sids)
        atomic_fetch_add_explicit(&st->sids->refs, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&st->xo->refs, 1, memory_order_relaxed);
    return st;
}

void ss_state_discard(struct ss_state *st)
{
    if (st)
        state_free(st);
}

void ss_state_publish(ss_ctx *ss, struct ss_state *st)
{
    struct ss_state *old = atomic_exchange_explicit(&ss->cur, st, memory_order_acq_rel);
    xrcu_retire(&ss->rcu, &old->rcu, state_retired);
}

int ss_query(ss_ctx *ss, int (*fn)(ss_ctx *ss, const struct ss_state *st, void *arg), void *arg)
{
    struct xrcu_reader *r;
    int rc;
    do {
        const struct ss_state *st = ss_enter(ss, &r);
        if (!st)
            return -ENOMEM;
        rc = fn(ss, st, arg);
        ss_leave(r);
    } while (rc == -EAGAIN);
    return rc;
}

/* ---- lifecycle ---- */

static int check_config(const struct ss_config *cfg)
{
    if (cfg->semantics > SS_SEM_SELINUX || (cfg->nmap && !cfg->map) || cfg->nmap > 65535)
        return -EINVAL;
    for (unsigned i = 0; i < cfg->nmap; i++) {
        unsigned np = 0;
        if (!cfg->map[i].name || !cfg->map[i].perms)
            return -EINVAL;
        while (cfg->map[i].perms[np])
            np++;
        if (np > 32)
            return -EINVAL;
    }
    return 0;
}

int ss_create(ss_ctx **out, const struct ss_config *cfg)
{
    if (!out)
        return -EINVAL;
    if (cfg && check_config(cfg))
        return -EINVAL;
    ss_ctx *ss = calloc(1, sizeof(*ss));
    struct ss_state *st = calloc(1, sizeof(*st));
    struct ss_xo *xo = ss_xo_new();
    if (!ss || !st || !xo || xrcu_init(&ss->rcu)) {
        free(ss);
        free(st);
        ss_xo_put(xo);
        return -ENOMEM;
    }
    pthread_mutex_init(&ss->wlock, NULL);
    pthread_mutex_init(&ss->err_lock, NULL);
    if (cfg)
        ss->cfg = *cfg;
    st->xo = xo;
    st->sem = ss->cfg.semantics;
    atomic_init(&ss->cur, st);
    atomic_init(&ss->enforcing, true);
    *out = ss;
    return 0;
}

void ss_set_enforcing(ss_ctx *ss, bool enforcing)
{
    if (ss)
        atomic_store(&ss->enforcing, enforcing);
}

bool ss_enforcing(const ss_ctx *ss)
{
    return !ss || atomic_load(&ss->enforcing);
}

void ss_destroy(ss_ctx *ss)
{
    if (!ss)
        return;
    xrcu_fini(&ss->rcu);
    state_free(atomic_load(&ss->cur));
    pthread_mutex_destroy(&ss->wlock);
    pthread_mutex_destroy(&ss->err_lock);
    free(ss->pending);
    free(ss);
}

const char *ss_last_error(const ss_ctx *ss)
{
    return ss ? ss->err : "";
}

/*
 * A value of the current state (STATE_VALUE) or policy (POLICY_VALUE),
 * computed inside a read section; def when there is no policy.  These
 * calls have no error to return, so a thread whose first read section
 * cannot be had (no memory for its reader slot) reads under the writers'
 * lock instead: no writer can then retire the current state.  Answering
 * def there would be a lie ("no policy loaded") that callers act on.
 * st and p name the variable the macro declares for expr, so they cannot
 * be parenthesised.
 */
/* NOLINTBEGIN(bugprone-macro-parentheses) */
#define STATE_VALUE(ss, st, def, expr)                                                             \
    ({                                                                                             \
        ss_ctx *ss_ = (ss_ctx *)(ss);                                                              \
        struct xrcu_reader *r_;                                                                    \
        const struct ss_state *st = ss_enter(ss_, &r_);                                            \
        __typeof__(def) v_;                                                                        \
        if (st) {                                                                                  \
            v_ = (expr);                                                                           \
            ss_leave(r_);                                                                          \
        } else {                                                                                   \
            pthread_mutex_lock(&ss_->wlock);                                                       \
            st = atomic_load_explicit(&ss_->cur, memory_order_relaxed);                            \
            v_ = (expr);                                                                           \
            pthread_mutex_unlock(&ss_->wlock);                                                     \
        }                                                                                          \
        v_;                                                                                        \
    })
#define POLICY_VALUE(ss, p, def, expr)                                                             \
    STATE_VALUE(ss, st_, def, ({                                                                   \
                    const struct ss_policy *p = st_->pol;                                          \
                    p ? (__typeof__(def))(expr) : (def);                                           \
                }))
/* NOLINTEND(bugprone-macro-parentheses) */

bool ss_policy_loaded(const ss_ctx *ss)
{
    return ss && POLICY_VALUE(ss, p, false, p != NULL);
}

/* ---- loading ---- */

static int build_map(ss_ctx *ss, struct ss_policy *p)
{
    unsigned n = ss->cfg.nmap;
    if (!n)
        return 0;
    p->map = calloc(n, sizeof(*p->map));
    if (!p->map)
        return ss_set_err(ss, -ENOMEM, "out of memory");
    p->nmap = n;
    for (unsigned i = 0; i < n; i++) {
        const struct ss_class_map *m = &ss->cfg.map[i];
        struct ss_mapping *pm = &p->map[i];
        uint16_t pc = (uint16_t)ss_strhash_get(&p->names[SS_SYM_CLASSES], m->name, strlen(m->name));
        if (ss->cfg.map_strict && pc != i + 1)
            return ss_set_err(ss, -EINVAL, "policy class %u is not '%s'", i + 1, m->name);
        if (!pc && p->handle_unknown == SS_UNKNOWN_REJECT)
            return ss_set_err(ss, -EINVAL, "class '%s' missing and the policy rejects unknowns",
                              m->name);
        pm->pclass = pc;
        for (unsigned j = 0; m->perms[j]; j++) {
            uint32_t b = ss_perm_bit(p, pc, m->perms[j]);
            if (ss->cfg.map_strict && b != 1u << j)
                return ss_set_err(ss, -EINVAL, "class '%s' permission '%s' is not bit %u", m->name,
                                  m->perms[j], j);
            if (pc && !b && p->handle_unknown == SS_UNKNOWN_REJECT)
                return ss_set_err(ss, -EINVAL,
                                  "permission '%s' of class '%s' missing and the policy rejects "
                                  "unknowns",
                                  m->perms[j], m->name);
            pm->pbit[j] = b;
            pm->nperms = j + 1;
        }
    }
    return 0;
}

/* The caller's veto (load_check.h), on what the new policy lacks of the map. */
static int run_load_check(ss_ctx *ss, const struct ss_policy *np)
{
    if (!ss->load_check || !np->nmap)
        return 0;
    struct ss_map_gap *gaps = calloc(np->nmap, sizeof(*gaps));
    char msg[200] = "";
    if (!gaps)
        return ss_set_err(ss, -ENOMEM, "out of memory");
    for (uint32_t i = 0; i < np->nmap; i++) {
        const struct ss_mapping *pm = &np->map[i];
        gaps[i].defined = pm->pclass != 0;
        for (uint32_t j = 0; j < pm->nperms; j++)
            if (!pm->pbit[j])
                gaps[i].missing |= 1u << j;
    }
    int rc =
        ss->load_check(ss->load_check_opaque, gaps, np->nmap, np->handle_unknown, msg, sizeof(msg));
    free(gaps);
    return rc ? ss_set_err(ss, rc, "policy rejected: %s", msg) : 0;
}

void ss_set_load_check(ss_ctx *ss, ss_load_check_fn fn, void *opaque)
{
    ss->load_check = fn;
    ss->load_check_opaque = opaque;
}

/*
 * ss_config.xen_formats: of the images this reader takes, refuse what Xen
 * 4.17's policydb_read refuses.  Its compat table knows "XenFlask" 24 and 30
 * (which is all the reader reads of that target) and "SE Linux" 15-24, the
 * latter with the symbol/object-context table counts of Xen's old layout,
 * which below 24 differ from SELinux's, so only 24 is shared; an old-target
 * policy may label nothing but initial SIDs.  Either target: no class may
 * inherit a common, no genfs or filename-transition entries.
 */
static int xen_format_check(ss_ctx *ss, const struct ss_policy *np)
{
    if (np->target == SS_TARGET_SELINUX) {
        if (np->version != 24)
            return ss_set_err(ss, -EINVAL,
                              "policy rejected: Xen reads \"SE Linux\" policies of "
                              "version 24 only, not %u",
                              np->version);
        for (uint32_t i = 1; i < np->ocon_num; i++)
            if (np->nocon[i])
                return ss_set_err(ss, -EINVAL,
                                  "policy rejected: object context table %u of an old Xen policy",
                                  i);
    }
    if (np->ngenfs || np->nfiletrans || np->nfiletrans_keys)
        return ss_set_err(ss, -EINVAL, "policy rejected: genfs or filename transitions");
    for (uint32_t i = 0; i < np->nprim[SS_SYM_CLASSES]; i++)
        if (np->classes[i].comname)
            return ss_set_err(ss, -EINVAL, "policy rejected: class %u inherits a common", i + 1);
    return 0;
}

/* What Xen's loader refuses although the reader took it (all -EINVAL). */
static int load_checks(ss_ctx *ss, const struct ss_state *cur, const struct ss_policy *np,
                       enum ss_semantics sem)
{
    if (ss->cfg.xen_formats) {
        int rc = xen_format_check(ss, np);
        if (rc)
            return rc;
    }
    /* Xen's policydb_read, once a policy is in: flask_mls_enabled is fixed. */
    if (cur->pol && sem == SS_SEM_XEN && np->mls != cur->pol->mls)
        return ss_set_err(ss, -EINVAL, "policy rejected: cannot switch between MLS and non-MLS");
    return 0;
}

/*
 * Convert every SID of the old table by name into nt, then add the new
 * policy's initial SIDs not yet present.  A SID whose names the new policy
 * lacks is dropped (look-ups then fall back to the unlabeled SID); one
 * whose converted context is invalid is dropped too, unless keep_invalid
 * (Xen, permissive: Xen's convert_context keeps it with a message).  The
 * caller holds the old table's lock.
 */
static int build_sidtab(ss_ctx *ss, const struct ss_sidtab *old, struct ss_policy *np,
                        struct ss_sidtab *nt, bool keep_invalid)
{
    uint32_t kept = 0, dropped = 0;
    for (uint32_t sid = 1; old && sid < old->next; sid++) {
        const struct ss_sident *e = ss_sidtab_get(old, sid);
        if (!e)
            continue;
        struct ss_context c;
        int rc = ss_parse_context(np, e->str, e->len, &c);
        if (rc == -ENOMEM)
            return -ENOMEM;
        if (!rc && !ss_context_valid(np, &c)) {
            if (keep_invalid) {
                kept++;
            } else {
                ss_ctx_free(&c);
                rc = -EINVAL;
            }
        }
        if (rc) {
            dropped++;
            continue;
        }
        uint32_t len;
        char *str = ss_ctx_to_str(np, &c, &len);
        if (!str || ss_sidtab_set(nt, sid, &c, str, len)) {
            free(str);
            ss_ctx_free(&c);
            return -ENOMEM;
        }
        ss_ctx_free(&c);
    }
    if (old && old->next > nt->next)
        nt->next = old->next;
    for (uint32_t i = 0; i < np->nocon[0]; i++) {
        const struct ss_ocon *o = &np->ocon[0][i];
        uint32_t sid = o->u[0];
        if (ss_sidtab_get(nt, sid))
            continue;
        uint32_t len;
        char *str = ss_ctx_to_str(np, &o->ctx[0], &len);
        if (!str || ss_sidtab_set(nt, sid, &o->ctx[0], str, len)) {
            free(str);
            return -ENOMEM;
        }
    }
    if (kept || dropped)
        ss_note(ss, "policy reload: %u SIDs dropped, %u kept with an invalid context", dropped,
                kept);
    return 0;
}

/* The policy's object labels become the new state's (the policy keeps none). */
static struct ss_xo *take_object_labels(struct ss_policy *np)
{
    struct ss_xo *xo = ss_xo_new();
    if (xo) {
        memcpy(xo->l, np->xo, sizeof(xo->l));
        memset(np->xo, 0, sizeof(np->xo));
    }
    return xo;
}

static int load_policy(ss_ctx *ss, const void *image, size_t len)
{
    struct ss_state *cur = atomic_load_explicit(&ss->cur, memory_order_relaxed);
    struct ss_policy *np = NULL;
    char err[200];
    /* Xen's first load resets its (empty) database before it parses. */
    if (!cur->pol && (cur->xo->l[1].n || cur->xo->l[2].n || cur->xo->l[3].n || cur->xo->l[4].n ||
                      cur->xo->l[5].n)) {
        struct ss_state *st = ss_state_clone(cur);
        struct ss_xo *xo = ss_xo_new();
        if (!st || !xo) {
            ss_state_discard(st);
            ss_xo_put(xo);
            return ss_set_err(ss, -ENOMEM, "out of memory");
        }
        ss_xo_put(st->xo);
        st->xo = xo;
        ss_state_publish(ss, st);
        cur = st;
    }
    int rc = ss_policy_read(&np, image, len, err, sizeof(err));
    if (rc)
        return ss_set_err(ss, rc, "policy rejected: %s", err);
    atomic_init(&np->refs, 1);
    enum ss_semantics sem = ss->cfg.semantics;
    if (sem == SS_SEM_AUTO)
        sem = np->target == SS_TARGET_XEN ? SS_SEM_XEN : SS_SEM_SELINUX;
    rc = load_checks(ss, cur, np, sem);
    if (!rc)
        rc = build_map(ss, np);
    if (!rc)
        rc = run_load_check(ss, np);
    if (rc) {
        ss_policy_put(np);
        return rc;
    }
    if (cur->pol) {
        /* preserve boolean values by name, then re-evaluate all conditionals */
        const struct ss_policy *op = cur->pol;
        for (uint32_t i = 0; i < np->nprim[SS_SYM_BOOLS]; i++) {
            const char *nm = np->bools[i].name;
            uint32_t ov = ss_strhash_get(&op->names[SS_SYM_BOOLS], nm, strlen(nm));
            if (ov)
                np->bools[i].state = op->bools[ov - 1].state;
        }
        ss_policy_eval_conds(np);
    }
    uint8_t *pending = calloc(np->nprim[SS_SYM_BOOLS] + 1, 1);
    struct ss_sidtab *nt = ss_sidtab_new();
    struct ss_state *st = calloc(1, sizeof(*st));
    struct ss_xo *xo = take_object_labels(np);
    /* cur is retired, maybe freed, once st is out: keep its table to freeze. */
    struct ss_sidtab *old = cur->sids;
    if (old) {
        atomic_fetch_add_explicit(&old->refs, 1, memory_order_relaxed);
        pthread_mutex_lock(&old->lock);
    }
    if (!pending || !nt || !st || !xo ||
        build_sidtab(ss, old, np, nt, sem == SS_SEM_XEN && !atomic_load(&ss->enforcing))) {
        if (old) {
            pthread_mutex_unlock(&old->lock);
            ss_sidtab_put(old);
        }
        free(pending);
        ss_sidtab_put(nt);
        free(st);
        ss_xo_put(xo);
        ss_policy_put(np);
        return ss_set_err(ss, -ENOMEM, "out of memory");
    }
    for (uint32_t i = 0; i < np->nprim[SS_SYM_BOOLS]; i++)
        pending[i] = (uint8_t)np->bools[i].state;
    st->pol = np;
    st->sids = nt;
    st->xo = xo;
    st->sem = sem;
    st->seqno = cur->seqno + 1;
    ss_state_publish(ss, st);
    if (old) {
        /* Allocations still running on the old table start again on the new one. */
        old->frozen = true;
        pthread_mutex_unlock(&old->lock);
        ss_sidtab_put(old);
    }
    free(ss->pending);
    ss->pending = pending;
    pthread_mutex_lock(&ss->err_lock);
    ss->err[0] = 0;
    pthread_mutex_unlock(&ss->err_lock);
    return 0;
}

int ss_load_policy(ss_ctx *ss, const void *image, size_t len)
{
    if (!ss)
        return -EINVAL;
    pthread_mutex_lock(&ss->wlock);
    int rc = load_policy(ss, image, len);
    pthread_mutex_unlock(&ss->wlock);
    return rc;
}

/* ---- what a caller may ask about the policy ---- */

/*
 * Run body on the current state inside a read section (out of memory: return
 * -ENOMEM).  st names the variable declared for body: no parentheses.
 */
/* NOLINTBEGIN(bugprone-macro-parentheses) */
#define WITH_STATE(ss, st, body)                                                                   \
    do {                                                                                           \
        struct xrcu_reader *r_;                                                                    \
        const struct ss_state *st = ss_enter((ss_ctx *)(ss), &r_);                                 \
        if (!st)                                                                                   \
            return -ENOMEM;                                                                        \
        body;                                                                                      \
        ss_leave(r_);                                                                              \
    } while (0)
/* NOLINTEND(bugprone-macro-parentheses) */

static void fill_info(const struct ss_policy *p, struct ss_policy_info *info)
{
    memset(info, 0, sizeof(*info));
    info->target = p->target;
    info->version = p->version;
    info->mls = p->mls;
    info->handle_unknown = p->handle_unknown;
    info->nclasses = p->nprim[SS_SYM_CLASSES];
    for (uint32_t i = 0; i < p->nprim[SS_SYM_COMMONS]; i++)
        info->nperms += p->commons[i].nperms;
    for (uint32_t i = 0; i < p->nprim[SS_SYM_CLASSES]; i++) {
        const struct ss_class *c = &p->classes[i];
        if (c->name)
            info->nperms += c->nperms - (c->com ? c->com->nperms : 0);
    }
    for (uint32_t i = 0; i < p->nprim[SS_SYM_TYPES]; i++)
        if (p->types[i].defined && !p->types[i].attr)
            info->ntypes++;
    info->nattributes = p->nattributes;
    info->nroles = p->nprim[SS_SYM_ROLES];
    info->nusers = p->nprim[SS_SYM_USERS];
    info->nbools = p->nprim[SS_SYM_BOOLS];
    info->nsens = p->nsens;
    info->ncats = p->ncats;
    info->navtab = p->navtab_rules;
    info->ncond_rules = p->ncond_rules;
    info->nconstraints = p->nconstraints;
    info->nrole_trans = p->nroletrans;
    info->nrole_allow = p->nroleallow;
    info->nrange_trans = p->nrangetrans;
    info->nfilename_trans = p->nfiletrans;
    info->ninitial_sids = p->nocon[0];
    for (uint32_t i = 1; i < p->ocon_num; i++)
        info->nocontexts += p->nocon[i];
    for (uint32_t i = 0; i < p->ngenfs; i++)
        info->nocontexts += p->genfs[i].n;
    info->npolicycaps = ss_ebm_count(&p->polcaps);
}

int ss_get_info(const ss_ctx *ss, struct ss_policy_info *info)
{
    if (!ss || !info)
        return -EINVAL;
    int rc = 0;
    WITH_STATE(ss, st, {
        const struct ss_policy *p = st->pol;
        if (!p)
            rc = -ENODATA;
        else
            fill_info(p, info);
    });
    return rc;
}

enum ss_semantics ss_semantics_in_use(const ss_ctx *ss)
{
    if (!ss)
        return SS_SEM_AUTO;
    enum ss_semantics cfg = ss->cfg.semantics;
    return STATE_VALUE(ss, st, cfg, st->pol ? st->sem : cfg);
}

uint32_t ss_seqno(const ss_ctx *ss)
{
    return ss ? STATE_VALUE(ss, st, (uint32_t)0, st->seqno) : 0;
}

/*
 * Names and values of the policy.  A returned name lives as long as the
 * policy: callers that may race with a reload serialise with it (FLASK's
 * op_lock does).
 */
uint16_t ss_class_value(const ss_ctx *ss, const char *name)
{
    if (!ss || !name)
        return 0;
    return POLICY_VALUE(ss, p, (uint16_t)0,
                        (uint16_t)ss_strhash_get(&p->names[SS_SYM_CLASSES], name, strlen(name)));
}

uint32_t ss_perm_bits(const ss_ctx *ss, uint16_t tclass, const char *perm)
{
    if (!ss || !perm)
        return 0;
    return POLICY_VALUE(ss, p, (uint32_t)0, ss_perm_bit(p, tclass, perm));
}

static const char *class_name(const struct ss_policy *p, uint16_t tclass)
{
    return tclass && tclass <= p->nprim[SS_SYM_CLASSES] ? p->classes[tclass - 1].name : NULL;
}

const char *ss_class_name(const ss_ctx *ss, uint16_t tclass)
{
    return ss ? POLICY_VALUE(ss, p, (const char *)NULL, class_name(p, tclass)) : NULL;
}

static const char *perm_name(const struct ss_policy *p, uint16_t tclass, unsigned bit)
{
    if (!class_name(p, tclass) || bit >= p->classes[tclass - 1].nperms)
        return NULL;
    return p->classes[tclass - 1].perm[bit];
}

const char *ss_perm_name(const ss_ctx *ss, uint16_t tclass, unsigned bit)
{
    return ss ? POLICY_VALUE(ss, p, (const char *)NULL, perm_name(p, tclass, bit)) : NULL;
}

bool ss_mls_enabled(const ss_ctx *ss)
{
    return ss && POLICY_VALUE(ss, p, false, p->mls);
}

enum ss_handle_unknown ss_handle_unknown(const ss_ctx *ss)
{
    return ss ? POLICY_VALUE(ss, p, SS_UNKNOWN_DENY, p->handle_unknown) : SS_UNKNOWN_DENY;
}

/* ---- booleans ---- */

unsigned ss_bool_count(const ss_ctx *ss)
{
    return ss ? POLICY_VALUE(ss, p, 0U, p->nprim[SS_SYM_BOOLS]) : 0;
}

const char *ss_bool_name(const ss_ctx *ss, unsigned idx)
{
    if (!ss)
        return NULL;
    return POLICY_VALUE(ss, p, (const char *)NULL,
                        idx < p->nprim[SS_SYM_BOOLS] ? p->bools[idx].name : NULL);
}

int ss_bool_index(const ss_ctx *ss, const char *name, size_t len)
{
    if (!ss || !name)
        return -EINVAL;
    int v =
        POLICY_VALUE(ss, p, -ENODATA, (int)ss_strhash_get(&p->names[SS_SYM_BOOLS], name, len) - 1);
    return v == -1 ? -ENOENT : v;
}

int ss_bool_get(const ss_ctx *ss, unsigned idx, int *active, int *pending)
{
    if (!ss)
        return -EINVAL;
    int rc = 0;
    WITH_STATE(ss, st, {
        const struct ss_policy *p = st->pol;
        if (!p)
            rc = -ENODATA;
        else if (idx >= p->nprim[SS_SYM_BOOLS])
            rc = -ENOENT;
        else if (active)
            *active = (int)p->bools[idx].state;
    });
    if (!rc && pending) {
        /* Pending values are the writers'; they are read under the same lock. */
        pthread_mutex_lock(&((ss_ctx *)ss)->wlock);
        const struct ss_policy *p = atomic_load(&((ss_ctx *)ss)->cur)->pol;
        if (p && idx < p->nprim[SS_SYM_BOOLS])
            *pending = ss->pending[idx];
        else
            rc = -ENOENT;
        pthread_mutex_unlock(&((ss_ctx *)ss)->wlock);
    }
    return rc;
}

int ss_bool_set_pending(ss_ctx *ss, unsigned idx, int value)
{
    if (!ss)
        return -EINVAL;
    int rc = 0;
    pthread_mutex_lock(&ss->wlock);
    const struct ss_policy *p = atomic_load(&ss->cur)->pol;
    if (!p)
        rc = -ENODATA;
    else if (idx >= p->nprim[SS_SYM_BOOLS])
        rc = -ENOENT;
    else
        ss->pending[idx] = value != 0;
    pthread_mutex_unlock(&ss->wlock);
    return rc;
}

/* The pending values become the live ones: a new state with an overlay policy. */
int ss_bool_commit(ss_ctx *ss)
{
    if (!ss)
        return -EINVAL;
    int rc = 0;
    pthread_mutex_lock(&ss->wlock);
    struct ss_state *cur = atomic_load_explicit(&ss->cur, memory_order_relaxed);
    if (!cur->pol) {
        rc = -ENODATA;
    } else {
        struct ss_state *st = ss_state_clone(cur);
        struct ss_policy *o = st ? policy_overlay(cur->pol, ss->pending) : NULL;
        if (!o) {
            ss_state_discard(st);
            rc = -ENOMEM;
        } else {
            ss_policy_put(st->pol);
            st->pol = o;
            st->seqno = cur->seqno + 1;
            ss_state_publish(ss, st);
        }
    }
    pthread_mutex_unlock(&ss->wlock);
    return rc;
}
