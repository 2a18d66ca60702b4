/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The dispatcher in a build without FLASK.  Like test_dispatch, this
 * program is built from src/core/xsm_op.c and discovery.c only, with its
 * own table of built modules: here just dummy and SILO stand-ins.
 *
 * Xen 4.17 without FLASK answers every xsm_op with -ENOSYS, and callers rely
 * on it (libxl takes -ENOSYS from FLASK_CONTEXT_TO_SID for "XSM disabled"),
 * so every module-0 command word, with any interface version, must be
 * -ENOSYS and touch nothing; other unknown modules keep -ENODEV.  Discovery
 * tells why: MODULE_INFO for id 0 is -ENODEV (not in this build).
 */
#include <errno.h>
#include <stdlib.h>

#include "core/op_decode.h"
#include "guestmem.h"

static const struct xsm_module tdummy = {
    .id = XSM_MODULE_DUMMY,
    .name = "dummy",
    .flags = XSM_MODF_AUTHORITATIVE,
    .interface_version = 1,
};
static const struct xsm_module tsilo = {
    .id = XSM_MODULE_SILO,
    .name = "silo",
    .interface_version = 1,
};

const struct xsm_module *const xsm_builtin_modules[] = {&tdummy, &tsilo, NULL};

#define OP_ADDR (GM_BASE + 64)

static long call(xsm_ctx *x, struct gm *m, uint32_t cmd, uint32_t ver, const void *payload,
                 size_t len, bool compat)
{
    struct xsm_guest g = gm_guest(m, compat);

    memset(m->mem, 0xa5, sizeof(m->mem));
    memcpy(m->mem + 64, &cmd, 4);
    memcpy(m->mem + 68, &ver, 4);
    memset(m->mem + 72, 0, 32);
    if (payload != NULL)
        memcpy(m->mem + 72, payload, len);
    m->nr_from = m->nr_to = 0;
    m->fail_from = m->fail_to = false;
    return xsm_do_op(x, NULL, &g, OP_ADDR);
}

int main(void)
{
    static struct gm m;
    xsm_ctx x;
    struct xsm_core_module_query q = {.id = XSM_MODULE_FLASK};
    static const uint32_t vers[] = {0, 1, 2, 0xffffffffU};

    memset(&x, 0, sizeof(x));
    x.nr = 1;
    x.inst[0] = (struct xsm_instance){&x, &tsilo, 0, NULL};

    for (int compat = 0; compat < 2; compat++) {
        for (uint32_t sub = 0; sub <= FLASK_NR_CMDS + 2; sub++) {
            for (size_t v = 0; v < sizeof(vers) / sizeof(vers[0]); v++) {
                CHECK_EQ(call(&x, &m, XSM_OP_CMD(XSM_MODULE_FLASK, sub), vers[v], NULL, 0, compat),
                         -ENOSYS);
                CHECK_EQ(m.nr_to, 0);
            }
        }
        CHECK_EQ(call(&x, &m, XSM_OP_CMD(XSM_MODULE_FLASK, 0xffff), 1, NULL, 0, compat), -ENOSYS);
        /* Other modules keep their distinct answers. */
        CHECK_EQ(call(&x, &m, XSM_OP_CMD(4, 1), 1, NULL, 0, compat), -ENODEV);
        CHECK_EQ(call(&x, &m, XSM_OP_CMD(XSM_MODULE_DUMMY, 1), 1, NULL, 0, compat), -EOPNOTSUPP);
        CHECK_EQ(call(&x, &m, XSM_OP_CMD(XSM_MODULE_SILO, 1), 2, NULL, 0, compat), -EBADMSG);
        /* Discovery: FLASK is not in this build. */
        CHECK_EQ(call(&x, &m, XSM_OP_CMD(XSM_MODULE_CORE, XSM_CORE_MODULE_INFO), 1, &q, sizeof(q),
                      compat),
                 -ENODEV);
        CHECK_EQ(m.nr_to, 0);
    }
    if (t_failures) {
        fprintf(stderr, "%d checks failed\n", t_failures);
        return 1;
    }
    printf("dispatcher without FLASK: all checks passed\n");
    return 0;
}
