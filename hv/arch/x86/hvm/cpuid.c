/*
 * The CPUID an HVM guest sees: the host's, filtered to what the guest can
 * really use under hv.  Hidden: SVM and VMX (no nested virtualization),
 * SMX, MONITOR/MWAIT, TSC-deadline (not emulated), XSAVE and
 * everything needing it (AVX...), PCID/INVPCID, RDTSCP/RDPID, MCE/MCA,
 * MTRR, thermal and performance-monitoring leaves, multi-core topology.
 * Added: the hypervisor bit and hv's leaves at 0x40000000: the signature
 * "HeronHeronHV" and, at 0x40000001, the version, at 0x40000002 the
 * hypercall page as Xen's leaf base+2 gives it (public/hvm/cpuid.h):
 * Xen's layout under hv's own name, so that Linux does not take its Xen
 * HVM path, which needs more than hv offers HVM guests (vcpu_info
 * registration, grant tables, a platform PCI device); x2APIC, which the
 * local APIC emulates whatever the host has.  The APIC ID is the vCPU's.
 */
#include <hv/hvm.h>
#include <hv/lib.h>
#include <public/hvm/cpuid.h>

#define BIT(n)              (1u << (n))
#define HV_LEAF_MAX         HV_CPUID_LEAF_HYPERCALL
#define HV_VERSION_MAJOR    0
#define HV_VERSION_MINOR    1
#define MAX_BASIC           0xdu
#define MAX_EXT             0x80000008u

/* Leaf 1 ECX: SSE3, PCLMULQDQ, SSSE3, CX16, SSE4.1, SSE4.2, MOVBE, POPCNT,
 * AES, RDRAND. */
#define L1_ECX_KEEP (BIT(0) | BIT(1) | BIT(9) | BIT(13) | BIT(19) | BIT(20) | \
                     BIT(22) | BIT(23) | BIT(25) | BIT(30))
#define L1_ECX_X2APIC     BIT(21)
#define L1_ECX_HYPERVISOR BIT(31)
/* Leaf 1 EDX: FPU VME DE PSE TSC MSR PAE CX8 APIC SEP PGE CMOV PAT PSE36
 * CLFSH MMX FXSR SSE SSE2. */
#define L1_EDX_KEEP (BIT(0) | BIT(1) | BIT(2) | BIT(3) | BIT(4) | BIT(5) | \
                     BIT(6) | BIT(8) | BIT(9) | BIT(11) | BIT(13) | BIT(15) | \
                     BIT(16) | BIT(17) | BIT(19) | BIT(23) | BIT(24) | \
                     BIT(25) | BIT(26))
/* Leaf 7 EBX: FSGSBASE BMI1 SMEP BMI2 ERMS RDSEED ADX SMAP CLFLUSHOPT CLWB
 * SHA. */
#define L7_EBX_KEEP (BIT(0) | BIT(3) | BIT(7) | BIT(8) | BIT(9) | BIT(18) | \
                     BIT(19) | BIT(20) | BIT(23) | BIT(24) | BIT(29))
/* 0x80000001 ECX: LAHF/SAHF, ABM, SSE4A, misaligned SSE, PREFETCHW, TBM. */
#define E1_ECX_KEEP (BIT(0) | BIT(5) | BIT(6) | BIT(7) | BIT(8) | BIT(21))
/* 0x80000001 EDX: leaf 1's bits AMD mirrors, SYSCALL, NX, MMXEXT, FFXSR,
 * 1 GiB pages, long mode, 3DNow! and its extensions. */
#define E1_EDX_KEEP ((L1_EDX_KEEP & 0x0183f3ff) | BIT(11) | BIT(20) | BIT(22) | \
                     BIT(25) | BIT(26) | BIT(29) | BIT(30) | BIT(31))
#define E7_EDX_INVARIANT_TSC BIT(8)

void hvm_cpuid_policy(u32 leaf, u32 sub, unsigned int apic_id, cpuid_fn host,
                      u32 out[4])
{
    u32 h[4], max;

    out[0] = out[1] = out[2] = out[3] = 0;
    if (leaf >= HV_CPUID_BASE && leaf < 0x80000000u) {
        if (leaf == HV_CPUID_BASE) {
            out[0] = HV_LEAF_MAX;
            memcpy(&out[1], "Hero", 4);
            memcpy(&out[2], "nHer", 4);
            memcpy(&out[3], "onHV", 4);
        } else if (leaf == HV_CPUID_LEAF_VERSION) {
            out[0] = (HV_VERSION_MAJOR << 16) | HV_VERSION_MINOR;
        } else if (leaf == HV_CPUID_LEAF_HYPERCALL) {
            out[0] = 1;
            out[1] = HV_HYPERCALL_MSR;
        }
        return;
    }
    host(leaf & 0x80000000u, 0, h);
    max = leaf & 0x80000000u ? min(h[0], MAX_EXT) : min(h[0], MAX_BASIC);
    if (leaf > max)
        return;
    host(leaf, sub, h);
    switch (leaf) {
    case 0:
    case 0x80000000u:
        out[0] = max;
        out[1] = h[1];
        out[2] = h[2];
        out[3] = h[3];
        break;
    case 1:
        out[0] = h[0];
        /* Brand index and CLFLUSH size kept; one logical CPU; our APIC ID. */
        out[1] = (h[1] & 0xffff) | (1u << 16) | (apic_id << 24);
        out[2] = (h[2] & L1_ECX_KEEP) | L1_ECX_X2APIC | L1_ECX_HYPERVISOR;
        out[3] = h[3] & L1_EDX_KEEP;
        break;
    case 2:
        memcpy(out, h, 4 * sizeof(u32));
        break;
    case 4:
        /* Caches as the host has them, shared by nobody else. */
        out[0] = h[0] & 0x3ff;
        out[1] = h[1];
        out[2] = h[2];
        out[3] = h[3];
        break;
    case 7:
        if (sub == 0)
            out[1] = h[1] & L7_EBX_KEEP;
        break;
    case 0x80000001u:
        out[0] = h[0];
        out[2] = h[2] & E1_ECX_KEEP;
        out[3] = h[3] & E1_EDX_KEEP;
        break;
    case 0x80000002u:
    case 0x80000003u:
    case 0x80000004u:
    case 0x80000005u:
    case 0x80000006u:
        memcpy(out, h, 4 * sizeof(u32));
        break;
    case 0x80000007u:
        out[3] = h[3] & E7_EDX_INVARIANT_TSC;
        break;
    case 0x80000008u:
        out[0] = h[0] & 0xffff;             /* address sizes */
        break;
    default:
        break;                              /* hidden leaves read as zero */
    }
}

static void host_cpuid(u32 leaf, u32 sub, u32 r[4])
{
    asm volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
                 : "a"(leaf), "c"(sub));
}

void hvm_handle_cpuid(struct vcpu *v)
{
    struct hvm_regs *r = &v->hvm->regs;
    u32 out[4];

    hvm_cpuid_policy((u32)r->rax, (u32)r->rcx, v->hvm->vlapic.id >> 24,
                     host_cpuid, out);
    r->rax = out[0];
    r->rbx = out[1];
    r->rcx = out[2];
    r->rdx = out[3];
}
