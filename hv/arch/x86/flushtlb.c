/*
 * TLB flushes.  With one CPU online the "all CPUs" variants are local;
 * they stay separate entry points so SMP only has to add the IPIs.
 */
#include <hv/flushtlb.h>
#include <hv/processor.h>

u64 tlb_clock;

void flush_tlb_local(void)
{
    write_cr3(read_cr3());
}

void flush_tlb_one_local(u64 va)
{
    invlpg(va);
}

/* Toggling CR4.PGE drops global entries too. */
void flush_tlb_all(void)
{
    unsigned long cr4 = read_cr4();

    if (cr4 & X86_CR4_PGE) {
        write_cr4(cr4 & ~X86_CR4_PGE);
        write_cr4(cr4);
        tlb_clock++;
    } else {
        flush_tlb_local();
    }
}

void flush_tlb_one_all(u64 va)
{
    invlpg(va);
}
