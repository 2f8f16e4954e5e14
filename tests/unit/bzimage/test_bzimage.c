/*
 * The bzImage loader's pure parts (hv/arch/x86/hvm/bzimage.c), host-built:
 * the setup header checks, where the kernel and the initrd go, and the
 * zero page.  The images are synthetic: a setup header shaped like a
 * 6.1 kernel's in front of a small "protected-mode kernel".
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <hv/errno.h>
#include <hv/hvm_build.h>

#define SETUP_SECTS  3
#define KERNEL_LEN   0x4000
#define IMAGE_LEN    ((SETUP_SECTS + 1) * 512 + KERNEL_LEN)
#define MIB          (1ull << 20)

static u8 img[IMAGE_LEN + 512];
static char err[160];

static void put16(u64 off, u16 v) { memcpy(img + off, &v, 2); }
static void put32(u64 off, u32 v) { memcpy(img + off, &v, 4); }
static void put64(u64 off, u64 v) { memcpy(img + off, &v, 8); }
static u16 zp16(const u8 *zp, u64 off) { u16 v; memcpy(&v, zp + off, 2); return v; }
static u32 zp32(const u8 *zp, u64 off) { u32 v; memcpy(&v, zp + off, 4); return v; }
static u64 zp64(const u8 *zp, u64 off) { u64 v; memcpy(&v, zp + off, 8); return v; }

/* A relocatable protocol 2.15 bzImage wanting 16 MiB at 16 MiB. */
static void make_image(void)
{
    memset(img, 0, sizeof(img));
    img[0x1f1] = SETUP_SECTS;
    put32(0x1f4, KERNEL_LEN / 16);
    put16(0x1fe, 0xaa55);
    img[0x200] = 0xeb;
    img[0x201] = 0x6a;                  /* header ends at 0x26c */
    memcpy(img + 0x202, "HdrS", 4);
    put16(0x206, 0x020f);
    img[0x211] = 0x81;                  /* LOADED_HIGH | CAN_USE_HEAP */
    put32(0x214, 0x100000);
    put16(0x224, 0xfe00);
    put32(0x22c, 0x7fffffff);
    put32(0x230, 0x200000);
    img[0x234] = 1;
    put32(0x238, 2047);
    put64(0x258, 16 * MIB);
    put32(0x260, 16 * MIB);
    memset(img + (SETUP_SECTS + 1) * 512, 0x90, KERNEL_LEN);
}

static int parse(size_t len, struct bz_image *bz)
{
    return bzimage_parse(img, len, bz, err, sizeof(err));
}

START_TEST(good_header)
{
    struct bz_image bz;

    make_image();
    ck_assert(bzimage_detect(img, IMAGE_LEN));
    ck_assert_int_eq(parse(IMAGE_LEN, &bz), 0);
    ck_assert_uint_eq(bz.version, 0x020f);
    ck_assert_uint_eq(bz.hdr_end, 0x26c);
    ck_assert_uint_eq(bz.kernel_offset, (SETUP_SECTS + 1) * 512);
    ck_assert_uint_eq(bz.kernel_len, KERNEL_LEN);
    ck_assert_uint_eq(bz.load_addr, 16 * MIB);
    ck_assert_uint_eq(bz.init_size, 16 * MIB);
    ck_assert_uint_eq(bz.cmdline_size, 2047);
    /* setup_sects 0 means 4; trailing bytes after the kernel are allowed. */
    img[0x1f1] = 0;
    ck_assert_int_eq(parse(sizeof(img), &bz), 0);
    ck_assert_uint_eq(bz.kernel_offset, 5 * 512);
    /* Not relocatable: 1 MiB, whatever pref_address says. */
    make_image();
    img[0x234] = 0;
    ck_assert_int_eq(parse(IMAGE_LEN, &bz), 0);
    ck_assert_uint_eq(bz.load_addr, MIB);
    /* pref_address rounds up to kernel_alignment. */
    make_image();
    put64(0x258, 16 * MIB + 1);
    ck_assert_int_eq(parse(IMAGE_LEN, &bz), 0);
    ck_assert_uint_eq(bz.load_addr, 18 * MIB);
}
END_TEST

START_TEST(bad_headers)
{
    struct bz_image bz;

    make_image();
    ck_assert(!bzimage_detect(img, 0x205));
    ck_assert_int_eq(parse(0x205, &bz), -EINVAL);
    ck_assert_str_eq(err, "no Linux setup header (\"HdrS\" at 0x202)");
    ck_assert_int_eq(parse(IMAGE_LEN - 1, &bz), -EINVAL);
    ck_assert_str_eq(err, "the file is truncated: 18431 bytes, the header says 18432");
    ck_assert_int_eq(parse(0x240, &bz), -EINVAL);
    ck_assert_str_eq(err, "the file is truncated inside the setup header");
    put16(0x206, 0x0209);
    ck_assert_int_eq(parse(IMAGE_LEN, &bz), -EINVAL);
    ck_assert_str_eq(err, "boot protocol 2.09 is too old (hv needs 2.10 or later)");
    make_image();
    img[0x201] = 0x20;
    ck_assert_int_eq(parse(IMAGE_LEN, &bz), -EINVAL);
    ck_assert_str_eq(err, "the setup header's length (0x222) is not a 2.10+ header's");
    make_image();
    img[0x211] = 0;
    ck_assert_int_eq(parse(IMAGE_LEN, &bz), -EINVAL);
    ck_assert_str_eq(err, "not a bzImage (a zImage loads below 1 MiB)");
    make_image();
    put32(0x1f4, 0);
    ck_assert_int_eq(parse(IMAGE_LEN, &bz), -EINVAL);
    make_image();
    put32(0x230, 0x300000);
    ck_assert_int_eq(parse(IMAGE_LEN, &bz), -EINVAL);
    ck_assert_str_eq(err, "kernel_alignment 0x300000 is not a power of two");
    make_image();
    put64(0x258, 0xc0000000);
    ck_assert_int_eq(parse(IMAGE_LEN, &bz), -EINVAL);
    ck_assert_str_eq(err, "the kernel's load address 0xc0000000 is not in low RAM");
}
END_TEST

START_TEST(layout)
{
    struct bz_image bz;
    struct bz_layout l;

    make_image();
    ck_assert_int_eq(parse(IMAGE_LEN, &bz), 0);
    /* The initrd at the top of RAM, page-aligned. */
    ck_assert_int_eq(bzimage_layout(&bz, 64 * MIB, 10, 0x1801, &l, err, sizeof(err)), 0);
    ck_assert_uint_eq(l.initrd_addr, 64 * MIB - 0x2000);
    ck_assert_uint_eq(l.initrd_len, 0x1801);
    ck_assert_int_eq(bzimage_layout(&bz, 64 * MIB, 10, 0, &l, err, sizeof(err)), 0);
    ck_assert_uint_eq(l.initrd_len, 0);
    /* Below initrd_addr_max + 1 when RAM goes higher. */
    put32(0x22c, 48 * MIB - 1);
    ck_assert_int_eq(parse(IMAGE_LEN, &bz), 0);
    ck_assert_int_eq(bzimage_layout(&bz, 64 * MIB, 10, 0x1000, &l, err, sizeof(err)), 0);
    ck_assert_uint_eq(l.initrd_addr, 48 * MIB - 0x1000);
    /* Exactly fitting, then one page too many. */
    ck_assert_int_eq(bzimage_layout(&bz, 64 * MIB, 10, 16 * MIB, &l, err, sizeof(err)), 0);
    ck_assert_uint_eq(l.initrd_addr, 32 * MIB);
    ck_assert_int_eq(bzimage_layout(&bz, 64 * MIB, 10, 16 * MIB + 1, &l, err,
                                    sizeof(err)), -EINVAL);
    ck_assert_str_eq(err, "the initrd (16384 KiB) does not fit between the kernel's "
                          "end (32768 KiB) and 49152 KiB");
    /* The kernel itself. */
    ck_assert_int_eq(bzimage_layout(&bz, 32 * MIB, 10, 0, &l, err, sizeof(err)), 0);
    ck_assert_int_eq(bzimage_layout(&bz, 32 * MIB - 4096, 10, 0, &l, err,
                                    sizeof(err)), -EINVAL);
    ck_assert_str_eq(err, "the kernel needs RAM up to 32 MiB (loaded at 0x1000000, "
                          "init_size 16384 KiB) but the domain has 31 MiB");
    /* The command line against the kernel's and hv's limits. */
    ck_assert_int_eq(bzimage_layout(&bz, 64 * MIB, 2047, 0, &l, err, sizeof(err)), 0);
    ck_assert_int_eq(bzimage_layout(&bz, 64 * MIB, 2048, 0, &l, err, sizeof(err)),
                     -EINVAL);
    ck_assert_str_eq(err, "the command line (2048 bytes) is longer than the kernel "
                          "takes (2047)");
}
END_TEST

START_TEST(zero_page)
{
    static u8 zp[4096];
    struct bz_image bz;
    struct bz_layout l = { .initrd_addr = 0x7f00000, .initrd_len = 0x12345 };
    struct hvm_e820 map[HVM_E820_MAX];
    unsigned int n = hvm_build_e820(128 << 8, map);

    make_image();
    img[0x1ef] = 0x55;                  /* outside the header: not copied */
    ck_assert_int_eq(parse(IMAGE_LEN, &bz), 0);
    memset(zp, 0xcc, sizeof(zp));
    bzimage_zero_page(img, &bz, &l, 128 << 8, zp);
    ck_assert_uint_eq(zp[0x1ef], 0);
    ck_assert(!memcmp(zp + 0x202, "HdrS", 4));
    ck_assert_uint_eq(zp16(zp, 0x206), 0x020f);
    ck_assert_uint_eq(zp[0x1f1], SETUP_SECTS);
    ck_assert_uint_eq(zp[0x210], 0xff);
    ck_assert_uint_eq(zp[0x211], 0x01);
    ck_assert_uint_eq(zp16(zp, 0x224), 0);
    ck_assert_uint_eq(zp32(zp, 0x228), HVM_BZ_CMDLINE_ADDR);
    ck_assert_uint_eq(zp32(zp, 0x218), 0x7f00000);
    ck_assert_uint_eq(zp32(zp, 0x21c), 0x12345);
    ck_assert_uint_eq(zp64(zp, 0x258), 16 * MIB);
    ck_assert_uint_eq(zp[0x26c], 0);    /* nothing past the header */
    ck_assert_uint_eq(zp64(zp, 0x070), HVM_ACPI_ADDR);
    ck_assert_uint_eq(zp[0x1e8], n);
    for (unsigned int i = 0; i < n; i++) {
        ck_assert_uint_eq(zp64(zp, 0x2d0 + 20 * i), map[i].addr);
        ck_assert_uint_eq(zp64(zp, 0x2d8 + 20 * i), map[i].len);
        ck_assert_uint_eq(zp32(zp, 0x2e0 + 20 * i), map[i].type);
    }
    ck_assert_uint_eq(zp[0x2d0 + 20 * n], 0);
    ck_assert_uint_eq(zp[4095], 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("bzimage");
    TCase *tc = tcase_create("bzimage");
    SRunner *sr;
    int failed;

    tcase_add_test(tc, good_header);
    tcase_add_test(tc, bad_headers);
    tcase_add_test(tc, layout);
    tcase_add_test(tc, zero_page);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
