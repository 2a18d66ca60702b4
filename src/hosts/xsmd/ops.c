/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What a request does: a hypercall as the connection's domain, or (control
 * socket only) creating and destroying domains.  The request was decoded
 * and checked whole before it got here (request.c: known type, unused
 * fields zero, control-only types on the control socket, PRIVCMD_FOR only
 * from a privileged peer).
 *
 * Whose memory: a hypercall's guest memory is the 'mem' it runs with, the
 * connecting process's own (c->peer), or for PRIVCMD_FOR the process its
 * pidfd names (peer.h), opened for that one request and closed after it.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openxsm/xen/flask_op.h>
#include <openxsm/xsm_op.h>

#include "xsmd.h"
#include "xsmd_wire.h"

static int conn_copy_from(void *opaque, void *dst, uint64_t gaddr, size_t len)
{
    return xsmd_peer_read(opaque, dst, gaddr, len);
}

static int conn_copy_to(void *opaque, uint64_t gaddr, const void *src, size_t len)
{
    return xsmd_peer_write(opaque, gaddr, src, len);
}

static long hypercall(struct xsmd_conn *c, struct xsmd_peer *mem, const struct xsmd_req *rq,
                      struct xsmd_rep *rp)
{
    struct xsmd *d = c->d;
    struct xsmd_dom *dom = c->dom;
    long r;

    if (rq->nr == HV_HYPERCALL_xsm_op) {
        /* The XSM library takes concurrent callers; the domain list must hold still. */
        struct xsm_guest g = {conn_copy_from, conn_copy_to, mem, dom->compat};

        pthread_rwlock_rdlock(&d->hv_lock);
        if (dom->dead) {
            pthread_rwlock_unlock(&d->hv_lock);
            rp->status = XSMD_ST_NO_DOMAIN;
            return 0;
        }
        r = xsm_do_op(hv_xsm(d->h), hv_domain_xsm(d->h, dom->id), &g, rq->arg[0]);
        pthread_rwlock_unlock(&d->hv_lock);
        return r;
    }
    pthread_rwlock_wrlock(&d->hv_lock);
    if (dom->dead) {
        pthread_rwlock_unlock(&d->hv_lock);
        rp->status = XSMD_ST_NO_DOMAIN;
        return 0;
    }
    dom->cur = mem;
    r = hv_hypercall(d->h, dom->id, rq->nr, rq->arg);
    dom->cur = NULL;
    if (rq->nr == HV_HYPERCALL_domctl)
        xsmd_dom_reconcile(d);
    pthread_rwlock_unlock(&d->hv_lock);
    return r;
}

/* Daemon-side memory for the xsm_op the daemon makes itself. */
struct local_mem {
    uint8_t *base;
    size_t len;
};

static int local_from(void *opaque, void *dst, uint64_t gaddr, size_t len)
{
    struct local_mem *m = opaque;

    if (gaddr > m->len || len > m->len - gaddr)
        return -EFAULT;
    memcpy(dst, m->base + gaddr, len);
    return 0;
}

static int local_to(void *opaque, uint64_t gaddr, const void *src, size_t len)
{
    struct local_mem *m = opaque;

    if (gaddr > m->len || len > m->len - gaddr)
        return -EFAULT;
    memcpy(m->base + gaddr, src, len);
    return 0;
}

/*
 * The SID of a label, asked as the control domain asks it (FLASK's
 * CONTEXT_TO_SID, with its checks), as a toolstack labels a new domain.
 * hv_lock held.
 */
long xsmd_label_to_sid(struct xsmd *d, const char *label, size_t len, uint32_t *sid)
{
    uint8_t buf[XSM_OP_SIZE + XSMD_LABEL_MAX];
    struct local_mem m = {buf, XSM_OP_SIZE + len};
    struct xsm_guest g = {local_from, local_to, &m, false};
    long r;

    memset(buf, 0, XSM_OP_SIZE);
    xsmd_put32(buf, XSM_OP_CMD(XSM_MODULE_FLASK, FLASK_CONTEXT_TO_SID));
    xsmd_put32(buf + 4, XEN_FLASK_INTERFACE_VERSION);
    xsmd_put32(buf + 12, (uint32_t)len);
    xsmd_put64(buf + 16, XSM_OP_SIZE); /* the handle: where the label is */
    memcpy(buf + XSM_OP_SIZE, label, len);
    r = xsm_do_op(hv_xsm(d->h), hv_domain_xsm(d->h, 0), &g, 0);
    if (r >= 0)
        *sid = xsmd_get32(buf + 8);
    return r;
}

static long create_domain(struct xsmd_conn *c, const struct xsmd_req *rq, struct xsmd_rep *rp)
{
    struct xsmd *d = c->d;
    bool compat = rq->flags & XSMD_CREATE_32BIT;
    struct hv_domain_config cfg = {0};
    char label[XSMD_LABEL_MAX], esc[256], name[16];
    size_t len = (size_t)rq->arg[1];
    struct xsmd_dom *dom;
    xsm_domid_t id;
    long r;

    if (rq->flags & XSMD_CREATE_KERNEL)
        return xsmd_create_vm(c, rq, rp);
    if (rq->arg[1] > XSMD_LABEL_MAX || rq->arg[2] >= XSM_DOMID_FIRST_RESERVED)
        return -EINVAL;
    dom = xsmd_dom_new(d, compat);
    if (!dom)
        return -ENOMEM;

    pthread_rwlock_wrlock(&d->hv_lock);
    r = len ? xsmd_peer_read(&c->peer, label, rq->arg[0], len) : 0;
    if (r == 0 && len)
        r = xsmd_label_to_sid(d, label, len, &cfg.ssidref);
    if (r < 0)
        goto out;
    cfg.domid = (xsm_domid_t)rq->arg[2];
    cfg.is_compat = compat;
    cfg.guest = &dom->guest;
    r = hv_domain_create(d->h, 0, &cfg, &id);
    if (r < 0)
        goto out;
    snprintf(name, sizeof(name), "dom%u", id);
    xsmd_dom_set_name(dom, id, name);
    r = xsmd_dom_listen(dom);
    if (r < 0) {
        xsmd_log("d%u: cannot listen on %s: %s; destroying it", id, dom->path, strerror((int)-r));
        hv_domain_destroy(d->h, 0, id);
        goto out;
    }
    /* A process domain runs from the start; the model creates it paused. */
    if (hv_domain_unpause(d->h, 0, id) < 0)
        xsmd_log("d%u: unpause refused; it stays paused", id);
    pthread_mutex_lock(&d->lock);
    dom->next = d->doms;
    d->doms = dom;
    pthread_mutex_unlock(&d->lock);
    xsmd_wake(d);
    pthread_rwlock_unlock(&d->hv_lock);
    xsmd_log("d%u created (%s, ssidref %u%s%s)", id, compat ? "32-bit" : "64-bit", cfg.ssidref,
             len ? ", label " : "", len ? xsmd_escape(esc, sizeof(esc), label, len) : "");
    rp->value = id;
    return id;

out:
    pthread_rwlock_unlock(&d->hv_lock);
    free(dom); /* never published: no socket, no reference but ours */
    return r;
}

static long destroy_domain(struct xsmd_conn *c, const struct xsmd_req *rq)
{
    struct xsmd *d = c->d;
    long r;

    if (rq->arg[0] >= XSM_DOMID_FIRST_RESERVED)
        return -EINVAL;
    pthread_rwlock_wrlock(&d->hv_lock);
    r = hv_domain_destroy(d->h, 0, (xsm_domid_t)rq->arg[0]);
    xsmd_dom_reconcile(d);
    pthread_rwlock_unlock(&d->hv_lock);
    return r;
}

/* Linux's struct privcmd_hypercall (a 64-bit op, five arguments) on 'mem'. */
static long privcmd(struct xsmd_conn *c, struct xsmd_peer *mem, const uint64_t pc[6],
                    struct xsmd_rep *rp)
{
    struct xsmd_req hc = {XSMD_T_HYPERCALL, (uint32_t)pc[0], 0, {0}};

    if (pc[0] > UINT32_MAX)
        return -ENOSYS;
    memcpy(hc.arg, pc + 1, 5 * sizeof(hc.arg[0]));
    return hypercall(c, mem, &hc, rp);
}

/*
 * PRIVCMD_FOR: the struct privcmd_hypercall at arg0 in the memory of the
 * process 'fd' names, run on that memory (the ioctl's caller, for the FUSE
 * node).  A bad address is -EFAULT, as the driver's copy_from_user.
 */
static long privcmd_for(struct xsmd_conn *c, const struct xsmd_req *rq, int fd, struct xsmd_rep *rp)
{
    struct xsmd_peer caller;
    uint8_t raw[6 * 8];
    uint64_t pc[6];
    long r = xsmd_peer_named(&caller, fd);

    if (r < 0)
        return r;
    r = xsmd_peer_read(&caller, raw, rq->arg[0], sizeof(raw));
    if (r == 0) {
        for (unsigned i = 0; i < 6; i++)
            pc[i] = xsmd_get64(raw + 8 * (size_t)i);
        r = privcmd(c, &caller, pc, rp);
    }
    xsmd_peer_release(&caller);
    return r;
}

bool xsmd_handle(struct xsmd_conn *c, const struct xsmd_req *rq, int fd, struct xsmd_rep *rp)
{
    rp->status = XSMD_ST_OK;
    rp->result = 0;
    rp->value = 0;
    if (fd >= 0 && rq->type != XSMD_T_PRIVCMD_FOR)
        close(fd); /* not reached: conn.c passes a descriptor only with PRIVCMD_FOR */
    switch (rq->type) {
    case XSMD_T_HYPERCALL:
        rp->result = hypercall(c, &c->peer, rq, rp);
        return rp->status != XSMD_ST_OK || c->peer.gone;
    case XSMD_T_PRIVCMD:
        rp->result = privcmd(c, &c->peer, rq->arg, rp);
        return rp->status != XSMD_ST_OK || c->peer.gone;
    case XSMD_T_PRIVCMD_FOR:
        /* The caller's process going away is no reason to close the sender's connection. */
        rp->result = privcmd_for(c, rq, fd, rp);
        return rp->status != XSMD_ST_OK || c->peer.gone;
    case XSMD_T_CREATE:
        rp->result = create_domain(c, rq, rp);
        return c->peer.gone;
    case XSMD_T_DESTROY:
        rp->result = destroy_domain(c, rq);
        return false;
    case XSMD_T_CONSOLE:
        rp->result = xsmd_console(c, rq, rp);
        return c->peer.gone;
    case XSMD_T_EXPLAIN:
    case XSMD_T_CLASSES:
    case XSMD_T_LABEL:
    case XSMD_T_DOMAINS:
        rp->result = rq->type == XSMD_T_EXPLAIN   ? xsmd_explain(c, rq, rp)
                     : rq->type == XSMD_T_CLASSES ? xsmd_classes(c, rq, rp)
                     : rq->type == XSMD_T_LABEL   ? xsmd_label(c, rq, rp)
                                                  : xsmd_domains(c, rq, rp);
        return c->peer.gone;
    default: { /* XSMD_T_WHOAMI: xsmd_parse() lets no other type through */
        bool dead;

        pthread_mutex_lock(&c->d->lock);
        dead = c->dom->dead;
        pthread_mutex_unlock(&c->d->lock);
        if (dead) {
            rp->status = XSMD_ST_NO_DOMAIN;
            return true;
        }
        rp->value = c->dom->id | (c->dom->compat ? XSMD_WHOAMI_COMPAT : 0);
        return false;
    }
    }
}
