/*
 * Xen PV ELF notes: what a Xen-style domain builder reads to load this same
 * image as a PV guest (fact sheet §10), and the hypercall page it fills.
 * They are inert data for a native boot.
 */
#include <public/elfnote.h>

#define KERNEL_BASE 0xffffffff80000000

#define XEN_NOTE(type, desc_directive, value)     \
	.balign 4;                                \
	.long 4f - 3f;                            \
	.long 6f - 5f;                            \
	.long type;                               \
3:	.asciz "Xen";                             \
4:	.balign 4;                                \
5:	desc_directive value;                     \
6:	.balign 4

	.section .note.xen, "a", @note
	XEN_NOTE(XEN_ELFNOTE_GUEST_OS, .asciz, "heron-pvops")
	XEN_NOTE(XEN_ELFNOTE_GUEST_VERSION, .asciz, "0.1")
	XEN_NOTE(XEN_ELFNOTE_XEN_VERSION, .asciz, "xen-3.0")
	XEN_NOTE(XEN_ELFNOTE_LOADER, .asciz, "generic")
	XEN_NOTE(XEN_ELFNOTE_VIRT_BASE, .quad, KERNEL_BASE)
	XEN_NOTE(XEN_ELFNOTE_PADDR_OFFSET, .quad, 0)
	XEN_NOTE(XEN_ELFNOTE_ENTRY, .quad, xen_pv_entry)
	XEN_NOTE(XEN_ELFNOTE_HYPERCALL_PAGE, .quad, hypercall_page)
	XEN_NOTE(XEN_ELFNOTE_FEATURES, .asciz, "pae_pgdir_above_4gb")

	/* Filled by the domain builder with one 32-byte stub per hypercall. */
	.section .text.hypercall_page, "ax"
	.balign 4096
	.globl hypercall_page
hypercall_page:
	.fill 4096, 1, 0xcc
