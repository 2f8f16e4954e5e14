/*
 * Reading a PV kernel image: an ELF64 x86-64 executable whose PT_NOTE
 * segments carry Xen notes (name "Xen", public/elfnote.h).  Pure logic on
 * a byte buffer, shared by hv's domain builder and the host unit tests.
 */
#ifndef HV_ELF_LOADER_H
#define HV_ELF_LOADER_H

#include <hv/types.h>
#include <public/features.h>

#define PV_NO_ADDR (~0UL)

struct pv_image {
    /* Addresses, as the builder uses them (virtual). */
    u64 entry;              /* ENTRY note, else e_entry */
    u64 hypercall_page;     /* HYPERCALL_PAGE note, PV_NO_ADDR if none */
    u64 virt_base;          /* VIRT_BASE note, else 0 */
    u64 paddr_offset;       /* PADDR_OFFSET note, else 0 */
    u64 kstart, kend;       /* [first, end) of the loaded image */
    u64 init_p2m;           /* INIT_P2M note, PV_NO_ADDR if none */

    /* Strings (NUL-terminated, truncated to fit). */
    char guest_os[32];
    char xen_version[16];
    char loader[16];

    /*
     * FEATURES: XENFEAT bits named, and those marked required ('!').
     * PV_FEATURES_REQUIRABLE are the ones a PV kernel may require: Linux
     * marks writable_page_tables required, which Xen's builders let pass
     * (the kernel learns what it really gets from XENVER_get_features).
     */
    u32 features_supported;
    u32 features_required;
    bool has_supported_features;    /* SUPPORTED_FEATURES note present */
    u32 supported_features;         /* its value */

    bool suspend_cancel;
    bool mod_start_pfn;
    unsigned int nr_notes;          /* Xen notes seen */
};

/*
 * Checks the image and fills *img.  Returns 0, or -EINVAL with a reason in
 * err (always terminated) for anything malformed or inconsistent: not
 * ELF64/x86-64/executable, headers or segments outside the file, no
 * loadable segment, no Xen notes, bad note sizes or strings, a note given
 * twice with different values, a loader other than "generic"/"linux", a
 * XEN_VERSION other than "xen-3.0", an entry or hypercall page outside the
 * image, VIRT_BASE above the image, PADDR_OFFSET without VIRT_BASE, an
 * unknown required feature.
 */
int pv_image_parse(const void *image, size_t len, struct pv_image *img,
                   char *err, size_t errlen);

/*
 * Loads the parsed image: for each PT_LOAD segment, put(ctx, va, src, n)
 * with the file bytes, then put(ctx, va, NULL, n) for the zero-filled
 * rest.  pv_image_parse() must have accepted the same buffer.
 */
void pv_image_load(const void *image, const struct pv_image *img,
                   void (*put)(void *ctx, u64 va, const void *src, size_t n),
                   void *ctx);

#define PV_FEATURES_REQUIRABLE ((1u << XENFEAT_writable_page_tables) | \
                                (1u << XENFEAT_pae_pgdir_above_4gb))

#endif
