/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hypercall entry: Xen's numbers and argument registers, structures read
 * from and written to the caller's guest memory in Xen's layouts.
 *
 * Layouts are written here as byte offsets (our own transcription of the
 * Xen 4.17 public headers, checked with gcc -m64 and -m32).  Where the
 * 32-bit (compat) layout differs - grant setup_table, transfer and copy,
 * XENVER_platform_parameters, Argo iovecs - both are handled; every other
 * structure used here is the same in both ABIs (grant map/unmap/query_size,
 * domctl and sysctl, which use 64-bit handles and aligned 64-bit fields by
 * design).  Subsystems with a file of their own decode their hypercall
 * there (event_channel_op: evtchn.c; hvm_op: hvm.c; memory_op: memory.c).
 *
 * Pattern of every handler: copy the whole request in (-EFAULT, nothing
 * changed), probe the output areas, run the operation (checks, hook,
 * effect), copy the results out.
 */
#include <stdlib.h>
#include <string.h>

#include <openxsm/xsm_op.h>

#include "hv_priv.h"

/* ---- grant_table_op (20) ----------------------------------------------------------- */

#define GNT_BATCH 16U

static int gnt_one(struct hv *h, struct hv_dom *cur, unsigned cmd, bool compat, uint8_t *op)
{
    xsm_domid_t id = cur->x.domid;
    int st;

    switch (cmd) {
    case HV_GNTTABOP_map_grant_ref: {
        uint32_t handle = 0;

        st = hv_gnttab_map(h, id, hv_ld16(op + 16), hv_ld32(op + 12), hv_ld32(op + 8), &handle);
        hv_st16(op + 18, (uint16_t)(int16_t)st);
        hv_st32(op + 20, st ? 0xffffffffU : handle);
        hv_st64(op + 24, 0);
        return 0;
    }
    case HV_GNTTABOP_unmap_grant_ref:
        st = hv_gnttab_unmap(h, id, hv_ld32(op + 16));
        hv_st16(op + 20, (uint16_t)(int16_t)st);
        return 0;
    case HV_GNTTABOP_transfer:
        if (compat)
            st = hv_gnttab_transfer(h, id, hv_ld32(op), hv_ld16(op + 4), hv_ld32(op + 8));
        else
            st = hv_gnttab_transfer(h, id, hv_ld64(op), hv_ld16(op + 8), hv_ld32(op + 12));
        hv_st16(op + (compat ? 12 : 16), (uint16_t)(int16_t)st);
        return 0;
    case HV_GNTTABOP_copy: {
        struct hv_gnttab_copy_ptr s, d;
        size_t half = compat ? 8 : 16, lo = compat ? 16 : 32;
        uint16_t flags = hv_ld16(op + lo + 2);
        uint64_t su = compat ? hv_ld32(op) : hv_ld64(op);
        uint64_t du = compat ? hv_ld32(op + half) : hv_ld64(op + half);

        /* A gref is the low 32 bits of the union; frames must fit the model's 32 bits. */
        if (flags & HV_GNTCOPY_source_gref)
            su = (uint32_t)su;
        if (flags & HV_GNTCOPY_dest_gref)
            du = (uint32_t)du;
        s.ref_or_gfn = (uint32_t)su;
        d.ref_or_gfn = (uint32_t)du;
        s.domid = hv_ld16(op + half - (compat ? 4 : 8));
        s.offset = hv_ld16(op + half - (compat ? 2 : 6));
        d.domid = hv_ld16(op + 2 * half - (compat ? 4 : 8));
        d.offset = hv_ld16(op + 2 * half - (compat ? 2 : 6));
        if ((!(flags & HV_GNTCOPY_source_gref) && su > 0xffffffffULL) ||
            (!(flags & HV_GNTCOPY_dest_gref) && du > 0xffffffffULL))
            st = HV_GNTST_bad_page;
        else
            st = hv_gnttab_copy(h, id, &s, &d, hv_ld16(op + lo), flags);
        hv_st16(op + lo + 4, (uint16_t)(int16_t)st);
        return 0;
    }
    default:
        return -ENOSYS;
    }
}

static long do_grant(struct hv *h, struct hv_dom *cur, uint64_t cmd, uint64_t uop, uint64_t count)
{
    bool compat = cur->guest.compat;
    uint8_t b[GNT_BATCH * 40];
    size_t sz;

    switch (cmd) {
    case HV_GNTTABOP_setup_table: {
        size_t osz = compat ? 16 : 24, esz = compat ? 4 : 8;
        uint64_t frames[HV_MAX_GNT_FRAMES], list;
        uint8_t fl[HV_MAX_GNT_FRAMES * 8];
        struct hv_dom *d;
        uint32_t nr;
        int st;

        if (count != 1)
            return -EINVAL;
        if (hv_gcopy_from(cur, b, uop, osz) || hv_gprobe_to(cur, uop, osz))
            return -EFAULT;
        nr = hv_ld32(b + 4);
        list = compat ? hv_ld32(b + 12) : hv_ld64(b + 16);
        st = hv_gnttab_setup_check(h, cur, hv_ld16(b), nr, &d);
        if (!st && hv_gprobe_to(cur, list, (size_t)nr * esz))
            st = HV_GNTST_bad_virt_addr;
        if (!st) {
            hv_gnttab_setup_do(d, nr, frames);
            for (size_t i = 0; i < nr; i++) {
                if (compat)
                    hv_st32(fl + 4 * i, (uint32_t)frames[i]);
                else
                    hv_st64(fl + 8 * i, frames[i]);
            }
            if (hv_gcopy_to(cur, list, fl, (size_t)nr * esz))
                st = HV_GNTST_bad_virt_addr;
        }
        hv_st16(b + 8, (uint16_t)(int16_t)st);
        return hv_gcopy_to(cur, uop, b, osz);
    }
    case HV_GNTTABOP_query_size: {
        uint32_t nr = 0, max = 0;
        int st;

        if (count != 1)
            return -EINVAL;
        if (hv_gcopy_from(cur, b, uop, 16) || hv_gprobe_to(cur, uop, 16))
            return -EFAULT;
        st = hv_gnttab_query_size(h, cur->x.domid, hv_ld16(b), &nr, &max);
        hv_st32(b + 4, st ? 0 : nr);
        hv_st32(b + 8, st ? 0 : max);
        hv_st16(b + 12, (uint16_t)(int16_t)st);
        return hv_gcopy_to(cur, uop, b, 16);
    }
    case HV_GNTTABOP_map_grant_ref:
        sz = 32;
        break;
    case HV_GNTTABOP_unmap_grant_ref:
        sz = 24;
        break;
    case HV_GNTTABOP_transfer:
        sz = compat ? 16 : 24;
        break;
    case HV_GNTTABOP_copy:
        sz = compat ? 24 : 40;
        break;
    default:
        return -ENOSYS;
    }
    /* No continuations in the model: a batch is bounded. */
    if (count > GNT_BATCH)
        return -EINVAL;
    if (!count)
        return 0;
    if (hv_gcopy_from(cur, b, uop, sz * count) || hv_gprobe_to(cur, uop, sz * count))
        return -EFAULT;
    for (uint64_t i = 0; i < count; i++)
        gnt_one(h, cur, (unsigned)cmd, compat, b + i * sz);
    return hv_gcopy_to(cur, uop, b, sz * count);
}

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

/* ---- argo_op (39) ---------------------------------------------------------------------------- */

static uint32_t npages_ring(uint32_t len)
{
    uint64_t bytes = (((uint64_t)len + 15) & ~15ULL) + 64;

    return (uint32_t)((bytes + HV_PAGE_SIZE - 1) / HV_PAGE_SIZE);
}

static long do_argo(struct hv *h, struct hv_dom *cur, const uint64_t *args)
{
    uint64_t cmd = args[0], a1 = args[1], a2 = args[2], a3 = args[3], a4 = args[4];
    uint8_t b[16];
    long rc;

    if (a3 > 0xffffffffULL || a4 > 0xffffffffULL)
        return -EINVAL;
    rc = hv_argo_entry(h, cur);
    if (rc)
        return rc;
    switch (cmd) {
    case HV_ARGO_OP_register_ring: {
        struct hv_argo_ring *ex;
        uint32_t len;
        uint8_t gfn[8];

        if (a3 > HV_ARGO_MAX_RING_SIZE / HV_PAGE_SIZE)
            return -EINVAL;
        for (uint64_t i = 0; i < a3; i++)
            if (hv_gcopy_from(cur, gfn, a2 + 8 * i, 8))
                return -EFAULT;
        if (hv_gcopy_from(cur, b, a1, 12))
            return -EFAULT;
        len = hv_ld32(b + 8);
        if (hv_ld16(b + 6) || npages_ring(len) != a3)
            return -EINVAL;
        rc = hv_argo_register_check(h, cur, hv_ld32(b), hv_ld16(b + 4), len, (uint32_t)a4, &ex);
        if (rc)
            return rc;
        return hv_argo_register_do(cur, ex, hv_ld32(b), hv_ld16(b + 4), len);
    }
    case HV_ARGO_OP_unregister_ring:
        if (a2 || a3 || a4)
            return -EINVAL;
        if (hv_gcopy_from(cur, b, a1, 8))
            return -EFAULT;
        if (hv_ld16(b + 6))
            return -EINVAL;
        return hv_argo_unregister_do(cur, hv_ld32(b), hv_ld16(b + 4));
    case HV_ARGO_OP_sendv: {
        bool compat = cur->guest.compat;
        size_t isz = compat ? 12 : 16, total = 0;
        uint8_t iov[HV_ARGO_MAXIOV * 16];
        uint8_t *data;

        if (hv_gcopy_from(cur, b, a1, 16))
            return -EFAULT;
        if (hv_ld16(b + 6) || hv_ld16(b + 14))
            return -EINVAL;
        if (a3 > HV_ARGO_MAXIOV)
            return -EINVAL;
        if (hv_gcopy_from(cur, iov, a2, isz * a3))
            return -EFAULT;
        for (uint64_t i = 0; i < a3; i++) {
            const uint8_t *v = iov + i * isz;

            if (hv_ld32(v + isz - 4))
                return -EINVAL; /* pad */
            total += hv_ld32(v + isz - 8);
            if (total > HV_ARGO_MAX_RING_SIZE)
                return -EMSGSIZE;
        }
        data = malloc(total ? total : 1);
        if (!data)
            return -ENOMEM;
        total = 0;
        for (uint64_t i = 0; i < a3; i++) {
            const uint8_t *v = iov + i * isz;
            uint64_t p = compat ? hv_ld32(v) : hv_ld64(v);
            uint32_t l = hv_ld32(v + isz - 8);

            if (hv_gcopy_from(cur, data + total, p, l)) {
                free(data);
                return -EFAULT;
            }
            total += l;
        }
        rc = hv_argo_send_buf(h, cur, hv_ld32(b), hv_ld16(b + 4), hv_ld16(b + 12), hv_ld32(b + 8),
                              (uint32_t)a4, data, total);
        free(data);
        return rc;
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
        return do_grant(h, cur, args[0], args[1], args[2]);
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
        return do_argo(h, cur, args);
    default:
        return -ENOSYS;
    }
}
