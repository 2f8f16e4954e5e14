/*
 * Grant tables v1.  GNTTABOP_setup_table returns the frames of our table;
 * we map them over pages of our own and write entries directly.  The
 * hypervisor sets GTF_reading/GTF_writing while a grant is mapped, so a
 * revoke must be a cmpxchg that fails when those bits appear.
 */
#include "grant.h"
#include "mm.h"

volatile grant_entry_v1_t *gnttab;
unsigned int gnttab_nr_frames;

long gnttab_op(unsigned int cmd, void *ops, unsigned int count)
{
    return hypercall3(HC(grant_table_op), cmd, PTR(ops), count);
}

void gnttab_init(unsigned int nr_frames)
{
    uint64_t frames[8];
    struct gnttab_setup_table setup = {
        .dom = DOMID_SELF,
        .nr_frames = nr_frames,
        .frame_list = PTR(frames),
    };

    if (nr_frames > sizeof(frames) / sizeof(frames[0]))
        panic("gnttab_init: %u frames", nr_frames);
    long rc = gnttab_op(GNTTABOP_setup_table, &setup, 1);
    if (rc || setup.status != GNTST_okay)
        panic("setup_table: rc %ld status %d", rc, setup.status);

    /* Consecutive pages from alloc_page() are consecutive VAs. */
    uint8_t *base = 0;
    for (unsigned int i = 0; i < nr_frames; i++) {
        uint8_t *va = alloc_page();
        if (!base)
            base = va;
        if (va != base + i * PAGE_SIZE)
            panic("gnttab_init: pages not contiguous");
        rc = map_frame(va, frames[i], PTE_DATA);
        if (rc)
            panic("mapping grant frame %u (mfn %#lx): %ld", i, frames[i], rc);
    }
    gnttab = (volatile grant_entry_v1_t *)base;
    gnttab_nr_frames = nr_frames;
}

void gnttab_grant(grant_ref_t ref, domid_t domid, uint64_t mfn, bool readonly)
{
    gnttab[ref].domid = domid;
    gnttab[ref].frame = (uint32_t)mfn;
    asm volatile ("" ::: "memory");     /* x86: stores are not reordered */
    gnttab[ref].flags = GTF_permit_access | (readonly ? GTF_readonly : 0);
}

long gnttab_revoke(grant_ref_t ref)
{
    uint16_t flags = gnttab[ref].flags;

    do {
        if (flags & (GTF_reading | GTF_writing))
            return -XEN_EBUSY;
    } while (!__atomic_compare_exchange_n(&gnttab[ref].flags, &flags, 0, false,
                                          __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST));
    return 0;
}
