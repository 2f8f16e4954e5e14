/* netfront: the PV network frontend (netfront.c), a xenbus "vif" driver. */
#ifndef GUEST_NETFRONT_H
#define GUEST_NETFRONT_H

struct xenbus_device;

/* Connects device/vif/ID to its backend and registers ethN; 0 or -errno. */
int netfront_probe(struct xenbus_device *dev);

#endif
