/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * openxsm security server: a FLASK policy engine.
 *
 * It reads binary kernel policies of both targets ("XenFlask" v24/v30 and
 * "SE Linux" v15-33), validates them completely, and answers access,
 * labelling and boolean queries.  It knows nothing of XSM; the FLASK module
 * sits on top of it.
 *
 * Everything hangs off an ss_ctx; there is no global state.  All exported
 * symbols start with ss_ so that the library can be linked next to libsepol.
 *
 * Threads: every call may be made from any number of threads at once.
 * Queries take no lock and each answers from one policy, one set of
 * boolean values and one set of object labels, old or new, never a mix;
 * loads, boolean changes and label changes are serialised inside.  Names
 * returned by pointer (ss_class_name, ss_perm_name, ss_bool_name) live as
 * long as the policy they come from: a caller that may race with
 * ss_load_policy must not keep them across it.  ss_last_error is the last
 * error of any thread.  The log callback may be called from any thread.
 *
 * Errors are negative errno values with Xen's numbering.  Before a policy is
 * loaded every service returns -ENODATA, except the Xen object labels
 * (ss_ocontext_*, ss_devicetree_*), which then work on Xen's empty database.
 */
#ifndef OPENXSM_SS_H
#define OPENXSM_SS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ss_ctx ss_ctx;
typedef uint32_t ss_sid;

/* Which security server the answers imitate (see docs/security-server.md). */
enum ss_semantics {
    SS_SEM_AUTO = 0, /* Xen for "XenFlask" policies, SELinux otherwise */
    SS_SEM_XEN,      /* xen/xsm/flask/ss/services.c of Xen 4.17 */
    SS_SEM_SELINUX,  /* libsepol 3.4 services.c */
};

enum ss_target { SS_TARGET_SELINUX = 0, SS_TARGET_XEN = 1 };

enum ss_handle_unknown { SS_UNKNOWN_DENY = 0, SS_UNKNOWN_REJECT = 1, SS_UNKNOWN_ALLOW = 2 };

/* One caller class: its name and permission names, bit i = perms[i]. */
struct ss_class_map {
    const char *name;
    const char *const *perms; /* NULL-terminated, at most 32 */
};

struct ss_config {
    enum ss_semantics semantics;
    /* Optional caller class mapping; caller class value = index + 1. */
    const struct ss_class_map *map;
    unsigned nmap;
    bool map_strict; /* Xen's validate_classes(): same class index and bits */
    void (*log)(void *opaque, const char *line);
    void *log_opaque;
    /*
     * Load only what Xen 4.17's policy reader loads: "XenFlask" 24 and 30,
     * and of the "SE Linux" images this reader takes (15-33) only version 24
     * with nothing but initial SIDs in its object contexts (Xen's old
     * layout below 24 is not SELinux's and is not read at all); no class
     * inheriting a common, no genfs or filename transitions.  Anything else
     * is -EINVAL.  false (the default): everything the reader understands.
     */
    bool xen_formats;
};

int ss_create(ss_ctx **out, const struct ss_config *cfg); /* cfg may be NULL */
void ss_destroy(ss_ctx *ss);

/*
 * The host's enforcing mode (Xen's flask_enforcing); true after ss_create.
 * Only Xen semantics consult it, in the two places where Xen's security
 * server does:
 *  - a transition, member or change computation whose new context is not
 *    valid in the policy fails with -EACCES when enforcing; when permissive
 *    it succeeds and the invalid context gets a SID (logged);
 *  - a reload converts every SID by name (user, role, type, MLS levels);
 *    a SID whose names are gone from the new policy is dropped (it then
 *    reads as the unlabeled SID), and one whose converted context is
 *    invalid is dropped when enforcing but kept when permissive.
 * libsepol has no such mode: SELinux semantics always refuse and drop.
 * A host that switches modes (FLASK's SETENFORCE) calls this each time.
 */
void ss_set_enforcing(ss_ctx *ss, bool enforcing);
bool ss_enforcing(const ss_ctx *ss);

/*
 * Atomic: 0, or -EINVAL / -ENOMEM and nothing changed (but see the Xen
 * object labels below: the first load discards those added before it).
 * Xen semantics, as
 * Xen: once a policy is loaded, a policy of the other kind (MLS or not) is
 * refused with -EINVAL.
 */
int ss_load_policy(ss_ctx *ss, const void *image, size_t len);
/* Message of the last failed call ("" if none). */
const char *ss_last_error(const ss_ctx *ss);
bool ss_policy_loaded(const ss_ctx *ss);

struct ss_policy_info {
    enum ss_target target;
    uint32_t version;
    bool mls;
    enum ss_handle_unknown handle_unknown;
    uint32_t nclasses, nperms, ntypes, nattributes, nroles, nusers, nbools, nsens, ncats, navtab,
        ncond_rules, nconstraints, nrole_trans, nrole_allow, nrange_trans, nfilename_trans,
        ninitial_sids, nocontexts, npolicycaps;
};
int ss_get_info(const ss_ctx *ss, struct ss_policy_info *info);
/* The semantics in effect for the loaded policy (AUTO resolved). */
enum ss_semantics ss_semantics_in_use(const ss_ctx *ss);
uint32_t ss_seqno(const ss_ctx *ss);

struct ss_av_decision {
    uint32_t allowed, auditallow, auditdeny, seqno, flags;
};
#define SS_AVD_FLAGS_PERMISSIVE 0x1

/* Policy class values and permission bits. */
int ss_compute_av(ss_ctx *ss, ss_sid ssid, ss_sid tsid, uint16_t tclass,
                  struct ss_av_decision *avd);
/* The caller's mapped class values and bits (struct ss_config.map). */
int ss_compute_av_mapped(ss_ctx *ss, ss_sid ssid, ss_sid tsid, uint16_t mclass,
                         struct ss_av_decision *avd);

/*
 * type_transition / type_member / type_change.  Xen semantics take any class
 * value, as Xen does: a class the policy does not define matches no rule and
 * gives user:object_r:<target's type> (user of the source, or of the target
 * for member; the source's low level).  SELinux semantics: -EINVAL.  An
 * invalid result: -EACCES, see ss_set_enforcing().
 */
int ss_transition_sid(ss_ctx *ss, ss_sid ssid, ss_sid tsid, uint16_t tclass, ss_sid *out);
int ss_member_sid(ss_ctx *ss, ss_sid ssid, ss_sid tsid, uint16_t tclass, ss_sid *out);
int ss_change_sid(ss_ctx *ss, ss_sid ssid, ss_sid tsid, uint16_t tclass, ss_sid *out);
int ss_transition_sid_mapped(ss_ctx *ss, ss_sid ssid, ss_sid tsid, uint16_t mclass, ss_sid *out);
int ss_member_sid_mapped(ss_ctx *ss, ss_sid ssid, ss_sid tsid, uint16_t mclass, ss_sid *out);
int ss_change_sid_mapped(ss_ctx *ss, ss_sid ssid, ss_sid tsid, uint16_t mclass, ss_sid *out);

/*
 * Why a decision is what it is (docs/security-server.md, "Explaining a
 * decision"): for each requested permission, what grants it or every check
 * that denies it, in the order ss_compute_av applies them.
 */
enum ss_why {
    SS_WHY_ALLOWED = 0,    /* granted; rule: an allow rule that grants it */
    SS_WHY_TE = 1,         /* no allow rule; rule: one that would allow it */
    SS_WHY_BOOLEAN = 2,    /* the allow rule is in a conditional that is off */
    SS_WHY_CONSTRAINT = 3, /* a constraint (constrain) fails */
    SS_WHY_MLS = 4,        /* a constraint on MLS levels (mlsconstrain) fails */
    SS_WHY_ROLE = 5,       /* a domain transition to another role, no role allow */
    SS_WHY_BOUNDS = 6,     /* a type bound (typebounds) lacks the permission */
};

/* The check would deny the permission, but an earlier one already does. */
#define SS_WHY_F_SECONDARY 0x1U
/* SS_WHY_BOOLEAN: flipping this boolean alone turns the rule on. */
#define SS_WHY_F_ALONE 0x2U

/*
 * One reason.  Strings are printable ASCII (policy names are escaped \xHH)
 * and live until the callback returns; unused ones are NULL.
 *
 *   kind        rule                           name             index, value
 *   ALLOWED     the granting allow rule        -                -
 *   TE          "allow S T:C p;" with the      -                -
 *               exact types
 *   BOOLEAN     the conditional allow rule     the boolean      its index, its value
 *   CONSTRAINT  the whole constraint           -                its position in the
 *   / MLS                                                       class's list (from 0)
 *   ROLE        "allow R1 R2;"                 -                -
 *   BOUNDS      the allow rule the bound       the bounding     -
 *               would need                     type
 *
 * detail: TE: the attributes rules could use and the rules the types have
 * in the class; BOOLEAN: the condition and where the rule sits in it;
 * CONSTRAINT/MLS: the parts of the expression that made it fail, with the
 * values they compared; ROLE and BOUNDS: a sentence.
 */
struct ss_why_reason {
    enum ss_why kind;
    uint32_t perm; /* one bit, in the policy's class */
    const char *perm_name;
    uint32_t flags; /* SS_WHY_F_* */
    uint32_t index;
    int value;
    const char *name;
    const char *rule;
    const char *detail;
};

/*
 * Explain ss_compute_av(ssid, tsid, tclass) for the permission bits 'perms'
 * (0: every permission the class defines): fn is called once per reason,
 * permissions in bit order; for a permission granted, one ALLOWED; for one
 * denied, every check that denies it, the first one (the one libsepol's
 * reason flags name) without SS_WHY_F_SECONDARY.  A non-zero result of fn
 * stops and is returned.  avd (may be NULL) gets ss_compute_av's decision.
 * Policy class values, as ss_compute_av.  Errors: -ENODATA (no policy),
 * -EINVAL (class not defined, a bit the class does not define, fn NULL),
 * -ENOMEM; fn has not been called then.  fn runs outside the server's read
 * section: it may call any ss_ function.
 */
int ss_explain(ss_ctx *ss, ss_sid ssid, ss_sid tsid, uint16_t tclass, uint32_t perms,
               int (*fn)(void *opaque, const struct ss_why_reason *r), void *opaque,
               struct ss_av_decision *avd);

/* 0 or -EPERM (also -EINVAL for bad SIDs/class). */
int ss_validate_transition(ss_ctx *ss, ss_sid oldsid, ss_sid newsid, ss_sid tasksid,
                           uint16_t tclass);

/* len may or may not include a NUL; bytes after an embedded NUL -> -EINVAL. */
int ss_context_to_sid(ss_ctx *ss, const char *str, size_t len, ss_sid *out);
/* *len = strlen + 1 always; -ERANGE if size < *len (buf may be NULL then). */
int ss_sid_to_context(ss_ctx *ss, ss_sid sid, char *buf, size_t size, size_t *len);

uint16_t ss_class_value(const ss_ctx *ss, const char *name);                /* 0 = unknown */
uint32_t ss_perm_bits(const ss_ctx *ss, uint16_t tclass, const char *perm); /* 0 = unknown */
const char *ss_class_name(const ss_ctx *ss, uint16_t tclass);               /* NULL = unknown */
/* Name of permission bit (0..31) of a policy class, NULL if undefined. */
const char *ss_perm_name(const ss_ctx *ss, uint16_t tclass, unsigned bit);

unsigned ss_bool_count(const ss_ctx *ss);
const char *ss_bool_name(const ss_ctx *ss, unsigned idx);
int ss_bool_index(const ss_ctx *ss, const char *name, size_t len); /* >= 0 or -ENOENT */
int ss_bool_get(const ss_ctx *ss, unsigned idx, int *active, int *pending);
int ss_bool_set_pending(ss_ctx *ss, unsigned idx, int value);
/* Apply pending values, re-evaluate conditionals, bump seqno. */
int ss_bool_commit(ss_ctx *ss);

bool ss_mls_enabled(const ss_ctx *ss);
enum ss_handle_unknown ss_handle_unknown(const ss_ctx *ss);

/* Xen object contexts. */
#define SS_OCON_PIRQ   1U
#define SS_OCON_IOPORT 2U
#define SS_OCON_IOMEM  3U
#define SS_OCON_DEVICE 4U
/* Initial SIDs used as defaults when no ocontext matches (Xen's numbers). */
#define SS_SID_UNLABELED 6U
#define SS_SID_IOPORT    8U
#define SS_SID_IOMEM     9U
#define SS_SID_IRQ       10U
#define SS_SID_DEVICE    11U

/*
 * Xen object labels follow Xen's security server exactly:
 *  - the labelled SID, or the default initial SID (irq 10, ioport 8,
 *    iomem 9, device 11); a run-time label of SID 0 reads as SID 0;
 *  - add: pirq and device need low == high (-EINVAL) and store 16 and 32
 *    bits of it, ioport stores 32 bits of low and high, iomem 64; -EEXIST
 *    for an entry of that value (pirq, device) or the first range not below
 *    low that overlaps (ioport, iomem: the identical range with the same
 *    SID succeeds, nothing added).  "Same SID" compares the SID an entry
 *    holds so far: one from the policy has none until first looked up;
 *  - del: pirq and device match low, ranges low and high, always the full
 *    64-bit values (so a wider value than stored never matches); -ENOENT;
 *  - before any policy they work on an empty database that the first load
 *    (even one that fails) discards, as Xen's reader resets it.
 * Unknown ocon: -EINVAL.
 */
int ss_ocontext_sid(ss_ctx *ss, unsigned ocon, uint64_t value, ss_sid *out);
int ss_ocontext_add(ss_ctx *ss, unsigned ocon, uint64_t low, uint64_t high, ss_sid sid);
int ss_ocontext_del(ss_ctx *ss, unsigned ocon, uint64_t low, uint64_t high);
/*
 * Ranged labels (ioport, iomem): call fn for each labelled sub-range of
 * [lo, hi] and each unlabelled gap (default initial SID), in ascending order;
 * stops at and returns the first non-zero result of fn.
 */
int ss_ocontext_iterate(ss_ctx *ss, unsigned ocon, uint64_t lo, uint64_t hi,
                        int (*fn)(void *opaque, ss_sid sid, uint64_t lo, uint64_t hi),
                        void *opaque);
int ss_devicetree_sid(ss_ctx *ss, const char *path, ss_sid *out);
/* sid 0 removes; -EEXIST / -ENOENT. */
int ss_devicetree_setlabel(ss_ctx *ss, const char *path, ss_sid sid);

#ifdef __cplusplus
}
#endif

#endif
