/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libFuzzer target for the common xsm_op path (dispatcher, core commands and
 * whatever module ops this build has), through the public xsm_do_op.
 *
 * Input:  byte 0  bit 0 compat, bits 1-3 module stack (see stacks[])
 *         byte 1  index of the copy_from call that faults (0: none)
 *         byte 2  index of the copy_to call that faults (0: none)
 *         byte 3  bytes into a faulting copy that are still transferred
 *                 before the fault (a partial copy, as real hardware does)
 *         bytes 4..43  the 40-byte op
 *         rest    guest memory for handles, at EXTRA_BASE
 * Invariants (abort on violation):
 *   - the first copy is exactly the 40 bytes at the op address;
 *   - the op is read exactly once, and written at most once;
 *   - a negative result leaves the op region byte-for-byte unchanged.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openxsm/xsm.h>
#include <openxsm/xsm_op.h>

#define OP_BASE    0x1000ULL
#define EXTRA_BASE 0x100000ULL
#define EXTRA_MAX  4096

struct fguest {
    unsigned char op[XSM_OP_SIZE];
    unsigned char extra[EXTRA_MAX];
    size_t extra_len;
    unsigned from_calls, to_calls, fail_from, fail_to, partial;
    unsigned op_reads, op_writes;
};

static bool overlaps_op(uint64_t a, size_t len)
{
    return len != 0 && a < OP_BASE + XSM_OP_SIZE && a + len > OP_BASE && a + len > a;
}

/*
 * The op region answers only to the exact 40-byte access; any other access
 * overlapping it (a handle a fuzzed op points there) is a fault, so modules
 * cannot make the op region change behind the dispatcher's back.
 */
static unsigned char *resolve(struct fguest *f, uint64_t a, size_t len)
{
    if (overlaps_op(a, len))
        return a == OP_BASE && len == XSM_OP_SIZE ? f->op : NULL;
    if (a >= EXTRA_BASE && a - EXTRA_BASE <= f->extra_len && len <= f->extra_len - (a - EXTRA_BASE))
        return f->extra + (a - EXTRA_BASE);
    return NULL;
}

static int f_from(void *opaque, void *dst, uint64_t a, size_t len)
{
    struct fguest *f = opaque;
    unsigned char *p = resolve(f, a, len);

    /* The dispatcher's copy-in comes first and is exactly the op. */
    if (f->from_calls == 0 && p != f->op)
        abort();
    if (p == f->op && f->op_reads++ != 0)
        abort(); /* the op is read once */
    if (++f->from_calls == f->fail_from || p == NULL) {
        if (p != NULL)
            memcpy(dst, p, f->partial < len ? f->partial : len);
        return -EFAULT;
    }
    memcpy(dst, p, len);
    return 0;
}

static int f_to(void *opaque, uint64_t a, const void *src, size_t len)
{
    struct fguest *f = opaque;
    unsigned char *p = resolve(f, a, len);

    if (++f->to_calls == f->fail_to || p == NULL) {
        /* A faulting write may still have stored a prefix: not to the op
         * here, so that "op unchanged on error" stays checkable. */
        if (p != NULL && p != f->op)
            memcpy(p, src, f->partial < len ? f->partial : len);
        return -EFAULT;
    }
    if (p == f->op && f->op_writes++ != 0)
        abort(); /* the op is written once */
    memcpy(p, src, len);
    return 0;
}

/*
 * A guest may point a handle at the op itself; that is legal and then the
 * invariants above do not hold (a module's read of the name is a second read
 * of the op).  Such inputs are left out: any 32- or 64-bit word of the union
 * holding the op's address (other accesses overlapping the op fault anyway).
 */
static bool aliases_op(const unsigned char *op)
{
    for (size_t off = 8; off + 4 <= XSM_OP_SIZE; off += 4) {
        uint32_t w32;
        memcpy(&w32, op + off, 4);
        if (w32 == OP_BASE)
            return true;
        if (off + 8 <= XSM_OP_SIZE) {
            uint64_t w64;
            memcpy(&w64, op + off, 8);
            if (w64 == OP_BASE)
                return true;
        }
    }
    return false;
}

static const char *const stacks[] = {"dummy",      "silo",       "dummy,silo", "flask",
                                     "silo,flask", "flask,silo", "dummy",      "silo"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct fguest f;
    unsigned char op_before[XSM_OP_SIZE];
    struct xsm_domain cur = {.domid = 1};
    struct xsm_config cfg = {0};
    struct xsm_guest g;
    xsm_ctx *x;
    long rc;

    if (size < 4 + XSM_OP_SIZE)
        return 0;
    memset(&f, 0, sizeof(f));
    f.fail_from = data[1];
    f.fail_to = data[2];
    f.partial = data[3];
    memcpy(f.op, data + 4, XSM_OP_SIZE);
    if (aliases_op(f.op))
        return 0;
    f.extra_len = size - 4 - XSM_OP_SIZE;
    if (f.extra_len > EXTRA_MAX)
        f.extra_len = EXTRA_MAX;
    memcpy(f.extra, data + 4 + XSM_OP_SIZE, f.extra_len);
    memcpy(op_before, f.op, XSM_OP_SIZE);

    cfg.modules = stacks[(data[0] >> 1) & 7];
    if (xsm_create(&x, &cfg) != 0)
        return 0; /* e.g. flask not built */

    g.copy_from = f_from;
    g.copy_to = f_to;
    g.opaque = &f;
    g.compat = data[0] & 1;
    cur.is_compat = g.compat;

    rc = xsm_do_op(x, &cur, &g, OP_BASE);

    if (f.op_reads != 1)
        abort();
    if (rc < 0 && memcmp(f.op, op_before, XSM_OP_SIZE) != 0)
        abort();
    if (rc < 0 && f.op_writes != 0)
        abort();
    xsm_destroy(x);
    return 0;
}
