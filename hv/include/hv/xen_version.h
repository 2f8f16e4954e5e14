/*
 * The Xen interface version hv presents to guests (XENVER_version, CPUID
 * leaf 0x40000001): the Xen release whose PV ABI hv follows.
 */
#ifndef HV_XEN_VERSION_H
#define HV_XEN_VERSION_H

#define XEN_INTERFACE_MAJOR   4
#define XEN_INTERFACE_MINOR   17
#define XEN_EXTRAVERSION      ".0-heron"

#endif
