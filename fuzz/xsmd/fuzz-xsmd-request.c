/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libFuzzer target for xsmd's message decoder (src/hosts/xsmd/request.c)
 * and the wire codec (xsmd_wire.h), without sockets.
 *
 * Input: byte 0 selects, the rest is the message.
 *   bit 0  the kernel truncated the message (MSG_TRUNC / MSG_CTRUNC)
 *   bit 1  one descriptor was attached (with bit 5: three)
 *   bit 2  the sender is the connection's owner
 *   bit 3  the connection is the control domain's
 *   bit 4  decode the rest as a reply (the client's side) instead
 *   bit 5  two descriptors were attached (with bit 1: three)
 *   bit 6  the peer may touch any process's memory (PRIVCMD_FOR)
 * The message is copied into a buffer of exactly its length, so a read past
 * it is an ASan report.
 *
 * Invariants (abort on violation):
 *   - the verdict and status are those of docs/xsmd.md, "Wire protocol",
 *     computed a second way here, field by field at the table's byte
 *     offsets (spec_verdict());
 *   - a request let through is exactly the message: encoding it again
 *     gives the same 64 bytes (no field ignored, none altered);
 *   - a message refused or rejected leaves the output request untouched;
 *   - the same message decoded twice gets the same answer;
 *   - a reply accepted by the client's decoder encodes back to the same 32
 *     bytes, and one it refuses has a bad magic, version or reserved word;
 *     every reply the daemon can send (any status, result, value) decodes
 *     back to itself.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "request.h"

#define F_TRUNC   0x01
#define F_FDS     0x02
#define F_OWNER   0x04
#define F_CONTROL 0x08
#define F_REPLY   0x10
#define F_FDS2    0x20
#define F_PRIV    0x40

/* How many descriptors the selector says were attached. */
static unsigned nfds_of(unsigned f)
{
    return ((f & F_FDS) ? 1U : 0U) + ((f & F_FDS2) ? 2U : 0U);
}

static void require(bool ok)
{
    if (!ok)
        abort();
}

static uint64_t le(const uint8_t *p, unsigned n)
{
    uint64_t v = 0;

    while (n--)
        v = v << 8 | p[n];
    return v;
}

/* The protocol table, read straight off the bytes. */
static enum xsmd_verdict spec_verdict(const uint8_t *b, size_t len, unsigned f, uint16_t *st)
{
    static const uint8_t magic[4] = {'X', 'S', 'M', 'D'};
    uint64_t type, nr, flags, arg[6];
    unsigned nfds = nfds_of(f);
    bool used_ok;

    *st = XSMD_ST_OK;
    if (len == 0 && !(f & F_TRUNC) && nfds == 0)
        return XSMD_V_EOF;
    *st = XSMD_ST_BAD_REQUEST;
    if (len != 64 || (f & F_TRUNC) || memcmp(b, magic, 4) != 0)
        return XSMD_V_REJECT;
    /* Descriptors: only one, only on what reads as a version-1 PRIVCMD_FOR. */
    if (nfds != 0 && (nfds != 1 || le(b + 4, 2) != 1 || le(b + 6, 2) != 10))
        return XSMD_V_REJECT;
    if (le(b + 4, 2) != 1) {
        *st = XSMD_ST_BAD_VERSION;
        return XSMD_V_REJECT;
    }
    if (!(f & F_OWNER)) {
        *st = XSMD_ST_WRONG_PROCESS;
        return XSMD_V_REFUSE;
    }
    type = le(b + 6, 2);
    nr = le(b + 8, 4);
    flags = le(b + 12, 4);
    for (unsigned i = 0; i < 6; i++)
        arg[i] = le(b + 16 + 8 * i, 8);
    switch (type) {
    case 1: /* HYPERCALL: nr, arg0..5 */
        used_ok = flags == 0;
        break;
    case 2: /* CREATE: arg0..2, flags bit 0; with flags bit 1 (a KVM guest) also arg3..5,
             * and with bit 2 as well nr command-line bytes (1..1024) */
        if ((flags & 4) != 0)
            used_ok = (flags & 2) != 0 && flags <= 7 && nr >= 1 && nr <= 1024;
        else
            used_ok = (flags & 2) != 0 ? nr == 0 && flags <= 3
                                       : nr == 0 && flags <= 1 && !arg[3] && !arg[4] && !arg[5];
        break;
    case 3: /* DESTROY: arg0 */
        used_ok = nr == 0 && flags == 0 && !arg[1] && !arg[2] && !arg[3] && !arg[4] && !arg[5];
        break;
    case 5: /* EXPLAIN: arg0..5 */
    case 9: /* PRIVCMD: arg0..5 */
        used_ok = nr == 0 && flags == 0;
        break;
    case 6:  /* CLASSES: arg0, arg1, arg4, arg5 */
    case 11: /* CONSOLE: arg0, arg1, arg4, arg5 */
        used_ok = nr == 0 && flags == 0 && !arg[2] && !arg[3];
        break;
    case 7: /* LABEL: nr, arg0, arg1 */
        used_ok = flags == 0 && !arg[2] && !arg[3] && !arg[4] && !arg[5];
        break;
    case 8: /* DOMAINS: arg4, arg5 */
        used_ok = nr == 0 && flags == 0 && !arg[0] && !arg[1] && !arg[2] && !arg[3];
        break;
    case 10: /* PRIVCMD_FOR: arg0, and its descriptor */
        used_ok = nr == 0 && flags == 0 && !arg[1] && !arg[2] && !arg[3] && !arg[4] && !arg[5] &&
                  nfds == 1;
        break;
    case 4: /* WHOAMI: nothing */
        used_ok =
            nr == 0 && flags == 0 && !arg[0] && !arg[1] && !arg[2] && !arg[3] && !arg[4] && !arg[5];
        break;
    default:
        used_ok = false;
    }
    if (!used_ok)
        return XSMD_V_REJECT;
    /* CREATE, DESTROY, the questions (5-8) and CONSOLE are the control domain's. */
    if ((type == 2 || type == 3 || (type >= 5 && type <= 8) || type == 11) && !(f & F_CONTROL)) {
        *st = XSMD_ST_NOT_CONTROL;
        return XSMD_V_REFUSE;
    }
    /* PRIVCMD_FOR only from a peer that may touch any process's memory. */
    if (type == 10 && !(f & F_PRIV)) {
        *st = XSMD_ST_NOT_PRIVILEGED;
        return XSMD_V_REFUSE;
    }
    *st = XSMD_ST_OK;
    return XSMD_V_RUN;
}

/* Field by field: the struct has padding, whose bytes say nothing. */
static bool req_equal(const struct xsmd_req *a, const struct xsmd_req *b)
{
    if (a->type != b->type || a->nr != b->nr || a->flags != b->flags)
        return false;
    for (unsigned i = 0; i < XSMD_NR_ARGS; i++)
        if (a->arg[i] != b->arg[i])
            return false;
    return true;
}

static void check_request(const uint8_t *data, size_t len, unsigned f)
{
    uint8_t *copy = malloc(len ? len : 1), again[XSMD_REQ_SIZE];
    struct xsmd_req rq, rq2, poison;
    struct xsmd_msg m;
    enum xsmd_verdict v, v2, want;
    uint16_t st, st2, want_st;

    require(copy != NULL);
    memcpy(copy, data, len);
    m.buf = copy;
    m.len = len;
    m.truncated = f & F_TRUNC;
    m.nfds = nfds_of(f);
    m.from_owner = f & F_OWNER;
    m.control = f & F_CONTROL;
    m.privileged = f & F_PRIV;

    memset(&poison, 0xa5, sizeof(poison));
    rq = poison;
    v = xsmd_parse(&m, &rq, &st);
    want = spec_verdict(data, len, f, &want_st);
    require(v == want && st == want_st);
    require(memcmp(copy, data, len) == 0); /* the message is not written */
    if (v == XSMD_V_RUN) {
        xsmd_encode_req(again, &rq);
        require(len == XSMD_REQ_SIZE && memcmp(again, data, XSMD_REQ_SIZE) == 0);
    } else {
        require(req_equal(&rq, &poison)); /* not written */
    }
    rq2 = poison;
    v2 = xsmd_parse(&m, &rq2, &st2);
    require(v2 == v && st2 == st && req_equal(&rq2, &rq));
    free(copy);
}

static void check_reply(const uint8_t *data, size_t len)
{
    uint8_t in[XSMD_REP_SIZE] = {0}, out[XSMD_REP_SIZE];
    struct xsmd_rep rp, back;
    bool well_formed;

    memcpy(in, data, len < sizeof(in) ? len : sizeof(in));
    well_formed = le(in, 4) == XSMD_MAGIC && le(in + 4, 2) == XSMD_VERSION && le(in + 24, 8) == 0;
    if (xsmd_decode_rep(in, &rp) == 0) {
        require(well_formed);
        xsmd_encode_rep(out, &rp);
        require(memcmp(out, in, sizeof(in)) == 0);
    } else {
        require(!well_formed);
    }
    /* What the daemon sends: any status, result and value, taken from the bytes. */
    rp.status = (uint16_t)le(in + 6, 2);
    memcpy(&rp.result, in + 8, 8);
    rp.value = le(in + 16, 8);
    xsmd_encode_rep(out, &rp);
    require(xsmd_decode_rep(out, &back) == 0);
    require(back.status == rp.status && back.result == rp.result && back.value == rp.value);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned f;

    if (size == 0)
        return 0;
    f = data[0];
    if (f & F_REPLY)
        check_reply(data + 1, size - 1);
    else
        check_request(data + 1, size - 1, f);
    return 0;
}
