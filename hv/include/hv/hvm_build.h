/*
 * Building HVM domains (hv/arch/x86/hvm/build.c) and the pure pieces the
 * builder is made of, each host-tested: the multiboot v1 kernel loader
 * (mb_image.c), the guest-physical layout with its e820 map and the
 * multiboot information (layout.c), and the ACPI tables (acpi_tables.c).
 *
 * The guest-physical map an HVM guest sees (docs/hvm.md):
 *
 *   0x00000000-0x0009fbff  RAM (the multiboot information, or a bzImage's
 *                          zero page and command line, at 0x1000)
 *   0x0009fc00-0x0009ffff  reserved (EBDA)
 *   0x000a0000-0x000dffff  hole (no VGA: an access crashes the domain)
 *   0x000e0000-0x000fffff  reserved: BIOS area, ACPI tables (RSDP 0xf0000)
 *   0x00100000-low_end     RAM (the kernel, then its modules)
 *   0xfec00000-0xfec00fff  IOAPIC (reserved)
 *   0xfee00000-0xfee00fff  local APIC (reserved)
 *   0x100000000-           RAM beyond 3 GiB, if any
 *
 * Everything below 1 MiB is backed by RAM frames (the low 640 KiB are
 * usable, the rest holds the tables); guest memory sizes include it.
 */
#ifndef HV_HVM_BUILD_H
#define HV_HVM_BUILD_H

#include <hv/types.h>

#define HVM_LOW_RAM_LIMIT       0xc0000000ull   /* RAM below 4 GiB ends here at most */
#define HVM_HIGH_RAM_START      0x100000000ull
#define HVM_EBDA_START          0x9fc00ull
#define HVM_BIOS_START          0xe0000ull
#define HVM_LOW_MEM_END         0x100000ull
#define HVM_MBI_ADDR            0x1000ull       /* multiboot information */
#define HVM_MBI_MAX             0x7000ull
#define HVM_ACPI_ADDR           0xf0000ull      /* RSDP, then the tables */
#define HVM_MIN_RAM             (2ull << 20)

#define E820_RAM        1
#define E820_RESERVED   2

struct hvm_e820 {
    u64 addr, len;
    u32 type;
};

#define HVM_E820_MAX    8

/* The e820 map of a guest with ram_pages of RAM; returns the entry count. */
unsigned int hvm_build_e820(u64 ram_pages, struct hvm_e820 *map);

/* --- multiboot v1 kernels (mb_image.c) --- */

#define MB_MAX_SEGMENTS 8

struct mb_segment {
    u64 paddr;                  /* guest-physical load address */
    u64 offset, filesz;         /* from the image file */
    u64 memsz;                  /* >= filesz; the rest is zeroed */
};

struct mb_image {
    u32 header_flags;
    u32 entry;
    unsigned int nr_segments;
    struct mb_segment seg[MB_MAX_SEGMENTS];
    u64 load_start, load_end;   /* lowest and highest byte loaded (end exclusive) */
};

/*
 * Finds the multiboot v1 header (first 8 KiB, 4-aligned, checksummed) and
 * works out what to load where: the a.out-kludge address fields when flag
 * 16 is set, else the ELF (32 or 64-bit) PT_LOAD headers at their
 * physical addresses, as QEMU and GRUB do.  0, or -EINVAL with a reason.
 */
int mb_image_parse(const void *image, size_t len, struct mb_image *out,
                   char *err, size_t errlen);

/* --- Linux bzImage kernels (bzimage.c) --- */

#define BZ_MIN_VERSION          0x020a  /* 2.10: pref_address, init_size */
#define BZ_CMDLINE_MAX          4096    /* hv's room for the command line */
#define HVM_BZ_ZERO_PAGE_ADDR   0x1000ull       /* struct boot_params */
#define HVM_BZ_CMDLINE_ADDR     0x2000ull

struct bz_image {
    u16 version;                /* boot protocol, 0x020f is 2.15 */
    u64 hdr_end;                /* the setup header is [0x1f1, hdr_end) */
    u64 kernel_offset, kernel_len;      /* the protected-mode kernel */
    u64 load_addr;              /* where it goes; its 32-bit entry */
    u64 init_size;              /* RAM it needs from load_addr on */
    u32 initrd_addr_max;
    u32 cmdline_size;
};

struct bz_layout {
    u64 initrd_addr, initrd_len;        /* 0, 0: no initrd */
};

/* Whether image has a Linux setup header. */
bool bzimage_detect(const void *image, size_t len);

/*
 * Checks the setup header against the file (protocol 2.10 or later, a
 * bzImage, not truncated) and works out where the kernel goes: its
 * preferred address if relocatable, else 1 MiB.  0, or -EINVAL and why.
 */
int bzimage_parse(const void *image, size_t len, struct bz_image *out,
                  char *err, size_t errlen);

/*
 * Fits the kernel (load_addr + init_size), a command line of cmdline_len
 * bytes and an initrd of initrd_len bytes (0: none) into low RAM ending
 * at low_end: the initrd goes page-aligned as high as RAM and the
 * kernel's initrd_addr_max allow, above the kernel.  0, or -EINVAL.
 */
int bzimage_layout(const struct bz_image *bz, u64 low_end, size_t cmdline_len,
                   size_t initrd_len, struct bz_layout *out, char *err,
                   size_t errlen);

/*
 * Fills the page zp with the zero page for the kernel: the file's setup
 * header with the loader's fields set (loader type, command line at
 * HVM_BZ_CMDLINE_ADDR, the initrd), the e820 map of ram_pages of RAM and
 * the RSDP's address.
 */
void bzimage_zero_page(const void *image, const struct bz_image *bz,
                       const struct bz_layout *l, u64 ram_pages, u8 *zp);

/* --- the multiboot information block (layout.c) --- */

struct hvm_mbi_params {
    u64 ram_pages;
    const char *cmdline;        /* the kernel's, image name first */
    u64 mod_start, mod_end;     /* guest-physical; mod_end 0: no module */
    const char *mod_cmdline;
};

/*
 * Writes the multiboot information for a guest into buf, which the guest
 * will see at guest-physical base: the info structure, the e820 map, the
 * module list, the strings.  Returns the bytes used, or 0 if they do not
 * fit in len.
 */
size_t hvm_build_mbi(const struct hvm_mbi_params *p, u64 base, void *buf,
                     size_t len);

/* --- ACPI tables (acpi_tables.c) --- */

/*
 * RSDP, RSDT, XSDT, FADT (with FACS and DSDT), MADT: one CPU with its
 * local APIC, the IOAPIC, ISA IRQ 0 -> GSI 2 and the SCI (IRQ 9, level,
 * active high).  The DSDT holds \_S5 for the PM block's S5 and the PCI
 * root bridge PCI0 (bus 0, its windows, _PRT for heron-dm's slots).  Written into
 * buf as the guest sees it at base; returns the bytes used, 0 if too big.
 */
size_t hvm_build_acpi_tables(u64 base, void *buf, size_t len);

/* --- the builder (build.c) and boot-time domains (boot_domains.c) --- */

struct domain;

struct hvm_build_params {
    domid_t domid;
    u64 nr_pages;               /* guest RAM */
    unsigned int weight;
    const void *image;          /* a multiboot kernel or a bzImage */
    size_t image_len;
    const void *initrd;         /* its one module (its initrd), or NULL */
    size_t initrd_len;
    const char *cmdline;        /* the kernel's arguments */
    const char *initrd_cmdline;
};

/*
 * Builds an HVM domain ready to run (vCPU 0 still offline): RAM, nested
 * paging, the kernel and its module loaded, the multiboot information or
 * a bzImage's zero page, ACPI tables, devices, vCPU 0 at the kernel's
 * entry in 32-bit protected mode.  NULL with the reason in err; nothing
 * is left behind.
 */
struct domain *hvm_build_domain(const struct hvm_build_params *p, char *err,
                                size_t errlen);
void hvm_start_domain(struct domain *d);

/*
 * The same build into d, an HVM domain made by createdomain (vCPU 0
 * made, no RAM yet; HERON_DOMCTL_hvm_build): vCPU 0 comes online, and
 * runs once the controller unpauses d.  0, or a negative errno with the
 * reason in err: -EINVAL for a kernel or initrd that does not fit or
 * parse (nothing changed), -EEXIST for a domain built before, -ENOMEM
 * (RAM may stay allocated until d is destroyed).
 */
int hvm_build_into(struct domain *d, const struct hvm_build_params *p, char *err,
                   size_t errlen);

#endif
