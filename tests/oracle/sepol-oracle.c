/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * sepol-oracle: libsepol 3.4 as a reference security server.
 *
 *   sepol-oracle query [--sem=selinux] POLICY   answer request lines on stdin
 *   sepol-oracle gen POLICY N SEED              print N random request lines
 *
 * The query protocol is the one of `xsmpolicy query`, so the differential
 * test can feed the same request file to both and compare the outputs line
 * by line.  libsepol keeps its policy and SID table in globals; that is fine
 * here because this program loads exactly one policy per process.
 *
 * Requests:
 *   av SCON TCON CLASS             -> "ALLOWED AUDITALLOW AUDITDENY" (%08x)
 *   why SCON TCON CLASS            -> "ALLOWED R0 R1 ..." (%08x, then %x): for each
 *                                     permission of the class in bit order, the
 *                                     SEPOL_COMPUTEAV_* flags of asking for it alone,
 *                                     0 when it is granted
 *   tr|mb|ch SCON TCON CLASS       -> new context
 *   vt OLDCON NEWCON TASKCON CLASS -> "0" or "-1"
 *   bool NAME 0|1                  -> "OK" (set and commit)
 *   anything that libsepol refuses -> "ERR <reason>"
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sepol/debug.h>
#include <sepol/policydb/conditional.h>
#include <sepol/policydb/ebitmap.h>
#include <sepol/policydb/hashtab.h>
#include <sepol/policydb/policydb.h>
#include <sepol/policydb/services.h>
#include <sepol/policydb/sidtab.h>

static void die(const char *msg)
{
    fprintf(stderr, "sepol-oracle: %s\n", msg);
    exit(2);
}

static unsigned char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    unsigned char *buf = malloc(cap);
    if (!buf)
        die("out of memory");
    for (;;) {
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (n < cap)
            break;
        cap *= 2;
        buf = realloc(buf, cap);
        if (!buf)
            die("out of memory");
    }
    fclose(f);
    *len = n;
    return buf;
}

static policydb_t g_pol;
static sidtab_t g_sidtab;

static void load(const char *path)
{
    size_t len;
    unsigned char *img = read_file(path, &len);
    if (!img)
        die("cannot read policy file");
    struct policy_file pf;
    policy_file_init(&pf);
    pf.type = PF_USE_MEMORY;
    pf.data = (char *)img;
    pf.len = len;
    if (policydb_init(&g_pol))
        die("policydb_init failed");
    if (policydb_read(&g_pol, &pf, 0))
        die("libsepol cannot read the policy");
    free(img);
    if (sepol_sidtab_init(&g_sidtab))
        die("sidtab init failed");
    sepol_set_policydb(&g_pol);
    sepol_set_sidtab(&g_sidtab);
}

/* Growable string. */
struct sbuf {
    char *s;
    size_t len, cap;
};

static void sb_add(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void sb_add(struct sbuf *b, const char *fmt, ...)
{
    va_list ap;
    for (;;) {
        va_start(ap, fmt);
        int n = vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
        va_end(ap);
        if (n < 0)
            die("format error");
        if ((size_t)n < b->cap - b->len) {
            b->len += (size_t)n;
            return;
        }
        b->cap = (b->cap + (size_t)n + 64) * 2;
        b->s = realloc(b->s, b->cap);
        if (!b->s)
            die("out of memory");
    }
}

/*
 * libsepol 3.4's mls_sid_to_context walks only the ebitmap nodes that exist,
 * so a category run ending on a 64-bit node boundary followed by a missing
 * node is printed with the wrong end (c695.c703 comes out as c695.c767).
 * The oracle answers with what libsepol computed, not with that misprint:
 * when libsepol's string does not parse back to the same SID, the context is
 * printed here in libsepol's format (runs of 3+ as "cA.cB", pairs "cA,cB").
 */
static void fmt_level(struct sbuf *b, const mls_level_t *l)
{
    sb_add(b, "%s", g_pol.p_sens_val_to_name[l->sens - 1]);
    ebitmap_node_t *node;
    unsigned int i;
    int first = 1;
    unsigned int start = 0, prev = 0, have = 0;
    ebitmap_for_each_positive_bit(&l->cat, node, i)
    {
        if (have && i == prev + 1) {
            prev = i;
            continue;
        }
        if (have) {
            sb_add(b, "%c%s", first ? ':' : ',', g_pol.p_cat_val_to_name[start]);
            first = 0;
            if (prev > start)
                sb_add(b, "%c%s", prev - start > 1 ? '.' : ',', g_pol.p_cat_val_to_name[prev]);
        }
        start = prev = i;
        have = 1;
    }
    if (have) {
        sb_add(b, "%c%s", first ? ':' : ',', g_pol.p_cat_val_to_name[start]);
        if (prev > start)
            sb_add(b, "%c%s", prev - start > 1 ? '.' : ',', g_pol.p_cat_val_to_name[prev]);
    }
}

static char *sid_string(sepol_security_id_t sid)
{
    char *str = NULL;
    size_t len = 0;
    if (sepol_sid_to_context(sid, &str, &len) || !str)
        return NULL;
    sepol_security_id_t back;
    if (sepol_context_to_sid(str, strlen(str) + 1, &back) == 0 && back == sid)
        return str;
    free(str);
    context_struct_t *c = sepol_sidtab_search(&g_sidtab, sid);
    if (!c)
        return NULL;
    struct sbuf b = {0};
    sb_add(&b, "%s:%s:%s", g_pol.p_user_val_to_name[c->user - 1],
           g_pol.p_role_val_to_name[c->role - 1], g_pol.p_type_val_to_name[c->type - 1]);
    if (g_pol.mls) {
        const mls_level_t *lo = &c->range.level[0], *hi = &c->range.level[1];
        sb_add(&b, ":");
        fmt_level(&b, lo);
        if (lo->sens != hi->sens || !ebitmap_cmp(&lo->cat, &hi->cat)) {
            sb_add(&b, "-");
            fmt_level(&b, hi);
        }
    }
    return b.s;
}

/* ---- query mode ------------------------------------------------------- */

#define MAXTOK 6

static int split(char *line, char **tok)
{
    int n = 0;
    char *save = NULL;
    for (char *t = strtok_r(line, " \t\r\n", &save); t; t = strtok_r(NULL, " \t\r\n", &save)) {
        if (n == MAXTOK)
            return MAXTOK + 1;
        tok[n++] = t;
    }
    return n;
}

static int to_sid(const char *ctx, sepol_security_id_t *sid)
{
    return sepol_context_to_sid(ctx, strlen(ctx) + 1, sid);
}

static int to_class(const char *name, sepol_security_class_t *c)
{
    return sepol_string_to_security_class(name, c);
}

/* "VERB SCON TCON CLASS": the three operands, or an ERR answer in out and 0. */
static int decode_stc(char **tok, int n, sepol_security_id_t *s, sepol_security_id_t *t,
                      sepol_security_class_t *c, char *out, size_t outsz)
{
    if (n != 4)
        snprintf(out, outsz, "ERR usage");
    else if (to_sid(tok[1], s) || to_sid(tok[2], t))
        snprintf(out, outsz, "ERR invalid context");
    else if (to_class(tok[3], c))
        snprintf(out, outsz, "ERR unknown class");
    else
        return 1;
    return 0;
}

/* One answer for one request; returns the text in out. */
static void answer(char *line, char *out, size_t outsz)
{
    char *tok[MAXTOK];
    int n = split(line, tok);
    sepol_security_id_t s, t, x;
    sepol_security_class_t c;

    if (n <= 0) {
        snprintf(out, outsz, "ERR empty request");
        return;
    }
    if (!strcmp(tok[0], "av")) {
        struct sepol_av_decision avd;
        if (!decode_stc(tok, n, &s, &t, &c, out, outsz))
            return;
        memset(&avd, 0, sizeof(avd));
        if (sepol_compute_av(s, t, c, 0xffffffffu, &avd)) {
            snprintf(out, outsz, "ERR compute_av failed");
            return;
        }
        snprintf(out, outsz, "%08x %08x %08x", avd.allowed, avd.auditallow, avd.auditdeny);
        return;
    }
    if (!strcmp(tok[0], "why")) {
        struct sepol_av_decision avd;
        if (!decode_stc(tok, n, &s, &t, &c, out, outsz))
            return;
        memset(&avd, 0, sizeof(avd));
        if (sepol_compute_av(s, t, c, 0xffffffffu, &avd)) {
            snprintf(out, outsz, "ERR compute_av failed");
            return;
        }
        uint32_t all = avd.allowed;
        size_t o = (size_t)snprintf(out, outsz, "%08x", all);
        uint32_t np = g_pol.class_val_to_struct[c - 1]->permissions.nprim;
        for (uint32_t bit = 0; bit < np && bit < 32 && o < outsz; bit++) {
            unsigned int reason = 0;
            memset(&avd, 0, sizeof(avd));
            if (sepol_compute_av_reason(s, t, c, 1U << bit, &avd, &reason)) {
                snprintf(out, outsz, "ERR compute_av_reason failed");
                return;
            }
            /*
             * libsepol 3.4's bounds check sets its flag whenever it masks any
             * permission, asked for or not.  So a granted permission has no
             * reason, and one an earlier check denies owes nothing to bounds.
             */
            if (avd.allowed & (1U << bit))
                reason = 0;
            else if (reason & (SEPOL_COMPUTEAV_TE | SEPOL_COMPUTEAV_CONS | SEPOL_COMPUTEAV_RBAC))
                reason &= ~SEPOL_COMPUTEAV_BOUNDS;
            o += (size_t)snprintf(out + o, outsz - o, " %x", reason);
        }
        return;
    }
    if (!strcmp(tok[0], "tr") || !strcmp(tok[0], "mb") || !strcmp(tok[0], "ch")) {
        if (!decode_stc(tok, n, &s, &t, &c, out, outsz))
            return;
        int rc;
        if (tok[0][0] == 't')
            rc = sepol_transition_sid(s, t, c, &x);
        else if (tok[0][0] == 'm')
            rc = sepol_member_sid(s, t, c, &x);
        else
            rc = sepol_change_sid(s, t, c, &x);
        if (rc) {
            snprintf(out, outsz, "ERR compute_sid %d", rc);
            return;
        }
        char *str = sid_string(x);
        if (!str) {
            snprintf(out, outsz, "ERR sid_to_context");
            return;
        }
        snprintf(out, outsz, "%s", str);
        free(str);
        return;
    }
    if (!strcmp(tok[0], "vt")) {
        sepol_security_id_t task;
        if (n != 5) {
            snprintf(out, outsz, "ERR usage");
            return;
        }
        if (to_sid(tok[1], &s) || to_sid(tok[2], &t) || to_sid(tok[3], &task)) {
            snprintf(out, outsz, "ERR invalid context");
            return;
        }
        if (to_class(tok[4], &c)) {
            snprintf(out, outsz, "ERR unknown class");
            return;
        }
        char *reason = NULL;
        int rc = sepol_validate_transition_reason_buffer(s, t, task, c, &reason, 0);
        free(reason);
        if (rc == 0)
            snprintf(out, outsz, "0");
        else if (rc == -EPERM)
            snprintf(out, outsz, "-1");
        else
            snprintf(out, outsz, "ERR validatetrans %d", rc);
        return;
    }
    if (!strcmp(tok[0], "bool")) {
        if (n != 3 || (strcmp(tok[2], "0") != 0 && strcmp(tok[2], "1") != 0)) {
            snprintf(out, outsz, "ERR usage");
            return;
        }
        cond_bool_datum_t *b = hashtab_search(g_pol.p_bools.table, tok[1]);
        if (!b) {
            snprintf(out, outsz, "ERR unknown boolean");
            return;
        }
        b->state = tok[2][0] == '1';
        if (evaluate_conds(&g_pol)) {
            snprintf(out, outsz, "ERR evaluate_conds");
            return;
        }
        snprintf(out, outsz, "OK");
        return;
    }
    snprintf(out, outsz, "ERR unknown request");
}

static int run_query(void)
{
    struct stat st;
    /* Flush per answer only when someone may be waiting for it. */
    int flush = !(fstat(fileno(stdout), &st) == 0 && S_ISREG(st.st_mode));
    char *line = NULL;
    size_t cap = 0;
    static char out[65536];
    while (getline(&line, &cap, stdin) >= 0) {
        answer(line, out, sizeof(out));
        fputs(out, stdout);
        fputc('\n', stdout);
        if (flush)
            fflush(stdout);
    }
    free(line);
    return ferror(stdout) ? 1 : 0;
}

/* ---- gen mode --------------------------------------------------------- */

static uint64_t rng_state;

/* splitmix64: tiny, good enough, and a seed reproduces a run exactly. */
static uint64_t rnd(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static uint32_t rndn(uint32_t n)
{
    return n ? (uint32_t)(rnd() % n) : 0;
}

/* Categories allowed with each sensitivity (index sens-1). */
static ebitmap_t *sens_cats;

static int level_cb(hashtab_key_t k, hashtab_datum_t d, void *arg)
{
    (void)k;
    (void)arg;
    level_datum_t *l = d;
    if (!l->isalias && l->level && l->level->sens >= 1 && l->level->sens <= g_pol.p_levels.nprim)
        ebitmap_cpy(&sens_cats[l->level->sens - 1], &l->level->cat);
    return 0;
}

/*
 * Alias names.  Requests sometimes spell a type, sensitivity or category by
 * one of its aliases, and category runs as "cA.cB", so both parsers see the
 * spellings a user may write; answers always use primary names.
 */
struct alias {
    uint32_t value;
    const char *name;
};
struct alias_list {
    struct alias *a;
    uint32_t n, cap;
};
static struct alias_list type_alias, sens_alias, cat_alias;

static void alias_add(struct alias_list *l, uint32_t value, const char *name)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        l->a = realloc(l->a, l->cap * sizeof(*l->a));
        if (!l->a)
            die("out of memory");
    }
    l->a[l->n].value = value;
    l->a[l->n].name = name;
    l->n++;
}

static int type_alias_cb(hashtab_key_t k, hashtab_datum_t d, void *arg)
{
    (void)arg;
    type_datum_t *t = d;
    if (!t->primary && t->flavor != TYPE_ATTRIB)
        alias_add(&type_alias, t->s.value, k);
    return 0;
}

static int sens_alias_cb(hashtab_key_t k, hashtab_datum_t d, void *arg)
{
    (void)arg;
    level_datum_t *l = d;
    if (l->isalias && l->level)
        alias_add(&sens_alias, l->level->sens, k);
    return 0;
}

static int cat_alias_cb(hashtab_key_t k, hashtab_datum_t d, void *arg)
{
    (void)arg;
    cat_datum_t *c = d;
    if (c->isalias)
        alias_add(&cat_alias, c->s.value, k);
    return 0;
}

/* The primary name, or now and then an alias of the same value. */
static const char *spell(const struct alias_list *l, uint32_t value, const char *primary)
{
    if (!l->n || rndn(3))
        return primary;
    uint32_t start = rndn(l->n);
    for (uint32_t i = 0; i < l->n; i++) {
        const struct alias *a = &l->a[(start + i) % l->n];
        if (a->value == value)
            return a->name;
    }
    return primary;
}

static void add_cats(struct sbuf *b, const ebitmap_t *cats)
{
    ebitmap_node_t *node;
    unsigned int i;
    char sep = ':';
    uint32_t *bits = NULL, n = 0, cap = 0;
    ebitmap_for_each_positive_bit(cats, node, i)
    {
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            bits = realloc(bits, cap * sizeof(*bits));
            if (!bits)
                die("out of memory");
        }
        bits[n++] = i;
    }
    for (uint32_t j = 0; j < n;) {
        uint32_t k = j;
        while (k + 1 < n && bits[k + 1] == bits[k] + 1)
            k++;
        if (k > j && rndn(2)) {
            sb_add(b, "%c%s.%s", sep, g_pol.p_cat_val_to_name[bits[j]],
                   g_pol.p_cat_val_to_name[bits[k]]);
            j = k + 1;
        } else {
            sb_add(b, "%c%s", sep,
                   spell(&cat_alias, bits[j] + 1, g_pol.p_cat_val_to_name[bits[j]]));
            j++;
        }
        sep = ',';
    }
    free(bits);
}

static void add_level(struct sbuf *b, uint32_t sens, const ebitmap_t *cats)
{
    sb_add(b, "%s", spell(&sens_alias, sens, g_pol.p_sens_val_to_name[sens - 1]));
    add_cats(b, cats);
}

/* Collect positive bits of an ebitmap into an array. */
static uint32_t bits_of(const ebitmap_t *e, uint32_t **out)
{
    ebitmap_node_t *node;
    unsigned int i;
    uint32_t n = 0, cap = 16;
    uint32_t *a = malloc(cap * sizeof(*a));
    if (!a)
        die("out of memory");
    ebitmap_for_each_positive_bit(e, node, i)
    {
        if (n == cap) {
            cap *= 2;
            a = realloc(a, cap * sizeof(*a));
            if (!a)
                die("out of memory");
        }
        a[n++] = i;
    }
    *out = a;
    return n;
}

/* Random MLS range inside the user's range: half the default level. */
static void add_mls(struct sbuf *b, const user_datum_t *u)
{
    const mls_range_t *r = &u->exp_range;
    if (rndn(2) == 0) {
        add_level(b, u->exp_dfltlevel.sens, &u->exp_dfltlevel.cat);
        return;
    }
    uint32_t lo = r->level[0].sens, hi = r->level[1].sens;
    uint32_t s_lo = lo + rndn(hi - lo + 1);
    uint32_t s_hi = s_lo + rndn(hi - s_lo + 1);
    /* High cats: user's low cats plus a few of the user's high cats. */
    ebitmap_t hcats, lcats;
    ebitmap_init(&hcats);
    ebitmap_init(&lcats);
    ebitmap_cpy(&hcats, &r->level[0].cat);
    ebitmap_cpy(&lcats, &r->level[0].cat);
    uint32_t *cand;
    uint32_t nc = bits_of(&r->level[1].cat, &cand);
    if (nc) {
        uint32_t k = rndn(6);
        if (rndn(4) == 0) {
            /* a contiguous run, to exercise range notation */
            uint32_t start = rndn(nc), len = 1 + rndn(12);
            for (uint32_t j = start; j < nc && j < start + len; j++)
                ebitmap_set_bit(&hcats, cand[j], 1);
        }
        for (uint32_t j = 0; j < k; j++) {
            uint32_t c = cand[rndn(nc)];
            ebitmap_set_bit(&hcats, c, 1);
            if (rndn(2))
                ebitmap_set_bit(&lcats, c, 1);
        }
    }
    free(cand);
    /* Keep each level within the categories its sensitivity allows. */
    ebitmap_t tmp;
    ebitmap_and(&tmp, &hcats, &sens_cats[s_hi - 1]);
    ebitmap_destroy(&hcats);
    hcats = tmp;
    ebitmap_and(&tmp, &lcats, &hcats);
    ebitmap_destroy(&lcats);
    ebitmap_and(&lcats, &tmp, &sens_cats[s_lo - 1]);
    ebitmap_destroy(&tmp);
    add_level(b, s_lo, &lcats);
    if (s_lo != s_hi || !ebitmap_cmp(&lcats, &hcats) || rndn(4) == 0) {
        sb_add(b, "-");
        add_level(b, s_hi, &hcats);
    }
    ebitmap_destroy(&hcats);
    ebitmap_destroy(&lcats);
}

static uint32_t *nonattr_types;
static uint32_t n_nonattr;

/* Spell user uv, role rv, type tv (and an MLS range of u) into b; 1 if libsepol accepts it. */
static int spell_context(struct sbuf *b, uint32_t uv, uint32_t rv, uint32_t tv,
                         const user_datum_t *u)
{
    sb_add(b, "%s:%s:%s", g_pol.p_user_val_to_name[uv - 1], g_pol.p_role_val_to_name[rv - 1],
           spell(&type_alias, tv, g_pol.p_type_val_to_name[tv - 1]));
    if (g_pol.mls) {
        sb_add(b, ":");
        add_mls(b, u);
    }
    sepol_security_id_t sid;
    return to_sid(b->s, &sid) == 0;
}

/* A random context string; subject = user -> role -> type of that role. */
static char *make_context(int subject)
{
    struct sbuf b = {0};
    for (int attempt = 0; attempt < 20; attempt++) {
        b.len = 0;
        uint32_t uv = 1 + rndn(g_pol.p_users.nprim);
        user_datum_t *u = g_pol.user_val_to_struct[uv - 1];
        if (!u)
            continue;
        uint32_t rv = 1, tv;
        if (subject) {
            uint32_t *roles;
            uint32_t nr = bits_of(&u->roles.roles, &roles);
            if (!nr) {
                free(roles);
                continue;
            }
            rv = roles[rndn(nr)] + 1;
            free(roles);
            role_datum_t *r = g_pol.role_val_to_struct[rv - 1];
            uint32_t *types;
            uint32_t nt = bits_of(&r->types.types, &types);
            uint32_t *ok = malloc((nt + 1) * sizeof(*ok));
            uint32_t nok = 0;
            for (uint32_t i = 0; i < nt; i++) {
                type_datum_t *t = g_pol.type_val_to_struct[types[i]];
                if (t && t->flavor != TYPE_ATTRIB)
                    ok[nok++] = types[i] + 1;
            }
            free(types);
            if (!nok) {
                free(ok);
                continue;
            }
            tv = ok[rndn(nok)];
            free(ok);
        } else {
            if (!n_nonattr)
                die("policy has no types");
            tv = nonattr_types[rndn(n_nonattr)];
        }
        if (spell_context(&b, uv, rv, tv, u))
            return b.s;
    }
    free(b.s);
    return NULL;
}

/*
 * Uniform random pairs almost never hit an allow rule in a large policy, so
 * half of the av/tr/mb/ch requests use a pair built from a real avtab key
 * (attribute keys resolved to a member type).  The pool is made up front so
 * the SID tables of both sides stay small.
 */
struct triple {
    char *s, *t;
    const char *cls;
};

/* Random valid context whose type is tv; a role holding tv if any. */
static char *context_for_type(uint32_t tv)
{
    struct sbuf b = {0};
    uint32_t nroles = g_pol.p_roles.nprim, nusers = g_pol.p_users.nprim;
    for (int attempt = 0; attempt < 8; attempt++) {
        uint32_t rv = 1, uv = 1 + rndn(nusers);
        uint32_t start = rndn(nroles);
        for (uint32_t k = 0; k < nroles && attempt < 6; k++) {
            uint32_t r = (start + k) % nroles;
            role_datum_t *rd = g_pol.role_val_to_struct[r];
            if (r == 0 || !rd || !ebitmap_get_bit(&rd->types.types, tv - 1))
                continue;
            /* a user allowed this role */
            uint32_t us = rndn(nusers);
            for (uint32_t j = 0; j < nusers; j++) {
                user_datum_t *ud = g_pol.user_val_to_struct[(us + j) % nusers];
                if (ud && ebitmap_get_bit(&ud->roles.roles, r)) {
                    rv = r + 1;
                    uv = (us + j) % nusers + 1;
                    break;
                }
            }
            if (rv != 1)
                break;
        }
        user_datum_t *u = g_pol.user_val_to_struct[uv - 1];
        if (!u)
            continue;
        b.len = 0;
        if (spell_context(&b, uv, rv, tv, u))
            return b.s;
    }
    free(b.s);
    return NULL;
}

/* A concrete type for a key side: the type itself or a member of the attribute. */
static uint32_t concrete(uint32_t v)
{
    if (!v || v > g_pol.p_types.nprim || !g_pol.type_val_to_struct[v - 1])
        return 0;
    if (g_pol.type_val_to_struct[v - 1]->flavor != TYPE_ATTRIB)
        return v;
    uint32_t *m;
    uint32_t n = bits_of(&g_pol.attr_type_map[v - 1], &m), r = 0;
    if (n)
        r = m[rndn(n)] + 1;
    free(m);
    if (r && g_pol.type_val_to_struct[r - 1] &&
        g_pol.type_val_to_struct[r - 1]->flavor == TYPE_ATTRIB)
        return 0;
    return r;
}

static avtab_key_t *keys;
static uint32_t nkeys, capkeys;

static void collect_keys(avtab_t *a)
{
    for (uint32_t i = 0; a->htable && i < a->nslot; i++)
        for (avtab_ptr_t node = a->htable[i]; node; node = node->next) {
            if (nkeys == capkeys) {
                capkeys = capkeys ? capkeys * 2 : 1024;
                keys = realloc(keys, capkeys * sizeof(*keys));
                if (!keys)
                    die("out of memory");
            }
            keys[nkeys++] = node->key;
        }
}

static uint32_t make_triples(struct triple *tp, uint32_t want)
{
    collect_keys(&g_pol.te_avtab);
    collect_keys(&g_pol.te_cond_avtab);
    uint32_t n = 0;
    for (uint32_t tries = 0; nkeys && n < want && tries < want * 4; tries++) {
        avtab_key_t *k = &keys[rndn(nkeys)];
        uint32_t st = concrete(k->source_type), tt = concrete(k->target_type);
        if (!st || !tt || !k->target_class || k->target_class > g_pol.p_classes.nprim)
            continue;
        char *s = context_for_type(st);
        char *t = s ? context_for_type(tt) : NULL;
        if (!s || !t) {
            free(s);
            continue;
        }
        tp[n].s = s;
        tp[n].t = t;
        tp[n].cls = g_pol.p_class_val_to_name[k->target_class - 1];
        n++;
    }
    return n;
}

/* Any user, any role, any type (attributes too) and any level: often invalid. */
static char *raw_context(void)
{
    struct sbuf b = {0};
    uint32_t uv = 1 + rndn(g_pol.p_users.nprim), rv = 1 + rndn(g_pol.p_roles.nprim);
    uint32_t tv = 1 + rndn(g_pol.p_types.nprim);
    const char *un = g_pol.p_user_val_to_name[uv - 1], *rn = g_pol.p_role_val_to_name[rv - 1];
    const char *tn = g_pol.p_type_val_to_name[tv - 1];
    sb_add(&b, "%s:%s:%s", un ? un : "x", rn ? rn : "x", tn ? tn : "x");
    if (g_pol.mls && g_pol.p_levels.nprim) {
        for (int l = 0; l < 2; l++) {
            uint32_t sv = 1 + rndn(g_pol.p_levels.nprim);
            const char *sn = g_pol.p_sens_val_to_name[sv - 1];
            sb_add(&b, "%s%s", l ? "-" : ":", sn ? sn : "s0");
            if (g_pol.p_cats.nprim && rndn(2)) {
                const char *cn = g_pol.p_cat_val_to_name[rndn(g_pol.p_cats.nprim)];
                sb_add(&b, ":%s", cn ? cn : "c0");
            }
            if (rndn(2))
                break;
        }
    }
    return b.s;
}

static int run_gen(unsigned long n, uint64_t seed)
{
    rng_state = seed;
    uint32_t ntypes = g_pol.p_types.nprim, nclasses = g_pol.p_classes.nprim;
    nonattr_types = malloc((ntypes + 1) * sizeof(*nonattr_types));
    if (!nonattr_types)
        die("out of memory");
    for (uint32_t i = 0; i < ntypes; i++) {
        type_datum_t *t = g_pol.type_val_to_struct[i];
        if (t && t->flavor != TYPE_ATTRIB)
            nonattr_types[n_nonattr++] = i + 1;
    }
    hashtab_map(g_pol.p_types.table, type_alias_cb, NULL);
    if (g_pol.mls) {
        hashtab_map(g_pol.p_levels.table, sens_alias_cb, NULL);
        hashtab_map(g_pol.p_cats.table, cat_alias_cb, NULL);
        sens_cats = calloc(g_pol.p_levels.nprim + 1, sizeof(*sens_cats));
        if (!sens_cats)
            die("out of memory");
        hashtab_map(g_pol.p_levels.table, level_cb, NULL);
    }
    uint32_t *vt_classes = malloc((nclasses + 1) * sizeof(*vt_classes)), nvt = 0;
    if (!vt_classes)
        die("out of memory");
    for (uint32_t c = 0; c < nclasses; c++)
        if (g_pol.class_val_to_struct[c] && g_pol.class_val_to_struct[c]->validatetrans)
            vt_classes[nvt++] = c;

    /* A pool of contexts keeps the SID tables of both sides small. */
    enum { NSUBJ = 160, NOBJ = 96 };
    char *pool[NSUBJ + NOBJ];
    uint32_t npool = 0;
    for (int i = 0; i < NSUBJ + NOBJ; i++) {
        char *c = make_context(i < NSUBJ);
        if (c)
            pool[npool++] = c;
    }
    if (!npool)
        die("cannot make any valid context for this policy");
    enum { NTRIPLE = 256 };
    struct triple tp[NTRIPLE];
    uint32_t ntp = make_triples(tp, NTRIPLE);

    static const char *const bad_ctx[] = {"nosuchuser:nosuchrole:nosuch_t", "x", "::", "a:b",
                                          "user:role:type:s99999"};
    for (unsigned long i = 0; i < n; i++) {
        uint32_t r = rndn(1000);
        const char *s = pool[rndn(npool)], *t = pool[rndn(npool)];
        const char *cls = g_pol.p_class_val_to_name[rndn(nclasses)];
        if (ntp && rndn(2)) {
            struct triple *g = &tp[rndn(ntp)];
            s = g->s;
            t = g->t;
            cls = g->cls;
        }
        if (r < 30) {
            /* deliberately invalid (or doubtful) requests */
            switch (rndn(8)) {
            case 6:
            case 7: {
                /* random parts: valid or not, both sides must agree */
                char *raw = raw_context();
                if (rndn(2))
                    printf("av %s %s %s\n", raw, t, cls);
                else
                    printf("tr %s %s %s\n", s, raw, cls);
                free(raw);
                break;
            }
            case 0:
                printf("av %s %s %s\n", bad_ctx[rndn(5)], t, cls);
                break;
            case 1:
                printf("av %s %s nosuchclass\n", s, t);
                break;
            case 2:
                printf("tr %s %s %s\n", s, bad_ctx[rndn(5)], cls);
                break;
            case 3:
                printf("bool no_such_boolean_xyz 1\n");
                break;
            case 4:
                printf("frobnicate %s\n", s);
                break;
            default:
                printf("av %s %s\n", s, t);
                break;
            }
        } else if (r < 60 && g_pol.p_bools.nprim) {
            uint32_t bv = rndn(g_pol.p_bools.nprim);
            printf("bool %s %u\n", g_pol.p_bool_val_to_name[bv], (unsigned)rndn(2));
        } else if (r < 110 && nvt) {
            /* mostly a class that has validatetrans rules */
            if (rndn(4))
                cls = g_pol.p_class_val_to_name[vt_classes[rndn(nvt)]];
            printf("vt %s %s %s %s\n", pool[rndn(npool)], pool[rndn(npool)], pool[rndn(npool)],
                   cls);
        } else if (r < 210) {
            printf("tr %s %s %s\n", s, t, cls);
        } else if (r < 285) {
            printf("mb %s %s %s\n", s, t, cls);
        } else if (r < 360) {
            printf("ch %s %s %s\n", s, t, cls);
        } else {
            printf("av %s %s %s\n", s, t, cls);
        }
    }
    for (uint32_t i = 0; i < npool; i++)
        free(pool[i]);
    free(vt_classes);
    for (uint32_t i = 0; i < ntp; i++) {
        free(tp[i].s);
        free(tp[i].t);
    }
    free(keys);
    return ferror(stdout) ? 1 : 0;
}

static void usage(void)
{
    fprintf(stderr, "usage: sepol-oracle query [--sem=selinux] POLICY\n"
                    "       sepol-oracle gen POLICY N SEED\n");
    exit(2);
}

int main(int argc, char **argv)
{
    sepol_debug(0);
    if (argc < 3)
        usage();
    if (!strcmp(argv[1], "query")) {
        int i = 2;
        if (!strncmp(argv[i], "--sem=", 6)) {
            if (strcmp(argv[i] + 6, "selinux") != 0)
                die("only --sem=selinux is available in the libsepol oracle");
            i++;
        }
        if (i != argc - 1)
            usage();
        load(argv[i]);
        return run_query();
    }
    if (!strcmp(argv[1], "gen")) {
        if (argc != 5)
            usage();
        char *end;
        unsigned long n = strtoul(argv[3], &end, 0);
        if (*end)
            usage();
        uint64_t seed = strtoull(argv[4], &end, 0);
        if (*end)
            usage();
        load(argv[2]);
        return run_gen(n, seed);
    }
    usage();
    return 2;
}
