/* The pieces under the request core: paths, perms, nodes, overlays. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xsd.h"

START_TEST(canonical_paths)
{
    char *p;

    ck_assert_int_eq(path_canonical(5, 0, "/a/b", false, &p), 0);
    ck_assert_str_eq(p, "/a/b");
    free(p);
    ck_assert_int_eq(path_canonical(5, 0, "a/b", false, &p), 0);
    ck_assert_str_eq(p, "/local/domain/5/a/b");
    free(p);
    ck_assert_int_eq(path_canonical(5, 0, "/", false, &p), 0);
    ck_assert_str_eq(p, "/");
    free(p);
    ck_assert_int_eq(path_canonical(5, 0, "@releaseDomain", true, &p), 0);
    free(p);
    ck_assert_int_eq(path_canonical(5, 0, "@releaseDomain", false, &p), EINVAL);
    ck_assert_ptr_null(p);
    ck_assert_int_eq(path_canonical(5, 0, NULL, false, &p), EINVAL);
    ck_assert_int_eq(path_canonical(5, 0, "/a/", false, &p), EINVAL);
    ck_assert_int_eq(path_canonical(5, 0, "/a//b", false, &p), EINVAL);
    ck_assert_int_eq(path_canonical(5, 0, "/a\tb", false, &p), EINVAL);
    /* The relative limit counts below /local/domain/<id>/ only. */
    ck_assert_int_eq(path_canonical(5, 3, "abc", false, &p), 0);
    free(p);
    ck_assert_int_eq(path_canonical(5, 3, "abcd", false, &p), EINVAL);
    ck_assert_int_eq(path_canonical(5, 3, "/local/domain/9/abc", false, &p), 0);
    free(p);
}
END_TEST

START_TEST(parents_and_children)
{
    char *p = path_parent("/a/b/c");

    ck_assert_str_eq(p, "/a/b");
    free(p);
    p = path_parent("/a");
    ck_assert_str_eq(p, "/");
    free(p);
    ck_assert_str_eq(path_leaf("/a/b/c"), "c");
    ck_assert(path_is_child("/a/b", "/a", -1));
    ck_assert(path_is_child("/a", "/a", -1));
    ck_assert(!path_is_child("/ab", "/a", -1));
    ck_assert(path_is_child("/x", "/", -1));
    ck_assert(path_is_child("/a", "/a", 0));
    ck_assert(!path_is_child("/a/b", "/a", 0));
    ck_assert(path_is_child("/a/b", "/a", 1));
    ck_assert(!path_is_child("/a/b/c", "/a", 1));
    ck_assert(path_is_child("/x", "/", 1));
    ck_assert(!path_is_child("/x/y", "/", 1));
}
END_TEST

START_TEST(permission_rules)
{
    struct xs_perm p[3];
    struct caller dom0 = { 0, true, -1 }, d5 = { 5, false, -1 },
                  d6 = { 6, false, -1 }, d7 = { 7, false, -1 },
                  d7_for_5 = { 7, false, 5 };
    char buf[16];

    ck_assert_int_eq(perm_parse("n5", &p[0]), 0);
    ck_assert_int_eq(perm_parse("r6", &p[1]), 0);
    ck_assert_int_eq(perm_parse("b65535", &p[2]), 0);
    ck_assert_int_eq(perm_parse("q1", &p[2]), EINVAL);
    ck_assert_int_eq(perm_parse("r", &p[2]), EINVAL);
    ck_assert_int_eq(perm_parse("r-1", &p[2]), EINVAL);
    ck_assert_int_eq(perm_parse("r65536", &p[2]), EINVAL);
    ck_assert_int_eq(perm_parse("r5x", &p[2]), EINVAL);
    ck_assert_uint_eq(perm_format(&p[1], buf, sizeof(buf)), 2);
    ck_assert_str_eq(buf, "r6");
    ck_assert_uint_eq(perm_for(&dom0, p, 2), XS_PERM_BOTH | XS_PERM_OWNER);
    ck_assert_uint_eq(perm_for(&d5, p, 2), XS_PERM_BOTH | XS_PERM_OWNER);
    ck_assert_uint_eq(perm_for(&d6, p, 2), XS_PERM_READ);
    ck_assert_uint_eq(perm_for(&d7, p, 2), XS_PERM_NONE);
    ck_assert_uint_eq(perm_for(&d7_for_5, p, 2), XS_PERM_BOTH | XS_PERM_OWNER);
}
END_TEST

static int owner_counts[16];

static void count(void *arg, uint32_t owner, int delta)
{
    (void)arg;
    owner_counts[owner] += delta;
}

static struct node *mk(const char *path, const char *val, uint32_t owner)
{
    struct node *n = node_new(path);
    struct xs_perm p = { owner, XS_PERM_NONE };

    ck_assert_int_eq(node_set_value(n, val, strlen(val)), 0);
    ck_assert_int_eq(node_set_perms(n, &p, 1), 0);
    return n;
}

START_TEST(views_and_overlays)
{
    struct store st;
    struct view live = { &st, NULL };
    struct txn *tx = calloc(1, sizeof(*tx));
    struct view tv = { &st, tx };
    const struct node *n;

    memset(owner_counts, 0, sizeof(owner_counts));
    ck_assert_int_eq(store_init(&st, count, NULL), 0);
    ck_assert_int_eq(owner_counts[0], 1);
    ck_assert_int_eq(view_put(&live, mk("/a", "1", 3)), 0);
    ck_assert_int_eq(owner_counts[3], 1);
    /* The overlay hides and replaces without touching the live map. */
    ck_assert_int_eq(view_put(&tv, mk("/a", "2", 4)), 0);
    view_del(&tv, "/a");
    ck_assert_ptr_null(view_get(&tv, "/a"));
    n = view_get(&live, "/a");
    ck_assert_mem_eq(n->value, "1", 1);
    ck_assert_int_eq(view_put(&tv, mk("/b", "x", 4)), 0);
    ck_assert_int_eq(owner_counts[4], 0);
    ck_assert_int_eq(txn_commit(&st, tx), 0);
    ck_assert_ptr_null(view_get(&live, "/a"));
    ck_assert_ptr_nonnull(view_get(&live, "/b"));
    ck_assert_int_eq(owner_counts[3], 0);
    ck_assert_int_eq(owner_counts[4], 1);
    txn_free(tx);

    /* A failed allocation inside a transaction poisons the commit. */
    tx = calloc(1, sizeof(*tx));
    tx->failed = true;
    ck_assert_int_eq(txn_commit(&st, tx), ENOMEM);
    txn_free(tx);
    store_destroy(&st);
}
END_TEST

START_TEST(map_grows_and_children_edit)
{
    struct nodemap m = { 0 };
    struct node *n, *old;
    char path[32];
    int i;

    for (i = 0; i < 5000; i++) {
        snprintf(path, sizeof(path), "/n%d", i);
        ck_assert_int_eq(nodemap_put(&m, node_new(path), &old), 0);
        ck_assert_ptr_null(old);
    }
    ck_assert_uint_eq(m.count, 5000);
    ck_assert_ptr_nonnull(nodemap_get(&m, "/n4999"));
    n = nodemap_take(&m, "/n17");
    ck_assert_str_eq(n->path, "/n17");
    ck_assert_ptr_null(nodemap_get(&m, "/n17"));
    ck_assert_int_eq(node_add_child(n, "a"), 0);
    ck_assert_int_eq(node_add_child(n, "bb"), 0);
    ck_assert_int_eq(node_add_child(n, "c"), 0);
    node_del_child(n, "bb");
    ck_assert_uint_eq(n->childlen, 4);
    ck_assert_mem_eq(n->children, "a\0c\0", 4);
    node_del_child(n, "zz");
    ck_assert_uint_eq(n->childlen, 4);
    node_free(n);
    nodemap_clear(&m);
    ck_assert_uint_eq(m.count, 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("xenstored_store");
    TCase *tc = tcase_create("store");
    SRunner *sr;
    int failed;

    tcase_add_test(tc, canonical_paths);
    tcase_add_test(tc, parents_and_children);
    tcase_add_test(tc, permission_rules);
    tcase_add_test(tc, views_and_overlays);
    tcase_add_test(tc, map_grows_and_children_edit);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
