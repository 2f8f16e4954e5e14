/*
 * I/O requests from hv to a device model (Xen's public/hvm/ioreq.h): the
 * shared ioreq page holds one request slot per vCPU of the emulated
 * domain.  hv fills a slot and sets it READY; the device model takes it
 * (INPROCESS), performs it, writes the result of a read into data and
 * sets IORESP_READY; hv then completes the guest's instruction and the
 * slot goes back to NONE.  Each side notifies the other through the
 * slot's event channel (vp_eport, a port of the emulated domain).
 */
#ifndef __XEN_PUBLIC_HVM_IOREQ_H__
#define __XEN_PUBLIC_HVM_IOREQ_H__

#include <stdint.h>

#define IOREQ_READ      1
#define IOREQ_WRITE     0

#define STATE_IOREQ_NONE        0
#define STATE_IOREQ_READY       1
#define STATE_IOREQ_INPROCESS   2
#define STATE_IORESP_READY      3

#define IOREQ_TYPE_PIO          0       /* port I/O */
#define IOREQ_TYPE_COPY         1       /* MMIO */
#define IOREQ_TYPE_PCI_CONFIG   2
#define IOREQ_TYPE_TIMEOFFSET   7
#define IOREQ_TYPE_INVALIDATE   8

struct ioreq {
    uint64_t addr;          /* port or guest-physical address */
    uint64_t data;          /* the value (or, with data_is_ptr, its address) */
    uint32_t count;         /* repetitions (rep prefixes) */
    uint32_t size;          /* bytes */
    uint32_t vp_eport;      /* event channel to/from the device model */
    uint16_t _pad0;
    uint8_t state:4;
    uint8_t data_is_ptr:1;
    uint8_t dir:1;          /* IOREQ_READ or IOREQ_WRITE */
    uint8_t df:1;
    uint8_t _pad1:1;
    uint8_t type;           /* IOREQ_TYPE_* */
};
typedef struct ioreq ioreq_t;

struct shared_iopage {
    struct ioreq vcpu_ioreq[1];     /* one per vCPU, as many as it has */
};
typedef struct shared_iopage shared_iopage_t;

#endif
