/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hvm_op (hypercall 34): HVM parameters, as Xen 4.17's
 * xen/arch/x86/hvm/hvm.c sets and reads them, and the per-vCPU upcall
 * vector (below, before the decoder).  This file owns the decoder
 * (hv_do_hvm_op) and the operations; guest memory is reached only through
 * hv_gcopy_from / hv_gcopy_to.
 *
 * Order of the checks, Xen's: copy the request (-EFAULT); index below
 * HVM_NR_PARAMS (-EINVAL); the domain, DOMID_SELF allowed (-ESRCH); an HVM
 * domain (-EINVAL); the hvm_param hook on that domain with the HVMOP as its
 * argument; deprecated parameters (-EINVAL); parameters a domain may not
 * set or read on itself (-EPERM; another domain that passed the hook may);
 * set-once parameters (-EEXIST); the value checks of the parameter
 * (-EINVAL); only then the store.
 *
 * What the parameters do (callbacks, S3, ioreq pages, pmtimer ports) is
 * not modelled: the model keeps the values, so a host (the KVM VMM) reads
 * the callback vector or the xenstore page from here.  The VM86 TSS
 * encoding and the ACPI S-state read-back are kept as Xen reports them.
 */
#include <string.h>

#include "hv_priv.h"

/* HVM_PARAM_* numbers used below (xen/include/public/hvm/params.h). */
enum {
    P_CALLBACK_IRQ = 0,
    P_STORE_PFN = 1,
    P_STORE_EVTCHN = 2,
    P_PAE_ENABLED = 4,
    P_IOREQ_PFN = 5,
    P_BUFIOREQ_PFN = 6,
    P_VIRIDIAN = 9,
    P_TIMER_MODE = 10,
    P_DM_DOMAIN = 13,
    P_ACPI_S_STATE = 14,
    P_VM86_TSS = 15,
    P_CONSOLE_PFN = 17,
    P_CONSOLE_EVTCHN = 18,
    P_ACPI_IOPORTS_LOCATION = 19,
    P_MEMORY_EVENT_CR0 = 20,
    P_MEMORY_EVENT_CR3 = 21,
    P_MEMORY_EVENT_CR4 = 22,
    P_MEMORY_EVENT_INT3 = 23,
    P_NESTEDHVM = 24,
    P_MEMORY_EVENT_SINGLE_STEP = 25,
    P_BUFIOREQ_EVTCHN = 26,
    P_MEMORY_EVENT_MSR = 30,
    P_TRIPLE_FAULT_REASON = 31,
    P_IOREQ_SERVER_PFN = 32,
    P_NR_IOREQ_SERVER_PAGES = 33,
    P_VM_GENERATION_ID_ADDR = 34,
    P_ALTP2M = 35,
    P_X87_FIP_WIDTH = 36,
    P_VM86_TSS_SIZED = 37,
    P_MCA_CAP = 38,
};

#define TIMER_MODE_MAX      3U      /* HVMPTM_one_missed_tick_pending */
#define VIRIDIAN_BASE_FREQ  0x1U    /* HVMPV_base_freq */
#define VIRIDIAN_FEATURES   0x1fffU /* HVMPV_feature_mask: bits 0..12 */
#define ALTP2M_MAX          3U      /* XEN_ALTP2M_limited */
#define SHUTDOWN_MAX        5U
#define SHUTDOWN_reboot     1U
#define MCA_CAP_MASK        0x1U /* XEN_HVM_MCA_CAP_LMCE */
#define IOREQ_PAGES_MAX     64U  /* bits in Xen's ioreq_gfn.mask */
#define VM86_TSS_UPDATED    (1ULL << 63)
#define TSS32_SIZE          104U
#define VM86_TSS_SIZE_MAX   (TSS32_SIZE + 0x100 / 8 + 0x10000 / 8 + 1)
#define VM86_TSS_LEGACY_LEN 128ULL /* what old hvmloaders assume */

void hv_hvm_init(struct hv_dom *d)
{
    memset(d->hvm_param, 0, sizeof(d->hvm_param));
    d->hvm_param[P_TRIPLE_FAULT_REASON] = SHUTDOWN_reboot;
}

static bool deprecated(uint32_t index)
{
    switch (index) {
    case P_PAE_ENABLED:
    case P_DM_DOMAIN:
    case P_MEMORY_EVENT_CR0:
    case P_MEMORY_EVENT_CR3:
    case P_MEMORY_EVENT_CR4:
    case P_MEMORY_EVENT_INT3:
    case P_NESTEDHVM:
    case P_MEMORY_EVENT_SINGLE_STEP:
    case P_BUFIOREQ_EVTCHN:
    case P_MEMORY_EVENT_MSR:
        return true;
    default:
        return false;
    }
}

/* What a guest may do to its own parameters (Xen's hvm_allow_{set,get}_param). */
static bool self_allowed(uint32_t index, bool set)
{
    switch (index) {
    case P_CALLBACK_IRQ:
    case P_VM86_TSS:
    case P_VM86_TSS_SIZED:
    case P_ACPI_IOPORTS_LOCATION:
    case P_VM_GENERATION_ID_ADDR:
    case P_STORE_EVTCHN:
    case P_CONSOLE_EVTCHN:
    case P_X87_FIP_WIDTH:
        return true;
    case P_STORE_PFN:
    case P_CONSOLE_PFN:
    case P_ALTP2M:
        return !set;
    default:
        return false;
    }
}

static int allow(struct hv *h, struct hv_dom *cur, struct hv_dom *d, uint32_t index, bool set)
{
    int rc = xsm_hvm_param(h->xsm, &cur->x, &d->x, set ? HV_HVMOP_set_param : HV_HVMOP_get_param);

    if (rc)
        return rc;
    if (deprecated(index))
        return -EINVAL;
    if (d == cur && !self_allowed(index, set))
        return -EPERM;
    return 0;
}

static bool set_once(uint32_t index)
{
    switch (index) {
    case P_VIRIDIAN:
    case P_IOREQ_PFN:
    case P_BUFIOREQ_PFN:
    case P_IOREQ_SERVER_PFN:
    case P_NR_IOREQ_SERVER_PAGES:
    case P_ALTP2M:
    case P_MCA_CAP:
        return true;
    default:
        return false;
    }
}

/* The parameter's own checks; may rewrite where and what is stored. */
static int check_value(struct hv *h, struct hv_dom *cur, struct hv_dom *d, uint32_t *index,
                       uint64_t *value)
{
    uint64_t v = *value;

    switch (*index) {
    case P_TIMER_MODE:
        return v > TIMER_MODE_MAX ? -EINVAL : 0;
    case P_VIRIDIAN:
        return (v & ~(uint64_t)VIRIDIAN_FEATURES) || !(v & VIRIDIAN_BASE_FREQ) ? -EINVAL : 0;
    case P_ACPI_S_STATE:
        return v == 0 || v == 3 ? 0 : -EINVAL;
    case P_ACPI_IOPORTS_LOCATION:
        /* pmtimer_change_ioport: only between versions 0 and 1. */
        return v == d->hvm_param[P_ACPI_IOPORTS_LOCATION] ||
                       (v ^ d->hvm_param[P_ACPI_IOPORTS_LOCATION]) == 1
                   ? 0
                   : -EINVAL;
    case P_ALTP2M: {
        int rc = xsm_hvm_param_altp2mhvm(h->xsm, &cur->x, &d->x);

        if (rc)
            return rc;
        return v > ALTP2M_MAX ? -EINVAL : 0;
    }
    case P_TRIPLE_FAULT_REASON:
        return v > SHUTDOWN_MAX ? -EINVAL : 0;
    case P_NR_IOREQ_SERVER_PAGES:
        return v == 0 || v > IOREQ_PAGES_MAX ? -EINVAL : 0;
    case P_X87_FIP_WIDTH:
        return v == 0 || v == 4 || v == 8 ? 0 : -EINVAL;
    case P_VM86_TSS:
        /* Kept in the sized form, with the size old hvmloaders assume. */
        if (v != (uint32_t)v)
            return -EINVAL;
        if (v)
            *value = v | (VM86_TSS_LEGACY_LEN << 32) | VM86_TSS_UPDATED;
        *index = P_VM86_TSS_SIZED;
        return 0;
    case P_VM86_TSS_SIZED:
        if ((v >> 32) < TSS32_SIZE)
            return -EINVAL;
        if ((v >> 32) > VM86_TSS_SIZE_MAX)
            v = (uint32_t)v | ((uint64_t)VM86_TSS_SIZE_MAX << 32);
        *value = v | VM86_TSS_UPDATED;
        return 0;
    case P_MCA_CAP:
        return v & ~(uint64_t)MCA_CAP_MASK ? -EINVAL : 0;
    default:
        return 0;
    }
}

/* Xen's rcu_lock_domain_by_any_id plus the HVM check, after the index check. */
static int lookup(struct hv *h, struct hv_dom *cur, xsm_domid_t domid, uint32_t index,
                  struct hv_dom **d)
{
    if (index >= HV_HVM_NR_PARAMS)
        return -EINVAL;
    *d = hv_dom_any(h, cur, domid);
    if (!*d)
        return -ESRCH;
    return (*d)->cdf & HV_CDF_hvm ? 0 : -EINVAL;
}

static int set_param(struct hv *h, struct hv_dom *cur, xsm_domid_t domid, uint32_t index,
                     uint64_t value)
{
    struct hv_dom *d;
    int rc = lookup(h, cur, domid, index, &d);

    if (!rc)
        rc = allow(h, cur, d, index, true);
    if (rc)
        return rc;
    if (set_once(index) && d->hvm_param[index] != 0 && d->hvm_param[index] != value)
        return -EEXIST;
    rc = check_value(h, cur, d, &index, &value);
    if (rc)
        return rc;
    d->hvm_param[index] = value;
    return 0;
}

static int get_param(struct hv *h, struct hv_dom *cur, xsm_domid_t domid, uint32_t index,
                     uint64_t *value)
{
    struct hv_dom *d;
    int rc = lookup(h, cur, domid, index, &d);

    if (!rc)
        rc = allow(h, cur, d, index, false);
    if (rc)
        return rc;
    switch (index) {
    case P_VM86_TSS:
        *value = (uint32_t)d->hvm_param[P_VM86_TSS_SIZED];
        break;
    case P_VM86_TSS_SIZED:
        *value = d->hvm_param[P_VM86_TSS_SIZED] & ~VM86_TSS_UPDATED;
        break;
    default:
        *value = d->hvm_param[index];
        break;
    }
    return 0;
}

int hv_hvm_set_param(struct hv *h, xsm_domid_t caller, xsm_domid_t domid, uint32_t index,
                     uint64_t value)
{
    struct hv_dom *cur = h ? hv_dom_get(h, caller) : NULL;

    if (!cur)
        return h ? -ESRCH : -EINVAL;
    return set_param(h, cur, domid, index, value);
}

int hv_hvm_get_param(struct hv *h, xsm_domid_t caller, xsm_domid_t domid, uint32_t index,
                     uint64_t *value)
{
    struct hv_dom *cur = h ? hv_dom_get(h, caller) : NULL;

    if (!cur || !value)
        return h && value ? -ESRCH : -EINVAL;
    return get_param(h, cur, domid, index, value);
}

/*
 * HVMOP_set_evtchn_upcall_vector: the caller's own vCPU, no hook (Xen has
 * none).  Xen's order: an HVM caller (-EINVAL, before the argument is
 * read), the whole 8-byte struct xen_hvm_evtchn_upcall_vector (vcpu at 0,
 * vector at 4; -EFAULT), a vector below 0x10 (-EINVAL), the vCPU
 * (-ENOENT).  The vector is kept in vcpu.c's state for the host
 * (hv_vcpu_upcall_vector).  Xen also raises the vector once right away
 * (hvm_assert_evtchn_irq); the KVM host does not (docs/kvm.md).
 */
#define UPCALL_VECTOR_SIZE 8
#define UPCALL_VECTOR_MIN  0x10U

static long set_upcall_vector(struct hv_dom *cur, uint64_t arg)
{
    uint8_t b[UPCALL_VECTOR_SIZE];

    if (!(cur->cdf & HV_CDF_hvm))
        return -EINVAL;
    if (hv_gcopy_from(cur, b, arg, sizeof(b)))
        return -EFAULT;
    if (b[4] < UPCALL_VECTOR_MIN)
        return -EINVAL;
    if (hv_ld32(b) >= HV_NR_VCPUS)
        return -ENOENT;
    cur->upcall_vector = b[4];
    return 0;
}

/*
 * The decoder.  struct xen_hvm_param is the same in both ABIs: domid at 0,
 * index at 4, value at 8, 16 bytes (the 64-bit value is 8-aligned by
 * position even where the 32-bit ABI aligns it to 4).
 */
#define PARAM_SIZE 16

long hv_do_hvm_op(struct hv *h, struct hv_dom *cur, uint64_t op, uint64_t arg)
{
    uint8_t b[PARAM_SIZE];
    uint64_t value = 0;
    long rc;

    if (cur->guest.compat)
        op = (uint32_t)op; /* a 32-bit guest's register */
    switch (op) {
    case HV_HVMOP_set_param:
        if (hv_gcopy_from(cur, b, arg, sizeof(b)))
            return -EFAULT;
        return set_param(h, cur, hv_ld16(b), hv_ld32(b + 4), hv_ld64(b + 8));
    case HV_HVMOP_get_param:
        if (hv_gcopy_from(cur, b, arg, sizeof(b)))
            return -EFAULT;
        rc = get_param(h, cur, hv_ld16(b), hv_ld32(b + 4), &value);
        if (rc)
            return rc;
        hv_st64(b + 8, value);
        return hv_gcopy_to(cur, arg, b, sizeof(b)) ? -EFAULT : 0;
    case HV_HVMOP_set_evtchn_upcall_vector:
        return set_upcall_vector(cur, arg);
    default:
        return -ENOSYS;
    }
}
