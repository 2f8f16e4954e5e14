/*
 * netfront: ethN on a netif backend (Xen's io/netif.h), the way Linux's
 * xen-netfront talks to netback with request-rx-copy: one tx and one rx
 * ring page, one event channel.  Every rx slot owns a page granted to
 * the backend once, which the backend fills by grant copy; the frame is
 * copied out and the same page posted again.  Every tx slot owns a page
 * granted read-only once; a frame to send is copied into a free slot's
 * page.  Frames that find no free tx slot wait in a short queue that the
 * event handler drains as the backend answers (the stack may send from
 * the event handler, which cannot sleep).  No scatter-gather, no GSO:
 * one frame, one slot.
 */
#include <public/event_channel.h>
#include <public/io/netif.h>

#include "gnttab.h"
#include "hypercall.h"
#include "kalloc.h"
#include "lib.h"
#include "mm.h"
#include "netdev.h"
#include "netfront.h"
#include "proc.h"
#include "pv.h"
#include "xenbus.h"

#define NF_TX_SLOTS 64
#define NF_RX_SLOTS 128
#define NF_TXQ_MAX 256                   /* frames waiting for a tx slot */
#define NF_FRAME_MAX (ETH_DATA_LEN + ETH_HLEN)
#define NF_MAX_VIFS 4
#define CONNECT_TIMEOUT_NS (10ULL * 1000000000)

struct netfront {
	struct netdev nd;
	struct xenbus_device *dev;
	netif_tx_front_ring_t tx;
	netif_rx_front_ring_t rx;
	grant_ref_t tx_ring_ref, rx_ring_ref;
	evtchn_port_t port;
	bool broken;                      /* the backend answered nonsense */
	void *tx_page[NF_TX_SLOTS];
	grant_ref_t tx_gref[NF_TX_SLOTS];
	bool tx_busy[NF_TX_SLOTS];
	void *rx_page[NF_RX_SLOTS];
	grant_ref_t rx_gref[NF_RX_SLOTS];
	bool rx_posted[NF_RX_SLOTS];
	struct pkt *txq_head, *txq_tail;
	unsigned int txq_len;
};

static struct netfront *vifs[NF_MAX_VIFS];
static unsigned int nr_vifs;

static mfn_t virt_mfn(const void *p)
{
	return pv_ops.mmu.pfn_to_mfn(virt_to_pfn(p));
}

static void nf_broken(struct netfront *nf, const char *what, RING_IDX idx)
{
	printk("netfront: %s: %s index %u out of range\n", nf->nd.name, what, idx);
	nf->broken = true;
	netdev_set_link(&nf->nd, false);
}

/* Frees the tx slots the backend has answered. */
static void nf_tx_reap(struct netfront *nf)
{
	int more;

	do {
		RING_IDX prod = nf->tx.sring->rsp_prod;

		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (prod - nf->tx.rsp_cons > RING_SIZE(&nf->tx)) {
			nf_broken(nf, "tx response", prod);
			return;
		}
		for (RING_IDX i = nf->tx.rsp_cons; i != prod; i++) {
			struct netif_tx_response r = *RING_GET_RESPONSE(&nf->tx, i);

			if (r.id >= NF_TX_SLOTS || !nf->tx_busy[r.id])
				continue;
			nf->tx_busy[r.id] = false;
			if (r.status != NETIF_RSP_OKAY)
				nf->nd.stats.tx_errors++;
		}
		nf->tx.rsp_cons = prod;
		RING_FINAL_CHECK_FOR_RESPONSES(&nf->tx, more);
	} while (more);
}

/* Puts p in a free slot (there is one), consuming it. */
static void nf_tx_put(struct netfront *nf, unsigned int slot, struct pkt *p)
{
	struct netif_tx_request *rq = RING_GET_REQUEST(&nf->tx, nf->tx.req_prod_pvt);

	memcpy(nf->tx_page[slot], p->data, p->len);
	rq->gref = nf->tx_gref[slot];
	rq->offset = 0;
	rq->flags = 0;
	rq->id = (uint16_t)slot;
	rq->size = (uint16_t)p->len;
	nf->tx_busy[slot] = true;
	nf->tx.req_prod_pvt++;
	pkt_free(p);
}

static int nf_free_slot(struct netfront *nf)
{
	for (unsigned int i = 0; i < NF_TX_SLOTS; i++)
		if (!nf->tx_busy[i])
			return (int)i;
	return -1;
}

/* Moves queued frames onto the ring while slots are free, then tells the backend. */
static void nf_tx_push(struct netfront *nf)
{
	int slot, notify;

	while (nf->txq_head && (slot = nf_free_slot(nf)) >= 0) {
		struct pkt *p = nf->txq_head;

		nf->txq_head = p->next;
		if (!nf->txq_head)
			nf->txq_tail = NULL;
		nf->txq_len--;
		nf_tx_put(nf, (unsigned int)slot, p);
	}
	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&nf->tx, notify);
	if (notify)
		pv_notify(nf->port);
}

static int nf_xmit(struct netdev *nd, struct pkt *p)
{
	struct netfront *nf = nd->priv;

	/* netdev_xmit counts the error. */
	if (nf->broken || p->len > NF_FRAME_MAX || nf->txq_len >= NF_TXQ_MAX) {
		pkt_free(p);
		return -ENOBUFS;
	}
	p->next = NULL;
	if (nf->txq_tail)
		nf->txq_tail->next = p;
	else
		nf->txq_head = p;
	nf->txq_tail = p;
	nf->txq_len++;
	nf_tx_reap(nf);
	if (!nf->broken)
		nf_tx_push(nf);
	return 0;
}

static const struct netdev_ops nf_ops = { .xmit = nf_xmit };

static void nf_rx_post(struct netfront *nf, unsigned int slot)
{
	struct netif_rx_request *rq = RING_GET_REQUEST(&nf->rx, nf->rx.req_prod_pvt);

	rq->id = (uint16_t)slot;
	rq->gref = nf->rx_gref[slot];
	nf->rx_posted[slot] = true;
	nf->rx.req_prod_pvt++;
}

/* Takes the frames the backend filled in and posts their pages again. */
static void nf_rx(struct netfront *nf)
{
	int more, notify;

	do {
		RING_IDX prod = nf->rx.sring->rsp_prod;

		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (prod - nf->rx.rsp_cons > RING_SIZE(&nf->rx)) {
			nf_broken(nf, "rx response", prod);
			return;
		}
		for (RING_IDX i = nf->rx.rsp_cons; i != prod; i++) {
			struct netif_rx_response r = *RING_GET_RESPONSE(&nf->rx, i);
			struct pkt *p;

			if (r.id >= NF_RX_SLOTS || !nf->rx_posted[r.id]) {
				nf->nd.stats.rx_errors++;
				continue;
			}
			nf->rx_posted[r.id] = false;
			if (r.status < ETH_HLEN || (size_t)r.offset + (size_t)r.status > PAGE_SIZE ||
			    r.status > NF_FRAME_MAX || (r.flags & NETRXF_more_data)) {
				nf->nd.stats.rx_errors++;
			} else if (!(p = pkt_alloc((size_t)r.status))) {
				nf->nd.stats.rx_dropped++;
			} else {
				memcpy(p->data, (uint8_t *)nf->rx_page[r.id] + r.offset, p->len);
				netdev_rx(&nf->nd, p);
			}
			nf_rx_post(nf, r.id);
		}
		nf->rx.rsp_cons = prod;
		RING_FINAL_CHECK_FOR_RESPONSES(&nf->rx, more);
	} while (more);
	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&nf->rx, notify);
	if (notify)
		pv_notify(nf->port);
}

static void nf_irq(void)
{
	for (unsigned int i = 0; i < nr_vifs; i++) {
		struct netfront *nf = vifs[i];

		if (nf->broken)
			continue;
		nf_rx(nf);
		if (nf->broken)
			continue;
		nf_tx_reap(nf);
		if (!nf->broken && nf->txq_head)
			nf_tx_push(nf);
	}
}

/* Rings, buffer pages and their grants, the event channel; every rx page posted. */
static int nf_setup(struct netfront *nf)
{
	domid_t be = nf->dev->otherend_id;
	struct evtchn_alloc_unbound op = { .dom = DOMID_SELF, .remote_dom = be };
	int notify;
	netif_tx_sring_t *txs = kzalloc(PAGE_SIZE);
	netif_rx_sring_t *rxs = kzalloc(PAGE_SIZE);

	if (!txs || !rxs)
		return -ENOMEM;
	SHARED_RING_INIT(txs);
	SHARED_RING_INIT(rxs);
	FRONT_RING_INIT(&nf->tx, txs, PAGE_SIZE);
	FRONT_RING_INIT(&nf->rx, rxs, PAGE_SIZE);
	nf->tx_ring_ref = gnttab_grant(be, virt_mfn(txs), false);
	nf->rx_ring_ref = gnttab_grant(be, virt_mfn(rxs), false);
	if (!nf->tx_ring_ref || !nf->rx_ring_ref)
		return -ENOSPC;
	for (unsigned int i = 0; i < NF_TX_SLOTS; i++) {
		nf->tx_page[i] = kzalloc(PAGE_SIZE);
		if (!nf->tx_page[i])
			return -ENOMEM;
		nf->tx_gref[i] = gnttab_grant(be, virt_mfn(nf->tx_page[i]), true);
		if (!nf->tx_gref[i])
			return -ENOSPC;
	}
	for (unsigned int i = 0; i < NF_RX_SLOTS; i++) {
		nf->rx_page[i] = kzalloc(PAGE_SIZE);
		if (!nf->rx_page[i])
			return -ENOMEM;
		nf->rx_gref[i] = gnttab_grant(be, virt_mfn(nf->rx_page[i]), false);
		if (!nf->rx_gref[i])
			return -ENOSPC;
		nf_rx_post(nf, i);
	}
	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&nf->rx, notify);   /* not bound yet: no event */
	(void)notify;
	if (hypercall2(HYPERCALL(event_channel_op), EVTCHNOP_alloc_unbound, HPTR(&op)))
		return -EIO;
	nf->port = op.port;
	if (nr_vifs == NF_MAX_VIFS)
		return -ENOSPC;
	vifs[nr_vifs++] = nf;
	irq_register(pv_bind_port(nf->port), nf_irq);
	return 0;
}

static int nf_write(struct netfront *nf, const char *key, unsigned long long v)
{
	char path[96], val[24];

	snprintf(path, sizeof(path), "%s/%s", nf->dev->nodename, key);
	snprintf(val, sizeof(val), "%llu", v);
	return xenbus_write(0, path, val);
}

/* Linux's talk_to_netback, then Connected (netfront does not stop at Initialised). */
static int nf_publish(struct netfront *nf)
{
	int rc = nf_write(nf, "tx-ring-ref", nf->tx_ring_ref);

	if (!rc)
		rc = nf_write(nf, "rx-ring-ref", nf->rx_ring_ref);
	if (!rc)
		rc = nf_write(nf, "event-channel", nf->port);
	if (!rc)
		rc = nf_write(nf, "request-rx-copy", 1);
	if (!rc)
		rc = nf_write(nf, "feature-rx-notify", 1);
	if (!rc)
		rc = xenbus_switch_state(nf->dev, XenbusStateConnected);
	return rc;
}

/* mac: XX:XX:XX:XX:XX:XX (the toolstack's frontend node). */
static int nf_read_mac(struct netfront *nf)
{
	char path[96], v[32];
	const char *s = v;

	snprintf(path, sizeof(path), "%s/mac", nf->dev->nodename);
	if (xenbus_read(path, v, sizeof(v)) || strlen(v) != 17)
		return -EINVAL;
	for (unsigned int i = 0; i < ETH_ALEN; i++, s += 3) {
		unsigned int b = 0;

		for (unsigned int j = 0; j < 2; j++) {
			char c = s[j];

			b <<= 4;
			if (c >= '0' && c <= '9')
				b |= (unsigned int)(c - '0');
			else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
				b |= (unsigned int)((c | 0x20) - 'a' + 10);
			else
				return -EINVAL;
		}
		if (i < ETH_ALEN - 1 && s[2] != ':')
			return -EINVAL;
		nf->nd.mac[i] = (uint8_t)b;
	}
	return (nf->nd.mac[0] & 1) ? -EINVAL : 0;
}

int netfront_probe(struct xenbus_device *dev)
{
	static unsigned int next_index;
	unsigned long long rx_copy = 0;
	struct netfront *nf;
	char path[192];
	XenbusState s;
	int rc;

	if (gnttab_init())
		return -EIO;
	nf = kzalloc(sizeof(*nf));
	if (!nf)
		return -ENOMEM;
	nf->dev = dev;
	snprintf(nf->nd.name, sizeof(nf->nd.name), "eth%u", next_index);
	rc = nf_read_mac(nf);
	s = xenbus_wait_otherend(dev, 1u << XenbusStateInitWait | 1u << XenbusStateConnected,
				 CONNECT_TIMEOUT_NS);
	if (!rc && s != XenbusStateInitWait && s != XenbusStateConnected) {
		printk("netfront: %s: backend %s is in state %u\n", dev->nodename, dev->otherend, s);
		rc = -ENODEV;
	}
	snprintf(path, sizeof(path), "%s/feature-rx-copy", dev->otherend);
	if (!rc && (xenbus_read_ull(path, &rx_copy) || rx_copy != 1))
		rc = -EOPNOTSUPP;          /* page flipping is not done here */
	if (!rc)
		rc = nf_setup(nf);
	if (!rc)
		rc = nf_publish(nf);
	if (!rc && xenbus_wait_otherend(dev, 1u << XenbusStateConnected, CONNECT_TIMEOUT_NS) !=
		   XenbusStateConnected)
		rc = -ETIMEDOUT;
	if (rc) {
		printk("netfront: %s: not connected (error %d)\n", dev->nodename, rc);
		nf->broken = true;
		/* The grants and pages stay: the backend may hold them. */
		xenbus_switch_state(dev, XenbusStateClosed);
		return 0;
	}
	nf->nd.mtu = ETH_DATA_LEN;
	nf->nd.flags = NETDEV_IFF_BROADCAST | NETDEV_IFF_MULTICAST;
	nf->nd.ops = &nf_ops;
	nf->nd.priv = nf;
	if (netdev_register(&nf->nd)) {
		printk("netfront: %s: cannot register it\n", nf->nd.name);
		return 0;
	}
	next_index++;
	netdev_set_link(&nf->nd, true);
	printk("netfront: %s: %02x:%02x:%02x:%02x:%02x:%02x, backend %s\n", nf->nd.name,
	       nf->nd.mac[0], nf->nd.mac[1], nf->nd.mac[2], nf->nd.mac[3], nf->nd.mac[4],
	       nf->nd.mac[5], dev->otherend);
	return 0;
}
