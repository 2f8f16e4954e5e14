/*
 * The AMD SVM virtual machine control block (AMD APM vol. 2, appendix B)
 * and the SVM constants hv uses.  One 4 KiB VMCB per vCPU: the control
 * area (intercepts, exit information, event injection, nested paging)
 * at 0, the guest state save area at 0x400.
 */
#ifndef HV_SVM_VMCB_H
#define HV_SVM_VMCB_H

#include <hv/types.h>
#include <hv/lib.h>

/* MSRs. */
#define MSR_VM_HSAVE_PA         0xc0010117

/* CPUID 0x8000000a EDX: SVM features. */
#define SVM_FEATURE_NPT         (1u << 0)
#define SVM_FEATURE_NRIPS       (1u << 3)
#define SVM_FEATURE_FLUSHBYASID (1u << 6)
#define SVM_FEATURE_DECODEASSISTS (1u << 7)

/* CR intercepts (offset 0x00): reads in bits 0-15, writes in 16-31. */
#define CR_INTERCEPT_CR0_WRITE  (1u << 16)
#define CR_INTERCEPT_CR4_WRITE  (1u << 20)

/* Intercept vector 3 (offset 0x0c). */
#define INTERCEPT_INTR          (1u << 0)
#define INTERCEPT_NMI           (1u << 1)
#define INTERCEPT_SMI           (1u << 2)
#define INTERCEPT_INIT          (1u << 3)
#define INTERCEPT_VINTR         (1u << 4)
#define INTERCEPT_RDPMC         (1u << 15)
#define INTERCEPT_CPUID         (1u << 18)
#define INTERCEPT_RSM           (1u << 19)
#define INTERCEPT_IRET          (1u << 20)
#define INTERCEPT_INVD          (1u << 22)
#define INTERCEPT_HLT           (1u << 24)
#define INTERCEPT_INVLPGA       (1u << 26)
#define INTERCEPT_IOIO_PROT     (1u << 27)
#define INTERCEPT_MSR_PROT      (1u << 28)
#define INTERCEPT_TASK_SWITCH   (1u << 29)
#define INTERCEPT_FERR_FREEZE   (1u << 30)
#define INTERCEPT_SHUTDOWN      (1u << 31)

/* Intercept vector 4 (offset 0x10). */
#define INTERCEPT_VMRUN         (1u << 0)
#define INTERCEPT_VMMCALL       (1u << 1)
#define INTERCEPT_VMLOAD        (1u << 2)
#define INTERCEPT_VMSAVE        (1u << 3)
#define INTERCEPT_STGI          (1u << 4)
#define INTERCEPT_CLGI          (1u << 5)
#define INTERCEPT_SKINIT        (1u << 6)
#define INTERCEPT_RDTSCP        (1u << 7)
#define INTERCEPT_WBINVD        (1u << 9)
#define INTERCEPT_MONITOR       (1u << 10)
#define INTERCEPT_MWAIT         (1u << 11)
#define INTERCEPT_MWAIT_COND    (1u << 12)
#define INTERCEPT_XSETBV        (1u << 13)
#define INTERCEPT_RDPRU         (1u << 14)

/* Exit codes. */
#define VMEXIT_CR0_WRITE        0x10
#define VMEXIT_CR4_WRITE        0x14
#define VMEXIT_EXCEPTION_DB     0x41
#define VMEXIT_EXCEPTION_AC     0x51
#define VMEXIT_INTR             0x60
#define VMEXIT_NMI              0x61
#define VMEXIT_SMI              0x62
#define VMEXIT_INIT             0x63
#define VMEXIT_VINTR            0x64
#define VMEXIT_RDPMC            0x6f
#define VMEXIT_CPUID            0x72
#define VMEXIT_RSM              0x73
#define VMEXIT_IRET             0x74
#define VMEXIT_INVD             0x76
#define VMEXIT_HLT              0x78
#define VMEXIT_INVLPGA          0x7a
#define VMEXIT_IOIO             0x7b
#define VMEXIT_MSR              0x7c
#define VMEXIT_TASK_SWITCH      0x7d
#define VMEXIT_FERR_FREEZE      0x7e
#define VMEXIT_SHUTDOWN         0x7f
#define VMEXIT_VMRUN            0x80
#define VMEXIT_VMMCALL          0x81
#define VMEXIT_VMLOAD           0x82
#define VMEXIT_VMSAVE           0x83
#define VMEXIT_STGI             0x84
#define VMEXIT_CLGI             0x85
#define VMEXIT_SKINIT           0x86
#define VMEXIT_RDTSCP           0x87
#define VMEXIT_WBINVD           0x89
#define VMEXIT_MONITOR          0x8a
#define VMEXIT_MWAIT            0x8b
#define VMEXIT_MWAIT_COND       0x8c
#define VMEXIT_XSETBV           0x8d
#define VMEXIT_RDPRU            0x8e
#define VMEXIT_NPF              0x400
#define VMEXIT_INVALID          ((u64)-1)

/* TLB control (offset 0x5c). */
#define TLB_CTRL_NO_FLUSH       0
#define TLB_CTRL_FLUSH_ALL      1

/* int_ctl (offset 0x60): virtual interrupt control. */
#define V_TPR_MASK              0xffu
#define V_IRQ                   (1u << 8)
#define V_INTR_PRIO_SHIFT       16
#define V_IGN_TPR               (1u << 20)
#define V_INTR_MASKING          (1u << 24)
#define V_INTR_VECTOR_SHIFT     32

/* int_state (offset 0x68). */
#define INT_STATE_SHADOW        (1u << 0)

/* event_inj / exit_int_info. */
#define EVENT_TYPE_MASK         (7u << 8)
#define EVENT_TYPE_INTR         (0u << 8)
#define EVENT_TYPE_EXCEPTION    (3u << 8)
#define EVENT_ERROR_VALID       (1u << 11)
#define EVENT_VALID             (1u << 31)

/* nested control (offset 0x90). */
#define NESTED_CTL_NP_ENABLE    (1u << 0)

/* IOIO exit_info_1. */
#define IOIO_TYPE_IN            (1u << 0)
#define IOIO_STR                (1u << 2)
#define IOIO_SIZE_SHIFT         4           /* bits 4-6: 1, 2 or 4 bytes, one-hot */
#define IOIO_PORT_SHIFT         16

/* NPF exit_info_1 (a #PF-style error code, plus where it happened). */
#define NPF_WRITE               (1u << 1)
#define NPF_INSN                (1u << 4)
#define NPF_IN_GUEST_WALK       (1ull << 33)    /* on the guest's own page tables */

#define IOPM_ORDER              2           /* 12 KiB used of 16 */
#define MSRPM_ORDER             1           /* 8 KiB */

/* A segment in the save area: attributes packed as in the descriptor
 * (type, S, DPL, P in bits 0-7; AVL, L, D/B, G in bits 8-11). */
struct vmcb_seg {
    u16 sel;
    u16 attr;
    u32 limit;
    u64 base;
};

#define SEG_ATTR_CODE32  0xc9b      /* G, D, P, S, execute/read, accessed */
#define SEG_ATTR_DATA32  0xc93      /* G, B, P, S, read/write, accessed */
#define SEG_ATTR_LDT     0x082      /* P, LDT */
#define SEG_ATTR_TSS32   0x08b      /* P, busy 32-bit TSS */

struct vmcb {
    /* Control area. */
    u32 cr_intercepts;              /* 0x000: reads bits 0-15, writes 16-31 */
    u32 dr_intercepts;              /* 0x004 */
    u32 exception_intercepts;       /* 0x008 */
    u32 intercepts1;                /* 0x00c */
    u32 intercepts2;                /* 0x010 */
    u32 intercepts3;                /* 0x014 */
    u8 res0[0x3c - 0x18];
    u16 pause_filter_thresh;        /* 0x03c */
    u16 pause_filter_count;         /* 0x03e */
    u64 iopm_base_pa;               /* 0x040 */
    u64 msrpm_base_pa;              /* 0x048 */
    u64 tsc_offset;                 /* 0x050 */
    u32 asid;                       /* 0x058 */
    u8 tlb_control;                 /* 0x05c */
    u8 res1[3];
    u64 int_ctl;                    /* 0x060: V_TPR, V_IRQ, ..., V_INTR_VECTOR */
    u64 int_state;                  /* 0x068 */
    u64 exitcode;                   /* 0x070 */
    u64 exitinfo1;                  /* 0x078 */
    u64 exitinfo2;                  /* 0x080 */
    u64 exit_int_info;              /* 0x088 */
    u64 nested_ctl;                 /* 0x090 */
    u64 avic_vapic_bar;             /* 0x098 */
    u64 ghcb_pa;                    /* 0x0a0 */
    u64 event_inj;                  /* 0x0a8 */
    u64 n_cr3;                      /* 0x0b0 */
    u64 virt_ext;                   /* 0x0b8 */
    u32 clean_bits;                 /* 0x0c0 */
    u32 res2;
    u64 next_rip;                   /* 0x0c8 */
    u8 insn_len;                    /* 0x0d0 */
    u8 insn_bytes[15];              /* 0x0d1 */
    u8 res3[0x400 - 0xe0];

    /* State save area. */
    struct vmcb_seg es, cs, ss, ds, fs, gs;     /* 0x400 */
    struct vmcb_seg gdtr, ldtr, idtr, tr;       /* 0x460 */
    u8 res4[0x4cb - 0x4a0];
    u8 cpl;                         /* 0x4cb */
    u32 res5;
    u64 efer;                       /* 0x4d0 */
    u8 res6[0x548 - 0x4d8];
    u64 cr4;                        /* 0x548 */
    u64 cr3;                        /* 0x550 */
    u64 cr0;                        /* 0x558 */
    u64 dr7;                        /* 0x560 */
    u64 dr6;                        /* 0x568 */
    u64 rflags;                     /* 0x570 */
    u64 rip;                        /* 0x578 */
    u8 res7[0x5d8 - 0x580];
    u64 rsp;                        /* 0x5d8 */
    u8 res8[0x5f8 - 0x5e0];
    u64 rax;                        /* 0x5f8 */
    u64 star;                       /* 0x600 */
    u64 lstar;                      /* 0x608 */
    u64 cstar;                      /* 0x610 */
    u64 sfmask;                     /* 0x618 */
    u64 kernel_gs_base;             /* 0x620 */
    u64 sysenter_cs;                /* 0x628 */
    u64 sysenter_esp;               /* 0x630 */
    u64 sysenter_eip;               /* 0x638 */
    u64 cr2;                        /* 0x640 */
    u8 res9[0x668 - 0x648];
    u64 g_pat;                      /* 0x668 */
    u64 dbgctl;                     /* 0x670 */
    u8 res10[0x1000 - 0x678];
};

BUILD_BUG_ON(sizeof(struct vmcb) != 0x1000);
BUILD_BUG_ON(offsetof(struct vmcb, exitcode) != 0x70);
BUILD_BUG_ON(offsetof(struct vmcb, event_inj) != 0xa8);
BUILD_BUG_ON(offsetof(struct vmcb, next_rip) != 0xc8);
BUILD_BUG_ON(offsetof(struct vmcb, es) != 0x400);
BUILD_BUG_ON(offsetof(struct vmcb, tr) != 0x490);
BUILD_BUG_ON(offsetof(struct vmcb, efer) != 0x4d0);
BUILD_BUG_ON(offsetof(struct vmcb, rflags) != 0x570);
BUILD_BUG_ON(offsetof(struct vmcb, rax) != 0x5f8);
BUILD_BUG_ON(offsetof(struct vmcb, cr2) != 0x640);
BUILD_BUG_ON(offsetof(struct vmcb, g_pat) != 0x668);

#endif
