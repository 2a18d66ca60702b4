/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * bench-ss: our security server against libsepol 3.4, in one process, on the
 * same inputs.  For each policy:
 *
 *   load      median of N loads from an in-memory image (file read excluded)
 *   av-unif   compute_av over uniform random (ssid, tsid, class) triples
 *   av-hot    compute_av cycling over 64 of those triples
 *   av-rules  compute_av cycling over 4096 triples built from the policy's
 *             allow rules (contexts whose types the rule covers), so the
 *             rule table is actually searched and most answers allow
 *   ctx2sid   context_to_sid over 1000 pre-generated context strings, first
 *             into empty SID tables, then again (look-ups of known contexts)
 *   mem       heap in use (mallinfo2) and RSS growth caused by one load,
 *             each side measured in a fresh child process
 *
 * Contexts come from the policy itself (user -> role -> type, the user's
 * default MLS level), made with libsepol's policydb; both sides then turn
 * the same strings into their own SIDs.  The decisions of both sides are
 * compared as a sanity check (a benchmark of wrong answers is worthless).
 *
 *   bench-ss [-q QUERIES] [POLICY...]
 *
 * Without policies: Debian's default and mls policy.33 and the Xen-sized
 * policies of the test corpus (BENCH_CORPUS, built by tests/policies/gen.sh).
 */
#include <errno.h>
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sepol/debug.h>
#include <sepol/policydb/policydb.h>
#include <sepol/policydb/services.h>
#include <sepol/policydb/sidtab.h>

#include <openxsm/ss.h>

#include "../../tests/lib/slurp.h"
#include "../lib/sepol_load.h"
#include "../lib/timing.h"

#ifndef BENCH_CORPUS
#define BENCH_CORPUS ""
#endif

static uint64_t rng = 0x1234;
static uint64_t rnd(void)
{
    uint64_t z = (rng += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* ---- memory: one load in a fresh child -------------------------------- */

static long rss_kb(void)
{
    long size = 0, res = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (!f)
        return 0;
    if (fscanf(f, "%ld %ld", &size, &res) != 2)
        res = 0;
    fclose(f);
    return res * (sysconf(_SC_PAGESIZE) / 1024);
}

static size_t heap_in_use(void)
{
    struct mallinfo2 mi = mallinfo2();
    return mi.uordblks + mi.hblkhd;
}

/* which: 0 ours, 1 libsepol.  Returns heap bytes and RSS KiB via out[]. */
static int mem_child(int which, unsigned char *img, size_t len, long out[2])
{
    int fd[2];
    if (pipe(fd))
        return -1;
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        close(fd[0]);
        /* touch the image so its pages are not counted as load growth */
        volatile unsigned sum = 0;
        for (size_t i = 0; i < len; i += 512)
            sum += img[i];
        (void)sum; /* read only to fault the pages in */
        long r0 = rss_kb();
        size_t h0 = heap_in_use();
        long res[2] = {-1, -1};
        if (which == 0) {
            ss_ctx *ss;
            if (ss_create(&ss, NULL) == 0 && ss_load_policy(ss, img, len) == 0) {
                res[0] = (long)(heap_in_use() - h0);
                res[1] = rss_kb() - r0;
            }
        } else {
            policydb_t *p = malloc(sizeof(*p));
            if (p && sepol_load(p, img, len) == 0) {
                res[0] = (long)(heap_in_use() - h0);
                res[1] = rss_kb() - r0;
            }
        }
        if (write(fd[1], res, sizeof(res)) != (ssize_t)sizeof(res))
            _exit(1);
        _exit(0);
    }
    close(fd[1]);
    ssize_t got = read(fd[0], out, 2 * sizeof(long));
    close(fd[0]);
    int st;
    waitpid(pid, &st, 0);
    return got == (ssize_t)(2 * sizeof(long)) && out[0] >= 0 ? 0 : -1;
}

/* ---- contexts from the policy ----------------------------------------- */

#define NCTX 1000

static char *ctx_strings[NCTX];
static uint32_t ctx_type[NCTX]; /* type value of each context */
static int nctx;

static void add_level(char *buf, size_t sz, policydb_t *p, const mls_level_t *l)
{
    size_t n = strlen(buf);
    snprintf(buf + n, sz - n, ":%s", p->p_sens_val_to_name[l->sens - 1]);
    ebitmap_node_t *node;
    unsigned int i;
    char sep = ':';
    ebitmap_for_each_positive_bit(&l->cat, node, i)
    {
        n = strlen(buf);
        snprintf(buf + n, sz - n, "%c%s", sep, p->p_cat_val_to_name[i]);
        sep = ',';
    }
}

static uint32_t pick_bit(const ebitmap_t *e)
{
    unsigned int card = ebitmap_cardinality(e), k, i;
    if (!card)
        return UINT32_MAX;
    k = (unsigned)(rnd() % card);
    ebitmap_node_t *node;
    ebitmap_for_each_positive_bit(e, node, i)
    {
        if (k-- == 0)
            return i;
    }
    return UINT32_MAX;
}

static void make_contexts(policydb_t *p)
{
    nctx = 0;
    for (int tries = 0; nctx < NCTX && tries < NCTX * 20; tries++) {
        uint32_t u = (uint32_t)(rnd() % p->p_users.nprim);
        user_datum_t *ud = p->user_val_to_struct[u];
        if (!ud)
            continue;
        uint32_t r = pick_bit(&ud->roles.roles);
        if (r == UINT32_MAX || !p->role_val_to_struct[r])
            continue;
        uint32_t t = pick_bit(&p->role_val_to_struct[r]->types.types);
        if (t == UINT32_MAX || !p->type_val_to_struct[t] ||
            p->type_val_to_struct[t]->flavor == TYPE_ATTRIB)
            continue;
        char buf[8192];
        snprintf(buf, sizeof(buf), "%s:%s:%s", p->p_user_val_to_name[u], p->p_role_val_to_name[r],
                 p->p_type_val_to_name[t]);
        if (p->mls)
            add_level(buf, sizeof(buf), p, &ud->exp_dfltlevel);
        sepol_security_id_t sid;
        if (sepol_context_to_sid(buf, strlen(buf) + 1, &sid))
            continue;
        ctx_type[nctx] = t + 1;
        ctx_strings[nctx++] = strdup(buf);
    }
}

/* ---- one policy -------------------------------------------------------- */

struct q {
    uint32_t s, t; /* index into the SID arrays */
    uint16_t c;
};

/* a context of the pool whose type is in attribute/type value v, or -1 */
static int ctx_in(policydb_t *p, uint32_t v)
{
    int start = (int)(rnd() % (uint64_t)nctx);
    for (int k = 0; k < nctx; k++) {
        int i = (start + k) % nctx;
        if (ebitmap_get_bit(&p->type_attr_map[ctx_type[i] - 1], v - 1))
            return i;
    }
    return -1;
}

/*
 * Queries that hit rules: a random access rule of the policy, a context of
 * the pool for its source and one for its target.  Uniform pairs almost never
 * meet a rule in a large policy, so this is the case where the rule table is
 * actually searched.  Returns the number of triples made (at most n).
 */
#define NRULEQ 4096
static int rule_queries(policydb_t *p, struct q *out, int n)
{
    avtab_t *tab = &p->te_avtab;
    uint32_t nav = 0;
    for (uint32_t i = 0; i < tab->nslot; i++)
        for (avtab_ptr_t cur = tab->htable[i]; cur; cur = cur->next)
            nav += (cur->key.specified & AVTAB_ALLOWED) != 0;
    if (!nav)
        return 0;
    avtab_key_t *keys = malloc(nav * sizeof(*keys));
    uint32_t k = 0;
    for (uint32_t i = 0; i < tab->nslot; i++)
        for (avtab_ptr_t cur = tab->htable[i]; cur; cur = cur->next)
            if (cur->key.specified & AVTAB_ALLOWED)
                keys[k++] = cur->key;
    int m = 0;
    for (int tries = 0; m < n && tries < 20 * n; tries++) {
        const avtab_key_t *key = &keys[rnd() % nav];
        int si = ctx_in(p, key->source_type), ti = ctx_in(p, key->target_type);
        if (si < 0 || ti < 0)
            continue;
        out[m++] = (struct q){(uint32_t)si, (uint32_t)ti, key->target_class};
    }
    free(keys);
    return m;
}

static void row(const char *what, double ours, double theirs, const char *unit)
{
    printf("  %-10s %12.3f %12.3f %s   x%.1f\n", what, ours, theirs, unit,
           ours > 0 ? theirs / ours : 0.0);
}

static int bench_policy(const char *path, long nq)
{
    size_t len;
    unsigned char *img = slurp_file(path, &len);
    if (!img) {
        printf("%s: cannot read, skipped\n", path);
        return 0;
    }
    printf("\n%s (%zu bytes)\n", path, len);
    printf("  %-10s %12s %12s      %s\n", "", "openxsm", "libsepol", "speed-up");

    /* load */
    int nload = len > (1 << 20) ? 11 : 101;
    double *to = calloc((size_t)nload, sizeof(double)), *tl = calloc((size_t)nload, sizeof(double));
    if (!to || !tl) {
        free(to);
        free(tl);
        free(img);
        return 1;
    }
    for (int i = 0; i < nload; i++) {
        ss_ctx *ss;
        if (ss_create(&ss, NULL)) {
            free(img);
            free(to);
            free(tl);
            return 1;
        }
        double t0 = now();
        int rc = ss_load_policy(ss, img, len);
        to[i] = now() - t0;
        if (rc) {
            printf("  openxsm cannot load it: %d (%s)\n", rc, ss_last_error(ss));
            ss_destroy(ss);
            free(img);
            free(to);
            free(tl);
            return 1;
        }
        ss_destroy(ss);
        policydb_t p;
        t0 = now();
        rc = sepol_load(&p, img, len);
        tl[i] = now() - t0;
        if (rc) {
            printf("  libsepol cannot load it\n");
            free(img);
            free(to);
            free(tl);
            return 1;
        }
        policydb_destroy(&p);
    }
    row("load", median(to, nload) * 1e3, median(tl, nload) * 1e3, "ms");
    free(to);
    free(tl);

    /* both sides loaded for queries */
    ss_ctx *ss;
    ss_create(&ss, NULL);
    ss_load_policy(ss, img, len);
    policydb_t pol;
    sidtab_t st;
    sepol_load(&pol, img, len);
    sepol_set_policydb(&pol);
    /* generate with a scratch SID table so both sides start empty */
    sepol_sidtab_init(&st);
    sepol_set_sidtab(&st);
    make_contexts(&pol);
    sepol_sidtab_destroy(&st);
    sepol_sidtab_init(&st);
    sepol_set_sidtab(&st);
    if (nctx < 2) {
        printf("  too few valid contexts, skipped\n");
        return 0;
    }
    ss_sid *os = calloc((size_t)nctx, sizeof(*os));
    sepol_security_id_t *ls = calloc((size_t)nctx, sizeof(*ls));
    double t0 = now();
    for (int i = 0; i < nctx; i++)
        if (ss_context_to_sid(ss, ctx_strings[i], strlen(ctx_strings[i]), &os[i])) {
            printf("  openxsm rejects %s\n", ctx_strings[i]);
            return 1;
        }
    double t_o = (now() - t0) / nctx;
    t0 = now();
    for (int i = 0; i < nctx; i++)
        sepol_context_to_sid(ctx_strings[i], strlen(ctx_strings[i]) + 1, &ls[i]);
    double t_l = (now() - t0) / nctx;
    row("ctx2sid", t_o * 1e9, t_l * 1e9, "ns");
    /* the same strings again: now every one is a look-up of a known context */
    ss_sid dummy_o;
    sepol_security_id_t dummy_l;
    t0 = now();
    for (int i = 0; i < nctx; i++)
        ss_context_to_sid(ss, ctx_strings[i], strlen(ctx_strings[i]), &dummy_o);
    t_o = (now() - t0) / nctx;
    t0 = now();
    for (int i = 0; i < nctx; i++)
        sepol_context_to_sid(ctx_strings[i], strlen(ctx_strings[i]) + 1, &dummy_l);
    t_l = (now() - t0) / nctx;
    row("ctx2sid-2", t_o * 1e9, t_l * 1e9, "ns");

    uint32_t ncl = pol.p_classes.nprim;
    struct q *qs = malloc((size_t)nq * sizeof(*qs));
    for (long i = 0; i < nq; i++) {
        qs[i].s = (uint32_t)(rnd() % (uint64_t)nctx);
        qs[i].t = (uint32_t)(rnd() % (uint64_t)nctx);
        qs[i].c = (uint16_t)(1 + rnd() % ncl);
    }
    struct q rq[NRULEQ];
    int nrq = rule_queries(&pol, rq, NRULEQ);
    for (int mode = 0; mode < 3; mode++) {
        /* 0 uniform, 1 hot set of 64, 2 rule hits (cycling over nrq triples) */
        if (mode == 2 && nrq == 0)
            break;
        uint32_t mask = mode == 1 ? 63 : UINT32_MAX;
        const struct q *set = mode == 2 ? rq : qs;
        uint64_t sum_o = 0, sum_l = 0;
        struct ss_av_decision a;
        t0 = now();
        for (long i = 0; i < nq; i++) {
            const struct q *x = mode == 2 ? &set[i % nrq] : &set[(uint32_t)i & mask];
            ss_compute_av(ss, os[x->s], os[x->t], x->c, &a);
            sum_o += a.allowed ^ ((uint64_t)a.auditdeny << 32);
        }
        t_o = (now() - t0) / (double)nq;
        struct sepol_av_decision d;
        t0 = now();
        for (long i = 0; i < nq; i++) {
            const struct q *x = mode == 2 ? &set[i % nrq] : &set[(uint32_t)i & mask];
            sepol_compute_av(ls[x->s], ls[x->t], x->c, 0xffffffffu, &d);
            sum_l += d.allowed ^ ((uint64_t)d.auditdeny << 32);
        }
        t_l = (now() - t0) / (double)nq;
        static const char *const name[] = {"av-unif", "av-hot64", "av-rules"};
        row(name[mode], t_o * 1e9, t_l * 1e9, "ns");
        if (sum_o != sum_l)
            printf("  WARNING: decisions differ (checksum %016llx vs %016llx)\n",
                   (unsigned long long)sum_o, (unsigned long long)sum_l);
    }
    free(qs);

    long mo[2], ml[2];
    if (mem_child(0, img, len, mo) == 0 && mem_child(1, img, len, ml) == 0) {
        row("heap", (double)mo[0] / 1024, (double)ml[0] / 1024, "KiB");
        row("rss", (double)mo[1], (double)ml[1], "KiB");
    } else {
        printf("  memory: measurement failed\n");
    }

    for (int i = 0; i < nctx; i++)
        free(ctx_strings[i]);
    free(os);
    free(ls);
    ss_destroy(ss);
    sepol_sidtab_destroy(&st);
    policydb_destroy(&pol);
    free(img);
    return 0;
}

int main(int argc, char **argv)
{
    long nq = 200000;
    int i = 1;
    sepol_debug(0);
    if (i + 1 < argc && !strcmp(argv[i], "-q")) {
        nq = atol(argv[i + 1]);
        i += 2;
    }
    if (nq < 64)
        nq = 64;
    printf("bench-ss: %ld queries per compute_av case; time per operation, "
           "speed-up = libsepol / openxsm\n",
           nq);
    int rc = 0;
    if (i < argc) {
        for (; i < argc; i++)
            rc |= bench_policy(argv[i], nq);
        return rc;
    }
    static const char *const sys[] = {"/etc/selinux/default/policy/policy.33",
                                      "/etc/selinux/mls/policy/policy.33"};
    static const char *const ours[] = {"xen417.30", "xen417-mls.30", "features-mls-full.30",
                                       "debian-default.24"};
    for (unsigned k = 0; k < 2; k++)
        if (access(sys[k], R_OK) == 0)
            rc |= bench_policy(sys[k], nq);
        else
            printf("\n%s: missing, skipped (install selinux-policy-*)\n", sys[k]);
    for (unsigned k = 0; k < 4; k++) {
        char path[4096];
        snprintf(path, sizeof(path), "%s/%s", BENCH_CORPUS, ours[k]);
        if (BENCH_CORPUS[0] && access(path, R_OK) == 0)
            rc |= bench_policy(path, nq);
        else
            printf("\n%s: missing, skipped (build the tests: tests/policies/gen.sh)\n", path);
    }
    return rc;
}
