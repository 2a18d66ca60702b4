/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The benchmark guest (bench/kvm/bench-kvm.py, docs/BENCHMARKS.md).
 *
 *   bench        round trips, in TSC cycles, measured here in the guest:
 *                a bare port-I/O exit (an "out" to BARE_PORT, a port with
 *                no device behind it, which the host answers by resuming
 *                the vCPU) against xen_version(XENVER_version) and
 *                xsm_op(FLASK_ACCESS) through the hypercall page.  The bare
 *                exit's stub is a copy of the hypercall page's with another
 *                port, so the two differ only in what the host does.  The three alternate in rounds
 * of ROUND calls; one line per kind gives the median round. bench=N      N calls of xen_version,
 * then power off (throughput: the script times runs of two sizes and takes the difference);
 *                bench=N:bare the same with bare exits.
 *
 * FLASK_ACCESS needs security:compute_av, so the latency run is dom0's.
 */
#include "rt.h"

#define BARE_PORT            0xe4
#define ROUNDS               31
#define ROUND                2000
#define FLASK_ACCESS         6
#define FLASK_CONTEXT_TO_SID 4
#define SECCLASS_DOMAIN      3
#define DOMAIN_GETDOMAININFO (1u << 11)

/*
 * The bare exit's stub: a copy of the host's xen_version stub with its port
 * changed to BARE_PORT, so the two run the same instructions and differ
 * only in what the host does with the exit.
 */
static u8 bare_stub[4096] __attribute__((aligned(4096)));

static int make_bare_stub(void)
{
    memcpy(bare_stub, hypercall_page + HC_xen_version * 32, 32);
    /* mov $nr, %eax (5 bytes), then in or out with an 8-bit port. */
    if (bare_stub[0] != 0xb8 || (bare_stub[5] != 0xe5 && bare_stub[5] != 0xe7))
        return -1;
    bare_stub[6] = BARE_PORT;
    return 0;
}
static u32 op[10];
static const char ctx[] = "system_u:system_r:domU_t";

static u64 rdtsc(void)
{
    u32 lo, hi;

    __asm__ volatile("lfence\n\trdtsc" : "=a"(lo), "=d"(hi) : : "memory");
    return ((u64)hi << 32) | lo;
}

/*
 * One call of a stub, with two arguments in Xen's registers for this mode.
 * All three kinds go through this same call site.  Through rt's hypercall()
 * instead (an extra call and register moves), a call cost about 1.4 times
 * as much here on kvm-pvm, for reasons inside that KVM.
 */
static long call_stub(const void *stub, ulong a1, ulong a2)
{
    ulong rax = (ulong)stub;
#ifdef __x86_64__
    __asm__ volatile("call *%0" : "+a"(rax), "+D"(a1), "+S"(a2) : : "memory", "cc");
#else
    __asm__ volatile("call *%0" : "+a"(rax), "+b"(a1), "+c"(a2) : : "memory", "cc");
#endif
    return (long)rax;
}

static long xen_version(void)
{
    return call_stub(hypercall_page + HC_xen_version * 32, 0 /* XENVER_version */, 0);
}

/* The op is filled once: the host writes only its outputs back. */
static void access_op(u32 sid)
{
    memset(op, 0, sizeof(op));
    op[0] = FLASK_ACCESS;
    op[1] = 1;
    op[2] = sid; /* ssid */
    op[3] = sid; /* tsid */
    op[4] = SECCLASS_DOMAIN;
    op[5] = DOMAIN_GETDOMAININFO;
}

static long access(void)
{
    return call_stub(hypercall_page + HC_xsm_op * 32, (ulong)op, 0);
}

static u64 median(u64 *v, int n)
{
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && v[j - 1] > v[j]; j--) {
            u64 t = v[j];

            v[j] = v[j - 1];
            v[j - 1] = t;
        }
    return v[n / 2];
}

/* The number after "bench=" in the command line, or -1 for plain "bench". */
static long bench_arg(const char *cl)
{
    for (; *cl; cl++) {
        long n = 0;

        if (cl[0] != 'b' || cl[1] != 'e' || cl[2] != 'n' || cl[3] != 'c' || cl[4] != 'h')
            continue;
        if (cl[5] == 0 || cl[5] == ' ')
            return -1;
        if (cl[5] != '=')
            continue;
        for (cl += 6; *cl >= '0' && *cl <= '9'; cl++)
            n = n * 10 + (*cl - '0');
        return n;
    }
    return -2;
}

void bench_run(const u32 *start_info)
{
    u64 t[3][ROUNDS], rx[ROUNDS], ra[ROUNDS];
    long n, rc = 0;
    u32 sid = 0;

    if (!start_info[6] || (n = bench_arg((const char *)(ulong)start_info[6])) == -2)
        return;
    if (make_bare_stub() != 0) {
        puts_("bench: the hypercall stub has an unknown shape\n");
        poweroff();
        return;
    }
    if (n >= 0) {
        int bare = cmdline_has((const char *)(ulong)start_info[6], ":bare");

        for (long i = 0; i < n; i++)
            if (bare)
                call_stub(bare_stub, 0, 0);
            else
                xen_version();
        poweroff();
        return;
    }
    memset(op, 0, sizeof(op));
    op[0] = FLASK_CONTEXT_TO_SID;
    op[1] = 1;
    op[3] = sizeof(ctx) - 1;
    op[4] = (u32)(ulong)ctx;
    op[5] = sizeof(long) == 8 ? (u32)((u64)(ulong)ctx >> 32) : 0;
    if (hypercall(HC_xsm_op, (ulong)op, 0, 0) == 0)
        sid = op[2];
    access_op(sid);
    say("bench access", access());
    for (int r = 0; r < ROUNDS; r++) {
        u64 t0 = rdtsc();

        for (int i = 0; i < ROUND; i++)
            call_stub(bare_stub, 0, 0);
        t[0][r] = rdtsc() - t0;
        t0 = rdtsc();
        for (int i = 0; i < ROUND; i++)
            rc |= xen_version() < 0;
        t[1][r] = rdtsc() - t0;
        t0 = rdtsc();
        for (int i = 0; i < ROUND; i++)
            rc |= access() != 0;
        t[2][r] = rdtsc() - t0;
        /* Within the round, per mille of the bare exit (u32: no 64-bit division in -m32). */
        rx[r] = (u32)t[1][r] / ((u32)t[0][r] / 1000 + 1);
        ra[r] = (u32)t[2][r] / ((u32)t[0][r] / 1000 + 1);
    }
    say("bench errors", rc);
    /* Per call; u32 so that -m32 needs no 64-bit division helper. */
    say("bench bare cycles", (long)((u32)median(t[0], ROUNDS) / ROUND));
    say("bench xen_version cycles", (long)((u32)median(t[1], ROUNDS) / ROUND));
    say("bench xsm_op access cycles", (long)((u32)median(t[2], ROUNDS) / ROUND));
    say("bench xen_version per mille of bare", (long)median(rx, ROUNDS));
    say("bench xsm_op access per mille of bare", (long)median(ra, ROUNDS));
    poweroff();
}
