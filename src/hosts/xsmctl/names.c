/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Names: classes and permissions (the daemon's CLASSES question, answered
 * from the policy in force, so a policy whose values differ from Xen 4.17's
 * is read right) and contexts <-> SIDs (FLASK's CONTEXT_TO_SID and
 * SID_TO_CONTEXT, as a toolstack asks them).  A class may also be given
 * as its number and permissions as one number (a bit mask), for a domain
 * that may not ask the daemon.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openxsm/xen/flask_op.h>
#include <openxsm/xsm_op.h>

#include "xsmctl.h"
#include "xsmd_wire.h"

/* One "class" line of a CLASSES answer, split in place at its tabs. */
struct class_line {
    unsigned value;
    char *name;
    char *perm[32];
    unsigned nperms;
};

static int split_class(char *line, struct class_line *out)
{
    char *f[35];
    unsigned n = 0;

    for (char *p = line;; p++) {
        if (n < 35)
            f[n++] = p;
        p = strchr(p, '\t');
        if (!p)
            break;
        *p = '\0';
    }
    if (n < 3 || strcmp(f[0], "class") != 0)
        return -1;
    out->value = (unsigned)strtoul(f[1], NULL, 10);
    out->name = f[2];
    out->nperms = n - 3 > 32 ? 32 : n - 3;
    for (unsigned i = 0; i < out->nperms; i++)
        out->perm[i] = f[3 + i];
    return 0;
}

/* The CLASSES answer for one class (name) or all (NULL): malloc'd text, or NULL + *err. */
static char *classes(struct ctl *c, const char *name, long *err)
{
    uint64_t a[4] = {0, 0, 0, 0};
    char *buf = NULL, *text = NULL;
    size_t len = name ? strlen(name) : 0;

    if (c->domain != 0) {
        /* Only the control socket may ask the daemon; a guest's hypercalls take numbers. */
        *err = -EPERM;
        return NULL;
    }
    if (name) {
        buf = gmem(c, len + 1);
        memcpy(buf, name, len + 1);
        a[0] = gaddr(buf);
        a[1] = len;
    }
    *err = ctl_answer(c, XSMD_T_CLASSES, 0, a, &text);
    gmem_free(c, buf, len + 1);
    return *err < 0 ? NULL : text;
}

/* Find class 'value' (or 'name') and call back with its line; 0 or -errno. */
static long with_class(struct ctl *c, const char *name, unsigned value, struct class_line *cl,
                       char **keep)
{
    long err;
    char *text = classes(c, name, &err);

    if (!text) /* never success without the text, so that cl is filled whenever 0 is returned */
        return err < 0 ? err : -EPROTO;
    for (char *line = text, *next; *line; line = next) {
        next = strchr(line, '\n');
        if (!next)
            break;
        *next++ = '\0';
        if (split_class(line, cl) == 0 && (name || cl->value == value)) {
            *keep = text;
            return 0;
        }
    }
    free(text);
    return -ENOENT;
}

static bool number(const char *s, unsigned long *v)
{
    char *end;

    if (!*s || !(s[0] >= '0' && s[0] <= '9'))
        return false;
    errno = 0;
    *v = strtoul(s, &end, 0);
    return errno == 0 && *end == '\0';
}

static int as_guest(struct ctl *c)
{
    return usage_error(c,
                       "names of classes and permissions come from the control socket; as "
                       "domain %d give the class as a number and the permissions as a mask",
                       c->domain);
}

uint16_t class_value(struct ctl *c, const char *name, int *rc)
{
    struct class_line cl;
    unsigned long v;
    char *keep = NULL;
    long err;

    if (number(name, &v)) {
        if (v == 0 || v > UINT16_MAX) {
            *rc = usage_error(c, "class %s: not a class value", name);
            return 0;
        }
        return (uint16_t)v;
    }
    err = with_class(c, name, 0, &cl, &keep);
    if (err == -EPERM)
        return (*rc = as_guest(c)), 0;
    if (err == -ENOENT) {
        *rc = usage_error(c, "no class '%s' in the policy", name);
        return 0;
    }
    if (err < 0) {
        *rc = fail(c, err, "class names");
        return 0;
    }
    v = cl.value;
    free(keep);
    return (uint16_t)v;
}

uint32_t perm_bits(struct ctl *c, uint16_t cls, char **names, int n, int *rc)
{
    struct class_line cl;
    char *keep = NULL;
    uint32_t bits = 0;
    bool looked = false;
    long err;

    for (int i = 0; i < n; i++) {
        unsigned long v;
        unsigned b;

        if (number(names[i], &v)) {
            if (v == 0 || v > UINT32_MAX) {
                *rc = usage_error(c, "%s: not a permission mask", names[i]);
                free(keep);
                return 0;
            }
            bits |= (uint32_t)v;
            continue;
        }
        if (!looked) {
            err = with_class(c, NULL, cls, &cl, &keep);
            if (err == -EPERM)
                return (*rc = as_guest(c)), 0;
            if (err < 0) {
                *rc = err == -ENOENT ? usage_error(c, "no class %u in the policy", cls)
                                     : fail(c, err, "permission names");
                return 0;
            }
            looked = true;
        }
        for (b = 0; b < cl.nperms; b++)
            if (cl.perm[b][0] && strcmp(cl.perm[b], names[i]) == 0)
                break;
        if (b == cl.nperms) {
            *rc = usage_error(c, "class %s has no permission '%s'", cl.name, names[i]);
            free(keep);
            return 0;
        }
        bits |= 1U << b;
    }
    free(keep);
    return bits;
}

char *class_name(struct ctl *c, uint16_t cls)
{
    struct class_line cl;
    char *keep = NULL, *r;

    if (with_class(c, NULL, cls, &cl, &keep) < 0)
        return NULL;
    r = strdup(cl.name);
    free(keep);
    return r;
}

char *perm_name(struct ctl *c, uint16_t cls, unsigned bit)
{
    struct class_line cl;
    char *keep = NULL, *r = NULL;

    if (with_class(c, NULL, cls, &cl, &keep) < 0)
        return NULL;
    if (bit < cl.nperms && cl.perm[bit][0])
        r = strdup(cl.perm[bit]);
    free(keep);
    return r;
}

long context_to_sid(struct ctl *c, const char *ctx, uint32_t *sid)
{
    size_t len = strlen(ctx);
    char *buf = gmem(c, len + 1);
    struct op o;
    long r;

    memcpy(buf, ctx, len + 1);
    op_init(c, &o, FLASK_CONTEXT_TO_SID, XEN_FLASK_INTERFACE_VERSION);
    op_put32(&o, 4, (uint32_t)len);
    op_put_handle(c, &o, 8, 8, buf);
    r = op_call(c, &o);
    if (r >= 0)
        *sid = op_get32(&o, 0);
    op_done(c, &o);
    gmem_free(c, buf, len + 1);
    return r;
}

long sid_to_context(struct ctl *c, uint32_t sid, char **out)
{
    size_t cap = 256;

    for (int tries = 0; tries < 8; tries++) {
        char *buf = gmem(c, cap + 1);
        struct op o;
        long r;

        op_init(c, &o, FLASK_SID_TO_CONTEXT, XEN_FLASK_INTERFACE_VERSION);
        op_put32(&o, 0, sid);
        op_put32(&o, 4, (uint32_t)cap);
        op_put_handle(c, &o, 8, 8, buf);
        r = op_call(c, &o);
        if (r >= 0) {
            /* size counts the NUL; the context is written with it */
            size_t n = op_get32(&o, 4);

            *out = strndup(buf, n < cap ? n : cap);
        }
        op_done(c, &o);
        gmem_free(c, buf, cap + 1);
        if (r != -ERANGE)
            return r < 0 ? r : (*out ? 0 : -ENOMEM);
        /* Xen does not say how much it needs: try a larger buffer. */
        cap *= 4;
    }
    return -ERANGE;
}
