/*
 * netback's ring handling (toolstack/netback/netif_serve.c) on rings in
 * memory with a fake grant copy (refs 100..163 are pages of a fake
 * frontend, domain 7; any other ref fails with GNTST_bad_gntref): frames
 * copied out of tx requests and into rx buffers exactly, and every
 * hostile request a frontend can make answered with an error without a
 * copy, or (garbage indices) ending the connection.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "netif_serve.h"

#define FIRST_REF 100
#define NR_PAGES 64

static uint8_t pages[NR_PAGES][4096];
static unsigned int copies, calls;
static bool fail_whole;

static int fake_copy(void *ctx, uint16_t domid, struct netif_copy *c, unsigned int n)
{
    (void)ctx;
    ck_assert_uint_le(n, NETIF_BATCH);
    calls++;
    if (fail_whole)
        return -1;
    for (unsigned int i = 0; i < n; i++) {
        uint8_t *page;

        if (domid != 7 || c[i].ref < FIRST_REF || c[i].ref >= FIRST_REF + NR_PAGES) {
            c[i].status = GNTST_bad_gntref;
            continue;
        }
        ck_assert_uint_le(c[i].offset + c[i].len, 4096);
        page = pages[c[i].ref - FIRST_REF] + c[i].offset;
        if (c[i].to_guest)
            memcpy(page, c[i].local, c[i].len);
        else
            memcpy(c[i].local, page, c[i].len);
        c[i].status = GNTST_okay;
        copies++;
    }
    return 0;
}

static union { netif_tx_sring_t s; uint8_t page[4096]; } tx_shared;
static union { netif_rx_sring_t s; uint8_t page[4096]; } rx_shared;
static netif_tx_front_ring_t txf;
static netif_rx_front_ring_t rxf;
static struct netif_backend back;
static struct netif_frame frames[NETIF_BATCH];

static void setup(void)
{
    SHARED_RING_INIT(&tx_shared.s);
    SHARED_RING_INIT(&rx_shared.s);
    FRONT_RING_INIT(&txf, &tx_shared.s, 4096);
    FRONT_RING_INIT(&rxf, &rx_shared.s, 4096);
    memset(&back, 0, sizeof(back));
    BACK_RING_INIT(&back.tx, &tx_shared.s, 4096);
    BACK_RING_INIT(&back.rx, &rx_shared.s, 4096);
    back.domid = 7;
    back.ops = (struct netif_copy_ops){ fake_copy, NULL };
    for (unsigned int i = 0; i < NR_PAGES; i++)
        for (unsigned int j = 0; j < 4096; j++)
            pages[i][j] = (uint8_t)(i * 7 + j * 13);
    copies = calls = 0;
    fail_whole = false;
}

static void tx_put(grant_ref_t gref, uint16_t offset, uint16_t size, uint16_t flags,
                   uint16_t id)
{
    *RING_GET_REQUEST(&txf, txf.req_prod_pvt++) = (struct netif_tx_request){
        .gref = gref, .offset = offset, .flags = flags, .id = id, .size = size };
}

static void tx_push(void)
{
    int notify;

    RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&txf, notify);
    (void)notify;
}

/* The next tx response (asserting there is one). */
static struct netif_tx_response tx_response(void)
{
    ck_assert(RING_HAS_UNCONSUMED_RESPONSES(&txf));
    return *RING_GET_RESPONSE(&txf, txf.rsp_cons++);
}

static unsigned int take(bool *notify, bool *more)
{
    return netif_tx_take(&back, frames, NETIF_BATCH, notify, more);
}

START_TEST(tx_frames_copied)
{
    bool notify, more;

    tx_put(FIRST_REF + 1, 0, 60, 0, 11);
    tx_put(FIRST_REF + 2, 2048, 1514, NETTXF_csum_blank | NETTXF_data_validated, 12);
    tx_put(FIRST_REF + 3, 4096 - 14, 14, 0, 13);
    tx_push();
    ck_assert_uint_eq(take(&notify, &more), 3);
    ck_assert(notify);
    ck_assert(!more);
    ck_assert_uint_eq(frames[0].len, 60);
    ck_assert_mem_eq(frames[0].data, pages[1], 60);
    ck_assert_uint_eq(frames[1].len, 1514);
    ck_assert_mem_eq(frames[1].data, pages[2] + 2048, 1514);
    ck_assert_uint_eq(frames[2].len, 14);
    ck_assert_mem_eq(frames[2].data, pages[3] + 4096 - 14, 14);
    for (uint16_t id = 11; id <= 13; id++) {
        struct netif_tx_response r = tx_response();

        ck_assert_uint_eq(r.id, id);
        ck_assert_int_eq(r.status, NETIF_RSP_OKAY);
    }
    ck_assert(!RING_HAS_UNCONSUMED_RESPONSES(&txf));
    ck_assert_uint_eq(back.tx_packets, 3);
    ck_assert_uint_eq(back.tx_errors, 0);
    ck_assert_uint_eq(calls, 1);
    /* Nothing more: asked to be told of the next request. */
    ck_assert_uint_eq(take(&notify, &more), 0);
    ck_assert_uint_eq(tx_shared.s.req_event, txf.req_prod_pvt + 1);
}
END_TEST

START_TEST(tx_bad_requests_refused)
{
    static const struct { uint16_t offset, size, flags; grant_ref_t gref; } bad[] = {
        { 0, 13, 0, FIRST_REF },                     /* shorter than a header */
        { 0, 1515, 0, FIRST_REF },                   /* over the MTU */
        { 0, 65535, 0, FIRST_REF },                  /* the protocol's largest */
        { 4000, 200, 0, FIRST_REF },                 /* past the page */
        { 4096, 14, 0, FIRST_REF },                  /* offset off the page */
        { 65535, 1000, 0, FIRST_REF },               /* offset + size wraps 16 bits */
        { 0, 100, NETTXF_more_data, FIRST_REF },     /* no feature-sg offered */
        { 0, 100, NETTXF_extra_info, FIRST_REF },    /* no extras offered */
    };
    unsigned int n = sizeof(bad) / sizeof(bad[0]);
    bool notify, more;

    for (unsigned int i = 0; i < n; i++)
        tx_put(bad[i].gref, bad[i].offset, bad[i].size, bad[i].flags, (uint16_t)i);
    tx_put(5, 0, 100, 0, 100);                       /* a grant not there */
    tx_put(FIRST_REF + 63 + 1, 0, 100, 0, 101);      /* just past the fake's */
    tx_put(FIRST_REF + 4, 10, 100, 0, 102);          /* and a good one after */
    tx_push();
    ck_assert_uint_eq(take(&notify, &more), 1);
    ck_assert_mem_eq(frames[0].data, pages[4] + 10, 100);
    ck_assert_uint_eq(copies, 1);                    /* the invalid ones never copied */
    for (unsigned int i = 0; i < n; i++) {
        struct netif_tx_response r = tx_response();

        ck_assert_uint_eq(r.id, i);
        ck_assert_int_eq(r.status, NETIF_RSP_ERROR);
    }
    ck_assert_int_eq(tx_response().status, NETIF_RSP_ERROR);
    ck_assert_int_eq(tx_response().status, NETIF_RSP_ERROR);
    ck_assert_int_eq(tx_response().status, NETIF_RSP_OKAY);
    ck_assert_uint_eq(back.tx_errors, n + 2);
    ck_assert_uint_eq(back.tx_packets, 1);
    ck_assert(!back.broken);
}
END_TEST

START_TEST(tx_copy_call_fails)
{
    bool notify, more;

    fail_whole = true;
    tx_put(FIRST_REF, 0, 100, 0, 1);
    tx_push();
    ck_assert_uint_eq(take(&notify, &more), 0);
    ck_assert_int_eq(tx_response().status, NETIF_RSP_ERROR);
    ck_assert(!back.broken);
}
END_TEST

START_TEST(tx_batches)
{
    bool notify, more;

    for (unsigned int i = 0; i < 100; i++)
        tx_put(FIRST_REF + i % NR_PAGES, 0, (uint16_t)(14 + i), 0, (uint16_t)i);
    tx_push();
    ck_assert_uint_eq(take(&notify, &more), NETIF_BATCH);
    ck_assert(more);
    ck_assert_uint_eq(frames[NETIF_BATCH - 1].len, 14 + NETIF_BATCH - 1);
    ck_assert_uint_eq(take(&notify, &more), 100 - NETIF_BATCH);
    ck_assert(!more);
    ck_assert_uint_eq(frames[0].len, 14 + NETIF_BATCH);
    for (unsigned int i = 0; i < 100; i++)
        ck_assert_uint_eq(tx_response().id, i);
}
END_TEST

START_TEST(tx_garbage_prod_breaks)
{
    bool notify, more;

    tx_put(FIRST_REF, 0, 100, 0, 1);
    tx_push();
    ck_assert_uint_eq(take(&notify, &more), 1);
    /* More than a ring's worth beyond the responses. */
    tx_shared.s.req_prod = back.tx.rsp_prod_pvt + 257;
    ck_assert_uint_eq(take(&notify, &more), 0);
    ck_assert(back.broken);
    ck_assert_uint_eq(back.tx.rsp_prod_pvt, 1);
    /* A sane index later changes nothing: the vif is done. */
    tx_shared.s.req_prod = 2;
    ck_assert_uint_eq(take(&notify, &more), 0);
    ck_assert_uint_eq(calls, 1);
}
END_TEST

START_TEST(tx_prod_behind_cons_breaks)
{
    bool notify, more;

    for (unsigned int i = 0; i < 4; i++)
        tx_put(FIRST_REF, 0, 100, 0, (uint16_t)i);
    tx_push();
    ck_assert_uint_eq(take(&notify, &more), 4);
    tx_shared.s.req_prod = 2;
    ck_assert_uint_eq(take(&notify, &more), 0);
    ck_assert(back.broken);
    ck_assert_uint_eq(back.tx.rsp_prod_pvt, 4);
}
END_TEST

static void rx_post(uint16_t id, grant_ref_t gref)
{
    int notify;

    *RING_GET_REQUEST(&rxf, rxf.req_prod_pvt++) = (struct netif_rx_request){ .id = id,
                                                                             .gref = gref };
    RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&rxf, notify);
    (void)notify;
}

START_TEST(rx_frames_delivered)
{
    uint8_t a[60], b[1514];
    struct netif_rx_response r;

    memset(a, 0xa5, sizeof(a));
    for (unsigned int i = 0; i < sizeof(b); i++)
        b[i] = (uint8_t)i;
    ck_assert(!netif_rx_queue(&back, a, sizeof(a)));      /* no buffer posted */
    ck_assert_uint_eq(back.rx_dropped, 1);
    rx_post(5, FIRST_REF + 10);
    rx_post(6, FIRST_REF + 11);
    ck_assert(netif_rx_queue(&back, a, sizeof(a)));
    ck_assert(netif_rx_queue(&back, b, sizeof(b)));
    ck_assert(!netif_rx_queue(&back, a, sizeof(a)));      /* both taken */
    ck_assert_uint_eq(back.rx_dropped, 2);
    ck_assert(!RING_HAS_UNCONSUMED_RESPONSES(&rxf));      /* nothing before the flush */
    ck_assert(netif_rx_flush(&back));
    ck_assert_mem_eq(pages[10], a, sizeof(a));
    ck_assert_mem_eq(pages[11], b, sizeof(b));
    r = *RING_GET_RESPONSE(&rxf, rxf.rsp_cons++);
    ck_assert_uint_eq(r.id, 5);
    ck_assert_int_eq(r.status, 60);
    ck_assert_uint_eq(r.offset, 0);
    r = *RING_GET_RESPONSE(&rxf, rxf.rsp_cons++);
    ck_assert_uint_eq(r.id, 6);
    ck_assert_int_eq(r.status, 1514);
    ck_assert_uint_eq(back.rx_packets, 2);
    ck_assert(!netif_rx_flush(&back));                    /* nothing new */
}
END_TEST

START_TEST(rx_bad_grant_answered)
{
    uint8_t a[100] = { 1 };

    rx_post(1, 3);
    rx_post(2, FIRST_REF);
    ck_assert(netif_rx_queue(&back, a, sizeof(a)));
    ck_assert(netif_rx_queue(&back, a, sizeof(a)));
    netif_rx_flush(&back);
    ck_assert_int_eq(RING_GET_RESPONSE(&rxf, 0)->status, NETIF_RSP_ERROR);
    ck_assert_int_eq(RING_GET_RESPONSE(&rxf, 1)->status, 100);
    ck_assert_uint_eq(back.rx_errors, 1);
    ck_assert_uint_eq(back.rx_packets, 1);
}
END_TEST

START_TEST(rx_queue_flushes_when_full)
{
    static uint8_t frame[100];

    for (unsigned int i = 0; i < NETIF_BATCH + 10; i++)
        rx_post((uint16_t)i, FIRST_REF + i % NR_PAGES);
    for (unsigned int i = 0; i < NETIF_BATCH + 10; i++)
        ck_assert(netif_rx_queue(&back, frame, sizeof(frame)));
    ck_assert_uint_eq(calls, 1);
    ck_assert(netif_rx_flush(&back));
    ck_assert_uint_eq(calls, 2);
    ck_assert_uint_eq(back.rx_packets, NETIF_BATCH + 10);
    for (unsigned int i = 0; i < NETIF_BATCH + 10; i++)
        ck_assert_uint_eq(RING_GET_RESPONSE(&rxf, i)->id, i);
}
END_TEST

START_TEST(rx_garbage_prod_breaks)
{
    uint8_t a[100] = { 0 };

    rx_shared.s.req_prod = 300;
    ck_assert(!netif_rx_queue(&back, a, sizeof(a)));
    ck_assert(back.broken);
    ck_assert_uint_eq(calls, 0);
    rx_shared.s.req_prod = 1;
    ck_assert(!netif_rx_queue(&back, a, sizeof(a)));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("netif_serve");
    TCase *tc = tcase_create("rings");
    SRunner *sr;
    int failed;

    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, tx_frames_copied);
    tcase_add_test(tc, tx_bad_requests_refused);
    tcase_add_test(tc, tx_copy_call_fails);
    tcase_add_test(tc, tx_batches);
    tcase_add_test(tc, tx_garbage_prod_breaks);
    tcase_add_test(tc, tx_prod_behind_cons_breaks);
    tcase_add_test(tc, rx_frames_delivered);
    tcase_add_test(tc, rx_bad_grant_answered);
    tcase_add_test(tc, rx_queue_flushes_when_full);
    tcase_add_test(tc, rx_garbage_prod_breaks);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
