/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Test guest memory: a flat byte array at a fixed guest address, with
 * fault injection and a log of every copy, so tests can assert exactly what
 * the dispatcher read and wrote.
 */
#ifndef TESTS_CORE_GUESTMEM_H
#define TESTS_CORE_GUESTMEM_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <openxsm/xsm.h>

#define GM_BASE 0x10000ULL
#define GM_SIZE 4096

struct gm {
    unsigned char mem[GM_SIZE];
    bool fail_from, fail_to;
    unsigned nr_from, nr_to; /* successful copies */
    uint64_t last_to_addr;
    size_t last_to_len, bytes_to; /* bytes written to guest memory in total */
};

static inline int gm_copy_from(void *opaque, void *dst, uint64_t gaddr, size_t len)
{
    struct gm *m = opaque;

    if (m->fail_from || gaddr < GM_BASE || gaddr - GM_BASE > GM_SIZE ||
        len > GM_SIZE - (gaddr - GM_BASE))
        return -EFAULT;
    memcpy(dst, m->mem + (gaddr - GM_BASE), len);
    m->nr_from++;
    return 0;
}

static inline int gm_copy_to(void *opaque, uint64_t gaddr, const void *src, size_t len)
{
    struct gm *m = opaque;

    if (m->fail_to || gaddr < GM_BASE || gaddr - GM_BASE > GM_SIZE ||
        len > GM_SIZE - (gaddr - GM_BASE))
        return -EFAULT;
    memcpy(m->mem + (gaddr - GM_BASE), src, len);
    m->nr_to++;
    m->last_to_addr = gaddr;
    m->last_to_len = len;
    m->bytes_to += len;
    return 0;
}

static inline struct xsm_guest gm_guest(struct gm *m, bool compat)
{
    struct xsm_guest g = {gm_copy_from, gm_copy_to, m, compat};
    return g;
}

static int t_failures;
#define CHECK(c)                                                                                   \
    do {                                                                                           \
        if (!(c)) {                                                                                \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #c);                  \
            t_failures++;                                                                          \
        }                                                                                          \
    } while (0)
#define CHECK_EQ(a, b)                                                                             \
    do {                                                                                           \
        long long a_ = (long long)(a), b_ = (long long)(b);                                        \
        if (a_ != b_) {                                                                            \
            fprintf(stderr, "%s:%d: %s == %lld, expected %s == %lld\n", __FILE__, __LINE__, #a,    \
                    a_, #b, b_);                                                                   \
            t_failures++;                                                                          \
        }                                                                                          \
    } while (0)

#endif
