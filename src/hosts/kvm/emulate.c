/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Completing what this KVM's instruction emulator cannot (docs/kvm.md,
 * "Software interrupts").  kvm-pvm, a software virtualization, hands
 * protected-mode "int n", "int3" and "iret" at CPL 0 to KVM's emulator,
 * which fails them: the vCPU exits with KVM_EXIT_INTERNAL_ERROR, suberror
 * KVM_INTERNAL_ERROR_EMULATION, at the instruction.  This file does what
 * the CPU would have done and lets the guest go on:
 *
 *   int imm8, int3  deliver through the guest's IDT: an interrupt or trap
 *                   gate to a code segment of the same privilege; push the
 *                   frame (32-bit: EFLAGS, CS, EIP; 64-bit: SS, RSP,
 *                   RFLAGS, CS, RIP on a 16-byte-aligned stack) with the
 *                   address of the next instruction; clear TF, NT, RF (and
 *                   IF for an interrupt gate); load CS:EIP from the gate
 *   iret, iretq     pop that frame back, to the same privilege level
 *
 * The frame is built here rather than injected with KVM_SET_VCPU_EVENTS:
 * an injected software interrupt would go back to the same emulator.
 * Everything else - other instructions, a gate or descriptor that would
 * make the CPU raise #GP/#NP/#SS, a privilege change (which needs the
 * TSS), IST stacks, task gates, virtual-8086 mode, real or compatibility
 * mode - is not done: the guest ends as a crash whose message names the
 * instruction and why.
 *
 * The capability check: whether to complete these at all is decided once
 * per host (kvmh_emul_init): only when the KVM is kvm-pvm, which says so
 * by its module (/sys/module/kvm_pvm).  A KVM with full support never
 * exits here for these instructions, so it pays nothing either way; with
 * the check off, an emulation failure still ends the guest, with the
 * instruction's bytes in the message.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "kvmhost.h"

#define CR0_PE   1ULL
#define EFER_LMA (1ULL << 10)
#define FL_TF    (1U << 8)
#define FL_IF    (1U << 9)
#define FL_NT    (1U << 14)
#define FL_RF    (1U << 16)
#define FL_VM    (1U << 17)
#define FL_FIXED 0x2U
/* What iret may load at CPL 0: all status and control flags but VM. */
#define FL_IRET_OK 0x3d7fd5U
#define INSN_MAX   15

void kvmh_emul_init(struct kvmh *k)
{
    k->emul_intr = access("/sys/module/kvm_pvm", F_OK) == 0;
    if (k->emul_intr)
        kvmh_note(k, "kvm-pvm: int n, int3 and iret at CPL 0 are completed by the host");
}

/* Linear-address copies through the guest's page tables, page by page. */
static int lin_copy(struct kvmh_vm *vm, uint64_t la, void *buf, size_t len, bool write)
{
    const struct kvm_sregs *s = &vm->run->s.regs.sregs;
    uint8_t *b = buf;

    while (len) {
        size_t chunk = 4096 - (size_t)(la & 0xfff);
        uint64_t gpa;

        if (chunk > len)
            chunk = len;
        if (kvmh_gva_to_gpa(vm, s, la, write, &gpa) != 0 || chunk > vm->mem_size - gpa)
            return -EFAULT;
        if (write)
            memcpy(vm->mem + gpa, b, chunk);
        else
            memcpy(b, vm->mem + gpa, chunk);
        b += chunk;
        la += chunk;
        len -= chunk;
    }
    return 0;
}

static uint64_t ld(const uint8_t *p, size_t n)
{
    uint64_t v = 0;

    for (size_t i = n; i-- > 0;)
        v = v << 8 | p[i];
    return v;
}

static void st(uint8_t *p, uint64_t v, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

struct emul {
    struct kvmh_vm *vm;
    struct kvm_regs *r;
    struct kvm_sregs *s;
    bool lm; /* 64-bit mode */
    unsigned cpl;
    const char *why; /* set when the instruction cannot be completed */
};

/* A GDT code-segment descriptor into a KVM segment; NULL, or why not. */
static const char *load_code_seg(struct emul *e, uint16_t sel, struct kvm_segment *seg)
{
    uint8_t b[8];
    uint64_t d, limit;

    if ((sel & 4) || (sel & ~7U) == 0)
        return "a null or LDT code selector (#GP)";
    if ((uint32_t)(sel & ~7U) + 7 > e->s->gdt.limit ||
        lin_copy(e->vm, e->s->gdt.base + (sel & ~7U), b, 8, false) != 0)
        return "a code selector outside the GDT (#GP)";
    d = ld(b, 8);
    if (!((d >> 44) & 1) || !((d >> 43) & 1))
        return "a selector that is not a code segment (#GP)";
    if (!((d >> 47) & 1))
        return "a code segment that is not present (#NP)";
    if (((d >> 45) & 3) != e->cpl)
        return "a change of privilege level (needs the TSS; not emulated)";
    if (e->lm && !((d >> 53) & 1))
        return "a 64-bit mode gate to a segment that is not 64-bit code";
    if (!e->lm && !((d >> 54) & 1))
        return "a 16-bit code segment (not emulated)";
    limit = (d & 0xffff) | ((d >> 32) & 0xf0000);
    memset(seg, 0, sizeof(*seg));
    seg->base = ((d >> 16) & 0xffffff) | ((d >> 32) & 0xff000000);
    seg->limit = (uint32_t)(((d >> 55) & 1) ? limit << 12 | 0xfff : limit);
    seg->selector = (uint16_t)((sel & ~3U) | e->cpl);
    seg->type = (uint8_t)(((d >> 40) & 0xf) | 1); /* accessed */
    seg->present = 1;
    seg->dpl = (uint8_t)e->cpl;
    seg->db = (uint8_t)((d >> 54) & 1);
    seg->s = 1;
    seg->l = (uint8_t)((d >> 53) & 1);
    seg->g = (uint8_t)((d >> 55) & 1);
    seg->avl = (uint8_t)((d >> 52) & 1);
    return NULL;
}

/* int n / int3: 'next' is the address of the following instruction. */
static const char *deliver(struct emul *e, unsigned vec, uint64_t next)
{
    unsigned gsz = e->lm ? 16 : 8;
    uint8_t g[16], frame[40];
    struct kvm_segment cs;
    uint64_t off, sp, la;
    unsigned type, fsz;
    const char *why;

    if ((uint64_t)vec * gsz + gsz - 1 > e->s->idt.limit ||
        lin_copy(e->vm, e->s->idt.base + (uint64_t)vec * gsz, g, gsz, false) != 0)
        return "a vector outside the IDT (#GP)";
    type = g[5] & 0x1f;
    if (!(g[5] & 0x80))
        return "a gate that is not present (#NP)";
    if (type != 0xe && type != 0xf)
        return "a task gate or a 16-bit gate (not emulated)";
    if (((g[5] >> 5) & 3) < e->cpl)
        return "a gate whose DPL is below CPL (#GP)";
    if (e->lm && (g[4] & 7))
        return "a gate with an IST stack (not emulated)";
    if ((why = load_code_seg(e, (uint16_t)ld(g + 2, 2), &cs)) != NULL)
        return why;
    off = ld(g, 2) | ld(g + 6, 2) << 16;
    if (e->lm) {
        off |= ld(g + 8, 4) << 32;
        /* RIP, CS, RFLAGS, RSP, SS; the stack aligned to 16 first. */
        sp = (e->r->rsp & ~0xfULL) - 40;
        st(frame, next, 8);
        st(frame + 8, e->s->cs.selector, 8);
        st(frame + 16, e->r->rflags, 8);
        st(frame + 24, e->r->rsp, 8);
        st(frame + 32, e->s->ss.selector, 8);
        fsz = 40;
        la = sp;
    } else {
        if (!e->s->ss.db)
            return "a 16-bit stack (not emulated)";
        sp = (uint32_t)(e->r->rsp - 12);
        st(frame, (uint32_t)next, 4);
        st(frame + 4, e->s->cs.selector, 4);
        st(frame + 8, (uint32_t)e->r->rflags, 4);
        fsz = 12;
        la = (e->s->ss.base + sp) & 0xffffffffU;
    }
    if (lin_copy(e->vm, la, frame, fsz, true) != 0)
        return "a stack the frame cannot be written to (#PF)";
    e->r->rsp = sp;
    e->r->rip = off;
    e->r->rflags &= ~(uint64_t)(FL_TF | FL_NT | FL_RF | FL_VM | (type == 0xe ? FL_IF : 0));
    e->s->cs = cs;
    return NULL;
}

/* iret (32-bit) or iretq (64-bit), back to the same privilege level. */
static const char *iret(struct emul *e)
{
    size_t w = e->lm ? 8 : 4, fsz = e->lm ? 40 : 12;
    uint8_t frame[40];
    struct kvm_segment cs;
    uint64_t la, ip, fl;
    const char *why;

    if (!e->lm && (e->r->rflags & FL_NT))
        return "a task return (NT set; not emulated)";
    la = e->lm ? e->r->rsp : (e->s->ss.base + (uint32_t)e->r->rsp) & 0xffffffffU;
    if (lin_copy(e->vm, la, frame, fsz, false) != 0)
        return "a stack the frame cannot be read from (#PF)";
    ip = ld(frame, w);
    fl = ld(frame + 2 * w, w);
    if ((ld(frame + w, 2) & 3) != e->cpl)
        return "a return to another privilege level (not emulated)";
    if (fl & FL_VM)
        return "a return to virtual-8086 mode (not emulated)";
    if ((why = load_code_seg(e, (uint16_t)ld(frame + w, 2), &cs)) != NULL)
        return why;
    if (e->lm) {
        /* The same privilege: SS stays what it is unless it changes. */
        if ((uint16_t)ld(frame + 32, 2) != e->s->ss.selector)
            return "an iretq that changes SS (not emulated)";
        e->r->rsp = ld(frame + 24, 8);
    } else {
        e->r->rsp = (e->r->rsp & ~0xffffffffULL) | (uint32_t)(e->r->rsp + 12);
    }
    e->r->rip = ip;
    e->r->rflags = (fl & FL_IRET_OK) | FL_FIXED;
    e->s->cs = cs;
    return NULL;
}

static void crash(struct kvmh_vm *vm, const uint8_t *insn, size_t n, const char *why)
{
    char bytes[3 * INSN_MAX + 1] = "";

    for (size_t i = 0; i < n && i < 4; i++)
        snprintf(bytes + 3 * i, sizeof(bytes) - 3 * i, "%02x ", insn[i]);
    if (n)
        bytes[3 * (n < 4 ? n : 4) - 1] = 0;
    snprintf(vm->why, sizeof(vm->why),
             "KVM could not emulate the instruction at rip 0x%llx (%s): %s",
             (unsigned long long)vm->run->s.regs.regs.rip, n ? bytes : "unreadable", why);
    vm->end = KVMH_CRASHED;
}

int kvmh_emulate(struct kvmh_vm *vm)
{
    struct kvm_run *run = vm->run;
    struct emul e = {vm, &run->s.regs.regs, &run->s.regs.sregs, false, 0, NULL};
    uint8_t insn[INSN_MAX];
    uint64_t la;
    size_t n = 0;
    const char *why = NULL;

    e.lm = (e.s->efer & EFER_LMA) && e.s->cs.l;
    e.cpl = e.s->ss.dpl;
    la = e.lm ? e.r->rip : (e.s->cs.base + (uint32_t)e.r->rip) & 0xffffffffU;
    /* As many bytes as can be read (the instruction may end a mapping). */
    while (n < INSN_MAX && lin_copy(vm, la + n, insn + n, 1, false) == 0)
        n++;
    if (!vm->host->emul_intr)
        why = "this host completes int n, int3 and iret only on kvm-pvm";
    else if (!(e.s->cr0 & CR0_PE))
        why = "real mode (not emulated)";
    if (!why && (e.s->efer & EFER_LMA) && !e.s->cs.l)
        why = "compatibility mode (not emulated)";
    if (!why && n >= 2 && insn[0] == 0xcd)
        why = deliver(&e, insn[1], e.r->rip + 2);
    else if (!why && n >= 1 && insn[0] == 0xcc)
        why = deliver(&e, 3, e.r->rip + 1);
    else if (!why && ((n >= 1 && insn[0] == 0xcf && !e.lm) ||
                      (n >= 2 && insn[0] == 0x48 && insn[1] == 0xcf && e.lm)))
        why = iret(&e); /* iret (32-bit), iretq (64-bit) */
    else if (!why && n >= 1 && insn[0] == 0xf1)
        why = "icebp (int1) is not completed by the host, only int n, int3 and iret";
    else if (!why)
        why = "not int n, int3 or iret, which are all the host completes";
    if (why) {
        crash(vm, insn, n, why);
        return 1;
    }
    if (!e.lm)
        e.r->rip &= 0xffffffffU;
    run->kvm_dirty_regs |= KVM_SYNC_X86_REGS | KVM_SYNC_X86_SREGS;
    return 0;
}
