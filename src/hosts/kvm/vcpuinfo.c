/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What vcpu_op and HVMOP_set_evtchn_upcall_vector change for a real guest
 * (docs/kvm.md, "vcpu_op and the upcall vector").  The model decides and
 * records (src/hv/vcpu.c, hvm.c); the host keeps what the guest sees:
 *
 *   - the vcpu_info in use.  It starts as slot 0 of shared_info; once the
 *     guest registered one (VCPUOP_register_vcpu_info) it is those 64
 *     bytes of guest memory, for good.  The first time the host sees the
 *     registration it does what Xen's map_vcpu_info does: copy the old
 *     vcpu_info there, then set every evtchn_pending_sel bit and
 *     evtchn_upcall_pending, so nothing pending is lost (the guest takes a
 *     spurious upcall).  evtchn.c then marks selectors and upcalls there;
 *   - the vector: the vCPU's own, when the guest set one, in preference to
 *     HVM_PARAM_CALLBACK_IRQ's;
 *   - VCPUOP_down of the only vCPU, after which Xen powers the domain off.
 *
 * All with the model lock held; vinfo.cur is also read without it (the
 * vCPU thread's look before KVM_RUN), hence the atomic store.  A vcpu_info
 * the model accepted at a frame the VM has no RAM for (a frame only
 * populate_physmap made) cannot be kept: events stay in shared_info and
 * the host notes it once.
 */
#include <string.h>

#include "kvmhost.h"

#define VINFO_SIZE   64U
#define VINFO_UPCALL 0U

uint8_t *kvmh_vinfo(struct kvmh_vm *vm, uint8_t *si, bool w32)
{
    struct kvmh_vinfo *v = &vm->vinfo;
    uint8_t *now = v->at ? v->at : si;
    uint64_t gpa = 0;

    if (!v->at && si && hv_vcpu_info_gpa(vm->host->h, vm->domid, 0, &gpa) == 0) {
        if (gpa < vm->mem_size && vm->mem_size - gpa >= VINFO_SIZE) {
            v->at = now = vm->mem + gpa;
            memmove(now, si, VINFO_SIZE); /* may overlap, if it is in shared_info */
            if (w32)
                __atomic_store_n((uint32_t *)(void *)(now + 4), ~0U, __ATOMIC_SEQ_CST);
            else
                __atomic_store_n((uint64_t *)(void *)(now + 8), ~0ULL, __ATOMIC_SEQ_CST);
            __atomic_store_n(now + VINFO_UPCALL, (uint8_t)1, __ATOMIC_SEQ_CST);
        } else if (!v->noted) {
            v->noted = true;
            kvmh_note(vm->host,
                      "d%u: vcpu_info at 0x%llx is outside the VM's RAM: kept in "
                      "shared_info",
                      vm->domid, (unsigned long long)gpa);
        }
    }
    __atomic_store_n(&v->cur, now, __ATOMIC_RELEASE);
    return now;
}

uint8_t *kvmh_vinfo_now(const struct kvmh_vm *vm)
{
    return __atomic_load_n(&vm->vinfo.cur, __ATOMIC_ACQUIRE);
}

int kvmh_vinfo_vector(struct kvmh_vm *vm)
{
    uint8_t vec = 0;

    if (hv_vcpu_upcall_vector(vm->host->h, vm->domid, 0, &vec) != 0 || vec == 0)
        return -1;
    return vec;
}

int kvmh_vinfo_after(struct kvmh_vm *vm)
{
    unsigned reason = 0;

    if (hv_vcpu_shutdown(vm->host->h, vm->domid, &reason) != 0)
        return 0;
    vm->shutdown_reason = reason;
    vm->end = KVMH_SHUTDOWN;
    return 1;
}
