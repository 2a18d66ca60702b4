/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kernel images: an ELF file (32- or 64-bit class, little-endian x86) loaded
 * by its PT_LOAD segments at their physical addresses, entered at the
 * address of its XEN_ELFNOTE_PHYS32_ENTRY note (PVH).  The file is untrusted
 * input: every offset and size is checked before use, and a segment must fit
 * in guest memory and stay clear of the boot area the host writes
 * (start info, memory map, command line).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "kvmhost.h"

#define XEN_ELFNOTE_PHYS32_ENTRY 18
#define PT_LOAD_                 1
#define PT_NOTE_                 4
#define EM_386_                  3
#define EM_X86_64_               62

static uint64_t ld(const uint8_t *p, unsigned n)
{
    uint64_t v = 0;

    for (unsigned i = n; i-- > 0;)
        v = (v << 8) | p[i];
    return v;
}

/* Is [off, off+len) inside a file of 'size' bytes? */
static bool in_file(uint64_t off, uint64_t len, size_t size)
{
    return off <= size && len <= size - off;
}

struct phdr {
    uint32_t type;
    uint64_t offset, paddr, filesz, memsz;
};

static void read_phdr(const uint8_t *p, bool is64, struct phdr *ph)
{
    ph->type = (uint32_t)ld(p, 4);
    if (is64) {
        ph->offset = ld(p + 8, 8);
        ph->paddr = ld(p + 24, 8);
        ph->filesz = ld(p + 32, 8);
        ph->memsz = ld(p + 40, 8);
    } else {
        ph->offset = ld(p + 4, 4);
        ph->paddr = ld(p + 12, 4);
        ph->filesz = ld(p + 16, 4);
        ph->memsz = ld(p + 20, 4);
    }
}

/* Walks the notes of one PT_NOTE segment for "Xen" PHYS32_ENTRY. */
static bool find_entry(const uint8_t *n, uint64_t len, uint64_t *entry)
{
    uint64_t off = 0;

    while (len - off >= 12) {
        uint64_t namesz = ld(n + off, 4), descsz = ld(n + off + 4, 4);
        uint32_t type = (uint32_t)ld(n + off + 8, 4);
        uint64_t name = off + 12, desc = name + ((namesz + 3) & ~3ULL);
        uint64_t next = desc + ((descsz + 3) & ~3ULL);

        if (next > len)
            return false;
        if (namesz == 4 && memcmp(n + name, "Xen", 4) == 0 && type == XEN_ELFNOTE_PHYS32_ENTRY &&
            (descsz == 4 || descsz == 8)) {
            *entry = ld(n + desc, (unsigned)descsz);
            return true;
        }
        off = next;
    }
    return false;
}

int kvmh_elf_load(struct kvmh_vm *vm, const uint8_t *img, size_t len, bool *is64, char *why,
                  size_t why_len)
{
    uint64_t phoff, phentsize, phnum, entry = 0, machine;
    bool have_entry = false, class64;
    unsigned loads = 0;

    if (len < 52 || memcmp(img, "\177ELF", 4) != 0) {
        snprintf(why, why_len, "not an ELF file");
        return -ENOEXEC;
    }
    /*
     * The class says how the headers are laid out, the machine what the
     * code is: 64-bit code may come in an ELF32 file (the Xen Test
     * Framework links its hvm64 kernels so, and Xen loads them), but an
     * ELF64 file of i386 code is no PVH kernel.
     */
    class64 = img[4] == 2;
    machine = ld(img + 18, 2);
    if ((img[4] != 1 && img[4] != 2) || img[5] != 1 ||
        (machine != EM_X86_64_ && machine != EM_386_) || (class64 && machine != EM_X86_64_)) {
        snprintf(why, why_len, "not a little-endian x86 ELF file");
        return -ENOEXEC;
    }
    *is64 = machine == EM_X86_64_;
    if (class64 && len < 64) {
        snprintf(why, why_len, "truncated ELF header");
        return -ENOEXEC;
    }
    phoff = class64 ? ld(img + 32, 8) : ld(img + 28, 4);
    phentsize = class64 ? ld(img + 54, 2) : ld(img + 42, 2);
    phnum = class64 ? ld(img + 56, 2) : ld(img + 44, 2);
    if (phentsize < (class64 ? 56U : 32U) || !in_file(phoff, phentsize * phnum, len)) {
        snprintf(why, why_len, "bad program header table");
        return -ENOEXEC;
    }
    /* First pass: check everything, so that nothing is loaded from a bad file. */
    for (uint64_t i = 0; i < phnum; i++) {
        struct phdr ph;

        read_phdr(img + phoff + i * phentsize, class64, &ph);
        if (ph.type == PT_NOTE_) {
            if (!in_file(ph.offset, ph.filesz, len)) {
                snprintf(why, why_len, "note segment %u outside the file", (unsigned)i);
                return -ENOEXEC;
            }
            if (!have_entry)
                have_entry = find_entry(img + ph.offset, ph.filesz, &entry);
        }
        if (ph.type != PT_LOAD_)
            continue;
        if (ph.filesz > ph.memsz || !in_file(ph.offset, ph.filesz, len)) {
            snprintf(why, why_len, "segment %u outside the file", (unsigned)i);
            return -ENOEXEC;
        }
        if (ph.paddr > vm->mem_size || ph.memsz > vm->mem_size - ph.paddr) {
            snprintf(why, why_len,
                     "segment %u at 0x%llx+0x%llx does not fit in %llu MiB of guest memory",
                     (unsigned)i, (unsigned long long)ph.paddr, (unsigned long long)ph.memsz,
                     (unsigned long long)(vm->mem_size >> 20));
            return -E2BIG;
        }
        if (ph.memsz && ph.paddr < KVMH_BOOT_END && ph.paddr + ph.memsz > KVMH_START_INFO_GPA) {
            snprintf(why, why_len, "segment %u overlaps the boot area 0x%x-0x%x", (unsigned)i,
                     KVMH_START_INFO_GPA, KVMH_BOOT_END);
            return -ENOEXEC;
        }
        loads++;
    }
    if (!have_entry) {
        snprintf(why, why_len, "no XEN_ELFNOTE_PHYS32_ENTRY note: not a PVH kernel");
        return -ENOEXEC;
    }
    if (loads == 0 || entry >= vm->mem_size || entry > 0xffffffffULL) {
        snprintf(why, why_len, "no loadable segment, or entry 0x%llx outside guest memory",
                 (unsigned long long)entry);
        return -ENOEXEC;
    }
    for (uint64_t i = 0; i < phnum; i++) {
        struct phdr ph;

        read_phdr(img + phoff + i * phentsize, class64, &ph);
        if (ph.type != PT_LOAD_)
            continue;
        memcpy(vm->mem + ph.paddr, img + ph.offset, ph.filesz);
        memset(vm->mem + ph.paddr + ph.filesz, 0, ph.memsz - ph.filesz);
        if (ph.memsz && ph.paddr + ph.memsz > vm->img_end)
            vm->img_end = ph.paddr + ph.memsz; /* rings.c keeps its pages above */
    }
    vm->entry = entry;
    return 0;
}
