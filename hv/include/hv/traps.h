/* Exception and interrupt vectors, and the C side of hv's entry code. */
#ifndef HV_TRAPS_H
#define HV_TRAPS_H

#define TRAP_divide_error      0
#define TRAP_debug             1
#define TRAP_nmi               2
#define TRAP_int3              3
#define TRAP_overflow          4
#define TRAP_bounds            5
#define TRAP_invalid_op        6
#define TRAP_no_device         7
#define TRAP_double_fault      8
#define TRAP_copro_seg         9
#define TRAP_invalid_tss      10
#define TRAP_no_segment       11
#define TRAP_stack_error      12
#define TRAP_gp_fault         13
#define TRAP_page_fault       14
#define TRAP_spurious_int     15
#define TRAP_copro_error      16
#define TRAP_alignment_check  17
#define TRAP_machine_check    18
#define TRAP_simd_error       19
#define TRAP_virtualisation   20
#define TRAP_control_prot     21
#define TRAP_hv_injection     28
#define TRAP_vmm_comm         29
#define TRAP_security         30
#define TRAP_syscall         256    /* entry_vector of a SYSCALL frame */

/* Vectors with an error code pushed by the CPU. */
#define TRAP_HAS_ERRCODE_MASK  ((1 << 8) | (1 << 10) | (1 << 11) | \
                                (1 << 12) | (1 << 13) | (1 << 14) | \
                                (1 << 17) | (1 << 21) | (1 << 29) | \
                                (1 << 30))

/* Interrupt vectors.  0x20-0x2f: the (masked) legacy PICs. */
#define PIC_MASTER_VECTOR     0x20
#define PIC_SLAVE_VECTOR      0x28
#define FIRST_DYNAMIC_VECTOR  0x30
#define LOCAL_TIMER_VECTOR    0xf0
#define ERROR_APIC_VECTOR     0xfe
#define SPURIOUS_APIC_VECTOR  0xff

#define PFEC_present   (1u << 0)
#define PFEC_write     (1u << 1)
#define PFEC_user      (1u << 2)
#define PFEC_reserved  (1u << 3)
#define PFEC_insn      (1u << 4)

#ifndef __ASSEMBLY__
#include <hv/types.h>
#include <public/arch-x86_64.h>

/* Called from entry.S with the saved frame. */
void do_entry(struct cpu_user_regs *regs);

/* Vector handler for interrupts (vector >= 32), called with IRQs off;
 * the handler acknowledges the interrupt itself (e.g. lapic_eoi()). */
typedef void (*irq_handler_t)(struct cpu_user_regs *regs);
void set_irq_handler(unsigned int vector, irq_handler_t fn);

/* Prints registers, RIP's symbol and a backtrace. */
void show_registers(const struct cpu_user_regs *regs);
void show_backtrace(unsigned long rip, unsigned long rbp);

extern const unsigned long entry_stubs[256];
void syscall_entry(void);
/* C side of syscall_entry until PV support exists: reports and panics. */
void __attribute__((noreturn)) do_syscall_unhandled(struct cpu_user_regs *regs);

#endif
#endif
