/* Naming another domain in a PV MMU hypercall, and vCPU-mask arguments. */
#include <hv/lib.h>
#include <hv/errno.h>
#include <hv/domain.h>
#include <hv/guest_access.h>
#include <hv/mm_seam.h>
#include "private.h"
#include "pt_entry.h"

/*
 * DOMID_SELF or the caller's own id: the caller.  Any other domain must
 * exist (-ESRCH, checked first, as in Xen) and needs a privileged caller
 * (-EPERM).  DOMID_IO and DOMID_XEN (I/O memory and hv frames) are not
 * supported yet.
 */
__hot_path int lookup_foreign(domid_t id, struct domain *curd, struct domain **out)
{
    struct domain *d;

    if (id == DOMID_SELF || id == curd->domain_id) {
        *out = curd;
        return 0;
    }
    if (id == DOMID_IO || id == DOMID_XEN)
        return curd->is_privileged ? -EOPNOTSUPP : -EPERM;
    d = id < DOMID_FIRST_RESERVED ? domain_by_id(id) : NULL;
    if (d == NULL || d->is_dying)
        return -ESRCH;
    if (!curd->is_privileged)
        return -EPERM;
    *out = d;
    return 0;
}

/*
 * An L1 entry for frames of a translated (HVM) pg_owner names a guest
 * frame, as in Xen: it is rewritten to the machine frame behind it.
 */
int foreign_l1e_translate(pte_t *e, struct domain *pg_owner)
{
    mfn_t mfn;
    int rc;

    if (pg_owner->type != DOMAIN_HVM || !pte_present(*e))
        return 0;
    rc = mm_foreign_gfn_frame(pg_owner, pte_mfn(*e), &mfn);
    if (rc == 0)
        *e = (*e & ~PTE_ADDR_MASK) | ((pte_t)mfn << PAGE_SHIFT);
    return rc;
}

/*
 * The *_MULTI flushes name vCPUs with a guest bitmap of max_vcpus bits.
 * hv flushes every CPU instead, which is a superset; the bitmap only has
 * to be readable.
 */
int check_vcpumask(xen_guest_handle_t mask, const struct domain *d)
{
    u64 word;
    unsigned int words = d->max_vcpus ? (d->max_vcpus + 63) / 64 : 1;

    for (unsigned int i = 0; i < words; i++)
        if (copy_from_guest(&word, guest_elem(mask, i, u64), sizeof(word)))
            return -EFAULT;
    return 0;
}
