/*
 * EFER.LME set while paging is off and CR4.PAE clear (docs/hvm.md): RDMSR
 * returns it, LMA stays clear, CR0 writes other than PG go on working,
 * PG is a #GP, and once PAE is set, turning paging on enters long mode
 * (compatibility mode: this code stays 32-bit) and turning it off leaves
 * it.  Under QEMU's SVM the first step once left hv running with paging
 * off after the next #VMEXIT.  Interrupts are off throughout: the IDT is
 * a 32-bit one, which long mode cannot use.
 */
#include "hvmtest.h"

#define CR0_MP          (1u << 1)
#define CR0_TS          (1u << 3)

/* 4-level tables mapping the first GiB 1:1 with 2 MiB pages. */
static uint64_t pml4[512] __attribute__((aligned(4096)));
static uint64_t pdpt[512] __attribute__((aligned(4096)));
static uint64_t pd[512] __attribute__((aligned(4096)));

uint32_t long_mode_identity_map(void)
{
    for (unsigned int i = 0; i < 512; i++)
        pd[i] = ((uint64_t)i << 21) | PDE_PS | PTE_RW | PTE_P;
    pdpt[0] = (uint32_t)pd | PTE_RW | PTE_P;
    pml4[0] = (uint32_t)pdpt | PTE_RW | PTE_P;
    return (uint32_t)pml4;
}

static uint32_t read_cr0(void)
{
    uint32_t v;

    asm volatile("mov %%cr0, %0" : "=r"(v));
    return v;
}

static uint32_t read_cr4(void)
{
    uint32_t v;

    asm volatile("mov %%cr4, %0" : "=r"(v));
    return v;
}

static void write_cr4(uint32_t v)
{
    asm volatile("mov %0, %%cr4" :: "r"(v) : "memory");
}

static uint64_t efer(void)
{
    uint64_t v = ~0ull;

    rdmsr_safe(MSR_EFER, &v);
    return v;
}

/* MOV to CR0 through EAX (0f 22 c0, 3 bytes): true if it was a #GP. */
static bool write_cr0_faults(uint32_t v)
{
    expect_fault(13, 3);
    asm volatile("mov %0, %%cr0" :: "a"(v) : "memory");
    return faulted();
}

/*
 * Paging on, EFER read, paging off: one asm block, so nothing runs in
 * long mode that could fault.  Returns EFER as read with paging on.
 */
static uint64_t efer_with_paging(uint32_t cr0)
{
    uint32_t lo, hi;

    asm volatile("mov %2, %%cr0\n\t"
                 "rdmsr\n\t"
                 "mov %3, %%cr0"
                 : "=&a"(lo), "=&d"(hi)
                 : "r"(cr0 | CR0_PG), "r"(cr0), "c"(MSR_EFER)
                 : "memory");
    return ((uint64_t)hi << 32) | lo;
}

void check_efer_lme(void)
{
    uint32_t cr0 = read_cr0(), cr4 = read_cr4(), flags;
    uint64_t e0 = efer(), e;

    asm volatile("pushf; pop %0; cli" : "=r"(flags) :: "memory");
    asm volatile("mov %0, %%cr3" :: "r"(long_mode_identity_map()) : "memory");
    check(!(cr0 & CR0_PG) && !(cr4 & CR4_PAE) && !(e0 & (EFER_LME | EFER_LMA)),
          "EFER.LME: starts with paging off, PAE and LME clear");

    check(wrmsr_safe(MSR_EFER, e0 | EFER_LME), "EFER.LME: set with CR4.PAE clear");
    e = efer();
    check((e & EFER_LME) && !(e & EFER_LMA), "EFER.LME: reads back, LMA clear");
    check(!write_cr0_faults(cr0 | CR0_TS) && read_cr0() == (cr0 | CR0_TS),
          "EFER.LME without PAE: MOV to CR0 (TS) works");
    asm volatile("clts" ::: "memory");
    check(read_cr0() == cr0, "EFER.LME without PAE: CLTS works");
    asm volatile("lmsw %w0" :: "r"(cr0 | CR0_MP) : "memory");
    check(read_cr0() == (cr0 | CR0_MP), "EFER.LME without PAE: LMSW works");
    asm volatile("mov %0, %%cr0" :: "r"(cr0) : "memory");
    check(write_cr0_faults(cr0 | CR0_PG) && !(read_cr0() & CR0_PG),
          "EFER.LME without PAE: CR0.PG is a #GP");

    write_cr4(cr4 | CR4_PAE);
    e = efer();
    check((e & EFER_LME) && !(e & EFER_LMA), "EFER.LME with PAE: LMA still clear");
    e = efer_with_paging(cr0);
    check((e & EFER_LME) && (e & EFER_LMA), "EFER.LME: paging on enters long mode");
    e = efer();
    check((e & EFER_LME) && !(e & EFER_LMA) && !(read_cr0() & CR0_PG),
          "EFER.LME: paging off leaves long mode");

    write_cr4(cr4);
    e = efer();
    check((e & EFER_LME) && !(e & EFER_LMA) && !(read_cr4() & CR4_PAE),
          "EFER.LME: PAE cleared again, LME still reads back");
    check(write_cr0_faults(cr0 | CR0_PG) && !(read_cr0() & CR0_PG),
          "EFER.LME: PAE cleared again, CR0.PG is a #GP");

    check(wrmsr_safe(MSR_EFER, e0) && efer() == e0, "EFER.LME: cleared");
    check(!write_cr0_faults(cr0) && read_cr0() == cr0, "EFER.LME: CR0 as it was");
    asm volatile("push %0; popf" :: "r"(flags) : "memory", "cc");
}
