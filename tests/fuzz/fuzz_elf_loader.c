/*
 * libFuzzer target: arbitrary bytes as a PV kernel image through hv's ELF
 * and Xen-notes loader (hv/common/elf_loader.c), which hv runs on boot
 * modules and dom0's heron on kernels named in configs.  Refusals must
 * say why; an accepted image must load only inside [kstart, kend) and
 * only from inside the buffer (AddressSanitizer checks the reads).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <hv/elf_loader.h>

struct load_check {
    const struct pv_image *img;
    const uint8_t *data;
    size_t size;
};

static void put(void *ctx, u64 va, const void *src, size_t n)
{
    const struct load_check *c = ctx;

    if (va < c->img->kstart || va > c->img->kend || n > c->img->kend - va)
        __builtin_trap();
    if (src && ((const uint8_t *)src < c->data ||
                (const uint8_t *)src + n > c->data + c->size))
        __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct pv_image img;
    struct load_check c = { &img, data, size };
    char err[256];

    if (pv_image_parse(data, size, &img, err, sizeof(err))) {
        if (!memchr(err, '\0', sizeof(err)) || !err[0])
            __builtin_trap();
        return 0;
    }
    if (img.kend <= img.kstart || img.entry < img.kstart || img.entry >= img.kend)
        __builtin_trap();
    pv_image_load(data, &img, put, &c);
    return 0;
}
