/* TLB flushes.  hv runs on one CPU today: "all" flushes reach every CPU. */
#ifndef HV_FLUSHTLB_H
#define HV_FLUSHTLB_H

#include <hv/types.h>

/* Writes of CR3 so far (write_cr3 and flush_tlb_all count them): each
 * empties the TLB of all but global translations and every paging-structure
 * cache (hv runs without PCID). */
extern u64 tlb_clock;

void flush_tlb_local(void);         /* this CPU, non-global entries */
void flush_tlb_one_local(u64 va);   /* this CPU, one address */
void flush_tlb_all(void);           /* every CPU, global entries too */
void flush_tlb_one_all(u64 va);     /* every CPU, one address */

/* Whether this CPU's TLB may hold a guest's global translations, which
 * survive a CR3 write (pv/context.c, which tracks whose they may be). */
bool tlb_guest_globals(void);

#endif
