/* SPDX-License-Identifier: GPL-2.0-only */
/* Whole-file reading for the tests and benchmarks (header only). */
#ifndef OPENXSM_TESTS_SLURP_H
#define OPENXSM_TESTS_SLURP_H

#include <stdio.h>
#include <stdlib.h>

/* The contents of path in a malloc'd buffer (its length in *len), or NULL. */
static inline unsigned char *slurp_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    unsigned char *buf = NULL;
    long n = -1;
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0)
        buf = malloc(n > 0 ? (size_t)n : 1);
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    if (buf)
        *len = (size_t)n;
    return buf;
}

#endif
