/*
 * Host tests of the guest descriptor check (hv/arch/x86/mm/segdesc.c,
 * Xen's check_descriptor for 64-bit PV): what a GDT/LDT frame of a PV
 * guest may hold, and how descriptors are fixed up.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <hv/types.h>
#include <hv/errno.h>
#include <hv/segdesc.h>

/* Linux's GDT entries (GDT_ENTRY_INIT values). */
#define KERNEL_CS64_DPL0 0x00af9b000000ffffULL
#define KERNEL_DS_DPL0   0x00cf93000000ffffULL
#define USER_CS64_DPL3   0x00affb000000ffffULL
#define USER_DS_DPL3     0x00cff3000000ffffULL

static u64 dpl(u64 d)
{
    return (d >> 45) & 3;
}

/* A 64-bit call gate: target selector sel, DPL d, offset 0x1000. */
static u64 call_gate(u16 sel, unsigned int d)
{
    return 0x1000 | ((u64)sel << 16) | (0xcULL << 40) | ((u64)d << 45) | (1ULL << 47);
}

START_TEST(not_present_and_null_pass_untouched)
{
    u64 d = 0, np = KERNEL_CS64_DPL0 & ~(1ULL << 47);

    ck_assert(segdesc_check(&d));
    ck_assert_uint_eq(d, 0);
    ck_assert(segdesc_check(&np));
    ck_assert_uint_eq(np, KERNEL_CS64_DPL0 & ~(1ULL << 47));
}
END_TEST

START_TEST(code_and_data_get_dpl_3)
{
    u64 cs = KERNEL_CS64_DPL0, ds = KERNEL_DS_DPL0, ucs = USER_CS64_DPL3,
        uds = USER_DS_DPL3;

    ck_assert(segdesc_check(&cs));
    ck_assert(segdesc_check(&ds));
    ck_assert_uint_eq(cs, KERNEL_CS64_DPL0 | (3ULL << 45));
    ck_assert_uint_eq(ds, KERNEL_DS_DPL0 | (3ULL << 45));
    ck_assert_uint_eq(dpl(cs), 3);
    /* Already DPL 3: unchanged. */
    ck_assert(segdesc_check(&ucs));
    ck_assert(segdesc_check(&uds));
    ck_assert_uint_eq(ucs, USER_CS64_DPL3);
    ck_assert_uint_eq(uds, USER_DS_DPL3);
}
END_TEST

START_TEST(system_descriptors_other_than_call_gates_are_refused)
{
    /* type 9 (TSS), 2 (LDT), 14 (interrupt gate), 15 (trap gate), 5 (task gate) */
    static const unsigned int types[] = { 1, 2, 3, 5, 9, 11, 14, 15 };

    for (unsigned int i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        u64 d = 0x0000000000000067ULL | ((u64)types[i] << 40) | (1ULL << 47);
        u64 orig = d;

        ck_assert_msg(!segdesc_check(&d), "type %u accepted", types[i]);
        ck_assert_uint_eq(d, orig);
    }
}
END_TEST

START_TEST(type_0_system_descriptor_is_the_upper_half)
{
    u64 d = 0xffffffffULL | (1ULL << 47);

    ck_assert(segdesc_check(&d));
    ck_assert_uint_eq(d, 0xffffffffULL | (1ULL << 47));
}
END_TEST

START_TEST(call_gate_to_guest_selector_is_kept_with_dpl_0)
{
    u64 g = call_gate(0x10, 3), ldt = call_gate(0x0c, 3), flat = call_gate(0xe033, 3);

    ck_assert(segdesc_check(&g));
    ck_assert_uint_eq(dpl(g), 0);
    /* The asked-for DPL (3) goes into the target's RPL. */
    ck_assert_uint_eq((g >> 16) & 0xffff, 0x13);
    ck_assert(segdesc_check(&ldt));
    ck_assert(segdesc_check(&flat));
    ck_assert_uint_eq(dpl(flat), 0);
}
END_TEST

START_TEST(call_gate_to_hv_selector_or_with_reserved_bits_is_refused)
{
    u64 hv_cs = call_gate(0xe008, 3), hv_ds = call_gate(0xe010, 0),
        rsvd = call_gate(0x10, 3) | (1ULL << 32);
    u64 orig = hv_cs;

    ck_assert(!segdesc_check(&hv_cs));
    ck_assert_uint_eq(hv_cs, orig);
    ck_assert(!segdesc_check(&hv_ds));
    ck_assert(!segdesc_check(&rsvd));
}
END_TEST

START_TEST(page_validation_stops_at_the_first_bad_descriptor)
{
    u64 *page = calloc(512, sizeof(u64));

    page[1] = KERNEL_CS64_DPL0;
    page[2] = USER_DS_DPL3;
    ck_assert_int_eq(segdesc_validate_page(page), 0);
    ck_assert_uint_eq(dpl(page[1]), 3);

    page[511] = 0x0000000000000067ULL | (9ULL << 40) | (1ULL << 47);  /* a TSS */
    ck_assert_int_eq(segdesc_validate_page(page), -EINVAL);
    free(page);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("segdesc");
    TCase *tc = tcase_create("check_descriptor");
    SRunner *sr;
    int failed;

    tcase_add_test(tc, not_present_and_null_pass_untouched);
    tcase_add_test(tc, code_and_data_get_dpl_3);
    tcase_add_test(tc, system_descriptors_other_than_call_gates_are_refused);
    tcase_add_test(tc, type_0_system_descriptor_is_the_upper_half);
    tcase_add_test(tc, call_gate_to_guest_selector_is_kept_with_dpl_0);
    tcase_add_test(tc, call_gate_to_hv_selector_or_with_reserved_bits_is_refused);
    tcase_add_test(tc, page_validation_stops_at_the_first_bad_descriptor);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
