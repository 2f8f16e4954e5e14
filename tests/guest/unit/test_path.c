/* Path lookup over ramfs (pvops-guest/fs/path.c, fs/ramfs.c). */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fs.h"

static struct inode *bin, *etc, *busybox, *passwd;

/* /bin/busybox, /bin/sh -> busybox, /etc/passwd, /etc/up -> .., /loop -> loop, /etc/abs -> /bin/sh */
static void setup(void)
{
	ramfs_init();
	ck_assert_int_eq(ramfs_create(fs_root, "bin", S_IFDIR | 0755, &bin), 0);
	ck_assert_int_eq(ramfs_create(fs_root, "etc", S_IFDIR | 0755, &etc), 0);
	ck_assert_int_eq(ramfs_create(bin, "busybox", S_IFREG | 0755, &busybox), 0);
	ck_assert_int_eq(ramfs_create(etc, "passwd", S_IFREG | 0644, &passwd), 0);
	ck_assert_int_eq(ramfs_symlink(bin, "sh", "busybox"), 0);
	ck_assert_int_eq(ramfs_symlink(etc, "up", ".."), 0);
	ck_assert_int_eq(ramfs_symlink(fs_root, "loop", "loop"), 0);
	ck_assert_int_eq(ramfs_symlink(etc, "abs", "/bin/sh"), 0);
}

static struct inode *look(struct inode *cwd, const char *p, int flags, int *err)
{
	struct inode *out = NULL;

	*err = path_lookup(fs_root, cwd, p, flags, &out);
	return *err ? NULL : out;
}

START_TEST(absolute_relative_dot_dotdot)
{
	int err;

	setup();
	ck_assert_ptr_eq(look(fs_root, "/bin/busybox", 0, &err), busybox);
	ck_assert_ptr_eq(look(etc, "passwd", 0, &err), passwd);
	ck_assert_ptr_eq(look(etc, "../bin/./busybox", 0, &err), busybox);
	ck_assert_ptr_eq(look(etc, "//bin///busybox", 0, &err), busybox);
	ck_assert_ptr_eq(look(fs_root, "/../../etc", 0, &err), etc);   /* .. of / is / */
	ck_assert_ptr_eq(look(bin, ".", 0, &err), bin);
	ck_assert_ptr_eq(look(bin, "/", 0, &err), fs_root);
	ck_assert_ptr_eq(look(fs_root, "etc/", 0, &err), etc);
}
END_TEST

START_TEST(symlinks_followed_when_asked)
{
	int err;

	setup();
	ck_assert_ptr_eq(look(fs_root, "/bin/sh", LOOKUP_FOLLOW, &err), busybox);
	struct inode *l = look(fs_root, "/bin/sh", 0, &err);

	ck_assert_ptr_nonnull(l);
	ck_assert(S_ISLNK(l->mode));
	ck_assert_ptr_eq(look(fs_root, "/etc/up/bin/busybox", 0, &err), busybox);
	ck_assert_ptr_eq(look(fs_root, "/etc/abs", LOOKUP_FOLLOW, &err), busybox);
	ck_assert_ptr_null(look(fs_root, "/loop", LOOKUP_FOLLOW, &err));
	ck_assert_int_eq(err, -ELOOP);
}
END_TEST

START_TEST(errors)
{
	int err;
	char longname[300];

	setup();
	ck_assert_ptr_null(look(fs_root, "/nope", 0, &err));
	ck_assert_int_eq(err, -ENOENT);
	ck_assert_ptr_null(look(fs_root, "/etc/passwd/x", 0, &err));
	ck_assert_int_eq(err, -ENOTDIR);
	ck_assert_ptr_null(look(fs_root, "", 0, &err));
	ck_assert_int_eq(err, -ENOENT);
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = 0;
	ck_assert_ptr_null(look(fs_root, longname, 0, &err));
	ck_assert_int_eq(err, -ENAMETOOLONG);
}
END_TEST

START_TEST(parent_split)
{
	struct inode *dir;
	char name[256];

	setup();
	ck_assert_int_eq(path_parent(fs_root, fs_root, "/etc/newfile", &dir, name, sizeof(name)), 0);
	ck_assert_ptr_eq(dir, etc);
	ck_assert_str_eq(name, "newfile");
	ck_assert_int_eq(path_parent(fs_root, etc, "sub/", &dir, name, sizeof(name)), 0);
	ck_assert_ptr_eq(dir, etc);
	ck_assert_str_eq(name, "sub");
	ck_assert_int_eq(path_parent(fs_root, fs_root, "/", &dir, name, sizeof(name)), -EEXIST);
	ck_assert_int_eq(path_parent(fs_root, fs_root, "/etc/..", &dir, name, sizeof(name)), -EINVAL);
	ck_assert_int_eq(path_parent(fs_root, fs_root, "/nope/x", &dir, name, sizeof(name)), -ENOENT);
	ck_assert_int_eq(path_parent(fs_root, fs_root, "/etc/passwd/x", &dir, name, sizeof(name)), -ENOTDIR);
}
END_TEST

START_TEST(getcwd_path)
{
	struct inode *sub;
	char buf[64];

	setup();
	ck_assert_int_eq(ramfs_create(etc, "sub", S_IFDIR | 0755, &sub), 0);
	ck_assert_int_eq(path_of(fs_root, sub, buf, sizeof(buf)), 9);
	ck_assert_str_eq(buf, "/etc/sub");
	ck_assert_int_eq(path_of(fs_root, fs_root, buf, sizeof(buf)), 2);
	ck_assert_str_eq(buf, "/");
	ck_assert_int_eq(path_of(fs_root, sub, buf, 4), -ERANGE);
}
END_TEST

START_TEST(rename_unlink_rules)
{
	struct inode *sub;
	int err;

	setup();
	ck_assert_int_eq(ramfs_create(etc, "sub", S_IFDIR | 0755, &sub), 0);
	ck_assert_int_eq(ramfs_rename(fs_root, "etc", sub, "x"), -EINVAL);   /* into itself */
	ck_assert_int_eq(ramfs_rename(etc, "passwd", bin, "pw"), 0);
	ck_assert_ptr_eq(look(fs_root, "/bin/pw", 0, &err), passwd);
	ck_assert_ptr_null(look(fs_root, "/etc/passwd", 0, &err));
	ck_assert_int_eq(ramfs_rename(bin, "pw", fs_root, "etc"), -EISDIR);
	ck_assert_int_eq(ramfs_unlink(fs_root, "etc", true), -ENOTEMPTY);
	ck_assert_int_eq(ramfs_unlink(fs_root, "etc", false), -EISDIR);
	ck_assert_int_eq(ramfs_unlink(bin, "pw", true), -ENOTDIR);
	ck_assert_int_eq(ramfs_unlink(bin, "pw", false), 0);
	ck_assert_int_eq(ramfs_unlink(bin, "pw", false), -ENOENT);
	ck_assert_int_eq(ramfs_link(bin, "busybox", passwd), -EEXIST);
}
END_TEST

START_TEST(file_data_read_write_truncate)
{
	char buf[16];

	setup();
	ck_assert_int_eq(ramfs_write(passwd, 4, "abc", 3), 3);
	ck_assert_uint_eq(passwd->size, 7);
	ck_assert_int_eq(ramfs_read(passwd, 0, buf, sizeof(buf)), 7);
	ck_assert(memcmp(buf, "\0\0\0\0abc", 7) == 0);
	ck_assert_int_eq(ramfs_read(passwd, 7, buf, 4), 0);
	ck_assert_int_eq(ramfs_truncate(passwd, 2), 0);
	ck_assert_int_eq(ramfs_read(passwd, 0, buf, sizeof(buf)), 2);
	ck_assert_int_eq(ramfs_truncate(etc, 0), -EINVAL);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("guest_path");
	TCase *tc = tcase_create("path");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, absolute_relative_dot_dotdot);
	tcase_add_test(tc, symlinks_followed_when_asked);
	tcase_add_test(tc, errors);
	tcase_add_test(tc, parent_split);
	tcase_add_test(tc, getcwd_path);
	tcase_add_test(tc, rename_unlink_rules);
	tcase_add_test(tc, file_data_read_write_truncate);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
