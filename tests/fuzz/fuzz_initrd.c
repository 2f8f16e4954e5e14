/*
 * libFuzzer target: arbitrary bytes as pvops-guest's initrd, through the
 * parsers its unpacker runs (pvops-guest/fs/initrd.c): gunzip
 * (fs/inflate.c) and the newc cpio reader (fs/cpio.c), on the input as
 * given and on what it inflates to.  Every entry handed out must lie
 * inside the buffer (AddressSanitizer checks the reads).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fs.h"
#include "kalloc.h"

/* The guest's kmalloc fails for a gzip trailer's absurd size; under the
 * fuzzer such a size would only trip libFuzzer's malloc limit. */
#define MAX_INFLATED (64u << 20)

struct bounds {
    const uint8_t *buf;
    size_t len;
    unsigned int entries;
};

static int visit(void *arg, const struct cpio_entry *e)
{
    struct bounds *b = arg;
    size_t name_len = strlen(e->name);

    if ((const uint8_t *)e->name < b->buf ||
        (const uint8_t *)e->name + name_len >= b->buf + b->len)
        __builtin_trap();
    if (e->size && (e->data < b->buf || e->data + e->size > b->buf + b->len))
        __builtin_trap();
    b->entries++;
    return 0;
}

static void parse_cpio(const uint8_t *buf, size_t len)
{
    struct bounds b = { buf, len, 0 };

    cpio_parse(buf, len, visit, &b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *out;
    size_t out_len;

    parse_cpio(data, size);
    if (size >= 4) {
        uint32_t isize = (uint32_t)data[size - 4] | (uint32_t)data[size - 3] << 8 |
                         (uint32_t)data[size - 2] << 16 | (uint32_t)data[size - 1] << 24;

        if (isize > MAX_INFLATED)
            return 0;
    }
    if (gunzip(data, size, &out, &out_len) == 0) {
        parse_cpio(out, out_len);
        kfree(out);
    }
    return 0;
}
