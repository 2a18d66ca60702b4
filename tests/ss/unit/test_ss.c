/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of the security server.  Policies are compiled at test time
 * with checkpolicy from tests/ss/unit/policies/unit.m4 (argv[1]).
 *
 * Expectations below are stated from the policy source, not from output.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openxsm/ss.h>

#include "../../lib/slurp.h"

static int failures;
static char tmpdir[] = "/tmp/ss-unit-XXXXXX";
static const char *m4src;

#define CHECK(c)                                                                                   \
    do {                                                                                           \
        if (!(c)) {                                                                                \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #c);                  \
            failures++;                                                                            \
        }                                                                                          \
    } while (0)

/* Compile unit.m4 with m4 defines and checkpolicy flags; returns the image. */
static unsigned char *build(const char *defs, const char *flags, size_t *len)
{
    char cmd[1024], out[256];
    static int seq;
    snprintf(out, sizeof(out), "%s/p%d", tmpdir, seq++);
    snprintf(cmd, sizeof(cmd), "m4 %s %s > %s.conf && checkpolicy %s -o %s %s.conf >/dev/null 2>&1",
             defs, m4src, out, flags, out, out);
    if (system(cmd) != 0)
        return NULL;
    return slurp_file(out, len);
}

static ss_ctx *loaded(const unsigned char *img, size_t len, const struct ss_config *cfg)
{
    ss_ctx *ss;
    if (ss_create(&ss, cfg))
        return NULL;
    if (ss_load_policy(ss, img, len)) {
        fprintf(stderr, "load failed: %s\n", ss_last_error(ss));
        ss_destroy(ss);
        return NULL;
    }
    return ss;
}

static ss_sid sid(ss_ctx *ss, const char *s)
{
    ss_sid v = 0;
    int rc = ss_context_to_sid(ss, s, strlen(s), &v);
    if (rc)
        fprintf(stderr, "context_to_sid(%s) = %d\n", s, rc);
    return v;
}

static uint32_t allowed(ss_ctx *ss, const char *s, const char *t, const char *cls)
{
    struct ss_av_decision d;
    if (ss_compute_av(ss, sid(ss, s), sid(ss, t), ss_class_value(ss, cls), &d))
        return 0xdeadbeef;
    return d.allowed;
}

static void test_versions(void)
{
    static const struct {
        const char *defs, *flags;
        enum ss_target target;
        unsigned version;
        bool mls;
    } v[] = {
        {"-D XEN_OCON", "-t xen -c 24", SS_TARGET_XEN, 24, false},
        {"-D XEN_OCON", "-t xen -c 30", SS_TARGET_XEN, 30, false},
        {"-D XEN_OCON -D WITH_MLS", "-t xen -M -c 24", SS_TARGET_XEN, 24, true},
        {"-D XEN_OCON -D WITH_MLS", "-t xen -M -c 30", SS_TARGET_XEN, 30, true},
        {"", "-c 15", SS_TARGET_SELINUX, 15, false},
        {"", "-c 16", SS_TARGET_SELINUX, 16, false},
        {"", "-c 17", SS_TARGET_SELINUX, 17, false},
        {"", "-c 18", SS_TARGET_SELINUX, 18, false},
        {"", "-c 19", SS_TARGET_SELINUX, 19, false},
        {"", "-c 20", SS_TARGET_SELINUX, 20, false},
        {"", "-c 21", SS_TARGET_SELINUX, 21, false},
        {"", "-c 22", SS_TARGET_SELINUX, 22, false},
        {"", "-c 23", SS_TARGET_SELINUX, 23, false},
        {"", "-c 24", SS_TARGET_SELINUX, 24, false},
        {"", "-c 25", SS_TARGET_SELINUX, 25, false},
        {"", "-c 26", SS_TARGET_SELINUX, 26, false},
        {"", "-c 27", SS_TARGET_SELINUX, 27, false},
        {"", "-c 28", SS_TARGET_SELINUX, 28, false},
        {"", "-c 29", SS_TARGET_SELINUX, 29, false},
        {"", "-c 30", SS_TARGET_SELINUX, 30, false},
        {"", "-c 31", SS_TARGET_SELINUX, 31, false},
        {"", "-c 32", SS_TARGET_SELINUX, 32, false},
        {"", "-c 33", SS_TARGET_SELINUX, 33, false},
        {"-D WITH_MLS", "-M -c 19", SS_TARGET_SELINUX, 19, true},
        {"-D WITH_MLS", "-M -c 26", SS_TARGET_SELINUX, 26, true},
        {"-D WITH_MLS", "-M -c 33", SS_TARGET_SELINUX, 33, true},
    };
    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        size_t len;
        unsigned char *img = build(v[i].defs, v[i].flags, &len);
        CHECK(img != NULL);
        if (!img)
            continue;
        ss_ctx *ss = loaded(img, len, NULL);
        CHECK(ss != NULL);
        if (ss) {
            struct ss_policy_info info;
            CHECK(ss_get_info(ss, &info) == 0);
            CHECK(info.target == v[i].target);
            CHECK(info.version == v[i].version);
            CHECK(info.mls == v[i].mls);
            CHECK(info.nclasses == 3);
            CHECK(info.nbools == (v[i].version >= 16 ? 1u : 0u)); /* v15 has no booleans */
            CHECK(info.ninitial_sids == 3);
            /* dom0 may set the time; the attribute rule gives event bind */
            const char *d0 = v[i].mls ? "system_u:system_r:dom0_t:s0" : "system_u:system_r:dom0_t";
            const char *xt = v[i].mls ? "system_u:system_r:xen_t:s0" : "system_u:system_r:xen_t";
            const char *du = v[i].mls ? "system_u:vm_r:domU_t:s0" : "system_u:vm_r:domU_t";
            CHECK(allowed(ss, d0, xt, "xen") == 0x3);
            CHECK(allowed(ss, du, d0, "event") == 0x1);
            CHECK(allowed(ss, du, xt, "xen") == 0);
            if (v[i].target == SS_TARGET_XEN) {
                ss_sid o;
                CHECK(ss_ocontext_sid(ss, SS_OCON_IOPORT, 0x62, &o) == 0 && o > 3);
                CHECK(ss_ocontext_sid(ss, SS_OCON_IOPORT, 0x65, &o) == 0 && o == SS_SID_IOPORT);
                CHECK(ss_ocontext_sid(ss, SS_OCON_PIRQ, 34, &o) == 0 && o == SS_SID_IRQ);
                /*
                 * Xen stores whatever SID FLASK_ADD_OCONTEXT passes, 0
                 * included, and hands it back on look-up (access checks
                 * then treat it as unlabeled).
                 */
                CHECK(ss_ocontext_add(ss, SS_OCON_PIRQ, 40, 40, 0) == 0);
                CHECK(ss_ocontext_sid(ss, SS_OCON_PIRQ, 40, &o) == 0 && o == 0);
                CHECK(ss_ocontext_add(ss, SS_OCON_IOMEM, 0x100, 0x1ff, 0) == 0);
                CHECK(ss_ocontext_add(ss, SS_OCON_IOMEM, 0x100, 0x1ff, 0) == 0);
                CHECK(ss_ocontext_sid(ss, SS_OCON_IOMEM, 0x150, &o) == 0 && o == 0);
                CHECK(ss_ocontext_add(ss, SS_OCON_PIRQ, 40, 40, 5) == -EEXIST);
            }
            ss_destroy(ss);
        }
        free(img);
    }
}

static void test_malformed(void)
{
    size_t len;
    unsigned char *img = build("-D XEN_OCON -D WITH_MLS", "-t xen -M -c 30", &len);
    CHECK(img != NULL);
    if (!img)
        return;
    ss_ctx *ss;
    CHECK(ss_create(&ss, NULL) == 0);
    /* every proper prefix is truncated and must be rejected */
    int bad = 0;
    for (size_t n = 0; n < len; n++)
        if (ss_load_policy(ss, img, n) != -EINVAL)
            bad++;
    CHECK(bad == 0);
    CHECK(!ss_policy_loaded(ss));
    CHECK(ss_last_error(ss)[0] != 0);
    /* any word replaced by a huge count: rejected or accepted, never anything else */
    unsigned char *m = malloc(len);
    int odd = 0;
    for (size_t off = 0; m && off + 4 <= len; off += 4) {
        memcpy(m, img, len);
        memset(m + off, 0xff, 4);
        int rc = ss_load_policy(ss, m, len);
        if (rc != 0 && rc != -EINVAL)
            odd++;
        memcpy(m, img, len);
        m[off] ^= 0x01;
        rc = ss_load_policy(ss, m, len);
        if (rc != 0 && rc != -EINVAL)
            odd++;
    }
    CHECK(odd == 0);
    free(m);
    /* trailing garbage */
    unsigned char *t = malloc(len + 1);
    if (t) {
        memcpy(t, img, len);
        t[len] = 0;
        ss_destroy(ss);
        CHECK(ss_create(&ss, NULL) == 0);
        CHECK(ss_load_policy(ss, t, len + 1) == -EINVAL);
        free(t);
    }
    ss_destroy(ss);
    free(img);
}

static void test_atomic_and_bools(void)
{
    size_t len, len2;
    unsigned char *img = build("-D XEN_OCON", "-t xen -c 30", &len);
    unsigned char *img2 = build("-D XEN_OCON -D WITH_EXTRA", "-t xen -c 30", &len2);
    CHECK(img && img2);
    if (!img || !img2) {
        free(img);
        free(img2);
        return;
    }
    ss_ctx *ss = loaded(img, len, NULL);
    CHECK(ss != NULL);
    if (!ss) {
        free(img);
        free(img2);
        return;
    }
    const char *du = "system_u:vm_r:domU_t", *d0 = "system_u:system_r:dom0_t";
    CHECK(allowed(ss, du, d0, "event") == 0x1);
    int idx = ss_bool_index(ss, "guest_send", 10);
    CHECK(idx == 0);
    CHECK(ss_bool_index(ss, "nope", 4) == -ENOENT);
    int a = -1, p = -1;
    CHECK(ss_bool_set_pending(ss, 0, 1) == 0);
    CHECK(ss_bool_get(ss, 0, &a, &p) == 0 && a == 0 && p == 1);
    CHECK(allowed(ss, du, d0, "event") == 0x1); /* pending has no effect yet */
    uint32_t seq = ss_seqno(ss);
    CHECK(ss_bool_commit(ss) == 0);
    CHECK(ss_seqno(ss) == seq + 1);
    CHECK(ss_bool_get(ss, 0, &a, &p) == 0 && a == 1 && p == 1);
    CHECK(allowed(ss, du, d0, "event") == 0x3);

    /* a failed load changes nothing */
    ss_sid s1 = sid(ss, du);
    seq = ss_seqno(ss);
    unsigned char junk[64];
    memcpy(junk, img, sizeof(junk));
    CHECK(ss_load_policy(ss, junk, sizeof(junk)) == -EINVAL);
    CHECK(ss_load_policy(ss, img, len - 1) == -EINVAL);
    CHECK(ss_seqno(ss) == seq);
    CHECK(ss_bool_get(ss, 0, &a, &p) == 0 && a == 1);
    CHECK(sid(ss, du) == s1);
    char buf[128];
    size_t l;
    CHECK(ss_sid_to_context(ss, s1, buf, sizeof(buf), &l) == 0 && strcmp(buf, du) == 0);
    CHECK(l == strlen(du) + 1);
    CHECK(ss_sid_to_context(ss, s1, buf, 3, &l) == -ERANGE && l == strlen(du) + 1);
    CHECK(allowed(ss, du, d0, "event") == 0x3);

    /* reload: SIDs keep their numbers, booleans keep their values by name */
    CHECK(ss_load_policy(ss, img2, len2) == 0);
    CHECK(ss_seqno(ss) == seq + 1);
    CHECK(sid(ss, du) == s1);
    CHECK(ss_bool_count(ss) == 2);
    int gi = ss_bool_index(ss, "guest_send", 10);
    CHECK(gi >= 0 && ss_bool_get(ss, (unsigned)gi, &a, NULL) == 0 && a == 1);
    CHECK(allowed(ss, du, d0, "event") == 0x3);
    /* extra_bool defaults to true: domU may read the console */
    CHECK(allowed(ss, du, "system_u:system_r:xen_t", "xen") == 0x2);
    ss_destroy(ss);
    free(img);
    free(img2);
}

static void test_contexts(void)
{
    size_t len;
    unsigned char *img = build("-D WITH_MLS", "-M -c 33", &len);
    CHECK(img != NULL);
    if (!img)
        return;
    ss_ctx *ss = loaded(img, len, NULL);
    CHECK(ss != NULL);
    if (ss) {
        static const char *const io[][2] = {
            {"system_u:system_r:dom0_t:s0", "system_u:system_r:dom0_t:s0"},
            {"system_u:system_r:dom0_t:s0-s0", "system_u:system_r:dom0_t:s0"},
            {"system_u:system_r:dom0_t:s0-top:c0.c3", "system_u:system_r:dom0_t:s0-s1:c0.c3"},
            {"system_u:system_r:dom0_t:s0-s1:c0,c1,c2", "system_u:system_r:dom0_t:s0-s1:c0.c2"},
            {"system_u:system_r:dom0_t:s0-s1:c0,c1", "system_u:system_r:dom0_t:s0-s1:c0,c1"},
            {"system_u:system_r:dom0_t:s0-s1:c0.c1,cat3",
             "system_u:system_r:dom0_t:s0-s1:c0,c1,c3"},
            {"system_u:object_r:unlabeled_t:s0:c1", "system_u:object_r:unlabeled_t:s0:c1"},
        };
        for (size_t i = 0; i < sizeof(io) / sizeof(io[0]); i++) {
            ss_sid s = sid(ss, io[i][0]);
            char buf[128];
            size_t l;
            CHECK(s != 0);
            CHECK(ss_sid_to_context(ss, s, buf, sizeof(buf), &l) == 0);
            CHECK(strcmp(buf, io[i][1]) == 0);
            CHECK(sid(ss, io[i][1]) == s);
        }
        static const char *const bad[] = {
            "system_u:system_r:dom0_t",          /* MLS part missing */
            "system_u:system_r:dom0_t:s2",       /* no such sensitivity */
            "system_u:system_r:dom0_t:s1-s0",    /* high below low */
            "system_u:vm_r:dom0_t:s0",           /* role lacks the type */
            "system_u:system_r:dom0_t:s0:c2.c1", /* reversed category range */
            "system_u:system_r:dom0_t:s0:",      /* empty category list */
            "system_u:system_r:dom0_t:s0:c9",    /* no such category */
            "system_u:system_r:dom0_t:s0:c0,",   /* nothing after the comma */
            "nouser:system_r:dom0_t:s0",         "system_u:system_r",
        };
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
            ss_sid s;
            CHECK(ss_context_to_sid(ss, bad[i], strlen(bad[i]), &s) == -EINVAL);
        }
        ss_sid s;
        CHECK(ss_context_to_sid(ss, "system_u:system_r:dom0_t:s0\0x", 30, &s) == -EINVAL);
        CHECK(ss_context_to_sid(ss, "system_u:system_r:dom0_t:s0", 28, &s) == 0);
        /* the MLS constraint: create needs l1 dom l2 */
        CHECK(allowed(ss, "system_u:system_r:dom0_t:s0", "system_u:vm_r:domU_t:s0", "domain") ==
              0x7);
        CHECK(allowed(ss, "system_u:system_r:dom0_t:s0", "system_u:vm_r:domU_t:s1", "domain") ==
              0x6);
        /* type_transition dom0_t domU_t:event domU_t, object role, low level */
        ss_sid o;
        CHECK(ss_transition_sid(ss, sid(ss, "system_u:system_r:dom0_t:s0-s1"),
                                sid(ss, "system_u:vm_r:domU_t:s0"), ss_class_value(ss, "event"),
                                &o) == 0);
        char buf[128];
        size_t l;
        CHECK(ss_sid_to_context(ss, o, buf, sizeof(buf), &l) == 0 &&
              strcmp(buf, "system_u:object_r:domU_t:s0") == 0);
        ss_destroy(ss);
    }
    free(img);
}

static void test_mapping(void)
{
    static const char *const xen_perms[] = {"readconsole", "missing", "settime", NULL};
    static const char *const ev_perms[] = {"send", "bind", NULL};
    static const char *const gone_perms[] = {"x", NULL};
    const struct ss_class_map map[] = {
        {"event", ev_perms}, {"xen", xen_perms}, {"gone", gone_perms}};
    struct ss_config cfg = {.map = map, .nmap = 3};
    static const char *const hu[3] = {"-U deny", "-U allow", "-U reject"};
    for (int k = 0; k < 3; k++) {
        char flags[64];
        snprintf(flags, sizeof(flags), "-t xen -c 30 %s", hu[k]);
        size_t len;
        unsigned char *img = build("-D XEN_OCON", flags, &len);
        CHECK(img != NULL);
        if (!img)
            continue;
        ss_ctx *ss;
        CHECK(ss_create(&ss, &cfg) == 0);
        int rc = ss_load_policy(ss, img, len);
        if (k == 2) {
            CHECK(rc == -EINVAL); /* reject: unknown class/permission refuses the load */
        } else {
            CHECK(rc == 0);
            struct ss_av_decision d;
            ss_sid d0 = sid(ss, "system_u:system_r:dom0_t"),
                   xt = sid(ss, "system_u:system_r:xen_t");
            CHECK(ss_compute_av_mapped(ss, d0, xt, 2, &d) == 0);
            CHECK(d.allowed == (k == 1 ? 0x7u : 0x5u));
            CHECK(ss_compute_av_mapped(ss, d0, d0, 1, &d) == 0);
            CHECK(d.allowed == 0x2u); /* bind is caller bit 1 */
            CHECK(ss_compute_av_mapped(ss, d0, d0, 3, &d) == 0);
            CHECK(d.allowed == (k == 1 ? 0xffffffffu : 0u));
            CHECK(ss_compute_av_mapped(ss, d0, d0, 4, &d) == -EINVAL);
        }
        ss_destroy(ss);
        /* strict: class 1 of the policy is xen, not event */
        struct ss_config strict = cfg;
        strict.map_strict = true;
        CHECK(ss_create(&ss, &strict) == 0);
        CHECK(ss_load_policy(ss, img, len) == -EINVAL);
        ss_destroy(ss);
        static const char *const sx[] = {"settime", "readconsole", NULL};
        static const char *const sd[] = {"create", "transition", NULL};
        const struct ss_class_map good[] = {{"xen", sx}, {"domain", sd}};
        struct ss_config sg = {.map = good, .nmap = 2, .map_strict = true};
        CHECK(ss_create(&ss, &sg) == 0);
        CHECK(ss_load_policy(ss, img, len) == 0); /* everything mapped exists */
        ss_destroy(ss);
        free(img);
    }
}

/* The context of a SID, or "" (static buffer). */
static const char *ctx_of(ss_ctx *ss, ss_sid s)
{
    static char buf[256];
    size_t l;
    if (ss_sid_to_context(ss, s, buf, sizeof(buf), &l))
        buf[0] = 0;
    return buf;
}

/*
 * Xen semantics: a computed context that is not valid is refused only when
 * enforcing (Xen's compute_sid_handle_invalid_context).  INVALID_TRANS:
 * system_u:vm_r:domU_t acting on itself in class domain becomes
 * system_u:vm_r:dom0_t, and vm_r has no dom0_t.
 */
static void test_invalid_computed(void)
{
    size_t len;
    unsigned char *img = build("-D XEN_OCON -D INVALID_TRANS", "-t xen -c 30", &len);
    CHECK(img != NULL);
    if (!img)
        return;
    static const enum ss_semantics sems[2] = {SS_SEM_XEN, SS_SEM_SELINUX};
    for (int k = 0; k < 2; k++) {
        struct ss_config cfg = {.semantics = sems[k]};
        ss_ctx *ss = loaded(img, len, &cfg);
        CHECK(ss != NULL);
        if (!ss)
            continue;
        ss_sid du = sid(ss, "system_u:vm_r:domU_t"), o = 0, o2 = 0;
        uint16_t dom = ss_class_value(ss, "domain");
        CHECK(ss_enforcing(ss));
        CHECK(ss_transition_sid(ss, du, du, dom, &o) == -EACCES);
        ss_set_enforcing(ss, false);
        CHECK(!ss_enforcing(ss));
        if (sems[k] == SS_SEM_XEN) {
            CHECK(ss_transition_sid(ss, du, du, dom, &o) == 0);
            CHECK(o > 3 && strcmp(ctx_of(ss, o), "system_u:vm_r:dom0_t") == 0);
            CHECK(ss_transition_sid(ss, du, du, dom, &o2) == 0 && o2 == o);
            /* the string itself is still no valid context */
            CHECK(ss_context_to_sid(ss, "system_u:vm_r:dom0_t", 20, &o2) == -EINVAL);
            /* back to enforcing: refused again, the SID stays */
            ss_set_enforcing(ss, true);
            CHECK(ss_transition_sid(ss, du, du, dom, &o2) == -EACCES);
            CHECK(strcmp(ctx_of(ss, o), "system_u:vm_r:dom0_t") == 0);
        } else {
            /* libsepol has no permissive mode */
            CHECK(ss_transition_sid(ss, du, du, dom, &o) == -EACCES);
        }
        ss_destroy(ss);
    }
    free(img);
}

/*
 * Reload conversion.  Policy A (EXTRA_T) and B (NO_VM_DOMU): under B,
 * system_u:vm_r:domU_t names existing user, role and type but is invalid,
 * and system_u:system_r:extra_t names a type B lacks.
 */
static void test_reload_convert(void)
{
    size_t la, lb;
    unsigned char *a = build("-D XEN_OCON -D EXTRA_T", "-t xen -c 30", &la);
    unsigned char *b = build("-D XEN_OCON -D NO_VM_DOMU", "-t xen -c 30", &lb);
    CHECK(a && b);
    for (int perm = 0; a && b && perm < 2; perm++) {
        for (int k = 0; k < 2; k++) {
            struct ss_config cfg = {.semantics = k ? SS_SEM_SELINUX : SS_SEM_XEN};
            ss_ctx *ss = loaded(a, la, &cfg);
            CHECK(ss != NULL);
            if (!ss)
                continue;
            /* a dropped SID reads as unlabeled: libsepol's SID 3, Xen's SID 6 (absent here) */
            const char *un = k ? "system_u:object_r:unlabeled_t" : "";
            ss_sid s1 = sid(ss, "system_u:vm_r:domU_t"), s2 = sid(ss, "system_u:system_r:extra_t"),
                   s3 = sid(ss, "system_u:system_r:dom0_t");
            CHECK(s1 > 3 && s2 > 3);
            ss_set_enforcing(ss, !perm);
            CHECK(ss_load_policy(ss, b, lb) == 0);
            /* kept only by Xen semantics in permissive mode */
            bool keep = perm && !k;
            CHECK(strcmp(ctx_of(ss, s1), keep ? "system_u:vm_r:domU_t" : un) == 0);
            /* a type that is gone drops the SID in every mode */
            CHECK(strcmp(ctx_of(ss, s2), un) == 0);
            CHECK(strcmp(ctx_of(ss, s3), "system_u:system_r:dom0_t") == 0);
            ss_sid o;
            CHECK(ss_context_to_sid(ss, "system_u:vm_r:domU_t", 20, &o) == -EINVAL);
            ss_destroy(ss);
        }
    }
    free(a);
    free(b);
}

/*
 * Xen's security_compute_sid takes any class value: a class the policy does
 * not define gets the object defaults, user (source's, or the target's for
 * member) : object_r : the target's type, at the source's low level.
 * libsepol refuses the class.
 */
static void test_unknown_class(void)
{
    for (int mls = 0; mls < 2; mls++) {
        size_t len;
        unsigned char *img =
            build(mls ? "-D XEN_OCON -D TWO_USERS -D WITH_MLS" : "-D XEN_OCON -D TWO_USERS",
                  mls ? "-t xen -M -c 30" : "-t xen -c 30", &len);
        CHECK(img != NULL);
        if (!img)
            continue;
        const char *L = mls ? ":s0" : "";
        char sc[64], tc[64], w_s[64], w_t[64];
        snprintf(sc, sizeof(sc), "system_u:system_r:dom0_t%s", mls ? ":s0-s1" : "");
        snprintf(tc, sizeof(tc), "other_u:vm_r:domU_t%s", mls ? ":s1" : "");
        snprintf(w_s, sizeof(w_s), "system_u:object_r:domU_t%s", L);
        snprintf(w_t, sizeof(w_t), "other_u:object_r:domU_t%s", L);
        for (int k = 0; k < 2; k++) {
            struct ss_config cfg = {.semantics = k ? SS_SEM_SELINUX : SS_SEM_XEN};
            ss_ctx *ss = loaded(img, len, &cfg);
            CHECK(ss != NULL);
            if (!ss)
                continue;
            ss_sid s = sid(ss, sc), t = sid(ss, tc), o;
            static const uint16_t cls[3] = {0, 4, 0xffff}; /* the policy has 3 classes */
            for (int i = 0; i < 3; i++) {
                int want = k ? -EINVAL : 0;
                o = 0;
                CHECK(ss_transition_sid(ss, s, t, cls[i], &o) == want);
                CHECK(k || strcmp(ctx_of(ss, o), w_s) == 0);
                o = 0;
                CHECK(ss_change_sid(ss, s, t, cls[i], &o) == want);
                CHECK(k || strcmp(ctx_of(ss, o), w_s) == 0);
                o = 0;
                CHECK(ss_member_sid(ss, s, t, cls[i], &o) == want);
                CHECK(k || strcmp(ctx_of(ss, o), w_t) == 0);
            }
            ss_destroy(ss);
        }
        free(img);
    }
}

/* Xen refuses a reload that switches between MLS and non-MLS; libsepol does not. */
static void test_mls_switch(void)
{
    size_t ln, lm;
    unsigned char *n = build("-D XEN_OCON", "-t xen -c 30", &ln);
    unsigned char *m = build("-D XEN_OCON -D WITH_MLS", "-t xen -M -c 30", &lm);
    CHECK(n && m);
    for (int k = 0; n && m && k < 2; k++) {
        struct ss_config cfg = {.semantics = k ? SS_SEM_SELINUX : SS_SEM_XEN};
        for (int first = 0; first < 2; first++) {
            ss_ctx *ss = first ? loaded(m, lm, &cfg) : loaded(n, ln, &cfg);
            CHECK(ss != NULL);
            if (!ss)
                continue;
            uint32_t seq = ss_seqno(ss);
            int rc = first ? ss_load_policy(ss, n, ln) : ss_load_policy(ss, m, lm);
            CHECK(rc == (k ? 0 : -EINVAL));
            CHECK(ss_mls_enabled(ss) == (k ? !first : first));
            CHECK(ss_seqno(ss) == seq + (k ? 1 : 0));
            /* the same kind reloads fine */
            CHECK(ss_load_policy(ss, first == !k ? m : n, first == !k ? lm : ln) == 0);
            ss_destroy(ss);
        }
    }
    free(n);
    free(m);
}

/*
 * ss_config.xen_formats: exactly what Xen 4.17's policydb_read takes of what
 * this reader reads.  Xen's compat table: "XenFlask" 24 and 30; "SE Linux"
 * 15-24, but below 24 only in Xen's old layout (4 or 5 object-context
 * tables), which is not SELinux's; so of SELinux-layout images only version
 * 24 (7 tables, all but the initial SIDs empty).  No class may inherit a
 * common, no genfs entries.
 */
static void test_xen_formats(void)
{
    static const struct {
        const char *defs, *flags;
        bool xen_ok;
    } v[] = {
        {"-D XEN_OCON", "-t xen -c 24", true},
        {"-D XEN_OCON", "-t xen -c 30", true},
        {"-D XEN_OCON -D WITH_MLS", "-t xen -M -c 30", true},
        {"", "-c 24", true},
        {"-D WITH_MLS", "-M -c 24", true},
        {"", "-c 15", false},
        {"", "-c 19", false},
        {"", "-c 23", false},
        {"", "-c 25", false},
        {"", "-c 30", false},
        {"", "-c 33", false},
        {"-D WITH_PORTCON", "-c 24", false},
        {"-D WITH_GENFS", "-c 24", false},
        {"-D WITH_COMMON", "-c 24", false},
        {"-D XEN_OCON -D WITH_COMMON", "-t xen -c 30", false},
    };
    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        size_t len;
        unsigned char *img = build(v[i].defs, v[i].flags, &len);
        CHECK(img != NULL);
        if (!img)
            continue;
        for (int xf = 0; xf < 2; xf++) {
            struct ss_config cfg = {.xen_formats = xf};
            ss_ctx *ss;
            CHECK(ss_create(&ss, &cfg) == 0);
            int rc = ss_load_policy(ss, img, len);
            if (rc != (!xf || v[i].xen_ok ? 0 : -EINVAL))
                fprintf(stderr, "xen_formats=%d %s %s: %d\n", xf, v[i].defs, v[i].flags, rc);
            CHECK(rc == (!xf || v[i].xen_ok ? 0 : -EINVAL));
            CHECK(ss_policy_loaded(ss) == (rc == 0));
            ss_destroy(ss);
        }
        free(img);
    }
}

static int collect3(void *opaque, ss_sid sid, uint64_t lo, uint64_t hi)
{
    uint64_t *v = opaque;
    if (v[0] < 3) {
        v[1 + 3 * v[0]] = sid;
        v[2 + 3 * v[0]] = lo;
        v[3 + 3 * v[0]] = hi;
    }
    v[0]++;
    return 0;
}

/*
 * Xen object labels added at run time, with the value widths of Xen's
 * struct ocontext (pirq 16 bits, ioport and device 32, iomem 64): the add
 * stores the truncated value, but range placement, overlap and every delete
 * compare the full 64-bit argument (security_ocontext_add/del).
 */
static void test_ocontext_widths(void)
{
    size_t len;
    unsigned char *img = build("-D XEN_OCON", "-t xen -c 30", &len);
    CHECK(img != NULL);
    ss_ctx *ss = img ? loaded(img, len, NULL) : NULL;
    CHECK(ss != NULL);
    if (!ss) {
        free(img);
        return;
    }
    ss_sid lab = sid(ss, "system_u:object_r:domU_t"), oth = sid(ss, "system_u:system_r:dom0_t"), o;
    const uint64_t W = 1ULL << 32;

    CHECK(ss_ocontext_add(ss, SS_OCON_PIRQ, 0x10005, 0x10005, oth) == 0);
    CHECK(ss_ocontext_sid(ss, SS_OCON_PIRQ, 5, &o) == 0 && o == oth);
    CHECK(ss_ocontext_add(ss, SS_OCON_PIRQ, 5, 5, lab) == -EEXIST);
    CHECK(ss_ocontext_del(ss, SS_OCON_PIRQ, 0x10005, 0x10005) == -ENOENT);
    CHECK(ss_ocontext_del(ss, SS_OCON_PIRQ, 5, 5) == 0);
    CHECK(ss_ocontext_sid(ss, SS_OCON_PIRQ, 5, &o) == 0 && o == SS_SID_IRQ);

    CHECK(ss_ocontext_add(ss, SS_OCON_DEVICE, W | 0x400, W | 0x400, oth) == 0);
    CHECK(ss_ocontext_sid(ss, SS_OCON_DEVICE, 0x400, &o) == 0 && o == oth);
    CHECK(ss_ocontext_del(ss, SS_OCON_DEVICE, W | 0x400, W | 0x400) == -ENOENT);
    CHECK(ss_ocontext_del(ss, SS_OCON_DEVICE, 0x400, 0x400) == 0);

    CHECK(ss_ocontext_add(ss, SS_OCON_IOPORT, W | 0x100, W | 0x108, oth) == 0);
    CHECK(ss_ocontext_sid(ss, SS_OCON_IOPORT, 0x104, &o) == 0 && o == oth);
    CHECK(ss_ocontext_add(ss, SS_OCON_IOPORT, 0x100, 0x108, lab) == -EEXIST);
    CHECK(ss_ocontext_del(ss, SS_OCON_IOPORT, W | 0x100, W | 0x108) == -ENOENT);
    CHECK(ss_ocontext_del(ss, SS_OCON_IOPORT, 0x100, 0x108) == 0);
    CHECK(ss_ocontext_sid(ss, SS_OCON_IOPORT, 0x104, &o) == 0 && o == SS_SID_IOPORT);

    CHECK(ss_ocontext_add(ss, SS_OCON_IOMEM, W | 0x100, W | 0x108, oth) == 0);
    CHECK(ss_ocontext_sid(ss, SS_OCON_IOMEM, W | 0x104, &o) == 0 && o == oth);
    CHECK(ss_ocontext_sid(ss, SS_OCON_IOMEM, 0x104, &o) == 0 && o == SS_SID_IOMEM);
    CHECK(ss_ocontext_del(ss, SS_OCON_IOMEM, W | 0x100, W | 0x108) == 0);

    /*
     * Xen compares the SID an entry holds so far, and a policy entry gets
     * its SID only when first looked up: before that, even the same label
     * is a conflict.  pirqcon 33 and ioportcon 0x60-0x64 carry lab.
     */
    CHECK(ss_ocontext_add(ss, SS_OCON_PIRQ, 33, 33, lab) == -EEXIST);
    CHECK(ss_ocontext_add(ss, SS_OCON_IOPORT, 0x60, 0x64, lab) == -EEXIST);
    CHECK(ss_ocontext_sid(ss, SS_OCON_PIRQ, 33, &o) == 0 && o == lab);
    CHECK(ss_ocontext_sid(ss, SS_OCON_IOPORT, 0x61, &o) == 0 && o == lab);
    CHECK(ss_ocontext_add(ss, SS_OCON_PIRQ, 33, 33, lab) == 0);
    CHECK(ss_ocontext_add(ss, SS_OCON_IOPORT, 0x60, 0x64, lab) == 0);

    /* A label with SID 0 (Xen does not check it) reads as SID 0. */
    CHECK(ss_ocontext_add(ss, SS_OCON_PIRQ, 7, 7, 0) == 0);
    CHECK(ss_ocontext_sid(ss, SS_OCON_PIRQ, 7, &o) == 0 && o == 0);
    CHECK(ss_ocontext_add(ss, SS_OCON_IOMEM, 0x20, 0x2f, 0) == 0);
    uint64_t v[10] = {0};
    CHECK(ss_ocontext_iterate(ss, SS_OCON_IOMEM, 0x20, 0x20, collect3, v) == 0);
    CHECK(v[0] == 1 && v[1] == 0);
    ss_destroy(ss);
    free(img);
}

/*
 * Before any policy the Xen object labels live in Xen's empty database:
 * add, delete and look-ups work on it, and the first load discards it
 * (Xen's reader clears its database before parsing, even when it fails).
 */
static void test_prepolicy_labels(void)
{
    ss_ctx *ss;
    ss_sid o;
    uint64_t v[10] = {0};
    CHECK(ss_create(&ss, NULL) == 0);
    CHECK(ss_ocontext_add(ss, SS_OCON_PIRQ, 5, 5, 42) == 0);
    CHECK(ss_ocontext_sid(ss, SS_OCON_PIRQ, 5, &o) == 0 && o == 42);
    CHECK(ss_ocontext_sid(ss, SS_OCON_PIRQ, 6, &o) == 0 && o == SS_SID_IRQ);
    CHECK(ss_ocontext_add(ss, SS_OCON_PIRQ, 5, 5, 43) == -EEXIST);
    CHECK(ss_ocontext_del(ss, SS_OCON_PIRQ, 6, 6) == -ENOENT);
    CHECK(ss_ocontext_add(ss, SS_OCON_IOMEM, 0x10, 0x1f, 42) == 0);
    CHECK(ss_ocontext_iterate(ss, SS_OCON_IOMEM, 0, 0x2f, collect3, v) == 0);
    CHECK(v[0] == 3 && v[1] == SS_SID_IOMEM && v[4] == 42 && v[5] == 0x10 && v[6] == 0x1f);
    CHECK(ss_devicetree_setlabel(ss, "/a", 42) == 0);
    CHECK(ss_devicetree_sid(ss, "/a", &o) == 0 && o == 42);
    CHECK(ss_devicetree_setlabel(ss, "/a", 43) == -EEXIST);
    CHECK(ss_devicetree_setlabel(ss, "/b", 0) == -ENOENT);
    CHECK(ss_ocontext_add(ss, 5, 1, 1, 42) == -EINVAL);

    static const unsigned char junk[8] = {0x8c, 0xff, 0x7c, 0xf9};
    CHECK(ss_load_policy(ss, junk, sizeof(junk)) == -EINVAL);
    CHECK(ss_ocontext_sid(ss, SS_OCON_PIRQ, 5, &o) == 0 && o == SS_SID_IRQ);
    CHECK(ss_ocontext_sid(ss, SS_OCON_IOMEM, 0x10, &o) == 0 && o == SS_SID_IOMEM);
    CHECK(ss_devicetree_sid(ss, "/a", &o) == 0 && o == SS_SID_DEVICE);
    CHECK(ss_ocontext_add(ss, SS_OCON_PIRQ, 5, 5, 43) == 0);

    size_t len;
    unsigned char *img = build("-D XEN_OCON", "-t xen -c 30", &len);
    CHECK(img != NULL);
    if (img) {
        CHECK(ss_load_policy(ss, img, len) == 0);
        CHECK(ss_ocontext_sid(ss, SS_OCON_PIRQ, 5, &o) == 0 && o == SS_SID_IRQ);
        free(img);
    }
    ss_destroy(ss);
}

static void test_unloaded(void)
{
    ss_ctx *ss;
    CHECK(ss_create(&ss, NULL) == 0);
    struct ss_av_decision d;
    ss_sid s;
    CHECK(ss_compute_av(ss, 1, 1, 1, &d) == -ENODATA);
    CHECK(ss_context_to_sid(ss, "a:b:c", 5, &s) == -ENODATA);
    size_t len = 0;
    CHECK(ss_sid_to_context(ss, 1, NULL, 0, &len) == -ENODATA);
    CHECK(ss_transition_sid(ss, 1, 1, 1, &s) == -ENODATA);
    CHECK(ss_validate_transition(ss, 1, 1, 1, 1) == -ENODATA);
    CHECK(ss_bool_commit(ss) == -ENODATA);
    CHECK(ss_load_policy(ss, NULL, 0) == -EINVAL);
    ss_destroy(ss);
}

/* Every byte of s is printable ASCII (0x20-0x7e). */
static int printable(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
            return 0;
    return 1;
}

static char logged[8][512];
static unsigned nlogged;

static void keep_log(void *opaque, const char *line)
{
    (void)opaque;
    if (!printable(line))
        failures++, fprintf(stderr, "log line with a control byte: %s\n", line);
    snprintf(logged[nlogged++ % 8], sizeof(logged[0]), "%s", line);
}

/*
 * Messages quote names from a policy and strings from a caller: a newline
 * or an escape byte in them reaches neither ss_last_error nor the log
 * callback; it is written \xHH.
 */
static void test_escaped_messages(void)
{
    size_t len;
    unsigned char *img = build("", "-t xen -c 30", &len);
    struct ss_config cfg = {.log = keep_log};
    ss_sid v;
    CHECK(img != NULL);
    if (!img)
        return;
    /* Both guest types get one crafted name: the reader refuses the duplicate, quoting it. */
    unsigned char *bad = malloc(len);
    size_t hits = 0;
    CHECK(bad != NULL);
    if (!bad) {
        free(img);
        return;
    }
    memcpy(bad, img, len);
    for (size_t i = 0; i + 6 <= len; i++)
        if (!memcmp(bad + i, "dom0_t", 6) || !memcmp(bad + i, "domU_t", 6)) {
            /* Same length as the names it replaces, inside a binary policy: no NUL. */
            memcpy(bad + i, "d\n\x1b[1m", 6); /* NOLINT(bugprone-not-null-terminated-result) */
            hits++;
        }
    CHECK(hits == 2);
    ss_ctx *ss;
    CHECK(ss_create(&ss, &cfg) == 0);
    nlogged = 0;
    CHECK(ss_load_policy(ss, bad, len) == -EINVAL);
    CHECK(printable(ss_last_error(ss)));
    CHECK(strstr(ss_last_error(ss), "d\\x0a\\x1b[1m") != NULL);
    CHECK(nlogged == 1 && strstr(logged[0], "d\\x0a\\x1b[1m") != NULL);

    /* A caller's context string, refused with the string quoted. */
    CHECK(ss_load_policy(ss, img, len) == 0);
    static const char evil[] = "system_u:system_r:dom0_t\n\x1b]0;x\x07";
    CHECK(ss_context_to_sid(ss, evil, sizeof(evil) - 1, &v) == -EINVAL);
    CHECK(printable(ss_last_error(ss)));
    CHECK(strstr(ss_last_error(ss), "dom0_t\\x0a\\x1b]0;x\\x07") != NULL);
    ss_destroy(ss);
    free(bad);
    free(img);
}

static void test_debian(void)
{
    size_t len;
    unsigned char *img = slurp_file("/etc/selinux/default/policy/policy.33", &len);
    if (!img) {
        printf("note: Debian default policy not installed, its checks skipped\n");
        return;
    }
    ss_ctx *ss = loaded(img, len, NULL);
    CHECK(ss != NULL);
    if (ss) {
        struct ss_policy_info i;
        ss_get_info(ss, &i);
        /* seinfo: 134 classes, 3936 types + 217 attributes, 291 booleans, 27 initial SIDs */
        CHECK(i.nclasses == 134 && i.ntypes == 3936 && i.nattributes == 217);
        CHECK(i.nbools == 291 && i.ninitial_sids == 27 && i.mls);
        ss_destroy(ss);
    }
    free(img);
    /* a rewrite at version 24 loads too */
    char cmd[512];
    snprintf(cmd, sizeof(cmd),
             "checkpolicy -b -M -c 24 -o %s/deb24 /etc/selinux/default/policy/policy.33 "
             ">/dev/null 2>&1",
             tmpdir);
    if (system(cmd) == 0) {
        char path[300];
        snprintf(path, sizeof(path), "%s/deb24", tmpdir);
        img = slurp_file(path, &len);
        CHECK(img != NULL);
        if (img) {
            ss = loaded(img, len, NULL);
            CHECK(ss != NULL);
            ss_destroy(ss);
            free(img);
        }
    }
}

/*
 * The *_sid_mapped calls translate the caller's class value as
 * ss_compute_av_mapped does (the unmapped call on the policy's value gives
 * the same SID; a value beyond the map is -EINVAL), and
 * ss_semantics_in_use resolves AUTO by the loaded policy's target.
 */
static void test_mapped_sids_and_semantics(void)
{
    static const char *const ev_perms[] = {"send", "bind", NULL};
    static const char *const dom_perms[] = {"create", NULL};
    const struct ss_class_map map[] = {{"domain", dom_perms}, {"event", ev_perms}};
    struct ss_config cfg = {.map = map, .nmap = 2};
    size_t len, len2;
    unsigned char *img = build("-D XEN_OCON", "-t xen -c 30", &len);
    unsigned char *sel = build("", "-c 30", &len2);
    CHECK(img != NULL && sel != NULL);
    if (img == NULL || sel == NULL) {
        free(img);
        free(sel);
        return;
    }
    ss_ctx *ss;
    CHECK(ss_create(&ss, &cfg) == 0);
    CHECK(ss_semantics_in_use(ss) == SS_SEM_AUTO); /* nothing loaded yet */
    CHECK(ss_load_policy(ss, img, len) == 0);
    CHECK(ss_semantics_in_use(ss) == SS_SEM_XEN);
    ss_sid d0 = sid(ss, "system_u:system_r:dom0_t"), du = sid(ss, "system_u:system_r:domU_t");
    uint16_t ev = ss_class_value(ss, "event"), dom = ss_class_value(ss, "domain");
    CHECK(ev != 0 && dom != 0);
    ss_sid a = 0, b = 0;
    /* type_transition dom0_t domU_t:event domU_t */
    CHECK(ss_transition_sid_mapped(ss, d0, du, 2, &a) == 0);
    CHECK(strcmp(ctx_of(ss, a), "system_u:object_r:domU_t") == 0);
    int (*const calls[][2])(ss_ctx *, ss_sid, ss_sid, uint16_t, ss_sid *) = {
        {ss_transition_sid_mapped, ss_transition_sid},
        {ss_member_sid_mapped, ss_member_sid},
        {ss_change_sid_mapped, ss_change_sid},
    };
    for (size_t k = 0; k < 3; k++) {
        a = b = 0;
        CHECK(calls[k][0](ss, d0, du, 2, &a) == 0 && calls[k][1](ss, d0, du, ev, &b) == 0);
        CHECK(a != 0 && a == b);
        CHECK(calls[k][0](ss, du, d0, 1, &a) == 0 && calls[k][1](ss, du, d0, dom, &b) == 0);
        CHECK(a == b);
        CHECK(calls[k][0](ss, d0, du, 3, &a) == -EINVAL); /* beyond the map */
        CHECK(calls[k][0](ss, d0, du, 0, &a) == -EINVAL);
    }
    ss_destroy(ss);
    CHECK(ss_semantics_in_use(NULL) == SS_SEM_AUTO);
    /* AUTO and an SE Linux policy: libsepol's semantics */
    CHECK(ss_create(&ss, NULL) == 0);
    CHECK(ss_load_policy(ss, sel, len2) == 0);
    CHECK(ss_semantics_in_use(ss) == SS_SEM_SELINUX);
    ss_destroy(ss);
    /* asked for explicitly: kept whatever the policy */
    struct ss_config xen = {.semantics = SS_SEM_XEN};
    CHECK(ss_create(&ss, &xen) == 0);
    CHECK(ss_semantics_in_use(ss) == SS_SEM_XEN);
    CHECK(ss_load_policy(ss, sel, len2) == 0);
    CHECK(ss_semantics_in_use(ss) == SS_SEM_XEN);
    ss_destroy(ss);
    free(img);
    free(sel);
}

/*
 * A type's bounds chain may have at most 3 links, as Xen's (and Linux's)
 * loader demands: 4 links, or a loop, refuse the whole policy.  Access
 * checks recompute with the bounding types recursively, so the limit is
 * also what keeps that recursion shallow.
 */
static void test_bounds_depth(void)
{
    size_t len;
    unsigned char *img = build("-D XEN_OCON -D BOUNDS3", "-t xen -c 30", &len);
    CHECK(img != NULL);
    if (img) {
        ss_ctx *ss = loaded(img, len, NULL);
        CHECK(ss != NULL);
        if (ss) {
            /* no rule names the chain's types: nothing allowed, but computable */
            CHECK(allowed(ss, "system_u:system_r:bnd0_t", "system_u:system_r:bnd0_t", "event") ==
                  0);
            ss_destroy(ss);
        }
        free(img);
    }
    img = build("-D XEN_OCON -D BOUNDS3 -D BOUNDS4", "-t xen -c 30", &len);
    CHECK(img != NULL);
    if (img) {
        ss_ctx *ss;
        CHECK(ss_create(&ss, NULL) == 0);
        CHECK(ss_load_policy(ss, img, len) == -EINVAL);
        CHECK(!ss_policy_loaded(ss));
        CHECK(strstr(ss_last_error(ss), "bnd0_t") != NULL);
        ss_destroy(ss);
        free(img);
    }
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: test_ss UNIT.M4\n");
        return 2;
    }
    m4src = argv[1];
    if (system("command -v checkpolicy >/dev/null 2>&1 && command -v m4 >/dev/null 2>&1") != 0) {
        printf("skipped: checkpolicy not installed\n");
        return 77;
    }
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    test_unloaded();
    test_versions();
    test_malformed();
    test_atomic_and_bools();
    test_contexts();
    test_mapping();
    test_invalid_computed();
    test_reload_convert();
    test_unknown_class();
    test_mls_switch();
    test_xen_formats();
    test_ocontext_widths();
    test_prepolicy_labels();
    test_escaped_messages();
    test_debian();
    test_bounds_depth();
    test_mapped_sids_and_semantics();
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", tmpdir);
    printf("%s\n", failures ? "FAILED" : "ok");
    return failures ? 1 : 0;
}
