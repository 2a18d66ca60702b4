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

/* Module ids: the high 16 bits of cmd. */
#define XSM_MODULE_FLASK 0 /* legacy FLASK numbers, XEN_FLASK_INTERFACE_VERSION 1 */
#define XSM_MODULE_CORE  1 /* the framework itself: discovery */
#define XSM_MODULE_DUMMY 2 /* Xen's default rules; no commands */
#define XSM_MODULE_SILO  3 /* SILO; no commands */

#define XSM_OP_CMD(mod, sub) (((uint32_t)(mod) << 16) | (uint32_t)(sub))
#define XSM_OP_MODULE(cmd)   ((uint16_t)((uint32_t)(cmd) >> 16))
#define XSM_OP_SUBCMD(cmd)   ((uint16_t)((uint32_t)(cmd) & 0xffffU))

/* Size of the op in both ABIs; the core never copies more or less. */
#define XSM_OP_SIZE 40

#endif
