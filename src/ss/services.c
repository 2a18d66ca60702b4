/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Security server services: the context, the SID table, access decisions,
 * labelling decisions, booleans, class mapping and Xen object labels.
 *
 * SID table design: SIDs are allocated densely, so SID -> context is an
 * array index.  Every entry keeps its canonical context string; a hash over
 * those strings gives context -> SID in O(1).  On policy reload each entry is
 * re-parsed from its string under the new policy, which is exactly "convert
 * by name".
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "ss_internal.h"

struct sident {
    char *str; /* NULL = free slot */
    uint32_t len, hash;
    struct ss_context ctx; /* category nodes are owned (heap) */
};

struct sidtab {
    struct sident *e; /* index = SID */
    uint32_t n;       /* array length */
    uint32_t next;    /* next SID to allocate */
    uint32_t *h;      /* hash slots: SID, 0 = empty */
    uint32_t hmask;
    uint32_t count;
};

struct ss_ctx {
    struct ss_config cfg;
    struct ss_class_map *map; /* private copy of the mapping (names not copied) */
    struct ss_policy *pol;
    enum ss_semantics sem; /* resolved */
    struct sidtab sids;
    uint8_t *pending;
    uint32_t seqno;
    bool enforcing;          /* the host's mode, see ss_set_enforcing() */
    struct ss_xolist xo0[6]; /* Xen object labels before any policy */
    char err[256];
};

static int set_err(ss_ctx *ss, int rc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int set_err(ss_ctx *ss, int rc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ss->err, sizeof(ss->err), fmt, ap);
    va_end(ap);
    if (ss->cfg.log)
        ss->cfg.log(ss->cfg.log_opaque, ss->err);
    return rc;
}

/* A log line that is not an error of the current call (ss->err untouched). */
static void note(const ss_ctx *ss, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(const ss_ctx *ss, const char *fmt, ...)
{
    char line[256];
    va_list ap;
    if (!ss->cfg.log)
        return;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    ss->cfg.log(ss->cfg.log_opaque, line);
}

/* ---- heap bitmaps for SID contexts ---- */

static void ebm_free(struct ss_ebm *e)
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

static int ebm_and(struct ss_ebm *dst, const struct ss_ebm *a, const struct ss_ebm *b)
{
    memset(dst, 0, sizeof(*dst));
    uint32_t m = a->n < b->n ? a->n : b->n;
    if (!m)
        return 0;
    dst->node = malloc(m * sizeof(*dst->node));
    if (!dst->node)
        return -ENOMEM;
    uint32_t i = 0, j = 0;
    while (i < a->n && j < b->n) {
        if (a->node[i].start < b->node[j].start) {
            i++;
        } else if (a->node[i].start > b->node[j].start) {
            j++;
        } else {
            uint64_t x = a->node[i].map & b->node[j].map;
            if (x) {
                dst->node[dst->n].start = a->node[i].start;
                dst->node[dst->n++].map = x;
            }
            i++;
            j++;
        }
    }
    if (dst->n)
        dst->highbit = dst->node[dst->n - 1].start + 64;
    return 0;
}

static void ctx_free(struct ss_context *c)
{
    /* a range whose two levels share nodes is never owned: owned ranges are always dup'd */
    if (c->range.l[1].cat.node == c->range.l[0].cat.node)
        c->range.l[1].cat.node = NULL;
    ebm_free(&c->range.l[0].cat);
    ebm_free(&c->range.l[1].cat);
}

static int ctx_dup(struct ss_context *dst, const struct ss_context *src)
{
    *dst = *src;
    memset(&dst->range.l[0].cat, 0, sizeof(dst->range.l[0].cat));
    memset(&dst->range.l[1].cat, 0, sizeof(dst->range.l[1].cat));
    if (ebm_dup(&dst->range.l[0].cat, &src->range.l[0].cat) ||
        ebm_dup(&dst->range.l[1].cat, &src->range.l[1].cat)) {
        ctx_free(dst);
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
    if (s->n + n + 1 > s->cap) {
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

static char *ctx_to_str(const struct ss_policy *p, const struct ss_context *c, uint32_t *len)
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
static int parse_context(const struct ss_policy *p, const char *s, size_t n, struct ss_context *c)
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
        ctx_free(c);
    return rc;
}

/* ---- SID table ---- */

static void sidtab_free(struct sidtab *t)
{
    for (uint32_t i = 0; i < t->n; i++)
        if (t->e[i].str) {
            free(t->e[i].str);
            ctx_free(&t->e[i].ctx);
        }
    free(t->e);
    free(t->h);
    memset(t, 0, sizeof(*t));
}

static uint32_t sidtab_lookup_str(const struct sidtab *t, const char *s, uint32_t len, uint32_t h)
{
    if (!t->h)
        return 0;
    uint32_t i = h & t->hmask;
    for (;;) {
        uint32_t sid = t->h[i];
        if (!sid)
            return 0;
        const struct sident *e = &t->e[sid];
        if (e->hash == h && e->len == len && memcmp(e->str, s, len) == 0)
            return sid;
        i = (i + 1) & t->hmask;
    }
}

static int sidtab_hash_insert(struct sidtab *t, uint32_t sid)
{
    if ((uint64_t)(t->count + 1) * 2 > (uint64_t)t->hmask + 1 || !t->h) {
        uint32_t sz = t->h ? (t->hmask + 1) * 2 : 32;
        uint32_t *h = calloc(sz, sizeof(*h));
        if (!h)
            return -ENOMEM;
        for (uint32_t j = 0; t->h && j <= t->hmask; j++) {
            uint32_t s = t->h[j];
            if (!s)
                continue;
            uint32_t k = t->e[s].hash & (sz - 1);
            while (h[k])
                k = (k + 1) & (sz - 1);
            h[k] = s;
        }
        free(t->h);
        t->h = h;
        t->hmask = sz - 1;
    }
    uint32_t i = t->e[sid].hash & t->hmask;
    while (t->h[i])
        i = (i + 1) & t->hmask;
    t->h[i] = sid;
    t->count++;
    return 0;
}

/* Insert ctx (deep-copied) with its string (ownership taken on success) at sid. */
static int sidtab_set(struct sidtab *t, uint32_t sid, const struct ss_context *ctx, char *str,
                      uint32_t len)
{
    if (sid >= t->n) {
        uint32_t n = t->n ? t->n : 16;
        while (n <= sid)
            n *= 2;
        struct sident *e = realloc(t->e, n * sizeof(*e));
        if (!e)
            return -ENOMEM;
        memset(e + t->n, 0, (n - t->n) * sizeof(*e));
        t->e = e;
        t->n = n;
    }
    struct sident *e = &t->e[sid];
    if (ctx_dup(&e->ctx, ctx))
        return -ENOMEM;
    e->str = str;
    e->len = len;
    e->hash = ss_hash_bytes(str, len);
    uint32_t dup = sidtab_lookup_str(t, str, len, e->hash);
    if (!dup && sidtab_hash_insert(t, sid)) {
        ctx_free(&e->ctx);
        e->str = NULL;
        return -ENOMEM;
    }
    if (sid >= t->next)
        t->next = sid + 1;
    return 0;
}

/* context -> SID, allocating a new SID if needed.  ctx must be valid. */
static int ctx_to_sid(ss_ctx *ss, const struct ss_context *ctx, ss_sid *out)
{
    uint32_t len;
    char *str = ctx_to_str(ss->pol, ctx, &len);
    if (!str)
        return -ENOMEM;
    uint32_t sid = sidtab_lookup_str(&ss->sids, str, len, ss_hash_bytes(str, len));
    if (sid) {
        free(str);
        *out = sid;
        return 0;
    }
    sid = ss->sids.next;
    if (sid == 0 || sid == UINT32_MAX) {
        free(str);
        return -ENOMEM;
    }
    int rc = sidtab_set(&ss->sids, sid, ctx, str, len);
    if (rc) {
        free(str);
        return rc;
    }
    *out = sid;
    return 0;
}

static const struct ss_context *sid_ctx(const ss_ctx *ss, ss_sid sid)
{
    const struct sidtab *t = &ss->sids;
    if (sid && sid < t->n && t->e[sid].str)
        return &t->e[sid].ctx;
    /* unknown SIDs are treated as unlabeled: Xen's SID 6, libsepol's SID 3 */
    uint32_t un = ss->sem == SS_SEM_XEN ? 6 : 3;
    if (un < t->n && t->e[un].str)
        return &t->e[un].ctx;
    return NULL;
}

/* ---- lifecycle ---- */

int ss_create(ss_ctx **out, const struct ss_config *cfg)
{
    if (!out)
        return -EINVAL;
    ss_ctx *ss = calloc(1, sizeof(*ss));
    if (!ss)
        return -ENOMEM;
    if (cfg) {
        ss->cfg = *cfg;
        if (cfg->semantics > SS_SEM_SELINUX || (cfg->nmap && !cfg->map) || cfg->nmap > 65535) {
            free(ss);
            return -EINVAL;
        }
        for (unsigned i = 0; i < cfg->nmap; i++) {
            unsigned np = 0;
            if (!cfg->map[i].name || !cfg->map[i].perms) {
                free(ss);
                return -EINVAL;
            }
            while (cfg->map[i].perms[np])
                np++;
            if (np > 32) {
                free(ss);
                return -EINVAL;
            }
        }
    }
    ss->enforcing = true;
    *out = ss;
    return 0;
}

void ss_set_enforcing(ss_ctx *ss, bool enforcing)
{
    if (ss)
        ss->enforcing = enforcing;
}

bool ss_enforcing(const ss_ctx *ss)
{
    return !ss || ss->enforcing;
}

static void xolists_clear(struct ss_xolist *l);

void ss_destroy(ss_ctx *ss)
{
    if (!ss)
        return;
    xolists_clear(ss->xo0);
    sidtab_free(&ss->sids);
    ss_policy_free(ss->pol);
    free(ss->pending);
    free(ss);
}

const char *ss_last_error(const ss_ctx *ss)
{
    return ss ? ss->err : "";
}

bool ss_policy_loaded(const ss_ctx *ss)
{
    return ss && ss->pol;
}

static int build_map(ss_ctx *ss, struct ss_policy *p)
{
    unsigned n = ss->cfg.nmap;
    if (!n)
        return 0;
    p->map = calloc(n, sizeof(*p->map));
    if (!p->map)
        return set_err(ss, -ENOMEM, "out of memory");
    p->nmap = n;
    for (unsigned i = 0; i < n; i++) {
        const struct ss_class_map *m = &ss->cfg.map[i];
        struct ss_mapping *pm = &p->map[i];
        uint16_t pc = (uint16_t)ss_strhash_get(&p->names[SS_SYM_CLASSES], m->name, strlen(m->name));
        if (ss->cfg.map_strict && pc != i + 1)
            return set_err(ss, -EINVAL, "policy class %u is not '%s'", i + 1, m->name);
        if (!pc && p->handle_unknown == SS_UNKNOWN_REJECT)
            return set_err(ss, -EINVAL, "class '%s' missing and the policy rejects unknowns",
                           m->name);
        pm->pclass = pc;
        for (unsigned j = 0; m->perms[j]; j++) {
            uint32_t b = ss_perm_bit(p, pc, m->perms[j]);
            if (ss->cfg.map_strict && b != 1u << j)
                return set_err(ss, -EINVAL, "class '%s' permission '%s' is not bit %u", m->name,
                               m->perms[j], j);
            if (pc && !b && p->handle_unknown == SS_UNKNOWN_REJECT)
                return set_err(ss, -EINVAL,
                               "permission '%s' of class '%s' missing and the policy rejects "
                               "unknowns",
                               m->perms[j], m->name);
            pm->pbit[j] = b;
            pm->nperms = j + 1;
        }
    }
    return 0;
}

/*
 * Convert existing SIDs by name, then add the new policy's initial SIDs not
 * yet present.  A SID whose names the new policy lacks is dropped (look-ups
 * then fall back to the unlabeled SID); one whose converted context is
 * invalid is dropped too, unless keep_invalid (Xen, permissive: Xen's
 * convert_context keeps it with a message).
 */
static int build_sidtab(ss_ctx *ss, struct ss_policy *np, struct sidtab *nt, bool keep_invalid)
{
    uint32_t kept = 0, dropped = 0;
    memset(nt, 0, sizeof(*nt));
    for (uint32_t sid = 1; sid < ss->sids.n; sid++) {
        const struct sident *e = &ss->sids.e[sid];
        if (!e->str)
            continue;
        struct ss_context c;
        int rc = parse_context(np, e->str, e->len, &c);
        if (rc == -ENOMEM)
            goto oom;
        if (!rc && !ss_context_valid(np, &c)) {
            if (keep_invalid) {
                kept++;
            } else {
                ctx_free(&c);
                rc = -EINVAL;
            }
        }
        if (rc) {
            dropped++;
            continue;
        }
        uint32_t len;
        char *str = ctx_to_str(np, &c, &len);
        if (!str || sidtab_set(nt, sid, &c, str, len)) {
            free(str);
            ctx_free(&c);
            goto oom;
        }
        ctx_free(&c);
    }
    if (ss->sids.next > nt->next)
        nt->next = ss->sids.next;
    for (uint32_t i = 0; i < np->nocon[0]; i++) {
        const struct ss_ocon *o = &np->ocon[0][i];
        uint32_t sid = o->u[0];
        if (sid < nt->n && nt->e[sid].str)
            continue;
        uint32_t len;
        char *str = ctx_to_str(np, &o->ctx[0], &len);
        if (!str || sidtab_set(nt, sid, &o->ctx[0], str, len)) {
            free(str);
            goto oom;
        }
    }
    if (nt->next == 0)
        nt->next = 1;
    if (kept || dropped)
        note(ss, "policy reload: %u SIDs dropped, %u kept with an invalid context", dropped, kept);
    return 0;
oom:
    sidtab_free(nt);
    return -ENOMEM;
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
            return set_err(ss, -EINVAL,
                           "policy rejected: Xen reads \"SE Linux\" policies of "
                           "version 24 only, not %u",
                           np->version);
        for (uint32_t i = 1; i < np->ocon_num; i++)
            if (np->nocon[i])
                return set_err(ss, -EINVAL,
                               "policy rejected: object context table %u of an old Xen policy", i);
    }
    if (np->ngenfs || np->nfiletrans || np->nfiletrans_keys)
        return set_err(ss, -EINVAL, "policy rejected: genfs or filename transitions");
    for (uint32_t i = 0; i < np->nprim[SS_SYM_CLASSES]; i++)
        if (np->classes[i].comname)
            return set_err(ss, -EINVAL, "policy rejected: class %u inherits a common", i + 1);
    return 0;
}

/* What Xen's loader refuses although the reader took it (all -EINVAL). */
static int load_checks(ss_ctx *ss, const struct ss_policy *np, enum ss_semantics sem)
{
    if (ss->cfg.xen_formats) {
        int rc = xen_format_check(ss, np);
        if (rc)
            return rc;
    }
    /* Xen's policydb_read, once a policy is in: flask_mls_enabled is fixed. */
    if (ss->pol && sem == SS_SEM_XEN && np->mls != ss->pol->mls)
        return set_err(ss, -EINVAL, "policy rejected: cannot switch between MLS and non-MLS");
    return 0;
}

int ss_load_policy(ss_ctx *ss, const void *image, size_t len)
{
    if (!ss)
        return -EINVAL;
    struct ss_policy *np = NULL;
    char err[200];
    /* Xen's first load resets its (empty) database before it parses. */
    if (!ss->pol)
        xolists_clear(ss->xo0);
    int rc = ss_policy_read(&np, image, len, err, sizeof(err));
    if (rc)
        return set_err(ss, rc, "policy rejected: %s", err);
    enum ss_semantics sem = ss->cfg.semantics;
    if (sem == SS_SEM_AUTO)
        sem = np->target == SS_TARGET_XEN ? SS_SEM_XEN : SS_SEM_SELINUX;
    rc = load_checks(ss, np, sem);
    if (!rc)
        rc = build_map(ss, np);
    if (rc) {
        ss_policy_free(np);
        return rc;
    }
    if (ss->pol) {
        /* preserve boolean values by name, then re-evaluate all conditionals */
        for (uint32_t i = 0; i < np->nprim[SS_SYM_BOOLS]; i++) {
            const char *nm = np->bools[i].name;
            uint32_t ov = ss_strhash_get(&ss->pol->names[SS_SYM_BOOLS], nm, strlen(nm));
            if (ov)
                np->bools[i].state = ss->pol->bools[ov - 1].state;
        }
        ss_policy_eval_conds(np);
    }
    uint8_t *pending = calloc(np->nprim[SS_SYM_BOOLS] + 1, 1);
    struct sidtab nt;
    if (!pending || build_sidtab(ss, np, &nt, sem == SS_SEM_XEN && !ss->enforcing)) {
        free(pending);
        ss_policy_free(np);
        return set_err(ss, -ENOMEM, "out of memory");
    }
    for (uint32_t i = 0; i < np->nprim[SS_SYM_BOOLS]; i++)
        pending[i] = (uint8_t)np->bools[i].state;
    sidtab_free(&ss->sids);
    ss->sids = nt;
    ss_policy_free(ss->pol);
    ss->pol = np;
    free(ss->pending);
    ss->pending = pending;
    ss->sem = sem;
    ss->seqno++;
    ss->err[0] = 0;
    return 0;
}

int ss_get_info(const ss_ctx *ss, struct ss_policy_info *info)
{
    if (!ss || !info)
        return -EINVAL;
    if (!ss->pol)
        return -ENODATA;
    const struct ss_policy *p = ss->pol;
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
    return 0;
}

enum ss_semantics ss_semantics_in_use(const ss_ctx *ss)
{
    if (!ss || !ss->pol)
        return ss ? ss->cfg.semantics : SS_SEM_AUTO;
    return ss->sem;
}

uint32_t ss_seqno(const ss_ctx *ss)
{
    return ss ? ss->seqno : 0;
}

/* ---- access decisions ---- */

static void te_av(const struct ss_policy *p, uint32_t stype, uint32_t ttype, uint16_t cls,
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

static bool level_eq(const struct ss_level *a, const struct ss_level *b)
{
    return a->sens == b->sens && ss_ebm_eq(&a->cat, &b->cat);
}

static bool cexpr_eval(const struct ss_policy *p, const struct ss_context *s,
                       const struct ss_context *t, const struct ss_context *x,
                       const struct ss_constraint *c)
{
    int st[SS_CEXPR_MAXDEPTH];
    int sp = -1;
    for (uint32_t i = 0; i < c->nexpr; i++) {
        const struct ss_cexpr *e = &c->expr[i];
        switch (e->type) {
        case SS_CEXPR_NOT:
            st[sp] = !st[sp];
            continue;
        case SS_CEXPR_AND:
            sp--;
            st[sp] = st[sp] && st[sp + 1];
            continue;
        case SS_CEXPR_OR:
            sp--;
            st[sp] = st[sp] || st[sp + 1];
            continue;
        case SS_CEXPR_NAMES: {
            const struct ss_context *cc = s;
            if (e->attr & SS_CEXPR_TARGET)
                cc = t;
            else if (e->attr & SS_CEXPR_XTARGET)
                cc = x;
            if (!cc)
                return false;
            uint32_t v = (e->attr & SS_CEXPR_USER)   ? cc->user
                         : (e->attr & SS_CEXPR_ROLE) ? cc->role
                                                     : cc->type;
            bool in = ss_ebm_get(&e->names, v - 1);
            st[++sp] = e->op == SS_CEXPR_EQ ? in : !in;
            continue;
        }
        default:
            break;
        }
        /* ATTR */
        const struct ss_level *l1 = NULL, *l2 = NULL;
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
            if (e->op == SS_CEXPR_DOM) {
                st[++sp] = ss_ebm_get(&r1->dominates, v2 - 1);
                continue;
            } else if (e->op == SS_CEXPR_DOMBY) {
                st[++sp] = ss_ebm_get(&r2->dominates, v1 - 1);
                continue;
            } else if (e->op == SS_CEXPR_INCOMP) {
                st[++sp] =
                    !ss_ebm_get(&r1->dominates, v2 - 1) && !ss_ebm_get(&r2->dominates, v1 - 1);
                continue;
            }
            break;
        }
        case SS_CEXPR_L1L2:
            l1 = &s->range.l[0];
            l2 = &t->range.l[0];
            break;
        case SS_CEXPR_L1H2:
            l1 = &s->range.l[0];
            l2 = &t->range.l[1];
            break;
        case SS_CEXPR_H1L2:
            l1 = &s->range.l[1];
            l2 = &t->range.l[0];
            break;
        case SS_CEXPR_H1H2:
            l1 = &s->range.l[1];
            l2 = &t->range.l[1];
            break;
        case SS_CEXPR_L1H1:
            l1 = &s->range.l[0];
            l2 = &s->range.l[1];
            break;
        case SS_CEXPR_L2H2:
            l1 = &t->range.l[0];
            l2 = &t->range.l[1];
            break;
        }
        if (l1) {
            bool r;
            switch (e->op) {
            case SS_CEXPR_EQ:
                r = level_eq(l1, l2);
                break;
            case SS_CEXPR_NEQ:
                r = !level_eq(l1, l2);
                break;
            case SS_CEXPR_DOM:
                r = ss_level_dom(l1, l2);
                break;
            case SS_CEXPR_DOMBY:
                r = ss_level_dom(l2, l1);
                break;
            default: /* INCOMP */
                r = !ss_level_dom(l1, l2) && !ss_level_dom(l2, l1);
                break;
            }
            st[++sp] = r;
            continue;
        }
        st[++sp] = e->op == SS_CEXPR_EQ ? v1 == v2 : v1 != v2;
    }
    return sp == 0 && st[0];
}

static void context_av(const ss_ctx *ss, const struct ss_context *s, const struct ss_context *t,
                       uint16_t cls, struct ss_av_decision *avd);

static void bounds_sel(const ss_ctx *ss, const struct ss_context *s, const struct ss_context *t,
                       uint16_t cls, struct ss_av_decision *avd)
{
    const struct ss_policy *p = ss->pol;
    uint32_t sb = p->types[s->type - 1].bounds, tb = p->types[t->type - 1].bounds;
    if (!sb)
        return;
    struct ss_context ls = *s, lt = *t;
    struct ss_av_decision lo;
    ls.type = sb;
    if (tb)
        lt.type = tb;
    context_av(ss, &ls, &lt, cls, &lo);
    avd->allowed &= lo.allowed;
}

static void bounds_xen(const ss_ctx *ss, const struct ss_context *s, const struct ss_context *t,
                       uint16_t cls, struct ss_av_decision *avd)
{
    const struct ss_policy *p = ss->pol;
    uint32_t sb = p->types[s->type - 1].bounds, tb = p->types[t->type - 1].bounds;
    struct ss_context ls = *s, lt = *t;
    struct ss_av_decision lo;
    uint32_t masked = 0;
    ls.type = sb;
    lt.type = tb;
    /* Xen recomputes up to three times and stops as soon as one masks nothing */
    if (sb) {
        context_av(ss, &ls, t, cls, &lo);
        if ((lo.allowed & avd->allowed) == avd->allowed)
            return;
        masked = ~lo.allowed & avd->allowed;
    }
    if (tb) {
        context_av(ss, s, &lt, cls, &lo);
        if ((lo.allowed & avd->allowed) == avd->allowed)
            return;
        masked = ~lo.allowed & avd->allowed;
    }
    if (sb && tb) {
        context_av(ss, &ls, &lt, cls, &lo);
        if ((lo.allowed & avd->allowed) == avd->allowed)
            return;
        masked = ~lo.allowed & avd->allowed;
    }
    avd->allowed &= ~masked;
}

static void context_av(const ss_ctx *ss, const struct ss_context *s, const struct ss_context *t,
                       uint16_t cls, struct ss_av_decision *avd)
{
    const struct ss_policy *p = ss->pol;
    avd->allowed = 0;
    avd->auditallow = 0;
    avd->auditdeny = 0xffffffffU;
    avd->seqno = ss->seqno;
    avd->flags = 0;
    te_av(p, s->type, t->type, cls, avd);
    const struct ss_class *c = &p->classes[cls - 1];
    for (uint32_t i = 0; i < c->ncons; i++)
        if ((c->cons[i].perms & avd->allowed) && !cexpr_eval(p, s, t, NULL, &c->cons[i]))
            avd->allowed &= ~c->cons[i].perms;
    bool xen = ss->sem == SS_SEM_XEN;
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
        bounds_xen(ss, s, t, cls, avd);
    else
        bounds_sel(ss, s, t, cls, avd);
}

int ss_compute_av(ss_ctx *ss, ss_sid ssid, ss_sid tsid, uint16_t tclass, struct ss_av_decision *avd)
{
    if (!ss || !avd)
        return -EINVAL;
    if (!ss->pol)
        return -ENODATA;
    const struct ss_policy *p = ss->pol;
    const struct ss_context *s = sid_ctx(ss, ssid), *t = sid_ctx(ss, tsid);
    if (!s || !t || !tclass || tclass > p->nprim[SS_SYM_CLASSES] || !p->classes[tclass - 1].name)
        return -EINVAL;
    context_av(ss, s, t, tclass, avd);
    if (ss_ebm_get(&p->permissive, s->type))
        avd->flags |= SS_AVD_FLAGS_PERMISSIVE;
    return 0;
}

int ss_compute_av_mapped(ss_ctx *ss, ss_sid ssid, ss_sid tsid, uint16_t mclass,
                         struct ss_av_decision *avd)
{
    if (!ss || !avd)
        return -EINVAL;
    if (!ss->pol)
        return -ENODATA;
    const struct ss_policy *p = ss->pol;
    if (!mclass || mclass > p->nmap)
        return -EINVAL;
    const struct ss_mapping *m = &p->map[mclass - 1];
    bool allow_unknown = p->handle_unknown == SS_UNKNOWN_ALLOW;
    struct ss_av_decision pd;
    if (!m->pclass) {
        const struct ss_context *s = sid_ctx(ss, ssid), *t = sid_ctx(ss, tsid);
        if (!s || !t)
            return -EINVAL;
        memset(avd, 0, sizeof(*avd));
        avd->allowed = allow_unknown ? 0xffffffffU : 0;
        avd->auditdeny = 0xffffffffU;
        avd->seqno = ss->seqno;
        if (ss_ebm_get(&p->permissive, s->type))
            avd->flags |= SS_AVD_FLAGS_PERMISSIVE;
        return 0;
    }
    int rc = ss_compute_av(ss, ssid, tsid, m->pclass, &pd);
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

static int compute_sid(ss_ctx *ss, ss_sid ssid, ss_sid tsid, uint16_t cls, uint32_t kind,
                       ss_sid *out)
{
    if (!ss || !out)
        return -EINVAL;
    if (!ss->pol)
        return -ENODATA;
    const struct ss_policy *p = ss->pol;
    const struct ss_context *s = sid_ctx(ss, ssid), *t = sid_ctx(ss, tsid);
    bool sel = ss->sem == SS_SEM_SELINUX;
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
                    if (ebm_and(&tmp[0], &r1->l[0].cat, &r2->l[0].cat) ||
                        ebm_and(&tmp[1], &r1->l[1].cat, &r2->l[1].cat)) {
                        ebm_free(&tmp[0]);
                        ebm_free(&tmp[1]);
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
        note(ss, "compute_sid: invalid context for ssid=%u tsid=%u tclass=%u", ssid, tsid, cls);
        if (sel || ss->enforcing)
            rc = -EACCES;
    }
    if (!rc)
        rc = ctx_to_sid(ss, &n, out);
    ebm_free(&tmp[0]);
    ebm_free(&tmp[1]);
    return rc;
}

int ss_transition_sid(ss_ctx *ss, ss_sid ssid, ss_sid tsid, uint16_t tclass, ss_sid *out)
{
    return compute_sid(ss, ssid, tsid, tclass, SS_AVTAB_TRANSITION, out);
}

int ss_member_sid(ss_ctx *ss, ss_sid ssid, ss_sid tsid, uint16_t tclass, ss_sid *out)
{
    return compute_sid(ss, ssid, tsid, tclass, SS_AVTAB_MEMBER, out);
}

int ss_change_sid(ss_ctx *ss, ss_sid ssid, ss_sid tsid, uint16_t tclass, ss_sid *out)
{
    return compute_sid(ss, ssid, tsid, tclass, SS_AVTAB_CHANGE, out);
}

static int map_class(const ss_ctx *ss, uint16_t mclass, uint16_t *pc)
{
    if (!ss)
        return -EINVAL;
    if (!ss->pol)
        return -ENODATA;
    if (!mclass || mclass > ss->pol->nmap || !ss->pol->map[mclass - 1].pclass)
        return -EINVAL;
    *pc = ss->pol->map[mclass - 1].pclass;
    return 0;
}

int ss_transition_sid_mapped(ss_ctx *ss, ss_sid ssid, ss_sid tsid, uint16_t mclass, ss_sid *out)
{
    uint16_t pc;
    int rc = map_class(ss, mclass, &pc);
    return rc ? rc : ss_transition_sid(ss, ssid, tsid, pc, out);
}

int ss_member_sid_mapped(ss_ctx *ss, ss_sid ssid, ss_sid tsid, uint16_t mclass, ss_sid *out)
{
    uint16_t pc;
    int rc = map_class(ss, mclass, &pc);
    return rc ? rc : ss_member_sid(ss, ssid, tsid, pc, out);
}

int ss_change_sid_mapped(ss_ctx *ss, ss_sid ssid, ss_sid tsid, uint16_t mclass, ss_sid *out)
{
    uint16_t pc;
    int rc = map_class(ss, mclass, &pc);
    return rc ? rc : ss_change_sid(ss, ssid, tsid, pc, out);
}

int ss_validate_transition(ss_ctx *ss, ss_sid oldsid, ss_sid newsid, ss_sid tasksid,
                           uint16_t tclass)
{
    if (!ss)
        return -EINVAL;
    if (!ss->pol)
        return -ENODATA;
    const struct ss_policy *p = ss->pol;
    const struct ss_context *o = sid_ctx(ss, oldsid), *n = sid_ctx(ss, newsid),
                            *t = sid_ctx(ss, tasksid);
    if (!o || !n || !t || !tclass || tclass > p->nprim[SS_SYM_CLASSES] ||
        !p->classes[tclass - 1].name)
        return -EINVAL;
    const struct ss_class *c = &p->classes[tclass - 1];
    for (uint32_t i = 0; i < c->nvt; i++)
        if (!cexpr_eval(p, o, n, t, &c->vt[i]))
            return -EPERM;
    return 0;
}

/* ---- contexts ---- */

int ss_context_to_sid(ss_ctx *ss, const char *str, size_t len, ss_sid *out)
{
    if (!ss || !str || !out)
        return -EINVAL;
    if (!ss->pol)
        return -ENODATA;
    if (len && str[len - 1] == 0)
        len--;
    if (!len || memchr(str, 0, len))
        return set_err(ss, -EINVAL, "malformed context");
    struct ss_context c;
    int rc = parse_context(ss->pol, str, len, &c);
    if (rc)
        return set_err(ss, rc, "invalid context '%.*s'", (int)(len > 100 ? 100 : len), str);
    if (!ss_context_valid(ss->pol, &c)) {
        ctx_free(&c);
        return set_err(ss, -EINVAL, "context '%.*s' is not valid in the policy",
                       (int)(len > 100 ? 100 : len), str);
    }
    rc = ctx_to_sid(ss, &c, out);
    ctx_free(&c);
    return rc;
}

int ss_sid_to_context(ss_ctx *ss, ss_sid sid, char *buf, size_t size, size_t *len)
{
    if (!ss || !len)
        return -EINVAL;
    if (!ss->pol)
        return -ENODATA;
    const struct sidtab *t = &ss->sids;
    const struct sident *e;
    if (sid && sid < t->n && t->e[sid].str)
        e = &t->e[sid];
    else {
        uint32_t un = ss->sem == SS_SEM_XEN ? 6 : 3;
        if (!(un < t->n && t->e[un].str))
            return -EINVAL;
        e = &t->e[un];
    }
    *len = (size_t)e->len + 1;
    if (!buf || size < *len)
        return -ERANGE;
    memcpy(buf, e->str, *len);
    return 0;
}

uint16_t ss_class_value(const ss_ctx *ss, const char *name)
{
    if (!ss || !ss->pol || !name)
        return 0;
    return (uint16_t)ss_strhash_get(&ss->pol->names[SS_SYM_CLASSES], name, strlen(name));
}

uint32_t ss_perm_bits(const ss_ctx *ss, uint16_t tclass, const char *perm)
{
    if (!ss || !ss->pol || !perm)
        return 0;
    return ss_perm_bit(ss->pol, tclass, perm);
}

const char *ss_class_name(const ss_ctx *ss, uint16_t tclass)
{
    if (!ss || !ss->pol || !tclass || tclass > ss->pol->nprim[SS_SYM_CLASSES])
        return NULL;
    return ss->pol->classes[tclass - 1].name;
}

const char *ss_perm_name(const ss_ctx *ss, uint16_t tclass, unsigned bit)
{
    if (!ss_class_name(ss, tclass) || bit >= ss->pol->classes[tclass - 1].nperms)
        return NULL;
    return ss->pol->classes[tclass - 1].perm[bit];
}

/* ---- booleans ---- */

unsigned ss_bool_count(const ss_ctx *ss)
{
    return ss && ss->pol ? ss->pol->nprim[SS_SYM_BOOLS] : 0;
}

const char *ss_bool_name(const ss_ctx *ss, unsigned idx)
{
    if (idx >= ss_bool_count(ss))
        return NULL;
    return ss->pol->bools[idx].name;
}

int ss_bool_index(const ss_ctx *ss, const char *name, size_t len)
{
    if (!ss || !name)
        return -EINVAL;
    if (!ss->pol)
        return -ENODATA;
    uint32_t v = ss_strhash_get(&ss->pol->names[SS_SYM_BOOLS], name, len);
    return v ? (int)(v - 1) : -ENOENT;
}

int ss_bool_get(const ss_ctx *ss, unsigned idx, int *active, int *pending)
{
    if (!ss)
        return -EINVAL;
    if (!ss->pol)
        return -ENODATA;
    if (idx >= ss->pol->nprim[SS_SYM_BOOLS])
        return -ENOENT;
    if (active)
        *active = (int)ss->pol->bools[idx].state;
    if (pending)
        *pending = ss->pending[idx];
    return 0;
}

int ss_bool_set_pending(ss_ctx *ss, unsigned idx, int value)
{
    if (!ss)
        return -EINVAL;
    if (!ss->pol)
        return -ENODATA;
    if (idx >= ss->pol->nprim[SS_SYM_BOOLS])
        return -ENOENT;
    ss->pending[idx] = value != 0;
    return 0;
}

int ss_bool_commit(ss_ctx *ss)
{
    if (!ss)
        return -EINVAL;
    if (!ss->pol)
        return -ENODATA;
    for (uint32_t i = 0; i < ss->pol->nprim[SS_SYM_BOOLS]; i++)
        ss->pol->bools[i].state = ss->pending[i];
    ss_policy_eval_conds(ss->pol);
    ss->seqno++;
    return 0;
}

bool ss_mls_enabled(const ss_ctx *ss)
{
    return ss && ss->pol && ss->pol->mls;
}

enum ss_handle_unknown ss_handle_unknown(const ss_ctx *ss)
{
    return ss && ss->pol ? ss->pol->handle_unknown : SS_UNKNOWN_DENY;
}

/* ---- Xen object labels ---- */

/*
 * Design: the lists follow Xen's security_ocontext_add/del to the letter,
 * because callers see the result (0, -EEXIST, -ENOENT):
 *  - values are stored in the widths of Xen's struct ocontext (pirq 16
 *    bits, ioport and device 32, iomem 64), but range placement, the
 *    overlap test and every delete compare the full 64-bit argument, so a
 *    wider ioport is stored truncated and a wider delete never matches;
 *  - "same label" compares the SID an entry holds so far; an entry read
 *    from the policy has none until it is first looked up;
 *  - before any policy the lists live in Xen's empty database (ss->xo0);
 *    the first load clears it before parsing, even a load that fails.
 */

static const ss_sid ocon_default[5] = {0, SS_SID_IRQ, SS_SID_IOPORT, SS_SID_IOMEM, SS_SID_DEVICE};

static struct ss_xolist *xolist(ss_ctx *ss, unsigned idx)
{
    return ss->pol ? &ss->pol->xo[idx] : &ss->xo0[idx];
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

/* An entry's SID; one read from the policy gets it on first use. */
static int xocon_sid(ss_ctx *ss, struct ss_xocon *x, ss_sid *out)
{
    /* A run-time entry (no ctx) keeps the SID it was added with, even 0. */
    if (!x->sid && x->ctx) {
        int rc = ctx_to_sid(ss, x->ctx, &x->sid);
        if (rc)
            return rc;
    }
    *out = x->sid; /* 0 only for a run-time label of SID 0 */
    return 0;
}

int ss_ocontext_sid(ss_ctx *ss, unsigned ocon, uint64_t value, ss_sid *out)
{
    if (!ss || !out || ocon < 1 || ocon > 4)
        return -EINVAL;
    struct ss_xolist *l = xolist(ss, ocon);
    for (uint32_t i = 0; i < l->n; i++) {
        struct ss_xocon *x = &l->e[i];
        bool hit = (ocon == SS_OCON_IOPORT || ocon == SS_OCON_IOMEM)
                       ? x->low <= value && value <= x->high
                       : x->low == value;
        if (hit)
            return xocon_sid(ss, x, out);
    }
    *out = ocon_default[ocon];
    return 0;
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
    l->e[at] = *x;
    l->n++;
    return 0;
}

int ss_ocontext_add(ss_ctx *ss, unsigned ocon, uint64_t low, uint64_t high, ss_sid sid)
{
    if (!ss || ocon < 1 || ocon > 4)
        return -EINVAL;
    struct ss_xolist *l = xolist(ss, ocon);
    struct ss_xocon nx = {.sid = sid};
    if (ocon == SS_OCON_PIRQ || ocon == SS_OCON_DEVICE) {
        nx.low = nx.high = ocon == SS_OCON_PIRQ ? (uint16_t)low : (uint32_t)low;
        if (low != high)
            return -EINVAL;
        /* The first entry of that value decides; the same SID adds a duplicate at the head. */
        for (uint32_t i = 0; i < l->n; i++)
            if (l->e[i].low == nx.low) {
                if (l->e[i].sid != sid)
                    return -EEXIST;
                break;
            }
        return xo_insert(l, 0, &nx);
    }
    if (low > high)
        return -EINVAL;
    nx.low = ocon == SS_OCON_IOPORT ? (uint32_t)low : low;
    nx.high = ocon == SS_OCON_IOPORT ? (uint32_t)high : high;
    /* Walk the sorted list to the first entry not below low; only it can overlap. */
    uint32_t at = 0;
    while (at < l->n && l->e[at].high < low)
        at++;
    if (at < l->n && l->e[at].low <= high) {
        const struct ss_xocon *x = &l->e[at];
        return x->low == low && x->high == high && x->sid == sid ? 0 : -EEXIST;
    }
    return xo_insert(l, at, &nx);
}

int ss_ocontext_del(ss_ctx *ss, unsigned ocon, uint64_t low, uint64_t high)
{
    if (!ss || ocon < 1 || ocon > 4)
        return -EINVAL;
    struct ss_xolist *l = xolist(ss, ocon);
    for (uint32_t i = 0; i < l->n; i++) {
        struct ss_xocon *x = &l->e[i];
        bool ranged = ocon == SS_OCON_IOPORT || ocon == SS_OCON_IOMEM;
        if (x->low == low && (!ranged || x->high == high)) {
            memmove(&l->e[i], &l->e[i + 1], (l->n - i - 1) * sizeof(*l->e));
            l->n--;
            return 0;
        }
    }
    return -ENOENT;
}

/*
 * Walk [lo, hi] in ascending order: every labelled sub-range of the sorted
 * ioport/iomem list, and every gap between them with the default initial SID.
 * FLASK's ranged resource checks need each label once, not each value.
 */
int ss_ocontext_iterate(ss_ctx *ss, unsigned ocon, uint64_t lo, uint64_t hi,
                        int (*fn)(void *opaque, ss_sid sid, uint64_t lo, uint64_t hi), void *opaque)
{
    if (!ss || !fn || (ocon != SS_OCON_IOPORT && ocon != SS_OCON_IOMEM) || lo > hi)
        return -EINVAL;
    struct ss_xolist *l = xolist(ss, ocon);
    uint64_t cur = lo;
    int rc;
    for (uint32_t i = 0; i < l->n; i++) {
        struct ss_xocon *x = &l->e[i];
        ss_sid sid;
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
        rc = xocon_sid(ss, x, &sid);
        if (rc)
            return rc;
        uint64_t end = x->high < hi ? x->high : hi;
        rc = fn(opaque, sid, cur, end);
        if (rc || end == hi)
            return rc;
        cur = end + 1;
    }
    return fn(opaque, ocon_default[ocon], cur, hi);
}

int ss_devicetree_sid(ss_ctx *ss, const char *path, ss_sid *out)
{
    if (!ss || !path || !out)
        return -EINVAL;
    struct ss_xolist *l = xolist(ss, 5);
    for (uint32_t i = 0; i < l->n; i++)
        if (l->e[i].path && strcmp(l->e[i].path, path) == 0)
            return xocon_sid(ss, &l->e[i], out);
    *out = SS_SID_DEVICE;
    return 0;
}

int ss_devicetree_setlabel(ss_ctx *ss, const char *path, ss_sid sid)
{
    if (!ss || !path)
        return -EINVAL;
    struct ss_xolist *l = xolist(ss, 5);
    for (uint32_t i = 0; i < l->n; i++) {
        if (!l->e[i].path || strcmp(l->e[i].path, path) != 0)
            continue;
        if (sid)
            return -EEXIST;
        free(l->e[i].path);
        memmove(&l->e[i], &l->e[i + 1], (l->n - i - 1) * sizeof(*l->e));
        l->n--;
        return 0;
    }
    if (!sid)
        return -ENOENT;
    struct ss_xocon nx = {.sid = sid, .path = strdup(path)};
    if (!nx.path)
        return -ENOMEM;
    int rc = xo_insert(l, 0, &nx);
    if (rc)
        free(nx.path);
    return rc;
}
