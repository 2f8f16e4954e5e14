/*
 * Test harness for heron-xenstored's core: connections over an in-memory
 * byte pipe, a ring backend over ordinary memory, and request helpers.
 */
#ifndef XS_HARNESS_H
#define XS_HARNESS_H

#include "xsd.h"

struct xt_msg {
    struct xsd_sockmsg hdr;
    char data[XENSTORE_PAYLOAD_MAX + 1];    /* NUL after hdr.len bytes */
};

/* A connection fed by the test; unprivileged ones get their domain. */
struct conn *xt_conn(struct xsd *x, uint32_t domid, bool privileged);
/* Swaps an introduced domain's ring connection for a pipe one (once). */
struct conn *xt_domain_conn(struct xsd *x, uint32_t domid);
/* Queues raw bytes as if the peer sent them, then serves the connection. */
void xt_feed(struct conn *c, const void *data, size_t len);
void xt_send(struct conn *c, uint32_t type, uint32_t tx, const void *payload,
             size_t len);
/* Next reply (watch events are set aside), false if none. */
bool xt_reply(struct conn *c, struct xt_msg *m);
/* Next watch event, false if none. */
bool xt_event(struct conn *c, struct xt_msg *m);
size_t xt_pending_events(struct conn *c);
/* Sends and returns 0 or the errno named by an ERROR reply; -1 if no reply. */
int xt_call(struct conn *c, uint32_t type, uint32_t tx, const void *payload,
            size_t len, struct xt_msg *m);
/* Payload from strings, each NUL-terminated: xt_strs(&len, "a", "b", NULL). */
const char *xt_strs(size_t *len, ...);
/* Convenience: 0 or errno. */
int xt_write(struct conn *c, uint32_t tx, const char *path, const char *val);
int xt_read(struct conn *c, uint32_t tx, const char *path, char *out, size_t cap);
int xt_op1(struct conn *c, uint32_t type, uint32_t tx, const char *arg);
int xt_op2(struct conn *c, uint32_t type, uint32_t tx, const char *a,
           const char *b);
bool xt_peer_closed(struct conn *c);
/* Discards everything the connection has sent so far. */
void xt_drain(struct conn *c);

/* A ring backend whose "domain pages" are calloc'd memory. */
struct xt_rings {
    struct ring_backend backend;
    struct xenstore_domain_interface *page[16];
    unsigned kicks[16];
    int fail_attach;            /* errno attach returns, 0 for success */
    unsigned attached, detached;
};
void xt_rings_init(struct xt_rings *r);
void xt_rings_fini(struct xt_rings *r);

#endif
