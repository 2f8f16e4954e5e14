/* Trap handling and expected-fault probes for PV test guests. */
#ifndef GUEST_TRAPS_H
#define GUEST_TRAPS_H

#include <stdint.h>

/* What trap_common saves below the frame the hypervisor bounced to us. */
struct trap_frame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error_code;
    uint64_t rip, cs, rflags, rsp, ss;
};

/* Pseudo vectors for the callbacks that share the trap path. */
#define TRAP_EVENT   256
#define TRAP_SYSCALL 257
#define TRAP_NONE    (~0UL)

/* What the last trap caught by a probe (or recorded by a hook) looked like. */
struct trap_record {
    unsigned int count;
    uint64_t vector, error_code, rip, cs, rflags, rsp, ss, cr2;
    uint8_t upcall_mask;    /* vcpu_info's mask when the handler ran */
};
extern struct trap_record last_trap;
void trap_record(const struct trap_frame *f);

/* Installs the virtual IDT and the event/failsafe callbacks. */
void traps_init(void);
/* (Re)registers the runtime's entry stub for `vector` with trap_info flags. */
long set_trap(unsigned int vector, unsigned int flags);
/* Called for events; a test may replace it. */
extern void (*event_handler)(void);

/*
 * A test may see every trap first.  The hook returns TRAP_UNHANDLED to
 * leave the trap to the runtime, else the flags word for the iret
 * hypercall that resumes the (possibly edited) frame: 0, or
 * VGCF_in_syscall to return the way SYSRET would.
 */
#define TRAP_UNHANDLED (-1L)
extern long (*trap_hook)(struct trap_frame *f);

/* In an asm: a fault at label `from` resumes at label `to` (e.g. 1b, 2f). */
#define ASM_EXTABLE(from, to) \
    ".pushsection .ex_table, \"a\"\n.quad " #from ", " #to "\n.popsection\n"

/*
 * Run one instruction that may fault.  A fault at the probe's address is
 * recorded in last_trap and execution resumes after the probe.
 * Returns the vector taken, or TRAP_NONE.  The optional arguments are the
 * asm's inputs, then optionally ": clobbers" (the asm is always extended,
 * so registers are written %%reg).
 */
#define PROBE(insn, ...)                                        \
    ({                                                          \
        last_trap.vector = TRAP_NONE;                           \
        asm volatile ("" ::: "memory");                         \
        asm volatile ("1: " insn "\n2:\n"                       \
                      ASM_EXTABLE(1b, 2b) : : __VA_ARGS__);     \
        asm volatile ("" ::: "memory");                         \
        last_trap.vector;                                       \
    })

#endif
