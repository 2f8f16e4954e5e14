/* Multiboot 1 and 2 structures hv reads (from the two specifications). */
#ifndef HV_MULTIBOOT_H
#define HV_MULTIBOOT_H

#define MB1_HEADER_MAGIC      0x1badb002
#define MB1_BOOTLOADER_MAGIC  0x2badb002
#define MB1_FLAG_PAGE_ALIGN   (1 << 0)
#define MB1_FLAG_MEMORY_INFO  (1 << 1)
#define MB1_FLAG_AOUT_KLUDGE  (1 << 16)

#define MB2_HEADER_MAGIC      0xe85250d6
#define MB2_BOOTLOADER_MAGIC  0x36d76289
#define MB2_ARCH_I386         0
#define MB2_HTAG_END          0
#define MB2_HTAG_ADDRESS      2
#define MB2_HTAG_ENTRY        3
#define MB2_HTAG_MODULE_ALIGN 6

#ifndef __ASSEMBLY__
#include <hv/types.h>

#define MB1_INFO_MEMORY   (1 << 0)
#define MB1_INFO_CMDLINE  (1 << 2)
#define MB1_INFO_MODS     (1 << 3)
#define MB1_INFO_MMAP     (1 << 6)
#define MB1_INFO_LOADER   (1 << 9)

struct mb1_info {
    u32 flags;
    u32 mem_lower, mem_upper;
    u32 boot_device;
    u32 cmdline;
    u32 mods_count, mods_addr;
    u32 syms[4];
    u32 mmap_length, mmap_addr;
    u32 drives_length, drives_addr;
    u32 config_table;
    u32 boot_loader_name;
};

struct mb1_module {
    u32 mod_start, mod_end;
    u32 string;
    u32 reserved;
};

/* Each entry is preceded by its size (not counting the size field). */
struct mb1_mmap_entry {
    u32 size;
    u64 addr, len;
    u32 type;
} __attribute__((packed));

#define MB2_TAG_END         0
#define MB2_TAG_CMDLINE     1
#define MB2_TAG_LOADER      2
#define MB2_TAG_MODULE      3
#define MB2_TAG_MMAP        6
#define MB2_TAG_ACPI_OLD    14
#define MB2_TAG_ACPI_NEW    15

struct mb2_tag {
    u32 type, size;
};

struct mb2_tag_string {
    u32 type, size;
    char string[];
};

struct mb2_tag_module {
    u32 type, size;
    u32 mod_start, mod_end;
    char cmdline[];
};

struct mb2_tag_mmap {
    u32 type, size;
    u32 entry_size, entry_version;
};

struct mb2_mmap_entry {
    u64 addr, len;
    u32 type, reserved;
};

#endif
#endif
