/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hook list against Xen 4.17, and the dummy module's rules.
 *
 * The expectations below are transcribed by hand from Xen 4.17's
 * xen/include/xsm/xsm.h (member order and names of struct xsm_ops) and
 * xen/include/xsm/dummy.h (default action and the (src, target) pair fed to
 * xsm_default_action); they are deliberately not derived from hook-defs.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openxsm/xsm.h>

#include "check.h"

enum kind { DEFAULTED, OTHER, REPLACED };

struct expect {
    const char *name;
    enum kind kind;
    const char *action; /* DEFAULTED only */
    const char *src, *tgt;
};

#define H(n, a, s, t)                                                                              \
    {                                                                                              \
#n, DEFAULTED, #a, #s, #t                                                                  \
    }
#define O(n)                                                                                       \
    {                                                                                              \
#n, OTHER, NULL, NULL, NULL                                                                \
    }
#define R(n)                                                                                       \
    {                                                                                              \
#n, REPLACED, NULL, NULL, NULL                                                             \
    }

/* Xen 4.17 struct xsm_ops, in declaration order. */
static const struct expect xen417[] = {
    O(set_system_active),
    O(security_domaininfo),
    H(domain_create, HOOK, cur, d),
    H(getdomaininfo, HOOK, cur, d),
    H(domctl_scheduler_op, HOOK, cur, d),
    H(sysctl_scheduler_op, HOOK, cur, NULL),
    H(set_target, HOOK, cur, NULL),
    O(domctl),
    H(sysctl, PRIV, cur, NULL),
    H(readconsole, HOOK, cur, NULL),
    H(evtchn_unbound, TARGET, cur, d),
    H(evtchn_interdomain, HOOK, d1, d2),
    O(evtchn_close_post),
    H(evtchn_send, HOOK, d, NULL),
    H(evtchn_status, TARGET, cur, d),
    H(evtchn_reset, TARGET, d1, d2),
    H(grant_mapref, HOOK, d1, d2),
    H(grant_unmapref, HOOK, d1, d2),
    H(grant_setup, TARGET, d1, d2),
    H(grant_transfer, HOOK, d1, d2),
    H(grant_copy, HOOK, d1, d2),
    H(grant_query_size, TARGET, d1, d2),
    O(alloc_security_domain),
    O(free_security_domain),
    O(alloc_security_evtchns),
    O(free_security_evtchns),
    O(show_security_evtchn),
    H(init_hardware_domain, HOOK, cur, d),
    H(get_pod_target, PRIV, cur, d),
    H(set_pod_target, PRIV, cur, d),
    H(memory_exchange, TARGET, cur, d),
    H(memory_adjust_reservation, TARGET, d1, d2),
    H(memory_stat_reservation, TARGET, d1, d2),
    H(memory_pin_page, HOOK, d1, d2),
    H(add_to_physmap, TARGET, d1, d2),
    H(remove_from_physmap, TARGET, d1, d2),
    H(map_gmfn_foreign, TARGET, d, t),
    H(claim_pages, PRIV, cur, d),
    O(console_io),
    H(profile, HOOK, d, NULL),
    H(kexec, PRIV, cur, NULL),
    H(schedop_shutdown, DM_PRIV, d1, d2),
    O(show_irq_sid),
    H(map_domain_pirq, DM_PRIV, cur, d),
    H(map_domain_irq, HOOK, cur, d),
    H(unmap_domain_pirq, DM_PRIV, cur, d),
    H(unmap_domain_irq, HOOK, cur, d),
    H(bind_pt_irq, HOOK, cur, d),
    H(unbind_pt_irq, HOOK, cur, d),
    H(irq_permission, HOOK, cur, d),
    H(iomem_permission, HOOK, cur, d),
    H(iomem_mapping, HOOK, cur, d),
    H(pci_config_permission, HOOK, cur, d),
    H(get_device_group, HOOK, cur, NULL),
    H(assign_device, HOOK, cur, d),
    H(deassign_device, HOOK, cur, d),
    H(assign_dtdevice, HOOK, cur, d),
    H(deassign_dtdevice, HOOK, cur, d),
    H(resource_plug_core, HOOK, cur, NULL),
    H(resource_unplug_core, HOOK, cur, NULL),
    H(resource_plug_pci, PRIV, cur, NULL),
    H(resource_unplug_pci, PRIV, cur, NULL),
    H(resource_setup_pci, PRIV, cur, NULL),
    H(resource_setup_gsi, PRIV, cur, NULL),
    H(resource_setup_misc, PRIV, cur, NULL),
    H(page_offline, HOOK, cur, NULL),
    H(hypfs_op, PRIV, cur, NULL),
    R(do_xsm_op),
    R(do_compat_op),
    H(hvm_param, TARGET, cur, d),
    H(hvm_param_altp2mhvm, PRIV, cur, d),
    O(hvm_altp2mhvm_op),
    H(get_vnumainfo, TARGET, cur, d),
    H(vm_event_control, PRIV, cur, d),
    H(mem_access, DM_PRIV, cur, d),
    H(mem_paging, DM_PRIV, cur, d),
    H(mem_sharing, DM_PRIV, cur, d),
    H(platform_op, PRIV, cur, NULL),
    H(do_mca, PRIV, cur, NULL),
    H(shadow_control, HOOK, cur, d),
    H(mem_sharing_op, DM_PRIV, cur, cd),
    H(apic, PRIV, d, NULL),
    H(machine_memory_map, PRIV, cur, NULL),
    H(domain_memory_map, TARGET, cur, d),
    O(mmu_update),
    H(mmuext_op, TARGET, d, f),
    H(update_va_mapping, TARGET, d, f),
    H(priv_mapping, TARGET, d, t),
    H(ioport_permission, HOOK, cur, d),
    H(ioport_mapping, HOOK, cur, d),
    O(pmu_op),
    H(dm_op, DM_PRIV, cur, d),
    O(xen_version),
    H(domain_resource_map, DM_PRIV, cur, d),
    O(argo_enable),
    O(argo_register_single_source),
    O(argo_register_any_source),
    O(argo_send),
};

#undef H
#undef O
#undef R

/*
 * The five kinds of caller of the brief: control domain, xenstore domain,
 * the device model of the target, a plain guest, and the target itself.
 */
enum role { C, X, M, G, T, NROLES };
static const char *const role_name[NROLES] = {"ctrl", "xenstore", "dm", "guest", "target"};

struct world {
    struct xsm_domain dom[NROLES];
};

static void world_init(struct world *w)
{
    memset(w, 0, sizeof(*w));
    for (int r = 0; r < NROLES; r++)
        w->dom[r].domid = (xsm_domid_t)r;
    w->dom[C].is_privileged = true;
    w->dom[X].is_xenstore = true;
    w->dom[M].target = &w->dom[T];
}

/*
 * Expected decisions, written out per action: rows are the source role
 * (C X M G T), columns the target role (C X M G T) and then "no target".
 * 'Y' = allowed (0), '.' = -EPERM.
 */
struct truth {
    const char *action;
    enum xsm_action act;
    const char *rows[NROLES];
};

static const struct truth truth[] = {
    {"HOOK", XSM_ACT_HOOK, {"YYYYYY", "YYYYYY", "YYYYYY", "YYYYYY", "YYYYYY"}},
    {"TARGET", XSM_ACT_TARGET, {"YYYYYY", ".Y....", "..Y.Y.", "...Y..", "....Y."}},
    {"XS_PRIV", XSM_ACT_XS_PRIV, {"YYYYYY", "YYYYYY", "....Y.", "......", "......"}},
    {"DM_PRIV", XSM_ACT_DM_PRIV, {"YYYYYY", "......", "....Y.", "......", "......"}},
    {"PRIV", XSM_ACT_PRIV, {"YYYYYY", "......", "......", "......", "......"}},
};

static const struct truth *truth_for(const char *action)
{
    for (size_t i = 0; i < sizeof(truth) / sizeof(truth[0]); i++)
        if (strcmp(truth[i].action, action) == 0)
            return &truth[i];
    return NULL;
}

static int expected(const struct truth *tr, int s, int t /* NROLES = none */)
{
    return tr->rows[s][t] == 'Y' ? 0 : -EPERM;
}

/*
 * Every defaulted hook, called through its public wrapper.  One variable
 * per parameter name of the list; the test points the variables named by
 * the expected SRC and TGT at the roles under test.
 */
struct env {
    struct xsm_domain *cur, *d, *d1, *d2, *t, *f, *cd;
    struct xsm_evtchn chn1, chn2;
    struct xsm_irq_data irqdata;
    struct xsm_bind_pt_irq bindpt;
};

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-variable"
#define XSM_HOOK(name, ACTION, SRC, TGT, PARAMS, ARGS)                                             \
    static int call_##name(xsm_ctx *x, struct env *env_)                                           \
    {                                                                                              \
        struct xsm_domain *cur = env_->cur, *d = env_->d, *d1 = env_->d1, *d2 = env_->d2;          \
        struct xsm_domain *t = env_->t, *f = env_->f, *cd = env_->cd;                              \
        struct xsm_evtchn *chn = &env_->chn1, *chn1 = &env_->chn1, *chn2 = &env_->chn2;            \
        const struct xsm_irq_data *data = &env_->irqdata;                                          \
        struct xsm_bind_pt_irq *bind = &env_->bindpt;                                              \
        xsm_domid_t id2 = XSM_DOMID_SELF;                                                          \
        uint32_t ssidref = 0, flags = 0, clear = 0, machine_bdf = 0;                               \
        int op = 0, cmd = 0, irq = 0, pirq = 0, gsi = 0, mode = 0;                                 \
        uint64_t page = 0, s = 0, e = 0, pte = 0;                                                  \
        uint16_t start = 0, end = 0;                                                               \
        uint8_t allow = 1, access = 0;                                                             \
        const char *dtpath = "/soc/dev";                                                           \
        return xsm_##name(x, cur XSM_PARAMS(ARGS));                                                \
    }
#define XSM_HOOK_OTHER(rtype, name, PARAMS, ARGS)
#include <openxsm/hook-defs.h>
#pragma GCC diagnostic pop

struct listed {
    const char *name;
    enum kind kind;
    const char *action, *src, *tgt;
    int (*call)(xsm_ctx *x, struct env *env);
};

static const struct listed list[] = {
#define XSM_HOOK(name, ACTION, SRC, TGT, PARAMS, ARGS)                                             \
    {#name, DEFAULTED, #ACTION, #SRC, #TGT, call_##name},
#define XSM_HOOK_OTHER(rtype, name, PARAMS, ARGS) {#name, OTHER, NULL, NULL, NULL, NULL},
#define XSM_HOOK_REPLACED(name)                   {#name, REPLACED, NULL, NULL, NULL, NULL},
#include <openxsm/hook-defs.h>
};

#define NLIST   (sizeof(list) / sizeof(list[0]))
#define NXEN417 (sizeof(xen417) / sizeof(xen417[0]))

static void test_list_matches_xen417(void)
{
    CHECK_EQ(NXEN417, 98);
    CHECK_EQ(NLIST, 98);
    CHECK_EQ(XSM_NR_XEN_HOOKS, 98);
    for (size_t i = 0; i < NLIST && i < NXEN417; i++) {
        const struct listed *l = &list[i];
        const struct expect *e = &xen417[i];
        if (strcmp(l->name, e->name) != 0 || l->kind != e->kind) {
            fprintf(stderr, "entry %zu: list has %s (kind %d), Xen 4.17 has %s (kind %d)\n", i,
                    l->name, l->kind, e->name, e->kind);
            CHECK(0);
            continue;
        }
        if (e->kind != DEFAULTED)
            continue;
        if (strcmp(l->action, e->action) != 0 || strcmp(l->src, e->src) != 0 ||
            strcmp(l->tgt, e->tgt) != 0) {
            fprintf(stderr, "%s: list has %s(%s, %s), Xen 4.17 has %s(%s, %s)\n", l->name,
                    l->action, l->src, l->tgt, e->action, e->src, e->tgt);
            CHECK(0);
        }
    }
    /* No name twice. */
    for (size_t i = 0; i < NLIST; i++)
        for (size_t j = i + 1; j < NLIST; j++)
            CHECK(strcmp(list[i].name, list[j].name) != 0);
}

static void test_default_action_truth(void)
{
    struct world w;

    world_init(&w);
    for (size_t a = 0; a < sizeof(truth) / sizeof(truth[0]); a++)
        for (int s = 0; s < NROLES; s++)
            for (int t = 0; t <= NROLES; t++) {
                const struct xsm_domain *tgt = t == NROLES ? NULL : &w.dom[t];
                int got = xsm_default_action(truth[a].act, &w.dom[s], tgt);
                if (got != expected(&truth[a], s, t))
                    fprintf(stderr, "%s: %s -> %s gave %d\n", truth[a].action, role_name[s],
                            t == NROLES ? "none" : role_name[t], got);
                CHECK_EQ(got, expected(&truth[a], s, t));
            }
    /* No rule of its own, no source: denied. */
    CHECK_EQ(xsm_default_action(XSM_ACT_OTHER, &w.dom[C], NULL), -EPERM);
    CHECK_EQ(xsm_default_action(XSM_ACT_HOOK, NULL, NULL), -EPERM);
}

static struct xsm_domain **env_slot(struct env *env, const char *name)
{
    if (strcmp(name, "cur") == 0)
        return &env->cur;
    if (strcmp(name, "d") == 0)
        return &env->d;
    if (strcmp(name, "d1") == 0)
        return &env->d1;
    if (strcmp(name, "d2") == 0)
        return &env->d2;
    if (strcmp(name, "t") == 0)
        return &env->t;
    if (strcmp(name, "f") == 0)
        return &env->f;
    if (strcmp(name, "cd") == 0)
        return &env->cd;
    return NULL;
}

/*
 * Every defaulted hook through the wrappers of a context 'spec', against the
 * truth table of its Xen 4.17 action.  'skip' lists hooks another module
 * changes on purpose (SILO's); all others must behave exactly as the dummy.
 */
static void run_defaults(const char *spec, const char *const *skip)
{
    struct xsm_config cfg = {.modules = spec};
    xsm_ctx *x = NULL;
    struct world w;
    unsigned ran = 0;

    CHECK_EQ(xsm_create(&x, &cfg), 0);
    if (x == NULL)
        return;
    world_init(&w);

    for (size_t i = 0; i < NXEN417; i++) {
        const struct expect *e = &xen417[i];
        const struct listed *l = NULL;
        bool skipped = false;

        if (e->kind != DEFAULTED)
            continue;
        for (size_t k = 0; skip != NULL && skip[k] != NULL; k++)
            skipped |= strcmp(skip[k], e->name) == 0;
        if (skipped)
            continue;
        for (size_t j = 0; j < NLIST; j++)
            if (strcmp(list[j].name, e->name) == 0 && list[j].call != NULL)
                l = &list[j];
        CHECK(l != NULL);
        if (l == NULL)
            continue;

        const struct truth *tr = truth_for(e->action);
        CHECK(tr != NULL);
        if (tr == NULL)
            continue;
        for (int s = 0; s < NROLES; s++)
            for (int t = 0; t < NROLES; t++) {
                bool no_tgt = strcmp(e->tgt, "NULL") == 0;
                struct env env;

                if (no_tgt && t > 0)
                    break; /* one column only: "none" */
                memset(&env, 0, sizeof(env));
                /* Bystanders are plain guests; then place src and tgt. */
                env.cur = env.d = env.d1 = env.d2 = env.t = env.f = env.cd = &w.dom[G];
                if (!no_tgt)
                    *env_slot(&env, e->tgt) = &w.dom[t];
                *env_slot(&env, e->src) = &w.dom[s];
                int want = expected(tr, s, no_tgt ? NROLES : t);
                int got = l->call(x, &env);
                if (got != want)
                    fprintf(stderr, "[%s] %s: src %s tgt %s: got %d want %d\n",
                            spec ? spec : "default", e->name, role_name[s],
                            no_tgt ? "none" : role_name[t], got, want);
                CHECK_EQ(got, want);
                ran++;
            }
    }
    /* Every defaulted hook ran at least once (sanity of the loop itself). */
    CHECK(ran >= 5 * 70);
    xsm_destroy(x);
}

/* The hand-written defaults (XSM_OTHER and friends). */
static void test_other_hooks(void)
{
    struct xsm_config cfg = {.modules = "dummy"};
    xsm_ctx *x = NULL;
    struct world w;
    struct xsm_domain *c, *xs, *m, *g, *t;

    CHECK_EQ(xsm_create(&x, &cfg), 0);
    if (x == NULL)
        return;
    world_init(&w);
    c = &w.dom[C], xs = &w.dom[X], m = &w.dom[M], g = &w.dom[G], t = &w.dom[T];

    /* set_system_active: only the idle domain, which then loses privilege. */
    struct xsm_domain idle = {.domid = XSM_DOMID_IDLE, .is_privileged = true};
    CHECK_EQ(xsm_set_system_active(x, c), -EPERM);
    CHECK(c->is_privileged);
    CHECK_EQ(xsm_set_system_active(x, &idle), 0);
    CHECK(!idle.is_privileged);
    CHECK_EQ(xsm_set_system_active(x, NULL), -EPERM);

    /* security_domaininfo leaves the info alone. */
    struct xsm_domaininfo info = {.ssidref = 0x1234};
    xsm_security_domaininfo(x, c, g, &info);
    CHECK_EQ(info.ssidref, 0x1234);

    /* domctl: DM_PRIV for 38/39/40/48, XS_PRIV for 5, PRIV otherwise. */
    static const int dm_cmds[] = {38, 39, 40, 48};
    for (size_t i = 0; i < 4; i++) {
        CHECK_EQ(xsm_domctl(x, m, t, dm_cmds[i]), 0);
        CHECK_EQ(xsm_domctl(x, xs, t, dm_cmds[i]), -EPERM);
        CHECK_EQ(xsm_domctl(x, g, g, dm_cmds[i]), -EPERM);
        CHECK_EQ(xsm_domctl(x, c, g, dm_cmds[i]), 0);
    }
    CHECK_EQ(xsm_domctl(x, xs, g, 5), 0);
    CHECK_EQ(xsm_domctl(x, m, t, 5), 0);
    CHECK_EQ(xsm_domctl(x, g, g, 5), -EPERM);
    CHECK_EQ(xsm_domctl(x, xs, g, 1), -EPERM);
    CHECK_EQ(xsm_domctl(x, m, t, 1), -EPERM);
    CHECK_EQ(xsm_domctl(x, c, g, 1), 0);

    /* evtchn_close_post, the allocators and show_* have no effect. */
    struct xsm_evtchn chn[2] = {{.port = 1}, {.port = 2}};
    xsm_evtchn_close_post(x, g, &chn[0]);
    CHECK_EQ(xsm_alloc_security_domain(x, c, g), 0);
    xsm_free_security_domain(x, c, g);
    CHECK_EQ(xsm_alloc_security_evtchns(x, g, chn, 2), 0);
    xsm_free_security_evtchns(x, g, chn, 2);
    CHECK(xsm_show_security_evtchn(x, c, g, &chn[0]) == NULL);
    CHECK(xsm_show_irq_sid(x, c, 9, NULL) == NULL);
    CHECK(g->security[0] == NULL && chn[0].label[0] == 0);

    /* console_io decides on d (not cur): console domains, else PRIV. */
    struct xsm_domain con = {.domid = 7, .is_console = true};
    CHECK_EQ(xsm_console_io(x, g, &con, 0), 0);
    CHECK_EQ(xsm_console_io(x, g, &con, 1), 0);
    CHECK_EQ(xsm_console_io(x, c, g, 0), -EPERM);
    CHECK_EQ(xsm_console_io(x, g, c, 1), 0);
    CHECK_EQ(xsm_console_io(x, c, xs, 1), -EPERM);

    /* hvm_altp2mhvm_op by mode (1 mixed, 2 external, 3 limited). */
    CHECK_EQ(xsm_hvm_altp2mhvm_op(x, t, t, 1, 0), 0);
    CHECK_EQ(xsm_hvm_altp2mhvm_op(x, m, t, 1, 0), 0);
    CHECK_EQ(xsm_hvm_altp2mhvm_op(x, g, t, 1, 0), -EPERM);
    CHECK_EQ(xsm_hvm_altp2mhvm_op(x, t, t, 2, 0), -EPERM);
    CHECK_EQ(xsm_hvm_altp2mhvm_op(x, m, t, 2, 0), 0);
    CHECK_EQ(xsm_hvm_altp2mhvm_op(x, c, t, 2, 0), 0);
    CHECK_EQ(xsm_hvm_altp2mhvm_op(x, t, t, 3, 3), 0);
    CHECK_EQ(xsm_hvm_altp2mhvm_op(x, t, t, 3, 4), -EPERM);
    CHECK_EQ(xsm_hvm_altp2mhvm_op(x, m, t, 3, 4), 0);
    CHECK_EQ(xsm_hvm_altp2mhvm_op(x, c, t, 0, 0), -EPERM);
    CHECK_EQ(xsm_hvm_altp2mhvm_op(x, c, t, 4, 0), -EPERM);

    /* mmu_update: f (unless DOMID_IO) then t, both under TARGET for d. */
    struct xsm_domain io = {.domid = XSM_DOMID_IO};
    CHECK_EQ(xsm_mmu_update(x, g, g, NULL, g, 4), 0);
    CHECK_EQ(xsm_mmu_update(x, g, g, NULL, t, 4), -EPERM);
    CHECK_EQ(xsm_mmu_update(x, g, g, NULL, &io, 4), 0);
    CHECK_EQ(xsm_mmu_update(x, g, g, t, &io, 4), -EPERM);
    CHECK_EQ(xsm_mmu_update(x, m, m, t, m, 4), 0);
    CHECK_EQ(xsm_mmu_update(x, m, m, t, g, 4), -EPERM);
    CHECK_EQ(xsm_mmu_update(x, g, c, t, g, 4), 0);

    /* pmu_op: init/finish/lvtpc_set/flush for anyone, else d privileged. */
    for (unsigned op = 0; op <= 8; op++) {
        bool open = op >= 4 && op <= 7;
        CHECK_EQ(xsm_pmu_op(x, c, g, op), open ? 0 : -EPERM);
        CHECK_EQ(xsm_pmu_op(x, g, c, op), 0);
    }

    /* xen_version. */
    for (uint32_t op = 0; op <= 12; op++) {
        bool free_for_all = op == 0 || op == 5 || op == 6;
        bool hook = (op >= 1 && op <= 4) || op == 7 || op == 8;
        CHECK_EQ(xsm_xen_version(x, g, op), free_for_all || hook ? 0 : -EPERM);
        CHECK_EQ(xsm_xen_version(x, c, op), 0);
        if (free_for_all)
            CHECK_EQ(xsm_xen_version(x, NULL, op), 0);
    }

    /* Argo: allowed by default, even between unrelated guests. */
    CHECK_EQ(xsm_argo_enable(x, g, g), 0);
    CHECK_EQ(xsm_argo_register_single_source(x, g, g, t), 0);
    CHECK_EQ(xsm_argo_register_any_source(x, g, g), 0);
    CHECK_EQ(xsm_argo_send(x, g, g, t), 0);

    xsm_destroy(x);
}

int main(void)
{
    static const char *const silo_hooks[] = {"evtchn_unbound", "evtchn_interdomain", "grant_mapref",
                                             "grant_transfer", "grant_copy",         NULL};

    test_list_matches_xen417();
    test_default_action_truth();
    run_defaults("dummy", NULL);
    run_defaults(NULL, NULL);
    /* SILO stacked alone or with the dummy leaves all other hooks as Xen's defaults. */
    run_defaults("silo", silo_hooks);
    run_defaults("silo,dummy", silo_hooks);
    test_other_hooks();
    return check_report("hook-list");
}
