/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hypervisor model: instance, domains, guest memory, domain control,
 * xen_version, console and the sysctl subset.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hv_priv.h"

/* ---- logging and look-ups ------------------------------------------------- */

void hv_note(struct hv *h, const char *fmt, ...)
{
    char line[256];
    va_list ap;

    if (!h->cfg.log)
        return;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    h->cfg.log(h->cfg.log_opaque, line);
}

struct hv_dom *hv_dom_get(const struct hv *h, xsm_domid_t domid)
{
    for (struct hv_dom *d = h->doms; d; d = d->next)
        if (d->x.domid == domid)
            return d;
    return NULL;
}

struct hv_dom *hv_dom_any(const struct hv *h, struct hv_dom *cur, xsm_domid_t domid)
{
    if (domid == XSM_DOMID_SELF)
        return cur;
    return hv_dom_get(h, domid);
}

static struct xsm_domain *host_domain_get(void *host, xsm_domid_t domid)
{
    struct hv_dom *d = hv_dom_get(host, domid);

    return d ? &d->x : NULL;
}

static struct xsm_evtchn *host_evtchn_get(void *host, struct xsm_domain *xd, uint32_t port)
{
    struct hv_dom *d = (struct hv_dom *)xd;

    (void)host;
    if (!xd || xd->domid >= XSM_DOMID_FIRST_RESERVED || port >= d->nr_ports)
        return NULL;
    return &d->chn[port];
}

static void host_log(void *host, const char *line)
{
    struct hv *h = host;

    if (h->cfg.log)
        h->cfg.log(h->cfg.log_opaque, line);
}

/* ---- guest memory ---------------------------------------------------------- */

static bool overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
    if (!alen || !blen)
        return false;
    return a < b + blen && b < a + alen;
}

static int mem_check(struct hv_dom *d, uint64_t gaddr, size_t len, bool write)
{
    if (gaddr > d->mem_size || len > d->mem_size - gaddr)
        return -EFAULT;
    if ((write ? d->fault_writes : d->fault_reads) &&
        overlaps(gaddr, len, d->fault_start, d->fault_len))
        return -EFAULT;
    return 0;
}

static int mem_copy_from(void *opaque, void *dst, uint64_t gaddr, size_t len)
{
    struct hv_dom *d = opaque;
    int rc = mem_check(d, gaddr, len, false);

    if (rc)
        return rc;
    if (len)
        memcpy(dst, d->mem + gaddr, len);
    return 0;
}

static int mem_copy_to(void *opaque, uint64_t gaddr, const void *src, size_t len)
{
    struct hv_dom *d = opaque;
    int rc = mem_check(d, gaddr, len, true);

    if (rc)
        return rc;
    if (len)
        memcpy(d->mem + gaddr, src, len);
    return 0;
}

int hv_gcopy_from(struct hv_dom *d, void *dst, uint64_t gaddr, size_t len)
{
    if (!d->guest.copy_from)
        return -EFAULT;
    return d->guest.copy_from(d->guest.opaque, dst, gaddr, len) ? -EFAULT : 0;
}

int hv_gcopy_to(struct hv_dom *d, uint64_t gaddr, const void *src, size_t len)
{
    if (!d->guest.copy_to)
        return -EFAULT;
    return d->guest.copy_to(d->guest.opaque, gaddr, src, len) ? -EFAULT : 0;
}

/* By guest-physical address: the host's phys callbacks, else the guest's. */
int hv_gphys_from(struct hv_dom *d, void *dst, uint64_t gpa, size_t len)
{
    const struct xsm_guest *g = d->has_phys ? &d->phys.mem : &d->guest;

    if (!g->copy_from)
        return -EFAULT;
    return g->copy_from(g->opaque, dst, gpa, len) ? -EFAULT : 0;
}

int hv_gphys_to(struct hv_dom *d, uint64_t gpa, const void *src, size_t len)
{
    const struct xsm_guest *g = d->has_phys ? &d->phys.mem : &d->guest;

    if (!g->copy_to)
        return -EFAULT;
    return g->copy_to(g->opaque, gpa, src, len) ? -EFAULT : 0;
}

int hv_gprobe_to(struct hv_dom *d, uint64_t gaddr, size_t len)
{
    uint8_t buf[512];

    /* Rewrite the bytes already there: the guest sees no change. */
    while (len) {
        size_t n = len < sizeof(buf) ? len : sizeof(buf);

        if (hv_gcopy_from(d, buf, gaddr, n) || hv_gcopy_to(d, gaddr, buf, n))
            return -EFAULT;
        gaddr += n;
        len -= n;
    }
    return 0;
}

int hv_guest_write(struct hv *h, xsm_domid_t domid, uint64_t gaddr, const void *src, size_t len)
{
    struct hv_dom *d = hv_dom_get(h, domid);

    return d ? hv_gcopy_to(d, gaddr, src, len) : -ESRCH;
}

int hv_guest_read(struct hv *h, xsm_domid_t domid, uint64_t gaddr, void *dst, size_t len)
{
    struct hv_dom *d = hv_dom_get(h, domid);

    return d ? hv_gcopy_from(d, dst, gaddr, len) : -ESRCH;
}

const struct xsm_guest *hv_guest(struct hv *h, xsm_domid_t domid)
{
    struct hv_dom *d = hv_dom_get(h, domid);

    return d ? &d->guest : NULL;
}

int hv_guest_set_fault(struct hv *h, xsm_domid_t domid, uint64_t gaddr, uint64_t len, bool reads,
                       bool writes)
{
    struct hv_dom *d = hv_dom_get(h, domid);

    if (!d)
        return -ESRCH;
    if (d->custom_guest)
        return -EINVAL;
    d->fault_start = gaddr;
    d->fault_len = len;
    d->fault_reads = len && reads;
    d->fault_writes = len && writes;
    return 0;
}

/* ---- domain life cycle ------------------------------------------------------ */

static void dom_free_mem(struct hv_dom *d)
{
    free(d->mem);
    free(d->chn);
    free(d->port);
    hv_gnttab_free(d);
    free(d->p2m);
    free(d);
}

static xsm_domid_t pick_domid(struct hv *h, xsm_domid_t want, int *rc)
{
    if (want > 0 && want < XSM_DOMID_FIRST_RESERVED) {
        *rc = hv_dom_get(h, want) ? -EEXIST : 0;
        return want;
    }
    for (xsm_domid_t id = (xsm_domid_t)(h->rover + 1);; id++) {
        if (id >= XSM_DOMID_FIRST_RESERVED)
            id = 1;
        if (!hv_dom_get(h, id)) {
            *rc = 0;
            return id;
        }
        if (id == h->rover)
            break;
    }
    *rc = -ENOMEM;
    return 0;
}

/*
 * Xen's domain_create(): label allocation and the domain_create hook, run
 * with 'cur' as the creator.  'privileged' only for dom0.
 */
static int dom_create(struct hv *h, struct xsm_domain *cur, const struct hv_domain_config *cfg,
                      bool privileged, xsm_domid_t *out)
{
    struct hv_dom *d;
    size_t mem = cfg->mem_size ? cfg->mem_size : h->cfg.guest_mem_size;
    uint32_t maxport = cfg->max_evtchn_port ? cfg->max_evtchn_port : h->cfg.max_evtchn_port;
    uint32_t frames = cfg->max_grant_frames ? cfg->max_grant_frames : h->cfg.max_grant_frames;
    xsm_domid_t id = 0;
    int rc;

    if (cfg->flags & ~(HV_CDF_hvm | HV_CDF_hap | HV_CDF_xs_domain))
        return -EINVAL;
    /*
     * The model allocates a guest's memory itself only without callbacks,
     * and then at most 64 MiB; a host that brings its own (a KVM VM) may
     * give up to 4 GiB (the KVM hosts here give at most 3 GiB).
     */
    if (frames > HV_MAX_GNT_FRAMES || (mem % HV_PAGE_SIZE) ||
        mem > (cfg->guest ? ((size_t)4 << 30) : ((size_t)64 << 20)))
        return -EINVAL;
    if (maxport >= HV_MAX_PORTS)
        maxport = HV_MAX_PORTS - 1;
    if (!privileged) {
        id = pick_domid(h, cfg->domid, &rc);
        if (rc)
            return rc;
    } else if (hv_dom_get(h, 0)) {
        return -EEXIST;
    }

    d = calloc(1, sizeof(*d));
    if (!d)
        return -ENOMEM;
    d->h = h;
    d->x.domid = id;
    d->x.is_privileged = privileged;
    d->x.is_xenstore = (cfg->flags & HV_CDF_xs_domain) != 0;
    d->x.is_console = cfg->is_console;
    d->x.is_compat = cfg->is_compat;
    d->cdf = cfg->flags;
    hv_hvm_init(d);
    d->ssidref = cfg->ssidref;
    memcpy(d->handle, cfg->handle, sizeof(d->handle));
    d->pause_count = privileged ? 0 : 1; /* guests start paused, as in Xen */
    d->mem_size = mem;

    if (cfg->guest) {
        d->guest = *cfg->guest;
        d->custom_guest = true;
    } else {
        d->mem = calloc(1, mem ? mem : 1);
        if (!d->mem) {
            dom_free_mem(d);
            return -ENOMEM;
        }
        d->guest.copy_from = mem_copy_from;
        d->guest.copy_to = mem_copy_to;
        d->guest.opaque = d;
    }
    d->guest.compat = cfg->is_compat;
    if (cfg->phys) {
        d->phys = *cfg->phys;
        d->has_phys = true;
    }

    if (hv_evtchn_init(d, maxport) || hv_gnttab_init(d, frames) || hv_memory_init(d)) {
        dom_free_mem(d);
        return -ENOMEM;
    }

    rc = xsm_alloc_security_domain(h->xsm, cur, &d->x);
    if (rc) {
        dom_free_mem(d);
        return rc;
    }
    rc = xsm_alloc_security_evtchns(h->xsm, cur, d->chn, d->nr_ports);
    if (rc) {
        xsm_free_security_domain(h->xsm, cur, &d->x);
        dom_free_mem(d);
        return rc;
    }
    rc = xsm_domain_create(h->xsm, cur, &d->x, cfg->ssidref);
    if (rc) {
        xsm_free_security_evtchns(h->xsm, cur, d->chn, d->nr_ports);
        xsm_free_security_domain(h->xsm, cur, &d->x);
        dom_free_mem(d);
        return rc;
    }

    /* Committed. */
    d->next = h->doms;
    h->doms = d;
    h->nr_doms++;
    if (!privileged)
        h->rover = id;
    if (out)
        *out = id;
    hv_note(h, "hv: created d%u%s%s", id, privileged ? " (control)" : "",
            d->x.is_xenstore ? " (xenstore)" : "");
    return 0;
}

/* Tear down (no checks): Xen's domain_kill + domain_destroy. */
void hv_dom_kill(struct hv *h, struct hv_dom *d)
{
    struct hv_dom **pp;

    d->dying = true;
    hv_evtchn_destroy(d);
    hv_gnttab_destroy(d);
    hv_argo_destroy(d);
    for (struct hv_dom *o = h->doms; o; o = o->next)
        if (o->x.target == &d->x)
            o->x.target = NULL;
    for (pp = &h->doms; *pp; pp = &(*pp)->next)
        if (*pp == d) {
            *pp = d->next;
            break;
        }
    h->nr_doms--;
    hv_evtchn_final(d);
    xsm_free_security_domain(h->xsm, &d->x, &d->x);
    dom_free_mem(d);
}

int hv_create(struct hv **out, const struct hv_config *cfg)
{
    static const struct hv_config none;
    struct hv_domain_config d0 = {0};
    struct xsm_config xc = {0};
    struct hv *h;
    int rc;

    if (!out)
        return -EINVAL;
    *out = NULL;
    if (!cfg)
        cfg = &none;
    h = calloc(1, sizeof(*h));
    if (!h)
        return -ENOMEM;
    h->cfg = *cfg;
    h->cfg.modules = h->cfg.flask_mode = NULL; /* not kept: the caller owns them */
    h->cfg.policy = NULL;
    h->cfg.boot_domains = NULL;
    h->cfg.nr_boot_domains = 0;
    if (!h->cfg.guest_mem_size)
        h->cfg.guest_mem_size = HV_DEFAULT_MEM;
    if (!h->cfg.max_evtchn_port)
        h->cfg.max_evtchn_port = HV_DEFAULT_MAX_PORT;
    if (!h->cfg.max_grant_frames)
        h->cfg.max_grant_frames = HV_DEFAULT_GNT_FRAMES;
    h->con = calloc(1, 1);
    if (!h->con) {
        free(h);
        return -ENOMEM;
    }

    h->host_ops.domain_get = host_domain_get;
    h->host_ops.evtchn_get = host_evtchn_get;
    h->host_ops.log = host_log;
    xc.modules = cfg->modules;
    xc.flask_mode = cfg->flask_mode;
    xc.policy = cfg->policy;
    xc.policy_len = cfg->policy_len;
    xc.host_ops = &h->host_ops;
    xc.host = h;
    rc = xsm_create(&h->xsm, &xc);
    if (rc) {
        free(h->con);
        free(h);
        return rc;
    }

    /* The idle domain builds dom0 while privileged, as at Xen's boot. */
    h->idle.domid = XSM_DOMID_IDLE;
    h->idle.is_privileged = true;
    rc = xsm_alloc_security_domain(h->xsm, &h->idle, &h->idle);
    if (rc) {
        xsm_destroy(h->xsm);
        free(h->con);
        free(h);
        return rc;
    }
    h->idle_labelled = true;
    d0.max_evtchn_port = 0;
    d0.guest = cfg->dom0_guest;
    d0.phys = cfg->dom0_phys;
    d0.mem_size = cfg->dom0_guest ? cfg->dom0_mem_size : 0;
    d0.is_compat = cfg->dom0_guest && cfg->dom0_guest->compat; /* a 32-bit dom0 */
    d0.flags = HV_CDF_hvm;
    rc = dom_create(h, &h->idle, &d0, true, NULL);
    for (unsigned i = 0; rc == 0 && i < cfg->nr_boot_domains; i++)
        rc = cfg->boot_domains ? dom_create(h, &h->idle, &cfg->boot_domains[i], false, NULL)
                               : -EINVAL;
    if (rc) {
        hv_destroy(h);
        return rc;
    }
    if (xsm_set_system_active(h->xsm, &h->idle))
        hv_note(h, "hv: set_system_active refused; demoting the idle domain anyway");
    h->idle.is_privileged = false;
    /* The system is live: every domain built at boot runs. */
    for (struct hv_dom *d = h->doms; d; d = d->next)
        d->pause_count = 0;
    *out = h;
    return 0;
}

void hv_destroy(struct hv *h)
{
    if (!h)
        return;
    /* The host may have freed its guests' memory already: no more callbacks. */
    h->ending = true;
    while (h->doms)
        hv_dom_kill(h, h->doms);
    if (h->idle_labelled)
        xsm_free_security_domain(h->xsm, &h->idle, &h->idle);
    xsm_destroy(h->xsm);
    free(h->con);
    free(h);
}

xsm_ctx *hv_xsm(struct hv *h)
{
    return h ? h->xsm : NULL;
}

struct xsm_domain *hv_domain_xsm(struct hv *h, xsm_domid_t domid)
{
    struct hv_dom *d = hv_dom_get(h, domid);

    return d ? &d->x : NULL;
}

bool hv_domain_exists(const struct hv *h, xsm_domid_t domid)
{
    return hv_dom_get(h, domid) != NULL;
}

unsigned hv_domain_count(const struct hv *h)
{
    return h->nr_doms;
}

/* ---- domctl operations -------------------------------------------------------- */

int hv_domain_create(struct hv *h, xsm_domid_t caller, const struct hv_domain_config *cfg,
                     xsm_domid_t *out)
{
    struct hv_dom *cur = hv_dom_get(h, caller);
    int rc;

    if (!cur)
        return -ESRCH;
    if (!cfg)
        return -EINVAL;
    rc = xsm_domctl(h->xsm, &cur->x, NULL, HV_DOMCTL_createdomain);
    if (rc)
        return rc;
    return dom_create(h, &cur->x, cfg, false, out);
}

int hv_dom_create(struct hv *h, struct xsm_domain *cur, const struct hv_domain_config *cfg,
                  xsm_domid_t *out)
{
    return dom_create(h, cur, cfg, false, out);
}

/*
 * The common start of a domctl on an existing domain: both domains looked
 * up (-ESRCH, as Xen's rcu_lock_domain_by_id) and the domctl hook asked,
 * before the command looks at anything else.
 */
static int domctl_on(struct hv *h, xsm_domid_t caller, xsm_domid_t domid, int cmd,
                     struct hv_dom **cur, struct hv_dom **d)
{
    *cur = hv_dom_get(h, caller);
    if (!*cur)
        return -ESRCH;
    *d = hv_dom_get(h, domid);
    if (!*d)
        return -ESRCH;
    return xsm_domctl(h->xsm, &(*cur)->x, &(*d)->x, cmd);
}

int hv_domain_destroy(struct hv *h, xsm_domid_t caller, xsm_domid_t domid)
{
    struct hv_dom *cur, *d;
    int rc = domctl_on(h, caller, domid, HV_DOMCTL_destroydomain, &cur, &d);

    if (rc)
        return rc;
    if (d == cur)
        return -EINVAL;
    hv_note(h, "hv: d%u destroyed by d%u", domid, caller);
    hv_dom_kill(h, d);
    return 0;
}

int hv_domain_pause(struct hv *h, xsm_domid_t caller, xsm_domid_t domid)
{
    struct hv_dom *cur, *d;
    int rc = domctl_on(h, caller, domid, HV_DOMCTL_pausedomain, &cur, &d);

    if (rc)
        return rc;
    if (d == cur)
        return -EINVAL;
    if (d->pause_count + 1 > HV_MAX_PAUSE)
        return -EOVERFLOW;
    d->pause_count++;
    return 0;
}

int hv_domain_unpause(struct hv *h, xsm_domid_t caller, xsm_domid_t domid)
{
    struct hv_dom *cur, *d;
    int rc = domctl_on(h, caller, domid, HV_DOMCTL_unpausedomain, &cur, &d);

    if (rc)
        return rc;
    if (d->pause_count - 1 < 0)
        return -EINVAL;
    d->pause_count--;
    return 0;
}

int hv_domain_getinfo(struct hv *h, xsm_domid_t caller, xsm_domid_t domid, struct hv_dominfo *out)
{
    struct hv_dom *cur = hv_dom_get(h, caller), *d;
    struct xsm_domaininfo xi = {0};
    int rc;

    if (!cur)
        return -ESRCH;
    d = hv_dom_get(h, domid);
    /* 4.17: the domctl hook sees NULL when the id names no domain. */
    rc = xsm_domctl(h->xsm, &cur->x, d ? &d->x : NULL, HV_DOMCTL_getdomaininfo);
    if (rc)
        return rc;
    if (!d) {
        /* 4.17 reports the first domain at or above the id. */
        if (domid >= XSM_DOMID_FIRST_RESERVED)
            return -EINVAL;
        for (struct hv_dom *o = h->doms; o; o = o->next)
            if (o->x.domid >= domid && (!d || o->x.domid < d->x.domid))
                d = o;
        if (!d)
            return -ESRCH;
    }
    rc = xsm_getdomaininfo(h->xsm, &cur->x, &d->x);
    if (rc)
        return rc;
    if (!out)
        return 0;
    memset(out, 0, sizeof(*out));
    out->domid = d->x.domid;
    out->flags =
        (d->dying ? HV_DOMINF_dying : 0) | (d->cdf & HV_CDF_hvm ? HV_DOMINF_hvm_guest : 0) |
        (d->pause_count > 0 ? HV_DOMINF_paused : 0) | (d->x.is_xenstore ? HV_DOMINF_xs_domain : 0);
    out->tot_pages = d->tot_pages;
    out->max_pages = d->max_pages;
    xsm_security_domaininfo(h->xsm, &cur->x, &d->x, &xi);
    out->ssidref = xi.ssidref;
    memcpy(out->handle, d->handle, sizeof(out->handle));
    out->target = d->x.target ? d->x.target->domid : XSM_DOMID_INVALID;
    return 0;
}

int hv_domain_set_target(struct hv *h, xsm_domid_t caller, xsm_domid_t domid, xsm_domid_t target)
{
    struct hv_dom *cur, *d, *e;
    int rc = domctl_on(h, caller, domid, HV_DOMCTL_set_target, &cur, &d);

    if (rc)
        return rc;
    e = hv_dom_get(h, target);
    if (!e)
        return -ESRCH;
    if (d == e || d->x.target)
        return -EINVAL;
    if (!(e->cdf & HV_CDF_hvm))
        return -EOPNOTSUPP; /* Xen only accepts HVM targets */
    rc = xsm_set_target(h->xsm, &cur->x, &d->x, &e->x);
    if (rc)
        return rc;
    d->x.target = &e->x;
    return 0;
}

/* ---- console ---------------------------------------------------------------------- */

int hv_console_append(struct hv *h, const char *s, size_t len)
{
    char *n;
    size_t drop = 0;

    if (len > HV_CONSOLE_MAX)
        return -EINVAL;
    /* A ring: the oldest output goes, but only once the new size is had. */
    if (h->con_len + len > HV_CONSOLE_MAX)
        drop = h->con_len + len - HV_CONSOLE_MAX;
    n = realloc(h->con, h->con_len - drop + len + 1);
    if (!n)
        return -ENOMEM;
    h->con = n;
    if (drop) {
        memmove(h->con, h->con + drop, h->con_len - drop);
        h->con_len -= drop;
    }
    memcpy(h->con + h->con_len, s, len);
    h->con_len += len;
    h->con[h->con_len] = '\0';
    return 0;
}

/*
 * Xen prints the control domain's output as is; other domains' output is
 * reduced to printable characters and prefixed "(dN) " per line.
 */
int hv_console_emit(struct hv *h, struct hv_dom *d, const char *buf, size_t len)
{
    char *out;
    size_t n = 0;
    bool midline = d->con_midline;
    int rc;

    if (len > HV_CONSOLE_MAX)
        return -EINVAL;
    if (d->x.is_privileged)
        return hv_console_append(h, buf, len);
    out = malloc(len * 9 + 16);
    if (!out)
        return -ENOMEM;
    for (size_t i = 0; i < len; i++) {
        char c = buf[i];

        if (c != '\n' && (c < 32 || c > 126))
            continue;
        if (!midline)
            n += (size_t)sprintf(out + n, "(d%u) ", d->x.domid);
        out[n++] = c;
        midline = c != '\n';
    }
    rc = hv_console_append(h, out, n);
    free(out);
    if (rc == 0)
        d->con_midline = midline; /* the line goes on only if the output went out */
    return rc;
}

long hv_console_write(struct hv *h, xsm_domid_t caller, const char *buf, size_t len)
{
    struct hv_dom *cur = hv_dom_get(h, caller);
    int rc;

    if (!cur)
        return -ESRCH;
    rc = xsm_console_io(h->xsm, &cur->x, &cur->x, HV_CONSOLEIO_write);
    if (rc)
        return rc;
    if (len && !buf)
        return -EFAULT;
    return hv_console_emit(h, cur, buf, len);
}

long hv_console_read(struct hv *h, xsm_domid_t caller, char *buf, size_t len)
{
    struct hv_dom *cur = hv_dom_get(h, caller);
    size_t n;
    int rc;

    if (!cur)
        return -ESRCH;
    rc = xsm_console_io(h->xsm, &cur->x, &cur->x, HV_CONSOLEIO_read);
    if (rc)
        return rc;
    if (len > 0x7fffffffU)
        return -E2BIG;
    n = len < h->con_in_len ? len : h->con_in_len;
    if (n && !buf)
        return -EFAULT;
    memcpy(buf, h->con_in, n);
    memmove(h->con_in, h->con_in + n, h->con_in_len - n);
    h->con_in_len -= n;
    return (long)n;
}

int hv_console_input(struct hv *h, const char *buf, size_t len)
{
    if (len > HV_CONSOLE_IN_MAX - h->con_in_len)
        return -ENOSPC;
    memcpy(h->con_in + h->con_in_len, buf, len);
    h->con_in_len += len;
    return 0;
}

const char *hv_console_log(const struct hv *h, size_t *len)
{
    if (len)
        *len = h->con_len;
    return h->con;
}

/* ---- sysctl ------------------------------------------------------------------------- */

long hv_sysctl_readconsole(struct hv *h, xsm_domid_t caller, char *buf, size_t cap, bool clear)
{
    struct hv_dom *cur = hv_dom_get(h, caller);
    size_t n;
    int rc;

    if (!cur)
        return -ESRCH;
    rc = xsm_sysctl(h->xsm, &cur->x, HV_SYSCTL_readconsole);
    if (rc)
        return rc;
    rc = xsm_readconsole(h->xsm, &cur->x, clear);
    if (rc)
        return rc;
    n = cap < h->con_len ? cap : h->con_len;
    if (n && !buf)
        return -EFAULT;
    memcpy(buf, h->con, n);
    if (clear) {
        h->con_len = 0;
        h->con[0] = '\0';
    }
    return (long)n;
}

int hv_sysctl_physinfo(struct hv *h, xsm_domid_t caller, struct hv_physinfo *out)
{
    struct hv_dom *cur = hv_dom_get(h, caller);
    uint64_t used = 0;
    int rc;

    if (!cur)
        return -ESRCH;
    rc = xsm_sysctl(h->xsm, &cur->x, HV_SYSCTL_physinfo);
    if (rc)
        return rc;
    for (struct hv_dom *d = h->doms; d; d = d->next)
        used += d->mem_size / HV_PAGE_SIZE;
    if (out) {
        memset(out, 0, sizeof(*out));
        out->nr_cpus = 4;
        out->nr_nodes = 1;
        out->cpu_khz = 2000000;
        out->total_pages = 262144;
        out->free_pages = used < out->total_pages ? out->total_pages - used : 0;
    }
    return 0;
}

/* ---- xen_version ----------------------------------------------------------------------- */

static const uint8_t model_build_id[20] = {0x6f, 0x70, 0x65, 0x6e, 0x78, 0x73, 0x6d,
                                           0x2d, 0x68, 0x76, 0x2d, 0x6d, 0x6f, 0x64,
                                           0x65, 0x6c, 0x00, 0x04, 0x11, 0x00};

static void put_str(uint8_t *out, size_t size, const char *s)
{
    memset(out, 0, size);
    strncpy((char *)out, s, size - 1);
}

long hv_xenver_core(struct hv *h, struct hv_dom *cur, unsigned cmd, bool compat, uint8_t *io,
                    size_t *io_len, bool arg_null, hv_xenver_fetch fetch, void *ctx)
{
    const char *deny_str = "<denied>";
    bool deny = xsm_xen_version(h->xsm, &cur->x, cmd) != 0;

    *io_len = 0;
    switch (cmd) {
    case HV_XENVER_version:
        return (4 << 16) | 17;
    case HV_XENVER_extraversion:
        put_str(io, 16, deny ? deny_str : ".0-openxsm");
        *io_len = 16;
        return 0;
    case HV_XENVER_compile_info:
        put_str(io, 64, deny ? deny_str : "openxsm hv model");
        put_str(io + 64, 16, deny ? deny_str : "openxsm");
        put_str(io + 80, 32, deny ? deny_str : "localdomain");
        put_str(io + 112, 32, deny ? deny_str : "Wed Nov 25 2026");
        *io_len = 144;
        return 0;
    case HV_XENVER_capabilities:
        put_str(io, 1024, deny ? deny_str : "xen-3.0-x86_64 hvm-3.0-x86_32 hvm-3.0-x86_64");
        *io_len = 1024;
        return 0;
    case HV_XENVER_changeset:
        put_str(io, 64, deny ? deny_str : "openxsm hv model");
        *io_len = 64;
        return 0;
    case HV_XENVER_platform_parameters:
        /* Xen answers this one regardless of XSM. */
        if (compat) {
            hv_st32(io, 0xf5800000U);
            *io_len = 4;
        } else {
            hv_st64(io, 0xffff800000000000ULL);
            *io_len = 8;
        }
        return 0;
    case HV_XENVER_get_features: {
        uint32_t idx;

        if (fetch(ctx, io, 8) != 0)
            return -EFAULT;
        idx = hv_ld32(io);
        if (idx >= 1)
            return -EINVAL;
        hv_st32(io + 4, 0x1U); /* writable_page_tables, as a model */
        *io_len = 8;
        return 0;
    }
    case HV_XENVER_pagesize:
        if (deny)
            return 0;
        return arg_null ? (long)HV_PAGE_SIZE : -EINVAL;
    case HV_XENVER_guest_handle:
        memset(io, 0, 16);
        if (!deny)
            memcpy(io, cur->handle, 16);
        *io_len = 16;
        return 0;
    case HV_XENVER_commandline:
        put_str(io, 1024, deny ? deny_str : "xsm=model console=ring");
        *io_len = 1024;
        return 0;
    case HV_XENVER_build_id: {
        uint32_t len;

        if (deny)
            return -EPERM;
        if (arg_null)
            return (long)sizeof(model_build_id);
        if (fetch(ctx, io, 4) != 0)
            return -EFAULT;
        len = hv_ld32(io);
        if (len == 0)
            return -EINVAL;
        if (len < sizeof(model_build_id))
            return -ENOBUFS;
        hv_st32(io, sizeof(model_build_id));
        memcpy(io + 4, model_build_id, sizeof(model_build_id));
        *io_len = 4 + sizeof(model_build_id);
        return (long)sizeof(model_build_id);
    }
    default:
        return -ENOSYS;
    }
}

/* The host's call: the input is the caller's buffer, as far as it goes. */
struct host_buf {
    const void *buf;
    size_t len;
};

static int host_fetch(void *ctx, uint8_t *io, size_t len)
{
    const struct host_buf *hb = ctx;

    if (hb->buf && hb->len)
        memcpy(io, hb->buf, hb->len < len ? hb->len : len);
    return 0;
}

long hv_xen_version(struct hv *h, xsm_domid_t caller, unsigned cmd, void *buf, size_t buf_len)
{
    struct hv_dom *cur = hv_dom_get(h, caller);
    struct host_buf hb = {buf, buf_len};
    uint8_t io[1024] = {0};
    size_t out_len;
    long rc;

    if (!cur)
        return -ESRCH;
    rc = hv_xenver_core(h, cur, cmd, false, io, &out_len, buf == NULL, host_fetch, &hb);
    if (rc < 0 || !out_len)
        return rc;
    if (!buf || buf_len < out_len)
        return -EINVAL;
    memcpy(buf, io, out_len);
    return rc;
}
