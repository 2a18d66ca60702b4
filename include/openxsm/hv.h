/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A hypervisor model: a small, deterministic stand-in for Xen whose every
 * guest-visible operation is mediated by XSM hooks, called the way Xen 4.17
 * calls them.  See docs/hv-model.md.
 *
 * A struct hv holds an XSM instance, a control domain (dom0, created with
 * the hypervisor), guests with their own memory, event channels, grant
 * tables, Argo rings and a console.  Nothing is global: any number of hv
 * instances can live side by side.  An hv is not internally locked.
 *
 * Two ways in:
 *  - hv_hypercall(): Xen's hypercall numbers; arguments are guest addresses
 *    in the calling domain's memory holding Xen's struct layouts;
 *  - the direct C API below, one function per operation, with the same
 *    checks, hooks and results, for tests, tools and hosts.
 * Either way, 'caller' is the domain on whose behalf the call runs (Xen's
 * current->domain).
 *
 * Results are Xen's: 0 or a positive value on success, a negative errno
 * (Xen's values) on failure.  Grant-table operations report per-operation
 * status codes (HV_GNTST_*) the way Xen does.  A failed or denied operation
 * changes nothing.
 */
#ifndef OPENXSM_HV_H
#define OPENXSM_HV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openxsm/xsm.h>

#ifdef __cplusplus
extern "C" {
#endif

struct hv;

#define HV_PAGE_SIZE 4096U

/* Hypercall numbers (Xen public xen.h). */
#define HV_HYPERCALL_memory_op        12
#define HV_HYPERCALL_xen_version      17
#define HV_HYPERCALL_console_io       18
#define HV_HYPERCALL_grant_table_op   20
#define HV_HYPERCALL_vcpu_op          24
#define HV_HYPERCALL_xsm_op           27
#define HV_HYPERCALL_event_channel_op 32
#define HV_HYPERCALL_hvm_op           34
#define HV_HYPERCALL_sysctl           35
#define HV_HYPERCALL_domctl           36
#define HV_HYPERCALL_argo_op          39

/* Sub-operation numbers (Xen public headers, 4.17). */
#define HV_EVTCHNOP_bind_interdomain 0
#define HV_EVTCHNOP_close            3
#define HV_EVTCHNOP_send             4
#define HV_EVTCHNOP_status           5
#define HV_EVTCHNOP_alloc_unbound    6
#define HV_EVTCHNOP_bind_vcpu        8
#define HV_EVTCHNOP_unmask           9
#define HV_EVTCHNOP_reset            10
#define HV_EVTCHNOP_init_control     11
#define HV_EVTCHNOP_expand_array     12
#define HV_EVTCHNOP_set_priority     13
#define HV_EVTCHNOP_reset_cont       14

/* The FIFO ABI (event_channel.h). */
#define HV_EVTCHN_FIFO_LINK_BITS        17
#define HV_EVTCHN_FIFO_PRIORITY_DEFAULT 7
#define HV_EVTCHN_FIFO_PRIORITY_MIN     15
#define HV_EVTCHN_FIFO_MAX_PAGES        128U /* event array pages (2^17 4-byte words) */

#define HV_EVTCHNSTAT_closed      0
#define HV_EVTCHNSTAT_unbound     1
#define HV_EVTCHNSTAT_interdomain 2

#define HV_GNTTABOP_map_grant_ref   0
#define HV_GNTTABOP_unmap_grant_ref 1
#define HV_GNTTABOP_setup_table     2
#define HV_GNTTABOP_transfer        4
#define HV_GNTTABOP_copy            5
#define HV_GNTTABOP_query_size      6
#define HV_GNTTABOP_set_version     8
#define HV_GNTTABOP_get_version     10

#define HV_GNTMAP_device_map 0x1U
#define HV_GNTMAP_host_map   0x2U
#define HV_GNTMAP_readonly   0x4U

#define HV_GNTCOPY_source_gref 0x1U
#define HV_GNTCOPY_dest_gref   0x2U

/* Grant entry flags (v1 shared entries). */
#define HV_GTF_invalid            0x0U
#define HV_GTF_permit_access      0x1U
#define HV_GTF_accept_transfer    0x2U
#define HV_GTF_type_mask          0x3U
#define HV_GTF_readonly           0x4U
#define HV_GTF_reading            0x8U
#define HV_GTF_writing            0x10U
#define HV_GTF_transfer_committed 0x4U
#define HV_GTF_transfer_completed 0x8U
#define HV_GTF_sub_page           0x100U

/* XENMAPIDX_grant_table_status: add_to_physmap of a v2 status frame. */
#define HV_XENMAPIDX_grant_table_status 0x80000000U
/* Frame numbers of nothing (setup_table of a frame not placed). */
#define HV_INVALID_GFN (~0ULL)

/* Grant status codes (Xen's GNTST_*). */
#define HV_GNTST_okay              0
#define HV_GNTST_general_error     (-1)
#define HV_GNTST_bad_domain        (-2)
#define HV_GNTST_bad_gntref        (-3)
#define HV_GNTST_bad_handle        (-4)
#define HV_GNTST_bad_virt_addr     (-5)
#define HV_GNTST_permission_denied (-8)
#define HV_GNTST_bad_page          (-9)
#define HV_GNTST_bad_copy_arg      (-10)
#define HV_GNTST_no_space          (-13)

/* Grant entries per 4 KiB frame of a v1 table. */
#define HV_GRANTS_PER_FRAME 512U

#define HV_XENVER_version             0
#define HV_XENVER_extraversion        1
#define HV_XENVER_compile_info        2
#define HV_XENVER_capabilities        3
#define HV_XENVER_changeset           4
#define HV_XENVER_platform_parameters 5
#define HV_XENVER_get_features        6
#define HV_XENVER_pagesize            7
#define HV_XENVER_guest_handle        8
#define HV_XENVER_commandline         9
#define HV_XENVER_build_id            10

#define HV_CONSOLEIO_write 0
#define HV_CONSOLEIO_read  1

#define HV_DOMCTL_INTERFACE_VERSION 0x15U
#define HV_DOMCTL_createdomain      1
#define HV_DOMCTL_destroydomain     2
#define HV_DOMCTL_pausedomain       3
#define HV_DOMCTL_unpausedomain     4
#define HV_DOMCTL_getdomaininfo     5
#define HV_DOMCTL_set_target        46

#define HV_SYSCTL_INTERFACE_VERSION 0x15U
#define HV_SYSCTL_readconsole       1
#define HV_SYSCTL_physinfo          3

#define HV_ARGO_OP_register_ring         1
#define HV_ARGO_OP_unregister_ring       2
#define HV_ARGO_OP_sendv                 3
#define HV_ARGO_OP_notify                4
#define HV_ARGO_DOMID_ANY                XSM_DOMID_INVALID
#define HV_ARGO_REGISTER_FLAG_FAIL_EXIST 0x1U
#define HV_ARGO_MSG_SLOT_SIZE            16U
#define HV_ARGO_MAX_RING_SIZE            0x1000000U
#define HV_ARGO_MAXIOV                   8U
/* xen_argo_ring_data_ent.flags, as XEN_ARGO_OP_notify answers. */
#define HV_ARGO_RING_EXISTS     (1U << 0)
#define HV_ARGO_RING_SHARED     (1U << 1)
#define HV_ARGO_RING_EMPTY      (1U << 2)
#define HV_ARGO_RING_SUFFICIENT (1U << 3)
#define HV_ARGO_RING_EMSGSIZE   (1U << 4)
#define HV_ARGO_RING_EBUSY      (1U << 5)

/* HVMOP_* (hvm_op.h) and HVM_PARAM_* (hvm/params.h). */
#define HV_HVMOP_set_param          0
#define HV_HVMOP_get_param          1
#define HV_HVM_NR_PARAMS            39U
#define HV_HVM_PARAM_CALLBACK_IRQ   0
#define HV_HVM_PARAM_STORE_PFN      1
#define HV_HVM_PARAM_STORE_EVTCHN   2
#define HV_HVM_PARAM_CONSOLE_PFN    17
#define HV_HVM_PARAM_CONSOLE_EVTCHN 18
/* The vCPU's own event upcall vector (vcpu.c's state, hvm.c's decoder). */
#define HV_HVMOP_set_evtchn_upcall_vector 23

/* XENMEM_* and XENMAPSPACE_* (memory.h); the sub-op is cmd & 0x3f. */
#define HV_XENMEM_maximum_ram_page    2
#define HV_XENMEM_current_reservation 3
#define HV_XENMEM_maximum_reservation 4
#define HV_XENMEM_add_to_physmap      7
#define HV_XENMAPSPACE_shared_info    0
#define HV_XENMAPSPACE_grant_table    1

/* XEN_DOMCTL_CDF_* flags understood by domain creation. */
#define HV_CDF_hvm       0x1U
#define HV_CDF_hap       0x2U
#define HV_CDF_xs_domain 0x10U

/* XEN_DOMINF_* flags reported by getdomaininfo. */
#define HV_DOMINF_dying     0x1U
#define HV_DOMINF_hvm_guest 0x2U
#define HV_DOMINF_paused    0x8U
#define HV_DOMINF_xs_domain 0x80U

/*
 * A domain's guest-physical memory, for hosts whose guest addresses are not
 * physical (hv_domain_config.guest walks the guest's page tables while it
 * makes a hypercall).  The model reaches into memory by frame number - grant
 * frames the guest placed, granted pages, argo rings - through 'mem', at
 * guest-physical addresses, whatever the domain's vCPU is doing.
 *
 * map_foreign (optional) makes frame 'gfn' of the granting domain appear at
 * guest-physical address 'gpa' of this domain: GNTMAP_host_map from an HVM
 * domain, whose host_addr is a guest-physical address.  'granter' is the
 * granting domain's own struct (NULL if it has none): the host checks it is
 * one of its own.  Nonzero: the map fails (GNTST_general_error).
 * unmap_foreign removes such a mapping and cannot fail; the model calls it
 * at unmap and when either domain goes away.  Both run under the caller's
 * model lock.
 */
struct hv_guest_phys {
    struct xsm_guest mem;
    int (*map_foreign)(const struct hv_guest_phys *self, uint64_t gpa,
                       const struct hv_guest_phys *granter, uint64_t gfn, bool readonly);
    void (*unmap_foreign)(const struct hv_guest_phys *self, uint64_t gpa);
};

struct hv_config {
    /*
     * XSM boot selection, passed to xsm_create as struct xsm_config's
     * fields of the same names ("dummy", "silo", "flask", "silo,flask";
     * NULL = "dummy").  Only read during hv_create.
     */
    const char *modules;
    const char *flask_mode;
    const void *policy;
    size_t policy_len;

    /* Defaults for new domains; 0 picks the model's default. */
    size_t guest_mem_size;     /* bytes of guest memory (default 64 KiB) */
    uint32_t max_evtchn_port;  /* highest port number (default 127) */
    uint32_t max_grant_frames; /* grant table frames (default 4) */

    /*
     * dom0's guest memory: NULL = the default private byte array.  Its
     * compat flag makes dom0 a 32-bit domain (compat hypercall layouts).
     */
    const struct xsm_guest *dom0_guest;

    /*
     * Guests the hypervisor builds itself at boot (Xen's dom0less), in this
     * order, after dom0 and before set_system_active: the idle domain is
     * their creator (no domctl hook; alloc_security_domain and domain_create
     * see it).  They run once the system is live (not paused).  Any failure
     * fails hv_create.  Only read during hv_create.
     */
    const struct hv_domain_config *boot_domains;
    unsigned nr_boot_domains;

    /* Xen's argo= boot option: argo=0 makes argo_op -EOPNOTSUPP. */
    bool argo_disabled;
    /* argo=mac-permissive: allows any-source (wildcard) rings. */
    bool argo_mac_permissive;

    /* Log sink (XSM log lines and model notes), may be NULL. */
    void (*log)(void *opaque, const char *line);
    void *log_opaque;

    /* dom0's guest-physical memory (see hv_domain_config.phys); may be NULL. */
    const struct hv_guest_phys *dom0_phys;
    /* dom0's memory size in bytes, with dom0_guest (0: guest_mem_size). */
    size_t dom0_mem_size;
};

/*
 * Create a hypervisor with its control domain, dom0 (privileged).  Returns 0
 * or a negative errno (-EINVAL from xsm_create for a bad module list,
 * -ENOMEM, or a hook's denial of dom0).
 */
int hv_create(struct hv **out, const struct hv_config *cfg);
/*
 * Ends the model and every domain without calling the hosts' guest-memory
 * or hv_guest_phys callbacks: a host may free its guests' memory first.
 */
void hv_destroy(struct hv *h);

/* The XSM instance (for discovery and module-specific inspection). */
xsm_ctx *hv_xsm(struct hv *h);

/* --- Domains ------------------------------------------------------------ */

struct hv_domain_config {
    xsm_domid_t domid; /* 0 or >= XSM_DOMID_FIRST_RESERVED: allocate */
    uint32_t flags;    /* HV_CDF_* */
    uint32_t ssidref;  /* passed to the domain_create hook */
    uint8_t handle[16];
    uint32_t max_evtchn_port;  /* 0: hv default */
    uint32_t max_grant_frames; /* 0: hv default */
    size_t mem_size;           /* 0: hv default; at most 64 MiB, 4 GiB with guest */
    bool is_compat;            /* 32-bit guest: compat hypercall layouts */
    bool is_console;           /* may use console_io without privilege */
    /* Guest memory callbacks; NULL = a private byte array of mem_size. */
    const struct xsm_guest *guest;
    /* Guest-physical memory and grant mappings; NULL: 'guest' is physical. */
    const struct hv_guest_phys *phys;
};

struct hv_dominfo {
    xsm_domid_t domid;
    uint32_t flags; /* HV_DOMINF_* */
    uint64_t tot_pages;
    uint64_t max_pages;
    uint32_t ssidref; /* filled by the security_domaininfo hook */
    uint8_t handle[16];
    xsm_domid_t target; /* XSM_DOMID_INVALID if none */
};

/*
 * XEN_DOMCTL_* through the domctl hook (and the specific hooks Xen adds).
 * New domains start paused, as in Xen.  *out may be NULL.
 */
int hv_domain_create(struct hv *h, xsm_domid_t caller, const struct hv_domain_config *cfg,
                     xsm_domid_t *out);
int hv_domain_destroy(struct hv *h, xsm_domid_t caller, xsm_domid_t domid);
int hv_domain_pause(struct hv *h, xsm_domid_t caller, xsm_domid_t domid);
int hv_domain_unpause(struct hv *h, xsm_domid_t caller, xsm_domid_t domid);
int hv_domain_getinfo(struct hv *h, xsm_domid_t caller, xsm_domid_t domid, struct hv_dominfo *out);
/* Make 'domid' the device model of 'target'. */
int hv_domain_set_target(struct hv *h, xsm_domid_t caller, xsm_domid_t domid, xsm_domid_t target);

/* Host-side look-ups (no hooks): the XSM view of a domain, or NULL. */
struct xsm_domain *hv_domain_xsm(struct hv *h, xsm_domid_t domid);
bool hv_domain_exists(const struct hv *h, xsm_domid_t domid);
unsigned hv_domain_count(const struct hv *h);

/* --- Guest memory (host side, no hooks) ------------------------------------ */

/*
 * Read or write a domain's memory through its xsm_guest callbacks, as the
 * guest itself would.  Returns 0, -ESRCH or -EFAULT.
 */
int hv_guest_write(struct hv *h, xsm_domid_t domid, uint64_t gaddr, const void *src, size_t len);
int hv_guest_read(struct hv *h, xsm_domid_t domid, uint64_t gaddr, void *dst, size_t len);

/* The guest memory (callbacks and compat flag) hypercalls of domid use. */
const struct xsm_guest *hv_guest(struct hv *h, xsm_domid_t domid);

/*
 * Fault injection for the default guest memory: accesses overlapping
 * [gaddr, gaddr + len) fail with -EFAULT; 'reads'/'writes' say which kind.
 * len 0 clears.  -ESRCH, or -EINVAL if the domain has custom callbacks.
 */
int hv_guest_set_fault(struct hv *h, xsm_domid_t domid, uint64_t gaddr, uint64_t len, bool reads,
                       bool writes);

/* --- Event channels ------------------------------------------------------- */

struct hv_evtchn_status {
    uint32_t status; /* HV_EVTCHNSTAT_* */
    uint32_t vcpu;
    xsm_domid_t dom; /* unbound: who may bind; interdomain: peer */
    uint32_t port;   /* interdomain: peer port */
};

int hv_evtchn_alloc_unbound(struct hv *h, xsm_domid_t caller, xsm_domid_t dom,
                            xsm_domid_t remote_dom, uint32_t *port);
int hv_evtchn_bind_interdomain(struct hv *h, xsm_domid_t caller, xsm_domid_t remote_dom,
                               uint32_t remote_port, uint32_t *local_port);
int hv_evtchn_send(struct hv *h, xsm_domid_t caller, uint32_t port);
int hv_evtchn_status(struct hv *h, xsm_domid_t caller, xsm_domid_t dom, uint32_t port,
                     struct hv_evtchn_status *out);
int hv_evtchn_close(struct hv *h, xsm_domid_t caller, uint32_t port);
int hv_evtchn_reset(struct hv *h, xsm_domid_t caller, xsm_domid_t dom);

/*
 * Host side: 1 if the port has an event pending, 0 if not, -ESRCH/-EINVAL.
 * hv_evtchn_consume clears the pending bit and returns what it was.
 */
int hv_evtchn_pending(const struct hv *h, xsm_domid_t domid, uint32_t port);
int hv_evtchn_consume(struct hv *h, xsm_domid_t domid, uint32_t port);

/*
 * EVTCHNOP_unmask, bind_vcpu (every domain has one vCPU, 0: any other is
 * -ENOENT), and the FIFO ABI's init_control (returns the link bits),
 * expand_array and set_priority, with Xen 4.17's checks and errors (no XSM
 * hook: Xen has none for these).  The model records the FIFO set-up (guest
 * frames of the control block and event array pages); the guest-visible
 * pending and mask state lives in guest memory, which the host keeps
 * (see hv_evtchn_set_notify).
 */
int hv_evtchn_unmask(struct hv *h, xsm_domid_t caller, uint32_t port);
int hv_evtchn_bind_vcpu(struct hv *h, xsm_domid_t caller, uint32_t port, uint32_t vcpu);
int hv_evtchn_init_control(struct hv *h, xsm_domid_t caller, uint64_t control_gfn, uint32_t offset,
                           uint32_t vcpu, uint8_t *link_bits);
int hv_evtchn_expand_array(struct hv *h, xsm_domid_t caller, uint64_t array_gfn);
int hv_evtchn_set_priority(struct hv *h, xsm_domid_t caller, uint32_t port, uint32_t priority);

/*
 * Host notification: fn(opaque, domid, port, vcpu, what) is called for
 * domain 'domid' each time one of its ports is raised (HV_EVTCHN_NOTIFY_RAISE:
 * a send from the peer or from itself, the new local port of a bind, a
 * pending port whose FIFO event array page has just been added) or
 * unmasked by the guest (HV_EVTCHN_NOTIFY_UNMASK: deliver it now if it is
 * pending and no longer masked).  A host with real guests sets the port's
 * bit in the guest's shared_info (2-level ABI) or event array (FIFO) and
 * interrupts the vCPU; the model's own pending bit (hv_evtchn_pending) is
 * kept either way.  fn runs inside the operation, under whatever lock the
 * caller holds around the model: it must not block, and may call only the
 * model's host-side look-ups (hv_memory_shared_info_gpfn, hv_evtchn_upcall_via,
 * hv_evtchn_fifo...), no operation.
 * fn NULL removes it.  0 or -ESRCH.
 */
#define HV_EVTCHN_NOTIFY_RAISE  0U
#define HV_EVTCHN_NOTIFY_UNMASK 1U
typedef void (*hv_evtchn_notify_fn)(void *opaque, xsm_domid_t domid, uint32_t port, unsigned vcpu,
                                    unsigned what);
int hv_evtchn_set_notify(struct hv *h, xsm_domid_t domid, hv_evtchn_notify_fn fn, void *opaque);

/* Host side: where a FIFO domain put its control block and event array. */
struct hv_evtchn_fifo {
    uint64_t control_gfn; /* vCPU 0's control block: frame and byte offset */
    uint32_t control_offset;
    uint32_t nr_array_pages; /* event array pages added by expand_array */
};
/* 0 and *out for a FIFO domain; -ENOENT if it uses the 2-level ABI; -ESRCH. */
int hv_evtchn_fifo(const struct hv *h, xsm_domid_t domid, struct hv_evtchn_fifo *out);
/* The guest frame of event array page 'page': 0, -EINVAL (no such page), -ESRCH. */
int hv_evtchn_fifo_page(const struct hv *h, xsm_domid_t domid, uint32_t page, uint64_t *gfn);
/*
 * Host side: how the guest wants its upcalls, HVM_PARAM_CALLBACK_IRQ as it
 * set it (0: none; type in bits 63:56, 2 = a vector in bits 7:0).  0 or -ESRCH.
 */
int hv_evtchn_upcall_via(const struct hv *h, xsm_domid_t domid, uint64_t *via);
/* A port's FIFO priority (0-15; 7 until set), or -EINVAL / -ESRCH. */
int hv_evtchn_priority(const struct hv *h, xsm_domid_t domid, uint32_t port);

/* --- Grant tables --------------------------------------------------------- */

/*
 * The guest writing its own shared grant entry (no hypercall, no hook).
 * flags: HV_GTF_permit_access [| HV_GTF_readonly], HV_GTF_accept_transfer,
 * or HV_GTF_invalid to revoke (-EBUSY while mapped).  'frame' is a page
 * number in the granting domain's memory.  The entry is written in the
 * table's current version's layout, where its frame is (in the guest's
 * memory if the guest placed it there).  -ESRCH, -EINVAL (ref beyond the
 * table's current size, bad flags), -EFAULT (the placed frame cannot be
 * written).
 */
int hv_gnttab_write_entry(struct hv *h, xsm_domid_t domid, uint32_t ref, uint16_t flags,
                          xsm_domid_t grantee, uint32_t frame);
/* Host side: read back an entry (flags show reading/writing/transfer bits). */
int hv_gnttab_read_entry(const struct hv *h, xsm_domid_t domid, uint32_t ref, uint16_t *flags,
                         xsm_domid_t *grantee, uint32_t *frame);

/* The operations; each returns the GNTST_* status. */
int hv_gnttab_map(struct hv *h, xsm_domid_t caller, xsm_domid_t granter, uint32_t ref,
                  uint32_t flags, uint32_t *handle);
int hv_gnttab_unmap(struct hv *h, xsm_domid_t caller, uint32_t handle);
/* frames may be NULL; else receives nr_frames frame numbers. */
int hv_gnttab_setup(struct hv *h, xsm_domid_t caller, xsm_domid_t dom, uint32_t nr_frames,
                    uint64_t *frames);
int hv_gnttab_query_size(struct hv *h, xsm_domid_t caller, xsm_domid_t dom, uint32_t *nr_frames,
                         uint32_t *max_frames);

struct hv_gnttab_copy_ptr {
    uint32_t ref_or_gfn; /* grant ref (with the *_gref flag) or page number */
    xsm_domid_t domid;
    uint16_t offset;
};
int hv_gnttab_copy(struct hv *h, xsm_domid_t caller, const struct hv_gnttab_copy_ptr *src,
                   const struct hv_gnttab_copy_ptr *dst, uint16_t len, uint16_t flags);
/* Give page 'gfn' of the caller to 'domid' through its accept-transfer entry 'ref'. */
int hv_gnttab_transfer(struct hv *h, xsm_domid_t caller, uint64_t gfn, xsm_domid_t domid,
                       uint32_t ref);

/* Read or write granted memory through a mapping handle of 'domid'. */
int hv_gnttab_access(struct hv *h, xsm_domid_t domid, uint32_t handle, uint32_t offset, void *buf,
                     size_t len, bool write);

/* --- Argo ------------------------------------------------------------------ */

/* partner: a domain id, or HV_ARGO_DOMID_ANY for an any-source ring. */
int hv_argo_register_ring(struct hv *h, xsm_domid_t caller, uint32_t aport, xsm_domid_t partner,
                          uint32_t len, uint32_t flags);
int hv_argo_unregister_ring(struct hv *h, xsm_domid_t caller, uint32_t aport, xsm_domid_t partner);
/*
 * Returns the message length or a negative errno; -EAGAIN when the ring is
 * full (the caller then waits on the ring, as a guest's sendv does) and
 * -EBUSY when 32 other domains already wait on it.
 */
long hv_argo_send(struct hv *h, xsm_domid_t caller, uint32_t src_aport, xsm_domid_t dst_domid,
                  uint32_t dst_aport, uint32_t message_type, const void *buf, size_t len);

struct hv_argo_msg {
    xsm_domid_t src_domid;
    uint32_t src_aport;
    uint32_t message_type;
    uint32_t len;
};
/*
 * Host side: take the oldest message from domid's ring (aport, partner).
 * Copies min(len, cap) bytes, returns the message length; -ENODATA if the
 * ring is empty, -ENOENT if there is no such ring.
 */
long hv_argo_recv(struct hv *h, xsm_domid_t domid, uint32_t aport, xsm_domid_t partner,
                  struct hv_argo_msg *msg, void *buf, size_t cap);

/* --- xen_version, console, sysctl -------------------------------------------- */

/*
 * XENVER_* as Xen: the result, with the sub-op's output (if any) written to
 * buf (buf_len must be at least the sub-op's size, else -EINVAL; the
 * platform_parameters and build_id layouts are the native ones here).
 * Denied sub-ops give "<denied>" strings, zeroed data or -EPERM as Xen does.
 */
long hv_xen_version(struct hv *h, xsm_domid_t caller, unsigned cmd, void *buf, size_t buf_len);

/* CONSOLEIO_write / CONSOLEIO_read (reads queued console input). */
long hv_console_write(struct hv *h, xsm_domid_t caller, const char *buf, size_t len);
long hv_console_read(struct hv *h, xsm_domid_t caller, char *buf, size_t len);
/* Host side: queue console input; read the console log (NUL-terminated). */
int hv_console_input(struct hv *h, const char *buf, size_t len);
const char *hv_console_log(const struct hv *h, size_t *len);

/*
 * XEN_SYSCTL_readconsole: copies up to cap bytes of the log into buf,
 * returns the number of bytes; clear empties the log afterwards.
 */
long hv_sysctl_readconsole(struct hv *h, xsm_domid_t caller, char *buf, size_t cap, bool clear);

struct hv_physinfo {
    uint32_t nr_cpus;
    uint32_t nr_nodes;
    uint32_t cpu_khz;
    uint64_t total_pages;
    uint64_t free_pages;
};
int hv_sysctl_physinfo(struct hv *h, xsm_domid_t caller, struct hv_physinfo *out);

/* --- HVM parameters ------------------------------------------------------------ */

/*
 * HVMOP_set_param / HVMOP_get_param on domid (XSM_DOMID_SELF: the caller),
 * through the hvm_param hook on that domain, with Xen 4.17's checks: index
 * >= HV_HVM_NR_PARAMS or a non-HVM domain -EINVAL, no such domain -ESRCH,
 * deprecated parameters -EINVAL, parameters a guest may not touch on itself
 * -EPERM, set-once parameters -EEXIST, bad values -EINVAL.
 */
int hv_hvm_set_param(struct hv *h, xsm_domid_t caller, xsm_domid_t domid, uint32_t index,
                     uint64_t value);
int hv_hvm_get_param(struct hv *h, xsm_domid_t caller, xsm_domid_t domid, uint32_t index,
                     uint64_t *value);

/* --- Memory ---------------------------------------------------------------------- */

/*
 * Host side (no hook): the guest frame where domid placed its shared_info
 * page with XENMEM_add_to_physmap.  0, -ESRCH, or -ENOENT if not placed.
 */
int hv_memory_shared_info_gpfn(struct hv *h, xsm_domid_t domid, uint64_t *gpfn);

/* --- vCPUs (vcpu_op) ------------------------------------------------------------- */

/*
 * One vCPU per domain (vCPU 0).  Host side, no hook, safe inside the event
 * notification: where the vCPU's vcpu_info is, once the guest moved it out
 * of shared_info with VCPUOP_register_vcpu_info: 0 and *gpa (its frame
 * * 4096 + offset; 64 bytes there).  -ENOENT while it is still in
 * shared_info (slot 0), -EINVAL for another vCPU or a NULL gpa, -ESRCH.
 * A host that keeps the guest-visible event state (docs/kvm.md) moves the
 * 64 bytes there itself, then sets every evtchn_pending_sel bit and
 * evtchn_upcall_pending, as Xen's map_vcpu_info does.
 */
int hv_vcpu_info_gpa(const struct hv *h, xsm_domid_t domid, unsigned vcpu, uint64_t *gpa);
/*
 * The vCPU's own upcall vector (HVMOP_set_evtchn_upcall_vector), used for
 * event upcalls in preference to HVM_PARAM_CALLBACK_IRQ; 0: none set.
 * 0, -EINVAL (another vCPU, NULL vector), -ESRCH.
 */
int hv_vcpu_upcall_vector(const struct hv *h, xsm_domid_t domid, unsigned vcpu, uint8_t *vector);
/*
 * VCPUOP_down of the last vCPU shuts the domain down (Xen's
 * domain_shutdown(SHUTDOWN_poweroff)); stopping it is the host's job.
 * 0 and *reason once asked, -ENOENT if not, -EINVAL (NULL reason), -ESRCH.
 */
int hv_vcpu_shutdown(const struct hv *h, xsm_domid_t domid, unsigned *reason);

/* --- The hypercall entry ------------------------------------------------------ */

/*
 * Run hypercall 'nr' on behalf of 'caller' with Xen's register arguments.
 * Pointer arguments are guest addresses in the caller's memory; structures
 * use Xen's layouts (compat ones for 32-bit domains where they differ).
 * Unknown hypercalls and sub-ops: -ENOSYS.  Unknown caller: -ESRCH.
 */
long hv_hypercall(struct hv *h, xsm_domid_t caller, unsigned nr, const uint64_t args[6]);

#ifdef __cplusplus
}
#endif

#endif /* OPENXSM_HV_H */
