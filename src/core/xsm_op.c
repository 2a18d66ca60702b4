/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The common xsm_op dispatcher (__HYPERVISOR_xsm_op, hypercall 27).
 *
 * Design (docs/abi.md is the full text):
 *
 * The op is always the 40 bytes of Xen's xen_flask_op_t, in both ABIs: the
 * core never copies more or fewer, so a caller that does not know which
 * modules are active can never have its buffer over-read or over-written.
 * The command word names a module in its high half and a subcommand in its
 * low half; FLASK is module 0, so its legacy numbers are unchanged.
 *
 * Routing is decode-then-perform: every check that can fail on the request
 * alone (module known, active, interface version, subcommand range) runs
 * before a module sees the op, and each has its own errno so a caller can
 * tell "not in this build" from "built but switched off" from "wrong
 * version" from "no such command" (Landlock's lesson; Xen said -ENOSYS to
 * all of them).  The module then does its own decode/perform on the copy.
 * Copy-back happens here, once, only for a non-negative result the module
 * asked to publish; positive results travel back untouched.
 *
 * Module 0 is the exception: its command words are Xen's FLASK ABI, whose
 * callers read -ENOSYS as "no XSM" (libxl's seclabel handling, xl, the
 * Python bindings), so for FLASK every routing failure is -ENOSYS, exactly
 * as Xen 4.17 answers without FLASK.  Such a caller learns why FLASK is
 * absent from discovery instead (MODULE_INFO flags, docs/abi.md §3.2).
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "op_decode.h"

/* The op buffer handed to modules: 40 bytes, aligned for every view. */
union xsm_op_buf {
    xen_flask_op_t flask;
    compat_flask_op_t compat;
    struct xsm_core_op core;
    uint64_t align;
    unsigned char bytes[XSM_OP_SIZE];
};
_Static_assert(sizeof(union xsm_op_buf) == XSM_OP_SIZE, "the op buffer is exactly 40 bytes");

/* A routing failure as the caller sees it: always -ENOSYS for FLASK's words. */
static long route_error(uint16_t id, long err)
{
    return id == XSM_MODULE_FLASK ? -ENOSYS : err;
}

long xsm_do_op(xsm_ctx *x, struct xsm_domain *cur, const struct xsm_guest *g, uint64_t op_gaddr)
{
    union xsm_op_buf op;
    const struct xsm_module *mod;
    struct xsm_instance *mi;
    struct xsm_instance core_inst;
    uint32_t cmd, version;
    uint16_t id, sub;
    bool copyback = false;
    long rc;

    if (x == NULL || g == NULL || g->copy_from == NULL)
        return -EINVAL;

    if (g->copy_from(g->opaque, op.bytes, op_gaddr, XSM_OP_SIZE) != 0)
        return -EFAULT;

    memcpy(&cmd, op.bytes, sizeof(cmd));
    memcpy(&version, op.bytes + 4, sizeof(version));
    id = XSM_OP_MODULE(cmd);
    sub = XSM_OP_SUBCMD(cmd);

    mod = xsm_core_module(x, id);
    if (mod == NULL)
        return route_error(id, -ENODEV);

    if (mod == &xsm_module_core) {
        /* The core has no stack slot; it runs against the whole context. */
        core_inst.ctx = x;
        core_inst.mod = mod;
        core_inst.slot = XSM_MODINFO_NO_SLOT;
        core_inst.priv = NULL;
        mi = &core_inst;
    } else {
        mi = (struct xsm_instance *)xsm_core_active(x, id);
        if (mi == NULL)
            return route_error(id, -EOPNOTSUPP);
        mod = mi->mod;
    }

    if (version != mod->interface_version)
        return route_error(id, -EBADMSG);
    if (sub == 0 || sub > mod->nr_cmds || mod->op == NULL)
        return -ENOSYS;

    rc = mod->op(mi, cur, g, op.bytes, &copyback);
    if (rc < 0 || !copyback)
        return rc;

    if (g->copy_to == NULL || g->copy_to(g->opaque, op_gaddr, op.bytes, XSM_OP_SIZE) != 0)
        return -EFAULT;
    return rc;
}
