/*
 * What heron-blkback and heron-netback share: the xenbus half of a PV
 * backend in dom0.  A backend daemon watches BACKEND_DIR (e.g.
 * /local/domain/0/backend/vbd) and @releaseDomain; every DOMID/DEVID
 * under it is a device in a fixed table.  The library follows each
 * device's XenbusState handshake with its frontend (Linux's
 * xenbus backend and Xen's io/xenbus.h):
 *
 *   node appears        open(): the daemon reads its nodes; details()
 *                       published with state InitWait (else Closed)
 *   frontend Initialised/Connected
 *                       event-channel bound, connect() maps the rings,
 *                       Connected, the frontend notified once
 *   frontend Closing    disconnect(), Closing
 *   frontend Closed/gone
 *                       disconnect(), Closed
 *   node removed        disconnect(), release(), slot freed
 *
 * A device that fails (connect refused, garbage ring indices:
 * backend_fail) goes Closing and is not connected again until its node
 * is made anew.  Every state write happens in a transaction that first
 * checks the device's directory still exists: the toolstack removes it
 * when the domain goes, and a late write would bring nodes back for
 * good.  The daemon serves rings when their event fires (serve()); it
 * may poll descriptors of its own next to the library's.  If xenstored
 * goes away, the connected devices are still served and nothing new is
 * noticed; a failed read never counts as a node gone.
 *
 * The library also holds the daemon's /dev/xen/evtchn and
 * /dev/xen/gntdev, maps grants (the rings) and copies to and from them
 * (the data) for it, and keeps its pid file (pidfile.h) from
 * backend_init to backend_fini.
 */
#ifndef HERON_BACKEND_H
#define HERON_BACKEND_H

#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <public/grant_table.h>
#include <public/io/xenbus.h>

#include "grant_copy.h"
#include "xs.h"

#define BACKEND_MAX_DEVS 32
#define BACKEND_MAP_MAX  16     /* grants in one backend_map() area */
#define BACKEND_COPY_MAX 64     /* copies in one call of backend_copy_ops() */
#define BACKEND_POLLFDS  16     /* descriptors a daemon may add to the loop */

struct backend_dev {
    bool used, seen;
    unsigned int domid, devid;
    char path[96];              /* BACKEND_DIR/DOMID/DEVID */
    char fe_path[96];           /* its frontend node */
    char fe_state[112];         /* fe_path/state, watched */
    bool watching;
    bool opened;                /* open() was called: release() will be */
    bool usable;                /* opened, InitWait published */
    bool connected;
    bool failed;                /* backend_fail(): not connected again */
    XenbusState state;          /* what we last wrote to path/state */
    int port;                   /* local event channel, -1 none */
    char rings[64];             /* the rings' refs, for the "connected" log line */
};

struct backend;

struct backend_ops {
    /* A new node: read and check its nodes, open what it needs; 0 or -1
     * (having logged why).  The device stays listed, Closed, on -1. */
    int (*open)(struct backend *be, struct backend_dev *d);
    /* Writes the details the frontend reads before it connects, in tx
     * (backend_put); 0, or nonzero if a write failed. */
    int (*details)(struct backend *be, struct backend_dev *d, uint32_t tx);
    /* Maps the frontend's rings (d->port is bound already), each taken
     * over from its last response (req_cons = rsp_prod_pvt =
     * sring->rsp_prod: 0 on a fresh ring, where a killed daemon stopped
     * on an old one), and fills d->rings; NULL on success, else why not
     * (nothing left mapped). */
    const char *(*connect)(struct backend *be, struct backend_dev *d);
    /* Unmaps the rings and logs the device's counters; d->port is still
     * bound (the library unbinds it after). */
    void (*disconnect)(struct backend *be, struct backend_dev *d, const char *why);
    /* Closes what open() opened, whether it succeeded or not (optional). */
    void (*release)(struct backend *be, struct backend_dev *d);
    /* Serves the devices marked in pending[] (their port fired). */
    void (*serve)(struct backend *be, bool *pending);
    /* The daemon's own descriptors, polled with the library's (optional):
     * pollfds() fills up to BACKEND_POLLFDS and returns how many;
     * polled() runs after every poll that saw something. */
    unsigned int (*pollfds)(struct backend *be, struct pollfd *p);
    void (*polled)(struct backend *be, struct pollfd *p, unsigned int n);
};

struct backend {
    const char *name;           /* the daemon's, for its log and pid file */
    const char *dir;            /* BACKEND_DIR */
    const struct backend_ops *ops;
    struct backend_dev devs[BACKEND_MAX_DEVS];
    int evtchn_fd, gntdev_fd;
    struct hxs *xs;
};

/* Opens the devices and xenstore, writes the pid file, sets SIGTERM and
 * SIGINT to end backend_run; 0, or logs why and returns -1. */
int backend_init(struct backend *be, const char *name, const char *dir,
                 const struct backend_ops *ops);
/* Watches dir and serves until SIGTERM or SIGINT. */
void backend_run(struct backend *be);
/* Releases every device, closes xenstore, removes the pid file. */
void backend_fini(struct backend *be);

static inline unsigned int backend_index(const struct backend *be, const struct backend_dev *d)
{
    return (unsigned int)(d - be->devs);
}

/* Logs why, disconnects d and goes Closing, for good (until its node is made anew). */
void backend_fail(struct backend *be, struct backend_dev *d, const char *why);
/* Notifies d's frontend on its event channel. */
void backend_kick(struct backend *be, struct backend_dev *d);

/* dir/key's value (malloc'd), NULL if absent. */
char *backend_get(struct backend *be, const char *dir, const char *key);
/* dir/key as a decimal number into *n (-1 if none): 0, ENOENT if absent,
 * EINVAL if not a number, or xenstore's error. */
int backend_read_num(struct backend *be, const char *dir, const char *key, long *n);
/* dir/key as a decimal number, -1 if absent, not one, or unreadable. */
long backend_get_num(struct backend *be, const char *dir, const char *key);
/* Writes dir/key = val in tx; 0 or an errno. */
int backend_put(struct backend *be, uint32_t tx, const char *dir, const char *key,
                const char *val);
int backend_put_num(struct backend *be, uint32_t tx, const char *dir, const char *key,
                    unsigned long long val);

/* Maps n (<= BACKEND_MAP_MAX) grants of domid as one area through
 * gntdev, writable unless readonly; NULL on failure. */
void *backend_map(struct backend *be, uint16_t domid, const grant_ref_t *refs, unsigned int n,
                  bool readonly);
void backend_unmap(struct backend *be, void *area, unsigned int n);
/* The copy op for a daemon's serving code (grant_copy.h): up to
 * BACKEND_COPY_MAX copies in one IOCTL_GNTDEV_GRANT_COPY. */
struct grant_copy_ops backend_copy_ops(struct backend *be);

#endif
