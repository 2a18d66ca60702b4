/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * "vcpu": what a Xen HVM kernel does with its vCPU at start (Linux's
 * xen_vcpu_setup and xen_setup_upcall_vector), then events through it:
 *
 *   - vcpu_op is_up, a vCPU that does not exist, an unknown sub-op,
 *     get_runstate_info and register_runstate_memory_area;
 *   - VCPUOP_register_vcpu_info with bad offsets and frames, then at a page
 *     of ours (not 8-aligned for a 32-bit guest, to show its 4-byte rule):
 *     Xen copies the old vcpu_info there and marks every selector bit and
 *     the upcall pending; registering again is -EINVAL;
 *   - HVMOP_set_evtchn_upcall_vector with bad arguments, then our vector
 *     (HVM_PARAM_CALLBACK_IRQ is set too, to another vector, whose handler
 *     must never run: the per-vCPU vector wins);
 *   - a port bound to another of our own (alloc_unbound for ourselves,
 *     bind_interdomain to it) and ROUNDS sends on it, each waited for in
 *     sti;hlt and taken by the handler of our vector, which reads the
 *     registered vcpu_info (its upcall flag and selector) and shared_info's
 *     pending and mask words;
 *   - VCPUOP_down of our only vCPU: Xen powers the domain off.
 *
 * With "vcpu-fifo" the events go through the FIFO ABI (init_control and
 * expand_array after the registration): the handler drains the control
 * block's queues, and the upcall flag is still the registered vcpu_info's.
 *
 * Built -m64 and -m32; each step prints a "name: value" line
 * (test_kvm_vcpu.py judges them).
 */
#include "rt.h"

#define HC_memory_op              12
#define HC_vcpu_op                24
#define HC_hvm_op                 34
#define VCPUOP_down               2
#define VCPUOP_is_up              3
#define VCPUOP_get_runstate_info  4
#define VCPUOP_register_runstate  5
#define VCPUOP_register_vcpu_info 10
#define HVMOP_set_param           0
#define HVMOP_upcall_vector       23
#define EVTCHNOP_bind_interdomain 0
#define EVTCHNOP_send             4
#define EVTCHNOP_alloc_unbound    6
#define EVTCHNOP_init_control     11
#define EVTCHNOP_expand_array     12
#define SCHEDOP_yield             0
#define DOMID_SELF                0x7ff0
#define VIA_VECTOR                0xf3 /* HVM_PARAM_CALLBACK_IRQ's: must not fire */
#define MY_VECTOR                 0xe9 /* the per-vCPU one */
#define ROUNDS                    20
#define BITS                      (8 * sizeof(ulong))

static u8 shinfo[4096] __attribute__((aligned(4096)));
static u8 vinfo_page[4096] __attribute__((aligned(4096)));
static u8 runstate[64] __attribute__((aligned(8)));
/* Where our vcpu_info goes: 8-aligned for 64-bit, only 4-aligned for 32-bit. */
#define VINFO_OFF (sizeof(long) == 8 ? 128U : 132U)
#define VINFO     (vinfo_page + VINFO_OFF)
#define PENDING   ((volatile ulong *)(shinfo + 2048))
#define MASK      ((volatile ulong *)(shinfo + 2048 + 8 * sizeof(ulong) * sizeof(ulong)))

static volatile u32 my_upcalls, via_upcalls, got, spurious;
static u32 port_a, port_b; /* a: allocated; b: bound to a (sends on b raise a) */

/* The FIFO control block and event words (rt.h). */
static u32 fifo_ctl[1024] __attribute__((aligned(4096)));
static u32 fifo_words[1024] __attribute__((aligned(4096)));
static int fifo;
static struct fifo_queues fifo_q = {fifo_ctl, fifo_words, {0}};

static void event(u32 port)
{
    if (port == port_a)
        got++;
    else
        spurious++;
}

static long vcpu_op(unsigned cmd, unsigned vcpu, void *arg)
{
    return hypercall(HC_vcpu_op, cmd, vcpu, (ulong)arg);
}

static long evtchn_op(unsigned cmd, void *arg)
{
    return hypercall(HC_event_channel_op, cmd, (ulong)arg, 0);
}

static long reg_vinfo(u64 gfn, u32 off)
{
    struct {
        u64 mfn;
        u32 offset, rsvd;
    } r = {gfn, off, 0};

    return vcpu_op(VCPUOP_register_vcpu_info, 0, &r);
}

static long upcall_vector(u32 vcpu, u8 vector)
{
    struct {
        u32 vcpu;
        u8 vector, pad[3];
    } u = {vcpu, vector, {0}};

    return hypercall(HC_hvm_op, HVMOP_upcall_vector, (ulong)&u, 0);
}

/* The handler of our vector: the 2-level scan, through the registered vcpu_info. */
void vcpu_upcall(void);
void vcpu_upcall(void)
{
    volatile ulong *sel_word = (volatile ulong *)(VINFO + sizeof(ulong));
    ulong sel;

    my_upcalls++;
    __atomic_store_n(VINFO, 0, __ATOMIC_SEQ_CST); /* evtchn_upcall_pending */
    if (fifo) {
        fifo_drain(&fifo_q, event);
        return;
    }
    sel = __atomic_exchange_n(sel_word, 0, __ATOMIC_SEQ_CST);
    while (sel) {
        unsigned i = (unsigned)__builtin_ctzl(sel);
        ulong w = PENDING[i] & ~MASK[i];

        sel &= sel - 1;
        while (w) {
            unsigned b = (unsigned)__builtin_ctzl(w);
            ulong m = (ulong)1 << b;

            w &= w - 1;
            if (__atomic_fetch_and(&PENDING[i], ~m, __ATOMIC_SEQ_CST) & m)
                event((u32)(i * BITS + b));
        }
    }
}

void vcpu_via_upcall(void);
void vcpu_via_upcall(void)
{
    via_upcalls++;
}

#ifdef __x86_64__
#define SAVE                                                                                       \
    "push %rax\n push %rcx\n push %rdx\n push %rsi\n push %rdi\n"                                  \
    "push %r8\n push %r9\n push %r10\n push %r11\n cld\n"
#define RESTORE                                                                                    \
    "pop %r11\n pop %r10\n pop %r9\n pop %r8\n pop %rdi\n pop %rsi\n"                              \
    "pop %rdx\n pop %rcx\n pop %rax\n iretq\n"
#define GATE_WORDS 4
#else
#define SAVE       "pusha\n cld\n"
#define RESTORE    "popa\n iret\n"
#define GATE_WORDS 2
#endif
__asm__(".text\n"
        "vcpu_entry:\n" SAVE "call vcpu_upcall\n" RESTORE "vcpu_via_entry:\n" SAVE
        "call vcpu_via_upcall\n" RESTORE);
void vcpu_entry(void);
void vcpu_via_entry(void);

static u32 idt[256 * GATE_WORDS] __attribute__((aligned(16)));

static void set_gate(unsigned vec, void (*fn)(void), unsigned short cs)
{
    ulong h = (ulong)fn;

    idt[vec * GATE_WORDS] = (u32)(h & 0xffff) | ((u32)cs << 16);
    idt[vec * GATE_WORDS + 1] = (u32)(h & 0xffff0000u) | 0x8e00; /* interrupt gate */
#ifdef __x86_64__
    idt[vec * GATE_WORDS + 2] = (u32)((u64)h >> 32);
#endif
}

static void idt_setup(void)
{
    struct {
        unsigned short limit;
        ulong base;
    } __attribute__((packed)) d = {sizeof(idt) - 1, (ulong)idt};
    unsigned short cs;

#ifndef __x86_64__
    gdt32_load();
#endif
    __asm__ volatile("mov %%cs, %0" : "=r"(cs));
    set_gate(MY_VECTOR, vcpu_entry, cs);
    set_gate(VIA_VECTOR, vcpu_via_entry, cs);
    __asm__ volatile("lidt %0" : : "m"(d));
}

/* sti;hlt until the port has fired more than 'seen' times (or a bound). */
static void wait_got(u32 seen)
{
    for (unsigned i = 0; i < 1000 && got <= seen; i++) {
        __asm__ volatile("cli");
        if (got <= seen)
            __asm__ volatile("sti; hlt" ::: "memory");
        __asm__ volatile("sti");
    }
}

static void runstate_steps(void)
{
    ulong addr = (ulong)runstate;

    memset(runstate, 0xee, sizeof(runstate));
    say("vcpu get_runstate_info", vcpu_op(VCPUOP_get_runstate_info, 0, runstate));
    /* state 0 (running); the structure is 48 bytes, 44 for a 32-bit caller. */
    say("vcpu runstate running", *(u32 *)runstate == 0);
    say("vcpu runstate size ok", runstate[sizeof(long) == 8 ? 47 : 43] != 0xee &&
                                     runstate[sizeof(long) == 8 ? 48 : 44] == 0xee);
    memset(runstate, 0xee, sizeof(runstate));
    say("vcpu register_runstate", vcpu_op(VCPUOP_register_runstate, 0, &addr));
    say("vcpu runstate area written", *(u32 *)runstate == 0);
}

void vcpu_main(int use_fifo)
{
    struct {
        unsigned short domid, size;
        u32 space;
        ulong idx, gpfn;
    } xatp = {DOMID_SELF, 0, 0 /* XENMAPSPACE_shared_info */, 0, (ulong)shinfo >> 12};
    struct {
        unsigned short domid;
        u32 index;
        u64 value;
    } param = {DOMID_SELF, 0 /* HVM_PARAM_CALLBACK_IRQ */, (2ULL << 56) | VIA_VECTOR};
    struct {
        unsigned short dom, remote;
        u32 port;
    } au = {DOMID_SELF, DOMID_SELF, 0};
    struct {
        unsigned short remote_dom, pad;
        u32 remote_port, local_port;
    } bi = {DOMID_SELF, 0, 0, 0};
    const volatile ulong *sel = (const volatile ulong *)(VINFO + sizeof(ulong));
    u32 sent = 0;

    u32 a = 0, b = 0, c = 0, d = 0;

    /* Xen 4.17 tells every HVM guest it has per-vCPU upcall vectors. */
    cpuid(0x40000004, &a, &b, &c, &d);
    say("vcpu cpuid upcall vector flag", (a >> 6) & 1); /* XEN_HVM_CPUID_UPCALL_VECTOR */
    say("vcpu add_to_physmap", hypercall(HC_memory_op, 7, (ulong)&xatp, 0));
    say("vcpu is_up 0", vcpu_op(VCPUOP_is_up, 0, 0));
    say("vcpu is_up 1", vcpu_op(VCPUOP_is_up, 1, 0));
    say("vcpu unknown sub-op", vcpu_op(99, 0, 0));
    runstate_steps();

    /* Bad ones first: nothing may move. */
    say("vcpu_info offset past the page", reg_vinfo((ulong)vinfo_page >> 12, 4096 - 64 + 4));
    say("vcpu_info offset misaligned", reg_vinfo((ulong)vinfo_page >> 12, 2));
    say("vcpu_info frame absent", reg_vinfo(0xfffffULL, 0));
    memset(vinfo_page, 0, sizeof(vinfo_page));
    shinfo[0] = 0; /* slot 0's evtchn_upcall_pending */
    say("vcpu_info register", reg_vinfo((ulong)vinfo_page >> 12, VINFO_OFF));
    /* Xen's map_vcpu_info: everything pending, so nothing is lost. */
    say("vcpu_info upcall pending", *(volatile u8 *)VINFO);
    say("vcpu_info selector all ones", *sel == ~(ulong)0);
    say("vcpu_info register again", reg_vinfo((ulong)vinfo_page >> 12, 0));

    if (use_fifo) {
        struct {
            u64 control_gfn;
            u32 offset, vcpu;
            u8 link_bits, pad[7];
        } ic = {(ulong)fifo_ctl >> 12, 0, 0, 0, {0}};
        u64 array_gfn = (ulong)fifo_words >> 12;

        say("vcpu fifo init_control", evtchn_op(EVTCHNOP_init_control, &ic));
        say("vcpu fifo expand_array", evtchn_op(EVTCHNOP_expand_array, &array_gfn));
        fifo = 1;
    }
    idt_setup();
    say("vcpu callback via", hypercall(HC_hvm_op, HVMOP_set_param, (ulong)&param, 0));
    say("upcall vector too low", upcall_vector(0, 0x0f));
    say("upcall vector vcpu 1", upcall_vector(1, MY_VECTOR));
    say("upcall vector", upcall_vector(0, MY_VECTOR));
    /* The registration's pending upcall comes in now, through our vector. */
    __asm__ volatile("sti");
    hypercall(HC_sched_op, SCHEDOP_yield, 0, 0);
    for (unsigned i = 0; i < 100 && !my_upcalls; i++)
        hypercall(HC_sched_op, SCHEDOP_yield, 0, 0);
    say("vcpu first upcall", my_upcalls >= 1);

    say("vcpu alloc_unbound", evtchn_op(EVTCHNOP_alloc_unbound, &au));
    port_a = au.port;
    bi.remote_port = port_a;
    say("vcpu bind_interdomain", evtchn_op(EVTCHNOP_bind_interdomain, &bi));
    port_b = bi.local_port;
    for (u32 r = 0; r < ROUNDS; r++) {
        u32 p = port_b;

        if (evtchn_op(EVTCHNOP_send, &p) == 0)
            sent++;
        wait_got(r);
    }
    __asm__ volatile("cli");
    say("vcpu sent", (long)sent);
    say("vcpu received", (long)got);
    say("vcpu upcalls by our vector", my_upcalls >= ROUNDS);
    say("vcpu upcalls by the callback via", (long)via_upcalls);
    /* The old place (shared_info's slot 0) is no longer where upcalls go. */
    say("vcpu shared_info slot 0 untouched", *(volatile u8 *)shinfo == 0);
    say("vcpu down", vcpu_op(VCPUOP_down, 0, 0));
    puts_("vcpu still running after down\n");
}
