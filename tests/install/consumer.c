/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * An out-of-tree program built against an installed openxsm, the way a
 * user of the library builds: only the installed headers and
 * `pkg-config --cflags --libs openxsm`.  The same file is compiled as C11
 * and as C++17 (so it sticks to what both languages share: no designated
 * initialisers, no compound literals, no implicit void * conversions).
 *
 * It boots FLASK with the embedded default policy (policy/), runs a hook
 * both ways, issues xsm_op from the control domain through guest memory,
 * and touches the security server and the hypervisor model, so that each
 * public prefix (xsm_, ss_, hv_) is resolved from the library.
 * Exit 0 when every check holds, 1 otherwise.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <openxsm/hv.h>
#include <openxsm/ss.h>
#include <openxsm/xen/flask_op.h>
#include <openxsm/xsm.h>
#include <openxsm/xsm_op.h>

static int failures;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "consumer: %s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);     \
            failures++;                                                                            \
        }                                                                                          \
    } while (0)

/* The X-macro hook list, expanded by a user of the library: count it. */
#define XSM_HOOK(name, ACTION, SRC, TGT, PARAMS, ARGS) +1
#define XSM_HOOK_OTHER(rtype, name, PARAMS, ARGS)      +1
#define XSM_HOOK_REPLACED(name)                        +1
static const int hooks_listed = 0
#include <openxsm/hook-defs.h>
    ;

/* The guest's memory: a small bounded array, guest address = offset. */
struct guest_ram {
    unsigned char bytes[4096];
};

static int ram_from(void *opaque, void *dst, uint64_t gaddr, size_t len)
{
    struct guest_ram *ram = (struct guest_ram *)opaque;

    if (gaddr > sizeof(ram->bytes) || len > sizeof(ram->bytes) - gaddr)
        return -EFAULT;
    memcpy(dst, ram->bytes + gaddr, len);
    return 0;
}

static int ram_to(void *opaque, uint64_t gaddr, const void *src, size_t len)
{
    struct guest_ram *ram = (struct guest_ram *)opaque;

    if (gaddr > sizeof(ram->bytes) || len > sizeof(ram->bytes) - gaddr)
        return -EFAULT;
    memcpy(ram->bytes + gaddr, src, len);
    return 0;
}

#define OP_ADDR  0x100U /* where the guest keeps the 40-byte op */
#define STR_ADDR 0x200U /* and a context string */

static long flask_op(xsm_ctx *x, struct xsm_domain *cur, const struct xsm_guest *g,
                     struct guest_ram *ram, xen_flask_op_t *op)
{
    long rc;

    memcpy(ram->bytes + OP_ADDR, op, sizeof(*op));
    rc = xsm_do_op(x, cur, g, OP_ADDR);
    memcpy(op, ram->bytes + OP_ADDR, sizeof(*op));
    return rc;
}

static void check_xsm(void)
{
    static const char dom0_ctx[] = "system_u:system_r:dom0_t";
    struct xsm_config cfg;
    struct xsm_domain idle, dom0, guest;
    struct xsm_guest g;
    struct guest_ram ram;
    xen_flask_op_t op;
    uint16_t ids[XSM_MAX_STACK];
    xsm_ctx *x = NULL;

    memset(&cfg, 0, sizeof(cfg));
    cfg.modules = "flask"; /* policy NULL: the embedded default policy */
    CHECK(xsm_create(&x, &cfg) == 0);
    if (x == NULL)
        return;
    CHECK(xsm_list_modules(x, ids, XSM_MAX_STACK) == 1);
    CHECK(ids[0] == XSM_MODULE_FLASK);

    /* Labels as at Xen's boot: idle labels dom0; a guest has no label. */
    memset(&idle, 0, sizeof(idle));
    memset(&dom0, 0, sizeof(dom0));
    memset(&guest, 0, sizeof(guest));
    idle.domid = XSM_DOMID_IDLE;
    idle.is_privileged = true;
    dom0.domid = 0;
    dom0.is_privileged = true;
    guest.domid = 1;
    CHECK(xsm_alloc_security_domain(x, NULL, &idle) == 0);
    CHECK(xsm_alloc_security_domain(x, &idle, &dom0) == 0);
    CHECK(xsm_alloc_security_domain(x, &idle, &guest) == 0);

    /* A hook: policy/modules/dom0.te lets dom0_t read the console; nothing
     * lets unlabeled_t, and FLASK denies with -EACCES. */
    CHECK(xsm_readconsole(x, &dom0, 0) == 0);
    CHECK(xsm_readconsole(x, &guest, 0) == -EACCES);

    /* xsm_op from dom0 through its memory. */
    memset(&ram, 0, sizeof(ram));
    g.copy_from = ram_from;
    g.copy_to = ram_to;
    g.opaque = &ram;
    g.compat = false;

    memset(&op, 0, sizeof(op));
    op.cmd = FLASK_GETENFORCE;
    op.interface_version = XEN_FLASK_INTERFACE_VERSION;
    CHECK(flask_op(x, &dom0, &g, &ram, &op) == 1);

    memcpy(ram.bytes + STR_ADDR, dom0_ctx, sizeof(dom0_ctx));
    memset(&op, 0, sizeof(op));
    op.cmd = FLASK_CONTEXT_TO_SID;
    op.interface_version = XEN_FLASK_INTERFACE_VERSION;
    op.u.sid_context.size = (uint32_t)sizeof(dom0_ctx);
    op.u.sid_context.context.p = (char *)(uintptr_t)STR_ADDR;
    CHECK(flask_op(x, &dom0, &g, &ram, &op) == 0);
    CHECK(op.u.sid_context.sid != 0);
    /* security_domaininfo reports each domain's SID: dom0's is the SID of
     * dom0_t's context just looked up, the unlabelled guest's another. */
    {
        struct xsm_domaininfo info;
        memset(&info, 0, sizeof(info));
        xsm_security_domaininfo(x, &dom0, &dom0, &info);
        CHECK(info.ssidref == op.u.sid_context.sid);
        xsm_security_domaininfo(x, &dom0, &guest, &info);
        CHECK(info.ssidref != op.u.sid_context.sid);
    }

    /* The core module's VERSION: the framework ABI, a positive result. */
    memset(&op, 0, sizeof(op));
    op.cmd = XSM_OP_CMD(XSM_MODULE_CORE, XSM_CORE_VERSION);
    op.interface_version = XSM_CORE_INTERFACE_VERSION;
    CHECK(flask_op(x, &guest, &g, &ram, &op) == XSM_ABI_VERSION);

    xsm_free_security_domain(x, &idle, &guest);
    xsm_free_security_domain(x, &idle, &dom0);
    xsm_free_security_domain(x, NULL, &idle);
    xsm_destroy(x);
}

static void check_ss(void)
{
    ss_ctx *ss = NULL;
    ss_sid sid = 0;

    CHECK(ss_create(&ss, NULL) == 0);
    if (ss == NULL)
        return;
    CHECK(!ss_policy_loaded(ss));
    CHECK(ss_context_to_sid(ss, "a:b:c", 5, &sid) == -ENODATA);
    ss_destroy(ss);
}

static void check_hv(void)
{
    struct hv_config cfg;
    struct hv *h = NULL;

    memset(&cfg, 0, sizeof(cfg));
    cfg.modules = "flask";
    CHECK(hv_create(&h, &cfg) == 0);
    if (h == NULL)
        return;
    CHECK(hv_domain_exists(h, 0));
    CHECK(xsm_active_count(hv_xsm(h)) == 1);
    hv_destroy(h);
}

int main(void)
{
    CHECK(hooks_listed == XSM_NR_XEN_HOOKS);
    check_xsm();
    check_ss();
    check_hv();
    if (failures == 0)
        printf("consumer: all checks passed\n");
    return failures == 0 ? 0 : 1;
}
