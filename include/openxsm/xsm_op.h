/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The common, module-independent xsm_op (hypercall 27).  Specified in
 * docs/abi.md; this header is the C form of that text.
 *
 * Every caller passes a 40-byte op, laid out as Xen's xen_flask_op_t:
 *   uint32_t cmd; uint32_t interface_version; union { ... 32 bytes } u;
 * The command word is split  cmd = module << 16 | subcommand,  so the
 * { uint16_t cmd; uint16_t mod; } little-endian view and the legacy FLASK
 * numbers (module 0, subcommands 1..25) coincide.
 */
#ifndef OPENXSM_XSM_OP_H
#define OPENXSM_XSM_OP_H

#include <stdint.h>

/*
 * Module ids: the high 16 bits of cmd.  0..3 are assigned below; 4..0x7fff
 * are assigned by openxsm in docs/abi.md, in order, never reused;
 * 0x8000..0xfffe are for private (out-of-tree) modules and never assigned;
 * 0xffff is XSM_MODULE_NONE.  A stack never holds ids 1 or 0xffff.
 */
#define XSM_MODULE_FLASK         0 /* legacy FLASK numbers, XEN_FLASK_INTERFACE_VERSION 1 */
#define XSM_MODULE_CORE          1 /* the framework itself: discovery */
#define XSM_MODULE_DUMMY         2 /* Xen's default rules; no commands */
#define XSM_MODULE_SILO          3 /* SILO; no commands */
#define XSM_MODULE_PRIVATE_FIRST 0x8000U
#define XSM_MODULE_PRIVATE_LAST  0xfffeU

#define XSM_OP_CMD(mod, sub) (((uint32_t)(mod) << 16) | (uint32_t)(sub))
#define XSM_OP_MODULE(cmd)   ((uint16_t)((uint32_t)(cmd) >> 16))
#define XSM_OP_SUBCMD(cmd)   ((uint16_t)((uint32_t)(cmd)&0xffffU))

/* Size of the op in both ABIs; the core never copies more or less. */
#define XSM_OP_SIZE 40

/*
 * Errors of the common dispatcher, checked in this order (docs/abi.md):
 *   -EFAULT      the 40 bytes could not be read (nothing changed), or the
 *                copy-back of a successful command failed (its effect stays)
 *   -ENODEV      module id neither in this build nor in the active stack
 *   -EOPNOTSUPP  module built but not active in this instance
 *   -EBADMSG     interface_version != the module's interface version
 *   -ENOSYS      subcommand 0 or above the module's last command (a module
 *                also answers -ENOSYS for holes in its own range)
 * FLASK (module 0) answers -ENOSYS to all four, as Xen 4.17 does; its
 * callers read that as "no XSM" (docs/abi.md §3.2).
 * Anything else comes from the module.  Non-negative results, including
 * positive ones, reach the caller unchanged.
 */

/* Version of this framework ABI (dispatcher rules + core commands). */
#define XSM_ABI_VERSION 1

/* No module: padding value in id lists. */
#define XSM_MODULE_NONE 0xffffU

/*
 * Core module (XSM_MODULE_CORE): discovery.  Interface version 1, frozen:
 * it is how every caller starts.  Any domain may call these; they reveal
 * only which modules exist.  None of their payloads holds a guest handle,
 * so the native and compat encodings are the same bytes.  A payload byte
 * that is neither an IN nor an OUT field is reserved: it must be zero, else
 * -EINVAL (checked after routing, before anything else).
 */
#define XSM_CORE_INTERFACE_VERSION 1

/*
 * LIST_MODULES: the active modules in stacking order (the core itself is
 * not in the stack and not listed).  IN flags must be 0 (-EINVAL
 * otherwise).  OUT count, ids[0..count-1]; ids[count..] = XSM_MODULE_NONE.
 * Payload bytes 16..31 are reserved.  Returns 0, copies back.
 */
#define XSM_CORE_LIST_MODULES 1
/*
 * MODULE_INFO: IN id (pad must be 0, else -EINVAL).  Unknown id: -ENODEV.
 * OUT the whole struct xsm_module_info.  Returns 0, copies back.  Also works
 * for built-but-inactive modules (flags say so, and DECLINED whether the
 * boot selection named it) and for the core itself.
 */
#define XSM_CORE_MODULE_INFO 2
/*
 * VERSION: the whole payload is reserved; returns XSM_ABI_VERSION
 * (positive), copies nothing.
 */
#define XSM_CORE_VERSION 3
#define XSM_CORE_NR_CMDS 3

/*
 * The one limit on active modules: a stack holds at most this many (the
 * library's XSM_MAX_STACK equals it), and LIST_MODULES and the sysctl have
 * room for exactly this many ids.
 */
#define XSM_ACTIVE_MAX    4
#define XSM_CORE_LIST_MAX XSM_ACTIVE_MAX

struct xsm_core_list_modules {
    uint32_t flags;                  /* IN: must be 0 */
    uint32_t count;                  /* OUT: number of active modules */
    uint16_t ids[XSM_CORE_LIST_MAX]; /* OUT: stacking order */
};

/* xsm_module_info.flags */
#define XSM_MODINFO_BUILT         0x01U /* compiled into this build */
#define XSM_MODINFO_ACTIVE        0x02U /* active in this instance */
#define XSM_MODINFO_AUTHORITATIVE 0x04U /* replaces the default privilege rules */
#define XSM_MODINFO_CORE          0x08U /* the framework itself, never stacked */
#define XSM_MODINFO_DECLINED      0x10U /* selected at boot, but its init declined */

#define XSM_MODINFO_NAME_LEN 16
#define XSM_MODINFO_NO_SLOT  0xffU

/*
 * One module's description.  Its commands are the words first_cmd..last_cmd
 * (XSM_OP_CMD(id, 1) .. XSM_OP_CMD(id, nr_cmds)); a module without commands
 * has last_cmd == first_cmd - 1, an empty range.
 */
struct xsm_module_info {
    uint16_t id;                     /* IN (MODULE_INFO) / OUT */
    uint8_t flags;                   /* OUT: XSM_MODINFO_* */
    uint8_t slot;                    /* OUT: stack position, or XSM_MODINFO_NO_SLOT */
    uint32_t interface_version;      /* OUT: what op.interface_version must be */
    uint32_t first_cmd;              /* OUT */
    uint32_t last_cmd;               /* OUT */
    char name[XSM_MODINFO_NAME_LEN]; /* OUT: NUL-padded, always NUL-terminated */
};

/* MODULE_INFO input view: the first 4 bytes of struct xsm_module_info. */
struct xsm_core_module_query {
    uint16_t id;
    uint16_t pad; /* must be 0 */
};

/* The 40-byte op as the core sees it. */
struct xsm_core_op {
    uint32_t cmd;
    uint32_t interface_version;
    union {
        struct xsm_core_list_modules list;
        struct xsm_module_info info;
        struct xsm_core_module_query query;
        uint8_t raw[32];
    } u;
};

_Static_assert(sizeof(struct xsm_core_list_modules) == 16, "list payload; 16..31 reserved");
_Static_assert(sizeof(struct xsm_module_info) == 32, "info payload");
_Static_assert(sizeof(struct xsm_core_op) == XSM_OP_SIZE, "core op is the common 40 bytes");
/* No handles, no 64-bit fields: alignment 4 and identical bytes in both ABIs. */
_Static_assert(_Alignof(struct xsm_core_op) == 4, "core op: same in native and compat");
_Static_assert(__builtin_offsetof(struct xsm_core_op, u) == 8, "payload at 8, as in FLASK");
_Static_assert(__builtin_offsetof(struct xsm_module_info, name) == 16, "info.name");

/*
 * Sysctl extension: XEN_SYSCTL_xsm_info.  Not a Xen 4.17 number; 4.17 uses
 * 1..29, so openxsm takes a number from a range Xen never allocated
 * (0x4f580000 | n, "OX").  The payload fits the 128-byte sysctl union.
 *   IN  query_id: a module to describe (XSM_MODULE_NONE: none); pad 0.
 *   OUT abi_version, nr_active, active[] (XSM_MODULE_NONE-padded), info
 *       (zeroed when query_id is XSM_MODULE_NONE).
 * Errors: -EINVAL pad != 0; -ENODEV query_id unknown.  Like every sysctl
 * it passes the sysctl hook first (dummy: control domain only; FLASK:
 * xen:physinfo).  Guests use the unprivileged xsm_op core commands instead.
 */
#define XEN_SYSCTL_xsm_info   0x4f580001U
#define XSM_SYSCTL_ACTIVE_MAX XSM_ACTIVE_MAX

struct xen_sysctl_xsm_info {
    uint16_t query_id;                      /* IN */
    uint16_t pad;                           /* IN: must be 0 */
    uint32_t abi_version;                   /* OUT: XSM_ABI_VERSION */
    uint32_t nr_active;                     /* OUT */
    uint16_t active[XSM_SYSCTL_ACTIVE_MAX]; /* OUT */
    struct xsm_module_info info;            /* OUT */
};
_Static_assert(sizeof(struct xen_sysctl_xsm_info) == 52, "sysctl payload");
_Static_assert(__builtin_offsetof(struct xen_sysctl_xsm_info, info) == 20, "sysctl info");

#endif
