/*
 * The Xen PV MMU (pvops-guest/arch/x86/pv/mmu.c) driven by the real generic
 * page-table code (mm/pgtable.c) and frame allocator (mm/frame.c) on a
 * simulated machine (fake_xen.c) that refuses what Xen would refuse.
 */
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_xen.h"
#include "lib.h"
#include "mm.h"
#include "pv.h"

struct pv_ops pv_ops;
char __image_start[1], __bss_end[1];   /* paging_init's image bounds (unused here) */

#define P2M_PFN    1                   /* two frames: 1024 entries */
#define LEVELS_PFN 3
#define BUILDER_L4 4
#define SI_VA      0xffffffff80200000UL
#define SI_MADDR   0x7777000UL
#define USER_FLAGS (PTE_P | PTE_W | PTE_U | PTE_A | PTE_D | PTE_NX)

_Noreturn void panic(const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ck_abort_msg("panic: %s", msg);
	abort();
}

static void batch_failed(const struct multicall_entry *call, unsigned int index,
			 unsigned int done)
{
	ck_abort_msg("hypercall %lu (entry %u, %u done) refused: %ld", (unsigned long)call->op,
		     index, done, (long)call->result);
	abort();
}

static uint64_t free_at_start;

/* Start of day: the builder's L4 is loaded and pinned, our frames are mapped. */
static void boot(void)
{
	struct boot_info bi = {
		.nr_pfns = FX_PAGES,
		.usable = { { 1, FX_PAGES } },
		.nr_usable = 1,
		.reserved = { { 0, BUILDER_L4 + 1 } },
		.nr_reserved = 1,
		.early_limit = FX_PAGES,
	};
	struct pv_layout l = {
		.nr_pfns = FX_PAGES, .p2m_pfn = P2M_PFN, .pt_first = BUILDER_L4, .pt_count = 1,
	};

	fx_init(P2M_PFN);
	fx.pinned[BUILDER_L4] = true;
	fx.base = BUILDER_L4;
	fx.writable[BUILDER_L4] = false;
	bi.early_map_base = (uintptr_t)fx.mem;
	pv_ops.mmu = pv_mmu_ops;
	memset(&pv_batch, 0, sizeof(pv_batch));
	pv_batch.issue = fx_issue;
	pv_batch.failed = batch_failed;
	pv_m2p = fx.m2p;
	kernel_root = 0;
	frame_init(&bi);
	pv_mmu_init(&l, LEVELS_PFN, SI_VA, SI_MADDR);
	free_at_start = frames_free_count();
}

static uintptr_t dmap(pfn_t p)
{
	return DIRECT_MAP_BASE + (p << PAGE_SHIFT);
}

/* What paging_init does: a kernel root with a writable direct map of every frame. */
static void build_kernel_root(void)
{
	kernel_root = frame_alloc();
	pv_ops.mmu.alloc_pt(kernel_root, 4);
	pv_ops.mmu.lazy_begin();
	for (pfn_t p = 0; p < FX_PAGES; p++)
		pv_ops.mmu.set_pte(pt_walk(kernel_root, dmap(p), true),
				   mk_pte(p, PTE_P | PTE_W | PTE_A | PTE_D | PTE_NX));
	pv_ops.mmu.lazy_flush();
}

static void boot_kernel_root(void)
{
	boot();
	build_kernel_root();
	pv_ops.mmu.switch_root(kernel_root);
}

static pte_t *table_of(pfn_t p) { return fx_frame(p); }

static pfn_t map_user_page(pfn_t root, uintptr_t va)
{
	pfn_t page = frame_alloc();

	pv_ops.mmu.set_pte(pt_walk(root, va, true), mk_pte(page, USER_FLAGS));
	pv_ops.mmu.lazy_flush();
	return page;
}

START_TEST(plain_frames_are_written_directly)
{
	pfn_t p = frame_alloc();

	pv_ops.mmu.set_pte(&table_of(p)[5], 0x1234);
	ck_assert_uint_eq(table_of(p)[5], 0x1234);
	pv_ops.mmu.lazy_flush();
	ck_assert_uint_eq(fx.nr_issues, 0);
}
END_TEST

START_TEST(table_writes_wait_for_lazy_flush)
{
	pfn_t t = frame_alloc(), page = frame_alloc();
	pte_t val = mk_pte(page, PTE_P | PTE_U);
	int ro, upd;

	pv_ops.mmu.alloc_pt(t, 1);
	pv_ops.mmu.set_pte(&table_of(t)[3], val);
	ck_assert_uint_eq(table_of(t)[3], 0);
	ck_assert_uint_eq(fx.nr_issues, 0);
	pv_ops.mmu.lazy_flush();
	ck_assert_uint_eq(fx.nr_issues, 1);
	ck_assert_uint_eq(table_of(t)[3], val);
	ck_assert_uint_eq(val >> PAGE_SHIFT, page + FX_MFN_BASE);   /* a machine frame */
	ck_assert(!fx.writable[t]);
	/* The frame was write-protected before its entry was written. */
	ro = fx_find(0, __HYPERVISOR_update_va_mapping, 0, (uintptr_t)fx_frame(t));
	upd = fx_find(0, __HYPERVISOR_mmu_update, 0, t);
	ck_assert_int_ge(ro, 0);
	ck_assert_int_gt(upd, ro);
}
END_TEST

START_TEST(no_l1_entry_maps_a_table_writable)
{
	pfn_t l1 = frame_alloc(), other = frame_alloc(), data = frame_alloc();

	pv_ops.mmu.alloc_pt(l1, 1);
	pv_ops.mmu.alloc_pt(other, 1);
	pv_ops.mmu.set_pte(&table_of(l1)[0], mk_pte(other, PTE_P | PTE_W));
	pv_ops.mmu.set_pte(&table_of(l1)[1], mk_pte(data, PTE_P | PTE_W));
	pv_ops.mmu.lazy_flush();
	ck_assert_uint_eq(table_of(l1)[0], mk_pte(other, PTE_P));
	ck_assert_uint_eq(table_of(l1)[1], mk_pte(data, PTE_P | PTE_W));
}
END_TEST

START_TEST(first_switch_loads_a_valid_kernel_root)
{
	int pin, base, unpin;

	boot();
	build_kernel_root();
	pv_ops.mmu.switch_root(kernel_root);
	ck_assert_int_eq(fx.error, 0);
	ck_assert(fx.pinned[kernel_root]);
	ck_assert_uint_eq(fx.base, kernel_root);
	ck_assert_uint_eq(fx.user_base, 0);
	ck_assert(!fx.pinned[BUILDER_L4]);
	pin = fx_find(0, __HYPERVISOR_mmuext_op, MMUEXT_PIN_L4_TABLE, kernel_root);
	base = fx_find(0, __HYPERVISOR_mmuext_op, MMUEXT_NEW_BASEPTR, kernel_root);
	unpin = fx_find(0, __HYPERVISOR_mmuext_op, MMUEXT_UNPIN_TABLE, BUILDER_L4);
	ck_assert_int_ge(pin, 0);
	ck_assert_int_gt(base, pin);
	ck_assert_int_gt(unpin, base);
	/* shared_info mapped again, in the new tables. */
	ck_assert_uint_eq(fx.special_va, SI_VA);
	ck_assert_uint_eq(fx.special_maddr & PTE_ADDR, SI_MADDR);
	ck_assert(fx.special_maddr & PTE_W);
	/* Every table's direct-map page is read-only, data pages stay writable. */
	for (pfn_t p = 0; p < FX_PAGES; p++) {
		pte_t e = *pt_walk(kernel_root, dmap(p), false);

		ck_assert_uint_eq(!!(e & PTE_W), !fx_in_tree(kernel_root, p) && p != BUILDER_L4);
	}
}
END_TEST

START_TEST(process_root_has_a_user_only_companion)
{
	pfn_t root, user;

	boot_kernel_root();
	root = pt_new_user_root();
	map_user_page(root, 0x400000);
	pv_ops.mmu.switch_root(root);
	ck_assert_int_eq(fx.error, 0);
	user = fx.user_base;
	ck_assert_uint_eq(fx.base, root);
	ck_assert_uint_ne(user, 0);
	ck_assert_uint_ne(user, root);
	ck_assert(fx.pinned[root] && fx.pinned[user]);
	ck_assert_uint_ne(table_of(root)[0], 0);
	ck_assert_uint_eq(table_of(user)[0], table_of(root)[0]);
	ck_assert_uint_ne(table_of(root)[273], 0);            /* the direct map's slot */
	for (int i = 256; i < 512; i++)
		ck_assert_uint_eq(table_of(user)[i], 0);
	/* A new user slot after pinning goes to both. */
	map_user_page(root, 0x7fff00000000UL);
	ck_assert_int_eq(fx.error, 0);
	ck_assert_uint_ne(table_of(root)[255], 0);
	ck_assert_uint_eq(table_of(user)[255], table_of(root)[255]);
	/* Back to the kernel root: no user tables. */
	pv_ops.mmu.switch_root(kernel_root);
	ck_assert_uint_eq(fx.base, kernel_root);
	ck_assert_uint_eq(fx.user_base, 0);
}
END_TEST

START_TEST(fork_then_free_gives_everything_back)
{
	pfn_t root, child, page, user, l3;
	uint64_t before;
	pte_t *pp, *cp;
	int unpin, rw;

	boot_kernel_root();
	before = frames_free_count();
	root = pt_new_user_root();
	page = map_user_page(root, 0x400000);
	map_user_page(root, 0x600000);
	pv_ops.mmu.switch_root(root);
	user = fx.user_base;
	l3 = pte_pfn(table_of(root)[0]);

	child = pt_clone_user_cow(root);
	ck_assert_int_eq(fx.error, 0);
	pp = pt_walk(root, 0x400000, false);
	cp = pt_walk(child, 0x400000, false);
	ck_assert_uint_eq(pte_pfn(*pp), page);
	ck_assert_uint_eq(pte_pfn(*cp), page);
	ck_assert(!(*pp & PTE_W) && !(*cp & PTE_W));          /* shared read-only */
	ck_assert_uint_eq(frame_refs(page), 2);
	ck_assert_int_ge(fx_find(0, __HYPERVISOR_mmuext_op, MMUEXT_TLB_FLUSH_LOCAL, 0), 0);
	pv_ops.mmu.switch_root(child);
	ck_assert(fx.pinned[child]);

	pv_ops.mmu.switch_root(kernel_root);
	pt_free_user(child);
	ck_assert_int_eq(fx.error, 0);
	ck_assert_uint_eq(frame_refs(page), 1);
	unpin = fx_find(0, __HYPERVISOR_mmuext_op, MMUEXT_UNPIN_TABLE, root);
	ck_assert_int_lt(unpin, 0);                           /* not yet */
	pt_free_user(root);
	ck_assert_int_eq(fx.error, 0);
	/* Unpinned first, then made writable again. */
	unpin = fx_find(0, __HYPERVISOR_mmuext_op, MMUEXT_UNPIN_TABLE, root);
	rw = fx_find(unpin, __HYPERVISOR_update_va_mapping, 0, (uintptr_t)fx_frame(l3));
	ck_assert_int_ge(unpin, 0);
	ck_assert_int_gt(rw, unpin);
	ck_assert(!fx.pinned[root] && !fx.pinned[user]);
	ck_assert(fx.writable[root] && fx.writable[user] && fx.writable[l3]);
	ck_assert_uint_eq(pv_pt_level(root), 0);
	ck_assert_uint_eq(pv_pt_level(user), 0);
	ck_assert_uint_eq(frames_free_count(), before);
}
END_TEST

START_TEST(never_loaded_root_is_freed_without_unpinning)
{
	pfn_t root;
	uint64_t before;

	boot_kernel_root();
	before = frames_free_count();
	root = pt_new_user_root();
	map_user_page(root, 0x400000);
	pt_free_user(root);
	ck_assert_int_eq(fx.error, 0);
	ck_assert_int_lt(fx_find(0, __HYPERVISOR_mmuext_op, MMUEXT_UNPIN_TABLE, root), 0);
	ck_assert(fx.writable[root]);
	ck_assert_uint_eq(frames_free_count(), before);
}
END_TEST

START_TEST(tlb_flushes_wait_inside_a_lazy_section)
{
	pfn_t root, l1;
	unsigned int issues, mark;
	int clear, flush;

	boot_kernel_root();
	root = pt_new_user_root();
	map_user_page(root, 0x400000);
	pv_ops.mmu.switch_root(root);
	l1 = virt_to_pfn(pt_walk(root, 0x400000, false));
	issues = fx.nr_issues;
	mark = fx.nr_log;
	pv_ops.mmu.lazy_begin();
	pv_ops.mmu.set_pte(pt_walk(root, 0x400000, false), 0);
	pv_ops.mmu.flush_tlb_page(0x400000);
	ck_assert_uint_eq(fx.nr_issues, issues);
	pv_ops.mmu.lazy_flush();
	ck_assert_uint_eq(fx.nr_issues, issues + 1);
	clear = fx_find(mark, __HYPERVISOR_mmu_update, 0, l1);
	flush = fx_find(mark, __HYPERVISOR_mmuext_op, MMUEXT_INVLPG_LOCAL, 0x400000);
	ck_assert_int_ge(clear, 0);
	ck_assert_int_gt(flush, clear);
	/* Outside a section a flush is issued at once. */
	pv_ops.mmu.flush_tlb_all();
	ck_assert_uint_eq(fx.nr_issues, issues + 2);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("pv_mmu");
	TCase *early = tcase_create("before the first switch");
	TCase *live = tcase_create("kernel root live");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(early, boot, NULL);
	tcase_add_test(early, plain_frames_are_written_directly);
	tcase_add_test(early, table_writes_wait_for_lazy_flush);
	tcase_add_test(early, no_l1_entry_maps_a_table_writable);
	tcase_add_test(live, first_switch_loads_a_valid_kernel_root);
	tcase_add_test(live, process_root_has_a_user_only_companion);
	tcase_add_test(live, fork_then_free_gives_everything_back);
	tcase_add_test(live, never_loaded_root_is_freed_without_unpinning);
	tcase_add_test(live, tlb_flushes_wait_inside_a_lazy_section);
	suite_add_tcase(s, early);
	suite_add_tcase(s, live);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
