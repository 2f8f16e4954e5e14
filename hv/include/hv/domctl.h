/* What domctl and sysctl share (hv/common/domctl.c, sysctl.c). */
#ifndef HV_DOMCTL_H
#define HV_DOMCTL_H

#include <public/domctl.h>

struct domain;

/* Fills *info with d's state as Xen's getdomaininfo reports it. */
void getdomaininfo(struct domain *d, struct xen_domctl_getdomaininfo *info);

#endif
