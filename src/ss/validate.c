/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Validation of a parsed policy, and the derived lookup structures.
 *
 * The reader only guarantees that the image was consumed within bounds.
 * This pass checks every cross reference (values in range, defined, of the
 * right flavour; bitmaps within their tables; contexts valid) so that the
 * services may index arrays without further checks.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ss_internal.h"

static int verr(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int verr(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (errlen)
        vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -EINVAL;
}

#define FAIL(...) return verr(err, errlen, __VA_ARGS__)

static bool ebm_within(const struct ss_ebm *e, uint32_t n)
{
    return e->highbit == 0 || ss_ebm_next(e, n) == UINT32_MAX;
}

/* Before v24 attributes have no type record, so rules may name undefined values. */
static bool type_ok(const struct ss_policy *p, uint32_t v)
{
    return v >= 1 && v <= p->nprim[SS_SYM_TYPES] && (p->types[v - 1].defined || p->version < 24);
}

static bool plain_type_ok(const struct ss_policy *p, uint32_t v)
{
    return type_ok(p, v) && p->types[v - 1].defined && !p->types[v - 1].attr;
}

static bool class_ok(const struct ss_policy *p, uint32_t v)
{
    return v >= 1 && v <= p->nprim[SS_SYM_CLASSES] && p->classes[v - 1].name;
}

static bool role_ok(const struct ss_policy *p, uint32_t v)
{
    return v >= 1 && v <= p->nprim[SS_SYM_ROLES] && p->roles[v - 1].name;
}

static bool user_ok(const struct ss_policy *p, uint32_t v)
{
    return v >= 1 && v <= p->nprim[SS_SYM_USERS] && p->users[v - 1].name;
}

bool ss_level_dom(const struct ss_level *a, const struct ss_level *b)
{
    return a->sens >= b->sens && ss_ebm_contains(&a->cat, &b->cat);
}

static bool level_ok(const struct ss_policy *p, const struct ss_level *l)
{
    if (l->sens < 1 || l->sens > p->nsens || !p->sens[l->sens - 1].name)
        return false;
    return ss_ebm_contains(&p->sens[l->sens - 1].cats, &l->cat);
}

static bool range_ok(const struct ss_policy *p, const struct ss_range *r)
{
    return level_ok(p, &r->l[0]) && level_ok(p, &r->l[1]) && ss_level_dom(&r->l[1], &r->l[0]);
}

bool ss_context_valid(const struct ss_policy *p, const struct ss_context *c)
{
    /* an attribute names a set of types, never a label */
    if (!role_ok(p, c->role) || !user_ok(p, c->user) || !type_ok(p, c->type) ||
        !p->types[c->type - 1].defined || p->types[c->type - 1].attr)
        return false;
    if (c->role != 1) {
        if (!ss_ebm_get(&p->roles[c->role - 1].types, c->type - 1))
            return false;
        if (!ss_ebm_get(&p->users[c->user - 1].roles, c->role - 1))
            return false;
    }
    if (!p->mls)
        return true;
    if (!range_ok(p, &c->range))
        return false;
    if (c->role == 1)
        return true;
    const struct ss_range *ur = &p->users[c->user - 1].range;
    return ss_level_dom(&c->range.l[0], &ur->l[0]) && ss_level_dom(&ur->l[1], &c->range.l[1]);
}

static int check_cons(const struct ss_policy *p, const struct ss_class *c,
                      const struct ss_constraint *cons, uint32_t n, bool vt, char *err,
                      size_t errlen)
{
    for (uint32_t i = 0; i < n; i++) {
        if (!vt && (c->nperms < 32 ? cons[i].perms >> c->nperms : 0))
            FAIL("class %s: constraint names undefined permissions 0x%x", c->name, cons[i].perms);
        for (uint32_t j = 0; j < cons[i].nexpr; j++) {
            const struct ss_cexpr *e = &cons[i].expr[j];
            if (e->type == SS_CEXPR_ATTR) {
                switch (e->attr) {
                case SS_CEXPR_USER:
                case SS_CEXPR_TYPE:
                    if (e->op != SS_CEXPR_EQ && e->op != SS_CEXPR_NEQ)
                        FAIL("class %s: constraint operator %u invalid", c->name, e->op);
                    break;
                case SS_CEXPR_ROLE:
                case SS_CEXPR_L1L2:
                case SS_CEXPR_L1H2:
                case SS_CEXPR_H1L2:
                case SS_CEXPR_H1H2:
                case SS_CEXPR_L1H1:
                case SS_CEXPR_L2H2:
                    if (e->op < SS_CEXPR_EQ || e->op > SS_CEXPR_INCOMP)
                        FAIL("class %s: constraint operator %u invalid", c->name, e->op);
                    break;
                default:
                    FAIL("class %s: constraint attribute 0x%x invalid", c->name, e->attr);
                }
            } else if (e->type == SS_CEXPR_NAMES) {
                uint32_t who = e->attr & ~(uint32_t)(SS_CEXPR_TARGET | SS_CEXPR_XTARGET);
                uint32_t lim;
                if ((e->attr & SS_CEXPR_TARGET) && (e->attr & SS_CEXPR_XTARGET))
                    FAIL("class %s: constraint names both target and xtarget", c->name);
                if ((e->attr & SS_CEXPR_XTARGET) && !vt)
                    FAIL("class %s: xtarget outside validatetrans", c->name);
                if (who == SS_CEXPR_USER)
                    lim = p->nprim[SS_SYM_USERS];
                else if (who == SS_CEXPR_ROLE)
                    lim = p->nprim[SS_SYM_ROLES];
                else if (who == SS_CEXPR_TYPE)
                    lim = p->nprim[SS_SYM_TYPES];
                else
                    FAIL("class %s: constraint names attribute 0x%x invalid", c->name, e->attr);
                if (e->op != SS_CEXPR_EQ && e->op != SS_CEXPR_NEQ)
                    FAIL("class %s: constraint operator %u invalid", c->name, e->op);
                if (!ebm_within(&e->names, lim))
                    FAIL("class %s: constraint names a value out of range", c->name);
            } else if (e->attr || e->op) {
                FAIL("class %s: constraint operator node carries operands", c->name);
            }
        }
    }
    return 0;
}

/*
 * Names that are printed into context strings must read back: a ':' in a
 * user, role or type name, or a range or category separator in an MLS name,
 * would make the policy's own labels unparsable.  checkpolicy never emits such
 * names; a crafted policy could.
 */
static bool label_name_ok(const char *name, const char *seps)
{
    return !name || !strpbrk(name, seps);
}

int ss_policy_validate(struct ss_policy *p, char *err, size_t errlen);
int ss_policy_validate(struct ss_policy *p, char *err, size_t errlen)
{
    uint32_t nt = p->nprim[SS_SYM_TYPES], nr = p->nprim[SS_SYM_ROLES], nu = p->nprim[SS_SYM_USERS],
             nc = p->nprim[SS_SYM_CLASSES];
    if (!nc || !nt || !nr || !nu)
        FAIL("policy lacks classes, types, roles or users");
    for (uint32_t i = 0; i < p->nprim[SS_SYM_COMMONS]; i++)
        if (!p->commons[i].name)
            FAIL("common value %u undefined", i + 1);
    for (uint32_t i = 0; i < p->nprim[SS_SYM_BOOLS]; i++)
        if (!p->bools[i].name)
            FAIL("boolean value %u undefined", i + 1);
    if (p->mls) {
        if (!p->nsens)
            FAIL("MLS policy without sensitivities");
        for (uint32_t i = 0; i < p->nsens; i++)
            if (!p->sens[i].name)
                FAIL("sensitivity value %u undefined", i + 1);
        for (uint32_t i = 0; i < p->ncats; i++)
            if (!p->catname[i])
                FAIL("category value %u undefined", i + 1);
        for (uint32_t i = 0; i < p->nsens; i++)
            if (!label_name_ok(p->sens[i].name, ":-,."))
                FAIL("sensitivity name '%s' contains a context separator", p->sens[i].name);
        for (uint32_t i = 0; i < p->ncats; i++)
            if (!label_name_ok(p->catname[i], ":-,."))
                FAIL("category name '%s' contains a context separator", p->catname[i]);
        for (uint32_t i = 0; i < p->nsens; i++)
            if (!ebm_within(&p->sens[i].cats, p->ncats))
                FAIL("sensitivity %s names an undefined category", p->sens[i].name);
    } else if (p->nsens || p->ncats) {
        FAIL("sensitivities or categories in a non-MLS policy");
    }
    for (uint32_t i = 0; i < nc; i++) {
        const struct ss_class *c = &p->classes[i];
        if (!c->name)
            continue;
        int rc = check_cons(p, c, c->cons, c->ncons, false, err, errlen);
        if (!rc)
            rc = check_cons(p, c, c->vt, c->nvt, true, err, errlen);
        if (rc)
            return rc;
    }
    if (!role_ok(p, 1))
        FAIL("role object_r missing");
    for (uint32_t i = 0; i < nr; i++) {
        const struct ss_role *r = &p->roles[i];
        if (!r->name)
            continue;
        if (!label_name_ok(r->name, ":"))
            FAIL("role name '%s' contains ':'", r->name);
        if (!ebm_within(&r->dominates, nr) || !ebm_within(&r->types, nt))
            FAIL("role %s names an undefined role or type", r->name);
        if (r->bounds && !role_ok(p, r->bounds))
            FAIL("role %s bounded by an undefined role", r->name);
    }
    for (uint32_t i = 0; i < nt; i++) {
        const struct ss_type *t = &p->types[i];
        if (t->defined && !label_name_ok(t->name, ":"))
            FAIL("type name '%s' contains ':'", t->name);
        if (!t->defined || !t->bounds)
            continue;
        if (t->attr || !plain_type_ok(p, t->bounds) || t->bounds == i + 1)
            FAIL("type %s has an invalid bound", t->name);
    }
    /* Only once every bound is known to be in range may a chain be walked. */
    for (uint32_t i = 0; i < nt; i++) {
        const struct ss_type *t = &p->types[i];
        if (!t->defined || !t->bounds)
            continue;
        /*
         * At most 3 links, as Xen's and Linux's loaders demand (a loop is
         * too deep too).  Access checks recompute with the bounding types
         * recursively, up to three times a level, so this keeps them short.
         */
        uint32_t v = t->bounds;
        for (int links = 1; v && links <= 3; links++)
            v = p->types[v - 1].bounds; /* after link n: where link n+1 goes */
        if (v)
            FAIL("type %s: bounds chain too deep or looped", t->name);
    }
    for (uint32_t i = 0; i < nu; i++) {
        const struct ss_user *u = &p->users[i];
        if (!u->name)
            continue;
        if (!label_name_ok(u->name, ":"))
            FAIL("user name '%s' contains ':'", u->name);
        if (!ebm_within(&u->roles, nr))
            FAIL("user %s names an undefined role", u->name);
        if (u->bounds && !user_ok(p, u->bounds))
            FAIL("user %s bounded by an undefined user", u->name);
        if (p->mls) {
            if (!range_ok(p, &u->range))
                FAIL("user %s has an invalid MLS range", u->name);
            if (!level_ok(p, &u->dfltlevel) || !ss_level_dom(&u->dfltlevel, &u->range.l[0]) ||
                !ss_level_dom(&u->range.l[1], &u->dfltlevel))
                FAIL("user %s has an invalid default level", u->name);
        }
    }
    if (p->permissive.highbit && ss_ebm_next(&p->permissive, nt + 1) != UINT32_MAX)
        FAIL("permissive map names an undefined type");
    /* access and type rules were checked as they were read */
    for (uint32_t i = 0; i < p->nxperms; i++) {
        const struct ss_xperm *x = &p->xperms[i];
        if (!type_ok(p, x->stype) || !type_ok(p, x->ttype) || !class_ok(p, x->tclass))
            FAIL("xperm rule names an undefined type or class");
    }
    for (uint32_t i = 0; i < p->nroletrans; i++) {
        const struct ss_roletrans *t = &p->roletrans[i];
        if (!role_ok(p, t->role) || !role_ok(p, t->new_role) || !type_ok(p, t->type) ||
            (p->version >= 26 && !class_ok(p, t->tclass)))
            FAIL("role transition %u names an undefined role, type or class", i);
    }
    for (uint32_t i = 0; i < p->nroleallow; i++)
        if (!role_ok(p, p->roleallow[i].role) || !role_ok(p, p->roleallow[i].new_role))
            FAIL("role allow %u names an undefined role", i);
    if (p->version < 33)
        for (uint32_t i = 0; i < p->nfiletrans; i++) {
            const struct ss_filetrans *f = &p->filetrans[i];
            if (!type_ok(p, f->stype) || !type_ok(p, f->ttype) || !class_ok(p, f->tclass) ||
                !plain_type_ok(p, f->otype))
                FAIL("filename transition %u names an undefined type or class", i);
        }
    else
        for (uint32_t i = 0; i < p->nfiletrans_keys; i++) {
            const struct ss_filetrans *f = &p->filetrans[i];
            if (!type_ok(p, f->ttype) || !class_ok(p, f->tclass) || !ebm_within(&f->stypes, nt))
                FAIL("filename transition %u names an undefined type or class", i);
        }
    if (!p->mls && p->nrangetrans)
        FAIL("range transitions in a non-MLS policy");
    for (uint32_t i = 0; i < p->nrangetrans; i++) {
        const struct ss_rangetrans *t = &p->rangetrans[i];
        if (!type_ok(p, t->stype) || !type_ok(p, t->ttype) ||
            (p->version >= 21 && !class_ok(p, t->tclass)) || !range_ok(p, &t->range))
            FAIL("range transition %u is invalid", i);
        for (uint32_t j = 0; j < i; j++)
            if (p->rangetrans[j].stype == t->stype && p->rangetrans[j].ttype == t->ttype &&
                p->rangetrans[j].tclass == t->tclass)
                FAIL("duplicate range transition %u", i);
    }
    for (uint32_t i = 0; i < p->ocon_num; i++)
        for (uint32_t j = 0; j < p->nocon[i]; j++) {
            const struct ss_ocon *o = &p->ocon[i][j];
            int nctx = p->target == SS_TARGET_SELINUX && (i == 1 || i == 3) ? 2 : 1;
            for (int k = 0; k < nctx; k++)
                if (!ss_context_valid(p, &o->ctx[k]))
                    FAIL("ocontext %u entry %u has an invalid context", i, j);
            if (i == 0) {
                if (o->u[0] == 0 || o->u[0] > 65535)
                    FAIL("initial SID %u out of range", o->u[0]);
                for (uint32_t k = 0; k < j; k++)
                    if (p->ocon[0][k].u[0] == o->u[0])
                        FAIL("initial SID %u defined twice", o->u[0]);
            }
        }
    for (uint32_t i = 0; i < p->ngenfs; i++)
        for (uint32_t j = 0; j < p->genfs[i].n; j++) {
            const struct ss_genfs_ent *g = &p->genfs[i].ent[j];
            if (!ss_context_valid(p, &g->ctx) || (g->sclass && !class_ok(p, g->sclass)))
                FAIL("genfs %s entry %u is invalid", p->genfs[i].fstype, j);
        }
    return 0;
}

static uint16_t class_by_name(const struct ss_policy *p, const char *name)
{
    return (uint16_t)ss_strhash_get(&p->names[SS_SYM_CLASSES], name, strlen(name));
}

uint32_t ss_perm_bit(const struct ss_policy *p, uint32_t cls, const char *name)
{
    if (!cls || cls > p->nprim[SS_SYM_CLASSES] || !p->classes[cls - 1].name)
        return 0;
    const struct ss_class *c = &p->classes[cls - 1];
    for (uint32_t b = 0; b < c->nperms; b++)
        if (c->perm[b] && strcmp(c->perm[b], name) == 0)
            return 1u << b;
    return 0;
}

static int cmp_xocon(const void *a, const void *b)
{
    const struct ss_xocon *x = a, *y = b;
    return x->low < y->low ? -1 : x->low > y->low;
}

int ss_policy_finish(struct ss_policy *p, char *err, size_t errlen);
int ss_policy_finish(struct ss_policy *p, char *err, size_t errlen)
{
    p->process_class = class_by_name(p, p->target == SS_TARGET_XEN ? "domain" : "process");
    p->process_trans = ss_perm_bit(p, p->process_class, "transition") |
                       ss_perm_bit(p, p->process_class, "dyntransition");
    p->domain_class = class_by_name(p, "domain");
    p->domain_trans = ss_perm_bit(p, p->domain_class, "transition");
    if (p->version < 26)
        for (uint32_t i = 0; i < p->nroletrans; i++)
            p->roletrans[i].tclass = p->process_class;
    if (p->version < 21)
        for (uint32_t i = 0; i < p->nrangetrans; i++)
            p->rangetrans[i].tclass = p->process_class;

    /* Xen object labels: mutable lists, ranges sorted as Xen keeps them. */
    if (p->target == SS_TARGET_XEN) {
        for (uint32_t i = 1; i < p->ocon_num && i < 6; i++) {
            struct ss_xolist *l = &p->xo[i];
            uint32_t n = p->nocon[i];
            l->e = calloc(n ? n : 1, sizeof(*l->e));
            if (!l->e) {
                snprintf(err, errlen, "out of memory");
                return -ENOMEM;
            }
            l->cap = n ? n : 1;
            /* on disk the lists are in reverse declaration order; keep that order */
            for (uint32_t j = 0; j < n; j++) {
                const struct ss_ocon *o = &p->ocon[i][j];
                struct ss_xocon *x = &l->e[l->n++];
                x->low = o->low;
                x->high = o->high;
                x->ctx = &o->ctx[0];
                if (o->name) {
                    x->path = strdup(o->name);
                    if (!x->path) {
                        snprintf(err, errlen, "out of memory");
                        return -ENOMEM;
                    }
                }
            }
            if (i == SS_OCON_IOPORT || i == SS_OCON_IOMEM)
                qsort(l->e, l->n, sizeof(*l->e), cmp_xocon);
        }
    }
    return 0;
}
