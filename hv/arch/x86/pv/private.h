/* Shared between the files of hv/arch/x86/pv; not for the rest of hv. */
#ifndef HV_ARCH_X86_PV_PRIVATE_H
#define HV_ARCH_X86_PV_PRIVATE_H

#include <hv/desc.h>
#include <hv/domain.h>
#include <public/arch-x86_64.h>

/* The frames a guest GDT of ents descriptors spans (8 bytes each). */
static inline unsigned int gdt_frames_for(unsigned int ents)
{
    return (ents + PAGE_SIZE / 8 - 1) / (PAGE_SIZE / 8);
}

/*
 * Points this CPU's TSS at the I/O bitmap while v runs in guest kernel
 * mode with direct port access (the hardware domain's kernel with I/O
 * privilege), away from it otherwise: right before every return to a
 * PV guest.  The CPU checks the bitmap only at CPL > IOPL, which a PV
 * guest always is (ring 3, real IOPL 0), and reads iomap_base from
 * memory at each check: one store switches it.  The TSS points away
 * unless such a vCPU runs (pv_ctxt_load and pv_io_privilege_changed
 * turn it off), so the other vCPUs' exits skip the store.
 */
static inline void pv_io_bitmap_select(unsigned int cpu, const struct vcpu *v)
{
    if (v->arch.kernel_io_direct)
        per_cpu_tss[cpu].tss.iomap_base =
            v->arch.kernel_mode ? TSS_IOMAP_ON : TSS_IOMAP_OFF;
}

static inline void pv_io_bitmap_off(unsigned int cpu)
{
    per_cpu_tss[cpu].tss.iomap_base = TSS_IOMAP_OFF;
}

/* What a bounce into the guest kernel needs (Xen's trap_bounce). */
struct trap_bounce {
    u64 eip;                /* handler; 0 = none registered */
    u32 error_code;
    bool has_error_code;
    bool mask_events;       /* set vcpu_info.evtchn_upcall_mask */
    bool failsafe;          /* frame carries DS, ES, FS, GS: */
    u16 segs[4];            /* the selectors hv could not load */
    const char *what;       /* for the crash message if eip is 0 */
};

/*
 * Writes the bounce frame on the guest kernel stack (switching to guest
 * kernel mode first if the vCPU is in user mode) and points regs at the
 * handler.  On failure (no handler, unwritable stack) the domain is
 * crashed and false returned.
 */
bool create_bounce_frame(struct vcpu *v, struct cpu_user_regs *regs,
                         const struct trap_bounce *tb);

/* SYSCALL from guest user mode (or compatibility mode). */
void pv_bounce_syscall(struct cpu_user_regs *regs);
/* The failsafe callback: hv could not load the guest's selectors
 * segs[] = DS, ES, FS, GS (or its CS/SS/RIP on return, segs = current). */
void pv_bounce_failsafe(struct vcpu *v, struct cpu_user_regs *regs,
                        const u16 segs[4]);
/* The guest's live data selectors, DS, ES, FS, GS. */
void pv_read_segs(u16 segs[4]);

/* The guest's instruction bytes at rip (up to n); bytes copied. */
unsigned int pv_fetch_insn(const struct cpu_user_regs *regs, u8 *buf,
                           unsigned int n);

/* The instruction behind a #GP, fetched once for all its emulators. */
struct pv_insn {
    u8 bytes[15];
    unsigned int len;       /* bytes readable at rip, up to 15 */
};

/* Moves to and from CR0/CR3/CR4, clts, xsetbv (emulate.c).  True when
 * emulated (regs updated). */
bool pv_emulate_gp(struct cpu_user_regs *regs, const struct pv_insn *insn);

/* IN/OUT/INS/OUTS behind a #GP, by the vCPU's virtual IOPL and the
 * domain's port permissions (ioport.c).  True when handled. */
bool pv_emulate_io(struct cpu_user_regs *regs, const struct pv_insn *insn);

/* The guest's same-privilege IRETQ whose frame pops QEMU's TCG faults
 * under SMAP (emulate_iret.c).  True when completed. */
bool pv_emulate_smap_iret(struct cpu_user_regs *regs, u64 cr2, u32 error_code);

/* A #DB from the guest: the CPU's DR6 status moves into v->arch.dr6
 * (debugreg.c). */
void pv_debug_trap_status(struct vcpu *v);

/* RDMSR/WRMSR behind a #GP from the guest kernel (emulate_msr.c). */
bool pv_emulate_msr(struct cpu_user_regs *regs, const struct pv_insn *insn);

#endif
