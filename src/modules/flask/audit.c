/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * FLASK's log lines that carry policy or guest strings, in Xen 4.17's text:
 * the AVC audit line (Xen's avc_audit) and the boolean commit message.  Log
 * parsers and audit2allow read these lines, so the text is Xen's to the
 * space, e.g.
 *
 *   avc:  denied  { pause } for source=d0 target=d4 scontext=... tcontext=... tclass=domain
 *
 * Design decisions:
 * - A line is built whole in a growing buffer and logged once, at any
 *   length.  Xen's 1 KiB buffer flushes an overlong line in pieces; here a
 *   long context or device-tree path never costs a line its tcontext or
 *   tclass.
 * - Strings from a guest (device-tree path) or a policy (contexts, boolean
 *   names) are escaped field by field: a byte outside '!'..'~', or a
 *   backslash, is written as \xHH.  Such a string can then neither end the
 *   line nor add a field ("x tclass=..." would); real paths and names have
 *   no such byte and print exactly as Xen prints them (Xen prints them raw).
 *   xsm_log escapes control bytes in every line as a last resort.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flask.h"

/* A log line under construction; 'failed' once memory ran out. */
/*
 * A line is built in 'small' and moves to the heap only when it outgrows
 * it: a guest can make denials as fast as it can make hypercalls, and a
 * malloc per audit line was a tenth of the op fuzzer's time.
 */
#define LINE_SMALL 256

struct line {
    char *buf; /* NULL, small or the heap */
    size_t len, cap;
    bool failed;
    char small[LINE_SMALL];
};

static bool line_reserve(struct line *l, size_t more)
{
    size_t cap;
    char *nb;

    if (l->failed)
        return false;
    if (l->buf == NULL) {
        l->buf = l->small;
        l->cap = sizeof(l->small);
        l->buf[0] = '\0';
    }
    if (more < l->cap - l->len)
        return true;
    if (more > SIZE_MAX / 2 - l->len) {
        l->failed = true;
        return false;
    }
    cap = l->cap;
    while (cap - l->len <= more)
        cap *= 2;
    if (l->buf == l->small) {
        nb = malloc(cap);
        if (nb != NULL)
            memcpy(nb, l->small, l->len + 1);
    } else {
        nb = realloc(l->buf, cap);
    }
    if (nb == NULL) {
        l->failed = true;
        return false;
    }
    l->buf = nb;
    l->cap = cap;
    return true;
}

static void line_printf(struct line *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void line_printf(struct line *l, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (!line_reserve(l, 0))
        return;
    /* Written where it goes; only a piece that does not fit is formatted twice. */
    va_start(ap, fmt);
    n = vsnprintf(l->buf + l->len, l->cap - l->len, fmt, ap);
    va_end(ap);
    if (n < 0) {
        l->failed = true;
        return;
    }
    if ((size_t)n >= l->cap - l->len) {
        if (!line_reserve(l, (size_t)n))
            return;
        va_start(ap, fmt);
        vsnprintf(l->buf + l->len, l->cap - l->len, fmt, ap);
        va_end(ap);
    }
    l->len += (size_t)n;
}

/* A guest- or policy-supplied string: one field value, never more. */
static void line_untrusted(struct line *l, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    size_t n = strlen(s);

    /* Room for the worst case at once: every byte escaped as \xNN. */
    if (n > SIZE_MAX / 8) {
        l->failed = true;
        return;
    }
    if (!line_reserve(l, n * 4))
        return;
    for (; *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;

        if (c > ' ' && c <= '~' && c != '\\') {
            l->buf[l->len++] = (char)c;
        } else {
            l->buf[l->len++] = '\\';
            l->buf[l->len++] = 'x';
            l->buf[l->len++] = hex[c >> 4];
            l->buf[l->len++] = hex[c & 15];
        }
    }
    if (!l->failed && l->buf != NULL)
        l->buf[l->len] = '\0';
}

/* Log the line (or say that it was lost) and free it. */
static void line_emit(struct xsm_instance *mi, struct line *l, const char *what)
{
    if (l->failed || l->buf == NULL)
        xsm_log(mi->ctx, "%s: line lost, out of memory", what);
    else
        xsm_log(mi->ctx, "%s", l->buf);
    if (l->buf != l->small)
        free(l->buf);
}

/* Xen's %pd: "d" and the domain id, or the name of one of Xen's own domains. */
static void line_domain(struct line *l, const char *key, const struct xsm_domain *d)
{
    switch (d->domid) {
    case XSM_DOMID_IO:
        line_printf(l, "%s=d[IO] ", key);
        break;
    case XSM_DOMID_XEN:
        line_printf(l, "%s=d[XEN] ", key);
        break;
    case XSM_DOMID_COW:
        line_printf(l, "%s=d[COW] ", key);
        break;
    case XSM_DOMID_IDLE:
        line_printf(l, "%s=d[IDLE] ", key);
        break;
    default:
        line_printf(l, "%s=d%u ", key, (unsigned)d->domid);
        break;
    }
}

/* Xen's avc_dump_av: named permissions in bit order, then any unnamed bits as one word. */
static void line_perms(struct line *l, uint16_t tclass, uint32_t av)
{
    uint32_t unnamed = 0;

    if (av == 0) {
        line_printf(l, " null");
        return;
    }
    line_printf(l, " {");
    for (unsigned bit = 0; bit < 32; bit++) {
        const char *name;

        if (!(av & (1U << bit)))
            continue;
        name = flask_perm_name(tclass, bit);
        if (name != NULL)
            line_printf(l, " %s", name);
        else
            unnamed |= 1U << bit;
    }
    if (unnamed != 0)
        line_printf(l, " %#x", (unsigned)unnamed);
    line_printf(l, " }");
}

/* Xen's avc_dump_query: the contexts (or the bare SIDs) and the class. */
static void line_query(struct line *l, struct xsm_instance *mi, uint32_t ssid, uint32_t tsid,
                       uint16_t tclass)
{
    char *con = flask_sid_to_context(mi, ssid);
    const char *cname = flask_class_name(tclass);

    if (con != NULL) {
        line_printf(l, "scontext=");
        line_untrusted(l, con);
    } else {
        line_printf(l, "ssid=%d", (int)ssid); /* Xen's format, signed */
    }
    free(con);
    con = flask_sid_to_context(mi, tsid);
    if (con != NULL) {
        line_printf(l, " tcontext=");
        line_untrusted(l, con);
    } else {
        line_printf(l, " tsid=%d", (int)tsid);
    }
    free(con);
    if (cname != NULL)
        line_printf(l, " tclass=%s", cname);
    else
        line_printf(l, " tclass=%u", (unsigned)tclass);
}

void flask_avc_audit(struct xsm_instance *mi, uint32_t ssid, uint32_t tsid, uint16_t tclass,
                     uint32_t requested, const struct ss_av_decision *avd, int result,
                     const struct flask_audit *ad)
{
    bool denied;
    uint32_t audited = flask_audited(requested, avd, result, &denied);
    struct line l = {0};

    if (audited == 0)
        return;

    line_printf(&l, "avc:  %s ", denied ? "denied" : "granted");
    line_perms(&l, tclass, audited);
    line_printf(&l, " for ");
    if (ad != NULL && (ad->sdom != NULL || ad->tdom != NULL)) {
        if (ad->sdom != NULL)
            line_domain(&l, "source", ad->sdom);
        if (ad->tdom != NULL && ad->tdom != ad->sdom)
            line_domain(&l, "target", ad->tdom);
    } else if (ad != NULL && ad->cur != NULL) {
        line_domain(&l, "current", ad->cur);
    }
    switch (ad != NULL ? ad->type : FLASK_AUDIT_NONE) {
    case FLASK_AUDIT_DEV:
        line_printf(&l, "device=%#x ", (unsigned)ad->device);
        break;
    case FLASK_AUDIT_IRQ:
        line_printf(&l, "irq=%d ", ad->irq);
        break;
    case FLASK_AUDIT_RANGE:
        line_printf(&l, "range=%#llx-%#llx ", (unsigned long long)ad->range.start,
                    (unsigned long long)ad->range.end);
        break;
    case FLASK_AUDIT_DTDEV:
        line_printf(&l, "dtdevice=");
        line_untrusted(&l, ad->dtdev != NULL ? ad->dtdev : "");
        line_printf(&l, " ");
        break;
    case FLASK_AUDIT_NONE:
        break;
    }
    line_query(&l, mi, ssid, tsid, tclass);
    line_emit(mi, &l, "avc");
}

void flask_audit_bools_committed(struct xsm_instance *mi)
{
    ss_ctx *ss = flask_ss(mi);
    unsigned n = flask_policy_loaded(mi) ? ss_bool_count(ss) : 0;
    struct line l = {0};

    line_printf(&l, "Flask: committed booleans { ");
    for (unsigned i = 0; i < n; i++) {
        const char *name = ss_bool_name(ss, i);
        int active = 0, pending;

        if (ss_bool_get(ss, i, &active, &pending) != 0)
            active = 0;
        if (i != 0)
            line_printf(&l, ", ");
        line_untrusted(&l, name != NULL ? name : "");
        line_printf(&l, ":%d", active != 0);
    }
    line_printf(&l, " }");
    line_emit(mi, &l, "Flask: committed booleans");
}
