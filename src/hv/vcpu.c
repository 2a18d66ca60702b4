/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vcpu_op (hypercall 24) for the model's one vCPU per domain, as Xen 4.17
 * answers an HVM (or PV) guest: xen/arch/x86/domain.c do_vcpu_op, its
 * compat twin in xen/arch/x86/x86_64/domain.c, and the common part in
 * xen/common/domain.c (common_vcpu_op, map_vcpu_info).  There is no XSM
 * hook on any of it in Xen: a domain acts on its own vCPUs only.  This
 * file owns the decoder (hv_do_vcpu_op) and the state it keeps; guest
 * memory is reached only through hv_gcopy_from / hv_gcopy_to.
 *
 * The order of the checks is Xen's: the vCPU id first (-ENOENT, whatever
 * the sub-op, since Xen looks the vCPU up before its switch), then the
 * sub-op's own.  Sub-ops and what they do here:
 *
 *   initialise         reads the vcpu_hvm_context (128 bytes, -EFAULT);
 *                      vCPU 0 is initialised already: -EEXIST
 *   up                 0 (vCPU 0 is up)
 *   down               the last vCPU going down: Xen shuts the domain down
 *                      (poweroff) and answers 0; the model records it and
 *                      the host stops the guest (hv_vcpu_shutdown)
 *   is_up              1
 *   get_runstate_info  writes a vcpu_runstate_info: running, times 0 (the
 *                      model has no clock; Xen system time is not published
 *                      to guests here either)
 *   register_runstate_memory_area
 *                      reads the address (8 bytes, compat 4) and writes the
 *                      runstate there; an address that cannot be written is
 *                      taken all the same (Xen's handle check always passes
 *                      for a translated guest and its copy is unchecked)
 *   register_vcpu_info offset past 4096 - 64 or not aligned (8; 4 for a
 *                      32-bit guest) -ENXIO; already registered -EINVAL; a
 *                      frame the guest does not have -EINVAL; else the
 *                      place is recorded (hv_vcpu_info_gpa).  The 64 bytes
 *                      themselves live in guest memory, kept by the host
 *                      with the rest of the guest-visible event state: the
 *                      host moves them (docs/kvm.md)
 *   get_physid         -EINVAL (no hardware domain's pinned vCPUs here)
 *   send_nmi           a non-NULL argument -EINVAL, as Xen; otherwise
 *                      -ENOSYS: the model injects no NMIs
 *   set/stop_periodic_timer, set/stop_singleshot_timer,
 *   register_vcpu_time_memory_area
 *                      -ENOSYS: the model has no timers and publishes no
 *                      time.  Deliberately not Xen's 0: Linux takes a
 *                      successful stop_periodic_timer as the promise of
 *                      vCPU timers, and would wait for ticks that never come
 *   anything else      -ENOSYS, as Xen
 *
 * cmd is Xen's int and the vCPU id its unsigned int: the upper halves of
 * a 64-bit caller's registers do not count.
 */
#include <string.h>

#include "hv_priv.h"

/* VCPUOP_* (xen/include/public/vcpu.h). */
enum {
    OP_initialise = 0,
    OP_up = 1,
    OP_down = 2,
    OP_is_up = 3,
    OP_get_runstate_info = 4,
    OP_register_runstate_memory_area = 5,
    OP_register_vcpu_info = 10,
    OP_send_nmi = 11,
    OP_get_physid = 12,
};

#define VCPU_INFO_SIZE    64U
#define HVM_CONTEXT_SIZE  128U /* struct vcpu_hvm_context, both ABIs */
#define REG_INFO_SIZE     16U  /* struct vcpu_register_vcpu_info: mfn, offset, rsvd */
#define RUNSTATE_SIZE     48U  /* state, pad, entry time, time[4] */
#define RUNSTATE_SIZE32   44U  /* compat: the 64-bit fields 4-aligned */
#define RUNSTATE_RUNNING  0U
#define SHUTDOWN_poweroff 0U

/* The runstate as Xen lays it out for this caller: always running, times 0. */
static size_t runstate(const struct hv_dom *cur, uint8_t *b)
{
    memset(b, 0, RUNSTATE_SIZE);
    hv_st32(b, RUNSTATE_RUNNING);
    return cur->guest.compat ? RUNSTATE_SIZE32 : RUNSTATE_SIZE;
}

static long register_runstate(struct hv_dom *cur, uint64_t arg)
{
    uint8_t a[8] = {0}, b[RUNSTATE_SIZE];
    size_t len = cur->guest.compat ? 4 : 8, n;

    if (hv_gcopy_from(cur, a, arg, len))
        return -EFAULT;
    cur->runstate_addr = hv_ld64(a);
    n = runstate(cur, b);
    (void)hv_gcopy_to(cur, cur->runstate_addr, b, n); /* unchecked, as Xen's */
    return 0;
}

static long register_vcpu_info(struct hv_dom *cur, uint64_t arg)
{
    uint8_t b[REG_INFO_SIZE];
    uint32_t off, align = cur->guest.compat ? 4U : 8U;
    uint64_t gfn;

    if (hv_gcopy_from(cur, b, arg, sizeof(b)))
        return -EFAULT;
    gfn = hv_ld64(b);
    off = hv_ld32(b + 8);
    if (off > HV_PAGE_SIZE - VCPU_INFO_SIZE || (off & (align - 1)) != 0)
        return -ENXIO;
    if (cur->vinfo_placed)
        return -EINVAL;
    if (!hv_memory_populated(cur, gfn))
        return -EINVAL;
    cur->vinfo_placed = true;
    cur->vinfo_gfn = gfn;
    cur->vinfo_off = off;
    return 0;
}

long hv_do_vcpu_op(struct hv *h, struct hv_dom *cur, uint64_t cmd, uint64_t vcpuid, uint64_t arg)
{
    uint8_t b[HVM_CONTEXT_SIZE];
    size_t n;

    (void)h;
    if ((uint32_t)vcpuid >= HV_NR_VCPUS)
        return -ENOENT;
    switch ((uint32_t)cmd) {
    case OP_initialise:
        return hv_gcopy_from(cur, b, arg, HVM_CONTEXT_SIZE) ? -EFAULT : -EEXIST;
    case OP_up:
        return 0;
    case OP_down:
        cur->vcpu_shutdown = true; /* the last one: the domain powers off */
        return 0;
    case OP_is_up:
        return 1;
    case OP_get_runstate_info:
        n = runstate(cur, b);
        return hv_gcopy_to(cur, arg, b, n) ? -EFAULT : 0;
    case OP_register_runstate_memory_area:
        return register_runstate(cur, arg);
    case OP_register_vcpu_info:
        return register_vcpu_info(cur, arg);
    case OP_get_physid:
        return -EINVAL;
    case OP_send_nmi:
        return arg != 0 ? -EINVAL : -ENOSYS;
    default:
        return -ENOSYS;
    }
}

/* ---- host side -------------------------------------------------------------------------- */

int hv_vcpu_info_gpa(const struct hv *h, xsm_domid_t domid, unsigned vcpu, uint64_t *gpa)
{
    const struct hv_dom *d = h ? hv_dom_get(h, domid) : NULL;

    if (!h)
        return -EINVAL;
    if (!d)
        return -ESRCH;
    if (vcpu >= HV_NR_VCPUS || !gpa)
        return -EINVAL;
    if (!d->vinfo_placed)
        return -ENOENT;
    *gpa = d->vinfo_gfn * HV_PAGE_SIZE + d->vinfo_off;
    return 0;
}

int hv_vcpu_upcall_vector(const struct hv *h, xsm_domid_t domid, unsigned vcpu, uint8_t *vector)
{
    const struct hv_dom *d = h ? hv_dom_get(h, domid) : NULL;

    if (!h)
        return -EINVAL;
    if (!d)
        return -ESRCH;
    if (vcpu >= HV_NR_VCPUS || !vector)
        return -EINVAL;
    *vector = d->upcall_vector;
    return 0;
}

int hv_vcpu_shutdown(const struct hv *h, xsm_domid_t domid, unsigned *reason)
{
    const struct hv_dom *d = h ? hv_dom_get(h, domid) : NULL;

    if (!h)
        return -EINVAL;
    if (!d)
        return -ESRCH;
    if (!reason)
        return -EINVAL;
    if (!d->vcpu_shutdown)
        return -ENOENT;
    *reason = SHUTDOWN_poweroff;
    return 0;
}
