/*
 * Guest kernel/user transitions: the iret hypercall, the kernel/user mode
 * toggle (CR3 and GS base), and set_segment_base.
 */
#include <hv/domain.h>
#include <hv/hypercall.h>
#include <hv/guest_access.h>
#include <hv/processor.h>
#include <hv/extable.h>
#include <hv/page.h>
#include <hv/traps.h>
#include <hv/errno.h>
#include <hv/lib.h>
#include <hv/vtime.h>
#include <public/segbase.h>
#include "private.h"

mfn_t pv_current_l4(const struct vcpu *v)
{
    return v->arch.kernel_mode ? v->guest_table : v->guest_table_user;
}

/*
 * Kernel and user mode have their own L4 and their own GS base: the
 * active one is in MSR_GS_BASE, the other in MSR_SHADOW_GS_BASE, and
 * swapgs exchanges them (hv itself never uses GS).
 *
 * The user L4 is loaded last thing on the way out (pv_prepare_exit), not
 * here: a CR3 write drops the TLB (under QEMU TCG also every block
 * lookup), and what hv does until the exit would pay for it again.  Until
 * then the kernel L4, a superset of the user one, stays loaded; hv runs
 * no guest code and touches no user memory for the guest meanwhile.  A
 * bounce back to kernel mode before the exit cancels the load, and a
 * context switch drops it (it loads the vCPU's tables itself).
 */
__hot_path void toggle_guest_mode(struct vcpu *v)
{
    struct cpu_info *ci = get_cpu_info();

    ASSERT(v == ci->current_vcpu);
    v->arch.kernel_mode = !v->arch.kernel_mode;
    asm volatile("swapgs" ::: "memory");
    if (!v->arch.kernel_mode)
        ci->exit_cr3 = mfn_to_maddr(v->guest_table_user);
    else if (ci->exit_cr3)
        ci->exit_cr3 = 0;
    else
        write_cr3(mfn_to_maddr(v->guest_table));
    if (v->arch.kernel_mode && v->arch.runstate_update_pending)
        v->arch.runstate_update_pending = !vcpu_update_runstate_area(v);
    if (v->arch.kernel_mode && v->arch.time_update_pending)
        v->arch.time_update_pending = !update_vcpu_time_area(v);
}

__hot_path long do_iret(struct cpu_user_regs *regs)
{
    struct vcpu *v = current;
    struct iret_context ctx;
    u16 segs[4];

    if (!v->arch.kernel_mode) {
        domain_crash(v->domain, "iret hypercall from guest user mode");
        return 0;
    }
    if (copy_from_guest(&ctx, regs->rsp, sizeof(ctx))) {
        domain_crash(v->domain, "iret frame not readable");
        return 0;
    }
    if ((ctx.cs & 3) == 3) {
        if (v->guest_table_user == 0) {
            domain_crash(v->domain, "iret to user mode without a user page table");
            return 0;
        }
        toggle_guest_mode(v);
    }
    if (vm_assist_enabled(v->domain, VMASST_TYPE_architectural_iopl))
        v->arch.iopl = ctx.rflags & X86_EFLAGS_IOPL;

    regs->rip = ctx.rip;
    regs->cs = ctx.cs | 3;
    regs->rflags = (ctx.rflags & ~(X86_EFLAGS_IOPL | X86_EFLAGS_VM)) | X86_EFLAGS_IF;
    regs->rsp = ctx.rsp;
    regs->ss = ctx.ss | 3;
    if (ctx.flags & VGCF_in_syscall) {
        /* As SYSRET would leave them. */
        regs->rcx = ctx.rip;
        regs->r11 = regs->rflags;
    } else {
        regs->rcx = ctx.rcx;
        regs->r11 = ctx.r11;
        regs->entry_vector &= ~TRAP_syscall;   /* IRETQ keeps them */
    }
    v->vcpu_info->evtchn_upcall_mask = !(ctx.rflags & X86_EFLAGS_IF);

    /* Selectors or RIP the CPU would refuse: the failsafe callback. */
    if (!pv_guest_selectors_ok(v, regs->cs, regs->ss) ||
        !is_canonical_address(regs->rip)) {
        pv_read_segs(segs);
        pv_bounce_failsafe(v, regs, segs);
    }
    return ctx.rax;
}

/* Loads the user GS selector (GDT/LDT) and caches the base it brings. */
static void load_user_gs_selector(struct vcpu *v, u16 sel)
{
    unsigned int fault = 0;

    if (sel > 3)
        sel |= 3;
    asm volatile("swapgs" ::: "memory");
    asm volatile("1: mov %k[sel], %%gs\n"
                 "2:\n"
                 ".pushsection .text.fixup, \"ax\"\n"
                 "3: mov $1, %[fault]\n"
                 "   jmp 2b\n"
                 ".popsection\n"
                 _ASM_EXTABLE(1b, 3b)
                 : [fault] "+r"(fault) : [sel] "r"((u32)sel));
    if (fault)
        asm volatile("mov %k0, %%gs" :: "r"(0));
    v->arch.gs_base_user = rdmsr(MSR_GS_BASE);
    asm volatile("swapgs" ::: "memory");
}

long do_set_segment_base(unsigned int which, u64 base)
{
    struct vcpu *v = current;

    if (which != SEGBASE_GS_USER_SEL && !is_canonical_address(base))
        return -EINVAL;
    switch (which) {
    case SEGBASE_FS:
        wrmsr(MSR_FS_BASE, base);
        v->arch.fs_base = base;
        return 0;
    case SEGBASE_GS_USER:
        /* In kernel mode the user base is the inactive one. */
        wrmsr(MSR_SHADOW_GS_BASE, base);
        v->arch.gs_base_user = base;
        return 0;
    case SEGBASE_GS_KERNEL:
        wrmsr(MSR_GS_BASE, base);
        v->arch.gs_base_kernel = base;
        return 0;
    case SEGBASE_GS_USER_SEL:
        load_user_gs_selector(v, (u16)base);
        return 0;
    default:
        return -EINVAL;
    }
}
