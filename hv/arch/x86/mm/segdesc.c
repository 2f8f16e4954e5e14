/*
 * Descriptor validation for guest GDT/LDT frames (hv/segdesc.h).  A frame
 * is checked when it first takes the PGT_seg_desc type; afterwards the
 * guest can change it only through update_descriptor, which checks the
 * one descriptor it writes.
 */
#include <hv/segdesc.h>
#include <hv/errno.h>
#include <public/arch-x86_64.h>

/* The guest kernel's ring: the lowest DPL a guest descriptor may keep. */
#define GUEST_KERNEL_RPL 3

/* A call gate may only lead to a guest selector (GDT below hv's entries,
 * or the LDT) or to the flat kernel CS. */
static bool gate_target_ok(u32 sel)
{
    return (sel >> 3) < FIRST_RESERVED_GDT_ENTRY ||
           sel == FLAT_KERNEL_CS || (sel & 4);
}

bool segdesc_check(u64 *desc)
{
    u32 lo = (u32)*desc, hi = (u32)(*desc >> 32), dpl, sel;

    if (!(hi & SEGDESC_P))
        return true;

    dpl = (hi & SEGDESC_DPL) >> 13;
    if (dpl < GUEST_KERNEL_RPL)
        dpl = GUEST_KERNEL_RPL;
    hi = (hi & ~SEGDESC_DPL) | (dpl << 13);

    if (!(hi & SEGDESC_S)) {
        if ((hi & SEGDESC_TYPE) == 0)
            return true;
        if ((hi & SEGDESC_TYPE) != SEGDESC_TYPE_CALL_GATE)
            return false;
        sel = lo >> 16;
        if (!gate_target_ok(sel))
            return false;
        /* DPL 0: ring 3 cannot pass the gate; the #GP it raises names it.
         * The DPL asked for is kept in the target's RPL. */
        hi &= ~SEGDESC_DPL;
        lo = (lo & 0xffff) | (((sel & ~3u) | dpl) << 16);
        if (hi & 0xff)
            return false;
    }
    *desc = ((u64)hi << 32) | lo;
    return true;
}

int segdesc_validate_page(u64 *page)
{
    for (unsigned int i = 0; i < 512; i++)
        if (!segdesc_check(&page[i]))
            return -EINVAL;
    return 0;
}
