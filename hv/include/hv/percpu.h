/*
 * Per-CPU state is found from the stack pointer: each CPU's stack block
 * is STACK_SIZE-aligned and ends with a struct cpu_info.  GS belongs to the
 * guest, so hv never uses it.
 *
 * Stack block layout (page 0 lowest):
 *   0: #MC IST stack   1: #DF IST stack   2: NMI IST stack
 *   3: guard page (unmapped)   4-7: primary stack, cpu_info at the top.
 * Interrupts from ring 3 land at TSS.RSP0 = the end of cpu_info.guest_regs,
 * so the hardware frame and the saved registers fill guest_regs exactly.
 */
#ifndef HV_PERCPU_H
#define HV_PERCPU_H

#define NR_CPUS          64
#define STACK_ORDER      3
#define STACK_SIZE       (4096 << STACK_ORDER)
#define STACK_GUARD_PAGE 3
#define IST_STACK_PAGE(ist) ((ist) - 1)     /* IST_MCE=1 -> page 0 ... */

/* Offsets used by entry code; checked against the struct in percpu.c. */
#define CPUINFO_SIZE            232
#define CPUINFO_GUEST_FRAME_TOP 168         /* &guest_regs.es: TSS.RSP0 */
#define CPUINFO_SCRATCH_RAX     216

#ifndef __ASSEMBLY__
#include <hv/types.h>
#include <public/arch-x86_64.h>

struct vcpu;

struct cpu_info {
    struct cpu_user_regs guest_regs;    /* frame of the last guest entry */
    unsigned int processor_id;
    struct vcpu *current_vcpu;
    u64 scratch_rax;                    /* syscall stubs stash RAX here */
    u64 exit_cr3;                       /* user L4 to load on the way out, or 0 */
};

static inline struct cpu_info *get_cpu_info(void)
{
    unsigned long sp;

    /* Not volatile: every stack a function runs on has the same top, so
     * the compiler may keep the result (as Xen's get_cpu_info). */
    asm("mov %%rsp, %0" : "=r"(sp));
    return (struct cpu_info *)((sp | (STACK_SIZE - 1)) + 1) - 1;
}

#define smp_processor_id() (get_cpu_info()->processor_id)
#define current            (get_cpu_info()->current_vcpu)

/* Base of each CPU's stack block (NULL for CPUs not brought up). */
extern void *stack_base[NR_CPUS];
extern char cpu0_stack[STACK_SIZE];

static inline struct cpu_info *cpu_info_of(unsigned int cpu)
{
    return (struct cpu_info *)((char *)stack_base[cpu] + STACK_SIZE) - 1;
}

#endif
#endif
