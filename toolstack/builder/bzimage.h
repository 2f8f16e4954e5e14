/*
 * A Linux bzImage as a PV kernel: Xen's PV loader accepts a bzImage by
 * taking the compressed payload the setup header points at (boot
 * protocol 2.08+: payload_offset, payload_length), which is the kernel's
 * vmlinux ELF with its Xen notes.  The builder does the same, so the
 * unmodified /boot/vmlinuz-* of a distribution kernel loads.
 */
#ifndef TOOLSTACK_BZIMAGE_H
#define TOOLSTACK_BZIMAGE_H

#include <stdbool.h>
#include <stddef.h>

/* True when img is a bzImage (boot sector signature and "HdrS"). */
bool bzimage_is(const void *img, size_t len);

/*
 * Decompresses a bzImage's payload into a malloc'd buffer (*elf, *elf_len).
 * Payloads compressed with xz (Debian's choice) are supported; others are
 * named in the error.  Returns 0, or -EINVAL / -ENOMEM with why in err.
 */
int bzimage_unpack(const void *img, size_t len, void **elf, size_t *elf_len,
                   char *err, size_t errlen);

#endif
