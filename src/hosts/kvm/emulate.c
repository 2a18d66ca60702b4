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
 *   iret, iretq     pop that frame back, to the same privilege level; a
 *                   32-bit iret also to an outer one (ESP and SS popped
 *                   too, the data segments the new level may not use made
 *                   null): that is how a 32-bit kernel enters user mode.
 *                   kvm-pvm does an iretq to user mode itself
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
    const struct kvmh_gmem g = {vm->mem, vm->mem_size, &vm->run->s.regs.sregs};
    uint8_t *b = buf;

    while (len) {
        size_t chunk = 4096 - (size_t)(la & 0xfff);
        uint64_t gpa;

        if (chunk > len)
            chunk = len;
        if (kvmh_gva_to_gpa(&g, la, write, &gpa) != 0 || chunk > vm->mem_size - gpa)
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

/* The GDT descriptor of a selector (TI = 0, not null); NULL, or why not. */
static const char *gdt_desc(struct emul *e, uint16_t sel, uint64_t *d)
{
    uint8_t b[8];

    if ((sel & 4) || (sel & ~7U) == 0)
        return "a null or LDT selector (#GP)";
    if ((uint32_t)(sel & ~7U) + 7 > e->s->gdt.limit ||
        lin_copy(e->vm, e->s->gdt.base + (sel & ~7U), b, 8, false) != 0)
        return "a selector outside the GDT (#GP)";
    *d = ld(b, 8);
    return NULL;
}

/* A descriptor's hidden part, as KVM holds it, at privilege level pl. */
static void to_seg(uint64_t d, uint16_t sel, unsigned pl, struct kvm_segment *seg)
{
    uint64_t limit = (d & 0xffff) | ((d >> 32) & 0xf0000);

    memset(seg, 0, sizeof(*seg));
    seg->base = ((d >> 16) & 0xffffff) | ((d >> 32) & 0xff000000);
    seg->limit = (uint32_t)(((d >> 55) & 1) ? limit << 12 | 0xfff : limit);
    seg->selector = (uint16_t)((sel & ~3U) | pl);
    seg->type = (uint8_t)(((d >> 40) & 0xf) | 1); /* accessed */
    seg->present = 1;
    seg->dpl = (uint8_t)((d >> 45) & 3);
    seg->db = (uint8_t)((d >> 54) & 1);
    seg->s = 1;
    seg->l = (uint8_t)((d >> 53) & 1);
    seg->g = (uint8_t)((d >> 55) & 1);
    seg->avl = (uint8_t)((d >> 52) & 1);
}

/* A code segment to run at privilege level pl; NULL, or why not. */
static const char *load_code_seg(struct emul *e, uint16_t sel, unsigned pl, struct kvm_segment *seg)
{
    uint64_t d = 0;
    const char *why = gdt_desc(e, sel, &d);

    if (why)
        return why;
    if (!((d >> 44) & 1) || !((d >> 43) & 1))
        return "a selector that is not a code segment (#GP)";
    if (!((d >> 47) & 1))
        return "a code segment that is not present (#NP)";
    if (((d >> 45) & 3) != pl)
        return pl == e->cpl ? "a change of privilege level (needs the TSS; not emulated)"
                            : "a code segment whose DPL is not the return's level (#GP)";
    if (e->lm && !((d >> 53) & 1))
        return "a 64-bit mode gate to a segment that is not 64-bit code";
    if (!e->lm && !((d >> 54) & 1))
        return "a 16-bit code segment (not emulated)";
    to_seg(d, sel, pl, seg);
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
    if ((why = load_code_seg(e, (uint16_t)ld(g + 2, 2), e->cpl, &cs)) != NULL)
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

/*
 * A return to an outer level (32-bit): the stack segment it names, and
 * the data segments the new level may not use made null, as the CPU does.
 */
static const char *outer(struct emul *e, uint16_t ss_sel, unsigned pl, struct kvm_segment *ss)
{
    struct kvm_segment *data[] = {&e->s->ds, &e->s->es, &e->s->fs, &e->s->gs};
    const char *why;
    uint64_t d = 0;

    if ((ss_sel & 3) != pl)
        return "a stack selector whose RPL is not the return's level (#GP)";
    if ((why = gdt_desc(e, ss_sel, &d)) != NULL)
        return why;
    if (!((d >> 44) & 1) || ((d >> 43) & 1) || !((d >> 41) & 1) || ((d >> 45) & 3) != pl)
        return "a stack segment that is not writable data at the return's level (#GP)";
    if (!((d >> 47) & 1))
        return "a stack segment that is not present (#SS)";
    if (!((d >> 54) & 1))
        return "a 16-bit stack (not emulated)";
    to_seg(d, ss_sel, pl, ss);
    for (unsigned i = 0; i < 4; i++) {
        bool conforming_code = (data[i]->type & 0xc) == 0xc;

        if (!data[i]->unusable && data[i]->dpl < pl && !conforming_code) {
            memset(data[i], 0, sizeof(*data[i]));
            data[i]->unusable = 1;
        }
    }
    return NULL;
}

/*
 * iret (32-bit) or iretq (64-bit).  32-bit: to the same level, or to an
 * outer one (the frame then also holds ESP and SS).  64-bit: to the same
 * level only (kvm-pvm does an iretq to user mode itself).
 */
static const char *iret(struct emul *e)
{
    size_t w = e->lm ? 8 : 4, fsz = e->lm ? 40 : 12;
    uint8_t frame[40];
    struct kvm_segment cs, ss;
    uint64_t la, ip, fl;
    uint16_t sel;
    unsigned pl;
    const char *why;

    if (!e->lm && (e->r->rflags & FL_NT))
        return "a task return (NT set; not emulated)";
    la = e->lm ? e->r->rsp : (e->s->ss.base + (uint32_t)e->r->rsp) & 0xffffffffU;
    if (lin_copy(e->vm, la, frame, fsz, false) != 0)
        return "a stack the frame cannot be read from (#PF)";
    ip = ld(frame, w);
    sel = (uint16_t)ld(frame + w, 2);
    fl = ld(frame + 2 * w, w);
    pl = sel & 3U;
    if (pl < e->cpl)
        return "a return to an inner privilege level (#GP)";
    if (pl > e->cpl && e->lm)
        return "an iretq to another privilege level (not emulated)";
    if (fl & FL_VM)
        return "a return to virtual-8086 mode (not emulated)";
    if ((why = load_code_seg(e, sel, pl, &cs)) != NULL)
        return why;
    if (pl > e->cpl) {
        if (lin_copy(e->vm, (la + 12) & 0xffffffffU, frame + 12, 8, false) != 0)
            return "a stack the frame cannot be read from (#PF)";
        if ((why = outer(e, (uint16_t)ld(frame + 16, 2), pl, &ss)) != NULL)
            return why;
        e->s->ss = ss;
        e->r->rsp = (uint32_t)ld(frame + 12, 4);
    } else if (e->lm) {
        /* The same level: SS stays what it is unless it changes. */
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

    e.lm = kvmh_long_mode(e.s);
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
