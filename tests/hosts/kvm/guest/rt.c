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
