/*
 * The CPU half of the Xen PV pv_ops.  The kernel runs in ring 3; "interrupts
 * off" is vcpu_info.evtchn_upcall_mask; exceptions, user system calls and
 * events arrive through the trap table and callbacks registered here (stubs
 * in entry.S); every return goes through the iret hypercall.
 *
 * The kernel stack, FS base and user GS base matter only once we are back
 * in user mode, so they are queued in the MMU batch (skipped when they do
 * not change) and reach the hypervisor with the next flush, at the latest
 * just before the iret: a context switch then costs one multicall.
 */
#include <public/callback.h>
#include <public/sched.h>
#include <public/segbase.h>
#include <public/version.h>

#include "hypercall.h"
#include "lib.h"
#include "proc.h"
#include "pv.h"

struct shared_info *pv_shared_info;

static struct {
	uint64_t kernel_sp, fs_base, gs_base;
} queued;

#define VCPU (&pv_shared_info->vcpu_info[0])

static void pv_irq_disable(void)
{
	VCPU->evtchn_upcall_mask = 1;
	asm volatile("" ::: "memory");
}

/* Unmasking raises nothing by itself: any hypercall delivers what is pending. */
static void pv_irq_enable(void)
{
	VCPU->evtchn_upcall_mask = 0;
	asm volatile("" ::: "memory");
	if (VCPU->evtchn_upcall_pending)
		hypercall2(HYPERCALL(xen_version), XENVER_version, 0);
}

/* SCHEDOP_block unmasks events and sleeps until one is pending; it is
 * delivered on the way back, then we mask again. */
static void pv_safe_halt(void)
{
	pv_mmu_flush();
	pv_console_flush();
	hypercall2(HYPERCALL(sched_op), SCHEDOP_block, 0);
	pv_irq_disable();
}

static _Noreturn void shutdown(unsigned int reason)
{
	struct sched_shutdown s = { .reason = reason };

	pv_console_flush();
	for (;;)
		hypercall2(HYPERCALL(sched_op), SCHEDOP_shutdown, HPTR(&s));
}

static _Noreturn void pv_stop(void)
{
	shutdown(SHUTDOWN_crash);
}

/* Exit code 0 is a clean power-off; anything else (a kernel fault) a crash. */
static _Noreturn void pv_poweroff(int code)
{
	if (kernel_debug)
		pv_stats_print();
	shutdown(code ? SHUTDOWN_crash : SHUTDOWN_poweroff);
}

/* The toolstack applies the domain's on_reboot policy. */
static _Noreturn void pv_reboot(void)
{
	shutdown(SHUTDOWN_reboot);
}

static void pv_set_kernel_stack(uintptr_t top)
{
	if (top == queued.kernel_sp)
		return;
	queued.kernel_sp = top;
	pv_batch_call(&pv_batch, __HYPERVISOR_stack_switch, FLAT_KERNEL_SS, top, 0);
}

static void pv_set_fs_base(uint64_t base)
{
	if (base == queued.fs_base)
		return;
	queued.fs_base = base;
	pv_batch_call(&pv_batch, __HYPERVISOR_set_segment_base, SEGBASE_FS, base, 0);
}

static void pv_set_gs_base(uint64_t base)
{
	if (base == queued.gs_base)
		return;
	queued.gs_base = base;
	pv_batch_call(&pv_batch, __HYPERVISOR_set_segment_base, SEGBASE_GS_USER, base, 0);
}

static void pv_fpu_save(void *area)
{
	asm volatile("fxsave64 (%0)" : : "r"(area) : "memory");
}

static void pv_fpu_restore(const void *area)
{
	asm volatile("fxrstor64 (%0)" : : "r"(area) : "memory");
}

static uint64_t pv_fault_address(void)
{
	return VCPU->arch.cr2;
}

/* Everything queued must reach the hypervisor before the guest resumes. */
void pv_leave(struct trapframe *tf)
{
	pv_mmu_flush();
	pv_console_flush();
	tf->error = pv_iret_flags(tf);
	pv_hypercalls[__HYPERVISOR_iret]++;
}

static _Noreturn void pv_return_to_user(struct trapframe *tf)
{
	pv_leave(tf);
	pv_iret(tf);
}

void pv_trap(struct trapframe *tf)
{
	pv_entries[tf->vector == VEC_SYSCALL ? PV_ENTRY_SYSCALL : PV_ENTRY_EXCEPTION]++;
	pv_frame_from_bounce(tf);
	trap_dispatch(tf);
	pv_leave(tf);
}

void pv_event(struct trapframe *tf)
{
	pv_entries[PV_ENTRY_EVENT]++;
	pv_frame_from_bounce(tf);
	pv_events_handle();
	if (tf_from_user(tf))
		trap_exit_to_user(tf);
	pv_leave(tf);
}

struct trap_stub {
	uint64_t vector, entry;
};
extern const struct trap_stub pv_trap_stubs[];
extern char pv_syscall_entry[], pv_event_entry[], pv_failsafe_entry[];

static void register_callback(unsigned int type, void *entry, unsigned int flags)
{
	struct callback_register cb = {
		.type = type, .flags = flags, .address = (uintptr_t)entry,
	};
	long rc = hypercall2(HYPERCALL(callback_op), CALLBACKOP_register, HPTR(&cb));

	if (rc)
		panic("pv: registering callback %u: %ld", type, rc);
}

/*
 * Every trap masks events on entry (flag bit 2), like the native interrupt
 * gates, and has DPL 0, so INT n from user mode is a #GP as natively.
 */
void pv_cpu_init(void)
{
	struct trap_info table[32];
	unsigned int n = 0;
	long rc;

	for (; pv_trap_stubs[n].entry; n++)
		table[n] = (struct trap_info){
			.vector = pv_trap_stubs[n].vector, .flags = 4,
			.cs = FLAT_KERNEL_CS, .address = pv_trap_stubs[n].entry,
		};
	table[n] = (struct trap_info){ 0 };
	rc = hypercall1(HYPERCALL(set_trap_table), HPTR(table));
	if (rc)
		panic("pv: set_trap_table: %ld", rc);
	register_callback(CALLBACKTYPE_event, pv_event_entry, 0);
	register_callback(CALLBACKTYPE_failsafe, pv_failsafe_entry, CALLBACKF_mask_events);
	register_callback(CALLBACKTYPE_syscall, pv_syscall_entry, CALLBACKF_mask_events);
	/* Clear the virtual CR0.TS: the FPU is saved and restored eagerly. */
	rc = hypercall1(HYPERCALL(fpu_taskswitch), 0);
	if (rc)
		panic("pv: fpu_taskswitch: %ld", rc);
}

const struct pv_cpu_ops pv_cpu_ops = {
	.irq_disable = pv_irq_disable,
	.irq_enable = pv_irq_enable,
	.safe_halt = pv_safe_halt,
	.stop = pv_stop,
	.set_kernel_stack = pv_set_kernel_stack,
	.set_fs_base = pv_set_fs_base,
	.set_gs_base = pv_set_gs_base,
	.return_to_user = pv_return_to_user,
	.fpu_save = pv_fpu_save,
	.fpu_restore = pv_fpu_restore,
	.fault_address = pv_fault_address,
	.poweroff = pv_poweroff,
	.reboot = pv_reboot,
	.user_cs = FLAT_USER_CS,
	.user_ss = FLAT_USER_SS,
};
