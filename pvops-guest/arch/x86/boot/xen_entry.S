/*
 * Xen PV entry (XEN_ELFNOTE_ENTRY): 64-bit, ring 3, RSI = start_info.
 * Runs on our own stack and hands start_info to xen_pv_start.
 */
	.text
	.globl xen_pv_entry
xen_pv_entry:
	cld
	lea boot_stack_top(%rip), %rsp
	mov %rsi, %rdi
	xor %ebp, %ebp
	call xen_pv_start
1:	jmp 1b
