/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xsmd as the allocation-failure test runs it: the daemon's own sources and
 * the library's static archives, linked with the allocation shims
 * (tests/lib/allocfail.h), and hooks around each request that arm "the n-th
 * allocation of this request fails" as the driver (xsmd-allocfail.c) asks
 * through the shared page of xsmd-allocfail.h.  Allocations are counted per
 * thread, so only the request's own connection thread is affected.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "allocfail.h"
#include "xsmd-allocfail.h"
#include "xsmd.h"

static struct xsmd_af_ctl *ctl;

static void before(const struct xsmd_req *rq)
{
    unsigned long n = atomic_exchange(&ctl->arm, 0);

    (void)rq;
    atomic_store(&ctl->live, allocfail_live());
    if (n != 0)
        allocfail_arm(n);
}

static void after(const struct xsmd_req *rq, const struct xsmd_rep *rp)
{
    (void)rq;
    (void)rp;
    atomic_store(&ctl->reached, allocfail_disarm());
    atomic_fetch_add(&ctl->requests, 1);
}

int main(int argc, char **argv)
{
    static const struct xsmd_hooks hooks = {before, after};
    const char *path = getenv("XSMD_AF_CTL");
    int fd = path ? open(path, O_RDWR | O_CLOEXEC) : -1;

    if (fd < 0) {
        fprintf(stderr, "xsmd-allocfail-daemon: XSMD_AF_CTL must name the driver's page\n");
        return 2;
    }
    ctl = mmap(NULL, sizeof(*ctl), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    if (ctl == MAP_FAILED) {
        perror("xsmd-allocfail-daemon: mmap");
        return 2;
    }
    return xsmd_main(argc, argv, &hooks);
}
