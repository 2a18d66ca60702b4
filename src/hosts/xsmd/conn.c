/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One connection, one thread: receive a message, have request.c decide
 * what it is (framing, sender, fields), run it if it is a valid request,
 * reply; until EOF, a protocol error or shutdown.
 *
 * Who is calling.  The connection belongs to the process that connected
 * (peer.h).  A socket can be handed to another process (fork, SCM_RIGHTS);
 * that process's requests would run on the first process's memory.  So the
 * listening sockets have SO_PASSCRED, every message arrives with its
 * sender's pid (SCM_CREDENTIALS, filled in by the kernel), and a request
 * whose sender is not the connecting process is refused with
 * XSMD_ST_WRONG_PROCESS and not run; the connection stays open for its
 * owner.  The bridge (libxsm-privcmd) opens a connection of its own in
 * each process, so a forked child is never refused.
 *
 * Descriptors.  Every descriptor a message carries is closed before the
 * request runs, except the one pidfd of a PRIVCMD_FOR that request.c let
 * through: that one goes to its handler, which closes it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "request.h"
#include "xsmd.h"
#include "xsmd_wire.h"

static bool send_rep(int fd, const struct xsmd_rep *rp)
{
    uint8_t out[XSMD_REP_SIZE];
    ssize_t n;

    xsmd_encode_rep(out, rp);
    do
        n = send(fd, out, sizeof(out), MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    return n == (ssize_t)sizeof(out);
}

#define MAX_FDS 16 /* room for this many; more is a truncated message */

/*
 * Take the descriptors a message carries (at most MAX_FDS, in fds[]) and the
 * sender's pid; returns how many there were.
 */
static unsigned take_fds(struct msghdr *msg, int fds[MAX_FDS], pid_t *sender)
{
    unsigned nfds = 0;

    for (unsigned i = 0; i < MAX_FDS; i++)
        fds[i] = -1;
    for (struct cmsghdr *cm = CMSG_FIRSTHDR(msg); cm; cm = CMSG_NXTHDR(msg, cm)) {
        if (cm->cmsg_level != SOL_SOCKET)
            continue;
        if (cm->cmsg_type == SCM_RIGHTS) {
            size_t n = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);

            for (size_t i = 0; i < n; i++) {
                int fd;

                memcpy(&fd, CMSG_DATA(cm) + i * sizeof(int), sizeof(fd));
                if (nfds < MAX_FDS)
                    fds[nfds++] = fd;
                else
                    close(fd); /* cannot happen: the buffer holds MAX_FDS */
            }
        } else if (cm->cmsg_type == SCM_CREDENTIALS &&
                   cm->cmsg_len >= CMSG_LEN(sizeof(struct ucred))) {
            struct ucred cr;

            memcpy(&cr, CMSG_DATA(cm), sizeof(cr));
            *sender = cr.pid;
        }
    }
    return nfds;
}

static void close_fds(int *fds, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        if (fds[i] >= 0)
            close(fds[i]);
}

static void conn_end(struct xsmd_conn *c)
{
    struct xsmd *d = c->d;
    struct xsmd_conn **pp;

    pthread_mutex_lock(&d->lock);
    for (pp = &d->conns; *pp; pp = &(*pp)->next)
        if (*pp == c) {
            *pp = c->next;
            break;
        }
    d->nconns--;
    xsmd_dom_put_locked(c->dom);
    pthread_cond_broadcast(&d->idle);
    pthread_mutex_unlock(&d->lock);
    xsmd_peer_release(&c->peer);
    close(c->fd);
    free(c);
}

static const char *const reject_why[] = {
    [XSMD_ST_BAD_REQUEST] = "malformed request",
    [XSMD_ST_BAD_VERSION] = "unknown protocol version",
};

static void *conn_main(void *arg)
{
    struct xsmd_conn *c = arg;
    struct xsmd *d = c->d;
    uint8_t buf[XSMD_REQ_SIZE + 1]; /* one more: a longer message shows as MSG_TRUNC */
    union {
        struct cmsghdr align;
        char b[CMSG_SPACE(sizeof(struct ucred)) + CMSG_SPACE(MAX_FDS * sizeof(int))];
    } ctl;

    for (;;) {
        struct iovec iov = {buf, sizeof(buf)};
        struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
        struct xsmd_msg m = {
            .buf = buf, .control = c->dom->id == 0, .privileged = c->peer.privileged};
        struct xsmd_req rq;
        struct xsmd_rep rp = {0};
        int fds[MAX_FDS], caller = -1;
        pid_t sender = 0;
        enum xsmd_verdict v;
        bool close_after;
        ssize_t n;
        uint16_t st;

        msg.msg_control = ctl.b;
        msg.msg_controllen = sizeof(ctl.b);
        n = recvmsg(c->fd, &msg, MSG_CMSG_CLOEXEC);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            break; /* shutdown, or the socket failed */
        /* Even an empty message may carry descriptors: never keep them. */
        m.nfds = take_fds(&msg, fds, &sender);
        m.len = (size_t)n;
        m.truncated = msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC);
        m.from_owner = sender == c->peer.pid;

        v = xsmd_parse(&m, &rq, &st);
        if (v == XSMD_V_RUN && rq.type == XSMD_T_PRIVCMD_FOR) {
            caller = fds[0]; /* request.c checked there is exactly one */
            fds[0] = -1;
        }
        close_fds(fds, m.nfds);
        switch (v) {
        case XSMD_V_EOF:
            goto end; /* the client closed or died */
        case XSMD_V_REJECT:
            xsmd_log("d%u pid %ld: %s (%zd bytes%s%s): connection closed", c->dom->id,
                     (long)c->peer.pid, reject_why[st], n, m.nfds ? ", with descriptors" : "",
                     m.truncated ? ", truncated" : "");
            __atomic_fetch_add(&d->stats.protocol_errors, 1, __ATOMIC_RELAXED);
            rp.status = st;
            send_rep(c->fd, &rp);
            goto end;
        case XSMD_V_REFUSE:
            if (st == XSMD_ST_WRONG_PROCESS)
                __atomic_fetch_add(&d->stats.wrong_process, 1, __ATOMIC_RELAXED);
            if (st == XSMD_ST_NOT_PRIVILEGED && !c->warned_privilege) {
                c->warned_privilege = true; /* once per connection: no log flood */
                xsmd_log("d%u pid %ld: PRIVCMD_FOR refused: the peer may not touch other "
                         "processes' memory",
                         c->dom->id, (long)c->peer.pid);
            }
            rp.status = st;
            if (!send_rep(c->fd, &rp))
                goto end;
            continue;
        case XSMD_V_RUN:
            break;
        }
        __atomic_fetch_add(&d->stats.requests, 1, __ATOMIC_RELAXED);
        if (d->hooks)
            d->hooks->before(&rq);
        close_after = xsmd_handle(c, &rq, caller, &rp);
        if (d->hooks)
            d->hooks->after(&rq, &rp);
        if (!send_rep(c->fd, &rp) || close_after)
            break;
    }
end:
    conn_end(c);
    return NULL;
}

int xsmd_conn_start(struct xsmd *d, struct xsmd_dom *dom, int fd)
{
    struct xsmd_conn *c = calloc(1, sizeof(*c));
    pthread_attr_t attr;
    pthread_t t;
    int one = 1, rc;

    if (!c) {
        close(fd);
        return -ENOMEM;
    }
    c->d = d;
    c->dom = dom;
    c->fd = fd;
    setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one));
    rc = xsmd_peer_attach(&c->peer, fd);
    if (rc) {
        xsmd_log("d%u: connection refused: cannot reach the peer's memory: %s", dom->id,
                 strerror(-rc));
        close(fd);
        free(c);
        return rc;
    }

    pthread_mutex_lock(&d->lock);
    if (d->stopping || dom->dead || d->nconns >= XSMD_MAX_CONNS) {
        rc = d->stopping || dom->dead ? -ESHUTDOWN : -EMFILE;
        pthread_mutex_unlock(&d->lock);
        goto fail;
    }
    c->next = d->conns;
    d->conns = c;
    d->nconns++;
    dom->refs++;
    pthread_mutex_unlock(&d->lock);

    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    rc = -pthread_create(&t, &attr, conn_main, c);
    pthread_attr_destroy(&attr);
    if (rc) {
        conn_end(c);
        return rc;
    }
    return 0;

fail:
    if (rc == -EMFILE)
        xsmd_log("d%u pid %ld: connection refused: %d connections open", dom->id, (long)c->peer.pid,
                 XSMD_MAX_CONNS);
    xsmd_peer_release(&c->peer);
    close(fd);
    free(c);
    return rc;
}
