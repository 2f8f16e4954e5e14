/*
 * PV kernel images: ELF64 headers, PT_LOAD segments and the Xen notes that
 * say where the kernel wants to live and how it is entered.  Everything is
 * read through bounds-checked copies, so a malformed module can only be
 * refused, never followed outside its buffer.
 */
#include <hv/elf_loader.h>
#include <hv/elf.h>
#include <hv/errno.h>
#include <hv/lib.h>
#include <public/elfnote.h>
#include <public/features.h>

struct parse_state {
    const u8 *image;
    size_t len;
    struct pv_image *img;
    char *err;
    size_t errlen;
    u64 seen;                       /* bit per note type already read */
    u64 value[XEN_ELFNOTE_MAX + 1]; /* numeric notes, for duplicate checks */
};

#define fail(st, ...) ({ snprintf((st)->err, (st)->errlen, __VA_ARGS__); -EINVAL; })

static const char *const note_names[XEN_ELFNOTE_MAX + 1] = {
    [XEN_ELFNOTE_INFO] = "INFO",
    [XEN_ELFNOTE_ENTRY] = "ENTRY",
    [XEN_ELFNOTE_HYPERCALL_PAGE] = "HYPERCALL_PAGE",
    [XEN_ELFNOTE_VIRT_BASE] = "VIRT_BASE",
    [XEN_ELFNOTE_PADDR_OFFSET] = "PADDR_OFFSET",
    [XEN_ELFNOTE_XEN_VERSION] = "XEN_VERSION",
    [XEN_ELFNOTE_GUEST_OS] = "GUEST_OS",
    [XEN_ELFNOTE_GUEST_VERSION] = "GUEST_VERSION",
    [XEN_ELFNOTE_LOADER] = "LOADER",
    [XEN_ELFNOTE_PAE_MODE] = "PAE_MODE",
    [XEN_ELFNOTE_FEATURES] = "FEATURES",
    [XEN_ELFNOTE_BSD_SYMTAB] = "BSD_SYMTAB",
    [XEN_ELFNOTE_HV_START_LOW] = "HV_START_LOW",
    [XEN_ELFNOTE_L1_MFN_VALID] = "L1_MFN_VALID",
    [XEN_ELFNOTE_SUSPEND_CANCEL] = "SUSPEND_CANCEL",
    [XEN_ELFNOTE_INIT_P2M] = "INIT_P2M",
    [XEN_ELFNOTE_MOD_START_PFN] = "MOD_START_PFN",
    [XEN_ELFNOTE_SUPPORTED_FEATURES] = "SUPPORTED_FEATURES",
    [XEN_ELFNOTE_PHYS32_ENTRY] = "PHYS32_ENTRY",
    [XEN_ELFNOTE_PHYS32_RELOC] = "PHYS32_RELOC",
};

/* Notes whose value is a number (4 or 8 bytes). */
#define NUMERIC_NOTES ((1UL << XEN_ELFNOTE_ENTRY) | \
                       (1UL << XEN_ELFNOTE_HYPERCALL_PAGE) | \
                       (1UL << XEN_ELFNOTE_VIRT_BASE) | \
                       (1UL << XEN_ELFNOTE_PADDR_OFFSET) | \
                       (1UL << XEN_ELFNOTE_HV_START_LOW) | \
                       (1UL << XEN_ELFNOTE_SUSPEND_CANCEL) | \
                       (1UL << XEN_ELFNOTE_INIT_P2M) | \
                       (1UL << XEN_ELFNOTE_MOD_START_PFN) | \
                       (1UL << XEN_ELFNOTE_SUPPORTED_FEATURES) | \
                       (1UL << XEN_ELFNOTE_PHYS32_ENTRY))

/* Notes whose value is a string (descsz bytes, maybe NUL-terminated). */
#define STRING_NOTES ((1UL << XEN_ELFNOTE_INFO) | \
                      (1UL << XEN_ELFNOTE_XEN_VERSION) | \
                      (1UL << XEN_ELFNOTE_GUEST_OS) | \
                      (1UL << XEN_ELFNOTE_GUEST_VERSION) | \
                      (1UL << XEN_ELFNOTE_LOADER) | \
                      (1UL << XEN_ELFNOTE_PAE_MODE) | \
                      (1UL << XEN_ELFNOTE_FEATURES) | \
                      (1UL << XEN_ELFNOTE_BSD_SYMTAB))

/* FEATURES names, as Xen's loader knows them. */
static const char *const feature_names[] = {
    [XENFEAT_writable_page_tables] = "writable_page_tables",
    [XENFEAT_writable_descriptor_tables] = "writable_descriptor_tables",
    [XENFEAT_auto_translated_physmap] = "auto_translated_physmap",
    [XENFEAT_supervisor_mode_kernel] = "supervisor_mode_kernel",
    [XENFEAT_pae_pgdir_above_4gb] = "pae_pgdir_above_4gb",
    [XENFEAT_hvm_callback_vector] = "hvm_callback_vector",
    [XENFEAT_dom0] = "dom0",
};

/* [off, off + n) lies inside the buffer. */
static bool in_file(const struct parse_state *st, u64 off, u64 n)
{
    return off <= st->len && n <= st->len - off;
}

static int parse_features(struct parse_state *st, const char *s, size_t n)
{
    size_t pos = 0;

    while (pos < n) {
        size_t end = pos, i, flen;
        bool required = false;
        const char *name;

        while (end < n && s[end] != '|')
            end++;
        name = s + pos;
        flen = end - pos;
        if (flen && name[0] == '!') {
            required = true;
            name++;
            flen--;
        }
        for (i = 0; i < ARRAY_SIZE(feature_names); i++)
            if (feature_names[i] && strlen(feature_names[i]) == flen &&
                !strncmp(feature_names[i], name, flen))
                break;
        if (i == ARRAY_SIZE(feature_names)) {
            if (required)
                return fail(st, "FEATURES note requires unknown feature '%.*s'",
                            (int)flen, name);
        } else {
            st->img->features_supported |= 1U << i;
            if (required)
                st->img->features_required |= 1U << i;
        }
        pos = end + 1;
    }
    return 0;
}

static void copy_string(char *dst, size_t size, const char *src, size_t n)
{
    size_t k = n < size - 1 ? n : size - 1;

    memcpy(dst, src, k);
    dst[k] = '\0';
}

static int parse_note(struct parse_state *st, u32 type, const u8 *desc, u32 descsz)
{
    struct pv_image *img = st->img;
    const char *name;
    u64 val = 0;

    if (type > XEN_ELFNOTE_MAX || !note_names[type])
        return 0;                       /* unknown notes are skipped, as Xen */
    name = note_names[type];
    st->img->nr_notes++;

    if (NUMERIC_NOTES & (1UL << type)) {
        if (descsz == 4) {
            u32 v32;

            memcpy(&v32, desc, 4);
            val = v32;
        } else if (descsz == 8) {
            memcpy(&val, desc, 8);
        } else {
            return fail(st, "%s note: value of %u bytes (must be 4 or 8)",
                        name, descsz);
        }
        if ((st->seen & (1UL << type)) && st->value[type] != val)
            return fail(st, "%s note given twice with different values "
                        "(%#lx, %#lx)", name, (unsigned long)st->value[type],
                        (unsigned long)val);
        st->value[type] = val;
    } else if (STRING_NOTES & (1UL << type)) {
        /*
         * The terminator is optional: Linux emits FEATURES with .ascii, its
         * end being the note's size (Xen reads on into the zero padding).
         */
        if (descsz && desc[descsz - 1] == '\0')
            descsz--;
        if (strnlen((const char *)desc, descsz) != descsz)
            return fail(st, "%s note: NUL inside the string", name);
    }
    st->seen |= 1UL << type;

    switch (type) {
    case XEN_ELFNOTE_ENTRY:          img->entry = val; break;
    case XEN_ELFNOTE_HYPERCALL_PAGE: img->hypercall_page = val; break;
    case XEN_ELFNOTE_VIRT_BASE:      img->virt_base = val; break;
    case XEN_ELFNOTE_PADDR_OFFSET:   img->paddr_offset = val; break;
    case XEN_ELFNOTE_INIT_P2M:       img->init_p2m = val; break;
    case XEN_ELFNOTE_SUSPEND_CANCEL: img->suspend_cancel = val != 0; break;
    case XEN_ELFNOTE_MOD_START_PFN:  img->mod_start_pfn = val != 0; break;
    case XEN_ELFNOTE_SUPPORTED_FEATURES:
        img->has_supported_features = true;
        img->supported_features = val;
        break;
    case XEN_ELFNOTE_GUEST_OS:
        copy_string(img->guest_os, sizeof(img->guest_os), (const char *)desc, descsz);
        break;
    case XEN_ELFNOTE_XEN_VERSION:
        copy_string(img->xen_version, sizeof(img->xen_version), (const char *)desc, descsz);
        break;
    case XEN_ELFNOTE_LOADER:
        copy_string(img->loader, sizeof(img->loader), (const char *)desc, descsz);
        break;
    case XEN_ELFNOTE_FEATURES:
        return parse_features(st, (const char *)desc, descsz);
    }
    return 0;
}

static int parse_note_segment(struct parse_state *st, u64 off, u64 size)
{
    u64 pos = off, end = off + size;

    if (!in_file(st, off, size))
        return fail(st, "PT_NOTE segment [%#lx+%#lx) outside the file",
                    (unsigned long)off, (unsigned long)size);
    while (end - pos >= sizeof(struct elf64_note)) {
        struct elf64_note n;
        u64 name_off, desc_off, next;

        memcpy(&n, st->image + pos, sizeof(n));
        name_off = pos + sizeof(n);
        desc_off = name_off + ROUNDUP((u64)n.n_namesz, 4);
        next = desc_off + ROUNDUP((u64)n.n_descsz, 4);
        if (desc_off + n.n_descsz > end || next > ROUNDUP(end, 4))
            return fail(st, "note at offset %#lx runs past its segment",
                        (unsigned long)pos);
        if (n.n_namesz == 4 && !memcmp(st->image + name_off, "Xen", 4)) {
            int rc = parse_note(st, n.n_type, st->image + desc_off, n.n_descsz);

            if (rc)
                return rc;
        }
        pos = next;
    }
    return 0;
}

static int check_header(struct parse_state *st, struct elf64_ehdr *eh)
{
    if (st->len < sizeof(*eh))
        return fail(st, "not an ELF image (%lu bytes)", (unsigned long)st->len);
    memcpy(eh, st->image, sizeof(*eh));
    if (memcmp(eh->e_ident, ELF_MAGIC, 4))
        return fail(st, "not an ELF image (bad magic)");
    if (eh->e_ident[4] != ELFCLASS64 || eh->e_ident[5] != ELFDATA2LSB ||
        eh->e_ident[6] != EV_CURRENT)
        return fail(st, "not a little-endian ELF64 image");
    if (eh->e_machine != EM_X86_64)
        return fail(st, "ELF machine %u is not x86-64", eh->e_machine);
    if (eh->e_type != ET_EXEC)
        return fail(st, "ELF type %u is not an executable", eh->e_type);
    if (eh->e_phentsize != sizeof(struct elf64_phdr) || eh->e_phnum == 0)
        return fail(st, "bad program header table (entsize %u, count %u)",
                    eh->e_phentsize, eh->e_phnum);
    if (!in_file(st, eh->e_phoff, (u64)eh->e_phnum * sizeof(struct elf64_phdr)))
        return fail(st, "program headers outside the file");
    return 0;
}

static void read_phdr(const struct parse_state *st, const struct elf64_ehdr *eh,
                      unsigned int i, struct elf64_phdr *ph)
{
    memcpy(ph, st->image + eh->e_phoff + (u64)i * sizeof(*ph), sizeof(*ph));
}

/* Physical extent of the PT_LOAD segments, and the notes. */
static int parse_segments(struct parse_state *st, const struct elf64_ehdr *eh,
                          u64 *pstart, u64 *pend)
{
    unsigned int loads = 0;
    int rc;

    *pstart = ~0UL;
    *pend = 0;
    for (unsigned int i = 0; i < eh->e_phnum; i++) {
        struct elf64_phdr ph;

        read_phdr(st, eh, i, &ph);
        if (ph.p_type == PT_NOTE) {
            rc = parse_note_segment(st, ph.p_offset, ph.p_filesz);
            if (rc)
                return rc;
            continue;
        }
        if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
            continue;
        if (!in_file(st, ph.p_offset, ph.p_filesz))
            return fail(st, "PT_LOAD segment %u: file bytes outside the file", i);
        if (ph.p_filesz > ph.p_memsz)
            return fail(st, "PT_LOAD segment %u: file size above memory size", i);
        if (ph.p_paddr + ph.p_memsz < ph.p_paddr)
            return fail(st, "PT_LOAD segment %u wraps around", i);
        *pstart = min(*pstart, ph.p_paddr);
        *pend = max(*pend, ph.p_paddr + ph.p_memsz);
        loads++;
    }
    if (!loads)
        return fail(st, "no loadable segment");
    return 0;
}

/* The segments must not overlap: each byte of the image is loaded once. */
static int check_overlaps(struct parse_state *st, const struct elf64_ehdr *eh)
{
    for (unsigned int i = 0; i < eh->e_phnum; i++) {
        struct elf64_phdr a;

        read_phdr(st, eh, i, &a);
        if (a.p_type != PT_LOAD || a.p_memsz == 0)
            continue;
        for (unsigned int j = i + 1; j < eh->e_phnum; j++) {
            struct elf64_phdr b;

            read_phdr(st, eh, j, &b);
            if (b.p_type != PT_LOAD || b.p_memsz == 0)
                continue;
            if (a.p_paddr < b.p_paddr + b.p_memsz && b.p_paddr < a.p_paddr + a.p_memsz)
                return fail(st, "PT_LOAD segments %u and %u overlap", i, j);
        }
    }
    return 0;
}

static int check_notes(struct parse_state *st)
{
    struct pv_image *img = st->img;

    if (img->nr_notes == 0)
        return fail(st, "no Xen ELF notes: not a Xen PV kernel");
    if (strncmp(img->loader, "generic", 7) && strncmp(img->guest_os, "linux", 5))
        return fail(st, "only kernels for the generic loader or Linux are loaded "
                    "(LOADER '%s', GUEST_OS '%s')", img->loader, img->guest_os);
    if (strncmp(img->xen_version, "xen-3.0", 7))
        return fail(st, "XEN_VERSION is '%s', must be 'xen-3.0'", img->xen_version);
    if ((st->seen & (1UL << XEN_ELFNOTE_PADDR_OFFSET)) &&
        !(st->seen & (1UL << XEN_ELFNOTE_VIRT_BASE)))
        return fail(st, "PADDR_OFFSET note without VIRT_BASE");
    return 0;
}

static int compute_addresses(struct parse_state *st, const struct elf64_ehdr *eh,
                             u64 pstart, u64 pend)
{
    struct pv_image *img = st->img;
    u64 offset = img->virt_base - img->paddr_offset;

    img->kstart = pstart + offset;
    img->kend = pend + offset;
    if (!(st->seen & (1UL << XEN_ELFNOTE_ENTRY)))
        img->entry = eh->e_entry;
    if (img->kend < img->kstart || img->kend - img->kstart != pend - pstart)
        return fail(st, "image [%#lx-%#lx) + offset %#lx wraps around",
                    (unsigned long)pstart, (unsigned long)pend,
                    (unsigned long)offset);
    if (img->virt_base > img->kstart)
        return fail(st, "VIRT_BASE %#lx is above the image start %#lx",
                    (unsigned long)img->virt_base, (unsigned long)img->kstart);
    if (img->entry < img->kstart || img->entry >= img->kend)
        return fail(st, "entry %#lx outside the image [%#lx-%#lx)",
                    (unsigned long)img->entry, (unsigned long)img->kstart,
                    (unsigned long)img->kend);
    if (img->hypercall_page != PV_NO_ADDR &&
        ((img->hypercall_page & (PAGE_SIZE - 1)) ||
         img->hypercall_page < img->kstart ||
         img->hypercall_page + PAGE_SIZE > img->kend))
        return fail(st, "hypercall page %#lx is not a page inside the image",
                    (unsigned long)img->hypercall_page);
    return 0;
}

int pv_image_parse(const void *image, size_t len, struct pv_image *img,
                   char *err, size_t errlen)
{
    struct parse_state st = {
        .image = image, .len = len, .img = img, .err = err, .errlen = errlen,
    };
    struct elf64_ehdr eh;
    u64 pstart, pend;
    int rc;

    memset(img, 0, sizeof(*img));
    img->hypercall_page = PV_NO_ADDR;
    img->init_p2m = PV_NO_ADDR;
    if (errlen)
        err[0] = '\0';

    rc = check_header(&st, &eh);
    if (!rc)
        rc = parse_segments(&st, &eh, &pstart, &pend);
    if (!rc)
        rc = check_overlaps(&st, &eh);
    if (!rc)
        rc = check_notes(&st);
    if (!rc)
        rc = compute_addresses(&st, &eh, pstart, pend);
    return rc;
}

void pv_image_load(const void *image, const struct pv_image *img,
                   void (*put)(void *ctx, u64 va, const void *src, size_t n),
                   void *ctx)
{
    const u8 *p = image;
    struct elf64_ehdr eh;
    u64 offset = img->virt_base - img->paddr_offset;

    memcpy(&eh, p, sizeof(eh));
    for (unsigned int i = 0; i < eh.e_phnum; i++) {
        struct elf64_phdr ph;

        memcpy(&ph, p + eh.e_phoff + (u64)i * sizeof(ph), sizeof(ph));
        if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
            continue;
        if (ph.p_filesz)
            put(ctx, ph.p_paddr + offset, p + ph.p_offset, ph.p_filesz);
        if (ph.p_memsz > ph.p_filesz)
            put(ctx, ph.p_paddr + offset + ph.p_filesz, NULL,
                ph.p_memsz - ph.p_filesz);
    }
}
