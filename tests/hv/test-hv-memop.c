/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * memory_op (hypercall 12) as the model serves it: XENMEM_maximum_ram_page,
 * current/maximum_reservation (memory_stat_reservation hook) and
 * add_to_physmap for shared_info and grant-table frames (add_to_physmap
 * hook), native and compat layouts, under dummy, SILO and FLASK, bad
 * pointers and hostile values.  Expected results are Xen 4.17's
 * (xen/common/memory.c, xen/arch/x86/mm/p2m.c), written out here.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openxsm/hv.h>
#include <openxsm/xsm_op.h>

#include "check.h"
#include "../lib/le.h"

enum {
    X_EPERM = 1,
    X_ESRCH = 3,
    X_EACCES = 13,
    X_EFAULT = 14,
    X_EINVAL = 22,
    X_EDOM = 33,
    X_ENOSYS = 38,
};

/* Xen public numbers (memory.h, xen.h), independent of hv.h. */
enum {
    NR_MEMORY_OP = 12,
    M_increase_reservation = 0,
    M_decrease_reservation = 1,
    M_populate_physmap = 6,
    M_maximum_ram_page = 2,
    M_current_reservation = 3,
    M_maximum_reservation = 4,
    M_add_to_physmap = 7,
    M_exchange = 11,
    S_shared_info = 0,
    S_grant_table = 1,
    S_gmfn = 2,
    S_gmfn_foreign = 4,
    S_dev_mmio = 5,
    EXTENT_SHIFT = 6, /* MEMOP_EXTENT_SHIFT */
    DOMID_SELF = 0x7ff0,
    SSID_DOMU = 12,
};

#define ARG  0x3000U
#define LIST 0x4000U /* extent list */

static struct hv *mk(const char *xsm)
{
    return hvt_model((struct hv_config){.modules = xsm});
}

static xsm_domid_t mkdom(struct hv *h, uint32_t flags, bool compat)
{
    return hvt_domain(
        h,
        (struct hv_domain_config){
            .flags = flags, .ssidref = SSID_DOMU, .is_compat = compat, .max_grant_frames = 4},
        false);
}

static long mop(struct hv *h, xsm_domid_t caller, uint64_t cmd, uint64_t arg)
{
    uint64_t a[6] = {cmd, arg, 0, 0, 0, 0};

    return hv_hypercall(h, caller, NR_MEMORY_OP, a);
}

/* XENMEM_add_to_physmap in the caller's layout (compat: 32-bit idx and gpfn). */
static long xatp(struct hv *h, xsm_domid_t caller, bool compat, uint16_t dom, uint32_t space,
                 uint64_t idx, uint64_t gpfn)
{
    uint8_t b[24] = {0};

    put16(b, dom);
    put16(b + 2, 0);
    put32(b + 4, space);
    if (compat) {
        put32(b + 8, (uint32_t)idx);
        put32(b + 12, (uint32_t)gpfn);
        put64(b + 16, 0x5a5a5a5a5a5a5a5aULL); /* past the compat struct: ignored */
    } else {
        put64(b + 8, idx);
        put64(b + 16, gpfn);
    }
    CHECK_EQ(hv_guest_write(h, caller, ARG, b, sizeof(b)), 0);
    return mop(h, caller, M_add_to_physmap, ARG);
}

static long stat_op(struct hv *h, xsm_domid_t caller, unsigned op, uint16_t dom)
{
    uint8_t b[2];

    put16(b, dom);
    CHECK_EQ(hv_guest_write(h, caller, ARG, b, sizeof(b)), 0);
    return mop(h, caller, op, ARG);
}

static void test_dummy(bool compat)
{
    struct hv *h = mk("dummy");
    xsm_domid_t g = mkdom(h, HV_CDF_hvm, compat), g2 = mkdom(h, HV_CDF_hvm, false);
    xsm_domid_t pv = mkdom(h, 0, compat), dm = mkdom(h, 0, false);
    uint64_t gpfn = 0;
    uint32_t nr = 0, max = 0;

    /* maximum_ram_page: the model's machine size, for anyone; no start extent. */
    CHECK_EQ(mop(h, g, M_maximum_ram_page, 0), 262144);
    CHECK_EQ(mop(h, g, M_maximum_ram_page | (1U << EXTENT_SHIFT), 0), -X_EINVAL);
    /* A 32-bit caller's cmd register has 32 bits: the bits above are not a start extent. */
    CHECK_EQ(mop(h, g, M_maximum_ram_page | (1ULL << 32), 0), compat ? 262144 : -X_EINVAL);

    /* Reservations: 64 KiB of default memory = 16 pages. */
    CHECK_EQ(stat_op(h, g, M_current_reservation, DOMID_SELF), 16);
    CHECK_EQ(stat_op(h, g, M_maximum_reservation, g), 16);
    CHECK_EQ(stat_op(h, 0, M_current_reservation, g), 16);
    CHECK_EQ(stat_op(h, g, M_current_reservation, g2), -X_EPERM);
    CHECK_EQ(stat_op(h, g, M_current_reservation, 999), -X_ESRCH);
    CHECK_EQ(mop(h, g, M_current_reservation, 0xfffffffffffff000ULL), -X_EFAULT);
    CHECK_EQ(mop(h, g, M_current_reservation | (2U << EXTENT_SHIFT), ARG), -X_EINVAL);

    /* shared_info: recorded where the guest asked. */
    CHECK_EQ(hv_memory_shared_info_gpfn(h, g, &gpfn), -2 /* ENOENT: not placed yet */);
    CHECK_EQ(xatp(h, g, compat, DOMID_SELF, S_shared_info, 0, 0xfeffe), 0);
    CHECK_EQ(hv_memory_shared_info_gpfn(h, g, &gpfn), 0);
    CHECK_EQ(gpfn, 0xfeffe);
    CHECK_EQ(xatp(h, g, compat, DOMID_SELF, S_shared_info, 1, 0x1000), -X_EINVAL);
    CHECK_EQ(hv_memory_shared_info_gpfn(h, g, &gpfn), 0);
    CHECK_EQ(gpfn, 0xfeffe);
    /* Moved: the last placement counts. */
    CHECK_EQ(xatp(h, g, compat, g, S_shared_info, 0, 0xfeffd), 0);
    CHECK_EQ(hv_memory_shared_info_gpfn(h, g, &gpfn), 0);
    CHECK_EQ(gpfn, 0xfeffd);

    /* Grant frames: idx below max_grant_frames grows the table. */
    CHECK_EQ(hv_gnttab_query_size(h, g, DOMID_SELF, &nr, &max), 0);
    CHECK_EQ(nr, 1);
    CHECK_EQ(xatp(h, g, compat, DOMID_SELF, S_grant_table, 2, 0xf0002), 0);
    CHECK_EQ(hv_gnttab_query_size(h, g, DOMID_SELF, &nr, &max), 0);
    CHECK_EQ(nr, 3);
    CHECK_EQ(xatp(h, g, compat, DOMID_SELF, S_grant_table, 4, 0xf0004), -X_EINVAL);
    CHECK_EQ(xatp(h, g, compat, DOMID_SELF, S_grant_table, 0x80000000U, 0xf0004), -X_EINVAL);
    CHECK_EQ(hv_gnttab_query_size(h, g, DOMID_SELF, &nr, &max), 0);
    CHECK_EQ(nr, 3);
    if (!compat) {
        /* Xen takes the frame index as an unsigned int. */
        CHECK_EQ(xatp(h, g, false, DOMID_SELF, S_grant_table, (1ULL << 32) | 1, 0xf0001), 0);
        /* INVALID_GFN */
        CHECK_EQ(xatp(h, g, false, DOMID_SELF, S_shared_info, 0, ~0ULL), -X_EINVAL);
    } else {
        /* A compat gpfn of all ones is a plain frame number, not INVALID_GFN. */
        CHECK_EQ(xatp(h, g, true, DOMID_SELF, S_shared_info, 0, 0xffffffffU), 0);
        CHECK_EQ(hv_memory_shared_info_gpfn(h, g, &gpfn), 0);
        CHECK_EQ(gpfn, 0xffffffffU);
    }

    /* Checks in Xen's order: foreign space, domain, translation, dev_mmio, the hook. */
    CHECK_EQ(xatp(h, g, compat, 999, S_gmfn_foreign, 0, 1), -X_ENOSYS);
    CHECK_EQ(xatp(h, g, compat, 999, S_shared_info, 0, 1), -X_ESRCH);
    CHECK_EQ(xatp(h, pv, compat, DOMID_SELF, S_shared_info, 0, 1), -X_EACCES);
    CHECK_EQ(xatp(h, g, compat, DOMID_SELF, S_dev_mmio, 0, 1), -X_EACCES);
    CHECK_EQ(xatp(h, g, compat, g2, S_shared_info, 0, 1), -X_EPERM);
    CHECK_EQ(hv_memory_shared_info_gpfn(h, g2, &gpfn), -2);
    /* Spaces the model does not map; unknown spaces as Xen (no frame: -EINVAL). */
    CHECK_EQ(xatp(h, g, compat, DOMID_SELF, S_gmfn, 0, 1), -X_ENOSYS);
    CHECK_EQ(xatp(h, g, compat, DOMID_SELF, 99, 0, 1), -X_EINVAL);
    /* A start extent that does not fit the size field: -EDOM. */
    CHECK_EQ(mop(h, g, M_add_to_physmap | (0x10000ULL << EXTENT_SHIFT), ARG), -X_EDOM);

    /* The device model of g, and the toolstack, may place g's frames. */
    CHECK_EQ(hv_domain_set_target(h, 0, dm, g), 0);
    CHECK_EQ(xatp(h, dm, false, g, S_shared_info, 0, 0xabc), 0);
    CHECK_EQ(xatp(h, 0, false, g2, S_shared_info, 0, 0xdef), 0);
    CHECK_EQ(hv_memory_shared_info_gpfn(h, g2, &gpfn), 0);
    CHECK_EQ(gpfn, 0xdef);

    /* Bad pointers. */
    CHECK_EQ(mop(h, g, M_add_to_physmap, 0xfffffffffffffff0ULL), -X_EFAULT);
    CHECK_EQ(mop(h, g, M_add_to_physmap, 64 * 1024 - 8), -X_EFAULT);

    /* Not modelled. */
    CHECK_EQ(mop(h, g, M_exchange, ARG), -X_ENOSYS);
    CHECK_EQ(mop(h, g, 63, ARG), -X_ENOSYS);
    hv_destroy(h);
}

static void test_silo(void)
{
    struct hv *h = mk("silo");
    xsm_domid_t g = mkdom(h, HV_CDF_hvm, false), g2 = mkdom(h, HV_CDF_hvm, false);

    CHECK_EQ(xatp(h, g, false, DOMID_SELF, S_shared_info, 0, 0x100), 0);
    CHECK_EQ(xatp(h, g, false, g2, S_shared_info, 0, 0x100), -X_EPERM);
    CHECK_EQ(stat_op(h, g, M_current_reservation, g2), -X_EPERM);
    hv_destroy(h);
}

static void test_flask(void)
{
    struct hv *h = mk("flask");
    xsm_domid_t g, g2;

    if (xsm_active_id(hv_xsm(h), 0) != XSM_MODULE_FLASK) {
        printf("flask part skipped: not built\n");
        hv_destroy(h);
        return;
    }
    g = mkdom(h, HV_CDF_hvm, false);
    g2 = mkdom(h, HV_CDF_hvm, false);
    /* domU_t has mmu { physmap stat } on domU_t_self, not on another domU_t. */
    CHECK_EQ(xatp(h, g, false, DOMID_SELF, S_shared_info, 0, 0x100), 0);
    CHECK_EQ(stat_op(h, g, M_current_reservation, DOMID_SELF), 16);
    CHECK_EQ(xatp(h, g, false, g2, S_shared_info, 0, 0x100), -X_EACCES);
    CHECK_EQ(stat_op(h, g, M_maximum_reservation, g2), -X_EACCES);
    /* dom0_t manages domU_t. */
    CHECK_EQ(xatp(h, 0, false, g2, S_shared_info, 0, 0x100), 0);
    CHECK_EQ(stat_op(h, 0, M_current_reservation, g2), 16);
    hv_destroy(h);
}

/* XENMEMF_* flags. */
#define F_POD   (1U << 16)
#define F_VNODE (1U << 18)

/*
 * A reservation op: struct xen_memory_reservation, natively extent_start
 * (8) nr_extents (8) extent_order (4) mem_flags (4) domid (2); for 32-bit
 * callers 4-byte handle and nr_extents (20 bytes).  The extent list holds
 * xen_pfn_t: 8 or 4 bytes.
 */
static long resv(struct hv *h, xsm_domid_t caller, bool compat, uint64_t cmd, uint16_t dom,
                 uint64_t nr, uint32_t order, uint32_t flags, const uint64_t *list, size_t n)
{
    uint8_t b[32] = {0}, l[64 * 8];

    if (compat) {
        put32(b, LIST);
        put32(b + 4, (uint32_t)nr);
        put32(b + 8, order);
        put32(b + 12, flags);
        put16(b + 16, dom);
    } else {
        put64(b, LIST);
        put64(b + 8, nr);
        put32(b + 16, order);
        put32(b + 20, flags);
        put16(b + 24, dom);
    }
    for (size_t i = 0; i < n; i++) {
        if (compat)
            put32(l + 4 * i, (uint32_t)list[i]);
        else
            put64(l + 8 * i, list[i]);
    }
    CHECK_EQ(hv_guest_write(h, caller, ARG, b, sizeof(b)), 0);
    if (n)
        CHECK_EQ(hv_guest_write(h, caller, LIST, l, n * (compat ? 4 : 8)), 0);
    return mop(h, caller, cmd, ARG);
}

static uint64_t tot(struct hv *h, xsm_domid_t d)
{
    struct hv_dominfo di;

    CHECK_EQ(hv_domain_getinfo(h, 0, d, &di), 0);
    return di.tot_pages;
}

static void test_reservation(bool compat)
{
    struct hv *h = mk("dummy");
    xsm_domid_t g = mkdom(h, HV_CDF_hvm, compat), g2 = mkdom(h, HV_CDF_hvm, false);
    xsm_domid_t dm = mkdom(h, 0, false);
    uint64_t l[8];

    /* A 16-page guest at its limit: balloon 2 pages out, then back in. */
    CHECK_EQ(tot(h, g), 16);
    l[0] = 3;
    l[1] = 9;
    CHECK_EQ(resv(h, g, compat, M_decrease_reservation, DOMID_SELF, 2, 0, 0, l, 2), 2);
    CHECK_EQ(tot(h, g), 14);
    CHECK_EQ(stat_op(h, g, M_current_reservation, DOMID_SELF), 14);
    CHECK_EQ(stat_op(h, g, M_maximum_reservation, DOMID_SELF), 16);
    /* Already gone: stops at that extent (the count of those done). */
    l[0] = 4;
    l[1] = 3;
    CHECK_EQ(resv(h, g, compat, M_decrease_reservation, DOMID_SELF, 2, 0, 0, l, 2), 1);
    CHECK_EQ(tot(h, g), 13);
    /* Outside the populated range. */
    l[0] = 0x100;
    CHECK_EQ(resv(h, g, compat, M_decrease_reservation, DOMID_SELF, 1, 0, 0, l, 1), 0);
    /* Populate: up to the limit (3 pages free), extent by extent. */
    l[0] = 3;
    l[1] = 4;
    l[2] = 0x200;
    l[3] = 0x201;
    CHECK_EQ(resv(h, g, compat, M_populate_physmap, DOMID_SELF, 4, 0, 0, l, 4), 3);
    CHECK_EQ(tot(h, g), 16);
    /* And the populated frame can go again. */
    l[0] = 0x200;
    CHECK_EQ(resv(h, g, compat, M_decrease_reservation, DOMID_SELF, 1, 0, 0, l, 1), 1);
    /* Order 1: two pages an extent; a partly absent extent is not counted. */
    l[0] = 0x200; /* 0x200 absent, 0x201 absent */
    CHECK_EQ(resv(h, g, compat, M_decrease_reservation, DOMID_SELF, 1, 1, 0, l, 1), 0);
    l[0] = 10; /* 10 and 11 */
    CHECK_EQ(resv(h, g, compat, M_decrease_reservation, DOMID_SELF, 1, 1, 0, l, 1), 1);
    CHECK_EQ(tot(h, g), 13);
    /* increase_reservation on a translated domain: pages, but no frames. */
    CHECK_EQ(resv(h, g, compat, M_increase_reservation, DOMID_SELF, 5, 0, 0, NULL, 0), 3);
    CHECK_EQ(tot(h, g), 16);

    /* extent_order above the caller's maximum (9 for a guest): nothing. */
    l[0] = 0x400;
    CHECK_EQ(resv(h, g, compat, M_decrease_reservation, DOMID_SELF, 1, 10, 0, l, 1), 0);
    CHECK_EQ(tot(h, g), 16);
    /* Start extent at or past nr_extents, or nr_extents too large: start extent. */
    CHECK_EQ(resv(h, g, compat, M_decrease_reservation | (2U << EXTENT_SHIFT), DOMID_SELF, 2, 0, 0,
                  l, 1),
             2);
    CHECK_EQ(resv(h, g, compat, M_increase_reservation, DOMID_SELF, 0x4000000, 0, 0, NULL, 0), 0);
    /* Unknown domain, denied caller: 0, never an error code. */
    CHECK_EQ(resv(h, g, compat, M_increase_reservation, 999, 1, 0, 0, NULL, 0), 0);
    l[0] = 1;
    CHECK_EQ(resv(h, g, compat, M_decrease_reservation, g2, 1, 0, 0, l, 1), 0);
    CHECK_EQ(tot(h, g2), 16);
    /* address bits of 12 or fewer (but not 0): refused. */
    CHECK_EQ(resv(h, g, compat, M_decrease_reservation, DOMID_SELF, 1, 0, 12, l, 1), 0);
    /* An exact node request from a guest: refused; a vnode without vNUMA too. */
    CHECK_EQ(
        resv(h, g, compat, M_decrease_reservation, DOMID_SELF, 1, 0, (1U << 17) | (1U << 8), l, 1),
        0);
    /* Populate on demand on oneself: nothing. */
    l[0] = 0x300;
    CHECK_EQ(resv(h, g, compat, M_populate_physmap, DOMID_SELF, 1, 0, F_POD, l, 1), 0);
    CHECK_EQ(tot(h, g), 16);
    /* A bad request pointer: 0, not -EFAULT. */
    CHECK_EQ(mop(h, g, M_decrease_reservation, 0xfffffffffffff000ULL), 0);
    /* A bad list: stops there. */
    {
        uint8_t b[32] = {0};

        put64(b, 0xfffffffffffff000ULL);
        put64(b + 8, 1);
        put16(b + 24, DOMID_SELF);
        if (compat) {
            memset(b, 0, sizeof(b));
            put32(b, 0xfffff000U);
            put32(b + 4, 1);
            put16(b + 16, DOMID_SELF);
        }
        CHECK_EQ(hv_guest_write(h, g, ARG, b, sizeof(b)), 0);
        CHECK_EQ(mop(h, g, M_decrease_reservation, ARG), 0);
        CHECK_EQ(tot(h, g), 16);
    }

    /* The toolstack and g's device model act on g; the toolstack's order limit is higher. */
    l[0] = 0;
    CHECK_EQ(resv(h, 0, false, M_decrease_reservation, g, 1, 2, 0, l, 1), 1); /* frames 0-3 */
    CHECK_EQ(tot(h, g), 12);
    CHECK_EQ(hv_domain_set_target(h, 0, dm, g), 0);
    l[0] = 0;
    CHECK_EQ(resv(h, dm, false, M_populate_physmap, g, 1, 2, 0, l, 1), 1);
    CHECK_EQ(tot(h, g), 16);
    hv_destroy(h);
}

static void test_reservation_flask(void)
{
    struct hv *h = mk("flask");
    xsm_domid_t g, g2;
    uint64_t l[1] = {5};

    if (xsm_active_id(hv_xsm(h), 0) != XSM_MODULE_FLASK) {
        hv_destroy(h);
        return;
    }
    g = mkdom(h, HV_CDF_hvm, false);
    g2 = mkdom(h, HV_CDF_hvm, false);
    /* mmu adjust: domU_t on domU_t_self and dom0_t on domU_t, not domU_t on domU_t. */
    CHECK_EQ(resv(h, g, false, M_decrease_reservation, DOMID_SELF, 1, 0, 0, l, 1), 1);
    CHECK_EQ(resv(h, g, false, M_decrease_reservation, g2, 1, 0, 0, l, 1), 0);
    CHECK_EQ(tot(h, g2), 16);
    CHECK_EQ(resv(h, 0, false, M_decrease_reservation, g2, 1, 0, 0, l, 1), 1);
    CHECK_EQ(tot(h, g2), 15);
    hv_destroy(h);
}

int main(void)
{
    test_dummy(false);
    test_dummy(true);
    test_silo();
    test_flask();
    test_reservation(false);
    test_reservation(true);
    test_reservation_flask();
    return check_report("test-hv-memop");
}
