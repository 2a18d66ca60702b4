/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The test guests' runtime: memory helpers the compiler may call, CPUID,
 * the hypercall page (found and installed the way a Xen HVM kernel does),
 * console output through console_io, and shutdown.
 */
#include "rt.h"

void *memset(void *d, int c, ulong n)
{
    u8 *p = d;

    while (n--)
        *p++ = (u8)c;
    return d;
}

void *memcpy(void *d, const void *s, ulong n)
{
    u8 *p = d;
    const u8 *q = s;

    while (n--)
        *p++ = *q++;
    return d;
}

ulong strlen(const char *s)
{
    ulong n = 0;

    while (s[n])
        n++;
    return n;
}

int cmdline_has(const char *cl, const char *word)
{
    ulong n = strlen(word);

    for (; cl && *cl; cl++) {
        ulong i = 0;

        while (i < n && cl[i] == word[i])
            i++;
        if (i == n)
            return 1;
    }
    return 0;
}

ulong cmdline_num(const char *cl, const char *key)
{
    ulong n = strlen(key), v = 0;

    for (; cl && *cl; cl++) {
        ulong i = 0;

        while (i < n && cl[i] == key[i])
            i++;
        if (i < n)
            continue;
        for (cl += n; *cl >= '0' && *cl <= '9'; cl++)
            v = v * 10 + (ulong)(*cl - '0');
        return v;
    }
    return 0;
}

long hypercall5(unsigned nr, ulong a1, ulong a2, ulong a3, ulong a4, ulong a5)
{
    ulong fn = (ulong)hypercall_page + (ulong)nr * 32;
#ifdef __x86_64__
    register ulong r10 __asm__("r10") = a4;
    register ulong r8 __asm__("r8") = a5;

    __asm__ volatile("call *%%rax"
                     : "+a"(fn), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10), "+r"(r8)
                     :
                     : "memory", "cc", "rcx", "r9", "r11");
#else
    /* Every register but esp and ebp carries something: the stub's address goes in eax. */
    __asm__ volatile("call *%%eax"
                     : "+a"(fn), "+b"(a1), "+c"(a2), "+d"(a3), "+S"(a4), "+D"(a5)
                     :
                     : "memory", "cc");
#endif
    return (long)fn;
}

long evtchn_bind_first(u32 remote_dom, u32 *local)
{
    struct {
        unsigned short remote_dom, pad;
        u32 remote_port, local_port;
    } bi = {(unsigned short)remote_dom, 0, 0, 0};
    long rc = -22;

    for (u32 port = 1; port < 16 && rc == -22; port++) {
        bi.remote_port = port;
        rc = hypercall(HC_event_channel_op, 0 /* EVTCHNOP_bind_interdomain */, (ulong)&bi, 0);
    }
    if (rc == 0 && local)
        *local = bi.local_port;
    return rc;
}

#ifndef __x86_64__
/* Flat segments, and user ones at selectors 0x1b and 0x23 (intr.c goes to CPL 3). */
static const u64 gdt32[] __attribute__((aligned(8))) = {
    0,
    0x00cf9a000000ffffULL, /* 0x08: code, 32-bit, flat */
    0x00cf92000000ffffULL, /* 0x10: data, flat */
    0x00cffa000000ffffULL, /* 0x18: user code */
    0x00cff2000000ffffULL, /* 0x20: user data */
};

void gdt32_load(void)
{
    struct __attribute__((packed)) {
        unsigned short limit;
        u32 base;
    } d = {sizeof(gdt32) - 1, (u32)(ulong)gdt32};

    __asm__ volatile("lgdt %0\n\t"
                     "ljmp $0x08, $1f\n"
                     "1:\n\t"
                     "mov $0x10, %%eax\n\t"
                     "mov %%eax, %%ds\n\t"
                     "mov %%eax, %%es\n\t"
                     "mov %%eax, %%ss"
                     :
                     : "m"(d)
                     : "eax", "memory");
}
#endif

void cpuid(u32 leaf, u32 *a, u32 *b, u32 *c, u32 *d)
{
    __asm__ volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(0));
}

int xen_setup(u32 *domid)
{
    u32 a, b, c, d, msr;
    ulong page = (ulong)hypercall_page;

    cpuid(0x40000000, &a, &b, &c, &d);
    /* "XenVMMXenVMM" in ebx, ecx, edx. */
    if (b != 0x566e6558 || c != 0x65584d4d || d != 0x4d4d566e || a < 0x40000002)
        return -1;
    cpuid(0x40000002, &a, &b, &c, &d);
    if (a < 1)
        return -1;
    msr = b;
    __asm__ volatile("wrmsr" : : "c"(msr), "a"((u32)page), "d"((u32)((u64)page >> 32)));
    cpuid(0x40000004, &a, &b, &c, &d);
    *domid = (a & (1u << 4)) ? c : 0xffff;
    return 0;
}

long puts_(const char *s)
{
    return hypercall(HC_console_io, 0 /* CONSOLEIO_write */, strlen(s), (ulong)s);
}

long say(const char *what, long value)
{
    char line[128], num[24];
    ulong n = 0, k = 0;
    unsigned long v = value < 0 ? 0UL - (unsigned long)value : (unsigned long)value;

    while (what[k] && n < 90)
        line[n++] = what[k++];
    line[n++] = ':';
    line[n++] = ' ';
    if (value < 0)
        line[n++] = '-';
    k = 0;
    do {
        num[k++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (k)
        line[n++] = num[--k];
    line[n++] = '\n';
    line[n] = 0;
    return puts_(line);
}

void poweroff(void)
{
    u32 reason = 0; /* SHUTDOWN_poweroff */

    hypercall(HC_sched_op, 2 /* SCHEDOP_shutdown */, (ulong)&reason, 0);
}

/* Unlinks a word: clears LINKED and the link, returns the word as it was. */
static u32 fifo_unlink(u32 *w)
{
    u32 old = __atomic_load_n(w, __ATOMIC_SEQ_CST);

    while (!__atomic_compare_exchange_n(w, &old, old & ~(F_LINKED | F_LINK), 0, __ATOMIC_SEQ_CST,
                                        __ATOMIC_SEQ_CST))
        ;
    return old;
}

void fifo_drain(struct fifo_queues *f, void (*event)(u32 port))
{
    u32 ready = __atomic_exchange_n(&f->ctl[0], 0, __ATOMIC_SEQ_CST);

    while (ready) {
        unsigned q = (unsigned)__builtin_ctz(ready);
        u32 port = f->head[q] ? f->head[q] : __atomic_load_n(&f->ctl[2 + q], __ATOMIC_SEQ_CST);
        u32 next, w;

        if (!port || port >= 1024) {
            ready &= ~(1u << q);
            f->head[q] = 0;
        } else {
            next = fifo_unlink(&f->words[port]) & F_LINK;
            if (!next)
                ready &= ~(1u << q); /* the queue is empty */
            w = __atomic_load_n(&f->words[port], __ATOMIC_SEQ_CST);
            if ((w & F_PENDING) && !(w & F_MASKED) &&
                (__atomic_fetch_and(&f->words[port], ~F_PENDING, __ATOMIC_SEQ_CST) & F_PENDING))
                event(port);
            f->head[q] = next;
        }
        ready |= __atomic_exchange_n(&f->ctl[0], 0, __ATOMIC_SEQ_CST);
    }
}
