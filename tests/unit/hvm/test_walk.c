/* The guest page-table walker (hv/arch/x86/hvm/guest_walk.c) over a fake
 * guest-physical memory. */
#include <hv/hvm.h>
#include <hv/hvm_emulate.h>
#include <hv/processor.h>
#include "hvm_unit.h"

#define MEM_SIZE (64 * 4096)

static u8 mem[MEM_SIZE];

static int read_mem(void *ctx, u64 gpa, void *buf, size_t len)
{
    (void)ctx;
    if (gpa >= MEM_SIZE || len > MEM_SIZE - gpa)
        return -EFAULT;
    memcpy(buf, mem + gpa, len);
    return 0;
}

static void put32(u64 gpa, u32 v) { memcpy(mem + gpa, &v, 4); }
static void put64(u64 gpa, u64 v) { memcpy(mem + gpa, &v, 8); }

static u64 walk(const struct hvm_paging *p, u64 va)
{
    u64 gpa = ~0ull;

    ck_assert_int_eq(guest_walk(p, va, &gpa, read_mem, NULL), 0);
    return gpa;
}

static void unmapped(const struct hvm_paging *p, u64 va)
{
    u64 gpa;

    ck_assert_int_eq(guest_walk(p, va, &gpa, read_mem, NULL), -EFAULT);
}

START_TEST(paging_off_is_identity)
{
    struct hvm_paging p = { .cr0 = X86_CR0_PE };

    ck_assert_uint_eq(walk(&p, 0x12345678), 0x12345678);
    /* 32-bit: addresses wrap at 4 GiB. */
    ck_assert_uint_eq(walk(&p, 0x100000010ull), 0x10);
}
END_TEST

START_TEST(two_level_with_4k_and_4m_pages)
{
    struct hvm_paging p = { .cr0 = X86_CR0_PE | X86_CR0_PG, .cr3 = 0x1000 };

    memset(mem, 0, sizeof(mem));
    put32(0x1000 + 1 * 4, 0x2000 | 1);              /* PDE 1 -> table */
    put32(0x2000 + 5 * 4, 0xfee00000 | 1);          /* va 0x405000 -> LAPIC */
    put32(0x1000 + 2 * 4, 0x00c00000 | 0x81);       /* PDE 2: 4 MiB page */
    ck_assert_uint_eq(walk(&p, 0x405030), 0xfee00030);
    unmapped(&p, 0x406000);                          /* PTE not present */
    unmapped(&p, 0x10000000);                        /* PDE not present */
    /* PS is only honoured with CR4.PSE. */
    p.cr4 = 0x10;
    ck_assert_uint_eq(walk(&p, 0x00812345), 0x00c12345);
}
END_TEST

START_TEST(pae)
{
    struct hvm_paging p = { .cr0 = X86_CR0_PE | X86_CR0_PG, .cr3 = 0x1020,
                            .cr4 = X86_CR4_PAE };

    memset(mem, 0, sizeof(mem));
    put64(0x1020 + 3 * 8, 0x3000 | 1);              /* PDPTE 3: 0xc0000000- */
    put64(0x3000 + 1 * 8, 0x4000 | 1);              /* PDE 1 -> table */
    put64(0x4000 + 2 * 8, 0x123456000ull | 1);      /* above 4 GiB */
    put64(0x3000 + 2 * 8, 0x40000000 | 0x81);       /* 2 MiB page */
    ck_assert_uint_eq(walk(&p, 0xc0202abc), 0x123456abc);
    ck_assert_uint_eq(walk(&p, 0xc0412345), 0x40012345);
    unmapped(&p, 0x00000000);
}
END_TEST

START_TEST(long_mode_four_levels)
{
    struct hvm_paging p = { .cr0 = X86_CR0_PE | X86_CR0_PG, .cr3 = 0x1000,
                            .cr4 = X86_CR4_PAE, .efer = EFER_LME | EFER_LMA };
    u64 va = 0xffff888000201008ull;                 /* L4 273, L3 0, L2 1, L1 1 */

    memset(mem, 0, sizeof(mem));
    put64(0x1000 + 273 * 8, 0x2000 | 1);
    put64(0x2000 + 0 * 8, 0x3000 | 1);
    put64(0x3000 + 1 * 8, 0x4000 | 1);
    put64(0x4000 + 1 * 8, 0xfec00000 | 1);
    ck_assert_uint_eq(walk(&p, va), 0xfec00008);
    /* 1 GiB page at L3 index 5, 2 MiB page at L2 index 7. */
    put64(0x2000 + 5 * 8, 0x80000000ull | 0x81);
    ck_assert_uint_eq(walk(&p, 0xffff888140012345ull), 0x80012345);
    put64(0x3000 + 7 * 8, 0x600000 | 0x81);
    ck_assert_uint_eq(walk(&p, 0xffff888000e54321ull), 0x654321);
    unmapped(&p, 0x7fff00000000ull);
    /* A table outside guest memory is not mapped either. */
    put64(0x1000 + 1 * 8, 0x7000000 | 1);
    unmapped(&p, 0x8000000000ull);
}
END_TEST

static bool writable(const struct hvm_paging *p, u64 va)
{
    bool rw = false;
    u64 gpa;

    ck_assert_int_eq(guest_walk_rw(p, va, &gpa, &rw, read_mem, NULL), 0);
    return rw;
}

/* Writable only if every level has R/W (PAE's PDPTEs have none). */
START_TEST(writable_needs_rw_at_every_level)
{
    struct hvm_paging p = { .cr0 = X86_CR0_PE | X86_CR0_PG, .cr3 = 0x1000,
                            .cr4 = X86_CR4_PAE, .efer = EFER_LME | EFER_LMA };

    memset(mem, 0, sizeof(mem));
    put64(0x1000, 0x2000 | 3);
    put64(0x2000, 0x3000 | 3);
    put64(0x3000, 0x4000 | 3);
    put64(0x4000 + 1 * 8, 0x5000 | 3);
    put64(0x4000 + 2 * 8, 0x6000 | 1);              /* read-only leaf */
    ck_assert(writable(&p, 0x1000));
    ck_assert(!writable(&p, 0x2000));
    put64(0x2000, 0x3000 | 1);                      /* read-only L3 entry */
    ck_assert(!writable(&p, 0x1000));

    p = (struct hvm_paging){ .cr0 = X86_CR0_PE | X86_CR0_PG, .cr3 = 0x1020,
                             .cr4 = X86_CR4_PAE };
    memset(mem, 0, sizeof(mem));
    put64(0x1020, 0x3000 | 1);                      /* PDPTE: P only */
    put64(0x3000, 0x4000 | 3);
    put64(0x4000, 0x5000 | 3);
    ck_assert(writable(&p, 0x0));

    p = (struct hvm_paging){ .cr0 = X86_CR0_PE | X86_CR0_PG, .cr3 = 0x1000,
                             .cr4 = 0x10 };
    memset(mem, 0, sizeof(mem));
    put32(0x1000, 0x00400000 | 0x83);               /* 4 MiB page, R/W */
    put32(0x1000 + 4, 0x00800000 | 0x81);           /* 4 MiB page, read-only */
    ck_assert(writable(&p, 0x12345));
    ck_assert(!writable(&p, 0x412345));

    p = (struct hvm_paging){ .cr0 = X86_CR0_PE };
    ck_assert(writable(&p, 0x1234));                /* no paging: all writable */
}
END_TEST

TCase *tcase_walk(void)
{
    TCase *tc = tcase_create("guest_walk");

    tcase_add_test(tc, paging_off_is_identity);
    tcase_add_test(tc, two_level_with_4k_and_4m_pages);
    tcase_add_test(tc, pae);
    tcase_add_test(tc, long_mode_four_levels);
    tcase_add_test(tc, writable_needs_rw_at_every_level);
    return tc;
}
