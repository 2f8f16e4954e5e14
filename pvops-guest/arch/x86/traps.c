/*
 * Common trap handling above pv_ops: every backend's entry code builds a
 * struct trapframe and calls trap_dispatch.  User faults become signals;
 * a kernel fault prints the registers and a backtrace and stops the machine.
 */
#include "lib.h"
#include "proc.h"
#include "vm.h"

#define NR_IRQS 16

static void (*irq_handlers[NR_IRQS])(void);
bool kernel_debug;

void irq_register(int irq, void (*fn)(void))
{
	BUG_ON(irq < 0 || irq >= NR_IRQS);
	irq_handlers[irq] = fn;
	pv_ops.irq.unmask(irq);
}

void irq_dispatch(int irq)
{
	pv_ops.irq.eoi(irq);
	if (irq_handlers[irq])
		irq_handlers[irq]();
}

static const char *const trap_names[32] = {
	"divide error", "debug", "NMI", "breakpoint", "overflow", "bound range",
	"invalid opcode", "device not available", "double fault", "coprocessor",
	"invalid TSS", "segment not present", "stack fault", "general protection",
	"page fault", "reserved", "x87 FP error", "alignment check", "machine check",
	"SIMD FP error", "virtualization", "control protection",
};

static _Noreturn void kernel_fault(struct trapframe *tf)
{
	const char *name = tf->vector < 32 && trap_names[tf->vector] ? trap_names[tf->vector] : "trap";

	printk("\nKERNEL FAULT: %s (vector %lu, error 0x%lx)", name, tf->vector, tf->error);
	if (tf->vector == 14)
		printk(" at address %p", (void *)pv_ops.cpu.fault_address());
	printk("\n RIP %016lx  CS %04lx  RFLAGS %016lx\n", tf->rip, tf->cs, tf->rflags);
	printk(" RSP %016lx  SS %04lx\n", tf->rsp, tf->ss);
	printk(" RAX %016lx  RBX %016lx  RCX %016lx  RDX %016lx\n", tf->rax, tf->rbx, tf->rcx, tf->rdx);
	printk(" RSI %016lx  RDI %016lx  RBP %016lx  R8  %016lx\n", tf->rsi, tf->rdi, tf->rbp, tf->r8);
	printk(" R9  %016lx  R10 %016lx  R11 %016lx  R12 %016lx\n", tf->r9, tf->r10, tf->r11, tf->r12);
	printk(" R13 %016lx  R14 %016lx  R15 %016lx\n", tf->r13, tf->r14, tf->r15);
	if (current)
		printk(" current: pid %d (%s)\n", current->pid, current->name);
	printk("  [-] %p (faulting RIP)\n", (void *)tf->rip);
	backtrace_from(tf->rbp);
	printk("pvops-guest: kernel halted\n");
	pv_ops.cpu.poweroff(3);
}

static void user_fault(struct trapframe *tf)
{
	int sig;

	current->fault_addr = tf->rip;
	current->fault_code = 0;
	switch (tf->vector) {
	case 14: {
		uintptr_t addr = pv_ops.cpu.fault_address();

		if (vm_fault(current->mm, addr, tf->error & 2) == 0)
			return;
		current->fault_addr = addr;
		current->fault_code = tf->error & 1 ? SEGV_ACCERR : SEGV_MAPERR;
		sig = SIGSEGV;
		break;
	}
	case 0: case 16: case 19:
		sig = SIGFPE;
		current->fault_code = tf->vector == 0 ? FPE_INTDIV : 0;
		break;
	case 6:
		sig = SIGILL;
		current->fault_code = ILL_ILLOPN;
		break;
	case 1: case 3:
		sig = SIGTRAP;
		break;
	case 17:
		sig = SIGBUS;
		break;
	default:
		sig = SIGSEGV;
		current->fault_code = SI_KERNEL;
		break;
	}
	if (kernel_debug)
		printk("pvops-guest: pid %d (%s): %s at %p rip %p\n", current->pid,
		       current->name, trap_names[tf->vector], (void *)current->fault_addr,
		       (void *)tf->rip);
	signal_force(sig);
}

/* Work done on every return to user mode: preemption, then signals. */
void trap_exit_to_user(struct trapframe *tf)
{
	for (;;) {
		if (need_resched)
			schedule();
		if (signal_pending(current) || current->restore_saved_mask ||
		    (tf->vector == VEC_SYSCALL && (long)tf->rax == -ERESTARTSYS))
			signal_deliver(tf);
		if (!need_resched)
			return;
	}
}

void trap_dispatch(struct trapframe *tf)
{
	bool user = tf_from_user(tf);

	if (tf->vector == VEC_SYSCALL)
		syscall_dispatch(tf);
	else if (tf->vector >= 32 && tf->vector < 32 + NR_IRQS)
		irq_dispatch(tf->vector - 32);
	else if (user)
		user_fault(tf);
	else
		kernel_fault(tf);
	if (user)
		trap_exit_to_user(tf);
}
