/*
 * A guest's own IRETQ to the same privilege (ring 3 to ring 3, its
 * current CS and SS), which Linux uses to serialise (sync_core's
 * "iret to self"), is legal and runs natively.  QEMU's TCG pops IRET's
 * frame with supervisor accesses, though, so with CR4.SMAP on (as hv
 * runs) the pops of a user page fault: a #PF at CPL 3 without the user
 * bit, present, read, on the stack the IRET reads.  Real CPUs never
 * report that, so hv completes such an IRET itself, exactly as the CPU
 * would: same CS and SS only, the flags the instruction may change at
 * CPL 3 (not IF or IOPL), canonical RIP and RSP.
 */
#include <hv/domain.h>
#include <hv/guest_access.h>
#include <hv/processor.h>
#include <hv/page.h>
#include "private.h"

#define PFEC_PRESENT     (1u << 0)
#define PFEC_WRITE       (1u << 1)
#define PFEC_USER        (1u << 2)
#define IRET_FRAME       (5 * sizeof(u64))      /* RIP CS RFLAGS RSP SS */
#define X86_EFLAGS_IOPL  0x00003000
#define X86_EFLAGS_FIXED 0x00000002
/* What IRET at CPL 3 (above IOPL) loads: CF PF AF ZF SF TF DF OF NT RF AC
 * ID.  IF and IOPL stay; reserved bits read as 0, bit 1 as 1. */
#define IRET_CPL3_LOADS  0x00254dd5u

bool pv_emulate_smap_iret(struct cpu_user_regs *regs, u64 cr2, u32 error_code)
{
    u8 insn[2];
    u64 f[5];

    if ((error_code & (PFEC_PRESENT | PFEC_WRITE | PFEC_USER)) != PFEC_PRESENT ||
        cr2 < regs->rsp || cr2 - regs->rsp >= IRET_FRAME ||
        pv_fetch_insn(regs, insn, sizeof(insn)) != sizeof(insn) ||
        insn[0] != 0x48 || insn[1] != 0xcf)
        return false;
    if (copy_from_guest(f, regs->rsp, sizeof(f)))
        return false;           /* really unreadable: the guest's #PF */
    if (f[1] != regs->cs || f[4] != regs->ss || !is_canonical_address(f[0]) ||
        !is_canonical_address(f[3]))
        return false;
    regs->rip = f[0];
    regs->rflags = (f[2] & IRET_CPL3_LOADS) |
                   (regs->rflags & (X86_EFLAGS_IF | X86_EFLAGS_IOPL)) | X86_EFLAGS_FIXED;
    regs->rsp = f[3];
    return true;
}
