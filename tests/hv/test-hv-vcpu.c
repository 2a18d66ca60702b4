/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vcpu_op (hypercall 24) and HVMOP_set_evtchn_upcall_vector (hvm_op 23)
 * through the hypercall entry, native and compat callers, under dummy and
 * FLASK (neither has an XSM hook in Xen 4.17).  The expected results are
 * Xen 4.17's (xen/common/domain.c common_vcpu_op and map_vcpu_info,
 * xen/arch/x86/domain.c do_vcpu_op, xen/arch/x86/x86_64/domain.c
 * compat_vcpu_op, xen/arch/x86/hvm/hvm.c), written out here; where the
 * model deliberately differs (timers, NMIs, the time area: -ENOSYS, see
 * docs/hv-model.md) the test says so.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openxsm/hv.h>
#include <openxsm/xsm_op.h>

#include "check.h"
#include "../lib/le.h"

/* Xen errno values, stated independently of the host's errno.h. */
enum {
    X_ENOENT = 2,
    X_ENXIO = 6,
    X_EFAULT = 14,
    X_EEXIST = 17,
    X_EINVAL = 22,
    X_ENOSYS = 38,
};

/* Xen public numbers (vcpu.h, hvm_op.h, xen.h), independent of hv.h. */
enum {
    NR_VCPU_OP = 24,
    NR_HVM_OP = 34,
    V_INITIALISE = 0,
    V_UP = 1,
    V_DOWN = 2,
    V_IS_UP = 3,
    V_GET_RUNSTATE = 4,
    V_REG_RUNSTATE = 5,
    V_SET_PERIODIC = 6,
    V_STOP_PERIODIC = 7,
    V_SET_SINGLESHOT = 8,
    V_STOP_SINGLESHOT = 9,
    V_REG_VCPU_INFO = 10,
    V_SEND_NMI = 11,
    V_GET_PHYSID = 12,
    V_REG_TIME_AREA = 13,
    HVMOP_UPCALL_VECTOR = 23,
    SSID_DOMU = 12, /* domU_t in the default FLASK policy */
};

#define ARG      0x2000U  /* the request in the caller's memory */
#define OUT      0x3000U  /* a runstate area */
#define MEMSZ    0x10000U /* the model's default guest memory: 16 frames */
#define UNMAPPED 0x7f000000ULL

static struct hv *mk(const char *xsm)
{
    return hvt_model((struct hv_config){.modules = xsm});
}

static xsm_domid_t mkdom(struct hv *h, uint32_t flags, bool compat)
{
    return hvt_domain(
        h, (struct hv_domain_config){.flags = flags, .ssidref = SSID_DOMU, .is_compat = compat},
        true);
}

static long vcpu_op(struct hv *h, xsm_domid_t d, uint64_t cmd, uint64_t vcpu, uint64_t arg)
{
    uint64_t a[6] = {cmd, vcpu, arg, 0, 0, 0};

    return hv_hypercall(h, d, NR_VCPU_OP, a);
}

static long reg_vcpu_info(struct hv *h, xsm_domid_t d, uint64_t gfn, uint32_t off)
{
    uint8_t b[16];

    put64(b, gfn);
    put32(b + 8, off);
    put32(b + 12, 0x5a5a5a5a); /* rsvd: ignored */
    CHECK_EQ(hv_guest_write(h, d, ARG, b, sizeof(b)), 0);
    return vcpu_op(h, d, V_REG_VCPU_INFO, 0, ARG);
}

static long upcall_vector(struct hv *h, xsm_domid_t d, uint64_t arg, uint32_t vcpu, uint8_t vec)
{
    uint8_t b[8];
    uint64_t a[6] = {HVMOP_UPCALL_VECTOR, arg, 0, 0, 0, 0};

    memset(b, 0xa5, sizeof(b)); /* padding after the vector: ignored */
    put32(b, vcpu);
    b[4] = vec;
    if (arg + sizeof(b) <= MEMSZ)
        CHECK_EQ(hv_guest_write(h, d, arg, b, sizeof(b)), 0);
    return hv_hypercall(h, d, NR_HVM_OP, a);
}

/* The sub-ops that need nothing but a vCPU, and the vCPU id checks. */
static void test_basic(bool compat)
{
    struct hv *h = mk("dummy");
    xsm_domid_t g = mkdom(h, HV_CDF_hvm, compat);
    uint8_t ctx[128];

    CHECK_EQ(vcpu_op(h, g, V_IS_UP, 0, 0), 1);
    /* One vCPU: any other id is -ENOENT, before the sub-op is looked at. */
    CHECK_EQ(vcpu_op(h, g, V_IS_UP, 1, 0), -X_ENOENT);
    CHECK_EQ(vcpu_op(h, g, V_IS_UP, 0xffffffffU, 0), -X_ENOENT);
    CHECK_EQ(vcpu_op(h, g, 99, 1, 0), -X_ENOENT);
    CHECK_EQ(vcpu_op(h, g, 99, 0, 0), -X_ENOSYS);
    CHECK_EQ(vcpu_op(h, g, 14, 0, 0), -X_ENOSYS);
    if (!compat) {
        /* cmd is an int and the id an unsigned int: the upper halves go. */
        CHECK_EQ(vcpu_op(h, g, V_IS_UP, 0x100000000ULL, 0), 1);
        CHECK_EQ(vcpu_op(h, g, 0x100000000ULL | V_IS_UP, 0, 0), 1);
    }
    /* vCPU 0 is up and initialised. */
    CHECK_EQ(vcpu_op(h, g, V_UP, 0, 0), 0);
    memset(ctx, 0, sizeof(ctx));
    CHECK_EQ(hv_guest_write(h, g, ARG, ctx, sizeof(ctx)), 0);
    CHECK_EQ(vcpu_op(h, g, V_INITIALISE, 0, ARG), -X_EEXIST);
    /* The whole vcpu_hvm_context (128 bytes) is read first. */
    CHECK_EQ(vcpu_op(h, g, V_INITIALISE, 0, MEMSZ - 127), -X_EFAULT);
    CHECK_EQ(vcpu_op(h, g, V_INITIALISE, 1, ARG), -X_ENOENT);
    /* Not the hardware domain's pinned vCPU. */
    CHECK_EQ(vcpu_op(h, g, V_GET_PHYSID, 0, ARG), -X_EINVAL);
    /* Not modelled (no timers, NMIs or time area here): -ENOSYS. */
    CHECK_EQ(vcpu_op(h, g, V_SET_PERIODIC, 0, ARG), -X_ENOSYS);
    CHECK_EQ(vcpu_op(h, g, V_STOP_PERIODIC, 0, 0), -X_ENOSYS);
    CHECK_EQ(vcpu_op(h, g, V_SET_SINGLESHOT, 0, ARG), -X_ENOSYS);
    CHECK_EQ(vcpu_op(h, g, V_STOP_SINGLESHOT, 0, 0), -X_ENOSYS);
    CHECK_EQ(vcpu_op(h, g, V_REG_TIME_AREA, 0, ARG), -X_ENOSYS);
    /* send_nmi: a non-NULL argument is -EINVAL, as in Xen. */
    CHECK_EQ(vcpu_op(h, g, V_SEND_NMI, 0, ARG), -X_EINVAL);
    CHECK_EQ(vcpu_op(h, g, V_SEND_NMI, 0, 0), -X_ENOSYS);

    /* The last vCPU going down: 0, and the domain is to power off. */
    unsigned reason = 99;

    CHECK_EQ(hv_vcpu_shutdown(h, g, &reason), -X_ENOENT);
    CHECK_EQ(vcpu_op(h, g, V_DOWN, 0, 0), 0);
    CHECK_EQ(hv_vcpu_shutdown(h, g, &reason), 0);
    CHECK_EQ(reason, 0); /* SHUTDOWN_poweroff */
    CHECK_EQ(hv_vcpu_shutdown(h, 999, &reason), -3 /* ESRCH */);
    hv_destroy(h);
}

/* Runstate: 48 bytes (native), 44 (compat: 64-bit fields 4-aligned). */
static void test_runstate(bool compat)
{
    struct hv *h = mk("dummy");
    xsm_domid_t g = mkdom(h, HV_CDF_hvm, compat);
    size_t size = compat ? 44 : 48;
    uint8_t b[64], area[8];

    memset(b, 0xee, sizeof(b));
    CHECK_EQ(hv_guest_write(h, g, OUT, b, sizeof(b)), 0);
    CHECK_EQ(vcpu_op(h, g, V_GET_RUNSTATE, 0, OUT), 0);
    CHECK_EQ(hv_guest_read(h, g, OUT, b, sizeof(b)), 0);
    CHECK_EQ(get32(b), 0); /* RUNSTATE_running: the caller runs */
    CHECK_EQ(b[size - 1], 0);
    CHECK_EQ(b[size], 0xee); /* nothing past the structure */
    /* The whole structure is written or -EFAULT. */
    CHECK_EQ(vcpu_op(h, g, V_GET_RUNSTATE, 0, MEMSZ - size + 1), -X_EFAULT);
    CHECK_EQ(vcpu_op(h, g, V_GET_RUNSTATE, 1, OUT), -X_ENOENT);

    /* Register an area: written at once.  A compat handle is 4 bytes. */
    memset(b, 0xee, sizeof(b));
    CHECK_EQ(hv_guest_write(h, g, OUT, b, sizeof(b)), 0);
    put32(area, OUT);
    put32(area + 4, compat ? 0xdeadbeefU : 0);
    CHECK_EQ(hv_guest_write(h, g, ARG, area, sizeof(area)), 0);
    CHECK_EQ(vcpu_op(h, g, V_REG_RUNSTATE, 0, ARG), 0);
    CHECK_EQ(hv_guest_read(h, g, OUT, b, sizeof(b)), 0);
    CHECK_EQ(get32(b), 0);
    CHECK_EQ(b[size - 1], 0);
    CHECK_EQ(b[size], 0xee);
    /* An area that cannot be written is taken anyway (Xen ignores the copy). */
    put64(area, UNMAPPED);
    CHECK_EQ(hv_guest_write(h, g, ARG, area, sizeof(area)), 0);
    CHECK_EQ(vcpu_op(h, g, V_REG_RUNSTATE, 0, ARG), 0);
    /* The request itself must be readable: 8 bytes, compat 4. */
    CHECK_EQ(vcpu_op(h, g, V_REG_RUNSTATE, 0, MEMSZ - (compat ? 3 : 7)), -X_EFAULT);
    CHECK_EQ(vcpu_op(h, g, V_REG_RUNSTATE, 0, MEMSZ - (compat ? 4 : 8)), 0);
    hv_destroy(h);
}

static void test_vcpu_info(bool compat)
{
    struct hv *h = mk("dummy");
    xsm_domid_t g = mkdom(h, HV_CDF_hvm, compat), pv = mkdom(h, 0, compat);
    uint64_t gpa = 0;

    CHECK_EQ(hv_vcpu_info_gpa(h, g, 0, &gpa), -X_ENOENT); /* still in shared_info */
    CHECK_EQ(hv_vcpu_info_gpa(h, g, 1, &gpa), -X_EINVAL);
    CHECK_EQ(hv_vcpu_info_gpa(h, 999, 0, &gpa), -3 /* ESRCH */);
    /* Offsets: past 4096 - 64 or not aligned (8; 4 with 32-bit shared_info) -ENXIO. */
    CHECK_EQ(reg_vcpu_info(h, g, 5, 4096 - 64 + 1), -X_ENXIO);
    CHECK_EQ(reg_vcpu_info(h, g, 5, 4096 - 64 + 8), -X_ENXIO);
    CHECK_EQ(reg_vcpu_info(h, g, 5, 0xffffffffU), -X_ENXIO);
    CHECK_EQ(reg_vcpu_info(h, g, 5, 2), -X_ENXIO);
    if (!compat)
        CHECK_EQ(reg_vcpu_info(h, g, 5, 4096 - 64 - 4), -X_ENXIO); /* 4- but not 8-aligned */
    /* A frame the guest does not have: -EINVAL (after the offset checks). */
    CHECK_EQ(reg_vcpu_info(h, g, MEMSZ / 4096, 64), -X_EINVAL);
    CHECK_EQ(reg_vcpu_info(h, g, 0x100000000ULL, 64), -X_EINVAL);
    CHECK_EQ(hv_vcpu_info_gpa(h, g, 0, &gpa), -X_ENOENT);
    /* An unreadable request, another vCPU. */
    CHECK_EQ(vcpu_op(h, g, V_REG_VCPU_INFO, 0, MEMSZ - 15), -X_EFAULT);
    CHECK_EQ(vcpu_op(h, g, V_REG_VCPU_INFO, 1, ARG), -X_ENOENT);
    CHECK_EQ(hv_vcpu_info_gpa(h, g, 0, &gpa), -X_ENOENT);

    /* The good one: frame 5, at the last place it fits. */
    CHECK_EQ(reg_vcpu_info(h, g, 5, compat ? 4096 - 64 - 4 : 4096 - 64), 0);
    CHECK_EQ(hv_vcpu_info_gpa(h, g, 0, &gpa), 0);
    CHECK_EQ(gpa, 5 * 4096 + (compat ? 4096 - 64 - 4 : 4096 - 64));
    /* Once only: -EINVAL, but a bad offset is still -ENXIO first. */
    CHECK_EQ(reg_vcpu_info(h, g, 6, 0), -X_EINVAL);
    CHECK_EQ(reg_vcpu_info(h, g, 6, 4095), -X_ENXIO);
    CHECK_EQ(hv_vcpu_info_gpa(h, g, 0, &gpa), 0);
    CHECK_EQ(gpa, 5 * 4096 + (compat ? 4096 - 64 - 4 : 4096 - 64));

    /* A PV domain has the sub-op too (common code). */
    CHECK_EQ(reg_vcpu_info(h, pv, 3, 128), 0);
    CHECK_EQ(hv_vcpu_info_gpa(h, pv, 0, &gpa), 0);
    CHECK_EQ(gpa, 3 * 4096 + 128);
    hv_destroy(h);
}

static void test_upcall_vector(bool compat)
{
    struct hv *h = mk("dummy");
    xsm_domid_t g = mkdom(h, HV_CDF_hvm, compat), pv = mkdom(h, 0, compat);
    uint8_t vec = 0xff;

    CHECK_EQ(hv_vcpu_upcall_vector(h, g, 0, &vec), 0);
    CHECK_EQ(vec, 0);
    CHECK_EQ(hv_vcpu_upcall_vector(h, g, 1, &vec), -X_EINVAL);
    /* Not HVM: -EINVAL before the argument is read. */
    CHECK_EQ(upcall_vector(h, pv, UNMAPPED, 0, 0xf3), -X_EINVAL);
    CHECK_EQ(upcall_vector(h, pv, ARG, 0, 0xf3), -X_EINVAL);
    /* The whole structure (8 bytes) is read. */
    CHECK_EQ(upcall_vector(h, g, MEMSZ - 5, 0, 0xf3), -X_EFAULT);
    /* Vectors below 0x10: -EINVAL, checked before the vCPU. */
    CHECK_EQ(upcall_vector(h, g, ARG, 0, 0x0f), -X_EINVAL);
    CHECK_EQ(upcall_vector(h, g, ARG, 0, 0), -X_EINVAL);
    CHECK_EQ(upcall_vector(h, g, ARG, 7, 0x0f), -X_EINVAL);
    CHECK_EQ(upcall_vector(h, g, ARG, 1, 0xf3), -X_ENOENT);
    CHECK_EQ(hv_vcpu_upcall_vector(h, g, 0, &vec), 0);
    CHECK_EQ(vec, 0);
    CHECK_EQ(upcall_vector(h, g, ARG, 0, 0x10), 0);
    CHECK_EQ(hv_vcpu_upcall_vector(h, g, 0, &vec), 0);
    CHECK_EQ(vec, 0x10);
    /* Set again: the new one. */
    CHECK_EQ(upcall_vector(h, g, ARG, 0, 0xf3), 0);
    CHECK_EQ(hv_vcpu_upcall_vector(h, g, 0, &vec), 0);
    CHECK_EQ(vec, 0xf3);
    if (!compat) {
        /* hvm_op's op is an unsigned long: upper bits make another op. */
        uint64_t a[6] = {0x100000000ULL | HVMOP_UPCALL_VECTOR, ARG, 0, 0, 0, 0};

        CHECK_EQ(hv_hypercall(h, g, NR_HVM_OP, a), -X_ENOSYS);
    }
    hv_destroy(h);
}

/* No XSM hook in Xen 4.17: a domU_t guest under FLASK may do all of it. */
static void test_flask(void)
{
    struct hv *h = mk("flask");
    xsm_domid_t g;
    uint64_t gpa = 0;
    uint8_t vec = 0;

    if (xsm_active_id(hv_xsm(h), 0) != XSM_MODULE_FLASK) {
        printf("flask part skipped: not built\n");
        hv_destroy(h);
        return;
    }
    g = mkdom(h, HV_CDF_hvm, false);
    CHECK_EQ(vcpu_op(h, g, V_IS_UP, 0, 0), 1);
    CHECK_EQ(reg_vcpu_info(h, g, 4, 0), 0);
    CHECK_EQ(hv_vcpu_info_gpa(h, g, 0, &gpa), 0);
    CHECK_EQ(gpa, 4 * 4096);
    CHECK_EQ(upcall_vector(h, g, ARG, 0, 0xf3), 0);
    CHECK_EQ(hv_vcpu_upcall_vector(h, g, 0, &vec), 0);
    CHECK_EQ(vec, 0xf3);
    CHECK_EQ(vcpu_op(h, g, V_GET_RUNSTATE, 0, OUT), 0);
    hv_destroy(h);
}

int main(void)
{
    for (int c = 0; c < 2; c++) {
        test_basic(c != 0);
        test_runstate(c != 0);
        test_vcpu_info(c != 0);
        test_upcall_vector(c != 0);
    }
    test_flask();
    return check_report("test-hv-vcpu");
}
