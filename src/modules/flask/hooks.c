/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * FLASK's hooks: Xen 4.17's permission mapping of every XSM hook that FLASK
 * implements.  Hooks FLASK leaves out stay NULL in flask_ops, so the core
 * runs the dummy rule for them, as Xen's xsm_fixup_ops() does.
 *
 * Conventions shared by all hooks:
 *  - A check "A -> B class:perm" uses A's label as the subject and B's label
 *    as seen by A (flask_domain_target_sid: self, device-model target or
 *    plain label) as the object, unless the hook names a fixed object such
 *    as the xen_t initial SID.
 *  - The calling domain 'cur' is Xen's current->domain.  A NULL cur, or a
 *    NULL domain where Xen would dereference one, is denied with -EPERM
 *    (hooks.h); a NULL event channel or bind structure is -EINVAL.
 *  - Hooks that change labels (domain_create, set_target, the event-channel
 *    binders, set_system_active) compute every new label and pass every
 *    check first, and only then store: a denial changes nothing.
 *  - Sub-operations this version of Xen does not know go through
 *    flask_unknown_permission(): allowed with a warning in permissive mode
 *    or when the policy allows unknown permissions, -EPERM otherwise.
 *
 * The numeric sub-op values below are Xen 4.17's public ABI (domctl.h,
 * sysctl.h, platform.h, xenoprof.h, physdev.h, hvm_op.h, grant_table.h).
 */
#include <errno.h>

#include "flask.h"

/* clang-format off */
enum {
    /* XEN_DOMCTL_* */
    DOMCTL_createdomain = 1, DOMCTL_destroydomain = 2, DOMCTL_pausedomain = 3,
    DOMCTL_unpausedomain = 4, DOMCTL_getdomaininfo = 5, DOMCTL_setvcpuaffinity = 9,
    DOMCTL_shadow_op = 10, DOMCTL_max_mem = 11, DOMCTL_setvcpucontext = 12,
    DOMCTL_getvcpucontext = 13, DOMCTL_getvcpuinfo = 14, DOMCTL_max_vcpus = 15,
    DOMCTL_scheduler_op = 16, DOMCTL_setdomainhandle = 17, DOMCTL_setdebugging = 18,
    DOMCTL_irq_permission = 19, DOMCTL_iomem_permission = 20, DOMCTL_ioport_permission = 21,
    DOMCTL_hypercall_init = 22, DOMCTL_settimeoffset = 24, DOMCTL_getvcpuaffinity = 25,
    DOMCTL_resumedomain = 27, DOMCTL_sendtrigger = 28, DOMCTL_subscribe = 29,
    DOMCTL_gethvmcontext = 33, DOMCTL_sethvmcontext = 34, DOMCTL_set_address_size = 35,
    DOMCTL_get_address_size = 36, DOMCTL_assign_device = 37, DOMCTL_bind_pt_irq = 38,
    DOMCTL_memory_mapping = 39, DOMCTL_ioport_mapping = 40, DOMCTL_set_ext_vcpucontext = 42,
    DOMCTL_get_ext_vcpucontext = 43, DOMCTL_test_assign_device = 45, DOMCTL_set_target = 46,
    DOMCTL_deassign_device = 47, DOMCTL_unbind_pt_irq = 48, DOMCTL_get_device_group = 50,
    DOMCTL_debug_op = 54, DOMCTL_gethvmcontext_partial = 55, DOMCTL_vm_event_op = 56,
    DOMCTL_mem_sharing_op = 57, DOMCTL_gettscinfo = 59, DOMCTL_settscinfo = 60,
    DOMCTL_getpageframeinfo3 = 61, DOMCTL_setvcpuextstate = 62, DOMCTL_getvcpuextstate = 63,
    DOMCTL_set_access_required = 64, DOMCTL_audit_p2m = 65, DOMCTL_set_virq_handler = 66,
    DOMCTL_setnodeaffinity = 68, DOMCTL_getnodeaffinity = 69, DOMCTL_cacheflush = 71,
    DOMCTL_get_vcpu_msrs = 72, DOMCTL_set_vcpu_msrs = 73, DOMCTL_setvnumainfo = 74,
    DOMCTL_psr_cmt_op = 75, DOMCTL_monitor_op = 77, DOMCTL_psr_alloc = 78,
    DOMCTL_soft_reset = 79, DOMCTL_get_cpu_policy = 82, DOMCTL_set_cpu_policy = 83,
    DOMCTL_vmtrace_op = 84, DOMCTL_get_paging_mempool_size = 85,
    DOMCTL_set_paging_mempool_size = 86, DOMCTL_gdbsx_guestmemio = 1000,
    DOMCTL_gdbsx_pausevcpu = 1001, DOMCTL_gdbsx_unpausevcpu = 1002,
    DOMCTL_gdbsx_domstatus = 1003,

    /* XEN_DOMCTL_SCHEDOP_* and XEN_SYSCTL_SCHEDOP_* */
    DOMCTL_SCHEDOP_putinfo = 0, DOMCTL_SCHEDOP_getinfo = 1, DOMCTL_SCHEDOP_putvcpuinfo = 2,
    DOMCTL_SCHEDOP_getvcpuinfo = 3,
    SYSCTL_SCHEDOP_putinfo = 0, SYSCTL_SCHEDOP_getinfo = 1,

    /* XEN_SYSCTL_* */
    SYSCTL_readconsole = 1, SYSCTL_tbuf_op = 2, SYSCTL_physinfo = 3, SYSCTL_sched_id = 4,
    SYSCTL_perfc_op = 5, SYSCTL_getdomaininfolist = 6, SYSCTL_debug_keys = 7,
    SYSCTL_getcpuinfo = 8, SYSCTL_availheap = 9, SYSCTL_get_pmstat = 10,
    SYSCTL_cpu_hotplug = 11, SYSCTL_pm_op = 12, SYSCTL_page_offline_op = 14,
    SYSCTL_lockprof_op = 15, SYSCTL_cputopoinfo = 16, SYSCTL_numainfo = 17,
    SYSCTL_cpupool_op = 18, SYSCTL_scheduler_op = 19, SYSCTL_coverage_op = 20,
    SYSCTL_psr_cmt_op = 21, SYSCTL_pcitopoinfo = 22, SYSCTL_psr_alloc = 23,
    SYSCTL_get_cpu_levelling_caps = 25, SYSCTL_get_cpu_featureset = 26,
    SYSCTL_livepatch_op = 27, SYSCTL_get_cpu_policy = 29,

    /* sysctl page_offline_op commands */
    SYSCTL_page_offline = 1, SYSCTL_page_online = 2, SYSCTL_query_page_offline = 3,

    /* XENPF_* */
    PF_settime32 = 17, PF_add_memtype = 31, PF_del_memtype = 32, PF_read_memtype = 33,
    PF_microcode_update = 35, PF_platform_quirk = 39, PF_get_cpu_version = 48,
    PF_efi_runtime_call = 49, PF_firmware_info = 50, PF_enter_acpi_sleep = 51,
    PF_change_freq = 52, PF_getidletime = 53, PF_set_processor_pminfo = 54,
    PF_get_cpuinfo = 55, PF_cpu_online = 56, PF_cpu_offline = 57, PF_cpu_hotadd = 58,
    PF_mem_hotadd = 59, PF_core_parking = 60, PF_resource_op = 61, PF_settime64 = 62,
    PF_get_symbol = 63,

    /* XENOPROF_* */
    OPROF_init = 0, OPROF_reset_active_list = 1, OPROF_reset_passive_list = 2,
    OPROF_set_active = 3, OPROF_set_passive = 4, OPROF_reserve_counters = 5,
    OPROF_counter = 6, OPROF_setup_events = 7, OPROF_enable_virq = 8, OPROF_start = 9,
    OPROF_stop = 10, OPROF_disable_virq = 11, OPROF_release_counters = 12,
    OPROF_shutdown = 13, OPROF_get_buffer = 14,

    /* XEN_DOMCTL_SHADOW_OP_* */
    SHADOW_OP_OFF = 0, SHADOW_OP_ENABLE_TEST = 1, SHADOW_OP_ENABLE_LOGDIRTY = 2,
    SHADOW_OP_CLEAN = 11, SHADOW_OP_PEEK = 12, SHADOW_OP_GET_ALLOCATION = 30,
    SHADOW_OP_SET_ALLOCATION = 31, SHADOW_OP_ENABLE = 32,

    /* PHYSDEVOP_* */
    PHYSDEVOP_apic_read = 8, PHYSDEVOP_apic_write = 9, PHYSDEVOP_alloc_irq_vector = 10,

    /* HVMOP_* */
    HVMOP_set_param = 0, HVMOP_get_param = 1,
};
/* clang-format on */

#define GNTMAP_readonly (1U << 2)

/* The first PCI config-space byte after the BARs (0x10..0x27). */
#define PCI_BARS_START 0x10
#define PCI_BARS_END   0x28

/* ---- Helpers ---------------------------------------------------------- */

/*
 * Audit data (struct flask_audit) is what Xen's hook passes to the AVC:
 * both domains for domain_has_perm and the interdomain channel checks, else
 * only the calling domain (Xen passes none and prints current=), plus the
 * device, IRQ, range or device-tree path where Xen's hook names one.  The
 * 'hook' arguments name a check for readers; Xen's audit line has no field
 * for them.
 */
static struct flask_audit audit_cur(const struct xsm_domain *cur)
{
    return (struct flask_audit){.cur = cur};
}

/* Xen's domain_has_perm: d1's label against d2 as d1 sees it. */
static int domain_has_perm(struct xsm_instance *mi, const char *hook, const struct xsm_domain *d1,
                           const struct xsm_domain *d2, uint16_t tclass, uint32_t perms)
{
    struct flask_audit ad = {.sdom = d1, .tdom = d2};

    (void)hook;
    if (d1 == NULL || d2 == NULL)
        return -EPERM;
    return flask_avc_has_perm(mi, flask_domain_sid(mi, d1), flask_domain_target_sid(mi, d1, d2),
                              tclass, perms, &ad);
}

/* The caller acting on a fixed object SID. */
static int cur_has_sid_perm(struct xsm_instance *mi, const char *hook, const struct xsm_domain *cur,
                            uint32_t tsid, uint16_t tclass, uint32_t perms,
                            const struct flask_audit *ad)
{
    struct flask_audit local = audit_cur(cur);

    (void)hook;
    if (cur == NULL)
        return -EPERM;
    if (ad == NULL)
        ad = &local;
    return flask_avc_has_perm(mi, flask_domain_sid(mi, cur), tsid, tclass, perms, ad);
}

/*
 * A domain acting on the hypervisor itself (xen_t).  Xen's callers pass
 * current->domain, and the line names it as current=.
 */
static int domain_has_xen(struct xsm_instance *mi, const char *hook, const struct xsm_domain *d,
                          uint16_t tclass, uint32_t perms)
{
    return cur_has_sid_perm(mi, hook, d, SECINITSID_XEN, tclass, perms, NULL);
}

static int domain_has_evtchn(struct xsm_instance *mi, const char *hook,
                             const struct xsm_domain *cur, const struct xsm_domain *d,
                             const struct xsm_evtchn *chn, uint32_t perms)
{
    struct flask_audit ad = audit_cur(cur);

    if (chn == NULL)
        return -EINVAL;
    return cur_has_sid_perm(mi, hook, d, chn->label[mi->slot], SECCLASS_EVENT, perms, &ad);
}

/*
 * What a domain needs on a device or interrupt it is given: with an IOMMU
 * that remaps interrupts the isolation is complete (use_iommu); weaker set-ups
 * need their own, separately grantable permissions.
 */
static uint32_t iommu_use_perm(const struct xsm_domain *d)
{
    if (d == NULL)
        return RESOURCE__USE_NOIOMMU;
    switch (d->iommu) {
    case XSM_IOMMU_INTREMAP:
        return RESOURCE__USE_IOMMU;
    case XSM_IOMMU_NOINTREMAP:
        return RESOURCE__USE_IOMMU_NOINTREMAP;
    default:
        return RESOURCE__USE_NOIOMMU;
    }
}

/*
 * The label of a physical IRQ, Xen's get_irq_sid().  The host's IRQ space
 * (xsm_config) decides: outside [0, nr_irqs) is -EINVAL; a static IRQ (a
 * GSI; every IRQ on Arm) is labelled by the policy's pirqcon statements,
 * defaulting to irq_t, whatever MSI data comes with it; a dynamic IRQ is
 * its PCI device's label when it is an MSI ('msi', from the host) and
 * unlabeled otherwise (HPET, IOMMU: no guest should see those).
 *
 * Xen's map/unmap_domain_irq take the MSI branch before this range check;
 * their callers have checked the range already, so checking it here for
 * every hook only differs for numbers Xen never passes.
 */
static int irq_sid(struct xsm_instance *mi, int irq, const struct xsm_irq_data *msi, uint32_t *sid,
                   struct flask_audit *ad)
{
    const xsm_ctx *x = mi->ctx;

    if (irq < 0 || (uint32_t)irq >= x->nr_irqs)
        return -EINVAL;
    if ((uint32_t)irq < x->nr_static_irqs || msi == NULL) {
        if (ad != NULL) {
            ad->type = FLASK_AUDIT_IRQ;
            ad->irq = irq;
        }
        if ((uint32_t)irq < x->nr_static_irqs)
            return flask_resource_sid(mi, SS_OCON_PIRQ, (uint64_t)irq, sid);
        *sid = SECINITSID_UNLABELED;
        return 0;
    }
    if (ad != NULL) {
        ad->type = FLASK_AUDIT_DEV;
        ad->device = msi->sbdf;
    }
    return flask_resource_sid(mi, SS_OCON_DEVICE, msi->sbdf, sid);
}

/* A PCI device's label; ad (if any) names the device. */
static int device_sid(struct xsm_instance *mi, uint32_t sbdf, uint32_t *sid, struct flask_audit *ad)
{
    if (ad != NULL) {
        ad->type = FLASK_AUDIT_DEV;
        ad->device = sbdf;
    }
    return flask_resource_sid(mi, SS_OCON_DEVICE, sbdf, sid);
}

static uint32_t add_or_remove(uint8_t access)
{
    return access ? RESOURCE__ADD : RESOURCE__REMOVE;
}

/* ---- Lifecycle and domain management ---------------------------------- */

static int flask_set_system_active(struct xsm_instance *mi, struct xsm_domain *cur)
{
    struct flask_domain_sec *dsec = flask_dsec(mi, cur);

    if (cur == NULL || cur->domid != XSM_DOMID_IDLE) {
        xsm_log(mi->ctx, "flask: set_system_active should only be called by the idle domain");
        return -EPERM;
    }
    if (dsec == NULL)
        return -EPERM;
    /* is_privileged also means "control domain" elsewhere: the idle domain is not. */
    cur->is_privileged = false;
    dsec->sid = SECINITSID_XEN;
    dsec->self_sid = SECINITSID_XEN;
    return 0;
}

static void flask_security_domaininfo(struct xsm_instance *mi, struct xsm_domain *cur,
                                      struct xsm_domain *d, struct xsm_domaininfo *info)
{
    (void)cur;
    if (info != NULL)
        info->ssidref = flask_domain_sid(mi, d);
}

static int flask_domain_create(struct xsm_instance *mi, struct xsm_domain *cur,
                               struct xsm_domain *d, uint32_t ssidref)
{
    struct flask_domain_sec *dsec = flask_dsec(mi, d);
    _Atomic bool *dom0_created = flask_dom0_created(mi);
    uint32_t self_sid;
    int rc;

    if (cur == NULL || d == NULL)
        return -EPERM;
    if (dsec == NULL)
        return -EINVAL;

    /* No label asked for: keep the one alloc_security_domain chose. */
    if (ssidref == 0)
        ssidref = dsec->sid;

    rc = cur_has_sid_perm(mi, "domain_create", cur, ssidref, SECCLASS_DOMAIN, DOMAIN__CREATE, NULL);
    if (rc != 0)
        return rc;

    /* dom0_t is a singleton; the policy language cannot say so. */
    if (ssidref == SECINITSID_DOM0 && *dom0_created)
        return -EINVAL;

    rc = flask_transition_sid(mi, ssidref, ssidref, SECCLASS_DOMAIN, &self_sid);
    if (rc != 0)
        return rc;

    /* Two creators racing for dom0_t: only one may have it. */
    if (ssidref == SECINITSID_DOM0 && atomic_exchange(dom0_created, true))
        return -EINVAL;
    dsec->sid = ssidref;
    dsec->self_sid = self_sid;
    return 0;
}

static int flask_getdomaininfo(struct xsm_instance *mi, struct xsm_domain *cur,
                               struct xsm_domain *d)
{
    return domain_has_perm(mi, "getdomaininfo", cur, d, SECCLASS_DOMAIN, DOMAIN__GETDOMAININFO);
}

static int flask_domctl_scheduler_op(struct xsm_instance *mi, struct xsm_domain *cur,
                                     struct xsm_domain *d, int op)
{
    switch (op) {
    case DOMCTL_SCHEDOP_putinfo:
    case DOMCTL_SCHEDOP_putvcpuinfo:
        return domain_has_perm(mi, "domctl_scheduler_op", cur, d, SECCLASS_DOMAIN2,
                               DOMAIN2__SETSCHEDULER);
    case DOMCTL_SCHEDOP_getinfo:
    case DOMCTL_SCHEDOP_getvcpuinfo:
        return domain_has_perm(mi, "domctl_scheduler_op", cur, d, SECCLASS_DOMAIN,
                               DOMAIN__GETSCHEDULER);
    default:
        return flask_unknown_permission(mi, "domctl_scheduler_op", op);
    }
}

static int flask_sysctl_scheduler_op(struct xsm_instance *mi, struct xsm_domain *cur, int op)
{
    switch (op) {
    case SYSCTL_SCHEDOP_putinfo:
        return domain_has_xen(mi, "sysctl_scheduler_op", cur, SECCLASS_XEN, XEN__SETSCHEDULER);
    case SYSCTL_SCHEDOP_getinfo:
        return domain_has_xen(mi, "sysctl_scheduler_op", cur, SECCLASS_XEN, XEN__GETSCHEDULER);
    default:
        return flask_unknown_permission(mi, "sysctl_scheduler_op", op);
    }
}

static int flask_set_target(struct xsm_instance *mi, struct xsm_domain *cur, struct xsm_domain *d,
                            struct xsm_domain *t)
{
    struct flask_domain_sec *dsec = flask_dsec(mi, d);
    struct flask_audit ad;
    uint32_t target_sid;
    int rc;

    if (cur == NULL || d == NULL || t == NULL)
        return -EPERM;
    if (dsec == NULL)
        return -EINVAL;

    rc = domain_has_perm(mi, "set_target", cur, d, SECCLASS_DOMAIN2, DOMAIN2__MAKE_PRIV_FOR);
    if (rc != 0)
        return rc;
    rc = domain_has_perm(mi, "set_target", cur, t, SECCLASS_DOMAIN2, DOMAIN2__SET_AS_TARGET);
    if (rc != 0)
        return rc;
    /* Plain labels on both sides: the relation is being created, not used. */
    ad = audit_cur(cur);
    rc = flask_avc_has_perm(mi, dsec->sid, flask_domain_sid(mi, t), SECCLASS_DOMAIN,
                            DOMAIN__SET_TARGET, &ad);
    if (rc != 0)
        return rc;

    /* Without a rule the result is t's own label, which is what we want. */
    rc = flask_transition_sid(mi, flask_domain_sid(mi, t), dsec->sid, SECCLASS_DOMAIN, &target_sid);
    if (rc != 0)
        return rc;
    dsec->target_sid = target_sid;
    return 0;
}

static int flask_domctl(struct xsm_instance *mi, struct xsm_domain *cur, struct xsm_domain *d,
                        int cmd)
{
    uint16_t tclass;
    uint32_t perm;

    switch (cmd) {
    /* Sub-ops with hooks of their own: they are checked there. */
    case DOMCTL_createdomain:
    case DOMCTL_getdomaininfo:
    case DOMCTL_scheduler_op:
    case DOMCTL_irq_permission:
    case DOMCTL_iomem_permission:
    case DOMCTL_memory_mapping:
    case DOMCTL_set_target:
    case DOMCTL_vm_event_op:
    case DOMCTL_bind_pt_irq:
    case DOMCTL_unbind_pt_irq:
    case DOMCTL_shadow_op:
    case DOMCTL_ioport_permission:
    case DOMCTL_ioport_mapping:
    case DOMCTL_get_device_group:
    case DOMCTL_test_assign_device:
    case DOMCTL_assign_device:
    case DOMCTL_deassign_device:
        return 0;

    case DOMCTL_destroydomain:
        tclass = SECCLASS_DOMAIN, perm = DOMAIN__DESTROY;
        break;
    case DOMCTL_pausedomain:
        tclass = SECCLASS_DOMAIN, perm = DOMAIN__PAUSE;
        break;
    case DOMCTL_unpausedomain:
        tclass = SECCLASS_DOMAIN, perm = DOMAIN__UNPAUSE;
        break;
    case DOMCTL_setvcpuaffinity:
    case DOMCTL_setnodeaffinity:
        tclass = SECCLASS_DOMAIN, perm = DOMAIN__SETAFFINITY;
        break;
    case DOMCTL_getvcpuaffinity:
    case DOMCTL_getnodeaffinity:
        tclass = SECCLASS_DOMAIN, perm = DOMAIN__GETAFFINITY;
        break;
    case DOMCTL_resumedomain:
        tclass = SECCLASS_DOMAIN, perm = DOMAIN__RESUME;
        break;
    case DOMCTL_max_vcpus:
        tclass = SECCLASS_DOMAIN, perm = DOMAIN__MAX_VCPUS;
        break;
    case DOMCTL_max_mem:
        tclass = SECCLASS_DOMAIN, perm = DOMAIN__SETDOMAINMAXMEM;
        break;
    case DOMCTL_setdomainhandle:
        tclass = SECCLASS_DOMAIN, perm = DOMAIN__SETDOMAINHANDLE;
        break;
    case DOMCTL_set_ext_vcpucontext:
    case DOMCTL_set_vcpu_msrs:
    case DOMCTL_setvcpucontext:
    case DOMCTL_setvcpuextstate:
        tclass = SECCLASS_DOMAIN, perm = DOMAIN__SETVCPUCONTEXT;
        break;
    case DOMCTL_get_ext_vcpucontext:
    case DOMCTL_get_vcpu_msrs:
    case DOMCTL_getvcpucontext:
    case DOMCTL_getvcpuextstate:
        tclass = SECCLASS_DOMAIN, perm = DOMAIN__GETVCPUCONTEXT;
        break;
    case DOMCTL_getvcpuinfo:
        tclass = SECCLASS_DOMAIN, perm = DOMAIN__GETVCPUINFO;
        break;
    case DOMCTL_settimeoffset:
        tclass = SECCLASS_DOMAIN, perm = DOMAIN__SETTIME;
        break;
    case DOMCTL_setdebugging:
    case DOMCTL_debug_op:
    case DOMCTL_vmtrace_op:
    case DOMCTL_gdbsx_guestmemio:
    case DOMCTL_gdbsx_pausevcpu:
    case DOMCTL_gdbsx_unpausevcpu:
    case DOMCTL_gdbsx_domstatus:
        tclass = SECCLASS_DOMAIN, perm = DOMAIN__SETDEBUGGING;
        break;
    case DOMCTL_getpageframeinfo3:
        tclass = SECCLASS_MMU, perm = MMU__PAGEINFO;
        break;
    case DOMCTL_hypercall_init:
        tclass = SECCLASS_DOMAIN, perm = DOMAIN__HYPERCALL;
        break;
    case DOMCTL_sethvmcontext:
        tclass = SECCLASS_HVM, perm = HVM__SETHVMC;
        break;
    case DOMCTL_gethvmcontext:
    case DOMCTL_gethvmcontext_partial:
        tclass = SECCLASS_HVM, perm = HVM__GETHVMC;
        break;
    case DOMCTL_set_address_size:
        tclass = SECCLASS_DOMAIN, perm = DOMAIN__SETADDRSIZE;
        break;
    case DOMCTL_get_address_size:
        tclass = SECCLASS_DOMAIN, perm = DOMAIN__GETADDRSIZE;
        break;
    case DOMCTL_mem_sharing_op:
        tclass = SECCLASS_HVM, perm = HVM__MEM_SHARING;
        break;
    case DOMCTL_sendtrigger:
        tclass = SECCLASS_DOMAIN, perm = DOMAIN__TRIGGER;
        break;
    case DOMCTL_set_access_required:
    case DOMCTL_monitor_op:
        tclass = SECCLASS_DOMAIN2, perm = DOMAIN2__VM_EVENT;
        break;
    case DOMCTL_subscribe:
        tclass = SECCLASS_DOMAIN, perm = DOMAIN__SET_MISC_INFO;
        break;
    case DOMCTL_set_virq_handler:
        tclass = SECCLASS_DOMAIN, perm = DOMAIN__SET_VIRQ_HANDLER;
        break;
    case DOMCTL_set_cpu_policy:
        tclass = SECCLASS_DOMAIN2, perm = DOMAIN2__SET_CPU_POLICY;
        break;
    case DOMCTL_gettscinfo:
        tclass = SECCLASS_DOMAIN2, perm = DOMAIN2__GETTSC;
        break;
    case DOMCTL_settscinfo:
        tclass = SECCLASS_DOMAIN2, perm = DOMAIN2__SETTSC;
        break;
    case DOMCTL_audit_p2m:
        tclass = SECCLASS_HVM, perm = HVM__AUDIT_P2M;
        break;
    case DOMCTL_cacheflush:
        tclass = SECCLASS_DOMAIN2, perm = DOMAIN2__CACHEFLUSH;
        break;
    case DOMCTL_setvnumainfo:
        /*
         * Xen's long-standing quirk, kept for policy compatibility: the
         * domain2 bit is checked in class domain, where it is getvcpuinfo.
         */
        tclass = SECCLASS_DOMAIN, perm = DOMAIN2__SET_VNUMAINFO;
        break;
    case DOMCTL_psr_cmt_op:
        tclass = SECCLASS_DOMAIN2, perm = DOMAIN2__PSR_CMT_OP;
        break;
    case DOMCTL_psr_alloc:
        tclass = SECCLASS_DOMAIN2, perm = DOMAIN2__PSR_ALLOC;
        break;
    case DOMCTL_soft_reset:
        tclass = SECCLASS_DOMAIN2, perm = DOMAIN2__SOFT_RESET;
        break;
    case DOMCTL_get_cpu_policy:
        tclass = SECCLASS_DOMAIN2, perm = DOMAIN2__GET_CPU_POLICY;
        break;
    case DOMCTL_get_paging_mempool_size:
        tclass = SECCLASS_DOMAIN, perm = DOMAIN__GETPAGINGMEMPOOL;
        break;
    case DOMCTL_set_paging_mempool_size:
        tclass = SECCLASS_DOMAIN, perm = DOMAIN__SETPAGINGMEMPOOL;
        break;
    default:
        return flask_unknown_permission(mi, "domctl", cmd);
    }
    return domain_has_perm(mi, "domctl", cur, d, tclass, perm);
}

static int flask_sysctl(struct xsm_instance *mi, struct xsm_domain *cur, int cmd)
{
    uint16_t tclass = SECCLASS_XEN;
    uint32_t perm;

    switch (cmd) {
    /* Sub-ops with hooks of their own. */
    case SYSCTL_readconsole:
    case SYSCTL_getdomaininfolist:
    case SYSCTL_page_offline_op:
    case SYSCTL_scheduler_op:
    case SYSCTL_cpu_hotplug:
        return 0;

    case SYSCTL_tbuf_op:
        perm = XEN__TBUFCONTROL;
        break;
    case SYSCTL_sched_id:
        perm = XEN__GETSCHEDULER;
        break;
    case SYSCTL_perfc_op:
        perm = XEN__PERFCONTROL;
        break;
    case SYSCTL_debug_keys:
        perm = XEN__DEBUG;
        break;
    case SYSCTL_getcpuinfo:
        perm = XEN__GETCPUINFO;
        break;
    case SYSCTL_availheap:
        perm = XEN__HEAP;
        break;
    case SYSCTL_get_pmstat:
    case SYSCTL_pm_op:
        perm = XEN__PM_OP;
        break;
    case SYSCTL_lockprof_op:
        perm = XEN__LOCKPROF;
        break;
    case SYSCTL_cpupool_op:
        perm = XEN__CPUPOOL_OP;
        break;
    case SYSCTL_physinfo:
    case XEN_SYSCTL_xsm_info: /* openxsm's discovery: platform description */
    case SYSCTL_cputopoinfo:
    case SYSCTL_numainfo:
    case SYSCTL_pcitopoinfo:
    case SYSCTL_get_cpu_policy:
        perm = XEN__PHYSINFO;
        break;
    case SYSCTL_psr_cmt_op:
        tclass = SECCLASS_XEN2, perm = XEN2__PSR_CMT_OP;
        break;
    case SYSCTL_psr_alloc:
        tclass = SECCLASS_XEN2, perm = XEN2__PSR_ALLOC;
        break;
    case SYSCTL_get_cpu_levelling_caps:
        tclass = SECCLASS_XEN2, perm = XEN2__GET_CPU_LEVELLING_CAPS;
        break;
    case SYSCTL_get_cpu_featureset:
        tclass = SECCLASS_XEN2, perm = XEN2__GET_CPU_FEATURESET;
        break;
    case SYSCTL_livepatch_op:
        tclass = SECCLASS_XEN2, perm = XEN2__LIVEPATCH_OP;
        break;
    case SYSCTL_coverage_op:
        tclass = SECCLASS_XEN2, perm = XEN2__COVERAGE_OP;
        break;
    default:
        return flask_unknown_permission(mi, "sysctl", cmd);
    }
    return domain_has_xen(mi, "sysctl", cur, tclass, perm);
}

static int flask_readconsole(struct xsm_instance *mi, struct xsm_domain *cur, uint32_t clear)
{
    uint32_t perms = XEN__READCONSOLE;

    if (clear)
        perms |= XEN__CLEARCONSOLE;
    return domain_has_xen(mi, "readconsole", cur, SECCLASS_XEN, perms);
}

/* ---- Event channels --------------------------------------------------- */

/*
 * The label of a new channel from d1 to d2, and the checks for creating it
 * (by the caller) and binding it (to d2 as d1 sees it).
 */
static int evtchn_label(struct xsm_instance *mi, struct xsm_domain *cur, struct xsm_domain *d1,
                        struct xsm_domain *d2, uint32_t *newsid, const struct flask_audit *ad)
{
    uint32_t sid1 = flask_domain_sid(mi, d1);
    uint32_t sid2 = flask_domain_target_sid(mi, d1, d2);
    int rc;

    rc = flask_transition_sid(mi, sid1, sid2, SECCLASS_EVENT, newsid);
    if (rc != 0)
        return rc;
    rc = cur_has_sid_perm(mi, "evtchn", cur, *newsid, SECCLASS_EVENT, EVENT__CREATE, ad);
    if (rc != 0)
        return rc;
    return flask_avc_has_perm(mi, *newsid, sid2, SECCLASS_EVENT, EVENT__BIND, ad);
}

static int flask_evtchn_unbound(struct xsm_instance *mi, struct xsm_domain *cur,
                                struct xsm_domain *d, struct xsm_evtchn *chn, xsm_domid_t id2)
{
    struct flask_audit ad = audit_cur(cur);
    struct xsm_domain *d2;
    uint32_t newsid;
    int rc;

    if (cur == NULL || d == NULL)
        return -EPERM;
    if (chn == NULL)
        return -EINVAL;
    d2 = xsm_domain_lookup(mi->ctx, cur, id2);
    if (d2 == NULL)
        return -EPERM;
    rc = evtchn_label(mi, cur, d, d2, &newsid, &ad);
    if (rc != 0)
        return rc;
    chn->label[mi->slot] = newsid;
    return 0;
}

static int flask_evtchn_interdomain(struct xsm_instance *mi, struct xsm_domain *cur,
                                    struct xsm_domain *d1, struct xsm_evtchn *chn1,
                                    struct xsm_domain *d2, struct xsm_evtchn *chn2)
{
    struct flask_audit ad = {.sdom = d1, .tdom = d2};
    uint32_t newsid;
    int rc;

    if (cur == NULL || d1 == NULL || d2 == NULL)
        return -EPERM;
    if (chn1 == NULL || chn2 == NULL)
        return -EINVAL;
    rc = evtchn_label(mi, cur, d1, d2, &newsid, &ad);
    if (rc != 0)
        return rc;
    /*
     * The unbound end was labelled when it was created; its domain may have
     * been relabelled (or replaced) since, so check the binding again from
     * the remote end's side.
     */
    rc = flask_avc_has_perm(mi, chn2->label[mi->slot], flask_domain_target_sid(mi, d2, d1),
                            SECCLASS_EVENT, EVENT__BIND, &ad);
    if (rc != 0)
        return rc;
    chn1->label[mi->slot] = newsid;
    return 0;
}

static void flask_evtchn_close_post(struct xsm_instance *mi, struct xsm_domain *cur,
                                    struct xsm_evtchn *chn)
{
    (void)cur;
    if (chn != NULL)
        chn->label[mi->slot] = SECINITSID_UNLABELED;
}

static int flask_evtchn_send(struct xsm_instance *mi, struct xsm_domain *cur, struct xsm_domain *d,
                             struct xsm_evtchn *chn)
{
    if (d == NULL)
        return -EPERM;
    if (chn == NULL)
        return -EINVAL;
    switch (chn->state) {
    case XSM_ECS_INTERDOMAIN:
        return domain_has_evtchn(mi, "evtchn_send", cur, d, chn, EVENT__SEND);
    case XSM_ECS_IPI:
    case XSM_ECS_UNBOUND:
        return 0;
    default:
        return flask_unknown_permission(mi, "event channel state", chn->state);
    }
}

static int flask_evtchn_status(struct xsm_instance *mi, struct xsm_domain *cur,
                               struct xsm_domain *d, struct xsm_evtchn *chn)
{
    return domain_has_evtchn(mi, "evtchn_status", cur, d, chn, EVENT__STATUS);
}

static int flask_evtchn_reset(struct xsm_instance *mi, struct xsm_domain *cur,
                              struct xsm_domain *d1, struct xsm_domain *d2)
{
    (void)cur;
    return domain_has_perm(mi, "evtchn_reset", d1, d2, SECCLASS_EVENT, EVENT__RESET);
}

/* ---- Grant tables ----------------------------------------------------- */

static int flask_grant_mapref(struct xsm_instance *mi, struct xsm_domain *cur,
                              struct xsm_domain *d1, struct xsm_domain *d2, uint32_t flags)
{
    uint32_t perms = GRANT__MAP_READ;

    (void)cur;
    if (!(flags & GNTMAP_readonly))
        perms |= GRANT__MAP_WRITE;
    return domain_has_perm(mi, "grant_mapref", d1, d2, SECCLASS_GRANT, perms);
}

#define GRANT_HOOK(name, perm)                                                                     \
    static int flask_##name(struct xsm_instance *mi, struct xsm_domain *cur,                       \
                            struct xsm_domain *d1, struct xsm_domain *d2)                          \
    {                                                                                              \
        (void)cur;                                                                                 \
        return domain_has_perm(mi, #name, d1, d2, SECCLASS_GRANT, perm);                           \
    }
GRANT_HOOK(grant_unmapref, GRANT__UNMAP)
GRANT_HOOK(grant_setup, GRANT__SETUP)
GRANT_HOOK(grant_transfer, GRANT__TRANSFER)
GRANT_HOOK(grant_copy, GRANT__COPY)
GRANT_HOOK(grant_query_size, GRANT__QUERY)
#undef GRANT_HOOK

/* ---- Labels ----------------------------------------------------------- */

/*
 * Xen asks whether the creator still carries the xenboot label.  A host that
 * builds domains without a calling domain (NULL cur), or from an idle domain
 * FLASK has not labelled, is taken to be booting as well.
 *
 * Only the privileged domain gets a boot label (dom0_t).  Every other domain
 * built at boot (dom0less) starts unlabeled, as in Xen 4.17 outside the PV
 * shim (which labels its one guest domU_t and is not modelled): its label is
 * whatever domain_create is asked for, checked against xenboot_t.
 */
static bool creator_is_xenboot(struct xsm_instance *mi, const struct xsm_domain *cur)
{
    const struct flask_domain_sec *csec = flask_dsec(mi, cur);

    if (cur == NULL)
        return true;
    if (csec != NULL)
        return csec->sid == SECINITSID_XENBOOT;
    return cur->domid == XSM_DOMID_IDLE;
}

static int flask_alloc_security_domain(struct xsm_instance *mi, struct xsm_domain *cur,
                                       struct xsm_domain *d)
{
    uint32_t sid = SECINITSID_UNLABELED;

    if (d == NULL)
        return -EINVAL;

    switch (d->domid) {
    case XSM_DOMID_IDLE:
        sid = SECINITSID_XENBOOT;
        break;
    case XSM_DOMID_XEN:
        sid = SECINITSID_DOMXEN;
        break;
    case XSM_DOMID_IO:
        sid = SECINITSID_DOMIO;
        break;
    default:
        if (d->is_privileged && creator_is_xenboot(mi, cur))
            sid = SECINITSID_DOM0;
        break;
    }

    return flask_label_attach(mi, d, sid);
}

static void flask_free_security_domain(struct xsm_instance *mi, struct xsm_domain *cur,
                                       struct xsm_domain *d)
{
    (void)cur;
    if (d != NULL)
        flask_label_detach(mi, d);
}

static int flask_alloc_security_evtchns(struct xsm_instance *mi, struct xsm_domain *cur,
                                        struct xsm_evtchn *chn, unsigned int nr)
{
    (void)cur;
    if (chn == NULL && nr > 0)
        return -EINVAL;
    for (unsigned int i = 0; i < nr; i++)
        chn[i].label[mi->slot] = SECINITSID_UNLABELED;
    return 0;
}

static void flask_free_security_evtchns(struct xsm_instance *mi, struct xsm_domain *cur,
                                        struct xsm_evtchn *chn, unsigned int nr)
{
    (void)cur;
    if (chn == NULL)
        return;
    for (unsigned int i = 0; i < nr; i++)
        chn[i].label[mi->slot] = SECINITSID_UNLABELED;
}

static char *flask_show_security_evtchn(struct xsm_instance *mi, struct xsm_domain *cur,
                                        struct xsm_domain *d, const struct xsm_evtchn *chn)
{
    uint32_t sid = 0;

    (void)cur, (void)d;
    if (chn == NULL)
        return NULL;
    switch (chn->state) {
    case XSM_ECS_UNBOUND:
    case XSM_ECS_INTERDOMAIN:
        sid = chn->label[mi->slot];
        break;
    case XSM_ECS_PIRQ:
        /* The label of the IRQ the pirq is bound to, if it is bound. */
        if (chn->pirq_irq != 0 && irq_sid(mi, chn->pirq_irq, chn->pirq_msi, &sid, NULL) != 0)
            return NULL;
        break;
    default:
        break;
    }
    return sid != 0 ? flask_sid_to_context(mi, sid) : NULL;
}

static int flask_init_hardware_domain(struct xsm_instance *mi, struct xsm_domain *cur,
                                      struct xsm_domain *d)
{
    return domain_has_perm(mi, "init_hardware_domain", cur, d, SECCLASS_DOMAIN2,
                           DOMAIN2__CREATE_HARDWARE_DOMAIN);
}

/* ---- Memory ----------------------------------------------------------- */

/* The caller acting on one domain. */
#define CUR_HOOK(name, tclass, perm)                                                               \
    static int flask_##name(struct xsm_instance *mi, struct xsm_domain *cur, struct xsm_domain *d) \
    {                                                                                              \
        return domain_has_perm(mi, #name, cur, d, tclass, perm);                                   \
    }
/* One domain acting on another. */
#define PAIR_HOOK(name, tclass, perm)                                                              \
    static int flask_##name(struct xsm_instance *mi, struct xsm_domain *cur,                       \
                            struct xsm_domain *d1, struct xsm_domain *d2)                          \
    {                                                                                              \
        (void)cur;                                                                                 \
        return domain_has_perm(mi, #name, d1, d2, tclass, perm);                                   \
    }

CUR_HOOK(get_pod_target, SECCLASS_DOMAIN, DOMAIN__GETPODTARGET)
CUR_HOOK(set_pod_target, SECCLASS_DOMAIN, DOMAIN__SETPODTARGET)
CUR_HOOK(memory_exchange, SECCLASS_MMU, MMU__EXCHANGE)
PAIR_HOOK(memory_adjust_reservation, SECCLASS_MMU, MMU__ADJUST)
PAIR_HOOK(memory_stat_reservation, SECCLASS_MMU, MMU__STAT)
PAIR_HOOK(add_to_physmap, SECCLASS_MMU, MMU__PHYSMAP)
PAIR_HOOK(remove_from_physmap, SECCLASS_MMU, MMU__PHYSMAP)
PAIR_HOOK(map_gmfn_foreign, SECCLASS_MMU, MMU__MAP_READ | MMU__MAP_WRITE)
PAIR_HOOK(mmuext_op, SECCLASS_MMU, MMU__MMUEXT_OP)
PAIR_HOOK(priv_mapping, SECCLASS_MMU, MMU__TARGET_HACK)
PAIR_HOOK(schedop_shutdown, SECCLASS_DOMAIN, DOMAIN__SHUTDOWN)
CUR_HOOK(claim_pages, SECCLASS_DOMAIN2, DOMAIN2__SETCLAIM)
CUR_HOOK(get_vnumainfo, SECCLASS_DOMAIN2, DOMAIN2__GET_VNUMAINFO)
CUR_HOOK(domain_resource_map, SECCLASS_DOMAIN2, DOMAIN2__RESOURCE_MAP)
CUR_HOOK(mem_access, SECCLASS_DOMAIN2, DOMAIN2__MEM_ACCESS)
CUR_HOOK(mem_paging, SECCLASS_DOMAIN2, DOMAIN2__MEM_PAGING)
CUR_HOOK(mem_sharing, SECCLASS_DOMAIN2, DOMAIN2__MEM_SHARING)
CUR_HOOK(hvm_param_altp2mhvm, SECCLASS_HVM, HVM__ALTP2MHVM)
CUR_HOOK(dm_op, SECCLASS_HVM, HVM__DM)
CUR_HOOK(domain_memory_map, SECCLASS_MMU, MMU__MEMORYMAP)
CUR_HOOK(map_domain_pirq, SECCLASS_RESOURCE, RESOURCE__ADD)
CUR_HOOK(unmap_domain_pirq, SECCLASS_RESOURCE, RESOURCE__REMOVE)

static int flask_memory_pin_page(struct xsm_instance *mi, struct xsm_domain *cur,
                                 struct xsm_domain *d1, struct xsm_domain *d2, uint64_t page)
{
    (void)cur, (void)page;
    return domain_has_perm(mi, "memory_pin_page", d1, d2, SECCLASS_MMU, MMU__PINPAGE);
}

/* ---- Console, profiling, kexec ---------------------------------------- */

static int flask_console_io(struct xsm_instance *mi, struct xsm_domain *cur, struct xsm_domain *d,
                            int cmd)
{
    (void)cur;
    switch (cmd) {
    case XSM_CONSOLEIO_read:
        return domain_has_xen(mi, "console_io", d, SECCLASS_XEN, XEN__READCONSOLE);
    case XSM_CONSOLEIO_write:
        return domain_has_xen(mi, "console_io", d, SECCLASS_XEN, XEN__WRITECONSOLE);
    default:
        return flask_unknown_permission(mi, "console_io", cmd);
    }
}

static int flask_profile(struct xsm_instance *mi, struct xsm_domain *cur, struct xsm_domain *d,
                         int op)
{
    (void)cur;
    switch (op) {
    case OPROF_init:
    case OPROF_enable_virq:
    case OPROF_disable_virq:
    case OPROF_get_buffer:
        return domain_has_xen(mi, "profile", d, SECCLASS_XEN, XEN__NONPRIVPROFILE);
    case OPROF_reset_active_list:
    case OPROF_reset_passive_list:
    case OPROF_set_active:
    case OPROF_set_passive:
    case OPROF_reserve_counters:
    case OPROF_counter:
    case OPROF_setup_events:
    case OPROF_start:
    case OPROF_stop:
    case OPROF_release_counters:
    case OPROF_shutdown:
        return domain_has_xen(mi, "profile", d, SECCLASS_XEN, XEN__PRIVPROFILE);
    default:
        return flask_unknown_permission(mi, "xenoprof op", op);
    }
}

static int flask_kexec(struct xsm_instance *mi, struct xsm_domain *cur)
{
    return domain_has_xen(mi, "kexec", cur, SECCLASS_XEN, XEN__KEXEC);
}

/* ---- Interrupts, I/O resources and passthrough ------------------------ */

static char *flask_show_irq_sid(struct xsm_instance *mi, struct xsm_domain *cur, int irq,
                                const struct xsm_irq_data *data)
{
    uint32_t sid;

    (void)cur;
    if (irq_sid(mi, irq, data, &sid, NULL) != 0)
        return NULL;
    return flask_sid_to_context(mi, sid);
}

static int flask_map_domain_irq(struct xsm_instance *mi, struct xsm_domain *cur,
                                struct xsm_domain *d, int irq, const struct xsm_irq_data *data)
{
    struct flask_audit ad = audit_cur(cur);
    uint32_t sid;
    int rc;

    if (cur == NULL || d == NULL)
        return -EPERM;
    rc = irq_sid(mi, irq, data, &sid, &ad);
    if (rc != 0)
        return rc;
    rc =
        cur_has_sid_perm(mi, "map_domain_irq", cur, sid, SECCLASS_RESOURCE, RESOURCE__ADD_IRQ, &ad);
    if (rc != 0)
        return rc;
    return flask_avc_has_perm(mi, flask_domain_sid(mi, d), sid, SECCLASS_RESOURCE,
                              iommu_use_perm(d), &ad);
}

static int flask_unmap_domain_irq(struct xsm_instance *mi, struct xsm_domain *cur,
                                  struct xsm_domain *d, int irq, const struct xsm_irq_data *data)
{
    struct flask_audit ad = audit_cur(cur);
    uint32_t sid;
    int rc;

    (void)d; /* only the caller's right to remove the IRQ is checked */
    if (cur == NULL)
        return -EPERM;
    rc = irq_sid(mi, irq, data, &sid, &ad);
    if (rc != 0)
        return rc;
    return cur_has_sid_perm(mi, "unmap_domain_irq", cur, sid, SECCLASS_RESOURCE,
                            RESOURCE__REMOVE_IRQ, &ad);
}

static int flask_bind_pt_irq(struct xsm_instance *mi, struct xsm_domain *cur, struct xsm_domain *d,
                             struct xsm_bind_pt_irq *bind)
{
    struct flask_audit ad = audit_cur(cur);
    uint32_t rsid;
    int rc;

    if (bind == NULL)
        return -EINVAL;
    rc = domain_has_perm(mi, "bind_pt_irq", cur, d, SECCLASS_RESOURCE, RESOURCE__ADD);
    if (rc != 0)
        return rc;
    rc = irq_sid(mi, bind->irq, bind->msi, &rsid, &ad);
    if (rc != 0)
        return rc;
    rc = cur_has_sid_perm(mi, "bind_pt_irq", cur, rsid, SECCLASS_HVM, HVM__BIND_IRQ, &ad);
    if (rc != 0)
        return rc;
    return flask_avc_has_perm(mi, flask_domain_sid(mi, d), rsid, SECCLASS_RESOURCE,
                              iommu_use_perm(d), &ad);
}

static int flask_unbind_pt_irq(struct xsm_instance *mi, struct xsm_domain *cur,
                               struct xsm_domain *d, struct xsm_bind_pt_irq *bind)
{
    (void)bind;
    return domain_has_perm(mi, "unbind_pt_irq", cur, d, SECCLASS_RESOURCE, RESOURCE__REMOVE);
}

static int flask_irq_permission(struct xsm_instance *mi, struct xsm_domain *cur,
                                struct xsm_domain *d, int pirq, uint8_t allow)
{
    /* The pirq is not a physical IRQ: its label is checked when it is mapped. */
    (void)pirq;
    return domain_has_perm(mi, "irq_permission", cur, d, SECCLASS_RESOURCE, add_or_remove(allow));
}

/* One labelled piece of an I/O-port or I/O-memory range. */
struct range_check {
    struct xsm_instance *mi;
    const struct xsm_domain *cur;
    uint32_t ssid, dsid, perm, use_perm;
};

static int range_piece_has_perm(void *opaque, uint32_t sid, uint64_t lo, uint64_t hi)
{
    struct range_check *rc = opaque;
    struct flask_audit ad = {.cur = rc->cur, .type = FLASK_AUDIT_RANGE, .range = {lo, hi}};
    int r;

    r = flask_avc_has_perm(rc->mi, rc->ssid, sid, SECCLASS_RESOURCE, rc->perm, &ad);
    if (r != 0)
        return r;
    return flask_avc_has_perm(rc->mi, rc->dsid, sid, SECCLASS_RESOURCE, rc->use_perm, &ad);
}

/*
 * Granting or revoking a range: the caller must be allowed to change d's
 * resources, and for every labelled sub-range (and every unlabelled gap)
 * to add or remove that label, which d must be allowed to use.
 */
static int range_permission(struct xsm_instance *mi, const char *hook, struct xsm_domain *cur,
                            struct xsm_domain *d, unsigned ocon, uint64_t s, uint64_t e,
                            uint8_t allow, uint32_t add_perm, uint32_t remove_perm)
{
    struct range_check data;
    int rc;

    rc = domain_has_perm(mi, hook, cur, d, SECCLASS_RESOURCE, add_or_remove(allow));
    if (rc != 0)
        return rc;
    data.mi = mi;
    data.cur = cur;
    data.ssid = flask_domain_sid(mi, cur);
    data.dsid = flask_domain_sid(mi, d);
    data.perm = allow ? add_perm : remove_perm;
    data.use_perm = iommu_use_perm(d);
    return flask_resource_iterate(mi, ocon, s, e, range_piece_has_perm, &data);
}

static int flask_iomem_permission(struct xsm_instance *mi, struct xsm_domain *cur,
                                  struct xsm_domain *d, uint64_t s, uint64_t e, uint8_t allow)
{
    return range_permission(mi, "iomem_permission", cur, d, SS_OCON_IOMEM, s, e, allow,
                            RESOURCE__ADD_IOMEM, RESOURCE__REMOVE_IOMEM);
}

static int flask_iomem_mapping(struct xsm_instance *mi, struct xsm_domain *cur,
                               struct xsm_domain *d, uint64_t s, uint64_t e, uint8_t allow)
{
    return range_permission(mi, "iomem_mapping", cur, d, SS_OCON_IOMEM, s, e, allow,
                            RESOURCE__ADD_IOMEM, RESOURCE__REMOVE_IOMEM);
}

static int flask_ioport_permission(struct xsm_instance *mi, struct xsm_domain *cur,
                                   struct xsm_domain *d, uint32_t s, uint32_t e, uint8_t allow)
{
    return range_permission(mi, "ioport_permission", cur, d, SS_OCON_IOPORT, s, e, allow,
                            RESOURCE__ADD_IOPORT, RESOURCE__REMOVE_IOPORT);
}

static int flask_ioport_mapping(struct xsm_instance *mi, struct xsm_domain *cur,
                                struct xsm_domain *d, uint32_t s, uint32_t e, uint8_t allow)
{
    return range_permission(mi, "ioport_mapping", cur, d, SS_OCON_IOPORT, s, e, allow,
                            RESOURCE__ADD_IOPORT, RESOURCE__REMOVE_IOPORT);
}

static int flask_pci_config_permission(struct xsm_instance *mi, struct xsm_domain *cur,
                                       struct xsm_domain *d, uint32_t machine_bdf, uint16_t start,
                                       uint16_t end, uint8_t access)
{
    struct flask_audit ad = audit_cur(cur);
    uint32_t rsid, perm;
    int rc;

    if (d == NULL)
        return -EPERM;
    rc = device_sid(mi, machine_bdf, &rsid, &ad);
    if (rc != 0)
        return rc;
    /* Writing a BAR moves the device: that is setting it up, not using it. */
    if (access && end >= PCI_BARS_START && start < PCI_BARS_END)
        perm = RESOURCE__SETUP;
    else
        perm = iommu_use_perm(d);
    return flask_avc_has_perm(mi, flask_domain_sid(mi, d), rsid, SECCLASS_RESOURCE, perm, &ad);
}

/* The caller on a PCI device's label; audit_device: the line names the device, as Xen's does. */
static int cur_on_device(struct xsm_instance *mi, const char *hook, struct xsm_domain *cur,
                         uint32_t sbdf, uint32_t perm, bool audit_device)
{
    struct flask_audit ad = audit_cur(cur);
    uint32_t rsid;
    int rc;

    if (cur == NULL)
        return -EPERM;
    rc = device_sid(mi, sbdf, &rsid, audit_device ? &ad : NULL);
    if (rc != 0)
        return rc;
    return cur_has_sid_perm(mi, hook, cur, rsid, SECCLASS_RESOURCE, perm, &ad);
}

static int flask_get_device_group(struct xsm_instance *mi, struct xsm_domain *cur,
                                  uint32_t machine_bdf)
{
    return cur_on_device(mi, "get_device_group", cur, machine_bdf, RESOURCE__STAT_DEVICE, false);
}

static int flask_assign_device(struct xsm_instance *mi, struct xsm_domain *cur,
                               struct xsm_domain *d, uint32_t machine_bdf)
{
    struct flask_audit ad = audit_cur(cur);
    uint32_t rsid;
    int rc;

    /* No domain: XEN_DOMCTL_test_assign_device. */
    if (d == NULL)
        return cur_on_device(mi, "test_assign_device", cur, machine_bdf, RESOURCE__STAT_DEVICE,
                             false);
    rc = domain_has_perm(mi, "assign_device", cur, d, SECCLASS_RESOURCE, RESOURCE__ADD);
    if (rc != 0)
        return rc;
    rc = device_sid(mi, machine_bdf, &rsid, &ad);
    if (rc != 0)
        return rc;
    rc = cur_has_sid_perm(mi, "assign_device", cur, rsid, SECCLASS_RESOURCE, RESOURCE__ADD_DEVICE,
                          &ad);
    if (rc != 0)
        return rc;
    return flask_avc_has_perm(mi, flask_domain_sid(mi, d), rsid, SECCLASS_RESOURCE,
                              iommu_use_perm(d), &ad);
}

static int flask_deassign_device(struct xsm_instance *mi, struct xsm_domain *cur,
                                 struct xsm_domain *d, uint32_t machine_bdf)
{
    int rc = domain_has_perm(mi, "deassign_device", cur, d, SECCLASS_RESOURCE, RESOURCE__REMOVE);

    if (rc != 0)
        return rc;
    return cur_on_device(mi, "deassign_device", cur, machine_bdf, RESOURCE__REMOVE_DEVICE, false);
}

static int dtdevice_sid(struct xsm_instance *mi, const char *path, uint32_t *sid,
                        struct flask_audit *ad)
{
    if (path == NULL)
        return -EINVAL;
    if (ad != NULL) {
        ad->type = FLASK_AUDIT_DTDEV;
        ad->dtdev = path;
    }
    return flask_devicetree_sid(mi, path, sid);
}

static int flask_assign_dtdevice(struct xsm_instance *mi, struct xsm_domain *cur,
                                 struct xsm_domain *d, const char *dtpath)
{
    struct flask_audit ad = audit_cur(cur);
    uint32_t rsid;
    int rc;

    if (cur == NULL)
        return -EPERM;
    if (d == NULL) {
        /* Xen's test_assign_dtdevice audits no data. */
        rc = dtdevice_sid(mi, dtpath, &rsid, NULL);
        if (rc != 0)
            return rc;
        return cur_has_sid_perm(mi, "test_assign_dtdevice", cur, rsid, SECCLASS_RESOURCE,
                                RESOURCE__STAT_DEVICE, NULL);
    }
    rc = domain_has_perm(mi, "assign_dtdevice", cur, d, SECCLASS_RESOURCE, RESOURCE__ADD);
    if (rc != 0)
        return rc;
    rc = dtdevice_sid(mi, dtpath, &rsid, &ad);
    if (rc != 0)
        return rc;
    rc = cur_has_sid_perm(mi, "assign_dtdevice", cur, rsid, SECCLASS_RESOURCE, RESOURCE__ADD_DEVICE,
                          &ad);
    if (rc != 0)
        return rc;
    return flask_avc_has_perm(mi, flask_domain_sid(mi, d), rsid, SECCLASS_RESOURCE,
                              iommu_use_perm(d), &ad);
}

static int flask_deassign_dtdevice(struct xsm_instance *mi, struct xsm_domain *cur,
                                   struct xsm_domain *d, const char *dtpath)
{
    uint32_t rsid;
    int rc;

    rc = domain_has_perm(mi, "deassign_dtdevice", cur, d, SECCLASS_RESOURCE, RESOURCE__REMOVE);
    if (rc != 0)
        return rc;
    /* As Xen: no audit data (the path is not printed). */
    rc = dtdevice_sid(mi, dtpath, &rsid, NULL);
    if (rc != 0)
        return rc;
    return cur_has_sid_perm(mi, "deassign_dtdevice", cur, rsid, SECCLASS_RESOURCE,
                            RESOURCE__REMOVE_DEVICE, NULL);
}

/* CPUs and memory belong to the hypervisor's own domain, domxen_t. */
static int flask_resource_plug_core(struct xsm_instance *mi, struct xsm_domain *cur)
{
    return cur_has_sid_perm(mi, "resource_plug_core", cur, SECINITSID_DOMXEN, SECCLASS_RESOURCE,
                            RESOURCE__PLUG, NULL);
}

static int flask_resource_unplug_core(struct xsm_instance *mi, struct xsm_domain *cur)
{
    return cur_has_sid_perm(mi, "resource_unplug_core", cur, SECINITSID_DOMXEN, SECCLASS_RESOURCE,
                            RESOURCE__UNPLUG, NULL);
}

static int flask_page_offline(struct xsm_instance *mi, struct xsm_domain *cur, uint32_t cmd)
{
    switch (cmd) {
    case SYSCTL_page_offline:
        return flask_resource_unplug_core(mi, cur);
    case SYSCTL_page_online:
        return flask_resource_plug_core(mi, cur);
    case SYSCTL_query_page_offline:
        return cur_has_sid_perm(mi, "page_offline", cur, SECINITSID_DOMXEN, SECCLASS_RESOURCE,
                                RESOURCE__USE, NULL);
    default:
        return flask_unknown_permission(mi, "page_offline", (int)cmd);
    }
}

static int flask_resource_plug_pci(struct xsm_instance *mi, struct xsm_domain *cur,
                                   uint32_t machine_bdf)
{
    return cur_on_device(mi, "resource_plug_pci", cur, machine_bdf, RESOURCE__PLUG, true);
}

static int flask_resource_unplug_pci(struct xsm_instance *mi, struct xsm_domain *cur,
                                     uint32_t machine_bdf)
{
    return cur_on_device(mi, "resource_unplug_pci", cur, machine_bdf, RESOURCE__UNPLUG, true);
}

static int flask_resource_setup_pci(struct xsm_instance *mi, struct xsm_domain *cur,
                                    uint32_t machine_bdf)
{
    return cur_on_device(mi, "resource_setup_pci", cur, machine_bdf, RESOURCE__SETUP, true);
}

static int flask_resource_setup_gsi(struct xsm_instance *mi, struct xsm_domain *cur, int gsi,
                                    const struct xsm_irq_data *data)
{
    struct flask_audit ad = audit_cur(cur);
    uint32_t rsid;
    int rc;

    if (cur == NULL)
        return -EPERM;
    rc = irq_sid(mi, gsi, data, &rsid, &ad);
    if (rc != 0)
        return rc;
    return cur_has_sid_perm(mi, "resource_setup_gsi", cur, rsid, SECCLASS_RESOURCE, RESOURCE__SETUP,
                            &ad);
}

static int flask_resource_setup_misc(struct xsm_instance *mi, struct xsm_domain *cur)
{
    return cur_has_sid_perm(mi, "resource_setup_misc", cur, SECINITSID_XEN, SECCLASS_RESOURCE,
                            RESOURCE__SETUP, NULL);
}

static int flask_hypfs_op(struct xsm_instance *mi, struct xsm_domain *cur)
{
    return domain_has_xen(mi, "hypfs_op", cur, SECCLASS_XEN, XEN__HYPFS_OP);
}

/* ---- HVM, device model, VM introspection ------------------------------ */

static int flask_hvm_param(struct xsm_instance *mi, struct xsm_domain *cur, struct xsm_domain *d,
                           unsigned long op)
{
    uint32_t perm;

    switch (op) {
    case HVMOP_set_param:
        perm = HVM__SETPARAM;
        break;
    case HVMOP_get_param:
        perm = HVM__GETPARAM;
        break;
    default:
        perm = HVM__HVMCTL;
        break;
    }
    return domain_has_perm(mi, "hvm_param", cur, d, SECCLASS_HVM, perm);
}

/*
 * The policy is written for XSM_TARGET (a domain may act on itself); the
 * altp2m mode can forbid that, and then both must agree.
 */
static int flask_hvm_altp2mhvm_op(struct xsm_instance *mi, struct xsm_domain *cur,
                                  struct xsm_domain *d, uint64_t mode, uint32_t op)
{
    switch (mode) {
    case XSM_ALTP2M_mixed:
        break;
    case XSM_ALTP2M_limited:
        if (op == XSM_HVMOP_altp2m_vcpu_enable_notify)
            break;
        /* fall through */
    case XSM_ALTP2M_external:
        if (d == cur)
            return -EPERM;
        break;
    default:
        break;
    }
    return domain_has_perm(mi, "hvm_altp2mhvm_op", cur, d, SECCLASS_HVM, HVM__ALTP2MHVM_OP);
}

static int flask_vm_event_control(struct xsm_instance *mi, struct xsm_domain *cur,
                                  struct xsm_domain *d, int mode, int op)
{
    (void)mode, (void)op;
    return domain_has_perm(mi, "vm_event_control", cur, d, SECCLASS_DOMAIN2, DOMAIN2__VM_EVENT);
}

static int flask_platform_op(struct xsm_instance *mi, struct xsm_domain *cur, uint32_t op)
{
    uint16_t tclass = SECCLASS_XEN;
    uint32_t perm;

    switch (op) {
    /* CPU and memory hot-plug go through resource_(un)plug_core. */
    case PF_cpu_online:
    case PF_cpu_offline:
    case PF_cpu_hotadd:
    case PF_mem_hotadd:
        return 0;

    case PF_settime32:
    case PF_settime64:
        perm = XEN__SETTIME;
        break;
    case PF_add_memtype:
        perm = XEN__MTRR_ADD;
        break;
    case PF_del_memtype:
        perm = XEN__MTRR_DEL;
        break;
    case PF_read_memtype:
        perm = XEN__MTRR_READ;
        break;
    case PF_microcode_update:
        perm = XEN__MICROCODE;
        break;
    case PF_platform_quirk:
        perm = XEN__QUIRK;
        break;
    case PF_firmware_info:
    case PF_efi_runtime_call:
        perm = XEN__FIRMWARE;
        break;
    case PF_enter_acpi_sleep:
        perm = XEN__SLEEP;
        break;
    case PF_change_freq:
        perm = XEN__FREQUENCY;
        break;
    case PF_getidletime:
        perm = XEN__GETIDLE;
        break;
    case PF_set_processor_pminfo:
    case PF_core_parking:
        perm = XEN__PM_OP;
        break;
    case PF_get_cpu_version:
    case PF_get_cpuinfo:
        perm = XEN__GETCPUINFO;
        break;
    case PF_resource_op:
        tclass = SECCLASS_XEN2, perm = XEN2__RESOURCE_OP;
        break;
    case PF_get_symbol:
        tclass = SECCLASS_XEN2, perm = XEN2__GET_SYMBOL;
        break;
    default:
        return flask_unknown_permission(mi, "platform_op", (int)op);
    }
    return domain_has_xen(mi, "platform_op", cur, tclass, perm);
}

/* ---- x86 -------------------------------------------------------------- */

static int flask_do_mca(struct xsm_instance *mi, struct xsm_domain *cur)
{
    return domain_has_xen(mi, "do_mca", cur, SECCLASS_XEN, XEN__MCA_OP);
}

static int flask_shadow_control(struct xsm_instance *mi, struct xsm_domain *cur,
                                struct xsm_domain *d, uint32_t op)
{
    uint32_t perm;

    switch (op) {
    case SHADOW_OP_OFF:
        perm = SHADOW__DISABLE;
        break;
    case SHADOW_OP_ENABLE:
    case SHADOW_OP_ENABLE_TEST:
    case SHADOW_OP_GET_ALLOCATION:
    case SHADOW_OP_SET_ALLOCATION:
        perm = SHADOW__ENABLE;
        break;
    case SHADOW_OP_ENABLE_LOGDIRTY:
    case SHADOW_OP_PEEK:
    case SHADOW_OP_CLEAN:
        perm = SHADOW__LOGDIRTY;
        break;
    default:
        return flask_unknown_permission(mi, "shadow_control", (int)op);
    }
    return domain_has_perm(mi, "shadow_control", cur, d, SECCLASS_SHADOW, perm);
}

static int flask_mem_sharing_op(struct xsm_instance *mi, struct xsm_domain *cur,
                                struct xsm_domain *d, struct xsm_domain *cd, int op)
{
    int rc;

    (void)op;
    rc = domain_has_perm(mi, "mem_sharing_op", cur, cd, SECCLASS_HVM, HVM__MEM_SHARING);
    if (rc != 0)
        return rc;
    return domain_has_perm(mi, "mem_sharing_op", d, cd, SECCLASS_HVM, HVM__SHARE_MEM);
}

static int flask_apic(struct xsm_instance *mi, struct xsm_domain *cur, struct xsm_domain *d,
                      int cmd)
{
    (void)cur;
    switch (cmd) {
    case PHYSDEVOP_apic_read:
    case PHYSDEVOP_alloc_irq_vector:
        return domain_has_xen(mi, "apic", d, SECCLASS_XEN, XEN__READAPIC);
    case PHYSDEVOP_apic_write:
        return domain_has_xen(mi, "apic", d, SECCLASS_XEN, XEN__WRITEAPIC);
    default:
        return flask_unknown_permission(mi, "apic", cmd);
    }
}

static int flask_machine_memory_map(struct xsm_instance *mi, struct xsm_domain *cur)
{
    return domain_has_xen(mi, "machine_memory_map", cur, SECCLASS_MMU, MMU__MEMORYMAP);
}

static int flask_mmu_update(struct xsm_instance *mi, struct xsm_domain *cur, struct xsm_domain *d,
                            struct xsm_domain *t, struct xsm_domain *f, uint32_t flags)
{
    uint32_t map_perms = 0;
    int rc;

    (void)cur;
    if (d == NULL)
        return -EPERM;
    /* Writing into another domain's page tables. */
    if (t != NULL && d != t) {
        rc = domain_has_perm(mi, "mmu_update", d, t, SECCLASS_MMU, MMU__REMOTE_REMAP);
        if (rc != 0)
            return rc;
    }
    if (flags & XSM_MMU_UPDATE_READ)
        map_perms |= MMU__MAP_READ;
    if (flags & XSM_MMU_UPDATE_WRITE)
        map_perms |= MMU__MAP_WRITE;
    if (flags & XSM_MMU_MACHPHYS_UPDATE)
        map_perms |= MMU__UPDATEMP;
    if (map_perms == 0)
        return 0;
    return domain_has_perm(mi, "mmu_update", d, f, SECCLASS_MMU, map_perms);
}

static int flask_update_va_mapping(struct xsm_instance *mi, struct xsm_domain *cur,
                                   struct xsm_domain *d, struct xsm_domain *f, uint64_t pte)
{
    uint32_t map_perms = MMU__MAP_READ;

    (void)cur;
    if (!(pte & XSM_PTE_PRESENT))
        return 0;
    if (pte & XSM_PTE_RW)
        map_perms |= MMU__MAP_WRITE;
    return domain_has_perm(mi, "update_va_mapping", d, f, SECCLASS_MMU, map_perms);
}

static int flask_pmu_op(struct xsm_instance *mi, struct xsm_domain *cur, struct xsm_domain *d,
                        unsigned int op)
{
    (void)cur;
    switch (op) {
    case XSM_XENPMU_mode_set:
    case XSM_XENPMU_mode_get:
    case XSM_XENPMU_feature_set:
    case XSM_XENPMU_feature_get:
        return domain_has_xen(mi, "pmu_op", d, SECCLASS_XEN2, XEN2__PMU_CTRL);
    case XSM_XENPMU_init:
    case XSM_XENPMU_finish:
    case XSM_XENPMU_lvtpc_set:
    case XSM_XENPMU_flush:
        return domain_has_xen(mi, "pmu_op", d, SECCLASS_XEN2, XEN2__PMU_USE);
    default:
        return -EPERM;
    }
}

/* ---- Common tail ------------------------------------------------------ */

static int flask_xen_version(struct xsm_instance *mi, struct xsm_domain *cur, uint32_t op)
{
    uint32_t perm;

    switch (op) {
    /* Always answered: guests need them to run at all. */
    case XSM_XENVER_version:
    case XSM_XENVER_platform_parameters:
    case XSM_XENVER_get_features:
        return 0;
    case XSM_XENVER_extraversion:
        perm = VERSION__XEN_EXTRAVERSION;
        break;
    case XSM_XENVER_compile_info:
        perm = VERSION__XEN_COMPILE_INFO;
        break;
    case XSM_XENVER_capabilities:
        perm = VERSION__XEN_CAPABILITIES;
        break;
    case XSM_XENVER_changeset:
        perm = VERSION__XEN_CHANGESET;
        break;
    case XSM_XENVER_pagesize:
        perm = VERSION__XEN_PAGESIZE;
        break;
    case XSM_XENVER_guest_handle:
        perm = VERSION__XEN_GUEST_HANDLE;
        break;
    case XSM_XENVER_commandline:
        perm = VERSION__XEN_COMMANDLINE;
        break;
    case XSM_XENVER_build_id:
        perm = VERSION__XEN_BUILD_ID;
        break;
    default:
        return -EPERM;
    }
    return domain_has_xen(mi, "xen_version", cur, SECCLASS_VERSION, perm);
}

/* ---- Argo ------------------------------------------------------------- */

static int flask_argo_enable(struct xsm_instance *mi, struct xsm_domain *cur,
                             const struct xsm_domain *d)
{
    (void)cur;
    return domain_has_xen(mi, "argo_enable", d, SECCLASS_ARGO, ARGO__ENABLE);
}

static int flask_argo_register_single_source(struct xsm_instance *mi, struct xsm_domain *cur,
                                             const struct xsm_domain *d, const struct xsm_domain *t)
{
    (void)cur;
    return domain_has_perm(mi, "argo_register_single_source", d, t, SECCLASS_ARGO,
                           ARGO__REGISTER_SINGLE_SOURCE);
}

static int flask_argo_register_any_source(struct xsm_instance *mi, struct xsm_domain *cur,
                                          const struct xsm_domain *d)
{
    (void)cur;
    return domain_has_xen(mi, "argo_register_any_source", d, SECCLASS_ARGO,
                          ARGO__REGISTER_ANY_SOURCE);
}

static int flask_argo_send(struct xsm_instance *mi, struct xsm_domain *cur,
                           const struct xsm_domain *d, const struct xsm_domain *t)
{
    (void)cur;
    return domain_has_perm(mi, "argo_send", d, t, SECCLASS_ARGO, ARGO__SEND);
}

/*
 * Xen 4.17's FLASK implements every hook of the list (x86 with passthrough,
 * PCI, device tree, mem_access/paging/sharing and Argo configured in); only
 * do_xsm_op/do_compat_op are replaced by the module's op handler.
 */
const struct xsm_ops flask_ops = {
    .set_system_active = flask_set_system_active,
    .security_domaininfo = flask_security_domaininfo,
    .domain_create = flask_domain_create,
    .getdomaininfo = flask_getdomaininfo,
    .domctl_scheduler_op = flask_domctl_scheduler_op,
    .sysctl_scheduler_op = flask_sysctl_scheduler_op,
    .set_target = flask_set_target,
    .domctl = flask_domctl,
    .sysctl = flask_sysctl,
    .readconsole = flask_readconsole,

    .evtchn_unbound = flask_evtchn_unbound,
    .evtchn_interdomain = flask_evtchn_interdomain,
    .evtchn_close_post = flask_evtchn_close_post,
    .evtchn_send = flask_evtchn_send,
    .evtchn_status = flask_evtchn_status,
    .evtchn_reset = flask_evtchn_reset,

    .grant_mapref = flask_grant_mapref,
    .grant_unmapref = flask_grant_unmapref,
    .grant_setup = flask_grant_setup,
    .grant_transfer = flask_grant_transfer,
    .grant_copy = flask_grant_copy,
    .grant_query_size = flask_grant_query_size,

    .alloc_security_domain = flask_alloc_security_domain,
    .free_security_domain = flask_free_security_domain,
    .alloc_security_evtchns = flask_alloc_security_evtchns,
    .free_security_evtchns = flask_free_security_evtchns,
    .show_security_evtchn = flask_show_security_evtchn,
    .init_hardware_domain = flask_init_hardware_domain,

    .get_pod_target = flask_get_pod_target,
    .set_pod_target = flask_set_pod_target,
    .memory_exchange = flask_memory_exchange,
    .memory_adjust_reservation = flask_memory_adjust_reservation,
    .memory_stat_reservation = flask_memory_stat_reservation,
    .memory_pin_page = flask_memory_pin_page,
    .add_to_physmap = flask_add_to_physmap,
    .remove_from_physmap = flask_remove_from_physmap,
    .map_gmfn_foreign = flask_map_gmfn_foreign,
    .claim_pages = flask_claim_pages,

    .console_io = flask_console_io,
    .profile = flask_profile,
    .kexec = flask_kexec,
    .schedop_shutdown = flask_schedop_shutdown,

    .show_irq_sid = flask_show_irq_sid,
    .map_domain_pirq = flask_map_domain_pirq,
    .map_domain_irq = flask_map_domain_irq,
    .unmap_domain_pirq = flask_unmap_domain_pirq,
    .unmap_domain_irq = flask_unmap_domain_irq,
    .bind_pt_irq = flask_bind_pt_irq,
    .unbind_pt_irq = flask_unbind_pt_irq,
    .irq_permission = flask_irq_permission,
    .iomem_permission = flask_iomem_permission,
    .iomem_mapping = flask_iomem_mapping,
    .pci_config_permission = flask_pci_config_permission,
    .get_device_group = flask_get_device_group,
    .assign_device = flask_assign_device,
    .deassign_device = flask_deassign_device,
    .assign_dtdevice = flask_assign_dtdevice,
    .deassign_dtdevice = flask_deassign_dtdevice,
    .resource_plug_core = flask_resource_plug_core,
    .resource_unplug_core = flask_resource_unplug_core,
    .resource_plug_pci = flask_resource_plug_pci,
    .resource_unplug_pci = flask_resource_unplug_pci,
    .resource_setup_pci = flask_resource_setup_pci,
    .resource_setup_gsi = flask_resource_setup_gsi,
    .resource_setup_misc = flask_resource_setup_misc,
    .page_offline = flask_page_offline,
    .hypfs_op = flask_hypfs_op,

    .hvm_param = flask_hvm_param,
    .hvm_param_altp2mhvm = flask_hvm_param_altp2mhvm,
    .hvm_altp2mhvm_op = flask_hvm_altp2mhvm_op,
    .get_vnumainfo = flask_get_vnumainfo,
    .vm_event_control = flask_vm_event_control,
    .mem_access = flask_mem_access,
    .mem_paging = flask_mem_paging,
    .mem_sharing = flask_mem_sharing,
    .platform_op = flask_platform_op,

    .do_mca = flask_do_mca,
    .shadow_control = flask_shadow_control,
    .mem_sharing_op = flask_mem_sharing_op,
    .apic = flask_apic,
    .machine_memory_map = flask_machine_memory_map,
    .domain_memory_map = flask_domain_memory_map,
    .mmu_update = flask_mmu_update,
    .mmuext_op = flask_mmuext_op,
    .update_va_mapping = flask_update_va_mapping,
    .priv_mapping = flask_priv_mapping,
    .ioport_permission = flask_ioport_permission,
    .ioport_mapping = flask_ioport_mapping,
    .pmu_op = flask_pmu_op,

    .dm_op = flask_dm_op,
    .xen_version = flask_xen_version,
    .domain_resource_map = flask_domain_resource_map,

    .argo_enable = flask_argo_enable,
    .argo_register_single_source = flask_argo_register_single_source,
    .argo_register_any_source = flask_argo_register_any_source,
    .argo_send = flask_argo_send,
};
