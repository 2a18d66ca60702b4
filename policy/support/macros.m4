# SPDX-License-Identifier: GPL-2.0-only
#
# The vocabulary the modules are written in.  Each macro stands for one
# relation between labels that the modules state again and again ("dom0_t
# creates domU_t", "these two talk over channels and grants"); the
# permission sets live here and nowhere else, so that a module reads as a
# list of relations and a change to what "creates" means is made once.
#
# Conventions: T is a domain type; T_self is the label T has when a domain
# acts on itself, T_channel the label of the event channels a T domain
# opens.  For a singleton type (one domain only) T_self is T itself: the
# macro below defines the name T_self to expand to T, so every relation that
# mentions T_self works for both kinds.
#
# Nothing here may contain an apostrophe: m4 would take it as a quote.
divert(-1)

########################################################################
# Declaring domain types

# domain_own_ops(T, SELF): what a domain does to itself (SELF is how it
# sees itself): grant table set-up and queries, its own memory and page
# tables, its HVM parameters and altp2m, its vNUMA layout.
define(`domain_own_ops', `
allow $1 $2:grant { query setup };
allow $1 $2:mmu { adjust physmap map_read map_write stat pinpage updatemp mmuext_op };
allow $1 $2:hvm { getparam setparam altp2mhvm_op };
allow $1 $2:domain2 get_vnumainfo;
')

# guest_domain_type(T): a label any number of domains may carry.  A domain
# acting on itself is seen as T_self, so rights over "itself" do not extend
# to the other domains of the same label.
define(`guest_domain_type', `
type $1, domain_type;
type $1_self, domain_type, domain_self_type;
type_transition $1 $1:domain $1_self;
type $1_channel, event_type;
type_transition $1 domain_type:event $1_channel;
domain_own_ops($1, $1_self)
')

# singleton_domain_type(T): a label for exactly one domain (dom0, the
# xenstore domain).  There is no T_self: the policy cannot tell the domain
# from another of the same label, which is why only one may exist.
define(`singleton_domain_type', `
type $1, domain_type;
define(`$1_self', `$1')
type $1_channel, event_type;
type_transition $1 domain_type:event $1_channel;
domain_own_ops($1, $1)
')

# building_type(T): T_building, the label a T domain is built under before
# it is relabelled to T.  Channels it opens while building already get T
# labels, and only T_building may turn into T.
define(`building_type', `
type $1_building, domain_type;
type_transition $1_building domain_type:event $1_channel;
allow $1_building $1:domain transition;
')

########################################################################
# Building, running and saving domains

# setup_rights(PRIV, T): what PRIV needs to build a domain labelled T:
# create it and size it, load its memory and vCPU state, set its CPU
# policy, scheduling, TSC and HVM parameters, and check its label.
define(`setup_rights', `
allow $1 $2:domain { create max_vcpus setdomainmaxmem setaddrsize
	getdomaininfo hypercall setvcpucontext getscheduler getvcpuinfo
	getaddrsize getaffinity setaffinity settime setdomainhandle
	getvcpucontext set_misc_info getpagingmempool setpagingmempool };
allow $1 $2:domain2 { set_cpu_policy settsc setscheduler setclaim
	set_vnumainfo get_vnumainfo cacheflush psr_cmt_op psr_alloc
	soft_reset resource_map get_cpu_policy };
allow $1 $2:security check_context;
allow $1 $2:shadow enable;
allow $1 $2:mmu { map_read map_write adjust memorymap physmap pinpage mmuext_op updatemp };
allow $1 $2:grant setup;
allow $1 $2:hvm { getparam hvmctl sethvmc setparam altp2mhvm altp2mhvm_op dm };
')

# boot_builds(T): the hypervisor may build T domains itself while it boots
# (dom0, and guests started by Xen at boot).
define(`boot_builds', `
allow xenboot_t $1:domain create;
allow xenboot_t $1_channel:event create;
')

# creates(PRIV, T): PRIV builds T domains directly under their final label
# (also how a migrated-in domain arrives).
define(`creates', `
setup_rights($1, $2)
allow $1 $2_channel:event create;
')

# creates_via_building(PRIV, T): PRIV builds T domains under T_building and
# then relabels them to T; its build-time rights hold for T_building only.
define(`creates_via_building', `
setup_rights($1, $2_building)
allow $1 $2_channel:event create;
allow $1 $2_building:domain2 relabelfrom;
allow $1 $2:domain2 relabelto;
allow $2_building $2:domain transition;
')

# manages(PRIV, T): PRIV runs T domains: pause, unpause, resume, shut down,
# destroy, query them, adjust memory, affinity and paging pool.
define(`manages', `
allow $1 $2:domain { getdomaininfo getvcpuinfo getaffinity getaddrsize
	pause unpause trigger shutdown destroy setaffinity setdomainmaxmem
	getscheduler resume setpodtarget getpodtarget getpagingmempool
	setpagingmempool };
allow $1 $2:domain2 set_vnumainfo;
')

# saves(PRIV, T): PRIV may save or migrate a T domain out, which means
# reading all of its memory and state.
define(`saves', `
allow $1 domxen_t:mmu map_read;
allow $1 $2:hvm { gethvmc getparam };
allow $1 $2:mmu { stat pageinfo map_read };
allow $1 $2:domain { getaddrsize getvcpucontext pause destroy };
allow $1 $2:domain2 gettsc;
allow $1 $2:shadow { enable disable logdirty };
')

########################################################################
# Communication between domains

# opens_channels(SRC, DST, CHAN): a SRC domain may open event channels to
# DST domains; they are labelled CHAN, and CHAN may be bound to DST.
define(`opens_channels', `
allow $1 $3:event { create send status };
allow $3 $2:event bind;
')

# event_peers(A, B): A and B may open event channels to each other.
define(`event_peers', `
opens_channels($1, $2, $1_channel)
opens_channels($2, $1, $2_channel)
')

# peers(A, B): event channels both ways, and each may map and copy the
# grants of the other.
define(`peers', `
event_peers($1, $2)
allow $1 $2:grant { map_read map_write copy unmap };
allow $2 $1:grant { map_read map_write copy unmap };
')

# self_peer(T): a T domain may open channels to itself and map its own
# grants (loopback front- and backends).
define(`self_peer', `
opens_channels($1, $1_self, $1_channel)
allow $1 $1_self:grant { map_read map_write copy unmap };
')

########################################################################
# Device models

# serves_as_device_model(DM, T): a DM domain may be the device model of a
# T domain.  Once paired (set_target), the DM sees its target as T_target
# and holds the rights a device model needs over it, and nothing more over
# other T domains.
define(`serves_as_device_model', `
type $2_target, domain_type, domain_target_type;
type_transition $2 $1:domain $2_target;
allow $1 $2:domain set_target;
type_transition $2_target domain_type:event $2_channel;
opens_channels($1, $2_target, $1_channel)
opens_channels($2, $1, $2_channel)
allow $1 $2_channel:event create;
allow $1 $2_target:domain { getdomaininfo shutdown };
allow $1 $2_target:mmu { map_read map_write adjust physmap target_hack };
allow $1 $2_target:hvm { getparam setparam hvmctl dm };
allow $1 $2_target:domain2 resource_map;
')

# builds_device_model(PRIV, DM, T): as above, and PRIV may pair them.
define(`builds_device_model', `
serves_as_device_model($2, $3)
allow $1 $2:domain2 make_priv_for;
allow $1 $3:domain2 set_as_target;
')

########################################################################
# Devices (PCI passthrough, IRQs, I/O memory and ports)

# uses_device_iommu(T, DEV): T may be given DEV only behind an IOMMU that
# remaps interrupts.
define(`uses_device_iommu', `
allow $1 $1_self:mmu exchange;
allow $1 $2:resource use_iommu;
allow $1 domio_t:mmu { map_read map_write };
')

# uses_device_iommu_nointremap(T, DEV): behind any active IOMMU, even one
# without interrupt remapping.
define(`uses_device_iommu_nointremap', `
allow $1 $1_self:mmu exchange;
allow $1 $2:resource { use_iommu use_iommu_nointremap };
allow $1 domio_t:mmu { map_read map_write };
')

# uses_device_noiommu(T, DEV): with or without an IOMMU.
define(`uses_device_noiommu', `
allow $1 $1_self:mmu exchange;
allow $1 $2:resource { use_iommu use_iommu_nointremap use_noiommu };
allow $1 domio_t:mmu { map_read map_write };
')

# administers_device(T, DEV): T uses DEV and hands it (its IRQs, memory and
# ports) to other domains.
define(`administers_device', `
allow $1 $2:resource { setup stat_device add_device add_irq add_iomem
	add_ioport remove_device remove_irq remove_iomem remove_ioport plug
	unplug };
allow $1 $2:hvm bind_irq;
uses_device_noiommu($1, $2)
')

# delegates_devices(PRIV, T): PRIV may add resources to T domains and take
# them away (the device itself needs its own label rules).
define(`delegates_devices', `
allow $1 $2:resource { add remove };
')

divert(0)dnl
