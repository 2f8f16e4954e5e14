/* The MMIO instruction decoder (hv/arch/x86/hvm/decode.c). */
#include <check.h>
#include <hv/hvm_emulate.h>
#include "hvm_unit.h"

static struct x86_mmio_op decode(const u8 *b, unsigned int len, enum x86_mode m)
{
    struct x86_mmio_op op;

    ck_assert_int_eq(x86_decode_mmio(b, len, m, &op), 0);
    return op;
}

static void refuse(const u8 *b, unsigned int len, enum x86_mode m)
{
    struct x86_mmio_op op;

    ck_assert_int_eq(x86_decode_mmio(b, len, m, &op), -EINVAL);
}

START_TEST(loads_and_stores_of_registers)
{
    /* mov (%rdx), %eax */
    static const u8 a[] = { 0x8b, 0x02 };
    /* mov %eax, 0xb0(%rdx) */
    static const u8 b[] = { 0x89, 0x82, 0xb0, 0x00, 0x00, 0x00 };
    /* mov %r9, 0x10(%rax,%rbx,4) */
    static const u8 c[] = { 0x4c, 0x89, 0x4c, 0x98, 0x10 };
    /* mov 0x30(%rip), %r12d */
    static const u8 d[] = { 0x44, 0x8b, 0x25, 0x30, 0x00, 0x00, 0x00 };
    struct x86_mmio_op op;

    op = decode(a, sizeof(a), X86_MODE_64);
    ck_assert(!op.write);
    ck_assert_uint_eq(op.len, 2);
    ck_assert_uint_eq(op.size, 4);
    ck_assert_uint_eq(op.reg, 0);
    op = decode(b, sizeof(b), X86_MODE_64);
    ck_assert(op.write);
    ck_assert_uint_eq(op.len, 6);
    ck_assert_uint_eq(op.size, 4);
    op = decode(c, sizeof(c), X86_MODE_64);
    ck_assert(op.write);
    ck_assert_uint_eq(op.len, 5);
    ck_assert_uint_eq(op.size, 8);
    ck_assert_uint_eq(op.reg, 9);
    op = decode(d, sizeof(d), X86_MODE_64);
    ck_assert_uint_eq(op.len, 7);
    ck_assert_uint_eq(op.reg, 12);
    ck_assert_uint_eq(op.size, 4);
}
END_TEST

START_TEST(byte_registers_and_prefixes)
{
    /* mov %ah, (%rbx): no REX, reg 4 is AH */
    static const u8 a[] = { 0x88, 0x23 };
    /* mov %spl, (%rbx): with REX, reg 4 is SPL */
    static const u8 b[] = { 0x40, 0x88, 0x23 };
    /* mov %ax, %fs:(%rcx) with 66 and a segment override */
    static const u8 c[] = { 0x64, 0x66, 0x89, 0x01 };
    /* 16-bit code: mov 0x1234(%bx), %ax is 8b 87 34 12 */
    static const u8 d[] = { 0x8b, 0x87, 0x34, 0x12 };
    struct x86_mmio_op op;

    op = decode(a, sizeof(a), X86_MODE_64);
    ck_assert(op.reg_high8);
    ck_assert_uint_eq(op.reg, 0);
    ck_assert_uint_eq(op.size, 1);
    op = decode(b, sizeof(b), X86_MODE_64);
    ck_assert(!op.reg_high8);
    ck_assert_uint_eq(op.reg, 4);
    op = decode(c, sizeof(c), X86_MODE_64);
    ck_assert_uint_eq(op.size, 2);
    ck_assert_uint_eq(op.len, 4);
    op = decode(d, sizeof(d), X86_MODE_16);
    ck_assert_uint_eq(op.size, 2);
    ck_assert_uint_eq(op.len, 4);
    ck_assert_uint_eq(op.reg, 0);
}
END_TEST

START_TEST(immediates_and_moffs)
{
    /* movl $0, 0xfee000b0 (32-bit code, disp32 address) */
    static const u8 a[] = { 0xc7, 0x05, 0xb0, 0x00, 0xe0, 0xfe, 0x00, 0x00, 0x00, 0x00 };
    /* movq $-1, (%rax): imm32 sign-extended */
    static const u8 b[] = { 0x48, 0xc7, 0x00, 0xff, 0xff, 0xff, 0xff };
    /* movb $0x5a, 8(%rsi) */
    static const u8 c[] = { 0xc6, 0x46, 0x08, 0x5a };
    /* mov 0xfee00030, %eax in 32-bit code: a1 + 4-byte offset */
    static const u8 d[] = { 0xa1, 0x30, 0x00, 0xe0, 0xfe };
    /* movabs %rax, 0xfee000b0 in 64-bit code: a3 + 8-byte offset */
    static const u8 e[] = { 0x48, 0xa3, 0xb0, 0x00, 0xe0, 0xfe, 0, 0, 0, 0 };
    struct x86_mmio_op op;

    op = decode(a, sizeof(a), X86_MODE_32);
    ck_assert(op.write && op.has_imm);
    ck_assert_uint_eq(op.imm, 0);
    ck_assert_uint_eq(op.len, 10);
    op = decode(b, sizeof(b), X86_MODE_64);
    ck_assert_uint_eq(op.size, 8);
    ck_assert_uint_eq(op.imm, ~0ull);
    op = decode(c, sizeof(c), X86_MODE_64);
    ck_assert_uint_eq(op.size, 1);
    ck_assert_uint_eq(op.imm, 0x5a);
    ck_assert_uint_eq(op.len, 4);
    op = decode(d, sizeof(d), X86_MODE_32);
    ck_assert(!op.write);
    ck_assert_uint_eq(op.len, 5);
    op = decode(e, sizeof(e), X86_MODE_64);
    ck_assert(op.write);
    ck_assert_uint_eq(op.size, 8);
    ck_assert_uint_eq(op.len, 10);
}
END_TEST

START_TEST(zero_and_sign_extension)
{
    /* movzbl (%rdi), %ecx */
    static const u8 a[] = { 0x0f, 0xb6, 0x0f };
    /* movswq 4(%rdi), %rdx */
    static const u8 b[] = { 0x48, 0x0f, 0xbf, 0x57, 0x04 };
    struct x86_mmio_op op;

    op = decode(a, sizeof(a), X86_MODE_64);
    ck_assert_uint_eq(op.size, 1);
    ck_assert_uint_eq(op.dest_size, 4);
    ck_assert(!op.sign_extend);
    ck_assert_uint_eq(op.reg, 1);
    op = decode(b, sizeof(b), X86_MODE_64);
    ck_assert_uint_eq(op.size, 2);
    ck_assert_uint_eq(op.dest_size, 8);
    ck_assert(op.sign_extend);
    ck_assert_uint_eq(op.reg, 2);
    ck_assert_uint_eq(op.len, 5);
}
END_TEST

START_TEST(refuses_what_it_cannot_emulate)
{
    static const u8 regreg[] = { 0x89, 0xc0 };          /* mov %eax, %eax */
    static const u8 lock[] = { 0xf0, 0x89, 0x02 };
    static const u8 rep[] = { 0xf3, 0xa5 };             /* rep movsd */
    static const u8 add[] = { 0x01, 0x02 };             /* add %eax, (%rdx) */
    static const u8 c7_1[] = { 0xc7, 0x08, 1, 0, 0, 0 };/* c7 /1 is not mov */
    static const u8 trunc[] = { 0x89, 0x82, 0xb0 };     /* displacement cut */
    static const u8 rex32[] = { 0x48, 0x8b, 0x02 };     /* dec eax; mov */
    static u8 longer[16];

    refuse(regreg, sizeof(regreg), X86_MODE_64);
    refuse(lock, sizeof(lock), X86_MODE_64);
    refuse(rep, sizeof(rep), X86_MODE_64);
    refuse(add, sizeof(add), X86_MODE_64);
    refuse(c7_1, sizeof(c7_1), X86_MODE_64);
    refuse(trunc, sizeof(trunc), X86_MODE_64);
    /* 0x48 is not REX outside 64-bit mode. */
    refuse(rex32, sizeof(rex32), X86_MODE_32);
    /* More than 15 bytes of prefixes. */
    memset(longer, 0x66, sizeof(longer));
    refuse(longer, sizeof(longer), X86_MODE_64);
    refuse(regreg, 0, X86_MODE_64);
}
END_TEST

/* Every prefix of a valid instruction is refused (nothing read past len). */
START_TEST(every_truncation_is_refused)
{
    static const u8 insn[] = { 0x64, 0x48, 0xc7, 0x84, 0x88, 0x10, 0x32, 0x54,
                               0x76, 0x11, 0x22, 0x33, 0x44 };
    struct x86_mmio_op op;

    ck_assert_int_eq(x86_decode_mmio(insn, sizeof(insn), X86_MODE_64, &op), 0);
    ck_assert_uint_eq(op.len, sizeof(insn));
    for (unsigned int n = 0; n < sizeof(insn); n++)
        refuse(insn, n, X86_MODE_64);
}
END_TEST

START_TEST(mov_to_control_registers)
{
    static const u8 a[] = { 0x0f, 0x22, 0xe0 };         /* mov %eax, %cr4 */
    static const u8 b[] = { 0x41, 0x0f, 0x22, 0xe7 };   /* mov %r15, %cr4 */
    static const u8 c[] = { 0x44, 0x0f, 0x22, 0xc1 };   /* mov %rcx, %cr8 */
    static const u8 mem[] = { 0x0f, 0x22, 0x20 };       /* not a register */
    static const u8 rd[] = { 0x0f, 0x20, 0xe0 };        /* mov %cr4, %eax */
    unsigned int cr, gpr, len;

    ck_assert_int_eq(x86_decode_mov_to_cr(a, sizeof(a), X86_MODE_32, &cr, &gpr, &len), 0);
    ck_assert(cr == 4 && gpr == 0 && len == 3);
    ck_assert_int_eq(x86_decode_mov_to_cr(b, sizeof(b), X86_MODE_64, &cr, &gpr, &len), 0);
    ck_assert(cr == 4 && gpr == 15 && len == 4);
    ck_assert_int_eq(x86_decode_mov_to_cr(c, sizeof(c), X86_MODE_64, &cr, &gpr, &len), 0);
    ck_assert(cr == 8 && gpr == 1);
    ck_assert_int_eq(x86_decode_mov_to_cr(b, sizeof(b), X86_MODE_32, &cr, &gpr, &len), -EINVAL);
    ck_assert_int_eq(x86_decode_mov_to_cr(mem, sizeof(mem), X86_MODE_32, &cr, &gpr, &len), -EINVAL);
    ck_assert_int_eq(x86_decode_mov_to_cr(rd, sizeof(rd), X86_MODE_32, &cr, &gpr, &len), -EINVAL);
    ck_assert_int_eq(x86_decode_mov_to_cr(a, 2, X86_MODE_32, &cr, &gpr, &len), -EINVAL);
}
END_TEST

TCase *tcase_decode(void)
{
    TCase *tc = tcase_create("decode");

    tcase_add_test(tc, loads_and_stores_of_registers);
    tcase_add_test(tc, byte_registers_and_prefixes);
    tcase_add_test(tc, immediates_and_moffs);
    tcase_add_test(tc, zero_and_sign_extension);
    tcase_add_test(tc, refuses_what_it_cannot_emulate);
    tcase_add_test(tc, every_truncation_is_refused);
    tcase_add_test(tc, mov_to_control_registers);
    return tc;
}
