/*
 * xenbus: the kernel's xenstore client over the domain's store ring
 * (start_info's store_mfn and store_evtchn), and /dev/xen/xenbus, which
 * hands that connection to programs as Linux's xenbus_dev_frontend does
 * (docs/split-drivers.md).
 */
#ifndef GUEST_XENBUS_H
#define GUEST_XENBUS_H

#include <public/io/xenbus.h>
#include <public/io/xs_wire.h>
#include <public/xen.h>

#include "kernel.h"

struct inode;

/* Connects to the store ring, if this domain has one (a domU). */
void xenbus_init(void);
bool xenbus_connected(void);

/*
 * One request and its reply.  m->type, m->tx_id and m->len (of body) in;
 * out: m->type (XS_ERROR: reply is the error's name) and m->len (of reply,
 * which holds at most XENSTORE_PAYLOAD_MAX bytes).  Sleeps; process
 * context only.  Returns 0, or -EIO if the store is not connected.
 */
int xenbus_talk(struct xsd_sockmsg *m, const void *body, char *reply);

/*
 * Watches: fn runs from the event handler (events masked, nothing may
 * sleep) with the path that changed.  xenbus_watch registers w->path
 * and sends XS_WATCH; the reply (an error name or "OK") goes to reply.
 */
struct xenbus_watch {
	const char *path;
	void (*fn)(struct xenbus_watch *w, const char *path);
	bool registered;
};
int xenbus_watch(struct xenbus_watch *w, struct xsd_sockmsg *m, char *reply);
int xenbus_unwatch(struct xenbus_watch *w, struct xsd_sockmsg *m, char *reply);

/* Waits for an event (a process sleeps on chan; at boot the kernel halts). */
void xenbus_wait(const void *chan, uint64_t deadline_ns);

/* Convenience calls (xenbus_front.c): 0 or a positive errno name's -errno. */
int xenbus_read(const char *path, char *buf, size_t size);
int xenbus_read_ull(const char *path, unsigned long long *v);
int xenbus_write(uint32_t tx, const char *path, const char *value);

/*
 * A frontend device: device/TYPE/ID in the domain's home, its backend
 * (otherend) and the backend's state, watched.  The state machine is
 * Xen's (io/xenbus.h; docs/split-drivers.md).
 */
struct xenbus_device {
	char nodename[64];        /* "device/vbd/51712" (relative to the home) */
	char otherend[128];       /* the backend's path */
	domid_t otherend_id;
	unsigned int id;          /* the ID part of nodename */
	struct xenbus_watch otherend_watch;
	char otherend_state_path[160];
	/* Set by the watch (event context) whenever the backend's state
	 * node changes; a driver clears it when it reads the state from
	 * process context (nothing else may read xenstore). */
	bool otherend_changed;
};

int xenbus_switch_state(struct xenbus_device *dev, XenbusState state);
XenbusState xenbus_otherend_state(struct xenbus_device *dev);
/* Waits up to timeout_ns for the backend to reach a state in mask (bits
 * 1 << state); returns the state it is in then. */
XenbusState xenbus_wait_otherend(struct xenbus_device *dev, unsigned int mask,
				 uint64_t timeout_ns);
/* Probes device/TYPE/ID for the frontend drivers built in (kernel_main). */
void xenbus_probe_frontends(void);

/* /dev/xen/xenbus */
extern const struct file_ops xenbus_dev_ops;

#endif
