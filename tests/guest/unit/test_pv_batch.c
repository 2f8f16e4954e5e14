/* The PV multicall batch (pvops-guest/arch/x86/pv/batch.c): merging, order, limits, errors. */
#include <check.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"

/* What the fake hypervisor was asked to do: one record per issue. */
#define MAX_ISSUES 64
static struct issued {
	unsigned int n;
	struct multicall_entry calls[PV_BATCH_CALLS];
	struct mmu_update updates[PV_BATCH_CALLS][PV_BATCH_UPDATES];
	struct mmuext_op ext[PV_BATCH_CALLS][PV_BATCH_EXT];
} issued[MAX_ISSUES];
static unsigned int nr_issued;
static long fail_call = -1;      /* index (over all calls ever issued) to fail */
static unsigned int calls_seen;

static struct pv_batch b;
static jmp_buf failed_jmp;
static unsigned int failed_index, failed_done;
static uint64_t failed_op;

static void fake_issue(struct multicall_entry *calls, unsigned int n)
{
	struct issued *r = &issued[nr_issued++];

	ck_assert_uint_le(nr_issued, MAX_ISSUES);
	r->n = n;
	for (unsigned int i = 0; i < n; i++) {
		struct multicall_entry *c = &calls[i];

		r->calls[i] = *c;
		if (c->op == __HYPERVISOR_mmu_update)
			memcpy(r->updates[i], (void *)(uintptr_t)c->args[0],
			       c->args[1] * sizeof(struct mmu_update));
		if (c->op == __HYPERVISOR_mmuext_op)
			memcpy(r->ext[i], (void *)(uintptr_t)c->args[0],
			       c->args[1] * sizeof(struct mmuext_op));
		c->result = (long)calls_seen++ == fail_call ? -22 : 0;
		if (c->result && (c->op == __HYPERVISOR_mmu_update ||
				  c->op == __HYPERVISOR_mmuext_op))
			*(unsigned int *)(uintptr_t)c->args[2] = 1;
	}
}

static void fake_failed(const struct multicall_entry *call, unsigned int index,
			unsigned int done)
{
	failed_op = call->op;
	failed_index = index;
	failed_done = done;
	longjmp(failed_jmp, 1);
}

static void setup(void)
{
	memset(&b, 0, sizeof(b));
	memset(issued, 0, sizeof(issued));
	nr_issued = calls_seen = 0;
	fail_call = -1;
	b.issue = fake_issue;
	b.failed = fake_failed;
}

START_TEST(empty_flush_issues_nothing)
{
	ck_assert(pv_batch_empty(&b));
	pv_batch_flush(&b);
	ck_assert_uint_eq(nr_issued, 0);
}
END_TEST

START_TEST(consecutive_updates_share_one_call)
{
	pv_batch_mmu_update(&b, 0x1000, 1);
	pv_batch_mmu_update(&b, 0x1008, 2);
	pv_batch_mmu_update(&b, 0x2000, 3);
	ck_assert(!pv_batch_empty(&b));
	ck_assert_uint_eq(nr_issued, 0);             /* queued, not issued */
	pv_batch_flush(&b);
	ck_assert_uint_eq(nr_issued, 1);
	ck_assert_uint_eq(issued[0].n, 1);
	ck_assert_uint_eq(issued[0].calls[0].op, __HYPERVISOR_mmu_update);
	ck_assert_uint_eq(issued[0].calls[0].args[1], 3);
	ck_assert_uint_eq(issued[0].calls[0].args[3], DOMID_SELF);
	ck_assert_uint_eq(issued[0].updates[0][2].ptr, 0x2000);
	ck_assert_uint_eq(issued[0].updates[0][2].val, 3);
	ck_assert(pv_batch_empty(&b));
}
END_TEST

START_TEST(order_between_kinds_is_kept)
{
	pv_batch_mmu_update(&b, 0x1000, 1);
	pv_batch_call(&b, __HYPERVISOR_update_va_mapping, 0xabc000, 7, UVMF_INVLPG);
	pv_batch_mmuext(&b, MMUEXT_PIN_L4_TABLE, 42, 0);
	pv_batch_mmuext(&b, MMUEXT_NEW_BASEPTR, 42, 0);
	pv_batch_mmu_update(&b, 0x3000, 2);
	pv_batch_flush(&b);
	ck_assert_uint_eq(nr_issued, 1);
	ck_assert_uint_eq(issued[0].n, 4);
	ck_assert_uint_eq(issued[0].calls[0].op, __HYPERVISOR_mmu_update);
	ck_assert_uint_eq(issued[0].calls[1].op, __HYPERVISOR_update_va_mapping);
	ck_assert_uint_eq(issued[0].calls[1].args[0], 0xabc000);
	ck_assert_uint_eq(issued[0].calls[1].args[2], UVMF_INVLPG);
	ck_assert_uint_eq(issued[0].calls[2].op, __HYPERVISOR_mmuext_op);
	ck_assert_uint_eq(issued[0].calls[2].args[1], 2);
	ck_assert_uint_eq(issued[0].ext[2][0].cmd, MMUEXT_PIN_L4_TABLE);
	ck_assert_uint_eq(issued[0].ext[2][1].cmd, MMUEXT_NEW_BASEPTR);
	ck_assert_uint_eq(issued[0].ext[2][1].arg1.mfn, 42);
	ck_assert_uint_eq(issued[0].calls[3].op, __HYPERVISOR_mmu_update);
	ck_assert_uint_eq(issued[0].updates[3][0].ptr, 0x3000);
}
END_TEST

START_TEST(tlb_flushes_go_after_every_update)
{
	pv_batch_mmu_update(&b, 0x1000, 0);
	pv_batch_flush_tlb_page(&b, 0x400000);
	pv_batch_mmu_update(&b, 0x1008, 0);
	pv_batch_flush_tlb_page(&b, 0x401000);
	pv_batch_flush_tlb_page(&b, 0x400000);       /* duplicate */
	pv_batch_flush(&b);
	ck_assert_uint_eq(issued[0].n, 2);
	ck_assert_uint_eq(issued[0].calls[0].args[1], 2);
	ck_assert_uint_eq(issued[0].calls[1].op, __HYPERVISOR_mmuext_op);
	ck_assert_uint_eq(issued[0].calls[1].args[1], 2);
	ck_assert_uint_eq(issued[0].ext[1][0].cmd, MMUEXT_INVLPG_LOCAL);
	ck_assert_uint_eq(issued[0].ext[1][0].arg1.linear_addr, 0x400000);
	ck_assert_uint_eq(issued[0].ext[1][1].arg1.linear_addr, 0x401000);
	pv_batch_flush(&b);
	ck_assert_uint_eq(nr_issued, 1);             /* flushes were consumed */
}
END_TEST

START_TEST(many_page_flushes_become_one_full_flush)
{
	for (unsigned int i = 0; i <= PV_BATCH_INVLPG; i++)
		pv_batch_flush_tlb_page(&b, 0x400000 + i * 4096);
	ck_assert(!pv_batch_empty(&b));
	pv_batch_flush(&b);
	ck_assert_uint_eq(issued[0].n, 1);
	ck_assert_uint_eq(issued[0].calls[0].args[1], 1);
	ck_assert_uint_eq(issued[0].ext[0][0].cmd, MMUEXT_TLB_FLUSH_LOCAL);
}
END_TEST

START_TEST(full_update_array_issues_early)
{
	for (unsigned int i = 0; i < PV_BATCH_UPDATES + 5; i++)
		pv_batch_mmu_update(&b, i * 8, i);
	ck_assert_uint_eq(nr_issued, 1);
	ck_assert_uint_eq(issued[0].calls[0].args[1], PV_BATCH_UPDATES);
	pv_batch_flush(&b);
	ck_assert_uint_eq(nr_issued, 2);
	ck_assert_uint_eq(issued[1].calls[0].args[1], 5);
	ck_assert_uint_eq(issued[1].updates[0][0].ptr, PV_BATCH_UPDATES * 8);
}
END_TEST

START_TEST(full_call_array_issues_early)
{
	for (unsigned int i = 0; i < PV_BATCH_CALLS + 1; i++)
		pv_batch_call(&b, __HYPERVISOR_update_va_mapping, i * 4096, 0, 0);
	ck_assert_uint_eq(nr_issued, 1);
	ck_assert_uint_eq(issued[0].n, PV_BATCH_CALLS);
	pv_batch_flush(&b);
	ck_assert_uint_eq(issued[1].n, 1);
	ck_assert_uint_eq(issued[1].calls[0].args[0], PV_BATCH_CALLS * 4096);
}
END_TEST

START_TEST(pending_tlb_flush_finds_room_in_a_full_batch)
{
	for (unsigned int i = 0; i < PV_BATCH_CALLS; i++)
		pv_batch_call(&b, __HYPERVISOR_update_va_mapping, i * 4096, 0, 0);
	pv_batch_flush_tlb_all(&b);
	pv_batch_flush(&b);
	ck_assert_uint_eq(nr_issued, 2);
	ck_assert_uint_eq(issued[0].n, PV_BATCH_CALLS);
	ck_assert_uint_eq(issued[1].n, 1);
	ck_assert_uint_eq(issued[1].ext[0][0].cmd, MMUEXT_TLB_FLUSH_LOCAL);
}
END_TEST

START_TEST(failure_is_reported_with_its_entry)
{
	pv_batch_call(&b, __HYPERVISOR_stack_switch, 0xe02b, 0x1000, 0);
	pv_batch_mmu_update(&b, 0x1000, 1);
	fail_call = 1;
	if (setjmp(failed_jmp) == 0) {
		pv_batch_flush(&b);
		ck_abort_msg("failure not reported");
	}
	ck_assert_uint_eq(failed_op, __HYPERVISOR_mmu_update);
	ck_assert_uint_eq(failed_index, 1);
	ck_assert_uint_eq(failed_done, 1);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("pv_batch");
	TCase *tc = tcase_create("batch");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, empty_flush_issues_nothing);
	tcase_add_test(tc, consecutive_updates_share_one_call);
	tcase_add_test(tc, order_between_kinds_is_kept);
	tcase_add_test(tc, tlb_flushes_go_after_every_update);
	tcase_add_test(tc, many_page_flushes_become_one_full_flush);
	tcase_add_test(tc, full_update_array_issues_early);
	tcase_add_test(tc, full_call_array_issues_early);
	tcase_add_test(tc, pending_tlb_flush_finds_room_in_a_full_batch);
	tcase_add_test(tc, failure_is_reported_with_its_entry);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
