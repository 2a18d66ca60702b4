/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xsm-run --fuse: COMMAND in a private mount namespace whose
 * /dev/xen/privcmd is a FUSE file served by xsm-run itself, which forwards
 * each hypercall ioctl to xsmd as PRIVCMD_FOR naming the caller
 * (docs/xsmd.md, "The FUSE node").  Built only with libfuse3.
 */
#ifndef XSM_FUSENODE_H
#define XSM_FUSENODE_H

#include <stddef.h>

/*
 * fusens.c: enter a new mount namespace, private throughout, with a /dev
 * of its own that has an empty /dev/xen.  0, or -errno with err[] saying
 * what failed.
 */
int xsm_fuse_namespace(char *err, size_t cap);

/*
 * fusenode.c: the namespace, the node on /dev/xen served for the xsmd socket
 * 'sock' (already answering), and COMMAND argv[0..] run in it until it
 * exits.  Returns the exit status for xsm-run: COMMAND's (128 + N if signal
 * N ended it), 125 if the node could not be set up, 126/127 if COMMAND
 * could not be run or found.
 */
int xsm_run_fuse(const char *sock, char *const argv[]);

#endif /* XSM_FUSENODE_H */
