/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Internal data model of the security server.
 *
 * A loaded policy (struct ss_policy) lives in one arena: every table, name
 * and bitmap is carved out of a few large blocks and freed at once.  Nothing
 * in it points outside the arena except the Xen ocontext lists, which are
 * mutable at run time and therefore plain heap arrays.
 */
#ifndef OPENXSM_SS_INTERNAL_H
#define OPENXSM_SS_INTERNAL_H

#include <errno.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <openxsm/ss.h>

/* ---- arena ---- */
struct ss_arena_blk;
struct ss_arena {
    struct ss_arena_blk *head;
    char *cur;
    size_t left;
    size_t total;
    size_t block; /* size of the next block; 0 = the default, doubled up to it */
};
void *ss_arena_alloc(struct ss_arena *a, size_t n); /* zeroed, 16-aligned, NULL on OOM */
char *ss_arena_chars(struct ss_arena *a, size_t n); /* zeroed, unaligned (strings) */
void ss_arena_free(struct ss_arena *a);

/* ---- extensible bitmap (same node layout as on disk) ---- */
struct ss_ebm_node {
    uint32_t start;
    uint64_t map;
};
struct ss_ebm {
    uint32_t highbit;
    uint32_t n;
    struct ss_ebm_node *node;
};
bool ss_ebm_get(const struct ss_ebm *e, uint32_t bit);
bool ss_ebm_contains(const struct ss_ebm *a, const struct ss_ebm *b); /* b subset of a */
bool ss_ebm_eq(const struct ss_ebm *a, const struct ss_ebm *b);
uint32_t ss_ebm_count(const struct ss_ebm *e);
/* Next set bit >= from, or UINT32_MAX. */
uint32_t ss_ebm_next(const struct ss_ebm *e, uint32_t from);

/* ---- MLS ---- */
struct ss_level {
    uint32_t sens;
    struct ss_ebm cat;
};
struct ss_range {
    struct ss_level l[2];
};
struct ss_context {
    uint32_t user, role, type;
    struct ss_range range;
};

/* ---- string hash ---- */
struct ss_strent {
    const char *name;
    uint32_t len;
    uint32_t value;
};
struct ss_strhash {
    uint32_t mask;
    uint32_t n;
    struct ss_strent *ent;
};
uint32_t ss_hash_bytes(const void *p, size_t n);
/* Returns the value, or 0 if absent. */
uint32_t ss_strhash_get(const struct ss_strhash *h, const char *name, size_t len);

/* ---- policy ---- */
#define SS_CEXPR_NOT      1
#define SS_CEXPR_AND      2
#define SS_CEXPR_OR       3
#define SS_CEXPR_ATTR     4
#define SS_CEXPR_NAMES    5
#define SS_CEXPR_USER     1
#define SS_CEXPR_ROLE     2
#define SS_CEXPR_TYPE     4
#define SS_CEXPR_TARGET   8
#define SS_CEXPR_XTARGET  16
#define SS_CEXPR_L1L2     32
#define SS_CEXPR_L1H2     64
#define SS_CEXPR_H1L2     128
#define SS_CEXPR_H1H2     256
#define SS_CEXPR_L1H1     512
#define SS_CEXPR_L2H2     1024
#define SS_CEXPR_EQ       1
#define SS_CEXPR_NEQ      2
#define SS_CEXPR_DOM      3
#define SS_CEXPR_DOMBY    4
#define SS_CEXPR_INCOMP   5
#define SS_CEXPR_MAXDEPTH 5

struct ss_cexpr {
    uint32_t type, attr, op;
    struct ss_ebm names;
    struct ss_ebm ts_types, ts_negset; /* v29 type_set, kept for completeness */
    uint32_t ts_flags;
};
struct ss_constraint {
    uint32_t perms;
    uint32_t nexpr;
    struct ss_cexpr *expr;
};

struct ss_common {
    const char *name;
    uint32_t value;
    uint32_t nperms;
    const char *perm[32]; /* by bit */
};

struct ss_class {
    const char *name; /* NULL = gap */
    const char *comname;
    struct ss_common *com;
    uint32_t nperms;
    const char **perm; /* [nperms] by bit, own and common; NULL = gap */
    uint32_t ncons, nvt;
    struct ss_constraint *cons, *vt;
    uint32_t default_user, default_role, default_range, default_type;
};

struct ss_role {
    const char *name;
    uint32_t bounds;
    struct ss_ebm dominates, types;
};

#define SS_TYPE_PRIMARY   0x1
#define SS_TYPE_ATTRIBUTE 0x2
struct ss_type {
    const char *name;
    uint32_t props;
    uint32_t bounds;
    bool defined;
    bool attr;
    /* attributes (and the type itself) used as AV rule source / target */
    uint32_t nsrc, ntgt;
    uint16_t *src, *tgt;
};

struct ss_user {
    const char *name;
    uint32_t bounds;
    struct ss_ebm roles;
    struct ss_range range;
    struct ss_level dfltlevel;
};

struct ss_bool {
    const char *name;
    uint32_t state;
};

struct ss_sens {
    const char *name; /* primary name */
    struct ss_ebm cats;
};

/* AV table: one entry per (source, target, class) with the three AV kinds merged. */
#define SS_AVTAB_ALLOWED    0x1
#define SS_AVTAB_AUDITALLOW 0x2
#define SS_AVTAB_AUDITDENY  0x4
#define SS_AVTAB_AV         0x7
#define SS_AVTAB_TRANSITION 0x10
#define SS_AVTAB_MEMBER     0x20
#define SS_AVTAB_CHANGE     0x40
#define SS_AVTAB_TYPE       0x70
#define SS_AVTAB_XPERMS     0x700
#define SS_AVTAB_ENABLED    0x8000

/*
 * Rule tables.  Open addressing with linear probing and the entries inline,
 * so a probe costs one cache line in the common case: compute_av probes this
 * table (number of source attributes x number of target attributes) times
 * and almost every probe misses.  Unconditional and conditional access rules
 * share one table keyed by (source, target, class): an entry carries the
 * unconditional "allowed" vector inline and, only when needed, an index into
 * a side array with the audit vectors and the head of its chain of
 * conditional rules.  Type rules live in a second table of the same shape
 * whose key also holds the rule kind.
 */
#define SS_AVE_USED 0x8000 /* slot occupied */
#define SS_AVE_COND 0x0800 /* type table: aux is a conditional chain */
struct ss_aventry {
    uint16_t s, t, c;
    uint16_t flags; /* SS_AVE_USED | AV kinds present unconditionally, or the type rule kind */
    uint32_t data;  /* unconditional allowed vector, or the new type */
    uint32_t aux;   /* AV: index + 1 into avaux; type: conditional chain head + 1 */
};
struct ss_avtab {
    uint32_t size; /* slots; lookups map a 32-bit hash onto it by multiplication */
    uint32_t n;    /* occupied */
    struct ss_aventry *e;
};
struct ss_avaux {
    uint32_t auditallow, auditdeny;
    uint32_t cond; /* conditional chain head + 1 */
};
/* One conditional rule, chained per key. */
struct ss_condent {
    uint32_t data;
    uint16_t spec;
    uint16_t enabled;
    uint32_t next; /* + 1 */
};

static inline bool ss_bit(const uint64_t *m, uint32_t v)
{
    return (m[v >> 6] >> (v & 63)) & 1;
}

static inline uint32_t ss_avtab_slot(const struct ss_avtab *t, uint32_t s, uint32_t tt, uint32_t c)
{
    uint64_t k = ((uint64_t)s << 32 | (uint64_t)tt << 16 | c) * 0x9e3779b97f4a7c15ULL;
    return (uint32_t)(((k >> 32) * (uint64_t)t->size) >> 32);
}

/* Entry for (s, t, c) whose flags match want under mask, or NULL. */
static inline const struct ss_aventry *ss_avtab_get(const struct ss_avtab *t, uint32_t s,
                                                    uint32_t tt, uint32_t c, uint16_t mask,
                                                    uint16_t want)
{
    if (!t->n)
        return NULL;
    uint32_t i = ss_avtab_slot(t, s, tt, c);
    for (;;) {
        const struct ss_aventry *e = &t->e[i];
        if (!e->flags)
            return NULL;
        if (e->s == s && e->t == tt && e->c == c && (e->flags & mask) == want)
            return e;
        if (++i == t->size)
            i = 0;
    }
}

struct ss_xperm {
    uint16_t stype, ttype, tclass, specified;
    uint8_t xspecified, driver;
    uint32_t perms[8];
};

/* A conditional expression's operators, as the binary policy numbers them. */
enum {
    SS_COND_BOOL = 1,
    SS_COND_NOT,
    SS_COND_OR,
    SS_COND_AND,
    SS_COND_XOR,
    SS_COND_EQ,
    SS_COND_NEQ,
};
struct ss_condexpr {
    uint32_t type, boolv;
};
struct ss_condnode {
    int32_t cur_state;
    uint32_t nexpr;
    struct ss_condexpr *expr;
    uint32_t ntrue, nfalse;
    uint32_t *truel, *falsel; /* "enabled" slot indices */
};

struct ss_roletrans {
    uint32_t role, type, new_role, tclass;
};
struct ss_roleallow {
    uint32_t role, new_role;
};
struct ss_rangetrans {
    uint32_t stype, ttype, tclass;
    struct ss_range range;
};
struct ss_filetrans {
    const char *name;
    uint32_t ttype, tclass, otype;
    uint32_t stype;       /* v25-32 */
    struct ss_ebm stypes; /* v33 */
};

/* Generic ocontext as read. */
struct ss_ocon {
    uint64_t low, high;
    uint32_t u[8];
    const char *name;
    struct ss_context ctx[2];
    ss_sid sid;
};

struct ss_genfs_ent {
    const char *path;
    uint32_t sclass;
    struct ss_context ctx;
};
struct ss_genfs {
    const char *fstype;
    uint32_t n;
    struct ss_genfs_ent *ent;
};

/* Run-time Xen ocontext list (heap; see ocontext.c for how it changes). */
struct ss_xocon {
    uint64_t low, high;
    _Atomic ss_sid sid;           /* with ctx: 0 = not yet computed from it */
    const struct ss_context *ctx; /* NULL for entries added at run time */
    char *path;                   /* devicetree */
};
struct ss_xolist {
    uint32_t n, cap;
    struct ss_xocon *e;
};

#define SS_SYM_COMMONS 0
#define SS_SYM_CLASSES 1
#define SS_SYM_ROLES   2
#define SS_SYM_TYPES   3
#define SS_SYM_USERS   4
#define SS_SYM_BOOLS   5
#define SS_SYM_LEVELS  6
#define SS_SYM_CATS    7
#define SS_SYM_NUM     8

#define SS_OCON_MAX 9

struct ss_policy {
    struct ss_arena arena;
    /*
     * Reference count (the states using it, state.h).  An overlay made by a
     * boolean commit has base set: it owns only bools, condnodes, condav and
     * condty, and shares everything else with base.
     */
    _Atomic unsigned refs;
    struct ss_policy *base;
    enum ss_target target;
    uint32_t version;
    bool mls;
    enum ss_handle_unknown handle_unknown;
    uint32_t config;
    struct ss_ebm polcaps, permissive;

    uint32_t nprim[SS_SYM_NUM];
    uint32_t nel[SS_SYM_NUM];
    struct ss_strhash names[SS_SYM_NUM];

    struct ss_common *commons; /* [nprim] by value-1 */
    struct ss_class *classes;  /* [nprim] */
    struct ss_role *roles;
    struct ss_type *types;
    struct ss_user *users;
    struct ss_bool *bools;
    uint32_t nsens;       /* highest sensitivity value */
    struct ss_sens *sens; /* [nsens] by value-1 */
    uint32_t ncats;       /* highest category value */
    const char **catname; /* [ncats] primary names */
    uint32_t nattributes;

    struct ss_avtab te;     /* AV kinds, unconditional and conditional */
    struct ss_avtab tetype; /* TYPE kinds */
    uint32_t naux, ncondav, ncondty;
    struct ss_avaux *avaux;
    struct ss_condent *condav, *condty;
    uint32_t navtab_rules; /* as on disk */
    uint32_t ncond_rules;
    uint32_t nxperms;
    struct ss_xperm *xperms;
    uint32_t ncond;
    struct ss_condnode *condnodes;
    /* per type/attribute value: does any AV rule use it as source/target */
    uint8_t *src_used, *tgt_used;
    /*
     * The same per class: two bitmaps of clsmap_words words for class c at
     * clsmap + 2 * (c - 1) * clsmap_words (sources, then targets).  compute_av
     * probes only pairs that both have some rule of the class asked about;
     * the rows are small enough to stay in cache while almost all probes of a
     * large policy would otherwise miss.
     */
    uint64_t *clsmap;
    uint32_t clsmap_words;

    uint32_t nroletrans, nroleallow, nrangetrans, nfiletrans, nfiletrans_keys, nconstraints;
    struct ss_roletrans *roletrans;
    struct ss_roleallow *roleallow;
    struct ss_rangetrans *rangetrans;
    struct ss_filetrans *filetrans;

    uint32_t ocon_num;
    uint32_t nocon[SS_OCON_MAX];
    struct ss_ocon *ocon[SS_OCON_MAX];
    uint32_t ngenfs;
    struct ss_genfs *genfs;

    /* derived */
    uint16_t process_class; /* libsepol: "process" (SE Linux) or "domain" (Xen target) */
    uint32_t process_trans; /* libsepol: transition|dyntransition of process_class */
    uint16_t domain_class;  /* Xen: class "domain" */
    uint32_t domain_trans;  /* Xen: domain "transition" */
    struct ss_xolist xo[6]; /* Xen: 1 pirq, 2 ioport, 3 iomem, 4 pcidevice, 5 devicetree */

    /* caller class mapping */
    uint32_t nmap;
    struct ss_mapping *map;
};

struct ss_mapping {
    uint16_t pclass;
    uint32_t nperms;
    uint32_t pbit[32];
};

/* reader: parses and validates; on failure writes a message to err */
int ss_policy_read(struct ss_policy **out, const void *image, size_t len, char *err, size_t errlen);
void ss_policy_free(struct ss_policy *p);
/* Re-evaluate every conditional node from the current boolean states. */
void ss_policy_eval_conds(struct ss_policy *p);
/* One node's value, boolean 'flip' (0: none) inverted; -1 if malformed. */
int ss_cond_eval(const struct ss_policy *p, const struct ss_condnode *c, uint32_t flip);

/* the bit of permission name in class cls, 0 if either is unknown */
uint32_t ss_perm_bit(const struct ss_policy *p, uint32_t cls, const char *name);

/* context validity under a policy */
bool ss_context_valid(const struct ss_policy *p, const struct ss_context *c);
bool ss_level_dom(const struct ss_level *a, const struct ss_level *b);

/*
 * Type enforcement (compute.c): ORs the allowed and auditallow vectors of
 * every rule for the types' attributes into avd, ANDs auditdeny.
 */
void ss_te_av(const struct ss_policy *p, uint32_t stype, uint32_t ttype, uint16_t cls,
              struct ss_av_decision *avd);

/*
 * Constraint expressions (cexpr.c).  A leaf is 1 or 0, or -1 when it names
 * the third context x and there is none: the whole constraint is then false.
 */
int ss_cexpr_leaf(const struct ss_policy *p, const struct ss_context *s, const struct ss_context *t,
                  const struct ss_context *x, const struct ss_cexpr *e);
bool ss_cexpr_eval(const struct ss_policy *p, const struct ss_context *s,
                   const struct ss_context *t, const struct ss_context *x,
                   const struct ss_constraint *c);

#endif
