/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Who owns a domain's FLASK label (docs/embedding.md, "Labels"):
 *
 *  - the instance that allocated it.  Another instance that is handed the
 *    domain does not take that label as its own: its decisions see the
 *    domain as unlabeled (and say so in its log), its labelling hooks
 *    refuse the domain with -EINVAL, and its free hook leaves the label to
 *    its owner;
 *  - xsm_destroy releases the labels its FLASK instance still holds and
 *    clears the domains' slots, so destroying the instance before the
 *    domains leaks nothing and leaves no dangling pointer.
 *
 * Two instances run the embedded default policy, in which dom0_t may pause
 * domU_t and unlabeled_t may not (docs/policy.md).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openxsm/hooks.h>
#include <openxsm/xen/flask_op.h>
#include <openxsm/xsm.h>

#include "../../../lib/flatmem.h"
#include "../../check.h"

#define DOMCTL_pausedomain 3
#define SECINITSID_DOMU    12

struct host {
    struct xsm_domain *doms[4];
    unsigned nlog;
    unsigned nforeign; /* lines about a label of another instance */
    char lastlog[512];
};

static struct xsm_domain *host_domain(void *opaque, xsm_domid_t id)
{
    struct host *h = opaque;

    for (unsigned i = 0; i < 4; i++)
        if (h->doms[i] != NULL && h->doms[i]->domid == id)
            return h->doms[i];
    return NULL;
}

static void host_log(void *opaque, const char *line)
{
    struct host *h = opaque;

    h->nlog++;
    if (strstr(line, "another XSM instance") != NULL)
        h->nforeign++;
    snprintf(h->lastlog, sizeof(h->lastlog), "%s", line);
}

static const struct xsm_host_ops host_ops = {.domain_get = host_domain, .log = host_log};

static xsm_ctx *make(struct host *h)
{
    struct xsm_config cfg = {.modules = "flask", .host_ops = &host_ops, .host = h};
    xsm_ctx *x = NULL;

    CHECK_EQ(xsm_create(&x, &cfg), 0);
    return x;
}

/*
 * Xen's boot in x: the idle domain builds dom0, dom0 builds one domU_t
 * guest.  The idle domain's label is freed again at once (it only builds).
 */
static void boot(xsm_ctx *x, struct xsm_domain *dom0, struct xsm_domain *guest)
{
    struct xsm_domain idle = {.domid = XSM_DOMID_IDLE, .is_privileged = true};

    CHECK_EQ(xsm_alloc_security_domain(x, NULL, &idle), 0);
    CHECK_EQ(xsm_alloc_security_domain(x, &idle, dom0), 0);
    CHECK_EQ(xsm_domain_create(x, &idle, dom0, 0), 0);
    xsm_free_security_domain(x, NULL, &idle);
    CHECK_EQ(xsm_alloc_security_domain(x, dom0, guest), 0);
    CHECK_EQ(xsm_domain_create(x, dom0, guest, SECINITSID_DOMU), 0);
}

/* FLASK_CONTEXT_TO_SID as cur: checked against security:check_context. */
static long context_to_sid_as(xsm_ctx *x, struct xsm_domain *cur)
{
    static const char ctx[] = "system_u:system_r:domU_t";
    xen_flask_op_t op;

    memset(&op, 0, sizeof(op));
    op.cmd = FLASK_CONTEXT_TO_SID;
    op.interface_version = XEN_FLASK_INTERFACE_VERSION;
    op.u.sid_context.size = sizeof(ctx) - 1;
    op.u.sid_context.context.p = (char *)ctx;
    return xsm_do_op(x, cur, &flat_guest, (uint64_t)(uintptr_t)&op);
}

/* The instance is destroyed first: the labels go with it, the slots are cleared. */
static void test_destroy_first(void)
{
    struct host h = {0};
    struct xsm_domain dom0 = {.domid = 0, .is_privileged = true}, guest = {.domid = 1};
    struct xsm_domain late = {.domid = 2};
    xsm_ctx *x = make(&h);

    if (x == NULL)
        return;
    boot(x, &dom0, &guest);
    CHECK_EQ(xsm_alloc_security_domain(x, &dom0, &late), 0);
    /* One label freed the normal way; two still held. */
    xsm_free_security_domain(x, &dom0, &late);
    CHECK(late.security[0] == NULL);
    CHECK(dom0.security[0] != NULL && guest.security[0] != NULL);
    h.nlog = 0;
    xsm_destroy(x);
    CHECK(dom0.security[0] == NULL);
    CHECK(guest.security[0] == NULL);
    /* The host hears how many it left behind. */
    CHECK_EQ(h.nlog, 1);
    CHECK(strstr(h.lastlog, "2 domain labels") != NULL);
    /* (Under LeakSanitizer, a label not freed here fails the test at exit.) */

    /* Nothing held: nothing said. */
    x = make(&h);
    if (x == NULL)
        return;
    boot(x, &dom0, &guest);
    xsm_free_security_domain(x, NULL, &guest);
    xsm_free_security_domain(x, NULL, &dom0);
    h.nlog = 0;
    xsm_destroy(x);
    CHECK_EQ(h.nlog, 0);
}

/* A domain labelled by instance a, handed to instance b. */
static void test_foreign_label(void)
{
    struct host ha = {0}, hb = {0};
    struct xsm_domain a0 = {.domid = 0, .is_privileged = true}, ag = {.domid = 1};
    struct xsm_domain b0 = {.domid = 0, .is_privileged = true}, bg = {.domid = 1};
    xsm_ctx *a = make(&ha), *b = make(&hb);

    if (a == NULL || b == NULL) {
        xsm_destroy(a);
        xsm_destroy(b);
        return;
    }
    ha.doms[0] = &a0;
    ha.doms[1] = &ag;
    hb.doms[0] = &b0;
    hb.doms[1] = &bg;
    boot(a, &a0, &ag);
    boot(b, &b0, &bg);

    /* Each instance's own dom0 pauses its own guest and may check contexts. */
    CHECK_EQ(xsm_domctl(a, &a0, &ag, DOMCTL_pausedomain), 0);
    CHECK_EQ(xsm_domctl(b, &b0, &bg, DOMCTL_pausedomain), 0);
    CHECK_EQ(context_to_sid_as(b, &b0), 0);

    /* a's dom0 is nobody in b: unlabeled, so denied, and b's log says why. */
    CHECK_EQ(xsm_domctl(b, &a0, &bg, DOMCTL_pausedomain), -EACCES);
    CHECK_EQ(hb.nforeign, 1);
    CHECK_EQ(context_to_sid_as(b, &a0), -EACCES);
    /* ... and as a target it is unlabeled too: b's dom0 may not pause it. */
    CHECK_EQ(xsm_domctl(b, &b0, &a0, DOMCTL_pausedomain), -EACCES);

    /* b's labelling hooks refuse it; its label stays a's. */
    CHECK_EQ(xsm_alloc_security_domain(b, &b0, &a0), -EINVAL);
    CHECK_EQ(xsm_domain_create(b, &b0, &ag, SECINITSID_DOMU), -EINVAL);
    CHECK_EQ(xsm_set_target(b, &b0, &ag, &bg), -EINVAL);
    xsm_free_security_domain(b, &b0, &a0);
    CHECK(a0.security[0] != NULL);
    CHECK_EQ(xsm_domctl(a, &a0, &ag, DOMCTL_pausedomain), 0);

    /* The log line of a foreign label came once, not per decision. */
    CHECK_EQ(xsm_domctl(b, &a0, &bg, DOMCTL_pausedomain), -EACCES);
    CHECK_EQ(hb.nforeign, 1);
    CHECK_EQ(ha.nforeign, 0);

    xsm_free_security_domain(a, NULL, &ag);
    xsm_free_security_domain(a, NULL, &a0);
    CHECK(a0.security[0] == NULL && ag.security[0] == NULL);
    xsm_free_security_domain(b, NULL, &bg);
    xsm_free_security_domain(b, NULL, &b0);
    xsm_destroy(a);
    xsm_destroy(b);
}

/* A caller never labelled: every checked FLASK command is -EACCES. */
static void test_unlabelled_caller(void)
{
    struct host h = {0};
    struct xsm_domain dom0 = {.domid = 0, .is_privileged = true}, guest = {.domid = 1};
    xsm_ctx *x = make(&h);

    if (x == NULL)
        return;
    CHECK_EQ(context_to_sid_as(x, &dom0), -EACCES);
    boot(x, &dom0, &guest);
    CHECK_EQ(context_to_sid_as(x, &dom0), 0);
    xsm_free_security_domain(x, NULL, &guest);
    xsm_free_security_domain(x, NULL, &dom0);
    xsm_destroy(x);
}

int main(void)
{
    test_destroy_first();
    test_foreign_label();
    test_unlabelled_caller();
    return check_report("flask-labels");
}
