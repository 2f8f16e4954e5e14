/*
 * Segment descriptors a 64-bit PV guest may put in its GDT or LDT
 * (Xen's check_descriptor): the guest kernel runs in ring 3, so every
 * descriptor must leave it there.
 */
#ifndef HV_SEGDESC_H
#define HV_SEGDESC_H

#include <hv/types.h>

/* Bits of a descriptor's high word. */
#define SEGDESC_TYPE   (15u << 8)
#define SEGDESC_CODE   (1u << 11)
#define SEGDESC_S      (1u << 12)   /* code/data (set) or system (clear) */
#define SEGDESC_DPL    (3u << 13)
#define SEGDESC_P      (1u << 15)
#define SEGDESC_L      (1u << 21)
#define SEGDESC_TYPE_CALL_GATE (12u << 8)

/*
 * Checks one 8-byte descriptor and fixes it up in place: true if the guest
 * may have it.  Not-present descriptors and type-0 system descriptors (the
 * upper half of a 16-byte one) pass untouched; code and data segments get
 * DPL 3 if they asked for less; a 64-bit call gate is kept with DPL 0
 * (unusable from ring 3: its #GP names the gate) if its target is a guest
 * selector or the flat kernel CS and its reserved bits are clear.  Any
 * other system descriptor (TSS, LDT, interrupt/trap/task gate) is refused.
 */
bool segdesc_check(u64 *desc);

/* segdesc_check over the 512 descriptors of a page: 0 or -EINVAL (the
 * descriptors before the bad one may already be fixed up). */
int segdesc_validate_page(u64 *page);

#endif
