/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hypervisor model when an allocation fails: hv_create (xsm_create,
 * dom0 and boot domains), domain creation, event channels (their labels
 * are new SIDs), set_target, Argo rings and messages, console output; each
 * allocation fails once in turn (tests/lib/allocfail.h).  A failed call
 * answers -ENOMEM and leaves the domain list, every domain's labels, ports
 * and rings, the console and the security server as they were.
 *
 * Domain ids are part of what is compared: a retried creation must get the
 * id the reference got, so a failed one must not use an id up.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openxsm/hv.h>

#include "hv/hv_priv.h"
#include "modules/flask/flask.h"

#include "../lib/allocfail.h"
#include "../lib/ss_observe.h"
#include "check.h"

#define DOMU_SID 12 /* the default policy's initial SID domU */

static void die(const char *what)
{
    fprintf(stderr, "setup failed: %s\n", what);
    exit(1);
}

struct tcase {
    const char *mode;
    unsigned nr_boot; /* boot domains (labelled domU) */
    bool bare;        /* the operation is hv_create itself */
    int guests;       /* guests dom0 creates in the set-up */
};

struct fixture {
    struct hv *h;
    xsm_domid_t g[2];
    uint32_t port; /* dom0's port unbound for g[0] */
};

static int create(struct fixture *f, const struct tcase *tc)
{
    static const struct hv_domain_config boot[2] = {{.ssidref = DOMU_SID}, {.ssidref = DOMU_SID}};
    struct hv_config cfg = {
        .modules = "flask",
        .flask_mode = tc->mode,
        .boot_domains = boot,
        .nr_boot_domains = tc->nr_boot,
        .argo_mac_permissive = true,
    };

    return hv_create(&f->h, &cfg);
}

static void *setup(void *arg)
{
    const struct tcase *tc = arg;
    struct fixture *f = calloc(1, sizeof(*f));

    if (f == NULL)
        die("calloc");
    if (tc->bare)
        return f;
    if (create(f, tc) != 0)
        die("hv_create");
    for (int i = 0; i < tc->guests; i++) {
        struct hv_domain_config dc = {.ssidref = DOMU_SID, .flags = HV_CDF_hvm};

        if (hv_domain_create(f->h, 0, &dc, &f->g[i]) != 0)
            die("hv_domain_create");
    }
    if (tc->guests > 0 && hv_evtchn_alloc_unbound(f->h, 0, 0, f->g[0], &f->port) != 0)
        die("alloc_unbound");
    return f;
}

static void teardown(void *fx, void *arg)
{
    struct fixture *f = fx;

    (void)arg;
    hv_destroy(f->h);
    free(f);
}

/* ---- what a caller can see ---- */

static void observe(void *fx, void *arg, struct af_text *t)
{
    struct fixture *f = fx;
    struct hv *h = f->h;
    struct xsm_instance *mi;
    size_t len;
    const char *con;

    (void)arg;
    if (h == NULL) {
        af_printf(t, "no hypervisor\n");
        return;
    }
    mi = xsm_find_active(h->xsm, XSM_MODULE_FLASK);
    af_printf(t, "domains %u rover %u\n", hv_domain_count(h), h->rover);
    for (const struct hv_dom *d = h->doms; d != NULL; d = d->next) {
        const struct flask_domain_sec *s = flask_dsec(mi, &d->x);
        unsigned rings = 0;

        af_printf(t, "d%u: priv %d pause %d target %d sid %u self %u tsid %u\n", d->x.domid,
                  d->x.is_privileged, d->pause_count, d->x.target ? d->x.target->domid : -1,
                  s ? atomic_load(&s->sid) : 0, s ? atomic_load(&s->self_sid) : 0,
                  s ? atomic_load(&s->target_sid) : 0);
        for (uint32_t p = 1; p < d->nr_ports; p++) {
            const struct xsm_evtchn *c = &d->chn[p];

            if (c->state != XSM_ECS_FREE)
                af_printf(t, "  port %u: state %u remote %d:%u label %u pending %d\n", p, c->state,
                          c->remote ? c->remote->domid : c->remote_domid, c->remote_port,
                          c->label[mi->slot], d->port[p].pending);
        }
        for (const struct hv_argo_ring *r = d->rings; r != NULL; r = r->next, rings++) {
            unsigned msgs = 0;

            for (const struct hv_argo_qmsg *m = r->head; m != NULL; m = m->next)
                msgs++;
            af_printf(t, "  ring %u/%u len %u used %u msgs %u\n", r->aport, r->partner, r->len,
                      r->used, msgs);
        }
        af_printf(t, "  rings %u/%u midline %d\n", rings, d->nr_rings, d->con_midline);
    }
    con = hv_console_log(h, &len);
    af_printf(t, "console %zu %016llx\n", len,
              (unsigned long long)ss_observe_fnv(0xcbf29ce484222325ULL, con, len));
    ss_observe(flask_ss(mi), true, 16, t);
}

/* ---- operations ---- */

static int do_hv_create(void *fx, void *arg)
{
    return create(fx, arg);
}

/* The result is the new domain's id: a failed creation must not use one up. */
static int do_domain_create(void *fx, void *arg)
{
    struct fixture *f = fx;
    struct hv_domain_config dc = {.ssidref = DOMU_SID, .flags = HV_CDF_hvm};
    xsm_domid_t id = 0;
    int rc = hv_domain_create(f->h, 0, &dc, &id);

    (void)arg;
    return rc != 0 ? rc : id;
}

static int do_alloc_unbound(void *fx, void *arg)
{
    struct fixture *f = fx;
    uint32_t port = 0;
    int rc = hv_evtchn_alloc_unbound(f->h, f->g[0], f->g[0], f->g[1], &port);

    (void)arg;
    return rc != 0 ? rc : (int)port;
}

static int do_bind(void *fx, void *arg)
{
    struct fixture *f = fx;
    uint32_t port = 0;
    int rc = hv_evtchn_bind_interdomain(f->h, f->g[0], 0, f->port, &port);

    (void)arg;
    return rc != 0 ? rc : (int)port;
}

static int do_set_target(void *fx, void *arg)
{
    struct fixture *f = fx;

    (void)arg;
    return hv_domain_set_target(f->h, 0, f->g[1], f->g[0]);
}

static int do_argo_register(void *fx, void *arg)
{
    struct fixture *f = fx;

    (void)arg;
    return hv_argo_register_ring(f->h, f->g[0], 80, 0, 4096, 0);
}

static void *setup_ring(void *arg)
{
    struct fixture *f = setup(arg);

    if (do_argo_register(f, NULL) != 0)
        die("argo register");
    return f;
}

static int do_argo_send(void *fx, void *arg)
{
    struct fixture *f = fx;

    (void)arg;
    return (int)hv_argo_send(f->h, 0, 7, f->g[0], 80, 1, "hello", 5);
}

static int do_console_guest(void *fx, void *arg)
{
    struct fixture *f = fx;

    (void)arg;
    return (int)hv_console_write(f->h, f->g[0], "half a line", 11);
}

/* The console log is full: new output first drops the oldest. */
static void *setup_console_full(void *arg)
{
    struct fixture *f = setup(arg);
    static char block[HV_CONSOLE_MAX];

    memset(block, 'x', sizeof(block));
    if (hv_console_write(f->h, 0, block, sizeof(block)) != 0)
        die("console fill");
    return f;
}

static int do_console_dom0(void *fx, void *arg)
{
    struct fixture *f = fx;

    (void)arg;
    return (int)hv_console_write(f->h, 0, "new line\n", 9);
}

/* ---- the runs ---- */

static void run(const char *name, void *(*set)(void *), int (*fn)(void *, void *), struct tcase tc)
{
    struct af_op o = {
        .name = name,
        .arg = &tc,
        .setup = set,
        .run = fn,
        .observe = observe,
        .teardown = teardown,
    };
    struct af_result r = allocfail_run(&o);

    CHECK_EQ(r.bad, 0);
    CHECK(r.attempts > 1);
}

int main(void)
{
    struct tcase enf = {.mode = "enforcing", .guests = 2};
    struct tcase perm = {.mode = "permissive", .guests = 2};

    setvbuf(stdout, NULL, _IONBF, 0);

    run("hv_create", setup, do_hv_create, (struct tcase){.mode = "enforcing", .bare = true});
    run("hv_create with boot domains", setup, do_hv_create,
        (struct tcase){.mode = "enforcing", .nr_boot = 2, .bare = true});
    run("domain create", setup, do_domain_create, enf);
    run("domain create, first guest", setup, do_domain_create, (struct tcase){.mode = "enforcing"});
    run("evtchn alloc_unbound", setup, do_alloc_unbound, perm);
    run("evtchn bind_interdomain", setup, do_bind, perm);
    run("set_target", setup, do_set_target, perm);
    run("argo register", setup, do_argo_register, perm);
    run("argo send", setup_ring, do_argo_send, perm);
    run("console, a guest", setup, do_console_guest, perm);
    run("console, full log", setup_console_full, do_console_dom0, perm);
    CHECK(allocfail_active());

    return check_report("hv-allocfail");
}
