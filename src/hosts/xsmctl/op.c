/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The 40-byte op of hypercall 27 (docs/abi.md §2), built in guest memory
 * field by field, little-endian, at Xen's offsets.  A 32-bit domain's op
 * differs only where a guest handle sits (4 bytes instead of 8; the
 * boolean's name at payload offset 12 instead of 16), so a command gives
 * both offsets for its handle and nothing else changes.
 */
#include <string.h>

#include <openxsm/hv.h>
#include <openxsm/xsm_op.h>

#include "xsmctl.h"

/* The payload starts at op offset 8 (Xen's union u). */
#define PAYLOAD 8U

void op_init(struct ctl *c, struct op *o, uint32_t cmd, uint32_t interface_version)
{
    o->b = gmem(c, XSM_OP_SIZE);
    for (unsigned i = 0; i < 4; i++) {
        o->b[i] = (uint8_t)(cmd >> (8 * i));
        o->b[4 + i] = (uint8_t)(interface_version >> (8 * i));
    }
}

void op_done(struct ctl *c, struct op *o)
{
    gmem_free(c, o->b, XSM_OP_SIZE);
    o->b = NULL;
}

long op_call(struct ctl *c, struct op *o)
{
    return ctl_hypercall(c, HV_HYPERCALL_xsm_op, gaddr(o->b), 0, 0);
}

/* Offsets are payload offsets. */
static uint8_t *at(const struct op *o, unsigned off)
{
    return o->b + PAYLOAD + off;
}

void op_put16(struct op *o, unsigned off, uint16_t v)
{
    uint8_t *p = at(o, off);

    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

void op_put32(struct op *o, unsigned off, uint32_t v)
{
    op_put16(o, off, (uint16_t)v);
    op_put16(o, off + 2, (uint16_t)(v >> 16));
}

void op_put64(struct op *o, unsigned off, uint64_t v)
{
    op_put32(o, off, (uint32_t)v);
    op_put32(o, off + 4, (uint32_t)(v >> 32));
}

uint16_t op_get16(const struct op *o, unsigned off)
{
    const uint8_t *p = at(o, off);

    return (uint16_t)(p[0] | (unsigned)p[1] << 8);
}

uint32_t op_get32(const struct op *o, unsigned off)
{
    return op_get16(o, off) | (uint32_t)op_get16(o, off + 2) << 16;
}

uint64_t op_get64(const struct op *o, unsigned off)
{
    return op_get32(o, off) | (uint64_t)op_get32(o, off + 4) << 32;
}

void op_put_handle(struct ctl *c, struct op *o, unsigned native, unsigned compat, const void *p)
{
    if (c->compat)
        op_put32(o, compat, (uint32_t)gaddr(p)); /* gmem() put it below 4 GiB */
    else
        op_put64(o, native, gaddr(p));
}
