/*
 * blkfront: /dev/xvdX on a blkif backend (Xen's io/blkif.h), the way
 * Linux's xen-blkfront talks to blkback.  One shared ring page and one
 * event channel per disk.  The block layer's calls are synchronous, so
 * each call is cut into up to BF_INFLIGHT requests of up to 11 segments
 * that go on the ring together, and the call waits for all of them.
 * Each slot owns 11 bounce pages granted to the backend at connect.  A
 * buffer that starts a page (the system calls' are whole pages) is
 * lent instead: for the request the slot's grants are pointed at its
 * pages, so the backend's grant copy fills or reads them and blkfront
 * copies nothing; after the answer they point at the bounce pages again.
 * Any other buffer goes through the bounce pages (the data copied).
 *
 * A backend that closes (Closing, Closed, its node gone) is noticed the
 * next time a block-layer call runs or
 * waits (the watch only sets a flag: nothing may read xenstore from the
 * event handler): what is in flight fails with EIO, the device goes
 * Closed and, once the backend is Closed too, every grant is ended.  A
 * backend in InitWait again gets a new connection on the next call.
 */
#include <public/event_channel.h>
#include <public/io/blkif.h>

#include "blkdev.h"
#include "blkfront.h"
#include "gnttab.h"
#include "hypercall.h"
#include "kalloc.h"
#include "lib.h"
#include "mm.h"
#include "proc.h"
#include "pv.h"
#include "xenbus.h"

#define BF_INFLIGHT 8                    /* requests per block-layer call */
#define SEGS BLKIF_MAX_SEGMENTS_PER_REQUEST
#define SECTORS_PER_PAGE (PAGE_SIZE / SECTOR_SIZE)
#define SECTORS_PER_REQ (SEGS * SECTORS_PER_PAGE)
#define XEN_BLOCK_MAJOR 202
#define CONNECT_TIMEOUT_NS (10ULL * 1000000000)
#define CLOSE_TIMEOUT_NS (5ULL * 1000000000)
#define IO_TIMEOUT_NS (30ULL * 1000000000)

struct bf_slot {
	void *page[SEGS];
	grant_ref_t gref[SEGS];
	bool lent[SEGS];                 /* gref[j] grants a caller's page */
	bool busy;
	int16_t status;
};

struct blkfront {
	struct blkdev blk;
	struct xenbus_device *dev;
	blkif_front_ring_t ring;
	grant_ref_t ring_ref;
	evtchn_port_t port;
	bool readonly, flush;
	bool connected;                  /* the backend serves the ring */
	bool busy;                       /* a block-layer call owns the ring */
	bool broken;                     /* the backend answered nonsense */
	struct bf_slot slot[BF_INFLIGHT];
};

static mfn_t virt_mfn(const void *p)
{
	return pv_ops.mmu.pfn_to_mfn(virt_to_pfn(p));
}

/* Takes the backend's responses; from the event handler. */
static void bf_responses(struct blkfront *bf)
{
	int more;

	do {
		RING_IDX prod = bf->ring.sring->rsp_prod;

		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (prod - bf->ring.rsp_cons > RING_SIZE(&bf->ring)) {
			printk("blkfront: %s: response index %u out of range\n", bf->blk.name, prod);
			bf->broken = true;
			break;
		}
		for (RING_IDX i = bf->ring.rsp_cons; i != prod; i++) {
			struct blkif_response *r = RING_GET_RESPONSE(&bf->ring, i);

			if (r->id < BF_INFLIGHT && bf->slot[r->id].busy) {
				bf->slot[r->id].status = r->status;
				bf->slot[r->id].busy = false;
			}
		}
		bf->ring.rsp_cons = prod;
		RING_FINAL_CHECK_FOR_RESPONSES(&bf->ring, more);
	} while (more && !bf->broken);
	wakeup(bf);
}

static struct blkfront *irq_disk[4];
static unsigned int nr_irq_disks;

static void bf_irq(void)
{
	for (unsigned int i = 0; i < nr_irq_disks; i++)
		bf_responses(irq_disk[i]);
}

static bool any_busy(struct blkfront *bf)
{
	for (unsigned int i = 0; i < BF_INFLIGHT; i++)
		if (bf->slot[i].busy)
			return true;
	return false;
}

static int bf_connect(struct blkfront *bf);

/* Ends every grant; returns how many the backend still maps (kept). */
static unsigned int bf_ungrant(struct blkfront *bf)
{
	unsigned int kept = !gnttab_end(bf->ring_ref);

	for (unsigned int i = 0; i < BF_INFLIGHT; i++)
		for (unsigned int j = 0; j < SEGS; j++) {
			kept += !gnttab_end(bf->slot[i].gref[j]);
			bf->slot[i].lent[j] = false;
		}
	return kept;
}

/* The backend left Connected (state s): Linux's blkfront_closing. */
static void bf_disconnect(struct blkfront *bf, XenbusState s)
{
	unsigned int failed = 0, kept;

	for (unsigned int i = 0; i < BF_INFLIGHT; i++)
		if (bf->slot[i].busy) {
			bf->slot[i].status = BLKIF_RSP_ERROR;
			bf->slot[i].busy = false;
			failed++;
		}
	bf->connected = false;
	xenbus_switch_state(bf->dev, XenbusStateClosed);
	/* The backend lets go of the ring when it sees Closed. */
	xenbus_wait_otherend(bf->dev, 1u << XenbusStateClosed | 1u << XenbusStateUnknown |
			     1u << XenbusStateInitWait, CLOSE_TIMEOUT_NS);
	kept = bf_ungrant(bf);
	printk("blkfront: %s: backend went to state %u: %u requests failed, closed, "
	       "grants ended (%u still mapped)\n", bf->blk.name, s, failed, kept);
}

/* Reads the backend's state if it changed: disconnects or reconnects.
 * Process context, with the ring owned. */
static void bf_follow_backend(struct blkfront *bf)
{
	XenbusState s;

	if (!bf->dev->otherend_changed)
		return;
	bf->dev->otherend_changed = false;
	s = xenbus_otherend_state(bf->dev);
	/*
	 * Only a backend closing (or gone) ends the connection, as in Linux's
	 * blkback_changed: a restarted daemon passes through InitWait on its
	 * way back to Connected and takes the same ring over.
	 */
	if (bf->connected && (s == XenbusStateClosing || s == XenbusStateClosed ||
			      s == XenbusStateUnknown))
		bf_disconnect(bf, s);
	if (!bf->connected && s == XenbusStateInitWait) {
		int rc = bf_connect(bf);

		if (rc)
			xenbus_switch_state(bf->dev, XenbusStateClosed);
		printk("blkfront: %s: %s (%d)\n", bf->blk.name,
		       rc ? "cannot reconnect" : "reconnected", rc);
	}
}

/* Pushes what is queued and waits for every slot's response. */
static int bf_push_and_wait(struct blkfront *bf)
{
	uint64_t deadline = time_now_ns() + IO_TIMEOUT_NS;
	int notify;

	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&bf->ring, notify);
	if (notify)
		pv_notify(bf->port);
	while (any_busy(bf) && !bf->broken && time_now_ns() < deadline) {
		bf_follow_backend(bf);
		if (any_busy(bf))
			xenbus_wait(bf, MIN(deadline, time_now_ns() + 10000000UL));
	}
	if (any_busy(bf)) {
		printk("blkfront: %s: backend %s\n", bf->blk.name,
		       bf->broken ? "broke the protocol" : "did not answer");
		bf->broken = true;
		return -EIO;
	}
	return 0;
}

static void bf_lock(struct blkfront *bf)
{
	while (bf->busy)
		xenbus_wait(&bf->busy, time_now_ns() + 10000000UL);
	bf->busy = true;
}

static void bf_unlock(struct blkfront *bf)
{
	bf->busy = false;
	wakeup(&bf->busy);
}

/* Owns the ring of a connected, sane disk (0), or -EIO. */
static int bf_begin(struct blkfront *bf)
{
	bf_lock(bf);
	bf_follow_backend(bf);
	if (bf->connected && !bf->broken)
		return 0;
	bf_unlock(bf);
	return -EIO;
}

/*
 * Segment j of slot s carries secs sectors at p: p's own page when p
 * starts one (its grant pointed there), else the bounce page, filled
 * here for a write.  A grant the backend still maps stays on the bounce
 * page.
 */
static void bf_seg_data(struct bf_slot *s, unsigned int j, char *p, uint32_t secs, bool write)
{
	s->lent[j] = !((uintptr_t)p & (PAGE_SIZE - 1)) &&
		     gnttab_retarget(s->gref[j], virt_mfn(p), write);
	if (!s->lent[j] && write)
		memcpy(s->page[j], p, secs * SECTOR_SIZE);
}

/* After the answer: a read's bounced data copied out, lent grants given
 * back to the bounce pages (-EIO, the disk broken, if the backend still
 * maps one: the caller's page is beyond our reach then). */
static int bf_seg_done(struct blkfront *bf, struct bf_slot *s, unsigned int j, char *p,
		       uint32_t secs, bool copy)
{
	if (!s->lent[j]) {
		if (copy)
			memcpy(p, s->page[j], secs * SECTOR_SIZE);
		return 0;
	}
	s->lent[j] = false;
	if (gnttab_retarget(s->gref[j], virt_mfn(s->page[j]), false))
		return 0;
	printk("blkfront: %s: backend still maps grant %u after answering\n", bf->blk.name,
	       s->gref[j]);
	bf->broken = true;
	return -EIO;
}

static int bf_rw(struct blkdev *d, bool write, uint64_t sector, uint32_t count, void *buf)
{
	struct blkfront *bf = d->priv;
	uint32_t done = 0;
	unsigned int n = 0;
	int err = 0;

	if (write && bf->readonly)
		return -EIO;
	if (bf_begin(bf))
		return -EIO;
	for (; done < count && n < BF_INFLIGHT; n++) {
		struct bf_slot *s = &bf->slot[n];
		struct blkif_request *rq = RING_GET_REQUEST(&bf->ring, bf->ring.req_prod_pvt);
		uint32_t len = MIN(count - done, (uint32_t)SECTORS_PER_REQ);

		rq->operation = write ? BLKIF_OP_WRITE : BLKIF_OP_READ;
		rq->handle = (blkif_vdev_t)bf->dev->id;
		rq->id = n;
		rq->sector_number = sector + done;
		rq->nr_segments = (uint8_t)((len + SECTORS_PER_PAGE - 1) / SECTORS_PER_PAGE);
		for (unsigned int j = 0; j < rq->nr_segments; j++) {
			uint32_t secs = MIN(len - j * SECTORS_PER_PAGE, (uint32_t)SECTORS_PER_PAGE);

			rq->seg[j] = (struct blkif_request_segment){ .gref = s->gref[j],
				.first_sect = 0, .last_sect = (uint8_t)(secs - 1) };
			bf_seg_data(s, j, (char *)buf + (done + j * SECTORS_PER_PAGE) * SECTOR_SIZE,
				    secs, write);
		}
		s->busy = true;
		bf->ring.req_prod_pvt++;
		done += len;
	}
	err = bf_push_and_wait(bf);
	done = 0;
	for (unsigned int i = 0; i < n; i++) {
		uint32_t len = MIN(count - done, (uint32_t)SECTORS_PER_REQ);

		if (bf->slot[i].status != BLKIF_RSP_OKAY)
			err = -EIO;
		for (uint32_t j = 0; j * SECTORS_PER_PAGE < len; j++) {
			int e = bf_seg_done(bf, &bf->slot[i], j,
					    (char *)buf + (done + j * SECTORS_PER_PAGE) * SECTOR_SIZE,
					    MIN(len - j * SECTORS_PER_PAGE, (uint32_t)SECTORS_PER_PAGE),
					    !write && !err);

			err = err ? err : e;
		}
		done += len;
	}
	bf_unlock(bf);
	return err;
}

static int bf_flush(struct blkdev *d)
{
	struct blkfront *bf = d->priv;
	struct blkif_request *rq;
	int err;

	if (!bf->flush)
		return 0;
	if (bf_begin(bf))
		return -EIO;
	rq = RING_GET_REQUEST(&bf->ring, bf->ring.req_prod_pvt);
	memset(rq, 0, sizeof(*rq));
	rq->operation = BLKIF_OP_FLUSH_DISKCACHE;
	rq->handle = (blkif_vdev_t)bf->dev->id;
	rq->id = 0;
	bf->slot[0].busy = true;
	bf->ring.req_prod_pvt++;
	err = bf_push_and_wait(bf);
	if (!err && bf->slot[0].status != BLKIF_RSP_OKAY)
		err = -EIO;
	bf_unlock(bf);
	return err;
}

static const struct blkdev_ops bf_ops = { .rw = bf_rw, .flush = bf_flush };

/*
 * The ring page, the bounce pages and the event channel, for the disk's
 * life (a port whose backend unbinds waits for a backend again).
 */
static int bf_alloc(struct blkfront *bf)
{
	struct evtchn_alloc_unbound op = { .dom = DOMID_SELF, .remote_dom = bf->dev->otherend_id };
	int irq;

	bf->ring.sring = kzalloc(PAGE_SIZE);
	if (!bf->ring.sring)
		return -ENOMEM;
	for (unsigned int i = 0; i < BF_INFLIGHT; i++)
		for (unsigned int j = 0; j < SEGS; j++) {
			bf->slot[i].page[j] = kzalloc(PAGE_SIZE);
			if (!bf->slot[i].page[j])
				return -ENOMEM;
		}
	if (hypercall2(HYPERCALL(event_channel_op), EVTCHNOP_alloc_unbound, HPTR(&op)))
		return -EIO;
	bf->port = op.port;
	if (nr_irq_disks == ARRAY_SIZE(irq_disk))
		return -ENOSPC;
	irq_disk[nr_irq_disks++] = bf;
	irq = pv_bind_port(bf->port);
	irq_register(irq, bf_irq);
	return 0;
}

/* A fresh ring, and grants of it and of every bounce page. */
static int bf_grant(struct blkfront *bf)
{
	domid_t be = bf->dev->otherend_id;
	blkif_sring_t *sring = bf->ring.sring;

	SHARED_RING_INIT(sring);
	FRONT_RING_INIT(&bf->ring, sring, PAGE_SIZE);
	bf->ring_ref = gnttab_grant(be, virt_mfn(sring), false);
	if (!bf->ring_ref)
		return -ENOSPC;
	for (unsigned int i = 0; i < BF_INFLIGHT; i++)
		for (unsigned int j = 0; j < SEGS; j++) {
			bf->slot[i].gref[j] = gnttab_grant(be, virt_mfn(bf->slot[i].page[j]), false);
			if (!bf->slot[i].gref[j])
				return -ENOSPC;
		}
	return 0;
}

/* ring-ref, event-channel and protocol, then Initialised (Linux's talk_to_blkback). */
static int bf_publish(struct blkfront *bf)
{
	char path[96], v[24];
	int rc;

	snprintf(path, sizeof(path), "%s/ring-ref", bf->dev->nodename);
	snprintf(v, sizeof(v), "%u", bf->ring_ref);
	rc = xenbus_write(0, path, v);
	snprintf(path, sizeof(path), "%s/event-channel", bf->dev->nodename);
	snprintf(v, sizeof(v), "%u", bf->port);
	if (!rc)
		rc = xenbus_write(0, path, v);
	snprintf(path, sizeof(path), "%s/protocol", bf->dev->nodename);
	if (!rc)
		rc = xenbus_write(0, path, "x86_64-abi");
	if (!rc)
		rc = xenbus_switch_state(bf->dev, XenbusStateInitialised);
	return rc;
}

static bool otherend_flag(struct blkfront *bf, const char *key)
{
	char path[192];
	unsigned long long v = 0;

	snprintf(path, sizeof(path), "%s/%s", bf->dev->otherend, key);
	return !xenbus_read_ull(path, &v) && v;
}

/* xvda..xvdz from virtual-device (Xen's vbd numbering). */
static int bf_name(struct blkfront *bf)
{
	char path[96];
	unsigned long long vdev;
	unsigned int index;

	snprintf(path, sizeof(path), "%s/virtual-device", bf->dev->nodename);
	if (xenbus_read_ull(path, &vdev))
		return -EINVAL;
	if (vdev & (1u << 28))
		index = (vdev >> 8) & 0xfffff;
	else if ((vdev >> 8) == XEN_BLOCK_MAJOR)
		index = (vdev & 0xff) >> 4;
	else
		return -EINVAL;
	if (index >= 16)
		return -EINVAL;
	snprintf(bf->blk.name, sizeof(bf->blk.name), "xvd%c", 'a' + index);
	bf->blk.major = XEN_BLOCK_MAJOR;
	bf->blk.minor = index * 16;
	return 0;
}

/*
 * Grants, ring-ref and event-channel published, Initialised, the
 * backend's Connected awaited and the disk's details read, Connected
 * (Linux's talk_to_blkback and blkfront_connect).  On an error the
 * grants stay: the backend may map them.
 */
static int bf_connect(struct blkfront *bf)
{
	struct xenbus_device *dev = bf->dev;
	unsigned long long sectors = 0, ssize = SECTOR_SIZE, info = 0;
	char path[192];
	int rc = bf_grant(bf);

	if (!rc)
		rc = bf_publish(bf);
	if (!rc && xenbus_wait_otherend(dev, 1u << XenbusStateConnected, CONNECT_TIMEOUT_NS) !=
		   XenbusStateConnected)
		rc = -ETIMEDOUT;
	snprintf(path, sizeof(path), "%s/sectors", dev->otherend);
	if (!rc)
		rc = xenbus_read_ull(path, &sectors);
	snprintf(path, sizeof(path), "%s/sector-size", dev->otherend);
	if (!rc)
		xenbus_read_ull(path, &ssize);
	snprintf(path, sizeof(path), "%s/info", dev->otherend);
	if (!rc)
		xenbus_read_ull(path, &info);
	if (!rc && ssize != SECTOR_SIZE)
		rc = -EINVAL;
	/* A registered disk keeps its size. */
	if (!rc && bf->blk.nr_sectors && sectors != bf->blk.nr_sectors)
		rc = -EINVAL;
	if (rc)
		return rc;
	bf->readonly = info & VDISK_READONLY;
	bf->flush = otherend_flag(bf, "feature-flush-cache");
	bf->blk.nr_sectors = sectors;
	bf->broken = false;
	bf->connected = true;
	return xenbus_switch_state(dev, XenbusStateConnected);
}

int blkfront_probe(struct xenbus_device *dev)
{
	struct blkfront *bf;
	XenbusState s;
	int rc;

	if (gnttab_init())
		return -EIO;
	bf = kzalloc(sizeof(*bf));
	if (!bf)
		return -ENOMEM;
	bf->dev = dev;
	rc = bf_name(bf);
	s = xenbus_wait_otherend(dev, 1u << XenbusStateInitWait | 1u << XenbusStateConnected,
				 CONNECT_TIMEOUT_NS);
	if (!rc && s != XenbusStateInitWait && s != XenbusStateConnected) {
		printk("blkfront: %s: backend %s is in state %u\n", dev->nodename, dev->otherend, s);
		rc = -ENODEV;
	}
	if (!rc)
		rc = bf_alloc(bf);
	if (!rc)
		rc = bf_connect(bf);
	if (rc) {
		printk("blkfront: %s: not connected (error %d)\n", dev->nodename, rc);
		/* The grants and pages stay: the backend may hold them. */
		xenbus_switch_state(dev, XenbusStateClosed);
		return 0;
	}
	bf->blk.max_sectors = BF_INFLIGHT * SECTORS_PER_REQ;
	bf->blk.ops = &bf_ops;
	bf->blk.priv = bf;
	printk("blkfront: %s: %llu sectors (%llu MiB)%s%s, backend %s\n", bf->blk.name,
	       (unsigned long long)bf->blk.nr_sectors, (unsigned long long)bf->blk.nr_sectors >> 11,
	       bf->readonly ? ", read-only" : "", bf->flush ? ", flush" : "", dev->otherend);
	if (blkdev_add_disk(&bf->blk))
		printk("blkfront: %s: cannot register it\n", bf->blk.name);
	return 0;
}
