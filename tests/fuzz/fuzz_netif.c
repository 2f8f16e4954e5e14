/*
 * libFuzzer target: a hostile network frontend's tx and rx ring pages,
 * served by dom0's network backend (toolstack/netback/netif_serve.c).
 * The input's first 8 bytes steer the backend (packets per tx call,
 * which grant copies fail, how many frames go to the guest and how
 * long, whether some tx slots end right at their page's end, a byte
 * before or a byte after: edges a mutation seldom hits), then come the
 * tx ring page and the rx ring page as the frontend
 * left them: any indices, any requests.  The fake grant copy checks every
 * copy the backend asks for: the frontend's domain, at most NETIF_BATCH
 * per call, inside one granted page, into (tx) or out of (rx) the
 * backend's own buffer and no further (each is allocated to its exact
 * size, so ASan sees an overrun).  After each call: every slot taken is
 * answered, never more; frames handed up are whole Ethernet frames; an
 * rx response's length is its frame's.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "netif_serve.h"

#define FRONTEND   5
#define PAGE       4096
#define HDR        8
#define RX_FRAMES  (2 * NETIF_BATCH + 8)   /* enough to fill the queue twice */
#define TX_CALLS   8

static uint8_t fail_mask;           /* copy i fails if bit (i % 8) is set */
static unsigned int copies;
static struct netif_frame *tx_frames;
static unsigned int tx_max;
static uint8_t *rx_buf[RX_FRAMES];
static uint16_t rx_len[RX_FRAMES];
static unsigned int rx_given;

/* Is [p, p + len) inside one of the buffers the backend owns? */
static bool local_ok(const struct grant_copy *c)
{
    const uint8_t *p = c->local;

    if (c->to_guest) {
        for (unsigned int i = 0; i < rx_given; i++)
            if (p == rx_buf[i])
                return c->len <= rx_len[i];
        return false;
    }
    for (unsigned int i = 0; i < tx_max; i++) {
        const uint8_t *d = tx_frames[i].data;

        if (p >= d && p <= d + NETIF_FRAME_MAX)
            return c->len <= d + NETIF_FRAME_MAX - p;
    }
    return false;
}

static int fake_copy(void *ctx, uint16_t domid, struct grant_copy *c, unsigned int n)
{
    uint8_t *page = malloc(PAGE);

    (void)ctx;
    if (!page)
        abort();
    if (domid != FRONTEND || n == 0 || n > NETIF_BATCH)
        __builtin_trap();
    for (unsigned int i = 0; i < n; i++, copies++) {
        if (c[i].offset + c[i].len > PAGE || !local_ok(&c[i]))
            __builtin_trap();
        if (fail_mask & (1u << (copies % 8))) {
            c[i].status = GNTST_bad_gntref;
            continue;
        }
        if (c[i].to_guest)
            memcpy(page + c[i].offset, c[i].local, c[i].len);
        else
            memset(c[i].local, (int)(c[i].ref ^ copies), c[i].len);
        c[i].status = GNTST_okay;
    }
    free(page);
    return fail_mask == 0xff ? -1 : 0;
}

static union {
    netif_tx_sring_t s;
    uint8_t page[PAGE];
} tx_shared;

static union {
    netif_rx_sring_t s;
    uint8_t page[PAGE];
} rx_shared;

/* Every fourth tx slot (from a phase the input picks) gets the offset
 * that ends its part at the page's end, one byte before or one after. */
static void snap_to_page_end(uint8_t how)
{
    for (unsigned int i = (how >> 1) % 4; i < NET_TX_RING_SIZE(PAGE); i += 4) {
        netif_tx_request_t *rq = &tx_shared.s.ring[i].req;

        rq->offset = (uint16_t)(PAGE - rq->size % PAGE + i % 3 - 1);
    }
}

/* Ring slots the backend took from the frontend and has not answered. */
static void check_answered(const struct netif_backend *b)
{
    if (b->broken)
        return;
    if (b->tx.rsp_prod_pvt != b->tx.req_cons)
        __builtin_trap();
    if (b->rx.rsp_prod_pvt + b->rx_queued != b->rx.req_cons)
        __builtin_trap();
}

static void serve_tx(struct netif_backend *b)
{
    for (unsigned int call = 0; call < TX_CALLS; call++) {
        RING_IDX before = b->tx.req_cons;
        unsigned long answered = b->tx_packets + b->tx_errors;
        bool notify, more;
        unsigned int n = netif_tx_take(b, tx_frames, tx_max, &notify, &more);

        if (n > tx_max || (b->broken && n))
            __builtin_trap();
        for (unsigned int i = 0; i < n; i++)
            if (tx_frames[i].len < NETIF_ETH_HLEN || tx_frames[i].len > NETIF_FRAME_MAX)
                __builtin_trap();
        /* A packet is at least one slot; a frame needs its packet. */
        if (b->tx_packets + b->tx_errors - answered > b->tx.req_cons - before ||
            b->tx_packets + b->tx_errors - answered < n)
            __builtin_trap();
        check_answered(b);
        if (!more || b->broken)
            break;
    }
}

static void serve_rx(struct netif_backend *b, const uint8_t *lens, unsigned int nframes)
{
    RING_IDX first = b->rx.rsp_prod_pvt;
    unsigned long ok = b->rx_packets;

    rx_given = 0;
    for (unsigned int i = 0; i < nframes; i++) {
        rx_len[i] = (uint16_t)(1 + (lens[i % 4] * 37u + i * 11u) % (NETIF_FRAME_MAX + 8));
        rx_buf[i] = malloc(rx_len[i]);
        if (!rx_buf[i])
            abort();
        memset(rx_buf[i], (int)i, rx_len[i]);
        rx_given = i + 1;
        netif_rx_queue(b, rx_buf[i], rx_len[i]);
        check_answered(b);
    }
    netif_rx_flush(b);
    if (b->rx_queued)
        __builtin_trap();
    check_answered(b);
    /* Each good response carries a length some frame had. */
    for (RING_IDX i = first; !b->broken && i != b->rx.rsp_prod_pvt; i++) {
        const struct netif_rx_response *r = RING_GET_RESPONSE(&b->rx, i);
        bool known = r->status == NETIF_RSP_ERROR;

        for (unsigned int k = 0; !known && k < nframes; k++)
            known = r->status == rx_len[k];
        if (!known || r->offset || (r->status > 0 && r->status > NETIF_FRAME_MAX))
            __builtin_trap();
    }
    if (b->rx_packets - ok > nframes)
        __builtin_trap();
    for (unsigned int i = 0; i < nframes; i++)
        free(rx_buf[i]);
    rx_given = 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct netif_backend b;
    size_t tx_len, rx_len_bytes;

    if (size < HDR)
        return 0;
    memset(&b, 0, sizeof(b));
    b.domid = FRONTEND;
    b.ops = (struct grant_copy_ops){ fake_copy, NULL };
    tx_max = 1 + data[0] % (NETIF_BATCH + 4);     /* above the batch too */
    fail_mask = data[1];
    copies = 0;
    tx_frames = malloc(tx_max * sizeof(*tx_frames));
    if (!tx_frames)
        abort();

    memset(&tx_shared, 0, sizeof(tx_shared));
    memset(&rx_shared, 0, sizeof(rx_shared));
    tx_len = size - HDR < PAGE ? size - HDR : PAGE;
    memcpy(tx_shared.page, data + HDR, tx_len);
    rx_len_bytes = size - HDR - tx_len < PAGE ? size - HDR - tx_len : PAGE;
    memcpy(rx_shared.page, data + HDR + tx_len, rx_len_bytes);
    if (data[7] & 1)
        snap_to_page_end(data[7]);
    BACK_RING_INIT(&b.tx, &tx_shared.s, PAGE);
    BACK_RING_INIT(&b.rx, &rx_shared.s, PAGE);

    serve_tx(&b);
    serve_rx(&b, data + 3, data[2] % RX_FRAMES);

    free(tx_frames);
    return 0;
}
