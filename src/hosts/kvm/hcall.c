/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hypercall transport.  This KVM has no KVM_EXIT_XEN (no
 * CONFIG_KVM_XEN), and a guest's vmcall/vmmcall never reaches user space
 * (docs/kvm.md), so hypercalls go through Xen's other way in: the
 * hypercall page.  The guest writes the page's address to MSR 0x40000000
 * (announced by CPUID 0x40000002); KVM_X86_SET_MSR_FILTER makes that write
 * exit to us, and we fill the page with one 32-byte stub per hypercall:
 *
 *     mov $nr, %eax ; out %eax, $0xe0 ; ret
 *
 * The "out" exits to user space (KVM_EXIT_IO) with the number; the
 * registers come with the exit (KVM_CAP_SYNC_REGS, no extra ioctl) and
 * the result goes back in rax the same way.  Tried and dropped: an "in"
 * doorbell whose data is the result, which spares the register write-back
 * (about 5% of a round trip here) but gives 32 bits, so the stub needs a
 * sign extension and a slow way for the wider results Xen can give (a
 * memory_op start extent); on kvm-pvm, which emulates the instructions
 * after the exit, such a stub came out slower in absolute terms
 * (docs/BENCHMARKS.md).
 *
 * Arguments follow Xen's convention for the vCPU's mode at the moment of
 * the call; a call from CPL > 0 gets -EPERM (decode.c, the part that needs
 * no KVM).  Pointers are guest virtual addresses (walk.c).
 *
 * A VM being stopped (vm->stop, set under the model lock when its domain
 * is destroyed) makes no more calls: a later domain may have its id.
 *
 * What is served: sched_op here (it stops or pauses this vCPU, which is
 * the host's business; block and poll in evtchn.c); xsm_op through xsm_do_op with the layout of the
 * caller's mode at this call (Xen decides compat per call for HVM guests);
 * everything else through hv_hypercall, which answers -ENOSYS for what the
 * model does not implement.
 */
#include <errno.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>

#include "kvmhost.h"

#define HYPERCALL_sched_op 29
#define SCHEDOP_yield      0
#define SCHEDOP_shutdown   2
#define SHUTDOWN_MAX       5
#define STUB_SIZE          32
#define NR_STUBS           (HV_PAGE_SIZE / STUB_SIZE)

int kvmh_hcall_setup(struct kvmh_vm *vm)
{
    struct kvm_enable_cap cap = {.cap = KVM_CAP_X86_USER_SPACE_MSR};
    /* One MSR, its bit clear: the access is denied, so it exits to us. */
    uint8_t deny = 0; /* KVM copies the bitmap during the ioctl */
    struct kvm_msr_filter f;

    cap.args[0] = KVM_MSR_EXIT_REASON_FILTER | KVM_MSR_EXIT_REASON_UNKNOWN;
    if (ioctl(vm->vm_fd, KVM_ENABLE_CAP, &cap) < 0)
        return -errno;
    memset(&f, 0, sizeof(f));
    f.flags = KVM_MSR_FILTER_DEFAULT_ALLOW;
    f.ranges[0].flags = KVM_MSR_FILTER_READ | KVM_MSR_FILTER_WRITE;
    f.ranges[0].nmsrs = 1;
    f.ranges[0].base = KVMH_HCALL_MSR;
    f.ranges[0].bitmap = &deny;
    if (ioctl(vm->vm_fd, KVM_X86_SET_MSR_FILTER, &f) < 0)
        return -errno;
    /* Registers come out with every exit and go back when marked dirty. */
    vm->run->kvm_valid_regs = KVM_SYNC_X86_REGS | KVM_SYNC_X86_SREGS;
    return kvmh_evtchn_setup(vm);
}

/*
 * The guest asks for the hypercall page at the frame in bits 63:12; bits
 * 11:0 pick the page (only page 0 exists).  Anything else is a #GP, as a
 * write of a bad value to an MSR is.
 */
int kvmh_hcall_wrmsr(struct kvmh_vm *vm)
{
    uint64_t v = vm->run->msr.data, gpa = v & ~0xfffULL;

    vm->run->msr.error = 1;
    if (vm->run->msr.index != KVMH_HCALL_MSR) {
        kvmh_note(vm->host, "d%u: wrmsr 0x%x refused (#GP)", vm->domid, vm->run->msr.index);
        return 0;
    }
    if ((v & 0xfff) != 0 || gpa >= vm->mem_size || vm->mem_size - gpa < HV_PAGE_SIZE) {
        kvmh_note(vm->host, "d%u: hypercall page at 0x%llx refused (#GP)", vm->domid,
                  (unsigned long long)v);
        return 0;
    }
    memset(vm->mem + gpa, 0xcc, HV_PAGE_SIZE); /* int3 between the stubs */
    for (unsigned nr = 0; nr < NR_STUBS; nr++) {
        uint8_t *p = vm->mem + gpa + (size_t)nr * STUB_SIZE;

        p[0] = 0xb8; /* mov $nr, %eax */
        p[1] = (uint8_t)nr;
        p[2] = p[3] = p[4] = 0;
        p[5] = 0xe7; /* out %eax, $imm8 */
        p[6] = KVMH_HCALL_PORT;
        p[7] = 0xc3; /* ret */
    }
    vm->hcall_page = gpa;
    vm->run->msr.error = 0;
    /* Xen latches the shared_info layout from the mode here. */
    kvmh_evtchn_latch(vm, kvmh_long_mode(&vm->run->s.regs.sregs));
    return 0;
}

/* Reads of the MSR (and of MSRs KVM does not know): #GP. */
void kvmh_hcall_rdmsr(struct kvmh_vm *vm)
{
    vm->run->msr.data = 0;
    vm->run->msr.error = 1;
}

static long sched_op(struct kvmh_vm *vm, uint64_t cmd, uint64_t arg, int *stop)
{
    uint32_t reason;

    switch (cmd) {
    case SCHEDOP_yield:
        sched_yield();
        return 0;
    case SCHEDOP_shutdown:
        if (vm->guest.copy_from(vm, &reason, arg, sizeof(reason)))
            return -EFAULT;
        if (reason > SHUTDOWN_MAX)
            return -EINVAL;
        vm->shutdown_reason = reason;
        vm->end = KVMH_SHUTDOWN;
        *stop = 1;
        return 0;
    default:
        return -ENOSYS;
    }
}

int kvmh_hcall_io(struct kvmh_vm *vm)
{
    struct kvm_run *run = vm->run;
    struct kvm_regs *r = &run->s.regs.regs;
    struct kvmh *k = vm->host;
    struct kvmh_hc hc;
    uint32_t nr;
    int stop = 0;
    long rc;

    memcpy(&nr, (uint8_t *)run + run->io.data_offset, sizeof(nr));
    kvmh_hc_decode(r, &run->s.regs.sregs, nr, &hc);
    vm->nr_hcalls++;
    if ((rc = kvmh_hc_check(&hc)) != 0) {
        kvmh_note(k, "d%u: hypercall %u from CPL %u (rip 0x%llx): -EPERM", vm->domid, nr, hc.cpl,
                  (unsigned long long)r->rip);
    } else if (nr == HYPERCALL_sched_op && kvmh_evtchn_sched_waits(hc.a[0])) {
        rc = kvmh_evtchn_sched(vm, hc.a[0], hc.a[1], hc.lm); /* block, poll: locks for itself */
    } else if (kvmh_hc_shared(&hc)) {
        /*
         * Shared: these touch only this domain's memory and XSM.  in_call
         * changes only under the lock, so a hypercall of another vCPU that
         * holds it exclusively sees it stable.
         */
        pthread_rwlock_rdlock(k->hv_lock);
        vm->in_call = true;
        if (vm->stop)
            rc = -ESRCH; /* released: the domain id may be someone else's now */
        else if (nr == HYPERCALL_sched_op)
            rc = sched_op(vm, hc.a[0], hc.a[1], &stop);
        else
            rc = kvmh_hc_perform(k->h, vm->domid, &vm->guest, &hc);
        vm->in_call = false;
        pthread_rwlock_unlock(k->hv_lock);
    } else {
        pthread_rwlock_wrlock(k->hv_lock);
        vm->in_call = true;
        rc = vm->stop ? -ESRCH : kvmh_hc_perform(k->h, vm->domid, &vm->guest, &hc);
        if (nr == HV_HYPERCALL_event_channel_op && !vm->stop)
            kvmh_rings_kick(vm); /* a send to the console or xenstore (rings.c) */
        if ((nr == HV_HYPERCALL_memory_op || nr == HV_HYPERCALL_vcpu_op) && !vm->stop)
            kvmh_evtchn_moved(vm); /* shared_info, vcpu_info may be in the guest now */
        if (nr == HV_HYPERCALL_vcpu_op && !vm->stop)
            stop = kvmh_vinfo_after(vm); /* VCPUOP_down of the only vCPU (vcpuinfo.c) */
        vm->in_call = false;
        pthread_rwlock_unlock(k->hv_lock);
    }
    r->rax = kvmh_hc_result(&hc, rc);
    run->kvm_dirty_regs |= KVM_SYNC_X86_REGS;
    return stop;
}
