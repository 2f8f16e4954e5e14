/*
 * Serving a vif's rings (netif_serve.h).  Linux's netback is the model
 * for the answers: every slot of a tx packet the backend cannot use is
 * answered NETIF_RSP_ERROR (extra-info slots NETIF_RSP_NULL) and the
 * packet dropped, an rx frame with no buffer posted is dropped, and a
 * frontend whose producer index runs more than a ring ahead of the
 * responses (or back behind what was taken) is disconnected.
 */
#include <stddef.h>
#include <string.h>

#include "netif_serve.h"

#define PAGE 4096u

/*
 * One packet as the frontend put it on the ring: its first request, the
 * extra-info slots that follow it, then the requests that carry the rest
 * of its bytes (NETTXF_more_data on every one but the last).
 */
struct tx_chain {
    struct netif_tx_request rq[NET_TX_RING_SIZE(PAGE)];   /* first, then the rest */
    unsigned int nrq, nextra;
};

/*
 * Reads the chain at cons (each slot once).  False if it runs past prod
 * (c then holds the slots up to prod): a frontend pushes whole packets,
 * so the slots are answered with an error.  (Linux's netback goes
 * further and disconnects the vif; here garbage indices alone do.)
 */
static bool tx_chain_read(struct netif_backend *b, RING_IDX cons, RING_IDX prod,
                          struct tx_chain *c)
{
    bool more;

    c->nrq = c->nextra = 0;
    c->rq[c->nrq++] = *RING_GET_REQUEST(&b->tx, cons++);
    __atomic_signal_fence(__ATOMIC_SEQ_CST);
    more = c->rq[0].flags & NETTXF_extra_info;
    while (more) {
        struct netif_extra_info x;

        if (cons == prod)
            return false;
        memcpy(&x, RING_GET_REQUEST(&b->tx, cons++), sizeof(x));
        __atomic_signal_fence(__ATOMIC_SEQ_CST);
        c->nextra++;
        more = x.flags & XEN_NETIF_EXTRA_FLAG_MORE;
    }
    more = c->rq[0].flags & NETTXF_more_data;
    while (more) {
        if (cons == prod)
            return false;
        c->rq[c->nrq] = *RING_GET_REQUEST(&b->tx, cons++);
        __atomic_signal_fence(__ATOMIC_SEQ_CST);
        more = c->rq[c->nrq++].flags & NETTXF_more_data;
    }
    return true;
}

/*
 * The packet's size is the first request's; each later request holds
 * its own part, the first one what is left (Xen's netif.h).  Every part
 * inside its page, no extras (we offered none), no more slots than a
 * frontend may use without asking, and the whole a frame we can bridge.
 */
static bool tx_chain_valid(const struct tx_chain *c)
{
    unsigned int left = c->rq[0].size;

    if (c->nextra || c->nrq > NETIF_TX_SLOTS_MAX)
        return false;
    if (left < NETIF_ETH_HLEN || left > NETIF_FRAME_MAX)
        return false;
    for (unsigned int i = 1; i < c->nrq; i++) {
        const struct netif_tx_request *rq = &c->rq[i];

        if (rq->size > left || rq->offset >= PAGE || rq->size > PAGE - rq->offset)
            return false;
        left -= rq->size;
    }
    return c->rq[0].offset < PAGE && left <= PAGE - c->rq[0].offset;
}

static uint32_t csum_add(uint32_t sum, const uint8_t *p, unsigned int len)
{
    for (; len > 1; p += 2, len -= 2)
        sum += (uint32_t)p[0] << 8 | p[1];
    if (len)
        sum += (uint32_t)p[0] << 8;
    return sum;
}

/*
 * NETTXF_csum_blank: the frontend left the TCP or UDP checksum to us (a
 * Linux frontend always may, for IPv4: its netfront keeps NETIF_F_IP_CSUM
 * whatever the backend offers).  Receivers get complete frames, so it is
 * computed here, from scratch over the pseudo-header and the segment.
 * False if the frame is not an unfragmented IPv4 TCP or UDP packet whose
 * lengths hold together: there is no checksum we could complete.
 */
static bool tx_csum_complete(uint8_t *f, uint16_t len)
{
    uint8_t *ip = f + NETIF_ETH_HLEN, *l4, pseudo[4];
    unsigned int ihl, total, l4len, at;
    uint32_t sum;

    if (len < NETIF_ETH_HLEN + 20 || f[12] != 0x08 || f[13] != 0x00 || ip[0] >> 4 != 4)
        return false;
    ihl = (ip[0] & 0xfu) * 4;
    total = (unsigned int)ip[2] << 8 | ip[3];
    if (ihl < 20 || total < ihl || total > len - (unsigned int)NETIF_ETH_HLEN)
        return false;
    if ((ip[6] & 0x3f) || ip[7])           /* more fragments, or not the first */
        return false;
    l4 = ip + ihl;
    l4len = total - ihl;
    if (ip[9] == 6 && l4len >= 20)
        at = 16;
    else if (ip[9] == 17 && l4len >= 8)
        at = 6;
    else
        return false;
    l4[at] = l4[at + 1] = 0;
    pseudo[0] = 0;
    pseudo[1] = ip[9];
    pseudo[2] = (uint8_t)(l4len >> 8);
    pseudo[3] = (uint8_t)l4len;
    sum = csum_add(csum_add(csum_add(0, ip + 12, 8), pseudo, 4), l4, l4len);
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    sum = ~sum & 0xffff;
    if (ip[9] == 17 && !sum)
        sum = 0xffff;                      /* UDP's "no checksum" is 0 */
    l4[at] = (uint8_t)(sum >> 8);
    l4[at + 1] = (uint8_t)sum;
    return true;
}

/* Answers a chain's slots (extras with NETIF_RSP_NULL) and counts the packet. */
static void tx_respond(struct netif_backend *b, const struct tx_chain *c, int16_t status)
{
    struct netif_tx_response *r = RING_GET_RESPONSE(&b->tx, b->tx.rsp_prod_pvt++);

    r->id = c->rq[0].id;
    r->status = status;
    for (unsigned int i = 0; i < c->nextra; i++) {
        r = RING_GET_RESPONSE(&b->tx, b->tx.rsp_prod_pvt++);
        r->id = 0;
        r->status = NETIF_RSP_NULL;
    }
    for (unsigned int i = 1; i < c->nrq; i++) {
        r = RING_GET_RESPONSE(&b->tx, b->tx.rsp_prod_pvt++);
        r->id = c->rq[i].id;
        r->status = status;
    }
    if (status == NETIF_RSP_OKAY)
        b->tx_packets++;
    else
        b->tx_errors++;
}

unsigned int netif_tx_take(struct netif_backend *b, struct netif_frame *frames,
                           unsigned int max, bool *notify, bool *more)
{
    static struct tx_chain chains[NETIF_BATCH];
    struct grant_copy copy[NETIF_BATCH];
    int first_copy[NETIF_BATCH];           /* per chain: its first copy, or -1 */
    unsigned int nchain = 0, ncopy = 0, nframes = 0;
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
    while (b->tx.req_cons != prod && nchain < max) {
        struct tx_chain *c = &chains[nchain];
        bool whole = tx_chain_read(b, b->tx.req_cons, prod, c);
        uint16_t at = 0;

        first_copy[nchain] = -1;
        if (whole && tx_chain_valid(c)) {
            /* A packet's copies go in one call: it waits for the next if they do not fit. */
            if (ncopy + c->nrq > NETIF_BATCH)
                break;
            first_copy[nchain] = (int)ncopy;
            frames[nchain].len = c->rq[0].size;
            for (unsigned int i = c->nrq; i-- > 1;)
                at += c->rq[i].size;
            copy[ncopy++] = (struct grant_copy){ .ref = c->rq[0].gref,
                .offset = c->rq[0].offset, .len = (uint16_t)(c->rq[0].size - at),
                .local = frames[nchain].data };
            at = (uint16_t)(c->rq[0].size - at);
            for (unsigned int i = 1; i < c->nrq; i++) {
                copy[ncopy++] = (struct grant_copy){ .ref = c->rq[i].gref,
                    .offset = c->rq[i].offset, .len = c->rq[i].size,
                    .local = frames[nchain].data + at };
                at = (uint16_t)(at + c->rq[i].size);
            }
        }
        b->tx.req_cons += c->nrq + c->nextra;
        nchain++;
    }
    if (ncopy && b->ops.copy(b->ops.ctx, b->domid, copy, ncopy))
        for (unsigned int i = 0; i < ncopy; i++)
            copy[i].status = GNTST_general_error;
    /* Packets with a failed copy are squeezed out; the rest keep their order. */
    for (unsigned int i = 0; i < nchain; i++) {
        bool ok = first_copy[i] >= 0;

        for (unsigned int k = 0; ok && k < chains[i].nrq; k++)
            ok = copy[first_copy[i] + (int)k].status == GNTST_okay;
        if (ok && (chains[i].rq[0].flags & NETTXF_csum_blank)) {
            ok = tx_csum_complete(frames[i].data, frames[i].len);
            b->tx_csum += ok;
        }
        b->tx_multislot += ok && chains[i].nrq > 1;
        tx_respond(b, &chains[i], ok ? NETIF_RSP_OKAY : NETIF_RSP_ERROR);
        if (!ok)
            continue;
        if (i != nframes)
            memcpy(&frames[nframes], &frames[i], sizeof(frames[0]));
        nframes++;
    }
    if (nchain)
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
    b->rx_copy[b->rx_queued++] = (struct grant_copy){ .ref = rq.gref, .len = len,
        .local = (void *)frame, .to_guest = true };
    return true;
}
