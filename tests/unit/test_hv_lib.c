/*
 * Host unit tests of hv library code that needs no hardware: printk's
 * formatter, command-line parsing, the guest address range check, the
 * pvclock-style time scale, and memcpy/memset (shared with pvops-guest).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <hv/types.h>
#include <hv/cmdline.h>
#include <hv/guest_access.h>
#include <hv/time.h>

/* hv's vsnprintf.c and lib.c, built for the host under these names. */
int hv_snprintf(char *buf, size_t size, const char *fmt, ...);
void *hv_memcpy(void *dst, const void *src, size_t n);
void *hv_memset(void *dst, int c, size_t n);

static char out[128];

#define FMT(expect, ...) do {                                           \
    int n_ = hv_snprintf(out, sizeof(out), __VA_ARGS__);                \
    ck_assert_str_eq(out, expect);                                      \
    ck_assert_int_eq(n_, (int)strlen(expect));                          \
} while (0)

/* Every length 0..40 at every alignment 0..7 of either side: the
 * quadword part and the tail land exactly, nothing around them moves. */
START_TEST(memcpy_every_length_and_alignment)
{
    unsigned char src[64], dst[64], want[64];

    for (unsigned int i = 0; i < sizeof(src); i++)
        src[i] = (unsigned char)(i * 7 + 1);
    for (size_t n = 0; n <= 40; n++)
        for (size_t so = 0; so < 8; so++)
            for (size_t d = 0; d < 8; d++) {
                memset(dst, 0xee, sizeof(dst));
                memset(want, 0xee, sizeof(want));
                memcpy(want + d, src + so, n);
                ck_assert_ptr_eq(hv_memcpy(dst + d, src + so, n), dst + d);
                ck_assert_mem_eq(dst, want, sizeof(dst));
            }
}
END_TEST

START_TEST(memset_every_length_and_alignment)
{
    unsigned char dst[64], want[64];

    for (size_t n = 0; n <= 40; n++)
        for (size_t d = 0; d < 8; d++) {
            memset(dst, 0x11, sizeof(dst));
            memset(want, 0x11, sizeof(want));
            memset(want + d, 0xa5, n);
            ck_assert_ptr_eq(hv_memset(dst + d, 0x1a5, n), dst + d);
            ck_assert_mem_eq(dst, want, sizeof(dst));
        }
}
END_TEST

START_TEST(format_integers)
{
    FMT("42 -7 0", "%d %d %d", 42, -7, 0);
    FMT("4294967295", "%u", 0xffffffffu);
    FMT("ff FF 0xff 0", "%x %X %#x %#x", 255, 255, 255, 0);
    FMT("-9223372036854775808", "%ld", (long)(-9223372036854775807L - 1));
    FMT("18446744073709551615", "%llu", ~0ULL);
    FMT("ffffffffffffffff", "%lx", ~0UL);
    FMT("123456789012", "%zu", (size_t)123456789012ULL);
    FMT("377", "%o", 255);
    FMT("-1 255", "%hhd %hhu", 255, 255);
}
END_TEST

START_TEST(format_width_and_padding)
{
    FMT("   42|42   |00042", "%5d|%-5d|%05d", 42, 42, 42);
    FMT("-0042", "%05d", -42);
    FMT("0000dead", "%08x", 0xdead);
    FMT("000000000dead000", "%016lx", 0xdead000UL);
    FMT("  -7", "%*d", 4, -7);
    FMT("007", "%.3d", 7);
    FMT("123456", "%3d", 123456);
}
END_TEST

START_TEST(format_strings_chars_pointers)
{
    FMT("hv|   hv|hv   |he", "%s|%5s|%-5s|%.2s", "hv", "hv", "hv", "heron");
    FMT("(null)", "%s", (char *)NULL);
    FMT("a b", "%c%c%c", 'a', ' ', 'b');
    FMT("0xffff82d080200000", "%p", (void *)0xffff82d080200000UL);
    FMT("0x0000000000001000", "%p", (void *)0x1000UL);
    FMT("100%", "100%%");
}
END_TEST

START_TEST(format_truncates_and_terminates)
{
    char small[6];
    int n = hv_snprintf(small, sizeof(small), "%s", "heron hv");

    ck_assert_int_eq(n, 8);
    ck_assert_str_eq(small, "heron");
    n = hv_snprintf(small, 0, "%d", 12345);
    ck_assert_int_eq(n, 5);
}
END_TEST

START_TEST(cmdline_finds_options)
{
    char v[16];

    ck_assert(cmdline_find("a=1 hv_selftest=fault,timer b", "hv_selftest", v, sizeof(v)));
    ck_assert_str_eq(v, "fault,timer");
    ck_assert(cmdline_find("a=1 b", "b", v, sizeof(v)));
    ck_assert_str_eq(v, "");
    ck_assert(!cmdline_find("hv_selftestx=1 xhv_selftest=2", "hv_selftest", v, sizeof(v)));
    ck_assert(!cmdline_find("", "a", v, sizeof(v)));
    /* The last occurrence wins. */
    ck_assert(cmdline_find("on_panic=halt on_panic=poweroff", "on_panic", v, sizeof(v)));
    ck_assert_str_eq(v, "poweroff");
    /* Values are truncated to the buffer. */
    ck_assert(cmdline_find("k=0123456789abcdefXYZ", "k", v, sizeof(v)));
    ck_assert_str_eq(v, "0123456789abcde");
}
END_TEST

START_TEST(cmdline_list_membership)
{
    ck_assert(cmdline_list_has("fault,timer", "timer"));
    ck_assert(cmdline_list_has("fault", "fault"));
    ck_assert(!cmdline_list_has("faults,timer", "fault"));
    ck_assert(!cmdline_list_has("fault,timer", "time"));
    ck_assert(!cmdline_list_has("", "fault"));
    ck_assert(!cmdline_list_has("a,,b", ""));
}
END_TEST

START_TEST(guest_range_accepts_guest_halves)
{
    ck_assert(guest_access_ok(0, 1));
    ck_assert(guest_access_ok(0x400000, 4096));
    ck_assert(guest_access_ok(0x00007ffffffff000UL, 0x1000));
    ck_assert(guest_access_ok(0xffff880000000000UL, 8));
    ck_assert(guest_access_ok(0xfffffffffffff000UL, 0x1000));   /* up to the top */
    ck_assert(guest_access_ok(0xffff800000000000UL, 0));        /* empty */
}
END_TEST

START_TEST(guest_range_rejects_hv_and_wraps)
{
    ck_assert(!guest_access_ok(0x00007ffffffffffcUL, 8));       /* past user end */
    ck_assert(!guest_access_ok(0x0000800000000000UL, 1));       /* non-canonical */
    ck_assert(!guest_access_ok(0xffff800000000000UL, 8));       /* M2P */
    ck_assert(!guest_access_ok(0xffff82d080200000UL, 8));       /* hv image */
    ck_assert(!guest_access_ok(0xffff830000000000UL, 8));       /* direct map */
    ck_assert(!guest_access_ok(0xffff87fffffffff8UL, 16));      /* into guest half */
    ck_assert(!guest_access_ok(0xfffffffffffffff0UL, 0x20));    /* wraps */
    ck_assert(!guest_access_ok(0x1000, ~0UL));                  /* huge */
    ck_assert(!guest_access_ok(0, 0x0000800000000001UL));       /* whole user half + 1 */
}
END_TEST

START_TEST(time_scale_converts_tsc_to_ns)
{
    static const u64 freqs[] = { 1000000000UL, 2596178000UL, 3999999999UL,
                                 14318180UL, 100000000000UL };

    for (unsigned int i = 0; i < sizeof(freqs) / sizeof(freqs[0]); i++) {
        struct time_scale to_ns, to_tsc;
        u64 hz = freqs[i];
        u64 ns, back;

        time_scale_compute(&to_ns, hz, 1000000000UL);
        time_scale_compute(&to_tsc, 1000000000UL, hz);
        ck_assert_uint_ge(to_ns.mul_frac, 1UL << 31);       /* full precision */
        /* One second of ticks is one second, to within 1 ppm. */
        ns = scale_delta(hz, &to_ns);
        ck_assert_msg(ns > 999999000UL && ns < 1000001000UL, "hz %lu: %lu ns", hz, ns);
        back = scale_delta(1000000000UL, &to_tsc);
        ck_assert_msg(back > hz - hz / 1000000 - 1 && back < hz + hz / 1000000 + 1,
                      "hz %lu: %lu ticks", hz, back);
        /* An hour is still right (no overflow in the 128-bit product). */
        ns = scale_delta(hz * 3600, &to_ns);
        ck_assert_msg(ns / 1000000000UL == 3599 || ns / 1000000000UL == 3600,
                      "hz %lu: an hour is %lu ns", hz, ns);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("hv_lib");
    TCase *tc = tcase_create("core");
    SRunner *sr;
    int failed;

    tcase_add_test(tc, memcpy_every_length_and_alignment);
    tcase_add_test(tc, memset_every_length_and_alignment);
    tcase_add_test(tc, format_integers);
    tcase_add_test(tc, format_width_and_padding);
    tcase_add_test(tc, format_strings_chars_pointers);
    tcase_add_test(tc, format_truncates_and_terminates);
    tcase_add_test(tc, cmdline_finds_options);
    tcase_add_test(tc, cmdline_list_membership);
    tcase_add_test(tc, guest_range_accepts_guest_halves);
    tcase_add_test(tc, guest_range_rejects_hv_and_wraps);
    tcase_add_test(tc, time_scale_converts_tsc_to_ns);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
