/*
 * The pv_ops table: every privileged low-level operation the kernel needs,
 * behind one indirection chosen once at boot by the entry point.  The
 * native backend (arch/x86/native) fills it for ring 0 on bare hardware or
 * in an HVM domain; the Xen PV backend (arch/x86/pv) fills it with
 * hypercalls.  Nothing above this header may execute a privileged
 * instruction or write a page-table entry itself.  docs/pv-ops.md
 * describes each operation in both modes.
 */
#ifndef GUEST_PVOPS_H
#define GUEST_PVOPS_H

#include "kernel.h"
#include "trapframe.h"

typedef uint64_t pte_t;

struct pv_cpu_ops {
	void (*irq_disable)(void);            /* cli | mask events */
	void (*irq_enable)(void);             /* sti | unmask events (+ pending check) */
	void (*safe_halt)(void);              /* enable, wait for an interrupt, disable */
	void (*stop)(void) __attribute__((noreturn));  /* halt forever */
	void (*set_kernel_stack)(uintptr_t top);  /* TSS.rsp0 | stack_switch */
	void (*set_fs_base)(uint64_t base);   /* wrmsr FS_BASE | set_segment_base */
	void (*set_gs_base)(uint64_t base);   /* user GS base */
	void (*return_to_user)(struct trapframe *tf) __attribute__((noreturn)); /* iretq | HYPERVISOR_iret */
	void (*fpu_save)(void *area);         /* 512-byte, 16-aligned fxsave area */
	void (*fpu_restore)(const void *area);
	uint64_t (*fault_address)(void);      /* CR2 | vcpu_info.arch.cr2 */
	void (*poweroff)(int code) __attribute__((noreturn)); /* ACPI/debug-exit | SCHEDOP_shutdown */
	void (*reboot)(void) __attribute__((noreturn));       /* 8042 reset | SCHEDOP_shutdown */
	uint16_t user_cs, user_ss;            /* selectors of a 64-bit user frame */
};

struct pv_mmu_ops {
	/* Frame numbers: what PTEs hold (machine) vs what the kernel counts. */
	mfn_t (*pfn_to_mfn)(pfn_t pfn);
	pfn_t (*mfn_to_pfn)(mfn_t mfn);
	/* Writes one entry of any level; may be queued until lazy_flush. */
	void (*set_pte)(pte_t *ptep, pte_t val);
	void (*lazy_begin)(void);             /* start batching set_pte */
	void (*lazy_flush)(void);             /* issue what was batched */
	/* A frame becomes / stops being a page table of the given level (1-4). */
	void (*alloc_pt)(pfn_t pfn, int level);
	void (*release_pt)(pfn_t pfn, int level);
	void (*switch_root)(pfn_t root);      /* mov cr3 | NEW_BASEPTR (+USER) */
	void (*flush_tlb_page)(uintptr_t va); /* invlpg | INVLPG_LOCAL */
	void (*flush_tlb_all)(void);          /* cr3 reload | TLB_FLUSH_LOCAL */
};

struct pv_irq_ops {
	/* Logical IRQ lines: 8259 pins natively, event-channel ports under PV. */
	void (*unmask)(int irq);
	void (*eoi)(int irq);
	/* The logical IRQ of ISA line n (a device's interrupt): its 8259
	 * pin | a physical IRQ's port (the hardware domain); -1: none. */
	int (*isa_irq)(unsigned int line);
};

struct pv_time_ops {
	uint64_t (*now_ns)(void);             /* TSC | pvclock: ns since boot */
	uint64_t (*boot_wallclock_ns)(void);  /* CMOS RTC | shared_info wc */
	int timer_irq;                        /* logical IRQ of the tick */
};

struct pv_console_ops {
	void (*putc)(char c);                 /* 16550 | console ring/console_io */
	int console_irq;                      /* logical IRQ for input, -1 if none */
	int (*getc)(void);                    /* next input byte or -1 */
};

struct pv_io_ops {
	/* I/O ports (IN/OUT, REP INS/OUTS of 16-bit words).  NULL when
	 * the kernel has none: a PV domain that is not the hardware domain.
	 * Under PV the hypervisor emulates them after PHYSDEVOP_set_iopl. */
	uint8_t (*inb)(uint16_t port);
	void (*outb)(uint16_t port, uint8_t v);
	uint16_t (*inw)(uint16_t port);
	void (*outw)(uint16_t port, uint16_t v);
	uint32_t (*inl)(uint16_t port);
	void (*outl)(uint16_t port, uint32_t v);
	void (*insw)(uint16_t port, void *buf, size_t words);
	void (*outsw)(uint16_t port, const void *buf, size_t words);
};

struct pv_ops {
	const char *name;
	struct pv_cpu_ops cpu;
	struct pv_mmu_ops mmu;
	struct pv_irq_ops irq;
	struct pv_time_ops time;
	struct pv_console_ops console;
	struct pv_io_ops io;
};

/* IN/OUT themselves (arch/x86/port_io.c): what both backends install. */
extern const struct pv_io_ops x86_port_io_ops;

extern struct pv_ops pv_ops;

/* What the entry point learned about the machine, handed to kernel_main. */
struct mem_range {
	pfn_t start, end;                     /* [start, end) */
};

#define BOOT_MAX_RANGES 16

struct boot_info {
	pfn_t nr_pfns;                        /* pseudo-physical frames */
	struct mem_range usable[BOOT_MAX_RANGES];
	int nr_usable;
	struct mem_range reserved[BOOT_MAX_RANGES]; /* image, initrd, boot data */
	int nr_reserved;
	/* Virtual base through which frames below early_limit are reachable. */
	uintptr_t early_map_base;
	pfn_t early_limit;
	uint64_t initrd_paddr;                /* pseudo-physical address, 0 if none */
	size_t initrd_len;
	const char *cmdline;
};

_Noreturn void kernel_main(struct boot_info *bi);

#endif
