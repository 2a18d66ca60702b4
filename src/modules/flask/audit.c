/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * FLASK audit lines: what the AVC logs when it denies a request, or grants
 * one the policy asks to audit.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "flask.h"

static size_t append(char *buf, size_t size, size_t pos, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static size_t append(char *buf, size_t size, size_t pos, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (pos >= size)
        return pos;
    va_start(ap, fmt);
    n = vsnprintf(buf + pos, size - pos, fmt, ap);
    va_end(ap);
    return n < 0 ? pos : pos + (size_t)n;
}

void flask_audit_log(struct xsm_instance *mi, uint32_t ssid, uint32_t tsid, uint16_t tclass,
                      uint32_t audited, bool denied, const struct flask_audit *ad)
{
    char line[1024];
    size_t pos = 0;
    const char *cname = flask_class_name(tclass);
    char *scon, *tcon;

    pos = append(line, sizeof(line), pos, "avc:  %s  {", denied ? "denied" : "granted");
    for (unsigned bit = 0; bit < 32; bit++) {
        const char *p;

        if (!(audited & (1U << bit)))
            continue;
        p = flask_perm_name(tclass, bit);
        if (p != NULL)
            pos = append(line, sizeof(line), pos, " %s", p);
        else
            pos = append(line, sizeof(line), pos, " 0x%x", 1U << bit);
    }
    pos = append(line, sizeof(line), pos, " } for");
    if (ad != NULL) {
        if (ad->hook != NULL)
            pos = append(line, sizeof(line), pos, " hook=%s", ad->hook);
        if (ad->has_sdom)
            pos = append(line, sizeof(line), pos, " source=%u", (unsigned)ad->sdom);
        if (ad->has_tdom)
            pos = append(line, sizeof(line), pos, " target=%u", (unsigned)ad->tdom);
        if (ad->irq != 0)
            pos = append(line, sizeof(line), pos, " irq=%u", (unsigned)ad->irq);
        if (ad->range_lo != 0 || ad->range_hi != 0)
            pos = append(line, sizeof(line), pos, " range=0x%llx-0x%llx",
                         (unsigned long long)ad->range_lo, (unsigned long long)ad->range_hi);
        if (ad->dtdev != NULL)
            pos = append(line, sizeof(line), pos, " dtdevice=%s", ad->dtdev);
    }
    scon = flask_sid_to_context(mi, ssid);
    tcon = flask_sid_to_context(mi, tsid);
    if (scon != NULL)
        pos = append(line, sizeof(line), pos, " scontext=%s", scon);
    else
        pos = append(line, sizeof(line), pos, " ssid=%u", (unsigned)ssid);
    if (tcon != NULL)
        pos = append(line, sizeof(line), pos, " tcontext=%s", tcon);
    else
        pos = append(line, sizeof(line), pos, " tsid=%u", (unsigned)tsid);
    if (cname != NULL)
        append(line, sizeof(line), pos, " tclass=%s", cname);
    else
        append(line, sizeof(line), pos, " tclass=%u", (unsigned)tclass);
    free(scon);
    free(tcon);
    xsm_log(mi->ctx, "%s", line);
}

