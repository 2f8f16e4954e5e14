/*
 * Linux bzImage kernels (the x86 boot protocol, Documentation/arch/x86/
 * boot.rst in Linux): the file is the real-mode setup code, whose sector
 * 1 holds the setup header ("HdrS" at 0x202), then the protected-mode
 * kernel from sector setup_sects + 1.  hv skips the real-mode part and
 * starts the protected-mode kernel at its 32-bit entry, which needs only
 * the state a multiboot kernel gets (flat 32-bit segments, no paging):
 * what the setup code would have gathered from the BIOS goes into the
 * zero page (struct boot_params) that ESI points at.  Every header field
 * is checked against the file and the guest's memory before use.
 */
#include <hv/hvm_build.h>
#include <hv/errno.h>
#include <hv/lib.h>

/* Offsets in the file and in the zero page (they coincide for the header). */
#define BP_ACPI_RSDP_ADDR   0x070
#define BP_E820_ENTRIES     0x1e8
#define BP_HDR              0x1f1   /* the setup header starts here */
#define HDR_SETUP_SECTS     0x1f1
#define HDR_SYSSIZE         0x1f4
#define HDR_JUMP            0x200   /* its second byte: the header's length - 2 */
#define HDR_MAGIC           0x202
#define HDR_VERSION         0x206
#define HDR_TYPE_OF_LOADER  0x210
#define HDR_LOADFLAGS       0x211
#define HDR_RAMDISK_IMAGE   0x218
#define HDR_RAMDISK_SIZE    0x21c
#define HDR_HEAP_END_PTR    0x224
#define HDR_CMD_LINE_PTR    0x228
#define HDR_INITRD_ADDR_MAX 0x22c
#define HDR_KERNEL_ALIGN    0x230
#define HDR_RELOCATABLE     0x234
#define HDR_CMDLINE_SIZE    0x238
#define HDR_PREF_ADDRESS    0x258
#define HDR_INIT_SIZE       0x260
#define HDR_END_MIN         0x264   /* a 2.10 header reaches at least here */
#define HDR_END_MAX         0x290   /* the zero page's room for it */
#define BP_E820_TABLE       0x2d0
#define BP_E820_MAX         128

#define LOADED_HIGH         0x01    /* loadflags: the kernel goes at 1 MiB+ */
#define CAN_USE_HEAP        0x80
#define LOADER_UNDEFINED    0xff    /* type_of_loader: no assigned ID */
#define SECTOR              512
#define DEFAULT_SETUP_SECTS 4
#define LEGACY_LOAD_ADDR    0x100000ull

#define fail(...) ({ snprintf(err, errlen, __VA_ARGS__); -EINVAL; })

static u16 get16(const u8 *p)
{
    u16 v;

    memcpy(&v, p, 2);
    return v;
}

static u32 get32(const u8 *p)
{
    u32 v;

    memcpy(&v, p, 4);
    return v;
}

static u64 get64(const u8 *p)
{
    u64 v;

    memcpy(&v, p, 8);
    return v;
}

static void put32(u8 *p, u32 v)
{
    memcpy(p, &v, 4);
}

static void put64(u8 *p, u64 v)
{
    memcpy(p, &v, 8);
}

bool bzimage_detect(const void *image, size_t len)
{
    return len >= HDR_MAGIC + 4 && !memcmp((const u8 *)image + HDR_MAGIC, "HdrS", 4);
}

int bzimage_parse(const void *image, size_t len, struct bz_image *out,
                  char *err, size_t errlen)
{
    const u8 *img = image;
    unsigned int sects;
    u64 end, align;

    memset(out, 0, sizeof(*out));
    if (!bzimage_detect(image, len))
        return fail("no Linux setup header (\"HdrS\" at 0x202)");
    out->version = get16(img + HDR_VERSION);
    if (out->version < BZ_MIN_VERSION)
        return fail("boot protocol %u.%02u is too old (hv needs %u.%02u or later)",
                    out->version >> 8, out->version & 0xff, BZ_MIN_VERSION >> 8,
                    BZ_MIN_VERSION & 0xff);
    out->hdr_end = HDR_MAGIC + img[HDR_JUMP + 1];
    if (out->hdr_end < HDR_END_MIN || out->hdr_end > HDR_END_MAX)
        return fail("the setup header's length (%#x) is not a 2.10+ header's",
                    (unsigned int)out->hdr_end);
    if (len < out->hdr_end)
        return fail("the file is truncated inside the setup header");
    if (!(img[HDR_LOADFLAGS] & LOADED_HIGH))
        return fail("not a bzImage (a zImage loads below 1 MiB)");
    sects = img[HDR_SETUP_SECTS] ? img[HDR_SETUP_SECTS] : DEFAULT_SETUP_SECTS;
    out->kernel_offset = (u64)(sects + 1) * SECTOR;
    out->kernel_len = (u64)get32(img + HDR_SYSSIZE) * 16;
    end = out->kernel_offset + out->kernel_len;
    if (!out->kernel_len || end > len)
        return fail("the file is truncated: %lu bytes, the header says %lu",
                    (unsigned long)len, (unsigned long)end);
    out->init_size = get32(img + HDR_INIT_SIZE);
    if (out->init_size < out->kernel_len)
        out->init_size = out->kernel_len;
    out->initrd_addr_max = get32(img + HDR_INITRD_ADDR_MAX);
    out->cmdline_size = get32(img + HDR_CMDLINE_SIZE);
    if (img[HDR_RELOCATABLE]) {
        align = get32(img + HDR_KERNEL_ALIGN);
        if (!align || (align & (align - 1)))
            return fail("kernel_alignment %#lx is not a power of two",
                        (unsigned long)align);
        out->load_addr = ROUNDUP(get64(img + HDR_PREF_ADDRESS), align);
    } else {
        out->load_addr = LEGACY_LOAD_ADDR;
    }
    if (out->load_addr < LEGACY_LOAD_ADDR || out->load_addr >= HVM_LOW_RAM_LIMIT)
        return fail("the kernel's load address %#lx is not in low RAM",
                    (unsigned long)out->load_addr);
    return 0;
}

int bzimage_layout(const struct bz_image *bz, u64 low_end, size_t cmdline_len,
                   size_t initrd_len, struct bz_layout *out, char *err,
                   size_t errlen)
{
    u64 kernel_end = bz->load_addr + bz->init_size, top;

    memset(out, 0, sizeof(*out));
    if (cmdline_len >= BZ_CMDLINE_MAX || cmdline_len > bz->cmdline_size)
        return fail("the command line (%lu bytes) is longer than the kernel "
                    "takes (%u)", (unsigned long)cmdline_len,
                    min(bz->cmdline_size, (u32)BZ_CMDLINE_MAX - 1));
    if (kernel_end > low_end)
        return fail("the kernel needs RAM up to %lu MiB (loaded at %#lx, "
                    "init_size %lu KiB) but the domain has %lu MiB",
                    (unsigned long)((kernel_end + (1 << 20) - 1) >> 20),
                    (unsigned long)bz->load_addr,
                    (unsigned long)(bz->init_size >> 10),
                    (unsigned long)(low_end >> 20));
    if (!initrd_len)
        return 0;
    /* Highest page-aligned place below both the RAM's and the kernel's limit. */
    top = min(low_end, (u64)bz->initrd_addr_max + 1);
    if (initrd_len > top || ((top - initrd_len) & PAGE_MASK) < kernel_end)
        return fail("the initrd (%lu KiB) does not fit between the kernel's end "
                    "(%lu KiB) and %lu KiB", (unsigned long)(initrd_len >> 10),
                    (unsigned long)(kernel_end >> 10), (unsigned long)(top >> 10));
    out->initrd_addr = (top - initrd_len) & PAGE_MASK;
    out->initrd_len = initrd_len;
    return 0;
}

void bzimage_zero_page(const void *image, const struct bz_image *bz,
                       const struct bz_layout *l, u64 ram_pages, u8 *zp)
{
    struct hvm_e820 map[HVM_E820_MAX];
    unsigned int n = hvm_build_e820(ram_pages, map);

    memset(zp, 0, PAGE_SIZE);
    memcpy(zp + BP_HDR, (const u8 *)image + BP_HDR, bz->hdr_end - BP_HDR);
    zp[HDR_TYPE_OF_LOADER] = LOADER_UNDEFINED;
    zp[HDR_LOADFLAGS] &= ~CAN_USE_HEAP;         /* no real-mode setup ran */
    zp[HDR_HEAP_END_PTR] = zp[HDR_HEAP_END_PTR + 1] = 0;
    put32(zp + HDR_CMD_LINE_PTR, HVM_BZ_CMDLINE_ADDR);
    put32(zp + HDR_RAMDISK_IMAGE, l->initrd_addr);
    put32(zp + HDR_RAMDISK_SIZE, l->initrd_len);
    put64(zp + BP_ACPI_RSDP_ADDR, HVM_ACPI_ADDR);
    zp[BP_E820_ENTRIES] = n;
    for (unsigned int i = 0; i < n && i < BP_E820_MAX; i++) {
        u8 *e = zp + BP_E820_TABLE + 20 * i;

        put64(e, map[i].addr);
        put64(e + 8, map[i].len);
        put32(e + 16, map[i].type);
    }
}
