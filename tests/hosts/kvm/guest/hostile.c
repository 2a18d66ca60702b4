/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hostile guest (test_kvm_fault.py): it calls every hypercall number
 * 0-63, and every sub-operation 0-63 of the ones the host or the model
 * serves, with garbage: zeros, all ones, unmapped, huge and non-canonical
 * addresses, and pointers to a page of pseudo-random bytes.  Then it
 * powers off, or, as asked, sweeps forever or crashes.  Its neighbours
 * must not notice, and the host must neither fault nor leak.
 *
 * Selected by a command-line word:
 *     hostile          every domain runs it
 *     dN=hostile       only domain N (xsm-kvm-run gives all its kernels one
 *                      command line, so this is how one of two is hostile)
 * with ":loop" (sweep forever, no console writes, so the shared console
 * keeps its neighbours' lines) or ":crash" (no IDT, then ud2: a triple
 * fault) after "hostile".  Under xsmd, which passes no command line, the
 * test patches the words into builtin_cmdline in a copy of the image.
 *
 * Left out, because Xen would do what they ask: sched_op block (waits for
 * an event that never comes) and sched_op with a readable argument
 * (shutdown, poll).  sched_op gets unmapped arguments only.  vcpu_op's
 * VCPUOP_down of vCPU 0, the only one, powers the domain off (Xen's rule
 * for the last vCPU): it is asked for a vCPU that does not exist only.
 */
#include "rt.h"

#define HC_memory_op      12
#define HC_grant_table_op 20
#define HC_vcpu_op        24
#define VCPUOP_down       2
#define HC_event_channel  32
#define HC_hvm_op         34
#define HC_sysctl         35
#define HC_domctl         36
#define HC_argo_op        39
#define SCHEDOP_block     1
#define NR_HYPERCALLS     64
#define NR_SUBOPS         64

/* The test finds "hostile-cmdline:" in the image and writes words after it. */
static volatile const char builtin_cmdline[64] = "hostile-cmdline:";

static u8 junk[4096] __attribute__((aligned(4096)));
static unsigned long ncalls;

#ifdef __x86_64__
#define UNMAPPED    0x00007f0000000000UL /* canonical, above every mapping */
#define NONCANON    0x8000000000000000UL
#define DEADBEEF    0xdeadbeefdeadbeefUL
#define MAPPED_HUGE 0x000000003ffff000UL /* the last page of the first GiB */
#else
#define UNMAPPED    0xfff00000UL /* beyond guest memory, paging off */
#define NONCANON    0x80000000UL
#define DEADBEEF    0xdeadbeefUL
#define MAPPED_HUGE 0x00fff000UL
#endif

/* Counted: the loop's progress line says how many calls it made. */
static long hc5(unsigned nr, ulong a1, ulong a2, ulong a3, ulong a4, ulong a5)
{
    ncalls++;
    return hypercall5(nr, a1, a2, a3, a4, a5);
}

/* xorshift: the same garbage on every run. */
static u32 rnd_state = 0x2545f491;

static u32 rnd(void)
{
    rnd_state ^= rnd_state << 13;
    rnd_state ^= rnd_state >> 17;
    rnd_state ^= rnd_state << 5;
    return rnd_state;
}

/*
 * New garbage where the calls look first (a struct, a list head).  Only
 * 64 bytes: on kvm-pvm, writing a whole page per call here made a sweep
 * take minutes.
 */
static void refill(u32 first_word)
{
    for (ulong i = 0; i < 64; i++)
        junk[i] = (u8)rnd();
    memcpy(junk, &first_word, sizeof(first_word));
}

/* Does the command line (or the patched built-in one) ask this domain? */
static const char *find_word(const char *cl, const char *word, u32 domid)
{
    ulong n = strlen(word);

    for (ulong at = 0; cl[at]; at++) {
        ulong i = 0, j = at;
        u32 d = 0;

        while (i < n && cl[at + i] == word[i])
            i++;
        if (i != n)
            continue;
        if (at == 0 || cl[at - 1] == ' ')
            return cl + at + n; /* for every domain */
        if (cl[--j] != '=' || j == 0)
            continue;
        for (u32 mul = 1; j > 0 && cl[j - 1] >= '0' && cl[j - 1] <= '9'; j--, mul *= 10)
            d += (u32)(cl[j - 1] - '0') * mul;
        if (j > 0 && cl[j - 1] == 'd' && d == domid)
            return cl + at + n;
    }
    return 0;
}

static int has_prefix(const char *s, const char *p)
{
    while (*p)
        if (*s++ != *p++)
            return 0;
    return 1;
}

/* One sweep; console writes only when 'console'. */
static void sweep(int console)
{
    static const ulong pat[] = {0, ~0UL, DEADBEEF, UNMAPPED, NONCANON, MAPPED_HUGE};

    for (unsigned nr = 0; nr < NR_HYPERCALLS; nr++) {
        int sched = nr == HC_sched_op;

        if (nr == HC_console_io && !console)
            continue;
        for (ulong p = 0; p < sizeof(pat) / sizeof(pat[0]); p++) {
            ulong v = pat[p];

            /* sched_op: a readable argument would be obeyed (see above). */
            if (sched && (v == 0 || v == MAPPED_HUGE))
                continue;
            hc5(nr, v, v, v, v, v);
        }
        if (sched) {
            for (ulong sub = 0; sub < NR_SUBOPS; sub++)
                if (sub != SCHEDOP_block)
                    hc5(nr, sub, UNMAPPED, NONCANON, UNMAPPED, NONCANON);
            continue;
        }
        for (ulong sub = 0; sub < NR_SUBOPS; sub++) {
            /* xsm_op: the sub-op is the op's cmd, FLASK's and the core's. */
            u32 cmd = nr == HC_xsm_op ? (u32)(sub & 31) | (u32)(sub >> 5) << 16 : (u32)sub;

            if (nr == HC_console_io && sub == 0) {
                /*
                 * Writes stay short: a console domain may fill the shared
                 * console (64 KiB) as under Xen, and the test reads its
                 * neighbour's lines from there.
                 */
                hc5(nr, 0, 16, (ulong)junk, 0, 0);
                hc5(nr, 0, 64, UNMAPPED, 0, 0);
                hc5(nr, 0, 64, (ulong)junk + sizeof(junk) - 8, 0, 0); /* past junk's end */
                hc5(nr, 0, ~0UL, (ulong)junk, 0, 0);
                hc5(nr, 0, 0x10001, (ulong)junk, 0, 0);
                continue;
            }
            if (nr == HC_vcpu_op && sub == VCPUOP_down) {
                hc5(nr, sub, 1, UNMAPPED, 0, 0); /* vCPU 1: -ENOENT */
                continue;
            }
            refill(nr == HC_xsm_op ? cmd : rnd());
            if (nr == HC_xsm_op) {
                junk[4] = 1; /* interface version, so the op gets past it */
                hc5(nr, (ulong)junk, 0, 0, 0, 0);
                hc5(nr, (ulong)junk + sizeof(junk) - 8, 0, 0, 0, 0); /* runs off the page */
                continue;
            }
            hc5(nr, sub, UNMAPPED, ~0UL, UNMAPPED, ~0UL);
            hc5(nr, sub, NONCANON, 1, DEADBEEF, 0);
            hc5(nr, sub, (ulong)junk, 1, (ulong)junk, (ulong)junk);
            hc5(nr, sub, (ulong)junk, ~0UL, (ulong)junk + 4096 - 16, 0x7fffffff);
        }
    }
}

#ifdef __x86_64__
/*
 * A result wider than 32 bits, as Xen gives it: memory_op with a start
 * extent (cmd >> 6) at or past nr_extents returns the start extent.  An
 * empty xen_memory_reservation (extent_start, nr_extents, order, flags,
 * domid) for DOMID_SELF.
 */
static void large_result(void)
{
    static u64 resv[4];

    resv[3] = 0x7ff0; /* domid: DOMID_SELF */
    say("memory_op large result",
        hc5(HC_memory_op, (0x123456789UL << 6) | 0 /* increase_reservation */, (ulong)resv, 0, 0,
            0));
}
#endif

void hostile_run(const u32 *start_info, u32 domid)
{
    const char *cl = (const char *)(ulong)start_info[6];
    const char *how = 0;

    if (start_info[6])
        how = find_word(cl, "hostile", domid);
    if (!how)
        how = find_word((const char *)builtin_cmdline + 16, "hostile", domid);
    if (!how)
        return;
    for (ulong i = 0; i < sizeof(junk); i++)
        junk[i] = (u8)rnd();
    if (has_prefix(how, ":loop")) {
        puts_("hostile: looping\n");
        for (;;)
            sweep(0);
    }
    puts_("hostile: start\n");
#ifdef __x86_64__
    large_result();
#endif
    sweep(1);
    say("hostile calls", (long)ncalls);
    if (has_prefix(how, ":crash")) {
        static const struct __attribute__((packed)) {
            unsigned short limit;
            ulong base;
        } no_idt = {0, 0};

        puts_("hostile: crashing\n");
        __asm__ volatile("lidt %0\n\tud2" : : "m"(no_idt));
    }
    puts_("hostile: survived\n");
    poweroff();
    for (;;)
        __asm__ volatile("hlt");
}
