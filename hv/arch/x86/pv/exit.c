/*
 * The way back to a guest (called from ret_to_guest in entry.S): run
 * pending softirqs, reschedule if asked or if the current vCPU may not
 * run, destroy dead domains, and deliver a pending event upcall, until
 * nothing is left to do.  Returns with interrupts off, right before the
 * guest frame is loaded, and whether SYSRET can load it.
 */
#include <hv/domain.h>
#include <hv/sched.h>
#include <hv/percpu.h>
#include <hv/processor.h>
#include <hv/page.h>
#include <hv/traps.h>
#include <hv/lib.h>
#include "private.h"

static void deliver_event(struct vcpu *v, struct cpu_user_regs *regs)
{
    struct trap_bounce tb = {
        .eip = v->arch.event_callback,
        .mask_events = true,
        .what = "event upcall with no event callback registered",
    };

    create_bounce_frame(v, regs, &tb);
}

/* Runs the work and delivers the events until there are none left. */
static void __attribute__((noinline)) pv_exit_work(unsigned int cpu,
                                                   struct cpu_user_regs *regs)
{
    for (;;) {
        struct vcpu *v;

        local_irq_disable();
        if (exit_work_pending(cpu) && run_pending_work(cpu))
            continue;
        v = current;
        if (vcpu_events_need_delivery(v)) {
            local_irq_enable();
            deliver_event(v, regs);
        } else {
            break;
        }
    }
}

__hot_path bool pv_prepare_exit(void)
{
    struct cpu_info *ci = get_cpu_info();
    struct cpu_user_regs *regs = &ci->guest_regs;

    /* Most exits have nothing to do: test that without a call. */
    local_irq_disable();
    if (exit_work_pending(ci->processor_id) ||
        vcpu_events_need_delivery(ci->current_vcpu))
        pv_exit_work(ci->processor_id, regs);
    /* The guest always runs with interrupts on and no I/O privilege. */
    regs->rflags = (regs->rflags | X86_EFLAGS_IF) &
                   ~(X86_EFLAGS_IOPL | X86_EFLAGS_VM);

    /*
     * SYSRET instead of IRETQ (as Xen): for a frame that came in by
     * SYSCALL, whose guest expects RCX and R11 clobbered, going to the
     * flat 64-bit ring-3 selectors SYSRET loads (STAR), at a canonical
     * RIP (SYSRET would fault in ring 0 otherwise).
     */
    bool sysret = regs->entry_vector == TRAP_syscall &&
                  regs->cs == FLAT_RING3_CS64 && regs->ss == FLAT_RING3_SS64 &&
                  is_canonical_address(regs->rip);

    if (sysret) {
        regs->rcx = regs->rip;
        regs->r11 = regs->rflags;
    }
    pv_io_bitmap_select(ci->processor_id, ci->current_vcpu);
    /* Last, so nothing but the frame's page is walked again after it. */
    if (ci->exit_cr3) {
        write_cr3(ci->exit_cr3);
        ci->exit_cr3 = 0;
    }
    return sysret;
}
