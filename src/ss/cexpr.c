/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Constraint expressions: one comparison (a leaf) and a whole postfix
 * expression.  Access decisions and validatetrans (compute.c) evaluate
 * whole expressions; the explainer (explain.c) builds a tree of the same
 * leaves to say which one failed.  Both take a leaf's value from here, so
 * an explanation can never disagree with the decision it explains.
 */
#include "state.h"

static bool level_eq(const struct ss_level *a, const struct ss_level *b)
{
    return a->sens == b->sens && ss_ebm_eq(&a->cat, &b->cat);
}

/* The result of a level comparison 'op' between l1 and l2. */
static bool level_cmp(uint32_t op, const struct ss_level *l1, const struct ss_level *l2)
{
    switch (op) {
    case SS_CEXPR_EQ:
        return level_eq(l1, l2);
    case SS_CEXPR_NEQ:
        return !level_eq(l1, l2);
    case SS_CEXPR_DOM:
        return ss_level_dom(l1, l2);
    case SS_CEXPR_DOMBY:
        return ss_level_dom(l2, l1);
    default: /* INCOMP */
        return !ss_level_dom(l1, l2) && !ss_level_dom(l2, l1);
    }
}

int ss_cexpr_leaf(const struct ss_policy *p, const struct ss_context *s, const struct ss_context *t,
                  const struct ss_context *x, const struct ss_cexpr *e)
{
    if (e->type == SS_CEXPR_NAMES) {
        const struct ss_context *c = s;
        if (e->attr & SS_CEXPR_TARGET)
            c = t;
        else if (e->attr & SS_CEXPR_XTARGET)
            c = x;
        if (c == NULL)
            return -1;
        uint32_t v = (e->attr & SS_CEXPR_USER)   ? c->user
                     : (e->attr & SS_CEXPR_ROLE) ? c->role
                                                 : c->type;
        bool in = ss_ebm_get(&e->names, v - 1);
        return e->op == SS_CEXPR_EQ ? in : !in;
    }
    const struct ss_range *sr = &s->range, *tr = &t->range;
    uint32_t v1 = 0, v2 = 0;
    switch (e->attr) {
    case SS_CEXPR_USER:
        v1 = s->user;
        v2 = t->user;
        break;
    case SS_CEXPR_TYPE:
        v1 = s->type;
        v2 = t->type;
        break;
    case SS_CEXPR_ROLE: {
        v1 = s->role;
        v2 = t->role;
        const struct ss_role *r1 = &p->roles[v1 - 1], *r2 = &p->roles[v2 - 1];
        if (e->op == SS_CEXPR_DOM)
            return ss_ebm_get(&r1->dominates, v2 - 1);
        if (e->op == SS_CEXPR_DOMBY)
            return ss_ebm_get(&r2->dominates, v1 - 1);
        if (e->op == SS_CEXPR_INCOMP)
            return !ss_ebm_get(&r1->dominates, v2 - 1) && !ss_ebm_get(&r2->dominates, v1 - 1);
        break;
    }
    case SS_CEXPR_L1L2:
        return level_cmp(e->op, &sr->l[0], &tr->l[0]);
    case SS_CEXPR_L1H2:
        return level_cmp(e->op, &sr->l[0], &tr->l[1]);
    case SS_CEXPR_H1L2:
        return level_cmp(e->op, &sr->l[1], &tr->l[0]);
    case SS_CEXPR_H1H2:
        return level_cmp(e->op, &sr->l[1], &tr->l[1]);
    case SS_CEXPR_L1H1:
        return level_cmp(e->op, &sr->l[0], &sr->l[1]);
    case SS_CEXPR_L2H2:
        return level_cmp(e->op, &tr->l[0], &tr->l[1]);
    default:
        break;
    }
    return e->op == SS_CEXPR_EQ ? v1 == v2 : v1 != v2;
}

bool ss_cexpr_eval(const struct ss_policy *p, const struct ss_context *s,
                   const struct ss_context *t, const struct ss_context *x,
                   const struct ss_constraint *c)
{
    int st[SS_CEXPR_MAXDEPTH];
    int sp = -1;
    for (uint32_t i = 0; i < c->nexpr; i++) {
        const struct ss_cexpr *e = &c->expr[i];
        /*
         * The reader admits only well-formed expressions (rd_constraints);
         * the stack is checked again here, as ss_cond_eval does for
         * conditionals, so that st[] stays in bounds on its own terms.
         */
        int operands = e->type == SS_CEXPR_NOT                             ? 1
                       : e->type == SS_CEXPR_AND || e->type == SS_CEXPR_OR ? 2
                                                                           : 0;
        if (sp + 1 < operands || (operands == 0 && sp + 1 == SS_CEXPR_MAXDEPTH))
            return false;
        switch (e->type) {
        case SS_CEXPR_NOT:
            st[sp] = !st[sp];
            break;
        case SS_CEXPR_AND:
            sp--;
            st[sp] = st[sp] && st[sp + 1];
            break;
        case SS_CEXPR_OR:
            sp--;
            st[sp] = st[sp] || st[sp + 1];
            break;
        default: {
            int v = ss_cexpr_leaf(p, s, t, x, e);
            if (v < 0)
                return false; /* names a third context the caller does not have */
            st[++sp] = v;
            break;
        }
        }
    }
    return sp == 0 && st[0];
}
