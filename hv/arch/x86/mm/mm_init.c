/* Bringing mm up at boot, and accounting of where every frame is. */
#include <hv/lib.h>
#include <hv/domain.h>
#include "private.h"

void mm_init(void)
{
    frame_table_init();
    m2p_init();
    heap_init();
    printk("mm: %lu frames (max_mfn %#lx), %lu free\n",
           (unsigned long)ram_frames(), (unsigned long)max_mfn,
           (unsigned long)free_frames());
}

void mm_get_stats(struct mm_stats *s)
{
    s->ram = ram_frames();
    s->reserved = s->free = s->xenheap = s->domheap = 0;
    for (mfn_t mfn = 0; mfn < max_mfn; mfn++) {
        switch (mfn_to_page(mfn)->state) {
        case PGS_reserved: s->reserved++; break;
        case PGS_free:     s->free++;     break;
        case PGS_xenheap:  s->xenheap++;  break;
        case PGS_domheap:  s->domheap++;  break;
        }
    }
}

#define REPORT_MAX_DOMAINS 64

/* Prints the totals and, per owning domain, the frames it holds. */
void mm_report(void)
{
    struct domain *owners[REPORT_MAX_DOMAINS];
    u64 held[REPORT_MAX_DOMAINS];
    unsigned int nr = 0, i;
    u64 unlisted = 0;
    struct mm_stats s;

    mm_get_stats(&s);
    printk("mm: ram %lu reserved %lu free %lu (counter %lu) xenheap %lu "
           "domheap %lu\n", (unsigned long)s.ram, (unsigned long)s.reserved,
           (unsigned long)s.free, (unsigned long)free_frames(),
           (unsigned long)s.xenheap, (unsigned long)s.domheap);

    for (mfn_t mfn = 0; mfn < max_mfn; mfn++) {
        struct domain *d = mfn_to_page(mfn)->owner;

        if (mfn_to_page(mfn)->state != PGS_domheap)
            continue;
        for (i = 0; i < nr && owners[i] != d; i++)
            ;
        if (i == nr) {
            if (nr == REPORT_MAX_DOMAINS) {
                unlisted++;
                continue;
            }
            owners[nr] = d;
            held[nr++] = 0;
        }
        held[i]++;
    }
    for (i = 0; i < nr; i++)
        printk("mm:   d%u: %lu frames (tot_pages %lu, max_pages %lu)%s\n",
               owners[i]->domain_id, (unsigned long)held[i],
               (unsigned long)owners[i]->tot_pages,
               (unsigned long)owners[i]->max_pages,
               owners[i]->is_dying ? " dying" : "");
    if (unlisted)
        printk("mm:   %lu frames of further domains\n", (unsigned long)unlisted);
}
