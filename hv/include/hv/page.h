/*
 * x86-64 page-table entry bits and the direct-map address conversions.
 * The direct map covers all RAM (and the whole first 4 GiB) from
 * DIRECTMAP_VIRT_START once paging_init() has run; before that, the boot
 * page tables map the first 4 GiB there.
 */
#ifndef HV_PAGE_H
#define HV_PAGE_H

#include <hv/layout.h>

#ifdef __ASSEMBLY__
#define _PAGE_PRESENT   0x001
#define _PAGE_RW        0x002
#define _PAGE_PSE       0x080
#else
#include <public/xen.h>     /* _PAGE_* bits, shared with the PV ABI */
#endif
#define _PAGE_PAT_LARGE _UL(0x1000) /* L2/L3 superpage: PAT index bit 2 */

#define PADDR_BITS      52
#define PADDR_MASK      ((_UL(1) << PADDR_BITS) - 1)
#define PTE_ADDR_MASK   (PADDR_MASK & ~_UL(0xfff))

#define L1_PAGETABLE_SHIFT 12
#define L2_PAGETABLE_SHIFT 21
#define L3_PAGETABLE_SHIFT 30
#define L4_PAGETABLE_SHIFT 39
#define PAGETABLE_ENTRIES  512

#ifndef __ASSEMBLY__
#include <hv/types.h>

typedef u64 intpte_t;

#define l1_table_offset(va) (((va) >> L1_PAGETABLE_SHIFT) & 511)
#define l2_table_offset(va) (((va) >> L2_PAGETABLE_SHIFT) & 511)
#define l3_table_offset(va) (((va) >> L3_PAGETABLE_SHIFT) & 511)
#define l4_table_offset(va) (((va) >> L4_PAGETABLE_SHIFT) & 511)

#define MB(x) ((u64)(x) << 20)
#define GB(x) ((u64)(x) << 30)

/* Image symbols from the linker script. */
extern char __image_start[], __text_end[], __rodata_end[], __bss_end[];

static inline void *maddr_to_virt(paddr_t ma)
{
    return (void *)(HV_VA(DIRECTMAP_VIRT_START) + ma);
}

/* Valid for direct-map addresses and for addresses inside the hv image. */
static inline paddr_t virt_to_maddr(const void *va)
{
    unsigned long v = (unsigned long)va;

    if (v >= HV_VA(DIRECTMAP_VIRT_START) && v < HV_VA(DIRECTMAP_VIRT_END))
        return v - HV_VA(DIRECTMAP_VIRT_START);
    return v - HV_VIRT_START;
}

static inline paddr_t mfn_to_maddr(mfn_t mfn) { return (paddr_t)mfn << PAGE_SHIFT; }
static inline mfn_t maddr_to_mfn(paddr_t ma)  { return ma >> PAGE_SHIFT; }
static inline void *mfn_to_virt(mfn_t mfn)    { return maddr_to_virt(mfn_to_maddr(mfn)); }
static inline mfn_t virt_to_mfn(const void *va) { return maddr_to_mfn(virt_to_maddr(va)); }

static inline bool is_canonical_address(unsigned long va)
{
    return ((long)va >> 47) == 0 || ((long)va >> 47) == -1;
}

#endif /* __ASSEMBLY__ */
#endif
