/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ss_explain on the crafted policy of why.te (argv[1], compiled by the
 * build): each request the policy source says is denied for one reason
 * gets that reason, with the names, rule and failing part the source
 * implies; the errors; and, for every pair of a set of contexts and every
 * class, the same allowed vector as ss_compute_av under both semantics;
 * and a constraint millions of nodes deep, explained without a stack
 * overflow.
 * Expectations are written from why.te, not from output.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openxsm/ss.h>

#include "../../lib/slurp.h"

static int failures;

#define CHECK(c)                                                                                   \
    do {                                                                                           \
        if (!(c)) {                                                                                \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #c);                  \
            failures++;                                                                            \
        }                                                                                          \
    } while (0)

struct got {
    enum ss_why kind;
    uint32_t perm, flags, index;
    int value;
    char perm_name[64], name[64], rule[512], detail[2048];
    bool has_name, has_rule, has_detail;
};

struct gots {
    struct got g[64];
    unsigned n;
    int stop_after; /* return 7 from this call on (0: never) */
};

static void copy(char *dst, size_t cap, const char *s, bool *has)
{
    *has = s != NULL;
    snprintf(dst, cap, "%s", s ? s : "");
}

static int collect(void *opaque, const struct ss_why_reason *r)
{
    struct gots *G = opaque;
    if (G->n < 64) {
        struct got *g = &G->g[G->n];
        g->kind = r->kind;
        g->perm = r->perm;
        g->flags = r->flags;
        g->index = r->index;
        g->value = r->value;
        bool dummy;
        copy(g->perm_name, sizeof(g->perm_name), r->perm_name, &dummy);
        copy(g->name, sizeof(g->name), r->name, &g->has_name);
        copy(g->rule, sizeof(g->rule), r->rule, &g->has_rule);
        copy(g->detail, sizeof(g->detail), r->detail, &g->has_detail);
        /* Every string handed out is printable ASCII. */
        for (const char *s = r->detail; s && *s; s++)
            CHECK(*s >= 0x20 && *s <= 0x7e);
    }
    G->n++;
    if (G->stop_after && (int)G->n >= G->stop_after)
        return 7;
    return 0;
}

static ss_ctx *ss;

static ss_sid sid(const char *c)
{
    ss_sid s = 0;
    int rc = ss_context_to_sid(ss, c, strlen(c), &s);
    if (rc)
        fprintf(stderr, "context_to_sid(%s): %d\n", c, rc);
    CHECK(rc == 0);
    return s;
}

/* Explain one permission by name; fills G; returns ss_explain's result. */
static int why(const char *scon, const char *tcon, const char *cls, const char *perm,
               struct gots *G)
{
    uint16_t c = ss_class_value(ss, cls);
    uint32_t p = ss_perm_bits(ss, c, perm);
    CHECK(c && p);
    memset(G, 0, sizeof(*G));
    struct ss_av_decision avd;
    int rc = ss_explain(ss, sid(scon), sid(tcon), c, p, collect, G, &avd);
    if (rc == 0) {
        struct ss_av_decision ref;
        CHECK(ss_compute_av(ss, sid(scon), sid(tcon), c, &ref) == 0);
        CHECK(avd.allowed == ref.allowed);
        CHECK(avd.auditallow == ref.auditallow);
        CHECK(avd.auditdeny == ref.auditdeny);
        CHECK(avd.flags == ref.flags);
        for (unsigned i = 0; i < G->n && i < 64; i++) {
            CHECK(G->g[i].perm == p);
            CHECK(strcmp(G->g[i].perm_name, perm) == 0);
        }
    }
    return rc;
}

static void dump(const struct gots *G)
{
    for (unsigned i = 0; i < G->n && i < 64; i++)
        fprintf(stderr,
                "  kind %d perm %s flags %u index %u value %d name '%s'\n    rule '%s'\n"
                "    detail '%s'\n",
                G->g[i].kind, G->g[i].perm_name, G->g[i].flags, G->g[i].index, G->g[i].value,
                G->g[i].name, G->g[i].rule, G->g[i].detail);
}

#define DOMU   "system_u:system_r:domU_t:s0"
#define DOM0   "system_u:system_r:dom0_t:s0"
#define SEC    "system_u:system_r:security_t:s0"
#define U1DOMU "user_1:vm_r:domU_t:s0"

static void test_te(void)
{
    struct gots G;
    CHECK(why(DOMU, SEC, "security", "setenforce", &G) == 0);
    CHECK(G.n == 1);
    CHECK(G.g[0].kind == SS_WHY_TE);
    CHECK(G.g[0].flags == 0);
    CHECK(strcmp(G.g[0].rule, "allow domU_t security_t:security setenforce;") == 0);
    CHECK(!G.g[0].has_name);
    /* The attributes a rule could name, and the rule the pair has in the class. */
    CHECK(strstr(G.g[0].detail, "domain_type") != NULL);
    CHECK(strstr(G.g[0].detail, "allow domain_type security_t:security compute_av;") != NULL);
    if (failures)
        dump(&G);
}

static void test_booleans(void)
{
    struct gots G;
    int f0 = failures;

    /* if (lock) { allow domU_t dom0_t:domain pause; }, lock false */
    CHECK(why(DOMU, DOM0, "domain", "pause", &G) == 0);
    CHECK(G.n == 1);
    CHECK(G.g[0].kind == SS_WHY_BOOLEAN);
    CHECK(strcmp(G.g[0].name, "lock") == 0);
    CHECK(G.g[0].value == 0);
    CHECK(G.g[0].flags == SS_WHY_F_ALONE);
    CHECK(G.g[0].index == (uint32_t)ss_bool_index(ss, "lock", 4));
    CHECK(strcmp(G.g[0].rule, "allow domU_t dom0_t:domain pause;") == 0);
    CHECK(strstr(G.g[0].detail, "if (lock)") && strstr(G.g[0].detail, "true branch"));

    /* if (open_a && open_b): open_a true (flipping it would not help), open_b false. */
    CHECK(why(DOMU, DOM0, "domain", "unpause", &G) == 0);
    CHECK(G.n == 2);
    for (unsigned i = 0; i < G.n && i < 2; i++) {
        CHECK(G.g[i].kind == SS_WHY_BOOLEAN);
        CHECK(strstr(G.g[i].detail, "if (open_a && open_b)") != NULL);
        if (strcmp(G.g[i].name, "open_a") == 0) {
            CHECK(G.g[i].value == 1);
            CHECK(G.g[i].flags == 0);
        } else {
            CHECK(strcmp(G.g[i].name, "open_b") == 0);
            CHECK(G.g[i].value == 0);
            CHECK(G.g[i].flags == SS_WHY_F_ALONE);
        }
    }
    CHECK(strcmp(G.g[0].name, G.g[1].name) != 0);

    /* The else branch of if (strict), strict on. */
    CHECK(why(DOMU, DOM0, "domain", "resume", &G) == 0);
    CHECK(G.n == 1);
    CHECK(G.g[0].kind == SS_WHY_BOOLEAN);
    CHECK(strcmp(G.g[0].name, "strict") == 0);
    CHECK(G.g[0].value == 1);
    CHECK(G.g[0].flags == SS_WHY_F_ALONE);
    CHECK(strstr(G.g[0].detail, "false branch") != NULL);

    /* The true branch of the same conditional grants setvcpucontext. */
    CHECK(why(DOMU, DOM0, "domain", "setvcpucontext", &G) == 0);
    CHECK(G.n == 1);
    CHECK(G.g[0].kind == SS_WHY_ALLOWED);
    CHECK(strcmp(G.g[0].rule, "allow domU_t dom0_t:domain setvcpucontext;") == 0);
    CHECK(strstr(G.g[0].detail, "if (strict)") != NULL);

    /* Flip lock: pause is granted, by the conditional rule. */
    int idx = ss_bool_index(ss, "lock", 4);
    CHECK(idx >= 0 && ss_bool_set_pending(ss, (unsigned)idx, 1) == 0 && ss_bool_commit(ss) == 0);
    CHECK(why(DOMU, DOM0, "domain", "pause", &G) == 0);
    CHECK(G.n == 1 && G.g[0].kind == SS_WHY_ALLOWED);
    CHECK(ss_bool_set_pending(ss, (unsigned)idx, 0) == 0 && ss_bool_commit(ss) == 0);
    if (failures != f0)
        dump(&G);
}

static void test_constraints(void)
{
    struct gots G;
    int f0 = failures;

    /* constrain domain destroy (u1 == u2 or t1 == dom0_t); TE allows it. */
    CHECK(why(U1DOMU, DOMU, "domain", "destroy", &G) == 0);
    CHECK(G.n == 1);
    CHECK(G.g[0].kind == SS_WHY_CONSTRAINT);
    CHECK(G.g[0].flags == 0);
    CHECK(strcmp(G.g[0].rule, "constrain domain destroy (u1 == u2 or t1 == dom0_t);") == 0);
    CHECK(strstr(G.g[0].detail, "u1 == u2 is false (u1=user_1 u2=system_u)") != NULL);
    CHECK(strstr(G.g[0].detail, "t1 == dom0_t is false (t1=domU_t)") != NULL);
    uint32_t destroy_index = G.g[0].index;

    /* Same users: granted. */
    CHECK(why(DOMU, DOMU, "domain", "destroy", &G) == 0);
    CHECK(G.n == 1 && G.g[0].kind == SS_WHY_ALLOWED);

    /* No rule, and constrain domain shutdown (u1 == u2) would deny it too. */
    CHECK(why(U1DOMU, DOMU, "domain", "shutdown", &G) == 0);
    CHECK(G.n == 2);
    CHECK(G.g[0].kind == SS_WHY_TE && G.g[0].flags == 0);
    CHECK(G.g[1].kind == SS_WHY_CONSTRAINT && G.g[1].flags == SS_WHY_F_SECONDARY);
    CHECK(strcmp(G.g[1].rule, "constrain domain shutdown (u1 == u2);") == 0);
    CHECK(G.g[1].index != destroy_index);

    /* mlsconstrain domain getdomaininfo (l1 dom l2): s0 does not dominate s1. */
    CHECK(why(DOMU, "system_u:system_r:dom0_t:s1", "domain", "getdomaininfo", &G) == 0);
    CHECK(G.n == 1);
    CHECK(G.g[0].kind == SS_WHY_MLS);
    CHECK(strcmp(G.g[0].rule, "mlsconstrain domain getdomaininfo (l1 dom l2);") == 0);
    CHECK(strcmp(G.g[0].detail, "l1 dom l2 is false (l1=s0 l2=s1)") == 0);
    CHECK(why(DOMU, DOM0, "domain", "getdomaininfo", &G) == 0);
    CHECK(G.n == 1 && G.g[0].kind == SS_WHY_ALLOWED);
    if (failures != f0)
        dump(&G);
}

static void test_role_bounds(void)
{
    struct gots G;
    int f0 = failures;

    CHECK(why(DOMU, "system_u:vm_r:trans_t:s0", "domain", "transition", &G) == 0);
    CHECK(G.n == 1);
    CHECK(G.g[0].kind == SS_WHY_ROLE && G.g[0].flags == 0);
    CHECK(strcmp(G.g[0].rule, "allow system_r vm_r;") == 0);
    CHECK(why(DOMU, "system_u:system_r:trans_t:s0", "domain", "transition", &G) == 0);
    CHECK(G.n == 1 && G.g[0].kind == SS_WHY_ALLOWED);
    CHECK(strcmp(G.g[0].rule, "allow domU_t trans_t:domain transition;") == 0);

    /* typebounds parent_t child_t; parent_t's unpause fails a constraint. */
    CHECK(why("system_u:system_r:child_t:s0", DOMU, "domain", "unpause", &G) == 0);
    CHECK(G.n == 1);
    CHECK(G.g[0].kind == SS_WHY_BOUNDS && G.g[0].flags == 0);
    CHECK(strcmp(G.g[0].name, "parent_t") == 0);
    CHECK(strcmp(G.g[0].rule, "allow parent_t domU_t:domain unpause;") == 0);
    CHECK(strstr(G.g[0].detail, "child_t") != NULL);
    CHECK(why("system_u:system_r:child_t:s0", DOMU, "domain", "pause", &G) == 0);
    CHECK(G.n == 1 && G.g[0].kind == SS_WHY_ALLOWED);
    CHECK(why("system_u:system_r:parent_t:s0", DOMU, "domain", "unpause", &G) == 0);
    CHECK(G.n == 1 && G.g[0].kind == SS_WHY_CONSTRAINT);
    if (failures != f0)
        dump(&G);
}

static void test_errors(void)
{
    struct gots G;
    ss_sid s = sid(DOMU), t = sid(DOM0);
    uint16_t dom = ss_class_value(ss, "domain"), sec = ss_class_value(ss, "security");
    memset(&G, 0, sizeof(G));

    CHECK(ss_explain(NULL, s, t, dom, 1, collect, &G, NULL) == -EINVAL);
    CHECK(ss_explain(ss, s, t, dom, 1, NULL, &G, NULL) == -EINVAL);
    CHECK(ss_explain(ss, s, t, 0, 1, collect, &G, NULL) == -EINVAL);
    CHECK(ss_explain(ss, s, t, 9999, 1, collect, &G, NULL) == -EINVAL);
    /* security has 11 permissions: bit 11 is not one of them */
    CHECK(ss_explain(ss, s, t, sec, 1U << 11, collect, &G, NULL) == -EINVAL);
    CHECK(G.n == 0);

    /* perms 0: every permission of the class, in bit order, one reason or more each. */
    CHECK(ss_explain(ss, s, t, sec, 0, collect, &G, NULL) == 0);
    CHECK(G.n >= 11);
    uint32_t seen = 0, last = 0;
    for (unsigned i = 0; i < G.n && i < 64; i++) {
        CHECK(G.g[i].perm >= last);
        last = G.g[i].perm;
        seen |= G.g[i].perm;
    }
    CHECK(seen == 0x7ff);

    /* A non-zero result stops the calls and is returned. */
    memset(&G, 0, sizeof(G));
    G.stop_after = 2;
    CHECK(ss_explain(ss, s, t, sec, 0, collect, &G, NULL) == 7);
    CHECK(G.n == 2);

    ss_ctx *empty;
    CHECK(ss_create(&empty, NULL) == 0);
    CHECK(ss_explain(empty, 1, 1, 1, 1, collect, &G, NULL) == -ENODATA);
    ss_destroy(empty);
}

/* The callback may call back into the server, a writer included. */
static int reenter(void *opaque, const struct ss_why_reason *r)
{
    (void)r;
    int idx = ss_bool_index(ss, "lock", 4);
    int *calls = opaque;
    (*calls)++;
    if (idx < 0 || ss_bool_set_pending(ss, (unsigned)idx, 0) || ss_bool_commit(ss))
        return -1;
    return 0;
}

static void test_reenter(void)
{
    int calls = 0;
    CHECK(ss_explain(ss, sid(DOMU), sid(DOM0), ss_class_value(ss, "domain"), 0, reenter, &calls,
                     NULL) == 0);
    CHECK(calls >= 30);
}

/*
 * Every context pair of a small set, every class: the allowed vector is
 * ss_compute_av's, and each denied permission has exactly one kind of
 * primary reason, each granted one a single ALLOWED.
 */
struct tally {
    uint32_t allowed, denied, primary[32];
    bool bad;
};

static int tally(void *opaque, const struct ss_why_reason *r)
{
    struct tally *T = opaque;
    unsigned bit = (unsigned)__builtin_ctz(r->perm);
    if (r->kind == SS_WHY_ALLOWED) {
        if (T->allowed & r->perm)
            T->bad = true;
        T->allowed |= r->perm;
    } else {
        T->denied |= r->perm;
        if (!(r->flags & SS_WHY_F_SECONDARY))
            T->primary[bit] |= 1U << r->kind;
    }
    return 0;
}

static void sweep(enum ss_semantics sem, const void *img, size_t len)
{
    static const char *const ctx[] = {
        DOMU,
        DOM0,
        SEC,
        U1DOMU,
        "system_u:system_r:dom0_t:s1",
        "system_u:vm_r:trans_t:s0",
        "system_u:system_r:child_t:s0",
        "system_u:system_r:parent_t:s1:c0",
        "user_1:vm_r:child_t:s0-s1:c1",
        "system_u:system_r:xen_t:s0",
    };
    struct ss_config cfg = {.semantics = sem};
    ss_ctx *x;
    CHECK(ss_create(&x, &cfg) == 0);
    CHECK(ss_load_policy(x, img, len) == 0);
    ss_sid sids[10];
    for (unsigned i = 0; i < 10; i++)
        CHECK(ss_context_to_sid(x, ctx[i], strlen(ctx[i]), &sids[i]) == 0);
    unsigned pairs = 0;
    for (uint16_t c = 1; ss_class_name(x, c); c++)
        for (unsigned i = 0; i < 10; i++)
            for (unsigned j = 0; j < 10; j++) {
                struct tally T;
                struct ss_av_decision avd, ref;
                memset(&T, 0, sizeof(T));
                CHECK(ss_explain(x, sids[i], sids[j], c, 0, tally, &T, &avd) == 0);
                CHECK(ss_compute_av(x, sids[i], sids[j], c, &ref) == 0);
                uint32_t defined = T.allowed | T.denied;
                CHECK(!T.bad);
                CHECK((T.allowed & T.denied) == 0);
                CHECK(avd.allowed == ref.allowed);
                CHECK((ref.allowed & defined) == T.allowed);
                for (unsigned b = 0; b < 32; b++)
                    if (T.denied & (1U << b)) {
                        unsigned k = T.primary[b];
                        /* one kind, counting TE and BOOLEAN (both type enforcement) as one */
                        if (k == ((1U << SS_WHY_TE) | (1U << SS_WHY_BOOLEAN)))
                            k = 1U << SS_WHY_TE;
                        CHECK(k != 0 && (k & (k - 1)) == 0);
                    }
                pairs++;
            }
    CHECK(pairs == 13 * 100);
    ss_destroy(x);
}

/*
 * A constraint as deep as it is long: why.te's "mlsconstrain domain
 * getdomaininfo (l1 dom l2)" with an even number of 'not's stacked on it
 * (only the image's size bounds an expression's length; each 'not' keeps
 * the operand stack at one).  Its explanation is the same and must not take
 * a stack frame per node.  The expression is spliced into the compiled
 * image: its nexpr (1) and only element (ATTR, l1l2, dom) are found and
 * followed by the 'not's, nexpr raised to match.
 */
#define DEEP_NOTS 2000000u

static void put32(unsigned char *b, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        b[i] = (unsigned char)(v >> (8 * i));
}

static void test_deep_constraint(const unsigned char *img, size_t len)
{
    static const uint32_t want[4] = {1, 4 /* ATTR */, 32 /* l1l2 */, 3 /* dom */};
    unsigned char pat[16];
    size_t at = 0, found = 0;
    for (int i = 0; i < 4; i++)
        put32(pat + 4 * i, want[i]);
    for (size_t i = 0; i + sizeof(pat) <= len; i++)
        if (memcmp(img + i, pat, sizeof(pat)) == 0) {
            at = i;
            found++;
        }
    CHECK(found == 1);
    if (found != 1)
        return;

    size_t add = (size_t)DEEP_NOTS * 12, n = len + add;
    unsigned char *big = malloc(n);
    CHECK(big != NULL);
    if (!big)
        return;
    memcpy(big, img, at + sizeof(pat));
    put32(big + at, 1 + DEEP_NOTS);
    for (size_t k = 0; k < DEEP_NOTS; k++) {
        unsigned char *e = big + at + sizeof(pat) + 12 * k;
        put32(e, 1 /* NOT */);
        put32(e + 4, 0);
        put32(e + 8, 0);
    }
    memcpy(big + at + sizeof(pat) + add, img + at + sizeof(pat), len - at - sizeof(pat));

    struct ss_config cfg = {.semantics = SS_SEM_XEN};
    struct gots G;
    CHECK(ss_create(&ss, &cfg) == 0);
    CHECK(ss_load_policy(ss, big, n) == 0);
    free(big);
    CHECK(why(DOMU, "system_u:system_r:dom0_t:s1", "domain", "getdomaininfo", &G) == 0);
    CHECK(G.n == 1);
    CHECK(G.g[0].kind == SS_WHY_MLS);
    CHECK(strncmp(G.g[0].rule, "mlsconstrain domain getdomaininfo (not (not (not (", 50) == 0);
    CHECK(strcmp(G.g[0].detail, "l1 dom l2 is false (l1=s0 l2=s1)") == 0);
    CHECK(why(DOMU, DOM0, "domain", "getdomaininfo", &G) == 0);
    CHECK(G.n == 1 && G.g[0].kind == SS_WHY_ALLOWED);
    ss_destroy(ss);
    ss = NULL;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: test-ss-explain WHY-POLICY\n");
        return 2;
    }
    size_t len;
    unsigned char *img = slurp_file(argv[1], &len);
    if (!img) {
        fprintf(stderr, "cannot read %s\n", argv[1]);
        return 1;
    }
    for (int sem = 0; sem < 2; sem++) {
        struct ss_config cfg = {.semantics = sem ? SS_SEM_SELINUX : SS_SEM_XEN};
        CHECK(ss_create(&ss, &cfg) == 0);
        CHECK(ss_load_policy(ss, img, len) == 0);
        test_te();
        test_booleans();
        test_constraints();
        test_role_bounds();
        test_errors();
        test_reenter();
        ss_destroy(ss);
        sweep(cfg.semantics, img, len);
    }
    test_deep_constraint(img, len);
    free(img);
    if (failures) {
        fprintf(stderr, "%d checks failed\n", failures);
        return 1;
    }
    printf("ss-explain: all checks passed\n");
    return 0;
}
