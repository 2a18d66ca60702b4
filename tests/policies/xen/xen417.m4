# SPDX-License-Identifier: GPL-2.0-only
#
# openxsm "realistic" FLASK policy for Xen 4.17.
#
# Classes, permissions (in bit order) and initial SIDs are those compiled
# into the Xen 4.17 hypervisor, so the policy passes validate_classes().  The
# rest is openxsm's own: dom0 manages everything, guests talk to dom0 and to
# each other over event channels, grants and argo, a xenstore domain serves
# all, isolated guests talk to dom0 only, protected guests can be locked.
# No commons: Xen rejects classes that inherit one.
#
# m4 -D enable_mls      MLS variant (s0..s3, c0..c15)
divert(-1)
define(`mls_ctx', `ifdef(`enable_mls', `:$1')')
define(`gen_context', `$1`'mls_ctx(s0)')
divert(0)dnl

class xen
class xen2
class domain
class domain2
class hvm
class mmu
class resource
class shadow
class event
class grant
class security
class version
class argo

sid xenboot
sid xen
sid dom0
sid domio
sid domxen
sid unlabeled
sid security
sid ioport
sid iomem
sid irq
sid device
sid domU
sid domDM

class xen
{
    settime tbufcontrol readconsole clearconsole perfcontrol mtrr_add mtrr_del
    mtrr_read microcode physinfo quirk writeconsole readapic writeapic
    privprofile nonprivprofile kexec firmware sleep frequency getidle debug
    getcpuinfo heap pm_op mca_op lockprof cpupool_op hypfs_op getscheduler
    setscheduler
}

class xen2
{
    resource_op psr_cmt_op psr_alloc get_symbol pmu_ctrl pmu_use
    get_cpu_levelling_caps get_cpu_featureset livepatch_op coverage_op
}

class domain
{
    setvcpucontext pause unpause resume create transition max_vcpus destroy
    setaffinity getaffinity getscheduler getdomaininfo getvcpuinfo
    getvcpucontext setdomainmaxmem setdomainhandle setdebugging hypercall
    settime set_target shutdown setaddrsize getaddrsize trigger getpodtarget
    setpodtarget set_misc_info set_virq_handler getpagingmempool
    setpagingmempool
}

class domain2
{
    relabelfrom relabelto relabelself make_priv_for set_as_target
    set_cpu_policy gettsc settsc setscheduler setclaim cacheflush
    create_hardware_domain set_vnumainfo get_vnumainfo psr_cmt_op vm_event
    soft_reset mem_access mem_paging mem_sharing psr_alloc resource_map
    get_cpu_policy
}

class hvm
{
    sethvmc gethvmc setparam getparam bind_irq hvmctl mem_sharing audit_p2m
    share_mem altp2mhvm altp2mhvm_op dm
}

class mmu
{
    map_read map_write pageinfo adjust stat updatemp physmap pinpage
    memorymap remote_remap mmuext_op exchange target_hack
}

class resource
{
    add remove use use_iommu use_iommu_nointremap use_noiommu add_irq
    remove_irq add_ioport remove_ioport add_iomem remove_iomem stat_device
    add_device remove_device plug unplug setup
}

class shadow { disable enable logdirty }

class event { bind send status create reset }

class grant { map_read map_write unmap transfer setup copy query }

class security
{
    compute_av compute_create compute_member check_context load_policy
    compute_relabel setenforce setbool setsecparam add_ocontext del_ocontext
}

class version
{
    xen_extraversion xen_compile_info xen_capabilities xen_changeset
    xen_pagesize xen_guest_handle xen_commandline xen_build_id
}

class argo { enable register_single_source register_any_source send }

ifdef(`enable_mls', `
sensitivity s0;
sensitivity s1;
sensitivity s2;
sensitivity s3;
dominance { s0 s1 s2 s3 }
category c0; category c1; category c2; category c3;
category c4; category c5; category c6; category c7;
category c8; category c9; category c10; category c11;
category c12; category c13; category c14; category c15;
level s0:c0.c15;
level s1:c0.c15;
level s2:c0.c15;
level s3:c0.c15;

# Information may flow only upwards between guests; dom0 (mls_priv) is exempt.
mlsconstrain event { bind send }
    ((l1 domby l2) or (t1 == mls_priv) or (t2 == mls_priv));
mlsconstrain grant { map_read copy }
    ((l1 dom l2) or (t1 == mls_priv) or (t2 == mls_priv));
mlsconstrain grant { map_write transfer }
    ((l1 domby l2) or (t1 == mls_priv) or (t2 == mls_priv));
mlsconstrain argo send
    ((l1 domby l2) or (t1 == mls_priv) or (t2 == mls_priv));
mlsconstrain domain { create transition }
    ((h1 dom h2) or (t1 == mls_priv));
mlsconstrain domain2 { relabelfrom relabelto }
    ((h1 dom h2) or (t1 == mls_priv));
')

################################ types ################################

attribute xen_type;
attribute domain_type;
attribute domain_self_type;
attribute domain_target_type;
attribute resource_type;
attribute event_type;
attribute grant_peer;
attribute mls_priv;

type xenboot_t, xen_type;
type xen_t, xen_type;
type domio_t, xen_type;
type domxen_t, xen_type;
type unlabeled_t, xen_type;
type security_t, xen_type;

type irq_t, resource_type;
type ioport_t, resource_type;
type iomem_t, resource_type;
type device_t, resource_type;
type nic_dev_t, resource_type;

type dom0_t, domain_type, mls_priv;
type dom0_t_self, domain_self_type;
type dom0_t_channel, event_type;

type domU_t, domain_type, grant_peer;
type domU_t_self, domain_self_type;
type domU_t_channel, event_type;
type domU_t_target, domain_target_type;

type isolated_domU_t, domain_type;
type isolated_domU_t_self, domain_self_type;
type isolated_domU_t_channel, event_type;

type prot_domU_t, domain_type, grant_peer;
type prot_domU_t_self, domain_self_type;
type prot_domU_t_channel, event_type;

type dm_dom_t, domain_type;
type dm_dom_t_self, domain_self_type;
type dm_dom_t_channel, event_type;

type xenstore_t, domain_type, mls_priv;
type xenstore_t_self, domain_self_type;
type xenstore_t_channel, event_type;

# A guest that may only ever run with a subset of domU_t's rights.
type domU_restricted_t, domain_type;
typebounds domU_t domU_restricted_t;

bool guest_writeconsole true;
bool prot_doms_locked false;

################################ xen ################################

allow xenboot_t xen_t:xen { settime readconsole writeconsole physinfo getcpuinfo heap };
allow xen_t { irq_t ioport_t iomem_t device_t }:resource { remove_irq remove_ioport remove_iomem remove_device };
allow xenboot_t domain_type:domain { create getdomaininfo setvcpucontext max_vcpus setdomainmaxmem setdomainhandle unpause hypercall };
allow xenboot_t domain_type:domain2 { set_cpu_policy create_hardware_domain };
allow xenboot_t domain_type:mmu { map_read map_write adjust physmap pinpage mmuext_op updatemp };
allow xenboot_t domain_type:grant setup;
allow xenboot_t domain_type:hvm { setparam getparam sethvmc };

################################ dom0 ################################

allow dom0_t xen_t:xen {
    settime tbufcontrol readconsole clearconsole perfcontrol mtrr_add mtrr_del
    mtrr_read microcode physinfo quirk writeconsole readapic writeapic
    privprofile nonprivprofile kexec firmware sleep frequency getidle debug
    getcpuinfo heap pm_op mca_op lockprof cpupool_op hypfs_op getscheduler
    setscheduler
};
allow dom0_t xen_t:xen2 { resource_op psr_cmt_op psr_alloc get_symbol pmu_ctrl get_cpu_levelling_caps get_cpu_featureset livepatch_op coverage_op };
allow dom0_t xen_t:mmu memorymap;
allow dom0_t xen_t:resource setup;
allow dom0_t security_t:security { compute_av compute_create compute_member check_context compute_relabel add_ocontext del_ocontext setsecparam load_policy setenforce setbool };
auditallow dom0_t security_t:security { load_policy setenforce setbool };
allow dom0_t domio_t:mmu { map_read map_write };
allow dom0_t domxen_t:mmu map_read;
allow dom0_t { irq_t ioport_t iomem_t device_t nic_dev_t }:resource { add remove use use_iommu use_noiommu add_irq remove_irq add_ioport remove_ioport add_iomem remove_iomem stat_device add_device remove_device plug unplug };
allow dom0_t dom0_t:resource { add remove };
allow dom0_t dom0_t:domain { setvcpucontext max_vcpus setaffinity getaffinity getscheduler getdomaininfo getvcpuinfo getvcpucontext setdomainmaxmem setdomainhandle setdebugging hypercall settime setaddrsize getaddrsize trigger getpodtarget setpodtarget set_misc_info set_virq_handler getpagingmempool setpagingmempool };
allow dom0_t dom0_t:domain2 { set_cpu_policy gettsc settsc setscheduler set_vnumainfo get_vnumainfo psr_cmt_op psr_alloc get_cpu_policy };
allow dom0_t dom0_t:mmu { map_read map_write adjust physmap pinpage mmuext_op updatemp memorymap pageinfo stat };
allow dom0_t dom0_t:grant { map_read map_write unmap transfer setup copy query };
allow dom0_t dom0_t_self:grant { map_read map_write unmap copy query };
allow dom0_t dom0_t_channel:event { create send status };
allow dom0_t_channel dom0_t:event bind;

# dom0 builds, manages, migrates and destroys every guest.
allow dom0_t { domain_type -dom0_t }:domain ~{ transition set_target };
allow dom0_t { domain_type -dom0_t }:domain2 { relabelfrom relabelto set_cpu_policy gettsc settsc setscheduler setclaim cacheflush set_vnumainfo get_vnumainfo psr_cmt_op vm_event soft_reset mem_access mem_paging mem_sharing psr_alloc resource_map get_cpu_policy };
allow dom0_t { domain_type -dom0_t }:hvm { sethvmc gethvmc setparam getparam hvmctl audit_p2m altp2mhvm altp2mhvm_op dm };
allow dom0_t { domain_type -dom0_t }:mmu { map_read map_write adjust physmap pinpage mmuext_op updatemp pageinfo stat exchange };
allow dom0_t { domain_type -dom0_t }:shadow { disable enable logdirty };
allow dom0_t { domain_type -dom0_t }:grant { map_read map_write unmap copy query setup };
allow dom0_t domain_type:domain transition;
allow dom0_t event_type:event { create send status bind reset };
allow dom0_t domain_self_type:grant { map_read map_write unmap copy query };

# Protected guests: dom0 may not build or migrate them away once locked.
if (!prot_doms_locked) {
    allow dom0_t prot_domU_t:domain { create getvcpucontext };
    allow dom0_t prot_domU_t:mmu { map_read map_write };
} else {
    dontaudit dom0_t prot_domU_t:mmu { map_read map_write };
}

################################ guests ################################

# Everything every guest may do.
allow domain_type xen_t:xen2 pmu_use;
allow domain_type xen_t:argo { enable register_any_source };
allow domain_type domain_type:argo { send register_single_source };
allow domain_type xen_t:version { xen_extraversion xen_compile_info xen_capabilities xen_changeset xen_pagesize xen_guest_handle };
dontaudit domain_type xen_t:version { xen_commandline xen_build_id };
allow domain_type self:domain { getdomaininfo getvcpuinfo getaddrsize getpodtarget getpagingmempool };
allow domain_type self:grant { setup query map_read map_write unmap };
allow domain_type self:mmu { map_read map_write adjust physmap pinpage mmuext_op updatemp exchange };
allow domain_type self:hvm { getparam setparam };
if (guest_writeconsole) {
    allow { domain_type -dom0_t } xen_t:xen writeconsole;
} else {
    dontaudit { domain_type -dom0_t } xen_t:xen writeconsole;
}
auditallow isolated_domU_t xen_t:xen writeconsole;

# domU: talks to dom0, xenstore and other domU-like guests.
allow domU_t { dom0_t xenstore_t domU_t }:event bind;
allow domU_t { domU_t_channel dom0_t_channel xenstore_t_channel }:event { create send status };
allow domU_t_channel { dom0_t domU_t xenstore_t }:event bind;
allow dom0_t_channel domU_t:event bind;
allow domU_t grant_peer:grant { map_read map_write unmap copy };
allow domU_t dom0_t:grant { map_read map_write unmap copy };
allow domU_t nic_dev_t:resource { use use_noiommu };
type_transition domU_t domain_type:event domU_t_channel;
type_transition domU_t domU_t:domain domU_t_self;
type_member dom0_t domU_t:grant domU_t_self;
type_transition dom0_t domU_t:event domU_t_channel;

# Channels dom0 opens towards each kind of guest carry the guest's channel
# label, which the guest may bind.
type_transition dom0_t isolated_domU_t:event isolated_domU_t_channel;
type_transition dom0_t prot_domU_t:event prot_domU_t_channel;
type_transition dom0_t dm_dom_t:event dm_dom_t_channel;
type_transition dom0_t xenstore_t:event xenstore_t_channel;
allow isolated_domU_t_channel isolated_domU_t:event bind;
allow prot_domU_t_channel prot_domU_t:event bind;
allow dm_dom_t_channel dm_dom_t:event bind;
allow xenstore_t_channel xenstore_t:event bind;

# Device model stub domain for domU.
allow dom0_t dm_dom_t:domain set_target;
allow dom0_t dm_dom_t:domain2 make_priv_for;
allow dom0_t domU_t:domain2 set_as_target;
allow dm_dom_t domU_t:domain { getdomaininfo shutdown set_misc_info getvcpucontext };
allow dm_dom_t domU_t:hvm { dm setparam getparam hvmctl sethvmc gethvmc };
allow dm_dom_t domU_t:mmu { map_read map_write adjust physmap target_hack };
allow dm_dom_t domU_t_target:mmu { map_read map_write };
allow dm_dom_t { dom0_t domU_t }:event bind;
allow dm_dom_t { dm_dom_t_channel dom0_t_channel domU_t_channel }:event { create send status };
type_transition dm_dom_t domain_type:event dm_dom_t_channel;
type_change dm_dom_t domU_t:mmu domU_t_target;

# Isolated guests: dom0 only.
allow isolated_domU_t dom0_t:event bind;
allow isolated_domU_t { isolated_domU_t_channel dom0_t_channel }:event { create send status };
allow isolated_domU_t_channel dom0_t:event bind;
allow isolated_domU_t dom0_t:grant { map_read map_write unmap copy };
type_transition isolated_domU_t domain_type:event isolated_domU_t_channel;

# Protected guests behave like domU.
allow prot_domU_t { dom0_t xenstore_t domU_t }:event bind;
allow prot_domU_t { prot_domU_t_channel dom0_t_channel xenstore_t_channel }:event { create send status };
allow prot_domU_t_channel { dom0_t domU_t xenstore_t }:event bind;
allow prot_domU_t grant_peer:grant { map_read map_write unmap copy };
allow prot_domU_t dom0_t:grant { map_read map_write unmap copy };
type_transition prot_domU_t domain_type:event prot_domU_t_channel;

# A restricted guest: a strict subset of domU_t (typebounds).
allow domU_restricted_t dom0_t:event bind;
allow domU_restricted_t domU_t_channel:event { create send };
allow domU_restricted_t dom0_t:grant { map_read unmap };

# xenstore: sees all domains, maps their rings.
allow xenstore_t domain_type:domain { getdomaininfo };
allow xenstore_t xen_t:xen writeconsole;
allow xenstore_t domain_type:grant { map_read map_write unmap };
allow xenstore_t domain_type:event bind;
allow xenstore_t { xenstore_t_channel event_type }:event { create send status };
allow xenstore_t_channel domain_type:event bind;
allow dom0_t xenstore_t:domain2 set_as_target;
type_transition xenstore_t domain_type:event xenstore_t_channel;

################################ roles ################################

role system_r;
role system_r types { xen_type dom0_t xenstore_t dm_dom_t domain_self_type event_type domain_target_type };
role vm_r;
role vm_r types { domU_t isolated_domU_t prot_domU_t domU_restricted_t dm_dom_t domain_self_type event_type domain_target_type };
allow system_r vm_r;
role_transition system_r domU_t:domain vm_r;

################################ users ################################

ifdef(`enable_mls', `
user system_u roles { system_r vm_r } level s0 range s0 - s3:c0.c15;
user vm_u roles vm_r level s0 range s0 - s2:c0.c7;
user guest_u roles vm_r level s1 range s1 - s1:c0.c3;
', `
user system_u roles { system_r vm_r };
user vm_u roles vm_r;
user guest_u roles vm_r;
')

############################# constraints #############################

# Guests of different users may not share memory or bind channels,
# unless one side is a system domain.
constrain event bind ( u1 == u2 or u1 == system_u or u2 == system_u );
constrain grant { map_read map_write copy } ( u1 == u2 or u1 == system_u or u2 == system_u );
# Only system_r may build domains or change their labels.
constrain domain { create transition } ( r1 == system_r );
constrain domain2 { relabelfrom relabelto } ( r1 == system_r and not ( t2 == xen_type ) );

############################# contexts #############################

sid xenboot gen_context(system_u:system_r:xenboot_t)
sid xen gen_context(system_u:system_r:xen_t)
sid dom0 gen_context(system_u:system_r:dom0_t)
sid domio gen_context(system_u:system_r:domio_t)
sid domxen gen_context(system_u:system_r:domxen_t)
sid unlabeled gen_context(system_u:system_r:unlabeled_t)
sid security gen_context(system_u:system_r:security_t)
sid ioport gen_context(system_u:object_r:ioport_t)
sid iomem gen_context(system_u:object_r:iomem_t)
sid irq gen_context(system_u:object_r:irq_t)
sid device gen_context(system_u:object_r:device_t)
sid domU gen_context(system_u:vm_r:domU_t)
sid domDM gen_context(system_u:system_r:dm_dom_t)
