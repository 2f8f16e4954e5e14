/*
 * hvm_op (hypercall 34): an HVM guest's parameters (Xen's
 * public/hvm/hvm_op.h and params.h; what hv implements).
 */
#ifndef __XEN_PUBLIC_HVM_HVM_OP_H__
#define __XEN_PUBLIC_HVM_HVM_OP_H__

#include "../xen.h"

#define HVMOP_set_param 0
#define HVMOP_get_param 1

struct xen_hvm_param {
    domid_t domid;          /* IN: DOMID_SELF or the caller's own */
    uint16_t _pad;
    uint32_t index;         /* IN: HVM_PARAM_* */
    uint64_t value;         /* IN (set) or OUT (get) */
};

/*
 * How event-channel upcalls reach the guest: bits 63-56 the type, the
 * rest its argument; 0 is none.  hv implements the vector type: the
 * vector is injected while vcpu_info's evtchn_upcall_pending is set.
 */
#define HVM_PARAM_CALLBACK_IRQ          0
#define HVM_PARAM_CALLBACK_TYPE_GSI     0
#define HVM_PARAM_CALLBACK_TYPE_PCI_INTX 1
#define HVM_PARAM_CALLBACK_TYPE_VECTOR  2
#define HVM_PARAM_CALLBACK_IRQ_TYPE_SHIFT 56

#endif
