/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Decisions: access vectors (type enforcement, constraints, role
 * transitions, type bounds) and the labels of new objects (type_transition,
 * type_member, type_change with their role, user and range rules), each
 * answered from one state (state.h).
 */
#include <stdlib.h>

#include "state.h"

/* ---- access decisions ---- */

void ss_te_av(const struct ss_policy *p, uint32_t stype, uint32_t ttype, uint16_t cls,
              struct ss_av_decision *avd)
{
    const struct ss_type *s = &p->types[stype - 1], *t = &p->types[ttype - 1];
    const struct ss_avtab *tab = &p->te;
    const uint64_t *srow = p->clsmap + 2 * (size_t)(cls - 1) * p->clsmap_words;
    const uint64_t *trow = srow + p->clsmap_words;
    uint32_t allowed = 0, auditallow = 0, auditdeny = 0xffffffffU;
    uint16_t tg[256]; /* the target's candidates, a chunk at a time */
    for (uint32_t base = 0; base < t->ntgt; base += 256) {
        uint32_t ntg = 0;
        for (uint32_t j = base; j < t->ntgt && j < base + 256; j++)
            if (ss_bit(trow, t->tgt[j]))
                tg[ntg++] = t->tgt[j];
        for (uint32_t i = 0; ntg && i < s->nsrc; i++) {
            uint32_t sv = s->src[i];
            if (!ss_bit(srow, sv))
                continue;
            for (uint32_t j = 0; j < ntg; j++) {
                const struct ss_aventry *e = ss_avtab_get(tab, sv, tg[j], cls, 0, 0);
                if (!e)
                    continue;
                allowed |= e->data;
                if (!e->aux)
                    continue;
                const struct ss_avaux *x = &p->avaux[e->aux - 1];
                auditallow |= x->auditallow;
                auditdeny &= x->auditdeny;
                for (uint32_t k = x->cond; k; k = p->condav[k - 1].next) {
                    const struct ss_condent *c = &p->condav[k - 1];
                    if (!c->enabled)
                        continue;
                    if (c->spec == SS_AVTAB_ALLOWED)
                        allowed |= c->data;
                    else if (c->spec == SS_AVTAB_AUDITALLOW)
                        auditallow |= c->data;
                    else
                        auditdeny &= c->data;
                }
            }
        }
    }
    avd->allowed |= allowed;
    avd->auditallow |= auditallow;
    avd->auditdeny &= auditdeny;
}

/*
 * context_av and the bounds maskers recurse along the bounding types.  The
 * depth is bounded by the policy: validate.c refuses a type whose bounds
 * chain has more than 3 links, as Xen does.
 */
/* NOLINTBEGIN(misc-no-recursion) */
static void context_av(const struct ss_state *st, const struct ss_context *s,
                       const struct ss_context *t, uint16_t cls, struct ss_av_decision *avd);

static void bounds_sel(const struct ss_state *st, const struct ss_context *s,
                       const struct ss_context *t, uint16_t cls, struct ss_av_decision *avd)
{
    const struct ss_policy *p = st->pol;
    uint32_t sb = p->types[s->type - 1].bounds, tb = p->types[t->type - 1].bounds;
    if (!sb)
        return;
    struct ss_context ls = *s, lt = *t;
    struct ss_av_decision lo;
    ls.type = sb;
    if (tb)
        lt.type = tb;
    context_av(st, &ls, &lt, cls, &lo);
    avd->allowed &= lo.allowed;
}

static void bounds_xen(const struct ss_state *st, const struct ss_context *s,
                       const struct ss_context *t, uint16_t cls, struct ss_av_decision *avd)
{
    const struct ss_policy *p = st->pol;
    uint32_t sb = p->types[s->type - 1].bounds, tb = p->types[t->type - 1].bounds;
    struct ss_context ls = *s, lt = *t;
    struct ss_av_decision lo;
    uint32_t masked = 0;
    ls.type = sb;
    lt.type = tb;
    /* Xen recomputes up to three times and stops as soon as one masks nothing */
    if (sb) {
        context_av(st, &ls, t, cls, &lo);
        if ((lo.allowed & avd->allowed) == avd->allowed)
            return;
        masked = ~lo.allowed & avd->allowed;
    }
    if (tb) {
        context_av(st, s, &lt, cls, &lo);
        if ((lo.allowed & avd->allowed) == avd->allowed)
            return;
        masked = ~lo.allowed & avd->allowed;
    }
    if (sb && tb) {
        context_av(st, &ls, &lt, cls, &lo);
        if ((lo.allowed & avd->allowed) == avd->allowed)
            return;
        masked = ~lo.allowed & avd->allowed;
    }
    avd->allowed &= ~masked;
}

static void context_av(const struct ss_state *st, const struct ss_context *s,
                       const struct ss_context *t, uint16_t cls, struct ss_av_decision *avd)
{
    const struct ss_policy *p = st->pol;
    avd->allowed = 0;
    avd->auditallow = 0;
    avd->auditdeny = 0xffffffffU;
    avd->seqno = st->seqno;
    avd->flags = 0;
    ss_te_av(p, s->type, t->type, cls, avd);
    const struct ss_class *c = &p->classes[cls - 1];
    for (uint32_t i = 0; i < c->ncons; i++)
        if ((c->cons[i].perms & avd->allowed) && !ss_cexpr_eval(p, s, t, NULL, &c->cons[i]))
            avd->allowed &= ~c->cons[i].perms;
    bool xen = st->sem == SS_SEM_XEN;
    uint16_t pc = xen ? p->domain_class : p->process_class;
    uint32_t tr = xen ? p->domain_trans : p->process_trans;
    if (pc && cls == pc && (avd->allowed & tr) && s->role != t->role) {
        uint32_t i;
        for (i = 0; i < p->nroleallow; i++)
            if (p->roleallow[i].role == s->role && p->roleallow[i].new_role == t->role)
                break;
        if (i == p->nroleallow)
            avd->allowed &= ~tr;
    }
    if (xen)
        bounds_xen(st, s, t, cls, avd);
    else
        bounds_sel(st, s, t, cls, avd);
}
/* NOLINTEND(misc-no-recursion) */

static int compute_av(const struct ss_state *st, ss_sid ssid, ss_sid tsid, uint16_t tclass,
                      struct ss_av_decision *avd)
{
    const struct ss_policy *p = st->pol;
    if (!p)
        return -ENODATA;
    const struct ss_context *s = ss_sid_ctx(st, ssid), *t = ss_sid_ctx(st, tsid);
    if (!s || !t || !tclass || tclass > p->nprim[SS_SYM_CLASSES] || !p->classes[tclass - 1].name)
        return -EINVAL;
    context_av(st, s, t, tclass, avd);
    if (ss_ebm_get(&p->permissive, s->type))
        avd->flags |= SS_AVD_FLAGS_PERMISSIVE;
    return 0;
}

int ss_compute_av(ss_ctx *ss, ss_sid ssid, ss_sid tsid, uint16_t tclass, struct ss_av_decision *avd)
{
    if (!ss || !avd)
        return -EINVAL;
    struct xrcu_reader *r;
    const struct ss_state *st = ss_enter(ss, &r);
    if (!st)
        return -ENOMEM;
    int rc = compute_av(st, ssid, tsid, tclass, avd);
    ss_leave(r);
    return rc;
}

static int compute_av_mapped(const struct ss_state *st, ss_sid ssid, ss_sid tsid, uint16_t mclass,
                             struct ss_av_decision *avd)
{
    const struct ss_policy *p = st->pol;
    if (!p)
        return -ENODATA;
    if (!mclass || mclass > p->nmap)
        return -EINVAL;
    const struct ss_mapping *m = &p->map[mclass - 1];
    bool allow_unknown = p->handle_unknown == SS_UNKNOWN_ALLOW;
    struct ss_av_decision pd;
    if (!m->pclass) {
        const struct ss_context *s = ss_sid_ctx(st, ssid), *t = ss_sid_ctx(st, tsid);
        if (!s || !t)
            return -EINVAL;
        memset(avd, 0, sizeof(*avd));
        avd->allowed = allow_unknown ? 0xffffffffU : 0;
        avd->auditdeny = 0xffffffffU;
        avd->seqno = st->seqno;
        if (ss_ebm_get(&p->permissive, s->type))
            avd->flags |= SS_AVD_FLAGS_PERMISSIVE;
        return 0;
    }
    int rc = compute_av(st, ssid, tsid, m->pclass, &pd);
    if (rc)
        return rc;
    uint32_t a = 0, aa = 0, ad = 0;
    for (uint32_t i = 0; i < m->nperms; i++) {
        uint32_t b = m->pbit[i];
        if ((b & pd.allowed) || (!b && allow_unknown))
            a |= 1u << i;
        if (b & pd.auditallow)
            aa |= 1u << i;
        if (b & pd.auditdeny)
            ad |= 1u << i;
    }
    /* like Linux: bits the caller never defined are always audited when denied */
    for (uint32_t i = m->nperms; i < 32; i++)
        ad |= 1u << i;
    avd->allowed = a;
    avd->auditallow = aa;
    avd->auditdeny = ad;
    avd->seqno = pd.seqno;
    avd->flags = pd.flags;
    return 0;
}

int ss_compute_av_mapped(ss_ctx *ss, ss_sid ssid, ss_sid tsid, uint16_t mclass,
                         struct ss_av_decision *avd)
{
    if (!ss || !avd)
        return -EINVAL;
    struct xrcu_reader *r;
    const struct ss_state *st = ss_enter(ss, &r);
    if (!st)
        return -ENOMEM;
    int rc = compute_av_mapped(st, ssid, tsid, mclass, avd);
    ss_leave(r);
    return rc;
}

/* ---- labelling decisions ---- */

/* The new type a type rule names, or 0. */
static uint32_t type_rule(const struct ss_policy *p, uint32_t st, uint32_t tt, uint16_t cls,
                          uint32_t kind)
{
    const struct ss_aventry *e =
        ss_avtab_get(&p->tetype, st, tt, cls, SS_AVTAB_TYPE, (uint16_t)kind);
    if (!e)
        return 0;
    if (!(e->flags & SS_AVE_COND))
        return e->data;
    for (uint32_t k = e->aux; k; k = p->condty[k - 1].next)
        if (p->condty[k - 1].enabled)
            return p->condty[k - 1].data;
    return 0;
}

static void set_range_low(struct ss_context *n, const struct ss_context *c)
{
    n->range.l[0] = c->range.l[0];
    n->range.l[1] = c->range.l[0];
}

static void set_range_high(struct ss_context *n, const struct ss_context *c)
{
    n->range.l[0] = c->range.l[1];
    n->range.l[1] = c->range.l[1];
}

/* -EAGAIN: st was replaced while a new SID was being allocated. */
static int compute_sid(ss_ctx *ss, const struct ss_state *st, ss_sid ssid, ss_sid tsid,
                       uint16_t cls, uint32_t kind, ss_sid *out)
{
    const struct ss_policy *p = st->pol;
    if (!p)
        return -ENODATA;
    const struct ss_context *s = ss_sid_ctx(st, ssid), *t = ss_sid_ctx(st, tsid);
    bool sel = st->sem == SS_SEM_SELINUX;
    bool known = cls && cls <= p->nprim[SS_SYM_CLASSES] && p->classes[cls - 1].name;
    /*
     * Xen never checks the class: one the policy lacks matches no rule and
     * gets the object defaults below.  libsepol refuses it.  Only SELinux
     * semantics read the class record (default_*), so c may be NULL.
     */
    if (!s || !t || (sel && !known))
        return -EINVAL;
    const struct ss_class *c = known ? &p->classes[cls - 1] : NULL;
    uint16_t pc = sel ? p->process_class : p->domain_class;
    struct ss_context n;
    memset(&n, 0, sizeof(n));
    if (kind == SS_AVTAB_MEMBER)
        n.user = t->user;
    else
        n.user = sel && c->default_user == 2 ? t->user : s->user;
    if (sel && c->default_role == 1)
        n.role = s->role;
    else if (sel && c->default_role == 2)
        n.role = t->role;
    else
        n.role = cls == pc ? s->role : 1;
    if (sel && c->default_type == 1)
        n.type = s->type;
    else if (sel && c->default_type == 2)
        n.type = t->type;
    else
        n.type = cls == pc ? s->type : t->type;
    uint32_t nty = type_rule(p, s->type, t->type, cls, kind);
    if (nty)
        n.type = nty;
    if (kind == SS_AVTAB_TRANSITION && (sel || cls == pc)) {
        for (uint32_t i = 0; i < p->nroletrans; i++) {
            const struct ss_roletrans *r = &p->roletrans[i];
            if (r->role == s->role && r->type == t->type && (!sel || r->tclass == cls)) {
                n.role = r->new_role;
                break;
            }
        }
    }
    struct ss_ebm tmp[2] = {{0}, {0}};
    if (p->mls) {
        bool done = false;
        if (kind == SS_AVTAB_TRANSITION) {
            for (uint32_t i = 0; i < p->nrangetrans; i++) {
                const struct ss_rangetrans *r = &p->rangetrans[i];
                if (r->stype == s->type && r->ttype == t->type && r->tclass == cls) {
                    n.range = r->range;
                    done = true;
                    break;
                }
            }
            if (!done && sel && c->default_range) {
                done = true;
                switch (c->default_range) {
                case 1:
                    set_range_low(&n, s);
                    break;
                case 2:
                    set_range_high(&n, s);
                    break;
                case 3:
                    n.range = s->range;
                    break;
                case 4:
                    set_range_low(&n, t);
                    break;
                case 5:
                    set_range_high(&n, t);
                    break;
                case 6:
                    n.range = t->range;
                    break;
                default: { /* glblub */
                    const struct ss_range *r1 = &s->range, *r2 = &t->range;
                    if (r1->l[1].sens < r2->l[0].sens || r2->l[1].sens < r1->l[0].sens)
                        return -EINVAL;
                    n.range.l[0].sens =
                        r1->l[0].sens > r2->l[0].sens ? r1->l[0].sens : r2->l[0].sens;
                    n.range.l[1].sens =
                        r1->l[1].sens < r2->l[1].sens ? r1->l[1].sens : r2->l[1].sens;
                    if (ss_ebm_and(&tmp[0], &r1->l[0].cat, &r2->l[0].cat) ||
                        ss_ebm_and(&tmp[1], &r1->l[1].cat, &r2->l[1].cat)) {
                        ss_ebm_heap_free(&tmp[0]);
                        ss_ebm_heap_free(&tmp[1]);
                        return -ENOMEM;
                    }
                    n.range.l[0].cat = tmp[0];
                    n.range.l[1].cat = tmp[1];
                    break;
                }
                }
            }
        }
        if (!done) {
            if (kind != SS_AVTAB_MEMBER && cls == pc)
                n.range = s->range;
            else
                set_range_low(&n, s);
        }
    }
    int rc = 0;
    if (!ss_context_valid(p, &n)) {
        /* Xen refuses an invalid result only when enforcing; libsepol always. */
        ss_note(ss, "compute_sid: invalid context for ssid=%u tsid=%u tclass=%u", ssid, tsid, cls);
        if (sel || atomic_load_explicit(&ss->enforcing, memory_order_relaxed))
            rc = -EACCES;
    }
    if (!rc)
        rc = ss_ctx_to_sid(st, &n, out);
    ss_ebm_heap_free(&tmp[0]);
    ss_ebm_heap_free(&tmp[1]);
    return rc;
}

struct sid_arg {
    ss_sid ssid, tsid;
    uint16_t cls;
    bool mapped;
    uint32_t kind;
    ss_sid *out;
};

static int compute_sid_q(ss_ctx *ss, const struct ss_state *st, void *p)
{
    const struct sid_arg *a = p;
    uint16_t pc = a->cls;
    if (!st->pol)
        return -ENODATA;
    if (a->mapped) {
        if (!a->cls || a->cls > st->pol->nmap || !st->pol->map[a->cls - 1].pclass)
            return -EINVAL;
        pc = st->pol->map[a->cls - 1].pclass;
    }
    return compute_sid(ss, st, a->ssid, a->tsid, pc, a->kind, a->out);
}

static int compute_sid_mapped(ss_ctx *ss, ss_sid ssid, ss_sid tsid, uint16_t cls, bool mapped,
                              uint32_t kind, ss_sid *out)
{
    if (!ss || !out)
        return -EINVAL;
    struct sid_arg a = {ssid, tsid, cls, mapped, kind, out};
    return ss_query(ss, compute_sid_q, &a);
}

int ss_transition_sid(ss_ctx *ss, ss_sid ssid, ss_sid tsid, uint16_t tclass, ss_sid *out)
{
    return compute_sid_mapped(ss, ssid, tsid, tclass, false, SS_AVTAB_TRANSITION, out);
}

int ss_member_sid(ss_ctx *ss, ss_sid ssid, ss_sid tsid, uint16_t tclass, ss_sid *out)
{
    return compute_sid_mapped(ss, ssid, tsid, tclass, false, SS_AVTAB_MEMBER, out);
}

int ss_change_sid(ss_ctx *ss, ss_sid ssid, ss_sid tsid, uint16_t tclass, ss_sid *out)
{
    return compute_sid_mapped(ss, ssid, tsid, tclass, false, SS_AVTAB_CHANGE, out);
}

int ss_transition_sid_mapped(ss_ctx *ss, ss_sid ssid, ss_sid tsid, uint16_t mclass, ss_sid *out)
{
    return compute_sid_mapped(ss, ssid, tsid, mclass, true, SS_AVTAB_TRANSITION, out);
}

int ss_member_sid_mapped(ss_ctx *ss, ss_sid ssid, ss_sid tsid, uint16_t mclass, ss_sid *out)
{
    return compute_sid_mapped(ss, ssid, tsid, mclass, true, SS_AVTAB_MEMBER, out);
}

int ss_change_sid_mapped(ss_ctx *ss, ss_sid ssid, ss_sid tsid, uint16_t mclass, ss_sid *out)
{
    return compute_sid_mapped(ss, ssid, tsid, mclass, true, SS_AVTAB_CHANGE, out);
}

static int validate_transition(const struct ss_state *st, ss_sid oldsid, ss_sid newsid,
                               ss_sid tasksid, uint16_t tclass)
{
    const struct ss_policy *p = st->pol;
    if (!p)
        return -ENODATA;
    const struct ss_context *o = ss_sid_ctx(st, oldsid), *n = ss_sid_ctx(st, newsid),
                            *t = ss_sid_ctx(st, tasksid);
    if (!o || !n || !t || !tclass || tclass > p->nprim[SS_SYM_CLASSES] ||
        !p->classes[tclass - 1].name)
        return -EINVAL;
    const struct ss_class *c = &p->classes[tclass - 1];
    for (uint32_t i = 0; i < c->nvt; i++)
        if (!ss_cexpr_eval(p, o, n, t, &c->vt[i]))
            return -EPERM;
    return 0;
}

int ss_validate_transition(ss_ctx *ss, ss_sid oldsid, ss_sid newsid, ss_sid tasksid,
                           uint16_t tclass)
{
    if (!ss)
        return -EINVAL;
    struct xrcu_reader *r;
    const struct ss_state *st = ss_enter(ss, &r);
    if (!st)
        return -ENOMEM;
    int rc = validate_transition(st, oldsid, newsid, tasksid, tclass);
    ss_leave(r);
    return rc;
}
