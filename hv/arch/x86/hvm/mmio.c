/*
 * MMIO emulation: a nested page fault on a page that is not RAM but
 * belongs to the local APIC, the IOAPIC or an ioreq server.  The
 * faulting instruction is decoded (hvm_emulate.h), the access performed
 * on the device, the destination register written and RIP moved past
 * the instruction.  The APICs take aligned 32-bit accesses only (others
 * read as 0 and are dropped, as on the chips).
 */
#include <hv/hvm_io.h>
#include <hv/hvm_irq.h>
#include <hv/hvm_emulate.h>
#include <hv/time.h>
#include <hv/lib.h>

/* MMIO_OFF: the xAPIC page while the LAPIC is in x2APIC mode, where the
 * APIC no longer decodes it: reads are all ones, writes go nowhere. */
enum mmio_target { MMIO_NONE, MMIO_LAPIC, MMIO_OFF, MMIO_IOAPIC, MMIO_IOREQ };

static enum mmio_target find_target(struct vcpu *v, u64 gpa, struct ioreq_server **s)
{
    const struct vlapic *l = &v->hvm->vlapic;
    u64 lapic_base = l->base_msr & APIC_BASE_ADDR_MASK;

    if ((l->base_msr & APIC_BASE_ENABLE) && gpa - lapic_base < VLAPIC_SIZE)
        return vlapic_x2apic_mode(l) ? MMIO_OFF : MMIO_LAPIC;
    if (gpa - VIOAPIC_BASE < VIOAPIC_SIZE)
        return MMIO_IOAPIC;
    *s = ioreq_server_for(v->domain, true, gpa);
    return *s ? MMIO_IOREQ : MMIO_NONE;
}

unsigned int hvm_fetch_insn(struct vcpu *v, const struct hvm_paging *p, u8 *buf)
{
    unsigned int got = 0;
    u64 va = p->cs_long ? v->hvm->regs.rip : (u32)(p->cs_base + v->hvm->regs.rip);

    while (got < 15) {
        unsigned int chunk = min(15u - got, (unsigned int)(PAGE_SIZE - (va & (PAGE_SIZE - 1))));
        u64 gpa;

        if (guest_walk(p, va, &gpa, hvm_gphys_read, v->domain) ||
            hvm_copy_from_gphys(v->domain, buf + got, gpa, chunk))
            break;
        got += chunk;
        va += chunk;
    }
    return got;
}

static u32 lapic_access(struct vcpu *v, unsigned int off, bool write, u32 val)
{
    struct vlapic *l = &v->hvm->vlapic;
    int eoi_vector;

    if (!write)
        return vlapic_read(l, off, NOW());
    eoi_vector = vlapic_write(l, off, val, NOW());
    if (eoi_vector >= 0)
        hvm_ioapic_eoi(v->domain, eoi_vector);
    hvm_vlapic_sync_timer(v);
    hvm_vcpu_kick(v);
    return 0;
}

static u32 ioapic_access(struct domain *d, unsigned int off, bool write, u32 val)
{
    struct vioapic_msg msg;

    if (!write)
        return vioapic_mmio_read(&d->hvm->vioapic, off);
    if (vioapic_mmio_write(&d->hvm->vioapic, off, val, &msg))
        hvm_ioapic_deliver(d, &msg);
    return 0;
}

static void crash_undecodable(struct vcpu *v, u64 gpa, const u8 *insn,
                              unsigned int n)
{
    char why[160];
    int len = snprintf(why, sizeof(why), "cannot emulate the MMIO access to %#lx "
                       "at rip %#lx (bytes", (unsigned long)gpa,
                       (unsigned long)v->hvm->regs.rip);

    for (unsigned int i = 0; i < n && len < (int)sizeof(why) - 4; i++)
        len += snprintf(why + len, sizeof(why) - len, " %02x", insn[i]);
    snprintf(why + len, sizeof(why) - len, ")");
    domain_crash(v->domain, why);
}

bool hvm_handle_mmio(struct vcpu *v, u64 gpa, const u8 *insn, unsigned int insn_len)
{
    struct ioreq_server *s = NULL;
    enum mmio_target t = find_target(v, gpa, &s);
    struct x86_mmio_op op;
    struct hvm_paging p;
    unsigned int n;
    u8 buf[15];
    u64 val = 0;

    if (t == MMIO_NONE)
        return false;
    hvm_ops->get_paging(v, &p);
    if (insn) {
        n = min(insn_len, 15u);
        memcpy(buf, insn, n);
    } else {
        n = hvm_fetch_insn(v, &p, buf);
    }
    if (!n || x86_decode_mmio(buf, n, p.cs_long ? X86_MODE_64 :
                              p.cs_db ? X86_MODE_32 : X86_MODE_16, &op)) {
        crash_undecodable(v, gpa, buf, n);
        return true;
    }
    if (op.write)
        val = op.has_imm ? op.imm :
              op.reg_high8 ? *hvm_reg(v, op.reg) >> 8 : *hvm_reg(v, op.reg);
    val &= op.size == 8 ? ~0ull : (1ull << (8 * op.size)) - 1;

    switch (t) {
    case MMIO_OFF:
        val = ~0ull;
        break;
    case MMIO_LAPIC:
    case MMIO_IOAPIC: {
        unsigned int off = gpa & 0xfff;

        if (op.size != 4 || (off & 3)) {
            val = 0;
            break;
        }
        val = t == MMIO_LAPIC ? lapic_access(v, off, op.write, val)
                              : ioapic_access(v->domain, off, op.write, val);
        break;
    }
    default:
        ioreq_send(s, v, true, gpa, op.size, op.write, val);
        v->hvm->io_wait = (struct hvm_io_wait){
            .active = true, .server = v->hvm->io_wait.server,
            .is_mmio = true, .write = op.write, .size = op.size,
            .reg = op.reg, .reg_high8 = op.reg_high8, .sign_extend = op.sign_extend,
            .dest_size = op.dest_size, .next_rip = v->hvm->regs.rip + op.len,
        };
        return true;
    }
    if (!op.write)
        hvm_complete_load(v, op.reg, op.reg_high8, op.size, op.dest_size,
                          op.sign_extend, val);
    v->hvm->regs.rip += op.len;
    return true;
}

void hvm_complete_load(struct vcpu *v, unsigned int reg, bool high8,
                       unsigned int size, unsigned int dest_size,
                       bool sign_extend, u64 val)
{
    if (sign_extend)
        val = size == 1 ? (u64)(s64)(s8)val : (u64)(s64)(s16)val;
    hvm_set_reg_sized(v, reg, high8, dest_size, val);
}
