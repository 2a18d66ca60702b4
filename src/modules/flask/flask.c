/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The FLASK module: descriptor, per-instance state, boot modes and the
 * services the hooks and the op handler share (AVC front end, labelling
 * helpers on top of the security server).
 *
 * Design: Xen keeps FLASK's state in globals (flask_enforcing, the AVC, the
 * policydb, the pending boolean array).  Here all of it lives in one
 * struct flask_state per instance (mi->priv), so any number of contexts can
 * run FLASK with different policies at the same time.  The security server
 * is created with Xen 4.17's class table and, by default, Xen's strict class
 * check, so a policy whose first 13 classes are not Xen's is refused at load
 * exactly as Xen's validate_classes() does, and mapped and policy class
 * values agree.  With flask_classes = "name" the security server maps them
 * by name instead (hooks see Xen 4.17's bits whatever the policy's layout);
 * FLASK_ACCESS and friends then speak the policy's own class and permission
 * values, as Linux's selinuxfs does.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openxsm/xen/flask_op.h>

#include "flask.h"

/* Xen's initial_sid_to_string, index 0 being the null SID. */
static const char *const initial_sid_names[SECINITSID_NUM + 1] = {
    "null",     "xenboot", "xen",   "dom0", "domio",  "domxen", "unlabeled",
    "security", "ioport",  "iomem", "irq",  "device", "domU",   "domDM",
};

const char *flask_initial_sid_name(uint32_t sid)
{
    return sid <= SECINITSID_NUM ? initial_sid_names[sid] : NULL;
}

struct flask_state *flask_state(struct xsm_instance *mi)
{
    return mi->priv;
}

ss_ctx *flask_ss(struct xsm_instance *mi)
{
    return flask_state(mi)->ss;
}

bool flask_enforcing(struct xsm_instance *mi)
{
    return flask_avc_enforcing(flask_state(mi)->avc);
}

bool flask_policy_loaded(struct xsm_instance *mi)
{
    return ss_policy_loaded(flask_state(mi)->ss);
}

_Atomic bool *flask_dom0_created(struct xsm_instance *mi)
{
    return &flask_state(mi)->dom0_created;
}

struct flask_avc *flask_avc(struct xsm_instance *mi)
{
    return flask_state(mi)->avc;
}

/* Callers hold op_lock. */
int flask_set_enforcing(struct xsm_instance *mi, bool enforcing)
{
    struct flask_state *st = flask_state(mi);
    /* A switch to enforcing drops the decisions widened while permissive; it may fail, first. */
    int rc = flask_avc_set_enforcing(st->avc, enforcing);

    if (rc != 0)
        return rc;
    /* The security server's invalid-context rules follow the mode (ss_set_enforcing). */
    ss_set_enforcing(st->ss, enforcing);
    return 0;
}

/* The AVC flush is allocated before the load: after it, only the new policy's decisions. */
static int load_policy(struct xsm_instance *mi, const void *image, size_t len)
{
    struct flask_state *st = flask_state(mi);
    struct flask_avc_flush *flush;
    int rc;

    rc = flask_avc_flush_prepare(st->avc, &flush);
    if (rc != 0) {
        xsm_log(mi->ctx, "Flask: policy load failed: out of memory");
        return rc;
    }
    rc = ss_load_policy(st->ss, image, len);
    if (rc != 0) {
        flask_avc_flush_cancel(flush);
        xsm_log(mi->ctx, "Flask: policy load failed: %s", ss_last_error(st->ss));
        return rc;
    }
    flask_avc_flush_commit(st->avc, flush, ss_seqno(st->ss));
    flask_bools_drop_pending(st);
    flask_coverage_report(mi);
    return 0;
}

/* FLASK_LOAD: as Xen's flask_security_load, the first policy is announced. */
int flask_load_policy(struct xsm_instance *mi, const void *image, size_t len)
{
    struct flask_state *st = flask_state(mi);
    bool reload = ss_policy_loaded(st->ss);
    int rc = load_policy(mi, image, len);

    if (rc == 0 && !reload)
        xsm_log(mi->ctx, "Flask: Policy loaded, continuing in %s mode.",
                flask_enforcing(mi) ? "enforcing" : "permissive");
    return rc;
}

int flask_unknown_permission(struct xsm_instance *mi, const char *what, int id)
{
    struct flask_state *st = flask_state(mi);

    if (!flask_enforcing(mi) ||
        (ss_policy_loaded(st->ss) && ss_handle_unknown(st->ss) == SS_UNKNOWN_ALLOW)) {
        xsm_log(mi->ctx, "FLASK: Allowing unknown %s: %d.", what, id);
        return 0;
    }
    xsm_log(mi->ctx, "FLASK: Denying unknown %s: %d.", what, id);
    return -EPERM;
}

/* Xen's rule before any policy: a new domain keeps its source label. */
static uint32_t prepolicy_newsid(uint32_t ssid, uint32_t tsid, uint16_t tclass)
{
    return tclass == SECCLASS_DOMAIN ? ssid : tsid;
}

int flask_transition_sid(struct xsm_instance *mi, uint32_t ssid, uint32_t tsid, uint16_t tclass,
                         uint32_t *out)
{
    ss_ctx *ss = flask_ss(mi);

    if (!ss_policy_loaded(ss)) {
        *out = prepolicy_newsid(ssid, tsid, tclass);
        return 0;
    }
    return ss_transition_sid_mapped(ss, ssid, tsid, tclass, out);
}

int flask_member_sid(struct xsm_instance *mi, uint32_t ssid, uint32_t tsid, uint16_t tclass,
                     uint32_t *out)
{
    ss_ctx *ss = flask_ss(mi);

    if (!ss_policy_loaded(ss)) {
        *out = prepolicy_newsid(ssid, tsid, tclass);
        return 0;
    }
    return ss_member_sid_mapped(ss, ssid, tsid, tclass, out);
}

int flask_context_of(struct xsm_instance *mi, uint32_t sid, char **out, size_t *len)
{
    ss_ctx *ss = flask_ss(mi);
    size_t n = 0;
    char *buf;
    int rc;

    if (!ss_policy_loaded(ss)) {
        const char *name = flask_initial_sid_name(sid);

        if (name == NULL)
            return -EINVAL;
        n = strlen(name) + 1;
        buf = malloc(n);
        if (buf == NULL)
            return -ENOMEM;
        memcpy(buf, name, n);
        *out = buf;
        *len = n;
        return 0;
    }
    rc = ss_sid_to_context(ss, sid, NULL, 0, &n);
    if (rc != 0 && rc != -ERANGE)
        return rc;
    buf = malloc(n);
    if (buf == NULL)
        return -ENOMEM;
    rc = ss_sid_to_context(ss, sid, buf, n, &n);
    if (rc != 0) {
        free(buf);
        return rc;
    }
    *out = buf;
    *len = n;
    return 0;
}

char *flask_sid_to_context(struct xsm_instance *mi, uint32_t sid)
{
    char *s = NULL;
    size_t len;

    return flask_context_of(mi, sid, &s, &len) == 0 ? s : NULL;
}

static uint32_t ocon_default_sid(unsigned ocon)
{
    switch (ocon) {
    case SS_OCON_PIRQ:
        return SECINITSID_IRQ;
    case SS_OCON_IOPORT:
        return SECINITSID_IOPORT;
    case SS_OCON_IOMEM:
        return SECINITSID_IOMEM;
    case SS_OCON_DEVICE:
        return SECINITSID_DEVICE;
    default:
        return 0;
    }
}

int flask_resource_sid(struct xsm_instance *mi, unsigned ocon, uint64_t value, uint32_t *out)
{
    ss_ctx *ss = flask_ss(mi);
    uint32_t def = ocon_default_sid(ocon);

    if (def == 0)
        return -EINVAL;
    /* Before any policy the security server answers from Xen's empty database. */
    return ss_ocontext_sid(ss, ocon, value, out);
}

/* Ranged labels come from the security server's walk of its sorted lists. */
int flask_resource_iterate(struct xsm_instance *mi, unsigned ocon, uint64_t lo, uint64_t hi,
                           int (*fn)(void *opaque, uint32_t sid, uint64_t lo, uint64_t hi),
                           void *opaque)
{
    ss_ctx *ss = flask_ss(mi);
    uint32_t def = ocon_default_sid(ocon);

    if (def == 0 || lo > hi || fn == NULL)
        return -EINVAL;
    if (ocon == SS_OCON_IOPORT || ocon == SS_OCON_IOMEM)
        return ss_ocontext_iterate(ss, ocon, lo, hi, fn, opaque);
    /* PIRQs and devices are single values. */
    uint32_t sid;
    int rc = ss_ocontext_sid(ss, ocon, lo, &sid);
    if (rc != 0)
        return rc;
    if (lo != hi)
        return -EINVAL;
    return fn(opaque, sid, lo, hi);
}

int flask_devicetree_sid(struct xsm_instance *mi, const char *path, uint32_t *out)
{
    ss_ctx *ss = flask_ss(mi);

    if (path == NULL)
        return -EINVAL;
    return ss_devicetree_sid(ss, path, out);
}

int flask_security_has_perm(struct xsm_instance *mi, struct xsm_domain *cur, uint32_t perm,
                            const char *what)
{
    const struct flask_domain_sec *dsec = flask_dsec(mi, cur);
    /* Xen's domain_has_security audits no data: the line shows current=. */
    struct flask_audit ad = {.cur = cur};

    (void)what; /* names the op for readers; Xen's audit line has no such field */
    /* As Xen: a caller without a label is refused even before any policy. */
    if (dsec == NULL)
        return -EACCES;
    return flask_avc_has_perm(mi, dsec->sid, SECINITSID_SECURITY, SECCLASS_SECURITY, perm, &ad);
}

static void flask_ss_log(void *opaque, const char *line)
{
    struct xsm_instance *mi = opaque;

    xsm_log(mi->ctx, "%s", line);
}

static int flask_parse_mode(const char *mode, enum flask_boot_mode *out)
{
    static const struct {
        const char *name;
        enum flask_boot_mode mode;
    } modes[] = {
        {"enforcing", FLASK_BOOT_ENFORCING},
        {"permissive", FLASK_BOOT_PERMISSIVE},
        {"late", FLASK_BOOT_LATE},
        {"disabled", FLASK_BOOT_DISABLED},
    };

    if (mode == NULL) {
        *out = FLASK_BOOT_ENFORCING;
        return 0;
    }
    for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
        if (strcmp(mode, modes[i].name) == 0) {
            *out = modes[i].mode;
            return 0;
        }
    }
    return -EINVAL;
}

static void flask_fini(struct xsm_instance *mi)
{
    struct flask_state *st = mi->priv;
    unsigned released;

    if (st == NULL)
        return;
    released = flask_labels_release(mi);
    if (released > 0)
        xsm_log(mi->ctx, "Flask: %u domain labels still held at destroy; released", released);
    flask_bools_drop_pending(st);
    flask_avc_destroy(st->avc);
    ss_destroy(st->ss);
    pthread_mutex_destroy(&st->labels_lock);
    pthread_mutex_destroy(&st->op_lock);
    free(st);
    mi->priv = NULL;
}

static int flask_init(struct xsm_instance *mi, const struct xsm_config *cfg)
{
    struct ss_config sc = {
        .semantics = SS_SEM_XEN,
        .map = flask_class_map,
        .nmap = SECCLASS_NUM,
        .map_strict = true,
        .log = flask_ss_log,
        .log_opaque = mi,
        .xen_formats = true,
    };
    enum flask_boot_mode mode;
    struct flask_avc_config avc_cfg = {0};
    struct flask_state *st;
    const void *image;
    bool enforcing;
    size_t len;
    int rc;

    rc = flask_parse_mode(cfg->flask_mode, &mode);
    if (rc != 0) {
        xsm_log(mi->ctx, "Flask: Invalid value for flask= boot parameter.");
        return rc;
    }
    if (cfg->flask_classes != NULL && strcmp(cfg->flask_classes, "name") == 0)
        sc.map_strict = false;
    else if (cfg->flask_classes != NULL && strcmp(cfg->flask_classes, "strict") != 0)
        return -EINVAL;
    /* Xen 4.17's policy formats unless the host asks for all the reader knows. */
    if (cfg->flask_formats != NULL && strcmp(cfg->flask_formats, "all") == 0)
        sc.xen_formats = false;
    else if (cfg->flask_formats != NULL && strcmp(cfg->flask_formats, "xen") != 0)
        return -EINVAL;
    /* Declined: the instance runs without FLASK, as Xen falls back to dummy. */
    if (mode == FLASK_BOOT_DISABLED) {
        xsm_log(mi->ctx, "Flask: Disabled at boot.");
        return 1;
    }
    enforcing = mode != FLASK_BOOT_PERMISSIVE;

    st = calloc(1, sizeof(*st));
    if (st == NULL)
        return -ENOMEM;
    if (pthread_mutex_init(&st->op_lock, NULL) != 0) {
        free(st);
        return -ENOMEM;
    }
    if (pthread_mutex_init(&st->labels_lock, NULL) != 0) {
        pthread_mutex_destroy(&st->op_lock);
        free(st);
        return -ENOMEM;
    }
    mi->priv = st;
    st->mode = mode;
    avc_cfg.enforcing = enforcing;
    avc_cfg.nr_cpus = cfg->nr_cpus;
    if (cfg->host_ops != NULL)
        avc_cfg.current_cpu = cfg->host_ops->current_cpu;
    avc_cfg.host = cfg->host;
    rc = ss_create(&st->ss, &sc);
    if (rc == 0)
        rc = flask_avc_create(&st->avc, &avc_cfg);
    if (rc != 0) {
        flask_fini(mi);
        return rc < 0 ? rc : -ENOMEM;
    }
    ss_set_enforcing(st->ss, enforcing);
    flask_coverage_init(mi);

    /* Xen's boot messages (flask_init), word for word. */
    if (mode == FLASK_BOOT_LATE) {
        xsm_log(mi->ctx, "Flask:  Access controls disabled until policy is loaded.");
        return 0;
    }

    if (cfg->policy != NULL) {
        image = cfg->policy;
        len = cfg->policy_len;
    } else {
        image = flask_default_policy;
        len = flask_default_policy_len;
    }
    rc = load_policy(mi, image, len);
    /*
     * Permissive boot runs without a policy that cannot be loaded, as Xen
     * does; out of memory is not such a policy: the host gets -ENOMEM and
     * may try again, rather than an instance in another state.
     */
    if (rc != 0 && (enforcing || rc == -ENOMEM)) {
        /* Xen panics with this message; here the context is not created. */
        xsm_log(mi->ctx, "Unable to load FLASK policy");
        flask_fini(mi);
        return rc;
    }
    if (rc != 0)
        xsm_log(mi->ctx, "Flask:  Access controls disabled until policy is loaded.");
    else
        xsm_log(mi->ctx, "Flask:  Starting in %s mode.", enforcing ? "enforcing" : "permissive");
    return 0;
}

static long flask_op(struct xsm_instance *mi, struct xsm_domain *cur, const struct xsm_guest *g,
                     void *op, bool *copyback)
{
    return flask_do_op(mi, cur, g, op, copyback);
}

const struct xsm_module xsm_module_flask = {
    .id = XSM_MODULE_FLASK,
    .name = "flask",
    .flags = XSM_MODF_AUTHORITATIVE,
    .interface_version = XEN_FLASK_INTERFACE_VERSION,
    .nr_cmds = FLASK_NR_CMDS,
    .ops = &flask_ops,
    .init = flask_init,
    .fini = flask_fini,
    /* Domains are labelled by the alloc_security_domain hook. */
    .domain_init = NULL,
    .op = flask_op,
};
