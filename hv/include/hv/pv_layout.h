/*
 * The initial virtual address space of a PV domain (fact sheet §3), as
 * pure arithmetic: where each part goes and how many page-table frames map
 * it all.  Used by the domain builder; host unit tests check the rules.
 *
 * From v_start = VIRT_BASE, at 4 KiB granularity:
 *   [kern_start, kern_end)     the kernel image (kern_start >= v_start)
 *   [initrd_start, initrd_end) the initrd (empty if none)
 *   [p2m_start, p2m_end)       the p2m, a u64 MFN per pfn
 *   startinfo                  one page
 *   store, console             one page each, domUs only (0 for dom0)
 *   [pt_start, pt_end)         page tables: L4, L3s, L2s, L1s
 *   [pt_end, stack_end)        one stack page
 * then padding to a 4 MiB boundary with at least 512 KiB to spare; the
 * whole [v_start, v_end) is mapped.
 */
#ifndef HV_PV_LAYOUT_H
#define HV_PV_LAYOUT_H

#include <hv/types.h>

struct pv_layout {
    u64 v_start, v_end;
    u64 kern_start, kern_end;
    u64 initrd_start, initrd_end;
    u64 p2m_start, p2m_end;
    u64 startinfo;
    u64 store, console;
    u64 pt_start, pt_end;
    u64 stack_end;
    unsigned int nr_pt;             /* page-table frames */
    unsigned int n3, n2, n1;        /* L3, L2 and L1 tables */
};

/*
 * Lays out a domain of nr_pages whose image spans [kstart, kend) from
 * virt_base.  Returns 0, or -EINVAL with a reason in err if VIRT_BASE is
 * not page aligned, the region leaves its half of the guest address space
 * (or touches hv's hole), or the mapping needs more than nr_pages pages.
 */
int pv_layout_compute(struct pv_layout *l, u64 virt_base, u64 kstart, u64 kend,
                      u64 initrd_len, u64 nr_pages, bool domu,
                      char *err, size_t errlen);

#endif
