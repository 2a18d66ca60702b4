/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Internal state of the hypervisor model.  Every object hangs off struct
 * hv; a domain embeds the struct xsm_domain that XSM modules label.
 *
 * Design rule (decode, then perform): each operation resolves and checks
 * its arguments, calls its XSM hook(s) at the point where Xen does, and
 * only then changes state.  Guest-memory output areas are probed (written
 * with the bytes already there) before the state change, so a fault on the
 * way out cannot leave a half-done operation behind.
 */
#ifndef OPENXSM_HV_PRIV_H
#define OPENXSM_HV_PRIV_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include <openxsm/hv.h>
#include <openxsm/hooks.h>

/* The model returns Xen's errno values; the host's must coincide. */
_Static_assert(EPERM == 1 && ENOENT == 2 && ESRCH == 3 && ENXIO == 6 && ENOMEM == 12 &&
                   EACCES == 13 && EFAULT == 14 && EEXIST == 17 && EINVAL == 22 && ENOSYS == 38,
               "host errno values differ from Xen's");
_Static_assert(EAGAIN == 11 && EBUSY == 16 && ENOSPC == 28 && ENODATA == 61 && EOPNOTSUPP == 95 &&
                   ECONNREFUSED == 111 && EMSGSIZE == 90 && EOVERFLOW == 75,
               "host errno values differ from Xen's");

#define HV_DEFAULT_MEM        ((size_t)64 * 1024)
#define HV_DEFAULT_MAX_PORT   127U
#define HV_MAX_PORTS          4096U
#define HV_DEFAULT_GNT_FRAMES 4U
#define HV_MAX_GNT_FRAMES     64U
#define HV_MAPTRACK_SIZE      256U
#define HV_MAX_RINGS          128U
#define HV_ARGO_MAX_PENDING   32U  /* Xen's MAX_PENDING_PER_RING */
#define HV_ARGO_MAX_NOTIFY    256U /* Xen's MAX_NOTIFY_COUNT */
#define HV_CONSOLE_MAX        ((size_t)64 * 1024)
#define HV_CONSOLE_IN_MAX     4096U
#define HV_MAX_PAUSE          255
#define HV_MACHINE_PAGES      262144U /* the model's machine: 1 GiB */

/* Per-port state XSM does not see (parallel to the xsm_evtchn array). */
struct hv_port {
    bool pending;
    uint8_t priority; /* FIFO ABI: 0 (highest) to 15 */
    uint32_t vcpu;
};

/* Xen's active entry: how often a grant is mapped (the pins). */
struct hv_active {
    uint32_t pin_ro, pin_rw;
};

struct hv_map {
    bool used;
    bool readonly;
    bool host_map;    /* GNTMAP_host_map: host_gpa is where it appears */
    bool host_mapped; /* the host's map_foreign made it appear there */
    xsm_domid_t granter;
    uint32_t ref;
    uint64_t frame; /* the granter's frame, as the entry said at map time */
    uint64_t host_gpa;
};

struct hv_argo_qmsg {
    struct hv_argo_qmsg *next;
    struct hv_argo_msg hdr;
    uint32_t slot_bytes;
    uint8_t data[];
};

struct hv_argo_ring {
    struct hv_argo_ring *next;
    uint32_t aport;
    xsm_domid_t partner;
    uint32_t len;
    uint32_t used;
    struct hv_argo_qmsg *head, *tail;
    /* A ring in guest memory (registered by argo_op): its frames, our tx_ptr. */
    bool in_guest;
    uint64_t *gfns;
    uint32_t npages;
    uint32_t tx_ptr;
    /* Domains waiting for payload space (notify, sendv -EAGAIN): who, how much. */
    uint32_t npending;
    struct {
        xsm_domid_t domid;
        uint32_t len;
    } pending[HV_ARGO_MAX_PENDING];
};

struct hv_dom {
    struct xsm_domain x; /* first: the XSM view */
    struct hv *h;
    struct hv_dom *next;

    uint32_t cdf;
    uint32_t ssidref;
    uint8_t handle[16];
    int pause_count; /* Xen's controller_pause_count */
    bool dying;
    bool con_midline; /* console: inside a line of this domain's output */

    /* Guest memory: either the default byte array or host callbacks. */
    struct xsm_guest guest;
    bool custom_guest;
    uint8_t *mem;
    size_t mem_size;
    uint64_t fault_start, fault_len;
    bool fault_reads, fault_writes;

    /* Event channels: ports 0..nr_ports-1; port 0 is reserved. */
    uint32_t nr_ports;
    struct xsm_evtchn *chn;
    struct hv_port *port;
    /* The host's notification of raised / unmasked ports (hv_evtchn_set_notify). */
    hv_evtchn_notify_fn notify;
    void *notify_opaque;
    /*
     * FIFO ABI (after EVTCHNOP_init_control): vCPU 0's control block and
     * the event array pages, as guest frames; the host maps them.
     */
    bool fifo, fifo_ctl;
    uint64_t fifo_ctl_gfn;
    uint32_t fifo_ctl_off;
    uint32_t fifo_pages;
    uint64_t fifo_gfn[HV_EVTCHN_FIFO_MAX_PAGES];

    /* Guest-physical memory from the host (hv_domain_config.phys). */
    struct hv_guest_phys phys;
    bool has_phys;

    /*
     * Grant table (gnttab.c): version 1 or 2, the shared (and v2 status)
     * frames in Xen's byte layout, each either here or placed in the
     * guest's memory at a frame of its choosing (add_to_physmap); the
     * active entries (pins) and the maptrack of mappings this domain holds.
     */
    uint32_t gnt_version, gnt_max_version;
    uint32_t gnt_frames, gnt_max_frames;
    uint8_t *gnt_shared, *gnt_status;
    uint64_t *gnt_shared_gfn, *gnt_status_gfn; /* HV_INVALID_GFN: not placed */
    struct hv_active *gnt_act;                 /* gnt_max_frames * HV_GRANTS_PER_FRAME */
    struct hv_map maptrack[HV_MAPTRACK_SIZE];

    /*
     * Memory accounting for memory_op: pages owned, the limit, and which
     * guest frames below HV_MACHINE_PAGES are populated (a bitmap).  The
     * byte array above stays as it is: a released frame still reads.
     */
    uint64_t tot_pages, max_pages;
    uint8_t *p2m;

    /* Where the guest placed its shared_info page (XENMEM_add_to_physmap). */
    bool shinfo_placed;
    uint64_t shinfo_gpfn;

    /* HVM parameters (meaningful for HVM domains only). */
    uint64_t hvm_param[HV_HVM_NR_PARAMS];

    /*
     * vcpu.c: vCPU 0 (the only one).  Where its vcpu_info is once the
     * guest registered one (else slot 0 of shared_info), where it asked
     * for its runstate, its own upcall vector (hvm_op 23; 0: none), and
     * whether VCPUOP_down asked for the domain to power off.
     */
    bool vinfo_placed;
    uint64_t vinfo_gfn;
    uint32_t vinfo_off;
    uint64_t runstate_addr;
    uint8_t upcall_vector;
    bool vcpu_shutdown;

    /* Argo rings this domain registered. */
    struct hv_argo_ring *rings;
    unsigned nr_rings;
};

struct hv {
    xsm_ctx *xsm;
    struct xsm_host_ops host_ops;
    struct hv_config cfg;
    struct xsm_domain idle; /* builds dom0, then demoted (set_system_active) */
    bool idle_labelled;
    struct hv_dom *doms;
    unsigned nr_doms;
    bool ending; /* hv_destroy: the host's memory and callbacks may be gone */
    xsm_domid_t rover;

    char *con; /* console log, NUL-terminated */
    size_t con_len;
    char con_in[HV_CONSOLE_IN_MAX];
    size_t con_in_len;
};

/* hv.c */
struct hv_dom *hv_dom_get(const struct hv *h, xsm_domid_t domid);
/* Xen's rcu_lock_domain_by_any_id: DOMID_SELF means the caller. */
struct hv_dom *hv_dom_any(const struct hv *h, struct hv_dom *cur, xsm_domid_t domid);
void hv_note(struct hv *h, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
int hv_gcopy_from(struct hv_dom *d, void *dst, uint64_t gaddr, size_t len);
int hv_gcopy_to(struct hv_dom *d, uint64_t gaddr, const void *src, size_t len);
/* Check that [gaddr, gaddr+len) can be written, by rewriting what is there. */
int hv_gprobe_to(struct hv_dom *d, uint64_t gaddr, size_t len);
/* By guest-physical address (frames): the host's phys callbacks if any. */
int hv_gphys_from(struct hv_dom *d, void *dst, uint64_t gpa, size_t len);
int hv_gphys_to(struct hv_dom *d, uint64_t gpa, const void *src, size_t len);
int hv_console_append(struct hv *h, const char *s, size_t len);
/* A domain's console output, filtered and prefixed as Xen does. */
int hv_console_emit(struct hv *h, struct hv_dom *d, const char *buf, size_t len);
/* createdomain after the domctl hook (domain_create hooks still run). */
int hv_dom_create(struct hv *h, struct xsm_domain *cur, const struct hv_domain_config *cfg,
                  xsm_domid_t *out);
/* Tear a domain down without checks (destroy, rollback, hv_destroy). */
void hv_dom_kill(struct hv *h, struct hv_dom *d);
/*
 * XENVER_* core: io receives *io_len output bytes.  The input (get_features'
 * index, build_id's length) is read into io by fetch(ctx, io, len), called
 * where Xen copies it: after the XSM check, so a denied caller's argument is
 * never looked at.  fetch returns 0 or -EFAULT.
 */
typedef int (*hv_xenver_fetch)(void *ctx, uint8_t *io, size_t len);
long hv_xenver_core(struct hv *h, struct hv_dom *cur, unsigned cmd, bool compat, uint8_t *io,
                    size_t *io_len, bool arg_null, hv_xenver_fetch fetch, void *ctx);

/* evtchn.c */
int hv_evtchn_init(struct hv_dom *d, uint32_t max_port);
void hv_evtchn_destroy(struct hv_dom *d); /* closes every port */
void hv_evtchn_final(struct hv_dom *d);   /* frees labels and arrays */
/* Undo a just-done alloc_unbound / bind_interdomain (failed copy-back). */
void hv_evtchn_unalloc(struct hv_dom *d, uint32_t port);
void hv_evtchn_unbind(struct hv_dom *ld, uint32_t lport);
/* event_channel_op's decoder (hypercall.c dispatches here). */
long hv_do_evtchn_op(struct hv *h, struct hv_dom *cur, uint64_t cmd, uint64_t arg);

/* gnttab.c */
int hv_gnttab_init(struct hv_dom *d, uint32_t max_frames);
void hv_gnttab_destroy(struct hv_dom *d); /* drops every mapping of and by d */
void hv_gnttab_free(struct hv_dom *d);    /* frees the table's memory */
/* XENMAPSPACE_grant_table: place frame idx (status bit for v2) at gpfn. */
int hv_gnttab_place(struct hv_dom *d, uint64_t idx, uint64_t gpfn);
int hv_gnttab_setup_check(struct hv *h, struct hv_dom *cur, xsm_domid_t dom, uint32_t nr_frames,
                          struct hv_dom **d);
void hv_gnttab_setup_do(struct hv_dom *d, uint32_t nr_frames, uint64_t *frames);
/* grant_table_op (20): the decoder. */
long hv_do_grant_table_op(struct hv *h, struct hv_dom *cur, uint64_t cmd, uint64_t uop,
                          uint64_t count);

/* argo.c */
void hv_argo_destroy(struct hv_dom *d);
/* argo=0 check and the argo_enable hook, run first by every argo op. */
int hv_argo_entry(struct hv *h, struct hv_dom *cur);
/* Register-ring checks and hooks up to (not including) the state change. */
int hv_argo_register_check(struct hv *h, struct hv_dom *cur, uint32_t aport, xsm_domid_t partner,
                           uint32_t len, uint32_t flags, struct hv_argo_ring **existing);
/* gfns (malloc'd, taken over, may be NULL): the ring's frames in guest memory. */
int hv_argo_register_do(struct hv_dom *cur, struct hv_argo_ring *existing, uint32_t aport,
                        xsm_domid_t partner, uint32_t len, uint64_t *gfns, uint32_t npages);
int hv_argo_unregister_do(struct hv_dom *cur, uint32_t aport, xsm_domid_t partner);
/* Send with the payload already gathered from the guest. */
long hv_argo_send_buf(struct hv *h, struct hv_dom *cur, uint32_t src_aport, xsm_domid_t src_dom,
                      xsm_domid_t dst_domid, uint32_t dst_aport, uint32_t message_type,
                      const void *buf, size_t len);

/* argo_op (39): the decoder. */
long hv_do_argo_op(struct hv *h, struct hv_dom *cur, const uint64_t *args);

/* hvm.c */
void hv_hvm_init(struct hv_dom *d); /* Xen's defaults for a new domain */
long hv_do_hvm_op(struct hv *h, struct hv_dom *cur, uint64_t op, uint64_t arg);

/* vcpu.c */
#define HV_NR_VCPUS 1U
/* vcpu_op (24): the decoder. */
long hv_do_vcpu_op(struct hv *h, struct hv_dom *cur, uint64_t cmd, uint64_t vcpuid, uint64_t arg);

/* memory.c */
int hv_memory_init(struct hv_dom *d); /* the first mem_size bytes populated */
bool hv_memory_populated(const struct hv_dom *d, uint64_t gfn);
long hv_do_memory_op(struct hv *h, struct hv_dom *cur, uint64_t cmd, uint64_t arg);

/* hypercall.c helpers shared with hv.c */
long hv_do_domctl(struct hv *h, struct hv_dom *cur, uint64_t gaddr);
long hv_do_sysctl(struct hv *h, struct hv_dom *cur, uint64_t gaddr);

/* Little-endian field access for guest-layout buffers. */
static inline uint16_t hv_ld16(const uint8_t *p)
{
    return (uint16_t)(p[0] | (p[1] << 8));
}
static inline uint32_t hv_ld32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}
static inline uint64_t hv_ld64(const uint8_t *p)
{
    return (uint64_t)hv_ld32(p) | ((uint64_t)hv_ld32(p + 4) << 32);
}
static inline void hv_st16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}
static inline void hv_st32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}
static inline void hv_st64(uint8_t *p, uint64_t v)
{
    hv_st32(p, (uint32_t)v);
    hv_st32(p + 4, (uint32_t)(v >> 32));
}

#endif
