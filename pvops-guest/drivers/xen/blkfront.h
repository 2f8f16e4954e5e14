/* blkfront: the PV block frontend (blkfront.c), a xenbus "vbd" driver. */
#ifndef GUEST_BLKFRONT_H
#define GUEST_BLKFRONT_H

struct xenbus_device;

/* Connects device/vbd/ID to its backend and registers /dev/xvdX; 0 or -errno. */
int blkfront_probe(struct xenbus_device *dev);

#endif
