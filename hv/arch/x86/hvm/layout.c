/*
 * The guest-physical map of an HVM guest (hvm_build.h) as an e820 table,
 * and the multiboot v1 information a multiboot kernel finds in EBX: the
 * memory sizes, the e820 map, the command line, its module and the boot
 * loader's name, all in one block the builder copies into the guest.
 */
#include <hv/hvm_build.h>
#include <hv/hvm_devices.h>
#include <hv/multiboot.h>
#include <hv/lib.h>

#define LOADER_NAME "heron hv"

unsigned int hvm_build_e820(u64 ram_pages, struct hvm_e820 *map)
{
    u64 ram = ram_pages << PAGE_SHIFT;
    u64 low_end = min(ram, HVM_LOW_RAM_LIMIT);
    unsigned int n = 0;

    map[n++] = (struct hvm_e820){ 0, HVM_EBDA_START, E820_RAM };
    map[n++] = (struct hvm_e820){ HVM_EBDA_START, 0xa0000 - HVM_EBDA_START,
                                  E820_RESERVED };
    map[n++] = (struct hvm_e820){ HVM_BIOS_START, HVM_LOW_MEM_END - HVM_BIOS_START,
                                  E820_RESERVED };
    if (low_end > HVM_LOW_MEM_END)
        map[n++] = (struct hvm_e820){ HVM_LOW_MEM_END, low_end - HVM_LOW_MEM_END,
                                      E820_RAM };
    map[n++] = (struct hvm_e820){ VIOAPIC_BASE, VIOAPIC_SIZE, E820_RESERVED };
    map[n++] = (struct hvm_e820){ VLAPIC_DEFAULT_BASE, VLAPIC_SIZE, E820_RESERVED };
    if (ram > low_end)
        map[n++] = (struct hvm_e820){ HVM_HIGH_RAM_START, ram - low_end, E820_RAM };
    return n;
}

/* Appends a NUL-terminated copy of s at *off; its guest address or 0. */
static u32 put_string(u8 *buf, size_t len, size_t *off, u64 base, const char *s)
{
    size_t n = strlen(s) + 1;
    u32 addr = base + *off;

    if (*off + n > len)
        return 0;
    memcpy(buf + *off, s, n);
    *off += n;
    return addr;
}

size_t hvm_build_mbi(const struct hvm_mbi_params *p, u64 base, void *buf,
                     size_t len)
{
    struct hvm_e820 map[HVM_E820_MAX];
    unsigned int n = hvm_build_e820(p->ram_pages, map);
    u64 low_end = min(p->ram_pages << PAGE_SHIFT, HVM_LOW_RAM_LIMIT);
    struct mb1_info info = { 0 };
    u8 *out = buf;
    size_t off = sizeof(info);

    if (len < off + n * sizeof(struct mb1_mmap_entry) + sizeof(struct mb1_module))
        return 0;
    memset(buf, 0, len);
    info.flags = MB1_INFO_MEMORY | MB1_INFO_CMDLINE | MB1_INFO_MMAP | MB1_INFO_LOADER;
    info.mem_lower = HVM_EBDA_START >> 10;
    info.mem_upper = (low_end - HVM_LOW_MEM_END) >> 10;

    info.mmap_addr = base + off;
    for (unsigned int i = 0; i < n; i++) {
        struct mb1_mmap_entry e = {
            .size = sizeof(e) - sizeof(e.size),
            .addr = map[i].addr,
            .len = map[i].len,
            .type = map[i].type,
        };

        memcpy(out + off, &e, sizeof(e));
        off += sizeof(e);
    }
    info.mmap_length = base + off - info.mmap_addr;

    if (p->mod_end) {
        struct mb1_module mod = {
            .mod_start = p->mod_start,
            .mod_end = p->mod_end,
        };
        size_t mod_off = off;

        off += sizeof(mod);
        mod.string = put_string(out, len, &off, base, p->mod_cmdline);
        if (!mod.string)
            return 0;
        memcpy(out + mod_off, &mod, sizeof(mod));
        info.flags |= MB1_INFO_MODS;
        info.mods_count = 1;
        info.mods_addr = base + mod_off;
    }
    info.cmdline = put_string(out, len, &off, base, p->cmdline);
    info.boot_loader_name = put_string(out, len, &off, base, LOADER_NAME);
    if (!info.cmdline || !info.boot_loader_name)
        return 0;
    memcpy(out, &info, sizeof(info));
    return off;
}
