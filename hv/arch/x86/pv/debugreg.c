/*
 * set_debugreg / get_debugreg (hypercalls 8, 9): the guest's debug
 * registers, checked as Xen checks them and switched with the vCPU.
 *
 * DR6 is per vCPU and lives in v->arch.dr6: a #DB from the guest moves
 * the CPU's status bits there and puts the CPU's DR6 back to its reset
 * value, so a context switch neither saves nor restores it.  DR0-3 and
 * DR7 reach the CPU only while DR7 enables a breakpoint.
 * Instruction breakpoints only: hv copies to and from guest memory, and
 * its #DB handler does not yet ignore a guest's data breakpoint hit in hv
 * (Xen's does), so DR7 may not enable a data or I/O breakpoint.
 */
#include <hv/domain.h>
#include <hv/guest_access.h>
#include <hv/processor.h>
#include <hv/errno.h>
#include <hv/lib.h>

#define DR6_RESERVED_ONE  0xffff0ff0u
#define DR6_RESERVED_ZERO 0x00001000u
#define DR6_BREAKPOINTS   0x0000000fu    /* B0-3: which breakpoint hit */
#define DR6_STATUS        0x0000e00fu    /* B0-3, BD, BS, BT */
#define DR7_RESERVED_ONE  0x00000400u
#define DR7_RESERVED_ZERO 0x0000d800u
#define DR7_GENERAL_DETECT 0x00002000u
#define DR7_ACTIVE_MASK   0xffu          /* L0-3/G0-3 enables */
#define DR7_RW_SHIFT      16             /* RW/LEN nibble per breakpoint */
#define DR_RW_EXECUTE     0

static bool dr7_active(u64 dr7)
{
    return dr7 & DR7_ACTIVE_MASK;
}

static void load_addresses(const struct vcpu *v)
{
    write_dr0(v->arch.dr[0]);
    write_dr1(v->arch.dr[1]);
    write_dr2(v->arch.dr[2]);
    write_dr3(v->arch.dr[3]);
}

/* A DR7 value as hv stores it, or -EINVAL / -EPERM. */
static long dr7_value(u64 value)
{
    if (value != (u32)value)
        return -EINVAL;
    value = (value | DR7_RESERVED_ONE) & ~(u64)DR7_RESERVED_ZERO;
    if (value & DR7_GENERAL_DETECT)
        return -EPERM;
    for (unsigned int i = 0; i < 4; i++)
        if ((value >> (2 * i)) & 3 &&
            ((value >> (DR7_RW_SHIFT + 4 * i)) & 3) != DR_RW_EXECUTE)
            return -EPERM;
    return (long)value;
}

static long set_dr7(struct vcpu *v, u64 raw)
{
    long value = dr7_value(raw);

    if (value < 0)
        return value;
    if (v == current && dr7_active(value) && !dr7_active(v->arch.dr7))
        load_addresses(v);
    v->arch.dr7 = value;
    if (v == current)
        write_dr7(value);
    return 0;
}

long do_set_debugreg(int reg, u64 value)
{
    struct vcpu *v = current;
    bool de = pv_guest_cr4(v) & X86_CR4_DE;

    switch (reg) {
    case 0: case 1: case 2: case 3:
        if (!guest_access_ok(value, 1))
            return -EPERM;
        v->arch.dr[reg] = value;
        if (dr7_active(v->arch.dr7))
            load_addresses(v);
        return 0;
    case 4:
        if (de)
            return -ENODEV;
        /* Without CR4.DE, DR4 is DR6. */
        /* fallthrough */
    case 6:
        if (value != (u32)value)
            return -EINVAL;
        v->arch.dr6 = (value | DR6_RESERVED_ONE) & ~(u64)DR6_RESERVED_ZERO;
        return 0;
    case 5:
        if (de)
            return -ENODEV;
        /* Without CR4.DE, DR5 is DR7. */
        /* fallthrough */
    case 7:
        return set_dr7(v, value);
    default:
        return -ENODEV;
    }
}

long do_get_debugreg(int reg)
{
    struct vcpu *v = current;
    bool de = pv_guest_cr4(v) & X86_CR4_DE;

    switch (reg) {
    case 0: case 1: case 2: case 3:
        return v->arch.dr[reg];
    case 4:
        if (de)
            return -ENODEV;
        /* fallthrough */
    case 6:
        return v->arch.dr6;
    case 5:
        if (de)
            return -ENODEV;
        /* fallthrough */
    case 7:
        return v->arch.dr7;
    default:
        return -ENODEV;
    }
}

int pv_check_debugregs(const u64 dr[8])
{
    long dr7 = dr7_value(dr[7]);

    for (unsigned int i = 0; i < 4; i++)
        if (!guest_access_ok(dr[i], 1))
            return -EPERM;
    if (dr[6] != (u32)dr[6])
        return -EINVAL;
    return dr7 < 0 ? (int)dr7 : 0;
}

void pv_put_debugregs(struct vcpu *v, const u64 dr[8])
{
    ASSERT(!v->is_running);
    for (unsigned int i = 0; i < 4; i++)
        v->arch.dr[i] = dr[i];
    v->arch.dr6 = (dr[6] | DR6_RESERVED_ONE) & ~(u64)DR6_RESERVED_ZERO;
    v->arch.dr7 = (u64)dr7_value(dr[7]);
}

/*
 * A #DB from the guest: what the CPU reports joins the guest's DR6 as a
 * CPU would merge it (breakpoint bits replaced, the others accumulate),
 * and the CPU's DR6 is reset for the next one.
 */
void pv_debug_trap_status(struct vcpu *v)
{
    u64 hit = read_dr6() & DR6_STATUS;

    write_dr6(DR6_RESERVED_ONE);
    v->arch.dr6 = (v->arch.dr6 & ~(u64)DR6_BREAKPOINTS) | hit;
}

void pv_save_debugregs(struct vcpu *v)
{
    if (dr7_active(v->arch.dr7))
        write_dr7(DR7_RESERVED_ONE);
}

/* The CPU's DR6 holds its reset value while a PV vCPU runs; only an HVM
 * vCPU (whose DR6 is switched by its own code) may have left status bits
 * in it, so it is read, and written only then (a write serialises). */
void pv_load_debugregs(const struct vcpu *v)
{
    if (read_dr6() != DR6_RESERVED_ONE)
        write_dr6(DR6_RESERVED_ONE);
    if (dr7_active(v->arch.dr7)) {
        load_addresses(v);
        write_dr7(v->arch.dr7);
    }
}
