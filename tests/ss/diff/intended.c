/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Intended differences between Xen semantics and libsepol semantics, each
 * with the answer stated here from the policy sources in tests/policies
 * (features.m4), not from either implementation:
 *
 *  - Xen ignores default_user/role/type/range (features-full.30);
 *  - Xen applies role_transition only to class domain (features.30);
 *  - at v24 checkpolicy drops all role transitions of a Xen policy;
 *  - Xen marks decisions for permissive source types, allowed bits unchanged;
 *  - handle_unknown of a mapped class: unknown perms/classes follow
 *    allow/deny (Linux kernel rule; features-allow.30 is built with -U allow);
 *  - libsepol 3.4 misprints a category run that ends on a 64-bit ebitmap
 *    node boundary when the next node is absent (c695.c703 -> c695.c767);
 *    we print what the context holds (Debian's default policy, if present).
 *
 *   ss-intended CORPUS_DIR
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openxsm/ss.h>

#include "../../lib/slurp.h"

static int failures;

#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            failures++;                                                                            \
            printf("FAIL %s:%d: ", __FILE__, __LINE__);                                            \
            printf(__VA_ARGS__);                                                                   \
            printf("\n");                                                                          \
        }                                                                                          \
    } while (0)

static const char *corpus;

static void *slurp(const char *name, size_t *len)
{
    char path[4096];
    if (name[0] == '/')
        snprintf(path, sizeof(path), "%s", name);
    else
        snprintf(path, sizeof(path), "%s/%s", corpus, name);
    return slurp_file(path, len);
}

static ss_ctx *open_policy(const char *name, enum ss_semantics sem, const struct ss_config *base)
{
    struct ss_config cfg = {0};
    if (base)
        cfg = *base;
    cfg.semantics = sem;
    size_t len;
    void *img = slurp(name, &len);
    if (!img) {
        printf("skipped: %s/%s missing (run tests/policies/gen.sh)\n", corpus, name);
        exit(77);
    }
    ss_ctx *ss = NULL;
    int rc = ss_create(&ss, &cfg);
    CHECK(rc == 0, "ss_create: %d", rc);
    if (rc)
        exit(1);
    rc = ss_load_policy(ss, img, len);
    free(img);
    CHECK(rc == 0, "load %s: %d (%s)", name, rc, ss_last_error(ss));
    if (rc)
        exit(1);
    return ss;
}

static ss_sid sid_of(ss_ctx *ss, const char *ctx)
{
    ss_sid sid = 0;
    int rc = ss_context_to_sid(ss, ctx, strlen(ctx), &sid);
    CHECK(rc == 0, "context_to_sid(%s): %d", ctx, rc);
    return sid;
}

/* tr SCON TCON CLASS must give WANT. */
static void expect_tr(ss_ctx *ss, const char *what, const char *s, const char *t, const char *cls,
                      const char *want)
{
    uint16_t c = ss_class_value(ss, cls);
    CHECK(c != 0, "%s: class %s unknown", what, cls);
    ss_sid out = 0;
    int rc = ss_transition_sid(ss, sid_of(ss, s), sid_of(ss, t), c, &out);
    CHECK(rc == 0, "%s: transition_sid: %d", what, rc);
    if (rc)
        return;
    char buf[512];
    size_t len;
    rc = ss_sid_to_context(ss, out, buf, sizeof(buf), &len);
    CHECK(rc == 0 && !strcmp(buf, want), "%s: got '%s' want '%s'", what, rc ? "?" : buf, want);
}

static void defaults_ignored_by_xen(void)
{
    /* features-full: default_type resource source; no rule dom0_t->nic_t. */
    const char *s = "system_u:system_r:dom0_t", *t = "system_u:object_r:nic_t";
    ss_ctx *x = open_policy("features-full.30", SS_SEM_XEN, NULL);
    ss_ctx *l = open_policy("features-full.30", SS_SEM_SELINUX, NULL);
    expect_tr(x, "xen default_type", s, t, "resource", "system_u:object_r:nic_t");
    expect_tr(l, "selinux default_type", s, t, "resource", "system_u:object_r:dom0_t");
    /* default_user/role/type event target: the target's user and role. */
    t = "guest_u:vm_r:domU_child_t";
    expect_tr(x, "xen default_user", s, t, "event", "system_u:object_r:domU_child_t");
    expect_tr(l, "selinux default_user", s, t, "event", "guest_u:vm_r:domU_child_t");
    ss_destroy(x);
    ss_destroy(l);
    /* v24 has no default_* fields at all: both agree with Xen. */
    l = open_policy("features-full.24", SS_SEM_SELINUX, NULL);
    expect_tr(l, "v24 default_type", s, "system_u:object_r:nic_t", "resource",
              "system_u:object_r:nic_t");
    ss_destroy(l);
}

static void role_transition_classes(void)
{
    /* role_transition system_r domU_chan_t:event vm_r */
    const char *s = "system_u:system_r:dom0_t", *t = "system_u:object_r:domU_chan_t";
    ss_ctx *x = open_policy("features.30", SS_SEM_XEN, NULL);
    ss_ctx *l = open_policy("features.30", SS_SEM_SELINUX, NULL);
    expect_tr(x, "xen role_transition event", s, t, "event", "system_u:object_r:domU_chan_t");
    expect_tr(l, "selinux role_transition event", s, t, "event", "system_u:vm_r:domU_chan_t");
    /* On class domain both apply it: role_transition system_r domU_t:domain vm_r
     * and type_transition dom0_t domU_t:domain domU_child_t. */
    t = "system_u:vm_r:domU_t";
    expect_tr(x, "xen role_transition domain", s, t, "domain", "system_u:vm_r:domU_child_t");
    expect_tr(l, "selinux role_transition domain", s, t, "domain", "system_u:vm_r:domU_child_t");
    ss_destroy(x);
    ss_destroy(l);
    l = open_policy("features.24", SS_SEM_SELINUX, NULL);
    expect_tr(l, "v24 drops role_transition", s, "system_u:object_r:domU_chan_t", "event",
              "system_u:object_r:domU_chan_t");
    ss_destroy(l);
}

static void permissive_flag(void)
{
    /* stub_t is permissive; stub_t domU_t:domain { getdomaininfo pause unpause } */
    ss_ctx *x = open_policy("features.30", SS_SEM_XEN, NULL);
    ss_ctx *l = open_policy("features.30", SS_SEM_SELINUX, NULL);
    uint16_t dom = ss_class_value(x, "domain");
    uint32_t want = ss_perm_bits(x, dom, "getdomaininfo") | ss_perm_bits(x, dom, "pause") |
                    ss_perm_bits(x, dom, "unpause");
    CHECK(want == 0x2c, "domain perm bits 0x%x, expected 0x2c from features.m4", want);
    struct ss_av_decision a, b;
    const char *stub = "system_u:stub_r:stub_t", *guest = "system_u:vm_r:domU_t";
    int rc = ss_compute_av(x, sid_of(x, stub), sid_of(x, guest), dom, &a);
    CHECK(rc == 0 && a.allowed == want, "xen permissive allowed 0x%x rc %d", a.allowed, rc);
    CHECK(a.flags & SS_AVD_FLAGS_PERMISSIVE, "xen: permissive flag missing");
    rc = ss_compute_av(l, sid_of(l, stub), sid_of(l, guest), dom, &b);
    CHECK(rc == 0 && b.allowed == want, "selinux permissive allowed 0x%x rc %d", b.allowed, rc);
    /* dom0_t is not permissive. */
    rc = ss_compute_av(x, sid_of(x, "system_u:system_r:dom0_t"), sid_of(x, guest), dom, &a);
    CHECK(rc == 0 && !(a.flags & SS_AVD_FLAGS_PERMISSIVE), "xen: dom0_t marked permissive");
    ss_destroy(x);
    ss_destroy(l);
}

static void handle_unknown(void)
{
    static const char *const dperms[] = {"pause", "no_such_perm", NULL};
    static const char *const xperms[] = {"frob", NULL};
    static const struct ss_class_map map[] = {{"domain", dperms}, {"no_such_class", xperms}};
    struct ss_config cfg = {.map = map, .nmap = 2};
    const char *s = "system_u:system_r:dom0_t", *t = "system_u:vm_r:domU_t";
    /* dom0_t domain_type:domain * -> pause allowed everywhere. */
    for (int allow = 0; allow < 2; allow++) {
        ss_ctx *ss = open_policy(allow ? "features-allow.30" : "features.30", SS_SEM_XEN, &cfg);
        CHECK(ss_handle_unknown(ss) == (allow ? SS_UNKNOWN_ALLOW : SS_UNKNOWN_DENY),
              "handle_unknown %d", ss_handle_unknown(ss));
        struct ss_av_decision a;
        int rc = ss_compute_av_mapped(ss, sid_of(ss, s), sid_of(ss, t), 1, &a);
        uint32_t want = allow ? 0x3 : 0x1;
        CHECK(rc == 0 && (a.allowed & 0x3) == want, "allow=%d mapped domain 0x%x rc %d", allow,
              a.allowed, rc);
        rc = ss_compute_av_mapped(ss, sid_of(ss, s), sid_of(ss, t), 2, &a);
        want = allow ? 0x1 : 0x0;
        CHECK(rc == 0 && (a.allowed & 0x1) == want, "allow=%d unknown class 0x%x rc %d", allow,
              a.allowed, rc);
        ss_destroy(ss);
    }
}

static void category_run_printing(void)
{
    static const char debian[] = "/etc/selinux/default/policy/policy.33";
    FILE *f = fopen(debian, "rb");
    if (!f) {
        printf("note: %s missing, category printing case not run\n", debian);
        return;
    }
    fclose(f);
    ss_ctx *l = open_policy(debian, SS_SEM_SELINUX, NULL);
    /* bits 695..703 end node 640..703; the next node holding c800 starts at 768 */
    const char *in = "sysadm_u:sysadm_r:ntpd_t:s0-s0:c416,c695.c703,c800";
    char buf[512];
    size_t len;
    int rc = ss_sid_to_context(l, sid_of(l, in), buf, sizeof(buf), &len);
    CHECK(rc == 0 && !strcmp(buf, in), "category run: got '%s' want '%s'", rc ? "?" : buf, in);
    ss_destroy(l);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: ss-intended CORPUS_DIR\n");
        return 2;
    }
    corpus = argv[1];
    defaults_ignored_by_xen();
    role_transition_classes();
    permissive_flag();
    handle_unknown();
    category_run_printing();
    printf("%s: %d failure(s)\n", argv[0], failures);
    return failures ? 1 : 0;
}
