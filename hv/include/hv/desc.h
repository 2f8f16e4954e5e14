/*
 * Segments and descriptor tables.  hv's GDT entries follow Xen's layout:
 * they live in the last page (index 7168 on) of a 15-page GDT that each
 * CPU reaches through its window at GDT_WINDOW_VIRT(cpu); pages 0-13 of
 * the window hold the running guest's GDT frames.
 */
#ifndef HV_DESC_H
#define HV_DESC_H

#define HV_CS          0xe008   /* ring 0, 64-bit code */
#define HV_DS          0xe010   /* ring 0 data/stack */
#define HV_CS32_RING3  0xe023   /* FLAT_RING3_CS32 */
#define HV_DS_RING3    0xe02b   /* FLAT_RING3_DS32/SS */
#define HV_CS64_RING3  0xe033   /* FLAT_RING3_CS64 */
#define HV_CS32        0xe038   /* ring 0, 32-bit code (compat) */
#define TSS_SELECTOR   0xe040   /* 16-byte system descriptor */
#define LDT_SELECTOR   0xe050   /* 16-byte system descriptor, for PV */

#define FIRST_RESERVED_GDT_BYTE  0xe000
#define GDT_LIMIT      (15 * 4096 - 1)

/* IST slots (1-based as in the IDT gate). */
#define IST_MCE  1
#define IST_DF   2
#define IST_NMI  3

#ifndef __ASSEMBLY__
#include <hv/types.h>

struct tss64 {
    u32 reserved0;
    u64 rsp0, rsp1, rsp2;
    u64 reserved1;
    u64 ist[7];                 /* ist[0] is IST1 */
    u64 reserved2;
    u16 reserved3;
    u16 iomap_base;
} __attribute__((packed, aligned(128)));

struct desc_ptr {
    u16 limit;
    u64 base;
} __attribute__((packed));

struct idt_gate {
    u16 offset_lo;
    u16 selector;
    u8  ist;
    u8  type_attr;
    u16 offset_mid;
    u32 offset_hi;
    u32 reserved;
};

static inline void lgdt(const struct desc_ptr *p) { asm volatile("lgdt %0" :: "m"(*p)); }
static inline void lidt(const struct desc_ptr *p) { asm volatile("lidt %0" :: "m"(*p)); }
static inline void ltr(u16 sel) { asm volatile("ltr %0" :: "rm"(sel)); }

/* Per-CPU descriptor setup; percpu_desc_init() before paging_init() uses
 * the image address of the GDT, percpu_gdt_window_init() after it. */
void percpu_desc_init(unsigned int cpu);
void percpu_gdt_window_init(unsigned int cpu);
void idt_init(void);
/* Maps guest GDT frame mfn (0: the zero page) at page `page` (< 14) of
 * cpu's GDT window; the caller flushes nothing (map_pages_to_hv does). */
void gdt_window_map(unsigned int cpu, unsigned int page, mfn_t mfn);

#define IO_BITMAP_BYTES (65536 / 8)

/*
 * A CPU's TSS and, after it, an I/O permission bitmap through which the
 * hardware domain's kernel reaches its ports without a trap (pv/ioport.c,
 * pv_io_bitmap_init and pv_io_bitmap_select).  iomap_base is
 * TSS_IOMAP_ON only while such a vCPU runs in guest kernel mode;
 * TSS_IOMAP_OFF is past the limit, where every port access at CPL 3
 * faults as before.
 */
struct cpu_tss {
    struct tss64 tss;
    u8 io_bitmap[IO_BITMAP_BYTES];
    u8 io_bitmap_end;           /* all ones: the CPU reads a byte past a port's bit */
};

#define TSS_IOMAP_ON    offsetof(struct cpu_tss, io_bitmap)
#define TSS_IOMAP_OFF   sizeof(struct cpu_tss)

extern struct cpu_tss per_cpu_tss[];

#endif
#endif
