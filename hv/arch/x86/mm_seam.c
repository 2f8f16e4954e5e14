/*
 * hv's side of the mm seam (hv/mm_seam.h) that has no better home: the
 * root of hv's page tables, page-table pages from the heap, and loading a
 * guest's new kernel L4.
 */
#include <hv/mm_seam.h>
#include <hv/mm.h>
#include <hv/lib.h>
#include <hv/page.h>
#include <hv/percpu.h>
#include <hv/processor.h>

__hot_path const u64 *hv_root_l4(void)
{
    return maddr_to_virt(idle_pg_table_maddr());
}

__hot_path struct vcpu *current_vcpu(void)
{
    return current;
}

mfn_t heap_pt_page(void)
{
    void *p = alloc_xenheap_pages(0);

    if (!p)
        return INVALID_MFN;
    memset(p, 0, PAGE_SIZE);
    return virt_to_mfn(p);
}

__hot_path void load_guest_cr3(mfn_t l4_mfn)
{
    write_cr3(mfn_to_maddr(l4_mfn));
}
