/*
 * native_start: entered from the multiboot stub in ring 0 with the boot
 * page tables (first GiB at 0 and at KERNEL_BASE).  Installs the native
 * pv_ops, brings up the devices they use, turns the multiboot information
 * into a boot_info and enters the common kernel.
 */
#include "lib.h"
#include "pvops.h"
#include "x86.h"

struct mb_info {
	uint32_t flags, mem_lower, mem_upper, boot_device, cmdline;
	uint32_t mods_count, mods_addr;
	uint32_t syms[4];
	uint32_t mmap_length, mmap_addr;
} __attribute__((packed));

struct mb_module {
	uint32_t start, end, string, reserved;
};

struct mb_mmap {
	uint32_t size;
	uint64_t addr, len;
	uint32_t type;
} __attribute__((packed));

#define MB_INFO_MEM     (1u << 0)
#define MB_INFO_CMDLINE (1u << 2)
#define MB_INFO_MODS    (1u << 3)
#define MB_INFO_MMAP    (1u << 6)

/* The boot tables reach the first GiB at KERNEL_BASE. */
#define EARLY_LIMIT_PFN (1UL << 18)

extern char __image_start[], __bss_end[];

static char cmdline_copy[1024];
static struct boot_info boot_info;

static void *early_ptr(uint64_t paddr)
{
	return (void *)(KERNEL_BASE + paddr);
}

static void add_range(struct mem_range *r, int *n, uint64_t start, uint64_t end)
{
	if (*n < BOOT_MAX_RANGES && start < end)
		r[(*n)++] = (struct mem_range){ start, end };
}

static void parse_multiboot(const struct mb_info *mb, struct boot_info *bi)
{
	pfn_t top = 0;

	add_range(bi->reserved, &bi->nr_reserved, 0, 0x100);  /* real-mode area */
	add_range(bi->reserved, &bi->nr_reserved,
		  ((uintptr_t)__image_start - KERNEL_BASE) >> PAGE_SHIFT,
		  PAGE_UP((uintptr_t)__bss_end - KERNEL_BASE) >> PAGE_SHIFT);

	if (mb->flags & MB_INFO_MMAP) {
		uintptr_t p = mb->mmap_addr, end = p + mb->mmap_length;

		while (p < end) {
			const struct mb_mmap *e = early_ptr(p);

			if (e->type == 1) {
				pfn_t s = PAGE_UP(e->addr) >> PAGE_SHIFT;
				pfn_t t = PAGE_DOWN(e->addr + e->len) >> PAGE_SHIFT;

				add_range(bi->usable, &bi->nr_usable, s, t);
				top = MAX(top, t);
			}
			p += e->size + 4;
		}
	} else if (mb->flags & MB_INFO_MEM) {
		top = (0x100000 + (uint64_t)mb->mem_upper * 1024) >> PAGE_SHIFT;
		add_range(bi->usable, &bi->nr_usable, 0x100, top);
	}
	bi->nr_pfns = top;

	if ((mb->flags & MB_INFO_CMDLINE) && mb->cmdline) {
		const char *c = early_ptr(mb->cmdline);
		size_t n = strnlen(c, sizeof(cmdline_copy) - 1);

		memcpy(cmdline_copy, c, n);
	}
	/* Multiboot loaders put the kernel's own path first. */
	const char *args = cmdline_copy;

	while (*args && *args != ' ')
		args++;
	while (*args == ' ')
		args++;
	bi->cmdline = args;

	if ((mb->flags & MB_INFO_MODS) && mb->mods_count > 0) {
		const struct mb_module *m = early_ptr(mb->mods_addr);

		bi->initrd_paddr = m->start;
		bi->initrd_len = m->end - m->start;
		add_range(bi->reserved, &bi->nr_reserved, m->start >> PAGE_SHIFT,
			  PAGE_UP(m->end) >> PAGE_SHIFT);
	}
	/* The info block itself is no longer needed once copied. */
}

_Noreturn void native_start(uint32_t mb_info_paddr);

_Noreturn void native_start(uint32_t mb_info_paddr)
{
	pv_ops.name = "native";
	pv_ops.cpu = native_cpu_ops;
	pv_ops.mmu = native_mmu_ops;
	pv_ops.irq = native_irq_ops;
	pv_ops.time = native_time_ops;
	pv_ops.console = native_console_ops;
	pv_ops.io = x86_port_io_ops;

	native_uart_init();
	native_cpu_init();
	native_pic_init();
	native_time_init();

	boot_info.early_map_base = KERNEL_BASE;
	boot_info.early_limit = EARLY_LIMIT_PFN;
	parse_multiboot(early_ptr(mb_info_paddr), &boot_info);
	kernel_main(&boot_info);
}
