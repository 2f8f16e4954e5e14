/* The Xen PV backend's pieces, wired together by pv/setup.c. */
#ifndef GUEST_PV_H
#define GUEST_PV_H

#include <public/xen.h>

#include "batch.h"
#include "pvops.h"

/*
 * What the domain builder left us (start_info), in pseudo-physical
 * frames.  The builder maps, from VIRT_BASE (= KERNEL_BASE, so
 * VA = KERNEL_BASE + pfn * 4096): the kernel, the initrd (unless given as
 * a PFN), the p2m list, start_info, (domU) the xenstore and console pages,
 * its page tables and a stack page, then at least 512 KiB of padding.
 */
struct pv_layout {
	pfn_t nr_pfns;
	pfn_t p2m_pfn;            /* first frame of the p2m list (mfn_list) */
	pfn_t pt_first, pt_count; /* the builder's page tables */
	pfn_t builder_end;        /* first frame after the builder's stack page */
	pfn_t early_limit;        /* first frame the initial mapping may not cover */
	pfn_t next_free;          /* bump pointer for pv_early_alloc */
	pfn_t ext_first, ext_count;   /* L1s we added to the builder's tables */
};

/* boot_info.c: start_info -> boot_info (pure; unit-tested on the host). */
int pv_parse_start_info(const struct start_info *si, uintptr_t image_start,
			uintptr_t image_end, struct boot_info *bi, struct pv_layout *l,
			char *cmdline, size_t cmdline_size);
/* n frames right after the builder's area, reserved; 0 if they do not fit. */
pfn_t pv_early_alloc(struct boot_info *bi, struct pv_layout *l, size_t n);
/* early_map.c: maps more of the first GiB if the kernel will need it early. */
void pv_early_map_extend(struct boot_info *bi, struct pv_layout *l);

/* mmu.c */
#define PV_MAX_ROOTS 160          /* live address spaces: a process each, plus exec/fork */
extern struct pv_batch pv_batch;
extern const xen_pfn_t *pv_m2p;   /* machine-to-phys table (read-only, hypervisor's) */
extern const struct pv_mmu_ops pv_mmu_ops;
void pv_mmu_init(const struct pv_layout *l, pfn_t levels_pfn, uintptr_t shared_info_va,
		 uint64_t shared_info_maddr);
void pv_mmu_flush(void);          /* issue whatever is queued */
unsigned int pv_pt_level(pfn_t pfn);   /* 0: not a page table */

/* cpu.c and entry.S */
extern const struct pv_cpu_ops pv_cpu_ops;
extern struct shared_info *pv_shared_info;
void pv_cpu_init(void);
void pv_trap(struct trapframe *tf);
void pv_event(struct trapframe *tf);
void pv_leave(struct trapframe *tf);     /* last work before an iret hypercall */
_Noreturn void pv_iret(struct trapframe *tf);

/* frame.c: bounce frames (pure; unit-tested on the host). */
void pv_frame_from_bounce(struct trapframe *tf);
uint64_t pv_iret_flags(const struct trapframe *tf);

/* events.c */
extern const struct pv_irq_ops pv_irq_ops;
void pv_events_init(void);
int pv_bind_virq(unsigned int virq, void (*rearm)(void));  /* logical IRQ */
int pv_bind_port(evtchn_port_t port);                       /* logical IRQ */
void pv_notify(evtchn_port_t port);
void pv_events_handle(void);
/* Ports that are no kernel IRQ (bound by /dev/xen/evtchn users) go to fn. */
void pv_set_port_handler(void (*fn)(evtchn_port_t port));
void pv_port_mask(evtchn_port_t port);
void pv_port_unmask(evtchn_port_t port);

/* time.c */
extern const struct pv_time_ops pv_time_ops;
int pv_time_init(void);                  /* returns the tick's IRQ */

/* console.c */
extern const struct pv_console_ops pv_console_ops;
int pv_console_init(const struct start_info *si);   /* returns the input IRQ */
void pv_console_flush(void);

/* setup.c: a domU's xenstore ring (start_info), for xenbus; 0 in dom0. */
extern mfn_t pv_store_mfn;
extern evtchn_port_t pv_store_port;

/* io.c: port I/O for the hardware domain (virtual IOPL 1). */
void pv_io_init(const struct start_info *si);

/* stats.c */
void pv_stats_print(void);

#endif
