/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The decoder of received messages (request.h has the order of checks).
 */
#include "request.h"

static bool zero_args(const struct xsmd_req *rq, unsigned from)
{
    for (unsigned i = from; i < XSMD_NR_ARGS; i++)
        if (rq->arg[i])
            return false;
    return true;
}

/* Does the request use only the fields its type defines? */
static bool fields_ok(const struct xsmd_req *rq)
{
    switch (rq->type) {
    case XSMD_T_HYPERCALL:
        return rq->flags == 0;
    case XSMD_T_CREATE:
        if (rq->flags & XSMD_CREATE_CMDLINE)
            return (rq->flags & XSMD_CREATE_KERNEL) && rq->nr >= 1 && rq->nr <= XSMD_CMDLINE_MAX &&
                   (rq->flags & ~(XSMD_CREATE_32BIT | XSMD_CREATE_KERNEL | XSMD_CREATE_CMDLINE)) ==
                       0;
        if (rq->flags & XSMD_CREATE_KERNEL)
            return rq->nr == 0 && (rq->flags & ~(XSMD_CREATE_32BIT | XSMD_CREATE_KERNEL)) == 0;
        return rq->nr == 0 && (rq->flags & ~XSMD_CREATE_32BIT) == 0 && zero_args(rq, 3);
    case XSMD_T_DESTROY:
        return rq->nr == 0 && rq->flags == 0 && zero_args(rq, 1);
    case XSMD_T_WHOAMI:
        return rq->nr == 0 && rq->flags == 0 && zero_args(rq, 0);
    case XSMD_T_PRIVCMD_FOR: /* arg0 */
        return rq->nr == 0 && rq->flags == 0 && zero_args(rq, 1);
    case XSMD_T_PRIVCMD: /* arg0..5 */
    case XSMD_T_EXPLAIN:
        return rq->nr == 0 && rq->flags == 0;
    case XSMD_T_CLASSES:
        return rq->nr == 0 && rq->flags == 0 && rq->arg[2] == 0 && rq->arg[3] == 0;
    case XSMD_T_LABEL:
        return rq->flags == 0 && zero_args(rq, 2);
    case XSMD_T_CONSOLE: /* arg0 domid, arg1 offset, the buffer arg4/arg5 */
        return rq->nr == 0 && rq->flags == 0 && !rq->arg[2] && !rq->arg[3];
    case XSMD_T_DOMAINS: /* only the answer buffer, arg4/arg5 */
        return rq->nr == 0 && rq->flags == 0 && !rq->arg[0] && !rq->arg[1] && !rq->arg[2] &&
               !rq->arg[3];
    default:
        return false;
    }
}

/* Types only the control socket may send: domains and the questions. */
static bool control_only(uint16_t type)
{
    return type == XSMD_T_CREATE || type == XSMD_T_DESTROY || type == XSMD_T_EXPLAIN ||
           type == XSMD_T_CLASSES || type == XSMD_T_LABEL || type == XSMD_T_DOMAINS ||
           type == XSMD_T_CONSOLE;
}

/*
 * May the message carry the descriptors it does?  None, or one on a request
 * that reads as a version-1 PRIVCMD_FOR (its fields are checked later).
 */
static bool fds_ok(const struct xsmd_msg *m)
{
    if (m->nfds == 0)
        return true;
    return m->nfds == 1 && m->len == XSMD_REQ_SIZE && xsmd_get32(m->buf) == XSMD_MAGIC &&
           xsmd_get16(m->buf + 4) == XSMD_VERSION && xsmd_get16(m->buf + 6) == XSMD_T_PRIVCMD_FOR;
}

enum xsmd_verdict xsmd_parse(const struct xsmd_msg *m, struct xsmd_req *rq, uint16_t *status)
{
    struct xsmd_req r;
    int st;

    *status = XSMD_ST_OK;
    if (m->len == 0 && !m->truncated && m->nfds == 0)
        return XSMD_V_EOF;
    if (m->len != XSMD_REQ_SIZE || m->truncated || !fds_ok(m)) {
        *status = XSMD_ST_BAD_REQUEST;
        return XSMD_V_REJECT;
    }
    st = xsmd_decode_req(m->buf, &r);
    if (st != XSMD_ST_OK) {
        *status = (uint16_t)st;
        return XSMD_V_REJECT;
    }
    if (!m->from_owner) {
        *status = XSMD_ST_WRONG_PROCESS;
        return XSMD_V_REFUSE;
    }
    if (!fields_ok(&r) || (r.type == XSMD_T_PRIVCMD_FOR && m->nfds != 1)) {
        *status = XSMD_ST_BAD_REQUEST;
        return XSMD_V_REJECT;
    }
    if (!m->control && control_only(r.type)) {
        *status = XSMD_ST_NOT_CONTROL;
        return XSMD_V_REFUSE;
    }
    if (r.type == XSMD_T_PRIVCMD_FOR && !m->privileged) {
        *status = XSMD_ST_NOT_PRIVILEGED;
        return XSMD_V_REFUSE;
    }
    *rq = r;
    return XSMD_V_RUN;
}
