/* The tty line discipline (pvops-guest/fs/ldisc.c). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "ldisc.h"

static char echoed[1024];
static size_t echoed_len;
static int last_sig;
static struct ldisc ld;

static void emit(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	memcpy(echoed + echoed_len, s, n);
	echoed_len += n;
	echoed[echoed_len] = 0;
}

static void sig(void *ctx, int s)
{
	(void)ctx;
	last_sig = s;
}

static void setup(void)
{
	ldisc_init(&ld);
	ld.emit = emit;
	ld.signal = sig;
	echoed_len = 0;
	echoed[0] = 0;
	last_sig = 0;
}

static void type(const char *s)
{
	while (*s)
		ldisc_input(&ld, *s++);
}

static const char *read_str(size_t n, bool *eof)
{
	static char buf[256];
	size_t got = ldisc_read(&ld, buf, n, eof);

	buf[got] = 0;
	return buf;
}

START_TEST(canonical_lines_with_cr_mapping)
{
	bool eof;

	setup();
	type("ls -l");
	ck_assert(!ldisc_readable(&ld));
	ck_assert_str_eq(read_str(100, &eof), "");
	ck_assert(!eof);
	type("\rpwd\r");
	ck_assert(ldisc_readable(&ld));
	ck_assert_str_eq(read_str(100, &eof), "ls -l\n");   /* one line per read */
	ck_assert_str_eq(read_str(2, &eof), "pw");
	ck_assert_str_eq(read_str(100, &eof), "d\n");
	ck_assert(!ldisc_readable(&ld));
	ck_assert_str_eq(echoed, "ls -l\r\npwd\r\n");
}
END_TEST

START_TEST(erase_and_kill)
{
	bool eof;

	setup();
	type("abx\x7f" "c\n");
	ck_assert_str_eq(read_str(100, &eof), "abc\n");
	ck_assert(strstr(echoed, "\b \b"));
	type("garbage\x15ok\n");
	ck_assert_str_eq(read_str(100, &eof), "ok\n");
	type("\x7f\x7fz\n");                 /* erase on an empty line does nothing */
	ck_assert_str_eq(read_str(100, &eof), "z\n");
}
END_TEST

START_TEST(eof_handling)
{
	bool eof;

	setup();
	type("\x04");
	ck_assert(ldisc_readable(&ld));
	ck_assert_str_eq(read_str(100, &eof), "");
	ck_assert(eof);
	type("partial\x04");
	ck_assert_str_eq(read_str(100, &eof), "partial");
	ck_assert(!eof);
	ck_assert(!ldisc_readable(&ld));
}
END_TEST

START_TEST(interrupt_signals_and_flushes)
{
	bool eof;

	setup();
	type("half a line\n");
	type("more");
	ldisc_input(&ld, 3);
	ck_assert_int_eq(last_sig, 2);       /* SIGINT */
	ck_assert(!ldisc_readable(&ld));     /* input flushed */
	ck_assert(strstr(echoed, "^C"));
	ldisc_input(&ld, 0x1c);
	ck_assert_int_eq(last_sig, 3);       /* SIGQUIT */
	type("next\n");
	ck_assert_str_eq(read_str(100, &eof), "next\n");
	ld.tio.c_lflag &= ~ISIG;
	last_sig = 0;
	type("\x03\n");
	ck_assert_int_eq(last_sig, 0);
	ck_assert_str_eq(read_str(100, &eof), "\x03\n");
}
END_TEST

START_TEST(raw_mode_and_no_echo)
{
	bool eof;

	setup();
	ld.tio.c_lflag &= ~(ICANON | ECHO);
	type("ab");
	ck_assert(ldisc_readable(&ld));
	ck_assert_str_eq(read_str(1, &eof), "a");
	ck_assert_str_eq(read_str(10, &eof), "b");
	type("\x7f");                         /* no editing in raw mode */
	ck_assert_str_eq(read_str(10, &eof), "\x7f");
	ck_assert_uint_eq(echoed_len, 0);
}
END_TEST

START_TEST(output_processing)
{
	setup();
	ldisc_write(&ld, "a\nb\n", 4);
	ck_assert_str_eq(echoed, "a\r\nb\r\n");
	echoed_len = 0;
	ld.tio.c_oflag &= ~OPOST;
	ldisc_write(&ld, "a\nb", 3);
	ck_assert_str_eq(echoed, "a\nb");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("guest_ldisc");
	TCase *tc = tcase_create("ldisc");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, canonical_lines_with_cr_mapping);
	tcase_add_test(tc, erase_and_kill);
	tcase_add_test(tc, eof_handling);
	tcase_add_test(tc, interrupt_signals_and_flushes);
	tcase_add_test(tc, raw_mode_and_no_echo);
	tcase_add_test(tc, output_processing);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
