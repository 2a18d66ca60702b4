/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * openxsm: Xen Security Modules as an embeddable library.
 *
 * An xsm_ctx is one XSM instance: the ordered stack of active modules, their
 * private state and the host interface.  There is no global state; a process
 * may run any number of instances side by side.
 *
 * The host (a hypervisor model, a daemon, a VMM) owns the objects XSM
 * mediates.  It embeds struct xsm_domain in its domains and struct xsm_evtchn
 * in its event channels, so that modules can keep labels on them, and it
 * answers look-ups through struct xsm_host_ops.
 *
 * Threading: hooks and xsm_do_op may be called from any number of threads at
 * once (a VMM's vCPU threads).  Decisions take no lock; FLASK commands that
 * change state are serialised inside, and each decision comes whole from
 * one policy (docs/design.md, "Concurrency").  The host's callbacks
 * (struct xsm_host_ops) may be called from any of those threads.  What the
 * host owns (its domains, event channels, the labels modules keep in them)
 * it protects as Xen does: a domain's label changes only through hooks the
 * host serialises for that domain.
 */
#ifndef OPENXSM_XSM_H
#define OPENXSM_XSM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct xsm_ctx xsm_ctx;
typedef uint16_t xsm_domid_t;

/* Xen's special domain ids (public xen.h). */
#define XSM_DOMID_FIRST_RESERVED 0x7ff0U
#define XSM_DOMID_SELF           0x7ff0U
#define XSM_DOMID_IO             0x7ff1U
#define XSM_DOMID_XEN            0x7ff2U
#define XSM_DOMID_COW            0x7ff3U
#define XSM_DOMID_INVALID        0x7ff4U
#define XSM_DOMID_IDLE           0x7fffU

/*
 * At most this many modules can be stacked in one instance: the one limit
 * of the ABI (XSM_ACTIVE_MAX in <openxsm/xsm_op.h>, docs/abi.md §5.4).
 */
#define XSM_MAX_STACK 4

/*
 * What XSM sees of a domain.  The host fills the identity fields; modules own
 * security[slot] for the slot they occupy in the stack.
 */
struct xsm_domain {
    xsm_domid_t domid;
    bool is_privileged;        /* control domain: Xen's is_control_domain() */
    bool is_xenstore;          /* created with XEN_DOMCTL_CDF_xs_domain */
    bool is_console;           /* may use console_io without privilege */
    bool is_compat;            /* 32-bit guest: compat hypercall layouts */
    struct xsm_domain *target; /* the domain this one is device model for */
    void *security[XSM_MAX_STACK];
    uint8_t iommu; /* enum xsm_iommu: what protects devices assigned to it */
};

/*
 * A domain's IOMMU situation, which FLASK turns into resource:use_iommu,
 * use_iommu_nointremap or use_noiommu (Xen: is_iommu_enabled(d) and the
 * global iommu_intremap).  Zero, the default, is "no IOMMU".
 */
enum xsm_iommu {
    XSM_IOMMU_NONE = 0,
    XSM_IOMMU_NOINTREMAP = 1, /* IOMMU without interrupt remapping */
    XSM_IOMMU_INTREMAP = 2,   /* IOMMU with interrupt remapping */
};

/* Event-channel states, Xen's ECS_* values. */
enum xsm_evtchn_state {
    XSM_ECS_FREE = 0,
    XSM_ECS_RESERVED = 1,
    XSM_ECS_UNBOUND = 2,
    XSM_ECS_INTERDOMAIN = 3,
    XSM_ECS_PIRQ = 4,
    XSM_ECS_VIRQ = 5,
    XSM_ECS_IPI = 6,
};

struct xsm_irq_data; /* <openxsm/hooks.h>: the PCI device of an MSI */

/* What XSM sees of an event channel.  label[slot] belongs to the module. */
struct xsm_evtchn {
    uint32_t port;
    uint8_t state;             /* enum xsm_evtchn_state */
    struct xsm_domain *remote; /* interdomain peer, or NULL */
    uint32_t remote_port;      /* interdomain peer's port */
    xsm_domid_t remote_domid;  /* unbound: who may bind */
    uint32_t label[XSM_MAX_STACK];
    /*
     * XSM_ECS_PIRQ only: the physical IRQ the channel's pirq is bound to
     * (Xen's domain_pirq_to_irq(); 0 if none) and, when that IRQ is an MSI,
     * its PCI device (else NULL).  Read by show_security_evtchn.
     */
    int pirq_irq;
    const struct xsm_irq_data *pirq_msi;
};

/*
 * Guest memory of the caller of a hypercall.  Either copy may fail: it then
 * returns -EFAULT (Xen's value, 14) and must not have written anything it
 * would not also write on success.  'compat' selects the 32-bit layouts.
 */
struct xsm_guest {
    int (*copy_from)(void *opaque, void *dst, uint64_t gaddr, size_t len);
    int (*copy_to)(void *opaque, uint64_t gaddr, const void *src, size_t len);
    void *opaque;
    bool compat;
};

/* Look-ups XSM needs from its host.  Any member may be NULL. */
struct xsm_host_ops {
    /* The domain with this id, or NULL.  Never called with DOMID_SELF. */
    struct xsm_domain *(*domain_get)(void *host, xsm_domid_t domid);
    /* d's event channel on this port, or NULL if the port is not valid. */
    struct xsm_evtchn *(*evtchn_get)(void *host, struct xsm_domain *d, uint32_t port);
    /* One line of log output, without a trailing newline: printable ASCII only. */
    void (*log)(void *host, const char *line);
    /*
     * The CPU (vCPU thread, worker) the calling thread runs as, below
     * xsm_config.nr_cpus: FLASK keeps its AVC counters per CPU, as Xen
     * does (FLASK_AVC_CACHESTATS).  NULL: everything counts as CPU 0.
     */
    unsigned (*current_cpu)(void *host);
};

struct xsm_config {
    /*
     * Boot selection, Xen-style: "dummy", "silo", "flask", or a comma list
     * such as "silo,flask" (stacking: every module runs, in order, and the
     * first denial wins).  NULL or "" means "dummy".  A name this build does
     * not know makes the whole string invalid, as Xen's xsm= parser does: a
     * warning is logged and the default module boots alone, FLASK if built,
     * else SILO (Xen's x86 Kconfig default with XSM on).
     */
    const char *modules;
    /* FLASK boot mode: "enforcing" (default), "permissive", "late", "disabled". */
    const char *flask_mode;
    /* FLASK boot policy (a binary policy image), may be NULL. */
    const void *policy;
    size_t policy_len;
    /*
     * How FLASK matches the policy's classes and permissions to the
     * hypervisor's: "strict" (default, also NULL) refuses a policy whose
     * first 13 classes or their permission bits differ from Xen 4.17's, as
     * Xen's validate_classes() does; "name" looks each one up by name, so a
     * policy built for a later Xen (whose permission bits moved) loads too,
     * and what the policy lacks follows its handle_unknown (each load logs
     * how much that is); a policy that defines none of the hypervisor's
     * classes but security (an SELinux policy) is refused with -EINVAL
     * (xsm_flask_coverage below).  Anything else makes xsm_create fail
     * with -EINVAL.
     */
    const char *flask_classes;
    /*
     * Which binary policies FLASK loads (boot policy and FLASK_LOAD):
     * "xen" (default, also NULL) exactly what Xen 4.17 loads: "XenFlask"
     * versions 24 and 30, and "SE Linux" images only at version 24 with
     * nothing but initial SIDs labelled, no class inheriting a common, no
     * genfs; anything else is -EINVAL as in Xen.  "all": every image the
     * security server reads ("SE Linux" 15-33 too, see <openxsm/ss.h>).
     * Anything else makes xsm_create fail with -EINVAL.
     */
    const char *flask_formats;

    /*
     * The host's physical IRQ space, Xen's nr_irqs and nr_static_irqs
     * (x86: nr_irqs_gsi, the GSIs; Arm: every IRQ).  IRQ numbers at or
     * above nr_irqs are invalid (hooks that label an IRQ give -EINVAL);
     * below nr_static_irqs an IRQ is static (labelled by the policy's
     * pirqcon); in between it is dynamic: an MSI takes its PCI device's
     * label, any other one is unlabeled.  nr_irqs 0 means no upper bound;
     * nr_static_irqs 0 means "the same as nr_irqs", so the default (0, 0)
     * makes every non-negative IRQ static, as on Arm.  nr_static_irqs above
     * a non-zero nr_irqs makes xsm_create fail with -EINVAL.
     */
    uint32_t nr_irqs;
    uint32_t nr_static_irqs;

    /*
     * How many CPUs the host runs hooks on (its vCPU or worker threads),
     * numbered as host_ops->current_cpu answers.  FLASK_AVC_CACHESTATS
     * answers -ENOENT from this index on, as Xen does past nr_cpu_ids.
     * 0 means 1.
     */
    unsigned nr_cpus;

    const struct xsm_host_ops *host_ops;
    void *host;
};

/*
 * Create an instance: 0 and *out, or a negative errno and *out untouched.
 *  -EINVAL  out is NULL; a module list with an empty element, a repeated
 *           module or more than XSM_MAX_STACK entries (an unknown name
 *           boots the default module instead, see modules above); a
 *           flask_mode, flask_classes or flask_formats value it does not
 *           know; nr_static_irqs > nr_irqs (nr_irqs non-zero); FLASK
 *           booting enforcing whose boot policy does not load (not a
 *           policy, a format flask_formats excludes, classes the class
 *           check refuses, none of the hypervisor's classes, ...: the log
 *           says which, then "Unable to load FLASK policy").
 *  -ENOMEM  out of memory (also for a permissive FLASK boot, whose bad
 *           policy alone would only be logged).
 * docs/embedding.md has the same list with what to do about each.
 */
int xsm_create(xsm_ctx **out, const struct xsm_config *cfg);
void xsm_destroy(xsm_ctx *x);

/* Number of active modules and their ids, in stacking order. */
unsigned xsm_active_count(const xsm_ctx *x);
uint16_t xsm_active_id(const xsm_ctx *x, unsigned i);

/*
 * The hypercall: __HYPERVISOR_xsm_op (27), native and compat alike.  Copies
 * in exactly 40 bytes from op_gaddr, dispatches on the command, copies back
 * 40 bytes only for commands that define output and only on success, and
 * returns the command's (possibly positive) result or a negative errno.
 */
long xsm_do_op(xsm_ctx *x, struct xsm_domain *cur, const struct xsm_guest *g, uint64_t op_gaddr);

/*
 * Discovery (the core module, docs/abi.md), the same answers as the
 * XSM_MODULE_CORE commands of xsm_do_op and XEN_SYSCTL_xsm_info.
 *
 * xsm_list_modules: writes the ids of the active modules, in stacking order,
 * to ids[0..min(count, max)-1] and returns count (so a short array is
 * detected by count > max).  -EINVAL if x is NULL or ids is NULL with max > 0.
 *
 * xsm_get_module_info: describes module 'id' (built, active or not, or the
 * core itself).  -ENODEV if the module is neither built in nor active,
 * -EINVAL for NULL arguments; *out is written only on success.
 *
 * xsm_sysctl_xsm_info: fills the XEN_SYSCTL_xsm_info payload in place
 * (errors as in <openxsm/xsm_op.h>; *io unchanged on error).
 */
struct xsm_module_info;
struct xen_sysctl_xsm_info;
int xsm_list_modules(const xsm_ctx *x, uint16_t *ids, unsigned max);
int xsm_get_module_info(const xsm_ctx *x, uint16_t id, struct xsm_module_info *out);
int xsm_sysctl_xsm_info(const xsm_ctx *x, struct xen_sysctl_xsm_info *io);

/*
 * How much of the hypervisor a binary FLASK policy knows, by name: of Xen
 * 4.17's classes and their permissions (the ones FLASK's hooks ask for),
 * how many the policy does not define.  With flask_classes = "name" FLASK
 * refuses a policy that defines none of those classes but security (which
 * SELinux policies have too): refused is then true.  Whatever else a
 * policy lacks follows its handle_unknown (0 deny, 1 reject: FLASK refuses
 * it, 2 allow: granted to every domain), and FLASK says so at each load.
 */
struct xsm_flask_coverage {
    uint32_t classes;         /* the hypervisor's classes: 13 */
    uint32_t classes_missing; /* of those, not defined by the policy */
    uint32_t perms;           /* their permissions */
    uint32_t perms_missing;   /* not defined (a missing class's included) */
    uint32_t handle_unknown;  /* the policy's: 0 deny, 1 reject, 2 allow */
    bool refused;             /* defines none of the hypervisor's classes */
};

/*
 * Reads the policy image (every format the security server reads, as with
 * flask_formats = "all") and fills *out: 0, -EINVAL for NULL arguments or
 * an image it cannot read, -ENOMEM.  Nothing is loaded anywhere.
 */
int xsm_flask_coverage(const void *policy, size_t len, struct xsm_flask_coverage *out);

/*
 * FLASK's security server in this instance, for the host's questions
 * (<openxsm/ss.h>: ss_explain, ss_sid_to_context, ss_class_name,
 * ss_ocontext_sid, ...): it answers from the policy and boolean values in
 * force.  NULL when FLASK is not active (not selected, or flask=disabled);
 * before a policy is loaded its services answer -ENODATA.  Only ask: a
 * policy load, a boolean, the enforcing mode or an object label changed
 * through it would bypass FLASK (its AVC, its checks, its log lines); make
 * those changes with xsm_do_op.  It lives as long as the instance.
 */
struct ss_ctx;
struct ss_ctx *xsm_flask_ss(xsm_ctx *x);

/*
 * A constant, one-line English message for an error this library returns
 * (a negative errno with Xen's numbering, as every call returns them; the
 * sign is ignored, so errno values work too).  0 is "success"; anything
 * the library never returns gets "unknown error".  Any thread may call it.
 */
const char *xsm_strerror(int err);

/*
 * Per-instance log line (goes to host_ops->log if set).  Lines have no
 * length limit.  Every byte outside printable ASCII (0x20-0x7e) reaches the
 * host as \xHH, so no string in a line can end it early or carry a control
 * or escape sequence.
 */
void xsm_log(const xsm_ctx *x, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

#ifdef __cplusplus
}
#endif

#include <openxsm/hooks.h>

#endif /* OPENXSM_XSM_H */
