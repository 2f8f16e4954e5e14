/* Trap handling and expected-fault probes for PV test guests. */
#ifndef GUEST_TRAPS_H
#define GUEST_TRAPS_H

#include <stdint.h>

struct trap_frame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error_code;
    uint64_t rip, cs, rflags, rsp, ss;
};

/* What the last fault caught by a probe looked like. */
struct trap_record {
    unsigned int count;
    uint64_t vector, error_code, rip, cr2;
};
extern struct trap_record last_trap;

#define TRAP_EVENT 256
#define TRAP_NONE  (~0UL)

/* Installs the virtual IDT and the event/failsafe callbacks. */
void traps_init(void);
/* Called for events; a test may replace it. */
extern void (*event_handler)(void);

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
                      ".pushsection .ex_table, \"a\"\n"         \
                      ".quad 1b, 2b\n"                          \
                      ".popsection" : : __VA_ARGS__);               \
        asm volatile ("" ::: "memory");                         \
        last_trap.vector;                                       \
    })

#endif
