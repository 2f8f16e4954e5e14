/*
 * Nested page tables: guest-physical to host-physical in the format of
 * long-mode page tables (host-physical addresses).  The CPU walks them as
 * user accesses, so every entry has U set.  Built by the shared p2m table
 * builder (hvm/p2m_table.c).
 */
#include <hv/p2m_table.h>
#include <hv/hvm.h>
#include <hv/page.h>
#include "svm.h"

static const struct p2m_table_format npt_format = {
    .present = _PAGE_PRESENT,
    .table = _PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED,
    .leaf = _PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED | _PAGE_DIRTY,
    .large = _PAGE_PSE,
    .superpages = true,
};

int svm_npt_build(struct domain *d)
{
    return p2m_table_build(&d->hvm->mem, &npt_format, &d->hvm->svm->npt_root);
}

int svm_npt_set(struct domain *d, u64 gpfn, mfn_t mfn)
{
    int rc = p2m_table_set(&npt_format, d->hvm->svm->npt_root, gpfn, mfn);

    /* A new ASID for every vCPU: the guest's TLB forgets the old frame. */
    for (unsigned int i = 0; !rc && i < d->max_vcpus; i++)
        if (d->vcpu[i])
            d->vcpu[i]->hvm->svm->asid_generation = 0;
    return rc;
}

void svm_npt_destroy(struct domain *d)
{
    p2m_table_free(&npt_format, &d->hvm->svm->npt_root);
}
