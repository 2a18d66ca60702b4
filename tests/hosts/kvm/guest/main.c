/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The test guest (built -m32 and -m64 from this file): it prints what it
 * gets back from each call, one "name: value" line, and the host's test
 * (test_kvm.py) judges the values against what Xen and FLASK decide.
 */
#include "rt.h"

#define FLASK_GETENFORCE     2
#define FLASK_SETENFORCE     3
#define FLASK_CONTEXT_TO_SID 4
#define FLASK_GETBOOL        11

/* The context whose SID the guest asks for. */
static const char ctx[] = "system_u:system_r:domU_t";
/* A boolean of the default policy, true there. */
static const char boolname[] = "guest_writeconsole";

/* xen_flask_op: 40 bytes, cmd, interface_version, then the union at 8. */
static u32 op[10];

static long flask(u32 cmd)
{
    memset(op, 0, sizeof(op));
    op[0] = cmd;
    op[1] = 1; /* XEN_FLASK_INTERFACE_VERSION */
    return hypercall(HC_xsm_op, (ulong)op, 0, 0);
}

static long setenforce(u32 on)
{
    memset(op, 0, sizeof(op));
    op[0] = FLASK_SETENFORCE;
    op[1] = 1;
    op[2] = on; /* u.enforce.enforcing */
    return hypercall(HC_xsm_op, (ulong)op, 0, 0);
}

void hostile_run(const u32 *start_info, u32 domid); /* hostile.c: returns if not asked */
void bench_run(const u32 *start_info);              /* bench.c: returns if not asked */

static void finish(void)
{
    puts_("bye\n");
    poweroff();
}

#ifdef __x86_64__
static volatile long user_rc;

/* At CPL 3: a hypercall (Xen refuses it, -EPERM), then back to CPL 0. */
static void user_fn(void)
{
    user_rc = hypercall(HC_xen_version, 0, 0, 0);
    __asm__ volatile("syscall" : : : "rcx", "r11", "memory");
    for (;;)
        ;
}

/*
 * Back from user mode.  On kvm-pvm the syscall arrives here with CS still
 * at CPL 3 (docs/kvm.md), so these calls are refused too and the final
 * hlt faults: the host's log is what shows the -EPERM.
 */
void user_done(void);
void user_done(void)
{
    say("user-mode hypercall", user_rc);
    finish();
}
#endif

#ifndef __x86_64__
extern u32 pd32[1024];

/*
 * 2-level paging with 4 MiB PSE pages, identity.  kvm-pvm cannot enable
 * 32-bit paging: the mov to CR0 faults and the host says so.  Where it
 * works, the rest of the run goes through the host's 2-level walk.
 */
static void paging_on(void)
{
    for (u32 i = 0; i < 1024; i++)
        pd32[i] = (i << 22) | 0x83; /* present, writable, 4 MiB */
    __asm__ volatile("mov %%cr4, %%eax\n\t"
                     "or $0x10, %%eax\n\t" /* CR4.PSE */
                     "mov %%eax, %%cr4\n\t"
                     "mov %0, %%cr3\n\t"
                     "mov %%cr0, %%eax\n\t"
                     "or $0x80000000, %%eax\n\t"
                     "mov %%eax, %%cr0"
                     :
                     : "r"(pd32)
                     : "eax", "memory");
    puts_("paging on\n");
}
#endif

/* ring.c: the PV console and xenstore rings. */
void rings_main(const u32 *si, u32 domid, int (*has)(const u32 *, const char *));
void rings_hello(void);
/* grant.c, argo.c: programs between two guests. */
void grant_main(const char *cmdline, u32 domid, int v2);
void argo_main(u32 domid);

/* Is 'word' in the command line (hvm_start_info.cmdline_paddr)? */
static int has_word(const u32 *si, const char *word)
{
    return cmdline_has((const char *)(ulong)si[6], word);
}

void matrix_main(const u32 *si, u32 domid); /* matrix.c */
void vcpu_main(int fifo);                   /* vcpu.c */
void intr_main(const u32 *si);              /* intr.c */

/* An empty IDT: an exception then ends the guest (a triple fault). */
static const struct {
    unsigned short limit;
    ulong base;
} __attribute__((packed)) no_idt = {0, 0};

void guest_main(ulong start_info)
{
    static const char via_alias[] = "printed through the alias mapping\n";
    const u32 *si = (const u32 *)start_info;
    u32 domid = 0;
    long rc;

    if (xen_setup(&domid) != 0)
        return; /* hlt: no Xen here, nothing can be said */
    puts_(sizeof(long) == 8 ? "hello from the 64-bit guest\n" : "hello from the 32-bit guest\n");
    say("start_info magic ok", si[0] == 0x336ec578 && si[1] >= 1);
    say("domid", (long)domid);
    hostile_run(si, domid);
    bench_run(si);
#ifndef __x86_64__
    if (has_word(si, "paging"))
        paging_on();
#endif
    if (has_word(si, "rings")) {
        rings_main(si, domid, has_word);
        finish();
    }
    /* Before the PV console greeting, whose answer would be a stray event. */
    if (has_word(si, "evtchn") && !has_word(si, "matrix"))
        evtchn_main(si[6] ? (const char *)(ulong)si[6] : "", domid); /* guest/evtchn.c */
    if (has_word(si, "vcpu") && !has_word(si, "matrix")) {
        vcpu_main(has_word(si, "vcpu-fifo")); /* guest/vcpu.c: ends with VCPUOP_down */
        finish();
    }
    rings_hello();
    /* First: the matrix's operation names contain other programs' words. */
    if (has_word(si, "matrix") || has_word(si, "xsmops")) {
        matrix_main(si, domid);
        finish();
    }
    if (has_word(si, "badmsr")) {
        /*
         * The hypercall-page MSR with a bad value: low bits set
         * ("badmsr-low"), a page past RAM ("badmsr-far") or read
         * ("badmsr-read").  Each must be #GP: with no IDT that ends the
         * guest, so the line below is printed only if the host took it.
         */
        u32 lo = (u32)(ulong)hypercall_page, hi = 0, msr = 0x40000000U;

        __asm__ volatile("lidt (%0)" : : "r"(&no_idt) : "memory");
        if (has_word(si, "badmsr-read")) {
            __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
        } else {
            if (has_word(si, "badmsr-low"))
                lo |= 1;
            else
                lo = 0xfff00000U; /* 4 GiB - 1 MiB: past any test guest's RAM */
            __asm__ volatile("wrmsr" : : "c"(msr), "a"(lo), "d"(hi));
        }
        say("badmsr taken", 1);
        finish();
    }
    if (has_word(si, "mmio")) {
        /* No device at 768 MiB (inside the 64-bit identity map, past RAM). */
        volatile u32 *nothing = (volatile u32 *)0x30000000UL;

        *nothing = 0x12345678;
        say("mmio read all ones", *nothing == 0xffffffffU);
        finish();
    }
    if (has_word(si, "grant") || has_word(si, "argo")) {
        if (has_word(si, "grant"))
            grant_main(si[6] ? (const char *)(ulong)si[6] : "", domid, has_word(si, "gntv2"));
        if (has_word(si, "argo"))
            argo_main(domid);
        finish();
    }
    if (has_word(si, "intr")) {
        intr_main(si);
        finish();
    }
    if (has_word(si, "spin")) {
        puts_("spinning\n");
        for (;;)
            __asm__ volatile("pause");
    }
    /*
     * A virtual address that is not the physical one (64-bit: the host must
     * walk the page tables; 32-bit: paging is off, ALIAS is 0).
     */
    say("alias console",
        hypercall(HC_console_io, 0, sizeof(via_alias) - 1, (ulong)via_alias + ALIAS));
    say("xen_version", hypercall(HC_xen_version, 0, 0, 0));

    say("getenforce", flask(FLASK_GETENFORCE));
    /* Permissive: a change, so FLASK checks security:setenforce. */
    rc = setenforce(0);
    say("setenforce 0", rc);
    if (rc == 0) {
        say("getenforce after", flask(FLASK_GETENFORCE));
        say("setenforce 1", setenforce(1));
    }

    /*
     * sid_context: sid at 8, size at 12, the string's handle at 16.  A
     * 32-bit handle is 4 bytes: the next 4 are not part of it in the compat
     * layout, so garbage there must not matter.
     */
    memset(op, 0, sizeof(op));
    op[0] = FLASK_CONTEXT_TO_SID;
    op[1] = 1;
    op[3] = sizeof(ctx) - 1;
    op[4] = (u32)(ulong)ctx;
    op[5] = sizeof(long) == 8 ? (u32)((u64)(ulong)ctx >> 32) : 0xdeadbeef;
    rc = hypercall(HC_xsm_op, (ulong)op, 0, 0);
    say("context_to_sid", rc);
    say("sid", rc == 0 ? (long)op[2] : -1);

    /*
     * boolean: bool_id at 8 (-1: by name), enforcing at 12, size at 16, and
     * the name's handle at 20 in the 32-bit layout but 24 in the 64-bit
     * one: a host reading the wrong layout finds garbage there.
     */
    memset(op, 0, sizeof(op));
    op[0] = FLASK_GETBOOL;
    op[1] = 1;
    op[2] = 0xffffffffu;
    op[4] = sizeof(boolname) - 1;
    if (sizeof(long) == 8) {
        op[6] = (u32)(ulong)boolname;
        op[7] = (u32)((u64)(ulong)boolname >> 32);
    } else {
        op[5] = (u32)(ulong)boolname;
        op[6] = 0xdeadbeef;
    }
    say("getbool", hypercall(HC_xsm_op, (ulong)op, 0, 0));
    say("getbool value", ((const u8 *)op)[12]);

    /* Unmapped: above the first GiB (64-bit), beyond memory (32-bit). */
    say("bad op pointer",
        hypercall(HC_xsm_op, sizeof(long) == 8 ? 0x7f0000000000UL : 0xfff00000UL, 0, 0));
    say("unknown hypercall", hypercall(63, 0, 0, 0));
#ifdef __x86_64__
    if (has_word(si, "user"))
        to_user(user_fn); /* continues in user_done() */
#endif
    finish();
}
