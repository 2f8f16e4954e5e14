/*
 * heron-xenstored's request core, message type by message type: replies,
 * error names, permissions, transactions, watches, quotas and domains,
 * driven through connections over in-memory pipes.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xs_harness.h"

static struct xsd x;
static struct xt_rings rings;
static struct conn *dom0;

static void setup(void)
{
    xt_rings_init(&rings);
    ck_assert_int_eq(xsd_init(&x, &rings.backend), 0);
    dom0 = xt_conn(&x, 0, true);
}

static void teardown(void)
{
    ck_assert_int_eq(store_check(&x), 0);
    xsd_fini(&x);
    xt_rings_fini(&rings);
}

static const char *rd(struct conn *c, const char *path)
{
    static char buf[XENSTORE_PAYLOAD_MAX + 1];

    ck_assert_int_eq(xt_read(c, 0, path, buf, sizeof(buf)), 0);
    return buf;
}

/* A domain's ring connection, as after INTRODUCE. */
static struct conn *introduce(uint32_t domid)
{
    char d[8], p[8];
    size_t len;
    const char *args;

    snprintf(d, sizeof(d), "%u", domid);
    snprintf(p, sizeof(p), "%u", domid + 10);
    args = xt_strs(&len, d, "12345", p, NULL);
    ck_assert_int_eq(xt_call(dom0, XS_INTRODUCE, 0, args, len, NULL), 0);
    return xt_domain_conn(&x, domid);
}

START_TEST(read_write_basic)
{
    struct xt_msg m;
    const char bin[] = "a\0b\0c";
    char buf[64];

    ck_assert_int_eq(xt_write(dom0, 0, "/a/b", "hello"), 0);
    ck_assert_str_eq(rd(dom0, "/a/b"), "hello");
    ck_assert_str_eq(rd(dom0, "/a"), "");           /* implicit parent */
    ck_assert_int_eq(xt_write(dom0, 0, "/a/b", "again"), 0);
    ck_assert_str_eq(rd(dom0, "/a/b"), "again");
    /* Values are binary-safe. */
    memcpy(buf, "/bin", 5);
    memcpy(buf + 5, bin, sizeof(bin));
    ck_assert_int_eq(xt_call(dom0, XS_WRITE, 0, buf, 5 + sizeof(bin), NULL), 0);
    ck_assert_int_eq(xt_call(dom0, XS_READ, 0, "/bin", 5, &m), 0);
    ck_assert_uint_eq(m.hdr.type, XS_READ);
    ck_assert_uint_eq(m.hdr.len, sizeof(bin));
    ck_assert_mem_eq(m.data, bin, sizeof(bin));
    /* An empty value. */
    ck_assert_int_eq(xt_call(dom0, XS_WRITE, 0, "/e", 3, NULL), 0);
    ck_assert_int_eq(xt_call(dom0, XS_READ, 0, "/e", 3, &m), 0);
    ck_assert_uint_eq(m.hdr.len, 0);
    ck_assert_int_eq(xt_read(dom0, 0, "/nope", NULL, 0), ENOENT);
}
END_TEST

START_TEST(reply_echoes_header)
{
    struct xsd_sockmsg h = { XS_READ, 0xabcd1234, 0, 2 };
    char buf[sizeof(h) + 2];
    struct xt_msg m;

    memcpy(buf, &h, sizeof(h));
    memcpy(buf + sizeof(h), "/", 2);
    xt_feed(dom0, buf, sizeof(buf));
    ck_assert(xt_reply(dom0, &m));
    ck_assert_uint_eq(m.hdr.req_id, 0xabcd1234);
    ck_assert_uint_eq(m.hdr.type, XS_READ);
    h.type = XS_READ;
    h.req_id = 77;
    h.tx_id = 999;                  /* unknown transaction */
    memcpy(buf, &h, sizeof(h));
    xt_feed(dom0, buf, sizeof(buf));
    ck_assert(xt_reply(dom0, &m));
    ck_assert_uint_eq(m.hdr.type, XS_ERROR);
    ck_assert_uint_eq(m.hdr.req_id, 77);
    ck_assert_uint_eq(m.hdr.tx_id, 999);
    ck_assert_str_eq(m.data, "ENOENT");
    ck_assert_uint_eq(m.hdr.len, 7);
}
END_TEST

START_TEST(path_rules)
{
    char longp[XENSTORE_ABS_PATH_MAX + 8];

    ck_assert_int_eq(xt_write(dom0, 0, "/a b", "x"), EINVAL);
    ck_assert_int_eq(xt_write(dom0, 0, "/a/", "x"), EINVAL);
    ck_assert_int_eq(xt_write(dom0, 0, "/a//b", "x"), EINVAL);
    ck_assert_int_eq(xt_write(dom0, 0, "", "x"), EINVAL);
    ck_assert_int_eq(xt_write(dom0, 0, "@introduceDomain", "x"), EINVAL);
    ck_assert_int_eq(xt_write(dom0, 0, "/a.b", "x"), EINVAL);
    ck_assert_int_eq(xt_write(dom0, 0, "/ok-_@9", "x"), 0);
    memset(longp, 'a', sizeof(longp));
    longp[0] = '/';
    longp[XENSTORE_ABS_PATH_MAX + 1] = '\0';
    ck_assert_int_eq(xt_write(dom0, 0, longp, "x"), EINVAL);
    longp[XENSTORE_ABS_PATH_MAX] = '\0';
    ck_assert_int_eq(xt_write(dom0, 0, longp, "x"), 0);
    /* Relative paths live under the caller's home. */
    ck_assert_int_eq(xt_write(dom0, 0, "rel/x", "1"), 0);
    ck_assert_str_eq(rd(dom0, "/local/domain/0/rel/x"), "1");
    /* No string at all, or a READ path not NUL-terminated. */
    ck_assert_int_eq(xt_call(dom0, XS_WRITE, 0, "/x", 2, NULL), EINVAL);
    ck_assert_int_eq(xt_call(dom0, XS_READ, 0, "/a", 2, NULL), EINVAL);
    ck_assert_int_eq(xt_call(dom0, XS_READ, 0, "/a\0/b", 6, NULL), EINVAL);
    ck_assert_int_eq(xt_call(dom0, XS_READ, 0, "", 0, NULL), EINVAL);
}
END_TEST

START_TEST(mkdir_and_rm)
{
    ck_assert_int_eq(xt_op1(dom0, XS_MKDIR, 0, "/m/n/o"), 0);
    ck_assert_str_eq(rd(dom0, "/m/n/o"), "");
    ck_assert_int_eq(xt_write(dom0, 0, "/m/n", "keep"), 0);
    ck_assert_int_eq(xt_op1(dom0, XS_MKDIR, 0, "/m/n"), 0);
    ck_assert_str_eq(rd(dom0, "/m/n"), "keep");
    ck_assert_int_eq(xt_op1(dom0, XS_MKDIR, 0, "/m//n"), EINVAL);

    ck_assert_int_eq(xt_write(dom0, 0, "/m/n/p/q", "1"), 0);
    ck_assert_int_eq(xt_op1(dom0, XS_RM, 0, "/m/n"), 0);
    ck_assert_int_eq(xt_read(dom0, 0, "/m/n/p/q", NULL, 0), ENOENT);
    ck_assert_int_eq(xt_read(dom0, 0, "/m/n", NULL, 0), ENOENT);
    ck_assert_str_eq(rd(dom0, "/m"), "");
    /* Gone already is fine while the parent exists; not otherwise. */
    ck_assert_int_eq(xt_op1(dom0, XS_RM, 0, "/m/n"), 0);
    ck_assert_int_eq(xt_op1(dom0, XS_RM, 0, "/m/n/p"), ENOENT);
    ck_assert_int_eq(xt_op1(dom0, XS_RM, 0, "/"), EINVAL);
    ck_assert_int_eq(store_check(&x), 0);
}
END_TEST

START_TEST(directory_lists_children)
{
    struct xt_msg m;

    xt_write(dom0, 0, "/d/a", "");
    xt_write(dom0, 0, "/d/b", "");
    xt_write(dom0, 0, "/d/b/deeper", "");
    ck_assert_int_eq(xt_call(dom0, XS_DIRECTORY, 0, "/d", 3, &m), 0);
    ck_assert_uint_eq(m.hdr.len, 4);
    ck_assert_mem_eq(m.data, "a\0b\0", 4);
    ck_assert_int_eq(xt_call(dom0, XS_DIRECTORY, 0, "/d/a", 5, &m), 0);
    ck_assert_uint_eq(m.hdr.len, 0);
    ck_assert_int_eq(xt_call(dom0, XS_DIRECTORY, 0, "/zz", 4, &m), ENOENT);
}
END_TEST

START_TEST(directory_part_pages_long_lists)
{
    char name[64], all[16384];
    size_t all_len = 0, got_len = 0, len;
    char got[16384];
    struct xt_msg m;
    const char *arg;
    int i;

    for (i = 0; i < 500; i++) {
        snprintf(name, sizeof(name), "/big/child-number-%04d", i);
        ck_assert_int_eq(xt_op1(dom0, XS_MKDIR, 0, name), 0);
        all_len += snprintf(all + all_len, sizeof(all) - all_len,
                            "child-number-%04d", i) + 1;
    }
    ck_assert_int_eq(xt_call(dom0, XS_DIRECTORY, 0, "/big", 5, &m), E2BIG);
    for (;;) {
        char off[16], *p;
        size_t glen;

        snprintf(off, sizeof(off), "%zu", got_len);
        arg = xt_strs(&len, "/big", off, NULL);
        ck_assert_int_eq(xt_call(dom0, XS_DIRECTORY_PART, 0, arg, len, &m), 0);
        ck_assert_uint_le(m.hdr.len, XENSTORE_PAYLOAD_MAX);
        glen = strlen(m.data) + 1;
        ck_assert_uint_gt(glen, 1);             /* generation count */
        p = m.data + glen;
        len = m.hdr.len - glen;
        /* The last page ends with an empty string. */
        if (len && p[len - 1] == '\0' && (len == 1 || p[len - 2] == '\0')) {
            memcpy(got + got_len, p, len - 1);
            got_len += len - 1;
            break;
        }
        memcpy(got + got_len, p, len);
        got_len += len;
    }
    ck_assert_uint_eq(got_len, all_len);
    ck_assert_mem_eq(got, all, all_len);
    arg = xt_strs(&len, "/big", "x", NULL);
    ck_assert_int_eq(xt_call(dom0, XS_DIRECTORY_PART, 0, arg, len, NULL), EINVAL);
    ck_assert_int_eq(xt_op1(dom0, XS_DIRECTORY_PART, 0, "/big"), EINVAL);
    arg = xt_strs(&len, "/nope", "0", NULL);
    ck_assert_int_eq(xt_call(dom0, XS_DIRECTORY_PART, 0, arg, len, NULL), ENOENT);
}
END_TEST

START_TEST(get_and_set_perms)
{
    struct xt_msg m;
    size_t len;
    const char *arg;

    xt_write(dom0, 0, "/p", "");
    ck_assert_int_eq(xt_call(dom0, XS_GET_PERMS, 0, "/p", 3, &m), 0);
    ck_assert_uint_eq(m.hdr.len, 3);
    ck_assert_mem_eq(m.data, "n0\0", 3);
    arg = xt_strs(&len, "/p", "n0", "r5", "b7", NULL);
    ck_assert_int_eq(xt_call(dom0, XS_SET_PERMS, 0, arg, len, NULL), 0);
    ck_assert_int_eq(xt_call(dom0, XS_GET_PERMS, 0, "/p", 3, &m), 0);
    ck_assert_uint_eq(m.hdr.len, 9);
    ck_assert_mem_eq(m.data, "n0\0r5\0b7\0", 9);
    /* Children inherit the parent's perms. */
    xt_write(dom0, 0, "/p/c", "");
    ck_assert_int_eq(xt_call(dom0, XS_GET_PERMS, 0, "/p/c", 5, &m), 0);
    ck_assert_mem_eq(m.data, "n0\0r5\0b7\0", 9);

    arg = xt_strs(&len, "/p", "x0", NULL);
    ck_assert_int_eq(xt_call(dom0, XS_SET_PERMS, 0, arg, len, NULL), EINVAL);
    arg = xt_strs(&len, "/p", "r", NULL);
    ck_assert_int_eq(xt_call(dom0, XS_SET_PERMS, 0, arg, len, NULL), EINVAL);
    arg = xt_strs(&len, "/p", "r70000", NULL);
    ck_assert_int_eq(xt_call(dom0, XS_SET_PERMS, 0, arg, len, NULL), EINVAL);
    ck_assert_int_eq(xt_op1(dom0, XS_SET_PERMS, 0, "/p"), EINVAL);
    arg = xt_strs(&len, "/nope", "n0", NULL);
    ck_assert_int_eq(xt_call(dom0, XS_SET_PERMS, 0, arg, len, NULL), ENOENT);
    ck_assert_int_eq(xt_call(dom0, XS_GET_PERMS, 0, "/nope", 6, NULL), ENOENT);
    /* Special paths have perms too. */
    ck_assert_int_eq(xt_op1(dom0, XS_GET_PERMS, 0, "@releaseDomain"), 0);
    ck_assert_int_eq(xt_op1(dom0, XS_GET_PERMS, 0, "@other"), ENOENT);
}
END_TEST

START_TEST(permissions_by_domain)
{
    struct conn *d5 = introduce(5), *d6 = introduce(6);
    size_t len;
    const char *arg;
    char buf[64];

    xt_write(dom0, 0, "/s/x", "secret");
    ck_assert_int_eq(xt_read(d5, 0, "/s/x", buf, sizeof(buf)), EACCES);
    ck_assert_int_eq(xt_write(d5, 0, "/s/x", "mine"), EACCES);
    /* An unreadable parent hides whether a child exists. */
    ck_assert_int_eq(xt_read(d5, 0, "/s/y", NULL, 0), EACCES);
    ck_assert_int_eq(xt_write(d5, 0, "/s/new", "v"), EACCES);

    arg = xt_strs(&len, "/s/x", "n0", "r5", NULL);
    ck_assert_int_eq(xt_call(dom0, XS_SET_PERMS, 0, arg, len, NULL), 0);
    ck_assert_int_eq(xt_read(d5, 0, "/s/x", buf, sizeof(buf)), 0);
    ck_assert_str_eq(buf, "secret");
    ck_assert_int_eq(xt_read(d6, 0, "/s/x", buf, sizeof(buf)), EACCES);
    ck_assert_int_eq(xt_write(d5, 0, "/s/x", "mine"), EACCES);
    arg = xt_strs(&len, "/s/x", "r0", "w5", NULL);
    ck_assert_int_eq(xt_call(dom0, XS_SET_PERMS, 0, arg, len, NULL), 0);
    ck_assert_int_eq(xt_write(d5, 0, "/s/x", "mine"), 0);
    ck_assert_int_eq(xt_read(d5, 0, "/s/x", buf, sizeof(buf)), EACCES);
    /* The first entry is everyone else's default. */
    ck_assert_int_eq(xt_read(d6, 0, "/s/x", buf, sizeof(buf)), 0);
    ck_assert_str_eq(buf, "mine");
    /* Only owners change perms, and only dom0 changes owners. */
    arg = xt_strs(&len, "/s/x", "b5", NULL);
    ck_assert_int_eq(xt_call(d5, XS_SET_PERMS, 0, arg, len, NULL), EACCES);
    arg = xt_strs(&len, "/s/x", "n5", NULL);
    ck_assert_int_eq(xt_call(dom0, XS_SET_PERMS, 0, arg, len, NULL), 0);
    ck_assert_int_eq(xt_read(d5, 0, "/s/x", buf, sizeof(buf)), 0);
    arg = xt_strs(&len, "/s/x", "r5", "b6", NULL);
    ck_assert_int_eq(xt_call(d5, XS_SET_PERMS, 0, arg, len, NULL), 0);
    ck_assert_int_eq(xt_write(d6, 0, "/s/x", "six"), 0);
    arg = xt_strs(&len, "/s/x", "n6", NULL);
    ck_assert_int_eq(xt_call(d5, XS_SET_PERMS, 0, arg, len, NULL), EPERM);
    ck_assert_int_eq(xt_read(dom0, 0, "/s/x", buf, sizeof(buf)), 0);
    ck_assert_str_eq(buf, "six");
}
END_TEST

START_TEST(domains_own_what_they_create)
{
    struct conn *d5 = introduce(5);
    struct xt_msg m;
    size_t len;
    const char *arg;

    xt_op1(dom0, XS_MKDIR, 0, "/local/domain/5");
    arg = xt_strs(&len, "/local/domain/5", "n5", "r0", NULL);
    ck_assert_int_eq(xt_call(dom0, XS_SET_PERMS, 0, arg, len, NULL), 0);
    /* Relative to /local/domain/5; parents created and owned by 5. */
    ck_assert_int_eq(xt_write(d5, 0, "device/vif/0/state", "1"), 0);
    ck_assert_str_eq(rd(dom0, "/local/domain/5/device/vif/0/state"), "1");
    ck_assert_int_eq(xt_call(dom0, XS_GET_PERMS, 0, "/local/domain/5/device",
                             23, &m), 0);
    ck_assert_mem_eq(m.data, "n5\0r0\0", 6);
    ck_assert_uint_eq(xsd_domain(&x, 5, false)->nodes, 5);
    ck_assert_int_eq(xt_op1(d5, XS_RM, 0, "device"), 0);
    ck_assert_uint_eq(xsd_domain(&x, 5, false)->nodes, 1);
    /* The privileged-only requests. */
    ck_assert_int_eq(xt_op1(d5, XS_RELEASE, 0, "6"), EACCES);
    ck_assert_int_eq(xt_op1(d5, XS_IS_DOMAIN_INTRODUCED, 0, "5"), EACCES);
    ck_assert_int_eq(xt_op1(d5, XS_CONTROL, 0, "check"), EACCES);
    ck_assert_int_eq(xt_op2(d5, XS_SET_TARGET, 0, "5", "6"), EACCES);
    ck_assert_int_eq(xt_op1(d5, XS_GET_QUOTA, 0, "nodes"), EACCES);
    ck_assert_int_eq(xt_op1(d5, XS_RESUME, 0, "5"), EACCES);
    ck_assert_int_eq(xt_op2(d5, XS_SET_FEATURE, 0, "5", "1"), EACCES);
    arg = xt_strs(&len, "7", "1", "2", NULL);
    ck_assert_int_eq(xt_call(d5, XS_INTRODUCE, 0, arg, len, NULL), EACCES);
}
END_TEST

START_TEST(transaction_commit_and_isolation)
{
    struct xt_msg m;
    uint32_t tx;
    char buf[32];

    ck_assert_int_eq(xt_call(dom0, XS_TRANSACTION_START, 0, "", 1, &m), 0);
    tx = strtoul(m.data, NULL, 10);
    ck_assert_uint_ne(tx, 0);
    ck_assert_uint_eq(m.hdr.len, strlen(m.data) + 1);
    ck_assert_int_eq(xt_write(dom0, tx, "/t/a", "in-tx"), 0);
    ck_assert_int_eq(xt_read(dom0, tx, "/t/a", buf, sizeof(buf)), 0);
    ck_assert_str_eq(buf, "in-tx");
    ck_assert_int_eq(xt_read(dom0, 0, "/t/a", NULL, 0), ENOENT);
    ck_assert_int_eq(xt_call(dom0, XS_DIRECTORY, tx, "/t", 3, &m), 0);
    ck_assert_mem_eq(m.data, "a\0", 2);
    /* Nested starts are refused. */
    ck_assert_int_eq(xt_call(dom0, XS_TRANSACTION_START, tx, "", 1, NULL), EBUSY);
    ck_assert_int_eq(xt_op1(dom0, XS_TRANSACTION_END, tx, "X"), EINVAL);
    ck_assert_int_eq(xt_op1(dom0, XS_TRANSACTION_END, tx, "T"), 0);
    ck_assert_str_eq(rd(dom0, "/t/a"), "in-tx");
    ck_assert_int_eq(xt_op1(dom0, XS_TRANSACTION_END, tx, "T"), ENOENT);
    ck_assert_int_eq(xt_op1(dom0, XS_TRANSACTION_END, 0, "T"), ENOENT);

    /* Abort discards, rm inside is private too. */
    ck_assert_int_eq(xt_call(dom0, XS_TRANSACTION_START, 0, "", 1, &m), 0);
    tx = strtoul(m.data, NULL, 10);
    ck_assert_int_eq(xt_op1(dom0, XS_RM, tx, "/t"), 0);
    ck_assert_int_eq(xt_read(dom0, tx, "/t/a", NULL, 0), ENOENT);
    ck_assert_str_eq(rd(dom0, "/t/a"), "in-tx");
    ck_assert_int_eq(xt_op1(dom0, XS_TRANSACTION_END, tx, "F"), 0);
    ck_assert_str_eq(rd(dom0, "/t/a"), "in-tx");

    ck_assert_int_eq(xt_call(dom0, XS_TRANSACTION_START, 0, "", 1, &m), 0);
    tx = strtoul(m.data, NULL, 10);
    ck_assert_int_eq(xt_op1(dom0, XS_RM, tx, "/t"), 0);
    ck_assert_int_eq(xt_op1(dom0, XS_TRANSACTION_END, tx, "T"), 0);
    ck_assert_int_eq(xt_read(dom0, 0, "/t", NULL, 0), ENOENT);
    ck_assert_int_eq(store_check(&x), 0);
}
END_TEST

static uint32_t start_tx(struct conn *c)
{
    struct xt_msg m;

    ck_assert_int_eq(xt_call(c, XS_TRANSACTION_START, 0, "", 1, &m), 0);
    return strtoul(m.data, NULL, 10);
}

START_TEST(transaction_conflicts)
{
    struct conn *other = xt_conn(&x, 0, true);
    uint32_t tx;

    xt_write(dom0, 0, "/c/a", "1");
    xt_write(dom0, 0, "/c/b", "1");
    /* Read-then-overwritten elsewhere: EAGAIN, nothing applied. */
    tx = start_tx(dom0);
    ck_assert_int_eq(xt_read(dom0, tx, "/c/a", NULL, 0), 0);
    ck_assert_int_eq(xt_write(dom0, tx, "/c/new", "x"), 0);
    ck_assert_int_eq(xt_write(other, 0, "/c/a", "2"), 0);
    ck_assert_int_eq(xt_op1(dom0, XS_TRANSACTION_END, tx, "T"), EAGAIN);
    ck_assert_int_eq(xt_read(dom0, 0, "/c/new", NULL, 0), ENOENT);
    ck_assert_int_eq(xt_op1(dom0, XS_TRANSACTION_END, tx, "T"), ENOENT);

    /* Two transactions writing the same node: the second loses. */
    uint32_t t1 = start_tx(dom0), t2 = start_tx(other);
    ck_assert_int_eq(xt_write(dom0, t1, "/c/b", "t1"), 0);
    ck_assert_int_eq(xt_write(other, t2, "/c/b", "t2"), 0);
    ck_assert_int_eq(xt_op1(dom0, XS_TRANSACTION_END, t1, "T"), 0);
    ck_assert_int_eq(xt_op1(other, XS_TRANSACTION_END, t2, "T"), EAGAIN);
    ck_assert_str_eq(rd(dom0, "/c/b"), "t1");

    /* Disjoint nodes do not conflict. */
    t1 = start_tx(dom0);
    ck_assert_int_eq(xt_write(dom0, t1, "/c/a", "x"), 0);
    ck_assert_int_eq(xt_write(other, 0, "/c/b", "y"), 0);
    ck_assert_int_eq(xt_op1(dom0, XS_TRANSACTION_END, t1, "T"), 0);
    ck_assert_str_eq(rd(dom0, "/c/a"), "x");

    /* A node created elsewhere that we saw absent is a conflict. */
    t1 = start_tx(dom0);
    ck_assert_int_eq(xt_read(dom0, t1, "/c/z", NULL, 0), ENOENT);
    ck_assert_int_eq(xt_write(other, 0, "/c/z", "now"), 0);
    ck_assert_int_eq(xt_op1(dom0, XS_TRANSACTION_END, t1, "T"), EAGAIN);
}
END_TEST

START_TEST(disconnect_mid_transaction_leaves_nothing)
{
    struct conn *c = introduce(4);
    size_t before_nodes;
    uint32_t tx = start_tx(c);

    ck_assert_int_eq(xt_op1(dom0, XS_MKDIR, 0, "/local/domain/4"), 0);
    before_nodes = x.store.map.count;
    ck_assert_int_eq(xt_op2(dom0, XS_SET_PERMS, 0, "/local/domain/4", "n4"), 0);
    ck_assert_int_eq(xt_write(c, tx, "a/b/c", "v"), 0);
    ck_assert_int_eq(xt_op2(c, XS_WATCH, 0, "a", "tok"), 0);
    ck_assert_uint_eq(c->ntxns, 1);
    conn_destroy(c);
    ck_assert_uint_eq(x.store.map.count, before_nodes);
    ck_assert_int_eq(xt_read(dom0, 0, "/local/domain/4/a", NULL, 0), ENOENT);
    ck_assert_int_eq(store_check(&x), 0);
}
END_TEST

static void expect_event(struct conn *c, const char *path, const char *token)
{
    struct xt_msg m;

    ck_assert_msg(xt_event(c, &m), "no event for %s", path);
    ck_assert_uint_eq(m.hdr.type, XS_WATCH_EVENT);
    ck_assert_uint_eq(m.hdr.req_id, 0);
    ck_assert_uint_eq(m.hdr.tx_id, 0);
    ck_assert_str_eq(m.data, path);
    ck_assert_str_eq(m.data + strlen(path) + 1, token);
    ck_assert_uint_eq(m.hdr.len, strlen(path) + strlen(token) + 2);
}

START_TEST(watch_fires_for_node_and_descendants)
{
    struct conn *w = xt_conn(&x, 0, true);

    ck_assert_int_eq(xt_op2(w, XS_WATCH, 0, "/w", "tok"), 0);
    expect_event(w, "/w", "tok");           /* the initial event */
    ck_assert_uint_eq(xt_pending_events(w), 0);
    xt_write(dom0, 0, "/w", "1");
    expect_event(w, "/w", "tok");
    xt_write(dom0, 0, "/w/x/y", "1");
    expect_event(w, "/w/x/y", "tok");
    xt_write(dom0, 0, "/wx", "1");          /* a sibling, not a child */
    xt_write(dom0, 0, "/other", "1");
    ck_assert_uint_eq(xt_pending_events(w), 0);
    ck_assert_int_eq(xt_op2(dom0, XS_SET_PERMS, 0, "/w/x", "n0"), 0);
    expect_event(w, "/w/x", "tok");
    /* Removing the parent tells a watcher on a removed child. */
    ck_assert_int_eq(xt_op2(w, XS_WATCH, 0, "/w/x/y", "child"), 0);
    expect_event(w, "/w/x/y", "child");
    /* Below the removed node, only exact watches fire. */
    ck_assert_int_eq(xt_op1(dom0, XS_RM, 0, "/w"), 0);
    expect_event(w, "/w", "tok");
    expect_event(w, "/w/x/y", "child");
    ck_assert_uint_eq(xt_pending_events(w), 0);
    /* The duplicate and unwatch rules. */
    ck_assert_int_eq(xt_op2(w, XS_WATCH, 0, "/w", "tok"), EEXIST);
    ck_assert_int_eq(xt_op2(w, XS_UNWATCH, 0, "/w", "nope"), ENOENT);
    ck_assert_int_eq(xt_op2(w, XS_UNWATCH, 0, "/w", "tok"), 0);
    ck_assert_int_eq(xt_op1(w, XS_WATCH, 0, "/w"), EINVAL);
    ck_assert_int_eq(xt_op2(w, XS_WATCH, 0, "/w//", "t"), EINVAL);
}
END_TEST

START_TEST(watch_rm_events)
{
    struct conn *w = xt_conn(&x, 0, true);
    struct xt_msg m;
    int seen_root = 0, seen_child = 0;

    xt_write(dom0, 0, "/r/a/b", "1");
    ck_assert_int_eq(xt_op2(w, XS_WATCH, 0, "/r", "t"), 0);
    ck_assert_int_eq(xt_op2(w, XS_WATCH, 0, "/r/a/b", "leaf"), 0);
    while (xt_event(w, &m))
        ;
    ck_assert_int_eq(xt_op1(dom0, XS_RM, 0, "/r/a"), 0);
    while (xt_event(w, &m)) {
        const char *tok = m.data + strlen(m.data) + 1;

        seen_root += !strcmp(m.data, "/r/a") && !strcmp(tok, "t");
        seen_child += !strcmp(m.data, "/r/a/b") && !strcmp(tok, "leaf");
    }
    ck_assert_int_eq(seen_root, 1);
    ck_assert_int_eq(seen_child, 1);
}
END_TEST

START_TEST(watch_depth_and_relative_paths)
{
    struct conn *d3 = introduce(3);
    size_t len;
    const char *arg;

    xt_op1(dom0, XS_MKDIR, 0, "/local/domain/3");
    xt_op2(dom0, XS_SET_PERMS, 0, "/local/domain/3", "n3");
    ck_assert_int_eq(xt_op2(d3, XS_WATCH, 0, "dev", "rel"), 0);
    expect_event(d3, "dev", "rel");
    xt_write(dom0, 0, "/local/domain/3/dev/x", "1");
    expect_event(d3, "dev/x", "rel");

    arg = xt_strs(&len, "/dd", "depth", "1", NULL);
    ck_assert_int_eq(xt_call(dom0, XS_WATCH, 0, arg, len, NULL), 0);
    expect_event(dom0, "/dd", "depth");
    xt_write(dom0, 0, "/dd/a", "1");
    expect_event(dom0, "/dd/a", "depth");
    xt_write(dom0, 0, "/dd/a/b", "1");
    ck_assert_uint_eq(xt_pending_events(dom0), 0);
    arg = xt_strs(&len, "/dd", "bad", "-1", NULL);
    ck_assert_int_eq(xt_call(dom0, XS_WATCH, 0, arg, len, NULL), EINVAL);
}
END_TEST

START_TEST(watch_respects_permissions)
{
    struct conn *d5 = introduce(5);

    xt_write(dom0, 0, "/hidden", "");
    ck_assert_int_eq(xt_op2(d5, XS_WATCH, 0, "/hidden", "t"), 0);
    expect_event(d5, "/hidden", "t");
    xt_write(dom0, 0, "/hidden/x", "1");
    ck_assert_uint_eq(xt_pending_events(d5), 0);
    ck_assert_int_eq(xt_op2(dom0, XS_SET_PERMS, 0, "/hidden/x", "r5"), 0);
    expect_event(d5, "/hidden/x", "t");
}
END_TEST

START_TEST(watch_in_transaction_fires_on_commit_only)
{
    struct conn *w = xt_conn(&x, 0, true);
    uint32_t tx;

    ck_assert_int_eq(xt_op2(w, XS_WATCH, 0, "/q", "t"), 0);
    expect_event(w, "/q", "t");
    tx = start_tx(dom0);
    xt_write(dom0, tx, "/q/a", "1");
    ck_assert_uint_eq(xt_pending_events(w), 0);
    ck_assert_int_eq(xt_op1(dom0, XS_TRANSACTION_END, tx, "T"), 0);
    expect_event(w, "/q/a", "t");
    tx = start_tx(dom0);
    xt_write(dom0, tx, "/q/b", "1");
    ck_assert_int_eq(xt_op1(dom0, XS_TRANSACTION_END, tx, "F"), 0);
    ck_assert_uint_eq(xt_pending_events(w), 0);
}
END_TEST

START_TEST(special_watches)
{
    struct conn *d5, *d7;
    size_t len;
    const char *arg;

    ck_assert_int_eq(xt_op2(dom0, XS_WATCH, 0, "@introduceDomain", "in"), 0);
    expect_event(dom0, "@introduceDomain", "in");
    ck_assert_int_eq(xt_op2(dom0, XS_WATCH, 0, "@releaseDomain", "out"), 0);
    expect_event(dom0, "@releaseDomain", "out");
    arg = xt_strs(&len, "@releaseDomain", "one", "1", NULL);
    ck_assert_int_eq(xt_call(dom0, XS_WATCH, 0, arg, len, NULL), 0);
    expect_event(dom0, "@releaseDomain", "one");
    d5 = introduce(5);
    expect_event(dom0, "@introduceDomain", "in");
    /* Unprivileged watchers need the special node's read perm. */
    ck_assert_int_eq(xt_op2(d5, XS_WATCH, 0, "@introduceDomain", "d5"), 0);
    expect_event(d5, "@introduceDomain", "d5");
    d7 = introduce(7);
    (void)d7;
    expect_event(dom0, "@introduceDomain", "in");
    ck_assert_uint_eq(xt_pending_events(d5), 0);
    arg = xt_strs(&len, "@introduceDomain", "n0", "r5", NULL);
    ck_assert_int_eq(xt_call(dom0, XS_SET_PERMS, 0, arg, len, NULL), 0);
    introduce(8);
    expect_event(dom0, "@introduceDomain", "in");
    expect_event(d5, "@introduceDomain", "d5");

    ck_assert_int_eq(xt_op1(dom0, XS_RELEASE, 0, "7"), 0);
    expect_event(dom0, "@releaseDomain", "out");
    expect_event(dom0, "@releaseDomain/7", "one");
    ck_assert_uint_eq(xt_pending_events(dom0), 0);
}
END_TEST

START_TEST(reset_watches_drops_watches_and_transactions)
{
    uint32_t tx;

    ck_assert_int_eq(xt_op2(dom0, XS_WATCH, 0, "/z", "t"), 0);
    expect_event(dom0, "/z", "t");
    tx = start_tx(dom0);
    ck_assert_int_eq(xt_call(dom0, XS_RESET_WATCHES, 0, "", 1, NULL), 0);
    xt_write(dom0, 0, "/z", "1");
    ck_assert_uint_eq(xt_pending_events(dom0), 0);
    ck_assert_int_eq(xt_op1(dom0, XS_TRANSACTION_END, tx, "T"), ENOENT);
}
END_TEST

START_TEST(quota_nodes)
{
    struct conn *d5 = introduce(5), *d6 = introduce(6);
    size_t len;
    const char *arg;
    char path[64];
    int i;
    uint32_t tx;

    xt_op1(dom0, XS_MKDIR, 0, "/local/domain/5");
    xt_op2(dom0, XS_SET_PERMS, 0, "/local/domain/5", "n5");
    xt_op1(dom0, XS_MKDIR, 0, "/local/domain/6");
    xt_op2(dom0, XS_SET_PERMS, 0, "/local/domain/6", "n6");
    arg = xt_strs(&len, "5", "nodes", "4", NULL);
    ck_assert_int_eq(xt_call(dom0, XS_SET_QUOTA, 0, arg, len, NULL), 0);
    /* Domain 5 owns its home already: three more fit. */
    for (i = 0; i < 3; i++) {
        snprintf(path, sizeof(path), "n%d", i);
        ck_assert_int_eq(xt_write(d5, 0, path, "v"), 0);
    }
    ck_assert_int_eq(xt_write(d5, 0, "n3", "v"), ENOSPC);
    ck_assert_int_eq(xt_write(d5, 0, "a/b", "v"), ENOSPC);
    ck_assert_int_eq(xt_read(dom0, 0, "/local/domain/5/a", NULL, 0), ENOENT);
    /* Rewriting an existing node needs no quota. */
    ck_assert_int_eq(xt_write(d5, 0, "n0", "again"), 0);
    /* In a transaction the check counts the transaction's own nodes. */
    ck_assert_int_eq(xt_op1(d5, XS_RM, 0, "n0"), 0);
    tx = start_tx(d5);
    ck_assert_int_eq(xt_write(d5, tx, "t1", "v"), 0);
    ck_assert_int_eq(xt_write(d5, tx, "t2", "v"), ENOSPC);
    ck_assert_int_eq(xt_op1(d5, XS_TRANSACTION_END, tx, "T"), 0);
    /* Nobody else is affected. */
    for (i = 0; i < 20; i++) {
        snprintf(path, sizeof(path), "n%d", i);
        ck_assert_int_eq(xt_write(d6, 0, path, "v"), 0);
        snprintf(path, sizeof(path), "/free/n%d", i);
        ck_assert_int_eq(xt_write(dom0, 0, path, "v"), 0);
    }
}
END_TEST

START_TEST(quota_watches_transactions_sizes)
{
    struct conn *d5 = introduce(5);
    char big[3000];
    size_t len;
    const char *arg;
    struct xt_msg m;

    xt_op1(dom0, XS_MKDIR, 0, "/local/domain/5");
    xt_op2(dom0, XS_SET_PERMS, 0, "/local/domain/5", "n5");
    arg = xt_strs(&len, "5", "watches", "2", NULL);
    ck_assert_int_eq(xt_call(dom0, XS_SET_QUOTA, 0, arg, len, NULL), 0);
    ck_assert_int_eq(xt_op2(d5, XS_WATCH, 0, "a", "1"), 0);
    ck_assert_int_eq(xt_op2(d5, XS_WATCH, 0, "b", "2"), 0);
    ck_assert_int_eq(xt_op2(d5, XS_WATCH, 0, "c", "3"), ENOSPC);
    ck_assert_int_eq(xt_op2(d5, XS_UNWATCH, 0, "a", "1"), 0);
    ck_assert_int_eq(xt_op2(d5, XS_WATCH, 0, "c", "3"), 0);

    arg = xt_strs(&len, "5", "transactions", "1", NULL);
    ck_assert_int_eq(xt_call(dom0, XS_SET_QUOTA, 0, arg, len, NULL), 0);
    start_tx(d5);
    ck_assert_int_eq(xt_call(d5, XS_TRANSACTION_START, 0, "", 1, NULL), ENOSPC);

    /* Default node-size is 2048 bytes. */
    memset(big, 'v', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    ck_assert_int_eq(xt_write(d5, 0, "big", big), ENOSPC);
    ck_assert_int_eq(xt_write(dom0, 0, "/big", big), 0);
    big[2048] = '\0';
    ck_assert_int_eq(xt_write(d5, 0, "big", big), 0);

    arg = xt_strs(&len, "5", "node-permissions", "2", NULL);
    ck_assert_int_eq(xt_call(dom0, XS_SET_QUOTA, 0, arg, len, NULL), 0);
    arg = xt_strs(&len, "big", "n5", "r1", "r2", NULL);
    ck_assert_int_eq(xt_call(d5, XS_SET_PERMS, 0, arg, len, NULL), ENOSPC);

    arg = xt_strs(&len, "5", "path-max", "10", NULL);
    ck_assert_int_eq(xt_call(dom0, XS_SET_QUOTA, 0, arg, len, NULL), 0);
    ck_assert_int_eq(xt_write(d5, 0, "0123456789", "v"), 0);
    ck_assert_int_eq(xt_write(d5, 0, "0123456789a", "v"), EINVAL);

    arg = xt_strs(&len, "5", "request-size", "64", NULL);
    ck_assert_int_eq(xt_call(dom0, XS_SET_QUOTA, 0, arg, len, NULL), 0);
    big[100] = '\0';
    ck_assert_int_eq(xt_write(d5, 0, "x", big), E2BIG);
    ck_assert_int_eq(xt_read(d5, 0, "x", NULL, 0), ENOENT);

    /* GET_QUOTA and SET_QUOTA forms. */
    ck_assert_int_eq(xt_call(dom0, XS_GET_QUOTA, 0, "", 0, &m), 0);
    ck_assert_ptr_nonnull(strstr(m.data, "nodes"));
    ck_assert_ptr_nonnull(strstr(m.data, "request-size"));
    ck_assert_int_eq(xt_op1(dom0, XS_GET_QUOTA, 0, "watches"), 0);
    ck_assert_int_eq(xt_call(dom0, XS_GET_QUOTA, 0, "watches", 8, &m), 0);
    ck_assert_str_eq(m.data, "128");
    arg = xt_strs(&len, "5", "watches", NULL);
    ck_assert_int_eq(xt_call(dom0, XS_GET_QUOTA, 0, arg, len, &m), 0);
    ck_assert_str_eq(m.data, "2");
    ck_assert_int_eq(xt_op1(dom0, XS_GET_QUOTA, 0, "bogus"), EINVAL);
    ck_assert_int_eq(xt_op2(dom0, XS_SET_QUOTA, 0, "nodes", "0"), EINVAL);
    ck_assert_int_eq(xt_op2(dom0, XS_SET_QUOTA, 0, "nodes", "x"), EINVAL);
    ck_assert_int_eq(xt_op2(dom0, XS_SET_QUOTA, 0, "nodes", "77"), 0);
    ck_assert_int_eq(xt_call(dom0, XS_GET_QUOTA, 0, "nodes", 6, &m), 0);
    ck_assert_str_eq(m.data, "77");
    ck_assert_int_eq(xt_op1(dom0, XS_SET_QUOTA, 0, "nodes"), EINVAL);
}
END_TEST

START_TEST(domain_requests)
{
    struct xt_msg m;
    size_t len;
    const char *arg;
    struct conn *d3, *d4;

    ck_assert_int_eq(xt_call(dom0, XS_GET_DOMAIN_PATH, 0, "7", 2, &m), 0);
    ck_assert_str_eq(m.data, "/local/domain/7");
    ck_assert_int_eq(xt_op1(dom0, XS_GET_DOMAIN_PATH, 0, "x7"), EINVAL);
    ck_assert_int_eq(xt_op1(dom0, XS_GET_DOMAIN_PATH, 0, "70000"), EINVAL);
    ck_assert_int_eq(xt_call(dom0, XS_IS_DOMAIN_INTRODUCED, 0, "3", 2, &m), 0);
    ck_assert_str_eq(m.data, "F");
    ck_assert_int_eq(xt_call(dom0, XS_IS_DOMAIN_INTRODUCED, 0, "0", 2, &m), 0);
    ck_assert_str_eq(m.data, "T");

    /* Features can change only before INTRODUCE. */
    ck_assert_int_eq(xt_call(dom0, XS_GET_FEATURE, 0, "", 0, &m), 0);
    ck_assert_str_eq(m.data, "7");
    ck_assert_int_eq(xt_op2(dom0, XS_SET_FEATURE, 0, "3", "1"), 0);
    ck_assert_int_eq(xt_op2(dom0, XS_SET_FEATURE, 0, "3", "64"), EINVAL);
    d3 = introduce(3);
    ck_assert_uint_eq(rings.page[3]->server_features, 1);
    ck_assert_int_eq(xt_call(d3, XS_GET_FEATURE, 0, "", 0, &m), 0);
    ck_assert_str_eq(m.data, "1");
    ck_assert_int_eq(xt_op1(d3, XS_GET_FEATURE, 0, "3"), EACCES);
    ck_assert_int_eq(xt_call(dom0, XS_GET_FEATURE, 0, "3", 2, &m), 0);
    ck_assert_str_eq(m.data, "1");
    ck_assert_int_eq(xt_op2(dom0, XS_SET_FEATURE, 0, "3", "1"), EBUSY);
    ck_assert_int_eq(xt_call(dom0, XS_IS_DOMAIN_INTRODUCED, 0, "3", 2, &m), 0);
    ck_assert_str_eq(m.data, "T");
    /* INTRODUCE again resets the session, keeping the connection. */
    ck_assert_int_eq(xt_op2(d3, XS_WATCH, 0, "/x", "t"), 0);
    introduce(3);
    ck_assert_uint_eq(d3->nwatches, 0);

    arg = xt_strs(&len, "0", "1", "2", NULL);
    ck_assert_int_eq(xt_call(dom0, XS_INTRODUCE, 0, arg, len, NULL), EINVAL);
    arg = xt_strs(&len, "9", "1", "0", NULL);
    ck_assert_int_eq(xt_call(dom0, XS_INTRODUCE, 0, arg, len, NULL), EINVAL);
    arg = xt_strs(&len, "9", "z", "2", NULL);
    ck_assert_int_eq(xt_call(dom0, XS_INTRODUCE, 0, arg, len, NULL), EINVAL);
    arg = xt_strs(&len, "9", "1", NULL);
    ck_assert_int_eq(xt_call(dom0, XS_INTRODUCE, 0, arg, len, NULL), EINVAL);
    rings.fail_attach = EFAULT;
    arg = xt_strs(&len, "9", "1", "2", NULL);
    ck_assert_int_eq(xt_call(dom0, XS_INTRODUCE, 0, arg, len, NULL), EIO);
    rings.fail_attach = 0;
    ck_assert_int_eq(xt_call(dom0, XS_IS_DOMAIN_INTRODUCED, 0, "9", 2, &m), 0);
    ck_assert_str_eq(m.data, "F");

    /* SET_TARGET: a device model acts for its guest. */
    d4 = introduce(4);
    xt_write(dom0, 0, "/g/x", "guest");
    xt_op2(dom0, XS_SET_PERMS, 0, "/g/x", "n4");
    ck_assert_int_eq(xt_read(d3, 0, "/g/x", NULL, 0), EACCES);
    ck_assert_int_eq(xt_op2(dom0, XS_SET_TARGET, 0, "3", "4"), 0);
    ck_assert_int_eq(xt_read(d3, 0, "/g/x", NULL, 0), 0);
    ck_assert_int_eq(xt_op2(dom0, XS_SET_TARGET, 0, "3", "12"), ENOENT);
    ck_assert_int_eq(xt_op1(dom0, XS_SET_TARGET, 0, "3"), EINVAL);
    (void)d4;

    ck_assert_int_eq(xt_op1(dom0, XS_RESUME, 0, "3"), 0);
    ck_assert_int_eq(xt_op1(dom0, XS_RESUME, 0, "11"), ENOENT);
    ck_assert_int_eq(xt_op1(dom0, XS_RELEASE, 0, "0"), EINVAL);
    ck_assert_int_eq(xt_op1(dom0, XS_RELEASE, 0, "11"), ENOENT);
    ck_assert_int_eq(xt_op1(dom0, XS_RELEASE, 0, "banana"), EINVAL);
}
END_TEST

START_TEST(release_removes_owned_nodes)
{
    struct conn *d6 = introduce(6);
    struct xt_msg m;

    xt_op1(dom0, XS_MKDIR, 0, "/local/domain/6");
    xt_op2(dom0, XS_SET_PERMS, 0, "/local/domain/6", "n6");
    ck_assert_int_eq(xt_write(d6, 0, "data/a", "1"), 0);
    xt_write(dom0, 0, "/keep", "dom0's");
    ck_assert_uint_eq(xsd_domain(&x, 6, false)->nodes, 3);
    ck_assert_int_eq(xt_op1(dom0, XS_RELEASE, 0, "6"), 0);
    ck_assert_uint_eq(rings.detached, 1);
    ck_assert_int_eq(xt_read(dom0, 0, "/local/domain/6", NULL, 0), ENOENT);
    ck_assert_str_eq(rd(dom0, "/keep"), "dom0's");
    ck_assert_uint_eq(xsd_domain(&x, 6, false)->nodes, 0);
    ck_assert_int_eq(xt_call(dom0, XS_IS_DOMAIN_INTRODUCED, 0, "6", 2, &m), 0);
    ck_assert_str_eq(m.data, "F");
    ck_assert(d6->dead);
    xsd_reap(&x);
    ck_assert_int_eq(store_check(&x), 0);
}
END_TEST

START_TEST(control_and_unknown_types)
{
    struct xt_msg m;
    size_t len;
    const char *arg;
    uint32_t bad[] = { 15, 16, 20, XS_TYPE_COUNT, 9999, XS_INVALID };
    unsigned i;

    ck_assert_int_eq(xt_call(dom0, XS_CONTROL, 0, "help", 5, &m), 0);
    ck_assert_ptr_nonnull(strstr(m.data, "check"));
    ck_assert_int_eq(xt_op1(dom0, XS_CONTROL, 0, "check"), 0);
    arg = xt_strs(&len, "print", "hello from the test", NULL);
    ck_assert_int_eq(xt_call(dom0, XS_CONTROL, 0, arg, len, NULL), 0);
    ck_assert_int_eq(xt_call(dom0, XS_CONTROL, 0, "quota", 6, &m), 0);
    ck_assert_ptr_nonnull(strstr(m.data, "watches"));
    ck_assert_int_eq(xt_op1(dom0, XS_CONTROL, 0, "explode"), EINVAL);
    ck_assert_int_eq(xt_call(dom0, XS_CONTROL, 0, "", 0, NULL), EINVAL);
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        ck_assert_int_eq(xt_call(dom0, bad[i], 0, "/", 2, NULL), ENOSYS);
}
END_TEST

START_TEST(oversized_message_closes_connection)
{
    struct conn *c = xt_conn(&x, 0, true);
    struct xsd_sockmsg h = { XS_WRITE, 1, 0, XENSTORE_PAYLOAD_MAX + 1 };
    size_t nodes = x.store.map.count;
    struct xt_msg m;

    xt_feed(c, &h, sizeof(h));
    ck_assert(xt_peer_closed(c));
    ck_assert(!xt_reply(c, &m));
    ck_assert_uint_eq(x.store.map.count, nodes);
    xsd_reap(&x);
}
END_TEST

START_TEST(truncated_message_waits_for_the_rest)
{
    struct xsd_sockmsg h = { XS_WRITE, 5, 0, 8 };
    char buf[sizeof(h) + 8];
    struct xt_msg m;

    memcpy(buf, &h, sizeof(h));
    memcpy(buf + sizeof(h), "/tr\0abcd", 8);
    xt_feed(dom0, buf, 7);
    ck_assert(!xt_reply(dom0, &m));
    xt_feed(dom0, buf + 7, sizeof(h) + 4 - 7);
    ck_assert(!xt_reply(dom0, &m));
    xt_feed(dom0, buf + sizeof(h) + 4, 4);
    ck_assert(xt_reply(dom0, &m));
    ck_assert_uint_eq(m.hdr.type, XS_WRITE);
    ck_assert_uint_eq(m.hdr.req_id, 5);
    ck_assert_str_eq(rd(dom0, "/tr"), "abcd");
}
END_TEST

START_TEST(max_payload_is_accepted)
{
    char buf[XENSTORE_PAYLOAD_MAX];

    memset(buf, 'x', sizeof(buf));
    memcpy(buf, "/max", 5);
    ck_assert_int_eq(xt_call(dom0, XS_WRITE, 0, buf, sizeof(buf), NULL), 0);
    ck_assert_uint_eq(strlen(rd(dom0, "/max")), XENSTORE_PAYLOAD_MAX - 5);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("xenstored_proto");
    TCase *tc = tcase_create("requests");
    SRunner *sr;
    int failed;

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, read_write_basic);
    tcase_add_test(tc, reply_echoes_header);
    tcase_add_test(tc, path_rules);
    tcase_add_test(tc, mkdir_and_rm);
    tcase_add_test(tc, directory_lists_children);
    tcase_add_test(tc, directory_part_pages_long_lists);
    tcase_add_test(tc, get_and_set_perms);
    tcase_add_test(tc, permissions_by_domain);
    tcase_add_test(tc, domains_own_what_they_create);
    tcase_add_test(tc, transaction_commit_and_isolation);
    tcase_add_test(tc, transaction_conflicts);
    tcase_add_test(tc, disconnect_mid_transaction_leaves_nothing);
    tcase_add_test(tc, watch_fires_for_node_and_descendants);
    tcase_add_test(tc, watch_rm_events);
    tcase_add_test(tc, watch_depth_and_relative_paths);
    tcase_add_test(tc, watch_respects_permissions);
    tcase_add_test(tc, watch_in_transaction_fires_on_commit_only);
    tcase_add_test(tc, special_watches);
    tcase_add_test(tc, reset_watches_drops_watches_and_transactions);
    tcase_add_test(tc, quota_nodes);
    tcase_add_test(tc, quota_watches_transactions_sizes);
    tcase_add_test(tc, domain_requests);
    tcase_add_test(tc, release_removes_owned_nodes);
    tcase_add_test(tc, control_and_unknown_types);
    tcase_add_test(tc, oversized_message_closes_connection);
    tcase_add_test(tc, truncated_message_waits_for_the_rest);
    tcase_add_test(tc, max_payload_is_accepted);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
