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
 * arguments and result, without KVM), hcall.c (hypercall page and the
 * port-I/O doorbell), vcpu.c (the run loop).
 */
#ifndef OPENXSM_KVMHOST_H
#define OPENXSM_KVMHOST_H

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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
    /* Guest memory for the model: the walker in walk.c. */
    struct xsm_guest guest;
    bool in_call;        /* a hypercall of this vCPU runs: addresses are virtual */
    uint64_t hcall_page; /* GPA of the hypercall page, or 0 */
    unsigned long nr_hcalls;
    pthread_t thread;
    volatile sig_atomic_t stop;
    /* Detached vCPU threads (kvmh_vm_start_detached): who frees the VM. */
    pthread_mutex_t life;
    bool detached, exited, reap;
    enum kvmh_end end;
    unsigned shutdown_reason;
    char why[160]; /* for KVMH_CRASHED / KVMH_HOST_FAIL */
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

/* elf.c: loads the image, sets vm->entry; *is64 = ELF class 64. */
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

/* vcpu.c */
void *kvmh_vcpu_thread(void *arg);
/* vm.c: called by every vCPU thread as it ends; frees a released VM. */
void kvmh_vcpu_exit(struct kvmh_vm *vm);

#endif
