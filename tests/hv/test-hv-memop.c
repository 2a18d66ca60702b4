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

#define ARG 0x3000U

static struct hv *mk(const char *xsm)
{
    struct hv_config c = {0};
    struct hv *h = NULL;

    c.modules = xsm;
    CHECK_EQ(hv_create(&h, &c), 0);
    return h;
}

static xsm_domid_t mkdom(struct hv *h, uint32_t flags, bool compat)
{
    struct hv_domain_config c = {0};
    xsm_domid_t id = 0;

    c.flags = flags;
    c.ssidref = SSID_DOMU;
    c.is_compat = compat;
    c.max_grant_frames = 4;
    CHECK_EQ(hv_domain_create(h, 0, &c, &id), 0);
    return id;
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

int main(void)
{
    test_dummy(false);
    test_dummy(true);
    test_silo();
    test_flask();
    return check_report("test-hv-memop");
}
