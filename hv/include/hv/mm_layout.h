/*
 * How mm code reaches its tables in hv's virtual address space (the layout
 * itself is hv/layout.h).
 *
 * Host unit tests build hv's mm code with -DHV_HOSTED: there the whole
 * hypervisor hole is a reserved window of the test process and HV_VA()
 * (hv/layout.h) translates every hv address into it, so the same code runs
 * against simulated machine memory.
 */
#ifndef HV_MM_LAYOUT_H
#define HV_MM_LAYOUT_H

#include <hv/page.h>

#define HV_HOLE_START   RO_MPT_VIRT_START
#define HV_HOLE_END     DIRECTMAP_VIRT_END
#define HV_NR_L4_SLOTS  (HV_LAST_L4_SLOT - HV_FIRST_L4_SLOT + 1)

#endif
