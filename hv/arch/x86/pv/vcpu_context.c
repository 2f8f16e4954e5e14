/*
 * A PV vCPU's state as the toolstack sets and reads it (domctl
 * setvcpucontext / getvcpucontext) and as a guest starts another of its
 * vCPUs (VCPUOP_initialise, vcpu_initialise.c): struct
 * vcpu_guest_context, with the checks of Xen's arch_set_info_guest.
 * Every address hv may return to is canonical, the selectors are ones
 * the guest may use, the GDT frames are the domain's and take the
 * descriptor type (set_gdt's rules), the debug registers pass
 * set_debugreg's checks, the page tables are the target domain's own and
 * validate as L4 tables.  Everything is checked before anything changes;
 * what can only fail while being taken (the GDT and L4 references) is
 * undone if a later step fails.
 *
 * Not supported (refused with -EOPNOTSUPP, where Xen would accept it):
 * a non-empty LDT (hv has no LDT mapping yet, as MMUEXT_SET_LDT).
 * Stricter than Xen: a null CS, SS or kernel_ss, or one of hv's private
 * selectors, is refused (-EINVAL); Xen fixes their RPL and lets the
 * first return to the guest fail.
 */
#include <hv/domain.h>
#include <hv/pv_mm.h>
#include <hv/page.h>
#include <hv/mm.h>
#include <hv/processor.h>
#include <hv/errno.h>
#include <hv/lib.h>
#include <public/xen.h>
#include <hv/sched.h>
#include "private.h"

#define MAX_LDT_ENTS 8192

/* Xen's fixup: a selector with RPL 0 means ring 3 to a 64-bit PV guest. */
static u16 ring3(u16 sel)
{
    return (sel & 3) == 0 ? sel | 3 : sel;
}

/*
 * A CS or SS the vCPU starts with: one of the guest's own descriptors
 * (GDT below hv's reserved entries, or LDT), or hv's flat ring-3 ones.
 * A bad descriptor of the guest's own then fails its first return (the
 * guest's fault); hv's private selectors and null are refused outright.
 */
static bool selector_ok(u64 raw)
{
    u16 sel = ring3((u16)raw);

    if (raw > 0xffff || (sel & ~3) == 0)
        return false;
    return (sel >> 3) < FIRST_RESERVED_GDT_ENTRY || (sel & 4) ||
           pv_cs_ok(sel) || pv_ss_ok(sel);
}

static bool addresses_ok(const struct vcpu_guest_context *c)
{
    if (!is_canonical_address(c->user_regs.rip) ||
        !is_canonical_address(c->user_regs.rsp) ||
        !is_canonical_address(c->kernel_sp) ||
        !is_canonical_address(c->fs_base) ||
        !is_canonical_address(c->gs_base_kernel) ||
        !is_canonical_address(c->gs_base_user) ||
        !is_canonical_address(c->event_callback_eip) ||
        !is_canonical_address(c->syscall_callback_eip) ||
        !is_canonical_address(c->failsafe_callback_eip))
        return false;
    for (unsigned int i = 0; i < ARRAY_SIZE(c->trap_ctxt); i++)
        if (!is_canonical_address(c->trap_ctxt[i].address))
            return false;
    return true;
}

static int check_context(const struct vcpu *v, const struct vcpu_guest_context *c)
{
    int rc;

    if (!addresses_ok(c))
        return -EINVAL;
    if (!selector_ok(c->user_regs.cs) || !selector_ok(c->user_regs.ss) ||
        !selector_ok(c->kernel_ss))
        return -EINVAL;
    if ((c->ldt_base & (PAGE_SIZE - 1)) || c->ldt_ents > MAX_LDT_ENTS)
        return -EINVAL;
    if (v->vcpu_id == 0 && (c->vm_assist & ~VM_ASSIST_VALID))
        return -EINVAL;
    /* A vCPU starting in user mode needs a user page table (Xen's rule). */
    if (!(c->flags & VGCF_in_kernel) && c->ctrlreg[1] == 0)
        return -EINVAL;
    if (c->gdt_ents > FIRST_RESERVED_GDT_ENTRY)
        return -EINVAL;
    rc = pv_check_debugregs(c->debugreg);
    if (rc)
        return rc;
    if (c->ldt_ents)
        return -EOPNOTSUPP;
    /* Once initialised, the tables and the GDT stay (Xen: -EOPNOTSUPP). */
    if (v->is_initialised &&
        (xen_cr3_to_pfn(c->ctrlreg[3]) != v->guest_table ||
         xen_cr3_to_pfn(c->ctrlreg[1]) != v->guest_table_user ||
         c->gdt_ents != v->arch.gdt_ents ||
         memcmp(c->gdt_frames, v->arch.gdt_frames,
                gdt_frames_for(c->gdt_ents) * sizeof(c->gdt_frames[0]))))
        return -EOPNOTSUPP;
    return 0;
}

static void load_context(struct vcpu *v, const struct vcpu_guest_context *c)
{
    struct pv_vcpu *a = &v->arch;
    struct cpu_user_regs *r = &a->user_regs;

    *r = c->user_regs;
    /* Not a SYSCALL frame: the exit restores RCX and R11 as given. */
    r->entry_vector = 0;
    r->cs = ring3(r->cs);
    r->ss = ring3(r->ss);
    /* IOPL is virtual; real interrupts stay enabled in the guest. */
    a->iopl = r->rflags & X86_EFLAGS_IOPL;
    r->rflags = (r->rflags & ~(X86_EFLAGS_IOPL | X86_EFLAGS_VM)) | X86_EFLAGS_IF;
    a->ds = c->user_regs.ds;
    a->es = c->user_regs.es;
    a->fs = c->user_regs.fs;
    a->gs = c->user_regs.gs;
    memcpy(a->trap_ctxt, c->trap_ctxt, sizeof(a->trap_ctxt));
    for (unsigned int i = 0; i < ARRAY_SIZE(a->trap_ctxt); i++)
        a->trap_ctxt[i].cs = ring3(a->trap_ctxt[i].cs);
    a->kernel_ss = ring3(c->kernel_ss);
    a->kernel_sp = c->kernel_sp;
    a->event_callback = c->event_callback_eip;
    a->failsafe_callback = c->failsafe_callback_eip;
    a->syscall_callback = c->syscall_callback_eip;
    a->vgc_flags = c->flags & (VGCF_failsafe_disables_events |
                               VGCF_syscall_disables_events);
    a->fs_base = c->fs_base;
    a->gs_base_kernel = c->gs_base_kernel;
    a->gs_base_user = c->gs_base_user;
    a->kernel_mode = c->flags & VGCF_in_kernel;
    a->guest_ts = c->ctrlreg[0] & X86_CR0_TS;
    if (c->flags & VGCF_i387_valid)
        fpu_set_image(v, c->fpu_ctxt);
    pv_put_debugregs(v, c->debugreg);
}

int pv_set_vcpu_context(struct vcpu *v, const struct vcpu_guest_context *c)
{
    struct domain *d = v->domain;
    unsigned long vm_assist = d->vm_assist;
    int rc = check_context(v, c);

    if (rc)
        return rc;
    if (!v->is_initialised) {
        /* vm_assist first: m2p_strict decides what the user L4 sees. */
        if (v->vcpu_id == 0)
            d->vm_assist = c->vm_assist;
        rc = pv_set_gdt(v, c->gdt_frames, c->gdt_ents);
        if (!rc) {
            rc = pv_set_initial_tables(v, xen_cr3_to_pfn(c->ctrlreg[3]),
                                       xen_cr3_to_pfn(c->ctrlreg[1]));
            if (rc)
                pv_destroy_gdt(v);
        }
        if (rc) {
            d->vm_assist = vm_assist;
            return rc;
        }
        v->is_initialised = true;
    }
    load_context(v, c);
    /* The IOPL is v's; vm_assist may have changed for every vCPU. */
    pv_io_privilege_changed_domain(d);
    if (c->flags & VGCF_online)
        vcpu_unpause_flag(v, VPF_down);
    else
        vcpu_pause_flag(v, VPF_down);
    return 0;
}

void pv_get_vcpu_context(const struct vcpu *v, struct vcpu_guest_context *c)
{
    const struct pv_vcpu *a = &v->arch;

    memset(c, 0, sizeof(*c));
    fpu_get_image(v, c->fpu_ctxt);
    c->flags = a->vgc_flags | VGCF_i387_valid |
               (a->kernel_mode ? VGCF_in_kernel : 0) |
               (v->pause_flags & VPF_down ? 0 : VGCF_online);
    c->user_regs = a->user_regs;
    c->user_regs.rflags |= a->iopl;
    c->user_regs.ds = a->ds;
    c->user_regs.es = a->es;
    c->user_regs.fs = a->fs;
    c->user_regs.gs = a->gs;
    c->user_regs.saved_upcall_mask = v->vcpu_info->evtchn_upcall_mask;
    memcpy(c->trap_ctxt, a->trap_ctxt, sizeof(c->trap_ctxt));
    c->gdt_ents = a->gdt_ents;
    memcpy(c->gdt_frames, a->gdt_frames, sizeof(a->gdt_frames));
    c->kernel_ss = a->kernel_ss;
    c->kernel_sp = a->kernel_sp;
    memcpy(c->debugreg, a->dr, sizeof(a->dr));
    c->debugreg[6] = a->dr6;
    c->debugreg[7] = a->dr7;
    c->ctrlreg[0] = (read_cr0() & ~X86_CR0_TS) | (a->guest_ts ? X86_CR0_TS : 0);
    c->ctrlreg[1] = xen_pfn_to_cr3(v->guest_table_user);
    c->ctrlreg[3] = xen_pfn_to_cr3(v->guest_table);
    c->ctrlreg[4] = pv_guest_cr4(v);
    c->event_callback_eip = a->event_callback;
    c->failsafe_callback_eip = a->failsafe_callback;
    c->syscall_callback_eip = a->syscall_callback;
    c->vm_assist = v->domain->vm_assist;
    c->fs_base = a->fs_base;
    c->gs_base_kernel = a->gs_base_kernel;
    c->gs_base_user = a->gs_base_user;
}
