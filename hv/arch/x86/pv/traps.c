/*
 * Exceptions raised by a PV guest, and bounce frames.
 *
 * A guest exception lands in hv with the guest's registers in
 * cpu_info.guest_regs.  hv emulates the few instructions Xen emulates for
 * PV (pv_emulate_*), handles #NM for lazy FPU switching, and bounces
 * everything else to the guest kernel's trap table: a frame is written on
 * the guest kernel stack and the guest resumes in its handler.  A guest
 * with no handler for an exception is crashed; hv carries on.
 *
 * The frame, lowest address first (fact sheet §9):
 *   RCX, R11, [DS, ES, FS, GS: failsafe only], [error code], RIP,
 *   CS (saved upcall mask in bits 39:32), RFLAGS, RSP, SS
 */
#include <hv/domain.h>
#include <hv/sched.h>
#include <hv/guest_access.h>
#include <hv/processor.h>
#include <hv/percpu.h>
#include <hv/traps.h>
#include <hv/lib.h>
#include "private.h"

static const char *const vector_names[32] = {
    "#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "#09",
    "#TS", "#NP", "#SS", "#GP", "#PF", "#15", "#MF", "#AC", "#MC", "#XM",
    "#VE", "#CP", "#22", "#23", "#24", "#25", "#26", "#27", "#HV", "#VC",
    "#SX", "#31",
};

void pv_read_segs(u16 segs[4])
{
    asm volatile("mov %%ds, %0" : "=r"(segs[0]));
    asm volatile("mov %%es, %0" : "=r"(segs[1]));
    asm volatile("mov %%fs, %0" : "=r"(segs[2]));
    asm volatile("mov %%gs, %0" : "=r"(segs[3]));
}

/* Inlined where tb is a constant (the system-call bounce), so the
 * compiler drops what that bounce never has: failsafe selectors, an
 * error code. */
static inline __attribute__((always_inline))
bool write_bounce_frame(struct vcpu *v, struct cpu_user_regs *regs,
                        const struct trap_bounce *tb)
{
    vcpu_info_t *vi = v->vcpu_info;
    u64 frame[13], rsp, cs, rflags;
    unsigned int n = 0, i;
    u8 saved_mask;

    if (tb->eip == 0) {
        domain_crash(v->domain, tb->what);
        return false;
    }

    if (v->arch.kernel_mode) {
        rsp = regs->rsp;
        cs = regs->cs & ~3UL;           /* tells the guest: from kernel */
    } else {
        toggle_guest_mode(v);
        rsp = v->arch.kernel_sp;
        cs = regs->cs;
    }
    rsp &= ~15UL;

    saved_mask = vi->evtchn_upcall_mask;
    rflags = regs->rflags & ~(X86_EFLAGS_IF | X86_EFLAGS_IOPL);
    if (!saved_mask)
        rflags |= X86_EFLAGS_IF;
    if (vm_assist_enabled(v->domain, VMASST_TYPE_architectural_iopl))
        rflags |= v->arch.iopl;

    frame[n++] = regs->rcx;
    frame[n++] = regs->r11;
    if (tb->failsafe)
        for (i = 0; i < 4; i++)
            frame[n++] = tb->segs[i];
    if (tb->has_error_code)
        frame[n++] = tb->error_code;
    frame[n++] = regs->rip;
    frame[n++] = cs | ((u64)saved_mask << 32);
    frame[n++] = rflags;
    frame[n++] = regs->rsp;
    frame[n++] = regs->ss;

    rsp -= n * sizeof(u64);
    if (copy_to_guest(rsp, frame, n * sizeof(u64))) {
        domain_crash(v->domain, "bounce frame does not fit on the guest "
                     "kernel stack");
        return false;
    }
    if (tb->mask_events)
        vi->evtchn_upcall_mask = 1;

    regs->rip = tb->eip;
    regs->cs = FLAT_KERNEL_CS;
    regs->ss = FLAT_KERNEL_SS;
    regs->rsp = rsp;
    regs->rflags &= ~(X86_EFLAGS_AC | X86_EFLAGS_VM | X86_EFLAGS_RF |
                      X86_EFLAGS_NT | X86_EFLAGS_TF);
    return true;
}

__hot_path bool create_bounce_frame(struct vcpu *v, struct cpu_user_regs *regs,
                         const struct trap_bounce *tb)
{
    return write_bounce_frame(v, regs, tb);
}

static void inject(struct vcpu *v, unsigned int vector, bool has_ec, u32 ec)
{
    const struct trap_info *ti = &v->arch.trap_ctxt[vector];
    struct cpu_user_regs *regs = &get_cpu_info()->guest_regs;
    char what[64];
    struct trap_bounce tb = {
        .eip = ti->address,
        .error_code = ec,
        .has_error_code = has_ec,
        .mask_events = TI_GET_IF(ti) != 0,
        .what = what,
    };

    /* The crash message is only formatted when it is needed: every page
     * fault and system call of a guest comes through here. */
    if (tb.eip == 0) {
        if (vector < 32)
            snprintf(what, sizeof(what), "unhandled %s (error code %#x): no "
                     "handler registered", vector_names[vector], ec);
        else
            snprintf(what, sizeof(what), "int $%#x: no handler registered",
                     vector);
    }
    create_bounce_frame(v, regs, &tb);
}

void pv_dump_guest_stack(u64 rsp)
{
    u64 w[24];
    unsigned int n = 0;

    while (n < ARRAY_SIZE(w) && !copy_from_guest(&w[n], rsp + 8 * n, 8))
        n++;
    for (unsigned int i = 0; i < n; i += 4) {
        printk("hv: stack %016lx:", (unsigned long)(rsp + 8 * i));
        for (unsigned int j = i; j < n && j < i + 4; j++)
            printk(" %016lx", (unsigned long)w[j]);
        printk("\n");
    }
}

void pv_inject_exception(unsigned int vector, u32 error_code)
{
    ASSERT(vector < 32);
    inject(current, vector, TRAP_HAS_ERRCODE_MASK & (1u << vector), error_code);
}

__hot_path void pv_inject_page_fault(u64 addr, u32 error_code)
{
    struct vcpu *v = current;

    v->vcpu_info->arch.cr2 = addr;
    /* The guest kernel runs in ring 3: report its own mode, not ours. */
    error_code &= ~PFEC_user;
    if (!v->arch.kernel_mode)
        error_code |= PFEC_user;
    inject(v, TRAP_page_fault, true, error_code);
}

unsigned int pv_fetch_insn(const struct cpu_user_regs *regs, u8 *buf,
                           unsigned int n)
{
    unsigned int first = min(n, (unsigned int)(PAGE_SIZE - (regs->rip & (PAGE_SIZE - 1))));

    /* A page at a time: the instruction may end just before an unmapped
     * page, and a page is mapped whole or not at all. */
    if (copy_from_guest(buf, regs->rip, first))
        return 0;
    if (first < n && copy_from_guest(buf + first, regs->rip + first, n - first))
        return first;
    return n;
}

static bool is_legacy_prefix(u8 b)
{
    return b == 0x66 || b == 0x67 || b == 0xf0 || b == 0xf2 || b == 0xf3 ||
           b == 0x2e || b == 0x36 || b == 0x3e || b == 0x26 || b == 0x64 ||
           b == 0x65;
}

/* The `int $n` fetched (prefixes allowed): its length and vector; 0 if
 * the instruction is something else. */
static unsigned int decode_int(const struct pv_insn *insn, unsigned int *vector)
{
    const u8 *b = insn->bytes;
    unsigned int i = 0;

    while (i < insn->len && (is_legacy_prefix(b[i]) || (b[i] & 0xf0) == 0x40))
        i++;
    if (i + 1 >= insn->len || b[i] != 0xcd)
        return 0;
    *vector = b[i + 1];
    return i + 2;
}

/*
 * #GP with the IDT bit in the error code is an `int $n` the IDT refused
 * (every gate but #BP and #OF has DPL 0).  The guest's own DPL for the
 * vector decides: kernel mode counts as DPL 1, user mode as 3.  The
 * vector comes from the instruction, not the error code: QEMU's TCG puts
 * (n << 4) | 2 there instead of (n << 3) | 2.
 */
static bool soft_interrupt(struct vcpu *v, struct cpu_user_regs *regs,
                           const struct pv_insn *insn)
{
    unsigned int vector, len = decode_int(insn, &vector);

    if (!len || TI_GET_DPL(&v->arch.trap_ctxt[vector]) < (v->arch.kernel_mode ? 1u : 3u))
        return false;
    regs->rip += len;
    inject(v, vector, false, 0);
    return true;
}

/* A #GP hv may emulate: a refused `int $n` (IDT bit set) or, with error
 * code 0, a privileged instruction.  The instruction is read once; RDMSR
 * is tried first, as Linux's context switch reads SHADOW_GS_BASE with it. */
static bool emulate_gp_fault(struct vcpu *v, struct cpu_user_regs *regs)
{
    struct pv_insn insn;
    bool soft = (regs->error_code & 3) == 2;

    if (!soft && regs->error_code != 0)
        return false;
    insn.len = pv_fetch_insn(regs, insn.bytes, sizeof(insn.bytes));
    if (soft)
        return soft_interrupt(v, regs, &insn);
    return pv_emulate_msr(regs, &insn) || pv_emulate_gp(regs, &insn) ||
           pv_emulate_io(regs, &insn);
}

/*
 * A kernel-mode write to a present read-only page may be a store into a
 * page table: emulated with VMASST_TYPE_writable_pagetables, and always
 * for dom0 (as Xen's hardware domain gets it through its RO-MMIO path).
 */
static bool ptwr_applies(const struct vcpu *v, u32 ec)
{
    const u32 kind = PFEC_present | PFEC_write | PFEC_reserved | PFEC_insn;

    return v->arch.kernel_mode && (ec & kind) == (PFEC_present | PFEC_write) &&
           (vm_assist_enabled(v->domain, VMASST_TYPE_writable_pagetables) ||
            v->domain == hardware_domain());
}

__hot_path void pv_exception(struct cpu_user_regs *regs)
{
    struct vcpu *v = current;
    unsigned int vec = regs->entry_vector;
    u64 cr2 = vec == TRAP_page_fault ? read_cr2() : 0;

    ASSERT(!is_idle_vcpu(v));
    local_irq_enable();

    switch (vec) {
    case TRAP_page_fault:
        if (ptwr_applies(v, regs->error_code) && pv_emulate_ptwr(regs, cr2))
            return;
        if (pv_emulate_smap_iret(regs, cr2, regs->error_code))
            return;
        pv_inject_page_fault(cr2, regs->error_code);
        return;
    case TRAP_gp_fault:
        if (emulate_gp_fault(v, regs))
            return;
        break;
    case TRAP_invalid_op:
        if (pv_emulate_forced_cpuid(regs))
            return;
        break;
    case TRAP_no_device:
        fpu_device_not_available(v);
        return;
    case TRAP_debug:
        pv_debug_trap_status(v);
        break;
    }
    pv_inject_exception(vec, regs->error_code);
}

__hot_path void pv_bounce_syscall(struct cpu_user_regs *regs)
{
    struct vcpu *v = current;
    bool compat = regs->cs == FLAT_RING3_CS32;
    struct trap_bounce tb = {
        .eip = v->arch.syscall_callback,
        .mask_events = v->arch.vgc_flags & VGCF_syscall_disables_events,
    };

    if (compat && v->arch.syscall32_callback)
        tb.eip = v->arch.syscall32_callback;
    if (tb.eip == 0) {
        /* No callback: #UD at the SYSCALL instruction. */
        regs->rip -= 2;
        pv_inject_exception(TRAP_invalid_op, 0);
        return;
    }
    /* The PV ABI has no virtual SYSCALL mask; it promises DF clear. */
    if (write_bounce_frame(v, regs, &tb))
        regs->rflags &= ~X86_EFLAGS_DF;
}

void pv_bounce_failsafe(struct vcpu *v, struct cpu_user_regs *regs,
                        const u16 segs[4])
{
    struct trap_bounce tb = {
        .eip = v->arch.failsafe_callback,
        .mask_events = v->arch.vgc_flags & VGCF_failsafe_disables_events,
        .failsafe = true,
        .what = "bad segment state and no failsafe callback",
    };

    memcpy(tb.segs, segs, sizeof(tb.segs));
    create_bounce_frame(v, regs, &tb);
}
