/*
 * heron-xenstored internals: connections, the request core, watches,
 * transactions, quotas and domains.  The core never knows which transport
 * a connection uses; transports plug in through struct conn_ops.
 */
#ifndef XSD_XSD_H
#define XSD_XSD_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <public/io/xs_wire.h>

#include "store.h"

/* Who is asking: the identity every permission check is made against. */
struct caller {
    uint32_t domid;
    bool privileged;        /* dom0 and its sockets: no checks, no quotas */
    int target;             /* SET_TARGET: act as this domain too, or -1 */
};

/* ---- paths and permissions (path.c, perms.c) ---- */
int path_home(uint32_t domid, char *buf, size_t cap);
/* rel_max: longest path below the caller's home (0: unlimited). */
int path_canonical(uint32_t domid, unsigned rel_max, const char *in,
                   bool allow_special, char **out);
char *path_parent(const char *p);
const char *path_leaf(const char *p);
/* depth < 0: any descendant; 0: only the node; 1: also children; ... */
bool path_is_child(const char *child, const char *parent, int depth);

unsigned perm_for(const struct caller *c, const struct xs_perm *p, uint32_t n);
int perm_parse(const char *s, struct xs_perm *out);
size_t perm_format(const struct xs_perm *p, char *buf, size_t cap);

/* ---- quotas (quota.c) ---- */
enum quota_item {
    Q_NODES,            /* nodes a domain owns */
    Q_WATCHES,          /* watches per connection */
    Q_TRANSACTIONS,     /* open transactions per connection */
    Q_NODE_SIZE,        /* bytes in one value */
    Q_PERMS,            /* entries in one node's permission list */
    Q_PATH_MAX,         /* path length below /local/domain/<id>/ */
    Q_REQUEST_SIZE,     /* request payload bytes (E2BIG above) */
    Q_COUNT
};
extern const char *const quota_name[Q_COUNT];
extern const unsigned quota_default[Q_COUNT];
int quota_lookup(const char *name);

/* ---- domains (domain.c) ---- */

/*
 * How the daemon reaches a domain's ring page and event channel.  The
 * Linux implementation (xen_dev.c) needs /dev/xen/{gntdev,evtchn}: a dom0.
 */
struct ring_backend {
    int (*attach)(void *arg, uint32_t domid, uint64_t gfn,
                  uint32_t remote_port,
                  struct xenstore_domain_interface **intf,
                  uint32_t *local_port);
    void (*detach)(void *arg, uint32_t domid,
                   struct xenstore_domain_interface *intf,
                   uint32_t local_port);
    void (*notify)(void *arg, uint32_t local_port);
    /* Descriptor that becomes readable on a kick (-1: none yet). */
    int (*poll_fd)(void *arg);
    /* Acknowledges the pending kicks. */
    void (*drain)(void *arg);
    void *arg;
};

struct domain {
    uint32_t domid;
    unsigned nodes;             /* live nodes owned */
    unsigned quota[Q_COUNT];    /* this domain's limits (0: unlimited) */
    uint32_t features;          /* XENSTORE_SERVER_FEATURE_* offered */
    bool introduced;
    bool shutdown_reported;
    struct conn *conn;          /* its ring connection once introduced */
    struct xenstore_domain_interface *intf;
    uint32_t port;              /* our end of its event channel */
    struct domain *next;
};

/* ---- connections (conn.c) ---- */
struct conn;

struct conn_ops {
    /* Bytes read (0: none now) or -XENSTORE_ERROR_* when broken. */
    ssize_t (*read)(struct conn *c, void *buf, size_t len);
    /* Bytes written (0: no room now) or -XENSTORE_ERROR_* when broken. */
    ssize_t (*write)(struct conn *c, const void *buf, size_t len);
    bool (*can_read)(struct conn *c);
    bool (*can_write)(struct conn *c);
    /* Tells the peer that data moved (ring: event channel). */
    void (*notify)(struct conn *c);
    /* Ring only: handles a reconnect request; true if one happened. */
    bool (*check_reset)(struct conn *c);
    void (*release)(struct conn *c);
};

struct outmsg {
    struct outmsg *next;
    size_t len, off;
    char data[];
};

struct watch {
    char *path;             /* canonical */
    char *token;
    int depth;              /* -1: unlimited */
    size_t strip;           /* bytes to drop from event paths (relative) */
    struct watch *next;
};

struct xsd;

struct conn {
    const struct conn_ops *ops;
    void *tp;               /* transport state */
    int fd;                 /* polled descriptor, -1 for rings */
    struct xsd *xsd;
    struct caller who;
    struct domain *dom;     /* NULL for local sockets */

    struct xsd_sockmsg hdr; /* request being assembled */
    uint32_t hdr_got;
    char *in;
    uint32_t in_got;

    struct outmsg *out_head, *out_tail;
    size_t out_bytes;

    struct watch *watches;
    unsigned nwatches;
    struct txn *txns;
    unsigned ntxns;
    uint32_t next_txid;

    bool dead;              /* close when seen by the loop */
    bool stalled;           /* ring error set: wait for a reconnect */
    struct conn *next;
};

/* Output queued above this stops us reading more requests. */
#define CONN_OUT_THROTTLE (64 * 1024)
/* A peer that lets this much pile up (watch events) is dropped. */
#define CONN_OUT_LIMIT    (4 * 1024 * 1024)

struct conn *conn_new(struct xsd *x, const struct conn_ops *ops, void *tp,
                      int fd, uint32_t domid, bool privileged);
/* Reads and handles requests, then flushes replies; never blocks. */
void conn_service(struct conn *c);
void conn_flush(struct conn *c);
int conn_send(struct conn *c, uint32_t type, uint32_t req_id,
              uint32_t tx_id, const void *data, size_t len);
void conn_send_error(struct conn *c, const struct xsd_sockmsg *req, int err);
/* Drops watches, transactions and partial messages (ring reset). */
void conn_reset(struct conn *c);
/* Stops talking to a broken peer; ring peers learn why via the error field. */
void conn_fail(struct conn *c, int ring_error);
void conn_destroy(struct conn *c);

/* ---- the daemon (xsd.c) ---- */
struct xsd {
    struct store store;
    struct conn *conns;
    struct domain *domains;
    unsigned quota[Q_COUNT];            /* defaults for new domains */
#define SPECIAL_PERMS_MAX 8
    struct xs_perm intro_perms[SPECIAL_PERMS_MAX];
    struct xs_perm release_perms[SPECIAL_PERMS_MAX];
    uint32_t n_intro_perms, n_release_perms;
    const struct ring_backend *backend; /* NULL: no rings on this host */
};

int xsd_init(struct xsd *x, const struct ring_backend *backend);
void xsd_fini(struct xsd *x);
struct domain *xsd_domain(struct xsd *x, uint32_t domid, bool create);
/* Frees connections marked dead. */
void xsd_reap(struct xsd *x);
/* Serves sockets on listen_fd and rings until *stop is set by a signal. */
int xsd_run(struct xsd *x, int listen_fd, volatile int *stop);
unsigned xsd_limit(const struct conn *c, enum quota_item q);

/* ---- requests (dispatch.c and the op files) ---- */
struct req {
    struct conn *c;
    const struct xsd_sockmsg *hdr;
    const char *data;
    uint32_t len;
    struct txn *tx;
    struct view view;
};

/* Handles one request; data[hdr->len] must be a NUL the sender did not count. */
void dispatch(struct conn *c, const struct xsd_sockmsg *hdr, const char *data);
int reply(struct req *r, const void *data, size_t len);
int reply_ok(struct req *r);
int reply_str(struct req *r, const char *s);
/* Splits the payload: the number of NUL-terminated strings in it. */
unsigned req_strings(const struct req *r, const char **v, unsigned max);
/* The payload is exactly one string: returns it, else NULL. */
const char *req_onearg(const struct req *r);
int req_path(struct req *r, const char *in, bool allow_special, char **out);
/* Deletes path and its subtree in v, firing (or queueing) watches. */
int tree_remove(struct xsd *x, struct view *v, uint32_t caller,
                const char *path);

/* Handlers, one per message type; 0 if replied, else the error. */
int op_read(struct req *r);
int op_write(struct req *r);
int op_mkdir(struct req *r);
int op_rm(struct req *r);
int op_directory(struct req *r);
int op_directory_part(struct req *r);
int op_get_perms(struct req *r);
int op_set_perms(struct req *r);
int op_watch(struct req *r);
int op_unwatch(struct req *r);
int op_reset_watches(struct req *r);
int op_transaction_start(struct req *r);
int op_transaction_end(struct req *r);
int op_introduce(struct req *r);
int op_release(struct req *r);
int op_get_domain_path(struct req *r);
int op_is_domain_introduced(struct req *r);
int op_resume(struct req *r);
int op_set_target(struct req *r);
int op_get_feature(struct req *r);
int op_set_feature(struct req *r);
int op_get_quota(struct req *r);
int op_set_quota(struct req *r);
int op_control(struct req *r);

/* ---- watches (watch.c) ---- */
enum watch_match { MATCH_SUBTREE, MATCH_EXACT };

/* Fires now, or on commit when tx is a transaction. */
void watch_event(struct xsd *x, struct txn *tx, const char *path,
                 enum watch_match m);
void watch_fire(struct xsd *x, const char *path, enum watch_match m,
                const struct xs_perm *old, uint32_t nold);
void watch_fire_special(struct xsd *x, const char *name, uint32_t domid);
void watch_free_all(struct conn *c);

/* ---- transactions (txn.c) ---- */
int txn_lookup(struct conn *c, uint32_t id, struct txn **out);
void txn_free_all(struct conn *c);

/* ---- store checks (check.c) ---- */
/* Verifies parent/child links and ownership counts; 0 or EIO. */
int store_check(struct xsd *x);

/* ---- domains (domain.c) ---- */
void domain_release(struct xsd *x, struct domain *d);
/* Runs every ring connection after an event-channel kick. */
void domain_service_all(struct xsd *x);

/* ---- transports ---- */
struct conn *socket_conn_new(struct xsd *x, int fd);
struct conn *ring_conn_new(struct xsd *x, struct domain *d);

#endif
