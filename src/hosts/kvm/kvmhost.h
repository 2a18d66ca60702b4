/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The KVM host: guest kernels as KVM VMs whose hypercalls are served by the
 * hypervisor model (docs/kvm.md).  One hypervisor model per struct kvmh;
 * one VM per guest domain, one vCPU per VM, one thread per vCPU.  Each
 * vCPU thread calls the library itself, under *kvmh.hv_lock: shared for
 * xsm_op (XSM is safe to call concurrently), exclusive for everything
 * else (the model is not internally locked).  The lock is the host's own
 * (own_lock) unless the embedder points hv_lock at the lock it already
 * holds around the model (xsmd).
 *
 * Files: vm.c (VM, memory, vCPU), elf.c (image loading), boot.c (PVH
 * entry state and hvm_start_info), cpuid.c (Xen's leaves), walk.c (guest
 * page tables, the model's guest-memory callbacks), decode.c (a hypercall's
 * arguments and result, without KVM), hcall.c (hypercall
 * page and the port-I/O doorbell), vcpu.c (the run loop), rings.c (the
 * PV console and xenstore ring pages and their event channels), console.c
 * (the console backend), xenstore.c (the minimal xenstore), grant.c
 * (guest-physical copies and grant mappings between VMs), emulate.c (int
 * n, int3 and iret that this KVM's emulator fails), evtchn.c (event
 * delivery into shared_info, the upcall vector, sched_op block and poll),
 * fifo.c (the FIFO ABI's event words and queues), vcpuinfo.c (the
 * registered vcpu_info, the per-vCPU upcall vector, VCPUOP_down).
 */
#ifndef OPENXSM_KVMHOST_H
#define OPENXSM_KVMHOST_H

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <linux/kvm.h>

#include <openxsm/hv.h>

/* The I/O port the hypercall page's stubs write the hypercall number to. */
#define KVMH_HCALL_PORT 0xe0
/* Xen's hypercall-page MSR (CPUID leaf 0x40000002 EBX). */
#define KVMH_HCALL_MSR 0x40000000U
/* Guest-physical layout of what the host writes for the boot. */
#define KVMH_START_INFO_GPA 0x1000U
#define KVMH_MEMMAP_GPA     0x1800U
#define KVMH_CMDLINE_GPA    0x2000U
#define KVMH_BOOT_END       0x3000U

/* grant.c: one KVM memory slot per page a VM maps from another (host_map). */
#define KVMH_MAX_GMAPS     64U
#define KVMH_GRANT_GPA_END (1ULL << 36) /* host_addr must be below 64 GiB */
struct kvmh_vm;
struct kvmh_gmap {
    bool used;
    struct kvmh_vm *mapper, *granter;
    uint32_t slot;
    uint64_t gpa;
};

struct kvmh {
    struct hv *h;
    pthread_rwlock_t *hv_lock; /* &own_lock, or the embedder's */
    pthread_rwlock_t own_lock;
    int kvm_fd;
    int run_size;
    struct kvm_cpuid2 *cpuid; /* KVM_GET_SUPPORTED_CPUID, read once */
    /* vCPU threads still running (kvmh_wait_threads). */
    pthread_mutex_t live_lock;
    pthread_cond_t live_cv;
    unsigned live;
    void (*log)(void *opaque, const char *line);
    void *log_opaque;
    /* grant.c: pages mapped between VMs (taken inside the model lock). */
    pthread_mutex_t grant_lock;
    struct kvmh_gmap gmaps[KVMH_MAX_GMAPS];
    bool emul_intr; /* emulate.c completes int n/int3/iret (kvm-pvm) */
};

/* The console and xenstore rings of a VM (rings.c, console.c, xenstore.c). */
#define KVMH_CON_KEEP   (64U << 10) /* console bytes kept per VM */
#define KVMH_XS_HDR     16U         /* struct xsd_sockmsg */
#define KVMH_XS_PAYLOAD 4096U       /* XENSTORE_PAYLOAD_MAX */
#define KVMH_XS_OUT     512U        /* room for one answer of ours */
#define KVMH_NAME_MAX   64U

struct kvmh_rings {
    uint64_t gpa;               /* the console page; the xenstore page follows; 0: no rings */
    uint32_t con_port, xs_port; /* dom0's ends of the two event channels */
    char name[KVMH_NAME_MAX];   /* the domain's name in xenstore */
    /* Console output: the last KVMH_CON_KEEP bytes, con_total ever. */
    uint8_t *con;
    uint64_t con_total;
    bool con_bad; /* bogus indices seen (noted once) */
    /* Xenstore: the request being read, the answer being written. */
    uint8_t in[KVMH_XS_HDR + KVMH_XS_PAYLOAD];
    uint32_t in_used;
    uint8_t out[KVMH_XS_OUT];
    uint32_t out_len, out_done;
    bool xs_ignored; /* an error was flagged: the ring is no longer served */
};

/*
 * evtchn.c's state of a VM.  lock/cv: waiters (block, poll, hlt) and the
 * raises and kicks that wake them; si: the shared_info page in use (set
 * under the model lock, read with an atomic load).
 */
struct kvmh_ev {
    pthread_mutex_t lock;
    pthread_cond_t cv;
    unsigned long raises, kicks; /* ports raised; upcalls made pending */
    bool ended;                  /* the vCPU thread is gone: no more kicks */
    bool in_run, queued;         /* in (or about to enter) KVM_RUN; an interrupt queued */
    bool si32;                   /* 32-bit shared_info layout (latched) */
    uint8_t *si;
    uint64_t t0;                            /* CLOCK_MONOTONIC at creation: Xen system time 0 */
    _Alignas(8) uint8_t priv[HV_PAGE_SIZE]; /* shared_info until the guest places it */
};

/* fifo.c's state of a VM: its queues' tails and each port's last queue. */
#define KVMH_FIFO_PORTS 4096U /* the model's most ports */
struct kvmh_fifo {
    uint8_t *ctl; /* the control block these tails belong to */
    uint32_t tail[HV_EVTCHN_FIFO_PRIORITY_MIN + 1];
    uint8_t lastq[KVMH_FIFO_PORTS];
};

/* vcpuinfo.c's state of a VM: vCPU 0's vcpu_info. */
struct kvmh_vinfo {
    uint8_t *at;  /* where the guest registered it; NULL: slot 0 of shared_info */
    uint8_t *cur; /* the one in use (atomic): at, or shared_info's slot 0 */
    bool noted;   /* a registration the host cannot keep was logged */
};

/* Why a VM stopped. */
enum kvmh_end {
    KVMH_RUNNING = 0,
    KVMH_SHUTDOWN,    /* sched_op shutdown: reason in shutdown_reason */
    KVMH_HALTED,      /* hlt with nothing to wake it */
    KVMH_CRASHED,     /* triple fault, emulation failure, failed entry */
    KVMH_STOPPED,     /* kvmh_vm_stop (destroy, timeout) */
    KVMH_UNSUPPORTED, /* the kernel needs what this KVM cannot do (why says what) */
    KVMH_HOST_FAIL,   /* an ioctl of ours failed */
};

struct kvmh_vm {
    struct kvmh *host;
    int vm_fd;
    int vcpu_fd;
    struct kvm_run *run;
    uint8_t *mem;
    uint64_t mem_size;
    xsm_domid_t domid;
    bool compat; /* the domain's word size: 32-bit structure layouts */
    uint64_t entry;
    uint64_t img_end; /* end of the highest loaded segment (elf.c) */
    /* Guest memory for the model: the walker in walk.c. */
    struct xsm_guest guest;
    bool in_call;              /* a hypercall of this vCPU runs: addresses are virtual */
    struct hv_guest_phys phys; /* grant.c: by guest-physical address */
    uint64_t hcall_page;       /* GPA of the hypercall page, or 0 */
    unsigned long nr_hcalls;
    pthread_t thread;
    volatile sig_atomic_t stop;
    /* Detached vCPU threads (kvmh_vm_start_detached): who frees the VM. */
    pthread_mutex_t life;
    bool detached, exited, reap;
    enum kvmh_end end;
    unsigned shutdown_reason;
    char why[160];           /* for KVMH_CRASHED / KVMH_HOST_FAIL */
    struct kvmh_rings rings; /* *host->hv_lock held for writing */
    struct kvmh_ev ev;
    struct kvmh_fifo fifo;
    struct kvmh_vinfo vinfo;
};

/* vm.c */
/* Opens /dev/kvm; k->h (the model) is set by the caller before a vCPU runs. */
int kvmh_init(struct kvmh *k);
void kvmh_fini(struct kvmh *k);
int kvmh_vm_create(struct kvmh *k, uint64_t mem_size, struct kvmh_vm **out);
void kvmh_vm_free(struct kvmh_vm *vm);
int kvmh_vm_start(struct kvmh_vm *vm);
void kvmh_vm_stop(struct kvmh_vm *vm);
int kvmh_vm_join(struct kvmh_vm *vm);
/*
 * For embedders that do not wait for their guests (xsmd): the vCPU thread
 * is detached, and kvmh_vm_release() hands the VM over - it is stopped and
 * freed by its own thread, or at once if that thread has ended already.
 * Never blocks, so it may be called with *hv_lock held.
 */
int kvmh_vm_start_detached(struct kvmh_vm *vm);
void kvmh_vm_release(struct kvmh_vm *vm);
/* Waits until every vCPU thread of k has ended (released VMs included). */
void kvmh_wait_threads(struct kvmh *k);
void kvmh_note(struct kvmh *k, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* elf.c: loads the image, sets vm->entry; *is64 = x86-64 code (EM_X86_64, either class). */
int kvmh_elf_load(struct kvmh_vm *vm, const uint8_t *img, size_t len, bool *is64, char *why,
                  size_t why_len);

/* boot.c */
int kvmh_boot_setup(struct kvmh_vm *vm, const char *cmdline);

/* cpuid.c */
int kvmh_cpuid_setup(struct kvmh_vm *vm);

/*
 * walk.c.  Guest memory as the walker sees it: no KVM needed, so the fuzz
 * target (fuzz/kvm) runs it on a buffer and a fake register file.
 */
struct kvmh_gmem {
    uint8_t *mem;
    uint64_t size;
    const struct kvm_sregs *sregs; /* paging state; NULL: addresses are guest-physical */
};
int kvmh_gva_to_gpa(const struct kvmh_gmem *g, uint64_t gva, bool write, uint64_t *gpa);
/* Reads len bytes into 'to' (from NULL) or writes them from 'from': 0 or -EFAULT. */
int kvmh_gmem_copy(const struct kvmh_gmem *g, uint64_t gaddr, void *to, const void *from,
                   size_t len);
void kvmh_guest_init(struct kvmh_vm *vm);

/* grant.c */
void kvmh_grant_vm_init(struct kvmh_vm *vm);
/* Removes every grant slot of vm and into vm's memory: first in kvmh_vm_free. */
void kvmh_grant_vm_gone(struct kvmh_vm *vm);
unsigned kvmh_grant_count(struct kvmh *k);

/*
 * decode.c: the pure half of a hypercall (decode, then perform), without
 * KVM or locks: the vCPU's mode and CPL, the arguments by the mode's
 * convention, the model call, and the result as the guest's rax.
 */
struct kvmh_hc {
    uint32_t nr;
    bool lm;      /* 64-bit mode: 64-bit convention and result */
    unsigned cpl; /* 0 in real mode */
    uint64_t a[6];
};
void kvmh_hc_decode(const struct kvm_regs *r, const struct kvm_sregs *s, uint32_t nr,
                    struct kvmh_hc *hc);
/* 64-bit mode: EFER.LMA and CS.L. */
bool kvmh_long_mode(const struct kvm_sregs *s);
/* -EPERM from CPL > 0, else 0. */
int kvmh_hc_check(const struct kvmh_hc *hc);
/* Whether the call may run under the shared lock (xsm_op, sched_op). */
bool kvmh_hc_shared(const struct kvmh_hc *hc);
/* xsm_op (compat layout from a 32-bit mode) or hv_hypercall; not sched_op. */
long kvmh_hc_perform(struct hv *h, xsm_domid_t domid, const struct xsm_guest *g,
                     const struct kvmh_hc *hc);
uint64_t kvmh_hc_result(const struct kvmh_hc *hc, long rc);

/* hcall.c */
int kvmh_hcall_setup(struct kvmh_vm *vm);
int kvmh_hcall_wrmsr(struct kvmh_vm *vm);
void kvmh_hcall_rdmsr(struct kvmh_vm *vm);
/* Returns 1 if the VM must stop (shutdown), else 0. */
int kvmh_hcall_io(struct kvmh_vm *vm);

/*
 * rings.c: the PV console and xenstore rings, as a toolstack sets them up
 * for an HVM/PVH guest, with the host as the backend in dom0.  All with
 * *hv_lock held for writing.  setup: after the domain is created, before
 * kvmh_boot_setup (which reserves the pages in the memory map); name NULL
 * gives "guest-N".  A refusal by XSM leaves the guest without rings (0).
 * kick: after the VM's event_channel_op, serves the rings it notified.
 * fini: closes dom0's ends (before or after the domain goes).
 */
int kvmh_rings_setup(struct kvmh_vm *vm, const char *name);
void kvmh_rings_kick(struct kvmh_vm *vm);
void kvmh_rings_fini(struct kvmh_vm *vm);
void kvmh_rings_free(struct kvmh_vm *vm); /* kvmh_vm_free */

/* console.c */
/* Drains the out ring into vm->rings.con; 1 if the guest should be told. */
int kvmh_console_drain(struct kvmh_vm *vm);
/*
 * Copies console output from offset 'from' (bytes since boot) into buf;
 * returns the bytes copied and sets *next to the offset after them.  Bytes
 * older than the last KVMH_CON_KEEP are gone: the copy starts after them.
 */
size_t kvmh_console_read(const struct kvmh_vm *vm, uint64_t from, void *buf, size_t cap,
                         uint64_t *next);
/* Escapes untrusted bytes: printable ASCII, \n and \t as they are, \xHH for the rest. */
size_t kvmh_escape(char *out, size_t cap, const uint8_t *s, size_t len);
/* Prints all console output kept, each line as "(dN:pv) LINE", escaped. */
void kvmh_console_print(const struct kvmh_vm *vm, FILE *f);

/* xenstore.c: serves the request ring; 1 if the guest should be told. */
int kvmh_xenstore_serve(struct kvmh_vm *vm);

/* emulate.c */
/* Decides once per host whether int n/int3/iret are completed (kvm-pvm). */
void kvmh_emul_init(struct kvmh *k);
/*
 * An emulation failure (KVM_EXIT_INTERNAL_ERROR, suberror emulation):
 * completes int n, int3 or iret and returns 0, or ends the VM as crashed
 * (vm->why names the instruction) and returns 1.
 */
int kvmh_emulate(struct kvmh_vm *vm);

/* vcpu.c */
void *kvmh_vcpu_thread(void *arg);
/* vm.c: called by every vCPU thread as it ends; frees a released VM. */
void kvmh_vcpu_exit(struct kvmh_vm *vm);

/* evtchn.c */
void kvmh_evtchn_init(struct kvmh_vm *vm); /* vm.c, at creation */
void kvmh_evtchn_fini(struct kvmh_vm *vm);
/* Model lock held: shared_info and the model's notification for vm->domid. */
int kvmh_evtchn_setup(struct kvmh_vm *vm);
void kvmh_evtchn_latch(struct kvmh_vm *vm, bool lm); /* hypercall page installed */
void kvmh_evtchn_moved(struct kvmh_vm *vm);          /* after memory_op, model lock held */
void kvmh_evtchn_stop(struct kvmh_vm *vm);           /* kvmh_vm_stop's flags, wakes waiters */
void kvmh_evtchn_end(struct kvmh_vm *vm);            /* the vCPU thread ends */
/* Before each KVM_RUN: inject the upcall vector if one is pending. */
void kvmh_evtchn_prerun(struct kvmh_vm *vm);
void kvmh_evtchn_postrun(struct kvmh_vm *vm); /* KVM_RUN returned */
/* hlt: 0 after waiting for an upcall, 1 if nothing can wake the vCPU. */
int kvmh_evtchn_halt(struct kvmh_vm *vm);
/* sched_op block and poll: they sleep, so hcall.c calls them without the lock. */
bool kvmh_evtchn_sched_waits(uint64_t cmd);
long kvmh_evtchn_sched(struct kvmh_vm *vm, uint64_t cmd, uint64_t arg, bool lm);

/* fifo.c (model lock held): the FIFO ABI; raise/unmask return 1 for an upcall. */
bool kvmh_fifo_on(struct kvmh_vm *vm, uint8_t **ctl);
uint32_t *kvmh_fifo_word(struct kvmh_vm *vm, uint32_t port);
int kvmh_fifo_raise(struct kvmh_vm *vm, uint8_t *ctl, uint32_t port, bool *raised);
int kvmh_fifo_unmask(struct kvmh_vm *vm, uint8_t *ctl, uint32_t port);

/*
 * vcpuinfo.c (model lock held, except kvmh_vinfo_now).  kvmh_vinfo: the
 * vcpu_info in use given shared_info's page si (w32: 32-bit layout); moves
 * it to where the guest registered one, the first time (Xen's
 * map_vcpu_info).  kvmh_vinfo_vector: the vCPU's own upcall vector, or -1.
 * kvmh_vinfo_after: after the guest's vcpu_op, 1 if it took its only vCPU
 * down (the VM then ends as shut down, poweroff).
 */
uint8_t *kvmh_vinfo(struct kvmh_vm *vm, uint8_t *si, bool w32);
uint8_t *kvmh_vinfo_now(const struct kvmh_vm *vm);
int kvmh_vinfo_vector(struct kvmh_vm *vm);
int kvmh_vinfo_after(struct kvmh_vm *vm);

#endif
