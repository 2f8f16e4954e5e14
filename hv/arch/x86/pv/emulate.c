/*
 * The privileged operations hv emulates for a PV guest, as Xen does:
 *   - `mov %cr3, reg`: the machine address of the L4 the vCPU runs on;
 *   - CPUID behind the forced-emulation prefix `ud2; .ascii "xen"`, with
 *     the hypervisor leaves and without features a ring-3 kernel cannot
 *     use.
 * Every other privileged instruction (CR writes, cli/sti, hlt, in/out,
 * rdmsr/wrmsr, lgdt...) stays a #GP for the guest's own handler.
 */
#include <hv/domain.h>
#include <hv/processor.h>
#include <hv/page.h>
#include <hv/lib.h>
#include <hv/xen_version.h>
#include "private.h"

#define HV_CPUID_BASE    0x40000000u
#define HV_CPUID_LAST    (HV_CPUID_BASE + 2)

/* CPUID.1 and 0x80000001 bits a PV guest must not see. */
#define CPUID1_ECX_HIDE  ((1u << 3) | (1u << 5) | (1u << 6) | (1u << 21) | \
                          (1u << 24))   /* monitor, vmx, smx, x2apic, tsc-deadline */
#define CPUID1_ECX_HYPERVISOR (1u << 31)
#define CPUID1_EDX_HIDE  ((1u << 9) | (1u << 22))   /* apic, acpi */
#define CPUIDX1_ECX_HIDE (1u << 2)                  /* svm */
#define CPUID7_EBX_HIDE  ((1u << 7) | (1u << 10) | (1u << 20))  /* smep, invpcid, smap */


static u64 *gpr(struct cpu_user_regs *regs, unsigned int n)
{
    switch (n) {
    case 0: return &regs->rax;
    case 1: return &regs->rcx;
    case 2: return &regs->rdx;
    case 3: return &regs->rbx;
    case 4: return &regs->rsp;
    case 5: return &regs->rbp;
    case 6: return &regs->rsi;
    case 7: return &regs->rdi;
    case 8: return &regs->r8;
    case 9: return &regs->r9;
    case 10: return &regs->r10;
    case 11: return &regs->r11;
    case 12: return &regs->r12;
    case 13: return &regs->r13;
    case 14: return &regs->r14;
    default: return &regs->r15;
    }
}

/* `mov %cr3, %reg` (0f 20 /r, reg field 3), optionally behind a REX. */
bool pv_emulate_gp(struct cpu_user_regs *regs)
{
    u8 insn[4];
    unsigned int n = pv_fetch_insn(regs, insn, sizeof(insn)), i = 0;
    u8 rex = 0, modrm;

    if (n && (insn[0] & 0xf0) == 0x40)
        rex = insn[i++];
    if (n < i + 3 || insn[i] != 0x0f || insn[i + 1] != 0x20)
        return false;
    modrm = insn[i + 2];
    /* mod must be 3; reg 3 is CR3 (REX.R would make it CR11). */
    if ((modrm >> 6) != 3 || ((modrm >> 3) & 7) != 3 || (rex & 4))
        return false;
    *gpr(regs, (modrm & 7) | ((rex & 1) << 3)) =
        mfn_to_maddr(pv_current_l4(current));
    regs->rip += i + 3;
    return true;
}

static void hypervisor_leaf(u32 leaf, u32 *a, u32 *b, u32 *c, u32 *d)
{
    *a = *b = *c = *d = 0;
    switch (leaf) {
    case HV_CPUID_BASE:
        *a = HV_CPUID_LAST;
        memcpy(b, "XenV", 4);
        memcpy(c, "MMXe", 4);
        memcpy(d, "nVMM", 4);
        break;
    case HV_CPUID_BASE + 1:
        *a = (XEN_INTERFACE_MAJOR << 16) | XEN_INTERFACE_MINOR;
        break;
    case HV_CPUID_BASE + 2:
        *a = 1;                 /* hypercall pages */
        break;
    }
}

static void guest_cpuid(u32 leaf, u32 sub, u32 *a, u32 *b, u32 *c, u32 *d)
{
    if (leaf >= HV_CPUID_BASE && leaf < HV_CPUID_BASE + 0x10000) {
        hypervisor_leaf(leaf, a, b, c, d);
        return;
    }
    cpuid_count(leaf, sub, a, b, c, d);
    switch (leaf) {
    case 1:
        *c = (*c & ~CPUID1_ECX_HIDE) | CPUID1_ECX_HYPERVISOR;
        *d &= ~CPUID1_EDX_HIDE;
        break;
    case 7:
        if (sub == 0)
            *b &= ~CPUID7_EBX_HIDE;
        break;
    case 0x80000001:
        *c &= ~CPUIDX1_ECX_HIDE;
        break;
    }
}

/* ud2; .ascii "xen"; cpuid */
bool pv_emulate_forced_cpuid(struct cpu_user_regs *regs)
{
    static const u8 sig[7] = { 0x0f, 0x0b, 'x', 'e', 'n', 0x0f, 0xa2 };
    u8 insn[7];
    u32 a, b, c, d;

    if (pv_fetch_insn(regs, insn, sizeof(insn)) != sizeof(insn) ||
        memcmp(insn, sig, sizeof(sig)))
        return false;
    guest_cpuid(regs->rax, regs->rcx, &a, &b, &c, &d);
    regs->rax = a;
    regs->rbx = b;
    regs->rcx = c;
    regs->rdx = d;
    regs->rip += sizeof(sig);
    return true;
}
