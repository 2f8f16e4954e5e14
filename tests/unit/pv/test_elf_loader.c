/*
 * Host tests of the PV kernel loader (hv/common/elf_loader.c): crafted
 * ELF64 images with Xen notes, good and malformed, and a real test guest.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hv/elf.h>
#include <hv/elf_loader.h>
#include <hv/errno.h>
#include <public/elfnote.h>
#include <public/features.h>

#define VBASE 0xffffffff80000000UL

/* An image under construction: header, program headers, notes, data. */
struct img {
    unsigned char buf[16384];
    size_t len;
    struct elf64_ehdr *eh;
    unsigned char notes[1024];
    size_t notes_len;
    struct elf64_phdr ph[8];
    unsigned int nph;
};

static struct img im;
static struct pv_image pv;
static char err[160];

static void img_init(void)
{
    memset(&im, 0, sizeof(im));
    im.eh = (struct elf64_ehdr *)im.buf;
    memcpy(im.eh->e_ident, ELF_MAGIC, 4);
    im.eh->e_ident[4] = ELFCLASS64;
    im.eh->e_ident[5] = ELFDATA2LSB;
    im.eh->e_ident[6] = EV_CURRENT;
    im.eh->e_type = ET_EXEC;
    im.eh->e_machine = EM_X86_64;
    im.eh->e_version = 1;
    im.eh->e_entry = VBASE + 0x10;
    im.eh->e_ehsize = sizeof(struct elf64_ehdr);
    im.eh->e_phentsize = sizeof(struct elf64_phdr);
}

static void note_raw(const char *name, unsigned int type, const void *desc,
                     unsigned int descsz)
{
    struct elf64_note n = { strlen(name) + 1, descsz, type };
    size_t namesz = (n.n_namesz + 3) & ~3u, dsz = (descsz + 3) & ~3u;

    memcpy(im.notes + im.notes_len, &n, sizeof(n));
    im.notes_len += sizeof(n);
    memcpy(im.notes + im.notes_len, name, n.n_namesz);
    im.notes_len += namesz;
    memcpy(im.notes + im.notes_len, desc, descsz);
    im.notes_len += dsz;
}

static void note_str(unsigned int type, const char *s)
{
    note_raw("Xen", type, s, strlen(s) + 1);
}

static void note_u64(unsigned int type, uint64_t v)
{
    note_raw("Xen", type, &v, 8);
}

static void note_u32(unsigned int type, uint32_t v)
{
    note_raw("Xen", type, &v, 4);
}

static void load(uint64_t paddr, uint64_t filesz, uint64_t memsz)
{
    struct elf64_phdr *p = &im.ph[im.nph++];

    p->p_type = PT_LOAD;
    p->p_paddr = paddr;
    p->p_vaddr = paddr + VBASE;
    p->p_filesz = filesz;
    p->p_memsz = memsz;
}

/* The usual notes of a test guest; a test then adds or replaces some. */
static void standard_notes(void)
{
    note_str(XEN_ELFNOTE_GUEST_OS, "heron-test");
    note_str(XEN_ELFNOTE_XEN_VERSION, "xen-3.0");
    note_str(XEN_ELFNOTE_LOADER, "generic");
    note_u64(XEN_ELFNOTE_VIRT_BASE, VBASE);
    note_u64(XEN_ELFNOTE_PADDR_OFFSET, 0);
    note_u64(XEN_ELFNOTE_ENTRY, VBASE + 0x40);
    note_u64(XEN_ELFNOTE_HYPERCALL_PAGE, VBASE + 0x1000);
}

/* Lays out: ehdr, phdrs, notes, then the bytes of each PT_LOAD. */
static void finish(void)
{
    size_t off = sizeof(struct elf64_ehdr);
    unsigned int n = im.nph + (im.notes_len ? 1 : 0);

    im.eh->e_phoff = off;
    im.eh->e_phnum = n;
    off += n * sizeof(struct elf64_phdr);
    if (im.notes_len) {
        struct elf64_phdr *np = &im.ph[im.nph];

        np->p_type = PT_NOTE;
        np->p_offset = off;
        np->p_filesz = im.notes_len;
        memcpy(im.buf + off, im.notes, im.notes_len);
        off += im.notes_len;
    }
    off = (off + 15) & ~15UL;
    for (unsigned int i = 0; i < im.nph; i++) {
        if (im.ph[i].p_offset == 0 && im.ph[i].p_filesz) {
            im.ph[i].p_offset = off;
            for (size_t k = 0; k < im.ph[i].p_filesz && off + k < sizeof(im.buf); k++)
                im.buf[off + k] = (unsigned char)(i * 16 + k);
            off += im.ph[i].p_filesz;
        }
    }
    memcpy(im.buf + im.eh->e_phoff, im.ph, n * sizeof(struct elf64_phdr));
    im.len = off;
}

static int parse(void)
{
    return pv_image_parse(im.buf, im.len, &pv, err, sizeof(err));
}

#define REFUSED(substr) do {                                            \
    ck_assert_int_eq(parse(), -EINVAL);                                 \
    ck_assert_msg(strstr(err, substr), "error \"%s\" lacks \"%s\"", err, substr); \
} while (0)

static void good_image(void)
{
    img_init();
    standard_notes();
    load(0, 0x2000, 0x3000);
}

START_TEST(parses_a_good_image)
{
    good_image();
    finish();
    ck_assert_int_eq(parse(), 0);
    ck_assert_str_eq(err, "");
    ck_assert_uint_eq(pv.entry, VBASE + 0x40);
    ck_assert_uint_eq(pv.hypercall_page, VBASE + 0x1000);
    ck_assert_uint_eq(pv.virt_base, VBASE);
    ck_assert_uint_eq(pv.kstart, VBASE);
    ck_assert_uint_eq(pv.kend, VBASE + 0x3000);
    ck_assert_str_eq(pv.guest_os, "heron-test");
    ck_assert_str_eq(pv.loader, "generic");
    ck_assert_str_eq(pv.xen_version, "xen-3.0");
    ck_assert_uint_eq(pv.init_p2m, PV_NO_ADDR);
    ck_assert(!pv.suspend_cancel);
}
END_TEST

START_TEST(defaults_without_optional_notes)
{
    img_init();
    note_str(XEN_ELFNOTE_GUEST_OS, "linux");
    note_str(XEN_ELFNOTE_XEN_VERSION, "xen-3.0");
    load(0x1000, 0x100, 0x100);
    im.eh->e_entry = 0x1010;
    finish();
    ck_assert_int_eq(parse(), 0);
    ck_assert_uint_eq(pv.virt_base, 0);
    ck_assert_uint_eq(pv.paddr_offset, 0);
    ck_assert_uint_eq(pv.entry, 0x1010);     /* e_entry */
    ck_assert_uint_eq(pv.hypercall_page, PV_NO_ADDR);
    ck_assert_uint_eq(pv.kstart, 0x1000);
}
END_TEST

START_TEST(linux_style_notes)
{
    img_init();
    note_str(XEN_ELFNOTE_GUEST_OS, "linux");
    note_str(XEN_ELFNOTE_GUEST_VERSION, "2.6");
    note_str(XEN_ELFNOTE_XEN_VERSION, "xen-3.0");
    note_u64(XEN_ELFNOTE_VIRT_BASE, VBASE);
    note_u64(XEN_ELFNOTE_PADDR_OFFSET, 0);
    note_u64(XEN_ELFNOTE_ENTRY, VBASE + 0x1000200);
    note_str(XEN_ELFNOTE_FEATURES, "!writable_page_tables|pae_pgdir_above_4gb");
    note_u32(XEN_ELFNOTE_SUPPORTED_FEATURES, 1u << XENFEAT_dom0);
    note_u32(XEN_ELFNOTE_SUSPEND_CANCEL, 1);
    note_u64(XEN_ELFNOTE_INIT_P2M, 0x8000000000UL);
    note_u32(XEN_ELFNOTE_MOD_START_PFN, 1);
    note_str(XEN_ELFNOTE_LOADER, "generic");
    load(0x1000000, 0x1000, 0x4000);
    finish();
    ck_assert_msg(parse() == 0, "%s", err);
    ck_assert_uint_eq(pv.kstart, VBASE + 0x1000000);
    ck_assert_uint_eq(pv.features_required, 1u << XENFEAT_writable_page_tables);
    ck_assert_uint_eq(pv.features_supported,
                      (1u << XENFEAT_writable_page_tables) |
                      (1u << XENFEAT_pae_pgdir_above_4gb));
    ck_assert(pv.has_supported_features);
    ck_assert_uint_eq(pv.supported_features, 1u << XENFEAT_dom0);
    ck_assert(pv.suspend_cancel);
    ck_assert(pv.mod_start_pfn);
    ck_assert_uint_eq(pv.init_p2m, 0x8000000000UL);
}
END_TEST

struct put_record { uint64_t va; size_t n; bool zero; unsigned char first; };
static struct put_record puts_seen[8];
static unsigned int nputs;

static void record_put(void *ctx, uint64_t va, const void *src, size_t n)
{
    ck_assert_ptr_eq(ctx, &nputs);
    ck_assert_uint_lt(nputs, 8);
    puts_seen[nputs++] = (struct put_record){
        va, n, src == NULL, src ? ((const unsigned char *)src)[0] : 0,
    };
}

START_TEST(loads_segments_and_zero_fills)
{
    good_image();
    load(0x4000, 0, 0x1000);                    /* bss-only segment */
    finish();
    ck_assert_int_eq(parse(), 0);
    nputs = 0;
    pv_image_load(im.buf, &pv, record_put, &nputs);
    ck_assert_uint_eq(nputs, 3);
    ck_assert_uint_eq(puts_seen[0].va, VBASE);
    ck_assert_uint_eq(puts_seen[0].n, 0x2000);
    ck_assert(!puts_seen[0].zero);
    ck_assert_uint_eq(puts_seen[0].first, 0);   /* segment 0's first byte */
    ck_assert_uint_eq(puts_seen[1].va, VBASE + 0x2000);
    ck_assert_uint_eq(puts_seen[1].n, 0x1000);
    ck_assert(puts_seen[1].zero);
    ck_assert_uint_eq(puts_seen[2].va, VBASE + 0x4000);
    ck_assert(puts_seen[2].zero);
    ck_assert_uint_eq(pv.kend, VBASE + 0x5000);
}
END_TEST

START_TEST(refuses_non_elf)
{
    memset(im.buf, 'x', 100);
    im.len = 100;
    REFUSED("bad magic");
    im.len = 10;
    REFUSED("not an ELF");
}
END_TEST

START_TEST(refuses_wrong_class_machine_type)
{
    good_image();
    finish();
    im.eh->e_ident[4] = 1;
    REFUSED("ELF64");
    im.eh->e_ident[4] = ELFCLASS64;
    im.eh->e_machine = 3;
    REFUSED("not x86-64");
    im.eh->e_machine = EM_X86_64;
    im.eh->e_type = 3;
    REFUSED("not an executable");
}
END_TEST

START_TEST(refuses_headers_outside_file)
{
    good_image();
    finish();
    im.eh->e_phoff = im.len - 8;
    REFUSED("program headers outside");
    im.eh->e_phoff = ~0UL - 16;
    REFUSED("program headers outside");
    im.eh->e_phoff = sizeof(struct elf64_ehdr);
    im.eh->e_phentsize = 40;
    REFUSED("bad program header table");
}
END_TEST

START_TEST(refuses_segment_outside_file)
{
    struct elf64_phdr *p;

    good_image();
    finish();
    p = (struct elf64_phdr *)(im.buf + im.eh->e_phoff);
    p->p_filesz = im.len;                      /* runs past the end */
    p->p_memsz = im.len;
    REFUSED("outside the file");
    p->p_offset = ~0UL;
    p->p_filesz = 2;
    REFUSED("outside the file");
}
END_TEST

START_TEST(refuses_filesz_above_memsz)
{
    img_init();
    standard_notes();
    load(0, 0x2000, 0x1000);
    finish();
    REFUSED("file size above memory size");
}
END_TEST

START_TEST(refuses_overlapping_or_wrapping_segments)
{
    good_image();
    load(0x1000, 0x10, 0x1000);
    finish();
    REFUSED("overlap");

    img_init();
    standard_notes();
    load(~0UL - 0x10, 0, 0x1000);
    finish();
    REFUSED("wraps");
}
END_TEST

START_TEST(refuses_no_loadable_segment)
{
    img_init();
    standard_notes();
    finish();
    REFUSED("no loadable segment");
}
END_TEST

START_TEST(refuses_image_without_notes)
{
    img_init();
    load(0, 0x1000, 0x1000);
    finish();
    REFUSED("no Xen ELF notes");

    /* Notes under another name do not count. */
    img_init();
    note_raw("Linux", XEN_ELFNOTE_XEN_VERSION, "xen-3.0", 8);
    load(0, 0x1000, 0x1000);
    finish();
    REFUSED("no Xen ELF notes");
}
END_TEST

START_TEST(refuses_wrong_loader_or_version)
{
    img_init();
    note_str(XEN_ELFNOTE_GUEST_OS, "netbsd");
    note_str(XEN_ELFNOTE_XEN_VERSION, "xen-3.0");
    load(0, 0x1000, 0x1000);
    im.eh->e_entry = 0;
    finish();
    REFUSED("generic loader or Linux");

    img_init();
    note_str(XEN_ELFNOTE_LOADER, "generic");
    note_str(XEN_ELFNOTE_XEN_VERSION, "xen-2.0");
    load(0, 0x1000, 0x1000);
    im.eh->e_entry = 0;
    finish();
    REFUSED("must be 'xen-3.0'");
}
END_TEST

START_TEST(refuses_bad_note_values)
{
    good_image();
    note_raw("Xen", XEN_ELFNOTE_ENTRY, "abc", 3);
    finish();
    REFUSED("must be 4 or 8");

    /* A string without its terminator (Linux's FEATURES note) is fine. */
    good_image();
    note_raw("Xen", XEN_ELFNOTE_GUEST_OS, "abc", 3);
    note_raw("Xen", XEN_ELFNOTE_FEATURES, "!writable_page_tables", 21);
    finish();
    ck_assert_int_eq(parse(), 0);
    ck_assert_str_eq(pv.guest_os, "abc");
    ck_assert_uint_eq(pv.features_required, 1u << XENFEAT_writable_page_tables);

    good_image();
    note_raw("Xen", XEN_ELFNOTE_LOADER, "gen\0ric", 8);
    finish();
    REFUSED("NUL inside");
}
END_TEST

START_TEST(refuses_inconsistent_duplicates)
{
    good_image();
    note_u64(XEN_ELFNOTE_ENTRY, VBASE + 0x40);  /* same value: fine */
    finish();
    ck_assert_int_eq(parse(), 0);

    good_image();
    note_u64(XEN_ELFNOTE_ENTRY, VBASE + 0x80);
    finish();
    REFUSED("given twice");
}
END_TEST

START_TEST(refuses_note_past_segment)
{
    struct elf64_phdr *np;

    good_image();
    finish();
    np = (struct elf64_phdr *)(im.buf + im.eh->e_phoff) + 1;
    ck_assert_uint_eq(np->p_type, PT_NOTE);
    np->p_filesz -= 12;                         /* cut the last note short */
    REFUSED("runs past its segment");
}
END_TEST

START_TEST(refuses_entry_or_hypercall_page_outside_image)
{
    img_init();
    standard_notes();
    note_u64(XEN_ELFNOTE_ENTRY, VBASE + 0x40);
    load(0, 0x2000, 0x3000);
    finish();
    ck_assert_int_eq(parse(), 0);

    img_init();
    note_str(XEN_ELFNOTE_LOADER, "generic");
    note_str(XEN_ELFNOTE_XEN_VERSION, "xen-3.0");
    note_u64(XEN_ELFNOTE_VIRT_BASE, VBASE);
    note_u64(XEN_ELFNOTE_ENTRY, VBASE + 0x5000);
    load(0, 0x2000, 0x3000);
    finish();
    REFUSED("entry");

    img_init();
    note_str(XEN_ELFNOTE_LOADER, "generic");
    note_str(XEN_ELFNOTE_XEN_VERSION, "xen-3.0");
    note_u64(XEN_ELFNOTE_VIRT_BASE, VBASE);
    note_u64(XEN_ELFNOTE_ENTRY, VBASE);
    note_u64(XEN_ELFNOTE_HYPERCALL_PAGE, VBASE + 0x800);
    load(0, 0x2000, 0x3000);
    finish();
    REFUSED("hypercall page");

    img_init();
    note_str(XEN_ELFNOTE_LOADER, "generic");
    note_str(XEN_ELFNOTE_XEN_VERSION, "xen-3.0");
    note_u64(XEN_ELFNOTE_VIRT_BASE, VBASE);
    note_u64(XEN_ELFNOTE_ENTRY, VBASE);
    note_u64(XEN_ELFNOTE_HYPERCALL_PAGE, VBASE + 0x3000);
    load(0, 0x2000, 0x3000);
    finish();
    REFUSED("hypercall page");
}
END_TEST

START_TEST(refuses_virt_base_above_image)
{
    img_init();
    note_str(XEN_ELFNOTE_LOADER, "generic");
    note_str(XEN_ELFNOTE_XEN_VERSION, "xen-3.0");
    note_u64(XEN_ELFNOTE_VIRT_BASE, VBASE);
    note_u64(XEN_ELFNOTE_PADDR_OFFSET, 0x10000);
    note_u64(XEN_ELFNOTE_ENTRY, VBASE);
    load(0x1000, 0x100, 0x100);
    finish();
    REFUSED("VIRT_BASE");

    img_init();
    note_str(XEN_ELFNOTE_LOADER, "generic");
    note_str(XEN_ELFNOTE_XEN_VERSION, "xen-3.0");
    note_u64(XEN_ELFNOTE_PADDR_OFFSET, 0);
    load(0, 0x100, 0x100);
    im.eh->e_entry = 0;
    finish();
    REFUSED("PADDR_OFFSET note without VIRT_BASE");
}
END_TEST

START_TEST(refuses_unknown_required_feature)
{
    good_image();
    note_str(XEN_ELFNOTE_FEATURES, "pae_pgdir_above_4gb|!frobnicate");
    finish();
    REFUSED("unknown feature 'frobnicate'");

    /* Unknown optional features are ignored. */
    good_image();
    note_str(XEN_ELFNOTE_FEATURES, "frobnicate|!dom0");
    finish();
    ck_assert_int_eq(parse(), 0);
    ck_assert_uint_eq(pv.features_required, 1u << XENFEAT_dom0);
}
END_TEST

START_TEST(truncation_never_reads_past_the_buffer)
{
    /* Every proper prefix cuts the loadable bytes at the end: refused,
     * and each parse reads only its own exactly-sized heap copy (ASan or
     * valgrind would flag a read past it). */
    good_image();
    finish();
    for (size_t n = 0; n <= im.len; n++) {
        unsigned char *p = malloc(n ? n : 1);

        memcpy(p, im.buf, n);
        ck_assert_int_eq(pv_image_parse(p, n, &pv, err, sizeof(err)) == 0,
                         n == im.len);
        free(p);
    }
}
END_TEST

START_TEST(parses_the_basics_test_guest)
{
    FILE *f = fopen(HERON_BUILD_DIR "/tests/guests/test_basics.elf", "rb");
    static unsigned char buf[1 << 20];
    size_t n;

    ck_assert_msg(f != NULL, "build/tests/guests/test_basics.elf missing");
    n = fread(buf, 1, sizeof(buf), f);
    fclose(f);
    ck_assert_int_eq(pv_image_parse(buf, n, &pv, err, sizeof(err)), 0);
    ck_assert_uint_eq(pv.virt_base, VBASE);
    ck_assert_uint_eq(pv.kstart, VBASE);
    ck_assert_uint_eq(pv.hypercall_page, VBASE + 0x1000);
    ck_assert(pv.entry >= pv.kstart && pv.entry < pv.kend);
    ck_assert_str_eq(pv.guest_os, "heron-test");
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("elf_loader");
    TCase *tc = tcase_create("parse");

    tcase_add_test(tc, parses_a_good_image);
    tcase_add_test(tc, defaults_without_optional_notes);
    tcase_add_test(tc, linux_style_notes);
    tcase_add_test(tc, loads_segments_and_zero_fills);
    tcase_add_test(tc, refuses_non_elf);
    tcase_add_test(tc, refuses_wrong_class_machine_type);
    tcase_add_test(tc, refuses_headers_outside_file);
    tcase_add_test(tc, refuses_segment_outside_file);
    tcase_add_test(tc, refuses_filesz_above_memsz);
    tcase_add_test(tc, refuses_overlapping_or_wrapping_segments);
    tcase_add_test(tc, refuses_no_loadable_segment);
    tcase_add_test(tc, refuses_image_without_notes);
    tcase_add_test(tc, refuses_wrong_loader_or_version);
    tcase_add_test(tc, refuses_bad_note_values);
    tcase_add_test(tc, refuses_inconsistent_duplicates);
    tcase_add_test(tc, refuses_note_past_segment);
    tcase_add_test(tc, refuses_entry_or_hypercall_page_outside_image);
    tcase_add_test(tc, refuses_virt_base_above_image);
    tcase_add_test(tc, refuses_unknown_required_feature);
    tcase_add_test(tc, truncation_never_reads_past_the_buffer);
    tcase_add_test(tc, parses_the_basics_test_guest);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
