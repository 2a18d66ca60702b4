/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The 64-bit test guest's entry: entered by PVH in flat 32-bit protected
 * mode with paging off, it builds identity page tables for the first GiB
 * (2 MiB pages), mapped again at 512 GiB, loads its own GDT, and switches to long mode itself, as
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
        or $0x87, %eax          /* user-accessible too (to_user) */
        mov %eax, (%edi,%ecx,8)
        movl $0, 4(%edi,%ecx,8)
        inc %ecx
        cmp $512, %ecx
        jne 1b
        movl $pd, %eax
        or $0x7, %eax
        mov %eax, pdpt
        movl $pdpt, %eax
        or $0x7, %eax
        mov %eax, pml4
        mov %eax, pml4 + 8      /* the alias at 512 GiB */
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

/*
 * void to_user(void (*fn)(void)): runs fn at CPL 3 (sysret, IOPL 3 so that
 * the hypercall stub's "out" does not fault in user mode).  fn ends with
 * "syscall", which lands in back_from_user: user_done() at CPL 0.
 */
        .globl to_user
to_user:
        mov $0xc0000080, %ecx   /* EFER.SCE */
        rdmsr
        or $1, %eax
        wrmsr
        mov $0xc0000081, %ecx   /* STAR: kernel CS 0x08, user base 0x10 */
        xor %eax, %eax
        mov $0x00100008, %edx
        wrmsr
        mov $0xc0000082, %ecx   /* LSTAR */
        lea back_from_user(%rip), %rax
        mov %rax, %rdx
        shr $32, %rdx
        wrmsr
        mov $0xc0000084, %ecx   /* FMASK: nothing masked */
        xor %eax, %eax
        xor %edx, %edx
        wrmsr
        mov %rdi, %rcx
        mov $0x3002, %r11
        lea user_stack_top(%rip), %rsp
        sysretq
back_from_user:
        lea stack_top(%rip), %rsp
        call user_done
1:      hlt
        jmp 1b

        .section .rodata
        .balign 8
gdt:
        .quad 0
        .quad 0x00af9a000000ffff /* 0x08: 64-bit code */
        .quad 0x00cf92000000ffff /* 0x10: data */
        .quad 0x00cff2000000ffff /* 0x18: user data (sysret: base + 8) */
        .quad 0x00affa000000ffff /* 0x20: user 64-bit code (base + 16) */
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
        .skip 4096
user_stack_top:
