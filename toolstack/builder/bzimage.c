/*
 * bzImage payload extraction (bzimage.h).  The setup header sits at offset
 * 0x1f1 of the image; the protected-mode part starts after the
 * (setup_sects + 1) 512-byte sectors of real-mode setup, and the payload
 * lies payload_offset bytes into it.  Decompression is liblzma's (linked
 * statically into dom0's binaries).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lzma.h>

#include "bzimage.h"

#define HDR_SETUP_SECTS     0x1f1
#define HDR_BOOT_FLAG       0x1fe   /* 0xaa55 */
#define HDR_HEADER          0x202   /* "HdrS" */
#define HDR_VERSION         0x206
#define HDR_PAYLOAD_OFFSET  0x248
#define HDR_PAYLOAD_LENGTH  0x24c
#define HDR_END             0x250
#define PAYLOAD_MIN_VERSION 0x0208

/* The vmlinux of a kernel is far below this; bounds a hostile payload. */
#define ELF_MAX_LEN         (512u << 20)

static uint32_t get_le(const uint8_t *p, unsigned int n)
{
    uint32_t v = 0;

    while (n--)
        v = (v << 8) | p[n];
    return v;
}

bool bzimage_is(const void *img, size_t len)
{
    const uint8_t *p = img;

    return len >= HDR_END && get_le(p + HDR_BOOT_FLAG, 2) == 0xaa55 &&
           !memcmp(p + HDR_HEADER, "HdrS", 4);
}

/* Names the other compressors a kernel may use, for the error message. */
static const char *compression_name(const uint8_t *p, size_t len)
{
    static const struct { const char *name; uint8_t magic[4]; size_t n; } m[] = {
        { "gzip", { 0x1f, 0x8b }, 2 },
        { "bzip2", { 'B', 'Z', 'h' }, 3 },
        { "lzma", { 0x5d, 0x00, 0x00 }, 3 },
        { "lzo", { 0x89, 'L', 'Z', 'O' }, 4 },
        { "lz4", { 0x02, 0x21, 0x4c, 0x18 }, 4 },
        { "zstd", { 0x28, 0xb5, 0x2f, 0xfd }, 4 },
    };

    for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++)
        if (len >= m[i].n && !memcmp(p, m[i].magic, m[i].n))
            return m[i].name;
    return "an unknown format";
}

/*
 * The kernel's build appends the uncompressed size to the payload (4
 * bytes, little-endian): with it the output is allocated once, which
 * matters in a small dom0 (the decoder's own dictionary is 32 MiB).  A
 * page of slack lets the decoder reach the stream's end without growing
 * the buffer; a wrong size only costs reallocations.
 */
static size_t unxz_first_guess(const uint8_t *in, size_t in_len)
{
    uint32_t size = in_len >= 4 ? get_le(in + in_len - 4, 4) : 0;

    return size && size < ELF_MAX_LEN ? (size_t)size + 4096 : in_len * 4;
}

static int unxz(const uint8_t *in, size_t in_len, void **out, size_t *out_len,
                char *err, size_t errlen)
{
    lzma_stream s = LZMA_STREAM_INIT;
    size_t cap = unxz_first_guess(in, in_len);
    uint8_t *buf = NULL;
    lzma_ret ret;

    if (lzma_stream_decoder(&s, UINT64_MAX, 0) != LZMA_OK) {
        snprintf(err, errlen, "cannot start the xz decoder");
        return -ENOMEM;
    }
    s.next_in = in;
    s.avail_in = in_len;
    do {
        if (!buf || !s.avail_out) {
            uint8_t *nb;

            if (buf && cap >= ELF_MAX_LEN) {
                ret = LZMA_MEMLIMIT_ERROR;
                break;
            }
            if (buf)
                cap *= 2;
            nb = realloc(buf, cap);
            if (!nb) {
                ret = LZMA_MEM_ERROR;
                break;
            }
            s.next_out = nb + (buf ? s.total_out : 0);
            s.avail_out = cap - s.total_out;
            buf = nb;
        }
        ret = lzma_code(&s, LZMA_FINISH);
    } while (ret == LZMA_OK);
    if (ret != LZMA_STREAM_END) {
        snprintf(err, errlen, "xz payload does not decompress (liblzma error %d)",
                 (int)ret);
        lzma_end(&s);
        free(buf);
        return ret == LZMA_MEM_ERROR ? -ENOMEM : -EINVAL;
    }
    *out = buf;
    *out_len = s.total_out;
    lzma_end(&s);
    return 0;
}

int bzimage_unpack(const void *img, size_t len, void **elf, size_t *elf_len,
                   char *err, size_t errlen)
{
    const uint8_t *p = img;
    uint64_t base, off, plen;
    const uint8_t *payload;

    if (!bzimage_is(img, len)) {
        snprintf(err, errlen, "not a bzImage");
        return -EINVAL;
    }
    if (get_le(p + HDR_VERSION, 2) < PAYLOAD_MIN_VERSION) {
        snprintf(err, errlen, "boot protocol %#x has no payload fields",
                 get_le(p + HDR_VERSION, 2));
        return -EINVAL;
    }
    base = ((uint64_t)(p[HDR_SETUP_SECTS] ? p[HDR_SETUP_SECTS] : 4) + 1) * 512;
    off = get_le(p + HDR_PAYLOAD_OFFSET, 4);
    plen = get_le(p + HDR_PAYLOAD_LENGTH, 4);
    if (!plen || base + off > len || plen > len - base - off) {
        snprintf(err, errlen, "payload [%#llx, +%#llx) outside the %zu-byte image",
                 (unsigned long long)(base + off), (unsigned long long)plen, len);
        return -EINVAL;
    }
    payload = p + base + off;
    if (plen >= 6 && !memcmp(payload, "\xfd" "7zXZ", 6))
        return unxz(payload, plen, elf, elf_len, err, errlen);
    snprintf(err, errlen, "payload compressed with %s (only xz is supported)",
             compression_name(payload, plen));
    return -EINVAL;
}
