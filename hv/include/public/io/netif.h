/*
 * The PV network protocol (Xen's io/netif.h), data path only: two shared
 * rings per vif.  On the tx ring the frontend lends the backend granted
 * pages holding frames to send; on the rx ring it lends empty granted
 * pages that the backend fills (with grant copy: request-rx-copy) with
 * frames for the guest.  The xenstore handshake (tx-ring-ref,
 * rx-ring-ref, event-channel, request-rx-copy, mac...) is described in
 * docs/split-drivers.md.  The control ring of multi-queue hashing is not
 * defined here (nobody offers it).
 */
#ifndef HERON_PUBLIC_IO_NETIF_H
#define HERON_PUBLIC_IO_NETIF_H

#include <stddef.h>
#include <stdint.h>

#include "ring.h"
#include "../grant_table.h"

/* A backend must accept a packet spread over this many tx slots. */
#define XEN_NETIF_NR_SLOTS_MIN 18

/* netif_tx_request.flags */
#define _NETTXF_csum_blank     0
#define  NETTXF_csum_blank     (1U << _NETTXF_csum_blank)
#define _NETTXF_data_validated 1
#define  NETTXF_data_validated (1U << _NETTXF_data_validated)
#define _NETTXF_more_data      2   /* the packet goes on in the next slot */
#define  NETTXF_more_data      (1U << _NETTXF_more_data)
#define _NETTXF_extra_info     3   /* the next slot is a netif_extra_info */
#define  NETTXF_extra_info     (1U << _NETTXF_extra_info)

#define XEN_NETIF_MAX_TX_SIZE 0xFFFF

/* size bytes at offset of page gref; in the first slot of a packet,
 * size is the whole packet's. */
struct netif_tx_request {
    grant_ref_t gref;
    uint16_t offset;
    uint16_t flags;         /* NETTXF_* */
    uint16_t id;            /* echoed in the response */
    uint16_t size;
};
typedef struct netif_tx_request netif_tx_request_t;

#define XEN_NETIF_EXTRA_TYPE_NONE      0
#define XEN_NETIF_EXTRA_TYPE_GSO       1
#define XEN_NETIF_EXTRA_TYPE_MCAST_ADD 2
#define XEN_NETIF_EXTRA_TYPE_MCAST_DEL 3
#define XEN_NETIF_EXTRA_TYPE_HASH      4
#define XEN_NETIF_EXTRA_TYPE_MAX       5

#define _XEN_NETIF_EXTRA_FLAG_MORE 0
#define  XEN_NETIF_EXTRA_FLAG_MORE (1U << _XEN_NETIF_EXTRA_FLAG_MORE)

#define XEN_NETIF_GSO_TYPE_NONE  0
#define XEN_NETIF_GSO_TYPE_TCPV4 1
#define XEN_NETIF_GSO_TYPE_TCPV6 2

/* A slot that follows a request or response flagged extra_info. */
struct netif_extra_info {
    uint8_t type;           /* XEN_NETIF_EXTRA_TYPE_* */
    uint8_t flags;          /* XEN_NETIF_EXTRA_FLAG_* */
    union {
        struct {
            uint16_t size;
            uint8_t type;
            uint8_t pad;
            uint16_t features;
        } gso;
        struct {
            uint8_t addr[6];
        } mcast;
        struct {
            uint8_t type;
            uint8_t algorithm;
            uint8_t value[4];
        } hash;
        uint16_t pad[3];
    } u;
};
typedef struct netif_extra_info netif_extra_info_t;

struct netif_tx_response {
    uint16_t id;
    int16_t status;         /* NETIF_RSP_* */
};
typedef struct netif_tx_response netif_tx_response_t;

/* An empty page for the backend to fill. */
struct netif_rx_request {
    uint16_t id;            /* echoed in the response */
    uint16_t pad;
    grant_ref_t gref;
};
typedef struct netif_rx_request netif_rx_request_t;

/* netif_rx_response.flags */
#define _NETRXF_data_validated 0
#define  NETRXF_data_validated (1U << _NETRXF_data_validated)
#define _NETRXF_csum_blank     1
#define  NETRXF_csum_blank     (1U << _NETRXF_csum_blank)
#define _NETRXF_more_data      2
#define  NETRXF_more_data      (1U << _NETRXF_more_data)
#define _NETRXF_extra_info     3
#define  NETRXF_extra_info     (1U << _NETRXF_extra_info)
#define _NETRXF_gso_prefix     4
#define  NETRXF_gso_prefix     (1U << _NETRXF_gso_prefix)

/* status: the frame's length at offset of the request's page, or < 0. */
struct netif_rx_response {
    uint16_t id;
    uint16_t offset;
    uint16_t flags;         /* NETRXF_* */
    int16_t status;
};
typedef struct netif_rx_response netif_rx_response_t;

DEFINE_RING_TYPES(netif_tx, struct netif_tx_request, struct netif_tx_response);
DEFINE_RING_TYPES(netif_rx, struct netif_rx_request, struct netif_rx_response);

#define NET_TX_RING_SIZE(pg) __CONST_RING_SIZE(netif_tx, pg)
#define NET_RX_RING_SIZE(pg) __CONST_RING_SIZE(netif_rx, pg)

#define NETIF_RSP_DROPPED -2
#define NETIF_RSP_ERROR   -1
#define NETIF_RSP_OKAY     0
#define NETIF_RSP_NULL     1    /* answers an extra_info slot */

#endif
