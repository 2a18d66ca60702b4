/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * CPUID: what KVM supports, with KVM's own paravirtual leaves
 * (0x40000000-0x400000ff) replaced by Xen's 0x40000000-0x40000004, so that a
 * guest finds "XenVMMXenVMM", Xen 4.17, one hypercall page at MSR
 * 0x40000000, and its vCPU and domain id, as under Xen.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "kvmhost.h"

#define XEN_LEAF(i)               (0x40000000U + (i))
#define XEN_SIG_EBX               0x566e6558U /* "XenV" */
#define XEN_SIG_ECX               0x65584d4dU /* "MMXe" */
#define XEN_SIG_EDX               0x4d4d566eU /* "nVMM" */
#define XEN_VERSION_4_17          ((4U << 16) | 17U)
#define HVM_CPUID_VCPU_ID_PRESENT (1U << 3)
#define HVM_CPUID_DOMID_PRESENT   (1U << 4)
#define HVM_CPUID_UPCALL_VECTOR   (1U << 6) /* HVMOP_set_evtchn_upcall_vector works */
#define CPUID_1_ECX_HYPERVISOR    (1U << 31)

static void add(struct kvm_cpuid2 *c, uint32_t fn, uint32_t a, uint32_t b, uint32_t cx, uint32_t d)
{
    struct kvm_cpuid_entry2 *e = &c->entries[c->nent++];

    memset(e, 0, sizeof(*e));
    e->function = fn;
    e->eax = a;
    e->ebx = b;
    e->ecx = cx;
    e->edx = d;
}

int kvmh_cpuid_setup(struct kvmh_vm *vm)
{
    const struct kvm_cpuid2 *sup = vm->host->cpuid;
    struct kvm_cpuid2 *c = calloc(1, sizeof(*c) + (sup->nent + 5) * sizeof(c->entries[0]));
    int rc = 0;

    if (!c)
        return -ENOMEM;
    for (uint32_t i = 0; i < sup->nent; i++) {
        const struct kvm_cpuid_entry2 *e = &sup->entries[i];

        if (e->function >= 0x40000000U && e->function <= 0x400000ffU)
            continue; /* KVM's signature and features: not this hypervisor's */
        c->entries[c->nent] = *e;
        if (e->function == 1)
            c->entries[c->nent].ecx |= CPUID_1_ECX_HYPERVISOR;
        c->nent++;
    }
    add(c, XEN_LEAF(0), XEN_LEAF(4), XEN_SIG_EBX, XEN_SIG_ECX, XEN_SIG_EDX);
    add(c, XEN_LEAF(1), XEN_VERSION_4_17, 0, 0, 0);
    add(c, XEN_LEAF(2), 1, KVMH_HCALL_MSR, 0, 0); /* one page, its MSR, no features */
    add(c, XEN_LEAF(3), 0, 0, 0, 0);              /* time: nothing offered */
    add(c, XEN_LEAF(4),
        HVM_CPUID_VCPU_ID_PRESENT | HVM_CPUID_DOMID_PRESENT | HVM_CPUID_UPCALL_VECTOR, 0, vm->domid,
        0);
    if (ioctl(vm->vcpu_fd, KVM_SET_CPUID2, c) < 0)
        rc = -errno;
    free(c);
    return rc;
}
