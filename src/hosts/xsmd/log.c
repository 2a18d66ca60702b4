/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Logging: one line per call on stderr, written with a single fputs so
 * that lines from different threads never interleave.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "xsmd.h"

void xsmd_log(const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    int n = snprintf(line, sizeof(line), "xsmd: ");

    va_start(ap, fmt);
    vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
    va_end(ap);
    n = 0;
    while (line[n])
        n++;
    line[n] = '\n';
    line[n + 1] = '\0';
    fputs(line, stderr);
}

const char *xsmd_escape(char *out, size_t cap, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    size_t o = 0;

    for (size_t i = 0; i < len && o + 5 < cap; i++) {
        unsigned char ch = (unsigned char)s[i];

        if (ch >= 0x20 && ch < 0x7f && ch != '\\') {
            out[o++] = (char)ch;
        } else {
            out[o++] = '\\';
            out[o++] = 'x';
            out[o++] = hex[ch >> 4];
            out[o++] = hex[ch & 15];
        }
    }
    if (cap)
        out[o < cap ? o : cap - 1] = '\0';
    return out;
}
