/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A minimal xenstore: the guest's reads of its own "domid" and "name", as
 * Xen 4.17's xenstored answers them, on the guest's ring page (struct
 * xenstore_domain_interface, Xen's io/xs_wire.h: req[1024] at 0, rsp[1024]
 * at 1024, req_cons, req_prod, rsp_cons, rsp_prod at 2048, then
 * server_features, connection, error).  Messages are struct xsd_sockmsg
 * (type, req_id, tx_id, len; 16 bytes) and len bytes of payload.
 *
 * What is answered, with xenstored's rules for what it does answer:
 *  - XS_READ of "domid" and "name" relative to /local/domain/N, or by
 *    their absolute paths: the value, without a NUL, type XS_READ, req_id
 *    and tx_id echoed;
 *  - checked in xenstored's order: the type, then the transaction id
 *    (not 0: ENOENT, no transactions exist), then the argument;
 *  - the payload must be one string with its NUL at the end (else
 *    EINVAL); a path must start with '/' after the relative prefix is
 *    added, not end in '/', have no "//", use only [A-Za-z0-9-/_@], and
 *    be at most 2048 bytes past /local/domain/N/ (else EINVAL);
 *  - the directory of another domain that exists, /local/domain/M and
 *    below: EACCES (the toolstack makes it dom0's, readable by M only);
 *  - any other valid path: ENOENT;
 *  - any type but XS_READ: ENOSYS.  xenstored serves the other known types
 *    (writes, directories, watches, transactions); this store does not.
 * Errors are XS_ERROR with the error's name and its NUL ("ENOENT").
 *
 * The indices are the guest's: each is read once; more than 1024 bytes
 * between a consumer and its producer is Xen's XENSTORE_ERROR_RINGIDX,
 * and a message longer than XENSTORE_PAYLOAD_MAX (4096) is
 * XENSTORE_ERROR_PROTO.  As xenstored does, the error goes in the page's
 * error field and the ring is no longer served.  A message may be longer
 * than the ring: it is gathered across notifications into rings.in, which
 * holds the largest legal one.  One answer is written at a time; requests
 * wait in the ring until it is out, so nothing here grows with the guest's
 * input.
 */
#include <stdio.h>
#include <string.h>

#include "kvmhost.h"

#define RING        1024U
#define REQ_OFF     0U
#define RSP_OFF     1024U
#define REQ_CONS    2048U
#define REQ_PROD    2052U
#define RSP_CONS    2056U
#define RSP_PROD    2060U
#define ERROR_OFF   2072U
#define ERR_RINGIDX 2U
#define ERR_PROTO   3U
#define XS_READ     2U
#define XS_ERROR    16U
#define REL_MAX     2048U /* XENSTORE_REL_PATH_MAX: xenstored's default path quota */
#define DOMS        "/local/domain/"

static uint32_t ld32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void st32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* The guest broke the protocol: flag it, as xenstored does, and stop. */
static void ignore(struct kvmh_vm *vm, uint8_t *page, uint32_t err, const char *why)
{
    st32(page + ERROR_OFF, err);
    vm->rings.xs_ignored = true;
    kvmh_note(vm->host, "d%u: xenstore ring no longer served: %s", vm->domid, why);
}

static void answer(struct kvmh_rings *r, uint32_t type, const uint8_t *hdr, const char *val,
                   size_t len)
{
    if (len > KVMH_XS_OUT - KVMH_XS_HDR)
        len = KVMH_XS_OUT - KVMH_XS_HDR; /* not reached: our values are short */
    st32(r->out, type);
    memcpy(r->out + 4, hdr + 4, 8); /* req_id, tx_id */
    st32(r->out + 12, (uint32_t)len);
    memcpy(r->out + KVMH_XS_HDR, val, len);
    r->out_len = KVMH_XS_HDR + (uint32_t)len;
    r->out_done = 0;
}

static void error(struct kvmh_rings *r, const uint8_t *hdr, const char *name)
{
    answer(r, XS_ERROR, hdr, name, strlen(name) + 1);
}

static bool valid_chars(const char *p)
{
    for (; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '-' || *p == '/' || *p == '_' || *p == '@'))
            return false;
    return true;
}

/* The length of "/local/domain/<digits>/" at the start of p, or 0. */
static size_t local_prefix(const char *p)
{
    size_t n = strlen(DOMS), d = 0;

    if (strncmp(p, DOMS, n) != 0)
        return 0;
    while (p[n + d] >= '0' && p[n + d] <= '9' && d < 5)
        d++;
    return d && p[n + d] == '/' ? n + d + 1 : 0;
}

/* xenstored's is_valid_nodename. */
static bool valid_path(const char *p)
{
    size_t len = strlen(p);

    if (p[0] != '/' || (len > 1 && p[len - 1] == '/') || strstr(p, "//"))
        return false;
    return len <= local_prefix(p) + REL_MAX && valid_chars(p);
}

/* Another existing domain's directory: "/local/domain/M" or below it. */
static bool other_domain(struct kvmh_vm *vm, const char *p)
{
    size_t n = strlen(DOMS);
    unsigned long m = 0;
    size_t d = 0;

    if (strncmp(p, DOMS, n) != 0)
        return false;
    while (p[n + d] >= '0' && p[n + d] <= '9' && d < 6)
        m = m * 10 + (unsigned long)(p[n + d++] - '0');
    if (d == 0 || (p[n + d] != '\0' && p[n + d] != '/') || (d > 1 && p[n] == '0'))
        return false; /* not a domain's directory name as the toolstack writes it */
    return m != vm->domid && m < XSM_DOMID_FIRST_RESERVED &&
           hv_domain_exists(vm->host->h, (xsm_domid_t)m);
}

static void read_node(struct kvmh_vm *vm, const uint8_t *hdr, const char *arg)
{
    struct kvmh_rings *r = &vm->rings;
    char path[KVMH_XS_PAYLOAD + 64], own[32], val[KVMH_NAME_MAX];
    size_t own_len;

    snprintf(own, sizeof(own), DOMS "%u", vm->domid);
    own_len = strlen(own);
    if (arg[0] != '/' && arg[0] != '@')
        snprintf(path, sizeof(path), "%s/%s", own, arg);
    else
        snprintf(path, sizeof(path), "%s", arg);
    if (!valid_path(path)) {
        error(r, hdr, "EINVAL");
        return;
    }
    if (strncmp(path, own, own_len) == 0 && path[own_len] == '/') {
        if (strcmp(path + own_len + 1, "domid") == 0) {
            snprintf(val, sizeof(val), "%u", vm->domid);
            answer(r, XS_READ, hdr, val, strlen(val));
            return;
        }
        if (strcmp(path + own_len + 1, "name") == 0) {
            answer(r, XS_READ, hdr, r->name, strlen(r->name));
            return;
        }
    }
    error(r, hdr, other_domain(vm, path) ? "EACCES" : "ENOENT");
}

/* A whole message is in rings.in: make its answer. */
static void process(struct kvmh_vm *vm)
{
    struct kvmh_rings *r = &vm->rings;
    const uint8_t *hdr = r->in;
    uint32_t len = ld32(hdr + 12);
    const char *arg = (const char *)r->in + KVMH_XS_HDR;

    if (ld32(hdr) != XS_READ) {
        error(r, hdr, "ENOSYS");
        return;
    }
    if (ld32(hdr + 8) != 0) {
        error(r, hdr, "ENOENT"); /* no such transaction */
        return;
    }
    /* One argument: exactly one NUL, the last byte. */
    if (len == 0 || memchr(arg, '\0', len) != arg + len - 1) {
        error(r, hdr, "EINVAL");
        return;
    }
    read_node(vm, hdr, arg);
}

/* Writes what fits of the pending answer; -1 on bad indices, else 1 if anything went. */
static int flush(struct kvmh_vm *vm, uint8_t *page)
{
    struct kvmh_rings *r = &vm->rings;
    uint32_t cons = ld32(page + RSP_CONS), prod = ld32(page + RSP_PROD), n = 0;

    if (prod - cons > RING) {
        ignore(vm, page, ERR_RINGIDX, "response ring indices out of range");
        return -1;
    }
    while (r->out_done < r->out_len && prod - cons < RING) {
        page[RSP_OFF + (prod & (RING - 1))] = r->out[r->out_done++];
        prod++;
        n++;
    }
    if (n)
        st32(page + RSP_PROD, prod);
    if (r->out_done == r->out_len)
        r->out_len = r->out_done = 0;
    return n != 0;
}

int kvmh_xenstore_serve(struct kvmh_vm *vm)
{
    struct kvmh_rings *r = &vm->rings;
    uint8_t *page;
    int told = 0;

    if (!r->gpa || r->xs_ignored)
        return 0;
    page = vm->mem + r->gpa + HV_PAGE_SIZE;
    for (;;) {
        uint32_t cons, prod, want, n;
        int f = r->out_len ? flush(vm, page) : 0;

        if (f < 0)
            return 1;
        told |= f;
        if (r->out_len)
            break; /* the guest must make room first */
        cons = ld32(page + REQ_CONS);
        prod = ld32(page + REQ_PROD);
        if (prod - cons > RING) {
            ignore(vm, page, ERR_RINGIDX, "request ring indices out of range");
            return 1;
        }
        if (prod == cons)
            break;
        want = r->in_used < KVMH_XS_HDR ? KVMH_XS_HDR - r->in_used
                                        : KVMH_XS_HDR + ld32(r->in + 12) - r->in_used;
        n = prod - cons < want ? prod - cons : want;
        for (uint32_t i = 0; i < n; i++)
            r->in[r->in_used++] = page[REQ_OFF + ((cons + i) & (RING - 1))];
        st32(page + REQ_CONS, cons + n);
        told = 1; /* room in the request ring */
        if (r->in_used == KVMH_XS_HDR && ld32(r->in + 12) > KVMH_XS_PAYLOAD) {
            ignore(vm, page, ERR_PROTO, "a message longer than XENSTORE_PAYLOAD_MAX");
            return 1;
        }
        if (r->in_used == KVMH_XS_HDR + ld32(r->in + 12)) {
            process(vm);
            r->in_used = 0;
        }
    }
    return told;
}
