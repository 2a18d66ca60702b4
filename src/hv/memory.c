/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * memory_op (hypercall 12), the part a booting HVM guest needs, as Xen
 * 4.17's xen/common/memory.c (and compat/memory.c for 32-bit callers)
 * answers it.  This file owns the decoder (hv_do_memory_op); guest memory
 * is reached only through hv_gcopy_from / hv_gcopy_to.
 *
 * The model has no p2m: a domain's memory is its fixed guest memory, so
 *  - XENMEM_maximum_ram_page answers the model's machine size;
 *  - current/maximum_reservation answer that memory's page count, through
 *    the memory_stat_reservation hook on the target;
 *  - add_to_physmap records where the shared_info page goes (a host maps
 *    it there, see hv_memory_shared_info_gpfn) and grows the grant table
 *    for a grant frame, through the add_to_physmap hook on the target;
 *    gmfn, gmfn_range and dev_mmio pass the same checks and hook, then
 *    answer -ENOSYS;
 *  - reservation changes, exchange and the rest answer -ENOSYS.
 *
 * The cmd register carries the sub-op in its low 6 bits and a start
 * extent (continuations) above them; 32-bit callers pass a 32-bit cmd.
 */
#include "hv_priv.h"

#define MEMOP_EXTENT_SHIFT 6
#define MEMOP_CMD_MASK     0x3fU

#define XENMAPSPACE_gmfn         2
#define XENMAPSPACE_gmfn_range   3
#define XENMAPSPACE_gmfn_foreign 4
#define XENMAPSPACE_dev_mmio     5

#define INVALID_GFN (~0ULL)

int hv_memory_shared_info_gpfn(struct hv *h, xsm_domid_t domid, uint64_t *gpfn)
{
    struct hv_dom *d = h ? hv_dom_get(h, domid) : NULL;

    if (!d || !gpfn)
        return h && gpfn ? -ESRCH : -EINVAL;
    if (!d->shinfo_placed)
        return -ENOENT;
    *gpfn = d->shinfo_gpfn;
    return 0;
}

/* XENMEM_current_reservation / maximum_reservation: struct xen_memory_domain. */
static long stat_reservation(struct hv *h, struct hv_dom *cur, uint64_t arg)
{
    uint8_t b[2];
    struct hv_dom *d;
    int rc;

    if (hv_gcopy_from(cur, b, arg, sizeof(b)))
        return -EFAULT;
    d = hv_dom_any(h, cur, hv_ld16(b));
    if (!d)
        return -ESRCH;
    rc = xsm_memory_stat_reservation(h->xsm, &cur->x, &cur->x, &d->x);
    if (rc)
        return rc;
    /* Fixed memory: current and maximum coincide (as getdomaininfo says). */
    return (long)(d->mem_size / HV_PAGE_SIZE);
}

struct xatp {
    xsm_domid_t domid;
    uint32_t space;
    uint64_t idx;
    uint64_t gpfn;
};

/*
 * struct xen_add_to_physmap: domid at 0, size at 2, space at 4, then idx
 * and gpfn as xen_ulong_t / xen_pfn_t: 8 bytes each at 8 and 16 natively,
 * 4 bytes each at 8 and 12 for a 32-bit caller (16 bytes in all).
 */
static void xatp_decode(const uint8_t *b, bool compat, struct xatp *x)
{
    x->domid = hv_ld16(b);
    x->space = hv_ld32(b + 4);
    x->idx = compat ? hv_ld32(b + 8) : hv_ld64(b + 8);
    x->gpfn = compat ? hv_ld32(b + 12) : hv_ld64(b + 16);
}

static int map_grant_frame(struct hv_dom *d, uint64_t idx64)
{
    uint32_t idx = (uint32_t)idx64; /* Xen takes the index as an unsigned int */
    uint64_t frames[HV_MAX_GNT_FRAMES];

    /* v1 table: no status frames, so the status bit only makes idx too big. */
    if (idx >= d->gnt_max_frames)
        return -EINVAL;
    if (idx >= d->gnt_frames)
        hv_gnttab_setup_do(d, idx + 1, frames);
    return 0;
}

static long add_to_physmap(struct hv *h, struct hv_dom *cur, uint64_t start_extent, uint64_t arg)
{
    uint8_t b[24];
    struct xatp x;
    struct hv_dom *d;
    bool compat = cur->guest.compat;
    size_t len = compat ? 16 : 24;
    int rc;

    /* Compat copies and translates first; the native call checks first. */
    if (!compat && start_extent != (uint16_t)start_extent)
        return -EDOM;
    if (hv_gcopy_from(cur, b, arg, len))
        return -EFAULT;
    if (compat && start_extent != (uint16_t)start_extent)
        return -EDOM;
    xatp_decode(b, compat, &x);

    if (x.space == XENMAPSPACE_gmfn_foreign)
        return -ENOSYS; /* only through add_to_physmap_batch */
    d = hv_dom_any(h, cur, x.domid);
    if (!d)
        return -ESRCH;
    if (!(d->cdf & HV_CDF_hvm))
        return -EACCES; /* not a translated (HVM) domain */
    if (x.space == XENMAPSPACE_dev_mmio && (!d->x.is_privileged || d != cur))
        return -EACCES;
    rc = xsm_add_to_physmap(h->xsm, &cur->x, &cur->x, &d->x);
    if (rc)
        return rc;
    if (x.gpfn == INVALID_GFN)
        return -EINVAL;

    switch (x.space) {
    case HV_XENMAPSPACE_shared_info:
        if (x.idx != 0)
            return -EINVAL;
        d->shinfo_placed = true;
        d->shinfo_gpfn = x.gpfn;
        return 0;
    case HV_XENMAPSPACE_grant_table:
        return map_grant_frame(d, x.idx);
    case XENMAPSPACE_gmfn:
    case XENMAPSPACE_gmfn_range:
    case XENMAPSPACE_dev_mmio:
        return -ENOSYS; /* no p2m in the model */
    default:
        return -EINVAL; /* no frame for an unknown space, as in Xen */
    }
}

long hv_do_memory_op(struct hv *h, struct hv_dom *cur, uint64_t cmd, uint64_t arg)
{
    uint64_t start_extent;

    if (cur->guest.compat)
        cmd = (uint32_t)cmd;
    start_extent = cmd >> MEMOP_EXTENT_SHIFT;
    switch (cmd & MEMOP_CMD_MASK) {
    case HV_XENMEM_maximum_ram_page:
        return start_extent ? -EINVAL : (long)HV_MACHINE_PAGES;
    case HV_XENMEM_current_reservation:
    case HV_XENMEM_maximum_reservation:
        return start_extent ? -EINVAL : stat_reservation(h, cur, arg);
    case HV_XENMEM_add_to_physmap:
        return add_to_physmap(h, cur, start_extent, arg);
    default:
        return -ENOSYS;
    }
}
