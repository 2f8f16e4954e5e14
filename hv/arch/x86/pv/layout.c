/*
 * The initial mapping of a PV domain (hv/pv_layout.h).  Everything is
 * counted in pages from v_start first, so no sum can wrap; addresses are
 * made only once the whole region is known to fit.
 */
#include <hv/pv_layout.h>
#include <hv/layout.h>
#include <hv/page.h>
#include <hv/errno.h>
#include <hv/lib.h>

#define PAGES_4M    (1UL << (22 - PAGE_SHIFT))
#define SPARE_PAGES ((512UL << 10) >> PAGE_SHIFT)

#define fail(...) ({ snprintf(err, errlen, __VA_ARGS__); -EINVAL; })

/* Tables of one level needed to map [start, end), each covering 1 << shift. */
static unsigned int tables_for(u64 start, u64 end, unsigned int shift)
{
    return ((end - 1) >> shift) - (start >> shift) + 1;
}

/* [start, end) lies in one guest half, clear of hv's hole. */
static bool region_ok(u64 start, u64 end)
{
    if (end <= start)
        return false;
    if (end <= GUEST_USER_VIRT_END)
        return true;
    return start >= GUEST_KERNEL_VIRT_START;
}

static u64 pages(u64 bytes)
{
    return bytes / PAGE_SIZE + (bytes % PAGE_SIZE != 0);
}

int pv_layout_compute(struct pv_layout *l, u64 virt_base, u64 kstart, u64 kend,
                      u64 initrd_len, u64 nr_pages, bool domu,
                      char *err, size_t errlen)
{
    u64 kern_end, initrd, p2m, pt, total, room;

    memset(l, 0, sizeof(*l));
    if (virt_base & (PAGE_SIZE - 1))
        return fail("VIRT_BASE %#lx is not page aligned", (unsigned long)virt_base);
    if (kstart < virt_base || kend < kstart)
        return fail("kernel [%#lx-%#lx) below VIRT_BASE %#lx", (unsigned long)kstart,
                    (unsigned long)kend, (unsigned long)virt_base);
    /* Page counts from v_start: none of these sums can wrap. */
    kern_end = pages(kend - virt_base);
    initrd = kern_end + pages(initrd_len);
    p2m = initrd + pages(nr_pages * sizeof(u64));
    pt = p2m + 1 + (domu ? 2 : 0);
    room = ~virt_base >> PAGE_SHIFT;            /* pages up to the top */

    /* The tables map themselves: grow them until they cover the region. */
    for (l->nr_pt = 1;; l->nr_pt++) {
        u64 stack_end = pt + l->nr_pt + 1, end;

        total = ROUNDUP(stack_end, PAGES_4M);
        if (total - stack_end < SPARE_PAGES)
            total += PAGES_4M;
        if (total > room || !region_ok(virt_base, virt_base + total * PAGE_SIZE))
            return fail("the initial mapping from %#lx (%lu KiB) leaves the guest "
                        "address space", (unsigned long)virt_base,
                        (unsigned long)(total << 2));
        end = virt_base + total * PAGE_SIZE;
        l->n3 = tables_for(virt_base, end, L4_PAGETABLE_SHIFT);
        l->n2 = tables_for(virt_base, end, L3_PAGETABLE_SHIFT);
        l->n1 = tables_for(virt_base, end, L2_PAGETABLE_SHIFT);
        if (1 + l->n3 + l->n2 + l->n1 <= l->nr_pt)
            break;
    }
    if (total > nr_pages)
        return fail("the initial mapping needs %lu KiB, the domain has %lu KiB",
                    (unsigned long)(total << 2), (unsigned long)(nr_pages << 2));

    l->v_start = virt_base;
    l->v_end = virt_base + total * PAGE_SIZE;
    l->kern_start = kstart;
    l->kern_end = virt_base + kern_end * PAGE_SIZE;
    l->initrd_start = l->kern_end;
    l->initrd_end = virt_base + initrd * PAGE_SIZE;
    l->p2m_start = l->initrd_end;
    l->p2m_end = virt_base + p2m * PAGE_SIZE;
    l->startinfo = l->p2m_end;
    if (domu) {
        l->store = l->startinfo + PAGE_SIZE;
        l->console = l->store + PAGE_SIZE;
    }
    l->pt_start = virt_base + pt * PAGE_SIZE;
    l->pt_end = l->pt_start + (u64)l->nr_pt * PAGE_SIZE;
    l->stack_end = l->pt_end + PAGE_SIZE;
    return 0;
}
