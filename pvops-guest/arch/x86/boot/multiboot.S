/*
 * Native entry: a multiboot v1 header with the a.out-kludge address fields
 * (so QEMU's -kernel loader accepts this ELF64 file as a flat image), the
 * 32-bit entry, and the switch to long mode.  The boot page tables map the
 * first GiB both at 0 (to survive enabling paging) and at KERNEL_BASE, where
 * the kernel is linked; native_start builds the real tables through pv_ops.
 */
#define KERNEL_BASE 0xffffffff80000000
#define MB_MAGIC    0x1badb002
#define MB_FLAGS    0x00010003   /* page-align modules, memory info, address fields */

	.section .multiboot, "a"
	.balign 4
mb_header:
	.long MB_MAGIC
	.long MB_FLAGS
	.long -(MB_MAGIC + MB_FLAGS)
	.long mb_header - KERNEL_BASE        /* header_addr */
	.long __image_start - KERNEL_BASE    /* load_addr: file offset 0 */
	.long __data_end - KERNEL_BASE       /* load_end_addr */
	.long __bss_end - KERNEL_BASE        /* bss_end_addr */
	.long native_entry32 - KERNEL_BASE   /* entry_addr */

	.section .boot.text, "ax"
	.code32
	.globl native_entry32
native_entry32:
	cli
	cmpl $0x2badb002, %eax
	jne 1f
	mov %ebx, %esi                        /* multiboot info (physical) */
	mov $(boot_stack_top - KERNEL_BASE), %esp

	/* Fill the boot page directory: 512 x 2 MiB, identity for 1 GiB. */
	mov $(boot_pd - KERNEL_BASE), %edi
	xor %ecx, %ecx
2:	mov %ecx, %eax
	shl $21, %eax
	or $0x83, %eax                        /* present, writable, 2 MiB */
	mov %eax, (%edi,%ecx,8)
	movl $0, 4(%edi,%ecx,8)
	inc %ecx
	cmp $512, %ecx
	jne 2b

	mov %cr4, %eax
	or $0x20, %eax                        /* PAE */
	mov %eax, %cr4
	mov $(boot_pml4 - KERNEL_BASE), %eax
	mov %eax, %cr3
	mov $0xc0000080, %ecx                 /* EFER: LME | NXE */
	rdmsr
	or $0x900, %eax
	wrmsr
	mov %cr0, %eax
	or $0x80010001, %eax                  /* PG | WP | PE */
	mov %eax, %cr0
	lgdt (boot_gdt_ptr - KERNEL_BASE)
	ljmp $0x08, $(long_entry - KERNEL_BASE)

1:	hlt                                   /* not loaded by a multiboot loader */
	jmp 1b

	.code64
long_entry:
	movabs $high_entry, %rax
	jmp *%rax
high_entry:
	movabs $boot_stack_top, %rsp
	mov $0x10, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	xor %eax, %eax
	mov %ax, %fs
	mov %ax, %gs
	mov %esi, %edi                        /* zero-extends the info address */
	xor %ebp, %ebp
	call native_start
3:	hlt
	jmp 3b

	.section .boot.data, "aw"
	.balign 4096
	.globl boot_pml4
boot_pml4:
	.quad boot_pdpt_low - KERNEL_BASE + 3
	.fill 510, 8, 0
	.quad boot_pdpt_high - KERNEL_BASE + 3
boot_pdpt_low:
	.quad boot_pd - KERNEL_BASE + 3
	.fill 511, 8, 0
boot_pdpt_high:
	.fill 510, 8, 0
	.quad boot_pd - KERNEL_BASE + 3
	.quad 0
boot_pd:
	.fill 512, 8, 0

	.balign 16
boot_gdt:
	.quad 0
	.quad 0x00af9a000000ffff              /* 64-bit code */
	.quad 0x00cf92000000ffff              /* data */
boot_gdt_ptr:
	.word boot_gdt_ptr - boot_gdt - 1
	.long boot_gdt - KERNEL_BASE

	.section .bss
	.balign 16
	.globl boot_stack_top
boot_stack:
	.skip 16384
boot_stack_top:
