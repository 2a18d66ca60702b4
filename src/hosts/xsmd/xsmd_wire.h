/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The xsmd wire protocol, version 1 (docs/xsmd.md, "Wire protocol").
 *
 * One SOCK_SEQPACKET connection per client process.  Every message is a
 * fixed-size record of little-endian fields: a 64-byte request answered by
 * one 32-byte reply, in order.  A message of any other size, a bad magic,
 * an unknown type or a non-zero reserved field is a protocol error: the
 * daemon answers XSMD_ST_BAD_REQUEST (or XSMD_ST_BAD_VERSION) and closes
 * the connection.  Nothing here depends on the host's word size, so the
 * same header serves the 64-bit daemon and 32-bit (-m32) clients.
 *
 * Request (64 bytes)               Reply (32 bytes)
 *   0  u32 magic  XSMD_MAGIC         0  u32 magic  XSMD_MAGIC
 *   4  u16 version                   4  u16 version
 *   6  u16 type   XSMD_T_*           6  u16 status XSMD_ST_*
 *   8  u32 nr     (hypercall number) 8  s64 result (hypercall result, -errno)
 *  12  u32 flags                    16  u64 value  (type-specific)
 *  16  u64 arg[6]                   24  u64 reserved, 0
 *
 * Header-only on purpose: the daemon, the LD_PRELOAD bridge, xsm-run and
 * the 32-bit test client share it without linking anything.
 */
#ifndef XSMD_WIRE_H
#define XSMD_WIRE_H

#include <stdint.h>
#include <string.h>

#define XSMD_MAGIC    0x444d5358U /* the bytes "XSMD" */
#define XSMD_VERSION  1U
#define XSMD_REQ_SIZE 64U
#define XSMD_REP_SIZE 32U
#define XSMD_NR_ARGS  6U

/* Request types. */
#define XSMD_T_HYPERCALL 1 /* nr, arg[0..5]: run hypercall nr as this domain */
#define XSMD_T_CREATE    2 /* control only: arg0 label address, arg1 label length, */
                           /*   arg2 wanted domid (0: any); flags XSMD_CREATE_*; */
                           /*   with XSMD_CREATE_KERNEL: arg3 kernel image address, */
                           /*   arg4 its length, arg5 memory in MiB (0: 16); */
                           /*   XSMD_CREATE_CMDLINE: nr command-line bytes */
#define XSMD_T_DESTROY 3   /* control only: arg0 domid */
#define XSMD_T_WHOAMI  4   /* value = domid | XSMD_WHOAMI_COMPAT if 32-bit */
/*
 * The control domain's questions (docs/xsmd.md, "Questions"): text answers,
 * one record a line, tab-separated fields, written to arg4 (capacity arg5);
 * result = the answer's length, or -ERANGE with value = the length needed.
 */
#define XSMD_T_EXPLAIN 5 /* arg0 ssid, arg1 tsid, arg2 class, arg3 perms (0: all) */
#define XSMD_T_CLASSES 6 /* arg0 name address, arg1 name length (0: every class) */
#define XSMD_T_LABEL   7 /* nr XSMD_LABEL_*, arg0 value or path address, arg1 path length; */
                         /*   value = the SID (no text answer, arg4/arg5 0) */
#define XSMD_T_DOMAINS 8 /* the domains with a socket */
#define XSMD_T_PRIVCMD 9 /* arg0 hypercall number, arg1..5 its arguments: Linux's */
                         /*   struct privcmd_hypercall, bytes 16..63 as they are */
/*
 * PRIVCMD for another process (xsm-run --fuse): arg0 the address of its
 * struct privcmd_hypercall in the memory of the process named by the one
 * pidfd attached (SCM_RIGHTS); only from a peer that may read and write
 * any process's memory (docs/xsmd.md, "The FUSE node").
 */
#define XSMD_T_PRIVCMD_FOR 10
/*
 * Control only: a KVM guest's PV console output (docs/kvm.md): arg0 domid,
 * arg1 the offset to start at (bytes since the guest booted), the bytes
 * written raw to arg4 (capacity arg5); result = how many, value = the
 * offset after them (ask again from there; older bytes than the daemon
 * keeps are skipped).  -ESRCH no such domain, -ENOENT no PV console.
 */
#define XSMD_T_CONSOLE 11

#define XSMD_CREATE_32BIT  0x1U /* the new domain uses the compat (32-bit) ABI */
#define XSMD_CREATE_KERNEL 0x2U /* a KVM guest booted from a kernel image (docs/kvm.md) */
/*
 * With XSMD_CREATE_KERNEL: the guest's command line, nr bytes (1 to
 * XSMD_CMDLINE_MAX, no NUL) at arg0 + arg1, right after the label.
 */
#define XSMD_CREATE_CMDLINE 0x4U
#define XSMD_CMDLINE_MAX    1024U
#define XSMD_WHOAMI_COMPAT  0x10000U

/* Longest label XSMD_T_CREATE reads from the caller. */
#define XSMD_LABEL_MAX 4096U
/* Longest class name (XSMD_T_CLASSES) and device-tree path (XSMD_T_LABEL). */
#define XSMD_NAME_MAX 256U
#define XSMD_PATH_MAX 4096U
/* Largest kernel image (XSMD_CREATE_KERNEL). */
#define XSMD_KERNEL_MAX (64U << 20)
/* Longest text answer. */
#define XSMD_ANSWER_MAX (16U << 20)

/* XSMD_T_LABEL kinds: Xen's OCON_* numbers, and a device-tree path. */
#define XSMD_LABEL_PIRQ       1
#define XSMD_LABEL_IOPORT     2
#define XSMD_LABEL_IOMEM      3
#define XSMD_LABEL_PCI        4
#define XSMD_LABEL_DEVICETREE 5

/* Reply status: anything but OK means 'result' is meaningless. */
#define XSMD_ST_OK             0
#define XSMD_ST_BAD_REQUEST    1 /* malformed; the connection is closed */
#define XSMD_ST_BAD_VERSION    2 /* version != XSMD_VERSION; closed */
#define XSMD_ST_NOT_CONTROL    3 /* CREATE/DESTROY on a domain's socket */
#define XSMD_ST_WRONG_PROCESS  4 /* sent by a process other than the one that connected */
#define XSMD_ST_NO_DOMAIN      5 /* this connection's domain was destroyed; closed */
#define XSMD_ST_NOT_PRIVILEGED 6 /* PRIVCMD_FOR from a peer without that authority */

struct xsmd_req {
    uint16_t type;
    uint32_t nr;
    uint32_t flags;
    uint64_t arg[XSMD_NR_ARGS];
};

struct xsmd_rep {
    uint16_t status;
    int64_t result;
    uint64_t value;
};

static inline void xsmd_put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static inline void xsmd_put32(uint8_t *p, uint32_t v)
{
    xsmd_put16(p, (uint16_t)v);
    xsmd_put16(p + 2, (uint16_t)(v >> 16));
}

static inline void xsmd_put64(uint8_t *p, uint64_t v)
{
    xsmd_put32(p, (uint32_t)v);
    xsmd_put32(p + 4, (uint32_t)(v >> 32));
}

static inline uint16_t xsmd_get16(const uint8_t *p)
{
    return (uint16_t)(p[0] | (unsigned)p[1] << 8);
}

static inline uint32_t xsmd_get32(const uint8_t *p)
{
    return xsmd_get16(p) | (uint32_t)xsmd_get16(p + 2) << 16;
}

static inline uint64_t xsmd_get64(const uint8_t *p)
{
    return xsmd_get32(p) | (uint64_t)xsmd_get32(p + 4) << 32;
}

static inline void xsmd_encode_req(uint8_t out[XSMD_REQ_SIZE], const struct xsmd_req *r)
{
    memset(out, 0, XSMD_REQ_SIZE);
    xsmd_put32(out, XSMD_MAGIC);
    xsmd_put16(out + 4, XSMD_VERSION);
    xsmd_put16(out + 6, r->type);
    xsmd_put32(out + 8, r->nr);
    xsmd_put32(out + 12, r->flags);
    for (unsigned i = 0; i < XSMD_NR_ARGS; i++)
        xsmd_put64(out + 16 + 8 * (size_t)i, r->arg[i]);
}

/*
 * Returns XSMD_ST_OK, XSMD_ST_BAD_VERSION or XSMD_ST_BAD_REQUEST.  Which
 * fields a type uses (and that the others are zero) is the daemon's check.
 */
static inline int xsmd_decode_req(const uint8_t in[XSMD_REQ_SIZE], struct xsmd_req *r)
{
    if (xsmd_get32(in) != XSMD_MAGIC)
        return XSMD_ST_BAD_REQUEST;
    if (xsmd_get16(in + 4) != XSMD_VERSION)
        return XSMD_ST_BAD_VERSION;
    r->type = xsmd_get16(in + 6);
    r->nr = xsmd_get32(in + 8);
    r->flags = xsmd_get32(in + 12);
    for (unsigned i = 0; i < XSMD_NR_ARGS; i++)
        r->arg[i] = xsmd_get64(in + 16 + 8 * (size_t)i);
    return XSMD_ST_OK;
}

static inline void xsmd_encode_rep(uint8_t out[XSMD_REP_SIZE], const struct xsmd_rep *r)
{
    memset(out, 0, XSMD_REP_SIZE);
    xsmd_put32(out, XSMD_MAGIC);
    xsmd_put16(out + 4, XSMD_VERSION);
    xsmd_put16(out + 6, r->status);
    xsmd_put64(out + 8, (uint64_t)r->result);
    xsmd_put64(out + 16, r->value);
}

/* Returns 0, or -1 if the bytes are not a version-1 reply. */
static inline int xsmd_decode_rep(const uint8_t in[XSMD_REP_SIZE], struct xsmd_rep *r)
{
    uint64_t u;

    if (xsmd_get32(in) != XSMD_MAGIC || xsmd_get16(in + 4) != XSMD_VERSION ||
        xsmd_get64(in + 24) != 0)
        return -1;
    r->status = xsmd_get16(in + 6);
    u = xsmd_get64(in + 8);
    /* Two's complement back to signed without implementation-defined casts. */
    r->result = u <= (uint64_t)INT64_MAX ? (int64_t)u : -(int64_t)(~u) - 1;
    r->value = xsmd_get64(in + 16);
    return 0;
}

#endif /* XSMD_WIRE_H */
