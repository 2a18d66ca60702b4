/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Conditional policy: the value of a node's boolean expression, and which
 * of its rules are enabled by the current boolean states.  The reader
 * admits only well-formed expressions no deeper than 10 (read.c); the
 * evaluator checks its stack again on its own terms.
 */
#include "ss_internal.h"

/*
 * A conditional expression's value (postfix, as the policy stores it), with
 * boolean 'flip' (0: none) read inverted, which is how the explainer asks
 * whether one boolean decides a rule.  -1 on a malformed expression, which
 * the reader does not admit.
 */
int ss_cond_eval(const struct ss_policy *p, const struct ss_condnode *c, uint32_t flip)
{
    int st[10];
    int sp = -1;
    for (uint32_t i = 0; i < c->nexpr; i++) {
        const struct ss_condexpr *e = &c->expr[i];
        switch (e->type) {
        case SS_COND_BOOL: {
            if (sp == 9)
                return -1;
            bool v = p->bools[e->boolv - 1].state != 0;
            st[++sp] = e->boolv == flip ? !v : v;
            break;
        }
        case SS_COND_NOT:
            if (sp < 0)
                return -1;
            st[sp] = !st[sp];
            break;
        default:
            if (sp < 1)
                return -1;
            sp--;
            switch (e->type) {
            case SS_COND_OR:
                st[sp] = st[sp] || st[sp + 1];
                break;
            case SS_COND_AND:
                st[sp] = st[sp] && st[sp + 1];
                break;
            case SS_COND_XOR:
                st[sp] = st[sp] ^ st[sp + 1];
                break;
            case SS_COND_EQ:
                st[sp] = st[sp] == st[sp + 1];
                break;
            case SS_COND_NEQ:
                st[sp] = st[sp] != st[sp + 1];
                break;
            default:
                return -1;
            }
        }
    }
    return sp == 0 ? st[0] : -1;
}

static void set_enabled(struct ss_policy *p, const uint32_t *l, uint32_t n, bool on)
{
    for (uint32_t i = 0; i < n; i++) {
        uint32_t v = l[i];
        struct ss_condent *e = (v & 0x80000000U) ? p->condty : p->condav;
        e[v & 0x7fffffffU].enabled = on;
    }
}

void ss_policy_eval_conds(struct ss_policy *p)
{
    for (uint32_t i = 0; i < p->ncond; i++) {
        struct ss_condnode *c = &p->condnodes[i];
        int st = ss_cond_eval(p, c, 0);
        c->cur_state = st;
        set_enabled(p, c->truel, c->ntrue, st > 0);
        set_enabled(p, c->falsel, c->nfalse, st == 0);
    }
}
