/*
 * Guest RAM of HVM domains: which machine frame backs each guest frame.
 *
 * Layout: RAM from guest-physical 0 up to at most 3 GiB, the rest from
 * 4 GiB; [3 GiB, 4 GiB) is the hole where the local APIC and IOAPIC live
 * (hvm_layout.h gives the full map the guest sees).  Frames come from the
 * domain's heap in 2 MiB blocks where possible, so nested paging can use
 * 2 MiB pages.  Besides the domain's allocation reference, the p2m holds
 * a reference of its own on every frame it maps: nothing (a foreign
 * decrease_reservation, say) can free a frame the guest still reaches
 * until the p2m lets go of it at the domain's death.
 */
#include <hv/hvm.h>
#include <hv/hvm_io.h>
#include <hv/hvm_build.h>
#include <hv/mm.h>
#include <hv/mm_seam.h>
#include <hv/page.h>
#include <hv/errno.h>
#include <hv/lib.h>

static int populate_range(struct domain *d, u64 gpfn, u64 end)
{
    mfn_t *p2m = d->hvm->mem.p2m;

    while (gpfn < end) {
        unsigned int order = 9;
        struct page_info *pg;

        while (order && ((gpfn & ((1ul << order) - 1)) || gpfn + (1ul << order) > end))
            order--;
        while (!(pg = alloc_domheap_pages(d, order)) && order)
            order--;
        if (!pg)
            return -ENOMEM;
        for (unsigned long i = 0; i < (1ul << order); i++, gpfn++) {
            if (get_page(&pg[i], d))
                return -ENOMEM;
            p2m[gpfn] = page_to_mfn(&pg[i]);
            set_gpfn_from_mfn(p2m[gpfn], gpfn);
        }
    }
    return 0;
}

int hvm_p2m_populate(struct domain *d, u64 ram_pages)
{
    struct hvm_memory *m = &d->hvm->mem;
    u64 high;
    int rc;

    m->ram_pages = ram_pages;
    m->shared_info_gfn = INVALID_PFN;
    m->low_end = min(ram_pages, HVM_LOW_RAM_LIMIT >> PAGE_SHIFT);
    high = ram_pages - m->low_end;
    m->p2m_size = high ? (HVM_HIGH_RAM_START >> PAGE_SHIFT) + high : m->low_end;
    m->p2m = xmalloc(m->p2m_size * sizeof(mfn_t));
    if (!m->p2m)
        return -ENOMEM;
    for (u64 i = 0; i < m->p2m_size; i++)
        m->p2m[i] = INVALID_MFN;
    rc = populate_range(d, 0, m->low_end);
    if (!rc && high)
        rc = populate_range(d, HVM_HIGH_RAM_START >> PAGE_SHIFT, m->p2m_size);
    return rc;
}

void hvm_p2m_teardown(struct domain *d)
{
    struct hvm_memory *m = &d->hvm->mem;

    if (!m->p2m)
        return;
    for (u64 i = 0; i < m->p2m_size; i++)
        if (m->p2m[i] != INVALID_MFN) {
            set_gpfn_from_mfn(m->p2m[i], INVALID_PFN);
            put_page(mfn_to_page(m->p2m[i]));
        }
    xfree(m->p2m);
    m->p2m = NULL;
}

/* p2m[gpfn] = mfn (INVALID_MFN: a hole), references and M2P kept true,
 * then the backend's table.  The frame displaced loses the p2m's
 * reference only: it stays the domain's, unmapped, until its death. */
static int p2m_set_frame(struct domain *d, u64 gpfn, mfn_t mfn)
{
    mfn_t *slot = &d->hvm->mem.p2m[gpfn], old = *slot;
    int rc;

    if (mfn != INVALID_MFN && get_page(mfn_to_page(mfn), d))
        return -EINVAL;
    rc = hvm_ops->p2m_set(d, gpfn, mfn);
    if (rc) {
        if (mfn != INVALID_MFN)
            put_page(mfn_to_page(mfn));
        return rc;
    }
    *slot = mfn;
    if (mfn != INVALID_MFN)
        set_gpfn_from_mfn(mfn, gpfn);
    if (old != INVALID_MFN) {
        if (get_gpfn_from_mfn(old) == gpfn)     /* not mapped anew elsewhere */
            set_gpfn_from_mfn(old, INVALID_PFN);
        put_page(mfn_to_page(old));
    }
    return 0;
}

/*
 * XENMEM_add_to_physmap of XENMAPSPACE_shared_info: the domain's
 * shared_info frame replaces the RAM frame at gpfn.  Mapped elsewhere
 * before, it leaves a hole there, as on Xen.  Only a RAM frame may be
 * replaced (Xen allows any frame; hv keeps the hole and the devices' pages
 * as they are): -EINVAL otherwise.
 */
int hvm_map_shared_info(struct domain *d, u64 gpfn)
{
    struct hvm_memory *m = &d->hvm->mem;
    mfn_t mfn = virt_to_mfn(d->shared_info);
    int rc;

    if (gpfn >= m->p2m_size || m->p2m[gpfn] == INVALID_MFN)
        return -EINVAL;
    if (m->p2m[gpfn] == mfn)
        return 0;
    rc = p2m_set_frame(d, gpfn, mfn);
    if (rc)
        return rc;
    if (m->shared_info_gfn != INVALID_PFN)
        p2m_set_frame(d, m->shared_info_gfn, INVALID_MFN);
    m->shared_info_gfn = gpfn;
    return 0;
}

mfn_t hvm_ram_frame(struct domain *d, u64 gfn)
{
    const struct hvm_memory *m = &d->hvm->mem;

    return m->p2m && gfn < m->p2m_size ? m->p2m[gfn] : INVALID_MFN;
}

/*
 * A privileged domain maps frames of an HVM domain by guest frame number
 * (Xen's MMU_NORMAL_PT_UPDATE on a translated foreign domain): its RAM,
 * or the page of one of its ioreq servers.
 */
int mm_foreign_gfn_frame(struct domain *d, u64 gfn, mfn_t *mfn)
{
    *mfn = hvm_ram_frame(d, gfn);
    return *mfn != INVALID_MFN ? 0 : ioreq_server_page_at(d, gfn, mfn);
}

/* hv's pointer to guest-physical gpa, or NULL if it is not RAM. */
static u8 *gphys_ptr(struct domain *d, u64 gpa)
{
    mfn_t mfn = hvm_ram_frame(d, gpa >> PAGE_SHIFT);

    if (mfn == INVALID_MFN)
        return NULL;
    return (u8 *)mfn_to_virt(mfn) + (gpa & (PAGE_SIZE - 1));
}

static int copy_gphys(struct domain *d, u64 gpa, void *buf, size_t len, bool to)
{
    while (len) {
        size_t chunk = min(len, (size_t)(PAGE_SIZE - (gpa & (PAGE_SIZE - 1))));
        u8 *p = gphys_ptr(d, gpa);

        if (!p)
            return -EFAULT;
        if (to)
            memcpy(p, buf, chunk);
        else
            memcpy(buf, p, chunk);
        gpa += chunk;
        buf = (u8 *)buf + chunk;
        len -= chunk;
    }
    return 0;
}

int hvm_copy_to_gphys(struct domain *d, u64 gpa, const void *src, size_t len)
{
    return copy_gphys(d, gpa, (void *)src, len, true);
}

int hvm_copy_from_gphys(struct domain *d, void *dst, u64 gpa, size_t len)
{
    return copy_gphys(d, gpa, dst, len, false);
}

int hvm_gphys_read(void *d, u64 gpa, void *buf, size_t len)
{
    return copy_gphys(d, gpa, buf, len, false);
}
