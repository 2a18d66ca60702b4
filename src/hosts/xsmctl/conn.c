/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The connection to xsmd and the memory the daemon reads as this domain's.
 *
 * Guest memory is this process's memory: the daemon reads and writes it at
 * the addresses a request names.  A 32-bit domain's ops carry 4-byte
 * handles, so for one of those every buffer a handle points to is mapped
 * below 4 GiB (MAP_32BIT), which is what a 32-bit program's memory is
 * anyway.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "xsmctl.h"
#include "xsmd_client.h"

static _Noreturn void transport_failure(struct ctl *c, int err, const char *what)
{
    fprintf(stderr, "xsmctl: %s: %s: %s\n", c->sock, what, strerror(err));
    if (c->json) {
        struct json j = {0};

        js_begin(&j, NULL);
        js_str(&j, "command", c->command);
        js_bool(&j, "ok", false);
        js_str(&j, "error", strerror(err));
        js_int(&j, "errno", err);
        js_str(&j, "socket", c->sock);
        js_end(&j);
    }
    (void)fflush(stdout); /* exit() flushes too, and the status reports a failure anyway */
    exit(XC_EXIT_NODAEMN);
}

static const char *status_text(unsigned st)
{
    switch (st) {
    case XSMD_ST_BAD_REQUEST:
        return "the daemon found the request malformed";
    case XSMD_ST_BAD_VERSION:
        return "the daemon speaks another protocol version";
    case XSMD_ST_NOT_CONTROL:
        return "only the control domain may ask this";
    case XSMD_ST_WRONG_PROCESS:
        return "the connection belongs to another process";
    case XSMD_ST_NO_DOMAIN:
        return "this domain has been destroyed";
    default:
        return "unknown reply status";
    }
}

/* One round trip on the open connection; returns only with an XSMD_ST_OK reply. */
static void exchange(struct ctl *c, const struct xsmd_req *rq, struct xsmd_rep *rp)
{
    int rc;

    /* A failed call leaves *rp as it was: never let a status be read from garbage. */
    memset(rp, 0, sizeof(*rp));
    rc = xsmd_client_call(c->fd, rq, rp);

    if (rc < 0)
        transport_failure(c, -rc, "the connection failed");
    if (rp->status == XSMD_ST_NOT_CONTROL) {
        fprintf(stderr, "xsmctl: %s: %s (this is domain %d)\n", c->command, status_text(rp->status),
                c->domain);
        if (c->json) {
            js_begin(&c->j, NULL);
            js_str(&c->j, "command", c->command);
            js_bool(&c->j, "ok", false);
            js_str(&c->j, "error", status_text(rp->status));
            js_int(&c->j, "domain", c->domain);
            js_end(&c->j);
        }
        (void)fflush(stdout); /* as in transport_failure */
        exit(XC_EXIT_FAILED);
    }
    if (rp->status != XSMD_ST_OK)
        transport_failure(c, EPROTO, status_text(rp->status));
}

static void call(struct ctl *c, const struct xsmd_req *rq, struct xsmd_rep *rp)
{
    ctl_open(c);
    exchange(c, rq, rp);
}

void ctl_open(struct ctl *c)
{
    struct xsmd_req rq;
    struct xsmd_rep rp;

    if (c->fd >= 0)
        return;
    if (c->domain > 0)
        snprintf(c->sock, sizeof(c->sock), "%s/dom%d", c->dir, c->domain);
    else
        snprintf(c->sock, sizeof(c->sock), "%s/control", c->dir);
    c->fd = xsmd_client_connect(c->sock);
    if (c->fd < 0)
        transport_failure(c, -c->fd, "no xsmd answers there");
    memset(&rq, 0, sizeof(rq));
    rq.type = XSMD_T_WHOAMI;
    exchange(c, &rq, &rp);
    c->compat = (rp.value & XSMD_WHOAMI_COMPAT) != 0;
}

void ctl_close(struct ctl *c)
{
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
}

void *gmem(struct ctl *c, size_t len)
{
    void *p;

    ctl_open(c); /* the domain's word size decides where the memory goes */
    if (len == 0)
        len = 1;
    if (!c->compat) {
        p = calloc(1, len);
    } else {
        p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
        if (p == MAP_FAILED)
            p = NULL;
    }
    if (!p) {
        fprintf(stderr, "xsmctl: out of memory%s\n", c->compat ? " below 4 GiB" : "");
        exit(XC_EXIT_FAILED);
    }
    return p;
}

void gmem_free(struct ctl *c, void *p, size_t len)
{
    if (!p)
        return;
    if (c->compat)
        munmap(p, len ? len : 1);
    else
        free(p);
}

uint64_t gaddr(const void *p)
{
    return (uint64_t)(uintptr_t)p;
}

long ctl_hypercall(struct ctl *c, unsigned nr, uint64_t a0, uint64_t a1, uint64_t a2)
{
    struct xsmd_req rq;
    struct xsmd_rep rp;

    memset(&rq, 0, sizeof(rq));
    rq.type = XSMD_T_HYPERCALL;
    rq.nr = nr;
    rq.arg[0] = a0;
    rq.arg[1] = a1;
    rq.arg[2] = a2;
    call(c, &rq, &rp);
    return (long)rp.result;
}

long ctl_request(struct ctl *c, unsigned type, unsigned nr, unsigned flags, const uint64_t arg[6],
                 uint64_t *value)
{
    struct xsmd_req rq;
    struct xsmd_rep rp;

    memset(&rq, 0, sizeof(rq));
    rq.type = (uint16_t)type;
    rq.nr = nr;
    rq.flags = flags;
    for (unsigned i = 0; i < 6; i++)
        rq.arg[i] = arg[i];
    call(c, &rq, &rp);
    if (value)
        *value = rp.value;
    return (long)rp.result;
}

long ctl_answer(struct ctl *c, unsigned type, unsigned nr, const uint64_t arg[4], char **out)
{
    size_t cap = 16384;

    for (int tries = 0; tries < 4; tries++) {
        uint64_t a[6] = {arg[0], arg[1], arg[2], arg[3], 0, 0}, need = 0;
        char *buf = gmem(c, cap + 1);
        long r;

        a[4] = gaddr(buf);
        a[5] = cap;
        r = ctl_request(c, type, nr, 0, a, &need);
        if (r >= 0) {
            char *copy = malloc((size_t)r + 1);

            if (!copy) {
                gmem_free(c, buf, cap + 1);
                return -ENOMEM;
            }
            memcpy(copy, buf, (size_t)r);
            copy[r] = '\0';
            gmem_free(c, buf, cap + 1);
            *out = copy;
            return r;
        }
        gmem_free(c, buf, cap + 1);
        if (r != -ERANGE || need <= cap || need > XSMD_ANSWER_MAX)
            return r;
        cap = (size_t)need; /* the answer may still grow in between: ask again */
    }
    return -ERANGE;
}
