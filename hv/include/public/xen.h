/*
 * heron's copy of the Xen x86-64 PV guest ABI: core definitions.
 *
 * Numbers and layouts follow Xen's public headers (xen/include/public/xen.h)
 * so that Xen PV kernels run unchanged.  This tree is the only place the ABI
 * is written down; hv, the guest kernels and the tools all include it.
 *
 * Guest pointers inside ABI structures are xen_guest_handle_t: a guest
 * virtual address carried as an integer, never dereferenced directly by hv.
 */
#ifndef HERON_PUBLIC_XEN_H
#define HERON_PUBLIC_XEN_H

#include "arch-x86_64.h"

/* Hypercall numbers. */
#define __HYPERVISOR_set_trap_table                0
#define __HYPERVISOR_mmu_update                    1
#define __HYPERVISOR_set_gdt                       2
#define __HYPERVISOR_stack_switch                  3
#define __HYPERVISOR_set_callbacks                 4
#define __HYPERVISOR_fpu_taskswitch                5
#define __HYPERVISOR_sched_op_compat               6
#define __HYPERVISOR_platform_op                   7
#define __HYPERVISOR_set_debugreg                  8
#define __HYPERVISOR_get_debugreg                  9
#define __HYPERVISOR_update_descriptor            10
#define __HYPERVISOR_memory_op                    12
#define __HYPERVISOR_multicall                    13
#define __HYPERVISOR_update_va_mapping            14
#define __HYPERVISOR_set_timer_op                 15
#define __HYPERVISOR_event_channel_op_compat      16
#define __HYPERVISOR_xen_version                  17
#define __HYPERVISOR_console_io                   18
#define __HYPERVISOR_physdev_op_compat            19
#define __HYPERVISOR_grant_table_op               20
#define __HYPERVISOR_vm_assist                    21
#define __HYPERVISOR_update_va_mapping_otherdomain 22
#define __HYPERVISOR_iret                         23
#define __HYPERVISOR_vcpu_op                      24
#define __HYPERVISOR_set_segment_base             25
#define __HYPERVISOR_mmuext_op                    26
#define __HYPERVISOR_xsm_op                       27
#define __HYPERVISOR_nmi_op                       28
#define __HYPERVISOR_sched_op                     29
#define __HYPERVISOR_callback_op                  30
#define __HYPERVISOR_xenoprof_op                  31
#define __HYPERVISOR_event_channel_op             32
#define __HYPERVISOR_physdev_op                   33
#define __HYPERVISOR_hvm_op                       34
#define __HYPERVISOR_sysctl                       35
#define __HYPERVISOR_domctl                       36
#define __HYPERVISOR_kexec_op                     37
#define __HYPERVISOR_tmem_op                      38
#define __HYPERVISOR_argo_op                      39
#define __HYPERVISOR_xenpmu_op                    40
#define __HYPERVISOR_dm_op                        41
#define __HYPERVISOR_hypfs_op                     42
#define NR_HYPERCALLS                             64

/* VIRQs: virtual interrupt lines bound with EVTCHNOP_bind_virq. */
#define VIRQ_TIMER       0  /* per-vCPU: timer tick / one-shot expiry */
#define VIRQ_DEBUG       1  /* per-vCPU: debug request */
#define VIRQ_CONSOLE     2  /* global: hv console input (dom0) */
#define VIRQ_DOM_EXC     3  /* global: a domain changed state (dom0) */
#define VIRQ_TBUF        4
#define VIRQ_DEBUGGER    6
#define VIRQ_XENOPROF    7
#define VIRQ_CON_RING    8
#define VIRQ_PCPU_STATE  9
#define VIRQ_MEM_EVENT  10
#define VIRQ_ARGO       11
#define VIRQ_ENOMEM     12
#define VIRQ_XENPMU     13
#define NR_VIRQS        24

/* mmu_update: the low two bits of ptr select the command. */
#define MMU_NORMAL_PT_UPDATE        0
#define MMU_MACHPHYS_UPDATE         1
#define MMU_PT_UPDATE_PRESERVE_AD   2
#define MMU_PT_UPDATE_NO_TRANSLATE  3

#ifndef __ASSEMBLY__
struct mmu_update {
    uint64_t ptr;   /* machine address of the PTE, with command in bits 1:0 */
    uint64_t val;   /* new contents */
};
typedef struct mmu_update mmu_update_t;

#endif

/* mmuext_op commands. */
#define MMUEXT_PIN_L1_TABLE        0
#define MMUEXT_PIN_L2_TABLE        1
#define MMUEXT_PIN_L3_TABLE        2
#define MMUEXT_PIN_L4_TABLE        3
#define MMUEXT_UNPIN_TABLE         4
#define MMUEXT_NEW_BASEPTR         5
#define MMUEXT_TLB_FLUSH_LOCAL     6
#define MMUEXT_INVLPG_LOCAL        7
#define MMUEXT_TLB_FLUSH_MULTI     8
#define MMUEXT_INVLPG_MULTI        9
#define MMUEXT_TLB_FLUSH_ALL      10
#define MMUEXT_INVLPG_ALL         11
#define MMUEXT_FLUSH_CACHE        12
#define MMUEXT_SET_LDT            13
#define MMUEXT_NEW_USER_BASEPTR   15
#define MMUEXT_CLEAR_PAGE         16
#define MMUEXT_COPY_PAGE          17
#define MMUEXT_FLUSH_CACHE_GLOBAL 18
#define MMUEXT_MARK_SUPER         19
#define MMUEXT_UNMARK_SUPER       20

#ifndef __ASSEMBLY__
struct mmuext_op {
    uint32_t cmd;
    uint32_t _pad;
    union {
        uint64_t mfn;          /* pin/unpin/baseptr/clear/copy destination */
        uint64_t linear_addr;  /* invlpg, set_ldt */
    } arg1;
    union {
        uint32_t nr_ents;              /* set_ldt */
        xen_guest_handle_t vcpumask;   /* *_MULTI: pointer to a vCPU bitmap */
        uint64_t src_mfn;              /* copy_page */
    } arg2;
};
typedef struct mmuext_op mmuext_op_t;

#endif

/* update_va_mapping flags. */
#define UVMF_NONE            0UL
#define UVMF_TLB_FLUSH       1UL
#define UVMF_INVLPG          2UL
#define UVMF_FLUSHTYPE_MASK  3UL
#define UVMF_MULTI           0UL   /* with a vCPU-bitmap pointer in the upper bits */
#define UVMF_LOCAL           0UL
#define UVMF_ALL             4UL

/* console_io commands. */
#define CONSOLEIO_write  0
#define CONSOLEIO_read   1

/* vm_assist. */
#define VMASST_CMD_enable                 0
#define VMASST_CMD_disable                1
#define VMASST_TYPE_4gb_segments          0
#define VMASST_TYPE_4gb_segments_notify   1
#define VMASST_TYPE_writable_pagetables   2
#define VMASST_TYPE_pae_extended_cr3      3
#define VMASST_TYPE_architectural_iopl    4
#define VMASST_TYPE_runstate_update_flag  5
#define VMASST_TYPE_m2p_strict           32

/* Domain identifiers. */
#define DOMID_FIRST_RESERVED 0x7FF0U
#define DOMID_SELF           0x7FF0U
#define DOMID_IO             0x7FF1U
#define DOMID_XEN            0x7FF2U
#define DOMID_COW            0x7FF3U
#define DOMID_INVALID        0x7FF4U
#define DOMID_ANY            0x7FF5U
#define DOMID_IDLE           0x7FFFU
#define DOMID_MASK           0x7FFFU

#ifndef __ASSEMBLY__
typedef uint16_t domid_t;

/* multicall: one 64-byte entry per call. */
struct multicall_entry {
    uint64_t op;
    uint64_t result;    /* out */
    uint64_t args[6];
};
typedef struct multicall_entry multicall_entry_t;

/* Event channel ports; the 2-level ABI has 64 * 64 of them. */
typedef uint32_t evtchn_port_t;
#define EVTCHN_2L_NR_CHANNELS (64 * 64)

/* Time as published to the guest, pvclock format. */
struct vcpu_time_info {
    uint32_t version;          /* odd while hv updates the record */
    uint32_t pad0;
    uint64_t tsc_timestamp;    /* TSC at the last update */
    uint64_t system_time;      /* ns since boot at tsc_timestamp */
    uint32_t tsc_to_system_mul;
    int8_t   tsc_shift;
    uint8_t  flags;
    uint8_t  pad1[2];
};
typedef struct vcpu_time_info vcpu_time_info_t;
#define XEN_PVCLOCK_TSC_STABLE_BIT   (1 << 0)
#define XEN_PVCLOCK_GUEST_STOPPED    (1 << 1)

struct vcpu_info {
    uint8_t  evtchn_upcall_pending;
    uint8_t  evtchn_upcall_mask;
    uint8_t  pad0[6];
    uint64_t evtchn_pending_sel;
    struct arch_vcpu_info arch;
    struct vcpu_time_info time;
};
typedef struct vcpu_info vcpu_info_t;

#define XEN_LEGACY_MAX_VCPUS 32

struct shared_info {
    struct vcpu_info vcpu_info[XEN_LEGACY_MAX_VCPUS];
    uint64_t evtchn_pending[64];
    uint64_t evtchn_mask[64];
    uint32_t wc_version;       /* seqlock for the wallclock fields */
    uint32_t wc_sec;
    uint32_t wc_nsec;
    uint32_t wc_sec_hi;
    struct arch_shared_info arch;
};
typedef struct shared_info shared_info_t;

/* start_info: handed to a PV guest in RSI at entry. */
#define XEN_START_INFO_MAGIC "xen-3.0-x86_64"
#define MAX_GUEST_CMDLINE 1024

struct start_info {
    char     magic[32];
    uint64_t nr_pages;
    uint64_t shared_info;      /* machine address of the shared_info frame */
    uint32_t flags;            /* SIF_* */
    uint32_t _pad0;
    uint64_t store_mfn;
    uint32_t store_evtchn;
    uint32_t _pad1;
    union {
        struct {
            uint64_t mfn;
            uint32_t evtchn;
            uint32_t _pad;
        } domU;
        struct {
            uint32_t info_off;
            uint32_t info_size;
        } dom0;
    } console;
    uint64_t pt_base;          /* VA of the initial L4 */
    uint64_t nr_pt_frames;
    uint64_t mfn_list;         /* VA of the p2m array */
    uint64_t mod_start;        /* VA (or PFN with SIF_MOD_START_PFN) of the initrd */
    uint64_t mod_len;
    int8_t   cmd_line[MAX_GUEST_CMDLINE];
    uint64_t first_p2m_pfn;
    uint64_t nr_p2m_frames;
};
typedef struct start_info start_info_t;

#endif /* __ASSEMBLY__ */

#define SIF_PRIVILEGED       (1 << 0)
#define SIF_INITDOMAIN       (1 << 1)
#define SIF_MULTIBOOT_MOD    (1 << 2)
#define SIF_MOD_START_PFN    (1 << 3)
#define SIF_VIRT_P2M_4TOOLS  (1 << 4)
#define SIF_PM_MASK          (0xFF << 8)

/* Guest-visible page-table entry bits hv cares about. */
#define _PAGE_PRESENT   0x001UL
#define _PAGE_RW        0x002UL
#define _PAGE_USER      0x004UL
#define _PAGE_PWT       0x008UL
#define _PAGE_PCD       0x010UL
#define _PAGE_ACCESSED  0x020UL
#define _PAGE_DIRTY     0x040UL
#define _PAGE_PSE       0x080UL
#define _PAGE_PAT       0x080UL   /* on an L1 entry */
#define _PAGE_GLOBAL    0x100UL
#define _PAGE_AVAIL     0xE00UL
#define _PAGE_NX        (1UL << 63)

#endif
