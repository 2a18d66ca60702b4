/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What xsmd-allocfail-daemon (xsmd with request hooks and the allocation
 * shims) and the driver xsmd-allocfail share: one page of a file both map,
 * named by XSMD_AF_CTL in the daemon's environment.  The driver runs one
 * request at a time, so no field is written by both at once.
 */
#ifndef XSMD_ALLOCFAIL_H
#define XSMD_ALLOCFAIL_H

#include <stdatomic.h>

struct xsmd_af_ctl {
    atomic_ulong arm;      /* driver: fail the n-th allocation of the next request (0: none) */
    atomic_int reached;    /* daemon: the armed allocation was made (and failed) */
    atomic_long live;      /* daemon: blocks live just before the request was performed */
    atomic_ulong requests; /* daemon: requests seen (the driver waits on it) */
};

#endif /* XSMD_ALLOCFAIL_H */
