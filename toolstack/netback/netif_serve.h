/*
 * The netif protocol's backend half (Xen's io/netif.h) for one vif,
 * apart from how bytes cross between domains: heron-netback plugs in
 * gntdev's grant copy, the unit tests a fake.  Every request is copied
 * off the shared ring once and checked before anything is copied; a bad
 * tx request gets NETIF_RSP_ERROR, garbage ring indices end the
 * connection (broken).  A frame from the guest may span several tx
 * slots (NETTXF_more_data: a frontend splits a buffer that crosses a
 * page, as Linux's netfront does even without feature-sg); frames to the
 * guest go whole into one rx buffer.  No feature-sg, no GSO and no
 * extra-info slots are offered: a packet with extras is answered with an
 * error (its extra slots with NETIF_RSP_NULL).  A checksum the frontend
 * left blank (NETTXF_csum_blank, IPv4 TCP or UDP) is completed here.
 */
#ifndef HERON_NETIF_SERVE_H
#define HERON_NETIF_SERVE_H

#include <stdbool.h>
#include <stdint.h>
#include <public/io/netif.h>

#include "grant_copy.h"

#define NETIF_ETH_HLEN  14
#define NETIF_FRAME_MAX 1514    /* MTU 1500 plus the Ethernet header */
/* Packets taken, copies made (to_guest for rx, else tx), or frames
 * queued, per copy call (grant_copy.h). */
#define NETIF_BATCH     64
/* The slots a frontend may use for one packet without asking (netif.h). */
#define NETIF_TX_SLOTS_MAX XEN_NETIF_NR_SLOTS_MIN

struct netif_frame {
    uint16_t len;
    uint8_t data[NETIF_FRAME_MAX];
};

struct netif_backend {
    netif_tx_back_ring_t tx;
    netif_rx_back_ring_t rx;
    uint16_t domid;             /* the frontend's */
    bool broken;                /* garbage indices seen: stop serving */
    struct grant_copy_ops ops;
    /* rx copies queued for the next flush, and their requests' ids */
    struct grant_copy rx_copy[NETIF_BATCH];
    uint16_t rx_id[NETIF_BATCH];
    unsigned int rx_queued;
    bool rx_notify;             /* responses pushed that asked for an event */
    /* Counters for the log and the tests (tx: from the guest). */
    unsigned long tx_packets, tx_errors, rx_packets, rx_errors, rx_dropped;
    unsigned long tx_csum, tx_multislot;    /* checksums completed, packets of several slots */
};

/*
 * Takes up to max (<= NETIF_BATCH) tx packets: valid ones are copied into
 * frames[] (in order), every slot is answered.  Returns the number of
 * frames; *notify says the frontend asked for an event, *more that
 * requests are left.  Sets b->broken (and takes nothing) on bad indices;
 * a packet whose slots run past the producer is answered with errors.
 */
unsigned int netif_tx_take(struct netif_backend *b, struct netif_frame *frames,
                           unsigned int max, bool *notify, bool *more);

/*
 * Queues a frame for the guest on its next rx request (the frame must
 * stay valid until netif_rx_flush; a full queue is flushed first).
 * False if the guest has no buffer posted (the frame is dropped and
 * counted) or the ring is broken.
 */
bool netif_rx_queue(struct netif_backend *b, const uint8_t *frame, uint16_t len);

/* Copies the queued frames and pushes their responses; true if the
 * frontend asked for an event (since the last flush). */
bool netif_rx_flush(struct netif_backend *b);

#endif
