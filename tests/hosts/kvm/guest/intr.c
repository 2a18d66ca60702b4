/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Software interrupts at CPL 0 (command-line word "intr"; test_kvm_intr.py):
 * the guest installs its own GDT and IDT, runs "int $0x80" and "int3" with
 * interrupts enabled, and the handlers return with iret.  Printed: what each
 * handler saw (vector, the saved EIP/RIP, CS and EFLAGS, a register passed
 * in, EFLAGS inside the handler) and what the guest sees after iret.
 *
 * On kvm-pvm, KVM's emulator cannot do a protected-mode int n or iret: the
 * host completes them (src/hosts/kvm/emulate.c, docs/kvm.md).  With the
 * word "icebp" too, the guest then runs icebp, which the host does not
 * complete: it must crash with a message naming the instruction; with
 * "nogate", an int through a vector without a gate must crash saying so.
 */
#include "rt.h"

#define EFLAGS_IF 0x200u

/* What a handler saw; written by the handlers below. */
volatile ulong intr_vec, intr_ip, intr_cs, intr_flags, intr_ax, intr_inflags, intr_count;
volatile ulong intr_sp_saved;

void intr_h80(void);
void intr_h3(void);
void intr_ud(void);
void intr_user_entry(void);
void intr_to_user(ulong ip, ulong sp) __attribute__((noreturn));
void intr_user_body(void);
void intr_user_back(ulong cs);

static volatile long user_rc = 1;
/* PVH's TR has base 0 (boot.c): the TSS is at guest-physical 0. */
static volatile ulong tss_base;
static u8 user_stack[4096] __attribute__((aligned(16)));
static u8 kernel_stack[4096] __attribute__((aligned(16)));

/* At CPL 3: a hypercall (refused: -EPERM), then int $0x80 (#UD here). */
void intr_user_body(void)
{
    user_rc = hypercall(HC_xen_version, 0, 0, 0);
    __asm__ volatile("int $0x80" ::: "memory");
}

/* The #UD handler, back at CPL 0: cs is the saved (user) CS. */
void intr_user_back(ulong cs)
{
    say("user hypercall", user_rc);
    say("user int80 arrived as #UD from cs", (long)(cs & 0xffff));
    poweroff();
}
extern const u8 intr_after80[], intr_after3[];

#ifdef __x86_64__
/* Frame at entry: RIP, CS, RFLAGS, RSP, SS (8 bytes each). */
__asm__(".text\n"
        "intr_h80:\n"
        "  movq $0x80, intr_vec(%rip)\n"
        "  jmp 1f\n"
        "intr_h3:\n"
        "  movq $3, intr_vec(%rip)\n"
        "1:\n"
        "  mov %rax, intr_ax(%rip)\n"
        "  mov 0(%rsp), %rax\n"
        "  mov %rax, intr_ip(%rip)\n"
        "  mov 8(%rsp), %rax\n"
        "  mov %rax, intr_cs(%rip)\n"
        "  mov 16(%rsp), %rax\n"
        "  mov %rax, intr_flags(%rip)\n"
        "  mov 24(%rsp), %rax\n"
        "  mov %rax, intr_sp_saved(%rip)\n"
        "  pushfq\n"
        "  pop %rax\n"
        "  mov %rax, intr_inflags(%rip)\n"
        "  incq intr_count(%rip)\n"
        "  iretq\n"
        /* #UD from user mode: the frame is on the TSS's rsp0 stack. */
        "intr_ud:\n"
        "  mov 8(%rsp), %rdi\n"
        "  call intr_user_back\n"
        "2: hlt\n"
        "  jmp 2b\n"
        /* user_entry: at CPL 3, after iretq. */
        "intr_user_entry:\n"
        "  call intr_user_body\n"
        "3: jmp 3b\n"
        /* intr_to_user(ip, sp): iretq to CPL 3 (CS 0x23, SS 0x1b, IOPL 3). */
        "intr_to_user:\n"
        "  pushq $0x1b\n"
        "  pushq %rsi\n"
        "  pushq $0x3002\n"
        "  pushq $0x23\n"
        "  pushq %rdi\n"
        "  iretq\n");
#define GATE_SIZE 16
#else
/* Frame at entry (same privilege): EIP, CS, EFLAGS. */
__asm__(".text\n"
        "intr_h80:\n"
        "  movl $0x80, intr_vec\n"
        "  jmp 1f\n"
        "intr_h3:\n"
        "  movl $3, intr_vec\n"
        "1:\n"
        "  mov %eax, intr_ax\n"
        "  mov 0(%esp), %eax\n"
        "  mov %eax, intr_ip\n"
        "  mov 4(%esp), %eax\n"
        "  mov %eax, intr_cs\n"
        "  mov 8(%esp), %eax\n"
        "  mov %eax, intr_flags\n"
        "  lea 12(%esp), %eax\n"
        "  mov %eax, intr_sp_saved\n"
        "  pushf\n"
        "  pop %eax\n"
        "  mov %eax, intr_inflags\n"
        "  incl intr_count\n"
        "  iret\n"
        /* #UD from user mode: the frame is on the TSS's esp0 stack. */
        "intr_ud:\n"
        "  mov $0x10, %eax\n"
        "  mov %eax, %ds\n"
        "  mov %eax, %es\n"
        "  push 4(%esp)\n"
        "  call intr_user_back\n"
        "2: hlt\n"
        "  jmp 2b\n"
        /* user_entry: at CPL 3 after iret, with the user data segment. */
        "intr_user_entry:\n"
        "  mov $0x23, %eax\n"
        "  mov %eax, %ds\n"
        "  mov %eax, %es\n"
        "  call intr_user_body\n"
        "3: jmp 3b\n"
        /* intr_to_user(ip, sp): iret to CPL 3 (CS 0x1b, SS 0x23, IOPL 3). */
        "intr_to_user:\n"
        "  mov 4(%esp), %eax\n"
        "  mov 8(%esp), %ecx\n"
        "  push $0x23\n"
        "  push %ecx\n"
        "  push $0x3002\n"
        "  push $0x1b\n"
        "  push %eax\n"
        "  iret\n");
#define GATE_SIZE 8
#endif

static u8 idt[256 * GATE_SIZE] __attribute__((aligned(16)));

/* An interrupt gate (type 0xe, DPL 0, present) to fn through selector 0x08. */
static void set_gate(unsigned vec, void (*fn)(void))
{
    u8 *g = idt + vec * GATE_SIZE;
    u64 off = (u64)(ulong)fn;

    memset(g, 0, GATE_SIZE);
    g[0] = (u8)off;
    g[1] = (u8)(off >> 8);
    g[2] = 0x08;
    g[5] = 0x8e;
    g[6] = (u8)(off >> 16);
    g[7] = (u8)(off >> 24);
#ifdef __x86_64__
    for (int i = 0; i < 4; i++)
        g[8 + i] = (u8)(off >> (32 + 8 * i));
#endif
}

static void load_idt(void)
{
    struct __attribute__((packed)) {
        unsigned short limit;
        ulong base;
    } d = {sizeof(idt) - 1, (ulong)idt};

    __asm__ volatile("lidt %0" : : "m"(d) : "memory");
}

static ulong flags_now(void)
{
    ulong f;

    __asm__ volatile("pushf\n\tpop %0" : "=r"(f));
    return f;
}

static void report(const char *what, const u8 *after, u32 sp_change, ulong ax)
{
    char name[48];
    ulong n = 0;

    for (const char *p = what; *p; p++)
        name[n++] = *p;
    name[n] = 0;
#define SAY(suffix, v)                                                                             \
    do {                                                                                           \
        const char *s_ = suffix;                                                                   \
        ulong k_ = n;                                                                              \
        while (*s_)                                                                                \
            name[k_++] = *s_++;                                                                    \
        name[k_] = 0;                                                                              \
        say(name, (long)(v));                                                                      \
    } while (0)
    SAY(" count", intr_count);
    SAY(" vector", intr_vec);
    SAY(" saved ip is the next instruction", intr_ip == (ulong)after);
    SAY(" saved cs", intr_cs & 0xffff);
    SAY(" saved flags IF", (intr_flags & EFLAGS_IF) != 0);
    SAY(" IF in handler", (intr_inflags & EFLAGS_IF) != 0);
    SAY(" register passed", intr_ax == ax);
    SAY(" stack pointer back", sp_change == 0);
    SAY(" IF after iret", (flags_now() & EFLAGS_IF) != 0);
#undef SAY
}

/* Is 'word' in the command line? */
static int word(const u32 *si, const char *w)
{
    const char *cl = si[6] ? (const char *)(ulong)si[6] : "";
    ulong n = strlen(w);

    for (; *cl; cl++) {
        ulong i = 0;

        while (i < n && cl[i] == w[i])
            i++;
        if (i == n)
            return 1;
    }
    return 0;
}

void intr_main(const u32 *si)
{
    u32 sp = 1; /* the stack pointer's change across int and iret */

#ifndef __x86_64__
    gdt32_load(); /* it has run on PVH's hidden segment state */
#endif
    set_gate(0x80, intr_h80);
    set_gate(3, intr_h3);
    load_idt();
    say("intr idt loaded", 1);

    intr_count = 0;
    __asm__ volatile("sti\n\t"
                     "mov $0x1234, %%eax\n\t"
                     "mov %%esp, %%ecx\n\t"
                     "int $0x80\n"
                     ".globl intr_after80\n"
                     "intr_after80:\n\t"
                     "sub %%esp, %%ecx\n\t"
                     "mov %%ecx, %0"
                     : "=m"(sp)
                     :
                     : "eax", "ecx", "memory");
    report("int80", intr_after80, sp, 0x1234);
    __asm__ volatile("cli" ::: "memory");

    intr_count = 0;
    __asm__ volatile("sti\n\t"
                     "mov $0x3333, %%eax\n\t"
                     "mov %%esp, %%ecx\n\t"
                     "int3\n"
                     ".globl intr_after3\n"
                     "intr_after3:\n\t"
                     "sub %%esp, %%ecx\n\t"
                     "mov %%ecx, %0"
                     : "=m"(sp)
                     :
                     : "eax", "ecx", "memory");
    report("int3", intr_after3, sp, 0x3333);
    __asm__ volatile("cli" ::: "memory");

    /*
     * "icebp" (int1, f1): another instruction this KVM cannot emulate, which
     * the host does not complete: the guest must end as a crash that says so.
     */
    /*
     * "nogate": int $0x81, whose IDT entry is not present.  A CPU raises
     * #NP; the host does not deliver faults of its own making, so the guest
     * must end as a crash that says why.
     */
    if (word(si, "nogate")) {
        say("nogate next", 1);
        __asm__ volatile("int $0x81" ::: "memory");
        say("nogate survived", 1);
    }
    /*
     * "user": iret to CPL 3 (the host completes an iret to an outer level
     * too), a hypercall there, then int $0x80, which this KVM turns into
     * #UD: its handler, entered on the TSS's stack (PVH's TR: base 0), says
     * what it saw and powers off.
     */
    if (word(si, "user")) {
        ulong kst = (ulong)kernel_stack + sizeof(kernel_stack);

        set_gate(6, intr_ud);
        u8 *tss = (u8 *)tss_base;
        unsigned short ss0 = 0x10;

#ifdef __x86_64__
        memcpy(tss + 4, &kst, 8); /* TSS.rsp0 */
        (void)ss0;
#else
        memcpy(tss + 4, &kst, 4); /* TSS.esp0, ss0 */
        memcpy(tss + 8, &ss0, 2);
#endif
        say("user next", 1);
        intr_to_user((ulong)intr_user_entry, (ulong)user_stack + sizeof(user_stack));
    }
    if (word(si, "icebp")) {
        say("icebp next", 1);
        __asm__ volatile(".byte 0xf1" ::: "memory");
        say("icebp survived", 1);
    }
}
