/* SPDX-License-Identifier: GPL-2.0-only */
/* The peer's policy load: libsepol's policydb from an image in memory. */
#ifndef OPENXSM_BENCH_SEPOL_LOAD_H
#define OPENXSM_BENCH_SEPOL_LOAD_H

#include <stddef.h>

#include <sepol/policydb/policydb.h>

static inline int sepol_load(policydb_t *p, const unsigned char *img, size_t len)
{
    struct policy_file pf;
    policy_file_init(&pf);
    pf.type = PF_USE_MEMORY;
    pf.data = (char *)img;
    pf.len = len;
    if (policydb_init(p))
        return -1;
    return policydb_read(p, &pf, 0) ? -1 : 0;
}

#endif
