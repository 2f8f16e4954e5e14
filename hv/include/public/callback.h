/* Guest entry points (callback_op, hypercall 30; set_callbacks, 4). */
#ifndef HERON_PUBLIC_CALLBACK_H
#define HERON_PUBLIC_CALLBACK_H

#include "xen.h"

#define CALLBACKTYPE_event      0
#define CALLBACKTYPE_failsafe   1
#define CALLBACKTYPE_syscall    2
#define CALLBACKTYPE_nmi        4
#define CALLBACKTYPE_sysenter   5
#define CALLBACKTYPE_syscall32  7

#define CALLBACKF_mask_events   (1U << 0)

#define CALLBACKOP_register     0
#define CALLBACKOP_unregister   1

struct callback_register {
    uint16_t type;
    uint16_t flags;
    uint32_t _pad;
    uint64_t address;
};

struct callback_unregister {
    uint16_t type;
    uint16_t _unused;
};

#endif
