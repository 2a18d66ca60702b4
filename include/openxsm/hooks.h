/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The XSM hooks as a host calls them: one wrapper per member of Xen 4.17's
 * struct xsm_ops, generated from <openxsm/hook-defs.h>.
 *
 *   rtype xsm_<name>(xsm_ctx *x, struct xsm_domain *cur, <Xen's parameters>);
 *
 * 'cur' is the domain on whose behalf the hypervisor acts (Xen's
 * current->domain).  Domain pointers must be valid where Xen's are; a NULL
 * 'cur' or NULL source domain is denied (-EPERM) rather than dereferenced.
 *
 * Each wrapper runs every active module that implements the hook, in stack
 * order; the first non-zero result is returned.  If no active authoritative
 * module (dummy, FLASK) implements the hook, Xen's default rule runs last.
 * Void hooks run every implementer; string hooks return the first non-NULL
 * string (heap memory, the caller frees it with free()); alloc_security_*
 * undo the earlier modules' allocations when a later one fails.
 */
#ifndef OPENXSM_HOOKS_H
#define OPENXSM_HOOKS_H

#include <openxsm/xsm.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Xen's xsm_default_t.  Same order as Xen (XSM_HOOK ... XSM_OTHER); the
 * ACT_ infix keeps the names apart from the XSM_HOOK list macro.
 */
enum xsm_action {
    XSM_ACT_HOOK,    /* any caller */
    XSM_ACT_DM_PRIV, /* the device model of the target, or privileged */
    XSM_ACT_TARGET,  /* the target itself, its device model, or privileged */
    XSM_ACT_PRIV,    /* the control domain only */
    XSM_ACT_XS_PRIV, /* the xenstore domain, the target's device model, or privileged */
    XSM_ACT_OTHER,   /* decided by the hook itself */
};

/*
 * Xen's xsm_default_action(): 0 if 'src' may act on 'tgt' under 'action',
 * else -EPERM.  XSM_ACT_OTHER (no rule of its own) and a NULL src are denied.
 */
int xsm_default_action(enum xsm_action action, const struct xsm_domain *src,
                       const struct xsm_domain *tgt);

/* The part of Xen's xen_domctl_getdomaininfo that XSM fills in. */
struct xsm_domaininfo {
    uint32_t ssidref;
};

/*
 * The PCI device of an MSI.  Wherever a hook takes an IRQ number it also
 * takes one of these ('data', or a 'msi' field): the device whose MSI the
 * IRQ is, or NULL if the IRQ is not an MSI (a GSI, an HPET or IOMMU
 * interrupt, any Arm IRQ).  Xen finds it through the IRQ's descriptor
 * (desc->msi_desc->dev) and passes map/unmap_domain_irq an opaque pointer
 * to it (the msi_info on map, the pci_dev on unmap); here the host passes
 * it explicitly.  Only dynamic IRQs (at or above xsm_config.nr_static_irqs)
 * look at it.
 */
struct xsm_irq_data {
    uint32_t sbdf; /* segment << 16 | bus << 8 | devfn */
};

/*
 * The part of Xen's xen_domctl_bind_pt_irq XSM looks at.  'irq' and 'msi'
 * are filled by the host: the physical IRQ that machine_irq (a pirq of the
 * domain) is bound to, as Xen's domain_pirq_to_irq() computes it (0 if the
 * pirq is unknown, negative if it is allocated but not mapped), and that
 * IRQ's MSI device (NULL if it is not an MSI).
 */
struct xsm_bind_pt_irq {
    uint32_t machine_irq;
    uint32_t irq_type; /* Xen's enum pt_irq_type */
    int irq;
    const struct xsm_irq_data *msi;
};

/* update_va_mapping's pte is a raw x86 L1 entry; the flag bits XSM reads. */
#define XSM_PTE_PRESENT 0x001U
#define XSM_PTE_RW      0x002U

/* mmu_update flags (Xen's XSM_MMU_*). */
#define XSM_MMU_UPDATE_READ     1U
#define XSM_MMU_UPDATE_WRITE    2U
#define XSM_MMU_NORMAL_UPDATE   4U
#define XSM_MMU_MACHPHYS_UPDATE 8U

/* Xen public ABI numbers the default rules switch on. */
#define XSM_CONSOLEIO_write 0
#define XSM_CONSOLEIO_read  1

#define XSM_DOMCTL_getdomaininfo  5
#define XSM_DOMCTL_bind_pt_irq    38
#define XSM_DOMCTL_memory_mapping 39
#define XSM_DOMCTL_ioport_mapping 40
#define XSM_DOMCTL_unbind_pt_irq  48

#define XSM_XENVER_version             0U
#define XSM_XENVER_extraversion        1U
#define XSM_XENVER_compile_info        2U
#define XSM_XENVER_capabilities        3U
#define XSM_XENVER_changeset           4U
#define XSM_XENVER_platform_parameters 5U
#define XSM_XENVER_get_features        6U
#define XSM_XENVER_pagesize            7U
#define XSM_XENVER_guest_handle        8U
#define XSM_XENVER_commandline         9U
#define XSM_XENVER_build_id            10U

#define XSM_XENPMU_mode_get    0U
#define XSM_XENPMU_mode_set    1U
#define XSM_XENPMU_feature_get 2U
#define XSM_XENPMU_feature_set 3U
#define XSM_XENPMU_init        4U
#define XSM_XENPMU_finish      5U
#define XSM_XENPMU_lvtpc_set   6U
#define XSM_XENPMU_flush       7U

#define XSM_ALTP2M_disabled 0U
#define XSM_ALTP2M_mixed    1U
#define XSM_ALTP2M_external 2U
#define XSM_ALTP2M_limited  3U

#define XSM_HVMOP_altp2m_vcpu_enable_notify 3U

/* Number of entries in the list (Xen 4.17's struct xsm_ops has 98). */
#define XSM_NR_XEN_HOOKS 98

#define XSM_UNPAREN(...) __VA_ARGS__
/*
 * XSM_PARAMS(PARAMS) is "XSM_UNPAREN PARAMS" expanded as a macro argument:
 * the same list, but every preprocessor gets it (cppcheck's rescans only
 * this form).
 */
#define XSM_PARAMS(list) XSM_UNPAREN(XSM_UNPAREN list)

/* The wrappers. */
#define XSM_HOOK(name, ACTION, SRC, TGT, PARAMS, ARGS)                                             \
    int xsm_##name(xsm_ctx *x, struct xsm_domain *cur XSM_PARAMS(PARAMS));
#define XSM_HOOK_OTHER(rtype, name, PARAMS, ARGS)                                                  \
    rtype xsm_##name(xsm_ctx *x, struct xsm_domain *cur XSM_PARAMS(PARAMS));
#include <openxsm/hook-defs.h>

#ifdef __cplusplus
}
#endif

#endif /* OPENXSM_HOOKS_H */
