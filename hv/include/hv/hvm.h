/*
 * HVM domains: guests that run under hardware virtualization (AMD SVM
 * or Intel VMX) and see emulated platform devices instead of the
 * Xen PV interfaces.
 *
 * The arch-neutral layer (hv/arch/x86/hvm/) owns guest memory (the p2m),
 * the exit handlers (port I/O, MMIO, CPUID, MSRs, HLT), the emulated
 * devices, interrupt routing and the ioreq interface to device models.
 * An arch backend (hv/arch/x86/hvm/svm/) owns the control block, nested
 * paging, event injection and the world switch; it plugs in through
 * struct hvm_arch_ops and calls the arch-neutral handlers on exits.
 * docs/hvm.md describes the design.
 */
#ifndef HV_HVM_H
#define HV_HVM_H

/* Byte offsets in struct hvm_regs of what the world switch loads (RAX
 * and RSP are in the control block). */
#define HVM_REGS_RCX    8
#define HVM_REGS_RDX    16
#define HVM_REGS_RBX    24
#define HVM_REGS_RBP    40
#define HVM_REGS_RSI    48
#define HVM_REGS_RDI    56
#define HVM_REGS_R8     64
#define HVM_REGS_R9     72
#define HVM_REGS_R10    80
#define HVM_REGS_R11    88
#define HVM_REGS_R12    96
#define HVM_REGS_R13    104
#define HVM_REGS_R14    112
#define HVM_REGS_R15    120

#ifdef __ASSEMBLY__
/*
 * The world switches' register moves between *regs (in %rdi) and the CPU:
 * every general register but RAX, RSP and RDI, which each backend handles
 * its own way around VMRUN / VMLAUNCH.
 */
.macro HVM_LOAD_GPRS
        mov     HVM_REGS_RCX(%rdi), %rcx
        mov     HVM_REGS_RDX(%rdi), %rdx
        mov     HVM_REGS_RBX(%rdi), %rbx
        mov     HVM_REGS_RBP(%rdi), %rbp
        mov     HVM_REGS_RSI(%rdi), %rsi
        mov     HVM_REGS_R8(%rdi), %r8
        mov     HVM_REGS_R9(%rdi), %r9
        mov     HVM_REGS_R10(%rdi), %r10
        mov     HVM_REGS_R11(%rdi), %r11
        mov     HVM_REGS_R12(%rdi), %r12
        mov     HVM_REGS_R13(%rdi), %r13
        mov     HVM_REGS_R14(%rdi), %r14
        mov     HVM_REGS_R15(%rdi), %r15
.endm
.macro HVM_SAVE_GPRS
        mov     %rcx, HVM_REGS_RCX(%rdi)
        mov     %rdx, HVM_REGS_RDX(%rdi)
        mov     %rbx, HVM_REGS_RBX(%rdi)
        mov     %rbp, HVM_REGS_RBP(%rdi)
        mov     %rsi, HVM_REGS_RSI(%rdi)
        mov     %r8, HVM_REGS_R8(%rdi)
        mov     %r9, HVM_REGS_R9(%rdi)
        mov     %r10, HVM_REGS_R10(%rdi)
        mov     %r11, HVM_REGS_R11(%rdi)
        mov     %r12, HVM_REGS_R12(%rdi)
        mov     %r13, HVM_REGS_R13(%rdi)
        mov     %r14, HVM_REGS_R14(%rdi)
        mov     %r15, HVM_REGS_R15(%rdi)
.endm
#else
#include <hv/types.h>
#include <hv/hvm_devices.h>

struct domain;
struct vcpu;
struct svm_vcpu;
struct svm_domain;
struct vmx_vcpu;
struct vmx_domain;
struct ioreq_server;

/*
 * Guest general registers while hv handles an exit, in x86 encoding
 * order (hvm_reg(v, n) is register n of a ModRM/REX operand), then RIP
 * and RFLAGS.  The backend copies what its control block holds (RAX, RSP,
 * RIP, RFLAGS on SVM) in and out around each guest run.
 */
struct hvm_regs {
    union {
        u64 gpr[16];
        struct {
            u64 rax, rcx, rdx, rbx, rsp, rbp, rsi, rdi;
            u64 r8, r9, r10, r11, r12, r13, r14, r15;
        };
    };
    u64 rip, rflags;
};

/* Why the guest left, counted per domain and printed at its death.  The
 * backend maps its own exit codes onto these. */
enum hvm_exit_reason {
    HVM_EXIT_IO,            /* port I/O (SVM IOIO) */
    HVM_EXIT_MMIO,          /* nested page fault on an emulated MMIO page */
    HVM_EXIT_HLT,
    HVM_EXIT_INTR,          /* a physical interrupt for hv */
    HVM_EXIT_NMI,
    HVM_EXIT_VINTR,         /* interrupt window: VINTR, or (SVM) a handler's IRET */
    HVM_EXIT_CPUID,
    HVM_EXIT_MSR,
    HVM_EXIT_CR,            /* an intercepted control-register write */
    HVM_EXIT_VMMCALL,       /* hypercall instruction */
    HVM_EXIT_EXCEPTION,     /* an intercepted guest exception */
    HVM_EXIT_NPF,           /* nested page fault outside RAM and MMIO */
    HVM_EXIT_SHUTDOWN,      /* triple fault */
    HVM_EXIT_OTHER,         /* everything else (refused instructions) */
    HVM_NR_EXIT_REASONS
};

/* What the guest reads and writes in memory: the p2m. */
struct hvm_memory {
    u64 ram_pages;          /* frames of guest RAM */
    u64 p2m_size;           /* guest frames [0, p2m_size) have entries */
    mfn_t *p2m;             /* gpfn -> mfn; INVALID_MFN outside RAM */
    u64 low_end;            /* RAM below 4 GiB is [0, low_end) */
    u64 shared_info_gfn;    /* XENMEM_add_to_physmap's, or INVALID_PFN */
};

struct hvm_domain {
    struct hvm_memory mem;

    /* Port I/O handlers of emulated devices (io.c). */
    struct hvm_portio_handler portio[HVM_MAX_PORTIO];
    unsigned int nr_portio;

    /* Platform devices (one instance per domain). */
    struct vpic vpic[2];            /* master, slave */
    struct vioapic vioapic;
    struct vpit vpit;
    struct vrtc vrtc;
    struct acpi_pm pm;
    struct vuart uart;

    /* Device models registered with dm_op (ioreq.c). */
    struct ioreq_server *ioreq_servers[HVM_MAX_IOREQ_SERVERS];

    /* Backend state (NPT, I/O and MSR permission maps). */
    struct svm_domain *svm;
    struct vmx_domain *vmx;

    bool platform_ready;            /* devices set up (hvm_platform_init) */

    /* HVM_PARAM_CALLBACK_IRQ as set (hvm_op.c; 0: no callback). */
    u64 callback_param;

    u64 exits[HVM_NR_EXIT_REASONS];
};

/* An I/O the vCPU waits on: the ioreq server's answer completes it. */
struct hvm_io_wait {
    bool active;
    bool is_mmio;
    bool write;
    u8 size;
    u8 reg;                 /* destination register of a read */
    bool reg_high8;         /* AH, CH, DH or BH */
    bool sign_extend;       /* movsx */
    u8 dest_size;           /* bytes written to reg (movzx/movsx widen) */
    u8 server;              /* the ioreq server's id */
    bool string_batch;      /* INS/OUTS elements the device model moved */
    bool string_in;         /* INS: the value goes to guest memory */
    u8 string_split;        /* bytes at string_gpa[0], the rest at [1] */
    u64 string_gpa[2];
    u64 next_rip;
};

struct hvm_vcpu {
    struct hvm_regs regs;
    struct vlapic vlapic;
    struct hvm_io_wait io_wait;
    bool halted_irqs_off;           /* HLT with IF clear: only NMI wakes */
    bool hcall_64bit;               /* the hypercall in progress: 64-bit ABI */
    struct svm_vcpu *svm;
    struct vmx_vcpu *vmx;
};

/* Paging state the emulator needs to read guest memory (from the backend). */
struct hvm_paging {
    u64 cr0, cr3, cr4, efer;
    u64 cs_base;
    bool cs_long;                   /* 64-bit code segment */
    bool cs_db;                     /* 32-bit default operand size */
    u64 seg_base[6];                /* ES, CS, SS, DS, FS, GS */
    unsigned int cpl;
};

/* Initial vCPU state for a multiboot v1 kernel. */
struct hvm_boot_state {
    u32 eip, eax, ebx;
};

/* The backend's side of HVM. */
struct hvm_arch_ops {
    const char *name;
    u8 hypercall_insn[3];           /* VMMCALL or VMCALL, for the hypercall page */
    int (*domain_init)(struct domain *d);
    /* Guest RAM is in the p2m: build the nested page tables. */
    int (*map_memory)(struct domain *d);
    /* One p2m entry changed (INVALID_MFN: unmapped): the nested table
     * follows and the guest's TLB is flushed.  0 or -ENOMEM. */
    int (*p2m_set)(struct domain *d, u64 gpfn, mfn_t mfn);
    void (*domain_destroy)(struct domain *d);
    int (*vcpu_init)(struct vcpu *v);
    void (*vcpu_destroy)(struct vcpu *v);
    void (*set_boot_state)(struct vcpu *v, const struct hvm_boot_state *s);
    void (*ctxt_switch_from)(struct vcpu *v);
    void (*ctxt_switch_to)(struct vcpu *v);
    void __attribute__((noreturn)) (*resume)(void);
    /* Delivers exception vector (error code ec if has_ec) at next entry. */
    void (*inject_exception)(struct vcpu *v, unsigned int vector, bool has_ec,
                             u32 ec);
    void (*get_paging)(struct vcpu *v, struct hvm_paging *p);
    /* The guest's CR2 (set before a #PF is injected). */
    void (*set_cr2)(struct vcpu *v, u64 cr2);
    /* A checked CR4 value; the guest's TLB is flushed. */
    void (*set_cr4)(struct vcpu *v, u64 cr4);
    u64 (*get_efer)(struct vcpu *v);
    int (*set_efer)(struct vcpu *v, u64 efer);
    u64 (*get_pat)(struct vcpu *v);
    void (*set_pat)(struct vcpu *v, u64 pat);
    u64 (*get_tsc_offset)(struct vcpu *v);
    void (*set_tsc_offset)(struct vcpu *v, u64 offset);
    void (*dump)(struct vcpu *v);
};

/* The backend in use; NULL when the CPU has neither SVM nor VMX. */
extern const struct hvm_arch_ops *hvm_ops;

/* Backends: turn the hardware on for this CPU, NULL if that fails. */
const struct hvm_arch_ops *svm_start(void);
const struct hvm_arch_ops *vmx_start(void);

static inline bool is_hvm_domain(const struct domain *d);

/* --- boot and lifecycle (hvm.c) --- */

/* Boot CPU: turns the backend on if the CPU has it (prints why not). */
void hvm_init(void);
/* Why HVM domains cannot be created here, or NULL if they can. */
const char *hvm_unavailable_reason(void);

int hvm_domain_initialise(struct domain *d);
/* Stops the devices and drops the p2m's frame references (before the
 * domain's memory is relinquished); prints the exit counts. */
void hvm_domain_destroy(struct domain *d);
void hvm_domain_free(struct domain *d);
int hvm_vcpu_initialise(struct vcpu *v);
void hvm_vcpu_destroy(struct vcpu *v);

/* Guest RAM (p2m.c): ram_pages frames from the domain's heap, below 4 GiB
 * up to 3 GiB then above 4 GiB; the p2m holds a reference on each. */
int hvm_p2m_populate(struct domain *d, u64 ram_pages);
void hvm_p2m_teardown(struct domain *d);

/* Platform devices of a built domain (platform.c); RAM must be known. */
void hvm_platform_init(struct domain *d);
void hvm_platform_destroy(struct domain *d);
/* A vCPU's local APIC (reset state, timer bound to the vCPU), and its
 * hv timer re-armed after the guest changed the APIC timer. */
void vlapic_init(struct vcpu *v);
void hvm_vlapic_sync_timer(struct vcpu *v);

/* Context switch hooks (sched.c) and the first entry of a switched-in
 * vCPU (on a fresh stack). */
void hvm_ctxt_switch_from(struct vcpu *v);
void hvm_ctxt_switch_to(struct vcpu *v);
void __attribute__((noreturn)) hvm_resume(void);

/* Called by the backend before each guest run: softirqs, scheduling,
 * reaping, until the vCPU may run.  Returns with interrupts off. */
void hvm_prepare_entry(void);

/* Registers and state for crash reports. */
void hvm_dump_vcpu(struct vcpu *v);

static inline u64 *hvm_reg(struct vcpu *v, unsigned int n);
/* Writes the low size bytes of register reg (AH..BH if high8), as the
 * CPU would: 1 and 2 bytes merge, 4 zero-extends, 8 replaces. */
void hvm_set_reg_sized(struct vcpu *v, unsigned int reg, bool high8,
                       unsigned int size, u64 val);
/* The value of a size-byte load goes into reg (dest_size bytes of it,
 * sign-extended for movsx). */
void hvm_complete_load(struct vcpu *v, unsigned int reg, bool high8,
                       unsigned int size, unsigned int dest_size,
                       bool sign_extend, u64 val);

/* --- exits (arch-neutral handlers the backend calls) --- */

void hvm_count_exit(struct vcpu *v, enum hvm_exit_reason r);

/* CPUID: what the guest sees for leaf/sub (cpuid.c), from the host's
 * values as host() returns them. */
typedef void (*cpuid_fn)(u32 leaf, u32 sub, u32 r[4]);
void hvm_cpuid_policy(u32 leaf, u32 sub, unsigned int apic_id, cpuid_fn host,
                      u32 out[4]);
void hvm_handle_cpuid(struct vcpu *v);
/* HLT: blocks the vCPU until an interrupt is pending. */
void hvm_handle_hlt(struct vcpu *v);
/* RDMSR/WRMSR of ECX; injects #GP for MSRs hv does not offer.  True if
 * the instruction completed (RIP may advance). */
bool hvm_handle_rdmsr(struct vcpu *v);
bool hvm_handle_wrmsr(struct vcpu *v);
/* MOV to CR4 (intercepted so the guest cannot turn on what hv does not
 * switch or offer: PKE, OSXSAVE, PCIDE, VMXE...): #GP for those. */
void hvm_handle_cr4_write(struct vcpu *v);
/* Fetches up to 15 instruction bytes at the guest's CS:RIP (p from
 * get_paging); how many could be read, 0 if none. */
unsigned int hvm_fetch_insn(struct vcpu *v, const struct hvm_paging *p, u8 *buf);
/* A hypercall instruction (hypercall.c): true if it completed and RIP
 * may advance, false if a continuation will run it again. */
bool hvm_handle_hypercall(struct vcpu *v);
/* hvm_op (hvm_op.c): the caller's own parameters. */
long hvm_do_hvm_op(unsigned int cmd, u64 arg);
/* hypercall_create_continuation for the current HVM vCPU. */
long hvm_hypercall_continuation(unsigned int op, const u64 args[5]);
/* WRMSR 0x40000000: writes the hypercall page; false means #GP. */
bool hvm_write_hypercall_page(struct vcpu *v, u64 val);
/* Hypercall buffers at guest linear addresses (guest_copy.c): 0 or -EFAULT. */
int hvm_copy_from_guest_linear(struct vcpu *v, void *dst, u64 src, size_t len);
int hvm_copy_to_guest_linear(struct vcpu *v, u64 dst, const void *src, size_t len);
int hvm_clear_guest_linear(struct vcpu *v, u64 dst, size_t len);
void hvm_inject_exception(struct vcpu *v, unsigned int vector, bool has_ec,
                          u32 ec);
/* #PF at linear address cr2 with error code ec. */
void hvm_inject_page_fault(struct vcpu *v, u32 ec, u64 cr2);

/* A vCPU that may have a new interrupt pending: wake it if blocked. */
void hvm_vcpu_kick(struct vcpu *v);

#include <hv/domain.h>

static inline bool is_hvm_domain(const struct domain *d)
{
    return d->type == DOMAIN_HVM;
}

/* The event-channel callback vector (hvm_op.c accepts only the vector
 * type: its low byte), or 0 for none. */
static inline u8 hvm_callback_vector(const struct domain *d)
{
    return (u8)d->hvm->callback_param;
}

static inline u64 *hvm_reg(struct vcpu *v, unsigned int n)
{
    return &v->hvm->regs.gpr[n];
}

#endif /* __ASSEMBLY__ */
#endif
