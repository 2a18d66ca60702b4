/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What "active" means for each boot selection (docs/abi.md §6), checked
 * through the guest's view: LIST_MODULES, MODULE_INFO for FLASK, and what a
 * FLASK command word answers.  Also the module-id rules a stack must follow
 * (docs/abi.md §4.1): ids 1 (the core) and 0xffff (no module) are never
 * stacked.  Expected values are the table in the document.
 *
 * Runs against the real library, so the FLASK rows need FLASK in this build;
 * without it they are replaced by the "FLASK not built" rows.
 */
#include <errno.h>
#include <stdlib.h>

#include <openxsm/xen/flask_op.h>

#include "core/ops.h"
#include "guestmem.h"

#define OP_ADDR (GM_BASE + 64)
#define NONE    0xffff

static struct gm m;

/* One xsm_op from a native guest with a zero payload; the result, and the payload into out. */
static long op(xsm_ctx *x, uint32_t cmd, uint32_t ver, void *out, size_t len)
{
    struct xsm_guest g = gm_guest(&m, false);
    long rc;

    memset(m.mem, 0, sizeof(m.mem));
    memcpy(m.mem + 64, &cmd, 4);
    memcpy(m.mem + 68, &ver, 4);
    rc = xsm_do_op(x, NULL, &g, OP_ADDR);
    if (out != NULL)
        memcpy(out, m.mem + 72, len);
    return rc;
}

struct row {
    const char *modules, *flask_mode;
    uint16_t active[XSM_MAX_STACK]; /* NONE-terminated */
    int flask_info;                 /* MODULE_INFO(0) flags, or -ENODEV */
    long getenforce;                /* FLASK_GETENFORCE's answer */
};

#define B  XSM_MODINFO_BUILT
#define A  XSM_MODINFO_ACTIVE
#define AU XSM_MODINFO_AUTHORITATIVE
#define D  XSM_MODINFO_DECLINED

static const struct row with_flask[] = {
    {NULL, NULL, {XSM_MODULE_DUMMY, NONE}, B | AU, -ENOSYS},
    {"", NULL, {XSM_MODULE_DUMMY, NONE}, B | AU, -ENOSYS},
    {"dummy", NULL, {XSM_MODULE_DUMMY, NONE}, B | AU, -ENOSYS},
    {"silo", NULL, {XSM_MODULE_SILO, NONE}, B | AU, -ENOSYS},
    {"flask", NULL, {XSM_MODULE_FLASK, NONE}, B | A | AU, 1},
    {"flask", "permissive", {XSM_MODULE_FLASK, NONE}, B | A | AU, 0},
    {"flask", "late", {XSM_MODULE_FLASK, NONE}, B | A | AU, 1},
    {"flask", "disabled", {XSM_MODULE_DUMMY, NONE}, B | AU | D, -ENOSYS},
    {"silo,flask", NULL, {XSM_MODULE_SILO, XSM_MODULE_FLASK, NONE}, B | A | AU, 1},
    {"flask,silo", NULL, {XSM_MODULE_FLASK, XSM_MODULE_SILO, NONE}, B | A | AU, 1},
    {"silo,flask", "disabled", {XSM_MODULE_SILO, NONE}, B | AU | D, -ENOSYS},
    /* An unknown name: the default module (FLASK) alone. */
    {"nosuch", NULL, {XSM_MODULE_FLASK, NONE}, B | A | AU, 1},
    {"silo,nosuch", NULL, {XSM_MODULE_FLASK, NONE}, B | A | AU, 1},
    {"nosuch", "disabled", {XSM_MODULE_DUMMY, NONE}, B | AU | D, -ENOSYS},
};

static const struct row without_flask[] = {
    {NULL, NULL, {XSM_MODULE_DUMMY, NONE}, -ENODEV, -ENOSYS},
    {"silo", NULL, {XSM_MODULE_SILO, NONE}, -ENODEV, -ENOSYS},
    /* "flask" is an unknown name here: the default module (SILO) alone. */
    {"flask", NULL, {XSM_MODULE_SILO, NONE}, -ENODEV, -ENOSYS},
    {"dummy,flask", NULL, {XSM_MODULE_SILO, NONE}, -ENODEV, -ENOSYS},
};

static void check_row(const struct row *r)
{
    struct xsm_config cfg = {.modules = r->modules, .flask_mode = r->flask_mode};
    struct xsm_core_list_modules list;
    struct xsm_module_info info;
    struct xsm_core_module_query q = {.id = XSM_MODULE_FLASK};
    xsm_ctx *x = NULL;
    unsigned n = 0;
    long rc;

    CHECK_EQ(xsm_create(&x, &cfg), 0);
    if (x == NULL) {
        fprintf(stderr, "  row \"%s\" / %s\n", r->modules ? r->modules : "(null)",
                r->flask_mode ? r->flask_mode : "(null)");
        return;
    }
    while (n < XSM_MAX_STACK && r->active[n] != NONE)
        n++;

    CHECK_EQ(op(x, XSM_OP_CMD(XSM_MODULE_CORE, XSM_CORE_LIST_MODULES), 1, &list, sizeof(list)), 0);
    CHECK_EQ(list.count, n);
    for (unsigned i = 0; i < XSM_MAX_STACK; i++)
        CHECK_EQ(list.ids[i], i < n ? r->active[i] : NONE);

    memset(m.mem, 0, sizeof(m.mem));
    {
        struct xsm_guest g = gm_guest(&m, false);
        uint32_t cmd = XSM_OP_CMD(XSM_MODULE_CORE, XSM_CORE_MODULE_INFO), ver = 1;

        memcpy(m.mem + 64, &cmd, 4);
        memcpy(m.mem + 68, &ver, 4);
        memcpy(m.mem + 72, &q, sizeof(q));
        rc = xsm_do_op(x, NULL, &g, OP_ADDR);
        memcpy(&info, m.mem + 72, sizeof(info));
    }
    if (r->flask_info < 0) {
        CHECK_EQ(rc, r->flask_info);
    } else {
        CHECK_EQ(rc, 0);
        CHECK_EQ(info.flags, r->flask_info);
    }

    CHECK_EQ(op(x, XSM_OP_CMD(XSM_MODULE_FLASK, FLASK_GETENFORCE), 1, NULL, 0), r->getenforce);

    /* The dummy module answers -ENOSYS (no commands) when active, else -EOPNOTSUPP. */
    rc = op(x, XSM_OP_CMD(XSM_MODULE_DUMMY, 1), 1, NULL, 0);
    CHECK_EQ(rc, xsm_find_active(x, XSM_MODULE_DUMMY) != NULL ? -ENOSYS : -EOPNOTSUPP);
    xsm_destroy(x);
}

static const struct xsm_module t_core_id = {.id = XSM_MODULE_CORE, .name = "fake-core"};
static const struct xsm_module t_none_id = {.id = XSM_MODULE_NONE, .name = "none"};
static const struct xsm_module t_priv1 = {.id = 0x8000, .name = "priv1", .interface_version = 1};
static const struct xsm_module t_priv2 = {.id = 0xfffe, .name = "priv2", .interface_version = 1};
static const struct xsm_module t_priv3 = {.id = 0x9000, .name = "priv3", .interface_version = 1};

static void test_ids(void)
{
    const struct xsm_module *core[] = {&xsm_module_silo, &t_core_id};
    const struct xsm_module *none[] = {&t_none_id};
    const struct xsm_module *full[] = {&xsm_module_silo, &t_priv1, &xsm_module_dummy, &t_priv2,
                                       &t_priv3};
    xsm_ctx *x = NULL;

    CHECK_EQ(xsm_create_stack(&x, core, 2, NULL), -EINVAL);
    CHECK_EQ(xsm_create_stack(&x, none, 1, NULL), -EINVAL);
    CHECK(x == NULL);
    CHECK_EQ(xsm_create_stack(&x, full, XSM_MAX_STACK + 1, NULL), -EINVAL);
    CHECK_EQ(xsm_create_stack(&x, full, XSM_MAX_STACK, NULL), 0);
    if (x != NULL) {
        struct xsm_core_list_modules list;

        CHECK_EQ(op(x, XSM_OP_CMD(XSM_MODULE_CORE, XSM_CORE_LIST_MODULES), 1, &list, sizeof(list)),
                 0);
        CHECK_EQ(list.count, XSM_MAX_STACK);
        CHECK_EQ(list.ids[1], 0x8000);
        CHECK_EQ(list.ids[3], 0xfffe);
        /* The private modules have no commands: active, so -ENOSYS. */
        CHECK_EQ(op(x, XSM_OP_CMD(0x8000, 1), 1, NULL, 0), -ENOSYS);
        CHECK_EQ(op(x, XSM_OP_CMD(0xfffe, 1), 1, NULL, 0), -ENOSYS);
        xsm_destroy(x);
    }
}

int main(void)
{
    struct xsm_config cfg = {.modules = "flask"};
    struct xsm_module_info info;
    xsm_ctx *probe = NULL;
    bool have_flask;

    /* Is FLASK in this build?  A build without it boots SILO for "flask". */
    if (xsm_create(&probe, &cfg) != 0 || probe == NULL) {
        fprintf(stderr, "cannot create a context\n");
        return 1;
    }
    have_flask = xsm_get_module_info(probe, XSM_MODULE_FLASK, &info) == 0;
    xsm_destroy(probe);

    if (have_flask)
        for (size_t i = 0; i < sizeof(with_flask) / sizeof(with_flask[0]); i++)
            check_row(&with_flask[i]);
    else
        for (size_t i = 0; i < sizeof(without_flask) / sizeof(without_flask[0]); i++)
            check_row(&without_flask[i]);

    /* Host errors in the boot string: empty element, repeated name, too many names. */
    {
        const char *bad[] = {"silo,,dummy", "silo,silo", ",silo", "dummy,silo,a,b,c"};

        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
            xsm_ctx *x = NULL;
            struct xsm_config c = {.modules = bad[i]};

            CHECK_EQ(xsm_create(&x, &c), -EINVAL);
            CHECK(x == NULL);
        }
    }

    test_ids();
    if (t_failures) {
        fprintf(stderr, "%d checks failed\n", t_failures);
        return 1;
    }
    printf("selection: %s rows passed\n", have_flask ? "FLASK" : "no-FLASK");
    return 0;
}
