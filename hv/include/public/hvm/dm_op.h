/*
 * dm_op (hypercall 41): what a device model asks of hv about the domain
 * it emulates devices for (Xen's public/hvm/dm_op.h; the operations hv
 * implements).  dm_op(domid, nr_bufs, bufs): bufs[0] holds a struct
 * xen_dm_op, read and written back in place.
 */
#ifndef __XEN_PUBLIC_HVM_DM_OP_H__
#define __XEN_PUBLIC_HVM_DM_OP_H__

#include "../xen.h"
#include "../event_channel.h"

typedef uint16_t ioservid_t;

/* Creates a disabled ioreq server; handle_bufioreq must be 0 (hv has no
 * buffered ioreqs). */
#define XEN_DMOP_create_ioreq_server 1

struct xen_dm_op_create_ioreq_server {
    uint8_t handle_bufioreq;        /* IN */
    uint8_t pad[3];
    ioservid_t id;                  /* OUT */
};
typedef struct xen_dm_op_create_ioreq_server xen_dm_op_create_ioreq_server_t;

/* Where the server's shared ioreq page is: ioreq_gfn (for a PV device
 * model, hv gives the machine frame, which it maps as a foreign frame of
 * the emulated domain).  XEN_DMOP_no_gfns: frames not wanted. */
#define XEN_DMOP_get_ioreq_server_info 2

struct xen_dm_op_get_ioreq_server_info {
    ioservid_t id;                  /* IN */
    uint16_t flags;                 /* IN */
#define _XEN_DMOP_no_gfns 0
#define XEN_DMOP_no_gfns (1u << _XEN_DMOP_no_gfns)
    evtchn_port_t bufioreq_port;    /* OUT */
    uint64_t ioreq_gfn;             /* OUT */
    uint64_t bufioreq_gfn;          /* OUT */
};
typedef struct xen_dm_op_get_ioreq_server_info xen_dm_op_get_ioreq_server_info_t;

/* Claims (or gives back) an inclusive range of ports or MMIO addresses. */
#define XEN_DMOP_map_io_range_to_ioreq_server 3
#define XEN_DMOP_unmap_io_range_from_ioreq_server 4

struct xen_dm_op_ioreq_server_range {
    ioservid_t id;                  /* IN */
    uint16_t pad;
    uint32_t type;                  /* IN */
#define XEN_DMOP_IO_RANGE_PORT   0
#define XEN_DMOP_IO_RANGE_MEMORY 1
#define XEN_DMOP_IO_RANGE_PCI    2
    uint64_t start, end;            /* IN, inclusive */
};
typedef struct xen_dm_op_ioreq_server_range xen_dm_op_ioreq_server_range_t;

/* Accesses reach the server only while it is enabled. */
#define XEN_DMOP_set_ioreq_server_state 5

struct xen_dm_op_set_ioreq_server_state {
    ioservid_t id;                  /* IN */
    uint8_t enabled;                /* IN */
    uint8_t pad;
};
typedef struct xen_dm_op_set_ioreq_server_state xen_dm_op_set_ioreq_server_state_t;

#define XEN_DMOP_destroy_ioreq_server 6

struct xen_dm_op_destroy_ioreq_server {
    ioservid_t id;                  /* IN */
    uint16_t pad;
};
typedef struct xen_dm_op_destroy_ioreq_server xen_dm_op_destroy_ioreq_server_t;

/* Drives an ISA interrupt line of the emulated domain. */
#define XEN_DMOP_set_isa_irq_level 9

struct xen_dm_op_set_isa_irq_level {
    uint8_t isa_irq;                /* IN, 0-15 */
    uint8_t level;                  /* IN, 0 or 1 */
};
typedef struct xen_dm_op_set_isa_irq_level xen_dm_op_set_isa_irq_level_t;

struct xen_dm_op {
    uint32_t op;
    uint32_t pad;
    union {
        xen_dm_op_create_ioreq_server_t create_ioreq_server;
        xen_dm_op_get_ioreq_server_info_t get_ioreq_server_info;
        xen_dm_op_ioreq_server_range_t map_io_range_to_ioreq_server;
        xen_dm_op_ioreq_server_range_t unmap_io_range_from_ioreq_server;
        xen_dm_op_set_ioreq_server_state_t set_ioreq_server_state;
        xen_dm_op_destroy_ioreq_server_t destroy_ioreq_server;
        xen_dm_op_set_isa_irq_level_t set_isa_irq_level;
        uint8_t xen_union_size[24];  /* Xen's union is 24 bytes */
    } u;
};

struct xen_dm_op_buf {
    xen_guest_handle_t h;
    xen_ulong_t size;
};
typedef struct xen_dm_op_buf xen_dm_op_buf_t;

#endif
