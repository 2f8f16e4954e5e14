/*
 * The shared-page transport (docs/misc/xenstore-ring.txt): two 1 KiB byte
 * rings with free-running 32-bit indices.  The domain produces requests
 * and consumes replies; we do the opposite, and kick its event channel
 * whenever an index moved.  Indices are the guest's to corrupt, so every
 * read of them is checked before use.
 */
#include <string.h>

#include "xsd.h"

static struct xenstore_domain_interface *intf_of(struct conn *c)
{
    return c->dom ? c->dom->intf : NULL;
}

static uint32_t load(const uint32_t *p)
{
    return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static void store(uint32_t *p, uint32_t v)
{
    __atomic_store_n(p, v, __ATOMIC_RELEASE);
}

static ssize_t ring_read(struct conn *c, void *buf, size_t len)
{
    struct xenstore_domain_interface *in = intf_of(c);
    uint32_t cons, prod, avail, off, first;

    if (!in)
        return -XENSTORE_ERROR_COMM;
    cons = load(&in->req_cons);
    prod = load(&in->req_prod);
    avail = prod - cons;
    if (avail > XENSTORE_RING_SIZE)
        return -XENSTORE_ERROR_RINGIDX;
    if (avail > len)
        avail = len;
    off = MASK_XENSTORE_IDX(cons);
    first = XENSTORE_RING_SIZE - off < avail ? XENSTORE_RING_SIZE - off : avail;
    memcpy(buf, in->req + off, first);
    memcpy((char *)buf + first, in->req, avail - first);
    /* Our copy is done before the guest may reuse the space. */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    store(&in->req_cons, cons + avail);
    return avail;
}

static ssize_t ring_write(struct conn *c, const void *buf, size_t len)
{
    struct xenstore_domain_interface *in = intf_of(c);
    uint32_t cons, prod, space, off, first;

    if (!in)
        return -XENSTORE_ERROR_COMM;
    cons = load(&in->rsp_cons);
    prod = load(&in->rsp_prod);
    if (prod - cons > XENSTORE_RING_SIZE)
        return -XENSTORE_ERROR_RINGIDX;
    space = XENSTORE_RING_SIZE - (prod - cons);
    if (space > len)
        space = len;
    off = MASK_XENSTORE_IDX(prod);
    first = XENSTORE_RING_SIZE - off < space ? XENSTORE_RING_SIZE - off : space;
    memcpy(in->rsp + off, buf, first);
    memcpy(in->rsp, (const char *)buf + first, space - first);
    /* The data is visible before the index that publishes it. */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    store(&in->rsp_prod, prod + space);
    return space;
}

static bool ring_can_read(struct conn *c)
{
    struct xenstore_domain_interface *in = intf_of(c);

    return in && load(&in->req_prod) != load(&in->req_cons);
}

static bool ring_can_write(struct conn *c)
{
    struct xenstore_domain_interface *in = intf_of(c);

    return in && load(&in->rsp_prod) - load(&in->rsp_cons) < XENSTORE_RING_SIZE;
}

static void ring_notify(struct conn *c)
{
    struct xsd *x = c->xsd;

    if (c->dom && x->backend)
        x->backend->notify(x->backend->arg, c->dom->port);
}

/*
 * The guest set connection = RECONNECT: forget everything about the old
 * session, empty both rings, clear the error and say we are back.
 */
static bool ring_check_reset(struct conn *c)
{
    struct xenstore_domain_interface *in = intf_of(c);

    if (!in || load(&in->connection) != XENSTORE_RECONNECT)
        return false;
    conn_reset(c);
    c->stalled = false;
    store(&in->req_cons, 0);
    store(&in->req_prod, 0);
    store(&in->rsp_cons, 0);
    store(&in->rsp_prod, 0);
    store(&in->error, XENSTORE_ERROR_NONE);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    store(&in->connection, XENSTORE_CONNECTED);
    return true;
}

static const struct conn_ops ring_ops = {
    .read = ring_read,
    .write = ring_write,
    .can_read = ring_can_read,
    .can_write = ring_can_write,
    .notify = ring_notify,
    .check_reset = ring_check_reset,
};

struct conn *ring_conn_new(struct xsd *x, struct domain *d)
{
    struct conn *c = conn_new(x, &ring_ops, NULL, -1, d->domid, false);

    if (c)
        c->dom = d;
    return c;
}
