/*
 * A connection: assembles requests from whatever its transport delivers,
 * hands complete ones to dispatch(), and queues replies and watch events
 * until the transport takes them.  Nothing here ever waits.
 */
#include <stdlib.h>
#include <string.h>

#include "xsd.h"

struct conn *conn_new(struct xsd *x, const struct conn_ops *ops, void *tp,
                      int fd, uint32_t domid, bool privileged)
{
    struct conn *c = calloc(1, sizeof(*c));

    if (!c)
        return NULL;
    c->ops = ops;
    c->tp = tp;
    c->fd = fd;
    c->xsd = x;
    c->who.domid = domid;
    c->who.privileged = privileged;
    c->who.target = -1;
    c->next_txid = 1;
    c->next = x->conns;
    x->conns = c;
    return c;
}

static void drop_input(struct conn *c)
{
    free(c->in);
    c->in = NULL;
    c->in_got = 0;
    c->hdr_got = 0;
}

static void drop_output(struct conn *c)
{
    struct outmsg *m, *next;

    for (m = c->out_head; m; m = next) {
        next = m->next;
        free(m);
    }
    c->out_head = c->out_tail = NULL;
    c->out_bytes = 0;
}

void conn_reset(struct conn *c)
{
    drop_input(c);
    drop_output(c);
    watch_free_all(c);
    txn_free_all(c);
}

void conn_fail(struct conn *c, int ring_error)
{
    conn_reset(c);
    if (c->ops->check_reset) {
        /* A domain cannot reconnect a socket; it waits for a ring reset. */
        c->stalled = true;
        if (c->dom && c->dom->intf &&
            (c->dom->features & XENSTORE_SERVER_FEATURE_ERROR))
            c->dom->intf->error = ring_error;
    } else {
        c->dead = true;
    }
}

void conn_destroy(struct conn *c)
{
    struct conn **pp;

    for (pp = &c->xsd->conns; *pp; pp = &(*pp)->next) {
        if (*pp == c) {
            *pp = c->next;
            break;
        }
    }
    conn_reset(c);
    if (c->dom)
        c->dom->conn = NULL;
    if (c->ops->release)
        c->ops->release(c);
    free(c);
}

int conn_send(struct conn *c, uint32_t type, uint32_t req_id,
              uint32_t tx_id, const void *data, size_t len)
{
    struct xsd_sockmsg hdr = { type, req_id, tx_id, (uint32_t)len };
    struct outmsg *m;

    if (c->dead || c->stalled)
        return 0;
    if (c->out_bytes + sizeof(hdr) + len > CONN_OUT_LIMIT) {
        conn_fail(c, XENSTORE_ERROR_COMM);
        return EIO;
    }
    m = malloc(sizeof(*m) + sizeof(hdr) + len);
    if (!m)
        return ENOMEM;
    m->next = NULL;
    m->off = 0;
    m->len = sizeof(hdr) + len;
    memcpy(m->data, &hdr, sizeof(hdr));
    if (len)
        memcpy(m->data + sizeof(hdr), data, len);
    if (c->out_tail)
        c->out_tail->next = m;
    else
        c->out_head = m;
    c->out_tail = m;
    c->out_bytes += m->len;
    return 0;
}

void conn_send_error(struct conn *c, const struct xsd_sockmsg *req, int err)
{
    const char *name = xsd_errors[0].errstring;     /* EINVAL */
    size_t i;

    for (i = 0; i < sizeof(xsd_errors) / sizeof(xsd_errors[0]); i++)
        if (xsd_errors[i].errnum == err)
            name = xsd_errors[i].errstring;
    conn_send(c, XS_ERROR, req->req_id, req->tx_id, name, strlen(name) + 1);
}

/* Pulls bytes towards one request; true once a request was handled. */
static bool read_step(struct conn *c, bool *moved)
{
    struct xsd_sockmsg hdr;
    ssize_t n;
    char *in;

    if (c->hdr_got < sizeof(c->hdr)) {
        n = c->ops->read(c, (char *)&c->hdr + c->hdr_got,
                         sizeof(c->hdr) - c->hdr_got);
        if (n < 0)
            goto broken;
        *moved |= n > 0;
        c->hdr_got += n;
        if (c->hdr_got < sizeof(c->hdr))
            return false;
        if (c->hdr.len > XENSTORE_PAYLOAD_MAX) {
            conn_fail(c, XENSTORE_ERROR_PROTO);
            return false;
        }
        c->in = malloc(c->hdr.len + 1);
        if (!c->in) {
            /* Cannot stay in step with the stream without the buffer. */
            conn_fail(c, XENSTORE_ERROR_COMM);
            return false;
        }
        c->in_got = 0;
    }
    if (c->in_got < c->hdr.len) {
        n = c->ops->read(c, c->in + c->in_got, c->hdr.len - c->in_got);
        if (n < 0)
            goto broken;
        *moved |= n > 0;
        c->in_got += n;
        if (c->in_got < c->hdr.len)
            return false;
    }
    /* Detach the request first: a handler may reset this connection. */
    hdr = c->hdr;
    in = c->in;
    in[hdr.len] = '\0';
    c->in = NULL;
    c->in_got = c->hdr_got = 0;
    dispatch(c, &hdr, in);
    free(in);
    return true;

broken:
    conn_fail(c, (int)-n);
    return false;
}

static bool write_out(struct conn *c)
{
    bool moved = false;

    while (c->out_head && !c->dead && !c->stalled) {
        struct outmsg *m = c->out_head;
        ssize_t n = c->ops->write(c, m->data + m->off, m->len - m->off);

        if (n < 0) {
            conn_fail(c, (int)-n);
            break;
        }
        if (n == 0)
            break;
        moved = true;
        m->off += n;
        c->out_bytes -= n;
        if (m->off == m->len) {
            c->out_head = m->next;
            if (!c->out_head)
                c->out_tail = NULL;
            free(m);
        }
    }
    return moved;
}

void conn_flush(struct conn *c)
{
    if (write_out(c) && c->ops->notify)
        c->ops->notify(c);
}

void conn_service(struct conn *c)
{
    bool moved = false;

    if (c->dead)
        return;
    if (c->ops->check_reset && c->ops->check_reset(c))
        moved = true;
    while (!c->dead && !c->stalled && c->out_bytes < CONN_OUT_THROTTLE &&
           c->ops->can_read(c)) {
        if (!read_step(c, &moved))
            break;
        moved |= write_out(c);
    }
    moved |= write_out(c);
    if (moved && c->ops->notify)
        c->ops->notify(c);
}
