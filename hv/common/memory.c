/*
 * memory_op (hypercall 12) for PV guests.
 *
 * A PV guest sees machine frames: increase_reservation hands it frames
 * and their MFNs (it sets p2m and M2P itself, MMU_MACHPHYS_UPDATE);
 * populate_physmap does the same for given pfns and writes the M2P;
 * decrease_reservation takes frames back.  As in Xen, the reservation
 * ops return how many extents they completed (0 for a bad argument), keep
 * their progress in the command's upper bits when preempted, and never
 * exceed the domain's maximum.
 */
#include <hv/domain.h>
#include <hv/hypercall.h>
#include <hv/guest_access.h>
#include <hv/bootinfo.h>
#include <hv/pv_mm.h>
#include <hv/mm.h>
#include <hv/errno.h>
#include <hv/lib.h>
#include <hv/grant_table.h>
#include <public/memory.h>

#define MEMOP_EXTENT_SHIFT 6
#define MEMOP_CMD_MASK     ((1UL << MEMOP_EXTENT_SHIFT) - 1)

/* mem_flags: address-width limit (bits 7:0), NUMA node + 1 (15:8). */
#define MEMF_ADDRESS_BITS(f)  ((f) & 0xff)
#define MEMF_NODE(f)          (((f) >> 8) & 0xff)
#define MEMF_EXACT_NODE       (1U << 17)
#define MEMF_KNOWN            (0xffffU | MEMF_EXACT_NODE)

/* Largest extent order a guest may ask for (Xen's defaults). */
#define DOMU_MAX_ORDER  9
#define HWDOM_MAX_ORDER 12

struct memop {
    struct domain *d;
    struct xen_memory_reservation r;
    mfn_t mfn_limit;            /* frames must lie below this */
};

static unsigned int max_order(const struct domain *d)
{
    return d->is_privileged ? HWDOM_MAX_ORDER : DOMU_MAX_ORDER;
}

/*
 * The guest's own frames stay within what its reservation allows: the
 * room kept for shared_info and the grant table is not its to take.
 */
static bool reservation_has_room(struct domain *d, unsigned int order)
{
    u64 overhead = d->extra_pages + GNTTAB_DEFAULT_MAX_FRAMES;
    u64 used = d->tot_pages - d->extra_pages - grant_table_nr_frames(d);

    return d->max_pages >= overhead &&
           used + (1UL << order) <= d->max_pages - overhead;
}

static bool increase_one(struct memop *m, u64 i)
{
    unsigned int order = m->r.extent_order;
    struct page_info *pg;
    mfn_t mfn;

    if (!reservation_has_room(m->d, order))
        return false;
    pg = alloc_domheap_pages(m->d, order);
    if (!pg)
        return false;
    mfn = page_to_mfn(pg);
    if (mfn + (1UL << order) > m->mfn_limit) {
        free_domheap_pages(pg, order);
        return false;
    }
    for (unsigned long j = 0; j < (1UL << order); j++)
        set_gpfn_from_mfn(mfn + j, INVALID_PFN);
    if (m->r.extent_start &&
        copy_to_guest(guest_elem(m->r.extent_start, i, xen_pfn_t), &mfn, sizeof(mfn))) {
        free_domheap_pages(pg, order);
        return false;
    }
    return true;
}

static bool populate_one(struct memop *m, u64 i)
{
    unsigned int order = m->r.extent_order;
    xen_guest_handle_t slot = guest_elem(m->r.extent_start, i, xen_pfn_t);
    struct page_info *pg;
    xen_pfn_t gpfn;
    mfn_t mfn;

    if (copy_from_guest(&gpfn, slot, sizeof(gpfn)))
        return false;
    if (!reservation_has_room(m->d, order))
        return false;
    pg = alloc_domheap_pages(m->d, order);
    if (!pg)
        return false;
    mfn = page_to_mfn(pg);
    if (mfn + (1UL << order) > m->mfn_limit ||
        copy_to_guest(slot, &mfn, sizeof(mfn))) {
        free_domheap_pages(pg, order);
        return false;
    }
    for (unsigned long j = 0; j < (1UL << order); j++)
        set_gpfn_from_mfn(mfn + j, gpfn + j);
    return true;
}

static bool decrease_one(struct memop *m, u64 i)
{
    xen_pfn_t gmfn;

    if (copy_from_guest(&gmfn, guest_elem(m->r.extent_start, i, xen_pfn_t),
                        sizeof(gmfn)))
        return false;
    /* For a PV guest the "gmfn" is the machine frame itself. */
    for (unsigned long j = 0; j < (1UL << m->r.extent_order); j++)
        if (guest_remove_page(m->d, gmfn + j))
            return false;
    return true;
}

static long reservation_op(unsigned int op, u64 start, xen_guest_handle_t arg)
{
    struct memop m;
    unsigned int bits;
    int err;
    u64 i;

    if (copy_from_guest(&m.r, arg, sizeof(m.r)))
        return start;
    if (m.r.nr_extents > (0xffffffffUL >> MEMOP_EXTENT_SHIFT) ||
        start >= m.r.nr_extents)
        return start;
    if (m.r.extent_order > max_order(current->domain) ||
        (m.r.mem_flags & ~MEMF_KNOWN) || MEMF_NODE(m.r.mem_flags) > 1)
        return start;
    bits = MEMF_ADDRESS_BITS(m.r.mem_flags);
    if (bits && bits <= PAGE_SHIFT)
        return start;
    m.mfn_limit = bits && bits < 64 ? 1UL << (bits - PAGE_SHIFT) : ~0UL;
    if ((m.r.extent_start || op != XENMEM_increase_reservation) &&
        !guest_access_ok(m.r.extent_start + start * sizeof(xen_pfn_t),
                         (m.r.nr_extents - start) * sizeof(xen_pfn_t)))
        return start;
    m.d = get_domain_for_caller(m.r.domid, &err);
    if (!m.d)
        return start;

    for (i = start; i < m.r.nr_extents; i++) {
        bool ok;

        if (i != start && hypercall_preempt_check()) {
            put_domain(m.d);
            return hypercall_create_continuation(__HYPERVISOR_memory_op,
                                                 op | (i << MEMOP_EXTENT_SHIFT),
                                                 arg, 0, 0, 0);
        }
        switch (op) {
        case XENMEM_increase_reservation:
            ok = increase_one(&m, i);
            break;
        case XENMEM_populate_physmap:
            ok = populate_one(&m, i);
            break;
        default:
            ok = decrease_one(&m, i);
            break;
        }
        if (!ok)
            break;
    }
    put_domain(m.d);
    return i;
}

static long domain_query(unsigned int op, xen_guest_handle_t arg)
{
    struct domain *d;
    domid_t id;
    long rc;
    int err;

    if (copy_from_guest(&id, arg, sizeof(id)))
        return -EFAULT;
    d = get_domain_for_caller(id, &err);
    if (!d)
        return err;
    switch (op) {
    case XENMEM_current_reservation:
        rc = d->tot_pages - d->extra_pages - grant_table_nr_frames(d);
        break;
    case XENMEM_maximum_reservation:
        rc = d->max_pages - d->extra_pages - GNTTAB_DEFAULT_MAX_FRAMES;
        break;
    default:    /* XENMEM_maximum_gpfn: PV guests publish nr_pfns as max_pfn */
        rc = (d->shared_info->arch.max_pfn ? d->shared_info->arch.max_pfn : 1) - 1;
        break;
    }
    put_domain(d);
    return rc;
}

/* The resources a toolstack may acquire: d's shared grant frames. */
static unsigned int resource_max_frames(struct domain *d,
                                        const struct xen_mem_acquire_resource *r)
{
    if (r->type == XENMEM_resource_grant_table &&
        r->id == XENMEM_resource_grant_table_id_shared)
        return grant_table_max_frames(d);
    return 0;
}

/*
 * XENMEM_acquire_resource, as Xen 4.17 serves it to a PV toolstack:
 * the MFNs of another domain's grant-table frames (the table grows to
 * cover them), which the caller then maps with mmu_update.  Only
 * libxenguest's seeding of the reserved grant entries needs it; the
 * ioreq-server and vmtrace resources are not served (-EINVAL, as Xen
 * for a resource the domain does not have).  No continuations: a grant
 * table has at most GNTTAB_MAX_FRAMES_LIMIT frames.
 */
static long acquire_resource(u64 start, xen_guest_handle_t arg)
{
    struct xen_mem_acquire_resource r;
    struct domain *d;
    unsigned int max;
    long rc = -EINVAL;

    if (copy_from_guest(&r, arg, sizeof(r)))
        return -EFAULT;
    if (r.pad || (r.frame >> 32) || ((r.frame + r.nr_frames) >> 32))
        return -EINVAL;
    d = r.domid < DOMID_FIRST_RESERVED ? get_domain_by_id(r.domid) : NULL;
    if (!d)
        return -ESRCH;
    if (d == current->domain || !current->domain->is_privileged) {
        put_domain(d);
        return -EPERM;
    }
    max = resource_max_frames(d, &r);
    if (!max)
        goto out;
    if (!r.frame_list) {
        /* The size query. */
        if (r.nr_frames || start)
            goto out;
        r.nr_frames = max;
        rc = copy_to_guest(arg + offsetof(struct xen_mem_acquire_resource, nr_frames),
                           &r.nr_frames, sizeof(r.nr_frames)) ? -EFAULT : 0;
        goto out;
    }
    if (start >= r.nr_frames || r.frame + r.nr_frames > max ||
        !guest_access_ok(r.frame_list + start * sizeof(xen_pfn_t),
                         (r.nr_frames - start) * sizeof(xen_pfn_t)))
        goto out;
    for (u64 i = start; i < r.nr_frames; i++) {
        mfn_t mfn;

        rc = grant_table_frame(d, r.frame + i, &mfn);
        if (rc)
            goto out;
        if (copy_to_guest(guest_elem(r.frame_list, i, xen_pfn_t), &mfn, sizeof(mfn))) {
            rc = -EFAULT;
            goto out;
        }
    }
    rc = 0;
out:
    put_domain(d);
    return rc;
}

/* The domain's pseudo-physical map: RAM from 0 to its maximum. */
static long memory_map(xen_guest_handle_t arg)
{
    struct domain *d = current->domain;
    struct xen_memory_map map;
    struct e820entry e = {
        .addr = 0,
        .size = (d->max_pages - d->extra_pages - GNTTAB_DEFAULT_MAX_FRAMES) << PAGE_SHIFT,
        .type = E820_RAM,
    };

    if (copy_from_guest(&map, arg, sizeof(map)))
        return -EFAULT;
    if (!d->has_memory_map)
        return -ENOSYS;     /* as Xen when no map was set (dom0) */
    map.nr_entries = min(map.nr_entries, 1u);
    if ((map.nr_entries && copy_to_guest(map.buffer, &e, sizeof(e))) ||
        copy_to_guest(arg, &map, sizeof(map)))
        return -EFAULT;
    return 0;
}

static long machine_memory_map(xen_guest_handle_t arg)
{
    struct xen_memory_map map;

    if (!current->domain->is_privileged)
        return -EPERM;
    if (copy_from_guest(&map, arg, sizeof(map)))
        return -EFAULT;
    if (map.nr_entries < bootinfo.nr_e820)
        return -EINVAL;
    for (unsigned int i = 0; i < bootinfo.nr_e820; i++) {
        struct e820entry e = {
            .addr = bootinfo.e820[i].start,
            .size = bootinfo.e820[i].end - bootinfo.e820[i].start,
            .type = bootinfo.e820[i].type,
        };

        if (copy_to_guest(guest_elem(map.buffer, i, struct e820entry), &e, sizeof(e)))
            return -EFAULT;
    }
    map.nr_entries = bootinfo.nr_e820;
    return copy_to_guest(arg, &map, sizeof(map)) ? -EFAULT : 0;
}

static long machphys_mapping(xen_guest_handle_t arg)
{
    struct xen_machphys_mapping m = {
        .v_start = MACH2PHYS_VIRT_START,
        .v_end = MACH2PHYS_VIRT_END,
        .max_mfn = MACH2PHYS_NR_ENTRIES - 1,
    };

    if (current->domain->is_privileged)
        m.max_mfn = max_mfn - 1;
    return copy_to_guest(arg, &m, sizeof(m)) ? -EFAULT : 0;
}

long do_memory_op(u64 cmd, xen_guest_handle_t arg)
{
    unsigned int op = cmd & MEMOP_CMD_MASK;
    u64 start = cmd >> MEMOP_EXTENT_SHIFT;

    switch (op) {
    case XENMEM_increase_reservation:
    case XENMEM_decrease_reservation:
    case XENMEM_populate_physmap:
        return reservation_op(op, start, arg);
    case XENMEM_maximum_ram_page:
        return start ? -EINVAL : (long)max_mfn;
    case XENMEM_current_reservation:
    case XENMEM_maximum_reservation:
    case XENMEM_maximum_gpfn:
        return start ? -EINVAL : domain_query(op, arg);
    case XENMEM_acquire_resource:
        return acquire_resource(start, arg);
    }
    /* The rest take no continuation bits. */
    if (start)
        return -ENOSYS;
    switch (op) {
    case XENMEM_memory_map:
        return memory_map(arg);
    case XENMEM_machine_memory_map:
        return machine_memory_map(arg);
    case XENMEM_machphys_mapping:
        return machphys_mapping(arg);
    default:
        return -ENOSYS;     /* exchange, add_to_physmap, machphys_mfn_list... */
    }
}
