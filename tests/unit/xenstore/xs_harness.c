/* In-memory transports for the xenstored unit tests. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "xs_harness.h"

struct pipe {
    char *in;               /* bytes the peer sent, not yet read */
    size_t in_len, in_off;
    char *out;              /* bytes we wrote, not yet parsed */
    size_t out_len;
    struct xt_msg *events;  /* set aside while looking for replies */
    size_t nevents, ev_off;
    bool closed;
};

static ssize_t pipe_read(struct conn *c, void *buf, size_t len)
{
    struct pipe *p = c->tp;
    size_t n = p->in_len - p->in_off;

    if (n > len)
        n = len;
    memcpy(buf, p->in + p->in_off, n);
    p->in_off += n;
    return n;
}

static ssize_t pipe_write(struct conn *c, const void *buf, size_t len)
{
    struct pipe *p = c->tp;

    p->out = realloc(p->out, p->out_len + len);
    memcpy(p->out + p->out_len, buf, len);
    p->out_len += len;
    return len;
}

static bool pipe_can_read(struct conn *c)
{
    struct pipe *p = c->tp;

    return p->in_off < p->in_len;
}

static bool pipe_can_write(struct conn *c)
{
    (void)c;
    return true;
}

static void pipe_release(struct conn *c)
{
    struct pipe *p = c->tp;

    free(p->in);
    free(p->out);
    free(p->events);
    free(p);
}

static const struct conn_ops pipe_ops = {
    .read = pipe_read,
    .write = pipe_write,
    .can_read = pipe_can_read,
    .can_write = pipe_can_write,
    .release = pipe_release,
};

struct conn *xt_conn(struct xsd *x, uint32_t domid, bool privileged)
{
    struct pipe *p = calloc(1, sizeof(*p));
    struct conn *c = conn_new(x, &pipe_ops, p, -1, domid, privileged);

    if (!privileged)
        c->dom = xsd_domain(x, domid, true);
    return c;
}

struct conn *xt_domain_conn(struct xsd *x, uint32_t domid)
{
    struct domain *d = xsd_domain(x, domid, false);
    struct conn *c;

    if (d->conn && d->conn->ops == &pipe_ops && !d->conn->dead)
        return d->conn;
    if (d->conn)
        conn_destroy(d->conn);
    c = xt_conn(x, domid, false);
    d->conn = c;
    return c;
}

void xt_drain(struct conn *c)
{
    struct pipe *p = c->tp;

    conn_flush(c);
    p->out_len = 0;
    p->nevents = p->ev_off = 0;
}

bool xt_peer_closed(struct conn *c)
{
    return c->dead;
}

void xt_feed(struct conn *c, const void *data, size_t len)
{
    struct pipe *p = c->tp;

    p->in = realloc(p->in, p->in_len + len);
    memcpy(p->in + p->in_len, data, len);
    p->in_len += len;
    conn_service(c);
}

void xt_send(struct conn *c, uint32_t type, uint32_t tx, const void *payload,
             size_t len)
{
    static uint32_t req_id = 100;
    struct xsd_sockmsg h = { type, ++req_id, tx, (uint32_t)len };
    char *buf = malloc(sizeof(h) + len + 1);

    memcpy(buf, &h, sizeof(h));
    memcpy(buf + sizeof(h), payload, len);
    xt_feed(c, buf, sizeof(h) + len);
    free(buf);
}

/* Pops the next whole message we wrote. */
static bool pop_out(struct pipe *p, struct xt_msg *m)
{
    if (p->out_len < sizeof(m->hdr))
        return false;
    memcpy(&m->hdr, p->out, sizeof(m->hdr));
    if (p->out_len < sizeof(m->hdr) + m->hdr.len)
        return false;
    memcpy(m->data, p->out + sizeof(m->hdr), m->hdr.len);
    m->data[m->hdr.len] = '\0';
    p->out_len -= sizeof(m->hdr) + m->hdr.len;
    memmove(p->out, p->out + sizeof(m->hdr) + m->hdr.len, p->out_len);
    return true;
}

static void collect_events(struct pipe *p, struct xt_msg *reply, bool *got)
{
    struct xt_msg m;

    *got = false;
    while (pop_out(p, &m)) {
        if (m.hdr.type == XS_WATCH_EVENT) {
            p->events = realloc(p->events, (p->nevents + 1) * sizeof(m));
            p->events[p->nevents++] = m;
        } else if (!*got) {
            *reply = m;
            *got = true;
            return;
        }
    }
}

bool xt_reply(struct conn *c, struct xt_msg *m)
{
    bool got;

    conn_flush(c);
    collect_events(c->tp, m, &got);
    return got;
}

size_t xt_pending_events(struct conn *c)
{
    struct pipe *p = c->tp;
    struct xt_msg m;
    bool got;

    conn_flush(c);
    collect_events(p, &m, &got);
    return p->nevents - p->ev_off;
}

bool xt_event(struct conn *c, struct xt_msg *m)
{
    struct pipe *p = c->tp;

    if (!xt_pending_events(c))
        return false;
    *m = p->events[p->ev_off++];
    return true;
}

int xt_call(struct conn *c, uint32_t type, uint32_t tx, const void *payload,
            size_t len, struct xt_msg *m)
{
    static struct xt_msg scratch;
    size_t i;

    if (!m)
        m = &scratch;
    xt_send(c, type, tx, payload, len);
    if (!xt_reply(c, m))
        return -1;
    if (m->hdr.type != XS_ERROR)
        return 0;
    for (i = 0; i < sizeof(xsd_errors) / sizeof(xsd_errors[0]); i++)
        if (!strcmp(m->data, xsd_errors[i].errstring))
            return xsd_errors[i].errnum;
    return -2;
}

const char *xt_strs(size_t *len, ...)
{
    static char buf[2][XENSTORE_PAYLOAD_MAX * 2];
    static int which;
    char *b = buf[which ^= 1];
    const char *s;
    va_list ap;

    *len = 0;
    va_start(ap, len);
    while ((s = va_arg(ap, const char *))) {
        size_t l = strlen(s) + 1;

        memcpy(b + *len, s, l);
        *len += l;
    }
    va_end(ap);
    return b;
}

int xt_write(struct conn *c, uint32_t tx, const char *path, const char *val)
{
    char buf[XENSTORE_PAYLOAD_MAX * 2];
    size_t pl = strlen(path) + 1, vl = strlen(val);

    memcpy(buf, path, pl);
    memcpy(buf + pl, val, vl);
    return xt_call(c, XS_WRITE, tx, buf, pl + vl, NULL);
}

int xt_read(struct conn *c, uint32_t tx, const char *path, char *out,
            size_t cap)
{
    struct xt_msg m;
    int err = xt_call(c, XS_READ, tx, path, strlen(path) + 1, &m);

    if (!err && out) {
        size_t n = m.hdr.len < cap - 1 ? m.hdr.len : cap - 1;

        memcpy(out, m.data, n);
        out[n] = '\0';
    }
    return err;
}

int xt_op1(struct conn *c, uint32_t type, uint32_t tx, const char *arg)
{
    return xt_call(c, type, tx, arg, strlen(arg) + 1, NULL);
}

int xt_op2(struct conn *c, uint32_t type, uint32_t tx, const char *a,
           const char *b)
{
    size_t len;
    const char *p = xt_strs(&len, a, b, NULL);

    return xt_call(c, type, tx, p, len, NULL);
}

static int mem_attach(void *arg, uint32_t domid, uint64_t gfn,
                      uint32_t remote_port,
                      struct xenstore_domain_interface **intf,
                      uint32_t *local_port)
{
    struct xt_rings *r = arg;

    (void)gfn;
    (void)remote_port;
    if (r->fail_attach)
        return r->fail_attach;
    if (domid >= 16)
        return EINVAL;
    if (!r->page[domid])
        r->page[domid] = calloc(1, 4096);
    *intf = r->page[domid];
    *local_port = domid;
    r->attached++;
    return 0;
}

static void mem_detach(void *arg, uint32_t domid,
                       struct xenstore_domain_interface *intf,
                       uint32_t local_port)
{
    struct xt_rings *r = arg;

    (void)domid;
    (void)intf;
    (void)local_port;
    r->detached++;
}

static void mem_notify(void *arg, uint32_t local_port)
{
    struct xt_rings *r = arg;

    r->kicks[local_port]++;
}

void xt_rings_init(struct xt_rings *r)
{
    memset(r, 0, sizeof(*r));
    r->backend = (struct ring_backend){
        .attach = mem_attach,
        .detach = mem_detach,
        .notify = mem_notify,
        .arg = r,
    };
}

void xt_rings_fini(struct xt_rings *r)
{
    unsigned i;

    for (i = 0; i < 16; i++)
        free(r->page[i]);
}
