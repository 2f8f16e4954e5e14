/* gunzip/inflate_raw (pvops-guest/fs/inflate.c) against the host's gzip. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fs.h"

/* Compresses buf with the gzip program at the given level. */
static uint8_t *host_gzip(const uint8_t *buf, size_t len, int level, size_t *out_len)
{
	char in[] = "/tmp/inflate-in-XXXXXX", cmd[128];
	int fd = mkstemp(in);
	FILE *p;
	uint8_t *out = malloc(len * 2 + 1024);

	ck_assert(write(fd, buf, len) == (ssize_t)len);
	close(fd);
	snprintf(cmd, sizeof(cmd), "gzip -%d -n -c %s", level, in);
	p = popen(cmd, "r");
	*out_len = fread(out, 1, len * 2 + 1024, p);
	pclose(p);
	unlink(in);
	return out;
}

static void roundtrip(const uint8_t *data, size_t len, int level)
{
	size_t gz_len, got_len;
	uint8_t *gz = host_gzip(data, len, level, &gz_len), *got;

	ck_assert_int_eq(gunzip(gz, gz_len, &got, &got_len), 0);
	ck_assert_uint_eq(got_len, len);
	ck_assert(memcmp(got, data, len) == 0);
	free(got);
	free(gz);
}

START_TEST(short_text_fixed_codes)
{
	const char *s = "hello, hello, hello world\n";

	roundtrip((const uint8_t *)s, strlen(s), 9);
}
END_TEST

START_TEST(long_text_dynamic_codes)
{
	size_t n = 200000;
	uint8_t *b = malloc(n);

	for (size_t i = 0; i < n; i++)
		b[i] = "the quick brown fox jumps over the lazy dog "[(i * 7 + i / 13) % 44];
	roundtrip(b, n, 9);
	roundtrip(b, n, 1);
	free(b);
}
END_TEST

START_TEST(random_data_stored_blocks)
{
	size_t n = 100000;
	uint8_t *b = malloc(n);

	srand(1);
	for (size_t i = 0; i < n; i++)
		b[i] = rand();
	roundtrip(b, n, 6);
	free(b);
}
END_TEST

START_TEST(empty_input)
{
	roundtrip((const uint8_t *)"", 0, 9);
}
END_TEST

START_TEST(corrupt_crc_rejected)
{
	const char *s = "some data some data some data";
	size_t gz_len, got_len;
	uint8_t *gz = host_gzip((const uint8_t *)s, strlen(s), 9, &gz_len), *got;

	gz[gz_len - 8] ^= 1;
	ck_assert_int_eq(gunzip(gz, gz_len, &got, &got_len), -EINVAL);
	free(gz);
}
END_TEST

START_TEST(truncated_and_bad_header_rejected)
{
	const char *s = "abcabcabcabcabcabcabcabc0123456789";
	size_t gz_len, got_len;
	uint8_t *gz = host_gzip((const uint8_t *)s, strlen(s), 9, &gz_len), *got;

	ck_assert_int_eq(gunzip(gz, 12, &got, &got_len), -EINVAL);
	ck_assert_int_ne(gunzip(gz, gz_len - 10, &got, &got_len), 0);
	gz[2] = 7;                              /* compression method */
	ck_assert_int_eq(gunzip(gz, gz_len, &got, &got_len), -EINVAL);
	free(gz);
}
END_TEST

START_TEST(output_overflow_reported)
{
	static const uint8_t stored[] = { 0x01, 0x05, 0x00, 0xfa, 0xff, 'h', 'e', 'l', 'l', 'o' };
	uint8_t out[8];
	size_t n;

	ck_assert_int_eq(inflate_raw(stored, sizeof(stored), out, 3, &n), -ENOSPC);
	ck_assert_int_eq(inflate_raw(stored, sizeof(stored), out, 8, &n), 0);
	ck_assert_uint_eq(n, 5);
	ck_assert(memcmp(out, "hello", 5) == 0);
}
END_TEST

START_TEST(bad_block_type_and_stored_length)
{
	static const uint8_t type3[] = { 0x07, 0x00 };
	static const uint8_t badlen[] = { 0x01, 0x05, 0x00, 0xfb, 0xff, 'h', 'e', 'l', 'l', 'o' };
	static const uint8_t far_back[] = { 0x03, 0x02, 0x00 };  /* fixed codes: length 3, distance 1, no output yet */
	uint8_t out[64];
	size_t n;

	ck_assert_int_eq(inflate_raw(type3, sizeof(type3), out, sizeof(out), &n), -EINVAL);
	ck_assert_int_eq(inflate_raw(badlen, sizeof(badlen), out, sizeof(out), &n), -EINVAL);
	ck_assert_int_eq(inflate_raw(far_back, sizeof(far_back), out, sizeof(out), &n), -EINVAL);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("guest_inflate");
	TCase *tc = tcase_create("inflate");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, short_text_fixed_codes);
	tcase_add_test(tc, long_text_dynamic_codes);
	tcase_add_test(tc, random_data_stored_blocks);
	tcase_add_test(tc, empty_input);
	tcase_add_test(tc, corrupt_crc_rejected);
	tcase_add_test(tc, truncated_and_bad_header_rejected);
	tcase_add_test(tc, output_overflow_reported);
	tcase_add_test(tc, bad_block_type_and_stored_length);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
