/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The vCPU thread: KVM_RUN until the guest shuts down, halts, crashes, or
 * the host stops it (kvmh_vm_stop: immediate_exit plus a signal, so a
 * guest spinning in a loop is stopped too).  It serves its own exits -
 * hypercalls included - by calling the library directly, in this thread.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/ioctl.h>

#include "kvmhost.h"

__attribute__((format(printf, 3, 4))) static void end(struct kvmh_vm *vm, enum kvmh_end why,
                                                      const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(vm->why, sizeof(vm->why), fmt, ap);
    va_end(ap);
    vm->end = why;
}

/*
 * kvm-pvm cannot enable paging outside long mode: the guest's mov to CR0
 * that sets PG (with EFER.LME clear) faults, and with no IDT yet that is
 * a triple fault.  Recognised here, after the fact, so that a KVM that can
 * do it never gets here: the instruction at rip (paging still off, so
 * linear = physical) is "mov %reg, %cr0" with PG in the register.
 */
static bool paging32_refused(const struct kvmh_vm *vm)
{
    const struct kvm_regs *r = &vm->run->s.regs.regs;
    const struct kvm_sregs *s = &vm->run->s.regs.sregs;
    const uint64_t gpr[8] = {r->rax, r->rcx, r->rdx, r->rbx, r->rsp, r->rbp, r->rsi, r->rdi};
    uint64_t at = (s->cs.base + r->rip) & 0xffffffffU;
    const uint8_t *insn;

    if ((s->cr0 & (1ULL << 31)) || (s->efer & (1ULL << 8)) || at > vm->mem_size - 3)
        return false;
    insn = vm->mem + at;
    /* 0f 22 /r with mod 3 and reg 0: mov r32, %cr0. */
    return insn[0] == 0x0f && insn[1] == 0x22 && (insn[2] & 0xf8) == 0xc0 &&
           (gpr[insn[2] & 7] & (1ULL << 31));
}

/* One exit; returns 1 when the vCPU is done. */
static int serve(struct kvmh_vm *vm)
{
    struct kvm_run *run = vm->run;

    switch (run->exit_reason) {
    case KVM_EXIT_IO:
        if (run->io.port == KVMH_HCALL_PORT && run->io.direction == KVM_EXIT_IO_OUT &&
            run->io.size == 4 && run->io.count == 1)
            return kvmh_hcall_io(vm);
        /* No devices: writes vanish, reads see all ones. */
        if (run->io.direction == KVM_EXIT_IO_IN)
            for (uint32_t i = 0; i < (uint32_t)run->io.size * run->io.count; i++)
                ((uint8_t *)run + run->io.data_offset)[i] = 0xff;
        return 0;
    case KVM_EXIT_X86_WRMSR:
        return kvmh_hcall_wrmsr(vm);
    case KVM_EXIT_X86_RDMSR:
        kvmh_hcall_rdmsr(vm);
        return 0;
    case KVM_EXIT_HLT:
        /* No interrupt source yet: nothing could wake it. */
        end(vm, KVMH_HALTED, "hlt at rip 0x%llx", (unsigned long long)run->s.regs.regs.rip);
        return 1;
    case KVM_EXIT_SHUTDOWN:
        if (paging32_refused(vm)) {
            end(vm, KVMH_UNSUPPORTED,
                "this KVM cannot enable 32-bit paging (PAE or PSE): mov to CR0 at rip 0x%llx "
                "faulted; 32-bit kernels must run with paging off here",
                (unsigned long long)run->s.regs.regs.rip);
            return 1;
        }
        end(vm, KVMH_CRASHED, "triple fault at rip 0x%llx",
            (unsigned long long)run->s.regs.regs.rip);
        return 1;
    case KVM_EXIT_INTERNAL_ERROR:
        end(vm, KVMH_CRASHED, "KVM internal error, suberror %u, rip 0x%llx", run->internal.suberror,
            (unsigned long long)run->s.regs.regs.rip);
        return 1;
    case KVM_EXIT_FAIL_ENTRY:
        end(vm, KVMH_CRASHED, "VM entry failed, reason 0x%llx",
            (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
        return 1;
    default:
        end(vm, KVMH_CRASHED, "unexpected exit %u at rip 0x%llx", run->exit_reason,
            (unsigned long long)run->s.regs.regs.rip);
        return 1;
    }
}

void *kvmh_vcpu_thread(void *arg)
{
    struct kvmh_vm *vm = arg;

    for (;;) {
        if (vm->stop) {
            end(vm, KVMH_STOPPED, "%s", "stopped by the host");
            break;
        }
        if (ioctl(vm->vcpu_fd, KVM_RUN, 0) < 0) {
            if (errno == EINTR || errno == EAGAIN) {
                vm->run->immediate_exit = 0;
                continue;
            }
            end(vm, KVMH_HOST_FAIL, "KVM_RUN failed: errno %d", errno);
            break;
        }
        if (serve(vm))
            break;
    }
    kvmh_vcpu_exit(vm); /* may free vm */
    return NULL;
}
