/* TLB flushes.  hv runs on one CPU today: "all" flushes reach every CPU. */
#ifndef HV_FLUSHTLB_H
#define HV_FLUSHTLB_H

#include <hv/types.h>

void flush_tlb_local(void);         /* this CPU, non-global entries */
void flush_tlb_one_local(u64 va);   /* this CPU, one address */
void flush_tlb_all(void);           /* every CPU, global entries too */
void flush_tlb_one_all(u64 va);     /* every CPU, one address */

#endif
