/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * THE hook list: every member of Xen 4.17's struct xsm_ops, in Xen's order,
 * exactly once.  This file has no include guard; include it after defining
 *
 *   XSM_HOOK(name, ACTION, SRC, TGT, PARAMS, ARGS)
 *       A defaulted hook.  It returns int; its default (dummy) rule is
 *       xsm_default_action(XSM_ACT_<ACTION>, SRC, TGT), where SRC and TGT are
 *       expressions over the hook's parameters, 'cur' (the calling domain,
 *       Xen's current->domain) or NULL.
 *
 *   XSM_HOOK_OTHER(rtype, name, PARAMS, ARGS)
 *       A hook whose default is written by hand in the dummy module: XSM_OTHER
 *       decisions, void hooks, label allocation, string returners, Argo.
 *
 *   XSM_HOOK_REPLACED(name)              (optional; defaults to nothing)
 *       A member of Xen's struct that openxsm does not model as a hook:
 *       do_xsm_op and do_compat_op.  The hypercall goes through the common
 *       dispatcher (xsm_do_op) and each module descriptor's 'op' member.
 *
 * PARAMS is the parenthesised tail of the parameter list that follows
 * "struct xsm_instance *mi, struct xsm_domain *cur" (module side) or
 * "xsm_ctx *x, struct xsm_domain *cur" (public wrapper), written with a
 * leading comma so that hooks without parameters are plain "()"; ARGS is the
 * matching tail of argument names.  XSM_PARAMS(PARAMS) strips the
 * parentheses (as "XSM_UNPAREN PARAMS" does, but in a form that every
 * preprocessor, cppcheck's included, expands).
 *
 * Type mapping from Xen (see docs/hooks.md): struct domain -> struct
 * xsm_domain, struct evtchn -> struct xsm_evtchn, struct page_info -> its
 * frame number (uint64_t), l1_pgentry_t -> uint64_t, the MSI data pointer ->
 * struct xsm_irq_data, xen_domctl_bind_pt_irq -> struct xsm_bind_pt_irq,
 * xen_domctl_getdomaininfo -> struct xsm_domaininfo.  Parameter names are
 * Xen's, except set_target's second domain (Xen: e) which is t here so that
 * every name has one type throughout the list.  show_irq_sid and
 * resource_setup_gsi take the IRQ's MSI device ('data') as well: Xen looks
 * it up from the IRQ number, here the host passes it.
 *
 * Names and ACTION values are ABI-level facts checked by tests/modules
 * against an independent transcription of Xen 4.17.  Append only.
 */

#if !defined(XSM_HOOK) || !defined(XSM_HOOK_OTHER)
#error "define XSM_HOOK and XSM_HOOK_OTHER before including hook-defs.h"
#endif

#ifndef XSM_HOOK_REPLACED
#define XSM_HOOK_REPLACED(name)
#endif

#ifndef XSM_UNPAREN
#define XSM_UNPAREN(...) __VA_ARGS__
#endif
#ifndef XSM_PARAMS
#define XSM_PARAMS(list) XSM_UNPAREN(XSM_UNPAREN list)
#endif

/* clang-format off */

/* Lifecycle and domain management. */
XSM_HOOK_OTHER(int, set_system_active, (), ())
XSM_HOOK_OTHER(void, security_domaininfo,
    (, struct xsm_domain *d, struct xsm_domaininfo *info), (, d, info))
XSM_HOOK(domain_create, HOOK, cur, d,
    (, struct xsm_domain *d, uint32_t ssidref), (, d, ssidref))
XSM_HOOK(getdomaininfo, HOOK, cur, d, (, struct xsm_domain *d), (, d))
XSM_HOOK(domctl_scheduler_op, HOOK, cur, d, (, struct xsm_domain *d, int op), (, d, op))
XSM_HOOK(sysctl_scheduler_op, HOOK, cur, NULL, (, int op), (, op))
XSM_HOOK(set_target, HOOK, cur, NULL,
    (, struct xsm_domain *d, struct xsm_domain *t), (, d, t))
XSM_HOOK_OTHER(int, domctl, (, struct xsm_domain *d, int cmd), (, d, cmd))
XSM_HOOK(sysctl, PRIV, cur, NULL, (, int cmd), (, cmd))
XSM_HOOK(readconsole, HOOK, cur, NULL, (, uint32_t clear), (, clear))

/* Event channels. */
XSM_HOOK(evtchn_unbound, TARGET, cur, d,
    (, struct xsm_domain *d, struct xsm_evtchn *chn, xsm_domid_t id2), (, d, chn, id2))
XSM_HOOK(evtchn_interdomain, HOOK, d1, d2,
    (, struct xsm_domain *d1, struct xsm_evtchn *chn1, struct xsm_domain *d2,
       struct xsm_evtchn *chn2),
    (, d1, chn1, d2, chn2))
XSM_HOOK_OTHER(void, evtchn_close_post, (, struct xsm_evtchn *chn), (, chn))
XSM_HOOK(evtchn_send, HOOK, d, NULL, (, struct xsm_domain *d, struct xsm_evtchn *chn), (, d, chn))
XSM_HOOK(evtchn_status, TARGET, cur, d,
    (, struct xsm_domain *d, struct xsm_evtchn *chn), (, d, chn))
XSM_HOOK(evtchn_reset, TARGET, d1, d2,
    (, struct xsm_domain *d1, struct xsm_domain *d2), (, d1, d2))

/* Grant tables. */
XSM_HOOK(grant_mapref, HOOK, d1, d2,
    (, struct xsm_domain *d1, struct xsm_domain *d2, uint32_t flags), (, d1, d2, flags))
XSM_HOOK(grant_unmapref, HOOK, d1, d2,
    (, struct xsm_domain *d1, struct xsm_domain *d2), (, d1, d2))
XSM_HOOK(grant_setup, TARGET, d1, d2,
    (, struct xsm_domain *d1, struct xsm_domain *d2), (, d1, d2))
XSM_HOOK(grant_transfer, HOOK, d1, d2,
    (, struct xsm_domain *d1, struct xsm_domain *d2), (, d1, d2))
XSM_HOOK(grant_copy, HOOK, d1, d2,
    (, struct xsm_domain *d1, struct xsm_domain *d2), (, d1, d2))
XSM_HOOK(grant_query_size, TARGET, d1, d2,
    (, struct xsm_domain *d1, struct xsm_domain *d2), (, d1, d2))

/* Labels. */
XSM_HOOK_OTHER(int, alloc_security_domain, (, struct xsm_domain *d), (, d))
XSM_HOOK_OTHER(void, free_security_domain, (, struct xsm_domain *d), (, d))
XSM_HOOK_OTHER(int, alloc_security_evtchns,
    (, struct xsm_evtchn *chn, unsigned int nr), (, chn, nr))
XSM_HOOK_OTHER(void, free_security_evtchns,
    (, struct xsm_evtchn *chn, unsigned int nr), (, chn, nr))
XSM_HOOK_OTHER(char *, show_security_evtchn,
    (, struct xsm_domain *d, const struct xsm_evtchn *chn), (, d, chn))
XSM_HOOK(init_hardware_domain, HOOK, cur, d, (, struct xsm_domain *d), (, d))

/* Memory. */
XSM_HOOK(get_pod_target, PRIV, cur, d, (, struct xsm_domain *d), (, d))
XSM_HOOK(set_pod_target, PRIV, cur, d, (, struct xsm_domain *d), (, d))
XSM_HOOK(memory_exchange, TARGET, cur, d, (, struct xsm_domain *d), (, d))
XSM_HOOK(memory_adjust_reservation, TARGET, d1, d2,
    (, struct xsm_domain *d1, struct xsm_domain *d2), (, d1, d2))
XSM_HOOK(memory_stat_reservation, TARGET, d1, d2,
    (, struct xsm_domain *d1, struct xsm_domain *d2), (, d1, d2))
XSM_HOOK(memory_pin_page, HOOK, d1, d2,
    (, struct xsm_domain *d1, struct xsm_domain *d2, uint64_t page), (, d1, d2, page))
XSM_HOOK(add_to_physmap, TARGET, d1, d2,
    (, struct xsm_domain *d1, struct xsm_domain *d2), (, d1, d2))
XSM_HOOK(remove_from_physmap, TARGET, d1, d2,
    (, struct xsm_domain *d1, struct xsm_domain *d2), (, d1, d2))
XSM_HOOK(map_gmfn_foreign, TARGET, d, t,
    (, struct xsm_domain *d, struct xsm_domain *t), (, d, t))
XSM_HOOK(claim_pages, PRIV, cur, d, (, struct xsm_domain *d), (, d))

/* Console, profiling, kexec, shutdown. */
XSM_HOOK_OTHER(int, console_io, (, struct xsm_domain *d, int cmd), (, d, cmd))
XSM_HOOK(profile, HOOK, d, NULL, (, struct xsm_domain *d, int op), (, d, op))
XSM_HOOK(kexec, PRIV, cur, NULL, (), ())
XSM_HOOK(schedop_shutdown, DM_PRIV, d1, d2,
    (, struct xsm_domain *d1, struct xsm_domain *d2), (, d1, d2))

/* Interrupts, I/O resources and passthrough. */
XSM_HOOK_OTHER(char *, show_irq_sid,
    (, int irq, const struct xsm_irq_data *data), (, irq, data))
XSM_HOOK(map_domain_pirq, DM_PRIV, cur, d, (, struct xsm_domain *d), (, d))
XSM_HOOK(map_domain_irq, HOOK, cur, d,
    (, struct xsm_domain *d, int irq, const struct xsm_irq_data *data), (, d, irq, data))
XSM_HOOK(unmap_domain_pirq, DM_PRIV, cur, d, (, struct xsm_domain *d), (, d))
XSM_HOOK(unmap_domain_irq, HOOK, cur, d,
    (, struct xsm_domain *d, int irq, const struct xsm_irq_data *data), (, d, irq, data))
XSM_HOOK(bind_pt_irq, HOOK, cur, d,
    (, struct xsm_domain *d, struct xsm_bind_pt_irq *bind), (, d, bind))
XSM_HOOK(unbind_pt_irq, HOOK, cur, d,
    (, struct xsm_domain *d, struct xsm_bind_pt_irq *bind), (, d, bind))
XSM_HOOK(irq_permission, HOOK, cur, d,
    (, struct xsm_domain *d, int pirq, uint8_t allow), (, d, pirq, allow))
XSM_HOOK(iomem_permission, HOOK, cur, d,
    (, struct xsm_domain *d, uint64_t s, uint64_t e, uint8_t allow), (, d, s, e, allow))
XSM_HOOK(iomem_mapping, HOOK, cur, d,
    (, struct xsm_domain *d, uint64_t s, uint64_t e, uint8_t allow), (, d, s, e, allow))
XSM_HOOK(pci_config_permission, HOOK, cur, d,
    (, struct xsm_domain *d, uint32_t machine_bdf, uint16_t start, uint16_t end,
       uint8_t access),
    (, d, machine_bdf, start, end, access))
XSM_HOOK(get_device_group, HOOK, cur, NULL, (, uint32_t machine_bdf), (, machine_bdf))
XSM_HOOK(assign_device, HOOK, cur, d,
    (, struct xsm_domain *d, uint32_t machine_bdf), (, d, machine_bdf))
XSM_HOOK(deassign_device, HOOK, cur, d,
    (, struct xsm_domain *d, uint32_t machine_bdf), (, d, machine_bdf))
XSM_HOOK(assign_dtdevice, HOOK, cur, d,
    (, struct xsm_domain *d, const char *dtpath), (, d, dtpath))
XSM_HOOK(deassign_dtdevice, HOOK, cur, d,
    (, struct xsm_domain *d, const char *dtpath), (, d, dtpath))
XSM_HOOK(resource_plug_core, HOOK, cur, NULL, (), ())
XSM_HOOK(resource_unplug_core, HOOK, cur, NULL, (), ())
XSM_HOOK(resource_plug_pci, PRIV, cur, NULL, (, uint32_t machine_bdf), (, machine_bdf))
XSM_HOOK(resource_unplug_pci, PRIV, cur, NULL, (, uint32_t machine_bdf), (, machine_bdf))
XSM_HOOK(resource_setup_pci, PRIV, cur, NULL, (, uint32_t machine_bdf), (, machine_bdf))
XSM_HOOK(resource_setup_gsi, PRIV, cur, NULL,
    (, int gsi, const struct xsm_irq_data *data), (, gsi, data))
XSM_HOOK(resource_setup_misc, PRIV, cur, NULL, (), ())
XSM_HOOK(page_offline, HOOK, cur, NULL, (, uint32_t cmd), (, cmd))
XSM_HOOK(hypfs_op, PRIV, cur, NULL, (), ())

/* The hypercall: replaced by the common dispatcher (xsm_do_op). */
XSM_HOOK_REPLACED(do_xsm_op)
XSM_HOOK_REPLACED(do_compat_op)

/* HVM, device model, VM introspection. */
XSM_HOOK(hvm_param, TARGET, cur, d, (, struct xsm_domain *d, unsigned long op), (, d, op))
XSM_HOOK(hvm_param_altp2mhvm, PRIV, cur, d, (, struct xsm_domain *d), (, d))
XSM_HOOK_OTHER(int, hvm_altp2mhvm_op,
    (, struct xsm_domain *d, uint64_t mode, uint32_t op), (, d, mode, op))
XSM_HOOK(get_vnumainfo, TARGET, cur, d, (, struct xsm_domain *d), (, d))
XSM_HOOK(vm_event_control, PRIV, cur, d,
    (, struct xsm_domain *d, int mode, int op), (, d, mode, op))
XSM_HOOK(mem_access, DM_PRIV, cur, d, (, struct xsm_domain *d), (, d))
XSM_HOOK(mem_paging, DM_PRIV, cur, d, (, struct xsm_domain *d), (, d))
XSM_HOOK(mem_sharing, DM_PRIV, cur, d, (, struct xsm_domain *d), (, d))
XSM_HOOK(platform_op, PRIV, cur, NULL, (, uint32_t op), (, op))

/* x86. */
XSM_HOOK(do_mca, PRIV, cur, NULL, (), ())
XSM_HOOK(shadow_control, HOOK, cur, d, (, struct xsm_domain *d, uint32_t op), (, d, op))
XSM_HOOK(mem_sharing_op, DM_PRIV, cur, cd,
    (, struct xsm_domain *d, struct xsm_domain *cd, int op), (, d, cd, op))
XSM_HOOK(apic, PRIV, d, NULL, (, struct xsm_domain *d, int cmd), (, d, cmd))
XSM_HOOK(machine_memory_map, PRIV, cur, NULL, (), ())
XSM_HOOK(domain_memory_map, TARGET, cur, d, (, struct xsm_domain *d), (, d))
XSM_HOOK_OTHER(int, mmu_update,
    (, struct xsm_domain *d, struct xsm_domain *t, struct xsm_domain *f, uint32_t flags),
    (, d, t, f, flags))
XSM_HOOK(mmuext_op, TARGET, d, f, (, struct xsm_domain *d, struct xsm_domain *f), (, d, f))
XSM_HOOK(update_va_mapping, TARGET, d, f,
    (, struct xsm_domain *d, struct xsm_domain *f, uint64_t pte), (, d, f, pte))
XSM_HOOK(priv_mapping, TARGET, d, t, (, struct xsm_domain *d, struct xsm_domain *t), (, d, t))
XSM_HOOK(ioport_permission, HOOK, cur, d,
    (, struct xsm_domain *d, uint32_t s, uint32_t e, uint8_t allow), (, d, s, e, allow))
XSM_HOOK(ioport_mapping, HOOK, cur, d,
    (, struct xsm_domain *d, uint32_t s, uint32_t e, uint8_t allow), (, d, s, e, allow))
XSM_HOOK_OTHER(int, pmu_op, (, struct xsm_domain *d, unsigned int op), (, d, op))

/* Common tail. */
XSM_HOOK(dm_op, DM_PRIV, cur, d, (, struct xsm_domain *d), (, d))
XSM_HOOK_OTHER(int, xen_version, (, uint32_t op), (, op))
XSM_HOOK(domain_resource_map, DM_PRIV, cur, d, (, struct xsm_domain *d), (, d))

/* Argo: no default rule (the dummy allows); SILO restricts two of them. */
XSM_HOOK_OTHER(int, argo_enable, (, const struct xsm_domain *d), (, d))
XSM_HOOK_OTHER(int, argo_register_single_source,
    (, const struct xsm_domain *d, const struct xsm_domain *t), (, d, t))
XSM_HOOK_OTHER(int, argo_register_any_source, (, const struct xsm_domain *d), (, d))
XSM_HOOK_OTHER(int, argo_send,
    (, const struct xsm_domain *d, const struct xsm_domain *t), (, d, t))

/* clang-format on */

#undef XSM_HOOK
#undef XSM_HOOK_OTHER
#undef XSM_HOOK_REPLACED
