/* cpio_parse (pvops-guest/fs/cpio.c): newc archives, good and malformed. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fs.h"

static uint8_t arch[4096];
static size_t arch_len;

static void pad4(void) { while (arch_len % 4) arch[arch_len++] = 0; }

static void add(const char *name, unsigned int mode, const char *data)
{
	size_t dlen = data ? strlen(data) : 0;

	arch_len += sprintf((char *)arch + arch_len,
			    "070701%08X%08X%08X%08X%08X%08X%08zX%08X%08X%08X%08X%08zX%08X",
			    1, mode, 0, 0, 1, 0, dlen, 0, 0, 0, 0, strlen(name) + 1, 0);
	memcpy(arch + arch_len, name, strlen(name) + 1);
	arch_len += strlen(name) + 1;
	pad4();
	memcpy(arch + arch_len, data, dlen);
	arch_len += dlen;
	pad4();
}

struct seen {
	int n;
	char names[8][32];
	unsigned int modes[8];
	char data[8][32];
};

static int collect(void *arg, const struct cpio_entry *e)
{
	struct seen *s = arg;

	snprintf(s->names[s->n], 32, "%s", e->name);
	s->modes[s->n] = e->mode;
	memcpy(s->data[s->n], e->data, e->size);
	s->data[s->n][e->size] = 0;
	s->n++;
	return 0;
}

static int fail_on_second(void *arg, const struct cpio_entry *e)
{
	(void)e;
	return ++*(int *)arg == 2 ? -42 : 0;
}

static void build_sample(void)
{
	arch_len = 0;
	add("bin", 040755, NULL);
	add("bin/hello", 0100755, "hi there\n");
	add("odd", 0100644, "abc");
	add("TRAILER!!!", 0, NULL);
}

START_TEST(parses_entries_in_order)
{
	struct seen s = { 0 };

	build_sample();
	ck_assert_int_eq(cpio_parse(arch, arch_len, collect, &s), 0);
	ck_assert_int_eq(s.n, 3);
	ck_assert_str_eq(s.names[0], "bin");
	ck_assert_uint_eq(s.modes[0], 040755);
	ck_assert_str_eq(s.names[1], "bin/hello");
	ck_assert_str_eq(s.data[1], "hi there\n");
	ck_assert_str_eq(s.names[2], "odd");
	ck_assert_str_eq(s.data[2], "abc");
}
END_TEST

START_TEST(stops_at_trailer_ignoring_padding)
{
	struct seen s = { 0 };

	build_sample();
	memset(arch + arch_len, 0, 512);
	ck_assert_int_eq(cpio_parse(arch, arch_len + 512, collect, &s), 0);
	ck_assert_int_eq(s.n, 3);
}
END_TEST

START_TEST(rejects_truncated_archive)
{
	struct seen s = { 0 };

	build_sample();
	ck_assert_int_eq(cpio_parse(arch, arch_len - 120, collect, &s), -EINVAL);
	s.n = 0;
	ck_assert_int_eq(cpio_parse(arch, 100, collect, &s), -EINVAL);
	ck_assert_int_eq(s.n, 0);
}
END_TEST

START_TEST(rejects_bad_magic_and_hex)
{
	struct seen s = { 0 };

	build_sample();
	arch[5] = '7';
	ck_assert_int_eq(cpio_parse(arch, arch_len, collect, &s), -EINVAL);
	build_sample();
	arch[20] = 'g';
	ck_assert_int_eq(cpio_parse(arch, arch_len, collect, &s), -EINVAL);
}
END_TEST

START_TEST(rejects_oversized_lengths)
{
	struct seen s = { 0 };

	build_sample();
	memcpy(arch + 6 + 8 * 11, "7FFFFFFF", 8);     /* namesize of the first entry */
	ck_assert_int_eq(cpio_parse(arch, arch_len, collect, &s), -EINVAL);
	build_sample();
	memcpy(arch + 6 + 8 * 6, "00100000", 8);      /* filesize past the end */
	ck_assert_int_eq(cpio_parse(arch, arch_len, collect, &s), -EINVAL);
	ck_assert_int_eq(s.n, 0);
}
END_TEST

START_TEST(callback_error_stops_parsing)
{
	int count = 0;

	build_sample();
	ck_assert_int_eq(cpio_parse(arch, arch_len, fail_on_second, &count), -42);
	ck_assert_int_eq(count, 2);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("guest_cpio");
	TCase *tc = tcase_create("cpio");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, parses_entries_in_order);
	tcase_add_test(tc, stops_at_trailer_ignoring_padding);
	tcase_add_test(tc, rejects_truncated_archive);
	tcase_add_test(tc, rejects_bad_magic_and_hex);
	tcase_add_test(tc, rejects_oversized_lengths);
	tcase_add_test(tc, callback_error_stops_parsing);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
