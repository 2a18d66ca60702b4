/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The handle decode/encode helpers of src/core/op_decode.h, checked against
 * byte offsets stated independently (docs/abi.md, Xen 4.17 layouts):
 *   native (pointer-sized handles)      compat (4-byte handles)
 *   load:   buffer 0, size P            buffer 0, size 4
 *   sid_context: sid 0, size 4, ctx 8  same, ctx 8 (4 bytes)
 *   boolean: size 8, name 16 on x86_64 (12 on i386)   name 12
 *   devicetree_label: path 8           path 8 (4 bytes)
 * Offsets are within the union, which starts at byte 8 of the op.
 */
#include "core/op_decode.h"
#include "guestmem.h"

#define P    ((unsigned)sizeof(void *))
#define U(o) (8 + (o))

static union {
    unsigned char b[40];
    uint64_t align;
} op;

static void fill(unsigned char v)
{
    memset(op.b, v, sizeof(op.b));
}

static uint32_t rd32(unsigned off)
{
    uint32_t v;
    memcpy(&v, op.b + off, 4);
    return v;
}

static uint64_t rdh(unsigned off, bool compat)
{
    if (compat || P == 4)
        return rd32(off);
    uint64_t v;
    memcpy(&v, op.b + off, 8);
    return v;
}

static void wr32(unsigned off, uint32_t v)
{
    memcpy(op.b + off, &v, 4);
}

static void wrh(unsigned off, uint64_t v, bool compat)
{
    if (compat || P == 4)
        wr32(off, (uint32_t)v);
    else
        memcpy(op.b + off, &v, 8);
}

int main(void)
{
    const uint64_t addr = P == 8 ? 0x123456789abcULL : 0x9abcdef0ULL;

    for (int compat = 0; compat < 2; compat++) {
        const uint64_t a = compat ? (uint32_t)addr : addr;
        const unsigned bname = compat ? 12 : (P == 8 ? 16 : 12);

        /* load */
        fill(0);
        wrh(U(0), a, compat);
        wr32(U(compat ? 4 : P), 4096);
        struct xsm_op_load l;
        xsm_op_get_load(op.b, compat, &l);
        CHECK_EQ(l.buffer, a);
        CHECK_EQ(l.size, 4096);
        fill(0xee);
        xsm_op_put_load(op.b, compat, &l);
        CHECK_EQ(rdh(U(0), compat), a);
        CHECK_EQ(rd32(U(compat ? 4 : P)), 4096);

        /* sid_context */
        fill(0);
        wr32(U(0), 42);
        wr32(U(4), 17);
        wrh(U(8), a, compat);
        struct xsm_op_sid_context sc;
        xsm_op_get_sid_context(op.b, compat, &sc);
        CHECK_EQ(sc.sid, 42);
        CHECK_EQ(sc.size, 17);
        CHECK_EQ(sc.context, a);
        sc.sid = 43;
        sc.size = 18;
        fill(0xee);
        xsm_op_put_sid_context(op.b, compat, &sc);
        CHECK_EQ(rd32(U(0)), 43);
        CHECK_EQ(rd32(U(4)), 18);
        CHECK_EQ(rdh(U(8), compat), a);
        CHECK_EQ(op.b[U(8) + (compat ? 4 : P)], 0xee); /* nothing past the member */

        /* boolean */
        fill(0);
        wr32(U(0), 0xffffffffU);
        op.b[U(4)] = 1;
        op.b[U(5)] = 2;
        op.b[U(6)] = 3;
        op.b[U(7)] = 4;
        wr32(U(8), 9);
        wrh(U(bname), a, compat);
        struct xsm_op_boolean bo;
        xsm_op_get_boolean(op.b, compat, &bo);
        CHECK_EQ(bo.bool_id, 0xffffffffU);
        CHECK_EQ(bo.enforcing, 1);
        CHECK_EQ(bo.pending, 2);
        CHECK_EQ(bo.new_value, 3);
        CHECK_EQ(bo.commit, 4);
        CHECK_EQ(bo.size, 9);
        CHECK_EQ(bo.name, a);
        bo.bool_id = 5;
        bo.size = 0;
        fill(0xee);
        xsm_op_put_boolean(op.b, compat, &bo);
        CHECK_EQ(rd32(U(0)), 5);
        CHECK_EQ(op.b[U(4)], 1);
        CHECK_EQ(op.b[U(7)], 4);
        CHECK_EQ(rd32(U(8)), 0);
        CHECK_EQ(rdh(U(bname), compat), a);

        /* devicetree_label */
        fill(0);
        wr32(U(0), 7);
        wr32(U(4), 30);
        wrh(U(8), a, compat);
        struct xsm_op_devicetree_label dl;
        xsm_op_get_devicetree_label(op.b, compat, &dl);
        CHECK_EQ(dl.sid, 7);
        CHECK_EQ(dl.length, 30);
        CHECK_EQ(dl.path, a);
        fill(0xee);
        xsm_op_put_devicetree_label(op.b, compat, &dl);
        CHECK_EQ(rd32(U(0)), 7);
        CHECK_EQ(rd32(U(4)), 30);
        CHECK_EQ(rdh(U(8), compat), a);
    }

    /* A compat encode keeps only the low 32 bits of an address. */
    struct xsm_op_load l = {.buffer = 0x1122334455667788ULL, .size = 1};
    xsm_op_put_load(op.b, true, &l);
    CHECK_EQ(rd32(U(0)), 0x55667788U);

    if (t_failures) {
        fprintf(stderr, "%d checks failed\n", t_failures);
        return 1;
    }
    printf("op_decode: all checks passed\n");
    return 0;
}
