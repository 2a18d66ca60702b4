/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The PVH boot state, as Xen enters a PVH/HVM-direct-boot kernel: flat
 * 32-bit protected mode (CS and DS base 0, limit 4 GiB), a TR of 0x67
 * bytes, CR0 = PE|ET, paging off, EFER 0, and %ebx = the guest-physical
 * address of a struct hvm_start_info (version 1: with a memory map).
 * The segment registers are set through their hidden parts only; the
 * kernel loads its own GDT before it reloads a selector, as PVH requires.
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include "kvmhost.h"

#define HVM_START_MAGIC   0x336ec578U
#define MEMMAP_TYPE_RAM   1U
#define MEMMAP_TYPE_RESVD 2U
#define CMDLINE_MAX       (KVMH_BOOT_END - KVMH_CMDLINE_GPA)

static void st32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void st64(uint8_t *p, uint64_t v)
{
    st32(p, (uint32_t)v);
    st32(p + 4, (uint32_t)(v >> 32));
}

/* One hvm_memmap_table_entry (24 bytes). */
static void memmap_entry(uint8_t *p, uint64_t addr, uint64_t size, uint32_t type)
{
    st64(p, addr);
    st64(p + 8, size);
    st32(p + 16, type);
    st32(p + 20, 0);
}

static void flat_seg(struct kvm_segment *s, uint16_t sel, uint8_t type)
{
    memset(s, 0, sizeof(*s));
    s->base = 0;
    s->limit = 0xffffffffU;
    s->selector = sel;
    s->type = type;
    s->present = 1;
    s->dpl = 0;
    s->db = 1;
    s->s = 1;
    s->l = 0;
    s->g = 1;
}

int kvmh_boot_setup(struct kvmh_vm *vm, const char *cmdline)
{
    uint8_t *si = vm->mem + KVMH_START_INFO_GPA, *mm = vm->mem + KVMH_MEMMAP_GPA;
    struct kvm_sregs sregs;
    struct kvm_regs regs;
    size_t cl = cmdline ? strlen(cmdline) : 0;
    uint64_t top = vm->rings.gpa ? vm->rings.gpa : vm->mem_size;

    if (cl >= CMDLINE_MAX)
        return -E2BIG;
    /* Low memory up to the ROM hole, then the rest above 1 MiB... */
    memmap_entry(mm, 0, 0xa0000, MEMMAP_TYPE_RAM);
    memmap_entry(mm + 24, 0xa0000, 0x60000, MEMMAP_TYPE_RESVD);
    memmap_entry(mm + 48, 0x100000, top - 0x100000, MEMMAP_TYPE_RAM);
    /* ...but the console and xenstore ring pages at its end (rings.c). */
    if (vm->rings.gpa)
        memmap_entry(mm + 72, top, vm->mem_size - top, MEMMAP_TYPE_RESVD);
    memset(si, 0, 56);
    st32(si, HVM_START_MAGIC);
    st32(si + 4, 1); /* version */
    if (cl) {
        memcpy(vm->mem + KVMH_CMDLINE_GPA, cmdline, cl + 1);
        st64(si + 24, KVMH_CMDLINE_GPA);
    }
    st64(si + 40, KVMH_MEMMAP_GPA);
    st32(si + 48, vm->rings.gpa ? 4 : 3);

    if (ioctl(vm->vcpu_fd, KVM_GET_SREGS, &sregs) < 0)
        return -errno;
    flat_seg(&sregs.cs, 0x08, 0xb); /* code, execute/read, accessed */
    flat_seg(&sregs.ds, 0x10, 0x3); /* data, read/write, accessed */
    sregs.es = sregs.fs = sregs.gs = sregs.ss = sregs.ds;
    memset(&sregs.tr, 0, sizeof(sregs.tr));
    sregs.tr.selector = 0x18;
    sregs.tr.limit = 0x67;
    sregs.tr.type = 0xb; /* 32-bit TSS, busy */
    sregs.tr.present = 1;
    memset(&sregs.ldt, 0, sizeof(sregs.ldt));
    sregs.ldt.type = 0x2;
    sregs.ldt.present = 1;
    sregs.ldt.limit = 0xffff;
    sregs.gdt.base = 0;
    sregs.gdt.limit = 0;
    sregs.idt.base = 0;
    sregs.idt.limit = 0;
    sregs.cr0 = 0x11; /* PE | ET */
    sregs.cr3 = 0;
    sregs.cr4 = 0;
    sregs.efer = 0;
    if (ioctl(vm->vcpu_fd, KVM_SET_SREGS, &sregs) < 0)
        return -errno;
    memset(&regs, 0, sizeof(regs));
    regs.rip = vm->entry;
    regs.rbx = KVMH_START_INFO_GPA;
    regs.rflags = 0x2;
    if (ioctl(vm->vcpu_fd, KVM_SET_REGS, &regs) < 0)
        return -errno;
    return 0;
}
