/*
 * Switching a CPU between PV vCPUs: the guest frame in cpu_info, the
 * page tables, the data selectors, the FS/GS bases and the FPU.  Also the
 * per-CPU and per-vCPU setup the PV model needs.
 */
#include <hv/domain.h>
#include <hv/desc.h>
#include <hv/processor.h>
#include <hv/percpu.h>
#include <hv/extable.h>
#include <hv/flushtlb.h>
#include <hv/mapping.h>
#include <hv/traps.h>
#include <hv/page.h>
#include <hv/errno.h>
#include <hv/lib.h>
#include "private.h"

/* The domain whose translations (global ones included) this CPU may
 * still hold in its TLB. */
static struct domain *tlb_domain[NR_CPUS];

bool tlb_guest_globals(void)
{
    const struct domain *d = tlb_domain[smp_processor_id()];

    return d && d->global_ptes;
}

/*
 * Vectors 3 and 4 get DPL 3 so `int3` and `into` trap with the right RIP
 * and reach the guest's handler; every other gate stays DPL 0, so `int $n`
 * becomes a #GP that pv_exception() checks against the guest's own DPL.
 */
static void idt_allow_guest(unsigned int vector)
{
    struct desc_ptr idtr;
    struct idt_gate *idt;

    asm volatile("sidt %0" : "=m"(idtr));
    idt = (struct idt_gate *)idtr.base;
    idt[vector].type_attr |= 3 << 5;
}

void pv_cpu_init(void)
{
    idt_allow_guest(TRAP_int3);
    idt_allow_guest(TRAP_overflow);
    fpu_init();
    wallclock_init();
}

int pv_vcpu_init(struct vcpu *v)
{
    v->arch.kernel_mode = true;
    v->arch.kernel_ss = FLAT_KERNEL_SS;
    v->arch.dr6 = 0xffff0ff0;       /* the CPU's reset values */
    v->arch.dr7 = 0x400;
    return fpu_alloc(v);
}

void pv_vcpu_destroy(struct vcpu *v)
{
    pv_destroy_gdt(v);
    fpu_free(v);
}

void pv_ctxt_save(struct vcpu *prev)
{
    struct pv_vcpu *a = &prev->arch;
    u16 segs[4];

    a->user_regs = get_cpu_info()->guest_regs;
    pv_read_segs(segs);
    a->ds = segs[0];
    a->es = segs[1];
    a->fs = segs[2];
    a->gs = segs[3];
    a->fs_base = rdmsr(MSR_FS_BASE);
    if (a->kernel_mode) {
        a->gs_base_kernel = rdmsr(MSR_GS_BASE);
        a->gs_base_user = rdmsr(MSR_SHADOW_GS_BASE);
    } else {
        a->gs_base_user = rdmsr(MSR_GS_BASE);
        a->gs_base_kernel = rdmsr(MSR_SHADOW_GS_BASE);
    }
    pv_save_debugregs(prev);
    fpu_switch_out(prev);
}

/* Loads a data selector; a selector the CPU refuses leaves it null. */
#define LOAD_SEG(seg, sel) ({                                           \
    unsigned int ok_ = 1;                                               \
    asm volatile("1: mov %k[s], %%" #seg "\n"                           \
                 "2:\n"                                                 \
                 ".pushsection .text.fixup, \"ax\"\n"                   \
                 "3: xor %k[ok], %k[ok]\n"                              \
                 "   mov %k[ok], %%" #seg "\n"                          \
                 "   jmp 2b\n"                                          \
                 ".popsection\n"                                        \
                 _ASM_EXTABLE(1b, 3b)                                   \
                 : [ok] "+r"(ok_) : [s] "r"((u32)(sel)));               \
    ok_; })

void pv_ctxt_load(struct vcpu *next)
{
    struct pv_vcpu *a = &next->arch;
    struct cpu_user_regs *regs = &get_cpu_info()->guest_regs;
    unsigned int cpu = smp_processor_id();
    paddr_t cr3 = mfn_to_maddr(pv_current_l4(next));
    bool ok;

    *regs = a->user_regs;
    fpu_switch_in(next);
    /* Back from idle, which ran on next's tables: nothing to flush. */
    if (read_cr3() != cr3)
        write_cr3(cr3);
    pv_load_cr4(next);
    /* Guests may map pages global: nothing of another domain may stay.
     * Without global entries the CR3 write above dropped them all. */
    if (tlb_domain[cpu] != next->domain) {
        if (tlb_guest_globals())
            flush_tlb_all();
        tlb_domain[cpu] = next->domain;
    }

    pv_load_descriptor_tables(next);
    pv_load_debugregs(next);
    pv_io_bitmap_off(cpu);
    ok = LOAD_SEG(ds, a->ds);
    ok &= LOAD_SEG(es, a->es);
    ok &= LOAD_SEG(fs, a->fs);
    ok &= LOAD_SEG(gs, a->gs);
    /* Loading a selector resets its base: bases go in afterwards. */
    wrmsr(MSR_FS_BASE, a->fs_base);
    wrmsr(MSR_GS_BASE, a->kernel_mode ? a->gs_base_kernel : a->gs_base_user);
    wrmsr(MSR_SHADOW_GS_BASE, a->kernel_mode ? a->gs_base_user : a->gs_base_kernel);

    if (!ok) {
        u16 segs[4] = { a->ds, a->es, a->fs, a->gs };

        pv_bounce_failsafe(next, regs, segs);
    }
}

void pv_forget_domain(struct domain *d)
{
    unsigned int cpu = smp_processor_id();

    if (is_idle_vcpu(current) && read_cr3() != idle_pg_table_maddr())
        write_cr3(idle_pg_table_maddr());
    /* A new domain may get d's address: it must not inherit d's globals. */
    if (tlb_domain[cpu] == d) {
        flush_tlb_all();
        tlb_domain[cpu] = NULL;
    }
}

void pv_iret_fault(void)
{
    struct vcpu *v = current;

    local_irq_enable();
    domain_crash(v->domain, "hv could not return to the guest (iretq faulted)");
    ret_to_guest();
}
