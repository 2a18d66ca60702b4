/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A minimal xsmd client: connect to a socket, send one request, read its
 * reply.  Header-only (static functions) so that the LD_PRELOAD bridge,
 * xsm-run and the tests, 64- and 32-bit alike, share one implementation
 * without linking anything.  Needs _GNU_SOURCE (the hosts' meson targets define it).
 */
#ifndef XSMD_CLIENT_H
#define XSMD_CLIENT_H

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "xsmd_wire.h"

/*
 * The socket directory when none is given: /run/xsmd for root, else
 * $XDG_RUNTIME_DIR/xsmd, else /tmp/xsmd-UID.
 */
static inline void xsmd_default_dir(char *buf, size_t cap)
{
    const char *rt = getenv("XDG_RUNTIME_DIR");

    if (geteuid() == 0)
        snprintf(buf, cap, "/run/xsmd");
    else if (rt && rt[0] == '/')
        snprintf(buf, cap, "%s/xsmd", rt);
    else
        snprintf(buf, cap, "/tmp/xsmd-%ld", (long)geteuid());
}

/* A connected socket (close-on-exec), or -errno. */
static inline int xsmd_client_connect(const char *path)
{
    struct sockaddr_un sa;
    size_t n;
    int fd;

    if (path == NULL)
        return -EINVAL;
    n = strlen(path);
    if (n >= sizeof(sa.sun_path))
        return -ENAMETOOLONG;
    memset(&sa, 0, sizeof(sa));
    sa.sun_family = AF_UNIX;
    memcpy(sa.sun_path, path, n + 1);
    fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -errno;
    if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        int e = errno;

        close(fd);
        return -e;
    }
    return fd;
}

/*
 * One round trip.  0 with *rp filled, or -errno: -EPIPE/-ECONNRESET if the
 * daemon closed the connection, -EPROTO for a reply that is not one.
 */
static inline int xsmd_client_call(int fd, const struct xsmd_req *rq, struct xsmd_rep *rp)
{
    uint8_t out[XSMD_REQ_SIZE], in[XSMD_REP_SIZE + 1];
    ssize_t n;

    xsmd_encode_req(out, rq);
    do
        n = send(fd, out, sizeof(out), MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return -errno;
    if (n != (ssize_t)sizeof(out))
        return -EPROTO;
    do
        n = recv(fd, in, sizeof(in), 0);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return -errno;
    if (n == 0)
        return -ECONNRESET;
    if (n != (ssize_t)XSMD_REP_SIZE || xsmd_decode_rep(in, rp))
        return -EPROTO;
    return 0;
}

/* A hypercall: its result, or a client-side -errno with *status set. */
static inline int xsmd_client_hypercall(int fd, uint32_t nr, const uint64_t args[XSMD_NR_ARGS],
                                        int64_t *result, unsigned *status)
{
    struct xsmd_req rq;
    struct xsmd_rep rp = {0, 0, 0};
    int rc;

    memset(&rq, 0, sizeof(rq));
    rq.type = XSMD_T_HYPERCALL;
    rq.nr = nr;
    for (unsigned i = 0; i < XSMD_NR_ARGS; i++)
        rq.arg[i] = args[i];
    rc = xsmd_client_call(fd, &rq, &rp);
    if (rc)
        return rc;
    *status = rp.status;
    *result = rp.result;
    return 0;
}

#endif /* XSMD_CLIENT_H */
