/*
 * Second-level page tables from a p2m (hv/p2m_table.h).  2 MiB pages
 * where a 2 MiB-aligned guest range is backed by one aligned 2 MiB block
 * (if the format allows them), 4 KiB pages elsewhere; anything outside
 * the p2m's RAM stays unmapped, so the CPU reports it as a nested fault
 * or EPT violation (MMIO, or a crash).
 *
 * The table frames are hv's own (xenheap), not the domain's: the frame
 * table refuses every guest mapping of them, dom0's foreign mappings
 * included, so nothing but hv can change what an HVM guest reaches.  hv
 * writes them through the direct map and frees them when the domain dies.
 */
#include <hv/p2m_table.h>
#include <hv/hvm.h>
#include <hv/mm.h>
#include <hv/page.h>
#include <hv/errno.h>
#include <hv/lib.h>

static u64 *new_table(void)
{
    u64 *t = alloc_xenheap_pages(0);

    if (t)
        memset(t, 0, PAGE_SIZE);
    return t;
}

/* The table below entry e (allocated if absent), or NULL. */
static u64 *next_table(const struct p2m_table_format *f, u64 *e)
{
    u64 *t;

    if (*e & f->present)
        return maddr_to_virt(*e & PTE_ADDR_MASK);
    t = new_table();
    if (t)
        *e = virt_to_maddr(t) | f->table;
    return t;
}

static int map(const struct p2m_table_format *f, u64 *l4, u64 gpa, mfn_t mfn,
               bool large)
{
    u64 *l3, *l2, *l1;

    if (!(l3 = next_table(f, &l4[l4_table_offset(gpa)])) ||
        !(l2 = next_table(f, &l3[l3_table_offset(gpa)])))
        return -ENOMEM;
    if (large) {
        l2[l2_table_offset(gpa)] = mfn_to_maddr(mfn) | f->leaf | f->large;
        return 0;
    }
    if (!(l1 = next_table(f, &l2[l2_table_offset(gpa)])))
        return -ENOMEM;
    l1[l1_table_offset(gpa)] = mfn_to_maddr(mfn) | f->leaf;
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

int p2m_table_build(const struct hvm_memory *m, const struct p2m_table_format *f,
                    mfn_t *root)
{
    u64 *l4 = new_table();
    u64 gpfn = 0;

    if (!l4)
        return -ENOMEM;
    *root = virt_to_mfn(l4);
    while (gpfn < m->p2m_size) {
        bool large;
        int rc;

        if (m->p2m[gpfn] == INVALID_MFN) {
            gpfn++;
            continue;
        }
        large = f->superpages && superpage_backed(m, gpfn);
        rc = map(f, l4, gpfn << PAGE_SHIFT, m->p2m[gpfn], large);
        if (rc)
            return rc;
        gpfn += large ? 512 : 1;
    }
    return 0;
}

int p2m_table_set(const struct p2m_table_format *f, mfn_t root, u64 gpfn, mfn_t mfn)
{
    u64 gpa = gpfn << PAGE_SHIFT;
    u64 *l4 = mfn_to_virt(root), *l3, *l2, *l1, *e;

    if (!(l3 = next_table(f, &l4[l4_table_offset(gpa)])) ||
        !(l2 = next_table(f, &l3[l3_table_offset(gpa)])))
        return -ENOMEM;
    e = &l2[l2_table_offset(gpa)];
    if ((*e & f->present) && (*e & f->large)) {
        u64 base = *e & PTE_ADDR_MASK & ~((PAGE_SIZE << 9) - 1);

        if (!(l1 = new_table()))
            return -ENOMEM;
        for (unsigned int i = 0; i < PAGETABLE_ENTRIES; i++)
            l1[i] = (base + i * PAGE_SIZE) | f->leaf;
        *e = virt_to_maddr(l1) | f->table;
    } else if (!(l1 = next_table(f, e))) {
        return -ENOMEM;
    }
    l1[l1_table_offset(gpa)] = mfn == INVALID_MFN ? 0 : mfn_to_maddr(mfn) | f->leaf;
    return 0;
}

/* Frees the table at level `level` and every table below it. */
static void free_table(const struct p2m_table_format *f, u64 *t, unsigned int level)
{
    for (unsigned int i = 0; level > 1 && i < PAGETABLE_ENTRIES; i++)
        if ((t[i] & f->present) && !(t[i] & f->large))
            free_table(f, maddr_to_virt(t[i] & PTE_ADDR_MASK), level - 1);
    free_xenheap_pages(t, 0);
}

void p2m_table_free(const struct p2m_table_format *f, mfn_t *root)
{
    if (*root) {
        free_table(f, mfn_to_virt(*root), 4);
        *root = 0;
    }
}
