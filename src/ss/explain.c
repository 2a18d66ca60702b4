/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Explaining a decision: for each permission of a request, the rule that
 * grants it, or every check that denies it and what would change that.
 *
 * Design decisions:
 *
 *  - The decision is recomputed here step by step (type enforcement,
 *    constraints, the role check of a domain transition, type bounds) in
 *    the order and with the semantics compute.c applies them, because the
 *    explanation needs what compute_av throws away: which rule, which
 *    constraint and which part of it, which conditional.  compute.c stays
 *    the fast path with no strings; a test (ss-explain) checks on every
 *    policy of the corpus that both give the same allowed vector.
 *  - The first check that denies a permission is the primary reason (the
 *    one libsepol's reason flags name: SEPOL_COMPUTEAV_TE, _CONS, _RBAC,
 *    _BOUNDS); later checks that would deny it too are reported as well,
 *    marked secondary, since fixing only the first would not be enough.
 *    Bounds are reported only as a primary reason: they depend on what the
 *    earlier checks left.
 *  - A constraint counts as MLS when any of its comparisons is on levels
 *    (libsepol makes the same split when it prints constrain/mlsconstrain).
 *  - Every reason is collected, with its strings, inside the read section;
 *    the caller's function is called only after it is left, so it may call
 *    back into the server (even a writer) without deadlocking.
 *  - Names from the policy are escaped (\xHH for any byte outside '!'..'~'
 *    and for '\'), so every string handed out is printable ASCII.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "state.h"

/* ---- text ---- */

struct text {
    char *s;
    size_t len, cap;
    bool oom;
};

static bool tx_room(struct text *t, size_t more)
{
    if (t->oom)
        return false;
    if (more < t->cap - t->len)
        return true;
    size_t cap = t->cap ? t->cap : 256;
    while (cap - t->len <= more) {
        if (cap > SIZE_MAX / 4) {
            t->oom = true;
            return false;
        }
        cap *= 2;
    }
    char *ns = realloc(t->s, cap);
    if (!ns) {
        t->oom = true;
        return false;
    }
    t->s = ns;
    t->cap = cap;
    return true;
}

static void tx_printf(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void tx_printf(struct text *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || !tx_room(t, (size_t)n)) {
        t->oom = true;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(t->s + t->len, t->cap - t->len, fmt, ap);
    va_end(ap);
    t->len += (size_t)n;
}

/* A name from the policy, escaped. */
static void tx_name(struct text *t, const char *name)
{
    if (!name) {
        tx_printf(t, "?");
        return;
    }
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        if (*p < '!' || *p > '~' || *p == '\\')
            tx_printf(t, "\\x%02x", *p);
        else if (tx_room(t, 1)) {
            t->s[t->len++] = (char)*p;
            t->s[t->len] = '\0';
        }
    }
}

static void tx_clear(struct text *t)
{
    t->len = 0;
    if (t->s)
        t->s[0] = '\0';
}

static const char *tx_str(const struct text *t)
{
    return t->s && t->len ? t->s : "";
}

/* ---- collected reasons ---- */

#define NO_STR SIZE_MAX

struct rec {
    enum ss_why kind;
    uint32_t perm, flags, index;
    int value;
    size_t name, rule, detail; /* offsets into the pool, or NO_STR */
};

struct recs {
    struct rec *r;
    size_t n, cap;
    struct text pool;
    bool oom;
};

static size_t pool_add(struct recs *l, const char *s)
{
    if (!s)
        return NO_STR;
    size_t off = l->pool.len;
    tx_printf(&l->pool, "%s", s);
    if (!tx_room(&l->pool, 1)) {
        l->oom = true;
        return NO_STR;
    }
    l->pool.len++; /* keep the NUL: strings are stored back to back */
    l->pool.s[l->pool.len] = '\0';
    return off;
}

static void add(struct recs *l, enum ss_why kind, uint32_t perm, uint32_t flags, uint32_t index,
                int value, const char *name, const char *rule, const char *detail)
{
    if (l->oom)
        return;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        struct rec *nr = realloc(l->r, cap * sizeof(*nr));
        if (!nr) {
            l->oom = true;
            return;
        }
        l->r = nr;
        l->cap = cap;
    }
    struct rec *r = &l->r[l->n++];
    *r = (struct rec){kind, perm, flags, index, value, NO_STR, NO_STR, NO_STR};
    r->name = pool_add(l, name);
    r->rule = pool_add(l, rule);
    r->detail = pool_add(l, detail);
    if (l->pool.oom)
        l->oom = true;
}

/* ---- names ---- */

struct ex {
    const struct ss_state *st;
    const struct ss_policy *p;
    const struct ss_context *s, *t;
    uint16_t cls;
    struct recs out;
    struct text a, b, c; /* scratch: rule, detail, name */
};

static const char *type_name(const struct ss_policy *p, uint32_t v)
{
    return v && v <= p->nprim[SS_SYM_TYPES] ? p->types[v - 1].name : NULL;
}

static const char *perm_name(const struct ss_policy *p, uint16_t cls, uint32_t bit)
{
    const struct ss_class *c = &p->classes[cls - 1];
    return bit < c->nperms ? c->perm[bit] : NULL;
}

/* "{ a b c }" or "a" for the bits of v. */
static void tx_perms(struct text *t, const struct ss_policy *p, uint16_t cls, uint32_t v)
{
    bool many = (v & (v - 1)) != 0;
    if (many)
        tx_printf(t, "{ ");
    for (uint32_t bit = 0; bit < 32; bit++) {
        if (!(v & (1U << bit)))
            continue;
        tx_name(t, perm_name(p, cls, bit));
        if (many)
            tx_printf(t, " ");
    }
    if (many)
        tx_printf(t, "}");
}

static void tx_allow(struct text *t, const struct ss_policy *p, uint32_t sv, uint32_t tv,
                     uint16_t cls, uint32_t perms)
{
    tx_printf(t, "allow ");
    tx_name(t, type_name(p, sv));
    tx_printf(t, " ");
    tx_name(t, type_name(p, tv));
    tx_printf(t, ":");
    tx_name(t, p->classes[cls - 1].name);
    tx_printf(t, " ");
    tx_perms(t, p, cls, perms);
    tx_printf(t, ";");
}

static void tx_level(struct text *t, const struct ss_policy *p, const struct ss_level *l)
{
    tx_name(t, l->sens && l->sens <= p->nsens ? p->sens[l->sens - 1].name : NULL);
    char sep = ':';
    for (uint32_t c = ss_ebm_next(&l->cat, 0); c != UINT32_MAX;) {
        uint32_t e = c;
        while (e + 1 != 0 && ss_ebm_next(&l->cat, e + 1) == e + 1)
            e++;
        tx_printf(t, "%c", sep);
        tx_name(t, c < p->ncats ? p->catname[c] : NULL);
        if (e > c) {
            tx_printf(t, "%c", e > c + 1 ? '.' : ',');
            tx_name(t, e < p->ncats ? p->catname[e] : NULL);
        }
        sep = ',';
        c = e + 1 != 0 ? ss_ebm_next(&l->cat, e + 1) : UINT32_MAX;
    }
}

/* ---- the decision, step by step (as compute.c) ---- */

struct parts {
    uint32_t te, cons, role, final;
    uint32_t bound_s, bound_t; /* the types of the bounds check that masked, if any */
};

/* The type-enforcement vectors, from the same code as the decision's. */
static uint32_t te_allowed(const struct ss_policy *p, uint32_t stype, uint32_t ttype, uint16_t cls,
                           uint32_t *auditallow, uint32_t *auditdeny)
{
    struct ss_av_decision avd = {.auditdeny = 0xffffffffU};
    ss_te_av(p, stype, ttype, cls, &avd);
    if (auditallow)
        *auditallow = avd.auditallow;
    if (auditdeny)
        *auditdeny = avd.auditdeny;
    return avd.allowed;
}

/*
 * A constraint as a tree, each node with its value.  Validation guarantees
 * a well-formed postfix expression no deeper than SS_CEXPR_MAXDEPTH.  That
 * bounds the operand stack, not the tree: a chain of 'not's, or of 'and's
 * each taking one new leaf, is as deep as the expression is long, and only
 * the image's size bounds that.  So the tree is walked without recursion,
 * going back up through each node's parent ('up').
 */
#define CT_NONE UINT32_MAX

struct cnode {
    const struct ss_cexpr *e;
    uint32_t kid[2]; /* CT_NONE where there is none */
    uint32_t up;     /* the parent; CT_NONE at the root */
    bool val;
};

static bool cnode_inner(const struct cnode *nd)
{
    return nd->e->type == SS_CEXPR_NOT || nd->e->type == SS_CEXPR_AND || nd->e->type == SS_CEXPR_OR;
}

struct ctree {
    struct cnode *n;
    uint32_t root;
    bool val;
};

static int ctree_build(const struct ss_policy *p, const struct ss_context *s,
                       const struct ss_context *t, const struct ss_constraint *c, struct ctree *out)
{
    uint32_t stack[SS_CEXPR_MAXDEPTH + 1] = {0};
    int sp = -1;
    bool abort = false;
    out->n = malloc((c->nexpr ? c->nexpr : 1) * sizeof(*out->n));
    if (!out->n)
        return -ENOMEM;
    for (uint32_t i = 0; i < c->nexpr; i++) {
        struct cnode *nd = &out->n[i];
        nd->e = &c->expr[i];
        nd->kid[0] = nd->kid[1] = nd->up = CT_NONE;
        int need = nd->e->type == SS_CEXPR_NOT                                 ? 0
                   : nd->e->type == SS_CEXPR_AND || nd->e->type == SS_CEXPR_OR ? 1
                                                                               : -1;
        /* The reader refuses malformed expressions; this only keeps the stack in bounds. */
        if (sp < need || (need < 0 && sp >= SS_CEXPR_MAXDEPTH)) {
            free(out->n);
            out->n = NULL;
            return -EINVAL;
        }
        switch (nd->e->type) {
        case SS_CEXPR_NOT:
            nd->kid[0] = stack[sp];
            out->n[nd->kid[0]].up = i;
            nd->val = !out->n[nd->kid[0]].val;
            stack[sp] = i;
            break;
        case SS_CEXPR_AND:
        case SS_CEXPR_OR:
            nd->kid[0] = stack[sp - 1];
            nd->kid[1] = stack[sp];
            out->n[nd->kid[0]].up = i;
            out->n[nd->kid[1]].up = i;
            nd->val = nd->e->type == SS_CEXPR_AND
                          ? out->n[nd->kid[0]].val && out->n[nd->kid[1]].val
                          : out->n[nd->kid[0]].val || out->n[nd->kid[1]].val;
            stack[--sp] = i;
            break;
        default: {
            /* No third context in an access decision: a leaf that names one fails the whole. */
            int v = ss_cexpr_leaf(p, s, t, NULL, nd->e);
            abort = abort || v < 0;
            nd->val = v > 0;
            stack[++sp] = i;
            break;
        }
        }
    }
    if (sp != 0) {
        free(out->n);
        out->n = NULL;
        return -EINVAL;
    }
    out->root = stack[0];
    out->val = !abort && out->n[out->root].val;
    return 0;
}

static bool cons_is_mls(const struct ss_constraint *c)
{
    for (uint32_t i = 0; i < c->nexpr; i++)
        if (c->expr[i].type == SS_CEXPR_ATTR && c->expr[i].attr >= SS_CEXPR_L1L2)
            return true;
    return false;
}

/*
 * context_parts, bounds and final_of recurse along the bounding types, as
 * compute.c's context_av does.  The depth is bounded by the policy:
 * validate.c refuses a type whose bounds chain has more than 3 links.
 */
/* NOLINTBEGIN(misc-no-recursion) */
static void context_parts(const struct ss_state *st, const struct ss_context *s,
                          const struct ss_context *t, uint16_t cls, struct parts *pt);

static uint32_t final_of(const struct ss_state *st, const struct ss_context *s,
                         const struct ss_context *t, uint16_t cls)
{
    struct parts q;
    context_parts(st, s, t, cls, &q);
    return q.final;
}

static void bounds(const struct ss_state *st, const struct ss_context *s,
                   const struct ss_context *t, uint16_t cls, struct parts *pt)
{
    const struct ss_policy *p = st->pol;
    uint32_t sb = p->types[s->type - 1].bounds, tb = p->types[t->type - 1].bounds;
    struct ss_context ls = *s, lt = *t;
    uint32_t a = pt->role;
    pt->final = a;
    ls.type = sb;
    lt.type = tb;
    if (st->sem != SS_SEM_XEN) {
        /* libsepol: only a bounded source, checked against its bound (and the target's) */
        if (!sb)
            return;
        const struct ss_context *tt = tb ? &lt : t;
        uint32_t lo = final_of(st, &ls, tt, cls);
        if ((lo & a) != a) {
            pt->final = a & lo;
            pt->bound_s = sb;
            pt->bound_t = tt->type;
        }
        return;
    }
    /* Xen: up to three recomputations, stopping at the first that masks nothing */
    const struct ss_context *cand[3][2] = {{&ls, t}, {s, &lt}, {&ls, &lt}};
    bool use[3] = {sb != 0, tb != 0, sb && tb};
    uint32_t masked = 0, ms = 0, mt = 0;
    for (int i = 0; i < 3; i++) {
        if (!use[i])
            continue;
        uint32_t lo = final_of(st, cand[i][0], cand[i][1], cls);
        if ((lo & a) == a)
            return;
        masked = ~lo & a;
        ms = cand[i][0]->type;
        mt = cand[i][1]->type;
    }
    if (masked) {
        pt->final = a & ~masked;
        pt->bound_s = ms;
        pt->bound_t = mt;
    }
}

static void context_parts(const struct ss_state *st, const struct ss_context *s,
                          const struct ss_context *t, uint16_t cls, struct parts *pt)
{
    const struct ss_policy *p = st->pol;
    memset(pt, 0, sizeof(*pt));
    pt->te = te_allowed(p, s->type, t->type, cls, NULL, NULL);
    pt->cons = pt->te;
    const struct ss_class *c = &p->classes[cls - 1];
    for (uint32_t i = 0; i < c->ncons; i++) {
        if (!(c->cons[i].perms & pt->cons))
            continue;
        struct ctree tr;
        /* Out of memory: judge it failed, as the caller learns of -ENOMEM anyway. */
        bool ok = ctree_build(p, s, t, &c->cons[i], &tr) == 0 && tr.val;
        free(tr.n);
        if (!ok)
            pt->cons &= ~c->cons[i].perms;
    }
    pt->role = pt->cons;
    bool xen = st->sem == SS_SEM_XEN;
    uint16_t pc = xen ? p->domain_class : p->process_class;
    uint32_t trn = xen ? p->domain_trans : p->process_trans;
    if (pc && cls == pc && (pt->role & trn) && s->role != t->role) {
        uint32_t i;
        for (i = 0; i < p->nroleallow; i++)
            if (p->roleallow[i].role == s->role && p->roleallow[i].new_role == t->role)
                break;
        if (i == p->nroleallow)
            pt->role &= ~trn;
    }
    bounds(st, s, t, cls, pt);
}
/* NOLINTEND(misc-no-recursion) */

/* ---- reasons ---- */

/* A conditional expression in C-like infix. */
static void tx_cond(struct text *t, const struct ss_policy *p, const struct ss_condnode *c)
{
    /* Each sub-expression's text is built in its own buffer, then joined. */
    struct text stack[10];
    int sp = -1;
    memset(stack, 0, sizeof(stack));
    for (uint32_t i = 0; i < c->nexpr; i++) {
        const struct ss_condexpr *e = &c->expr[i];
        if (e->type == SS_COND_BOOL) {
            if (sp == 9)
                break;
            struct text *x = &stack[++sp];
            tx_clear(x);
            tx_name(x, p->bools[e->boolv - 1].name);
        } else if (e->type == SS_COND_NOT && sp >= 0) {
            struct text n = {0};
            tx_printf(&n, "!%s", tx_str(&stack[sp]));
            free(stack[sp].s);
            stack[sp] = n;
        } else if (sp >= 1) {
            static const char *const op[] = {"||", "&&", "^", "==", "!="};
            struct text n = {0};
            const char *o =
                e->type >= SS_COND_OR && e->type <= SS_COND_NEQ ? op[e->type - SS_COND_OR] : "?";
            tx_printf(&n, "(%s %s %s)", tx_str(&stack[sp - 1]), o, tx_str(&stack[sp]));
            free(stack[sp].s);
            free(stack[sp - 1].s);
            memset(&stack[sp], 0, sizeof(stack[sp]));
            stack[--sp] = n;
        }
    }
    if (sp >= 0) {
        const char *r = tx_str(&stack[0]);
        size_t n = strlen(r);
        /* the outer parentheses say nothing */
        if (n > 1 && r[0] == '(' && r[n - 1] == ')')
            tx_printf(t, "%.*s", (int)(n - 2), r + 1);
        else
            tx_printf(t, "%s", r);
    }
    for (int i = 0; i < 10; i++) {
        if (stack[i].oom)
            t->oom = true;
        free(stack[i].s);
    }
}

/* The conditional node holding condav entry k, and in which branch (true: 1). */
static const struct ss_condnode *cond_owner(const struct ss_policy *p, uint32_t k, bool *branch)
{
    for (uint32_t i = 0; i < p->ncond; i++) {
        const struct ss_condnode *c = &p->condnodes[i];
        for (uint32_t j = 0; j < c->ntrue; j++)
            if (c->truel[j] == k) {
                *branch = true;
                return c;
            }
        for (uint32_t j = 0; j < c->nfalse; j++)
            if (c->falsel[j] == k) {
                *branch = false;
                return c;
            }
    }
    return NULL;
}

static bool seen_bool(const uint32_t *seen, uint32_t n, uint32_t node, uint32_t b)
{
    for (uint32_t i = 0; i < n; i++)
        if (seen[(size_t)2 * i] == node && seen[(size_t)2 * i + 1] == b)
            return true;
    return false;
}

/*
 * Conditional allow rules for bit that are switched off: one BOOLEAN reason
 * per boolean of each such conditional.  Returns how many were added.
 */
static uint32_t why_booleans(struct ex *x, uint32_t bit, uint32_t flags)
{
    const struct ss_policy *p = x->p;
    const struct ss_type *s = &p->types[x->s->type - 1], *t = &p->types[x->t->type - 1];
    uint32_t added = 0, nseen = 0, capseen = 0, *seen = NULL;
    for (uint32_t i = 0; i < s->nsrc; i++)
        for (uint32_t j = 0; j < t->ntgt; j++) {
            const struct ss_aventry *e = ss_avtab_get(&p->te, s->src[i], t->tgt[j], x->cls, 0, 0);
            if (!e || !e->aux)
                continue;
            for (uint32_t k = p->avaux[e->aux - 1].cond; k; k = p->condav[k - 1].next) {
                const struct ss_condent *ce = &p->condav[k - 1];
                if (ce->enabled || ce->spec != SS_AVTAB_ALLOWED || !(ce->data & bit))
                    continue;
                bool branch;
                const struct ss_condnode *c = cond_owner(p, k - 1, &branch);
                if (!c)
                    continue;
                uint32_t node = (uint32_t)(c - p->condnodes);
                for (uint32_t q = 0; q < c->nexpr; q++) {
                    uint32_t b = c->expr[q].boolv;
                    if (c->expr[q].type != 1 || seen_bool(seen, nseen, node, b))
                        continue;
                    if (nseen == capseen) {
                        uint32_t cap = capseen ? capseen * 2 : 8;
                        uint32_t *ns = realloc(seen, (size_t)2 * cap * sizeof(*ns));
                        if (!ns) {
                            x->out.oom = true;
                            free(seen);
                            return added;
                        }
                        seen = ns;
                        capseen = cap;
                    }
                    seen[(size_t)2 * nseen] = node;
                    seen[(size_t)2 * nseen + 1] = b;
                    nseen++;
                    tx_clear(&x->a);
                    tx_clear(&x->b);
                    tx_clear(&x->c);
                    tx_allow(&x->a, p, s->src[i], t->tgt[j], x->cls, bit);
                    tx_printf(&x->b, "if (");
                    tx_cond(&x->b, p, c);
                    tx_printf(&x->b, ") holds the rule in its %s branch; the condition is %s now",
                              branch ? "true" : "false", c->cur_state > 0 ? "true" : "false");
                    tx_name(&x->c, p->bools[b - 1].name);
                    uint32_t f = flags;
                    if (ss_cond_eval(p, c, b) == (branch ? 1 : 0))
                        f |= SS_WHY_F_ALONE;
                    add(&x->out, SS_WHY_BOOLEAN, bit, f, b - 1, p->bools[b - 1].state != 0,
                        tx_str(&x->c), tx_str(&x->a), tx_str(&x->b));
                    added++;
                }
            }
        }
    free(seen);
    return added;
}

#define MAX_LISTED 8

static void why_te(struct ex *x, uint32_t bit)
{
    const struct ss_policy *p = x->p;
    const struct ss_type *s = &p->types[x->s->type - 1], *t = &p->types[x->t->type - 1];
    tx_clear(&x->a);
    tx_clear(&x->b);
    tx_allow(&x->a, p, x->s->type, x->t->type, x->cls, bit);
    /* Where else a rule could go: the attributes that carry rules. */
    tx_printf(&x->b, "rules for the source may name:");
    for (uint32_t i = 0; i < s->nsrc; i++) {
        tx_printf(&x->b, " ");
        tx_name(&x->b, type_name(p, s->src[i]));
    }
    if (!s->nsrc)
        tx_printf(&x->b, " (it has no rule as a source)");
    tx_printf(&x->b, "; for the target:");
    for (uint32_t j = 0; j < t->ntgt; j++) {
        tx_printf(&x->b, " ");
        tx_name(&x->b, type_name(p, t->tgt[j]));
    }
    if (!t->ntgt)
        tx_printf(&x->b, " (it has no rule as a target)");
    /* The rules these types already have in the class. */
    uint32_t listed = 0, more = 0;
    for (uint32_t i = 0; i < s->nsrc; i++)
        for (uint32_t j = 0; j < t->ntgt; j++) {
            const struct ss_aventry *e = ss_avtab_get(&p->te, s->src[i], t->tgt[j], x->cls, 0, 0);
            if (!e || !e->data)
                continue;
            if (listed == MAX_LISTED) {
                more++;
                continue;
            }
            tx_printf(&x->b, listed ? " " : "; rules they have in this class: ");
            tx_allow(&x->b, p, s->src[i], t->tgt[j], x->cls, e->data);
            listed++;
        }
    if (more)
        tx_printf(&x->b, " (and %u more)", more);
    if (!listed)
        tx_printf(&x->b, "; they have no unconditional rule in this class");
    add(&x->out, SS_WHY_TE, bit, 0, 0, 0, NULL, tx_str(&x->a), tx_str(&x->b));
}

static const char *op_name(uint32_t op)
{
    switch (op) {
    case SS_CEXPR_EQ:
        return "==";
    case SS_CEXPR_NEQ:
        return "!=";
    case SS_CEXPR_DOM:
        return "dom";
    case SS_CEXPR_DOMBY:
        return "domby";
    default:
        return "incomp";
    }
}

/* The operand names of an ATTR comparison ("l1", "h2", ...). */
static void attr_operands(uint32_t attr, const char **a, const char **b)
{
    switch (attr) {
    case SS_CEXPR_USER:
        *a = "u1", *b = "u2";
        break;
    case SS_CEXPR_ROLE:
        *a = "r1", *b = "r2";
        break;
    case SS_CEXPR_TYPE:
        *a = "t1", *b = "t2";
        break;
    case SS_CEXPR_L1L2:
        *a = "l1", *b = "l2";
        break;
    case SS_CEXPR_L1H2:
        *a = "l1", *b = "h2";
        break;
    case SS_CEXPR_H1L2:
        *a = "h1", *b = "l2";
        break;
    case SS_CEXPR_H1H2:
        *a = "h1", *b = "h2";
        break;
    case SS_CEXPR_L1H1:
        *a = "l1", *b = "h1";
        break;
    case SS_CEXPR_L2H2:
        *a = "l2", *b = "h2";
        break;
    default:
        *a = "?", *b = "?";
        break;
    }
}

static const char *names_operand(uint32_t attr)
{
    int who = (attr & SS_CEXPR_XTARGET) ? 3 : (attr & SS_CEXPR_TARGET) ? 2 : 1;
    int what = (attr & SS_CEXPR_USER) ? 0 : (attr & SS_CEXPR_ROLE) ? 1 : 2;
    static const char *const tab[3][3] = {
        {"u1", "u2", "u3"}, {"r1", "r2", "r3"}, {"t1", "t2", "t3"}};
    return tab[what][who - 1];
}

static const char *sym_name(const struct ss_policy *p, uint32_t attr, uint32_t v)
{
    if (attr & SS_CEXPR_USER)
        return v && v <= p->nprim[SS_SYM_USERS] ? p->users[v - 1].name : NULL;
    if (attr & SS_CEXPR_ROLE)
        return v && v <= p->nprim[SS_SYM_ROLES] ? p->roles[v - 1].name : NULL;
    return type_name(p, v);
}

static void tx_leaf(struct text *t, const struct ss_policy *p, const struct ss_cexpr *e)
{
    if (e->type == SS_CEXPR_NAMES) {
        uint32_t n = ss_ebm_count(&e->names), shown = 0;
        tx_printf(t, "%s %s ", names_operand(e->attr), op_name(e->op));
        if (n != 1)
            tx_printf(t, "{ ");
        for (uint32_t b = ss_ebm_next(&e->names, 0); b != UINT32_MAX;
             b = ss_ebm_next(&e->names, b + 1)) {
            if (shown == 16) {
                tx_printf(t, "... (%u in all) ", n);
                break;
            }
            tx_name(t, sym_name(p, e->attr, b + 1));
            tx_printf(t, n != 1 ? " " : "");
            shown++;
        }
        if (n != 1)
            tx_printf(t, "}");
        return;
    }
    const char *a, *b;
    attr_operands(e->attr, &a, &b);
    tx_printf(t, "%s %s %s", a, op_name(e->op), b);
}

/*
 * The constraint in the policy language's infix: "not (X)", "(X and Y)",
 * "(X or Y)".  Depth first, kids left to right; 'from' is the kid just
 * finished, CT_NONE on the way down.
 */
static void tx_cexpr(struct text *t, const struct ss_policy *p, const struct ctree *tr)
{
    uint32_t i = tr->root, from = CT_NONE;
    while (i != CT_NONE) {
        const struct cnode *nd = &tr->n[i];
        if (!cnode_inner(nd)) {
            tx_leaf(t, p, nd->e);
        } else if (from == CT_NONE) {
            tx_printf(t, nd->e->type == SS_CEXPR_NOT ? "not (" : "(");
            i = nd->kid[0];
            continue;
        } else if (from == nd->kid[0] && nd->e->type != SS_CEXPR_NOT) {
            tx_printf(t, nd->e->type == SS_CEXPR_AND ? " and " : " or ");
            i = nd->kid[1];
            from = CT_NONE;
            continue;
        } else {
            tx_printf(t, ")");
        }
        from = i; /* node i is done: back to its parent */
        i = nd->up;
    }
}

/* What a comparison looked at: "u1=user_1 u2=user_2". */
static void tx_leaf_values(struct text *t, const struct ex *x, const struct ss_cexpr *e)
{
    const struct ss_policy *p = x->p;
    if (e->type == SS_CEXPR_NAMES) {
        if (e->attr & SS_CEXPR_XTARGET) {
            tx_printf(t, "no third context in an access check");
            return;
        }
        const struct ss_context *c = (e->attr & SS_CEXPR_TARGET) ? x->t : x->s;
        uint32_t v = (e->attr & SS_CEXPR_USER)   ? c->user
                     : (e->attr & SS_CEXPR_ROLE) ? c->role
                                                 : c->type;
        tx_printf(t, "%s=", names_operand(e->attr));
        tx_name(t, sym_name(p, e->attr, v));
        return;
    }
    const char *an, *bn;
    attr_operands(e->attr, &an, &bn);
    const struct ss_level *l[2] = {NULL, NULL};
    uint32_t v[2] = {0, 0}, kind = e->attr;
    switch (e->attr) {
    case SS_CEXPR_USER:
        v[0] = x->s->user, v[1] = x->t->user;
        break;
    case SS_CEXPR_ROLE:
        v[0] = x->s->role, v[1] = x->t->role;
        break;
    case SS_CEXPR_TYPE:
        v[0] = x->s->type, v[1] = x->t->type;
        break;
    case SS_CEXPR_L1L2:
        l[0] = &x->s->range.l[0], l[1] = &x->t->range.l[0];
        break;
    case SS_CEXPR_L1H2:
        l[0] = &x->s->range.l[0], l[1] = &x->t->range.l[1];
        break;
    case SS_CEXPR_H1L2:
        l[0] = &x->s->range.l[1], l[1] = &x->t->range.l[0];
        break;
    case SS_CEXPR_H1H2:
        l[0] = &x->s->range.l[1], l[1] = &x->t->range.l[1];
        break;
    case SS_CEXPR_L1H1:
        l[0] = &x->s->range.l[0], l[1] = &x->s->range.l[1];
        break;
    case SS_CEXPR_L2H2:
        l[0] = &x->t->range.l[0], l[1] = &x->t->range.l[1];
        break;
    default:
        return;
    }
    for (int i = 0; i < 2; i++) {
        tx_printf(t, "%s%s=", i ? " " : "", i ? bn : an);
        if (l[i])
            tx_level(t, p, l[i]);
        else
            tx_name(t, sym_name(p,
                                kind == SS_CEXPR_USER   ? SS_CEXPR_USER
                                : kind == SS_CEXPR_ROLE ? SS_CEXPR_ROLE
                                                        : SS_CEXPR_TYPE,
                                v[i]));
    }
}

/*
 * The comparisons that made the constraint false: starting at the root,
 * which should have been true, a node that came out as it should is left
 * alone; one that did not passes the question on to its kids (a failed
 * 'and' blames its false parts, a failed 'or' both), a 'not' inverted.
 * Walked as tx_cexpr walks, 'want' being what node i should have been.
 */
static void blame(struct text *t, const struct ex *x, const struct ctree *tr, unsigned *count)
{
    uint32_t i = tr->root, from = CT_NONE;
    bool want = true;
    while (i != CT_NONE) {
        const struct cnode *nd = &tr->n[i];
        if (from == CT_NONE && nd->val != want) {
            if (cnode_inner(nd)) {
                if (nd->e->type == SS_CEXPR_NOT)
                    want = !want;
                i = nd->kid[0];
                continue;
            }
            tx_printf(t, "%s", (*count)++ ? "; " : "");
            tx_leaf(t, x->p, nd->e);
            tx_printf(t, " is %s (", nd->val ? "true" : "false");
            tx_leaf_values(t, x, nd->e);
            tx_printf(t, ")");
        } else if (from != CT_NONE && from == nd->kid[0] && nd->e->type != SS_CEXPR_NOT) {
            i = nd->kid[1];
            from = CT_NONE;
            continue;
        }
        /* node i is done: back to its parent, and to what the parent should have been */
        from = i;
        i = nd->up;
        if (i != CT_NONE && tr->n[i].e->type == SS_CEXPR_NOT)
            want = !want;
    }
}

static void why_constraints(struct ex *x, uint32_t bit, uint32_t flags)
{
    const struct ss_policy *p = x->p;
    const struct ss_class *c = &p->classes[x->cls - 1];
    for (uint32_t i = 0; i < c->ncons; i++) {
        const struct ss_constraint *k = &c->cons[i];
        if (!(k->perms & bit))
            continue;
        struct ctree tr;
        if (ctree_build(p, x->s, x->t, k, &tr)) {
            x->out.oom = true;
            return;
        }
        if (!tr.val) {
            bool mls = cons_is_mls(k);
            unsigned n = 0;
            tx_clear(&x->a);
            tx_clear(&x->b);
            tx_printf(&x->a, "%s ", mls ? "mlsconstrain" : "constrain");
            tx_name(&x->a, c->name);
            tx_printf(&x->a, " ");
            tx_perms(&x->a, p, x->cls, k->perms);
            tx_printf(&x->a, " ");
            /* 'and' and 'or' bring their parentheses; the grammar wants one pair around all */
            bool bare =
                tr.n[tr.root].e->type != SS_CEXPR_AND && tr.n[tr.root].e->type != SS_CEXPR_OR;
            tx_printf(&x->a, bare ? "(" : "");
            tx_cexpr(&x->a, p, &tr);
            tx_printf(&x->a, bare ? ");" : ";");
            blame(&x->b, x, &tr, &n);
            if (!n)
                tx_printf(&x->b, "the expression refers to a third context, which an access check "
                                 "does not have");
            add(&x->out, mls ? SS_WHY_MLS : SS_WHY_CONSTRAINT, bit, flags, i, 0, NULL,
                tx_str(&x->a), tx_str(&x->b));
            flags |= SS_WHY_F_SECONDARY;
        }
        free(tr.n);
    }
}

static void why_role(struct ex *x, uint32_t bit, uint32_t flags)
{
    const struct ss_policy *p = x->p;
    tx_clear(&x->a);
    tx_clear(&x->b);
    tx_printf(&x->a, "allow ");
    tx_name(&x->a, p->roles[x->s->role - 1].name);
    tx_printf(&x->a, " ");
    tx_name(&x->a, p->roles[x->t->role - 1].name);
    tx_printf(&x->a, ";");
    tx_printf(&x->b, "a transition from role ");
    tx_name(&x->b, p->roles[x->s->role - 1].name);
    tx_printf(&x->b, " to role ");
    tx_name(&x->b, p->roles[x->t->role - 1].name);
    tx_printf(&x->b, " needs a role allow rule, and the policy has none");
    add(&x->out, SS_WHY_ROLE, bit, flags, 0, 0, NULL, tx_str(&x->a), tx_str(&x->b));
}

static void why_bounds(struct ex *x, uint32_t bit, const struct parts *pt)
{
    const struct ss_policy *p = x->p;
    bool src = pt->bound_s != x->s->type;
    uint32_t named = src ? pt->bound_s : pt->bound_t;
    tx_clear(&x->a);
    tx_clear(&x->b);
    tx_clear(&x->c);
    tx_allow(&x->a, p, pt->bound_s, pt->bound_t, x->cls, bit);
    tx_name(&x->c, type_name(p, named));
    tx_printf(&x->b, "the %s type ", src ? "source" : "target");
    tx_name(&x->b, type_name(p, src ? x->s->type : x->t->type));
    tx_printf(&x->b, " is bounded by ");
    tx_name(&x->b, type_name(p, named));
    tx_printf(&x->b, " (typebounds), and a bounded type gets nothing its bound is denied: ");
    tx_name(&x->b, type_name(p, pt->bound_s));
    tx_printf(&x->b, " is denied ");
    tx_name(&x->b, perm_name(p, x->cls, (uint32_t)__builtin_ctz(bit)));
    tx_printf(&x->b, " on ");
    tx_name(&x->b, type_name(p, pt->bound_t));
    add(&x->out, SS_WHY_BOUNDS, bit, 0, 0, 0, tx_str(&x->c), tx_str(&x->a), tx_str(&x->b));
}

/* The rule that grants bit: an unconditional one first, else an enabled conditional one. */
static void why_allowed(struct ex *x, uint32_t bit)
{
    const struct ss_policy *p = x->p;
    const struct ss_type *s = &p->types[x->s->type - 1], *t = &p->types[x->t->type - 1];
    for (int pass = 0; pass < 2; pass++)
        for (uint32_t i = 0; i < s->nsrc; i++)
            for (uint32_t j = 0; j < t->ntgt; j++) {
                const struct ss_aventry *e =
                    ss_avtab_get(&p->te, s->src[i], t->tgt[j], x->cls, 0, 0);
                if (!e)
                    continue;
                tx_clear(&x->a);
                tx_clear(&x->b);
                if (pass == 0 && (e->data & bit)) {
                    tx_allow(&x->a, p, s->src[i], t->tgt[j], x->cls, bit);
                    add(&x->out, SS_WHY_ALLOWED, bit, 0, 0, 0, NULL, tx_str(&x->a), NULL);
                    return;
                }
                for (uint32_t k = e->aux && pass ? p->avaux[e->aux - 1].cond : 0; k;
                     k = p->condav[k - 1].next) {
                    const struct ss_condent *ce = &p->condav[k - 1];
                    bool branch;
                    const struct ss_condnode *c;
                    if (!ce->enabled || ce->spec != SS_AVTAB_ALLOWED || !(ce->data & bit))
                        continue;
                    tx_allow(&x->a, p, s->src[i], t->tgt[j], x->cls, bit);
                    c = cond_owner(p, k - 1, &branch);
                    if (c) {
                        tx_printf(&x->b, "if (");
                        tx_cond(&x->b, p, c);
                        tx_printf(&x->b, ") holds the rule in its %s branch",
                                  branch ? "true" : "false");
                    }
                    add(&x->out, SS_WHY_ALLOWED, bit, 0, 0, 0, NULL, tx_str(&x->a),
                        c ? tx_str(&x->b) : NULL);
                    return;
                }
            }
    /* Granted with no rule: only a policy that allows what it does not define does that. */
    add(&x->out, SS_WHY_ALLOWED, bit, 0, 0, 0, NULL, NULL, NULL);
}

static void explain_perm(struct ex *x, uint32_t bit, const struct parts *pt)
{
    if (pt->final & bit) {
        why_allowed(x, bit);
        return;
    }
    const struct ss_policy *p = x->p;
    bool xen = x->st->sem == SS_SEM_XEN;
    uint16_t pc = xen ? p->domain_class : p->process_class;
    uint32_t trn = xen ? p->domain_trans : p->process_trans;
    uint32_t flags = 0;
    if (!(pt->te & bit)) {
        if (!why_booleans(x, bit, 0))
            why_te(x, bit);
        flags = SS_WHY_F_SECONDARY;
    }
    why_constraints(x, bit, flags);
    if (!(pt->cons & bit))
        flags = SS_WHY_F_SECONDARY;
    if (pc && x->cls == pc && (bit & trn) && x->s->role != x->t->role) {
        uint32_t i;
        for (i = 0; i < p->nroleallow; i++)
            if (p->roleallow[i].role == x->s->role && p->roleallow[i].new_role == x->t->role)
                break;
        if (i == p->nroleallow)
            why_role(x, bit, flags);
    }
    if ((pt->role & bit) && !(pt->final & bit))
        why_bounds(x, bit, pt);
}

static int explain(struct ex *x, ss_sid ssid, ss_sid tsid, uint16_t tclass, uint32_t perms,
                   struct ss_av_decision *avd)
{
    const struct ss_state *st = x->st;
    const struct ss_policy *p = st->pol;
    if (!p)
        return -ENODATA;
    x->p = p;
    x->s = ss_sid_ctx(st, ssid);
    x->t = ss_sid_ctx(st, tsid);
    if (!x->s || !x->t || !tclass || tclass > p->nprim[SS_SYM_CLASSES] ||
        !p->classes[tclass - 1].name)
        return -EINVAL;
    x->cls = tclass;
    const struct ss_class *c = &p->classes[tclass - 1];
    uint32_t defined = 0;
    for (uint32_t b = 0; b < c->nperms && b < 32; b++)
        if (c->perm[b])
            defined |= 1U << b;
    if (!perms)
        perms = defined;
    if (perms & ~defined)
        return -EINVAL;
    struct parts pt;
    context_parts(st, x->s, x->t, tclass, &pt);
    if (avd) {
        memset(avd, 0, sizeof(*avd));
        avd->allowed = pt.final;
        te_allowed(p, x->s->type, x->t->type, tclass, &avd->auditallow, &avd->auditdeny);
        avd->seqno = st->seqno;
        if (ss_ebm_get(&p->permissive, x->s->type))
            avd->flags |= SS_AVD_FLAGS_PERMISSIVE;
    }
    for (uint32_t b = 0; b < 32; b++)
        if (perms & (1U << b))
            explain_perm(x, 1U << b, &pt);
    return x->out.oom || x->a.oom || x->b.oom || x->c.oom ? -ENOMEM : 0;
}

int ss_explain(ss_ctx *ss, ss_sid ssid, ss_sid tsid, uint16_t tclass, uint32_t perms,
               int (*fn)(void *opaque, const struct ss_why_reason *r), void *opaque,
               struct ss_av_decision *avd)
{
    if (!ss || !fn)
        return -EINVAL;
    struct ex x;
    memset(&x, 0, sizeof(x));
    struct ss_av_decision mine;
    struct xrcu_reader *r;
    x.st = ss_enter(ss, &r);
    if (!x.st)
        return -ENOMEM;
    int rc = explain(&x, ssid, tsid, tclass, perms, &mine);
    /* Names of permissions are copied out too: the policy may go once we leave. */
    struct text pnames = {0};
    size_t *poff = NULL;
    if (!rc && x.out.n) {
        poff = malloc(x.out.n * sizeof(*poff));
        if (!poff)
            rc = -ENOMEM;
        for (size_t i = 0; poff && i < x.out.n; i++) {
            poff[i] = pnames.len;
            tx_name(&pnames, perm_name(x.p, tclass, (uint32_t)__builtin_ctz(x.out.r[i].perm)));
            if (tx_room(&pnames, 1))
                pnames.s[++pnames.len] = '\0';
        }
        if (pnames.oom)
            rc = -ENOMEM;
    }
    ss_leave(r);
    if (!rc && avd)
        *avd = mine;
    for (size_t i = 0; !rc && i < x.out.n; i++) {
        const struct rec *q = &x.out.r[i];
        const char *pool = x.out.pool.s;
        struct ss_why_reason w = {
            .kind = q->kind,
            .perm = q->perm,
            .perm_name = pnames.s + poff[i],
            .flags = q->flags,
            .index = q->index,
            .value = q->value,
            .name = q->name == NO_STR ? NULL : pool + q->name,
            .rule = q->rule == NO_STR ? NULL : pool + q->rule,
            .detail = q->detail == NO_STR ? NULL : pool + q->detail,
        };
        rc = fn(opaque, &w);
    }
    free(poff);
    free(pnames.s);
    free(x.out.r);
    free(x.out.pool.s);
    free(x.a.s);
    free(x.b.s);
    free(x.c.s);
    return rc;
}
