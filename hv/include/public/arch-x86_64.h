/*
 * x86-64 specifics of the Xen PV ABI: address-space split, flat selectors,
 * register frames, the virtual IDT and the vCPU context.
 */
#ifndef HERON_PUBLIC_ARCH_X86_64_H
#define HERON_PUBLIC_ARCH_X86_64_H

#ifndef __ASSEMBLY__
#include <stdint.h>
#endif

/* Flat segments in hv's reserved GDT entries; guests see RPL 3. */
#define FLAT_RING3_CS32   0xe023
#define FLAT_RING3_CS64   0xe033
#define FLAT_RING3_DS32   0xe02b
#define FLAT_RING3_DS64   0x0000
#define FLAT_RING3_SS32   0xe02b
#define FLAT_RING3_SS64   0xe02b
#define FLAT_KERNEL_CS    FLAT_RING3_CS64
#define FLAT_KERNEL_SS    FLAT_RING3_SS64
#define FLAT_KERNEL_DS    FLAT_RING3_DS64
#define FLAT_USER_CS      FLAT_RING3_CS64
#define FLAT_USER_SS      FLAT_RING3_SS64
#define FLAT_USER_DS      FLAT_RING3_DS64
/* First GDT entry reserved for hv; guests own entries below it. */
#define FIRST_RESERVED_GDT_ENTRY 7168
#define FIRST_RESERVED_GDT_PAGE  14

/* The hypervisor hole, and the read-only machine-to-phys table inside it. */
#define HYPERVISOR_VIRT_START  0xFFFF800000000000UL
#define HYPERVISOR_VIRT_END    0xFFFF880000000000UL
#define MACH2PHYS_VIRT_START   0xFFFF800000000000UL
#define MACH2PHYS_VIRT_END     0xFFFF804000000000UL
#define MACH2PHYS_NR_ENTRIES   ((MACH2PHYS_VIRT_END - MACH2PHYS_VIRT_START) >> 3)

/* VGCF_in_syscall in the iret flags word: return as SYSRET would. */
#define VGCF_in_syscall  (1 << 8)

#ifndef __ASSEMBLY__

typedef uint64_t xen_pfn_t;
typedef uint64_t xen_ulong_t;
typedef uint64_t xen_guest_handle_t;   /* guest virtual address */

/* Frame the guest pushes before jumping to the iret hypercall. */
struct iret_context {
    uint64_t rax, r11, rcx, flags, rip, cs, rflags, rsp, ss;
};

/* Register frame as the ABI lays it out (vcpu_guest_context.user_regs). */
struct cpu_user_regs {
    uint64_t r15, r14, r13, r12, rbp, rbx;
    uint64_t r11, r10, r9, r8, rax, rcx, rdx, rsi, rdi;
    uint32_t error_code;
    uint32_t entry_vector;
    uint64_t rip;
    uint16_t cs, _pad0[1];
    uint8_t  saved_upcall_mask;
    uint8_t  _pad1[3];
    uint64_t rflags;
    uint64_t rsp;
    uint16_t ss, _pad2[3];
    uint16_t es, _pad3[3];
    uint16_t ds, _pad4[3];
    uint16_t fs, _pad5[3];
    uint16_t gs, _pad6[3];
};

/* Virtual IDT entry for set_trap_table. */
struct trap_info {
    uint8_t  vector;
    uint8_t  flags;     /* bits 1:0 DPL for INT n; bit 2 masks events */
    uint16_t cs;
    uint32_t _pad;
    uint64_t address;   /* 0 terminates a table */
};
typedef struct trap_info trap_info_t;
#define TI_GET_DPL(ti)  ((ti)->flags & 3)
#define TI_GET_IF(ti)   ((ti)->flags & 4)

struct arch_vcpu_info {
    uint64_t cr2;
    uint64_t pad;
};

struct arch_shared_info {
    uint64_t max_pfn;
    xen_pfn_t pfn_to_mfn_frame_list_list;
    uint64_t nmi_reason;
    uint64_t p2m_cr3;
    uint64_t p2m_vaddr;
    uint64_t p2m_generation;
};

#define VGCF_i387_valid                (1 << 0)
#define VGCF_in_kernel                 (1 << 2)
#define VGCF_failsafe_disables_events  (1 << 3)
#define VGCF_syscall_disables_events   (1 << 4)
#define VGCF_online                    (1 << 5)

struct vcpu_guest_context {
    uint8_t  fpu_ctxt[512];
    uint64_t flags;                     /* VGCF_* */
    struct cpu_user_regs user_regs;
    struct trap_info trap_ctxt[256];
    uint64_t ldt_base, ldt_ents;
    uint64_t gdt_frames[16], gdt_ents;
    uint64_t kernel_ss, kernel_sp;
    uint64_t ctrlreg[8];                /* cr3: kernel L4; ctrlreg[1]: user L4 */
    uint64_t debugreg[8];
    uint64_t event_callback_eip;
    uint64_t failsafe_callback_eip;
    uint64_t syscall_callback_eip;
    uint64_t vm_assist;
    uint64_t fs_base;
    uint64_t gs_base_kernel;
    uint64_t gs_base_user;
};
typedef struct vcpu_guest_context vcpu_guest_context_t;

#define xen_pfn_to_cr3(pfn) ((uint64_t)(pfn) << 12)
#define xen_cr3_to_pfn(cr3) ((uint64_t)(cr3) >> 12)

#endif /* __ASSEMBLY__ */
#endif
