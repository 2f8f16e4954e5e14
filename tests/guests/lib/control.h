/* The toolstack's hypercalls from a test dom0: domctl and sysctl with
 * their interface versions filled in. */
#ifndef TEST_GUEST_CONTROL_H
#define TEST_GUEST_CONTROL_H

#include "hypercall.h"
#include <public/domctl.h>
#include <public/sysctl.h>

static inline long domctl(struct xen_domctl *op)
{
    op->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    return hypercall1(HC(domctl), PTR(op));
}

static inline long sysctl(struct xen_sysctl *op)
{
    op->interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    return hypercall1(HC(sysctl), PTR(op));
}

/* A domctl that takes nothing but the domain (pause, unpause, destroy). */
static inline long simple_domctl(uint32_t cmd, domid_t id)
{
    struct xen_domctl op = { .cmd = cmd, .domain = id };

    return domctl(&op);
}

#endif
