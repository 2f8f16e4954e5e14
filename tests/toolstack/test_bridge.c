/*
 * xenbr0's forwarding database (toolstack/netback/bridge.c): learning,
 * flooding, ageing, a port leaving, a full table, and frames that must
 * go nowhere.
 */
#include <check.h>
#include <string.h>

#include "bridge.h"

#define SEC 1000000000ull

static struct bridge br;
static uint8_t frame[60];

static void mk(const uint8_t dst[6], const uint8_t src[6])
{
    memset(frame, 0, sizeof(frame));
    memcpy(frame, dst, 6);
    memcpy(frame + 6, src, 6);
    frame[12] = 0x08;
}

static const uint8_t A[6] = { 0x00, 0x16, 0x3e, 0, 0, 1 };
static const uint8_t B[6] = { 0x00, 0x16, 0x3e, 0, 0, 2 };
static const uint8_t C[6] = { 0x00, 0x16, 0x3e, 0, 0, 3 };
static const uint8_t BCAST[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t MCAST[6] = { 0x01, 0x00, 0x5e, 0, 0, 1 };
static const uint8_t ZERO[6];

static int fwd(const uint8_t dst[6], const uint8_t src[6], int port, uint64_t now)
{
    mk(dst, src);
    return bridge_forward(&br, frame, sizeof(frame), port, now);
}

static void setup(void)
{
    bridge_init(&br, 300 * SEC);
}

START_TEST(learns_and_forwards)
{
    ck_assert_int_eq(fwd(B, A, 1, 0), BRIDGE_FLOOD);       /* B unknown */
    ck_assert_int_eq(fwd(A, B, 2, 1), 1);                   /* A learnt on 1 */
    ck_assert_int_eq(fwd(B, A, 1, 2), 2);                   /* B learnt on 2 */
    ck_assert_int_eq(fwd(C, A, 1, 3), BRIDGE_FLOOD);
    ck_assert_uint_eq(bridge_fdb_count(&br, 3), 2);
}
END_TEST

START_TEST(group_destinations_flood)
{
    fwd(A, B, 2, 0);
    ck_assert_int_eq(fwd(BCAST, A, 1, 1), BRIDGE_FLOOD);
    ck_assert_int_eq(fwd(MCAST, A, 1, 1), BRIDGE_FLOOD);
}
END_TEST

START_TEST(bad_frames_dropped)
{
    ck_assert_int_eq(fwd(B, MCAST, 1, 0), BRIDGE_DROP);     /* group source */
    ck_assert_int_eq(fwd(B, BCAST, 1, 0), BRIDGE_DROP);
    ck_assert_int_eq(fwd(B, ZERO, 1, 0), BRIDGE_DROP);
    ck_assert_uint_eq(bridge_fdb_count(&br, 0), 0);         /* and not learnt */
    mk(B, A);
    ck_assert_int_eq(bridge_forward(&br, frame, 13, 1, 0), BRIDGE_DROP);
    ck_assert_uint_eq(bridge_fdb_count(&br, 0), 0);
}
END_TEST

START_TEST(same_port_dropped)
{
    fwd(C, A, 1, 0);
    fwd(C, B, 1, 0);
    ck_assert_int_eq(fwd(B, A, 1, 1), BRIDGE_DROP);
}
END_TEST

START_TEST(entries_age)
{
    fwd(C, A, 1, 0);
    ck_assert_int_eq(fwd(A, B, 2, 300 * SEC - 1), 1);
    ck_assert_uint_eq(bridge_fdb_count(&br, 300 * SEC - 1), 2);
    ck_assert_int_eq(fwd(A, B, 2, 300 * SEC), BRIDGE_FLOOD);
    ck_assert_uint_eq(bridge_fdb_count(&br, 300 * SEC), 1);  /* B, seen again */
    /* Seeing a station again keeps it. */
    ck_assert_int_eq(fwd(B, A, 1, 400 * SEC), 2);
    ck_assert_int_eq(fwd(A, C, 3, 599 * SEC), 1);
}
END_TEST

START_TEST(port_leaves)
{
    fwd(C, A, 1, 0);
    fwd(C, B, 2, 0);
    bridge_forget_port(&br, 1);
    ck_assert_uint_eq(bridge_fdb_count(&br, 0), 1);
    ck_assert_int_eq(fwd(A, C, 3, 1), BRIDGE_FLOOD);
    ck_assert_int_eq(fwd(B, C, 3, 1), 2);
}
END_TEST

START_TEST(station_moves)
{
    fwd(C, A, 1, 0);
    fwd(C, A, 4, 1);
    ck_assert_int_eq(fwd(A, B, 2, 2), 4);
    ck_assert_uint_eq(bridge_fdb_count(&br, 2), 2);
}
END_TEST

START_TEST(full_table_drops_oldest)
{
    uint8_t m[6] = { 0x02, 0, 0, 0, 0, 0 };

    for (unsigned int i = 0; i < BRIDGE_FDB_SIZE; i++) {
        m[4] = (uint8_t)(i >> 8);
        m[5] = (uint8_t)i;
        fwd(BCAST, m, (int)(i % 8), 10 + i);
    }
    ck_assert_uint_eq(bridge_fdb_count(&br, 1000), BRIDGE_FDB_SIZE);
    fwd(BCAST, A, 9, 1000);
    ck_assert_uint_eq(bridge_fdb_count(&br, 1000), BRIDGE_FDB_SIZE);
    ck_assert_int_eq(fwd(A, B, 2, 1001), 9);
    m[4] = 0;
    m[5] = 0;                                   /* the oldest: gone */
    ck_assert_int_eq(fwd(m, B, 2, 1002), BRIDGE_FLOOD);
    m[5] = 2;                                   /* the third oldest: still there */
    ck_assert_int_eq(fwd(m, B, 3, 1003), 2);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("bridge");
    TCase *tc = tcase_create("fdb");
    SRunner *sr;
    int failed;

    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, learns_and_forwards);
    tcase_add_test(tc, group_destinations_flood);
    tcase_add_test(tc, bad_frames_dropped);
    tcase_add_test(tc, same_port_dropped);
    tcase_add_test(tc, entries_age);
    tcase_add_test(tc, port_leaves);
    tcase_add_test(tc, station_moves);
    tcase_add_test(tc, full_table_drops_oldest);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
