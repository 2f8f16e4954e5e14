/*
 * Where mm's structures live in hv's virtual address space (see the layout
 * table in docs/architecture.md), and the direct map of machine memory.
 *
 * Host unit tests build hv's mm code with -DHV_HOSTED: there the whole
 * hypervisor hole is a reserved window of the test process, and every hv
 * virtual address below is translated into that window, so the same code
 * runs against simulated machine memory.
 */
#ifndef HV_MM_LAYOUT_H
#define HV_MM_LAYOUT_H

#include <hv/types.h>

#define HV_HOLE_START          0xffff800000000000UL   /* L4 slot 256 */
#define HV_HOLE_END            0xffff880000000000UL   /* after slot 271 */
#define HV_FIRST_L4_SLOT       256
#define HV_NR_L4_SLOTS         16

#define RO_MPT_VIRT_START_HV   0xffff800000000000UL   /* slot 256, guest-readable */
#define RW_MPT_VIRT_START_HV   0xffff808000000000UL   /* slot 257 */
#define FRAMETABLE_VIRT_START_HV 0xffff820000000000UL /* slot 260 */
#define DIRECTMAP_VIRT_START_HV  0xffff830000000000UL /* slots 262-271 */
#define DIRECTMAP_VIRT_END_HV    0xffff880000000000UL

#ifdef HV_HOSTED
/* Base of the test process's stand-in for the hypervisor hole. */
extern uintptr_t hosted_hv_hole;
#define HV_VA(a) (hosted_hv_hole + ((a) - HV_HOLE_START))
#else
#define HV_VA(a) ((uintptr_t)(a))
#endif

/* Addresses as hv code dereferences them. */
#define RO_MPT_VIRT_START     HV_VA(RO_MPT_VIRT_START_HV)
#define RW_MPT_VIRT_START     HV_VA(RW_MPT_VIRT_START_HV)
#define FRAMETABLE_VIRT_START HV_VA(FRAMETABLE_VIRT_START_HV)
#define DIRECTMAP_VIRT_START  HV_VA(DIRECTMAP_VIRT_START_HV)
#define DIRECTMAP_VIRT_END    HV_VA(DIRECTMAP_VIRT_END_HV)

static inline void *mfn_to_virt(mfn_t mfn)
{
    return (void *)(DIRECTMAP_VIRT_START + (mfn << PAGE_SHIFT));
}

static inline mfn_t virt_to_mfn(const void *va)
{
    return ((uintptr_t)va - DIRECTMAP_VIRT_START) >> PAGE_SHIFT;
}

#endif
