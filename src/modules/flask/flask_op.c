/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * FLASK's 25 xsm_op commands with Xen 4.17's semantics (xen/xsm/flask/
 * flask_op.c), native and compat.
 *
 * The dispatcher has already copied the 40-byte op and checked the version
 * and command range.  Each command decodes its member (op_decode.h turns
 * the four handle-carrying members of either layout into one form), checks
 * the caller's security permission, reads any nested string or buffer
 * completely, computes its answer and only then changes state.  Output is
 * written back into the op buffer, in the caller's layout, and *copyback is
 * set for Xen's COPY_OUT set; the core copies it out on success only.
 *
 * Guest memory is never touched under op_lock (struct op_io below): a
 * host's copy may be slow or may block on the guest's behalf, and the
 * commands that take the lock include GETBOOL, which any domain may call.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/op_decode.h"
#include "flask.h"

/* Xen's PAGE_SIZE limit on strings and MAX_POLICY_SIZE on LOAD. */
#define FLASK_STRING_MAX 4096U
#define FLASK_POLICY_MAX 0x4000000U
/* Xen's POLICYDB_VERSION_MAX. */
#define FLASK_POLICYDB_VERSION 30
#define FLASK_BOOL_BY_NAME     0xffffffffU

/*
 * Xen's safe_copy_string_from_guest: at most FLASK_STRING_MAX bytes
 * (-ENOBUFS beyond), always NUL-terminated after 'size' bytes, so 4.17
 * callers may send the string with or without its NUL.
 */
static int copy_string(const struct xsm_guest *g, uint64_t gaddr, uint32_t size, char **out)
{
    char *buf;

    if (size > FLASK_STRING_MAX)
        return -ENOBUFS;
    buf = malloc((size_t)size + 1);
    if (buf == NULL)
        return -ENOMEM;
    if (size > 0 && g->copy_from(g->opaque, buf, gaddr, size) != 0) {
        free(buf);
        return -EFAULT;
    }
    buf[size] = '\0';
    *out = buf;
    return 0;
}

static int copy_out(const struct xsm_guest *g, uint64_t gaddr, const void *src, size_t len)
{
    if (len == 0)
        return 0;
    if (g->copy_to == NULL || g->copy_to(g->opaque, gaddr, src, len) != 0)
        return -EFAULT;
    return 0;
}

static int has_sec(struct xsm_instance *mi, struct xsm_domain *cur, uint32_t perm, const char *what)
{
    return flask_security_has_perm(mi, cur, perm, what);
}

/*
 * What a command reads from and writes to guest memory besides the op,
 * done outside op_lock: the input is fetched (permission checked first, as
 * before any read) before the lock is taken, the output written after it
 * is released.  Xen, too, copies LOAD's image and a boolean's name before
 * it takes sel_sem (its copies never block; a host's may: xsmd reads
 * another process's memory).
 */
struct op_io {
    void *image; /* LOAD */
    uint32_t image_len;
    char *str; /* a boolean's name (by name), a device-tree path */
    char *out; /* GETBOOL by id: the name to write to out_addr */
    size_t out_len;
    uint64_t out_addr;
    bool checked; /* SETENFORCE, SETAVC_THRESHOLD: the permission was needed and held */
};

static long op_load(struct xsm_instance *mi, const struct op_io *io)
{
    return flask_load_policy(mi, io->image, io->image_len);
}

/*
 * The permission was checked by op_fetch if the mode was to change then;
 * if not, the command took effect there, as a no-op (Xen, too, tests the
 * mode and checks the permission before, and without, any lock).
 */
static long op_setenforce(struct xsm_instance *mi, void *op, const struct op_io *io)
{
    bool enforce = ((xen_flask_op_t *)op)->u.enforce.enforcing != 0;

    if (!io->checked || enforce == flask_enforcing(mi))
        return 0;
    return flask_set_enforcing(mi, enforce);
}

static long op_context_to_sid(struct xsm_instance *mi, struct xsm_domain *cur,
                              const struct xsm_guest *g, void *op, bool *copyback)
{
    struct xsm_op_sid_context sc;
    uint32_t sid = SECINITSID_XEN;
    char *buf;
    int rc;

    xsm_op_get_sid_context(op, g->compat, &sc);
    rc = has_sec(mi, cur, SECURITY__CHECK_CONTEXT, "flask_context_to_sid");
    if (rc != 0)
        return rc;
    rc = copy_string(g, sc.context, sc.size, &buf);
    if (rc != 0)
        return rc;
    if (!flask_policy_loaded(mi)) {
        /* Xen matches initial-SID names, all but the last, else "xen". */
        for (uint32_t i = 1; i < SECINITSID_NUM; i++) {
            if (strcmp(flask_initial_sid_name(i), buf) == 0) {
                sid = i;
                break;
            }
        }
    } else {
        rc = ss_context_to_sid(flask_ss(mi), buf, sc.size, &sid);
    }
    free(buf);
    if (rc != 0)
        return rc;
    sc.sid = sid;
    xsm_op_put_sid_context(op, g->compat, &sc);
    *copyback = true;
    return 0;
}

static long op_sid_to_context(struct xsm_instance *mi, struct xsm_domain *cur,
                              const struct xsm_guest *g, void *op, bool *copyback)
{
    struct xsm_op_sid_context sc;
    char *ctx;
    size_t len;
    int rc;

    xsm_op_get_sid_context(op, g->compat, &sc);
    rc = has_sec(mi, cur, SECURITY__CHECK_CONTEXT, "flask_sid_to_context");
    if (rc != 0)
        return rc;
    rc = flask_context_of(mi, sc.sid, &ctx, &len);
    if (rc != 0)
        return rc;
    if (len > sc.size)
        rc = -ERANGE;
    else
        rc = copy_out(g, sc.context, ctx, len);
    free(ctx);
    if (rc != 0)
        return rc;
    sc.size = (uint32_t)len;
    xsm_op_put_sid_context(op, g->compat, &sc);
    *copyback = true;
    return 0;
}

static long op_access(struct xsm_instance *mi, struct xsm_domain *cur, void *op, bool *copyback)
{
    xen_flask_access_t *a = &((xen_flask_op_t *)op)->u.access;
    struct ss_av_decision avd = {.allowed = 0xffffffffU, .auditdeny = 0xffffffffU};
    int rc;

    rc = has_sec(mi, cur, SECURITY__COMPUTE_AV, "flask_access");
    if (rc != 0)
        return rc;
    if (flask_policy_loaded(mi)) {
        rc = ss_compute_av(flask_ss(mi), a->ssid, a->tsid, (uint16_t)a->tclass, &avd);
        if (rc != 0)
            return rc;
    }
    a->allowed = avd.allowed;
    a->audit_allow = avd.auditallow;
    a->audit_deny = avd.auditdeny;
    a->seqno = avd.seqno;
    *copyback = true;
    return 0;
}

/* CREATE, RELABEL and MEMBER: policy class values, as Xen's op takes them. */
static long op_transition(struct xsm_instance *mi, struct xsm_domain *cur, void *op, bool *copyback,
                          uint16_t sub)
{
    xen_flask_transition_t *t = &((xen_flask_op_t *)op)->u.transition;
    uint16_t tclass = (uint16_t)t->tclass;
    uint32_t perm, newsid;
    int rc;

    perm = sub == FLASK_CREATE   ? SECURITY__COMPUTE_CREATE
           : sub == FLASK_MEMBER ? SECURITY__COMPUTE_MEMBER
                                 : SECURITY__COMPUTE_RELABEL;
    rc = has_sec(mi, cur, perm, "flask_transition");
    if (rc != 0)
        return rc;
    if (!flask_policy_loaded(mi)) {
        newsid = tclass == SECCLASS_DOMAIN ? t->ssid : t->tsid;
    } else {
        ss_ctx *ss = flask_ss(mi);

        if (sub == FLASK_CREATE)
            rc = ss_transition_sid(ss, t->ssid, t->tsid, tclass, &newsid);
        else if (sub == FLASK_MEMBER)
            rc = ss_member_sid(ss, t->ssid, t->tsid, tclass, &newsid);
        else
            rc = ss_change_sid(ss, t->ssid, t->tsid, tclass, &newsid);
        if (rc != 0)
            return rc;
    }
    t->newsid = newsid;
    *copyback = true;
    return 0;
}

void flask_bools_drop_pending(struct flask_state *st)
{
    free(st->bool_pending);
    st->bool_pending = NULL;
    st->bool_num = 0;
}

static unsigned bool_count(struct xsm_instance *mi)
{
    return flask_policy_loaded(mi) ? ss_bool_count(flask_ss(mi)) : 0;
}

/*
 * Make 'values' (bool_count entries) the live boolean values.  FLASK keeps
 * its own pending values (Xen's bool_pending); the security server's are
 * only the way in, so a commit that fails sets them back to the live ones.
 */
static int bools_apply(struct xsm_instance *mi, const int *values, unsigned num)
{
    ss_ctx *ss = flask_ss(mi);
    struct flask_avc_flush *flush;
    int rc;

    rc = flask_avc_flush_prepare(flask_avc(mi), &flush);
    if (rc != 0)
        return rc;
    for (unsigned i = 0; i < num && rc == 0; i++)
        rc = ss_bool_set_pending(ss, i, values[i]);
    if (rc == 0)
        rc = ss_bool_commit(ss);
    if (rc != 0) {
        for (unsigned i = 0; i < num; i++) {
            int active;

            if (ss_bool_get(ss, i, &active, NULL) == 0)
                ss_bool_set_pending(ss, i, active);
        }
        flask_avc_flush_cancel(flush);
        return rc;
    }
    flask_avc_flush_commit(flask_avc(mi), flush, ss_seqno(ss));
    flask_audit_bools_committed(mi);
    return 0;
}

/* A snapshot of the live values (Xen's security_get_bools). */
static int bools_snapshot(struct xsm_instance *mi, int **out, unsigned *num)
{
    unsigned n = bool_count(mi);
    int *v = calloc(n > 0 ? n : 1, sizeof(*v));

    if (v == NULL)
        return -ENOMEM;
    for (unsigned i = 0; i < n; i++) {
        int active, pending;
        int rc = ss_bool_get(flask_ss(mi), i, &active, &pending);

        if (rc != 0) {
            free(v);
            return rc;
        }
        v[i] = active;
    }
    *out = v;
    *num = n;
    return 0;
}

/* bool_id 0xffffffff: look the fetched name up; not found leaves -ENOENT as the id. */
static void bool_resolve(struct xsm_instance *mi, const struct op_io *io, struct xsm_op_boolean *b)
{
    int rc;

    if (b->bool_id != FLASK_BOOL_BY_NAME || io->str == NULL)
        return;
    rc = flask_policy_loaded(mi) ? ss_bool_index(flask_ss(mi), io->str, strlen(io->str)) : -ENOENT;
    b->bool_id = (uint32_t)(rc < 0 ? -ENOENT : rc);
    b->size = 0;
}

static long op_getbool(struct xsm_instance *mi, const struct xsm_guest *g, void *op, bool *copyback,
                       struct op_io *io)
{
    struct flask_state *st = flask_state(mi);
    struct xsm_op_boolean b;
    int active, pending, rc;

    xsm_op_get_boolean(op, g->compat, &b);
    bool_resolve(mi, io, &b);
    if (b.bool_id >= bool_count(mi))
        return -ENOENT;
    rc = ss_bool_get(flask_ss(mi), b.bool_id, &active, &pending);
    if (rc != 0)
        return rc;
    b.enforcing = (uint8_t)active;
    b.pending = (uint8_t)(st->bool_pending != NULL ? st->bool_pending[b.bool_id] : active);
    if (b.size != 0) {
        /* By id: the name goes out without its NUL, after op_lock (flask_do_op). */
        const char *name = ss_bool_name(flask_ss(mi), b.bool_id);
        size_t len = name != NULL ? strlen(name) : 0;

        if (len > b.size)
            return -ERANGE;
        io->out = malloc(len > 0 ? len : 1);
        if (io->out == NULL)
            return -ENOMEM;
        if (len > 0)
            memcpy(io->out, name, len);
        io->out_len = len;
        io->out_addr = b.name;
        b.size = (uint32_t)len;
    }
    xsm_op_put_boolean(op, g->compat, &b);
    *copyback = true;
    return 0;
}

/* The permission was checked, and a name fetched, by op_fetch. */
static long op_setbool(struct xsm_instance *mi, const struct xsm_guest *g, void *op, bool *copyback,
                       const struct op_io *io)
{
    struct flask_state *st = flask_state(mi);
    struct xsm_op_boolean b;
    int value, rc;

    xsm_op_get_boolean(op, g->compat, &b);
    bool_resolve(mi, io, &b);
    value = b.new_value != 0;

    if (b.commit) {
        /* Only this boolean changes live; other pending values stay pending. */
        int *values;
        unsigned num;

        rc = bools_snapshot(mi, &values, &num);
        if (rc != 0)
            return rc;
        if (b.bool_id >= num) {
            free(values);
            return -ENOENT;
        }
        values[b.bool_id] = value;
        rc = bools_apply(mi, values, num);
        free(values);
        if (rc != 0)
            return rc;
        if (st->bool_pending != NULL)
            st->bool_pending[b.bool_id] = value;
        b.enforcing = b.pending = (uint8_t)value;
    } else {
        int active, pending;

        /* Xen keeps the snapshot even when the id then turns out bad. */
        if (st->bool_pending == NULL) {
            int *values;
            unsigned num;

            rc = bools_snapshot(mi, &values, &num);
            if (rc != 0)
                return rc;
            if (num == 0) {
                free(values);
            } else {
                st->bool_pending = values;
                st->bool_num = num;
            }
        }
        if (b.bool_id >= st->bool_num || st->bool_pending == NULL)
            return -ENOENT;
        rc = ss_bool_get(flask_ss(mi), b.bool_id, &active, &pending);
        if (rc != 0)
            return rc;
        st->bool_pending[b.bool_id] = value;
        b.pending = (uint8_t)value;
        b.enforcing = (uint8_t)active;
    }
    xsm_op_put_boolean(op, g->compat, &b);
    *copyback = true;
    return 0;
}

/* The permission was checked by op_fetch. */
static long op_commitbools(struct xsm_instance *mi)
{
    struct flask_state *st = flask_state(mi);

    if (st->bool_pending == NULL)
        return 0;
    return bools_apply(mi, st->bool_pending, st->bool_num);
}

/* As op_setenforce: checked by op_fetch if the value was to change then. */
static long op_setavc_threshold(struct xsm_instance *mi, void *op, const struct op_io *io)
{
    uint32_t t = ((xen_flask_op_t *)op)->u.setavc_threshold.threshold;

    if (io->checked && t != flask_avc_threshold(flask_avc(mi)))
        flask_avc_set_threshold(flask_avc(mi), t);
    return 0;
}

static long op_hashstats(struct xsm_instance *mi, void *op, bool *copyback)
{
    xen_flask_hash_stats_t *h = &((xen_flask_op_t *)op)->u.hash_stats;
    int rc = flask_avc_hash_stats(flask_avc(mi), &h->entries, &h->buckets_used, &h->buckets_total,
                                  &h->max_chain_len);

    if (rc != 0)
        return rc;
    *copyback = true;
    return 0;
}

static long op_cachestats(struct xsm_instance *mi, void *op, bool *copyback)
{
    xen_flask_cache_stats_t *c = &((xen_flask_op_t *)op)->u.cache_stats;
    struct flask_avc_stats s;

    /* Per CPU, as Xen: callers walk cpu = 0, 1, ... until -ENOENT. */
    if (flask_avc_cache_stats(flask_avc(mi), c->cpu, &s) != 0)
        return -ENOENT;
    c->lookups = s.lookups;
    c->hits = s.hits;
    c->misses = s.misses;
    c->allocations = s.allocations;
    c->reclaims = s.reclaims;
    c->frees = s.frees;
    *copyback = true;
    return 0;
}

/* The range and the permission were checked by op_fetch. */
static long op_ocontext(struct xsm_instance *mi, void *op, bool add)
{
    /* Same offsets in both layouts; the buffer is 8-byte aligned. */
    const xen_flask_ocontext_t *o = &((const xen_flask_op_t *)op)->u.ocontext;

    if (add)
        return ss_ocontext_add(flask_ss(mi), o->ocon, o->low, o->high, o->sid);
    return ss_ocontext_del(flask_ss(mi), o->ocon, o->low, o->high);
}

static long op_get_peer_sid(struct xsm_instance *mi, struct xsm_domain *cur, void *op,
                            bool *copyback)
{
    xen_flask_peersid_t *p = &((xen_flask_op_t *)op)->u.peersid;
    const struct xsm_host_ops *h = mi->ctx->host_ops;
    const struct flask_domain_sec *psec;
    struct xsm_evtchn *chn;

    if (cur == NULL || h == NULL || h->evtchn_get == NULL)
        return -EINVAL;
    chn = h->evtchn_get(mi->ctx->host, cur, p->evtchn);
    if (chn == NULL || chn->state != XSM_ECS_INTERDOMAIN || chn->remote == NULL)
        return -EINVAL;
    psec = flask_dsec(mi, chn->remote);
    if (psec == NULL)
        return -EINVAL;
    p->sid = psec->sid;
    *copyback = true;
    return 0;
}

static long op_relabel_domain(struct xsm_instance *mi, struct xsm_domain *cur, void *op)
{
    const xen_flask_relabel_t *r = &((const xen_flask_op_t *)op)->u.relabel;
    /* The look-up truncates to domid_t, the DOMID_SELF test does not (as Xen). */
    xsm_domid_t domid = (xsm_domid_t)r->domid;
    bool self = r->domid == XSM_DOMID_SELF;
    struct flask_domain_sec *csec = flask_dsec(mi, cur), *dsec, *tsec;
    struct flask_audit ad = {.cur = cur, .sdom = cur};
    uint32_t newsid = r->sid, self_sid, target_sid;
    struct xsm_domain *d;
    int rc;

    d = xsm_domain_lookup(mi->ctx, cur, domid);
    if (d == NULL)
        return -ESRCH;
    dsec = flask_dsec(mi, d);
    if (csec == NULL || dsec == NULL)
        return -EACCES;
    ad.tdom = d;

    if (self) {
        rc = flask_avc_has_perm(mi, dsec->sid, newsid, SECCLASS_DOMAIN2, DOMAIN2__RELABELSELF, &ad);
    } else {
        rc = flask_avc_has_perm(mi, csec->sid, dsec->sid, SECCLASS_DOMAIN2, DOMAIN2__RELABELFROM,
                                &ad);
        if (rc == 0)
            rc = flask_avc_has_perm(mi, csec->sid, newsid, SECCLASS_DOMAIN2, DOMAIN2__RELABELTO,
                                    &ad);
    }
    if (rc == 0)
        rc = flask_avc_has_perm(mi, dsec->sid, newsid, SECCLASS_DOMAIN, DOMAIN__TRANSITION, &ad);
    if (rc != 0)
        return rc;

    /*
     * Compute every new label first; a failed computation keeps Xen's
     * fallback, except out of memory: that fails the command with nothing
     * changed, rather than leave the domain a self label no rule gives it.
     */
    rc = flask_transition_sid(mi, newsid, newsid, SECCLASS_DOMAIN, &self_sid);
    if (rc == -ENOMEM)
        return rc;
    if (rc != 0)
        self_sid = newsid;
    target_sid = dsec->target_sid;
    tsec = d->target != NULL ? flask_dsec(mi, d->target) : NULL;
    rc = tsec != NULL ? flask_transition_sid(mi, tsec->sid, newsid, SECCLASS_DOMAIN, &target_sid)
                      : 0;
    if (rc == -ENOMEM)
        return rc;
    if (rc != 0)
        target_sid = dsec->target_sid;

    dsec->sid = newsid;
    dsec->self_sid = self_sid;
    dsec->target_sid = target_sid;
    return 0;
}

/* The permission was checked, and the path fetched, by op_fetch. */
static long op_devicetree_label(struct xsm_instance *mi, const struct xsm_guest *g, void *op,
                                const struct op_io *io)
{
    struct xsm_op_devicetree_label dl;

    xsm_op_get_devicetree_label(op, g->compat, &dl);
    return ss_devicetree_setlabel(flask_ss(mi), io->str, dl.sid);
}

/*
 * Before op_lock: the locked commands' permission checks and their guest
 * input, each read after the check that guards it (a caller without
 * load_policy never makes FLASK allocate 64 MiB; one without setbool never
 * has its name read).  A refused caller never holds op_lock, so it cannot
 * make a permitted one wait on its denial (its audit line goes to the
 * host's log callback, which may be slow).  RELABEL_DOMAIN still checks
 * under the lock: its checks read the target's label, which the command
 * then replaces.
 */
static long op_fetch(struct xsm_instance *mi, struct xsm_domain *cur, const struct xsm_guest *g,
                     void *op, uint16_t sub, struct op_io *io)
{
    int rc;

    switch (sub) {
    case FLASK_SETENFORCE:
        /* Checked only when the mode would change, as Xen. */
        if ((((xen_flask_op_t *)op)->u.enforce.enforcing != 0) == flask_enforcing(mi))
            return 0;
        io->checked = true;
        return has_sec(mi, cur, SECURITY__SETENFORCE, "flask_setenforce");
    case FLASK_SETAVC_THRESHOLD:
        if (((xen_flask_op_t *)op)->u.setavc_threshold.threshold ==
            flask_avc_threshold(flask_avc(mi)))
            return 0;
        io->checked = true;
        return has_sec(mi, cur, SECURITY__SETSECPARAM, "flask_setavc_threshold");
    case FLASK_COMMITBOOLS:
        return has_sec(mi, cur, SECURITY__SETBOOL, "flask_commitbools");
    case FLASK_ADD_OCONTEXT:
    case FLASK_DEL_OCONTEXT: {
        const xen_flask_ocontext_t *o = &((const xen_flask_op_t *)op)->u.ocontext;
        bool add = sub == FLASK_ADD_OCONTEXT;

        if (o->low > o->high)
            return -EINVAL;
        return has_sec(mi, cur, add ? SECURITY__ADD_OCONTEXT : SECURITY__DEL_OCONTEXT,
                       add ? "flask_add_ocontext" : "flask_del_ocontext");
    }
    case FLASK_LOAD: {
        struct xsm_op_load ld;

        xsm_op_get_load(op, g->compat, &ld);
        rc = has_sec(mi, cur, SECURITY__LOAD_POLICY, "flask_load");
        if (rc != 0)
            return rc;
        if (ld.size > FLASK_POLICY_MAX)
            return -EINVAL;
        io->image = malloc(ld.size > 0 ? ld.size : 1);
        if (io->image == NULL)
            return -ENOMEM;
        io->image_len = ld.size;
        if (ld.size > 0 && g->copy_from(g->opaque, io->image, ld.buffer, ld.size) != 0)
            return -EFAULT;
        return 0;
    }
    case FLASK_SETBOOL:
        rc = has_sec(mi, cur, SECURITY__SETBOOL, "flask_setbool");
        if (rc != 0)
            return rc;
        /* fall through */
    case FLASK_GETBOOL: {
        struct xsm_op_boolean b;

        xsm_op_get_boolean(op, g->compat, &b);
        if (b.bool_id != FLASK_BOOL_BY_NAME)
            return 0;
        return copy_string(g, b.name, b.size, &io->str);
    }
    case FLASK_DEVICETREE_LABEL: {
        struct xsm_op_devicetree_label dl;

        xsm_op_get_devicetree_label(op, g->compat, &dl);
        rc = has_sec(mi, cur, dl.sid != 0 ? SECURITY__ADD_OCONTEXT : SECURITY__DEL_OCONTEXT,
                     "flask_devicetree_label");
        if (rc != 0)
            return rc;
        return copy_string(g, dl.path, dl.length, &io->str);
    }
    default:
        return 0;
    }
}

static long do_op(struct xsm_instance *mi, struct xsm_domain *cur, const struct xsm_guest *g,
                  void *op, bool *copyback, uint16_t sub, struct op_io *io)
{
    switch (sub) {
    case FLASK_LOAD:
        return op_load(mi, io);
    case FLASK_GETENFORCE:
        return flask_enforcing(mi) ? 1 : 0;
    case FLASK_SETENFORCE:
        return op_setenforce(mi, op, io);
    case FLASK_CONTEXT_TO_SID:
        return op_context_to_sid(mi, cur, g, op, copyback);
    case FLASK_SID_TO_CONTEXT:
        return op_sid_to_context(mi, cur, g, op, copyback);
    case FLASK_ACCESS:
        return op_access(mi, cur, op, copyback);
    case FLASK_CREATE:
    case FLASK_RELABEL:
    case FLASK_MEMBER:
        return op_transition(mi, cur, op, copyback, sub);
    case FLASK_POLICYVERS:
        return FLASK_POLICYDB_VERSION;
    case FLASK_GETBOOL:
        return op_getbool(mi, g, op, copyback, io);
    case FLASK_SETBOOL:
        return op_setbool(mi, g, op, copyback, io);
    case FLASK_COMMITBOOLS:
        return op_commitbools(mi);
    case FLASK_MLS:
        return flask_policy_loaded(mi) && ss_mls_enabled(flask_ss(mi)) ? 1 : 0;
    case FLASK_GETAVC_THRESHOLD:
        /* Xen returns the unsigned threshold as an int. */
        return (int32_t)flask_avc_threshold(flask_avc(mi));
    case FLASK_SETAVC_THRESHOLD:
        return op_setavc_threshold(mi, op, io);
    case FLASK_AVC_HASHSTATS:
        return op_hashstats(mi, op, copyback);
    case FLASK_AVC_CACHESTATS:
        return op_cachestats(mi, op, copyback);
    case FLASK_ADD_OCONTEXT:
        return op_ocontext(mi, op, true);
    case FLASK_DEL_OCONTEXT:
        return op_ocontext(mi, op, false);
    case FLASK_GET_PEER_SID:
        return op_get_peer_sid(mi, cur, op, copyback);
    case FLASK_RELABEL_DOMAIN:
        return op_relabel_domain(mi, cur, op);
    case FLASK_DEVICETREE_LABEL:
        return op_devicetree_label(mi, g, op, io);
    default:
        /* 9 (USER) and 15 (DISABLE) were removed from Xen. */
        return -ENOSYS;
    }
}

/* The commands that change FLASK state, or read the pending booleans. */
static bool takes_op_lock(uint16_t sub)
{
    switch (sub) {
    case FLASK_LOAD:
    case FLASK_SETENFORCE:
    case FLASK_GETBOOL:
    case FLASK_SETBOOL:
    case FLASK_COMMITBOOLS:
    case FLASK_SETAVC_THRESHOLD:
    case FLASK_ADD_OCONTEXT:
    case FLASK_DEL_OCONTEXT:
    case FLASK_RELABEL_DOMAIN:
    case FLASK_DEVICETREE_LABEL:
        return true;
    default:
        return false;
    }
}

/*
 * Commands run concurrently with decisions and with each other; those that
 * change state are serialised by op_lock (Xen's sel_sem), so a reload, a
 * boolean commit and a setenforce each happen whole.  Decisions never take
 * the lock: they read what these commands publish (avc.c, the security
 * server's own read sections).
 */
long flask_do_op(struct xsm_instance *mi, struct xsm_domain *cur, const struct xsm_guest *g,
                 void *op, bool *copyback)
{
    struct flask_state *st = flask_state(mi);
    uint16_t sub = XSM_OP_SUBCMD(((const xen_flask_op_t *)op)->cmd);
    bool lock = takes_op_lock(sub);
    struct op_io io = {0};
    long rc;

    *copyback = false;
    rc = op_fetch(mi, cur, g, op, sub, &io);
    if (rc == 0) {
        if (lock)
            pthread_mutex_lock(&st->op_lock);
        rc = do_op(mi, cur, g, op, copyback, sub, &io);
        if (lock)
            pthread_mutex_unlock(&st->op_lock);
    }
    if (rc >= 0 && io.out != NULL) {
        rc = copy_out(g, io.out_addr, io.out, io.out_len);
        if (rc != 0)
            *copyback = false;
    }
    free(io.image);
    free(io.str);
    free(io.out);
    return rc;
}
