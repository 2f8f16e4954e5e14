/*
 * What the boot path learned and consumed, for later code (the frame
 * table and heap, the domain builder).  Filled by multiboot parsing and
 * the boot allocator; read-only after boot.
 *
 * ram[] is the sanitized RAM map: sorted, non-overlapping, page-aligned
 * E820 type-1 ranges.  reserved[] lists RAM the heap must never hand out:
 * the first MiB, the hv image, every module and everything the boot
 * allocator has given away.  Modules keep their loader-given location.
 */
#ifndef HV_BOOTINFO_H
#define HV_BOOTINFO_H

#include <hv/types.h>
#include <public/memory.h>     /* E820_* types */


#define BOOT_MAX_E820      128
#define BOOT_MAX_RAM       64
#define BOOT_MAX_RESERVED  64
#define BOOT_MAX_MODULES   16
#define BOOT_CMDLINE_MAX   1024

struct e820_entry {
    paddr_t start, end;         /* [start, end) */
    u32 type;
};

struct mem_range {
    paddr_t start, end;         /* [start, end) */
};

struct boot_module {
    paddr_t start, end;         /* [start, end), as loaded */
    /* Arguments only: the image name QEMU and multiboot-1 loaders put
     * first is stripped (as Xen does), GRUB 2 gives none. */
    char cmdline[BOOT_CMDLINE_MAX];
};

struct bootinfo {
    char loader[64];
    char cmdline[BOOT_CMDLINE_MAX];     /* hv's own options */

    unsigned int nr_e820;
    struct e820_entry e820[BOOT_MAX_E820];  /* as given, for reference */

    unsigned int nr_ram;
    struct mem_range ram[BOOT_MAX_RAM];

    unsigned int nr_reserved;
    struct mem_range reserved[BOOT_MAX_RESERVED];

    unsigned int nr_modules;
    struct boot_module modules[BOOT_MAX_MODULES];

    u8 rsdp[36];                        /* RSDP copy from multiboot2 */
    unsigned int rsdp_len;              /* 0: search the BIOS areas */
    paddr_t max_ram_addr;               /* end of the highest RAM range */
};

extern struct bootinfo bootinfo;

/* Parses the loader's information (v1 or v2 by magic) into bootinfo. */
void multiboot_parse(u32 magic, paddr_t info);

/* Adds [start, end) to bootinfo.reserved (merging with neighbours). */
void bootinfo_reserve(paddr_t start, paddr_t end);
bool bootinfo_is_reserved(paddr_t start, paddr_t end);
/* The idx-th RAM range [*start, *end); false past the last. */
bool bootinfo_ram_range(unsigned int idx, paddr_t *start, paddr_t *end);

/*
 * Boot allocator: hands out nr contiguous zeroed pages from free RAM above
 * the image and modules, and records them in bootinfo.reserved.  Panics
 * when RAM runs out.  Until paging_init() it stays below 4 GiB (the boot
 * direct map).  boot_alloc_finish() stops it for good: the heap owner
 * calls it before taking over the remaining RAM.
 */
void boot_alloc_init(void);
paddr_t boot_alloc_pages(unsigned int nr);
void boot_alloc_set_limit(paddr_t limit);
void boot_alloc_finish(void);

#endif
