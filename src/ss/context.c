/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Security contexts: parsing and printing context strings under a policy,
 * the heap copies the SID table keeps, and the context <-> SID services.
 */
#include <stdlib.h>

#include "state.h"

/* ---- heap bitmaps for SID contexts ---- */

void ss_ebm_heap_free(struct ss_ebm *e)
{
    free(e->node);
    e->node = NULL;
    e->n = e->highbit = 0;
}

static int ebm_dup(struct ss_ebm *dst, const struct ss_ebm *src)
{
    dst->highbit = src->highbit;
    dst->n = src->n;
    dst->node = NULL;
    if (!src->n)
        return 0;
    dst->node = malloc(src->n * sizeof(*dst->node));
    if (!dst->node)
        return -ENOMEM;
    memcpy(dst->node, src->node, src->n * sizeof(*dst->node));
    return 0;
}

int ss_ebm_and(struct ss_ebm *dst, const struct ss_ebm *a, const struct ss_ebm *b)
{
    memset(dst, 0, sizeof(*dst));
    uint32_t m = a->n < b->n ? a->n : b->n;
    if (!m)
        return 0;
    dst->node = malloc(m * sizeof(*dst->node));
    if (!dst->node)
        return -ENOMEM;
    /* counted in a local: the analyzer lost dst->n's tie to the nodes written */
    uint32_t i = 0, j = 0, k = 0;
    while (i < a->n && j < b->n) {
        if (a->node[i].start < b->node[j].start) {
            i++;
        } else if (a->node[i].start > b->node[j].start) {
            j++;
        } else {
            uint64_t x = a->node[i].map & b->node[j].map;
            if (x) {
                dst->node[k].start = a->node[i].start;
                dst->node[k++].map = x;
            }
            i++;
            j++;
        }
    }
    dst->n = k;
    if (k)
        dst->highbit = dst->node[k - 1].start + 64;
    return 0;
}

void ss_ctx_free(struct ss_context *c)
{
    /* a range whose two levels share nodes is never owned: owned ranges are always dup'd */
    if (c->range.l[1].cat.node == c->range.l[0].cat.node)
        c->range.l[1].cat.node = NULL;
    ss_ebm_heap_free(&c->range.l[0].cat);
    ss_ebm_heap_free(&c->range.l[1].cat);
}

int ss_ctx_dup(struct ss_context *dst, const struct ss_context *src)
{
    *dst = *src;
    memset(&dst->range.l[0].cat, 0, sizeof(dst->range.l[0].cat));
    memset(&dst->range.l[1].cat, 0, sizeof(dst->range.l[1].cat));
    if (ebm_dup(&dst->range.l[0].cat, &src->range.l[0].cat) ||
        ebm_dup(&dst->range.l[1].cat, &src->range.l[1].cat)) {
        ss_ctx_free(dst);
        return -ENOMEM;
    }
    return 0;
}

/* ---- context strings ---- */

struct sbuf {
    char *b;
    size_t n, cap;
    bool oom;
};

static void sb_add(struct sbuf *s, const char *p, size_t n)
{
    if (s->oom)
        return;
    if (n >= s->cap - s->n) { /* no room for n bytes and the NUL (cap 0: none at all) */
        size_t cap = s->cap ? s->cap : 64;
        while (cap < s->n + n + 1)
            cap *= 2;
        char *b = realloc(s->b, cap);
        if (!b) {
            s->oom = true;
            return;
        }
        s->b = b;
        s->cap = cap;
    }
    memcpy(s->b + s->n, p, n);
    s->n += n;
    s->b[s->n] = 0;
}

static void sb_str(struct sbuf *s, const char *p)
{
    sb_add(s, p, strlen(p));
}

/* One run of categories a..e in libsepol's spelling: "a", "a,b" (two), "a.e" (three or more). */
static void cat_run(const struct ss_policy *p, uint32_t a, uint32_t e, bool first, struct sbuf *s)
{
    sb_add(s, first ? ":" : ",", 1);
    sb_str(s, p->catname[a]);
    if (e > a) {
        sb_add(s, e - a >= 2 ? "." : ",", 1);
        sb_str(s, p->catname[e]);
    }
}

static void level_str(const struct ss_policy *p, const struct ss_level *l, struct sbuf *s)
{
    sb_str(s, p->sens[l->sens - 1].name);
    uint32_t a = UINT32_MAX, e = 0;
    bool first = true;
    for (uint32_t i = 0; i < l->cat.n; i++) {
        const struct ss_ebm_node *nd = &l->cat.node[i];
        if (a != UINT32_MAX && nd->start == e + 1 && nd->map == ~0ULL) {
            e += 64; /* a full word continues the run */
            continue;
        }
        for (uint64_t m = nd->map; m; m &= m - 1) {
            uint32_t bit = nd->start + (uint32_t)__builtin_ctzll(m);
            if (a != UINT32_MAX && bit == e + 1) {
                e = bit;
                continue;
            }
            if (a != UINT32_MAX) {
                cat_run(p, a, e, first, s);
                first = false;
            }
            a = e = bit;
        }
    }
    if (a != UINT32_MAX)
        cat_run(p, a, e, first, s);
}

char *ss_ctx_to_str(const struct ss_policy *p, const struct ss_context *c, uint32_t *len)
{
    struct sbuf s = {0};
    sb_str(&s, p->users[c->user - 1].name);
    sb_add(&s, ":", 1);
    sb_str(&s, p->roles[c->role - 1].name);
    sb_add(&s, ":", 1);
    sb_str(&s, p->types[c->type - 1].name);
    if (p->mls) {
        sb_add(&s, ":", 1);
        level_str(p, &c->range.l[0], &s);
        if (c->range.l[0].sens != c->range.l[1].sens ||
            !ss_ebm_eq(&c->range.l[0].cat, &c->range.l[1].cat)) {
            sb_add(&s, "-", 1);
            level_str(p, &c->range.l[1], &s);
        }
    }
    if (s.oom) {
        free(s.b);
        return NULL;
    }
    *len = (uint32_t)s.n;
    return s.b;
}

/* Build a heap bitmap from a plain word array of nbits bits. */
static int words_to_ebm(const uint64_t *w, uint32_t nbits, struct ss_ebm *e)
{
    memset(e, 0, sizeof(*e));
    uint32_t nw = (nbits + 63) / 64, nn = 0;
    for (uint32_t i = 0; i < nw; i++)
        nn += w[i] != 0;
    if (!nn)
        return 0;
    e->node = malloc(nn * sizeof(*e->node));
    if (!e->node)
        return -ENOMEM;
    for (uint32_t i = 0; i < nw; i++)
        if (w[i]) {
            e->node[e->n].start = i * 64;
            e->node[e->n++].map = w[i];
        }
    e->highbit = e->node[e->n - 1].start + 64;
    return 0;
}

/* Set bits a..b (inclusive) of a word array. */
static void words_set_range(uint64_t *w, uint32_t a, uint32_t b)
{
    for (uint32_t i = a / 64; i <= b / 64; i++) {
        uint64_t m = ~0ULL;
        if (i == a / 64)
            m &= ~0ULL << (a % 64);
        if (i == b / 64 && b % 64 != 63)
            m &= (1ULL << (b % 64 + 1)) - 1;
        w[i] |= m;
    }
}

static int parse_level(const struct ss_policy *p, const char *s, size_t n, struct ss_level *l,
                       uint64_t *bits)
{
    size_t i = 0;
    while (i < n && s[i] != ':')
        i++;
    l->sens = ss_strhash_get(&p->names[SS_SYM_LEVELS], s, i);
    if (!l->sens)
        return -EINVAL;
    memset(bits, 0, ((p->ncats + 63) / 64) * sizeof(*bits));
    if (i < n) {
        i++;
        if (i == n)
            return -EINVAL;
        while (i < n) {
            size_t j = i;
            while (j < n && s[j] != ',')
                j++;
            /* item s[i..j): cat or cat.cat */
            size_t d = i;
            while (d < j && s[d] != '.')
                d++;
            uint32_t a = ss_strhash_get(&p->names[SS_SYM_CATS], s + i, d - i);
            if (!a)
                return -EINVAL;
            uint32_t b = a;
            if (d < j) {
                b = ss_strhash_get(&p->names[SS_SYM_CATS], s + d + 1, j - d - 1);
                if (!b || a >= b)
                    return -EINVAL;
            }
            words_set_range(bits, a - 1, b - 1);
            if (j < n) {
                j++;
                if (j == n)
                    return -EINVAL;
            }
            i = j;
        }
    }
    return words_to_ebm(bits, p->ncats, &l->cat);
}

/* Parse "user:role:type[:level[-level]]" into c (heap categories). */
int ss_parse_context(const struct ss_policy *p, const char *s, size_t n, struct ss_context *c)
{
    memset(c, 0, sizeof(*c));
    const char *f[3];
    size_t fl[3];
    size_t i = 0;
    for (int k = 0; k < 3; k++) {
        size_t st = i;
        while (i < n && s[i] != ':')
            i++;
        f[k] = s + st;
        fl[k] = i - st;
        if (k < 2) {
            if (i == n)
                return -EINVAL;
            i++;
        }
    }
    c->user = ss_strhash_get(&p->names[SS_SYM_USERS], f[0], fl[0]);
    c->role = ss_strhash_get(&p->names[SS_SYM_ROLES], f[1], fl[1]);
    c->type = ss_strhash_get(&p->names[SS_SYM_TYPES], f[2], fl[2]);
    if (!c->user || !c->role || !c->type)
        return -EINVAL;
    if (!p->mls)
        return i == n ? 0 : -EINVAL;
    if (i == n)
        return -EINVAL;
    i++;
    size_t dash = i;
    while (dash < n && s[dash] != '-')
        dash++;
    uint64_t *bits = malloc(((p->ncats + 63) / 64 + 1) * sizeof(*bits));
    if (!bits)
        return -ENOMEM;
    int rc = parse_level(p, s + i, dash - i, &c->range.l[0], bits);
    if (!rc) {
        if (dash < n)
            rc = parse_level(p, s + dash + 1, n - dash - 1, &c->range.l[1], bits);
        else
            rc = ebm_dup(&c->range.l[1].cat, &c->range.l[0].cat),
            c->range.l[1].sens = c->range.l[0].sens;
    }
    free(bits);
    if (rc)
        ss_ctx_free(c);
    return rc;
}

/* ---- contexts and SIDs ---- */

const struct ss_context *ss_sid_ctx(const struct ss_state *st, ss_sid sid)
{
    const struct ss_sident *e = ss_sidtab_get(st->sids, sid);

    /* unknown SIDs are treated as unlabeled: Xen's SID 6, libsepol's SID 3 */
    if (!e)
        e = ss_sidtab_get(st->sids, st->sem == SS_SEM_XEN ? 6 : 3);
    return e ? &e->ctx : NULL;
}

int ss_ctx_to_sid(const struct ss_state *st, const struct ss_context *ctx, ss_sid *out)
{
    uint32_t len;
    char *str = ss_ctx_to_str(st->pol, ctx, &len);
    if (!str)
        return -ENOMEM;
    int rc = ss_sidtab_intern(st->sids, ctx, str, len, out);
    if (rc)
        free(str);
    return rc;
}

static int context_to_sid(ss_ctx *ss, const struct ss_state *st, const char *str, size_t len,
                          ss_sid *out)
{
    struct ss_context c;
    int rc = ss_parse_context(st->pol, str, len, &c);
    if (rc)
        return ss_set_err(ss, rc, "invalid context '%.*s'", (int)(len > 100 ? 100 : len), str);
    if (!ss_context_valid(st->pol, &c)) {
        ss_ctx_free(&c);
        return ss_set_err(ss, -EINVAL, "context '%.*s' is not valid in the policy",
                          (int)(len > 100 ? 100 : len), str);
    }
    rc = ss_ctx_to_sid(st, &c, out);
    ss_ctx_free(&c);
    return rc;
}

struct ctx_arg {
    const char *str;
    size_t len;
    ss_sid *out;
};

static int context_to_sid_q(ss_ctx *ss, const struct ss_state *st, void *p)
{
    const struct ctx_arg *a = p;
    if (!st->pol)
        return -ENODATA;
    if (!a->len || memchr(a->str, 0, a->len))
        return ss_set_err(ss, -EINVAL, "malformed context");
    return context_to_sid(ss, st, a->str, a->len, a->out);
}

int ss_context_to_sid(ss_ctx *ss, const char *str, size_t len, ss_sid *out)
{
    if (!ss || !str || !out)
        return -EINVAL;
    if (len && str[len - 1] == 0)
        len--;
    struct ctx_arg a = {str, len, out};
    return ss_query(ss, context_to_sid_q, &a);
}

int ss_sid_to_context(ss_ctx *ss, ss_sid sid, char *buf, size_t size, size_t *len)
{
    if (!ss || !len)
        return -EINVAL;
    struct xrcu_reader *r;
    const struct ss_state *st = ss_enter(ss, &r);
    if (!st)
        return -ENOMEM;
    int rc = 0;
    const struct ss_sident *e = NULL;
    if (!st->pol)
        rc = -ENODATA;
    else if (!(e = ss_sidtab_get(st->sids, sid)) &&
             !(e = ss_sidtab_get(st->sids, st->sem == SS_SEM_XEN ? 6 : 3)))
        rc = -EINVAL;
    if (!rc) {
        *len = (size_t)e->len + 1;
        if (!buf || size < *len)
            rc = -ERANGE;
        else
            memcpy(buf, atomic_load_explicit(&e->str, memory_order_acquire), *len);
    }
    ss_leave(r);
    return rc;
}
