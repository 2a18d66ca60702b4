/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The FLASK xsm_op ABI of Xen 4.17 (public header xsm/flask_op.h), written
 * from its documented layout.  Names and numbers follow Xen so that FLASK
 * callers and the FLASK module read the same words; the layouts are
 * byte-identical to Xen's for x86_64 and i386 (tests/abi proves it).
 *
 * A guest handle is a pointer-sized struct on x86 (8 bytes on x86_64, 4 on
 * i386), exactly as in Xen.  On the hypervisor side a module never follows
 * the pointer: it reads the handle as a guest address through the helpers
 * in src/core/op_decode.h.
 *
 * The second half of this file spells out the compat layouts: what a 32-bit
 * guest on a 64-bit hypervisor passes.  They are ordinary types usable from
 * a 64-bit build (32-bit handles, 64-bit integers only 4-byte aligned), so a
 * 64-bit hypervisor can decode a 32-bit guest's op without a second build.
 *
 * This header and Xen's <xen/xsm/flask_op.h> define the same names; include
 * one or the other in a translation unit, never both.
 */
#ifndef OPENXSM_XEN_FLASK_OP_H
#define OPENXSM_XEN_FLASK_OP_H

#include <stdint.h>

#include <openxsm/cdefs.h>

#ifdef __FLASK_OP_H__
#error "<openxsm/xen/flask_op.h> and Xen's <xen/xsm/flask_op.h> cannot be mixed"
#endif

#if !defined(__GNUC__)
#error "openxsm ABI headers need GCC-compatible alignment attributes"
#endif

#define XEN_FLASK_INTERFACE_VERSION 1

/* Command numbers: the low 16 bits of cmd, module 0 (see <openxsm/xsm_op.h>). */
#define FLASK_LOAD             1
#define FLASK_GETENFORCE       2
#define FLASK_SETENFORCE       3
#define FLASK_CONTEXT_TO_SID   4
#define FLASK_SID_TO_CONTEXT   5
#define FLASK_ACCESS           6
#define FLASK_CREATE           7
#define FLASK_RELABEL          8
#define FLASK_USER             9 /* removed in Xen 4.8: always -ENOSYS */
#define FLASK_POLICYVERS       10
#define FLASK_GETBOOL          11
#define FLASK_SETBOOL          12
#define FLASK_COMMITBOOLS      13
#define FLASK_MLS              14
#define FLASK_DISABLE          15 /* removed in Xen 4.16: always -ENOSYS */
#define FLASK_GETAVC_THRESHOLD 16
#define FLASK_SETAVC_THRESHOLD 17
#define FLASK_AVC_HASHSTATS    18
#define FLASK_AVC_CACHESTATS   19
#define FLASK_MEMBER           20
#define FLASK_ADD_OCONTEXT     21
#define FLASK_DEL_OCONTEXT     22
#define FLASK_GET_PEER_SID     23
#define FLASK_RELABEL_DOMAIN   24
#define FLASK_DEVICETREE_LABEL 25

/* Highest FLASK command number: the FLASK module's nr_cmds. */
#define FLASK_NR_CMDS 25

/* Native guest handles: a pointer wrapped in a struct, as Xen does on x86. */
typedef struct {
    char *p;
} xen_flask_handle_char_t;

typedef uint32_t evtchn_port_t; /* same typedef as Xen's event_channel.h */

struct xen_flask_load {
    xen_flask_handle_char_t buffer; /* IN: policy image */
    uint32_t size;                  /* IN: its length in bytes */
};
typedef struct xen_flask_load xen_flask_load_t;

struct xen_flask_setenforce {
    uint32_t enforcing;
};
typedef struct xen_flask_setenforce xen_flask_setenforce_t;

/* CONTEXT_TO_SID and SID_TO_CONTEXT. */
struct xen_flask_sid_context {
    uint32_t sid;                    /* IN or OUT */
    uint32_t size;                   /* IN: buffer size; OUT: context length with NUL */
    xen_flask_handle_char_t context; /* the context string */
};
typedef struct xen_flask_sid_context xen_flask_sid_context_t;

struct xen_flask_access {
    uint32_t ssid; /* IN */
    uint32_t tsid;
    uint32_t tclass;
    uint32_t req;
    uint32_t allowed; /* OUT */
    uint32_t audit_allow;
    uint32_t audit_deny;
    uint32_t seqno;
};
typedef struct xen_flask_access xen_flask_access_t;

/* CREATE, RELABEL, MEMBER. */
struct xen_flask_transition {
    uint32_t ssid; /* IN */
    uint32_t tsid;
    uint32_t tclass;
    uint32_t newsid; /* OUT */
};
typedef struct xen_flask_transition xen_flask_transition_t;

/* GETBOOL, SETBOOL.  bool_id 0xffffffff selects by name. */
struct xen_flask_boolean {
    uint32_t bool_id;
    uint8_t enforcing; /* OUT: current value */
    uint8_t pending;   /* OUT: pending value */
    uint8_t new_value; /* IN (SET) */
    uint8_t commit;    /* IN (SET) */
    uint32_t size;     /* IN: name buffer size; OUT (GET by id): name length */
    xen_flask_handle_char_t name;
};
typedef struct xen_flask_boolean xen_flask_boolean_t;

struct xen_flask_setavc_threshold {
    uint32_t threshold;
};
typedef struct xen_flask_setavc_threshold xen_flask_setavc_threshold_t;

struct xen_flask_hash_stats {
    uint32_t entries; /* all OUT */
    uint32_t buckets_used;
    uint32_t buckets_total;
    uint32_t max_chain_len;
};
typedef struct xen_flask_hash_stats xen_flask_hash_stats_t;

struct xen_flask_cache_stats {
    uint32_t cpu;     /* IN */
    uint32_t lookups; /* OUT */
    uint32_t hits;
    uint32_t misses;
    uint32_t allocations;
    uint32_t reclaims;
    uint32_t frees;
};
typedef struct xen_flask_cache_stats xen_flask_cache_stats_t;

/* ADD_OCONTEXT, DEL_OCONTEXT. */
struct xen_flask_ocontext {
    uint32_t ocon;
    uint32_t sid;
    uint64_t low, high;
};
typedef struct xen_flask_ocontext xen_flask_ocontext_t;

struct xen_flask_peersid {
    evtchn_port_t evtchn; /* IN: the caller's own port */
    uint32_t sid;         /* OUT */
};
typedef struct xen_flask_peersid xen_flask_peersid_t;

struct xen_flask_relabel {
    uint32_t domid;
    uint32_t sid;
};
typedef struct xen_flask_relabel xen_flask_relabel_t;

struct xen_flask_devicetree_label {
    uint32_t sid;    /* 0 removes the label */
    uint32_t length; /* of path */
    xen_flask_handle_char_t path;
};
typedef struct xen_flask_devicetree_label xen_flask_devicetree_label_t;

struct xen_flask_op {
    uint32_t cmd;
    uint32_t interface_version; /* XEN_FLASK_INTERFACE_VERSION */
    union {
        xen_flask_load_t load;
        xen_flask_setenforce_t enforce;
        xen_flask_sid_context_t sid_context;
        xen_flask_access_t access;
        xen_flask_transition_t transition;
        xen_flask_boolean_t boolean;
        xen_flask_setavc_threshold_t setavc_threshold;
        xen_flask_hash_stats_t hash_stats;
        xen_flask_cache_stats_t cache_stats;
        xen_flask_ocontext_t ocontext;
        xen_flask_peersid_t peersid;
        xen_flask_relabel_t relabel;
        xen_flask_devicetree_label_t devicetree_label;
    } u;
};
typedef struct xen_flask_op xen_flask_op_t;

/*
 * Compat (32-bit guest) layouts.  Only the four handle-carrying members
 * differ from native on x86_64, plus ocontext's alignment (4 instead of 8,
 * same offsets).  Every other member keeps its native type: those structs
 * hold only 32-bit fields and are identical in both ABIs.
 */
typedef uint32_t compat_ptr_t;
typedef struct {
    compat_ptr_t c;
} compat_flask_handle_char_t;
typedef uint64_t compat_uint64_t __attribute__((aligned(4)));

struct compat_flask_load {
    compat_flask_handle_char_t buffer;
    uint32_t size;
};

struct compat_flask_sid_context {
    uint32_t sid;
    uint32_t size;
    compat_flask_handle_char_t context;
};

struct compat_flask_boolean {
    uint32_t bool_id;
    uint8_t enforcing;
    uint8_t pending;
    uint8_t new_value;
    uint8_t commit;
    uint32_t size;
    compat_flask_handle_char_t name;
};

struct compat_flask_ocontext {
    uint32_t ocon;
    uint32_t sid;
    compat_uint64_t low, high;
};

struct compat_flask_devicetree_label {
    uint32_t sid;
    uint32_t length;
    compat_flask_handle_char_t path;
};

struct compat_flask_op {
    uint32_t cmd;
    uint32_t interface_version;
    union {
        struct compat_flask_load load;
        xen_flask_setenforce_t enforce;
        struct compat_flask_sid_context sid_context;
        xen_flask_access_t access;
        xen_flask_transition_t transition;
        struct compat_flask_boolean boolean;
        xen_flask_setavc_threshold_t setavc_threshold;
        xen_flask_hash_stats_t hash_stats;
        xen_flask_cache_stats_t cache_stats;
        struct compat_flask_ocontext ocontext;
        xen_flask_peersid_t peersid;
        xen_flask_relabel_t relabel;
        struct compat_flask_devicetree_label devicetree_label;
    } u;
};
typedef struct compat_flask_op compat_flask_op_t;

/* The layouts this header promises (Xen 4.17, gcc, x86). */
#define OPENXSM_FLASK_OFF(t, m) __builtin_offsetof(t, m)
OPENXSM_STATIC_ASSERT(sizeof(xen_flask_op_t) == 40, "op is 40 bytes in every ABI");
OPENXSM_STATIC_ASSERT(OPENXSM_FLASK_OFF(xen_flask_op_t, u) == 8, "union at 8");
OPENXSM_STATIC_ASSERT(sizeof(xen_flask_access_t) == 32, "access fills the union");
OPENXSM_STATIC_ASSERT(sizeof(xen_flask_cache_stats_t) == 28, "cache_stats");
OPENXSM_STATIC_ASSERT(sizeof(xen_flask_ocontext_t) == 24, "ocontext");
OPENXSM_STATIC_ASSERT(OPENXSM_FLASK_OFF(xen_flask_ocontext_t, low) == 8, "ocontext.low");
OPENXSM_STATIC_ASSERT(OPENXSM_FLASK_OFF(xen_flask_ocontext_t, high) == 16, "ocontext.high");
#if defined(__x86_64__)
OPENXSM_STATIC_ASSERT(OPENXSM_ALIGNOF(xen_flask_op_t) == 8, "native op alignment");
OPENXSM_STATIC_ASSERT(sizeof(xen_flask_load_t) == 16, "load");
OPENXSM_STATIC_ASSERT(sizeof(xen_flask_sid_context_t) == 16, "sid_context");
OPENXSM_STATIC_ASSERT(sizeof(xen_flask_boolean_t) == 24, "boolean");
OPENXSM_STATIC_ASSERT(OPENXSM_FLASK_OFF(xen_flask_boolean_t, name) == 16, "boolean.name");
OPENXSM_STATIC_ASSERT(sizeof(xen_flask_devicetree_label_t) == 16, "devicetree_label");
#elif defined(__i386__)
OPENXSM_STATIC_ASSERT(OPENXSM_ALIGNOF(xen_flask_op_t) == 4, "i386 op alignment");
OPENXSM_STATIC_ASSERT(sizeof(xen_flask_load_t) == 8, "load");
OPENXSM_STATIC_ASSERT(sizeof(xen_flask_boolean_t) == 16, "boolean");
OPENXSM_STATIC_ASSERT(OPENXSM_FLASK_OFF(xen_flask_boolean_t, name) == 12, "boolean.name");
#endif

OPENXSM_STATIC_ASSERT(sizeof(compat_flask_op_t) == 40, "compat op");
OPENXSM_STATIC_ASSERT(OPENXSM_ALIGNOF(compat_flask_op_t) == 4, "compat op alignment");
OPENXSM_STATIC_ASSERT(OPENXSM_FLASK_OFF(compat_flask_op_t, u) == 8, "compat union at 8");
OPENXSM_STATIC_ASSERT(sizeof(struct compat_flask_load) == 8, "compat load");
OPENXSM_STATIC_ASSERT(sizeof(struct compat_flask_sid_context) == 12, "compat sid_context");
OPENXSM_STATIC_ASSERT(OPENXSM_FLASK_OFF(struct compat_flask_sid_context, context) == 8,
                      "compat context");
OPENXSM_STATIC_ASSERT(sizeof(struct compat_flask_boolean) == 16, "compat boolean");
OPENXSM_STATIC_ASSERT(OPENXSM_FLASK_OFF(struct compat_flask_boolean, name) == 12,
                      "compat boolean.name");
OPENXSM_STATIC_ASSERT(sizeof(struct compat_flask_ocontext) == 24, "compat ocontext");
OPENXSM_STATIC_ASSERT(OPENXSM_ALIGNOF(struct compat_flask_ocontext) == 4,
                      "compat ocontext alignment");
OPENXSM_STATIC_ASSERT(OPENXSM_FLASK_OFF(struct compat_flask_ocontext, high) == 16, "compat high");
OPENXSM_STATIC_ASSERT(sizeof(struct compat_flask_devicetree_label) == 12,
                      "compat devicetree_label");

#endif /* OPENXSM_XEN_FLASK_OP_H */
