/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Device labels: add and delete with FLASK's ADD_OCONTEXT / DEL_OCONTEXT
 * and DEVICETREE_LABEL, as libxenctrl's xc_flask_add_* do (the context is
 * turned into a SID first); show with the daemon's LABEL question, since
 * no hypercall reads a label back.
 *
 *   pirq N, ioport LOW[-HIGH], iomem LOW[-HIGH] (page frames),
 *   pci SSSS:BB:DD.F or BB:DD.F or a number (Xen's sbdf), dt PATH
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openxsm/xen/flask_op.h>
#include <openxsm/xsm_op.h>

#include "xsmctl.h"
#include "xsmd_wire.h"

struct what {
    unsigned kind; /* XSMD_LABEL_*: the OCON_* numbers, 5 device tree */
    uint64_t low, high;
    const char *path;
};

static const char *const kinds[] = {NULL, "pirq", "ioport", "iomem", "pci", "dt"};

static bool num(const char *s, uint64_t *v)
{
    char *end;

    if (!*s || *s == '-' || *s == '+')
        return false;
    errno = 0;
    *v = strtoull(s, &end, 0);
    return errno == 0 && *end == '\0';
}

/*
 * s as exactly n numbers, each ended by its character of ends (the last by
 * the string's end): hex, the last decimal, as strtoul reads them (which is
 * what sscanf's %x and %u do, without their undefined overflow).
 */
static bool fields(const char *s, const char *ends, unsigned long *v, int n)
{
    for (int i = 0; i < n; i++) {
        char *end;

        errno = 0;
        v[i] = strtoul(s, &end, i == n - 1 ? 10 : 16);
        if (end == s || errno != 0 || *end != ends[i])
            return false;
        s = end + 1;
    }
    return true;
}

/* Xen's flask-label-pci: seg:bus:dev.fn in hex (fn decimal) -> seg<<16 | bus<<8 | dev<<3 | fn. */
static bool pci(const char *s, uint64_t *v)
{
    unsigned long f[4] = {0}; /* seg, bus, dev, fn */

    if (strchr(s, ':') == NULL)
        return num(s, v);
    if (!fields(s, "::.", f, 4)) {
        f[0] = 0; /* no segment: BB:DD.F */
        if (!fields(s, ":.", f + 1, 3))
            return false;
    }
    if (f[0] > 0xffff || f[1] > 0xff || f[2] > 0x1f || f[3] > 7)
        return false;
    *v = (uint64_t)f[0] << 16 | f[1] << 8 | f[2] << 3 | f[3];
    return true;
}

static int parse(struct ctl *c, const char *kind, const char *arg, bool ranges, struct what *w)
{
    memset(w, 0, sizeof(*w));
    for (unsigned k = 1; k <= 5; k++)
        if (!strcmp(kind, kinds[k]))
            w->kind = k;
    if (!w->kind)
        return usage_error(c, "'%s': the kinds are pirq, ioport, iomem, pci, dt", kind);
    if (w->kind == XSMD_LABEL_DEVICETREE) {
        if (!*arg)
            return usage_error(c, "dt: an empty path");
        w->path = arg;
        return 0;
    }
    if (w->kind == XSMD_LABEL_PCI) {
        if (!pci(arg, &w->low))
            return usage_error(c, "pci '%s': give SSSS:BB:DD.F, BB:DD.F or a number", arg);
        w->high = w->low;
        return 0;
    }
    const char *dash = strchr(arg, '-');
    if (dash && ranges && w->kind != XSMD_LABEL_PIRQ) {
        char lo[64];

        if ((size_t)(dash - arg) >= sizeof(lo))
            return usage_error(c, "'%s': not a range", arg);
        memcpy(lo, arg, (size_t)(dash - arg));
        lo[dash - arg] = '\0';
        if (!num(lo, &w->low) || !num(dash + 1, &w->high) || w->low > w->high)
            return usage_error(c, "'%s': not a range LOW-HIGH", arg);
        return 0;
    }
    if (!num(arg, &w->low))
        return usage_error(c, "'%s': not a number", arg);
    w->high = w->low;
    return 0;
}

/* ADD/DEL_OCONTEXT or DEVICETREE_LABEL with this SID (0 with dt: remove). */
static long change(struct ctl *c, const struct what *w, bool add, uint32_t sid)
{
    struct op o;
    long r;

    if (w->kind == XSMD_LABEL_DEVICETREE) {
        size_t len = strlen(w->path);
        char *buf = gmem(c, len + 1);

        memcpy(buf, w->path, len);
        op_init(c, &o, FLASK_DEVICETREE_LABEL, XEN_FLASK_INTERFACE_VERSION);
        op_put32(&o, 0, add ? sid : 0);
        op_put32(&o, 4, (uint32_t)len);
        op_put_handle(c, &o, 8, 8, buf);
        r = op_call(c, &o);
        op_done(c, &o);
        gmem_free(c, buf, len + 1);
        return r;
    }
    op_init(c, &o, add ? FLASK_ADD_OCONTEXT : FLASK_DEL_OCONTEXT, XEN_FLASK_INTERFACE_VERSION);
    op_put32(&o, 0, w->kind);
    op_put32(&o, 4, sid);
    op_put64(&o, 8, w->low);
    op_put64(&o, 16, w->high);
    r = op_call(c, &o);
    op_done(c, &o);
    return r;
}

static void print_what(struct ctl *c, const struct what *w)
{
    if (c->json) {
        js_str(&c->j, "kind", kinds[w->kind]);
        if (w->path) {
            js_str(&c->j, "path", w->path);
        } else {
            js_uint(&c->j, "low", w->low);
            js_uint(&c->j, "high", w->high);
        }
    } else if (w->path) {
        char *t = ctl_text(w->path);

        printf("dt %s", t ? t : "?");
        free(t);
    } else if (w->kind == XSMD_LABEL_PCI) {
        unsigned long long v = w->low;

        printf("pci %04llx:%02llx:%02llx.%llu", v >> 16, (v >> 8) & 0xff, (v >> 3) & 0x1f, v & 7);
    } else if (w->low == w->high) {
        printf("%s 0x%llx", kinds[w->kind], (unsigned long long)w->low);
    } else {
        printf("%s 0x%llx-0x%llx", kinds[w->kind], (unsigned long long)w->low,
               (unsigned long long)w->high);
    }
}

int cmd_label(struct ctl *c, int argc, char **argv)
{
    struct what w;
    uint32_t sid = 0;
    long r;
    int rc;

    if (argc == 4 && !strcmp(argv[0], "add")) {
        if ((rc = parse(c, argv[1], argv[2], true, &w)))
            return rc;
        r = context_to_sid(c, argv[3], &sid);
        if (r < 0)
            return fail(c, r, argv[3]);
        r = change(c, &w, true, sid);
        if (r < 0)
            return fail(c, r, "label add");
        if (c->json) {
            ok_begin(c);
            print_what(c, &w);
            js_str(&c->j, "context", argv[3]);
            js_uint(&c->j, "sid", sid);
            ok_end(c);
        } else {
            print_what(c, &w);
            printf(" labelled %s\n", argv[3]);
        }
        return XC_EXIT_OK;
    }
    if (argc == 3 && !strcmp(argv[0], "del")) {
        if ((rc = parse(c, argv[1], argv[2], true, &w)))
            return rc;
        r = change(c, &w, false, 0);
        if (r < 0)
            return fail(c, r, "label del");
        if (c->json) {
            ok_begin(c);
            print_what(c, &w);
            ok_end(c);
        } else {
            print_what(c, &w);
            printf(": label removed\n");
        }
        return XC_EXIT_OK;
    }
    if (argc == 3 && !strcmp(argv[0], "show")) {
        uint64_t a[6] = {0}, value = 0;
        char *buf = NULL, *ctx = NULL;
        size_t len = 0;

        if ((rc = parse(c, argv[1], argv[2], false, &w)))
            return rc;
        if (w.path) {
            len = strlen(w.path);
            buf = gmem(c, len + 1);
            memcpy(buf, w.path, len);
            a[0] = gaddr(buf);
            a[1] = len;
        } else {
            a[0] = w.low;
        }
        r = ctl_request(c, XSMD_T_LABEL, w.kind, 0, a, &value);
        gmem_free(c, buf, len + 1);
        if (r < 0)
            return fail(c, r, "label show");
        sid = (uint32_t)value;
        r = sid_to_context(c, sid, &ctx);
        if (c->json) {
            ok_begin(c);
            print_what(c, &w);
            js_uint(&c->j, "sid", sid);
            js_str(&c->j, "context", r < 0 ? NULL : ctx);
            ok_end(c);
        } else {
            print_what(c, &w);
            char *t = r < 0 ? NULL : ctl_text(ctx);

            printf(": SID %u %s\n", sid, r < 0 ? "(no context)" : t ? t : "?");
            free(t);
        }
        free(ctx);
        return XC_EXIT_OK;
    }
    return usage_error(c, "usage: label add KIND WHAT CONTEXT | del KIND WHAT | show KIND WHAT");
}
