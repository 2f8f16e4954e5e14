/*
 * The VMX backend's private state and functions (hv/arch/x86/hvm/vmx/):
 * VMCS field encodings, control bits, exit reasons (Intel SDM vol. 3,
 * appendices A-C) and the VMREAD/VMWRITE/INVEPT/INVVPID wrappers.
 */
#ifndef HV_VMX_PRIVATE_H
#define HV_VMX_PRIVATE_H

#include <hv/hvm.h>

/* --- capability MSRs --- */
#define MSR_IA32_VMX_BASIC          0x480
#define MSR_IA32_VMX_PINBASED_CTLS  0x481
#define MSR_IA32_VMX_EXIT_CTLS      0x483
#define MSR_IA32_VMX_ENTRY_CTLS     0x484
#define MSR_IA32_VMX_CR0_FIXED0     0x486
#define MSR_IA32_VMX_CR0_FIXED1     0x487
#define MSR_IA32_VMX_CR4_FIXED0     0x488
#define MSR_IA32_VMX_CR4_FIXED1     0x489
#define MSR_IA32_VMX_EPT_VPID_CAP   0x48c
#define MSR_IA32_VMX_TRUE_PINBASED  0x48d
#define MSR_IA32_VMX_TRUE_PROCBASED 0x48e
#define MSR_IA32_VMX_TRUE_EXIT      0x48f
#define MSR_IA32_VMX_TRUE_ENTRY     0x490
#define VMX_BASIC_TRUE_CTLS         (1ull << 55)
#define FEATURE_CONTROL_LOCKED      (1u << 0)
#define FEATURE_CONTROL_VMXON       (1u << 2)   /* outside SMX */
#define X86_CR4_VMXE                0x00002000

/* EPT/VPID capabilities (MSR 0x48c). */
#define EPT_CAP_WALK_4              (1ull << 6)
#define EPT_CAP_WB                  (1ull << 14)
#define EPT_CAP_2MB                 (1ull << 16)
#define EPT_CAP_INVEPT              (1ull << 20)
#define EPT_CAP_INVEPT_SINGLE       (1ull << 25)
#define EPT_CAP_INVEPT_ALL          (1ull << 26)
#define VPID_CAP_INVVPID            (1ull << 32)
#define VPID_CAP_INVVPID_SINGLE     (1ull << 41)
#define VPID_CAP_INVVPID_ALL        (1ull << 42)

/* --- execution, exit and entry controls --- */
#define PIN_EXT_INTR_EXITING        (1u << 0)
#define PIN_NMI_EXITING             (1u << 3)

#define CPU_INTR_WINDOW_EXITING     (1u << 2)
#define CPU_USE_TSC_OFFSETTING      (1u << 3)
#define CPU_HLT_EXITING             (1u << 7)
#define CPU_MWAIT_EXITING           (1u << 10)
#define CPU_RDPMC_EXITING           (1u << 11)
#define CPU_CR8_LOAD_EXITING        (1u << 19)
#define CPU_CR8_STORE_EXITING       (1u << 20)
#define CPU_UNCOND_IO_EXITING       (1u << 24)
#define CPU_USE_MSR_BITMAPS         (1u << 28)
#define CPU_MONITOR_EXITING         (1u << 29)
#define CPU_SECONDARY_CONTROLS      (1u << 31)

#define CPU2_ENABLE_EPT             (1u << 1)
#define CPU2_ENABLE_VPID            (1u << 5)
#define CPU2_UNRESTRICTED_GUEST     (1u << 7)

#define EXIT_SAVE_DEBUG_CONTROLS    (1u << 2)
#define EXIT_HOST_ADDR_SPACE_SIZE   (1u << 9)
#define EXIT_SAVE_IA32_PAT          (1u << 18)
#define EXIT_LOAD_IA32_PAT          (1u << 19)
#define EXIT_SAVE_IA32_EFER         (1u << 20)
#define EXIT_LOAD_IA32_EFER         (1u << 21)

#define ENTRY_LOAD_DEBUG_CONTROLS   (1u << 2)
#define ENTRY_IA32E_MODE            (1u << 9)
#define ENTRY_LOAD_IA32_PAT         (1u << 14)
#define ENTRY_LOAD_IA32_EFER        (1u << 15)

/* --- VMCS fields --- */
enum vmcs_field {
    VIRTUAL_PROCESSOR_ID        = 0x0000,
    GUEST_ES_SELECTOR           = 0x0800,   /* ES CS SS DS FS GS LDTR TR, step 2 */
    HOST_ES_SELECTOR            = 0x0c00,
    HOST_CS_SELECTOR            = 0x0c02,
    HOST_SS_SELECTOR            = 0x0c04,
    HOST_DS_SELECTOR            = 0x0c06,
    HOST_FS_SELECTOR            = 0x0c08,
    HOST_GS_SELECTOR            = 0x0c0a,
    HOST_TR_SELECTOR            = 0x0c0c,
    MSR_BITMAP                  = 0x2004,
    VM_EXIT_MSR_STORE_ADDR      = 0x2006,
    VM_EXIT_MSR_LOAD_ADDR       = 0x2008,
    VM_ENTRY_MSR_LOAD_ADDR      = 0x200a,
    TSC_OFFSET                  = 0x2010,
    EPT_POINTER                 = 0x201a,
    GUEST_PHYSICAL_ADDRESS      = 0x2400,
    VMCS_LINK_POINTER           = 0x2800,
    GUEST_IA32_DEBUGCTL         = 0x2802,
    GUEST_IA32_PAT              = 0x2804,
    GUEST_IA32_EFER             = 0x2806,
    GUEST_PDPTE0                = 0x280a,   /* PDPTE0-3, step 2 */
    HOST_IA32_PAT               = 0x2c00,
    HOST_IA32_EFER              = 0x2c02,
    PIN_BASED_CONTROLS          = 0x4000,
    CPU_BASED_CONTROLS          = 0x4002,
    EXCEPTION_BITMAP            = 0x4004,
    CR3_TARGET_COUNT            = 0x400a,
    VM_EXIT_CONTROLS            = 0x400c,
    VM_EXIT_MSR_STORE_COUNT     = 0x400e,
    VM_EXIT_MSR_LOAD_COUNT      = 0x4010,
    VM_ENTRY_CONTROLS           = 0x4012,
    VM_ENTRY_MSR_LOAD_COUNT     = 0x4014,
    VM_ENTRY_INTR_INFO          = 0x4016,
    VM_ENTRY_EXCEPTION_ERROR_CODE = 0x4018,
    VM_ENTRY_INSTRUCTION_LEN    = 0x401a,
    SECONDARY_CONTROLS          = 0x401e,
    VM_INSTRUCTION_ERROR        = 0x4400,
    VM_EXIT_REASON              = 0x4402,
    VM_EXIT_INTR_INFO           = 0x4404,
    VM_EXIT_INTR_ERROR_CODE     = 0x4406,
    IDT_VECTORING_INFO          = 0x4408,
    IDT_VECTORING_ERROR_CODE    = 0x440a,
    VM_EXIT_INSTRUCTION_LEN     = 0x440c,
    GUEST_ES_LIMIT              = 0x4800,   /* ES..TR, GDTR, IDTR, step 2 */
    GUEST_GDTR_LIMIT            = 0x4810,
    GUEST_IDTR_LIMIT            = 0x4812,
    GUEST_ES_AR                 = 0x4814,   /* ES..TR, step 2 */
    GUEST_INTERRUPTIBILITY      = 0x4824,
    GUEST_ACTIVITY_STATE        = 0x4826,
    GUEST_SYSENTER_CS           = 0x482a,
    HOST_SYSENTER_CS            = 0x4c00,
    CR0_GUEST_HOST_MASK         = 0x6000,
    CR4_GUEST_HOST_MASK         = 0x6002,
    CR0_READ_SHADOW             = 0x6004,
    CR4_READ_SHADOW             = 0x6006,
    EXIT_QUALIFICATION          = 0x6400,
    GUEST_CR0                   = 0x6800,
    GUEST_CR3                   = 0x6802,
    GUEST_CR4                   = 0x6804,
    GUEST_ES_BASE               = 0x6806,   /* ES..TR, GDTR, IDTR, step 2 */
    GUEST_GDTR_BASE             = 0x6816,
    GUEST_IDTR_BASE             = 0x6818,
    GUEST_DR7                   = 0x681a,
    GUEST_RSP                   = 0x681c,
    GUEST_RIP                   = 0x681e,
    GUEST_RFLAGS                = 0x6820,
    GUEST_PENDING_DBG_EXCEPTIONS = 0x6822,
    GUEST_SYSENTER_ESP          = 0x6824,
    GUEST_SYSENTER_EIP          = 0x6826,
    HOST_CR0                    = 0x6c00,
    HOST_CR3                    = 0x6c02,
    HOST_CR4                    = 0x6c04,
    HOST_FS_BASE                = 0x6c06,
    HOST_GS_BASE                = 0x6c08,
    HOST_TR_BASE                = 0x6c0a,
    HOST_GDTR_BASE              = 0x6c0c,
    HOST_IDTR_BASE              = 0x6c0e,
    HOST_SYSENTER_ESP           = 0x6c10,
    HOST_SYSENTER_EIP           = 0x6c12,
    HOST_RSP                    = 0x6c14,
    HOST_RIP                    = 0x6c16,
};

/* Guest segment registers in VMCS order (field = base + 2 * seg). */
enum vmx_seg { SEG_ES, SEG_CS, SEG_SS, SEG_DS, SEG_FS, SEG_GS, SEG_LDTR, SEG_TR };

/* Access rights (the descriptor's bits 40-55, plus "unusable"). */
#define AR_CODE32       0xc09b      /* G, D, P, S, execute/read, accessed */
#define AR_DATA32       0xc093      /* G, B, P, S, read/write, accessed */
#define AR_TSS_BUSY     0x008b      /* P, busy TSS */
#define AR_L            (1u << 13)
#define AR_DB           (1u << 14)
#define AR_UNUSABLE     (1u << 16)

/* Interruption information (entry, exit, IDT vectoring). */
#define INTR_INFO_VALID         (1u << 31)
#define INTR_INFO_ERROR_VALID   (1u << 11)
#define INTR_TYPE_MASK          (7u << 8)
#define INTR_TYPE_EXT_INTR      (0u << 8)
#define INTR_TYPE_NMI           (2u << 8)
#define INTR_TYPE_HW_EXCEPTION  (3u << 8)
#define INTR_TYPE_SW_INTR       (4u << 8)
#define INTR_TYPE_PRIV_SW_EXC   (5u << 8)
#define INTR_TYPE_SW_EXCEPTION  (6u << 8)

/* Guest interruptibility state. */
#define INTR_BLOCK_STI          (1u << 0)
#define INTR_BLOCK_MOV_SS       (1u << 1)

/* Exit reasons (bits 15:0; bit 31 marks a failed VM entry: invalid guest
 * state, MSR loading, machine check). */
enum vmx_exit_reason {
    EXIT_EXCEPTION_NMI = 0, EXIT_EXTERNAL_INTERRUPT = 1, EXIT_TRIPLE_FAULT = 2,
    EXIT_INIT = 3, EXIT_SIPI = 4, EXIT_INTR_WINDOW = 7, EXIT_TASK_SWITCH = 9,
    EXIT_CPUID = 10, EXIT_GETSEC = 11, EXIT_HLT = 12, EXIT_INVD = 13,
    EXIT_RDPMC = 15, EXIT_RSM = 17, EXIT_VMCALL = 18, EXIT_VMCLEAR = 19,
    EXIT_VMLAUNCH = 20, EXIT_VMPTRLD = 21, EXIT_VMPTRST = 22, EXIT_VMREAD = 23,
    EXIT_VMRESUME = 24, EXIT_VMWRITE = 25, EXIT_VMXOFF = 26, EXIT_VMXON = 27,
    EXIT_CR_ACCESS = 28, EXIT_IO = 30, EXIT_RDMSR = 31, EXIT_WRMSR = 32,
    EXIT_MWAIT = 36, EXIT_MONITOR = 39, EXIT_EPT_VIOLATION = 48,
    EXIT_INVEPT = 50, EXIT_INVVPID = 53, EXIT_WBINVD = 54, EXIT_XSETBV = 55,
};
#define EXIT_REASON_ENTRY_FAILED    (1u << 31)

/* I/O exit qualification. */
#define IO_QUAL_SIZE_MASK       7u
#define IO_QUAL_IN              (1u << 3)
#define IO_QUAL_STRING          (1u << 4)
#define IO_QUAL_PORT_SHIFT      16

/* EPT violation exit qualification. */
#define EPT_QUAL_WRITE          (1u << 1)
#define EPT_QUAL_FETCH          (1u << 2)
#define EPT_QUAL_LINEAR_VALID   (1u << 7)
#define EPT_QUAL_TRANSLATION    (1u << 8)   /* not a guest paging-structure access */

/* The guest's MSRs VMX does not switch, loaded and saved by the CPU
 * through the VM-entry load / VM-exit store areas (hv's come back from
 * the VM-exit load area). */
struct vmx_msr_entry {
    u32 index, reserved;
    u64 value;
};
#define VMX_NR_SWITCHED_MSRS    5

struct vmx_vcpu {
    void *vmcs;
    paddr_t vmcs_pa;
    bool launched;
    u32 vpid;
    u64 vpid_generation;            /* the CPU generation vpid belongs to */
    struct vmx_msr_entry *guest_msrs;   /* a page of hv memory */
    u64 cr0_shadow, cr4_shadow;     /* the guest's view of CR0 / CR4 */
    u64 cr2;                        /* not in the VMCS: switched by hv */
    u64 dr[4], dr6;                 /* not in the VMCS while off the CPU */
    u32 exit_reason;                /* the last exit, for crash reports */
    u64 exit_qualification;
};

struct vmx_domain {
    void *msr_bitmap;
    mfn_t ept_root;                 /* hv memory */
};

/* What this CPU's VMX offers (vmx.c). */
struct vmx_caps {
    u32 revision;
    u32 pin, cpu, cpu2, exit, entry;    /* controls hv runs guests with */
    u64 cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
    u64 ept_vpid;
    bool vpid;                      /* VPIDs usable (with INVVPID) */
};
extern struct vmx_caps vmx_caps;

/* --- instruction wrappers --- */

static inline u64 vmread(enum vmcs_field f)
{
    u64 v;

    asm volatile("vmread %1, %0" : "=rm"(v) : "r"((u64)f) : "cc");
    return v;
}

static inline void vmwrite(enum vmcs_field f, u64 v)
{
    asm volatile("vmwrite %1, %0" :: "r"((u64)f), "rm"(v) : "cc", "memory");
}

/* 0 on success, -1 on VMfailInvalid / VMfailValid. */
static inline int vmptrld(paddr_t pa)
{
    bool fail;

    asm volatile("vmptrld %1; setbe %0" : "=qm"(fail) : "m"(pa) : "cc", "memory");
    return fail ? -1 : 0;
}

static inline void vmclear(paddr_t pa)
{
    asm volatile("vmclear %0" :: "m"(pa) : "cc", "memory");
}

struct vmx_inv_desc {
    u64 lo, hi;
};

static inline void invept(unsigned long type, u64 eptp)
{
    struct vmx_inv_desc d = { eptp, 0 };

    asm volatile("invept %0, %1" :: "m"(d), "r"(type) : "cc", "memory");
}

static inline void invvpid(unsigned long type, u16 vpid)
{
    struct vmx_inv_desc d = { vpid, 0 };

    asm volatile("invvpid %0, %1" :: "m"(d), "r"(type) : "cc", "memory");
}
#define INV_SINGLE_CONTEXT  1
#define INV_ALL_CONTEXT     2

/* entry.S: runs the guest once (VMLAUNCH if !launched, else VMRESUME)
 * with the general registers of *regs but RSP/RIP/RFLAGS, which are in
 * the VMCS.  0 after a VM exit (regs hold the guest's), 1 if the
 * instruction failed (VM_INSTRUCTION_ERROR says why).  Interrupts off. */
int vmx_enter(struct hvm_regs *regs, bool launched);

/* vmx.c */
void vmx_vmcs_load(struct vcpu *v);     /* makes v's VMCS the current one */
u64 vmx_guest_cr0(void);                /* as the guest sees it */

/* vmcs.c */
void vmx_vmcs_init(struct vcpu *v, const struct hvm_boot_state *bs);
int vmx_host_msrs_init_cpu(void);
void vmx_vmcs_refresh_host(void);       /* host state, before each entry */
void vmx_restore_host_tables(void);     /* GDTR/IDTR limits, after exit */
int vmx_domain_bitmaps_init(struct vmx_domain *d);
u64 vmx_eptp(const struct vmx_domain *d);
/* CR0/CR4 written into the VMCS: hardware-fixed bits forced, the
 * guest's view in the read shadow. */
void vmx_write_cr0(struct vcpu *v, u64 cr0);
void vmx_write_cr4(struct vcpu *v, u64 cr4);
/* PAE paging outside long mode: the PDPTEs from the guest's CR3. */
void vmx_load_pdptes(struct vcpu *v);

/* vpid.c: gives v a VPID of this CPU's generation before VM entry. */
void vmx_vpid_init_cpu(void);
void vmx_vpid_handle_entry(struct vcpu *v);
void vmx_flush_guest_tlb(struct vcpu *v);
void vmx_invept_domain(const struct vmx_domain *d);

/* ept.c: extended page tables over the domain's p2m. */
int vmx_ept_build(struct domain *d);
int vmx_ept_set(struct domain *d, u64 gpfn, mfn_t mfn);
void vmx_ept_destroy(struct domain *d);

/* intr.c: event injection before VM entry. */
void vmx_intr_assist(struct vcpu *v);
void vmx_disable_intr_window(void);

/* exit.c */
void vmx_vmexit_handler(struct vcpu *v);

#endif
