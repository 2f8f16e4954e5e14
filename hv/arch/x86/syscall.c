/*
 * SYSCALL setup.  SYSCALL does not switch stacks and hv may not use GS, so
 * LSTAR/CSTAR point at a per-CPU stub page that stashes RAX in the CPU's
 * cpu_info, loads the CPU's stack top (guest RSP kept in RAX) and jumps to
 * syscall_entry.  The PV code will replace the entry's C side.
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

#define STUB_VIRT(cpu) (STUBS_VIRT_START + (cpu) * PAGE_SIZE)

/* SYSCALL clears these RFLAGS bits: interrupts off, AC off (SMAP), etc. */
#define HV_SYSCALL_MASK (X86_EFLAGS_AC | X86_EFLAGS_VM | X86_EFLAGS_RF | \
                         X86_EFLAGS_NT | X86_EFLAGS_DF | X86_EFLAGS_IF | \
                         X86_EFLAGS_TF)

static unsigned int emit_stub(u8 *p, unsigned long stub_va, unsigned int cpu)
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
    p[n++] = 0xe9;                              /* jmp syscall_entry */
    rel = (long)syscall_entry - (long)(stub_va + n + 4);
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
    n = emit_stub(p, STUB_VIRT(cpu), cpu);
    BUG_ON(n > PAGE_SIZE);
    if (map_pages_to_hv(STUB_VIRT(cpu), virt_to_mfn(p), 1, PAGE_HV_RX))
        panic("syscall: cannot map the stub page");

    wrmsr(MSR_STAR, ((u64)HV_CS32_RING3 << 48) | ((u64)HV_CS << 32));
    wrmsr(MSR_LSTAR, STUB_VIRT(cpu));
    wrmsr(MSR_CSTAR, STUB_VIRT(cpu));
    wrmsr(MSR_SYSCALL_MASK, HV_SYSCALL_MASK);
    /* SYSENTER is unused: a zero CS makes it fault. */
    wrmsr(MSR_IA32_SYSENTER_CS, 0);
}
