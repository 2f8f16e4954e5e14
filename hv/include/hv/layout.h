/*
 * hv's virtual memory layout (see docs/architecture.md).  Usable from C,
 * assembly and the linker script, hence the suffix-free constants.
 */
#ifndef HV_LAYOUT_H
#define HV_LAYOUT_H

#ifdef __ASSEMBLY__
#define _UL(x) x
#else
#define _UL(x) x##UL
#endif

#define L4_SLOT_VIRT(s)       (_UL(0xffff000000000000) | ((s) << 39))

/* The hypervisor hole, L4 slots 256-271: shared by every address space. */
#define HV_FIRST_L4_SLOT      256
#define HV_LAST_L4_SLOT       271

/* Slot 256/257: machine-to-phys table (read-only to guests / writable). */
#define RO_MPT_VIRT_START     _UL(0xffff800000000000)
#define RO_MPT_VIRT_END       _UL(0xffff804000000000)
#define RDWR_MPT_VIRT_START   _UL(0xffff808000000000)
#define RDWR_MPT_VIRT_END     _UL(0xffff80c000000000)

/* Slot 258: per-CPU GDT windows, 16 pages apart (15 mapped, 1 guard). */
#define GDT_WINDOW_VIRT_START _UL(0xffff810000000000)
#define GDT_WINDOW_PAGES      15
#define GDT_WINDOW_STRIDE     (16 * 4096)
#define GDT_WINDOW_VIRT(cpu)  (GDT_WINDOW_VIRT_START + (cpu) * GDT_WINDOW_STRIDE)

/* Slot 260: frame table. */
#define FRAMETABLE_VIRT_START _UL(0xffff820000000000)
#define FRAMETABLE_VIRT_END   _UL(0xffff828000000000)

/*
 * Slot 261: the hv image region (1 GiB; the image sits 2 MiB in, at
 * physical 2 MiB), then per-CPU syscall stubs, then the ioremap area.
 */
#define HV_VIRT_START         _UL(0xffff82d080000000)
#define HV_IMAGE_PHYS         _UL(0x200000)
#define HV_IMAGE_VIRT         (HV_VIRT_START + HV_IMAGE_PHYS)
#define HV_IMAGE_REGION_END   (HV_VIRT_START + _UL(0x40000000))
#define STUBS_VIRT_START      HV_IMAGE_REGION_END
#define STUBS_VIRT_END        (STUBS_VIRT_START + _UL(0x200000))
#define IOREMAP_VIRT_START    STUBS_VIRT_END
#define IOREMAP_VIRT_END      (HV_VIRT_START + _UL(0x80000000))

/* Slots 262-271: direct map of all machine memory (5 TiB). */
#define DIRECTMAP_VIRT_START  _UL(0xffff830000000000)
#define DIRECTMAP_VIRT_END    _UL(0xffff880000000000)
#define DIRECTMAP_SIZE        (DIRECTMAP_VIRT_END - DIRECTMAP_VIRT_START)

/* Guest-owned halves of the address space. */
#define GUEST_USER_VIRT_END     _UL(0x0000800000000000)
#define GUEST_KERNEL_VIRT_START _UL(0xffff880000000000)

#ifndef __ASSEMBLY__
#ifdef HV_HOSTED
/* Host unit tests: hv addresses live in a window of the test process. */
extern unsigned long hosted_hv_hole;
#define HV_VA(a) (hosted_hv_hole + ((a) - RO_MPT_VIRT_START))
#else
#define HV_VA(a) (a)
#endif
#endif

#endif
