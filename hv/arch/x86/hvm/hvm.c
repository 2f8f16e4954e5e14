/*
 * The arch-neutral HVM core: choosing the backend at boot, HVM state of
 * domains and vCPUs, context-switch hooks, the path back into the guest
 * and the exits every backend handles the same way (HLT, hypercalls),
 * plus the per-domain exit statistics.
 */
#include <hv/hvm.h>
#include <hv/hvm_io.h>
#include <hv/hvm_irq.h>
#include <hv/cpufeature.h>
#include <hv/sched.h>
#include <hv/percpu.h>
#include <hv/processor.h>
#include <hv/mapping.h>
#include <hv/mm.h>
#include <hv/errno.h>
#include <hv/lib.h>

BUILD_BUG_ON(offsetof(struct hvm_regs, rcx) != HVM_REGS_RCX);
BUILD_BUG_ON(offsetof(struct hvm_regs, rdi) != HVM_REGS_RDI);
BUILD_BUG_ON(offsetof(struct hvm_regs, r8) != HVM_REGS_R8);
BUILD_BUG_ON(offsetof(struct hvm_regs, r15) != HVM_REGS_R15);

const struct hvm_arch_ops *hvm_ops;
static const char *unavailable_reason = "hvm: not initialised";

static const char *const exit_names[HVM_NR_EXIT_REASONS] = {
    [HVM_EXIT_IO] = "io",
    [HVM_EXIT_MMIO] = "mmio",
    [HVM_EXIT_HLT] = "hlt",
    [HVM_EXIT_INTR] = "intr",
    [HVM_EXIT_NMI] = "nmi",
    [HVM_EXIT_VINTR] = "vintr",
    [HVM_EXIT_CPUID] = "cpuid",
    [HVM_EXIT_MSR] = "msr",
    [HVM_EXIT_CR] = "cr",
    [HVM_EXIT_VMMCALL] = "vmmcall",
    [HVM_EXIT_EXCEPTION] = "exception",
    [HVM_EXIT_NPF] = "npf",
    [HVM_EXIT_SHUTDOWN] = "shutdown",
    [HVM_EXIT_OTHER] = "other",
};

void hvm_init(void)
{
    if (cpu_has_svm && cpu_has_npt)
        hvm_ops = svm_start();
    else if (cpu_has_vmx && cpu_has_ept)
        hvm_ops = vmx_start();
    if (hvm_ops) {
        unavailable_reason = NULL;
        printk("hvm: %s enabled: HVM domains available\n", hvm_ops->name);
        return;
    }
    if (cpu_has_svm)
        unavailable_reason = cpu_has_npt
            ? "hvm: SVM could not be started: HVM domains unavailable"
            : "hvm: SVM without nested paging: HVM domains unavailable";
    else if (cpu_has_vmx)
        unavailable_reason = cpu_has_ept
            ? "hvm: VMX could not be started: HVM domains unavailable"
            : "hvm: VMX without EPT: HVM domains unavailable";
    else
        unavailable_reason = "hvm: no SVM/VMX on this CPU: HVM domains unavailable";
    printk("%s\n", unavailable_reason);
}

const char *hvm_unavailable_reason(void)
{
    return unavailable_reason;
}

int hvm_domain_initialise(struct domain *d)
{
    if (!hvm_ops)
        return -EOPNOTSUPP;
    d->hvm = xzalloc(sizeof(*d->hvm));
    if (!d->hvm)
        return -ENOMEM;
    return hvm_ops->domain_init(d);
}

static void print_exit_counts(struct domain *d)
{
    char line[256];
    u64 total = 0;
    int n = 0;

    for (unsigned int i = 0; i < HVM_NR_EXIT_REASONS; i++)
        total += d->hvm->exits[i];
    for (unsigned int i = 0; i < HVM_NR_EXIT_REASONS && n < (int)sizeof(line); i++)
        if (d->hvm->exits[i])
            n += snprintf(line + n, sizeof(line) - n, "%s%s %lu", n ? ", " : "",
                          exit_names[i], (unsigned long)d->hvm->exits[i]);
    printk("hvm: domain %u exits: %lu total: %s\n", d->domain_id,
           (unsigned long)total, n ? line : "none");
}

void hvm_domain_destroy(struct domain *d)
{
    if (!d->hvm)
        return;
    if (d->hvm->platform_ready)
        print_exit_counts(d);
    ioreq_destroy_all(d);
    hvm_platform_destroy(d);
    for (unsigned int i = 0; i < MAX_VIRT_CPUS; i++)
        if (d->vcpu[i] && d->vcpu[i]->hvm)
            stop_timer(&d->vcpu[i]->hvm->vlapic.timer);
    hvm_p2m_teardown(d);
}

void hvm_domain_free(struct domain *d)
{
    if (!d->hvm)
        return;
    hvm_ops->domain_destroy(d);
    xfree(d->hvm);
    d->hvm = NULL;
}

int hvm_vcpu_initialise(struct vcpu *v)
{
    v->hvm = xzalloc(sizeof(*v->hvm));
    if (!v->hvm)
        return -ENOMEM;
    vlapic_init(v);
    return hvm_ops->vcpu_init(v);
}

void hvm_vcpu_destroy(struct vcpu *v)
{
    if (!v->hvm)
        return;
    stop_timer(&v->hvm->vlapic.timer);
    hvm_ops->vcpu_destroy(v);
    xfree(v->hvm);
    v->hvm = NULL;
}

void hvm_ctxt_switch_from(struct vcpu *v)
{
    hvm_ops->ctxt_switch_from(v);
}

void hvm_ctxt_switch_to(struct vcpu *v)
{
    /* No PV page tables stay loaded under an HVM guest: their domain may
     * die while this vCPU runs. */
    write_cr3(idle_pg_table_maddr());
    hvm_ops->ctxt_switch_to(v);
}

void hvm_resume(void)
{
    hvm_ops->resume();
}

/*
 * The way into the guest: run softirqs, reschedule if asked or if the
 * vCPU may not run, destroy dead domains, finish an I/O an ioreq server
 * answered, until nothing is left.  Returns with interrupts off.
 */
void hvm_prepare_entry(void)
{
    unsigned int cpu = smp_processor_id();

    for (;;) {
        struct vcpu *v;

        local_irq_disable();
        if (exit_work_pending(cpu) && run_pending_work(cpu))
            continue;
        v = current;
        if (v->hvm->io_wait.active) {
            local_irq_enable();
            ioreq_wait_pending(v);
        } else {
            break;
        }
    }
}

void hvm_count_exit(struct vcpu *v, enum hvm_exit_reason r)
{
    v->domain->hvm->exits[r]++;
}

void hvm_dump_vcpu(struct vcpu *v)
{
    hvm_ops->dump(v);
}

void hvm_inject_exception(struct vcpu *v, unsigned int vector, bool has_ec,
                          u32 ec)
{
    hvm_ops->inject_exception(v, vector, has_ec, ec);
}

void hvm_inject_page_fault(struct vcpu *v, u32 ec, u64 cr2)
{
    hvm_ops->set_cr2(v, cr2);
    hvm_ops->inject_exception(v, 14, true, ec);
}

/*
 * HLT: the vCPU sleeps until an interrupt it can take is pending.  With
 * interrupts off only an NMI would wake a real CPU, and hv sends none:
 * the vCPU stays stopped until its domain goes.
 */
void hvm_handle_hlt(struct vcpu *v)
{
    if (!(v->hvm->regs.rflags & X86_EFLAGS_IF)) {
        if (!v->hvm->halted_irqs_off)
            printk("hvm: domain %u vcpu %u halted with interrupts off\n",
                   v->domain->domain_id, v->vcpu_id);
        v->hvm->halted_irqs_off = true;
        vcpu_pause_flag(v, VPF_blocked);
        return;
    }
    if (hvm_vcpu_pending_intr(v).source == HVM_INTR_NONE)
        vcpu_pause_flag(v, VPF_blocked);
}

void hvm_vcpu_kick(struct vcpu *v)
{
    if ((v->pause_flags & VPF_blocked) && !v->hvm->halted_irqs_off &&
        !v->hvm->io_wait.active &&
        hvm_vcpu_pending_intr(v).source != HVM_INTR_NONE)
        vcpu_unblock(v);
}

