/* Physical-device operations (physdev_op, hypercall 33): the I/O subset. */
#ifndef HERON_PUBLIC_PHYSDEV_H
#define HERON_PUBLIC_PHYSDEV_H

#include "xen.h"

#define PHYSDEVOP_eoi                12
#define PHYSDEVOP_irq_status_query    5
#define PHYSDEVOP_set_iopl            6
#define PHYSDEVOP_set_iobitmap        7

struct physdev_set_iopl {
    uint32_t iopl;
};

struct physdev_set_iobitmap {
    xen_guest_handle_t bitmap;
    uint32_t nr_ports;
    uint32_t _pad;
};

#endif
