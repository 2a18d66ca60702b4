/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Decode, then perform: what the daemon does with one received message is
 * decided here, from the message and what the kernel said about it, before
 * anything runs.  The connection's thread then either performs a request
 * that is whole and valid (every field it does not use is zero, a
 * control-only type arrives on the control socket), or answers and maybe
 * closes without touching any state.  No sockets, no daemon state: the
 * libFuzzer target fuzz/xsmd drives it directly.
 *
 * Checks in order (docs/xsmd.md, "Wire protocol"), the first that fails
 * decides:
 *   1. an empty message without descriptors is the end of the stream:
 *      close, no reply;
 *   2. a size other than 64 bytes, a message the kernel truncated, or
 *      descriptors attached to anything but a version-1 PRIVCMD_FOR request
 *      carrying exactly one: BAD_REQUEST, close;
 *   3. a bad magic: BAD_REQUEST; a version other than 1: BAD_VERSION; close;
 *   4. sent by a process other than the connection's owner: WRONG_PROCESS,
 *      the connection stays open (its owner did nothing wrong), nothing of
 *      the message is looked at further;
 *   5. an unknown type, a field the type does not use not zero, or a
 *      PRIVCMD_FOR without its descriptor: BAD_REQUEST, close;
 *   6. CREATE, DESTROY, CONSOLE or a question (EXPLAIN, CLASSES, LABEL,
 *      DOMAINS) on a domain's socket: NOT_CONTROL, stays open;
 *   7. PRIVCMD_FOR from a peer that may not touch every process's memory:
 *      NOT_PRIVILEGED, stays open;
 *   8. run it.
 */
#ifndef XSMD_REQUEST_H
#define XSMD_REQUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xsmd_wire.h"

/* One received message, and what the kernel said about it. */
struct xsmd_msg {
    const uint8_t *buf;
    size_t len;      /* bytes received (at most what buf holds) */
    bool truncated;  /* MSG_TRUNC or MSG_CTRUNC: there was more */
    unsigned nfds;   /* descriptors attached */
    bool from_owner; /* the sender is the process that connected */
    bool control;    /* the connection is the control domain's */
    bool privileged; /* the peer may read and write any process's memory */
};

enum xsmd_verdict {
    XSMD_V_RUN,    /* *rq is a valid request: perform it */
    XSMD_V_REFUSE, /* reply with *status, keep the connection */
    XSMD_V_REJECT, /* protocol error: reply with *status, close */
    XSMD_V_EOF,    /* close without a reply */
};

/*
 * The verdict on m; *status is the reply's status (XSMD_ST_OK for RUN and
 * EOF).  *rq is written only for RUN.
 */
enum xsmd_verdict xsmd_parse(const struct xsmd_msg *m, struct xsmd_req *rq, uint16_t *status);

#endif /* XSMD_REQUEST_H */
