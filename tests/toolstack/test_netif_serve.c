/*
 * netback's ring handling (toolstack/netback/netif_serve.c) on rings in
 * memory with a fake grant copy (refs 100..163 are pages of a fake
 * frontend, domain 7; any other ref fails with GNTST_bad_gntref): frames
 * copied out of tx requests (one slot or several) and into rx buffers
 * exactly, and every hostile request a frontend can make answered with an
 * error without a copy, or (garbage indices) ending the connection.
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

static int fake_copy(void *ctx, uint16_t domid, struct grant_copy *c, unsigned int n)
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
    back.ops = (struct grant_copy_ops){ fake_copy, NULL };
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

/* An extra-info slot (type, XEN_NETIF_EXTRA_FLAG_MORE or not). */
static void tx_put_extra(uint8_t type, uint8_t flags)
{
    struct netif_extra_info x = { .type = type, .flags = flags };

    memcpy(RING_GET_REQUEST(&txf, txf.req_prod_pvt++), &x, sizeof(x));
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
    tx_put(FIRST_REF + 2, 2048, 1514, NETTXF_data_validated, 12);
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

/*
 * Linux's netfront splits a buffer that crosses a page into slots even
 * without feature-sg: the first request's size is the packet's, each
 * later one carries its own part, the first what is left.
 */
START_TEST(tx_multi_slot_frames)
{
    uint8_t want[1000];
    bool notify, more;

    tx_put(FIRST_REF + 1, 4096 - 400, 1000, NETTXF_more_data | NETTXF_data_validated, 21);
    tx_put(FIRST_REF + 2, 0, 500, NETTXF_more_data, 22);
    tx_put(FIRST_REF + 3, 64, 100, 0, 23);
    tx_put(FIRST_REF + 4, 0, 60, 0, 24);                  /* a single slot after it */
    tx_push();
    ck_assert_uint_eq(take(&notify, &more), 2);
    ck_assert(!more);
    memcpy(want, pages[1] + 4096 - 400, 400);
    memcpy(want + 400, pages[2], 500);
    memcpy(want + 900, pages[3] + 64, 100);
    ck_assert_uint_eq(frames[0].len, 1000);
    ck_assert_mem_eq(frames[0].data, want, 1000);
    ck_assert_uint_eq(frames[1].len, 60);
    ck_assert_mem_eq(frames[1].data, pages[4], 60);
    ck_assert_uint_eq(copies, 4);
    ck_assert_uint_eq(calls, 1);
    for (uint16_t id = 21; id <= 24; id++) {
        struct netif_tx_response r = tx_response();

        ck_assert_uint_eq(r.id, id);
        ck_assert_int_eq(r.status, NETIF_RSP_OKAY);
    }
    ck_assert_uint_eq(back.tx_packets, 2);
    ck_assert_uint_eq(back.tx_multislot, 1);
    ck_assert_uint_eq(back.tx_csum, 0);
}
END_TEST

/* Bad chains: every slot answered (extras NETIF_RSP_NULL), nothing copied. */
START_TEST(tx_bad_chains_refused)
{
    bool notify, more;
    uint16_t id = 0;

    /* A later part larger than what the first request left. */
    tx_put(FIRST_REF, 0, 100, NETTXF_more_data, id++);
    tx_put(FIRST_REF, 0, 101, 0, id++);
    /* A later part past its page. */
    tx_put(FIRST_REF, 0, 300, NETTXF_more_data, id++);
    tx_put(FIRST_REF, 4000, 200, 0, id++);
    /* The first request's own part (size minus the rest) past its page. */
    tx_put(FIRST_REF, 4000, 300, NETTXF_more_data, id++);
    tx_put(FIRST_REF, 0, 100, 0, id++);
    /* More slots than a frontend may use (NETIF_TX_SLOTS_MAX). */
    tx_put(FIRST_REF, 0, 1000, NETTXF_more_data, id++);
    for (unsigned int i = 0; i < NETIF_TX_SLOTS_MAX; i++)
        tx_put(FIRST_REF, 0, 10, i + 1 < NETIF_TX_SLOTS_MAX ? NETTXF_more_data : 0, id++);
    /* Extras (none offered): two GSO slots, then a second part. */
    tx_put(FIRST_REF, 0, 200, NETTXF_extra_info | NETTXF_more_data, id++);
    tx_put_extra(XEN_NETIF_EXTRA_TYPE_GSO, XEN_NETIF_EXTRA_FLAG_MORE);
    tx_put_extra(XEN_NETIF_EXTRA_TYPE_MCAST_ADD, 0);
    tx_put(FIRST_REF, 0, 50, 0, id++);
    tx_put(FIRST_REF + 5, 0, 60, 0, id++);                /* and a good one after */
    tx_push();
    ck_assert_uint_eq(take(&notify, &more), 1);
    ck_assert_mem_eq(frames[0].data, pages[5], 60);
    ck_assert_uint_eq(copies, 1);
    for (uint16_t i = 0; i + 3 < id; i++) {
        struct netif_tx_response r = tx_response();

        ck_assert_uint_eq(r.id, i);
        ck_assert_int_eq(r.status, NETIF_RSP_ERROR);
    }
    ck_assert_int_eq(tx_response().status, NETIF_RSP_ERROR);    /* the extras' first */
    ck_assert_int_eq(tx_response().status, NETIF_RSP_NULL);
    ck_assert_int_eq(tx_response().status, NETIF_RSP_NULL);
    ck_assert_uint_eq(tx_response().id, id - 2);
    ck_assert_int_eq(tx_response().status, NETIF_RSP_OKAY);
    ck_assert(!RING_HAS_UNCONSUMED_RESPONSES(&txf));
    ck_assert_uint_eq(back.tx_errors, 5);
    ck_assert_uint_eq(back.tx_packets, 1);
    ck_assert(!back.broken);
}
END_TEST

/* One bad copy fails its whole packet. */
START_TEST(tx_chain_bad_grant)
{
    bool notify, more;

    tx_put(FIRST_REF, 0, 200, NETTXF_more_data, 1);
    tx_put(3, 0, 100, 0, 2);
    tx_push();
    ck_assert_uint_eq(take(&notify, &more), 0);
    ck_assert_int_eq(tx_response().status, NETIF_RSP_ERROR);
    ck_assert_int_eq(tx_response().status, NETIF_RSP_ERROR);
    ck_assert_uint_eq(back.tx_errors, 1);
}
END_TEST

/* A packet whose slots run past the producer: the slots there are answered with errors. */
START_TEST(tx_chain_past_prod_refused)
{
    bool notify, more;

    tx_put(FIRST_REF, 0, 60, 0, 1);
    tx_put(FIRST_REF, 0, 200, NETTXF_more_data, 2);
    tx_put(FIRST_REF, 0, 100, NETTXF_more_data, 3);
    tx_push();
    ck_assert_uint_eq(take(&notify, &more), 1);
    ck_assert(!back.broken);
    ck_assert_uint_eq(copies, 1);
    ck_assert_int_eq(tx_response().status, NETIF_RSP_OKAY);
    ck_assert_uint_eq(tx_response().id, 2);
    ck_assert_int_eq(RING_GET_RESPONSE(&txf, txf.rsp_cons - 1)->status, NETIF_RSP_ERROR);
    ck_assert_uint_eq(tx_response().id, 3);
    ck_assert_int_eq(RING_GET_RESPONSE(&txf, txf.rsp_cons - 1)->status, NETIF_RSP_ERROR);
    ck_assert(!RING_HAS_UNCONSUMED_RESPONSES(&txf));
    /* Extras running past it too; the ring goes on after. */
    tx_put(FIRST_REF, 0, 60, NETTXF_extra_info, 4);
    tx_put_extra(XEN_NETIF_EXTRA_TYPE_GSO, XEN_NETIF_EXTRA_FLAG_MORE);
    tx_push();
    ck_assert_uint_eq(take(&notify, &more), 0);
    ck_assert_uint_eq(tx_response().id, 4);
    ck_assert_int_eq(RING_GET_RESPONSE(&txf, txf.rsp_cons - 1)->status, NETIF_RSP_ERROR);
    ck_assert_int_eq(tx_response().status, NETIF_RSP_NULL);
    tx_put(FIRST_REF + 1, 0, 60, 0, 5);
    tx_push();
    ck_assert_uint_eq(take(&notify, &more), 1);
    ck_assert_mem_eq(frames[0].data, pages[1], 60);
    ck_assert_int_eq(tx_response().status, NETIF_RSP_OKAY);
    ck_assert_uint_eq(back.tx_errors, 2);
    ck_assert(!back.broken);
}
END_TEST

/* A packet's copies go in one call: one that does not fit waits for the next. */
START_TEST(tx_chain_waits_for_room)
{
    bool notify, more;
    uint16_t id = 0;

    for (; id < NETIF_BATCH - 4; id++)
        tx_put(FIRST_REF + id % NR_PAGES, 0, 60, 0, id);
    tx_put(FIRST_REF, 0, 1000, NETTXF_more_data, id++);
    for (unsigned int i = 1; i < NETIF_TX_SLOTS_MAX; i++)
        tx_put(FIRST_REF + i, 0, 50, i + 1 < NETIF_TX_SLOTS_MAX ? NETTXF_more_data : 0, id++);
    tx_push();
    ck_assert_uint_eq(take(&notify, &more), NETIF_BATCH - 4);
    ck_assert(more);
    ck_assert_uint_eq(take(&notify, &more), 1);
    ck_assert(!more);
    ck_assert_uint_eq(frames[0].len, 1000);
    ck_assert_mem_eq(frames[0].data + 1000 - 50, pages[NETIF_TX_SLOTS_MAX - 1], 50);
    for (uint16_t i = 0; i < id; i++)
        ck_assert_int_eq(tx_response().status, NETIF_RSP_OKAY);
    ck_assert_uint_eq(back.tx_packets, NETIF_BATCH - 3);
}
END_TEST

/*
 * An Ethernet + IPv4 (10.0.1.1 -> 10.0.1.2) frame at the start of page
 * `page` with an L4 segment of proto; its checksum field holds junk, as
 * a blank one may.  Returns the frame's length.
 */
static uint16_t ipv4_frame(unsigned int page, uint8_t proto, const uint8_t *l4, uint16_t l4len)
{
    static const uint8_t head[] = {
        0x00, 0x16, 0x3e, 0x50, 0x00, 0x02, 0x00, 0x16, 0x3e, 0x4c, 0x00, 0x01, 0x08, 0x00,
        0x45, 0x00, 0x00, 0x00, 0x12, 0x34, 0x40, 0x00, 0x40, 0x00, 0x00, 0x00,
        10, 0, 1, 1, 10, 0, 1, 2 };
    uint8_t *f = pages[page];

    memcpy(f, head, sizeof(head));
    f[16] = (uint8_t)((20 + l4len) >> 8);
    f[17] = (uint8_t)(20 + l4len);
    f[23] = proto;
    memcpy(f + sizeof(head), l4, l4len);
    return (uint16_t)(sizeof(head) + l4len);
}

/* NETTXF_csum_blank: TCP and UDP checksums completed (values from an
 * independent computation), frames with no checksum to complete refused. */
START_TEST(tx_csum_blank_completed)
{
    static const uint8_t udp[] = { 0x04, 0xd2, 0x16, 0x2e, 0x00, 0x0d, 0xaa, 0xbb,
                                   'h', 'e', 'r', 'o', 'n' };
    static const uint8_t tcp[] = { 0x9c, 0x40, 0x00, 0x50, 0, 0, 0, 1, 0, 0, 0, 0,
                                   0x50, 0x18, 0x02, 0x00, 0xde, 0xad, 0x00, 0x00,
                                   'h', 'e', 'r', 'o', 'n', '!' };
    uint16_t ulen = ipv4_frame(1, 17, udp, sizeof(udp)), tlen = ipv4_frame(2, 6, tcp, sizeof(tcp));
    uint16_t flen, shortlen, icmplen;
    bool notify, more;

    flen = ipv4_frame(3, 17, udp, sizeof(udp));
    pages[3][20] = 0x20;                              /* more fragments */
    shortlen = ipv4_frame(4, 6, tcp, 19);             /* no room for a TCP header */
    icmplen = ipv4_frame(5, 1, udp, sizeof(udp));
    pages[6][12] = 0x08;                              /* ARP */
    pages[6][13] = 0x06;
    tx_put(FIRST_REF + 1, 0, ulen, NETTXF_csum_blank | NETTXF_data_validated, 1);
    /* TCP split over two slots, the checksum field in the second. */
    tx_put(FIRST_REF + 2, 0, tlen, NETTXF_csum_blank | NETTXF_more_data, 2);
    tx_put(FIRST_REF + 7, 0, tlen - 40, 0, 3);
    memcpy(pages[7], pages[2] + 40, tlen - 40u);
    tx_put(FIRST_REF + 3, 0, flen, NETTXF_csum_blank, 4);
    tx_put(FIRST_REF + 4, 0, shortlen, NETTXF_csum_blank, 5);
    tx_put(FIRST_REF + 5, 0, icmplen, NETTXF_csum_blank, 6);
    tx_put(FIRST_REF + 6, 0, 60, NETTXF_csum_blank, 7);
    tx_put(FIRST_REF + 1, 0, (uint16_t)(ulen + 10), NETTXF_csum_blank, 8);  /* IP length short */
    tx_push();
    ck_assert_uint_eq(take(&notify, &more), 3);
    ck_assert_uint_eq(frames[0].len, ulen);
    ck_assert_uint_eq(frames[0].data[40], 0x85);
    ck_assert_uint_eq(frames[0].data[41], 0xfc);
    ck_assert_mem_eq(frames[0].data, pages[1], 40);    /* nothing else changed */
    ck_assert_mem_eq(frames[0].data + 42, pages[1] + 42, ulen - 42u);
    ck_assert_uint_eq(frames[1].len, tlen);
    ck_assert_uint_eq(frames[1].data[50], 0xb2);
    ck_assert_uint_eq(frames[1].data[51], 0x3c);
    ck_assert_mem_eq(frames[1].data + 52, pages[2] + 52, tlen - 52u);
    ck_assert_uint_eq(frames[2].len, ulen + 10);       /* IP says less than the frame: padding */
    ck_assert_uint_eq(frames[2].data[40], 0x85);
    ck_assert_uint_eq(frames[2].data[41], 0xfc);
    ck_assert_int_eq(tx_response().status, NETIF_RSP_OKAY);
    ck_assert_int_eq(tx_response().status, NETIF_RSP_OKAY);
    ck_assert_int_eq(tx_response().status, NETIF_RSP_OKAY);
    for (uint16_t id = 4; id <= 7; id++) {
        struct netif_tx_response r = tx_response();

        ck_assert_uint_eq(r.id, id);
        ck_assert_int_eq(r.status, NETIF_RSP_ERROR);
    }
    ck_assert_int_eq(tx_response().status, NETIF_RSP_OKAY);
    ck_assert_uint_eq(back.tx_errors, 4);
    ck_assert_uint_eq(back.tx_csum, 3);
    ck_assert_uint_eq(back.tx_multislot, 1);
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
    tcase_add_test(tc, tx_multi_slot_frames);
    tcase_add_test(tc, tx_bad_chains_refused);
    tcase_add_test(tc, tx_chain_bad_grant);
    tcase_add_test(tc, tx_chain_past_prod_refused);
    tcase_add_test(tc, tx_chain_waits_for_room);
    tcase_add_test(tc, tx_csum_blank_completed);
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
