/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hypercall entry: Xen's numbers and argument registers, structures read
 * from and written to the caller's guest memory in Xen's layouts.
 *
 * Layouts are written here as byte offsets (our own transcription of the
 * Xen 4.17 public headers, checked with gcc -m64 and -m32).  Where the
 * 32-bit (compat) layout differs - XENVER_platform_parameters - both are
 * handled; every other structure used here is the same in both ABIs (domctl
 * and sysctl, which use 64-bit handles and aligned 64-bit fields by
 * design).  Subsystems with a file of their own decode their hypercall
 * there: event_channel_op in evtchn.c, grant_table_op in gnttab.c, argo_op
 * in argo.c, memory_op in memory.c, hvm_op in hvm.c, vcpu_op in vcpu.c.
 *
 * Pattern of every handler: copy the whole request in (-EFAULT, nothing
 * changed), probe the output areas, run the operation (checks, hook,
 * effect), copy the results out.
 */
#include <stdlib.h>
#include <string.h>

#include <openxsm/xsm_op.h>

#include "hv_priv.h"

/* ---- xen_version (17) ---------------------------------------------------------------- */

struct version_arg {
    struct hv_dom *cur;
    uint64_t arg;
};

static int version_fetch(void *ctx, uint8_t *io, size_t len)
{
    const struct version_arg *va = ctx;

    return hv_gcopy_from(va->cur, io, va->arg, len) != 0 ? -EFAULT : 0;
}

static long do_version(struct hv *h, struct hv_dom *cur, uint64_t cmd, uint64_t arg)
{
    struct version_arg va = {cur, arg};
    uint8_t io[1024] = {0};
    size_t out_len;
    long rc;

    if (cmd > 0xffffffffULL)
        return -ENOSYS;
    rc = hv_xenver_core(h, cur, (unsigned)cmd, cur->guest.compat, io, &out_len, arg == 0,
                        version_fetch, &va);
    if (rc < 0 || !out_len)
        return rc;
    if (cmd == HV_XENVER_build_id) /* only the id bytes go back, after the length */
        return hv_gcopy_to(cur, arg + 4, io + 4, out_len - 4) ? -EFAULT : rc;
    return hv_gcopy_to(cur, arg, io, out_len) ? -EFAULT : rc;
}

/* ---- console_io (18) ------------------------------------------------------------------- */

static long do_console(struct hv *h, struct hv_dom *cur, uint64_t cmd, uint64_t count, uint64_t buf)
{
    long rc;

    switch (cmd) {
    case HV_CONSOLEIO_write: {
        char *tmp;

        rc = xsm_console_io(h->xsm, &cur->x, &cur->x, HV_CONSOLEIO_write);
        if (rc)
            return rc;
        if (count > HV_CONSOLE_MAX)
            return -EINVAL;
        tmp = malloc(count ? count : 1);
        if (!tmp)
            return -ENOMEM;
        rc = hv_gcopy_from(cur, tmp, buf, count);
        if (!rc)
            rc = hv_console_emit(h, cur, tmp, count);
        free(tmp);
        return rc;
    }
    case HV_CONSOLEIO_read: {
        char tmp[HV_CONSOLE_IN_MAX];
        size_t n;

        rc = xsm_console_io(h->xsm, &cur->x, &cur->x, HV_CONSOLEIO_read);
        if (rc)
            return rc;
        if ((uint32_t)count > 0x7fffffffU || count > 0xffffffffULL)
            return -E2BIG;
        n = count < h->con_in_len ? count : h->con_in_len;
        memcpy(tmp, h->con_in, n);
        if (hv_gcopy_to(cur, buf, tmp, n))
            return -EFAULT;
        memmove(h->con_in, h->con_in + n, h->con_in_len - n);
        h->con_in_len -= n;
        return (long)n;
    }
    default:
        return -ENOSYS;
    }
}

/* ---- domctl (36) -------------------------------------------------------------------------- */

#define DOMCTL_SIZE 144
#define SYSCTL_SIZE 136

long hv_do_domctl(struct hv *h, struct hv_dom *cur, uint64_t a)
{
    uint8_t b[DOMCTL_SIZE];
    uint8_t *u = b + 16;
    xsm_domid_t id = cur->x.domid, dom;
    uint32_t cmd;
    long rc;

    if (hv_gcopy_from(cur, b, a, sizeof(b)))
        return -EFAULT;
    if (hv_ld32(b + 4) != HV_DOMCTL_INTERFACE_VERSION)
        return -EACCES;
    cmd = hv_ld32(b);
    dom = hv_ld16(b + 8);
    switch (cmd) {
    case HV_DOMCTL_createdomain: {
        struct hv_domain_config c = {0};
        uint32_t flags = hv_ld32(u + 20);
        int32_t gf = (int32_t)hv_ld32(u + 36);
        xsm_domid_t newid = 0;

        /* Xen's order: the domctl hook, then the request's checks. */
        rc = xsm_domctl(h->xsm, &cur->x, NULL, (int)cmd);
        if (rc)
            return rc;
        if (flags & ~0xffU) /* bits beyond XEN_DOMCTL_CDF_MAX */
            return -EINVAL;
        if (hv_gprobe_to(cur, a, sizeof(b)))
            return -EFAULT;
        c.domid = dom;
        c.ssidref = hv_ld32(u);
        memcpy(c.handle, u + 4, 16);
        c.flags = flags & (HV_CDF_hvm | HV_CDF_hap | HV_CDF_xs_domain);
        c.max_evtchn_port = hv_ld32(u + 32);
        c.max_grant_frames = gf > 0 ? (uint32_t)gf : 0;
        rc = hv_dom_create(h, &cur->x, &c, &newid);
        if (rc)
            return rc;
        hv_st16(b + 8, newid);
        if (hv_gcopy_to(cur, a, b, sizeof(b))) {
            /* Cannot report the new domain: take it back. */
            hv_dom_kill(h, hv_dom_get(h, newid));
            return -EFAULT;
        }
        return 0;
    }
    case HV_DOMCTL_destroydomain:
        return hv_domain_destroy(h, id, dom);
    case HV_DOMCTL_pausedomain:
        return hv_domain_pause(h, id, dom);
    case HV_DOMCTL_unpausedomain:
        return hv_domain_unpause(h, id, dom);
    case HV_DOMCTL_getdomaininfo: {
        struct hv_dominfo di;

        rc = hv_domain_getinfo(h, id, dom, &di);
        if (rc)
            return rc;
        memset(u, 0, 112);
        hv_st16(u, di.domid);
        hv_st32(u + 4, di.flags);
        hv_st64(u + 8, di.tot_pages);
        hv_st64(u + 16, di.max_pages);
        hv_st32(u + 64, 1); /* nr_online_vcpus */
        hv_st32(u + 68, 0); /* max_vcpu_id */
        hv_st32(u + 72, di.ssidref);
        memcpy(u + 76, di.handle, 16);
        u[96] = 36; /* gpaddr_bits */
        hv_st16(b + 8, di.domid);
        return hv_gcopy_to(cur, a, b, sizeof(b));
    }
    case HV_DOMCTL_set_target:
        return hv_domain_set_target(h, id, dom, hv_ld16(u));
    default: {
        /* Not modelled: still subject to the domctl hook, as in Xen. */
        struct hv_dom *d = hv_dom_get(h, dom);

        if (!d)
            return -ESRCH;
        rc = xsm_domctl(h->xsm, &cur->x, &d->x, (int)cmd);
        return rc ? rc : -ENOSYS;
    }
    }
}

/* ---- sysctl (35) --------------------------------------------------------------------------- */

long hv_do_sysctl(struct hv *h, struct hv_dom *cur, uint64_t a)
{
    uint8_t b[SYSCTL_SIZE];
    uint8_t *u = b + 8;
    uint32_t cmd;
    long rc;

    if (hv_gcopy_from(cur, b, a, sizeof(b)))
        return -EFAULT;
    if (hv_ld32(b + 4) != HV_SYSCTL_INTERFACE_VERSION)
        return -EACCES;
    cmd = hv_ld32(b);

    rc = xsm_sysctl(h->xsm, &cur->x, (int)cmd);
    if (rc)
        return rc;
    if (cmd == XEN_SYSCTL_xsm_info) {
        /* Like every sysctl, checked by the sysctl hook first (toolstack only). */
        struct xen_sysctl_xsm_info io;

        _Static_assert(sizeof(io) <= SYSCTL_SIZE - 8, "xsm_info fits the sysctl union");
        memcpy(&io, u, sizeof(io));
        rc = xsm_sysctl_xsm_info(h->xsm, &io);
        if (rc)
            return rc;
        memcpy(u, &io, sizeof(io));
        return hv_gcopy_to(cur, a, b, sizeof(b));
    }

    switch (cmd) {
    case HV_SYSCTL_readconsole: {
        bool clear = u[0] != 0, incr = u[1] != 0;
        uint32_t index = hv_ld32(u + 4), count = hv_ld32(u + 16);
        uint64_t buf = hv_ld64(u + 8);
        size_t start = incr ? (index < h->con_len ? index : h->con_len) : 0, n;

        rc = xsm_readconsole(h->xsm, &cur->x, clear);
        if (rc)
            return rc;
        n = h->con_len - start;
        if (n > count)
            n = count;
        if (hv_gprobe_to(cur, a, sizeof(b)) || hv_gcopy_to(cur, buf, h->con + start, n))
            return -EFAULT;
        hv_st32(u + 4, (uint32_t)(start + n));
        hv_st32(u + 16, (uint32_t)n);
        if (clear) {
            h->con_len = 0;
            h->con[0] = '\0';
        }
        return hv_gcopy_to(cur, a, b, sizeof(b));
    }
    case HV_SYSCTL_physinfo: {
        struct hv_physinfo pi;
        uint64_t used = 0;

        for (struct hv_dom *d = h->doms; d; d = d->next)
            used += d->mem_size / HV_PAGE_SIZE;
        memset(&pi, 0, sizeof(pi));
        memset(u, 0, 112);
        hv_st32(u + 0, 1);
        hv_st32(u + 4, 4);
        hv_st32(u + 8, 4);
        hv_st32(u + 12, 3);
        hv_st32(u + 16, 1);
        hv_st32(u + 20, 0);
        hv_st32(u + 24, 2000000);
        hv_st64(u + 40, 262144);
        hv_st64(u + 48, used < 262144 ? 262144 - used : 0);
        hv_st64(u + 72, 262143);
        return hv_gcopy_to(cur, a, b, sizeof(b));
    }
    default:
        return -ENOSYS;
    }
}

/* ---- entry
 * ----------------------------------------------------------------------------------------- */

long hv_hypercall(struct hv *h, xsm_domid_t caller, unsigned nr, const uint64_t args[6])
{
    static const uint64_t zero[6];
    struct hv_dom *cur;

    if (!h)
        return -EINVAL;
    cur = hv_dom_get(h, caller);
    if (!cur)
        return -ESRCH;
    if (!args)
        args = zero;
    switch (nr) {
    case HV_HYPERCALL_memory_op:
        return hv_do_memory_op(h, cur, args[0], args[1]);
    case HV_HYPERCALL_xen_version:
        return do_version(h, cur, args[0], args[1]);
    case HV_HYPERCALL_console_io:
        return do_console(h, cur, args[0], args[1], args[2]);
    case HV_HYPERCALL_grant_table_op:
        return hv_do_grant_table_op(h, cur, args[0], args[1], args[2]);
    case HV_HYPERCALL_vcpu_op:
        return hv_do_vcpu_op(h, cur, args[0], args[1], args[2]);
    case HV_HYPERCALL_xsm_op:
        return xsm_do_op(h->xsm, &cur->x, &cur->guest, args[0]);
    case HV_HYPERCALL_event_channel_op:
        return hv_do_evtchn_op(h, cur, args[0], args[1]);
    case HV_HYPERCALL_hvm_op:
        return hv_do_hvm_op(h, cur, args[0], args[1]);
    case HV_HYPERCALL_sysctl:
        return hv_do_sysctl(h, cur, args[0]);
    case HV_HYPERCALL_domctl:
        return hv_do_domctl(h, cur, args[0]);
    case HV_HYPERCALL_argo_op:
        return hv_do_argo_op(h, cur, args);
    default:
        return -ENOSYS;
    }
}
