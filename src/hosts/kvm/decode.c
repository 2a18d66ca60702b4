/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The pure half of a hypercall: from the register file and segment state
 * that came with the exit (SYNC_REGS) to the model call and back to the
 * guest's rax.  Nothing here touches KVM, a lock or a VM: hcall.c wraps it
 * with the exit and the locking, and the fuzz target fuzz/kvm runs it on a
 * fake register file, segment state and memory buffer.
 *
 * Decode, then perform: kvmh_hc_decode() only reads the registers into a
 * struct kvmh_hc; kvmh_hc_check() refuses a call from user mode before
 * anything runs; kvmh_hc_perform() makes the one model call; and
 * kvmh_hc_result() gives the value for rax.
 *
 * Xen's rules, per call (an HVM guest may switch modes at any time):
 *  - the convention follows the mode: 64-bit mode (EFER.LMA and CS.L) takes
 *    rdi, rsi, rdx, r10, r8, r9; any other mode ebx, ecx, edx, esi, edi,
 *    ebp, each zero-extended from 32 bits;
 *  - the result is truncated to 32 bits outside 64-bit mode (Xen writes
 *    eax for a 32-bit caller), so -EFAULT reads as 0xfffffff2 there;
 *  - CPL is SS.DPL in protected mode; real mode has no privilege levels;
 *  - xsm_op is decoded with the compat layout outside 64-bit mode.
 */
#include <errno.h>

#include "kvmhost.h"

#define EFER_LMA (1ULL << 10)
#define CR0_PE   1ULL
/* sched_op is the host's own (hcall.c); it runs under the shared lock. */
#define HYPERCALL_sched_op 29

bool kvmh_long_mode(const struct kvm_sregs *s)
{
    return (s->efer & EFER_LMA) != 0 && s->cs.l != 0;
}

void kvmh_hc_decode(const struct kvm_regs *r, const struct kvm_sregs *s, uint32_t nr,
                    struct kvmh_hc *hc)
{
    hc->nr = nr;
    hc->lm = kvmh_long_mode(s);
    hc->cpl = (s->cr0 & CR0_PE) != 0 ? s->ss.dpl : 0;
    if (hc->lm) {
        hc->a[0] = r->rdi, hc->a[1] = r->rsi, hc->a[2] = r->rdx;
        hc->a[3] = r->r10, hc->a[4] = r->r8, hc->a[5] = r->r9;
    } else {
        hc->a[0] = (uint32_t)r->rbx, hc->a[1] = (uint32_t)r->rcx, hc->a[2] = (uint32_t)r->rdx;
        hc->a[3] = (uint32_t)r->rsi, hc->a[4] = (uint32_t)r->rdi, hc->a[5] = (uint32_t)r->rbp;
    }
}

int kvmh_hc_check(const struct kvmh_hc *hc)
{
    return hc->cpl != 0 ? -EPERM : 0;
}

bool kvmh_hc_shared(const struct kvmh_hc *hc)
{
    return hc->nr == HV_HYPERCALL_xsm_op || hc->nr == HYPERCALL_sched_op;
}

long kvmh_hc_perform(struct hv *h, xsm_domid_t domid, const struct xsm_guest *g,
                     const struct kvmh_hc *hc)
{
    if (hc->nr == HV_HYPERCALL_xsm_op) {
        struct xsm_guest cg = *g;
        struct xsm_domain *self = hv_domain_xsm(h, domid);

        cg.compat = !hc->lm;
        return self != NULL ? xsm_do_op(hv_xsm(h), self, &cg, hc->a[0]) : -ESRCH;
    }
    return hv_hypercall(h, domid, hc->nr, hc->a);
}

uint64_t kvmh_hc_result(const struct kvmh_hc *hc, long rc)
{
    return hc->lm ? (uint64_t)rc : (uint32_t)rc;
}
