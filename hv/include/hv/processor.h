/* Control registers, MSRs, CPUID and other privileged instructions. */
#ifndef HV_PROCESSOR_H
#define HV_PROCESSOR_H

#define X86_CR0_PE   0x00000001
#define X86_CR0_MP   0x00000002
#define X86_CR0_EM   0x00000004
#define X86_CR0_TS   0x00000008
#define X86_CR0_ET   0x00000010
#define X86_CR0_NE   0x00000020
#define X86_CR0_WP   0x00010000
#define X86_CR0_AM   0x00040000
#define X86_CR0_PG   0x80000000

#define X86_CR4_DE         0x00000008
#define X86_CR4_PAE        0x00000020
#define X86_CR4_PGE        0x00000080
#define X86_CR4_OSFXSR     0x00000200
#define X86_CR4_OSXMMEXCPT 0x00000400
#define X86_CR4_FSGSBASE   0x00010000
#define X86_CR4_OSXSAVE    0x00040000
#define X86_CR4_SMEP       0x00100000
#define X86_CR4_SMAP       0x00200000

#define X86_EFLAGS_CF   0x00000001
#define X86_EFLAGS_TF   0x00000100
#define X86_EFLAGS_IF   0x00000200
#define X86_EFLAGS_DF   0x00000400
#define X86_EFLAGS_NT   0x00004000
#define X86_EFLAGS_RF   0x00010000
#define X86_EFLAGS_VM   0x00020000
#define X86_EFLAGS_AC   0x00040000

#define MSR_EFER            0xc0000080
#define EFER_SCE            (1 << 0)
#define EFER_LME            (1 << 8)
#define EFER_LMA            (1 << 10)
#define EFER_NXE            (1 << 11)
#define EFER_SVME           (1 << 12)
#define MSR_STAR            0xc0000081
#define MSR_LSTAR           0xc0000082
#define MSR_CSTAR           0xc0000083
#define MSR_SYSCALL_MASK    0xc0000084
#define MSR_FS_BASE         0xc0000100
#define MSR_GS_BASE         0xc0000101
#define MSR_SHADOW_GS_BASE  0xc0000102
#define MSR_IA32_SYSENTER_CS 0x174
#define MSR_IA32_APIC_BASE  0x1b
#define MSR_IA32_FEATURE_CONTROL 0x3a
#define MSR_IA32_PAT        0x277
#define MSR_IA32_TSC_DEADLINE 0x6e0
#define MSR_IA32_VMX_PROCBASED_CTLS  0x482
#define MSR_IA32_VMX_PROCBASED_CTLS2 0x48b
#define MSR_K8_VM_CR        0xc0010114
#define VM_CR_SVMDIS        (1 << 4)

#ifndef __ASSEMBLY__
#include <hv/types.h>
#include <hv/flushtlb.h>

static inline void cpuid_count(u32 leaf, u32 sub, u32 *a, u32 *b, u32 *c, u32 *d)
{
    asm volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d)
                 : "a"(leaf), "c"(sub));
}

static inline void cpuid(u32 leaf, u32 *a, u32 *b, u32 *c, u32 *d)
{
    cpuid_count(leaf, 0, a, b, c, d);
}

static inline u64 rdmsr(u32 msr)
{
    u32 lo, hi;

    asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((u64)hi << 32) | lo;
}

static inline void wrmsr(u32 msr, u64 val)
{
    asm volatile("wrmsr" :: "c"(msr), "a"((u32)val), "d"((u32)(val >> 32))
                 : "memory");
}

/* rdmsr/wrmsr that return -EFAULT instead of taking #GP (extable). */
int rdmsr_safe(u32 msr, u64 *val);
int wrmsr_safe(u32 msr, u64 val);

static inline u64 rdtsc(void)
{
    u32 lo, hi;

    asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((u64)hi << 32) | lo;
}

#define DEFINE_CR_ACCESSORS(n)                                          \
static inline unsigned long read_cr##n(void)                            \
{                                                                       \
    unsigned long v;                                                    \
    asm volatile("mov %%cr" #n ", %0" : "=r"(v));                       \
    return v;                                                           \
}                                                                       \
static inline void write_cr##n(unsigned long v)                         \
{                                                                       \
    asm volatile("mov %0, %%cr" #n :: "r"(v) : "memory");              \
}
DEFINE_CR_ACCESSORS(0)
DEFINE_CR_ACCESSORS(2)
DEFINE_CR_ACCESSORS(4)
#undef DEFINE_CR_ACCESSORS

static inline unsigned long read_cr3(void)
{
    unsigned long v;

    asm volatile("mov %%cr3, %0" : "=r"(v));
    return v;
}

/* Counted in tlb_clock (hv/flushtlb.h). */
static inline void write_cr3(unsigned long v)
{
    asm volatile("mov %0, %%cr3" :: "r"(v) : "memory");
    tlb_clock++;
}

/* Debug registers: hv never uses them; HVM backends switch the guest's,
 * pv/debugreg.c a PV guest's. */
#define DEFINE_DR_ACCESSORS(n)                                          \
static inline u64 read_dr##n(void)                                      \
{                                                                       \
    u64 v;                                                              \
    asm volatile("mov %%db" #n ", %0" : "=r"(v));                       \
    return v;                                                           \
}                                                                       \
static inline void write_dr##n(u64 v)                                   \
{                                                                       \
    asm volatile("mov %0, %%db" #n :: "r"(v));                          \
}
DEFINE_DR_ACCESSORS(0)
DEFINE_DR_ACCESSORS(1)
DEFINE_DR_ACCESSORS(2)
DEFINE_DR_ACCESSORS(3)
DEFINE_DR_ACCESSORS(6)
DEFINE_DR_ACCESSORS(7)
#undef DEFINE_DR_ACCESSORS

static inline void invlpg(unsigned long va)
{
    asm volatile("invlpg (%0)" :: "r"(va) : "memory");
}

static inline void local_irq_disable(void) { asm volatile("cli" ::: "memory"); }
static inline void local_irq_enable(void)  { asm volatile("sti" ::: "memory"); }

static inline unsigned long local_save_flags(void)
{
    unsigned long f;

    asm volatile("pushf; pop %0" : "=r"(f) :: "memory");
    return f;
}

static inline unsigned long local_irq_save(void)
{
    unsigned long f = local_save_flags();

    local_irq_disable();
    return f;
}

static inline void local_irq_restore(unsigned long f)
{
    if (f & X86_EFLAGS_IF)
        local_irq_enable();
}

/* Waits for an interrupt with interrupts enabled (sti's shadow covers hlt). */
static inline void safe_halt(void) { asm volatile("sti; hlt" ::: "memory"); }

static inline void cpu_relax(void) { __builtin_ia32_pause(); }

#endif /* __ASSEMBLY__ */
#endif
