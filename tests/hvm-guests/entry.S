/*
 * Entry of the HVM test kernel: a multiboot v1 header without address
 * fields (the loader reads the ELF program headers), our own GDT, and
 * the interrupt stubs: every vector pushes a uniform frame (a zero error
 * code where the CPU pushes none) and calls isr_dispatch().
 */
#define MB_MAGIC 0x1badb002
#define MB_FLAGS 0x00000003     /* page-aligned modules, memory information */

        .section .multiboot, "a"
        .balign 4
        .long MB_MAGIC, MB_FLAGS, -(MB_MAGIC + MB_FLAGS)

        .text
        .code32
        .globl _start
_start:
        cli
        mov     $stack_top, %esp
        lgdt    gdt_ptr
        ljmp    $0x08, $1f
1:      mov     $0x10, %ecx
        mov     %ecx, %ds
        mov     %ecx, %es
        mov     %ecx, %fs
        mov     %ecx, %gs
        mov     %ecx, %ss
        push    %ebx                    /* multiboot information */
        push    %eax                    /* loader magic */
        call    test_main
2:      cli
        hlt
        jmp     2b

isr_common:
        pusha
        push    %esp
        call    isr_dispatch
        add     $4, %esp
        popa
        add     $8, %esp                /* vector, error code */
        iret

        .section .rodata
        .balign 4
        .globl isr_stubs
isr_stubs:
        .text

        vector = 0
        .rept 256
        .balign 8
1:
        .if vector == 8 || (vector >= 10 && vector <= 14) || vector == 17
        .else
        push    $0
        .endif
        push    $vector
        jmp     isr_common
        .section .rodata
        .long   1b
        .text
        vector = vector + 1
        .endr

        .data
        .balign 8
        .globl  gdt
gdt:
        .quad   0
        .quad   0x00cf9b000000ffff      /* 0x08: 32-bit code */
        .quad   0x00cf93000000ffff      /* 0x10: 32-bit data */
        .quad   0x00af9b000000ffff      /* 0x18: 64-bit code (hcall_modes.S) */
        .quad   0x00cffb000000ffff      /* 0x20: ring-3 code */
        .quad   0x00cff3000000ffff      /* 0x28: ring-3 data */
        .quad   0                       /* 0x30: TSS, filled by hypercall.c */
gdt_ptr:
        .word   gdt_ptr - gdt - 1
        .long   gdt

        .bss
        .balign 16
        .skip   16384
stack_top:
