/*
 * PV CPU virtualisation (hv/arch/x86/pv/): the x86-64 Xen PV model.
 *
 * Guest kernel and guest user both run in ring 3; the vCPU's kernel_mode
 * flag says which one it is in.  Each mode has its own L4 (guest_table,
 * guest_table_user) and GS base; toggle_guest_mode() swaps both.  Entries
 * from the guest (SYSCALL, exceptions, interrupts) leave the guest's
 * registers in cpu_info.guest_regs; hv changes that frame to redirect the
 * guest ("bounce" it to a registered handler) and returns to it on the
 * exit path (ret_to_guest in entry.S).
 */
#ifndef HV_PV_H
#define HV_PV_H

#include <hv/types.h>
#include <public/arch-x86_64.h>

struct vcpu;
struct domain;

#define X86_EFLAGS_IOPL 0x00003000

/* The vm_assist types a 64-bit PV guest may enable (the 4gb_segments and
 * pae_extended_cr3 ones only matter to 32-bit guests, as in Xen). */
#define VM_ASSIST_VALID ((1UL << VMASST_TYPE_4gb_segments) | \
                         (1UL << VMASST_TYPE_4gb_segments_notify) | \
                         (1UL << VMASST_TYPE_writable_pagetables) | \
                         (1UL << VMASST_TYPE_pae_extended_cr3) | \
                         (1UL << VMASST_TYPE_architectural_iopl) | \
                         (1UL << VMASST_TYPE_runstate_update_flag) | \
                         (1UL << VMASST_TYPE_m2p_strict))

/* FPU/SSE/AVX state, saved with XSAVE when the CPU has it, else FXSAVE. */
struct fpu_state;

struct pv_vcpu {
    /* The guest's registers while it is not on a CPU. */
    struct cpu_user_regs user_regs;

    /* Callbacks (callback_op); the virtual IDT is last. */
    u64 event_callback;
    u64 failsafe_callback;
    u64 syscall_callback;
    u64 syscall32_callback;
    u64 nmi_callback;
    unsigned int vgc_flags;         /* VGCF_{failsafe,syscall}_disables_events */

    /* stack_switch: where a bounce from user mode puts its frame. */
    u64 kernel_ss, kernel_sp;

    /* Segment state saved when the vCPU leaves its CPU. */
    u64 fs_base, gs_base_kernel, gs_base_user;
    u16 ds, es, fs, gs;

    /* set_gdt: the guest's GDT frames (each typed PGT_seg_desc) and its
     * entry count; MMUEXT_SET_LDT: the LDT's linear base and entries. */
    mfn_t gdt_frames[FIRST_RESERVED_GDT_PAGE];
    unsigned int gdt_ents;
    u64 ldt_base;
    unsigned int ldt_ents;
    /* The last CS:SS pair of GDT selectors an iret was found good for
     * (cs << 16 | ss, RPL 3, so never 0); 0 after any GDT change. */
    u32 iret_selectors_ok;

    /* set_debugreg: DR0-3, DR6, DR7 as the guest set them. */
    u64 dr[4], dr6, dr7;

    u32 iopl;                       /* PHYSDEVOP_set_iopl, as EFLAGS.IOPL bits */
    /* The guest kernel's port accesses pass the TSS's I/O bitmap
     * (pv_io_privilege_changed keeps it true to iopl and vm_assist). */
    bool kernel_io_direct;
    u64 cr4;                        /* guest-chosen CR4 bits (FSGSBASE) */
    bool kernel_mode;               /* guest kernel (true) or guest user */

    /* FPU: the guest's virtual CR0.TS (fpu_taskswitch) and its state. */
    bool guest_ts;
    bool fpu_dirtied;               /* loaded in the CPU since switch-in */
    u64 xcr0;                       /* the guest's XCR0 (x87|SSE until it XSETBVs) */
    struct fpu_state *fpu;

    /* The runstate area could not be written in user mode: retry when
     * the vCPU enters kernel mode (the area is a kernel address). */
    bool runstate_update_pending;
    /* The same for the registered vcpu_time_info copy. */
    bool time_update_pending;

    /* Hypercall state: a continuation was set up; inside a multicall. */
    bool hcall_preempted;
    bool in_multicall;

    /* Virtual IDT (set_trap_table): 4 KiB, after the fields every guest
     * entry and exit uses, which then share struct vcpu's first page. */
    struct trap_info trap_ctxt[256];
};

/* --- boot and per-vCPU setup (hv/arch/x86/pv/) --- */

void pv_cpu_init(void);                 /* IDT DPLs, FPU mode, wallclock */
int pv_vcpu_init(struct vcpu *v);       /* 0 or -ENOMEM */
void pv_vcpu_destroy(struct vcpu *v);
/* Fills a PV kernel's hypercall page (PAGE_SIZE bytes at page). */
void pv_write_hypercall_page(void *page);

/* --- entry from the guest (called from entry.S and traps.c) --- */

/* entry.S: SYSCALL from compatibility mode, and the exit path. */
void cstar_entry(void);
void __attribute__((noreturn)) ret_to_guest(void);

void pv_syscall_entry(struct cpu_user_regs *regs);
void pv_cstar_entry(struct cpu_user_regs *regs);
void pv_exception(struct cpu_user_regs *regs);

/*
 * The exit path: runs softirqs and the scheduler, delivers a pending
 * event upcall, and returns with interrupts off when the current vCPU's
 * frame in cpu_info.guest_regs may be loaded: true if SYSRET may load
 * it (RCX and R11 then hold RIP and RFLAGS), false for IRETQ.  Never
 * returns to its caller if the CPU switches to another vCPU.
 */
bool pv_prepare_exit(void);

/* An iretq to the guest faulted (extable fixup in entry.S). */
void __attribute__((noreturn)) pv_iret_fault(void);

/* --- bounces into the guest kernel --- */

/* Injects exception `vector` (error code if the vector has one). */
void pv_inject_exception(unsigned int vector, u32 error_code);
/* #PF with CR2 = addr; the U bit is set from the guest's mode. */
void pv_inject_page_fault(u64 addr, u32 error_code);
/* Prints the current guest's stack words at rsp (as many as it can
 * read, up to 24): the return addresses show where a crash came from. */
void pv_dump_guest_stack(u64 rsp);

/* Switches the current vCPU between guest kernel and guest user mode. */
void toggle_guest_mode(struct vcpu *v);

/* The L4 the CPU uses for v now (kernel or user table). */
mfn_t pv_current_l4(const struct vcpu *v);

/* --- descriptor tables (pv/descriptor_tables.c) --- */

long do_set_gdt(xen_guest_handle_t frame_list, unsigned int entries);
long do_update_descriptor(u64 maddr, u64 desc);
/* set_gdt for v (current, or not running): frames[0 .. entries/512]
 * each v's domain's and typed PGT_seg_desc, the old ones released.
 * -EINVAL (nothing changed) if one is not. */
int pv_set_gdt(struct vcpu *v, const mfn_t *frames, unsigned int entries);
/* Drops v's GDT frames (v not running, or it is current). */
void pv_destroy_gdt(struct vcpu *v);
/* Points this CPU's GDT window at v's frames (before its selectors load). */
void pv_load_descriptor_tables(struct vcpu *v);
/* The CS and SS (RPL 3) current returns to by iret: each flat, or a
 * present DPL-3 code (CS) or writable data (SS) descriptor of the loaded
 * GDT/LDT. */
bool pv_guest_selectors_ok(struct vcpu *v, u16 cs, u16 ss);

/* --- debug registers (pv/debugreg.c) --- */

long do_set_debugreg(int reg, u64 value);
long do_get_debugreg(int reg);
/* A vCPU context's debugreg[8] (DR0-3, DR6, DR7; DR4/5 ignored, as in
 * Xen): 0, or set_debugreg's answer for the first bad one. */
int pv_check_debugregs(const u64 dr[8]);
/* Makes them v's (v not running; checked with pv_check_debugregs). */
void pv_put_debugregs(struct vcpu *v, const u64 dr[8]);
/* Context switch: DR7 disarmed when v leaves the CPU; the CPU's DR6 reset
 * if an HVM vCPU left bits in it, and DR0-3/DR7 loaded when v enables
 * breakpoints.  v's DR6 lives in arch.dr6 (pv_debug_trap_status). */
void pv_save_debugregs(struct vcpu *v);
void pv_load_debugregs(const struct vcpu *v);

/* --- context switch (pv/context.c) --- */

/* An I/O permission bitmap (IO_BITMAP_BYTES) that passes every port the
 * hardware domain may use directly and traps hv's own (ioport.c). */
void pv_io_bitmap_init(u8 *bitmap);
/* Recomputes v's kernel_io_direct: after any change of its virtual
 * IOPL or of its domain's vm_assist; the _domain form for all vCPUs. */
void pv_io_privilege_changed(struct vcpu *v);
void pv_io_privilege_changed_domain(struct domain *d);

/* Saves the CPU state of prev (a guest vCPU that was running here). */
void pv_ctxt_save(struct vcpu *prev);
/* Loads next's registers into this CPU's frame, CR3, segments, MSRs. */
void pv_ctxt_load(struct vcpu *next);
/* d is going: this CPU leaves d's page tables (which the idle vCPU may
 * still run on) and forgets d's translations. */
void pv_forget_domain(struct domain *d);

/* --- FPU (pv/fpu.c) --- */

void fpu_init(void);
int fpu_alloc(struct vcpu *v);            /* 0 or -ENOMEM */
void fpu_free(struct vcpu *v);
void fpu_switch_out(struct vcpu *v);    /* save if dirtied, set CR0.TS */
void fpu_switch_in(struct vcpu *v);     /* load v's XCR0 */
bool fpu_has_xsave(void);
bool pv_set_xcr0(struct vcpu *v, u32 index, u64 val);  /* emulated XSETBV */
void fpu_device_not_available(struct vcpu *v);  /* #NM from the guest */
/* The legacy FXSAVE image (512 bytes) of a vCPU that is not running. */
void fpu_get_image(const struct vcpu *v, u8 img[512]);
void fpu_set_image(struct vcpu *v, const u8 img[512]);

/* --- the toolstack's view of a vCPU (pv/vcpu_context.c) --- */

struct vcpu_guest_context;
/* domctl setvcpucontext: validates all of c, then makes v's state c's
 * (the first call takes the page-table references; later ones must name
 * the same tables, as in Xen).  0 or -errno; on error v is unchanged. */
int pv_set_vcpu_context(struct vcpu *v, const struct vcpu_guest_context *c);
void pv_get_vcpu_context(const struct vcpu *v, struct vcpu_guest_context *c);
/* VCPUOP_initialise: v (of the caller's domain) takes the context at
 * guest address arg; -EFAULT, -EEXIST if v has one, else as above. */
long pv_vcpu_initialise(struct vcpu *v, xen_guest_handle_t arg);
void fpu_set_guest_ts(struct vcpu *v, bool set);

/* --- emulation of the few privileged operations Xen emulates --- */

/* The guest's view of CR4, and loading its FSGSBASE choice into CR4. */
u64 pv_guest_cr4(const struct vcpu *v);
void pv_load_cr4(const struct vcpu *v);

bool pv_emulate_forced_cpuid(struct cpu_user_regs *regs);
/* A store into one of the guest's L1 tables at addr (writable page tables). */
bool pv_emulate_ptwr(struct cpu_user_regs *regs, u64 addr);

/* Wallclock at system time 0, from the RTC at boot. */
void wallclock_init(void);
void wallclock_get(u64 *sec, u32 *nsec);

/* Selectors a guest may load into CS / SS on return. */
static inline bool pv_cs_ok(u64 cs)
{
    return (cs | 3) == FLAT_RING3_CS64 || (cs | 3) == FLAT_RING3_CS32;
}

static inline bool pv_ss_ok(u64 ss)
{
    return (ss | 3) == FLAT_RING3_SS64;
}

#endif
