/*
 * Nested page tables: guest-physical to host-physical, in the format of
 * long-mode page tables (4 levels, host-physical addresses).  The CPU
 * walks them as user accesses, so every entry has U set.  They map the
 * p2m's RAM and nothing else: an access anywhere else is a nested page
 * fault (MMIO, or a crash).  2 MiB pages where a 2 MiB-aligned guest
 * range is backed by one aligned 2 MiB block, 4 KiB pages elsewhere.
 *
 * The table frames are hv's own (xenheap), not the domain's: the frame
 * table refuses every guest mapping of them, dom0's foreign mappings
 * included, so nothing but hv can change what an HVM guest reaches.  hv
 * writes them through the direct map and frees them when the domain dies.
 */
#include <hv/hvm.h>
#include <hv/mm.h>
#include <hv/page.h>
#include <hv/errno.h>
#include <hv/lib.h>
#include "svm.h"

#define NPT_TABLE   (_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED)
#define NPT_LEAF    (NPT_TABLE | _PAGE_DIRTY)

static intpte_t *new_table(void)
{
    intpte_t *t = alloc_xenheap_pages(0);

    if (t)
        memset(t, 0, PAGE_SIZE);
    return t;
}

/* The table below entry e (allocated if absent), or NULL. */
static intpte_t *next_table(intpte_t *e)
{
    intpte_t *t;

    if (*e & _PAGE_PRESENT)
        return maddr_to_virt(*e & PTE_ADDR_MASK);
    t = new_table();
    if (t)
        *e = virt_to_maddr(t) | NPT_TABLE;
    return t;
}

static int map(intpte_t *l4, u64 gpa, mfn_t mfn, bool large)
{
    intpte_t *l3, *l2, *l1;

    if (!(l3 = next_table(&l4[l4_table_offset(gpa)])) ||
        !(l2 = next_table(&l3[l3_table_offset(gpa)])))
        return -ENOMEM;
    if (large) {
        l2[l2_table_offset(gpa)] = mfn_to_maddr(mfn) | NPT_LEAF | _PAGE_PSE;
        return 0;
    }
    if (!(l1 = next_table(&l2[l2_table_offset(gpa)])))
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
    intpte_t *l4 = new_table();
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
        rc = map(l4, gpfn << PAGE_SHIFT, m->p2m[gpfn], large);
        if (rc)
            return rc;
        gpfn += large ? 512 : 1;
    }
    return 0;
}

/* Frees the table at level `level` and every table below it. */
static void free_table(intpte_t *t, unsigned int level)
{
    for (unsigned int i = 0; level > 1 && i < PAGETABLE_ENTRIES; i++)
        if ((t[i] & _PAGE_PRESENT) && !(t[i] & _PAGE_PSE))
            free_table(maddr_to_virt(t[i] & PTE_ADDR_MASK), level - 1);
    free_xenheap_pages(t, 0);
}

void svm_npt_destroy(struct domain *d)
{
    struct svm_domain *s = d->hvm->svm;

    if (s->npt_root) {
        free_table(mfn_to_virt(s->npt_root), 4);
        s->npt_root = 0;
    }
}
