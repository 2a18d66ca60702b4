/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Internal API of the FLASK module, shared by its files (flask.c, avc.c,
 * classes.c, flask_op.c owned by flask-ops; hooks.c, label.c by
 * flask-hooks).  Everything hangs off the module instance: mi->priv is the
 * struct flask_state of that instance, so several contexts run FLASK side
 * by side without sharing anything.
 *
 * Class and permission values used here are always Xen 4.17's (classes.h).
 * The security server maps them onto whatever values the loaded policy
 * uses, by name, so a policy only needs the same names, not the same order.
 */
#ifndef OPENXSM_FLASK_FLASK_H
#define OPENXSM_FLASK_FLASK_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include <openxsm/ss.h>

#include "classes.h"
#include "core/module.h"
#include "core/ops.h"

/* Xen's initial SIDs (policy/initial_sids, 1-based). */
#define SECINITSID_XENBOOT   1
#define SECINITSID_XEN       2
#define SECINITSID_DOM0      3
#define SECINITSID_DOMIO     4
#define SECINITSID_DOMXEN    5
#define SECINITSID_UNLABELED 6
#define SECINITSID_SECURITY  7
#define SECINITSID_IOPORT    8
#define SECINITSID_IOMEM     9
#define SECINITSID_IRQ       10
#define SECINITSID_DEVICE    11
#define SECINITSID_DOMU      12
#define SECINITSID_DOMDM     13
#define SECINITSID_NUM       13

/*
 * Per-domain label, in xsm_domain.security[mi->slot].  Atomic because
 * FLASK_RELABEL_DOMAIN may change a domain's label while other threads
 * decide with it (each field is read whole; the three are not one unit, as
 * in Xen).
 */
struct flask_domain_sec {
    _Atomic uint32_t sid;        /* current label */
    _Atomic uint32_t self_sid;   /* target when the domain acts on itself */
    _Atomic uint32_t target_sid; /* target when a device model acts on its target */
    /*
     * Ownership (label.c): the instance whose label this is, the domain
     * that carries it, and the instance's list of the labels it holds
     * (under flask_state.labels_lock), which xsm_destroy releases.
     */
    const struct flask_state *owner;
    struct xsm_domain *dom;
    struct flask_domain_sec *prev, *next;
};

/*
 * Audit data of an AVC check: what Xen's struct avc_audit_data carries,
 * printed after the permissions in this order (audit.c):
 *   source=dN target=dM   sdom, tdom if set; target only if it is not sdom;
 *   current=dN            cur, the domain the hook runs for (Xen's
 *                         current->domain), only if sdom and tdom are unset;
 *   one of device=, irq=, range=, dtdevice=, as type says.
 * Set what Xen's hook sets, nothing more: most checks carry only cur.
 */
enum flask_audit_type {
    FLASK_AUDIT_NONE = 0,
    FLASK_AUDIT_DEV,   /* device=: a PCI device (segment << 16 | bus << 8 | devfn) */
    FLASK_AUDIT_IRQ,   /* irq= */
    FLASK_AUDIT_RANGE, /* range=: I/O ports or memory frames */
    FLASK_AUDIT_DTDEV, /* dtdevice=: a device-tree path (guest-supplied) */
};

struct flask_audit {
    const struct xsm_domain *cur;
    const struct xsm_domain *sdom, *tdom;
    enum flask_audit_type type;
    union {
        uint32_t device;
        int irq;
        struct {
            uint64_t start, end;
        } range;
        const char *dtdev;
    };
};

struct flask_state;

struct flask_state *flask_state(struct xsm_instance *mi);
ss_ctx *flask_ss(struct xsm_instance *mi);
bool flask_enforcing(struct xsm_instance *mi);
bool flask_policy_loaded(struct xsm_instance *mi);

/*
 * AVC check: 0, or -EACCES when some requested bit is denied, the instance
 * enforces and the source type is not permissive.  Before any policy every
 * request is allowed.  Every check is audited (flask_avc_audit); ad may be
 * NULL.  requested must be non-zero.
 */
int flask_avc_has_perm(struct xsm_instance *mi, uint32_t ssid, uint32_t tsid, uint16_t tclass,
                       uint32_t requested, const struct flask_audit *ad);
/* The same, and the decision it was made on (Xen's in_avd: before a permissive widening). */
int flask_avc_check(struct xsm_instance *mi, uint32_t ssid, uint32_t tsid, uint16_t tclass,
                    uint32_t requested, const struct flask_audit *ad, struct ss_av_decision *out);

/*
 * Xen's avc_audit (audit.c), called by the AVC after every check with the
 * decision as computed (before a permissive denial is cached as a grant)
 * and the check's result.  Logs "avc:  denied" with every denied bit if any
 * of them is in auditdeny, or with every requested bit if the check failed
 * for another reason; else "avc:  granted" with every requested bit if any
 * is in auditallow.  ad may be NULL.
 */
/*
 * What Xen's avc_audit prints of a check: the denied bits if any is in
 * auditdeny, all requested bits on an error, the granted bits if any is in
 * auditallow; 0 for nothing.  *denied says which kind of line it is.
 */
static inline uint32_t flask_audited(uint32_t requested, const struct ss_av_decision *avd,
                                     int result, bool *denied)
{
    uint32_t d = requested & ~avd->allowed;

    *denied = d != 0 || result != 0;
    if (d != 0)
        return (d & avd->auditdeny) ? d : 0;
    if (result != 0)
        return requested;
    return (requested & avd->auditallow) ? requested : 0;
}

void flask_avc_audit(struct xsm_instance *mi, uint32_t ssid, uint32_t tsid, uint16_t tclass,
                     uint32_t requested, const struct ss_av_decision *avd, int result,
                     const struct flask_audit *ad);

/* Xen's "Flask: committed booleans { name:value, ... }" (audit.c), after a commit. */
void flask_audit_bools_committed(struct xsm_instance *mi);

/* Xen's avc_unknown_permission: 0 (logged) if permissive or the policy allows unknown, else -EPERM.
 */
int flask_unknown_permission(struct xsm_instance *mi, const char *what, int id);

/* type_transition / type_member on Xen classes; before any policy: ssid for class domain, else
 * tsid. */
int flask_transition_sid(struct xsm_instance *mi, uint32_t ssid, uint32_t tsid, uint16_t tclass,
                         uint32_t *out);
int flask_member_sid(struct xsm_instance *mi, uint32_t ssid, uint32_t tsid, uint16_t tclass,
                     uint32_t *out);

/* Context string of a SID (malloc'd, caller frees) or NULL. */
char *flask_sid_to_context(struct xsm_instance *mi, uint32_t sid);

/* Label of a resource: ocon SS_OCON_PIRQ/IOPORT/IOMEM/DEVICE; default initial SIDs when unlabelled.
 */
int flask_resource_sid(struct xsm_instance *mi, unsigned ocon, uint64_t value, uint32_t *out);

/*
 * Calls fn for each labelled sub-range and each gap of [lo,hi] (gaps carry
 * the default initial SID of the ocon), in ascending order; stops at and
 * returns the first non-zero result of fn.
 */
int flask_resource_iterate(struct xsm_instance *mi, unsigned ocon, uint64_t lo, uint64_t hi,
                           int (*fn)(void *opaque, uint32_t sid, uint64_t lo, uint64_t hi),
                           void *opaque);

int flask_devicetree_sid(struct xsm_instance *mi, const char *path, uint32_t *out);

/* The hook table (hooks.c, flask-hooks). */
extern const struct xsm_ops flask_ops;

/* A label of another instance was met (label.c): logged once per instance. */
void flask_foreign_label(struct xsm_instance *mi, const struct xsm_domain *d);

/*
 * d's label in this instance, or NULL: never labelled, or labelled by
 * another instance, whose label means nothing here (its SIDs are another
 * policy's) and is treated as no label at all.
 */
static inline struct flask_domain_sec *flask_dsec(struct xsm_instance *mi,
                                                  const struct xsm_domain *d)
{
    struct flask_domain_sec *dsec = d ? (struct flask_domain_sec *)d->security[mi->slot] : NULL;

    if (dsec != NULL && dsec->owner != (const struct flask_state *)mi->priv) {
        flask_foreign_label(mi, d);
        return NULL;
    }
    return dsec;
}

/*
 * Labels (label.c).  flask_label_attach: a new label with sid for d, owned
 * by this instance: 0, -EEXIST if d has one of this instance, -EINVAL if
 * it has another instance's, -ENOMEM.  flask_label_detach: frees d's label
 * if it is this instance's (another instance's is left to its owner).
 * flask_labels_release: at fini, frees every label still held and clears
 * the domains' slots; returns how many there were.
 */
int flask_label_attach(struct xsm_instance *mi, struct xsm_domain *d, uint32_t sid);
void flask_label_detach(struct xsm_instance *mi, struct xsm_domain *d);
unsigned flask_labels_release(struct xsm_instance *mi);

/* Implemented by flask-hooks (hooks.c or label.c). */
uint32_t flask_domain_sid(struct xsm_instance *mi, const struct xsm_domain *d);
uint32_t flask_domain_target_sid(struct xsm_instance *mi, const struct xsm_domain *src,
                                 const struct xsm_domain *dst);

/* ---- Internal to flask-ops' files (flask.c, avc.c, flask_op.c). ---- */

/* The AVC of one instance (avc.c; its block comment has the locking design). */
struct flask_avc_stats {
    uint32_t lookups, hits, misses, allocations, reclaims, frees;
};
struct flask_avc_config {
    bool enforcing;
    unsigned nr_cpus;                    /* 0 means 1 */
    unsigned (*current_cpu)(void *host); /* may be NULL */
    void *host;
};
struct flask_avc;
int flask_avc_create(struct flask_avc **out, const struct flask_avc_config *cfg);
void flask_avc_destroy(struct flask_avc *avc);
/* Drop every cached decision; from now on only decisions of policy seqno are cached. */
int flask_avc_reset(struct flask_avc *avc, uint32_t seqno);
/* The cache as flask_avc_create made it (mode 'enforcing'), flushed to seqno; no check may run. */
int flask_avc_restart(struct flask_avc *avc, uint32_t seqno, bool enforcing);
/*
 * The same flush in two steps, for a change it must follow (a load, a
 * boolean commit): prepare allocates before the change (-ENOMEM: make no
 * change), commit cannot fail, cancel drops what prepare made when the
 * change failed.  A flush that failed after the change would leave the old
 * policy's decisions cached.
 */
struct flask_avc_flush;
int flask_avc_flush_prepare(struct flask_avc *avc, struct flask_avc_flush **out);
void flask_avc_flush_commit(struct flask_avc *avc, struct flask_avc_flush *f, uint32_t seqno);
void flask_avc_flush_cancel(struct flask_avc_flush *f);
/*
 * The mode decisions are made in; a switch to enforcing drops the cache
 * (widened grants).  -ENOMEM, mode unchanged, when that cannot be done.
 */
bool flask_avc_enforcing(struct flask_avc *avc);
int flask_avc_set_enforcing(struct flask_avc *avc, bool enforcing);
uint32_t flask_avc_threshold(const struct flask_avc *avc);
void flask_avc_set_threshold(struct flask_avc *avc, uint32_t threshold);
/* 0, or -ENOMEM when the calling thread's first read section cannot be had. */
int flask_avc_hash_stats(struct flask_avc *avc, uint32_t *entries, uint32_t *buckets_used,
                         uint32_t *buckets_total, uint32_t *max_chain);
/* One CPU's counters; -ENOENT from the host's nr_cpus on. */
int flask_avc_cache_stats(const struct flask_avc *avc, unsigned cpu, struct flask_avc_stats *out);

/* Permission check of the FLASK ops: caller's SID against SECINITSID_SECURITY, class security. */
int flask_security_has_perm(struct xsm_instance *mi, struct xsm_domain *cur, uint32_t perm,
                            const char *what);

/*
 * FLASK_LOAD: load a policy image (atomic); flushes the AVC and drops pending
 * booleans on success; the first policy is announced as Xen does.
 */
int flask_load_policy(struct xsm_instance *mi, const void *image, size_t len);
/* SETENFORCE: 0, or -ENOMEM with nothing changed. */
int flask_set_enforcing(struct xsm_instance *mi, bool enforcing);
struct flask_avc *flask_avc(struct xsm_instance *mi);

/* Boot modes (Xen's flask= parameter). */
enum flask_boot_mode {
    FLASK_BOOT_PERMISSIVE = 0,
    FLASK_BOOT_ENFORCING = 1,
    FLASK_BOOT_LATE = 2,
    FLASK_BOOT_DISABLED = 3,
};

/* Per-instance state (mi->priv).  Only flask-ops' files touch it directly. */
struct flask_state {
    ss_ctx *ss;
    struct flask_avc *avc;
    enum flask_boot_mode mode;
    /*
     * Serialises the commands that change state (load, setenforce, booleans,
     * threshold, labels), as Xen's sel_sem does; decisions never take it.
     */
    pthread_mutex_t op_lock;
    /* Xen's bool_pending_values: NULL until a SETBOOL without commit (op_lock). */
    int *bool_pending;
    unsigned bool_num;
    /* Xen's "dom0_t already handed out" for the domain_create singleton rule. */
    _Atomic bool dom0_created;
    /* The domain labels this instance holds (label.c), and their lock. */
    pthread_mutex_t labels_lock;
    struct flask_domain_sec *labels;
    /* A label of another instance has been logged. */
    _Atomic bool foreign_logged;
    /* What the policy of the load in progress lacks (coverage.c; loads are serialised). */
    struct xsm_flask_coverage coverage;
};

/*
 * Does a policy know the hypervisor (coverage.c): flask_coverage_init
 * installs the security server's load check that refuses a policy without
 * any of the hypervisor's classes; flask_coverage_report logs, after a
 * successful load, how much the policy leaves to handle_unknown.
 */
void flask_coverage_init(struct xsm_instance *mi);
void flask_coverage_report(struct xsm_instance *mi);

void flask_bools_drop_pending(struct flask_state *st);
/* The instance's dom0 singleton flag (used by hooks.c's domain_create). */
_Atomic bool *flask_dom0_created(struct xsm_instance *mi);
/* Name of an initial SID (0 is "null"), or NULL above SECINITSID_NUM. */
const char *flask_initial_sid_name(uint32_t sid);
/* Context of a SID with its length including the NUL (malloc'd); before any policy the initial-SID
 * name. */
int flask_context_of(struct xsm_instance *mi, uint32_t sid, char **out, size_t *len);

/* The op handler (flask_op.c). */
long flask_do_op(struct xsm_instance *mi, struct xsm_domain *cur, const struct xsm_guest *g,
                 void *op, bool *copyback);

/* The embedded default policy (generated from policy/). */
extern const unsigned char flask_default_policy[];
extern const size_t flask_default_policy_len;

#endif /* OPENXSM_FLASK_FLASK_H */
