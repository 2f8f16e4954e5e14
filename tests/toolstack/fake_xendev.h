/*
 * Stand-ins for dom0's /dev/xen/evtchn and /dev/xen/gntdev in host tests
 * of heron-consoled and heron-xenstored (linked with
 * -Wl,--wrap=open,--wrap=ioctl,--wrap=mmap):
 * one domain whose grant reference 0 is a shared page (its console ring)
 * and whose console port binds to local port FAKE_LOCAL_PORT.  The event
 * channel device is one end of a socketpair: the test writes fired ports
 * to the other end.  Counters live in shared memory, so a forked daemon's
 * calls are visible to the test.
 */
#ifndef TESTS_TOOLSTACK_FAKE_XENDEV_H
#define TESTS_TOOLSTACK_FAKE_XENDEV_H

#include <stdint.h>

#include <public/io/console.h>

#define FAKE_LOCAL_PORT 7

struct fake_xendev {
    struct xencons_interface *ring;     /* the domain's console page */
    int event_fd;                       /* write a uint32_t port: it fires */
    volatile unsigned int *notifies;    /* IOCTL_EVTCHN_NOTIFY calls */
    volatile unsigned int *unmaps;      /* grant unmaps */
    volatile unsigned int *unbinds;     /* port unbinds */
};

/* Before forking the daemon: the domain, its console port, the state. */
void fake_xendev_setup(struct fake_xendev *x, unsigned int domid, unsigned int port);

/*
 * Instead: grants and ports of the fake hv's domains (any domain, any
 * reference it permits dom0), each bound port a new local port; no
 * events are ever raised (daemons must cope by polling).  x gets the
 * counters only.
 */
struct fake_hv;
void fake_xendev_use_hv(struct fake_xendev *x, struct fake_hv *f);

#endif
