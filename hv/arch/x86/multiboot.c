/*
 * Multiboot 1 (QEMU -kernel, older loaders) and multiboot 2 (GRUB 2)
 * information -> bootinfo.  Runs on the boot page tables, which map the
 * first 4 GiB at the direct map, where every loader structure lives.
 * Everything is copied: the loader's memory is not reserved afterwards.
 */
#include <hv/bootinfo.h>
#include <hv/multiboot.h>
#include <hv/page.h>
#include <hv/lib.h>

struct bootinfo bootinfo;

static const char *loader_string(u32 pa)
{
    return pa ? maddr_to_virt(pa) : "";
}

static bool loader_is_grub2(void)
{
    const char *p = bootinfo.loader;

    return !strncmp(p, "GRUB ", 5) && p[5] >= '2' && p[5] <= '9';
}

/* Copies a loader command line, dropping the image name if the loader
 * puts one first (every multiboot loader except GRUB 2 does). */
static void cook_cmdline(char *dst, const char *src)
{
    while (*src == ' ')
        src++;
    if (!loader_is_grub2()) {
        while (*src && *src != ' ')
            src++;
        while (*src == ' ')
            src++;
    }
    strlcpy(dst, src, BOOT_CMDLINE_MAX);
}

static void add_e820(u64 addr, u64 len, u32 type)
{
    struct e820_entry *e;

    if (!len || addr + len < addr)
        return;
    if (bootinfo.nr_e820 == BOOT_MAX_E820) {
        printk("e820: too many entries, ignoring [%016lx-%016lx]\n",
               addr, addr + len - 1);
        return;
    }
    e = &bootinfo.e820[bootinfo.nr_e820++];
    e->start = addr;
    e->end = addr + len;
    e->type = type;
}

static void add_module(u32 start, u32 end, const char *cmdline)
{
    struct boot_module *m;

    if (bootinfo.nr_modules == BOOT_MAX_MODULES) {
        printk("multiboot: too many modules, ignoring \"%s\"\n", cmdline);
        return;
    }
    if (end < start) {
        printk("multiboot: module with end < start ignored\n");
        return;
    }
    m = &bootinfo.modules[bootinfo.nr_modules++];
    m->start = start;
    m->end = end;
    cook_cmdline(m->cmdline, cmdline);
}

static void parse_mb1(const struct mb1_info *mbi)
{
    if (mbi->flags & MB1_INFO_LOADER)
        strlcpy(bootinfo.loader, loader_string(mbi->boot_loader_name),
                sizeof(bootinfo.loader));
    if (mbi->flags & MB1_INFO_CMDLINE)
        cook_cmdline(bootinfo.cmdline, loader_string(mbi->cmdline));

    if (mbi->flags & MB1_INFO_MMAP) {
        u32 off = 0;

        while (off + sizeof(struct mb1_mmap_entry) <= mbi->mmap_length) {
            const struct mb1_mmap_entry *e =
                maddr_to_virt((paddr_t)mbi->mmap_addr + off);

            add_e820(e->addr, e->len, e->type);
            off += e->size + sizeof(e->size);
        }
    } else if (mbi->flags & MB1_INFO_MEMORY) {
        add_e820(0, (u64)mbi->mem_lower << 10, E820_RAM);
        add_e820(MB(1), (u64)mbi->mem_upper << 10, E820_RAM);
    }

    if (mbi->flags & MB1_INFO_MODS) {
        const struct mb1_module *mods = maddr_to_virt(mbi->mods_addr);

        for (u32 i = 0; i < mbi->mods_count; i++)
            add_module(mods[i].mod_start, mods[i].mod_end,
                       loader_string(mods[i].string));
    }
}

static void parse_mb2(paddr_t info)
{
    u32 total = *(const u32 *)maddr_to_virt(info);
    paddr_t p = info + 8, end = info + total;
    const char *cmdline = NULL;
    bool have_new_rsdp = false;

    /* First pass for the loader name: it decides how to cook cmdlines. */
    for (p = info + 8; p + sizeof(struct mb2_tag) <= end;
         p += ROUNDUP(((const struct mb2_tag *)maddr_to_virt(p))->size, 8)) {
        const struct mb2_tag *t = maddr_to_virt(p);

        if (t->type == MB2_TAG_END || t->size < sizeof(*t))
            break;
        if (t->type == MB2_TAG_LOADER)
            strlcpy(bootinfo.loader, ((const struct mb2_tag_string *)t)->string,
                    sizeof(bootinfo.loader));
    }

    for (p = info + 8; p + sizeof(struct mb2_tag) <= end;
         p += ROUNDUP(((const struct mb2_tag *)maddr_to_virt(p))->size, 8)) {
        const struct mb2_tag *t = maddr_to_virt(p);

        if (t->type == MB2_TAG_END || t->size < sizeof(*t))
            break;
        switch (t->type) {
        case MB2_TAG_CMDLINE:
            cmdline = ((const struct mb2_tag_string *)t)->string;
            break;
        case MB2_TAG_MODULE: {
            const struct mb2_tag_module *m = (const void *)t;

            add_module(m->mod_start, m->mod_end, m->cmdline);
            break;
        }
        case MB2_TAG_MMAP: {
            const struct mb2_tag_mmap *m = (const void *)t;
            u32 off = sizeof(*m);

            if (m->entry_size < sizeof(struct mb2_mmap_entry))
                break;
            for (; off + m->entry_size <= m->size; off += m->entry_size) {
                const struct mb2_mmap_entry *e = (const void *)((const char *)m + off);

                add_e820(e->addr, e->len, e->type);
            }
            break;
        }
        case MB2_TAG_ACPI_OLD:
            /* Loaders give both in either order (GRUB old first, Limine
             * new first): the ACPI 2.0 one, with the XSDT, wins. */
            if (have_new_rsdp)
                break;
            /* fall through */
        case MB2_TAG_ACPI_NEW:
            have_new_rsdp = t->type == MB2_TAG_ACPI_NEW;
            bootinfo.rsdp_len = min((size_t)(t->size - sizeof(*t)), sizeof(bootinfo.rsdp));
            memcpy(bootinfo.rsdp, (const char *)t + sizeof(*t), bootinfo.rsdp_len);
            break;
        }
    }
    if (cmdline)
        cook_cmdline(bootinfo.cmdline, cmdline);
}

/* Sorted, merged, page-aligned RAM ranges from the E820 map. */
static void build_ram_map(void)
{
    for (unsigned int i = 0; i < bootinfo.nr_e820; i++) {
        const struct e820_entry *e = &bootinfo.e820[i];
        paddr_t s = ROUNDUP(e->start, PAGE_SIZE), t = ROUNDDOWN(e->end, PAGE_SIZE);
        unsigned int j;

        if (e->type != E820_RAM || s >= t)
            continue;
        /* Cut out any overlap with a non-RAM entry: those win. */
        for (j = 0; j < bootinfo.nr_e820; j++) {
            const struct e820_entry *o = &bootinfo.e820[j];

            if (o->type == E820_RAM || o->end <= s || o->start >= t)
                continue;
            if (o->start <= s)
                s = ROUNDUP(o->end, PAGE_SIZE);
            else
                t = ROUNDDOWN(o->start, PAGE_SIZE);
            if (s >= t)
                break;
        }
        if (s >= t)
            continue;
        if (bootinfo.nr_ram == BOOT_MAX_RAM) {
            printk("e820: too many RAM ranges, ignoring [%016lx-%016lx]\n", s, t - 1);
            continue;
        }
        /* Insertion sort, merging overlapping or touching ranges. */
        for (j = bootinfo.nr_ram; j > 0 && bootinfo.ram[j - 1].start > s; j--)
            bootinfo.ram[j] = bootinfo.ram[j - 1];
        bootinfo.ram[j].start = s;
        bootinfo.ram[j].end = t;
        bootinfo.nr_ram++;
    }
    for (unsigned int i = 0; i + 1 < bootinfo.nr_ram; ) {
        struct mem_range *a = &bootinfo.ram[i], *b = &bootinfo.ram[i + 1];

        if (b->start <= a->end) {
            a->end = max(a->end, b->end);
            memmove(b, b + 1, (bootinfo.nr_ram - i - 2) * sizeof(*b));
            bootinfo.nr_ram--;
        } else {
            i++;
        }
    }
    if (bootinfo.nr_ram)
        bootinfo.max_ram_addr = bootinfo.ram[bootinfo.nr_ram - 1].end;
}

static const char *e820_type_name(u32 type)
{
    switch (type) {
    case E820_RAM:      return "RAM";
    case E820_RESERVED: return "reserved";
    case E820_ACPI:     return "ACPI data";
    case E820_NVS:      return "ACPI NVS";
    case E820_UNUSABLE: return "unusable";
    default:            return "unknown";
    }
}

void multiboot_parse(u32 magic, paddr_t info)
{
    if (magic == MB1_BOOTLOADER_MAGIC)
        parse_mb1(maddr_to_virt(info));
    else
        parse_mb2(info);

    printk("boot: loader \"%s\", multiboot%s\n", bootinfo.loader,
           magic == MB1_BOOTLOADER_MAGIC ? "1" : "2");
    printk("boot: command line \"%s\"\n", bootinfo.cmdline);
    printk("e820: memory map from the loader:\n");
    for (unsigned int i = 0; i < bootinfo.nr_e820; i++)
        printk("e820: [%016lx-%016lx] %s\n", bootinfo.e820[i].start,
               bootinfo.e820[i].end - 1, e820_type_name(bootinfo.e820[i].type));
    build_ram_map();
    if (!bootinfo.nr_ram)
        panic("no RAM in the loader's memory map");
    for (unsigned int i = 0; i < bootinfo.nr_modules; i++) {
        const struct boot_module *m = &bootinfo.modules[i];

        printk("boot: module %u: [%016lx-%016lx) %lu bytes, cmdline \"%s\"\n",
               i, m->start, m->end, m->end - m->start, m->cmdline);
    }
    if (!bootinfo.nr_modules)
        printk("boot: no modules\n");
}
