/*
 * hv's entry from a multiboot loader.  The loader leaves us in 32-bit
 * protected mode, paging off, at the physical addresses of the a.out-kludge
 * fields (the ELF is 64-bit, so QEMU and GRUB load it as a flat image).
 * We check for long mode, build boot page tables that map
 *   - the first 4 GiB identity (to keep running here) and at the direct map,
 *   - the 1 GiB hv image region at HV_VIRT_START -> physical 0,
 * switch to 64-bit mode, move to the high mapping and call start_hv().
 */
#include <hv/layout.h>
#include <hv/page.h>
#include <hv/desc.h>
#include <hv/percpu.h>
#include <hv/processor.h>
#include <hv/multiboot.h>

#define PHYS(x)      ((x) - HV_VIRT_START)
#define MB1_FLAGS    (MB1_FLAG_PAGE_ALIGN | MB1_FLAG_MEMORY_INFO | MB1_FLAG_AOUT_KLUDGE)
#define PDE_LARGE    (_PAGE_PRESENT | _PAGE_RW | _PAGE_PSE)
#define PDE_TABLE    (_PAGE_PRESENT | _PAGE_RW)
#define COM1         0x3f8

        .section .text.header, "ax", @progbits
        .code32

        .balign 4
multiboot1_header:
        .long MB1_HEADER_MAGIC
        .long MB1_FLAGS
        .long -(MB1_HEADER_MAGIC + MB1_FLAGS)
        .long PHYS(multiboot1_header)           /* header_addr */
        .long PHYS(__image_start)               /* load_addr */
        .long PHYS(__load_end)                  /* load_end_addr */
        .long PHYS(__bss_end)                   /* bss_end_addr */
        .long PHYS(start32)                     /* entry_addr */

        .balign 8
multiboot2_header:
        .long MB2_HEADER_MAGIC
        .long MB2_ARCH_I386
        .long multiboot2_header_end - multiboot2_header
        .long -(MB2_HEADER_MAGIC + MB2_ARCH_I386 + (multiboot2_header_end - multiboot2_header))
        .balign 8
        .short MB2_HTAG_ADDRESS, 0
        .long 24
        .long PHYS(multiboot2_header)
        .long PHYS(__image_start)
        .long PHYS(__load_end)
        .long PHYS(__bss_end)
        .balign 8
        .short MB2_HTAG_ENTRY, 0
        .long 12
        .long PHYS(start32)
        .balign 8
        .short MB2_HTAG_MODULE_ALIGN, 0
        .long 8
        .balign 8
        .short MB2_HTAG_END, 0
        .long 8
multiboot2_header_end:

/* GDTR for the switch: hv's GDT page (index 7168 on) at its physical address. */
        .balign 8
boot_gdtr32:
        .word GDT_LIMIT
        .long PHYS(cpu0_gdt_page) - FIRST_RESERVED_GDT_BYTE

msg_not_multiboot:
        .asciz "hv: not started by a multiboot loader\r\n"
msg_no_long_mode:
        .asciz "hv: this CPU has no long mode (x86-64); cannot boot\r\n"

start32:
        cli
        cld
        mov     %eax, %ebp              /* loader magic */
        mov     %ebx, %esi              /* loader info (physical) */

        /* Zero .bss: the stack and the boot page tables live there. */
        mov     $PHYS(__bss_start), %edi
        mov     $PHYS(__bss_end), %ecx
        sub     %edi, %ecx
        shr     $2, %ecx
        xor     %eax, %eax
        rep stosl

        mov     $PHYS(cpu0_stack) + STACK_SIZE - CPUINFO_SIZE - 8, %esp

        cmp     $MB1_BOOTLOADER_MAGIC, %ebp
        je      1f
        cmp     $MB2_BOOTLOADER_MAGIC, %ebp
        je      1f
        mov     $PHYS(msg_not_multiboot), %ebx
        jmp     early_fail
1:
        mov     $0x80000000, %eax
        cpuid
        cmp     $0x80000001, %eax
        jb      2f
        mov     $0x80000001, %eax
        cpuid
        bt      $29, %edx               /* LM */
        jc      3f
2:      mov     $PHYS(msg_no_long_mode), %ebx
        jmp     early_fail
3:
        /* L2s for the first 4 GiB: 2048 2 MiB pages. */
        mov     $PHYS(boot_l2_low), %edi
        mov     $PDE_LARGE, %eax
        mov     $2048, %ecx
4:      mov     %eax, (%edi)
        add     $8, %edi
        add     $(1 << L2_PAGETABLE_SHIFT), %eax
        loop    4b

        /* L3 for the first 4 GiB, shared by the identity and direct maps. */
        mov     $PHYS(boot_l3_low), %edi
        mov     $PHYS(boot_l2_low) + PDE_TABLE, %eax
        mov     $4, %ecx
5:      mov     %eax, (%edi)
        add     $8, %edi
        add     $4096, %eax
        loop    5b

        /* L2 for the image region: 512 2 MiB pages from physical 0. */
        mov     $PHYS(boot_l2_high), %edi
        mov     $PDE_LARGE, %eax
        mov     $512, %ecx
6:      mov     %eax, (%edi)
        add     $8, %edi
        add     $(1 << L2_PAGETABLE_SHIFT), %eax
        loop    6b

        mov     $PHYS(boot_l2_high) + PDE_TABLE, %eax
        mov     %eax, PHYS(boot_l3_high) + 8 * ((HV_VIRT_START >> L3_PAGETABLE_SHIFT) & 511)

        mov     $PHYS(boot_l3_low) + PDE_TABLE, %eax
        mov     %eax, PHYS(boot_l4)
        mov     %eax, PHYS(boot_l4) + 8 * ((DIRECTMAP_VIRT_START >> L4_PAGETABLE_SHIFT) & 511)
        mov     $PHYS(boot_l3_high) + PDE_TABLE, %eax
        mov     %eax, PHYS(boot_l4) + 8 * ((HV_VIRT_START >> L4_PAGETABLE_SHIFT) & 511)

        mov     %cr4, %eax
        or      $X86_CR4_PAE, %eax
        mov     %eax, %cr4
        mov     $PHYS(boot_l4), %eax
        mov     %eax, %cr3
        mov     $MSR_EFER, %ecx
        rdmsr
        or      $EFER_LME, %eax
        wrmsr
        mov     $(X86_CR0_PE | X86_CR0_MP | X86_CR0_ET | X86_CR0_NE | X86_CR0_WP | X86_CR0_PG), %eax
        mov     %eax, %cr0

        lgdt    PHYS(boot_gdtr32)
        ljmp    $HV_CS, $PHYS(start64_low)

/* Prints the string at %ebx on COM1 (whatever its speed) and stops. */
early_fail:
        mov     $COM1 + 5, %dx
7:      inb     %dx, %al
        test    $0x20, %al
        jz      7b
        mov     (%ebx), %al
        test    %al, %al
        jz      8f
        mov     $COM1, %dx
        outb    %al, %dx
        inc     %ebx
        mov     $COM1 + 5, %dx
        jmp     7b
8:      hlt
        jmp     8b

        .code64
start64_low:
        movabs  $start64_high, %rax
        jmp     *%rax

        .text
start64_high:
        lgdt    boot_gdtr64(%rip)
        mov     $HV_DS, %eax
        mov     %eax, %ds
        mov     %eax, %es
        mov     %eax, %ss
        xor     %eax, %eax
        mov     %eax, %fs
        mov     %eax, %gs
        lea     cpu0_stack + STACK_SIZE - CPUINFO_SIZE - 8(%rip), %rsp
        mov     %ebp, %edi              /* magic */
        mov     %esi, %esi              /* info, zero-extended */
        xor     %ebp, %ebp              /* end of the frame-pointer chain */
        call    start_hv
        ud2

        .section .rodata
        .balign 8
boot_gdtr64:
        .word GDT_LIMIT
        .quad cpu0_gdt_page - FIRST_RESERVED_GDT_BYTE

        .section .bss.page_aligned, "aw", @nobits
        .balign 4096
        .globl boot_l4
boot_l4:        .skip 4096
boot_l3_low:    .skip 4096
boot_l2_low:    .skip 4 * 4096
boot_l3_high:   .skip 4096
boot_l2_high:   .skip 4096
