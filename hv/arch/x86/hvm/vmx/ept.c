/*
 * Extended page tables: guest-physical to host-physical, built by the
 * shared p2m table builder (hvm/p2m_table.c) as the SVM backend builds
 * its nested tables.  Leaves are write-back (the guest's PAT still
 * applies on top); 2 MiB leaves only if the CPU has them.
 */
#include <hv/p2m_table.h>
#include <hv/hvm.h>
#include "vmx.h"

#define EPT_READ        (1ull << 0)
#define EPT_WRITE       (1ull << 1)
#define EPT_EXEC        (1ull << 2)
#define EPT_MT_WB       (6ull << 3)
#define EPT_LARGE       (1ull << 7)
#define EPT_TABLE       (EPT_READ | EPT_WRITE | EPT_EXEC)

static const struct p2m_table_format ept_format = {
    .present = EPT_READ,
    .table = EPT_TABLE,
    .leaf = EPT_TABLE | EPT_MT_WB,
    .large = EPT_LARGE,
};

int vmx_ept_build(struct domain *d)
{
    struct vmx_domain *s = d->hvm->vmx;
    struct p2m_table_format f = ept_format;
    int rc;

    f.superpages = vmx_caps.ept_vpid & EPT_CAP_2MB;
    rc = p2m_table_build(&d->hvm->mem, &f, &s->ept_root);
    if (!rc)
        vmx_invept_domain(s);
    return rc;
}

int vmx_ept_set(struct domain *d, u64 gpfn, mfn_t mfn)
{
    struct vmx_domain *s = d->hvm->vmx;
    int rc = p2m_table_set(&ept_format, s->ept_root, gpfn, mfn);

    if (!rc)
        vmx_invept_domain(s);
    return rc;
}

void vmx_ept_destroy(struct domain *d)
{
    p2m_table_free(&ept_format, &d->hvm->vmx->ept_root);
}
