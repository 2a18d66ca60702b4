/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xsm_flask_ss(): a host reaches FLASK's security server for its questions
 * (xsmd's EXPLAIN and object-label requests use it).  It is there exactly
 * when FLASK is active; it answers from the live policy, so a boolean
 * committed through xsm_op shows in it; NULL otherwise.  Expectations come
 * from the default policy's source (policy/).
 */
#include <stdio.h>
#include <string.h>

#include <openxsm/ss.h>
#include <openxsm/xen/flask_op.h>
#include <openxsm/xsm.h>
#include <openxsm/xsm_op.h>

#include "../../../lib/flatmem.h"

static int failures;

#define CHECK(c)                                                                                   \
    do {                                                                                           \
        if (!(c)) {                                                                                \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #c);                  \
            failures++;                                                                            \
        }                                                                                          \
    } while (0)

static xsm_ctx *boot(const char *modules, const char *mode)
{
    struct xsm_config cfg = {.modules = modules, .flask_mode = mode};
    xsm_ctx *x = NULL;
    CHECK(xsm_create(&x, &cfg) == 0);
    return x;
}

/* FLASK_SETBOOL with commit, by name, as dom0. */
static long setbool(xsm_ctx *x, struct xsm_domain *dom0, const char *name, int v)
{
    xen_flask_op_t op;
    char buf[64];
    memset(&op, 0, sizeof(op));
    snprintf(buf, sizeof(buf), "%s", name);
    op.cmd = FLASK_SETBOOL;
    op.interface_version = XEN_FLASK_INTERFACE_VERSION;
    op.u.boolean.bool_id = 0xffffffffU;
    op.u.boolean.new_value = (uint8_t)v;
    op.u.boolean.commit = 1;
    op.u.boolean.size = (uint32_t)strlen(buf);
    op.u.boolean.name.p = buf;
    return xsm_do_op(x, dom0, &flat_guest, (uint64_t)(uintptr_t)&op);
}

int main(void)
{
    CHECK(xsm_flask_ss(NULL) == NULL);

    xsm_ctx *x = boot("dummy", NULL);
    CHECK(xsm_flask_ss(x) == NULL);
    xsm_destroy(x);
    x = boot("silo", NULL);
    CHECK(xsm_flask_ss(x) == NULL);
    xsm_destroy(x);
    x = boot("flask", "disabled");
    CHECK(xsm_flask_ss(x) == NULL);
    xsm_destroy(x);

    const char *stacks[] = {"flask", "silo,flask"};
    for (int i = 0; i < 2; i++) {
        x = boot(stacks[i], NULL);
        ss_ctx *ss = xsm_flask_ss(x);
        CHECK(ss != NULL);
        if (!ss) {
            xsm_destroy(x);
            continue;
        }
        CHECK(ss_policy_loaded(ss));
        CHECK(ss_class_value(ss, "domain") == 3); /* Xen's class order */
        int idx = ss_bool_index(ss, "prot_doms_locked", strlen("prot_doms_locked"));
        int active = -1;
        CHECK(idx >= 0 && ss_bool_get(ss, (unsigned)idx, &active, NULL) == 0 && active == 0);

        /* A boolean committed through the hypercall is what the server now has. */
        struct xsm_domain dom0 = {.domid = 0, .is_privileged = true};
        CHECK(xsm_alloc_security_domain(x, NULL, &dom0) == 0);
        CHECK(setbool(x, &dom0, "prot_doms_locked", 1) == 0);
        CHECK(ss_bool_get(ss, (unsigned)idx, &active, NULL) == 0 && active == 1);
        xsm_free_security_domain(x, NULL, &dom0);
        xsm_destroy(x);
    }
    x = boot("flask", "late");
    CHECK(xsm_flask_ss(x) != NULL && !ss_policy_loaded(xsm_flask_ss(x)));
    xsm_destroy(x);

    if (failures) {
        fprintf(stderr, "%d checks failed\n", failures);
        return 1;
    }
    printf("flask-ss: all checks passed\n");
    return 0;
}
