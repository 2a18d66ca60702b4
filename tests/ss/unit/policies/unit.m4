# SPDX-License-Identifier: GPL-2.0-only
# Small policy for the security-server unit tests.  m4 defines:
#   WITH_MLS  MLS variant, XEN_OCON  Xen object contexts, WITH_EXTRA  one more bool and rule
#   TWO_USERS  a second user other_u (role vm_r)
#   INVALID_TRANS  type_transition domU_t domU_t:domain dom0_t (vm_r lacks dom0_t)
#   EXTRA_T  a type extra_t in role system_r
#   NO_VM_DOMU  role vm_r without domU_t
#   WITH_PORTCON, WITH_GENFS, WITH_COMMON  features Xen 4.17's reader refuses
#   BOUNDS3  types bnd0_t..bnd3_t, each bounded by the next: a chain of 3 links
#   BOUNDS4  (with BOUNDS3) bnd4_t bounds bnd3_t: 4 links from bnd0_t
define(`L', ifdef(`WITH_MLS', `:s0', `'))dnl
class xen
class domain
class event

sid xen
sid dom0
sid unlabeled

ifdef(`WITH_COMMON', `common cbase { cperm }')
class xen { settime readconsole }
class domain { create transition getinfo }
ifdef(`WITH_COMMON', `class event inherits cbase { bind send }', `class event { bind send }')

ifdef(`WITH_MLS', `
sensitivity s0;
sensitivity s1 alias top;
dominance { s0 s1 }
category c0;
category c1;
category c2;
category c3 alias cat3;
level s0:c0.c3;
level s1:c0.c3;
mlsconstrain domain { create } l1 dom l2;
')

attribute domain_type;
type xen_t, domain_type;
type dom0_t, domain_type;
type domU_t, domain_type;
type unlabeled_t;
ifdef(`EXTRA_T', `type extra_t;')
ifdef(`BOUNDS3', `
type bnd0_t;
type bnd1_t;
type bnd2_t;
type bnd3_t;
typebounds bnd1_t bnd0_t;
typebounds bnd2_t bnd1_t;
typebounds bnd3_t bnd2_t;
')
ifdef(`BOUNDS4', `
type bnd4_t;
typebounds bnd4_t bnd3_t;
')
bool guest_send false;
ifdef(`WITH_EXTRA', `bool extra_bool true;')
allow dom0_t xen_t:xen { settime readconsole };
allow domain_type domain_type:event bind;
allow dom0_t domU_t:domain { create getinfo transition };
auditallow dom0_t domU_t:domain create;
dontaudit domU_t xen_t:xen settime;
if (guest_send) {
    allow domU_t dom0_t:event send;
}
ifdef(`WITH_EXTRA', `if (extra_bool) { allow domU_t xen_t:xen readconsole; }')
type_transition dom0_t domU_t:event domU_t;
ifdef(`INVALID_TRANS', `type_transition domU_t domU_t:domain dom0_t;')
role system_r;
role vm_r;
role system_r types { xen_t dom0_t unlabeled_t domU_t };
ifdef(`EXTRA_T', `role system_r types extra_t;')
ifdef(`BOUNDS3', `role system_r types { bnd0_t bnd1_t bnd2_t bnd3_t };')
ifdef(`BOUNDS4', `role system_r types bnd4_t;')
ifdef(`NO_VM_DOMU', `role vm_r types xen_t;', `role vm_r types { domU_t };')
allow system_r vm_r;
ifdef(`WITH_MLS', `user system_u roles { system_r vm_r } level s0 range s0 - s1:c0.c3;',
             `user system_u roles { system_r vm_r };')
ifdef(`TWO_USERS', ifdef(`WITH_MLS', `user other_u roles { vm_r } level s0 range s0 - s1:c0.c3;',
             `user other_u roles { vm_r };'))
constrain domain { transition } r1 == r2 or t2 == domU_t;
sid xen system_u:system_r:xen_t`'L
sid dom0 system_u:system_r:dom0_t`'L
sid unlabeled system_u:object_r:unlabeled_t`'L
ifdef(`XEN_OCON', `
pirqcon 33 system_u:object_r:domU_t`'L
ioportcon 0x60-0x64 system_u:object_r:domU_t`'L
iomemcon 0x1000-0x1fff system_u:object_r:domU_t`'L
pcidevicecon 0x300 system_u:object_r:domU_t`'L
')
ifdef(`WITH_GENFS', `genfscon proc / system_u:object_r:unlabeled_t`'L')
ifdef(`WITH_PORTCON', `portcon tcp 80 system_u:object_r:unlabeled_t`'L')
