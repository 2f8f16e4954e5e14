/* heron-consoled's ring transfers over a page in ordinary memory. */
#include <check.h>
#include <string.h>

#include "ring.h"

static struct xencons_interface intf;

/* The guest's side: writes output, reads input. */
static void guest_write(const char *s)
{
    for (; *s; s++)
        intf.out[MASK_XENCONS_IDX(intf.out_prod++, XENCONS_OUT_SIZE)] = *s;
}

START_TEST(output_in_order_across_the_wrap)
{
    char buf[XENCONS_OUT_SIZE + 1];
    size_t n;

    memset(&intf, 0, sizeof(intf));
    intf.out_cons = intf.out_prod = 0xfffffff0u;    /* indices wrap too */
    guest_write("hello, ");
    guest_write("world");
    n = cons_ring_take_output(&intf, buf, 5);
    ck_assert_int_eq(n, 5);
    ck_assert_int_eq(memcmp(buf, "hello", 5), 0);
    n = cons_ring_take_output(&intf, buf, sizeof(buf));
    ck_assert_int_eq(n, 7);
    ck_assert_int_eq(memcmp(buf, ", world", 7), 0);
    ck_assert_uint_eq(intf.out_cons, intf.out_prod);
    ck_assert_int_eq(cons_ring_take_output(&intf, buf, sizeof(buf)), 0);
    for (int i = 0; i < XENCONS_OUT_SIZE; i++)
        guest_write("x");
    ck_assert_int_eq(cons_ring_take_output(&intf, buf, sizeof(buf)), XENCONS_OUT_SIZE);
}
END_TEST

START_TEST(corrupt_output_index_is_dropped)
{
    char buf[16];

    memset(&intf, 0, sizeof(intf));
    intf.out_prod = XENCONS_OUT_SIZE + 1;
    ck_assert_int_eq(cons_ring_take_output(&intf, buf, sizeof(buf)), 0);
    ck_assert_uint_eq(intf.out_cons, intf.out_prod);
}
END_TEST

START_TEST(input_stops_when_full)
{
    char big[XENCONS_IN_SIZE + 100];

    memset(&intf, 0, sizeof(intf));
    memset(big, 'k', sizeof(big));
    ck_assert_int_eq(cons_ring_give_input(&intf, "ls\r", 3), 3);
    ck_assert_int_eq(memcmp(intf.in, "ls\r", 3), 0);
    ck_assert_int_eq(cons_ring_give_input(&intf, big, sizeof(big)), XENCONS_IN_SIZE - 3);
    ck_assert_int_eq(cons_ring_give_input(&intf, "x", 1), 0);
    intf.in_cons += 10;                                  /* the guest read 10 */
    ck_assert_int_eq(cons_ring_give_input(&intf, big, sizeof(big)), 10);
    ck_assert_uint_eq(intf.in_prod - intf.in_cons, XENCONS_IN_SIZE);
    intf.in_cons = intf.in_prod + 1;                     /* consumer ahead: corrupt */
    ck_assert_int_eq(cons_ring_give_input(&intf, "x", 1), 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("toolstack_console_ring");
    TCase *tc = tcase_create("ring");
    SRunner *sr;
    int failed;

    tcase_add_test(tc, output_in_order_across_the_wrap);
    tcase_add_test(tc, corrupt_output_index_is_dropped);
    tcase_add_test(tc, input_stops_when_full);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
