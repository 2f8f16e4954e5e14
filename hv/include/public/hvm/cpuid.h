/*
 * hv's hypervisor CPUID leaves for HVM guests.  Leaf base+2 has Xen's
 * layout (hypercall pages, their MSR); the signature is hv's own
 * ("HeronHeronHV"), so that Linux does not take its Xen HVM path
 * (docs/hvm.md, Hypercalls).
 */
#ifndef __XEN_PUBLIC_HVM_CPUID_H__
#define __XEN_PUBLIC_HVM_CPUID_H__

#define HV_CPUID_BASE             0x40000000u
#define HV_CPUID_LEAF_VERSION     (HV_CPUID_BASE + 1)   /* EAX: major << 16 | minor */
#define HV_CPUID_LEAF_HYPERCALL   (HV_CPUID_BASE + 2)   /* EAX: pages, EBX: MSR */

/* WRMSR: bits 12-63 a guest frame for the hypercall page, 0-11 its index. */
#define HV_HYPERCALL_MSR          0x40000000u

#endif
