/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The core module (XSM_MODULE_CORE): which modules this build has and which
 * are active, asked through xsm_op, through XEN_SYSCTL_xsm_info or through
 * plain C calls.  All three are built on xsm_get_module_info() and
 * xsm_list_modules(), so they cannot disagree.
 *
 * Discovery is unprivileged on purpose: the answer only says which policy
 * engines run, which any guest can already infer by probing, and a guest
 * needs it to choose between, say, FLASK and SILO behaviour without the
 * ENOSYS guessing libxl does today.
 */
#include <errno.h>
#include <string.h>

#include "op_decode.h"

/* One limit: what a stack holds is what LIST_MODULES and the sysctl can report. */
_Static_assert(XSM_MAX_STACK == XSM_ACTIVE_MAX, "stack limit is the ABI's");
_Static_assert(XSM_CORE_LIST_MAX == XSM_ACTIVE_MAX, "LIST_MODULES reports a full stack");
_Static_assert(XSM_SYSCTL_ACTIVE_MAX == XSM_ACTIVE_MAX, "the sysctl reports a full stack");

const struct xsm_module *xsm_core_builtin(uint16_t id)
{
    if (id == XSM_MODULE_CORE)
        return &xsm_module_core;
    for (const struct xsm_module *const *m = xsm_builtin_modules; *m != NULL; m++)
        if ((*m)->id == id)
            return *m;
    return NULL;
}

const struct xsm_instance *xsm_core_active(const xsm_ctx *x, uint16_t id)
{
    unsigned n = x->nr < XSM_MAX_STACK ? x->nr : XSM_MAX_STACK;

    for (unsigned i = 0; i < n; i++)
        if (x->inst[i].mod != NULL && x->inst[i].mod->id == id)
            return &x->inst[i];
    return NULL;
}

/*
 * The descriptor behind id in this instance: an active module first (a host
 * may stack one from the private id range that is not in the built-in
 * table), else the built-in table, the core included.  So every id that
 * LIST_MODULES reports can be described and called.
 */
const struct xsm_module *xsm_core_module(const xsm_ctx *x, uint16_t id)
{
    const struct xsm_instance *mi = id != XSM_MODULE_CORE ? xsm_core_active(x, id) : NULL;

    return mi != NULL ? mi->mod : xsm_core_builtin(id);
}

bool xsm_core_declined(const xsm_ctx *x, uint16_t id)
{
    unsigned n = x->nr_declined < XSM_MAX_STACK ? x->nr_declined : XSM_MAX_STACK;

    for (unsigned i = 0; i < n; i++)
        if (x->declined[i] == id)
            return true;
    return false;
}

int xsm_list_modules(const xsm_ctx *x, uint16_t *ids, unsigned max)
{
    unsigned n, i;

    if (x == NULL || (ids == NULL && max != 0))
        return -EINVAL;
    n = x->nr < XSM_MAX_STACK ? x->nr : XSM_MAX_STACK;
    for (i = 0; i < n && i < max; i++)
        ids[i] = x->inst[i].mod->id;
    return (int)n;
}

int xsm_get_module_info(const xsm_ctx *x, uint16_t id, struct xsm_module_info *out)
{
    const struct xsm_module *mod;
    const struct xsm_instance *mi = NULL;
    struct xsm_module_info info;

    if (x == NULL || out == NULL)
        return -EINVAL;
    mod = xsm_core_module(x, id);
    if (mod == NULL)
        return -ENODEV;

    memset(&info, 0, sizeof(info));
    info.id = id;
    info.flags = XSM_MODINFO_BUILT;
    info.slot = XSM_MODINFO_NO_SLOT;
    if (mod == &xsm_module_core) {
        info.flags |= XSM_MODINFO_ACTIVE | XSM_MODINFO_CORE;
    } else {
        mi = xsm_core_active(x, id);
        if (mi != NULL) {
            info.flags |= XSM_MODINFO_ACTIVE;
            info.slot = (uint8_t)(mi - x->inst);
        } else if (xsm_core_declined(x, id)) {
            info.flags |= XSM_MODINFO_DECLINED;
        }
    }
    if (mod->flags & XSM_MODF_AUTHORITATIVE)
        info.flags |= XSM_MODINFO_AUTHORITATIVE;
    info.interface_version = mod->interface_version;
    info.first_cmd = XSM_OP_CMD(id, 1);
    /* nr_cmds == 0 gives last = first - 1: the empty range. */
    info.last_cmd = info.first_cmd + mod->nr_cmds - 1;
    if (mod->name != NULL)
        strncpy(info.name, mod->name, sizeof(info.name) - 1);

    *out = info;
    return 0;
}

int xsm_sysctl_xsm_info(const xsm_ctx *x, struct xen_sysctl_xsm_info *io)
{
    struct xen_sysctl_xsm_info res;
    uint16_t ids[XSM_MAX_STACK];
    int n, rc;

    if (x == NULL || io == NULL || io->pad != 0)
        return -EINVAL;

    memset(&res, 0, sizeof(res));
    res.query_id = io->query_id;
    if (io->query_id != XSM_MODULE_NONE) {
        rc = xsm_get_module_info(x, io->query_id, &res.info);
        if (rc < 0)
            return rc;
    }
    n = xsm_list_modules(x, ids, XSM_MAX_STACK);
    if (n < 0)
        return n;
    res.abi_version = XSM_ABI_VERSION;
    res.nr_active = (uint32_t)n;
    for (unsigned i = 0; i < XSM_SYSCTL_ACTIVE_MAX; i++)
        res.active[i] = i < (unsigned)n ? ids[i] : XSM_MODULE_NONE;

    *io = res;
    return 0;
}

/* Are payload bytes from..31 all zero?  Reserved bytes must be (docs/abi.md). */
static bool reserved_zero(const struct xsm_core_op *op, size_t from)
{
    for (size_t i = from; i < sizeof(op->u.raw); i++)
        if (op->u.raw[i] != 0)
            return false;
    return true;
}

static long core_list(const xsm_ctx *x, struct xsm_core_op *op)
{
    uint16_t ids[XSM_MAX_STACK];
    int n;

    if (op->u.list.flags != 0 || !reserved_zero(op, sizeof(op->u.list)))
        return -EINVAL;
    n = xsm_list_modules(x, ids, XSM_MAX_STACK);
    if (n < 0)
        return n;
    op->u.list.count = (uint32_t)n;
    for (unsigned i = 0; i < XSM_CORE_LIST_MAX; i++)
        op->u.list.ids[i] = i < (unsigned)n ? ids[i] : XSM_MODULE_NONE;
    return 0;
}

static long core_info(const xsm_ctx *x, struct xsm_core_op *op)
{
    struct xsm_module_info info;
    int rc;

    if (op->u.query.pad != 0)
        return -EINVAL;
    rc = xsm_get_module_info(x, op->u.query.id, &info);
    if (rc < 0)
        return rc;
    op->u.info = info;
    return 0;
}

static long core_op(struct xsm_instance *mi, struct xsm_domain *cur, const struct xsm_guest *g,
                    void *opbuf, bool *copyback)
{
    struct xsm_core_op *op = opbuf;
    long rc;

    (void)cur;
    (void)g; /* no handles: native and compat are the same bytes */

    switch (XSM_OP_SUBCMD(op->cmd)) {
    case XSM_CORE_LIST_MODULES:
        rc = core_list(mi->ctx, op);
        break;
    case XSM_CORE_MODULE_INFO:
        rc = core_info(mi->ctx, op);
        break;
    case XSM_CORE_VERSION:
        return reserved_zero(op, 0) ? XSM_ABI_VERSION : -EINVAL;
    default:
        return -ENOSYS;
    }
    if (rc == 0)
        *copyback = true;
    return rc;
}

const struct xsm_module xsm_module_core = {
    .id = XSM_MODULE_CORE,
    .name = "core",
    .flags = 0,
    .interface_version = XSM_CORE_INTERFACE_VERSION,
    .nr_cmds = XSM_CORE_NR_CMDS,
    .op = core_op,
};
