/* start_info -> boot_info for the Xen PV entry (pvops-guest/arch/x86/pv/boot_info.c). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "pv.h"

#define VA(pfn) (KERNEL_BASE + ((uint64_t)(pfn) << 12))

static struct start_info si;
static struct boot_info bi;
static struct pv_layout l;
static char cmdline[64];

/* The layout Xen 4.17 built for a 128 MiB dom0 of this kernel. */
static void setup(void)
{
	memset(&si, 0, sizeof(si));
	memcpy(si.magic, "xen-3.0-x86_64", 15);
	si.nr_pages = 32768;
	si.flags = SIF_PRIVILEGED | SIF_INITDOMAIN;
	si.mod_start = VA(0x163);
	si.mod_len = 0x10581d;
	si.mfn_list = VA(0x269);
	si.pt_base = VA(0x2aa);
	si.nr_pt_frames = 5;
	strcpy((char *)si.cmd_line, "shell abi kdebug");
}

static int parse(void)
{
	return pv_parse_start_info(&si, VA(0x100), VA(0x162) + 0x308, &bi, &l, cmdline,
				   sizeof(cmdline));
}

static bool reserved(pfn_t p)
{
	for (int i = 0; i < bi.nr_reserved; i++)
		if (p >= bi.reserved[i].start && p < bi.reserved[i].end)
			return true;
	return false;
}

START_TEST(dom0_layout)
{
	ck_assert_int_eq(parse(), 0);
	ck_assert_uint_eq(bi.nr_pfns, 32768);
	ck_assert_uint_eq(l.p2m_pfn, 0x269);
	ck_assert_uint_eq(l.pt_first, 0x2aa);
	ck_assert_uint_eq(l.pt_count, 5);
	ck_assert_uint_eq(l.builder_end, 0x2b0);          /* tables + the stack page */
	ck_assert_uint_eq(l.early_limit, 0x2b0 + 128);    /* 512 KiB of padding */
	ck_assert_uint_eq(bi.early_limit, l.early_limit);
	ck_assert_uint_eq(bi.early_map_base, KERNEL_BASE);
	/* Frame 0 is never handed out (0 means "no frame"); the rest is usable... */
	ck_assert_int_eq(bi.nr_usable, 1);
	ck_assert_uint_eq(bi.usable[0].start, 1);
	ck_assert_uint_eq(bi.usable[0].end, 32768);
	/* ...except the kernel and everything the builder put after it. */
	ck_assert(!reserved(0xff));
	ck_assert(reserved(0x100));
	ck_assert(reserved(0x2af));
	ck_assert(!reserved(0x2b0));
	/* The initrd is given by VA, inside the builder's area. */
	ck_assert_uint_eq(bi.initrd_paddr, 0x163000);
	ck_assert_uint_eq(bi.initrd_len, 0x10581d);
	ck_assert_str_eq(bi.cmdline, "shell abi kdebug");
	ck_assert_ptr_eq(bi.cmdline, cmdline);
}
END_TEST

START_TEST(initrd_given_as_pfn)
{
	si.flags |= SIF_MOD_START_PFN;
	si.mod_start = 0x5000;
	si.mod_len = 3 * 4096 + 1;
	ck_assert_int_eq(parse(), 0);
	ck_assert_uint_eq(bi.initrd_paddr, 0x5000000);
	ck_assert(reserved(0x5000));
	ck_assert(reserved(0x5003));
	ck_assert(!reserved(0x5004));
	si.mod_start = 32768 - 2;                          /* runs past the end */
	ck_assert_int_eq(parse(), -1);
}
END_TEST

START_TEST(no_initrd)
{
	si.mod_start = 0;
	si.mod_len = 0;
	ck_assert_int_eq(parse(), 0);
	ck_assert_uint_eq(bi.initrd_paddr, 0);
	ck_assert_uint_eq(bi.initrd_len, 0);
}
END_TEST

START_TEST(bad_start_info_is_refused)
{
	si.magic[8] = '3';                                 /* "xen-3.0-x86_32" style */
	ck_assert_int_eq(parse(), -1);
	setup();
	si.pt_base = 0x1000;                               /* not a kernel VA */
	ck_assert_int_eq(parse(), -1);
	setup();
	si.nr_pages = 0x100;                               /* the builder's area does not fit */
	ck_assert_int_eq(parse(), -1);
	setup();
	si.mod_start = 0x1000;                             /* initrd VA below the kernel base */
	ck_assert_int_eq(parse(), -1);
}
END_TEST

START_TEST(long_cmdline_is_cut)
{
	memset(si.cmd_line, 'x', sizeof(si.cmd_line));    /* not even terminated */
	ck_assert_int_eq(parse(), 0);
	ck_assert_uint_eq(strlen(bi.cmdline), sizeof(cmdline) - 1);
}
END_TEST

START_TEST(early_alloc_stays_in_the_padding)
{
	ck_assert_int_eq(parse(), 0);
	ck_assert_uint_eq(pv_early_alloc(&bi, &l, 8), 0x2b0);
	ck_assert(reserved(0x2b7));
	ck_assert(!reserved(0x2b8));
	ck_assert_uint_eq(pv_early_alloc(&bi, &l, 1), 0x2b8);
	ck_assert_uint_eq(pv_early_alloc(&bi, &l, 128), 0);   /* past the mapping */
	ck_assert_uint_eq(pv_early_alloc(&bi, &l, 0), 0);
	ck_assert_uint_eq(pv_early_alloc(&bi, &l, 119), 0x2b9);
	ck_assert_uint_eq(l.next_free, l.early_limit);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("pv_boot");
	TCase *tc = tcase_create("start_info");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, dom0_layout);
	tcase_add_test(tc, initrd_given_as_pfn);
	tcase_add_test(tc, no_initrd);
	tcase_add_test(tc, bad_start_info_is_refused);
	tcase_add_test(tc, long_cmdline_is_cut);
	tcase_add_test(tc, early_alloc_stays_in_the_padding);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
