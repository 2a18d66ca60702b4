/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Binary policy reader.
 *
 * Design: one linear pass over the image builds the whole policy in an arena;
 * every count is checked against the bytes that remain before anything is
 * allocated for it, so a lying count costs nothing.  Cross references that
 * need later sections (types named by roles, classes named by rules, ...) are
 * checked afterwards by ss_policy_validate(), so the parser itself only
 * checks what it needs to stay in bounds.  Any failure frees the arena.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "ss_internal.h"

#define SS_MAGIC 0xf97cff8cU

struct rd {
    const uint8_t *p;
    size_t left;
    size_t total;
    struct ss_policy *pol;
    uint32_t ver;
    bool xen;
    char *err;
    size_t errlen;
    /* while reading the rule tables: type and class values a rule may name */
    uint64_t *rule_types, *rule_classes;
};

/*
 * bad() records the first error and evaluates to -EINVAL.  It is a macro
 * around a void function so that "return bad(...)" is visibly non-zero at the
 * call site: the static analyzer does not step into variadic functions (nor
 * into any function once it is deep in the reader), and without the value in
 * sight it followed each failure on as if the read had succeeded.
 */
static void bad_note(struct rd *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define bad(r, ...) (bad_note((r), __VA_ARGS__), -EINVAL)

static void bad_note(struct rd *r, const char *fmt, ...)
{
    if (r->err && r->err[0] == 0) {
        va_list ap;
        int n = snprintf(r->err, r->errlen, "offset %zu: ", r->total - r->left);
        if (n < 0)
            n = 0;
        va_start(ap, fmt);
        if ((size_t)n < r->errlen)
            vsnprintf(r->err + n, r->errlen - (size_t)n, fmt, ap);
        va_end(ap);
    }
}

/* Evaluates to -ENOMEM, visibly to the analyzer, as bad() does. */
static void nomem_note(struct rd *r)
{
    if (r->err && r->err[0] == 0)
        snprintf(r->err, r->errlen, "out of memory");
}
#define nomem(r) (nomem_note(r), -ENOMEM)

#define TRY(x)                                                                                     \
    do {                                                                                           \
        int rc_ = (x);                                                                             \
        if (rc_)                                                                                   \
            return rc_;                                                                            \
    } while (0)

static int rd_u32(struct rd *r, uint32_t *v, const char *what)
{
    if (r->left < 4)
        return bad(r, "truncated reading %s", what);
    *v = (uint32_t)r->p[0] | (uint32_t)r->p[1] << 8 | (uint32_t)r->p[2] << 16 |
         (uint32_t)r->p[3] << 24;
    r->p += 4;
    r->left -= 4;
    return 0;
}

static int rd_u32n(struct rd *r, uint32_t *v, size_t n, const char *what)
{
    if (r->left / 4 < n)
        return bad(r, "truncated reading %s", what);
    for (size_t i = 0; i < n; i++)
        TRY(rd_u32(r, &v[i], what));
    return 0;
}

static int rd_u64(struct rd *r, uint64_t *v, const char *what)
{
    uint32_t lo = 0, hi = 0;
    TRY(rd_u32(r, &lo, what));
    TRY(rd_u32(r, &hi, what));
    *v = (uint64_t)hi << 32 | lo;
    return 0;
}

/* A count of records each at least minsz bytes long must fit in what is left. */
static int rd_count(struct rd *r, uint32_t *n, size_t minsz, const char *what)
{
    TRY(rd_u32(r, n, what));
    if (minsz && *n > r->left / minsz)
        return bad(r, "%s count %u exceeds the remaining data", what, *n);
    return 0;
}

static void *aalloc(struct rd *r, size_t n)
{
    return ss_arena_alloc(&r->pol->arena, n);
}

static void *aarray(struct rd *r, size_t n, size_t sz)
{
    if (sz && n > SIZE_MAX / sz)
        return NULL;
    return ss_arena_alloc(&r->pol->arena, n * sz);
}

static int rd_str(struct rd *r, uint32_t len, const char **out, const char *what)
{
    if (len == 0)
        return bad(r, "empty %s name", what);
    if (len > r->left)
        return bad(r, "truncated %s name", what);
    if (memchr(r->p, 0, len))
        return bad(r, "%s name contains a NUL byte", what);
    char *s = ss_arena_chars(&r->pol->arena, (size_t)len + 1);
    if (!s)
        return nomem(r);
    memcpy(s, r->p, len);
    s[len] = 0;
    r->p += len;
    r->left -= len;
    *out = s;
    return 0;
}

/*
 * A bitmap read node by node, with libsepol's invariants checked as it goes:
 * ebm_begin reads the header, ebm_node each of the n nodes in turn.
 */
struct ebm_rd {
    uint32_t highbit, n, k, prev;
    const char *what;
};

static int ebm_begin(struct rd *r, struct ebm_rd *b, const char *what)
{
    uint32_t hdr[3];
    TRY(rd_u32n(r, hdr, 3, what));
    if (hdr[0] != 64)
        return bad(r, "%s: bitmap map size %u is not 64", what, hdr[0]);
    if (hdr[1] % 64)
        return bad(r, "%s: bitmap high bit %u is not a multiple of 64", what, hdr[1]);
    if (hdr[2] > r->left / 12)
        return bad(r, "%s: bitmap node count %u exceeds the remaining data", what, hdr[2]);
    if (hdr[1] && !hdr[2])
        return bad(r, "%s: bitmap with high bit %u has no nodes", what, hdr[1]);
    *b = (struct ebm_rd){.highbit = hdr[1], .n = hdr[2], .what = what};
    return 0;
}

static int ebm_node(struct rd *r, struct ebm_rd *b, uint32_t *start, uint64_t *map)
{
    const char *what = b->what;
    TRY(rd_u32(r, start, what));
    TRY(rd_u64(r, map, what));
    if (*start % 64)
        return bad(r, "%s: bitmap node start %u not aligned", what, *start);
    if (*start >= b->highbit || b->highbit - *start < 64)
        return bad(r, "%s: bitmap node start %u beyond high bit %u", what, *start, b->highbit);
    if (b->k && *start <= b->prev)
        return bad(r, "%s: bitmap nodes out of order", what);
    if (!*map)
        return bad(r, "%s: empty bitmap node", what);
    if (++b->k == b->n && *start + 64 != b->highbit)
        return bad(r, "%s: bitmap high bit %u does not match its last node", what, b->highbit);
    b->prev = *start;
    return 0;
}

static int rd_ebm(struct rd *r, struct ss_ebm *e, const char *what)
{
    struct ebm_rd b;
    TRY(ebm_begin(r, &b, what));
    e->highbit = b.highbit;
    e->n = b.n;
    e->node = NULL;
    if (!e->n)
        return 0;
    e->node = aarray(r, e->n, sizeof(*e->node));
    if (!e->node)
        return nomem(r);
    for (uint32_t i = 0; i < e->n; i++)
        TRY(ebm_node(r, &b, &e->node[i].start, &e->node[i].map));
    return 0;
}

static int rd_level(struct rd *r, struct ss_level *l, const char *what)
{
    TRY(rd_u32(r, &l->sens, what));
    return rd_ebm(r, &l->cat, what);
}

static int rd_range(struct rd *r, struct ss_range *rg, const char *what)
{
    uint32_t n = 0, s[2] = {0, 0};
    TRY(rd_u32(r, &n, what));
    if (n < 1 || n > 2)
        return bad(r, "%s: range with %u levels", what, n);
    TRY(rd_u32n(r, s, n, what));
    rg->l[0].sens = s[0];
    rg->l[1].sens = n > 1 ? s[1] : s[0];
    TRY(rd_ebm(r, &rg->l[0].cat, what));
    if (n > 1)
        TRY(rd_ebm(r, &rg->l[1].cat, what));
    else
        rg->l[1].cat = rg->l[0].cat; /* arena data is immutable: sharing is safe */
    return 0;
}

static int rd_context(struct rd *r, struct ss_context *c, const char *what)
{
    uint32_t v[3];
    TRY(rd_u32n(r, v, 3, what));
    c->user = v[0];
    c->role = v[1];
    c->type = v[2];
    memset(&c->range, 0, sizeof(c->range));
    if (r->ver >= 19)
        TRY(rd_range(r, &c->range, what));
    return 0;
}

/* ---- symbol tables ---- */

static int hash_init(struct rd *r, struct ss_strhash *h, uint32_t nel)
{
    uint32_t sz = 16;
    while (sz < 2 * (uint64_t)nel + 2)
        sz <<= 1;
    h->ent = aarray(r, sz, sizeof(*h->ent));
    if (!h->ent)
        return nomem(r);
    h->mask = sz - 1;
    h->n = 0;
    return 0;
}

static int hash_add(struct rd *r, struct ss_strhash *h, const char *name, uint32_t value,
                    const char *what)
{
    size_t len = strlen(name);
    uint32_t i = ss_hash_bytes(name, len) & h->mask;
    while (h->ent[i].name) {
        if (h->ent[i].len == len && memcmp(h->ent[i].name, name, len) == 0)
            return bad(r, "duplicate %s name '%s'", what, name);
        i = (i + 1) & h->mask;
    }
    if (h->n + 1 > h->mask / 2 + 1)
        return bad(r, "too many %s names", what);
    h->ent[i].name = name;
    h->ent[i].len = (uint32_t)len;
    h->ent[i].value = value;
    h->n++;
    return 0;
}

static int rd_perms(struct rd *r, const char **perm, uint32_t nprim, uint32_t nel, uint32_t base,
                    const char *owner)
{
    for (uint32_t i = 0; i < nel; i++) {
        uint32_t v[2];
        const char *name;
        TRY(rd_u32n(r, v, 2, "permission"));
        TRY(rd_str(r, v[0], &name, "permission"));
        if (v[1] < 1 || v[1] > nprim || v[1] > 32)
            return bad(r, "%s: permission '%s' has value %u out of range", owner, name, v[1]);
        if (v[1] <= base)
            return bad(r, "%s: permission '%s' overlaps the common permissions", owner, name);
        if (perm[v[1] - 1])
            return bad(r, "%s: two permissions with value %u", owner, v[1]);
        for (uint32_t b = 0; b < nprim && b < 32; b++)
            if (perm[b] && strcmp(perm[b], name) == 0)
                return bad(r, "%s: duplicate permission '%s'", owner, name);
        perm[v[1] - 1] = name;
    }
    return 0;
}

static int rd_common(struct rd *r)
{
    struct ss_policy *p = r->pol;
    uint32_t v[4];
    const char *name;
    TRY(rd_u32n(r, v, 4, "common"));
    TRY(rd_str(r, v[0], &name, "common"));
    if (v[1] < 1 || v[1] > p->nprim[SS_SYM_COMMONS])
        return bad(r, "common '%s' value %u out of range", name, v[1]);
    struct ss_common *c = &p->commons[v[1] - 1];
    if (c->name)
        return bad(r, "two commons with value %u", v[1]);
    if (v[2] > 32)
        return bad(r, "common '%s' has %u permissions", name, v[2]);
    if (v[3] > v[2])
        return bad(r, "common '%s' lists more permissions than it defines", name);
    c->name = name;
    c->value = v[1];
    c->nperms = v[2];
    TRY(rd_perms(r, c->perm, v[2], v[3], 0, name));
    return hash_add(r, &p->names[SS_SYM_COMMONS], name, v[1], "common");
}

static int rd_constraints(struct rd *r, uint32_t n, struct ss_constraint *out, bool vt)
{
    for (uint32_t i = 0; i < n; i++) {
        uint32_t v[2];
        TRY(rd_u32n(r, v, 2, "constraint"));
        if (v[1] == 0)
            return bad(r, "empty constraint expression");
        if (v[1] > r->left / 12)
            return bad(r, "constraint expression length %u exceeds the remaining data", v[1]);
        out[i].perms = v[0];
        out[i].nexpr = v[1];
        out[i].expr = aarray(r, v[1], sizeof(struct ss_cexpr));
        if (!out[i].expr)
            return nomem(r);
        int depth = 0;
        for (uint32_t j = 0; j < v[1]; j++) {
            struct ss_cexpr *e = &out[i].expr[j];
            uint32_t x[3];
            TRY(rd_u32n(r, x, 3, "constraint expression"));
            e->type = x[0];
            e->attr = x[1];
            e->op = x[2];
            switch (e->type) {
            case SS_CEXPR_NOT:
                if (depth < 1)
                    return bad(r, "constraint 'not' on an empty stack");
                break;
            case SS_CEXPR_AND:
            case SS_CEXPR_OR:
                if (depth < 2)
                    return bad(r, "constraint 'and/or' needs two operands");
                depth--;
                break;
            case SS_CEXPR_ATTR:
            case SS_CEXPR_NAMES:
                if (depth == SS_CEXPR_MAXDEPTH)
                    return bad(r, "constraint expression deeper than %d", SS_CEXPR_MAXDEPTH);
                depth++;
                break;
            default:
                return bad(r, "unknown constraint expression type %u", e->type);
            }
            if (e->type == SS_CEXPR_NAMES) {
                TRY(rd_ebm(r, &e->names, "constraint names"));
                if (r->ver >= 29) {
                    TRY(rd_ebm(r, &e->ts_types, "constraint type set"));
                    TRY(rd_ebm(r, &e->ts_negset, "constraint type set"));
                    TRY(rd_u32(r, &e->ts_flags, "constraint type set"));
                }
            }
            (void)vt;
        }
        if (depth != 1)
            return bad(r, "unbalanced constraint expression");
    }
    return 0;
}

static int rd_class(struct rd *r)
{
    struct ss_policy *p = r->pol;
    uint32_t v[6];
    const char *name, *comname = NULL;
    TRY(rd_u32n(r, v, 6, "class"));
    TRY(rd_str(r, v[0], &name, "class"));
    if (v[1])
        TRY(rd_str(r, v[1], &comname, "class common"));
    if (v[2] < 1 || v[2] > p->nprim[SS_SYM_CLASSES])
        return bad(r, "class '%s' value %u out of range", name, v[2]);
    struct ss_class *c = &p->classes[v[2] - 1];
    if (c->name)
        return bad(r, "two classes with value %u", v[2]);
    if (v[3] > 32)
        return bad(r, "class '%s' has %u permissions", name, v[3]);
    if (v[4] > v[3])
        return bad(r, "class '%s' lists more permissions than it defines", name);
    c->name = name;
    c->comname = comname;
    c->nperms = v[3];
    c->perm = aarray(r, v[3] ? v[3] : 1, sizeof(*c->perm));
    if (!c->perm)
        return nomem(r);
    uint32_t base = 0;
    if (comname) {
        uint32_t cv = ss_strhash_get(&p->names[SS_SYM_COMMONS], comname, strlen(comname));
        if (!cv)
            return bad(r, "class '%s' inherits unknown common '%s'", name, comname);
        c->com = &p->commons[cv - 1];
        base = c->com->nperms;
        if (base > c->nperms)
            return bad(r, "class '%s' defines fewer permissions than its common", name);
        for (uint32_t b = 0; b < base; b++)
            c->perm[b] = c->com->perm[b];
    }
    TRY(rd_perms(r, c->perm, v[3], v[4], base, name));
    if (v[5] > r->left / 8)
        return bad(r, "class '%s' constraint count exceeds the remaining data", name);
    c->ncons = v[5];
    c->cons = aarray(r, v[5], sizeof(*c->cons));
    if (v[5] && !c->cons)
        return nomem(r);
    TRY(rd_constraints(r, v[5], c->cons, false));
    p->nconstraints += v[5];
    if (r->ver >= 19) {
        TRY(rd_count(r, &c->nvt, 8, "validatetrans"));
        c->vt = aarray(r, c->nvt, sizeof(*c->vt));
        if (c->nvt && !c->vt)
            return nomem(r);
        TRY(rd_constraints(r, c->nvt, c->vt, true));
        p->nconstraints += c->nvt;
    }
    if (r->ver >= 27) {
        uint32_t d[3];
        TRY(rd_u32n(r, d, 3, "class defaults"));
        c->default_user = d[0];
        c->default_role = d[1];
        c->default_range = d[2];
        if (d[0] > 2 || d[1] > 2 || d[2] > 7 || (d[2] == 7 && r->ver < 32))
            return bad(r, "class '%s' has an invalid default rule", name);
    }
    if (r->ver >= 28) {
        TRY(rd_u32(r, &c->default_type, "class default_type"));
        if (c->default_type > 2)
            return bad(r, "class '%s' has an invalid default_type", name);
    }
    return hash_add(r, &p->names[SS_SYM_CLASSES], name, v[2], "class");
}

static int rd_role(struct rd *r)
{
    struct ss_policy *p = r->pol;
    uint32_t v[3];
    uint32_t n = r->ver >= 24 ? 3 : 2;
    const char *name;
    TRY(rd_u32n(r, v, n, "role"));
    TRY(rd_str(r, v[0], &name, "role"));
    if (v[1] < 1 || v[1] > p->nprim[SS_SYM_ROLES])
        return bad(r, "role '%s' value %u out of range", name, v[1]);
    struct ss_role *ro = &p->roles[v[1] - 1];
    if (ro->name)
        return bad(r, "two roles with value %u", v[1]);
    ro->name = name;
    ro->bounds = n == 3 ? v[2] : 0;
    TRY(rd_ebm(r, &ro->dominates, "role dominates"));
    TRY(rd_ebm(r, &ro->types, "role types"));
    if ((strcmp(name, "object_r") == 0) != (v[1] == 1))
        return bad(r, "role object_r must have value 1 (role '%s' has %u)", name, v[1]);
    return hash_add(r, &p->names[SS_SYM_ROLES], name, v[1], "role");
}

static int rd_type(struct rd *r)
{
    struct ss_policy *p = r->pol;
    uint32_t v[4];
    uint32_t n = r->ver >= 24 ? 4 : 3;
    const char *name;
    TRY(rd_u32n(r, v, n, "type"));
    TRY(rd_str(r, v[0], &name, "type"));
    if (v[1] < 1 || v[1] > p->nprim[SS_SYM_TYPES])
        return bad(r, "type '%s' value %u out of range", name, v[1]);
    bool primary, attr = false;
    uint32_t bounds = 0;
    if (n == 4) {
        if (v[2] & ~3u)
            return bad(r, "type '%s' has unknown properties 0x%x", name, v[2]);
        primary = v[2] & 1;
        attr = v[2] & 2;
        bounds = v[3];
    } else {
        primary = v[2] != 0;
    }
    struct ss_type *t = &p->types[v[1] - 1];
    if (primary) {
        if (t->defined)
            return bad(r, "two types with value %u", v[1]);
        t->defined = true;
        t->name = name;
        t->attr = attr;
        t->props = n == 4 ? v[2] : 1;
        t->bounds = bounds;
        if (attr)
            p->nattributes++;
    }
    return hash_add(r, &p->names[SS_SYM_TYPES], name, v[1], "type");
}

static int rd_user(struct rd *r)
{
    struct ss_policy *p = r->pol;
    uint32_t v[3];
    uint32_t n = r->ver >= 24 ? 3 : 2;
    const char *name;
    TRY(rd_u32n(r, v, n, "user"));
    TRY(rd_str(r, v[0], &name, "user"));
    if (v[1] < 1 || v[1] > p->nprim[SS_SYM_USERS])
        return bad(r, "user '%s' value %u out of range", name, v[1]);
    struct ss_user *u = &p->users[v[1] - 1];
    if (u->name)
        return bad(r, "two users with value %u", v[1]);
    u->name = name;
    u->bounds = n == 3 ? v[2] : 0;
    TRY(rd_ebm(r, &u->roles, "user roles"));
    if (r->ver >= 19) {
        TRY(rd_range(r, &u->range, "user range"));
        TRY(rd_level(r, &u->dfltlevel, "user default level"));
    }
    return hash_add(r, &p->names[SS_SYM_USERS], name, v[1], "user");
}

static int rd_bool(struct rd *r)
{
    struct ss_policy *p = r->pol;
    uint32_t v[3];
    const char *name;
    TRY(rd_u32n(r, v, 3, "boolean"));
    TRY(rd_str(r, v[2], &name, "boolean"));
    if (v[0] < 1 || v[0] > p->nprim[SS_SYM_BOOLS])
        return bad(r, "boolean '%s' value %u out of range", name, v[0]);
    if (v[1] > 1)
        return bad(r, "boolean '%s' has state %u", name, v[1]);
    struct ss_bool *b = &p->bools[v[0] - 1];
    if (b->name)
        return bad(r, "two booleans with value %u", v[0]);
    b->name = name;
    b->state = v[1];
    return hash_add(r, &p->names[SS_SYM_BOOLS], name, v[0], "boolean");
}

static int rd_sens(struct rd *r)
{
    struct ss_policy *p = r->pol;
    uint32_t v[2];
    const char *name;
    struct ss_level l;
    TRY(rd_u32n(r, v, 2, "sensitivity"));
    TRY(rd_str(r, v[0], &name, "sensitivity"));
    TRY(rd_level(r, &l, "sensitivity"));
    if (l.sens < 1 || l.sens > p->nprim[SS_SYM_LEVELS])
        return bad(r, "sensitivity '%s' value %u out of range", name, l.sens);
    if (v[1] > 1)
        return bad(r, "sensitivity '%s' has alias flag %u", name, v[1]);
    if (!v[1]) {
        struct ss_sens *s = &p->sens[l.sens - 1];
        if (s->name)
            return bad(r, "two sensitivities with value %u", l.sens);
        s->name = name;
        s->cats = l.cat;
        if (l.sens > p->nsens)
            p->nsens = l.sens;
    }
    return hash_add(r, &p->names[SS_SYM_LEVELS], name, l.sens, "sensitivity");
}

static int rd_cat(struct rd *r)
{
    struct ss_policy *p = r->pol;
    uint32_t v[3];
    const char *name;
    TRY(rd_u32n(r, v, 3, "category"));
    TRY(rd_str(r, v[0], &name, "category"));
    if (v[1] < 1 || v[1] > p->nprim[SS_SYM_CATS])
        return bad(r, "category '%s' value %u out of range", name, v[1]);
    if (v[2] > 1)
        return bad(r, "category '%s' has alias flag %u", name, v[2]);
    if (!v[2]) {
        if (p->catname[v[1] - 1])
            return bad(r, "two categories with value %u", v[1]);
        p->catname[v[1] - 1] = name;
        if (v[1] > p->ncats)
            p->ncats = v[1];
    }
    return hash_add(r, &p->names[SS_SYM_CATS], name, v[1], "category");
}

static const char *const symname[SS_SYM_NUM] = {
    "commons", "classes", "roles", "types", "users", "booleans", "sensitivities", "categories"};
/* smallest record of each table, for bounding nel */
static const size_t symmin[SS_SYM_NUM] = {16, 24, 8 + 24, 12, 8 + 12, 12, 8 + 16, 12};

static int rd_symtabs(struct rd *r, uint32_t nsym)
{
    struct ss_policy *p = r->pol;
    static int (*const fn[SS_SYM_NUM])(struct rd *) = {rd_common, rd_class, rd_role, rd_type,
                                                       rd_user,   rd_bool,  rd_sens, rd_cat};
    static const size_t elsz[SS_SYM_NUM] = {sizeof(struct ss_common), sizeof(struct ss_class),
                                            sizeof(struct ss_role),   sizeof(struct ss_type),
                                            sizeof(struct ss_user),   sizeof(struct ss_bool),
                                            sizeof(struct ss_sens),   sizeof(const char *)};
    for (uint32_t i = 0; i < nsym; i++) {
        uint32_t v[2];
        TRY(rd_u32n(r, v, 2, symname[i]));
        if (v[1] > r->left / symmin[i])
            return bad(r, "%s: %u records exceed the remaining data", symname[i], v[1]);
        /* values index 16-bit keys, ebitmaps and arrays; gaps allowed but bounded */
        if (v[0] > 65535)
            return bad(r, "%s: %u values is too many", symname[i], v[0]);
        if (v[0] && !v[1])
            return bad(r, "%s: %u values but no records", symname[i], v[0]);
        p->nprim[i] = v[0];
        p->nel[i] = v[1];
        void *arr = aarray(r, v[0] + 1, elsz[i]);
        if (!arr)
            return nomem(r);
        switch (i) {
        case SS_SYM_COMMONS:
            p->commons = arr;
            break;
        case SS_SYM_CLASSES:
            p->classes = arr;
            break;
        case SS_SYM_ROLES:
            p->roles = arr;
            break;
        case SS_SYM_TYPES:
            p->types = arr;
            break;
        case SS_SYM_USERS:
            p->users = arr;
            break;
        case SS_SYM_BOOLS:
            p->bools = arr;
            break;
        case SS_SYM_LEVELS:
            p->sens = arr;
            break;
        case SS_SYM_CATS:
            p->catname = arr;
            break;
        }
        TRY(hash_init(r, &p->names[i], v[1]));
        for (uint32_t j = 0; j < v[1]; j++)
            TRY(fn[i](r));
    }
    /* tables absent in old versions are empty but must exist */
    for (uint32_t i = nsym; i < SS_SYM_NUM; i++) {
        TRY(hash_init(r, &p->names[i], 0));
        void *arr = aalloc(r, 64);
        if (!arr)
            return nomem(r);
        if (i == SS_SYM_BOOLS)
            p->bools = arr;
        else if (i == SS_SYM_LEVELS)
            p->sens = arr;
        else if (i == SS_SYM_CATS)
            p->catname = arr;
    }
    return 0;
}

/* ---- access vector tables ---- */

static bool val_type_ok(const struct ss_policy *p, uint32_t v)
{
    /* before v24 attributes have no type record, so rules may name undefined values */
    return v >= 1 && v <= p->nprim[SS_SYM_TYPES] && (p->types[v - 1].defined || p->version < 24);
}

static bool val_class_ok(const struct ss_policy *p, uint32_t v)
{
    return v >= 1 && v <= p->nprim[SS_SYM_CLASSES] && p->classes[v - 1].name;
}

/*
 * The two checks above as bitmaps, for every new rule key: the type and
 * class arrays are too large to stay in the first-level cache while the rule
 * tables are being filled.
 */
static int rule_checks_init(struct rd *r)
{
    const struct ss_policy *p = r->pol;
    uint32_t nt = p->nprim[SS_SYM_TYPES], nc = p->nprim[SS_SYM_CLASSES];
    r->rule_types = calloc(nt / 64 + 1, sizeof(uint64_t));
    r->rule_classes = calloc(nc / 64 + 1, sizeof(uint64_t));
    if (!r->rule_types || !r->rule_classes)
        return nomem(r);
    for (uint32_t v = 1; v <= nt; v++)
        if (val_type_ok(p, v))
            r->rule_types[v / 64] |= 1ULL << (v % 64);
    for (uint32_t v = 1; v <= nc; v++)
        if (val_class_ok(p, v))
            r->rule_classes[v / 64] |= 1ULL << (v % 64);
    return 0;
}

/* What is wrong with a new rule key: 0 nothing, 1 an undefined type, 2 an undefined class. */
static int rule_key_check(const struct rd *r, uint32_t s, uint32_t t, uint32_t c)
{
    const struct ss_policy *p = r->pol;
    uint32_t nt = p->nprim[SS_SYM_TYPES];
    if (s > nt || t > nt || !ss_bit(r->rule_types, s) || !ss_bit(r->rule_types, t))
        return 1;
    if (c > p->nprim[SS_SYM_CLASSES] || !ss_bit(r->rule_classes, c))
        return 2;
    return 0;
}

static int avtab_alloc(struct ss_avtab *t, uint32_t expect)
{
    /* load factor at most 0.7 for the expected count; grown if exceeded */
    uint64_t size = (uint64_t)expect * 10 / 7 + 16;
    if (size > UINT32_MAX / 2)
        return -ENOMEM;
    t->e = calloc(size, sizeof(*t->e));
    if (!t->e)
        return -ENOMEM;
    t->size = (uint32_t)size;
    t->n = 0;
    return 0;
}

static struct ss_aventry *avtab_place(struct ss_avtab *t, const struct ss_aventry *src)
{
    uint32_t i = ss_avtab_slot(t, src->s, src->t, src->c);
    while (t->e[i].flags)
        if (++i == t->size)
            i = 0;
    t->e[i] = *src;
    return &t->e[i];
}

static int avtab_grow(struct ss_avtab *t)
{
    struct ss_avtab nt;
    if (avtab_alloc(&nt, t->size + t->size / 2))
        return -ENOMEM;
    for (uint32_t i = 0; i < t->size; i++)
        if (t->e[i].flags)
            avtab_place(&nt, &t->e[i]);
    nt.n = t->n;
    free(t->e);
    *t = nt;
    return 0;
}

/*
 * Find the entry for (s, t, c) [with flags & mask == want], or add one with
 * flags SS_AVE_USED | want.  New keys are validated here, so the table never
 * holds an undefined type or class.
 */
static int avtab_get_or_add(struct rd *r, struct ss_avtab *t, uint16_t s, uint16_t tt, uint16_t c,
                            uint16_t mask, uint16_t want, struct ss_aventry **out, bool *existed)
{
    uint32_t i = ss_avtab_slot(t, s, tt, c);
    for (;;) {
        struct ss_aventry *e = &t->e[i];
        if (!e->flags)
            break;
        if (e->s == s && e->t == tt && e->c == c && (e->flags & mask) == want) {
            *existed = true;
            *out = e;
            return 0;
        }
        if (++i == t->size)
            i = 0;
    }
    *existed = false;
    switch (rule_key_check(r, s, tt, c)) {
    case 1:
        return bad(r, "rule %u %u %u names an undefined type", s, tt, c);
    case 2:
        return bad(r, "rule %u %u %u names an undefined class", s, tt, c);
    }
    if ((uint64_t)(t->n + 1) * 5 > (uint64_t)t->size * 4) {
        struct ss_aventry ne = {.s = s, .t = tt, .c = c, .flags = (uint16_t)(SS_AVE_USED | want)};
        if (avtab_grow(t))
            return nomem(r);
        *out = avtab_place(t, &ne);
    } else {
        /* field by field: the slot is zero, and a whole-struct copy stalls on the stack */
        struct ss_aventry *e = &t->e[i];
        e->s = s;
        e->t = tt;
        e->c = c;
        e->flags = (uint16_t)(SS_AVE_USED | want);
        *out = e;
    }
    t->n++;
    return 0;
}

static int new_aux(struct rd *r, struct ss_aventry *e)
{
    struct ss_policy *p = r->pol;
    if (e->aux)
        return 0;
    if ((p->naux & (p->naux - 1)) == 0) {
        uint32_t cap = p->naux ? p->naux * 2 : 8;
        struct ss_avaux *na = realloc(p->avaux, (size_t)cap * sizeof(*na));
        if (!na)
            return nomem(r);
        p->avaux = na;
    }
    p->avaux[p->naux] = (struct ss_avaux){0, 0xffffffffU, 0};
    e->aux = ++p->naux;
    return 0;
}

static int new_condent(struct rd *r, struct ss_condent **arr, uint32_t *n, uint32_t *idx)
{
    if (*n >= 0x7fffffffU)
        return nomem(r);
    if ((*n & (*n - 1)) == 0) {
        uint32_t cap = *n ? *n * 2 : 8;
        struct ss_condent *na = realloc(*arr, (size_t)cap * sizeof(*na));
        if (!na)
            return nomem(r);
        *arr = na;
    }
    *idx = (*n)++;
    memset(&(*arr)[*idx], 0, sizeof(**arr));
    return 0;
}

struct avrule {
    uint16_t s, t, c, spec;
    uint32_t data;
    bool enabled;
    uint8_t xspec, driver;
    uint32_t xperms[8];
};

struct condlist {
    uint32_t n, cap;
    uint32_t *idx;          /* condav index, or condty index | 0x80000000 */
    struct condlist *other; /* the true list while reading the false list */
};

static const uint16_t spec_order[] = {0x1, 0x4, 0x2, 0x10, 0x40, 0x20, 0x100, 0x200, 0x400};

static int add_xperm(struct rd *r, const struct avrule *a)
{
    struct ss_policy *p = r->pol;
    /* xperm rules are kept for completeness; decisions do not use them */
    struct ss_xperm *nx = realloc(p->xperms, (p->nxperms + 1) * sizeof(*nx));
    if (!nx)
        return nomem(r);
    p->xperms = nx;
    struct ss_xperm *x = &nx[p->nxperms++];
    x->stype = a->s;
    x->ttype = a->t;
    x->tclass = a->c;
    x->specified = a->spec;
    x->xspecified = a->xspec;
    x->driver = a->driver;
    memcpy(x->perms, a->xperms, sizeof(x->perms));
    return 0;
}

static int type_target_ok(struct rd *r, const struct avrule *a)
{
    const struct ss_policy *p = r->pol;
    uint32_t v = a->data;
    if (!val_type_ok(p, v) || !p->types[v - 1].defined || p->types[v - 1].attr)
        return bad(r, "type rule %u %u %u yields invalid type %u", a->s, a->t, a->c, v);
    return 0;
}

static void mark_used(struct ss_policy *p, uint16_t s, uint16_t t, uint16_t c)
{
    uint64_t *row = p->clsmap + 2 * (size_t)(c - 1) * p->clsmap_words;
    p->src_used[s] = 1;
    p->tgt_used[t] = 1;
    row[s >> 6] |= 1ULL << (s & 63);
    row[p->clsmap_words + (t >> 6)] |= 1ULL << (t & 63);
}

static int main_rule(struct rd *r, const struct avrule *a)
{
    struct ss_policy *p = r->pol;
    struct ss_aventry *e;
    bool ex;
    if (a->spec & SS_AVTAB_XPERMS)
        return add_xperm(r, a);
    if (a->spec & SS_AVTAB_AV) {
        TRY(avtab_get_or_add(r, &p->te, a->s, a->t, a->c, 0, 0, &e, &ex));
        if (!ex)
            mark_used(p, a->s, a->t, a->c);
        if (e->flags & a->spec)
            return bad(r, "duplicate access rule %u %u %u", a->s, a->t, a->c);
        e->flags |= a->spec;
        if (a->spec == SS_AVTAB_ALLOWED) {
            e->data = a->data;
            return 0;
        }
        TRY(new_aux(r, e));
        if (a->spec == SS_AVTAB_AUDITALLOW)
            p->avaux[e->aux - 1].auditallow = a->data;
        else
            p->avaux[e->aux - 1].auditdeny = a->data;
        return 0;
    }
    TRY(type_target_ok(r, a));
    TRY(avtab_get_or_add(r, &p->tetype, a->s, a->t, a->c, SS_AVTAB_TYPE, a->spec, &e, &ex));
    if (ex)
        return bad(r, "duplicate type rule %u %u %u", a->s, a->t, a->c);
    e->data = a->data;
    return 0;
}

static bool in_list(const struct condlist *l, uint32_t v)
{
    for (uint32_t i = 0; l && i < l->n; i++)
        if (l->idx[i] == v)
            return true;
    return false;
}

static int cond_rule(struct rd *r, const struct avrule *a, struct condlist *l)
{
    struct ss_policy *p = r->pol;
    struct ss_aventry *e;
    bool ex;
    uint32_t v, k;
    if (a->spec & SS_AVTAB_XPERMS)
        return bad(r, "extended permission rule inside a conditional");
    if (a->spec & SS_AVTAB_TYPE) {
        TRY(avtab_get_or_add(r, &p->tetype, a->s, a->t, a->c, SS_AVTAB_TYPE, a->spec, &e, &ex));
        if (ex && !(e->flags & SS_AVE_COND))
            return bad(r, "conditional type rule %u %u %u also exists unconditionally", a->s, a->t,
                       a->c);
        if (ex) {
            uint32_t oi = e->aux - 1;
            if (p->condty[oi].next || !l->other || !in_list(l->other, oi | 0x80000000U))
                return bad(r, "conflicting conditional type rules %u %u %u", a->s, a->t, a->c);
        }
        TRY(type_target_ok(r, a));
        TRY(new_condent(r, &p->condty, &p->ncondty, &k));
        struct ss_condent *c = &p->condty[k];
        c->data = a->data;
        c->spec = a->spec;
        c->enabled = a->enabled;
        /* keep file order: the first enabled rule of a chain decides */
        if (ex)
            p->condty[e->aux - 1].next = k + 1;
        else {
            e->flags |= SS_AVE_COND;
            e->aux = k + 1;
        }
        v = k | 0x80000000U;
    } else {
        TRY(avtab_get_or_add(r, &p->te, a->s, a->t, a->c, 0, 0, &e, &ex));
        if (!ex)
            mark_used(p, a->s, a->t, a->c);
        TRY(new_aux(r, e));
        TRY(new_condent(r, &p->condav, &p->ncondav, &k));
        struct ss_avaux *x = &p->avaux[e->aux - 1];
        struct ss_condent *c = &p->condav[k];
        c->data = a->data;
        c->spec = a->spec;
        c->enabled = a->enabled;
        c->next = x->cond; /* access vectors combine in any order */
        x->cond = k + 1;
        v = k;
    }
    if (l->n == l->cap) {
        uint32_t cap = l->cap ? l->cap * 2 : 8;
        uint32_t *ni = realloc(l->idx, cap * sizeof(*ni));
        if (!ni)
            return nomem(r);
        l->idx = ni;
        l->cap = cap;
    }
    l->idx[l->n++] = v;
    return 0;
}

static int dispatch(struct rd *r, const struct avrule *a, struct condlist *l)
{
    return l ? cond_rule(r, a, l) : main_rule(r, a);
}

static int rd_avitem(struct rd *r, struct condlist *l, uint32_t *nrules)
{
    struct avrule a;
    if (r->ver < 20) {
        uint32_t n, w[8];
        memset(&a, 0, sizeof(a));
        TRY(rd_u32(r, &n, "old avtab item"));
        if (n < 5 || n > 8)
            return bad(r, "old-format avtab item with %u words", n);
        TRY(rd_u32n(r, w, n, "old avtab item"));
        if (w[0] > 0xffff || w[1] > 0xffff || w[2] > 0xffff)
            return bad(r, "avtab key out of 16-bit range");
        a.s = (uint16_t)w[0];
        a.t = (uint16_t)w[1];
        a.c = (uint16_t)w[2];
        uint32_t val = w[3];
        a.enabled = (val & 0x80000000U) != 0;
        if (!(val & (SS_AVTAB_AV | SS_AVTAB_TYPE)))
            return bad(r, "avtab item with no rule kind");
        if ((val & SS_AVTAB_AV) && (val & SS_AVTAB_TYPE))
            return bad(r, "avtab item with both access and type rules");
        uint32_t k = 4;
        for (unsigned i = 0; i < 6; i++) {
            if (!(val & spec_order[i]))
                continue;
            if (k >= n)
                return bad(r, "old-format avtab item too short");
            a.spec = spec_order[i];
            a.data = w[k++];
            TRY(dispatch(r, &a, l));
            (*nrules)++;
        }
        if (k != n)
            return bad(r, "old-format avtab item length mismatch");
        return 0;
    }
    if (r->left < 8)
        return bad(r, "truncated reading avtab key");
    const uint8_t *q = r->p;
    a.s = (uint16_t)(q[0] | q[1] << 8);
    a.t = (uint16_t)(q[2] | q[3] << 8);
    a.c = (uint16_t)(q[4] | q[5] << 8);
    a.spec = (uint16_t)(q[6] | q[7] << 8);
    r->p += 8;
    r->left -= 8;
    a.enabled = (a.spec & SS_AVTAB_ENABLED) != 0;
    a.spec &= (uint16_t)~SS_AVTAB_ENABLED;
    /* exactly one known kind bit */
    if (!a.spec || (a.spec & (a.spec - 1)) || (a.spec & ~0x777u))
        return bad(r, "avtab entry with invalid kind 0x%x", a.spec);
    if (a.spec & SS_AVTAB_XPERMS) {
        if (r->xen || r->ver < 30)
            return bad(r, "extended permission rule not supported by this policy version");
        if (r->left < 2)
            return bad(r, "truncated xperm entry");
        a.xspec = r->p[0];
        a.driver = r->p[1];
        r->p += 2;
        r->left -= 2;
        if (a.xspec != 1 && a.xspec != 2)
            return bad(r, "unknown xperm kind %u", a.xspec);
        TRY(rd_u32n(r, a.xperms, 8, "xperm entry"));
    } else {
        TRY(rd_u32(r, &a.data, "avtab datum"));
    }
    (*nrules)++;
    return dispatch(r, &a, l);
}

/*
 * The main table's access rules (format v20+, the bulk of any policy) in one
 * tight step: parse, probe, check a new key against the bitmaps, insert.
 * Anything unusual (another kind, a bad or duplicate key, a full table,
 * truncation) is left to rd_avitem, which sees the entry untouched and
 * reports or handles it; so the fast path never decides an error itself.
 */
static bool main_av_fast(struct rd *r, uint32_t *nrules)
{
    if (r->left < 12)
        return false;
    const uint8_t *q = r->p;
    uint16_t spec = (uint16_t)(q[6] | q[7] << 8);
    if (spec != SS_AVTAB_ALLOWED && spec != SS_AVTAB_AUDITALLOW && spec != SS_AVTAB_AUDITDENY)
        return false;
    uint16_t s = (uint16_t)(q[0] | q[1] << 8), t = (uint16_t)(q[2] | q[3] << 8),
             c = (uint16_t)(q[4] | q[5] << 8);
    uint32_t data =
        (uint32_t)q[8] | (uint32_t)q[9] << 8 | (uint32_t)q[10] << 16 | (uint32_t)q[11] << 24;
    struct ss_policy *p = r->pol;
    struct ss_avtab *tab = &p->te;
    uint32_t i = ss_avtab_slot(tab, s, t, c);
    struct ss_aventry *e;
    for (;;) {
        e = &tab->e[i];
        if (!e->flags)
            break;
        if (e->s == s && e->t == t && e->c == c) {
            if (e->flags & spec)
                return false; /* duplicate: the general path says so */
            goto found;
        }
        if (++i == tab->size)
            i = 0;
    }
    if (rule_key_check(r, s, t, c) || (uint64_t)(tab->n + 1) * 5 > (uint64_t)tab->size * 4)
        return false;
    e->s = s;
    e->t = t;
    e->c = c;
    e->flags = SS_AVE_USED;
    tab->n++;
    mark_used(p, s, t, c);
found:
    if (spec != SS_AVTAB_ALLOWED && !e->aux && new_aux(r, e))
        return false; /* out of memory: the general path fails the same way */
    r->p += 12;
    r->left -= 12;
    (*nrules)++;
    e->flags |= spec;
    if (spec == SS_AVTAB_ALLOWED)
        e->data = data;
    else if (spec == SS_AVTAB_AUDITALLOW)
        p->avaux[e->aux - 1].auditallow = data;
    else
        p->avaux[e->aux - 1].auditdeny = data;
    return true;
}

/* Counts the access and type rules of the main table ahead of parsing, to size the tables. */
static void prescan_avtab(const struct rd *r, uint32_t n, uint32_t *nav, uint32_t *ntype)
{
    const uint8_t *q = r->p;
    size_t left = r->left;
    *nav = *ntype = 0;
    if (r->ver < 20) {
        *nav = n;
        *ntype = n / 8;
        return;
    }
    for (uint32_t i = 0; i < n && left >= 12; i++) {
        uint16_t spec = (uint16_t)(q[6] | q[7] << 8);
        size_t sz = (spec & SS_AVTAB_XPERMS) ? 8 + 2 + 32 : 12;
        if (spec & SS_AVTAB_AV)
            (*nav)++;
        else if (spec & SS_AVTAB_TYPE)
            (*ntype)++;
        if (sz > left)
            break;
        q += sz;
        left -= sz;
    }
}

/*
 * Inserting the main table is one cache miss per rule (the rules arrive in
 * libsepol's hash order, so their slots are random).  A second cursor runs
 * AHEAD entries in front of the reader and prefetches each future slot, so
 * some of the misses overlap (about a sixth off the table build here; the
 * rest is this machine's memory latency).  It only reads bytes the reader
 * checks again later, and stops at the end of the data.
 */
#define AHEAD 8
struct ahead {
    const uint8_t *q;
    size_t left;
};

static void prefetch_next(const struct ss_policy *p, struct ahead *a)
{
    if (a->left < 12)
        return;
    const uint8_t *q = a->q;
    uint16_t s = (uint16_t)(q[0] | q[1] << 8), t = (uint16_t)(q[2] | q[3] << 8),
             c = (uint16_t)(q[4] | q[5] << 8), spec = (uint16_t)(q[6] | q[7] << 8);
    size_t sz = (spec & SS_AVTAB_XPERMS) ? 8 + 2 + 32 : 12;
    const struct ss_avtab *tab = (spec & SS_AVTAB_TYPE) ? &p->tetype : &p->te;
    if (tab->size)
        __builtin_prefetch(&tab->e[ss_avtab_slot(tab, s, t, c)], 1);
    if (sz > a->left)
        sz = a->left;
    a->q += sz;
    a->left -= sz;
}

static int rd_condlist(struct rd *r, struct condlist *l, uint32_t **out, uint32_t *nout)
{
    uint32_t n, dummy = 0;
    TRY(rd_count(r, &n, r->ver < 20 ? 24 : 12, "conditional rule list"));
    for (uint32_t i = 0; i < n; i++) {
        int rc = rd_avitem(r, l, &dummy);
        if (rc)
            return rc;
    }
    r->pol->ncond_rules += dummy;
    *nout = l->n;
    *out = aarray(r, l->n ? l->n : 1, sizeof(uint32_t));
    if (!*out)
        return nomem(r);
    if (l->n)
        memcpy(*out, l->idx, l->n * sizeof(uint32_t));
    return 0;
}

static int rd_cond(struct rd *r)
{
    struct ss_policy *p = r->pol;
    uint32_t n;
    TRY(rd_count(r, &n, 16, "conditional node"));
    p->ncond = n;
    p->condnodes = aarray(r, n ? n : 1, sizeof(*p->condnodes));
    if (!p->condnodes)
        return nomem(r);
    for (uint32_t i = 0; i < n; i++) {
        struct ss_condnode *c = &p->condnodes[i];
        uint32_t v[2];
        TRY(rd_u32n(r, v, 2, "conditional node"));
        c->cur_state = v[0] ? 1 : 0;
        if (v[0] > 1)
            return bad(r, "conditional node state %u", v[0]);
        if (v[1] == 0 || v[1] > r->left / 8)
            return bad(r, "conditional expression length %u invalid", v[1]);
        c->nexpr = v[1];
        c->expr = aarray(r, v[1], sizeof(*c->expr));
        if (!c->expr)
            return nomem(r);
        int depth = 0;
        for (uint32_t j = 0; j < v[1]; j++) {
            uint32_t x[2];
            TRY(rd_u32n(r, x, 2, "conditional expression"));
            c->expr[j].type = x[0];
            c->expr[j].boolv = x[1];
            switch (x[0]) {
            case SS_COND_BOOL:
                if (x[1] < 1 || x[1] > p->nprim[SS_SYM_BOOLS])
                    return bad(r, "conditional expression names boolean %u", x[1]);
                if (++depth > 10)
                    return bad(r, "conditional expression deeper than 10");
                break;
            case SS_COND_NOT:
                if (depth < 1)
                    return bad(r, "conditional 'not' on an empty stack");
                break;
            case SS_COND_OR:
            case SS_COND_AND:
            case SS_COND_XOR:
            case SS_COND_EQ:
            case SS_COND_NEQ:
                if (depth < 2)
                    return bad(r, "conditional operator needs two operands");
                depth--;
                break;
            default:
                return bad(r, "unknown conditional expression type %u", x[0]);
            }
        }
        if (depth != 1)
            return bad(r, "unbalanced conditional expression");
        struct condlist tl = {0}, fl = {0};
        int rc = rd_condlist(r, &tl, &c->truel, &c->ntrue);
        if (!rc) {
            fl.other = &tl;
            rc = rd_condlist(r, &fl, &c->falsel, &c->nfalse);
        }
        free(tl.idx);
        free(fl.idx);
        if (rc)
            return rc;
    }
    return 0;
}

/* ---- the rest ---- */

static int rd_ocontexts(struct rd *r)
{
    struct ss_policy *p = r->pol;
    for (uint32_t i = 0; i < p->ocon_num; i++) {
        uint32_t n;
        TRY(rd_count(r, &n, 16, "ocontext"));
        p->nocon[i] = n;
        p->ocon[i] = aarray(r, n ? n : 1, sizeof(struct ss_ocon));
        if (!p->ocon[i])
            return nomem(r);
        for (uint32_t j = 0; j < n; j++) {
            struct ss_ocon *o = &p->ocon[i][j];
            uint32_t v[8];
            int nctx = 1;
            if (i == 0) {
                TRY(rd_u32(r, &o->u[0], "initial SID"));
                o->low = o->u[0];
            } else if (r->xen) {
                switch (i) {
                case 1: /* pirq */
                case 4: /* pcidevice */
                    TRY(rd_u32(r, &v[0], "ocontext"));
                    o->low = o->high = v[0];
                    break;
                case 2: /* ioport */
                    TRY(rd_u32n(r, v, 2, "ioport ocontext"));
                    o->low = v[0];
                    o->high = v[1];
                    break;
                case 3: /* iomem */
                    if (r->ver >= 30) {
                        TRY(rd_u64(r, &o->low, "iomem ocontext"));
                        TRY(rd_u64(r, &o->high, "iomem ocontext"));
                    } else {
                        TRY(rd_u32n(r, v, 2, "iomem ocontext"));
                        o->low = v[0];
                        o->high = v[1];
                    }
                    break;
                case 5: /* devicetree */
                    TRY(rd_u32(r, &v[0], "devicetree ocontext"));
                    TRY(rd_str(r, v[0], &o->name, "devicetree path"));
                    break;
                }
                if ((i == 2 || i == 3) && o->low > o->high)
                    return bad(r, "ocontext range %llu-%llu is reversed",
                               (unsigned long long)o->low, (unsigned long long)o->high);
            } else {
                switch (i) {
                case 1: /* fs */
                case 3: /* netif */
                    TRY(rd_u32(r, &v[0], "ocontext name"));
                    TRY(rd_str(r, v[0], &o->name, "ocontext"));
                    nctx = 2;
                    break;
                case 2: /* port */
                    TRY(rd_u32n(r, o->u, 3, "port ocontext"));
                    if (o->u[1] > o->u[2] || o->u[2] > 0xffff)
                        return bad(r, "invalid port range %u-%u", o->u[1], o->u[2]);
                    break;
                case 4: /* node */
                    TRY(rd_u32n(r, o->u, 2, "node ocontext"));
                    break;
                case 5: /* fsuse */
                    TRY(rd_u32n(r, v, 2, "fs_use ocontext"));
                    o->u[0] = v[0];
                    TRY(rd_str(r, v[1], &o->name, "fs_use"));
                    break;
                case 6: /* node6 */
                    TRY(rd_u32n(r, o->u, 8, "node6 ocontext"));
                    break;
                case 7: /* ibpkey */
                    TRY(rd_u32n(r, o->u, 4, "ibpkey ocontext"));
                    if (o->u[2] > 0xffff || o->u[3] > 0xffff || o->u[2] > o->u[3])
                        return bad(r, "invalid ibpkey range");
                    break;
                case 8: /* ibendport */
                    TRY(rd_u32n(r, v, 2, "ibendport ocontext"));
                    if (v[1] < 1 || v[1] > 255)
                        return bad(r, "invalid ibendport port %u", v[1]);
                    o->u[0] = v[1];
                    TRY(rd_str(r, v[0], &o->name, "ibendport"));
                    break;
                }
            }
            for (int k = 0; k < nctx; k++)
                TRY(rd_context(r, &o->ctx[k], "ocontext context"));
        }
    }
    return 0;
}

static int rd_genfs(struct rd *r)
{
    struct ss_policy *p = r->pol;
    uint32_t n;
    TRY(rd_count(r, &n, 8, "genfs"));
    p->ngenfs = n;
    p->genfs = aarray(r, n ? n : 1, sizeof(*p->genfs));
    if (!p->genfs)
        return nomem(r);
    for (uint32_t i = 0; i < n; i++) {
        struct ss_genfs *g = &p->genfs[i];
        uint32_t len;
        TRY(rd_u32(r, &len, "genfs"));
        TRY(rd_str(r, len, &g->fstype, "genfs fstype"));
        for (uint32_t k = 0; k < i; k++)
            if (strcmp(p->genfs[k].fstype, g->fstype) == 0)
                return bad(r, "duplicate genfs fstype '%s'", g->fstype);
        TRY(rd_count(r, &g->n, 24, "genfs entries"));
        g->ent = aarray(r, g->n ? g->n : 1, sizeof(*g->ent));
        if (!g->ent)
            return nomem(r);
        for (uint32_t j = 0; j < g->n; j++) {
            TRY(rd_u32(r, &len, "genfs path"));
            TRY(rd_str(r, len, &g->ent[j].path, "genfs path"));
            TRY(rd_u32(r, &g->ent[j].sclass, "genfs class"));
            TRY(rd_context(r, &g->ent[j].ctx, "genfs context"));
        }
    }
    return 0;
}

static int rd_filetrans(struct rd *r)
{
    struct ss_policy *p = r->pol;
    uint32_t n;
    TRY(rd_count(r, &n, 20, "filename transition"));
    p->filetrans = aarray(r, n ? n : 1, sizeof(*p->filetrans));
    if (!p->filetrans)
        return nomem(r);
    for (uint32_t i = 0; i < n; i++) {
        struct ss_filetrans *f = &p->filetrans[i];
        uint32_t len, v[4];
        TRY(rd_u32(r, &len, "filename transition"));
        TRY(rd_str(r, len, &f->name, "filename transition"));
        if (r->ver < 33) {
            TRY(rd_u32n(r, v, 4, "filename transition"));
            f->stype = v[0];
            f->ttype = v[1];
            f->tclass = v[2];
            f->otype = v[3];
            p->nfiletrans++;
        } else {
            uint32_t nd;
            TRY(rd_u32n(r, v, 2, "filename transition"));
            f->ttype = v[0];
            f->tclass = v[1];
            TRY(rd_count(r, &nd, 16, "filename transition data"));
            if (nd == 0)
                return bad(r, "filename transition without data");
            /* keep the first datum in f; further ones are checked and counted */
            for (uint32_t k = 0; k < nd; k++) {
                struct ss_ebm st;
                uint32_t ot;
                TRY(rd_ebm(r, &st, "filename transition source types"));
                TRY(rd_u32(r, &ot, "filename transition"));
                if (!st.n)
                    return bad(r, "filename transition with no source types");
                if (ot < 1 || ot > p->nprim[SS_SYM_TYPES] || p->types[ot - 1].attr ||
                    !p->types[ot - 1].defined)
                    return bad(r, "filename transition to invalid type %u", ot);
                if (st.highbit > p->nprim[SS_SYM_TYPES] + 63u)
                    return bad(r, "filename transition source type out of range");
                if (k == 0) {
                    f->stypes = st;
                    f->otype = ot;
                }
                p->nfiletrans += ss_ebm_count(&st);
            }
        }
    }
    /* info reports rules (one per source type), whatever the format */
    p->nfiletrans_keys = n;
    return 0;
}

static int rd_rangetrans(struct rd *r)
{
    struct ss_policy *p = r->pol;
    uint32_t n;
    TRY(rd_count(r, &n, 28, "range transition"));
    p->nrangetrans = n;
    p->rangetrans = aarray(r, n ? n : 1, sizeof(*p->rangetrans));
    if (!p->rangetrans)
        return nomem(r);
    for (uint32_t i = 0; i < n; i++) {
        struct ss_rangetrans *t = &p->rangetrans[i];
        uint32_t v[3];
        uint32_t k = r->ver >= 21 ? 3 : 2;
        TRY(rd_u32n(r, v, k, "range transition"));
        t->stype = v[0];
        t->ttype = v[1];
        t->tclass = k == 3 ? v[2] : 0; /* filled with the process class later */
        TRY(rd_range(r, &t->range, "range transition"));
    }
    return 0;
}

/*
 * Per type, the attributes it has plus itself, filtered down to the values
 * that occur as an access rule source (t->src) or target (t->tgt): that is
 * all compute_av needs.  The lists are sorted, built in a heap buffer and
 * moved into the arena in one piece.
 */
struct tamb {
    uint16_t *buf, *tgt;
    uint32_t *start;
    size_t len, cap;
};

static int tam_begin(struct rd *r, struct tamb *b)
{
    uint32_t nt = r->pol->nprim[SS_SYM_TYPES];
    b->len = 0;
    b->cap = 4 * ((size_t)nt + 1) + 1024;
    b->buf = malloc(b->cap * sizeof(uint16_t));
    b->tgt = malloc(((size_t)nt + 1) * sizeof(uint16_t));
    b->start = malloc(((size_t)nt + 1) * sizeof(uint32_t));
    if (!b->buf || !b->tgt || !b->start)
        return nomem(r);
    return 0;
}

static void tam_end(struct tamb *b)
{
    free(b->buf);
    free(b->tgt);
    free(b->start);
}

/* Make room for one more type's lists. */
static int tam_room(struct rd *r, struct tamb *b)
{
    size_t need = b->len + 2 * ((size_t)r->pol->nprim[SS_SYM_TYPES] + 1);
    if (need <= b->cap)
        return 0;
    size_t cap = b->cap * 2 > need ? b->cap * 2 : need;
    uint16_t *nb = realloc(b->buf, cap * sizeof(uint16_t));
    if (!nb)
        return nomem(r);
    b->buf = nb;
    b->cap = cap;
    return 0;
}

static inline void tam_emit(const struct ss_policy *p, struct tamb *b, struct ss_type *t,
                            uint32_t v)
{
    if (p->src_used[v])
        b->buf[b->len + t->nsrc++] = (uint16_t)v;
    if (p->tgt_used[v])
        b->tgt[t->ntgt++] = (uint16_t)v;
}

static void tam_close(struct tamb *b, struct ss_type *t, uint32_t i)
{
    b->start[i] = (uint32_t)b->len;
    memcpy(b->buf + b->len + t->nsrc, b->tgt, t->ntgt * sizeof(uint16_t));
    b->len += t->nsrc + t->ntgt;
}

static int tam_finish(struct rd *r, struct tamb *b)
{
    struct ss_policy *p = r->pol;
    /* read before the allocation, which (to the analyzer) could change it */
    uint32_t nt = p->nprim[SS_SYM_TYPES];
    uint16_t *all = aarray(r, b->len ? b->len : 1, sizeof(uint16_t));
    if (!all)
        return nomem(r);
    memcpy(all, b->buf, b->len * sizeof(uint16_t));
    for (uint32_t i = 0; i < nt; i++) {
        struct ss_type *t = &p->types[i];
        t->src = all + b->start[i];
        t->tgt = t->src + t->nsrc;
    }
    return 0;
}

static int self_only_map(struct rd *r)
{
    struct ss_policy *p = r->pol;
    struct tamb b;
    int rc = tam_begin(r, &b);
    for (uint32_t i = 0; !rc && i < p->nprim[SS_SYM_TYPES]; i++) {
        struct ss_type *t = &p->types[i];
        t->nsrc = t->ntgt = 0;
        tam_emit(p, &b, t, i + 1);
        tam_close(&b, t, i);
    }
    if (!rc)
        rc = tam_finish(r, &b);
    tam_end(&b);
    return rc;
}

static int tam_one(struct rd *r, struct tamb *b, uint32_t i)
{
    struct ss_policy *p = r->pol;
    uint32_t nt = p->nprim[SS_SYM_TYPES];
    struct ss_type *t = &p->types[i];
    struct ebm_rd eb;
    TRY(ebm_begin(r, &eb, "type attribute map"));
    TRY(tam_room(r, b));
    t->nsrc = t->ntgt = 0;
    bool self = false;
    for (uint32_t k = 0; k < eb.n; k++) {
        uint32_t start;
        uint64_t map;
        TRY(ebm_node(r, &eb, &start, &map));
        for (; map; map &= map - 1) {
            uint32_t bit = start + (uint32_t)__builtin_ctzll(map);
            if (bit >= nt)
                return bad(r, "type attribute map of type %u names value %u", i + 1, bit + 1);
            if (bit == i) {
                self = true;
            } else if (r->ver >= 24 && (!p->types[bit].attr || !p->types[bit].defined)) {
                return bad(r, "type attribute map of type %u names non-attribute %u", i + 1,
                           bit + 1);
            }
            if (bit > i && !self) {
                tam_emit(p, b, t, i + 1);
                self = true;
            }
            tam_emit(p, b, t, bit + 1);
        }
    }
    if (!self)
        tam_emit(p, b, t, i + 1);
    tam_close(b, t, i);
    return 0;
}

static int rd_typeattr_map(struct rd *r)
{
    struct tamb b;
    int rc = tam_begin(r, &b);
    for (uint32_t i = 0; !rc && i < r->pol->nprim[SS_SYM_TYPES]; i++)
        rc = tam_one(r, &b, i);
    if (!rc)
        rc = tam_finish(r, &b);
    tam_end(&b);
    return rc;
}

int ss_policy_validate(struct ss_policy *p, char *err, size_t errlen);
int ss_policy_finish(struct ss_policy *p, char *err, size_t errlen);

static int rd_policy(struct rd *r)
{
    struct ss_policy *p = r->pol;
    uint32_t v[4], len;
    TRY(rd_u32(r, &v[0], "magic"));
    if (v[0] != SS_MAGIC)
        return bad(r, "bad magic 0x%08x (not a binary kernel policy)", v[0]);
    TRY(rd_u32(r, &len, "target string length"));
    if (len != 8 || r->left < 8)
        return bad(r, "unknown policy target string (length %u)", len);
    if (memcmp(r->p, "SE Linux", 8) == 0)
        p->target = SS_TARGET_SELINUX;
    else if (memcmp(r->p, "XenFlask", 8) == 0)
        p->target = SS_TARGET_XEN;
    else
        return bad(r, "unknown policy target string");
    r->p += 8;
    r->left -= 8;
    r->xen = p->target == SS_TARGET_XEN;
    TRY(rd_u32n(r, v, 4, "policy header"));
    r->ver = p->version = v[0];
    p->config = v[1];
    uint32_t sym, ocon;
    if (r->xen) {
        if (v[0] != 24 && v[0] != 30)
            return bad(r, "XenFlask policy version %u not supported (24 or 30)", v[0]);
        sym = 8;
        ocon = v[0] == 24 ? 5 : 6;
    } else {
        if (v[0] < 15 || v[0] > 33)
            return bad(r, "SE Linux policy version %u not supported (15-33)", v[0]);
        sym = v[0] == 15 ? 5 : v[0] < 19 ? 6 : 8;
        ocon = v[0] < 17 ? 6 : v[0] < 31 ? 7 : 9;
    }
    if (v[2] != sym || v[3] != ocon)
        return bad(r, "symbol/ocontext table counts %u/%u do not match version %u", v[2], v[3],
                   v[0]);
    p->ocon_num = ocon;
    p->mls = v[1] & 1;
    if (p->mls && v[0] < 19)
        return bad(r, "policy version %u cannot carry MLS", v[0]);
    switch (v[1] & 6) {
    case 0:
        p->handle_unknown = SS_UNKNOWN_DENY;
        break;
    case 2:
        p->handle_unknown = SS_UNKNOWN_REJECT;
        break;
    case 4:
        p->handle_unknown = SS_UNKNOWN_ALLOW;
        break;
    default:
        return bad(r, "invalid handle_unknown setting in config 0x%x", v[1]);
    }
    if (r->ver >= 22)
        TRY(rd_ebm(r, &p->polcaps, "policy capabilities"));
    if (r->ver >= 23)
        TRY(rd_ebm(r, &p->permissive, "permissive map"));
    TRY(rd_symtabs(r, sym));

    uint32_t n, nr = 0;
    TRY(rd_count(r, &n, r->ver < 20 ? 24 : 12, "avtab"));
    if (n == 0)
        return bad(r, "empty access vector table");
    uint32_t nav, ntype, nt = p->nprim[SS_SYM_TYPES];
    prescan_avtab(r, n, &nav, &ntype);
    if (avtab_alloc(&p->te, nav) || avtab_alloc(&p->tetype, ntype))
        return nomem(r);
    p->src_used = aalloc(r, 2 * ((size_t)nt + 1));
    if (!p->src_used)
        return nomem(r);
    p->tgt_used = p->src_used + nt + 1;
    p->clsmap_words = (nt + 1 + 63) / 64;
    p->clsmap = aarray(r, 2 * (size_t)p->nprim[SS_SYM_CLASSES] * p->clsmap_words, sizeof(uint64_t));
    if (!p->clsmap)
        return nomem(r);
    struct ahead ah = {r->p, r->left};
    for (uint32_t i = 0; i < AHEAD && r->ver >= 20; i++)
        prefetch_next(p, &ah);
    TRY(rule_checks_init(r));
    for (uint32_t i = 0; i < n; i++) {
        if (r->ver >= 20) {
            prefetch_next(p, &ah);
            if (main_av_fast(r, &nr))
                continue;
        }
        TRY(rd_avitem(r, NULL, &nr));
    }
    p->navtab_rules = nr;
    if (r->ver >= 16)
        TRY(rd_cond(r));

    TRY(rd_count(r, &n, r->ver >= 26 ? 16 : 12, "role transition"));
    p->nroletrans = n;
    p->roletrans = aarray(r, n ? n : 1, sizeof(*p->roletrans));
    if (!p->roletrans)
        return nomem(r);
    for (uint32_t i = 0; i < n; i++) {
        uint32_t w[4] = {0};
        TRY(rd_u32n(r, w, r->ver >= 26 ? 4 : 3, "role transition"));
        p->roletrans[i] = (struct ss_roletrans){w[0], w[1], w[2], w[3]};
    }
    TRY(rd_count(r, &n, 8, "role allow"));
    p->nroleallow = n;
    p->roleallow = aarray(r, n ? n : 1, sizeof(*p->roleallow));
    if (!p->roleallow)
        return nomem(r);
    for (uint32_t i = 0; i < n; i++) {
        uint32_t w[2];
        TRY(rd_u32n(r, w, 2, "role allow"));
        p->roleallow[i] = (struct ss_roleallow){w[0], w[1]};
    }
    if (r->ver >= 25)
        TRY(rd_filetrans(r));
    TRY(rd_ocontexts(r));
    TRY(rd_genfs(r));
    if (r->ver >= 19)
        TRY(rd_rangetrans(r));
    if (r->ver >= 20)
        TRY(rd_typeattr_map(r));
    else
        TRY(self_only_map(r));
    if (r->left)
        return bad(r, "%zu trailing bytes after the policy", r->left);
    return 0;
}

int ss_policy_read(struct ss_policy **out, const void *image, size_t len, char *err, size_t errlen)
{
    struct ss_policy *p = calloc(1, sizeof(*p));
    if (!p) {
        snprintf(err, errlen, "out of memory");
        return -ENOMEM;
    }
    /* first arena block from the image size: measured use is 2-3 bytes per image byte */
    p->arena.block = (len * 2 + 4096 + 4095) & ~(size_t)4095;
    struct rd r = {.p = image, .left = len, .total = len, .pol = p, .err = err, .errlen = errlen};
    if (errlen)
        err[0] = 0;
    int rc = image ? rd_policy(&r) : bad(&r, "no policy image");
    free(r.rule_types);
    free(r.rule_classes);
    if (!rc)
        rc = ss_policy_validate(p, err, errlen);
    if (!rc)
        rc = ss_policy_finish(p, err, errlen);
    if (rc) {
        ss_policy_free(p);
        return rc;
    }
    *out = p;
    return 0;
}

void ss_policy_free(struct ss_policy *p)
{
    if (!p)
        return;
    free(p->te.e);
    free(p->tetype.e);
    free(p->avaux);
    free(p->condav);
    free(p->condty);
    free(p->xperms);
    for (int i = 0; i < 6; i++) {
        for (uint32_t j = 0; j < p->xo[i].n; j++)
            free(p->xo[i].e[j].path);
        free(p->xo[i].e);
    }
    free(p->map);
    ss_arena_free(&p->arena);
    free(p);
}
