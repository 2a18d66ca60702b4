/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guest memory for tests and benchmarks that issue xsm_op in-process: guest
 * addresses are this process's own addresses, so an op and its strings are
 * plain local variables, passed as (uint64_t)(uintptr_t)&op.
 */
#ifndef OPENXSM_TESTS_FLATMEM_H
#define OPENXSM_TESTS_FLATMEM_H

#include <stdint.h>
#include <string.h>

#include <openxsm/xsm.h>

static inline int flat_from(void *opaque, void *dst, uint64_t gaddr, size_t len)
{
    (void)opaque;
    memcpy(dst, (const void *)(uintptr_t)gaddr, len);
    return 0;
}

static inline int flat_to(void *opaque, uint64_t gaddr, const void *src, size_t len)
{
    (void)opaque;
    memcpy((void *)(uintptr_t)gaddr, src, len);
    return 0;
}

static const struct xsm_guest flat_guest = {flat_from, flat_to, NULL, false};

#endif
