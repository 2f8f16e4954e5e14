/* The builder's pure parts: e820 map, multiboot information, ACPI tables
 * (layout.c, acpi_tables.c) and the multiboot image loader (mb_image.c). */
#include <stdio.h>
#include <stdlib.h>
#include <hv/hvm_build.h>
#include <hv/hvm_devices.h>
#include <hv/multiboot.h>
#include "hvm_unit.h"

START_TEST(e820_small_and_large)
{
    struct hvm_e820 m[HVM_E820_MAX];
    unsigned int n = hvm_build_e820(128 << 8, m);       /* 128 MiB */

    ck_assert_uint_eq(n, 6);
    ck_assert(m[0].addr == 0 && m[0].len == 0x9fc00 && m[0].type == E820_RAM);
    ck_assert(m[1].addr == 0x9fc00 && m[1].type == E820_RESERVED);
    ck_assert(m[2].addr == 0xe0000 && m[2].len == 0x20000 && m[2].type == E820_RESERVED);
    ck_assert(m[3].addr == 0x100000 && m[3].len == (128u << 20) - 0x100000);
    ck_assert(m[4].addr == VIOAPIC_BASE && m[4].type == E820_RESERVED);
    ck_assert(m[5].addr == VLAPIC_DEFAULT_BASE && m[5].type == E820_RESERVED);
    n = hvm_build_e820(4ull << 18, m);                  /* 4 GiB */
    ck_assert_uint_eq(n, 7);
    ck_assert_uint_eq(m[3].addr + m[3].len, HVM_LOW_RAM_LIMIT);
    ck_assert(m[6].addr == HVM_HIGH_RAM_START && m[6].len == (1ull << 30) &&
              m[6].type == E820_RAM);
}
END_TEST

START_TEST(multiboot_information)
{
    static u8 buf[4096];
    const u64 base = HVM_MBI_ADDR;
    struct hvm_mbi_params p = {
        .ram_pages = 64 << 8, .cmdline = "kernel shell abi",
        .mod_start = 0x200000, .mod_end = 0x212345, .mod_cmdline = "initrd args",
    };
    size_t n = hvm_build_mbi(&p, base, buf, sizeof(buf));
    struct mb1_info info;
    struct mb1_module mod;
    struct mb1_mmap_entry e;

    ck_assert_uint_gt(n, sizeof(info));
    memcpy(&info, buf, sizeof(info));
    ck_assert_uint_eq(info.flags, MB1_INFO_MEMORY | MB1_INFO_CMDLINE | MB1_INFO_MMAP |
                      MB1_INFO_LOADER | MB1_INFO_MODS);
    ck_assert_uint_eq(info.mem_lower, 639);
    ck_assert_uint_eq(info.mem_upper, 63 * 1024);
    ck_assert_str_eq((char *)buf + info.cmdline - base, "kernel shell abi");
    ck_assert_str_eq((char *)buf + info.boot_loader_name - base, "heron hv");
    ck_assert_uint_eq(info.mods_count, 1);
    memcpy(&mod, buf + info.mods_addr - base, sizeof(mod));
    ck_assert_uint_eq(mod.mod_start, 0x200000);
    ck_assert_uint_eq(mod.mod_end, 0x212345);
    ck_assert_str_eq((char *)buf + mod.string - base, "initrd args");
    ck_assert_uint_eq(info.mmap_length, 6 * sizeof(e));
    memcpy(&e, buf + info.mmap_addr - base + 3 * sizeof(e), sizeof(e));
    ck_assert_uint_eq(e.size, 20);
    ck_assert(e.addr == 0x100000 && e.len == (63u << 20) && e.type == 1);
    ck_assert_uint_le(info.cmdline + strlen("kernel shell abi") + 1 - base, n);
    /* Without a module: no MODS flag.  Too small a buffer: nothing. */
    p.mod_end = 0;
    n = hvm_build_mbi(&p, base, buf, sizeof(buf));
    memcpy(&info, buf, sizeof(info));
    ck_assert(!(info.flags & MB1_INFO_MODS));
    ck_assert_uint_eq(hvm_build_mbi(&p, base, buf, 100), 0);
    ck_assert_uint_eq(hvm_build_mbi(&p, base, buf, n - 1), 0);
}
END_TEST

static u8 sum(const u8 *p, size_t n)
{
    u8 s = 0;

    while (n--)
        s += *p++;
    return s;
}

static u32 get32(const u8 *p)
{
    u32 v;

    memcpy(&v, p, 4);
    return v;
}

START_TEST(acpi_tables_checksum_and_link)
{
    static u8 buf[4096];
    const u64 base = HVM_ACPI_ADDR;
    size_t n = hvm_build_acpi_tables(base, buf, sizeof(buf));
    const u8 *rsdt, *xsdt, *fadt, *madt, *dsdt, *facs;
    u64 x0;

    ck_assert_uint_gt(n, 0);
    ck_assert(!memcmp(buf, "RSD PTR ", 8));
    ck_assert_uint_eq(sum(buf, 20), 0);
    ck_assert_uint_eq(sum(buf, 36), 0);
    ck_assert_uint_eq(buf[15], 2);                      /* revision */
    rsdt = buf + get32(buf + 16) - base;
    memcpy(&x0, buf + 24, 8);
    xsdt = buf + x0 - base;
    ck_assert(!memcmp(rsdt, "RSDT", 4) && sum(rsdt, get32(rsdt + 4)) == 0);
    ck_assert(!memcmp(xsdt, "XSDT", 4) && sum(xsdt, get32(xsdt + 4)) == 0);
    ck_assert_uint_eq(get32(rsdt + 4), 36 + 8);
    fadt = buf + get32(rsdt + 36) - base;
    madt = buf + get32(rsdt + 40) - base;
    memcpy(&x0, xsdt + 36, 8);
    ck_assert_ptr_eq(buf + x0 - base, fadt);
    ck_assert(!memcmp(fadt, "FACP", 4) && sum(fadt, get32(fadt + 4)) == 0);
    ck_assert_uint_eq(get32(fadt + 4), 244);
    ck_assert_uint_eq(get32(fadt + 56), ACPI_PM1A_EVT_BLK);
    ck_assert_uint_eq(get32(fadt + 64), ACPI_PM1A_CNT_BLK);
    ck_assert_uint_eq(get32(fadt + 76), ACPI_PM_TMR_BLK);
    ck_assert_uint_eq(fadt[46], ACPI_SCI_IRQ);
    facs = buf + get32(fadt + 36) - base;
    ck_assert(!memcmp(facs, "FACS", 4) && (get32(fadt + 36) & 63) == 0);
    dsdt = buf + get32(fadt + 40) - base;
    ck_assert(!memcmp(dsdt, "DSDT", 4) && sum(dsdt, get32(dsdt + 4)) == 0);
    ck_assert(!memcmp(dsdt + 36, "\x08\\_S5_\x12", 7));
    ck_assert(!memcmp(madt, "APIC", 4) && sum(madt, get32(madt + 4)) == 0);
    ck_assert_uint_eq(get32(madt + 36), VLAPIC_DEFAULT_BASE);
    /* First entry: the local APIC of CPU 0, enabled. */
    ck_assert(madt[44] == 0 && madt[45] == 8 && madt[47] == 0 && get32(madt + 48) == 1);
    /* Then the IOAPIC. */
    ck_assert(madt[52] == 1 && madt[54] == 1 && get32(madt + 56) == VIOAPIC_BASE);
    /* Every table fits in what the builder copies. */
    ck_assert_uint_le(madt - buf + get32(madt + 4), n);
    ck_assert_uint_le(xsdt - buf + get32(xsdt + 4), n);
    ck_assert_uint_eq(hvm_build_acpi_tables(base + 8, buf, sizeof(buf)), 0);
    ck_assert_uint_eq(hvm_build_acpi_tables(base, buf, 64), 0);
}
END_TEST

/* ---- multiboot images ---- */

static void *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    void *b;
    long n;

    ck_assert_msg(f != NULL, "cannot open %s", path);
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    rewind(f);
    b = malloc(n);
    ck_assert_uint_eq(fread(b, 1, n, f), (size_t)n);
    fclose(f);
    *len = n;
    return b;
}

static int parse(const void *img, size_t len, struct mb_image *out, char *err)
{
    return mb_image_parse(img, len, out, err, 128);
}

START_TEST(real_images)
{
    struct mb_image m;
    char err[128];
    size_t len;
    void *img = slurp(HERON_BUILD_DIR "/pvops-guest.elf", &len);

    /* pvops-guest: ELF64 with the a.out-kludge fields, one run at 1 MiB. */
    ck_assert_int_eq(parse(img, len, &m, err), 0);
    ck_assert(m.header_flags & MB1_FLAG_AOUT_KLUDGE);
    ck_assert_uint_eq(m.nr_segments, 1);
    ck_assert_uint_eq(m.load_start, 0x100000);
    ck_assert_uint_eq(m.seg[0].offset, 0);
    ck_assert_uint_gt(m.seg[0].memsz, m.seg[0].filesz);      /* .bss */
    ck_assert(m.entry >= m.load_start && m.entry < m.load_end);
    /* Every truncation is either refused or still consistent. */
    for (size_t n = 0; n < len; n += 997)
        if (!parse(img, n, &m, err))
            ck_assert_uint_le(m.seg[0].offset + m.seg[0].filesz, n);
    free(img);

    img = slurp(HERON_BUILD_DIR "/tests/hvm-guests/test_hvm.elf", &len);
    ck_assert_int_eq(parse(img, len, &m, err), 0);
    ck_assert(!(m.header_flags & MB1_FLAG_AOUT_KLUDGE));
    ck_assert_uint_ge(m.nr_segments, 1);
    ck_assert_uint_eq(m.load_start, 0x100000);
    free(img);
}
END_TEST

/* A crafted a.out-kludge image: header at offset 64 of a 4 KiB file. */
static u8 aout[4096];

static void make_aout(u32 flags, u32 header_addr, u32 load, u32 load_end,
                      u32 bss_end, u32 entry)
{
    u32 h[8] = { MB1_HEADER_MAGIC, flags, -(MB1_HEADER_MAGIC + flags), header_addr,
                 load, load_end, bss_end, entry };

    memset(aout, 0, sizeof(aout));
    memcpy(aout + 64, h, sizeof(h));
}

START_TEST(aout_kludge_images)
{
    struct mb_image m;
    char err[128];

    make_aout(0x10003, 0x100040, 0x100000, 0x100800, 0x102000, 0x100100);
    ck_assert_int_eq(parse(aout, sizeof(aout), &m, err), 0);
    ck_assert_uint_eq(m.seg[0].filesz, 0x800);
    ck_assert_uint_eq(m.seg[0].memsz, 0x2000);
    ck_assert_uint_eq(m.entry, 0x100100);
    /* load_end 0: the rest of the file. */
    make_aout(0x10000, 0x100040, 0x100000, 0, 0, 0x100100);
    ck_assert_int_eq(parse(aout, sizeof(aout), &m, err), 0);
    ck_assert_uint_eq(m.seg[0].filesz, sizeof(aout));

    make_aout(0x10000, 0x100040, 0x100080, 0, 0, 0x100100);
    ck_assert_int_eq(parse(aout, sizeof(aout), &m, err), -EINVAL);
    ck_assert(strstr(err, "header_addr"));
    make_aout(0x10000, 0x100040, 0x100000, 0x200000, 0, 0x100100);
    ck_assert_int_eq(parse(aout, sizeof(aout), &m, err), -EINVAL);
    ck_assert(strstr(err, "load_end_addr"));
    make_aout(0x10000, 0x100040, 0x100000, 0x100800, 0x100400, 0x100100);
    ck_assert_int_eq(parse(aout, sizeof(aout), &m, err), -EINVAL);
    ck_assert(strstr(err, "bss_end_addr"));
    make_aout(0x10000, 0x100040, 0x100000, 0x100800, 0, 0x300000);
    ck_assert_int_eq(parse(aout, sizeof(aout), &m, err), -EINVAL);
    ck_assert(strstr(err, "entry point"));
    make_aout(0x10004, 0x100040, 0x100000, 0, 0, 0x100100);   /* video mode */
    ck_assert_int_eq(parse(aout, sizeof(aout), &m, err), -EINVAL);
    ck_assert(strstr(err, "features"));
    make_aout(0x10000, 0xfffffc40, 0xfffffc00, 0, 0, 0xfffffc10);
    ck_assert_int_eq(parse(aout, sizeof(aout), &m, err), -EINVAL);
    ck_assert(strstr(err, "4 GiB"));
    /* Bad checksum: no header at all. */
    make_aout(0x10000, 0x100040, 0x100000, 0, 0, 0x100100);
    aout[64 + 8] ^= 1;
    ck_assert_int_eq(parse(aout, sizeof(aout), &m, err), -EINVAL);
    ck_assert(strstr(err, "no multiboot header"));
    /* A file that ends before the header. */
    ck_assert_int_eq(parse(aout, 40, &m, err), -EINVAL);
}
END_TEST

/* A crafted ELF32 multiboot image: header, two PT_LOADs. */
struct elf32 {
    u8 ident[16];
    u16 type, machine;
    u32 version, entry, phoff, shoff, flags;
    u16 ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct phdr32 {
    u32 type, offset, vaddr, paddr, filesz, memsz, flags, align;
};

static u8 elf[8192];

static void make_elf(u32 entry, const struct phdr32 *ph, unsigned int n)
{
    struct elf32 eh = { .ident = { 0x7f, 'E', 'L', 'F', 1, 1, 1 }, .type = 2,
                        .machine = 3, .version = 1, .entry = entry,
                        .phoff = sizeof(eh), .ehsize = sizeof(eh),
                        .phentsize = sizeof(struct phdr32), .phnum = n };
    u32 h[3] = { MB1_HEADER_MAGIC, 3, -(MB1_HEADER_MAGIC + 3) };

    memset(elf, 0, sizeof(elf));
    memcpy(elf, &eh, sizeof(eh));
    memcpy(elf + sizeof(eh), ph, n * sizeof(*ph));
    memcpy(elf + 0x1000, h, sizeof(h));
}

START_TEST(elf_images)
{
    struct phdr32 ph[3] = {
        { 1, 0x1000, 0xc0100000, 0x100000, 0x800, 0x1000, 5, 0x1000 },
        { 1, 0x1800, 0xc0101000, 0x101000, 0x100, 0x4000, 6, 0x1000 },
        { 4, 0, 0, 0, 0, 0, 0, 0 },                     /* PT_NOTE: ignored */
    };
    struct mb_image m;
    char err[128];

    /* The entry is a virtual address: it becomes physical. */
    make_elf(0xc0100010, ph, 3);
    ck_assert_int_eq(parse(elf, sizeof(elf), &m, err), 0);
    ck_assert_uint_eq(m.nr_segments, 2);
    ck_assert_uint_eq(m.entry, 0x100010);
    ck_assert_uint_eq(m.load_end, 0x105000);
    make_elf(0xd0000000, ph, 2);
    ck_assert_int_eq(parse(elf, sizeof(elf), &m, err), -EINVAL);
    ck_assert(strstr(err, "entry point"));
    ph[1].paddr = 0x100800;                             /* overlaps */
    make_elf(0xc0100010, ph, 2);
    ck_assert_int_eq(parse(elf, sizeof(elf), &m, err), -EINVAL);
    ck_assert(strstr(err, "overlap"));
    ph[1].paddr = 0x101000;
    ph[1].filesz = ph[1].memsz = 0x8000;                /* past the file */
    make_elf(0xc0100010, ph, 2);
    ck_assert_int_eq(parse(elf, sizeof(elf), &m, err), -EINVAL);
    ck_assert(strstr(err, "outside the file"));
    make_elf(0xc0100010, &ph[2], 1);
    ck_assert_int_eq(parse(elf, sizeof(elf), &m, err), -EINVAL);
    ck_assert(strstr(err, "no loadable"));
    make_elf(0xc0100010, ph, 1);
    elf[18] = 40;                                       /* ARM */
    ck_assert_int_eq(parse(elf, sizeof(elf), &m, err), -EINVAL);
    memset(elf, 0, 0x1000);                             /* header left, no ELF */
    ck_assert_int_eq(parse(elf, sizeof(elf), &m, err), -EINVAL);
    ck_assert(strstr(err, "not an ELF"));
}
END_TEST

TCase *tcase_builder(void)
{
    TCase *tc = tcase_create("builder");

    tcase_add_test(tc, e820_small_and_large);
    tcase_add_test(tc, multiboot_information);
    tcase_add_test(tc, acpi_tables_checksum_and_link);
    tcase_add_test(tc, real_images);
    tcase_add_test(tc, aout_kludge_images);
    tcase_add_test(tc, elf_images);
    return tc;
}
