/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Stacking and the context: call order, first denial wins, restrictive
 * versus authoritative modules, void/string/alloc hooks, module init
 * failure, boot strings and many independent instances.  The test modules
 * below keep their record in the host object they are configured with, so
 * nothing here is global either.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <openxsm/xsm.h>
#include <openxsm/xsm_op.h>

#include "check.h"
#include "core/module.h"
#include "core/ops.h"

struct rec {
    char log[64];
    int r_ret, a_ret;     /* sysctl results */
    bool r_str;           /* R answers show_irq_sid */
    int r_alloc, a_alloc; /* alloc results */
    int f_init;
    unsigned inits[3], finis[3];
};

static struct rec *rec_of(struct xsm_instance *mi)
{
    return mi->priv;
}

static void logc(struct xsm_instance *mi, const char *tag)
{
    struct rec *r = rec_of(mi);
    size_t n = strlen(r->log);
    snprintf(r->log + n, sizeof(r->log) - n, "%s", tag);
}

static int idx_of(struct xsm_instance *mi)
{
    return mi->mod->id - 100;
}

static int t_init(struct xsm_instance *mi, const struct xsm_config *cfg)
{
    struct rec *r = cfg->host;
    mi->priv = r;
    r->inits[idx_of(mi)]++;
    return idx_of(mi) == 2 ? r->f_init : 0;
}

static void t_fini(struct xsm_instance *mi)
{
    rec_of(mi)->finis[idx_of(mi)]++;
}

/* R: restrictive. */
static int r_sysctl(struct xsm_instance *mi, struct xsm_domain *cur, int cmd)
{
    (void)cur, (void)cmd;
    logc(mi, "R");
    return rec_of(mi)->r_ret;
}

static void r_close(struct xsm_instance *mi, struct xsm_domain *cur, struct xsm_evtchn *chn)
{
    (void)cur, (void)chn;
    logc(mi, "R");
}

static char *r_irq_sid(struct xsm_instance *mi, struct xsm_domain *cur, int irq,
                       const struct xsm_irq_data *data)
{
    (void)cur, (void)irq, (void)data;
    logc(mi, "R");
    return rec_of(mi)->r_str ? strdup("r") : NULL;
}

static int r_alloc_dom(struct xsm_instance *mi, struct xsm_domain *cur, struct xsm_domain *d)
{
    (void)cur;
    logc(mi, "R");
    if (rec_of(mi)->r_alloc != 0)
        return rec_of(mi)->r_alloc;
    d->security[mi->slot] = mi;
    return 0;
}

static void r_free_dom(struct xsm_instance *mi, struct xsm_domain *cur, struct xsm_domain *d)
{
    (void)cur;
    logc(mi, "r");
    d->security[mi->slot] = NULL;
}

static int r_alloc_ev(struct xsm_instance *mi, struct xsm_domain *cur, struct xsm_evtchn *chn,
                      unsigned nr)
{
    (void)cur;
    logc(mi, "R");
    for (unsigned i = 0; i < nr; i++)
        chn[i].label[mi->slot] = 7;
    return 0;
}

static void r_free_ev(struct xsm_instance *mi, struct xsm_domain *cur, struct xsm_evtchn *chn,
                      unsigned nr)
{
    (void)cur;
    logc(mi, "r");
    for (unsigned i = 0; i < nr; i++)
        chn[i].label[mi->slot] = 0;
}

/* A: authoritative. */
static int a_sysctl(struct xsm_instance *mi, struct xsm_domain *cur, int cmd)
{
    (void)cur, (void)cmd;
    logc(mi, "A");
    return rec_of(mi)->a_ret;
}

static void a_close(struct xsm_instance *mi, struct xsm_domain *cur, struct xsm_evtchn *chn)
{
    (void)cur, (void)chn;
    logc(mi, "A");
}

static char *a_irq_sid(struct xsm_instance *mi, struct xsm_domain *cur, int irq,
                       const struct xsm_irq_data *data)
{
    (void)cur, (void)irq, (void)data;
    logc(mi, "A");
    return strdup("a");
}

static int a_alloc_dom(struct xsm_instance *mi, struct xsm_domain *cur, struct xsm_domain *d)
{
    (void)cur;
    logc(mi, "A");
    if (rec_of(mi)->a_alloc != 0)
        return rec_of(mi)->a_alloc;
    d->security[mi->slot] = mi;
    return 0;
}

static void a_free_dom(struct xsm_instance *mi, struct xsm_domain *cur, struct xsm_domain *d)
{
    (void)cur;
    logc(mi, "a");
    d->security[mi->slot] = NULL;
}

static int a_alloc_ev(struct xsm_instance *mi, struct xsm_domain *cur, struct xsm_evtchn *chn,
                      unsigned nr)
{
    (void)cur, (void)chn, (void)nr;
    logc(mi, "A");
    return rec_of(mi)->a_alloc;
}

static const struct xsm_ops r_ops = {
    .sysctl = r_sysctl,
    .evtchn_close_post = r_close,
    .show_irq_sid = r_irq_sid,
    .alloc_security_domain = r_alloc_dom,
    .free_security_domain = r_free_dom,
    .alloc_security_evtchns = r_alloc_ev,
    .free_security_evtchns = r_free_ev,
};

static const struct xsm_ops a_ops = {
    .sysctl = a_sysctl,
    .evtchn_close_post = a_close,
    .show_irq_sid = a_irq_sid,
    .alloc_security_domain = a_alloc_dom,
    .free_security_domain = a_free_dom,
    .alloc_security_evtchns = a_alloc_ev,
};

static const struct xsm_module mod_r = {
    .id = 100, .name = "r", .flags = 0, .ops = &r_ops, .init = t_init, .fini = t_fini};
static const struct xsm_module mod_a = {.id = 101,
                                        .name = "a",
                                        .flags = XSM_MODF_AUTHORITATIVE,
                                        .ops = &a_ops,
                                        .init = t_init,
                                        .fini = t_fini};
static const struct xsm_module mod_f = {
    .id = 102, .name = "f", .flags = 0, .ops = NULL, .init = t_init, .fini = t_fini};

static struct xsm_domain ctrl = {.domid = 0, .is_privileged = true};
static struct xsm_domain guest = {.domid = 1};

static xsm_ctx *stack(struct rec *r, const struct xsm_module *m0, const struct xsm_module *m1)
{
    const struct xsm_module *mods[2] = {m0, m1};
    struct xsm_config cfg = {.host = r};
    xsm_ctx *x = NULL;
    CHECK_EQ(xsm_create_stack(&x, mods, m1 != NULL ? 2 : 1, &cfg), 0);
    return x;
}

/* Run sysctl on a fresh log; returns the result, leaves the log in r. */
static int sysctl_as(xsm_ctx *x, struct rec *r, struct xsm_domain *cur)
{
    r->log[0] = '\0';
    return xsm_sysctl(x, cur, 0);
}

static void test_decisions(void)
{
    struct rec r = {0};
    xsm_ctx *x;

    /* Restrictive alone: its check, then Xen's default (sysctl is PRIV). */
    x = stack(&r, &mod_r, NULL);
    CHECK_EQ(sysctl_as(x, &r, &guest), -EPERM);
    CHECK(strcmp(r.log, "R") == 0);
    CHECK_EQ(sysctl_as(x, &r, &ctrl), 0);
    r.r_ret = -EACCES;
    CHECK_EQ(sysctl_as(x, &r, &ctrl), -EACCES);
    xsm_destroy(x);

    /* Authoritative alone: replaces the default where it implements the hook. */
    r = (struct rec){0};
    x = stack(&r, &mod_a, NULL);
    CHECK_EQ(sysctl_as(x, &r, &guest), 0);
    CHECK(strcmp(r.log, "A") == 0);
    CHECK_EQ(xsm_kexec(x, &guest), -EPERM); /* not implemented: default */
    CHECK_EQ(xsm_kexec(x, &ctrl), 0);
    xsm_destroy(x);

    /* R then A: both run, in order; the first non-zero result wins. */
    r = (struct rec){0};
    x = stack(&r, &mod_r, &mod_a);
    CHECK_EQ(sysctl_as(x, &r, &guest), 0);
    CHECK(strcmp(r.log, "RA") == 0);
    r.r_ret = -EACCES;
    CHECK_EQ(sysctl_as(x, &r, &guest), -EACCES);
    CHECK(strcmp(r.log, "R") == 0);
    r.r_ret = 0, r.a_ret = -ENOENT;
    CHECK_EQ(sysctl_as(x, &r, &ctrl), -ENOENT);
    CHECK(strcmp(r.log, "RA") == 0);
    xsm_destroy(x);

    /* A then R. */
    r = (struct rec){.a_ret = -ENOENT, .r_ret = -EACCES};
    x = stack(&r, &mod_a, &mod_r);
    CHECK_EQ(sysctl_as(x, &r, &ctrl), -ENOENT);
    CHECK(strcmp(r.log, "A") == 0);
    r.a_ret = 0;
    CHECK_EQ(sysctl_as(x, &r, &ctrl), -EACCES);
    CHECK(strcmp(r.log, "AR") == 0);
    xsm_destroy(x);

    /* The dummy as a stacked member behaves as the default rule. */
    r = (struct rec){0};
    x = stack(&r, &mod_r, &xsm_module_dummy);
    CHECK_EQ(sysctl_as(x, &r, &guest), -EPERM);
    CHECK(strcmp(r.log, "R") == 0);
    xsm_destroy(x);
    r = (struct rec){.r_ret = -EACCES};
    x = stack(&r, &xsm_module_dummy, &mod_r);
    CHECK_EQ(sysctl_as(x, &r, &guest), -EPERM); /* dummy first: R never runs */
    CHECK(strcmp(r.log, "") == 0);
    CHECK_EQ(sysctl_as(x, &r, &ctrl), -EACCES);
    CHECK(strcmp(r.log, "R") == 0);
    xsm_destroy(x);
}

static void test_kinds(void)
{
    struct rec r = {0};
    struct xsm_evtchn chn[3] = {{.port = 1}, {.port = 2}, {.port = 3}};
    struct xsm_domain d = {.domid = 9};
    xsm_ctx *x = stack(&r, &mod_r, &mod_a);
    char *s;

    /* Void hooks: everyone. */
    xsm_evtchn_close_post(x, &guest, &chn[0]);
    CHECK(strcmp(r.log, "RA") == 0);

    /* Strings: the first non-NULL. */
    r.log[0] = '\0';
    s = xsm_show_irq_sid(x, &ctrl, 3, NULL);
    CHECK(s != NULL && strcmp(s, "a") == 0);
    CHECK(strcmp(r.log, "RA") == 0);
    free(s);
    r.r_str = true, r.log[0] = '\0';
    s = xsm_show_irq_sid(x, &ctrl, 3, NULL);
    CHECK(s != NULL && strcmp(s, "r") == 0);
    CHECK(strcmp(r.log, "R") == 0);
    free(s);

    /* Allocation: both label; a failure undoes the earlier ones. */
    r.log[0] = '\0';
    CHECK_EQ(xsm_alloc_security_domain(x, &ctrl, &d), 0);
    CHECK(d.security[0] != NULL && d.security[1] != NULL);
    xsm_free_security_domain(x, &ctrl, &d);
    CHECK(d.security[0] == NULL && d.security[1] == NULL);
    CHECK(strcmp(r.log, "RAra") == 0);
    r.a_alloc = -ENOMEM, r.log[0] = '\0';
    CHECK_EQ(xsm_alloc_security_domain(x, &ctrl, &d), -ENOMEM);
    CHECK(d.security[0] == NULL && d.security[1] == NULL);
    CHECK(strcmp(r.log, "RAr") == 0);
    r.log[0] = '\0';
    CHECK_EQ(xsm_alloc_security_evtchns(x, &ctrl, chn, 3), -ENOMEM);
    CHECK(chn[0].label[0] == 0 && chn[2].label[0] == 0);
    CHECK(strcmp(r.log, "RAr") == 0);
    r.a_alloc = 0;
    CHECK_EQ(xsm_alloc_security_evtchns(x, &ctrl, chn, 3), 0);
    CHECK(chn[0].label[0] == 7 && chn[2].label[0] == 7);
    xsm_destroy(x);

    /* A failure in the first module: nothing to undo, nothing else runs. */
    r = (struct rec){.r_alloc = -ENOMEM};
    x = stack(&r, &mod_r, &mod_a);
    CHECK_EQ(xsm_alloc_security_domain(x, &ctrl, &d), -ENOMEM);
    CHECK(strcmp(r.log, "R") == 0);
    xsm_destroy(x);

    /* Only a restrictive module without an answer: the dummy's NULL. */
    r = (struct rec){0};
    x = stack(&r, &mod_r, NULL);
    CHECK(xsm_show_irq_sid(x, &ctrl, 3, NULL) == NULL);
    xsm_destroy(x);
}

static void test_init_failure(void)
{
    struct rec r = {.f_init = -ENOMEM};
    const struct xsm_module *mods[3] = {&mod_r, &mod_a, &mod_f};
    struct xsm_config cfg = {.host = &r};
    xsm_ctx *x = (xsm_ctx *)&r; /* sentinel: must stay untouched */

    CHECK_EQ(xsm_create_stack(&x, mods, 3, &cfg), -ENOMEM);
    CHECK(x == (xsm_ctx *)&r);
    CHECK_EQ(r.inits[0], 1);
    CHECK_EQ(r.inits[1], 1);
    CHECK_EQ(r.inits[2], 1);
    CHECK_EQ(r.finis[0], 1);
    CHECK_EQ(r.finis[1], 1);
    CHECK_EQ(r.finis[2], 0);

    /*
     * An init result of 1 declines (flask=disabled): the module is left out
     * and the others keep their order and get compact slots.
     */
    r = (struct rec){.f_init = 1};
    mods[1] = &mod_f;
    mods[2] = &mod_a;
    CHECK_EQ(xsm_create_stack(&x, mods, 3, &cfg), 0);
    CHECK_EQ(xsm_active_count(x), 2);
    CHECK_EQ(xsm_active_id(x, 0), mod_r.id);
    CHECK_EQ(xsm_active_id(x, 1), mod_a.id);
    xsm_destroy(x);
    CHECK_EQ(r.finis[0], 1);
    CHECK_EQ(r.finis[1], 1);
    CHECK_EQ(r.finis[2], 0);

    /* A stack whose every module declines runs the dummy module. */
    r = (struct rec){.f_init = 1};
    CHECK_EQ(xsm_create_stack(&x, &mods[1], 1, &cfg), 0);
    CHECK_EQ(xsm_active_count(x), 1);
    CHECK_EQ(xsm_active_id(x, 0), XSM_MODULE_DUMMY);
    xsm_destroy(x);
    x = (xsm_ctx *)&r;

    /* Bad lists. */
    const struct xsm_module *dup[2] = {&mod_r, &mod_r};
    const struct xsm_module *hole[2] = {&mod_r, NULL};
    const struct xsm_module *many[5] = {&mod_r, &mod_a, &mod_f, &xsm_module_dummy,
                                        &xsm_module_silo};
    CHECK_EQ(xsm_create_stack(&x, dup, 2, &cfg), -EINVAL);
    CHECK_EQ(xsm_create_stack(&x, hole, 2, &cfg), -EINVAL);
    CHECK_EQ(xsm_create_stack(&x, many, 0, &cfg), -EINVAL);
    CHECK_EQ(xsm_create_stack(&x, many, 5, &cfg), -EINVAL);
    CHECK_EQ(xsm_create_stack(NULL, many, 1, &cfg), -EINVAL);
    CHECK(x == (xsm_ctx *)&r);

    /* Success runs every init once; destroy every fini once, in reverse. */
    r = (struct rec){0};
    CHECK_EQ(xsm_create_stack(&x, many, 4, &cfg), 0);
    CHECK_EQ(xsm_active_count(x), 4);
    CHECK_EQ(xsm_active_id(x, 3), XSM_MODULE_DUMMY);
    CHECK_EQ(xsm_active_id(x, 4), UINT16_MAX);
    xsm_destroy(x);
    CHECK(r.finis[0] == 1 && r.finis[1] == 1 && r.finis[2] == 1);
}

static bool flask_built(void)
{
    for (unsigned i = 0; xsm_builtin_modules[i] != NULL; i++)
        if (strcmp(xsm_builtin_modules[i]->name, "flask") == 0)
            return true;
    return false;
}

/* Boot-time log lines, all of them, for the unknown-name warning. */
static char boot_log[4096];
static unsigned boot_logs;

static void boot_log_fn(void *host, const char *line)
{
    size_t n = strlen(boot_log);

    (void)host;
    boot_logs++;
    snprintf(boot_log + n, sizeof(boot_log) - n, "%s|", line);
}

static const struct xsm_host_ops boot_host = {.log = boot_log_fn};

/* The module Xen's x86 Kconfig boots by default with XSM on: FLASK if built, else SILO. */
#define DEFAULT_ID 0xfffe

static void test_boot_strings(void)
{
    static const struct {
        const char *spec;
        int rc;
        uint16_t ids[3];
        unsigned nr;
        bool warned;
    } cases[] = {
        {NULL, 0, {XSM_MODULE_DUMMY}, 1, false},
        {"", 0, {XSM_MODULE_DUMMY}, 1, false},
        {"dummy", 0, {XSM_MODULE_DUMMY}, 1, false},
        {"silo", 0, {XSM_MODULE_SILO}, 1, false},
        {"silo,dummy", 0, {XSM_MODULE_SILO, XSM_MODULE_DUMMY}, 2, false},
        {"dummy,silo", 0, {XSM_MODULE_DUMMY, XSM_MODULE_SILO}, 2, false},
        /* An unknown name: Xen warns and boots its default module. */
        {"bogus", 0, {DEFAULT_ID}, 1, true},
        {"SILO", 0, {DEFAULT_ID}, 1, true},
        {" silo", 0, {DEFAULT_ID}, 1, true},
        {"silo ", 0, {DEFAULT_ID}, 1, true},
        {"sil", 0, {DEFAULT_ID}, 1, true},
        {"siloo", 0, {DEFAULT_ID}, 1, true},
        {"silo;dummy", 0, {DEFAULT_ID}, 1, true},
        /* ...also inside a stack list: the whole list is dropped, not just the name. */
        {"silo,bogus", 0, {DEFAULT_ID}, 1, true},
        {"bogus,dummy", 0, {DEFAULT_ID}, 1, true},
        /* A malformed list is the host's error. */
        {"silo,silo", -EINVAL, {0}, 0, false},
        {"silo,", -EINVAL, {0}, 0, false},
        {",silo", -EINVAL, {0}, 0, false},
        {",", -EINVAL, {0}, 0, false},
        {"silo,,dummy", -EINVAL, {0}, 0, false},
        {"dummy,silo,dummy", -EINVAL, {0}, 0, false},
        {"silo,dummy,silo,dummy,silo", -EINVAL, {0}, 0, false},
        {"silo,dummy,x,y,z", -EINVAL, {0}, 0, false},
    };
    uint16_t def = flask_built() ? XSM_MODULE_FLASK : XSM_MODULE_SILO;

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct xsm_config cfg = {.modules = cases[i].spec, .host_ops = &boot_host};
        xsm_ctx *x = NULL;
        int rc;

        boot_logs = 0;
        boot_log[0] = '\0';
        rc = xsm_create(&x, &cfg);
        if (rc != cases[i].rc)
            fprintf(stderr, "spec \"%s\": %d\n", cases[i].spec ? cases[i].spec : "(NULL)", rc);
        CHECK_EQ(rc, cases[i].rc);
        CHECK_EQ(strstr(boot_log, "invalid value") != NULL, cases[i].warned);
        if (rc != 0) {
            CHECK(x == NULL);
            continue;
        }
        CHECK_EQ(xsm_active_count(x), cases[i].nr);
        for (unsigned j = 0; j < cases[i].nr; j++)
            CHECK_EQ(xsm_active_id(x, j), cases[i].ids[j] == DEFAULT_ID ? def : cases[i].ids[j]);
        CHECK(xsm_find_active(x, cases[i].ids[0] == DEFAULT_ID ? def : cases[i].ids[0]) != NULL);
        CHECK(flask_built() || xsm_find_active(x, XSM_MODULE_FLASK) == NULL);
        xsm_destroy(x);
    }

    /* The warning names the value, escaped, as Xen's parameter parser does. */
    {
        struct xsm_config cfg = {.modules = "bo\x01gus\"\n", .host_ops = &boot_host};
        xsm_ctx *x = NULL;

        boot_log[0] = '\0';
        CHECK_EQ(xsm_create(&x, &cfg), 0);
        CHECK(strstr(boot_log, "parameter \"xsm\" has invalid value \"bo\\x01gus\\x22\\x0a\"") !=
              NULL);
        CHECK(strchr(boot_log, '\n') == NULL && strchr(boot_log, '\x01') == NULL);
        xsm_destroy(x);
    }

    /* FLASK is selectable only when built in; otherwise the name is unknown. */
    if (!flask_built()) {
        struct xsm_config cfg = {.modules = "flask"};
        xsm_ctx *x = NULL;
        CHECK_EQ(xsm_create(&x, &cfg), 0);
        CHECK_EQ(xsm_active_id(x, 0), XSM_MODULE_SILO);
        xsm_destroy(x);
    }

    /*
     * The host's IRQ space: nr_static_irqs may not exceed a given nr_irqs;
     * 0 means "no bound" and "as many as nr_irqs".
     */
    static const struct {
        uint32_t nr_irqs, nr_static, rc, want_irqs, want_static;
    } irqs[] = {
        {0, 0, 0, (uint32_t)INT_MAX + 1, (uint32_t)INT_MAX + 1},
        {1024, 0, 0, 1024, 1024},
        {1024, 48, 0, 1024, 48},
        {48, 48, 0, 48, 48},
        {0, 16, 0, (uint32_t)INT_MAX + 1, 16},
        {UINT32_MAX, 16, 0, (uint32_t)INT_MAX + 1, 16},
        {16, 24, (uint32_t)-EINVAL, 0, 0},
        {1, 2, (uint32_t)-EINVAL, 0, 0},
    };
    for (size_t i = 0; i < sizeof(irqs) / sizeof(irqs[0]); i++) {
        struct xsm_config cfg = {.nr_irqs = irqs[i].nr_irqs, .nr_static_irqs = irqs[i].nr_static};
        xsm_ctx *x = NULL;
        CHECK_EQ(xsm_create(&x, &cfg), (int)irqs[i].rc);
        if (x == NULL)
            continue;
        CHECK_EQ(x->nr_irqs, irqs[i].want_irqs);
        CHECK_EQ(x->nr_static_irqs, irqs[i].want_static);
        xsm_destroy(x);
    }

    /* No config at all is the dummy; no out pointer is an error. */
    xsm_ctx *x = NULL;
    CHECK_EQ(xsm_create(&x, NULL), 0);
    CHECK_EQ(xsm_active_count(x), 1);
    CHECK_EQ(xsm_active_id(x, 0), XSM_MODULE_DUMMY);
    xsm_destroy(x);
    CHECK_EQ(xsm_create(NULL, NULL), -EINVAL);
    xsm_destroy(NULL);
    CHECK_EQ(xsm_active_count(NULL), 0);
}

/* Each instance with its own host: answers must never mix. */
struct mhost {
    struct xsm_domain doms[2];
    unsigned logs;
    char last[300];
};

static struct xsm_domain *mh_get(void *h, xsm_domid_t id)
{
    struct mhost *m = h;
    for (unsigned i = 0; i < 2; i++)
        if (m->doms[i].domid == id)
            return &m->doms[i];
    return NULL;
}

static void mh_log(void *h, const char *line)
{
    struct mhost *m = h;
    m->logs++;
    snprintf(m->last, sizeof(m->last), "%s", line);
}

static const struct xsm_host_ops mh_ops = {.domain_get = mh_get, .log = mh_log};

#define NINST 48

static void test_many_instances(void)
{
    static const char *const specs[3] = {"dummy", "silo", "silo,dummy"};
    struct mhost *hosts = calloc(NINST, sizeof(*hosts));
    xsm_ctx *xs[NINST] = {0};

    CHECK(hosts != NULL);
    if (hosts == NULL)
        return;
    for (unsigned i = 0; i < NINST; i++) {
        struct xsm_config cfg = {.modules = specs[i % 3], .host_ops = &mh_ops, .host = &hosts[i]};
        /* Host i knows domains 10+i and 200+i only. */
        hosts[i].doms[0] = (struct xsm_domain){.domid = (xsm_domid_t)(10 + i)};
        hosts[i].doms[1] = (struct xsm_domain){.domid = (xsm_domid_t)(200 + i)};
        CHECK_EQ(xsm_create(&xs[i], &cfg), 0);
    }
    for (unsigned i = 0; i < NINST; i++) {
        bool silo = i % 3 != 0;
        struct xsm_domain *a = &hosts[i].doms[0], *b = &hosts[i].doms[1];
        struct xsm_evtchn ch = {.port = 1};

        CHECK_EQ(xsm_grant_copy(xs[i], a, a, b), silo ? -EPERM : 0);
        /* The peer is looked up in this instance's host only. */
        if (silo) {
            CHECK_EQ(xsm_evtchn_unbound(xs[i], a, a, &ch, (xsm_domid_t)(200 + i)), -EPERM);
            CHECK_EQ(xsm_evtchn_unbound(xs[i], a, a, &ch, (xsm_domid_t)(10 + i)), 0);
            xsm_domid_t other = (xsm_domid_t)(10 + (i + 1) % NINST);
            CHECK_EQ(xsm_evtchn_unbound(xs[i], a, a, &ch, other), -ESRCH);
            CHECK_EQ(hosts[i].logs, 1);
        } else {
            CHECK_EQ(hosts[i].logs, 0);
        }
        CHECK(xsm_domain_lookup(xs[i], a, XSM_DOMID_SELF) == a);
        CHECK(xsm_domain_lookup(xs[i], a, (xsm_domid_t)(200 + i)) == b);
        CHECK(xsm_domain_lookup(xs[i], a, (xsm_domid_t)(201 + i)) == NULL || i + 1 == NINST);
    }
    /* Logging goes to the instance's own host and is bounded. */
    char big[600];
    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    xsm_log(xs[5], "n=%d %s", 5, big);
    CHECK_EQ(hosts[5].logs, 2);
    CHECK(strncmp(hosts[5].last, "n=5 xxx", 7) == 0);
    CHECK(strlen(hosts[5].last) < sizeof(big) - 1);
    CHECK_EQ(hosts[4].logs, 1);

    /* Interleaved destruction; the survivors keep working. */
    for (unsigned i = 0; i < NINST; i += 2)
        xsm_destroy(xs[i]);
    for (unsigned i = 1; i < NINST; i += 2) {
        struct xsm_domain *a = &hosts[i].doms[0], *b = &hosts[i].doms[1];
        CHECK_EQ(xsm_grant_copy(xs[i], a, a, b), i % 3 != 0 ? -EPERM : 0);
        xsm_destroy(xs[i]);
    }
    free(hosts);
}

int main(void)
{
    test_decisions();
    test_kinds();
    test_init_failure();
    test_boot_strings();
    test_many_instances();
    return check_report("stack");
}
