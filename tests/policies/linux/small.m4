# SPDX-License-Identifier: GPL-2.0-only
#
# openxsm small "SE Linux"-target test policy: the Linux-only records a
# reader must also handle (process class, filename transitions, ioctl
# extended permissions, polcaps, Linux object contexts), small enough to
# read by hand.  Compiled at every version 24..33.
#
#   m4 -D enable_mls     MLS variant
#   m4 -D with_xperms    allowxperm rules (needs version >= 30)
#   m4 -D with_glblub    (with enable_mls) default_range glblub (needs version >= 32)
divert(-1)
define(`mls_ctx', `ifdef(`enable_mls', `:$1')')
define(`ctx', `$1`'mls_ctx(ifelse(`$2', `', `s0', `$2'))')
divert(0)dnl

class security
class process
class file
class dir
class fd
class chr_file
class tcp_socket
class capability

sid kernel
sid security
sid unlabeled
sid file
sid port
sid node
sid devnull

common file_common { ioctl read write create getattr setattr unlink open }

class security { compute_av check_context load_policy setenforce setbool }
class process { fork transition sigchld signal ptrace getattr setexec dyntransition setcurrent execmem }
class file inherits file_common { execute entrypoint execute_no_trans }
class dir inherits file_common { add_name remove_name search }
class fd { use }
class chr_file inherits file_common
class tcp_socket { ioctl read write bind connect name_bind }
class capability { chown kill setuid net_admin sys_admin }

default_user file target;
default_role dir source;
default_type chr_file target;
ifdef(`enable_mls', `
default_range file target low;
default_range dir source low-high;
default_range chr_file source low;
default_range tcp_socket target high;
ifdef(`with_glblub', `default_range fd glblub;')
')

ifdef(`enable_mls', `
sensitivity s0;
sensitivity s1 alias topsecret;
dominance { s0 s1 }
category c0;
category c1 alias blue;
category c2;
category c3;
level s0:c0.c3;
level s1:c0.c3;
mlsconstrain file { write create } ((l1 eq l2) or (t1 == mls_priv));
mlsconstrain process { transition dyntransition } ((h1 dom h2) or (t1 == mls_priv));
mlsvalidatetrans file ((l1 eq l2) or (t3 == mls_priv));
')

policycap network_peer_controls;
policycap open_perms;

attribute domain;
attribute file_type;
attribute mls_priv;

type kernel_t, domain, mls_priv;
type init_t, domain, mls_priv;
type user_t, domain;
type sshd_t, domain;
type sshd_exec_t, file_type;
type shell_exec_t, file_type;
type etc_t, file_type;
type tmp_t, file_type;
type user_tmp_t, file_type;
type shadow_t alias { passwd_t }, file_type;
type devnull_t, file_type;
type security_t;
type unlabeled_t;
type port_t;
type ssh_port_t;
type node_t;
type netif_t;
type fs_t;
type untrusted_t, domain;
typebounds user_t untrusted_t;
permissive untrusted_t;

bool allow_execmem false;
bool secure_mode true;

allow domain self:process { fork sigchld signal getattr };
allow domain etc_t:file { read getattr open ioctl };
allow domain devnull_t:chr_file { read write open ioctl getattr };
allow domain self:fd use;
allow init_t domain:process ~{ ptrace execmem };
allow init_t file_type:{ file dir } *;
allow init_t security_t:security *;
allow kernel_t init_t:process transition;
allow init_t sshd_exec_t:file { read execute entrypoint getattr open };
allow init_t sshd_t:process transition;
allow sshd_t sshd_exec_t:file { entrypoint read execute getattr open };
allow sshd_t user_t:process transition;
allow sshd_t shell_exec_t:file { execute read getattr open };
allow user_t shell_exec_t:file { entrypoint read execute getattr open };
allow user_t tmp_t:dir { add_name remove_name search write read getattr };
allow user_t user_tmp_t:file { create write read unlink open getattr };
allow untrusted_t tmp_t:dir { search read };
allow sshd_t ssh_port_t:tcp_socket name_bind;
allow sshd_t self:tcp_socket { bind connect read write ioctl };
allow sshd_t self:capability { setuid chown };
auditallow init_t security_t:security load_policy;
dontaudit user_t shadow_t:file { read getattr };
dontaudit domain unlabeled_t:file *;
ifdef(`with_xperms', `
allowxperm sshd_t self:tcp_socket ioctl { 0x8910 0x8912-0x8915 };
auditallowxperm sshd_t self:tcp_socket ioctl 0x8910;
dontauditxperm user_t devnull_t:chr_file ioctl 0x5401;
')

if (allow_execmem && !secure_mode) {
    allow user_t self:process execmem;
} else {
    dontaudit user_t self:process execmem;
}
if (secure_mode) {
    auditallow init_t security_t:security setenforce;
    type_transition user_t etc_t:file user_tmp_t;
}

type_transition kernel_t init_t:process init_t;
type_transition init_t sshd_exec_t:process sshd_t;
type_transition sshd_t shell_exec_t:process user_t;
type_transition user_t tmp_t:file user_tmp_t;
type_transition user_t tmp_t:file shadow_t "shadow";
type_transition sshd_t tmp_t:file user_tmp_t "ssh-agent";
type_transition user_t tmp_t:dir user_tmp_t "ssh-agent";
type_member user_t tmp_t:dir user_tmp_t;
type_change user_t devnull_t:chr_file user_tmp_t;
ifdef(`enable_mls', `
range_transition init_t sshd_exec_t:process s0 - s1:c0.c3;
range_transition user_t tmp_t:file s1:c1;
')

role system_r;
role user_r;
role system_r types { kernel_t init_t sshd_t user_t };
role user_r types { user_t untrusted_t };
allow system_r user_r;
role_transition system_r shell_exec_t user_r;
role_transition system_r tmp_t:file user_r;

ifdef(`enable_mls', `
user system_u roles { system_r user_r } level s0 range s0 - s1:c0.c3;
user user_u roles { user_r } level s0 range s0 - s0:c0.c1;
', `
user system_u roles { system_r user_r };
user user_u roles { user_r };
')

constrain process transition ( u1 == u2 or t1 == init_t or t1 == sshd_t );
constrain file { write create } ( u1 == u2 or not ( t1 != init_t ) );
constrain process dyntransition ( r1 dom r2 );
validatetrans file ( u1 == u2 or t3 == init_t );

sid kernel ctx(system_u:system_r:kernel_t)
sid security ctx(system_u:object_r:security_t)
sid unlabeled ctx(system_u:object_r:unlabeled_t)
sid file ctx(system_u:object_r:unlabeled_t)
sid port ctx(system_u:object_r:port_t)
sid node ctx(system_u:object_r:node_t)
sid devnull ctx(system_u:object_r:devnull_t)

fs_use_xattr ext4 ctx(system_u:object_r:fs_t);
fs_use_task pipefs ctx(system_u:object_r:fs_t);
genfscon proc / ctx(system_u:object_r:fs_t)
genfscon proc /sys ctx(system_u:object_r:etc_t)
portcon tcp 22 ctx(system_u:object_r:ssh_port_t)
portcon tcp 6000-6020 ctx(system_u:object_r:port_t)
netifcon eth0 ctx(system_u:object_r:netif_t) ctx(system_u:object_r:unlabeled_t)
nodecon 10.0.0.0 255.255.255.255 ctx(system_u:object_r:node_t)
nodecon ::1 ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff ctx(system_u:object_r:node_t)
