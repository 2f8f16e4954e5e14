/* Bounce frames and iret flags (pvops-guest/arch/x86/pv/frame.c). */
#include <check.h>
#include <stdlib.h>

#include "pv.h"

static struct trapframe syscall_frame(void)
{
	return (struct trapframe){
		.vector = VEC_SYSCALL, .error = 1, .rip = 0x401000, .rcx = 0x401000,
		.rflags = 0x246, .r11 = 0x246, .cs = FLAT_USER_CS, .ss = FLAT_USER_SS,
		.rsp = 0x7ffffffde000,
	};
}

START_TEST(saved_upcall_mask_is_dropped_from_cs)
{
	struct trapframe tf = { .cs = (1UL << 32) | FLAT_USER_CS };

	pv_frame_from_bounce(&tf);
	ck_assert_uint_eq(tf.cs, FLAT_USER_CS);
	ck_assert(((tf.cs & 3) == 3));
	tf.cs = (1UL << 32) | (FLAT_KERNEL_CS & ~3);   /* kernel mode: RPL 0 */
	pv_frame_from_bounce(&tf);
	ck_assert_uint_eq(tf.cs, 0xe030);
	ck_assert(!((tf.cs & 3) == 3));
}
END_TEST

START_TEST(plain_syscall_return_uses_sysret)
{
	struct trapframe tf = syscall_frame();

	ck_assert_uint_eq(pv_iret_flags(&tf), VGCF_in_syscall);
}
END_TEST

START_TEST(changed_frames_need_a_full_iret)
{
	struct trapframe tf = syscall_frame();

	tf.rip = 0x402000;                     /* signal handler entry */
	ck_assert_uint_eq(pv_iret_flags(&tf), 0);
	tf = syscall_frame();
	tf.r11 = 0x202;                        /* sigreturn restored R11 */
	ck_assert_uint_eq(pv_iret_flags(&tf), 0);
	tf = syscall_frame();
	tf.vector = 0;                         /* after sigreturn / delivery */
	ck_assert_uint_eq(pv_iret_flags(&tf), 0);
	tf = syscall_frame();
	tf.vector = 14;                        /* a page fault */
	ck_assert_uint_eq(pv_iret_flags(&tf), 0);
	tf = syscall_frame();
	tf.cs = 0xe030;                        /* to kernel mode */
	ck_assert_uint_eq(pv_iret_flags(&tf), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("pv_frame");
	TCase *tc = tcase_create("frame");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, saved_upcall_mask_is_dropped_from_cs);
	tcase_add_test(tc, plain_syscall_return_uses_sysret);
	tcase_add_test(tc, changed_frames_need_a_full_iret);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
