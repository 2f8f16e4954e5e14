/*
 * Multiboot v1 kernel images: where each byte of the file goes in guest
 * physical memory.  The header lies in the first 8 KiB, 4-byte aligned;
 * magic + flags + checksum sum to 0.  Flag 16 says the header's address
 * fields (the "a.out kludge") describe the image: it is loaded as one
 * flat run from load_addr, the header's file offset telling where that
 * run starts in the file.  Without it the file must be ELF and its
 * PT_LOAD segments go to their physical addresses (GRUB's and QEMU's
 * rule).  Every field is checked against the file before use.
 */
#include <hv/hvm_build.h>
#include <hv/multiboot.h>
#include <hv/elf.h>
#include <hv/errno.h>
#include <hv/lib.h>

#define MB_SEARCH_LEN   8192
/* Flags hv honours: page-aligned modules, memory information. */
#define MB_FLAGS_KNOWN  (MB1_FLAG_PAGE_ALIGN | MB1_FLAG_MEMORY_INFO)
#define ELFCLASS32      1
#define EM_386          3
#define FOUR_GIB        0x100000000ull

struct elf32_ehdr {
    u8  e_ident[16];
    u16 e_type, e_machine;
    u32 e_version, e_entry, e_phoff, e_shoff, e_flags;
    u16 e_ehsize, e_phentsize, e_phnum, e_shentsize, e_shnum, e_shstrndx;
};

struct elf32_phdr {
    u32 p_type, p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_flags, p_align;
};

#define fail(...) ({ snprintf(err, errlen, __VA_ARGS__); -EINVAL; })

static u32 get32(const u8 *p)
{
    u32 v;

    memcpy(&v, p, 4);
    return v;
}

/* Offset of the header, or -1. */
static long find_header(const u8 *img, size_t len)
{
    for (size_t off = 0; off + 12 <= len && off < MB_SEARCH_LEN; off += 4)
        if (get32(img + off) == MB1_HEADER_MAGIC &&
            get32(img + off) + get32(img + off + 4) + get32(img + off + 8) == 0)
            return (long)off;
    return -1;
}

static int add_segment(struct mb_image *out, u64 paddr, u64 offset, u64 filesz,
                       u64 memsz, size_t len, char *err, size_t errlen)
{
    struct mb_segment *s;

    if (!memsz)
        return 0;
    if (out->nr_segments == MB_MAX_SEGMENTS)
        return fail("more than %u loadable segments", MB_MAX_SEGMENTS);
    if (filesz > memsz)
        return fail("a segment's file size exceeds its memory size");
    if (offset > len || filesz > len - offset)
        return fail("a segment lies outside the file");
    if (paddr >= FOUR_GIB || memsz > FOUR_GIB - paddr)
        return fail("a segment lies above 4 GiB");
    for (unsigned int i = 0; i < out->nr_segments; i++) {
        const struct mb_segment *o = &out->seg[i];

        if (paddr < o->paddr + o->memsz && o->paddr < paddr + memsz)
            return fail("loadable segments overlap");
    }
    s = &out->seg[out->nr_segments++];
    s->paddr = paddr;
    s->offset = offset;
    s->filesz = filesz;
    s->memsz = memsz;
    if (out->nr_segments == 1 || paddr < out->load_start)
        out->load_start = paddr;
    if (paddr + memsz > out->load_end)
        out->load_end = paddr + memsz;
    return 0;
}

static int parse_aout(const u8 *img, size_t len, size_t hoff, struct mb_image *out,
                      char *err, size_t errlen)
{
    u32 header_addr, load_addr, load_end, bss_end;
    u64 start, filesz, memsz;

    if (hoff + 32 > len)
        return fail("multiboot address fields past the end of the file");
    header_addr = get32(img + hoff + 12);
    load_addr = get32(img + hoff + 16);
    load_end = get32(img + hoff + 20);
    bss_end = get32(img + hoff + 24);
    out->entry = get32(img + hoff + 28);
    if (header_addr < load_addr || header_addr - load_addr > hoff)
        return fail("multiboot header_addr/load_addr do not match the file");
    start = hoff - (header_addr - load_addr);
    if (load_end == 0) {
        filesz = len - start;
    } else {
        if (load_end <= load_addr || load_end - load_addr > len - start)
            return fail("multiboot load_end_addr outside the file");
        filesz = load_end - load_addr;
    }
    memsz = filesz;
    if (bss_end) {
        if (bss_end < load_addr + filesz)
            return fail("multiboot bss_end_addr below the loaded data");
        memsz = bss_end - load_addr;
    }
    return add_segment(out, load_addr, start, filesz, memsz, len, err, errlen);
}

/* The physical address of ELF entry point e (a virtual address). */
static int elf_entry(struct mb_image *out, u64 e, const u64 *vaddr,
                     unsigned int n, char *err, size_t errlen)
{
    for (unsigned int i = 0; i < n; i++) {
        const struct mb_segment *s = &out->seg[i];

        if (e >= vaddr[i] && e - vaddr[i] < s->memsz) {
            out->entry = s->paddr + (e - vaddr[i]);
            return 0;
        }
    }
    return fail("the ELF entry point is outside every loadable segment");
}

static int parse_elf(const u8 *img, size_t len, struct mb_image *out,
                     char *err, size_t errlen)
{
    u64 vaddr[MB_MAX_SEGMENTS], entry, phoff;
    unsigned int phnum, phentsize, n = 0;
    bool is64;

    if (len < sizeof(struct elf32_ehdr) || memcmp(img, ELF_MAGIC, 4))
        return fail("no multiboot address fields and not an ELF file");
    is64 = img[4] == ELFCLASS64;
    if ((img[4] != ELFCLASS32 && !is64) || img[5] != ELFDATA2LSB)
        return fail("not a little-endian ELF32/ELF64 file");
    if (is64) {
        struct elf64_ehdr eh;

        if (len < sizeof(eh))
            return fail("truncated ELF header");
        memcpy(&eh, img, sizeof(eh));
        if (eh.e_machine != EM_X86_64)
            return fail("ELF64 file is not x86-64");
        entry = eh.e_entry;
        phoff = eh.e_phoff;
        phnum = eh.e_phnum;
        phentsize = eh.e_phentsize;
        if (phentsize != sizeof(struct elf64_phdr))
            return fail("bad ELF program header size");
    } else {
        struct elf32_ehdr eh;

        memcpy(&eh, img, sizeof(eh));
        if (eh.e_machine != EM_386)
            return fail("ELF32 file is not i386");
        entry = eh.e_entry;
        phoff = eh.e_phoff;
        phnum = eh.e_phnum;
        phentsize = eh.e_phentsize;
        if (phentsize != sizeof(struct elf32_phdr))
            return fail("bad ELF program header size");
    }
    if (phoff > len || (u64)phnum * phentsize > len - phoff)
        return fail("ELF program headers outside the file");
    for (unsigned int i = 0; i < phnum; i++) {
        const u8 *ph = img + phoff + (u64)i * phentsize;
        u64 paddr, off, filesz, memsz, va;
        int rc;

        if (is64) {
            struct elf64_phdr p;

            memcpy(&p, ph, sizeof(p));
            if (p.p_type != PT_LOAD)
                continue;
            paddr = p.p_paddr, off = p.p_offset, filesz = p.p_filesz;
            memsz = p.p_memsz, va = p.p_vaddr;
        } else {
            struct elf32_phdr p;

            memcpy(&p, ph, sizeof(p));
            if (p.p_type != PT_LOAD)
                continue;
            paddr = p.p_paddr, off = p.p_offset, filesz = p.p_filesz;
            memsz = p.p_memsz, va = p.p_vaddr;
        }
        rc = add_segment(out, paddr, off, filesz, memsz, len, err, errlen);
        if (rc)
            return rc;
        if (out->nr_segments > n)
            vaddr[n++] = va;
    }
    if (!out->nr_segments)
        return fail("no loadable ELF segment");
    return elf_entry(out, entry, vaddr, n, err, errlen);
}

int mb_image_parse(const void *image, size_t len, struct mb_image *out,
                   char *err, size_t errlen)
{
    const u8 *img = image;
    long hoff = find_header(img, len);
    int rc;

    memset(out, 0, sizeof(*out));
    if (hoff < 0)
        return fail("no multiboot header in the first 8 KiB");
    out->header_flags = get32(img + hoff + 4);
    if (out->header_flags & 0xffff & ~MB_FLAGS_KNOWN)
        return fail("the kernel requires multiboot features hv does not provide "
                    "(flags %#x)", out->header_flags);
    rc = out->header_flags & MB1_FLAG_AOUT_KLUDGE
         ? parse_aout(img, len, hoff, out, err, errlen)
         : parse_elf(img, len, out, err, errlen);
    if (rc)
        return rc;
    if (out->entry < out->load_start || out->entry >= out->load_end)
        return fail("the entry point %#x is outside the loaded image", out->entry);
    return 0;
}
