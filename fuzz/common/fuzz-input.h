/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A cursor over a fuzzer input.  Reads past the end yield zero bytes, so
 * a harness can decode a record without checking lengths at every field;
 * fuzz_done() tells the record loop when to stop.
 */
#ifndef OPENXSM_FUZZ_INPUT_H
#define OPENXSM_FUZZ_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct fuzz_in {
    const uint8_t *p;
    size_t left;
};

static inline bool fuzz_done(const struct fuzz_in *in)
{
    return in->left == 0;
}

static inline uint8_t fuzz_u8(struct fuzz_in *in)
{
    if (in->left == 0)
        return 0;
    in->left--;
    return *in->p++;
}

static inline uint16_t fuzz_u16(struct fuzz_in *in)
{
    uint16_t lo = fuzz_u8(in);

    return (uint16_t)(lo | (uint16_t)fuzz_u8(in) << 8);
}

static inline uint32_t fuzz_u32(struct fuzz_in *in)
{
    uint32_t lo = fuzz_u16(in);

    return lo | (uint32_t)fuzz_u16(in) << 16;
}

/* Copy up to n bytes; the rest of dst is zero-filled.  Returns bytes taken. */
static inline size_t fuzz_bytes(struct fuzz_in *in, void *dst, size_t n)
{
    size_t k = n < in->left ? n : in->left;

    memcpy(dst, in->p, k);
    memset((uint8_t *)dst + k, 0, n - k);
    in->p += k;
    in->left -= k;
    return k;
}

/*
 * An AVC threshold from one byte, weighted towards the small values that
 * make every insert reclaim: 0..31 for half the byte values, then steps
 * up to 512 (Xen's default) and one value above it.
 */
static inline uint32_t fuzz_threshold(uint8_t b)
{
    if (b < 128)
        return b & 31U;
    if (b == 255)
        return 513;
    return (uint32_t)(b - 128) * 4U; /* 0..504 */
}

#endif /* OPENXSM_FUZZ_INPUT_H */
