/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A policy that does not know the hypervisor (docs/flask.md, "Policies
 * that do not know the hypervisor"), with xsm_config.flask_classes = "name":
 *
 *  - one that defines none of the hypervisor's classes (security aside,
 *    which SELinux policies have too) is refused: xsm_create fails when
 *    enforcing, FLASK_LOAD answers -EINVAL and keeps the policy it had,
 *    the log says why;
 *  - one that defines some says at every load how much it leaves to its
 *    handle_unknown, loudly when that is allow (the missing permissions
 *    are then granted: a guest may kexec);
 *  - xsm_flask_coverage() gives the same counts.
 *
 * The counts expected here come from policy/abi/access_vectors (Xen 4.17's
 * classes and permissions, argv[1]) and from what each test policy defines,
 * never from the code under test.
 *
 * usage: test-flask-coverage ACCESS_VECTORS PARTIAL-ALLOW PARTIAL-DENY SECURITY-ONLY
 *        test-flask-coverage --debian ACCESS_VECTORS POLICY.33
 */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openxsm/hooks.h>
#include <openxsm/xen/flask_op.h>
#include <openxsm/xsm.h>

#include "../../../lib/flatmem.h"
#include "../../../lib/slurp.h"
#include "../../check.h"

#define DOMCTL_pausedomain 3
#define SECINITSID_DOMU    12

/* ---- Xen 4.17's classes, read from policy/abi/access_vectors ------------- */

struct avclass {
    char name[32];
    unsigned nperms;
    char perms[32][32];
};
static struct avclass av[16];
static unsigned nav, total_perms;

static const struct avclass *av_class(const char *name)
{
    for (unsigned i = 0; i < nav; i++)
        if (strcmp(av[i].name, name) == 0)
            return &av[i];
    return NULL;
}

/* "class NAME { perm perm ... }" blocks; '#' starts a comment. */
static int read_access_vectors(const char *path)
{
    size_t len;
    unsigned char *raw = slurp_file(path, &len);
    char *text = raw != NULL ? malloc(len + 1) : NULL, *p, *tok;
    struct avclass *cur = NULL;
    bool want_name = false;

    if (text == NULL) {
        free(raw);
        return -1;
    }
    memcpy(text, raw, len); /* slurp_file's buffer has no NUL */
    text[len] = '\0';
    free(raw);
    for (p = text; *p != '\0'; p++)
        if (*p == '#')
            while (*p != '\0' && *p != '\n')
                *p++ = ' ';
    for (tok = strtok(text, " \t\n{}"); tok != NULL; tok = strtok(NULL, " \t\n{}")) {
        if (strcmp(tok, "class") == 0) {
            want_name = true;
        } else if (want_name) {
            if (nav == sizeof(av) / sizeof(av[0]))
                break;
            cur = &av[nav++];
            snprintf(cur->name, sizeof(cur->name), "%s", tok);
            want_name = false;
        } else if (cur != NULL && cur->nperms < 32) {
            snprintf(cur->perms[cur->nperms++], sizeof(cur->perms[0]), "%s", tok);
            total_perms++;
        }
    }
    free(text);
    return nav == 13 ? 0 : -1;
}

/* ---- A host that keeps its log ------------------------------------------ */

struct host {
    struct xsm_domain idle, dom0, domu;
    char lines[64][400];
    unsigned nlines;
};

static struct xsm_domain *host_domain(void *opaque, xsm_domid_t id)
{
    struct host *h = opaque;

    if (id == 0)
        return &h->dom0;
    if (id == 1)
        return &h->domu;
    return NULL;
}

static void host_log(void *opaque, const char *line)
{
    struct host *h = opaque;

    if (h->nlines < 64)
        snprintf(h->lines[h->nlines++], sizeof(h->lines[0]), "%s", line);
}

static const struct xsm_host_ops host_ops = {.domain_get = host_domain, .log = host_log};

/* The number of log lines containing s. */
static unsigned logged(const struct host *h, const char *s)
{
    unsigned n = 0;

    for (unsigned i = 0; i < h->nlines; i++)
        n += strstr(h->lines[i], s) != NULL;
    return n;
}

static void dump_log(const struct host *h)
{
    for (unsigned i = 0; i < h->nlines; i++)
        fprintf(stderr, "  log: %s\n", h->lines[i]);
}

static int boot(struct host *h, xsm_ctx **x, const char *mode, const void *pol, size_t len)
{
    struct xsm_config cfg = {
        .modules = "flask",
        .flask_mode = mode,
        .flask_classes = "name",
        .flask_formats = "all",
        .policy = pol,
        .policy_len = len,
        .host_ops = &host_ops,
        .host = h,
    };

    memset(h, 0, sizeof(*h));
    h->idle.domid = XSM_DOMID_IDLE;
    h->idle.is_privileged = true;
    h->dom0.is_privileged = true;
    h->domu.domid = 1;
    *x = NULL;
    return xsm_create(x, &cfg);
}

/* Xen's boot: the idle domain builds dom0 and one domU_t guest. */
static void build_domains(struct host *h, xsm_ctx *x)
{
    CHECK_EQ(xsm_alloc_security_domain(x, NULL, &h->idle), 0);
    CHECK_EQ(xsm_alloc_security_domain(x, &h->idle, &h->dom0), 0);
    CHECK_EQ(xsm_domain_create(x, &h->idle, &h->dom0, 0), 0);
    CHECK_EQ(xsm_alloc_security_domain(x, &h->idle, &h->domu), 0);
    CHECK_EQ(xsm_domain_create(x, &h->idle, &h->domu, SECINITSID_DOMU), 0);
}

static void shutdown(struct host *h, xsm_ctx *x)
{
    xsm_free_security_domain(x, NULL, &h->domu);
    xsm_free_security_domain(x, NULL, &h->dom0);
    xsm_free_security_domain(x, NULL, &h->idle);
    xsm_destroy(x);
}

static long load(xsm_ctx *x, struct xsm_domain *cur, const void *pol, size_t len)
{
    xen_flask_op_t op;

    memset(&op, 0, sizeof(op));
    op.cmd = FLASK_LOAD;
    op.interface_version = XEN_FLASK_INTERFACE_VERSION;
    op.u.load.buffer.p = (char *)(uintptr_t)pol;
    op.u.load.size = (uint32_t)len;
    return xsm_do_op(x, cur, &flat_guest, (uint64_t)(uintptr_t)&op);
}

/* ---- A policy defining none of the hypervisor's classes ----------------- */

static void check_refused(const char *what, const void *pol, size_t len)
{
    static const char why[] =
        "Flask: policy load failed: policy rejected: it defines none of the hypervisor's classes";
    struct host h;
    xsm_ctx *x;

    /* Enforcing boot: no instance. */
    CHECK_EQ(boot(&h, &x, "enforcing", pol, len), -EINVAL);
    CHECK(x == NULL);
    CHECK_EQ(logged(&h, why), 1);
    CHECK_EQ(logged(&h, "Unable to load FLASK policy"), 1);
    if (logged(&h, why) != 1) {
        fprintf(stderr, "%s, enforcing boot:\n", what);
        dump_log(&h);
    }
    xsm_destroy(x);

    /* Permissive boot: FLASK runs without a policy, as for any bad one. */
    CHECK_EQ(boot(&h, &x, "permissive", pol, len), 0);
    CHECK_EQ(logged(&h, why), 1);
    CHECK_EQ(logged(&h, "Access controls disabled until policy is loaded"), 1);
    xsm_destroy(x);

    /* The first policy at run time (late boot): -EINVAL, still no policy. */
    CHECK_EQ(boot(&h, &x, "late", NULL, 0), 0);
    if (x == NULL)
        return;
    build_domains(&h, x);
    h.nlines = 0;
    CHECK_EQ(load(x, &h.dom0, pol, len), -EINVAL);
    CHECK_EQ(logged(&h, why), 1);
    CHECK_EQ(logged(&h, "Policy loaded"), 0);
    shutdown(&h, x);

    /* A reload: -EINVAL (this or another reason), and the default policy stays in force. */
    CHECK_EQ(boot(&h, &x, "enforcing", NULL, 0), 0);
    if (x == NULL)
        return;
    build_domains(&h, x);
    CHECK_EQ(xsm_domctl(x, &h.domu, &h.dom0, DOMCTL_pausedomain), -EACCES);
    CHECK_EQ(load(x, &h.dom0, pol, len), -EINVAL);
    CHECK_EQ(xsm_domctl(x, &h.domu, &h.dom0, DOMCTL_pausedomain), -EACCES);
    CHECK_EQ(xsm_kexec(x, &h.domu), -EACCES);
    CHECK_EQ(xsm_domctl(x, &h.dom0, &h.domu, DOMCTL_pausedomain), 0);
    shutdown(&h, x);
}

/* ---- Coverage counts ----------------------------------------------------- */

static void check_coverage(const void *pol, size_t len, unsigned classes_missing,
                           unsigned perms_defined, unsigned hu, bool refused)
{
    struct xsm_flask_coverage c;

    memset(&c, 0xa5, sizeof(c));
    CHECK_EQ(xsm_flask_coverage(pol, len, &c), 0);
    CHECK_EQ(c.classes, nav);
    CHECK_EQ(c.classes_missing, classes_missing);
    CHECK_EQ(c.perms, total_perms);
    CHECK_EQ(c.perms_missing, total_perms - perms_defined);
    CHECK_EQ(c.handle_unknown, hu);
    CHECK_EQ(c.refused, refused);
}

/* The warning line a partial policy gives at each load. */
static void partial_line(char *out, size_t cap, bool allow, unsigned defined)
{
    snprintf(out, cap,
             allow ? "Flask: WARNING: the policy does not define %u of the hypervisor's %u classes "
                     "and %u of its %u permissions; handle_unknown=allow grants them to every "
                     "domain"
                   : "Flask: the policy does not define %u of the hypervisor's %u classes and %u "
                     "of its %u permissions; handle_unknown=deny refuses them",
             9u, nav, total_perms - defined, total_perms);
}

static void check_partial(const void *pol, size_t len, bool allow, unsigned defined)
{
    char want[400];
    struct host h;
    xsm_ctx *x;

    partial_line(want, sizeof(want), allow, defined);
    CHECK_EQ(boot(&h, &x, "enforcing", pol, len), 0);
    if (x == NULL)
        return;
    CHECK_EQ(logged(&h, want), 1);
    if (logged(&h, want) != 1) {
        fprintf(stderr, "want: %s\n", want);
        dump_log(&h);
    }
    build_domains(&h, x);
    /* Defined and not allowed: denied either way. */
    CHECK_EQ(xsm_domctl(x, &h.domu, &h.dom0, DOMCTL_pausedomain), -EACCES);
    CHECK_EQ(xsm_domctl(x, &h.dom0, &h.domu, DOMCTL_pausedomain), 0);
    /* xen:kexec is not defined: handle_unknown decides, which is what the line warns of. */
    CHECK_EQ(xsm_kexec(x, &h.domu), allow ? 0 : -EACCES);
    /* Every load says it again (a reload of the same policy here). */
    h.nlines = 0;
    CHECK_EQ(load(x, &h.dom0, pol, len), 0);
    CHECK_EQ(logged(&h, want), 1);
    shutdown(&h, x);
    check_coverage(pol, len, 9, defined, allow ? 2 : 0, false);
}

static int run_crafted(char **argv)
{
    size_t la, ld, ls;
    unsigned char *pa = slurp_file(argv[2], &la), *pd = slurp_file(argv[3], &ld);
    unsigned char *ps = slurp_file(argv[4], &ls);
    const struct avclass *dom = av_class("domain"), *ev = av_class("event");
    const struct avclass *sec = av_class("security");
    struct xsm_flask_coverage c;
    unsigned defined;
    struct host h;
    xsm_ctx *x;

    if (pa == NULL || pd == NULL || ps == NULL || dom == NULL || ev == NULL || sec == NULL) {
        fprintf(stderr, "cannot read the test policies\n");
        return 1;
    }
    /* partial-policy.conf: domain, event, security whole, and two xen permissions. */
    defined = dom->nperms + ev->nperms + sec->nperms + 2;
    check_partial(pa, la, true, defined);
    check_partial(pd, ld, false, defined);

    /* security-only.conf: 4 of security's permissions, nothing else of Xen's. */
    check_refused("security-only", ps, ls);
    check_coverage(ps, ls, nav - 1, 4, 2, true);
    /* The default strict check refuses it too, for its own reason. */
    {
        struct xsm_config cfg = {.modules = "flask", .policy = ps, .policy_len = ls};

        x = NULL;
        CHECK_EQ(xsm_create(&x, &cfg), -EINVAL);
        xsm_destroy(x);
    }

    /* The embedded default policy knows all of it: no line. */
    CHECK_EQ(boot(&h, &x, "enforcing", NULL, 0), 0);
    CHECK_EQ(logged(&h, "does not define"), 0);
    xsm_destroy(x);

    /* Arguments. */
    CHECK_EQ(xsm_flask_coverage(NULL, 10, &c), -EINVAL);
    CHECK_EQ(xsm_flask_coverage(pa, la, NULL), -EINVAL);
    CHECK_EQ(xsm_flask_coverage(pa, 16, &c), -EINVAL);

    free(pa);
    free(pd);
    free(ps);
    return check_report("flask-coverage");
}

/*
 * Debian's SELinux policy: of the hypervisor's classes it has security, and
 * of that class's permissions the nine Linux shares with Xen: compute_av,
 * compute_create, compute_member, check_context, load_policy,
 * compute_relabel, setenforce, setbool, setsecparam (Linux has no
 * add_ocontext or del_ocontext).  handle_unknown=allow.
 */
static int run_debian(const char *path)
{
    static const char *const shared[] = {
        "compute_av",      "compute_create", "compute_member", "check_context", "load_policy",
        "compute_relabel", "setenforce",     "setbool",        "setsecparam",
    };
    const struct avclass *sec = av_class("security");
    unsigned n = 0;
    size_t len;
    unsigned char *pol = slurp_file(path, &len);

    if (pol == NULL) {
        printf("skipped: %s not installed (Debian package selinux-policy-default)\n", path);
        return 77;
    }
    for (unsigned i = 0; sec != NULL && i < sec->nperms; i++)
        for (unsigned j = 0; j < sizeof(shared) / sizeof(shared[0]); j++)
            n += strcmp(sec->perms[i], shared[j]) == 0;
    CHECK_EQ(n, 9); /* all nine are Xen's permissions too */
    check_refused("policy.33", pol, len);
    check_coverage(pol, len, nav - 1, 9, 2, true);
    free(pol);
    return check_report("flask-coverage-debian");
}

int main(int argc, char **argv)
{
    bool debian = argc == 4 && strcmp(argv[1], "--debian") == 0;

    if (!debian && argc != 5) {
        printf("skipped: no test policies (checkpolicy missing at configure time)\n");
        return 77;
    }
    if (read_access_vectors(argv[debian ? 2 : 1]) != 0) {
        fprintf(stderr, "cannot read Xen's classes from %s\n", argv[debian ? 2 : 1]);
        return 1;
    }
    return debian ? run_debian(argv[3]) : run_crafted(argv);
}
