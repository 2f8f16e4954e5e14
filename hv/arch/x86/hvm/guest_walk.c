/*
 * Guest linear to guest-physical translation by walking the guest's own
 * page tables (in guest-physical memory) in whichever paging mode CR0,
 * CR4 and EFER select.  Used to fetch an instruction that faulted on
 * MMIO when the CPU did not hand its bytes over, and for the buffers of
 * HVM hypercalls (which also need to know whether the mapping allows
 * writes).
 */
#include <hv/hvm.h>
#include <hv/hvm_emulate.h>
#include <hv/processor.h>
#include <hv/errno.h>

#define X86_CR4_PSE     0x00000010
#define PTE_P           0x001ull
#define PTE_RW          0x002ull
#define PTE_PS          0x080ull
#define ADDR_MASK       0x000ffffffffff000ull

static int read_entry(gphys_read_fn read, void *ctx, u64 gpa, unsigned int size,
                      u64 *e)
{
    *e = 0;
    if (read(ctx, gpa, e, size))
        return -EFAULT;
    return *e & PTE_P ? 0 : -EFAULT;
}

/* A write needs R/W at every level (PAE's PDPTEs have no R/W bit). */
static void note_rw(bool *writable, u64 e)
{
    if (!(e & PTE_RW))
        *writable = false;
}

/* 32-bit paging: 1024-entry tables of 4-byte entries, 4 MiB pages. */
static int walk_2level(const struct hvm_paging *p, u32 va, u64 *gpa,
                       bool *writable, gphys_read_fn read, void *ctx)
{
    u64 pde, pte;

    if (read_entry(read, ctx, (p->cr3 & 0xfffff000) + (va >> 22) * 4, 4, &pde))
        return -EFAULT;
    note_rw(writable, pde);
    if ((pde & PTE_PS) && (p->cr4 & X86_CR4_PSE)) {
        /* PSE-36: bits 13-20 of the entry are address bits 32-39. */
        *gpa = (pde & 0xffc00000) | ((pde & 0x1fe000) << 19) | (va & 0x3fffff);
        return 0;
    }
    if (read_entry(read, ctx, (pde & 0xfffff000) + ((va >> 12) & 0x3ff) * 4, 4, &pte))
        return -EFAULT;
    note_rw(writable, pte);
    *gpa = (pte & 0xfffff000) | (va & 0xfff);
    return 0;
}

/* PAE and long mode: 512-entry tables from level `levels` down. */
static int walk_64(u64 table, unsigned int levels, u64 va, u64 *gpa,
                   bool *writable, gphys_read_fn read, void *ctx)
{
    for (unsigned int level = levels; level >= 1; level--) {
        unsigned int shift = 12 + 9 * (level - 1);
        u64 e;

        if (read_entry(read, ctx, table + ((va >> shift) & 511) * 8, 8, &e))
            return -EFAULT;
        note_rw(writable, e);
        if (level == 1 || ((level == 2 || level == 3) && (e & PTE_PS))) {
            u64 page_mask = (1ull << shift) - 1;

            *gpa = (e & ADDR_MASK & ~page_mask) | (va & page_mask);
            return 0;
        }
        table = e & ADDR_MASK;
    }
    return -EFAULT;
}

int guest_walk_rw(const struct hvm_paging *p, u64 va, u64 *gpa, bool *writable,
                  gphys_read_fn read, void *ctx)
{
    u64 pdpte;

    *writable = true;
    if (!(p->cr0 & X86_CR0_PG)) {
        *gpa = (p->efer & EFER_LMA) ? va : (u32)va;
        return 0;
    }
    if (p->efer & EFER_LMA)
        return walk_64(p->cr3 & ADDR_MASK, 4, va, gpa, writable, read, ctx);
    if (!(p->cr4 & X86_CR4_PAE))
        return walk_2level(p, va, gpa, writable, read, ctx);
    /* PAE: CR3 points at four 8-byte PDPTEs, 32-byte aligned. */
    if (read_entry(read, ctx, (p->cr3 & 0xffffffe0) + ((va >> 30) & 3) * 8, 8, &pdpte))
        return -EFAULT;
    return walk_64(pdpte & ADDR_MASK, 2, (u32)va, gpa, writable, read, ctx);
}

int guest_walk(const struct hvm_paging *p, u64 va, u64 *gpa, gphys_read_fn read,
               void *ctx)
{
    bool writable;

    return guest_walk_rw(p, va, gpa, &writable, read, ctx);
}
