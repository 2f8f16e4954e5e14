/*
 * A watch storm against heron-xenstored (docs/robustness.md): a domain
 * watches its own node and never reads its ring while dom0 rewrites a
 * node below it (with a long name, so each event is large) over and over.  The events queued for it stay bounded
 * (CONN_OUT_LIMIT): its connection is failed, not the daemon; dom0 and
 * another domain watching its own node carry on, and the store stays
 * consistent.  The domain plays its side on a ring page in memory, as in
 * tests/unit/xenstore/test_xs_ring.c.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xs_harness.h"

#define STORM_WRITES 2600
/* Each event names the long node written, so ~2 KiB per event. */
#define LEAF_LEN 1800

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

/* Introduces domid with its own subtree; returns its ring page. */
static struct xenstore_domain_interface *introduce(unsigned int domid)
{
    char d[8], path[32], perm[8];
    size_t len;
    const char *arg;

    snprintf(d, sizeof(d), "%u", domid);
    arg = xt_strs(&len, d, "100", "5", NULL);
    ck_assert_int_eq(xt_call(dom0, XS_INTRODUCE, 0, arg, len, NULL), 0);
    snprintf(path, sizeof(path), "/local/domain/%u", domid);
    snprintf(perm, sizeof(perm), "n%u", domid);
    ck_assert_int_eq(xt_op1(dom0, XS_MKDIR, 0, path), 0);
    ck_assert_int_eq(xt_op2(dom0, XS_SET_PERMS, 0, path, perm), 0);
    ck_assert_ptr_nonnull(rings.page[domid]);
    return rings.page[domid];
}

/* The domain's request, whole, into its ring (it fits: one small message). */
static void guest_send(struct xenstore_domain_interface *r, uint32_t type,
                       const void *p, size_t len)
{
    struct xsd_sockmsg h = { type, 1, 0, (uint32_t)len };
    char buf[sizeof(h) + 128];

    ck_assert_uint_le(sizeof(h) + len, sizeof(buf));
    memcpy(buf, &h, sizeof(h));
    memcpy(buf + sizeof(h), p, len);
    for (size_t i = 0; i < sizeof(h) + len; i++)
        r->req[MASK_XENSTORE_IDX(r->req_prod + i)] = buf[i];
    r->req_prod += sizeof(h) + len;
    domain_service_all(&x);
}

/* Consumes everything in the domain's response ring. */
static size_t guest_drain(struct xenstore_domain_interface *r)
{
    size_t n = r->rsp_prod - r->rsp_cons;

    r->rsp_cons = r->rsp_prod;
    domain_service_all(&x);
    return n;
}

static void watch_own_node(struct xenstore_domain_interface *r)
{
    const char w[] = "storm\0tok";

    guest_send(r, XS_WATCH, w, sizeof(w));
    ck_assert_uint_gt(guest_drain(r), 0);    /* the reply and the first event */
}

START_TEST(storm_fails_only_the_silent_watcher)
{
    struct xenstore_domain_interface *silent = introduce(3), *busy = introduce(4);
    struct conn *c3 = xsd_domain(&x, 3, false)->conn;
    size_t peak = 0, busy_bytes = 0;
    static char leaf[sizeof("/local/domain/3/storm/") + LEAF_LEN];
    char val[16];

    snprintf(leaf, sizeof(leaf), "/local/domain/3/storm/%0*d", LEAF_LEN, 0);
    watch_own_node(silent);
    watch_own_node(busy);
    for (unsigned int i = 0; i < STORM_WRITES; i++) {
        snprintf(val, sizeof(val), "%u", i);
        ck_assert_int_eq(xt_write(dom0, 0, leaf, val), 0);
        if (i % 100 == 0) {
            ck_assert_int_eq(xt_write(dom0, 0, "/local/domain/4/storm", val), 0);
            busy_bytes += guest_drain(busy);
        }
        if (!c3->dead && !c3->stalled && c3->out_bytes > peak)
            peak = c3->out_bytes;
        xt_drain(dom0);
    }
    /* The silent domain's queue hit the limit and its connection failed. */
    ck_assert_uint_le(peak, CONN_OUT_LIMIT);
    ck_assert(c3->dead || c3->stalled);
    /* dom0 and the other watcher were served throughout. */
    ck_assert_uint_gt(busy_bytes, (STORM_WRITES / 100) * 20);
    ck_assert_int_eq(xt_write(dom0, 0, "/local/domain/4/after", "ok"), 0);
    printf("watch storm: %u writes, silent watcher's queue peaked at %zu bytes "
           "(limit %u), then failed; the other watcher got %zu bytes of events\n",
           STORM_WRITES, peak, (unsigned int)CONN_OUT_LIMIT, busy_bytes);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("xs_watch_storm");
    TCase *tc = tcase_create("storm");
    SRunner *sr;
    int failed;

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, storm_fails_only_the_silent_watcher);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
