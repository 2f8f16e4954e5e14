/*
 * Entry point, Xen ELF notes and hypercall page of a PV test guest.
 * hv (or Xen) enters at _start in ring 3 with RSI = start_info.
 */
#include <public/elfnote.h>
#include <public/xen.h>

#define ELFNOTE(type, directive, value)           \
    .pushsection .note.Xen, "a", @note;           \
    .p2align 2;                                   \
    .long 2f - 1f;                                \
    .long 4f - 3f;                                \
    .long type;                                   \
1:  .asciz "Xen";                                 \
2:  .p2align 2;                                   \
3:  directive value;                              \
4:  .p2align 2;                                   \
    .popsection

ELFNOTE(XEN_ELFNOTE_GUEST_OS, .asciz, "heron-test")
ELFNOTE(XEN_ELFNOTE_XEN_VERSION, .asciz, "xen-3.0")
ELFNOTE(XEN_ELFNOTE_LOADER, .asciz, "generic")
ELFNOTE(XEN_ELFNOTE_VIRT_BASE, .quad, 0xffffffff80000000)
ELFNOTE(XEN_ELFNOTE_PADDR_OFFSET, .quad, 0)
ELFNOTE(XEN_ELFNOTE_ENTRY, .quad, _start)
ELFNOTE(XEN_ELFNOTE_HYPERCALL_PAGE, .quad, hypercall_page)

    .section .text.head, "ax"
    .code64
    .globl _start
_start:
    lea     boot_stack_top(%rip), %rsp
    mov     %rsi, %rdi
    call    guest_start
    ud2

    /* Filled in by the hypervisor: one 32-byte stub per hypercall. */
    .section .text.hypercall_page, "ax"
    .p2align 12
    .globl hypercall_page
hypercall_page:
    .fill 4096, 1, 0xcc

    .bss
    .p2align 12
boot_stack:
    .skip 4 * 4096
boot_stack_top:
