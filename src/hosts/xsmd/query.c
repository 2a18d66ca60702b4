/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The control domain's questions that no hypercall answers (docs/xsmd.md,
 * "Wire protocol"): why FLASK decides what it decides (EXPLAIN), the
 * policy's class and permission names (CLASSES), the label of a device
 * (LABEL) and which domains have a socket (DOMAINS).
 *
 * Design decisions:
 *  - They are the daemon's requests, not hypercalls: Xen has no such
 *    commands, so nothing here pretends to be one, and only the control
 *    socket may ask (whoever may connect there may already load policies).
 *    FLASK's own permission checks do not apply to them.
 *  - Answers are text, one line per record, fields separated by a tab, in
 *    the caller's buffer (arg4, capacity arg5).  The whole answer is built
 *    first; if it does not fit, nothing is written and the result is
 *    -ERANGE with the size needed in 'value', so a client asks again with
 *    a larger buffer.  Every string in an answer is printable ASCII without
 *    tabs (the security server escapes policy names), so a line cannot be
 *    split or forged by a name.
 *  - They read FLASK's security server through xsm_flask_ss(), which
 *    answers from the policy and booleans in force and is safe to call from
 *    any thread: no daemon lock is needed, except the table lock to list
 *    the domains.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openxsm/ss.h>
#include <openxsm/xsm.h>

#include "xsmd.h"
#include "xsmd_wire.h"

struct answer {
    char *s;
    size_t len, cap;
    bool oom;
};

static void put(struct answer *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(struct answer *a, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (a->oom)
        return;
    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || a->len + (size_t)n + 1 > XSMD_ANSWER_MAX) {
        a->oom = true;
        return;
    }
    if (a->len + (size_t)n + 1 > a->cap) {
        size_t cap = a->cap ? a->cap : 1024;
        char *ns;

        while (cap < a->len + (size_t)n + 1)
            cap *= 2;
        ns = realloc(a->s, cap);
        if (!ns) {
            a->oom = true;
            return;
        }
        a->s = ns;
        a->cap = cap;
    }
    va_start(ap, fmt);
    vsnprintf(a->s + a->len, a->cap - a->len, fmt, ap);
    va_end(ap);
    a->len += (size_t)n;
}

/* Copy the answer to the caller: its length, -ERANGE (value = length) or -EFAULT. */
static long deliver(struct xsmd_conn *c, struct answer *a, uint64_t addr, uint64_t cap,
                    struct xsmd_rep *rp)
{
    long r;

    if (a->oom)
        r = -ENOMEM;
    else if (a->len > cap) {
        rp->value = a->len;
        r = -ERANGE;
    } else if (a->len && xsmd_peer_write(&c->peer, addr, a->s, a->len)) {
        r = -EFAULT;
    } else {
        rp->value = a->len;
        r = (long)a->len;
    }
    free(a->s);
    return r;
}

static ss_ctx *flask_ss_of(struct xsmd *d)
{
    return xsm_flask_ss(hv_xsm(d->h));
}

/* Strings in answers: printable ASCII, no tab (names are escaped already). */
static const char *field(const char *s)
{
    return s ? s : "";
}

static const char *const why_kind[] = {
    [SS_WHY_ALLOWED] = "allowed",       [SS_WHY_TE] = "te",   [SS_WHY_BOOLEAN] = "boolean",
    [SS_WHY_CONSTRAINT] = "constraint", [SS_WHY_MLS] = "mls", [SS_WHY_ROLE] = "role",
    [SS_WHY_BOUNDS] = "bounds",
};

static int explain_line(void *opaque, const struct ss_why_reason *r)
{
    struct answer *a = opaque;
    const char *kind =
        (unsigned)r->kind < sizeof(why_kind) / sizeof(why_kind[0]) ? why_kind[r->kind] : "?";

    put(a, "reason\t%s\t%s\t%s%s\t%u\t%d\t%s\t%s\t%s\n", kind, field(r->perm_name),
        (r->flags & SS_WHY_F_SECONDARY) ? "secondary" : "primary",
        (r->flags & SS_WHY_F_ALONE) ? ",alone" : "", r->index, r->value, field(r->name),
        field(r->rule), field(r->detail));
    return a->oom ? -ENOMEM : 0;
}

long xsmd_explain(struct xsmd_conn *c, const struct xsmd_req *rq, struct xsmd_rep *rp)
{
    ss_ctx *ss = flask_ss_of(c->d);
    struct answer reasons = {0}, a = {0};
    struct ss_av_decision avd;
    int rc;

    if (!ss)
        return -ENOSYS;
    if (rq->arg[0] > UINT32_MAX || rq->arg[1] > UINT32_MAX || rq->arg[2] > UINT16_MAX ||
        rq->arg[3] > UINT32_MAX)
        return -EINVAL;
    rc = ss_explain(ss, (ss_sid)rq->arg[0], (ss_sid)rq->arg[1], (uint16_t)rq->arg[2],
                    (uint32_t)rq->arg[3], explain_line, &reasons, &avd);
    if (rc) {
        free(reasons.s);
        return rc;
    }
    put(&a, "decision\t%08x\t%08x\t%08x\t%u\t%u\t%d\n", avd.allowed, avd.auditallow, avd.auditdeny,
        avd.seqno, avd.flags, ss_enforcing(ss) ? 1 : 0);
    put(&a, "%s", reasons.s ? reasons.s : "");
    a.oom |= reasons.oom;
    free(reasons.s);
    return deliver(c, &a, rq->arg[4], rq->arg[5], rp);
}

static void class_line(struct answer *a, ss_ctx *ss, uint16_t cls)
{
    unsigned top = 0;

    for (unsigned bit = 0; bit < 32; bit++)
        if (ss_perm_name(ss, cls, bit))
            top = bit + 1;
    put(a, "class\t%u\t%s", cls, ss_class_name(ss, cls));
    for (unsigned bit = 0; bit < top; bit++) {
        const char *p = ss_perm_name(ss, cls, bit);

        put(a, "\t%s", p ? p : "");
    }
    put(a, "\n");
}

long xsmd_classes(struct xsmd_conn *c, const struct xsmd_req *rq, struct xsmd_rep *rp)
{
    ss_ctx *ss = flask_ss_of(c->d);
    struct answer a = {0};
    char name[XSMD_NAME_MAX + 1];
    size_t len = (size_t)rq->arg[1];

    if (!ss)
        return -ENOSYS;
    if (!ss_policy_loaded(ss))
        return -ENODATA;
    if (rq->arg[1] > XSMD_NAME_MAX)
        return -EINVAL;
    if (len) {
        uint16_t cls;

        if (xsmd_peer_read(&c->peer, name, rq->arg[0], len))
            return -EFAULT;
        name[len] = '\0';
        if (strlen(name) != len)
            return -EINVAL;
        cls = ss_class_value(ss, name);
        if (!cls)
            return -ENOENT;
        class_line(&a, ss, cls);
    } else {
        /* Class values are dense from 1; a policy may leave gaps, which are skipped. */
        for (unsigned cls = 1; cls <= UINT16_MAX; cls++) {
            if (!ss_class_name(ss, (uint16_t)cls)) {
                unsigned more = 0;

                for (unsigned k = cls + 1; k <= cls + 64 && k <= UINT16_MAX; k++)
                    more |= ss_class_name(ss, (uint16_t)k) != NULL;
                if (!more)
                    break;
                continue;
            }
            class_line(&a, ss, (uint16_t)cls);
        }
    }
    return deliver(c, &a, rq->arg[4], rq->arg[5], rp);
}

long xsmd_label(struct xsmd_conn *c, const struct xsmd_req *rq, struct xsmd_rep *rp)
{
    ss_ctx *ss = flask_ss_of(c->d);
    ss_sid sid = 0;
    int rc;

    if (!ss)
        return -ENOSYS;
    if (rq->nr == XSMD_LABEL_DEVICETREE) {
        char path[XSMD_PATH_MAX + 1];
        size_t len = (size_t)rq->arg[1];

        if (len == 0 || rq->arg[1] > XSMD_PATH_MAX)
            return -EINVAL;
        if (xsmd_peer_read(&c->peer, path, rq->arg[0], len))
            return -EFAULT;
        path[len] = '\0';
        if (strlen(path) != len)
            return -EINVAL;
        rc = ss_devicetree_sid(ss, path, &sid);
    } else if (rq->nr >= XSMD_LABEL_PIRQ && rq->nr <= XSMD_LABEL_PCI) {
        if (rq->arg[1])
            return -EINVAL;
        /* The numbers are the security server's (and Xen's) OCON_* values. */
        rc = ss_ocontext_sid(ss, rq->nr, rq->arg[0], &sid);
    } else {
        return -EINVAL;
    }
    if (rc)
        return rc;
    rp->value = sid;
    return 0;
}

long xsmd_domains(struct xsmd_conn *c, const struct xsmd_req *rq, struct xsmd_rep *rp)
{
    struct xsmd *d = c->d;
    struct answer a = {0};

    pthread_mutex_lock(&d->lock);
    for (struct xsmd_dom *dom = d->doms; dom; dom = dom->next) {
        unsigned conns = 0;

        if (dom->dead || dom->listen_fd < 0)
            continue;
        for (struct xsmd_conn *k = d->conns; k; k = k->next)
            conns += k->dom == dom;
        /* The socket's name in DIR: "control" or "dom<N>", from the daemon itself. */
        const char *base = strrchr(dom->path, '/');

        put(&a, "domain\t%u\t%u\t%u\t%s\n", dom->id, dom->compat ? 32U : 64U, conns,
            base ? base + 1 : dom->path);
    }
    pthread_mutex_unlock(&d->lock);
    return deliver(c, &a, rq->arg[4], rq->arg[5], rp);
}
