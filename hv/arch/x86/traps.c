/*
 * Exceptions and interrupts.  Exceptions a guest raises go to the PV code
 * (pv_exception: emulate or bounce into the guest).  A fault in hv is
 * fatal unless the faulting instruction has an extable fixup: then
 * execution resumes at the fixup.  Fatal faults print the vector, error
 * code, CR2, all registers, RIP as symbol+offset and a frame-pointer
 * backtrace, then stop the machine (machine_crash_stop()).
 */
#include <hv/traps.h>
#include <hv/extable.h>
#include <hv/processor.h>
#include <hv/percpu.h>
#include <hv/symbols.h>
#include <hv/console.h>
#include <hv/shutdown.h>
#include <hv/apic.h>
#include <hv/errno.h>
#include <hv/lib.h>
#include <hv/pv.h>

static const char *const exception_names[32] = {
    [TRAP_divide_error]     = "#DE divide error",
    [TRAP_debug]            = "#DB debug",
    [TRAP_nmi]              = "NMI",
    [TRAP_int3]             = "#BP breakpoint",
    [TRAP_overflow]         = "#OF overflow",
    [TRAP_bounds]           = "#BR bound range",
    [TRAP_invalid_op]       = "#UD invalid opcode",
    [TRAP_no_device]        = "#NM device not available",
    [TRAP_double_fault]     = "#DF double fault",
    [TRAP_copro_seg]        = "coprocessor segment overrun",
    [TRAP_invalid_tss]      = "#TS invalid TSS",
    [TRAP_no_segment]       = "#NP segment not present",
    [TRAP_stack_error]      = "#SS stack fault",
    [TRAP_gp_fault]         = "#GP general protection",
    [TRAP_page_fault]       = "#PF page fault",
    [TRAP_spurious_int]     = "reserved (15)",
    [TRAP_copro_error]      = "#MF x87 error",
    [TRAP_alignment_check]  = "#AC alignment check",
    [TRAP_machine_check]    = "#MC machine check",
    [TRAP_simd_error]       = "#XM SIMD error",
    [TRAP_virtualisation]   = "#VE virtualization",
    [TRAP_control_prot]     = "#CP control protection",
    [TRAP_hv_injection]     = "#HV hypervisor injection",
    [TRAP_vmm_comm]         = "#VC VMM communication",
    [TRAP_security]         = "#SX security",
};

static irq_handler_t irq_handlers[256];
static unsigned int fatal_depth;

void set_irq_handler(unsigned int vector, irq_handler_t fn)
{
    BUG_ON(vector < 32 || vector > 255);
    irq_handlers[vector] = fn;
}

static bool stack_addr_ok(unsigned long addr, unsigned long stack)
{
    unsigned long base = stack & ~(unsigned long)(STACK_SIZE - 1);

    return addr >= base && addr + 16 <= base + STACK_SIZE && !(addr & 7);
}

void show_backtrace(unsigned long rip, unsigned long rbp)
{
    unsigned long sp;
    char sym[96];

    asm volatile("mov %%rsp, %0" : "=r"(sp));
    printk("backtrace:\n");
    symbol_format(sym, sizeof(sym), rip);
    printk("  [<%016lx>] %s\n", rip, sym);
    /* Follow saved frame pointers while they stay inside this stack block. */
    for (unsigned int depth = 0; depth < 32 && stack_addr_ok(rbp, sp); depth++) {
        unsigned long *frame = (unsigned long *)rbp;
        unsigned long ret = frame[1];

        if (!ret)
            break;
        symbol_format(sym, sizeof(sym), ret);
        printk("  [<%016lx>] %s\n", ret, sym);
        if (frame[0] <= rbp)
            break;
        rbp = frame[0];
    }
}

void show_registers(const struct cpu_user_regs *regs)
{
    char sym[96];

    symbol_format(sym, sizeof(sym), regs->rip);
    printk("RIP: %04x:[<%016lx>] %s\n", regs->cs, regs->rip, sym);
    printk("RFLAGS: %016lx  CPU: %u\n", regs->rflags, smp_processor_id());
    printk("rax: %016lx  rbx: %016lx  rcx: %016lx\n", regs->rax, regs->rbx, regs->rcx);
    printk("rdx: %016lx  rsi: %016lx  rdi: %016lx\n", regs->rdx, regs->rsi, regs->rdi);
    printk("rbp: %016lx  rsp: %016lx  r8:  %016lx\n", regs->rbp, regs->rsp, regs->r8);
    printk("r9:  %016lx  r10: %016lx  r11: %016lx\n", regs->r9, regs->r10, regs->r11);
    printk("r12: %016lx  r13: %016lx  r14: %016lx\n", regs->r12, regs->r13, regs->r14);
    printk("r15: %016lx  cr0: %016lx  cr4: %016lx\n", regs->r15, read_cr0(), read_cr4());
    printk("cr3: %016lx  cr2: %016lx\n", read_cr3(), read_cr2());
    printk("ss: %04x  cs: %04x\n", regs->ss, regs->cs);
}

static void __noreturn fatal_trap(const struct cpu_user_regs *regs, const char *what)
{
    unsigned int vec = regs->entry_vector;

    local_irq_disable();
    console_force_unlock();
    if (fatal_depth++) {
        printk("hv: fault while reporting a fault (vector %u, rip %016lx)\n",
               vec, regs->rip);
        machine_halt();
    }
    printk("\n****************************************\n");
    printk("hv: FATAL TRAP: vector %u: %s%s\n", vec,
           vec < 32 ? exception_names[vec] : "interrupt", what);
    printk("error code: %04x\n", regs->error_code);
    if (vec == TRAP_page_fault)
        printk("page fault address (cr2): %016lx [%s %s %s%s%s]\n", read_cr2(),
               regs->error_code & PFEC_present ? "protection" : "not-present",
               regs->error_code & PFEC_write ? "write" : "read",
               regs->error_code & PFEC_user ? "user" : "supervisor",
               regs->error_code & PFEC_reserved ? " reserved-bit" : "",
               regs->error_code & PFEC_insn ? " insn-fetch" : "");
    show_registers(regs);
    show_backtrace(regs->rip, regs->rbp);
    printk("****************************************\n");
    machine_crash_stop();
}

static void do_exception(struct cpu_user_regs *regs)
{
    unsigned int vec = regs->entry_vector;
    unsigned long fixup;

    if (vec == TRAP_nmi) {
        printk("hv: NMI received on CPU %u (ignored)\n", smp_processor_id());
        return;
    }
    /* Guest accessors fault with #PF/#GP; an iretq to a guest could also
     * raise #NP or #SS. */
    if ((vec == TRAP_page_fault || vec == TRAP_gp_fault ||
         vec == TRAP_no_segment || vec == TRAP_stack_error) &&
        (fixup = search_extable(regs->rip)) != 0) {
        regs->rip = fixup;
        return;
    }
    if (vec == TRAP_double_fault)
        fatal_trap(regs, " (on its IST stack)");
    fatal_trap(regs, "");
}

static void do_irq(struct cpu_user_regs *regs)
{
    unsigned int vec = regs->entry_vector;

    if (irq_handlers[vec]) {
        irq_handlers[vec](regs);
        return;
    }
    /* Spurious 8259 interrupts (IRQ 7/15) need no acknowledgement. */
    if (vec == PIC_MASTER_VECTOR + 7 || vec == PIC_SLAVE_VECTOR + 7)
        return;
    printk("hv: unexpected interrupt vector %#x\n", vec);
    lapic_eoi();
}

/* A frame the CPU pushed at TSS.RSP0: the guest was interrupted. */
static bool guest_mode(const struct cpu_user_regs *regs)
{
    return (regs->cs & 3) == 3 && regs == &get_cpu_info()->guest_regs;
}

__hot_path void do_entry(struct cpu_user_regs *regs)
{
    if (regs->entry_vector >= 32)
        do_irq(regs);
    else if (guest_mode(regs))
        pv_exception(regs);
    else
        do_exception(regs);
}

/* A SYSCALL with no guest vCPU current (hv itself, or its self test). */
void __noreturn do_syscall_unhandled(struct cpu_user_regs *regs)
{
    printk("hv: SYSCALL from cs %04x rip %016lx rsp %016lx\n",
           regs->cs, regs->rip, regs->rsp);
    show_registers(regs);
    panic("SYSCALL with no guest vCPU current");
}

int rdmsr_safe(u32 msr, u64 *val)
{
    u32 lo = 0, hi = 0;
    int rc = 0;

    asm volatile("1: rdmsr\n"
                 "2:\n"
                 ".pushsection .text.fixup, \"ax\"\n"
                 "3: mov %[efault], %[rc]\n"
                 "   jmp 2b\n"
                 ".popsection\n"
                 _ASM_EXTABLE(1b, 3b)
                 : "=a"(lo), "=d"(hi), [rc] "+r"(rc)
                 : "c"(msr), [efault] "i"(-EFAULT));
    *val = ((u64)hi << 32) | lo;
    return rc;
}

int wrmsr_safe(u32 msr, u64 val)
{
    int rc = 0;

    asm volatile("1: wrmsr\n"
                 "2:\n"
                 ".pushsection .text.fixup, \"ax\"\n"
                 "3: mov %[efault], %[rc]\n"
                 "   jmp 2b\n"
                 ".popsection\n"
                 _ASM_EXTABLE(1b, 3b)
                 : [rc] "+r"(rc)
                 : "c"(msr), "a"((u32)val), "d"((u32)(val >> 32)),
                   [efault] "i"(-EFAULT)
                 : "memory");
    return rc;
}
