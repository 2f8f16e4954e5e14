/*
 * Checks build/hv.elf the way a multiboot loader reads it: the multiboot 1
 * header (QEMU -kernel, a.out kludge) and the multiboot 2 header (GRUB 2)
 * must be valid and agree, and the loadable segments must sit in the file
 * exactly where the kludge fields say (loaders copy one flat range).
 */
#include <check.h>
#include <elf.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hv/multiboot.h>

static unsigned char *image;
static size_t image_len;

static void load_image(void)
{
    FILE *f = fopen(HERON_BUILD_DIR "/hv.elf", "rb");

    if (!f) {
        perror(HERON_BUILD_DIR "/hv.elf");
        exit(EXIT_FAILURE);
    }
    fseek(f, 0, SEEK_END);
    image_len = ftell(f);
    fseek(f, 0, SEEK_SET);
    image = malloc(image_len);
    if (!image || fread(image, 1, image_len, f) != image_len) {
        fprintf(stderr, "cannot read hv.elf\n");
        exit(EXIT_FAILURE);
    }
    fclose(f);
}

static uint32_t u32_at(size_t off)
{
    uint32_t v;

    ck_assert_uint_le(off + 4, image_len);
    memcpy(&v, image + off, 4);
    return v;
}

/* Offset of the multiboot 1 header (magic with a valid checksum), or -1. */
static long find_mb1(void)
{
    for (size_t off = 0; off + 12 <= 8192; off += 4)
        if (u32_at(off) == MB1_HEADER_MAGIC &&
            (uint32_t)(u32_at(off) + u32_at(off + 4) + u32_at(off + 8)) == 0)
            return off;
    return -1;
}

START_TEST(elf_is_x86_64)
{
    const Elf64_Ehdr *eh = (const void *)image;

    ck_assert(!memcmp(eh->e_ident, ELFMAG, SELFMAG));
    ck_assert_int_eq(eh->e_ident[EI_CLASS], ELFCLASS64);
    ck_assert_int_eq(eh->e_machine, EM_X86_64);
}
END_TEST

START_TEST(multiboot1_kludge_matches_segments)
{
    const Elf64_Ehdr *eh = (const void *)image;
    long off = find_mb1();
    uint32_t flags, header_addr, load_addr, load_end, bss_end, entry;
    uint64_t max_file_end = 0, max_mem_end = 0;
    long text_offset;

    ck_assert_msg(off >= 0, "no multiboot 1 header in the first 8 KiB");
    flags = u32_at(off + 4);
    ck_assert_msg(flags & MB1_FLAG_AOUT_KLUDGE, "flags %#x lack the a.out kludge", flags);
    ck_assert(flags & MB1_FLAG_PAGE_ALIGN);
    ck_assert(flags & MB1_FLAG_MEMORY_INFO);
    header_addr = u32_at(off + 12);
    load_addr = u32_at(off + 16);
    load_end = u32_at(off + 20);
    bss_end = u32_at(off + 24);
    entry = u32_at(off + 28);
    ck_assert_uint_eq(load_addr, 0x200000);
    ck_assert_uint_ge(header_addr, load_addr);
    /* Where QEMU starts copying from. */
    text_offset = off - (long)(header_addr - load_addr);
    ck_assert_int_ge(text_offset, 0);

    for (int i = 0; i < eh->e_phnum; i++) {
        const Elf64_Phdr *ph = (const void *)(image + eh->e_phoff + i * eh->e_phentsize);

        if (ph->p_type != PT_LOAD)
            continue;
        ck_assert_uint_ge(ph->p_paddr, load_addr);
        if (ph->p_filesz) {
            ck_assert_msg(ph->p_offset == text_offset + (ph->p_paddr - load_addr),
                          "segment at paddr %#lx is at file offset %#lx, loader expects %#lx",
                          ph->p_paddr, ph->p_offset, text_offset + (ph->p_paddr - load_addr));
            if (ph->p_paddr + ph->p_filesz > max_file_end)
                max_file_end = ph->p_paddr + ph->p_filesz;
        }
        if (ph->p_paddr + ph->p_memsz > max_mem_end)
            max_mem_end = ph->p_paddr + ph->p_memsz;
    }
    ck_assert_uint_ge(load_end, max_file_end);
    ck_assert_uint_le(text_offset + (load_end - load_addr), image_len);
    ck_assert_uint_ge(bss_end, max_mem_end);
    ck_assert_uint_ge(bss_end, load_end);
    ck_assert(entry >= load_addr && entry < load_end);
}
END_TEST

START_TEST(multiboot2_header_agrees)
{
    long mb1 = find_mb1(), off;
    uint32_t len;
    bool have_addr = false, have_entry = false, have_end = false;

    ck_assert(mb1 >= 0);
    for (off = 0; off + 16 <= 32768; off += 8)
        if (u32_at(off) == MB2_HEADER_MAGIC &&
            (uint32_t)(u32_at(off) + u32_at(off + 4) + u32_at(off + 8) + u32_at(off + 12)) == 0)
            break;
    ck_assert_msg(off + 16 <= 32768, "no multiboot 2 header in the first 32 KiB");
    ck_assert_uint_eq(u32_at(off + 4), MB2_ARCH_I386);
    len = u32_at(off + 8);
    for (long t = off + 16; t + 8 <= off + len; ) {
        uint16_t type = image[t] | image[t + 1] << 8;
        uint32_t size = u32_at(t + 4);

        ck_assert_uint_ge(size, 8);
        if (type == MB2_HTAG_END) {
            have_end = true;
            break;
        }
        if (type == MB2_HTAG_ADDRESS) {
            /* header_addr differs (each points at its own header); the
             * load range must be the multiboot 1 one. */
            ck_assert_uint_eq(u32_at(t + 8) - u32_at(mb1 + 12), off - mb1);
            ck_assert_uint_eq(u32_at(t + 12), u32_at(mb1 + 16));
            ck_assert_uint_eq(u32_at(t + 16), u32_at(mb1 + 20));
            ck_assert_uint_eq(u32_at(t + 20), u32_at(mb1 + 24));
            have_addr = true;
        }
        if (type == MB2_HTAG_ENTRY) {
            ck_assert_uint_eq(u32_at(t + 8), u32_at(mb1 + 28));
            have_entry = true;
        }
        t += (size + 7) & ~7u;
    }
    ck_assert(have_addr);
    ck_assert(have_entry);
    ck_assert(have_end);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("hv_image");
    TCase *tc = tcase_create("multiboot");
    SRunner *sr;
    int failed;

    load_image();
    tcase_add_test(tc, elf_is_x86_64);
    tcase_add_test(tc, multiboot1_kludge_matches_segments);
    tcase_add_test(tc, multiboot2_header_agrees);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    free(image);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
