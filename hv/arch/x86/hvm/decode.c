/*
 * x86 instruction decoding for MMIO emulation.  The nested page fault
 * already gives the guest-physical address, so only the shape of the
 * access matters: its length (prefixes, ModRM, SIB, displacement,
 * immediate), direction, size, and the register or immediate involved.
 * The forms are the ones compilers emit for volatile loads and stores,
 * which is what LAPIC, IOAPIC and device drivers use.
 */
#include <hv/hvm_emulate.h>
#include <hv/errno.h>
#include <hv/lib.h>

#define MAX_INSN_LEN 15

struct cursor {
    const u8 *buf;
    unsigned int len, pos;
};

static bool take(struct cursor *c, unsigned int n)
{
    if (c->pos + n > c->len || c->pos + n > MAX_INSN_LEN)
        return false;
    c->pos += n;
    return true;
}

static u64 read_le(const struct cursor *c, unsigned int at, unsigned int n)
{
    u64 v = 0;

    for (unsigned int i = 0; i < n; i++)
        v |= (u64)c->buf[at + i] << (8 * i);
    return v;
}

/* Skips ModRM's SIB and displacement; false if it names a register. */
static bool skip_modrm(struct cursor *c, u8 modrm, unsigned int addr_size)
{
    unsigned int mod = modrm >> 6, rm = modrm & 7;

    if (mod == 3)
        return false;
    if (addr_size == 2) {
        if (mod == 1)
            return take(c, 1);
        if (mod == 2 || (mod == 0 && rm == 6))
            return take(c, 2);
        return true;
    }
    if (rm == 4) {
        u8 sib;

        if (!take(c, 1))
            return false;
        sib = c->buf[c->pos - 1];
        if (mod == 0 && (sib & 7) == 5)
            return take(c, 4);
    }
    if (mod == 1)
        return take(c, 1);
    if (mod == 2 || (mod == 0 && rm == 5))
        return take(c, 4);
    return true;
}

int x86_decode_mmio(const u8 *buf, unsigned int len, enum x86_mode mode,
                    struct x86_mmio_op *op)
{
    struct cursor c = { buf, len, 0 };
    bool opsize = false, addrsize = false, rex_w = false, rex_r = false, rex = false;
    unsigned int op_size, addr_size, at;
    u8 opc, modrm;

    memset(op, 0, sizeof(*op));
    for (;;) {
        u8 b;

        if (!take(&c, 1))
            return -EINVAL;
        b = buf[c.pos - 1];
        if (b == 0x66)
            opsize = true;
        else if (b == 0x67)
            addrsize = true;
        else if (b == 0x26 || b == 0x2e || b == 0x36 || b == 0x3e ||
                 b == 0x64 || b == 0x65)
            continue;
        else
            break;
    }
    opc = buf[c.pos - 1];
    /* REX: only in 64-bit mode, right before the opcode. */
    if (mode == X86_MODE_64 && (opc & 0xf0) == 0x40) {
        rex = true;
        rex_w = opc & 8;
        rex_r = opc & 4;
        if (!take(&c, 1))
            return -EINVAL;
        opc = buf[c.pos - 1];
    }

    if (mode == X86_MODE_64)
        op_size = rex_w ? 8 : opsize ? 2 : 4;
    else if (mode == X86_MODE_32)
        op_size = opsize ? 2 : 4;
    else
        op_size = opsize ? 4 : 2;
    if (mode == X86_MODE_64)
        addr_size = addrsize ? 4 : 8;
    else if (mode == X86_MODE_32)
        addr_size = addrsize ? 2 : 4;
    else
        addr_size = addrsize ? 4 : 2;

    switch (opc) {
    case 0xa0: case 0xa1: case 0xa2: case 0xa3:
        /* MOV between AL/rAX and a memory offset of the address size. */
        if (!take(&c, addr_size))
            return -EINVAL;
        op->size = op->dest_size = opc & 1 ? op_size : 1;
        op->write = opc & 2;
        op->len = c.pos;
        return 0;
    case 0x0f:
        if (!take(&c, 1))
            return -EINVAL;
        opc = buf[c.pos - 1];
        if (opc != 0xb6 && opc != 0xb7 && opc != 0xbe && opc != 0xbf)
            return -EINVAL;
        if (!take(&c, 1))
            return -EINVAL;
        modrm = buf[c.pos - 1];
        if (!skip_modrm(&c, modrm, addr_size))
            return -EINVAL;
        op->size = opc & 1 ? 2 : 1;
        op->dest_size = op_size;
        op->sign_extend = opc & 8;
        op->reg = ((modrm >> 3) & 7) | (rex_r ? 8 : 0);
        op->len = c.pos;
        return 0;
    case 0x88: case 0x89: case 0x8a: case 0x8b: case 0xc6: case 0xc7:
        break;
    default:
        return -EINVAL;
    }

    if (!take(&c, 1))
        return -EINVAL;
    modrm = buf[c.pos - 1];
    if (!skip_modrm(&c, modrm, addr_size))
        return -EINVAL;
    op->size = opc & 1 ? op_size : 1;
    op->dest_size = op->size;
    if (opc == 0xc6 || opc == 0xc7) {
        unsigned int imm_size = op->size == 8 ? 4 : op->size;

        if ((modrm >> 3) & 7)                /* only /0 is MOV */
            return -EINVAL;
        at = c.pos;
        if (!take(&c, imm_size))
            return -EINVAL;
        op->write = true;
        op->has_imm = true;
        op->imm = read_le(&c, at, imm_size);
        if (op->size == 8)
            op->imm = (u64)(s64)(s32)op->imm;
    } else {
        op->write = !(opc & 2);
        op->reg = ((modrm >> 3) & 7) | (rex_r ? 8 : 0);
        /* Byte registers 4-7 without REX are AH, CH, DH, BH. */
        if (op->size == 1 && !rex && op->reg >= 4) {
            op->reg -= 4;
            op->reg_high8 = true;
        }
    }
    op->len = c.pos;
    return 0;
}

int x86_decode_mov_to_cr(const u8 *buf, unsigned int len, enum x86_mode mode,
                         unsigned int *cr, unsigned int *gpr, unsigned int *insn_len)
{
    struct cursor c = { buf, len, 0 };
    bool rex_r = false, rex_b = false;
    u8 b, modrm;

    if (!take(&c, 1))
        return -EINVAL;
    b = buf[0];
    if (mode == X86_MODE_64 && (b & 0xf0) == 0x40) {
        rex_r = b & 4;
        rex_b = b & 1;
        if (!take(&c, 1))
            return -EINVAL;
        b = buf[c.pos - 1];
    }
    if (b != 0x0f || !take(&c, 2) || buf[c.pos - 2] != 0x22)
        return -EINVAL;
    modrm = buf[c.pos - 1];
    if ((modrm >> 6) != 3)
        return -EINVAL;
    *cr = ((modrm >> 3) & 7) | (rex_r ? 8 : 0);
    *gpr = (modrm & 7) | (rex_b ? 8 : 0);
    *insn_len = c.pos;
    return 0;
}
