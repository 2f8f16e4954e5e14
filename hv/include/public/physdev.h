/* Physical-device operations (physdev_op, hypercall 33): I/O privilege
 * and the physical IRQs of the hardware domain. */
#ifndef HERON_PUBLIC_PHYSDEV_H
#define HERON_PUBLIC_PHYSDEV_H

#include "xen.h"

#define PHYSDEVOP_eoi                12
#define PHYSDEVOP_irq_status_query    5
#define PHYSDEVOP_set_iopl            6
#define PHYSDEVOP_set_iobitmap        7
#define PHYSDEVOP_map_pirq           13
#define PHYSDEVOP_unmap_pirq         14

struct physdev_eoi {
    uint32_t irq;
};

struct physdev_irq_status_query {
    uint32_t irq;
    uint32_t flags;                 /* out: XENIRQSTAT_* */
};

#define XENIRQSTAT_needs_eoi    (1u << 0)
#define XENIRQSTAT_shared       (1u << 1)

#define MAP_PIRQ_TYPE_MSI       0x0
#define MAP_PIRQ_TYPE_GSI       0x1

struct physdev_map_pirq {
    domid_t domid;
    int32_t type;                   /* MAP_PIRQ_TYPE_* */
    int32_t index;                  /* the GSI */
    int32_t pirq;                   /* in: -1 (any) or wanted; out: mapped */
    int32_t bus;
    int32_t devfn;
    int32_t entry_nr;
    uint64_t table_base;
};

struct physdev_unmap_pirq {
    domid_t domid;
    int32_t pirq;
};

struct physdev_set_iopl {
    uint32_t iopl;
};

struct physdev_set_iobitmap {
    xen_guest_handle_t bitmap;
    uint32_t nr_ports;
    uint32_t _pad;
};

#endif
