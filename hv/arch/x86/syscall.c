/*
 * SYSCALL setup.  SYSCALL does not switch stacks and hv may not use GS, so
 * LSTAR and CSTAR point at per-CPU stubs that stash RAX in the CPU's
 * cpu_info, load the CPU's stack top (guest RSP kept in RAX) and jump to
 * syscall_entry (64-bit callers) or cstar_entry (compatibility mode).
 */
#include <hv/desc.h>
#include <hv/percpu.h>
#include <hv/processor.h>
#include <hv/bootinfo.h>
#include <hv/mapping.h>
#include <hv/mm.h>
#include <hv/traps.h>
#include <hv/page.h>
#include <hv/setup.h>
#include <hv/lib.h>
#include <hv/pv.h>

#define STUB_VIRT(cpu) (STUBS_VIRT_START + (cpu) * PAGE_SIZE)
#define CSTAR_STUB_OFFSET 64

/* SYSCALL clears these RFLAGS bits: interrupts off, AC off (SMAP), etc. */
#define HV_SYSCALL_MASK (X86_EFLAGS_AC | X86_EFLAGS_VM | X86_EFLAGS_RF | \
                         X86_EFLAGS_NT | X86_EFLAGS_DF | X86_EFLAGS_IF | \
                         X86_EFLAGS_TF)

static unsigned int emit_stub(u8 *p, unsigned long stub_va, unsigned int cpu,
                              void (*target)(void))
{
    struct cpu_info *ci = cpu_info_of(cpu);
    unsigned long scratch = (unsigned long)&ci->scratch_rax;
    unsigned long stack = (unsigned long)&ci->guest_regs.es;
    unsigned int n = 0;
    long rel;

    p[n++] = 0x48; p[n++] = 0xa3;               /* movabs %rax, scratch */
    memcpy(p + n, &scratch, 8); n += 8;
    p[n++] = 0x48; p[n++] = 0x89; p[n++] = 0xe0; /* mov %rsp, %rax */
    p[n++] = 0x48; p[n++] = 0xbc;               /* movabs $stack, %rsp */
    memcpy(p + n, &stack, 8); n += 8;
    p[n++] = 0xe9;                              /* jmp target */
    rel = (long)target - (long)(stub_va + n + 4);
    BUG_ON(rel != (s32)rel);
    memcpy(p + n, &(s32){ rel }, 4); n += 4;
    return n;
}

void syscall_init(unsigned int cpu)
{
    u8 *p = alloc_xenheap_pages(0);
    unsigned int n;

    if (!p)
        panic("syscall: no memory for the stub page");

    memset(p, 0xcc, PAGE_SIZE);                 /* int3 everywhere else */
    n = emit_stub(p, STUB_VIRT(cpu), cpu, syscall_entry);
    BUG_ON(n > CSTAR_STUB_OFFSET);
    emit_stub(p + CSTAR_STUB_OFFSET, STUB_VIRT(cpu) + CSTAR_STUB_OFFSET, cpu,
              cstar_entry);
    if (map_pages_to_hv(STUB_VIRT(cpu), virt_to_mfn(p), 1, PAGE_HV_RX))
        panic("syscall: cannot map the stub page");

    wrmsr(MSR_STAR, ((u64)HV_CS32_RING3 << 48) | ((u64)HV_CS << 32));
    wrmsr(MSR_LSTAR, STUB_VIRT(cpu));
    wrmsr(MSR_CSTAR, STUB_VIRT(cpu) + CSTAR_STUB_OFFSET);
    wrmsr(MSR_SYSCALL_MASK, HV_SYSCALL_MASK);
    /* SYSENTER is unused: a zero CS makes it fault. */
    wrmsr(MSR_IA32_SYSENTER_CS, 0);
}
