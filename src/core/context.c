/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The XSM context: boot selection of the module stack, instance lifetime,
 * logging and host look-ups.  Nothing here is global except the constant
 * table of built-in modules; every instance is independent.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/module.h"
#include "core/ops.h"

const struct xsm_module *const xsm_builtin_modules[] = {
    &xsm_module_dummy,
    &xsm_module_silo,
#ifdef OPENXSM_HAVE_FLASK
    &xsm_module_flask,
#endif
    NULL,
};

static const struct xsm_module *module_by_name(const char *name, size_t len)
{
    for (unsigned i = 0; xsm_builtin_modules[i] != NULL; i++) {
        const char *n = xsm_builtin_modules[i]->name;
        if (strlen(n) == len && memcmp(n, name, len) == 0)
            return xsm_builtin_modules[i];
    }
    return NULL;
}

/*
 * The module Xen 4.17 boots when xsm= names none it knows: its Kconfig
 * default, which on x86 with XSM enabled is FLASK if built, else SILO (SILO
 * is always built here).  A NULL or empty boot string is different: it
 * means "no XSM selection" and keeps the dummy module, Xen's behaviour
 * without XSM, so a zeroed xsm_config changes nothing for embedders.
 */
static const struct xsm_module *default_module(void)
{
#ifdef OPENXSM_HAVE_FLASK
    return &xsm_module_flask;
#else
    return &xsm_module_silo;
#endif
}

/*
 * Decode the boot string into a module list without touching anything.
 * Xen's xsm= takes one exact name; a comma list stacks.  Empty elements,
 * repeated names and more than XSM_MAX_STACK entries are the host's error
 * (-EINVAL).  A name this build does not know makes the whole string
 * invalid, as Xen's parser rejects the parameter: returns 1, and the caller
 * boots the default module alone (a partly understood stack would run a
 * combination nobody asked for).
 */
static int parse_modules(const char *spec, const struct xsm_module *mods[XSM_MAX_STACK],
                         unsigned *nr)
{
    unsigned n = 0, count = 0;
    bool unknown = false;

    if (spec == NULL || spec[0] == '\0')
        spec = "dummy";

    for (const char *p = spec;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma != NULL ? (size_t)(comma - p) : strlen(p);
        const struct xsm_module *m = module_by_name(p, len);

        if (len == 0 || count++ == XSM_MAX_STACK)
            return -EINVAL;
        if (m == NULL) {
            unknown = true;
        } else {
            for (unsigned i = 0; i < n; i++)
                if (mods[i] == m)
                    return -EINVAL;
            mods[n++] = m;
        }
        if (comma == NULL)
            break;
        p = comma + 1;
    }
    if (unknown)
        return 1;
    *nr = n;
    return 0;
}

/* Up to 64 bytes of a host string for a log line: printable ASCII, the rest as \xNN. */
static void escape_value(const char *s, char *out, size_t outsz)
{
    size_t o = 0;

    for (size_t i = 0; i < 64 && s[i] != '\0' && o + 5 <= outsz; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\')
            out[o++] = (char)c;
        else
            o += (size_t)snprintf(out + o, outsz - o, "\\x%02x", c);
    }
    out[o] = '\0';
}

/* A log line before any context exists (the host's sink of the config). */
static void cfg_log(const struct xsm_config *cfg, const char *line)
{
    if (cfg->host_ops != NULL && cfg->host_ops->log != NULL)
        cfg->host_ops->log(cfg->host, line);
}

static void fini_instances(xsm_ctx *x)
{
    while (x->nr > 0) {
        struct xsm_instance *mi = &x->inst[--x->nr];
        if (mi->mod->fini != NULL)
            mi->mod->fini(mi);
    }
}

int xsm_create_stack(xsm_ctx **out, const struct xsm_module *const *mods, unsigned nr,
                     const struct xsm_config *cfg)
{
    static const struct xsm_config defaults;
    xsm_ctx *x;
    int rc;

    if (out == NULL || mods == NULL || nr == 0 || nr > XSM_MAX_STACK)
        return -EINVAL;
    for (unsigned i = 0; i < nr; i++) {
        /* Id 1 is the core's, 0xffff means "no module" (docs/abi.md). */
        if (mods[i] == NULL || mods[i]->id == XSM_MODULE_CORE || mods[i]->id == XSM_MODULE_NONE)
            return -EINVAL;
        for (unsigned j = 0; j < i; j++)
            if (mods[j] == mods[i] || mods[j]->id == mods[i]->id)
                return -EINVAL;
    }
    if (cfg == NULL)
        cfg = &defaults;
    if (cfg->nr_irqs != 0 && cfg->nr_static_irqs > cfg->nr_irqs)
        return -EINVAL;

    x = calloc(1, sizeof(*x));
    if (x == NULL)
        return -ENOMEM;
    x->host_ops = cfg->host_ops;
    x->host = cfg->host;
    /* No bound: every int IRQ number exists.  No static count: all are static. */
    x->nr_irqs = cfg->nr_irqs != 0 && cfg->nr_irqs <= (uint32_t)INT_MAX ? cfg->nr_irqs
                                                                        : (uint32_t)INT_MAX + 1;
    x->nr_static_irqs = cfg->nr_static_irqs != 0 ? cfg->nr_static_irqs : x->nr_irqs;

    /*
     * x->nr counts initialised instances, so a failure finis exactly those.
     * An init that returns 1 declines (flask=disabled): the module is left
     * out of the stack, as Xen falls back to the dummy module.  A stack that
     * ends up empty runs the dummy module.
     */
    for (unsigned i = 0; i <= nr; i++) {
        const struct xsm_module *m = i < nr ? mods[i] : &xsm_module_dummy;
        struct xsm_instance *mi = &x->inst[x->nr];

        if (i == nr && x->nr > 0)
            break;
        mi->ctx = x;
        mi->mod = m;
        mi->slot = x->nr;
        mi->priv = NULL;
        rc = m->init != NULL ? m->init(mi, cfg) : 0;
        if (rc == 1) {
            xsm_log(x, "XSM: module %s declined to start", m->name);
            x->declined[x->nr_declined++] = m->id; /* discovery reports it */
            continue;
        }
        if (rc != 0) {
            fini_instances(x);
            free(x);
            return rc < 0 ? rc : -EINVAL;
        }
        x->nr++;
    }

    *out = x;
    return 0;
}

int xsm_create(xsm_ctx **out, const struct xsm_config *cfg)
{
    const struct xsm_module *mods[XSM_MAX_STACK];
    unsigned nr = 0;
    int rc;

    if (out == NULL)
        return -EINVAL;
    rc = parse_modules(cfg != NULL ? cfg->modules : NULL, mods, &nr);
    if (rc < 0)
        return rc;
    if (rc == 1 && cfg != NULL) { /* an unknown name needs a boot string, so a config */
        /* Xen: 'parameter "xsm" has invalid value ...', then the default boots. */
        char val[64 * 4 + 1], line[400];

        escape_value(cfg->modules, val, sizeof(val));
        snprintf(line, sizeof(line),
                 "XSM: parameter \"xsm\" has invalid value \"%s\", rc=%d! booting the default "
                 "module %s",
                 val, -EINVAL, default_module()->name);
        cfg_log(cfg, line);
        mods[0] = default_module();
        nr = 1;
    }
    return xsm_create_stack(out, mods, nr, cfg);
}

void xsm_destroy(xsm_ctx *x)
{
    if (x == NULL)
        return;
    fini_instances(x);
    free(x);
}

unsigned xsm_active_count(const xsm_ctx *x)
{
    return x != NULL ? x->nr : 0;
}

uint16_t xsm_active_id(const xsm_ctx *x, unsigned i)
{
    if (x == NULL || i >= x->nr)
        return UINT16_MAX;
    return x->inst[i].mod->id;
}

struct xsm_instance *xsm_find_active(xsm_ctx *x, uint16_t id)
{
    for (unsigned i = 0; x != NULL && i < x->nr; i++)
        if (x->inst[i].mod->id == id)
            return &x->inst[i];
    return NULL;
}

struct xsm_domain *xsm_domain_lookup(xsm_ctx *x, struct xsm_domain *cur, xsm_domid_t domid)
{
    if (domid == XSM_DOMID_SELF)
        return cur;
    if (x == NULL || x->host_ops == NULL || x->host_ops->domain_get == NULL)
        return NULL;
    return x->host_ops->domain_get(x->host, domid);
}

/* Bytes a log line may carry as they are: printable ASCII. */
static bool log_byte_plain(unsigned char c)
{
    return c >= 0x20 && c <= 0x7e;
}

/*
 * Hand one formatted line to the host with every other byte written as
 * \xHH.  Module code puts guest- and policy-supplied strings into log lines;
 * a newline there would forge a second line, an escape byte would drive the
 * console.  Lines without such bytes (nearly all) go out unchanged.
 */
static void log_emit(const xsm_ctx *x, char *line)
{
    static const char hex[] = "0123456789abcdef";
    size_t n = 0, bad = 0;
    char *out, *o;

    for (; line[n] != '\0'; n++)
        bad += !log_byte_plain((unsigned char)line[n]);
    if (bad == 0) {
        x->host_ops->log(x->host, line);
        return;
    }
    out = bad <= (SIZE_MAX - n - 1) / 3 ? malloc(n + 3 * bad + 1) : NULL;
    if (out == NULL) {
        /* No memory for the long form: blank the bytes rather than pass them on. */
        for (size_t i = 0; i < n; i++)
            if (!log_byte_plain((unsigned char)line[i]))
                line[i] = '?';
        x->host_ops->log(x->host, line);
        return;
    }
    o = out;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)line[i];

        if (log_byte_plain(c)) {
            *o++ = (char)c;
        } else {
            *o++ = '\\';
            *o++ = 'x';
            *o++ = hex[c >> 4];
            *o++ = hex[c & 15];
        }
    }
    *o = '\0';
    x->host_ops->log(x->host, out);
    free(out);
}

/*
 * Lines have no length limit: short ones are formatted on the stack, longer
 * ones in a buffer of their exact size.  Only if that buffer cannot be had
 * does the line go out cut to the stack buffer.
 */
void xsm_log(const xsm_ctx *x, const char *fmt, ...)
{
    char small[256], *line = small;
    va_list ap, again;
    int n;

    if (x == NULL || x->host_ops == NULL || x->host_ops->log == NULL)
        return;
    va_start(ap, fmt);
    va_copy(again, ap);
    n = vsnprintf(small, sizeof(small), fmt, ap);
    va_end(ap);
    if (n >= (int)sizeof(small)) {
        char *big = malloc((size_t)n + 1);

        if (big != NULL) {
            vsnprintf(big, (size_t)n + 1, fmt, again);
            line = big;
        }
    }
    va_end(again);
    if (n >= 0)
        log_emit(x, line);
    if (line != small)
        free(line);
}
