/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The 64-bit test guest's entry: entered by PVH in flat 32-bit protected
 * mode with paging off, it builds identity page tables for the first GiB
 * (2 MiB pages), loads its own GDT, and switches to long mode itself, as
 * a Xen HVM kernel does.
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
        mov %ebx, %esi          /* start_info, kept for guest_main */
        /* PD: 512 entries of 2 MiB, present | writable | large. */
        mov $pd, %edi
        xor %ecx, %ecx
1:      mov %ecx, %eax
        shl $21, %eax
        or $0x83, %eax
        mov %eax, (%edi,%ecx,8)
        movl $0, 4(%edi,%ecx,8)
        inc %ecx
        cmp $512, %ecx
        jne 1b
        movl $pd, %eax
        or $0x3, %eax
        mov %eax, pdpt
        movl $pdpt, %eax
        or $0x3, %eax
        mov %eax, pml4
        /* CR4.PAE, CR3, EFER.LME, CR0.PG: long mode. */
        mov %cr4, %eax
        or $0x20, %eax
        mov %eax, %cr4
        mov $pml4, %eax
        mov %eax, %cr3
        mov $0xc0000080, %ecx
        rdmsr
        or $0x100, %eax
        wrmsr
        mov %cr0, %eax
        or $0x80010000, %eax    /* PG | WP */
        mov %eax, %cr0
        lgdt gdt_desc
        ljmp $0x08, $start64

        .code64
start64:
        mov $0x10, %eax
        mov %eax, %ds
        mov %eax, %es
        mov %eax, %ss
        mov $stack_top, %rsp
        mov %esi, %edi          /* guest_main(start_info) */
        call guest_main
1:      hlt
        jmp 1b

/* long hypercall(unsigned nr, long a1, long a2, long a3): Xen's 64-bit
   convention, rdi rsi rdx. */
        .text
        .globl hypercall
hypercall:
        mov %edi, %eax
        shl $5, %rax
        lea hypercall_page(%rip), %r11
        add %rax, %r11
        mov %rsi, %rdi
        mov %rdx, %rsi
        mov %rcx, %rdx
        call *%r11
        ret

        .section .rodata
        .balign 8
gdt:
        .quad 0
        .quad 0x00af9a000000ffff /* 0x08: 64-bit code */
        .quad 0x00cf92000000ffff /* 0x10: data */
gdt_desc:
        .word gdt_desc - gdt - 1
        .long gdt

        .bss
        .balign 4096
        .globl hypercall_page
hypercall_page:
        .skip 4096
pml4:   .skip 4096
pdpt:   .skip 4096
pd:     .skip 4096
        .skip 16384
stack_top:
