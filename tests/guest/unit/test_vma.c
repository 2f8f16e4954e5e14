/* vma bookkeeping (pvops-guest/mm/vma.c): insert, split, unmap, protect, gaps, clone. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>

#include "vm.h"

struct inode {
	int refs;
};

void inode_get(struct inode *ino) { ino->refs++; }
void inode_put(struct inode *ino) { ino->refs--; }

#define P 4096UL

static int count(struct mm *mm)
{
	int n = 0;

	for (struct vma *v = mm->vmas; v; v = v->next)
		n++;
	return n;
}

START_TEST(add_find_and_overlap)
{
	struct mm mm = { 0 };

	ck_assert_int_eq(vma_add(&mm, 10 * P, 20 * P, VM_READ, NULL, 0, 0), 0);
	ck_assert_int_eq(vma_add(&mm, 30 * P, 40 * P, VM_READ, NULL, 0, 0), 0);
	ck_assert_int_eq(vma_add(&mm, 0, 5 * P, VM_READ, NULL, 0, 0), 0);
	ck_assert_int_eq(vma_add(&mm, 15 * P, 35 * P, VM_READ, NULL, 0, 0), -EEXIST);
	ck_assert_int_eq(vma_add(&mm, 19 * P, 21 * P, VM_READ, NULL, 0, 0), -EEXIST);
	ck_assert_int_eq(vma_add(&mm, 20 * P, 20 * P, VM_READ, NULL, 0, 0), -EINVAL);
	ck_assert_int_eq(vma_add(&mm, 20 * P + 1, 21 * P, VM_READ, NULL, 0, 0), -EINVAL);
	ck_assert_int_eq(count(&mm), 3);
	ck_assert_uint_eq(mm.vmas->start, 0);                 /* kept sorted */
	ck_assert_ptr_nonnull(vma_find(&mm, 19 * P + 5));
	ck_assert_ptr_null(vma_find(&mm, 20 * P));
	ck_assert_ptr_null(vma_find(&mm, 25 * P));
	vma_free_all(&mm);
}
END_TEST

START_TEST(unmap_middle_splits_file_mapping)
{
	struct inode ino = { 0 };
	struct mm mm = { 0 };

	ck_assert_int_eq(vma_add(&mm, 10 * P, 20 * P, VM_READ, &ino, 3 * P, 99), 0);
	ck_assert_int_eq(ino.refs, 1);
	ck_assert_int_eq(vma_unmap(&mm, 12 * P, 15 * P), 0);
	ck_assert_int_eq(count(&mm), 2);
	ck_assert_int_eq(ino.refs, 2);
	struct vma *lo = vma_find(&mm, 10 * P), *hi = vma_find(&mm, 15 * P);

	ck_assert_uint_eq(lo->end, 12 * P);
	ck_assert_uint_eq(hi->start, 15 * P);
	ck_assert_uint_eq(hi->file_off, 3 * P + 5 * P);
	ck_assert_uint_eq(hi->file_end, 99);
	ck_assert_ptr_null(vma_find(&mm, 13 * P));
	ck_assert_int_eq(vma_unmap(&mm, 0, 100 * P), 0);
	ck_assert_int_eq(count(&mm), 0);
	ck_assert_int_eq(ino.refs, 0);
	ck_assert_int_eq(vma_unmap(&mm, 5 * P, 5 * P), -EINVAL);
}
END_TEST

START_TEST(protect_splits_and_requires_full_coverage)
{
	struct mm mm = { 0 };

	vma_add(&mm, 10 * P, 20 * P, VM_READ | VM_WRITE, NULL, 0, 0);
	vma_add(&mm, 20 * P, 30 * P, VM_READ, NULL, 0, 0);
	ck_assert_int_eq(vma_protect(&mm, 15 * P, 25 * P, VM_READ | VM_EXEC), 0);
	ck_assert_int_eq(count(&mm), 4);
	ck_assert_uint_eq(vma_find(&mm, 14 * P)->prot, VM_READ | VM_WRITE);
	ck_assert_uint_eq(vma_find(&mm, 15 * P)->prot, VM_READ | VM_EXEC);
	ck_assert_uint_eq(vma_find(&mm, 24 * P)->prot, VM_READ | VM_EXEC);
	ck_assert_uint_eq(vma_find(&mm, 25 * P)->prot, VM_READ);
	vma_unmap(&mm, 26 * P, 27 * P);
	ck_assert_int_eq(vma_protect(&mm, 25 * P, 28 * P, 0), -ENOMEM);
	ck_assert_uint_eq(vma_find(&mm, 25 * P)->prot, VM_READ);   /* unchanged on error */
	ck_assert_int_eq(vma_protect(&mm, 40 * P, 41 * P, 0), -ENOMEM);
	vma_free_all(&mm);
}
END_TEST

START_TEST(find_gap_skips_areas)
{
	struct mm mm = { 0 };

	vma_add(&mm, 10 * P, 20 * P, VM_READ, NULL, 0, 0);
	vma_add(&mm, 22 * P, 30 * P, VM_READ, NULL, 0, 0);
	ck_assert_uint_eq(vma_find_gap(&mm, 2 * P, 10 * P, 100 * P), 20 * P);
	ck_assert_uint_eq(vma_find_gap(&mm, 3 * P, 10 * P, 100 * P), 30 * P);
	ck_assert_uint_eq(vma_find_gap(&mm, P, 0, 100 * P), 0);
	ck_assert_uint_eq(vma_find_gap(&mm, 80 * P, 10 * P, 100 * P), 0);   /* no room */
	ck_assert_uint_eq(vma_find_gap(&mm, 70 * P, 10 * P, 100 * P), 30 * P);
	vma_free_all(&mm);
}
END_TEST

START_TEST(clone_copies_areas_and_references)
{
	struct inode ino = { 0 };
	struct mm a = { 0 }, b = { 0 };

	vma_add(&a, 10 * P, 20 * P, VM_READ, &ino, 0, 10);
	vma_add(&a, 30 * P, 40 * P, VM_WRITE, NULL, 0, 0);
	a.brk_start = 50 * P;
	a.brk = 51 * P;
	ck_assert_int_eq(vma_clone(&b, &a), 0);
	ck_assert_int_eq(count(&b), 2);
	ck_assert_int_eq(ino.refs, 2);
	ck_assert_uint_eq(b.brk, 51 * P);
	vma_unmap(&b, 10 * P, 20 * P);
	ck_assert_int_eq(count(&a), 2);                  /* independent lists */
	vma_free_all(&a);
	vma_free_all(&b);
	ck_assert_int_eq(ino.refs, 0);
}
END_TEST

static int dev_refs;
static void dev_get(void *priv) { (void)priv; dev_refs++; }
static void dev_put(void *priv) { (void)priv; dev_refs--; }
static const struct vma_ops dev_ops = { .get = dev_get, .put = dev_put };

START_TEST(device_areas_split_share_and_stay_behind_at_clone)
{
	struct inode ino = { 0 };
	struct mm a = { 0 }, b = { 0 };
	int priv;
	struct vma *v;

	vma_add(&a, 10 * P, 20 * P, VM_READ | VM_WRITE, NULL, 5 * P, 0);
	vma_add(&a, 30 * P, 40 * P, VM_READ, &ino, 0, 10);
	ck_assert_int_eq(vma_set_device(vma_find(&a, 10 * P), &dev_ops, &priv), 0);
	ck_assert_int_eq(dev_refs, 1);
	ck_assert_int_eq(vma_set_device(vma_find(&a, 10 * P), &dev_ops, &priv), -EINVAL);
	ck_assert_int_eq(vma_set_device(vma_find(&a, 30 * P), &dev_ops, &priv), -EINVAL);
	ck_assert_int_eq(dev_refs, 1);

	/* unmapping the middle: two pieces, both the device's, offsets kept */
	ck_assert_int_eq(vma_unmap(&a, 12 * P, 14 * P), 0);
	ck_assert_int_eq(dev_refs, 2);
	v = vma_find(&a, 15 * P);
	ck_assert_ptr_eq(v->ops, &dev_ops);
	ck_assert_ptr_eq(v->priv, &priv);
	ck_assert_uint_eq(v->file_off, 9 * P);
	ck_assert_ptr_eq(vma_find(&a, 10 * P)->ops, &dev_ops);

	/* fork: device areas are not inherited */
	ck_assert_int_eq(vma_clone(&b, &a), 0);
	ck_assert_int_eq(count(&b), 1);
	ck_assert_ptr_null(vma_find(&b, 10 * P));
	ck_assert_int_eq(dev_refs, 2);

	vma_free_all(&a);
	vma_free_all(&b);
	ck_assert_int_eq(dev_refs, 0);
	ck_assert_int_eq(ino.refs, 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("guest_vma");
	TCase *tc = tcase_create("vma");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, add_find_and_overlap);
	tcase_add_test(tc, unmap_middle_splits_file_mapping);
	tcase_add_test(tc, protect_splits_and_requires_full_coverage);
	tcase_add_test(tc, find_gap_skips_areas);
	tcase_add_test(tc, clone_copies_areas_and_references);
	tcase_add_test(tc, device_areas_split_share_and_stay_behind_at_clone);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
