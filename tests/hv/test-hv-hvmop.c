/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hvm_op (hypercall 34): HVMOP_set_param / HVMOP_get_param through the
 * hvm_param hook on the target domain, under dummy, SILO and FLASK, native
 * and compat callers, bad pointers and hostile values.  The expected
 * results are Xen 4.17's (xen/arch/x86/hvm/hvm.c), written out here.
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
    X_EPERM = 1,
    X_ESRCH = 3,
    X_EACCES = 13,
    X_EFAULT = 14,
    X_EEXIST = 17,
    X_EINVAL = 22,
    X_ENOSYS = 38,
};

/* Xen public numbers (hvm_op.h, params.h, xen.h), independent of hv.h. */
enum {
    NR_HVM_OP = 34,
    OP_SET = 0,
    OP_GET = 1,
    P_CALLBACK_IRQ = 0,
    P_STORE_PFN = 1,
    P_STORE_EVTCHN = 2,
    P_PAE_ENABLED = 4,
    P_IOREQ_PFN = 5,
    P_VIRIDIAN = 9,
    P_TIMER_MODE = 10,
    P_ACPI_S_STATE = 14,
    P_VM86_TSS = 15,
    P_CONSOLE_PFN = 17,
    P_ACPI_IOPORTS_LOCATION = 19,
    P_TRIPLE_FAULT_REASON = 31,
    P_NR_IOREQ_SERVER_PAGES = 33,
    P_ALTP2M = 35,
    P_X87_FIP_WIDTH = 36,
    P_VM86_TSS_SIZED = 37,
    P_MCA_CAP = 38,
    NR_PARAMS = 39,
    DOMID_SELF = 0x7ff0,
    SSID_DOMU = 12, /* domU_t in the default FLASK policy */
};

#define ARG 0x2000U /* where the xen_hvm_param lives in the caller's memory */

static struct hv *mk(const char *xsm)
{
    return hvt_model((struct hv_config){.modules = xsm});
}

static xsm_domid_t mkdom(struct hv *h, uint32_t flags, bool compat)
{
    return hvt_domain(
        h, (struct hv_domain_config){.flags = flags, .ssidref = SSID_DOMU, .is_compat = compat},
        false);
}

/* One HVMOP_{set,get}_param through the hypercall entry. */
static long param_op(struct hv *h, xsm_domid_t caller, unsigned op, uint16_t dom, uint32_t index,
                     uint64_t *value)
{
    uint8_t b[16] = {0};
    uint64_t a[6] = {op, ARG, 0, 0, 0, 0};
    long rc;

    put16(b, dom);
    put16(b + 2, 0xa5a5); /* padding: ignored */
    put32(b + 4, index);
    put64(b + 8, *value);
    CHECK_EQ(hv_guest_write(h, caller, ARG, b, sizeof(b)), 0);
    rc = hv_hypercall(h, caller, NR_HVM_OP, a);
    CHECK_EQ(hv_guest_read(h, caller, ARG, b, sizeof(b)), 0);
    *value = get64(b + 8);
    return rc;
}

static long set(struct hv *h, xsm_domid_t caller, uint16_t dom, uint32_t index, uint64_t v)
{
    return param_op(h, caller, OP_SET, dom, index, &v);
}

/* Returns the value read, or a poison value with *rc the error. */
static uint64_t get(struct hv *h, xsm_domid_t caller, uint16_t dom, uint32_t index, long *rc)
{
    uint64_t v = 0xdeadbeefcafef00dULL;

    *rc = param_op(h, caller, OP_GET, dom, index, &v);
    return v;
}

static void test_dummy(bool compat)
{
    struct hv *h = mk("dummy");
    xsm_domid_t g = mkdom(h, HV_CDF_hvm, compat), g2 = mkdom(h, HV_CDF_hvm, false);
    xsm_domid_t pv = mkdom(h, 0, compat), dm = mkdom(h, 0, false);
    long rc = 0;

    /* The toolstack sets the xenstore page; the guest reads it. */
    CHECK_EQ(set(h, 0, g, P_STORE_PFN, 0xfeffcU), 0);
    CHECK_EQ(set(h, 0, g, P_STORE_EVTCHN, 3), 0);
    CHECK_EQ(get(h, g, DOMID_SELF, P_STORE_PFN, &rc), 0xfeffcU);
    CHECK_EQ(rc, 0);
    CHECK_EQ(get(h, g, g, P_STORE_EVTCHN, &rc), 3);
    CHECK_EQ(rc, 0);
    CHECK_EQ(get(h, g, DOMID_SELF, P_CONSOLE_PFN, &rc), 0);
    CHECK_EQ(rc, 0);
    /* Xen's defaults for a new HVM domain (hvm_domain_initialise). */
    CHECK_EQ(get(h, 0, g, P_TRIPLE_FAULT_REASON, &rc), 1);
    CHECK_EQ(get(h, 0, g, P_TIMER_MODE, &rc), 0);

    /* The guest sets its callback, and reads it back. */
    CHECK_EQ(set(h, g, DOMID_SELF, P_CALLBACK_IRQ, 0x0200000000000000ULL | 0xf3), 0);
    CHECK_EQ(get(h, g, DOMID_SELF, P_CALLBACK_IRQ, &rc), 0x0200000000000000ULL | 0xf3);
    CHECK_EQ(rc, 0);
    CHECK_EQ(get(h, 0, g, P_CALLBACK_IRQ, &rc), 0x0200000000000000ULL | 0xf3);

    /* Parameters a guest may not set (or read) on itself: -EPERM, nothing changed. */
    CHECK_EQ(set(h, g, DOMID_SELF, P_STORE_PFN, 0x1234), -X_EPERM);
    CHECK_EQ(get(h, 0, g, P_STORE_PFN, &rc), 0xfeffcU);
    CHECK_EQ(set(h, g, DOMID_SELF, P_TIMER_MODE, 1), -X_EPERM);
    get(h, g, DOMID_SELF, P_TIMER_MODE, &rc);
    CHECK_EQ(rc, -X_EPERM);
    get(h, g, DOMID_SELF, P_IOREQ_PFN, &rc);
    CHECK_EQ(rc, -X_EPERM);

    /* Another guest's parameters: the hook (TARGET) refuses. */
    CHECK_EQ(set(h, g, g2, P_CALLBACK_IRQ, 1), -X_EPERM);
    get(h, g, g2, P_CALLBACK_IRQ, &rc);
    CHECK_EQ(rc, -X_EPERM);
    CHECK_EQ(get(h, 0, g2, P_CALLBACK_IRQ, &rc), 0);

    /* Its device model may (and is not "the domain itself"). */
    CHECK_EQ(hv_domain_set_target(h, 0, dm, g), 0);
    CHECK_EQ(set(h, dm, g, P_IOREQ_PFN, 0xff000), 0);
    CHECK_EQ(get(h, dm, g, P_IOREQ_PFN, &rc), 0xff000);
    CHECK_EQ(rc, 0);
    CHECK_EQ(set(h, dm, g2, P_IOREQ_PFN, 0xff000), -X_EPERM);

    /* Set-once parameters: the same value again is fine, another is -EEXIST. */
    CHECK_EQ(set(h, 0, g, P_IOREQ_PFN, 0xff000), 0);
    CHECK_EQ(set(h, 0, g, P_IOREQ_PFN, 0xfe000), -X_EEXIST);
    CHECK_EQ(get(h, 0, g, P_IOREQ_PFN, &rc), 0xff000);

    /* Value checks. */
    CHECK_EQ(set(h, 0, g, P_TIMER_MODE, 4), -X_EINVAL);
    CHECK_EQ(set(h, 0, g, P_TIMER_MODE, 3), 0);
    CHECK_EQ(get(h, 0, g, P_TIMER_MODE, &rc), 3);
    CHECK_EQ(set(h, g, DOMID_SELF, P_X87_FIP_WIDTH, 5), -X_EINVAL);
    CHECK_EQ(set(h, g, DOMID_SELF, P_X87_FIP_WIDTH, 4), 0);
    CHECK_EQ(get(h, g, DOMID_SELF, P_X87_FIP_WIDTH, &rc), 4);
    CHECK_EQ(set(h, 0, g, P_ACPI_S_STATE, 1), -X_EINVAL);
    CHECK_EQ(set(h, 0, g, P_ACPI_S_STATE, 3), 0);
    CHECK_EQ(get(h, 0, g, P_ACPI_S_STATE, &rc), 3);

    /* VIRIDIAN needs the base-frequency bit and no unknown bits; then set-once. */
    CHECK_EQ(set(h, 0, g, P_VIRIDIAN, 0x2), -X_EINVAL);
    CHECK_EQ(set(h, 0, g, P_VIRIDIAN, 0x2001), -X_EINVAL);
    CHECK_EQ(set(h, 0, g, P_VIRIDIAN, 0x1fff), 0);
    CHECK_EQ(set(h, 0, g, P_VIRIDIAN, 0x1), -X_EEXIST);

    /* ALTP2M: also the altp2mhvm hook (PRIV), which g's device model lacks. */
    CHECK_EQ(set(h, dm, g, P_ALTP2M, 1), -X_EPERM);
    CHECK_EQ(set(h, 0, g, P_ALTP2M, 4), -X_EINVAL);
    CHECK_EQ(set(h, 0, g, P_ALTP2M, 2), 0);
    CHECK_EQ(get(h, g, DOMID_SELF, P_ALTP2M, &rc), 2); /* a guest may read it */
    CHECK_EQ(set(h, g, DOMID_SELF, P_ALTP2M, 2), -X_EPERM);

    /* pmtimer ports: version 0 or 1, moving by one. */
    CHECK_EQ(set(h, g, DOMID_SELF, P_ACPI_IOPORTS_LOCATION, 2), -X_EINVAL);
    CHECK_EQ(set(h, g, DOMID_SELF, P_ACPI_IOPORTS_LOCATION, 1), 0);
    CHECK_EQ(set(h, g, DOMID_SELF, P_ACPI_IOPORTS_LOCATION, 1), 0);
    CHECK_EQ(set(h, g, DOMID_SELF, P_ACPI_IOPORTS_LOCATION, 0), 0);

    /* The legacy VM86 TSS is kept in the sized form, with 128 bytes. */
    CHECK_EQ(set(h, g, DOMID_SELF, P_VM86_TSS, 0x100000000ULL), -X_EINVAL);
    CHECK_EQ(set(h, g, DOMID_SELF, P_VM86_TSS, 0xfeff0000U), 0);
    CHECK_EQ(get(h, g, DOMID_SELF, P_VM86_TSS, &rc), 0xfeff0000U);
    CHECK_EQ(get(h, g, DOMID_SELF, P_VM86_TSS_SIZED, &rc), (128ULL << 32) | 0xfeff0000U);
    CHECK_EQ(set(h, g, DOMID_SELF, P_VM86_TSS_SIZED, (103ULL << 32) | 0x1000), -X_EINVAL);
    /* A size past the useful maximum (104 + 32 + 8192 + 1) is capped. */
    CHECK_EQ(set(h, g, DOMID_SELF, P_VM86_TSS_SIZED, (0xffffULL << 32) | 0x1000), 0);
    CHECK_EQ(get(h, g, DOMID_SELF, P_VM86_TSS_SIZED, &rc), (8329ULL << 32) | 0x1000);

    /* Set-once ioreq pages, with their own bounds; MCA caps: LMCE only. */
    CHECK_EQ(set(h, 0, g, P_NR_IOREQ_SERVER_PAGES, 65), -X_EINVAL);
    CHECK_EQ(set(h, 0, g, P_NR_IOREQ_SERVER_PAGES, 0), -X_EINVAL);
    CHECK_EQ(set(h, 0, g, P_NR_IOREQ_SERVER_PAGES, 64), 0);
    CHECK_EQ(set(h, 0, g, P_MCA_CAP, 2), -X_EINVAL);
    CHECK_EQ(set(h, 0, g, P_MCA_CAP, 1), 0);
    CHECK_EQ(set(h, 0, g, P_TRIPLE_FAULT_REASON, 6), -X_EINVAL);
    CHECK_EQ(set(h, 0, g, P_TRIPLE_FAULT_REASON, 5), 0);

    /* Deprecated parameters: -EINVAL for everyone, after the hook. */
    CHECK_EQ(set(h, 0, g, P_PAE_ENABLED, 1), -X_EINVAL);
    get(h, 0, g, P_PAE_ENABLED, &rc);
    CHECK_EQ(rc, -X_EINVAL);

    /* Index first (-EINVAL), then the domain (-ESRCH), then HVM-ness (-EINVAL). */
    CHECK_EQ(set(h, g, DOMID_SELF, NR_PARAMS, 0), -X_EINVAL);
    CHECK_EQ(set(h, g, DOMID_SELF, 0xffffffffU, 0), -X_EINVAL);
    CHECK_EQ(set(h, g, 999, NR_PARAMS, 0), -X_EINVAL);
    CHECK_EQ(set(h, g, 999, P_CALLBACK_IRQ, 0), -X_ESRCH);
    CHECK_EQ(set(h, g, 0x7ff4, P_CALLBACK_IRQ, 0), -X_ESRCH); /* DOMID_INVALID */
    get(h, 0, 999, P_CALLBACK_IRQ, &rc);
    CHECK_EQ(rc, -X_ESRCH);
    CHECK_EQ(set(h, pv, DOMID_SELF, P_CALLBACK_IRQ, 1), -X_EINVAL);
    CHECK_EQ(set(h, 0, pv, P_STORE_PFN, 1), -X_EINVAL);
    get(h, 0, pv, P_STORE_PFN, &rc);
    CHECK_EQ(rc, -X_EINVAL);
    /* dom0 is a PVH (HVM) domain in the model. */
    CHECK_EQ(set(h, 0, DOMID_SELF, P_CALLBACK_IRQ, 1), 0);

    /* Other HVMOPs, and sub-ops beyond 32 bits. */
    {
        uint64_t a[6] = {5, 0, 0, 0, 0, 0};

        CHECK_EQ(hv_hypercall(h, g, NR_HVM_OP, a), -X_ENOSYS);
        a[0] = 10;
        CHECK_EQ(hv_hypercall(h, g, NR_HVM_OP, a), -X_ENOSYS);
        /* A 32-bit caller's op register has 32 bits; a 64-bit caller's op is unknown. */
        a[0] = (1ULL << 32) | OP_GET;
        a[1] = ARG;
        {
            uint8_t b[16] = {0};

            put16(b, DOMID_SELF);
            put32(b + 4, P_STORE_PFN);
            CHECK_EQ(hv_guest_write(h, g, ARG, b, sizeof(b)), 0);
        }
        CHECK_EQ(hv_hypercall(h, g, NR_HVM_OP, a), compat ? 0 : -X_ENOSYS);
    }

    /* Bad pointers: -EFAULT, nothing changed. */
    {
        uint64_t a[6] = {OP_SET, 0xfffffffffffffff8ULL, 0, 0, 0, 0};
        uint8_t b[16] = {0};

        CHECK_EQ(hv_hypercall(h, g, NR_HVM_OP, a), -X_EFAULT);
        a[0] = OP_GET;
        CHECK_EQ(hv_hypercall(h, g, NR_HVM_OP, a), -X_EFAULT);
        a[1] = 64 * 1024 - 8; /* straddles the end of the default memory */
        CHECK_EQ(hv_hypercall(h, g, NR_HVM_OP, a), -X_EFAULT);
        /* A get whose result cannot be written back. */
        put16(b, DOMID_SELF);
        put32(b + 4, P_STORE_PFN);
        CHECK_EQ(hv_guest_write(h, g, ARG, b, sizeof(b)), 0);
        CHECK_EQ(hv_guest_set_fault(h, g, ARG + 8, 8, false, true), 0);
        a[1] = ARG;
        CHECK_EQ(hv_hypercall(h, g, NR_HVM_OP, a), -X_EFAULT);
        /* A set whose request cannot be read. */
        CHECK_EQ(hv_guest_set_fault(h, g, ARG + 8, 8, true, false), 0);
        put32(b + 4, P_CALLBACK_IRQ);
        put64(b + 8, 77);
        CHECK_EQ(hv_guest_write(h, g, ARG, b, 8), 0);
        a[0] = OP_SET;
        CHECK_EQ(hv_hypercall(h, g, NR_HVM_OP, a), -X_EFAULT);
        CHECK_EQ(hv_guest_set_fault(h, g, 0, 0, false, false), 0);
        CHECK_EQ(get(h, g, DOMID_SELF, P_CALLBACK_IRQ, &rc), 0x0200000000000000ULL | 0xf3);
    }

    /* The direct C API gives the same answers. */
    {
        uint64_t v = 0;

        CHECK_EQ(hv_hvm_get_param(h, g, XSM_DOMID_SELF, P_STORE_PFN, &v), 0);
        CHECK_EQ(v, 0xfeffcU);
        CHECK_EQ(hv_hvm_set_param(h, g, g2, P_CALLBACK_IRQ, 1), -X_EPERM);
        CHECK_EQ(hv_hvm_set_param(h, 0, g2, P_CALLBACK_IRQ, 9), 0);
        CHECK_EQ(hv_hvm_get_param(h, g2, g2, P_CALLBACK_IRQ, &v), 0);
        CHECK_EQ(v, 9);
        CHECK_EQ(hv_hvm_get_param(h, 0, g2, NR_PARAMS, &v), -X_EINVAL);
        CHECK_EQ(hv_hvm_get_param(h, 4000, g2, 0, &v), -X_ESRCH);
    }
    hv_destroy(h);
}

static void test_silo(void)
{
    struct hv *h = mk("silo");
    xsm_domid_t g = mkdom(h, HV_CDF_hvm, false), g2 = mkdom(h, HV_CDF_hvm, false);
    long rc = 0;

    CHECK_EQ(set(h, 0, g, P_STORE_PFN, 0xfeffcU), 0);
    CHECK_EQ(get(h, g, DOMID_SELF, P_STORE_PFN, &rc), 0xfeffcU);
    CHECK_EQ(rc, 0);
    CHECK_EQ(set(h, g, DOMID_SELF, P_CALLBACK_IRQ, 5), 0);
    CHECK_EQ(set(h, g, g2, P_CALLBACK_IRQ, 5), -X_EPERM);
    get(h, g, g2, P_CALLBACK_IRQ, &rc);
    CHECK_EQ(rc, -X_EPERM);
    hv_destroy(h);
}

static void test_flask(void)
{
    struct hv *h = mk("flask");
    xsm_domid_t g, g2;
    long rc = 0;

    if (xsm_active_id(hv_xsm(h), 0) != XSM_MODULE_FLASK) {
        printf("flask part skipped: not built\n");
        hv_destroy(h);
        return;
    }
    g = mkdom(h, HV_CDF_hvm, false);
    g2 = mkdom(h, HV_CDF_hvm, false);
    /* dom0_t manages domU_t (hvm getparam/setparam); domU_t has them on domU_t_self. */
    CHECK_EQ(set(h, 0, g, P_STORE_PFN, 0xfeffcU), 0);
    CHECK_EQ(get(h, g, DOMID_SELF, P_STORE_PFN, &rc), 0xfeffcU);
    CHECK_EQ(rc, 0);
    CHECK_EQ(set(h, g, DOMID_SELF, P_CALLBACK_IRQ, 5), 0);
    CHECK_EQ(get(h, 0, g, P_CALLBACK_IRQ, &rc), 5);
    /* ... but not on another domU_t: the AVC says -EACCES. */
    CHECK_EQ(set(h, g, g2, P_CALLBACK_IRQ, 5), -X_EACCES);
    get(h, g, g2, P_CALLBACK_IRQ, &rc);
    CHECK_EQ(rc, -X_EACCES);
    /* The Xen checks after the hook still apply. */
    CHECK_EQ(set(h, g, DOMID_SELF, P_STORE_PFN, 1), -X_EPERM);
    hv_destroy(h);
}

int main(void)
{
    test_dummy(false);
    test_dummy(true);
    test_silo();
    test_flask();
    return check_report("test-hv-hvmop");
}
