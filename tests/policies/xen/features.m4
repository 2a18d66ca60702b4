# SPDX-License-Identifier: GPL-2.0-only
#
# openxsm "features" policy for the XenFlask target: a format test that uses
# everything a Xen-target policy can hold.  It is not loadable by a real Xen
# (its classes are not Xen's, and it uses a common); it exists so the reader
# and the services see every record kind and both binary versions (24, 30).
#
#   m4 -D enable_mls      sensitivities, categories, MLS constraints
#   m4 -D with_defaults   default_user/role/type/range rules
#   m4 -D with_dtree      a devicetreecon (v30 only; dropped at v24)
#   m4 -D no_common       no common: the shape Xen itself accepts
divert(-1)
define(`mls_ctx', `ifdef(`enable_mls', `:$1')')
define(`ctx', `$1`'mls_ctx(ifelse(`$2', `', `s0', `$2'))')
divert(0)dnl

class xen
class domain
class event
class grant
class security
class resource

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

ifdef(`no_common', `', `
common evtcommon { bind send }
')

class xen { settime readconsole writeconsole physinfo heap }
class domain { create transition pause unpause destroy getdomaininfo setvcpucontext shutdown }
ifdef(`no_common', `
class event { bind send status create reset }
', `
class event inherits evtcommon { status create reset }
')
class grant { map_read map_write unmap copy query }
class security { compute_av load_policy setenforce setbool check_context }
class resource { add remove use plug unplug }

ifdef(`with_defaults', `
default_user event target;
default_user grant source;
default_role event target;
default_role grant source;
default_type event target;
default_type resource source;
ifdef(`enable_mls', `
default_range event target low;
default_range grant source high;
default_range resource target low-high;
')
')

ifdef(`enable_mls', `
sensitivity s0;
sensitivity s1 alias secret;
sensitivity s2;
dominance { s0 s1 s2 }
category c0;
category c1 alias cat_one;
category c2;
category c3;
category c4;
level s0:c0.c2;
level s1:c0.c4;
level s2:c0.c4;

mlsconstrain domain { create transition } ((h1 dom h2) or (t1 == mls_exempt));
mlsconstrain event { bind send } ((l1 domby l2) and (h1 dom h2) or (t1 == mls_exempt) or (t2 == mls_exempt));
mlsconstrain grant { map_read copy } ((l1 dom l2) or (l1 eq h2) or not (t1 != mls_exempt));
mlsconstrain grant map_write ((l1 incomp l2) or (l1 eq l2) or (h1 domby h2 and h1 dom l2));
mlsconstrain resource { use plug } ((l1 domby h1) and (l2 eq h2) or (t2 == resource_t));
mlsvalidatetrans domain ((l1 eq l2) or (t3 == mls_exempt) or (h1 dom h2));
mlsvalidatetrans event ((l1 domby l2) or (t3 == dom0_t));
')

attribute domain_type;
attribute resource_type;
attribute guest_type;
attribute mls_exempt;
attribute unused_attr;

type xen_t;
type dom0_t, domain_type, mls_exempt;
type domio_t;
type domxen_t alias { xen_domain_t };
type unlabeled_t;
type security_t;
type domU_t, domain_type, guest_type;
typealias domU_t alias { guest_t plain_guest_t };
type domU_child_t, domain_type;
typeattribute domU_child_t guest_type;
typebounds domU_t domU_child_t;
type domU_chan_t;
type dom0_chan_t;
type stub_t, domain_type, guest_type;
type resource_t, resource_type;
type irq_t, resource_type;
type ioport_t, resource_type;
type iomem_t, resource_type;
type device_t, resource_type;
type nic_t, resource_type;
type dt_node_t, resource_type;
permissive stub_t;
permissive domU_child_t;

bool guest_can_map false;
bool dom0_can_settime true;
bool lockdown false;
bool debug_mode false;

allow dom0_t xen_t:xen { readconsole writeconsole physinfo };
allow dom0_t domain_type:domain *;
allow dom0_t self:domain ~{ create destroy };
allow dom0_t domain_type:event { bind send status create };
allow dom0_t { domU_chan_t dom0_chan_t }:event *;
allow dom0_t security_t:security ~setenforce;
allow dom0_t resource_type:resource { add remove use };
allow dom0_t { resource_type -nic_t }:resource { plug unplug };
auditallow dom0_t security_t:security { load_policy setbool };
auditallow dom0_t domain_type:domain destroy;
dontaudit domain_type xen_t:xen heap;
dontaudit guest_type security_t:security compute_av;
allow guest_type self:grant { map_read map_write unmap query };
allow guest_type dom0_t:event { bind send };
allow domU_t domU_chan_t:event { create send status };
allow domU_child_t domU_chan_t:event { create send };
allow domU_t dom0_t:grant { map_read unmap };
allow domU_child_t dom0_t:grant map_read;
allow domU_t nic_t:resource use;
allow stub_t domU_t:domain { getdomaininfo pause unpause };
allow domain_type domain_type:grant query;

if (guest_can_map) {
    allow domU_t dom0_t:grant { map_write copy };
    allow domU_t domU_t:event reset;
    type_transition domU_t dom0_t:grant domU_chan_t;
} else {
    dontaudit domU_t dom0_t:grant { map_write copy };
}
if (dom0_can_settime && !lockdown) {
    allow dom0_t xen_t:xen settime;
}
if ((guest_can_map || debug_mode) ^ lockdown) {
    allow stub_t domU_t:domain destroy;
    auditallow stub_t domU_t:domain destroy;
}
if (debug_mode == dom0_can_settime) {
    allow stub_t xen_t:xen readconsole;
} else {
    allow stub_t xen_t:xen physinfo;
    type_change stub_t domU_t:event stub_t;
}
if (lockdown != debug_mode) {
    dontaudit dom0_t xen_t:xen heap;
    type_member stub_t domU_t:grant domU_chan_t;
}
if (!(guest_can_map && lockdown)) {
    allow stub_t dom0_t:event send;
}

type_transition dom0_t domU_t:event domU_chan_t;
type_transition dom0_t dom0_t:event dom0_chan_t;
type_transition dom0_t domU_t:domain domU_child_t;
type_member dom0_t domU_t:grant domU_chan_t;
type_change dom0_t domU_t:resource nic_t;
type_change domU_t dom0_chan_t:event domU_chan_t;

ifdef(`enable_mls', `
range_transition dom0_t domU_t:domain s0 - s1:c0.c2;
range_transition dom0_t domU_t:event s1:c1;
range_transition stub_t domU_t:domain s0:c0,c2 - s2:c0.c4;
')

role system_r;
role vm_r;
role stub_r;
role system_r types { xen_t dom0_t domio_t domxen_t unlabeled_t security_t dom0_chan_t resource_type };
role vm_r types { domU_t domU_child_t domU_chan_t };
role stub_r types { stub_t domU_t };
allow system_r vm_r;
allow system_r stub_r;
allow stub_r vm_r;
role_transition system_r domU_t:domain vm_r;
role_transition system_r stub_t:domain stub_r;
role_transition system_r domU_chan_t:event vm_r;

ifdef(`enable_mls', `
user system_u roles { system_r vm_r stub_r } level s0 range s0 - s2:c0.c4;
user guest_u roles { vm_r } level s0 range s0 - s1:c0.c2;
user stub_u roles { stub_r vm_r } level s1:c1 range s1:c1 - s2:c0.c4;
', `
user system_u roles { system_r vm_r stub_r };
user guest_u roles { vm_r };
user stub_u roles { stub_r vm_r };
')

constrain domain transition ( u1 == u2 or u1 == system_u );
constrain domain { create destroy } ( r1 == system_r or ( t1 == stub_t and r2 != system_r ) );
constrain event bind not ( ( u1 != u2 ) and ( t2 == guest_type and t1 != dom0_t ) );
constrain grant map_write ( r1 dom r2 or r1 domby r2 );
constrain grant copy ( r1 incomp r2 or t1 == t2 or u2 == { system_u guest_u } );
constrain resource plug ( t1 == dom0_t and t2 != { nic_t iomem_t } );
validatetrans domain ( u1 == u2 or t3 == dom0_t );
validatetrans event ( r1 == r2 and ( t1 == t2 or t3 != domU_t ) );

sid xen ctx(system_u:system_r:xen_t)
sid dom0 ctx(system_u:system_r:dom0_t)
sid domio ctx(system_u:system_r:domio_t)
sid domxen ctx(system_u:system_r:domxen_t)
sid unlabeled ctx(system_u:system_r:unlabeled_t)
sid security ctx(system_u:system_r:security_t)
sid ioport ctx(system_u:object_r:ioport_t)
sid iomem ctx(system_u:object_r:iomem_t)
sid irq ctx(system_u:object_r:irq_t)
sid device ctx(system_u:object_r:device_t)
sid domU ctx(system_u:vm_r:domU_t)

pirqcon 33 ctx(system_u:object_r:irq_t, s1)
pirqcon 34 ctx(system_u:object_r:nic_t)
ioportcon 0x3f8-0x3ff ctx(system_u:object_r:ioport_t)
ioportcon 0x60 ctx(system_u:object_r:resource_t)
iomemcon 0xfebf0-0xfebff ctx(system_u:object_r:nic_t)
iomemcon 0xd0000 ctx(system_u:object_r:iomem_t)
pcidevicecon 0xc800 ctx(system_u:object_r:nic_t)
pcidevicecon 0x0010 ctx(system_u:object_r:device_t, s0:c0)
ifdef(`with_dtree', `
devicetreecon /soc/ethernet@0 ctx(system_u:object_r:dt_node_t)
devicetreecon /soc/uart ctx(system_u:object_r:device_t)
')
