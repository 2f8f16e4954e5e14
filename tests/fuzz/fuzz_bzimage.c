/*
 * libFuzzer target: arbitrary bytes as a Linux bzImage, through both
 * readers of one: dom0's heron (toolstack/builder/bzimage.c: the setup
 * header's payload fields, xz decompression, then the ELF loader on what
 * comes out, as for a PV kernel) and hv's HVM direct boot
 * (hv/arch/x86/hvm/bzimage.c: setup header checks, placing kernel and
 * initrd in low RAM, the zero page).  The RAM size, command line and
 * initrd lengths come from the input's last bytes.  Refusals must say why;
 * accepted layouts must keep the initrd page-aligned, above the kernel and
 * inside RAM.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <hv/elf_loader.h>
#include <hv/hvm_build.h>
#include "bzimage.h"

static void need_reason(const char *err, size_t size)
{
    if (!memchr(err, '\0', size) || !err[0])
        __builtin_trap();
}

static void toolstack_unpack(const uint8_t *data, size_t size)
{
    char err[256];
    void *elf;
    size_t elf_len;
    struct pv_image img;

    if (bzimage_unpack(data, size, &elf, &elf_len, err, sizeof(err))) {
        need_reason(err, sizeof(err));
        return;
    }
    if (pv_image_parse(elf, elf_len, &img, err, sizeof(err)))
        need_reason(err, sizeof(err));
    free(elf);
}

static uint32_t tail32(const uint8_t *data, size_t size, size_t from_end)
{
    uint32_t v = 0;

    for (size_t i = 0; i < 4 && from_end + i < size; i++)
        v |= (uint32_t)data[size - 1 - from_end - i] << (8 * i);
    return v;
}

static void hv_direct_boot(const uint8_t *data, size_t size)
{
    struct bz_image bz;
    struct bz_layout l;
    static uint8_t zp[PAGE_SIZE];
    char err[256];
    u64 low_end = ((u64)tail32(data, size, 0) << PAGE_SHIFT) % HVM_LOW_RAM_LIMIT;
    size_t cmdline_len = tail32(data, size, 4) % (2 * BZ_CMDLINE_MAX);
    size_t initrd_len = tail32(data, size, 8);

    if (bzimage_parse(data, size, &bz, err, sizeof(err))) {
        need_reason(err, sizeof(err));
        return;
    }
    if (bz.kernel_offset + bz.kernel_len > size || bz.hdr_end > size)
        __builtin_trap();
    if (bzimage_layout(&bz, low_end, cmdline_len, initrd_len, &l, err, sizeof(err))) {
        need_reason(err, sizeof(err));
        return;
    }
    if (bz.load_addr + bz.init_size > low_end || cmdline_len >= BZ_CMDLINE_MAX)
        __builtin_trap();
    if (l.initrd_len && ((l.initrd_addr & ~PAGE_MASK) ||
                         l.initrd_addr < bz.load_addr + bz.init_size ||
                         l.initrd_addr + l.initrd_len > low_end))
        __builtin_trap();
    bzimage_zero_page(data, &bz, &l, low_end >> PAGE_SHIFT, zp);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    toolstack_unpack(data, size);
    hv_direct_boot(data, size);
    return 0;
}
