/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The 32-bit test guest's entry: PVH puts us in flat protected mode with
 * paging off and %ebx at hvm_start_info.  It stays so: paging cannot be
 * enabled for a 32-bit guest on kvm-pvm (docs/kvm.md).
 */
        .section .note.Xen, "a"
        .balign 4
        .long 4, 4, 18          /* namesz, descsz, XEN_ELFNOTE_PHYS32_ENTRY */
        .asciz "Xen"
        .long _start

        .section .text.entry, "ax"
        .code32
        .globl _start
_start:
        mov $stack_top, %esp
        push %ebx               /* guest_main(start_info) */
        call guest_main
1:      hlt
        jmp 1b

/* long hypercall(unsigned nr, long a1, long a2, long a3): Xen's 32-bit
   convention, ebx ecx edx; ebx is callee-saved in cdecl. */
        .text
        .globl hypercall
hypercall:
        push %ebx
        mov 8(%esp), %eax
        shl $5, %eax
        add $hypercall_page, %eax
        mov 12(%esp), %ebx
        mov 16(%esp), %ecx
        mov 20(%esp), %edx
        call *%eax
        pop %ebx
        ret

        .bss
        .balign 4096
        .globl hypercall_page
hypercall_page:
        .skip 4096
        .globl pd32
pd32:   .skip 4096              /* main.c: 2-level page directory, 4 MiB pages */
        .skip 16384
stack_top:
