/*
 * The xenbus device states both ends of a split driver publish in their
 * "state" node (Xen's io/xenbus.h; the handshake is described in
 * docs/split-drivers.md).
 */
#ifndef HERON_PUBLIC_IO_XENBUS_H
#define HERON_PUBLIC_IO_XENBUS_H

enum xenbus_state {
    XenbusStateUnknown       = 0,
    XenbusStateInitialising  = 1,
    XenbusStateInitWait      = 2,  /* backend: waiting for the frontend's details */
    XenbusStateInitialised   = 3,  /* frontend: ring details published */
    XenbusStateConnected     = 4,
    XenbusStateClosing       = 5,
    XenbusStateClosed        = 6,
    XenbusStateReconfiguring = 7,
    XenbusStateReconfigured  = 8
};
typedef enum xenbus_state XenbusState;

#endif
