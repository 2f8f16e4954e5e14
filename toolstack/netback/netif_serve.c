/*
 * Serving a vif's rings (netif_serve.h).  Linux's netback is the model
 * for the answers: a tx request the backend cannot use is answered
 * NETIF_RSP_ERROR and dropped, an rx frame with no buffer posted is
 * dropped, and a frontend whose producer index runs more than a ring
 * ahead of the responses (or back behind what was taken) is
 * disconnected.
 */
#include <string.h>

#include "netif_serve.h"

#define PAGE 4096u

/* One slot, the whole frame, inside its page; flags we did not offer refused. */
static bool tx_request_valid(const struct netif_tx_request *rq)
{
    if (rq->flags & (NETTXF_more_data | NETTXF_extra_info))
        return false;
    if (rq->size < NETIF_ETH_HLEN || rq->size > NETIF_FRAME_MAX)
        return false;
    return rq->offset < PAGE && rq->size <= PAGE - rq->offset;
}

static void tx_respond(struct netif_backend *b, uint16_t id, int16_t status)
{
    struct netif_tx_response *r = RING_GET_RESPONSE(&b->tx, b->tx.rsp_prod_pvt);

    r->id = id;
    r->status = status;
    b->tx.rsp_prod_pvt++;
    if (status == NETIF_RSP_OKAY)
        b->tx_packets++;
    else
        b->tx_errors++;
}

unsigned int netif_tx_take(struct netif_backend *b, struct netif_frame *frames,
                           unsigned int max, bool *notify, bool *more)
{
    struct netif_copy copy[NETIF_BATCH];
    uint16_t ids[NETIF_BATCH];
    int frame_of[NETIF_BATCH];             /* per request: its copy, or -1 */
    unsigned int nreq = 0, ncopy = 0, nframes = 0;
    RING_IDX prod;
    int work = 0, push = 0;

    *notify = *more = false;
    if (b->broken)
        return 0;
    if (max > NETIF_BATCH)
        max = NETIF_BATCH;
    prod = b->tx.sring->req_prod;
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    if (RING_REQUEST_PROD_OVERFLOW(&b->tx, prod) || prod - b->tx.req_cons > RING_SIZE(&b->tx)) {
        b->broken = true;
        return 0;
    }
    for (; b->tx.req_cons != prod && nreq < max; b->tx.req_cons++, nreq++) {
        struct netif_tx_request rq = *RING_GET_REQUEST(&b->tx, b->tx.req_cons);

        __atomic_signal_fence(__ATOMIC_SEQ_CST);   /* one read of the slot */
        ids[nreq] = rq.id;
        frame_of[nreq] = -1;
        if (!tx_request_valid(&rq))
            continue;
        copy[ncopy] = (struct netif_copy){ .ref = rq.gref, .offset = rq.offset,
                                           .len = rq.size, .local = frames[ncopy].data };
        frames[ncopy].len = rq.size;
        frame_of[nreq] = (int)ncopy++;
    }
    if (ncopy && b->ops.copy(b->ops.ctx, b->domid, copy, ncopy))
        for (unsigned int i = 0; i < ncopy; i++)
            copy[i].status = GNTST_general_error;
    /* Frames whose copy failed are squeezed out; the rest keep their order. */
    for (unsigned int i = 0; i < nreq; i++) {
        int f = frame_of[i];

        if (f < 0 || copy[f].status != GNTST_okay) {
            tx_respond(b, ids[i], NETIF_RSP_ERROR);
            continue;
        }
        if ((unsigned int)f != nframes)
            memcpy(&frames[nframes], &frames[f], sizeof(frames[0]));
        nframes++;
        tx_respond(b, ids[i], NETIF_RSP_OKAY);
    }
    if (nreq)
        RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&b->tx, push);
    RING_FINAL_CHECK_FOR_REQUESTS(&b->tx, work);
    *notify = push;
    *more = work;
    return nframes;
}

bool netif_rx_flush(struct netif_backend *b)
{
    bool notify;
    int push = 0;

    if (b->rx_queued && b->ops.copy(b->ops.ctx, b->domid, b->rx_copy, b->rx_queued))
        for (unsigned int i = 0; i < b->rx_queued; i++)
            b->rx_copy[i].status = GNTST_general_error;
    for (unsigned int i = 0; i < b->rx_queued; i++) {
        struct netif_rx_response *r = RING_GET_RESPONSE(&b->rx, b->rx.rsp_prod_pvt);
        bool ok = b->rx_copy[i].status == GNTST_okay;

        r->id = b->rx_id[i];
        r->offset = 0;
        r->flags = 0;
        r->status = ok ? (int16_t)b->rx_copy[i].len : NETIF_RSP_ERROR;
        b->rx.rsp_prod_pvt++;
        if (ok)
            b->rx_packets++;
        else
            b->rx_errors++;
    }
    if (b->rx_queued)
        RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&b->rx, push);
    b->rx_queued = 0;
    notify = b->rx_notify || push;
    b->rx_notify = false;
    return notify;
}

bool netif_rx_queue(struct netif_backend *b, const uint8_t *frame, uint16_t len)
{
    struct netif_rx_request rq;
    RING_IDX prod;

    if (b->broken)
        return false;
    if (b->rx_queued == NETIF_BATCH)
        b->rx_notify = netif_rx_flush(b);
    prod = b->rx.sring->req_prod;
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    if (RING_REQUEST_PROD_OVERFLOW(&b->rx, prod) || prod - b->rx.req_cons > RING_SIZE(&b->rx)) {
        b->broken = true;
        return false;
    }
    /* Queued requests are consumed but not yet answered. */
    if (b->rx.req_cons == prod || len > NETIF_FRAME_MAX) {
        b->rx_dropped++;
        return false;
    }
    rq = *RING_GET_REQUEST(&b->rx, b->rx.req_cons);
    __atomic_signal_fence(__ATOMIC_SEQ_CST);
    b->rx.req_cons++;
    b->rx_id[b->rx_queued] = rq.id;
    b->rx_copy[b->rx_queued++] = (struct netif_copy){ .ref = rq.gref, .len = len,
        .local = (void *)frame, .to_guest = true };
    return true;
}
