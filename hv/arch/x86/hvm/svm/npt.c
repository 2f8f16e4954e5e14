/*
 * Nested page tables: guest-physical to host-physical, in the format of
 * long-mode page tables (4 levels, host-physical addresses).  The CPU
 * walks them as user accesses, so every entry has U set.  They map the
 * p2m's RAM and nothing else: an access anywhere else is a nested page
 * fault (MMIO, or a crash).  2 MiB pages where a 2 MiB-aligned guest
 * range is backed by one aligned 2 MiB block, 4 KiB pages elsewhere.
 *
 * The table frames are the domain's own (alloc_domheap_pages), counted in
 * its pages like its RAM and returned with it when it dies; hv writes
 * them through the direct map and never maps them into any guest.
 */
#include <hv/hvm.h>
#include <hv/mm.h>
#include <hv/page.h>
#include <hv/errno.h>
#include <hv/lib.h>
#include "svm.h"

#define NPT_TABLE   (_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED)
#define NPT_LEAF    (NPT_TABLE | _PAGE_DIRTY)

static intpte_t *new_table(struct domain *d)
{
    struct page_info *pg = alloc_domheap_pages(d, 0);

    return pg ? page_to_virt(pg) : NULL;     /* zeroed by the allocator */
}

/* The table below entry e (allocated if absent), or NULL. */
static intpte_t *next_table(struct domain *d, intpte_t *e)
{
    intpte_t *t;

    if (*e & _PAGE_PRESENT)
        return maddr_to_virt(*e & PTE_ADDR_MASK);
    t = new_table(d);
    if (t)
        *e = virt_to_maddr(t) | NPT_TABLE;
    return t;
}

static int map(struct domain *d, intpte_t *l4, u64 gpa, mfn_t mfn, bool large)
{
    intpte_t *l3, *l2, *l1;

    if (!(l3 = next_table(d, &l4[l4_table_offset(gpa)])) ||
        !(l2 = next_table(d, &l3[l3_table_offset(gpa)])))
        return -ENOMEM;
    if (large) {
        l2[l2_table_offset(gpa)] = mfn_to_maddr(mfn) | NPT_LEAF | _PAGE_PSE;
        return 0;
    }
    if (!(l1 = next_table(d, &l2[l2_table_offset(gpa)])))
        return -ENOMEM;
    l1[l1_table_offset(gpa)] = mfn_to_maddr(mfn) | NPT_LEAF;
    return 0;
}

/* Are gpfn.. gpfn+511 backed by one 2 MiB-aligned run of frames? */
static bool superpage_backed(const struct hvm_memory *m, u64 gpfn)
{
    mfn_t first = m->p2m[gpfn];

    if ((gpfn & 511) || gpfn + 512 > m->p2m_size || (first & 511))
        return false;
    for (unsigned int i = 1; i < 512; i++)
        if (m->p2m[gpfn + i] != first + i)
            return false;
    return true;
}

int svm_npt_build(struct domain *d)
{
    const struct hvm_memory *m = &d->hvm->mem;
    struct svm_domain *s = d->hvm->svm;
    intpte_t *l4 = new_table(d);
    u64 gpfn = 0;

    if (!l4)
        return -ENOMEM;
    s->npt_root = virt_to_mfn(l4);
    while (gpfn < m->p2m_size) {
        bool large;
        int rc;

        if (m->p2m[gpfn] == INVALID_MFN) {
            gpfn++;
            continue;
        }
        large = superpage_backed(m, gpfn);
        rc = map(d, l4, gpfn << PAGE_SHIFT, m->p2m[gpfn], large);
        if (rc)
            return rc;
        gpfn += large ? 512 : 1;
    }
    return 0;
}
