/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Text output of strings xsmctl did not write itself: names and contexts
 * from the policy in force (which whoever could load it chose), labels.
 * Every byte outside printable ASCII becomes \xHH, as in the daemon's log
 * and answers, so a name cannot move the cursor, set a terminal's title or
 * start a line of its own.  Backslashes are kept: a string the daemon
 * already escaped comes through unchanged.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xsmctl.h"

char *ctl_text(const char *s)
{
    size_t n = 0;
    char *out, *p;

    if (s == NULL)
        return NULL;
    for (const char *q = s; *q; q++)
        n += (*q >= 0x20 && *q < 0x7f) ? 1 : 4;
    out = malloc(n + 1);
    if (out == NULL)
        return NULL;
    p = out;
    for (const unsigned char *q = (const unsigned char *)s; *q; q++) {
        if (*q >= 0x20 && *q < 0x7f) {
            *p++ = (char)*q;
        } else {
            (void)snprintf(p, 5, "\\x%02x", *q);
            p += 4;
        }
    }
    *p = '\0';
    return out;
}
