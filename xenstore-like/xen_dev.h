/* The ring backend for a Linux dom0: /dev/xen/gntdev and /dev/xen/evtchn. */
#ifndef XSD_XEN_DEV_H
#define XSD_XEN_DEV_H

#include "xsd.h"

struct xen_dev {
    int evtchn_fd;      /* opened at the first INTRODUCE */
    int gntdev_fd;
    struct ring_backend backend;
};

void xen_dev_init(struct xen_dev *xd);
void xen_dev_fini(struct xen_dev *xd);

#endif
