/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Domain records: a domain's socket, word size and guest memory.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "xsmd.h"

/*
 * The model reads and writes a domain's memory through these.  Only the
 * process whose hypercall is running is reachable: outside a hypercall of
 * this domain (the model touching another domain's memory, e.g. a grant
 * copy between two domains) there is no such process and the access faults.
 */
static int dom_copy_from(void *opaque, void *dst, uint64_t gaddr, size_t len)
{
    struct xsmd_dom *dom = opaque;

    if (!dom->cur)
        return -EFAULT;
    return xsmd_peer_read(dom->cur, dst, gaddr, len);
}

static int dom_copy_to(void *opaque, uint64_t gaddr, const void *src, size_t len)
{
    struct xsmd_dom *dom = opaque;

    if (!dom->cur)
        return -EFAULT;
    return xsmd_peer_write(dom->cur, gaddr, src, len);
}

struct xsmd_dom *xsmd_dom_new(struct xsmd *d, bool compat)
{
    struct xsmd_dom *dom = calloc(1, sizeof(*dom));

    if (!dom)
        return NULL;
    dom->d = d;
    dom->compat = compat;
    dom->listen_fd = -1;
    dom->refs = 1;
    dom->guest.copy_from = dom_copy_from;
    dom->guest.copy_to = dom_copy_to;
    dom->guest.opaque = dom;
    dom->guest.compat = compat;
    return dom;
}

void xsmd_dom_set_name(struct xsmd_dom *dom, xsm_domid_t id, const char *name)
{
    dom->id = id;
    /* main() checked that the longest name fits. */
    snprintf(dom->path, sizeof(dom->path), "%s/%s", dom->d->dir, name);
}

int xsmd_dom_listen(struct xsmd_dom *dom)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    int one = 1, fd, rc;
    mode_t old;

    if (strlen(dom->path) >= sizeof(sa.sun_path))
        return -ENAMETOOLONG;
    memcpy(sa.sun_path, dom->path, strlen(dom->path) + 1);
    fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -errno;
    /* Every message carries its sender's credentials (conn.c checks them). */
    setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one));
    /* Owner only: the socket's mode is what decides who may act as the domain. */
    old = umask(0177);
    rc = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
    umask(old);
    if (rc == 0)
        rc = chmod(dom->path, 0600);
    if (rc == 0)
        rc = listen(fd, 64);
    if (rc) {
        rc = -errno;
        close(fd);
        return rc;
    }
    dom->listen_fd = fd;
    dom->refs++;
    return 0;
}

void xsmd_wake(struct xsmd *d)
{
    uint64_t one = 1;

    if (write(d->wake_fd, &one, sizeof(one)) < 0) {
        /* the counter is saturated: a wake-up is pending anyway */
    }
}

void xsmd_dom_put_locked(struct xsmd_dom *dom)
{
    struct xsmd_dom **pp;

    if (--dom->refs)
        return;
    for (pp = &dom->d->doms; *pp; pp = &(*pp)->next)
        if (*pp == dom) {
            *pp = dom->next;
            break;
        }
    free(dom);
}

void xsmd_dom_reconcile(struct xsmd *d)
{
    bool changed = false;

    pthread_mutex_lock(&d->lock);
    for (struct xsmd_dom *dom = d->doms, *next; dom; dom = next) {
        next = dom->next;
        if (dom->dead || hv_domain_exists(d->h, dom->id))
            continue;
        /* Gone from the model (a domctl or a DESTROY request). */
        dom->dead = true;
        changed = true;
        if (dom->vm) {
            xsmd_vm_release(dom); /* a KVM guest: no socket; its thread ends it */
            xsmd_log("d%u destroyed; its VM stops", dom->id);
        } else {
            unlink(dom->path);
            xsmd_log("d%u destroyed; %s removed", dom->id, dom->path);
        }
        xsmd_dom_put_locked(dom);
    }
    pthread_mutex_unlock(&d->lock);
    /* The main thread closes the listening socket. */
    if (changed)
        xsmd_wake(d);
}
