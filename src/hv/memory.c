/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * memory_op (hypercall 12), the part a booting HVM guest needs, as Xen
 * 4.17's xen/common/memory.c (and compat/memory.c for 32-bit callers)
 * answers it.  This file owns the decoder (hv_do_memory_op); guest memory
 * is reached only through hv_gcopy_from / hv_gcopy_to.
 *
 * The model has no real p2m: a domain's bytes are its fixed guest memory,
 * with a page account and a populated-frame bitmap beside them, so
 *  - XENMEM_maximum_ram_page answers the model's machine size;
 *  - current/maximum_reservation answer the account (pages owned, limit),
 *    through the memory_stat_reservation hook on the target;
 *  - add_to_physmap records where the shared_info page goes (a host maps
 *    it there, see hv_memory_shared_info_gpfn) and places a grant frame
 *    (growing the table) in the guest's memory (gnttab.c), through the
 *    add_to_physmap hook on the target;
 *    gmfn, gmfn_range and dev_mmio pass the same checks and hook, then
 *    answer -ENOSYS;
 *  - increase/decrease_reservation and populate_physmap move pages in and
 *    out of a per-domain account (tot_pages against max_pages, both the
 *    domain's memory size at creation) and a bitmap of populated guest
 *    frames below HV_MACHINE_PAGES, through the memory_adjust_reservation
 *    hook on the target.  Like Xen they answer the number of extents done
 *    (never an error code: a bad request, an unknown domain or a denial
 *    all give the start extent).  The target must be HVM (translated);
 *    for a PV target the model does nothing (0 extents): it has no MFNs
 *    to hand out.  The guest's byte array is not touched: a released frame
 *    still reads and writes, so this is accounting, not isolation;
 *  - exchange and the rest answer -ENOSYS.
 *
 * The cmd register carries the sub-op in its low 6 bits and a start
 * extent (continuations) above them; 32-bit callers pass a 32-bit cmd.
 */
#include <stdlib.h>

#include "hv_priv.h"

#define MEMOP_EXTENT_SHIFT 6
#define MEMOP_CMD_MASK     0x3fU

#define XENMAPSPACE_gmfn         2
#define XENMAPSPACE_gmfn_range   3
#define XENMAPSPACE_gmfn_foreign 4
#define XENMAPSPACE_dev_mmio     5

#define INVALID_GFN (~0ULL)

#define XENMEM_increase_reservation 0
#define XENMEM_decrease_reservation 1
#define XENMEM_populate_physmap     6

#define XENMEMF_populate_on_demand (1U << 16)
#define XENMEMF_exact_node_request (1U << 17)
#define XENMEMF_vnode              (1U << 18)
#define XENMEMF_node_mask          0xff00U /* node + 1, 0 for none */
#define XENMEMF_address_bits_mask  0xffU

/* x86 limits: CONFIG_DOMU_MAX_ORDER, CONFIG_PAGEALLOC_MAX_ORDER (control domain). */
#define DOMU_MAX_ORDER   9U
#define CTLDOM_MAX_ORDER 18U
/* get_order_from_pages(max_page) + PAGE_SHIFT for the model's machine. */
#define MACHINE_ADDR_BITS 30U

int hv_memory_init(struct hv_dom *d)
{
    uint64_t pages = d->mem_size / HV_PAGE_SIZE;

    if (pages > HV_MACHINE_PAGES)
        pages = HV_MACHINE_PAGES;
    d->p2m = calloc(HV_MACHINE_PAGES / 8, 1);
    if (!d->p2m)
        return -ENOMEM;
    for (uint64_t f = 0; f < pages; f++)
        d->p2m[f / 8] |= (uint8_t)(1U << (f % 8));
    d->tot_pages = d->max_pages = d->mem_size / HV_PAGE_SIZE;
    return 0;
}

static bool p2m_test(const struct hv_dom *d, uint64_t gfn)
{
    return gfn < HV_MACHINE_PAGES && (d->p2m[gfn / 8] >> (gfn % 8)) & 1U;
}

bool hv_memory_populated(const struct hv_dom *d, uint64_t gfn)
{
    return p2m_test(d, gfn);
}

static void p2m_set(struct hv_dom *d, uint64_t gfn, bool on)
{
    uint8_t bit = (uint8_t)(1U << (gfn % 8));

    d->p2m[gfn / 8] = on ? (uint8_t)(d->p2m[gfn / 8] | bit) : (uint8_t)(d->p2m[gfn / 8] & ~bit);
}

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
static long stat_reservation(struct hv *h, struct hv_dom *cur, bool max, uint64_t arg)
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
    return (long)(max ? d->max_pages : d->tot_pages);
}

struct resv {
    uint64_t list; /* extent_start: guest address of xen_pfn_t[] */
    uint64_t nr_extents;
    uint32_t order;
    uint32_t flags;
    xsm_domid_t domid;
};

/* Xen's construct_memop_from_reservation (no vNUMA in the model). */
static bool resv_flags_ok(const struct hv_dom *cur, uint32_t flags)
{
    uint32_t bits = flags & XENMEMF_address_bits_mask;

    if (bits != 0 && bits < MACHINE_ADDR_BITS && bits <= 12)
        return false;
    if (flags & XENMEMF_vnode)
        return true; /* no vNUMA layout: the flag is ignored */
    if (!(flags & XENMEMF_node_mask))
        return true;
    /* A control domain may name any node below MAX_NUMNODES (64); a guest no exact one. */
    if (cur->x.is_privileged)
        return ((flags & XENMEMF_node_mask) >> 8) - 1 < 64;
    return !(flags & XENMEMF_exact_node_request);
}

static int read_extent(struct hv_dom *cur, const struct resv *r, uint64_t i, uint64_t *gfn)
{
    uint8_t b[8];

    if (cur->guest.compat) {
        if (hv_gcopy_from(cur, b, r->list + 4 * i, 4))
            return -EFAULT;
        *gfn = hv_ld32(b);
    } else {
        if (hv_gcopy_from(cur, b, r->list + 8 * i, 8))
            return -EFAULT;
        *gfn = hv_ld64(b);
    }
    return 0;
}

/* One extent in: the pages are counted, then mapped at gfn (if mapping). */
static bool grow(struct hv_dom *d, uint32_t order, bool map, uint64_t gfn)
{
    uint64_t n = 1ULL << order;

    if (d->tot_pages + n > d->max_pages)
        return false;
    if (map && (gfn > HV_MACHINE_PAGES || HV_MACHINE_PAGES - gfn < n))
        return false; /* beyond the frames the model tracks */
    d->tot_pages += n;
    for (uint64_t j = 0; map && j < n; j++)
        p2m_set(d, gfn + j, true);
    return true;
}

/* One extent out, page by page as Xen: an absent page stops it midway. */
static bool shrink(struct hv_dom *d, uint32_t order, uint64_t gfn)
{
    for (uint64_t j = 0; j < (1ULL << order); j++) {
        if (gfn + j < gfn || !p2m_test(d, gfn + j))
            return false;
        p2m_set(d, gfn + j, false);
        d->tot_pages--;
    }
    return true;
}

static long reservation(struct hv *h, struct hv_dom *cur, unsigned op, uint64_t start_extent,
                        uint64_t arg)
{
    bool compat = cur->guest.compat;
    uint8_t b[32];
    struct resv r;
    struct hv_dom *d;
    uint64_t i;
    uint32_t max_order = cur->x.is_privileged ? CTLDOM_MAX_ORDER : DOMU_MAX_ORDER;

    if (hv_gcopy_from(cur, b, arg, compat ? 20 : 32))
        return (long)start_extent;
    r.list = compat ? hv_ld32(b) : hv_ld64(b);
    r.nr_extents = compat ? hv_ld32(b + 4) : hv_ld64(b + 8);
    r.order = hv_ld32(b + (compat ? 8 : 16));
    r.flags = hv_ld32(b + (compat ? 12 : 20));
    r.domid = hv_ld16(b + (compat ? 16 : 24));

    if (r.nr_extents > (0xffffffffULL >> MEMOP_EXTENT_SHIFT) || start_extent >= r.nr_extents)
        return (long)start_extent;
    d = hv_dom_any(h, cur, r.domid);
    if (!d || !resv_flags_ok(cur, r.flags))
        return (long)start_extent;
    if (xsm_memory_adjust_reservation(h->xsm, &cur->x, &cur->x, &d->x))
        return (long)start_extent;
    /* The model's limits: translated targets only, and the order bound. */
    if (!(d->cdf & HV_CDF_hvm) || r.order > max_order)
        return (long)start_extent;
    if (op == XENMEM_populate_physmap && (r.flags & XENMEMF_populate_on_demand))
        return (long)start_extent; /* PoD: refused on oneself, not modelled on others */

    for (i = start_extent; i < r.nr_extents; i++) {
        uint64_t gfn = 0;

        if (op != XENMEM_increase_reservation && read_extent(cur, &r, i, &gfn))
            break;
        if (op == XENMEM_decrease_reservation
                ? !shrink(d, r.order, gfn)
                : !grow(d, r.order, op == XENMEM_populate_physmap, gfn))
            break;
    }
    return (long)i;
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
        return hv_gnttab_place(d, x.idx, x.gpfn);
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
    case XENMEM_increase_reservation:
    case XENMEM_decrease_reservation:
    case XENMEM_populate_physmap:
        return reservation(h, cur, (unsigned)(cmd & MEMOP_CMD_MASK), start_extent, arg);
    case HV_XENMEM_current_reservation:
    case HV_XENMEM_maximum_reservation:
        return start_extent
                   ? -EINVAL
                   : stat_reservation(h, cur,
                                      (cmd & MEMOP_CMD_MASK) == HV_XENMEM_maximum_reservation, arg);
    case HV_XENMEM_add_to_physmap:
        return add_to_physmap(h, cur, start_extent, arg);
    default:
        return -ENOSYS;
    }
}
