/*
 * The hypercall table and the SYSCALL entry from a PV guest.
 *
 * SYSCALL from guest kernel mode is a hypercall: number in RAX, arguments
 * in RDI, RSI, RDX, R10, R8, result in RAX.  From guest user mode it is
 * the guest's own system call and is bounced to its syscall callback.
 * Arguments are passed to each handler with the C types Xen's handlers
 * have, so a 64-bit register is truncated exactly where Xen truncates it.
 */
#include <hv/hypercall.h>
#include <hv/domain.h>
#include <hv/pv_mm.h>
#include <hv/event.h>
#include <hv/grant_table.h>
#include <hv/hvm.h>
#include <hv/hvm_io.h>
#include <hv/sched.h>
#include <hv/softirq.h>
#include <hv/percpu.h>
#include <hv/processor.h>
#include <hv/traps.h>
#include <hv/errno.h>
#include <hv/lib.h>
#include "private.h"

typedef long (*hypercall_fn_t)(const u64 *a);

#define HYPERCALL(name, call) \
    static __hot_path long hc_##name(const u64 *a) { (void)a; return call; }

HYPERCALL(set_trap_table, do_set_trap_table(a[0]))
HYPERCALL(mmu_update, do_mmu_update(a[0], (unsigned int)a[1], a[2],
                                    (unsigned int)a[3]))
HYPERCALL(stack_switch, do_stack_switch(a[0], a[1]))
HYPERCALL(set_gdt, do_set_gdt(a[0], (unsigned int)a[1]))
HYPERCALL(set_debugreg, do_set_debugreg((int)a[0], a[1]))
HYPERCALL(get_debugreg, do_get_debugreg((int)a[0]))
HYPERCALL(update_descriptor, do_update_descriptor(a[0], a[1]))
HYPERCALL(set_callbacks, do_set_callbacks(a[0], a[1], a[2]))
HYPERCALL(fpu_taskswitch, do_fpu_taskswitch((int)a[0]))
HYPERCALL(memory_op, do_memory_op(a[0], a[1]))
HYPERCALL(multicall, do_multicall(a[0], (unsigned int)a[1]))
HYPERCALL(update_va_mapping, do_update_va_mapping(a[0], a[1], a[2]))
HYPERCALL(set_timer_op, do_set_timer_op((s64)a[0]))
HYPERCALL(event_channel_op_compat, do_event_channel_op_compat(a[0]))
HYPERCALL(xen_version, do_xen_version((int)a[0], a[1]))
HYPERCALL(console_io, do_console_io((unsigned int)a[0], (unsigned int)a[1], a[2]))
HYPERCALL(grant_table_op, do_grant_table_op((unsigned int)a[0], a[1], (unsigned int)a[2]))
HYPERCALL(vm_assist, do_vm_assist((unsigned int)a[0], (unsigned int)a[1]))
HYPERCALL(update_va_mapping_otherdomain,
          do_update_va_mapping_otherdomain(a[0], a[1], a[2], (domid_t)a[3]))
HYPERCALL(iret, do_iret(&get_cpu_info()->guest_regs))
HYPERCALL(vcpu_op, do_vcpu_op((int)a[0], (unsigned int)a[1], a[2]))
HYPERCALL(set_segment_base, do_set_segment_base((unsigned int)a[0], a[1]))
HYPERCALL(mmuext_op, do_mmuext_op(a[0], (unsigned int)a[1], a[2],
                                  (unsigned int)a[3]))
HYPERCALL(sched_op, do_sched_op((int)a[0], a[1]))
HYPERCALL(callback_op, do_callback_op((int)a[0], a[1]))
HYPERCALL(event_channel_op, do_event_channel_op((unsigned int)a[0], a[1]))
HYPERCALL(physdev_op, do_physdev_op((int)a[0], a[1]))
HYPERCALL(dm_op, do_dm_op((domid_t)a[0], (unsigned int)a[1], a[2]))
HYPERCALL(sysctl, do_sysctl(a[0]))
HYPERCALL(domctl, do_domctl(a[0]))

/* Everything not listed returns -ENOSYS (docs/abi-coverage.md). */
static const hypercall_fn_t hypercall_table[NR_HYPERCALLS] = {
    [__HYPERVISOR_set_trap_table]          = hc_set_trap_table,
    [__HYPERVISOR_mmu_update]              = hc_mmu_update,
    [__HYPERVISOR_set_gdt]                 = hc_set_gdt,
    [__HYPERVISOR_stack_switch]            = hc_stack_switch,
    [__HYPERVISOR_set_callbacks]           = hc_set_callbacks,
    [__HYPERVISOR_fpu_taskswitch]          = hc_fpu_taskswitch,
    [__HYPERVISOR_set_debugreg]            = hc_set_debugreg,
    [__HYPERVISOR_get_debugreg]            = hc_get_debugreg,
    [__HYPERVISOR_update_descriptor]       = hc_update_descriptor,
    [__HYPERVISOR_memory_op]               = hc_memory_op,
    [__HYPERVISOR_multicall]               = hc_multicall,
    [__HYPERVISOR_update_va_mapping]       = hc_update_va_mapping,
    [__HYPERVISOR_set_timer_op]            = hc_set_timer_op,
    [__HYPERVISOR_event_channel_op_compat] = hc_event_channel_op_compat,
    [__HYPERVISOR_xen_version]             = hc_xen_version,
    [__HYPERVISOR_console_io]              = hc_console_io,
    [__HYPERVISOR_grant_table_op]          = hc_grant_table_op,
    [__HYPERVISOR_vm_assist]               = hc_vm_assist,
    [__HYPERVISOR_update_va_mapping_otherdomain] = hc_update_va_mapping_otherdomain,
    [__HYPERVISOR_iret]                    = hc_iret,
    [__HYPERVISOR_vcpu_op]                 = hc_vcpu_op,
    [__HYPERVISOR_set_segment_base]        = hc_set_segment_base,
    [__HYPERVISOR_mmuext_op]               = hc_mmuext_op,
    [__HYPERVISOR_sched_op]                = hc_sched_op,
    [__HYPERVISOR_callback_op]             = hc_callback_op,
    [__HYPERVISOR_event_channel_op]        = hc_event_channel_op,
    [__HYPERVISOR_physdev_op]              = hc_physdev_op,
    [__HYPERVISOR_dm_op]                   = hc_dm_op,
    [__HYPERVISOR_sysctl]                  = hc_sysctl,
    [__HYPERVISOR_domctl]                  = hc_domctl,
};

/* Hypercalls whose first argument is a sub-op (memory_op: its low bits). */
#define SUBOP_HYPERCALLS ((1ULL << __HYPERVISOR_sched_op_compat) |          \
                          (1ULL << __HYPERVISOR_set_debugreg) |             \
                          (1ULL << __HYPERVISOR_get_debugreg) |             \
                          (1ULL << __HYPERVISOR_memory_op) |                \
                          (1ULL << __HYPERVISOR_xen_version) |              \
                          (1ULL << __HYPERVISOR_console_io) |               \
                          (1ULL << __HYPERVISOR_grant_table_op) |           \
                          (1ULL << __HYPERVISOR_vm_assist) |                \
                          (1ULL << __HYPERVISOR_vcpu_op) |                  \
                          (1ULL << __HYPERVISOR_set_segment_base) |         \
                          (1ULL << __HYPERVISOR_sched_op) |                 \
                          (1ULL << __HYPERVISOR_callback_op) |              \
                          (1ULL << __HYPERVISOR_event_channel_op) |         \
                          (1ULL << __HYPERVISOR_physdev_op) |               \
                          (1ULL << __HYPERVISOR_hvm_op))
#define MEMOP_CMD_BITS   0x3f

static void hypercall_account(struct domain *d, u64 op, u64 arg0)
{
    u64 sub = op == __HYPERVISOR_memory_op ? (arg0 & MEMOP_CMD_BITS) : arg0;

    d->hypercall_count[op]++;
    if ((SUBOP_HYPERCALLS & (1ULL << op)) && sub < 64)
        d->hypercall_subops[op] |= 1ULL << sub;
}

__hot_path long hypercall_call(u64 op, const u64 args[5])
{
    if (op >= NR_HYPERCALLS)
        return -ENOSYS;
    hypercall_account(current->domain, op, args[0]);
    if (!hypercall_table[op])
        return -ENOSYS;
    return hypercall_table[op](args);
}

/* "hv: dN hypercalls: OP xCOUNT [sub-ops] ...", one line, wrapped by printk
 * calls per hypercall. */
void hypercall_report(const struct domain *d)
{
    bool any = false;

    for (unsigned int op = 0; op < NR_HYPERCALLS; op++) {
        if (!d->hypercall_count[op])
            continue;
        if (!any)
            printk("hv: d%u hypercalls (number xcount [sub-ops]):", d->domain_id);
        any = true;
        printk(" %u x%u", op, d->hypercall_count[op]);
        if (d->hypercall_subops[op]) {
            const char *sep = " [";

            for (unsigned int sub = 0; sub < 64; sub++)
                if (d->hypercall_subops[op] & (1ULL << sub)) {
                    printk("%s%u", sep, sub);
                    sep = ",";
                }
            printk("]");
        }
    }
    if (any)
        printk("\n");
}

__hot_path bool hypercall_preempt_check(void)
{
    if (current->arch.in_multicall)
        return false;
    return softirq_pending(smp_processor_id()) || sched_pending();
}

long hypercall_create_continuation(unsigned int op, u64 a0, u64 a1, u64 a2,
                                   u64 a3, u64 a4)
{
    struct cpu_user_regs *regs = &get_cpu_info()->guest_regs;

    ASSERT(!current->arch.in_multicall);
    if (current->hvm) {
        const u64 args[5] = { a0, a1, a2, a3, a4 };

        return hvm_hypercall_continuation(op, args);
    }
    regs->rax = op;
    regs->rdi = a0;
    regs->rsi = a1;
    regs->rdx = a2;
    regs->r10 = a3;
    regs->r8 = a4;
    current->arch.hcall_preempted = true;
    return op;
}

static __hot_path void pv_hypercall(struct cpu_user_regs *regs)
{
    struct vcpu *v = current;
    u64 args[5];
    long ret;

    /* Every guest system call and exception ends in iret: straight to it. */
    if (regs->rax == __HYPERVISOR_iret) {
        hypercall_account(v->domain, __HYPERVISOR_iret, regs->rdi);
        regs->rax = do_iret(regs);
        return;
    }
    args[0] = regs->rdi;
    args[1] = regs->rsi;
    args[2] = regs->rdx;
    args[3] = regs->r10;
    args[4] = regs->r8;
    v->arch.hcall_preempted = false;
    ret = hypercall_call(regs->rax, args);
    /* SYSCALL is 2 bytes: stepping back re-executes the continuation. */
    if (v->arch.hcall_preempted)
        regs->rip -= 2;
    else
        regs->rax = ret;
}

__hot_path void pv_syscall_entry(struct cpu_user_regs *regs)
{
    struct vcpu *v = current;

    if (is_idle_vcpu(v))
        do_syscall_unhandled(regs);
    local_irq_enable();
    if (v->arch.kernel_mode)
        pv_hypercall(regs);
    else
        pv_bounce_syscall(regs);
}

/* 32-bit user code: bounce to its callback (never a hypercall). */
void pv_cstar_entry(struct cpu_user_regs *regs)
{
    if (is_idle_vcpu(current))
        do_syscall_unhandled(regs);
    local_irq_enable();
    pv_bounce_syscall(regs);
}
