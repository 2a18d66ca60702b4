/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Event-channel ping-pong between two guests (command-line words):
 *
 *   evtchn-server peer=D   allocates an unbound port for domain D (its
 *                          first free port, after the rings' two), waits
 *                          for D's first event, then answers each one;
 *   evtchn-client peer=D   binds to D's port unbound for it (the first of
 *                          ports 1-15 that is not -EINVAL, retrying while D
 *                          does not exist or has not allocated it yet),
 *                          then sends and waits for the answer, N times.
 *   evtchn-errors          SCHEDOP_poll's errors, a poll that times out,
 *                          then SCHEDOP_block with nothing to wake it: only
 *                          the host stopping the VM ends it;
 *   evtchn-fifo            both use the FIFO ABI (EVTCHNOP_init_control,
 *                          expand_array): events come through the control
 *                          block's queues instead of shared_info's bitmaps;
 *   evtchn-poll            waits with SCHEDOP_poll on the port, interrupts
 *                          off, reading shared_info itself; otherwise
 *                          events arrive as upcalls: the HVM_PARAM_CALLBACK_IRQ
 *                          vector, an IDT handler, and the server sleeps in
 *                          SCHEDOP_block, the client in sti;hlt.
 *
 * Both place shared_info with XENMEM_add_to_physmap.  The server's first
 * wait is a poll with a timeout (Xen system time: here, since the VM was
 * made), so a client that cannot bind leaves it "no peer" instead of
 * hanging.  Each side prints what it got ("name: value" lines).
 */
#include "rt.h"

#define HC_memory_op              12
#define HC_hvm_op                 34
#define EVTCHNOP_bind_interdomain 0
#define EVTCHNOP_send             4
#define EVTCHNOP_alloc_unbound    6
#define EVTCHNOP_unmask           9
#define EVTCHNOP_init_control     11
#define EVTCHNOP_expand_array     12
#define SCHEDOP_yield             0
#define SCHEDOP_block             1
#define SCHEDOP_poll              3
#define DOMID_SELF                0x7ff0
#define ROUNDS                    100
#define VECTOR                    0xf3
#define FIRST_WAIT_NS             5000000000ULL

/* Xen's shared_info: vcpu_info[32] of 64 bytes, then pending and mask words. */
static u8 shinfo[4096] __attribute__((aligned(4096)));
#define UPCALL_PENDING (shinfo[0])
#define PENDING_SEL    ((volatile ulong *)(shinfo + sizeof(ulong)))
#define PENDING        ((volatile ulong *)(shinfo + 2048))
#define MASK           ((volatile ulong *)(shinfo + 2048 + 8 * sizeof(ulong) * sizeof(ulong)))
#define BITS           (8 * sizeof(ulong))

static volatile u32 my_port, got, upcalls, stray;

/* The FIFO control block and event words (rt.h). */
static u32 fifo_ctl[1024] __attribute__((aligned(4096)));
static u32 fifo_words[1024] __attribute__((aligned(4096)));
static int fifo;
static struct fifo_queues fifo_q = {fifo_ctl, fifo_words, {0}};

static void fifo_event(u32 port)
{
    if (port == my_port)
        got++;
    else
        stray++;
}

/* Atomically clears bit 'b' of *w and says whether it was set. */
static int test_and_clear(volatile ulong *w, unsigned b)
{
    ulong m = (ulong)1 << b;

    return (__atomic_fetch_and(w, ~m, __ATOMIC_SEQ_CST) & m) != 0;
}

/* The upcall: what a Xen HVM kernel's evtchn handler does, 2-level ABI. */
void evtchn_upcall(void);
void evtchn_upcall(void)
{
    ulong sel;

    upcalls++;
    __atomic_store_n(&UPCALL_PENDING, 0, __ATOMIC_SEQ_CST);
    if (fifo) {
        fifo_drain(&fifo_q, fifo_event);
        return;
    }
    sel = __atomic_exchange_n(PENDING_SEL, 0, __ATOMIC_SEQ_CST);
    while (sel) {
        unsigned i = (unsigned)__builtin_ctzl(sel);
        ulong w = PENDING[i] & ~MASK[i];

        sel &= sel - 1;
        while (w) {
            unsigned b = (unsigned)__builtin_ctzl(w);

            w &= w - 1;
            if (test_and_clear(&PENDING[i], b)) {
                if (i * BITS + b == my_port)
                    got++;
                else
                    stray++;
            }
        }
    }
}

/* The vector's entry: save what C may clobber, call, return from interrupt. */
#ifdef __x86_64__
__asm__(".text\n"
        "upcall_entry:\n"
        "  push %rax\n  push %rcx\n  push %rdx\n  push %rsi\n  push %rdi\n"
        "  push %r8\n  push %r9\n  push %r10\n  push %r11\n"
        "  cld\n  call evtchn_upcall\n"
        "  pop %r11\n  pop %r10\n  pop %r9\n  pop %r8\n"
        "  pop %rdi\n  pop %rsi\n  pop %rdx\n  pop %rcx\n  pop %rax\n"
        "  iretq\n");
static u32 idt[256 * 4] __attribute__((aligned(16)));
#else
__asm__(".text\n"
        "upcall_entry:\n"
        "  pusha\n  cld\n  call evtchn_upcall\n  popa\n  iret\n");
static u32 idt[256 * 2] __attribute__((aligned(16)));
#endif
void upcall_entry(void);

static void idt_setup(void)
{
    struct {
        unsigned short limit;
        ulong base;
    } __attribute__((packed)) d = {sizeof(idt) - 1, (ulong)idt};
    ulong h = (ulong)upcall_entry;
    unsigned short cs;

#ifndef __x86_64__
    gdt32_load();
#endif
    __asm__ volatile("mov %%cs, %0" : "=r"(cs));
#ifdef __x86_64__
    idt[VECTOR * 4] = (u32)(h & 0xffff) | ((u32)cs << 16);
    idt[VECTOR * 4 + 1] = (u32)(h & 0xffff0000u) | 0x8e00; /* present, interrupt gate */
    idt[VECTOR * 4 + 2] = (u32)((u64)h >> 32);
#else
    idt[VECTOR * 2] = (u32)(h & 0xffff) | ((u32)cs << 16);
    idt[VECTOR * 2 + 1] = (u32)(h & 0xffff0000u) | 0x8e00;
#endif
    __asm__ volatile("lidt %0" : : "m"(d));
}

static void mask(u32 port)
{
    if (fifo)
        __atomic_fetch_or(&fifo_words[port], F_MASKED, __ATOMIC_SEQ_CST);
    else
        __atomic_fetch_or(&MASK[port / BITS], (ulong)1 << (port % BITS), __ATOMIC_SEQ_CST);
}

static long evtchn_op(unsigned cmd, void *arg)
{
    return hypercall(HC_event_channel_op, cmd, (ulong)arg, 0);
}

static long send(u32 port)
{
    u32 p = port;

    return evtchn_op(EVTCHNOP_send, &p);
}

/* SCHEDOP_poll on nr ports at 'ports'; timeout in Xen system time, 0 = none. */
static long poll_n(u32 *ports, unsigned nr, u64 timeout)
{
    struct {
        u32 *ports;
        unsigned nr_ports;
        u64 timeout;
    } sp = {ports, nr, timeout};

    return hypercall(HC_sched_op, SCHEDOP_poll, (ulong)&sp, 0);
}

static long poll(u32 port, u64 timeout)
{
    static u32 ports[1];

    ports[0] = port;
    return poll_n(ports, 1, timeout);
}

/* Xen's answers to bad polls, then a block nothing ends but a stop. */
static void errors(void)
{
    static u32 ports[129];
    struct {
        unsigned short dom, remote;
        u32 port;
    } au = {DOMID_SELF, 0, 0};

    say("evtchn alloc_unbound", evtchn_op(EVTCHNOP_alloc_unbound, &au));
    for (unsigned i = 0; i < 129; i++)
        ports[i] = au.port;
    say("poll 129 ports", poll_n(ports, 129, 0));
    say("poll 128 ports, timeout passed", poll_n(ports, 128, 1));
    ports[3] = 100000;
    say("poll a bad port", poll_n(ports, 4, 1));
    say("poll bad ports pointer",
        poll_n((u32 *)(sizeof(long) == 8 ? 0x7f0000000000UL : 0xfff00000UL), 2, 1));
    say("poll bad argument", hypercall(HC_sched_op, SCHEDOP_poll,
                                       sizeof(long) == 8 ? 0x7f0000000000UL : 0xfff00000UL, 0));
    say("poll no ports, timeout passed", poll_n(ports, 0, 1));
    puts_("blocking\n");
    hypercall(HC_sched_op, SCHEDOP_block, 0, 0);
    puts_("block returned\n");
}

/* Waits until the port has fired once more than 'seen' times. */
static void wait_event(int use_poll, int use_block, u32 seen)
{
    while (got <= seen) {
        if (use_poll) {
            unsigned i = my_port / BITS, b = my_port % BITS;

            if (fifo ? (__atomic_fetch_and(&fifo_words[my_port], ~F_PENDING, __ATOMIC_SEQ_CST) &
                        F_PENDING) != 0
                     : test_and_clear(&PENDING[i], b)) {
                got++;
                break;
            }
            poll(my_port, 0);
        } else if (use_block) {
            /*
             * cli closes the race with the handler (an event taken between
             * the check and the block would be slept through); block
             * returns when an upcall is pending.  This KVM injects only at
             * an exit with interrupts on: a yield makes one after sti.
             */
            __asm__ volatile("cli");
            if (got <= seen)
                hypercall(HC_sched_op, SCHEDOP_block, 0, 0);
            __asm__ volatile("sti");
            hypercall(HC_sched_op, SCHEDOP_yield, 0, 0);
        } else {
            /* sti;hlt: an upcall between the check and the hlt still ends it. */
            __asm__ volatile("cli");
            if (got <= seen)
                __asm__ volatile("sti; hlt" ::: "memory");
            __asm__ volatile("sti");
        }
    }
}

void evtchn_main(const char *cl, u32 domid)
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
    } param = {DOMID_SELF, 0 /* HVM_PARAM_CALLBACK_IRQ */, (2ULL << 56) | VECTOR};
    u32 peer = (u32)cmdline_num(cl, "peer="), sent = 0;
    int server = cmdline_has(cl, "evtchn-server"), use_poll = cmdline_has(cl, "evtchn-poll");
    long rc;

    (void)domid;
    if (cmdline_has(cl, "evtchn-errors")) {
        errors();
        goto out;
    }
    say("evtchn add_to_physmap", hypercall(HC_memory_op, 7, (ulong)&xatp, 0));
    if (cmdline_has(cl, "evtchn-fifo")) {
        struct {
            u64 control_gfn;
            u32 offset, vcpu;
            u8 link_bits, pad[7];
        } ic = {(ulong)fifo_ctl >> 12, 0, 0, 0, {0}};
        u64 array_gfn = (ulong)fifo_words >> 12;

        say("evtchn init_control", evtchn_op(EVTCHNOP_init_control, &ic));
        say("evtchn link_bits", ic.link_bits);
        say("evtchn expand_array", evtchn_op(EVTCHNOP_expand_array, &array_gfn));
        fifo = 1;
    }
    if (!use_poll) {
        idt_setup();
        say("evtchn callback", hypercall(HC_hvm_op, 0 /* HVMOP_set_param */, (ulong)&param, 0));
    }
    if (server) {
        struct {
            unsigned short dom, remote;
            u32 port;
        } au = {DOMID_SELF, (unsigned short)peer, 0};

        /*
         * Masked until the first event: no upcall for it, poll still sees
         * it.  Masked before the port exists (allocation leaves mask bits
         * alone), since the client may bind and send as soon as it does:
         * every port it may get, the first free one after the rings' ports
         * the host took (the rings' events are not this program's).
         */
        for (u32 p = 1; p < 16; p++)
            mask(p);
        rc = evtchn_op(EVTCHNOP_alloc_unbound, &au);
        say("evtchn alloc_unbound", rc);
        if (rc != 0)
            goto out;
        my_port = au.port;
        say("evtchn port", (long)my_port);
        mask(my_port);
        if (!use_poll)
            __asm__ volatile("sti");
        poll(my_port, FIRST_WAIT_NS);
        if (fifo ? !(__atomic_fetch_and(&fifo_words[my_port], ~F_PENDING, __ATOMIC_SEQ_CST) &
                     F_PENDING)
                 : !test_and_clear(&PENDING[my_port / BITS], my_port % BITS)) {
            puts_("evtchn no peer\n");
            goto out;
        }
        got++;
        say("evtchn upcalls while masked", (long)upcalls);
        {
            u32 p = my_port;

            say("evtchn unmask", evtchn_op(EVTCHNOP_unmask, &p));
        }
        /* Answer every event that came, then wait for the next one. */
        for (u32 answered = 0;;) {
            while (answered < got && answered < ROUNDS) {
                if (send(my_port) == 0)
                    sent++;
                answered++;
            }
            if (answered >= ROUNDS)
                break;
            wait_event(use_poll, 1, answered);
        }
    } else {
        u32 local = 0;

        /*
         * The server's port for us is its first free one, after those the
         * host took for its console and xenstore rings; every port is
         * -EINVAL until the server has allocated it, and -ESRCH until the
         * server's domain exists (a toolstack may create the client first).
         */
        for (int tries = 0; tries < 100000; tries++) {
            rc = evtchn_bind_first(peer, &local);
            if (rc != -22 && rc != -3)
                break;
            hypercall(HC_sched_op, SCHEDOP_yield, 0, 0);
        }
        say("evtchn bind", rc);
        if (rc != 0)
            goto out;
        my_port = local;
        /* The bind left our new port pending (Xen's "missed event"): drop it. */
        if (fifo)
            fifo_drain(&fifo_q, fifo_event);
        else
            test_and_clear(&PENDING[my_port / BITS], my_port % BITS);
        if (!use_poll)
            __asm__ volatile("sti");
        got = 0;
        while (sent < ROUNDS) {
            u32 seen = got;

            if (send(my_port) == 0)
                sent++;
            wait_event(use_poll, 0, seen);
        }
    }
out:
    __asm__ volatile("cli");
    say("evtchn sent", (long)sent);
    say("evtchn received", (long)got);
    say("evtchn upcalls", (long)upcalls);
    say("evtchn stray", (long)stray);
    puts_("bye\n");
    poweroff();
}
