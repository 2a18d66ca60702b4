/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guest addresses.  A hypercall's pointer arguments are guest virtual
 * addresses, translated by walking the guest's own page tables with the
 * vCPU's CR0/CR3/CR4/EFER as they were at the exit (SYNC_REGS): paging
 * off, 2-level (with 4 MiB PSE pages), PAE 3-level, or 4-level long mode.
 * A walk that meets a non-present entry, a write through a read-only entry
 * (CR0.WP), a reserved or out-of-memory physical address, or a
 * non-canonical address gives -EFAULT: a guest can never make the host
 * touch anything but its own memory.  KVM_TRANSLATE would do the same walk
 * in the kernel at the cost of an ioctl (several microseconds here) per
 * page.
 *
 * The model's guest-memory callbacks use the walk while a hypercall of this
 * vCPU runs (vm->in_call); outside one (the model reaching into another
 * domain's memory) addresses are guest-physical.
 */
#include <errno.h>
#include <string.h>

#include "kvmhost.h"

#define CR0_PG   (1ULL << 31)
#define CR0_WP   (1ULL << 16)
#define CR4_PSE  (1ULL << 4)
#define CR4_PAE  (1ULL << 5)
#define CR4_LA57 (1ULL << 12)
#define EFER_LMA (1ULL << 10)
#define PTE_P    (1ULL << 0)
#define PTE_RW   (1ULL << 1)
#define PTE_PS   (1ULL << 7)
#define ADDR52   0x000ffffffffff000ULL

/* Reads an entry of 4 or 8 bytes at a guest-physical address. */
static int pte_read(const struct kvmh_gmem *g, uint64_t gpa, unsigned size, uint64_t *v)
{
    uint64_t x = 0;

    if (gpa > g->size || size > g->size - gpa)
        return -EFAULT;
    for (unsigned i = size; i-- > 0;)
        x = (x << 8) | g->mem[gpa + i];
    *v = x;
    return 0;
}

/* One step: the entry must be present, and writable when a write needs it. */
static bool entry_ok(uint64_t e, bool write, bool wp)
{
    if (!(e & PTE_P))
        return false;
    return !(write && wp && !(e & PTE_RW));
}

static int walk_2level(const struct kvmh_gmem *g, uint32_t va, bool write, uint64_t *gpa)
{
    const struct kvm_sregs *s = g->sregs;
    bool wp = s->cr0 & CR0_WP;
    uint64_t pde, pte;

    if (pte_read(g, (s->cr3 & 0xfffff000U) + ((va >> 22) & 0x3ffULL) * 4, 4, &pde) ||
        !entry_ok(pde, write, wp))
        return -EFAULT;
    if ((pde & PTE_PS) && (s->cr4 & CR4_PSE)) {
        /* 4 MiB page; PSE-36 puts physical bits 32-39 in entry bits 13-20. */
        *gpa = (pde & 0xffc00000U) | ((pde >> 13) & 0xffULL) << 32 | (va & 0x3fffffU);
        return 0;
    }
    if (pte_read(g, (pde & 0xfffff000U) + ((va >> 12) & 0x3ffULL) * 4, 4, &pte) ||
        !entry_ok(pte, write, wp))
        return -EFAULT;
    *gpa = (pte & 0xfffff000U) | (va & 0xfffU);
    return 0;
}

/* PAE (3 levels from a 32-byte PDPT) and long mode (4 levels). */
static int walk_pae(const struct kvmh_gmem *g, uint64_t va, bool write, bool lm, uint64_t *gpa)
{
    const struct kvm_sregs *s = g->sregs;
    bool wp = s->cr0 & CR0_WP;
    int level = lm ? 4 : 3;
    uint64_t table, e = 0;

    if (lm) {
        table = s->cr3 & ADDR52;
    } else {
        va &= 0xffffffffU;
        if (pte_read(g, (s->cr3 & 0xffffffe0U) + ((va >> 30) & 3) * 8, 8, &e) || !(e & PTE_P))
            return -EFAULT;
        table = e & ADDR52;
        level = 2;
    }
    for (; level >= 1; level--) {
        unsigned shift = 12 + 9 * (unsigned)(level - 1);

        if (pte_read(g, table + ((va >> shift) & 0x1ff) * 8, 8, &e) || !entry_ok(e, write, wp))
            return -EFAULT;
        if (level == 1 || ((e & PTE_PS) && level <= 3)) {
            /* level 1: 4 KiB; 2: 2 MiB; 3: 1 GiB (long mode only). */
            uint64_t mask = (1ULL << shift) - 1;

            if (level == 3 && !lm)
                return -EFAULT;
            *gpa = (e & ADDR52 & ~mask) | (va & mask);
            return 0;
        }
        table = e & ADDR52;
    }
    return -EFAULT;
}

int kvmh_gva_to_gpa(const struct kvmh_gmem *g, uint64_t gva, bool write, uint64_t *gpa)
{
    const struct kvm_sregs *s = g->sregs;
    int rc;

    if (!(s->cr0 & CR0_PG)) {
        *gpa = gva & 0xffffffffU; /* linear addresses are 32-bit without paging */
        rc = 0;
    } else if (s->efer & EFER_LMA) {
        /* 5-level paging is not walked: refuse rather than guess. */
        if (s->cr4 & CR4_LA57)
            return -EFAULT;
        if ((uint64_t)((int64_t)(gva << 16) >> 16) != gva)
            return -EFAULT; /* non-canonical */
        rc = walk_pae(g, gva, write, true, gpa);
    } else if (s->cr4 & CR4_PAE) {
        rc = walk_pae(g, gva, write, false, gpa);
    } else {
        rc = walk_2level(g, (uint32_t)gva, write, gpa);
    }
    if (rc == 0 && *gpa >= g->size)
        rc = -EFAULT;
    return rc;
}

/*
 * Copies page by page: each page may map to a different frame.  Reads into
 * 'to' (from NULL) or writes from 'from'.
 */
int kvmh_gmem_copy(const struct kvmh_gmem *g, uint64_t gaddr, void *to, const void *from,
                   size_t len)
{
    bool write = from != NULL;
    size_t done = 0;

    if (!write && to == NULL && len != 0)
        return -EFAULT; /* a length with no buffer */
    while (done < len) {
        size_t chunk = 4096 - (size_t)(gaddr & 0xfff);
        uint64_t gpa;

        if (chunk > len - done)
            chunk = len - done;
        if (g->sregs != NULL) {
            if (kvmh_gva_to_gpa(g, gaddr, write, &gpa))
                return -EFAULT;
        } else {
            gpa = gaddr;
        }
        if (gpa > g->size || chunk > g->size - gpa)
            return -EFAULT;
        if (write)
            memcpy(g->mem + gpa, (const uint8_t *)from + done, chunk);
        else
            memcpy((uint8_t *)to + done, g->mem + gpa, chunk);
        done += chunk;
        gaddr += chunk;
    }
    return 0;
}

/* Virtual while a hypercall of this vCPU runs, else guest-physical. */
static struct kvmh_gmem vm_gmem(const struct kvmh_vm *vm)
{
    struct kvmh_gmem g = {vm->mem, vm->mem_size, vm->in_call ? &vm->run->s.regs.sregs : NULL};

    return g;
}

static int guest_from(void *opaque, void *dst, uint64_t gaddr, size_t len)
{
    struct kvmh_gmem g = vm_gmem(opaque);

    return kvmh_gmem_copy(&g, gaddr, dst, NULL, len);
}

static int guest_to(void *opaque, uint64_t gaddr, const void *src, size_t len)
{
    struct kvmh_gmem g = vm_gmem(opaque);

    return kvmh_gmem_copy(&g, gaddr, NULL, src, len);
}

void kvmh_guest_init(struct kvmh_vm *vm)
{
    vm->guest.copy_from = guest_from;
    vm->guest.copy_to = guest_to;
    vm->guest.opaque = vm;
    vm->guest.compat = vm->compat;
}
