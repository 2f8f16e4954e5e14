/*
 * The privileged operations hv emulates for a PV guest, as Xen does:
 *   - reads of CR0 (with the guest's virtual TS), CR3 (the machine
 *     address of the L4 the vCPU runs on) and CR4 (the guest's view);
 *   - writes of CR0 that change only TS (= fpu_taskswitch), `clts`, and
 *     writes of CR4, where only FSGSBASE and OSXSAVE are the guest's;
 *   - XSETBV from the guest kernel once its CR4.OSXSAVE is set (#UD
 *     before), with XCR0 within what hv saves;
 *   - CPUID behind the forced-emulation prefix `ud2; .ascii "xen"`, with
 *     the hypervisor leaves and without features a ring-3 kernel cannot
 *     use.
 * Every other privileged instruction (CR3/CR8 writes, hlt, lgdt...)
 * stays a #GP for the guest's own handler; in/out and cli/sti, and
 * rdmsr/wrmsr have their own emulation (ioport.c, emulate_msr.c).
 */
#include <hv/domain.h>
#include <hv/processor.h>
#include <hv/traps.h>
#include <hv/cpufeature.h>
#include <hv/page.h>
#include <hv/lib.h>
#include <hv/xen_version.h>
#include <hv/pv_mm.h>
#include <hv/guest_access.h>
#include "private.h"

#define HV_CPUID_BASE    0x40000000u
#define HV_CPUID_LAST    (HV_CPUID_BASE + 2)

/* CPUID.1 and 0x80000001 bits a PV guest must not see. */
#define CPUID1_ECX_HIDE  ((1u << 3) | (1u << 5) | (1u << 6) | (1u << 21) | \
                          (1u << 24))   /* monitor, vmx, smx, x2apic, tsc-deadline */
#define CPUID1_ECX_HYPERVISOR (1u << 31)
#define CPUID1_ECX_OSXSAVE    (1u << 27)
/* pse, pse36 and pdpe1gb: PV page tables have no superpages (Xen hides
 * them from PV guests, which would otherwise map with them); pge: a PV
 * kernel's mappings must not be global, or they would outlive the CR3
 * write into its user mode (Xen hides it too; Linux then maps nothing
 * global); mce and mca: hv has no virtual machine-check MSRs (Xen's vMCE). */
#define CPUID1_EDX_HIDE  ((1u << 3) | (1u << 7) | (1u << 9) | (1u << 13) | \
                          (1u << 14) | (1u << 17) | (1u << 22))
                          /* pse, mce, apic, pge, mca, pse36, acpi */
#define CPUIDX1_ECX_HIDE (1u << 2)                  /* svm */
#define CPUIDX1_EDX_HIDE (1u << 26)                 /* pdpe1gb */
#define CPUID7_EBX_HIDE  ((1u << 7) | (1u << 10) | (1u << 20))  /* smep, invpcid, smap */

/* CR4 bits hv keeps to itself in the guest's view, and those it may set. */
#define X86_CR4_PSE      0x00000010
#define X86_CR4_TSD      0x00000004
#define X86_CR4_PKE      0x00400000
#define CR4_HIDDEN       (X86_CR4_PGE | X86_CR4_PSE | X86_CR4_TSD | X86_CR4_SMEP | \
                          X86_CR4_SMAP | X86_CR4_PKE | X86_CR4_FSGSBASE | \
                          X86_CR4_OSXSAVE)
#define CR4_GUEST        (X86_CR4_FSGSBASE | X86_CR4_OSXSAVE)

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

u64 pv_guest_cr4(const struct vcpu *v)
{
    return (read_cr4() & ~CR4_HIDDEN) | (v->arch.cr4 & CR4_GUEST);
}

void pv_load_cr4(const struct vcpu *v)
{
    unsigned long cr4 = read_cr4(), want;

    want = (cr4 & ~X86_CR4_FSGSBASE) | (v->arch.cr4 & X86_CR4_FSGSBASE);
    if (want != cr4)
        write_cr4(want);
}

static u64 guest_cr0(const struct vcpu *v)
{
    return (read_cr0() & ~X86_CR0_TS) | (v->arch.guest_ts ? X86_CR0_TS : 0);
}

static bool read_cr(struct vcpu *v, unsigned int cr, u64 *val)
{
    switch (cr) {
    case 0:
        *val = guest_cr0(v);
        return true;
    case 3:
        *val = mfn_to_maddr(pv_current_l4(v));
        return true;
    case 4:
        *val = pv_guest_cr4(v);
        return true;
    default:
        return false;
    }
}

static bool write_cr(struct vcpu *v, unsigned int cr, u64 val)
{
    switch (cr) {
    case 0:
        if ((val ^ guest_cr0(v)) & ~(u64)X86_CR0_TS)
            return false;
        fpu_set_guest_ts(v, val & X86_CR0_TS);
        return true;
    case 4:
        /* Other bits are silently kept as they are (Xen's rule).  OSXSAVE
         * is virtual: the CPU keeps it on for hv's XSAVE. */
        v->arch.cr4 = val & ((boot_cpu_data.fsgsbase ? X86_CR4_FSGSBASE : 0) |
                             (fpu_has_xsave() ? X86_CR4_OSXSAVE : 0));
        pv_load_cr4(v);
        return true;
    default:
        return false;       /* CR3 takes MMUEXT_NEW_BASEPTR, CR8 nothing */
    }
}

/* `mov %crN, reg` (0f 20), `mov reg, %crN` (0f 22), optionally behind a
 * REX prefix, and `clts` (0f 06). */
bool pv_emulate_gp(struct cpu_user_regs *regs, const struct pv_insn *fetched)
{
    struct vcpu *v = current;
    const u8 *insn = fetched->bytes;
    unsigned int n = fetched->len, i = 0;
    unsigned int cr, reg;
    u8 rex = 0;
    u64 val;

    if (n >= 2 && insn[0] == 0x0f && insn[1] == 0x06) {
        fpu_set_guest_ts(v, false);
        regs->rip += 2;
        return true;
    }
    /* xsetbv (0f 01 d1): guest kernel only, #UD until its CR4.OSXSAVE. */
    if (n >= 3 && insn[0] == 0x0f && insn[1] == 0x01 && insn[2] == 0xd1) {
        if (!v->arch.kernel_mode)
            return false;
        if (!(v->arch.cr4 & X86_CR4_OSXSAVE)) {
            pv_inject_exception(TRAP_invalid_op, 0);
            return true;
        }
        if (!pv_set_xcr0(v, (u32)regs->rcx,
                         ((u64)(u32)regs->rdx << 32) | (u32)regs->rax))
            return false;
        regs->rip += 3;
        return true;
    }
    if (n && (insn[0] & 0xf0) == 0x40)
        rex = insn[i++];
    if (n < i + 3 || insn[i] != 0x0f || (insn[i + 1] != 0x20 && insn[i + 1] != 0x22))
        return false;
    /* The CPU ignores ModRM.mod here: always a register. */
    cr = ((insn[i + 2] >> 3) & 7) | ((rex & 4) << 1);
    reg = (insn[i + 2] & 7) | ((rex & 1) << 3);
    if (insn[i + 1] == 0x20) {
        if (!read_cr(v, cr, &val))
            return false;
        *gpr(regs, reg) = val;
    } else if (!write_cr(v, cr, *gpr(regs, reg))) {
        return false;
    }
    regs->rip += i + 3;
    return true;
}

/* Arithmetic flags: those CMP a, b leaves (CMPXCHG), and those AND/OR
 * leave for result r (CF = OF = 0, ZF/SF/PF from r's low byte). */
#define EFLAGS_ARITH 0x8d5u
static u64 cmp_flags(u64 a, u64 b)
{
    u64 f;

    asm("cmp %[b], %[a]\n\t"
        "pushfq\n\t"
        "popq %[f]"
        : [f] "=r"(f) : [a] "r"(a), [b] "r"(b) : "cc");
    return f & EFLAGS_ARITH;
}

static u64 logic_byte_flags(u8 r)
{
    u64 f;

    asm("test %[r], %[r]\n\t"
        "pushfq\n\t"
        "popq %[f]"
        : [f] "=r"(f) : [r] "q"(r) : "cc");
    return f & EFLAGS_ARITH;
}

#define X86_EFLAGS_CF_BIT 0

/* A decoded store into a guest page-table entry (see pv_emulate_ptwr). */
struct ptwr_insn {
    unsigned int len;
    u8 op;              /* 89, c7, 87, b1 (0f b1), 80, ba (0f ba), ab, b3 (0f ..) */
    unsigned int reg;   /* ModRM.reg: register or /digit */
    u64 *greg;          /* the register operand, if any */
    u64 imm;
};

static bool ptwr_decode(struct cpu_user_regs *regs, struct ptwr_insn *d)
{
    u8 insn[15], rex = 0;
    unsigned int n = pv_fetch_insn(regs, insn, sizeof(insn)), i = 0, mod, rm;
    s32 imm32;

    /* lock, and the segment prefixes that have a zero base in 64-bit mode */
    while (i < n && (insn[i] == 0xf0 || insn[i] == 0x2e || insn[i] == 0x36 ||
                     insn[i] == 0x3e || insn[i] == 0x26))
        i++;
    if (i < n && (insn[i] & 0xf0) == 0x40)
        rex = insn[i++];
    if (i + 2 > n)
        return false;
    d->op = insn[i++];
    if (d->op == 0x0f) {
        d->op = insn[i++];
        if (d->op != 0xb1 && d->op != 0xba && d->op != 0xab && d->op != 0xb3)
            return false;
    } else if (d->op != 0x89 && d->op != 0xc7 && d->op != 0x87 && d->op != 0x80) {
        return false;
    }
    /* Everything but the byte AND/OR is a 64-bit operation. */
    if (d->op != 0x80 && !(rex & 8))
        return false;
    if (i >= n)
        return false;
    mod = insn[i] >> 6;
    d->reg = (insn[i] >> 3) & 7;
    rm = insn[i++] & 7;
    if (mod == 3)
        return false;
    if ((d->op == 0xc7 && d->reg != 0) || (d->op == 0x80 && d->reg != 1 && d->reg != 4) ||
        (d->op == 0xba && d->reg < 5))
        return false;
    if (rm == 4 && i < n && (insn[i++] & 7) == 5 && mod == 0)
        i += 4;                                 /* SIB with disp32, no base */
    if (mod == 0 && rm == 5)
        i += 4;                                 /* RIP-relative */
    i += mod == 1 ? 1 : mod == 2 ? 4 : 0;
    d->greg = gpr(regs, d->reg | ((rex & 4) << 1));
    if (d->op == 0xc7) {
        if (i + 4 > n)
            return false;
        memcpy(&imm32, insn + i, 4);
        d->imm = (u64)(s64)imm32;
        i += 4;
    } else if (d->op == 0x80 || d->op == 0xba) {
        if (i + 1 > n)
            return false;
        d->imm = insn[i++];
    }
    if (i > n)
        return false;
    d->len = i;
    return true;
}

/* The entry after read-modify-write op d of old (byte ops: byte at shift);
 * *flags gets the arithmetic flags the instruction leaves. */
static u64 ptwr_rmw(const struct ptwr_insn *d, u64 old, unsigned int shift,
                    u64 *flags)
{
    unsigned int bit;
    u64 mask, r;

    if (d->op == 0x80) {
        mask = 0xffULL << shift;
        r = d->reg == 1 ? old | (d->imm << shift)
                        : old & ((d->imm << shift) | ~mask);
        *flags = logic_byte_flags((u8)(r >> shift));
        return r;
    }
    bit = (d->op == 0xba ? d->imm : *d->greg) & 63;
    *flags = (old >> bit) & 1 ? 1u << X86_EFLAGS_CF_BIT : 0;
    /* bts (ab, ba /5), btr (b3, ba /6), btc (ba /7) */
    if (d->op == 0xab || (d->op == 0xba && d->reg == 5))
        return old | (1ULL << bit);
    if (d->op == 0xb3 || (d->op == 0xba && d->reg == 6))
        return old & ~(1ULL << bit);
    return old ^ (1ULL << bit);
}

/*
 * Writable page tables: a store into one of the guest's L1 tables is
 * applied as an update of that entry.  Emulated: `mov reg, mem` (REX.W
 * 89), `mov $imm32, mem` (REX.W c7 /0), `xchg reg, mem` (REX.W 87,
 * ptep_get_and_clear), `cmpxchg reg, mem` (REX.W 0f b1), `and/or
 * $imm8, byte mem` (80 /4, /1: clear_bit/set_bit of a constant bit) and
 * `bts/btr/btc` (REX.W 0f ab, 0f b3, 0f ba /5-/7), with or without lock;
 * anything else keeps its #PF.  Read-modify-writes are applied as a
 * compare-exchange of the entry, retried if the CPU set A/D meanwhile.
 */
bool pv_emulate_ptwr(struct cpu_user_regs *regs, u64 addr)
{
    struct vcpu *v = current;
    struct ptwr_insn d = { 0 };
    u64 entry = addr & ~7ULL, val, old, expect, flags = 0;
    unsigned int tries;

    if (!ptwr_decode(regs, &d))
        return false;
    if (d.op != 0x80 && (addr & 7))
        return false;
    if ((d.op == 0xab || d.op == 0xb3) && *d.greg > 63)
        return false;                           /* bit outside the entry */

    switch (d.op) {
    case 0x89: case 0x87: case 0xc7:
        val = d.op == 0xc7 ? d.imm : *d.greg;
        if (ptwr_emulate_update(v, pv_current_l4(v), entry, NULL, val, &old))
            return false;
        if (d.op == 0x87)
            *d.greg = old;
        break;
    case 0xb1:
        expect = regs->rax;
        if (ptwr_emulate_update(v, pv_current_l4(v), entry, &expect, *d.greg, &old))
            return false;
        regs->rflags = (regs->rflags & ~(u64)EFLAGS_ARITH) | cmp_flags(expect, old);
        if (old != expect)
            regs->rax = old;
        break;
    default:
        if (copy_from_guest(&expect, entry, sizeof(expect)))
            return false;
        for (tries = 0; ; tries++) {
            val = ptwr_rmw(&d, expect, (addr & 7) * 8, &flags);
            if (tries == 4 || ptwr_emulate_update(v, pv_current_l4(v), entry,
                                                  &expect, val, &old))
                return false;
            if (old == expect)
                break;
            expect = old;
        }
        regs->rflags = (regs->rflags & ~(u64)EFLAGS_ARITH) | flags;
        break;
    }
    regs->rip += d.len;
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
        /* OSXSAVE mirrors the guest's own CR4. */
        *c = (*c & ~CPUID1_ECX_OSXSAVE) |
             ((current->arch.cr4 & X86_CR4_OSXSAVE) ? CPUID1_ECX_OSXSAVE : 0);
        *d &= ~CPUID1_EDX_HIDE;
        break;
    case 7:
        if (sub == 0)
            *b &= ~CPUID7_EBX_HIDE;
        break;
    case 0x80000001:
        *c &= ~CPUIDX1_ECX_HIDE;
        *d &= ~CPUIDX1_EDX_HIDE;
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
