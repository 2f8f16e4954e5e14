/*
 * Extended page tables: guest-physical to host-physical, 4 levels, built
 * from the domain's p2m as the SVM backend builds its nested tables
 * (svm/npt.c): the p2m's RAM and nothing else, so any other access is an
 * EPT violation (MMIO, or a crash); 2 MiB pages where a 2 MiB-aligned
 * guest range is backed by one aligned 2 MiB block (if the CPU has them),
 * 4 KiB pages elsewhere.  Leaves are write-back (the guest's PAT still
 * applies on top).  The table frames are hv's own (xenheap), so no guest
 * mapping can reach them; they are freed when the domain dies.
 */
#include <hv/hvm.h>
#include <hv/mm.h>
#include <hv/page.h>
#include <hv/errno.h>
#include <hv/lib.h>
#include "vmx.h"

#define EPT_READ        (1ull << 0)
#define EPT_WRITE       (1ull << 1)
#define EPT_EXEC        (1ull << 2)
#define EPT_MT_WB       (6ull << 3)
#define EPT_LARGE       (1ull << 7)
#define EPT_TABLE       (EPT_READ | EPT_WRITE | EPT_EXEC)
#define EPT_LEAF        (EPT_TABLE | EPT_MT_WB)

static u64 *new_table(void)
{
    u64 *t = alloc_xenheap_pages(0);

    if (t)
        memset(t, 0, PAGE_SIZE);
    return t;
}

/* The table below entry e (allocated if absent), or NULL. */
static u64 *next_table(u64 *e)
{
    u64 *t;

    if (*e & EPT_READ)
        return maddr_to_virt(*e & PTE_ADDR_MASK);
    t = new_table();
    if (t)
        *e = virt_to_maddr(t) | EPT_TABLE;
    return t;
}

static int map(u64 *l4, u64 gpa, mfn_t mfn, bool large)
{
    u64 *l3, *l2, *l1;

    if (!(l3 = next_table(&l4[l4_table_offset(gpa)])) ||
        !(l2 = next_table(&l3[l3_table_offset(gpa)])))
        return -ENOMEM;
    if (large) {
        l2[l2_table_offset(gpa)] = mfn_to_maddr(mfn) | EPT_LEAF | EPT_LARGE;
        return 0;
    }
    if (!(l1 = next_table(&l2[l2_table_offset(gpa)])))
        return -ENOMEM;
    l1[l1_table_offset(gpa)] = mfn_to_maddr(mfn) | EPT_LEAF;
    return 0;
}

/* Are gpfn.. gpfn+511 backed by one 2 MiB-aligned run of frames? */
static bool superpage_backed(const struct hvm_memory *m, u64 gpfn)
{
    mfn_t first = m->p2m[gpfn];

    if (!(vmx_caps.ept_vpid & EPT_CAP_2MB) ||
        (gpfn & 511) || gpfn + 512 > m->p2m_size || (first & 511))
        return false;
    for (unsigned int i = 1; i < 512; i++)
        if (m->p2m[gpfn + i] != first + i)
            return false;
    return true;
}

int vmx_ept_build(struct domain *d)
{
    const struct hvm_memory *m = &d->hvm->mem;
    struct vmx_domain *s = d->hvm->vmx;
    u64 *l4 = new_table();
    u64 gpfn = 0;

    if (!l4)
        return -ENOMEM;
    s->ept_root = virt_to_mfn(l4);
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
    vmx_invept_domain(s);
    return 0;
}

/* Frees the table at level `level` and every table below it. */
static void free_table(u64 *t, unsigned int level)
{
    for (unsigned int i = 0; level > 1 && i < PAGETABLE_ENTRIES; i++)
        if ((t[i] & EPT_READ) && !(t[i] & EPT_LARGE))
            free_table(maddr_to_virt(t[i] & PTE_ADDR_MASK), level - 1);
    free_xenheap_pages(t, 0);
}

void vmx_ept_destroy(struct domain *d)
{
    struct vmx_domain *s = d->hvm->vmx;

    if (s->ept_root) {
        free_table(mfn_to_virt(s->ept_root), 4);
        s->ept_root = 0;
    }
}
